"""The deployed mention classifier (cross-fitted by post) and the random coding sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.narrative.classifier import post_folds
from helpers.narrative.crossfit import (
    CrossFittedClassifier,
    crossfit_predict,
    merge_mention_labels,
)


def toy(n_posts: int = 40, per_post: int = 6, seed: int = 0):
    """Mentions whose label is a property of their post: a feature names the post, and a
    weak shared feature carries a little signal. A model that saw a post's labels predicts
    them from the post feature; a model that never saw the post cannot."""
    rng = np.random.default_rng(seed)
    post_label = rng.choice(["agent", "patient", "other"], size=n_posts)
    features, labels, groups = [], [], []
    for p in range(n_posts):
        for _ in range(per_post):
            features.append({f"post=d{p}": 1.0, "noise": float(rng.normal())})
            labels.append(post_label[p])
            groups.append(f"d{p}")
    return features, np.array(labels, dtype=object), groups


def test_post_folds_are_a_fixed_function_of_the_post() -> None:
    posts = [f"002_x-p{i:03d}" for i in range(50)]
    folds = post_folds(posts, 5, seed=0)
    assert folds.min() >= 0 and folds.max() <= 4
    # same post, same fold: in another call, on a subset, in another order
    assert (post_folds(posts, 5, seed=0) == folds).all()
    subset = posts[::-1][:17]
    assert dict(zip(subset, post_folds(subset, 5, 0), strict=True)) == {
        p: f for p, f in zip(posts, folds, strict=True) if p in subset
    }
    assert not (post_folds(posts, 5, seed=1) == folds).all()  # the seed matters


def test_crossfit_never_predicts_a_post_with_a_model_that_saw_it() -> None:
    features, labels, groups = toy()
    model = CrossFittedClassifier(cs=(1.0, 10.0), n_folds=4, seed=0).fit(features, labels, groups)
    folds = post_folds(groups, 4, 0)
    for fold, trained in model.trained_posts.items():
        held = {g for g, f in zip(groups, folds, strict=True) if f == fold}
        assert held and not held & trained
        assert trained == set(groups) - held
    # In-sample, the post feature gives every label away; out of fold it cannot, so the
    # cross-fitted predictions of the labelled rows are no better than chance.
    oof = model.predict(features, groups)
    seen = model.models[0].predict(features)
    in_fold0 = folds != 0
    assert (seen[in_fold0] == labels[in_fold0]).mean() == 1.0
    assert (oof == labels).mean() < 0.6
    # The guard: a model asked to predict a post it was trained on refuses.
    model.trained_posts[int(folds[0])] = frozenset(groups)
    with pytest.raises(RuntimeError, match="trained on it"):
        model.predict(features, groups)


def test_crossfit_is_deterministic_and_chooses_c_inside_each_fold() -> None:
    features, labels, groups = toy(seed=3)
    first = CrossFittedClassifier(cs=(0.3, 3.0), n_folds=3, seed=5).fit(features, labels, groups)
    second = CrossFittedClassifier(cs=(0.3, 3.0), n_folds=3, seed=5).fit(features, labels, groups)
    assert (first.predict(features, groups) == second.predict(features, groups)).all()
    assert first.chosen is not None and set(first.chosen["C"]) <= {0.3, 3.0}
    assert first.chosen["training_mentions"].sum() == 2 * len(labels)  # each row in 2 of 3 folds
    pooled = CrossFittedClassifier(cs=(0.3, 3.0), n_folds=3, seed=5, processes=2)
    pooled.fit(features, labels, groups)  # folds in two worker processes: the same models
    assert (pooled.predict(features, groups) == first.predict(features, groups)).all()
    pd.testing.assert_frame_equal(pooled.chosen, first.chosen)
    with pytest.raises(ValueError, match="not fitted"):
        CrossFittedClassifier().predict(features, groups)


def test_crossfit_predict_cache_gives_the_same_result(tmp_path, monkeypatch) -> None:
    features, labels, groups = toy(n_posts=20, seed=4)
    targets, target_groups = features[:30] + [{"noise": 0.5}], groups[:30] + ["new post"]
    cache = tmp_path / "cache" / "fit.json"
    plain, chosen = crossfit_predict(
        features, labels, groups, targets, target_groups, cs=(1.0,), n_folds=3
    )
    cached, _ = crossfit_predict(
        features, labels, groups, targets, target_groups, cs=(1.0,), n_folds=3, cache=cache
    )
    assert cache.exists() and (plain == cached).all() and len(plain) == len(targets)

    def refuse(*args, **kwargs):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(CrossFittedClassifier, "fit", refuse)
    again, chosen_again = crossfit_predict(
        features, labels, groups, targets, target_groups, cs=(1.0,), n_folds=3, cache=cache
    )
    assert (again == plain).all()
    pd.testing.assert_frame_equal(chosen_again, chosen, check_dtype=False)
    # An edit of the fitting code misses the cache too.
    from helpers.narrative import crossfit as crossfit_module

    with monkeypatch.context() as patched:
        patched.setattr(crossfit_module, "_code_hash", lambda: "edited")
        with pytest.raises(AssertionError, match="cache should"):
            crossfit_predict(
                features, labels, groups, targets, target_groups, cs=(1.0,), n_folds=3,
                cache=cache,
            )  # fmt: skip
    # Any change of input misses the cache (and so refits).
    with pytest.raises(AssertionError, match="cache should"):
        crossfit_predict(
            features, labels[::-1], groups, targets, target_groups, cs=(1.0,), n_folds=3,
            cache=cache,
        )  # fmt: skip
    # So do other class weights.
    with pytest.raises(AssertionError, match="cache should"):
        crossfit_predict(
            features, labels, groups, targets, target_groups, cs=(1.0,), n_folds=3,
            cache=cache, weight_power=0.5,
        )  # fmt: skip


def test_class_weights_soften_balancing() -> None:
    from helpers.narrative.classifier import class_weights, fit_model

    labels = ["none"] * 6 + ["hero"] * 3 + ["villain"]
    assert class_weights(labels, 1.0) == "balanced"
    assert class_weights(labels, 0.0) == {"hero": 1.0, "none": 1.0, "villain": 1.0}
    half = class_weights(labels, 0.5)
    assert half["villain"] == pytest.approx((10 / 3) ** 0.5)
    assert half["none"] == pytest.approx((10 / 18) ** 0.5)
    assert half["none"] < half["hero"] < half["villain"]
    with pytest.raises(ValueError, match="power"):
        class_weights(labels, -1.0)
    # With an uninformative feature the fitted probabilities are the weighted label shares:
    # the observed shares without weights, equal under full balancing, in between at 0.5.
    features = [{"x": 1.0}] * len(labels)
    shares = {}
    for power in (0.0, 0.5, 1.0):
        model = fit_model(1.0, features, labels, weight_power=power)
        shares[power] = dict(zip(model.classes_, model.predict_proba(features[:1])[0], strict=True))
    assert shares[0.0]["villain"] == pytest.approx(0.1, abs=0.01)
    assert shares[1.0]["villain"] == pytest.approx(1 / 3, abs=0.01)
    assert shares[0.0]["villain"] < shares[0.5]["villain"] < shares[1.0]["villain"]


def test_merge_mention_labels_prefers_coder_a() -> None:
    def table(rows):
        return pd.DataFrame(
            rows, columns=["doc_id", "sent_id", "char_start", "is_actor", "agency", "npf_role"]
        )

    a = table([("d1", "d1-s000", 0, "yes", "agent", "hero")])
    other = table(
        [
            ("d1", "d1-s000", 0, "yes", "patient", "none"),
            ("d2", "d2-s001", 4, "no", "other", "none"),
        ]
    )
    merged = merge_mention_labels({"other": other, "A": a}, prefer=["A"])
    assert merged["coder"].tolist() == ["A", "other"]
    assert merged.loc[0, "agency"] == "agent"
    with pytest.raises(ValueError, match="not among"):
        merge_mention_labels({"other": other}, prefer=["A"])
    with pytest.raises(ValueError, match="twice"):
        merge_mention_labels({"A": pd.concat([a, a])}, prefer=["A"])
    with pytest.raises(ValueError, match="without a label"):
        merge_mention_labels({"A": a.assign(agency=None)}, prefer=["A"])


def test_draw_random_sample_leaves_out_coded_mentions_and_splits_files() -> None:
    from helpers.narrative.sampling import draw_random_sample

    sentence = "Councils and families act."
    mentions = pd.DataFrame(
        {
            "doc_id": [f"d{i % 7}" for i in range(60)],
            "sent_id": [f"d{i % 7}-s{i:03d}" for i in range(60)],
            "char_start": 0,
            "char_end": 8,
            "actor": "local authorities",
            "surface": "Councils",
            "sentence": sentence,
        }
    )
    coded = mentions.iloc[:10][["sent_id", "char_start"]]
    items, keys = draw_random_sample(mentions, coded, n=30, seed=2, n_files=3, second_n=9)
    assert len(items) == len(keys) == 30
    assert not set(keys["sent_id"]) & set(coded["sent_id"])
    assert list(items.columns) == ["item_id", "sentence"]
    assert set(items["sentence"]) == {"[[Councils]] and families act."}
    assert keys["file"].value_counts().to_dict() == {1: 10, 2: 10, 3: 10}
    assert keys.groupby("file")["coder_b"].sum().to_dict() == {1: 3, 2: 3, 3: 3}
    # deterministic, and independent of the order the mentions come in
    again = draw_random_sample(mentions.iloc[::-1], coded, n=30, seed=2, n_files=3, second_n=9)
    pd.testing.assert_frame_equal(again[1], keys)
    with pytest.raises(ValueError, match="only 50 uncoded"):
        draw_random_sample(mentions, coded, n=51, seed=2)


def test_flat_dict_vectorizer_builds_dictvectorizers_matrix() -> None:
    from sklearn.feature_extraction import DictVectorizer

    from helpers.narrative.classifier import FlatDictVectorizer

    rng = np.random.default_rng(0)
    pool = [f"w={i}" for i in range(300)] + ["valence", "negated"]

    def row() -> dict[str, float]:
        keys = rng.choice(len(pool), 20, replace=False)
        return {pool[k]: float(rng.choice([1.0, 0.0, rng.normal()])) for k in keys}

    rows = [row() for _ in range(200)]
    train, test = rows[:150], rows[150:] + [{"unseen": 1.0, "valence": 0.5}]
    ours, theirs = FlatDictVectorizer(), DictVectorizer()
    pairs = [(ours.fit_transform(train), theirs.fit_transform(train))]
    pairs.append((ours.transform(test), theirs.transform(test)))
    assert ours.feature_names_ == theirs.feature_names_ and ours.vocabulary_ == theirs.vocabulary_
    for a, b in pairs:
        assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(a, part), getattr(b, part)), part
    # anything but numbers: scikit-learn's own code (strings become name=value columns)
    mixed = FlatDictVectorizer().fit([{"a": "x", "b": 1.0}])
    assert mixed.feature_names_ == ["a=x", "b"]
    # ints, bools and NumPy numbers are numbers too; one string anywhere sends the rows to it
    numeric = [{"a": 1, "b": True}, {"a": np.float64(0.5), "c": np.int64(2)}]
    assert np.array_equal(
        FlatDictVectorizer().fit_transform(numeric).toarray(),
        DictVectorizer().fit_transform(numeric).toarray(),
    )
    late = [{"a": 1.0}] * 50 + [{"a": "x"}]
    assert FlatDictVectorizer().fit(late).feature_names_ == ["a", "a=x"]


def test_cross_validate_predicts_as_one_pipeline_per_c_and_fold() -> None:
    """``cross_validate`` builds one matrix per fold for every ``C``; its out-of-fold
    predictions must be those of ``fit_model`` (the pipeline) fitted per ``C`` and fold."""
    from helpers.narrative.classifier import cross_validate, fit_model
    from helpers.narrative.validation import kappa

    rng = np.random.default_rng(4)
    features, labels, groups = [], [], []
    for p in range(30):
        for _ in range(5):
            w = int(rng.integers(12))
            features.append(
                {f"w={w}": 1.0, f"v={int(rng.integers(40))}": 1.0, "x": float(rng.normal())}
            )
            labels.append(["agent", "patient", "other"][w % 3] if rng.random() > 0.3 else "other")
            groups.append(f"d{p}")
    labels = np.array(labels, dtype=object)
    cs = (0.1, 1.0, 10.0)
    folds = post_folds(groups, 4, 7)
    table_predictions = {}
    for power in (1.0, 0.5):
        best, table, predicted = cross_validate(
            features, labels, groups, cs, n_splits=4, seed=7, weight_power=power
        )
        for c in cs:
            expected = np.empty(len(labels), dtype=object)
            for fold in range(4):
                train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
                model = fit_model(c, [features[i] for i in train], labels[train], power)
                expected[test] = model.predict([features[i] for i in test])
            score = table.set_index("C").loc[c, "cv_score"]
            assert score == pytest.approx(kappa(labels, expected))
            if c == best:
                assert (predicted == expected).all()
        table_predictions[power] = table["cv_score"].tolist()
    assert table_predictions[1.0] != table_predictions[0.5]  # the class weights reach the fits
