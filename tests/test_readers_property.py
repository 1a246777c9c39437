"""analysis.readers never raises on arbitrary bytes: every item is a usable doc or a reason."""
from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.readers import iter_documents
from analysis.ingest.records import RawDoc, ReadError

SETTINGS = settings(max_examples=60, deadline=None, database=None)  # writes nothing to the repo
EXTENSIONS = [".txt", ".md", ".json", ".jsonl", ".csv", ".html"]


def read_bytes_as(name: str, data: bytes, **kw) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, name)
        path.write_bytes(data)
        items = list(iter_documents([folder], **kw)) + list(iter_documents([path], **kw))
        assert path.read_bytes() == data  # never modified
    return items


def assert_well_formed(items: list) -> None:
    assert items, "a file always yields at least one doc or error"
    for item in items:
        if isinstance(item, RawDoc):
            assert isinstance(item.text, str) and item.text.strip()
            assert all(isinstance(v, str) and v for v in item.fields.values())
        else:
            assert isinstance(item, ReadError) and item.error and item.file


@SETTINGS
@given(ext=st.sampled_from(EXTENSIONS), data=st.binary(max_size=2000))
def test_any_bytes_never_raise(ext, data):
    assert_well_formed(read_bytes_as("x" + ext, data))


@SETTINGS
@given(ext=st.sampled_from(EXTENSIONS), data=st.binary(max_size=2000))
def test_gzip_of_any_bytes_never_raises(ext, data):
    assert_well_formed(read_bytes_as("x" + ext + ".gz", gzip.compress(data)))


@SETTINGS
@given(ext=st.sampled_from(EXTENSIONS), text=st.text(max_size=500),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_any_text_in_any_encoding_never_raises(ext, text, encoding):
    data = text.encode(encoding, errors="replace")
    assert_well_formed(read_bytes_as("x" + ext, data, max_bytes=1500))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
records = st.dictionaries(
    st.sampled_from(["text", "Content", "title", "source", "date", "url", "id", "authors", "other"]),
    json_values, max_size=6)


@SETTINGS
@given(rows=st.lists(records | json_values, max_size=5), as_lines=st.booleans())
def test_any_json_records_never_raise(rows, as_lines):
    if as_lines:
        items = read_bytes_as("x.jsonl", "\n".join(json.dumps(r) for r in rows).encode())
    else:
        items = read_bytes_as("x.json", json.dumps(rows).encode())
    assert_well_formed(items)
    for doc in (i for i in items if isinstance(i, RawDoc)):
        assert doc.row is not None and doc.file.endswith(f":{doc.row}")
