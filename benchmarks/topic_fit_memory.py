"""Peak memory and time of one topic level's fit (fit_topics alone), a checkout against another,
on the core tables of a store; the results of the two compared table by table.

  python benchmarks/topic_fit_memory.py STORE --level articles --baseline DIR [--section NAME]
      each checkout (the baseline first, then this one) in a fresh process of its own
      (its .venv, `import analysis` from it): reads the articles, passages and mentions of
      STORE's current generation, then runs fit_topics; reports the resident memory after
      reading the tables, the peak (ru_maxrss) and its excess over the tables, the seconds,
      and whether the topics, assignments, map and selection equal the baseline's.
Run it under `flock /work/coord/heavy.lock` on a shared machine.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._doc import machine, table, write_section  # noqa: E402

CHILD = r"""
import json, os, pickle, resource, sys, time
sys.path.insert(0, os.getcwd())
import pandas as pd
store, level, out = sys.argv[1:4]
gen = os.path.join(store, json.load(open(os.path.join(store, "meta.json")))["generation"])
tables = {n: pd.read_parquet(os.path.join(gen, n + ".parquet")) for n in ("articles", "passages", "mentions")}
from analysis.topics.fit import fit_topics
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
base = rss()
t = time.perf_counter()
res = fit_topics(tables["articles"], tables["passages"], tables["mentions"], level=level)
secs = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
res.pop("model", None)
pickle.dump(res, open(out, "wb"))
print("RESULT " + json.dumps({"tables_mb": round(base), "peak_mb": round(peak), "seconds": round(secs, 1),
                              "units": res["info"]["units"], "k": res["info"]["k"]}))
"""


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.split("load average:")[-1].strip()


def run_one(checkout: Path, store: str, level: str, out: Path) -> dict:
    proc = subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-c", CHILD, store, level, str(out)],
                          cwd=checkout, capture_output=True, text=True)
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode or not line:
        raise SystemExit(f"{checkout} failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[-1][len("RESULT "):])


def same(a: Path, b: Path) -> bool:
    import pickle

    import pandas as pd

    x, y = pickle.loads(a.read_bytes()), pickle.loads(b.read_bytes())
    try:
        for key in ("topics", "assignments", "coords", "selection"):
            pd.testing.assert_frame_equal(x[key], y[key])
    except AssertionError:
        return False
    return x["info"] == y["info"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("store")
    p.add_argument("--level", default="articles", choices=["articles", "passages"])
    p.add_argument("--baseline", required=True)
    p.add_argument("--section", default="")
    p.add_argument("--note", default="")
    args = p.parse_args()
    here = Path(__file__).resolve().parent.parent
    loads, rows = [_uptime()], []
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for name, checkout in (("baseline", Path(args.baseline).resolve()), ("this checkout", here)):
            out = Path(tmp) / f"{len(outs)}.pkl"
            r = run_one(checkout, args.store, args.level, out)
            loads.append(_uptime())
            outs.append(out)
            rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True,
                                 text=True).stdout.strip()
            rows.append({"run": f"{name} ({rev})", "units": f"{r['units']:,}", "topics": r["k"],
                         "tables MB": f"{r['tables_mb']:,}", "peak RSS MB": f"{r['peak_mb']:,}",
                         "peak above the tables MB": f"{r['peak_mb'] - r['tables_mb']:,}", "fit s": r["seconds"]})
            print(json.dumps(rows[-1]), flush=True)
        equal = same(outs[0], outs[1])
    name = args.section or f"topic-fit-memory-{args.level}"
    md = (f"## Topic fit memory: {name}\n\n`python benchmarks/topic_fit_memory.py {args.store} --level {args.level} "
          f"--baseline DIR` ({machine()}; fit_topics alone on the store's core tables, each checkout in a fresh "
          f"process; load average {' / '.join(loads)} at the start / between / end)\n\n" + table(rows)
          + f"\n\nResults equal (topics, assignments, map, selection, info): {'yes' if equal else 'NO'}."
          + (f" {args.note}" if args.note else "") + "\n")
    write_section(name, md)
    print(md)


if __name__ == "__main__":
    main()
