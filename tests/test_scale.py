"""Unit tests of the synthetic-corpus generator and of the streamed preparation.

Small fixtures written here; nothing is timed (timings live in bench/).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from bench import make_synthetic as ms
from bench.scale import (
    iter_post_texts,
    load_bow,
    prepare_streamed,
)
from bench.scale_bench import growth_exponent
from helpers import segment
from helpers.paths import POSTS_PATH, RAW_DIR
from helpers.text_prep import general_stopwords, prepare_corpus

REAL_PARAGRAPHS = tuple(
    f"Paragraph {name} says that {topic} matters for the children of {place} this year."
    for name, topic, place in zip(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
        ["funding", "inspection", "care", "schools", "health", "police", "courts", "youth",
         "housing", "families"],
        ["Leeds", "Kent", "Hull", "Derby", "Bath", "York", "Ely", "Wells", "Truro", "Ripon"],
        strict=True,
    )
)  # fmt: skip
REAL = ms.RealCorpus(REAL_PARAGRAPHS, (2, 3, 4), "test")


def test_resample_is_deterministic_for_a_seed() -> None:
    first = ms.resample_posts(REAL, 20, seed=7)
    again = ms.resample_posts(REAL, 20, seed=7)
    other = ms.resample_posts(REAL, 20, seed=8)
    assert first == again
    assert first != other


def test_resampled_posts_use_real_lengths_and_distinct_real_paragraphs() -> None:
    posts = ms.resample_posts(REAL, 50, seed=1)
    assert len(posts) == 50
    assert {len(p.paragraph_ids) for p in posts} <= set(REAL.paragraph_counts)
    for post in posts:
        assert len(set(post.paragraph_ids)) == len(post.paragraph_ids)
        assert all(0 <= i < len(REAL_PARAGRAPHS) for i in post.paragraph_ids)
    assert [p.title for p in posts[:2]] == ["Synthetic post 000000", "Synthetic post 000001"]


def test_resample_rejects_no_posts() -> None:
    with pytest.raises(ValueError, match="n_posts"):
        ms.resample_posts(REAL, 0, seed=1)


def test_load_real_corpus_leaves_out_reprints(tmp_path: Path) -> None:
    posts = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "duplicate_of": [None, None, "a"],
            "n_paragraphs": [2, 1, 2],
        }
    )
    paragraphs = pd.DataFrame(
        {"doc_id": ["a", "a", "b", "c", "c"], "text": ["A1", "A2", "B1", "A1", "A2 edited"]}
    )
    posts.to_csv(tmp_path / "posts.csv", index=False)
    paragraphs.to_csv(tmp_path / "paragraphs.csv", index=False)
    real = ms.load_real_corpus(tmp_path / "posts.csv", tmp_path / "paragraphs.csv")
    assert real.paragraphs == ("A1", "A2", "B1")
    assert real.paragraph_counts == (2, 1)


def test_load_real_corpus_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="posts.csv"):
        ms.load_real_corpus(tmp_path / "posts.csv", tmp_path / "paragraphs.csv")


def _segment(raw: Path, monkeypatch: pytest.MonkeyPatch) -> segment.SegmentationResult:
    """Segment ``raw`` with dates left out (the dating module is tested elsewhere)."""

    def no_dates(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(index=frame.index)
        for column in ("date", "date_low", "date_high"):
            out[column] = pd.Timestamp("2020-01-01")
        out["date_precision"], out["date_basis"] = "estimated", "test"
        return out

    monkeypatch.setattr(segment, "_estimate_dates", no_dates)
    with warnings.catch_warnings():
        warnings.simplefilter("error", segment.SegmentationWarning)
        return segment.segment_corpus(raw)


def test_written_corpus_is_deterministic_and_segmentation_recovers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = ms.write_synthetic(REAL, scale=70, seed=3, base=tmp_path / "a")
    ms.write_synthetic(REAL, scale=70, seed=3, base=tmp_path / "b")
    raw_a, raw_b = tmp_path / "a" / "70x" / "raw", tmp_path / "b" / "70x" / "raw"
    names = sorted(p.name for p in raw_a.iterdir())
    assert names == ["syn_00000.txt", "syn_00001.txt", "syn_00002.txt"]  # 210 posts, 100 a file
    for name in names:
        assert (raw_a / name).read_bytes() == (raw_b / name).read_bytes()
    assert info["n_posts"] == 70 * len(REAL.paragraph_counts) == 210

    result = _segment(raw_a, monkeypatch)
    expected = pd.read_csv(tmp_path / "a" / "70x" / "posts_expected.csv")
    got = result.posts.set_index("doc_id")
    assert len(got) == 210
    assert list(got.index) == list(expected["doc_id"])
    assert list(got["title"]) == list(expected["title"])
    assert list(got["text"]) == list(expected["text"])
    # Every paragraph segmentation finds is a real one.
    assert set(result.paragraphs["text"]) <= set(REAL_PARAGRAPHS)
    assert len(result.paragraphs) == info["n_paragraphs"]


# ----------------------------------------------------------------------------
# Streaming
# ----------------------------------------------------------------------------
SENTENCES = [
    "The local authority children's services face rising demand and falling budgets.",
    "Directors of children's services want the government to fund early help.",
    "Ofsted inspections judged the service good and the social workers were thanked.",
    "Young people in care told the director of children's services about their homes.",
    "Schools, health and police must work together in the safeguarding partnership.",
]
TEXTS = [" ".join(SENTENCES[(i + j) % 5] for j in range(1 + i % 4)) for i in range(14)]
TEXTS.append("and the of it")  # a document that prepares to nothing
STOPWORDS = general_stopwords() | {"want", "told"}


def test_streamed_bow_equals_in_memory_bow(tmp_path: Path) -> None:
    memory = prepare_corpus(TEXTS, stopwords=STOPWORDS, no_below=2)
    streamed = prepare_streamed(iter(TEXTS), tmp_path, stopwords=STOPWORDS, no_below=2)
    assert streamed.n_docs == len(TEXTS)
    assert streamed.dictionary.token2id == memory.dictionary.token2id
    bow = list(load_bow(streamed.corpus_path))
    assert bow == memory.bow
    assert bow[-1] == []  # the empty document keeps its row
    assert any("_" in token for token in memory.dictionary.token2id)  # phrases were learned
    docs = [line.split() for line in streamed.docs_path.read_text(encoding="utf-8").splitlines()]
    assert docs == memory.docs


def test_streamed_bow_equals_in_memory_bow_with_a_vocabulary_cap(tmp_path: Path) -> None:
    memory = prepare_corpus(TEXTS, stopwords=STOPWORDS, no_below=2, keep_n=6)
    streamed = prepare_streamed(TEXTS, tmp_path, stopwords=STOPWORDS, no_below=2, keep_n=6)
    assert len(memory.dictionary) == 6
    assert streamed.dictionary.token2id == memory.dictionary.token2id
    assert list(load_bow(streamed.corpus_path)) == memory.bow


def test_iter_post_texts_skips_reprints_in_chunks(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "duplicate_of": [None, "a", None, None],
            "text": ["first", "first again", "third", "fourth"],
        }
    )
    frame.to_csv(tmp_path / "posts.csv", index=False)
    assert list(iter_post_texts(tmp_path / "posts.csv", chunksize=1)) == [
        "first",
        "third",
        "fourth",
    ]
    assert len(list(iter_post_texts(tmp_path / "posts.csv", include_reprints=True))) == 4


def test_growth_exponent_recovers_a_power_law() -> None:
    assert growth_exponent([1, 10, 100], [3.0, 300.0, 30000.0]) == pytest.approx(2.0)
    assert growth_exponent([1, 10], [5.0, 5.0]) == pytest.approx(0.0)
    assert growth_exponent([10], [1.0]) is None


def test_streamed_bow_equals_in_memory_bow_on_the_real_corpus(tmp_path: Path) -> None:
    """The real corpus exercises both phrase layers and the domain stopword list."""
    if not POSTS_PATH.exists():
        pytest.skip("corpus/segmented/posts.csv not built yet (make corpus)")
    texts = list(iter_post_texts(POSTS_PATH))
    memory = prepare_corpus(texts)
    streamed = prepare_streamed(iter_post_texts(POSTS_PATH, chunksize=10), tmp_path)
    assert streamed.dictionary.token2id == memory.dictionary.token2id
    assert list(load_bow(streamed.corpus_path)) == memory.bow
    assert any(token.count("_") >= 2 for token in memory.dictionary.token2id)


def _raw_posts(raw: Path) -> list[segment.RawPost]:
    """The posts segmentation finds in ``raw`` before reprint detection."""
    posts: list[segment.RawPost] = []
    for path in segment.list_raw_files(raw)[0]:
        text, _, _ = segment.decode_bytes(path.read_bytes(), path.name)
        posts += segment.segment_text(path.name, text)[1]
    return posts


def test_find_reprints_matches_the_pairwise_reference(tmp_path: Path) -> None:
    # Posts of 2-4 paragraphs drawn from 10: many are contained in others.
    ms.write_synthetic(REAL, scale=40, seed=5, base=tmp_path)
    posts = _raw_posts(tmp_path / "40x" / "raw")
    expected = segment.find_reprints_pairwise(posts)
    assert len(expected) > 20
    assert segment.find_reprints(posts) == expected
    assert segment.find_reprints(posts, block_rows=7) == expected  # several row blocks
    assert segment.find_reprints(posts, 0.5) == segment.find_reprints_pairwise(posts, 0.5)


def test_find_reprints_on_the_real_corpus() -> None:
    """Same pairs as the pairwise reference on the real files (which hold at least the
    CYP Now reprint of an ADCS post; the count grows with the corpus, so it is not fixed)."""
    posts = _raw_posts(RAW_DIR)
    expected = segment.find_reprints_pairwise(posts)
    assert expected, "the real corpus should hold at least one reprint"
    assert segment.find_reprints(posts) == expected
