"""The dashboard's one filter: the filter state -> the selected article ids.

Plain Python (no streamlit): the state is a frozen dataclass, it round-trips through
URL query parameters, and ``select_articles`` applies it to an ``ArticleIndex``.
When the corpus changes (an upload, a correction, a rebuild), ``follow`` moves the
filter state to what the new corpus offers (``Choices``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from analysis.config import UNKNOWN  # noqa: F401  (re-exported: the outlet option for articles whose outlet is unknown)

@dataclass(frozen=True)
class Filters:
    """What the user selected. Empty tuples mean "all"."""

    outlets: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    include_undated: bool = True
    entity_types: tuple[str, ...] = ()   # narrows entity views, not the articles
    entities: tuple[str, ...] = ()       # articles that mention any of these
    topics: tuple[int, ...] = ()         # articles in any of these topics
    passage_topics: tuple[int, ...] = () # articles with a passage (paragraph) in any of these topics
    text: str = ""                       # case-insensitive substring of title or text
    articles: tuple[str, ...] = ()       # only these article ids (e.g. the ones just uploaded)

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)


@dataclass
class ArticleIndex:
    """What the filter needs, aligned by position with ``articles``.

    articles          -- id, outlet (UNKNOWN filled in), date (datetime64, NaT if unknown)
    article_entities  -- art (int position), entity (name), type, n (mentions)
    article_topics    -- art (int position), topic (int)
    search            -- text -> set of matching article ids (title or text)
    """

    articles: pd.DataFrame
    article_entities: pd.DataFrame | None = None
    article_topics: pd.DataFrame | None = None
    search: Callable[[str], set] | None = None
    passage_topics: pd.DataFrame | Callable | None = None   # art (int position), topic (int); one row per
                                                            # passage (or a function that reads it on first use)
    _positions: dict = field(default_factory=dict, repr=False)


def selection_mask(index: ArticleIndex, f: Filters) -> np.ndarray:
    """A boolean array over index.articles: True where the article is selected."""
    arts = index.articles
    mask = np.ones(len(arts), dtype=bool)
    if f.outlets:
        mask &= arts["outlet"].isin(list(f.outlets)).to_numpy()
    mask &= _date_mask(arts["date"], f)
    if f.entities and index.article_entities is not None:
        ae = index.article_entities
        hit = ae.loc[ae["entity"].isin(list(f.entities)), "art"].to_numpy()
        mask &= _positions_mask(len(arts), hit)
    if f.topics and index.article_topics is not None:
        at = index.article_topics
        hit = at.loc[at["topic"].isin(list(f.topics)), "art"].to_numpy()
        mask &= _positions_mask(len(arts), hit)
    pt = index.passage_topics() if f.passage_topics and callable(index.passage_topics) else index.passage_topics
    if f.passage_topics and pt is not None:
        hit = pt.loc[pt["topic"].isin(list(f.passage_topics)), "art"].to_numpy()
        mask &= _positions_mask(len(arts), hit)
    if f.articles:
        mask &= arts["id"].isin(list(f.articles)).to_numpy()
    if f.text.strip() and index.search is not None:
        ids = index.search(f.text.strip())
        mask &= arts["id"].isin(list(ids)).to_numpy()
    return mask


def select_articles(index: ArticleIndex, f: Filters) -> pd.Index:
    """The ids of the selected articles, in corpus order."""
    return pd.Index(index.articles["id"].to_numpy()[selection_mask(index, f)])


def _positions_mask(n: int, positions: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[positions.astype(int)] = True
    return out


def _date_mask(dates: pd.Series, f: Filters) -> np.ndarray:
    known = dates.notna().to_numpy()
    ok = np.ones(len(dates), dtype=bool)
    if f.start is not None:
        ok &= (dates >= pd.Timestamp(f.start)).to_numpy()
    if f.end is not None:
        ok &= (dates <= pd.Timestamp(f.end)).to_numpy()
    return (known & ok) | (~known & f.include_undated)


def describe(f: Filters, *, topic_labels: dict | None = None, passage_labels: dict | None = None) -> list[str]:
    """The active filters as short lines ("outlets: A, B"); [] when nothing is filtered."""
    out = []
    if f.outlets:
        out.append("outlets: " + ", ".join(f.outlets))
    if f.start or f.end:
        out.append(f"dates: {f.start or '…'} to {f.end or '…'}")
    if not f.include_undated:
        out.append("articles with unknown date excluded")
    if f.entities:
        out.append("mentioning: " + ", ".join(f.entities))
    if f.topics:
        labels = topic_labels or {}
        out.append("topics: " + ", ".join(str(labels.get(t, t)) for t in f.topics))
    if f.passage_topics:
        labels = passage_labels or {}
        out.append("with a passage in topics: " + ", ".join(str(labels.get(t, t)) for t in f.passage_topics))
    if f.text.strip():
        out.append(f"text contains: \"{f.text.strip()}\"")
    if f.entity_types:
        out.append("entity types: " + ", ".join(f.entity_types))
    if f.articles:
        out.append(f"only {len(f.articles)} chosen article(s): " + ", ".join(f.articles[:5])
                   + (", …" if len(f.articles) > 5 else ""))
    return out


# -- URL query parameters ---------------------------------------------------------

def to_params(f: Filters) -> dict[str, list[str] | str]:
    """Query parameters for a filter state (defaults are left out)."""
    p: dict[str, list[str] | str] = {}
    if f.outlets:
        p["outlet"] = list(f.outlets)
    if f.start:
        p["from"] = f.start.isoformat()
    if f.end:
        p["to"] = f.end.isoformat()
    if not f.include_undated:
        p["undated"] = "0"
    if f.entity_types:
        p["etype"] = list(f.entity_types)
    if f.entities:
        p["entity"] = list(f.entities)
    if f.topics:
        p["topic"] = [str(t) for t in f.topics]
    if f.passage_topics:
        p["ptopic"] = [str(t) for t in f.passage_topics]
    if f.text.strip():
        p["q"] = f.text.strip()
    if f.articles:
        p["article"] = list(f.articles)
    return p


def from_params(params: dict) -> Filters:
    """The filter state from query parameters; malformed values are ignored."""
    def many(key):
        v = params.get(key, [])
        return tuple(dict.fromkeys([v] if isinstance(v, str) else list(v)))

    def one(key):
        v = params.get(key)
        return v[-1] if isinstance(v, (list, tuple)) and v else (v or None)

    return Filters(outlets=many("outlet"), start=_date(one("from")), end=_date(one("to")),
                   include_undated=one("undated") != "0", entity_types=many("etype"),
                   entities=many("entity"), topics=tuple(int(t) for t in many("topic") if str(t).lstrip("-").isdigit()),
                   passage_topics=tuple(int(t) for t in many("ptopic") if str(t).lstrip("-").isdigit()),
                   text=one("q") or "", articles=many("article"))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# -- filters that follow the corpus ---------------------------------------------------

@dataclass(frozen=True)
class Choices:
    """What a corpus offers the filters: its date bounds, outlets, entity names and the
    labels of its topics (a topic number means another topic after a refit)."""

    generation: str = ""
    bounds: tuple[dt.date, dt.date] | None = None
    outlets: frozenset = frozenset()
    entities: frozenset = frozenset()
    topics: Mapping[int, str] = field(default_factory=dict, hash=False)
    passage_topics: Mapping[int, str] = field(default_factory=dict, hash=False)


def follow(before: Choices, after: Choices, state: Mapping) -> tuple[dict, list[str]]:
    """The filter state for a changed corpus: (the widget values to change, one note per
    filter dropped). ``state`` holds the sidebar's values by URL key (dates, outlet,
    entity, topic, ptopic). A filter the person did not set follows the corpus: a date
    range end at the old bound moves to the new bound. A filter the person set is kept
    while it still selects something that exists, else dropped with a note."""
    changes: dict = {}
    notes: list[str] = []
    dates = _follow_dates(before.bounds, after.bounds, state.get("dates"), notes)
    if dates is not None:
        changes["dates"] = dates
    kept = _keep(state.get("outlet"), lambda o: o in after.outlets, "outlet", "no article has it now", notes)
    if kept is not None:
        changes["outlet"] = kept
    # a name the person typed that was never in the corpus stays (it is their search)
    kept = _keep(state.get("entity"), lambda e: e in after.entities or e not in before.entities,
                 "entity", "no article mentions it now", notes)
    if kept is not None:
        changes["entity"] = kept
    for key, old, new in (("topic", before.topics, after.topics), ("ptopic", before.passage_topics, after.passage_topics)):
        kept = _keep(state.get(key), lambda t: t in new and new.get(t) == old.get(t, new.get(t)),
                     "topic", "the topics were fitted again", notes, label=lambda t: f"{t}: {old.get(t, '')}")
        if kept is not None:
            changes[key] = kept
    return changes, notes


def _keep(values, ok, what: str, why: str, notes: list[str], *, label=str) -> list | None:
    """The values that still make sense, or None when all do (nothing to change)."""
    values = list(values or [])
    kept = [v for v in values if ok(v)]
    if len(kept) == len(values):
        return None
    for v in values:
        if v not in kept:
            notes.append(f"The {what} filter '{label(v)}' was dropped: {why}.")
    return kept


def _follow_dates(before, after, value, notes: list[str]):
    """The new date range (a tuple), or None to leave the widget alone."""
    if after is None or before is None or not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    start, end = value
    lo, hi = after
    start = lo if start is None or start <= before[0] else start   # at the old bound: not set by the person
    end = hi if end is None or end >= before[1] else end
    if start > hi or end < lo or start > end:
        notes.append(f"The date range {value[0]} to {value[1]} was dropped: the articles now run from {lo} to {hi}.")
        return (lo, hi)
    new = (min(max(start, lo), hi), max(min(end, hi), lo))
    return None if new == tuple(value) else new
