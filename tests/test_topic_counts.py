"""The one-pass uni+bigram counter against scikit-learn's CountVectorizer, which it replaces
in the topic fit: the same terms and the same counts on texts with the awkward cases."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from analysis.topics.counts import ngram_counts, tokenise
from analysis.topics.vectors import STOP_WORDS, TOKEN_PATTERN, fit_vectors

TEXTS = [
    "The 3rd round: Real_Madrid beat 2-1 the ¾ favourites; x y z, Ünïcödé café.",
    "Real_Madrid fans said the café in Zürich was full; _under scores and a 1990s song.",
    "Das Café, the café and CAFÉ: one word; Ünïcödé again, 42nd street, 42nd street.",
    "",
    "the and of it",                      # stop words only
    "Rescue teams searched the rubble; rescue teams found survivors in the rubble.",
    "Survivors of the earthquake; the rescue teams and survivors of the rubble.",
    "x² and H₂O and ٣abc and abc٣ and straße and STRASSE",
]


def sklearn_counts(texts, **kw):
    v = CountVectorizer(stop_words=sorted(STOP_WORDS), token_pattern=TOKEN_PATTERN, dtype=np.float64, **kw)
    return v.fit_transform(texts).tocsr(), v.get_feature_names_out()


@pytest.mark.parametrize("limits", [dict(ngram_range=(1, 2)), dict(ngram_range=(1, 1)),
                                    dict(ngram_range=(2, 2)), dict(ngram_range=(1, 2), min_df=2),
                                    dict(ngram_range=(1, 2), min_df=2, max_df=0.3)])
def test_same_terms_and_counts_as_countvectorizer(limits):
    want, want_terms = sklearn_counts(TEXTS, **limits)
    got, terms = ngram_counts(tokenise(TEXTS, stop_words=STOP_WORDS), **limits)
    assert terms.tolist() == want_terms.tolist()
    assert got.shape == want.shape and (got != want).nnz == 0


def test_max_features_keeps_the_most_frequent_ties_by_texts_then_term_any_order():
    got, terms = ngram_counts(tokenise(TEXTS, stop_words=STOP_WORDS), max_features=6)
    full, all_terms = sklearn_counts(TEXTS, ngram_range=(1, 2))
    totals = dict(zip(all_terms, np.asarray(full.sum(axis=0)).ravel()))
    texts = dict(zip(all_terms, np.asarray((full > 0).sum(axis=0)).ravel()))
    ranked = sorted(all_terms, key=lambda t: (-totals[t], -texts[t], t))
    assert terms.tolist() == sorted(ranked[:6])
    rev, rev_terms = ngram_counts(tokenise(TEXTS[::-1], stop_words=STOP_WORDS), max_features=6)
    assert rev_terms.tolist() == terms.tolist()
    assert (rev[::-1] != got).nnz == 0


def test_limits_counted_on_the_fit_rows_counts_of_every_row():
    tok = tokenise(TEXTS, stop_words=STOP_WORDS)
    rows = np.array([0, 1, 2])
    got, terms = ngram_counts(tok, min_df=2, fit_rows=rows)
    want, want_terms = sklearn_counts([TEXTS[i] for i in rows], min_df=2)
    assert terms.tolist() == want_terms.tolist()
    assert (got[rows] != want).nnz == 0 and got.shape[0] == len(TEXTS)
    assert got[5].nnz == 0    # rescue teams: not in the fit rows' vocabulary


def test_nothing_left_raises_and_fit_vectors_falls_back():
    with pytest.raises(ValueError):
        ngram_counts(tokenise(["the and of", ""], stop_words=STOP_WORDS))
    vec = fit_vectors(["the and of", ""])
    assert vec.tfidf.shape == (2, 0)
    vec = fit_vectors(TEXTS, n_components=3)
    new = vec.vectorizer.transform(TEXTS)      # the fitted vocabulary counts new texts the same way
    again, _ = ngram_counts(tokenise(TEXTS, stop_words=STOP_WORDS), min_df=1, max_df=1.0)
    assert (new != vec.counts).nnz == 0 and new.shape == vec.counts.shape and again.shape[1] >= new.shape[1]
