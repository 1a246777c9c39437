"""A first build's head start: the NER workers forked before anything else, each loading spaCy
and the model while this process imports the build's modules and reads the articles; then,
while they run (this process only waits for them), the analyses' modules and the gazetteer.

Light to import (the command line calls it before importing the build): json and paths only.
"""
from __future__ import annotations

import json
from pathlib import Path

from analysis import config

# From this much input (about 100 articles of news text), a first build forks its NER workers
# before anything else: below 200 articles a build runs NER in its own process (build/core.py).
EARLY_NER_FROM_BYTES = config.env_int("NEWS_EARLY_NER_FROM_BYTES", 1_000_000)


def start_ner_early(paths: list[str], store: str | Path | None, *, model: str | None, jobs: int,
                    batch_size: int) -> bool:
    """A corpus with no whole build in its store yet (what a new user runs first) and enough
    text to need NER workers: fork them now (ner.start_workers) and give this process its work
    for the time they run (ner.while_ner). Returns whether it did; a build that needs no NER
    (all of it cached) or runs it elsewhere (a staged build's own process) ends them unused
    (ner.stop_workers)."""
    if jobs < 2 or _has_whole_build(Path(store or config.default_store(paths))) \
            or _input_bytes(paths) < EARLY_NER_FROM_BYTES:
        return False
    from analysis.entities.ner import start_workers, while_ner   # lazy: forks before the build's imports

    start_workers(model, jobs, batch_size)
    while_ner(prepare_analyses)
    return True


def prepare_analyses() -> None:
    """While the NER workers run: the analyses' modules (scikit-learn: seconds) and the gazetteer."""
    import analysis.build.report, analysis.compare.sources, analysis.stories.find, analysis.topics.fit  # noqa: E401,F401  lazy: a head start
    from analysis.entities.gazetteer import gazetteer   # lazy: a head start

    gazetteer()


def _has_whole_build(root: Path) -> bool:   # Store.complete without importing the store
    try:
        meta = json.loads((root / "meta.json").read_text())
        return bool(meta.get("generation")) and not meta.get("partial")
    except (OSError, ValueError, AttributeError):
        return False


def _input_bytes(paths: list[str]) -> int:   # enough to decide: stops at EARLY_NER_FROM_BYTES
    total = 0
    for f in (f for p in map(Path, paths) for f in (p.rglob("*") if p.is_dir() else [p])):
        try:
            total += f.stat().st_size if f.is_file() else 0
        except OSError:
            pass
        if total >= EARLY_NER_FROM_BYTES:
            break
    return total
