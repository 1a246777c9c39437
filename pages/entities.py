"""Entities: top entities by type, mentions per outlet, an entity over time, the
co-occurrence network, and keyword in context."""
import streamlit as st

from analysis.views.charts import top_entities
from analysis.views.entities import entities_charts, entity_cluster_charts, focus_entity
from pages import _charts, _kwic

st.title("Entities")
v = _charts.view()
names = top_entities(v, 200)["entity"].tolist()
focus = focus_entity(v)
entity = st.selectbox("Entity to follow over time", names, index=names.index(focus) if focus in names else 0,
                      key="focus_entity") if names else None
notes = v.corpus.entity_notes
if entity and entity in set(notes["entity"]):
    st.caption(_charts.md_escape(f"{entity}: {notes.loc[notes['entity'] == entity, 'note'].iat[0]}"))
_charts.charts(_charts.cached_charts(entities_charts, v, entity=entity), page="entities")
st.header("Clusters and communities")
st.caption("Articles grouped by the entities they mention (TF-IDF over canonical entities, k chosen by "
           "silhouette), and entities grouped by the company they keep (Louvain communities of the "
           "same-sentence co-occurrence graph). Sizes count the selected articles.")
_charts.charts(_charts.cached_charts(entity_cluster_charts, v), page="entity_clusters")
_kwic.section(v, default=entity or "")
with st.expander(f"Entities kept apart or retyped, and why ({len(notes)})"):
    st.caption("A lone surname joins the full name the article names, else the one full name that has "
               "80% of the articles where it was resolved; otherwise it stays apart, as here. A name the "
               "offline gazetteer knows as a town or country is a place unless the text says it is a person.")
    if notes.empty:
        st.info("No entity of this corpus was kept apart or retyped.")
    else:
        st.dataframe(notes, hide_index=True, width="stretch",
                     column_config={"note": st.column_config.TextColumn(width="large")})
