"""Cross-document resolution: second names join the thing they name across the corpus,
ambiguous surnames stay apart with their reason, places are typed by the gazetteer."""
import pandas as pd

from analysis.entities.canonical import canonicalize
from analysis.entities.resolve import nationality_country, strip_title


def mentions(texts: dict[str, str], spans: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(article, surface, label) -> raw mention rows with real offsets (each occurrence once)."""
    rows, used = [], {}
    for aid, surface, label in spans:
        start = texts[aid].find(surface, used.get((aid, surface), 0))
        assert start >= 0, (aid, surface)
        used[(aid, surface)] = start + 1
        rows.append((aid, start, start + len(surface), surface, label))
    return pd.DataFrame(rows, columns=["article_id", "start", "end", "surface", "label"])


def by_name(ents):
    return {r["name"]: r for r in ents.to_dict("records")}


def test_titles_are_not_part_of_a_name():
    assert strip_title("President Trump") == "Trump"
    assert strip_title("Mr. Obama") == "Obama"
    assert strip_title("former President Barack Obama") == "Barack Obama"
    assert strip_title("Prince Harry") == "Prince Harry"      # a royal title stands before a first name


def test_lone_surname_joins_the_full_name_the_corpus_resolves_it_to():
    # four articles resolve "Trump" to Donald Trump, one to Melania Trump (4 of 5 = 80%)
    texts = {f"d{i}": "Donald Trump spoke. Trump left." for i in range(4)}
    texts["m"] = "Melania Trump spoke. Trump left."
    texts["lone"] = "President Trump said no. Later Trump went home."
    spans = [(a, "Donald Trump", "PERSON") for a in texts if a.startswith("d")]
    spans += [(a, "Trump", "PERSON") for a in texts if a.startswith("d")]
    spans += [("m", "Melania Trump", "PERSON"), ("m", "Trump", "PERSON"),
              ("lone", "President Trump", "PERSON"), ("lone", "Trump", "ORG")]
    m, e = canonicalize(mentions(texts, spans), texts)
    ents = by_name(e)
    assert set(ents) == {"Donald Trump", "Melania Trump"}
    assert ents["Donald Trump"]["mentions"] == 10          # 4 x 2 + the two lone ones
    assert ents["Donald Trump"]["type"] == "PERSON"
    assert ents["Melania Trump"]["mentions"] == 2
    assert set(m.loc[m["article_id"] == "lone", "entity"]) == {"Donald Trump"}


def test_ambiguous_surname_stays_apart_and_says_why():
    texts = {"h1": "Hillary Clinton ran. Clinton lost.", "h2": "Hillary Clinton ran. Clinton won.",
             "b1": "Bill Clinton spoke. Clinton smiled.", "b2": "Bill Clinton spoke. Clinton left.",
             "x": "Clinton said nothing."}
    spans = [("h1", "Hillary Clinton", "PERSON"), ("h1", "Clinton", "PERSON"),
             ("h2", "Hillary Clinton", "PERSON"), ("h2", "Clinton", "PERSON"),
             ("b1", "Bill Clinton", "PERSON"), ("b1", "Clinton", "PERSON"),
             ("b2", "Bill Clinton", "PERSON"), ("b2", "Clinton", "PERSON"), ("x", "Clinton", "PERSON")]
    _, e = canonicalize(mentions(texts, spans), texts)
    ents = by_name(e)
    assert set(ents) == {"Hillary Clinton", "Bill Clinton", "Clinton"}
    assert ents["Hillary Clinton"]["mentions"] == 4 and ents["Bill Clinton"]["mentions"] == 4
    assert ents["Clinton"]["mentions"] == 1
    note = ents["Clinton"]["note"]
    assert note.startswith("ambiguous surname")
    assert "Hillary Clinton (2 of 4)" in note and "Bill Clinton (2 of 4)" in note


def test_name_variants_join():
    texts = {"a": "Donald J. Trump and James Comey met.", "b": "Donald Trump fired Jim Comey.",
             "c": "Donald Trump again."}
    spans = [("a", "Donald J. Trump", "PERSON"), ("a", "James Comey", "PERSON"),
             ("b", "Donald Trump", "PERSON"), ("b", "Jim Comey", "PERSON"), ("c", "Donald Trump", "PERSON")]
    _, e = canonicalize(mentions(texts, spans), texts)
    ents = by_name(e)
    assert set(ents) == {"Donald Trump", "James Comey"} or set(ents) == {"Donald Trump", "Jim Comey"}
    assert ents["Donald Trump"]["mentions"] == 3 and "Donald J. Trump" in ents["Donald Trump"]["aliases"]


def test_country_forms_join_and_nationalities_link_to_their_country():
    texts = {"a": "The U.S. and America.", "b": "Back in the States, Americans voted.",
             "c": "American troops left the United States."}
    spans = [("a", "U.S.", "GPE"), ("a", "America", "GPE"), ("b", "the States", "GPE"),
             ("b", "Americans", "NORP"), ("c", "American", "NORP"), ("c", "the United States", "GPE")]
    _, e = canonicalize(mentions(texts, spans), texts)
    gpe = e[e["type"] == "GPE"]
    assert len(gpe) == 1 and gpe.iloc[0]["mentions"] == 4
    norp = e[e["type"] == "NORP"]
    assert len(norp) == 1 and norp.iloc[0]["mentions"] == 2     # 'Americans' joins 'American'
    assert norp.iloc[0]["country"] == "United States"
    assert nationality_country("Afghans") == "Afghanistan"
    assert nationality_country("Taliban") is None


def test_gazetteer_types_places_unless_the_text_says_person():
    texts = {"a": "Fighting reached Herat and Lashkar Gah. Herat fell.",
             "b": "Barack Obama spoke. Obama left. Chelsea Clinton and Chelsea came.",
             "c": "Obama said the town of Obama is in Japan."}
    spans = [("a", "Herat", "ORG"), ("a", "Lashkar Gah", "PERSON"), ("a", "Herat", "ORG"),
             ("b", "Barack Obama", "PERSON"), ("b", "Obama", "PERSON"), ("b", "Chelsea Clinton", "PERSON"),
             ("b", "Chelsea", "PERSON"), ("c", "Obama", "PERSON")]
    _, e = canonicalize(mentions(texts, spans), texts)
    ents = by_name(e)
    assert ents["Herat"]["type"] == "GPE" and ents["Lashkar Gah"]["type"] == "GPE"
    assert "gazetteer" in ents["Herat"]["note"]
    assert ents["Barack Obama"]["type"] == "PERSON"     # Obama, Japan (pop 29k): a surname, not a town
    assert ents["Chelsea"]["type"] == "PERSON"          # a first name of a person in the corpus


def test_seeds_places_and_existing_merges(seeds_store):
    """The seeds through the real build (spaCy's model): Herat (typed ORG by the model) and
    Lashkar Gah (PERSON) are places; Stoltenberg, NATO, US and al-Qaeda are one entity each."""
    ents = seeds_store.store.read("entities")
    by = {n: r for n, r in zip(ents["name"], ents.to_dict("records"))}
    assert by["Herat"]["type"] == "GPE" and by["Lashkar Gah"]["type"] == "GPE"
    assert "gazetteer" in by["Herat"]["note"]
    assert by["Jens Stoltenberg"]["type"] == "PERSON" and "Stoltenberg" in list(by["Jens Stoltenberg"]["aliases"])
    assert not any(n in by for n in ("Stoltenberg", "North Atlantic Treaty Organization", "U.S.", "Al Qaeda"))
    assert by["NATO"]["type"] == "ORG" and by["US"]["type"] == "GPE" and by["al-Qaeda"]["type"] == "ORG"
