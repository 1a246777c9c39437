"""One AppTest per page on the bundled seeds (5 articles: 3 with unknown outlet, 1 dated)."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.app_util import opened, run_page, shown

PAGES = ["pages/overview.py", "pages/entities.py", "pages/topics.py", "pages/sources.py", "pages/articles.py"]


def run(page: str, **state) -> AppTest:
    return run_page(page, **state)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_and_filters(page):
    assert shown(run(page)) == (5, 5)
    at = run(page, outlet=["Press TV"])
    assert shown(at) == (1, 5)


@pytest.mark.parametrize("page", PAGES)
def test_empty_selection_has_a_clear_message(page):
    at = run(page, q="no such words anywhere")
    assert shown(at) == (0, 5)
    messages = [w.value for w in at.warning] + [i.value for i in at.info]
    assert any("No article matches the filters" in m for m in messages)


def test_unknown_date_checkbox_and_unknown_outlet():
    assert shown(run(PAGES[0], undated=False)) == (1, 5)
    assert shown(run(PAGES[0], outlet=["(unknown)"])) == (3, 5)


def test_overview_charts_include_topics_on_the_seeds():
    at = run(PAGES[0])
    assert len(at.get("plotly_chart")) == 2   # the others are drawn when their section is opened
    at = run(PAGES[0], **opened("top_entities", "topics", "metadata"))
    assert len(at.get("plotly_chart")) >= 5
    assert not any("not computed for this corpus yet" in i.value for i in at.info)


def test_a_click_becomes_a_filter():
    import datetime as dt

    from pages._charts import filter_update

    assert filter_update("outlet", [{"customdata": ["Press TV"], "x": 1}]) == ("outlet", ["Press TV"])
    assert filter_update("entity", [{"customdata": ["NATO", 5]}]) == ("entity", ["NATO"])
    assert filter_update("topic", [{"customdata": [3]}]) == ("topic", [3])
    bounds = (dt.date(2021, 8, 13), dt.date(2021, 12, 31))
    assert filter_update("month", [{"customdata": ["2021-08"]}], bounds) == \
        ("dates", (dt.date(2021, 8, 13), dt.date(2021, 8, 31)))
    assert filter_update("outlet", []) is None


def test_clicked_outlet_filters_every_page():
    at = run(PAGES[1], outlet=["Press TV"], entity=["NATO"])
    assert shown(at) == (1, 5)


def test_entities_page_shows_entity_clusters_and_communities():
    sections = opened("entity_mentions_per_outlet", "entity_over_time", "cooccurrence_network", "entity_clusters",
                      "entity_clusters_per_outlet", "entity_communities")
    at = run(PAGES[1], **sections)
    keys = {c.proto.id for c in at.get("plotly_chart")}
    assert len(at.get("plotly_chart")) >= 7, keys
    assert "Clusters and communities" in " ".join(h.value for h in at.header)
    at = run(PAGES[1], outlet=["Press TV"], **sections)   # the Press TV article alone: one cluster, still drawn
    assert not at.exception and len(at.get("plotly_chart")) >= 6


def test_seed_topics_page_shows_passage_topics_and_a_passage_topic_filters():
    at = run(PAGES[2])
    assert at.segmented_control[0].value == "passages"      # five articles: one article topic, nine passage topics
    titles = " ".join(e.label for e in at.expander)
    assert titles.count(" passages)") >= 5
    embassy = next(int(e.label.split(":")[0]) for e in at.expander if "embass" in e.label.lower())
    assert shown(run(PAGES[2], ptopic=[embassy])) == (1, 5)  # only the Press TV article is about embassies


def test_the_articles_table_shows_the_first_rows_and_offers_them_all(monkeypatch):
    """A big selection (37k articles) is not sent to the browser on every rerun: the table
    shows the first NEWS_TABLE_ROWS, says so, and offers every row as CSV."""
    monkeypatch.setenv("NEWS_TABLE_ROWS", "2")
    at = run(PAGES[-1])
    assert shown(at) == (5, 5)
    assert len(at.dataframe[0].value) == 2
    assert any("The first 2 of 5 selected articles" in c.value for c in at.caption)
    assert any(b.label == "All 5 rows (CSV)" for b in at.get("download_button"))
