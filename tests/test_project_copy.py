"""The project copy used by parameter reruns and the refresh test."""

import subprocess
from pathlib import Path

from dcs_tools.project_copy import copy_project, project_files
from helpers.paths import REPO_ROOT


def test_project_files_lists_tracked_files_and_leaves_out_build_and_venv() -> None:
    files = {f.as_posix() for f in project_files(REPO_ROOT)}
    assert {"Makefile", "helpers/segment.py", "corpus/raw/MANIFEST.csv"} <= files
    assert not any(f.startswith((".venv/", "build/", ".git/")) for f in files)


def test_copy_project_outside_git(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "a").mkdir(parents=True)
    (src / "a" / "x.txt").write_text("x", encoding="utf-8")
    (src / "build").mkdir()
    (src / "build" / "junk.txt").write_text("junk", encoding="utf-8")
    copy_project(src, dst)
    assert (dst / "a" / "x.txt").read_text(encoding="utf-8") == "x"
    assert not (dst / "build").exists()


def test_copy_project_respects_gitignore(tmp_path: Path) -> None:
    src = tmp_path / "repo"
    src.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=src, check=True)
    (src / ".gitignore").write_text("ignored.txt\n", encoding="utf-8")
    (src / "kept.txt").write_text("k", encoding="utf-8")
    (src / "ignored.txt").write_text("i", encoding="utf-8")
    assert [p.name for p in project_files(src)] == [".gitignore", "kept.txt"]
