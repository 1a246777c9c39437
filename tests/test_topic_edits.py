"""Topic rename and merge kept in topics.csv, applied without refitting, and following
their topics across a rebuild (matched by top terms)."""
from __future__ import annotations

import pandas as pd

from analysis.topics.edits import (append_topic_edit, apply_topic_edits, match_topic,
                                   read_topic_edits)
from analysis.topics.fit import fit_topics

THEMES = {
    "football": ["The striker scored a goal and the football fans cheered the league match.",
                 "The goalkeeper saved a penalty; the coach said the league match was hard.",
                 "Football fans watched the striker score the winning goal of the match.",
                 "The coach picked the same goalkeeper and striker for the next league match."],
    "quake": ["The earthquake destroyed buildings and rescue teams searched the rubble.",
              "Rescue workers pulled survivors from the rubble after the earthquake.",
              "Aftershocks shook the city as rescue teams searched collapsed buildings.",
              "The earthquake survivors slept in shelters while rescue teams dug in the rubble."],
    "vote": ["Voters queued at polling stations as the election count began.",
             "The candidate conceded the election after the ballots were counted.",
             "Turnout at the polling stations was high and the ballots were counted overnight.",
             "The election commission counted the ballots of every polling station."],
}
NO_P = pd.DataFrame(columns=["article_id", "passage", "text"])
NO_M = pd.DataFrame(columns=["article_id", "passage", "entity", "type"])


def articles(extra: int = 0) -> pd.DataFrame:
    rows = [(f"{theme}{i}", "X", None, f"{theme} {i}", text)
            for theme, texts in THEMES.items() for i, text in enumerate(texts)]
    rows += [(f"football-extra{i}", "X", None, "extra", THEMES["football"][i]) for i in range(extra)]
    return pd.DataFrame(rows, columns=["id", "source", "month", "title", "text"])


def fit(arts: pd.DataFrame) -> dict:
    return fit_topics(arts, NO_P, NO_M, level="articles", n_topics=3)


def topic_of(result: dict, article: str) -> int:
    a = result["assignments"]
    return int(a.loc[a["article_id"] == article, "topic"].iloc[0])


def terms_of(result: dict, article: str) -> list[str]:
    t = result["topics"]
    return list(t.loc[t["topic"] == topic_of(result, article), "terms"].iloc[0])


def test_rename_and_merge_are_kept_in_topics_csv_and_applied(tmp_path):
    res = fit(articles())
    assert len(res["topics"]) == 3
    path = tmp_path / "topics.csv"
    append_topic_edit(path, "rename", "articles", terms_of(res, "football0"), "Sport")
    append_topic_edit(path, "merge", "articles", terms_of(res, "quake0"), ";".join(terms_of(res, "vote0")))
    edits, errors = read_topic_edits(path)
    assert errors == [] and [e["action"] for e in edits] == ["rename", "merge"]
    assert path.read_text().splitlines()[0] == "action,level,terms,value"

    topics, assign, notes = apply_topic_edits(res["topics"], res["assignments"], edits, level="articles")
    assert notes == []
    assert len(topics) == 2                                   # the quake topic went into the vote topic
    sport = topics.loc[topics["label"] == "Sport"]
    assert sport["size"].tolist() == [4]
    vote = topic_of(res, "vote0")
    merged = topics.loc[topics["topic"] == vote].iloc[0]
    assert merged["size"] == 8 and len(merged["articles"]) == 8
    moved = assign.set_index("article_id")["topic"]
    assert {moved[f"quake{i}"] for i in range(4)} == {vote}
    assert (res["assignments"]["topic"] == topic_of(res, "quake0")).sum() == 4   # the fit itself is untouched


def test_edits_follow_their_topics_across_a_rebuild(tmp_path):
    res = fit(articles())
    path = tmp_path / "topics.csv"
    append_topic_edit(path, "rename", "articles", terms_of(res, "football0"), "Sport")
    append_topic_edit(path, "merge", "articles", terms_of(res, "quake0"), ";".join(terms_of(res, "vote0")))
    edits, _ = read_topic_edits(path)

    # A rebuild: two more football articles and the rows in another order; numbers may change.
    again = fit(articles(extra=2).iloc[::-1].reset_index(drop=True))
    topics, assign, notes = apply_topic_edits(again["topics"], again["assignments"], edits, level="articles")
    assert notes == []
    moved = assign.set_index("article_id")["topic"]
    sport = topics.loc[topics["label"] == "Sport", "topic"].tolist()
    assert sport == [moved["football0"]] and topics.loc[topics["label"] == "Sport", "size"].tolist() == [6]
    assert moved["quake0"] == moved["vote0"] and len(topics) == 2


def test_an_edit_whose_topic_is_gone_is_reported_not_guessed(tmp_path):
    res = fit(articles())
    path = tmp_path / "topics.csv"
    append_topic_edit(path, "rename", "articles", ["inflation", "prices", "bank", "rates"], "Economy")
    path.write_text(path.read_text() + "split,articles,goal;match,x\n")
    edits, errors = read_topic_edits(path)
    assert [e.file for e in errors] == ["topics.csv:3"]
    topics, _, notes = apply_topic_edits(res["topics"], res["assignments"], edits, level="articles")
    assert notes == ["rename of the topic 'inflation;prices;bank;rates': no such topic after the rebuild"]
    assert "Economy" not in topics["label"].tolist()
    assert match_topic(["inflation", "prices"], res["topics"]) is None


def _report(folder, store, *extra):
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import REPO
    cmd = [sys.executable, "-m", "analysis", "report", str(folder), "--store", str(store), "--quiet",
           "--topics", "3", *extra]
    done = subprocess.run(cmd, cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_command_line_rename_and_merge_survive_a_rebuild(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for theme, texts in THEMES.items():
        for i, text in enumerate(texts):
            (folder / f"{theme}{i}.txt").write_text(f"{theme.title()} news {i}\n\n{text}\n")
    first = _report(folder, tmp_path / "store")
    topic = {a["file"].split(".")[0]: a["topic"] for a in first["articles"]}
    _report(folder, tmp_path / "store", "--rename-topic", str(topic["football0"]), "Sport",
            "--merge-topics", str(topic["quake0"]), str(topic["vote0"]))
    assert (folder / "topics.csv").read_text().count("\n") == 3          # header + two edits

    (folder / "football9.txt").write_text("Football news 9\n\nThe striker scored a late goal in the league match.\n")
    after = _report(folder, tmp_path / "store")                          # a rebuild: 13 articles, refitted
    topic = {a["file"].split(".")[0]: a["topic"] for a in after["articles"]}
    labels = {t["id"]: t["label"] for t in after["topics"]}
    assert len(after["topics"]) == 2 and "topic_notes" not in after
    assert labels[topic["football0"]] == "Sport" and topic["football9"] == topic["football0"]
    assert topic["quake0"] == topic["vote0"]
