"""Entity clusters: article clusters from shared entities, entity communities from
co-occurrence; constructed corpora first, then the real seeds."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.clusters import entities as ec
from analysis.figures import entity_clusters as fec

SPORT = ["Messi", "Barcelona", "Camp Nou"]
POLITICS = ["Biden", "Congress", "Senate"]
TYPES = {"Messi": "PERSON", "Barcelona": "ORG", "Camp Nou": "FAC", "Biden": "PERSON",
         "Congress": "ORG", "Senate": "ORG"}


def corpus(groups: dict[str, list[list[str]]], *, sources: dict[str, str] | None = None):
    """articles and mentions: each article a list of sentences, each a list of entities."""
    arts, rows = [], []
    names = sorted(TYPES)
    for aid, sentences in groups.items():
        arts.append({"id": aid, "source": (sources or {}).get(aid), "month": "2021-08", "title": aid})
        for s, ents in enumerate(sentences):
            for e in ents:
                rows.append({"article_id": aid, "entity_id": names.index(e) if e in names else 99,
                             "entity": e, "type": TYPES.get(e, "ORG"), "passage": s // 2, "sentence": s})
    return pd.DataFrame(arts), pd.DataFrame(rows)


def two_groups():
    """Six articles: three about football, three about Congress. Every article has the
    three pairs of its group in three sentences, then a fourth naming one entity alone."""
    groups = {}
    for prefix, g in (("s", SPORT), ("p", POLITICS)):
        pairs = [[g[0], g[1]], [g[1], g[2]], [g[0], g[2]]]
        groups |= {f"{prefix}{i}": pairs[i:] + pairs[:i] + [[g[i]]] for i in range(3)}
    sources = {"s0": "Sport Daily", "s1": "Sport Daily", "s2": "The Post", "p0": "The Post",
               "p1": "The Post", "p2": "Sport Daily"}
    return corpus(groups, sources=sources)


def test_two_groups_of_entities_make_two_communities():
    _, mentions = two_groups()
    edges = ec.cooccurrence(mentions, unit="sentence", min_count=2)
    # every pair within a group is in 3 sentences; no pair across groups
    assert len(edges) == 6 and set(edges["weight"]) == {3}
    comm = ec.entity_communities(edges, seed=0)
    of = dict(zip(comm["entity"], comm["community"]))
    assert len(set(of[e] for e in SPORT)) == 1 and len(set(of[e] for e in POLITICS)) == 1
    assert of["Messi"] != of["Biden"]
    assert sorted(comm["community"].unique()) == [0, 1]
    assert comm["size"].tolist() == [3] * 6


def test_pruning_drops_rare_and_chance_pairs():
    # Messi+Barcelona together twice, Messi+Biden once: min_count=2 drops the second
    arts, mentions = corpus({"a": [["Messi", "Barcelona"], ["Messi", "Barcelona"], ["Messi", "Biden"]],
                             "b": [["Biden"], ["Senate"], ["Barcelona"]]})
    edges = ec.cooccurrence(mentions, min_count=2)
    assert edges[["source_entity", "target_entity", "weight"]].values.tolist() == [["Barcelona", "Messi", 2]]
    # 6 sentences; Barcelona in 3, Messi in 3, both in 2: PMI = log(2 * 6 / 9) > 0
    assert edges["pmi"].iloc[0] == pytest.approx(0.287682, abs=1e-6)
    # only the top 2 entities by mentions kept: Messi (3) and Barcelona (3) beat Biden (2)
    assert set(ec.cooccurrence(mentions, min_count=1, top_entities=2)["source_entity"]) == {"Barcelona"}


def test_articles_sharing_entities_cluster_together():
    articles, mentions = two_groups()
    result = ec.cluster_articles(mentions, articles)
    members = {tuple(r.articles) for r in result["clusters"].itertuples()}
    assert members == {("s0", "s1", "s2"), ("p0", "p1", "p2")}
    assert result["info"]["k"] == 2 and 2 in result["selection"]["k"].tolist()
    for r in result["clusters"].itertuples():
        group = SPORT if r.articles[0].startswith("s") else POLITICS
        assert set(r.entities) == set(group)
        assert all(name in r.label for name in group)


def test_same_result_whatever_the_row_order():
    articles, mentions = two_groups()
    a = ec.entity_cluster_tables(mentions, articles)
    b = ec.entity_cluster_tables(mentions.sample(frac=1, random_state=3), articles.sample(frac=1, random_state=4))
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_given_number_of_clusters_and_articles_without_entities():
    articles, mentions = two_groups()
    articles = pd.concat([articles, pd.DataFrame([{"id": "empty", "source": "The Post", "month": None}])])
    result = ec.cluster_articles(mentions, articles, n_clusters=1)
    assert result["info"]["reason"] == "given"
    clusters = result["clusters"].set_index("cluster")
    assert clusters.loc[0, "size"] == 6
    assert clusters.loc[-1, "label"] == "no entities" and clusters.loc[-1, "articles"] == ["empty"]
    assert dict(zip(result["assignments"]["article_id"], result["assignments"]["cluster"]))["empty"] == -1


@pytest.mark.parametrize("ids", [["s0", "s1", "s2", "p0", "p1"], ["p2"]])
def test_five_and_one_article_corpora(ids):
    articles, mentions = two_groups()
    articles = articles[articles["id"].isin(ids)]
    mentions = mentions[mentions["article_id"].isin(ids)]
    tables = ec.entity_cluster_tables(mentions, articles)
    assert sorted(tables["entity_cluster_assignments"]["article_id"]) == sorted(ids)
    if len(ids) == 1:   # one article: one cluster, no selection
        assert tables["entity_clusters"]["size"].tolist() == [1]
        assert tables["entity_cluster_selection"].empty
    else:
        assert tables["entity_clusters"]["size"].sum() == 5
    report = ec.entity_clusters_report(tables["entity_clusters"], tables["entity_communities"])
    json.dumps(report)
    assert report["articles"]
    # five articles: the pairs of each group recur; one article: no pair is seen more
    # often than chance (every sentence has two of its three entities), so no community
    assert bool(report["communities"]) == (len(ids) == 5)


def test_empty_corpus():
    articles, mentions = two_groups()
    tables = ec.entity_cluster_tables(mentions.iloc[:0], articles.iloc[:0])
    assert all(t.empty for t in tables.values())
    assert ec.entity_clusters_report(tables["entity_clusters"], tables["entity_communities"]) == \
        {"articles": [], "communities": []}


def test_shares_sum_to_one_per_outlet():
    articles, mentions = two_groups()
    result = ec.cluster_articles(mentions, articles)
    shares = ec.cluster_shares(result["assignments"], articles, by="source")
    assert shares.groupby("source")["share"].sum().round(9).eq(1).all()
    assert shares["n"].sum() == 6
    # Sport Daily: s0, s1 (football) and p2 (politics) -> 2/3 and 1/3
    sport_cluster = int(result["assignments"].set_index("article_id").loc["s0", "cluster"])
    row = shares[(shares["source"] == "Sport Daily") & (shares["cluster"] == sport_cluster)]
    assert row["share"].iloc[0] == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        ec.cluster_shares(result["assignments"], articles, by="topic")


def test_figures_escape_corpus_text():
    articles, mentions = two_groups()
    articles["source"] = articles["source"].replace("The Post", "<b>The Post</b>")
    mentions["entity"] = mentions["entity"].replace("Senate", "<img src=x onerror=alert(1)>")
    tables = ec.entity_cluster_tables(mentions, articles)
    shares = ec.cluster_shares(tables["entity_cluster_assignments"], articles, by="source")
    entities = mentions.groupby(["entity", "type"]).size().reset_index(name="mentions")
    figs = [fec.cluster_sizes_figure(tables["entity_clusters"]),
            fec.communities_network_figure(tables["entity_communities"], tables["entity_cooccurrence"], entities),
            fec.cluster_outlets_figure(shares, tables["entity_clusters"])]
    shown = [json.dumps(rendered(fig.to_plotly_json())) for fig in figs]
    for text in shown:
        assert "<img" not in text and "<b>The Post" not in text
    assert "&lt;img" in shown[1] and "&lt;b&gt;The Post" in shown[2]
    # the raw value rides in customdata, for a click to filter by
    assert "<b>The Post</b>" in json.dumps(figs[2].to_plotly_json()["data"][0]["customdata"].tolist())


def rendered(obj):
    """Everything of a figure that plotly may render (customdata is never shown)."""
    if isinstance(obj, dict):
        return {k: rendered(v) for k, v in obj.items() if k != "customdata"}
    if isinstance(obj, (list, tuple)):
        return [rendered(v) for v in obj]
    return obj.tolist() if hasattr(obj, "tolist") else obj


def test_figures_of_empty_tables():
    for fig in [fec.cluster_sizes_figure(pd.DataFrame(columns=ec.CLUSTER_COLUMNS)),
                fec.communities_network_figure(pd.DataFrame(columns=ec.COMMUNITY_COLUMNS),
                                               pd.DataFrame(columns=ec.EDGE_COLUMNS), None),
                fec.cluster_outlets_figure(pd.DataFrame(columns=["cluster", "source", "n", "share"]), None)]:
        assert fig.layout.annotations  # the "nothing to show" message


@pytest.fixture(scope="module")
def seeds_tables(seeds_store):
    """The seeds through the real pipeline (conftest: pipeline.build on seeds/, once a session)."""
    store = seeds_store.store
    return ec.entity_cluster_tables(store.read("mentions"), store.read("articles"))


def test_seeds_communities_a_reader_would_draw(seeds_tables):
    comm = seeds_tables["entity_communities"]
    of = dict(zip(comm["entity"], comm["community"]))
    assert of["Jens Stoltenberg"] == of["NATO"]                     # NATO and its secretary general
    assert of["Donald Trump"] == of["Taliban"] == of["Joe Biden"]   # the US deal with the Taliban
    assert of["Heiko Maas"] == of["Norway"] == of["Denmark"]        # the embassies in Kabul
    assert of["Jeppe Kofod"] == of["Danish"]
    assert of["Heiko Maas"] != of["NATO"] and of["Donald Trump"] != of["NATO"]
    assert of["Helmand Province"] == of["Lashkar Gah"] != of["Herat"]  # cities taken, by province


def test_seeds_article_clusters(seeds_tables):
    clusters = seeds_tables["entity_clusters"]
    assert clusters["size"].sum() == 5 and (clusters["cluster"] >= 0).all()
    # the Press TV article on the embassies leaving Kabul stands apart
    embassies = clusters[clusters["articles"].map(lambda a: "004_b6da397dadb063c9" in a)].iloc[0]
    assert list(embassies["articles"]) == ["004_b6da397dadb063c9"]
    assert "Kabul" in embassies["label"] and "Norway" in embassies["entities"]
