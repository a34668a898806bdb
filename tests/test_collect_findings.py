"""FINDINGS.md is generated from the notebooks' Findings outputs and must never go stale."""

import json
from pathlib import Path

import pytest

from dcs_tools import findings_page as cf
from helpers.paths import NOTEBOOKS_DIR


def _notebook(tmp_path: Path, with_output: bool) -> Path:
    outputs = (
        [{"output_type": "execute_result", "data": {"text/markdown": "### Findings\n\n- a\n"}}]
        if with_output
        else []
    )
    cells = [
        {"cell_type": "markdown", "source": "# 09 · Example\n", "metadata": {}},
        {"cell_type": "markdown", "source": "## Findings\n", "metadata": {}},
        {"cell_type": "code", "source": "Findings('x')", "metadata": {}, "outputs": outputs},
    ]
    path = tmp_path / "09_example.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    return path


def test_findings_are_copied_verbatim_under_the_notebook_title(tmp_path):
    text = cf.render([_notebook(tmp_path, with_output=True)])
    assert "## 09 · Example" in text and "\n- a\n" in text and "### Findings" not in text


def test_a_notebook_without_generated_findings_is_an_error(tmp_path):
    with pytest.raises(cf.FindingsMissingError, match="09_example.ipynb"):
        cf.render([_notebook(tmp_path, with_output=False)])


def test_committed_findings_page_matches_the_notebooks():
    notebooks = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    expected = cf.render(notebooks)
    assert cf.FINDINGS_PATH.read_text(encoding="utf-8") == expected, (
        "FINDINGS.md is stale: run `python scripts/collect_findings.py` (make all does)"
    )


def _tagged(source: str, tag: str) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"tags": [tag]}, "outputs": []}


def test_parameters_named_in_the_findings_get_their_values_injected_ones_winning(tmp_path):
    path = _notebook(tmp_path, with_output=True)
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][2]["outputs"][0]["data"]["text/markdown"] = (
        "### Findings\n\n- below `ALPHA`, over `N_PERM` draws; `UNKNOWN_NAME` and `ALPHA` again\n"
    )
    nb["cells"].insert(1, _tagged("ALPHA = 0.05  # level\nN_PERM = 999\nSEED = 1\n", "parameters"))
    path.write_text(json.dumps(nb), encoding="utf-8")
    text = cf.render([path])
    assert (
        "*Parameters named above, as this run set them:* `ALPHA = 0.05`; `N_PERM = 999`.\n" in text
    )
    assert "SEED" not in text and "UNKNOWN_NAME = " not in text
    nb["cells"].insert(2, _tagged("# Parameters\nN_PERM = 99\n", "injected-parameters"))
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert "`N_PERM = 99`" in cf.render([path])
