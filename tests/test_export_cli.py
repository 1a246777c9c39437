"""`python -m analysis export`: the dashboard's charts written to files without a browser."""
import os
import subprocess
import sys

from tests.conftest import REPO, SEEDS


def test_export_command_writes_every_chart_for_the_filters(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "analysis", "export", str(SEEDS), "--store", str(tmp_path / "store"), "--quiet",
           "--out", str(out), "--outlet", "Press TV", "--formats", "csv,html"]
    done = subprocess.run(cmd, cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    filters = (out / "filters.txt").read_text()
    assert "articles: 1 of 5" in filters and "outlets: Press TV" in filters
    csvs, htmls = sorted(out.glob("*.csv")), sorted(out.glob("*.html"))
    assert len(csvs) >= 15 and {p.stem for p in csvs} == {p.stem for p in htmls}
    names = {p.stem for p in csvs}
    assert {"passage_topics", "entity_clusters", "entity_communities", "places_map"} <= names, names
    assert "Press TV" in (out / "articles_per_outlet.csv").read_text()
    assert "Khaama Press" not in (out / "articles_per_outlet.csv").read_text()
    html = (out / "top_entities.html").read_text()
    assert "<script src=" not in html.replace("'", '"') and len(html) > 1_000_000  # plotly.js inlined: offline


def test_export_command_refuses_a_bad_date_or_format(tmp_path):
    base = [sys.executable, "-m", "analysis", "export", str(SEEDS), "--store", str(tmp_path / "store"), "--quiet",
            "--out", str(tmp_path / "out")]
    bad = subprocess.run(base + ["--from", "August"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0 and "--from takes a date" in bad.stderr
    bad = subprocess.run(base + ["--formats", "gif"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0 and "gif" in bad.stderr


def test_report_of_an_up_to_date_store_reads_it_without_building_again(tmp_path):
    import json
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    base = [sys.executable, "-m", "analysis", "report", str(corpus), "--store", str(tmp_path / "store"), "--quiet"]

    def report():
        done = subprocess.run(base, cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        meta = json.loads((tmp_path / "store" / "meta.json").read_text())
        return json.loads(done.stdout), meta["generation"]

    first, gen = report()
    again, same = report()
    assert same == gen and again["entities"] == first["entities"]      # nothing changed: no build
    (corpus / "005_more.txt").write_text("NATO met in Brussels on Monday.\n\nThe Taliban spoke in Kabul.\n")
    grown, new = report()
    assert new != gen and len(grown["articles"]) == len(first["articles"]) + 1   # a file added: updated
