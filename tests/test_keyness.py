"""Tests for helpers.keyness: G2, log ratio, dispersion filter, zero counts, bigrams, and the
post-level test (permutation over post labels, bootstrap interval, Gries' DP)."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest

from helpers.keyness import (
    KEYNESS_COLUMNS,
    MIN_INTERVAL_FREQ,
    POST_KEYNESS_COLUMNS,
    adjacent_pairs,
    bigram_table,
    block_permuted_labels,
    bootstrap_log_ratio_ci,
    candidate_words,
    circular_shift_labels,
    count_matrix,
    gries_dp,
    keyness_table,
    log_likelihood,
    log_ratio,
    log_ratio_pvalues,
    permutation_log_ratio_pvalues,
    post_keyness,
    shuffled_labels,
    term_counts,
)

# --- G2 -----------------------------------------------------------------------------------


def test_g2_hand_computed_2x2() -> None:
    # a=10 of c=1000 tokens vs b=5 of d=2000 tokens.
    # E1 = 1000 * 15 / 3000 = 5, E2 = 2000 * 15 / 3000 = 10
    # G2 = 2 * (10 ln(10/5) + 5 ln(5/10)) = 2 * 5 ln 2 = 6.931...
    assert log_likelihood(10, 5, 1000, 2000) == pytest.approx(10 * math.log(2))
    assert log_likelihood(10, 5, 1000, 2000) == pytest.approx(6.931472, abs=1e-6)


def test_g2_second_hand_example() -> None:
    # a=30 of 600, b=20 of 1400: E1 = 600*50/2000 = 15, E2 = 35
    # G2 = 2 * (30 ln 2 + 20 ln(20/35))
    expected = 2 * (30 * math.log(2) + 20 * math.log(20 / 35))
    assert log_likelihood(30, 20, 600, 1400) == pytest.approx(expected)
    assert expected == pytest.approx(19.2042, abs=1e-4)


def test_g2_is_zero_when_proportions_equal_and_symmetric() -> None:
    assert log_likelihood(5, 10, 100, 200) == pytest.approx(0.0)
    assert log_likelihood(7, 3, 500, 900) == pytest.approx(log_likelihood(3, 7, 900, 500))


def test_g2_zero_count_is_finite() -> None:
    # a=0: only the b term contributes. E2 = 100 * 10 / 200 = 5 -> G2 = 2 * 10 ln 2
    assert log_likelihood(0, 10, 100, 100) == pytest.approx(20 * math.log(2))
    assert log_likelihood(0, 0, 100, 100) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "c", "d"),
    [(-1, 2, 10, 10), (1, 2, 0, 10), (11, 2, 10, 10), (1, 20, 10, 10)],
)
def test_g2_rejects_bad_counts(a: int, b: int, c: int, d: int) -> None:
    with pytest.raises(ValueError):
        log_likelihood(a, b, c, d)


# --- log ratio ----------------------------------------------------------------------------


def test_log_ratio_sign_and_size() -> None:
    # (10/1000) / (5/2000) = 4 -> log2 = 2
    assert log_ratio(10, 5, 1000, 2000) == pytest.approx(2.0)
    assert log_ratio(5, 10, 2000, 1000) == pytest.approx(-2.0)
    assert log_ratio(3, 3, 100, 100) == pytest.approx(0.0)


def test_log_ratio_zero_adjustment() -> None:
    # b=0 replaced by 0.5: (4/100) / (0.5/100) = 8 -> 3
    assert log_ratio(4, 0, 100, 100) == pytest.approx(3.0)
    assert log_ratio(0, 10, 100, 100) == pytest.approx(math.log2(0.05))
    with pytest.raises(ValueError):
        log_ratio(1, 1, 100, 100, zero=0)


# --- counts and keyness table -------------------------------------------------------------


def test_term_counts_frequency_and_document_frequency() -> None:
    freq, docs = term_counts([["a", "a", "b"], ["a"], []])
    assert freq == {"a": 3, "b": 1}
    assert docs == {"a": 2, "b": 1}


def test_term_counts_rejects_untokenised_text() -> None:
    with pytest.raises(TypeError, match="tokenise"):
        term_counts(["not tokenised"])


TARGET = [
    ["care", "care", "budget"],
    ["care", "budget"],
    ["care", "ofsted"],
    ["care", "burst", "burst", "burst", "burst", "burst"],
]
REFERENCE = [
    ["school", "school", "budget"],
    ["school", "care"],
    ["school", "budget"],
    ["school", "budget"],
]


def test_keyness_table_values_match_the_formulas() -> None:
    table = keyness_table(TARGET, REFERENCE, min_docs=1).set_index("word")
    assert list(table.reset_index().columns) == KEYNESS_COLUMNS
    size_t, size_r = 13, 9
    care = table.loc["care"]
    assert (care["freq_target"], care["freq_reference"]) == (5, 1)
    assert (care["docs_target"], care["docs_reference"]) == (4, 1)
    assert care["key_for"] == "target"
    assert care["g2"] == pytest.approx(log_likelihood(5, 1, size_t, size_r))
    assert care["log_ratio"] == pytest.approx(math.log2((5 / 13) / (1 / 9)))
    assert care["per_10k_target"] == pytest.approx(10_000 * 5 / 13)
    school = table.loc["school"]
    assert school["key_for"] == "reference"
    assert school["freq_target"] == 0
    assert school["log_ratio"] == pytest.approx(math.log2((0.5 / 13) / (5 / 9)))
    assert school["log_ratio"] < 0
    assert 0 < school["p_value"] < 0.05


def test_keyness_dispersion_filter_counts_posts_of_both_groups() -> None:
    table = keyness_table(TARGET, REFERENCE, min_docs=2)
    words = set(table["word"])
    # "burst": 5 occurrences but one post -> dropped despite a high frequency
    assert "burst" not in words
    # "ofsted": one post -> dropped; "care" (5 posts in all), "school" (4), "budget" (5) kept
    assert "ofsted" not in words
    assert words == {"care", "school", "budget"}
    assert words == set(candidate_words(TARGET + REFERENCE, 2))
    # "budget" is in 2 target and 3 reference posts: 5 in all
    assert "budget" in set(keyness_table(TARGET, REFERENCE, min_docs=5)["word"])
    assert "budget" not in set(keyness_table(TARGET, REFERENCE, min_docs=6)["word"])


def _key_group_family(target: list[list[str]], reference: list[list[str]], min_docs: int) -> set:
    """The former, label-dependent filter: min_docs posts in the group a word is key for."""
    freq_t, docs_t = term_counts(target)
    freq_r, docs_r = term_counts(reference)
    size_t, size_r = sum(freq_t.values()), sum(freq_r.values())
    family = set()
    for word in set(freq_t) | set(freq_r):
        key_target = freq_t[word] / size_t >= freq_r[word] / size_r
        if (docs_t if key_target else docs_r)[word] >= min_docs:
            family.add(word)
    return family


def test_tested_family_does_not_depend_on_the_labels() -> None:
    rng = np.random.default_rng(7)
    vocabulary = [f"w{i}" for i in range(80)]
    weights = 1 / np.arange(1, 81)  # Zipf-like: a few common words, many rare ones
    docs = [
        list(rng.choice(vocabulary, size=int(rng.integers(5, 30)), p=weights / weights.sum()))
        for _ in range(24)
    ]
    expected = set(candidate_words(docs, 4))
    families, former = set(), set()
    for seed in range(30):
        labels = np.random.default_rng(seed).permutation(24) < 10
        target = [d for d, flag in zip(docs, labels, strict=True) if flag]
        reference = [d for d, flag in zip(docs, labels, strict=True) if not flag]
        table = post_keyness(target, reference, min_docs=4, n_perm=99, n_boot=20, seed=seed)
        families.add(frozenset(table["word"]))
        former.add(frozenset(_key_group_family(target, reference, 4)))
    # The same words are tested whatever the split ...
    assert families == {frozenset(expected)}
    # ... whereas the former filter chose a different family for different splits.
    assert len(former) > 1


def test_candidate_words_rejects_bad_min_docs() -> None:
    with pytest.raises(ValueError, match="min_docs"):
        candidate_words([["a"]], 0)


def test_keyness_sorted_by_g2_and_deterministic() -> None:
    table = keyness_table(TARGET, REFERENCE, min_docs=1)
    assert list(table["g2"]) == sorted(table["g2"], reverse=True)
    assert table.equals(keyness_table(TARGET, REFERENCE, min_docs=1))


def test_keyness_rejects_empty_group_and_bad_min_docs() -> None:
    with pytest.raises(ValueError, match="reference group has no tokens"):
        keyness_table(TARGET, [[]])
    with pytest.raises(ValueError, match="min_docs"):
        keyness_table(TARGET, REFERENCE, min_docs=0)


# --- bigrams ------------------------------------------------------------------------------


def test_adjacent_pairs_skip_stopwords() -> None:
    doc = ["the", "local", "authority", "and", "social", "care"]
    assert adjacent_pairs(doc, {"the", "and"}) == [("local", "authority"), ("social", "care")]


def test_bigram_table_counts_spread_and_pmi() -> None:
    docs = [["social", "care", "is", "social"], ["social", "care"], ["care", "home"]]
    table = bigram_table(docs, stopwords={"is"}, min_freq=2, min_docs=2)
    assert list(table["bigram"]) == ["social care"]
    row = table.iloc[0]
    assert (row["freq"], row["docs"]) == (2, 2)
    # 8 tokens: social 3, care 3; 5 adjacent pairs (3 + 1 + 1)
    expected = math.log2((2 / 5) / ((3 / 8) * (3 / 8)))
    assert row["pmi"] == pytest.approx(expected)


def test_bigram_table_min_docs_filter() -> None:
    docs = [["child", "protection", "child", "protection"], ["other", "words"]]
    assert bigram_table(docs, min_freq=2, min_docs=2).empty
    assert list(bigram_table(docs, min_freq=2, min_docs=1)["bigram"]) == ["child protection"]


# --- post-level keyness -------------------------------------------------------------------


def test_count_matrix_rows_are_documents_columns_the_vocabulary() -> None:
    matrix = count_matrix([["a", "b", "a"], [], ["c"]], ["a", "c", "z"])
    assert matrix.tolist() == [[2, 0, 0], [0, 0, 0], [0, 1, 0]]


def test_gries_dp_hand_examples() -> None:
    sizes = np.array([10, 10])
    counts = np.array([[5, 10, 0], [5, 0, 0]])
    dp = gries_dp(counts, sizes)
    # even spread: 0; all in one of two equal posts: 0.5 * (|1 - .5| + |0 - .5|) = 0.5
    assert dp[0] == pytest.approx(0.0)
    assert dp[1] == pytest.approx(0.5)
    assert np.isnan(dp[2])
    # unequal sizes: post shares .2/.8, occurrences 1/1 -> 0.5 * (.3 + .3) = 0.3
    assert gries_dp(np.array([[1], [1]]), np.array([2, 8]))[0] == pytest.approx(0.3)
    with pytest.raises(ValueError):
        gries_dp(np.array([[1]]), np.array([1, 2]))


def _exact_two_sided(counts: np.ndarray, sizes: np.ndarray, labels: np.ndarray) -> float:
    """Exact permutation p over every assignment of the target labels (for checking)."""
    n, k = len(labels), int(labels.sum())
    observed = log_ratio(
        counts[labels].sum(), counts[~labels].sum(), sizes[labels].sum(), sizes[~labels].sum()
    )
    values = []
    for chosen in combinations(range(n), k):
        mask = np.zeros(n, dtype=bool)
        mask[list(chosen)] = True
        values.append(
            log_ratio(
                counts[mask].sum(), counts[~mask].sum(), sizes[mask].sum(), sizes[~mask].sum()
            )
        )
    values = np.array(values)
    greater = np.mean(values >= observed - 1e-12)
    less = np.mean(values <= observed + 1e-12)
    return min(1.0, 2 * min(greater, less))


def test_permutation_pvalue_approximates_the_exact_permutation_test() -> None:
    counts = np.array([[3], [2], [4], [0], [1], [0], [1]], dtype=float)
    sizes = np.array([50, 40, 60, 50, 45, 55, 50], dtype=float)
    labels = np.array([True, True, True, False, False, False, False])
    exact = _exact_two_sided(counts[:, 0], sizes, labels)
    estimate = permutation_log_ratio_pvalues(counts, sizes, labels, n_perm=20_000, seed=1)[0]
    assert estimate == pytest.approx(exact, abs=0.01)
    assert exact < 0.2  # the example is not trivially null


def test_burst_in_one_post_is_token_significant_but_not_post_significant() -> None:
    # "burst" occurs 30 times in one target post; "spread" 3 times in every target post.
    filler = ["w"] * 60
    target = [filler + ["burst"] * 30] + [filler + ["spread"] * 3 for _ in range(7)]
    target[0] = target[0] + ["spread"] * 3
    reference = [filler + ["x"] for _ in range(8)]
    reference[0] = reference[0] + ["burst"]
    table = post_keyness(target, reference, min_docs=1, n_perm=4999, n_boot=200, seed=0)
    rows = table.set_index("word")
    assert rows.loc["burst", "p_value"] < 1e-6  # token-level G2 calls it highly significant
    assert rows.loc["burst", "p_perm"] > 0.2  # shuffling posts does not
    assert rows.loc["spread", "p_perm"] < 0.01  # a word in every target post does pass
    assert rows.loc["burst", "dp_key"] > 0.8 > 0.1 > rows.loc["spread", "dp_key"]


def test_post_keyness_columns_order_and_adjustments() -> None:
    table = post_keyness(TARGET, REFERENCE, min_docs=1, n_perm=999, n_boot=200, seed=3)
    assert list(table.columns) == KEYNESS_COLUMNS + POST_KEYNESS_COLUMNS
    assert set(table["word"]) == set(keyness_table(TARGET, REFERENCE, min_docs=1)["word"])
    assert (table["p_perm"] >= 1 / 1000).all() and (table["p_perm"] <= 1).all()
    assert (table["p_holm"] >= table["p_perm"] - 1e-12).all()
    assert (table["p_bh"] <= table["p_holm"] + 1e-12).all()
    assert list(table["p_perm"]) == sorted(table["p_perm"])
    assert table.equals(post_keyness(TARGET, REFERENCE, min_docs=1, n_perm=999, n_boot=200, seed=3))


def test_bootstrap_interval_brackets_the_estimate_and_narrows_with_more_posts() -> None:
    rng = np.random.default_rng(0)

    def sample(n_posts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        counts = np.concatenate([rng.poisson(4, n_posts), rng.poisson(2, n_posts)])[:, None]
        sizes = np.full(2 * n_posts, 100.0)
        labels = np.arange(2 * n_posts) < n_posts
        return counts.astype(float), sizes, labels

    widths = []
    for n_posts in (10, 200):
        counts, sizes, labels = sample(n_posts)
        low, high = bootstrap_log_ratio_ci(counts, sizes, labels, n_boot=500, seed=0)
        estimate = log_ratio(
            counts[labels].sum(), counts[~labels].sum(), sizes[labels].sum(), sizes[~labels].sum()
        )
        assert low[0] <= estimate <= high[0]
        widths.append(high[0] - low[0])
    assert widths[1] < widths[0] / 2


def test_permutation_rejects_degenerate_groups() -> None:
    with pytest.raises(ValueError, match="both groups"):
        permutation_log_ratio_pvalues(np.ones((3, 1)), np.ones(3), np.ones(3, dtype=bool))


def test_permutation_floor_is_two_over_n_perm_plus_one() -> None:
    # "only" occurs in every target post and in no reference post: no shuffle reaches it.
    target = [["only", "x", "y"] for _ in range(12)]
    reference = [["x", "y", "z"] for _ in range(12)]
    table = post_keyness(target, reference, min_docs=1, n_perm=999, n_boot=50)
    assert table.set_index("word").loc["only", "p_perm"] == pytest.approx(2 / 1000)


def test_log_ratio_pvalues_with_shuffled_labels_is_the_permutation_test() -> None:
    rng = np.random.default_rng(2)
    counts = rng.poisson(2, size=(20, 4)).astype(float)
    sizes = np.full(20, 50.0)
    labels = np.arange(20) < 8
    direct = permutation_log_ratio_pvalues(counts, sizes, labels, n_perm=500, seed=4)
    via_null = log_ratio_pvalues(counts, sizes, labels, shuffled_labels(labels, 500, seed=4))
    assert np.allclose(direct, via_null)
    assert shuffled_labels(labels, 500, seed=4).sum(axis=1).tolist() == [8] * 500


def test_circular_shifts_keep_group_size_and_runs() -> None:
    labels = np.array([True, True, True, False, False, False, False])
    shifts = circular_shift_labels(labels)
    assert shifts.shape == (6, 7)
    assert (shifts.sum(axis=1) == 3).all()
    assert shifts[0].tolist() == [False, True, True, True, False, False, False]
    assert not (shifts == labels).all(axis=1).any()  # the identity is not among them
    with pytest.raises(ValueError):
        circular_shift_labels(np.array([True]))


def test_circular_shift_null_discounts_words_clustered_in_time() -> None:
    # 40 posts in date order, the first 10 are the target period. "cluster" occurs in two
    # runs of neighbouring posts (0-9 and 20-29), as a writer's or a topic's run would:
    # shuffling posts calls it key for the target; moving the boundary along the date
    # order finds many cuts with as large a contrast, so the circular null does not.
    n, sizes = 40, np.full(40, 100.0)
    labels = np.arange(n) < 10
    counts = np.zeros((n, 2))
    counts[list(range(10)) + list(range(20, 30)), 0] = 3
    counts[:10, 1] = 3  # "target": in every target post and nowhere else
    shuffled = permutation_log_ratio_pvalues(counts, sizes, labels, n_perm=4999, seed=0)
    circular = log_ratio_pvalues(counts, sizes, labels, circular_shift_labels(labels))
    assert shuffled[0] < 0.05 < circular[0]
    # the word confined to the target period: smallest p each null can give
    assert shuffled[1] == pytest.approx(2 / 5000)
    assert circular[1] == pytest.approx(2 / n)


def test_block_permutation_keeps_blocks_whole() -> None:
    labels = np.array([True, True, True, False, False, False, False, False])
    blocks = ["m1", "m1", "m2", "m3", "m3", "m4", "m5", "m5"]
    null = block_permuted_labels(labels, blocks, n_perm=200, seed=1)
    assert null.shape == (200, 8)
    codes = np.array([0, 0, 1, 2, 2, 3, 4, 4])
    for row in null:
        for block in range(5):
            assert len(set(row[codes == block])) == 1  # one label per block
        assert len({row[codes == b][0] for b in range(5) if row[codes == b][0]}) <= 1
        assert sum(row[codes == b][0] for b in range(5)) == 2  # two target blocks, as observed
    with pytest.raises(ValueError, match="mixes both labels"):
        block_permuted_labels(labels, ["m1", "m1", "m1", "m1", "m3", "m4", "m5", "m5"], 10)
    with pytest.raises(ValueError, match="one value per document"):
        block_permuted_labels(labels, ["m1"], 10)


def test_interval_flag_marks_words_rare_on_one_side() -> None:
    target = [["rare", "common", "x"]] + [["common", "x"] for _ in range(9)]
    reference = [["common", "y"] for _ in range(10)] + [["rare", "y"] for _ in range(5)]
    table = post_keyness(target, reference, min_docs=1, n_perm=99, n_boot=50).set_index("word")
    assert table.loc["rare", "freq_target"] < MIN_INTERVAL_FREQ
    assert not table.loc["rare", "interval_ok"]
    assert table.loc["common", "interval_ok"]
