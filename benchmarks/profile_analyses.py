"""Where the corpus analyses spend their time, after NER: each analysis stage on the core
tables of a built store, timed alone, with the project functions that take the most
time inside it (cProfile, cumulative seconds).

    python benchmarks/profile_analyses.py STORE [--stages "sources,stories"] [--top 12]

STORE is a store folder written by `python -m analysis build` (its core tables: articles,
passages, mentions, sentences). Writes the section "profile" of docs/benchmarks.md and
prints it. cProfile slows pure-Python code more than numeric code, so the per-function
figures are shares, and the stage totals are measured again without the profiler.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._doc import machine, table, write_section  # noqa: E402

CORE = ("articles", "passages", "mentions", "sentences", "entities")


def core_tables(store: Path) -> dict[str, pd.DataFrame]:
    meta = json.loads((store / "meta.json").read_text())
    return {name: pd.read_parquet(store / meta["generation"] / f"{name}.parquet") for name in CORE}


def run_stage(name: str, tables: dict):
    try:   # the layout after the refactor (analysis/build/stages.py), then the one before it
        from analysis.build.stages import run_stage as run
    except ImportError:
        from analysis.extras import run_stage as run
    return run(name, tables)


def stages() -> tuple[str, ...]:
    try:
        from analysis.build.stages import STAGES
    except ImportError:
        from analysis.extras import STAGES
    return STAGES


def project_functions(stats: pstats.Stats, top: int) -> list[dict]:
    """The project's own functions (analysis/...) by cumulative seconds."""
    rows = []
    for (path, line, fn), (_, ncalls, _, cum, _) in stats.stats.items():
        if "/analysis/" in path:
            rel = path[path.rindex("/analysis/") + 1:]
            rows.append({"function": f"{rel}:{fn}", "calls": ncalls, "cumulative s": round(cum, 2)})
    rows.sort(key=lambda r: -r["cumulative s"])
    return rows[:top]


def library_functions(stats: pstats.Stats, top: int) -> list[dict]:
    """Outside the project (scikit-learn, pandas, vaderSentiment, ...): by own time."""
    rows = []
    for (path, line, fn), (_, ncalls, tottime, _, _) in stats.stats.items():
        if "/analysis/" not in path:
            short = "/".join(Path(path).parts[-2:]) if path != "~" else "builtin"
            rows.append({"function": f"{short}:{fn}", "calls": ncalls, "own s": round(tottime, 2)})
    rows.sort(key=lambda r: -r["own s"])
    return rows[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--stages", default="", help="comma-separated (default: every stage)")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--no-doc", action="store_true", help="print only")
    ap.add_argument("--profiled-only", action="store_true",
                    help="run each stage once, under cProfile (half the time; totals include its overhead)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    tables = core_tables(Path(args.store))
    load_s = time.perf_counter() - t0
    names = [s.strip() for s in args.stages.split(",") if s.strip()] or list(stages())
    n = len(tables["articles"])
    sections, totals = [], []
    for name in names:
        t = time.perf_counter()
        if not args.profiled_only:
            run_stage(name, tables)
        plain = time.perf_counter() - t
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.runcall(run_stage, name, tables)
        profiled = time.perf_counter() - t
        stats = pstats.Stats(prof)
        plain = profiled if args.profiled_only else plain
        totals.append({"stage": name, "s": round(plain, 1), "s under cProfile": round(profiled, 1)})
        sections.append(f"### {name}: {plain:.1f} s\n\nProject functions (cumulative, under cProfile):\n\n"
                        + table(project_functions(stats, args.top))
                        + "\n\nLibrary code (own time, under cProfile):\n\n" + table(library_functions(stats, args.top)))
        print(f"{name}: {plain:.1f} s", file=sys.stderr, flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    totals.append({"stage": "all", "s": round(sum(r["s"] for r in totals), 1),
                   "s under cProfile": round(sum(r["s under cProfile"] for r in totals), 1)})
    md = (f"## Profile of the corpus analyses after NER ({n:,} articles)\n\n"
          f"`python benchmarks/profile_analyses.py STORE` ({machine()}; the core tables of a store built "
          f"from {n:,} articles, read in {load_s:.1f} s; every stage in one process, one after the other, "
          f"the machine shared with other sessions; peak RSS of the process {peak:,.0f} MB)\n\n"
          + table(totals) + "\n\n" + "\n\n".join(sections))
    print(md)
    if not args.no_doc:
        write_section("profile", md)


if __name__ == "__main__":
    main()
