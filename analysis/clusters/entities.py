"""Entity clusters: articles grouped by the canonical entities they mention, and entities
grouped by the company they keep.

Articles: the article x entity matrix (sublinear TF-IDF, rows L2-normalised, so cosine
is a dot product) -> KMeans (on an LSA embedding and MiniBatchKMeans for big corpora).
The number of clusters is the candidate with the best cosine silhouette on a fixed
sample, unless given. Four articles or more are clustered; with three or fewer, every
article with entities is in one cluster (a silhouette needs two clusters of more than
one point to mean anything). Articles without entities are cluster -1, "no entities".
Each cluster is labelled by its defining entities (class-based TF-IDF: weight in the
cluster against the corpus, preferring entities found in a fifth of its articles).

Entities: co-occurrence in the same sentence (or passage), counted once per unit, over
the top entities by mentions; pairs seen fewer than min_count times or with a PMI of
zero or less (no more often together than by chance) are pruned. Communities are
networkx's Louvain (fixed seed) on the count-weighted graph, each labelled by its
entities with the highest weighted degree inside it.

Inputs are sorted first, so the result does not depend on the order of the rows.
Pure functions: DataFrames in, DataFrames (or dicts of them) out.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from analysis.config import values
from analysis.topics.fit import topic_term_scores
from analysis.topics.model import model_table

MIN_ARTICLES_TO_CLUSTER = 4     # three articles or fewer make one cluster
SELECTION_SAMPLE = 3000         # articles on which candidate cluster counts are compared
LSA_FROM = 5000                 # from this many articles, cluster an LSA embedding
MINIBATCH_FROM = 20_000         # from this many, MiniBatchKMeans
N_DEFINING = 8                  # defining entities kept per cluster
N_LABEL = 3                     # of which the label shows the first three
NO_ENTITIES = "no entities"
CLUSTER_COLUMNS = ["cluster", "label", "entities", "size", "articles"]
EDGE_COLUMNS = ["source_entity", "target_entity", "weight", "pmi"]
COMMUNITY_COLUMNS = ["community", "label", "entity", "degree", "size"]


# -- article clusters -----------------------------------------------------------------

def article_entity_matrix(mentions: pd.DataFrame, articles: pd.DataFrame):
    """(article ids sorted, entity names sorted, sparse count matrix of the articles that
    mention at least one entity, ids of the articles without entities)."""
    ids = sorted(articles["id"].astype(str).unique())
    m = mentions[["article_id", "entity"]].dropna()
    m = m[m["article_id"].astype(str).isin(set(ids))]
    counts = m.groupby([m["article_id"].astype(str), "entity"]).size()
    with_ents = sorted(counts.index.get_level_values(0).unique())
    names = sorted(counts.index.get_level_values(1).unique())
    row = pd.Index(with_ents).get_indexer(counts.index.get_level_values(0))
    col = pd.Index(names).get_indexer(counts.index.get_level_values(1))
    x = sp.csr_matrix((counts.to_numpy(dtype=float), (row, col)), shape=(len(with_ents), len(names)))
    have = set(with_ents)
    none = [i for i in ids if i not in have]
    return with_ents, np.array(names, dtype=object), x, none


def cluster_articles(mentions: pd.DataFrame, articles: pd.DataFrame, *, n_clusters: int | None = None,
                     random_state: int = 0) -> dict:
    """Article clusters. Returns a dict: clusters (CLUSTER_COLUMNS; entities = defining
    entities, best first), assignments (article_id, cluster), selection (k, score: the
    silhouette of each candidate; empty when k was given or not chosen) and info (k,
    reason, criterion)."""
    ids, names, counts, none = article_entity_matrix(mentions, articles)
    idf = TfidfTransformer(sublinear_tf=True).fit(counts) if len(ids) else None
    tfidf = idf.transform(counts) if idf is not None else counts
    emb, svd = embed(tfidf, random_state=random_state)
    k, selection, reason = choose_k(tfidf, emb, n_clusters=n_clusters, random_state=random_state)
    labels, centers = fit_labels(emb, k, random_state=random_state, centers=True)
    clusters = describe_clusters(ids, labels, tfidf, names)
    assignments = pd.DataFrame({"article_id": ids, "cluster": labels})
    if none:
        clusters = pd.concat([clusters, pd.DataFrame([{"cluster": -1, "label": NO_ENTITIES, "entities": [],
                                                        "size": len(none), "articles": none}])],
                             ignore_index=True)
        assignments = pd.concat([assignments, pd.DataFrame({"article_id": none, "cluster": -1})])
    assignments = assignments.sort_values("article_id", kind="mergesort").reset_index(drop=True)
    info = {"articles": len(ids) + len(none), "k": int(k), "reason": reason,
            "criterion": "given" if n_clusters is not None else "silhouette (cosine, TF-IDF)"}
    model = {"names": names, "idf": idf, "svd": svd, "centers": centers} if idf is not None else None
    return {"clusters": clusters[CLUSTER_COLUMNS].reset_index(drop=True),
            "assignments": assignments.astype({"cluster": int}), "selection": selection, "info": info,
            "model": model}   # what places an article added later (analysis.clusters.assign)


def embed(tfidf: sp.spmatrix, *, random_state: int = 0):
    """(what KMeans sees, the SVD or None): the TF-IDF rows themselves, or from LSA_FROM
    articles their LSA embedding (100 dimensions, rows re-normalised; the projection onto
    the components, as an article added later is projected)."""
    n, v = tfidf.shape
    if n < LSA_FROM or v <= 2:
        return tfidf, None
    svd = TruncatedSVD(n_components=min(100, v - 1), random_state=random_state).fit(tfidf)
    return normalize(np.asarray(tfidf @ svd.components_.T)), svd


def choose_k(tfidf: sp.spmatrix, emb, *, n_clusters: int | None, random_state: int = 0):
    """(k, selection table, reason). Candidates run from 2 to about sqrt(n) (at most
    40, at most the distinct articles - 1), each scored by the cosine silhouette, on the
    TF-IDF, of the KMeans clusters of the embedding of a fixed sample of at most
    SELECTION_SAMPLE distinct articles."""
    empty = pd.DataFrame({"k": pd.Series(dtype=int), "score": pd.Series(dtype=float)})
    n = tfidf.shape[0]
    if n == 0:
        return 0, empty, "no article mentions an entity"
    pool = distinct_rows(tfidf)
    if n_clusters is not None:
        k = max(1, min(int(n_clusters), len(pool)))
        return k, empty, "given" if k == n_clusters else f"given {n_clusters}, capped at {k} distinct articles"
    if n < MIN_ARTICLES_TO_CLUSTER or len(pool) < 3:
        return 1, empty, f"one cluster: {n} articles with entities ({len(pool)} distinct), too few to compare clusterings"
    rng = np.random.default_rng(random_state)
    idx = np.sort(rng.choice(pool, SELECTION_SAMPLE, replace=False)) if len(pool) > SELECTION_SAMPLE else pool
    sample = tfidf[idx]
    top = int(min(40, len(idx) - 1, max(3, round(np.sqrt(len(idx))))))
    candidates = np.unique(np.round(np.geomspace(2, top, num=min(top - 1, 12))).astype(int))
    scores = []
    for k in candidates:
        labels = fit_labels(emb[idx], int(k), random_state=random_state, n_init=3)
        ok = 1 < len(np.unique(labels)) < len(idx)
        scores.append(silhouette_score(sample, labels, metric="cosine") if ok else -1.0)
    selection = pd.DataFrame({"k": candidates.astype(int), "score": np.round(scores, 4)})
    best = int(selection.sort_values(["score", "k"], ascending=[False, True]).iloc[0]["k"])
    return best, selection, f"best silhouette of {len(candidates)} candidates on {len(idx)} articles"


def distinct_rows(x: sp.spmatrix) -> np.ndarray:
    """Indices of the first of each group of identical rows (duplicates would reward
    splitting into copies)."""
    x = sp.csr_matrix(x)
    keys = [(tuple(x.indices[a:b]), tuple(np.round(x.data[a:b], 6)))
            for a, b in zip(x.indptr[:-1], x.indptr[1:])]
    return np.sort(np.unique(pd.factorize(pd.Series(keys))[0], return_index=True)[1])


def fit_labels(emb, k: int, *, random_state: int = 0, n_init: int | None = None, centers: bool = False):
    """KMeans labels of the embedding, renumbered by size (largest = 0), ties by first article.
    centers=True: (labels, the centres in that numbering)."""
    n = emb.shape[0]
    if k <= 1 or n <= 1:
        labels = np.zeros(n, dtype=int)
        return (labels, np.asarray(emb.mean(axis=0)).reshape(1, -1) if n else None) if centers else labels
    if n >= MINIBATCH_FROM:
        model = MiniBatchKMeans(n_clusters=k, n_init=n_init or 3, batch_size=4096, random_state=random_state)
    else:
        model = KMeans(n_clusters=k, n_init=n_init or 10, random_state=random_state)
    raw = model.fit_predict(emb)
    ids, first, sizes = np.unique(raw, return_index=True, return_counts=True)
    order = ids[np.lexsort((first, -sizes))]
    renumber = np.empty(raw.max() + 1, dtype=int)
    renumber[order] = np.arange(len(ids))
    return (renumber[raw], model.cluster_centers_[order]) if centers else renumber[raw]


def describe_clusters(ids: list[str], labels: np.ndarray, tfidf: sp.spmatrix, names: np.ndarray) -> pd.DataFrame:
    """One row per cluster: its defining entities (class-based TF-IDF, ties by name)."""
    if not len(ids):
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    scores = topic_term_scores(sp.csr_matrix(tfidf), labels)
    ids = np.asarray(ids, dtype=object)
    rows = []
    for c in range(int(labels.max()) + 1):
        order = np.lexsort((names, -np.round(scores[c], 9)))
        ents = [str(names[i]) for i in order[:N_DEFINING] if scores[c][i] > 0]
        rows.append({"cluster": c, "label": ", ".join(ents[:N_LABEL]) or "(no entities)", "entities": ents,
                     "size": int((labels == c).sum()), "articles": sorted(ids[labels == c].tolist())})
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


def cluster_shares(assignments: pd.DataFrame, articles: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Tidy table cluster, <by>, n, share: the part of each outlet's (or month's)
    articles in each cluster (cluster -1 included, so shares sum to 1). Missing values
    count as 'unknown'."""
    if by not in ("source", "month"):
        raise ValueError(f"by must be 'source' or 'month', not {by!r}")
    meta = pd.DataFrame({"article_id": articles["id"].astype(str), by: articles[by].to_numpy()})
    df = assignments.assign(article_id=assignments["article_id"].astype(str)).merge(meta, on="article_id", how="left")
    df[by] = df[by].fillna("unknown")
    out = df.groupby([by, "cluster"]).size().reset_index(name="n")
    out["share"] = out["n"] / out.groupby(by)["n"].transform("sum")
    return out[["cluster", by, "n", "share"]].sort_values([by, "cluster"]).reset_index(drop=True)


# -- entity communities -----------------------------------------------------------------

def auto_min_count(n_articles: int) -> int:
    """Pairs must be seen twice, except in a corpus so small (under 20 articles) that
    most pairs are seen once."""
    return 1 if n_articles < 20 else 2


def cooccurrence(mentions: pd.DataFrame, *, unit: str = "sentence", min_count: int = 2,
                 top_entities: int = 300) -> pd.DataFrame:
    """Edges source_entity < target_entity, weight (units that mention both), pmi
    (log of observed over expected units, among all the units that mention an entity).
    Only the top_entities by mentions (ties by name) are kept; pairs with a weight under
    min_count or a PMI <= 0 are pruned. Sorted by weight (descending), then names."""
    if unit not in ("sentence", "passage"):
        raise ValueError(f"unit must be 'sentence' or 'passage', not {unit!r}")
    m = mentions[["article_id", unit, "entity"]].dropna()
    if m.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    freq = m.groupby("entity").size().reset_index(name="n").sort_values(["n", "entity"], ascending=[False, True])
    keep = sorted(freq["entity"].head(top_entities))
    units = m["article_id"].astype(str) + "\x00" + m[unit].astype(int).astype(str)
    n_units = units.nunique()
    pairs = pd.DataFrame({"u": units.to_numpy(), "e": m["entity"].to_numpy()})
    pairs = pairs[pairs["e"].isin(set(keep))].drop_duplicates()
    row, unit_ids = pd.factorize(pairs["u"], sort=True)
    col = pd.Index(keep).get_indexer(pairs["e"])
    b = sp.csr_matrix((np.ones(len(pairs)), (row, col)), shape=(len(unit_ids), len(keep)))
    co = sp.triu(b.T @ b, k=1).tocoo()
    df_e = np.asarray(b.sum(axis=0)).ravel()
    pmi = np.log(co.data * n_units / (df_e[co.row] * df_e[co.col]))
    names = np.array(keep, dtype=object)
    edges = pd.DataFrame({"source_entity": names[co.row], "target_entity": names[co.col],
                          "weight": co.data.astype(int), "pmi": np.round(pmi, 6)})
    edges = edges[(edges["weight"] >= min_count) & (edges["pmi"] > 1e-9)]
    edges = edges.sort_values(["weight", "source_entity", "target_entity"], ascending=[False, True, True])
    return edges[EDGE_COLUMNS].reset_index(drop=True)


def entity_communities(edges: pd.DataFrame, *, seed: int = 0, resolution: float = 1.0) -> pd.DataFrame:
    """Rows community, label, entity, degree (weighted degree inside the community),
    size. Communities are numbered by size (largest = 0), then label; the label is the
    first N_LABEL entities by that degree (ties by name)."""
    if edges.empty:
        return pd.DataFrame(columns=COMMUNITY_COLUMNS)
    g = nx.Graph()
    g.add_nodes_from(sorted(set(values(edges["source_entity"])) | set(values(edges["target_entity"]))))
    e = edges.sort_values(["source_entity", "target_entity"])
    g.add_weighted_edges_from(e[["source_entity", "target_entity", "weight"]].itertuples(index=False))
    found = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    parts = []
    for members in found:
        sub = g.subgraph(members)
        deg = pd.DataFrame({"entity": sorted(members)})
        deg["degree"] = [float(sub.degree(n, weight="weight")) for n in deg["entity"]]
        deg = deg.sort_values(["degree", "entity"], ascending=[False, True])
        parts.append(deg.assign(label=", ".join(deg["entity"].head(N_LABEL)), size=len(members)))
    parts.sort(key=lambda d: (-len(d), d["label"].iloc[0]))
    out = pd.concat([p.assign(community=i) for i, p in enumerate(parts)], ignore_index=True)
    return out[COMMUNITY_COLUMNS]


# -- the tables for the store, and the report --------------------------------------------

def entity_cluster_tables(mentions: pd.DataFrame, articles: pd.DataFrame, *, n_clusters: int | None = None,
                          unit: str = "sentence", min_count: int | None = None, top_entities: int = 300,
                          random_state: int = 0) -> dict[str, pd.DataFrame]:
    """The store's tables: entity_clusters, entity_cluster_assignments,
    entity_cluster_selection, entity_cooccurrence, entity_communities."""
    result = cluster_articles(mentions, articles, n_clusters=n_clusters, random_state=random_state)
    min_count = auto_min_count(len(articles)) if min_count is None else min_count
    edges = cooccurrence(mentions, unit=unit, min_count=min_count, top_entities=top_entities)
    return {"entity_clusters": result["clusters"], "entity_cluster_assignments": result["assignments"],
            "entity_cluster_selection": result["selection"], "entity_cooccurrence": edges,
            "entity_communities": entity_communities(edges, seed=random_state),
            "model_entity_clusters": model_table(result["model"])}


def entity_clusters_report(clusters: pd.DataFrame, communities: pd.DataFrame) -> dict:
    """The report's "entity_clusters" section from the stored tables."""
    arts = [{"id": int(r.cluster), "label": r.label, "entities": list(r.entities), "articles": list(r.articles)}
            for r in clusters.itertuples()]
    comms = [{"id": int(c), "label": g["label"].iloc[0], "entities": g["entity"].tolist()}
             for c, g in communities.groupby("community", sort=True)] if len(communities) else []
    return {"articles": arts, "communities": comms}
