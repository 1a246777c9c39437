"""Places: where the coverage is. A bubble map of place mentions (per outlet or topic),
mentions per country, a month-by-month animation, and how each place was resolved.
Every map draws offline (analysis.figures.maps ships its own country outlines)."""
import streamlit as st

from analysis.figures.maps import MAX_BUBBLES
from analysis.views.charts import Chart
from analysis.views.places import place_index, places_charts
from pages import _charts

FIX_HELP = ("Fix a place in aliases.csv beside the articles, one line each: `place,Herat,Herat|AF` (a city "
            "in a country), `place,Georgia,US-GA` (a US state), `place,Holland,NL` (a country), "
            "`place,Helmand Province,@31.0;64.0|AF` (coordinates), `place,Jordan,none` (not a place). "
            "The next build applies it.")

st.title("Places")
v = _charts.view()
_charts.stale_note(v, "places")
if v.corpus.places is None:
    st.info("Places are not computed for this corpus yet: build it again (`python -m analysis build PATH`).")
    st.stop()
places, pm = v.corpus.places
options = ["outlet", "topic", "none"] if v.corpus.article_topics is not None else ["outlet", "none"]
left, right = st.columns(2)
color_by = left.segmented_control("Colour the bubbles by", options, default="outlet", key="places_color") or "none"
names = dict(zip(places["country"], places["country_name"]))
here = place_index(v.corpus, pm).countries(v.mask, names).set_index("country")["mentions"]
zoom = right.selectbox("Zoom the bubble map to", ["(the world)", *here.index], key="places_zoom",
                       format_func=lambda c: c if c == "(the world)" else f"{names.get(c, c)} ({here[c]:,} mentions)")
every = bool(st.session_state.get("places_draw_every"))
items = _charts.cached_charts(places_charts, v, color_by=color_by, zoom=None if zoom == "(the world)" else zoom,
                              every=every)
_charts.show(items[:1])
bubbles = len(items[0].table) if isinstance(items[0], Chart) else 0
if bubbles > MAX_BUBBLES:   # the map shows the biggest bubbles: a click draws every one
    if every:
        st.button(f"Draw the {MAX_BUBBLES:,} biggest bubbles again", key="places_draw_every_off",
                  icon=":material/bubble_chart:", on_click=lambda: st.session_state.update(places_draw_every=False))
    else:
        st.button(f"Draw every bubble of the map ({bubbles:,})", key="places_draw_every_on",
                  icon=":material/bubble_chart:", on_click=lambda: st.session_state.update(places_draw_every=True),
                  help=f"The map draws the {MAX_BUBBLES:,} biggest bubbles; its CSV export has all {bubbles:,}.")
_charts.show(items[1:], drawn=0)   # below the map: drawn when opened
_charts.export_all([c for c in items if isinstance(c, Chart)], page="places")
unresolved = places[places["status"] != "resolved"]


def resolution_table() -> None:
    st.dataframe(places[["name", "type", "status", "place", "country", "country_name", "feature", "lat", "lon",
                         "mentions", "how", "reason"]], hide_index=True)
    st.caption(FIX_HELP)


# every place of the corpus (thousands of rows at 37k articles): sent when opened, not with the maps
_charts.lazy_expander(f"How each place was resolved ({len(places) - len(unresolved)} resolved, {len(unresolved)} not)",
                      resolution_table, key="places_how", icon=":material/travel_explore:")
