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


def overview_charts(view: View) -> list[Chart | Missing]:
    out: list[Chart | Missing] = []
    counts = outlet_counts(view)
    n_out = view.selected["outlet"].nunique()
    title = "Articles per outlet" + (f" (top {len(counts)} of {n_out})" if n_out > len(counts) else "")
    out.append(Chart("articles_per_outlet", F.outlets_figure(counts, view.colors, title=title), counts, "outlet"))
    months = month_counts(view)
    undated = int(view.selected["month"].isna().sum())
    title = "Articles per month" + (f" ({undated} with unknown date not shown)" if undated else "")
    out.append(Chart("articles_per_month", F.timeline_figure(months, view.colors, title=title), months, "month")
               if len(months) else Missing("articles_per_month", "No selected article has a known date."))
    top = top_entities(view, 20)
    out.append(Chart("top_entities", F.entities_figure(top), top, "entity"))
    level = default_level(view)
    topics = level_sizes(view, level)
    out.append(Chart("topics", F.topics_figure(topics, title=f"Topics of the {level}", x_title=level), topics,
                     "topic" if level == "articles" else "ptopic")
               if topics is not None else Missing("topics", f"Topics: {NOT_YET}."))
    state = metadata_state(view)
    out.append(Chart("metadata", F.metadata_figure(state), state))
    return out
