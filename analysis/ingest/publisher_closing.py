"""Closing-line conventions read for the outlets of the table (an author's bio, a staff
e-mail, self-promotion, a disclosure, a document embed) and the lines in which a page
speaks for itself (an editorial board, a request for comment, a contributor's staff)."""
from __future__ import annotations

import re

from analysis.ingest import publisher_patterns as P
from analysis.ingest.outlets import OutletTable
from analysis.ingest.publisher_cue import Cue, _clean_name, _cue, _known, _mentioned


def _known_cues(line: str, table: OutletTable) -> list[Cue]:
    """Closing-line conventions read only for outlets of the table: an author's bio
    ("is National Review's roving correspondent"), a staff e-mail ("Write to ... at
    x@wsj.com"), self-promotion ("For more of Slate's news coverage"), a disclosure
    ("parent company of CNBC")."""
    out = []
    if (m := P.DISCLAIMER.search(line)) and m["rest"]:      # "... the views of The Epoch Times."
        out += [c for c in _mentioned(m["rest"], table, "disclaimer", snippet=line) if c]
    elif m:                                                # "Content created by X"
        out += filter(None, [_cue(m["name"], "distribution notice", line, table, strict=True)])
    if len(line) <= P.PROMO_LINE_CHARS and (m := P.SELF_PROMO.search(line)):   # "For more of Slate's news coverage"
        out += [c for c in _mentioned(m["rest"][:60], table, "self-promotion", snippet=line) if c]
    for pattern, kind in ((P.BIO, "author bio"), (P.DISCLOSURE, "disclosure")):
        for m in pattern.finditer(line):
            name = m["name"] or m.groupdict().get("name2")
            known = _known(_clean_name(name), table) if name else None
            if known is not None and known.kind == "outlet":
                out += filter(None, [_cue(name, kind, line, table, strict=True)])
    for m in P.EMBED.finditer(line):
        if _brand_shaped(m["name"]):
            out += filter(None, [_cue(m["name"], "document embed", line, table, strict=False)])
    for m in P.EMAIL.finditer(line):
        known = table.by_domain(m["host"])
        if known is not None and known.kind in ("outlet", "wire"):
            out += filter(None, [_cue(known.name, "staff e-mail", line, table, strict=True)])
    return out


def _brand_shaped(name: str) -> bool:
    """A proper name of two to four words, every word capitalised but "of" and "&" (one
    word is too often a fragment: "the Register"), or a domain ("WND.com")."""
    words = _clean_name(name).split()
    if len(words) == 1:
        return bool(re.search(r"\.(?:com|org|net)$", words[0]))
    return len(words) <= 4 and all(w[0].isupper() or w in ("of", "&") for w in words) and words[-1][0].isupper()
