"""Stories on a corpus whose grouping is known by construction: three outlets tell the
same two events in their own words (an earthquake in Izmir on 2023-03-01, an election
in Chile on 2023-03-11), one unrelated article, and a wire copy of one earthquake story."""
import json
import re

import pandas as pd
import pytest

from analysis.stories import find as S
from analysis.stories import compare as C

QUAKE, VOTE = "2023-03-01", "2023-03-11"
TEXTS = {
    # id: (source, published, title, text)
    "a1": ("Alpha", QUAKE, "Earthquake kills dozens in Izmir",
           "A powerful earthquake struck Izmir on Wednesday, killing at least 40 people and collapsing "
           "apartment blocks across the coastal city. Rescue teams pulled survivors from the rubble overnight. "
           "Mayor Tunc Soyer said emergency shelters were opened in schools. The quake had a magnitude of 6.8, "
           "according to AFAD, the disaster agency of Turkey."),
    "b1": ("Beta", QUAKE, "Izmir quake: rescuers search collapsed buildings",
           "Rescuers in Izmir searched through collapsed buildings after a magnitude 6.8 earthquake shook the "
           "Turkish coast, with the death toll rising above 40. Tunc Soyer, the mayor, asked residents to stay "
           "out of damaged homes. AFAD sent tents and rescue teams to the city as aftershocks continued."),
    "c1": ("Gamma", "2023-03-02", "Turkey mourns after Izmir earthquake",
           "Turkey mourned the victims of the Izmir earthquake, a 6.8 magnitude quake that killed more than 40 "
           "people. Survivors slept in shelters as AFAD rescue teams kept digging through rubble. Mayor Tunc "
           "Soyer promised to rebuild the damaged apartment blocks of Izmir."),
    "a2": ("Alpha", VOTE, "Boric's rival wins Chile presidential election",
           "Chile elected Jose Antonio Kast as president on Sunday, with 56 percent of the vote in the runoff "
           "election. Kast defeated Jeannette Jara and promised tougher policing. Turnout in Santiago was high, "
           "the electoral service Servel said."),
    "b2": ("Beta", VOTE, "Kast wins Chile runoff",
           "Jose Antonio Kast won the Chilean presidential runoff election, taking 56 percent of the vote "
           "against Jeannette Jara. Servel, the electoral service, reported strong turnout in Santiago. Kast "
           "will take office in March and vowed tougher policing."),
    "c2": ("Gamma", "2023-03-12", "Chile turns right as Kast takes presidency",
           "Voters in Chile chose Jose Antonio Kast for president in a runoff election, giving him 56 percent "
           "of the vote. Jeannette Jara conceded in Santiago. Servel said turnout was strong, and Kast promised "
           "tougher policing when he takes office."),
    "u1": ("Beta", "2023-03-02", "Local bakery wins bread award",
           "A family bakery in a small village won a national award for its sourdough bread. The owners said "
           "the recipe has been handed down for three generations and the loaves sell out every morning."),
    "w1": ("Delta", QUAKE, "Earthquake kills dozens in Izmir", None),  # a wire copy of a1
}
ENTITIES = {"Izmir": "GPE", "Tunc Soyer": "PERSON", "AFAD": "ORG", "Turkey": "GPE", "Chile": "GPE",
            "Jose Antonio Kast": "PERSON", "Kast": "PERSON", "Jeannette Jara": "PERSON", "Servel": "ORG",
            "Santiago": "GPE"}
CANON = {"Kast": "Jose Antonio Kast"}


def corpus(order=None):
    rows = []
    for aid, (source, published, title, text) in TEXTS.items():
        rows.append({"id": aid, "source": source, "published": published, "title": title,
                     "text": text if text is not None else TEXTS["a1"][3]})
    arts = pd.DataFrame(rows)
    return arts if order is None else arts.iloc[order].reset_index(drop=True)


def mentions_of(arts: pd.DataFrame) -> pd.DataFrame:
    """Mentions found by matching the known names (longest first), canonical names as entity."""
    pattern = re.compile("|".join(sorted(map(re.escape, ENTITIES), key=len, reverse=True)))
    rows = [{"article_id": a, "entity": CANON.get(m[0], m[0]), "type": ENTITIES[m[0]], "start": m.start()}
            for a, t in zip(arts["id"], arts["text"]) for m in pattern.finditer(t)]
    return pd.DataFrame(rows)


def groups(result) -> set[frozenset]:
    return {frozenset(a) for a in result["stories"]["articles"]}


EXPECTED = {frozenset({"a1", "b1", "c1", "w1"}), frozenset({"a2", "b2", "c2"}), frozenset({"u1"})}


def test_constructed_corpus_gives_exactly_the_expected_stories():
    arts = corpus()
    result = S.group_stories(arts, mentions_of(arts))
    assert groups(result) == EXPECTED
    stories = result["stories"].set_index("story")
    assert list(stories["size"]) == [4, 1, 3]            # by first date, then smallest id
    quake = stories.loc[0]
    assert quake["outlets"] == ["Alpha", "Beta", "Delta", "Gamma"]
    assert (quake["first"], quake["last"]) == (QUAKE, "2023-03-02")
    assert quake["label"] in {TEXTS[a][2] for a in ("a1", "b1", "c1")}
    assert {"Izmir", "Tunc Soyer", "AFAD"} <= set(quake["entities"])
    assert set(stories.loc[2, "entities"]) >= {"Jose Antonio Kast", "Chile", "Servel"}
    assert len(result["assignments"]) == len(arts)


def test_text_alone_also_groups_them_and_a_single_outlet_corpus_works():
    assert groups(S.group_stories(corpus())) == EXPECTED
    one = S.group_stories(corpus().iloc[:1])
    assert one["stories"]["size"].tolist() == [1]


def test_same_output_whatever_the_row_order():
    arts = corpus()
    first = S.group_stories(arts, mentions_of(arts))
    for order in ([7, 6, 5, 4, 3, 2, 1, 0], [3, 0, 6, 1, 7, 2, 5, 4]):
        shuffled = corpus(order)
        again = S.group_stories(shuffled, mentions_of(shuffled).sample(frac=1, random_state=1))
        pd.testing.assert_frame_equal(first["stories"], again["stories"])
        pd.testing.assert_frame_equal(first["assignments"], again["assignments"])


def test_far_apart_dates_and_undated_articles_are_not_grouped_by_topic_alone():
    arts = corpus()
    arts.loc[arts["id"] == "c2", "published"] = "2023-04-30"   # outside the +-3 day window
    arts.loc[arts["id"] == "b2", "published"] = None           # undated, same event in other words
    result = S.group_stories(arts, mentions_of(arts))
    # an undated article cannot be placed in time: likeness of subject is not enough
    assert frozenset({"c2"}) in groups(result) and frozenset({"b2"}) in groups(result)
    assert frozenset({"a2"}) in groups(result)
    assert list(result["stories"]["first"].isna()) == [False] * 4 + [True]   # undated last
    arts.loc[arts["id"] == "w1", "published"] = None           # an undated copy still joins
    again = S.group_stories(arts, mentions_of(arts))
    assert frozenset({"a1", "b1", "c1", "w1"}) in groups(again)


def test_time_weight_and_blocking():
    import numpy as np

    w = S.time_weight(np.array([0.0, 1.5, 3.0, -3.0, 4.0, np.nan]), window_days=3, decay=0.3)
    assert w.tolist() == pytest.approx([1.0, 0.85, 0.7, 0.7, 0.0, 1.0])
    arts = corpus()
    docs = S.story_documents(arts)
    vectors = S.story_vectors(docs, mentions_of(arts))
    pairs = S.candidate_pairs(vectors, docs["day"].to_numpy(float), k=2)
    assert len(pairs) <= 2 * len(docs) and (pairs["i"] < pairs["j"]).all()
    ids = docs["article_id"].to_numpy()
    found = {frozenset((ids[i], ids[j])) for i, j in zip(pairs["i"], pairs["j"])}
    assert frozenset({"a1", "w1"}) in found and frozenset({"a2", "b2"}) in found


def test_coverage_and_blind_spots():
    arts = corpus()
    result = S.group_stories(arts, mentions_of(arts))
    cov = C.coverage_matrix(result["assignments"], arts)
    assert cov[cov["story"] == 0].set_index("source")["articles"].to_dict() == \
        {"Alpha": 1, "Beta": 1, "Delta": 1, "Gamma": 1}
    spots = C.blind_spots(result["assignments"], arts)
    # the election story: 3 of the 4 outlets; Delta missed it. Nobody else has a blind spot.
    assert spots.to_dict("records") == [{"source": "Delta", "story": 2, "outlets": 3, "share": 0.75}]
    only_three = C.blind_spots(result["assignments"], arts[arts["id"] != "b2"],
                               outlets_of_interest=["Alpha", "Beta", "Gamma"])
    assert only_three[["source", "story"]].values.tolist() == [["Beta", 2]]


def test_side_by_side_of_a_story():
    arts = corpus()
    ments = mentions_of(arts)
    result = S.group_stories(arts, ments)
    quotes = pd.DataFrame({"article_id": ["b1"], "speaker": ["Tunc Soyer"], "quote": ["Stay out of homes"],
                           "start": [0]})
    tones = pd.DataFrame({"article_id": ["a1", "a1", "b1"], "sentence": [0, 1, 0], "compound": [-0.5, -0.3, 0.2]})
    sides = C.story_sides(0, result["stories"], arts, ments, quotes, tones)
    assert list(sides.columns) == C.SIDE_COLUMNS
    assert sides["article_id"].tolist() == ["a1", "b1", "w1", "c1"]  # by outlet name
    by = sides.set_index("article_id")
    assert by.loc["b1", "quotes"] == ["Tunc Soyer: Stay out of homes"]
    assert by.loc["a1", "tone"] == pytest.approx(-0.4) and pd.isna(by.loc["c1", "tone"])
    assert "Turkey" not in by.loc["b1", "entities_named"]
    assert by.loc["a1", "words"] == len(TEXTS["a1"][3].split())
    assert all(len(t) > 0 for t in by["terms"])
    assert C.story_sides(99, result["stories"], arts).empty


def test_report_shape():
    arts = corpus()
    report = S.stories_report(S.group_stories(arts, mentions_of(arts)))
    json.dumps(report)
    assert [sorted(r) for r in report][0] == ["articles", "first", "id", "label", "last", "outlets"]
    assert report[0]["id"] == 0 and sorted(report[0]["articles"]) == ["a1", "b1", "c1", "w1"]
    assert report[-1]["first"] == "2023-03-11" and report[-1]["outlets"] == ["Alpha", "Beta", "Gamma"]


def build_store(folder, root):
    from analysis.build import stages as extras
    from analysis.build.pipeline import build

    return build([str(folder)], store_dir=root, progress=False, extras=extras.run).store


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The constructed corpus as a JSONL file, built into a real store (NER, extras)."""
    folder = tmp_path_factory.mktemp("stories-jsonl")
    rows = corpus().to_dict("records")
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return build_store(folder, tmp_path_factory.mktemp("stories-store"))


def test_a_real_build_writes_the_story_tables_with_the_given_ids(built):
    stories = built.read("stories")
    assert {frozenset(a) for a in stories["articles"]} == EXPECTED
    assert sorted(built.read("story_articles")["article_id"]) == sorted(TEXTS)
    assert set(stories.columns) >= set(S.STORY_COLUMNS)


def test_the_report_has_the_stories_and_its_ids_join_back(built):
    from analysis.build.report import build_report

    report = json.loads(json.dumps(build_report(built)))
    assert {frozenset(s["articles"]) for s in report["stories"]} == EXPECTED
    quake = next(s for s in report["stories"] if "a1" in s["articles"])
    assert (quake["first"], quake["last"]) == (QUAKE, "2023-03-02")
    assert quake["outlets"] == ["Alpha", "Beta", "Delta", "Gamma"]
    # the ids are the records' own: they join back to the user's rows and to report["articles"]
    given = set(corpus()["id"])
    assert {a for s in report["stories"] for a in s["articles"]} == given
    assert {a["id"] for a in report["articles"]} == given


def test_csv_ids_are_kept_too(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    arts = corpus()
    arts["id"] = "row-" + arts["id"]
    arts.to_csv(folder / "news.csv", index=False)
    store = build_store(folder, tmp_path / "store")
    found = {frozenset(a) for a in store.read("stories")["articles"]}
    assert found == {frozenset("row-" + a for a in group) for group in EXPECTED}
