"""A fitted topic level's model, saved with the store: what places a text added later in
the topics fitted before (analysis.topics.assign), without fitting again.

The model holds the vectorizer's vocabulary (and its analyser settings), the IDF, the LSA
components, the KMeans centres (row i: topic i), the entity names the vectorizer joined
into single tokens, and the axes of the 2-D document map. It is stored as one table of
one row (the pickled dict), so that it travels with the other tables of a build.
"""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd


def map_axes(embedding: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, the first two principal axes) of the LSA embedding, each axis signed so that
    its largest loading is positive (so the map never flips between runs)."""
    mean = embedding.mean(axis=0)
    _, _, vt = np.linalg.svd(embedding[:20_000] - mean, full_matrices=False)
    vt = vt[:2] * np.sign(vt[np.arange(min(2, len(vt)))[:, None], np.abs(vt[:2]).argmax(axis=1)[:, None]])
    return mean, vt


def topic_model(vec, centers: np.ndarray | None, entity_names, *, level: str) -> dict | None:
    """The parts of a fit that assign a new text (None when nothing was fitted)."""
    if vec.vectorizer is None or centers is None or not len(vec.embedding):
        return None
    vectorizer = copy.copy(vec.vectorizer)
    vectorizer.stop_words_ = None   # the pruned terms: millions at 37k, not needed to transform
    vars(vectorizer).pop("_stop_words_id", None)   # a memory address: two equal fits, two pickles
    mean, axes = map_axes(vec.embedding) if len(vec.embedding) > 1 and vec.embedding.shape[1] else (None, None)
    return {"level": level, "vectorizer": vectorizer, "idf": vec.idf, "svd": vec.svd,
            "centers": np.asarray(centers), "entity_names": sorted(map(str, entity_names)),
            "map_mean": mean, "map_axes": axes, "units": len(vec.embedding)}


def model_table(model: dict | None) -> pd.DataFrame:
    """A model as a store table (one row: the pickled model; no row: no model). Each part is
    pickled as loaded from a pickle: equal fits give equal bytes whichever process made them
    (a model sent back from a forked stage shares objects differently, which a pickle shows)."""
    parts = {k: pickle.dumps(pickle.loads(pickle.dumps(v, protocol=5)), protocol=5)   # shared objects as
             for k, v in model.items()} if model is not None else None                 # a load makes them
    rows = [pickle.dumps(parts, protocol=5)] if parts is not None else []
    return pd.DataFrame({"model": pd.Series(rows, dtype=object)})


def model_of(table: pd.DataFrame | None) -> dict | None:
    """The model a store table holds (None: no model)."""
    if table is None or table.empty:
        return None
    return {k: pickle.loads(v) for k, v in pickle.loads(table["model"].iloc[0]).items()}
