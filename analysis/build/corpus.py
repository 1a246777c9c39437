"""A corpus as the frame and the command line name it: its paths, its store, its uploads
folder and manifest, and the decisions to build it (the read side never builds)."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from analysis import config
from analysis.build import stages
from analysis.build.entity_edits import apply_entity_rules, refresh_stale
from analysis.build.incremental import update
from analysis.build.pipeline import build, ensure_built, progressive_build
from analysis.build.store import Store
from analysis.ingest.sidefiles import ALIASES, MANIFEST, side_file


def corpus_paths(argv: list[str] | None = None) -> list[str]:
    """The corpus to open: command-line paths, else $NEWS_CORPUS (one per line), else the seeds."""
    if argv:
        return [str(p) for p in argv]
    env = os.environ.get("NEWS_CORPUS", "")
    paths = [line.strip() for line in env.splitlines() if line.strip()]
    return paths or [str(config.SEEDS)]


def corpus_name(paths: list[str]) -> str:
    return config.default_store(paths).name


def uploads_dir(paths: list[str]) -> Path:
    """Where files uploaded in the browser are saved: data/uploads/<corpus>/."""
    return config.uploads_dir() / corpus_name(paths)


def corpus_inputs(paths: list[str]) -> list[str]:
    """The corpus paths plus its uploads folder (when it holds files)."""
    up = uploads_dir(paths)
    return list(paths) + ([str(up)] if up.is_dir() and any(up.iterdir()) else [])


def manifest_path(paths: list[str]) -> Path:
    """The corpus's manifest.csv (existing, else beside the first input)."""
    found = side_file(paths, MANIFEST)
    if found:
        return found
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / MANIFEST


def aliases_path(paths: list[str]) -> Path:
    """The corpus's aliases.csv (existing, else beside the first input)."""
    found = side_file(paths, ALIASES)
    if found:
        return found
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / ALIASES


def store_generation(paths: list[str]) -> str:
    """The store's current generation (changes with every build): the cache key of a Corpus."""
    try:
        return str(Store(config.default_store(paths)).meta().get("generation", ""))
    except Exception:
        return ""


def ensure_store(paths: list[str]) -> tuple[Store, list[str]]:
    """Build the corpus's store if its files (uploads included) changed; the store and notes.
    Files only added: their articles are placed with the saved models (build/incremental.py).
    A build already going on (run.sh's, the command line's, another session's): the store as
    it is (that build publishes what it has done, or commits at its end). A large corpus
    never built whole: its build starts in a process of its own (start_build) and the store
    is returned at once, to be shown stage by stage (build/staged.py)."""
    inputs, root = corpus_inputs(paths), config.default_store(paths)
    store = Store(root)
    if store.build_running():
        return store, []
    if not store.complete() and progressive_build(store, input_bytes(inputs), stages.run):
        start_build(paths, root)
        return store, []
    added = update(inputs, store)
    if added is not None:
        return added.store, added.messages + [str(e) for e in added.errors]
    return ensure_built(inputs, store_dir=root)


def apply_entity_edit(paths: list[str], *, edit: str = "") -> dict[str, float]:
    """After an edit of aliases.csv: the store's entities follow it without NER (entity_edits)."""
    return apply_entity_rules(corpus_inputs(paths), Store(config.default_store(paths)), edit=edit)


def refresh_entity_analyses(paths: list[str]) -> dict[str, float]:
    """The analyses entity edits left stale, made again (entity_edits.refresh_stale)."""
    return refresh_stale(corpus_inputs(paths), Store(config.default_store(paths)))


def rebuild(paths: list[str]) -> tuple[Store, list[str]]:
    """Build again after an edit or an upload: only new content goes through NER; when
    files were only added (an upload), their articles are placed with the saved models
    (build/incremental.py), else everything is fitted again."""
    inputs, root = corpus_inputs(paths), config.default_store(paths)
    result = update(inputs, Store(root))
    if result is None:
        result = build(inputs, store_dir=root, progress=False, extras=stages.run)
    return result.store, result.messages + [str(e) for e in result.errors]


def refit(paths: list[str]) -> tuple[Store, list[str]]:
    """The full build, every model fitted again on the whole corpus (the dashboard's button
    once the articles added since the last one pass incremental.REFIT_SHARE)."""
    result = build(corpus_inputs(paths), store_dir=config.default_store(paths), progress=False, extras=stages.run)
    return result.store, result.messages + [str(e) for e in result.errors]


def input_bytes(paths: list[str]) -> int:
    """The size of the input files (no hashing: what decides whether a build is progressive)."""
    total = 0
    for p in map(Path, paths):
        for f in (p.rglob("*") if p.is_dir() else [p]):
            try:
                total += f.stat().st_size if f.is_file() else 0
            except OSError:
                pass
    return total


_STARTING = threading.Lock()


def build_state(paths: list[str]) -> tuple[bool, dict]:
    """(whether a build of the corpus is going on, its progress.json: build/progress.py)."""
    store = Store(config.default_store(paths))
    return store.build_running(), store.progress()


def build_log(paths: list[str]) -> Path:
    """Where a build that start_build started writes its output."""
    return config.default_store(paths) / "build.log"


def start_build(paths: list[str], root: Path | None = None, *, inputs: list[str] | None = None,
                wait: float = 20.0) -> None:
    """`python -m analysis build` of the corpus (uploads included) into its store in a process
    of its own (it outlives the dashboard; its output goes to <store>/build.log). Returns once
    that process holds the store's build lock, so that another session sees the build going
    on instead of starting a second one."""
    inputs = inputs or corpus_inputs(paths)
    root = Path(root or config.default_store(paths))
    root.mkdir(parents=True, exist_ok=True)
    store = Store(root)
    with _STARTING:
        if store.build_running():
            return
        with open(root / "build.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "analysis", "build", *inputs, "--store", str(root), "--quiet"],
                                    cwd=config.REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        end = time.monotonic() + wait
        while proc.poll() is None and not store.build_running() and time.monotonic() < end:
            time.sleep(0.05)
