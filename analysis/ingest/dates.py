"""Finding and parsing dates in article text and in given fields.

Pure functions. A date is returned only with the evidence it was read from;
relative references ("on Friday") are resolved only against an absolute date in
the same text that falls on that weekday.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
       r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ABS_PATTERNS = [
    # August 13, 2021 / Aug. 13 2021
    re.compile(rf"\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
    # 13 August 2021 / 13th of August, 2021
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(\d{{4}})\b", re.I),
    # 2021-08-13
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
]
# Day and month with no year: "3rd and 4th of December", "December 3"
_DAY_MONTH = [
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+and\s+\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MON}"
               r"(?!,?\s+\d{4})", re.I),
    re.compile(rf"\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})", re.I),
]
_WEEKDAY_REF = re.compile(
    r"\b(?:on|last|this|late|early|since|from|until|by)\s+(monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)['’]s\b",
    re.I)
# (no bare "Date:": an event notice's "Date: Saturday, June 5 / Time: 7 p.m." is as common)
_STATED = re.compile(r"^\s*(published|first published|posted|date published|publication date|updated|last updated)\s*(on|:)?\s*(?P<rest>.{6,60})$", re.I)
# before the date: a weekday ("Mon", "Monday,") or "on", after a time at most ("3:14 p.m. ET, Mon March 2, 2020")
_BEFORE_STATED = re.compile(r"^(?:(?:[Aa]t[ ]+)?\d{1,2}[:.]\d{2}[ ]*(?:[AaPp]\.?[Mm]\.?)?[ ]*(?:[A-Z]{2,4}T?)?[ ]*,?[ ]*)?"
                            r"(?:(?i:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?i:[a-z]*day)?\.?,?[ ]*|(?i:on)[ ]+)?$")
_AFTER_STATED = re.compile(r"(?i)^[ ,.]*(?:(?:at[ ]+)?\d{1,2}(?:[:.]\d{2})?[ ]*(?:[ap]\.?m\.?)?[ ]*(?:[A-Z]{2,4}T?)?)?[ ,.]*"
                           r"(?:(?:[|•·—–-]|by)[ ]+.{0,40})?$")      # after it, a time, a byline or another field


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    snippet: str
    start: int


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")[:3]]


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        date = dt.date(y, m, d)
    except ValueError:
        return None
    return date if 1900 <= y <= dt.date.today().year + 1 else None


def find_dates(text: str) -> list[FoundDate]:
    """Absolute dates written in the text, in order of position."""
    return list(_find_dates(text))


@lru_cache(maxsize=32)    # an article's body is searched more than once (the date rules, in turn)
def _find_dates(text: str) -> tuple[FoundDate, ...]:
    found: dict[int, FoundDate] = {}
    for i, pattern in enumerate(_ABS_PATTERNS):
        for m in pattern.finditer(text):
            g = m.groups()
            if i == 0:
                date = _mk(int(g[2]), _month(g[0]), int(g[1]))
            elif i == 1:
                date = _mk(int(g[2]), _month(g[1]), int(g[0]))
            else:
                date = _mk(int(g[0]), int(g[1]), int(g[2]))
            if date and m.start() not in found:
                found[m.start()] = FoundDate(date, m.group(0), m.start())
    return tuple(found[k] for k in sorted(found))


def day_months(text: str) -> list[tuple[int, int, str]]:
    """(month, day, snippet) for dates written without a year."""
    out = []
    for i, pattern in enumerate(_DAY_MONTH):
        for m in pattern.finditer(text):
            g = m.groups()
            day, mon = (g[0], g[1]) if i == 0 else (g[1], g[0])
            month = _month(mon)
            if 1 <= int(day) <= 31:
                out.append((month, int(day), m.group(0)))
    return out


def weekday_refs(text: str) -> list[tuple[int, str]]:
    """(weekday index 0=Monday, snippet) for 'on Friday', 'Friday's', ..."""
    return list(_weekday_refs(text))


@lru_cache(maxsize=32)
def _weekday_refs(text: str) -> tuple[tuple[int, str], ...]:
    out = []
    for m in _WEEKDAY_REF.finditer(text):
        name = (m.group(1) or m.group(2)).lower()
        out.append((WEEKDAYS.index(name), m.group(0)))
    return tuple(out)


def stated_date(line: str) -> FoundDate | None:
    """'Published: August 13, 2021' and the like, on a line of its own ("Updated ..."
    lines too: the caller tells them apart, an update is not the publication)."""
    m = _STATED.match(line)
    if not m:
        return None
    rest = m.group("rest")
    dates = find_dates(rest) or _numeric_date(rest)
    if not dates:
        return None
    start = dates[0].start
    end = start + len(dates[0].snippet)
    if not _BEFORE_STATED.match(rest[:start].strip()) or not _AFTER_STATED.match(rest[end:]):
        return None       # "Published in 1998, the book ... on June 5, 2012": a sentence, not the page's field
    return FoundDate(dates[0].date, line.strip(), 0)


_NUMERIC = re.compile(r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b")


def _numeric_date(text: str) -> list[FoundDate]:
    """A numeric date of a stated line ("Posted: 03/22/2020") when its day and month can be
    told apart (not "03/02/2020": March 2 or 3 February), as parse_given_date reads it."""
    m = _NUMERIC.search(text)
    date = parse_given_date(m.group(0))[0] if m else None
    return [FoundDate(date, m.group(0), m.start())] if date else []


_SEP = r"[•|·—–/-]"
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}T?)?", re.I)
_WEEKDAY_BEFORE = re.compile(r"(?i)\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*(?=@)")
META_LINE_CHARS = 120


def byline_date(line: str) -> FoundDate | None:
    """The date of a byline or a page's meta line: a short line of names and sections
    around one full date, set off by a separator ("By John Stossel - August 22, 2012",
    "By Doug Powers • March 25, 2016 05:37 PM", "Latin America • April 10, 2015 • Jane
    Doe"). A date inside a sentence is an event's."""
    if len(line) > META_LINE_CHARS:
        return None
    found = find_dates(line)
    if len(found) != 1:
        return None
    f = found[0]
    rest = _TIME.sub(" ", line[:f.start] + " @ " + line[f.start + len(f.snippet):])
    rest = _WEEKDAY_BEFORE.sub("", rest)
    beside = re.search(_SEP + r"\s*@|@\s*" + _SEP, rest) or re.match(r"\s*By\s+[A-Z][^@]*,\s*@", rest)
    words = re.sub(_SEP + "|[,@]", " ", rest).split()
    if not beside or not words or len(words) > 8:
        return None
    if not all(w[0].isupper() or w in ("and", "of", "the", "&", "by") for w in words):
        return None
    return FoundDate(f.date, line.strip(), 0)


def parse_given_date(value: str) -> tuple[dt.date | None, str]:
    """Parse a date field. Returns (date, problem); problem is "" when fine.

    ISO dates and datetimes, and written dates ("Aug 13, 2021") parse; numeric
    dates like 9/6/17 parse only when the day/month order is unambiguous.
    """
    v = value.strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", v)
    if m:
        date = _mk(*map(int, m.groups()))
        return (date, "") if date else (None, f"date '{v}' is out of range or invalid")
    m = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$", v)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 100 and y + 2000 <= dt.date.today().year else (y + 1900 if y < 100 else y)
        if a <= 12 and b <= 12 and a != b:
            return None, f"date '{v}' is ambiguous (day/month order)"
        month, day = (a, b) if a <= 12 else (b, a)
        date = _mk(y, month, day)
        return (date, "") if date else (None, f"date '{v}' is out of range or invalid")
    dates = find_dates(v)
    if dates:
        return dates[0].date, ""
    return None, f"date '{v}' is not a recognised date"


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2}|[a-z]{3})[/-](\d{1,2})(?=[/-]|\.html?|$)", re.I)


def date_in_url(url: str) -> tuple[dt.date | None, str]:
    """The day in an article URL's path ("/2016/09/20/", "/2014/may/17/") and that part."""
    m = _URL_DATE.search(url or "")
    if not m:
        return None, ""
    y, mon, d = m.groups()
    month = int(mon) if mon.isdigit() else MONTHS.get(mon.lower(), 0)
    date = _mk(int(y), month, int(d)) if 1 <= month <= 12 else None
    return date, m.group(0)


# The page's own address in a share line ("Read or Share this story: https://www.x.com/story/news/2020/05/12/..."):
# a bare link at the end is as often a related story, so only a line that says it is this one's.
SHARE_URL = re.compile(r"^(?:Read[ ]+or[ ]+Share[ ]+this[ ]+(?:story|article)|Share[ ]+this[ ]+(?:story|article)|Permalink|"
                       r"(?:Original|Source|Article)[ ]+(?:URL|link|address))[ ]*:[ ]*<?(?P<url>https?://\S+?)>?$", re.I)


def share_url(lines: list[str]) -> tuple[str, str]:
    """(the page's own URL, its line) from a share line among ``lines``, else ("", "")."""
    for line in lines:
        if m := SHARE_URL.match(line.strip()):
            return m["url"], line.strip()
    return "", ""


def years_for_day(month: int, day: int, text: str, *, window_days: int) -> list[int]:
    """The years Y for which (Y, month, day) falls at most window_days after a full date
    written in the text: the text's support for a dateline's day without a year."""
    years = set()
    for found in find_dates(text):
        for y in (found.date.year, found.date.year + 1):
            cand = _mk(y, month, day)
            if cand is not None and 0 <= (cand - found.date).days <= window_days:
                years.add(y)
    return sorted(years)
