"""Cleaning: separate the article body from the page furniture it was scraped with.

Works line by line on the raw text. Every removed line is kept, with the reason,
so that a user can see what was removed; the input is never changed.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

# A line that is, in full, one of these is furniture (matched case-insensitively
# against the whole stripped line).
_FURNITURE_LINES = [
    (r"[-–—•*\s]*advertis(e)?ment[-–—•*\s]*", "advertisement"),
    (r"(sponsored|promoted|paid)( content| post)?", "advertisement"),
    (r"comments? (are|is) (now )?closed\.?", "comment form"),
    (r"(leave|post|add) a (comment|reply)\.?|\d+ comments?|comments?|reply", "comment form"),
    (r"please enter (your|a) (comment|name|e-?mail|valid e-?mail).*", "comment form"),
    (r".*captcha.*", "captcha"),
    (r"(share|tweet|e-?mail|print|whatsapp|facebook|twitter|linkedin|reddit|pinterest|copy link)"
     r"( (this|the) (article|story|page))?( on \w+)?:?", "share prompt"),
    (r"share (this|on|via|the)\b.*", "share prompt"),
    (r"(sign up|subscribe)\b.*(newsletter|updates|alerts|inbox|free)\b.*", "newsletter prompt"),
    (r"(read|see) (more|also)\b.*", "related links"),
    (r"(related|recommended|trending|popular|most (read|popular|viewed)|you may also like|"
     r"more (articles|stories|news|from \w+))( (articles|stories|news|posts))?:?", "related links"),
    (r"(latest|top|breaking|more|the|today'?s)?\s?(\w+ )?(news|headlines|stories|articles)", "site navigation"),
    (r"(click|tap) here\b.*", "call to action"),
    (r"follow us\b.*", "share prompt"),
    (r".*\bcan (also )?be accessed at\b.*", "site notice"),
    (r"(all rights reserved|copyright\b|©).*", "copyright notice"),
    (r"[^.]{0,200}\bcontributed( reporting)? (to )?(this|the) (report|story|article)( from [^.]{1,40})?\.?|"
     r"(additional )?(contributing|reporting)( by)?:.{0,200}|"
     r"(additional )?reporting by [^.;]{1,150}(; ?(additional reporting|editing|writing) by [^.;]{1,100})+\.?",
     "contributor line"),
    (r"(we use cookies|this (web)?site uses cookies|accept (all )?cookies)\b.*", "cookie notice"),
    (r"(loading\.*|javascript (is )?(disabled|required)|please enable javascript.*)", "site notice"),
    (r"\(?(photo|image|picture|video)?\s?(credit|courtesy|source)s?\s?:.*\)?", "photo credit"),
    (r"(https?://)?(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?", "bare link"),
]
_FURNITURE = [(re.compile(rf"^(?:{p})$", re.I), why) for p, why in _FURNITURE_LINES]
# The patterns that scan a whole line, and words (lower case) one of which they cannot match
# without: a line without them skips the pattern. Under re.I, beyond ASCII case, only these
# characters match an ASCII letter: with one of them in the line, no pattern is skipped.
_SCANNING = {".*captcha.*": ("captcha",), r".*\bcan (also )?be accessed at\b.*": ("be accessed at",),
             r"[^.]{0,200}\bcontributed( reporting)? ": ("contribut", "reporting")}
_NEEDS = {p: needs for p, _ in _FURNITURE for part, needs in _SCANNING.items() if p.pattern.startswith(f"^(?:{part}")}
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")

# A line ending with a credit in brackets is a photo caption.
_CAPTION = re.compile(
    r"\((?:photo|image|picture|file photo)(?: credit)?\s*(?::|by)\s*[^)]{1,60}\)\s*$|"
    r"\((?:reuters|ap|afp|getty images?|epa)(?: photo)?\)\s*$",
    re.I,
)
# A breadcrumb: short parts separated by / > » |
_BREADCRUMB = re.compile(r"^\s*[\w .'&-]{1,30}(\s+[/>»|]\s+[\w .'&-]{1,30})+\s*$")
# A line that is only a date, as sites print today's date in their header.
_DATE_LINE = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:\w+\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+,?\s+\d{4}|\d{4}-\d{2}-\d{2})$",
    re.I,
)


@dataclass
class Cleaned:
    """The kept body lines (in order) and the removed lines with reasons."""

    lines: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)    # normalise() of each kept line

    @property
    def text(self) -> str:
        return "\n\n".join(self.lines)


# normalise() without a regex over every character (it ran over each line several times):
# the ASCII bytes that are not word characters (\w) become spaces by a byte table, the few
# distinct non-ASCII ones by str.replace; NFKC is the identity on ASCII text
_ASCII_NON_WORD = bytes(b if b >= 128 or chr(b).isalnum() or b == 95 else 32 for b in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def normalise(line: str) -> str:
    """A comparison key for a line: NFKC, lower case, letters and digits only (the \\w runs
    joined by one space)."""
    if line.isascii():
        line = line.lower()
    else:
        line = unicodedata.normalize("NFKC", line).lower()
        for c in set(_NON_ASCII.findall(line)):
            if not c.isalnum():     # not a \\w character
                line = line.replace(c, " ")
    return " ".join(line.encode().translate(_ASCII_NON_WORD).decode().split())


def furniture_reason(line: str, *, outlet_names: tuple[str, ...] = (), key: str | None = None) -> str | None:
    """Why a single line is page furniture, or None when it is article text.
    key: normalise(line), when the caller has it already."""
    s = line.strip()
    if not s:
        return None
    why = _furniture_line(s)
    if why:
        return why
    if "(" in s and _CAPTION.search(s):
        return "photo caption"
    if _BREADCRUMB.match(s) and len(s.split()) <= 8:
        return "site navigation"
    if _DATE_LINE.match(s):
        return "date line"
    key = normalise(s) if key is None else key
    if _names_outlet(s, outlet_names, key):
        return "outlet name"
    return _carousel(s, key)


def _furniture_line(s: str) -> str | None:
    """The first of _FURNITURE that the whole line matches. A line without the words of the
    scanning patterns is tried against the others at once (one regex of them all, in order)."""
    low = None if _FOLDS_TO_ASCII.search(s) else s.lower()
    if low is not None and not any(w in low for needs in _NEEDS.values() for w in needs):
        together, whys = _together()
        if together is not None:
            m = together.match(s)
            return whys[m.lastgroup] if m else None
    for pattern, why in _FURNITURE:
        needs = _NEEDS.get(pattern)
        if needs and low is not None and not any(w in low for w in needs):
            continue
        if pattern.match(s):
            return why
    return None


_TOGETHER: list = [None, None, {}]   # the _FURNITURE it was made of, the regex, its groups' reasons


def _together() -> tuple[re.Pattern | None, dict]:
    """The patterns of _FURNITURE but the scanning ones as one regex of alternatives in the
    same order (the first that matches the whole line wins, as in the loop); made again when
    _FURNITURE is replaced (benchmarks/boilerplate_quality.py does)."""
    if _TOGETHER[0] is not _FURNITURE:
        rest = [(p, why) for p, why in _FURNITURE if p not in _NEEDS]
        same = len({p.flags for p, _ in rest}) == 1 and all(not p.groupindex for p, _ in rest)
        together = re.compile("|".join(f"(?P<f{i}>{p.pattern})" for i, (p, _) in enumerate(rest)),
                              rest[0][0].flags) if rest and same else None
        _TOGETHER[:] = [_FURNITURE, together, {f"f{i}": why for i, (_, why) in enumerate(rest)}]
    return _TOGETHER[1], _TOGETHER[2]


CAROUSEL_REPEATS = 4     # a phrase of CAROUSEL_WORDS words this often in one line: a slideshow
CAROUSEL_WORDS = 5


_SLIDE_COUNTER = re.compile(r"\b\d{1,3} (?:of|/) \d{1,3}\b")


def _carousel(line: str, key: str) -> str | None:
    """A slideshow flattened into one line repeats its title and counts its slides ("Photos:
    Donald Trump's rise ... Hide Caption 1 of 24 Photos: Donald Trump's rise ... 2 of 24").
    A refrain without slide counters ("I have a dream that ...") is a speech."""
    if (key.count(" ") + 1 if key else 0) < CAROUSEL_WORDS * CAROUSEL_REPEATS or \
            line.count(" of ") + line.count(" / ") < CAROUSEL_REPEATS - 1:
        return None     # too few words (the key's are one space apart), or too few slide counters
    words = key.split()
    if len(words) < CAROUSEL_WORDS * CAROUSEL_REPEATS or len(_SLIDE_COUNTER.findall(line)) < CAROUSEL_REPEATS - 1:
        return None
    grams = Counter(tuple(words[i:i + CAROUSEL_WORDS]) for i in range(len(words) - CAROUSEL_WORDS + 1))
    phrase, n = grams.most_common(1)[0]
    return f"slideshow ('{' '.join(phrase)}' {n} times)" if n >= CAROUSEL_REPEATS else None


def _names_outlet(line: str, outlet_names: tuple[str, ...], key: str) -> bool:
    """A short line made of the outlet's name, or one describing the outlet itself."""
    for name in outlet_names:
        n = _name_key(name)
        if not n or n not in key:
            continue
        words = len(key.split())
        if words <= len(n.split()) + 2 and not line.rstrip().endswith((".", '"', "”")):
            return True
        if key.startswith(n + " is ") and _SELF_DESCRIPTION.match(key, len(n) + 4):
            return True     # "X is an Afghan news agency ...", not "Fox News is told by ..."
    return False


_SELF_DESCRIPTION = re.compile(r"(?:an?|the|one of the)\b(?: \S+){0,6}? (?:news|agency|site|newspaper|outlet|"
                               r"channel|broadcaster|media|magazine|website)\b")


@lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    return normalise(name)


def clean_text(raw: str, *, outlet_names: tuple[str, ...] = (), title: str | None = None) -> Cleaned:
    """Split raw article text into body lines and removed furniture.

    A line equal to the title, a repeat of an earlier line, or a line contained
    in an earlier photo caption is removed too (captions are often printed twice).
    """
    out = Cleaned()
    seen: set[str] = set()
    captions: list[str] = []
    title_key = normalise(title) if title else None
    for line in raw.split("\n"):
        s = line.strip()
        if not s:
            continue
        key = normalise(s)
        reason = furniture_reason(s, outlet_names=outlet_names, key=key)
        if reason is None and title_key and key == title_key:
            reason = "title"
        elif reason is None and key and key in seen:
            reason = "repeated line"
        elif reason is None and key and any(key in c for c in captions):
            reason = "repeated photo caption"
        if reason == "photo caption":  # the caption is text; its credit is furniture
            credit = _CAPTION.search(s)
            out.removed.append((credit.group(0).strip(), "photo credit"))
            s, reason = s[:credit.start()].strip(), None if s[:credit.start()].strip() else "photo credit"
            key = normalise(s)
            captions.append(key)
        if key:
            seen.add(key)
        if reason:
            out.removed.append((s, reason))
        else:
            out.lines.append(s)
            out.keys.append(key)
    return out
