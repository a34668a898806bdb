"""Topic models on one footing: fitting, the (setup x k x seed) grid, and its cache (03-04).

A *setup* is a model family with its settings and a document unit:

- ``lda`` (gensim ``LdaModel``, variational Bayes; never ``LdaMulticore``, which is not
  reproducible), optionally *guided* by a topic-word prior ``eta`` built from a declared
  seed-word list (``guided_eta``);
- ``nmf`` (scikit-learn ``NMF`` on TF-IDF, deterministic ``nndsvd`` initialisation);
- ``sklearn_lda`` (scikit-learn ``LatentDirichletAllocation``, batch EM) and ``tomotopy``
  (collapsed Gibbs ``LDAModel``, one worker), the peers.

The unit is ``posts`` or ``paragraphs``; a paragraph model is fitted on the paragraphs and
its document-topic shares are aggregated back to posts (weighted by prepared tokens).

Every fit, whatever the family, is reduced to the same things: ``phi`` (k x V topic-word
distributions), ``theta`` (posts x k and paragraphs x k topic shares), the top words, and
for fits on a resample of the posts the held-out log-likelihood per token of the posts left
out (document completion, see ``helpers.topic_metrics.completion_loglik``). So the
diagnostics of ``helpers.topic_metrics`` score every setup the same way.

``run_fits`` runs a list of ``FitTask`` in an executor (default: a process pool of
``processes`` workers; ``executor_factory`` lets another executor, e.g. Dask's, be plugged
in) with an optional on-disk cache; every fit is seeded and single-threaded, so the results
do not depend on the executor, the number of workers or the cache. ``run_grid`` keeps the
older (k x seed) gensim grid interface on top of it.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import pickle
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel, LdaModel
from scipy.sparse import csr_matrix
from threadpoolctl import threadpool_limits

BoW = list[list[tuple[int, int]]]

#: Default training settings for the collection's LdaModel.
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

#: Mixing weight of the uniform distribution in phi when scoring held-out tokens, so that a
#: word a topic never uses (NMF has exact zeros) does not give a log of zero. The same for
#: every family.
SMOOTHING: float = 0.01

FAMILIES: tuple[str, ...] = ("lda", "nmf", "sklearn_lda", "tomotopy")

#: Families whose fit does not depend on the seed (NMF's ``nndsvd`` start is fixed): their
#: tasks that differ only in the seed share one cache key and are fitted once per run.
SEED_FREE_FAMILIES: frozenset[str] = frozenset({"nmf"})

#: Part of every cache key: raise it whenever ``_fit_one`` changes what it computes, so
#: that results cached by an older version are never read back. The key also holds a hash of
#: this module's and ``topic_metrics``' source (``_code_hash``), so an edit that forgets to
#: raise it still cannot read back a stale fit.
CACHE_VERSION: int = 3
UNITS: tuple[str, ...] = ("posts", "paragraphs")


# --- data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicData:
    """Everything a fit needs, picklable: vocabulary, posts and paragraphs as bags of words.

    ``post_tokens`` are the prepared token lists of the posts in text order (the reference
    texts for coherence and the source of the held-out halves); ``para_post[i]`` is the
    index of the post that paragraph ``i`` belongs to.
    """

    vocab: tuple[str, ...]
    post_tokens: tuple[tuple[str, ...], ...]
    para_tokens: tuple[tuple[str, ...], ...]
    para_post: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.para_tokens) != len(self.para_post):
            raise ValueError("TopicData: para_tokens and para_post differ in length")
        if self.para_post and (min(self.para_post) < 0 or max(self.para_post) >= self.n_posts):
            raise ValueError("TopicData: para_post names a post that does not exist")
        known = set(self.vocab)
        for name, docs in (("post", self.post_tokens), ("paragraph", self.para_tokens)):
            for i, doc in enumerate(docs):
                unknown = set(doc) - known
                if unknown:
                    raise ValueError(
                        f"TopicData: {name} {i} has words outside the vocabulary: "
                        f"{sorted(unknown)[:5]}"
                    )

    @property
    def n_posts(self) -> int:
        return len(self.post_tokens)

    @property
    def word_index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.vocab)}

    def counts(self, unit: str = "posts", rows: Sequence[int] | None = None) -> csr_matrix:
        """Documents x vocabulary count matrix of ``unit`` (optionally only ``rows``)."""
        docs = self.post_tokens if unit == "posts" else self.para_tokens
        if rows is not None:
            docs = tuple(docs[r] for r in rows)
        return token_counts(docs, self.word_index, len(self.vocab))

    def fingerprint(self) -> str:
        """SHA-256 of the whole bundle (the cache key's data part)."""
        payload = json.dumps(
            [self.vocab, self.post_tokens, self.para_tokens, self.para_post], ensure_ascii=True
        )
        return hashlib.sha256(payload.encode("ascii")).hexdigest()


def token_counts(docs: Sequence[Sequence[str]], index: dict[str, int], n_words: int) -> csr_matrix:
    """Documents x vocabulary count matrix of token lists (words must be in ``index``)."""
    rows, cols = [], []
    for r, doc in enumerate(docs):
        for word in doc:
            rows.append(r)
            cols.append(index[word])
    vals = np.ones(len(rows), dtype=np.float64)
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(docs), n_words))
    matrix.sum_duplicates()
    return matrix


def topic_data(
    dictionary: Dictionary,
    post_tokens: Sequence[Sequence[str]],
    para_tokens: Sequence[Sequence[str]] = (),
    para_post: Sequence[int] = (),
) -> TopicData:
    """Build ``TopicData`` from a gensim ``Dictionary`` and prepared token lists."""
    vocab = tuple(dictionary[i] for i in range(len(dictionary)))
    return TopicData(
        vocab=vocab,
        post_tokens=tuple(tuple(d) for d in post_tokens),
        para_tokens=tuple(tuple(d) for d in para_tokens),
        para_post=tuple(int(p) for p in para_post),
    )


# --- setups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """A model family, its settings and its document unit, with a short name for tables."""

    name: str
    family: str
    unit: str = "posts"
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"Setup {self.name!r}: family must be one of {FAMILIES}")
        if self.unit not in UNITS:
            raise ValueError(f"Setup {self.name!r}: unit must be one of {UNITS}")

    def key(self) -> str:
        return json.dumps(
            {"family": self.family, "unit": self.unit, "params": self.params}, sort_keys=True
        )


def load_seed_words(path: Path) -> dict[str, list[str]]:
    """Read ``theme,word`` rows into ``{theme: [words]}`` (themes in order of appearance)."""
    from helpers.lexicons import load_lexicon

    table = load_lexicon(path, ["theme", "word"], not_empty=("theme", "word"))
    dupes = table["word"][table["word"].duplicated()].tolist()
    if dupes:
        raise ValueError(f"{path.name}: a seed word may belong to one theme only: {dupes}")
    themes: dict[str, list[str]] = {}
    for theme, word in zip(table["theme"], table["word"], strict=True):
        themes.setdefault(str(theme), []).append(str(word))
    return themes


def guided_eta(
    vocab: Sequence[str], k: int, seed_words: dict[str, list[str]], seed_weight: float
) -> np.ndarray:
    """Topic-word prior for a guided gensim LDA: ``1/k`` everywhere, plus ``seed_weight`` for
    theme ``j``'s seed words in topic ``j``. Seed words missing from ``vocab`` are skipped
    (``missing_seed_words`` lists them)."""
    if k < len(seed_words):
        raise ValueError(f"guided_eta: k={k} is smaller than the {len(seed_words)} themes")
    index = {w: i for i, w in enumerate(vocab)}
    eta = np.full((k, len(vocab)), 1.0 / k)
    for j, words in enumerate(seed_words.values()):
        for word in words:
            if word in index:
                eta[j, index[word]] += seed_weight
    return eta


def missing_seed_words(vocab: Sequence[str], seed_words: dict[str, list[str]]) -> list[str]:
    known = set(vocab)
    return [w for words in seed_words.values() for w in words if w not in known]


# --- fitting ---------------------------------------------------------------------------


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
    """Documents x topics matrix of topic proportions of a gensim model (rows sum to 1)."""
    k = model.num_topics
    theta = np.zeros((len(bow), k))
    for row, doc in enumerate(bow):
        for topic, weight in model.get_document_topics(doc, minimum_probability=0.0):
            theta[row, topic] = weight
    return _normalise_rows(theta)


def live_topics(theta: np.ndarray, min_share: float = LIVE_MIN_SHARE) -> list[int]:
    """Indices of topics whose mean document share is at least ``min_share``."""
    return [int(t) for t in np.flatnonzero(theta.mean(axis=0) >= min_share)]


def top_words(model: LdaModel, topics: Sequence[int], topn: int) -> list[list[str]]:
    """Top ``topn`` words of each topic in ``topics`` of a gensim model (highest first)."""
    return [[word for word, _ in model.show_topic(t, topn=topn)] for t in topics]


def top_words_of(phi: np.ndarray, vocab: Sequence[str], topn: int) -> list[list[str]]:
    """Top ``topn`` words of each row of ``phi`` (ties broken by vocabulary order)."""
    order = np.argsort(-np.asarray(phi), axis=1, kind="stable")[:, :topn]
    return [[vocab[j] for j in row] for row in order]


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=float)
    sums = matrix.sum(axis=1, keepdims=True)
    out = np.where(sums > 0, matrix / np.where(sums > 0, sums, 1.0), 1.0 / matrix.shape[1])
    return out


def _bow_of(counts: csr_matrix) -> BoW:
    return [
        [(int(j), int(v)) for j, v in zip(row.indices, row.data, strict=True)] for row in counts
    ]


class _Fitted:
    """A fitted model of any family: ``phi`` and an ``infer(counts) -> theta`` function."""

    def __init__(self, phi: np.ndarray, infer: Callable[[csr_matrix], np.ndarray]) -> None:
        self.phi = _normalise_rows(phi)
        self.infer = infer


def _fit_family(setup: Setup, data: TopicData, k: int, seed: int, counts: csr_matrix) -> _Fitted:
    params = dict(setup.params)
    vocab = data.vocab
    if setup.family == "lda":
        if len(set(vocab)) != len(vocab):
            raise ValueError("vocabulary has duplicate words")
        id2word = dict(enumerate(vocab))
        seed_words = params.pop("seed_words", None)
        seed_weight = params.pop("seed_weight", 0.0)
        if seed_words:
            params["eta"] = guided_eta(vocab, k, seed_words, seed_weight)
        model = fit_lda(_bow_of(counts), id2word, k, seed, **params)  # type: ignore[arg-type]

        def infer_lda(x: csr_matrix) -> np.ndarray:
            gamma, _ = model.inference(_bow_of(x))
            return _normalise_rows(gamma)

        return _Fitted(model.get_topics(), infer_lda)
    if setup.family == "nmf":
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer

        tfidf = TfidfTransformer(sublinear_tf=params.pop("sublinear_tf", True))
        x = tfidf.fit_transform(counts)
        # nndsvd runs a randomised SVD: a fixed random_state makes the initialisation (and
        # so the fit) deterministic, as intended; ``seed`` deliberately plays no part.
        nmf = NMF(
            n_components=k,
            init=params.pop("init", "nndsvd"),
            random_state=0,
            max_iter=params.pop("max_iter", 500),
            **params,
        )
        with warnings.catch_warnings():  # a ConvergenceWarning must not reach stderr
            warnings.simplefilter("ignore")
            nmf.fit(x)

        def infer_nmf(x_new: csr_matrix) -> np.ndarray:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return _normalise_rows(nmf.transform(tfidf.transform(x_new)))

        return _Fitted(nmf.components_, infer_nmf)
    if setup.family == "sklearn_lda":
        from sklearn.decomposition import LatentDirichletAllocation

        lda = LatentDirichletAllocation(
            n_components=k,
            random_state=seed,
            learning_method="batch",
            max_iter=params.pop("max_iter", 25),
            **params,
        )
        lda.fit(counts)
        return _Fitted(lda.components_, lambda x: _normalise_rows(lda.transform(x)))
    if setup.family == "tomotopy":
        with warnings.catch_warnings():  # tomotopy's C types trigger an import-time warning
            warnings.simplefilter("ignore", DeprecationWarning)
            import tomotopy as tp

        model = tp.LDAModel(k=k, seed=seed)
        model_vocab_docs = _token_docs(counts, vocab)
        for r, words in enumerate(model_vocab_docs):
            if not words:
                raise ValueError(f"tomotopy: document {r} is empty after preparation")
            model.add_doc(words)
        model.train(params.pop("iterations", 250), workers=1)
        used = {w: i for i, w in enumerate(model.used_vocabs)}
        phi = np.zeros((k, len(vocab)))
        for t in range(k):
            dist = np.asarray(model.get_topic_word_dist(t))
            for j, word in enumerate(vocab):
                if word in used:
                    phi[t, j] = dist[used[word]]

        def infer_tomotopy(x: csr_matrix) -> np.ndarray:
            rows = []
            for words in _token_docs(x, vocab):
                words = [w for w in words if w in used]
                if not words:
                    rows.append(np.full(k, 1.0 / k))
                    continue
                doc = model.make_doc(words)
                dist, _ = model.infer(doc, iterations=100, workers=1)
                rows.append(np.asarray(dist))
            return _normalise_rows(np.array(rows))

        return _Fitted(phi, infer_tomotopy)
    raise ValueError(f"unknown family {setup.family!r}")


def _token_docs(counts: csr_matrix, vocab: Sequence[str]) -> list[list[str]]:
    return [
        [vocab[j] for j, n in zip(row.indices, row.data, strict=True) for _ in range(int(n))]
        for row in counts
    ]


@dataclass(frozen=True)
class FitTask:
    """One fit: a setup at k with a seed, on all posts or on a resample of them.

    ``replicate`` is ``None`` for a fit on every post (a *seed* fit); otherwise the fit uses
    the posts drawn by ``resample_posts(n_posts, fraction, replicate)`` and scores the posts
    left out (a *resample* fit, Greene, O'Callaghan and Cunningham 2014).

    ``reference`` marks the seed fit whose paragraph shares are kept (``theta_paragraphs``,
    which notebook 04 uses to find the passage that carries a topic); other fits skip that
    inference.
    """

    setup: Setup
    k: int
    seed: int
    replicate: int | None = None
    fraction: float = 0.8
    topn: int = 10
    reference: bool = False

    @property
    def kind(self) -> str:
        return "seed" if self.replicate is None else "resample"

    def key(self, data_fingerprint: str) -> str:
        payload = json.dumps(
            [
                CACHE_VERSION,
                self.setup.key(),
                self.k,
                self.seed if self.setup.family not in SEED_FREE_FAMILIES else None,
                self.replicate,
                self.fraction,
                self.topn,
                self.reference,
                _code_hash(),
            ],
            sort_keys=True,
        )
        return hashlib.sha256(f"{data_fingerprint}|{payload}".encode()).hexdigest()


@functools.cache
def _code_hash() -> str:
    """SHA-256 of the source of the modules that compute a fit (part of the cache key)."""
    from helpers import topic_metrics

    digest = hashlib.sha256()
    for module_file in (__file__, topic_metrics.__file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()


def resample_posts(n_posts: int, fraction: float, replicate: int) -> tuple[np.ndarray, np.ndarray]:
    """``(kept, left_out)`` post indices of one resample: ``fraction`` of the posts drawn
    without replacement (sorted), seeded by ``replicate``. Subsampling, as Greene et al. do,
    rather than a with-replacement bootstrap, so that no post is duplicated (a duplicated
    post would fake co-occurrence for the topic model)."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must lie in (0, 1), got {fraction}")
    rng = np.random.default_rng(1_000_003 + replicate)
    size = max(2, int(round(fraction * n_posts)))
    kept = np.sort(rng.choice(n_posts, size=size, replace=False))
    left = np.setdiff1d(np.arange(n_posts), kept)
    return kept, left


def _fit_one(task: FitTask, data: TopicData) -> dict[str, Any]:
    """Worker: fit one task and reduce it to arrays (module-level so it can be pickled)."""
    from helpers.topic_metrics import completion_loglik, completion_split

    setup = task.setup
    with threadpool_limits(limits=1):
        if task.replicate is None:
            kept = np.arange(data.n_posts)
            left = np.array([], dtype=int)
        else:
            kept, left = resample_posts(data.n_posts, task.fraction, task.replicate)
        if setup.unit == "posts":
            train = data.counts("posts", kept)
        else:
            kept_set = set(kept.tolist())
            rows = [i for i, p in enumerate(data.para_post) if p in kept_set]
            train = data.counts("paragraphs", rows)
            train = train[np.asarray(train.sum(axis=1)).ravel() > 0]
        fitted = _fit_family(setup, data, task.k, task.seed, train)
        phi = fitted.phi
        out: dict[str, Any] = {
            "setup": setup.name,
            "k": task.k,
            "seed": task.seed,
            "replicate": task.replicate,
            "phi": phi,
            "top_words": top_words_of(phi, data.vocab, task.topn),
        }
        if task.replicate is None:
            post_counts = data.counts("posts")
            theta_paragraphs = None
            if data.para_tokens and (task.reference or setup.unit == "paragraphs"):
                theta_paragraphs = fitted.infer(data.counts("paragraphs"))
            out["theta_posts"] = posts_theta(fitted.infer, data, setup.unit, theta_paragraphs)
            if task.reference and theta_paragraphs is not None:
                out["theta_paragraphs"] = theta_paragraphs
            out["post_tokens"] = np.asarray(post_counts.sum(axis=1)).ravel()
            out["c_npmi"] = corpus_coherence(data.post_tokens, "c_npmi", task.topn).per_topic(
                out["top_words"]
            )
        else:
            observed, held = completion_split([data.post_tokens[i] for i in left])
            index = data.word_index
            x_obs = token_counts(observed, index, len(data.vocab))
            x_held = token_counts(held, index, len(data.vocab))
            theta_left = fitted.infer(x_obs)
            out["heldout_loglik"] = completion_loglik(theta_left, phi, x_held, SMOOTHING)
            out["heldout_tokens"] = int(x_held.sum())
    return out


def posts_theta(
    infer: Callable[[csr_matrix], np.ndarray],
    data: TopicData,
    unit: str,
    theta_paragraphs: np.ndarray | None = None,
) -> np.ndarray:
    """Posts x topics shares; a paragraph model's paragraph shares are averaged per post,
    weighted by each paragraph's prepared tokens (``theta_paragraphs``, if given, are those
    shares already inferred)."""
    if unit == "posts":
        return infer(data.counts("posts"))
    paras = data.counts("paragraphs")
    theta_p = infer(paras) if theta_paragraphs is None else theta_paragraphs
    weights = np.asarray(paras.sum(axis=1)).ravel()
    out = np.zeros((data.n_posts, theta_p.shape[1]))
    np.add.at(out, np.asarray(data.para_post), theta_p * weights[:, None])
    return _normalise_rows(out)


def _run_task(args: tuple[FitTask, TopicData]) -> dict[str, Any]:
    return _fit_one(*args)


def run_fits(
    tasks: Sequence[FitTask],
    data: TopicData,
    processes: int = 2,
    executor_factory: Callable[[], Executor] | None = None,
    cache_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """Run every task and return one result per task, in the order of ``tasks``.

    ``executor_factory`` is a zero-argument callable returning a context-managed
    ``concurrent.futures.Executor``; by default a ``ProcessPoolExecutor`` of ``processes``
    workers (``processes=1`` and no factory: run in this process). With ``cache_dir``,
    results are stored under a key of the task and of the data's fingerprint, and read
    back on a rerun; the stored arrays are exactly those computed.
    """
    if processes < 1:
        raise ValueError(f"processes must be >= 1, got {processes}")
    fingerprint = data.fingerprint() if cache_dir is not None else ""
    results: list[dict[str, Any] | None] = [None] * len(tasks)
    todo: list[int] = []
    # tasks with the same key (a seed-free family at several seeds) are fitted once
    first_of_key: dict[str, int] = {}
    copies: dict[int, list[int]] = {}
    for i, task in enumerate(tasks):
        key = task.key(fingerprint)
        path = cache_dir / f"{key}.pkl" if cache_dir is not None else None
        if path is not None and path.exists():
            with path.open("rb") as handle:
                # the key ignores the setup's display name (and a seed-free family's seed)
                results[i] = _as_task(pickle.load(handle), task)
        elif key in first_of_key:
            copies[first_of_key[key]].append(i)
        else:
            first_of_key[key] = i
            copies[i] = []
            todo.append(i)
    # Largest, slowest fits first, so the workers finish together.
    todo.sort(key=lambda i: (tasks[i].setup.unit != "paragraphs", -tasks[i].k, i))

    def keep(i: int, result: dict[str, Any]) -> None:
        # stored as soon as it is done, so an interrupted run keeps what it has fitted
        results[i] = result
        for j in copies[i]:
            results[j] = _as_task(result, tasks[j])
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            path = cache_dir / f"{tasks[i].key(fingerprint)}.pkl"
            tmp = path.with_suffix(f".{i}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)

    if todo and executor_factory is None and processes == 1:
        for i in todo:
            keep(i, _run_task((tasks[i], data)))
    elif todo:
        factory = executor_factory or (lambda: ProcessPoolExecutor(max_workers=processes))
        with factory() as pool:
            futures = {pool.submit(_run_task, (tasks[i], data)): i for i in todo}
            for future in as_completed(futures):
                keep(futures[future], future.result())
    return [r for r in results if r is not None]


def _as_task(result: dict[str, Any], task: FitTask) -> dict[str, Any]:
    """A stored or shared result labelled with ``task``'s setup name and seed."""
    return {**result, "setup": task.setup.name, "seed": task.seed}


def grid_tasks(
    setups: Sequence[Setup],
    ks: Sequence[int],
    seeds: Sequence[int],
    replicates: Sequence[int],
    fraction: float = 0.8,
    topn: int = 10,
) -> list[FitTask]:
    """Every (setup, k) with one fit per seed on all posts and one per resample.

    Resample ``r`` is fitted with seed ``seeds[r % len(seeds)]``, so it varies both the
    posts and the start. The first seed's fit is the cell's reference (``FitTask.reference``).
    A guided setup is skipped at a k below its number of themes.
    """
    tasks = []
    for setup, k in itertools.product(setups, sorted(ks)):
        themes = setup.params.get("seed_words") or {}
        if k < len(themes):
            continue
        tasks += [
            FitTask(setup, int(k), int(s), None, fraction, topn, reference=i == 0)
            for i, s in enumerate(seeds)
        ]
        tasks += [
            FitTask(setup, int(k), int(seeds[r % len(seeds)]), int(r), fraction, topn)
            for r in replicates
        ]
    return tasks


# --- coherence and the older gensim grid -----------------------------------------------


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


class CorpusCoherence:
    """Coherence of any word lists against one reference corpus, its word counts computed once.

    gensim's ``CoherenceModel`` counts (co-)occurrences only for the words of the topics it
    is given, and so recounts the corpus for every fit. Here the counts are accumulated once
    for every word of the corpus (gensim keeps an accumulator whose words cover the new
    topics' words, see ``CoherenceModel._relevant_ids_will_differ``); the sliding windows and
    their number do not depend on which words are counted, so each topic's value equals what
    ``coherence`` computes from scratch (checked in ``tests/test_topics.py``).
    """

    def __init__(self, texts: Sequence[Sequence[str]], measure: str, topn: int) -> None:
        self.texts = [list(doc) for doc in texts]
        self.dictionary = Dictionary(self.texts)
        self.topn = topn
        words = [self.dictionary[i] for i in range(len(self.dictionary))]
        if len(words) < topn:
            raise ValueError(f"CorpusCoherence: fewer than topn={topn} distinct words")
        # every word of the corpus in some "topic" of topn words, so the counts cover them all
        covering = [words[i : i + topn] for i in range(0, len(words), topn)]
        covering[-1] = (covering[-1] + words)[:topn]
        self.model = CoherenceModel(
            topics=covering,
            texts=self.texts,
            dictionary=self.dictionary,
            coherence=measure,
            topn=topn,
            processes=1,
        )
        self.model.estimate_probabilities()

    def per_topic(self, topics_words: Sequence[Sequence[str]]) -> list[float]:
        """Per-topic coherence of ``topics_words`` (each at least ``topn`` words long)."""
        if not topics_words:
            raise ValueError("coherence: no topics given")
        short = [len(words) for words in topics_words if len(words) < self.topn]
        if short:
            raise ValueError(
                f"coherence: a topic has fewer than topn={self.topn} words ({short[0]})"
            )
        unknown = {w for words in topics_words for w in words[: self.topn]} - set(
            self.dictionary.token2id
        )
        if unknown:
            raise ValueError(f"coherence: words not in the reference texts: {sorted(unknown)[:5]}")
        self.model.topics = [list(words) for words in topics_words]
        if self.model._accumulator is None:  # gensim dropped the counts: they no longer cover
            raise RuntimeError("CorpusCoherence: gensim discarded the accumulated counts")
        return [float(x) for x in self.model.get_coherence_per_topic()]


_COHERENCE_CACHE: dict[
    tuple[int, str, int], tuple[tuple[tuple[str, ...], ...], CorpusCoherence]
] = {}


def corpus_coherence(
    texts: tuple[tuple[str, ...], ...], measure: str, topn: int
) -> CorpusCoherence:
    """A ``CorpusCoherence`` for ``texts``, built once per process and reused by later fits."""
    key = (hash(texts), measure, topn)
    hit = _COHERENCE_CACHE.get(key)
    if hit is not None and hit[0] == texts:
        return hit[1]
    scorer = CorpusCoherence(texts, measure, topn)
    _COHERENCE_CACHE.clear()  # one corpus at a time: a worker never needs two
    _COHERENCE_CACHE[key] = (texts, scorer)
    return scorer


def _fit_and_score(task: dict[str, Any]) -> dict[str, Any]:
    """Worker of ``run_grid``: fit one (k, seed) gensim model and score it."""
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
    executor_factory: Callable[[], Executor] | None = None,
    **lda_kwargs: Any,
) -> pd.DataFrame:
    """Fit and score one gensim LdaModel per (k, seed).

    Returns one row per fit, ordered by k then seed, with columns ``k``, ``seed``,
    ``n_live`` (live topics), ``c_npmi`` and ``u_mass`` (mean over live topics of the
    top-``topn`` words, reference ``texts``) and ``topics`` (top-word lists of the live
    topics). The fits run in ``executor_factory()`` (a zero-argument callable returning a
    context-managed ``concurrent.futures.Executor``), by default a process pool of
    ``processes`` workers; ``processes=1`` without a factory runs in the calling process.
    Each fit is seeded and single-threaded, so the table does not depend on the executor.
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
    if processes == 1 and executor_factory is None:
        rows = [_fit_and_score(task) for task in tasks]
    else:
        by_cost = sorted(range(len(tasks)), key=lambda i: (-tasks[i]["k"], tasks[i]["seed"]))
        factory = executor_factory or (lambda: ProcessPoolExecutor(max_workers=processes))
        with factory() as pool:
            done = list(pool.map(_fit_and_score, [tasks[i] for i in by_cost]))
        rows = [row for _, row in sorted(zip(by_cost, done, strict=True), key=lambda x: x[0])]
    return pd.DataFrame(rows)
