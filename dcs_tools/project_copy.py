"""Copy the project as a clean clone would have it (for reruns that must not touch it).

Used by ``dcs_tools.pipeline`` (the staging area of ``make notebooks``),
``scripts/run_with_params.py`` (rerun a notebook with other parameters) and
``tests/test_refresh.py`` (add posts and refresh a copy).
"""

import shutil
import subprocess
from pathlib import Path

IGNORED_PARTS: frozenset[str] = frozenset(
    {
        ".git",
        ".venv",
        "build",
        "__pycache__",
        ".ipynb_checkpoints",
        ".pytest_cache",
        ".ruff_cache",
    }
)


def project_files(root: Path) -> list[Path]:
    """The project's files relative to ``root``: what git tracks plus untracked, unignored files.

    When ``root`` is not the top of a git checkout (a copy, or a folder inside another
    checkout such as ``build/params/<run>/``), every file below ``root`` is listed.
    Paths under ``IGNORED_PARTS`` (virtual environment, build output, caches) are left out.
    """
    try:
        top = (
            subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=root,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .strip()
        )
        if Path(top).resolve() != Path(root).resolve():
            raise subprocess.CalledProcessError(1, "git")
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
        files = [Path(p) for p in listed.split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    return sorted(f for f in files if not IGNORED_PARTS & set(f.parts) and (root / f).is_file())


def copy_project(src: Path, dst: Path) -> None:
    """Copy the project's files from ``src`` into ``dst`` (timestamps and modes kept)."""
    for rel in project_files(src):
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / rel, dst / rel)
