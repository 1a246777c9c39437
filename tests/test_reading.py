"""Reading in worker processes makes the same articles as reading in one process, on real
corpus files (the seeds, the readers' fixtures, and the AllSides Afghanistan subset where
this machine has it), with the real outlet table and the corpus-wide boilerplate rule."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from analysis.ingest.outlets import load_outlets
from analysis.ingest.readers import iter_documents
from analysis.ingest.reading import read_records

REPO = Path(__file__).resolve().parent.parent
AFGHANISTAN = Path("/work/shared/corpora/allsides/afghanistan.jsonl.gz")


def _read(paths: list[str], **kw):
    records, errors = read_records(iter_documents(paths), outlets=load_outlets(None), **kw)
    return records, [(e.file, e.error, e.skipped) for e in errors]


def _same(a, b) -> None:
    assert len(a[0]) == len(b[0])
    for x, y in zip(a[0], b[0]):
        assert pickle.dumps(x) == pickle.dumps(y), x["id"]
    assert a[1] == b[1]


def test_workers_make_the_same_articles_as_one_process():
    # every document its own task (chunk=1), so that the two workers interleave
    paths = [str(REPO / "seeds"), str(REPO / "tests" / "fixtures" / "readers")]
    one = _read(paths, workers=1)
    two = _read(paths, workers=2, parallel_from=1, chunk=1)
    assert len(one[0]) >= 5
    _same(one, two)


def test_a_small_corpus_is_read_in_this_process():
    # under parallel_from documents no worker starts: the same records, the same errors
    paths = [str(REPO / "seeds")]
    _same(_read(paths, workers=1), _read(paths, workers=2))


@pytest.mark.skipif(not AFGHANISTAN.exists(), reason="the AllSides subset is not on this machine")
def test_workers_on_an_allsides_corpus():
    # 1,505 articles of many outlets: the boilerplate rule removes lines in many of them
    one = _read([str(AFGHANISTAN)], workers=1)
    two = _read([str(AFGHANISTAN)], workers=2)
    assert sum(1 for r in one[0] if any(e.startswith("in ") for e in r["removed"])) > 100
    _same(one, two)
