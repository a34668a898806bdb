"""The notebook executor behind ``make notebooks`` (helpers/notebook_run.py,
scripts/execute_notebooks.py) and how the suite is split over processes (conftest.py).

The executor tests run three tiny notebooks (a kernel start each, a few seconds).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import FIRST, TOPIC_CHAIN, unit_rank, work_unit

from helpers.notebook_run import (
    NotebookError,
    execute_notebook,
    parameters_cell,
    unknown_parameters,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import execute_notebooks  # noqa: E402


def _tiny(folder: Path, name: str, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A tiny notebook"),
        nbformat.v4.new_code_cell("N = 1\nLABEL = 'x'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_parameters_are_injected_and_a_rerun_rewrites_the_file_byte_for_byte(
    tmp_path: Path,
) -> None:
    # several prints: the stream arrives in pieces that must be merged into one output
    path = _tiny(tmp_path, "01_tiny.ipynb", "for i in range(3):\n    print(LABEL, N * i)")
    execute_notebook(path, {"N": 5, "LABEL": "y"})
    nb = nbformat.read(path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "N = 5" in injected[0].source
    outputs = nb.cells[-1].outputs
    assert len(outputs) == 1 and outputs[0].text == "y 0\ny 5\ny 10\n"
    assert all("execution" not in c.metadata for c in nb.cells)  # no timings recorded
    first = path.read_bytes()
    execute_notebook(path)  # what `make notebooks` does on unchanged inputs
    assert path.read_bytes() == first


def test_a_failing_cell_is_named_and_the_traceback_saved(tmp_path: Path) -> None:
    path = _tiny(tmp_path, "02_fails.ipynb", "print('before')\n1 / 0")
    expected = r"02_fails.ipynb: cell 2 \(In \[2\] in JupyterLab\) raised ZeroDivisionError"
    with pytest.raises(NotebookError, match=expected):
        execute_notebook(path)
    outputs = nbformat.read(path, as_version=4).cells[2].outputs
    assert [o.output_type for o in outputs] == ["stream", "error"]


def test_unknown_parameter_is_refused_before_the_kernel_starts(tmp_path: Path) -> None:
    path = _tiny(tmp_path, "03_tiny.ipynb", "print(N)")
    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"sets no \['K'\]"):
        execute_notebook(path, {"K": 2})
    assert path.read_bytes() == before
    assert unknown_parameters("N = 1\nLABEL: str = 'x'\n", ["N", "LABEL", "NN"]) == ["NN"]


def test_parameter_file_is_matched_to_notebooks_by_number(tmp_path: Path) -> None:
    notebooks = [tmp_path / "03_topics.ipynb", tmp_path / "06_arcs.ipynb"]
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"03": {"KS": [4]}, "6": {"N_BOOT": 10}}), encoding="utf-8")
    assert execute_notebooks.load_parameter_file(good, notebooks) == {
        notebooks[0]: {"KS": [4]},
        notebooks[1]: {"N_BOOT": 10},
    }
    stray = tmp_path / "stray.json"
    stray.write_text(json.dumps({"05": {"X": 1}}), encoding="utf-8")
    with pytest.raises(SystemExit, match=r"names notebooks \['05'\]"):
        execute_notebooks.load_parameter_file(stray, notebooks)
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps({"KS": [4]}), encoding="utf-8")
    with pytest.raises(SystemExit, match="must be a JSON object of notebook number"):
        execute_notebooks.load_parameter_file(flat, notebooks)
    with pytest.raises(SystemExit, match="cannot read --params"):
        execute_notebooks.load_parameter_file(tmp_path / "missing.json", notebooks)


def test_refresh_parameters_name_real_parameters() -> None:
    """tests/fixtures/refresh_params.json only sets variables the parameters cells define."""
    notebooks = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    by_path = execute_notebooks.load_parameter_file(
        REPO_ROOT / "tests/fixtures/refresh_params.json", notebooks
    )
    assert by_path, "refresh_params.json sets no parameters"
    for path, values in by_path.items():
        assert not unknown_parameters(parameters_cell(path), list(values)), path.name


def test_work_units_keep_the_topic_chain_together_and_order_the_longest_first() -> None:
    chain = [
        "notebooks/03_topic_model_selection.ipynb::Cell 0",
        "notebooks/04_topics.ipynb::Cell 12",
        "notebooks/06_narrative_arcs.ipynb::Cell 3",
        "tests/test_topics.py::test_committed_doc_topics_honour_the_contract",
    ]
    assert {work_unit(n) for n in chain} == {TOPIC_CHAIN}
    assert work_unit("notebooks/05_narrative_voice.ipynb::Cell 2") == (
        "notebooks/05_narrative_voice.ipynb"
    )
    assert work_unit("tests/test_refresh.py::test_x[a]") == "tests/test_refresh.py"
    assert work_unit("tests/test_topics.py::test_jaccard") == "tests/test_topics.py"
    ranks = [unit_rank(u) for u in FIRST] + [unit_rank("tests/test_segment.py")]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    # every notebook the chain names exists (a renamed notebook would silently leave it)
    for nodeid in chain[:3]:
        assert (REPO_ROOT / nodeid.split("::")[0]).is_file(), nodeid
