"""Title, outlet and publication date of an article, each with its provenance.

Every value is an ``Inferred``: given (a field of the file), found in the text
(with the evidence snippet), or unknown (with the reason). Prefer unknown to wrong.
"""
from __future__ import annotations

import datetime as dt
import re

from analysis.ingest import dates as D
from analysis.ingest.clean import furniture_reason, normalise
from analysis.ingest.records import Inferred

# ---------------------------------------------------------------- outlets
_SECTION_SUFFIX = re.compile(
    r"\s*(?:-\s*(?:news|opinion|editorial|opinion/editorial|uk)|"
    r"\((?:news|opinion|online|web news|online news|blog)\))\s*$", re.I)


def canonical_outlet(name: str) -> str:
    """One spelling per outlet: drop section qualifiers ("CNN (Web News)" -> "CNN",
    "New York Times - Opinion" -> "New York Times", "Fox Online News" -> "Fox News")."""
    s = re.sub(r"\s+", " ", name).strip()
    prev = None
    while prev != s:
        prev, s = s, _SECTION_SUFFIX.sub("", s).strip()
    s = re.sub(r"\bOnline News$", "News", s)
    s = re.sub(r"^www\.", "", s)
    return s or name.strip()


_NAME = r"((?:[A-Z][\w.&'-]*|of|the|and)(?:[ \t]+(?:[A-Z][\w.&'-]*|of|the|and)){0,4})"
_SELF_REFS = [
    (re.compile(rf"\b{_NAME}['’]s (?:official )?website\b"), "names its website"),
    (re.compile(rf"^{_NAME} is (?:the|a|an) (?:leading |largest |independent |\w+ ){{0,3}}"
                r"(?:news agency|newspaper|news site|news website|news outlet|broadcaster|"
                r"news channel|tv channel|magazine|news organi[sz]ation)\b", re.M), "describes itself"),
    (re.compile(rf"(?:©|copyright)\s*(?:\d{{4}}\s*)?{_NAME}", re.I), "copyright line"),
]
_WIRE = re.compile(r"^[A-Z][A-Za-z .,'-]{1,40}\((Reuters|AP|AFP|Xinhua|Anadolu|UPI)\)\s*[-–—]", re.M)
_WIRE_NAMES = {"AP": "Associated Press"}
_DATELINE = re.compile(r"^(?:[A-Z]{3,}\.\s+)?([A-Z][a-z]+(?: [A-Z][a-z]+)?):\s+[A-Z]", re.M)
_CREDIT = re.compile(r"\((?:photo|image)(?: credit)?\s*(?::|by)\s*([^)]{1,40})\)", re.I)


def _domains(text: str) -> dict[str, str]:
    """{stem: domain} for the www. addresses written in the text."""
    found = re.findall(r"\bwww\.(([a-z0-9-]+)\.[a-z.]{2,6})\b", text, re.I)
    return {stem.lower().replace("-", ""): dom.lower() for dom, stem in found}


def infer_source(raw: str, fields: dict, origin: dict) -> Inferred:
    """The outlet: a given field, else the page naming itself, else unknown."""
    if fields.get("source"):
        given = fields["source"]
        name = canonical_outlet(given)
        ev = origin.get("source", "given field")
        return Inferred(name, "given", ev if name == given else f"{ev}: '{given}'")
    for pattern, why in _SELF_REFS:
        for m in pattern.finditer(raw):
            name = m.group(1).strip()
            if len(name) > 2 and name.lower() not in {"the", "this", "our"}:
                dom = _domains(raw).get(re.sub(r"[^a-z0-9]", "", name.lower()))
                ev = _snippet(raw, m.start(), m.end())
                return Inferred(canonical_outlet(name), "text",
                                f"the page {why}: '{ev}'" + (f" (and www.{dom})" if dom else ""))
    m = _WIRE.search(raw[:400])
    if m:
        wire = _WIRE_NAMES.get(m.group(1), m.group(1))
        return Inferred(wire, "text", f"wire dateline: '{m.group(0).strip()}'")
    return Inferred(None, "unknown", _why_no_source(raw))


def _why_no_source(raw: str) -> str:
    notes = ["no outlet field, and the text does not name its outlet"]
    credits = sorted({c.strip() for c in _CREDIT.findall(raw)})
    if credits:
        notes.append(f"{', '.join(credits)} appears only as a photo credit")
    m = _DATELINE.search(raw[:300])
    if m:
        notes.append(f"'{m.group(1)}:' is a dateline (a place), not an outlet")
    return "; ".join(notes)


def _snippet(text: str, start: int, end: int, pad: int = 0) -> str:
    s = text[max(0, start - pad):end + pad]
    return re.sub(r"\s+", " ", s).strip()[:160]


# ---------------------------------------------------------------- titles
def infer_title(raw: str, fields: dict, origin: dict) -> Inferred:
    """A given title, else a headline-like first line of the text, else unknown."""
    if fields.get("title"):
        return Inferred(fields["title"].strip(), "given", origin.get("title", "given field"))
    lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    for line in lines[:6]:
        if furniture_reason(line):
            continue
        words = line.split()
        if 3 <= len(words) <= 30 and len(line) <= 220 and not line.endswith((".", ",", ";", ".”", '."')):
            return Inferred(line, "text", "first line of the text, shaped like a headline")
        return Inferred(None, "unknown", "the text starts with a sentence, not a headline")
    return Inferred(None, "unknown", "no title field and no headline line")


# ---------------------------------------------------------------- dates
def infer_date(raw: str, fields: dict, origin: dict) -> Inferred:
    """A given date; else a stated date line; else an absolute date that a weekday
    reference in the text agrees with; else a page-header date the content does
    not contradict; else unknown."""
    if fields.get("date"):
        date, problem = D.parse_given_date(fields["date"])
        if date:
            return Inferred(date.isoformat(), "given", origin.get("date", "given field"))
        return Inferred(None, "unknown", f"given {problem}")
    lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
    for line in lines[:12] + lines[-6:]:
        found = D.stated_date(line)
        if found:
            return Inferred(found.date.isoformat(), "text", f"stated: '{found.snippet}'")
    header, body = _split_header_date(lines)
    body_text = "\n".join(body)
    agreed = _weekday_agreement(body_text)
    if agreed:
        return agreed
    if header:
        return _check_header(header, body_text)
    found = D.find_dates(body_text)
    if found:
        listed = ", ".join(f"'{f.snippet}'" for f in found[:3])
        return Inferred(None, "unknown", f"dates in the text ({listed}) are of events, and no "
                        "weekday reference falls on them")
    return Inferred(None, "unknown", "no date field and no absolute date in the text")


def _split_header_date(lines: list[str]) -> tuple[D.FoundDate | None, list[str]]:
    """A date standing alone on one of the first lines is a page header."""
    for i, line in enumerate(lines[:3]):
        if furniture_reason(line) == "date line":
            found = D.find_dates(line)
            if found:
                return D.FoundDate(found[0].date, line, 0), lines[:i] + lines[i + 1:]
    return None, lines


def _weekday_agreement(text: str) -> Inferred | None:
    refs = D.weekday_refs(text)
    if not refs:
        return None
    for found in reversed(D.find_dates(text)):
        for weekday, snippet in refs:
            if found.date.weekday() == weekday:
                return Inferred(found.date.isoformat(), "text",
                                f"'{snippet}' agrees with '{found.snippet}' "
                                f"(a {D.WEEKDAYS[weekday].title()})")
    return None


def _check_header(header: D.FoundDate, body: str) -> Inferred:
    """Accept a header date unless the content contradicts it."""
    h = header.date
    later = [f for f in D.find_dates(body) if f.date > h]
    if later:
        return Inferred(None, "unknown", f"page header date '{header.snippet}' is before "
                        f"'{later[0].snippet}' in the text: it is not the publication date")
    near = D.day_months(body)
    if near and all(_days_apart(h, m, d) > 45 for m, d, _ in near):
        return Inferred(None, "unknown", f"page header date '{header.snippet}' looks like the crawl "
                        f"date: the text refers to '{near[0][2]}', far from it")
    return Inferred(h.isoformat(), "text", f"page header date '{header.snippet}'")


def _days_apart(date: dt.date, month: int, day: int) -> int:
    best = 10_000
    for year in (date.year - 1, date.year, date.year + 1):
        try:
            best = min(best, abs((dt.date(year, month, day) - date).days))
        except ValueError:
            continue
    return best


def describe(inf: Inferred) -> str:
    """A one-line human description of a provenance."""
    return {"given": "given", "manifest": "manifest", "text": "found in text"}.get(inf.how, "unknown")


__all__ = ["canonical_outlet", "infer_source", "infer_title", "infer_date", "describe", "normalise"]
