"""Learning curve of the cross-fitted mention classifier: is it limited by the coded data?

``learning_curve`` refits the deployed classifier's cross-fitting (``helpers.narrative
.crossfit``: folds a fixed hash of the post, ``C`` chosen by grouped cross-validation inside
each fold's training rows) with only a random share of each fold's training **posts**, and
scores the out-of-fold predictions on the rows marked ``scored``. If agreement still rises
between half and all of the training posts, more coded text would be expected to help; if
it is flat, the features are the limit. The unit drawn is the post, as everywhere in the
collection: a post's mentions are kept or dropped together.

``gain_interval`` gives a paired bootstrap interval over posts of the difference between two
points of the curve (the mean over repeated draws of the smaller share).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from helpers.narrative.classifier import post_folds
from helpers.narrative.crossfit import _fit_fold
from helpers.parallel import map_processes
from helpers.stats import bootstrap_ci_by_group


def _subset_posts(posts: Sequence[str], fraction: float, seed: int, repeat: int, fold: int):
    """``round(fraction * len(posts))`` posts (at least two) drawn without replacement by
    ``numpy.random.default_rng([seed, repeat, fold, per-mille of fraction])``."""
    ordered = sorted(posts)
    k = max(2, int(round(fraction * len(ordered))))
    if k >= len(ordered):
        return set(ordered)
    rng = np.random.default_rng([seed, repeat, fold, int(round(fraction * 1000))])
    return set(rng.choice(np.array(ordered, dtype=object), size=k, replace=False).tolist())


def learning_curve(
    features: Sequence[dict[str, float]],
    labels: Sequence[str],
    groups: Sequence[str],
    scored: Sequence[bool],
    fractions: Sequence[float],
    repeats: int,
    cs: Sequence[float],
    n_folds: int = 5,
    seed: int = 0,
    processes: int = 1,
    weight_power: float = 1.0,
    metric: Callable[[np.ndarray, np.ndarray], float] | None = None,
) -> tuple[pd.DataFrame, dict[tuple[float, int], np.ndarray]]:
    """Cross-fitted predictions with a share of each fold's training posts.

    For each ``fraction`` (in ``(0, 1]``; ``1`` is drawn once, the others ``repeats``
    times) and each fold ``f``, a model is fitted as ``CrossFittedClassifier`` fits fold
    ``f`` but on the labelled rows of ``fraction`` of the posts outside ``f`` only, and it
    predicts the rows of fold ``f``. Returns ``(table, predictions)``: one table row per
    fraction and repeat (``fraction, repeat, training_posts, training_mentions`` (means over
    folds), ``kappa`` (``metric``, default Cohen's kappa, on the ``scored`` rows)), and the
    predictions of every row keyed by ``(fraction, repeat)``.
    """
    from helpers.narrative.validation import kappa

    metric = metric or kappa
    features, groups = list(features), [str(g) for g in groups]
    labels = np.asarray(labels, dtype=object)
    scored = np.asarray(scored, dtype=bool)
    if not len(features) == len(labels) == len(groups) == len(scored):
        raise ValueError("features, labels, posts and scored differ in length")
    if not fractions or any(not 0 < f <= 1 for f in fractions):
        raise ValueError(f"fractions must lie in (0, 1], got {list(fractions)}")
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    folds = post_folds(groups, n_folds, seed)
    points = [(float(f), r) for f in fractions for r in range(1 if f == 1 else repeats)]
    jobs, where = [], []
    for fraction, repeat in points:
        for fold in range(n_folds):
            outside = sorted({groups[i] for i in np.flatnonzero(folds != fold)})
            keep = _subset_posts(outside, fraction, seed, repeat, fold)
            train = [i for i in np.flatnonzero(folds != fold) if groups[i] in keep]
            if len(np.unique(labels[train])) < 2:
                raise ValueError(
                    f"fraction {fraction}, fold {fold}: its training rows hold fewer than two "
                    "labels"
                )
            jobs.append(
                (
                    [features[i] for i in train],
                    labels[train],
                    [groups[i] for i in train],
                    tuple(float(c) for c in cs),
                    n_folds,
                    seed,
                    weight_power,
                )
            )
            where.append((fraction, repeat, fold, len(keep), len(train)))
    fitted = map_processes(_fit_fold, jobs, processes)
    predictions = {p: np.empty(len(labels), dtype=object) for p in points}
    sizes: dict[tuple[float, int], list[tuple[int, int]]] = {p: [] for p in points}
    for (fraction, repeat, fold, n_posts, n_rows), (_, _, model) in zip(where, fitted, strict=True):
        rows = np.flatnonzero(folds == fold)
        if len(rows):
            predictions[(fraction, repeat)][rows] = model.predict([features[i] for i in rows])
        sizes[(fraction, repeat)].append((n_posts, n_rows))
    table = pd.DataFrame(
        [
            {
                "fraction": fraction,
                "repeat": repeat,
                "training_posts": float(np.mean([s[0] for s in sizes[(fraction, repeat)]])),
                "training_mentions": float(np.mean([s[1] for s in sizes[(fraction, repeat)]])),
                "kappa": metric(labels[scored], predictions[(fraction, repeat)][scored]),
            }
            for fraction, repeat in points
        ]
    )
    return table, predictions


def gain_interval(
    labels: Sequence[str],
    groups: Sequence[str],
    scored: Sequence[bool],
    larger: np.ndarray,
    smaller: Sequence[np.ndarray],
    n_boot: int,
    seed: int,
    metric: Callable[[np.ndarray, np.ndarray], float] | None = None,
) -> tuple[float, float, float]:
    """``(gain, low, high)``: ``metric`` of ``larger`` minus the mean ``metric`` of the
    ``smaller`` predictions (repeated draws), on the ``scored`` rows, with a paired 95%
    percentile interval from a bootstrap over posts (``helpers.stats.bootstrap_ci_by_group``)."""
    from helpers.narrative.validation import kappa

    metric = metric or kappa
    labels = np.asarray(labels, dtype=object)
    scored = np.asarray(scored, dtype=bool)
    if not smaller:
        raise ValueError("gain_interval needs at least one set of smaller predictions")
    idx = np.flatnonzero(scored)
    posts = np.asarray([str(g) for g in groups], dtype=object)[idx]

    def gain(rows: np.ndarray) -> float:
        at = idx[rows]
        return metric(labels[at], larger[at]) - float(
            np.mean([metric(labels[at], s[at]) for s in smaller])
        )

    point, low, high = bootstrap_ci_by_group(posts, gain, n_boot, seed)
    return point, float(low), float(high)
