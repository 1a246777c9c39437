"""Sentence co-occurrence of entities, read per entity when a chart asks for it.

The co-occurrence network of the Entities page links the 30 most mentioned entities of the
selection by the sentences that mention two of them. The corpus-wide table of every pair in
every sentence (a self-join of all mentions: 2.9 million rows, 7 s of CPU at 37k articles,
per server process) is not needed for that: each entity's sentences are read from the
mentions once, when the entity is first asked for (one DuckDB scan for all the missing
ones), kept as (article position, sentence) arrays, and the pairs of the asked entities
are counted in memory for the selection's mask.
"""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd


class SentenceIndex:
    """Each asked entity's distinct (article position, sentence) pairs; `read(entity_ids)`
    returns the distinct (entity_id, pos, sentence) rows of these entities' mentions in the
    corpus (pos: the article's position; no row without a sentence), sorted so."""

    def __init__(self, read):
        self._read = read
        self._kept: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._lock = threading.Lock()   # sessions run in threads: one reads what is missing

    def sentences(self, entity_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(art, sentence, entity id) of every distinct sentence mention of these entities."""
        with self._lock:
            missing = [int(e) for e in entity_ids if int(e) not in self._kept]
            if missing:
                self._keep(missing)
            parts = [self._kept[int(e)] for e in entity_ids]
        arts = [p[0] for p in parts]
        sents = [p[1] for p in parts]
        eids = [np.full(len(p[0]), int(e), dtype=np.int64) for e, p in zip(entity_ids, parts)]
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(arts), np.concatenate(sents), np.concatenate(eids)

    def _keep(self, missing: list[int]) -> None:
        df = self._read(missing)   # entity_id, pos, sentence: distinct, in that order
        eid, art, sent = (df[c].to_numpy().astype(np.int64) for c in ("entity_id", "pos", "sentence"))
        bounds = np.searchsorted(eid, missing, side="left"), np.searchsorted(eid, missing, side="right")
        for e, lo, hi in zip(missing, *bounds):
            self._kept[e] = (art[lo:hi], sent[lo:hi])

    def cooccurrences(self, mask: np.ndarray, entity_ids) -> pd.DataFrame:
        """(a, b, n): how many sentences of the masked articles mention both entities (a < b),
        most first, ties by a, b. The rows sorted by sentence, the pairs of a sentence are the
        rows d apart in it (d = 1, 2, ...: as many steps as the most entities in one sentence),
        counted over entity numbers 0..m-1."""
        keep = np.unique(np.asarray(list(map(int, entity_ids)), dtype=np.int64))
        art, sent, eid = self.sentences(keep)
        on = mask[art] if len(art) else np.zeros(0, dtype=bool)
        art, sent, eid = art[on], sent[on], np.searchsorted(keep, eid[on])
        width = int(sent.max()) + 1 if len(sent) else 1
        key = art * width + sent
        order = np.argsort(key, kind="stable")
        key, eid = key[order], eid[order]
        m = len(keep)
        counts = np.zeros(m * m, dtype=np.int64)
        for d in range(1, len(key)):
            same = np.flatnonzero(key[d:] == key[:-d])
            if not len(same):
                break
            x, y = eid[same], eid[same + d]
            counts += np.bincount(np.minimum(x, y) * m + np.maximum(x, y), minlength=m * m)
        pair = np.flatnonzero(counts)
        out = pd.DataFrame({"a": keep[pair // m], "b": keep[pair % m], "n": counts[pair]})
        out = out.sort_values(["n", "a", "b"], ascending=[False, True, True]).reset_index(drop=True)
        return out.astype("int64")
