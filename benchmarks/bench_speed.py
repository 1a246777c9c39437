"""Speed benchmarks (the performance issue), side by side in one run, medians of repeats.

  python benchmarks/bench_speed.py throughput CORPUS.jsonl.gz [--n 200] [--repeat 3]
      the whole report on the first N articles: the naive baseline (full spaCy pipeline,
      nlp(text) per article) vs this project (NER only, nlp.pipe, 2 processes, cache),
      and a bare NER pass over the same texts (the limit for this model), also with the
      allocator setting of the project's NER workers. Cold caches; CPU seconds beside.
  python benchmarks/bench_speed.py scaling CORPUS.jsonl.gz [--sizes 500,1000,2000] [--warm]
      build time and peak memory (whole process tree) against corpus size; cold NER caches,
      or --warm: the shared NER cache (reading and the corpus analyses against size).
  python benchmarks/bench_speed.py incremental CORPUS.jsonl.gz [--n 1000]
      build N, then add 10 articles: the second build's time.
  python benchmarks/bench_speed.py analyses CORPUS.jsonl.gz --n 1000 --baseline DIR [--repeat 1]
      the corpus analyses after NER (shared NER cache, staged build), this checkout against
      another checkout DIR, in turn in the same run: seconds per stage, peak memory.
  python benchmarks/bench_speed.py full CORPUS.jsonl.gz [--store DIR]
      the whole corpus by one command (`python -m analysis build CORPUS`), into the
      dashboard's default store for it unless --store: time per stage, peak memory of the
      process tree. Uses the NER cache ($NEWS_NER_CACHE or data/cache): run it again after
      an interruption and it resumes; the table says how many articles went through NER.
Results go to docs/benchmarks.md (section per command) and stdout.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._doc import machine, table, write_section  # noqa: E402
from benchmarks.measure import measure  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


def first_records(corpus: str, n: int, out: Path, skip: int = 0) -> Path:
    with gzip.open(corpus, "rt", encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= skip + n:
                break
            if i >= skip:
                dst.write(line)
    return out


def report_cmd(path: Path, store: Path, *extra: str) -> list[str]:
    return [PY, "-m", "analysis", "report", str(path), "--store", str(store), "--quiet", *extra]


def timed(cmd: list[str], env_cache: Path, log: Path | None = None, data: Path | None = None) -> dict:
    """Run the command with its own NER cache (and, given data, its own fresh data folder:
    no gazetteer pickle, nothing cached, what a new user meets); wall time, peak memory
    and the build's own seconds per stage (read, ner, analysis, total)."""
    import os

    os.environ["NEWS_NER_CACHE"] = str(env_cache)
    if data is not None:
        os.environ["NEWS_DATA"] = str(data)
    os.environ["NEWS_TIMINGS"] = "1"
    log = log or env_cache.parent / (env_cache.name + ".log")
    before = _children_cpu()
    with open(log, "w") as fh:
        result = measure(cmd, log=fh)
    result["cpu"] = round(_children_cpu() - before, 1)
    if result["returncode"] != 0:
        raise SystemExit(f"failed: {' '.join(cmd)} (see {log})")
    lines = [x for x in log.read_text().splitlines() if x.startswith("timings ")]
    result["stages"] = json.loads(lines[-1][len("timings "):]) if lines else {}
    return result


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children (and theirs)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def bare_pass(store: Path, *extra: str) -> tuple[float, float]:
    """The bare NER pass over a store's article texts: (seconds, CPU seconds)."""
    before = _children_cpu()
    out = subprocess.run([PY, "-c", BARE, str(store), *extra], cwd=REPO, capture_output=True, text=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 2), round(_children_cpu() - before, 1)


BARE = """
import sys, time, pandas as pd, glob
from analysis.entities.ner import keep_freed_memory, load_model
texts = pd.read_parquet(glob.glob(sys.argv[1] + '/gen-*/articles.parquet')[0])['text'].tolist()
nlp = load_model()
if 'keep' in sys.argv:   # the allocator setting of the project's NER workers (inherited by spaCy's)
    keep_freed_memory()
t = time.perf_counter()
n = sum(len(d.ents) for d in nlp.pipe(texts, n_process=2, batch_size=32))
print(time.perf_counter() - t)
"""


def throughput(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    data = first_records(args.corpus, args.n, tmp / "first.jsonl")
    load_before = _load()
    runs = {"naive": [], "project": [], "bare": [], "bare kept": []}
    ner = {"naive": [], "project": []}
    cpu = {k: [] for k in runs}
    for r in range(args.repeat):
        naive = timed(report_cmd(data, tmp / f"n{r}", "--naive-baseline", "--jobs", "1"), tmp / f"cache-n{r}",
                      data=tmp / f"data-n{r}")
        project = timed(report_cmd(data, tmp / f"p{r}"), tmp / f"cache-p{r}", data=tmp / f"data-p{r}")
        for key, res in (("naive", naive), ("project", project)):
            runs[key].append(res["seconds"])
            cpu[key].append(res["cpu"])
            ner[key].append(res["stages"].get("ner", float("nan")))
        for key, extra in (("bare", ()), ("bare kept", ("keep",))):
            seconds, used = bare_pass(tmp / f"p{r}", *extra)
            runs[key].append(seconds)
            cpu[key].append(used)
        print(r, {k: v[-1] for k, v in runs.items()}, {k: v[-1] for k, v in cpu.items()}, flush=True)
    med = {k: statistics.median(v) for k, v in runs.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    ner_med = {k: statistics.median(v) for k, v in ner.items()}
    words = sum(len(json.loads(x).get("content_original", "").split()) for x in open(data))
    rows = [
        {"run": "naive: full pipeline, nlp(text) per article, whole report", "median s": med["naive"],
         "runs": runs["naive"], "speed-up": "1.0x", "CPU s (process tree)": cpu_med["naive"]},
        {"run": "project: NER only, 2 NER workers forked first (they load the model while the rest starts), "
                "analyses on both cores, whole report", "median s": med["project"],
         "runs": runs["project"], "speed-up": f"{med['naive'] / med['project']:.1f}x (run by run: "
         + ", ".join(f"{n / p:.1f}x" for n, p in zip(runs["naive"], runs["project"])) + ")",
         "CPU s (process tree)": cpu_med["project"]},
        {"run": "bare NER pass over the same texts (model loaded, spaCy's n_process=2)", "median s": med["bare"],
         "runs": runs["bare"], "speed-up": f"{med['naive'] / med['bare']:.1f}x", "CPU s (process tree)": cpu_med["bare"]},
        {"run": "the same bare pass with the allocator setting of the project's NER workers (keep freed memory)",
         "median s": med["bare kept"], "runs": runs["bare kept"], "speed-up": f"{med['naive'] / med['bare kept']:.1f}x",
         "CPU s (process tree)": cpu_med["bare kept"]},
    ]
    stage_rows = [
        {"stage": "entity analysis (NER + sentences; inside the runs above)", "naive median s": round(ner_med["naive"], 2),
         "project median s": round(ner_med["project"], 2), "speed-up": f"{ner_med['naive'] / ner_med['project']:.1f}x"},
        {"stage": "everything else (process start, reading, corpus analyses, report)",
         "naive median s": round(med["naive"] - ner_med["naive"], 2),
         "project median s": round(med["project"] - ner_med["project"], 2), "speed-up": ""},
    ]
    md = (f"## Analysis throughput: the whole report on the first {args.n} articles\n\n"
          f"`python benchmarks/bench_speed.py throughput {Path(args.corpus).name} --n {args.n} "
          f"--repeat {args.repeat}` ({machine()}; {words:,} words; a fresh data folder and cold NER cache every run; "
          f"each run a fresh process, model loading included except for the bare passes; load before and after: "
          f"{load_before} / {_load()})\n\n"
          + table(rows) + "\n\nThe same runs by stage (the build's own timings):\n\n" + table(stage_rows)
          + f"\n\nRemaining gap to the bare NER pass: {med['project'] - med['bare']:.1f} s "
          f"(reading, cleaning, metadata, canonical entities, topics, comparison, the report, "
          f"process start and model loading). The machine may be shared (the load above): "
          f"two workers then get less than twice the share of one process, so the speed-up is lower than on a quiet "
          f"machine; CPU seconds (user + system, whole process tree) depend less on the load.\n")
    write_section("throughput", md)
    print(md)


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def scaling(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    rows = []
    from analysis import config

    for size in [int(s) for s in args.sizes.split(",")]:
        data = first_records(args.corpus, size, tmp / f"first{size}.jsonl")
        cache = Path(os.environ.get("NEWS_NER_CACHE", config.data_dir() / "cache")) if args.warm else tmp / f"cache{size}"
        res = timed([PY, "-m", "analysis", "build", str(data), "--store", str(tmp / f"s{size}"), "--quiet"], cache,
                    log=tmp / f"build{size}.log")
        st = res.get("stages", {})
        rows.append({"articles": size, f"build s ({'NER from the cache' if args.warm else 'cold cache'})": res["seconds"],
                     "read s": round(st.get("read", 0), 1), "NER s": round(st.get("ner", 0), 1),
                     "analyses s": round(st.get("analysis", 0), 1),
                     "s per 1k articles": round(res["seconds"] / size * 1000, 1),
                     "peak memory MB (process tree, PSS)": res["peak_mb"]})
        print(rows[-1], flush=True)
    md = (f"## Scaling: build time and memory against corpus size\n\n"
          f"`python benchmarks/bench_speed.py scaling {Path(args.corpus).name} --sizes {args.sizes}"
          f"{' --warm' if args.warm else ''}` ({machine()}; the first N articles; one run each"
          f"{'; every article already in the NER cache, so the times are reading and the corpus analyses: NER adds its own linear cost (full-build section)' if args.warm else ''})\n\n"
          + table(rows) + "\n")
    write_section("scaling", md)
    print(md)


def incremental(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-inc-"))
    folder = tmp / "corpus"
    folder.mkdir()
    first_records(args.corpus, args.n, folder / "base.jsonl")
    cmd = [PY, "-m", "analysis", "build", str(folder), "--store", str(tmp / "s"), "--quiet"]
    base = timed(cmd, tmp / "cache")
    first_records(args.corpus, 10, folder / "added.jsonl", skip=args.n)
    added = timed(cmd, tmp / "cache")
    again = timed(cmd, tmp / "cache")
    rows = [{"build": f"first build, {args.n} articles (cold)", "s": base["seconds"]},
            {"build": "after adding 10 articles (10 through NER)", "s": added["seconds"]},
            {"build": "nothing new (all from cache)", "s": again["seconds"]}]
    md = (f"## Incremental: adding 10 articles\n\n`python benchmarks/bench_speed.py incremental "
          f"{Path(args.corpus).name} --n {args.n}` ({machine()})\n\n" + table(rows) +
          "\n\nThe difference between the last two rows is the NER of the 10 new articles; the rest "
          "is reading, the corpus-level tables and the topic refresh.\n")
    write_section("incremental", md)
    print(md)


def full(args) -> None:
    import os

    cmd = [PY, "-m", "analysis", "build", args.corpus] + (["--store", args.store] if args.store else [])
    os.environ["NEWS_TIMINGS"] = "1"
    log = Path(tempfile.gettempdir()) / "bench-full-build.log"
    print(f"{' '.join(cmd)} (progress in {log})", flush=True)
    with open(log, "w") as fh, open(log.with_suffix(".memory"), "w") as mem:
        res = measure(cmd, log=fh, timeline=mem)   # seconds and PSS MB of each sample: where the peak falls
    text = log.read_text(errors="replace")
    if res["returncode"] != 0:
        raise SystemExit(f"failed ({res['returncode']}): see {log}")
    stages = json.loads([x for x in text.splitlines() if x.startswith("timings ")][-1][len("timings "):])
    summary = [x for x in text.splitlines() if " articles (" in x and "analysed now" in x][-1]
    rows = [{"stage": k, "s": round(v, 1)} for k, v in stages.items()]
    md = (f"## Full corpus: one command\n\n`python benchmarks/bench_speed.py full {args.corpus}` "
          f"({machine()}; runs `{' '.join(cmd[1:])}`)\n\n{summary.strip()}\n\n" + table(rows) +
          f"\n\nWall {res['seconds']:.0f} s; peak memory of the process tree {res['peak_mb']:,} MB "
          f"(summed PSS, target <= 3,072 MB (issue 19): {'met' if res['peak_mb'] <= 3072 else 'not met'}; summed RSS, "
          f"which counts the pages the forked NER workers share with the parent once per process: "
          f"{res['peak_rss_mb']:,} MB).\n")
    write_section("full-build", md)
    print(md)


def analyses(args) -> None:
    """The corpus analyses after NER, this checkout against another (--baseline, e.g. main
    exported with `git archive main | tar -x -C DIR`), in the same run, turn about: the
    first N articles built as a large corpus is (staged: each analysis in its own process),
    NER from the shared cache, so the times are reading, the core tables and the analyses."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-analyses-"))
    data = first_records(args.corpus, args.n, tmp / f"first{args.n}.jsonl")
    cache = Path(os.environ.get("NEWS_NER_CACHE", REPO / "data" / "cache"))
    os.environ["NEWS_STAGED_FROM_BYTES"] = "0"
    checkouts = {"this checkout": REPO, "baseline": Path(args.baseline).resolve()}
    runs: dict = {name: [] for name in checkouts}
    for r in range(args.repeat):
        for name, root in (checkouts.items() if r % 2 == 0 else reversed(checkouts.items())):
            cmd = [PY, "-c", f"import sys; sys.path.insert(0, {str(root)!r}); from analysis.__main__ import main; "
                   f"sys.exit(main())", "build", str(data), "--store", str(tmp / f"s-{r}-{len(runs[name])}-{name[:4]}"),
                   "--quiet"]
            res = timed(cmd, cache, log=tmp / f"{name[:4]}-{r}.log", data=tmp / f"data-{name[:4]}-{r}")
            runs[name].append(res)
            print(name, res["seconds"], res["stages"], flush=True)
    stages = [k for k in runs["this checkout"][0]["stages"] if k.startswith("analysis") or k in ("read", "core tables")]
    rows = []
    for stage in stages + ["wall"]:
        row = {"stage": stage}
        for name in checkouts:
            vals = [(x["seconds"] if stage == "wall" else x["stages"].get(stage, float("nan"))) for x in runs[name]]
            row[f"{name} s (median)"] = round(statistics.median(vals), 1)
        rows.append(row)
    peak = {name: statistics.median(x["peak_mb"] for x in runs[name]) for name in checkouts}
    md = (f"## Corpus analyses after NER: this checkout against a baseline ({args.n:,} articles)\n\n"
          f"`python benchmarks/bench_speed.py analyses {Path(args.corpus).name} --n {args.n} --repeat {args.repeat} "
          f"--baseline DIR` ({machine()}; the first {args.n:,} articles, NER from the shared cache, built staged "
          f"(NEWS_STAGED_FROM_BYTES=0) by each checkout in turn, {args.repeat} run(s) each; the baseline is "
          f"{args.baseline_label}; the machine shared with other sessions, so compare within a run)\n\n"
          + table(rows) + f"\n\nPeak memory of the process tree (PSS, median): this checkout {peak['this checkout']:,.0f} MB, "
          f"baseline {peak['baseline']:,.0f} MB. In the analysis rows of this checkout two analyses run at a time, "
          f"so their seconds overlap; \"analysis\" is the wall time of all of them.\n")
    write_section(f"analyses-ab-{args.n}", md)
    print(md)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("throughput", "scaling", "incremental", "full", "analyses"):
        s = sub.add_parser(name)
        s.add_argument("corpus")
        s.add_argument("--n", type=int, default=200 if name == "throughput" else 1000)
        s.add_argument("--repeat", type=int, default=3)
        s.add_argument("--sizes", default="500,1000,2000")
        s.add_argument("--store", help="full: the store folder (default: the dashboard's store for CORPUS)")
        s.add_argument("--warm", action="store_true",
                       help="scaling: use the shared NER cache (analyses only; the cache must hold the articles)")
        s.add_argument("--baseline", help="analyses: another checkout of the project to compare with")
        s.add_argument("--baseline-label", default="another checkout", help="analyses: what the baseline is")
    args = p.parse_args()
    {"throughput": throughput, "scaling": scaling, "incremental": incremental, "full": full,
     "analyses": analyses}[args.cmd](args)


if __name__ == "__main__":
    main()
