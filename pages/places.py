"""Places: where the coverage is. A bubble map of place mentions (per outlet or topic),
mentions per country, a month-by-month animation, and how each place was resolved.
Every map draws offline (analysis.figures_places ships its own country outlines)."""
from pathlib import Path

import streamlit as st

from analysis.figures_places import place_index, places_charts
from analysis.places import place_mentions, places_for_store
from analysis.store import Store
from analysis.userfiles import ALIASES, side_file
from pages import _ui

FIX_HELP = ("Fix a place in aliases.csv beside the articles, one line each: `place,Herat,Herat|AF` (a city "
            "in a country), `place,Georgia,US-GA` (a US state), `place,Holland,NL` (a country), "
            "`place,Helmand Province,@31.0;64.0|AF` (coordinates), `place,Jordan,none` (not a place).")


@st.cache_resource(show_spinner="Resolving places…", max_entries=4)
def load_places(store_root: str, generation: str, aliases_stamp: str):
    """(places, place mentions) of a store; recomputed when the store or aliases.csv changes.
    A resource (shared, read-only), not cache_data: unpickling a copy of the place mentions
    on every rerun cost more than the page's charts, and a new copy each time would also
    defeat the prepared PlaceIndex (analysis.figures_places.place_index)."""
    store = Store(store_root)
    places, mentions = places_for_store(store)
    return places, place_mentions(places, mentions, store.read("articles", columns=["id", "source", "month"]))


def aliases_stamp(paths: list[str]) -> str:
    path = side_file([p for p in paths if Path(p).exists()], ALIASES)
    return f"{path}:{path.stat().st_mtime_ns}" if path else ""


st.title("Places")
v = _ui.view()
places, pm = load_places(str(v.corpus.store.root), v.corpus.meta.get("generation", ""), aliases_stamp(v.corpus.paths))
options = ["outlet", "topic", "none"] if v.corpus.article_topics is not None else ["outlet", "none"]
left, right = st.columns(2)
color_by = left.segmented_control("Colour the bubbles by", options, default="outlet", key="places_color") or "none"
names = dict(zip(places["country"], places["country_name"]))
here = place_index(v.corpus, pm).countries(v.mask, names).set_index("country")["mentions"]
zoom = right.selectbox("Zoom the bubble map to", ["(the world)", *here.index], key="places_zoom",
                       format_func=lambda c: c if c == "(the world)" else f"{names.get(c, c)} ({here[c]:,} mentions)")
_ui.charts(places_charts(v, places, pm, color_by=color_by, zoom=None if zoom == "(the world)" else zoom),
           page="places")
unresolved = places[places["status"] != "resolved"]
with st.expander(f"How each place was resolved ({len(places) - len(unresolved)} resolved, "
                 f"{len(unresolved)} not)", icon=":material/travel_explore:"):
    st.dataframe(places[["name", "type", "status", "place", "country", "country_name", "feature", "lat", "lon",
                         "mentions", "how", "reason"]], hide_index=True)
    st.caption(FIX_HELP)
