"""The report: the store's tables as one JSON-able dict (python -m analysis report)."""
from __future__ import annotations

import pandas as pd

from analysis.build.stages import STORE_NAMES
from analysis.build.store import Store
from analysis.clusters.entities import entity_clusters_report
from analysis.compare.sources import REPORT_TABLES, sources_report
from analysis.entities.places import add_places_to_report
from analysis.stories.find import stories_report
from analysis.topics.edits import apply_topic_edits


def _prov(row, key: str) -> dict:
    return {"how": row[f"{key}_how"], "evidence": row[f"{key}_evidence"]}


def _none(v):
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def articles_report(articles: pd.DataFrame, topics_by_article: dict | None = None) -> list[dict]:
    out = []
    for row in articles.to_dict("records"):
        item = {"id": row["id"], "file": row["file"], "title": _none(row["title"]),
                "source": _none(row["source"]), "published": _none(row["published"]),
                "url": _none(row["url"]), "words": int(row["n_words"]),
                "provenance": {"title": _prov(row, "title"), "source": _prov(row, "source"),
                               "published": _prov(row, "published")},
                "removed": list(row["removed"])}
        if topics_by_article is not None:
            item["topic"] = topics_by_article.get(row["id"])
        out.append(item)
    return out


def entities_report(entities: pd.DataFrame, mentions: pd.DataFrame) -> list[dict]:
    counts = mentions.groupby(["entity_id", "article_id"]).size()
    by_article: dict = {}
    for (eid, aid), n in zip(counts.index.tolist(), counts.tolist()):
        by_article.setdefault(eid, {})[aid] = int(n)
    matched = (mentions.loc[mentions["found_by"] == "match"].groupby("entity_id").size()
               if "found_by" in mentions else pd.Series(dtype="int64"))
    out = []
    for row in entities.to_dict("records"):
        item = {"name": row["name"], "type": row["type"], "aliases": list(row["aliases"]),
                "mentions": int(row["mentions"]), "found_by_matching": int(matched.get(row["entity_id"], 0)),
                "by_article": by_article.get(row["entity_id"], {})}
        for extra in ("note", "country"):       # why it is as it is; a nationality's country
            if isinstance(row.get(extra), str) and row[extra]:
                item[extra] = row[extra]
        out.append(item)
    return out


def build_report(store: Store, *, topic_edits: list[dict] = ()) -> dict:
    """Everything the report prints, read from the store; topic_edits (topics.csv's rows)
    applied to the article topics."""
    meta = store.meta()
    articles = store.read("articles")
    report = {"articles": articles_report(articles),
              "entities": entities_report(store.read("entities"), store.read("mentions")),
              "topics": [], "errors": meta.get("errors", []), "skipped": meta.get("skipped", [])}
    add_to_report(store, report, topic_edits=topic_edits)
    return report


def add_to_report(store: Store, report: dict, *, topic_edits: list[dict] = ()) -> None:
    """Topics, a topic per article, entity clusters, places, the outlet comparison and
    stories (article ids are the store's ids: a record's given "id", see corpus.article_id)."""
    if store.has("topics_articles"):
        topics, assignments = store.read("topics_articles"), store.read("article_topics")
        if topic_edits:
            topics, assignments, notes = apply_topic_edits(topics, assignments, list(topic_edits), level="articles")
            if notes:
                report["topic_notes"] = notes
        report["topics"] = [{"id": int(r.topic), "label": r.label, "terms": list(r.terms),
                             "articles": list(r.articles), "passages": int(r.passages)}
                            for r in topics.itertuples()]
        assigned = dict(zip(*assignments[["article_id", "topic"]].T.values))
        for art in report["articles"]:
            topic = assigned.get(art["id"])
            art["topic"] = None if topic is None else int(topic)
    if store.has("topics_passages"):
        report["passage_topics"] = [{"id": int(r.topic), "label": r.label, "terms": list(r.terms),
                                     "articles": list(r.articles), "passages": int(r.passages)}
                                    for r in store.read("topics_passages").itertuples()]
    if store.has("entity_clusters") and store.has("entity_communities"):
        report["entity_clusters"] = entity_clusters_report(store.read("entity_clusters"),
                                                           store.read("entity_communities"))
    add_places_to_report(store, report)
    stored = {STORE_NAMES.get(n, n): n for n in REPORT_TABLES}
    present = {name: store.read(s) for s, name in stored.items() if store.has(s)}
    if present:
        report["sources"] = sources_report(present)
    if store.has("stories"):
        report["stories"] = stories_report(store.read("stories"))
