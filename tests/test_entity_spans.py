"""Span repair (entities/spans.py) and the state after a party code in the recall pass."""
import pandas as pd

from analysis.entities.canonical import canonicalize, clean_surface
from analysis.entities.recall import find_mentions
from analysis.entities.spans import repair_spans

COLUMNS = ["article_id", "start", "end", "surface", "label", "passage", "sentence", "sent_start", "sent_end"]


def raw_of(texts: dict[str, str], spans: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Raw mentions of (article, surface, label), each at its next occurrence in the text."""
    rows, used = [], {}
    for aid, surface, label in spans:
        start = texts[aid].find(surface, used.get((aid, surface), 0))
        assert start >= 0, surface
        used[(aid, surface)] = start + 1
        rows.append((aid, start, start + len(surface), surface, label, 0, 0, 0, len(texts[aid])))
    return pd.DataFrame(rows, columns=COLUMNS)


def repaired(texts, spans) -> list[tuple[str, str, str]]:
    out = repair_spans(raw_of(texts, spans), texts, clean=clean_surface).sort_values(["article_id", "start"])
    for aid, s, e, surface in zip(out["article_id"], out["start"], out["end"], out["surface"]):
        assert texts[aid][s:e] == surface          # offsets still point at the text
    return list(zip(out["article_id"], out["surface"], out["label"]))


TEXTS = {
    "a": "Hillary Clinton spoke. The Senate voted. Clinton left the Senate. Hillary Clinton won.",
    "b": "He followed the Hillary Clinton Senate playbook. Paul Manafort and Paul and Manafort met.",
    "c": "Paul Manafort spoke. Paul came. Manafort went. The New York Times and the Times. Times are hard, "
         "many times. New York and New York again.",
    "d": "Peter Roskam, an Illinois Republican, spoke; a North Korean diplomat and a Republican too. "
         "Kim Jong-un met a Ron Paul-affiliated group and USA Today/Gallup polled. Hillary 2016 signs.",
}


def test_run_together_names_are_cut_apart_when_the_corpus_knows_both_halves():
    spans = [("a", "Hillary Clinton", "PERSON"), ("a", "Senate", "ORG"), ("a", "Clinton", "PERSON"),
             ("a", "the Senate", "ORG"), ("a", "Hillary Clinton", "PERSON"),
             ("b", "the Hillary Clinton Senate", "PERSON"), ("b", "Paul Manafort", "PERSON"),
             ("b", "Paul", "PERSON"), ("b", "Manafort", "PERSON")]
    out = repaired(TEXTS, spans)
    assert ("b", "Hillary Clinton", "PERSON") in out and ("b", "Senate", "ORG") in out
    assert ("b", "the Hillary Clinton Senate", "PERSON") not in out
    assert ("b", "Paul Manafort", "PERSON") in out          # two people's names: one person
    # the same through canonicalisation: no 'Hillary Clinton Senate' entity, the Senate found in b
    mentions, entities = canonicalize(raw_of(TEXTS, spans), TEXTS)
    assert "Hillary Clinton Senate" not in set(entities["name"])
    assert "Senate" in set(mentions.loc[mentions["article_id"] == "b", "entity"])


def test_names_that_are_one_name_stay_whole():
    spans = [("c", "Paul Manafort", "PERSON"), ("c", "Paul", "PERSON"), ("c", "Manafort", "PERSON"),
             ("c", "The New York Times", "ORG"), ("c", "the Times", "ORG"), ("c", "Times", "ORG"),
             ("c", "New York", "GPE"), ("c", "New York", "GPE")]
    out = repaired(TEXTS, spans)
    assert ("c", "Paul Manafort", "PERSON") in out
    assert ("c", "The New York Times", "ORG") in out        # 'times' is a word: never a half


def test_tails_slashes_and_a_place_before_a_party():
    spans = [("d", "Peter Roskam", "PERSON"), ("d", "Illinois Republican", "NORP"),
             ("d", "North Korean", "NORP"), ("d", "Republican", "NORP"), ("d", "Kim Jong-un", "PERSON"),
             ("d", "Ron Paul-affiliated", "PERSON"), ("d", "USA Today/Gallup", "ORG"), ("d", "Hillary 2016", "PERSON")]
    out = repaired(TEXTS, spans)
    assert ("d", "Illinois", "GPE") in out and ("d", "North Korean", "NORP") in out
    assert ("d", "Kim Jong-un", "PERSON") in out and ("d", "Ron Paul", "PERSON") in out
    assert ("d", "USA Today", "ORG") in out and ("d", "Gallup", "ORG") in out
    assert ("d", "Hillary", "PERSON") in out


def test_a_state_after_a_party_code_is_matched():
    text = "Sen. Ted Cruz (R-Texas) and Gov. Brian Sandoval, R-Nev., spoke in Texas."
    hits = find_mentions({"a": text}, {"Texas": 1, "Nev.": 2}, {"a": []})
    assert [text[s:e] for _, s, e, _ in hits] == ["Texas", "Nev.", "Texas"]


def test_two_countries_by_a_hyphen_and_a_longer_known_half():
    texts = {"e": "The U.S.-Mexico border and Guinea-Bissau. George W. Bush spoke. The Justice Department and "
                  "the Justice Department agreed. The George W. Bush Justice Department did not."}
    spans = [("e", "U.S.-Mexico", "ORG"), ("e", "Guinea-Bissau", "GPE"), ("e", "George W. Bush", "PERSON"),
             ("e", "The Justice Department", "ORG"), ("e", "the Justice Department", "ORG"),
             ("e", "The George W. Bush Justice Department", "PERSON")]
    out = repaired(texts, spans)
    assert ("e", "U.S.", "GPE") in out and ("e", "Mexico", "GPE") in out
    assert ("e", "Guinea-Bissau", "GPE") in out            # a country and a city: one name
    assert [x for x in out if x[1] == "George W. Bush"] == [("e", "George W. Bush", "PERSON")] * 2
    assert sum(x[1] == "Justice Department" for x in out) == 1    # split from the joined span
