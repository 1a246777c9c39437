"""The dashboard under streamlit.testing.v1.AppTest, shared by the page tests."""
from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

DEFAULT_PAGE = "pages/overview.py"


def run_page(page: str, *, timeout: float = 120, **state) -> AppTest:
    """The whole dashboard (dashboard.py: the frame and its filters, ``state`` set first),
    switched to ``page``; fails on any exception."""
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=timeout)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != DEFAULT_PAGE:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def opened(*chart_keys: str) -> dict[str, bool]:
    """Session state that opens the sections of these charts (drawn when opened), as a click would."""
    from pages._charts import section_key

    return {section_key(k): True for k in chart_keys}


def shown(at: AppTest) -> tuple[int, int]:
    """(n, N) of the page's "n of N articles" line."""
    for h in at.get("html"):
        m = re.search(r"<b>(\d+) of (\d+) articles</b>", h.proto.body)
        if m:
            return int(m[1]), int(m[2])
    raise AssertionError("no 'n of N articles' line")
