"""Renaming and merging topics on the Topics page: kept in topics.csv beside the articles,
applied at once without a refit."""
from __future__ import annotations

import shutil

from tests.app_util import run_page
from tests.conftest import SEEDS

PAGE = "pages/topics.py"


def test_rename_and_merge_on_the_topics_page(tmp_path, monkeypatch):
    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    monkeypatch.setenv("NEWS_CORPUS", str(corpus))
    at = run_page(PAGE)
    before = [e.label for e in at.expander if " passages)" in e.label]
    embassy = next(int(x.split(":")[0]) for x in before if "embass" in x.lower())

    at.selectbox(key="rename_topic_passages").set_value(embassy)
    at.text_input(key="rename_name_passages").set_value("Embassies closing")
    at.button[0].click().run()           # the Rename form's submit button
    assert not at.exception, [e.value for e in at.exception]
    labels = [e.label for e in at.expander if " passages)" in e.label]
    assert f"{embassy}: Embassies closing  (8 passages)" in labels
    assert (corpus / "topics.csv").read_text().splitlines()[1].startswith("rename,passages,")

    n = len(labels)
    at.selectbox(key="merge_src_passages").set_value(embassy)
    at.selectbox(key="merge_dst_passages").set_value(0)
    at.button[1].click().run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [e.label for e in at.expander if " passages)" in e.label]
    assert len(labels) == n - 1 and not any("Embassies closing" in x for x in labels)
    assert (SEEDS / "topics.csv").exists() is False
