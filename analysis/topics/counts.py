"""Uni- and bigram counts of texts in one pass, pruned before any bigram string is made.

What scikit-learn's CountVectorizer(lowercase, token_pattern, stop_words, ngram_range=(1, 2),
min_df, max_df, max_features) keeps, without its vocabulary of every bigram of every text
(a million strings in a dictionary at 2,000 articles, then sorted, then mostly pruned: 4 of
the 8 s that the article topics took). Each text is tokenised once; tokens become integer
ids, a bigram is the pair of its ids (one int64), document frequencies are counted on the
ids, and only the terms that survive the limits become strings. The terms are sorted, as
CountVectorizer's are; max_features keeps the most frequent terms, ties by the number of
texts then by term (CountVectorizer breaks them by an unstable sort), so the vocabulary does
not depend on the order of the texts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from typing import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

CHUNK = 2_000   # texts tokenised at a time: their token strings are turned into ids, then dropped
# TOKEN_PATTERN (vectors.py), r"(?u)\b[^\W\d]\w+\b", matches the maximal runs of two or more
# word characters that do not start with a digit: found here as every run of two or more
# (a simpler pattern, twice as fast), the ones starting with a digit dropped by id.
WORD_RUN = re.compile(r"\w\w+")


@dataclass(frozen=True)
class TokenIds:
    """Every text's tokens (stop words removed) as ids of `words`, end to end."""
    ids: np.ndarray       # int64, the tokens of all texts in text order
    doc: np.ndarray       # int64, the text of each token (non-decreasing)
    words: np.ndarray     # object, the word of each id
    n_docs: int


def tokenise(texts: Iterable[str], *, stop_words: frozenset) -> TokenIds:
    """What CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=...)'s
    analyzer finds, as ids: the texts lowercased, their words, stop words dropped."""
    vocab: dict[str, int] = {}
    ids, lengths = [], []
    batch: list[list[str]] = []

    def flush():
        flat = np.array(list(chain.from_iterable(batch)), dtype=object)
        if len(flat):
            codes, uniques = pd.factorize(flat)
            to_global = np.array([vocab.setdefault(w, len(vocab)) for w in uniques], dtype=np.int64)
            ids.append(to_global[codes])
        lengths.extend(map(len, batch))
        batch.clear()

    for text in texts:
        batch.append([t for t in WORD_RUN.findall((text or "").lower()) if t not in stop_words])
        if len(batch) == CHUNK:
            flush()
    flush()
    words = np.array(list(vocab), dtype=object)
    drop = np.array([w[0].isdecimal() for w in words], dtype=bool)
    all_ids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    doc = np.repeat(np.arange(len(lengths), dtype=np.int64), np.asarray(lengths, dtype=np.int64))
    keep = ~drop[all_ids] if len(words) else np.zeros(0, dtype=bool)
    return TokenIds(all_ids[keep], doc[keep], words, len(lengths))


def _doc_freq(doc: np.ndarray, term: np.ndarray, n_terms: int) -> np.ndarray:
    """In how many texts each term occurs (a sort: numpy's hashed unique is slower here)."""
    pairs = np.sort(doc * n_terms + term)
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    return np.bincount(pairs[first] % n_terms, minlength=n_terms)


def ngram_counts(tok: TokenIds, *, ngram_range: tuple[int, int] = (1, 2), min_df: int = 1,
                 max_df: float = 1.0, max_features: int | None = None,
                 fit_rows: np.ndarray | None = None) -> tuple[sp.csr_matrix, np.ndarray]:
    """(texts x terms counts as float64 CSR, the terms sorted). The limits are counted on
    fit_rows (sorted row numbers; all rows when None): min_df and max_df (a count when an
    int, else a share of those texts, as CountVectorizer reads them), then the max_features
    most frequent; the counts are of every row."""
    lo, hi = ngram_range
    if lo < 1 or hi > 2 or lo > hi:
        raise ValueError(f"ngram_range must be within (1, 2), not {ngram_range}")
    n_words = len(tok.words)
    terms_doc, terms_id = [], []
    if lo == 1:
        terms_doc.append(tok.doc)
        terms_id.append(tok.ids)
    pair_words = np.zeros((0, 2), dtype=np.int64)
    if hi == 2 and len(tok.ids) > 1:
        same = tok.doc[1:] == tok.doc[:-1]
        pair = tok.ids[:-1][same] * max(n_words, 1) + tok.ids[1:][same]
        codes, uniq = pd.factorize(pair)
        pair_words = np.stack([uniq // max(n_words, 1), uniq % max(n_words, 1)], axis=1)
        terms_doc.append(tok.doc[1:][same])
        terms_id.append(codes.astype(np.int64) + (n_words if lo == 1 else 0))
    n_uni = n_words if lo == 1 else 0
    n_terms = n_uni + len(pair_words)
    doc = np.concatenate(terms_doc) if terms_doc else np.zeros(0, np.int64)
    term = np.concatenate(terms_id) if terms_id else np.zeros(0, np.int64)
    del terms_doc, terms_id

    if fit_rows is None:
        fit_doc, fit_term, n_fit = doc, term, tok.n_docs
    else:
        inside = np.zeros(tok.n_docs, dtype=bool)
        inside[fit_rows] = True
        keep = inside[doc]
        fit_doc, fit_term, n_fit = doc[keep], term[keep], len(fit_rows)
    df = _doc_freq(fit_doc, fit_term, max(n_terms, 1))
    tf = np.bincount(fit_term, minlength=n_terms)
    del fit_doc, fit_term
    min_count = min_df if isinstance(min_df, (int, np.integer)) else min_df * n_fit
    max_count = max_df if isinstance(max_df, (int, np.integer)) else max_df * n_fit
    kept = np.flatnonzero((df >= max(min_count, 1)) & (df <= max_count))
    if max_features is not None and len(kept) > max_features:
        names = _names(kept, tok.words, pair_words, n_uni)
        order = np.lexsort((names, -df[kept], -tf[kept]))[:max_features]
        kept = kept[order]
    if len(kept) == 0:
        raise ValueError("no term left: the texts are empty, stop words only, or pruned away")
    names = _names(kept, tok.words, pair_words, n_uni)
    order = np.argsort(names, kind="stable")
    kept, names = kept[order], names[order]
    column = np.full(n_terms, -1, dtype=np.int64)
    column[kept] = np.arange(len(kept))
    col = column[term]
    hit = col >= 0
    counts = sp.csr_matrix((np.ones(int(hit.sum())), (doc[hit], col[hit])),
                           shape=(tok.n_docs, len(kept)), dtype=np.float64)
    counts.sum_duplicates()
    return counts, names


def _names(term_ids: np.ndarray, words: np.ndarray, pair_words: np.ndarray, n_uni: int) -> np.ndarray:
    """The strings of some term ids: a word, or 'first second' for a bigram."""
    out = np.empty(len(term_ids), dtype=object)
    uni = term_ids < n_uni
    out[uni] = words[term_ids[uni]]
    pairs = pair_words[term_ids[~uni] - n_uni]
    out[~uni] = [f"{a} {b}" for a, b in zip(words[pairs[:, 0]], words[pairs[:, 1]])]
    return out.astype(str)
