"""What the dashboard says about a store that was updated incrementally (build/incremental.py):
how many articles came after the last full build, what was not updated, and whether a full
build is due (the articles added since pass the threshold)."""
from __future__ import annotations

import html

REFIT_BUTTON = "Fit all the analyses again on the whole corpus"


def update_note(meta: dict) -> tuple[str, bool] | None:
    """(HTML of the note, whether to offer the full build) for a store with articles added
    since its last full build; None for a store as a full build made it."""
    inc = meta.get("incremental") or {}
    added = int(inc.get("added_since_fit", 0))
    if not added:
        return None
    total = int(meta.get("articles", 0))
    share, threshold = float(inc.get("share", 0.0)), float(inc.get("refit_share", 0.1))
    stale = meta.get("stale") or {}
    items = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in stale.items())
    due = share >= threshold
    head = (f"<b>{added:,} of {total:,} articles ({share:.0%}) were added after the last full analysis</b>: "
            "they are placed in its topics, entity clusters and stories with its saved models. "
            + (f"That is more than {threshold:.0%}: fitting again is advised." if due else
               f"A full analysis is offered here once they pass {threshold:.0%} "
               "(or: python -m analysis build PATH --refit)."))
    return f'<div class="stale-note">{head}<ul>{items}</ul></div>', due


# A build in progress (build/staged.py, build/progress.py): what each page waits for.
STAGE_NAMES = {"reading": "reading the files", "entities": "entities (NER)", "topics articles": "article topics",
               "topics passages": "passage topics", "entity clusters": "entity clusters",
               "sources": "outlet comparison", "stories": "stories", "places": "places"}
PAGE_STAGES = {"Overview": ("entities", "topics articles"), "Entities": ("entities", "entity clusters"),
               "Topics": ("topics articles", "topics passages"), "Sources": ("sources",),
               "Places": ("places",), "Stories": ("stories",), "Articles": ("entities",)}


def stage_line(name: str, stage: dict, now: float) -> str:
    """One stage as a person reads it: "entities (NER): 12,400 of 37,554 articles, about 40 min left"."""
    label, state = STAGE_NAMES.get(name, name), stage.get("state", "pending")
    if state == "done":
        return f"{label}: done"
    if state == "failed":
        return f"{label}: failed"
    if state == "pending":
        return f"{label}: waiting"
    done, total = int(stage.get("done", 0)), int(stage.get("total", 0))
    if not total or name != "entities":
        return f"{label}: running"
    line = f"{label}: {done:,} of {total:,} articles"
    since, first = stage.get("since"), stage.get("first_done", 0)
    if since and done > first and now > since:
        left = (total - done) / ((done - first) / (now - since))
        line += f", about {max(1, round(left / 60)):,} min left" if left >= 60 else ", under a minute left"
    return line


def build_lines(progress: dict, now: float, stages=None) -> list[str]:
    """The lines of a build's progress (every stage, or the ones named) not done yet."""
    have = progress.get("stages") or {}
    names = [n for n in (stages or have) if n in have and have[n].get("state") != "done"]
    return [stage_line(n, have[n], now) for n in names]


def page_note(progress: dict, page: str, now: float) -> str | None:
    """What a page waits for while the corpus is being analysed, else None."""
    lines = build_lines(progress, now, PAGE_STAGES.get(page, ()))
    if not lines:
        return None
    return ("The corpus is still being analysed; this page fills in as each part lands (no reload needed): "
            + "; ".join(lines) + ".")
