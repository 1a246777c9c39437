"""The article texts counted once: the articles x words counts that the distinctive terms
and the article similarity both read. Each tokenised the whole corpus on its own before
(the same stop words and token pattern, unigrams): one pass over the text is saved, and
both tables are exactly what they were (test_compare_words.py compares them)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from analysis.topics.vectors import STOP_WORDS, TOKEN_PATTERN


@dataclass(frozen=True)
class WordCounts:
    """Rows follow the texts given to count_words; columns are the terms, alphabetical."""
    counts: sp.csr_matrix     # float64 word counts
    terms: np.ndarray


def word_vectorizer(dtype=np.float64, **kw) -> CountVectorizer:
    """The project's word counter for whole articles (stop words, letters-first tokens)."""
    return CountVectorizer(stop_words=sorted(STOP_WORDS), token_pattern=TOKEN_PATTERN, dtype=dtype, **kw)


def count_words(texts) -> WordCounts | None:
    """The word counts of the texts (None when no text has a word). Each row's terms are
    in column order (scikit-learn leaves them in the order of its vocabulary dictionary,
    and marks them sorted; sums over a row then depend on it in the last float32 bit)."""
    vectorizer = word_vectorizer()
    try:
        counts = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no word at all
        return None
    counts.has_sorted_indices = False
    counts.sort_indices()
    return WordCounts(counts, vectorizer.get_feature_names_out())


def kept_columns(counts: sp.csr_matrix, *, max_features: int | None = None, max_df: float = 1.0) -> np.ndarray:
    """The columns CountVectorizer(max_features=, max_df=) keeps, in column order: the
    terms in at most max_df of the texts (a share), then the max_features most frequent
    of them, ties broken as scikit-learn breaks them (the same argsort on float32 totals)."""
    n_docs, n_terms = counts.shape
    keep = np.ones(n_terms, dtype=bool)
    if max_df < 1.0:
        keep &= np.bincount(counts.indices, minlength=n_terms) <= max_df * n_docs
    if max_features is not None and keep.sum() > max_features:
        totals = np.asarray(counts.astype(np.float32).sum(axis=0)).ravel()
        top = np.flatnonzero(keep)[(-totals[keep]).argsort()[:max_features]]
        keep = np.zeros(n_terms, dtype=bool)
        keep[top] = True
    return np.flatnonzero(keep)
