"""A hostile corpus: script tags, event-handler attributes, javascript: links, markdown and
HTML injection in titles, outlet names, entity names (through aliases.csv), the manifest
and file names. Nothing from the corpus may run or become markup: not in the dashboard
(every page, the reader, a chart hover), not in the exported HTML charts, not in CSV.

Every payload would set ``window.__pwned`` (or call alert) if it ran; the browser checks
assert the flag is unset, no dialog opened, no request went to the tracker address, no
injected element or attribute exists in the DOM, and the payload is on screen as text.
"""
from __future__ import annotations

import csv
import json
import re

import pytest

from analysis import config
from analysis.build.pipeline import ensure_built

PW = "window.__pwned"
TRACKER = "127.0.0.1:9"
OUTLET_IMG = f"<img src=x onerror=\"{PW}='outlet-img'\">Evil News"
OUTLET_MD = f"**Bold Outlet** [home](javascript:{PW}='outlet-md') ![t](http://{TRACKER}/o.png)"
TITLE_SCRIPT = f"<script>{PW}='json-title'</script>Kabul falls ZQTITLEA"
TITLE_SVG = f"\"><svg/onload={PW}='json-title2'> <b>INJECTED-T</b> ZQTITLEB"
TITLE_FORMULA = '=HYPERLINK("http://evil.example","click") ZQTITLEC'
ENTITY_IMG = f"<img src=x onerror={PW}='entity'>Kabul"
ENTITY_MD = f"**NATO** [x](javascript:{PW}='entity-md')"
MANIFEST_OUTLET = f"<script>{PW}='manifest'</script>Manifest Times"
FILE_NAME = f"<img src=x onerror={PW}='file'>.txt"
BODY = ("NATO ministers met in Kabul on Monday. Joe Biden said the United States would keep its embassy "
        "in Kabul open. The Taliban took control of Herat and Kandahar, officials in Afghanistan said.\n\n"
        "Pakistan and Iran closed their borders. The United Nations called for calm in Kabul.")
TEXT_PAYLOADS = (f"<img src=x onerror=\"{PW}='txt-img'\"> <a href=\"javascript:{PW}='txt-a'\">a link</a> "
                 f"![tracker](http://{TRACKER}/pixel.png) <iframe src=\"javascript:{PW}='iframe'\"></iframe> "
                 f"<b>INJECTED-B</b> [md link](javascript:{PW}='md-link') <svg onload=\"{PW}='svg'\"></svg> "
                 f"<style>body{{display:none}}</style>")


def hostile_corpus(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE_NAME).write_text(
        f"<script>{PW}='txt-title'</script> **Kabul** [click](javascript:{PW}='md-title') ZQTXT\n\n{BODY}\n\n"
        f"{TEXT_PAYLOADS}\n\nPublished: 2021-08-16\n", encoding="utf-8")
    rows = [{"title": TITLE_SCRIPT, "source": OUTLET_IMG, "date": "2021-08-15", "url": f"javascript:{PW}='url'",
             "text": BODY + "\n\n" + TEXT_PAYLOADS},
            {"title": TITLE_SVG, "source": OUTLET_MD, "date": "2021-08-20", "text": BODY.replace("Monday", "Friday")},
            {"title": TITLE_FORMULA, "source": "+cmd|' /C calc'!A0", "date": "2021-09-01",
             "text": "Kabul airport reopened. " + BODY}]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>&lt;script&gt;window.__pwned='html-title'&lt;/script&gt; Kabul ZQHTML</title>"
        f"<meta property=\"og:site_name\" content=\"&lt;img src=x onerror={PW}='og'&gt;\"></head>"
        f"<body><article><h1>&lt;script&gt;{PW}='h1'&lt;/script&gt; Kabul ZQHTML</h1>"
        f"<p>{BODY}</p><script>{PW}='html-script'</script>"
        f"<p>More: &lt;img src=x onerror={PW}='html-img'&gt; and the Taliban in Herat.</p></article></body></html>",
        encoding="utf-8")
    with open(folder / "aliases.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerows([["action", "name", "target"], ["rename", "Kabul", ENTITY_IMG], ["rename", "NATO", ENTITY_MD],
                      ["place", ENTITY_IMG, "@34.5;69.2|AF"]])
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerows([["file", "title", "source", "date", "url"], [FILE_NAME, "", MANIFEST_OUTLET, "", ""]])
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(corpus folder, built store): built once, in this process, where the dashboard finds it."""
    corpus = hostile_corpus(tmp_path_factory.mktemp("hostile") / "corpus")
    store, _ = ensure_built([str(corpus)], store_dir=config.default_store([str(corpus)]))
    return corpus, store


def test_the_payloads_reach_the_store_as_text(hostile):
    _, store = hostile
    arts = store.read("articles")
    assert set(arts["source"]) >= {OUTLET_IMG, OUTLET_MD, MANIFEST_OUTLET}
    assert TITLE_SCRIPT in set(arts["title"]) and FILE_NAME in set(arts["file"])
    names = set(store.read("entities")["name"])
    assert ENTITY_IMG in names and ENTITY_MD in names
    assert not any("html-script" in t for t in arts["text"])  # a page's <script> is never text


# -- figures: what plotly would render ------------------------------------------------

RAW = re.compile(r"<\s*/?\s*(script|img|svg|iframe|a[\s>]|style)|<b>INJECTED", re.I)  # a tag, not its escaped text
RENDERED_KEYS = {"x", "y", "z", "text", "hovertext", "name", "labels", "ids", "parents", "values", "ticktext",
                 "title", "label", "header", "cells", "node", "link", "dimensions", "annotations", "legend",
                 "xaxis", "yaxis", "coloraxis", "colorbar", "geo", "texttemplate", "hovertemplate", "meta",
                 "sliders", "steps", "updatemenus", "buttons", "frames", "layout", "data", "legendgrouptitle"}


def rendered_strings(obj, templates=""):
    """Every string of a figure dict that plotly draws as (pseudo-)HTML: data labels,
    hover and tick text, titles, annotations; customdata only where a template uses it
    (the raw values travel there for the click filters)."""
    if isinstance(obj, dict):
        tpl = templates + str(obj.get("hovertemplate", "")) + str(obj.get("texttemplate", ""))
        for k, v in obj.items():
            if k == "customdata":
                yield from _used_customdata(v, tpl)
            else:
                yield from rendered_strings(v, tpl)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from rendered_strings(v, templates)
    elif isinstance(obj, str):
        yield obj


def _used_customdata(data, tpl: str):
    used = re.findall(r"%\{customdata(?:\[(\d+)\])?", tpl)
    if not used:
        return
    for row in data if isinstance(data, (list, tuple)) else []:
        if "" in used or not isinstance(row, (list, tuple)):
            yield from rendered_strings(row)
        else:
            yield from rendered_strings([row[int(i)] for i in used if int(i) < len(row)])


def all_charts(store):
    from analysis.views.corpus import Corpus
    from analysis.export import view_charts
    from analysis.views.charts import View

    view = View(Corpus(store))
    return view, view_charts(view)   # every page's charts, the Places page's included


def test_no_chart_label_or_hover_carries_raw_markup(hostile):
    _, store = hostile
    _, charts = all_charts(store)
    assert len(charts) >= 5
    seen_payload = False
    for chart in charts:
        fig = chart.figure.to_plotly_json()
        for s in rendered_strings(fig):
            assert not RAW.search(s), f"{chart.key}: raw markup reaches plotly: {s[:200]!r}"
            seen_payload |= "&lt;img src=x onerror" in s
    assert seen_payload  # the hostile names are in the charts, escaped


def test_csv_export_defuses_formulas():
    import pandas as pd

    from analysis.export import csv_bytes

    table = pd.DataFrame({"title": [TITLE_FORMULA, "@SUM(A1)", "-2+3", "plain"], "n": [1, -2, 3, 4]})
    rows = list(csv.reader(csv_bytes(table).decode().splitlines()))
    assert [r[0] for r in rows[1:]] == ["'" + TITLE_FORMULA, "'@SUM(A1)", "'-2+3", "plain"]
    assert [r[1] for r in rows[1:]] == ["1", "-2", "3", "4"]  # numbers untouched


# -- the browser ------------------------------------------------------------------------

CHECK_JS = r"""() => {
  const bad = [];
  const docs = [document, ...[...document.querySelectorAll('iframe')].map(f => { try { return f.contentDocument } catch (e) { return null } }).filter(Boolean)];
  for (const doc of docs) for (const el of doc.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = (a.value || '').replace(/\s/g, '').toLowerCase();
      if (n.startsWith('on')) bad.push(`${el.tagName} has ${n}`);
      if (['href', 'src', 'xlink:href', 'action', 'formaction', 'data'].includes(n) && v.startsWith('javascript:'))
        bad.push(`${el.tagName} ${n}=${a.value}`);
    }
    const src = el.getAttribute('src') || '';
    if (el.tagName === 'IMG' && (src === 'x' || src.includes('127.0.0.1:9'))) bad.push(`injected img ${src}`);
    const figureData = el.tagName === 'SCRIPT' && el.textContent.includes('Plotly.newPlot');  // an export's JSON
    if (!figureData && ['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName) && (el.textContent.includes('__pwned') ||
        (el.getAttribute('src') || '').includes('__pwned'))) bad.push(`injected ${el.tagName}`);
    if (['STRONG', 'EM', 'B', 'A'].includes(el.tagName) && /INJECTED|Bold Outlet|^NATO$|^Kabul$|md link|^home$|^click$|^a link$/.test(el.textContent))
      bad.push(`markup from the corpus: <${el.tagName}>${el.textContent}`);
    if (el.tagName === 'tspan' && /font-weight:\s*bold/.test(el.getAttribute('style') || '') && /INJECTED/.test(el.textContent))
      bad.push(`bold from the corpus in a chart: ${el.textContent}`);
  }
  return {bad, pwned: window.__pwned === undefined ? null : String(window.__pwned)};
}"""


def watch(page):
    """Record dialogs (alert/confirm/prompt) and requests to the tracker address."""
    seen = {"dialogs": [], "requests": []}

    def on_dialog(d):
        seen["dialogs"].append(d.message)
        d.dismiss()
    page.on("dialog", on_dialog)
    page.on("request", lambda r: seen["requests"].append(r.url) if TRACKER in r.url or "__pwned" in r.url else None)
    return seen


def assert_clean(page, seen, where: str) -> None:
    state = page.evaluate(CHECK_JS)
    assert state["pwned"] is None, f"{where}: a payload ran ({state['pwned']})"
    assert seen["dialogs"] == [], f"{where}: a dialog opened: {seen['dialogs']}"
    assert seen["requests"] == [], f"{where}: a request to the tracker: {seen['requests']}"
    assert state["bad"] == [], f"{where}: {state['bad'][:10]}"


def settle(page) -> None:
    """The run finished and every chart on the page is drawn."""
    from tests.browser_util import wait_ready

    wait_ready(page)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
                           ".every(c => c.querySelector('.main-svg'))", timeout=20_000)
    page.wait_for_timeout(300)


def plot_text(page) -> str:
    return page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map(p => p.textContent).join(' ')")


@pytest.fixture(scope="module")
def hostile_dashboard(hostile):
    pytest.importorskip("playwright.sync_api")
    from tests.browser_util import running_dashboard

    corpus, _ = hostile
    env = {"NEWS_DATA": str(config.data_dir()), "NEWS_CORPUS": str(corpus)}
    with running_dashboard(env, timeout=240) as url:
        yield url


def test_nothing_from_the_corpus_runs_in_the_dashboard(hostile_dashboard, browser):
    from tests.browser_util import open_chart_sections

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    seen = watch(page)
    try:
        page.goto(hostile_dashboard)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
        settle(page)
        assert_clean(page, seen, "overview")
        assert "<img src=x onerror=" in plot_text(page)  # outlet names drawn as text in the charts
        # a hover label over each bar of the first chart (hover text is plotly pseudo-HTML too)
        bars = page.locator("[data-testid='stPlotlyChart']").first.locator("g.point path")
        for i in range(min(bars.count(), 4)):
            bars.nth(i).hover(force=True)
            page.wait_for_timeout(150)
            assert_clean(page, seen, f"overview hover {i}")
        hover = page.evaluate("() => [...document.querySelectorAll('.hoverlayer')].map(h => h.textContent).join(' ')")
        assert hover  # the hover label was drawn
        nav = page.locator("[data-testid=stSidebarNav] a")
        names = [t.split()[-1] for t in nav.all_inner_texts()]  # "dashboard\n\nOverview": icon, then name
        assert len(names) >= 5 and "Articles" in names, names
        for i, name in enumerate(names):  # every page, through the sidebar (no reload)
            nav.nth(i).click()
            page.locator("h1", has_text=name).first.wait_for(timeout=60_000)
            settle(page)
            open_chart_sections(page)   # the charts drawn when their section is opened, drawn too
            settle(page)
            assert page.locator("[data-testid='stException']").count() == 0, name
            assert_clean(page, seen, name)
        # the reader, one hostile article at a time (the search narrows the selection to it)
        if names[-1] != "Articles":
            nav.nth(names.index("Articles")).click()
            page.locator("h1", has_text="Articles").first.wait_for(timeout=60_000)
        search = page.get_by_placeholder("word or phrase")
        for token, shown in [("ZQTITLEA", TITLE_SCRIPT), ("ZQTITLEB", TITLE_SVG), ("ZQHTML", "ZQHTML"),
                             ("ZQTXT", "ZQTXT")]:
            search.fill(token)
            search.press("Enter")
            page.wait_for_function("() => document.querySelector('.n-of-N')?.innerText.startsWith('1 of')",
                                   timeout=60_000)
            settle(page)
            page.locator("h4", has_text=token).first.wait_for(timeout=30_000)
            title = page.locator("h4").first.inner_text()
            assert shown in title, (token, title)  # the title as text, tags and all
            body = page.locator("[data-testid='stMain']").inner_text()
            if token in ("ZQTITLEA", "ZQTXT"):
                assert "<img src=x onerror=" in body and "![tracker](http://127.0.0.1:9/pixel.png)" in body
            assert_clean(page, seen, f"reader {token}")
        # (still ZQTXT) the reader's article list shows the file name and outlet as text
        box = page.locator("[data-testid='stSelectbox']").first
        box.click()
        options = page.get_by_role("option")
        options.first.wait_for(timeout=10_000)
        listed = " ".join(options.all_inner_texts())
        assert FILE_NAME in listed and MANIFEST_OUTLET in listed, listed
        assert_clean(page, seen, "article list open")
        page.keyboard.press("Escape")
        assert MANIFEST_OUTLET in page.locator("[data-testid='stMain']").inner_text()
    finally:
        ctx.close()


def test_exported_html_charts_run_nothing(hostile, browser, tmp_path):
    import plotly.graph_objects as go

    from analysis.export import export_view, html_bytes
    from analysis.views.filters import Filters

    _, store = hostile
    files = [p for p in export_view(store, Filters(), tmp_path / "export", formats=("html",)) if p.suffix == ".html"]
    assert len(files) >= 5
    scripts = html_bytes(go.Figure(go.Bar(x=["a"], y=[1])), title="benign").decode().lower().count("<script")
    kinds = {}  # one exported chart per kind of first trace (bar, scatter, heatmap...) goes to the browser
    for path in files:  # the data cannot close its <script> and open another
        text = path.read_text(encoding="utf-8")
        assert text.lower().count("<script") == scripts, path.name
        kind = re.search(r'"type":\s*"(\w+)"', text[text.index("Plotly.newPlot"):])
        if "__pwned" in text:
            kinds.setdefault(kind[1] if kind else "", path)
    files = sorted(kinds.values())
    assert len(files) >= 2, kinds
    ctx = browser.new_context(viewport={"width": 1200, "height": 800})
    page = ctx.new_page()
    seen = watch(page)
    try:
        text = ""
        for path in files:
            page.goto(path.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
            points = page.locator("g.point path, g.trace.bars path")
            if points.count():
                points.first.hover(force=True)
                page.wait_for_timeout(100)
            text += plot_text(page)
            assert_clean(page, seen, path.name)
        assert "<img src=x onerror=" in text  # drawn as text
    finally:
        ctx.close()
