"""The analyses that run after entities: topics, entity clusters, outlet comparison, stories.

``run`` turns the core tables into more tables for the store (once per build, never
on a filter change); ``add_to_report`` adds their sections to the report JSON.
"""
from __future__ import annotations

import json

import pandas as pd

from analysis.store import Store


def topic_tables(tables: dict[str, pd.DataFrame], *, n_topics: int | None) -> dict[str, pd.DataFrame]:
    """Article and passage topics, their assignments, the 2-D document map and how K was chosen."""
    from analysis.topics import fit_topics

    out, maps, info = {}, [], []
    for level in ("articles", "passages"):
        res = fit_topics(tables["articles"], tables["passages"], tables["mentions"], level=level,
                         n_topics=n_topics if level == "articles" else None)
        out[f"topics_{level}"] = res["topics"]
        out["article_topics" if level == "articles" else "passage_topics"] = res["assignments"]
        out[f"topic_selection_{level}"] = res["selection"]
        maps.append(res["coords"].assign(level=level))
        info.append({k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in res["info"].items()})
    out["doc_map"] = pd.concat(maps, ignore_index=True)
    out["topic_info"] = pd.DataFrame(info)
    return out


def run(tables: dict[str, pd.DataFrame], *, n_topics: int | None = None, rules=()) -> dict[str, pd.DataFrame]:
    """rules: the rows of aliases.csv (its 'place' fixes are used for the places)."""
    from analysis.entity_clusters import entity_cluster_tables
    from analysis.places import place_tables

    out = topic_tables(tables, n_topics=n_topics)
    release_memory()
    out.update(entity_cluster_tables(tables["mentions"], tables["articles"]))
    release_memory()
    out.update(source_tables({**tables, **out}))
    release_memory()
    out.update(story_tables(tables))
    release_memory()
    out.update(place_tables(tables, rules))
    return out


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

    out = compare_sources(tables["articles"], tables["mentions"], sentences=tables["sentences"])
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
