"""An edit of the entities (a rule of aliases.csv) applied to a built store without NER.

The build keeps the mentions as they were before the user's rules ("entity_keys",
"entity_ambiguous": canonical.resolve_keys) and the state entities/rekey.py starts from
("entity_index", "entity_forms", "entity_names", "entity_rules"). An edit reads only the
rows of the keys the old and new rules name, makes those entities again, and matches again
only where a form that changed owner is written (rekey); the store's mentions and entities
are then what a full build with the same aliases.csv makes (tests/test_entity_edits.py).
The small tables made from the mentions follow at once (edit_tables); the analyses that
take longer (STALE_STAGES: entity clusters, quotes, stories, places) are not run again:
their tables are marked stale in meta.json ("stale": table -> why) and the pages that show
them say so, until ``refresh_stale`` (the Entities page's button, ``analysis entities
--refresh``) or the next build. The topics keep the entity names they were fitted with
until the next build. A store built before entity_keys is replayed from the NER cache once.
"""
from __future__ import annotations

import os
import shutil
import time

import pandas as pd
import pyarrow.parquet as pq

from analysis import config
from analysis.build.signature import input_files, known_files, signature_of
from analysis.build.store import NerCache, Store
from analysis.entities.canonical import key_tables, keys_of_tables, resolve_keys
from analysis.entities.ner import model_name
from analysis.entities.rekey import (STATE_TABLES, RekeyError, entities_with_state, key_finder, named_keys, rekey,
                                     rules_of, rules_table)
from analysis.ingest.articles import article_entity_counts, map_ner
from analysis.ingest.sidefiles import ALIASES, read_aliases, side_file

TOP = 15   # compare_sources's top (distinctive entities; entity shares: 2 * TOP)
# the analyses an edit leaves stale, the tables each makes, and how each is made again
STALE_STAGES = {
    "entity clusters": (("entity_clusters", "entity_cluster_assignments", "entity_cluster_selection",
                         "entity_communities", "entity_cooccurrence"),
                        lambda t, rules: _cluster_tables(t)),
    "quotes": (("quotes", "quotes_by_source"), lambda t, rules: _quote_tables(t)),
    "stories": (("stories", "story_articles"), lambda t, rules: _story_tables(t)),
    "places": (("places", "places_rules"), lambda t, rules: _place_tables(t, rules)),
    # made at once up to SYNC_MAX_MENTIONS mentions (a few seconds), stale above
    "outlet entities": (("distinctive_entities", "entity_shares", "tone_entities"),
                        lambda t, rules: outlet_entity_tables(t["articles"], t["mentions"], t.get("sentence_tones"))),
}


def _cluster_tables(t: dict) -> dict:
    from analysis.clusters.entities import entity_cluster_tables   # lazy: scikit-learn, networkx; not at the dashboard's start
    return entity_cluster_tables(t["mentions"], t["articles"])


def _story_tables(t: dict) -> dict:
    from analysis.stories.find import story_tables   # lazy: scikit-learn, scipy; not at the dashboard's start
    return story_tables(t)


def _place_tables(t: dict, rules) -> dict:
    from analysis.entities.places import place_tables   # lazy: the gazetteer; not at the dashboard's start
    return place_tables(t, rules)


SYNC_MAX_MENTIONS = config.env_int("NEWS_EDIT_SYNC_MENTIONS", 1_000_000)
STALE_WHY = "made before the last entity edit ({edit}): the next build, or the Entities page's refresh, makes it again"


def apply_entity_rules(paths: list[str], store: Store, *, edit: str = "", by_key: bool = True) -> dict[str, float]:
    """Make the store's entity tables follow aliases.csv as it is now; returns seconds per step.
    edit: what changed (for the stale note); by_key: only the entities the rules name are
    made again (entities/rekey.py), else all of them from entity_keys. Holds the store's
    build lock: a build or another edit waits, then sees this one."""
    t0 = time.perf_counter()
    with store.build_lock():
        rules, _ = read_aliases(side_file(paths, ALIASES))
        meta = store.meta()
        articles = store.read("articles")
        texts = dict(zip(articles["id"], articles["text"]))
        new: dict[str, pd.DataFrame] = {}
        partial = bool(meta.pop("entity_keys_partial", False))   # articles added since: not in entity_keys
        try:
            done = _by_key(store, rules, texts, t0) \
                if by_key and not partial and all(store.has(t) for t in STATE_TABLES) else None
        except RekeyError:
            done = None
        if done:
            mentions, entities, state, timings = done
            new.update(state)
        else:   # the whole of entities_from_keys and the recall pass (rekey's reference)
            if store.has("entity_keys") and store.has("entity_ambiguous") and not partial:
                keyed, ambiguous = keys_of_tables(store.read("entity_keys"), store.read("entity_ambiguous"))
            else:   # built before entity_keys, or articles added since: from the NER cache
                cache = NerCache(config.ner_cache_dir(meta.get("model") or model_name()))
                _, raw = map_ner(articles, cache.load(set(articles["hash"])))
                keyed, ambiguous = resolve_keys(raw, texts)
                new.update(key_tables(keyed, ambiguous))
            sentences = store.read("sentences")
            timings = {"read": time.perf_counter() - t0}
            mentions, entities, state = entities_with_state(keyed, ambiguous, texts, sentences, rules=rules)
            new.update(state)
        now = len(mentions) <= SYNC_MAX_MENTIONS
        new.update(edit_tables(articles, mentions, entities, store.read("sentence_tones")
                               if now and store.has("sentence_tones") else None, outlets=now))
        timings["entities"] = time.perf_counter() - t0 - timings["read"]
        stale = dict(meta.get("stale") or {})
        for name, (tables, _) in STALE_STAGES.items():
            if name != "outlet entities" or not now:
                why = STALE_WHY.format(edit=edit or "aliases.csv")
                stale.update({t: why for t in tables if t in meta.get("tables", [])})
        _commit(store, {**meta, "stale": stale}, new, paths)
    timings["total"] = time.perf_counter() - t0
    return timings


def _by_key(store: Store, rules, texts, t0: float):
    """rekey from the store's state tables: only the rows of entity_keys the rules name are read."""
    find = key_finder(store.read("entity_names"))
    old = rules_of(store.read("entity_rules"))
    touched = sorted(named_keys(old, find) | named_keys(rules, find))
    rows = _rows_of(store, "entity_keys", "key", touched)
    ambiguous = dict(keys_of_tables(rows, store.read("entity_ambiguous"))[1])
    current = {t: store.read(t) for t in ("mentions", "entities", "entity_index", "entity_forms")}
    timings = {"read": time.perf_counter() - t0}
    mentions, entities, index, forms = rekey(
        rows=rows, ambiguous=ambiguous, find=find, old_rules=old, new_rules=rules, mentions=current["mentions"],
        entities=current["entities"], index=current["entity_index"], forms=current["entity_forms"],
        texts=texts, sentences=lambda ids: _rows_of(store, "sentences", "article_id", ids))
    state = {"entity_index": index, "entity_forms": forms, "entity_rules": rules_table(rules)}
    return mentions, entities, state, timings


def _rows_of(store: Store, name: str, column: str, values) -> pd.DataFrame:
    """The rows of a store table whose column is one of values (read with a filter)."""
    if not values:
        return pq.read_schema(store.path(name)).empty_table().to_pandas()
    return pd.read_parquet(store.path(name), filters=[(column, "in", sorted(values))])


def edit_tables(articles: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame,
                tones: pd.DataFrame | None, *, outlets: bool = True) -> dict[str, pd.DataFrame]:
    """The tables an edit makes again at once: the mentions, entities and their per-article
    counts, and (outlets) the outlet comparison's entity tables (outlet_entity_tables)."""
    out = {"mentions": mentions, "entities": entities, "article_entities": article_entity_counts(articles, mentions)}
    return {**out, **outlet_entity_tables(articles, mentions, tones)} if outlets else out


def outlet_entity_tables(articles: pd.DataFrame, mentions: pd.DataFrame, tones: pd.DataFrame | None):
    """The outlet comparison's entity tables as compare_sources makes them (the tone by
    entity from the stored sentence tones)."""
    from analysis.compare.outlets import distinctive_entities, entity_shares   # lazy: scikit-learn; not at the dashboard's start
    from analysis.compare.tone import tone_by_entity   # lazy: edits only
    out = {"distinctive_entities": distinctive_entities(mentions, articles, top=TOP),
           "entity_shares": entity_shares(mentions, articles, top=2 * TOP)}
    if tones is not None:
        out["tone_entities"] = tone_by_entity(articles, tones, mentions)
    return out


def refresh_stale(paths: list[str], store: Store) -> dict[str, float]:
    """Make the stale analyses again (STALE_STAGES) from the store's tables; seconds per analysis."""
    t0 = time.perf_counter()
    with store.build_lock():
        meta = store.meta()
        stale = dict(meta.get("stale") or {})
        todo = [name for name, (tables, _) in STALE_STAGES.items() if set(tables) & set(stale)]
        timings: dict[str, float] = {}
        if not todo:
            return {"total": 0.0}
        rules, _ = read_aliases(side_file(paths, ALIASES))
        names = ("articles", "passages", "sentences", "mentions", "entities", "sentence_tones")
        core = {n: store.read(n) for n in names if store.has(n)}
        new: dict[str, pd.DataFrame] = {}
        for name in todo:
            t = time.perf_counter()
            tables, make = STALE_STAGES[name]
            new.update(make(core, rules))
            for table in tables:
                stale.pop(table, None)
            timings[name] = time.perf_counter() - t
        _commit(store, {**meta, "stale": stale}, new, paths)
    timings["total"] = time.perf_counter() - t0
    return timings


def _quote_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from analysis.compare.quotes import extract_quotes, quotes_by_source   # lazy: edits only
    quotes = extract_quotes(tables["articles"], tables["sentences"], tables["mentions"])
    return {"quotes": quotes, "quotes_by_source": quotes_by_source(quotes)}


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
