"""Locations inside the project, built from the project root.

Notebooks run with their own folder as working directory, scripts run from the
root: every path is therefore built from ``REPO_ROOT`` and never from the
current directory.

``REPO_ROOT`` is found in this order (``find_root``):

1. the environment variable ``DCS_VOICES_ROOT``, which the notebook runner sets for
   every kernel it starts (a staging area or a copy of the project must read and
   write only itself);
2. the nearest folder at or above the current directory that is a DCS Voices
   project (a ``pyproject.toml`` naming ``dcs-voices`` beside ``corpus/`` and
   ``helpers/``): a notebook's kernel starts in ``notebooks/`` of its own copy;
3. the checkout this package was loaded from.

With an editable install (``pip install -e .``) the third answer is the original
checkout even when a copy of the project runs, which is why it comes last.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT_ENV = "DCS_VOICES_ROOT"
PROJECT_NAME = "dcs-voices"
_NAME_LINE = re.compile(r'^\s*name\s*=\s*["\']dcs-voices["\']\s*$', re.M)


def is_project_root(folder: Path) -> bool:
    """Whether ``folder`` holds a DCS Voices project (pyproject naming it, corpus/, helpers/)."""
    pyproject = folder / "pyproject.toml"
    if not (pyproject.is_file() and (folder / "corpus").is_dir() and (folder / "helpers").is_dir()):
        return False
    try:
        return bool(_NAME_LINE.search(pyproject.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def find_root(environ: dict[str, str] | None = None, cwd: Path | None = None) -> Path:
    """The project root: ``$DCS_VOICES_ROOT``, else the nearest project above ``cwd``,
    else the checkout of this package (see the module docstring).

    Raises ``RuntimeError`` if ``DCS_VOICES_ROOT`` is set to a folder that is not a project,
    rather than silently reading or writing somewhere else.
    """
    environ = os.environ if environ is None else environ
    configured = environ.get(ROOT_ENV)
    if configured:
        root = Path(configured).resolve()
        if not is_project_root(root):
            raise RuntimeError(
                f"{ROOT_ENV}={configured} is not a DCS Voices project "
                "(no pyproject.toml naming dcs-voices beside corpus/ and helpers/)"
            )
        return root
    try:
        start = (Path.cwd() if cwd is None else cwd).resolve()
    except OSError:  # the current directory was deleted
        start = None
    if start is not None:
        for folder in (start, *start.parents):
            if is_project_root(folder):
                return folder
    return Path(__file__).resolve().parent.parent


REPO_ROOT: Path = find_root()
CORPUS_DIR: Path = REPO_ROOT / "corpus"
RAW_DIR: Path = CORPUS_DIR / "raw"
SEGMENTED_DIR: Path = CORPUS_DIR / "segmented"
MANIFEST_PATH: Path = RAW_DIR / "MANIFEST.csv"
POSTS_PATH: Path = SEGMENTED_DIR / "posts.csv"
PARAGRAPHS_PATH: Path = SEGMENTED_DIR / "paragraphs.csv"
REMOVED_PATH: Path = SEGMENTED_DIR / "removed_lines.csv"
DATA_DIR: Path = REPO_ROOT / "data"
RESULTS_DIR: Path = REPO_ROOT / "results"
FIGURES_DIR: Path = REPO_ROOT / "figures"
NOTEBOOKS_DIR: Path = REPO_ROOT / "notebooks"
BUILD_DIR: Path = REPO_ROOT / "build"
#: Where fitted models and parses are cached (content-keyed, so any run may share them).
#: ``make all`` executes notebooks in a staging copy and points ``$DCS_VOICES_CACHE`` at the
#: project's own ``build/cache``, so the cache survives from one run to the next.
CACHE_ENV = "DCS_VOICES_CACHE"
CACHE_DIR: Path = Path(os.environ[CACHE_ENV]) if os.environ.get(CACHE_ENV) else BUILD_DIR / "cache"
