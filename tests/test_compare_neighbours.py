"""The article similarity's nearest neighbours (compare/similarity.py nearest_neighbours: every
pair's product once, block by block) are scikit-learn's brute-force cosine neighbours, the
way the article similarity found them before: the same neighbours and cosines, whatever the
block size (blocks smaller than the corpus exercise the merging of blocks)."""
import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.neighbors import NearestNeighbors

from analysis.compare.outlets import outlets
from analysis.compare.similarity import _similarity_tfidf, article_similarity, nearest_neighbours
from tests.test_compare_words import paragraphs  # noqa: F401  (the fixture: the seed pages' paragraphs)


def _reference(tfidf, k: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's cosine neighbours (the article similarity's method until session 6)."""
    nn = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(tfidf)
    with sklearn.config_context(working_memory=64):
        dist, idx = nn.kneighbors()
    return dist, idx


@pytest.mark.parametrize("block", [5, 16, 33, 4096])
def test_neighbours_are_scikit_learns(paragraphs, block):  # noqa: F811
    tfidf = _similarity_tfidf(outlets(paragraphs)["text"], None, max_features=200_000, max_df=1.0)
    k = 5
    dist, idx = _reference(tfidf, k)
    sims, ours = nearest_neighbours(tfidf, k, block=block)
    assert ours.shape == (tfidf.shape[0], k) and (ours != np.arange(len(ours))[:, None]).all()
    ours_dist = np.clip(np.float32(1) - sims, 0, 2)
    np.testing.assert_array_equal(np.sort(ours_dist, axis=1), np.sort(dist, axis=1))   # the same k distances
    # the same neighbours, but where several rows tie at the k-th distance (either may be kept)
    kth = dist[:, -1:]
    strict = dist < kth
    for r in range(len(ours)):
        assert set(idx[r][strict[r]]) <= set(ours[r])
        assert np.all(ours_dist[r] <= kth[r])
    assert strict.sum() > 2 * len(ours)   # most rows have neighbours strictly nearer than the k-th


def test_ties_go_to_the_lower_row():
    """Three identical texts and a fourth with one word in common: each copy's nearest are
    the two other copies; with k=1 the lower row of the two."""
    arts = pd.DataFrame({"id": ["a", "b", "c", "d"], "source": ["A", "B", "C", "D"],
                         "text": ["troops leave kabul airport", "troops leave kabul airport",
                                  "troops leave kabul airport", "kabul markets reopen"]})
    one = article_similarity(arts, top_k=1).set_index("article_id")["other_id"]
    assert one.to_dict() == {"a": "b", "b": "a", "c": "a", "d": "a"}
    two = article_similarity(arts, top_k=2)
    assert set(two[two["article_id"] == "c"]["other_id"]) == {"a", "b"}
    assert (two[two["article_id"] != "d"]["cosine"] >= 0.999).all()


def test_similarity_table_equals_scikit_learns(paragraphs):  # noqa: F811
    """article_similarity's table is the one it made with NearestNeighbors: the same articles
    and cosines row for row, and the same neighbours but at a tie for the last place."""
    docs = outlets(paragraphs)
    tfidf = _similarity_tfidf(docs["text"], None, max_features=200_000, max_df=1.0)
    dist, idx = _reference(tfidf, 5)
    ids = docs["article_id"].to_numpy()
    before = pd.DataFrame({"article_id": np.repeat(ids, 5), "other_id": ids[idx.ravel()],
                           "cosine": (1.0 - dist.ravel()).round(6)})
    before = before[before["cosine"] > 0.0].sort_values(["article_id", "cosine", "other_id"],
                                                       ascending=[True, False, True]).reset_index(drop=True)
    after = article_similarity(paragraphs)
    pd.testing.assert_frame_equal(after[["article_id", "cosine"]], before[["article_id", "cosine"]])
    last = before.groupby("article_id")["cosine"].transform("min")
    above = before["cosine"] > last   # not tied with the last kept neighbour
    assert above.sum() > 2 * before["article_id"].nunique()
    assert (after["other_id"][above] == before["other_id"][above]).all()
    tied = ~above
    pairs = lambda t: set(zip(t["article_id"][tied], t["other_id"][tied]))  # noqa: E731
    assert len(pairs(after) ^ pairs(before)) < 0.05 * len(before)   # ties: mostly the same choice
