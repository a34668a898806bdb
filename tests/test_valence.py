"""Unit tests for helpers.valence_model: the supervised valence model and cross-fitting."""

import numpy as np
import pandas as pd
import pytest

from helpers.valence import (
    candidate_scores,
    load_valence_overrides,
    spearman_ci_by_post,
    validity_table,
)
from helpers.valence_model import (
    LEXICON_FEATURES,
    CrossFitted,
    RidgeValence,
    _folds,
    _grid_oof,
    _grid_points,
    candidates_from_features,
    grouped_oof,
    lexicon_features,
    merge_labels,
    post_fold,
    select_params,
)

GOOD = ["splendid", "thriving", "brilliant", "proud"]
BAD = ["dreadful", "failing", "crisis", "harmful"]
FILLER = ["the", "council", "schools", "budget", "report", "families", "staff", "week"]


def synthetic(n_posts: int = 20, per_post: int = 6, seed: int = 1) -> pd.DataFrame:
    """Sentences whose rating is carried by invented marker words (+1 per good, -1 per bad)."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_posts):
        for _ in range(per_post):
            good, bad = rng.integers(0, 3), rng.integers(0, 3)
            words = (
                list(rng.choice(FILLER, 5))
                + list(rng.choice(GOOD, good))
                + list(rng.choice(BAD, bad))
            )
            rng.shuffle(words)
            rows.append(
                {
                    "doc_id": f"post{p:02d}",
                    "text": " ".join(words),
                    "y": float(np.clip(good - bad, -2, 2)),
                }
            )
    frame = pd.DataFrame(rows)
    frame["lex"] = rng.normal(size=len(frame))  # an uninformative lexicon column
    return frame


def lex_of(frame: pd.DataFrame) -> np.ndarray:
    return frame[["lex"]].to_numpy()


SMALL_GRID = {"alpha": (0.3, 3.0), "lexicon_weight": (0.5, 2.0)}


def test_post_fold_is_a_fixed_function_of_the_post() -> None:
    posts = [f"p{i}" for i in range(200)]
    folds = [post_fold(p, 5, 7) for p in posts]
    assert set(folds) == set(range(5))
    assert folds[::-1] == [post_fold(p, 5, 7) for p in posts[::-1]]  # order of calls irrelevant
    assert [post_fold(p, 5, 8) for p in posts] != folds  # the seed matters
    with pytest.raises(ValueError):
        post_fold("p", 1, 0)


def test_ridge_learns_marker_words_and_is_deterministic() -> None:
    frame = synthetic()
    train, held = frame.iloc[:90], frame.iloc[90:]
    a = RidgeValence(alpha=1.0).fit(train["text"].tolist(), lex_of(train), train["y"])
    b = RidgeValence(alpha=1.0).fit(train["text"].tolist(), lex_of(train), train["y"])
    pa = a.predict(held["text"].tolist(), lex_of(held))
    assert np.array_equal(pa, b.predict(held["text"].tolist(), lex_of(held)))
    assert np.corrcoef(pa, held["y"])[0, 1] > 0.8
    assert (
        a.predict(["splendid brilliant"], np.zeros((1, 1)))[0]
        > a.predict(["dreadful crisis"], np.zeros((1, 1)))[0]
    )
    with pytest.raises(ValueError, match="not fitted"):
        RidgeValence().predict(["x"], np.zeros((1, 1)))
    with pytest.raises(ValueError, match="differ in length"):
        RidgeValence().fit(["a b", "c d"], np.zeros((3, 1)), [0, 1])


def test_grouped_oof_never_uses_a_posts_own_labels() -> None:
    frame = synthetic()
    params = {"alpha": 1.0, "lexicon_weight": 1.0}
    base = grouped_oof(
        frame["text"].tolist(), lex_of(frame), frame["y"], frame["doc_id"], params, 5, 3
    )
    assert np.isfinite(base).all()
    # Scramble the labels of one post: its own predictions must not move, others may.
    target = frame["doc_id"] == "post04"
    y2 = frame["y"].to_numpy().copy()
    y2[target.to_numpy()] = -y2[target.to_numpy()] + 5
    moved = grouped_oof(frame["text"].tolist(), lex_of(frame), y2, frame["doc_id"], params, 5, 3)
    assert np.array_equal(base[target.to_numpy()], moved[target.to_numpy()])
    assert not np.array_equal(base[~target.to_numpy()], moved[~target.to_numpy()])
    # All sentences of a post share one fold.
    folds = _folds(frame["doc_id"], 5, 3)
    assert (pd.Series(folds).groupby(frame["doc_id"]).nunique() == 1).all()


def test_fast_grid_equals_the_sklearn_ridge() -> None:
    frame = synthetic(n_posts=12)
    points = _grid_points(SMALL_GRID)
    folds = _folds(frame["doc_id"], 4, 0)
    fast = _grid_oof(frame["text"].tolist(), lex_of(frame), frame["y"].to_numpy(), folds, points, 2)
    for row, params in zip(fast, points, strict=True):
        slow = grouped_oof(
            frame["text"].tolist(), lex_of(frame), frame["y"], frame["doc_id"], params, 4, 0
        )
        np.testing.assert_allclose(row, slow, atol=1e-8)
    best, table = select_params(
        frame["text"].tolist(), lex_of(frame), frame["y"], frame["doc_id"], SMALL_GRID, 4, 0
    )
    assert len(table) == 4 and best in [{k: p[k] for k in sorted(p)} for p in points]
    assert table["cv_spearman"].max() == pytest.approx(
        table.set_index(["alpha", "lexicon_weight"]).loc[
            (best["alpha"], best["lexicon_weight"]), "cv_spearman"
        ]
    )


def test_cross_fitting_scores_each_post_only_with_a_model_not_trained_on_it() -> None:
    frame = synthetic()
    texts, lex, groups = frame["text"].tolist(), lex_of(frame), frame["doc_id"].tolist()
    model = CrossFitted(n_folds=4, seed=11, grid=SMALL_GRID).fit(texts, lex, frame["y"], groups)
    pred = model.predict(texts, lex, groups)
    assert np.isfinite(pred).all()
    for doc in frame["doc_id"].unique():
        fold = post_fold(doc, 4, 11)
        assert doc not in model.trained_posts[fold]
        assert all(doc in model.trained_posts[f] for f in range(4) if f != fold)
    # Changing one post's labels leaves that post's scores unchanged (nested selection too).
    target = (frame["doc_id"] == "post07").to_numpy()
    y2 = frame["y"].to_numpy().copy()
    y2[target] = 2.0 - y2[target]
    other = CrossFitted(n_folds=4, seed=11, grid=SMALL_GRID).fit(texts, lex, y2, groups)
    assert np.array_equal(pred[target], other.predict(texts, lex, groups)[target])
    # Determinism, and posts without labels (unseen posts) are scored too.
    again = CrossFitted(n_folds=4, seed=11, grid=SMALL_GRID).fit(texts, lex, frame["y"], groups)
    assert np.array_equal(pred, again.predict(texts, lex, groups))
    # ... also with the folds fitted in two worker processes
    pooled = CrossFitted(n_folds=4, seed=11, grid=SMALL_GRID, processes=2)
    pooled.fit(texts, lex, frame["y"], groups)
    assert np.array_equal(pred, pooled.predict(texts, lex, groups))
    pd.testing.assert_frame_equal(model.chosen, pooled.chosen)
    new = again.predict(
        ["splendid thriving staff", "dreadful failing budget"], np.zeros((2, 1)), ["new1", "new2"]
    )
    assert new[0] > new[1]
    assert list(model.chosen.columns) == ["training_sentences", "alpha", "lexicon_weight"]
    with pytest.raises(ValueError, match="not fitted"):
        CrossFitted().predict(texts, lex, groups)


def test_lexicon_features_columns() -> None:
    feats = lexicon_features(
        ["We are proud of this brilliant team.", "Children in care."], load_valence_overrides()
    )
    assert list(feats.columns) == LEXICON_FEATURES
    assert feats.loc[0, "vader_plain"] > 0 and feats.loc[0, "vader_plain_pos"] > 0
    assert feats.loc[0, "pattern"] > 0


def test_candidates_from_features_match_candidate_scores() -> None:
    sentences = [
        "Requires improvement, sadly.",
        "We celebrate our children's trust.",
        "Budgets fell.",
    ]
    overrides = load_valence_overrides()
    expected = candidate_scores(sentences, overrides)
    got = candidates_from_features(lexicon_features(sentences, overrides))
    pd.testing.assert_frame_equal(got, expected, check_exact=False, atol=1e-12)


def test_spearman_ci_by_post_resamples_whole_posts() -> None:
    rng = np.random.default_rng(0)
    posts = np.repeat([f"p{i}" for i in range(15)], 4)
    human = rng.integers(-2, 3, size=len(posts)).astype(float)
    scores = human + rng.normal(0, 1, size=len(posts))
    rho, low, high = spearman_ci_by_post(human, scores, posts, n_boot=300, seed=1)
    assert low < rho < high
    assert (rho, low, high) == spearman_ci_by_post(human, scores, posts, n_boot=300, seed=1)
    # Post effects shared by sentences widen the interval against a sentence bootstrap.
    effect = np.repeat(rng.normal(0, 2, size=15), 4)
    clustered = validity_table(
        pd.Series(human + effect), pd.DataFrame({"m": scores + effect}), 300, 1, posts
    )
    row = clustered.loc["m"]
    assert row["post_high"] - row["post_low"] > row["high"] - row["low"]
    with pytest.raises(ValueError):
        spearman_ci_by_post(human, scores, posts[:-1])


def coder_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Coder A rates every third sentence, coder C the rest plus some of A's (overlap)."""
    table = frame.assign(
        sent_id=[f"{d}-s{i:03d}" for i, d in enumerate(frame["doc_id"])],
        sentence=frame["text"],
        valence=frame["y"],
    )
    in_a = np.arange(len(table)) % 3 == 0
    overlap = np.arange(len(table)) % 6 == 0  # rated by both A and C
    c = table[~in_a | overlap].copy()
    c.loc[overlap[~in_a | overlap], "valence"] = -9.0  # C's rating of shared items must lose
    return {"C": c, "A": table[in_a]}


def test_merge_labels_prefers_the_named_coder_and_keeps_one_row_per_sentence() -> None:
    tables = coder_tables(synthetic())
    merged = merge_labels(tables, prefer="A")
    assert merged["sent_id"].is_unique
    assert len(merged) == len(set(tables["A"]["sent_id"]) | set(tables["C"]["sent_id"]))
    assert (merged["valence"] != -9.0).all()
    assert set(merged.loc[merged["coder"] == "A", "sent_id"]) == set(tables["A"]["sent_id"])
    assert merged.equals(merge_labels(dict(reversed(list(tables.items()))), prefer="A"))
    with pytest.raises(ValueError, match="preferred coder"):
        merge_labels(tables, prefer="Z")
    bad = tables["C"].copy()
    bad.loc[bad.index[0], "valence"] = np.nan
    with pytest.raises(ValueError, match="without a rating"):
        merge_labels({"A": tables["A"], "C": bad}, prefer="A")
    moved = tables["C"].copy()
    shared = moved["sent_id"].isin(tables["A"]["sent_id"])
    moved.loc[shared, "doc_id"] = "elsewhere"
    with pytest.raises(ValueError, match="two posts"):
        merge_labels({"A": tables["A"], "C": moved}, prefer="A")


def test_deployed_model_never_scores_a_post_with_its_own_labels_and_is_deterministic() -> None:
    frame = synthetic(n_posts=24)
    tables = coder_tables(frame)

    def deployed(sources: dict[str, pd.DataFrame]) -> np.ndarray:
        labels = merge_labels(sources, prefer="A")
        lex = lexicon_stub(labels)
        model = CrossFitted(n_folds=5, seed=3, grid=SMALL_GRID).fit(
            labels["sentence"].tolist(), lex, labels["valence"], labels["doc_id"].tolist()
        )
        for fold, posts in model.trained_posts.items():
            own = {d for d in labels["doc_id"] if post_fold(d, 5, 3) == fold}
            assert not own & posts  # no post in the training set of the model that scores it
        return model.predict(labels["sentence"].tolist(), lex, labels["doc_id"].tolist())

    base = deployed(tables)
    assert np.isfinite(base).all()
    assert np.array_equal(base, deployed(tables))  # deterministic
    # Relabel one post in every coder's table: its own out-of-fold scores do not move.
    changed = {}
    for coder, table in tables.items():
        table = table.copy()
        hit = table["doc_id"] == "post05"
        table.loc[hit, "valence"] = 2.0 - table.loc[hit, "valence"]
        changed[coder] = table
    labels = merge_labels(tables, prefer="A")
    target = (labels["doc_id"] == "post05").to_numpy()
    after = deployed(changed)
    assert np.array_equal(base[target], after[target])
    assert not np.array_equal(base[~target], after[~target])


def lexicon_stub(labels: pd.DataFrame) -> np.ndarray:
    """A fixed uninformative lexicon column per sentence (a function of its id only)."""
    return np.array([[post_fold(s, 97, 0) / 97.0] for s in labels["sent_id"]])


def test_spearman_ci_by_post_equals_the_generic_bootstrap_over_posts() -> None:
    from helpers.stats import bootstrap_ci, spearman_rho

    rng = np.random.default_rng(5)
    posts = np.repeat([f"p{i:02d}" for i in range(23)], rng.integers(1, 7, size=23))
    human = rng.integers(-2, 3, size=len(posts)).astype(float)  # many ties
    scores = np.round(human + rng.normal(0, 1, size=len(posts)), 1)  # ties too
    units = np.array(sorted(set(posts)))
    rows_of = {u: np.flatnonzero(posts == u) for u in units}

    def statistic(chosen: np.ndarray) -> float:
        idx = np.concatenate([rows_of[u] for u in chosen])
        return spearman_rho(human[idx], scores[idx])

    for level in (0.95, 0.5):
        generic = bootstrap_ci(units, statistic, 400, 3, level)
        fast = spearman_ci_by_post(human, scores, posts, n_boot=400, seed=3, level=level)
        assert fast == pytest.approx(generic, abs=1e-12)
