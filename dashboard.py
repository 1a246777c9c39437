"""The dashboard frame: the corpus, the global filters (sidebar, bound to the URL) and
the pages.   streamlit run dashboard.py [-- PATH...]   (default: $NEWS_CORPUS, else seeds/)"""
from __future__ import annotations

import datetime as dt
import html
import os
import sys
import time
from pathlib import Path

import duckdb
import streamlit as st

from analysis.build.corpus import build_log, build_state, corpus_paths, ensure_store, start_build, store_generation
from analysis.views.charts import View
from analysis.views.corpus import Corpus
from analysis.views.tables import outlet_order
from analysis.views.filters import UNKNOWN, Choices, Filters, describe, follow
from analysis.views.freshness import build_lines
from pages import _warm
from pages._charts import reset_filters

FILTER_KEYS = ("outlet", "dates", "undated", "etype", "entity", "topic", "ptopic", "q", "article")


def cli_paths() -> list[str]:
    """PATHs after `streamlit run dashboard.py --` (not a test runner's arguments)."""
    return sys.argv[1:] if Path(sys.argv[0]).name == "dashboard.py" else []


@st.cache_resource(show_spinner="Opening the corpus (new or changed files are analysed first)…", max_entries=2)
def load_corpus(paths: tuple[str, ...], generation: str = "") -> tuple[Corpus, list[str]]:
    """One Corpus per process, corpus and store generation (a rebuild, here or by the
    command line, makes a new generation, so the next run loads the new tables). Building
    a new or changed corpus first is the frame's decision, made here."""
    for attempt in range(3):
        store, messages = ensure_store(list(paths))
        if not store_generation(list(paths)):   # a build that has not published anything yet
            return None, messages
        try:
            return Corpus(store, list(paths)), messages
        except (OSError, duckdb.IOException):
            if attempt == 2:
                raise
            time.sleep(0.5)  # builds switched generations twice while this one opened: open the new one


def date_filter(corpus) -> tuple[dt.date | None, dt.date | None, bool]:
    dates = corpus.articles["date"].dropna()
    undated = int(corpus.articles["date"].isna().sum())
    include = st.sidebar.checkbox(f"Include articles with unknown date ({undated:,})", value=True,
                                  key="undated", bind="query-params")
    if dates.empty:
        st.sidebar.caption("No article has a known date.")
        return None, None, include
    lo, hi = dates.min().date(), dates.max().date()
    st.session_state["_date_bounds"] = (lo, hi)
    value = st.sidebar.date_input("Date range", value=(lo, hi), min_value=lo, max_value=hi,
                                  key="dates", bind="query-params")
    start, end = (tuple(value) + (None, None))[:2] if isinstance(value, (tuple, list)) else (value, None)
    return (start if start and start > lo else None), (end if end and end < hi else None), include


def sidebar_filters(corpus) -> Filters:
    sb = st.sidebar
    sb.header("Filters")
    options = corpus.prepared("sidebar", sidebar_options)   # once per corpus, not per rerun
    outlets = options["outlets"]
    chosen = sb.multiselect(f"Outlets (none = all; {len(outlets):,} in the corpus)", outlets, key="outlet",
                            bind="query-params",  # the URL holds the names (?outlet=BBC&outlet=AP)
                            help=f"'{UNKNOWN}' selects the articles whose outlet is unknown.")
    start, end, include = date_filter(corpus)
    types = options["types"]
    etypes = sb.multiselect("Entity types (none = all)", types, key="etype", bind="query-params",
                            help="Narrows the entity charts; does not remove articles.")
    entities = sb.multiselect("Articles mentioning", options["entities"], key="entity", bind="query-params",
                              accept_new_options=True, placeholder="any entity")
    topics = topic_filter(corpus)
    ptopics = passage_topic_filter(corpus)
    text = sb.text_input("Search the text", key="q", bind="query-params", placeholder="word or phrase")
    articles = []
    if st.session_state.get("article") or st.query_params.get_all("article"):   # shown while it is set
        articles = sb.multiselect("Only these articles", [], key="article", bind="query-params",
                                  accept_new_options=True, placeholder="any article")
    sb.button("Clear all filters", on_click=reset_filters, icon=":material/filter_alt_off:")
    return Filters(outlets=tuple(chosen), start=start, end=end, include_undated=include,
                   entity_types=tuple(etypes), entities=tuple(entities), topics=tuple(topics),
                   passage_topics=tuple(ptopics), text=text or "", articles=tuple(articles))


def sidebar_options(corpus) -> dict:
    """The sidebar's choices: outlets by size, entity types, the 500 most mentioned names."""
    ents = corpus.entities
    names = ents.sort_values("mentions", ascending=False)["name"].drop_duplicates().head(500).tolist()
    return {"outlets": outlet_order(corpus.articles), "types": sorted(ents["type"].dropna().unique().tolist()),
            "entities": names}


def topic_labels(table) -> dict[int, str]:
    return {} if table is None else dict(zip(table["topic"].astype(int), table["label"]))


def filter_choices(corpus) -> Choices:
    """What this corpus offers the filters (see follow_corpus)."""
    dates = corpus.articles["date"].dropna()
    bounds = (dates.min().date(), dates.max().date()) if len(dates) else None
    return Choices(generation=corpus.generation, bounds=bounds, outlets=frozenset(corpus.articles["outlet"]),
                   entities=frozenset(corpus.entities["name"].dropna()),
                   topics=topic_labels(corpus.table("topics_articles")),
                   passage_topics=topic_labels(corpus.table("topics_passages")))


def follow_corpus(corpus) -> None:
    """When the corpus changed under this session (an upload, a correction, a rebuild from the
    command line): filters the person did not set follow the new corpus, the ones they set
    stay while they make sense; each dropped one leaves a note for the page."""
    now = corpus.prepared("filter_choices", filter_choices)
    before = st.session_state.get("_choices")
    st.session_state["_choices"] = now
    if before is None or before.generation == now.generation:
        return
    changes, notes = follow(before, now, {k: st.session_state.get(k) for k in FILTER_KEYS})
    for key, value in changes.items():
        st.session_state[key] = value
    st.session_state["_filter_notes"] = notes


def topic_filter(corpus) -> list[int]:
    topics = corpus.table("topics_articles")
    if topics is None or corpus.article_topics is None:
        return []
    labels = dict(zip(topics["topic"].astype(int), topics["label"]))
    st.session_state["_topic_labels"] = labels
    return st.sidebar.multiselect("Topics (none = all)", list(labels), key="topic", bind="query-params",
                                  format_func=lambda t: f"{t}: {labels.get(t, '')}")


def passage_topic_filter(corpus) -> list[int]:
    topics = corpus.table("topics_passages")
    if topics is None or not corpus.has_passage_topics():
        return []
    labels = dict(zip(topics["topic"].astype(int), topics["label"]))
    st.session_state["_passage_labels"] = labels
    return st.sidebar.multiselect("Passage topics (none = all)", list(labels), key="ptopic", bind="query-params",
                                  format_func=lambda t: f"{t}: {labels.get(t, '')}",
                                  help="Articles with at least one paragraph in these topics.")


def header_html(v: View) -> str:
    """'n of N articles' and the active filters (each page shows it first)."""
    n, total = len(v.ids), len(v.corpus.articles)
    active = describe(v.filters, topic_labels=st.session_state.get("_topic_labels"),
                      passage_labels=st.session_state.get("_passage_labels"))
    return f"<b>{n:,} of {total:,} articles</b> · " + html.escape(" · ".join(active) if active else "no filter")


@st.fragment(run_every=2.0)
def build_watch(paths: list[str], generation: str) -> None:
    """While the corpus is being analysed (build/staged.py): how far each stage has come,
    every 2 s; when a stage lands (a new generation of the store), the whole app runs again
    and shows it. A build that stopped says so and can be started again."""
    if store_generation(paths) != generation:
        st.rerun(scope="app")
    running, progress = build_state(paths)
    lines = build_lines(progress, time.time())
    if running:
        st.caption("**Analysing the corpus** (the pages fill in as each part lands):\n\n"
                   + "\n".join(f"- {html.escape(line)}" for line in lines))
        return
    why = progress.get("error") or "its process ended before it was done"
    st.warning(f"The analysis of the corpus stopped: {why}. Its log: {build_log(paths)}.")
    if st.button("Start the analysis again", key="restart_build", icon=":material/restart_alt:"):
        start_build(paths)
        st.rerun(scope="app")


def waiting_page(paths: list[str]) -> None:
    """Nothing of the corpus is published yet (the files are being read)."""
    st.title("News corpus explorer")
    st.info("Reading the corpus: its articles, outlets and dates appear here in a moment.",
            icon=":material/hourglass_top:")
    build_watch(paths, "")


def main() -> None:
    t0 = time.perf_counter()
    st.set_page_config(page_title="News corpus explorer", page_icon="📰", layout="wide")
    paths = corpus_paths(cli_paths())
    # the Overview is at / and at /overview (a shared link names its page); the default page
    # reserves a pathname of its own, "index", which nobody needs to type
    pages = [st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True, url_path="index"),
             st.Page("pages/overview.py", title="Overview", url_path="overview", visibility="hidden"),
             st.Page("pages/entities.py", title="Entities", icon=":material/group:"),
             st.Page("pages/topics.py", title="Topics", icon=":material/category:"),
             st.Page("pages/sources.py", title="Sources", icon=":material/compare:"),
             st.Page("pages/stories.py", title="Stories", icon=":material/newspaper:"),
             st.Page("pages/articles.py", title="Articles", icon=":material/article:")]
    if (Path(__file__).parent / "pages" / "places.py").exists():  # a colleague's page
        pages.insert(4, st.Page("pages/places.py", title="Places", icon=":material/public:"))
    page = st.navigation(pages)   # first: the sidebar lists the pages while the corpus opens
    generation = store_generation(paths)
    corpus, messages = load_corpus(tuple(paths), generation)
    for m in messages:
        st.toast(m)
    if corpus is None:
        return waiting_page(paths)
    building = corpus.meta.get("partial")
    if building:
        with st.sidebar:
            build_watch(paths, generation)
    st.session_state["_building_page"] = page.title if building else None
    counter = st.sidebar.container()
    follow_corpus(corpus)
    filters = sidebar_filters(corpus)
    view = View(corpus, filters)
    st.session_state["_view"] = view
    st.session_state["_paths"] = paths
    st.session_state["_header"] = header_html(view)
    counter.html(f'<div class="n-of-N-side">{st.session_state["_header"]}</div>')
    t1 = time.perf_counter()
    with _warm.session_run():
        page.run()
    if not building:   # once per process, after its first page: the other pages' charts, in the background
        _warm.start(view)
    if os.environ.get("NEWS_TIMINGS"):  # server-side seconds per run: frame (filters) and page
        print(f"timing {page.title}: frame {t1 - t0:.3f} s, page {time.perf_counter() - t1:.3f} s",
              file=sys.stderr, flush=True)


main()
