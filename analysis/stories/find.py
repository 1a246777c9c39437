"""Stories: the articles that report one real-world event, across outlets.

A topic spans many events and a syndicated copy is the same text; a story is one event
told by one or more outlets in their own words (a story may hold a single article).

Method (thresholds measured in benchmarks/story_quality.py, docs/benchmarks.md "Stories"):
1. One vector per article, so that a pair's score is one cosine: the l2-normalised
   TF-IDF of its lead (title + first LEAD_WORDS words: where a news story says what
   happened; the rest drifts into background), of its title alone, and of its named
   entities (mentions table, canonical names), weighted by WEIGHTS, joined, l2-normalised.
2. Blocking, never all pairs: each dated article's TOP_K nearest neighbours among the
   articles published within +-WINDOW_DAYS days of it (the sorted dates cut the corpus
   into windows; one sparse product per chunk of articles).
3. Undated articles: with no date, likeness of subject is no evidence of the same event
   (a topic recurs for years). An undated article is linked only to a near-copy of
   itself - word-shingle cosine >= COPY_THRESHOLD, the near-duplicate test of
   analysis.compare - so a wire copy joins its original's story; otherwise it is a
   story alone.
4. Pairs scoring >= THRESHOLD are linked; each connected set of links is then cut by
   average-linkage clustering of its members on their full pairwise scores, where the
   average falls below COHESION (the guard against chaining A-B-C into one story). A
   pair's score is its cosine times a time weight: 1 on the same day, falling by DECAY
   over the window, 0 beyond it (so a story cannot drift along a month of coverage).
Pure functions, DataFrames in and out; rows are sorted by article id first, so the result
does not depend on the order of the input rows; nothing is random.
"""
from __future__ import annotations

import time
from collections import Counter

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from analysis.compare.outlets import outlets
from analysis.compare.similarity import DUPLICATE_THRESHOLD, shingle_vectors
from analysis.topics.vectors import STOP_WORDS, TOKEN_PATTERN

STORY_COLUMNS = ["story", "label", "first", "last", "outlets", "articles", "entities", "size"]
ASSIGNMENT_COLUMNS = ["article_id", "story"]
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART")
LEAD_WORDS = 150         # words of the text after the title that make the lead
WEIGHTS = {"lead": 0.5, "title": 0.2, "entities": 0.3}
WINDOW_DAYS = 3          # a story's articles appear within days of each other
DECAY = 0.3              # the time weight falls from 1 (same day) to 1 - DECAY (WINDOW_DAYS apart)
THRESHOLD = 0.13         # link score (see the benchmark's sweep)
COHESION = 0.10          # least average score inside a story (the chaining guard)
COPY_THRESHOLD = DUPLICATE_THRESHOLD  # an undated article joins a story only as a near-copy
COPY_FLOOR = 0.5         # an undated pair is checked for copying from this vector cosine
TOP_K = 10               # candidate neighbours per article
MAX_DENSE = 3000         # larger linked sets are first split by a stricter threshold


def story_documents(articles: pd.DataFrame) -> pd.DataFrame:
    """(article_id, source, text, title, day) sorted by id; day = days since epoch or NaN."""
    docs = outlets(articles)
    by_id = articles.assign(id=articles["id"].astype(str)).drop_duplicates("id").set_index("id")
    title = by_id["title"] if "title" in by_id else pd.Series(dtype=object)
    docs["title"] = title.reindex(docs["article_id"]).fillna("").astype(str).to_numpy()
    published = by_id["published"] if "published" in by_id else pd.Series(dtype=object)
    dates = pd.to_datetime(published.reindex(docs["article_id"]), errors="coerce", format="%Y-%m-%d")
    docs["day"] = ((dates - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float)
    return docs


def _tfidf(texts: list[str]) -> sp.csr_matrix:
    """l2-normalised sublinear TF-IDF (the project's stop words); an all-zero matrix when
    no word is left. Every word is kept (min_df 1): dropping the words of one text would
    inflate the cosines of a small corpus, and the thresholds would depend on its size
    (measured: same precision at 37k articles, much better at 150)."""
    vec = TfidfVectorizer(stop_words=sorted(STOP_WORDS), token_pattern=TOKEN_PATTERN, sublinear_tf=True,
                          max_df=0.5 if len(texts) >= 20 else 1.0, dtype=np.float32)
    try:
        return vec.fit_transform(texts).tocsr()
    except ValueError:
        return sp.csr_matrix((len(texts), 0), dtype=np.float32)


def lead_texts(docs: pd.DataFrame, *, words: int = LEAD_WORDS) -> list[str]:
    return [f"{t}\n{' '.join(x.split()[:words])}" for t, x in zip(docs["title"], docs["text"])]


def entity_vectors(mentions: pd.DataFrame | None, ids: pd.Series, *, types=ENTITY_TYPES) -> sp.csr_matrix:
    """Articles x entities: sublinear TF-IDF of how often each article names each entity."""
    if mentions is None or mentions.empty:
        return sp.csr_matrix((len(ids), 0), dtype=np.float32)
    m = mentions[["article_id", "entity"] + (["type"] if types else [])].astype({"article_id": str})
    if types:
        m = m[m["type"].isin(types)]
    pos = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    counts = m[m["article_id"].isin(pos.index)].groupby(["article_id", "entity"]).size()
    if counts.empty:
        return sp.csr_matrix((len(ids), 0), dtype=np.float32)
    rows = pos[counts.index.get_level_values(0)].to_numpy()
    cols, _ = pd.factorize(counts.index.get_level_values(1), sort=True)
    matrix = sp.csr_matrix((counts.to_numpy(dtype=np.float32), (rows, cols)), shape=(len(ids), cols.max() + 1))
    return TfidfTransformer(sublinear_tf=True).fit_transform(matrix).astype(np.float32).tocsr()


def story_vectors(docs: pd.DataFrame, mentions: pd.DataFrame | None = None, *, weights: dict = WEIGHTS,
                  lead_words: int = LEAD_WORDS, types=ENTITY_TYPES) -> sp.csr_matrix:
    """One l2-normalised row per document: the weighted lead, title and entity blocks."""
    blocks = {"lead": lambda: _tfidf(lead_texts(docs, words=lead_words)),
              "title": lambda: _tfidf(docs["title"].tolist()),
              "entities": lambda: entity_vectors(mentions, docs["article_id"], types=types)}
    parts = [np.sqrt(w) * blocks[name]() for name, w in weights.items() if w > 0]
    return normalize(sp.hstack(parts, format="csr", dtype=np.float32)) if parts else \
        sp.csr_matrix((len(docs), 0), dtype=np.float32)


def time_weight(gap: np.ndarray, *, window_days: int = WINDOW_DAYS, decay: float = DECAY) -> np.ndarray:
    """1 on the same day, 1 - decay at window_days apart, 0 beyond; 1 when a date is unknown."""
    gap = np.abs(gap)
    w = 1.0 - decay * gap / max(window_days, 1)
    return np.where(np.isnan(gap), 1.0, np.where(gap > window_days, 0.0, w))


def _top_neighbours(sims: np.ndarray, rows: np.ndarray, cols: np.ndarray, k: int, floor: float):
    """(row, col, sim) of each row's k best columns with sim > floor."""
    k = min(k, sims.shape[1])
    if k == 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(sims, best, axis=1)
    keep = vals > floor
    return rows[np.nonzero(keep)[0]], cols[best[keep]], vals[keep]


def candidate_pairs(vectors: sp.csr_matrix, days: np.ndarray, *, window_days: int = WINDOW_DAYS,
                    decay: float = DECAY, k: int = TOP_K, copy_floor: float = COPY_FLOOR,
                    chunk: int = 1000) -> pd.DataFrame:
    """(i, j, score), i < j: each dated article's k best neighbours within the date window
    (score = cosine x time weight), and each undated article's neighbours among all
    articles with cosine >= copy_floor (to be checked for copying)."""
    found = []
    dated = np.flatnonzero(~np.isnan(days))
    order = dated[np.argsort(days[dated], kind="stable")]
    sorted_days = days[order]
    for lo in range(0, len(order), chunk):
        rows = order[lo:lo + chunk]
        a = np.searchsorted(sorted_days, days[rows[0]] - window_days, "left")
        b = np.searchsorted(sorted_days, days[rows[-1]] + window_days, "right")
        cols = order[a:b]
        sims = (vectors[rows] @ vectors[cols].T).toarray()
        sims *= time_weight(days[rows][:, None] - days[cols][None, :], window_days=window_days, decay=decay)
        sims[rows[:, None] == cols[None, :]] = 0.0
        found.append(_top_neighbours(sims, rows, cols, k, 0.0))
    undated = np.flatnonzero(np.isnan(days))
    everyone = np.arange(len(days))
    for lo in range(0, len(undated), chunk):
        rows = undated[lo:lo + chunk]
        sims = (vectors[rows] @ vectors.T).toarray()
        sims[np.arange(len(rows)), rows] = 0.0
        found.append(_top_neighbours(sims, rows, everyone, k, copy_floor - 1e-9))
    if not found:
        return pd.DataFrame({"i": np.zeros(0, int), "j": np.zeros(0, int), "score": np.zeros(0)})
    i, j, s = (np.concatenate([f[n] for f in found]) for n in range(3))
    pairs = pd.DataFrame({"i": np.minimum(i, j), "j": np.maximum(i, j), "score": s.astype(float)})
    return pairs.drop_duplicates(["i", "j"]).sort_values(["i", "j"]).reset_index(drop=True)


def copy_pairs(pairs: pd.DataFrame, texts: pd.Series, *, threshold: float = COPY_THRESHOLD) -> np.ndarray:
    """Which pairs are near-copies: word-shingle cosine >= threshold (analysis.compare)."""
    if pairs.empty:
        return np.zeros(0, dtype=bool)
    rows = np.unique(pairs[["i", "j"]].to_numpy())
    shingles = shingle_vectors(texts.iloc[rows].reset_index(drop=True))
    at = pd.Series(np.arange(len(rows)), index=rows)
    a, b = at[pairs["i"]].to_numpy(), at[pairs["j"]].to_numpy()
    return np.asarray(shingles[a].multiply(shingles[b]).sum(axis=1)).ravel() >= threshold


def _dense_scores(members: np.ndarray, vectors, days, window_days: int, decay: float) -> np.ndarray:
    cos = (vectors[members] @ vectors[members].T).toarray()
    d = days[members]
    return cos * time_weight(d[:, None] - d[None, :], window_days=window_days, decay=decay)


def link_stories(pairs: pd.DataFrame, vectors: sp.csr_matrix, days: np.ndarray, *, threshold: float = THRESHOLD,
                 cohesion: float = COHESION, window_days: int = WINDOW_DAYS, decay: float = DECAY,
                 copies: np.ndarray | None = None) -> np.ndarray:
    """A story label per article (the smallest row index of its story): links >= threshold,
    connected sets, then the chaining guard. A pair with an undated article is a link
    only where ``copies`` says it is a near-copy."""
    n = len(days)
    undated = np.isnan(days)
    i_all, j_all = pairs["i"].to_numpy(int), pairs["j"].to_numpy(int)
    keep = pairs["score"].to_numpy() >= threshold
    either = undated[i_all] | undated[j_all]
    keep = np.where(either, copies if copies is not None else False, keep)
    i, j = i_all[keep], j_all[keep]
    n_comp, comp = connected_components(sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)), directed=False)
    first = np.full(n_comp, n)
    np.minimum.at(first, comp, np.arange(n))
    labels = first[comp]
    for c in np.flatnonzero(np.bincount(comp) > 2):
        members = np.flatnonzero(comp == c)
        if len(members) > MAX_DENSE:  # rare: a chained mega-set; split by a stricter link first
            inside = keep & np.isin(i_all, members)
            parts = link_stories(pairs[inside], vectors, days, threshold=threshold + 0.05, cohesion=cohesion,
                                 window_days=window_days, decay=decay, copies=copies[inside] if copies is not None else None)
            labels[members] = parts[members]
            continue
        dist = 1.0 - _dense_scores(members, vectors, days, window_days, decay)
        np.fill_diagonal(dist, 0.0)
        tree = linkage(dist[np.triu_indices(len(members), 1)].clip(0, None), method="average")
        cut = fcluster(tree, t=1.0 - cohesion, criterion="distance")
        for part in np.unique(cut):
            labels[members[cut == part]] = members[cut == part].min()
    return labels


def group_stories(articles: pd.DataFrame, mentions: pd.DataFrame | None = None, *,
                  window_days: int = WINDOW_DAYS, threshold: float = THRESHOLD, cohesion: float = COHESION,
                  decay: float = DECAY, weights: dict = WEIGHTS, k: int = TOP_K, types=ENTITY_TYPES,
                  timings: dict | None = None) -> dict[str, pd.DataFrame]:
    """Stories of a corpus: {"stories": STORY_COLUMNS, "assignments": (article_id, story)}.
    articles needs id, source, title, text, published (YYYY-MM-DD); mentions (optional)
    article_id, entity, type. Stories are numbered from 0 by first date (undated last),
    then smallest article id. ``timings``, when given, receives the seconds of each step."""
    clock = _Clock(timings)
    docs = story_documents(articles)
    if docs.empty:
        return {"stories": pd.DataFrame(columns=STORY_COLUMNS),
                "assignments": pd.DataFrame(columns=ASSIGNMENT_COLUMNS)}
    vectors = story_vectors(docs, mentions, weights=weights, types=types)
    clock("vectors (lead, title, entities)")
    days = docs["day"].to_numpy(dtype=float)
    pairs = candidate_pairs(vectors, days, window_days=window_days, decay=decay, k=k)
    clock("candidate pairs (blocking)")
    undated = np.isnan(days)
    check = undated[pairs["i"].to_numpy(int)] | undated[pairs["j"].to_numpy(int)]
    copies = np.zeros(len(pairs), dtype=bool)
    copies[check] = copy_pairs(pairs[check], docs["text"])
    clock("near-copy check of undated pairs")
    labels = link_stories(pairs, vectors, days, threshold=threshold, cohesion=cohesion,
                          window_days=window_days, decay=decay, copies=copies)
    clock("links + chaining guard")
    result = describe_stories(docs, labels, vectors, key_entities(mentions, docs["article_id"], types=types))
    clock("labels, dates, outlets, key entities")
    return result


class _Clock:
    """Records the seconds since the last call under a name (nothing when off)."""
    def __init__(self, timings: dict | None):
        self.timings, self.now, self.last = timings, time.perf_counter, time.perf_counter()

    def __call__(self, name: str) -> None:
        if self.timings is not None:
            t = self.now()
            self.timings[name] = t - self.last
            self.last = t


def key_entities(mentions: pd.DataFrame | None, ids: pd.Series, *, top: int = 10,
                 types=ENTITY_TYPES) -> list[list[str]]:
    """Each article's `top` most named entities (ties: by name)."""
    names: dict[str, list[str]] = {}
    if mentions is not None and not mentions.empty:
        m = mentions[["article_id", "entity", "type"]].astype({"article_id": str})
        m = m[(m["type"].isin(types) if types else True) & m["article_id"].isin(set(ids))]
        counts = m.groupby(["article_id", "entity"]).size().rename("n").reset_index()
        counts = counts.sort_values(["article_id", "n", "entity"], ascending=[True, False, True])
        names = counts.groupby("article_id").head(top).groupby("article_id")["entity"].agg(list).to_dict()
    return [names.get(a, []) for a in ids]


def _day_text(day: float) -> str | None:
    return None if np.isnan(day) else str(np.datetime64(int(day), "D"))


def describe_stories(docs: pd.DataFrame, labels: np.ndarray, vectors: sp.csr_matrix,
                     names: list[list[str]], *, n_entities: int = 8) -> dict[str, pd.DataFrame]:
    """The stories table and the assignments from a label per document. A story's label
    is the title of its medoid (the member closest on average to the others); its key
    entities are those named by at least half of its articles (most named first)."""
    ids, sources = docs["article_id"].to_numpy(), docs["source"].to_numpy()
    titles, texts, all_days = docs["title"].to_numpy(), docs["text"].to_numpy(), docs["day"].to_numpy()
    rows = []
    for members in pd.Series(np.arange(len(labels))).groupby(labels).indices.values():
        medoid = members[0] if len(members) < 3 else \
            members[int((vectors[members] @ vectors[members].T).toarray().mean(axis=1).argmax())]
        counts = Counter(e for m in members for e in set(names[m]))
        key = [e for e, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
               if c >= len(members) / 2][:n_entities]
        days = all_days[members]
        dated = days[~np.isnan(days)]
        first = dated.min() if len(dated) else np.nan
        rows.append((titles[medoid].strip() or " ".join(texts[medoid].split()[:12]), _day_text(first),
                     _day_text(dated.max() if len(dated) else np.nan), sorted(set(sources[members])),
                     ids[members].tolist(), key, len(members), np.inf if np.isnan(first) else first))
    stories = pd.DataFrame(rows, columns=STORY_COLUMNS[1:] + ["_day"])
    stories["_id"] = stories["articles"].str[0]
    stories = stories.sort_values(["_day", "_id"], kind="stable").reset_index(drop=True)
    stories["story"] = np.arange(len(stories))
    assignments = stories[["story", "articles"]].explode("articles").rename(columns={"articles": "article_id"})
    assignments = assignments.sort_values("article_id").reset_index(drop=True)[ASSIGNMENT_COLUMNS]
    return {"stories": stories[STORY_COLUMNS], "assignments": assignments.astype({"story": "int64"})}


def story_tables(tables: dict[str, pd.DataFrame], **kw) -> dict[str, pd.DataFrame]:
    """The store's tables: "stories" and "story_articles" (article_id, story)."""
    result = group_stories(tables["articles"], tables.get("mentions"), **kw)
    return {"stories": result["stories"], "story_articles": result["assignments"]}


def stories_report(result: dict[str, pd.DataFrame] | pd.DataFrame) -> list[dict]:
    """The report's "stories": [{id, label, articles, outlets, first, last}]. Article ids
    are the store's: a JSONL/CSV record's own "id" (a repeated id gets "~2", "~3")."""
    stories = result["stories"] if isinstance(result, dict) else result
    return [{"id": int(r.story), "label": r.label, "articles": [str(a) for a in r.articles],
             "outlets": [str(o) for o in r.outlets], "first": r.first, "last": r.last}
            for r in stories.itertuples()]
