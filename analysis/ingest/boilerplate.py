"""Page furniture found from the corpus itself: lines (and sentences) that recur across
many articles of one outlet are the site's template, not reporting ("Sign up for Daily
Newsletters Manage Newsletters", "Copyright © 2019 The Washington Times, LLC.").

Pure functions over article records (dicts with source, text, removed, n_words, hash): the lines
are taken out of the text and kept in ``removed`` with the reason ("in 412 CNN
articles"). Run once over the whole corpus, before the content hash is taken.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from analysis.ingest.clean import normalise
from analysis.ingest.records import content_hash

MIN_ARTICLES = 5         # a line recurs in at least this many articles of the outlet ...
MIN_SHARE = 0.02         # ... and in at least this share of them
MAX_WORDS = 40           # a longer line is a paragraph (a syndicated copy), never furniture
MAX_SHARE_REMOVED = 0.5  # never take more than half of an article's lines: that is a duplicate
PASSAGE_SEP = "\n\n"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])")


def _units(line: str) -> list[str]:
    """A line and, when it has several, its sentences: the units that may recur."""
    parts = _SENTENCE.split(line)
    return [line] + (parts if len(parts) > 1 else [])


def recurring_units(articles: list[dict]) -> dict[str, dict[str, int]]:
    """{outlet: {unit key: articles it is in}} for the units over the outlet's threshold.
    Articles of unknown outlet form one group of their own."""
    counts: dict[str, Counter] = defaultdict(Counter)
    sizes: Counter = Counter()
    for art in articles:
        group = art.get("source") or ""
        sizes[group] += 1
        keys = set()
        for line in art["text"].split(PASSAGE_SEP):
            if len(line.split()) <= MAX_WORDS:
                keys.update(k for k in map(normalise, _units(line)) if k)
        counts[group].update(keys)
    out = {}
    for group, counter in counts.items():
        need = max(MIN_ARTICLES, math.ceil(MIN_SHARE * sizes[group]))
        out[group] = {k: n for k, n in counter.items() if n >= need}
    return out


def remove_boilerplate(articles: list[dict]) -> dict[str, int]:
    """Take recurring lines and sentences out of each article's text (in place), keep them
    in its ``removed`` with the reason; returns the lines removed per outlet."""
    found = recurring_units(articles)
    removed_per: Counter = Counter()
    for art in articles:
        group = art.get("source") or ""
        units = found.get(group) or {}
        if not units:
            continue
        label = f"{art['source']} articles" if art.get("source") else "articles of unknown outlet"
        lines = art["text"].split(PASSAGE_SEP)
        kept, gone = [], []
        for line in lines:
            line_kept, why = _strip_line(line, units, label)
            gone += why
            if line_kept:
                kept.append(line_kept)
        if not gone or len(kept) < (1 - MAX_SHARE_REMOVED) * len(lines):
            continue
        art["text"] = PASSAGE_SEP.join(kept)
        art["removed"] = list(art.get("removed") or []) + gone
        art["n_words"] = len(art["text"].split())
        art["hash"] = content_hash(art["text"])
        removed_per[group] += len(gone)
    return dict(removed_per)


def _strip_line(line: str, units: dict[str, int], label: str) -> tuple[str, list[str]]:
    """(what is left of the line, removed entries 'in N <outlet> articles: text')."""
    if len(line.split()) > MAX_WORDS:
        return line, []
    n = units.get(normalise(line))
    if n:
        return "", [f"in {n} {label}: {line}"]
    parts = _SENTENCE.split(line)
    if len(parts) < 2:
        return line, []
    keep, gone = [], []
    for part in parts:
        n = units.get(normalise(part))
        (gone.append(f"in {n} {label}: {part}") if n else keep.append(part))
    return " ".join(keep), gone
