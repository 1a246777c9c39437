"""Files added in the browser: what is accepted, under which name, and where it goes.

Pure (no streamlit): the Articles page hands the uploaded (name, bytes) pairs to
``accept`` and shows what it says. The rules:

* type: the extensions the readers understand (each also .gz), checked by name *and*
  content: a PDF, a ZIP, an image or a program renamed .txt is refused, so is binary data
  (NUL bytes without a UTF-16/32 byte-order mark, the readers' own rule); gzip data (a .gz,
  or any file starting with the gzip magic bytes, which the readers decompress too) must
  expand to at most ``config.MAX_FILE_BYTES`` (no decompression bombs), and what it
  expands to is checked the same way; a .pdf must be a PDF (its "%PDF-" header), which
  the readers take through its text layer (a scan is a named error there, not here);
* size: at most ``MAX_UPLOAD_BYTES`` per file (also enforced by Streamlit's
  ``server.maxUploadSize``), at most ``MAX_FILES`` per batch, never empty;
* name: the last path component only, letters, digits, ``. _ -`` (Unicode letters kept),
  no leading dot or dash, the type's extension kept, at most ``MAX_STEM`` characters;
  side files (manifest.csv, aliases.csv, LICENSE) are refused: uploaded, they would change
  how the corpus is read rather than add articles;
* place: ``data/uploads/<corpus>/`` (``config.uploads_dir``); a file is written whole to a
  hidden temporary name, then hard-linked to its final name, which fails when that name
  exists, so an existing file is never overwritten (``name-1.txt``, ``name-2.txt``, ...)
  and a reader never sees half a file.
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.ingest.encoding import GZIP_MAGIC, bom_encoding

ALLOWED_UPLOADS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".csv", ".pdf")
BINARY_UPLOADS = {".pdf": (b"%PDF-", "a PDF document")}  # accepted binary types: their magic, what they are
MAX_UPLOAD_BYTES = config.env_int("NEWS_MAX_UPLOAD_BYTES", 50_000_000)
MAX_FILES = 200
MAX_STEM = 100
SIDE_FILES = ("manifest.csv", "aliases.csv", "aliases.json", "aliases.yaml", "aliases.yml")
# the first bytes of formats that are not text, whatever the file is called
MAGIC = ((b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
         (b"\x7fELF", "a program (ELF)"), (b"MZ\x90\x00", "a Windows program"), (b"\x89PNG", "a PNG image"),
         (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"Rar!", "a RAR archive"),
         (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
         (b"BZh", "bzip2 data"), (b"\xfd7zXZ", "xz data"), (b"SQLite format 3", "an SQLite database"),
         (b"PAR1", "a Parquet file"))
SNIFF = 8192


@dataclass
class Outcome:
    """What became of one batch of uploads."""
    saved: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one clear line per refused file


def extension(name: str) -> str:
    """The accepted extension of a name ('.jsonl.gz', '.txt'), or '' when not accepted."""
    low = name.lower()
    gz = low.endswith(".gz")
    stem = low[:-3] if gz else low
    ext = next((e for e in ALLOWED_UPLOADS if stem.endswith(e)), "")
    return ext + (".gz" if gz and ext else "")


def _shown(name: str) -> str:
    """A file name as quoted in a message: one line, control characters dropped, bounded."""
    s = "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in str(name))
    return repr(s if len(s) <= 80 else s[:79] + "…")


def upload_problem(name: str, data: bytes | int, *, max_bytes: int = MAX_UPLOAD_BYTES,
                   max_expanded: int | None = None) -> str | None:
    """Why an upload is refused, in one line that names the file (None when accepted).
    ``data`` is the content (checked by type, size and content) or only its size."""
    shown = _shown(name)
    base = re.split(r"[\\/]", str(name))[-1]
    size = data if isinstance(data, int) else len(data)
    ext = extension(base)
    if not ext:
        return (f"{shown}: not an accepted type; use {', '.join(ALLOWED_UPLOADS)} "
                "(each may also be gzip-compressed, .gz)")
    if base.lower().removesuffix(".gz") in SIDE_FILES or base.lower().startswith("license"):
        return (f"{shown}: a side file, not articles; edit manifest.csv / aliases.csv beside the corpus "
                "(the Articles page writes corrections there) instead of uploading one")
    if size > max_bytes:
        return f"{shown}: {size / 1e6:.1f} MB is more than the limit of {max_bytes / 1e6:g} MB per file"
    if size == 0:
        return f"{shown}: the file is empty"
    if isinstance(data, int):
        return None
    if ext.endswith(".gz") and not data.startswith(GZIP_MAGIC):
        return f"{shown}: named .gz but is not gzip data"
    if data.startswith(GZIP_MAGIC):  # the readers decompress by content too, whatever the name
        head, problem = _gunzip_head(data, max_expanded or config.MAX_FILE_BYTES)
        if problem:
            return f"{shown}: {problem}"
    else:
        head = data[:SNIFF]
    base_ext = ext.removesuffix(".gz")
    if base_ext in BINARY_UPLOADS:  # a PDF: its header within the first 1 KB (the PDF spec's tolerance)
        magic, what = BINARY_UPLOADS[base_ext]
        if magic in head[:1024]:
            return None
        found = _binary_kind(head)
        return f"{shown}: named {base_ext} but is not {what}" + (f" (this is {found})" if found else "")
    what = _binary_kind(head)
    return f"{shown}: this is {what}, not {base_ext} text" if what else None


def _gunzip_head(data: bytes, limit: int) -> tuple[bytes, str | None]:
    """The first bytes of the decompressed content, or why it is refused (corrupt, too big).
    Decompresses in 1 MB steps, counting, so a bomb stops at ``limit``."""
    head, total, rest = b"", 0, data
    try:
        while rest:  # one gzip member per turn (concatenated members are valid gzip)
            d = zlib.decompressobj(wbits=31)
            while True:
                chunk = d.decompress(rest, 1 << 20)
                rest = d.unconsumed_tail
                total += len(chunk)
                if len(head) < SNIFF:
                    head += chunk[:SNIFF - len(head)]
                if total > limit:
                    return head, f"expands to more than {limit / 1e6:g} MB (the limit for one file)"
                if d.eof:
                    break
                if not chunk and not rest:
                    return head, "corrupt gzip data (truncated)"
            rest = d.unused_data
            if rest and not rest.startswith(GZIP_MAGIC):
                break  # trailing garbage after the last member: gzip ignores it too
    except zlib.error as exc:
        return head, f"corrupt gzip data ({exc})"
    if total == 0:
        return head, "the file is empty (once decompressed)"
    return head, None


def _binary_kind(head: bytes) -> str | None:
    """What non-text content the first bytes show (None: plausibly text)."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(GZIP_MAGIC):
        return "gzip data inside gzip data"
    if bom_encoding(head) is None and b"\x00" in head:
        return "binary data"
    return None


def safe_filename(name: str) -> str:
    """A plain file name for ``name``: its last path component (``/`` or ``\\``), letters,
    digits and ``. _ -`` only, no leading dot or dash (no hidden files, no options), the
    accepted extension kept whole, the rest cut to MAX_STEM characters."""
    base = unicodedata.normalize("NFKC", re.split(r"[\\/]", str(name))[-1])
    ext = extension(base)
    stem = base[: len(base) - len(ext)] if ext else base
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE)
    stem = re.sub(r"\.{2,}", ".", stem).strip("._- ")[:MAX_STEM].rstrip("._- ")
    return (stem or "upload") + (ext or ".txt")


def save_upload(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` under ``folder`` with a sanitised name, never overwriting an existing
    file (name-1.ext, name-2.ext, ...); the file appears whole or not at all."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    base = safe_filename(name)
    ext = extension(base)
    stem = base[: len(base) - len(ext)]
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        for i in range(10_000):
            path = folder / (base if i == 0 else f"{stem}-{i}{ext}")
            if path.parent != folder or path.name in (".", ".."):  # cannot happen with safe names
                raise ValueError(f"refusing to write outside {folder}: {path}")
            try:
                os.link(tmp, path)  # fails if the name exists (file, folder or symlink)
            except FileExistsError:
                continue
            return path
        raise FileExistsError(f"{folder}: no free name for {base}")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def accept(folder: Path, files, *, max_bytes: int = MAX_UPLOAD_BYTES, max_files: int = MAX_FILES) -> Outcome:
    """Check and save a batch of uploads [(name, bytes)]; every refusal says why."""
    out = Outcome()
    files = list(files)
    for i, (name, data) in enumerate(files):
        if i >= max_files:
            out.refused.append(f"{_shown(name)}: not saved, at most {max_files} files at a time "
                               f"({len(files) - max_files} left over; upload them in another batch)")
            continue
        problem = upload_problem(name, data, max_bytes=max_bytes)
        if problem:
            out.refused.append(problem)
            continue
        try:
            out.saved.append(save_upload(folder, name, data))
        except OSError as exc:
            out.refused.append(f"{_shown(name)}: cannot be saved in {folder} ({exc.strerror or exc})")
    return out
