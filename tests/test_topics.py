"""Unit tests of helpers.topics on a tiny two-theme corpus written for the tests."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gensim.corpora import Dictionary

from helpers import topics as topics_module
from helpers.topic_metrics import matched_jaccard, seed_stability_from_table
from helpers.topics import (
    CorpusCoherence,
    FitTask,
    Setup,
    TopicData,
    coherence,
    corpus_coherence,
    doc_topic_matrix,
    fit_lda,
    grid_tasks,
    guided_eta,
    live_topics,
    load_seed_words,
    missing_seed_words,
    resample_posts,
    run_fits,
    run_grid,
    top_words,
    topic_data,
)

SCHOOL = ["school", "teacher", "pupil", "exam", "class", "lesson"]
CARE = ["foster", "carer", "placement", "court", "adoption", "home"]


def _corpus() -> tuple[list[list[str]], Dictionary, list[list[tuple[int, int]]]]:
    rng = np.random.default_rng(0)
    docs = []
    for i in range(24):
        theme = SCHOOL if i % 2 else CARE
        docs.append([theme[j] for j in rng.integers(0, len(theme), size=30)])
    dictionary = Dictionary(docs)
    return docs, dictionary, [dictionary.doc2bow(d) for d in docs]


def test_fit_lda_is_seeded_and_recovers_two_themes() -> None:
    docs, dictionary, bow = _corpus()
    first = fit_lda(bow, dictionary, 2, seed=3, passes=20)
    again = fit_lda(bow, dictionary, 2, seed=3, passes=20)
    assert np.array_equal(first.get_topics(), again.get_topics())
    words = [set(w[:6]) for w in top_words(first, [0, 1], topn=6)]
    assert sorted(words, key=sorted) == sorted([set(SCHOOL), set(CARE)], key=sorted)
    theta = doc_topic_matrix(first, bow)
    assert theta.shape == (24, 2)
    assert np.allclose(theta.sum(axis=1), 1.0)
    assert live_topics(theta) == [0, 1]
    with pytest.raises(ValueError):
        fit_lda(bow, dictionary, 1, seed=0)


def test_live_topics_threshold() -> None:
    theta = np.array([[0.995, 0.005], [0.995, 0.005]])
    assert live_topics(theta, min_share=0.01) == [0]


def test_coherence_requires_topn_words_and_scores_themes_above_mixtures() -> None:
    docs, dictionary, _ = _corpus()
    pure = coherence([SCHOOL[:4], CARE[:4]], docs, dictionary, "c_npmi", topn=4)
    mixed = coherence([SCHOOL[:2] + CARE[:2]], docs, dictionary, "c_npmi", topn=4)
    assert min(pure) > mixed[0]
    with pytest.raises(ValueError, match="fewer than topn"):
        coherence([SCHOOL[:3]], docs, dictionary, "c_npmi", topn=4)


def test_run_grid_same_table_whatever_the_executor() -> None:
    docs, dictionary, bow = _corpus()
    kwargs = {"texts": docs, "topn": 5, "passes": 5, "iterations": 20}
    serial = run_grid(bow, dictionary, [3, 2], [2, 1], processes=1, **kwargs)
    parallel = run_grid(bow, dictionary, [2, 3], [1, 2], processes=2, **kwargs)
    threads = run_grid(
        bow, dictionary, [2, 3], [1, 2], executor_factory=lambda: ThreadPoolExecutor(2), **kwargs
    )
    assert list(serial[["k", "seed"]].itertuples(index=False, name=None)) == [
        (2, 1), (2, 2), (3, 1), (3, 2)
    ]  # fmt: skip
    pd.testing.assert_frame_equal(serial, parallel)
    pd.testing.assert_frame_equal(serial, threads)
    # two clean themes: at k=2 both seeds find the same two top-5 word sets
    k2 = serial[serial["k"] == 2]["topics"].tolist()
    assert sorted(map(frozenset, k2[0]), key=sorted) == sorted(map(frozenset, k2[1]), key=sorted)
    with pytest.raises(ValueError):
        run_grid(bow, dictionary, [2], [1], processes=0, texts=docs)
    with pytest.raises(ValueError, match="texts"):
        run_grid(bow, dictionary, [2], [1], processes=1, texts=docs[:3])


def test_committed_doc_topics_honour_the_contract() -> None:
    """results/topics/doc_topics.csv is what notebooks 05-06 join on (written by notebook 04)."""
    from helpers import load_corpus
    from helpers.corpus import director_posts
    from helpers.paths import DATA_DIR, RESULTS_DIR

    table = pd.read_csv(RESULTS_DIR / "topics" / "doc_topics.csv")
    choice = json.loads((RESULTS_DIR / "topics" / "model_choice.json").read_text(encoding="utf-8"))
    modelled = director_posts(load_corpus(), include_unknown=choice["include_unknown_writer"])
    topic_cols = [c for c in table.columns if c.startswith("topic_")]
    k = len(topic_cols)
    assert list(table.columns) == ["doc_id", "dominant_topic", "dominant_label"] + [
        f"topic_{t:02d}" for t in range(1, k + 1)
    ]
    assert table["doc_id"].is_unique
    assert sorted(table["doc_id"]) == sorted(modelled["doc_id"])
    shares = table[topic_cols].to_numpy()
    assert np.allclose(shares.sum(axis=1), 1.0, atol=5e-4 * k)
    assert (table["dominant_topic"] == shares.argmax(axis=1) + 1).all()
    labels = pd.read_csv(DATA_DIR / "topic_labels.csv")
    assert sorted(labels["topic"]) == list(range(1, k + 1))
    assert labels["label"].str.len().gt(0).all() and labels["rationale"].str.len().gt(20).all()
    by_topic = dict(zip(labels["topic"], labels["label"], strict=True))
    assert all(
        lab.endswith(by_topic[t])
        for t, lab in zip(table["dominant_topic"], table["dominant_label"], strict=True)
    )
    # stability recomputed from seed_topics.csv alone equals what notebook 04 reports
    summary = pd.read_csv(RESULTS_DIR / "topics" / "topic_summary.csv")
    assert summary["stable"].dtype == bool and len(summary) == k
    assert (summary["stable"] == (summary["stability"] >= 0.6)).all()
    seeds = pd.read_csv(RESULTS_DIR / "topics" / "seed_topics.csv")
    assert seeds["seed"].nunique() >= 10
    assert all(sorted(g) == list(range(k)) for _, g in seeds.groupby("seed")["topic_index"])
    assert seeds["top_words"].str.split().map(len).eq(10).all()
    recomputed = seed_stability_from_table(seeds)
    reference = seeds[seeds["seed"] == seeds["seed"].min()].sort_values("topic_index")
    by_words = dict(zip(reference["top_words"], recomputed, strict=True))
    for words, value in zip(summary["top_words"], summary["stability_seed"], strict=True):
        assert by_words[words] == pytest.approx(value, abs=1e-4)
    # ... and resample stability from resample_topics.csv and the reference seed's topics
    resamples = pd.read_csv(RESULTS_DIR / "topics" / "resample_topics.csv")
    runs = [
        [w.split() for w in g.sort_values("topic_index")["top_words"]]
        for _, g in resamples.groupby("replicate", sort=True)
    ]
    ref_words = [w.split() for w in reference["top_words"]]
    by_resample = np.median(matched_jaccard(ref_words, runs), axis=0)
    by_words = dict(zip(reference["top_words"], by_resample, strict=True))
    for words, value in zip(summary["top_words"], summary["stability_resample"], strict=True):
        assert by_words[words] == pytest.approx(value, abs=1e-4)


def _data(n_docs: int = 24) -> TopicData:
    """Two themes, posts of 30 words, each post cut into three paragraphs."""
    docs, dictionary, _ = _corpus()
    paras, owner = [], []
    for i, doc in enumerate(docs[:n_docs]):
        for j in range(3):
            paras.append(doc[j * 10 : (j + 1) * 10])
            owner.append(i)
    return topic_data(dictionary, docs[:n_docs], paras, owner)


SETUPS = [
    Setup("lda", "lda", "posts", {"passes": 5, "iterations": 20}),
    Setup("lda paragraphs", "lda", "paragraphs", {"passes": 5, "iterations": 20}),
    Setup("nmf", "nmf", "posts", {}),
    Setup("sk", "sklearn_lda", "posts", {"max_iter": 10}),
    Setup("tomotopy", "tomotopy", "posts", {"iterations": 50}),
]


def test_run_fits_identical_whatever_the_executor_and_the_cache(tmp_path: Path) -> None:
    data = _data()
    tasks = grid_tasks(SETUPS, [2], [1, 2], [0, 1], fraction=0.75, topn=6)
    assert len(tasks) == len(SETUPS) * 4
    serial = run_fits(tasks, data, processes=1)
    pooled = run_fits(tasks, data, processes=2, cache_dir=tmp_path)
    cached = run_fits(tasks, data, processes=1, cache_dir=tmp_path)  # read back, no refit
    threads = run_fits(tasks, data, executor_factory=lambda: ThreadPoolExecutor(2))
    assert len(list(tmp_path.glob("*.pkl"))) == len(tasks)
    for other in (pooled, cached, threads):
        for a, b in zip(serial, other, strict=True):
            assert a.keys() == b.keys()
            for key in a:
                if isinstance(a[key], np.ndarray):
                    assert np.array_equal(a[key], b[key]), key
                else:
                    assert a[key] == b[key], key
    for result, task in zip(serial, tasks, strict=True):
        assert (result["setup"], result["seed"], result["replicate"]) == (
            task.setup.name, task.seed, task.replicate
        )  # fmt: skip
        assert np.allclose(result["phi"].sum(axis=1), 1.0)
        if task.replicate is None:
            theta = result["theta_posts"]
            assert theta.shape == (data.n_posts, 2) and np.allclose(theta.sum(axis=1), 1.0)
            if task.reference:
                assert result["theta_paragraphs"].shape == (len(data.para_tokens), 2)
            else:
                assert "theta_paragraphs" not in result
            assert len(result["c_npmi"]) == 2
            # every family separates the two themes on this corpus
            words = sorted(map(frozenset, result["top_words"]), key=sorted)
            assert words == sorted([frozenset(CARE), frozenset(SCHOOL)], key=sorted), task
        else:
            # a uniform model scores -log(V); any model of two clean themes does better
            assert result["heldout_loglik"] > -np.log(len(data.vocab))
            assert result["heldout_tokens"] > 0


def test_resample_posts_is_seeded_and_partitions() -> None:
    kept, left = resample_posts(20, 0.8, 3)
    again, _ = resample_posts(20, 0.8, 3)
    assert np.array_equal(kept, again) and len(kept) == 16 and len(left) == 4
    assert sorted(np.concatenate([kept, left]).tolist()) == list(range(20))
    assert not np.array_equal(kept, resample_posts(20, 0.8, 4)[0])
    with pytest.raises(ValueError):
        resample_posts(20, 1.0, 0)


def test_topic_data_rejects_unknown_words_and_bad_paragraph_owners() -> None:
    _, dictionary, _ = _corpus()
    with pytest.raises(ValueError, match="outside the vocabulary"):
        topic_data(dictionary, [["school", "nonsense"]])
    with pytest.raises(ValueError, match="does not exist"):
        topic_data(dictionary, [["school"]], [["school"]], [5])


def test_guided_eta_and_seed_words(tmp_path: Path) -> None:
    path = tmp_path / "seeds.csv"
    path.write_text("theme,word\nschools,school\nschools,exam\ncare,foster\ncare,nowhere\n")
    seeds = load_seed_words(path)
    assert seeds == {"schools": ["school", "exam"], "care": ["foster", "nowhere"]}
    vocab = ["school", "exam", "foster", "court"]
    assert missing_seed_words(vocab, seeds) == ["nowhere"]
    eta = guided_eta(vocab, 3, seeds, 4.0)
    assert eta.shape == (3, 4)
    assert eta[0].tolist() == pytest.approx([1 / 3 + 4, 1 / 3 + 4, 1 / 3, 1 / 3])
    assert eta[1].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3 + 4, 1 / 3])
    assert eta[2].tolist() == pytest.approx([1 / 3] * 4)
    with pytest.raises(ValueError, match="smaller than"):
        guided_eta(vocab, 1, seeds, 4.0)
    path.write_text("theme,word\na,school\nb,school\n")
    with pytest.raises(ValueError, match="one theme only"):
        load_seed_words(path)


def test_guided_lda_puts_each_theme_in_its_own_topic() -> None:
    data = _data()
    seeds = {"care": ["foster", "carer"], "school": ["school", "teacher"]}
    setup = Setup("g", "lda", "posts", {"passes": 5, "seed_words": seeds, "seed_weight": 20.0})
    (result,) = run_fits([FitTask(setup, 2, 1)], data, processes=1)
    assert set(result["top_words"][0]) == set(CARE[:6]) or "foster" in result["top_words"][0]
    assert {"foster", "carer"} <= set(result["top_words"][0])
    assert {"school", "teacher"} <= set(result["top_words"][1])


def test_cached_results_take_the_setup_name_of_the_task(tmp_path: Path) -> None:
    data = _data()
    first = Setup("first name", "nmf", "posts", {})
    renamed = Setup("second name", "nmf", "posts", {})
    (a,) = run_fits([FitTask(first, 2, 1)], data, processes=1, cache_dir=tmp_path)
    (b,) = run_fits([FitTask(renamed, 2, 1)], data, processes=1, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.pkl"))) == 1  # same model: read back, not refitted
    assert (a["setup"], b["setup"]) == ("first name", "second name")
    assert np.array_equal(a["phi"], b["phi"])
    # NMF's initialisation is deterministic: the seed plays no part
    (c,) = run_fits([FitTask(first, 2, 7)], data, processes=1)
    assert np.array_equal(a["phi"], c["phi"])


def test_corpus_coherence_equals_gensim_from_scratch() -> None:
    data = _data()
    dictionary = Dictionary([list(d) for d in data.post_tokens])
    scorer = CorpusCoherence(data.post_tokens, "c_npmi", 4)
    rng = np.random.default_rng(3)
    for _ in range(5):
        topics = [list(rng.choice(data.vocab, 4, replace=False)) for _ in range(3)]
        assert scorer.per_topic(topics) == coherence(
            topics, data.post_tokens, dictionary, "c_npmi", topn=4
        )
    assert corpus_coherence(data.post_tokens, "c_npmi", 4) is corpus_coherence(
        data.post_tokens, "c_npmi", 4
    )
    with pytest.raises(ValueError, match="fewer than topn"):
        scorer.per_topic([list(data.vocab[:3])])
    with pytest.raises(ValueError, match="not in the reference"):
        scorer.per_topic([["no_such_word", *data.vocab[:3]]])


def test_seed_free_fits_run_once_and_carry_their_own_seed(tmp_path: Path) -> None:
    data = _data()
    nmf = Setup("nmf", "nmf", "posts", {})
    tasks = grid_tasks([nmf], [2], [1, 2, 3], [], topn=6)
    results = run_fits(tasks, data, processes=1, cache_dir=tmp_path)
    # the reference fit (first seed) and one shared fit for the other two seeds
    assert len(list(tmp_path.glob("*.pkl"))) == 2
    assert [r["seed"] for r in results] == [1, 2, 3]
    assert np.array_equal(results[1]["phi"], results[2]["phi"])
    assert np.array_equal(results[0]["phi"], results[1]["phi"])  # NMF ignores the seed
    again = run_fits(tasks, data, processes=1, cache_dir=tmp_path)
    assert [r["seed"] for r in again] == [1, 2, 3]
    # an LDA setup's seeds are distinct fits
    lda = Setup("lda", "lda", "posts", {"passes": 2, "iterations": 5})
    keys = {t.key("x") for t in grid_tasks([lda], [2], [1, 2, 3], [], topn=6)}
    assert len(keys) == 3


def test_cache_key_changes_with_the_fitting_code(monkeypatch: pytest.MonkeyPatch) -> None:
    task = FitTask(Setup("nmf", "nmf", "posts", {}), 2, 1)
    before = task.key("data")
    monkeypatch.setattr(topics_module, "_code_hash", lambda: "edited")
    assert task.key("data") != before
