"""Edits of the entities as aliases.csv rules: what the Entities page and the command line
ask for, turned into (action, name, target) rows (canonical._apply_rules applies them)."""
from __future__ import annotations

from analysis.ingest.sidefiles import ENTITY_TYPES

ACTIONS = ("merge", "rename", "type", "ignore")


def edit_rules(action: str, names: list[str], *, new_name: str = "", new_type: str = "") -> list[tuple[str, str, str]]:
    """Rules for one edit: merge the names into the first, rename the one name, set the type of
    each, or ignore each. Raises ValueError, saying what is missing, for an edit that cannot be."""
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        raise ValueError("choose at least one entity")
    if action == "merge":
        if len(names) < 2:
            raise ValueError("choose two entities or more to merge (the others join the first)")
        return [("merge", n, names[0]) for n in names[1:]]
    if action == "rename":
        if len(names) != 1 or not new_name.strip():
            raise ValueError("choose one entity and type its new name")
        return [("rename", names[0], new_name.strip())]
    if action == "type":
        if new_type.upper() not in ENTITY_TYPES:
            raise ValueError(f"the type must be one of {', '.join(sorted(ENTITY_TYPES))}")
        return [("type", n, new_type.upper()) for n in names]
    if action == "ignore":
        return [("ignore", n, "") for n in names]
    raise ValueError(f"unknown edit '{action}' (use {', '.join(ACTIONS)})")
