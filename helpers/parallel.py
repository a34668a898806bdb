"""Where independent, seeded fits run: a local process pool, or a Dask cluster.

``executor_factory(max_workers)`` returns a context manager that yields a
``concurrent.futures.Executor``:

- by default a ``ProcessPoolExecutor`` with ``max_workers`` processes;
- when the environment variable ``DCS_VOICES_DASK`` is set, the executor of a
  ``distributed.Client`` (``Client.get_executor()``): ``DCS_VOICES_DASK=local`` starts a
  ``LocalCluster`` of ``max_workers`` single-threaded worker processes on this
  machine; any other value is the address of a running Dask scheduler
  (``tcp://host:8786``), whose workers may be on other machines and need the same
  environment (``requirements.txt`` and this package installed).

The tasks submitted must be picklable functions of their arguments; a seeded fit then
gives the same result wherever it runs, so the tables do not depend on the executor
(``tests/test_parallel.py`` checks this on a small gensim grid). For the topic grid::

    from helpers.parallel import executor_factory
    run_grid(..., executor_factory=lambda: executor_factory(PROCESSES))
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

DASK_ENV = "DCS_VOICES_DASK"


def dask_target(environ: Mapping[str, str] | None = None) -> str | None:
    """The configured Dask target (``"local"`` or a scheduler address), or None."""
    environ = os.environ if environ is None else environ
    value = environ.get(DASK_ENV, "").strip()
    return value or None


def describe(environ: Mapping[str, str] | None = None) -> str:
    """One line saying where the fits run (for a notebook to print)."""
    target = dask_target(environ)
    if target is None:
        return "local process pool"
    if target == "local":
        return "Dask LocalCluster on this machine"
    return "Dask scheduler (address in $" + DASK_ENV + ")"


@contextlib.contextmanager
def executor_factory(
    max_workers: int | None = None, environ: Mapping[str, str] | None = None
) -> Iterator[Executor]:
    """A context manager yielding the executor to run independent tasks in (see the
    module docstring). The Dask client, and a cluster it started, close on exit."""
    target = dask_target(environ)
    if target is None:
        with ProcessPoolExecutor(max_workers=max_workers) as pool:
            yield pool
        return
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if target == "local":
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=max_workers or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(Client(target))
        executor = client.get_executor()
        try:
            yield executor
        finally:
            executor.shutdown(wait=True)


def map_processes(func: Callable[[Any], Any], jobs: Sequence[Any], processes: int = 1) -> list:
    """``[func(job) for job in jobs]``, in order; in a pool of ``processes`` worker
    processes when more than one (``func`` and the jobs must then be picklable). For seeded,
    single-threaded work, such as the cross-fitting folds of the valence model and of the
    mention classifier, the results do not depend on ``processes``."""
    if processes < 1:
        raise ValueError(f"processes must be >= 1, got {processes}")
    if processes == 1 or len(jobs) < 2:
        return [func(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        return list(pool.map(func, jobs))
