"""The tables of an incremental update (build/incremental.py): the new articles' rows of
each per-article table, the aggregates that follow them exactly, and the commit: a grown
table becomes a folder of parts (the current generation's file or parts, linked, and a
part of the new rows: nothing of the corpus is read or written again), the aggregates are
written anew and every other table is linked unchanged. A full build writes single files
again."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.build.store import Store, parquet_files
from analysis.topics.model import model_of

# the tables an update reads (a store without one of them gets a full build)
GROWN = ("articles", "entities", "article_topics", "passage_topics", "doc_map", "topics_articles",
         "topics_passages", "topic_info", "entity_clusters", "entity_cluster_assignments", "stories",
         "story_articles", "sentence_tones", "quotes")
# what an update leaves as the last full build made it: table -> what the page says
STALE = {
    "topics": "topic terms, labels and representative texts are those of the last full build "
              "(new articles are placed in these topics, the counts include them)",
    "entity clusters": "defining entities as of the last full build (new articles are placed, sizes include them)",
    "entity network": "entity co-occurrence and communities do not include the new articles",
    "stories": "each new article is a story of its own until a full build groups it",
    "sources": "distinctive terms and entities, entity shares, similar articles, near-duplicates and "
               "tone by entity do not include the new articles (tone and quotes by outlet do)",
    "places": "the places map does not include the new articles' places",
}
GUARD_CHARS = 20_000_000   # as recall.name_forms: the lower-case words of the corpus's first texts


def guard_texts(store: Store, new_texts: dict[str, str]) -> dict[str, str]:
    """The texts whose lower-case words guard the recall's one-word names, as a full build
    sees them: the corpus's texts in order (up to GUARD_CHARS), then the new ones."""
    out: dict[str, str] = {}
    total = 0
    for part in parquet_files(store.path("articles")):
        for batch in pq.ParquetFile(part).iter_batches(columns=["id", "text"], batch_size=2000):
            for aid, text in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()):
                out[aid] = text or ""
                total += len(text or "")
            if total > GUARD_CHARS:
                return out
    return {**out, **new_texts}


def assigned_tables(store: Store, tables: dict[str, pd.DataFrame], entities: pd.DataFrame):
    """(rows to append per table, whole tables to replace) for the new articles' core tables."""
    from analysis.clusters.assign import add_to_clusters, assign_clusters   # lazy: scikit-learn; updates only (not the dashboard's start)
    from analysis.compare.quotes import extract_quotes, quotes_by_source   # lazy: updates only
    from analysis.compare.tone import sentence_tone, tone_by_source   # lazy: updates only
    from analysis.topics.assign import add_to_topics, assign_topics   # lazy: scikit-learn; updates only
    articles, passages, mentions = tables["articles"], tables["passages"], tables["mentions"]
    appended = dict(tables)
    replaced = {"entities": entities}
    info = store.read("topic_info")
    for level, name in (("articles", "article_topics"), ("passages", "passage_topics")):
        model = model_of(store.read(f"model_topics_{level}"))
        if model is None:
            continue
        placed = assign_topics(model, articles, passages, mentions, level=level)
        appended[name] = placed["assignments"]
        appended.setdefault("doc_map", []).append(placed["coords"].assign(level=level))
        replaced[f"topics_{level}"] = add_to_topics(store.read(f"topics_{level}"), placed["assignments"],
                                                    passages, level=level)
        info.loc[info["level"] == level, "units"] += len(placed["assignments"])
    if isinstance(appended.get("doc_map"), list):
        appended["doc_map"] = pd.concat(appended["doc_map"], ignore_index=True)
    replaced["topic_info"] = info
    clusters = assign_clusters(model_of(store.read("model_entity_clusters")), mentions, articles)
    appended["entity_cluster_assignments"] = clusters
    replaced["entity_clusters"] = add_to_clusters(store.read("entity_clusters"), clusters)
    appended["stories"], appended["story_articles"] = own_stories(store, articles, mentions)
    tones = sentence_tone(articles, tables["sentences"])
    appended["sentence_tones"] = tones
    all_tones = pd.concat([store.read("sentence_tones"), tones], ignore_index=True)
    ids = pd.concat([store.read("articles", columns=["id", "source"]), articles[["id", "source"]]])
    replaced["tone_sources"] = tone_by_source(ids, all_tones)
    quotes = extract_quotes(articles, tables["sentences"], mentions)
    appended["quotes"] = quotes
    replaced["quotes_by_source"] = quotes_by_source(pd.concat([store.read("quotes"), quotes], ignore_index=True))
    return appended, replaced


def own_stories(store: Store, articles: pd.DataFrame, mentions: pd.DataFrame):
    """(stories rows, story_articles rows): each new article a story of its own, numbered
    after the stories there are."""
    from analysis.stories.find import describe_stories, key_entities, story_documents   # lazy: scikit-learn, scipy; updates only
    docs = story_documents(articles)
    if docs.empty:
        return None, None
    names = key_entities(mentions, docs["article_id"])
    made = describe_stories(docs, np.arange(len(docs)), None, names)
    first = int(store.read("stories", columns=["story"])["story"].max()) + 1 if store.has("stories") else 0
    stories, assignments = made["stories"], made["assignments"]
    return (stories.assign(story=stories["story"] + first),
            assignments.assign(story=(assignments["story"] + first).astype("int64")))


BASE_PART = "part-00000000000000000000.parquet"


def _append(src: Path, rows: pd.DataFrame, dst: Path) -> None:
    """The table src with rows after its own, at dst: a folder of parts (src's file or parts
    linked, never read, and one part of the new rows, in src's schema), so that an update
    writes what it adds, not the corpus. Rows whose types do not fit src's schema: src read
    and written again with them, as one file."""
    schema = pq.read_schema(parquet_files(src)[0])
    try:
        new = pa.Table.from_pandas(rows[schema.names], schema=schema, preserve_index=False)
    except (pa.ArrowException, KeyError, ValueError, TypeError):
        both = pd.concat([pd.read_parquet(src), rows], ignore_index=True)
        Store.write_staged(dst.parent, dst.name.removesuffix(".parquet"), both)
        return
    dst.mkdir()
    for part in parquet_files(src):
        _link(part, dst / (part.name if src.is_dir() else BASE_PART))
    pq.write_table(new, dst / f"part-{time.time_ns():020d}.parquet")


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)          # the file never changes in place: a link is a copy
    except OSError:
        shutil.copy2(src, dst)


def commit_increment(store: Store, meta: dict, appended: dict, replaced: dict, new_meta: dict) -> None:
    """A new generation: appended tables grown, replaced ones written, the rest linked."""
    staging = store.staging()
    current = store.root / meta.get("generation", "")
    names = list(meta.get("tables", []))
    for name in names:
        src, dst = current / f"{name}.parquet", staging / f"{name}.parquet"
        rows = appended.get(name)
        if name in replaced:
            Store.write_staged(staging, name, replaced[name])
        elif rows is not None and len(rows):
            _append(src, rows, dst)
        elif src.is_dir():
            shutil.copytree(src, dst, copy_function=_link)
        elif src.exists():
            _link(src, dst)
    store.commit({}, new_meta, staged=staging, staged_names=names)
