"""The running dashboard in real headless Chromium: every page, filters, a chart click,
downloads, an upload. The corpus is a copy of seeds/ in a temporary folder."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.browser_util import PAGES, n_articles, running_dashboard, wait_ready
from tests.conftest import SEEDS
from tests.test_skips import make_pdf

pytest.importorskip("playwright")
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, corpus)
    data = tmp_path_factory.mktemp("data")
    env = {"NEWS_DATA": str(data), "NEWS_CORPUS": str(corpus)}
    with running_dashboard(env, timeout=240) as url:
        yield url


def count(page) -> tuple[int, int]:
    m = re.search(r"([\d,]+) of ([\d,]+) articles", n_articles(page))
    return int(m[1].replace(",", "")), int(m[2].replace(",", ""))


def test_every_page_opens(dashboard, page):
    for name in PAGES:
        page.goto(f"{dashboard}/{'' if name == 'overview' else name}")
        wait_ready(page)
        assert count(page) == (5, 5), name
        assert page.locator("[data-testid='stException']").count() == 0, name


def test_filter_by_outlet_and_by_date_lives_in_the_url(dashboard, page):
    page.goto(f"{dashboard}/?outlet=Press+TV")
    wait_ready(page)
    assert count(page) == (1, 5)
    page.goto(dashboard)
    wait_ready(page)
    page.get_by_text("Include articles with unknown date").click()
    page.wait_for_function("() => document.querySelector('.n-of-N').innerText.startsWith('1 of 5')", timeout=30_000)
    assert "undated=" in page.url
    page.goto(f"{dashboard}/entities?dates=2021-08-13&dates=2021-08-13&undated=false")
    wait_ready(page)
    assert count(page) == (1, 5)


def test_clicking_a_bar_filters_the_dashboard(dashboard, page):
    page.goto(dashboard)
    wait_ready(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.locator("g.point path").first.click(force=True)
    page.wait_for_function("() => !document.querySelector('.n-of-N').innerText.startsWith('5 of 5')",
                           timeout=30_000)
    n, total = count(page)
    assert total == 5 and n < 5
    assert "outlets:" in n_articles(page) and "outlet=" in page.url


def download(page, chart_index: int, fmt: str) -> bytes:
    page.locator("[data-testid='stPopover'] button").nth(chart_index).click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=fmt, exact=True).last.click()
    data = open(info.value.path(), "rb").read()
    page.keyboard.press("Escape")
    return data


def test_chart_downloads(dashboard, page):
    page.goto(dashboard)
    wait_ready(page)
    png = download(page, 0, "PNG")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = download(page, 0, "SVG").decode()
    assert re.search(r"<svg[^>]*xmlns=\"http://www.w3.org/2000/svg\"", svg)
    html = download(page, 0, "HTML").decode()
    assert "plotly" in html.lower() and not re.search(r"<script[^>]+src=", html)


def test_upload_is_counted(dashboard, page, tmp_path):
    page.goto(f"{dashboard}/articles")
    wait_ready(page)
    doc = tmp_path / "new article.txt"
    doc.write_text("Kabul airport reopens\n\nThe airport in Kabul reopened on Monday, officials in "
                   "Afghanistan said, as NATO allies watched.\n", encoding="utf-8")
    pdf = tmp_path / "briefing.pdf"  # a PDF article: read through its text layer
    pdf.write_bytes(make_pdf(["Herat clinic reopens", "HERAT - A clinic in Herat reopened on Tuesday, doctors said."]))
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files([str(doc), str(pdf)])
    page.get_by_role("button", name="Analyse the uploaded files").click()
    page.get_by_text("2 new article(s)").first.wait_for(timeout=120_000)
    wait_ready(page)
    assert count(page) == (7, 7)
