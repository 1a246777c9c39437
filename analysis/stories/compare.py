"""How outlets told the stories (analysis.stories): who covered which story, each
outlet's blind spots, and one story side by side, outlet by outlet.

Pure functions: the stories tables and article tables in, tidy DataFrames out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from analysis.compare.outlets import log_odds, outlets
from analysis.stories.find import key_entities, story_documents
from analysis.topics.vectors import STOP_WORDS, TOKEN_PATTERN

SIDE_COLUMNS = ["source", "article_id", "title", "words", "entities_named", "entities_missing",
                "quotes", "tone", "terms"]
SPOT_COLUMNS = ["source", "story", "outlets", "share"]


def _with_outlets(assignments: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """(article_id, story, source) of the given articles only."""
    docs = outlets(articles[["id", "source"]])[["article_id", "source"]]
    return assignments.astype({"article_id": str}).merge(docs, on="article_id", how="inner")


def coverage_matrix(assignments: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """(story, source, articles): how many of the given articles each outlet has in each story."""
    return coverage_of(_with_outlets(assignments, articles))


def coverage_of(df: pd.DataFrame) -> pd.DataFrame:
    """coverage_matrix of (article_id, story, source) rows already joined."""
    out = df.groupby(["story", "source"]).size().rename("articles").reset_index()
    return out.sort_values(["story", "source"]).reset_index(drop=True)


def blind_spots(assignments: pd.DataFrame, articles: pd.DataFrame, *, min_share: float = 0.5,
                min_outlets: int = 2, outlets_of_interest: list[str] | None = None) -> pd.DataFrame:
    """(source, story, outlets, share): the stories that at least min_share of the outlets
    (and at least min_outlets of them) covered, and this outlet did not. The outlets are
    outlets_of_interest, else every outlet of the given articles."""
    return blind_spots_of(_with_outlets(assignments, articles), min_share=min_share, min_outlets=min_outlets,
                          outlets_of_interest=outlets_of_interest)


def blind_spots_of(df: pd.DataFrame, *, min_share: float = 0.5, min_outlets: int = 2,
                   outlets_of_interest: list[str] | None = None) -> pd.DataFrame:
    """blind_spots of (article_id, story, source) rows already joined."""
    names = sorted(outlets_of_interest) if outlets_of_interest else sorted(df["source"].unique())
    df = df[df["source"].isin(names)]
    if df.empty or not names:
        return pd.DataFrame(columns=SPOT_COLUMNS)
    # story x outlet pairs as numbers (a frozenset per story was most of the Stories page at 37k)
    code = df["source"].map({n: i for i, n in enumerate(names)}).to_numpy().astype(np.int64)
    key = np.unique(df["story"].to_numpy().astype(np.int64) * len(names) + code)
    stories, first, counts = np.unique(key // len(names), return_index=True, return_counts=True)
    who = key % len(names)
    need = max(min_outlets, min_share * len(names))
    rows = []
    for i in np.flatnonzero(counts >= need):
        told = set(who[first[i]:first[i] + counts[i]].tolist())
        rows += [(name, stories[i], int(counts[i]), int(counts[i]) / len(names))
                 for j, name in enumerate(names) if j not in told]
    out = pd.DataFrame(rows, columns=SPOT_COLUMNS)
    return out.sort_values(["source", "outlets", "story"], ascending=[True, False, True]).reset_index(drop=True)


def story_sides(story: int, stories: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                quotes: pd.DataFrame | None = None, tones: pd.DataFrame | None = None, *,
                n_terms: int = 8) -> pd.DataFrame:
    """One row per article of a story, side by side (SIDE_COLUMNS), by outlet. articles
    needs id, source, title, text (only this story's rows are used); entities_named are
    the article's entities (most named first), entities_missing the story's key entities
    it does not name; quotes "speaker: quote"; tone the mean VADER compound of its
    sentences; terms its distinctive words against the story's other articles."""
    row = stories.loc[stories["story"] == story]
    if row.empty:
        return pd.DataFrame(columns=SIDE_COLUMNS)
    ids = {str(a) for a in row["articles"].iat[0]}
    key = [str(e) for e in row["entities"].iat[0]]
    docs = story_documents(articles[articles["id"].astype(str).isin(ids)])
    if docs.empty:
        return pd.DataFrame(columns=SIDE_COLUMNS)
    named = key_entities(mentions, docs["article_id"], top=1000)
    out = docs[["source", "article_id", "title"]].copy()
    out["words"] = docs["text"].str.split().str.len().astype(int)
    out["entities_named"] = named
    out["entities_missing"] = [[e for e in key if e not in set(n)] for n in named]
    out["quotes"] = _quotes(quotes, out["article_id"])
    out["tone"] = _tones(tones, out["article_id"])
    out["terms"] = story_terms(docs, n_terms=n_terms)
    return out.sort_values(["source", "article_id"]).reset_index(drop=True)[SIDE_COLUMNS]


def _quotes(quotes: pd.DataFrame | None, ids: pd.Series) -> list[list[str]]:
    if quotes is None or quotes.empty:
        return [[] for _ in ids]
    q = quotes.astype({"article_id": str})
    q = q[q["article_id"].isin(set(ids))].sort_values(["article_id", "start"])
    by = {a: [f"{s if isinstance(s, str) and s else 'unknown speaker'}: {t}" for s, t in zip(g["speaker"], g["quote"])]
          for a, g in q.groupby("article_id")}
    return [by.get(a, []) for a in ids]


def _tones(tones: pd.DataFrame | None, ids: pd.Series) -> list[float | None]:
    if tones is None or tones.empty:
        return [None for _ in ids]
    t = tones.astype({"article_id": str})
    mean = t[t["article_id"].isin(set(ids))].groupby("article_id")["compound"].mean()
    return [round(float(mean[a]), 4) if a in mean.index else None for a in ids]


def story_terms(docs: pd.DataFrame, *, n_terms: int = 8) -> list[list[str]]:
    """Each document's top words by log-odds z against the other documents of the story
    (its most frequent words when the story has one article)."""
    vec = CountVectorizer(stop_words=sorted(STOP_WORDS), token_pattern=TOKEN_PATTERN)
    try:
        counts = vec.fit_transform(docs["title"] + "\n" + docs["text"]).tocsr().astype(float)
    except ValueError:  # no word left
        return [[] for _ in range(len(docs))]
    counts.sum_duplicates()
    terms = vec.get_feature_names_out()
    score = log_odds(counts)[1] if len(docs) > 1 else counts
    out = []
    for r in range(len(docs)):
        lo, hi = score.indptr[r], score.indptr[r + 1]
        cols, vals = score.indices[lo:hi], score.data[lo:hi]
        order = np.lexsort((terms[cols], -vals))[:n_terms]
        out.append([str(terms[c]) for c in cols[order]])
    return out
