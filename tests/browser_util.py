"""Run the dashboard in a subprocess and drive it with Playwright in Debian's chromium.
Used by tests/test_browser.py and by hand for screenshots:

    .venv/bin/python -m tests.browser_util OUT_DIR [PATH...]
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("NEWS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = ["overview", "entities", "topics", "sources", "places", "stories", "articles"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_dashboard(env: dict[str, str], *, paths: list[str] = (), timeout: float = 180):
    """Start `streamlit run dashboard.py`, wait for /_stcore/health, yield the base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard.py"), "--server.port", str(port),
           "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    if paths:
        cmd += ["--", *paths]
    log = open(Path(tempfile.gettempdir()) / f"news-dashboard-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_healthy(url, proc, timeout):
            raise RuntimeError(f"the dashboard did not start (see {log.name})")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_healthy(url: str, proc, timeout: float) -> bool:
    """Wait for the server's /_stcore/health; False when its process ended or time ran out."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            return False
        time.sleep(0.3)


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_ready(page, timeout: float = 90_000) -> None:
    """Wait until the app has finished running the script (no 'running' status widget)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('.n-of-N') !== null", timeout=timeout)
    page.wait_for_timeout(400)


def open_chart_sections(page, timeout: float = 60_000) -> list[str]:
    """Open, one at a time, every section of the page whose chart is drawn when opened
    (pages/_charts.show) and wait for its chart (or its note, table or first widget); the sections' keys."""
    keys = page.evaluate("() => [...document.querySelectorAll('[data-testid=stMain] [class*=st-key-open_]')]"
                         ".map(e => e.className.match(/st-key-(open_\\S+)/)[1])")
    for key in keys:
        box = page.locator(f"[data-testid=stMain] .st-key-{key}")
        if not box.locator("details[open]").count():
            box.locator("summary").first.click()
        # its chart, its note, or (a section of a table, such as keyword in context) its first widget
        box.locator("[data-testid=stPlotlyChart] .main-svg, [data-testid=stAlert], [data-testid=stDataFrame], "
                    "[data-testid=stTextInput], [data-testid=stSelectbox]").first.wait_for(timeout=timeout)
        wait_ready(page)
    return keys


def n_articles(page) -> str:
    return page.locator(".n-of-N").first.inner_text()


def full_page_screenshot(page, path: Path, width: int = 1440) -> None:
    """Streamlit scrolls inside its main block: grow the viewport to its height first."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stSidebarContent]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 1000})


def screenshots(out: Path, base_url: str, *, query: str = "") -> list[Path]:
    """A full-page screenshot of every page."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as p:
        browser = launch_browser(p)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        for name in PAGES:
            page.goto(f"{base_url}/{'' if name == 'overview' else name}{query}")
            wait_ready(page)
            page.wait_for_timeout(1500)
            path = out / f"{name}.png"
            full_page_screenshot(page, path)
            shots.append(path)
        browser.close()
    return shots


if __name__ == "__main__":
    out_dir, *corpus = sys.argv[1:]
    env = {"NEWS_DATA": os.environ.get("NEWS_DATA", str(REPO / "data"))}
    with running_dashboard(env, paths=corpus, timeout=1800) as url:
        for shot in screenshots(Path(out_dir), url):
            print(shot)
