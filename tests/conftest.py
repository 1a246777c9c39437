"""Shared fixtures. Tests write only under a temporary data folder (NEWS_DATA), so a
developer's own store is never touched; the NER cache is shared by the whole session."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_DATA = Path(tempfile.mkdtemp(prefix="news-tests-"))
os.environ.setdefault("NEWS_DATA", str(_DATA))
os.environ.setdefault("NEWS_NER_CACHE", str(_DATA / "cache"))

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory):
    """The seeds analysed once into a real store on disk."""
    from analysis.build import stages as extras
    from analysis.build.pipeline import build

    root = tmp_path_factory.mktemp("seeds-store")
    result = build([str(SEEDS)], store_dir=root, progress=False, extras=extras.run)
    return result


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Create a file of a test corpus."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_DATA, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium (Playwright) for every browser test of the session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.browser_util import launch_browser

    with sync_api.sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page (downloads accepted), closed after the test."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()
