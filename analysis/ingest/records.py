"""The records that flow between stages: files -> RawDoc -> Article.

Plain dataclasses, no behaviour beyond small helpers, so every stage can be
tested alone.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class RawDoc:
    """One article as a reader found it, before cleaning or inference.

    file   -- the name shown to the user: the file's path relative to the input
              root, plus ":<row>" for a record of a JSONL/CSV/JSON-list file.
    path   -- the file on disk.
    row    -- 1-based record number inside a multi-record file, else None.
    format -- txt, md, html, json, jsonl, csv (".gz" is transparent).
    text   -- the article body as read (page furniture still in it).
    fields -- given metadata, strings only, canonical keys: title, source, date,
              url, id, authors (whatever the file provides).
    origin -- for each key of ``fields``, where it came from, e.g.
              "field 'content_original'", "html <meta property=og:site_name>".
    """

    file: str
    path: str
    text: str
    format: str
    row: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)


@dataclass
class ReadError:
    """A file (or record) that could not be read, and why, in one line. ``skipped``: a
    file left out on purpose (a dot file, an unsupported type), listed so that every
    input is accounted for."""

    file: str
    error: str
    skipped: bool = False

    def __str__(self) -> str:  # the line printed on stderr
        return f"{self.file}: {'skipped: ' if self.skipped else ''}{self.error}"


@dataclass
class Inferred:
    """A metadata value and how it was obtained.

    how      -- "given" (a field of the file), "manifest", "text" (found in the
                article text), or "unknown".
    evidence -- the field name, or the snippet of text it was read from, or why
                it is unknown.
    """

    value: str | None
    how: str
    evidence: str = ""


def content_hash(text: str) -> str:
    """The key of an article's analysis: sha256 of its text (first 16 hex)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
