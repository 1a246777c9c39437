"""The build: files -> articles -> NER (cached) -> canonical entities -> the store.

Each step is a function of the previous step's tables; this module only wires
them together, shows progress and writes the store.
"""
from __future__ import annotations

import gc
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from analysis import config
from analysis.build import stages
from analysis.build.processes import Forked
from analysis.entities.canonical import key_tables, resolve_keys
from analysis.entities.rekey import entities_with_state
from analysis.ingest.boilerplate import boilerplate_summary
from analysis.ingest.outlets import USER_FILE as OUTLETS, load_outlets
from analysis.ingest.articles import article_entity_counts, build_passages, map_ner, unique_ids
from analysis.entities.ner import model_name, run_ner
from analysis.ingest.readers import iter_documents
from analysis.ingest.reading import read_records
from analysis.ingest.records import ReadError
from analysis.build.signature import input_files, inputs_signature, known_files, signature_of
from analysis.build.store import NerCache, Store
from analysis.ingest.sidefiles import ALIASES, MANIFEST, read_aliases, read_manifest, side_file

NER_ROUND = 4000       # articles per round of NER worker processes
FLUSH_EVERY = config.env_int("NEWS_FLUSH_EVERY", 256)  # articles per NER cache part: at most this much work is lost to a kill
# From this many bytes of input files (the 37k corpus: 90 MB of gzip), a build runs in
# stages, each in its own process (_build_staged): peak memory is the core tables plus
# one analysis, not everything every step left behind.
STAGED_FROM_BYTES = config.env_int("NEWS_STAGED_FROM_BYTES", 20_000_000)


@dataclass
class BuildResult:
    store: Store
    errors: list[ReadError] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    analysed: int = 0          # articles that went through NER in this run
    timings: dict = field(default_factory=dict)


def read_articles(paths: list[str], *, mapping=None, max_bytes=config.MAX_FILE_BYTES,
                  manifest=None, docs=None) -> tuple[pd.DataFrame, list[ReadError]]:
    """Read and clean every article; bad files become errors, good ones records. The
    outlet table is the shipped one extended by an outlets.csv beside the corpus; lines
    recurring across many articles of an outlet are removed as furniture (with the reason).
    docs: the documents to read instead of all of the paths' (files added to a corpus)."""
    outlets = load_outlets(str(side_file(paths, OUTLETS) or "") or None)
    items = docs if docs is not None else iter_documents(paths, mapping=mapping, max_bytes=max_bytes)
    records, errors = read_records(items, manifest=manifest, outlets=outlets)
    articles = pd.DataFrame(records, columns=_ARTICLE_COLUMNS)
    articles["id"] = unique_ids(articles["id"].tolist())
    return articles, errors


_ARTICLE_COLUMNS = ["id", "hash", "file", "title", "title_how", "title_evidence", "source",
                    "source_how", "source_evidence", "published", "published_how",
                    "published_evidence", "month", "url", "text", "removed", "n_words"]


def analyse_new(articles: pd.DataFrame, cache: NerCache, *, model: str, n_process: int,
                batch_size: int, progress: bool = True, naive: bool = False,
                scheduler: str | None = None) -> int:
    """Run NER on the articles whose content hash is not cached yet. Returns the count."""
    done = cache.hashes()
    todo = articles.drop_duplicates("hash")
    todo = todo[~todo["hash"].isin(done)]
    if todo.empty:
        return 0
    bar = _progress(len(todo), "entities", progress)
    if scheduler:
        from analysis.build.distributed import analyse_on_cluster   # lazy: dask loads only for a cluster build

        pairs = list(zip(todo["hash"], todo["text"]))
        n = analyse_on_cluster(pairs, cache, scheduler=scheduler, model=model, on_done=bar.update)
        bar.close()
        return n
    batch: list = []
    # rounds of NER_ROUND articles, each with fresh worker processes: spaCy's string store
    # grows with every new word, so long-lived workers would grow without bound
    for lo in range(0, len(todo), NER_ROUND):
        part = todo.iloc[lo:lo + NER_ROUND]
        pairs = zip(part["hash"], part["text"])
        # the workers are forked: with the parent's objects frozen, the children's garbage
        # collector never touches (and so never copies) the parent's gigabyte of articles
        gc.collect()
        gc.freeze()
        try:
            for key, rec in run_ner(pairs, model=model, n_process=n_process, batch_size=batch_size, naive=naive):
                batch.append((key, rec))
                bar.update(1)
                if len(batch) >= FLUSH_EVERY:
                    cache.add(batch)
                    batch = []
        finally:
            gc.unfreeze()
    if batch:
        cache.add(batch)
    bar.close()
    return len(todo)


def _progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="art", disable=not enabled or total < 50,
                file=sys.stderr, smoothing=0.1)


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
    if sum(f[1] for f in files.values()) >= STAGED_FROM_BYTES:
        return _build_staged(paths, store, t0=t0, files=files, signature=signature, errors=errors,
                             manifest=manifest, rules=rules, model=model, n_process=n_process,
                             batch_size=batch_size, mapping=mapping, progress=progress, n_topics=n_topics,
                             with_analyses=extras is not None, naive=naive, scheduler=scheduler)
    tables, core = core_tables(paths, mapping=mapping, manifest=manifest, rules=rules, model=model,
                               n_process=n_process, batch_size=batch_size, progress=progress, naive=naive,
                               scheduler=scheduler)
    result = BuildResult(store, errors + core["errors"], list(core["messages"]), core["analysed"])
    timings = result.timings
    timings.update(core["timings"])
    if extras is not None:
        tables.update(extras(tables, n_topics=n_topics, rules=rules, jobs=n_process))
    timings["analysis"] = time.perf_counter() - t0 - timings["read"] - timings["ner"]
    store.commit(tables, _meta(paths, model, tables["articles"], result.errors, result.analysed, signature, files))
    timings["total"] = time.perf_counter() - t0
    return result


def _meta(paths, model, articles, errors, analysed, signature, files) -> dict:
    return {"paths": [str(Path(p).resolve()) for p in paths], "model": model,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "articles": len(articles),
            "boilerplate": boilerplate_summary(articles["source"], articles["removed"]),
            "errors": [{"file": e.file, "error": e.error} for e in errors if not e.skipped],
            "skipped": [{"file": e.file, "reason": e.error} for e in errors if e.skipped],
            "analysed_this_run": analysed,
            "signature": signature, "input_files": files}


def _build_staged(paths, store, *, t0, files, signature, errors, manifest, rules, model, n_process,
                  batch_size, mapping, progress, n_topics, with_analyses, naive, scheduler) -> BuildResult:
    """The build of a large corpus, one process per stage: reading, NER and the core tables
    in one (they go to a staging generation of the store), then each analysis in its own,
    its tables written as it ends. This process only reads the compact core tables back
    from Parquet, so its memory holds them and nothing else; a stage's peak ends with it."""
    staging = store.staging()
    core = Forked(_core_stage, paths, staging, mapping=mapping, manifest=manifest, rules=rules, model=model,
                    n_process=n_process, batch_size=batch_size, progress=progress, naive=naive,
                    scheduler=scheduler, retry=False, alone=True).result()
    result = BuildResult(store, errors + core["errors"], list(core["messages"]), core["analysed"])
    result.timings.update(core["timings"])
    names = list(core["names"])
    tables = {name: pd.read_parquet(staging / f"{name}.parquet") for name in names}
    infos = {}
    chars = int(tables["articles"]["text"].str.len().sum())
    parallel = 2 if n_process > 1 and chars <= stages.PARALLEL_MAX_CHARS else 1
    for stage, done, seconds in _run_stages(stages.STAGES if with_analyses else (), tables, staging,
                                            n_topics=n_topics, rules=rules, parallel=parallel):
        names += done["names"]
        if "info" in done:
            infos[done["level"]] = done["info"]
        result.timings[f"analysis: {stage}"] = seconds
    if infos:   # the document map and topic_info join the two topic levels
        parts = {level: staging / f"_doc_map_{level}.parquet" for level in ("articles", "passages")}
        joined = stages.topic_map_tables([pd.read_parquet(parts[level]) for level in parts],
                                    [infos[level] for level in parts])
        for name, df in joined.items():
            store.write_staged(staging, name, df)
            names.append(name)
        for part in parts.values():
            part.unlink()
    result.timings["analysis"] = time.perf_counter() - t0 - result.timings["read"] - result.timings["ner"]
    store.commit({}, _meta(paths, model, tables["articles"], result.errors, result.analysed, signature, files),
                 staged=staging, staged_names=names)
    result.timings["total"] = time.perf_counter() - t0
    return result


# The analyses, longest first (4,000 AllSides articles: passage topics 159 s, outlet comparison
# 144, entity clusters 82, article topics 80, places 28, stories 15), so that two at a time
# end close together.
LONGEST_FIRST = ("topics passages", "sources", "entity clusters", "topics articles", "places", "stories")


def _run_stages(names, tables: dict, staging: Path, *, n_topics, rules, parallel: int):
    """Each analysis in a forked child of its own, `parallel` of them at a time (two: most
    of an analysis runs on one core, so one at a time left the other core idle); yields
    (stage, what _analysis_stage returned, seconds) as each ends. One at a time (a large
    corpus) the peak memory is the core tables plus one analysis; two at a time, plus two."""
    from multiprocessing.connection import wait

    order = {name: i for i, name in enumerate(LONGEST_FIRST)}
    pending = sorted(names, key=lambda n: order.get(n, len(order)))
    running: dict = {}
    try:
        while pending or running:
            while pending and len(running) < parallel:
                stage = pending.pop(0)
                child = Forked(_analysis_stage, stage, tables, staging, n_topics=n_topics, rules=rules,
                               retry=False, alone=parallel == 1)
                running[child.conn] = (stage, child, time.perf_counter())
            for conn in wait(list(running)):
                stage, child, started = running.pop(conn)
                yield stage, child.result(), time.perf_counter() - started
    finally:   # a stage failed: the other one stops too (it would write into a dead generation)
        for _, child, _ in running.values():
            child.proc.terminate()
            child.proc.join()


def _analysis_stage(stage: str, tables: dict, staging: Path, *, n_topics, rules) -> dict:
    """One analysis in a child process of _build_staged: its tables go straight to the staging
    folder (sending them back would copy them into the parent); returns their names. A
    topic level also leaves its part of the document map and returns its topic_info row."""
    out = stages.run_stage(stage, tables, n_topics=n_topics, rules=rules)
    done = {}
    if stage.startswith("topics "):
        level = stage.split()[1]
        out, coords, info = stages.topic_level_tables(out, level)
        Store.write_staged(staging, f"_doc_map_{level}", coords)
        done = {"level": level, "info": info}
    for name, df in out.items():
        Store.write_staged(staging, name, df)
    return {**done, "names": list(out)}


def core_tables(paths, *, mapping, manifest, rules, model, n_process, batch_size, progress, naive,
                scheduler) -> tuple[dict[str, pd.DataFrame], dict]:
    """Read, NER (what is not cached yet), the core tables. Returns them and what the build
    reports: read errors, cache messages, articles analysed now, seconds per step."""
    t0 = time.perf_counter()
    articles, errors = read_articles(paths, mapping=mapping, manifest=manifest)
    timings = {"read": time.perf_counter() - t0}
    cache = NerCache(config.ner_cache_dir(model))
    small = len(articles) < 200
    analysed = analyse_new(articles, cache, model=model, n_process=1 if small else n_process,
                           batch_size=batch_size, progress=progress, naive=naive, scheduler=scheduler)
    timings["ner"] = time.perf_counter() - t0 - timings["read"]
    tables = assemble(articles, cache.load(set(articles["hash"])), rules=rules)
    return tables, {"errors": errors, "messages": cache.messages, "analysed": analysed, "timings": timings}


def _core_stage(paths, staging, **kw) -> dict:
    """core_tables in a child process of _build_staged: the tables go to the staging folder;
    returns what the parent needs besides them."""
    t0 = time.perf_counter()
    tables, core = core_tables(paths, **kw)
    names = list(tables)
    for name in names:
        Store.write_staged(staging, name, tables.pop(name))
    core["timings"]["core tables"] = time.perf_counter() - t0 - core["timings"]["read"] - core["timings"]["ner"]
    return {**core, "names": names}


def assemble(articles: pd.DataFrame, ner: pd.DataFrame, *, rules=()) -> dict[str, pd.DataFrame]:
    """The core tables from articles and their cached NER rows."""
    passages = build_passages(articles)
    sentences, raw = map_ner(articles, ner)
    del ner   # the cache rows (millions at 37k): mapped into raw and sentences
    texts = dict(zip(articles["id"], articles["text"]))
    keyed, ambiguous = resolve_keys(raw, texts)
    del raw
    # the rules, then the further mentions of the entities the corpus knows, found by matching
    # (found_by "match"); state: what an edit of aliases.csv starts from (entities/rekey.py)
    mentions, entities, state = entities_with_state(keyed, ambiguous, texts, sentences, rules=list(rules))
    return {"articles": articles, "passages": passages, "sentences": sentences,
            "mentions": mentions, "entities": entities,
            "article_entities": article_entity_counts(articles, mentions),
            **key_tables(keyed, ambiguous), **state}


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
