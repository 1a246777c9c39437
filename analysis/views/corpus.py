"""The store as the dashboard reads it: loaded once per process, queried per filter.

Small tables live in pandas (articles without their text, entities, per-article entity
counts); the big ones (articles.text, mentions, sentences, passages) are read with
DuckDB over the Parquet files, with column projection, only for the rows shown.
No streamlit here: the app caches a ``Corpus`` with st.cache_resource.
"""
from __future__ import annotations

import functools
import threading
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analysis.views.cooccurrence import SentenceIndex
from analysis.views.filters import ArticleIndex
from analysis.build.store import Store, parquet_files
from analysis.entities.places import MENTION_COLUMNS, place_mentions
from analysis.views.tables import dense_rank, load_articles, plain_strings
from analysis.ingest.sidefiles import side_file
from analysis.topics.edits import TOPIC_EDITS, apply_topic_edits, read_topic_edits

OPTIONAL_TABLES = ["topics_articles", "topics_passages", "article_topics", "passage_topics",
                   "doc_map", "distinctive_terms", "distinctive_entities", "entity_shares",
                   "similar", "duplicates", "tone_sources", "tone_entities", "quotes",
                   "entity_clusters", "entity_cluster_assignments", "entity_cooccurrence", "entity_communities"]


_TOPIC_TABLES = {"articles": ("topics_articles", "article_topics"),
                 "passages": ("topics_passages", "passage_topics")}


class Corpus:
    """One built store, ready for the dashboard."""

    def __init__(self, store: Store, paths: list[str] | None = None):
        self.store = store
        self.paths = paths or store.meta().get("paths", [])
        self.meta = store.meta()
        self.generation = self.meta.get("generation", "")  # pinned: a rebuild makes a new Corpus
        self._con = duckdb.connect()
        self._lock = threading.Lock()
        self.articles = load_articles(self.path("articles"))
        self.pos = pd.Series(np.arange(len(self.articles)), index=self.articles["id"])
        self.entities = plain_strings(pd.read_parquet(self.path("entities"),
                                                      columns=["entity_id", "name", "type", "mentions", "articles"]))
        self.article_entities = self._article_entities()
        first = Path(self.paths[0]) if self.paths else None
        self.topic_edits_file = side_file(self.paths, TOPIC_EDITS) or (
            None if first is None else (first if first.is_dir() else first.parent) / TOPIC_EDITS)
        self.refresh_topic_edits()

    def refresh_topic_edits(self) -> None:
        """Re-read topics.csv (after an edit): the topic tables and the topic filter follow,
        with no refit. edits_stamp changes, so cached charts are rebuilt."""
        path = self.topic_edits_file
        self.edits_stamp = path.stat().st_mtime_ns if path is not None and path.exists() else 0
        self.__dict__.pop("passage_topics", None)
        self.article_topics = self._article_topics()
        self.index = ArticleIndex(self.articles, self.article_entities, self.article_topics,
                                  passage_topics=lambda: self.passage_topics, search=self.search)

    def stale_note(self, *tables: str) -> str | None:
        """Why these tables are stale (an entity edit since they were made: entity_edits), else None."""
        stale = self.meta.get("stale") or {}
        names = [t for t in tables if t in stale]
        if not names:
            return None
        return f"Not up to date: {', '.join(names)} {stale[names[0]]}."

    def topic_notes(self, level: str) -> list[str]:
        """The kept topic edits of this level that found no topic, and topics.csv's bad lines."""
        return self._edited_topics(level, self.edits_stamp)[2]

    @functools.cached_property
    def passage_topics(self) -> pd.DataFrame | None:
        """(art, topic) of every passage: read on first use (a passage-topic filter or the
        passages level), not when the dashboard opens (700,000 rows at 37k articles)."""
        return self._article_topics("passage_topics")

    def has_passage_topics(self) -> bool:
        """Whether the store has passage topics (without reading them)."""
        if "passage_topics" in self.__dict__:
            return self.passage_topics is not None
        return self.path("passage_topics").exists()

    # -- loading -------------------------------------------------------------------
    def _article_entities(self) -> pd.DataFrame:
        """(art, entity_id, entity, type, n): mentions per article and entity. Read from the
        build's article_entities table (numbers only); entity and type are categoricals made
        from codes, with no string converted per row. A store built before that table
        existed is grouped here with DuckDB instead."""
        if self.path("article_entities").exists():
            df = pd.read_parquet(self.path("article_entities"))
        else:
            df = self.sql(f"SELECT article_id, entity_id, count(*)::INT AS n FROM {self.parquet('mentions')} "
                          "GROUP BY article_id, entity_id")
            art = self.pos.reindex(df.pop("article_id")).to_numpy()
            df = df[~pd.isna(art)].assign(art=art[~pd.isna(art)].astype("int32"))
        arrays = self.entity_arrays
        ids = df["entity_id"].to_numpy().astype(np.int64)
        known = (ids < len(arrays["known"])) & arrays["known"][np.minimum(ids, max(len(arrays["known"]) - 1, 0))]
        df = df[known] if not known.all() else df
        ids = df["entity_id"].to_numpy().astype(np.int64)
        out = pd.DataFrame({"art": df["art"].to_numpy().astype("int32"), "entity_id": ids,
                            "n": df["n"].to_numpy().astype("int32")})
        out["entity"] = pd.Categorical.from_codes(arrays["rank"][ids], categories=arrays["names_sorted"])
        out["type"] = pd.Categorical.from_codes(arrays["type_code"][ids], categories=arrays["types_sorted"])
        return out

    def _article_topics(self, name: str = "article_topics") -> pd.DataFrame | None:
        """(art, topic) of each article (article_topics) or each passage (passage_topics)."""
        at = self.table(name)
        if at is None or not {"article_id", "topic"} <= set(at.columns):
            return None
        out = pd.DataFrame({"art": self.pos.reindex(at["article_id"]).to_numpy(), "topic": at["topic"].to_numpy()})
        out = out.dropna()
        return out.astype({"art": "int32", "topic": "int64"}).reset_index(drop=True)

    def path(self, name: str) -> Path:
        """A table of this corpus's generation of the store."""
        return self.store.root / self.generation / f"{name}.parquet"

    def parquet(self, name: str, options: str = "") -> str:
        path = self.path(name)
        target = f"{path}/*.parquet" if path.is_dir() else str(path)   # a table grown in parts
        return "read_parquet('" + target.replace("'", "''") + "'" + options + ")"

    def sql(self, query: str, params: list | None = None, **tables) -> pd.DataFrame:
        """Run a query on a private cursor (Streamlit sessions run in threads)."""
        with self._lock:
            cur = self._con.cursor()
        try:
            for name, df in tables.items():
                cur.register(name, df)
            return plain_strings(cur.execute(query, params or []).df())
        finally:
            cur.close()

    def table(self, name: str) -> pd.DataFrame | None:
        """An optional analysis table (topics, sources, ...) or None when not computed; the
        topic tables with topics.csv's renames and merges applied."""
        for level, (topics, assigned) in _TOPIC_TABLES.items():
            if name in (topics, assigned):
                return self._edited_topics(level, self.edits_stamp)[0 if name == topics else 1]
        return self._stored(name)

    @functools.lru_cache(maxsize=8)
    def _edited_topics(self, level: str, stamp: int) -> tuple:
        """(topics, assignments, notes) of a level with topics.csv applied (stamp: its mtime)."""
        topics_name, assigned_name = _TOPIC_TABLES[level]
        topics, assigned = self._stored(topics_name), self._stored(assigned_name)
        if not stamp or topics is None or assigned is None:
            return topics, assigned, []
        edits, errors = read_topic_edits(self.topic_edits_file)
        topics, assigned, notes = apply_topic_edits(topics, assigned, edits, level=level)
        return topics, assigned, notes + [str(e) for e in errors]

    @functools.lru_cache(maxsize=32)
    def _stored(self, name: str) -> pd.DataFrame | None:
        """A table as the build wrote it."""
        if not self.path(name).exists():
            return None
        try:
            return plain_strings(pd.read_parquet(self.path(name)))
        except Exception:
            return None

    # -- queries -------------------------------------------------------------------
    @functools.lru_cache(maxsize=64)
    def search(self, text: str) -> frozenset:
        """Ids of articles whose title or text contains ``text`` (case-insensitive)."""
        df = self.sql(f"SELECT id FROM {self.parquet('articles')} "
                      "WHERE contains(lower(coalesce(title, '') || ' ' || text), lower(?))", [text])
        return frozenset(df["id"])

    def texts(self, ids: list[str]) -> pd.DataFrame:
        """id, title, source, published, text, removed for these articles only."""
        sel = pd.DataFrame({"id": pd.Series(list(ids), dtype=object)})
        return self.sql(f"SELECT a.id, a.title, a.source, a.published, a.text, a.removed "
                        f"FROM {self.parquet('articles')} a JOIN sel USING (id)", sel=sel)

    def rows_of(self, name: str, ids: list[str], columns: tuple[str, ...]) -> pd.DataFrame | None:
        """These columns of a table's rows for these articles only (None without the table): a
        story's quotes and tones, not the whole tables (400,000 and 1.6 million rows at 37k); in
        the table's order (a mean over them sums in the same order as over the whole table)."""
        if not self.path(name).exists():
            return None
        cols = ", ".join(f'"{c}"' for c in columns)
        source = self.parquet(name, ", filename=true, file_row_number=true")
        return self.sql(f"SELECT {cols} FROM {source} WHERE article_id IN (SELECT * FROM unnest(?)) "
                        "ORDER BY filename, file_row_number", [[str(a) for a in ids]])

    @functools.lru_cache(maxsize=64)
    def text_row(self, aid: str) -> pd.Series:
        """texts([aid])'s row, kept for the last 64 articles: the reader shows one article on
        every run of its page (a scan of the articles' texts: 0.4 s at 37k)."""
        return self.texts([aid]).iloc[0]

    def mentions_of(self, ids: list[str], *, entity_ids: list[int] | None = None,
                    columns=("article_id", "entity_id", "entity", "type", "start", "end", "sentence",
                             "sent_start", "sent_end"), limit: int | None = None) -> pd.DataFrame:
        """Mention rows of the given articles (optionally of some entities only)."""
        sel = pd.DataFrame({"article_id": pd.Series(list(ids), dtype=object)})
        where = ""
        if entity_ids is not None:
            where = "WHERE entity_id IN (SELECT * FROM unnest(?))"
        cols = ", ".join(f'm."{c}"' for c in columns)
        query = (f"SELECT {cols} FROM {self.parquet('mentions')} m JOIN sel USING (article_id) {where} "
                 f"ORDER BY m.article_id, m.start" + (f" LIMIT {int(limit)}" if limit else ""))
        return self.sql(query, [list(map(int, entity_ids))] if entity_ids is not None else None, sel=sel)

    @functools.cached_property
    def mention_columns(self) -> frozenset:
        """The columns of the mentions table (a store built before the recall pass has no found_by)."""
        import pyarrow.parquet as pq   # the schema only: no table read

        return frozenset(pq.read_schema(parquet_files(self.path("mentions"))[0]).names)

    @functools.cached_property
    def entity_notes(self) -> pd.DataFrame:
        """entity, type, mentions, note of the entities that say why they are as they are (an
        ambiguous surname kept apart, a type taken from the gazetteer); most mentioned first."""
        import pyarrow.parquet as pq

        cols = ["name", "type", "mentions", "note"]
        if "note" not in pq.read_schema(parquet_files(self.path("entities"))[0]).names:
            return pd.DataFrame(columns=["entity", "type", "mentions", "note"])
        ents = pd.read_parquet(self.path("entities"), columns=cols)
        ents = ents[ents["note"].fillna("").str.len() > 0].rename(columns={"name": "entity"})
        return ents.sort_values(["mentions", "entity"], ascending=[False, True]).reset_index(drop=True)

    @functools.cached_property
    def sentence_index(self) -> SentenceIndex:
        """Each asked entity's sentences (views/cooccurrence.py), read on first use."""
        ids = pd.DataFrame({"id": self.articles["id"].to_numpy(dtype=object), "pos": np.arange(len(self.articles))})
        return SentenceIndex(lambda wanted: self.sql(
            f"SELECT DISTINCT m.entity_id, p.pos, m.sentence FROM {self.parquet('mentions')} m JOIN ids p "
            "ON m.article_id = p.id WHERE m.entity_id IN (SELECT * FROM unnest(?)) AND m.sentence IS NOT NULL "
            "ORDER BY 1, 2, 3", [wanted], ids=ids))

    def cooccurrences(self, mask: np.ndarray, entity_ids: list[int]) -> pd.DataFrame:
        """(a, b, n): how many sentences mention both entities (a < b), in the selected articles."""
        return self.sentence_index.cooccurrences(mask, entity_ids)

    @functools.cached_property
    def outlet_codes(self) -> np.ndarray:
        """Each article's outlet as a number (positions in ``outlet_names``)."""
        codes, names = pd.factorize(self.articles["outlet"], sort=True)
        self.__dict__["outlet_names"] = np.asarray(names, dtype=object)
        return codes

    @functools.cached_property
    def outlet_names(self) -> np.ndarray:
        self.outlet_codes
        return self.__dict__["outlet_names"]

    def prepared(self, key, make):
        """make(self), computed once per corpus and kept on it: what a page needs that does
        not depend on the filters (e.g. the article map's points with their topics)."""
        cache = self.__dict__.setdefault("_prepared", {})
        if key not in cache:
            cache[key] = make(self)
        return cache[key]

    def positions(self, name: str, column: str = "article_id") -> np.ndarray | None:
        """The corpus position of each row's article in an analysis table (-1: not in the
        corpus), or None without the table: a filter is then view.mask[positions].
        Computed once per corpus (kept on the instance, so it goes with it)."""
        cache = self.__dict__.setdefault("_positions", {})
        if (name, column) not in cache:
            t = self.table(name)
            if t is None or column not in t.columns:
                cache[(name, column)] = None
            else:
                pos = self.pos.reindex(t[column].astype(str)).to_numpy()
                cache[(name, column)] = np.where(pd.isna(pos), -1, pos).astype(np.int64)
        return cache[(name, column)]

    def rows_in(self, name: str, mask: np.ndarray, column: str = "article_id") -> np.ndarray:
        """Which rows of a table belong to the masked articles (a boolean array)."""
        pos = self.positions(name, column)
        return (pos >= 0) & mask[np.maximum(pos, 0)]

    def outlets_at(self, pos: np.ndarray) -> np.ndarray:
        """The outlet (as shown) of the articles at these positions."""
        return self.outlet_names[self.outlet_codes[pos]]

    @functools.cached_property
    def entity_arrays(self) -> dict:
        """name, type, rank (of the name in sorted order: equal names, equal rank) and known
        (in the entity table), indexed by entity_id: a ranking is then numpy, not a merge."""
        ents = self.entities
        size = int(ents["entity_id"].max()) + 1 if len(ents) else 0
        ids = ents["entity_id"].to_numpy().astype(np.int64)
        rank_codes, names_sorted = dense_rank(ents["name"].fillna("").to_numpy(dtype=object))
        type_codes, types_sorted = pd.factorize(ents["type"].fillna("").to_numpy(dtype=object), sort=True)
        out = {"name": np.full(size, None, dtype=object), "type": np.full(size, None, dtype=object),
               "rank": np.zeros(size, dtype=np.int64), "known": np.zeros(size, dtype=bool),
               "type_code": np.zeros(size, dtype=np.int64),
               "names_sorted": pd.Index(names_sorted), "types_sorted": pd.Index(types_sorted)}
        out["name"][ids] = ents["name"].to_numpy(dtype=object)
        out["type"][ids] = ents["type"].to_numpy(dtype=object)
        out["rank"][ids] = rank_codes
        out["type_code"][ids] = type_codes
        out["known"][ids] = True
        return out

    @functools.cached_property
    def month_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(each article's month as a number, -1 when undated; the months in order)."""
        codes, months = pd.factorize(self.articles["month"], sort=True)
        return codes, np.asarray(months, dtype=object)

    @functools.cached_property
    def places(self) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """(places, place mentions with each article's outlet and month) as the build
        resolved them (aliases.csv's place fixes apply at the next build); None when the
        store has no places."""
        places = self.table("places")
        if places is None:
            return None
        # only the mentions of resolved places (all place_mentions keeps): a tenth of the
        # table at 37k, read by DuckDB instead of the whole table (6 s -> 1.3 s)
        resolved = places.loc[places["status"] == "resolved", "entity_id"].dropna().astype("int64").tolist()
        columns = ", ".join(f'"{c}"' for c in MENTION_COLUMNS)
        mentions = self.sql(f"SELECT {columns} FROM {self.parquet('mentions')} "
                            "WHERE entity_id IN (SELECT * FROM unnest(?))", [resolved])
        articles = pd.read_parquet(self.path("articles"), columns=["id", "source", "month"])
        return places, place_mentions(places, mentions, articles)

    def outlet_of(self, ids) -> pd.Series:
        return self.articles["outlet"].to_numpy()[self.pos.reindex(ids).to_numpy()]
