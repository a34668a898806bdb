"""Unit tests for helpers.valence_candidates: nested grouped CV of candidate valence models."""

import numpy as np
import pandas as pd
import pytest

from helpers.valence import load_valence_overrides
from helpers.valence_candidates import (
    CLAUSE_FEATURES,
    clause_features,
    nested_grouped_oof,
    paired_gain_ci,
    second_gbm,
    second_linear,
    second_logistic,
)
from helpers.valence_model import CrossFitted, post_fold

GOOD = ["splendid", "thriving", "brilliant", "proud"]
BAD = ["dreadful", "failing", "crisis", "harmful"]
FILLER = ["the", "council", "schools", "budget", "report", "families", "staff", "week"]
SMALL_GRID = {"alpha": (0.3, 3.0), "lexicon_weight": (0.5, 2.0)}


def synthetic(n_posts: int = 20, per_post: int = 6, seed: int = 1) -> pd.DataFrame:
    """Sentences whose rating is carried by invented marker words (+1 per good, -1 per bad),
    with one informative and one uninformative dense column."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_posts):
        for _ in range(per_post):
            good, bad = rng.integers(0, 3), rng.integers(0, 3)
            words = [*rng.choice(FILLER, 5), *rng.choice(GOOD, good), *rng.choice(BAD, bad)]
            rng.shuffle(words)
            rows.append({"doc_id": f"post{p:02d}", "text": " ".join(words), "y": good - bad})
    frame = pd.DataFrame(rows)
    frame["y"] = frame["y"].clip(-2, 2).astype(float)
    frame["lex"] = frame["y"] + rng.normal(scale=1.0, size=len(frame))
    frame["noise"] = rng.normal(size=len(frame))
    return frame


def dense(frame: pd.DataFrame) -> np.ndarray:
    return frame[["lex", "noise"]].to_numpy()


def args(frame: pd.DataFrame) -> tuple:
    return frame["text"].tolist(), dense(frame), frame["y"].to_numpy(), frame["doc_id"].tolist()


def test_words_only_reproduces_the_deployed_cross_fitting() -> None:
    frame = synthetic()
    texts, z, y, groups = args(frame)
    pred, chosen = nested_grouped_oof(texts, z, y, groups, SMALL_GRID, n_folds=4, seed=11)
    model = CrossFitted(n_folds=4, seed=11, grid=SMALL_GRID).fit(texts, z, y, groups)
    np.testing.assert_allclose(pred, model.predict(texts, z, groups), atol=1e-8)
    assert chosen[["alpha", "lexicon_weight"]].equals(model.chosen[["alpha", "lexicon_weight"]])
    assert (chosen["blend"] == 0).all()


@pytest.mark.parametrize(
    ("blocks", "grid", "second", "blend"),
    [
        (("words",), SMALL_GRID, None, (0.0,)),
        (("words", "chars"), {**SMALL_GRID, "weight_chars": (0.5, 1.0)}, None, (0.0,)),
        (("words",), SMALL_GRID, second_linear(0), (0.0, 0.5)),
        (("words",), SMALL_GRID, second_gbm, (0.0, 0.5)),
        (("words",), SMALL_GRID, second_logistic, (0.0, 0.5)),
    ],
)
def test_a_post_is_never_predicted_by_a_model_that_saw_its_labels(blocks, grid, second, blend):
    frame = synthetic()
    texts, z, y, groups = args(frame)

    def run(ratings: np.ndarray) -> np.ndarray:
        pred, _ = nested_grouped_oof(
            texts, z, ratings, groups, grid, blocks, 4, 5, second=second, blend=blend, y_select=y
        )
        return pred

    base = run(y)
    assert np.isfinite(base).all()
    assert np.array_equal(base, run(y))  # deterministic
    target = (frame["doc_id"] == "post07").to_numpy()
    y2 = y.copy()
    y2[target] = 2.0 - y2[target]
    moved = run(y2)
    assert np.array_equal(base[target], moved[target])  # its own labels never reach it
    assert not np.array_equal(base[~target], moved[~target])  # ... but they train the others
    # The marker words are learned: out-of-fold agreement is high.
    assert np.corrcoef(base, y)[0, 1] > 0.7


def test_selection_labels_are_separate_from_training_labels() -> None:
    frame = synthetic()
    texts, z, y, groups = args(frame)
    # Selecting against reversed labels picks different points than selecting against y.
    _, by_y = nested_grouped_oof(texts, z, y, groups, SMALL_GRID, n_folds=4, seed=2)
    _, by_rev = nested_grouped_oof(texts, z, y, groups, SMALL_GRID, n_folds=4, seed=2, y_select=-y)
    assert not by_y.equals(by_rev)
    with pytest.raises(ValueError, match="second learner"):
        nested_grouped_oof(texts, z, y, groups, SMALL_GRID, blend=(0.0, 0.5))
    with pytest.raises(ValueError, match="differ in length"):
        nested_grouped_oof(texts[:-1], z, y, groups, SMALL_GRID)


def test_a_blend_with_an_informative_second_learner_is_chosen() -> None:
    frame = synthetic()
    texts, z, y, groups = args(frame)
    # A second learner that sees the truth through its dense column: the inner CV must take it.
    exact = np.c_[y, z]
    _, chosen = nested_grouped_oof(
        texts,
        exact,
        y,
        groups,
        SMALL_GRID,
        n_folds=4,
        seed=3,
        second=second_linear(0),
        blend=(0.0, 1.0),
    )
    assert (chosen["blend"] == 1.0).all()


def test_clause_features_read_the_clause_after_a_contrast() -> None:
    overrides = load_valence_overrides()
    feats = clause_features(
        [
            "The plan was good but the outcome was terrible.",
            "We did not fail.",
            "Is this the best we can do?",
            "A splendid result!",
        ],
        overrides,
    )
    assert list(feats.columns) == CLAUSE_FEATURES
    first = feats.iloc[0]
    assert first["has_contrast"] == 1.0
    assert first["after_contrast_plain"] < 0 < first["before_contrast_domain"]
    assert feats.loc[1, "negations"] >= 1 and feats.loc[1, "has_contrast"] == 0.0
    assert feats.loc[1, "after_contrast_domain"] == feats.loc[1, "before_contrast_domain"]
    assert feats.loc[2, "question"] == 1.0 and feats.loc[3, "exclamation"] == 1.0
    assert feats.equals(
        clause_features(
            [
                "The plan was good but the outcome was terrible.",
                "We did not fail.",
                "Is this the best we can do?",
                "A splendid result!",
            ],
            overrides,
        )
    )


def test_paired_gain_is_zero_for_the_same_predictions_and_resamples_posts() -> None:
    frame = synthetic()
    y, groups = frame["y"].to_numpy(), frame["doc_id"].tolist()
    rng = np.random.default_rng(0)
    noisy = y + rng.normal(scale=2.0, size=len(y))
    assert paired_gain_ci(y, noisy, noisy, groups, 200, 0) == (0.0, 0.0, 0.0)
    gain, low, high = paired_gain_ci(y, y + rng.normal(scale=0.1, size=len(y)), noisy, groups, 200)
    assert 0 < low <= gain <= high
    assert paired_gain_ci(y, noisy, y, groups, 200, 4) == paired_gain_ci(
        y, noisy, y, groups, 200, 4
    )
    with pytest.raises(ValueError, match="differ in length"):
        paired_gain_ci(y[:-1], noisy, y, groups)
    # Folds are by post: every post's rows share one fold.
    folds = pd.Series([post_fold(g, 5, 0) for g in groups])
    assert (folds.groupby(frame["doc_id"]).nunique() == 1).all()
