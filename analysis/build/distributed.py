"""Scale-out: the per-article analysis (NER) on a Dask distributed cluster.

Workers receive chunks of (hash, text), run the same NER as a local build and
return plain records; the client writes them into the same NER cache parts, so the
store is identical to a local run and workers need no shared filesystem. Each
worker loads the model once (analysis.nlp.load_model is cached per process).
"""
from __future__ import annotations

from analysis.entities.ner import run_ner


def ner_chunk(pairs: list[tuple[str, str]], model: str | None) -> list[tuple[str, dict]]:
    """Runs on a worker: NER for one chunk of (hash, text)."""
    return list(run_ner(pairs, model=model, n_process=1))


def analyse_on_cluster(pairs: list[tuple[str, str]], cache, *, scheduler: str, model: str,
                       chunk_size: int = 64, on_done=None) -> int:
    """Send chunks to the cluster at `scheduler` (tcp://HOST:PORT); write results as
    they arrive (so an interrupted run keeps what finished). Returns the count."""
    from dask.distributed import Client, as_completed

    chunks = [pairs[i:i + chunk_size] for i in range(0, len(pairs), chunk_size)]
    done = 0
    with Client(scheduler) as client:
        futures = client.map(ner_chunk, chunks, model=model, pure=False)
        for future in as_completed(futures):
            results = future.result()
            cache.add(results)
            done += len(results)
            if on_done:
                on_done(len(results))
    return done
