"""An edit of the entities (a rule of aliases.csv) applied to a built store without NER and
without the topics: the canonical entities are made again from the NER cache (an ignored
entity's mentions are not in the store's tables any more, and an undo needs them back),
the recall pass runs again, and so do the analyses that read the entities (entity
clusters, outlet comparison, stories, places); every other table is carried over as it is.
The topics keep the entity names they were fitted with until the next full build."""
from __future__ import annotations

import os
import shutil
import time

import pandas as pd

from analysis.build import stages
from analysis.build.signature import input_files, known_files, signature_of
from analysis import config
from analysis.build.store import NerCache, Store
from analysis.entities.canonical import canonicalize
from analysis.entities.recall import recall_mentions, recount
from analysis.entities.ner import model_name
from analysis.ingest.articles import article_entity_counts, map_ner
from analysis.ingest.sidefiles import ALIASES, read_aliases, side_file

ENTITY_STAGES = ("entity clusters", "sources", "stories", "places")


def apply_entity_rules(paths: list[str], store: Store) -> dict[str, float]:
    """Make the store's entity tables follow aliases.csv as it is now; returns seconds per step.
    Holds the store's build lock: a build or another edit waits, then sees this one."""
    t0 = time.perf_counter()
    with store.build_lock():
        rules, _ = read_aliases(side_file(paths, ALIASES))
        meta = store.meta()
        tables = {name: store.read(name) for name in ("articles", "passages", "sentences")}
        articles = tables["articles"]
        cache = NerCache(config.ner_cache_dir(meta.get("model") or model_name()))
        _, raw = map_ner(articles, cache.load(set(articles["hash"])))
        texts = dict(zip(articles["id"], articles["text"]))
        mentions, entities = canonicalize(raw, texts, rules=list(rules))
        entities, mentions = recount(entities, recall_mentions(mentions, entities, tables["sentences"], texts))
        new = {"mentions": mentions, "entities": entities,
               "article_entities": article_entity_counts(tables["articles"], mentions)}
        timings = {"entities": time.perf_counter() - t0}
        core = {**tables, **new}
        for name in ENTITY_STAGES:
            new.update(stages.run_stage(name, core, rules=rules))
        timings["analyses"] = time.perf_counter() - t0 - timings["entities"]
        _commit(store, meta, new, paths)
    timings["total"] = time.perf_counter() - t0
    return timings


def _commit(store: Store, meta: dict, new: dict[str, pd.DataFrame], paths: list[str]) -> None:
    """A new generation: the new tables written, the others linked (or copied) from the current one."""
    staging = store.staging()
    current = store.root / meta.get("generation", "")
    for name in meta.get("tables", []):
        if name not in new and (current / f"{name}.parquet").exists():
            src, dst = current / f"{name}.parquet", staging / f"{name}.parquet"
            if src.is_dir():               # a table grown in parts (build/incremental.py)
                shutil.copytree(src, dst, copy_function=_link_or_copy)
            else:
                _link_or_copy(src, dst)
    for name, df in new.items():
        Store.write_staged(staging, name, df)
    files = input_files(meta.get("paths") or paths, known_files(store))   # aliases.csv changed
    store.commit({}, {**meta, "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "signature": signature_of(files),
                      "input_files": files}, staged=staging, staged_names=list(meta.get("tables", [])) + list(new))


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)          # the file never changes in place: a link is a copy
    except OSError:
        shutil.copy2(src, dst)
