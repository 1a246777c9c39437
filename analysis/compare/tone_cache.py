"""Sentence tones by content, kept between builds: the VADER score of each distinct
sentence text, under a 64-bit hash of the text, as append-only Parquet parts.

Scoring is most of the outlet comparison on a large corpus (37k articles: 1.5M sentences,
about two minutes on both cores), and it is a pure function of the sentence's text, as NER
is of the article's: like the NER cache, a rebuild (new rules, an added file, a refit)
scores only the sentences it has not seen. The folder's name carries the VADER version and
the scoring rule's, so a change of either starts a new cache. A damaged part is skipped
(its sentences are scored again).
"""
from __future__ import annotations

import os
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

RULE = 1   # compound_scores's rule (tone.py): bump when it changes what a text scores


def folder_name() -> str:
    try:
        vader = version("vaderSentiment")
    except PackageNotFoundError:
        vader = "unknown"
    return f"tone-vader-{vader}-r{RULE}"


def text_hashes(texts) -> np.ndarray:
    """The 64-bit content hash of each text (pandas' hash of the string)."""
    return pd.util.hash_array(np.asarray(texts, dtype=object), categorize=False)


class ToneCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def parts(self) -> list[Path]:
        return sorted(self.root.glob("part-*.parquet")) if self.root.exists() else []

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """The cached score of each hash, NaN where there is none."""
        out = np.full(len(hashes), np.nan)
        frames = []
        for part in self.parts():
            try:
                frames.append(pd.read_parquet(part))
            except Exception:   # a damaged part: its sentences are scored again
                continue
        if frames and len(hashes):
            known = pd.concat(frames, ignore_index=True).drop_duplicates("hash").set_index("hash")["compound"]
            out = np.array(known.reindex(hashes), dtype=float)   # a writable copy
        return out

    def add(self, hashes: np.ndarray, scores: np.ndarray) -> None:
        if not len(hashes):
            return
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"part-{time.time_ns():020d}-{os.getpid()}.parquet"
        tmp = path.with_suffix(".tmp")
        pd.DataFrame({"hash": np.asarray(hashes, dtype=np.uint64),
                      "compound": np.asarray(scores, dtype=float)}).to_parquet(tmp, index=False)
        os.replace(tmp, path)
