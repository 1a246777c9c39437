"""The README's cluster recipe, followed literally: `dask scheduler` and `dask worker` started
as separate processes from the .venv (not a LocalCluster inside the test), then
`python -m analysis build PATH --scheduler tcp://...`. Every process runs in a folder
outside the checkout, so `analysis` imports only because the project is installed
(`pip install -e .` in scripts/setup.sh): the scheduler unpickles the task graph and the
workers run NER, and both need the package. The store equals a local build's."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, SEEDS

BIN = Path(sys.executable).parent
DASK = BIN / "dask"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp: Path, name: str) -> dict:
    """The environment a person's shell would have: no PYTHONPATH pointing at the checkout,
    a data folder and NER cache of the test's own (cold, so the cluster really runs NER)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(NEWS_DATA=str(tmp / f"data-{name}"), NEWS_NER_CACHE=str(tmp / f"cache-{name}"))
    return env


def _start(cmd: list[str], cwd: Path, env: dict, log: Path) -> subprocess.Popen:
    # a session of its own, so that stopping it also stops the worker processes it forked
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"dask scheduler exited:\n{log.read_text()}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"dask scheduler not listening on {port} after {timeout} s:\n{log.read_text()}")


def _tables(store: Path) -> dict[str, object]:
    """Every table of a store as Arrow tables, read from disk by the store's own layout
    (meta.json names the current generation and its tables)."""
    meta = json.loads((store / "meta.json").read_text())
    return {name: pq.read_table(store / meta["generation"] / f"{name}.parquet") for name in meta["tables"]}


def _build(args: list[str], cwd: Path, env: dict, timeout: float) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "python"), "-m", "analysis", "build", *args, "--quiet"], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def outside(tmp_path) -> Path:
    """A working folder outside the checkout, with a copy of the seeds corpus."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "run").mkdir()
    return tmp_path


def test_installed_package_is_this_checkout(outside):
    """From outside the checkout, `import analysis` finds the installed (editable) package,
    and it is this checkout: what the scheduler and workers import is the code under test."""
    done = subprocess.run([str(BIN / "python"), "-c", "import analysis; print(analysis.__file__)"],
                          cwd=outside / "run", env=_env(outside, "x"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"analysis is not installed in {BIN.parent}: run bash scripts/setup.sh\n{done.stderr}"
    assert Path(done.stdout.strip()) == REPO / "analysis" / "__init__.py"
    assert DASK.exists(), f"{DASK} missing: dask[distributed] is in requirements.txt"


def test_scheduler_and_workers_as_processes_build_the_local_store(outside):
    run, corpus = outside / "run", outside / "seeds"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []
    try:
        log = outside / "scheduler.log"
        scheduler = _start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                            "--no-dashboard"], run, _env(outside, "scheduler"), log)
        procs.append(scheduler)
        _wait_for_port(port, scheduler, log)
        wlog = outside / "worker.log"
        procs.append(_start([str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1",
                             "--no-dashboard", "--local-directory", str(outside / "worker-space")],
                            run, _env(outside, "worker"), wlog))
        from dask.distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=180)
        remote = _build([str(corpus), "--store", str(outside / "store-cluster"), "--scheduler", address],
                        run, _env(outside, "cluster"), timeout=600)
    finally:
        for proc in reversed(procs):
            _stop(proc)
    local = _build([str(corpus), "--store", str(outside / "store-local")], run, _env(outside, "local"),
                   timeout=600)
    # both builds ran NER on all five articles (cold caches): the cluster's really did the work
    assert "5 articles (5 analysed now" in remote.stderr, remote.stderr
    assert "5 articles (5 analysed now" in local.stderr, local.stderr
    assert "ModuleNotFoundError" not in (outside / "scheduler.log").read_text()
    a, b = _tables(outside / "store-local"), _tables(outside / "store-cluster")
    assert sorted(a) == sorted(b)
    assert {"articles", "mentions", "entities", "sentences"} <= set(a)
    assert a["articles"].num_rows == 5
    different = [name for name in a if not a[name].equals(b[name])]
    assert different == [], f"tables that differ between the local and the cluster build: {different}"
