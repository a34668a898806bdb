"""LDA fitting, scoring and the (k x seed) model-selection grid (notebooks 03-04).

Main entry points:

- ``fit_lda(bow, dictionary, k, seed, **lda_kwargs)``: one seeded gensim
  ``LdaModel`` (never ``LdaMulticore``, which is not reproducible).
- ``run_grid(bow, dictionary, ks, seeds, processes=2, texts=..., **lda_kwargs)``:
  fits every (k, seed) independently, in ``processes`` worker processes
  (``concurrent.futures.ProcessPoolExecutor``), scores each fit (c_npmi and
  u_mass coherence over live topics, ``topn`` passed explicitly) and returns one
  row per fit. Each fit is seeded and single-threaded (BLAS limited to one
  thread), so the table is identical whatever ``processes`` is; the benchmark
  times ``processes=1`` against ``processes=2``.
- ``stability_table(grid)``: best-match Jaccard similarity of top-words
  between the seeds at each k; ``summarise_grid`` combines it with coherence.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel, LdaModel
from threadpoolctl import threadpool_limits

BoW = list[list[tuple[int, int]]]

#: Default training settings for the collection's LdaModel (tuned in notebook 03).
LDA_DEFAULTS: dict[str, Any] = {
    "passes": 10,
    "iterations": 50,
    "alpha": "symmetric",
    "eta": None,
    "chunksize": 2000,
    "eval_every": None,
}

#: A topic is "live" if its mean share over documents is at least this.
LIVE_MIN_SHARE: float = 0.01


def fit_lda(bow: BoW, dictionary: Dictionary, k: int, seed: int, **lda_kwargs: Any) -> LdaModel:
    """Fit one seeded gensim ``LdaModel`` with ``LDA_DEFAULTS`` updated by ``lda_kwargs``."""
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    if not bow:
        raise ValueError("fit_lda: empty corpus")
    settings = {**LDA_DEFAULTS, **lda_kwargs}
    return LdaModel(
        corpus=bow,
        id2word=dictionary,
        num_topics=k,
        random_state=seed,
        dtype=np.float64,
        **settings,
    )


def doc_topic_matrix(model: Any, bow: BoW) -> np.ndarray:
    """Documents x topics matrix of topic proportions (rows sum to 1)."""
    k = model.num_topics
    theta = np.zeros((len(bow), k))
    for row, doc in enumerate(bow):
        for topic, weight in model.get_document_topics(doc, minimum_probability=0.0):
            theta[row, topic] = weight
    sums = theta.sum(axis=1, keepdims=True)
    sums[sums == 0] = 1.0
    return theta / sums


def live_topics(theta: np.ndarray, min_share: float = LIVE_MIN_SHARE) -> list[int]:
    """Indices of topics whose mean document share is at least ``min_share``."""
    return [int(t) for t in np.flatnonzero(theta.mean(axis=0) >= min_share)]


def top_words(model: LdaModel, topics: Sequence[int], topn: int) -> list[list[str]]:
    """Top ``topn`` words of each topic in ``topics`` (highest weight first)."""
    return [[word for word, _ in model.show_topic(t, topn=topn)] for t in topics]


def coherence(
    topics_words: Sequence[Sequence[str]],
    texts: Sequence[Sequence[str]],
    dictionary: Dictionary,
    measure: str,
    topn: int,
) -> list[float]:
    """Per-topic coherence (``c_npmi``, ``u_mass``, ``c_v``) of word lists against ``texts``.

    The same ``texts`` and ``dictionary`` must be used for every model that is
    compared. ``topn`` is passed explicitly (gensim's default is 20).
    """
    if not topics_words:
        raise ValueError("coherence: no topics given")
    short = [len(words) for words in topics_words if len(words) < topn]
    if short:
        raise ValueError(f"coherence: a topic has fewer than topn={topn} words ({short[0]})")
    model = CoherenceModel(
        topics=[list(words) for words in topics_words],
        texts=[list(doc) for doc in texts],
        dictionary=dictionary,
        coherence=measure,
        topn=topn,
        processes=1,
    )
    return [float(x) for x in model.get_coherence_per_topic()]


def jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    """Jaccard similarity of two word lists treated as sets."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def best_match_stability(runs: Sequence[Sequence[Sequence[str]]]) -> list[list[float]]:
    """Best-match stability of each topic of each run against the other runs.

    ``runs[r]`` is the list of top-word lists of run ``r`` (e.g. one seed).
    For topic ``t`` of run ``r``: for every other run, take the highest
    Jaccard similarity between ``t`` and any of that run's topics; the
    topic's stability is the mean of these best matches. Returns one list of
    scores per run (1.0 = the same top words reappear in every other run).
    """
    if len(runs) < 2:
        raise ValueError("best_match_stability needs at least two runs")
    scores: list[list[float]] = []
    for r, run in enumerate(runs):
        run_scores = []
        for words in run:
            best = [
                max((jaccard(words, other) for other in runs[o]), default=0.0)
                for o in range(len(runs))
                if o != r
            ]
            run_scores.append(float(np.mean(best)))
        scores.append(run_scores)
    return scores


def _fit_and_score(task: dict[str, Any]) -> dict[str, Any]:
    """Worker: fit one (k, seed) model and score it. Module-level so it can be pickled."""
    with threadpool_limits(limits=1):
        model = fit_lda(task["bow"], task["dictionary"], task["k"], task["seed"], **task["lda"])
        theta = doc_topic_matrix(model, task["bow"])
        live = live_topics(theta)
        words = top_words(model, live, task["topn"])
        npmi = coherence(words, task["texts"], task["dictionary"], "c_npmi", task["topn"])
        umass = coherence(words, task["texts"], task["dictionary"], "u_mass", task["topn"])
    return {
        "k": task["k"],
        "seed": task["seed"],
        "n_live": len(live),
        "c_npmi": float(np.mean(npmi)),
        "u_mass": float(np.mean(umass)),
        "topics": words,
    }


def run_grid(
    bow: BoW,
    dictionary: Dictionary,
    ks: Sequence[int],
    seeds: Sequence[int],
    processes: int = 2,
    *,
    texts: Sequence[Sequence[str]],
    topn: int = 10,
    **lda_kwargs: Any,
) -> pd.DataFrame:
    """Fit and score one LdaModel per (k, seed), spread over ``processes`` worker processes.

    Returns one row per fit, ordered by k then seed, with columns ``k``,
    ``seed``, ``n_live`` (live topics), ``c_npmi`` and ``u_mass`` (mean over
    live topics of the top-``topn`` words, reference ``texts``) and ``topics``
    (list of top-word lists of the live topics). ``processes=1`` runs in the
    calling process; the results do not depend on ``processes``.
    """
    if processes < 1:
        raise ValueError(f"processes must be >= 1, got {processes}")
    if len(texts) != len(bow):
        raise ValueError(f"run_grid: {len(texts)} texts but {len(bow)} documents in bow")
    tasks = [
        {
            "bow": bow,
            "dictionary": dictionary,
            "texts": texts,
            "k": int(k),
            "seed": int(seed),
            "topn": topn,
            "lda": lda_kwargs,
        }
        for k, seed in itertools.product(sorted(ks), sorted(seeds))
    ]
    if processes == 1:
        rows = [_fit_and_score(task) for task in tasks]
    else:
        # Largest k first: the slowest fits start early, so the workers finish together.
        by_cost = sorted(range(len(tasks)), key=lambda i: (-tasks[i]["k"], tasks[i]["seed"]))
        with ProcessPoolExecutor(max_workers=processes) as pool:
            done = list(pool.map(_fit_and_score, [tasks[i] for i in by_cost], chunksize=1))
        rows = [row for _, row in sorted(zip(by_cost, done, strict=True), key=lambda x: x[0])]
    return pd.DataFrame(rows)


def stability_table(grid: pd.DataFrame) -> pd.DataFrame:
    """Per-topic best-match stability for every (k, seed, topic) of a ``run_grid`` table."""
    rows = []
    for k, group in grid.groupby("k", sort=True):
        group = group.sort_values("seed")
        runs = list(group["topics"])
        scores = best_match_stability(runs)
        for seed, run_words, run_scores in zip(group["seed"], runs, scores, strict=True):
            for index, (words, score) in enumerate(zip(run_words, run_scores, strict=True)):
                rows.append(
                    {
                        "k": int(k),
                        "seed": int(seed),
                        "topic_index": index,
                        "stability": score,
                        "top_words": " ".join(words),
                    }
                )
    return pd.DataFrame(rows)


def summarise_grid(grid: pd.DataFrame) -> pd.DataFrame:
    """One row per k: mean/sd of coherence over seeds, live topics, median and min stability."""
    stab = stability_table(grid)
    coh = grid.groupby("k").agg(
        seeds=("seed", "count"),
        n_live_min=("n_live", "min"),
        c_npmi_mean=("c_npmi", "mean"),
        c_npmi_sd=("c_npmi", "std"),
        u_mass_mean=("u_mass", "mean"),
        u_mass_sd=("u_mass", "std"),
    )
    st = stab.groupby("k")["stability"].agg(
        stability_median="median",
        stability_q25=lambda s: s.quantile(0.25),
        share_topics_stable=lambda s: (s >= 0.6).mean(),
    )
    return coh.join(st).reset_index()


def choose_k(summary: pd.DataFrame, tolerance: float = 0.05) -> int:
    """The collection's rule for picking k from a ``summarise_grid`` table.

    1. Stability first: keep the k whose median best-match stability is within
       ``tolerance`` of the highest median stability in the grid.
    2. Among those, take the highest mean c_npmi coherence.
    3. Ties (equal rounded to 3 decimals) go to the smaller k (fewer topics to
       interpret).
    """
    required = {"k", "stability_median", "c_npmi_mean"}
    if not required <= set(summary.columns) or summary.empty:
        raise ValueError(f"choose_k needs a non-empty table with columns {sorted(required)}")
    best = summary["stability_median"].max()
    eligible = summary[summary["stability_median"] >= best - tolerance - 1e-12].copy()
    eligible["c_round"] = eligible["c_npmi_mean"].round(3)
    eligible = eligible.sort_values(["c_round", "k"], ascending=[False, True])
    return int(eligible["k"].iloc[0])


def topic_stability_against_seeds(
    reference: Sequence[Sequence[str]], others: Sequence[Sequence[Sequence[str]]]
) -> list[float]:
    """Stability of each reference topic: mean over ``others`` runs of its best Jaccard match."""
    if not others:
        raise ValueError("need at least one other run")
    return [
        float(np.mean([max(jaccard(words, o) for o in run) for run in others]))
        for words in reference
    ]


def js_distance_matrix(topic_word: np.ndarray) -> np.ndarray:
    """Pairwise Jensen-Shannon distances (base 2, in [0, 1]) between rows of ``topic_word``."""
    p = np.asarray(topic_word, dtype=float)
    p = p / p.sum(axis=1, keepdims=True)
    n = p.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            m = 0.5 * (p[i] + p[j])
            with np.errstate(divide="ignore", invalid="ignore"):
                kl_i = np.where(p[i] > 0, p[i] * np.log2(p[i] / m), 0.0).sum()
                kl_j = np.where(p[j] > 0, p[j] * np.log2(p[j] / m), 0.0).sum()
            out[i, j] = out[j, i] = float(np.sqrt(max(0.5 * (kl_i + kl_j), 0.0)))
    return out


def classical_mds(distances: np.ndarray, dims: int = 2) -> np.ndarray:
    """Classical (Torgerson) multidimensional scaling of a distance matrix, via numpy.

    The sign of each axis is fixed so the largest-magnitude coordinate is
    positive, making the layout deterministic.
    """
    d2 = np.asarray(distances, dtype=float) ** 2
    n = d2.shape[0]
    centre = np.eye(n) - np.ones((n, n)) / n
    b = -0.5 * centre @ d2 @ centre
    values, vectors = np.linalg.eigh(b)
    order = np.argsort(values)[::-1][:dims]
    coords = vectors[:, order] * np.sqrt(np.clip(values[order], 0.0, None))
    for axis in range(coords.shape[1]):
        if coords[np.argmax(np.abs(coords[:, axis])), axis] < 0:
            coords[:, axis] *= -1
    return coords


def bootstrap_mean_ci(
    values: np.ndarray, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means of ``values`` (documents x topics) with percentile bootstrap CIs over rows."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError("bootstrap_mean_ci expects a non-empty 2-D array")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, values.shape[0], size=(n_boot, values.shape[0]))
    boots = values[idx].mean(axis=1)
    alpha = (1 - level) / 2
    return (
        values.mean(axis=0),
        np.quantile(boots, alpha, axis=0),
        np.quantile(boots, 1 - alpha, axis=0),
    )


def _peer_task(task: dict[str, Any]) -> list[list[str]]:
    """Worker: fit one peer LDA (tomotopy or scikit-learn) and return its top-``topn`` words."""
    bow, dictionary, k, seed, topn = (
        task[key] for key in ("bow", "dictionary", "k", "seed", "topn")
    )
    with threadpool_limits(limits=1):
        if task["library"] == "tomotopy":
            with warnings.catch_warnings():  # tomotopy's C types trigger an import-time warning
                warnings.simplefilter("ignore", DeprecationWarning)
                import tomotopy as tp

            model = tp.LDAModel(k=k, seed=seed)
            for r, doc in enumerate(bow):
                words = [dictionary[i] for i, n in doc for _ in range(n)]
                if not words:
                    raise ValueError(f"run_peers: document {r} is empty after preparation")
                model.add_doc(words)
            model.train(task["iterations"], workers=1)
            return [[w for w, _ in model.get_topic_words(t, top_n=topn)] for t in range(k)]
        if task["library"] == "sklearn":
            from scipy.sparse import csr_matrix
            from sklearn.decomposition import LatentDirichletAllocation

            rows = [r for r, doc in enumerate(bow) for _ in doc]
            cols = [i for doc in bow for i, _ in doc]
            vals = [n for doc in bow for _, n in doc]
            x = csr_matrix((vals, (rows, cols)), shape=(len(bow), len(dictionary)))
            model = LatentDirichletAllocation(
                n_components=k,
                random_state=seed,
                learning_method="batch",
                max_iter=task["iterations"],
            )
            model.fit(x)
            return [
                [dictionary[j] for j in np.argsort(-row, kind="stable")[:topn]]
                for row in model.components_
            ]
    raise ValueError(f"unknown peer library {task['library']!r} (tomotopy or sklearn)")


def run_peers(
    bow: BoW,
    dictionary: Dictionary,
    k: int,
    seeds: Sequence[int],
    processes: int = 2,
    topn: int = 10,
    tomotopy_iterations: int = 250,
    sklearn_iterations: int = 25,
) -> dict[str, list[list[list[str]]]]:
    """Fit tomotopy's Gibbs LDA and scikit-learn's batch LDA at ``k`` for each seed.

    Both see exactly ``bow`` (tomotopy as the token lists it encodes). tomotopy
    runs with ``workers=1`` so its sampler is deterministic for a seed.
    Returns ``{"tomotopy": runs, "sklearn": runs}``, each run a list of top-word lists.
    """
    tasks = [
        {
            "library": lib,
            "bow": bow,
            "dictionary": dictionary,
            "k": int(k),
            "seed": int(seed),
            "topn": topn,
            "iterations": tomotopy_iterations if lib == "tomotopy" else sklearn_iterations,
        }
        for lib in ("tomotopy", "sklearn")
        for seed in seeds
    ]
    if processes == 1:
        results = [_peer_task(task) for task in tasks]
    else:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            results = list(pool.map(_peer_task, tasks, chunksize=1))
    out: dict[str, list[list[list[str]]]] = {"tomotopy": [], "sklearn": []}
    for task, words in zip(tasks, results, strict=True):
        out[task["library"]].append(words)
    return out
