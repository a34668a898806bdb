"""Unit tests of helpers.topics on a tiny two-theme corpus written for the tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gensim.corpora import Dictionary

from helpers.topics import (
    best_match_stability,
    bootstrap_mean_ci,
    choose_k,
    classical_mds,
    coherence,
    doc_topic_matrix,
    fit_lda,
    jaccard,
    js_distance_matrix,
    live_topics,
    run_grid,
    stability_table,
    summarise_grid,
    top_words,
)

SCHOOL = ["school", "teacher", "pupil", "exam", "class", "lesson"]
CARE = ["foster", "carer", "placement", "court", "adoption", "home"]


def _corpus() -> tuple[list[list[str]], Dictionary, list[list[tuple[int, int]]]]:
    rng = np.random.default_rng(0)
    docs = []
    for i in range(24):
        theme = SCHOOL if i % 2 else CARE
        docs.append([theme[j] for j in rng.integers(0, len(theme), size=30)])
    dictionary = Dictionary(docs)
    return docs, dictionary, [dictionary.doc2bow(d) for d in docs]


def test_jaccard() -> None:
    assert jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert jaccard([], []) == 1.0
    assert jaccard(["a"], ["b"]) == 0.0


def test_best_match_stability_identical_permuted_and_disjoint_runs() -> None:
    run_a = [["a", "b"], ["c", "d"]]
    run_b = [["c", "d"], ["a", "b"]]  # same topics, other order
    assert best_match_stability([run_a, run_b]) == [[1.0, 1.0], [1.0, 1.0]]
    run_c = [["x", "y"], ["a", "z"]]
    scores = best_match_stability([run_a, run_c])
    assert scores[0] == [pytest.approx(1 / 3), 0.0]
    with pytest.raises(ValueError):
        best_match_stability([run_a])


def test_fit_lda_is_seeded_and_recovers_two_themes() -> None:
    docs, dictionary, bow = _corpus()
    first = fit_lda(bow, dictionary, 2, seed=3, passes=20)
    again = fit_lda(bow, dictionary, 2, seed=3, passes=20)
    assert np.array_equal(first.get_topics(), again.get_topics())
    words = [set(w[:6]) for w in top_words(first, [0, 1], topn=6)]
    assert sorted(words, key=sorted) == sorted([set(SCHOOL), set(CARE)], key=sorted)
    theta = doc_topic_matrix(first, bow)
    assert theta.shape == (24, 2)
    assert np.allclose(theta.sum(axis=1), 1.0)
    assert live_topics(theta) == [0, 1]
    with pytest.raises(ValueError):
        fit_lda(bow, dictionary, 1, seed=0)


def test_live_topics_threshold() -> None:
    theta = np.array([[0.995, 0.005], [0.995, 0.005]])
    assert live_topics(theta, min_share=0.01) == [0]


def test_coherence_requires_topn_words_and_scores_themes_above_mixtures() -> None:
    docs, dictionary, _ = _corpus()
    pure = coherence([SCHOOL[:4], CARE[:4]], docs, dictionary, "c_npmi", topn=4)
    mixed = coherence([SCHOOL[:2] + CARE[:2]], docs, dictionary, "c_npmi", topn=4)
    assert min(pure) > mixed[0]
    with pytest.raises(ValueError, match="fewer than topn"):
        coherence([SCHOOL[:3]], docs, dictionary, "c_npmi", topn=4)


def test_run_grid_serial_equals_parallel_and_summarises() -> None:
    docs, dictionary, bow = _corpus()
    kwargs = {"texts": docs, "topn": 5, "passes": 5, "iterations": 20}
    serial = run_grid(bow, dictionary, [3, 2], [2, 1], processes=1, **kwargs)
    parallel = run_grid(bow, dictionary, [2, 3], [1, 2], processes=2, **kwargs)
    assert list(serial[["k", "seed"]].itertuples(index=False, name=None)) == [
        (2, 1), (2, 2), (3, 1), (3, 2)
    ]  # fmt: skip
    pd.testing.assert_frame_equal(serial, parallel)
    stab = stability_table(serial)
    assert set(stab["k"]) == {2, 3}
    assert stab["stability"].between(0, 1).all()
    summary = summarise_grid(serial)
    assert list(summary["k"]) == [2, 3]
    # two clean themes: at k=2 both seeds find the same top-5 words
    assert summary.loc[summary["k"] == 2, "stability_median"].item() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        run_grid(bow, dictionary, [2], [1], processes=0, texts=docs)
    with pytest.raises(ValueError, match="texts"):
        run_grid(bow, dictionary, [2], [1], processes=1, texts=docs[:3])


def test_choose_k_stability_first_then_coherence_then_smaller_k() -> None:
    summary = pd.DataFrame(
        {
            "k": [4, 6, 8, 10],
            "stability_median": [0.50, 0.47, 0.30, 0.49],
            "c_npmi_mean": [0.01, 0.05, 0.20, 0.05],
        }
    )
    assert choose_k(summary, tolerance=0.05) == 6  # 8 excluded (unstable); 6 ties 10 -> smaller
    assert choose_k(summary, tolerance=0.0) == 4
    with pytest.raises(ValueError):
        choose_k(summary.drop(columns="c_npmi_mean"))


def test_js_distance_and_mds() -> None:
    p = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    d = js_distance_matrix(p)
    assert d[0, 1] == pytest.approx(0.0)
    assert d[0, 2] == pytest.approx(1.0)
    assert np.allclose(d, d.T)
    xy = classical_mds(d)
    assert xy.shape == (3, 2)
    assert np.linalg.norm(xy[0] - xy[2]) == pytest.approx(1.0, abs=1e-6)


def test_bootstrap_mean_ci_brackets_mean_and_is_seeded() -> None:
    values = np.array([[0.1, 0.9], [0.3, 0.7], [0.5, 0.5], [0.7, 0.3]])
    mean, low, high = bootstrap_mean_ci(values, n_boot=200, seed=1)
    assert np.allclose(mean, [0.4, 0.6])
    assert (low <= mean).all() and (mean <= high).all()
    again = bootstrap_mean_ci(values, n_boot=200, seed=1)
    assert np.array_equal(low, again[1])
    with pytest.raises(ValueError):
        bootstrap_mean_ci(np.array([]))


def test_committed_doc_topics_honour_the_contract() -> None:
    """results/topics/doc_topics.csv is what notebooks 05-06 join on (written by notebook 04)."""
    from helpers import load_corpus
    from helpers.paths import DATA_DIR, RESULTS_DIR

    table = pd.read_csv(RESULTS_DIR / "topics" / "doc_topics.csv")
    topic_cols = [c for c in table.columns if c.startswith("topic_")]
    k = len(topic_cols)
    assert list(table.columns) == ["doc_id", "dominant_topic", "dominant_label"] + [
        f"topic_{t:02d}" for t in range(1, k + 1)
    ]
    assert table["doc_id"].is_unique
    assert sorted(table["doc_id"]) == sorted(load_corpus()["doc_id"])
    shares = table[topic_cols].to_numpy()
    assert np.allclose(shares.sum(axis=1), 1.0, atol=5e-4 * k)
    assert (table["dominant_topic"] == shares.argmax(axis=1) + 1).all()
    labels = pd.read_csv(DATA_DIR / "topic_labels.csv")
    assert sorted(labels["topic"]) == list(range(1, k + 1))
    assert labels["label"].str.len().gt(0).all() and labels["rationale"].str.len().gt(20).all()
    by_topic = dict(zip(labels["topic"], labels["label"], strict=True))
    assert all(
        lab.endswith(by_topic[t])
        for t, lab in zip(table["dominant_topic"], table["dominant_label"], strict=True)
    )


def test_run_peers_recover_themes_and_are_deterministic() -> None:
    from helpers.topics import run_peers

    _, dictionary, bow = _corpus()
    first = run_peers(bow, dictionary, 2, [1, 2], processes=1, topn=6)
    again = run_peers(bow, dictionary, 2, [1, 2], processes=2, topn=6)
    assert first == again
    for runs in first.values():
        assert len(runs) == 2
        for run in runs:
            assert sorted(map(frozenset, run), key=sorted) == sorted(
                [frozenset(SCHOOL), frozenset(CARE)], key=sorted
            )
