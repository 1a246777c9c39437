"""Sources: distinctive terms, entity shares, similar articles and copies, tone, quotes."""
import streamlit as st

from analysis.views.sources import SOURCES
from pages import _charts

st.title("Sources")
v = _charts.view()
_charts.stale_note(v, "entity_shares", "distinctive_entities", "tone_entities", "quotes", "quotes_by_source")
st.caption("Outlets shown: the ones selected in the sidebar, else the biggest of the selection.")
_charts.sections(v, SOURCES, page="sources")   # a closed section's chart is not even built
dups = v.corpus.table("duplicates")
if dups is not None and {"group", "article_id"} <= set(dups.columns):
    sel = dups[dups["article_id"].isin(set(v.ids))]
    if len(sel):
        st.subheader("Syndicated copies (groups of near-identical articles)")
        titles = v.corpus.articles.set_index("id")["title"]
        st.dataframe(sel.assign(title=titles.reindex(sel["article_id"]).to_numpy()), hide_index=True)
shown = set(v.selected["outlet"].unique())   # once: the set per rule was 6 s of every run at 37k
furniture = [r for r in v.corpus.meta.get("boilerplate", []) if r.get("outlet") in shown]
if furniture:
    st.subheader("Page furniture found from the corpus (lines recurring in many of an outlet's articles)")
    st.caption("Removed before the analysis; each article keeps them, with the reason, in the reader.")
    st.dataframe(furniture, hide_index=True)
