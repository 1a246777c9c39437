"""Run a command and report its wall time and the peak memory of its whole process tree.

    python benchmarks/measure.py [--log FILE] -- COMMAND...
Prints one JSON line: {"seconds", "peak_mb", "peak_rss_mb", "returncode", "command"}:
peak_mb is the peak of the tree's summed PSS (what it really holds in memory; the figure
the benchmarks report), peak_rss_mb the peak of its summed RSS (counts the pages forked
workers share with their parent once per process).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import psutil


def _pss(p: psutil.Process) -> int:
    """Proportional set size (shared pages split between the processes that share them):
    summed over a process tree it is the memory the tree really uses. RSS double-counts the
    pages that forked workers share with their parent. Falls back to RSS where PSS is unknown."""
    try:
        with open(f"/proc/{p.pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return p.memory_info().rss


def tree_rss(proc: psutil.Process, *, pss: bool = True) -> int:
    """Memory of a process and its children: the sum of their PSS (or of their RSS)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += _pss(p) if pss else p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], *, log=None, interval: float = 0.25, timeline=None) -> dict:
    """timeline: a file that gets "seconds PSS-MB" for every sample (where the peak falls)."""
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
    proc, peak, peak_rss = psutil.Process(child.pid), 0, 0
    while child.poll() is None:
        try:
            now = tree_rss(proc)
            peak = max(peak, now)
            peak_rss = max(peak_rss, tree_rss(proc, pss=False))
            if timeline is not None:
                timeline.write(f"{time.perf_counter() - t0:.1f} {now / 2**20:.0f}\n")
        except psutil.Error:
            pass
        time.sleep(interval)
    return {"seconds": round(time.perf_counter() - t0, 2), "peak_mb": round(peak / 2**20), "peak_rss_mb": round(peak_rss / 2**20),
            "returncode": child.returncode, "command": " ".join(cmd)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--log", help="file for the command's stdout and stderr")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    with open(args.log, "w") if args.log else open("/dev/null", "w") as log:
        print(json.dumps(measure(cmd, log=log)))


if __name__ == "__main__":
    sys.exit(main())
