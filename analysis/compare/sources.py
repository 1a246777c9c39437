"""All the outlet-comparison tables of a corpus (terms, entities, similarity, copies,
tone, quotes) and the report's "sources" section."""
from __future__ import annotations

import json

import pandas as pd

from analysis.compare.outlets import distinctive_entities, distinctive_terms, entity_shares, outlets
from analysis.compare.quotes import extract_quotes, quotes_by_source
from analysis.compare.similarity import article_similarity, near_duplicates
from analysis.compare.tone import start_sentence_tone, tone_by_entity, tone_by_source
from analysis.compare.words import count_words

REPORT_TABLES = ("distinctive_terms", "distinctive_entities", "entity_shares", "near_duplicates",
                 "tone_by_source", "tone_by_entity", "quotes_by_source", "quotes")


def compare_sources(articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                    sentences: pd.DataFrame | None = None, *, top: int = 15,
                    tone_sample: int | None = None, n_jobs: int = 1, tone_cache=None) -> dict[str, pd.DataFrame]:
    """All the outlet-comparison tables the inputs allow, by name (the tables that need
    mentions or sentences are left out without them). tone_cache: a ToneCache of the
    sentence scores of earlier builds (compare/tone_cache.py)."""
    # the tone first: with n_jobs > 1 its worker processes score while this one does the rest
    pending_tones = None if sentences is None else start_sentence_tone(
        articles, sentences, sample=tone_sample, n_jobs=n_jobs, cache=tone_cache)
    words = count_words(outlets(articles)["text"])   # one tokenisation for both tables
    tables = {"distinctive_terms": distinctive_terms(articles, top=top, words=words),
              "article_similarity": article_similarity(articles, words=words),
              "near_duplicates": near_duplicates(articles)}
    del words
    if mentions is not None:
        tables["distinctive_entities"] = distinctive_entities(mentions, articles, top=top)
        tables["entity_shares"] = entity_shares(mentions, articles, top=2 * top)
    if sentences is not None:
        quotes = extract_quotes(articles, sentences, mentions) if mentions is not None else None
        tones = pending_tones()
        tables["sentence_tones"] = tones
        tables["tone_by_source"] = tone_by_source(articles, tones)
        if mentions is not None:
            tables["tone_by_entity"] = tone_by_entity(articles, tones, mentions)
            tables["quotes"] = quotes
            tables["quotes_by_source"] = quotes_by_source(quotes)
    return tables


def sources_report(tables: dict[str, pd.DataFrame], *,
                   include: tuple[str, ...] = REPORT_TABLES) -> dict[str, list[dict]]:
    """The report's "sources" section: each table in `include` that is present, as a
    list of JSON-able records (NaN and NA as None). Per-article tables (similarity,
    sentence tones) are left out by default: they grow with the corpus."""
    return {name: json.loads(tables[name].to_json(orient="records", force_ascii=False))
            for name in include if name in tables}
