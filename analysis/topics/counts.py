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
CHUNK_TOKENS = 200_000   # ... or fewer texts when they hold this many tokens (2,000 whole articles:
# 2M token strings, 400 MB at the peak, most of it kept by the allocator after; the ids do not change)
# TOKEN_PATTERN (vectors.py), r"(?u)\b[^\W\d]\w+\b", matches the maximal runs of two or more
# word characters that do not start with a digit: found here as every run of two or more
# (a simpler pattern, twice as fast), the ones starting with a digit dropped by id.
WORD_RUN = re.compile(r"\w\w+")


@dataclass(frozen=True)
class TokenIds:
    """Every text's tokens (stop words removed) as ids of `words`, end to end."""
    ids: np.ndarray       # int32, the tokens of all texts in text order
    doc: np.ndarray       # int32, the text of each token (non-decreasing)
    words: np.ndarray     # object, the word of each id
    n_docs: int


def tokenise(texts: Iterable[str], *, stop_words: frozenset) -> TokenIds:
    """What CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=...)'s
    analyzer finds, as ids: the texts lowercased, their words, stop words dropped. The ids are
    int32 (half the memory of int64: 20M tokens in 37k articles), as are the text numbers."""
    vocab: dict[str, int] = {}
    ids, docs = [], []
    batch: list[list[str]] = []
    n_docs = 0

    def flush():
        nonlocal n_docs
        flat = np.array(list(chain.from_iterable(batch)), dtype=object)
        if len(flat):
            codes, uniques = pd.factorize(flat)
            to_global = np.array([vocab.setdefault(w, len(vocab)) for w in uniques], dtype=np.int32)
            ids.append(to_global[codes])
            lengths = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
            docs.append(np.repeat(np.arange(n_docs, n_docs + len(batch), dtype=np.int32), lengths))
        n_docs += len(batch)
        batch.clear()

    n_tokens = 0
    for text in texts:
        batch.append([t for t in WORD_RUN.findall((text or "").lower()) if t not in stop_words])
        n_tokens += len(batch[-1])
        if len(batch) == CHUNK or n_tokens >= CHUNK_TOKENS:
            flush()
            n_tokens = 0
    flush()
    words = np.array(list(vocab), dtype=object)
    drop = np.array([w[0].isdecimal() for w in words], dtype=bool)
    all_ids = np.concatenate(ids) if ids else np.zeros(0, np.int32)
    doc = np.concatenate(docs) if docs else np.zeros(0, np.int32)
    del ids, docs
    if drop.any():
        keep = ~drop[all_ids]
        all_ids, doc = all_ids[keep], doc[keep]
    return TokenIds(all_ids, doc, words, n_docs)


def _doc_freq(doc: np.ndarray, term: np.ndarray, n_terms: int) -> np.ndarray:
    """In how many texts each term occurs (a sort in place: numpy's hashed unique is slower here)."""
    pairs = doc.astype(np.int64)
    pairs *= n_terms
    pairs += term
    pairs.sort()
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    pairs = pairs[first]
    pairs %= n_terms
    return np.bincount(pairs, minlength=n_terms)


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
    # (text, term id) of the unigrams, then of the bigrams: two parts, never concatenated
    # (the copies of every token's text and term were most of the peak memory of a topic fit)
    parts: list[tuple[np.ndarray, np.ndarray]] = [(tok.doc, tok.ids)] if lo == 1 else []
    pair_words = np.zeros((0, 2), dtype=np.int64)
    if hi == 2 and len(tok.ids) > 1:
        same = tok.doc[1:] == tok.doc[:-1]
        pair = tok.ids[:-1][same].astype(np.int64)
        pair *= max(n_words, 1)
        pair += tok.ids[1:][same]
        codes, uniq = pd.factorize(pair)
        del pair
        pair_words = np.stack([uniq // max(n_words, 1), uniq % max(n_words, 1)], axis=1)
        offset = n_words if lo == 1 else 0
        codes = codes.astype(np.int32 if offset + len(uniq) < 2**31 else np.int64)
        codes += offset
        parts.append((tok.doc[1:][same], codes))
        del same, codes, uniq
    n_uni = n_words if lo == 1 else 0
    n_terms = n_uni + len(pair_words)

    inside = None
    if fit_rows is not None:
        inside = np.zeros(tok.n_docs, dtype=bool)
        inside[fit_rows] = True
    n_fit = tok.n_docs if fit_rows is None else len(fit_rows)
    df = np.zeros(max(n_terms, 1), dtype=np.int64)
    tf = np.zeros(max(n_terms, 1), dtype=np.int64)
    for doc, term in parts:   # the parts' term ids do not overlap: their counts add up
        if inside is not None:
            keep = inside[doc]
            doc, term = doc[keep], term[keep]
            del keep
        df += _doc_freq(doc, term, max(n_terms, 1))
        tf += np.bincount(term, minlength=max(n_terms, 1))
        del doc, term
    df, tf = df[:n_terms], tf[:n_terms]
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
    return _count_matrix(parts, kept, n_terms, tok.n_docs), names


def _count_matrix(parts: list, kept: np.ndarray, n_terms: int, n_docs: int) -> sp.csr_matrix:
    """The texts x kept terms counts (float64 CSR, sorted indices, no duplicate): each kept
    (text, column) occurrence as one int64 key, the keys sorted, each run of equal keys one
    entry. The parts are consumed (popped) as they are read."""
    column = np.full(max(n_terms, 1), -1, dtype=np.int64)
    column[kept] = np.arange(len(kept))
    keys = []
    while parts:
        doc, term = parts.pop(0)
        col = column[term]
        hit = col >= 0
        key = doc[hit].astype(np.int64)
        del doc, term
        key *= len(kept)
        key += col[hit]
        del col, hit
        keys.append(key)
    key = np.concatenate(keys) if len(keys) != 1 else keys[0]
    del keys
    key.sort()
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    del first
    n = np.diff(np.append(starts, len(key))).astype(np.float64)
    key = key[starts]
    del starts
    rows = key // len(kept)
    idx = np.int32 if max(len(key), n_docs, len(kept)) < 2**31 else np.int64
    indptr = np.zeros(n_docs + 1, dtype=idx)
    np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
    del rows
    key %= len(kept)
    counts = sp.csr_matrix((n, key.astype(idx), indptr), shape=(n_docs, len(kept)))
    counts.has_sorted_indices = True
    return counts


def _names(term_ids: np.ndarray, words: np.ndarray, pair_words: np.ndarray, n_uni: int) -> np.ndarray:
    """The strings of some term ids: a word, or 'first second' for a bigram."""
    out = np.empty(len(term_ids), dtype=object)
    uni = term_ids < n_uni
    out[uni] = words[term_ids[uni]]
    pairs = pair_words[term_ids[~uni] - n_uni]
    out[~uni] = [f"{a} {b}" for a, b in zip(words[pairs[:, 0]], words[pairs[:, 1]])]
    return out.astype(str)
