"""Topics on corpora whose right answer is known by construction."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.topics.fit import fit_topics, topic_shares, topics_report
from analysis.topics.vectors import entity_token, fit_vectors

FOOTBALL = [
    "Real Madrid won the football match two goals to one after a late goal by the striker.",
    "The striker scored a goal in the first half and the football fans cheered the match.",
    "The coach praised the goalkeeper after the match; the league title race is open.",
    "Real Madrid fans filled the stadium for the league match and the striker scored twice.",
    "The referee gave a penalty, the striker scored the goal and the football match ended.",
    "The goalkeeper saved a penalty and the coach said the league match was hard.",
    "Football fans watched the striker score the winning goal of the league match.",
    "The coach of Real Madrid picked the same goalkeeper for the next league match.",
]
QUAKE = [
    "The earthquake destroyed buildings and rescue teams searched the rubble for survivors.",
    "Rescue workers of the Red Cross pulled survivors from the rubble after the earthquake.",
    "Aftershocks shook the city as rescue teams searched collapsed buildings for survivors.",
    "The Red Cross set up shelters for families who lost homes in the earthquake.",
    "The earthquake magnitude was high; rescue teams and the Red Cross reached the villages.",
    "Survivors slept in shelters while aftershocks hit the collapsed buildings.",
    "Rescue dogs found survivors in the rubble of buildings hit by the earthquake.",
    "The Red Cross asked for blood donations for the earthquake survivors in shelters.",
]


def corpus():
    """Four articles from two outlets, each with two football and two earthquake
    passages; mentions of the two multi-word names."""
    arts, pas, men = [], [], []
    for a in range(4):
        texts = [FOOTBALL[2 * a], QUAKE[2 * a], FOOTBALL[2 * a + 1], QUAKE[2 * a + 1]]
        aid = f"a{a}"
        arts.append((aid, "Outlet A" if a < 2 else "Outlet B", f"2021-0{a + 1}", f"Title {a}",
                     "\n\n".join(texts)))
        for p, t in enumerate(texts):
            pas.append((aid, p, t))
            for name, typ in (("Real Madrid", "ORG"), ("Red Cross", "ORG")):
                men += [(aid, p, name, typ)] * t.count(name)
    return (pd.DataFrame(arts, columns=["id", "source", "month", "title", "text"]),
            pd.DataFrame(pas, columns=["article_id", "passage", "text"]),
            pd.DataFrame(men, columns=["article_id", "passage", "entity", "type"]))


@pytest.fixture(scope="module")
def result():
    return fit_topics(*corpus(), level="passages")


def test_two_themes_two_topics_each_passage_right(result):
    topics, assign = result["topics"], result["assignments"]
    assert len(topics) == 2 and result["info"]["k"] == 2
    assert list(topics["size"]) == [8, 8] and list(topics["topic"]) == [0, 1]
    theme = assign["passage"] % 2          # passages 0, 2 football; 1, 3 earthquake
    assert assign.groupby(theme)["topic"].nunique().tolist() == [1, 1]
    football = assign.loc[theme == 0, "topic"].iloc[0]
    quake = 1 - football
    f_terms, q_terms = topics.loc[football, "terms"], topics.loc[quake, "terms"]
    assert {"striker", "goal", "match"} <= set(f_terms)
    assert {"earthquake", "rescue", "survivors"} <= set(q_terms)
    assert not {"earthquake", "rescue"} & set(f_terms)
    assert len(f_terms) >= 10 and len(q_terms) >= 10
    assert not result["selection"].empty and result["selection"]["k"].min() == 2


def test_entity_names_are_single_tokens(result):
    topics = result["topics"].set_index("topic")
    terms = {t for ts in topics["terms"] for t in ts}
    assert "real_madrid" in terms and "red_cross" in terms
    assert "real madrid" not in terms
    ents = dict(zip(topics["entities"].str[0], topics.index))
    assert set(ents) == {"Real Madrid", "Red Cross"}
    assert entity_token("North Atlantic Treaty Organization") == "north_atlantic_treaty_organization"
    vec = fit_vectors(["Jens Stoltenberg spoke in Brussels."] * 3, entity_names=["Jens Stoltenberg"])
    assert "jens_stoltenberg" in vec.terms


def test_topic_details(result):
    t = result["topics"].iloc[0]
    assert t["articles"] == ["a0", "a1", "a2", "a3"] and t["passages"] == 8
    assert len(t["representative"]) == 3
    assert set(t["representative"][0]) == {"article_id", "passage", "text"}
    assert " · " in t["label"]
    assert set(result["coords"].columns) == {"article_id", "passage", "x", "y"}
    assert len(result["coords"]) == 16
    report = topics_report(result)
    assert [r["id"] for r in report] == [0, 1] and report[0]["passages"] == 8
    assert set(report[0]) == {"id", "label", "terms", "articles", "passages"}


def test_same_result_whatever_the_row_order(result):
    arts, pas, men = corpus()
    rng = np.random.default_rng(7)
    shuffled = [df.iloc[rng.permutation(len(df))].reset_index(drop=True) for df in (arts, pas, men)]
    again = fit_topics(*shuffled, level="passages")
    for col in ("label", "terms", "entities", "size", "articles"):
        assert again["topics"][col].tolist() == result["topics"][col].tolist()
    pd.testing.assert_frame_equal(again["assignments"], result["assignments"])
    pd.testing.assert_frame_equal(again["coords"], result["coords"])


def test_fixed_number_of_topics_numbered_by_size():
    res = fit_topics(*corpus(), level="passages", n_topics=3)
    sizes = res["topics"]["size"].tolist()
    assert len(sizes) == 3 and sum(sizes) == 16 and sizes == sorted(sizes, reverse=True)
    assert res["info"]["criterion"] == "given" and res["selection"].empty


def test_one_article():
    arts, pas, men = corpus()
    one = arts.iloc[[0]], pas[pas["article_id"] == "a0"], men[men["article_id"] == "a0"]
    by_article = fit_topics(*one, level="articles")
    assert len(by_article["topics"]) == 1 and "too few" in by_article["info"]["reason"]
    assert by_article["assignments"].to_dict("records") == [{"article_id": "a0", "topic": 0}]
    assert by_article["topics"].iloc[0]["passages"] == 4
    by_passage = fit_topics(*one, level="passages")
    assert by_passage["topics"]["size"].sum() == 4


def test_degenerate_inputs():
    arts, pas, men = corpus()
    empty = fit_topics(arts, pas.iloc[0:0], men.iloc[0:0], level="passages")
    assert empty["topics"].empty and empty["info"]["reason"] == "no passages with text"
    same = pas.assign(text="The same sentence about the harbour.")
    res = fit_topics(arts, same, men.iloc[0:0], level="passages")
    assert len(res["topics"]) == 1 and res["topics"].iloc[0]["size"] == 16
    stop = pas.assign(text="the and of")
    only_stop = fit_topics(arts, stop, men.iloc[0:0], level="passages")["topics"]
    assert len(only_stop) == 1 and only_stop.iloc[0]["label"] == "(no terms)"
    with_entities = fit_topics(arts, stop, men, level="passages")["topics"]
    assert with_entities["label"].tolist() == ["Real Madrid", "Red Cross"]  # their tokens remain
    dup = pd.concat([pas, pas.assign(passage=pas["passage"] + 10)])
    assert fit_topics(arts, dup, men, level="passages")["info"]["k"] == 2


def test_shares_sum_to_one_per_outlet_and_month(result):
    arts = corpus()[0]
    shares = topic_shares(result["assignments"], arts, by="source")
    assert shares.groupby("source")["share"].sum().round(9).tolist() == [1.0, 1.0]
    assert shares["n"].sum() == 16 and list(shares.columns) == ["topic", "source", "n", "share"]
    months = topic_shares(result["assignments"], arts, by="month")
    assert set(months["month"]) == {"2021-01", "2021-02", "2021-03", "2021-04"}
    assert (months["share"] == 0.5).all()


def test_large_inputs_are_fitted_on_a_sample_and_every_text_is_vectorised(monkeypatch):
    """Above the sample size (a million passages at 37k articles), vocabulary, IDF, SVD and
    KMeans are fitted on a fixed sample and every text is transformed and assigned: the
    two themes still separate, every row has a vector, and the result is repeatable."""
    import analysis.topics.fit as topics
    import analysis.topics.vectors as vectors

    texts = [t + f" (copy {i})" for i in range(6) for t in FOOTBALL + QUAKE]   # 96 texts
    full = fit_vectors(texts, entity_names=["Real Madrid", "Red Cross"], n_components=5)
    part = fit_vectors(texts, entity_names=["Real Madrid", "Red Cross"], n_components=5, sample_size=40)
    assert part.tfidf.shape[0] == len(texts) and part.embedding.shape == (len(texts), 5)
    assert set(part.terms) <= set(full.terms) and "real_madrid" in set(part.terms)
    assert np.allclose(np.linalg.norm(part.embedding, axis=1), 1.0)
    again = fit_vectors(texts, entity_names=["Real Madrid", "Red Cross"], n_components=5, sample_size=40)
    assert np.array_equal(part.embedding, again.embedding)

    monkeypatch.setattr(topics, "fit_sample", lambda n, random_state=0: vectors.fit_sample(n, 40, random_state))
    labels = topics.cluster(part.embedding, 2)
    football = labels[[i for i, t in enumerate(texts) if t.split(" (copy")[0] in FOOTBALL]]
    quake = labels[[i for i, t in enumerate(texts) if t.split(" (copy")[0] in QUAKE]]
    assert len(set(football)) == 1 and len(set(quake)) == 1 and set(football) != set(quake)


def test_silhouette_is_sklearns():
    """choose_k's silhouette (one product with the cluster indicator) against scikit-learn's,
    singletons and a cluster of identical rows included."""
    from sklearn.metrics import silhouette_score
    from sklearn.metrics.pairwise import cosine_distances

    from analysis.topics.fit import silhouette

    rng = np.random.default_rng(3)
    x = np.vstack([rng.random((60, 6)), np.ones((5, 6))])
    dist = cosine_distances(x)
    np.fill_diagonal(dist, 0.0)
    for k in (2, 7, 40):
        labels = np.unique(rng.integers(0, k, len(x)), return_inverse=True)[1]
        assert silhouette(dist, labels) == pytest.approx(silhouette_score(dist, labels, metric="precomputed"), abs=1e-12)


def test_a_term_that_repeats_one_word_is_never_a_topic_term():
    # pages that print a name twice in a row (a photo credit, then the byline) make the
    # bigram 'x x'; a topic's terms and label name the word once (seen at 37k as
    # "Donald Trump Donald Trump")
    texts = [t + " Striker, striker." for t in FOOTBALL] + [t + " Rubble, rubble." for t in QUAKE]
    articles = pd.DataFrame({"id": [f"a{i}" for i in range(len(texts))], "title": "", "text": texts})
    passages = pd.DataFrame({"article_id": articles["id"], "passage": 0, "text": texts})
    res = fit_topics(articles, passages, None, level="articles", n_topics=2)
    terms = [t for ts in res["topics"]["terms"] for t in ts] if len(res["topics"]) else []
    assert terms, "the topics have terms"
    assert all(len(set(t.lower().split())) == len(t.split()) for t in terms), terms
    assert {"striker", "rubble"} <= set(terms)   # the word itself stays
