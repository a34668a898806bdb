"""Locations inside the repository, built from the repository root.

Notebooks run with their own folder as working directory, scripts run from the
root: every path is therefore built from ``REPO_ROOT`` and never from the
current directory.
"""

from pathlib import Path

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
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
