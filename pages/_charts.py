"""What every page shares: the current view, charts with their export buttons, and
cross-filtering (a click on a bar or point writes into the global filters / URL)."""
from __future__ import annotations

import calendar
import functools
import datetime as dt
import html
import re
import threading
import time

import streamlit as st

from analysis import export as E
from analysis.build.corpus import build_state, refit
from analysis.views.freshness import REFIT_BUTTON, page_note, update_note
from analysis.views.charts import Chart, Missing, View

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage", "lasso2d"]}


def _no_revalidation() -> None:
    """st.plotly_chart rebuilds every figure through plotly's validation
    (plotly.tools.return_figure_from_figure_or_data(..., validate_figure=True)), which cost
    more than building it. Our figures are built from checked dicts (their JSON was compared
    with validated builds); pass a Figure through as it is, anything else as before."""
    import plotly.graph_objects as go
    import plotly.tools as pt

    original = pt.return_figure_from_figure_or_data
    if getattr(original, "_passes_figures", False):
        return

    def passthrough(figure_or_data, validate_figure=False):
        if isinstance(figure_or_data, go.Figure):
            return figure_or_data
        return original(figure_or_data, validate_figure)

    passthrough._passes_figures = True
    pt.return_figure_from_figure_or_data = passthrough


_no_revalidation()
_CHART_CACHE: dict = {}
_CHART_LOCK = threading.Lock()
_MISS = object()
_BUILDING: dict = {}   # key -> Event set when the thread building it is done


def cached_charts(builder, v: View, *args, **kw) -> list:
    """builder(v, *args, **kw), kept for the last 64 (corpus generation, filters, arguments):
    a page switch, a return to an earlier filter or another session with the same filters
    is not recomputed, and while one thread builds a key (a session, the warm-up) the others
    wait for it instead of building it again. Charts are read-only once built (the page only
    lays them out and exports them)."""
    key = (builder.__module__, builder.__qualname__, id(v.corpus), v.corpus.generation,
           getattr(v.corpus, "edits_stamp", 0), v.filters, args,
           tuple(sorted(kw.items())))
    try:
        hash(key)
    except TypeError:   # an argument that cannot be a key: build, do not keep
        return builder(v, *args, **kw)
    while True:
        with _CHART_LOCK:
            hit = _CHART_CACHE.pop(key, _MISS)
            if hit is not _MISS:
                _CHART_CACHE[key] = hit   # most recently used last
                return hit
            building = _BUILDING.get(key)
            if building is None:
                building = _BUILDING[key] = threading.Event()
                break
        building.wait(120)   # another thread builds it: take its result (or build, if it failed)
    try:
        out = builder(v, *args, **kw)
        with _CHART_LOCK:
            _CHART_CACHE[key] = out
            while len(_CHART_CACHE) > 64:
                _CHART_CACHE.pop(next(iter(_CHART_CACHE)))
        return out
    finally:
        with _CHART_LOCK:
            _BUILDING.pop(key, None)
        building.set()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^&])")


def md_escape(text: str) -> str:
    """Text for a Streamlit markdown context (st.error, st.caption, labels...) that shows
    as typed: every markdown/HTML punctuation is backslash-escaped, so a file name or a
    corpus string can make no link, image, emphasis, heading, colour or icon directive."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def small(text: str) -> str:
    """Corpus text as a small grey line of HTML (escaped: never markup)."""
    return f'<div style="color:#666;font-size:0.9rem">{html.escape(text)}</div>'


EMPTY = ("No article matches the filters. Widen the date range, choose other outlets, tick 'include "
         "articles with unknown date' or clear the search (sidebar: 'Clear all filters').")


def frame_first() -> None:
    """A page run without the frame (dashboard.py): this happens when a server's very first
    run is a deep link (/articles after a restart), because Streamlit runs the pages/ folder
    the old way until st.navigation has been called once. Switch that mode off and run
    again: the frame then runs, builds the view, and opens this same page."""
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except ImportError:  # a Streamlit without the flag: the overview, then the user's click
        st.switch_page("dashboard.py")
    st.rerun()


def view(*, allow_empty: bool = False) -> View:
    """The view of this run (built by dashboard.py from the sidebar filters), after the
    'n of N articles' line and the notes of filters dropped because the corpus changed;
    an empty selection stops the page with a clear message."""
    if "_view" not in st.session_state:
        frame_first()
    v = st.session_state["_view"]
    st.session_state.pop("_filtered_here", None)   # a whole run: the click's filter is in this view
    st.html(f'<div class="n-of-N">{st.session_state["_header"]}</div>')
    freshness(v.corpus.meta, st.session_state.get("_paths"))
    if page := st.session_state.get("_building_page"):   # the corpus is still being analysed
        page_progress(page)
    for note in st.session_state.pop("_filter_notes", []):
        st.info(md_escape(note), icon=":material/filter_alt_off:")
    if not v.ids:
        st.warning(EMPTY)
        if not allow_empty:
            st.stop()
    return v


def freshness(meta: dict, paths: list[str] | None) -> None:
    """Articles added since the last full analysis (build/incremental.py): what is not
    updated, and the full analysis offered once they pass the threshold."""
    note = update_note(meta)
    if note is None:
        return
    text, due = note
    with st.expander("Articles added since the last full analysis" + (": fitting again is advised" if due else ""),
                     expanded=due):
        st.html(text)
        if due and paths and st.button(REFIT_BUTTON, key="refit", type="primary"):
            with st.spinner("Fitting every analysis again on the whole corpus…"):
                refit(paths)
            st.rerun()


@st.fragment(run_every=2.0)
def page_progress(page: str) -> None:
    """While the corpus is being analysed: what this page waits for, how far it has come."""
    running, progress = build_state(st.session_state.get("_paths") or [])
    if running and (note := page_note(progress, page, time.time())):
        st.info(md_escape(note), icon=":material/hourglass_top:")


@st.fragment
def lazy_expander(label: str, fill, *, key: str, icon: str | None = None) -> None:
    """An expander whose content (fill()) is made and sent only while it is open: opening
    or closing it reruns this part of the page, not the page."""
    if st.session_state.pop("_filtered_here", False):   # a click on a chart of this part set a filter:
        st.rerun()                                         # the whole page follows it
    box = st.expander(label, key=key, icon=icon, on_change="rerun")
    if box.open:
        with box:
            fill()


def show(items: list[Chart | Missing], *, drawn: int | None = None) -> None:
    """Lay out charts (or the notes that say why one is missing): the first `drawn` charts
    (all when None) at once, each later one in a section drawn and sent when opened."""
    for i, item in enumerate(items):
        if isinstance(item, Missing):
            st.info(md_escape(item.message))  # may name an entity: text, not markdown
        elif drawn is None or i < drawn:
            chart(item)
        else:
            lazy_expander(chart_label(item), functools.partial(chart, item), key=section_key(item.key),
                          icon=":material/bar_chart:")


def section_key(chart_key: str) -> str:
    """The widget key of the section that holds a chart drawn when opened (True: open)."""
    return f"open_{chart_key}"


def chart_label(c: Chart) -> str:
    """A section's label: the chart's title as plain text (titles are escaped HTML)."""
    title = getattr(getattr(c.figure.layout, "title", None), "text", None) or c.key.replace("_", " ").capitalize()
    return md_escape(html.unescape(re.sub(r"<[^>]+>", " ", str(title))).strip())


def charts(items: list[Chart | Missing], *, page: str, drawn: int | None = 2) -> None:
    """Lay out a page's charts (the first `drawn` at once, the others when opened), then its
    "Export all charts" button (every chart, opened or not)."""
    show(items, drawn=drawn)
    export_all([c for c in items if isinstance(c, Chart)], page=page)


def sections(v: View, parts, *, page: str, drawn: int = 2) -> None:
    """A page's charts from one builder each ((key, label, builder(view, *args)[, args]), as
    views.overview.OVERVIEW): the first `drawn` built and drawn at once, each later one
    built on the server, drawn and sent only while its section is open; then the "Export
    all charts" button, which builds every chart when clicked."""
    for i, (key, label, build, *args) in enumerate(parts):
        args = tuple(args[0]) if args else ()
        if i < drawn:
            show([cached_charts(build, v, *args)])
        else:
            lazy_expander(md_escape(label), functools.partial(_built, build, v, args), key=section_key(key),
                          icon=":material/bar_chart:")
    export_all(lambda: [c for c in (_build(p, v) for p in parts) if isinstance(c, Chart)], page=page)


def _build(part, v: View):
    _, _, build, *args = part
    return cached_charts(build, v, *(tuple(args[0]) if args else ()))


def _built(build, v: View, args: tuple) -> None:
    show([cached_charts(build, v, *args)])


def chart(c: Chart) -> None:
    key = f"chart_{c.key}"
    if c.table is None or len(c.table) == 0:
        st.info(f"{c.key.replace('_', ' ').capitalize()}: nothing in the selected articles.")
        return
    if c.select:
        st.plotly_chart(c.figure, key=key, on_select=functools.partial(_on_select, key, c.select),
                        selection_mode="points", config=PLOTLY_CONFIG)
        what = {"ptopic": "passage topic"}.get(c.select, c.select)
        article = "an" if what[0] in "aeiou" else "a"
        st.caption(f"Click {article} {what} to filter the dashboard by it.")
    else:
        st.plotly_chart(c.figure, key=key, config=PLOTLY_CONFIG)
    export_buttons(c)


def export_buttons(c: Chart) -> None:
    """PNG, SVG, HTML and CSV downloads; the bytes are made only when clicked."""
    with st.popover("Export", icon=":material/download:", key=f"export_{c.key}"):
        for fmt in E.FORMATS:
            st.download_button(fmt.upper(), data=lambda c=c, fmt=fmt: E.chart_bytes(c, fmt),
                               file_name=f"{E.safe_name(c.key)}.{fmt}", mime=E.MIME[fmt],
                               key=f"dl_{c.key}_{fmt}", on_click="ignore", width="stretch")


def export_all(items, *, page: str) -> None:
    """The page's "Export all charts" button: items is the charts, or a function that makes
    them (called when the button is clicked)."""
    if not callable(items) and not items:
        return
    v = st.session_state["_view"]
    text = E.filters_text(v.filters, n=len(v.ids), total=len(v.corpus.articles),
                          corpus=str(v.corpus.store.root.name), topic_labels=st.session_state.get("_topic_labels"))
    st.download_button("Export all charts of this page (ZIP: PNG, SVG, HTML, CSV + filters.txt)",
                       data=lambda: E.zip_bytes(items() if callable(items) else items, text),
                       file_name=f"{page}-view.zip", mime=E.MIME["zip"], key=f"dl_all_{page}", on_click="ignore",
                       icon=":material/folder_zip:")


# -- cross-filtering --------------------------------------------------------------

FILTER_DEFAULTS = {"outlet": [], "etype": [], "entity": [], "topic": [], "ptopic": [], "q": "", "undated": True,
                   "article": []}


def reset_filters(only: list[str] = ()) -> None:
    """A button's callback: every filter back to its default (the dates to the corpus's
    bounds); with ``only``, no filter but these article ids."""
    for key, value in FILTER_DEFAULTS.items():
        st.session_state[key] = value
    if "_date_bounds" in st.session_state:
        st.session_state["dates"] = st.session_state["_date_bounds"]
    st.session_state["article"] = list(only)


def _on_select(chart_key: str, kind: str) -> None:
    """A click on a chart: put the clicked value into the global filter (and the URL)."""
    state = st.session_state.get(chart_key)
    points = (state or {}).get("selection", {}).get("points", []) if state else []
    update = filter_update(kind, points, st.session_state.get("_date_bounds"))
    if update:
        st.session_state[update[0]] = update[1]
        st.session_state["_filtered_here"] = True   # read by a lazy section (a fragment) to rerun the page


def filter_update(kind: str, points: list[dict], bounds=None) -> tuple[str, object] | None:
    """(filter key, new value) for the first clicked point, or None."""
    if not points:
        return None
    p = points[0]
    data = p.get("customdata")
    value = data[0] if isinstance(data, (list, tuple)) and data else (data if data is not None else p.get("x"))
    if value is None:
        return None
    if kind == "outlet":
        return "outlet", [str(value)]
    if kind == "entity":
        return "entity", [str(value)]
    if kind == "topic":
        return "topic", [int(value)]
    if kind == "ptopic":
        return "ptopic", [int(value)]
    if kind == "month":
        y, m = map(int, str(value)[:7].split("-"))
        lo, hi = bounds or (dt.date.min, dt.date.max)
        start, end = dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
        return "dates", (max(start, lo), min(end, hi))
    return None


def stale_note(v: View, *tables: str) -> None:
    """A note above a section whose tables an entity edit left stale (the next build, or the
    Entities page's refresh, makes them again)."""
    if note := v.corpus.stale_note(*tables):
        st.info(md_escape(note), icon="⏳")
