"""Bytes -> text for the readers: BOM, then strict UTF-8, then an 8-bit guess.

Short Western texts fool every detector (four bytes of "café" in cp1252 come back
as UTF-16 or cp1250), so charset-normalizer is trusted only when it names a
non-Latin script with some confidence; otherwise Windows-1252 is used (it is a
superset of Latin-1 for every printable character).
"""
from __future__ import annotations

import codecs

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
MAX_CONTROL_SHARE = 0.05  # more control characters than this: binary, not text
_CONTROLS = frozenset(chr(c) for c in [*range(0, 9), 11, *range(14, 32), *range(127, 160)])


class DecodeError(ValueError):
    """Bytes that are not text; the message is the one-line reason."""


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
        raise DecodeError("binary file (not text)")
    else:
        text = _utf8_or_8bit(data)
    if _looks_binary(text):
        raise DecodeError("binary file (not text)")
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"undecodable: byte-order mark says {enc.upper()} but "
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
