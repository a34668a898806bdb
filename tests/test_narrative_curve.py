"""The learning curve of the cross-fitted mention classifier (helpers.narrative.curve)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.narrative.crossfit import CrossFittedClassifier
from helpers.narrative.curve import gain_interval, learning_curve
from helpers.narrative.validation import kappa


def signal(n_posts: int = 60, per_post: int = 8, seed: int = 0):
    """Labels carried by a shared word feature, with a fifth of them flipped at random: a
    model learns the word's label better from more posts."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(40)]
    word_label = {w: rng.choice(["agent", "patient", "other"]) for w in words}
    features, labels, groups = [], [], []
    for p in range(n_posts):
        for _ in range(per_post):
            w = words[rng.integers(len(words))]
            label = (
                word_label[w] if rng.random() > 0.2 else rng.choice(["agent", "patient", "other"])
            )
            features.append({f"word={w}": 1.0, "noise": float(rng.normal())})
            labels.append(label)
            groups.append(f"d{p:02d}")
    return features, np.array(labels, dtype=object), groups


def test_all_training_posts_reproduce_the_deployed_cross_fitting() -> None:
    features, labels, groups = signal()
    scored = np.ones(len(labels), dtype=bool)
    table, predictions = learning_curve(
        features,
        labels,
        groups,
        scored,
        fractions=[1.0],
        repeats=3,
        cs=(0.3, 3.0),
        n_folds=4,
        seed=2,
    )
    deployed = CrossFittedClassifier(cs=(0.3, 3.0), n_folds=4, seed=2).fit(features, labels, groups)
    assert len(table) == 1  # the whole set is drawn once, whatever `repeats`
    assert (predictions[(1.0, 0)] == deployed.predict(features, groups)).all()
    assert table.loc[0, "kappa"] == pytest.approx(kappa(labels, predictions[(1.0, 0)]))
    assert table.loc[0, "training_mentions"] == pytest.approx(0.75 * len(labels), rel=0.2)


def test_a_share_of_posts_trains_on_fewer_posts_and_learns_less() -> None:
    features, labels, groups = signal()
    scored = np.ones(len(labels), dtype=bool)
    args = dict(fractions=[0.1, 0.5, 1.0], repeats=2, cs=(1.0,), n_folds=4, seed=0)
    table, predictions = learning_curve(features, labels, groups, scored, **args)
    assert list(zip(table["fraction"], table["repeat"], strict=True)) == [
        (0.1, 0), (0.1, 1), (0.5, 0), (0.5, 1), (1.0, 0)
    ]  # fmt: skip
    posts = table.groupby("fraction")["training_posts"].mean()
    assert posts[0.1] < posts[0.5] < posts[1.0]
    assert posts[0.5] == pytest.approx(0.5 * posts[1.0], abs=1)
    # Two draws of the same share use different posts; the same call gives the same result,
    # in one process or two.
    assert not (predictions[(0.1, 0)] == predictions[(0.1, 1)]).all()
    again, repeated = learning_curve(features, labels, groups, scored, processes=2, **args)
    assert again.equals(table)
    assert all((repeated[k] == predictions[k]).all() for k in predictions)
    kappas = table.groupby("fraction")["kappa"].mean()
    assert kappas[0.1] < kappas[0.5] <= kappas[1.0] + 0.02
    # Only the scored rows count.
    half = np.arange(len(labels)) % 2 == 0
    part, _ = learning_curve(features, labels, groups, half, **args)
    assert part.loc[4, "kappa"] == pytest.approx(kappa(labels[half], predictions[(1.0, 0)][half]))


def test_learning_curve_refuses_bad_arguments() -> None:
    features, labels, groups = signal(n_posts=12)
    scored = np.ones(len(labels), dtype=bool)
    with pytest.raises(ValueError, match="fractions"):
        learning_curve(features, labels, groups, scored, [0.0, 1.0], 1, (1.0,))
    with pytest.raises(ValueError, match="repeats"):
        learning_curve(features, labels, groups, scored, [1.0], 0, (1.0,))
    with pytest.raises(ValueError, match="differ in length"):
        learning_curve(features, labels, groups, scored[:-1], [1.0], 1, (1.0,))


def test_gain_interval_is_paired_over_posts() -> None:
    _, labels, groups = signal(n_posts=30)
    scored = np.ones(len(labels), dtype=bool)
    rng = np.random.default_rng(1)
    noisy = np.where(rng.random(len(labels)) < 0.5, labels, "other").astype(object)
    same = gain_interval(labels, groups, scored, noisy, [noisy], n_boot=200, seed=0)
    assert same == (0.0, 0.0, 0.0)
    better = gain_interval(labels, groups, scored, labels.copy(), [noisy], n_boot=200, seed=0)
    assert better[0] == pytest.approx(1 - kappa(labels, noisy))
    assert 0 < better[1] <= better[0] <= better[2]
    # The smaller side is the mean over its draws.
    worse = np.full(len(labels), "other", dtype=object)
    mixed = gain_interval(labels, groups, scored, labels.copy(), [noisy, worse], 200, 0)
    assert mixed[0] == pytest.approx(1 - (kappa(labels, noisy) + kappa(labels, worse)) / 2)
    with pytest.raises(ValueError, match="at least one"):
        gain_interval(labels, groups, scored, labels, [], 10, 0)
