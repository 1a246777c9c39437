"""Files added to a corpus: the store updated in time that grows with the new articles, not
with the corpus (a full build, which fits every model again, is ``refit``).

When the only change since the last build is files added (a folder that gains files, an
upload), the new articles are read, go through NER (only they: the cache has the rest),
their entities are joined to the corpus's (entities/extend.py), and they are placed with
the models the last full build saved: the article and passage topics (topics/assign.py),
the entity clusters (clusters/assign.py). Their per-article tables are appended (every
article is in every per-article table) and the aggregates that can follow exactly do:
entity counts, topic and cluster sizes, tone and quotes by outlet. Each new article is a
story of its own until a full build groups it. What needs the whole corpus again (the
outlet comparison's distinctive terms, similarity and duplicates, the entity network, the
places, the topics' terms) is kept as it was and listed in meta.json "stale", which the
dashboard shows, with the share of articles added since the fit ("incremental").
Anything else changed (a file edited or removed, a side file, a store without models):
None, and the caller runs a full build.
"""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.build.increments import GROWN, STALE, assigned_tables, commit_increment, guard_texts
from analysis.build.core import BuildResult, analyse_new, read_articles
from analysis.build.signature import input_files, signature_of
from analysis.build.store import NerCache, Store
from analysis.entities.extend import extend_entities
from analysis.entities.ner import model_name
from analysis.ingest.articles import article_entity_counts, build_passages, map_ner, unique_ids
from analysis.ingest.readers import SIDE_FILES, SIDE_PREFIXES, iter_files
from analysis.ingest.sidefiles import ALIASES, MANIFEST, read_aliases, read_manifest, side_file
from analysis.topics.model import model_of

REFIT_SHARE = 0.10   # the dashboard offers a full build once this share of the articles came after the fit
MODELS = ("model_topics_articles", "model_topics_passages", "model_entity_clusters")
OTHER_SIDE_FILES = ("topics.csv",)   # read by the report, not the build: a change still refits (safe)


def added_files(paths: list[str], store: Store) -> list[tuple[str, str]] | None:
    """The (file, name in the corpus) of the files added since the store's last build when
    that is the only change; None when anything else changed or the store cannot be updated
    (no build yet, a build from before the models were saved)."""
    try:
        meta = store.meta()
    except Exception:
        return None
    known = meta.get("input_files")
    if not isinstance(known, dict) or not known or not all(store.has(m) for m in MODELS + GROWN):
        return None
    files = input_files(paths, known)
    before = Counter((v[0], v[3]) for v in known.values())
    now = Counter((v[0], v[3]) for v in files.values())
    if before - now:          # a file edited, renamed or removed
        return None
    extra = now - before
    if not extra:             # nothing added (a build with nothing new fits again, as it did)
        return None
    added = sorted((path, v[0]) for path, v in files.items() if extra[(v[0], v[3])] > 0)
    for _, name in added:
        low = Path(name).name.lower()
        if low in SIDE_FILES or low.startswith(SIDE_PREFIXES) or low in OTHER_SIDE_FILES:
            return None
    try:   # models pickled by another version of the libraries may not load: fit again
        for name in MODELS:
            model_of(store.read(name))
    except Exception:
        return None
    return added


def update(paths: list[str], store: Store, *, mapping=None, model: str | None = None, n_process: int = 1,
           batch_size: int = 32, progress: bool = False) -> BuildResult | None:
    """Add the corpus's new files to its store (module doc); None when a full build is needed."""
    with store.build_lock():
        added = added_files(paths, store)
        if added is None:
            return None
        return _update(paths, store, added, mapping=mapping, model=model, n_process=n_process,
                       batch_size=batch_size, progress=progress)


def _update(paths, store, added, *, mapping, model, n_process, batch_size, progress) -> BuildResult:
    t0 = time.perf_counter()
    meta = store.meta()
    model = model_name(model or meta.get("model"))
    files = input_files(paths, meta.get("input_files"))
    manifest, errors = read_manifest(side_file(paths, MANIFEST))
    rules, alias_errors = read_aliases(side_file(paths, ALIASES))
    articles, read_errors = read_articles(paths, manifest=manifest, docs=iter_files(added, mapping=mapping))
    old_ids = store.read("articles", columns=["id"])["id"].astype(str).tolist()
    articles["id"] = unique_ids(old_ids + articles["id"].astype(str).tolist())[len(old_ids):]
    result = BuildResult(store, errors + alias_errors + read_errors)
    result.timings["read"] = time.perf_counter() - t0
    cache = NerCache(config.ner_cache_dir(model))
    result.analysed = analyse_new(articles, cache, model=model, n_process=n_process, batch_size=batch_size,
                                  progress=progress) if len(articles) else 0
    result.messages += cache.messages
    result.timings["ner"] = time.perf_counter() - t0 - result.timings["read"]
    tables = {"articles": articles, "passages": build_passages(articles)}
    sentences, raw = map_ner(articles, cache.load(set(articles["hash"])) if len(articles) else cache.load({""}))
    tables["sentences"] = sentences
    texts = dict(zip(articles["id"], articles["text"]))
    entities = store.read("entities")
    mentions, entities = extend_entities(raw, texts, sentences, entities, rules=rules,
                                         corpus_texts=guard_texts(store, texts))
    tables["mentions"] = mentions
    counts = article_entity_counts(articles, mentions)
    tables["article_entities"] = counts.assign(art=(counts["art"] + len(old_ids)).astype("int32"))
    result.timings["entities"] = time.perf_counter() - t0 - result.timings["read"] - result.timings["ner"]
    appended, replaced = assigned_tables(store, tables, entities)
    result.timings["assign"] = time.perf_counter() - t0 - sum(result.timings.values())
    n_total = len(old_ids) + len(articles)
    since = int((meta.get("incremental") or {}).get("added_since_fit", 0)) + len(articles)
    new_meta = {**meta, "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "articles": n_total,
                "analysed_this_run": result.analysed, "signature": signature_of(files), "input_files": files,
                "paths": [str(Path(p).resolve()) for p in paths],
                "errors": list(meta.get("errors", [])) + [{"file": e.file, "error": e.error}
                                                          for e in result.errors if not e.skipped],
                "skipped": list(meta.get("skipped", [])) + [{"file": e.file, "reason": e.error}
                                                            for e in result.errors if e.skipped],
                "incremental": {"added_since_fit": since, "fitted_articles": n_total - since,
                                "share": round(since / max(n_total, 1), 4), "refit_share": REFIT_SHARE,
                                "last_added": len(articles)},
                "stale": {**(meta.get("stale") or {}), **STALE},
                "entity_keys_partial": True}   # the added articles' keys: an entity edit replays from the NER cache
    commit_increment(store, meta, appended, replaced, new_meta)
    result.timings["write"] = time.perf_counter() - t0 - sum(result.timings.values())
    result.timings["total"] = time.perf_counter() - t0
    result.messages.append(f"{len(articles)} new article(s) added to the store with the saved models "
                           f"({since} of {n_total} since the last full build)")
    return result


def needs_refit(meta: dict) -> bool:
    """Whether the articles added since the last full build pass REFIT_SHARE of the corpus."""
    inc = meta.get("incremental") or {}
    return float(inc.get("share", 0.0)) >= float(inc.get("refit_share", REFIT_SHARE))
