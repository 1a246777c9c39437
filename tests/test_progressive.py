"""A new corpus shows in the dashboard before it is analysed, and fills in as each stage
lands (issue 19, item 3): a real dashboard server in headless Chromium, the build it starts
(a real `python -m analysis build` process, real spaCy NER on a fresh cache), a real store."""
from __future__ import annotations

import json
import random
import time

import pandas as pd

from analysis.build import stages
from analysis.build.pipeline import build
from analysis.build.progress import Progress
from analysis.build.store import Store
from analysis.views.freshness import build_lines, page_note
from tests.browser_util import running_dashboard
from tests.test_incremental import paragraphs

OUTLETS = ["Harbor Ledger", "Valley Courier", "Northern Dispatch", "Civic Post", "Plains Herald"]


def corpus_file(path, n: int) -> None:
    """n distinct articles of four seed paragraphs each, five outlets, dated over a year."""
    rng = random.Random(19)
    paras = paragraphs()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = "\n\n".join(rng.sample(paras, 4))
            fh.write(json.dumps({"title": f"Report {i}", "text": text, "source": OUTLETS[i % len(OUTLETS)],
                                 "date": f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}"}) + "\n")


def sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_a_new_corpus_shows_its_articles_while_ner_runs_and_fills_in_without_reload(tmp_path, page):
    corpus = tmp_path / "corpus.jsonl"
    n = 800
    corpus_file(corpus, n)
    env = {"NEWS_DATA": str(tmp_path / "data"), "NEWS_NER_CACHE": str(tmp_path / "ner"),
           "NEWS_PROGRESSIVE_FROM_BYTES": "0", "NEWS_CORPUS": str(corpus)}
    with running_dashboard(env) as url:
        t0 = time.monotonic()
        page.goto(url)   # the first session finds no store: the dashboard starts the build
        page.wait_for_function(f"() => document.body.innerText.includes('{n:,} of {n:,} articles')", timeout=120_000)
        first = time.monotonic() - t0
        page.get_by_text("Outlets (none = all; 5 in the corpus)").wait_for(timeout=30_000)
        side = sidebar_text(page)
        # the articles are there (outlets, dates), the entities are not yet, and the page says so
        assert "Analysing the corpus" in side and "entities (NER):" in side, side
        assert "Outlets (none = all; 5 in the corpus)" in side
        body = page.inner_text("[data-testid='stMain']")
        assert "still being analysed" in body and "entities (NER)" in body, body
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)   # articles per outlet and month
        # no reload from here: the open page follows the build to its end
        page.wait_for_function("() => !document.querySelector('[data-testid=stSidebar]').innerText"
                               ".includes('Analysing the corpus')", timeout=400_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
        page.wait_for_timeout(1500)
        body = page.inner_text("[data-testid='stMain']")
        assert "still being analysed" not in body
        metric = page.locator("[data-testid='stMetric']").filter(has_text="Entities mentioned")
        assert int(metric.locator("[data-testid='stMetricValue']").inner_text().replace(",", "")) > 0
        assert page.locator("[data-testid='stSidebar']").get_by_text("Topics (none = all)", exact=True).count() == 1
    print(f"first page with the articles: {first:.1f} s")
    root = next((tmp_path / "data" / "store").iterdir())
    store = Store(root)
    assert store.complete() and not store.build_running()
    progress = store.progress()
    assert all(s["state"] == "done" for s in progress["stages"].values()), progress
    # what the progressive build wrote is what a build in one go writes (NER from the cache now)
    whole = build([str(corpus)], store_dir=tmp_path / "whole", progress=False, extras=stages.run)
    assert not whole.store.meta().get("partial")
    for name in ("articles", "entities", "mentions", "article_topics", "topics_articles", "stories",
                 "distinctive_terms"):
        pd.testing.assert_frame_equal(store.read(name), whole.store.read(name), obj=name)
    assert len(list(root.glob("gen-*"))) <= 2   # the snapshots are gone (the last one is kept one commit)


def test_progress_lines_say_how_far_each_stage_has_come(tmp_path):
    watch = Progress(tmp_path)
    watch.start("reading")
    watch.finish("reading", 37554)
    watch.start("entities", 37554, 1000)
    state = json.loads((tmp_path / "progress.json").read_text())
    state["stages"]["entities"].update(done=12400, since=1000.0, first_done=1000)
    now = 1000.0 + 600   # 11,400 articles in 10 minutes: 25,154 left, about 22 min
    lines = build_lines(state, now)
    assert lines[0] == "entities (NER): 12,400 of 37,554 articles, about 22 min left"
    assert "article topics: waiting" in lines and not any(line.startswith("reading") for line in lines)
    note = page_note(state, "Topics", now)
    assert "article topics: waiting" in note and "passage topics: waiting" in note and "NER" not in note
    assert page_note(state, "Sources", now).endswith("outlet comparison: waiting.")
    watch.fail("RuntimeError: out of disk")
    state = json.loads((tmp_path / "progress.json").read_text())
    assert state["error"] == "RuntimeError: out of disk" and state["stages"]["entities"]["state"] == "failed"
    assert "entities (NER): failed" in build_lines(state, now)
