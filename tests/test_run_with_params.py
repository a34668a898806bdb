"""Unit tests for scripts/run_with_params.py and the notebook lookups it shares with
``make notebooks`` (``dcs_tools/notebook_run.py``); no project notebook is executed here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

from dcs_tools import notebook_run
from helpers.paths import REPO_ROOT


def _load_script(name: str):  # noqa: ANN202
    """A script of scripts/ as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_with_params = _load_script("run_with_params")


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


def test_unknown_parameter_or_wrong_type_is_refused_before_anything_runs(
    capsys: pytest.CaptureFixture,
) -> None:
    params_dir = REPO_ROOT / "build" / "params"
    before = sorted(params_dir.iterdir()) if params_dir.is_dir() else []
    with pytest.raises(SystemExit, match="NO_SUCH_PARAMETER: no such parameter"):
        run_with_params.main(["02", "-p", "NO_SUCH_PARAMETER", "1"])
    notebook = notebook_run.find_notebook(REPO_ROOT / "notebooks", "02")
    defaults = notebook_run.parameter_defaults(notebook_run.parameters_cell(notebook))
    name, value = next((n, v) for n, v in defaults.items() if type(v) is int)
    with pytest.raises(SystemExit, match=rf"{name}: expects int like {value}, got str 'many'"):
        run_with_params.main(["02", "-p", name, "many"])
    after = sorted(params_dir.iterdir()) if params_dir.is_dir() else []
    assert after == before  # no copy was made
    assert run_with_params.main(["02", "--list"]) == 0
    assert "parameters cell" in capsys.readouterr().out
