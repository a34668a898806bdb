"""``helpers.parallel.executor_factory``: a seeded gensim grid gives the same table in a local
process pool and on a Dask cluster (a ``LocalCluster`` here; a scheduler address in use)."""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from gensim.corpora import Dictionary
from gensim.models import LdaModel

from helpers.parallel import DASK_ENV, dask_target, describe, executor_factory

THEMES = [
    ["funding", "budget", "grant", "council", "pressure", "cuts"],
    ["inspection", "ofsted", "judgement", "improvement", "standards", "review"],
    ["school", "pupils", "exclusion", "teachers", "attendance", "learning"],
]


def _documents(n_docs: int = 40, seed: int = 7) -> list[list[str]]:
    """Small synthetic posts, each mostly from one theme (fixed seed)."""
    rng = random.Random(seed)
    docs = []
    for i in range(n_docs):
        main = THEMES[i % len(THEMES)]
        other = THEMES[(i + 1) % len(THEMES)]
        docs.append([rng.choice(main) for _ in range(30)] + [rng.choice(other) for _ in range(6)])
    return docs


def _fit(task: tuple[int, int]) -> dict:
    """One seeded fit of the grid, scored; also says where it ran (not compared)."""
    k, seed = task
    docs = _documents()
    dictionary = Dictionary(docs)
    bow = [dictionary.doc2bow(d) for d in docs]
    model = LdaModel(
        bow, id2word=dictionary, num_topics=k, random_state=seed, passes=3, iterations=30
    )
    topics = model.get_topics()
    try:
        from distributed import get_worker

        where = get_worker().address
    except (ImportError, ValueError):
        where = "local"
    return {
        "k": k,
        "seed": seed,
        "bound": model.bound(bow),
        "topic_term_sum": float(np.sum(topics * np.arange(topics.shape[1]))),
        "top_words": " | ".join(
            " ".join(w for w, _ in model.show_topic(t, topn=4)) for t in range(k)
        ),
        "where": where,
    }


TASKS = [(k, seed) for k in (2, 3) for seed in (1, 2)]


def _table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).drop(columns="where")


def test_default_is_a_local_process_pool() -> None:
    with executor_factory(2, environ={}) as pool:
        assert isinstance(pool, ProcessPoolExecutor)
        assert list(pool.map(abs, [-1, -2])) == [1, 2]
    assert dask_target({}) is None and describe({}) == "local process pool"
    assert dask_target({DASK_ENV: " local "}) == "local"
    assert dask_target({DASK_ENV: "tcp://10.0.0.5:8786"}) == "tcp://10.0.0.5:8786"
    assert "Dask" in describe({DASK_ENV: "tcp://10.0.0.5:8786"})


def test_grid_on_a_dask_cluster_equals_the_local_run() -> None:
    distributed = pytest.importorskip("distributed")
    with executor_factory(2, environ={}) as pool:
        local = list(pool.map(_fit, TASKS))
    assert {r["where"] for r in local} == {"local"}
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        executor_factory(2, environ={DASK_ENV: cluster.scheduler_address}) as pool,
    ):
        assert isinstance(pool, distributed.cfexecutor.ClientExecutor)
        remote = list(pool.map(_fit, TASKS))
        addresses = set(pool._client.scheduler_info()["workers"])
    # every fit ran on a worker of the cluster, none in this process
    assert {r["where"] for r in remote} <= addresses and "local" not in {r["where"] for r in remote}
    pd.testing.assert_frame_equal(_table(local), _table(remote), check_exact=True)
    # and the grid is a real one: the fits differ between seeds and between k
    assert _table(local)["bound"].nunique() == len(TASKS)


def _square(x: int) -> int:
    return x * x


def test_map_processes_keeps_order_whatever_the_number_of_processes() -> None:
    from helpers.parallel import map_processes

    jobs = list(range(7))
    assert (
        map_processes(_square, jobs, 1) == map_processes(_square, jobs, 2) == [j * j for j in jobs]
    )
    assert map_processes(_square, [], 2) == []
    with pytest.raises(ValueError, match="processes"):
        map_processes(_square, jobs, 0)
