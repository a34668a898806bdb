"""How the test suite is spread over two processes (``make test`` runs
``pytest -n 2 --dist loadfile --no-loadscope-reorder``), with pytest-xdist's supported options.

- ``--dist loadfile``: every file is one unit of work, sent whole to one worker, so a
  module's expensive fixture (the refresh run, the rendered report and browser) is built
  once, and each notebook checked by nbval (one file) keeps its cells in one kernel.
- Notebooks need no chain: nbval runs each notebook against its own copy of the project
  (``conftest.py`` at the root), so 04 reads the ``model_choice.json`` that is committed,
  not one that 03 is rewriting in the other process. Which notebook reads which results
  is declared in ``pipeline.toml``; ``ordered_notebooks`` follows it, so within a worker
  a notebook never runs before one it reads from.
- ``--no-loadscope-reorder``: units are handed out in collection order, which
  ``pytest_collection_modifyitems`` (a public hook) sets: the units of ``FIRST`` (the
  longest), then the notebooks in dependency order, then the rest as collected.

Without ``-n`` the suite runs in one process, in the same order.

(``--dist loadgroup`` with ``xdist_group`` marks was tried: pytest-xdist 3.8 tags the
group onto ``item._nodeid``, which pytest 9 no longer reads, so a group is spread over
both workers: six tests marked ``xdist_group("chain")`` ran on gw1, gw0, gw1, gw0, gw0, gw1.)
"""

from __future__ import annotations

import pytest

from dcs_tools.graph import load_graph
from helpers.paths import REPO_ROOT

#: Units handed out first, in this order (the longest); the rest follow.
FIRST = (
    "tests/test_refresh.py",
    "notebooks/03_topic_model_selection.ipynb",
    "tests/test_report_browser.py",
)


def ordered_notebooks() -> list[str]:
    """The notebooks as ``pipeline.toml`` orders them (every notebook after those it reads)."""
    return [s.notebook for s in load_graph(REPO_ROOT).notebooks]


def unit_rank(unit: str, notebooks: list[str]) -> tuple[int, int]:
    """Sort key of a unit (a file path relative to the root)."""
    if unit in FIRST:
        return (0, FIRST.index(unit))
    if unit in notebooks:
        return (1, notebooks.index(unit))
    return (2, 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Sort the tests by unit rank (a stable sort: the order inside a file is kept)."""
    notebooks = ordered_notebooks()
    items.sort(key=lambda item: unit_rank(item.nodeid.split("::", 1)[0], notebooks))
