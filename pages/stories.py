"""Stories: one real-world event told by one or more outlets. Which outlets covered which
story and when, each outlet's blind spots, and one story side by side, outlet by outlet."""
import functools

import streamlit as st

from analysis.views.stories import (LIST_COLUMNS, selected_stories, side_by_side, side_card_html, side_outlets,
                                      sides_figure, spots, stories_charts, story_choices)
from analysis.views.charts import Chart
from pages import _charts

st.title("Stories")
v = _charts.view()
_charts.stale_note(v, "stories", "story_articles")
st.caption("A story groups the articles that report the same event (published within days of each other, "
           "sharing their lead's words and named entities), across outlets; a story may be one article. "
           "Only the selected articles count: narrow by date, topic or outlet in the sidebar.")
left, right = st.columns(2)
n_outlets = left.slider("Outlets compared for blind spots (the filtered ones, else the largest)", 2, 20, 8,
                        key="stories_outlets")
share = right.slider("A blind spot is a story told by at least this share of them", 0.3, 1.0, 0.5, 0.05,
                     key="stories_share")
items = _charts.cached_charts(stories_charts, v, outlets=n_outlets, min_share=share)
_charts.show(items, drawn=1)
charts = [c for c in items if isinstance(c, Chart)]
table = _charts.cached_charts(selected_stories, v)
if table is None or table.empty:
    _charts.export_all(charts, page="stories")
    st.stop()
multi = table[table["selected"] > 1]
st.subheader(f"Stories in the selection: {len(multi):,} with several articles, {len(table) - len(multi):,} single")
SHOWN = 2_000   # rows sent to the browser on each run (22,000 stories, 3.3 MB, at 37k articles)
rows = table[LIST_COLUMNS]
if len(rows) > SHOWN and not st.toggle(f"Show all {len(rows):,} stories in the table", key="stories_all"):
    st.caption(f"The first {SHOWN:,} of {len(rows):,} stories (most outlets first): show them all above, "
               "or download them.")
    st.download_button(f"All {len(rows):,} stories (CSV)", data=lambda: rows.to_csv(index=False).encode("utf-8"),
                       file_name="stories.csv", mime="text/csv", key="dl_stories_table", on_click="ignore",
                       icon=":material/download:")
    rows = rows.head(SHOWN)
st.dataframe(rows, hide_index=True, height=300)
holes = _charts.cached_charts(spots, v, outlets=n_outlets, min_share=share)
if holes is not None and len(holes):
    st.subheader("Blind spots, story by story")
    st.dataframe(holes, hide_index=True, height=240)


def one_story(v, table, picked: dict) -> None:
    """A section's content: one story's articles side by side (a choice here reruns the
    section only); what it shows is kept in ``picked`` for the page's "Export all"."""
    choices = story_choices(table)
    labels = dict(zip(table["story"], table["label"]))
    story = st.selectbox("Story (most outlets first)", choices, key="stories_story",
                         format_func=lambda s: f"{s}: {labels.get(s, '')}")
    sides = _charts.cached_charts(side_by_side, v, story)
    if sides.empty:
        st.info("None of this story's articles is in the selection.")
        return
    names = side_outlets(sides)
    shown = st.multiselect("Outlets side by side", names, default=names[:4], key=f"stories_sides_{story}")
    picked.update(story=story, shown=list(shown))
    sides = sides[sides["source"].isin(shown)]
    st.caption("Names: the entities the article names, most named first. Leaves out: the story's key entities "
               "(named by at least half of its articles) that it does not name. Tone: mean VADER compound of its "
               "sentences (-1 to 1). Distinctive words: against the story's other articles.")
    if not len(sides):
        st.info("Choose at least one outlet.")
        return
    for column, outlet in zip(st.columns(len(shown)), [o for o in names if o in shown]):
        for _, row in sides[sides["source"] == outlet].head(3).iterrows():
            column.html(side_card_html(row))
    _charts.export_buttons(side_chart(v, table, story, shown))


def side_chart(v, table, story: int, shown: list[str]) -> Chart:
    sides = _charts.cached_charts(side_by_side, v, story)
    sides = sides[sides["source"].isin(shown)]
    label = dict(zip(table["story"], table["label"])).get(story, "")
    return Chart("story_side_by_side", sides_figure(sides, story=story, label=label), sides)


def page_charts(v, table, charts: list, picked: dict) -> list:
    """Every chart of the page for "Export all", with the story side by side as last shown in
    its section (else as the section opens: the first story, its first four outlets)."""
    choices = story_choices(table)
    story = picked.get("story") if picked.get("story") in choices else choices[0]
    sides = _charts.cached_charts(side_by_side, v, story)
    if sides.empty:
        return charts
    names = side_outlets(sides)
    shown = picked["shown"] if picked.get("story") == story and "shown" in picked else names[:4]
    return charts + ([side_chart(v, table, story, shown)] if shown else [])


# the story side by side (a dozen cards of text) is drawn and sent when its section is opened
picked = st.session_state.setdefault("_stories_picked", {})
_charts.lazy_expander("One story, outlet by outlet", functools.partial(one_story, v, table, picked), key="open_one_story",
                      icon=":material/view_column:")
_charts.export_all(functools.partial(page_charts, v, table, charts, picked), page="stories")
