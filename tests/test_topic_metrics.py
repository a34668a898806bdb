"""Unit tests of helpers.topic_metrics and helpers.topic_explorer on small made-up inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix

from helpers.topic_explorer import ExplorerPost, ExplorerTopic, explorer_html
from helpers.topic_metrics import (
    GROUP_COLUMNS,
    align_to_reference,
    allocate_counts,
    choose_cell,
    completion_loglik,
    completion_split,
    compose,
    exclusivity,
    frex,
    frex_words,
    group_differences,
    interval,
    js_distances,
    match_topics,
    matched_jaccard,
    merge_stages,
    promote_cells,
    relevance,
    relevance_words,
    seed_stability_from_table,
    slope,
    slope_test,
    stability_summary,
    summarise_cells,
    topic_map,
)


def test_one_to_one_matching_lets_no_topic_claim_a_partner_twice() -> None:
    reference = [["a", "b", "c"], ["a", "b", "d"]]
    other = [["a", "b", "c"], ["x", "y", "z"]]
    # best match would give both reference topics the first topic of ``other``
    partner, similarity = match_topics(reference, other)
    assert partner.tolist() == [0, 1]
    assert similarity.tolist() == [1.0, 0.0]
    permuted = matched_jaccard(reference, [reference[::-1], reference])
    assert np.array_equal(permuted, np.ones((2, 2)))
    fewer, sim = match_topics(reference, [["a", "b", "d"]])
    assert fewer.tolist() == [-1, 0] and sim.tolist() == [0.0, 1.0]


def test_stability_summary_median_and_spread() -> None:
    matrix = np.array([[1.0, 0.0], [0.5, 0.2], [0.0, 0.4]])
    out = stability_summary(matrix)
    assert out["median"].tolist() == [0.5, 0.2]
    assert out["min"].tolist() == [0.0, 0.0] and out["max"].tolist() == [1.0, 0.4]
    assert out["runs"].eq(3).all()
    with pytest.raises(ValueError):
        stability_summary(np.zeros((0, 2)))


def test_seed_stability_recomputes_from_a_table() -> None:
    runs = {1: ["a b c", "d e f"], 2: ["d e f", "a b x"], 3: ["a b c", "q r s"]}
    table = pd.DataFrame(
        [
            {"seed": s, "topic_index": t, "top_words": w}
            for s, words in runs.items()
            for t, w in enumerate(words)
        ]
    )
    got = seed_stability_from_table(table)
    # topic "a b c": 0.5 against seed 2, 1.0 against seed 3; "d e f": 1.0 and 0.0
    assert got.tolist() == [pytest.approx(0.75), pytest.approx(0.5)]
    with pytest.raises(ValueError):
        seed_stability_from_table(table[table["seed"] == 1])


def test_frex_and_exclusivity_follow_stm() -> None:
    phi = np.array([[0.5, 0.3, 0.1, 0.1], [0.1, 0.3, 0.1, 0.5]])
    scores = frex(phi, weight=0.5)
    # word 0 is both frequent and exclusive in topic 0: the top FREX score there
    assert np.argmax(scores[0]) == 0 and np.argmax(scores[1]) == 3
    # a hand computation of stm's formula for word 1 of topic 0 (ties averaged, as R's rank)
    ex = np.array([5 / 6, 0.5, 0.5, 1 / 6])
    ex_rank = pd.Series(ex).rank().to_numpy() / 4
    fr_rank = pd.Series(phi[0]).rank().to_numpy() / 4
    expected = 1 / (0.5 / ex_rank[1] + 0.5 / fr_rank[1])
    assert scores[0, 1] == pytest.approx(expected)
    assert exclusivity(phi, m=2, weight=0.7) == pytest.approx(
        np.take_along_axis(frex(phi, 0.7), np.array([[0, 1], [3, 1]]), axis=1).sum(axis=1)
    )
    shared = np.array([[0.5, 0.5, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0]]) + 1e-9
    assert exclusivity(shared, m=2).mean() < exclusivity(phi, m=2).mean()
    assert frex_words(phi, ["w0", "w1", "w2", "w3"], 1) == [["w0"], ["w3"]]


def test_relevance_ends_are_probability_and_lift() -> None:
    phi = np.array([[0.6, 0.3, 0.1]])
    p = np.array([0.5, 0.2, 0.3])
    assert relevance(phi, p, 1.0)[0] == pytest.approx(np.log(phi[0]))
    assert relevance(phi, p, 0.0)[0] == pytest.approx(np.log(phi[0] / p))
    assert relevance_words(phi, p, ["a", "b", "c"], 1, lam=1.0) == [["a"]]
    assert relevance_words(phi, p, ["a", "b", "c"], 1, lam=0.0) == [["b"]]


def test_completion_loglik_of_uniform_model_is_minus_log_v() -> None:
    observed, held = completion_split([["a", "b", "c", "d", "e"]])
    assert observed == [["a", "c", "e"]] and held == [["b", "d"]]
    v = 4
    x = csr_matrix(np.array([[1, 2, 0, 0]]))
    uniform = np.full((2, v), 1 / v)
    assert completion_loglik(np.array([[0.5, 0.5]]), uniform, x, 0.0) == pytest.approx(-np.log(v))
    sharp = np.array([[1 / 3, 2 / 3, 0, 0], [0, 0, 0.5, 0.5]])
    assert completion_loglik(np.array([[1.0, 0.0]]), sharp, x, 0.0) > -np.log(v)


def test_js_distances_and_topic_map() -> None:
    p = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [0.25, 0.25, 0.5]])
    d = js_distances(p)
    assert d[0, 1] == pytest.approx(0.0) and d[0, 2] == pytest.approx(1.0)
    assert np.allclose(d, d.T)
    xy, shown = topic_map(d)
    again, _ = topic_map(d)
    assert xy.shape == (4, 2) and np.array_equal(xy, again)
    assert 0 < shown <= 1
    assert np.linalg.norm(xy[0] - xy[2]) == pytest.approx(1.0, abs=0.05)


def test_compose_interval_and_alignment() -> None:
    theta = np.array([[0.2, 0.8], [0.4, 0.6], [0.6, 0.4]])
    constant = compose([theta, theta], lambda th, rows: th.mean(axis=0) * 0 + 1, 50)
    assert np.all(constant == 1)
    draws = compose([theta, theta[:, ::-1]], lambda th, rows: th[rows].mean(axis=0), 200, seed=1)
    again = compose([theta, theta[:, ::-1]], lambda th, rows: th[rows].mean(axis=0), 200, seed=1)
    assert draws.shape == (200, 2) and np.array_equal(draws, again)
    low, high = interval(draws)
    assert (low < high).all()
    aligned = align_to_reference(theta[:, ::-1], np.array([1, 0]))
    assert np.array_equal(aligned, theta)
    assert np.isnan(align_to_reference(theta, np.array([0, -1]))[:, 1]).all()
    assert slope(np.array([[1.0], [3.0], [5.0]]), np.array([0.0, 1.0, 2.0])) == pytest.approx([2.0])
    assert np.isnan(slope(np.ones((3, 1)), np.ones(3))).all()


def _cells() -> pd.DataFrame:
    base = {"heldout_ll_sd": 0.01, "c_npmi_sd": 0.01, "exclusivity_sd": 0.1}
    columns = ["setup", "k", "stability", "heldout_ll", "c_npmi", "exclusivity"]
    values = [
        ("a", 4, 0.70, -6.0, 0.0, 9.0),
        ("a", 6, 0.62, -6.1, 0.0, 9.0),
        ("b", 6, 0.61, -6.0, 0.005, 9.05),
        ("c", 8, 0.30, -5.0, 0.2, 10.0),
    ]
    rows = [dict(zip(columns, v, strict=True)) for v in values]
    return pd.DataFrame([{**r, **base} for r in rows])


def test_choose_cell_stability_first_then_diagnostics_then_smaller_k() -> None:
    cells = _cells()
    chosen, cand, reason = choose_cell(cells, bar=0.6, min_k=5, tolerance=0.05)
    # k=4 is below min_k; c is unstable; b is not clearly worse on any diagnostic, a is on one
    assert reason == "bar" and (chosen["setup"], chosen["k"]) == ("b", 6)
    assert set(cand["setup"]) == {"a", "b"}
    only_small = cells.assign(stability=[0.7, 0.5, 0.5, 0.3])
    chosen, _, reason = choose_cell(only_small, bar=0.6, min_k=5, tolerance=0.05)
    assert reason == "bar_below_min_k" and chosen["k"] == 4
    none = cells.assign(stability=[0.5, 0.40, 0.38, 0.2])
    chosen, cand, reason = choose_cell(none, bar=0.6, min_k=5, tolerance=0.05)
    assert reason == "no_setup_reaches_bar" and set(cand["setup"]) == {"a", "b"}
    with pytest.raises(ValueError):
        choose_cell(cells.iloc[0:0], 0.6, 5, 0.05)


def test_summarise_cells_on_made_up_fits() -> None:
    ref = [["a", "b"], ["c", "d"]]
    fits = [
        {"setup": "s", "k": 2, "seed": 1, "replicate": None, "top_words": ref,
         "c_npmi": [0.1, 0.3], "phi": np.array([[0.7, 0.3, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]])},
        {"setup": "s", "k": 2, "seed": 2, "replicate": None, "top_words": ref[::-1],
         "c_npmi": [0.1, 0.1], "phi": np.array([[0.0, 0.0, 0.5, 0.5], [0.7, 0.3, 0.0, 0.0]])},
        {"setup": "s", "k": 2, "seed": 1, "replicate": 0, "top_words": [["a", "x"], ["c", "d"]],
         "heldout_loglik": -2.0},
        {"setup": "s", "k": 2, "seed": 2, "replicate": 1, "top_words": [["a", "b"], ["c", "y"]],
         "heldout_loglik": -3.0},
    ]  # fmt: skip
    cells, topics = summarise_cells(fits, bar=0.6)
    assert topics["seed_median"].tolist() == [1.0, 1.0]
    # topic "a b": 1/3 and 1 over the resamples -> median 2/3; "c d": 1 and 1/3 -> 2/3
    assert topics["resample_median"].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert topics["stability"].tolist() == pytest.approx([2 / 3, 2 / 3])
    row = cells.iloc[0]
    assert row["stable_topics"] == 2 and row["heldout_ll"] == pytest.approx(-2.5)
    assert row["c_npmi"] == pytest.approx(0.15)


def _explorer(label: str = "Funding & <schools>") -> str:
    topics = [
        ExplorerTopic(1, label, True, 0.71, 0.5, 0.1, 0.2),
        ExplorerTopic(2, "Second", False, 0.3, 0.3, -0.2, 0.0),
        ExplorerTopic(3, "Third", False, 0.2, 0.2, 0.0, -0.3),
    ]
    phi = np.array([[0.5, 0.3, 0.1, 0.1], [0.1, 0.1, 0.4, 0.4], [0.25, 0.25, 0.25, 0.25]])
    posts = [ExplorerPost(1, "A post </script> title", 0.9, "The passage about funding.")]
    return explorer_html(
        topics, phi, np.full(4, 0.25), phi * 30, np.array([60.0, 40, 35, 35]),
        ["funding", "school", "care", "court"], posts, lam=0.6,
    )  # fmt: skip


def test_explorer_is_offline_deterministic_and_escaped() -> None:
    page = _explorer()
    assert page == _explorer()
    assert "http" not in page.lower() and "src=" not in page and "@import" not in page
    assert "Funding &amp; &lt;schools&gt;" in page  # in the SVG title
    assert page.count("</script>") == 1  # the post title cannot close the script early
    assert 'data-topic="3"' in page and '"lambda":0.6' in page
    assert "dcs-te-lam" in page and 'type="range"' in page
    with pytest.raises(ValueError):
        explorer_html([], np.zeros((1, 2)), np.ones(2), np.ones(1), np.ones(2), ["a", "b"], [])


def test_allocate_counts_shares_out_every_token() -> None:
    counts = csr_matrix(np.array([[3, 0, 1], [0, 2, 2]]))
    theta = np.array([[0.9, 0.1], [0.2, 0.8]])
    phi = np.array([[0.6, 0.1, 0.3], [0.1, 0.6, 0.3]])
    out = allocate_counts(theta, phi, counts)
    assert out.sum(axis=0) == pytest.approx([3, 2, 3])  # every word's corpus count, no more
    # token (0, word 0): 0.9*0.6 / (0.9*0.6 + 0.1*0.1) of it goes to topic 0
    assert out[0, 0] == pytest.approx(3 * 0.54 / 0.55)


def test_group_differences_find_a_real_difference_and_need_two_groups() -> None:
    rng = np.random.default_rng(0)
    n = 40
    groups = np.array(["dcs"] * 20 + ["officer"] * 16 + ["unknown"] * 4)
    first = np.where(groups == "dcs", 0.7, 0.3) + rng.normal(0, 0.05, n)
    theta = np.column_stack([first, 1 - first])
    thetas = [theta, np.clip(theta + rng.normal(0, 0.01, theta.shape), 0, 1)]
    out = group_differences(thetas, groups, min_posts=5, n_draws=200, n_perm=200, seed=1)
    assert list(out.columns) == list(GROUP_COLUMNS)
    assert set(out["group"]) == {"dcs", "officer"}  # "unknown" has too few posts
    dcs = out[(out["group"] == "dcs") & (out["topic"] == 1)].iloc[0]
    assert dcs["posts"] == 20 and dcs["difference"] > 0.3
    assert dcs["composed_low"] > 0 and dcs["p_holm"] < 0.05
    assert (out["p_holm"] >= out["p"]).all()
    again = group_differences(thetas, groups, min_posts=5, n_draws=200, n_perm=200, seed=1)
    pd.testing.assert_frame_equal(out, again)
    single = group_differences(thetas, ["unknown"] * n, 5, 50, 50)
    assert single.empty and list(single.columns) == list(GROUP_COLUMNS)


def test_slope_test_detects_a_trend_and_corrects() -> None:
    rng = np.random.default_rng(2)
    x = np.linspace(2017, 2019, 60)
    rising = 0.2 + 0.1 * (x - 2017) + rng.normal(0, 0.02, 60)
    flat = 0.5 + rng.normal(0, 0.05, 60)
    shares = np.column_stack([rising, flat])
    observed, p, p_holm = slope_test(shares, x, n_perm=300, seed=1)
    assert observed[0] == pytest.approx(0.1, abs=0.02)
    assert p[0] == pytest.approx(2 / 301) and p_holm[0] <= 4 / 301  # two-sided, +1 corrected
    assert p[1] > 0.05 and (p_holm >= p).all()
    assert np.array_equal(p, slope_test(shares, x, n_perm=300, seed=1)[1])


def _screen_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "setup": ["a", "a", "b", "b"],
            "k": [4, 6, 4, 6],
            "stability": [0.2, 0.45, 0.1, 0.3],
            "seeds": [3, 3, 3, 3],
        }
    )


def test_promote_cells_keeps_those_near_the_bar_and_always_the_best() -> None:
    screen = _screen_table()
    assert promote_cells(screen, bar=0.6, margin=0.2) == [("a", 6)]
    assert promote_cells(screen, bar=0.6, margin=0.35) == [("a", 6), ("b", 6)]
    # nothing near the bar: the most stable cell is still evaluated in full
    assert promote_cells(screen, bar=0.9, margin=0.0) == [("a", 6)]
    with pytest.raises(ValueError, match="margin"):
        promote_cells(screen, bar=0.6, margin=-0.1)


def test_merge_stages_takes_full_rows_for_promoted_cells() -> None:
    screen = _screen_table()
    full = pd.DataFrame({"setup": ["a"], "k": [6], "stability": [0.55], "seeds": [10]})
    merged = merge_stages(screen, full, [("a", 6)])
    assert list(merged["evaluation"]) == ["screen", "full", "screen", "screen"]
    assert merged.loc[1, "stability"] == 0.55 and merged.loc[1, "seeds"] == 10
    assert merged.loc[0, "seeds"] == 3
    with pytest.raises(ValueError, match="without a full evaluation"):
        merge_stages(screen, full, [("b", 4)])
