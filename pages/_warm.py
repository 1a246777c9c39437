"""Once per server process and corpus, after its first page is sent: every page's charts for the
unfiltered view, built in a background thread into the shared chart cache (pages._charts.
cached_charts), with the imports they need. A link or a click to another page then finds
them built; a session asking for a chart the warm-up is building waits for it, not twice."""
from __future__ import annotations

import contextlib
import threading
import time

from analysis.views.charts import View
from pages._charts import cached_charts

_WARMED: set = set()   # (corpus, generation) warmed or being warmed
_LOCK = threading.Lock()
_RUNS = [0]   # script runs of any session going on now: the warm-up waits for none


@contextlib.contextmanager
def session_run():
    """Around a session's run: the warm-up starts its next page only when no run is going on."""
    with _LOCK:
        _RUNS[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _RUNS[0] -= 1


def _idle(limit: float = 30.0) -> None:
    end = time.monotonic() + limit
    while _RUNS[0] and time.monotonic() < end:
        time.sleep(0.05)


def start(v: View) -> None:
    """Warm the pages for this view's corpus (unfiltered), once per corpus and generation."""
    key = (id(v.corpus), v.corpus.generation, getattr(v.corpus, "edits_stamp", 0))
    with _LOCK:
        if key in _WARMED:
            return
        _WARMED.add(key)
    threading.Thread(target=_warm, args=(View(v.corpus),), name="warm-up", daemon=True).start()


def _warm(v: View) -> None:
    time.sleep(0.2)   # the first page's last messages go out first
    for build in _pages():
        _idle()   # sessions first: a page someone asks for now is built by their run
        try:
            build(v)
        except Exception:   # noqa: BLE001 - a page that fails fails again in its own run, with its message
            pass


def _pages():
    """The pages' default builds, as each page asks for them (same builders and arguments:
    the same cache keys)."""
    def entities(v):
        from analysis.views.charts import top_entities  # lazy: the warm-up thread's imports
        from analysis.views.entities import entities_charts, entity_cluster_charts, focus_entity  # lazy: idem

        names = top_entities(v, 200)["entity"].tolist()
        focus = focus_entity(v)
        if names:
            cached_charts(entities_charts, v, entity=focus if focus in names else names[0])
        cached_charts(entity_cluster_charts, v)

    def topics(v):
        from analysis.views.topics import DRAW_POINTS, default_level, topics_charts  # lazy: idem

        cached_charts(topics_charts, v, default_level(v), draw=DRAW_POINTS)

    def sources(v):
        from analysis.views.sources import SOURCES  # lazy: idem

        for _, _, build, args in SOURCES[:2]:   # the two drawn at once; the others when opened
            cached_charts(build, v, *args)

    def places(v):
        from analysis.views.places import places_charts  # lazy: idem

        if v.corpus.places is not None:
            cached_charts(places_charts, v, color_by="outlet", zoom=None, every=False)

    def stories(v):
        from analysis.views.stories import (selected_stories, side_by_side, spots, stories_charts,  # lazy: idem
                                            story_choices)

        cached_charts(stories_charts, v, outlets=8, min_share=0.5)
        table = cached_charts(selected_stories, v)
        cached_charts(spots, v, outlets=8, min_share=0.5)
        if table is not None and len(table):   # the story shown side by side when the page opens
            cached_charts(side_by_side, v, story_choices(table)[0])

    return [entities, topics, sources, places, stories]
