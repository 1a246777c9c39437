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
