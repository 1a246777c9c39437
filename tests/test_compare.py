"""Outlet comparison on corpora whose right answer is known by construction."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.compare.outlets import distinctive_entities, distinctive_terms, entity_shares, outlets
from analysis.compare.similarity import article_similarity, near_duplicates
from analysis.compare.sources import compare_sources, sources_report

FILLER = ["budget talks continued in the capital", "officials met in the capital",
          "the parliament discussed the budget", "voters waited for the budget"]


def _articles(rows: list[tuple[str, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "source", "text"])


@pytest.fixture()
def regime_government() -> pd.DataFrame:
    """Outlet A always says 'regime', outlet B 'government'; both say 'capital' and
    'budget' as often as each other (four sentences each, ten articles each)."""
    rows = []
    for i in range(10):
        rows.append((f"a{i}", "A", f"The regime announced. {FILLER[i % 4]}."))
        rows.append((f"b{i}", "B", f"The government announced. {FILLER[i % 4]}."))
    return _articles(rows)


def test_log_odds_top_terms_are_the_words_each_outlet_alone_uses(regime_government):
    table = distinctive_terms(regime_government, min_count=1)
    top = table.groupby("source").head(1).set_index("source")
    assert top.loc["A", "term"] == "regime" and top.loc["B", "term"] == "government"
    assert top.loc["A", "count"] == 10 and top.loc["A", "z"] > 1.96
    assert top.loc["B", "z"] > 1.96
    shared = table[table["term"] == "budget"]
    assert len(shared) == 2 and (shared["z"].abs() < 0.5).all()
    assert list(table.columns) == ["source", "term", "count", "log_odds", "z"]


def test_log_odds_is_symmetric_and_order_free(regime_government):
    table = distinctive_terms(regime_government, min_count=1)
    a = table.set_index(["source", "term"])["z"]
    assert a[("A", "regime")] == pytest.approx(a[("B", "government")])
    shuffled = distinctive_terms(regime_government.sample(frac=1, random_state=3), min_count=1)
    pd.testing.assert_frame_equal(table, shuffled)


def test_missing_source_is_the_outlet_unknown():
    docs = outlets(_articles([("x", None, "a"), ("y", " ", "b"), ("z", "C", "c")]))
    assert list(docs["source"]) == ["unknown", "unknown", "C"]


def _mentions(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "entity", "type"])


def test_entities_share_and_distinctive():
    arts = _articles([("a1", "A", ""), ("a2", "A", ""), ("b1", "B", "")])
    ments = _mentions([("a1", "Jens Stoltenberg", "PERSON")] * 6 + [("a2", "NATO", "ORG")] * 2
                      + [("b1", "Taliban", "ORG")] * 6 + [("b1", "NATO", "ORG")] * 2)
    shares = entity_shares(ments, arts).set_index(["source", "entity"])
    assert shares.loc[("A", "Jens Stoltenberg"), "mentions"] == 6
    assert shares.loc[("A", "Jens Stoltenberg"), "share"] == pytest.approx(0.75)
    assert shares.loc[("B", "NATO"), "share"] == pytest.approx(0.25)
    top = distinctive_entities(ments, arts, min_count=1).groupby("source").head(1)
    assert list(top["entity"]) == ["Jens Stoltenberg", "Taliban"]


WIRE = ("BRUSSELS (Reuters) - NATO foreign ministers met on Friday to discuss the "
        "evacuation of citizens from Kabul airport after the Taliban took control of the "
        "country. The alliance said it would keep its diplomatic presence in the capital "
        "and continue to adjust as necessary, while allies sent more planes to fly out "
        "their nationals and Afghans who had worked with them. Ministers also warned the "
        "new rulers that Afghanistan must never again become a safe haven for terrorists.")
OTHER = ("The city council approved a new budget for public parks on Tuesday, adding "
         "funds for playgrounds, benches and trees along the river, after a long debate "
         "about parking fees and the cost of cleaning the streets in the old town.")


@pytest.fixture()
def wire_copies() -> pd.DataFrame:
    return _articles([("p1", "Post", "By Jane Doe, staff writer\n" + WIRE),
                      ("t1", "Times", "Updated 10:42 GMT\n" + WIRE + " Read more on our site."),
                      ("c1", "Courier", OTHER)])


def test_near_duplicates_groups_exactly_the_two_copies(wire_copies):
    groups = near_duplicates(wire_copies)
    assert list(groups["article_id"]) == ["p1", "t1"]
    assert list(groups["group"]) == [0, 0]
    assert list(groups["source"]) == ["Post", "Times"]
    assert groups["similarity"].iloc[0] == 1.0 and groups["similarity"].iloc[1] > 0.8


def test_near_duplicates_none_when_texts_differ():
    arts = _articles([("a", "A", WIRE), ("b", "B", OTHER)])
    assert near_duplicates(arts).empty


def test_nearest_neighbour_of_each_copy_is_the_other(wire_copies):
    sims = article_similarity(wire_copies, top_k=1).set_index("article_id")
    assert sims.loc["p1", "other_id"] == "t1" and sims.loc["t1", "other_id"] == "p1"
    assert sims.loc["p1", "cosine"] > 0.8
    assert "c1" not in sims.index  # shares no word with the others: no neighbour


def test_sources_report_is_json(wire_copies):
    sentences = pd.DataFrame({"article_id": ["p1", "t1", "c1"], "sentence": 0, "passage": 0,
                              "start": 0, "end": [len(t) for t in wire_copies["text"]]})
    start = wire_copies["text"].iloc[0].find("NATO")
    mentions = pd.DataFrame({"article_id": ["p1"], "entity": ["NATO"], "type": ["ORG"],
                             "sentence": [0], "start": [start], "end": [start + 4]})
    report = sources_report(compare_sources(wire_copies, mentions, sentences))
    assert json.loads(json.dumps(report)) == report
    assert [r["article_id"] for r in report["near_duplicates"]] == ["p1", "t1"]
    assert {r["source"] for r in report["tone_by_source"]} == {"Post", "Times", "Courier"}
