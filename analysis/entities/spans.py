"""Span repair: the model's entity spans cut to the names they hold, before canonicalisation.

The small model often runs two names together or drags a word along:
  * a name with a lower-case tail: "Ron Paul-affiliated", "U.S.-based" (a tail that reads as English:
    "Kim Jong-un", "Moon Jae-in" stay), "Jeff Fitzgerald - each", a person with a campaign year
    ("Hillary 2016"): the tail is cut off;
  * two names joined by a slash ("USA Today/Gallup"), two countries or states by a hyphen
    ("U.S.-Mexico", in the offline gazetteer): one mention each;
  * two names the corpus knows apart, run together: "Hillary Clinton Senate", "George W. Bush
    Justice Department", "Politico White House": split where both halves are names the corpus
    tags on their own (a one-word half at least twice and twice as often as the joined span, a
    longer one as often as the span: "George W. Bush Justice Department"), neither half
    a word the corpus also writes in lower case ("Times", "Post": "New York Times" stays), a
    person and a thing (_kinds_apart: "Paul Manafort", "House Freedom Caucus", "Chicago
    Tribune" stay);
  * a nationality span that starts with a place of the offline gazetteer and ends with a
    nationality the corpus tags alone: "Illinois Republican" is the place "Illinois" and the
    NORP "Republican" ("North Korean" stays).
Each new part keeps its row (sentence, passage) with its own offsets and the label the corpus
gives that name on its own (the row's label when the part is not known alone). Pure: the raw
mention table in, the raw mention table out.
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from analysis.config import values

PLACE_LABELS = {"GPE", "LOC", "FAC"}
MIN_PART = 2            # a half must be tagged alone at least this often ...
PART_RATIO = 2          # ... and this many times as often as the joined span
COMMON_SHARE = 0.1      # a one-word half written in lower case this often (vs alone) is a common word
_LOWER_TAIL = re.compile(r"^(.*?[A-Za-z.]{2,})-[a-z]+$")
_ENGLISH_TAIL = re.compile(r"-(?:[a-z]{2,}(?:ed|ing)|[a-z]*(?:ish|like|style|era|area|centric|wide|born|run|led))$")
_DASH_TAIL = re.compile(r"^(.*?\S)\s+[-–—]\s+[a-z][\w\s]*$")
_YEAR_TAIL = re.compile(r"^(.*?\S)\s+(?:19|20)\d\d$")
_PLACE_PAIR = re.compile(r"([A-Z][\w.]*(?: [A-Z][\w.]*)*)[-–]([A-Z][\w.]*(?: [A-Z][\w.]*)*)")
_SLASH = re.compile(r"(?<=[\w.])/(?=[A-Z])")


def repair_spans(raw: pd.DataFrame, texts: dict[str, str], *, clean, sample_chars: int = 20_000_000
                 ) -> pd.DataFrame:
    """raw with the spans above cut or split (module doc); other rows untouched.
    clean: surface -> name (canonical.clean_surface)."""
    if raw.empty:
        return raw
    # on codes of the distinct (surface, label) pairs: millions of mentions at 37k, few distinct
    s_codes, surfaces = pd.factorize(raw["surface"])
    l_codes, labels = pd.factorize(raw["label"])
    codes, combos = pd.factorize(s_codes.astype(np.int64) * len(labels) + l_codes)
    pairs = pd.DataFrame({"surface": np.asarray(surfaces, dtype=object)[combos // len(labels)],
                          "label": np.asarray(labels, dtype=object)[combos % len(labels)],
                          "n": np.bincount(codes, minlength=len(combos))})
    pairs["name"] = [clean(x) for x in values(pairs["surface"])]
    known = pairs.groupby("name")["n"].sum().to_dict()
    label_of = (pairs.groupby(["name", "label"])["n"].sum().sort_values(ascending=False, kind="stable")
                .reset_index().drop_duplicates("name").set_index("name")["label"].to_dict())
    surnames = _surnames(pairs[pairs["label"] == "PERSON"])
    plans = {}
    for k, (surface, label, name) in enumerate(zip(*(values(pairs[c]) for c in ("surface", "label", "name")))):
        plan = _plan(surface, label, name, known, label_of, surnames)
        if plan:
            plans[k] = plan
    if not plans:
        return raw
    common = _common_words({w for p in plans.values() for _, w, _, check in p if check}, known, texts, sample_chars)
    out, drop = [], []
    rows = np.flatnonzero(np.isin(codes, list(plans)))
    records = raw.iloc[rows].to_dict("records")
    for idx, row in zip(rows.tolist(), records):
        aid, start, plan = row["article_id"], int(row["start"]), plans[codes[idx]]
        if any(check and w in common for _, w, _, check in plan):
            continue
        text = texts.get(aid, "")
        parts = [(start + off, start + off + len(w), w, lab) for off, w, lab, _ in plan]
        if any(text[s:e] != w for s, e, w, _ in parts):
            continue
        drop.append(idx)
        out.extend(row | {"start": s, "end": e, "surface": w, "label": lab} for s, e, w, lab in parts)
    if not drop:
        return raw
    keep = np.ones(len(raw), dtype=bool)
    keep[drop] = False
    new = pd.DataFrame(out, columns=raw.columns).astype(raw.dtypes.to_dict())
    return pd.concat([raw[keep], new], ignore_index=True)   # in no order: resolve_keys sorts


def _plan(surface: str, label: str, name: str, known: dict, label_of: dict, surnames: set) -> list | None:
    """[(offset in surface, part, label, guard by lower case?)] or None when the span stays."""
    base = surface.find(name) if name else -1
    if base < 0:
        return None
    cut = _cut_tail(name, label)
    if cut != name and (not _LOWER_TAIL.match(name) or _ENGLISH_TAIL.search(name)):   # 'Kim Jong-un' stays
        return [(base, cut, label, False)]
    if _SLASH.search(name):
        parts, off = [], 0
        for piece in name.split("/"):
            p = piece.strip()
            if len(p) < 3 or not any(c.isupper() for c in p):
                return None
            parts.append((base + off + piece.find(p), p, label_of.get(p, label), False))
            off += len(piece) + 1
        return parts
    pair = _PLACE_PAIR.fullmatch(name)
    if pair and _is_place(pair.group(1)) and _is_place(pair.group(2)):
        return [(base, pair.group(1), "GPE", False), (base + pair.start(2), pair.group(2), "GPE", False)]
    words = name.split(" ")
    if len(words) < 2:
        return None
    if label == "NORP":
        head, last = " ".join(words[:-1]), words[-1]
        if label_of.get(last) == "NORP" and _is_place(head):
            return [(base, head, "GPE", " " not in head), (base + len(head) + 1, last, "NORP", False)]
        return None
    best, score = None, 0
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        if min(known.get(x, 0) - _need(x, known.get(name, 0)) for x in (a, b)) < 0 or not _kinds_apart(label_of[a], label_of[b], b) \
                or (label_of[a] == "PERSON" and " " not in a and a not in surnames):
            continue
        if min(known[a], known[b]) > score:
            best, score = (a, b), min(known[a], known[b])
    if best is None:
        return None
    a, b = best
    return [(base, a, label_of[a], " " not in a), (base + len(a) + 1, b, label_of[b], " " not in b)]


def _surnames(persons: pd.DataFrame) -> set[str]:
    """The words that end people's names more often than they begin them ('Obama', not 'Steve'):
    a person's first word before a thing is a surname, never a first name ('Steve Israel').
    persons: the distinct PERSON names with their mention counts (name, n)."""
    multi = persons[persons["name"].str.contains(" ", regex=False)]
    words = multi["name"].str.split(" ")
    last = multi["n"].groupby(words.str[-1].to_numpy(object)).sum()
    first = multi["n"].groupby(words.str[0].to_numpy(object)).sum()
    return set(last.index[last.to_numpy() > first.reindex(last.index).fillna(0).to_numpy()])


def _need(half: str, joined: int) -> int:
    """How often a half must be tagged alone: a one-word half (a word by chance) MIN_PART times
    and PART_RATIO times the joined span, a longer one ('George W. Bush') as often as the span."""
    return max(MIN_PART, PART_RATIO * joined) if " " not in half else max(1, joined)


def _kinds_apart(first: str, second: str, second_name: str) -> bool:
    """A person then a thing ('Obama White House') or a thing then a person's full name
    ('House Nancy Pelosi'); never two people ('Paul Manafort'), two organisations ('House
    Freedom Caucus') or a place first ('Chicago Tribune')."""
    if first == "PERSON":
        return second not in {"PERSON", "NORP"}
    return first not in PLACE_LABELS | {"NORP"} and second == "PERSON" and " " in second_name


def _is_place(name: str) -> bool:
    """The offline gazetteer has the name itself (not an alternate name) as a country or a
    state ('Roman' of 'Roman Catholic' is a town of Romania: no)."""
    from analysis.entities.gazetteer import candidates   # lazy: the gazetteer loads only when asked

    return any(c["via"] != "alternate name" and c["feature"] in ("country", "admin") for c in candidates([name]))


def _cut_tail(name: str, label: str) -> str:
    """The name without a lower-case tail ('-affiliated', ' - each') or, for a person, a year."""
    for pattern in (_LOWER_TAIL, _DASH_TAIL) + ((_YEAR_TAIL,) if label == "PERSON" else ()):
        m = pattern.match(name)
        if m and any(c.isupper() for c in m.group(1)):
            return m.group(1)
    return name


def lower_case_counts(texts: dict[str, str], words: set[str], sample_chars: int) -> Counter:
    """How often each of these lower-case words is written in lower case, in the texts
    taken in order until sample_chars characters (the common-word tests of the entities)."""
    seen, total = Counter(), 0
    for text in texts.values():
        seen.update(w for w in _LOWER_WORD.findall(text) if w in words)
        total += len(text)
        if total > sample_chars:
            break
    return seen


_LOWER_WORD = re.compile(r"\b[a-z]+\b")


def _common_words(words: set[str], known: dict, texts: dict[str, str], sample_chars: int) -> set[str]:
    """The one-word halves that the corpus writes in lower case (COMMON_SHARE of their
    capitalised count or more), in the texts taken in order until sample_chars characters."""
    lower = {w.lower(): w for w in words}
    if not lower:
        return set()
    seen = lower_case_counts(texts, set(lower), sample_chars)
    return {w for lw, w in lower.items() if seen[lw] >= COMMON_SHARE * known.get(w, 0) and seen[lw] > 0}
