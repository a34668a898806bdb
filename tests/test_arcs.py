"""Unit tests for helpers.arcs, helpers.arc_nulls, helpers.valence and helpers.cues."""

import numpy as np
import pandas as pd
import pytest

from helpers.arc_nulls import (
    NULL_KINDS,
    drop_last,
    edge_means,
    end_rise,
    null_arcs,
    null_indices,
    observed_arcs,
)
from helpers.arcs import (
    DomainVader,
    arcs_by_post,
    bootstrap_band,
    classify_sequence,
    classify_sequences,
    cluster_arcs,
    end_minus_start,
    grid,
    kernel_weights,
    load_valence_overrides,
    name_shape,
    pattern_polarity,
    smooth_arc,
    topics_to_compare,
)
from helpers.cues import (
    cue_counts,
    cue_matches,
    cue_precision,
    frame_agreement,
    load_cues,
    problem_before_solution,
)
from helpers.valence import (
    Combination,
    candidate_scores,
    load_codings,
    spearman_ci,
    validity_table,
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


def test_null_indices_are_reorderings_of_the_right_kind() -> None:
    rng = np.random.default_rng(0)
    for kind in NULL_KINDS:
        idx = null_indices(10, kind, 50, rng, block=3)
        assert idx.shape == (50, 10)
        assert all(sorted(row) == list(range(10)) for row in idx)
    circular = null_indices(7, "circular", 20, rng)
    assert all(((np.diff(row) % 7) == 1).all() for row in circular)  # rotations only
    block = null_indices(9, "block", 20, rng, block=3)
    assert all(row[0] % 3 == 0 and row[1] == row[0] + 1 and row[2] == row[0] + 2 for row in block)
    reversal = null_indices(5, "reversal", 200, rng)
    forward = (reversal == np.arange(5)).all(axis=1)
    backward = (reversal == np.arange(5)[::-1]).all(axis=1)
    assert (forward | backward).all() and 50 < forward.sum() < 150
    with pytest.raises(ValueError, match="unknown"):
        null_indices(5, "bogus", 3, rng)


def test_null_arcs_keep_level_and_destroy_a_trend() -> None:
    values = [np.linspace(-1, 1, n) for n in (15, 20, 30)]
    observed = observed_arcs(values, n_bins=10)
    assert end_minus_start(observed.mean(axis=0)[None, :])[0] > 1.0
    for kind in NULL_KINDS:
        null = null_arcs(values, kind, n_reps=300, seed=1, n_bins=10)
        assert null.shape == (300, 3, 10)
        np.testing.assert_allclose(
            null.mean(axis=2), np.broadcast_to(observed.mean(axis=1), (300, 3)), atol=0.15
        )
        pooled = null.mean(axis=1)
        assert abs(end_minus_start(pooled).mean()) < 0.2
        np.testing.assert_array_equal(null, null_arcs(values, kind, n_reps=300, seed=1, n_bins=10))
    constant = null_arcs([np.full(12, 0.5)], "circular", n_reps=3, seed=0, n_bins=5)
    np.testing.assert_allclose(constant, 0.5)


def test_edge_means_and_drop_last() -> None:
    values = [np.arange(10, dtype=float), np.array([1.0, 2.0, 3.0])]
    opening, ending = edge_means(values, share=0.2)
    assert opening.tolist() == [0.5, 1.0] and ending.tolist() == [8.5, 3.0]
    null_open, null_end = edge_means(values, 0.2, kind="reversal", n_reps=40, seed=0)
    assert null_open.shape == (40, 2)
    assert set(np.round(null_open[:, 0], 6)) <= {0.5, 8.5}
    trimmed = drop_last(values, 2, keep=2)
    assert trimmed[0].tolist() == list(range(8)) and trimmed[1].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        drop_last(values, -1)


def test_end_minus_start() -> None:
    assert end_minus_start(np.array([[0, 0, 0, 0, 1.0]]), share=0.2).tolist() == [1.0]


def test_classify_sequence_cases() -> None:
    t = np.linspace(0, 1, 20)
    assert classify_sequence(np.where(t < 0.3, -0.4, 0.4)) == "dip_then_rise"
    assert classify_sequence(np.where(t < 0.4, 0.5, -0.3)) == "peak_then_fall"
    assert classify_sequence(np.full(20, 0.2)) == "neither"
    # A rise that does not end positive is not counted.
    assert classify_sequence(np.where(t < 0.3, -0.8, -0.1)) == "neither"
    # A rise that does not last (falls back before the end) is not counted either.
    assert classify_sequence(np.where(t < 0.3, -0.4, np.where(t < 0.9, -0.4, 0.4))) == "neither"
    with pytest.raises(ValueError):
        classify_sequence([0.1, 0.2])


def test_classify_sequences_matches_one_by_one() -> None:
    rng = np.random.default_rng(5)
    arcs = np.cumsum(rng.normal(0, 0.15, size=(300, 20)), axis=1) + rng.normal(0, 0.2, (300, 1))
    vectorised = classify_sequences(arcs)
    single = [classify_sequence(a) for a in arcs]
    assert vectorised.tolist() == single
    assert {"dip_then_rise", "peak_then_fall", "neither"} <= set(single)
    assert classify_sequences(arcs.reshape(3, 100, 20)).shape == (3, 100)


def test_name_shape() -> None:
    t = np.linspace(0, 1, 20)
    assert name_shape(t - t.mean()) == "rising"
    assert name_shape(t.mean() - t) == "falling"
    dip = (t - 0.5) ** 2
    assert name_shape(dip - dip.mean()) == "dip in the middle"
    assert name_shape(-(dip - dip.mean())) == "peak in the middle"
    assert name_shape(np.zeros(20)) == "flat"
    tilted = dip - dip.mean() + 0.1 * (t - 0.5)
    assert name_shape(tilted) == "dip in the middle, ending higher"
    steep = dip - dip.mean() + 0.6 * (t - 0.5)
    assert name_shape(steep) == "rising, dip in the middle"


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


def test_domain_vader_phrases_with_apostrophes_and_curly_quotes() -> None:
    overrides = pd.DataFrame(
        {
            "term": ["children's trust"],
            "vader_original": [""],
            "new_valence": [0.0],
            "reason": ["x"],
        }
    )
    plain, domain = DomainVader(), DomainVader(overrides)
    assert plain.compound("The Children\u2019s Trust") > 0
    assert domain.compound("The Children\u2019s Trust") == 0.0


def test_valence_override_file_checks(tmp_path) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text("term,vader_original,new_valence,reason\ncare,2.2,0,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="overrides.csv: empty 'reason'"):
        load_valence_overrides(path)
    path.write_text("term,vader_original,new_valence,reason\ncare,2.2,9,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="-4..4"):
        load_valence_overrides(path)
    path.write_text("term,vader_original,new_valence,reason\ncare,2.2,high,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must be a number"):
        load_valence_overrides(path)


def test_candidate_scores_and_combination() -> None:
    sentences = [
        "An excellent, wonderful result.",
        "A terrible, awful crisis.",
        "The report is out.",
    ]
    scores = candidate_scores(sentences, load_valence_overrides())
    assert list(scores.columns) == [
        "vader_plain",
        "vader_domain",
        "vader_domain_balance",
        "pattern",
    ]
    assert (scores.iloc[0] > 0).all() and (scores.iloc[1] < 0).all()
    rng = np.random.default_rng(0)
    features = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    target = 2 * features["a"] - features["b"] + 1
    model = Combination.fit(features, target, ["a", "b"])
    np.testing.assert_allclose(model.predict(features), target, atol=1e-9)
    with pytest.raises(ValueError):
        Combination.fit(features.head(3), target.head(3), ["a", "b"])


def test_load_codings_checks_values_and_coverage(tmp_path) -> None:
    path = tmp_path / "codings.csv"
    header = "item_id,valence,problem,cause,solution,notes\n"
    path.write_text(header + "v1,-2,1,0,0,\nv2,+1,0,0,1,ok\n", encoding="utf-8")
    codings = load_codings(path, items=["v1", "v2"])
    assert codings["valence"].tolist() == [-2, 1]
    with pytest.raises(ValueError, match="not coded"):
        load_codings(path, items=["v1", "v2", "v3"])
    path.write_text(header + "v1,3,1,0,0,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="codings.csv: valence outside"):
        load_codings(path)
    path.write_text(header + "v1,1,2,0,0,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="problem outside"):
        load_codings(path)


def test_spearman_ci_and_validity_table() -> None:
    rng = np.random.default_rng(1)
    human = pd.Series(rng.integers(-2, 3, size=200).astype(float))
    measures = pd.DataFrame(
        {"good": human + rng.normal(0, 0.5, 200), "noise": rng.normal(size=200)}
    )
    table = validity_table(human, measures, n_boot=200, seed=0)
    assert table.loc["good", "spearman"] > 0.7 > table.loc["noise", "high"]
    assert table.loc["good", "low"] < table.loc["good", "spearman"] < table.loc["good", "high"]
    rho, low, high = spearman_ci([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], n_boot=50)
    assert rho == pytest.approx(1.0)


def test_pattern_polarity_signs() -> None:
    scores = pattern_polarity(["An excellent, wonderful result.", "A terrible, awful mess."])
    assert scores[0] > 0 > scores[1]


def test_cue_counts_and_matches() -> None:
    cues = load_cues(used_only=True)
    assert (cues["use"] == "yes").all()
    counts = cue_counts(
        ["The crisis is caused by cuts; the solution is investment.", "Nothing here."], cues
    )
    assert counts.columns.tolist() == ["problem", "cause", "solution"]
    assert counts.iloc[0].tolist() == [2, 1, 2]
    assert counts.iloc[1].tolist() == [0, 0, 0]
    matches = cue_matches(["Child poverty is a programme topic."], load_cues())
    dropped = load_cues().query("use == 'no'")["cue_id"]
    assert matches[list(dropped)].to_numpy().sum() > 0  # topic nouns still listed, but not used
    assert cue_counts(["Child poverty is a programme topic."], cues).to_numpy().sum() == 0


def test_cue_file_checks(tmp_path) -> None:
    path = tmp_path / "cues.csv"
    path.write_text("frame,pattern,use,notes\nproblem,(unclosed,yes,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad pattern on row 2"):
        load_cues(path)
    path.write_text("frame,pattern,use,notes\nhope,\\bhope\\b,yes,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown frames"):
        load_cues(path)
    path.write_text("frame,pattern,use,notes\nproblem,\\bbad\\b,maybe,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="yes or no"):
        load_cues(path)


def test_cue_precision_and_frame_agreement() -> None:
    cues = pd.DataFrame(
        {
            "frame": ["problem", "solution"],
            "pattern": [r"\bbad\b", r"\bfix\b"],
            "use": ["yes"] * 2,
            "notes": ["", ""],
            "cue_id": ["problem_01", "solution_01"],
        }
    )
    sentences = ["bad", "bad", "fix it", "fine", "bad and fix"]
    codes = pd.DataFrame(
        {"problem": [1, 0, 0, 1, 1], "cause": [0] * 5, "solution": [0, 0, 1, 0, 1]}
    )
    precision = cue_precision(cue_matches(sentences, cues), cues, codes)
    assert precision.loc["problem_01", "fires"] == 3
    assert precision.loc["problem_01", "precision"] == pytest.approx(2 / 3)
    assert precision.loc["solution_01", "precision"] == 1.0
    table = frame_agreement(codes, cue_counts(sentences, cues), n_boot=50)
    assert table.loc["solution", "kappa"] == 1.0
    assert table.loc["problem", "recall"] == pytest.approx(2 / 3)


def test_frame_agreement_by_post_resamples_whole_posts() -> None:
    rng = np.random.default_rng(4)
    human = pd.DataFrame({f: rng.integers(0, 2, 40) for f in ("problem", "cause", "solution")})
    detected = human.where(rng.random((40, 3)) < 0.8, 1 - human)
    plain = frame_agreement(human, detected, n_boot=200, seed=5)
    # One sentence per post (ids sorted as the rows): the same draws as the sentence bootstrap.
    one_each = frame_agreement(human, detected, 200, 5, groups=[f"p{i:03d}" for i in range(40)])
    pd.testing.assert_frame_equal(one_each, plain)
    # Every sentence copied three times inside its own post: the interval is that of the
    # sentences alone (resampling posts resamples them), wider than the copies' naive one.
    tripled_h, tripled_d = human.loc[human.index.repeat(3)], detected.loc[detected.index.repeat(3)]
    posts = [f"p{i:03d}" for i in range(40) for _ in range(3)]
    grouped = frame_agreement(tripled_h, tripled_d, 200, 5, groups=posts)
    naive = frame_agreement(tripled_h, tripled_d, 200, 5)
    for col in ("kappa", "kappa_low", "kappa_high"):
        np.testing.assert_allclose(grouped[col], plain[col])
    assert (
        (naive["kappa_high"] - naive["kappa_low"]) < (grouped["kappa_high"] - grouped["kappa_low"])
    ).all()
    with pytest.raises(ValueError, match="groups"):
        frame_agreement(human, detected, 10, 0, groups=["p"] * 3)


def test_problem_before_solution_observed_and_null() -> None:
    problem = [np.array([1, 0, 0, 0]), np.array([0, 0, 0, 1]), np.array([0, 0, 0, 0])]
    solution = [np.array([0, 0, 0, 1]), np.array([1, 0, 0, 0]), np.array([1, 1, 0, 0])]
    assert problem_before_solution(problem, solution).tolist() == [True, False, False]
    null = problem_before_solution(problem, solution, kind="reversal", n_reps=100, seed=0)
    assert null.shape == (100, 3)
    assert 20 < null[:, 0].sum() < 80 and 20 < null[:, 1].sum() < 80  # each post read either way
    assert not null[:, 2].any()


def test_topics_to_compare_handles_any_k_stable_and_placeholders() -> None:
    doc_topics = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "dominant_topic": [1, 2, 7, 7, None],
            "dominant_label": ["one", "two", "seven", "seven", ""],
            "topic_07": [0.1, 0.2, 0.9, 0.8, 0.0],
        }
    )
    selection = topics_to_compare(doc_topics)
    assert selection.tested == [1, 2, 7] and selection.stable is None and selection.note is None
    assert selection.topic_of.to_dict() == {"a": 1, "b": 2, "c": 7, "d": 7}
    assert selection.labels[7] == "seven"
    summary = pd.DataFrame({"topic": [1, 2, 7], "stable": ["True", "False", "True"]})
    assert topics_to_compare(doc_topics, summary).tested == [1, 7]
    no_stable = pd.DataFrame({"topic": [1, 2, 7], "stable": [False, False, False]})
    assert topics_to_compare(doc_topics, no_stable).note.startswith("no topic")
    assert topics_to_compare(doc_topics, pd.DataFrame({"topic": [1]})).tested == [1, 2, 7]
    stale = doc_topics.assign(dominant_label="one [stale]")
    assert "stale" in topics_to_compare(stale).note
    assert "missing" in topics_to_compare(None).note
    with pytest.raises(ValueError, match="doc_topics.csv lacks"):
        topics_to_compare(doc_topics.drop(columns="dominant_label"))


def test_end_rise_detects_rising_posts_and_not_flat_noise() -> None:
    rng = np.random.default_rng(3)
    rising = [np.linspace(-1, 1, n) + rng.normal(0, 0.3, n) for n in rng.integers(12, 30, 40)]
    result = end_rise(rising, n_reps=200, n_boot=200, seed=0)
    assert result["end_minus_start"] > 0.5
    assert result["share_end_higher"] > 0.9 and result["share_low"] > 0.8
    assert result["ems_p_circular"] < 0.05 and result["share_p_reversal"] < 0.05
    assert result["mean_ending"] > result["mean_opening"]
    noise = [rng.normal(0, 1, n) for n in rng.integers(12, 30, 40)]
    flat = end_rise(noise, n_reps=200, n_boot=200, seed=0)
    assert abs(flat["end_minus_start"]) < 0.3 and flat["share_low"] < 0.5 < flat["share_high"]
