"""First insight on a new corpus (issue 19, item 3): from `bash run.sh PATH` to the dashboard
showing the corpus's articles in headless Chromium, while NER and the analyses go on.

    python benchmarks/first_insight.py CORPUS [--port 8690] [--until-done] [--ner-cache DIR]
                                       [--section first-insight]

Runs `bash run.sh CORPUS` with a fresh data folder (no store: a new corpus) and, unless
--ner-cache, a fresh empty NER cache (what a new user meets). The clock starts before the
command; "first page" is when the Overview in Chromium shows "N of N articles" (the page is
reloaded until the server answers, as a person would). Then it reads how far the build has
come (the page's own progress lines), and with --until-done waits for the build to end and
reports when each stage landed (progress.json). Writes its section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from benchmarks._doc import machine, table, write_section  # noqa: E402
from analysis.build.store import Store  # noqa: E402
from tests.browser_util import launch_browser, wait_healthy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--port", type=int, default=8690)
    ap.add_argument("--until-done", action="store_true")
    ap.add_argument("--ner-cache", help="an NER cache to use (default: a fresh empty one)")
    ap.add_argument("--section", default="first-insight")
    ap.add_argument("--shot", help="save a screenshot of the first page here (PNG)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="first-insight-"))
    env = {**os.environ, "NEWS_DATA": str(work / "data"), "NEWS_PORT": str(args.port),
           "NEWS_NER_CACHE": args.ner_cache or str(work / "ner")}
    url = f"http://127.0.0.1:{args.port}"
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    proc = subprocess.Popen(["bash", "run.sh", str(Path(args.corpus).resolve())], cwd=REPO, env=env,
                            stdout=open(work / "run.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    rows, lines = [], ""
    try:
        if not wait_healthy(url, proc, 600):
            raise SystemExit(f"the dashboard did not start (run.sh exit {proc.poll()}; see {work / 'run.log'})")
        served = time.monotonic() - t0
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            page.wait_for_function("() => /([0-9,]+) of \\1 articles/.test(document.body.innerText)", timeout=900_000)
            first = time.monotonic() - t0
            page.wait_for_timeout(2500)   # the progress fragment's next tick
            lines = page.locator("[data-testid='stSidebar']").inner_text()
            count = page.locator(".n-of-N").first.inner_text().split(" articles")[0]
            if args.shot:
                page.screenshot(path=args.shot)
            browser.close()
        rows.append({"moment": "dashboard answers (server up)", "s from the command": f"{served:.1f}"})
        rows.append({"moment": f"Overview shows the corpus ({count} articles)", "s from the command": f"{first:.1f}"})
        store = next((work / "data" / "store").iterdir())
        if args.until_done:
            while (store / ".build.lock").exists() and _running(store):
                time.sleep(5)
            done = time.monotonic() - t0
            progress = json.loads((store / "progress.json").read_text())
            for name, stage in progress["stages"].items():
                rows.append({"moment": f"stage done: {name}", "s from the command": f"({stage.get('seconds', '?')} s in the stage)"})
            rows.append({"moment": "build done (every page complete)", "s from the command": f"{done:.1f}"})
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        for store in (work / "data" / "store").glob("*"):
            try:   # the build run.sh started in the background
                pid = json.loads((store / "progress.json").read_text())["pid"]
                os.killpg(os.getpgid(pid), signal.SIGTERM)
            except (OSError, ValueError, KeyError):
                pass
    progress_lines = "\n".join(f"    {line}" for line in lines.splitlines()
                               if "NER" in line or "Analysing" in line or "waiting" in line or "running" in line)
    md = (f"## First insight on a new corpus: `bash run.sh {Path(args.corpus).name}`\n\n"
          f"`python benchmarks/first_insight.py {args.corpus}{' --until-done' if args.until_done else ''}` "
          f"({machine()}; a fresh data folder, {'the NER cache given' if args.ner_cache else 'an empty NER cache'}; "
          f"load average {load:.1f} at the start; headless Chromium)\n\n{table(rows)}\n\n"
          f"The sidebar at that moment:\n\n{progress_lines}\n")
    print(md)
    write_section(args.section, md)


def _running(store: Path) -> bool:
    return Store(store).build_running()


if __name__ == "__main__":
    main()
