"""Overview: articles per outlet and month, top entities, topics, where the metadata comes from."""
import streamlit as st

from analysis.views.overview import OVERVIEW
from pages import _charts

st.title("Overview")
v = _charts.view()
errors = v.corpus.meta.get("errors", [])
c1, c2, c3, c4 = st.columns(4)
c1.metric("Articles selected", f"{len(v.ids):,}")
c2.metric("Outlets", f"{v.selected['outlet'].nunique():,}")
c3.metric("Entities mentioned", f"{v.mentions['entity_id'].nunique():,}")
c4.metric("Files that could not be read", f"{len(errors):,}")
if errors:
    with st.expander(f"{len(errors)} file(s) could not be read"):
        st.dataframe(errors, hide_index=True)
skipped = v.corpus.meta.get("skipped", [])
if skipped:
    with st.expander(f"{len(skipped)} file(s) skipped (not articles)"):
        st.dataframe(skipped, hide_index=True)
_charts.sections(v, OVERVIEW, page="overview")   # a closed section's chart is not even built
