"""Keyword in context: the passages around an entity's mentions or a term, for the reader."""
from __future__ import annotations

import re

import pandas as pd


def kwic(texts: pd.DataFrame, spans: pd.DataFrame, *, width: int = 80) -> pd.DataFrame:
    """Keyword in context: (article_id, left, match, right) for each (article_id, start, end)."""
    by_id = dict(zip(texts["id"], texts["text"]))
    rows = []
    for aid, s, e in spans[["article_id", "start", "end"]].itertuples(index=False):
        text = by_id.get(aid)
        if not isinstance(text, str):
            continue
        left = text[max(0, s - width):s].replace("\n", " ")
        right = text[e:e + width].replace("\n", " ")
        rows.append((aid, left, text[s:e], right))
    return pd.DataFrame(rows, columns=["article_id", "left", "match", "right"])


def term_spans(texts: pd.DataFrame, term: str, *, limit: int = 200) -> pd.DataFrame:
    """(article_id, start, end) of whole-word, case-insensitive matches of ``term``."""
    pattern = re.compile(r"(?<!\w)" + re.escape(term.strip()) + r"(?!\w)", re.IGNORECASE)
    rows = []
    for aid, text in zip(texts["id"], texts["text"]):
        for m in pattern.finditer(text or ""):
            rows.append((aid, m.start(), m.end()))
            if len(rows) >= limit:
                return pd.DataFrame(rows, columns=["article_id", "start", "end"])
    return pd.DataFrame(rows, columns=["article_id", "start", "end"])
