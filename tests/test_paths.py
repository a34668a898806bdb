"""Where the helpers read and write: the project the code runs in, never another checkout.

With ``pip install -e .`` the package's own location is the original checkout; a copy of
the project (the refresh test, ``make params``, the pipeline's staging area) must still
read and write only itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT, ROOT_ENV, find_root, is_project_root


def _fake_project(root: Path, name: str = "dcs-voices") -> Path:
    for folder in ("corpus", "helpers", "notebooks", "results"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n', encoding="utf-8")
    return root


def test_root_from_environment_then_working_directory_then_package(tmp_path: Path) -> None:
    copy = _fake_project(tmp_path / "copy")
    assert find_root({ROOT_ENV: str(copy)}, cwd=Path("/")) == copy.resolve()
    assert find_root({}, cwd=copy / "notebooks") == copy.resolve()
    assert find_root({}, cwd=copy) == copy.resolve()
    package_checkout = Path(__import__("helpers").__file__).resolve().parent.parent
    assert find_root({}, cwd=tmp_path) == package_checkout
    assert is_project_root(REPO_ROOT)


def test_a_folder_that_is_not_the_project_is_refused(tmp_path: Path) -> None:
    other = _fake_project(tmp_path / "other", name="something-else")
    assert not is_project_root(other)
    assert find_root({}, cwd=other / "notebooks") != other.resolve()
    with pytest.raises(RuntimeError, match="is not a DCS Voices project"):
        find_root({ROOT_ENV: str(other)})
    with pytest.raises(RuntimeError, match="is not a DCS Voices project"):
        find_root({ROOT_ENV: str(tmp_path / "missing")})


@pytest.mark.parametrize("via", ["working directory", "environment"])
def test_a_copy_writes_only_into_itself(tmp_path: Path, via: str) -> None:
    """A kernel of a copy (started in its notebooks/ folder, or given DCS_VOICES_ROOT)
    writes its results into the copy, although ``helpers`` is installed from here."""
    copy = _fake_project(tmp_path / "copy")
    probe = f"probe-{os.getpid()}-{via.replace(' ', '-')}.txt"
    code = (
        "import sys; from helpers.paths import RESULTS_DIR;"
        "(RESULTS_DIR / sys.argv[1]).write_text('x'); print(RESULTS_DIR)"
    )
    env = {k: v for k, v in os.environ.items() if k != ROOT_ENV}
    cwd = copy / "notebooks"
    if via == "environment":
        env[ROOT_ENV] = str(copy)
        cwd = tmp_path
    done = subprocess.run(
        [sys.executable, "-c", code, probe],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()) == (copy / "results").resolve()
    assert (copy / "results" / probe).is_file()
    assert not (REPO_ROOT / "results" / probe).exists()


def test_cache_folder_follows_the_environment(tmp_path: Path) -> None:
    """make all runs notebooks in a staging copy; the cache must stay in the project."""

    code = "from helpers.paths import CACHE_DIR, BUILD_DIR; print(CACHE_DIR); print(BUILD_DIR)"
    env = {k: v for k, v in os.environ.items() if k != "DCS_VOICES_CACHE"}
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    cache, build = default.stdout.split()
    assert Path(cache) == Path(build) / "cache"
    env["DCS_VOICES_CACHE"] = str(tmp_path)
    moved = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert Path(moved.stdout.split()[0]) == tmp_path
