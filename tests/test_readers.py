"""analysis.readers: files -> RawDoc / ReadError, on tiny corpora built here."""
from __future__ import annotations

import gzip
import inspect
import json
import os
import time
from pathlib import Path

import pytest

from analysis.ingest import encoding as encoding
from analysis.ingest.readers import iter_documents, read_documents
from analysis.ingest.records import RawDoc, ReadError
from conftest import SEEDS, write

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
BODY = "Storms hit the coast.\n\nThousands lost power overnight."
HTML = """<html><head><title>Storm page</title>
<meta property="og:site_name" content="Coast Gazette">
<meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2021-05-06">
<link rel="canonical" href="https://gazette.example/storm"></head>
<body><script>var note = "This sentence lives in a script tag.";</script>
<style>p { color: red }</style>
<article><h1>Storm hits the coast</h1>
<p>Storms hit the coast on Tuesday and thousands of homes lost power overnight.</p>
<p>Crews worked through the night to restore the lines, the utility said.</p></article>
</body></html>"""


def errors_of(items) -> dict[str, str]:
    return {e.file: e.error for e in items if isinstance(e, ReadError)}


def gz(data: str | bytes) -> bytes:
    return gzip.compress(data.encode("utf-8") if isinstance(data, str) else data)


# -- formats -----------------------------------------------------------------------

def test_seed_folder_gives_five_docs_in_order():
    docs, errors = read_documents([SEEDS])
    assert errors == []
    assert [d.file for d in docs] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len(docs) == 5 and docs[0].file == "000_ff3ea87ce5d3a461.txt"
    assert all(d.format == "txt" and d.row is None and d.text.strip() for d in docs)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("name,content,fmt,row", [
    ("a.txt", BODY, "txt", None),
    ("a.md", BODY, "md", None),
    ("a.json", json.dumps({"text": BODY, "title": "Storm"}), "json", None),
    ("a.jsonl", json.dumps({"text": BODY, "title": "Storm"}) + "\n", "jsonl", 1),
    ("a.ndjson", json.dumps({"text": BODY, "title": "Storm"}) + "\n", "jsonl", 1),
    ("a.csv", 'title,text\nStorm,"' + BODY + '"\n', "csv", 1),
])
def test_each_format_plain_and_gzip(tmp_path, name, content, fmt, row, compress):
    name = name + ".gz" if compress else name
    write(tmp_path, name, gz(content) if compress else content)
    docs, errors = read_documents([tmp_path])
    assert errors == []
    [doc] = docs
    assert doc.text == BODY and doc.format == fmt and doc.row == row
    assert doc.file == (name if row is None else f"{name}:{row}")
    assert doc.path == str(tmp_path / name)
    if fmt in ("json", "jsonl", "csv"):
        assert doc.fields == {"title": "Storm"}
        assert doc.origin == {"text": "field 'text'", "title": "field 'title'"}
    else:
        assert doc.fields == {} and doc.origin == {}


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.html.gz"])
def test_html_text_and_metadata_without_script(tmp_path, name):
    write(tmp_path, name, gz(HTML) if name.endswith(".gz") else HTML)
    [doc] = read_documents([tmp_path / name])[0]
    assert doc.format == "html" and doc.file == name
    assert "thousands of homes lost power overnight" in doc.text
    assert "restore the lines" in doc.text
    assert "script tag" not in doc.text and "color" not in doc.text
    assert doc.fields == {"title": "Storm hits the coast", "source": "Coast Gazette",
                          "date": "2021-05-06", "url": "https://gazette.example/storm",
                          "authors": "Ana Ruiz"}
    assert doc.origin["source"] == "html metadata (trafilatura sitename)"
    assert doc.origin["text"] == "html main text (trafilatura)"


def test_html_without_article_text_is_an_error(tmp_path):
    write(tmp_path, "empty.html", "<html><head><script>var a = 'Only a script here.';</script></head><body></body></html>")
    assert errors_of(iter_documents([tmp_path])) == {"empty.html": "no article text found in HTML"}


def test_fixture_files(tmp_path):
    docs, errors = read_documents([FIXTURES])
    assert [d.file for d in docs] == ["articles.csv:1", "articles.csv:2", "nested/story.md"]
    assert docs[0].fields == {"title": "Bridge reopens", "source": "Valley Times", "date": "2022-03-01"}
    assert docs[1].text == "The council voted 5-2 to approve the budget."
    assert errors == [ReadError("articles.csv:3", "empty text")]


# -- fields ------------------------------------------------------------------------

def test_field_detection_priority_nesting_and_origin(tmp_path):
    rec = {"Content_Original": " The body. ", "TITLE": "", "headline": "A headline",
           "domain": "ex.com", "outlet": {"name": "Example Daily"}, "source_url": "ex.com/1",
           "ID": 42, "byline": ["Ann", "", "Bob"], "published_at": "2020-01-02", "extra": "x"}
    write(tmp_path, "r.jsonl", json.dumps(rec))
    [doc] = read_documents([tmp_path])[0]
    assert doc.text == "The body."
    assert doc.fields == {"title": "A headline", "source": "Example Daily", "date": "2020-01-02",
                          "url": "ex.com/1", "id": "42", "authors": "Ann; Bob"}
    assert doc.origin == {"text": "field 'Content_Original'", "title": "field 'headline'",
                          "source": "field 'outlet'", "date": "field 'published_at'",
                          "url": "field 'source_url'", "id": "field 'ID'", "authors": "field 'byline'"}


def test_url_beats_source_url_and_source_beats_domain(tmp_path):
    rec = {"text": "T", "source_url": "a.com", "url": "https://a.com/x", "domain": "a.com", "source": "A"}
    write(tmp_path, "r.json", json.dumps(rec))
    [doc] = read_documents([tmp_path])[0]
    assert doc.fields == {"url": "https://a.com/x", "source": "A"}


def test_explicit_mapping_overrides_and_missing_key_is_a_row_error(tmp_path):
    rows = [{"body_html": "First body.", "text": "ignored", "paper": "Paper A"},
            {"body_html": "Second body.", "text": "ignored"},
            {"text": "no body_html here", "paper": "Paper C"}]
    write(tmp_path, "m.jsonl", "\n".join(map(json.dumps, rows)))
    items = list(iter_documents([tmp_path], mapping={"text": "body_html", "source": "paper"}))
    docs = [d for d in items if isinstance(d, RawDoc)]
    assert [(d.file, d.text) for d in docs] == [("m.jsonl:1", "First body.")]
    assert docs[0].fields == {"source": "Paper A"}
    assert docs[0].origin == {"text": "field 'body_html' (mapping)", "source": "field 'paper' (mapping)"}
    assert errors_of(items) == {"m.jsonl:2": "mapped field 'paper' (for source) not found",
                                "m.jsonl:3": "mapped field 'body_html' (for text) not found"}


def test_unknown_mapping_key_is_refused():
    with pytest.raises(ValueError, match="unknown mapping keys: body"):
        iter_documents([SEEDS], mapping={"body": "x"})


@pytest.mark.parametrize("name,content", [
    ("n.csv", "a,b,c\n1,2,3\n4,5,6\n"),
    ("n.json", json.dumps([{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 5, "c": 6}])),
    ("n.jsonl", '{"a": 1, "b": 2, "c": 3}\n{"a": 4, "b": 5, "c": 6}\n'),
])
def test_no_text_field_is_one_error_for_the_file(tmp_path, name, content):
    write(tmp_path, name, content)
    assert list(iter_documents([tmp_path])) == [ReadError(
        name, "no text field (looked for: text, content, content_original, body, article, "
              "full_text, maintext); columns: a, b, c")]


def test_row_numbers_in_file_names(tmp_path):
    write(tmp_path, "l.jsonl", '{"text": "one"}\n\n{"text": "three"}\n')
    write(tmp_path, "c.csv", "text;title\none;A\n\"two\nlines\";B\n")
    write(tmp_path, "j.json", json.dumps([{"text": "one"}, {"text": "two"}]))
    docs, errors = read_documents([tmp_path])
    assert errors == []
    assert [(d.file, d.row, d.text) for d in docs] == [
        ("c.csv:1", 1, "one"), ("c.csv:2", 2, "two\nlines"),
        ("j.json:1", 1, "one"), ("j.json:2", 2, "two"),
        ("l.jsonl:1", 1, "one"), ("l.jsonl:3", 3, "three")]  # JSONL: the line number


# -- folders -----------------------------------------------------------------------

def test_folder_order_is_sorted_by_relative_path(tmp_path):
    for name in ["z.txt", "b/2.txt", "a.txt", "b/1.txt", "B.txt", "a-b.txt"]:
        write(tmp_path, name, f"text of {name}")
    files = [d.file for d in read_documents([tmp_path])[0]]
    assert files == ["B.txt", "a-b.txt", "a.txt", "b/1.txt", "b/2.txt", "z.txt"]


def test_side_hidden_and_unknown_files_skipped_in_folders(tmp_path):
    for name in ["manifest.csv", "aliases.csv", "outlets.csv", "aliases.json", "aliases.yaml", "README.md",
                 "README.txt", "LICENSE", "LICENSE.txt", ".hidden.txt", ".git/x.txt",
                 "photo.jpg", "notes.docx", "sub/README.md", "sub/keep.txt", "keep.txt"]:
        write(tmp_path, name, "text,title\nsome words,t\n")
    docs, errors = read_documents([tmp_path])
    assert [d.file for d in docs] == ["keep.txt", "sub/keep.txt"]
    # side files are not listed; the rest is, each with its reason, none as an error
    assert {e.file: e.error for e in errors} == {
        ".git": "hidden folder (its name starts with '.')", ".hidden.txt": "hidden file (its name starts with '.')",
        "photo.jpg": "unsupported file type .jpg", "notes.docx": "unsupported file type .docx"}
    assert all(e.skipped for e in errors)


def test_explicit_files_unknown_type_and_missing_path(tmp_path):
    write(tmp_path, "photo.jpg", b"\xff\xd8\xff")
    write(tmp_path, "noext", "words")
    write(tmp_path, "ok.txt", "fine")
    items = list(iter_documents([tmp_path / "photo.jpg", tmp_path / "noext",
                                 tmp_path / "gone.txt", tmp_path / "ok.txt"]))
    assert errors_of(items) == {"photo.jpg": "unsupported file type .jpg",
                                "noext": "unsupported file type (no extension)",
                                str(tmp_path / "gone.txt"): "no such file"}
    assert [d.file for d in items if isinstance(d, RawDoc)] == ["ok.txt"]


def test_iter_documents_is_lazy(tmp_path):
    write(tmp_path, "big.jsonl", "\n".join(json.dumps({"text": f"doc {i}"}) for i in range(1000)))
    items = iter_documents([tmp_path])
    assert inspect.isgenerator(items)
    assert next(items).file == "big.jsonl:1"


# -- bad input ---------------------------------------------------------------------

def test_each_bad_file_gives_one_clear_error_and_good_files_are_read(tmp_path):
    write(tmp_path, "good.txt", "A good article.")
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "blank.txt", "  \n\n ")
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path, "bad.json", '[\n{"text": "a"},\n{"text": "b" "title": "c"}\n]')
    write(tmp_path, "rows.jsonl", '{"text": "one"}\n{"text": "two"}\n{"text": "three",}\n{"text": ""}\n{"text": "five"}\n')
    write(tmp_path, "notgz.txt.gz", "plain text pretending")
    write(tmp_path, "trunc.txt.gz", gz("some text " * 100)[:-20])
    write(tmp_path, "bom.txt", b"\xef\xbb\xbfok \xff\xfe bad")
    write(tmp_path, "big.txt", "x" * 2_000)
    write(tmp_path, "scalar.json", "42")
    write(tmp_path, "nothing.jsonl", "\n\n")
    items = list(iter_documents([tmp_path, tmp_path / "missing"], max_bytes=1_000))
    assert errors_of(items) == {
        "bad.json": "malformed JSON at line 3: Expecting ',' delimiter",
        "big.txt": "file too large: 2,000 bytes > limit 1,000 bytes",
        "binary.txt": "binary file (not text)",
        "blank.txt": "empty text",
        "bom.txt": "undecodable: byte-order mark says UTF-8 but byte 3 is invalid (invalid start byte)",
        "empty.txt": "empty file",
        "notgz.txt.gz": "not a gzip file",
        "nothing.jsonl": "no records",
        "rows.jsonl:3": "malformed JSON: Expecting property name enclosed in double quotes (column 18)",
        "rows.jsonl:4": "empty text",
        "scalar.json": "JSON is neither an object nor a list of objects",
        "trunc.txt.gz": "corrupt gzip data (Compressed file ended before the end-of-stream marker was reached)",
        str(tmp_path / "missing"): "no such file",
    }
    assert [(d.file, d.text) for d in items if isinstance(d, RawDoc)] == [
        ("good.txt", "A good article."), ("rows.jsonl:1", "one"),
        ("rows.jsonl:2", "two"), ("rows.jsonl:5", "five")]


def test_size_limit_message_in_megabytes(tmp_path):
    write(tmp_path, "big.txt", b"x" * 2_600_000)
    assert errors_of(iter_documents([tmp_path], max_bytes=1_000_000)) == {
        "big.txt": "file too large: 2.6 MB > limit 1.0 MB"}


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.json.gz", "bomb.jsonl.gz"])
def test_gzip_bomb_stops_at_the_limit(tmp_path, name):
    write(tmp_path, name, gzip.compress(b"0" * 20_000_000, compresslevel=1))
    assert (tmp_path / name).stat().st_size < 1_000_000
    start = time.perf_counter()
    items = list(iter_documents([tmp_path], max_bytes=1_000_000))
    assert time.perf_counter() - start < 2
    expected = {"bomb.jsonl.gz:1": "line too long: over 1.0 MB; stopped reading"} if "jsonl" in name \
        else {name: "file too large: over 1.0 MB when decompressed"}
    assert errors_of(items) == expected and len(items) == 1


def test_gzip_by_magic_bytes_without_gz_extension(tmp_path):
    write(tmp_path, "packed.txt", gz("Compressed but named .txt"))
    [doc] = read_documents([tmp_path])[0]
    assert doc.text == "Compressed but named .txt"


def test_permission_denied_is_reported(tmp_path, monkeypatch):
    write(tmp_path, "locked.txt", "secret")
    write(tmp_path, "open.txt", "public")

    def fake_open(path, *args, **kw):
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kw)

    monkeypatch.setattr(encoding, "open", fake_open, raising=False)
    items = list(iter_documents([tmp_path]))
    assert errors_of(items) == {"locked.txt": "permission denied"}
    assert [d.file for d in items if isinstance(d, RawDoc)] == ["open.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_real_permissions(tmp_path):
    path = write(tmp_path, "locked.txt", "secret")
    path.chmod(0)
    try:
        assert errors_of(iter_documents([tmp_path])) == {"locked.txt": "permission denied"}
    finally:
        path.chmod(0o644)


# -- encodings ---------------------------------------------------------------------

SMART = "“Smart quotes” and café — déjà vu."


@pytest.mark.parametrize("data,expected", [
    (SMART.encode("utf-8"), SMART),
    (SMART.encode("utf-8-sig"), SMART),
    (SMART.encode("utf-16"), SMART),                      # BOM, native order
    (b"\xff\xfe" + SMART.encode("utf-16-le"), SMART),
    (b"\xfe\xff" + SMART.encode("utf-16-be"), SMART),
    (SMART.encode("cp1252"), SMART),
    ("café".encode("cp1252"), "café"),
    ("Ein schöner Tag in München; Grüße, Señor Ñuñez.".encode("latin-1"),
     "Ein schöner Tag in München; Grüße, Señor Ñuñez."),
    ("line one\r\nline two\rline three".encode("cp1252"), "line one\nline two\nline three"),
])
def test_encodings_decode_exactly(tmp_path, data, expected):
    write(tmp_path, "e.txt", data)
    [doc] = read_documents([tmp_path])[0]
    assert doc.text == expected


@pytest.mark.parametrize("name,encoding", [("e.csv", "cp1252"), ("e.csv", "utf-16"),
                                           ("e.jsonl", "utf-16"), ("e.jsonl", "cp1252"),
                                           ("e.json", "utf-8-sig"), ("e.jsonl", "utf-8-sig")])
def test_record_files_in_other_encodings(tmp_path, name, encoding):
    if name.endswith(".csv"):
        content = f"title,text\r\nCafé,{SMART}\r\n"
    else:
        content = json.dumps({"title": "Café", "text": SMART}, ensure_ascii=False) + "\n"
    write(tmp_path, name, content.encode(encoding))
    docs, errors = read_documents([tmp_path])
    assert errors == []
    assert [(d.text, d.fields["title"]) for d in docs] == [(SMART, "Café")]


def test_utf16_without_bom_is_decoded(tmp_path):
    write(tmp_path, "le.txt", "plain words, café".encode("utf-16-le"))
    write(tmp_path, "be.txt", "plain words, café".encode("utf-16-be"))
    write(tmp_path, "bin.txt", bytes(range(256)) * 4)          # zeros, but not text
    docs, errors = read_documents([tmp_path])
    assert {d.file: d.text for d in docs} == {"le.txt": "plain words, café", "be.txt": "plain words, café"}
    assert errors_of(errors) == {"bin.txt": "binary file (not text)"}


# -- inputs are never modified -----------------------------------------------------

def test_input_files_unchanged_after_reading(tmp_path):
    write(tmp_path, "a.txt", SMART.encode("cp1252"))
    write(tmp_path, "b.jsonl.gz", gz('{"text": "x"}\n{"oops"\n'))
    write(tmp_path, "c.html", HTML)
    write(tmp_path, "d.csv", "text\nrow\n")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    list(iter_documents([tmp_path]))
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()} == before
