"""Documents to article records: each document made into an article (cleaned text,
metadata with provenance: analysis.ingest.articles), then the furniture that recurs across
an outlet's articles taken out (analysis.ingest.boilerplate).

The per-document part is pure and is most of the time, so a corpus of PARALLEL_FROM
documents or more is made in forked worker processes, in chunks, in input order; each
worker also splits its articles' lines for the corpus rule. The records are the same as
one process makes (tests/test_reading.py; benchmarks/read_speed.py on whole corpora)."""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator

from analysis.ingest.articles import article_and_keys
from analysis.ingest.boilerplate import article_tags, remove_boilerplate
from analysis.ingest.boilerplate_lines import Line, text_lines
from analysis.ingest.outlets import OutletTable
from analysis.ingest.records import RawDoc, ReadError

PARALLEL_FROM = 300    # documents: a smaller corpus is read in this process (workers cost ~0.1 s to start)
CHUNK = 50             # documents per task
# the parent reads the files, collects the workers' articles and runs the corpus rule (a quarter
# of the workers' time): past four workers it is the bottleneck
WORKERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)

Made = tuple[dict | ReadError, list[Line] | None, set[str] | None]


def read_records(items: Iterable[RawDoc | ReadError], *, manifest: dict | None = None,
                 outlets: OutletTable | None = None, workers: int | None = None,
                 parallel_from: int = PARALLEL_FROM, chunk: int = CHUNK) -> tuple[list[dict], list[ReadError]]:
    """(article records, read errors) of the documents, in input order; an item that is a
    ReadError already (a file that could not be read) is passed through to the errors.
    workers: processes for the per-document part (default WORKERS; 1: this process), used
    from parallel_from documents on, chunk documents per task."""
    workers = WORKERS if workers is None else workers
    items = iter(items)
    head = list(itertools.islice(items, parallel_from))
    every = itertools.chain(head, items)
    parallel = workers > 1 and len(head) == parallel_from and not mp.current_process().daemon
    made = _in_workers(every, manifest, outlets, workers, chunk) if parallel else \
        (_make(item, manifest, outlets) for item in every)
    records, errors, lines, tagged = [], [], [], []
    for rec, rec_lines, tags in made:
        if isinstance(rec, ReadError):
            errors.append(rec)
            continue
        records.append(rec)
        lines.append([Line._make(ln) for ln in rec_lines] if parallel else rec_lines)
        tagged.append(tags)
    remove_boilerplate(records, lines, tagged)
    return records, errors


def _make(item: RawDoc | ReadError, manifest: dict | None, outlets: OutletTable | None) -> Made:
    """One document's record, with its lines and speaker tags for the corpus rule."""
    if isinstance(item, ReadError):
        return item, None, None
    rec, norms = article_and_keys(item, manifest=manifest, outlets=outlets)
    if isinstance(rec, ReadError):
        return rec, None, None
    return rec, text_lines(rec["text"], norms), article_tags(rec["text"])


_JOB: tuple = (None, None)     # (manifest, outlets) of a worker, inherited through the fork


def _start_worker(manifest: dict | None, outlets: OutletTable | None) -> None:
    global _JOB
    _JOB = (manifest, outlets)


def _make_chunk(chunk: list) -> list[Made]:
    """_make of each item, the lines as plain tuples (pickled three times faster)."""
    manifest, outlets = _JOB
    made = [_make(item, manifest, outlets) for item in chunk]
    return [(rec, lines if lines is None else [tuple(ln) for ln in lines], tags) for rec, lines, tags in made]


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _in_workers(items: Iterator, manifest: dict | None, outlets: OutletTable | None, workers: int,
                chunk: int) -> Iterator[Made]:
    """_make of every item in forked worker processes, in order. The pool takes the next
    chunk as a worker frees up, so the documents are read from disk as they are made."""
    with mp.get_context("fork").Pool(workers, initializer=_start_worker, initargs=(manifest, outlets)) as pool:
        for done in pool.imap(_make_chunk, _chunks(items, chunk)):
            yield from done
