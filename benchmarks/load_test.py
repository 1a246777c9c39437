"""Load test: N concurrent browser sessions filtering a corpus on the dashboard.

    python benchmarks/load_test.py CORPUS... [--sessions 10] [--actions 12] [--seconds 600]
                                   [--think S] [--links] [--store DIR] [--url URL --pid PID] [--no-doc]

Starts the dashboard on 127.0.0.1 (a free port) for CORPUS, unless --url points at one
already running (then --pid names its process for the memory figure). One headless
Chromium (Playwright, async API) with one context per session; each session opens the
dashboard, then does a bounded, seeded sequence of clicks in its page, as a person does:

  outlet   one of the 15 biggest outlets chosen in the sidebar's outlet filter
  dates    a random month of the corpus typed into the sidebar's date range
  page     a click on another page in the sidebar navigation
  clear    "Clear all filters" (only after a filter)

and times each in the page's clock, from the click (or the key that sends it) to the end of
the run it caused, read from the websocket, with every chart drawn (browser_clock.py's
SETTLED_JS). --think S: a session waits S seconds on average (0.5x-1.5x, seeded) between two
actions, as a person reading the page; 0 (the default) clicks again at once. --links: the old
measure, the filters as URLs opened in the tab (goto <page>?outlet=X&dates=A&dates=B: each a
new Streamlit session, as a shared link), timed to the page's header drawn. An error is an
exception box on the page, a JavaScript error, or a timeout (60 s).
The server's peak RSS (its whole process tree) is sampled every 0.5 s.

--store DIR opens an existing built store of CORPUS without writing to it: the run uses a
temporary data folder whose store entry is a symlink to DIR, after checking that DIR is
sound and up to date for CORPUS (same inputs signature), so the dashboard never rebuilds
it. Without --store the corpus is analysed on first open into $NEWS_DATA (default: a
folder under /tmp), which can take minutes; that warm-up is timed and reported apart.

Results: a table on stdout and in docs/benchmarks.md (section 'load'), and JSON with
--json FILE.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from benchmarks._doc import machine, table, write_section  # noqa: E402

CHROMIUM = os.environ.get("NEWS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
DONE_JS = ("() => { const app = document.querySelector('[data-testid=stApp]');"
           " return !!app && app.getAttribute('data-test-script-state') === 'notRunning'"
           " && !document.querySelector('[data-testid=stStatusWidget]')"
           " && !!document.querySelector('.n-of-N'); }")
PAGE_JS = ("(name) => { const app = document.querySelector('[data-testid=stApp]');"
           " const h1 = document.querySelector('[data-testid=stMain] h1');"
           " return !!app && app.getAttribute('data-test-script-state') === 'notRunning'"
           " && !!h1 && h1.innerText.trim() === name && !!document.querySelector('.n-of-N'); }")
TIMEOUT_MS = 60_000


# -- the server -------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(corpus: list[str], env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--", *corpus]
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **env}, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the dashboard did not start (see {log})")


class PeakRSS(threading.Thread):
    """Samples the memory of a process and its children (summed PSS: benchmarks.measure)."""

    def __init__(self, pid: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.proc, self.interval, self.peak, self.stopped = psutil.Process(pid), interval, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            from benchmarks.measure import tree_rss

            try:
                self.peak = max(self.peak, tree_rss(self.proc))
            except psutil.Error:
                pass
            time.sleep(self.interval)


def linked_data_dir(corpus: list[str], store: Path) -> Path:
    """A temporary NEWS_DATA whose store for CORPUS is a symlink to an existing store, after
    checking that the dashboard will open it as it is (sound, same inputs): never rebuilt."""
    from analysis.build.signature import inputs_signature
    from analysis.build.store import Store

    s = Store(store)
    problems = s.problems()
    if problems:
        raise SystemExit(f"{store} cannot be opened as it is: {problems[0]}")
    if s.meta().get("signature") != inputs_signature(corpus):
        raise SystemExit(f"{store} is not up to date for {' '.join(corpus)} (different inputs signature; pass "
                         "the corpus path exactly as it was built, relative to the repository)")
    data = Path(tempfile.mkdtemp(prefix="news-load-"))
    old = os.environ.get("NEWS_DATA")
    os.environ["NEWS_DATA"] = str(data)
    try:
        from analysis import config

        target = config.default_store(corpus)
    finally:
        if old is None:
            os.environ.pop("NEWS_DATA")
        else:
            os.environ["NEWS_DATA"] = old
    target.parent.mkdir(parents=True)
    target.symlink_to(Path(store).resolve(), target_is_directory=True)
    return data


def corpus_facts(store_dir: Path) -> tuple[list[str], list[str], int]:
    """The 15 biggest outlets, the months with articles, and the article count."""
    from analysis.build.store import Store

    arts = Store(store_dir).read("articles", columns=["source", "published"])
    outlets = arts["source"].dropna().value_counts().head(15).index.tolist()
    months = sorted({p[:7] for p in arts["published"].dropna() if isinstance(p, str) and len(p) >= 7})
    return outlets, months, len(arts)


# -- the sessions -----------------------------------------------------------------------

def plan(rng: random.Random, n: int, outlets: list[str], months: list[str], pages: list[tuple[str, str]],
         links: bool = False):
    """A session's actions: (kind, page slug, page title, value). Clicks in the open page (the
    default): "outlet" chooses an outlet in the sidebar's outlet filter, "dates" types a month
    into the sidebar's date range, "page" clicks another page in the navigation, "clear" clicks
    "Clear all filters" (after a filter). links=True: the filters as URLs opened in the same
    tab (each a new Streamlit session, as a shared link), value the query string."""
    import calendar
    from urllib.parse import urlencode

    out, current, filtered, chosen = [], "", False, set()
    for _ in range(n):
        kinds = ["outlet", "dates", "both", "page", "page"] if links else \
            ["outlet", "dates", "page", "page"] + (["clear"] if filtered else [])
        kind = rng.choice(kinds)
        if kind == "page" or not (outlets or months) or (kind == "clear" and not links):
            if kind == "clear":
                out.append(("clear", current, "", ""))
                filtered, chosen = False, set()
                continue
            slug, title = rng.choice([p for p in pages if p[0] != current])  # another page: a real switch
            out.append(("page", slug, title, ""))
            current = slug
            continue
        left = [o for o in outlets if o not in chosen] if not links else outlets   # a click adds one
        outlet = rng.choice(left) if kind in ("outlet", "both") and left else None
        if kind == "outlet" and outlet is None:
            continue
        chosen.add(outlet)
        month = None
        if kind in ("dates", "both") and months:
            y, m = map(int, rng.choice(months).split("-"))
            month = (f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}")
        if not links:
            out.append((kind, current, "", outlet if kind == "outlet" else month))
            filtered = True
            continue
        slug, title = rng.choice(pages)
        query = ([("outlet", outlet)] if outlet else []) + ([("dates", month[0]), ("dates", month[1])] if month else [])
        out.append((kind, slug, title, urlencode(query)))
        current = slug
    return out


async def click_action(page, kind: str, title: str, value) -> float:
    """Does one in-page action and returns its seconds in the page's clock, from the click
    (or key) that sends it to the end of the run it caused, charts drawn (browser_clock's
    SETTLED_JS: the run read from the websocket). Typing before that moment is not timed."""
    from benchmarks.browser_clock import SETTLED_JS   # lazy: browser_clock imports this module

    side = page.locator("[data-testid=stSidebar]")
    if kind == "page":
        go = side.locator("[data-testid=stSidebarNav] a", has_text=title).first.click
    elif kind == "clear":
        go = side.locator("button", has_text="Clear all filters").first.click
    elif kind == "outlet":
        await side.locator("[data-testid=stMultiSelect] input").first.fill(value)   # the list narrowed
        go = page.get_by_role("option", name=value, exact=True).first.click   # then its option clicked
    else:   # dates: the month typed into the range's segments; it is sent when the field loses focus
        box = side.locator("[data-testid=stDateInput]").first
        await box.locator("[data-range-field=start] [data-type=year]").click(force=True)
        await page.keyboard.type(value[0].replace("-", ""))
        await box.locator("[data-range-field=end] [data-type=year]").click(force=True)
        await page.keyboard.type(value[1].replace("-", ""))

        async def go():   # the calendar closed, then the focus out of the field: the range is sent
            await page.keyboard.press("Escape")
            await page.keyboard.press("Tab")
    t0 = await page.evaluate("() => performance.now()")
    await go()
    filtered = {"page": None, "clear": False}.get(kind, True)
    done = await page.wait_for_function(SETTLED_JS, arg=[t0, filtered], timeout=TIMEOUT_MS, polling="raf")
    if kind == "outlet":
        await page.keyboard.press("Escape")   # the open list of options
    return (await done.json_value() - t0) / 1000


def describe(exc: Exception) -> str:
    """The first line of an error and, for a Playwright timeout, the last step it was at."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    last = next((ln for ln in reversed(lines) if ln.startswith("-")), "")
    return (lines[0][:160] if lines else "") + (f" (last step: {last[1:].strip()[:160]})" if last else "")


async def session(i: int, browser, url: str, actions, results: list, errors: list, deadline: float,
                  open_timeout: float = TIMEOUT_MS, think: float = 0.0, seed: int = 0,
                  links: bool = False) -> None:
    from benchmarks.browser_clock import RUNS_JS   # lazy: browser_clock imports this module

    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await ctx.add_init_script(RUNS_JS)
    page = await ctx.new_page()
    js_errors = []
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    pause = random.Random(seed + 1000 * i)
    try:
        t0 = time.perf_counter()
        await page.goto(url, timeout=open_timeout)
        await page.wait_for_function(DONE_JS, timeout=open_timeout, polling=50)
        results.append({"session": i, "kind": "open", "seconds": time.perf_counter() - t0})
        for kind, slug, title, value in actions:
            if time.time() > deadline:
                break
            if think:   # a person reads the page before the next click: 0.5x to 1.5x the mean
                await asyncio.sleep(think * pause.uniform(0.5, 1.5))
            try:
                if links and kind != "page":   # the filters as a URL: a new session
                    t0 = time.perf_counter()
                    await page.goto(f"{url}/{slug}?{value}", timeout=TIMEOUT_MS)
                    await page.wait_for_function(PAGE_JS, arg=title, timeout=TIMEOUT_MS, polling=50)
                    seconds = time.perf_counter() - t0
                else:
                    seconds = await click_action(page, kind, title, value)
                if await page.locator("[data-testid=stException]").count():
                    text = await page.locator("[data-testid=stException]").first.inner_text()
                    errors.append(f"session {i} {kind} {slug} {value}: exception on the page: {text[:200]}")
                results.append({"session": i, "kind": kind, "seconds": seconds, "page": slug})
            except Exception as exc:  # a timeout or a closed page: an error of this action
                errors.append(f"session {i} {kind} {slug} {value}: {type(exc).__name__}: {describe(exc)}")
        errors.extend(f"session {i}: JavaScript error: {e[:200]}" for e in js_errors)
    except Exception as exc:
        errors.append(f"session {i} open: {type(exc).__name__}: {describe(exc)}")
    finally:
        await ctx.close()


async def run_sessions(url: str, n: int, n_actions: int, seconds: float, outlets, months, seed: int,
                       open_timeout: float = TIMEOUT_MS, think: float = 0.0, links: bool = False):
    from playwright.async_api import async_playwright

    pages = [("", "Overview"), ("entities", "Entities"), ("topics", "Topics"), ("sources", "Sources"),
             ("articles", "Articles")]
    results, errors = [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        deadline = time.time() + seconds
        plans = [plan(random.Random(seed + i), n_actions, outlets, months, pages, links) for i in range(n)]
        t0 = time.perf_counter()
        await asyncio.gather(*(session(i, browser, url, plans[i], results, errors, deadline, open_timeout,
                                       think, seed, links) for i in range(n)))
        wall = time.perf_counter() - t0
        await browser.close()
    return results, errors, wall


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summarise(results: list[dict]) -> list[dict]:
    rows = []
    for kind in ["open", "outlet", "dates", "both", "page", "clear", "all actions"]:
        xs = [r["seconds"] for r in results if (r["kind"] == kind if kind != "all actions" else r["kind"] != "open")]
        if not xs:
            continue
        rows.append({"action": kind, "count": len(xs), "p50 s": f"{statistics.median(xs):.2f}",
                     "p95 s": f"{percentile(xs, 0.95):.2f}", "max s": f"{max(xs):.2f}"})
    return rows


def server_times(log: Path, offset: int) -> list[tuple[str, float]]:
    """(page, seconds) of every script run after ``offset`` ($NEWS_TIMINGS lines of dashboard.py)."""
    import re

    with open(log, "rb") as fh:
        fh.seek(offset)
        text = fh.read().decode("utf-8", "replace")
    return [(m[1], float(m[2]) + float(m[3]))
            for m in re.finditer(r"timing (\w+): frame ([\d.]+) s, page ([\d.]+) s", text)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="+", help="the corpus paths, as given to the dashboard")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--actions", type=int, default=12, help="actions per session (after opening)")
    ap.add_argument("--seconds", type=float, default=600, help="stop starting new actions after this")
    ap.add_argument("--store", help="an existing built store of CORPUS to open (never written)")
    ap.add_argument("--url", help="a dashboard already running for CORPUS (else one is started)")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60, help="seconds before an action counts as an error")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds a person looks at the page before the next click (0: none)")
    ap.add_argument("--links", action="store_true",
                    help="filters as URLs opened in the tab (each a new session), not clicks in the page")
    ap.add_argument("--json", help="also write the raw timings here")
    ap.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = ap.parse_args()
    global TIMEOUT_MS
    TIMEOUT_MS = args.timeout * 1000

    env = {}
    if args.store:
        env["NEWS_DATA"] = str(linked_data_dir(args.corpus, Path(args.store)))
        env["NEWS_NER_CACHE"] = str(Path(env["NEWS_DATA"]) / "cache")  # never needed: the store is up to date
    else:
        env["NEWS_DATA"] = os.environ.get("NEWS_DATA", str(Path(tempfile.gettempdir()) / "news-load-data"))
    os.environ.update(env)
    from analysis import config

    proc, log = None, None
    if args.url:
        url, pid = args.url.rstrip("/"), args.pid
    else:
        log = Path(tempfile.gettempdir()) / "news-load-dashboard.log"
        proc, url = start_server(args.corpus, {**env, "NEWS_TIMINGS": "1"}, log)
        pid = proc.pid
        print(f"dashboard at {url} (log: {log})", file=sys.stderr)
    log_offset, load_before = 0, os.getloadavg()[0]
    rss = PeakRSS(pid) if pid else None
    if rss:
        rss.start()
    try:
        # warm-up: one session opens the corpus (analysing it first when there is no store yet)
        t0 = time.perf_counter()
        _, warm_errors, _ = asyncio.run(run_sessions(url, 1, 0, 7200, [], [], 0, open_timeout=7_200_000))
        if warm_errors:
            raise SystemExit(f"the dashboard did not open: {warm_errors[0]}")
        warm = time.perf_counter() - t0
        outlets, months, n_articles = corpus_facts(config.default_store(args.corpus))
        print(f"warm-up {warm:.1f} s; {n_articles} articles, {len(outlets)} outlets used, {len(months)} months",
              file=sys.stderr)
        log_offset = log.stat().st_size if log else 0
        results, errors, wall = asyncio.run(run_sessions(url, args.sessions, args.actions, args.seconds,
                                                         outlets, months, args.seed, open_timeout=TIMEOUT_MS,
                                                         think=args.think, links=args.links))
    finally:
        if rss:
            rss.stopped.set()
        if proc:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    rows = summarise(results)
    server = server_times(log, log_offset) if log else []
    if server:
        for name in ["all pages", *sorted({p for p, _ in server})]:
            xs = [t for p, t in server if name in ("all pages", p)]
            rows.append({"action": f"server time per run: {name}", "count": len(xs),
                         "p50 s": f"{statistics.median(xs):.2f}", "p95 s": f"{percentile(xs, 0.95):.2f}",
                         "max s": f"{max(xs):.2f}"})
    peak = round(rss.peak / 2**20) if rss else None
    n_done = sum(1 for r in results if r["kind"] != "open")
    head = (f"`python benchmarks/load_test.py {' '.join(args.corpus)} --sessions {args.sessions} --actions "
            f"{args.actions} --timeout {args.timeout:g}{f' --think {args.think:g}' if args.think else ''}"
            f"{' --links' if args.links else ''}{' --store ' + args.store if args.store else ''}` ({machine()}; {n_articles:,} articles; "
            f"server on 127.0.0.1, one headless Chromium with {args.sessions} contexts, all sessions at once)")
    summary = (f"{args.sessions} sessions, {n_done} actions in {wall:.0f} s wall; errors: {len(errors)}; "
               f"server peak memory (process tree, summed PSS): {peak if peak is not None else '?'} MB; warm-up (first open"
               f"{'' if args.store else ', analysis included when the store was missing'}): {warm:.1f} s; "
               f"machine load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
               + (": other work shared the cores" if load_before > 1.5 else ""))
    md = "\n\n".join([f"## Load: {args.sessions} concurrent sessions filtering {Path(args.corpus[0]).name}", head,
                      table(rows) if rows else "(no timings)", summary,
                      ("Time per action: from the action (a URL with filters, or a click on another page) to the "
                       "end of the rerun it causes (script state back to 'notRunning', the page's title and "
                       "header drawn); charts finish drawing in the browser after that. " if args.links else
                       "Time per action: a click in the open page (an outlet chosen in the sidebar's outlet filter, "
                       "a month typed into its date range, another page in the navigation, 'Clear all filters'), "
                       "from the click (or the key that sends it) to the end of the run it caused, read from the "
                       "websocket, with every chart drawn (browser_clock.py's measure). ")
                      + (f"Between two actions a session waits {args.think:g} s on average (0.5x to 1.5x, "
                         "seeded): a person reading the page. " if args.think else
                         "No pause between actions: each session clicks again as soon as its page is drawn. ") +
                      "'open' is a session's "
                      "first page load (a new Streamlit session). 'server time per run' is what the server "
                      "spent in the script ($NEWS_TIMINGS), the rest is queueing, transfer and the browsers "
                      "(all on the same cores)."])
    if errors:
        md += "\n\nErrors (first 10):\n\n" + "\n".join(f"- {e}" for e in errors[:10])
    print(md)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "errors": errors, "wall": wall,
                                               "peak_rss_mb": peak, "warmup": warm}, indent=1))
    if not args.no_doc:
        write_section(f"load-{Path(args.corpus[0]).name.split('.')[0]}", md)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
