"""The article reader: text with entities highlighted. Every piece of article text is
HTML-escaped before the highlight markup goes around it."""
from __future__ import annotations

import html

import pandas as pd

from analysis.figures.base import OTHER_COLOR, TYPE_COLORS


def highlight_html(text: str, spans: pd.DataFrame) -> str:
    """Text as HTML: mentions (start, end, entity, type; found_by optional) wrapped in <mark>, the
    rest escaped, passages (blank lines) as paragraphs. A mention found by matching (not by
    the model) is underlined dashed and says so in its tooltip."""
    out, pos = [], 0
    spans = spans.sort_values("start")
    matched = (spans["found_by"] == "match").tolist() if "found_by" in spans else [False] * len(spans)
    for (s, e, name, etype), by_match in zip(spans[["start", "end", "entity", "type"]].itertuples(index=False), matched):
        s, e = int(s), int(e)
        if s < pos or e > len(text):
            continue  # overlapping or out of range: leave as plain text
        out.append(html.escape(text[pos:s]))
        color = TYPE_COLORS.get(str(etype), OTHER_COLOR)
        line, how = ("dashed", ", found by matching") if by_match else ("solid", "")
        out.append(f'<mark style="background:{color}33;border-bottom:2px {line} {color};padding:0 2px" '
                   f'title="{html.escape(str(name))} ({html.escape(str(etype))}{how})">{html.escape(text[s:e])}</mark>')
        pos = e
    out.append(html.escape(text[pos:]))
    body = "".join(out)
    paras = [p.replace("\n", "<br>") for p in body.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paras)


def legend_html(types: list[str]) -> str:
    return " ".join(f'<mark style="background:{TYPE_COLORS.get(t, OTHER_COLOR)}33;'
                    f'border-bottom:2px solid {TYPE_COLORS.get(t, OTHER_COLOR)}">{html.escape(t)}</mark>'
                    for t in types)
