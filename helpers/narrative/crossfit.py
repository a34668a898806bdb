"""The deployed agency/role classifier: every coded mention, cross-fitted by post.

The same pattern as the deployed valence model (``helpers.valence_model``):

* ``merge_mention_labels``: one labelled row per mention from several coders' tables, a
  preferred coder winning where two coders coded the same mention;
* ``CrossFittedClassifier``: ``n_folds`` classifiers (``helpers.narrative.classifier``); the
  fold of a post is a fixed hash of its ``doc_id`` (``helpers.valence_model.post_fold``),
  model ``f`` is fitted on the labelled mentions of posts outside fold ``f`` with its
  regularisation chosen by grouped cross-validation inside those rows only, and a mention of
  a post in fold ``f`` is predicted only by model ``f``. No mention is therefore predicted by a
  model that saw a label from its post, and the predictions of the labelled mentions are an
  honest (nested) out-of-fold estimate.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from helpers.narrative.classifier import cross_validate, fit_model, post_folds
from helpers.parallel import map_processes

MENTION_KEY = ["doc_id", "sent_id", "char_start"]
LABEL_COLUMNS = [*MENTION_KEY, "is_actor", "agency", "npf_role"]


def merge_mention_labels(sources: dict[str, pd.DataFrame], prefer: Sequence[str]) -> pd.DataFrame:
    """One labelled row per mention (``doc_id, sent_id, char_start``) from several coders.

    ``sources`` maps a coder's name to a table with ``LABEL_COLUMNS``; where several coders
    coded the same mention, the first coder in ``prefer`` wins, then the rest of ``prefer``
    in order, then the coders not named there in ``sources`` order. Returns
    ``LABEL_COLUMNS`` plus ``coder``, sorted by the key (deterministic). A coder coding one
    mention twice, or a missing label, is an error naming the coder.
    """
    if unknown := [c for c in prefer if c not in sources]:
        raise ValueError(
            f"merge_mention_labels: preferred coders {unknown} are not among the sources"
        )
    order = [*prefer, *(c for c in sources if c not in prefer)]
    frames = []
    for rank, coder in enumerate(order):
        table = sources[coder]
        if missing := [c for c in LABEL_COLUMNS if c not in table.columns]:
            raise ValueError(f"merge_mention_labels: coder {coder}'s table lacks columns {missing}")
        if table[LABEL_COLUMNS].isna().any().any():
            raise ValueError(f"merge_mention_labels: coder {coder} has mentions without a label")
        if table.duplicated(MENTION_KEY).any():
            raise ValueError(f"merge_mention_labels: coder {coder} coded a mention twice")
        frames.append(table[LABEL_COLUMNS].assign(coder=coder, _rank=rank))
    merged = pd.concat(frames, ignore_index=True).sort_values(
        [*MENTION_KEY, "_rank"], kind="stable"
    )
    merged = merged.drop_duplicates(MENTION_KEY, keep="first").drop(columns="_rank")
    return merged.reset_index(drop=True)


def _fit_fold(job: tuple) -> tuple[float, float, Pipeline]:
    """One fold of ``CrossFittedClassifier.fit``: ``C`` by grouped CV inside the fold's
    training rows (seed + 1), then the model on all of them (module level: picklable)."""
    features, labels, groups, cs, n_folds, seed, power = job
    best, table, _ = cross_validate(
        features, labels, groups, cs, n_folds, seed=seed + 1, weight_power=power
    )
    return best, float(table["cv_score"].max()), fit_model(best, features, labels, power)


@dataclass
class CrossFittedClassifier:
    """``n_folds`` classifiers; a post in fold ``f`` is predicted only by model ``f``, which
    was fitted on labelled mentions of posts outside fold ``f``."""

    cs: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0)
    n_folds: int = 5
    seed: int = 0
    #: worker processes for the folds (each fold's fit is deterministic, so the models do
    #: not depend on it)
    processes: int = 1
    #: class weights ``helpers.narrative.classifier.class_weights(labels, weight_power)``
    weight_power: float = 1.0
    models: dict[int, Pipeline] = field(default_factory=dict, repr=False)
    trained_posts: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    chosen: pd.DataFrame | None = field(default=None, repr=False)

    def fit(
        self,
        features: Sequence[dict[str, float]],
        labels: Sequence[str],
        groups: Sequence[str],
    ) -> CrossFittedClassifier:
        """Fit one model per fold; ``C`` by grouped cross-validation (folds by post, seed
        ``seed + 1``) inside the fold's training rows, so the out-of-fold score is nested."""
        features, groups = list(features), [str(g) for g in groups]
        labels = np.asarray(labels, dtype=object)
        if not len(features) == len(labels) == len(groups):
            raise ValueError("features, labels and posts differ in length")
        folds = post_folds(groups, self.n_folds, self.seed)
        rows = []
        self.models, self.trained_posts = {}, {}
        jobs = []
        for fold in range(self.n_folds):
            train = np.flatnonzero(folds != fold)
            if len(np.unique(labels[train])) < 2:
                raise ValueError(f"fold {fold}: its training rows hold fewer than two labels")
            sub_features, sub_groups = [features[i] for i in train], [groups[i] for i in train]
            jobs.append(
                (
                    sub_features,
                    labels[train],
                    sub_groups,
                    self.cs,
                    self.n_folds,
                    self.seed,
                    self.weight_power,
                )
            )
            self.trained_posts[fold] = frozenset(sub_groups)
        fitted = map_processes(_fit_fold, jobs, self.processes)
        for fold, (best, cv_kappa, model) in enumerate(fitted):
            self.models[fold] = model
            rows.append(
                {
                    "fold": fold,
                    "training_mentions": len(jobs[fold][0]),
                    "training_posts": len(self.trained_posts[fold]),
                    "C": best,
                    "inner_cv_kappa": cv_kappa,
                }
            )
        self.chosen = pd.DataFrame(rows).set_index("fold")
        return self

    def predict(self, features: Sequence[dict[str, float]], groups: Sequence[str]) -> np.ndarray:
        """Label of each mention from the model of its post's fold."""
        if not self.models:
            raise ValueError("CrossFittedClassifier is not fitted")
        features, groups = list(features), [str(g) for g in groups]
        if len(features) != len(groups):
            raise ValueError("features and posts differ in length")
        folds = post_folds(groups, self.n_folds, self.seed)
        out = np.empty(len(features), dtype=object)
        for fold in np.unique(folds):
            idx = np.flatnonzero(folds == fold)
            trained = self.trained_posts[int(fold)]
            if any(groups[i] in trained for i in idx):  # cannot happen; guards the contract
                raise RuntimeError("a post would be predicted by a model trained on it")
            out[idx] = self.models[int(fold)].predict([features[i] for i in idx])
        return out


# Change when the classifier, its features or the cross-fitting change: old entries are
# then ignored (the key also holds every input and the scikit-learn version).
CACHE_VERSION = "2"


def crossfit_predict(
    features: Sequence[dict[str, float]],
    labels: Sequence[str],
    groups: Sequence[str],
    target_features: Sequence[dict[str, float]],
    target_groups: Sequence[str],
    cs: Sequence[float],
    n_folds: int = 5,
    seed: int = 0,
    cache: Path | None = None,
    processes: int = 1,
    weight_power: float = 1.0,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Fit ``CrossFittedClassifier`` on the labelled rows and predict the target rows
    (its folds in ``processes`` worker processes; the result does not depend on it;
    ``weight_power``: its class weights, ``helpers.narrative.classifier.class_weights``).

    Returns ``(predictions, chosen)`` (``chosen``: per fold its training size and ``C``).
    The fit is the slow step (``n_folds`` nested cross-validations), so with ``cache`` the
    result is stored in a JSON file under a SHA-256 key of every input (features, labels,
    posts, targets, grid, folds, seed, class weight power, scikit-learn version,
    ``CACHE_VERSION`` and the source
    of this module and of ``helpers.narrative.classifier``), written
    to a temporary file and renamed; a stored result is used only when the key matches, so
    the output is the same with or without the cache.
    """
    import sklearn

    payload = json.dumps(
        [
            CACHE_VERSION,
            _code_hash(),
            sklearn.__version__,
            [sorted(f.items()) for f in features],
            [str(y) for y in labels],
            [str(g) for g in groups],
            [sorted(f.items()) for f in target_features],
            [str(g) for g in target_groups],
            [float(c) for c in cs],
            n_folds,
            seed,
            float(weight_power),
        ],
        separators=(",", ":"),
    )
    key = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    if cache is not None:
        try:
            stored = json.loads(Path(cache).read_text(encoding="utf-8"))
            if stored.get("key") == key:
                chosen = pd.DataFrame(stored["chosen"]).set_index("fold")
                return np.array(stored["predictions"], dtype=object), chosen
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
            pass
    model = CrossFittedClassifier(
        cs=tuple(float(c) for c in cs),
        n_folds=n_folds,
        seed=seed,
        processes=processes,
        weight_power=weight_power,
    )
    model.fit(features, labels, groups)
    predictions = model.predict(target_features, target_groups)
    assert model.chosen is not None
    if cache is not None:
        record = {
            "key": key,
            "predictions": [str(p) for p in predictions],
            "chosen": model.chosen.reset_index().to_dict(orient="records"),
        }
        _write_json_atomic(Path(cache), record)
    return predictions, model.chosen


def _code_hash() -> str:
    """SHA-256 of the source that computes the fit (part of the cache key), so an edit that
    forgets to raise ``CACHE_VERSION`` still cannot read back a stale result."""
    from helpers.narrative import classifier

    digest = hashlib.sha256()
    for module_file in (__file__, classifier.__file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()


def _write_json_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)  # a cache that cannot be written is only slower
