"""Unit tests of the findings renderer and the shared statistics."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from helpers.findings import (
    Findings,
    and_list,
    direction,
    fmt_ci,
    fmt_int,
    fmt_median,
    fmt_num,
    fmt_p,
    fmt_pct,
    interval_phrase,
    plural,
    significance,
    typed_numbers,
)
from helpers.stats import (
    agreement_ci,
    benjamini_hochberg,
    bootstrap_ci,
    bootstrap_draws,
    cohen_kappa,
    group_vs_rest,
    holm,
    jaccard,
    match_one_to_one,
    percentile_interval,
    permutation_pvalue,
    ratio_bootstrap_ci,
    spearman_rho,
)


def test_formatters_round_and_sign():
    assert fmt_int(1234) == "1,234"
    assert fmt_num(-0.254, 2) == "\u22120.25"
    assert fmt_num(-0.0001, 2) == "0.00"
    assert fmt_pct(0.653) == "65%"
    assert fmt_ci(0.12, 0.314) == "95% CI 0.12 to 0.31"
    assert fmt_p(0.0004) == "p < 0.001"
    assert fmt_p(0.0123) == "p = 0.012"
    assert plural(1, "post") == "1 post" and plural(3, "post") == "3 posts"
    assert and_list(["k = 6"]) == "k = 6" and and_list(["6", "8"]) == "6 and 8"
    assert and_list(map(str, [2, 3, 4])) == "2, 3 and 4"
    with pytest.raises(ValueError, match="at least one"):
        and_list([])


@pytest.mark.parametrize(
    "call",
    [
        lambda: fmt_int(2.5),
        lambda: fmt_pct(1.5),
        lambda: fmt_p(1.2),
        lambda: fmt_ci(0.3, 0.1),
        lambda: fmt_num(float("nan")),
    ],
)
def test_formatters_refuse_impossible_values(call):
    with pytest.raises(ValueError):
        call()


def test_wording_follows_the_result():
    assert significance(0.01) == "statistically significant"
    assert significance(0.2) == "not statistically significant"
    assert direction(0.3) == "higher" and direction(-0.3) == "lower"
    assert direction(0.001, tolerance=0.01) == "the same"
    assert interval_phrase(0.1, 0.3, "up", "down", "unclear") == "up"
    assert interval_phrase(-0.3, -0.1, "up", "down", "unclear") == "down"
    assert interval_phrase(-0.1, 0.3, "up", "down", "unclear") == "unclear"


def test_findings_renders_same_text_as_markdown_and_plain():
    f = Findings("Findings").add("one").add("two")
    assert f._repr_markdown_() == repr(f) == "### Findings\n\n- one\n- two\n"
    with pytest.raises(ValueError):
        f.add("  ")


def test_typed_numbers_finds_hand_typed_values_only():
    text = "\n".join(
        [
            "# Heading with 3 numbers 4",
            "We found 65% of posts and 0.13 kappa.",
            "Set `N_BOOT = 1000` in notebook 03 and see figure 2, years 2017-2019.",
            "- 1. a list marker",
            "```",
            "code 42",
            "```",
        ]
    )
    hits = typed_numbers(text)
    assert len(hits) == 2 and "65%" in hits[0] and "0.13" in hits[1]
    assert typed_numbers("a scale of -2 to +2", allowed=("-2", "+2")) == []


def test_bootstrap_ci_covers_the_mean_and_is_reproducible():
    values = np.arange(100, dtype=float)
    est, low, high = bootstrap_ci(values, np.mean, n_boot=500, seed=1)
    assert est == pytest.approx(49.5)
    assert low < est < high and high - low < 20
    assert bootstrap_ci(values, np.mean, n_boot=500, seed=1) == (est, low, high)
    frame = pd.DataFrame({"x": values})
    assert bootstrap_ci(frame, lambda d: d["x"].mean(), n_boot=500, seed=1)[1:] == (low, high)


def test_permutation_pvalue_tails():
    null = np.arange(99)
    assert permutation_pvalue(1000, null) == pytest.approx(1 / 100)
    assert permutation_pvalue(-1, null, "less") == pytest.approx(1 / 100)
    assert permutation_pvalue(49, null, "two-sided") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        permutation_pvalue(1, null, "sideways")


def test_corrections_match_textbook_values():
    p = [0.01, 0.04, 0.03, 0.005]
    assert np.allclose(holm(p), [0.03, 0.06, 0.06, 0.02])
    assert np.allclose(benjamini_hochberg(p), [0.02, 0.04, 0.04, 0.02])


def test_one_to_one_matching_claims_each_partner_once():
    # Best-match pairing would give both rows column 0; Hungarian must not.
    sim = np.array([[0.9, 0.1], [0.8, 0.7]])
    rows, cols, values = match_one_to_one(sim)
    assert sorted(cols.tolist()) == [0, 1]
    assert values.sum() == pytest.approx(1.6)
    assert jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)


def test_agreement_ci_brackets_kappa():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, 200)
    b = np.where(rng.random(200) < 0.8, a, rng.integers(0, 3, 200))
    value, low, high = agreement_ci(a, b, cohen_kappa_score, n_boot=300, seed=2)
    assert value == pytest.approx(cohen_kappa_score(a, b))
    assert low < value < high


def test_agreement_ci_by_group_resamples_whole_groups():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 3, 60)
    b = np.where(rng.random(60) < 0.7, a, rng.integers(0, 3, 60))
    # One item per group: the same draws as the item bootstrap.
    assert agreement_ci(a, b, cohen_kappa_score, 200, 3, groups=np.arange(60)) == pytest.approx(
        agreement_ci(a, b, cohen_kappa_score, 200, 3)
    )
    # Each item copied five times inside its own group: resampling groups resamples the
    # original items, so the interval is that of the items alone; treating the copies as
    # independent items narrows it.
    a5, b5, g5 = np.repeat(a, 5), np.repeat(b, 5), np.repeat(np.arange(60), 5)
    grouped = agreement_ci(a5, b5, cohen_kappa_score, 200, 3, groups=g5)
    assert grouped == pytest.approx(agreement_ci(a, b, cohen_kappa_score, 200, 3))
    naive = agreement_ci(a5, b5, cohen_kappa_score, 200, 3)
    assert naive[2] - naive[1] < 0.7 * (grouped[2] - grouped[1])
    with pytest.raises(ValueError, match="groups"):
        agreement_ci(a, b, cohen_kappa_score, groups=np.arange(5))


def test_fold_quotes_keeps_offsets():
    from helpers.textnorm import fold_quotes

    text = "Children\u2019s \u201ctrust\u201d"
    assert fold_quotes(text) == 'Children\'s "trust"' and len(fold_quotes(text)) == len(text)


def test_load_lexicon_names_file_and_problem(tmp_path):
    from helpers.lexicons import load_lexicon

    path = tmp_path / "lex.csv"
    path.write_text("term,reason\ngood,x\ngood,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lex.csv: empty 'reason' on row"):
        load_lexicon(path, ["term", "reason"], not_empty=["reason"])
    with pytest.raises(ValueError, match="lex.csv: duplicated 'term'"):
        load_lexicon(path, ["term", "reason"], key="term")
    with pytest.raises(ValueError, match="missing columns"):
        load_lexicon(path, ["term", "valence"])
    assert list(load_lexicon(path, ["term"])["term"]) == ["good", "good"]


def test_fast_kappa_and_spearman_match_the_libraries():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(4)
    a = rng.integers(-2, 3, size=120)
    b = np.clip(a + rng.integers(-1, 2, size=120), -2, 2)
    labels = [-2, -1, 0, 1, 2]
    for weights in (None, "linear", "quadratic"):
        expected = cohen_kappa_score(a, b, labels=labels, weights=weights)
        assert cohen_kappa(a, b, labels=labels, weights=weights) == pytest.approx(expected)
    assert cohen_kappa([1, 0, 1], [1, 0, 1]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="not among"):
        cohen_kappa([1, 5], [1, 1], labels=[0, 1])
    x, y = rng.normal(size=50), rng.integers(0, 4, size=50)
    assert spearman_rho(x, y) == pytest.approx(spearmanr(x, y)[0])
    assert np.isnan(spearman_rho([1, 1, 1], [1, 2, 3]))


def test_group_vs_rest_finds_a_shifted_group_and_corrects():
    rng = np.random.default_rng(2)
    values = pd.DataFrame({"x": rng.normal(size=60), "y": rng.normal(size=60)})
    groups = pd.Series(["a"] * 20 + ["b"] * 20 + ["c"] * 19 + [None])
    values.loc[:19, "x"] += 2.0
    table = group_vs_rest(values, groups, n_perm=500, seed=1)
    assert len(table) == 6 and set(table["group"]) == {"a", "b", "c"}
    hit = table[(table["group"] == "a") & (table["measure"] == "x")].iloc[0]
    assert hit["difference"] > 1.5 and hit["p_holm"] < 0.05
    assert hit["n"] == 20 and hit["rest_mean"] == pytest.approx(values.loc[20:58, "x"].mean())
    assert (table["p_holm"] >= table["p"]).all()
    only = group_vs_rest(values, groups, tested=["b", "zzz"], n_perm=50)
    assert set(only["group"]) == {"b"}
    with pytest.raises(ValueError, match="differ in length"):
        group_vs_rest(values, groups[:5])


def test_krippendorff_alpha_nominal_matches_published_examples():
    from helpers.stats import krippendorff_alpha_nominal

    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": binary data, two
    # observers (alpha 0.095), and nominal data, four observers with missing values (0.743).
    two = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert krippendorff_alpha_nominal(two) == pytest.approx(0.095, abs=5e-4)
    n = None
    four = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert krippendorff_alpha_nominal(four) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha_nominal([["a", "b", "c"], ["a", "b", "c"]]) == pytest.approx(1.0)
    assert math.isnan(krippendorff_alpha_nominal([["a", "a"], ["a", "a"]]))
    with pytest.raises(ValueError):
        krippendorff_alpha_nominal(["a", "b"])


def test_ratio_bootstrap_ci_resamples_units_and_brackets_the_pooled_share():
    from helpers.stats import ratio_bootstrap_ci

    num, den = np.array([1, 2, 0, 5, 3]), np.array([4, 4, 2, 10, 5])
    value, low, high = ratio_bootstrap_ci(num, den, n_boot=500, seed=1)
    assert value == pytest.approx(11 / 25)
    assert low <= value <= high
    assert ratio_bootstrap_ci(num, den, n_boot=500, seed=1) == (value, low, high)
    # one unit only: every replicate is that unit, the interval collapses
    assert ratio_bootstrap_ci([2], [4], n_boot=50) == (0.5, 0.5, 0.5)
    # a wider spread between units gives a wider interval
    _, low_even, high_even = ratio_bootstrap_ci([5] * 10, [10] * 10, n_boot=500)
    _, low_mixed, high_mixed = ratio_bootstrap_ci([0, 10] * 5, [10] * 10, n_boot=500)
    assert high_even - low_even < high_mixed - low_mixed
    with pytest.raises(ValueError):
        ratio_bootstrap_ci([1, 2], [1])


def test_bootstrap_draws_are_the_rows_drawn_one_at_a_time() -> None:
    draws = bootstrap_draws(7, 20, seed=3)
    rng = np.random.default_rng(3)
    assert np.array_equal(draws, np.array([rng.integers(0, 7, size=7) for _ in range(20)]))
    assert draws.min() >= 0 and draws.max() < 7
    with pytest.raises(ValueError):
        bootstrap_draws(0, 10)
    with pytest.raises(ValueError):
        bootstrap_draws(5, 0)


def test_percentile_interval_ignores_nan_and_works_per_column() -> None:
    reps = np.array([1.0, 2.0, 3.0, np.nan, 4.0, 5.0])
    low, high = percentile_interval(reps, level=0.5)
    assert (low, high) == (2.0, 4.0)
    table = np.column_stack([np.arange(101.0), np.full(101, np.nan)])
    low, high = percentile_interval(table, level=0.9)
    assert low[0] == pytest.approx(5.0) and high[0] == pytest.approx(95.0)
    assert np.isnan(low[1]) and np.isnan(high[1])
    assert all(np.isnan(percentile_interval([np.nan, np.nan])))
    with pytest.raises(ValueError):
        percentile_interval(reps, level=1.0)


def test_every_bootstrap_uses_the_shared_draws() -> None:
    # the vectorised ratio interval equals bootstrap_ci of the same statistic
    rng = np.random.default_rng(0)
    num, den = rng.integers(0, 5, 30).astype(float), rng.integers(1, 9, 30).astype(float)
    pairs = np.column_stack([num, den])
    generic = bootstrap_ci(pairs, lambda p: p[:, 0].sum() / p[:, 1].sum(), n_boot=200, seed=4)
    assert ratio_bootstrap_ci(num, den, n_boot=200, seed=4) == pytest.approx(generic)


def test_fmt_median_keeps_whole_counts_whole_and_midpoints_at_one_decimal() -> None:
    assert fmt_median(612.0) == "612"
    assert fmt_median(24.5) == "24.5"
    assert fmt_median(1034) == "1,034"
    with pytest.raises(ValueError):
        fmt_median(float("nan"))
