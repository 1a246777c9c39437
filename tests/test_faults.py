"""Faults in the store's writes: a build killed (SIGKILL) at chosen points of its commit
(in the middle of a table, between tables, in the middle of meta.json, after the switch)
always leaves a store that opens, with the old tables or the new ones; a torn meta.json
is detected and rebuilt with a message; two builds of one store at once (two tabs saving)
run one after the other and the last one has both edits; the generation a reader has open
survives the next commit."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

import pytest

from analysis.build import stages as extras
from analysis.views.corpus import Corpus
from analysis.build.pipeline import build, ensure_built
from analysis.build.store import Store
from analysis.ingest.sidefiles import update_manifest
from tests.conftest import REPO, SEEDS

# a build in a subprocess that kills itself (SIGKILL) at its Nth store write: "mid" leaves half
# a temporary file, as a kill during the write would; "after" dies right after the rename
KILLER = r"""
import os, signal, sys
import analysis.build.store as st
target, mode, corpus, store = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
real, count = st.write_atomic, [0]
def write_atomic(path, data):
    count[0] += 1
    if count[0] == target:
        if mode == "mid":
            path.parent.mkdir(parents=True, exist_ok=True)
            (path.parent / f".{path.name}.killed.tmp").write_bytes(bytes(data)[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        real(path, data)
        os.kill(os.getpid(), signal.SIGKILL)
    real(path, data)
st.write_atomic = write_atomic
from analysis.build.pipeline import build
build([corpus], store_dir=store, progress=False)  # the core tables: the commit is the same with extras
print("finished", count[0])
"""


def store_writes(monkeypatch, corpus, store) -> int:
    import analysis.build.store as st

    count, real = [0], st.write_atomic

    def counting(path, data):
        count[0] += 1
        real(path, data)
    monkeypatch.setattr(st, "write_atomic", counting)
    build([str(corpus)], store_dir=store, progress=False)
    monkeypatch.undo()
    return count[0]


def test_a_build_killed_at_any_write_leaves_a_store_that_opens(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    store = tmp_path / "s"
    ensure_built([str(corpus)], store_dir=store)  # entities cached: the builds below only write the store
    n = store_writes(monkeypatch, corpus, store)  # a complete build: the "old" store
    assert n > 5
    old = Store(store).meta()
    old_titles = set(Store(store).read("articles")["title"].dropna())
    points = [(1, "mid"), (n // 2, "after"), (n - 1, "after"), (n, "mid"), (n, "after")]
    for k, (target, mode) in enumerate(points):
        update_manifest(corpus / "manifest.csv", "000_ff3ea87ce5d3a461.txt", {"title": f"Edit {k}"})
        proc = subprocess.run([sys.executable, "-c", KILLER, str(target), mode, str(corpus), str(store)],
                              cwd=REPO, capture_output=True, text=True, timeout=300)
        assert proc.returncode == -9, (target, mode, proc.stdout, proc.stderr[-2000:])
        s = Store(store)
        assert s.problems() == [], (target, mode, s.problems())  # it opens, every table of its generation
        corpus_view = Corpus(s)  # and the dashboard can load it
        titles = set(corpus_view.articles["title"].dropna())
        switched = s.meta()["generation"] != old["generation"]
        assert switched == (target == n and mode == "after"), (target, mode)  # only a whole new generation
        assert titles == (old_titles - {"NATO: Afghanistan won't become a breeding ground for terror"}
                          | {f"Edit {k}"} if switched else old_titles)
        if switched:
            old, old_titles = s.meta(), titles
    # the next build finishes the job; leftovers of the killed ones are cleaned away
    update_manifest(corpus / "manifest.csv", "000_ff3ea87ce5d3a461.txt", {"title": "Final"})
    store_, msgs = ensure_built([str(corpus)], store_dir=store)
    assert "Final" in set(store_.read("articles")["title"]) and store_.problems() == []
    assert any("changed" in m for m in msgs), msgs
    gens = sorted(p.name for p in store.glob("gen-*"))
    assert len(gens) <= 2 and store_.meta()["generation"] in gens  # the current one and the one before


def test_a_torn_meta_json_is_detected_and_rebuilt_with_a_message(tmp_path):
    store, _ = ensure_built([str(SEEDS)], store_dir=tmp_path / "s")
    text = (store.root / "meta.json").read_text()
    (store.root / "meta.json").write_text(text[: len(text) // 2])  # half-written
    assert "meta.json: unreadable" in store.problems()[0]
    store2, msgs = ensure_built([str(SEEDS)], store_dir=tmp_path / "s")
    assert any("rebuilt" in m and "meta.json" in m for m in msgs), msgs
    assert store2.problems() == [] and len(store2.read("articles")) == 5


def test_a_missing_table_is_detected_and_rebuilt(tmp_path):
    store, _ = ensure_built([str(SEEDS)], store_dir=tmp_path / "s")
    os.unlink(store.path("entities"))
    store2, msgs = ensure_built([str(SEEDS)], store_dir=tmp_path / "s")
    assert any("rebuilt" in m and "entities.parquet" in m for m in msgs), msgs
    assert store2.problems() == []


def test_two_builds_at_once_run_in_turn_and_keep_both_edits(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    store = tmp_path / "s"
    ensure_built([str(corpus)], store_dir=store)
    errors = []

    def tab(file, title):
        try:
            update_manifest(corpus / "manifest.csv", file, {"title": title})
            build([str(corpus)], store_dir=store, progress=False, extras=extras.run)
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)
    threads = [threading.Thread(target=tab, args=("003_3565dd2f8a15d1f4.txt", "Tab one")),
               threading.Thread(target=tab, args=("004_b6da397dadb063c9.txt", "Tab two"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final, msgs = ensure_built([str(corpus)], store_dir=store)
    titles = set(final.read("articles")["title"])
    assert {"Tab one", "Tab two"} <= titles and final.problems() == []


def test_the_generation_a_reader_has_open_survives_the_next_commit(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    store, _ = ensure_built([str(corpus)], store_dir=tmp_path / "s")
    reader = Corpus(store)  # pinned to the current generation
    update_manifest(corpus / "manifest.csv", "003_3565dd2f8a15d1f4.txt", {"title": "Changed"})
    build([str(corpus)], store_dir=tmp_path / "s", progress=False, extras=extras.run)
    assert len(reader.texts(reader.articles["id"].tolist())) == 5  # still reads its tables
    assert "Changed" not in set(reader.articles["title"].dropna())


def test_a_copy_of_the_same_corpus_keeps_its_store_and_an_edit_does_not(tmp_path):
    """The store is keyed by the inputs' contents, not their modification times: the same
    files copied again (new mtimes, as after a fresh checkout) open the store as it is,
    and one changed byte (same size) is seen."""
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    store, _ = ensure_built([str(corpus)], store_dir=tmp_path / "s")
    generation = store.meta()["generation"]
    shutil.rmtree(corpus)
    shutil.copytree(SEEDS, corpus)                 # same contents, new modification times
    for f in corpus.iterdir():
        os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    again, msgs = ensure_built([str(corpus)], store_dir=tmp_path / "s")
    assert msgs == [] and again.meta()["generation"] == generation
    target = corpus / "001_2fa3b75b33693510.txt"
    data = bytearray(target.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")   # one byte, same size
    target.write_bytes(bytes(data))
    changed, msgs = ensure_built([str(corpus)], store_dir=tmp_path / "s")
    assert any("changed" in m for m in msgs), msgs
    assert changed.meta()["generation"] != generation


def test_a_malformed_input_files_record_means_hashing_again(tmp_path):
    """meta.json's input_files is only a shortcut: a hand-edited or damaged record is ignored
    (every file hashed again) and gives the same signature."""
    from analysis.build.signature import input_files, inputs_signature

    good = inputs_signature([str(SEEDS)])
    assert inputs_signature([str(SEEDS)], "not a dict") == good
    broken = {f: "x" for f in input_files([str(SEEDS)])}
    assert inputs_signature([str(SEEDS)], broken) == good
