"""The build: files -> articles -> NER (cached) -> canonical entities -> the store.

Each step is a function of the previous step's tables (build/core.py); this module only
wires them together, shows progress and writes the store. A large corpus, or a new one,
is built stage by stage (build/staged.py).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from analysis import config
from analysis.build import stages
from analysis.build.core import (BuildResult, analyse_new, assemble, core_tables, meta_of, partial_meta,  # noqa: F401
                                 read_articles)
from analysis.build.staged import build_staged
from analysis.entities.ner import model_name, stop_workers
from analysis.build.signature import input_files, inputs_signature, known_files, signature_of
from analysis.build.progress import ANALYSES, Progress
from analysis.build.store import Store
from analysis.ingest.sidefiles import ALIASES, MANIFEST, read_aliases, read_manifest, side_file

# From this many bytes of input files (the 37k corpus: 90 MB of gzip), a build runs in
# stages, each in its own process (_build_staged): peak memory is the core tables plus
# one analysis, not everything every step left behind.
STAGED_FROM_BYTES = config.env_int("NEWS_STAGED_FROM_BYTES", 20_000_000)


def build(paths: list[str], *, store_dir: str | Path | None = None, model: str | None = None,
          n_process: int = 2, batch_size: int = 32, mapping=None, progress: bool = True,
          n_topics: int | None = None, extras: Callable | None = None, naive: bool = False,
          scheduler: str | None = None) -> BuildResult:
    """Build (or update) the store of a corpus. Only new content goes through NER.
    One build at a time per store (two browser tabs saving at once, or the dashboard and
    the command line): the second waits, then reads the inputs with the first's changes."""
    store = Store(store_dir or config.default_store(paths))
    with store.build_lock():
        return _build(paths, store, model=model, n_process=n_process, batch_size=batch_size, mapping=mapping,
                      progress=progress, n_topics=n_topics, extras=extras, naive=naive, scheduler=scheduler)


def _build(paths, store, *, model, n_process, batch_size, mapping, progress, n_topics, extras, naive,
           scheduler) -> BuildResult:
    t0 = time.perf_counter()
    model = model_name(model)
    files = input_files(paths, known_files(store))
    signature = signature_of(files)  # before reading: an edit made during the build shows as a change
    manifest, errors = read_manifest(side_file(paths, MANIFEST))
    rules, alias_errors = read_aliases(side_file(paths, ALIASES))
    errors += alias_errors
    size = sum(f[1] for f in files.values())
    watch = Progress(store.root)
    progressive = progressive_build(store, size, extras)
    try:
        if size >= STAGED_FROM_BYTES or progressive:
            stop_workers()   # NER runs in the staged build's own process: workers started early would idle
            return build_staged(paths, store, t0=t0, files=files, signature=signature, errors=errors,
                                manifest=manifest, rules=rules, model=model, n_process=n_process,
                                batch_size=batch_size, mapping=mapping, progress=progress, n_topics=n_topics,
                                with_analyses=extras is not None, naive=naive, scheduler=scheduler,
                                watch=watch, progressive=progressive)
        tables, core = core_tables(paths, mapping=mapping, manifest=manifest, rules=rules, model=model,
                                   n_process=n_process, batch_size=batch_size, progress=progress, naive=naive,
                                   scheduler=scheduler, watch=watch)
        stop_workers()   # NER is done: workers started early that it did not need (all cached) end now
        result = BuildResult(store, errors + core["errors"], list(core["messages"]), core["analysed"])
        timings = result.timings
        timings.update(core["timings"])
        if extras is not None:
            for stage in ANALYSES:
                watch.start(stage, len(tables["articles"]))
            tables.update(extras(tables, n_topics=n_topics, rules=rules, jobs=n_process))
            for stage in ANALYSES:
                watch.finish(stage, len(tables["articles"]))
        timings["analysis"] = time.perf_counter() - t0 - timings["read"] - timings["ner"]
        store.commit(tables, meta_of(paths, model, tables["articles"], result.errors, result.analysed, signature,
                                     files))
    except BaseException as exc:
        watch.fail(f"{exc.__class__.__name__}: {exc}")
        raise
    timings["total"] = time.perf_counter() - t0
    return result


# A first build (no whole build in the store yet) of at least this many bytes of input files
# is progressive (build/staged.py): its articles show in the dashboard before NER, then
# every stage as it lands.
PROGRESSIVE_FROM_BYTES = config.env_int("NEWS_PROGRESSIVE_FROM_BYTES", 2_000_000)


def progressive_build(store: Store, size: int, extras) -> bool:
    return extras is not None and size >= PROGRESSIVE_FROM_BYTES and not store.complete()


def ensure_built(paths: list[str], *, store_dir=None, progress: bool = False, **kw) -> tuple[Store, list[str]]:
    """The store of a corpus, built or rebuilt when missing, damaged or out of date.
    Returns the store and messages that say what was done and why."""
    store = Store(store_dir or config.default_store(paths))
    problems = store.problems()
    meta = {} if problems else store.meta()
    signature = inputs_signature(paths, meta.get("input_files"))
    if not problems and meta.get("signature") == signature:
        return store, []
    messages = [f"store {store.root} rebuilt: {p}" for p in problems if "no meta.json" not in p]
    if not problems:
        messages.append("the input files changed since the last build: new articles analysed")
    result = build(paths, store_dir=store.root, progress=progress, extras=stages.run, **kw)
    return result.store, messages + result.messages
