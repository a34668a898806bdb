"""How the test suite is spread over two processes (``make test`` runs ``pytest -n 2``).

pytest-xdist sends whole *units of work* to its workers, each unit to one worker and its
tests in collection order:

- every test module is one unit, so a module's expensive fixture (the refresh run, the
  rendered report and browser) is built once;
- each notebook checked by nbval is one unit (its cells share one kernel), except that
  notebooks 03, 04 and 06 form **one** unit, run in that order: 03 writes
  ``results/topics/model_choice.json`` that 04 reads, and 04 writes ``doc_topics.csv``
  that 06 reads. The unit test that reads ``doc_topics.csv`` joins them. Notebooks 01,
  02 and 05 read nothing another notebook writes.

Units are handed out in the order of ``FIRST``, then the rest in collection order, each
to a worker that has at most two tests left. The refresh test goes to one worker and the
topic chain to the other; the chain ends first, so the browser test (the next longest)
follows it, and the smaller units fill in. ``--dist loadgroup`` with ``xdist_group``
marks would express the same, but pytest-xdist 3.8 renames the nodeid in a way pytest 9
ignores, so the units are defined by a small scheduler here. Without ``-n`` the suite
runs in one process, in this order.
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadScopeScheduling

TOPIC_CHAIN = "topic notebooks 03-04-06"
CHAIN_NOTEBOOKS = (
    "notebooks/03_topic_model_selection.ipynb",
    "notebooks/04_topics.ipynb",
    "notebooks/06_narrative_arcs.ipynb",
)
#: Unit tests that read files the chain's notebooks (re)write while nbval runs them.
READS_CHAIN_OUTPUTS = ("tests/test_topics.py::test_committed_doc_topics_honour_the_contract",)
#: Units handed out first, in this order (the longest); the rest follow in collection order.
FIRST = (
    "tests/test_refresh.py",
    TOPIC_CHAIN,
    "tests/test_report_browser.py",
    "notebooks/05_narrative_voice.ipynb",
    "notebooks/02_corpus_overview.ipynb",
    "notebooks/01_segmentation.ipynb",
)


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: the topic chain, or its file's path."""
    path = nodeid.split("::", 1)[0]
    if path in CHAIN_NOTEBOOKS or nodeid in READS_CHAIN_OUTPUTS:
        return TOPIC_CHAIN
    return path


def unit_rank(unit: str) -> int:
    """Order in which units are handed out: ``FIRST``, then the rest."""
    return FIRST.index(unit) if unit in FIRST else len(FIRST)


class UnitScheduling(LoadScopeScheduling):
    """pytest-xdist's scope scheduling, with ``work_unit`` as the scope, in collection order."""

    def __init__(self, config: pytest.Config, log: object | None = None) -> None:
        super().__init__(config, log)
        config.option.loadscopereorder = False  # hand units out in collection order

    def _split_scope(self, nodeid: str) -> str:
        return work_unit(nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> UnitScheduling:
    """Called by pytest-xdist on the controller when tests run with ``-n``."""
    return UnitScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Sort the tests by unit rank (a stable sort: the order inside a unit is kept)."""
    items.sort(key=lambda item: unit_rank(work_unit(item.nodeid)))
