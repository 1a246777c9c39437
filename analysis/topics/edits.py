"""The user's topic edits, kept in topics.csv beside the corpus and applied without refitting.

    action,level,terms,value
    rename,articles,kabul;evacuation;airport;flights,The airlift
    merge,articles,embassy;embassies;staff;closed,kabul;evacuation;airport;flights

A topic is named by its top terms (the first TERMS_KEPT), not by its number: numbers
change when a rebuild refits, terms mostly do not. An edit applies to the topic whose top
terms overlap the recorded ones most (at least MIN_OVERLAP of them, Jaccard); an edit whose
topic is not found is returned as a note, never guessed. A merge moves the units of the
first topic into the second (its terms and number stay); a rename sets the label.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from analysis.ingest.records import ReadError
from analysis.ingest.sidefiles import _read_csv, locked, write_atomic

TOPIC_EDITS = "topics.csv"
EDIT_FIELDS = ["action", "level", "terms", "value"]
TERMS_KEPT = 8
MIN_OVERLAP = 0.3


def topic_key(terms) -> str:
    """'kabul;evacuation;airport': how topics.csv names a topic."""
    return ";".join(list(terms)[:TERMS_KEPT])


def read_topic_edits(path: Path | None) -> tuple[list[dict], list[ReadError]]:
    """[{action, level, terms: [..], value}] from topics.csv, bad lines as errors."""
    if path is None or not path.exists():
        return [], []
    rows, errors = _read_csv(path, required=EDIT_FIELDS)
    edits = []
    for line, row in rows:
        action = (row.get("action") or "").strip().lower()
        level = (row.get("level") or "").strip().lower() or "articles"
        terms = [t.strip() for t in (row.get("terms") or "").split(";") if t.strip()]
        value = (row.get("value") or "").strip()
        if action not in ("rename", "merge"):
            errors.append(ReadError(f"{path.name}:{line}", f"unknown action '{action}' (use rename or merge)"))
        elif not terms or not value:
            errors.append(ReadError(f"{path.name}:{line}", f"'{action}' needs terms and a value"))
        else:
            edits.append({"action": action, "level": level, "terms": terms, "value": value})
    return edits, errors


def append_topic_edit(path: Path, action: str, level: str, terms, value: str) -> None:
    """Add one edit to topics.csv (created with its header when missing); locked, atomic."""
    with locked(path):
        old = path.read_text(encoding="utf-8-sig") if path.exists() else ",".join(EDIT_FIELDS) + "\n"
        if not old.endswith("\n"):
            old += "\n"
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([action, level, topic_key(terms), value])
        write_atomic(path, (old + buf.getvalue()).encode("utf-8"))


def match_topic(terms: list[str], topics: pd.DataFrame) -> int | None:
    """The topic whose first TERMS_KEPT terms overlap `terms` most (Jaccard >= MIN_OVERLAP;
    ties by topic number), or None."""
    want = set(terms[:TERMS_KEPT])
    best, best_score = None, MIN_OVERLAP
    for row in topics.sort_values("topic").itertuples():
        have = set(list(row.terms)[:TERMS_KEPT])
        score = len(want & have) / len(want | have) if want | have else 0.0
        if score > best_score or (best is None and score >= best_score):
            best, best_score = int(row.topic), score
    return best


def apply_topic_edits(topics: pd.DataFrame, assignments: pd.DataFrame, edits: list[dict], *,
                      level: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(topics, assignments, notes) with this level's edits applied in file order. Merges
    first re-point units, then the merged topic's row goes; renames set the label."""
    topics, assignments, notes = topics.copy(), assignments.copy(), []
    for e in (e for e in edits if e["level"] == level):
        src = match_topic(e["terms"], topics)
        if src is None:
            notes.append(f"{e['action']} of the topic '{topic_key(e['terms'])}': no such topic after the rebuild")
            continue
        if e["action"] == "rename":
            topics.loc[topics["topic"] == src, "label"] = e["value"]
            continue
        dst = match_topic([t.strip() for t in e["value"].split(";") if t.strip()], topics)
        if dst is None or dst == src:
            notes.append(f"merge of '{topic_key(e['terms'])}' into '{e['value']}': no such other topic")
            continue
        assignments.loc[assignments["topic"] == src, "topic"] = dst
        s, d = topics.index[topics["topic"] == src][0], topics.index[topics["topic"] == dst][0]
        topics.at[d, "size"] = int(topics.at[d, "size"] + topics.at[s, "size"])
        topics.at[d, "passages"] = int(topics.at[d, "passages"] + topics.at[s, "passages"])
        topics.at[d, "articles"] = sorted(set(topics.at[d, "articles"]) | set(topics.at[s, "articles"]))
        topics = topics.drop(index=s)
    return topics.reset_index(drop=True), assignments, notes
