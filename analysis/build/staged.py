"""The build of a large or new corpus, one process per stage: reading, NER and the core tables
in one (they go to a staging generation of the store), then each analysis in its own, its
tables written as it ends. The parent holds no core table: each analysis's process reads the
ones it uses from the staging folder's Parquet (StagedTables), the parent only the article
columns the store's meta needs; so the peak is the analyses running, and a stage's ends with it.

Progressive (a corpus with no whole build yet): what is done is shown while the rest runs.
The articles (outlets, dates, titles, where each came from) are published as soon as they are
read, with empty entity tables; the entities when NER and the core tables are done; each
analysis as it ends. Each is a snapshot generation (Store.publish: hard links, meta
"partial"), and progress.json says how far each stage has come (build/progress.py); the
dashboard follows both.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import config
from analysis.build import stages
from analysis.build.core import BuildResult, assemble, core_tables, meta_of, partial_meta
from analysis.build.processes import Forked
from analysis.build.progress import Progress
from analysis.build.store import NER_COLUMNS, Store


def build_staged(paths, store, *, t0, files, signature, errors, manifest, rules, model, n_process,
                 batch_size, mapping, progress, n_topics, with_analyses, naive, scheduler,
                 watch: Progress, progressive: bool) -> BuildResult:
    staging = store.staging()
    core = Forked(_core_stage, paths, staging, mapping=mapping, manifest=manifest, rules=rules, model=model,
                  n_process=n_process, batch_size=batch_size, progress=progress, naive=naive,
                  scheduler=scheduler, watch=watch, progressive=progressive, retry=False, alone=True).result()
    result = BuildResult(store, errors + core["errors"], list(core["messages"]), core["analysed"])
    result.timings.update(core["timings"])
    names = list(core["names"])
    tables = StagedTables(staging, names)   # read in each analysis's process, never here
    articles = pd.read_parquet(staging / "articles.parquet", columns=META_COLUMNS)
    meta = partial_meta(paths, model, articles, result.errors)
    if progressive:
        store.publish(staging, names, meta)
    infos = {}
    chars = text_chars(staging / "articles.parquet")
    budget = None if chars <= stages.PARALLEL_MAX_CHARS else MEMORY_BUDGET   # a large corpus: pairs that fit
    for stage, done, seconds in _run_stages(stages.STAGES if with_analyses else (), tables, staging,
                                            n_topics=n_topics, rules=rules, parallel=2 if n_process > 1 else 1,
                                            budget=budget, watch=watch):
        names += done["names"]
        if "info" in done:
            infos[done["level"]] = done["info"]
        result.timings[f"analysis: {stage}"] = seconds
        if progressive:
            store.publish(staging, names, meta)
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
    store.commit({}, meta_of(paths, model, articles, result.errors, result.analysed, signature, files),
                 staged=staging, staged_names=names)
    result.timings["total"] = time.perf_counter() - t0
    return result


META_COLUMNS = ["source", "removed"]   # what meta_of reads of the articles (besides their number)


class StagedTables(Mapping):
    """The core tables by name, each read from the staging folder's Parquet when first used
    (then kept): handed to a forked analysis, it reads there only the tables that analysis
    uses. The parent held them all before (3.0 GB at 37k articles, under every stage's peak)."""

    def __init__(self, staging: Path, names, columns: dict | None = None):
        self.staging, self.names, self.read = Path(staging), list(names), {}
        self.columns = columns or {}   # table -> the columns to read (default: all)

    def only(self, columns: dict) -> "StagedTables":
        """The same tables, of which those named in columns are read with those columns only."""
        return StagedTables(self.staging, self.names, columns)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.names:
            raise KeyError(name)
        if name not in self.read:
            self.read[name] = pd.read_parquet(self.staging / f"{name}.parquet", columns=self.columns.get(name))
        return self.read[name]

    def read_rows(self, name: str, columns: list[str], key: str, values: list) -> pd.DataFrame:
        """The rows of a table whose key is one of values (a filtered Parquet read; not kept)."""
        return pd.read_parquet(self.staging / f"{name}.parquet", columns=columns, filters=[(key, "in", values)])

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def rows(self, name: str) -> int:
        """A table's number of rows, from the Parquet footer (no read)."""
        return pq.ParquetFile(self.staging / f"{name}.parquet").metadata.num_rows


def text_chars(path: Path) -> int:
    """The characters of the articles' text (as pandas' str.len counts them), without
    making a Python string of each."""
    lengths = pc.utf8_length(pq.read_table(path, columns=["text"])["text"])
    return int(pc.sum(lengths).as_py() or 0)


# The article columns an analysis reads, where it leaves out the text (the largest column:
# 220M characters at 37k articles). The others read every column of the tables they use.
STAGE_COLUMNS = {"entity clusters": {"articles": ["id"]},   # clusters.entities: ids and their number
                 "places": {"articles": ["id", "text"]},    # entities.places.place_tables
                 # topics.fit.fit_topics: a level's texts; the article level counts the passages
                 "topics articles": {"articles": ["id", "title", "text"], "passages": ["article_id"],
                                     "mentions": ["article_id", "passage", "entity"]},
                 "topics passages": {"articles": ["id"], "passages": ["article_id", "passage", "text"],
                                     "mentions": ["article_id", "passage", "entity"]}}


# The analyses, longest first (37,554 AllSides articles: outlet comparison 273 s, article
# topics 127, passage topics 121, stories 34, entity clusters 29, places 25), so that two at
# a time end close together.
LONGEST_FIRST = ("topics passages", "sources", "entity clusters", "topics articles", "places", "stories")
# A large corpus (more text than stages.PARALLEL_MAX_CHARS): two analyses at a time only when
# their weights sum to at most MEMORY_BUDGET; a stage always starts when none runs. The small
# analyses (weight 0) run beside a large one (one at a time: 609 s of analyses at 37k articles,
# most of it on one core). Budget 2 also runs the outlet comparison beside the article topics
# (37k articles on a busy machine: peak PSS 6.8 GB, 8.7 GB with the tone scored early, against
# about 4.5 GB with budget 1, where the core tables' stage holds the peak).
MEMORY_WEIGHT = {"topics passages": 2, "sources": 1, "topics articles": 1}   # the others: 0
MEMORY_BUDGET = config.env_int("NEWS_ANALYSIS_BUDGET", 1)


def _run_stages(names, tables: StagedTables, staging: Path, *, n_topics, rules, parallel: int, watch: Progress,
                budget: int | None = None):
    """Each analysis in a forked child of its own, `parallel` of them at a time (two: most
    of an analysis runs on one core, so one at a time left the other core idle); yields
    (stage, what _analysis_stage returned, seconds) as each ends. budget: two run together
    only when their MEMORY_WEIGHTs sum to at most this (the peak memory is the core tables
    plus the analyses running)."""
    from multiprocessing.connection import wait   # lazy: only a staged build waits on children

    order = {name: i for i, name in enumerate(LONGEST_FIRST)}
    pending = sorted(names, key=lambda n: order.get(n, len(order)))
    running: dict = {}
    try:
        while pending or running:
            while (stage := _next_stage(pending, [r[0] for r in running.values()], parallel, budget)):
                pending.remove(stage)
                child = Forked(_analysis_stage, stage, tables, staging, n_topics=n_topics, rules=rules,
                               retry=False, alone=parallel == 1)
                running[child.conn] = (stage, child, time.perf_counter())
                watch.start(stage, tables.rows("articles"))
            for conn in wait(list(running)):
                stage, child, started = running.pop(conn)
                answer = child.result()
                watch.finish(stage, tables.rows("articles"), time.perf_counter() - started)
                yield stage, answer, time.perf_counter() - started
    finally:   # a stage failed: the other one stops too (it would write into a dead generation)
        for _, child, _ in running.values():
            child.proc.terminate()
            child.proc.join()


def _next_stage(pending: list[str], running: list[str], parallel: int, budget: int | None) -> str | None:
    """The first pending stage that may start beside the running ones (None: wait)."""
    if len(running) >= parallel:
        return None
    used = sum(MEMORY_WEIGHT.get(s, 0) for s in running)
    for stage in pending:
        weight = MEMORY_WEIGHT.get(stage, 0)   # a small analysis (0) fits beside any
        if budget is None or not running or weight == 0 or used + weight <= budget:
            return stage
    return None


def _analysis_stage(stage: str, tables: Mapping, staging: Path, *, n_topics, rules) -> dict:
    """One analysis in a child process of build_staged: its tables go straight to the staging
    folder (sending them back would copy them into the parent); returns their names. A
    topic level also leaves its part of the document map and returns its topic_info row."""
    if isinstance(tables, StagedTables) and stage in STAGE_COLUMNS:
        tables = tables.only(STAGE_COLUMNS[stage])
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


def _core_stage(paths, staging: Path, *, progressive: bool, **kw) -> dict:
    """core_tables in a child process of build_staged: the tables go to the staging folder;
    returns what the parent needs besides them. Progressive: the articles are published as
    soon as they are read (early), before NER."""
    t0 = time.perf_counter()
    early = (lambda articles, errors: publish_articles(Store(staging.parent), staging, paths, kw["model"],
                                                       articles, errors)) if progressive else None
    tables, core = core_tables(paths, early=early, **kw)
    names = list(tables)
    for name in names:
        Store.write_staged(staging, name, tables.pop(name))
    core["timings"]["core tables"] = time.perf_counter() - t0 - core["timings"]["read"] - core["timings"]["ner"]
    return {**core, "names": names}


def publish_articles(store: Store, staging: Path, paths, model, articles: pd.DataFrame, errors) -> None:
    """The articles as read, with the other core tables empty (no NER yet), as the store's
    current generation (a snapshot, meta "partial"): the dashboard shows outlets, dates,
    metadata and the article table while NER runs."""
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in NER_COLUMNS})
    first = store.root / f"gen-{time.time_ns():020d}"
    tables = assemble(articles, empty)
    for name, df in tables.items():
        Store.write_staged(first, name, df)
    store.commit({}, partial_meta(paths, model, articles, errors), staged=first, staged_names=list(tables),
                 keep=staging)
