"""Files on disk -> text for the readers: size limits, gzip, and decoding (BOM, then
strict UTF-8, then an 8-bit guess).

Short Western texts fool every detector (four bytes of "café" in cp1252 come back
as UTF-16 or cp1250), so charset-normalizer is trusted only when it names a
non-Latin script with some confidence; otherwise Windows-1252 is used (it is a
superset of Latin-1 for every printable character).
"""
from __future__ import annotations

import codecs
import gzip
import io
from pathlib import Path
from typing import Iterator

BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# 8-bit encodings whose guess is trusted over cp1252 (non-Latin scripts only)
TRUSTED_GUESSES = frozenset({
    "cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866",
    "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6",
    "cp874", "tis_620", "shift_jis", "cp932", "euc_jp", "gb2312", "gbk", "gb18030",
    "big5", "big5hkscs", "euc_kr", "cp949",
})
MIN_COHERENCE = 0.2
GZIP_MAGIC = b"\x1f\x8b"
MB = 1_000_000
MAX_CONTROL_SHARE = 0.05  # more control characters than this: binary, not text
_CONTROLS = frozenset(chr(c) for c in [*range(0, 9), 11, *range(14, 32), *range(127, 160)])


class FileProblem(ValueError):
    """A file that cannot be read as text; the message is the one-line reason."""


def bom_encoding(head: bytes) -> str | None:
    """The encoding named by a byte-order mark at the start of ``head``, if any."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    return None


def decode_bytes(data: bytes) -> str:
    """Decode a file's bytes to text with newlines normalised to \\n."""
    enc = bom_encoding(data)
    if enc:
        bom_len = 3 if enc == "utf-8" else 4 if enc.startswith("utf-32") else 2
        text = _strict(data[bom_len:], enc)
    elif b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise FileProblem("binary file (not text)")
    else:
        text = _utf8_or_8bit(data)
    if _looks_binary(text):
        raise FileProblem("binary file (not text)")
    return normalise_newlines(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: zero bytes on one side of most ASCII
    characters. The side with the zeros says the byte order."""
    even, odd = data[0::2], data[1::2]
    zeros_even, zeros_odd = even.count(0) / max(len(even), 1), odd.count(0) / max(len(odd), 1)
    if max(zeros_even, zeros_odd) < 0.3 or min(zeros_even, zeros_odd) > 0.05 or len(data) % 2:
        return None
    try:
        text = data.decode("utf-16-le" if zeros_odd > zeros_even else "utf-16-be")
    except UnicodeDecodeError:
        return None
    return None if _looks_binary(text) else text


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise FileProblem(f"undecodable: byte-order mark says {enc.upper()} but "
                          f"byte {exc.start} is invalid ({exc.reason})") from None


def _utf8_or_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_8bit(data)


def _decode_8bit(data: bytes) -> str:
    from charset_normalizer import from_bytes  # slow to import; rarely needed

    best = from_bytes(data).best()
    if best is not None and best.encoding in TRUSTED_GUESSES and best.coherence >= MIN_COHERENCE:
        return data.decode(best.encoding, errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d are unassigned in cp1252
        return data.decode("latin-1")


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ch in _CONTROLS)
    return controls > MAX_CONTROL_SHARE * max(len(sample), 1) or "\x00" in sample


# -- reading bytes -----------------------------------------------------------------

def read_capped(path: Path, gz_ext: bool, max_bytes: int) -> bytes:
    """The file's bytes (decompressed if gzip), at most ``max_bytes`` of them."""
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("empty file")
    if size > max_bytes:
        raise FileProblem(f"file too large: {_size(size)} > limit {_size(max_bytes)}")
    with open_maybe_gzip(path, gz_ext) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileProblem(f"file too large: over {_size(max_bytes)} when decompressed")
    if not data:
        raise FileProblem("empty file")
    return data


def open_maybe_gzip(path: Path, gz_ext: bool):
    """A binary file object; gzip (by extension or magic bytes) is decompressed."""
    with open(path, "rb") as raw:
        magic = raw.read(2)
    if magic == GZIP_MAGIC:
        return gzip.open(path, "rb")
    if gz_ext:
        raise FileProblem("not a gzip file")
    return open(path, "rb")


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def stream_lines(path: Path, gz_ext: bool, max_bytes: int) -> Iterator[tuple[int, str | FileProblem]]:
    """(line number, text) of a file read line by line; a bad line is a FileProblem item."""
    if path.stat().st_size == 0:
        raise FileProblem("empty file")
    with open_maybe_gzip(path, gz_ext) as fh:
        head = fh.peek(8192)[:8192]
        if not head:
            raise FileProblem("empty file")
        enc = bom_encoding(head)
        if enc is None and b"\x00" in head:
            raise FileProblem("binary file (not text)")
        yield from _text_lines(fh, enc, max_bytes) if enc else _byte_lines(fh, max_bytes)


def _byte_lines(fh, max_bytes: int) -> Iterator[tuple[int, str | FileProblem]]:
    n = 0
    while line := fh.readline(max_bytes + 1):
        n += 1
        if len(line) > max_bytes:
            yield n, FileProblem(f"line too long: over {_size(max_bytes)}; stopped reading")
            return
        try:
            yield n, line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield n, decode_bytes(line)
            except FileProblem as exc:
                yield n, FileProblem(str(exc))


def _text_lines(fh, enc: str, max_bytes: int) -> Iterator[tuple[int, str | FileProblem]]:
    text = io.TextIOWrapper(fh, encoding=enc.replace("utf-8", "utf-8-sig"), errors="strict")
    n = 0
    try:
        while line := text.readline(max_bytes + 1):
            n += 1
            if len(line) > max_bytes:
                yield n, FileProblem(f"line too long: over {_size(max_bytes)}; stopped reading")
                return
            yield n, line.lstrip("\ufeff") if n == 1 else line
    except UnicodeDecodeError as exc:
        yield n + 1, FileProblem(f"undecodable as {enc.upper()}: {exc.reason}; stopped reading")
