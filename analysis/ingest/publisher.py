"""The outlet an article names itself by, from the conventions publishers follow.

Position decides: a name is read only where publishers put themselves - a lead tag or
wire dateline ("Washington (CNN)", "KABUL (Reuters) -", "MOSCOW, March 25. /TASS/."), a
byline with an outlet, a line of the outlet's name, a headline suffix ("... | Reuters"),
and in the closing lines a source line ("Source: Al Jazeera"), a credit line ("(China
Daily 12/30/2016 page1)", "Provided to China Daily"), a copyright line, a contributor line
("Fox News' Jane Doe contributed to this report"), the outlet's own domain. A name in the
body ("the EPA's website", "Reuters reported") and a photo credit are never the outlet.

Pure functions over the raw text: ``find_cues`` lists every cue with its snippet and
``decide_outlet`` turns them into (value, evidence) - unknown when two publishers
conflict (both in the evidence). A news agency's or syndicate's tag marks wire copy: the
wire is the outlet only when no publisher cue names another.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from analysis.ingest import dates as D
from analysis.ingest import publisher_patterns as P
from analysis.ingest.outlets import OutletTable, load_outlets, name_key
from analysis.ingest.publisher_closing import _known_cues
from analysis.ingest.publisher_cue import Cue, _clean_name, _cue, _date, _known, _mentioned, _month
from analysis.ingest.publisher_staff import _brand, staff_cues
from analysis.ingest.publisher_weak import candidate_cues, corroborated, same_outlet


def _lead_cues(lines: list[str], table: OutletTable) -> list[Cue]:
    out = []
    for i, line in enumerate(lines[:P.LEAD_LINES]):
        m = P.SLASH_TAG.match(line)
        if m:
            day = (_month(m["mon"]), int(m["day"]))
            out += filter(None, [_cue(m["name"], "dateline", m.group(0), table, strict=False, day=day)])
            continue
        m = P.LEAD_TAG.match(line)
        if m and _tag_name(m["name"], m["place"], table, dash=bool(re.search(r"[-–—][ ]*$", m.group(0)))):
            day = (_month(m["mon"]), int(m["day"])) if m["mon"] else None
            date = _date(int(m["year"]), *day) if m["year"] and day else None
            kind = "dateline" if m["place"] else "lead tag"
            out += filter(None, [_cue(m["name"], kind, m.group(0), table, strict=False, day=day, date=date)])
            continue
        m = P.BYLINE.match(line)
        if m:
            out += filter(None, [_cue(m["name"], "byline", line, table, strict=True)])
            continue
        if i == 0 and (m := P.TITLE_SUFFIX.search(line)) and _known(m["name"], table):
            out += filter(None, [_cue(m["name"], "headline suffix", line, table, strict=True)])
    return out


def _tag_name(name: str, place: str | None, table: OutletTable, *, dash: bool = False) -> bool:
    """Whether "(NAME)" after a lead's place can be an outlet: known, or brand-shaped (an
    acronym, CamelCase, a domain, a newsy word) and not the initials of the words before
    it ("Zionist Organization of America (ZOA)") nor a party tag ("(R-Texas)"); or one
    capitalised word in a wire dateline, a place in capitals and a dash ("JACKSON, Miss.
    (Reuters) -", not "Arlington (Va.)")."""
    if P.NOT_A_TAG.search(name) or len(name.split()) > 5:
        return False
    if _known(name, table):
        return True
    if dash and place and place.split(",")[0].isupper() and re.fullmatch(r"[A-Z][a-z]{3,}", name):
        return True
    if not (P.BRAND.search(name) or P.CORPORATE.search(name)) or len(name.split()) > 3:
        return False
    initials = "".join(w[0] for w in (place or "").split() if w[0].isupper())
    return not (initials and name.replace(".", "").upper() in initials.upper())


def _name_line(line: str, table: OutletTable) -> Cue | None:
    """A line that is only an outlet's name (a masthead); wires excluded, they are also photo credits."""
    known = table.by_name(line) if len(line) <= 40 else None
    if known is None or known.kind != "outlet":
        return None
    return _cue(line, "name line", line, table, strict=True)


def _tail_cues(lines: list[str], table: OutletTable) -> list[Cue]:
    out = []
    for line in lines:
        if m := P.SOURCE_LINE.match(line):
            first = re.split(r"[ ]+and[ ]+|[,;/&]|[ ]+with[ ]+", m["name"])[0]
            agencies = re.search(r"\bagenc(?:y|ies)\b", m["name"], re.I)   # "X and news agencies"
            out += filter(None, [_cue(first, "source line", line, table, strict=not agencies)])
        elif m := P.CREDIT_PAGE.match(line):
            date = _date(int(m["y"]), int(m["m"]), int(m["d"]))
            out += filter(None, [_cue(m["name"], "credit line", line, table, strict=False, date=date)])
        elif m := P.CONTRIB_OF.match(line):        # Kasie Hunt of NBC News contributed: its staff
            out += filter(None, [_cue(m["name"], "contributor line", line, table, strict=True)])
        elif m := P.CONTRIB_STAFF.search(line):     # Fox News' Jane Doe contributed: its staff
            own = re.match(r"['’]", line[m.end("name"):])     # "CNBC's Jane Doe"; "X writer Jane Doe" is AP's style for its copy
            role = "publisher" if own or _known(_clean_name(m["name"]), table) else "contributor"
            out += filter(None, [_cue(m["name"], "contributor line", line, table, strict=not (own and _brand(m["name"])),
                                      role=role)])
        elif m := P.CONTRIB_OUTLET.match(line):    # The Associated Press contributed: another outlet
            out += filter(None, [_cue(m["name"], "contributor line", line, table, strict=True,
                                      role="contributor")])
        elif m := P.SYNDICATED.search(line):       # originally appeared on abcnews.go.com
            out += filter(None, [_cue(_domain_name(m["name"] or m["name2"] or m["name3"], table), "syndication line", line, table,
                                      strict=True, role="syndicated")])
        elif m := P.WEBSITE.search(line):
            out += filter(None, [_cue(m["name"], "self-description", line, table, strict=True)])
        elif (m := P.ABOUT_ORG.match(line)) and (table.by_name(_clean_name(m["name"])) or _brand(m["name"])):
            out += filter(None, [_cue(m["name"], "self-description", line, table, strict=False, exact=True)])
        elif m := P.CONTRIBUTING.match(line):
            out += filter(None, [_cue(m["name"], "contributor line", line, table, strict=True, role="contributor")])
    return out


def _edge_cues(lines: list[str], table: OutletTable, ends: set[str]) -> list[Cue]:
    """Cues that count in the first and the last lines alike (a name line only at the very
    ends: ``ends``)."""
    out = []
    for line in lines:
        if P.TWEET.search(line):        # an embedded tweet speaks for its author, not the page
            continue
        out += staff_cues(line, table) + candidate_cues(line, table, ends)
        if m := P.PRINT_ISSUE.search(line):       # its own print issue, before "first appeared in"
            noun = re.match(r"This[ ]+(?:article|story|piece|essay|column|review)\b", m.group(0))   # "This story appears in ..."
            out += filter(None, [_cue(m["name"], "print issue line", line, table, strict=not noun)])
        if m := P.CREDIT_TO.match(line):
            out += filter(None, [_cue(m["name"], "credit line", line, table, strict=False)])
        elif P.EDITOR_NOTE.match(line):
            out += [c for c in _mentioned(line, table) if c]
        elif m := P.SELF_DESCRIBED.match(line):
            out += filter(None, [_cue(m["name"], "self-description", line, table, strict=False)])
        elif line in ends and (cue := _name_line(line, table)):
            out.append(cue)
        elif not P.SYNDICATED.search(line):
            out += _copyright_cues(line, table) + _domain_cues(line, table) + _known_cues(line, table)
    return out


def _domain_name(name: str, table: OutletTable) -> str:
    known = table.by_domain(name) if P.DOMAIN.fullmatch(name.strip()) else None
    return known.name if known else name


def _copyright_cues(line: str, table: OutletTable) -> list[Cue]:
    out = []
    for m in P.COPYRIGHT.finditer(line):      # at the start of its line: "Image copyright AFP" is a credit
        if not m["year"] and "©" not in m.group(0):
            continue
        if _known(_clean_name(m["name"]), table) is None:     # "COPYRIGHT 2017 CREATORS.COM": noted, not taken
            out += filter(None, [_cue(m["name"], "copyright line", line, table, strict=False, role="candidate",
                                      rule="a copyright holder the outlet table does not know: a syndicate's or a "
                                           "wire's as often as the page's")])
            continue
        out += filter(None, [_cue(m["name"], "copyright line", line, table, strict=True)])
    return out


def _domain_cues(line: str, table: OutletTable) -> list[Cue]:
    """An outlet's domain in a short line of its own ("the views of Townhall.com"); a
    domain inside a paragraph is a link to someone else."""
    out = []
    if len(line) > P.DOMAIN_LINE_CHARS or P.LINK_WORDS.search(line) or P.TWEET.search(line):
        return out        # a player, an embed, a tweet: another site's
    for m in P.DOMAIN.finditer(line):
        if P.CITED_BEFORE.search(line[:m.start()]):
            continue
        known = table.by_domain(m["host"])
        if known is not None and not known.never_outlet:
            out += filter(None, [_cue(known.name, "own domain", line, table, strict=True)])
    return out


_LAST: list = [None, None, []]    # the last find_cues's text, table and cues: the outlet rule and the date rule ask in turn


def find_cues(raw: str, *, table: OutletTable | None = None) -> list[Cue]:
    """Every publisher cue of an article's raw text, lead first."""
    table = table or load_outlets()
    if _LAST[0] is raw and _LAST[1] is table:
        return list(_LAST[2])
    cues = _find_cues(raw, table)
    _LAST[:] = [raw, table, cues]
    return list(cues)


def _find_cues(raw: str, table: OutletTable) -> list[Cue]:
    lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    lead, tail = lines[:P.LEAD_LINES], lines[-P.TAIL_LINES:]
    edge = list(dict.fromkeys(lead + tail))      # a short article's lines are both
    ends = set(lines[:P.NAME_LINES[0]] + lines[-P.NAME_LINES[1]:])
    cues = _lead_cues(lead, table) + _edge_cues(edge, table, ends) + _tail_cues(tail, table)
    return [_with_own_domain(c, edge) for c in dict.fromkeys(cues)]


def _with_own_domain(cue: Cue, lines: list[str]) -> Cue:
    """A self-description backed by a domain line of the same name ("www.presstv.ir" for
    Press TV) says so: the two agree."""
    if cue.kind != "self-description":
        return cue
    key = name_key(cue.name)
    for line in lines:
        for m in P.DOMAIN.finditer(line):
            if name_key(m["host"].split(".")[-2] if "." in m["host"] else m["host"]) == key:
                return replace(cue, also=m.group(0))
    return cue


def _describe(c: Cue) -> str:
    return f"{c.kind} '{c.snippet}'" + (f" (and {c.also})" if c.also else "") + (f" ({c.rule})" if c.rule else "")


def decide_outlet(cues: list[Cue]) -> tuple[str | None, str]:
    """(outlet or None, evidence). One publisher named by every publisher cue wins; two
    publishers conflict (unknown, both in the evidence); with no publisher cue, a single
    news agency is the outlet, marked as wire copy. Syndicated copy and contributors are
    noted, never the outlet."""
    by: dict[str, dict[str, list[Cue]]] = {r: {} for r in ("publisher", "wire", "syndicated", "contributor", "weak",
                                                            "candidate")}
    for c in cues:
        by[c.role].setdefault(c.name, []).append(c)
    publishers = _merge_short_names(by["publisher"]) or corroborated([c for cs in by["candidate"].values() for c in cs])
    taken = {(c.kind, c.snippet) for cs in publishers.values() for c in cs}
    for name, cs in by["candidate"].items():     # a weak self-reference alone: noted, not taken (unless it agrees)
        if any(same_outlet(name, n) for n in publishers):
            continue
        if left := [c for c in cs if (c.kind, c.snippet) not in taken]:
            by["weak"].setdefault(name, []).extend(left)
    for name in [n for n in publishers if P.GENERIC_NAME.match(n)]:     # "The Chronicle" alone: which one?
        by["weak"].setdefault(name, []).extend(replace(c, rule="a name any newspaper goes by: not taken without "
                                                                 "a longer name from another cue") for c in publishers.pop(name))
    notes = [f"wire copy from {n}: {_describe(cs[0])}" for n, cs in by["wire"].items()]
    notes += [f"syndicated from {n}: {_describe(cs[0])}" for n, cs in by["syndicated"].items()]
    notes += [f"{n} contributed: {_describe(cs[0])}" for n, cs in by["contributor"].items()]
    notes += [f"{n} not taken: {_describe(cs[0])}" for n, cs in by["weak"].items()]
    note = "; ".join(notes)
    if len(publishers) > 1:
        listed = "; ".join(f"{n}: {_describe(cs[0])}" for n, cs in publishers.items())
        return None, f"conflicting publisher cues - {listed}"
    if publishers:
        (name, cs), = publishers.items()
        return name, "; ".join(_describe(c) for c in cs[:3]) + (f"; also {note}" if note else "")
    if len(by["wire"]) == 1:
        return next(iter(by["wire"])), note
    if len(by["wire"]) > 1:
        return None, f"conflicting wire cues - {note}"
    return None, f"no publisher cue; {note}" if note else ""


def _merge_short_names(publishers: dict[str, list[Cue]]) -> dict[str, list[Cue]]:
    """A short name that ends a longer one named by another cue is that outlet ("The
    Chronicle" in a request for comment, "San Francisco Chronicle" in a bio): one publisher,
    the rule in the evidence."""
    folded: dict[str, list[Cue]] = {}     # one outlet in two spellings ("The Lakeside Ledger", "Lakeside Ledger")
    for name, cues in publishers.items():
        first = next((n for n in folded if name_key(n) == name_key(name)), name)
        folded.setdefault(first, []).extend(cues)
    publishers = folded
    keys = {n: name_key(n) for n in publishers}
    out: dict[str, list[Cue]] = {}
    for name, cues in publishers.items():
        longer = [n for n in publishers if n != name and len(keys[n]) > len(keys[name])
                  and keys[name] and n.split()[-1:] == name.split()[-1:] and keys[n].endswith(keys[name])]
        if len(longer) == 1:
            cues = [replace(c, rule=f"'{name}' is short for {longer[0]}, named by another cue") for c in cues]
            out.setdefault(longer[0], []).extend(cues)
        else:
            out.setdefault(name, []).extend(cues)
    return out


# ---------------------------------------------------------------- dates
YEAR_WINDOW_DAYS = 45


def date_from_cues(cues: list[Cue], raw: str) -> tuple[dt.date | None, str]:
    """(date, evidence) from a cue that carries one: a credit line's date, a dateline's
    day with its year written, or a dateline's day whose year the text supports (a full
    date in the text at most YEAR_WINDOW_DAYS before it). Else (None, why)."""
    for c in cues:
        if c.date is not None:
            return c.date, f"{c.kind} '{c.snippet}'"
    for c in cues:
        if c.day is None:
            continue
        years = D.years_for_day(*c.day, raw, window_days=YEAR_WINDOW_DAYS)
        if len(years) == 1:
            return _date(years[0], *c.day), f"{c.kind} '{c.snippet}', the year from a date in the text"
        why = "no date in the text gives its year" if not years else f"the text supports years {years}"
        return None, f"{c.kind} '{c.snippet}' names the day, but {why}"
    return None, ""
