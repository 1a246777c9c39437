"""Topics of a corpus at two levels, articles and passages.

TF-IDF (entity names as single tokens) -> LSA -> KMeans; the number of topics is the
candidate with the best silhouette (cosine, on the TF-IDF), unless given. Each
topic is described by class-based TF-IDF terms (its cluster's words against the other
clusters', preferring words found in a fifth of its units), its top entities, the units nearest its centroid, its articles, and a 2-D
map of the units. Inputs are sorted by (article_id, passage) first, so the result does
not depend on the order of the rows. Pure functions: DataFrames in, DataFrames out.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.metrics.pairwise import cosine_distances

from analysis.config import values
from analysis.topics.model import map_axes, topic_model
from analysis.topics.vectors import Vectors, entity_token, fit_sample, fit_vectors, token_name

LEVELS = ("articles", "passages")
MIN_UNITS_TO_CLUSTER = 8        # fewer units than this make one topic
RESTARTS_UP_TO = 2000          # KMeans restarts: 10 up to this many units, 3 above
SELECTION_SAMPLE = 3000         # units on which candidate topic counts are compared
N_TERMS = 15
TOPIC_COLUMNS = ["level", "topic", "label", "terms", "entities", "size", "articles",
                 "passages", "representative"]


def fit_topics(articles: pd.DataFrame, passages: pd.DataFrame, mentions: pd.DataFrame, *,
               level: str = "passages", n_topics: int | None = None,
               random_state: int = 0) -> dict:
    """Topics of the articles or of the passages. Returns a dict: topics, assignments,
    coords, selection (k, silhouette) as DataFrames and info (a dict that says how the
    number of topics was chosen, or why there is no topic)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    units = topic_units(articles, passages, level=level)
    ments = unit_mentions(mentions, level=level)
    if units.empty:
        return _empty(level, f"no {level} with text")
    names = ments["entity"].unique()
    vec = fit_vectors(_iter_texts_with_entities(units, ments), entity_names=names,   # a stream: no list of
                      random_state=random_state, n_components=lsa_dims(len(units)))  # every text (~300 MB)
    vec = dataclasses.replace(vec, counts=None)   # nor the raw counts (the topics read the TF-IDF)
    k, selection, reason = choose_k(vec.embedding, vec.tfidf, n_topics=n_topics,
                                     random_state=random_state)
    labels, centers = cluster(vec.embedding, k, random_state=random_state, centers=True)
    units = units.assign(topic=labels)
    topics = describe_topics(units, vec, ments, passages, level=level)
    key = ["article_id", "topic"] if level == "articles" else ["article_id", "passage", "topic"]
    coords = units[["article_id", "passage"]].assign(**map_coords(vec.embedding))
    info = {"level": level, "units": len(units), "k": k, "reason": reason,
            "criterion": "silhouette (cosine, TF-IDF)" if n_topics is None else "given"}
    return {"topics": topics, "assignments": units[key].reset_index(drop=True),
            "coords": coords.reset_index(drop=True), "selection": selection, "info": info,
            "model": topic_model(vec, centers, names, level=level)}   # what assigns a new text


def lsa_dims(n_units: int) -> int:
    """LSA dimensions: an eighth of the units in a small corpus (a near full rank SVD
    would just copy the TF-IDF and blur the themes), 100 from 800 units on."""
    return int(min(100, max(10, n_units // 8)))


def topic_units(articles: pd.DataFrame, passages: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """The texts to cluster, sorted: article_id, passage (-1 for articles), text."""
    if level == "articles":
        a = articles[["id", "title", "text"]].fillna("")
        text = (a["title"] + "\n\n" + a["text"]).str.strip()
        units = pd.DataFrame({"article_id": a["id"].astype(str), "passage": -1, "text": text})
    else:
        units = passages[["article_id", "passage", "text"]].copy()
        units["article_id"] = units["article_id"].astype(str)
        units["passage"] = units["passage"].astype(int)
        units["text"] = units["text"].fillna("").str.strip()
    units = units[units["text"].str.len() > 0]
    return units.sort_values(["article_id", "passage"], kind="mergesort").reset_index(drop=True)


def unit_mentions(mentions: pd.DataFrame | None, *, level: str) -> pd.DataFrame:
    cols = ["article_id", "passage", "entity"]
    if mentions is None or mentions.empty:
        return pd.DataFrame(columns=cols)
    m = mentions[cols].dropna(subset=["entity"]).copy()
    m["article_id"] = m["article_id"].astype(str)
    m["passage"] = -1 if level == "articles" else m["passage"].astype(int)
    return m


def _texts_with_entities(units: pd.DataFrame, ments: pd.DataFrame) -> list[str]:
    """Each unit's text, plus the token of every mentioned entity whose canonical name
    is not written out in it (so 'NATO' also counts for its canonical long name)."""
    return list(_iter_texts_with_entities(units, ments))


def _iter_texts_with_entities(units: pd.DataFrame, ments: pd.DataFrame):   # one text at a time
    extra: dict[tuple, list[str]] = {}
    for aid, p, name in zip(values(ments["article_id"]), values(ments["passage"]), values(ments["entity"])):
        extra.setdefault((aid, p), []).append(name)
    for aid, p, text in zip(values(units["article_id"]), values(units["passage"]), values(units["text"])):
        low = text.lower()
        added = [entity_token(n) for n in extra.get((aid, p), []) if n.lower() not in low]
        yield text + ("\n" + " ".join(sorted(added)) if added else "")


def choose_k(embedding: np.ndarray, tfidf, *, n_topics: int | None, random_state: int = 0):
    """(k, selection table, reason). Candidates run from 2 to about sqrt(n) (at most
    60); each is scored by the cosine silhouette, on the TF-IDF, of the KMeans clusters
    of the LSA embedding of a fixed sample of the units (the silhouette on the LSA
    embedding itself grows with k when there are few units)."""
    n = len(embedding)
    pool = distinct_rows(embedding)
    distinct = len(pool)   # duplicate texts would reward splitting into copies
    empty = pd.DataFrame({"k": pd.Series(dtype=int), "silhouette": pd.Series(dtype=float)})
    if n_topics is not None:
        k = max(1, min(int(n_topics), distinct))
        why = "given" if k == n_topics else f"given {n_topics}, capped at {k} distinct texts"
        return k, empty, why
    if n < MIN_UNITS_TO_CLUSTER or distinct < 3 or embedding.shape[1] < 2:
        return 1, empty, f"one topic: {n} units, {distinct} distinct, too few to cluster"
    rng = np.random.default_rng(random_state)
    idx = np.sort(rng.choice(pool, SELECTION_SAMPLE, replace=False)) if distinct > SELECTION_SAMPLE else pool
    sample = embedding[idx]
    top = int(min(60, distinct - 1, max(3, round(np.sqrt(len(sample))))))
    candidates = np.unique(np.round(np.geomspace(2, top, num=min(top - 1, 15))).astype(int))
    scores = []
    restarts = 3 if len(sample) < 1000 else 1   # a large sample ranks the candidates well with one start
    dist = cosine_distances(tfidf[idx])   # once for every candidate (the same sample)
    np.fill_diagonal(dist, 0.0)
    for k in candidates:
        labels = cluster(sample, int(k), random_state=random_state, n_init=restarts)
        scores.append(silhouette(dist, labels) if len(np.unique(labels)) > 1 else -1.0)
    selection = pd.DataFrame({"k": candidates, "silhouette": np.round(scores, 4)})
    best = int(selection.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]["k"])
    return best, selection, f"best silhouette of {len(candidates)} candidates on {len(sample)} units"


def silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette of labels (0..k-1) on a precomputed distance matrix with a zero
    diagonal, as sklearn's silhouette_score(metric="precomputed") defines it (a unit alone
    in its cluster scores 0), from one product of the matrix with the cluster indicator."""
    n, k = len(labels), int(labels.max()) + 1
    member = np.zeros((n, k))
    member[np.arange(n), labels] = 1.0
    sums = dist @ member                       # each unit's summed distance to each cluster
    sizes = member.sum(axis=0)
    own = sizes[labels]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[np.arange(n), labels] / (own - 1)
        mean_to = sums / sizes
        mean_to[np.arange(n), labels] = np.inf
        b = mean_to.min(axis=1)
        s = (b - a) / np.maximum(a, b)
    return float(np.nan_to_num(np.where(own > 1, s, 0.0)).mean())


def distinct_rows(embedding: np.ndarray, decimals: int = 6, chunk: int = 50_000) -> np.ndarray:
    """The sorted positions of the first row of each distinct row (rounded to `decimals`):
    np.unique(np.round(embedding), axis=0)'s first indices, from a 64-bit hash of each row
    computed chunk by chunk (np.unique copied and sorted the whole matrix: 2 GB more at
    900k passages)."""
    hashes = [pd.util.hash_pandas_object(pd.DataFrame(np.round(embedding[lo:lo + chunk], decimals) + 0.0),
                                         index=False).to_numpy()
              for lo in range(0, len(embedding), chunk)]   # + 0.0: -0.0 and 0.0 are one value
    if not hashes:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(~pd.Series(np.concatenate(hashes)).duplicated().to_numpy())


def cluster(embedding: np.ndarray, k: int, *, random_state: int = 0, n_init: int | None = None,
            centers: bool = False):
    """KMeans labels renumbered by cluster size (largest = 0), ties by first unit.
    centers=True: (labels, the cluster centres in the same numbering)."""
    n = len(embedding)
    if k <= 1 or n <= 1:
        labels = np.zeros(n, dtype=int)
        return (labels, embedding.mean(axis=0, keepdims=True) if n else None) if centers else labels
    n_init = n_init or (10 if n <= RESTARTS_UP_TO else 3)   # restarts: cheap on small corpora, little gain on large
    sample = fit_sample(n, random_state=random_state)   # a million passages: fit on a sample, assign all
    km = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
    # fitted in float64: on float32 data scikit-learn's k-means++ upcasts all of it, block by
    # block, for every candidate centre (2.5x the time at k=40; the same labels on 10k articles)
    km.fit((embedding if sample is None else embedding[sample]).astype(np.float64))
    km.cluster_centers_ = km.cluster_centers_.astype(embedding.dtype)
    raw = km.labels_ if sample is None else km.predict(embedding)
    ids, first, sizes = np.unique(raw, return_index=True, return_counts=True)
    order = np.lexsort((first, -sizes))
    renumber = np.empty(raw.max() + 1, dtype=int)
    renumber[ids[order]] = np.arange(len(ids))
    # the centres of the clusters that have units, in the new numbering (row i: topic i)
    return (renumber[raw], km.cluster_centers_[ids[order]]) if centers else renumber[raw]


def class_tfidf(counts: sp.spmatrix, labels: np.ndarray) -> np.ndarray:
    """c-TF-IDF (as in BERTopic): term frequency in each class times
    log(1 + mean words per class / frequency of the term over all classes)."""
    k = int(labels.max()) + 1
    onehot = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                           shape=(k, len(labels)))
    per_class = np.asarray((onehot @ counts).todense())
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    freq = per_class.sum(axis=0)
    idf = np.log1p(per_class.sum() / k / np.maximum(freq, 1))
    return tf * idf


def topic_term_scores(tfidf: sp.spmatrix, labels: np.ndarray, *, min_share: float = 0.2) -> np.ndarray:
    """Topic x term ranking scores: c-TF-IDF of the (sublinear) TF-IDF rows; terms found
    in at least min_share of the topic's units rank before the others (a word repeated
    in one text of the topic is not what the topic is about)."""
    scores = class_tfidf(tfidf, labels)
    onehot = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))))
    share = np.asarray((onehot @ (tfidf > 0).astype(np.float64)).todense())
    share /= np.bincount(labels)[:, None]
    return np.where(share >= min_share, scores + scores.max(), scores)


def top_terms(scores: np.ndarray, terms: np.ndarray, *, n: int = N_TERMS) -> list[str]:
    """The n best-scoring terms (ties by term); a word already inside a better bigram
    is skipped, so that 'safe haven' is not followed by 'haven'; so is a word twice."""
    order = np.lexsort((terms, -scores))
    chosen: list[str] = []
    seen_words: set[str] = set()
    for i in order:
        if scores[i] <= 0 or len(chosen) >= n:
            break
        t = str(terms[i])
        if (" " not in t and t in seen_words) or len(set(t.split())) < len(t.split()):   # 'x x' is no term
            continue
        chosen.append(t)
        seen_words.update(t.split())
    return chosen


def topic_label(terms: list[str], names: dict[str, str], *, n: int = 3) -> str:
    """'kabul · evacuation · airport': the first terms that share no word."""
    picked, words = [], set()
    for t in terms:
        if words & set(t.split()):
            continue
        picked.append(names.get(t, token_name(t)))
        words.update(t.split())
        if len(picked) == n:
            break
    return " · ".join(picked) if picked else "(no terms)"


def describe_topics(units: pd.DataFrame, vec: Vectors, ments: pd.DataFrame,
                    passages: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """One row per topic (TOPIC_COLUMNS)."""
    labels = units["topic"].to_numpy()
    scores = topic_term_scores(vec.tfidf, labels) if vec.tfidf.shape[1] else None
    names = _display_names(ments)
    topic_of = dict(zip(zip(values(units["article_id"]), values(units["passage"])), labels))
    ments = ments.assign(topic=[topic_of.get(key, -1) for key in zip(values(ments["article_id"]), values(ments["passage"]))])
    n_passages = passages.groupby(passages["article_id"].astype(str)).size() if len(passages) else pd.Series(dtype=int)
    rows = []
    for t in range(int(labels.max()) + 1):
        mask = labels == t
        terms = top_terms(scores[t], vec.terms) if scores is not None else []
        ents = ments[ments["topic"] == t].groupby("entity").size().reset_index(name="n")
        ents = ents.sort_values(["n", "entity"], ascending=[False, True])["entity"].head(10).tolist()
        arts = sorted(units.loc[mask, "article_id"].unique().tolist())
        count = int(mask.sum()) if level == "passages" else int(n_passages.reindex(arts).fillna(0).sum())
        rows.append({"level": level, "topic": t, "label": topic_label(terms, names), "terms": terms,
                     "entities": ents, "size": int(mask.sum()), "articles": arts, "passages": count,
                     "representative": _representatives(units, vec.embedding, mask, level=level)})
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)


def _display_names(ments: pd.DataFrame) -> dict[str, str]:
    """term -> entity name as written (the most frequent spelling; ties by name)."""
    if ments.empty:
        return {}
    counts = ments.groupby("entity").size().reset_index(name="n")
    counts["token"] = counts["entity"].map(entity_token)
    counts = counts.sort_values(["n", "entity"], ascending=[False, True]).drop_duplicates("token")
    return dict(zip(values(counts["token"]), values(counts["entity"])))


def _representatives(units: pd.DataFrame, emb: np.ndarray, mask: np.ndarray, *, level: str,
                     n: int = 3) -> list[dict]:
    """Up to n units nearest the topic centroid (cosine); ties by unit order."""
    idx = np.flatnonzero(mask)
    sims = emb[idx] @ emb[idx].mean(axis=0) if emb.shape[1] else np.zeros(len(idx))
    best = idx[np.lexsort((idx, -np.round(sims, 9)))[:n]]
    out = []
    for i in best:
        text = units.at[i, "text"]
        if level == "articles":
            text = text.split("\n\n", 1)[0][:300]   # the title
        out.append({"article_id": units.at[i, "article_id"],
                    "passage": None if level == "articles" else int(units.at[i, "passage"]),
                    "text": text})
    return out


def map_coords(embedding: np.ndarray) -> dict[str, np.ndarray]:
    """2-D map: the first two principal axes of the LSA embedding, each axis signed so
    that its largest loading is positive (so the map never flips between runs)."""
    n = len(embedding)
    xy = np.zeros((n, 2))
    if n > 1 and embedding.shape[1] > 0:
        mean, vt = map_axes(embedding)
        for lo in range(0, n, 100_000):   # centred block by block, not a second copy of the embedding
            xy[lo:lo + 100_000, :vt.shape[0]] = (embedding[lo:lo + 100_000] - mean) @ vt.T
    return {"x": np.round(xy[:, 0], 6), "y": np.round(xy[:, 1], 6)}


def topic_shares(assignments: pd.DataFrame, articles: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Tidy table topic, <by>, n, share: the part of each outlet's (or month's) units
    that falls in each topic. Missing values count as 'unknown'."""
    if by not in ("source", "month"):
        raise ValueError(f"by must be 'source' or 'month', not {by!r}")
    meta = articles[["id", by]].assign(id=articles["id"].astype(str))
    df = assignments.assign(article_id=assignments["article_id"].astype(str))
    df = df.merge(meta, left_on="article_id", right_on="id", how="left")
    df[by] = df[by].fillna("unknown")
    out = df.groupby([by, "topic"]).size().reset_index(name="n")
    out["share"] = out["n"] / out.groupby(by)["n"].transform("sum")
    return out[["topic", by, "n", "share"]].sort_values([by, "topic"]).reset_index(drop=True)


def topics_report(result: dict) -> list[dict]:
    """The topics for the report JSON."""
    return [{"id": int(r.topic), "label": r.label, "terms": list(r.terms),
             "articles": list(r.articles), "passages": int(r.passages)}
            for r in result["topics"].itertuples()]


def _empty(level: str, reason: str) -> dict:
    key = ["article_id", "topic"] if level == "articles" else ["article_id", "passage", "topic"]
    return {"topics": pd.DataFrame(columns=TOPIC_COLUMNS), "assignments": pd.DataFrame(columns=key),
            "coords": pd.DataFrame(columns=["article_id", "passage", "x", "y"]),
            "selection": pd.DataFrame(columns=["k", "silhouette"]),
            "info": {"level": level, "units": 0, "k": 0, "reason": reason, "criterion": None}}
