"""The Sources page: how outlets differ (terms, entity shares, copies, tone, quotes).

Each table comes from the analysis (analysis.compare and friends); a table that is not
in the store yet becomes a ``Missing`` note. Columns are read by name, so extra columns
do no harm.
"""
from __future__ import annotations

import copy
import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.figures import base as F
from analysis.views.charts import NOT_YET, Chart, Missing, View, shown_outlets


def terms_figure(df: pd.DataFrame, colors: dict, *, title: str = "Distinctive terms per outlet") -> go.Figure:
    """One panel per outlet: df has source, term, z (top terms first). The panels' layout
    comes from make_subplots (memoised per grid); the bars are dicts in one unvalidated
    construction (add_trace validated each bar: most of the Sources page at 37k)."""
    outlets = list(dict.fromkeys(df["source"]))
    cols = min(2, max(1, len(outlets)))   # two panels a row leave room for the terms of the right one
    rows = -(-len(outlets) // cols)
    lay = copy.deepcopy(_grid(rows, cols, tuple(F.short(o, 30) for o in outlets)))
    lay.update({k: v for k, v in F.layout(title, height=max(320, 300 * rows)).items() if k not in ("xaxis", "yaxis")})
    traces = []
    source, term, z = df["source"].to_numpy(dtype=object), df["term"].to_numpy(dtype=object), df["z"].to_numpy(dtype=float)
    for i, outlet in enumerate(outlets):
        idx = np.flatnonzero(source == outlet)[::-1]
        axis = "" if i == 0 else str(i + 1)
        traces.append({"type": "bar", "x": z[idx].tolist(), "y": [F.short(t, 25) for t in term[idx]], "orientation": "h",
                       "showlegend": False, "marker": {"color": colors.get(outlet, F.OTHER_COLOR)},
                       "hovertemplate": F.esc(outlet) + "<br>%{y}: z = %{x:.1f}<extra></extra>",
                       "xaxis": "x" + axis, "yaxis": "y" + axis})
    return go.Figure({"data": traces, "layout": lay}, _validate=False)


@functools.lru_cache(maxsize=64)
def _grid(rows: int, cols: int, titles: tuple) -> dict:
    """make_subplots' layout for a rows x cols grid of bar panels (axis titles set)."""
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=list(titles) or None,
                        horizontal_spacing=0.3, vertical_spacing=min(0.3 / max(rows, 1), 0.12))
    fig.update_xaxes(title_text="z-score (log-odds)", automargin=True)
    fig.update_yaxes(automargin=True)
    return fig.layout.to_plotly_json()


def distinctive(view: View, top_terms: int = 10, outlets: int = 6) -> pd.DataFrame | None:
    t = view.corpus.table("distinctive_terms")
    if t is None or not {"source", "term", "z"} <= set(t.columns):
        return None
    t = t[t["source"].isin(shown_outlets(view, outlets))]
    t = t.sort_values(["source", "z"], ascending=[True, False]).groupby("source").head(top_terms)
    return t.reset_index(drop=True)


def entity_shares(view: View, entities: int = 20, outlets: int = 15) -> pd.DataFrame | None:
    t = view.corpus.table("entity_shares")
    if t is None or not {"source", "entity", "share"} <= set(t.columns):
        return None
    t = t[t["source"].isin(shown_outlets(view, outlets))]
    if view.filters.entity_types and "type" in t.columns:
        t = t[t["type"].isin(list(view.filters.entity_types))]
    keep = t.groupby("entity")["share"].mean().sort_values(ascending=False).index[:entities]
    return t[t["entity"].isin(keep)].reset_index(drop=True)


def similar_pairs(view: View, threshold: float = 0.5, outlets: int = 15) -> pd.DataFrame | None:
    t = view.corpus.table("similar")
    if t is None or not {"article_id", "other_id", "cosine"} <= set(t.columns):
        return None
    corpus = view.corpus
    rows = (corpus.rows_in("similar", view.mask) & corpus.rows_in("similar", view.mask, "other_id")
            & (t["cosine"].to_numpy() >= threshold))
    df = pd.DataFrame({"outlet": corpus.outlets_at(corpus.positions("similar")[rows]),
                       "other_outlet": corpus.outlets_at(corpus.positions("similar", "other_id")[rows])})
    keep = shown_outlets(view, outlets)
    df = df[df["outlet"].isin(keep) & df["other_outlet"].isin(keep)]
    return df.groupby(["outlet", "other_outlet"]).size().reset_index(name="pairs")


def copies(view: View) -> pd.DataFrame | None:
    t = view.corpus.table("duplicates")
    if t is None or not {"group", "article_id"} <= set(t.columns):
        return None
    rows = view.corpus.rows_in("duplicates", view.mask)
    t = t[rows].assign(outlet=view.corpus.outlets_at(view.corpus.positions("duplicates")[rows]))
    return t.groupby("outlet").size().rename("articles").reset_index().sort_values("articles", ascending=False)


def tone_outlets(view: View, outlets: int = 25) -> pd.DataFrame | None:
    t = view.corpus.table("tone_sources")
    if t is None or "source" not in t.columns:
        return None
    value = "mean_compound" if "mean_compound" in t.columns else next(
        (c for c in t.columns if c != "source" and pd.api.types.is_float_dtype(t[c])), None)
    if value is None:
        return None
    t = t[t["source"].isin(shown_outlets(view, outlets))]
    return t.rename(columns={value: "tone"})[["source", "tone"]].sort_values("tone")


def tone_entities(view: View, entities: int = 15, outlets: int = 12) -> pd.DataFrame | None:
    t = view.corpus.table("tone_entities")
    if t is None or not {"source", "entity", "mean_compound"} <= set(t.columns):
        return None
    t = t[t["source"].isin(shown_outlets(view, outlets))]
    weight = "sentences" if "sentences" in t.columns else "mean_compound"
    keep = t.groupby("entity")[weight].sum().sort_values(ascending=False).index[:entities]
    return t[t["entity"].isin(keep)].reset_index(drop=True)


def quoted(view: View, speakers: int = 15) -> pd.DataFrame | None:
    t = view.corpus.table("quotes")
    if t is None or not {"article_id", "speaker"} <= set(t.columns):
        return None
    rows = view.corpus.rows_in("quotes", view.mask)
    t = t[rows].assign(outlet=view.corpus.outlets_at(view.corpus.positions("quotes")[rows]))
    keep = t["speaker"].value_counts().index[:speakers]
    return t[t["speaker"].isin(keep)].groupby(["speaker", "outlet"]).size().reset_index(name="quotes")


def tone_figure(df: pd.DataFrame, colors: dict, *, title: str = "Tone per outlet (mean VADER compound)") -> go.Figure:
    bar = {"type": "bar", "orientation": "h", "x": df["tone"].astype(float).tolist(), "y": [F.short(s) for s in df["source"]],
           "marker": {"color": [colors.get(s, F.OTHER_COLOR) for s in df["source"]]},
           "customdata": [[s] for s in df["source"]], "text": [F.esc(s) for s in df["source"]], "textposition": "none",
           "hovertemplate": "%{text}<br>tone %{x:.3f}<extra></extra>"}
    return F.figure([bar], F.layout(title, x="mean compound score (-1 negative … +1 positive)",
                                    height=F._hbar_height(len(df))))


def _specs(c: dict) -> list[tuple]:
    """(key, table_of(view), figure_of(table), name, select, section label) of each chart."""
    return [
        ("distinctive_terms", distinctive, lambda d: terms_figure(d, c), "Distinctive terms", None,
         "Distinctive terms per outlet"),
        ("entity_shares", entity_shares, lambda d: F.heatmap_figure(
            d, x="source", y="entity", value="share", title="Share of each outlet's entity mentions",
            value_format=".1%"), "Entity shares", "entity", "Share of each outlet's entity mentions"),
        ("similar_pairs", similar_pairs, lambda d: F.heatmap_figure(
            d, x="other_outlet", y="outlet", value="pairs", title="Similar article pairs between outlets (cosine ≥ 0.5)"),
         "Similar articles", None, "Similar article pairs between outlets (cosine ≥ 0.5)"),
        ("syndicated_copies", copies, lambda d: F.outlets_figure(
            d.rename(columns={"articles": "articles"}), c, title="Articles that are copies of another article"),
         "Syndicated copies", "outlet", "Articles that are copies of another article"),
        ("tone_per_outlet", tone_outlets, lambda d: tone_figure(d, c), "Tone per outlet", "outlet",
         "Tone per outlet (mean VADER compound)"),
        ("tone_per_entity", tone_entities, lambda d: F.heatmap_figure(
            d, x="source", y="entity", value="mean_compound", title="Tone of the sentences that mention an entity",
            colorscale="RdBu", zmid=0.0, value_format=".2f"), "Tone per entity", "entity",
         "Tone of the sentences that mention an entity"),
        ("quoted_speakers", quoted, lambda d: F.entity_outlets_figure(
            d.rename(columns={"speaker": "entity", "quotes": "mentions"}), c, title="Who is quoted, by outlet"),
         "Quotes", "entity", "Who is quoted, by outlet"),
    ]


def source_chart(view: View, key: str) -> Chart | Missing:
    """One chart of the Sources page (its key as in _specs), or the note why it is missing."""
    _, table_of, figure_of, name, select, _ = next(s for s in _specs(view.colors) if s[0] == key)
    table = table_of(view)
    if table is None:
        return Missing(key, f"{name}: {NOT_YET}.")
    if table.empty:
        return Missing(key, f"{name}: nothing for the selected articles.")
    return Chart(key, figure_of(table), table, select)


# (key, section label, builder, its arguments): each chart built on its own (pages build a
# chart whose section is closed only when it is opened)
SOURCES = tuple((s[0], s[5], source_chart, (s[0],)) for s in _specs({}))


def sources_charts(view: View) -> list[Chart | Missing]:
    return [source_chart(view, key) for key, *_ in SOURCES]
