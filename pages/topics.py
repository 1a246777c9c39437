"""Topics: sizes and labels, the map, topics per outlet and over time, representative
texts; of whole articles or of their passages (paragraphs)."""
import functools

import streamlit as st

from analysis.topics.edits import append_topic_edit, topic_key
from analysis.views.charts import Chart
from analysis.views.topics import DRAW_POINTS, LEVELS, MAX_POINTS, default_level, topics_charts
from pages import _charts

PER_PAGE = 10   # topics whose expanders are drawn at once (55 at 37k: a row of pages)


def map_draw(level: str) -> int:
    """Points the map draws: a sample, or every point once asked (up to MAX_POINTS)."""
    return MAX_POINTS if st.session_state.get(f"topics_draw_every_{level}") else DRAW_POINTS


def topic_map(v, level: str) -> None:
    """The map (a section's content: a click on its button reruns the section only)."""
    every = f"topics_draw_every_{level}"
    items = _charts.cached_charts(topics_charts, v, level, draw=map_draw(level))
    _charts.show(items[1:2])
    points = len(items[1].table)
    if points <= DRAW_POINTS:
        return
    if st.session_state.get(every):   # the map shows a sample: a click draws every point (up to MAX_POINTS)
        st.button(f"Draw a sample of {DRAW_POINTS:,} points again", key=f"{every}_off", icon=":material/scatter_plot:",
                  on_click=lambda: st.session_state.update({every: False}))
    else:
        st.button(f"Draw every point of the map ({min(points, MAX_POINTS):,})", key=f"{every}_on",
                  icon=":material/scatter_plot:", on_click=lambda: st.session_state.update({every: True}),
                  help=f"The map draws a sample of {DRAW_POINTS:,} points by topic; its CSV export has all {points:,}.")


st.title("Topics")
v = _charts.view()
default = default_level(v)
level = st.segmented_control("Topics of", LEVELS, default=default, key="topic_level",
                             help="Article topics cluster whole articles; passage topics cluster paragraphs, "
                                  "which is what a handful of articles has enough of.") or default
if level == "articles" and default == "passages":
    st.info("Too few articles to form more than one article topic: the passage topics say more here.")
items = _charts.cached_charts(topics_charts, v, level, draw=map_draw(level))
_charts.show(items[:1])   # the topics' bars: what the page opens on (55 topics fill the first screen at 37k)
if len(items) > 1 and isinstance(items[1], Chart):   # the map below them: drawn when its section is opened
    _charts.lazy_expander(f"Map of the {level}", functools.partial(topic_map, v, level),
                          key=_charts.section_key(items[1].key), icon=":material/scatter_plot:")
else:
    _charts.show(items[1:2])
_charts.show(items[2:], drawn=0)   # below the map: drawn when opened
_charts.export_all([c for c in items if isinstance(c, Chart)], page=f"topics_{level}")
t = v.corpus.table(f"topics_{level}")


@st.fragment
def representatives(t, level: str) -> None:
    """One expander per topic, PER_PAGE at a time (a row of pages above them); a topic's
    terms and texts are sent when its expander is opened (a rerun of this part only)."""
    st.subheader(f"Topics of the {level}: terms and representative {level}")
    rows = list(t.sort_values("topic").itertuples())
    if len(rows) > PER_PAGE:
        starts = range(0, len(rows), PER_PAGE)
        pages = {f"{rows[i].topic}–{rows[min(i + PER_PAGE, len(rows)) - 1].topic}": i for i in starts}
        first = next(iter(pages))
        shown = st.segmented_control(f"Topics ({len(rows):,}, {PER_PAGE} at a time)", list(pages), default=first,
                                     key=f"topic_texts_page_{level}") or first
        rows = rows[pages[shown]:pages[shown] + PER_PAGE]
    for row in rows:
        box = st.expander(f"{row.topic}: {row.label}  ({row.size:,} {level})", key=f"topic_texts_{level}_{row.topic}",
                          on_change="rerun")
        if not box.open:
            continue
        terms = getattr(row, "terms", None)
        if terms is not None and len(terms):
            box.caption("terms: " + ", ".join(map(str, terms)))
        reps = row.representative
        for rep in (list(reps) if reps is not None else [])[:3]:
            box.text(str(rep.get("text", ""))[:600])


if t is not None and "representative" in t.columns:
    representatives(t, level)

for note in v.corpus.topic_notes(level):
    st.warning(f"topics.csv: {note}")
path = v.corpus.topic_edits_file
if t is not None and len(t) and path is not None:
    with st.expander("Rename or merge topics (kept in topics.csv beside the articles; no refit)"):
        names = {int(r.topic): f"{r.topic}: {r.label}" for r in t.sort_values("topic").itertuples()}
        terms = {int(r.topic): list(r.terms) for r in t.itertuples()}
        with st.form(f"rename_{level}"):
            which = st.selectbox("Topic", list(names), format_func=names.get, key=f"rename_topic_{level}")
            new = st.text_input("New name", key=f"rename_name_{level}")
            if st.form_submit_button("Rename") and new.strip():
                append_topic_edit(path, "rename", level, terms[which], new.strip())
                v.corpus.refresh_topic_edits()
                st.rerun()
        if len(names) > 1:
            with st.form(f"merge_{level}"):
                src = st.selectbox("Merge topic", list(names), format_func=names.get, key=f"merge_src_{level}")
                dst = st.selectbox("into topic", list(names), index=1, format_func=names.get, key=f"merge_dst_{level}")
                if st.form_submit_button("Merge") and src != dst:
                    append_topic_edit(path, "merge", level, terms[src], topic_key(terms[dst]))
                    v.corpus.refresh_topic_edits()
                    st.rerun()
