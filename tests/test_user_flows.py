"""What a person does in the dashboard, end to end, in real headless Chromium on a copy of
the seeds: correct an article's metadata, upload an article, open a page by its URL, share
a view, export a page. Each test asserts what the person sees: the "n of N articles" line,
the cells of the Articles table, the charts' labels, the downloaded files.

The Articles table is a canvas (glide-data-grid): an init script records the text the grid
draws (CanvasRenderingContext2D.fillText), so a test reads the cells as they are shown.
The seeds: five articles, one dated (004, Press TV, 2021-08-13), one outlet found in the
text (003, Khaama Press), 001 and 002 without a title, outlet or date."""
from __future__ import annotations

import csv
import io
import re
import os
import shutil
import subprocess
import sys
import zipfile
from urllib.parse import urlparse

import pytest

from tests.browser_util import n_articles, running_dashboard, wait_ready
from tests.conftest import REPO, SEEDS

pytest.importorskip("playwright")
expect = pytest.importorskip("playwright.sync_api").expect

FILE_001 = "001_2fa3b75b33693510.txt"
FILE_002 = "002_382a93bb24ffe1b9.txt"
REUTERS = ("Taliban name caretaker officials in Kabul\n\nPublished: 19 August 2021\n\n"
           "KABUL (Reuters) - The Taliban named caretaker officials in Kabul on Thursday, as crowds "
           "gathered at the airport and NATO allies pressed on with the evacuation of their citizens "
           "from Afghanistan.\n\nThe officials said the ministries would reopen next week.\n")
REUTERS_TITLE = "Taliban name caretaker officials in Kabul"

RECORD_CANVAS_TEXT = """
window.__drawn = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  const m = this.getTransform();
  window.__drawn.push({t: String(text), x: x + m.e, y: y + m.f, grid: this.canvas.dataset.testid === 'data-grid-canvas'});
  return fillText.call(this, text, x, y, ...rest);
};
"""


def start(tmp_path_factory, name: str, env: dict | None = None):
    """A dashboard on its own copy of the seeds and its own store (NEWS_CORPUS, NEWS_DATA in env)."""
    env = {} if env is None else env
    corpus = tmp_path_factory.mktemp(name) / "seeds"
    shutil.copytree(SEEDS, corpus)
    env.update(NEWS_DATA=str(tmp_path_factory.mktemp(name + "-data")), NEWS_CORPUS=str(corpus))
    return running_dashboard(env, timeout=240)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """For the flows that only read: one server for the module."""
    with start(tmp_path_factory, "flows") as url:
        yield url


@pytest.fixture
def own_dashboard(tmp_path_factory):
    """For a flow that changes the corpus (a correction, an upload): a server of its own."""
    with start(tmp_path_factory, "changed") as url:
        yield url


def new_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    ctx.add_init_script(RECORD_CANVAS_TEXT)
    return ctx, ctx.new_page()


@pytest.fixture
def page(browser):
    ctx, pg = new_page(browser)
    yield pg
    ctx.close()


def count(page) -> tuple[int, int]:
    m = re.search(r"([\d,]+) of ([\d,]+) articles", n_articles(page))
    return int(m[1].replace(",", "")), int(m[2].replace(",", ""))


def wait_for_count(page, prefix: str, timeout: float = 60_000) -> None:
    """Wait until the page's 'n of N articles' line starts with prefix (then for the run to end)."""
    try:
        page.wait_for_function("p => { const e = document.querySelector('.n-of-N'); "
                               "return e !== null && e.innerText.startsWith(p); }", arg=prefix, timeout=timeout)
    except Exception:
        raise AssertionError(f"expected {prefix!r}, the page says {n_articles(page)!r}") from None
    wait_ready(page)


def table_rows(page) -> list[dict[str, str]]:
    """The Articles table's visible rows as {column: shown text}, read from what the grid draws."""
    page.locator("[data-testid='data-grid-canvas']").first.wait_for(timeout=30_000)
    size = page.viewport_size
    for _ in range(5):   # on a busy machine the grid may draw late: ask again
        page.evaluate("window.__drawn = []")
        page.set_viewport_size({"width": size["width"] - 20, "height": size["height"]})  # a full redraw
        page.wait_for_timeout(1000)
        page.set_viewport_size(size)
        page.wait_for_timeout(1000)
        drawn = page.evaluate("window.__drawn")
        header = sorted({round(d["x"]): d["t"] for d in drawn if not d["grid"] and round(d["y"]) < 40}.items())
        if header and any(d["grid"] for d in drawn):
            break
    assert header and header[0][1] == "title", f"no table header drawn: {header}"
    cells: dict[int, dict[str, str]] = {}
    for d in drawn:
        if d["grid"]:
            column = [name for x, name in header if x <= d["x"] + 2][-1]
            cells.setdefault(round(d["y"]), {})[column] = d["t"]
    return [cells[y] for y in sorted(cells)]


def row_titled(rows, title: str) -> dict[str, str]:
    found = [r for r in rows if r.get("title") == title]
    assert found, f"no row titled {title!r} in the table: {[r.get('title') for r in rows]}"
    return found[0]


def svg_text(page) -> str:
    """The text of every chart on the page (plotly draws its labels as SVG text)."""
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stPlotlyChart] svg text').length > 0",
                           timeout=60_000)
    page.wait_for_timeout(1500)   # the other charts of the page
    return "\n".join(page.locator("[data-testid='stPlotlyChart'] svg text").all_text_contents())


def go_to(page, title: str) -> None:
    """Open a page from the sidebar navigation, in the same session (as a person does)."""
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first.click()
    page.wait_for_function("t => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)",
                           arg=title, timeout=60_000)
    wait_ready(page)


# -- (a) a correction stays in view ---------------------------------------------------

def test_a_corrected_article_stays_in_view_with_its_new_outlet_and_date(own_dashboard, page):
    page.goto(f"{own_dashboard}/articles")
    wait_ready(page)
    assert count(page) == (5, 5)
    box = page.get_by_role("combobox", name="Article", exact=True)
    box.click()
    box.fill("001_2fa3b75b")
    page.get_by_role("option").filter(has_text=FILE_001).first.click()
    page.wait_for_timeout(1000)
    wait_ready(page)
    assert FILE_001 in box.input_value()
    page.get_by_label("Outlet", exact=True).fill("Associated Press")
    page.get_by_label("Date (YYYY-MM-DD)").fill("2021-08-17")
    page.get_by_role("button", name="Save correction").click()
    page.get_by_text(f"Saved the correction of {FILE_001}").wait_for(timeout=120_000)
    wait_ready(page)
    # the article is not hidden by a date range the person never chose
    assert count(page) == (5, 5), n_articles(page)
    assert "no filter" in n_articles(page)
    row = row_titled(table_rows(page), FILE_001)
    assert (row["outlet"], row["date"], row["month"]) == ("Associated Press", "2021-08-17", "2021-08")
    go_to(page, "Overview")
    assert count(page) == (5, 5), n_articles(page)
    charts = svg_text(page)
    assert "Associated Press" in charts
    assert "Articles per month (3 with unknown date not shown)" in charts   # was 4 before the correction


# -- (b) an upload is counted and shown ----------------------------------------------

def test_b_an_uploaded_article_is_counted_and_shown(own_dashboard, page, tmp_path):
    page.goto(f"{own_dashboard}/articles")
    wait_ready(page)
    doc = tmp_path / "reuters kabul.txt"
    doc.write_text(REUTERS, encoding="utf-8")
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(doc))
    page.get_by_role("button", name="Analyse the uploaded files").click()
    page.get_by_text("the corpus now has 6 articles").wait_for(timeout=120_000)
    wait_ready(page)
    assert count(page) == (6, 6), n_articles(page)
    row = row_titled(table_rows(page), REUTERS_TITLE)
    assert (row["outlet"], row["date"]) == ("Reuters", "2021-08-19")
    # the page offers to show only what was just added
    page.get_by_role("button", name="Show only the new articles").click()
    wait_for_count(page, "1 of 6 articles")
    assert [r["title"] for r in table_rows(page)] == [REUTERS_TITLE]


# -- a rebuild from the command line while the dashboard is open ------------------------

def test_a_rebuild_from_the_command_line_is_followed_by_the_open_view(tmp_path_factory, page):
    env: dict = {}
    with start(tmp_path_factory, "cli", env) as url:
        page.goto(f"{url}/articles?outlet=Khaama+Press")
        wait_ready(page)
        assert count(page) == (1, 5)
        corpus = env["NEWS_CORPUS"]
        with open(os.path.join(corpus, "reuters kabul.txt"), "w", encoding="utf-8") as f:
            f.write(REUTERS)
        with open(os.path.join(corpus, "manifest.csv"), "w", encoding="utf-8") as f:
            f.write("file,title,source,date,url\n003_3565dd2f8a15d1f4.txt,,Khaama Press News Agency,,\n")
        built = subprocess.run([sys.executable, "-m", "analysis", "build", corpus], cwd=REPO, capture_output=True,
                               text=True, env={**os.environ, **env}, timeout=600)
        assert built.returncode == 0, built.stderr[-2000:]
        go_to(page, "Overview")   # the person's next click
        # the outlet they chose no longer exists: dropped, with a note; the new article is in view
        assert count(page) == (6, 6), n_articles(page)
        assert "no filter" in n_articles(page)
        page.get_by_text("The outlet filter 'Khaama Press' was dropped: no article has it now.").wait_for(timeout=10_000)
        assert "Khaama Press News Agency" in svg_text(page) and "Reuters" in svg_text(page)


# -- (c) every page has a URL; unknown values read "unknown" ---------------------------

def test_c_the_overview_has_its_own_url_with_its_filters(dashboard, page):
    page.goto(dashboard)   # the browser has seen the app once (then /overview opened a dialog)
    wait_ready(page)
    page.goto(f"{dashboard}/overview?outlet=Press+TV")
    wait_ready(page)
    page.wait_for_timeout(2000)
    assert page.get_by_text("Page not found").count() == 0
    assert urlparse(page.url).path == "/overview", page.url
    assert page.locator("h1").filter(has_text="Overview").count() == 1
    assert count(page) == (1, 5)
    assert "outlets: Press TV" in n_articles(page)


def test_c_unknown_values_read_unknown_and_a_missing_title_is_the_file_name(dashboard, page):
    page.goto(f"{dashboard}/articles")
    wait_ready(page)
    rows = table_rows(page)
    assert len(rows) == 5
    shown = [text for r in rows for text in r.values()]
    assert "None" not in shown and "nan" not in shown and "NaT" not in shown, rows
    for name in (FILE_001, FILE_002):
        row = row_titled(rows, name)
        assert (row["date"], row["month"]) == ("unknown", "unknown")
    dated = row_titled(rows, "Intl. community won’t recognize Taliban government taken by force in Afghanistan: NATO")
    assert (dated["outlet"], dated["date"], dated["month"]) == ("Press TV", "2021-08-13", "2021-08")


# -- a shared URL, an export -----------------------------------------------------------

def test_a_shared_url_opens_the_same_view_in_a_new_session(dashboard, browser, page):
    page.goto(f"{dashboard}/entities")
    wait_ready(page)
    page.get_by_label("Search the text").fill("Stoltenberg")
    page.keyboard.press("Enter")
    wait_for_count(page, "4 of 5 articles")
    page.locator("[data-testid='stMultiSelect']").filter(has_text="Outlets").first.click()
    page.get_by_role("option", name="Press TV").click()
    page.keyboard.press("Escape")
    wait_for_count(page, "1 of 5 articles")
    seen, url = n_articles(page), page.url
    assert "q=Stoltenberg" in url and "outlet=Press" in url
    ctx, other = new_page(browser)   # another person, who was sent the link
    try:
        other.goto(url)
        wait_ready(other)
        assert urlparse(other.url).path == "/entities"
        assert n_articles(other) == seen
        expect(other.get_by_label("Search the text")).to_have_value("Stoltenberg", timeout=10_000)
    finally:
        ctx.close()


def test_export_all_charts_gives_the_view_in_a_zip(dashboard, page):
    page.goto(f"{dashboard}/?outlet=Press+TV&outlet=Khaama+Press")
    wait_ready(page)
    assert count(page) == (2, 5)
    with page.expect_download(timeout=180_000) as info:
        page.get_by_role("button", name=re.compile("Export all charts of this page")).click()
    archive = zipfile.ZipFile(info.value.path())
    filters = archive.read("filters.txt").decode()
    assert "articles: 2 of 5" in filters.splitlines()
    assert "outlets: Press TV, Khaama Press" in filters.splitlines()
    for line in n_articles(page).split(" · ")[1:]:   # what the page says is filtered is in filters.txt
        assert line in filters
    outlets = list(csv.DictReader(io.StringIO(archive.read("articles_per_outlet.csv").decode())))
    assert sorted((r["outlet"], r["articles"]) for r in outlets) == [("Khaama Press", "1"), ("Press TV", "1")]
    months = list(csv.DictReader(io.StringIO(archive.read("articles_per_month.csv").decode())))
    assert [(r["month"], r["outlet"], r["articles"]) for r in months] == [("2021-08", "Press TV", "1")]
    assert {"articles_per_outlet.png", "articles_per_outlet.svg", "articles_per_outlet.html"} <= set(archive.namelist())
