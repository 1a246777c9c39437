"""Quotes: the text inside quotation marks and who said it.

A quote is a balanced pair of double quotation marks (“ ” or ") or single ones (‘ ’)
within one paragraph; an apostrophe (letter’letter) is not a mark, and an unbalanced
mark is skipped. The attribution is the clause right after the quote (up to the end of
its sentence: '"...," Stoltenberg said.') or, when that has no speech verb, the clause
before it ('Stoltenberg said: "..."'). In the clause, the speaker is the PERSON mention
(or he/she) nearest the speech verb, preferring one before the verb; he/she is the
nearest PERSON mentioned earlier in the article outside quotes; with no person, an ORG
or GPE mention ("organisation"); otherwise None ("unknown"): nothing is invented.
Mentions already carry the canonical entity, so "Stoltenberg said" gives Jens Stoltenberg.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.compare.outlets import outlets

QUOTE_COLUMNS = ["article_id", "source", "speaker", "speaker_how", "quote", "start", "end",
                 "sentence"]
NAMED, PRONOUN, ORGANISATION, UNKNOWN = ("named", "pronoun -> nearest preceding PERSON",
                                         "organisation", "unknown")
SPEAKER_TYPES = ("ORG", "GPE")
SPEECH_VERB = re.compile(
    r"\b(?:say|says|said|saying|tell|tells|told|add|adds|added|state|states|stated|explain"
    r"|explains|explained|warn|warns|warned|note|notes|noted|insist|insists|insisted|write"
    r"|writes|wrote|ask|asks|asked|tweet|tweets|tweeted|declare|declares|declared|argue"
    r"|argues|argued|reply|replies|replied|stress|stresses|stressed|urge|urges|urged"
    r"|announce|announces|announced|claim|claims|claimed|continue|continues|continued"
    r"|acknowledged|confirmed|remarked|recalled|[Aa]ccording to)\b")  # not "United States"
HE_SHE = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
CLAUSE_END = re.compile(r"\n|[.!?](?=\s+\S)|[.!?]\s*$")
SENTENCE_START = re.compile(r"(?:\n|[.!?]\s)\s*")
MAX_AFTER, MAX_BEFORE = 150, 250     # longest attribution clause (chars)


MARK = re.compile(r'[“”"‘’]')


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(opening mark, closing mark) positions of the balanced quotes of a text."""
    spans, pending = [], None          # pending: (position, "double" | "single")
    for para in re.finditer(r"[^\n]+", text):
        pending = None                 # a quote never spans paragraphs
        base, line = para.start(), para.group()
        for mark in MARK.finditer(line):   # only the marks: the other characters never change state
            i, ch = mark.start(), mark.group()
            prev = line[i - 1] if i else " "
            nxt = line[i + 1] if i + 1 < len(line) else " "
            if ch == "“" or (ch == '"' and pending is None):
                pending = (i, "double")
            elif ch in '”"' and pending and pending[1] == "double":
                spans.append((base + pending[0], base + i))
                pending = None
            elif ch == "‘" and pending is None and not nxt.isspace():
                pending = (i, "single")
            elif ch == "’" and pending and not (prev.isalnum() and nxt.isalnum()):
                # a single mark closes a single quote, or a double one that no double
                # mark closes later in the paragraph ('“...,’ he said')
                orphan_close = (pending[1] == "double" and prev in ",.!?"
                                and not re.search(r'[”"]', line[i:]))
                if pending[1] == "single" or orphan_close:
                    spans.append((base + pending[0], base + i))
                    pending = None
    return spans


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with every quote, marks included, blanked (offsets unchanged)."""
    chars = list(text)
    for o, c in spans:
        chars[o:c + 1] = " " * (c + 1 - o)
    return "".join(chars)


def attribution_clauses(masked: str, o: int, c: int) -> list[tuple[int, int]]:
    """(start, end) of the clause after the quote and of the one before it."""
    end_match = CLAUSE_END.search(masked, c + 1, min(len(masked), c + 1 + MAX_AFTER))
    after = (c + 1, end_match.start() if end_match else min(len(masked), c + 1 + MAX_AFTER))
    lo = max(0, o - MAX_BEFORE)
    starts = [m.end() for m in SENTENCE_START.finditer(masked, lo, o)]
    return [after, (starts[-1] if starts else lo, o)]


def _nearest(candidates: list[tuple[int, object]], verb: int):
    """The candidate (position, value) nearest before the verb, else nearest after."""
    before = [c for c in candidates if c[0] < verb]
    if before:
        return max(before, key=lambda c: c[0])[1]
    after = [c for c in candidates if c[0] >= verb]
    return min(after, key=lambda c: c[0])[1] if after else None


class Mentions:
    """An article's mentions as arrays, sorted by start (a DataFrame filter per quote was
    most of the time of quote extraction)."""

    def __init__(self, ments: pd.DataFrame, *, sort: bool = True):
        if sort:
            ments = ments.sort_values(["start", "end"], kind="stable")
        self.start = ments["start"].to_numpy(dtype=np.int64)
        self.end = ments["end"].to_numpy(dtype=np.int64)
        self.type = ments["type"].to_numpy(dtype=object)
        self.entity = ments["entity"].to_numpy(dtype=object)

    def slice(self, lo: int, hi: int) -> "Mentions":
        return self.subset(slice(lo, hi))

    def subset(self, keep) -> "Mentions":
        out = Mentions.__new__(Mentions)
        out.start, out.end, out.type, out.entity = (self.start[keep], self.end[keep], self.type[keep],
                                                    self.entity[keep])
        return out


def resolve_speaker(masked: str, clause: tuple[int, int], verb: int,
                    ments: Mentions) -> tuple[str | None, str]:
    """(speaker, speaker_how) from a clause. ments: the article's mentions outside
    quotes (start, end, entity, type), sorted by start."""
    lo, hi = clause
    a, b = np.searchsorted(ments.start, lo, side="left"), np.searchsorted(ments.start, hi, side="right")
    idx = [k for k in range(a, b) if ments.end[k] <= hi]
    people = [(int(ments.start[k]), ("named", ments.entity[k])) for k in idx if ments.type[k] == "PERSON"]
    people += [(m.start(), ("pronoun", m.start())) for m in HE_SHE.finditer(masked, lo, hi)]
    choice = _nearest(people, verb)
    if choice and choice[0] == "named":
        return choice[1], NAMED
    if choice:
        earlier = np.flatnonzero((ments.type == "PERSON") & (ments.end <= choice[1]))
        if not len(earlier):
            return None, UNKNOWN
        return ments.entity[earlier[-1]], PRONOUN
    org = _nearest([(int(ments.start[k]), ments.entity[k]) for k in idx if ments.type[k] in SPEAKER_TYPES], verb)
    return (org, ORGANISATION) if org is not None else (None, UNKNOWN)


def _article_quotes(text: str, ments: pd.DataFrame | Mentions, *, min_words: int) -> list[dict]:
    """The quotes of one text with their speakers (no article columns yet)."""
    spans = quote_spans(text)
    if not spans:
        return []
    if isinstance(ments, pd.DataFrame):
        ments = Mentions(ments)
    masked = _mask(text, spans)
    opens = np.array([o for o, _ in spans])
    closes = np.array([c for _, c in spans])
    starts = ments.start
    pos = np.searchsorted(opens, starts, side="right") - 1
    in_quote = (pos >= 0) & (starts < closes[np.maximum(pos, 0)])
    ments = ments.subset(~in_quote)
    rows = []
    for o, c in spans:
        raw = text[o + 1:c]
        quote = raw.strip().rstrip(",").rstrip()   # '"...," he said' -> '...'
        if len(quote.split()) < min_words:
            continue
        start = o + 1 + (len(raw) - len(raw.lstrip()))
        speaker, how = None, UNKNOWN
        for clause in attribution_clauses(masked, o, c):
            verbs = list(SPEECH_VERB.finditer(masked, *clause))
            if verbs:
                verb = verbs[0] if clause[0] > o else verbs[-1]  # the verb nearest the quote
                speaker, how = resolve_speaker(masked, clause, verb.start(), ments)
                break
        rows.append({"speaker": speaker, "speaker_how": how, "quote": quote,
                     "start": start, "end": start + len(quote)})
    return rows


def extract_quotes(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame,
                   *, min_words: int = 2) -> pd.DataFrame:
    """(article_id, source, speaker, speaker_how, quote, start, end, sentence): every
    quote of min_words words or more (a one-word ‘scare quote’ is not a quote); start,
    end are offsets of the quote text (inside the marks) into articles.text; sentence
    is the index of the sentence where the quote starts (None if no sentence has it)."""
    docs = outlets(articles)
    ments = mentions[["article_id", "entity", "type", "start", "end"]].astype({"article_id": str})
    ments = ments.sort_values(["article_id", "start", "end"], kind="stable")
    every = Mentions(ments, sort=False)
    by_article = _slices(ments["article_id"], every.slice)
    empty = Mentions(ments.iloc[:0])
    sents = sentences[["article_id", "sentence", "start"]].astype({"article_id": str})
    sents = sents.sort_values(["article_id", "start"], kind="stable")
    starts, numbers = sents["start"].to_numpy(), sents["sentence"].to_numpy()
    sents_by_article = _slices(sents["article_id"], lambda lo, hi: (starts[lo:hi], numbers[lo:hi]))
    rows = []
    for article_id, source, text in docs[["article_id", "source", "text"]].itertuples(index=False):
        found = _article_quotes(text, by_article.get(article_id, empty), min_words=min_words)
        sent = sents_by_article.get(article_id)
        for row in found:
            row.update(article_id=article_id, source=source, sentence=None)
            if sent is not None:
                i = np.searchsorted(sent[0], row["start"], side="right") - 1
                row["sentence"] = int(sent[1][i]) if i >= 0 else None
            rows.append(row)
    table = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    table = table.astype({"start": int, "end": int, "sentence": "Int64", "speaker": object})
    table["speaker"] = table["speaker"].where(table["speaker"].notna(), None)
    return table


def _slices(keys: pd.Series, part) -> dict:
    """{key: part(lo, hi)} for each run of equal keys (keys sorted): one pass over arrays, not
    a DataFrame per group (a groupby made most of the time of extract_quotes at 37k articles)."""
    keys = keys.to_numpy(dtype=object)
    if not len(keys):
        return {}
    bounds = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    los, his = np.r_[0, bounds], np.r_[bounds, len(keys)]
    return {keys[lo]: part(lo, hi) for lo, hi in zip(los.tolist(), his.tolist())}


def quotes_by_source(quotes: pd.DataFrame) -> pd.DataFrame:
    """(source, speaker, quotes): how often each outlet quotes each resolved speaker
    (quotes with no speaker are not counted), most quoted first."""
    known = quotes.dropna(subset=["speaker"])
    table = known.groupby(["source", "speaker"]).size().rename("quotes").reset_index()
    table = table.sort_values(["source", "quotes", "speaker"], ascending=[True, False, True])
    return table.reset_index(drop=True)
