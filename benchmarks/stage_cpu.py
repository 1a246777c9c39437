"""CPU seconds of corpus analyses, this checkout against another, on the core tables of a
built store: each stage run in a fresh process per checkout, its CPU time (the process and
the worker processes it waited for) and wall time. CPU time hardly depends on how busy the
machine is, so two checkouts can be compared on a shared machine where wall times cannot.

    python benchmarks/stage_cpu.py STORE --baseline DIR [--stages "topics articles,sources"]
                                   [--label NAME] [--as-build]

STORE: a store folder (meta.json and its generation); the stage "core tables" builds them
again from the store's corpus files and the NER cache ($NEWS_NER_CACHE; the reading is not
timed); DIR: another checkout (e.g. main,
`git archive main | tar -x -C DIR`). The sentence tones are cached by content
(analysis/compare/tone_cache.py) where the checkout has that cache: "sources" runs twice in
this checkout, with an empty tone cache and again with the one the first run filled.
Writes the section "stage-cpu-NAME" of docs/benchmarks.md and prints it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._doc import machine, table, write_section  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RUN = """
import json, os, resource, sys, time
sys.path.insert(0, os.getcwd())
import pandas as pd
from analysis.build.stages import run_stage
store, stages = sys.argv[1], sys.argv[2].split(",")
gen = os.path.join(store, json.load(open(os.path.join(store, "meta.json")))["generation"])
tables = {n: pd.read_parquet(os.path.join(gen, n + ".parquet"))
          for n in ("articles", "passages", "mentions", "sentences", "entities")}
def cpu():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
as_build = os.environ.get("STAGE_CPU_AS_BUILD") == "1"
if as_build:   # as a large build runs it: a forked child alone (analysis.build.staged)
    from analysis.build.processes import Forked
out = []
if "core tables" in stages:   # the core tables again from the store's corpus and the NER cache: reading is not timed
    from analysis import config
    from analysis.build.core import assemble, read_articles
    from analysis.build.store import NerCache
    meta = json.load(open(os.path.join(store, "meta.json")))
    articles, _ = read_articles(meta["paths"])
    ner = NerCache(config.ner_cache_dir(meta["model"])).load(set(articles["hash"]))
for s in stages:
    c, t = cpu(), time.perf_counter()
    if s == "core tables":
        assemble(articles, ner)
    elif as_build:
        Forked(run_stage, s, tables, retry=False, alone=True).result()
    else:
        run_stage(s, tables)
    out.append([s, round(cpu() - c, 1), round(time.perf_counter() - t, 1)])
print("RESULT " + json.dumps(out))
"""


def run(checkout: Path, store: str, stages: list[str], tone_cache: Path, as_build: bool = False) -> list:
    env = {**os.environ, "NEWS_TONE_CACHE": str(tone_cache), "STAGE_CPU_AS_BUILD": "1" if as_build else "0"}
    done = subprocess.run([sys.executable, "-c", RUN, store, ",".join(stages)], cwd=checkout, env=env,
                          capture_output=True, text=True)
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"failed in {checkout}: {done.stderr[-2000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--stages", default="topics articles,topics passages,sources")
    ap.add_argument("--label", default="")
    ap.add_argument("--as-build", action="store_true",
                    help="each stage in a forked child alone, with the thread limits a large build sets")
    args = ap.parse_args()
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="stage-cpu-"))
    load = [os.getloadavg()[0]]
    base = run(Path(args.baseline).resolve(), args.store, stages, tmp / "tone-base", args.as_build)
    load.append(os.getloadavg()[0])
    mine = run(REPO, args.store, stages + (["sources"] if "sources" in stages else []), tmp / "tone-this",
               args.as_build)
    load.append(os.getloadavg()[0])
    rows = []
    for (stage, cpu_b, wall_b), (_, cpu_m, wall_m) in zip(base, mine):
        rows.append({"stage": stage, "baseline CPU s": cpu_b, "this checkout CPU s": cpu_m,
                     "CPU ratio": f"{cpu_m / cpu_b:.2f}" if cpu_b else "", "baseline wall s": wall_b,
                     "this checkout wall s": wall_m})
    if len(mine) > len(base):
        stage, cpu_m, wall_m = mine[-1]
        rows.append({"stage": f"{stage}, again (tone cache filled by the run above)", "baseline CPU s": "",
                     "this checkout CPU s": cpu_m, "CPU ratio": f"{cpu_m / base[stages.index(stage)][1]:.2f}",
                     "baseline wall s": "", "this checkout wall s": wall_m})
    arts = json.load(open(Path(args.store) / "meta.json")).get("articles")
    md = (f"## CPU of the corpus analyses, this checkout against a baseline{' (' + args.label + ')' if args.label else ''}\n\n"
          f"`python benchmarks/stage_cpu.py STORE --baseline DIR --stages \"{','.join(stages)}\"{' --as-build' if args.as_build else ''}` ({machine()}; "
          f"the core tables of a store of {arts} articles; each checkout's stages in one fresh process, "
          f"{'each stage in a forked child alone, as a large build runs it; ' if args.as_build else ''}the baseline first; CPU = the process and the workers it waited for; load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start / between / end: wall times "
          f"are those of a shared machine, compare the CPU)\n\n" + table(rows) + "\n")
    write_section(f"stage-cpu{'-' + args.label if args.label else ''}", md)
    print(md)


if __name__ == "__main__":
    main()
