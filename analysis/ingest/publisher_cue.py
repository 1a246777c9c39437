"""A publisher cue and how a name becomes one (analysis.ingest.publisher decides with
them): the name cleaned of possessives and company suffixes, looked up in the outlet table,
and refused when it cannot be an outlet (a photo agency, a media group, a name that does
not look like a publisher's)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.ingest import dates as D
from analysis.ingest import publisher_patterns as P
from analysis.ingest.outlets import Outlet, OutletTable

@dataclass(frozen=True)
class Cue:
    """A name where a publisher puts itself.

    kind -- lead tag, dateline, byline, name line, headline suffix, source line, credit
            line, copyright line, contributor line, own domain, self-description,
            syndication line
    role -- "publisher" (the page's publisher), "wire" (a news agency whose copy the page
            carries), "syndicated" (copy from a syndicate or another outlet), "contributor"
            (another outlet contributed to the report), "weak" (a name noted in the evidence,
            never the outlet: a generic name), "candidate" (a weak self-reference, such as a
            copyright holder the table does not know: the outlet only when a candidate of another
            convention agrees, analysis.ingest.publisher_weak; else noted as weak)
    """

    name: str
    kind: str
    snippet: str
    role: str
    date: dt.date | None = None        # a full date the cue carries (a credit line)
    day: tuple[int, int] | None = None  # (month, day) of a dateline without a year
    rule: str = ""                     # how the spelling was made one (outlet table)
    also: str = ""                     # what agrees with it (the outlet's own domain line)


def _month(name: str) -> int:
    return D.MONTHS[name.lower().rstrip(".")[:3]]


@lru_cache(maxsize=1 << 16)    # pure; the same names recur across articles
def _clean_name(name: str) -> str:
    name = re.split(r"\.[ ]", name)[0]        # "Newsmax. All rights reserved"
    name = re.sub(r"['’]s?(?:[ ].*)?$", "", name.strip())  # "Slate’s", "Mother Jones'", "X's Daily Edition"
    name = re.sub(r"^(?:the|by)[ ]+(?=[A-Z])", lambda m: m.group(0) if m.group(0).startswith("The") else "", name)
    name = P.CORP_SUFFIX.sub("", name.strip(" .,;:-–—|'’\"")).strip(" .,;:")
    return re.sub(r"[ ]+(?:Writer|Staff Writer|Correspondent|Reporter|Staff|Contributor)$", "", name)


def _known(name: str, table: OutletTable) -> Outlet | None:
    return table.by_name(name) or table.by_leading_name(name)


def _cue(name: str, kind: str, snippet: str, table: OutletTable, *, strict: bool,
         role: str = "publisher", exact: bool = False, **extra) -> Cue | None:
    """A cue for ``name`` if it can be an outlet. strict: an unknown name must look like
    one (a newsy word, a company suffix or a domain); photo agencies and media groups are
    never the outlet. exact: the table's names only, not a name it starts ("Reuters Health")."""
    name = _clean_name(name)
    if len(name) < 2 or len(name) > 60 or P.NOT_PUBLISHER.search(name) and table.by_name(name) is None:
        return None     # ("All rights reserved", "Getty Images"; but the table's "Human Rights Watch" is a name)
    known = table.by_name(name) if exact else _known(name, table)     # exact: "Reason Foundation" is not Reason
    if known is None and strict and not P.CORPORATE.search(name):
        return None
    if known is not None and known.never_outlet:
        return None
    canon, rule = table.canonical(known.name if known else name)
    rule = extra.pop("rule", rule)
    if known is not None and known.name != name:
        rule = f"'{name}' is {known.name} in the outlet table"
    if role == "publisher" and known is not None and known.is_wire:
        role = "wire" if known.kind == "wire" else "syndicated"
    return Cue(canon, kind, re.sub(r"\s+", " ", snippet).strip()[:160], role, rule=rule, **extra)


def _mentioned(line: str, table: OutletTable, kind: str = "editor's note", *,
               snippet: str | None = None) -> list[Cue | None]:
    """Outlets of the table named where the page speaks for itself (an editor's note, a
    disclaimer)."""
    found = {}
    for m in re.finditer(P.NAME, line):
        known = _known(_clean_name(m.group(0)), table)
        if known is not None and known.kind == "outlet":
            found.setdefault(known.name, m.group(0))
    return [_cue(n, kind, snippet or line, table, strict=True) for n in found.values()]


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None
