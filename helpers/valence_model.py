"""A supervised in-domain valence model, fitted to blind coders' ratings, and cross-fitting.

* ``lexicon_features``: the lexicon scores used as features beside the words (VADER's
  compound, positive and negative shares, with and without the domain overrides, and
  Pattern's polarity).
* ``RidgeValence``: ridge regression (scikit-learn) of the ``-2..+2`` rating on TF-IDF word
  unigrams and bigrams plus the standardised lexicon scores. Deterministic: the Cholesky
  solver on a dense matrix, no random state anywhere (one BLAS thread while solving).
* ``post_fold``: the fold of a post, a fixed function of its ``doc_id`` and a seed (MD5), so
  that every call, on any subset of sentences, puts a post in the same fold.
* ``grouped_oof``: out-of-fold predictions with folds by post (no post in both the fitting
  and the predicted rows); ``select_params``: the grid point with the highest Spearman
  correlation of those predictions.
* ``merge_labels``: one labelled row per sentence from several coders' tables, a preferred
  coder winning where two coders rated the same sentence (training set of the deployed model).
* ``CrossFitted``: ``n_folds`` models, model ``f`` fitted (hyperparameters chosen by grouped
  cross-validation inside its own training rows) on the labelled sentences of posts *not* in
  fold ``f``; a sentence of a post in fold ``f`` is scored only by model ``f``. No sentence is
  therefore scored by a model that saw its own label or any label from its post, and the
  out-of-fold score of the labelled sentences is an honest (nested) estimate.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.linalg import cho_factor, cho_solve
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from threadpoolctl import threadpool_limits

from helpers.parallel import map_processes
from helpers.stats import spearman_rho
from helpers.textnorm import fold_quotes
from helpers.valence import DomainVader, pattern_polarity

__all__ = [
    "DEFAULT_GRID",
    "LEXICON_FEATURES",
    "CrossFitted",
    "RidgeValence",
    "candidates_from_features",
    "grouped_oof",
    "lexicon_features",
    "merge_labels",
    "post_fold",
    "select_params",
]

LEXICON_FEATURES = [
    "vader_plain",
    "vader_plain_pos",
    "vader_plain_neg",
    "vader_domain",
    "vader_domain_pos",
    "vader_domain_neg",
    "pattern",
]
# alpha: ridge penalty; lexicon_weight: scale of the standardised lexicon columns relative
# to the TF-IDF columns (a larger weight lets the lexicon scores escape the penalty).
# The grid was set by grouped cross-validation on training labels only (tuning-part posts).
DEFAULT_GRID: dict[str, tuple[float, ...]] = {
    "alpha": (1.0, 3.0, 10.0),
    "lexicon_weight": (0.03, 0.1, 0.3, 1.0),
}


def lexicon_features(sentences: Sequence[str], overrides: pd.DataFrame) -> pd.DataFrame:
    """The ``LEXICON_FEATURES`` of every sentence (one row per sentence, input order)."""
    plain, domain = DomainVader(), DomainVader(overrides)
    rows = []
    for sentence in sentences:
        p, d = plain.polarity(sentence), domain.polarity(sentence)
        rows.append([p["compound"], p["pos"], p["neg"], d["compound"], d["pos"], d["neg"]])
    frame = pd.DataFrame(rows, columns=LEXICON_FEATURES[:-1], dtype=float)
    frame["pattern"] = pattern_polarity(list(sentences))
    return frame


def candidates_from_features(features: pd.DataFrame) -> pd.DataFrame:
    """The single-lexicon candidates of ``helpers.valence.candidate_scores``, computed from
    ``lexicon_features`` (so VADER runs once per sentence)."""
    return pd.DataFrame(
        {
            "vader_plain": features["vader_plain"],
            "vader_domain": features["vader_domain"],
            "vader_domain_balance": features["vader_domain_pos"] - features["vader_domain_neg"],
            "pattern": features["pattern"],
        },
        index=features.index,
    )


def post_fold(doc_id: str, n_folds: int, seed: int) -> int:
    """Fold (``0..n_folds-1``) of a post: a fixed function of ``doc_id`` and ``seed``."""
    if n_folds < 2:
        raise ValueError("n_folds must be at least 2")
    digest = hashlib.md5(f"{seed}:{doc_id}".encode()).hexdigest()
    return int(digest, 16) % n_folds


def _folds(groups: Sequence[str], n_folds: int, seed: int) -> np.ndarray:
    return np.array([post_fold(str(g), n_folds, seed) for g in groups], dtype=int)


@dataclass
class RidgeValence:
    """Ridge regression of the rating on TF-IDF (1-2 grams) and the lexicon scores."""

    alpha: float = 10.0
    lexicon_weight: float = 1.0
    min_df: int = 2
    vectorizer: TfidfVectorizer | None = field(default=None, repr=False)
    model: Ridge | None = field(default=None, repr=False)
    lex_mean: np.ndarray | None = field(default=None, repr=False)
    lex_sd: np.ndarray | None = field(default=None, repr=False)

    def _design(self, texts: Sequence[str], lex: np.ndarray) -> sparse.csr_matrix:
        assert self.vectorizer is not None and self.lex_mean is not None
        words = self.vectorizer.transform([fold_quotes(t) for t in texts])
        z = (np.asarray(lex, dtype=float) - self.lex_mean) / self.lex_sd * self.lexicon_weight
        return sparse.hstack([words, sparse.csr_matrix(z)], format="csr")

    def fit(self, texts: Sequence[str], lex: np.ndarray, y: Sequence[float]) -> RidgeValence:
        """Fit on sentences, their lexicon scores (rows aligned) and ratings."""
        lex = np.asarray(lex, dtype=float)
        y = np.asarray(y, dtype=float)
        if not len(texts) == len(lex) == len(y):
            raise ValueError("texts, lexicon features and ratings differ in length")
        if len(y) < 5:
            raise ValueError("too few labelled sentences to fit the valence model")
        self.vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True, lowercase=True
        )
        self.vectorizer.fit([fold_quotes(t) for t in texts])
        self.lex_mean = lex.mean(axis=0)
        sd = lex.std(axis=0)
        self.lex_sd = np.where(sd > 0, sd, 1.0)
        x = self._design(texts, lex).toarray()
        # One BLAS thread: the systems are small, and more threads only contend on a
        # shared machine (same result either way).
        with threadpool_limits(limits=1):
            self.model = Ridge(alpha=self.alpha, solver="cholesky").fit(x, y)
        return self

    def predict(self, texts: Sequence[str], lex: np.ndarray) -> np.ndarray:
        """Predicted rating (``-2..+2`` scale, not clipped) of each sentence."""
        if self.model is None:
            raise ValueError("the valence model is not fitted")
        if len(texts) == 0:
            return np.empty(0)
        return np.asarray(self.model.predict(self._design(texts, lex)), dtype=float)


def _grid_points(grid: dict[str, Sequence[float]]) -> list[dict[str, float]]:
    keys = sorted(grid)
    return [
        dict(zip(keys, values, strict=True))
        for values in itertools.product(*(grid[k] for k in keys))
    ]


def grouped_oof(
    texts: Sequence[str],
    lex: np.ndarray,
    y: Sequence[float],
    groups: Sequence[str],
    params: dict[str, float],
    n_folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Out-of-fold predictions, folds by post (``post_fold``): each row is predicted by a
    model fitted on the rows of the other folds only. Rows of a fold whose complement is
    empty stay NaN."""
    texts = list(texts)
    lex, y = np.asarray(lex, dtype=float), np.asarray(y, dtype=float)
    folds = _folds(groups, n_folds, seed)
    out = np.full(len(y), np.nan)
    for fold in np.unique(folds):
        held = folds == fold
        if held.all():
            continue
        train = np.flatnonzero(~held)
        model = RidgeValence(**params).fit([texts[i] for i in train], lex[train], y[train])
        idx = np.flatnonzero(held)
        out[idx] = model.predict([texts[i] for i in idx], lex[idx])
    return out


def _grid_oof(
    texts: Sequence[str],
    lex: np.ndarray,
    y: np.ndarray,
    folds: np.ndarray,
    points: list[dict[str, float]],
    min_df: int,
) -> np.ndarray:
    """Out-of-fold predictions for every grid point at once (rows: points).

    The same ridge as ``RidgeValence`` (centred design, unpenalised intercept), solved in
    its kernel form: per fold the TF-IDF and the (sparse-product) kernels are built once,
    each penalty costs one Cholesky factorisation, and each lexicon weight a small
    Woodbury correction (the lexicon block has only ``len(LEXICON_FEATURES)`` columns).
    ``tests/test_valence.py`` checks it against ``grouped_oof``.
    """
    out = np.full((len(points), len(y)), np.nan)
    for fold in np.unique(folds):
        held = folds == fold
        if held.all():
            continue
        train, test = np.flatnonzero(~held), np.flatnonzero(held)
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True, lowercase=True)
        w_train = vec.fit_transform([texts[i] for i in train]).tocsr()
        w_test = vec.transform([texts[i] for i in test]).tocsr()
        z = lex[train]
        z_mean, z_sd = z.mean(axis=0), z.std(axis=0)
        z_sd = np.where(z_sd > 0, z_sd, 1.0)
        z_train, z_test = (z - z_mean) / z_sd, (lex[test] - z_mean) / z_sd
        zc_mean = z_train.mean(axis=0)
        zc, zt = z_train - zc_mean, z_test - zc_mean
        # Centred word kernels from sparse products: (W - 1m')(V - 1m')' expanded, so the
        # dense document-by-vocabulary matrix is never built.
        w_mean = np.asarray(w_train.mean(axis=0)).ravel()
        wm_train, wm_test = w_train @ w_mean, w_test @ w_mean
        mm = float(w_mean @ w_mean)
        k_w = (w_train @ w_train.T).toarray() - wm_train[:, None] - wm_train[None, :] + mm
        t_w = (w_test @ w_train.T).toarray() - wm_test[:, None] - wm_train[None, :] + mm
        y_mean = y[train].mean()
        yc = y[train] - y_mean
        eye = np.eye(len(train))
        with threadpool_limits(limits=1):
            for alpha in sorted({p["alpha"] for p in points}):
                # (K_w + alpha I) is factored once per alpha; the low-rank lexicon kernel
                # lw^2 Z Z' is added by the Woodbury identity for every lexicon weight.
                factor = cho_factor(k_w + alpha * eye)
                a_y, a_z = cho_solve(factor, yc), cho_solve(factor, zc)
                for j, params in enumerate(points):
                    if params["alpha"] != alpha:
                        continue
                    lw2 = params["lexicon_weight"] ** 2
                    small = np.eye(zc.shape[1]) / lw2 + zc.T @ a_z
                    dual = a_y - a_z @ np.linalg.solve(small, zc.T @ a_y)
                    out[j, test] = t_w @ dual + lw2 * (zt @ (zc.T @ dual)) + y_mean
    return out


def select_params(
    texts: Sequence[str],
    lex: np.ndarray,
    y: Sequence[float],
    groups: Sequence[str],
    grid: dict[str, Sequence[float]] | None = None,
    n_folds: int = 5,
    seed: int = 0,
    min_df: int = 2,
) -> tuple[dict[str, float], pd.DataFrame]:
    """The grid point with the highest Spearman of grouped out-of-fold predictions.

    Returns ``(best, table)``; ``table`` has one row per grid point with ``cv_spearman``.
    Ties go to the first point in sorted grid order (deterministic).
    """
    points = _grid_points(grid or DEFAULT_GRID)
    y = np.asarray(y, dtype=float)
    preds = _grid_oof(
        [fold_quotes(t) for t in texts],
        np.asarray(lex, dtype=float),
        y,
        _folds(groups, n_folds, seed),
        points,
        min_df,
    )
    rows = []
    for params, pred in zip(points, preds, strict=True):
        ok = np.isfinite(pred)
        rows.append({**params, "cv_spearman": spearman_rho(y[ok], pred[ok])})
    table = pd.DataFrame(rows)
    best = table.iloc[int(np.nanargmax(table["cv_spearman"].to_numpy()))]
    return {k: float(best[k]) for k in sorted(grid or DEFAULT_GRID)}, table


def _fit_fold(
    job: tuple[list[str], np.ndarray, np.ndarray, list[str], dict, int, int],
) -> tuple[dict[str, float], RidgeValence]:
    """One fold of ``CrossFitted.fit``: hyperparameters by grouped CV inside the fold's
    training rows (seed + 1), then the model on all of them (module level: picklable)."""
    texts, lex, y, groups, grid, n_folds, seed = job
    params, _ = select_params(texts, lex, y, groups, grid, n_folds, seed + 1)
    return params, RidgeValence(**params).fit(texts, lex, y)


@dataclass
class CrossFitted:
    """``n_folds`` valence models; a post in fold ``f`` is scored only by model ``f``,
    which was fitted on labelled sentences of posts outside fold ``f``."""

    n_folds: int = 5
    seed: int = 0
    grid: dict[str, tuple[float, ...]] = field(default_factory=lambda: dict(DEFAULT_GRID))
    #: worker processes for the folds (each fold's fit is deterministic and single-threaded,
    #: so the models do not depend on it)
    processes: int = 1
    models: dict[int, RidgeValence] = field(default_factory=dict, repr=False)
    trained_posts: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    chosen: pd.DataFrame | None = field(default=None, repr=False)

    def fit(
        self, texts: Sequence[str], lex: np.ndarray, y: Sequence[float], groups: Sequence[str]
    ) -> CrossFitted:
        """Fit one model per fold; hyperparameters by grouped CV (another seed) inside the
        fold's training rows, so the out-of-fold score stays honest (nested)."""
        texts, groups = list(texts), [str(g) for g in groups]
        lex, y = np.asarray(lex, dtype=float), np.asarray(y, dtype=float)
        folds = _folds(groups, self.n_folds, self.seed)
        jobs = []
        for fold in range(self.n_folds):
            train = np.flatnonzero(folds != fold)
            sub_texts, sub_groups = [texts[i] for i in train], [groups[i] for i in train]
            jobs.append(
                (sub_texts, lex[train], y[train], sub_groups, self.grid, self.n_folds, self.seed)
            )
            self.trained_posts[fold] = frozenset(sub_groups)
        fitted = map_processes(_fit_fold, jobs, self.processes)
        rows = []
        for fold, (params, model) in enumerate(fitted):
            self.models[fold] = model
            rows.append({"fold": fold, "training_sentences": len(jobs[fold][0]), **params})
        self.chosen = pd.DataFrame(rows).set_index("fold")
        return self

    def predict(self, texts: Sequence[str], lex: np.ndarray, groups: Sequence[str]) -> np.ndarray:
        """Score each sentence with the model of its post's fold."""
        if not self.models:
            raise ValueError("CrossFitted is not fitted")
        texts, groups = list(texts), [str(g) for g in groups]
        lex = np.asarray(lex, dtype=float)
        if not len(texts) == len(lex) == len(groups):
            raise ValueError("texts, lexicon features and posts differ in length")
        folds = _folds(groups, self.n_folds, self.seed)
        out = np.full(len(texts), np.nan)
        for fold in np.unique(folds):
            idx = np.flatnonzero(folds == fold)
            trained = self.trained_posts[int(fold)]
            if any(groups[i] in trained for i in idx):  # cannot happen; guards the contract
                raise RuntimeError("a post would be scored by a model trained on it")
            out[idx] = self.models[int(fold)].predict([texts[i] for i in idx], lex[idx])
        return out


LABEL_COLUMNS = ["sent_id", "doc_id", "sentence", "valence"]


def merge_labels(sources: dict[str, pd.DataFrame], prefer: str) -> pd.DataFrame:
    """One labelled row per sentence from several coders' tables.

    ``sources`` maps a coder's name to a table with ``LABEL_COLUMNS``; where two coders rated
    the same ``sent_id``, the coder ``prefer`` wins (otherwise the first coder in ``sources``
    order). Returns ``LABEL_COLUMNS`` plus ``coder``, sorted by ``sent_id`` (deterministic).
    A sentence assigned to two different posts, or a missing rating, is an error.
    """
    if prefer not in sources:
        raise ValueError(f"merge_labels: preferred coder {prefer!r} is not among the sources")
    frames = []
    order = [prefer, *(c for c in sources if c != prefer)]
    for rank, coder in enumerate(order):
        table = sources[coder]
        missing = [c for c in LABEL_COLUMNS if c not in table.columns]
        if missing:
            raise ValueError(f"merge_labels: coder {coder}'s table lacks columns {missing}")
        if table["valence"].isna().any():
            raise ValueError(f"merge_labels: coder {coder} has sentences without a rating")
        frames.append(table[LABEL_COLUMNS].assign(coder=coder, _rank=rank))
    merged = pd.concat(frames, ignore_index=True)
    posts = merged.groupby("sent_id")["doc_id"].nunique()
    if (posts > 1).any():
        raise ValueError(f"merge_labels: sentence {posts[posts > 1].index[0]} is in two posts")
    merged = merged.sort_values(["sent_id", "_rank"], kind="stable")
    merged = merged.drop_duplicates("sent_id", keep="first").drop(columns="_rank")
    return merged.reset_index(drop=True)
