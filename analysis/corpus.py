"""From RawDoc to article records and their passages, sentences and mentions.

Pure functions: no disk, no model. The model's output comes in as the cached
NER rows (hash, kind, start, end, label, text) and is mapped onto articles here.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from analysis.clean import clean_text
from analysis.metadata import canonical_outlet, infer_date, infer_source, infer_title
from analysis.records import Inferred, RawDoc, ReadError, content_hash

PASSAGE_SEP = "\n\n"


def _manifest_value(row: dict, key: str, line_ref: str) -> Inferred | None:
    value = row.get(key)
    if not value:
        return None
    if key == "source":
        value = canonical_outlet(value)
    if key == "date":
        from analysis.dates import parse_given_date
        date, problem = parse_given_date(value)
        return Inferred(date.isoformat(), "manifest", line_ref) if date else \
            Inferred(None, "unknown", f"{line_ref}: {problem}")
    return Inferred(value, "manifest", line_ref)


def article_id(doc: RawDoc) -> str:
    """The given id of a record, else the file path without its extensions."""
    if doc.fields.get("id"):
        return doc.fields["id"]
    if doc.row is not None:
        return doc.file
    return re.sub(r"(\.[A-Za-z0-9]{1,5})?(\.gz)?$", "", str(PurePosixPath(doc.file)))


def make_article(doc: RawDoc, *, manifest: dict | None = None) -> dict | ReadError:
    """One article record: cleaned text, removed furniture, metadata with provenance."""
    row = (manifest or {}).get(doc.file) or (manifest or {}).get(article_id(doc)) or {}
    ref = "manifest.csv"
    title = _manifest_value(row, "title", ref) or infer_title(doc.text, doc.fields, doc.origin)
    source = _manifest_value(row, "source", ref) or infer_source(doc.text, doc.fields, doc.origin)
    published = _manifest_value(row, "date", ref) or infer_date(doc.text, doc.fields, doc.origin)
    cleaned = clean_text(doc.text, outlet_names=(source.value,) if source.value else (), title=title.value)
    text = PASSAGE_SEP.join(cleaned.lines)
    if not text.strip():
        return ReadError(doc.file, "no article text left after removing page furniture")
    return {
        "id": article_id(doc), "hash": content_hash(text), "file": doc.file,
        "title": title.value, "title_how": title.how, "title_evidence": title.evidence,
        "source": source.value, "source_how": source.how, "source_evidence": source.evidence,
        "published": published.value, "published_how": published.how,
        "published_evidence": published.evidence,
        "month": published.value[:7] if published.value else None,
        "url": row.get("url") or doc.fields.get("url"),
        "text": text, "removed": [f"{why}: {line}" for line, why in cleaned.removed],
        "n_words": len(text.split()),
    }


def unique_ids(ids: list[str]) -> list[str]:
    """Make ids unique by suffixing repeats with ~2, ~3 (in input order)."""
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        out.append(i if seen[i] == 1 else f"{i}~{seen[i]}")
    return out


def passage_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for part in text.split(PASSAGE_SEP):
        spans.append((pos, pos + len(part)))
        pos += len(part) + len(PASSAGE_SEP)
    return spans


def build_passages(articles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for aid, text in zip(articles["id"], articles["text"]):
        for i, (s, e) in enumerate(passage_spans(text)):
            rows.append((aid, i, s, e, text[s:e]))
    return pd.DataFrame(rows, columns=["article_id", "passage", "start", "end", "text"])


def _sentences_of(text: str, sents: np.ndarray) -> list[tuple[int, int, int]]:
    """Sentence spans split at passage boundaries: (passage, start, end)."""
    out = []
    for p, (ps, pe) in enumerate(passage_spans(text)):
        inside = sents[(sents[:, 0] < pe) & (sents[:, 1] > ps)] if len(sents) else sents
        if not len(inside):
            out.append((p, ps, pe))
        for s, e in inside:
            s, e = max(s, ps), min(e, pe)
            if text[s:e].strip():
                out.append((p, s, e))
    return out


def _word_bounds(text: str, s: int, e: int) -> tuple[int, int]:
    """Widen a span that starts or ends inside a word ('NAT' of 'NATO’s')."""
    while s > 0 and text[s - 1].isalnum():
        s -= 1
    while e < len(text) and text[e].isalnum():
        e += 1
    return s, e


def map_ner(articles: pd.DataFrame, ner: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cached NER rows -> (sentences, raw mentions) of each article."""
    by_hash = {h: g for h, g in ner.groupby("hash", sort=False)}
    sent_rows, ment_rows = [], []
    for aid, h, text in zip(articles["id"], articles["hash"], articles["text"]):
        g = by_hash.get(h)
        if g is None:
            continue
        sents = g.loc[g["kind"] == "sent", ["start", "end"]].to_numpy(dtype=np.int64)
        spans = _sentences_of(text, sents)
        starts = np.array([s for _, s, _ in spans])
        for i, (p, s, e) in enumerate(spans):
            sent_rows.append((aid, i, p, s, e))
        ents = g[g["kind"] == "ent"]
        for s, e, lab, txt in zip(ents["start"], ents["end"], ents["label"], ents["text"]):
            s, e = _word_bounds(text, int(s), int(e))
            txt = text[s:e]
            k = max(int(np.searchsorted(starts, s, side="right")) - 1, 0)
            p, ss, se = spans[k]
            ment_rows.append((aid, int(s), int(e), txt, lab, p, k, ss, se))
    sentences = pd.DataFrame(sent_rows, columns=["article_id", "sentence", "passage", "start", "end"])
    mentions = pd.DataFrame(ment_rows, columns=["article_id", "start", "end", "surface", "label",
                                                "passage", "sentence", "sent_start", "sent_end"])
    return sentences, mentions


def article_entity_counts(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """(art, entity_id, n): mentions per article and entity, the article as its row number in
    ``articles`` (the store's articles table, same generation). Numbers only: the dashboard
    opens it without converting a million strings (it grouped the mentions itself before)."""
    if mentions.empty:
        return pd.DataFrame({"art": pd.Series([], dtype="int32"), "entity_id": pd.Series([], dtype="int32"),
                             "n": pd.Series([], dtype="int32")})
    pos = pd.Series(np.arange(len(articles), dtype=np.int64), index=articles["id"].to_numpy())
    art = pos.reindex(mentions["article_id"].to_numpy()).to_numpy()
    ok = ~pd.isna(art)
    key = art[ok].astype(np.int64) * (int(mentions["entity_id"].max()) + 1) + mentions["entity_id"].to_numpy()[ok]
    uniq, counts = np.unique(key, return_counts=True)
    span = int(mentions["entity_id"].max()) + 1
    return pd.DataFrame({"art": (uniq // span).astype("int32"), "entity_id": (uniq % span).astype("int32"),
                         "n": counts.astype("int32")})
