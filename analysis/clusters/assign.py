"""Articles added later placed in the entity clusters fitted before, with the model saved at
the fit (entity names, IDF, LSA components when the fit used them, KMeans centres): an
article that was in the fit gets the cluster it got there. An article that names none of
the fitted entities is cluster -1, as an article without entities is. The clusters'
defining entities and labels stay as fitted until the next full build; sizes grow. The
entity co-occurrence network and its communities are not updated (the build marks them
stale). Pure functions: DataFrames in, DataFrames out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from analysis.clusters.entities import CLUSTER_COLUMNS, NO_ENTITIES
from analysis.topics.assign import nearest_centre


def assign_clusters(model: dict | None, mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """(article_id, cluster) of the given articles, sorted by article id."""
    ids = sorted(articles["id"].astype(str).unique())
    out = pd.DataFrame({"article_id": ids, "cluster": -1})
    if model is None or not ids:
        return out
    names = pd.Index(model["names"])
    m = mentions[["article_id", "entity"]].dropna().astype({"article_id": str})
    m = m[m["article_id"].isin(set(ids))]
    counts = m.groupby(["article_id", "entity"]).size()
    col = names.get_indexer(counts.index.get_level_values(1))
    known = col >= 0
    row = pd.Index(ids).get_indexer(counts.index.get_level_values(0))
    x = sp.csr_matrix((counts.to_numpy(dtype=float)[known], (row[known], col[known])), shape=(len(ids), len(names)))
    has = np.asarray(x.getnnz(axis=1)) > 0
    if not has.any():
        return out
    tfidf = model["idf"].transform(x[has])
    emb = tfidf if model["svd"] is None else normalize(np.asarray(tfidf @ model["svd"].components_.T))
    out.loc[has, "cluster"] = nearest_centre(emb, model["centers"])
    return out.astype({"cluster": int})


def add_to_clusters(clusters: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """The clusters table with the new articles counted in (a "no entities" row is added
    when a new article is the first without)."""
    out = clusters.copy()
    if (assignments["cluster"] == -1).any() and not (out["cluster"] == -1).any():
        out = pd.concat([out, pd.DataFrame([{"cluster": -1, "label": NO_ENTITIES, "entities": [], "size": 0,
                                             "articles": []}])], ignore_index=True)
    for i, row in out.iterrows():
        ids = assignments.loc[assignments["cluster"] == row["cluster"], "article_id"].astype(str).tolist()
        if ids:
            out.at[i, "articles"] = sorted(set(map(str, row["articles"])) | set(ids))
            out.at[i, "size"] = int(row["size"]) + len(ids)
    return out[CLUSTER_COLUMNS]
