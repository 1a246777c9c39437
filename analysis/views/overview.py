"""The Overview page's charts: articles per outlet and month, top entities, topics, and
where the metadata comes from."""
from __future__ import annotations

import pandas as pd

from analysis.figures import base as F
from analysis.views.charts import NOT_YET, Chart, Missing, View, month_counts, outlet_counts, top_entities
from analysis.views.topics import default_level, level_sizes


def metadata_state(view: View) -> pd.DataFrame:
    sel = view.selected
    parts = [sel[f"{col}_how"].fillna("unknown").value_counts().rename_axis("how").reset_index(name="articles")
             .assign(field=name) for col, name in [("title", "title"), ("source", "outlet"), ("published", "date")]]
    return pd.concat(parts, ignore_index=True)[["field", "how", "articles"]]


def outlets_chart(view: View) -> Chart:
    counts = outlet_counts(view)
    n_out = view.selected["outlet"].nunique()
    title = "Articles per outlet" + (f" (top {len(counts)} of {n_out})" if n_out > len(counts) else "")
    return Chart("articles_per_outlet", F.outlets_figure(counts, view.colors, title=title), counts, "outlet")


def months_chart(view: View) -> Chart | Missing:
    months = month_counts(view)
    undated = int(view.selected["month"].isna().sum())
    title = "Articles per month" + (f" ({undated} with unknown date not shown)" if undated else "")
    return (Chart("articles_per_month", F.timeline_figure(months, view.colors, title=title), months, "month")
            if len(months) else Missing("articles_per_month", "No selected article has a known date."))


def entities_chart(view: View) -> Chart:
    top = top_entities(view, 20)
    return Chart("top_entities", F.entities_figure(top), top, "entity")


def topics_chart(view: View) -> Chart | Missing:
    level = default_level(view)
    topics = level_sizes(view, level)
    return (Chart("topics", F.topics_figure(topics, title=f"Topics of the {level}", x_title=level), topics,
                  "topic" if level == "articles" else "ptopic")
            if topics is not None else Missing("topics", f"Topics: {NOT_YET}."))


def metadata_chart(view: View) -> Chart:
    state = metadata_state(view)
    return Chart("metadata", F.metadata_figure(state), state)


# (key, section label, builder): a page can build each chart on its own, e.g. only when its
# section is opened; the labels are the charts' titles without their counts
OVERVIEW = (("articles_per_outlet", "Articles per outlet", outlets_chart),
            ("articles_per_month", "Articles per month", months_chart),
            ("top_entities", "Most mentioned entities", entities_chart),
            ("topics", "Topics", topics_chart),
            ("metadata", "Where the metadata comes from", metadata_chart))


def overview_charts(view: View) -> list[Chart | Missing]:
    return [build(view) for _, _, build in OVERVIEW]
