"""Keyword in context for an entity (its mentions) or any term (a whole-word match)."""
from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from analysis.views.kwic import kwic, term_spans
from analysis.views.charts import View
from pages._charts import cached_charts, lazy_expander, md_escape

MAX_ARTICLES = 300   # texts read for a term search
MAX_LINES = 200


def section(v: View, *, default: str = "") -> None:
    """A closed section: the lines (a table of up to MAX_LINES texts) are read and sent when
    it is opened; a new term reruns the section only."""
    lazy_expander("Keyword in context: an entity's mentions or any word, with the text around them",
                  functools.partial(lines_of, v, default=default), key="open_kwic", icon=":material/format_quote:")


def lines_of(v: View, *, default: str = "") -> None:
    term = st.text_input("Entity or term", value=default, key="kwic_term",
                         help="An entity name (its mentions, every spelling) or any word or phrase.")
    if not term.strip():
        return
    lines = cached_charts(kwic_lines, v, term.strip())   # texts read once per filter state and term
    if lines.empty:
        st.info(md_escape(f"No occurrence of '{term}' in the selected articles."))
        return
    st.caption(f"{len(lines)} occurrence(s) shown (at most {MAX_LINES}), with outlet and date.")
    st.dataframe(lines, hide_index=True, width="stretch",
                 column_config={"left": st.column_config.TextColumn(width="large"),
                                "right": st.column_config.TextColumn(width="large")})


def kwic_lines(v: View, term: str) -> pd.DataFrame:
    ents = v.corpus.entities
    ids = ents.loc[ents["name"].str.lower() == term.lower(), "entity_id"].tolist()
    if ids:
        cols = ("article_id", "start", "end") + (("found_by",) if "found_by" in v.corpus.mention_columns else ())
        spans = v.corpus.mentions_of(v.ids, entity_ids=ids, columns=cols, limit=MAX_LINES)
        texts = v.corpus.texts(spans["article_id"].unique().tolist())
    else:
        texts = v.corpus.texts(v.ids[:MAX_ARTICLES] if len(v.ids) <= MAX_ARTICLES else _candidates(v, term))
        spans = term_spans(texts, term, limit=MAX_LINES)
    out = kwic(texts, spans)
    meta = v.corpus.articles.set_index("id")
    out["outlet"] = meta["outlet"].reindex(out["article_id"]).to_numpy()
    out["date"] = meta["published"].reindex(out["article_id"]).fillna("unknown").to_numpy()
    cols = ["outlet", "date", "left", "match", "right", "article_id"]
    if ids and "found_by" in spans and len(out) == len(spans):
        out["found by"] = spans["found_by"].map({"ner": "model", "match": "matching"}).to_numpy()
        cols.append("found by")
    return out[cols]


def _candidates(v: View, term: str) -> list[str]:
    hits = v.corpus.search(term)
    return [i for i in v.ids if i in hits][:MAX_ARTICLES]
