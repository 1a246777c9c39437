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
