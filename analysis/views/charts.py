"""What every page's charts share: a ``View`` (a corpus plus a filter state), the
``Chart`` / ``Missing`` records a page lays out, and the counts several pages draw
(articles per outlet and month, the entity ranking, topic sizes).

Each page has its module here (views/overview.py, entities.py, topics.py, ...) that turns a
View into that page's charts; ``analysis.export.export_view`` writes the same charts to files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.figures import base as F
from analysis.views.corpus import Corpus
from analysis.views.tables import outlet_order
from analysis.views.filters import UNKNOWN, Filters, selection_mask


@dataclass
class Chart:
    key: str                      # file name and widget key
    figure: go.Figure
    table: pd.DataFrame           # the data behind the chart (its CSV)
    select: str | None = None     # the filter a click sets: outlet, entity, topic, month


@dataclass
class Missing:
    key: str
    message: str                  # why the chart is not there (shown with st.info)


@dataclass
class View:
    corpus: Corpus
    filters: Filters = field(default_factory=Filters)

    @cached_property
    def mask(self) -> np.ndarray:
        return selection_mask(self.corpus.index, self.filters)

    @cached_property
    def ids(self) -> list[str]:
        return self.corpus.articles["id"].to_numpy()[self.mask].tolist()

    @cached_property
    def selected(self) -> pd.DataFrame:
        return self.corpus.articles[self.mask]

    @cached_property
    def colors(self) -> dict[str, str]:
        return F.outlet_colors(outlet_order(self.corpus.articles))

    @cached_property
    def entity_ranking(self) -> pd.DataFrame:
        return entity_ranking(self)

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """Per-article entity counts of the selection (entity types applied)."""
        ae = self.corpus.article_entities
        ae = ae[self.mask[ae["art"].to_numpy()]]
        if self.filters.entity_types:
            ae = ae[ae["type"].isin(list(self.filters.entity_types))]
        return ae


NOT_YET = "not computed for this corpus yet"


def outlet_counts(view: View, top: int = 30) -> pd.DataFrame:
    counts = view.selected["outlet"].value_counts().rename_axis("outlet").reset_index(name="articles")
    return counts.sort_values(["articles", "outlet"], ascending=[False, True]).head(top)


def month_counts(view: View, value: str = "articles") -> pd.DataFrame:
    sel = view.selected.dropna(subset=["month"])
    return sel.groupby(["month", "outlet"]).size().reset_index(name=value)


def shown_outlets(view: View, n: int, counts: pd.Series | None = None, *, known_only: bool = False) -> list[str]:
    """The outlets a comparison shows: those in the outlet filter, else the n biggest by
    `counts` (outlet -> number; default: the selected articles per outlet), ties by name.
    known_only: the unknown outlet is not an outlet to compare."""
    if view.filters.outlets:
        return [o for o in view.filters.outlets if not (known_only and o == UNKNOWN)]
    counts = view.selected["outlet"].value_counts() if counts is None else counts
    if known_only:
        counts = counts[counts.index != UNKNOWN]
    return counts.sort_index().sort_values(ascending=False, kind="stable").index[:n].tolist()


def top_entities(view: View, n: int = 25) -> pd.DataFrame:
    """The n most mentioned entities of the selection (entity_id, entity, type, mentions, articles)."""
    return view.entity_ranking.head(n).reset_index(drop=True)


RANKED = 1_000   # the ranking keeps the first 1,000 entities (the pages show at most 200)


def entity_ranking(view: View) -> pd.DataFrame:
    """The RANKED most mentioned entities of the selection (entity types applied): entity_id,
    entity, type, mentions, articles; most mentioned first, ties by name, then entity_id. Counted with
    bincount and ordered with one lexsort over prepared name ranks (Corpus.entity_arrays):
    a merge with the entity table and a sort on names cost a tenth of a page at 37k."""
    ae = view.mentions
    if ae.empty:
        return pd.DataFrame(columns=["entity_id", "entity", "type", "mentions", "articles"])
    ids = ae["entity_id"].to_numpy()
    mentions = np.bincount(ids, weights=ae["n"].to_numpy()).astype(np.int64)
    articles = np.bincount(ids)
    present = np.flatnonzero(articles)
    arrays = view.corpus.entity_arrays
    present = present[present < len(arrays["known"])]
    present = present[arrays["known"][present]]
    if len(present) > RANKED:   # only the entities that can be among the first RANKED (ties kept)
        floor = np.partition(mentions[present], len(present) - RANKED)[len(present) - RANKED]
        present = present[mentions[present] >= floor]
    order = np.lexsort((present, arrays["rank"][present], -mentions[present]))
    top = present[order][:RANKED]
    return pd.DataFrame({"entity_id": top, "entity": arrays["name"][top], "type": arrays["type"][top],
                         "mentions": mentions[top], "articles": articles[top]})


def topic_sizes(view: View, level: str = "articles") -> pd.DataFrame | None:
    """topic, label, size over the selected articles (None when topics are not computed)."""
    topics = view.corpus.table(f"topics_{level}")
    if topics is None or view.corpus.article_topics is None:
        return None
    at = view.corpus.article_topics
    sizes = at[view.mask[at["art"].to_numpy()]].groupby("topic").size().rename("size")
    df = topics[["topic", "label"]].merge(sizes, left_on="topic", right_index=True)
    return df.sort_values(["size", "topic"], ascending=[False, True]).reset_index(drop=True)
