"""A built store repeated K times (article ids suffixed "~rK"): the table sizes of a corpus K
times larger, to time what an incremental update reads and writes at that size without
K times the NER. Counts stay consistent (entity mentions, topic and cluster sizes); the
models are the source store's (fitted on its articles), and the entity table keeps its
size (a real corpus K times larger has more entities: the update's entity join and the
topic vectorizer's entity tokens cost more there)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from analysis.build.store import Store

PER_ARTICLE = ("passages", "sentences", "mentions", "sentence_tones", "quotes", "article_topics",
               "passage_topics", "doc_map", "entity_cluster_assignments")


def _suffix(ids: pd.Series, j: int) -> pd.Series:
    return ids.astype(str) if j == 0 else ids.astype(str) + f"~r{j}"


def scale_store(src: Path, dst: Path, k: int) -> Store:
    store = Store(src)
    meta = store.meta()
    shutil.rmtree(dst, ignore_errors=True)
    out = Store(dst)
    out.root.mkdir(parents=True)
    tables: dict[str, pd.DataFrame] = {}
    arts = store.read("articles")
    n = len(arts)
    tables["articles"] = pd.concat([arts.assign(id=_suffix(arts["id"], j)) for j in range(k)], ignore_index=True)
    for name in PER_ARTICLE:
        df = store.read(name)
        tables[name] = pd.concat([df.assign(article_id=_suffix(df["article_id"], j)) for j in range(k)],
                                 ignore_index=True)
    ae = store.read("article_entities")
    tables["article_entities"] = pd.concat([ae.assign(art=(ae["art"] + j * n).astype("int32")) for j in range(k)],
                                           ignore_index=True)
    ents = store.read("entities")
    tables["entities"] = ents.assign(mentions=ents["mentions"] * k, articles=ents["articles"] * k)
    stories, sa = store.read("stories"), store.read("story_articles")
    s = int(stories["story"].max()) + 1
    tables["stories"] = pd.concat([stories.assign(story=stories["story"] + j * s,
                                                  articles=[[f"{a}~r{j}" if j else a for a in lst] for lst in stories["articles"]])
                                   for j in range(k)], ignore_index=True)
    tables["story_articles"] = pd.concat([sa.assign(article_id=_suffix(sa["article_id"], j), story=sa["story"] + j * s)
                                          for j in range(k)], ignore_index=True)
    for name, size in (("topics_articles", "size"), ("topics_passages", "size"), ("entity_clusters", "size")):
        df = store.read(name)
        df = df.assign(articles=[[f"{a}~r{j}" if j else a for j in range(k) for a in lst] for lst in df["articles"]])
        df[size] = df[size] * k
        if "passages" in df:
            df["passages"] = df["passages"] * k
        tables[name] = df
    info = store.read("topic_info")
    tables["topic_info"] = info.assign(units=info["units"] * k)
    rest = [t for t in meta["tables"] if t not in tables]
    for name in rest:
        tables[name] = store.read(name)
    out.commit(tables, {**{key: v for key, v in meta.items() if key not in ("generation", "tables")},
                        "articles": n * k, "scaled": {"from": str(src), "times": k}})
    return out


if __name__ == "__main__":
    import sys

    s = scale_store(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
    print(json.dumps({"articles": s.meta()["articles"], "root": str(s.root)}))
