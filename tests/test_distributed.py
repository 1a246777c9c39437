"""Scale-out on a real Dask LocalCluster of two worker processes: same store as a local run."""
import os

import pandas as pd
import pytest

from analysis.build.pipeline import build
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_cluster_build_equals_local_build(cluster, tmp_path):
    old = os.environ["NEWS_NER_CACHE"]
    try:
        os.environ["NEWS_NER_CACHE"] = str(tmp_path / "cache-local")
        local = build([str(SEEDS)], store_dir=tmp_path / "local", progress=False, n_process=1)
        os.environ["NEWS_NER_CACHE"] = str(tmp_path / "cache-cluster")
        remote = build([str(SEEDS)], store_dir=tmp_path / "remote", progress=False,
                       scheduler=cluster.scheduler_address)
    finally:
        os.environ["NEWS_NER_CACHE"] = old
    assert local.analysed == remote.analysed == 5  # both really ran NER (cold caches)
    for table in ["articles", "mentions", "entities", "sentences"]:
        a, b = local.store.read(table), remote.store.read(table)
        pd.testing.assert_frame_equal(a.drop(columns=["aliases"], errors="ignore"),
                                      b.drop(columns=["aliases"], errors="ignore"))
    assert local.store.read("entities")["aliases"].map(list).tolist() == \
        remote.store.read("entities")["aliases"].map(list).tolist()
