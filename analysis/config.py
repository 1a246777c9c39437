"""Paths and settings in one place (overridable by environment variables)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWS_DATA", REPO / "data"))
SEEDS = REPO / "seeds"
NER_CACHE = Path(os.environ.get("NEWS_NER_CACHE", DATA / "cache"))
MAX_FILE_BYTES = int(os.environ.get("NEWS_MAX_FILE_BYTES", 200_000_000))
UPLOADS = DATA / "uploads"


def default_store(paths: list[str]) -> Path:
    """data/store/<first input's name>-<hash of all inputs>: one store per corpus."""
    resolved = sorted(str(Path(p).resolve()) for p in paths)
    digest = hashlib.sha1("\n".join(resolved).encode()).hexdigest()[:8]
    name = Path(resolved[0]).name.split(".")[0] if resolved else "corpus"
    return DATA / "store" / f"{name}-{digest}"


def ner_cache_dir(model: str) -> Path:
    return NER_CACHE / f"ner-{model}"
