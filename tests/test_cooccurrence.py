"""The Entities page's co-occurrence counts (views/cooccurrence.py), read per entity on
demand, against the definition computed straight from the store's mentions table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.views.charts import View, top_entities
from analysis.views.corpus import Corpus
from analysis.views.filters import Filters


def _by_definition(corpus: Corpus, mask: np.ndarray, entity_ids: list[int]) -> pd.DataFrame:
    """Sentences of the masked articles that mention both a and b (a < b), from all mentions."""
    m = pd.read_parquet(corpus.path("mentions"), columns=["article_id", "sentence", "entity_id"]).dropna()
    m = m[m["entity_id"].isin(entity_ids) & m["article_id"].isin(set(corpus.articles["id"][mask]))]
    m = m.drop_duplicates()
    both = m.merge(m, on=["article_id", "sentence"], suffixes=("_a", "_b"))
    both = both[both["entity_id_a"] < both["entity_id_b"]]
    out = both.groupby(["entity_id_a", "entity_id_b"]).size().reset_index(name="n")
    out.columns = ["a", "b", "n"]
    return out.sort_values(["n", "a", "b"], ascending=[False, True, True]).reset_index(drop=True).astype("int64")


def test_cooccurrences_equal_the_self_join_of_the_mentions_for_each_filter(seeds_store):
    corpus = Corpus(seeds_store.store)
    outlet = corpus.articles["outlet"].iloc[0]
    top = top_entities(View(corpus), 3)["entity"].tolist()
    for filters in [Filters(), Filters(outlets=(outlet,)), Filters(entities=(top[0],)), Filters(), Filters(entities=(top[-1],))]:
        v = View(corpus, filters)
        ids = top_entities(v, 30)["entity_id"].tolist()
        got = corpus.cooccurrences(v.mask, ids)
        want = _by_definition(corpus, v.mask, ids)
        assert len(want), filters   # the seeds have entities named together in a sentence
        pd.testing.assert_frame_equal(got, want)
    assert corpus.cooccurrences(np.zeros(len(corpus.articles), dtype=bool), ids).empty
