"""What the corpus boilerplate rule (analysis.ingest.boilerplate) looks at in each line
of an article's text, computed once per line: its comparison key, its sentences' keys and
its first words (a template line's marker). Pure functions of one article's text, so they
run where the article is made (analysis.ingest.reading's worker processes)."""
from __future__ import annotations

import re
from typing import NamedTuple

from analysis.ingest.clean import normalise

MAX_WORDS = 120          # a longer line is an article's text, never furniture (a sign-up form can be 90)
MAX_SENTENCE_WORDS = 40  # a recurring sentence inside a line: at most this long
# A template line changes with every article ("JUST WATCHED <video title> Replay More Videos"):
# it is known by its first words (analysis.ingest.boilerplate.template_markers)
MARKER_WORDS = 2
TEMPLATE_MAX_WORDS = 60   # a slideshow caption with its credit can be 50
_CLOSING = (".", "!", "?", '"', "”", "’", ")")   # a line ending with one ends like a sentence
PASSAGE_SEP = "\n\n"
MIN_SENTENCE_WORDS = 4   # a shorter piece of a line is not a sentence ("Mr.", "Sen.", "ET.")
_SENTENCE = re.compile(r"([.!?])\s+(?=[A-Z\"“‘'(])")    # the mark kept (split keeps the group)
# ... but not after an initial or a title: "House Speaker John A." is not a sentence of
# "House Speaker John A. Boehner said", nor "Sen." of "Sen. Ted Cruz"
_ABBREVIATED = re.compile(r"(?:^|[\s(])(?:[A-Z]|Mr|Ms|Mrs|Dr|St|Jr|Sr|Lt|Sen|Rep|Gov|Gen|Col|Sgt|Rev|Sec|Adm|Maj|"
                          r"Capt|Cmdr|Prof|Hon|Mt|Ft|No|U\.S|U\.N)\.$")


def sentences(line: str) -> list[str]:
    """The sentences of a line; a piece under MIN_SENTENCE_WORDS words joins the next
    ("Mr. Trump said ..." is one sentence, not "Mr." and "Trump said ...")."""
    out: list[str] = []
    carry = ""
    pieces: list[str] = []
    split = _SENTENCE.split(line)     # [text, mark, text, mark, ..., text]
    for part in [a + b for a, b in zip(split[::2], split[1::2])] + [split[-1]]:
        # (an abbreviation with its '.' and the character before it: at most 8 characters)
        if pieces and _ABBREVIATED.search(pieces[-1][-8:]):
            pieces[-1] = f"{pieces[-1]} {part}"
        else:
            pieces.append(part)
    for part in pieces:
        part = f"{carry} {part}".strip() if carry else part
        if len(part.split(None, MIN_SENTENCE_WORDS - 1)) < MIN_SENTENCE_WORDS:     # fewer words
            carry = part
        else:
            out.append(part)
            carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


_STAMP = re.compile(r"\b\d{1,2}:\d\d(?::\d\d)?\b|\b\d+(?=[ ]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)[ ]+ago\b)")


def _key(unit: str, norm: str | None = None) -> str:
    """A unit's comparison key: normalised, a player's times and a page's ages one ("Listen ·
    5:08" is "Listen · 6:13", "6 years ago" is "7 years ago"). norm: normalise(unit), if known."""
    if ":" in unit or "ago" in unit:    # else _STAMP cannot match (a time has ':', an age 'ago')
        stamped = _STAMP.sub("0", unit)
        if stamped != unit:
            return normalise(stamped)
    return normalise(unit) if norm is None else norm


def _closed(line: str) -> bool:
    """Whether a line ends like a sentence; a parenthesis on a line of its own ("( PHOTOS:
    Senators up for election in 2014)") is a link, not a sentence."""
    s = line.strip()
    return s.endswith(_CLOSING) and not (s.startswith("(") and s.endswith(")"))


class Line(NamedTuple):
    """What the corpus rule looks at in a line of an article's text, computed once (not the
    line itself: the article's text has it)."""

    short: bool          # at most MAX_WORDS words: it may recur
    key: str             # _key(text), when short
    part_keys: tuple     # the keys of its sentences, when short and of several
    part_short: tuple    # whether each sentence has at most MAX_SENTENCE_WORDS words
    marker: str | None   # _marker(text)
    closed: bool         # _closed(text), when it has a marker
    rejoined: str | None  # its sentences joined by one space, when that is not the text


def text_lines(text: str, norms: list[str] | None = None) -> list[Line]:
    """The lines of an article's text (passages) with their keys, sentences' keys and marker.
    norms: normalise() of each line, when known (analysis.ingest.articles.article_and_keys)."""
    out = []
    lines = text.split(PASSAGE_SEP)
    for line, norm in zip(lines, norms if norms is not None and len(norms) == len(lines) else map(normalise, lines)):
        short = len(line.split(None, MAX_WORDS)) <= MAX_WORDS     # (no more words split than needed)
        keys: tuple = ()
        few: tuple = ()
        rejoined = None
        if short:
            parts = sentences(line)
            if len(parts) > 1:
                keys = tuple(_key(p) for p in parts)
                few = tuple(len(p.split(None, MAX_SENTENCE_WORDS)) <= MAX_SENTENCE_WORDS for p in parts)
                rejoined = " ".join(parts)
                rejoined = None if rejoined == line else rejoined
        marker = _marker(line, norm)
        out.append(Line(short, _key(line, norm) if short else "", keys, few, marker,
                        marker is not None and _closed(line), rejoined))
    return out


_LABEL = re.compile(r"^\W*([A-Za-z]+(?:[ ][A-Za-z]+)?)[ ]*:[ ]*\S")


def _marker(line: str, norm: str | None = None) -> str | None:
    """A template line's first words, or its label ("( PHOTOS: <a gallery's title>)" -> "photos:")."""
    norm = normalise(line) if norm is None else norm
    if not MARKER_WORDS <= (norm.count(" ") + 1 if norm else 0) <= TEMPLATE_MAX_WORDS:   # one space apart
        return None
    label = _LABEL.match(line.strip())
    return f"{label.group(1).lower()}:" if label else " ".join(norm.split(" ", MARKER_WORDS)[:MARKER_WORDS])
