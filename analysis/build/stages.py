"""The analyses that run after entities: topics, entity clusters, outlet comparison,
stories, places.

``run`` turns the core tables into more tables for the store (once per build, never
on a filter change); ``run_stage`` is one of them (a large build runs each in its own
process, analysis.build.processes).
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.build.processes import Forked, limit_threads, release_memory
from analysis.topics.model import model_table


def topic_tables(tables: dict[str, pd.DataFrame], *, n_topics: int | None,
                 fitted: dict | None = None) -> dict[str, pd.DataFrame]:
    """Article and passage topics, their assignments, the 2-D document map and how K was chosen.
    fitted: {level: fit_topics result} already computed (elsewhere: another process)."""
    out, maps, info = {}, [], []
    for level in ("articles", "passages"):
        res = (fitted or {}).get(level) or run_stage(f"topics {level}", tables,
                                                     n_topics=n_topics if level == "articles" else None)
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
              f"topic_selection_{level}": res["selection"],
              f"model_topics_{level}": model_table(res.get("model"))}   # for articles added later
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
    stage = lambda name: run_stage(name, tables, n_topics=n_topics, rules=rules)  # noqa: E731
    forked = None
    if jobs > 1 and int(tables["articles"]["text"].str.len().sum()) <= PARALLEL_MAX_CHARS:
        forked = Forked(stage, "topics passages")
    # two processes on two cores: each keeps its numeric libraries to one thread
    with limit_threads(1) if forked else contextlib.nullcontext():
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
        from analysis.topics.fit import fit_topics   # lazy: scikit-learn, only when a build runs (not the dashboard)

        level = name.split()[1]
        return fit_topics(tables["articles"], tables["passages"], tables["mentions"], level=level,
                          n_topics=n_topics if level == "articles" else None)
    if name == "entity clusters":
        from analysis.clusters.entities import entity_cluster_tables   # lazy: scikit-learn, networkx; builds only

        return entity_cluster_tables(tables["mentions"], tables["articles"])
    if name == "sources":
        return source_tables(tables)
    if name == "stories":
        return story_tables(tables)
    if name == "places":
        from analysis.entities.places import place_tables   # lazy: builds only

        return place_tables(tables, rules)
    raise ValueError(f"unknown analysis {name!r}; one of {STAGES}")


def story_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Stories (one event across outlets): "stories" and "story_articles" (article_id, story)."""
    from analysis.stories.find import story_tables as stories_of   # lazy: scikit-learn, scipy; builds only

    return stories_of(tables)


def source_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Outlet comparison: distinctive terms and entities, shares, similarity, copies, tone, quotes."""
    from analysis.compare.sources import compare_sources   # lazy: scikit-learn; builds only
    from analysis.compare.tone_cache import ToneCache   # lazy: builds only

    out = compare_sources(tables["articles"], tables["mentions"], sentences=tables["sentences"],
                          n_jobs=min(2, os.cpu_count() or 1), tone_cache=ToneCache(tone_cache_dir()))
    return {STORE_NAMES.get(k, k): v for k, v in out.items()}


def tone_cache_dir() -> Path:
    """Sentence tones by content, shared by every corpus: $NEWS_TONE_CACHE, or beside the
    NER cache ($NEWS_NER_CACHE or data/cache)."""
    from analysis.compare.tone_cache import folder_name   # lazy: builds only

    root = os.environ.get("NEWS_TONE_CACHE")
    return Path(root) if root else Path(os.environ.get("NEWS_NER_CACHE") or config.data_dir() / "cache") / folder_name()


# compare's table names -> the store's (the dashboard reads these)
STORE_NAMES = {"article_similarity": "similar", "near_duplicates": "duplicates",
               "tone_by_source": "tone_sources", "tone_by_entity": "tone_entities"}
