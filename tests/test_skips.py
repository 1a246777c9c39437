"""Every input accounted for: each file of a folder is an article, a named error or a
skipped file with its reason (in the report's "skipped" and on stderr); PDF articles are
read through their text layer."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest

from analysis.ingest.readers import read_documents
from conftest import REPO, write

ARTICLE = "Kabul airport reopens\n\nKABUL (Reuters) - The airport reopened on Monday, officials said.\n"


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica); no lines: a page with
    a drawing and no text, as a scan has."""
    esc = lambda s: s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")  # noqa: E731
    ops = "".join(f"({esc(line)}) Tj 0 -14 Td " for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {ops}ET".encode() if lines else b"0 0 m 10 10 l S"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def hostile_folder(folder):
    write(folder, "good.txt", ARTICLE)
    write(folder, ".hidden.txt", ARTICLE)
    write(folder, ".git/config.txt", ARTICLE)
    write(folder, "notes.docx", b"PK\x03\x04")
    write(folder, "empty.gz", b"")
    write(folder, "notgzip.gz", b"plain words, not gzip")
    write(folder, "truncated.gz", gzip.compress(ARTICLE.encode())[:12])
    write(folder, "table.xlsx.gz", gzip.compress(b"PK"))
    write(folder, "utf16.txt", ARTICLE.encode("utf-16-le"))            # no byte-order mark
    os.symlink(folder, folder / "loop")                                 # a link back up: a loop
    return folder


SKIPPED = {".hidden.txt": "hidden file (its name starts with '.')",
           ".git": "hidden folder (its name starts with '.')",
           "loop": "link to a folder, not followed",
           "notes.docx": "unsupported file type .docx",
           "empty.gz": "compressed file with no known inner type (name it like x.txt.gz or x.jsonl.gz)",
           "notgzip.gz": "compressed file with no known inner type (name it like x.txt.gz or x.jsonl.gz)",
           "truncated.gz": "compressed file with no known inner type (name it like x.txt.gz or x.jsonl.gz)",
           "table.xlsx.gz": "compressed .xlsx is not a supported type"}


def test_every_file_is_an_article_an_error_or_skipped_with_its_reason(tmp_path):
    docs, errors = read_documents([hostile_folder(tmp_path / "c")])
    assert sorted(d.file for d in docs) == ["good.txt", "utf16.txt"]
    assert {e.file: e.error for e in errors if e.skipped} == SKIPPED
    assert [e for e in errors if not e.skipped] == []
    utf16 = next(d for d in docs if d.file == "utf16.txt")
    assert utf16.text.startswith("Kabul airport reopens")


def test_a_named_file_of_unknown_type_is_skipped_with_the_reason(tmp_path):
    write(tmp_path, "notgzip.gz", b"plain")
    _, errors = read_documents([tmp_path / "notgzip.gz"])
    assert [(e.file, e.skipped) for e in errors] == [("notgzip.gz", True)]
    assert "no known inner type" in errors[0].error


def test_pdf_text_layer_is_read_and_a_scan_is_a_named_error(tmp_path):
    pytest.importorskip("pypdf")
    write(tmp_path, "article.pdf", make_pdf(["Kabul airport reopens", "KABUL (Reuters) - The airport re-",
                                              "opened on Monday, officials", "said."]))
    write(tmp_path, "scan.pdf", make_pdf([]))
    write(tmp_path, "broken.pdf", b"%PDF-1.4 not really")
    docs, errors = read_documents([tmp_path])
    assert [(d.file, d.format) for d in docs] == [("article.pdf", "pdf")]
    assert docs[0].text == "Kabul airport reopens\nKABUL (Reuters) - The airport reopened on Monday, officials said."
    why = {e.file: e.error for e in errors}
    assert why["scan.pdf"] == "PDF has no text layer (1 page(s), a scan?): it needs OCR first"
    assert why["broken.pdf"].startswith("corrupt PDF")


def test_report_lists_skipped_files_and_stderr_names_them(tmp_path):
    corpus = hostile_folder(tmp_path / "c")
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "analysis", "report", str(corpus), "--format", "json", "--quiet",
                           "--store", str(tmp_path / "store")], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert {s["file"]: s["reason"] for s in report["skipped"]} == SKIPPED
    assert report["errors"] == []
    assert sorted(a["file"] for a in report["articles"]) == ["good.txt", "utf16.txt"]
    for name, reason in SKIPPED.items():
        assert f"skipped: {name}: {reason}" in proc.stderr
    good = next(a for a in report["articles"] if a["file"] == "good.txt")
    assert good["source"] == "Reuters" and "wire copy from Reuters" in good["provenance"]["source"]["evidence"]
