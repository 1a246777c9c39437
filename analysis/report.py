"""The report: the store's tables as one JSON-able dict (python -m analysis report)."""
from __future__ import annotations

import pandas as pd

from analysis.store import Store


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
    return [{"name": row["name"], "type": row["type"], "aliases": list(row["aliases"]),
             "mentions": int(row["mentions"]), "by_article": by_article.get(row["entity_id"], {})}
            for row in entities.to_dict("records")]


def build_report(store: Store) -> dict:
    """Everything the report prints, read from the store."""
    meta = store.meta()
    articles = store.read("articles")
    report = {"articles": articles_report(articles),
              "entities": entities_report(store.read("entities"), store.read("mentions")),
              "topics": [], "errors": meta.get("errors", [])}
    from analysis import extras
    extras.add_to_report(store, report)
    return report
