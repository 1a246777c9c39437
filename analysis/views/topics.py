"""Topic figures and the Topics page's charts (the topic tables come from analysis.topics)."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.figures import base as F
from analysis import config
from analysis.views.tables import plain_strings
from analysis.views.charts import NOT_YET, Chart, Missing, View, topic_sizes

MAX_POINTS = 20_000   # the most the map draws, even when asked for every point
# points the map draws by default: a sample, each topic in proportion (its CSV has them all)
DRAW_POINTS = config.env_int("NEWS_MAP_POINTS", 3_000)
# up to this many points the map is SVG, above it WebGL: in headless Chromium without a GPU,
# 3,000 points drew in 0.35 s as SVG and 0.57-0.78 s as WebGL, 20,000 in 1.1 s and 0.8 s
WEBGL_FROM = 5_000


def doc_map_figure(points: pd.DataFrame, *, title: str = "Map of the articles") -> go.Figure:
    """Scatter of points (x, y, topic, label, title, outlet), one colour per topic (WebGL
    from WEBGL_FROM points)."""
    kind = "scattergl" if len(points) >= WEBGL_FROM else "scatter"
    traces = []
    for (topic, label), part in points.groupby(["topic", "label"], sort=True):
        # arrays, not lists: the figure's copy of 20,000 points is then a memory copy
        custom = np.empty((len(part), 3), dtype=object)
        custom[:, 0] = [int(t) for t in part["topic"]]
        custom[:, 1] = [F.short(ti, 90) for ti in part["title"]]
        custom[:, 2] = [F.esc(o) for o in part["outlet"]]
        traces.append({"type": kind, "mode": "markers", "x": part["x"].to_numpy(dtype=float),
                       "y": part["y"].to_numpy(dtype=float),
                       "name": F.short(f"{topic}: {label}", 40), "customdata": custom,
                       "marker": {"size": 6, "color": F.topic_color(topic), "opacity": 0.75},
                       "hovertemplate": "%{customdata[1]}<br>%{customdata[2]}<extra>topic %{customdata[0]}</extra>"})
    return F.figure(traces, F.layout(title, x="first axis of the topic space", y="second axis", height=560,
                                     legend="topic", xaxis={"showticklabels": False, "zeroline": False},
                                     yaxis={"showticklabels": False, "zeroline": False}))


def topic_timeline_figure(df: pd.DataFrame, labels: dict, *, title: str = "Topics over time",
                          value: str = "articles") -> go.Figure:
    """Stacked bars: df has month, topic and the value column (articles or passages)."""
    bars = [{"type": "bar", "x": [m + "-15" for m in part["month"]], "y": part[value].tolist(),
             "width": F.MONTH_MS, "name": F.short(f"{topic}: {labels.get(topic, '')}", 40),
             "marker": {"color": F.topic_color(topic)}, "customdata": [[int(topic)]] * len(part),
             "hovertemplate": F.esc(labels.get(topic, "")) + "<br>%{x|%B %Y}: %{y} " + value + "<extra></extra>"}
            for topic, part in df.groupby("topic", sort=True)]
    return F.figure(bars, F.layout(title, x="month", y=value, legend="topic", barmode="stack",
                                   vmax=F._max(df.groupby("month")[value].sum()),
                                   xaxis={"type": "date", "tickformat": "%b %Y",
                                          "range": F.month_range(df, value)}))


LEVELS = ("articles", "passages")


def default_level(view: View) -> str:
    """Passages when the articles are too few to form two topics (the seeds), else articles."""
    arts = view.corpus.table("topics_articles")
    if view.corpus.has_passage_topics() and (arts is None or len(arts) < 2):
        return "passages"
    return "articles"


def _units(view: View, level: str) -> pd.DataFrame | None:
    """(art, topic) rows of the selected articles: one per article or one per passage."""
    at = view.corpus.article_topics if level == "articles" else view.corpus.passage_topics
    if at is None:
        return None
    return at[view.mask[at["art"].to_numpy()]]


def level_sizes(view: View, level: str) -> pd.DataFrame | None:
    """topic, label, size (articles or passages of the selection), largest first."""
    if level == "articles":
        return topic_sizes(view)
    topics, units = view.corpus.table("topics_passages"), _units(view, level)
    if topics is None or units is None:
        return None
    sizes = units.groupby("topic").size().rename("size")
    df = topics[["topic", "label"]].merge(sizes, left_on="topic", right_index=True)
    return df.sort_values(["size", "topic"], ascending=[False, True]).reset_index(drop=True)


def map_points(view: View, level: str = "articles") -> pd.DataFrame | None:
    """x, y, topic, label, title, outlet of the selected articles (or their passages)."""
    prepared = view.corpus.prepared(("map_points", level), lambda corpus: _all_points(View(corpus), level))
    if prepared is None:
        return None
    pts, pos = prepared
    return pts[view.mask[pos]].reset_index(drop=True)


def drawn_points(pts: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most about ``limit`` of the points, each topic in proportion to its size (at least
    one point each), chosen by a seeded shuffle: the same sample on every run."""
    if len(pts) <= limit:
        return pts
    order = np.random.default_rng(0).permutation(len(pts))
    topic = pts["topic"].to_numpy()[order]
    sizes = pd.Series(topic).value_counts()
    quota = np.maximum(1, np.floor(limit * sizes / len(pts))).astype(int)
    rank = pd.Series(topic).groupby(topic).cumcount().to_numpy()
    keep = order[rank < quota.reindex(topic).to_numpy()]
    return pts.iloc[np.sort(keep)].reset_index(drop=True)


def _all_points(view: View, level: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The map's points of every article (and their article positions): made once per corpus."""
    dm = _doc_map(view.corpus, level)
    if dm is None or not {"article_id", "x", "y"} <= set(dm.columns):
        return None
    arts = view.corpus.articles
    pos = view.corpus.pos.reindex(dm["article_id"]).to_numpy()
    ok = ~np.isnan(pos.astype(float))
    dm, pos = dm[ok], pos[ok].astype(int)
    topics = _topic_of(view, dm, level, pos)
    if topics is None:
        return None
    labels = dict(zip(*_labels(view, level)))
    pts = pd.DataFrame({"article_id": dm["article_id"].to_numpy(), "x": dm["x"].to_numpy(), "y": dm["y"].to_numpy(),
                        "topic": topics, "title": arts["title"].fillna(arts["file"]).to_numpy()[pos],
                        "outlet": arts["outlet"].to_numpy()[pos]})
    pts["label"] = pts["topic"].map(labels).fillna("no topic")
    return plain_strings(pts), pos


def _doc_map(corpus, level: str) -> pd.DataFrame | None:
    """The doc_map rows of one level, in the table's order: the table holds the articles and
    the passages (887,000 rows at 37k), so only this level's rows are read (DuckDB); a table
    without levels is read whole."""
    if not corpus.path("doc_map").exists():
        return None
    try:
        return corpus.sql(f"SELECT * FROM {corpus.parquet('doc_map')} WHERE level = ?", [level])
    except duckdb.Error:   # no level column (or no readable table): as the table is
        return corpus.table("doc_map")


def _topic_of(view: View, dm: pd.DataFrame, level: str, pos: np.ndarray):
    """The topic of each map row (-1: none); ``pos`` is each row's article position. Passages
    are matched on (article position, passage number) as one int64 key (887,000 rows at 37k:
    a Python loop over tuples took 9 s); a key given twice keeps its last row."""
    if level == "passages":
        pt = view.corpus.table("passage_topics")
        if pt is None:
            return None
        ppos = view.corpus.positions("passage_topics")
        ppass = pt["passage"].fillna(-2).astype(np.int64).to_numpy()
        dpass = dm["passage"].fillna(-1).astype(np.int64).to_numpy()
        width = int(max(ppass.max(initial=0), dpass.max(initial=0))) + 3
        ok = (ppos >= 0) & (ppass >= -1)
        keys = pd.Index(ppos[ok].astype(np.int64) * width + ppass[ok] + 1)
        topics = pt["topic"].to_numpy()[ok]
        last = ~keys.duplicated(keep="last")
        at = keys[last].get_indexer(pos.astype(np.int64) * width + dpass + 1)
        return np.where(at >= 0, topics[last][at], -1)
    at = view.corpus.table("article_topics")
    if at is None:
        return None
    return dm["article_id"].map(dict(zip(at["article_id"], at["topic"]))).fillna(-1).astype(int).to_numpy()


def _labels(view: View, level: str = "articles"):
    t = view.corpus.table(f"topics_{level}")
    return (t["topic"].tolist(), t["label"].tolist()) if t is not None else ([], [])


def topic_outlets(view: View, level: str = "articles", top: int = 15) -> pd.DataFrame:
    at = _units(view, level)
    df = pd.DataFrame({"outlet": view.corpus.articles["outlet"].to_numpy()[at["art"].to_numpy()],
                       "topic": at["topic"].to_numpy()})
    keep = df["outlet"].value_counts().index[:top]
    df = df[df["outlet"].isin(keep)].groupby(["outlet", "topic"]).size().reset_index(name=level)
    df["share"] = df[level] / df.groupby("outlet")[level].transform("sum")
    labels = dict(zip(*_labels(view, level)))
    df["topic_label"] = [f"{t}: {labels.get(t, '')}" for t in df["topic"]]
    order = {o: i for i, o in enumerate(keep)}
    return df.sort_values(["topic", "outlet"], key=lambda s: s.map(order) if s.name == "outlet" else s)


def topic_months(view: View, level: str = "articles") -> pd.DataFrame:
    at = _units(view, level)
    df = pd.DataFrame({"month": view.corpus.articles["month"].to_numpy()[at["art"].to_numpy()],
                       "topic": at["topic"].to_numpy()}).dropna()
    return df.groupby(["month", "topic"]).size().reset_index(name="articles" if level == "articles" else "passages")


def topics_charts(view: View, level: str | None = None, *, draw: int = DRAW_POINTS) -> list[Chart | Missing]:
    """The Topics page at one level: topics of whole articles, or of their passages
    (paragraphs; what five articles have enough of to cluster). The map draws at most
    ``draw`` points (a sample by topic); its table (the CSV) has every selected point."""
    level = level or default_level(view)
    sizes = level_sizes(view, level)
    if sizes is None:
        return [Missing("topics", f"Topics: {NOT_YET}.")]
    unit = level
    select = "topic" if level == "articles" else "ptopic"
    key = "topics" if level == "articles" else "passage_topics"
    out: list[Chart | Missing] = [Chart(key, F.topics_figure(
        sizes, title=f"Topics of the {unit} ({unit} in the selection)", x_title=unit), sizes, select)]
    pts = map_points(view, level)
    shown = None if pts is None else drawn_points(pts, min(draw, MAX_POINTS))
    drawn = "" if pts is None or len(shown) == len(pts) else f" ({len(shown):,} of {len(pts):,} drawn, a sample by topic)"
    out.append(Chart(f"{key}_map", doc_map_figure(shown, title=f"Map of the {unit}{drawn}"), pts, select)
               if pts is not None and len(pts) else Missing("doc_map", f"The map of the {unit}: {NOT_YET}."))
    to = topic_outlets(view, level)
    out.append(Chart(f"{key}_per_outlet", F.heatmap_figure(
        to, x="topic_label", y="outlet", value="share", title=f"Topics per outlet (share of the outlet's {unit})",
        x_title="topic", value_format=".0%"), to, None))
    tm = topic_months(view, level)
    labels = dict(zip(*_labels(view, level)))
    out.append(Chart(f"{key}_over_time", topic_timeline_figure(tm, labels, value=unit), tm, select) if len(tm)
               else Missing("topics_over_time", "No selected article has a known date."))
    return out
