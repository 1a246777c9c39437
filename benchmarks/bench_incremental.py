"""Adding N articles to a built corpus: the full path (every analysis fitted again, what a
build did before build/incremental.py) against the incremental update (NER of the new
articles only, then placed with the saved models).

    NEWS_NER_CACHE=... .venv/bin/python benchmarks/bench_incremental.py \
        --corpus /work/shared/corpora/allsides/afghanistan.jsonl.gz \
        --pool /work/shared/corpora/allsides/articles.jsonl.gz --work DIR

The added articles: the pool's records from line --start on whose url is not in the corpus
(records [skip, skip+N) of them for the full path, the next N for the update, so both run
NER on articles the cache does not hold). Writes the section "incremental" of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._doc import machine, table, write_section  # noqa: E402


def consistency(store) -> dict:
    """Every article in every per-article table; counts that match their rows."""
    from analysis.build.store import Store   # noqa: F401

    ids = set(store.read("articles", columns=["id"])["id"])
    n = len(ids)
    ok = {name: set(store.read(name, columns=["article_id"])["article_id"]) == ids
          for name in ("article_topics", "entity_cluster_assignments", "story_articles", "doc_map")}
    with_text = set(store.read("passages", columns=["article_id"])["article_id"])
    ok["passage_topics"] = set(store.read("passage_topics", columns=["article_id"])["article_id"]) == with_text
    ok["article_entities"] = int(store.read("article_entities", columns=["art"])["art"].max()) < n
    ments = store.read("mentions", columns=["entity_id"])
    ents = store.read("entities", columns=["entity_id", "mentions"]).set_index("entity_id")["mentions"]
    counts = ments.groupby("entity_id").size()
    ok["entity counts"] = bool((ents.reindex(counts.index) == counts).all())
    return ok


def refitted_labels_equal(store) -> dict:
    """The fitted articles assigned again with the saved models: share with their fitted label."""
    from analysis.clusters.assign import assign_clusters
    from analysis.topics.assign import assign_topics
    from analysis.topics.model import model_of

    inc = store.meta().get("incremental") or {}
    arts = store.read("articles")
    fit = arts.iloc[:len(arts) - int(inc.get("added_since_fit", 0))]
    passages, mentions = store.read("passages"), store.read("mentions")
    out = {}
    for level, name in (("articles", "article_topics"), ("passages", "passage_topics")):
        got = assign_topics(model_of(store.read(f"model_topics_{level}")), fit, passages, mentions, level=level)
        key = ["article_id"] if level == "articles" else ["article_id", "passage"]
        j = got["assignments"].merge(store.read(name), on=key, suffixes=("_new", "_fit"))
        out[f"topics {level}"] = f"{(j['topic_new'] == j['topic_fit']).mean():.4f} of {len(j):,}"
    got = assign_clusters(model_of(store.read("model_entity_clusters")), mentions, fit)
    j = got.merge(store.read("entity_cluster_assignments"), on="article_id", suffixes=("_new", "_fit"))
    out["entity clusters"] = f"{(j['cluster_new'] == j['cluster_fit']).mean():.4f} of {len(j):,}"
    return out


def added_records(corpus: str, pool: str, start: int) -> list[str]:
    """The pool's JSONL lines from line `start` on whose url is not one of the corpus's."""
    import gzip
    import json

    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        known = {json.loads(line).get("url") for line in fh}
    with gzip.open(pool, "rt", encoding="utf-8") as fh:
        return [line for i, line in enumerate(fh) if i >= start and json.loads(line).get("url") not in known]


def scaled_run(args, work: Path, paths: list[str], pool: list[str]) -> str:
    """N more articles (not in the NER cache) added to the fitted store repeated args.scale times."""
    from analysis.build.incremental import update
    from benchmarks.scaled_store import scale_store

    (work / "corpus" / "added-2.jsonl").unlink()
    lo = args.skip + 2 * args.n
    (work / "corpus" / "added-3.jsonl").write_text("".join(pool[lo:lo + args.n]))
    t = time.perf_counter()
    store = scale_store(work / "store-fit", work / "store-scaled", args.scale)
    t_scale = time.perf_counter() - t
    n0 = store.meta()["articles"]
    sizes = {name: len(store.read(name, columns=[c])) for name, c in
             (("passages", "article_id"), ("mentions", "article_id"), ("sentences", "article_id"))}
    t = time.perf_counter()
    inc = update(paths, store)
    t_inc = time.perf_counter() - t
    assert inc is not None, "the update fell back to a full build"
    checks = consistency(inc.store)
    print(f"scaled x{args.scale}: {n0} articles, update {t_inc:.1f} s {inc.timings}", checks, file=sys.stderr)
    parts = ", ".join(f"{k} {v:.1f}" for k, v in inc.timings.items() if k != "total")
    return (f"At {args.scale}x the size: the fitted store repeated {args.scale} times (benchmarks/scaled_store.py, "
            f"made in {t_scale:.0f} s: {n0:,} articles, {sizes['passages']:,} passages, {sizes['sentences']:,} "
            f"sentences, {sizes['mentions']:,} mentions; its models and its {len(inc.store.read('entities')):,} "
            f"entities are the 1,515-article fit's), {args.n} more articles (records {lo}-{lo + args.n}, "
            f"{inc.analysed} NER'd now): **{t_inc:.1f} s** ({parts}). Per-article tables complete: "
            + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in checks.items()) + ".")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--pool", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--start", type=int, default=37_000)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--skip", type=int, default=20)
    ap.add_argument("--scale", type=int, default=0,
                    help="then also add N articles to the fitted store repeated this many times (scaled_store.py)")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()

    from analysis.build import stages
    from analysis.build.incremental import update
    from analysis.build.pipeline import build
    from analysis.build.store import Store

    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    (work / "corpus").mkdir(parents=True)
    shutil.copy(args.corpus, work / "corpus" / Path(args.corpus).name)
    root, paths = work / "store", [str(work / "corpus")]
    pool = added_records(args.corpus, args.pool, args.start)
    t = time.perf_counter()
    base = build(paths, store_dir=root, progress=False, extras=stages.run)
    t_base = time.perf_counter() - t
    n0 = base.store.meta()["articles"]
    print(f"base build: {n0} articles, {t_base:.1f} s", file=sys.stderr)

    rows = []
    # before: the full path (what a build did when files were added)
    (work / "corpus" / "added-1.jsonl").write_text("".join(pool[args.skip:args.skip + args.n]))
    t = time.perf_counter()
    full = build(paths, store_dir=root, progress=False, extras=stages.run)
    t_full = time.perf_counter() - t
    rows.append({"path": "full build (before)", "articles": f"{n0:,} + {full.store.meta()['articles'] - n0}",
                 "NER'd now": full.analysed, "seconds": f"{t_full:.1f}",
                 "parts (s)": ", ".join(f"{k} {v:.1f}" for k, v in full.timings.items() if k != "total")})
    n1 = full.store.meta()["articles"]
    shutil.copytree(root, work / "store-fit")   # as the full build left it (for --scale)
    # after: the incremental update
    (work / "corpus" / "added-2.jsonl").write_text("".join(pool[args.skip + args.n:args.skip + 2 * args.n]))
    t = time.perf_counter()
    inc = update(paths, Store(root))
    t_inc = time.perf_counter() - t
    assert inc is not None, "the update fell back to a full build"
    rows.append({"path": "incremental update (after)", "articles": f"{n1:,} + {inc.store.meta()['articles'] - n1}",
                 "NER'd now": inc.analysed, "seconds": f"{t_inc:.1f}",
                 "parts (s)": ", ".join(f"{k} {v:.1f}" for k, v in inc.timings.items() if k != "total")})
    checks = consistency(inc.store)
    equal = refitted_labels_equal(inc.store)
    scaled = scaled_run(args, work, paths, pool) if args.scale else None
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    for r in rows:
        print(r, file=sys.stderr)
    print(checks, equal, file=sys.stderr)
    if args.no_doc:
        return
    md = [f"Adding {args.n} articles (records {args.skip}-{args.skip + 2 * args.n} of {Path(args.pool).name} "
          f"from line {args.start:,} that are not in the corpus) to the store of {Path(args.corpus).name} ({n0:,} articles; "
          f"its full build here: {t_base:.0f} s with NER cached). {machine()}; load: {load}. "
          f"NER cache: {os.environ.get('NEWS_NER_CACHE', 'data/cache')}.",
          "", table(rows), "",
          "Store after the update: every article in every per-article table: "
          + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in checks.items()) + ".",
          "Fitted articles assigned again with the saved models (share that gets its fitted label): "
          + ", ".join(f"{k} {v}" for k, v in equal.items()) + ".",
          ""]
    if scaled:
        md += [scaled, ""]
    md += ["Written by benchmarks/bench_incremental.py."]
    write_section("incremental", "\n".join(md))


if __name__ == "__main__":
    main()
