"""Peak memory (summed PSS of the process tree) and time of one build, a checkout against another.

  python benchmarks/bench_build_memory.py run CORPUS.jsonl.gz --n 10000 --checkout DIR --store DIR --label NAME --out FILE
      `python -m analysis build` of the first N articles with DIR's code (its .venv, from
      DIR), into a fresh store; NEWS_TIMINGS on, the NER cache of $NEWS_NER_CACHE. Appends a
      JSON line to FILE (seconds, peak PSS and where it falls, the stage seconds, `uptime` at
      start and end) and writes the PSS timeline beside it (FILE.NAME.memory).
  python benchmarks/bench_build_memory.py report FILE --section NAME [--note TEXT]
      the runs of FILE side by side as a section of docs/benchmarks.md.
Run each build under `flock /work/coord/heavy.lock` on a shared machine.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._doc import machine, table, write_section  # noqa: E402
from benchmarks.bench_speed import first_records  # noqa: E402
from benchmarks.measure import measure  # noqa: E402


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip().split("load average:")[-1].strip()


def run(args) -> None:
    out = Path(args.out)
    corpus = first_records(args.corpus, args.n, out.with_name(f"first{args.n}.jsonl"))
    checkout = Path(args.checkout).resolve()
    cmd = [str(checkout / ".venv" / "bin" / "python"), "-m", "analysis", "build", str(corpus),
           "--store", args.store, "--quiet"]
    env_before = os.environ.get("NEWS_TIMINGS")
    os.environ["NEWS_TIMINGS"] = "1"
    start = _uptime()
    log, timeline = out.with_suffix(f".{args.label}.log"), out.with_suffix(f".{args.label}.memory")
    cwd = os.getcwd()
    os.chdir(checkout)   # `import analysis` resolves to the checkout's
    try:
        with open(log, "w") as fh, open(timeline, "w") as mem:
            res = measure(cmd, log=fh, timeline=mem)
    finally:
        os.chdir(cwd)
        if env_before is None:
            os.environ.pop("NEWS_TIMINGS", None)
    if res["returncode"] != 0:
        raise SystemExit(f"failed ({res['returncode']}): see {log}")
    samples = [tuple(map(float, line.split())) for line in timeline.read_text().splitlines() if line.strip()]
    at = max(samples, key=lambda s: s[1])[0] if samples else 0.0
    stages = json.loads([x for x in log.read_text().splitlines() if x.startswith("timings ")][-1][len("timings "):])
    row = {"label": args.label, "checkout": str(checkout), "n": args.n, "seconds": res["seconds"],
           "peak_mb": res["peak_mb"], "peak_at_s": at, "peak_rss_mb": res["peak_rss_mb"], "stages": stages,
           "load_start": start, "load_end": _uptime()}
    with open(out, "a") as fh:
        fh.write(json.dumps(row) + "\n")
    print(json.dumps(row))


def report(args) -> None:
    runs = [json.loads(x) for x in Path(args.file).read_text().splitlines() if x.strip()]
    rows = [{"run": r["label"], "articles": f"{r['n']:,}", "wall s": round(r["seconds"]),
             "analyses s": round(r["stages"].get("analysis", 0)),
             "peak PSS MB": f"{r['peak_mb']:,}", "peak at s": round(r["peak_at_s"]),
             "load (1/5/15 min) start -> end": f"{r['load_start']} -> {r['load_end']}"} for r in runs]
    md = (f"## Build memory: {args.section}\n\n`python benchmarks/bench_build_memory.py` ({machine()}; each "
          f"build of the same first articles into a fresh store, every article in the NER cache)\n\n"
          + table(rows) + (f"\n\n{args.note}\n" if args.note else "\n"))
    write_section(args.section, md)
    print(md)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("corpus")
    r.add_argument("--n", type=int, default=10000)
    r.add_argument("--checkout", required=True)
    r.add_argument("--store", required=True)
    r.add_argument("--label", required=True)
    r.add_argument("--out", required=True)
    w = sub.add_parser("report")
    w.add_argument("file")
    w.add_argument("--section", required=True)
    w.add_argument("--note", default="")
    args = p.parse_args()
    {"run": run, "report": report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
