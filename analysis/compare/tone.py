"""Tone of sentences, outlets and entities with VADER (a lexicon model: offline, no
download), in the compound score: -1 (most negative) .. +1 (most positive).

VADER scores 3,500-4,000 news sentences a second on one core, so a 37k-article corpus
(~1.5M sentences) takes ~7 minutes on one core (the build uses n_jobs=2). Identical sentences (syndicated
copies) are scored once, n_jobs spreads the work over processes, and `sample` scores a
fixed random subset.
Pure functions: DataFrames in, DataFrames out; the analyzer is loaded once per process.
"""
from __future__ import annotations

import os
import string
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.config import values
from analysis.compare.outlets import outlets
from analysis.compare.tone_cache import text_hashes

TONE_COLUMNS = ["article_id", "sentence", "compound"]
SOURCE_COLUMNS = ["source", "articles", "sentences", "mean_compound", "stdev", "ci_low", "ci_high"]
ENTITY_COLUMNS = ["source", "entity", "sentences", "mean_compound"]
PUNCTUATION = string.punctuation
PARALLEL_FROM = 2_000   # distinct sentences (~0.5 s of scoring) from which worker processes pay off


@lru_cache(maxsize=1)
def analyzer():
    """The VADER analyzer, loaded once (reading its lexicon takes ~0.1 s)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def compound_scores(texts: list[str]) -> list[float]:
    """VADER compound score of each text. A text with no word of VADER's lexicon scores
    exactly 0.0 without running VADER (a fifth of news sentences: "The ministers met in
    Brussels on Tuesday."): VADER gives a word a valence only when the word is in its
    lexicon, and a sum of zero valences is a compound of 0.0 whatever the punctuation."""
    vader = analyzer()
    lexicon = vader.lexicon
    return [_compound(vader, t) if _may_have_tone(t, lexicon) else 0.0 for t in texts]


def _compound(vader, text: str) -> float:
    """vader.polarity_scores(text)["compound"]. polarity_scores first copies the text character
    by character in Python, each character an emoji of its table replaced by the emoji's
    description: with no such character (almost every news sentence) the copy is the text
    itself, so that pass is skipped and the rest of polarity_scores runs as it is written
    (vaderSentiment 3.3; test_tone.py compares the two on the seed pages): a fifth of the scoring."""
    if not _emoji_chars(vader).isdisjoint(text):
        return vader.polarity_scores(text)["compound"]
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText   # lazy: loaded with the analyzer

    text = text.strip()
    sentitext = SentiText(text)
    words, sentiments = sentitext.words_and_emoticons, []
    for i, item in enumerate(words):
        if item.lower() in BOOSTER_DICT or (i < len(words) - 1 and item.lower() == "kind"
                                            and words[i + 1].lower() == "of"):
            sentiments.append(0)
            continue
        sentiments = vader.sentiment_valence(0, sentitext, item, i, sentiments)
    sentiments = vader._but_check(words, sentiments)
    return vader.score_valence(sentiments, text)["compound"]


@lru_cache(maxsize=1)
def _emoji_chars(vader) -> frozenset:
    """The characters polarity_scores replaces (its emoji table's one-character keys)."""
    return frozenset(k for k in vader.emojis if len(k) == 1)


def _may_have_tone(text: str, lexicon: dict) -> bool:
    """False only when no word of the text, as VADER splits and strips it, is in the lexicon.
    Non-ASCII text may hold emoji, which VADER replaces by words first: always True."""
    if not text.isascii():
        return True
    for token in text.split():
        stripped = token.strip(PUNCTUATION)   # VADER's SentiText._strip_punc_if_word
        if (token if len(stripped) <= 2 else stripped).lower() in lexicon:
            return True
    return False


_SHARED: list = []   # the texts the forked workers score (inherited, never pickled)


def _score_range(bounds: tuple[int, int]) -> list[float]:
    return compound_scores(_SHARED[bounds[0]:bounds[1]])


def _score_unique(texts, n_jobs: int, cache=None):
    """A function that returns the scores of texts, each distinct text scored once (cache: a
    ToneCache; only the texts it has no score for are scored, and their scores are added to
    it). The scoring starts now, in worker processes when n_jobs > 1: the caller may do
    other work before it asks for the scores."""
    codes, uniques = pd.factorize(np.asarray(texts, dtype=object), sort=False)
    if cache is None:
        scored = _score(list(uniques), n_jobs)
        return lambda: scored()[codes]
    hashes = text_hashes(uniques)
    scores = cache.lookup(hashes)
    todo = np.flatnonzero(np.isnan(scores))
    scored = _score([uniques[i] for i in todo], n_jobs)

    def result() -> np.ndarray:
        scores[todo] = scored()
        cache.add(hashes[todo], scores[todo])
        return scores[codes]
    return result


def _score(uniques: list[str], n_jobs: int):
    """A function that returns the scores of the texts, scored in n_jobs forked processes
    that read the texts from this process's memory (sending them would copy them twice);
    the processes start now and work while the caller goes on."""
    import multiprocessing as mp

    global _SHARED
    if n_jobs <= 1 or len(uniques) < PARALLEL_FROM:
        return lambda: np.asarray(compound_scores(uniques), dtype=float)
    size = -(-len(uniques) // (n_jobs * 4))
    _SHARED = uniques
    # niced: when the build runs another analysis beside this one (the passage topics, the
    # longer of the two), the scoring yields the cores to it rather than slowing it down
    pool = ProcessPoolExecutor(max_workers=n_jobs, mp_context=mp.get_context("fork"),
                               initializer=os.nice, initargs=(5,))
    try:   # with fork, every worker starts at the first submit: each has the texts from then on
        parts = [pool.submit(_score_range, (i, i + size)) for i in range(0, len(uniques), size)]
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        _SHARED = []

    def result() -> np.ndarray:
        try:
            return np.asarray([s for part in parts for s in part.result()], dtype=float)
        finally:
            pool.shutdown(cancel_futures=True)
    return result


def sentence_tone(articles: pd.DataFrame, sentences: pd.DataFrame, *, sample: int | None = None,
                  random_state: int = 0, n_jobs: int = 1, cache=None) -> pd.DataFrame:
    """(article_id, sentence, compound) for each sentence (text = articles.text[start:end]).
    sample: score only this many sentences, drawn at random (fixed random_state) from
    the sentences sorted by (article_id, sentence), so the draw does not depend on row
    order. cache: a ToneCache (tone_cache.py) of the scores of sentences seen before."""
    return start_sentence_tone(articles, sentences, sample=sample, random_state=random_state,
                               n_jobs=n_jobs, cache=cache)()


def start_sentence_tone(articles: pd.DataFrame, sentences: pd.DataFrame, *, sample: int | None = None,
                        random_state: int = 0, n_jobs: int = 1, cache=None):
    """sentence_tone's table, as a function that returns it: with n_jobs > 1 the scoring
    runs in worker processes from now on, while the caller computes something else."""
    texts = outlets(articles).set_index("article_id")["text"]
    sents = sentences[["article_id", "sentence", "start", "end"]].astype({"article_id": str})
    sents = sents[sents["article_id"].isin(texts.index)]
    sents = sents.sort_values(["article_id", "sentence"]).reset_index(drop=True)
    if sample is not None and sample < len(sents):
        rng = np.random.default_rng(random_state)
        sents = sents.iloc[np.sort(rng.choice(len(sents), size=sample, replace=False))]
    if sents.empty:
        return lambda: pd.DataFrame(columns=TONE_COLUMNS)
    # one Python string per article (texts.loc[ids].to_numpy() on an Arrow string column made
    # a copy of the whole article for every sentence: gigabytes at 1,500 articles)
    body = dict(zip(texts.index, texts.to_numpy(dtype=object)))
    text = [body[a][s:e].strip() for a, s, e in
            zip(values(sents["article_id"]), sents["start"].tolist(), sents["end"].tolist())]
    scores = _score_unique(text, n_jobs, cache)
    del text, body
    ids, numbers = sents["article_id"].to_numpy(), sents["sentence"].astype(int).to_numpy()
    return lambda: pd.DataFrame({"article_id": ids, "sentence": numbers, "compound": scores()})


def tone_by_source(articles: pd.DataFrame, sentence_tones: pd.DataFrame, *,
                   z: float = 1.96) -> pd.DataFrame:
    """(source, articles, sentences, mean_compound, stdev, ci_low, ci_high) per outlet.
    The unit is the article: mean_compound is the mean of the articles' mean sentence
    tone (each article weighs the same), stdev their standard deviation, and the
    interval mean +- z * stdev / sqrt(articles) (sentences of one article are not
    independent, so they are not counted as separate observations)."""
    docs = outlets(articles[["id", "source"]])   # without the text: no copy of every article
    tones = sentence_tones.astype({"article_id": str}).merge(docs, on="article_id")
    if tones.empty:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    per_article = tones.groupby(["source", "article_id"])["compound"].agg(["mean", "size"])
    table = per_article.groupby("source").agg(articles=("mean", "size"), sentences=("size", "sum"),
                                              mean_compound=("mean", "mean"),
                                              stdev=("mean", "std")).reset_index()
    table["stdev"] = table["stdev"].fillna(0.0)
    half = z * table["stdev"] / np.sqrt(table["articles"])
    table["ci_low"], table["ci_high"] = table["mean_compound"] - half, table["mean_compound"] + half
    return table.sort_values("source").reset_index(drop=True)[SOURCE_COLUMNS]


def tone_by_entity(articles: pd.DataFrame, sentence_tones: pd.DataFrame, mentions: pd.DataFrame,
                   *, min_sentences: int = 5) -> pd.DataFrame:
    """(source, entity, sentences, mean_compound): the tone, in each outlet, of the
    sentences that mention the entity (a sentence counts once however often it names
    it). Pairs with fewer than min_sentences sentences are left out."""
    docs = outlets(articles[["id", "source"]])   # without the text: no copy of every article
    ments = mentions[["article_id", "sentence", "entity"]].astype({"article_id": str})
    ments = ments.drop_duplicates()
    tones = sentence_tones[["article_id", "sentence", "compound"]].astype({"article_id": str})
    joined = ments.merge(tones, on=["article_id", "sentence"]).merge(docs, on="article_id")
    if joined.empty:
        return pd.DataFrame(columns=ENTITY_COLUMNS)
    table = joined.groupby(["source", "entity"])["compound"].agg(
        sentences="size", mean_compound="mean").reset_index()
    table = table[table["sentences"] >= min_sentences]
    table = table.sort_values(["source", "sentences", "entity"], ascending=[True, False, True])
    return table.reset_index(drop=True)[ENTITY_COLUMNS]
