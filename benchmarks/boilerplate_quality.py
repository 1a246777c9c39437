"""Corpus-level boilerplate on the whole AllSides corpus: what it removes per outlet, and
the top distinctive terms of the ten biggest outlets before and after.

    python benchmarks/boilerplate_quality.py [CORPUS.jsonl.gz] [--no-doc]

The articles are read by the ingest stage (reader, cleaning, metadata: the outlet from
the file's source field), then ``analysis.ingest.boilerplate.remove_boilerplate`` runs
over all of them, as the build does. Distinctive terms: ``analysis.compare.outlets.
distinctive_terms`` (log-odds with an informative prior, the Sources page's table) on the
texts before and after. Nothing was tuned on this corpus: the thresholds
(MIN_ARTICLES, MIN_SHARE, MAX_WORDS) were set before the first run.

Writes the "boilerplate" section of docs/benchmarks.md (benchmarks/_doc.py).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis.compare.outlets import distinctive_terms  # noqa: E402
from analysis.ingest import boilerplate as B  # noqa: E402
from analysis.ingest import clean as C  # noqa: E402
from analysis.ingest.articles import make_article  # noqa: E402
from analysis.ingest.readers import iter_documents  # noqa: E402
from benchmarks._doc import machine, table, write_section  # noqa: E402

DEFAULT = "/work/shared/corpora/allsides/articles.jsonl.gz"
BIGGEST = 10
REMOVED = re.compile(r"^in \d+ .*? articles(?: \(a (?:line|sentence) starting '(?P<marker>[^']*)'\))?: (?P<line>.*)$",
                     re.S)
TOP_TERMS = 10


def read(path: str, *, line_rules: bool = True) -> list[dict]:
    """The articles as the ingest stage makes them (before the corpus-level boilerplate);
    line_rules=False: without this issue's line rules (slideshows, contributor lines), as main had it."""
    saved = C.CAROUSEL_REPEATS, C._FURNITURE
    if not line_rules:
        C.CAROUSEL_REPEATS = 10 ** 9
        C._FURNITURE = [(p, why) for p, why in C._FURNITURE if why != "contributor line"]
    try:
        return _read(path)
    finally:
        C.CAROUSEL_REPEATS, C._FURNITURE = saved


def _read(path: str) -> list[dict]:
    records = []
    for doc in iter_documents([path]):
        if not hasattr(doc, "text"):
            continue
        art = make_article(doc)
        if isinstance(art, dict):
            records.append({k: art[k] for k in ("id", "source", "text", "removed", "n_words", "hash")})
    return records


def top_terms(records: list[dict], outlets: list[str]) -> dict[str, list[str]]:
    frame = pd.DataFrame([{"id": r["id"], "source": r["source"], "text": r["text"]} for r in records])
    terms = distinctive_terms(frame, top=TOP_TERMS)
    return {o: terms[terms["source"] == o]["term"].tolist() for o in outlets}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=DEFAULT)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args(argv)
    baseline = read(args.corpus, line_rules=False)
    sizes = Counter(r["source"] for r in baseline if r["source"])
    outlets = [o for o, _ in sizes.most_common(BIGGEST)]
    before = top_terms(baseline, outlets)
    del baseline
    t0 = time.perf_counter()
    records = read(args.corpus)
    t_read = time.perf_counter() - t0
    words_before = Counter()   # after the line rules, before the corpus-level boilerplate
    for r in records:
        words_before[r["source"]] += r["n_words"]
    t1 = time.perf_counter()
    per_outlet = B.remove_boilerplate(records)
    t_boiler = time.perf_counter() - t1
    after = top_terms(records, outlets)
    lines: Counter = Counter()
    for r in records:
        for entry in r["removed"]:
            m = REMOVED.match(entry)
            if m:
                what = f"{m['marker']} …" if m["marker"] else m["line"][:70]
                lines[(r["source"], what)] += 1
    rows = []
    for o in outlets:
        words_after = sum(r["n_words"] for r in records if r["source"] == o)
        common = [f"{n}× “{line}”" for (src, line), n in lines.most_common() if src == o][:3]
        rows.append({"outlet": o, "articles": sizes[o], "lines removed": per_outlet.get(o, 0),
                     "words removed": f"{1 - words_after / max(words_before[o], 1):.1%}",
                     "most frequent": "; ".join(common).replace("|", "/")})
    terms = [{"outlet": o, "top terms before (main)": ", ".join(before[o]),
              "top terms after": ", ".join(after[o])} for o in outlets]
    print(table(rows))
    print(table(terms))
    if args.no_doc:
        return
    md = ["## Corpus-level boilerplate (`benchmarks/boilerplate_quality.py`)\n",
          f"{machine()}. {len(records):,} AllSides articles read by the ingest stage in {t_read:.0f} s; "
          f"boilerplate found and removed in {t_boiler:.1f} s (a line of at most {B.MAX_WORDS} words or "
          f"a sentence of at most {B.MAX_SENTENCE_WORDS} in at least {B.MIN_ARTICLES} articles and "
          f"{B.MIN_SHARE:.0%} of one outlet's articles; a line of at most {B.TEMPLATE_MAX_WORDS} words "
          f"whose first {B.MARKER_WORDS} words start lines that often, {B.MIN_SPECIFICITY:.0f} times more "
          "often than in the other outlets, and do not end like sentences (shown as 'first words …'); "
          f"never more than half of an article's lines; the share needed is capped at {B.MAX_NEEDED} articles, "
          "a player's times and a page's ages count as one line, a line's label ('( PHOTOS: …)') is its "
          "first words, an initial ('John A.') does not end a sentence, and a transcript's lower-case "
          "speaker tag repeated in many of one outlet's articles goes, its speaker's words stay). "
          "Thresholds set before the first run on this corpus; the template rule was added after it, "
          "looking at these ten outlets, and the cap, times, labels and tags after the residue named in "
          "issue 16's follow-up (Fox 'inbox', Politico 'photos', NPR 'hide/listen', NYT 'recording, "
          f"archived'). Machine load during the run: {os.getloadavg()[0]:.1f}.\n",
          "What it removes, the ten biggest outlets:\n", table(rows), "",
          f"Top {TOP_TERMS} distinctive terms (log-odds, the Sources page's table), before (the ingest "
          "stage without this issue's furniture rules: slideshow and contributor lines, corpus-level "
          "boilerplate) and after:\n",
          table(terms), ""]
    write_section("boilerplate", "\n".join(md))


if __name__ == "__main__":
    main()
