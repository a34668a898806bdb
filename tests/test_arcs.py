"""Unit tests for helpers.arcs (valence, smoothing, controls, sequences, cues)."""

import numpy as np
import pandas as pd
import pytest

from helpers.arcs import (
    DomainVader,
    arcs_by_post,
    bootstrap_band,
    classify_sequence,
    cluster_arcs,
    cue_counts,
    end_minus_start,
    grid,
    kernel_weights,
    load_cues,
    load_valence_overrides,
    pattern_polarity,
    shuffled_arcs,
    smooth_arc,
)


def test_grid_and_kernel_weights() -> None:
    assert grid(4).tolist() == [0.125, 0.375, 0.625, 0.875]
    weights = kernel_weights(7, n_bins=5, bandwidth=0.1)
    assert weights.shape == (5, 7)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        kernel_weights(0)
    with pytest.raises(ValueError):
        kernel_weights(5, bandwidth=0)


def test_smooth_arc_keeps_constants_and_monotone_trends() -> None:
    np.testing.assert_allclose(smooth_arc([0.3] * 12, n_bins=20), 0.3)
    rising = smooth_arc(np.linspace(-1, 1, 30), n_bins=20)
    assert np.all(np.diff(rising) > 0)
    assert rising[0] > -1 and rising[-1] < 1  # kernel pulls the ends inward
    with pytest.raises(ValueError):
        smooth_arc([0.1, np.nan, 0.2])


def test_arcs_by_post_orders_by_position() -> None:
    frame = pd.DataFrame(
        {"doc_id": ["b", "a", "a", "a"], "position": [0, 2, 0, 1], "v": [1.0, 3.0, 1.0, 2.0]}
    )
    arcs = arcs_by_post(frame, "v", n_bins=4)
    assert arcs.index.tolist() == ["a", "b"]
    assert list(arcs.columns) == ["t00", "t01", "t02", "t03"]
    assert np.all(np.diff(arcs.loc["a"].to_numpy()) > 0)
    np.testing.assert_allclose(arcs.loc["b"], 1.0)
    with pytest.raises(ValueError, match="lacks"):
        arcs_by_post(frame, "missing")


def test_bootstrap_band_is_seeded_and_brackets_the_mean() -> None:
    arcs = np.random.default_rng(0).normal(size=(40, 5))
    low, high = bootstrap_band(arcs, n_boot=300, seed=3)
    low2, high2 = bootstrap_band(arcs, n_boot=300, seed=3)
    np.testing.assert_array_equal(low, low2)
    np.testing.assert_array_equal(high, high2)
    mean = arcs.mean(axis=0)
    assert np.all(low < mean) and np.all(mean < high)


def test_shuffled_arcs_destroy_order_but_keep_level() -> None:
    values = [np.linspace(-1, 1, n) for n in (15, 20, 30)]
    null = shuffled_arcs(values, n_reps=200, seed=1, n_bins=10)
    assert null.shape == (200, 10)
    observed = np.mean([smooth_arc(v, 10) for v in values], axis=0)
    assert end_minus_start(observed[None, :])[0] > 1.0
    assert abs(end_minus_start(null).mean()) < 0.1
    np.testing.assert_array_equal(null, shuffled_arcs(values, n_reps=200, seed=1, n_bins=10))
    constant = shuffled_arcs([np.full(12, 0.5)], n_reps=3, seed=0, n_bins=5)
    np.testing.assert_allclose(constant, 0.5)


def test_end_minus_start() -> None:
    assert end_minus_start(np.array([[0, 0, 0, 0, 1.0]]), share=0.2).tolist() == [1.0]


def test_classify_sequence_cases() -> None:
    t = np.linspace(0, 1, 20)
    assert classify_sequence(np.where(t < 0.3, -0.4, 0.4)) == "redemption"
    assert classify_sequence(np.where(t < 0.4, 0.5, -0.3)) == "contamination"
    assert classify_sequence(np.full(20, 0.2)) == "neither"
    # A rise that does not end positive is not redemption.
    assert classify_sequence(np.where(t < 0.3, -0.8, -0.1)) == "neither"
    with pytest.raises(ValueError):
        classify_sequence([0.1, 0.2])


def test_cluster_arcs_separates_rising_and_falling_and_orders_by_size() -> None:
    rng = np.random.default_rng(0)
    rising = np.linspace(-1, 1, 10) + rng.normal(0, 0.05, size=(12, 10)) + 3
    falling = np.linspace(1, -1, 10) + rng.normal(0, 0.05, size=(5, 10))
    labels, centroids, inertia = cluster_arcs(np.vstack([rising, falling]), k=2, seed=0)
    assert labels[:12].tolist() == [0] * 12 and labels[12:].tolist() == [1] * 5
    assert centroids[0][-1] > centroids[0][0]  # centred: the level shift of +3 is removed
    assert abs(centroids[0].mean()) < 1e-9
    assert inertia > 0


def test_domain_vader_overrides_words_and_phrases() -> None:
    plain, domain = DomainVader(), DomainVader(load_valence_overrides())
    assert plain.compound("Children in care.") > 0.3
    assert domain.compound("Children in care.") == 0.0
    assert plain.compound("The council requires improvement.") > 0
    assert domain.compound("The council requires improvement.") < 0
    assert domain.compound("We face real challenges.") < 0
    assert domain.scores(["Great work.", "Terrible cuts."]).tolist()[0] > 0


def test_valence_override_file_checks(tmp_path) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text("term,vader_original,new_valence,reason\ncare,2.2,0,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a reason"):
        load_valence_overrides(path)
    path.write_text("term,vader_original,new_valence,reason\ncare,2.2,9,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="-4..4"):
        load_valence_overrides(path)


def test_pattern_polarity_signs() -> None:
    scores = pattern_polarity(["An excellent, wonderful result.", "A terrible, awful mess."])
    assert scores[0] > 0 > scores[1]


def test_cue_counts() -> None:
    counts = cue_counts(
        ["The crisis is caused by austerity; the solution is investment.", "Nothing here."],
        load_cues(),
    )
    assert counts.columns.tolist() == ["problem", "cause", "solution"]
    assert counts.iloc[0].tolist() == [1, 2, 2]
    assert counts.iloc[1].tolist() == [0, 0, 0]
