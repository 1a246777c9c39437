"""The analyses that run after entities: topics, entity clusters, outlet comparison, stories.

``run`` turns the core tables into more tables for the store (once per build, never
on a filter change); ``add_to_report`` adds their sections to the report JSON.
"""
from __future__ import annotations

import contextlib
import json
import os

import pandas as pd

from analysis import config
from analysis.store import Store


def topic_tables(tables: dict[str, pd.DataFrame], *, n_topics: int | None,
                 fitted: dict | None = None) -> dict[str, pd.DataFrame]:
    """Article and passage topics, their assignments, the 2-D document map and how K was chosen.
    fitted: {level: fit_topics result} already computed (elsewhere: another process)."""
    from analysis.topics import fit_topics

    out, maps, info = {}, [], []
    for level in ("articles", "passages"):
        res = (fitted or {}).get(level) or fit_topics(tables["articles"], tables["passages"], tables["mentions"],
                                                      level=level, n_topics=n_topics if level == "articles" else None)
        level_tables, coords, level_info = topic_level_tables(res, level)
        out.update(level_tables)
        maps.append(coords)
        info.append(level_info)
    out.update(topic_map_tables(maps, info))
    return out


def topic_level_tables(res: dict, level: str) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, dict]:
    """One level's fit_topics result as its store tables, its part of the document map and
    its row of topic_info (topic_map_tables joins the two levels' parts)."""
    tables = {f"topics_{level}": res["topics"],
              "article_topics" if level == "articles" else "passage_topics": res["assignments"],
              f"topic_selection_{level}": res["selection"]}
    info = {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in res["info"].items()}
    return tables, res["coords"].assign(level=level), info


def topic_map_tables(maps: list[pd.DataFrame], info: list[dict]) -> dict[str, pd.DataFrame]:
    return {"doc_map": pd.concat(maps, ignore_index=True), "topic_info": pd.DataFrame(info)}


# Up to this much article text, the passage topics (the longest analysis) run in a second
# process while this one does the rest: both copies fit in memory many times over. Above
# it (the 37k corpus: 220M characters), one analysis after the other keeps the peak low.
PARALLEL_MAX_CHARS = config.env_int("NEWS_PARALLEL_MAX_CHARS", 30_000_000)


def run(tables: dict[str, pd.DataFrame], *, n_topics: int | None = None, rules=(), jobs: int = 1) -> dict[str, pd.DataFrame]:
    """rules: the rows of aliases.csv (its 'place' fixes are used for the places).
    jobs > 1: the passage topics run in a forked process alongside the other analyses
    (same results: every analysis is a pure function of the tables)."""
    from threadpoolctl import threadpool_limits

    stage = lambda name: run_stage(name, tables, n_topics=n_topics, rules=rules)  # noqa: E731
    forked = None
    if jobs > 1 and int(tables["articles"]["text"].str.len().sum()) <= PARALLEL_MAX_CHARS:
        forked = Forked(stage, "topics passages")
    # two processes on two cores: each keeps its numeric libraries to one thread
    with threadpool_limits(1) if forked else contextlib.nullcontext():
        fitted = {"articles": stage("topics articles")}
        if not forked:
            fitted["passages"] = stage("topics passages")
        release_memory()
        rest = {}
        for name in ("entity clusters", "sources", "stories", "places"):   # none of them reads the topics
            rest.update(stage(name))
            release_memory()
        if forked:
            fitted["passages"] = forked.result()
    out = topic_tables(tables, n_topics=n_topics, fitted=fitted)
    out.update(rest)
    return out


# The analyses one at a time, each a function of the core tables only (run_stage): a large
# build runs each in its own process, so the memory one analysis leaves behind never
# stacks under the next one's peak.
STAGES = ("topics articles", "topics passages", "entity clusters", "sources", "stories", "places")


def run_stage(name: str, tables: dict[str, pd.DataFrame], *, n_topics: int | None = None, rules=()):
    """One analysis of STAGES: its tables by name (the topic stages: fit_topics's result,
    which topic_tables(..., fitted=) turns into tables once both levels are done)."""
    if name.startswith("topics "):
        from analysis.topics import fit_topics

        level = name.split()[1]
        return fit_topics(tables["articles"], tables["passages"], tables["mentions"], level=level,
                          n_topics=n_topics if level == "articles" else None)
    if name == "entity clusters":
        from analysis.entity_clusters import entity_cluster_tables

        return entity_cluster_tables(tables["mentions"], tables["articles"])
    if name == "sources":
        return source_tables(tables)
    if name == "stories":
        return story_tables(tables)
    if name == "places":
        from analysis.places import place_tables

        return place_tables(tables, rules)
    raise ValueError(f"unknown analysis {name!r}; one of {STAGES}")


class Forked:
    """fn(*args, **kw) in a forked child process; result() waits for it. The child limits
    OpenMP and BLAS to one thread: an OpenMP pool the parent used before the fork would
    hang a child that starts its own. A child that dies without an answer (killed, out
    of memory) is not fatal: result() computes the value here instead (retry=False: it
    raises ChildDied). The child is killed when its parent dies (a killed build leaves
    no process behind that holds the store's lock). alone=True: the parent only waits, so
    the child's BLAS may use every core."""

    def __init__(self, fn, *args, retry: bool = True, alone: bool = False, **kw):
        import multiprocessing as mp

        self.call, self.retry = (fn, args, kw), retry
        ctx = mp.get_context("fork")
        self.conn, child_end = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_forked_child, args=(child_end, fn, args, kw, alone))
        self.proc.start()
        child_end.close()

    def result(self):
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            ok, value = None, None
        finally:
            self.conn.close()
            self.proc.join()
        if ok is None:
            if not self.retry:
                raise ChildDied(f"the {getattr(self.call[0], '__name__', 'analysis')} process died "
                                f"(exit code {self.proc.exitcode}): out of memory, or killed")
            fn, args, kw = self.call
            return fn(*args, **kw)
        if not ok:
            raise value
        return value


class ChildDied(RuntimeError):
    """A forked analysis process ended without an answer."""


def _die_with_parent() -> None:
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux: a killed parent leaves the child to finish
        pass


def _forked_child(conn, fn, args, kw, alone: bool) -> None:
    from threadpoolctl import threadpool_limits

    _die_with_parent()
    try:   # alone (no other busy process): BLAS may use every core; OpenMP never more than one
        with threadpool_limits(1, user_api="openmp") if alone else threadpool_limits(1):
            answer = (True, fn(*args, **kw))
    except BaseException as exc:   # noqa: BLE001 - handed to the parent, which raises it
        answer = (False, exc)
    try:
        conn.send(answer)
    finally:
        conn.close()


def release_memory() -> None:
    """Between two analyses: collect, then hand the freed heap back to the system (glibc
    keeps freed memory of large temporaries otherwise, so each stage's peak stacked on
    the last one's leftovers at 37k articles)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to do
        pass


def story_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Stories (one event across outlets): "stories" and "story_articles" (article_id, story)."""
    from analysis.stories import story_tables as stories_of

    return stories_of(tables)


def source_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Outlet comparison: distinctive terms and entities, shares, similarity, copies, tone, quotes."""
    from analysis.compare import compare_sources

    out = compare_sources(tables["articles"], tables["mentions"], sentences=tables["sentences"],
                          n_jobs=min(2, os.cpu_count() or 1))
    return {STORE_NAMES.get(k, k): v for k, v in out.items()}


# compare's table names -> the store's (the dashboard reads these)
STORE_NAMES = {"article_similarity": "similar", "near_duplicates": "duplicates",
               "tone_by_source": "tone_sources", "tone_by_entity": "tone_entities"}


def add_to_report(store: Store, report: dict) -> None:
    """Topics, a topic per article, entity clusters, places, the outlet comparison and
    stories (article ids are the store's ids: a record's given "id", see corpus.article_id)."""
    if store.has("topics_articles"):
        topics = store.read("topics_articles")
        report["topics"] = [{"id": int(r.topic), "label": r.label, "terms": list(r.terms),
                             "articles": list(r.articles), "passages": int(r.passages)}
                            for r in topics.itertuples()]
        assigned = dict(zip(*store.read("article_topics")[["article_id", "topic"]].T.values))
        for art in report["articles"]:
            topic = assigned.get(art["id"])
            art["topic"] = None if topic is None else int(topic)
    if store.has("topics_passages"):
        report["passage_topics"] = [{"id": int(r.topic), "label": r.label, "terms": list(r.terms),
                                     "articles": list(r.articles), "passages": int(r.passages)}
                                    for r in store.read("topics_passages").itertuples()]
    if store.has("entity_clusters") and store.has("entity_communities"):
        from analysis.entity_clusters import entity_clusters_report

        report["entity_clusters"] = entity_clusters_report(store.read("entity_clusters"),
                                                           store.read("entity_communities"))
    from analysis.places import add_places_to_report

    add_places_to_report(store, report)
    from analysis.compare import sources_report

    from analysis.compare import REPORT_TABLES

    stored = {STORE_NAMES.get(n, n): n for n in REPORT_TABLES}
    present = {name: store.read(s) for s, name in stored.items() if store.has(s)}
    if present:
        report["sources"] = sources_report(present)
    if store.has("stories"):
        from analysis.stories import stories_report

        report["stories"] = stories_report(store.read("stories"))
