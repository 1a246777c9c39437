"""Document-level entity check on hand-labelled AllSides articles (issue 17).

    python benchmarks/entity_quality.py doclevel [--labels FILE] [--store DIR] [--no-doc]
    python benchmarks/entity_doclevel.py sample ARTICLES.jsonl.gz --exclude SUBSET.jsonl.gz   (made the file once)

The labelled set (benchmarks/data/entity_doclevel.jsonl): 40 articles of 150-600 words of
AllSides articles.jsonl.gz that are not in afghanistan.jsonl.gz (the corpus the entity
rules were developed on), drawn with random.Random(1717); split before labelling by the
SHA-1 of the article id (the 20 lowest hashes are the tune half, the rest held out).
Each article's body (content_original, stripped) is stored with its SHA-1, so the check
runs from a clean clone. Labels: every distinct person, organisation and place named in
the body, read by a person before looking at any output, one canonical name per entity
with the other spellings the text uses ("a|b|c"); types PER, ORG, LOC (spaCy's PERSON ->
PER, ORG -> ORG, GPE / LOC / FAC -> LOC; NORP, LAW, EVENT, PRODUCT, WORK_OF_ART are not
scored). An institution named by its building (White House, Pentagon, Kremlin) may carry
"ORG|LOC": either type counts.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "data" / "entity_doclevel.jsonl"
SEED, N, MIN_WORDS, MAX_WORDS = 1717, 40, 150, 600


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def sample(articles: str, exclude: str, out: Path = LABELS) -> None:
    def records(path):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)

    seen = set()
    for r in records(exclude):
        seen |= {r.get("ID"), r.get("url")}
    pool = []
    for r in records(articles):
        body = (r.get("content_original") or "").strip()
        if r.get("ID") not in seen and r.get("url") not in seen and MIN_WORDS <= len(body.split()) <= MAX_WORDS:
            pool.append(r)
    chosen = random.Random(SEED).sample(pool, N)
    chosen.sort(key=lambda r: sha1(r["ID"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for i, r in enumerate(chosen):
            body = r["content_original"].strip()
            fh.write(json.dumps({"id": r["ID"], "half": "tune" if i < N // 2 else "held-out",
                                 "source": r.get("source"), "date": r.get("date"), "url": r.get("url"),
                                 "title": r.get("title"), "text_sha1": sha1(body), "text": body,
                                 "labels": []}, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} of {len(pool)} articles -> {out}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["sample"]:
        sample(sys.argv[2], sys.argv[sys.argv.index("--exclude") + 1])
