"""The dashboard on a corpus that gained files: the update's note on every page, the full
analysis offered past the threshold, and the button that runs it (AppTest, real store)."""
from __future__ import annotations

import streamlit as st

from analysis import config
from analysis.build import stages
from analysis.build.pipeline import build
from analysis.build.store import Store
from analysis.views.freshness import REFIT_BUTTON
from tests.app_util import run_page
from tests.conftest import write
from tests.test_incremental import paragraphs


def notes(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "stale-note" in h.proto.body]


def test_added_files_show_what_is_stale_and_the_full_analysis_button_refits(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    paras = paragraphs()
    for i, p in enumerate(paras[:30]):
        write(corpus, f"p{i:03d}.txt", p)
    build([str(corpus)], store_dir=config.default_store([str(corpus)]), progress=False, extras=stages.run)
    monkeypatch.setenv("NEWS_CORPUS", str(corpus))
    at = run_page("pages/topics.py")
    assert notes(at) == [] and not [b for b in at.button if b.label == REFIT_BUTTON]
    for i, p in enumerate(paras[30:36]):          # six more: past 10% of the corpus
        write(corpus, f"added/n{i}.txt", p)
    st.cache_resource.clear()                     # the dashboard opened again (an open one: an upload)
    at = run_page("pages/topics.py")
    store = Store(config.default_store([str(corpus)]))
    added = store.meta()["incremental"]["added_since_fit"]
    assert added >= 4
    assert any(f"{added:,} of" in n and "stories" in n and "advised" in n for n in notes(at))
    button = [b for b in at.button if b.label == REFIT_BUTTON]
    assert button
    button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "incremental" not in store.meta()
    at = run_page("pages/topics.py")              # the page after the full analysis
    assert not at.exception and notes(at) == [] and not [b for b in at.button if b.label == REFIT_BUTTON]


def test_below_the_threshold_the_note_shows_without_the_button():
    from analysis.views.freshness import update_note

    meta = {"articles": 1000, "incremental": {"added_since_fit": 50, "share": 0.05, "refit_share": 0.1},
            "stale": {"stories": "each new article is a story of its own"}}
    text, due = update_note(meta)
    assert not due and "50 of 1,000" in text and "story of its own" in text and "--refit" in text
    assert update_note({"articles": 1000}) is None
