"""A corpus's input files and their fingerprint: what tells a build that the store is up
to date (names and contents, not modification times)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.build.store import Store


def inputs_signature(paths: list[str], known: dict | None = None) -> str:
    """A fingerprint of the input files' contents: each file's name (within its folder) and
    SHA-1. A copy of the same corpus (new modification times, another checkout) keeps its
    store; any change of content, an added or a removed file does not. ``known`` (a
    build's input_files) spares hashing a file whose size and modification time are the
    same as then."""
    return signature_of(input_files(paths, known))


def input_files(paths: list[str], known: dict | None = None) -> dict[str, list]:
    """{file: [name, size, mtime_ns, sha1]} of every input file (hashes from ``known`` when
    size and modification time are unchanged)."""
    known = known if isinstance(known, dict) else {}   # a hand-edited meta.json: hash everything
    out = {}
    for p in sorted(map(Path, paths)):
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            name = f.relative_to(p).as_posix() if p.is_dir() else f.name
            old = known.get(str(f))
            if isinstance(old, list) and len(old) == 4 and old[1:3] == [st.st_size, st.st_mtime_ns]:
                digest = old[3]
            else:
                h = hashlib.sha1()
                try:
                    with open(f, "rb") as fh:
                        for block in iter(lambda: fh.read(1 << 20), b""):
                            h.update(block)
                except OSError:
                    continue
                digest = h.hexdigest()
            out[str(f)] = [name, st.st_size, st.st_mtime_ns, digest]
    return out


def known_files(store: Store) -> dict | None:
    """The input files recorded by the store's last build (None when there is none to trust)."""
    try:
        return store.meta().get("input_files") if store.has("articles") else None
    except Exception:   # an unreadable meta.json: hash everything again
        return None


def signature_of(files: dict[str, list]) -> str:
    h = hashlib.sha1()
    for name, _size, _mtime, digest in sorted(files.values()):
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()
