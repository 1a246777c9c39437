"""The build's core: files -> articles -> NER (cached) -> canonical entities: the tables
every analysis starts from (build/pipeline.py and build/staged.py write them to the store)."""
from __future__ import annotations

import gc
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.entities.canonical import key_tables, resolve_keys
from analysis.entities.rekey import entities_with_state
from analysis.ingest.boilerplate import boilerplate_summary
from analysis.ingest.outlets import USER_FILE as OUTLETS, load_outlets
from analysis.ingest.articles import article_entity_counts, build_passages, map_ner, unique_ids
from analysis.entities.ner import run_ner
from analysis.ingest.readers import iter_documents
from analysis.ingest.reading import read_records
from analysis.ingest.records import ReadError
from analysis.build.progress import Progress
from analysis.build.store import NerCache, Store
from analysis.ingest.sidefiles import side_file

NER_ROUND = 4000       # articles per round of NER worker processes
FLUSH_EVERY = config.env_int("NEWS_FLUSH_EVERY", 256)  # articles per NER cache part: at most this much work is lost to a kill


@dataclass
class BuildResult:
    store: Store
    errors: list[ReadError] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    analysed: int = 0          # articles that went through NER in this run
    timings: dict = field(default_factory=dict)


def read_articles(paths: list[str], *, mapping=None, max_bytes=config.MAX_FILE_BYTES,
                  manifest=None, docs=None) -> tuple[pd.DataFrame, list[ReadError]]:
    """Read and clean every article; bad files become errors, good ones records. The
    outlet table is the shipped one extended by an outlets.csv beside the corpus; lines
    recurring across many articles of an outlet are removed as furniture (with the reason).
    docs: the documents to read instead of all of the paths' (files added to a corpus)."""
    outlets = load_outlets(str(side_file(paths, OUTLETS) or "") or None)
    items = docs if docs is not None else iter_documents(paths, mapping=mapping, max_bytes=max_bytes)
    records, errors = read_records(items, manifest=manifest, outlets=outlets)
    articles = pd.DataFrame(records, columns=_ARTICLE_COLUMNS)
    articles["id"] = unique_ids(articles["id"].tolist())
    return articles, errors


_ARTICLE_COLUMNS = ["id", "hash", "file", "title", "title_how", "title_evidence", "source",
                    "source_how", "source_evidence", "published", "published_how",
                    "published_evidence", "month", "url", "text", "removed", "n_words"]


def analyse_new(articles: pd.DataFrame, cache: NerCache, *, model: str, n_process: int,
                batch_size: int, progress: bool = True, naive: bool = False,
                scheduler: str | None = None, watch: Progress | None = None) -> int:
    """Run NER on the articles whose content hash is not cached yet. Returns the count.
    watch: the build's progress file, told how many of the articles have their entities."""
    done = cache.hashes()
    todo = articles.drop_duplicates("hash")
    todo = todo[~todo["hash"].isin(done)]
    per_hash = articles["hash"].value_counts()
    have = [len(articles) - int(per_hash.reindex(todo["hash"]).sum())]
    watch = watch or Progress(None)
    watch.start("entities", len(articles), have[0])
    if todo.empty:
        return 0
    bar = _progress(len(todo), "entities", progress)

    def tick(n: int = 1, key: str | None = None) -> None:   # the terminal's bar and the progress file
        bar.update(n)
        have[0] += int(per_hash.get(key, 1)) if key is not None else n
        watch.advance("entities", have[0])

    if scheduler:
        from analysis.build.distributed import analyse_on_cluster   # lazy: dask loads only for a cluster build

        pairs = list(zip(todo["hash"], todo["text"]))
        n = analyse_on_cluster(pairs, cache, scheduler=scheduler, model=model, on_done=tick)
        bar.close()
        return n
    batch: list = []
    # rounds of NER_ROUND articles, each with fresh worker processes: spaCy's string store
    # grows with every new word, so long-lived workers would grow without bound
    for lo in range(0, len(todo), NER_ROUND):
        part = todo.iloc[lo:lo + NER_ROUND]
        pairs = zip(part["hash"], part["text"])
        # the workers are forked: with the parent's objects frozen, the children's garbage
        # collector never touches (and so never copies) the parent's gigabyte of articles
        gc.collect()
        gc.freeze()
        try:
            for key, rec in run_ner(pairs, model=model, n_process=n_process, batch_size=batch_size, naive=naive):
                batch.append((key, rec))
                tick(1, key)
                if len(batch) >= FLUSH_EVERY:
                    cache.add(batch)
                    batch = []
        finally:
            gc.unfreeze()
    if batch:
        cache.add(batch)
    bar.close()
    return len(todo)


def _progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="art", disable=not enabled or total < 50,
                file=sys.stderr, smoothing=0.1)


def meta_of(paths, model, articles, errors, analysed, signature, files) -> dict:
    return {"paths": [str(Path(p).resolve()) for p in paths], "model": model,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "articles": len(articles),
            "boilerplate": boilerplate_summary(articles["source"], articles["removed"]),
            "errors": [{"file": e.file, "error": e.error} for e in errors if not e.skipped],
            "skipped": [{"file": e.file, "reason": e.error} for e in errors if e.skipped],
            "analysed_this_run": analysed,
            "signature": signature, "input_files": files}


def partial_meta(paths, model, articles, errors) -> dict:
    """The meta of a snapshot of a build in progress (build/staged.py): no signature and no
    input files, so that nothing takes it for a whole build of the corpus."""
    meta = meta_of(paths, model, articles, errors, 0, "", {})
    return {k: v for k, v in meta.items() if k not in ("signature", "input_files", "analysed_this_run")} | {
        "partial": True}


def core_tables(paths, *, mapping, manifest, rules, model, n_process, batch_size, progress, naive,
                scheduler, watch: Progress | None = None, early=None) -> tuple[dict[str, pd.DataFrame], dict]:
    """Read, NER (what is not cached yet), the core tables. Returns them and what the build
    reports: read errors, cache messages, articles analysed now, seconds per step.
    watch: the build's progress file; early(articles, errors): called once they are read."""
    t0 = time.perf_counter()
    watch = watch or Progress(None)
    watch.start("reading")
    articles, errors = read_articles(paths, mapping=mapping, manifest=manifest)
    timings = {"read": time.perf_counter() - t0}
    watch.articles(len(articles))
    watch.finish("reading", len(articles))
    if early is not None:
        early(articles, errors)
    cache = NerCache(config.ner_cache_dir(model))
    small = len(articles) < 200
    analysed = analyse_new(articles, cache, model=model, n_process=1 if small else n_process,
                           batch_size=batch_size, progress=progress, naive=naive, scheduler=scheduler, watch=watch)
    timings["ner"] = time.perf_counter() - t0 - timings["read"]
    tables = assemble(articles, cache.load(set(articles["hash"])), rules=rules)
    watch.finish("entities", len(articles))
    return tables, {"errors": errors, "messages": cache.messages, "analysed": analysed, "timings": timings}


def assemble(articles: pd.DataFrame, ner: pd.DataFrame, *, rules=()) -> dict[str, pd.DataFrame]:
    """The core tables from articles and their cached NER rows."""
    passages = build_passages(articles)
    sentences, raw = map_ner(articles, ner)
    del ner   # the cache rows (millions at 37k): mapped into raw and sentences
    texts = dict(zip(articles["id"], articles["text"]))
    keyed, ambiguous = resolve_keys(raw, texts)
    del raw
    # the rules, then the further mentions of the entities the corpus knows, found by matching
    # (found_by "match"); state: what an edit of aliases.csv starts from (entities/rekey.py)
    mentions, entities, state = entities_with_state(keyed, ambiguous, texts, sentences, rules=list(rules))
    return {"articles": articles, "passages": passages, "sentences": sentences,
            "mentions": mentions, "entities": entities,
            "article_entities": article_entity_counts(articles, mentions),
            **key_tables(keyed, ambiguous), **state}
