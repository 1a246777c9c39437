"""Topics: sizes and labels, the map, topics per outlet and over time, representative
texts; of whole articles or of their passages (paragraphs)."""
import streamlit as st

from analysis.views.topics import LEVELS, default_level, topics_charts
from pages import _charts

st.title("Topics")
v = _charts.view()
default = default_level(v)
level = st.segmented_control("Topics of", LEVELS, default=default, key="topic_level",
                             help="Article topics cluster whole articles; passage topics cluster paragraphs, "
                                  "which is what a handful of articles has enough of.") or default
if level == "articles" and default == "passages":
    st.info("Too few articles to form more than one article topic: the passage topics say more here.")
_charts.charts(_charts.cached_charts(topics_charts, v, level), page=f"topics_{level}")
t = v.corpus.table(f"topics_{level}")
if t is not None and "representative" in t.columns:
    st.subheader(f"Topics of the {level}: terms and representative {level}")
    for row in t.sort_values("topic").itertuples():
        with st.expander(f"{row.topic}: {row.label}  ({row.size:,} {level})"):
            terms = getattr(row, "terms", None)
            if terms is not None and len(terms):
                st.caption("terms: " + ", ".join(map(str, terms)))
            reps = row.representative
            for rep in (list(reps) if reps is not None else [])[:3]:
                st.text(str(rep.get("text", ""))[:600])
