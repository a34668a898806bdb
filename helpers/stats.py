"""Shared resampling, testing and matching functions (one version for every notebook).

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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = [
    "agreement_ci",
    "benjamini_hochberg",
    "bootstrap_ci",
    "holm",
    "jaccard",
    "krippendorff_alpha_nominal",
    "match_one_to_one",
    "permutation_pvalue",
    "ratio_bootstrap_ci",
]


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
    rng = np.random.default_rng(seed)
    replicates = np.array(
        [float(statistic(take(rng.integers(0, n, size=n)))) for _ in range(n_boot)]
    )
    replicates = replicates[~np.isnan(replicates)]
    if replicates.size == 0:
        return estimate, float("nan"), float("nan")
    tail = (1 - level) / 2
    low, high = np.quantile(replicates, [tail, 1 - tail])
    return estimate, float(low), float(high)


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
) -> tuple[float, float, float]:
    """``(value, low, high)`` of an agreement ``metric(a, b)`` with a bootstrap over items."""
    first, second = np.asarray(a), np.asarray(b)
    if first.shape != second.shape:
        raise ValueError(f"codings differ in length: {first.shape} vs {second.shape}")
    pairs = np.arange(first.size)
    return bootstrap_ci(
        pairs,
        lambda idx: metric(first[np.asarray(idx)], second[np.asarray(idx)]),
        n_boot=n_boot,
        seed=seed,
        level=level,
    )


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
    draws = np.random.default_rng(seed).integers(0, num.size, size=(n_boot, num.size))
    num_sum, den_sum = num[draws].sum(axis=1), den[draws].sum(axis=1)
    ok = den_sum > 0
    if not ok.any():
        return estimate, float("nan"), float("nan")
    replicates = num_sum[ok] / den_sum[ok]
    tail = (1 - level) / 2
    low, high = np.quantile(replicates, [tail, 1 - tail])
    return estimate, float(low), float(high)
