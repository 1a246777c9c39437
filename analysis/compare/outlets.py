"""Outlet comparison: distinctive terms and entities, entity shares, article
similarity and near-duplicate groups (the same wire story in several outlets).

Pure functions: DataFrames in (only the columns they need), tidy DataFrames out. The
outlet is articles.source; a missing source is the outlet "unknown". Articles are
sorted by id first, so results do not depend on the order of the rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.compare.words import WordCounts, word_vectorizer

UNKNOWN = "unknown"
TERM_COLUMNS = ["source", "term", "count", "log_odds", "z"]
SHARE_COLUMNS = ["source", "entity", "type", "mentions", "share"]


def outlets(articles: pd.DataFrame) -> pd.DataFrame:
    """(article_id, source, text) sorted by id; a missing or blank source is "unknown"."""
    source = articles["source"].astype(object).where(articles["source"].notna(), None)
    source = source.map(lambda s: s.strip() if isinstance(s, str) and s.strip() else UNKNOWN)
    out = pd.DataFrame({"article_id": articles["id"].astype(str).to_numpy(),
                        "source": source.to_numpy()})
    if "text" in articles:   # the string array as it is: through numpy, each call turned every
        # text into a Python string and back into an Arrow string (6 s at 37k articles, 6 calls a build)
        out["text"] = articles["text"].fillna("").astype(str).array
    if out["article_id"].is_monotonic_increasing:   # the store's order: no copy of every text
        return out
    return out.sort_values("article_id", kind="stable").reset_index(drop=True)


def log_odds(counts: sp.csr_matrix, *, prior: float = 0.1) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn
    2008, eq. 22) of each group (row of counts: groups x items) against all the
    other groups, and its z-score. The prior is the whole corpus: alpha_w = prior * y_w
    (so alpha_0 = prior * corpus size). Computed only where the group uses the item
    (the only cells where z can be large), so the result is as sparse as counts."""
    counts = sp.csr_matrix(counts, dtype=np.float64)
    counts.sum_duplicates()
    y_w = np.asarray(counts.sum(axis=0)).ravel()
    alpha_w, alpha_0 = prior * y_w, prior * y_w.sum()
    n_i = np.asarray(counts.sum(axis=1)).ravel()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    cols, y_i = counts.indices, counts.data
    a, y_j = alpha_w[cols], y_w[cols] - y_i
    n_j = y_w.sum() - n_i[rows]
    delta = (np.log((y_i + a) / (n_i[rows] + alpha_0 - y_i - a))
             - np.log((y_j + a) / (n_j + alpha_0 - y_j - a)))
    z = delta / np.sqrt(1.0 / (y_i + a) + 1.0 / (y_j + a))
    structure = (counts.indices, counts.indptr)
    return (sp.csr_matrix((delta, *structure), shape=counts.shape),
            sp.csr_matrix((z, *structure), shape=counts.shape))


def _top_by_group(counts: sp.csr_matrix, groups: np.ndarray, items: np.ndarray, *,
                  item: str, top: int, min_count: int, prior: float) -> pd.DataFrame:
    """The top items of each group by z (ties: item name), as a tidy table."""
    keep = np.asarray(counts.sum(axis=0)).ravel() >= min_count
    counts = sp.csr_matrix(counts[:, keep], dtype=np.float64)
    counts.sum_duplicates()  # sorted indices: log_odds returns the same structure
    items = items[keep]
    delta, z = log_odds(counts, prior=prior)
    frames = []
    for g, name in enumerate(groups):
        lo, hi = counts.indptr[g], counts.indptr[g + 1]
        frames.append(pd.DataFrame({"source": name, item: items[counts.indices[lo:hi]],
                                    "count": counts.data[lo:hi].astype(int),
                                    "log_odds": delta.data[lo:hi], "z": z.data[lo:hi]}))
    columns = ["source", item, "count", "log_odds", "z"]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["source", "z", item], ascending=[True, False, True], kind="stable")
    return table.groupby("source", sort=False).head(top).reset_index(drop=True)[columns]


def _group_rows(labels: pd.Series) -> tuple[np.ndarray, sp.csr_matrix]:
    """Sorted group names and the groups x rows indicator matrix."""
    # factorize, not np.unique(.to_numpy(dtype=str)): a fixed-width unicode array is as
    # wide as the longest name in every row (1.4 GB for the mentions of 10k articles)
    codes, names = pd.factorize(labels.astype(str).to_numpy(dtype=object), sort=True)
    names = np.asarray(names, dtype=object)
    indicator = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                              shape=(len(names), len(codes)))
    return names, indicator


def distinctive_terms(articles: pd.DataFrame, *, top: int = 15, min_count: int = 10,
                      ngram_range: tuple[int, int] = (1, 1), prior: float = 0.1,
                      words: WordCounts | None = None) -> pd.DataFrame:
    """The terms of each outlet against all the others: (source, term, count, log_odds,
    z), the top `top` of each outlet by z. Stop words (English and news boilerplate)
    are removed; terms used fewer than min_count times in the corpus are left out.
    Bigrams with ngram_range=(1, 2) (about 3x slower on a large corpus). words: the
    unigram counts of outlets(articles)'s texts, when already counted (count_words)."""
    docs = outlets(articles)
    if docs.empty or docs["source"].nunique() < 2:
        return pd.DataFrame(columns=TERM_COLUMNS)
    if words is None or ngram_range != (1, 1):
        vectorizer = word_vectorizer(ngram_range=ngram_range)
        try:
            words = WordCounts(vectorizer.fit_transform(docs["text"]), vectorizer.get_feature_names_out())
        except ValueError:  # no word at all
            return pd.DataFrame(columns=TERM_COLUMNS)
    names, indicator = _group_rows(docs["source"])
    return _top_by_group(indicator @ words.counts, names, words.terms,
                         item="term", top=top, min_count=min_count, prior=prior)


def _entity_counts(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """(source, entity, type) of each mention, mentions of unknown articles dropped."""
    docs = outlets(articles[["id", "source"]])   # without the text: no copy of every article
    ments = mentions[["article_id", "entity", "type"]].astype({"article_id": str})
    return ments.merge(docs, on="article_id", how="inner")


def distinctive_entities(mentions: pd.DataFrame, articles: pd.DataFrame, *, top: int = 15,
                         min_count: int = 3, prior: float = 0.1) -> pd.DataFrame:
    """The canonical entities of each outlet against all the others, by mentions:
    (source, entity, count, log_odds, z), the top `top` of each outlet by z."""
    columns = ["source", "entity", "count", "log_odds", "z"]
    ments = _entity_counts(mentions, articles)
    if ments.empty or ments["source"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    names, indicator = _group_rows(ments["source"])
    codes, entities = pd.factorize(ments["entity"].astype(str).to_numpy(dtype=object), sort=True)
    entities = np.asarray(entities, dtype=object)
    one_hot = sp.csr_matrix((np.ones(len(codes)), (np.arange(len(codes)), codes)),
                            shape=(len(codes), len(entities)))
    return _top_by_group(indicator @ one_hot, names, entities, item="entity", top=top,
                         min_count=min_count, prior=prior)


def entity_shares(mentions: pd.DataFrame, articles: pd.DataFrame, *, top: int = 30) -> pd.DataFrame:
    """(source, entity, type, mentions, share): each outlet's most mentioned entities
    and their share of all the entity mentions in that outlet."""
    ments = _entity_counts(mentions, articles)
    if ments.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    table = ments.groupby(["source", "entity", "type"]).size().rename("mentions").reset_index()
    table["share"] = table["mentions"] / table.groupby("source")["mentions"].transform("sum")
    table = table.sort_values(["source", "mentions", "entity"], ascending=[True, False, True])
    return table.groupby("source").head(top).reset_index(drop=True)[SHARE_COLUMNS]
