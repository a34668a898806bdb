"""Every notebook that nbval checks runs against its own copy of the project.

nbval re-executes a notebook and compares its outputs with the committed ones; the
notebook also writes its results and figures as it runs. Each notebook's kernel is
therefore started with ``DCS_VOICES_ROOT`` pointing at a fresh copy of the project
(``helpers.paths``), so it reads the committed inputs and writes only into the copy:
the committed files are never rewritten by ``make test``, and notebooks checked at the
same time in two processes cannot read each other's half-written results. This is why
the test split (``tests/conftest.py``) needs no chain of notebooks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dcs_tools.project_copy import copy_project
from helpers.paths import REPO_ROOT, ROOT_ENV

_COPIES: dict[Path, Path] = {}


def project_copy_for(notebook: Path) -> Path:
    """A fresh copy of the project for one notebook (made once per notebook and process)."""
    if notebook not in _COPIES:
        folder = Path(tempfile.mkdtemp(prefix=f"dcs-nbval-{notebook.stem[:2]}-"))
        copy_project(REPO_ROOT, folder)
        _COPIES[notebook] = folder
    return _COPIES[notebook]


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """Around the setup of a notebook's cell (nbval starts the kernel in the first one)."""
    path = Path(str(item.path))
    if path.suffix != ".ipynb":
        yield
        return
    before = os.environ.get(ROOT_ENV)
    os.environ[ROOT_ENV] = str(project_copy_for(path.resolve()))
    try:
        yield
    finally:  # only the kernel keeps it; nothing else in this process sees it
        if before is None:
            os.environ.pop(ROOT_ENV, None)
        else:
            os.environ[ROOT_ENV] = before


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove the copies."""
    for folder in _COPIES.values():
        shutil.rmtree(folder, ignore_errors=True)
    _COPIES.clear()
