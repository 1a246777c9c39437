"""PDF articles: the text of their text layer (pypdf), lines rejoined into paragraphs.

A PDF with no text layer (a scan) is a named error, not an empty article: it needs OCR,
which this tool does not do.
"""
from __future__ import annotations

import io
import re


class PdfProblem(ValueError):
    """Why a PDF gives no article text, in one line."""


def read_pdf_text(data: bytes) -> str:
    """The text of every page, paragraphs separated by a blank line."""
    try:
        import pypdf  # lazy: only a corpus with PDFs pays for the import
    except ImportError as exc:
        raise PdfProblem("reading PDF needs the pypdf package (pip install -r requirements.txt)") from exc
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfProblem("encrypted PDF (a password is needed)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - a third-party parser on arbitrary bytes
        raise PdfProblem(f"corrupt PDF ({type(exc).__name__}: {str(exc)[:120]})") from exc
    text = "\n\n".join(p for p in (reflow(page) for page in pages) if p)
    if not text.strip():
        raise PdfProblem(f"PDF has no text layer ({len(pages)} page(s), a scan?): it needs OCR first")
    return text


def reflow(page: str) -> str:
    """Rejoin the lines a PDF broke inside sentences: a hyphen at a line's end joins the
    word; a line that does not end a sentence continues when the next starts in lower case."""
    out: list[str] = []
    for line in (ln.strip() for ln in page.replace("\r", "\n").split("\n")):
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        prev = out[-1] if out else ""
        if prev and re.search(r"[a-z]-$", prev) and line[:1].islower():
            out[-1] = prev[:-1] + line
        elif prev and not re.search(r"[.!?:;\"”’)]$", prev) and line[:1].islower():
            out[-1] = prev + " " + line
        else:
            out.append(line)
    return "\n".join(out).strip()
