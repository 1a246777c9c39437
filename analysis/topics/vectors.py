"""Text -> vectors: TF-IDF with entity names as single tokens, then LSA.

Pure functions: texts in, matrices and fitted estimators out. Every estimator has a
fixed random_state, so the same texts in the same order give the same vectors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from analysis.topics.counts import ngram_counts, tokenise
from analysis.topics.joiner import EntityJoiner, entity_token  # noqa: F401 (entity_token: this module's API)

# News boilerplate that says nothing about the subject of a text.
NEWS_STOP_WORDS = frozenset("""
said says say saying told tells tell according mr mrs ms dr added adding asked
reported reporting reports report statement statements year years week weeks day days
month months time times today yesterday tomorrow monday tuesday wednesday thursday
friday saturday sunday just like also would could one two three new including
people want wants wanted make made going get got know think thing things lot way
really many much well still even may might comes came took following led
recent recently earlier later advertisement photo credit image caption comment comments
share click subscribe newsletter read
""".split())
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | NEWS_STOP_WORDS
# Words of two or more characters that start with a letter; "_" joins entity names.
TOKEN_PATTERN = r"(?u)\b[^\W\d]\w+\b"


@dataclass(frozen=True)
class Vectors:
    """What fit_vectors returns. Rows follow the input texts."""
    counts: sp.csr_matrix          # term counts (for c-TF-IDF and coherence)
    tfidf: sp.csr_matrix           # l2-normalised TF-IDF
    embedding: np.ndarray          # LSA: TruncatedSVD + l2 normalisation (dense)
    terms: np.ndarray              # the vocabulary, column order of counts/tfidf
    vectorizer: CountVectorizer | None
    svd: TruncatedSVD | None
    idf: TfidfTransformer | None = None   # kept for assigning new texts (analysis.topics.model)


def token_name(token: str) -> str:
    """Readable form of a term: entity tokens title-cased, other terms as they are."""
    return token.replace("_", " ").title() if "_" in token else token


def entity_pattern(entity_names: Iterable[str]) -> EntityJoiner | None:
    """The joiner for all multi-word names (None when there is none)."""
    joiner = EntityJoiner(entity_names)
    return joiner if joiner else None


def join_entities(text: str, pattern: EntityJoiner | None) -> str:
    """Replace each multi-word entity name in text by its single token."""
    if pattern is None:
        return text
    return pattern.sub(text)


def df_limits(n_docs: int) -> tuple[int, float]:
    """(min_df, max_df) that suit the corpus size: keep every word in a handful of
    texts, drop words seen once in a larger one and words in most texts."""
    if n_docs < 20:
        return 1, 1.0
    if n_docs < 2000:
        return 2, 0.5
    return max(3, min(20, n_docs // 2000)), 0.5


# Randomized SVD (Halko et al.) on float32 with two power iterations above SMALL texts:
# seven took three times as long for the same topic quality (three 2,000-article samples of
# the AllSides tune half: NPMI 0.165 with seven, 0.168 with two, NMI 0.548 both); single
# precision halves the time of each sparse product and the memory of the embedding. Up to
# SMALL texts (a few articles' passages) the SVD costs nothing: seven iterations there.
SVD_ITER = 2
SMALL = 1000
FIT_SAMPLE = 50_000   # above this many texts, the limits, IDF and LSA are fitted on a sample
FIT_CHARS = 50_000_000  # ... and above this much text (37k whole articles are 220M characters)


def fit_sample(n: int, size: int = FIT_SAMPLE, random_state: int = 0) -> np.ndarray | None:
    """The sorted rows of a fixed random sample of n rows (None: n is small, fit on all)."""
    if n <= size:
        return None
    return np.sort(np.random.default_rng(random_state).choice(n, size, replace=False))


def fit_vectors(texts: Iterable[str], *, entity_names: Iterable[str] = (), random_state: int = 0,
                n_components: int = 100, ngram_range: tuple[int, int] = (1, 2),
                min_df: int | None = None, max_df: float | None = None,
                max_features: int | None = 30_000, sample_size: int = FIT_SAMPLE) -> Vectors:
    """TF-IDF (stop words, uni+bigrams, entity names as single tokens) and its LSA
    embedding. Tiny inputs work: n_components is capped below the number of texts
    and terms, and texts with no usable word get a zero row. Above sample_size texts
    (a million passages) or FIT_CHARS characters (37k whole articles), the vocabulary,
    the IDF and the SVD are fitted on a fixed random sample (of sample_size texts, fewer
    when the texts are long) and every text is transformed with them. Counting is
    analysis.topics.counts's (CountVectorizer's terms and counts, a quarter of its time);
    `vectorizer` counts new texts the same way."""
    pattern = entity_pattern(entity_names)
    seen = [0, 0]   # characters, texts

    def joined():   # each text joined as it is tokenised: no list of every joined text
        for t in texts:
            doc = join_entities(t or "", pattern)
            seen[0] += len(doc)
            seen[1] += 1
            yield doc

    tok = tokenise(joined(), stop_words=STOP_WORDS)
    total, n_docs = seen
    if total > FIT_CHARS:
        sample_size = min(sample_size, max(1000, int(n_docs * FIT_CHARS / total)))
    sample = fit_sample(n_docs, sample_size, random_state)
    auto_min, auto_max = df_limits(n_docs if sample is None else len(sample))
    min_df = auto_min if min_df is None else min_df
    max_df = auto_max if max_df is None else max_df
    try:
        counts, terms = ngram_counts(tok, ngram_range=ngram_range, min_df=min_df, max_df=max_df,
                                     max_features=max_features, fit_rows=sample)
    except ValueError:  # no word left (empty, stop words only, or pruned away)
        try:
            counts, terms = ngram_counts(tok, ngram_range=ngram_range, min_df=1, max_df=1.0,
                                         max_features=max_features, fit_rows=sample)
        except ValueError:
            empty = sp.csr_matrix((tok.n_docs, 0))
            return Vectors(empty, empty, np.zeros((tok.n_docs, 0), dtype=np.float32),
                           np.array([], dtype=object), None, None)
    del tok
    # New texts counted the same way: CountVectorizer's analyzer, which ngram_counts reproduces.
    vectorizer = CountVectorizer(stop_words=sorted(STOP_WORDS), token_pattern=TOKEN_PATTERN,
                                 ngram_range=ngram_range, vocabulary=terms, dtype=np.float64)
    fit_counts = counts if sample is None else counts[sample]
    idf = TfidfTransformer(sublinear_tf=True).fit(fit_counts)
    tfidf = idf.transform(counts).tocsr()
    terms = terms.astype(object)
    if sample is None:
        embedding, svd = lsa(tfidf, n_components=n_components, random_state=random_state)
    else:
        _, svd = lsa(tfidf[sample], n_components=n_components, random_state=random_state)
        embedding = lsa_transform(svd, tfidf)
    return Vectors(counts, tfidf, embedding, terms, vectorizer, svd, idf)


def lsa_transform(svd: TruncatedSVD | None, tfidf: sp.spmatrix) -> np.ndarray:
    """The l2-normalised LSA embedding of rows with a fitted (sign-fixed) SVD."""
    if svd is None:
        return normalize(tfidf.toarray().astype(np.float32))
    out = np.empty((tfidf.shape[0], svd.components_.shape[0]), dtype=np.float32)
    for lo in range(0, tfidf.shape[0], 100_000):   # block by block: no float32 copy of a whole TF-IDF
        out[lo:lo + 100_000] = tfidf[lo:lo + 100_000].astype(np.float32) @ svd.components_.T
    return normalize(out, copy=False)   # in place: 350 MB at 900k passages


def lsa(tfidf: sp.spmatrix, *, n_components: int = 100, random_state: int = 0):
    """TruncatedSVD + l2 normalisation, with the component signs fixed (largest
    loading positive) so that the embedding never flips between runs. When the
    matrix is too small to reduce, the normalised TF-IDF itself is the embedding."""
    n_docs, n_terms = tfidf.shape
    k = min(n_components, n_docs - 1, n_terms - 1)
    if k < 2:
        return normalize(tfidf.toarray().astype(np.float32)), None
    n_iter = SVD_ITER if n_docs > SMALL else 7
    svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=n_iter, random_state=random_state)
    with np.errstate(invalid="ignore", divide="ignore"):  # explained variance of identical rows
        svd.fit(tfidf.astype(np.float32))
    signs = np.sign(svd.components_[np.arange(k), np.abs(svd.components_).argmax(axis=1)])
    signs[signs == 0] = 1
    svd.components_ *= signs[:, None]
    # the projection onto the components (not fit_transform's U*S, its randomized
    # approximation): a text added later, projected the same way, lands where it would
    # have landed in the fit (analysis.topics.assign)
    return lsa_transform(svd, tfidf), svd
