"""The store on disk: Parquet tables plus a meta.json, written atomically.

Layout under a store folder:
    meta.json              written last: the current generation, its tables, the run's summary
    gen-<time>/<table>.parquet   articles, passages, sentences, mentions, entities, ...
                           (a folder of parts after an incremental update: the parts of the
                           generation before, linked, and one part of new rows)
A build writes a whole new generation, then switches meta.json to it (one atomic
rename), then removes older generations: a reader sees the old tables or the new
ones, never a mix.
and the NER cache shared by all corpora (keyed by content hash):
    data/cache/ner-<model>/part-*.parquet   one row per entity or sentence span

A killed run loses at most the batch in flight; a corrupt file is detected,
set aside (renamed *.corrupt) and recomputed, with a message that says so.
"""
from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from analysis.ingest.sidefiles import locked, write_atomic

PROGRESS = "progress.json"   # the stages of the build in progress (build/progress.py)
NER_COLUMNS = ["hash", "kind", "start", "end", "label", "text"]


class StoreError(RuntimeError):
    """A store file could not be read."""


def parquet_files(path: Path) -> list[Path]:
    """The files of a table: the file itself, or the parts of a table an incremental update
    grew (a folder <table>.parquet/ of part-<time>.parquet, read in name order = row order)."""
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


class Store:
    """The analysed tables of one corpus."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, name: str) -> Path:
        gen = self.meta().get("generation", "") if (self.root / "meta.json").exists() else ""
        return self.root / gen / f"{name}.parquet"

    def build_lock(self):
        """An exclusive lock on this store for a whole build (released by the OS if the
        process dies, so a killed build never blocks the next one)."""
        return locked(self.root / ".build")

    def staging(self) -> Path:
        """A new generation folder to write tables into (write_staged) before commit(staged=)
        makes it current; until then no reader sees it, and a build killed meanwhile
        leaves a folder the next commit removes."""
        gen = self.root / f"gen-{time.time_ns():020d}"
        gen.mkdir(parents=True)
        return gen

    @staticmethod
    def write_staged(staging: Path, name: str, df: pd.DataFrame) -> None:
        write_atomic(staging / f"{name}.parquet", _parquet_bytes(df))

    def commit(self, tables: dict[str, pd.DataFrame], meta: dict, *, staged: Path | None = None,
               staged_names=(), keep: Path | None = None) -> None:
        """Write every table into a new generation (or the staging folder, which already
        holds the tables staged_names), then switch meta.json to it. The
        generation it replaces is kept until the next commit: a reader that read meta.json
        just before the switch (another dashboard session) can still open its tables.
        keep: a staging folder still being written (publish's caller), never removed here."""
        gen = staged.name if staged is not None else f"gen-{time.time_ns():020d}"
        try:
            previous = self.meta().get("generation", "")
        except StoreError:
            previous = ""
        for name, df in tables.items():
            write_atomic(self.root / gen / f"{name}.parquet", _parquet_bytes(df))
        self.write_meta({**meta, "generation": gen, "tables": sorted(set(tables) | set(staged_names))})
        for old in self.root.glob("gen-*"):
            if old.name not in (gen, previous) and old.is_dir() and (keep is None or old.name != keep.name):
                shutil.rmtree(old, ignore_errors=True)

    def publish(self, staging: Path, names, meta: dict) -> None:
        """A snapshot of a build in progress (meta "partial"): the tables of ``names`` that the
        staging folder holds so far, hard-linked into a generation of their own (no copy) and
        made current; the build goes on writing into staging and commits it at its end."""
        snap = self.root / f"gen-{time.time_ns():020d}"
        snap.mkdir(parents=True)
        done = []
        for name in names:
            src = staging / f"{name}.parquet"
            if src.is_file():
                os.link(src, snap / src.name)
                done.append(name)
        self.commit({}, {**meta, "partial": True}, staged=snap, staged_names=done, keep=staging)

    def complete(self) -> bool:
        """Whether the store's current generation is a whole build (not a snapshot of one in
        progress, not missing)."""
        try:
            meta = self.meta()
        except StoreError:
            return False
        return bool(meta.get("generation")) and not meta.get("partial")

    def build_running(self) -> bool:
        """Whether a process holds this store's build lock now (a build in progress)."""
        path = Path(str(self.root / ".build") + ".lock")
        if not path.exists():
            return False
        with open(path, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
            return False

    def progress(self) -> dict:
        """What the build in progress (or the last one) wrote of its stages (build/progress.py)."""
        try:
            return json.loads((self.root / PROGRESS).read_text())
        except (OSError, ValueError):
            return {}

    def write(self, name: str, df: pd.DataFrame) -> None:
        write_atomic(self.path(name), _parquet_bytes(df))

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        try:
            return pd.read_parquet(self.path(name), columns=columns)
        except Exception as exc:  # pyarrow raises several kinds
            raise StoreError(f"{self.path(name)}: unreadable ({exc.__class__.__name__}: {exc})") from exc

    def has(self, name: str) -> bool:
        return self.path(name).exists()

    def meta(self) -> dict:
        p = self.root / "meta.json"
        if not p.exists():
            return {}
        try:
            return json.loads(p.read_text())
        except (OSError, ValueError) as exc:
            raise StoreError(f"{p}: unreadable ({exc})") from exc

    def write_meta(self, meta: dict) -> None:
        write_atomic(self.root / "meta.json", json.dumps(meta, indent=1, default=str).encode())

    def problems(self) -> list[str]:
        """Why the store cannot be used as it is ([] when every table opens)."""
        try:
            meta = self.meta()
        except StoreError as exc:
            return [str(exc)]
        if not meta:
            return ["no meta.json (never built, or a build was interrupted)"]
        out = []
        for name in meta.get("tables", []):
            try:
                for part in parquet_files(self.path(name)):
                    pq.read_metadata(part)
            except Exception as exc:
                out.append(f"{self.path(name)}: unreadable ({exc.__class__.__name__})")
        return out


class NerCache:
    """NER results by content hash, as append-only Parquet parts."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.messages: list[str] = []

    def parts(self) -> list[Path]:
        return sorted(self.root.glob("part-*.parquet")) if self.root.exists() else []

    def _read_part(self, part: Path, columns=None, filters=None) -> pd.DataFrame | None:
        try:
            return pq.read_table(part, columns=columns, filters=filters).to_pandas()
        except Exception as exc:
            bad = part.with_suffix(".corrupt")
            os.replace(part, bad)
            self.messages.append(f"{part.name}: corrupt NER cache part ({exc.__class__.__name__}); "
                                 f"set aside as {bad.name}, its articles will be analysed again")
            return None

    def hashes(self) -> set[str]:
        out: set[str] = set()
        for part in self.parts():
            df = self._read_part(part, columns=["hash", "kind"], filters=[("kind", "=", "doc")])
            if df is not None:
                out.update(df["hash"])
        return out

    def add(self, results: list[tuple[str, dict]]) -> Path:
        """Write one part for a batch of (hash, {"ents", "sents"}) results."""
        rows = []
        for key, rec in results:
            rows.append((key, "doc", 0, 0, "", ""))
            rows.extend((key, "ent", s, e, lab, txt) for s, e, lab, txt in rec["ents"])
            rows.extend((key, "sent", s, e, "", "") for s, e in rec["sents"])
        df = pd.DataFrame(rows, columns=NER_COLUMNS)
        name = f"part-{time.time_ns():020d}-{os.getpid()}.parquet"
        path = self.root / name
        write_atomic(path, _parquet_bytes(df))
        return path

    def load(self, hashes: set[str]) -> pd.DataFrame:
        """Every cached row for these hashes (one copy per hash)."""
        frames = []
        table_filter = [("hash", "in", sorted(hashes))] if hashes else None
        for part in self.parts():
            df = self._read_part(part, filters=table_filter)
            if df is not None and len(df):
                frames.append(df)
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in NER_COLUMNS})
        df = pd.concat(frames, ignore_index=True)
        # a hash analysed twice (two workers, a resumed run) counts once
        return df.drop_duplicates(["hash", "kind", "start", "end", "label"], ignore_index=True)
