"""Reading speed: analysis.build.pipeline.read_articles (files -> the articles table, with
outlets, dates, cleaning and the corpus-wide boilerplate rule) of this checkout, and of an
earlier version in the same run, with a check that both make the same table.

    .venv/bin/python benchmarks/read_speed.py CORPUS [CORPUS ...] [--before REF] [--no-doc]

--before: a git ref of this repository (a snapshot of it is extracted with `git archive`
into a temporary folder) or the path of another checkout. Each (corpus, version) is read
in a process of its own (so that each version's `analysis` package is the one imported),
the version before first. The articles tables must be identical: every column, value by
value (the pickled values compared byte for byte), and the read errors too; a difference
fails the run. Wall and CPU time (the process's and its worker processes') and the load
average are written to the `read-speed` section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def child(corpus: str, root: str, out: str) -> None:
    """Read the corpus with the checkout at root; pickle (articles, errors) to out; print timings."""
    sys.path.insert(0, str(Path(root).resolve()))
    from analysis.build.pipeline import read_articles
    from analysis.ingest.sidefiles import MANIFEST, read_manifest, side_file

    assert Path(sys.modules["analysis"].__file__).resolve().is_relative_to(Path(root).resolve())
    manifest, _ = read_manifest(side_file([corpus], MANIFEST))     # as the build does
    load = os.getloadavg()[0]
    wall, cpu, kids = time.perf_counter(), time.process_time(), os.times()
    articles, errors = read_articles([corpus], manifest=manifest)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    now = os.times()
    workers = (now.children_user - kids.children_user) + (now.children_system - kids.children_system)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024          # MB (Linux: KB)
    peak_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with open(out, "wb") as fh:
        pickle.dump((articles, [(e.file, e.error, e.skipped) for e in errors]), fh, protocol=5)
    print(json.dumps({"articles": len(articles), "wall": wall, "cpu": cpu, "workers_cpu": workers,
                      "load": load, "load_after": os.getloadavg()[0], "peak_mb": peak,
                      "peak_worker_mb": peak_worker}), flush=True)


def differences(a, b) -> list[str]:
    """Where two (articles, errors) differ: nothing for identical tables."""
    (fa, ea), (fb, eb) = a, b
    out = []
    if list(fa.columns) != list(fb.columns) or list(fa.dtypes) != list(fb.dtypes):
        out.append(f"columns {list(fa.columns)} / {list(fb.columns)}")
    if len(fa) != len(fb):
        out.append(f"{len(fa)} articles / {len(fb)}")
    for col in fa.columns.intersection(fb.columns):
        va, vb = fa[col].tolist(), fb[col].tolist()
        bad = [i for i, (x, y) in enumerate(zip(va, vb)) if pickle.dumps(x) != pickle.dumps(y)]
        if bad:
            out.append(f"column {col}: {len(bad)} rows differ (first: row {bad[0]}, id {fa['id'].iloc[bad[0]]})")
    if ea != eb:
        out.append(f"read errors differ: {len(ea)} / {len(eb)}")
    return out


def run(corpus: str, root: str, tmp: Path, name: str) -> tuple[dict, tuple]:
    out = tmp / f"{name}.pkl"
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", corpus, "--root", root,
                           "--out", str(out)], capture_output=True, text=True, cwd=root)
    if proc.returncode:
        raise SystemExit(f"reading {corpus} with {root} failed:\n{proc.stderr[-3000:]}")
    timing = json.loads(proc.stdout.strip().splitlines()[-1])
    with open(out, "rb") as fh:
        result = pickle.load(fh)
    out.unlink()
    return timing, result


def snapshot(ref: str, tmp: Path) -> tuple[str, str]:
    """(folder, label) of --before: a checkout's path, or a git ref extracted into tmp."""
    if Path(ref).is_dir():
        return str(Path(ref).resolve()), Path(ref).name
    dest = tmp / "before"
    dest.mkdir()
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", ref], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    sha = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", ref], capture_output=True,
                         text=True, check=True).stdout.strip()
    return str(dest), sha


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="+")
    ap.add_argument("--before", default="", help="a git ref or a checkout folder of an earlier version")
    ap.add_argument("--no-doc", action="store_true", help="print only, do not write docs/benchmarks.md")
    ap.add_argument("--note", default="", help="a sentence for the docs (which corpus the code was tuned on, ...)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--root", default=str(HERE.parent), help=argparse.SUPPRESS)
    ap.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.corpora[0], args.root, args.out)
    here = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip() or "this checkout"
    rows, failed = [], []
    with tempfile.TemporaryDirectory(prefix="read-speed-") as t:
        tmp = Path(t)
        versions = ([snapshot(args.before, tmp)] if args.before else []) + [(str(HERE.parent), f"{here} (this)")]
        for corpus in args.corpora:
            results = []
            for root, label in versions:
                timing, result = run(corpus, root, tmp, label.split()[0])
                results.append(result)
                cpu = timing["cpu"] + timing["workers_cpu"]
                rows.append({"corpus": Path(corpus).name, "version": label, "articles": f"{timing['articles']:,}",
                             "wall (s)": f"{timing['wall']:.1f}",
                             "articles/s (wall)": f"{timing['articles'] / timing['wall']:,.0f}",
                             "CPU (s): main + workers": f"{timing['cpu']:.1f} + {timing['workers_cpu']:.1f}",
                             "articles per CPU-s": f"{timing['articles'] / cpu:,.0f}",
                             "peak memory (MB): main / a worker": f"{timing['peak_mb']:,.0f} / "
                                                                   f"{timing['peak_worker_mb']:,.0f}",
                             "load before / after": f"{timing['load']:.1f} / {timing['load_after']:.1f}"})
                print(json.dumps(rows[-1]), flush=True)
            diff = differences(results[0], results[-1]) if len(results) > 1 else []
            if diff:
                failed.append(f"{corpus}: " + "; ".join(diff))
            rows[-1]["same table as before"] = rows[-2]["same table as before"] = \
                ("**no**" if diff else "yes") if len(results) > 1 else "-"
            del results
        shutil.rmtree(tmp / "before", ignore_errors=True)
    if failed:
        raise SystemExit("the articles tables differ:\n" + "\n".join(failed))
    if not args.no_doc:
        write_doc(rows, args, here)


def write_doc(rows: list[dict], args, here: str) -> None:
    from benchmarks._doc import machine, table, write_section

    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    cmd = "benchmarks/read_speed.py " + " ".join(Path(c).name for c in args.corpora) + \
        (f" --before {args.before}" if args.before else "")
    write_section("read-speed", "\n".join([
        "## Reading speed (files to the articles table)",
        "",
        f"`{cmd}` on {machine()}, at {here}; `uptime` at the end: {uptime}.",
        "read_articles: reading the files, outlets, dates and titles with their provenance, cleaning,",
        "and the corpus-wide boilerplate rule. Each version in a process of its own, in the same run",
        "(the version before first); CPU is the main process's plus its worker processes'; peak",
        "memory is the resident peak of the reading process (Python, pandas and the table included)",
        "and of its largest worker.",
        "\"same table\": every column of the articles table and the read errors are identical,",
        "value by value (pickled values compared byte for byte), to the version before's.",
        *([args.note] if args.note else []),
        "",
        table(rows),
    ]))


if __name__ == "__main__":
    main()
