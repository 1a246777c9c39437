"""fit_topics's time on AllSides articles (own K, articles, no NER), of this checkout or of
another one (an earlier version, to set before and after side by side in one run).

    .venv/bin/python benchmarks/topic_fit_time.py CORPUS.jsonl.gz [--root CHECKOUT] [--sizes 2000,0]

Prints one JSON line per size: articles, wall and CPU seconds of the fit alone (reading the
corpus is not timed), K, the load average before the fit. One BLAS/OpenMP thread, as in
topic_quality.py. Run in a process of its own by topic_quality.py --time-all, so that each
version's `analysis` package is the one imported.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                    help="the checkout whose analysis package is timed")
    ap.add_argument("--sizes", default="2000,0", help="articles per run, comma separated (0 = all labelled)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(args.root).resolve()))
    import pandas as pd
    from threadpoolctl import threadpool_limits

    from analysis.topics.fit import fit_topics   # the root's
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    from benchmarks import topic_measures as M   # noqa: E402  (data reading: this checkout's)

    threadpool_limits(1)
    full = M.read_allsides(args.corpus)
    no_passages = pd.DataFrame(columns=["article_id", "passage", "text"])
    no_mentions = pd.DataFrame(columns=["article_id", "passage", "entity", "type"])
    for n in (int(s) for s in args.sizes.split(",")):
        df = M.sample(full, n)
        articles = pd.DataFrame({"id": df["id"], "source": df["source"], "month": None,
                                 "title": df["title"], "text": df["text"]})
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        result = fit_topics(articles, no_passages, no_mentions, level="articles")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(json.dumps({"articles": len(df), "wall": round(wall, 2), "cpu": round(cpu, 2),
                          "k": int(result["info"]["k"]), "load": round(load, 1)}), flush=True)


if __name__ == "__main__":
    main()
