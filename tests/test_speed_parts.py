"""The parts that make a build fast: the forked passage topics, the gazetteer kept on disk,
and the whole-column entity table. Each is checked against the plain way of doing it."""
import os
import pickle

import pandas as pd
import pytest

from analysis.build import stages as extras
from analysis.build.pipeline import build
from tests.conftest import REPO, SEEDS


def _tables(store) -> dict[str, pd.DataFrame]:
    names = sorted(p.stem for p in store.path("articles").parent.glob("*.parquet"))
    return {n: store.read(n) for n in names}


def test_a_two_process_build_writes_the_same_tables_as_a_one_process_build(tmp_path, seeds_store):
    # seeds_store was built with two jobs (the default): the passage topics in a forked child,
    # after this test process had already run KMeans with OpenMP threads (the case that hangs
    # a child which does not limit its threads)
    one = build([str(SEEDS)], store_dir=tmp_path / "one", progress=False, extras=extras.run, n_process=1)
    a, b = _tables(one.store), _tables(seeds_store.store)
    assert a.keys() == b.keys() and "passage_topics" in a and "topics_passages" in a
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_a_forked_job_returns_its_value_raises_its_error_and_survives_a_dead_child():
    parent = os.getpid()
    assert extras.Forked(lambda x, y=0: x + y, 40, y=2).result() == 42

    def boom():
        raise ValueError("bad input in the child")

    with pytest.raises(ValueError, match="bad input in the child"):
        extras.Forked(boom).result()

    def dies():   # killed in the child (as by the OOM killer): computed again here
        if os.getpid() != parent:
            os._exit(9)
        return "computed in the parent"

    assert extras.Forked(dies).result() == "computed in the parent"


def test_the_gazetteer_is_built_once_then_read_from_disk_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    from analysis.entities import gazetteer as gz

    monkeypatch.setenv("NEWS_DATA", str(tmp_path))
    gz.gazetteer.cache_clear()
    try:
        built = gz.gazetteer()
        files = list((tmp_path / "cache").glob("gazetteer-*.pickle"))
        assert len(files) == 1
        assert built == gz._build_gazetteer()
        assert built[2] == gz.country_names() and built[2]["AF"] == "Afghanistan"
        with open(files[0], "rb") as fh:
            assert pickle.load(fh) == built
        gz.gazetteer.cache_clear()
        assert gz.gazetteer() == built             # read back
        files[0].write_bytes(b"half a pickle")          # damaged: rebuilt and rewritten
        gz.gazetteer.cache_clear()
        assert gz.gazetteer() == built
        with open(files[0], "rb") as fh:
            assert pickle.load(fh) == built
    finally:
        gz.gazetteer.cache_clear()


def test_entity_types_names_and_aliases_follow_the_vote_rules():
    from analysis.entities.canonical import canonicalize

    def mention(aid, start, surface, label):
        return {"article_id": aid, "start": start, "end": start + len(surface), "surface": surface,
                "label": label, "sentence": 0, "passage": 0}

    rows = [mention("a", 0, "Ghani", "ORG"), mention("a", 10, "Ghani", "PERSON"),
            mention("b", 0, "Varco", "GPE"), mention("b", 10, "Varco", "ORG"), mention("c", 0, "Varco", "ORG"),
            mention("c", 20, "Ashraf Ghani", "PERSON"), mention("d", 0, "Kabul", "GPE")]
    texts = {"a": "Ghani met Ghani.", "b": "Varco and Varco.", "c": "Varco today. Ashraf Ghani said.", "d": "Kabul"}
    mentions, entities = canonicalize(pd.DataFrame(rows), texts)
    by_name = entities.set_index("name")
    assert by_name.loc["Varco", "type"] == "ORG"                       # 2 ORG votes beat 1 GPE (a name the gazetteer does not know: no place evidence)
    assert by_name.loc["Ashraf Ghani", "type"] == "PERSON"             # the surname joined the full name
    assert by_name.loc["Ashraf Ghani", "mentions"] == 3
    assert by_name.loc["Ashraf Ghani", "aliases"] == ["Ghani"]
    assert list(entities["entity_id"]) == list(range(len(entities)))
    assert list(entities["mentions"]) == sorted(entities["mentions"], reverse=True)
    assert set(mentions["entity"]) == set(entities["name"])


def test_a_staged_build_writes_the_same_tables_and_a_failed_stage_changes_nothing(tmp_path, seeds_store, monkeypatch):
    """A large corpus is built one process per stage (pipeline._build_staged); forced here
    on the seeds. Same tables as the in-process build; a stage that fails leaves the
    store as it was, and the next build removes the half-written generation."""
    from analysis.build import pipeline as pipeline

    monkeypatch.setattr(pipeline, "STAGED_FROM_BYTES", 0)
    staged = build([str(SEEDS)], store_dir=tmp_path / "staged", progress=False, extras=extras.run)
    assert "analysis: topics passages" in staged.timings and "core tables" in staged.timings
    a, b = _tables(staged.store), _tables(seeds_store.store)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    before = staged.store.meta()

    real = extras.run_stage

    def failing(name, tables, **kw):
        if name == "stories":
            raise RuntimeError("stories failed on purpose")
        return real(name, tables, **kw)

    monkeypatch.setattr(extras, "run_stage", failing)
    (tmp_path / "more").mkdir()
    corpus = [str(SEEDS), str(tmp_path / "more")]
    (tmp_path / "more" / "extra.txt").write_text("NATO met in Brussels.\n\nThe Taliban spoke in Kabul.\n")
    with pytest.raises(RuntimeError, match="stories failed on purpose"):
        build(corpus, store_dir=tmp_path / "staged", progress=False, extras=extras.run)
    assert staged.store.meta() == before and staged.store.problems() == []
    assert len(list((tmp_path / "staged").glob("gen-*"))) == 2      # the current one and the failed one
    monkeypatch.setattr(extras, "run_stage", real)
    again = build(corpus, store_dir=tmp_path / "staged", progress=False, extras=extras.run)
    assert again.store.meta()["articles"] == 6
    gens = sorted(p.name for p in (tmp_path / "staged").glob("gen-*"))
    assert gens == sorted({before["generation"], again.store.meta()["generation"]})


def test_ner_in_two_worker_processes_gives_the_records_of_one_process_in_input_order():
    from analysis.entities.ner import run_ner
    from analysis.build.pipeline import read_articles

    articles, _ = read_articles([str(SEEDS)])
    pairs = list(zip(articles["hash"], articles["text"])) * 2          # 10 texts: several worker tasks
    pairs = [(f"{k}-{i}", t) for i, (k, t) in enumerate(pairs)]
    two = list(run_ner(pairs, n_process=2))
    one = list(run_ner(pairs, n_process=1))
    assert [k for k, _ in two] == [k for k, _ in pairs]
    assert two == one and sum(len(r["ents"]) for _, r in two) > 100


def test_a_setting_that_is_not_a_number_is_named_and_the_default_used(monkeypatch, capsys):
    from analysis import config

    monkeypatch.setenv("NEWS_STAGED_FROM_BYTES", "lots")
    assert config.env_int("NEWS_STAGED_FROM_BYTES", 20_000_000) == 20_000_000
    assert "NEWS_STAGED_FROM_BYTES='lots' is not a whole number: using 20000000" in capsys.readouterr().err
    monkeypatch.setenv("NEWS_STAGED_FROM_BYTES", " 5_000 ")
    assert config.env_int("NEWS_STAGED_FROM_BYTES", 20_000_000) == 5000
    monkeypatch.delenv("NEWS_STAGED_FROM_BYTES")
    assert config.env_int("NEWS_STAGED_FROM_BYTES", 7) == 7


def test_ner_workers_started_early_give_the_records_of_one_process_and_end_when_not_used():
    from analysis.entities import ner
    from analysis.build.pipeline import read_articles

    articles, _ = read_articles([str(SEEDS)])
    pairs = [(f"{k}-{i}", t) for i, (k, t) in enumerate(list(zip(articles["hash"], articles["text"])) * 2)]
    ner.start_workers(None, 2, 32)     # they load the model themselves, in their own processes
    early = list(ner.run_ner(pairs, n_process=2))
    assert ner._EARLY is None          # taken by run_ner, and closed with it
    assert early == list(ner.run_ner(pairs, n_process=1)) and sum(len(r["ents"]) for _, r in early) > 100
    ner.start_workers(None, 2, 32)
    workers = list(ner._EARLY[3]._pool)
    ner.stop_workers()                  # all of it cached: never used
    assert ner._EARLY is None and not any(w.is_alive() for w in workers)


def test_a_report_with_the_ner_workers_started_early_is_the_report_without(tmp_path):
    import json
    import subprocess
    import sys

    def report(**env):
        proc = subprocess.run([sys.executable, "-m", "analysis", "report", str(SEEDS), "--store", str(tmp_path / str(len(env))),
                               "--quiet"], cwd=REPO, env=dict(os.environ, NEWS_NER_CACHE=str(tmp_path / f"cache{len(env)}"),
                                                               **env), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    assert report(NEWS_EARLY_NER_FROM_BYTES="1") == report()


def test_the_thread_limit_reaches_libraries_loaded_after_it():
    import subprocess
    import sys

    code = ("from analysis.build.processes import limit_threads\nfrom threadpoolctl import threadpool_info\n"
            "with limit_threads(1):\n    from sklearn.cluster import KMeans\n"
            "    print(sorted({i['num_threads'] for i in threadpool_info()}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[1]"


def test_a_large_corpus_runs_two_analyses_at_a_time_within_the_memory_budget():
    """build/staged.py's schedule above stages.PARALLEL_MAX_CHARS: two at a time within the
    memory budget (the small analyses beside a large one); every stage runs once."""
    from analysis.build.staged import LONGEST_FIRST, MEMORY_WEIGHT, _next_stage

    for budget in (1, 2):
        pending, running, together = list(LONGEST_FIRST), [], []
        while pending or running:
            while (stage := _next_stage(pending, running, 2, budget)):
                pending.remove(stage)
                running.append(stage)
            together.append(tuple(running))
            large = [s for s in running if MEMORY_WEIGHT.get(s, 0)]
            assert len(large) <= 1 or sum(MEMORY_WEIGHT[s] for s in large) <= budget
            running.pop(0)   # the one that started first ends first
        assert ("topics passages", "entity clusters") in together
        assert not any({"topics passages", "sources"} <= set(t) for t in together)
        assert (("sources", "topics articles") in together) == (budget == 2)
        assert all(len(t) <= 2 for t in together) and len(set(sum(together, ()))) == len(LONGEST_FIRST)
    # a small corpus (no budget): the two longest start together
    assert _next_stage(["sources", "stories"], ["topics passages"], 2, None) == "sources"
    assert _next_stage(["sources"], ["topics passages", "stories"], 2, None) is None
