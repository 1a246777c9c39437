"""Figure builders: tidy tables -> plotly figures (no streamlit, no disk).

Every label that comes from the corpus (outlet, entity, title) is HTML-escaped before
it enters a figure, because plotly renders a subset of HTML in labels and hover text.
The raw value travels in ``customdata`` so that a click can filter by it.
"""
from __future__ import annotations

import functools
import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative as q

from analysis.config import UNKNOWN

UNKNOWN_COLOR = "#a0a0a0"
OTHER_COLOR = "#d0d0d0"
PALETTE = list(dict.fromkeys(q.Dark24 + q.Alphabet + q.Light24 + q.Set1 + q.Bold))
TYPE_COLORS = {"PERSON": "#1f77b4", "ORG": "#ff7f0e", "GPE": "#2ca02c", "LOC": "#17becf",
               "NORP": "#9467bd", "FAC": "#8c564b", "EVENT": "#e377c2", "PRODUCT": "#bcbd22",
               "LAW": "#7f7f7f", "WORK_OF_ART": "#d62728", "LANGUAGE": "#aec7e8"}
HOW_COLORS = {"given": "#2ca02c", "manifest": "#1f77b4", "text": "#ff7f0e", "unknown": UNKNOWN_COLOR}
MAX_LABEL = 42
COUNTS = {"articles", "mentions", "size", "quotes", "sentences"}  # axes of whole numbers
BAR_PX = 22
MONTH_MS = 26 * 24 * 3600 * 1000  # a monthly bar, centred on the 15th  # height per bar of a horizontal bar chart


def esc(value) -> str:
    """A corpus value made safe for a plotly label or hover text. Memoised: a page escapes
    the same outlet and entity names thousands of times (the Places animation, 37k articles)."""
    try:
        return _esc(value)
    except TypeError:   # unhashable: escape without the memo
        return _esc.__wrapped__(value)


@functools.lru_cache(maxsize=200_000, typed=True)
def _esc(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def short(value, n: int = MAX_LABEL) -> str:
    """An escaped label cut to n characters (the hover shows it whole). Memoised as esc."""
    try:
        return _short(value, n)
    except TypeError:
        return _short.__wrapped__(value, n)


@functools.lru_cache(maxsize=200_000, typed=True)
def _short(value, n: int) -> str:
    s = "" if value is None else str(value)
    return esc(s if len(s) <= n else s[: n - 1] + "…")


def outlet_colors(outlets_by_size: list[str]) -> dict[str, str]:
    """One colour per outlet, stable for a corpus: by rank in the full corpus."""
    colors, i = {}, 0
    for name in outlets_by_size:
        if name == UNKNOWN:
            colors[name] = UNKNOWN_COLOR
        else:
            colors[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return colors


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, unvalidated: ten times faster than the graph-object
    setters, which matters at one figure per chart per filter change."""
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def layout(title: str, *, x: str = "", y: str = "", height: int = 420, legend: str | None = None,
           vmax: float | None = None, **extra) -> dict:
    """The common layout: title on the left, labelled axes, integer ticks for counts."""
    xa = {"title": {"text": x}, "automargin": True}
    ya = {"title": {"text": y}, "automargin": True}
    for axis, name in ((xa, x), (ya, y)):
        if name in COUNTS:
            axis.update(tickformat=",d", rangemode="tozero")
            if vmax is not None and vmax <= 8:  # few units: one tick per unit, never 0.5
                axis["dtick"] = 1
    out = {"title": {"text": title, "x": 0, "xanchor": "left"}, "height": height,
           "margin": {"l": 10, "r": 10, "t": 60, "b": 40}, "hoverlabel": {"align": "left"},
           "font": {"size": 12}, "xaxis": xa, "yaxis": ya}
    if legend:
        out["legend"] = {"title": {"text": legend}, "orientation": "v", "x": 1.01, "y": 1, "xanchor": "left"}
    for key, value in extra.items():  # xaxis=..., yaxis=... merge into the defaults
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _layout(fig: go.Figure, title: str, **kw) -> go.Figure:
    """Apply the common layout to a figure built elsewhere (subplots)."""
    fig.update_layout(layout(title, **kw))
    return fig


def _hbar_height(n: int) -> int:
    return max(260, min(2000, 110 + BAR_PX * n))


def _list(values) -> list:
    return [v.item() if hasattr(v, "item") else v for v in values]


def _strs(values) -> np.ndarray:
    """Strings as a fixed-width NumPy array (plotly writes it as a list of strings; copying it
    is one memory copy, where a list of strings is copied element by element)."""
    out = np.asarray([str(v) for v in values], dtype=str)
    return out if len(out) else np.zeros(0, dtype="<U1")


def _custom(df: pd.DataFrame, cols: list[str]) -> list:
    """Rows of Python values (no NumPy scalars: plain JSON) for a trace's customdata."""
    columns = [df[c].to_numpy(dtype=object).tolist() for c in cols]   # column by column: no frame copy
    return [list(row) for row in zip(*columns)]


def empty_figure(title: str, message: str) -> go.Figure:
    return figure([], layout(title, height=260, xaxis={"visible": False}, yaxis={"visible": False},
                             annotations=[{"text": esc(message), "showarrow": False, "x": 0.5, "y": 0.5,
                                           "xref": "paper", "yref": "paper"}]))


def outlets_figure(counts: pd.DataFrame, colors: dict[str, str], *, title: str = "Articles per outlet") -> go.Figure:
    """Horizontal bars: counts has columns outlet, articles (largest first)."""
    df = counts.sort_values(["articles", "outlet"], ascending=[True, False])
    bar = {"type": "bar", "orientation": "h", "x": _list(df["articles"]), "y": [short(o) for o in df["outlet"]],
           "marker": {"color": [colors.get(o, OTHER_COLOR) for o in df["outlet"]]},
           "customdata": _custom(df, ["outlet"]), "text": [esc(o) for o in df["outlet"]], "textposition": "none",
           "hovertemplate": "%{text}<br>%{x} articles<extra></extra>"}
    return figure([bar], layout(title, x="articles", height=_hbar_height(len(df)), vmax=_max(df["articles"])))


def _max(values) -> float:
    return float(values.max()) if len(values) else 0.0


def timeline_figure(counts: pd.DataFrame, colors: dict[str, str], *, value: str = "articles",
                    title: str = "Articles per month", top: int = 10) -> go.Figure:
    """Stacked bars per month: counts has month ('YYYY-MM'), outlet and the value column.
    The ``top`` outlets keep their colour; the rest are summed as 'other outlets'."""
    df = _top_or_other(counts, "outlet", value, top)
    # arrays, not lists: the figure's deep copy of them is then a memory copy
    bars = [{"type": "bar", "x": _strs(m + "-15" for m in part["month"]), "y": part[value].to_numpy(),
             "width": MONTH_MS, "name": short(outlet, 30), "marker": {"color": colors.get(outlet, OTHER_COLOR)},
             "customdata": _strs(part["month"]).reshape(-1, 1),
             "hovertemplate": esc(outlet) + "<br>%{x|%B %Y}: %{y} " + value + "<extra></extra>"}
            for outlet, part in df.groupby("outlet", sort=False)]
    return figure(bars, layout(title, x="month", y=value, legend="outlet", barmode="stack",
                               vmax=_max(df.groupby("month")[value].sum()),
                               xaxis={"type": "date", "tickformat": "%b %Y", "range": month_range(counts, value)}))


def month_range(counts: pd.DataFrame, value: str) -> list[str] | None:
    """The x range that holds the middle 99% of the values (a few stray dates, e.g. a
    1990 typo in a 2020 corpus, would squash every bar); None for short spans."""
    by_month = counts.groupby("month")[value].sum().sort_index()
    if by_month.empty:
        return None
    if len(by_month) < 24:   # a short span: pad to at least 7 months, so one month is a bar, not a wall
        first, last = pd.Period(by_month.index[0], "M"), pd.Period(by_month.index[-1], "M")
        pad = max(1, (7 - ((last - first).n + 1) + 1) // 2)
        return [(first - pad).start_time.strftime("%Y-%m-%d"), (last + pad).end_time.strftime("%Y-%m-%d")]
    share = by_month.cumsum() / by_month.sum()
    lo = by_month.index[(share >= 0.005).argmax()]
    hi = by_month.index[(share >= 0.995).argmax()]
    return [f"{lo}-01", pd.Period(hi, "M").end_time.strftime("%Y-%m-%d")]


def _top_or_other(df: pd.DataFrame, key: str, value: str, top: int) -> pd.DataFrame:
    """Keep the ``top`` keys by total value; sum the others into 'other <key>s'."""
    totals = df.groupby(key, observed=True)[value].sum().sort_values(ascending=False)
    keep = list(totals.index[:top])
    other = f"other {key}s"
    df = df.assign(**{key: df[key].astype(object).where(df[key].isin(keep), other)})
    df = df.groupby([c for c in df.columns if c != value], sort=False, observed=True)[value].sum().reset_index()
    order = {k: i for i, k in enumerate(keep + [other])}
    df["_o"] = df[key].map(order)
    return df.sort_values(["_o", "month"] if "month" in df else ["_o"]).drop(columns="_o")


def entities_figure(top: pd.DataFrame, *, title: str = "Most mentioned entities") -> go.Figure:
    """Horizontal bars coloured by type: top has entity, type, mentions, articles."""
    df = top.iloc[::-1]
    bars = [{"type": "bar", "orientation": "h", "x": _list(part["mentions"]), "y": [short(e) for e in part["entity"]],
             "name": esc(etype), "marker": {"color": TYPE_COLORS.get(str(etype), OTHER_COLOR)},
             "customdata": _custom(part, ["entity", "articles"]), "text": [esc(e) for e in part["entity"]],
             "textposition": "none",
             "hovertemplate": "%{text} (" + esc(etype) + ")<br>%{x} mentions in %{customdata[1]} articles<extra></extra>"}
            for etype, part in df.groupby("type", sort=False, observed=True)]
    return figure(bars, layout(title, x="mentions", height=_hbar_height(len(df)), legend="type",
                               vmax=_max(df["mentions"]), barmode="overlay",
                               yaxis={"categoryorder": "array", "categoryarray": [short(e) for e in df["entity"]]}))


def entity_outlets_figure(df: pd.DataFrame, colors: dict[str, str], *, top_outlets: int = 12,
                          title: str = "Mentions per outlet") -> go.Figure:
    """Stacked horizontal bars, one per entity, split by outlet: df has entity, outlet, mentions."""
    data = _top_or_other(df, "outlet", "mentions", top_outlets)
    order = df.groupby("entity", observed=True)["mentions"].sum().sort_values().index.tolist()
    bars = [{"type": "bar", "orientation": "h", "x": part["mentions"].to_numpy(), "y": _strs(short(e) for e in part["entity"]),
             "name": short(outlet, 30), "marker": {"color": colors.get(outlet, OTHER_COLOR)},
             "customdata": _strs(part["entity"]).reshape(-1, 1),
             "hovertemplate": "%{y}<br>" + esc(outlet) + ": %{x} mentions<extra></extra>"}
            for outlet, part in data.groupby("outlet", sort=False)]
    return figure(bars, layout(title, x="mentions", height=_hbar_height(len(order)), legend="outlet", barmode="stack",
                               vmax=_max(df.groupby("entity", observed=True)["mentions"].sum()),
                               yaxis={"categoryorder": "array", "categoryarray": [short(e) for e in order]}))


HOW_TEXT = {"given": "given by a field of the file", "manifest": "from manifest.csv",
            "text": "found in the text", "unknown": "unknown"}


def metadata_figure(state: pd.DataFrame, *, title: str = "Where the metadata comes from") -> go.Figure:
    """Stacked bars: state has field (title/outlet/date), how, articles."""
    bars = [{"type": "bar", "orientation": "h", "y": list(part["field"]), "x": _list(part["articles"]), "name": how,
             "marker": {"color": HOW_COLORS[how]},
             "hovertemplate": "%{y}: %{x} articles " + HOW_TEXT[how] + "<extra></extra>"}
            for how in HOW_TEXT if not (part := state[state["how"] == how]).empty]
    return figure(bars, layout(title, x="articles", height=240, legend="how", barmode="stack",
                               vmax=_max(state.groupby("field")["articles"].sum()),
                               yaxis={"categoryorder": "array", "categoryarray": ["date", "outlet", "title"]}))


def topic_color(topic) -> str:
    return PALETTE[int(topic) % len(PALETTE)] if int(topic) >= 0 else OTHER_COLOR


def topics_figure(topics: pd.DataFrame, *, title: str = "Topics", x_title: str = "articles") -> go.Figure:
    """Horizontal bars: topics has topic, label, size (largest first)."""
    df = topics.iloc[::-1]
    bar = {"type": "bar", "orientation": "h", "x": _list(df["size"]),
           "y": [short(f"{t}: {lab}", 50) for t, lab in zip(df["topic"], df["label"])],
           "marker": {"color": [topic_color(t) for t in df["topic"]]}, "customdata": _custom(df, ["topic"]),
           "text": [esc(lab) for lab in df["label"]], "textposition": "none",
           "hovertemplate": "%{text}<br>%{x}<extra></extra>"}
    return figure([bar], layout(title, x=x_title, height=_hbar_height(len(df)), vmax=_max(df["size"])))


def heatmap_figure(df: pd.DataFrame, *, x: str, y: str, value: str, title: str, x_title: str = "",
                   y_title: str = "", colorscale: str = "Blues", zmid: float | None = None,
                   value_format: str = ".0f") -> go.Figure:
    """A heatmap of a long table (x, y, value); rows and columns in first-seen order."""
    wide = df.pivot_table(index=y, columns=x, values=value, aggfunc="sum", sort=False, observed=True)
    z = [[None if pd.isna(v) else float(v) for v in row] for row in wide.to_numpy()]
    if colorscale == "Blues":   # plotly.js's own "Blues" runs dark to light: use light (low) to dark (high)
        import plotly.colors

        colorscale = plotly.colors.sequential.Blues
    trace = {"type": "heatmap", "z": z, "x": [short(c, 30) for c in wide.columns], "y": [short(r, 40) for r in wide.index],
             "colorscale": colorscale, "hoverongaps": False, "colorbar": {"title": {"text": esc(value)}},
             "hovertemplate": "%{y} / %{x}<br>" + esc(value) + ": %{z:" + value_format + "}<extra></extra>"}
    if zmid is not None:
        trace["zmid"] = zmid
    return figure([trace], layout(title, x=x_title, y=y_title, height=max(320, min(1600, 160 + 20 * len(wide))),
                                  xaxis={"tickangle": -40, "side": "bottom"}, yaxis={"autorange": "reversed"}))
