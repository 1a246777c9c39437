"""Page furniture found from the corpus itself: lines (and sentences) that recur across
many articles of one outlet are the site's template, not reporting ("Sign up for Daily
Newsletters Manage Newsletters", "Copyright © 2019 The Washington Times, LLC."), and so
are short lines that start like many of the outlet's lines and like few of the other
outlets' ("JUST WATCHED <a video's title> Replay More Videos ...").

Pure functions over article records (dicts with source, text, removed, n_words, hash): the lines
are taken out of the text and kept in ``removed`` with the reason ("in 412 CNN
articles"). Run once over the whole corpus, before the content hash is taken.
"""
from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from typing import NamedTuple

from analysis.ingest.clean import normalise
from analysis.ingest.records import content_hash

MIN_ARTICLES = 5         # a line recurs in at least this many articles of the outlet ...
MIN_SHARE = 0.02         # ... and in at least this share of them ...
MAX_NEEDED = 20          # ... but never in more than this many: a big outlet's site changes over the
#                          years, and a line of one era (in 41 of Fox News' 3,547) never reaches 2%
MAX_WORDS = 120          # a longer line is an article's text, never furniture (a sign-up form can be 90)
MAX_SENTENCE_WORDS = 40  # a recurring sentence inside a line: at most this long
MAX_SHARE_REMOVED = 0.5  # never take more than half of an article's lines: that is a duplicate
# A template line changes with every article ("JUST WATCHED <video title> Replay More Videos"):
# it is known by its first words, when they start lines in many of the outlet's articles,
# far more often than in other outlets', and those lines do not end like sentences.
MARKER_WORDS = 2
TEMPLATE_MAX_WORDS = 60   # a slideshow caption with its credit can be 50
MIN_SPECIFICITY = 10.0   # the outlet's share of articles with the marker / the other outlets' share
MIN_OPEN_SHARE = 0.8     # of the outlet's lines with the marker, this share ends without . ! ? or a quote
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


def _needed(size: int) -> int:
    """Articles of an outlet of ``size`` articles a unit must recur in to be furniture."""
    return max(MIN_ARTICLES, min(math.ceil(MIN_SHARE * size), MAX_NEEDED))


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


def _unit_keys(lines: list[Line]) -> set[str]:
    """The keys of the units that may recur: the short lines and their short sentences."""
    keys = set()
    for ln in lines:
        if ln.short:
            keys.add(ln.key)
            keys.update(k for k, few in zip(ln.part_keys, ln.part_short) if few)
    keys.discard("")
    return keys


def recurring_units(articles: list[dict], lines: list[list[Line]] | None = None) -> dict[str, dict[str, int]]:
    """{outlet: {unit key: articles it is in}} for the units over the outlet's threshold.
    Articles of unknown outlet form one group of their own. lines: text_lines of each article."""
    counts: dict[str, Counter] = defaultdict(Counter)
    sizes: Counter = Counter()
    for i, art in enumerate(articles):
        group = art.get("source") or ""
        sizes[group] += 1
        counts[group].update(_unit_keys(lines[i] if lines is not None else text_lines(art["text"])))
    out = {}
    for group, counter in counts.items():
        need = _needed(sizes[group])
        out[group] = {k: n for k, n in counter.items() if n >= need}
    return out


_LABEL = re.compile(r"^\W*([A-Za-z]+(?:[ ][A-Za-z]+)?)[ ]*:[ ]*\S")


def _marker(line: str, norm: str | None = None) -> str | None:
    """A template line's first words, or its label ("( PHOTOS: <a gallery's title>)" -> "photos:")."""
    norm = normalise(line) if norm is None else norm
    if not MARKER_WORDS <= (norm.count(" ") + 1 if norm else 0) <= TEMPLATE_MAX_WORDS:   # one space apart
        return None
    label = _LABEL.match(line.strip())
    return f"{label.group(1).lower()}:" if label else " ".join(norm.split(" ", MARKER_WORDS)[:MARKER_WORDS])


def template_markers(articles: list[dict], lines: list[list[Line]] | None = None) -> dict[str, dict[str, int]]:
    """{outlet: {marker: articles with a line starting with it}} for the outlet's template lines.
    lines: text_lines of each article."""
    per: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    sizes: Counter = Counter()
    ends: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for i, art in enumerate(articles):
        group = art.get("source") or ""
        sizes[group] += 1
        seen = set()
        for ln in lines[i] if lines is not None else text_lines(art["text"]):
            m = ln.marker
            if m:
                seen.add(m)
                ends[(group, m)][ln.closed] += 1
        per[group].update(seen)
        total.update(seen)
    n_all = sum(sizes.values())
    out: dict[str, dict[str, int]] = {}
    for group, counter in per.items():
        n = sizes[group]
        need = _needed(n)
        for m, c in counter.items():
            if c < need:
                continue
            others = (total[m] - c) / max(n_all - n, 1)
            open_, closed = ends[(group, m)]
            if c / n >= MIN_SPECIFICITY * others and open_ >= MIN_OPEN_SHARE * (open_ + closed):
                out.setdefault(group, {})[m] = c
    return out


# A transcript's speaker tag ("... homes. archived recording (donald trump) Don't buy paint"):
# a lower-case phrase of one to three words starting sentences, TAG_REPEATS times or more in
# an article, in many of one outlet's articles and far fewer elsewhere. Prose never starts a
# sentence in lower case (an abbreviation's period is not a sentence end: "U.S. adults").
TAG_REPEATS = 2
_TAG_BEFORE = r"(?:^|(?<=[.!?—])(?<![A-Z]\.)(?<!U\.S\.) )"
_TAG_AFTER = r"(?= \(| [A-Z\[“\"0-9—])"      # a speaker in brackets, a sentence, a clip's number
_TAG = re.compile(rf"{_TAG_BEFORE}([a-z]+(?: [a-z]+){{0,2}}){_TAG_AFTER}", re.M)


_TAG_SPACE = re.compile(r"[.!?—] (?=[a-z])")


def article_tags(text: str) -> set[str]:
    """The phrases that start sentences of a text in lower case TAG_REPEATS times or more.
    _TAG is tried only where one can start (a line's start, the space after a sentence's
    end: found fast); its matches cannot overlap, so these are finditer's."""
    starts = [m.end() - 1 for m in _TAG_SPACE.finditer(text)]
    i = -1
    while True:     # the lines' starts
        if "a" <= text[i + 1:i + 2] <= "z":
            starts.append(i + 1)
        i = text.find("\n", i + 1)
        if i < 0:
            break
    found = Counter(m.group(1) for m in map(_TAG.match, itertools.repeat(text), sorted(starts)) if m)
    return {t for t, n in found.items() if n >= TAG_REPEATS}


def speaker_tags(articles: list[dict], tagged: list[set[str]] | None = None) -> dict[str, dict[str, int]]:
    """{outlet: {tag: articles it recurs in}} for the outlets' transcript speaker tags.
    tagged: article_tags of each article."""
    per: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    sizes: Counter = Counter()
    for i, art in enumerate(articles):
        group = art.get("source") or ""
        sizes[group] += 1
        seen = tagged[i] if tagged is not None else article_tags(art["text"])
        per[group].update(seen)
        total.update(seen)
    n_all = sum(sizes.values())
    out: dict[str, dict[str, int]] = {}
    for group, counter in per.items():
        n = sizes[group]
        for t, c in counter.items():
            if c >= _needed(n) and c / n >= MIN_SPECIFICITY * (total[t] - c) / max(n_all - n, 1):
                out.setdefault(group, {})[t] = c
    return out


def _strip_tags(lines: list[str], tags: dict[str, int], label: str) -> tuple[list[str], list[str]]:
    """The lines without the outlet's speaker tags (the speaker's name in brackets stays),
    and one removed entry per tag found."""
    gone = []
    for tag, n in tags.items():
        pattern = re.compile(rf"{_TAG_BEFORE}{re.escape(tag)}{_TAG_AFTER} ?", re.M)
        hits = sum(len(pattern.findall(line)) for line in lines if tag in line)
        if hits:
            lines = [pattern.sub(lambda m: " " if m.group(0).startswith(" ") else "", line) if tag in line else line
                     for line in lines]
            gone.append(f"in {n} {label} (a sentence starting '{tag}'): {tag} ({hits} times)")
    return lines, gone


def remove_boilerplate(articles: list[dict], lines: list[list[Line]] | None = None,
                       tag_sets: list[set[str]] | None = None) -> dict[str, int]:
    """Take recurring lines and sentences out of each article's text (in place), keep them
    in its ``removed`` with the reason; returns the lines removed per outlet. lines,
    tag_sets: text_lines and article_tags of each article's text (computed here if not given:
    analysis.ingest.reading computes them where it makes the articles)."""
    lines = [text_lines(a["text"]) for a in articles] if lines is None else lines
    found = recurring_units(articles, lines)
    markers = template_markers(articles, lines)
    tags = speaker_tags(articles, tag_sets)
    removed_per: Counter = Counter()
    for art, art_lines in zip(articles, lines):
        group = art.get("source") or ""
        units, starts = found.get(group) or {}, markers.get(group) or {}
        if not units and not starts and not tags.get(group):
            continue
        label = f"{art['source']} articles" if art.get("source") else "articles of unknown outlet"
        kept, gone = [], []
        for line, ln in zip(art["text"].split(PASSAGE_SEP), art_lines):
            line_kept, why = _strip_line(line, ln, units, label)
            m = ln.marker if line_kept else None   # a line that recurs whole keeps that reason
            if m in starts:
                gone.append(f"in {starts[m]} {label} (a line starting '{m}'): {line}")
                continue
            gone += why
            if line_kept:
                kept.append(line_kept)
        if not gone or len(kept) >= (1 - MAX_SHARE_REMOVED) * len(art_lines):
            kept, tagged = _strip_tags(kept, tags.get(group) or {}, label)
            gone += tagged
        if not gone or len(kept) < (1 - MAX_SHARE_REMOVED) * len(art_lines):
            continue
        art["text"] = PASSAGE_SEP.join(kept)
        art["removed"] = list(art.get("removed") or []) + gone
        art["n_words"] = len(art["text"].split())
        art["hash"] = content_hash(art["text"])
        removed_per[group] += len(gone)
    return dict(removed_per)


def _strip_line(line: str, ln: Line, units: dict[str, int], label: str) -> tuple[str, list[str]]:
    """(what is left of the line, removed entries 'in N <outlet> articles: text')."""
    if not ln.short:
        return line, []
    n = units.get(ln.key)
    if n:
        return "", [f"in {n} {label}: {line}"]
    if len(ln.part_keys) < 2:
        return line, []
    if not any(units.get(k) for k in ln.part_keys):
        return line if ln.rejoined is None else ln.rejoined, []
    keep, gone = [], []
    for part, key in zip(sentences(line), ln.part_keys):
        n = units.get(key)
        (gone.append(f"in {n} {label}: {part}") if n else keep.append(part))
    return " ".join(keep), gone


_REASON = re.compile(r"^in (?P<n>\d+) .*? articles(?: \(a (?:line|sentence) starting '(?P<marker>[^']*)'\))?: (?P<line>.*)$",
                     re.S)


def boilerplate_summary(sources, removed_lists, *, top: int = 3) -> list[dict]:
    """Per outlet: articles that lost furniture to the corpus rule, lines removed, and the
    most frequent lines (or line starts), biggest outlets first. For the Sources page."""
    per: dict[str, dict] = {}
    for source, removed in zip(sources, removed_lists):
        hits = [m for m in (_REASON.match(e) for e in (removed if removed is not None else [])) if m]
        if not hits:
            continue
        row = per.setdefault(source or "(unknown outlet)", {"articles": 0, "lines": 0, "what": Counter()})
        row["articles"] += 1
        row["lines"] += len(hits)
        row["what"].update(f"{m['marker']} …" if m["marker"] else m["line"][:80] for m in hits)
    rows = [{"outlet": o, "articles": r["articles"], "lines removed": r["lines"],
             "most frequent": "; ".join(f"{n}× {w}" for w, n in r["what"].most_common(top))}
            for o, r in per.items()]
    return sorted(rows, key=lambda r: (-r["lines removed"], r["outlet"]))
