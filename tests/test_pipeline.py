"""The whole analysis on real files with the real spaCy model and a real store on disk."""
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from analysis.build.pipeline import build
from tests.conftest import REPO, SEEDS, write


def run_cli(*args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def seeds_report():
    proc = run_cli("report", str(SEEDS), "--format", "json", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def by_id(report):
    return {a["id"]: a for a in report["articles"]}


def test_seed_outlets_and_dates(seeds_report):
    arts = by_id(seeds_report)
    assert len(arts) == 5
    assert arts["003_3565dd2f8a15d1f4"]["source"] == "Khaama Press"
    assert arts["004_b6da397dadb063c9"]["source"] == "Press TV"
    assert arts["003_3565dd2f8a15d1f4"]["provenance"]["source"]["how"] == "text"
    assert arts["004_b6da397dadb063c9"]["published"] == "2021-08-13"
    assert "Friday" in arts["004_b6da397dadb063c9"]["provenance"]["published"]["evidence"]
    assert arts["001_2fa3b75b33693510"]["published"] is None
    assert arts["001_2fa3b75b33693510"]["provenance"]["published"]["how"] == "unknown"
    # 003's "Friday, April 19, 2024" header is the crawl date, contradicted by the text
    assert arts["003_3565dd2f8a15d1f4"]["published"] is None
    # 000: REUTERS is a photo credit, 002: "Herat:" is a dateline: neither is the outlet
    assert arts["000_ff3ea87ce5d3a461"]["source"] is None
    assert "photo credit" in arts["000_ff3ea87ce5d3a461"]["provenance"]["source"]["evidence"]
    assert arts["002_382a93bb24ffe1b9"]["source"] is None
    assert all(a["file"].endswith(".txt") for a in arts.values())


def test_seed_entities_merged(seeds_report):
    ents = {e["name"]: e for e in seeds_report["entities"]}
    assert "Stoltenberg" in ents["Jens Stoltenberg"]["aliases"]
    assert ents["Jens Stoltenberg"]["type"] == "PERSON"
    assert "North Atlantic Treaty Organization" in ents["NATO"]["aliases"]
    us = next(e for e in seeds_report["entities"] if "United States" in [e["name"], *e["aliases"]])
    assert {"US", "U.S.", "United States"} <= {us["name"], *us["aliases"]}
    qaeda = [e for e in seeds_report["entities"] if "qaeda" in e["name"].lower()]
    assert len(qaeda) == 1 and len(qaeda[0]["by_article"]) == 2
    assert sum(ents["Jens Stoltenberg"]["by_article"].values()) == ents["Jens Stoltenberg"]["mentions"]
    names = " ".join(seeds_report["entities"][i]["name"] for i in range(len(seeds_report["entities"])))
    for furniture in ["Advertisement", "Captcha", "Comments", "SHARE", "Roku", "n’t", "n't"]:
        assert furniture not in names


def test_seed_removed_furniture_is_kept(seeds_report):
    removed = by_id(seeds_report)["003_3565dd2f8a15d1f4"]["removed"]
    assert "captcha: Captcha verification failed!" in removed
    assert any(r.startswith("advertisement:") for r in removed)


def test_bad_files_reported_good_files_analysed(tmp_path):
    corpus = tmp_path / "mixed"
    shutil.copy(SEEDS / "004_b6da397dadb063c9.txt", corpus.mkdir() or corpus)
    write(corpus, "empty.txt", "")
    write(corpus, "binary.txt", b"\x00\x01\x02\xff" * 50)
    write(corpus, "broken.json", '{"title": "x", "text": ')
    write(corpus, "notext.csv", "title,source\nA,B\n")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.iterdir()}
    proc = run_cli("report", str(corpus), "--store", str(tmp_path / "store"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [a["id"] for a in report["articles"]] == ["004_b6da397dadb063c9"]
    errors = {e["file"]: e["error"] for e in report["errors"]}
    assert set(errors) == {"empty.txt", "binary.txt", "broken.json", "notext.csv"}
    for name in errors:
        assert name in proc.stderr  # one line each on stderr too
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.iterdir()}
    assert after == before  # nothing of the user's is changed


def test_only_bad_files_exit_nonzero(tmp_path):
    write(tmp_path / "c", "empty.txt", "")
    proc = run_cli("report", str(tmp_path / "c"), "--store", str(tmp_path / "s"), "--quiet")
    assert proc.returncode == 1 and "empty.txt" in proc.stderr


def test_incremental_build_analyses_only_new_articles(tmp_path):
    corpus = tmp_path / "inc"
    corpus.mkdir()
    for f in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(f, corpus)
    old = os.environ["NEWS_NER_CACHE"]
    os.environ["NEWS_NER_CACHE"] = str(tmp_path / "cache")  # a cold cache for this test
    try:
        first = build([str(corpus)], store_dir=tmp_path / "s", progress=False)
        shutil.copy(sorted(SEEDS.glob("*.txt"))[3], corpus)
        second = build([str(corpus)], store_dir=tmp_path / "s", progress=False)
    finally:
        os.environ["NEWS_NER_CACHE"] = old
    assert (first.analysed, second.analysed) == (3, 1)
    assert len(second.store.read("articles")) == 4


def test_manifest_overrides_and_aliases_apply(tmp_path):
    corpus = tmp_path / "m"
    corpus.mkdir()
    shutil.copy(SEEDS / "001_2fa3b75b33693510.txt", corpus)
    write(corpus, "manifest.csv", "file,title,source,date,url\n"
          "001_2fa3b75b33693510.txt,NATO ministers meet,Euronews,2021-08-20,\n")
    write(corpus, "aliases.csv", "action,name,target\nrename,Kabul,Kabul City\nignore,Afghans,\n")
    result = build([str(corpus)], store_dir=tmp_path / "s", progress=False)
    art = result.store.read("articles").iloc[0]
    assert (art["title"], art["source"], art["published"]) == ("NATO ministers meet", "Euronews", "2021-08-20")
    assert art["source_how"] == art["published_how"] == "manifest"
    names = set(result.store.read("entities")["name"])
    assert "Kabul City" in names and "Kabul" not in names
    assert not names & {"Afghan", "Afghans"} and "Afghanistan" in names


def test_malformed_side_files_name_the_line(tmp_path):
    corpus = tmp_path / "bad"
    corpus.mkdir()
    shutil.copy(SEEDS / "001_2fa3b75b33693510.txt", corpus)
    write(corpus, "aliases.csv", "action,name,target\nmerge,Kabul,\nfrobnicate,X,Y\nrename,Kabul,Kabul City\n")
    result = build([str(corpus)], store_dir=tmp_path / "s", progress=False)
    errs = {e.file: e.error for e in result.errors}
    assert "needs a name and a target" in errs["aliases.csv:2"]
    assert "unknown action 'frobnicate'" in errs["aliases.csv:3"]
    assert "Kabul City" in set(result.store.read("entities")["name"])  # the good line applies
