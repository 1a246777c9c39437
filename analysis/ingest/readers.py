"""Files -> RawDoc records (or ReadError lines): the only module that reads articles.

Formats: .txt, .md, .html/.htm, .json (object or list), .jsonl/.ndjson, .csv, .pdf (its
text layer), each optionally gzip-compressed. A file left out (a dot file, an unsupported
type) is a ReadError with ``skipped`` set, so that every input is accounted for. Everything is lazy: records are yielded one at a time and
JSON Lines are streamed, so a 90 MB .jsonl.gz never sits in memory.

``max_bytes`` bounds what is held in memory at once: the (decompressed) size of a
whole-file format, and the length of one line of a JSON Lines file.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zlib
from pathlib import Path
from typing import Iterable, Iterator

from analysis.ingest.encoding import FileProblem, decode_bytes, normalise_newlines, read_capped, stream_lines
from analysis.ingest.pdf import PdfProblem, read_pdf_text
from analysis.ingest.records import RawDoc, ReadError

FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".json": "json",
           ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".pdf": "pdf"}
SIDE_FILES = frozenset({"manifest.csv", "aliases.csv", "outlets.csv", "aliases.json", "aliases.yaml",
                        "aliases.yml", "readme.md", "readme.txt"})
SIDE_PREFIXES = ("license",)  # LICENSE, LICENSE.txt, LICENSE-MIT ...
FIELD_KEYS = {
    "text": ("text", "content", "content_original", "body", "article", "full_text", "maintext"),
    "title": ("title", "headline"),
    "source": ("source", "outlet", "publisher", "site_name", "sitename", "source_name", "domain"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime", "timestamp"),
    "url": ("url", "link", "source_url"),
    "id": ("id", "article_id", "guid", "uuid"),
    "authors": ("authors", "author", "byline"),
}
HTML_FIELDS = {"title": "title", "source": "sitename", "date": "date", "url": "url", "authors": "author"}


def read_documents(paths: Iterable[str | os.PathLike], **kw) -> tuple[list[RawDoc], list[ReadError]]:
    """All documents and all errors of ``paths`` (see ``iter_documents``)."""
    docs, errors = [], []
    for item in iter_documents(paths, **kw):
        (errors if isinstance(item, ReadError) else docs).append(item)
    return docs, errors


def iter_documents(paths: Iterable[str | os.PathLike], *, mapping: dict[str, str] | None = None,
                   max_bytes: int = 50_000_000) -> Iterator[RawDoc | ReadError]:
    """Yield a RawDoc per article and a ReadError per bad file or record, in order.

    Folders are read recursively, sorted by relative path; hidden entries, links to
    folders and unknown extensions are skipped (each a ReadError with ``skipped``), side
    files (SIDE_FILES) are left to their readers. ``mapping`` ({"text": "body_html"})
    names the record field for a canonical key, overriding detection.
    """
    mapping = {k: v for k, v in (mapping or {}).items() if v}
    unknown = set(mapping) - set(FIELD_KEYS)
    if unknown:
        raise ValueError(f"unknown mapping keys: {', '.join(sorted(unknown))} "
                         f"(use {', '.join(FIELD_KEYS)})")
    return _iter(list(paths), mapping, max_bytes)


def iter_files(files: Iterable[tuple[str | os.PathLike, str]], *, mapping: dict[str, str] | None = None,
               max_bytes: int = 50_000_000) -> Iterator[RawDoc | ReadError]:
    """iter_documents for given files, each with the name it has in its corpus (its path
    within the corpus folder): the files added to a corpus, read as a build would read them."""
    mapping = {k: v for k, v in (mapping or {}).items() if v}
    for path, name in files:
        if any(part.startswith(".") for part in Path(name).parts):
            yield ReadError(name, "hidden file or folder (its name starts with '.')", skipped=True)
        else:
            yield from _read_file(Path(path), name, mapping=mapping, max_bytes=max_bytes)


def _iter(paths: list, mapping: dict[str, str], max_bytes: int) -> Iterator[RawDoc | ReadError]:
    for given in paths:
        for item in _files(Path(given)):
            if isinstance(item, ReadError):
                yield item
            else:
                yield from _read_file(*item, mapping=mapping, max_bytes=max_bytes)


def _files(path: Path) -> Iterator[tuple[Path, str] | ReadError]:
    """(file, display name) for a given path; folders expand to their readable files."""
    if path.is_dir():
        found, errors = _walk(path)
        yield from errors
        yield from sorted(found, key=lambda pair: pair[1])
    elif path.is_file():
        yield path, path.name
    elif path.exists():
        yield ReadError(str(path), "not a regular file")
    else:
        yield ReadError(str(path), "no such file")


def _walk(root: Path) -> tuple[list[tuple[Path, str]], list[ReadError]]:
    found, errors = [], []

    def report(exc: OSError) -> None:
        name = os.path.relpath(exc.filename, root) if exc.filename else root.name
        errors.append(ReadError(name, _os_reason(exc)))

    for folder, dirs, files in os.walk(root, onerror=report):
        rel = lambda name: Path(folder, name).relative_to(root).as_posix()  # noqa: E731
        for d in sorted(dirs):
            if d.startswith("."):
                errors.append(ReadError(rel(d), "hidden folder (its name starts with '.')", skipped=True))
            elif Path(folder, d).is_symlink():   # os.walk does not follow it: a loop cannot start
                errors.append(ReadError(rel(d), "link to a folder, not followed", skipped=True))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not Path(folder, d).is_symlink())
        for name in files:
            low = name.lower()
            if low in SIDE_FILES or low.startswith(SIDE_PREFIXES):
                continue            # the corpus's side files and documentation, read elsewhere or not at all
            why = skip_reason(name)
            if why:
                errors.append(ReadError(rel(name), why, skipped=True))
            else:
                found.append((Path(folder, name), rel(name)))
    return found, errors


def skip_reason(name: str) -> str | None:
    """Why a file in a folder is not read as an article, or None when it is."""
    if name.startswith("."):
        return "hidden file (its name starts with '.')"
    fmt, gz = _format(name)
    if fmt is not None:
        return None
    ext = os.path.splitext(name[:-3] if gz else name)[1]
    if gz:
        return (f"compressed {ext} is not a supported type" if ext else
                "compressed file with no known inner type (name it like x.txt.gz or x.jsonl.gz)")
    return f"unsupported file type {ext}" if ext else "unsupported file type (no extension)"


def _format(name: str) -> tuple[str | None, bool]:
    """(format, gzipped by extension) from a file name; format None if unsupported."""
    low = name.lower()
    gz = low.endswith(".gz")
    stem = low[:-3] if gz else low
    return FORMATS.get(os.path.splitext(stem)[1]), gz


def _read_file(path: Path, name: str, *, mapping, max_bytes) -> Iterator[RawDoc | ReadError]:
    fmt, gz = _format(name)
    if fmt is None:
        yield ReadError(name, skip_reason(Path(name).name.lstrip(".")) or "unsupported file type", skipped=True)
        return
    try:
        if fmt == "pdf":
            yield RawDoc(name, str(path), read_pdf_text(read_capped(path, gz, max_bytes)), "pdf")
            return
        if fmt == "jsonl":
            yield from _jsonl_docs(path, name, gz, mapping=mapping, max_bytes=max_bytes)
            return
        text = decode_bytes(read_capped(path, gz, max_bytes))
    except (FileProblem, PdfProblem) as exc:
        yield ReadError(name, str(exc))
        return
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield ReadError(name, f"corrupt gzip data ({exc or type(exc).__name__})")
        return
    except OSError as exc:
        yield ReadError(name, _os_reason(exc))
        return
    yield from _text_docs(text, path, name, fmt, mapping)


def _text_docs(text: str, path: Path, name: str, fmt: str, mapping) -> Iterator[RawDoc | ReadError]:
    if fmt in ("txt", "md"):
        yield RawDoc(name, str(path), text, fmt) if text.strip() else ReadError(name, "empty text")
    elif fmt == "html":
        yield _html_doc(text, path, name)
    elif fmt == "json":
        yield from _json_docs(text, path, name, mapping)
    else:
        yield from _csv_docs(text, path, name, mapping)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return f"cannot read: {exc.strerror or exc}"


# -- HTML --------------------------------------------------------------------------

def _html_doc(text: str, path: Path, name: str) -> RawDoc | ReadError:
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(text, favor_recall=True, with_metadata=True,
                                          include_comments=False, include_tables=True)
    except Exception as exc:  # noqa: BLE001 - a third-party parser on arbitrary input
        return ReadError(name, f"cannot parse HTML: {type(exc).__name__}: {exc}")
    body = normalise_newlines(getattr(doc, "text", None) or "").strip()
    if not body:
        return ReadError(name, "no article text found in HTML")
    fields = {k: str(v).strip() for k, attr in HTML_FIELDS.items() if (v := getattr(doc, attr, None))}
    fields = {k: v for k, v in fields.items() if v}
    origin = {k: f"html metadata (trafilatura {attr})" for k, attr in HTML_FIELDS.items() if k in fields}
    origin["text"] = "html main text (trafilatura)"
    return RawDoc(name, str(path), body, "html", fields=fields, origin=origin)


# -- records: JSON, JSON Lines, CSV ------------------------------------------------

def _json_docs(text: str, path: Path, name: str, mapping) -> Iterator[RawDoc | ReadError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield ReadError(name, f"malformed JSON at line {exc.lineno}: {exc.msg}")
        return
    except (ValueError, RecursionError) as exc:
        yield ReadError(name, f"malformed JSON: {type(exc).__name__}: {str(exc)[:200]}")
        return
    if isinstance(data, dict):
        yield from _record_docs([(None, data)], path, name, "json", mapping)
    elif isinstance(data, list):
        yield from _record_docs(enumerate(data, 1), path, name, "json", mapping)
    else:
        yield ReadError(name, "JSON is neither an object nor a list of objects")


def _csv_docs(text: str, path: Path, name: str, mapping) -> Iterator[RawDoc | ReadError]:
    try:
        dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)

    def rows():
        try:
            for n, row in enumerate(reader, 1):
                yield n, {k: v for k, v in row.items() if k is not None}
        except csv.Error as exc:
            yield reader.line_num, ReadError(name, f"malformed CSV at line {reader.line_num}: {exc}")

    yield from _record_docs(rows(), path, name, "csv", mapping)


def _jsonl_docs(path: Path, name: str, gz: bool, *, mapping, max_bytes) -> Iterator[RawDoc | ReadError]:
    records = _jsonl_records(stream_lines(path, gz, max_bytes), name)
    yield from _record_docs(records, path, name, "jsonl", mapping)


def _jsonl_records(lines, name: str) -> Iterator[tuple[int, dict | ReadError]]:
    for n, line in lines:
        if isinstance(line, FileProblem):
            yield n, ReadError(f"{name}:{n}", str(line))
            continue
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, ReadError(f"{name}:{n}", f"malformed JSON: {exc.msg} (column {exc.colno})")
        except (ValueError, RecursionError) as exc:
            yield n, ReadError(f"{name}:{n}", f"malformed JSON: {type(exc).__name__}: {str(exc)[:200]}")


def _record_docs(records, path: Path, name: str, fmt: str, mapping) -> Iterator[RawDoc | ReadError]:
    """Docs of (row, record) pairs. A field missing from every record is one file error."""
    pending: list[tuple[int | None, str]] = []  # rows missing a field, before any good row
    columns: dict[str, None] = {}
    any_good = any_rows = False
    for row, rec in records:
        any_rows = True
        label = name if row is None else f"{name}:{row}"
        item = rec if isinstance(rec, ReadError) else _record_doc(rec, path, label, row, fmt, mapping)
        if isinstance(item, str):  # a missing field
            if any_good:
                yield ReadError(label, item)
            else:
                pending.append((row, item))
                columns.update(dict.fromkeys(map(str, rec)))
            continue
        if not any_good and not isinstance(item, ReadError):
            any_good = True
            yield from (ReadError(name if r is None else f"{name}:{r}", why) for r, why in pending)
        yield item
    if pending and not any_good:
        yield ReadError(name, f"{pending[0][1]}; columns: {', '.join(list(columns)[:40]) or '(none)'}")
    elif not any_rows:
        yield ReadError(name, "no records")


def _record_doc(rec, path: Path, label: str, row, fmt: str, mapping) -> RawDoc | ReadError | str:
    """One record's RawDoc; a str when a needed field is absent (see _record_docs)."""
    if not isinstance(rec, dict):
        return ReadError(label, f"record is a JSON {type(rec).__name__}, not an object")
    keys: dict[str, str] = {}
    for key in rec:
        keys.setdefault(str(key).lower(), key)
    fields, origin = {}, {}
    for canon, candidates in FIELD_KEYS.items():
        if canon in mapping:
            if (key := keys.get(mapping[canon].lower())) is None:
                return f"mapped field '{mapping[canon]}' (for {canon}) not found"
            found = [(key, f"field '{key}' (mapping)")]
        else:
            found = [(keys[c], f"field '{keys[c]}'") for c in candidates if c in keys]
        for key, how in found:
            if value := _as_text(rec[key], "\n\n" if canon == "text" else "; "):
                fields[canon], origin[canon] = value, how
                break
    text = fields.pop("text", "")
    if text:
        return RawDoc(label, str(path), normalise_newlines(text), fmt, row=row, fields=fields, origin=origin)
    if "text" not in mapping and not any(c in keys for c in FIELD_KEYS["text"]):
        return f"no text field (looked for: {', '.join(FIELD_KEYS['text'])})"
    return ReadError(label, "empty text")


def _as_text(value, sep: str) -> str:
    """A field value as a stripped string: {"name": X} -> X, lists joined by ``sep``."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return _as_text(value.get("name"), sep)
    if isinstance(value, list):
        return sep.join(filter(None, (_as_text(v, sep) for v in value)))
    return str(value).strip()
