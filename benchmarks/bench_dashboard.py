"""Dashboard response times on a built corpus (the performance issue, item 4).

    python benchmarks/bench_dashboard.py CORPUS_PATH [--changes 20] [--seed 0] [--no-browser]

1. Opening: the time to load the store into the dashboard's Corpus (what the first page
   waits for once the store exists), and the server's resident memory after it.
2. Filter changes: for each page, the server-side recompute of its charts (the filter
   applied, every table and plotly figure built: what a rerun does besides sending them)
   for CHANGES random filter states (an outlet, a month range, an entity, a topic,
   combinations), each timed; the 50th and 95th percentiles per page.
3. In the browser (unless --no-browser): `streamlit run dashboard.py -- CORPUS_PATH` started
   on a free port with the store already built; the seconds from the server process start
   to the first page showing "n of N articles" in headless Chromium, and the server's peak
   memory (process tree) over the whole run.
The store must exist (python -m analysis build CORPUS_PATH). Results: docs/benchmarks.md
("dashboard" section) and stdout.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._doc import machine, table, write_section  # noqa: E402


def random_filters(corpus, rng: random.Random, n: int):
    """n filter states a user might set: outlets, a date range, an entity, a topic, text."""
    from analysis.views.filters import Filters

    arts = corpus.articles
    outlets = arts["outlet"].value_counts().index[:30].tolist()
    months = sorted(arts["month"].dropna().unique().tolist())
    ents = corpus.entities.sort_values("mentions", ascending=False)["name"].head(200).tolist()
    topics = sorted(corpus.article_topics["topic"].unique().tolist()) if corpus.article_topics is not None else []
    out = []
    for i in range(n):
        kind = i % 5
        f = Filters()
        if kind in (0, 4) and outlets:
            f = f.with_(outlets=tuple(rng.sample(outlets, k=min(len(outlets), rng.randint(1, 3)))))
        if kind in (1, 4) and months:
            a = rng.randrange(len(months))
            b = min(len(months) - 1, a + rng.randint(0, 6))
            start = dt.date.fromisoformat(months[a] + "-01")
            end = (dt.date.fromisoformat(months[b] + "-01") + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
            f = f.with_(start=start, end=end)
        if kind == 2 and ents:
            f = f.with_(entities=(rng.choice(ents[:50]),))
        if kind == 3 and topics:
            f = f.with_(topics=(rng.choice(topics),))
        out.append(f)
    return out


def page_functions(corpus):
    """page name -> function(view) that builds that page's charts, as the page does."""
    from analysis.views.sources import sources_charts
    from analysis.views.topics import topics_charts
    from analysis.views.entities import entities_charts, entity_cluster_charts
    from analysis.views.overview import overview_charts

    pages = {"overview": overview_charts,
             "entities": lambda v: entities_charts(v) + entity_cluster_charts(v),
             "topics": topics_charts,
             "sources": sources_charts}
    from analysis.views.places import places_charts

    if corpus.places is not None:
        pages["places"] = places_charts
    try:
        from analysis.views.stories import stories_charts

        if corpus.table("stories") is not None:
            pages["stories"] = stories_charts
    except ImportError:
        pass
    return pages


def in_process(paths: list[str], changes: int, seed: int, store_dir: str | None = None) -> tuple[list[dict], dict]:
    from analysis.views.corpus import Corpus
    from analysis.views.charts import View
    from analysis.build.pipeline import ensure_built
    from analysis import config

    if store_dir:   # an existing store as it is (never rebuilt, even when its inputs changed)
        from analysis.build.store import Store

        store = Store(store_dir)
        if store.problems():
            raise SystemExit(f"{store_dir}: {store.problems()[0]}")
    else:
        store, _ = ensure_built(paths, store_dir=config.default_store(paths))
    proc = psutil.Process()
    t = time.perf_counter()
    corpus = Corpus(store, paths)
    opened = time.perf_counter() - t
    pages = page_functions(corpus)
    states = random_filters(corpus, random.Random(seed), changes)
    rows = []
    for name, build in pages.items():
        build(View(corpus))   # the page's first run (caches warm, as in a running server)
        times, empty = [], 0
        for f in states:
            t = time.perf_counter()
            v = View(corpus, f)
            if not v.ids:
                empty += 1
            else:
                build(v)
            times.append(time.perf_counter() - t)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        rows.append({"page": name, "filter changes": len(times), "empty selections": empty,
                     "p50 ms": round(1000 * statistics.median(times)), "p95 ms": round(1000 * p95),
                     "max ms": round(1000 * times[-1]), "target p95 < 300 ms": "yes" if p95 < 0.3 else "no"})
        print(rows[-1], flush=True)
    info = {"articles": len(corpus.articles), "open_s": round(opened, 2),
            "rss_mb": round(proc.memory_info().rss / 2**20)}
    return rows, info


def browser_first_page(paths: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser_util import launch_browser, running_dashboard

    peak = [0]
    stop = threading.Event()

    def watch(pid):
        p = psutil.Process(pid)
        while not stop.is_set():
            try:
                rss = sum(c.memory_info().rss for c in [p, *p.children(recursive=True)])
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    t0 = time.perf_counter()
    env = {"NEWS_DATA": os.environ.get("NEWS_DATA", str(Path(__file__).resolve().parent.parent / "data"))}
    with running_dashboard(env, paths=paths, timeout=900) as url:
        server = [p for p in psutil.process_iter(["cmdline"]) if url.rsplit(":", 1)[1] in " ".join(p.info["cmdline"] or [])]
        if server:
            threading.Thread(target=watch, args=(server[0].pid,), daemon=True).start()
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector(".n-of-N", timeout=900_000)
            first = time.perf_counter() - t0
            t1 = time.perf_counter()
            page.goto(url + "/entities")
            page.wait_for_selector(".n-of-N", timeout=900_000)
            second = time.perf_counter() - t1
            # another user opens the dashboard on the running server: a new browser context is
            # a new Streamlit session (no cookie, no cache of the page in the browser)
            sessions = []
            for _ in range(3):
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                other = ctx.new_page()
                t2 = time.perf_counter()
                other.goto(url)
                other.wait_for_selector(".n-of-N", timeout=900_000)
                sessions.append(time.perf_counter() - t2)
                ctx.close()
            browser.close()
        stop.set()
    return {"first_page_s": round(first, 2), "next_page_s": round(second, 2),
            "new_session_s": round(statistics.median(sessions), 2), "new_session_runs": [round(x, 2) for x in sessions],
            "server_peak_mb": round(peak[0] / 2**20)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="+")
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--store", help="open this built store as it is (in-process part only; implies --no-browser)")
    args = ap.parse_args()
    args.no_browser = args.no_browser or bool(args.store)
    rows, info = in_process(args.corpus, args.changes, args.seed, args.store)
    md = (f"## Dashboard: opening and filter changes ({info['articles']:,} articles)\n\n"
          f"`python benchmarks/bench_dashboard.py {' '.join(Path(p).name for p in args.corpus)} --changes "
          f"{args.changes}{' --store ' + Path(args.store).name if args.store else ''}` ({machine()}"
          f"{'; load average ' + format(os.getloadavg()[0], '.1f') + ' at the end: shared with other work' if os.getloadavg()[0] > 1.5 else ''})\n\n"
          f"Store loaded into the dashboard in {info['open_s']} s; the process's memory after loading and "
          f"building every page: {info['rss_mb']:,} MB.\n\n"
          "Server-side recompute of each page's charts per filter change (filter applied, every table "
          "and plotly figure built), random filter states (outlets, month ranges, an entity, a topic, "
          "combinations):\n\n" + table(rows) + "\n")
    if not args.no_browser:
        b = browser_first_page(args.corpus)
        md += (f"\nIn headless Chromium against `streamlit run dashboard.py`: server start to the first page "
               f"interactive (\"n of N articles\" shown) {b['first_page_s']} s; the Entities page after it "
               f"{b['next_page_s']} s; a new session (another browser opening the dashboard on the running server) "
               f"to its first page interactive {b['new_session_s']} s (median of {b['new_session_runs']}); "
               f"the server's peak memory (process tree) {b['server_peak_mb']:,} MB.\n")
    write_section(f"dashboard-{info['articles']}", md)
    print(md)


if __name__ == "__main__":
    main()
