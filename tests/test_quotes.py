"""Quotes and their speakers on hand-built articles (offsets found with str.find)."""
from __future__ import annotations

import pandas as pd

from analysis.compare.quotes import NAMED, ORGANISATION, PRONOUN, UNKNOWN, extract_quotes, quotes_by_source

NATO_TEXT = "\n".join([
    "NATO Secretary-General Jens Stoltenberg met Heiko Maas in Brussels on Tuesday.",
    '"We will strike terrorist groups from a distance" Stoltenberg said.',
    'Stoltenberg said: "The alliance stands ready to act."',
    "“We remain committed to a political solution,” said NATO Secretary-General Jens Stoltenberg.",
    "“We thank Heiko Maas for his help. The Taliban’s promises are empty,” he added.",
    "NATO said in a statement: “Our embassy in Kabul stays open for now.”",
    "He said “this quote never closes.",
])
KOFOD_TEXT = "\n".join([
    "Danish foreign minister Jeppe Kofod spoke first on Friday.",
    "“Any future Afghan government must respect its obligations,” a statement from the alliance said.",
    "‘We are leaving Kabul now,’ Kofod told reporters, calling it a ‘sad’ day.",
])
# (article, surface as written, canonical entity, type); each surface found in order
MENTIONS = [("nato", "NATO", "NATO", "ORG"), ("nato", "Jens Stoltenberg", "Jens Stoltenberg", "PERSON"),
            ("nato", "Heiko Maas", "Heiko Maas", "PERSON"),
            ("nato", "Stoltenberg", "Jens Stoltenberg", "PERSON"),
            ("nato", "Stoltenberg", "Jens Stoltenberg", "PERSON"),
            ("nato", "NATO", "NATO", "ORG"), ("nato", "Jens Stoltenberg", "Jens Stoltenberg", "PERSON"),
            ("nato", "Heiko Maas", "Heiko Maas", "PERSON"), ("nato", "NATO", "NATO", "ORG"),
            ("kofod", "Jeppe Kofod", "Jeppe Kofod", "PERSON"), ("kofod", "Kofod", "Jeppe Kofod", "PERSON")]


def _tables():
    texts = {"nato": NATO_TEXT, "kofod": KOFOD_TEXT}
    articles = pd.DataFrame({"id": list(texts), "source": ["Wire", None], "text": list(texts.values())})
    sentences, mentions, cursor = [], [], {k: 0 for k in texts}
    for article_id, text in texts.items():
        for i, line in enumerate(text.split("\n")):   # one sentence a line
            start = text.find(line)
            sentences.append((article_id, i, 0, start, start + len(line)))
    for article_id, surface, entity, type_ in MENTIONS:
        text = texts[article_id]
        start = text.find(surface, cursor[article_id])
        assert start >= 0, surface
        cursor[article_id] = start + len(surface)
        sentence = text.count("\n", 0, start)
        mentions.append((article_id, entity, type_, surface, start, start + len(surface), sentence))
    return (articles,
            pd.DataFrame(sentences, columns=["article_id", "sentence", "passage", "start", "end"]),
            pd.DataFrame(mentions, columns=["article_id", "entity", "type", "surface", "start", "end",
                                            "sentence"]))


def _quotes():
    return extract_quotes(*_tables()).set_index("quote")


def test_speakers_named_before_and_after_the_quote():
    q = _quotes()
    for quote in ("We will strike terrorist groups from a distance",
                  "The alliance stands ready to act.",
                  "We remain committed to a political solution"):
        assert q.loc[quote, "speaker"] == "Jens Stoltenberg", quote
        assert q.loc[quote, "speaker_how"] == NAMED


def test_pronoun_is_the_nearest_person_before_it_outside_quotes():
    row = _quotes().loc["We thank Heiko Maas for his help. The Taliban’s promises are empty"]
    # Heiko Maas is named inside the quote, so he is not the nearest PERSON before "he"
    assert row["speaker"] == "Jens Stoltenberg" and row["speaker_how"] == PRONOUN
    assert row["sentence"] == 4


def test_a_statement_has_no_person_speaker_and_an_org_is_an_organisation():
    q = _quotes()
    statement = q.loc["Any future Afghan government must respect its obligations"]
    assert statement["speaker"] is None and statement["speaker_how"] == UNKNOWN
    nato = q.loc["Our embassy in Kabul stays open for now."]
    assert nato["speaker"] == "NATO" and nato["speaker_how"] == ORGANISATION


def test_single_quotes_offsets_unbalanced_and_scare_quotes():
    articles, sentences, mentions = _tables()
    quotes = extract_quotes(articles, sentences, mentions)
    texts = articles.set_index("id")["text"]
    for row in quotes.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.quote
    q = quotes.set_index("quote")
    assert q.loc["We are leaving Kabul now", "speaker"] == "Jeppe Kofod"
    assert q.loc["We are leaving Kabul now", "source"] == "unknown"
    assert "sad" not in q.index                     # one word: a scare quote
    assert not any("never closes" in s for s in q.index)  # unbalanced: skipped
    assert len(quotes) == 7


def test_quotes_by_source_counts_resolved_speakers():
    table = quotes_by_source(extract_quotes(*_tables()))
    assert table.to_dict("records") == [
        {"source": "Wire", "speaker": "Jens Stoltenberg", "quotes": 4},
        {"source": "Wire", "speaker": "NATO", "quotes": 1},
        {"source": "unknown", "speaker": "Jeppe Kofod", "quotes": 1}]
