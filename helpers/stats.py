"""Shared resampling, testing and matching functions (one version for every notebook).

- ``bootstrap_draws`` and ``percentile_interval``: the collection's one bootstrap. Every
  bootstrap in ``helpers`` (``bootstrap_ci`` below, the vectorised ratio, Spearman,
  agreement and arc-band versions, the topic composition, the keyness interval) draws its
  resamples with ``bootstrap_draws`` and reads its interval with ``percentile_interval``;
  they differ only in the statistic they compute on each resample.
- ``bootstrap_ci``: percentile interval of a statistic over resampled *units* (posts,
  mentions, sentences: whatever was sampled), never over tokens of a pooled text.
- ``permutation_pvalue``: a one- or two-sided p-value against a null distribution, with
  the +1 correction (Phipson and Smyth 2010), so it is never zero.
- ``holm`` and ``benjamini_hochberg``: corrections for testing several hypotheses.
- ``jaccard``, ``match_one_to_one``: one-to-one (Hungarian) matching of two sets of
  items by a similarity, e.g. topics of two runs by the Jaccard similarity of their top
  words (Greene, O'Callaghan and Cunningham 2014).
- ``agreement_ci``: an agreement statistic (kappa, alpha, ...) with a bootstrap interval
  over the coded items.
- ``group_vs_rest``: for each group and measure, the difference in means between the
  group's units and all other units, with a p-value from permuting the group labels over
  units (the same permutations for every group and measure) and Holm's correction over all.
- ``cohen_kappa`` (unweighted, linear or quadratic weights) and ``spearman_rho``: fast
  versions (NumPy only) for use inside bootstrap loops; they agree with scikit-learn's
  ``cohen_kappa_score`` and SciPy's ``spearmanr``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

__all__ = [
    "agreement_ci",
    "benjamini_hochberg",
    "bootstrap_ci",
    "bootstrap_ci_by_group",
    "bootstrap_draws",
    "percentile_interval",
    "cohen_kappa",
    "group_vs_rest",
    "holm",
    "jaccard",
    "krippendorff_alpha_nominal",
    "match_one_to_one",
    "permutation_pvalue",
    "spearman_rho",
    "ratio_bootstrap_ci",
]


def bootstrap_draws(n_units: int, n_boot: int, seed: int = 0) -> np.ndarray:
    """``(n_boot, n_units)`` indices of units drawn with replacement, one row per resample.

    The resampling scheme of every bootstrap in the collection: row ``b`` is the ``b``-th
    draw of ``n_units`` indices from ``numpy.random.default_rng(seed)`` (the same numbers as
    drawing the rows one at a time).
    """
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if n_units < 1:
        raise ValueError("a bootstrap needs at least one unit")
    return np.random.default_rng(seed).integers(0, n_units, size=(n_boot, n_units))


def percentile_interval(
    replicates: np.ndarray | Sequence[float], level: float = 0.95, axis: int = 0
) -> tuple[Any, Any]:
    """``(low, high)``: the percentile interval of bootstrap replicates along ``axis``,
    ignoring NaN replicates (NaN where every replicate is NaN)."""
    if not 0 < level < 1:
        raise ValueError("level must lie in (0, 1)")
    values = np.asarray(replicates, dtype=float)
    tail = (1 - level) / 2
    if values.size == 0 or np.isnan(values).all(axis=axis).all():
        shape = np.delete(values.shape, axis) if values.ndim > 1 else ()
        empty = np.full(shape, np.nan) if len(shape) else float("nan")
        return empty, empty
    with warnings.catch_warnings():  # all-NaN columns give NaN, as documented
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanquantile(values, tail, axis=axis)
        high = np.nanquantile(values, 1 - tail, axis=axis)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def bootstrap_ci(
    units: Sequence[Any] | np.ndarray,
    statistic: Callable[[Any], float],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``(estimate, low, high)``: the statistic and its percentile bootstrap interval.

    ``units`` is an array (rows are units) or a DataFrame (rows are units); each replicate
    draws as many rows with replacement and applies ``statistic`` to them.
    """
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if not 0 < level < 1:
        raise ValueError("level must lie in (0, 1)")
    n = len(units)
    if n == 0:
        raise ValueError("bootstrap_ci needs at least one unit")
    take = _row_taker(units)
    estimate = float(statistic(units))
    replicates = np.array([float(statistic(take(row))) for row in bootstrap_draws(n, n_boot, seed)])
    low, high = percentile_interval(replicates, level)
    return estimate, low, high


def _row_taker(units: Any) -> Callable[[np.ndarray], Any]:
    if hasattr(units, "iloc"):
        return lambda idx: units.iloc[idx]
    array = np.asarray(units)
    return lambda idx: array[idx]


def permutation_pvalue(
    observed: float, null: Sequence[float] | np.ndarray, alternative: str = "greater"
) -> float:
    """P-value of ``observed`` against draws from the null, ``(1 + hits) / (1 + draws)``.

    ``alternative`` is ``"greater"`` (observed unusually high), ``"less"`` or
    ``"two-sided"`` (twice the smaller tail, at most 1).
    """
    draws = np.asarray(null, dtype=float)
    draws = draws[~np.isnan(draws)]
    if draws.size == 0:
        raise ValueError("the null distribution is empty")
    greater = (1 + np.sum(draws >= observed)) / (1 + draws.size)
    less = (1 + np.sum(draws <= observed)) / (1 + draws.size)
    if alternative == "greater":
        return float(greater)
    if alternative == "less":
        return float(less)
    if alternative == "two-sided":
        return float(min(1.0, 2 * min(greater, less)))
    raise ValueError(f"alternative must be 'greater', 'less' or 'two-sided', not {alternative!r}")


def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (family-wise error), in the input order."""
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, (m - rank) * p[index])
        adjusted[index] = min(1.0, running)
    return adjusted


def benjamini_hochberg(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), in the input order."""
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    return adjusted


def jaccard(a: Sequence[Any] | set[Any], b: Sequence[Any] | set[Any]) -> float:
    """Jaccard similarity of two collections taken as sets (0 when both are empty)."""
    sa, sb = set(a), set(b)
    union = sa | sb
    return len(sa & sb) / len(union) if union else 0.0


def match_one_to_one(similarity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair rows with columns one to one so that the summed similarity is largest.

    Returns ``(rows, cols, values)``: row ``rows[i]`` is matched with column ``cols[i]``
    at similarity ``values[i]``. With more rows than columns some rows stay unmatched
    (and the reverse); no column is claimed twice, unlike best-match pairing.
    """
    matrix = np.asarray(similarity, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("similarity must be a 2-D matrix")
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return rows, cols, matrix[rows, cols]


def agreement_ci(
    a: Sequence[Any],
    b: Sequence[Any],
    metric: Callable[[np.ndarray, np.ndarray], float],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    groups: Sequence[Any] | None = None,
) -> tuple[float, float, float]:
    """``(value, low, high)`` of an agreement ``metric(a, b)`` with a bootstrap over items,
    or, with ``groups`` (e.g. each item's post), over whole groups: a replicate draws groups
    with replacement (sorted group ids) and keeps all their items, so items of one post are
    not counted as independent."""
    first, second = np.asarray(a), np.asarray(b)
    if first.shape != second.shape:
        raise ValueError(f"codings differ in length: {first.shape} vs {second.shape}")
    if groups is None:
        pairs = np.arange(first.size)
        return bootstrap_ci(
            pairs,
            lambda idx: metric(first[np.asarray(idx)], second[np.asarray(idx)]),
            n_boot=n_boot,
            seed=seed,
            level=level,
        )
    if len(groups) != first.size:
        raise ValueError(f"groups has {len(groups)} entries for {first.size} items")
    return bootstrap_ci_by_group(
        groups, lambda idx: metric(first[idx], second[idx]), n_boot, seed, level
    )


def bootstrap_ci_by_group(
    groups: Sequence[Any],
    statistic: Callable[[np.ndarray], float],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``bootstrap_ci`` over whole groups (e.g. the post of each row): a replicate draws
    groups with replacement (``bootstrap_draws`` over the sorted group ids) and passes
    ``statistic`` the row indices of every drawn group, so rows of one post are not
    counted as independent."""
    units, codes = np.unique(np.asarray(groups), return_inverse=True)
    rows_of = [np.flatnonzero(codes == i) for i in range(len(units))]

    def on_rows(chosen: np.ndarray) -> float:
        return statistic(np.concatenate([rows_of[int(i)] for i in chosen]))

    return bootstrap_ci(np.arange(len(units)), on_rows, n_boot=n_boot, seed=seed, level=level)


def cohen_kappa(
    a: Sequence[Any],
    b: Sequence[Any],
    labels: Sequence[Any] | None = None,
    weights: str | None = None,
) -> float:
    """Cohen's kappa of two codings of the same items; ``weights`` None, "linear" or "quadratic".

    ``labels`` fixes the ordered categories (needed for weighted kappa on an ordinal scale);
    by default the sorted union of observed codes. NaN when agreement by chance is perfect.
    """
    first, second = np.asarray(a), np.asarray(b)
    if first.shape != second.shape:
        raise ValueError(f"codings differ in length: {first.shape} vs {second.shape}")
    cats = np.asarray(
        sorted(set(first.tolist()) | set(second.tolist())) if labels is None else labels
    )
    k = len(cats)
    index = {c: i for i, c in enumerate(cats.tolist())}
    try:
        i = np.array([index[v] for v in first.tolist()], dtype=int)
        j = np.array([index[v] for v in second.tolist()], dtype=int)
    except KeyError as error:
        raise ValueError(f"code {error} is not among the labels {cats.tolist()}") from error
    observed = np.bincount(i * k + j, minlength=k * k).reshape(k, k).astype(float)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / max(observed.sum(), 1)
    grid_i, grid_j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    if weights is None:
        w = (grid_i != grid_j).astype(float)
    elif weights == "linear":
        w = np.abs(grid_i - grid_j).astype(float)
    elif weights == "quadratic":
        w = ((grid_i - grid_j) ** 2).astype(float)
    else:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    denominator = float((w * expected).sum())
    if denominator == 0:
        return float("nan")
    return float(1 - (w * observed).sum() / denominator)


def spearman_rho(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties); NaN if either side is constant."""
    first, second = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if first.shape != second.shape:
        raise ValueError(f"samples differ in length: {first.shape} vs {second.shape}")
    if first.size < 2 or np.ptp(first) == 0 or np.ptp(second) == 0:
        return float("nan")
    ra, rb = rankdata(first), rankdata(second)
    ra -= ra.mean()
    rb -= rb.mean()
    return float((ra * rb).sum() / np.sqrt((ra * ra).sum() * (rb * rb).sum()))


def group_vs_rest(
    values: Any,
    groups: Sequence[Any],
    tested: Sequence[Any] | None = None,
    n_perm: int = 1000,
    seed: int = 0,
    min_size: int = 2,
) -> Any:
    """Each group's units against all other units, for every column of ``values``.

    ``values`` is a DataFrame (rows are units, columns are measures); ``groups`` gives each
    unit's group (NaN: the unit has none and is left out). ``tested`` limits the groups
    compared (default: all); groups with fewer than ``min_size`` units, or leaving fewer
    than ``min_size`` others, are skipped. Returns one row per group and measure:
    ``group, n, measure, group_mean, rest_mean, difference, p`` (two-sided, +1 corrected)
    and ``p_holm`` (Holm over every row).
    """
    import pandas as pd

    frame = pd.DataFrame(values).reset_index(drop=True)
    labels = pd.Series(list(groups))
    if len(labels) != len(frame):
        raise ValueError(f"groups ({len(labels)}) and values ({len(frame)}) differ in length")
    keep = labels.notna().to_numpy()
    data = frame.loc[keep].to_numpy(dtype=float)
    labels = labels[keep].to_numpy()
    if tested is None:
        tested = sorted(set(labels.tolist()))
    rng = np.random.default_rng(seed)
    perms = np.array([rng.permutation(len(labels)) for _ in range(n_perm)])
    rows = []
    for group in tested:
        members = labels == group
        if members.sum() < min_size or (~members).sum() < min_size:
            continue
        for j, measure in enumerate(frame.columns):
            column = data[:, j]
            diff = column[members].mean() - column[~members].mean()
            shuffled = column[perms]
            null = shuffled[:, members].mean(axis=1) - shuffled[:, ~members].mean(axis=1)
            rows.append(
                {
                    "group": group,
                    "n": int(members.sum()),
                    "measure": measure,
                    "group_mean": float(column[members].mean()),
                    "rest_mean": float(column[~members].mean()),
                    "difference": float(diff),
                    "p": permutation_pvalue(diff, null, "two-sided"),
                }
            )
    out = pd.DataFrame(
        rows, columns=["group", "n", "measure", "group_mean", "rest_mean", "difference", "p"]
    )
    out["p_holm"] = holm(out["p"].to_numpy()) if len(out) else []
    return out


def krippendorff_alpha_nominal(codings: Sequence[Sequence[Any]] | np.ndarray) -> float:
    """Krippendorff's alpha for nominal data: ``codings`` is coders x units, ``None``/NaN missing.

    Built from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
    alpha-reliability"): units coded by fewer than two coders are left out; alpha is
    ``1 - D_o / D_e`` with observed and expected disagreement. Returns NaN when there is no
    variation at all (expected disagreement 0). Written here because the ``krippendorff``
    package on PyPI is GPL-3.0 (the project keeps its code MIT, as for AFINN).
    """
    table = np.asarray(codings, dtype=object)
    if table.ndim != 2:
        raise ValueError("codings must be a 2-D array: coders x units")

    def present(value: Any) -> bool:
        return value is not None and not (isinstance(value, float) and math.isnan(value))

    values = sorted({v for v in table.ravel() if present(v)}, key=str)
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for unit in table.T:
        coded = [index[v] for v in unit if present(v)]
        m = len(coded)
        if m < 2:
            continue
        for i, a in enumerate(coded):
            for j, b in enumerate(coded):
                if i != j:
                    coincidence[a, b] += 1.0 / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n == 0:
        return float("nan")
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n * n - (n_c**2).sum()) / (n - 1)
    if expected == 0:
        return float("nan")
    return float(1.0 - observed / expected)


def ratio_bootstrap_ci(
    numerators: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``(value, low, high)`` of a pooled share ``sum(num) / sum(den)`` resampling units.

    Units are e.g. posts, with per-post counts: the same percentile bootstrap as
    ``bootstrap_ci`` over units, vectorised (one matrix of draws), so hundreds of shares
    stay fast. Replicates whose denominator sums to zero are dropped.
    """
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    if num.shape != den.shape or num.ndim != 1:
        raise ValueError("numerators and denominators must be 1-D and of equal length")
    if num.size == 0:
        raise ValueError("ratio_bootstrap_ci needs at least one unit")
    if n_boot < 1 or not 0 < level < 1:
        raise ValueError("n_boot must be at least 1 and level in (0, 1)")
    total = den.sum()
    estimate = float(num.sum() / total) if total else float("nan")
    draws = bootstrap_draws(num.size, n_boot, seed)
    num_sum, den_sum = num[draws].sum(axis=1), den[draws].sum(axis=1)
    ok = den_sum > 0
    if not ok.any():
        return estimate, float("nan"), float("nan")
    low, high = percentile_interval(num_sum[ok] / den_sum[ok], level)
    return estimate, low, high
