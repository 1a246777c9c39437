"""Uploads (analysis.uploads): type and size limits with clear messages, sanitised names
that never leave the uploads folder, never overwrite, never appear half-written."""
from __future__ import annotations

import gzip
import os
import threading
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest import uploads as U

TEXT = b"Kabul airport reopens\n\nThe airport reopened on Monday, officials said.\n"


@pytest.mark.parametrize("name, data, says", [
    ("notes.exe", TEXT, "not an accepted type"),
    ("noextension", TEXT, "not an accepted type"),
    ("report.docx", TEXT, "not an accepted type"),
    ("report.pdf", TEXT, "named .pdf but is not a PDF document"),
    ("report.pdf.gz", gzip.compress(TEXT), "named .pdf but is not a PDF document"),
    ("sheet.pdf", b"PK\x03\x04" + b"\0" * 40, "not a PDF document (this is a ZIP archive"),
    ("empty.txt", b"", "empty"),
    ("big.txt", b"x" * 1001, "more than the limit of 0.001 MB"),
    ("doc.txt", b"%PDF-1.7\n...", "a PDF document, not .txt text"),
    ("sheet.csv", b"PK\x03\x04" + b"\0" * 40, "a ZIP archive"),
    ("photo.html", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "a PNG image"),
    ("prog.json", b"\x7fELF\x02\x01\x01" + b"\0" * 20, "a program"),
    ("raw.txt", b"abc\x00\x01\x02def", "binary data"),
    ("double.txt.gz", gzip.compress(gzip.compress(TEXT)), "gzip data inside gzip data"),
    ("bomb.txt", gzip.compress(b"\0" * 3000), "expands to more than 0.002 MB"),
    ("fake.txt.gz", TEXT, "named .gz but is not gzip data"),
    ("cut.jsonl.gz", gzip.compress(TEXT * 50)[:-30], "corrupt gzip data"),
    ("empty.txt.gz", gzip.compress(b""), "empty (once decompressed)"),
    ("manifest.csv", b"file,title\na.txt,A\n", "a side file"),
    ("aliases.csv.gz", gzip.compress(b"action,name,target\n"), "a side file"),
    ("LICENSE.txt", b"MIT License", "a side file"),
])
def test_refusals_say_why_and_name_the_file(name, data, says):
    problem = U.upload_problem(name, data, max_bytes=1000, max_expanded=2000)
    assert problem and says in problem and repr(name) in problem


@pytest.mark.parametrize("name, data", [
    ("a.txt", TEXT), ("A.MD", TEXT), ("page.htm", b"<html><body><p>Hi</p></body></html>"),
    ("rows.jsonl.gz", gzip.compress(b'{"text": "x"}\n')), ("two.txt.gz", gzip.compress(TEXT) + gzip.compress(TEXT)),
    ("utf16.txt", "Kabul, Käbul".encode("utf-16")),  # NUL bytes, but a byte-order mark: text
    ("c.csv", b"text\nhello\n"), ("one.json", b'{"text": "x"}'),
    ("zipped.txt", gzip.compress(TEXT)),  # gzip by content: the readers decompress it too
    ("rows.ndjson", b'{"text": "x"}\n'),
    ("paper.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), ("paper.PDF.gz", gzip.compress(b"%PDF-1.7\n\0\0")),
    ("padded.pdf", b"\r\n" * 10 + b"%PDF-1.4\n"),  # the header may follow junk within the first 1 KB
])
def test_accepted(name, data):
    assert U.upload_problem(name, data) is None


def test_a_decompression_bomb_stops_at_the_limit():
    bomb = zlib.compress(b"\0" * 30_000_000, 9)
    gz = gzip.compress(b"\0" * 30_000_000, 9)
    assert len(gz) < 100_000 and len(bomb) < 100_000
    problem = U.upload_problem("bomb.txt.gz", gz, max_expanded=10_000_000)
    assert "expands to more than 10 MB" in problem


def test_size_only_check_for_the_widget():
    assert U.upload_problem("a.txt", 10) is None
    assert "more than the limit" in U.upload_problem("a.txt", U.MAX_UPLOAD_BYTES + 1)


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.csv", "evil.csv"),
    ("/abs/path/x.json", "x.json"),
    (".hidden.txt", "hidden.txt"),
    ("-rf.txt", "rf.txt"),
    ("..", "upload.txt"),
    ("<script>alert(1)</script>.html", "script.html"),  # "/" ends a folder name
    ("<img src=x onerror=alert(1)>.html", "img_src_x_onerror_alert_1.html"),
    ("a b;rm -rf ~.txt", "a_b_rm_-rf.txt"),
    ("x.jsonl.gz", "x.jsonl.gz"),
    ("Report.TXT", "Report.txt"),
    ("بيان صحفي.txt", "بيان_صحفي.txt"),
    ("nul\x00byte.txt", "nul_byte.txt"),
    ("a" * 300 + ".jsonl.gz", "a" * U.MAX_STEM + ".jsonl.gz"),
    ("..txt", "upload.txt"),
])
def test_safe_filename(name, expected):
    assert U.safe_filename(name) == expected


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=200))
def test_any_name_becomes_a_plain_visible_file_name(name):
    safe = U.safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith((".", "-")) and safe not in (".", "..")
    assert len(safe.encode()) < 255 and U.extension(safe)  # a name the readers will read


def test_save_never_overwrites_and_stays_in_the_folder(tmp_path):
    folder = tmp_path / "uploads" / "corpus"
    outside = tmp_path / "uploads" / "passwd.txt"
    first = U.save_upload(folder, "../passwd.txt", b"one")
    second = U.save_upload(folder, "passwd.txt", b"two")
    third = U.save_upload(folder, "sub/passwd.txt", b"three")
    assert [p.name for p in (first, second, third)] == ["passwd.txt", "passwd-1.txt", "passwd-2.txt"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"one", b"two", b"three"]
    assert all(p.parent == folder for p in (first, second, third)) and not outside.exists()
    assert sorted(os.listdir(folder)) == ["passwd-1.txt", "passwd-2.txt", "passwd.txt"]  # no temp file left


def test_a_symlink_in_the_way_is_not_followed(tmp_path):
    folder = tmp_path / "up"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (folder / "a.txt").symlink_to(victim)
    saved = U.save_upload(folder, "a.txt", b"new")
    assert saved.name == "a-1.txt" and victim.read_text() == "keep me"


def test_concurrent_saves_of_one_name_keep_every_file(tmp_path):
    folder = tmp_path / "up"
    saved = []
    threads = [threading.Thread(target=lambda i=i: saved.append(U.save_upload(folder, "same.txt", f"{i}".encode())))
               for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({p.name for p in saved}) == 20
    assert sorted(p.read_text() for p in saved) == sorted(str(i) for i in range(20))


def test_accept_saves_the_good_and_explains_the_rest(tmp_path):
    files = [("good.txt", TEXT), ("bad.exe", TEXT), ("../../evil.txt", TEXT), ("blank.txt", b"")]
    out = U.accept(tmp_path / "up", files)
    assert [p.name for p in out.saved] == ["good.txt", "evil.txt"]
    assert len(out.refused) == 2 and "'bad.exe'" in out.refused[0] and "'blank.txt'" in out.refused[1]
    many = U.accept(tmp_path / "up2", [(f"{i}.txt", TEXT) for i in range(5)], max_files=3)
    assert len(many.saved) == 3 and "at most 3 files at a time (2 left over" in many.refused[0]


def test_uploaded_files_are_read_as_articles(tmp_path):
    from analysis.ingest.readers import read_documents

    out = U.accept(tmp_path / "up", [("<b>x</b>.txt", TEXT), ("rows.jsonl.gz", gzip.compress(b'{"text": "Hello there."}\n'))])
    docs, errors = read_documents([str(tmp_path / "up")])
    assert errors == [] and len(docs) == 2 and len(out.saved) == 2


def test_an_uploaded_pdf_is_read_through_its_text_layer_and_a_scan_is_named(tmp_path):
    from analysis.ingest.readers import read_documents
    from tests.test_skips import make_pdf

    out = U.accept(tmp_path / "up", [("Kabul report.pdf", make_pdf(["Kabul airport reopens", "KABUL (Reuters) - The airport",
                                                                  "reopened on Monday, officials said."])),
                                     ("scan.pdf", make_pdf([]))])
    assert [p.name for p in out.saved] == ["Kabul_report.pdf", "scan.pdf"] and out.refused == []
    docs, errors = read_documents([str(tmp_path / "up")])
    assert [(d.file, d.format) for d in docs] == [("Kabul_report.pdf", "pdf")]
    assert "reopened on Monday" in docs[0].text
    assert [(e.file, e.error) for e in errors] == [("scan.pdf", "PDF has no text layer (1 page(s), a scan?): it needs OCR first")]
