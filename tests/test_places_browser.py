"""The seeds' place map, exported as standalone HTML the way the dashboard exports it,
drawn in headless Chromium with every non-local request aborted: the countries and
the bubbles are there, and no request tried to leave the machine."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NEWS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOT = Path("/tmp/places_map_offline.png")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def seed_figures(tmp_path_factory):
    from analysis.export import html_bytes
    from analysis.figures.maps import countries_figure, places_map_figure
    from analysis.views.places import bubbles_table, countries_table
    from analysis.build.pipeline import build
    from analysis.entities.gazetteer import gazetteer
    from analysis.entities.places import place_mentions, places_for_store
    from tests.conftest import SEEDS

    store = build([str(SEEDS)], store_dir=tmp_path_factory.mktemp("places-browser"), progress=False).store
    places, mentions = places_for_store(store)
    pm = place_mentions(places, mentions, store.read("articles", columns=["id", "source", "month"]))
    bubbles = bubbles_table(pm, "source")
    out = tmp_path_factory.mktemp("html")
    pages = {"map": places_map_figure(bubbles), "countries": countries_figure(countries_table(pm, gazetteer()[2]))}
    for name, fig in pages.items():
        (out / f"{name}.html").write_bytes(html_bytes(fig, title=name))
    return out, bubbles


def open_offline(browser, html: Path, screenshot: Path | None = None) -> dict:
    ctx = browser.new_context(viewport={"width": 1200, "height": 640})
    try:
        page = ctx.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        page.goto(html.as_uri())
        page.wait_for_selector("g.geo g.trace.scattergeo", timeout=20_000)
        page.wait_for_timeout(800)
        counts = page.evaluate("""() => {
            const traces = [...document.querySelectorAll('g.geo g.trace.scattergeo')];
            const outline = traces[0].querySelector('path.js-line');
            const box = outline.getBBox(), geo = document.querySelector('g.geo').getBBox();
            return {rings: (outline.getAttribute('d').match(/M/g) || []).length,
                    outline_width: box.width / geo.width,
                    country_paths: traces.filter(t => t.querySelector('path.js-line')).length,
                    filled_rings: traces.slice(1).map(t => t.querySelector('path.js-line'))
                        .filter(p => p).map(p => (p.getAttribute('d').match(/M/g) || []).length)
                        .reduce((a, b) => a + b, 0),
                    points: document.querySelectorAll('g.geo path.point').length};
        }""")
        if screenshot:
            page.screenshot(path=str(screenshot))
    finally:
        ctx.close()
    return {**counts, "outside": [u for u in requests if not u.startswith(("file:", "data:"))], "errors": errors}


def test_the_seed_map_draws_offline(browser, seed_figures):
    out, bubbles = seed_figures
    got = open_offline(browser, out / "map.html", SHOT)
    assert got["outside"] == [] and got["errors"] == []
    assert got["rings"] >= 177          # every country outline of the shipped GeoJSON is drawn
    assert got["outline_width"] > 0.9   # ... across the whole width of the map
    assert got["points"] == len(bubbles)  # one bubble per place and outlet
    assert {"Kabul", "Kandahar", "Herat", "Lashkar Gah", "Doha", "Brussels"} <= set(bubbles["entity"])
    assert SHOT.stat().st_size > 20_000


def test_the_country_map_draws_offline(browser, seed_figures):
    out, _ = seed_figures
    got = open_offline(browser, out / "countries.html", Path("/tmp/places_countries_offline.png"))
    assert got["outside"] == [] and got["errors"] == []
    # the base map plus the filled outlines of the mentioned countries (AF, US, QA, BE, ...),
    # countries of the same shade in one trace (24 shades)
    assert got["country_paths"] >= 1 + 2 and got["rings"] >= 177 and got["filled_rings"] >= 10
