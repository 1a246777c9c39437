"""Small corpora of invented articles, written as bare .txt files and read by the real ingest
stage: the publisher tests' shared fixture body."""
from __future__ import annotations

from pathlib import Path

from analysis.build.pipeline import read_articles


def read_invented(folder: Path, texts: dict[str, str]) -> dict:
    """Writes each text to folder/NAME.txt, reads the folder (no error expected) and returns
    the article rows by file name without .txt."""
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    articles, errors = read_articles([str(folder)])
    assert errors == []
    return {str(a["file"]).rsplit("/", 1)[-1][:-4]: a for _, a in articles.iterrows()}
