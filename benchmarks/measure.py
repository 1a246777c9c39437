"""Run a command and report its wall time and the peak memory of its whole process tree.

    python benchmarks/measure.py [--log FILE] -- COMMAND...
Prints one JSON line: {"seconds", "peak_rss_mb", "returncode", "command"}.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import psutil


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], *, log=None, interval: float = 0.25) -> dict:
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
    proc, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            peak = max(peak, tree_rss(proc))
        except psutil.Error:
            pass
        time.sleep(interval)
    return {"seconds": round(time.perf_counter() - t0, 2), "peak_rss_mb": round(peak / 2**20),
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
