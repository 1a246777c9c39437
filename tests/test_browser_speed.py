"""The controls that keep a page light, in real headless Chromium (issue 20): the topic map
draws a sample with a "Draw every point" button (its CSV keeps every row), and a topic's
representative texts are sent when its expander is opened. The corpus is a copy of seeds/
with the map's default sample made tiny (NEWS_MAP_POINTS), so the sample shows on 5 articles."""
from __future__ import annotations

import csv
import io
import shutil

import pytest

from tests.browser_util import running_dashboard, wait_ready
from tests.conftest import SEEDS

pytest.importorskip("playwright")

DRAWN_JS = """() => { const p = document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')[1];
  return (p && p._fullData) ? p._fullData.reduce((n, t) => n + (t.x ? t.x.length : 0), 0) : -1; }"""


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, corpus)
    data = tmp_path_factory.mktemp("data")
    env = {"NEWS_DATA": str(data), "NEWS_CORPUS": str(corpus), "NEWS_MAP_POINTS": "10"}
    with running_dashboard(env, timeout=240) as url:
        yield url


def test_topic_map_draws_a_sample_then_every_point(dashboard, page):
    page.goto(f"{dashboard}/topics")
    wait_ready(page)
    button = page.get_by_role("button", name="Draw every point of the map")
    button.wait_for(timeout=120_000)
    page.wait_for_function(f"() => ({DRAWN_JS})() > 0", timeout=60_000)
    drawn = page.evaluate(DRAWN_JS)
    total = int(button.inner_text().split("(")[-1].rstrip(")").replace(",", ""))
    assert 0 < drawn < total, (drawn, total)
    assert f"{drawn:,} of {total:,} drawn" in page.locator(".js-plotly-plot").nth(1).inner_text()
    # the map's CSV export has every point, drawn or not
    page.locator("[data-testid=stPopover] button").nth(1).click()
    with page.expect_download() as dl:
        page.get_by_test_id("stPopoverBody").get_by_role("button", name="CSV", exact=True).click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    assert len(rows) == total
    page.keyboard.press("Escape")
    button.click()
    wait_ready(page)
    page.wait_for_function(f"() => ({DRAWN_JS})() === {total}")
    assert "drawn" not in page.locator(".js-plotly-plot").nth(1).inner_text()
    again = page.get_by_role("button", name="Draw a sample of 10 points again")
    assert again.count() == 1
    again.click()
    wait_ready(page)
    page.wait_for_function(f"() => ({DRAWN_JS})() === {drawn}")
    assert page.locator("[data-testid='stException']").count() == 0


def test_topic_texts_are_sent_when_opened(dashboard, page):
    page.goto(f"{dashboard}/topics")
    wait_ready(page)
    boxes = page.locator("[data-testid=stExpander]").filter(has_text=" passages)")
    boxes.first.wait_for(timeout=120_000)
    assert boxes.count() > 1
    first = boxes.first
    assert first.locator("[data-testid=stText]").count() == 0   # closed: nothing sent
    first.locator("summary").click()
    first.locator("[data-testid=stText]").first.wait_for(timeout=30_000)
    assert "terms:" in first.inner_text()
    assert boxes.nth(1).locator("[data-testid=stText]").count() == 0   # the others stay unsent
    assert page.locator("[data-testid='stException']").count() == 0


def test_place_resolution_table_is_sent_when_opened(dashboard, page):
    page.goto(f"{dashboard}/places")
    wait_ready(page)
    box = page.locator("[data-testid=stExpander]").filter(has_text="How each place was resolved")
    box.wait_for(timeout=120_000)
    assert box.locator("[data-testid=stDataFrame]").count() == 0   # closed: the table is not sent
    box.locator("summary").click()
    box.locator("[data-testid=stDataFrame]").wait_for(timeout=30_000)
    assert "aliases.csv" in box.inner_text()
    assert page.locator(".js-plotly-plot").count() == 3   # the maps stay (a rerun of the expander only)
    assert page.locator("[data-testid='stException']").count() == 0
