"""The store on disk: atomic writes, corrupt files detected, the NER cache resumable."""
import os

import pandas as pd
import pytest

from analysis.build.store import NerCache, Store, StoreError
from analysis.ingest.sidefiles import write_atomic


def test_tables_round_trip_and_meta(tmp_path):
    store = Store(tmp_path / "s")
    df = pd.DataFrame({"id": ["a", "b"], "n": [1, 2], "aliases": [["x"], []]})
    store.write("things", df)
    store.write_meta({"tables": ["things"]})
    back = store.read("things")
    assert back["id"].tolist() == ["a", "b"] and list(back["aliases"][0]) == ["x"]
    assert store.problems() == []
    assert not list((tmp_path / "s").glob("*.tmp"))  # no temporary file left behind


def test_corrupt_table_is_detected(tmp_path):
    store = Store(tmp_path / "s")
    store.write("things", pd.DataFrame({"a": [1]}))
    store.write_meta({"tables": ["things"]})
    store.path("things").write_bytes(b"PAR1 half written")
    problems = store.problems()
    assert len(problems) == 1 and "things.parquet" in problems[0] and "unreadable" in problems[0]
    with pytest.raises(StoreError, match="things.parquet"):
        store.read("things")


def test_store_without_meta_is_not_usable(tmp_path):
    assert "no meta.json" in Store(tmp_path / "nothing").problems()[0]


def test_failed_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")

    class Boom:
        def __len__(self):
            return 1
    with pytest.raises(TypeError):
        write_atomic(target, Boom())  # cannot be written: the old content must survive
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_ner_cache_parts_and_corrupt_part(tmp_path):
    cache = NerCache(tmp_path / "ner")
    cache.add([("h1", {"ents": [(0, 4, "ORG", "NATO")], "sents": [(0, 10)]})])
    cache.add([("h2", {"ents": [], "sents": [(0, 5)]})])
    assert cache.hashes() == {"h1", "h2"}
    rows = cache.load({"h1"})
    assert sorted(rows["kind"]) == ["doc", "ent", "sent"]
    bad = cache.parts()[1]
    bad.write_bytes(b"garbage")
    assert cache.hashes() == {"h1"}  # the corrupt part is set aside ...
    assert "corrupt NER cache part" in cache.messages[0]
    assert bad.with_suffix(".corrupt").exists() and not bad.exists()  # ... never deleted
    assert os.listdir(tmp_path / "ner")
