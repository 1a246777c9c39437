"""Entities: top entities by type, mentions per outlet, an entity over time, the
co-occurrence network, and keyword in context."""
import streamlit as st

from analysis.figures_views import entities_charts, focus_entity, top_entities
from pages import _ui, _kwic

st.title("Entities")
v = _ui.view()
names = top_entities(v, 200)["entity"].tolist()
focus = focus_entity(v)
entity = st.selectbox("Entity to follow over time", names, index=names.index(focus) if focus in names else 0,
                      key="focus_entity") if names else None
_ui.charts(entities_charts(v, entity=entity), page="entities")
_kwic.section(v, default=entity or "")
