"""Figure builders on tiny tables: values checkable by hand, labels escaped."""
import pandas as pd

from analysis.figures import base as F
from analysis.figures.network import network_figure, network_layout
from analysis.views.topics import doc_map_figure, topic_timeline_figure
from analysis.views.filters import UNKNOWN

COLORS = F.outlet_colors(["Reuters", "BBC", UNKNOWN])


def test_outlet_colors_are_stable_and_unknown_is_grey():
    assert COLORS["Reuters"] == F.PALETTE[0] and COLORS["BBC"] == F.PALETTE[1]
    assert COLORS[UNKNOWN] == F.UNKNOWN_COLOR
    assert F.outlet_colors(["Reuters", "BBC", UNKNOWN]) == COLORS


def test_outlets_figure_bars_and_raw_value_for_clicks():
    counts = pd.DataFrame({"outlet": ["Reuters", "<b>Evil</b>", UNKNOWN], "articles": [5, 3, 1]})
    fig = F.outlets_figure(counts, COLORS)
    bar = fig.data[0]
    assert list(bar.x) == [1, 3, 5]                      # smallest at the bottom
    assert list(bar.y) == [UNKNOWN, "&lt;b&gt;Evil&lt;/b&gt;", "Reuters"]
    assert [c[0] for c in bar.customdata] == [UNKNOWN, "<b>Evil</b>", "Reuters"]
    assert fig.layout.title.text == "Articles per outlet"
    assert fig.layout.xaxis.title.text == "articles"


def test_timeline_stacks_months_and_groups_small_outlets():
    counts = pd.DataFrame({"month": ["2021-08", "2021-08", "2021-09", "2021-09"],
                           "outlet": ["Reuters", "BBC", "Reuters", "AP"], "articles": [2, 1, 4, 1]})
    fig = F.timeline_figure(counts, COLORS, top=1)
    assert [t.name for t in fig.data] == ["Reuters", "other outlets"]
    assert list(fig.data[0].y) == [2, 4] and list(fig.data[1].y) == [1, 1]
    assert fig.layout.barmode == "stack"
    assert [c[0] for c in fig.data[0].customdata] == ["2021-08", "2021-09"]


def test_entities_figure_one_trace_per_type():
    top = pd.DataFrame({"entity": ["Kabul", "NATO", "Biden"], "type": ["GPE", "ORG", "PERSON"],
                        "mentions": [10, 7, 3], "articles": [4, 3, 2]})
    fig = F.entities_figure(top)
    assert {t.name: list(t.x) for t in fig.data} == {"PERSON": [3], "ORG": [7], "GPE": [10]}
    assert list(fig.layout.yaxis.categoryarray) == ["Biden", "NATO", "Kabul"]


def test_entity_outlets_figure_sums_per_outlet():
    df = pd.DataFrame({"entity": ["Kabul", "Kabul", "NATO"], "outlet": ["BBC", "Reuters", "BBC"],
                       "mentions": [2, 3, 4]})
    fig = F.entity_outlets_figure(df, COLORS)
    by = {t.name: dict(zip(t.y, t.x)) for t in fig.data}
    assert by == {"BBC": {"Kabul": 2, "NATO": 4}, "Reuters": {"Kabul": 3}}


def test_metadata_and_heatmap():
    state = pd.DataFrame({"field": ["title", "outlet", "outlet"], "how": ["text", "text", "unknown"],
                          "articles": [2, 1, 1]})
    fig = F.metadata_figure(state)
    assert {t.name: list(t.x) for t in fig.data} == {"text": [2, 1], "unknown": [1]}
    hm = F.heatmap_figure(pd.DataFrame({"o": ["A", "A", "B"], "e": ["x", "y", "x"], "v": [1.0, 2.0, 3.0]}),
                          x="o", y="e", value="v", title="t")
    assert [list(r) for r in hm.data[0].z] == [[1.0, 3.0], [2.0, None]]


def test_network_layout_is_deterministic():
    nodes = pd.DataFrame({"entity_id": [1, 2, 3], "entity": ["A", "B", "C"], "type": ["ORG", "GPE", "GPE"],
                          "mentions": [5, 3, 1]})
    edges = pd.DataFrame({"a": [1, 1], "b": [2, 3], "n": [4, 1]})
    assert network_layout(nodes, edges) == network_layout(nodes.iloc[::-1], edges)
    fig = network_figure(nodes, edges)
    names = [t.name for t in fig.data if t.mode == "markers+text"]
    assert sorted(names) == ["GPE", "ORG"]
    empty = network_figure(nodes.iloc[:0], edges.iloc[:0])
    assert "No entities" in empty.layout.annotations[0].text


def test_topic_figures():
    pts = pd.DataFrame({"x": [0.1, 0.2], "y": [0.0, 1.0], "topic": [0, 1], "label": ["war", "aid"],
                        "title": ["<script>x</script>", "b"], "outlet": ["BBC", "AP"]})
    fig = doc_map_figure(pts)
    assert len(fig.data) == 2 and "<script>" not in fig.to_json()
    tl = topic_timeline_figure(pd.DataFrame({"month": ["2021-08", "2021-08"], "topic": [0, 1], "articles": [3, 1]}),
                               {0: "war", 1: "aid"})
    assert [list(t.y) for t in tl.data] == [[3], [1]]
