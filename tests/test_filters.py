"""The one filter function, on a five-article index a reader can check by hand."""
import datetime as dt

import pandas as pd

from analysis.views.filters import (UNKNOWN, ArticleIndex, Choices, Filters, describe, follow, from_params,
                                   select_articles, to_params)


def index() -> ArticleIndex:
    arts = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "outlet": ["Reuters", "Reuters", "BBC", UNKNOWN, "BBC"],
        "date": pd.to_datetime(["2021-08-01", "2021-09-15", None, "2021-08-20", "2022-01-01"]),
    })
    ae = pd.DataFrame({"art": [0, 0, 1, 2, 4], "entity": ["Kabul", "NATO", "Kabul", "NATO", "Taliban"],
                       "type": ["GPE", "ORG", "GPE", "ORG", "ORG"], "n": [2, 1, 1, 3, 1]})
    at = pd.DataFrame({"art": [0, 1, 2, 3, 4], "topic": [0, 1, 0, 1, 1]})
    texts = {"a": "the fall of kabul", "b": "talks in Doha", "c": "", "d": "Kabul airport", "e": ""}
    return ArticleIndex(arts, ae, at, lambda q: {k for k, t in texts.items() if q.lower() in t.lower()})


def ids(f: Filters) -> list[str]:
    return select_articles(index(), f).tolist()


def test_no_filter_selects_all():
    assert ids(Filters()) == ["a", "b", "c", "d", "e"]


def test_outlets_including_unknown():
    assert ids(Filters(outlets=("BBC",))) == ["c", "e"]
    assert ids(Filters(outlets=(UNKNOWN, "Reuters"))) == ["a", "b", "d"]


def test_date_range_and_undated():
    f = Filters(start=dt.date(2021, 8, 1), end=dt.date(2021, 8, 31))
    assert ids(f) == ["a", "c", "d"]            # c has no date: kept by default
    assert ids(f.with_(include_undated=False)) == ["a", "d"]
    assert ids(Filters(include_undated=False)) == ["a", "b", "d", "e"]


def test_entities_topics_text_combine():
    assert ids(Filters(entities=("Kabul",))) == ["a", "b"]
    assert ids(Filters(entities=("Kabul", "Taliban"))) == ["a", "b", "e"]
    assert ids(Filters(topics=(1,))) == ["b", "d", "e"]
    assert ids(Filters(text="kabul")) == ["a", "d"]
    assert ids(Filters(text="kabul", outlets=("Reuters",))) == ["a"]


def test_empty_selection_is_an_empty_index():
    assert ids(Filters(outlets=("BBC",), text="doha")) == []


def test_entity_types_do_not_remove_articles():
    assert ids(Filters(entity_types=("PERSON",))) == ["a", "b", "c", "d", "e"]


def test_params_round_trip():
    f = Filters(outlets=("BBC", UNKNOWN), start=dt.date(2021, 1, 1), include_undated=False,
                entities=("Kabul",), topics=(3,), text="airport")
    assert from_params(to_params(f)) == f
    assert from_params({"from": "not a date", "topic": ["x", "2"]}) == Filters(topics=(2,))


def test_describe_says_what_is_filtered():
    lines = describe(Filters(outlets=("BBC",), include_undated=False, topics=(1,)), topic_labels={1: "Doha talks"})
    assert lines == ["outlets: BBC", "articles with unknown date excluded", "topics: Doha talks"]
    assert describe(Filters()) == []


def test_passage_topics_select_articles_with_such_a_passage_and_round_trip():
    idx = index()
    idx.passage_topics = pd.DataFrame({"art": [0, 0, 1, 3, 3], "topic": [5, 6, 6, 7, 5]})
    assert select_articles(idx, Filters(passage_topics=(5,))).tolist() == ["a", "d"]
    assert select_articles(idx, Filters(passage_topics=(6,), outlets=("Reuters",))).tolist() == ["a", "b"]
    f = Filters(passage_topics=(5, 7))
    assert from_params(to_params(f)) == f
    assert describe(f, passage_labels={5: "Kabul evacuation"}) == ["with a passage in topics: Kabul evacuation, 7"]


def test_only_these_articles_select_them_and_round_trip():
    f = Filters(articles=("b", "e"), outlets=("BBC",))
    assert ids(f) == ["e"]
    assert from_params(to_params(f)) == f
    assert describe(Filters(articles=("b", "e"))) == ["only 2 chosen article(s): b, e"]


D = dt.date
AUG13, AUG17, AUG19 = D(2021, 8, 13), D(2021, 8, 17), D(2021, 8, 19)


def choices(bounds, outlets=("Press TV",), entities=("NATO",), topics=None, generation="g2") -> Choices:
    return Choices(generation=generation, bounds=bounds, outlets=frozenset(outlets), entities=frozenset(entities),
                   topics=topics or {})


def test_a_date_range_the_person_did_not_set_follows_the_corpus():
    # the seeds: one dated article (Aug 13); a correction dates another Aug 17
    before, after = choices((AUG13, AUG13), generation="g1"), choices((AUG13, AUG17))
    assert follow(before, after, {"dates": (AUG13, AUG13)}) == ({"dates": (AUG13, AUG17)}, [])
    # an end the person moved stays; the end at the old bound follows
    before = choices((D(2021, 8, 1), AUG17), generation="g1")
    after = choices((D(2021, 8, 1), AUG19))
    assert follow(before, after, {"dates": (D(2021, 8, 5), AUG17)}) == ({"dates": (D(2021, 8, 5), AUG19)}, [])
    assert follow(before, after, {"dates": (D(2021, 8, 5), D(2021, 8, 10))}) == ({}, [])


def test_a_date_range_outside_the_new_corpus_is_dropped_with_a_note():
    before = choices((D(2021, 1, 1), AUG19), generation="g1")
    after = choices((AUG13, AUG19))   # the January articles were removed
    changes, notes = follow(before, after, {"dates": (D(2021, 1, 5), D(2021, 1, 20))})
    assert changes == {"dates": (AUG13, AUG19)}
    assert notes == ["The date range 2021-01-05 to 2021-01-20 was dropped: the articles now run from "
                     "2021-08-13 to 2021-08-19."]
    # a range that still overlaps is narrowed to the corpus, without a note
    assert follow(before, after, {"dates": (D(2021, 1, 5), AUG17)}) == ({"dates": (AUG13, AUG17)}, [])


def test_outlets_entities_and_topics_are_kept_while_they_make_sense():
    before = choices((AUG13, AUG13), outlets=("Press TV", UNKNOWN), entities=("NATO", "Kabool"),
                     topics={0: "nato · allies", 1: "kabul · airport"}, generation="g1")
    after = choices((AUG13, AUG17), outlets=("Press TV", "Associated Press"), entities=("NATO", "Kabul"),
                    topics={0: "nato · allies", 1: "taliban · talks"})
    state = {"dates": (AUG13, AUG13), "outlet": ["Press TV", UNKNOWN], "entity": ["NATO", "Kabool", "Doha"],
             "topic": [0, 1]}
    changes, notes = follow(before, after, state)
    assert changes == {"dates": (AUG13, AUG17), "outlet": ["Press TV"], "entity": ["NATO", "Doha"], "topic": [0]}
    assert notes == ["The outlet filter '(unknown)' was dropped: no article has it now.",
                     "The entity filter 'Kabool' was dropped: no article mentions it now.",
                     "The topic filter '1: kabul · airport' was dropped: the topics were fitted again."]
