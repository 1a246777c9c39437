"""The controls that keep a page light, in real headless Chromium (issue 20): the topic map
is drawn when its section is opened, as a sample with a "Draw every point" button (its CSV keeps every row), and a topic's
representative texts are sent when its expander is opened. The corpus is a copy of seeds/
with the map's default sample made tiny (NEWS_MAP_POINTS), so the sample shows on 5 articles."""
from __future__ import annotations

import csv
import io
import shutil

import pytest

from tests.browser_util import open_chart_sections, running_dashboard, wait_ready
from tests.conftest import SEEDS

pytest.importorskip("playwright")

DRAWN_JS = """() => { const p = document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')[1];
  return (p && p._fullData) ? p._fullData.reduce((n, t) => n + (t.x ? t.x.length : 0), 0) : -1; }"""


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, corpus)
    data = tmp_path_factory.mktemp("data")
    env = {"NEWS_DATA": str(data), "NEWS_CORPUS": str(corpus), "NEWS_MAP_POINTS": "10", "NEWS_MAP_BUBBLES": "2"}
    with running_dashboard(env, timeout=240) as url:
        yield url


def test_topic_map_draws_a_sample_then_every_point(dashboard, page):
    page.goto(f"{dashboard}/topics")
    wait_ready(page)
    section = page.locator("[data-testid=stMain] [class*=st-key-open_][class*=_map]")
    section.wait_for(timeout=120_000)
    page.locator("[data-testid=stMain] .js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid=stMain] .js-plotly-plot").count() == 1   # the bars; the map when opened
    section.locator("summary").click()
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
        # a click event on the button: the popover of a chart low on the page may open partly
        # outside the viewport, where a pointer click cannot reach it (a flaky failure once)
        page.get_by_test_id("stPopoverBody").get_by_role("button", name="CSV", exact=True).dispatch_event("click")
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    assert len(rows) == total
    page.keyboard.press("Escape")
    button.click()
    wait_ready(page)
    page.wait_for_function(f"() => ({DRAWN_JS})() === {total}")
    assert "drawn" not in page.locator(".js-plotly-plot").nth(1).inner_text()
    again = page.get_by_role("button", name="Draw a sample of 10 points again")
    again.wait_for(timeout=30_000)   # a rerun of the map's section only
    assert again.count() == 1
    again.click()
    wait_ready(page)
    page.wait_for_function(f"() => ({DRAWN_JS})() === {drawn}")
    assert page.locator("[data-testid='stException']").count() == 0


def test_topic_texts_are_sent_when_opened(dashboard, page):
    page.goto(f"{dashboard}/topics")
    wait_ready(page)
    # the topics' expanders (not the sections of the charts, whose titles may also end in "passages)")
    boxes = page.locator("[data-testid=stMain] [class*=st-key-topic_texts_]").filter(has_text=" passages)")
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
    page.locator(".st-key-chart_places_map .main-svg").first.wait_for(timeout=60_000)
    assert page.locator(".js-plotly-plot").count() == 1   # the bubble map; the other maps when opened
    assert len(open_chart_sections(page)) == 2
    assert page.locator(".js-plotly-plot").count() == 3
    box.locator("summary").click()
    box.locator("[data-testid=stDataFrame]").wait_for(timeout=30_000)
    assert "aliases.csv" in box.inner_text()
    assert page.locator(".js-plotly-plot").count() == 3   # the maps stay (a rerun of the expander only)
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_chart_below_the_first_is_drawn_when_opened_and_its_click_filters_the_page(dashboard, page):
    page.goto(dashboard)
    wait_ready(page)
    section = page.locator("[data-testid=stMain] .st-key-open_top_entities")
    section.wait_for(timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stMain] .js-plotly-plot .main-svg').length >= 2",
                           timeout=60_000)
    assert page.locator("[data-testid=stMain] .js-plotly-plot").count() == 2   # outlets and months
    assert section.locator(".js-plotly-plot").count() == 0                     # closed: not sent
    section.locator("summary").click()
    section.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid=stMain] .js-plotly-plot").count() == 3   # a rerun of the section only
    section.locator("g.point path").first.click(force=True)   # a cross-filter from inside the section: the page follows
    page.wait_for_function("() => document.querySelector('.n-of-N').innerText.includes('mentioning')", timeout=30_000)
    wait_ready(page)
    assert "entity=" in page.url
    assert "mentioning" in page.locator("[data-testid=stSidebar] .n-of-N-side").inner_text()
    section.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)   # still open after the rerun
    assert section.locator(".js-plotly-plot").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0


def test_places_map_draws_the_biggest_bubbles_then_every_one(dashboard, page):
    page.goto(f"{dashboard}/places")
    wait_ready(page)
    button = page.get_by_role("button", name="Draw every bubble of the map")
    button.wait_for(timeout=120_000)
    page.locator(".st-key-chart_places_map .main-svg").first.wait_for(timeout=60_000)
    bubbles = page.locator(".st-key-chart_places_map .js-plotly-plot path.point")
    total = int(button.inner_text().split("(")[-1].rstrip(")").replace(",", ""))
    assert bubbles.count() == 2 < total   # NEWS_MAP_BUBBLES
    assert f"the 2 biggest of {total:,} bubbles" in page.locator(".st-key-chart_places_map").inner_text()
    page.locator("[data-testid=stPopover] button").first.click()   # the map's CSV has every bubble
    with page.expect_download() as dl:
        page.get_by_test_id("stPopoverBody").get_by_role("button", name="CSV", exact=True).click()
    assert len(list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))) == total
    page.keyboard.press("Escape")
    button.click()
    wait_ready(page)
    page.wait_for_function(f"() => document.querySelectorAll('.st-key-chart_places_map path.point').length === {total}",
                           timeout=30_000)
    page.get_by_role("button", name="Draw the 2 biggest bubbles again").click()
    wait_ready(page)
    page.wait_for_function("() => document.querySelectorAll('.st-key-chart_places_map path.point').length === 2",
                           timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
