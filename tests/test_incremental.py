"""Files added to a corpus update its store with the saved models (build/incremental.py):
real spaCy NER, real stores on disk. The corpus: the seeds' paragraphs, each an article."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.build import stages
from analysis.build.corpus import refit
from analysis.build.entity_edits import apply_entity_rules
from analysis.build.incremental import added_files, update
from analysis.build.pipeline import build
from analysis.build.store import Store
from analysis.clusters.assign import assign_clusters
from analysis.topics.assign import assign_topics
from analysis.topics.model import model_of
from analysis.views.corpus import Corpus
from tests.conftest import SEEDS, write


def paragraphs() -> list[str]:
    out = []
    for f in sorted(SEEDS.glob("*.txt")):
        out += [p.strip() for p in f.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 15]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A corpus of paragraph-articles (all but the last eight) built in full."""
    base = tmp_path_factory.mktemp("incremental")
    corpus, root = base / "corpus", base / "store"
    paras = paragraphs()
    assert len(paras) >= 40
    for i, p in enumerate(paras[:-8]):
        write(corpus, f"p{i:03d}.txt", p)
    build([str(corpus)], store_dir=root, progress=False, extras=stages.run)
    return base, paras


def copy_of(built, name: str):
    base, paras = built
    dst = base / name
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(base, dst, ignore=shutil.ignore_patterns("copy-*"))
    return dst / "corpus", dst / "store", paras


def test_a_fitted_article_assigned_again_gets_its_fitted_topic_cluster_and_map_position(built):
    store = Store(built[0] / "store")
    arts, passages, mentions = store.read("articles"), store.read("passages"), store.read("mentions")
    for level, name in (("articles", "article_topics"), ("passages", "passage_topics")):
        model = model_of(store.read(f"model_topics_{level}"))
        assert model is not None and len(model["centers"]) >= 2, level   # more than one topic: a real choice
        got = assign_topics(model, arts, passages, mentions, level=level)
        key = ["article_id"] if level == "articles" else ["article_id", "passage"]
        j = got["assignments"].merge(store.read(name), on=key, suffixes=("_new", "_fit"))
        assert len(j) == len(store.read(name)) > 0
        assert (j["topic_new"] == j["topic_fit"]).all(), level
        coords = got["coords"].merge(store.read("doc_map").query("level == @level"), on=["article_id", "passage"])
        assert len(coords) == len(got["coords"])
        assert (coords["x_x"] - coords["x_y"]).abs().max() < 1e-9 and (coords["y_x"] - coords["y_y"]).abs().max() < 1e-9
    got = assign_clusters(model_of(store.read("model_entity_clusters")), mentions, arts)
    j = got.merge(store.read("entity_cluster_assignments"), on="article_id", suffixes=("_new", "_fit"))
    assert len(j) == len(arts) and j["cluster_fit"].nunique() >= 2
    assert (j["cluster_new"] == j["cluster_fit"]).all()


def _consistent(store: Store) -> None:
    """Every article in every per-article table, and counts that match their rows."""
    ids = set(store.read("articles")["id"])
    for name in ("article_topics", "entity_cluster_assignments", "story_articles", "doc_map"):
        assert set(store.read(name)["article_id"]) == ids, name
    for name in ("article_topics", "entity_cluster_assignments", "story_articles"):
        assert not store.read(name)["article_id"].duplicated().any(), name
    assert set(store.read("passage_topics")["article_id"]) == set(store.read("passages")["article_id"]) == ids
    assert set(store.read("sentence_tones")["article_id"]) <= ids and \
        set(store.read("sentences")["article_id"]) == ids
    ae, ments, ents = store.read("article_entities"), store.read("mentions"), store.read("entities")
    assert ae["art"].max() < len(ids) and set(ments["entity_id"]) <= set(ents["entity_id"])
    assert not ents["entity_id"].duplicated().any()
    counts = ments.groupby("entity_id").size()
    assert (ents.set_index("entity_id")["mentions"].reindex(counts.index) == counts).all()
    topics, at = store.read("topics_articles"), store.read("article_topics")
    assert dict(zip(topics["topic"], topics["size"])) == at.groupby("topic").size().to_dict()
    clusters, ca = store.read("entity_clusters"), store.read("entity_cluster_assignments")
    assert dict(zip(clusters["cluster"], clusters["size"])) == ca.groupby("cluster").size().to_dict()
    assert set(store.read("stories")["story"]) == set(store.read("story_articles")["story"])
    assert int(store.read("topic_info").query("level == 'articles'")["units"].iloc[0]) == len(ids)


def test_added_files_are_placed_with_the_saved_models_and_the_store_stays_consistent(built):
    corpus, root, paras = copy_of(built, "copy-added")
    store = Store(root)
    before = store.read("articles")
    fitted = {n: store.read(n) for n in ("article_topics", "passage_topics", "entity_cluster_assignments")}
    # new content, and copies of fitted articles under new names (same text, same NER)
    for i, p in enumerate(paras[-8:]):
        write(corpus, f"added/n{i}.txt", p)
    copied = [before["id"].iloc[i] for i in (1, 4, 7, 10)]   # fitted articles (a file may hold none)
    for name in copied:
        shutil.copy(corpus / f"{name}.txt", corpus / "added" / f"{name}.txt")
    assert len(added_files([str(corpus)], store)) == 12
    result = update([str(corpus)], store)
    assert result is not None
    after = store.read("articles")
    n_new = len(after) - len(before)   # a file with no article text left is an error, as in a full build
    assert n_new + sum(not e.skipped for e in result.errors) == 12 and n_new >= 10 and result.analysed
    assert result.analysed <= 8          # NER for the new texts only (the copies: from the cache)
    assert after["id"].iloc[:len(before)].tolist() == before["id"].tolist()
    _consistent(store)
    meta = store.meta()
    assert meta["incremental"]["added_since_fit"] == n_new and set(meta["stale"]) >= {"stories", "sources"}
    assert added_files([str(corpus)], store) is None        # nothing more added: nothing to do
    # the grown tables are folders of parts: the dashboard's reads see the new rows after the old
    assert store.path("articles").is_dir() and store.problems() == []
    view = Corpus(store)
    new_ids = after["id"].iloc[len(before):].tolist()
    assert view.articles["id"].tolist() == after["id"].tolist()
    assert set(view.texts(new_ids)["id"]) == set(new_ids)
    assert set(view.mentions_of(new_ids)["article_id"]) == set(ments_new := store.read("mentions").query(
        "article_id in @new_ids")["article_id"]) and len(ments_new)
    assert view.mention_columns >= {"article_id", "entity_id", "found_by"}
    # a copy of a fitted article, whose entities joined the same corpus entities, gets its fitted labels
    ments = store.read("mentions")
    compared = 0
    for name in copied:
        orig, copy = name, f"added/{name}"
        if sorted(ments.loc[ments["article_id"] == orig, "entity"]) != sorted(ments.loc[ments["article_id"] == copy, "entity"]):
            continue
        compared += 1
        for table, key in (("article_topics", "topic"), ("entity_cluster_assignments", "cluster")):
            now = store.read(table).set_index("article_id")[key]
            assert now[copy] == fitted[table].set_index("article_id")[key][orig], (table, name)
        pt = store.read("passage_topics")
        a = pt[pt["article_id"] == copy].sort_values("passage")["topic"].tolist()
        b = fitted["passage_topics"].query("article_id == @orig").sort_values("passage")["topic"].tolist()
        assert a == b
    assert compared >= len(copied) // 2


def test_an_edited_file_or_a_side_file_needs_a_full_build_and_refit_clears_the_note(built, monkeypatch):
    corpus, root, paras = copy_of(built, "copy-edited")
    store = Store(root)
    (corpus / "p000.txt").write_text(paras[0] + "\n\nOne more paragraph, written later.", encoding="utf-8")
    assert added_files([str(corpus)], store) is None and update([str(corpus)], store) is None
    (corpus / "p000.txt").write_text(paras[0], encoding="utf-8")   # back as it was: only a side file added
    write(corpus, "manifest.csv", "file,title\np001.txt,A title\n")
    assert added_files([str(corpus)], store) is None
    (corpus / "manifest.csv").unlink()
    write(corpus, "added/w.txt", paras[-3])
    model = store.path("model_topics_articles")
    saved = model.read_bytes()
    pd.DataFrame({"model": [b"not a pickle"]}).to_parquet(model)   # a model that does not load: fit again
    assert added_files([str(corpus)], store) is None
    model.write_bytes(saved)
    (corpus / "added" / "w.txt").unlink()
    n = len(store.read("articles"))
    write(corpus, "added/notes.xyz", "not an article")        # an added file with no article in it
    result = update([str(corpus)], store)
    assert result is not None and len(store.read("articles")) == n and any(e.skipped for e in result.errors)
    assert "added/notes.xyz" in str(store.meta()["skipped"])
    write(corpus, "added/x.txt", paras[-1])
    assert update([str(corpus)], store) is not None and store.meta().get("incremental")
    write(corpus, "aliases.csv", "action,name,target\nignore,NATO,\n")   # an entity edit on the grown store
    mentioned = set(store.read("mentions").query("entity != 'NATO'")["article_id"])
    apply_entity_rules([str(corpus)], store)
    assert not store.meta().get("entity_keys_partial")   # replayed from the NER cache, added articles included
    assert mentioned <= set(store.read("mentions")["article_id"])   # the added articles' mentions kept
    assert store.problems() == [] and "NATO" not in set(store.read("entities")["name"])
    assert len(store.read("article_topics")) == len(store.read("articles"))
    (corpus / "aliases.csv").unlink()
    monkeypatch.setattr("analysis.build.corpus.corpus_inputs", lambda paths: list(paths))
    monkeypatch.setattr("analysis.build.corpus.config.default_store", lambda paths: root)
    refit([str(corpus)])
    meta = store.meta()
    assert "incremental" not in meta and "stale" not in meta and meta["articles"] == len(store.read("articles"))
    assert isinstance(pd.read_parquet(store.path("model_topics_articles")), pd.DataFrame)


def test_the_command_line_adds_files_incrementally_and_refits_on_request(built):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    corpus, root, paras = copy_of(built, "copy-cli")
    write(corpus, "added/y.txt", paras[-2])
    run = lambda *extra: subprocess.run([sys.executable, "-m", "analysis", "build", str(corpus), "--store", str(root),  # noqa: E731
                                         "--quiet", *extra], cwd=REPO, capture_output=True, text=True, env=os.environ)
    out = run()
    assert out.returncode == 0, out.stderr
    assert "added to the store with the saved models" in out.stderr and Store(root).meta()["incremental"]["last_added"] == 1
    out = run("--refit")
    assert out.returncode == 0, out.stderr
    assert "incremental" not in Store(root).meta() and "saved models" not in out.stderr
