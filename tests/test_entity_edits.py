"""Editing entities from the command line: a rule goes into aliases.csv beside the corpus,
the store follows (NER from the cache), and --undo takes the last rule out again."""
import os
import subprocess
import sys

import pandas as pd

from analysis.build.store import Store
from analysis.entities.canonical import canonicalize
from tests.conftest import REPO, write

TEXTS = {"a.txt": "Kabul and Herat\n\nFighting reached Kabul on Monday. Jens Stoltenberg of NATO said "
                  "the city of Herat was calm.",
         "b.txt": "NATO meets\n\nNATO ministers met in Brussels. Jens Stoltenberg spoke about Kabul."}


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "analysis", *args, "--quiet"], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def entities(store) -> dict:
    ents = Store(store).read("entities")
    return {r["name"]: r for r in ents.to_dict("records")}


def test_merge_type_ignore_and_undo_from_the_command_line(tmp_path):
    corpus, store = tmp_path / "c", str(tmp_path / "s")
    for name, text in TEXTS.items():
        write(corpus, name, text)
    run("build", str(corpus), "--store", store)
    before = entities(store)
    assert {"Kabul", "Herat", "NATO"} <= set(before)

    said = run("entities", str(corpus), "--store", store, "--merge", "Herat", "Kabul")
    assert "added: merge,Herat,Kabul" in said and "the store follows aliases.csv" in said   # no build
    after = entities(store)
    assert "Herat" not in after and "Herat" in list(after["Kabul"]["aliases"])
    assert after["Kabul"]["mentions"] == before["Kabul"]["mentions"] + before["Herat"]["mentions"]

    run("entities", str(corpus), "--store", store, "--set-type", "Kabul", "loc")
    assert entities(store)["Kabul"]["type"] == "LOC"
    assert entities(store)["Kabul"]["note"] == "typed by the user: LOC (aliases.csv)"
    run("entities", str(corpus), "--store", store, "--ignore", "NATO")
    assert "NATO" not in entities(store)
    assert (corpus / "aliases.csv").read_text() == "action,name,target\nmerge,Herat,Kabul\ntype,Kabul,LOC\nignore,NATO,\n"

    assert "undone: ignore,NATO," in run("entities", str(corpus), "--store", store, "--undo")
    assert "undone: type,Kabul,LOC" in run("entities", str(corpus), "--store", store, "--undo")
    restored = entities(store)
    assert restored["NATO"]["mentions"] == before["NATO"]["mentions"] and restored["Kabul"]["type"] == "GPE"
    assert (corpus / "aliases.csv").read_text() == "action,name,target\nmerge,Herat,Kabul\n"


def test_a_user_type_beats_the_vote_and_the_gazetteer():
    texts = {"a": "Jordan said yes. Jordan left."}
    raw = pd.DataFrame([("a", 0, 6, "Jordan", "GPE"), ("a", 17, 23, "Jordan", "GPE")],
                       columns=["article_id", "start", "end", "surface", "label"])
    _, e = canonicalize(raw, texts, rules=[("type", "Jordan", "PERSON")])
    assert e.iloc[0]["type"] == "PERSON" and e.iloc[0]["note"].startswith("typed by the user")


# -- an edit applied to the store equals a full build with the same aliases.csv ----------------

TOPIC_TABLES = {"topics_articles", "topics_passages", "model_topics_articles", "model_topics_passages", "article_topics", "passage_topics", "doc_map",
                "topic_info", "topic_selection_articles", "topic_selection_passages"}


def _tables(root) -> dict[str, pd.DataFrame]:
    store = Store(root)
    return {name: store.read(name) for name in store.meta()["tables"]}


def _same(edited: dict, built: dict, names) -> None:
    for name in sorted(names):
        pd.testing.assert_frame_equal(edited[name].reset_index(drop=True), built[name].reset_index(drop=True),
                                      obj=name)


def test_an_edit_of_the_store_equals_a_full_build_with_the_same_rules(tmp_path):
    """Merge, rename, set a type and ignore on the seeds, applied to the built store
    (entity_edits), against a real build of the seeds with the same aliases.csv; then the
    stale analyses made again (refresh_stale); then every rule undone."""
    import shutil

    from analysis.build import stages
    from analysis.build.entity_edits import STALE_STAGES, apply_entity_rules, refresh_stale
    from analysis.build.pipeline import build
    from analysis.ingest.sidefiles import append_alias, remove_last_alias
    from tests.conftest import SEEDS

    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    paths, edited = [str(corpus)], tmp_path / "edited"
    build(paths, store_dir=edited, progress=False, extras=stages.run)
    original = _tables(edited)
    names = set(Store(edited).read("entities")["name"])
    assert {"Kandahar", "Kabul", "NATO", "Herat"} <= names
    rules = [("merge", "Kandahar", "Kabul"), ("rename", "NATO", "North Atlantic Alliance"),
             ("type", "Herat", "LOC"), ("ignore", "Taliban", "")]
    for rule in rules:
        append_alias(corpus / "aliases.csv", *rule)
        apply_entity_rules(paths, Store(edited), edit=",".join(rule))

    full = tmp_path / "full"
    build(paths, store_dir=full, progress=False, extras=stages.run)
    got, want = _tables(edited), _tables(full)
    entity_tables = {"mentions", "entities", "article_entities", "entity_keys", "entity_ambiguous",
                     "distinctive_entities", "entity_shares", "tone_entities"}
    _same(got, want, entity_tables)
    ents = got["entities"].set_index("name")
    assert "Kandahar" not in ents.index and "Taliban" not in ents.index and "NATO" not in ents.index
    assert ents.loc["North Atlantic Alliance", "mentions"] > 0 and ents.loc["Herat", "type"] == "LOC"
    stale = Store(edited).meta()["stale"]
    at_once = STALE_STAGES["outlet entities"][0]   # a small corpus: made at once (SYNC_MAX_MENTIONS)
    assert set(stale) == {t for tables, _ in STALE_STAGES.values() for t in tables} - set(at_once)
    assert "ignore,Taliban" in stale["places"]

    refresh_stale(paths, Store(edited))
    got = _tables(edited)
    assert not Store(edited).meta()["stale"]
    _same(got, want, set(want) - TOPIC_TABLES)

    for _ in rules:
        remove_last_alias(corpus / "aliases.csv")
        apply_entity_rules(paths, Store(edited), edit="undo")
    _same(_tables(edited), original, entity_tables)


def test_edits_by_key_equal_the_whole_replay_step_by_step(tmp_path):
    """A seeded sequence of merges, renames, types, ignores and undos on the seeds' entities:
    after each, the store edited by key (entities/rekey.py) equals the store made again from
    all of entity_keys (the path checked against a full build above)."""
    import random
    import shutil

    from analysis.build.entity_edits import apply_entity_rules
    from analysis.build.pipeline import build
    from analysis.ingest.sidefiles import append_alias, remove_last_alias
    from tests.conftest import SEEDS

    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    paths, by_key, whole = [str(corpus)], tmp_path / "by_key", tmp_path / "whole"
    build(paths, store_dir=by_key, progress=False)
    shutil.copytree(by_key, whole)
    names = Store(by_key).read("entities")["name"].head(60).tolist()
    rng = random.Random(17)
    for _ in range(14):
        action = rng.choice(["merge", "merge", "rename", "type", "ignore", "undo", "undo"])
        x, y = rng.sample(names, 2)
        if action == "undo":
            remove_last_alias(corpus / "aliases.csv")
        else:
            append_alias(corpus / "aliases.csv", *{"merge": ("merge", x, y), "rename": ("rename", x, f"{y} II"),
                                                   "type": ("type", x, rng.choice(["PERSON", "ORG", "GPE", "NORP"])),
                                                   "ignore": ("ignore", x, "")}[action])
        apply_entity_rules(paths, Store(by_key))
        apply_entity_rules(paths, Store(whole), by_key=False)
        _same(_tables(by_key), _tables(whole), {"mentions", "entities", "article_entities", "entity_index",
                                                  "entity_forms", "entity_rules"})
    assert len(Store(by_key).read("entity_rules")) > 0


def test_a_large_corpus_leaves_the_outlet_entity_tables_stale_until_refreshed(tmp_path, monkeypatch):
    """Above SYNC_MAX_MENTIONS mentions the outlet comparison's entity tables are marked stale
    instead of made at once; refreshed, they equal those an edit of a small corpus makes."""
    import shutil

    from analysis.build import entity_edits, stages
    from analysis.build.pipeline import build
    from analysis.ingest.sidefiles import append_alias
    from tests.conftest import SEEDS

    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    paths, small, large = [str(corpus)], tmp_path / "small", tmp_path / "large"
    build(paths, store_dir=small, progress=False, extras=stages.run)
    shutil.copytree(small, large)
    append_alias(corpus / "aliases.csv", "merge", "Kandahar", "Kabul")
    entity_edits.apply_entity_rules(paths, Store(small))
    monkeypatch.setattr(entity_edits, "SYNC_MAX_MENTIONS", 0)
    entity_edits.apply_entity_rules(paths, Store(large))
    outlet = set(entity_edits.STALE_STAGES["outlet entities"][0]) & set(Store(large).meta()["tables"])
    assert outlet and outlet <= set(Store(large).meta()["stale"])
    timings = entity_edits.refresh_stale(paths, Store(large))
    assert "outlet entities" in timings and not Store(large).meta()["stale"]
    _same(_tables(large), _tables(small), outlet | {"mentions", "entities"})
