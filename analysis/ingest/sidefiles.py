"""The user's editable side files: manifest.csv and aliases.csv beside the articles.

Reading reports a malformed line by its number and keeps the good lines.
Writing is atomic and locked, so two browser tabs editing at once lose neither edit.
"""
from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import tempfile
from pathlib import Path

from analysis.ingest.records import ReadError

MANIFEST = "manifest.csv"
ALIASES = "aliases.csv"
MANIFEST_FIELDS = ["file", "title", "source", "date", "url"]
ALIAS_ACTIONS = {"merge", "rename", "ignore", "place", "type"}  # place: fix a place's resolution; type: set it
ENTITY_TYPES = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}


def side_file(paths: list[str], name: str) -> Path | None:
    """The side file in the first folder among the inputs (or beside the first file)."""
    for p in map(Path, paths):
        folder = p if p.is_dir() else p.parent
        if (folder / name).is_file():
            return folder / name
    return None


def read_manifest(path: Path | None) -> tuple[dict[str, dict], list[ReadError]]:
    """{file: {field: value}} from manifest.csv; empty cells are not overrides."""
    if path is None:
        return {}, []
    rows, errors = _read_csv(path, required=["file"])
    out = {}
    for line, row in rows:
        key = (row.get("file") or "").strip()
        if not key:
            errors.append(ReadError(f"{path.name}:{line}", "manifest line has no 'file' value"))
            continue
        out[key] = {k: v.strip() for k, v in row.items() if k in MANIFEST_FIELDS[1:] and v and v.strip()}
    return out, errors


def read_aliases(path: Path | None) -> tuple[list[tuple[str, str, str]], list[ReadError]]:
    """[(action, name, target)] from aliases.csv (columns action,name,target)."""
    if path is None:
        return [], []
    rows, errors = _read_csv(path, required=["action", "name"])
    rules = []
    for line, row in rows:
        action = (row.get("action") or "").strip().lower()
        name, target = (row.get("name") or "").strip(), (row.get("target") or "").strip()
        if action not in ALIAS_ACTIONS:
            errors.append(ReadError(f"{path.name}:{line}", f"unknown action '{action}' (use merge, rename, ignore, type or place)"))
        elif action == "type" and target.upper() not in ENTITY_TYPES:
            errors.append(ReadError(f"{path.name}:{line}", f"unknown type '{target}' (use {', '.join(sorted(ENTITY_TYPES))})"))
        elif not name or (action != "ignore" and not target):
            errors.append(ReadError(f"{path.name}:{line}", f"'{action}' needs a name" + ("" if action == "ignore" else " and a target")))
        else:
            rules.append((action, name, target.upper() if action == "type" else target))
    return rules, errors


def _read_csv(path: Path, *, required: list[str]) -> tuple[list[tuple[int, dict]], list[ReadError]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [ReadError(path.name, f"cannot read: {exc}")]
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        return [], [ReadError(f"{path.name}:1", f"header lacks column(s) {', '.join(missing)}")]
    rows, errors = [], []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            errors.append(ReadError(f"{path.name}:{line}", f"{len(values)} cells, header has {len(header)}"))
            continue
        rows.append((line, dict(zip(header, values))))
    return rows, errors


@contextlib.contextmanager
def locked(path: Path):
    """An exclusive lock on <path>.lock for a read-modify-write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def update_manifest(path: Path, file: str, changes: dict[str, str]) -> None:
    """Set fields of one file's manifest row, keeping every other row and column."""
    with locked(path):
        rows, header = [], list(MANIFEST_FIELDS)
        if path.exists():
            reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
            header = list(dict.fromkeys([*(reader.fieldnames or []), *MANIFEST_FIELDS]))
            rows = list(reader)
        row = next((r for r in rows if (r.get("file") or "").strip() == file), None)
        if row is None:
            row = {"file": file}
            rows.append(row)
        row.update({k: v for k, v in changes.items() if k in MANIFEST_FIELDS[1:]})
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_atomic(path, buf.getvalue().encode("utf-8"))


def append_alias(path: Path, action: str, name: str, target: str = "") -> None:
    """Add one rule to aliases.csv (created with its header when missing)."""
    with locked(path):
        old = path.read_text(encoding="utf-8-sig") if path.exists() else "action,name,target\n"
        if not old.endswith("\n"):
            old += "\n"
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([action, name, target])
        write_atomic(path, (old + buf.getvalue()).encode("utf-8"))


def remove_last_alias(path: Path) -> list[str] | None:
    """Undo: take the last rule out of aliases.csv (locked, atomic); returns it, or None when
    the file has no rule."""
    with locked(path):
        if not path.exists():
            return None
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        for i in range(len(lines) - 1, 0, -1):          # line 0 is the header
            if lines[i].strip():
                rule = next(csv.reader([lines[i]]))
                write_atomic(path, "".join(lines[:i] + lines[i + 1:]).encode("utf-8"))
                return rule
        return None
