"""Tone with VADER on outlets whose tone is known by construction."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.compare.tone import sentence_tone, tone_by_entity, tone_by_source

HAPPY = ["The festival was a wonderful success.", "Paris loves the great new park."]
SAD = ["The attack was a horrible disaster.", "Paris mourns the terrible losses."]
NEUTRAL = "The meeting is on Tuesday."


def _corpus():
    """Two articles per outlet; every article: two toned sentences then a neutral one."""
    rows, sents = [], []
    for source, lines in (("Sunny", HAPPY), ("Gloomy", SAD)):
        for n in range(2):
            parts = [*lines, NEUTRAL]
            text = " ".join(parts)
            article_id = f"{source}-{n}"
            rows.append((article_id, source, text))
            for i, part in enumerate(parts):
                start = text.find(part)
                sents.append((article_id, i, 0, start, start + len(part)))
    articles = pd.DataFrame(rows, columns=["id", "source", "text"])
    sentences = pd.DataFrame(sents, columns=["article_id", "sentence", "passage", "start", "end"])
    return articles, sentences


def test_sentence_tone_signs():
    articles, sentences = _corpus()
    tones = sentence_tone(articles, sentences).set_index(["article_id", "sentence"])["compound"]
    assert tones[("Sunny-0", 0)] > 0.5 and tones[("Gloomy-0", 0)] < -0.5
    assert tones[("Sunny-0", 2)] == 0.0
    assert len(tones) == 12


def test_tone_by_source_signs_and_counts():
    articles, sentences = _corpus()
    table = tone_by_source(articles, sentence_tone(articles, sentences)).set_index("source")
    assert table.loc["Sunny", "mean_compound"] > 0.2 > -0.2 > table.loc["Gloomy", "mean_compound"]
    assert table.loc["Sunny", "articles"] == 2 and table.loc["Sunny", "sentences"] == 6
    # both articles of an outlet are the same text: no spread, a zero-width interval
    assert table.loc["Sunny", "ci_low"] == pytest.approx(table.loc["Sunny", "mean_compound"])


def test_tone_by_entity_uses_only_sentences_that_mention_it():
    articles, sentences = _corpus()
    tones = sentence_tone(articles, sentences)
    mentions = pd.DataFrame([(f"{s}-{n}", 1, "Paris") for s in ("Sunny", "Gloomy") for n in range(2)]
                            + [("Sunny-0", 1, "Paris")],  # twice in one sentence: counts once
                            columns=["article_id", "sentence", "entity"])
    table = tone_by_entity(articles, tones, mentions, min_sentences=1).set_index("source")
    by_sentence = tones.set_index(["article_id", "sentence"])["compound"]
    assert table.loc["Sunny", "sentences"] == 2
    assert table.loc["Sunny", "mean_compound"] == pytest.approx(by_sentence[("Sunny-0", 1)])
    assert table.loc["Gloomy", "mean_compound"] == pytest.approx(by_sentence[("Gloomy-0", 1)])
    assert table.loc["Gloomy", "mean_compound"] < 0 < table.loc["Sunny", "mean_compound"]
    assert tone_by_entity(articles, tones, mentions, min_sentences=3).empty


def test_sample_scores_a_fixed_subset():
    articles, sentences = _corpus()
    first = sentence_tone(articles, sentences, sample=5)
    again = sentence_tone(articles, sentences.iloc[::-1], sample=5)
    assert len(first) == 5
    pd.testing.assert_frame_equal(first.reset_index(drop=True), again.reset_index(drop=True))


def test_two_processes_score_what_one_does():
    """Above PARALLEL_FROM distinct sentences the scoring runs in forked workers that read
    the texts from the parent; the scores and their order are the same as in one process."""
    from analysis.compare.tone import PARALLEL_FROM

    words = [*HAPPY, *SAD, NEUTRAL]
    rows, sents = [], []
    for a in range(PARALLEL_FROM // 10 + 5):
        parts = [f"{words[(a + i) % len(words)][:-1]} number {a}-{i}." for i in range(12)]
        text = " ".join(parts)
        rows.append((f"a{a:05d}", "Sunny" if a % 2 else "Gloomy", text))
        pos = 0
        for i, part in enumerate(parts):
            start = text.index(part, pos)
            sents.append((f"a{a:05d}", i, 0, start, start + len(part)))
            pos = start + len(part)
    articles = pd.DataFrame(rows, columns=["id", "source", "text"])
    sentences = pd.DataFrame(sents, columns=["article_id", "sentence", "passage", "start", "end"])
    assert len(sentences) > PARALLEL_FROM
    one = sentence_tone(articles, sentences, n_jobs=1)
    two = sentence_tone(articles, sentences, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    assert (one["compound"] > 0.3).sum() > 100 and (one["compound"] < -0.3).sum() > 100


def test_sentences_without_a_lexicon_word_score_zero_as_vader_does(seeds_dir):
    """The shortcut for texts with no lexicon word gives VADER's own score on every sentence
    of the seeds and on edge cases (emoticons, emoji, shouting, 'no', 'but', '!!!')."""
    from analysis.compare.tone import _may_have_tone, analyzer, compound_scores

    import re

    texts = [s.strip() for path in sorted(seeds_dir.glob("*.txt"))
             for s in re.split(r"(?<=[.!?])\s+|\n+", path.read_text(encoding="utf-8")) if s.strip()]
    texts += [NEUTRAL, "The meeting is on Tuesday!!!", "NATO met :)", "NATO met :-(", "Ministers met \U0001F600",
              "No, the ministers met.", "The ministers met, but nothing.", "GREAT news", "kind of",
              "", "   ", "(good)", "'bad'", "ok", "\u201cgood\u201d"]
    vader = analyzer()
    expected = [vader.polarity_scores(t)["compound"] for t in texts]
    assert compound_scores(texts) == expected
    skipped = [t for t in texts if not _may_have_tone(t, vader.lexicon)]
    assert NEUTRAL in skipped and "NATO met :)" not in skipped and "Ministers met \U0001F600" not in skipped
    assert len(skipped) > len(texts) // 10   # the shortcut really is taken on news text


def test_tone_cache_gives_the_same_scores_and_scores_only_new_sentences(tmp_path):
    """A rebuild reads the scores of the sentences it has seen from the cache (one part per
    build that scored something new); the tones are those scored without a cache."""
    import numpy as np

    from analysis.compare.tone_cache import ToneCache, text_hashes

    articles, sentences = _corpus()
    cache = ToneCache(tmp_path / "tone")
    plain = sentence_tone(articles, sentences)
    first = sentence_tone(articles, sentences, cache=cache)
    pd.testing.assert_frame_equal(plain, first)
    assert len(cache.parts()) == 1
    again = sentence_tone(articles, sentences, cache=cache)
    pd.testing.assert_frame_equal(plain, again)
    assert len(cache.parts()) == 1   # nothing new: nothing scored, no part written
    # the cache is what is read: a score stored for a sentence is the one returned
    body = dict(zip(articles["id"], articles["text"]))
    row = sentences.iloc[0]
    text = body[row["article_id"]][row["start"]:row["end"]].strip()
    cache.add(text_hashes([text]), np.array([0.123]))
    for part in cache.parts()[:1]:
        part.unlink()   # the first part held the old score of that sentence
    read = sentence_tone(articles, sentences, cache=cache).set_index(["article_id", "sentence"])["compound"]
    assert read[(row["article_id"], row["sentence"])] == 0.123
    assert len(cache.parts()) == 2   # the other sentences were scored again, into a new part


def test_scores_are_vaders_polarity_scores():
    """compound_scores (which skips polarity_scores's emoji pass when a text has no emoji) gives
    VADER's own compound for every sentence of the seed pages, emoji or not."""
    import re

    from analysis.compare.tone import analyzer, compound_scores
    from tests.conftest import SEEDS

    texts = [s for p in sorted(SEEDS.glob("*.txt"))
             for s in re.split(r"(?<=[.!?])\s+|\n+", p.read_text(encoding="utf-8")) if s.strip()]
    texts += ["Great news 😀 for the team!", "Sad 😢", "  kind of bad, but very GOOD!!  ", "Not bad at all :)",
              "The ministers met in Brussels on Tuesday."]
    vader = analyzer()
    expected = [vader.polarity_scores(t)["compound"] for t in texts]
    assert compound_scores(texts) == expected
    assert len(texts) > 100 and sum(e != 0 for e in expected) > 50
