"""Chart export: PNG and SVG (kaleido, one long-lived Chromium per process), offline
interactive HTML, the data as CSV, and a ZIP of a whole view with its filters.

``export_view`` is what ``python -m analysis export`` runs: the dashboard's charts for a
filter state, written to a folder without a browser session.
"""
from __future__ import annotations

import io
import re
import threading
import warnings
import zipfile
from pathlib import Path

import plotly.graph_objects as go

from analysis.build.store import Store
from analysis.views.charts import Chart, View
from analysis.views.corpus import Corpus
from analysis.views.filters import Filters, describe

FORMATS = ("png", "svg", "html", "csv")
MIME = {"png": "image/png", "svg": "image/svg+xml", "html": "text/html", "csv": "text/csv",
        "zip": "application/zip"}
EXPORT_WIDTH = 1100
_lock = threading.Lock()
_started = False


def start_export_server() -> None:
    """Start kaleido's sync server once per process (it keeps one Chromium open)."""
    global _started
    with _lock:
        if not _started:
            import kaleido

            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
            _started = True


def styled(fig: go.Figure) -> go.Figure:
    """A copy with the export look (the dashboard applies its own theme instead)."""
    return go.Figure(fig).update_layout(template="plotly_white")


def image_bytes(fig: go.Figure, fmt: str, *, width: int = EXPORT_WIDTH) -> bytes:
    """The figure as PNG or SVG, rendered by the shared export server."""
    import kaleido

    start_export_server()
    fig = styled(fig)
    height = fig.layout.height or 500
    opts = {"format": fmt, "width": width, "height": height, "scale": 2 if fmt == "png" else 1}
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kaleido.calc_fig_sync(fig.to_dict(), opts=opts)


def html_bytes(fig: go.Figure, *, title: str = "chart") -> bytes:
    """A self-contained interactive page: plotly.js inlined, works offline."""
    text = styled(fig).to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    head = f"<title>{_html_text(title)}</title>"
    return text.replace("<head>", "<head><meta charset=\"utf-8\" />" + head, 1).encode("utf-8")


def _html_text(s: str) -> str:
    import html

    return html.escape(s)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM)
    gets a leading apostrophe, the usual guard (OWASP 'CSV injection'); numbers and other
    text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table) -> bytes:
    """The chart's data as CSV; corpus text that starts like a formula is defused."""
    import pandas as pd

    out = table.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_string_dtype(s) or s.dtype == object or isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype(object).map(spreadsheet_safe)
    return out.to_csv(index=False).encode("utf-8")


def chart_bytes(chart, fmt: str) -> bytes:
    """One export of a chart (a views.charts.Chart)."""
    if fmt in ("png", "svg"):
        return image_bytes(chart.figure, fmt)
    if fmt == "html":
        return html_bytes(chart.figure, title=chart.key)
    if fmt == "csv":
        return csv_bytes(chart.table)
    raise ValueError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")


def filters_text(filters: Filters, *, n: int, total: int, corpus: str = "", topic_labels=None) -> str:
    lines = [f"corpus: {corpus}"] if corpus else []
    lines.append(f"articles: {n} of {total}")
    lines += describe(filters, topic_labels=topic_labels) or ["no filter: the whole corpus"]
    return "\n".join(lines) + "\n"


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "chart"


def zip_bytes(charts, filters_txt: str, *, formats=FORMATS) -> bytes:
    """Every chart in every format, plus filters.txt, as one ZIP."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("filters.txt", filters_txt)
        for chart in charts:
            for fmt in formats:
                zf.writestr(f"{safe_name(chart.key)}.{fmt}", chart_bytes(chart, fmt))
    return buf.getvalue()


def view_charts(view: View) -> list[Chart]:
    """Every chart of every page for a view (the 'export all' of the command line)."""
    # every page's views (scikit-learn, networkx): the dashboard's first page needs none of them
    from analysis.views.entities import entities_charts, entity_cluster_charts  # lazy: see above
    from analysis.views.overview import overview_charts  # lazy: see above
    from analysis.views.places import places_charts  # lazy: see above
    from analysis.views.sources import sources_charts  # lazy: see above
    from analysis.views.stories import stories_charts  # lazy: see above
    from analysis.views.topics import topics_charts  # lazy: see above

    items = overview_charts(view) + entities_charts(view) + entity_cluster_charts(view)
    items += topics_charts(view, "articles") + topics_charts(view, "passages") + sources_charts(view)
    items += places_charts(view) + stories_charts(view)
    charts, seen = [], set()
    for chart in items:
        if isinstance(chart, Chart) and chart.key not in seen:
            seen.add(chart.key)
            charts.append(chart)
    return charts


def export_view(store: Store, filters: Filters, out_dir: str | Path, *, formats=FORMATS) -> list[Path]:
    """Write every chart of the dashboard for these filters to out_dir; returns the files."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown export format(s) {', '.join(bad)} (use {', '.join(FORMATS)})")
    view = View(Corpus(store), filters)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in view_charts(view):
        for fmt in formats:
            path = out / f"{safe_name(chart.key)}.{fmt}"
            path.write_bytes(chart_bytes(chart, fmt))
            written.append(path)
    txt = out / "filters.txt"
    txt.write_text(filters_text(filters, n=len(view.ids), total=len(view.corpus.articles),
                                corpus=str(store.root.name)), encoding="utf-8")
    return written + [txt]
