"""From RawDoc to article records and their passages, sentences and mentions.

Pure functions: no disk, no model. The model's output comes in as the cached
NER rows (hash, kind, start, end, label, text) and is mapped onto articles here.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from analysis.ingest.clean import clean_text
from analysis.ingest.dates import parse_given_date
from analysis.ingest.metadata import canonical_outlet, infer_date, infer_source, infer_title
from analysis.ingest.outlets import OutletTable
from analysis.ingest.records import Inferred, RawDoc, ReadError, content_hash

PASSAGE_SEP = "\n\n"


def _manifest_value(row: dict, key: str, line_ref: str, table: OutletTable | None = None) -> Inferred | None:
    value = row.get(key)
    if not value:
        return None
    if key == "source":
        value = canonical_outlet(value, table)
    if key == "date":
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


def make_article(doc: RawDoc, *, manifest: dict | None = None, outlets: OutletTable | None = None) -> dict | ReadError:
    """One article record: cleaned text, removed furniture, metadata with provenance.
    ``outlets``: the outlet table (default: the shipped one)."""
    return article_and_keys(doc, manifest=manifest, outlets=outlets)[0]


def article_and_keys(doc: RawDoc, *, manifest: dict | None = None,
                     outlets: OutletTable | None = None) -> tuple[dict | ReadError, list[str]]:
    """make_article's record, and normalise() of each line (passage) of its text (the
    boilerplate rule compares lines by it)."""
    row = (manifest or {}).get(doc.file) or (manifest or {}).get(article_id(doc)) or {}
    ref = "manifest.csv"
    title = _manifest_value(row, "title", ref) or infer_title(doc.text, doc.fields, doc.origin)
    source = _manifest_value(row, "source", ref, outlets) or \
        infer_source(doc.text, doc.fields, doc.origin, table=outlets)
    published = _manifest_value(row, "date", ref) or infer_date(doc.text, doc.fields, doc.origin, table=outlets)
    cleaned = clean_text(doc.text, outlet_names=(source.value,) if source.value else (), title=title.value)
    text = PASSAGE_SEP.join(cleaned.lines)
    if not text.strip():
        return ReadError(doc.file, "no article text left after removing page furniture"), []
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
    }, cleaned.keys


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
    """Cached NER rows -> (sentences, raw mentions) of each article. The rows are ordered by
    hash once and each article reads its slice (a sub-table per hash was 37,000 DataFrames);
    the numbers go into typed arrays, not tuples (millions of mentions at 37k)."""
    from array import array

    codes, hashes = pd.factorize(ner["hash"].to_numpy(dtype=object))
    order = np.argsort(codes, kind="stable")     # within a hash: the cache's row order
    bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(hashes)))]
    where = {h: i for i, h in enumerate(hashes)}
    kind = ner["kind"].to_numpy(dtype=object)[order]
    is_sent, is_ent = kind == "sent", kind == "ent"    # (and "doc": the article was analysed)
    n_start = ner["start"].to_numpy(dtype=np.int64)[order]
    n_end = ner["end"].to_numpy(dtype=np.int64)[order]
    n_label = ner["label"].to_numpy(dtype=object)[order]
    s_aid, s_cols = [], [array("q") for _ in range(4)]        # sentence, passage, start, end
    m_aid, m_surface, m_label, m_cols = [], [], [], [array("q") for _ in range(6)]
    for aid, h, text in zip(articles["id"], articles["hash"], articles["text"]):
        i = where.get(h)
        if i is None:
            continue
        lo, hi = bounds[i], bounds[i + 1]
        sent = is_sent[lo:hi]
        sents = np.column_stack([n_start[lo:hi][sent], n_end[lo:hi][sent]])
        spans = _sentences_of(text, sents)
        starts = np.array([s for _, s, _ in spans])
        for k, (p, s, e) in enumerate(spans):
            s_aid.append(aid)
            for col, v in zip(s_cols, (k, p, s, e)):
                col.append(v)
        ent = is_ent[lo:hi]
        for s, e, lab in zip(n_start[lo:hi][ent].tolist(), n_end[lo:hi][ent].tolist(), n_label[lo:hi][ent]):
            s, e = _word_bounds(text, s, e)
            k = max(int(np.searchsorted(starts, s, side="right")) - 1, 0)
            p, ss, se = spans[k]
            m_aid.append(aid)
            m_surface.append(text[s:e])
            m_label.append(lab)
            for col, v in zip(m_cols, (s, e, p, k, ss, se)):
                col.append(v)
    ints = lambda col: np.frombuffer(col, dtype=np.int64) if len(col) else np.zeros(0, np.int64)  # noqa: E731
    sentences = pd.DataFrame({"article_id": pd.Series(s_aid, dtype="str"),
                              **{c: ints(col) for c, col in zip(["sentence", "passage", "start", "end"], s_cols)}})
    m = dict(zip(["start", "end", "passage", "sentence", "sent_start", "sent_end"], m_cols))
    mentions = pd.DataFrame({"article_id": pd.Series(m_aid, dtype="str"), "start": ints(m["start"]),
                             "end": ints(m["end"]), "surface": pd.Series(m_surface, dtype="str"),
                             "label": pd.Series(m_label, dtype="str"), "passage": ints(m["passage"]),
                             "sentence": ints(m["sentence"]), "sent_start": ints(m["sent_start"]),
                             "sent_end": ints(m["sent_end"])})
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
