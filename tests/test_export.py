"""Exports: PNG/SVG through one kaleido server, offline HTML, CSV, the ZIP and export_view."""
import io
import zipfile

import pandas as pd
import pytest

from analysis import export as E
from analysis.figures import base as F
from analysis.views.charts import Chart
from analysis.views.filters import Filters


def chart() -> Chart:
    counts = pd.DataFrame({"outlet": ["Reuters", "</script><script>alert(1)</script>"], "articles": [2, 1]})
    return Chart("articles_per_outlet", F.outlets_figure(counts, {}), counts, "outlet")


def test_html_is_offline_and_escaped():
    html = E.chart_bytes(chart(), "html").decode()
    assert "plotly" in html.lower() and "<script src=" not in html
    assert "<script>alert(1)" not in html


def test_csv_has_the_raw_data():
    assert E.chart_bytes(chart(), "csv").decode().splitlines() == [
        "outlet,articles", "Reuters,2", "</script><script>alert(1)</script>,1"]


def test_png_and_svg_share_one_server():
    c = chart()
    assert E.chart_bytes(c, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in E.chart_bytes(c, "svg")[:200]
    assert E._started


def test_zip_has_every_format_and_the_filters():
    data = E.zip_bytes([chart()], E.filters_text(Filters(outlets=("BBC",)), n=1, total=5), formats=("csv", "html"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["articles_per_outlet.csv", "articles_per_outlet.html", "filters.txt"]
        assert zf.read("filters.txt").decode() == "articles: 1 of 5\noutlets: BBC\n"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        E.chart_bytes(chart(), "gif")


def test_export_view_on_the_seeds(seeds_store, tmp_path):
    files = E.export_view(seeds_store.store, Filters(outlets=("Press TV",)), tmp_path, formats=("svg", "csv"))
    names = {f.name for f in files}
    assert {"articles_per_outlet.svg", "articles_per_outlet.csv", "top_entities.csv", "filters.txt"} <= names
    assert (tmp_path / "articles_per_outlet.csv").read_text().splitlines() == ["outlet,articles", "Press TV,1"]
    assert "articles: 1 of 5" in (tmp_path / "filters.txt").read_text()
