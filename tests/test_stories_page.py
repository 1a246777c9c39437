"""AppTests of the Stories page: on the bundled seeds through the whole dashboard (the
global filters), and on the constructed corpus of tests/test_stories.py (two events told
by three outlets, a wire copy, an unrelated article), whose stories are known."""
import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_util import opened, run_page, shown
from tests.conftest import REPO
from tests.test_stories import EXPECTED, build_store, corpus

PAGE = "pages/stories.py"


def run(**state) -> AppTest:
    """The dashboard, switched to the Stories page."""
    return run_page(PAGE, timeout=180, **state)


def test_seeds_page_renders_and_follows_a_filter():
    assert not cards(run())             # the story side by side is sent when its section is opened
    at = run(**opened("one_story"))
    assert shown(at) == (5, 5)
    assert [t.value for t in at.title] == ["Stories"]
    listed = at.dataframe[0].value
    assert listed["selected"].sum() == 5                     # every seed article is in one story
    assert len(at.selectbox) == 1 and len(cards(at)) == 1      # seeds: single-article stories only
    assert any("no story has two or more articles" in i.value for i in at.info)
    at = run(outlet=["Press TV"])
    assert shown(at) == (1, 5)
    listed = at.dataframe[0].value
    assert listed["selected"].tolist() == [1] and listed["sources"].tolist() == ["Press TV"]


def test_seeds_empty_selection_has_a_clear_message():
    at = run(q="no such words anywhere")
    assert shown(at) == (0, 5)
    assert any("No article matches the filters" in w.value for w in at.warning)
    assert not at.dataframe


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stories-page-corpus")
    rows = corpus().to_dict("records")
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return build_store(folder, tmp_path_factory.mktemp("stories-page-store"))


def page(built, opened=("story_timeline", "story_blind_spots", "one_story"), **filters) -> AppTest:
    """The page alone, on the constructed store, with a View made from these filters."""
    from analysis.views.corpus import Corpus
    from analysis.views.charts import View
    from analysis.views.filters import Filters

    at = AppTest.from_file(str(REPO / PAGE), default_timeout=120)
    view = View(Corpus(built), Filters(**filters))
    at.session_state["_view"] = view
    at.session_state["_header"] = f"<b>{len(view.ids)} of {len(view.corpus.articles)} articles</b>"
    for key in opened:   # the charts below the first are drawn when their section is opened
        at.session_state[f"open_{key}"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cards(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "Leaves out" in h.proto.body]


def test_known_stories_coverage_blind_spots_and_side_by_side(built):
    at = page(built)
    assert len(at.get("plotly_chart")) == 3          # coverage, time spans, blind spots
    listed = at.dataframe[0].value
    assert {frozenset(built.read("stories").set_index("story").loc[s, "articles"]) for s in listed["story"]} == EXPECTED
    assert listed["outlets"].tolist() == [4, 3, 1]            # the quake, the election, the bakery
    spots = at.dataframe[1].value
    assert spots[["outlet", "covered_by"]].values.tolist() == [["Delta", 3]]   # Delta missed the election
    quake = listed["story"].iloc[0]
    assert at.selectbox[0].value == quake
    assert at.multiselect(key=f"stories_sides_{quake}").value == ["Alpha", "Beta", "Delta", "Gamma"]
    shown = cards(at)
    assert len(shown) == 4 and "Izmir" in shown[0]
    # the wire copy (Delta) names the same entities as its original, and leaves out none of the key ones
    assert "Leaves out</b>: <i>none</i>" in shown[2]
    # another story chosen in the box is shown side by side, its three outlets
    election = listed["story"].iloc[1]
    at.selectbox[0].set_value(election).run()
    shown = cards(at)
    assert len(shown) == 3 and all("Delta" not in c for c in shown) and "Kast" in shown[0]
    at.multiselect(key=f"stories_sides_{election}").set_value(["Gamma"]).run()
    assert len(cards(at)) == 1 and "Gamma" in cards(at)[0]


def test_the_global_filters_narrow_the_stories(built):
    at = page(built, outlets=("Alpha", "Beta"), start=dt.date(2023, 3, 10))
    listed = at.dataframe[0].value
    assert listed["selected"].tolist() == [2] and listed["sources"].tolist() == ["Alpha, Beta"]
    assert listed["size"].tolist() == [3]        # the story's size counts all its articles
    empty = page(built, text="no such words anywhere")
    assert any("No article matches the filters" in w.value for w in empty.warning)


def test_side_by_side_reads_only_its_articles_rows_with_the_same_result(seeds_store):
    """side_by_side reads the story's quotes and tones for its articles only (Corpus.rows_of):
    the same cards as story_sides over the whole tables."""
    from analysis.stories.compare import story_sides
    from analysis.views.charts import View
    from analysis.views.corpus import Corpus
    from analysis.views.stories import side_by_side

    corpus = Corpus(seeds_store.store)
    view, stories = View(corpus), corpus.table("stories")
    quotes, tones = corpus.table("quotes"), corpus.table("sentence_tones")
    assert len(quotes) and len(tones)
    quoted = set(quotes["article_id"].astype(str))
    for story in stories["story"]:
        ids = [str(a) for a in stories.loc[stories["story"] == story, "articles"].iat[0]]
        whole = story_sides(story, stories, corpus.texts(ids), corpus.mentions_of(ids, columns=("article_id", "entity",
                                                                                                "type")), quotes, tones)
        sides = side_by_side(view, story)
        assert sides.drop(columns="source").astype(str).equals(whole.drop(columns="source").astype(str))
        quoted -= set(sides.loc[sides["quotes"].str.len() > 0, "article_id"])
    assert not quoted   # every quote of the corpus was on a card
    assert corpus.rows_of("no_such_table", ids, ("article_id",)) is None
    assert set(corpus.rows_of("quotes", ids, ("article_id", "quote"))["article_id"]) <= set(ids)
