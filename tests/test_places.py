"""Places: resolution of place names by context, the mistyped-entity rule, user fixes,
and the seeds at the right coordinates."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.entities.gazetteer import parse_fix
from analysis.entities.places import place_mentions, places_report, resolve_places


def corpus(*articles: list[tuple[str, str]]):
    """entities and mentions frames from articles given as [(name, type), ...]."""
    ids, ments = {}, []
    for i, names in enumerate(articles):
        for name, etype in names:
            eid = ids.setdefault((name, etype), len(ids))
            ments.append({"article_id": f"a{i}", "entity_id": eid, "entity": name, "type": etype,
                          "label": etype, "start": 0, "end": len(name)})
    mentions = pd.DataFrame(ments)
    counts = mentions.groupby("entity_id").size()
    entities = pd.DataFrame([{"entity_id": eid, "name": n, "type": t, "aliases": [], "mentions": int(counts[eid])}
                             for (n, t), eid in ids.items()])
    return entities, mentions


def place(places: pd.DataFrame, name: str) -> dict:
    rows = places[places["name"] == name]
    assert len(rows) == 1, f"{name} not in places: {places['name'].tolist()}"
    return rows.iloc[0].to_dict()


def test_herat_with_afghanistan_is_in_afghanistan():
    p = resolve_places(*corpus([("Herat", "GPE"), ("Afghanistan", "GPE")]))
    herat = place(p, "Herat")
    assert herat["status"] == "resolved" and herat["country"] == "AF"
    assert herat["lat"] == pytest.approx(34.35, abs=0.1) and herat["lon"] == pytest.approx(62.20, abs=0.1)
    assert place(p, "Afghanistan")["feature"] == "country"


def test_tripoli_is_decided_by_the_other_places_of_its_article():
    lebanon = place(resolve_places(*corpus([("Tripoli", "GPE"), ("Lebanon", "GPE")])), "Tripoli")
    libya = place(resolve_places(*corpus([("Tripoli", "GPE"), ("Libya", "GPE")])), "Tripoli")
    assert (lebanon["country"], libya["country"]) == ("LB", "LY")
    assert "because its articles also name Lebanon" in lebanon["how"]
    assert lebanon["lat"] == pytest.approx(34.43, abs=0.1)


def test_context_is_per_article():
    # Tripoli appears only beside Lebanon; Libya is named in another article
    p = resolve_places(*corpus([("Tripoli", "GPE"), ("Lebanon", "GPE")], [("Libya", "GPE")]))
    assert place(p, "Tripoli")["country"] == "LB"


def test_no_context_takes_the_dominant_candidate_and_says_so():
    p = resolve_places(*corpus([("Tripoli", "GPE")]))
    tripoli = place(p, "Tripoli")
    assert tripoli["country"] == "LY"  # 1.3 million people, Tripoli (Lebanon) 0.23 million
    assert "most populous" in tripoli["how"] and "no place that decides" in tripoli["how"]


def test_no_context_and_no_dominant_candidate_stays_unresolved():
    # Valencia: Venezuela 1.6 million, Spain 0.8 million: less than 3x apart
    valencia = place(resolve_places(*corpus([("Valencia", "GPE")])), "Valencia")
    assert valencia["status"] == "unresolved"
    assert "ambiguous" in valencia["reason"] and "VE" in valencia["reason"] and "ES" in valencia["reason"]
    spain = place(resolve_places(*corpus([("Valencia", "GPE"), ("Spain", "GPE")])), "Valencia")
    assert spain["country"] == "ES"


def test_a_country_name_needs_a_city_or_state_to_become_something_else():
    assert place(resolve_places(*corpus([("Georgia", "GPE")])), "Georgia")["country"] == "GE"
    assert place(resolve_places(*corpus([("Georgia", "GPE"), ("US", "GPE")])), "Georgia")["feature"] == "country"
    state = place(resolve_places(*corpus([("Georgia", "GPE"), ("Atlanta", "GPE")])), "Georgia")
    assert (state["country"], state["feature"]) == ("US", "admin")
    assert place(resolve_places(*corpus([("Lebanon", "GPE"), ("US", "GPE")])), "Lebanon")["country"] == "LB"


def test_country_variants_and_demonyms():
    p = resolve_places(*corpus([("US", "GPE"), ("Britain", "GPE"), ("United States", "GPE"), ("Afghan", "NORP")]))
    assert place(p, "US")["country"] == "US" and place(p, "United States")["country"] == "US"
    assert place(p, "Britain")["country"] == "GB"
    assert "Afghan" not in set(p["name"])


def test_a_person_with_person_evidence_is_never_a_place():
    entities, mentions = corpus([("Jens Stoltenberg", "PERSON"), ("Jordan", "PERSON"), ("Brussels", "GPE")])
    entities.loc[entities["name"] == "Jens Stoltenberg", "aliases"] = pd.Series([["Stoltenberg"]], index=[0])
    texts = {"a0": "Jordan said the alliance would stay."}
    mentions.loc[mentions["entity"] == "Jordan", ["start", "end"]] = (0, 6)
    p = resolve_places(entities, mentions, texts=texts)
    assert "Jens Stoltenberg" not in set(p.loc[p["status"] == "resolved", "name"])
    jordan = place(p, "Jordan")
    assert jordan["status"] == "unresolved" and "Jordan said" in jordan["reason"]


def test_mistyped_places_need_a_big_enough_city_and_weak_person_evidence():
    p = resolve_places(*corpus([("Herat", "ORG"), ("Lashkar Gah", "PERSON"), ("Twitter", "PERSON"),
                                ("Afghanistan", "GPE")]))
    assert place(p, "Herat")["country"] == "AF" and "typed ORG" in place(p, "Herat")["how"]
    assert place(p, "Lashkar Gah")["country"] == "AF"
    assert "Twitter" not in set(p["name"])
    # a person typed consistently PERSON, 3 times, is a person
    many = resolve_places(*corpus([("Jordan", "PERSON")] * 3))
    assert place(many, "Jordan")["status"] == "unresolved"


def test_the_user_fix_wins():
    ents, ments = corpus([("Tripoli", "GPE"), ("Libya", "GPE"), ("Herat", "GPE"), ("Helmand Province", "GPE")])
    rules = [("place", "tripoli", "Tripoli|LB"), ("place", "Herat", "none"),
             ("place", "Helmand Province", "@31.0;64.0|AF"), ("merge", "Herat", "Hirat")]
    p = resolve_places(ents, ments, rules=rules)
    tripoli = place(p, "Tripoli")
    assert tripoli["country"] == "LB" and tripoli["how"] == "user fix (aliases.csv: place,tripoli,Tripoli|LB)"
    assert place(p, "Herat")["status"] == "unresolved" and "not a place" in place(p, "Herat")["reason"]
    helmand = place(p, "Helmand Province")
    assert (helmand["lat"], helmand["lon"], helmand["country"]) == (31.0, 64.0, "AF")
    bad = resolve_places(ents, ments, rules=[("place", "Libya", "Narnia")])
    assert "not understood" in place(bad, "Libya")["reason"]


def test_parse_fix_forms():
    assert parse_fix("US-GA")["country"] == "US"
    assert parse_fix("NL")["feature"] == "country"
    assert parse_fix("Chaman|PK")["lat"] == pytest.approx(30.92, abs=0.05)
    assert parse_fix("none") is None
    assert "no city" in parse_fix("Chaman|FR")


def test_place_mentions_and_report():
    ents, ments = corpus([("Kabul", "GPE"), ("Kabul", "GPE"), ("Doha", "GPE")], [("Kabul", "GPE")])
    arts = pd.DataFrame({"id": ["a0", "a1"], "source": ["Reuters", None], "month": ["2021-08", None]})
    p = resolve_places(ents, ments)
    pm = place_mentions(p, ments, arts)
    assert pm[["article_id", "entity", "mentions"]].values.tolist() == [["a0", "Doha", 1], ["a0", "Kabul", 2],
                                                                        ["a1", "Kabul", 1]]
    assert pm["source"].tolist() == ["Reuters", "Reuters", "(unknown)"]
    report = places_report(p, ments)
    assert [(r["entity"], r["country"], r["mentions"]) for r in report] == [("Kabul", "AF", 3), ("Doha", "QA", 1)]
    json.dumps(report)


# -- the seeds, analysed for real ----------------------------------------------------

TRUE = {"Kabul": (34.53, 69.17, "AF"), "Kandahar": (31.61, 65.71, "AF"), "Herat": (34.35, 62.20, "AF"),
        "Lashkar Gah": (31.59, 64.37, "AF"), "Doha": (25.29, 51.53, "QA"), "Brussels": (50.85, 4.35, "BE")}


@pytest.fixture(scope="module")
def seed_places(tmp_path_factory):
    from analysis.build.pipeline import build
    from tests.conftest import SEEDS

    store = build([str(SEEDS)], store_dir=tmp_path_factory.mktemp("places-seeds"), progress=False).store
    arts = store.read("articles")
    mentions = store.read("mentions")
    return resolve_places(store.read("entities"), mentions, texts=dict(zip(arts["id"], arts["text"]))), store


def test_seed_places_are_at_the_right_coordinates(seed_places):
    places, _ = seed_places
    for name, (lat, lon, country) in TRUE.items():
        p = place(places, name)
        assert p["status"] == "resolved" and p["country"] == country, (name, p)
        assert abs(p["lat"] - lat) < 0.5 and abs(p["lon"] - lon) < 0.5, (name, p)


def test_seed_people_and_nationalities_are_not_places(seed_places):
    places, _ = seed_places
    resolved = set(places.loc[places["status"] == "resolved", "name"])
    assert not resolved & {"Jens Stoltenberg", "Joe Biden", "Afghan", "NATO", "Taliban", "Twitter", "Pompeo"}
    assert {"Afghanistan", "US", "Qatar", "Britain"} <= resolved


def test_chaman_is_only_in_a_photo_caption_of_the_seeds():
    """Chaman is named in a photo caption that cleaning removes as page furniture, so
    the seeds have no mention of it; given a mention, it resolves to Pakistan."""
    p = resolve_places(*corpus([("Chaman", "GPE"), ("Pakistan", "GPE"), ("Afghanistan", "GPE")]))
    assert place(p, "Chaman")["country"] == "PK"
    assert place(p, "Chaman")["lat"] == pytest.approx(30.92, abs=0.5)


def test_the_build_resolves_places_once_and_an_aliases_edit_is_seen(seeds_store, tmp_path):
    """Places are resolved in the build (the Places page opens without resolving); the
    stored rows are those of a resolution from the store's tables, and a 'place' fix added
    to aliases.csv after the build is used (the stored places are not, until a rebuild)."""
    from analysis.entities.places import places_for_store

    store = seeds_store.store
    assert store.has("places") and store.has("places_rules")
    arts = store.read("articles")
    fresh = resolve_places(store.read("entities"), store.read("mentions"), texts=dict(zip(arts["id"], arts["text"])))
    stored, _ = places_for_store(store)
    cols = ["entity_id", "name", "status", "place", "country", "lat", "lon", "how"]
    pd.testing.assert_frame_equal(stored[cols].reset_index(drop=True), fresh[cols].reset_index(drop=True),
                                  check_dtype=False)
    fixed, _ = places_for_store(store, rules=[("place", "Kabul", "none")])
    assert place(fixed, "Kabul")["status"] == "unresolved" and place(stored, "Kabul")["status"] == "resolved"


def _run_page(**state):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/places.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_places_page_shows_three_maps_and_the_resolution_table():
    closed = _run_page()
    assert not closed.dataframe and any("How each place was resolved" in e.label for e in closed.expander)   # sent when opened
    assert len(closed.get("plotly_chart")) == 1   # the bubble map; the other two are drawn when opened
    at = _run_page(places_how=True, open_places_countries=True, open_places_by_month=True)   # sections opened
    assert at.title[0].value == "Places"
    assert len(at.get("plotly_chart")) == 3  # bubbles, countries, by month (one dated article)
    table = at.dataframe[0].value
    assert table.set_index("name").loc["Herat", "country"] == "AF"


def test_the_places_page_follows_the_filters():
    at = _run_page(outlet=["Khaama Press"])  # names Iraq and London; only Press TV names Kandahar
    spec = at.get("plotly_chart")[0].proto.spec
    assert "Iraq" in spec and "London" in spec and "Kandahar" not in spec
    empty = _run_page(q="no such words anywhere")
    assert any("No article matches the filters" in w.value for w in empty.warning)


def test_the_country_shades_never_leave_the_colour_scale():
    """0.2 + 0.8 * m / vmax is just above 1 for m = vmax = 3 (floating point): the most
    mentioned country must still get the darkest colour, not an IndexError (found on the
    37k corpus)."""
    from analysis.figures.maps import countries_figure

    table = pd.DataFrame({"country": ["AF", "PK"], "country_name": ["Afghanistan", "Pakistan"],
                          "mentions": [3, 1], "top": ["Kabul", "Islamabad"]})
    fig = countries_figure(table)
    fills = {t.name: t.fillcolor for t in fig.data if t.name in ("AF", "PK")}
    assert fills["AF"] == "rgb(8, 48, 107)" and fills["PK"] != fills["AF"]
