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

from analysis.ingest.boilerplate_lines import (MARKER_WORDS, MAX_SENTENCE_WORDS, MAX_WORDS, PASSAGE_SEP,
                                               TEMPLATE_MAX_WORDS, Line, sentences, text_lines)
from analysis.ingest.records import content_hash

MIN_ARTICLES = 5         # a line recurs in at least this many articles of the outlet ...
MIN_SHARE = 0.02         # ... and in at least this share of them ...
MAX_NEEDED = 20          # ... but never in more than this many: a big outlet's site changes over the
#                          years, and a line of one era (in 41 of Fox News' 3,547) never reaches 2%
MAX_SHARE_REMOVED = 0.5  # never take more than half of an article's lines: that is a duplicate
# A template line changes with every article ("JUST WATCHED <video title> Replay More Videos"):
# it is known by its first words (MARKER_WORDS, in a line of at most TEMPLATE_MAX_WORDS: see
# boilerplate_lines.py), when they start lines in many of the outlet's articles, far more
# often than in other outlets', and those lines do not end like sentences.
MIN_SPECIFICITY = 10.0   # the outlet's share of articles with the marker / the other outlets' share
MIN_OPEN_SHARE = 0.8     # of the outlet's lines with the marker, this share ends without . ! ? or a quote
# MAX_WORDS, MAX_SENTENCE_WORDS, MARKER_WORDS, TEMPLATE_MAX_WORDS: boilerplate_lines.py
__all__ = ["MARKER_WORDS", "MAX_SENTENCE_WORDS", "MAX_WORDS", "TEMPLATE_MAX_WORDS", "Line", "article_tags",
           "boilerplate_summary", "recurring_units", "remove_boilerplate", "sentences", "speaker_tags",
           "template_markers", "text_lines"]


def _needed(size: int) -> int:
    """Articles of an outlet of ``size`` articles a unit must recur in to be furniture."""
    return max(MIN_ARTICLES, min(math.ceil(MIN_SHARE * size), MAX_NEEDED))


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
    out: dict[str, dict[str, int]] = {}
    for group, m, c in _outlet_specific(per, total, sizes):
        open_, closed = ends[(group, m)]
        if open_ >= MIN_OPEN_SHARE * (open_ + closed):
            out.setdefault(group, {})[m] = c
    return out


def _outlet_specific(per: dict[str, Counter], total: Counter, sizes: Counter):
    """(outlet, key, articles) of each key over the outlet's threshold and MIN_SPECIFICITY
    times likelier in its articles than in the other outlets'."""
    n_all = sum(sizes.values())
    for group, counter in per.items():
        n = sizes[group]
        need = _needed(n)
        for k, c in counter.items():
            if c >= need and c / n >= MIN_SPECIFICITY * (total[k] - c) / max(n_all - n, 1):
                yield group, k, c


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
    out: dict[str, dict[str, int]] = {}
    for group, t, c in _outlet_specific(per, total, sizes):
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
