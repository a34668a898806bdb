"""Unit tests for scripts/run_with_params.py and the notebook lookups it shares with
``make notebooks`` (``helpers/notebook_run.py``); no project notebook is executed here."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import run_with_params  # noqa: E402

from helpers import notebook_run  # noqa: E402


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("0.5", 0.5), ("[8, 12]", [8, 12]), ("None", None), ("'x'", "x"), ("abc", "abc")],
)
def test_parse_value(text: str, value: object) -> None:
    assert notebook_run.parse_value(text) == value


def test_run_name_is_a_safe_folder_name() -> None:
    name = run_with_params.run_name(Path("03_topics.ipynb"), {"K_VALUES": [8, 12], "SEED": 7})
    assert name == "03_K_VALUES-8-12_SEED-7"


def _notebook(folder: Path, name: str, parameters: str | None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# x")]
    if parameters is not None:
        nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_find_notebook_by_number_or_name(tmp_path: Path) -> None:
    path = _notebook(tmp_path, "03_topics.ipynb", "K = 6")
    _notebook(tmp_path, "04_more.ipynb", "K = 6")
    assert notebook_run.find_notebook(tmp_path, "03") == path
    assert notebook_run.find_notebook(tmp_path, "3") == path
    assert notebook_run.find_notebook(tmp_path, "03_topics.ipynb") == path
    with pytest.raises(ValueError, match="'07' matches none"):
        notebook_run.find_notebook(tmp_path, "07")


def test_parameters_cell_must_be_unique(tmp_path: Path) -> None:
    assert notebook_run.parameters_cell(_notebook(tmp_path, "01_a.ipynb", "K = 6")) == "K = 6"
    with pytest.raises(ValueError, match="has 0 cells tagged 'parameters'"):
        notebook_run.parameters_cell(_notebook(tmp_path, "02_b.ipynb", None))


def test_every_committed_notebook_has_one_parameters_cell() -> None:
    """What the script (and papermill) need from each numbered notebook."""
    notebooks = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    for path in notebooks:
        assert notebook_run.parameters_cell(path).strip(), f"{path.name}: empty parameters cell"


def test_unknown_parameter_is_refused_before_anything_runs(
    capsys: pytest.CaptureFixture,
) -> None:
    notebooks = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    with pytest.raises(SystemExit, match="has no parameter \\['NO_SUCH_PARAMETER'\\]"):
        run_with_params.main([notebooks[0].name[:2], "-p", "NO_SUCH_PARAMETER", "1"])
    assert run_with_params.main([notebooks[0].name[:2], "--list"]) == 0
    assert "parameters cell" in capsys.readouterr().out
