"""Topics: sizes and labels, the map of the articles, topics per outlet and over time,
representative passages."""
import streamlit as st

from analysis.figures_topics import topics_charts
from pages import _ui

st.title("Topics")
v = _ui.view()
_ui.charts(topics_charts(v), page="topics")
for level in ("articles", "passages"):
    t = v.corpus.table(f"topics_{level}")
    if t is None or "representative" not in t.columns:
        continue
    st.subheader(f"Representative {level}")
    for row in t.sort_values("topic").itertuples():
        with st.expander(f"{row.topic}: {row.label}"):
            terms = getattr(row, "terms", None)
            if terms is not None and len(terms):
                st.caption("terms: " + ", ".join(map(str, terms)))
            reps = row.representative
            for rep in (list(reps) if reps is not None else [])[:3]:
                st.text(str(rep.get("text", ""))[:600])
