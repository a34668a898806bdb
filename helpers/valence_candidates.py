"""Candidate changes to the supervised valence model, judged by nested grouped cross-validation.

Used by ``data/validation/valence/compare_candidates.py`` (round ``valence6``; the rule and the
figures are in that folder's README). Nothing here is used by the notebooks' deployed model
unless a candidate is adopted.

* ``clause_features``: negation and contrast-clause features of a sentence (VADER compound of
  the clause after the last contrast word and of the clause before the first, whether a
  contrast word occurs, VADER's count of negation words, question and exclamation marks).
* ``nested_grouped_oof``: out-of-fold predictions of a kernel ridge on one or more TF-IDF blocks
  (word 1-2-grams, optionally character n-grams) plus standardised dense columns, with outer
  folds by post (``helpers.valence_model.post_fold``) and the grid point (and an optional blend
  weight with a second learner) chosen by grouped cross-validation *inside* each outer training
  set. With the word block alone, no blend and ``DEFAULT_GRID`` it reproduces
  ``CrossFitted`` (tested). A row is never predicted by a model that saw a label of its post.
* ``second_linear`` / ``second_gbm`` / ``second_logistic``: second learners for blends (a
  linear calibration of one lexicon column, gradient boosting on the dense columns, a
  multinomial logistic model whose expected rating is the prediction).
* ``paired_gain_ci``: a candidate's gain in Spearman over a reference on the same rows, with a
  paired bootstrap over posts (``helpers.stats.bootstrap_ci_by_group``).

Everything is deterministic: no random state except fixed seeds, one BLAS thread while solving.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.linalg import cho_factor, cho_solve
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LinearRegression, LogisticRegression
from threadpoolctl import threadpool_limits
from vaderSentiment.vaderSentiment import negated

from helpers.stats import bootstrap_ci_by_group, spearman_rho
from helpers.textnorm import fold_quotes
from helpers.valence import DomainVader
from helpers.valence_model import _folds, _grid_points

__all__ = [
    "BLOCKS",
    "CLAUSE_FEATURES",
    "clause_features",
    "nested_grouped_oof",
    "paired_gain_ci",
    "second_gbm",
    "second_linear",
    "second_logistic",
]

# TF-IDF blocks: "words" is exactly RidgeValence's vectoriser.
BLOCKS: dict[str, dict[str, object]] = {
    "words": {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True, "lowercase": True},
    "chars": {
        "analyzer": "char_wb",
        "ngram_range": (2, 5),
        "min_df": 2,
        "sublinear_tf": True,
        "lowercase": True,
    },
}
CONTRAST = re.compile(
    r"\b(but|however|yet|nevertheless|nonetheless|although|though|despite|whilst|while)\b", re.I
)
CLAUSE_FEATURES = [
    "after_contrast_plain",
    "after_contrast_domain",
    "before_contrast_domain",
    "has_contrast",
    "negations",
    "question",
    "exclamation",
]
# A second learner: (texts, dense columns, ratings, training rows, predicted rows) -> predictions.
Second = Callable[[Sequence[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def clause_features(sentences: Sequence[str], overrides: pd.DataFrame) -> pd.DataFrame:
    """``CLAUSE_FEATURES`` of every sentence (one row per sentence, input order).

    The clause after the *last* contrast word ("but", "however", "although", ...) and the one
    before the *first* are scored with VADER (plain and with the domain ``overrides``); a
    sentence without a contrast word is its own clause on both sides.
    """
    plain, domain = DomainVader(), DomainVader(overrides)
    rows = []
    for sentence in sentences:
        text = fold_quotes(sentence)
        hits = list(CONTRAST.finditer(text))
        after = text[hits[-1].end() :] if hits else text
        before = text[: hits[0].start()] if hits else text
        rows.append(
            [
                plain.compound(after) if after.strip() else 0.0,
                domain.compound(after) if after.strip() else 0.0,
                domain.compound(before) if before.strip() else 0.0,
                float(bool(hits)),
                float(sum(bool(negated([w])) for w in text.split())),
                float("?" in text),
                float("!" in text),
            ]
        )
    return pd.DataFrame(rows, columns=CLAUSE_FEATURES, dtype=float)


def _centred_kernels(
    texts: Sequence[str], train: np.ndarray, test: np.ndarray, block: str
) -> tuple[np.ndarray, np.ndarray]:
    """Centred linear kernels (train x train, test x train) of one TF-IDF block fitted on the
    training rows only (same algebra as ``helpers.valence_model._grid_oof``)."""
    vec = TfidfVectorizer(**BLOCKS[block])  # type: ignore[arg-type]
    w_train = vec.fit_transform([texts[i] for i in train]).tocsr()
    w_test = vec.transform([texts[i] for i in test]).tocsr()
    mean = np.asarray(w_train.mean(axis=0)).ravel()
    m_train, m_test = w_train @ mean, w_test @ mean
    mm = float(mean @ mean)
    k = (w_train @ w_train.T).toarray() - m_train[:, None] - m_train[None, :] + mm
    t = (w_test @ w_train.T).toarray() - m_test[:, None] - m_train[None, :] + mm
    return k, t


def _block_weights(params: dict[str, float], blocks: Sequence[str]) -> tuple[float, ...]:
    """Weight of each block: the first is 1; block ``k >= 1`` is scaled by ``weight_<name>``."""
    return (1.0, *(params.get(f"weight_{b}", 1.0) for b in blocks[1:]))


def _fit_predict(
    texts: Sequence[str],
    dense: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    blocks: Sequence[str],
    points: list[dict[str, float]],
) -> np.ndarray:
    """Predictions of the test rows (columns) for every grid point (rows), one fit on ``train``.

    Ridge on the centred design ``[w_1 X_1, ..., lw * Z]`` with an unpenalised intercept, in
    kernel form: one Cholesky factorisation per (penalty, block weights), the dense block added
    by the Woodbury identity for each lexicon weight ``lw``.
    """
    kernels = [_centred_kernels(texts, train, test, b) for b in blocks]
    z = dense[train]
    z_mean, z_sd = z.mean(axis=0), z.std(axis=0)
    z_sd = np.where(z_sd > 0, z_sd, 1.0)
    z_train, z_test = (z - z_mean) / z_sd, (dense[test] - z_mean) / z_sd
    centre = z_train.mean(axis=0)
    zc, zt = z_train - centre, z_test - centre
    y_mean = y[train].mean()
    yc = y[train] - y_mean
    eye = np.eye(len(train))
    out = np.full((len(points), len(test)), np.nan)

    def key(p: dict[str, float]) -> tuple[float, ...]:
        return (p["alpha"], *_block_weights(p, blocks))

    with threadpool_limits(limits=1):
        for k in sorted({key(p) for p in points}):
            alpha, weights = k[0], k[1:]
            gram = sum(w * w * kt[0] for w, kt in zip(weights, kernels, strict=True))
            cross = sum(w * w * kt[1] for w, kt in zip(weights, kernels, strict=True))
            factor = cho_factor(gram + alpha * eye)
            a_y, a_z = cho_solve(factor, yc), cho_solve(factor, zc)
            for j, params in enumerate(points):
                if key(params) != k:
                    continue
                lw2 = params["lexicon_weight"] ** 2
                small = np.eye(zc.shape[1]) / lw2 + zc.T @ a_z
                dual = a_y - a_z @ np.linalg.solve(small, zc.T @ a_y)
                out[j] = cross @ dual + lw2 * (zt @ (zc.T @ dual)) + y_mean
    return out


def nested_grouped_oof(
    texts: Sequence[str],
    dense: np.ndarray,
    y: Sequence[float],
    groups: Sequence[str],
    grid: dict[str, Sequence[float]],
    blocks: Sequence[str] = ("words",),
    n_folds: int = 5,
    seed: int = 0,
    second: Second | None = None,
    blend: Sequence[float] = (0.0,),
    y_select: Sequence[float] | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Nested out-of-fold predictions, folds by post.

    Outer folds: ``post_fold(doc_id, n_folds, seed)``. Inside each outer training set, inner
    folds by post (seed ``seed + 1``, as ``CrossFitted``) give out-of-fold predictions for every
    grid point and, with a ``second`` learner, every blend weight ``b`` of
    ``(1 - b) * ridge + b * second``; the pair with the highest Spearman against ``y_select``
    (default ``y``; ties go to the first in grid order, then the smaller weight) is refitted on the
    whole outer training set and predicts the outer fold. ``y`` trains; ``y_select`` chooses, so
    a candidate that changes the training labels is still chosen against the reference labels.

    Returns ``(predictions, choices)``: one prediction per row, and the chosen point per fold.
    """
    texts = [fold_quotes(t) for t in texts]
    groups = [str(g) for g in groups]
    dense = np.asarray(dense, dtype=float)
    y = np.asarray(y, dtype=float)
    y_sel = y if y_select is None else np.asarray(y_select, dtype=float)
    if not len(texts) == len(dense) == len(y) == len(y_sel) == len(groups):
        raise ValueError("texts, dense columns, ratings and posts differ in length")
    if second is None and tuple(blend) != (0.0,):
        raise ValueError("blend weights need a second learner")
    points = _grid_points(grid)
    outer = _folds(groups, n_folds, seed)
    out = np.full(len(y), np.nan)
    rows = []
    for fold in range(n_folds):
        train, test = np.flatnonzero(outer != fold), np.flatnonzero(outer == fold)
        if len(test) == 0 or len(train) == 0:
            continue
        inner = _folds([groups[i] for i in train], n_folds, seed + 1)
        ridge_oof = np.full((len(points), len(train)), np.nan)
        second_oof = np.zeros(len(train))
        for g in np.unique(inner):
            fit, held = train[inner != g], train[inner == g]
            if len(fit) == 0:
                continue
            ridge_oof[:, inner == g] = _fit_predict(texts, dense, y, fit, held, blocks, points)
            if second is not None:
                second_oof[inner == g] = second(texts, dense, y, fit, held)
        ok = np.isfinite(ridge_oof[0])
        best, best_score = (0, 0.0), -np.inf
        for j in range(len(points)):
            for b in blend:
                pred = (1 - b) * ridge_oof[j, ok] + b * second_oof[ok]
                score = spearman_rho(y_sel[train][ok], pred)
                if np.isfinite(score) and score > best_score:
                    best, best_score = (j, float(b)), score
        j, b = best
        pred = _fit_predict(texts, dense, y, train, test, blocks, [points[j]])[0]
        if second is not None and b > 0:
            pred = (1 - b) * pred + b * second(texts, dense, y, train, test)
        out[test] = pred
        rows.append({"fold": fold, **points[j], "blend": b, "inner_spearman": best_score})
    return out, pd.DataFrame(rows).set_index("fold")


def second_linear(column: int) -> Second:
    """A linear calibration of one dense column (e.g. plain VADER) to the ratings."""

    def fit_predict(
        texts: Sequence[str], dense: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray
    ) -> np.ndarray:
        model = LinearRegression().fit(dense[train][:, [column]], y[train])
        return np.asarray(model.predict(dense[test][:, [column]]), dtype=float)

    return fit_predict


def second_gbm(
    texts: Sequence[str], dense: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> np.ndarray:
    """Gradient boosting (scikit-learn, fixed settings, no early stopping) on the dense columns."""
    model = HistGradientBoostingRegressor(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        early_stopping=False,
        random_state=0,
    )
    with threadpool_limits(limits=1):
        model.fit(dense[train], y[train])
        return np.asarray(model.predict(dense[test]), dtype=float)


def second_logistic(
    texts: Sequence[str], dense: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> np.ndarray:
    """Multinomial logistic regression of the rounded rating on word TF-IDF and the standardised
    dense columns; the prediction is the expected rating."""
    vec = TfidfVectorizer(**BLOCKS["words"])  # type: ignore[arg-type]
    x_train = vec.fit_transform([texts[i] for i in train])
    x_test = vec.transform([texts[i] for i in test])
    mean, sd = dense[train].mean(axis=0), dense[train].std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    x_train = sparse.hstack([x_train, sparse.csr_matrix((dense[train] - mean) / sd * 0.3)]).tocsr()
    x_test = sparse.hstack([x_test, sparse.csr_matrix((dense[test] - mean) / sd * 0.3)]).tocsr()
    with threadpool_limits(limits=1):
        model = LogisticRegression(C=3.0, max_iter=2000)
        model.fit(x_train, np.rint(y[train]).astype(int))
        return np.asarray(model.predict_proba(x_test) @ model.classes_, dtype=float)


def paired_gain_ci(
    y: Sequence[float],
    candidate: Sequence[float],
    reference: Sequence[float],
    groups: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``(gain, low, high)``: Spearman of ``candidate`` minus that of ``reference`` against
    ``y``, with a paired percentile bootstrap over posts (all rows of a drawn post kept)."""
    y, c, r = (np.asarray(v, dtype=float) for v in (y, candidate, reference))
    posts = np.asarray([str(g) for g in groups])
    if not y.shape == c.shape == r.shape == posts.shape:
        raise ValueError("ratings, predictions and posts differ in length")
    return bootstrap_ci_by_group(
        posts,
        lambda idx: spearman_rho(y[idx], c[idx]) - spearman_rho(y[idx], r[idx]),
        n_boot,
        seed,
        level,
    )
