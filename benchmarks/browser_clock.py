"""The dashboard as a person meets it, timed in headless Chromium (issue 20).

    python benchmarks/browser_clock.py CORPUS --store DIR [--port 8600] [--before REF]
                                       [--rounds 2] [--sessions 10] [--load-actions 6] [--no-doc]

For this checkout (and, with --before REF, for REF's tree unpacked by `git archive` into a
temporary folder, its runs interleaved with this checkout's so both meet the same machine
load), each round:

  start      server process start to the first page done (below), and the same for a
             one-line Streamlit app (st.write) on the same machine, for comparison;
  new session  each page opened by its link in a new browser context (a shared URL);
  navigation   a click on each page in the sidebar navigation;
  sidebar      the "unknown date" checkbox (off, on), an outlet chosen in the outlet
               filter, "Clear all filters";
  cross-filter a click on a bar of the Overview's outlet, entity and topic charts and of
               the Entities page's first chart (each followed by "Clear all filters", not timed);
  open a section  where a chart is drawn when its section is opened, the click that opens
               it (before its cross-filter click; counted in "any click").

"Done" is measured in the page's own clock: a click counts from the moment before it to the
first animation frame at which Streamlit's run that it caused is over (the server's
script_finished message for it read from the websocket, not one cut short for a rerun, two
frames drawn since and the app's script state notRunning), no element is stale and every
plotly chart of the page has drawn its SVG. (The app's script state alone is not enough: a
short run, a section opened by a fragment, can come and go within one React render, and its
'running' never reaches the page; that was counted as a lost click before.) A page opened by a link counts from the
navigation to the same state with the page's title and "n of N articles" shown.
Then --sessions concurrent sessions run benchmarks/load_test.py (--load-actions each) against
each server. The server runs with NEWS_TIMINGS=1: its script seconds per run are reported
beside the browser's, so a click's time splits into server run and the rest (websocket,
drawing). Results: stdout, and docs/benchmarks.md (section 'browser').
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from benchmarks._doc import machine, table, write_section  # noqa: E402
from benchmarks.load_test import CHROMIUM, CHROMIUM_ARGS, linked_data_dir  # noqa: E402

PAGES = [("", "Overview"), ("entities", "Entities"), ("topics", "Topics"), ("sources", "Sources"),
         ("places", "Places"), ("stories", "Stories"), ("articles", "Articles")]
RUNS_JS = """(() => { const w = window.__ws = {sent: [], fin: [], frame: 0};
  const tick = () => { w.frame++; requestAnimationFrame(tick); }; requestAnimationFrame(tick);
  const finished = (buf) => { const b = new Uint8Array(buf); let i = 0;   // ForwardMsg.script_finished (field 6), or -1
    const varint = () => { let v = 0, k = 1, x; do { x = b[i++]; v += (x & 127) * k; k *= 128; } while ((x & 128) && i < b.length); return v; };
    while (i < b.length) { const tag = varint(), f = Math.floor(tag / 8), t = tag % 8;
      if (f === 6 && t === 0) return varint();
      if (t === 0) varint(); else if (t === 2) { const n = varint(); i += n; } else if (t === 1) i += 8; else if (t === 5) i += 4; else return -1; }
    return -1; };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS { constructor(...a) { super(...a);
    this.addEventListener('message', e => { if (e.data instanceof ArrayBuffer) { const s = finished(e.data);
      if (s >= 0) w.fin.push([performance.now(), s, w.frame]); } });
    const send = this.send.bind(this); this.send = d => { w.sent.push(performance.now()); return send(d); }; } }; })();"""
DRAWN_JS = """() => !document.querySelector('[data-testid=stStatusWidget]') && !document.querySelector('[data-stale=true]')
  && !document.querySelector('[data-testid=stSkeleton]')
  && [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].every(p => p.querySelector('.main-svg') && p.style.visibility !== 'hidden')"""
SETTLED_JS = """([t0, filtered]) => { const app = document.querySelector('[data-testid=stApp]'); const w = window.__ws;
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const header = document.querySelector('[data-testid=stMain] .n-of-N');
  if (filtered !== null && (!header || header.innerText.includes('no filter') === filtered)) return false;
  const sent = w.sent.find(t => t >= t0);   // the click's message to the server
  const fin = w.fin.filter(f => sent !== undefined && f[0] >= sent).pop();   // the last run it caused, ended:
  if (!fin || fin[1] === 2 || w.frame < fin[2] + 2) return false;   // not one cut short for a rerun; drawn since
  return (%s)() ? performance.now() : false; }""" % DRAWN_JS
OPENED_JS = """(title) => { const app = document.querySelector('[data-testid=stApp]');
  const h1 = document.querySelector('[data-testid=stMain] h1');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning' && !!h1 && h1.innerText.trim() === title
    && !!document.querySelector('.n-of-N') && (%s)(); }""" % DRAWN_JS
TIMEOUT = 120_000


def serve(root: Path, script: str, port: int, env: dict, log: Path, args=()) -> tuple[subprocess.Popen, float]:
    """Start `streamlit run script` in root; (process, its start time)."""
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address",
           "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env={**os.environ, **env}, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    return proc, t0


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_up(url: str, proc, page, t0: float, ready_js: str, arg=None) -> float:
    """Seconds from t0 (the server's start) to the page ready: polls the server, then the page."""
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.perf_counter() - t0 > 120:
                raise SystemExit(f"{url} did not start")
            time.sleep(0.05)
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_function(ready_js, arg=arg, timeout=TIMEOUT, polling="raf")
    return time.perf_counter() - t0


def clicked(page, action, filtered: bool | None = None) -> float:
    """Seconds (page clock) from just before action() to the end of the run it caused, drawn;
    with `filtered`, also until the page's header says it is filtered (True) or not (False):
    a click in a section drawn when opened runs that section, then the whole page. NaN (an
    error in the summary) when that never came within 60 s, or the thing to click within 30 s:
    the page is reloaded."""
    t0 = page.evaluate("() => performance.now()")
    try:
        action()   # a chart or a section that never came (30 s) is a failed click too
        t1 = page.wait_for_function(SETTLED_JS, arg=[t0, filtered], timeout=60_000, polling="raf").json_value()
    except Exception:   # noqa: BLE001 - a lost click or a run that never ended: counted, not fatal
        page.reload()
        page.wait_for_function("() => !!document.querySelector('.n-of-N')", timeout=TIMEOUT)
        return float("nan")
    return (t1 - t0) / 1000


def clear(page) -> None:
    clicked(page, lambda: page.locator("[data-testid=stSidebar] button", has_text="Clear all filters").click(), False)


def bar_click(page, key: str):
    """A click on the first bar (point) of the chart with this key (Chart.key)."""
    return lambda: page.locator(f"[data-testid=stMain] .st-key-chart_{key} .js-plotly-plot").first.locator(
        "g.point path, g.points path").first.click(force=True)


def open_section(page, key: str, where: str) -> list[dict]:
    """Open the section holding chart `key` when it is drawn on opening (none: it is drawn at once)."""
    box = page.locator(f"[data-testid=stMain] .st-key-open_{key} summary")
    if not box.count():
        return []
    return [{"kind": "open a section", "what": f"{where} {key}", "s": clicked(page, box.first.click)}]


def new_context(browser):
    """A browser context (a new session per page) whose pages count the app's runs (RUNS_JS)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(RUNS_JS)
    return ctx


def one_round(browser, url: str, proc, t0: float, outlet: str) -> list[dict]:
    rows = []
    ctx = new_context(browser)
    page = ctx.new_page()
    rows.append({"kind": "first page", "what": "Overview", "s": wait_up(url, proc, page, t0, OPENED_JS, "Overview")})
    ctx.close()
    for slug, title in PAGES:   # a shared link: a new session per page
        ctx = new_context(browser)
        page = ctx.new_page()
        t = time.perf_counter()
        page.goto(f"{url}/{slug}", timeout=TIMEOUT)
        page.wait_for_function(OPENED_JS, arg=title, timeout=TIMEOUT, polling="raf")
        rows.append({"kind": "new session", "what": title, "s": time.perf_counter() - t})
        ctx.close()
    page = new_context(browser).new_page()
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_function(OPENED_JS, arg="Overview", timeout=TIMEOUT, polling="raf")
    for slug, title in PAGES[1:] + PAGES[:1]:
        link = page.locator("[data-testid=stSidebarNav] a", has_text=title).first
        rows.append({"kind": "navigation", "what": title, "s": clicked(page, link.click)})
    box = page.locator("[data-testid=stSidebar] [data-testid=stCheckbox] label").first
    rows.append({"kind": "sidebar filter", "what": "unknown date off", "s": clicked(page, box.click, True)})
    rows.append({"kind": "sidebar filter", "what": "unknown date on", "s": clicked(page, box.click, False)})
    page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first.click()
    page.keyboard.type(outlet)
    rows.append({"kind": "sidebar filter", "what": "an outlet", "s": clicked(page, lambda: page.keyboard.press("Enter"), True)})
    page.keyboard.press("Escape")
    rows.append({"kind": "sidebar filter", "what": "clear all", "s": clicked(
        page, lambda: page.locator("[data-testid=stSidebar] button", has_text="Clear all filters").click(), False)})
    for key, what in [("articles_per_outlet", "outlet bar"), ("top_entities", "entity bar"), ("topics", "topic bar")]:
        rows += open_section(page, key, "Overview")
        rows.append({"kind": "cross-filter", "what": f"Overview {what}", "s": clicked(page, bar_click(page, key), True)})
        clear(page)
    clicked(page, page.locator("[data-testid=stSidebarNav] a", has_text="Entities").first.click)
    rows.append({"kind": "cross-filter", "what": "Entities first chart", "s": clicked(page, bar_click(page, "top_entities"), True)})
    clear(page)
    errors = page.locator("[data-testid=stException]").count()
    page.context.close()
    if errors:
        rows.append({"kind": "error", "what": f"{errors} exception box(es)", "s": float("nan")})
    return rows


def one_line_start(browser, port: int, log: Path) -> float:
    app = Path(tempfile.mkdtemp(prefix="h20-oneline-")) / "app.py"
    app.write_text('import streamlit as st\nst.write("hello")\n')
    proc, t0 = serve(app.parent, "app.py", port, {}, log)
    try:
        page = browser.new_page()
        s = wait_up(f"http://127.0.0.1:{port}", proc, page, t0,
                    "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
                    " === 'notRunning' && !!document.querySelector('[data-testid=stMarkdown]')")
        page.close()
        return s
    finally:
        stop(proc)


def server_runs(log: Path) -> list[float]:
    """Script seconds per run from the server's NEWS_TIMINGS lines (frame + page)."""
    runs = re.findall(r"timing .*?: frame ([\d.]+) s, page ([\d.]+) s", log.read_text(errors="replace"))
    return [float(a) + float(b) for a, b in runs]


def load(url: str, pid: int, corpus: list[str], store: str, sessions: int, actions: int, out: Path) -> dict:
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "load_test.py"), *corpus, "--store", store,
                    "--url", url, "--pid", str(pid), "--sessions", str(sessions), "--actions", str(actions),
                    "--no-doc", "--json", str(out)], cwd=REPO, stdout=subprocess.DEVNULL)   # exit 1: some errors
    return json.loads(out.read_text()) if out.exists() else {}


def pct(xs: list[float], q: float) -> float:
    xs = sorted(x for x in xs if x == x)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def unpack(ref: str) -> Path:
    """REF's tree in a temporary folder (git archive: no worktree, no change to the repository)."""
    root = Path(tempfile.mkdtemp(prefix="h20-before-"))
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="+")
    ap.add_argument("--store", required=True, help="the corpus's built store (opened as it is, never written)")
    ap.add_argument("--port", type=int, default=8600)
    ap.add_argument("--before", help="a git ref to time in the same run (interleaved)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--sessions", type=int, default=10, help="concurrent sessions of the load test (0: none)")
    ap.add_argument("--load-actions", type=int, default=6)
    ap.add_argument("--outlet", default="CNN", help="an outlet the sidebar filter chooses")
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--section", default="browser", help="the docs/benchmarks.md section written")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    data = linked_data_dir(args.corpus, Path(args.store))
    env = {"NEWS_DATA": str(data), "NEWS_TIMINGS": "1"}
    targets = {"after": REPO}
    if args.before:
        targets = {"before": unpack(args.before), **targets}
    tmp = Path(tempfile.mkdtemp(prefix="h20-clock-"))
    rows = {name: [] for name in targets}
    runs = {name: [] for name in targets}
    loads = {name: [] for name in targets}
    one_line, loads_seen = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for r in range(args.rounds):
                one_line.append(one_line_start(browser, args.port, tmp / "oneline.log"))
                order = list(targets) if r % 2 == 0 else list(reversed(targets))
                for name in order:
                    log = tmp / f"{name}-{r}.log"
                    proc, t0 = serve(targets[name], "dashboard.py", args.port, env, log, ["--", *args.corpus])
                    try:
                        loads_seen.append(os.getloadavg()[0])
                        got = one_round(browser, f"http://127.0.0.1:{args.port}", proc, t0, args.outlet)
                        if args.sessions and r == args.rounds - 1:
                            loads[name] = load(f"http://127.0.0.1:{args.port}", proc.pid, args.corpus, args.store,
                                               args.sessions, args.load_actions, tmp / f"load-{name}.json")
                    finally:
                        stop(proc)
                    runs[name] += server_runs(log)
                    rows[name] += [{**row, "round": r} for row in got]
                    print(name, r, [(x["what"], round(x["s"], 2)) for x in got], flush=True)
                    (tmp / "rows.json").write_text(json.dumps({"rows": rows, "runs": runs, "loads": loads}))
            browser.close()
    finally:
        shutil.rmtree(data, ignore_errors=True)
    report(args, rows, runs, loads, one_line, loads_seen)


def summary(rows: list[dict], runs: list[float], load_res) -> dict:
    by = lambda kind: [x["s"] for x in rows if x["kind"] == kind]  # noqa: E731
    clicks = by("navigation") + by("sidebar filter") + by("cross-filter") + by("open a section")
    out = {"first page s": round(statistics.median(by("first page")), 2)}
    for kind in ("new session", "navigation", "sidebar filter", "cross-filter", "open a section"):
        out[f"{kind} p50 / p95 s"] = f"{pct(by(kind), .5):.2f} / {pct(by(kind), .95):.2f}"
    out["any click p95 s"] = round(pct(clicks, .95), 2)
    out["server run p50 / p95 s"] = f"{pct(runs, .5):.2f} / {pct(runs, .95):.2f}"
    if load_res:
        acts = [x["seconds"] for x in load_res.get("results", []) if x.get("kind") != "open"]
        out["concurrent p95 s"] = f"{pct(acts, .95):.2f} ({len(load_res.get('errors', []))} errors)"
    out["errors"] = sum(1 for x in rows if x["kind"] == "error" or x["s"] != x["s"])
    return out


def report(args, rows, runs, loads, one_line, loads_seen) -> None:
    sums = {name: summary(rows[name], runs[name], loads[name]) for name in rows}
    lines = [{"": k, **{name: sums[name].get(k, "") for name in sums}} for k in sums["after"]]
    base = statistics.median(one_line)
    md = (f"## In the browser ({args.section}): clicks, links, start ({len(args.corpus)} corpus path(s): "
          f"{', '.join(Path(p).name for p in args.corpus)})\n\n"
          f"`python benchmarks/browser_clock.py {' '.join(Path(p).name for p in args.corpus)} --store ... --rounds "
          f"{args.rounds} --sessions {args.sessions}{' --before ' + args.before if args.before else ''}` ({machine()}; "
          f"load average at each server start {', '.join(f'{x:.1f}' for x in loads_seen)}: the machine is shared)\n\n"
          f"A one-line Streamlit app's first page: {base:.2f} s (median of {len(one_line)}). "
          "Clicks timed in the page's clock to the end of the run they cause, charts drawn; "
          f"concurrent: {args.sessions} sessions of load_test.py, {args.load_actions} actions each. "
          f"Server run: the script's seconds per run (NEWS_TIMINGS), the rest of a click is the websocket and "
          f"the browser drawing. The issue's targets are stated at 37k articles: this is the corpus above only.\n\n"
          + table(lines) + "\n\nEvery timing:\n\n"
          + table([{"checkout": n, "round": x["round"], "kind": x["kind"], "what": x["what"], "s": round(x["s"], 2)}
                   for n in rows for x in rows[n]]) + "\n")
    print(md)
    if not args.no_doc:
        write_section(args.section, md)


if __name__ == "__main__":
    main()
