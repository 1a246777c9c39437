"""The outlet comparison counts the words of the corpus once and shares the counts between
the distinctive terms and the article similarity: both tables are exactly the tables each
computed with its own vectorizer before (same terms, counts, scores, neighbours)."""
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.compare.outlets import distinctive_terms, outlets
from analysis.compare.similarity import _similarity_tfidf, article_similarity
from analysis.compare.sources import compare_sources
from analysis.compare.words import count_words, kept_columns
from analysis.topics.vectors import STOP_WORDS, TOKEN_PATTERN
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def paragraphs() -> pd.DataFrame:
    """Every paragraph of the five seed pages as an article, in three made-up outlets."""
    rows = []
    for path in sorted(SEEDS.glob("*.txt")):
        for i, para in enumerate(p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()):
            rows.append({"id": f"{path.stem}-{i:03d}", "source": ["A", "B", "C"][len(rows) % 3], "text": para})
    return pd.DataFrame(rows)


def test_counts_are_the_corpus_words(paragraphs):
    words = count_words(outlets(paragraphs)["text"])
    assert words.counts.shape == (len(paragraphs), len(words.terms))
    terms = list(words.terms)
    assert terms == sorted(terms)
    assert "stoltenberg" in terms and "the" not in terms and "said" not in terms   # stop words out
    col = terms.index("stoltenberg")
    by_hand = sum(t.lower().count("stoltenberg") for t in outlets(paragraphs)["text"])
    assert words.counts[:, col].sum() == by_hand


@pytest.mark.parametrize("max_features,max_df", [(200_000, 1.0), (60, 1.0), (7, 1.0), (200_000, 0.05)])
def test_kept_terms_and_tfidf_are_scikit_learns(paragraphs, max_features, max_df):
    """The similarity's TF-IDF from the shared counts keeps the terms TfidfVectorizer keeps,
    with its values (to float32 precision: only the order of a row's terms differs)."""
    texts = outlets(paragraphs)["text"]
    words = count_words(texts)
    kept = kept_columns(words.counts, max_features=max_features, max_df=max_df)
    reference = TfidfVectorizer(stop_words=sorted(STOP_WORDS), token_pattern=TOKEN_PATTERN, sublinear_tf=True,
                                max_features=max_features, max_df=max_df, dtype=np.float32)
    expected = reference.fit_transform(texts)
    assert list(words.terms[kept]) == list(reference.get_feature_names_out())
    ours = _similarity_tfidf(texts, words, max_features=max_features, max_df=max_df)
    np.testing.assert_allclose(ours.toarray(), expected.toarray(), atol=1e-6)


def test_similarity_from_shared_counts_equals_counting_again(paragraphs):
    words = count_words(outlets(paragraphs)["text"])
    own = article_similarity(paragraphs)
    assert len(own) > 3 * len(paragraphs)   # most paragraphs have five neighbours with a word in common
    pd.testing.assert_frame_equal(own, article_similarity(paragraphs, words=words))


def test_kept_columns_are_the_most_frequent(paragraphs):
    words = count_words(outlets(paragraphs)["text"])
    kept = kept_columns(words.counts, max_features=5)
    totals = words.counts.sum(axis=0).A1
    assert len(kept) == 5 and list(kept) == sorted(kept)
    assert totals[kept].min() >= sorted(totals, reverse=True)[4]


def test_distinctive_terms_from_shared_counts_equal_its_own(paragraphs):
    words = count_words(outlets(paragraphs)["text"])
    own = distinctive_terms(paragraphs, min_count=2)
    pd.testing.assert_frame_equal(own, distinctive_terms(paragraphs, min_count=2, words=words))
    assert set(own["source"]) == {"A", "B", "C"}


def test_compare_sources_tables_unchanged(paragraphs):
    tables = compare_sources(paragraphs)
    pd.testing.assert_frame_equal(tables["distinctive_terms"], distinctive_terms(paragraphs))
    pd.testing.assert_frame_equal(tables["article_similarity"], article_similarity(paragraphs))
