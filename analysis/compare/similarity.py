"""Article similarity and near-duplicate groups (the same wire story in several outlets).

Pure functions: DataFrames in, tidy DataFrames out; articles sorted by id first.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

try:   # scikit-learn >= 1.7: a sparse product written straight into a dense array
    from sklearn.utils.sparsefuncs import sparse_matmul_to_dense
except ImportError:   # older: the same product through a sparse result (slower)
    sparse_matmul_to_dense = None

from analysis.compare.outlets import outlets
from analysis.compare.words import WordCounts, count_words, kept_columns

SIMILARITY_COLUMNS = ["article_id", "other_id", "cosine"]
DUPLICATE_COLUMNS = ["group", "article_id", "source", "similarity"]
# Shingles of ~5 words (32 bytes from a word start): shared only by copies of a text.
# The threshold is the cosine of two articles' binary shingle sets, set by measurement
# on AllSides (37,554 articles): pairs >= 0.7 are copies or versions of one story
# (Reuters in the Guardian or Newsmax, an updated story); 0.5-0.7 are mostly long pages
# of one outlet sharing page furniture; re-written stories on one event are < 0.3.
DUPLICATE_THRESHOLD = 0.7
SHINGLE_BYTES = 32
HASH_P = np.uint64(1_000_003)
HASH_P_INV = np.uint64(pow(1_000_003, -1, 2 ** 64))
WORD_BYTE = np.array([chr(b).isalnum() or b >= 128 for b in range(256)])

def article_similarity(articles: pd.DataFrame, *, top_k: int = 5, min_cosine: float = 0.0,
                       max_features: int = 200_000, max_df: float = 1.0,
                       words: WordCounts | None = None) -> pd.DataFrame:
    """Each article's top_k most similar other articles: (article_id, other_id, cosine)
    on TF-IDF (stop words removed, sublinear tf). Exact nearest neighbours by all the
    pairwise products, in blocks (nearest_neighbours).
    max_df=0.05 is 3x faster but changes a third of the nearest neighbours. words: the
    unigram counts of outlets(articles)'s texts, when already counted (count_words)."""
    docs = outlets(articles)
    if len(docs) < 2:
        return pd.DataFrame(columns=SIMILARITY_COLUMNS)
    tfidf = _similarity_tfidf(docs["text"], words, max_features=max_features, max_df=max_df)
    if tfidf is None:
        return pd.DataFrame(columns=SIMILARITY_COLUMNS)
    k = min(top_k, len(docs) - 1)
    sims, idx = nearest_neighbours(tfidf, k)
    # the cosine as scikit-learn's cosine distance gave it: 1 - (1 - s) in float32
    dist = np.clip(np.float32(1) - sims, 0, 2)
    ids = docs["article_id"].to_numpy()
    table = pd.DataFrame({"article_id": np.repeat(ids, k), "other_id": ids[idx.ravel()],
                          "cosine": (1.0 - dist.ravel()).round(6)})
    table = table[table["cosine"] > min_cosine]
    table = table.sort_values(["article_id", "cosine", "other_id"], ascending=[True, False, True])
    return table.reset_index(drop=True)


def nearest_neighbours(vectors: sp.csr_matrix, k: int, *, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(similarity, row) of each row's k nearest other rows by dot product (cosine: vectors
    are l2-normalised again, as scikit-learn's cosine metric does), most similar first; ties
    go to the lower row. Exact: every pair's product, block by block of rows, but each pair
    once (the product is symmetric: block (i, j) with i <= j serves the rows of both), with
    each block's product written straight into a dense array (37k articles: ~4x less CPU than
    NearestNeighbors(metric="cosine"), which converts the whole matrix and normalises it again
    for every chunk of rows). Memory: one transposed copy of the vectors and a block x block array."""
    vectors = normalize(sp.csr_matrix(vectors, dtype=np.float32))
    n = vectors.shape[0]
    best = np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), n, dtype=np.int64)
    starts = list(range(0, n, block))
    columns = [vectors[lo:lo + block].T.tocsr() for lo in starts]
    for i, lo in enumerate(starts):
        rows = vectors[lo:lo + block]
        for j in range(i, len(starts)):
            prod = _dense_product(rows, columns[j])
            if i == j:
                np.fill_diagonal(prod, -np.inf)   # not its own neighbour
            _keep_best(best, lo, prod, starts[j])
            if i != j:
                _keep_best(best, starts[j], prod.T, lo)
    return best


def _dense_product(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    if sparse_matmul_to_dense is not None:
        return sparse_matmul_to_dense(a, b)
    return (a @ b).toarray()


def _keep_best(best: tuple[np.ndarray, np.ndarray], row0: int, prod: np.ndarray, col0: int) -> None:
    """Merge prod (rows row0.., columns col0..) into best's k best of each row (in place).
    The columns come in increasing order over the calls, so that a later value equal to a
    kept one never displaces it (ties: the lower row)."""
    sims, idx = best[0][row0:row0 + len(prod)], best[1][row0:row0 + len(prod)]
    m, k = sims.shape
    bar = sims[:, -1].copy()
    fresh = np.isneginf(bar)   # rows without k values yet: their block's k-th best is the bar
    if fresh.any() and prod.shape[1] >= k:
        kth = np.partition(prod[fresh], prod.shape[1] - k, axis=1)[:, prod.shape[1] - k]
        bar[fresh] = np.nextafter(kth, np.float32(-np.inf))   # >= the k-th: ties kept
    r, c = np.nonzero(prod > bar[:, None])
    v = prod[r, c]
    r, c, v = r[v > -np.inf], c[v > -np.inf], v[v > -np.inf]
    if not len(r):
        return
    rows = np.concatenate([np.repeat(np.arange(m), k), r])
    vals = np.concatenate([sims.ravel(), v])
    cols = np.concatenate([idx.ravel(), c + col0])
    order = np.lexsort((cols, -vals, rows))
    rows, vals, cols = rows[order], vals[order], cols[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = rank < k
    sims[...] = vals[keep].reshape(m, k)
    idx[...] = cols[keep].reshape(m, k)


def _similarity_tfidf(texts: pd.Series, words: WordCounts | None, *, max_features: int,
                      max_df: float) -> sp.csr_matrix | None:
    """The float32 sublinear, l2-normalised TF-IDF of the word counts (counted here unless
    given), on the terms TfidfVectorizer(max_features=, max_df=) would keep; None when no
    text has a word."""
    words = words if words is not None else count_words(texts)
    if words is None:
        return None
    columns = kept_columns(words.counts, max_features=max_features, max_df=max_df)
    if not len(columns):
        return None
    return TfidfTransformer(sublinear_tf=True).fit_transform(words.counts[:, columns].astype(np.float32))


def _powers(n: int, cache: dict) -> tuple[np.ndarray, np.ndarray]:
    """HASH_P**k and HASH_P_INV**k (mod 2**64) for k < n, grown in cache as needed."""
    if len(cache.get("powers", ())) < n:
        size = max(n, 2 * len(cache.get("powers", ())))
        for key, base in (("powers", HASH_P), ("inverse", HASH_P_INV)):
            cache[key] = np.cumprod(np.r_[np.uint64(1), np.full(size - 1, base, np.uint64)])
    return cache["powers"][:n], cache["inverse"][:n]


def _chunk_shingles(texts: list[str], width: int, cache: dict) -> tuple[np.ndarray, np.ndarray]:
    """(text index, hash) of the `width`-byte window at each word start of the texts,
    after lower-casing and turning each run of ASCII punctuation/space into one space;
    all in numpy on the UTF-8 bytes."""
    data = [t.lower().encode("utf-8") + b" " for t in texts]
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    buf = np.frombuffer(b"".join(data), dtype=np.uint8)
    word = WORD_BYTE[buf]
    keep = word | np.r_[False, word[:-1]]          # word bytes and one space after each
    doc = np.repeat(np.arange(len(data)), lengths)[keep]
    chars, word = np.where(word[keep], buf[keep], 32).astype(np.uint64), word[keep]
    first = np.r_[True, doc[1:] != doc[:-1]]
    starts = np.flatnonzero(word & (first | ~np.r_[False, word[:-1]]))
    starts = starts[starts + width <= len(chars)]
    starts = starts[doc[starts] == doc[starts + width - 1]]
    # polynomial hash sum_k chars[s+k] * P**k (mod 2**64) from prefix sums: P is odd,
    # so invertible modulo 2**64, and every window costs two look-ups
    powers, inverse = _powers(len(chars), cache)
    prefix = np.r_[np.uint64(0), np.cumsum(chars * powers, dtype=np.uint64)]
    return doc[starts], (prefix[starts + width] - prefix[starts]) * inverse[starts]


def shingle_ids(texts: pd.Series, *, width: int = SHINGLE_BYTES, chunk: int = 500,
                sample_mod: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(text row, hashed shingle) of the distinct shingles of the texts; a shingle is the
    `width` bytes from a word start (~5 words). Only shingles whose hash is 0 mod
    `sample_mod` are kept (a consistent sample, so two copies keep the same ones): the
    cosine is estimated from a quarter of the shingles, in a quarter of the memory.
    Chunked to bound memory; ~10x faster than tokenising words in Python."""
    texts = list(texts)
    rows, hashes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.uint64)]
    cache: dict = {}
    for lo in range(0, len(texts), chunk):
        r, h = _chunk_shingles(texts[lo:lo + chunk], width, cache)
        keep = h % np.uint64(sample_mod) == 0  # Broder's mod-m sampling: same subset in every text
        r, h = pd.DataFrame({"r": r[keep], "h": h[keep]}).drop_duplicates().to_numpy(np.uint64).T
        rows.append(r.astype(np.int64) + lo)
        hashes.append(h)
    return np.concatenate(rows), np.concatenate(hashes)


def shingle_vectors(texts: pd.Series, *, width: int = SHINGLE_BYTES,
                    max_df: int = 50) -> sp.csr_matrix:
    """Binary, l2-normalised shingle sets (rows: texts). Shingles found in more than
    max_df texts (an outlet's boilerplate: bylines, link lists, notices) are dropped: they
    say nothing about copying and would make the all-pairs product dense."""
    rows, hashes = shingle_ids(texts, width=width)
    cols, uniques = pd.factorize(hashes)
    sets = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                         shape=(len(texts), len(uniques)))
    sets.data[:] = 1.0  # binary: a shingle repeated in one text counts once
    df = np.bincount(sets.indices, minlength=sets.shape[1])
    sets = sets[:, np.flatnonzero(df <= max_df)]
    return normalize(sets.tocsr())


def _similar_pairs(vectors: sp.csr_matrix, threshold: float, chunk: int = 2000) -> sp.coo_matrix:
    """Pairs (i < j) with cosine >= threshold: the sparse product row chunk by row chunk
    (texts that share no shingle are never compared: that is the blocking)."""
    rows, cols = [], []
    transposed = vectors.T.tocsr()
    for lo in range(0, vectors.shape[0], chunk):
        sims = (vectors[lo:lo + chunk] @ transposed).tocoo()
        keep = (sims.data >= threshold) & (sims.row + lo < sims.col)
        rows.append(sims.row[keep] + lo)
        cols.append(sims.col[keep])
    n = vectors.shape[0]
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n))


def near_duplicates(articles: pd.DataFrame, *, threshold: float = DUPLICATE_THRESHOLD,
                    width: int = SHINGLE_BYTES) -> pd.DataFrame:
    """Groups of near-identical texts: (group, article_id, source, similarity). Two
    articles are linked when the cosine of their word-shingle sets is >= threshold;
    a group is a connected set of links (size >= 2). The group's first article is its
    smallest id; similarity is each member's cosine to it. Groups are numbered from 0
    in the order of their first article's id."""
    docs = outlets(articles)
    if len(docs) < 2:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    vectors = shingle_vectors(docs["text"], width=width)
    pairs = _similar_pairs(vectors, threshold)
    _, labels = connected_components(pairs, directed=False)
    sizes = np.bincount(labels)
    members = docs.assign(label=labels)[sizes[labels] >= 2]
    if members.empty:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    # docs are sorted by id, so the first row of each label is its smallest id
    first = members.groupby("label", sort=False).head(1).set_index("label").index
    order = {label: g for g, label in enumerate(first)}
    first_row = members.index.to_series().groupby(members["label"]).transform("min").to_numpy()
    sims = np.asarray(vectors[members.index].multiply(vectors[first_row]).sum(axis=1)).ravel()
    table = members.assign(group=members["label"].map(order), similarity=sims.round(4))
    table = table.sort_values(["group", "similarity", "article_id"], ascending=[True, False, True])
    return table[DUPLICATE_COLUMNS].reset_index(drop=True)
