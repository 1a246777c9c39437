"""New texts placed in the topics fitted before, with the model saved at the fit
(analysis.topics.model): the same text -> TF-IDF -> LSA path as the fit, then the nearest
KMeans centre. A text that was in the fit gets the topic and the map position it got
there; the topics themselves (terms, labels, representatives) stay as fitted until the
next full build, only their counts grow. Pure functions: DataFrames in, DataFrames out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.topics.fit import _texts_with_entities, topic_units, unit_mentions
from analysis.topics.vectors import entity_pattern, join_entities, lsa_transform


def embed(model: dict, texts: list[str]) -> np.ndarray:
    """The LSA embedding of texts (each already with its entity tokens), as the fit made it."""
    if not texts:
        return np.zeros((0, model["centers"].shape[1]))
    pattern = entity_pattern(model["entity_names"])
    docs = [join_entities(t or "", pattern) for t in texts]
    tfidf = model["idf"].transform(model["vectorizer"].transform(docs)).tocsr()
    return lsa_transform(model["svd"], tfidf)


def nearest_centre(embedding: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The row of the nearest centre (Euclidean, as KMeans assigns) for each row."""
    if not embedding.shape[0]:
        return np.zeros(0, dtype=int)
    dist = (centers ** 2).sum(axis=1)[None, :] - 2.0 * np.asarray(embedding @ centers.T)
    return dist.argmin(axis=1).astype(int)


def assign_topics(model: dict, articles: pd.DataFrame, passages: pd.DataFrame, mentions: pd.DataFrame,
                  *, level: str) -> dict[str, pd.DataFrame]:
    """{"assignments": article_id[, passage], topic; "coords": article_id, passage, x, y}
    of the given articles (or their passages), placed with the model of that level."""
    units = topic_units(articles, passages, level=level)
    ments = unit_mentions(mentions, level=level)
    emb = embed(model, _texts_with_entities(units, ments))
    units = units.assign(topic=nearest_centre(emb, model["centers"]))
    xy = np.zeros((len(units), 2))
    if model.get("map_axes") is not None and len(units):
        axes = model["map_axes"]
        xy[:, :axes.shape[0]] = (emb - model["map_mean"]) @ axes.T
    key = ["article_id", "topic"] if level == "articles" else ["article_id", "passage", "topic"]
    coords = units[["article_id", "passage"]].assign(x=np.round(xy[:, 0], 6), y=np.round(xy[:, 1], 6))
    return {"assignments": units[key].reset_index(drop=True), "coords": coords.reset_index(drop=True)}


def add_to_topics(topics: pd.DataFrame, assignments: pd.DataFrame, passages: pd.DataFrame, *,
                  level: str) -> pd.DataFrame:
    """The topics table with the new units counted in: size, articles and passages grow;
    terms, labels, entities and representatives stay as the fit described them."""
    out = topics.copy()
    new = assignments.assign(article_id=assignments["article_id"].astype(str))
    n_passages = passages.groupby(passages["article_id"].astype(str)).size()
    for i, row in out.iterrows():
        mine = new[new["topic"] == row["topic"]]
        if mine.empty:
            continue
        ids = sorted(set(mine["article_id"]))
        out.at[i, "articles"] = sorted(set(map(str, row["articles"])) | set(ids))
        out.at[i, "size"] = int(row["size"]) + len(mine)
        added = len(mine) if level == "passages" else int(n_passages.reindex(ids).fillna(0).sum())
        out.at[i, "passages"] = int(row["passages"]) + added
    return out
