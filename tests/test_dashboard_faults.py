"""The dashboard under faults, in the browser: a malformed manifest line is reported by
its number while the rest of the corpus loads (and a deep link as the server's first
request works); two tabs correct two articles' metadata at the same moment through the
Articles page editor and neither edit is lost (manifest.csv and the rebuilt store); a
half-written store file is detected and rebuilt, and the page says so; uploads are
checked, refused with a reason or saved under data/uploads with a sanitised name."""
from __future__ import annotations

import shutil

import pytest

from analysis import config
from analysis.build.pipeline import ensure_built
from analysis.build.store import Store
from analysis.ingest.sidefiles import read_manifest
from tests.conftest import SEEDS

pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def tabs_dashboard(tmp_path_factory):
    from tests.browser_util import running_dashboard

    corpus = tmp_path_factory.mktemp("tabs") / "seeds"
    shutil.copytree(SEEDS, corpus)
    # a malformed manifest: line 2 has too many cells, line 3 no file; line 4 is good
    (corpus / "manifest.csv").write_text("file,title,source,date,url\n"
                                         "x.txt,a,b,c,d,e,f\n"
                                         ",Nameless,,,\n"
                                         "000_ff3ea87ce5d3a461.txt,,Euronews,,\n", encoding="utf-8")
    ensure_built([str(corpus)], store_dir=config.default_store([str(corpus)]))
    env = {"NEWS_DATA": str(config.data_dir()), "NEWS_CORPUS": str(corpus)}
    with running_dashboard(env, timeout=240) as url:
        yield url, corpus


def open_tab(browser, url):
    from tests.browser_util import wait_ready

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(url)
    wait_ready(page)
    return ctx, page


def test_a_malformed_manifest_names_the_line_and_the_corpus_loads(tabs_dashboard, browser):
    from tests.browser_util import wait_ready

    url, corpus = tabs_dashboard
    ctx, page = open_tab(browser, f"{url}/articles")  # the server's first request is a deep link
    try:
        assert page.locator(".n-of-N").first.inner_text().startswith("5 of 5")  # the corpus loads
        assert page.locator("[data-testid='stException']").count() == 0
        page.goto(url)
        wait_ready(page)
        page.get_by_text("2 file(s) could not be read").first.wait_for(timeout=10_000)  # the table under it
    finally:                                                                          # lists the lines below
        ctx.close()
    store = Store(config.default_store([str(corpus)]))
    errors = {e["file"]: e["error"] for e in store.meta()["errors"]}
    assert "cells, header has" in errors["manifest.csv:2"] and "no 'file' value" in errors["manifest.csv:3"]
    arts = store.read("articles").set_index("file")
    assert len(arts) == 5 and arts.loc["000_ff3ea87ce5d3a461.txt", "source"] == "Euronews"  # the good line applies


def test_two_tabs_editing_at_once_lose_neither_edit(tabs_dashboard, browser):
    from tests.browser_util import wait_ready

    url, corpus = tabs_dashboard
    tabs = [open_tab(browser, f"{url}/articles?outlet={o}") for o in ("Khaama+Press", "Press+TV")]
    try:
        for i, (_, page) in enumerate(tabs):
            title = page.get_by_label("Title")
            title.fill(f"Edited in tab {i + 1}")
            title.press("Tab")
        for _, page in tabs:  # both saves in flight together
            page.get_by_role("button", name="Save correction").click(no_wait_after=True)
        for _, page in tabs:
            page.get_by_text("Saved the correction of").wait_for(timeout=180_000)
            wait_ready(page)
        rows, errors = read_manifest(corpus / "manifest.csv")
        titles = {f: r.get("title") for f, r in rows.items()}
        assert titles["003_3565dd2f8a15d1f4.txt"] == "Edited in tab 1"
        assert titles["004_b6da397dadb063c9.txt"] == "Edited in tab 2"
        assert rows["000_ff3ea87ce5d3a461.txt"]["source"] == "Euronews"  # the other lines are kept
        # the store (and so every tab, after its next run) has both corrections
        for i, (_, page) in enumerate(tabs):
            page.reload()
            wait_ready(page)
            page.locator("h4", has_text=f"Edited in tab {i + 1}").first.wait_for(timeout=60_000)
        arts = Store(config.default_store([str(corpus)])).read("articles").set_index("file")
        assert arts.loc["003_3565dd2f8a15d1f4.txt", "title"] == "Edited in tab 1"
        assert arts.loc["004_b6da397dadb063c9.txt", "title"] == "Edited in tab 2"
        assert (arts.loc[["003_3565dd2f8a15d1f4.txt", "004_b6da397dadb063c9.txt"], "title_how"] == "manifest").all()
    finally:
        for ctx, _ in tabs:
            ctx.close()


def test_a_torn_store_file_is_rebuilt_and_the_page_says_so(tabs_dashboard, browser):
    url, corpus = tabs_dashboard
    store = Store(config.default_store([str(corpus)]))
    meta = (store.root / "meta.json").read_text()
    (store.root / "meta.json").write_text(meta[: len(meta) // 2])  # as a write torn by a crash would leave it
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    try:
        page.goto(url)
        toast = page.wait_for_function(  # a toast (they fade after seconds) names the file and the fix
            "() => [...document.querySelectorAll('[data-testid=stToast]')].map(t => t.innerText)"
            ".find(t => t.includes('rebuilt'))", timeout=180_000, polling=100).json_value()
        assert "meta.json" in toast and "unreadable" in toast, toast
        page.wait_for_function("() => document.querySelector('.n-of-N')?.innerText.startsWith('5 of 5')",
                               timeout=60_000)
        assert store.problems() == []
    finally:
        ctx.close()


def test_uploads_are_checked_sanitised_and_kept_under_data(tabs_dashboard, browser):
    from analysis.build.corpus import uploads_dir
    from analysis.ingest.uploads import safe_filename
    from tests.browser_util import wait_ready

    url, corpus = tabs_dashboard
    hostile = "../../[x](javascript:alert(1)) **b**.txt"
    files = [{"name": hostile, "mimeType": "text/plain",
              "buffer": b"Kabul airport reopens\n\nThe airport in Kabul reopened on Monday, officials said.\n"},
             {"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00binary"},
             {"name": "report.txt", "mimeType": "text/plain", "buffer": b"%PDF-1.7 not text"}]
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(f"{url}/articles")
        wait_ready(page)
        page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(files)
        page.get_by_role("button", name="Analyse the uploaded files").click()
        page.get_by_text("1 new article(s)").first.wait_for(timeout=180_000)
        wait_ready(page)
        alerts = page.locator("[data-testid=stAlert]").all_inner_texts()
        assert any("'tool.exe': not an accepted type" in a for a in alerts), alerts
        assert any("'report.txt': this is a PDF document, not .txt text" in a for a in alerts), alerts
        assert any(f"'{hostile}'" not in a for a in alerts)  # (the saved one is not refused)
        assert page.locator("[data-testid=stMain] a", has_text="x").count() == 0 and dialogs == []
        assert page.locator(".n-of-N").first.inner_text().startswith("6 of 6")
        saved = sorted(p.name for p in uploads_dir([str(corpus)]).iterdir())
        assert saved == [safe_filename(hostile)] == ["x_javascript_alert_1_b.txt"]
        assert not (corpus.parent / "x_javascript_alert_1_b.txt").exists()
    finally:
        ctx.close()
