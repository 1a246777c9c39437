"""The analyses that run after entities: topics, outlet comparison (filled in by
their modules). Each adds tables to the store and sections to the report."""
from __future__ import annotations

import pandas as pd

from analysis.store import Store


def run(tables: dict[str, pd.DataFrame], *, n_topics: int | None = None) -> dict[str, pd.DataFrame]:
    return {}


def add_to_report(store: Store, report: dict) -> None:
    return None
