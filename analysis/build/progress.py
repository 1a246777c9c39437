"""How far a build has come, for the dashboard: progress.json in the store folder, written by
the build's processes (one at a time: the stage that reads and runs NER in its child, then
the parent for the analyses) as each stage starts, advances and ends.

    {"pid": 123, "started": "2026-12-03T10:00:00", "articles": 37554, "error": "",
     "stages": {"reading": {"state": "done", "done": 37554, "total": 37554, "seconds": 41.2},
                "entities": {"state": "running", "done": 12400, "total": 37554}, ...}}

A stage is "pending", "running", "done" or "failed". The file stays after the build ends (the
last build's timings); whether a build is still going on is the store's build lock
(Store.build_running), not this file: a killed build leaves a file that says "running".
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from analysis.build.store import PROGRESS
from analysis.ingest.sidefiles import write_atomic

ANALYSES = ("topics articles", "topics passages", "entity clusters", "sources", "stories", "places")
STAGES = ("reading", "entities", *ANALYSES)
EVERY = 1.0   # seconds between two writes of a stage's count (the last count is always written)


class Progress:
    """The progress file of one build (no file when root is None: a build nobody watches)."""

    def __init__(self, root: Path | None, *, stages=STAGES, fresh: bool = True):
        self.path = None if root is None else Path(root) / PROGRESS
        self._last = 0.0
        self._started: dict[str, float] = {}
        if self.path is not None and fresh:
            self._state = {"pid": os.getpid(), "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "articles": 0,
                           "error": "", "stages": {name: {"state": "pending"} for name in stages}}
            self._write()

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {"stages": {}}

    def _write(self) -> None:
        write_atomic(self.path, json.dumps(self._state).encode())

    def _update(self, name: str, *, force: bool = True, **fields) -> None:
        if self.path is None:
            return
        now = time.monotonic()
        if not force and now - self._last < EVERY:
            return
        self._last = now
        self._state = self._load()   # another process of the build may have written since
        self._state.setdefault("stages", {}).setdefault(name, {}).update(fields)
        self._write()

    def articles(self, n: int) -> None:
        if self.path is not None:
            self._state = self._load()
            self._state["articles"] = int(n)
            self._write()

    def start(self, name: str, total: int = 0, done: int = 0) -> None:
        self._started[name] = time.monotonic()
        self._update(name, state="running", done=int(done), total=int(total), since=round(time.time(), 1),
                     first_done=int(done))

    def advance(self, name: str, done: int) -> None:
        self._update(name, force=False, done=int(done))

    def finish(self, name: str, done: int | None = None, seconds: float | None = None) -> None:
        took = seconds if seconds is not None else time.monotonic() - self._started.get(name, time.monotonic())
        fields = {"state": "done", "seconds": round(took, 1)}
        if done is not None:
            fields["done"] = int(done)
        self._update(name, **fields)

    def fail(self, error: str) -> None:
        if self.path is None:
            return
        self._state = self._load()
        for stage in self._state.get("stages", {}).values():
            if stage.get("state") == "running":
                stage["state"] = "failed"
        self._state["error"] = error
        self._write()
