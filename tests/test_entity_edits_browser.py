"""The edit-undo cycle on the Entities page, in the running dashboard (headless Chromium):
a merge goes into aliases.csv beside the corpus and into the store; undo takes it out."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.build.store import Store
from tests.browser_util import running_dashboard, wait_ready
from tests.conftest import SEEDS

pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, corpus)
    data = tmp_path_factory.mktemp("data")
    env = {"NEWS_DATA": str(data), "NEWS_CORPUS": str(corpus)}
    with running_dashboard(env, timeout=240) as url:
        yield url, corpus, data


def store_entities(data: Path) -> set[str]:
    (meta,) = (data / "store").glob("*/meta.json")
    return set(Store(meta.parent).read("entities")["name"])


def stale_tables(data: Path) -> set[str]:
    (meta,) = (data / "store").glob("*/meta.json")
    return set(Store(meta.parent).meta().get("stale") or {})


def choose(page, name: str) -> None:
    """Pick a name in the form's entity box; again if a rerun of the page swallowed the keys
    (a slow machine), until the box shows it as chosen."""
    box = page.locator("[data-testid='stForm'] [data-testid='stMultiSelect']")
    for _ in range(3):
        box.click()
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        try:
            box.filter(has_text=name).wait_for(timeout=20_000)   # a chosen name is shown as text
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: try once more
            page.wait_for_timeout(1000)
    raise AssertionError(f"could not choose {name!r} in the entity box")


def test_merge_then_undo_on_the_entities_page(dashboard, browser):
    url, corpus, data = dashboard
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{url}/entities")
    wait_ready(page)
    page.get_by_role("button", name="Apply the change").wait_for(timeout=120_000)
    assert {"Kabul", "Kandahar"} <= store_entities(data)

    choose(page, "Kabul")
    choose(page, "Kandahar")
    page.get_by_role("button", name="Apply the change").click()
    page.get_by_text("Saved merge,Kandahar,Kabul").wait_for(timeout=240_000)
    assert (corpus / "aliases.csv").read_text() == "action,name,target\nmerge,Kandahar,Kabul\n"
    assert "Kandahar" not in store_entities(data) and "Kabul" in store_entities(data)

    wait_ready(page)
    page.get_by_role("button", name="Undo the last change").click()
    page.get_by_text("Undid merge,Kandahar,Kabul").wait_for(timeout=240_000)
    assert (corpus / "aliases.csv").read_text() == "action,name,target\n"
    assert {"Kabul", "Kandahar"} <= store_entities(data)
    # the analyses the edits did not run again say so, until refreshed
    page.get_by_text("Not up to date: entity_clusters").wait_for(timeout=60_000)
    assert stale_tables(data) >= {"entity_clusters", "places", "stories", "quotes"}
    wait_ready(page)
    page.get_by_role("button", name="Refresh the analyses the edits left stale").click()
    page.get_by_text("The stale analyses were made again").wait_for(timeout=240_000)
    assert stale_tables(data) == set()
    wait_ready(page)
    page.get_by_text("Not up to date").first.wait_for(state="detached", timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
