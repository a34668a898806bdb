"""Checks of the committed notebooks that nbval cannot make.

nbval skips code cells that were never executed, does not compare figures, and
is happy with a notebook that has no question or findings. These tests fail when
a notebook is committed unexecuted, prints to stderr, leaks a machine path, or
lacks the parts every notebook of the collection must have.
"""

import json
import re
from pathlib import Path

import pytest

from helpers.paths import NOTEBOOKS_DIR, REPO_ROOT

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
MACHINE_PATH = re.compile(r"(/root/|/tmp/|/home/[^/\s]+/|site-packages|/work/)")


def load(path: Path) -> dict:
    """Read a notebook as JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(notebook: dict) -> list[dict]:
    """The code cells that have source."""
    return [
        c for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]


def output_text(output: dict) -> str:
    """The text of one output (stream text or text/plain and text/html data)."""
    data = output.get("data", {})
    parts = [output.get("text", ""), data.get("text/plain", ""), data.get("text/html", "")]
    return "".join("".join(p) if isinstance(p, list) else p for p in parts)


def test_there_are_numbered_notebooks() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert names and names[0].startswith("01_")
    numbers = [int(n[:2]) for n in names]
    assert numbers == list(range(1, len(numbers) + 1)), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_executed_in_order(path: Path) -> None:
    cells = code_cells(load(path))
    counts = [c["execution_count"] for c in cells]
    assert None not in counts, f"{path.name}: unexecuted code cells (nbval would skip them)"
    assert counts == sorted(counts), f"{path.name}: cells executed out of order"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stderr_errors_svg_or_machine_paths(path: Path) -> None:
    for index, cell in enumerate(code_cells(load(path))):
        for output in cell.get("outputs", []):
            where = f"{path.name} code cell {index}"
            assert output.get("name") != "stderr", (
                f"{where}: stderr output {output_text(output)[:200]}"
            )
            assert output["output_type"] != "error", f"{where}: error output"
            assert "image/svg+xml" not in output.get("data", {}), f"{where}: SVG (not stable)"
            assert not MACHINE_PATH.search(output_text(output)), f"{where}: machine path in output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_structure_question_parameters_findings(path: Path) -> None:
    notebook = load(path)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    first = notebook["cells"][0]
    opening = "".join(first["source"])
    assert first["cell_type"] == "markdown" and opening.startswith(f"# {path.name[:2]}")
    for word in ("Question", "Inputs", "Outputs"):
        assert f"**{word}" in opening, f"{path.name}: opening cell lacks '{word}'"
    tagged = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    headings = [
        i
        for i, c in enumerate(notebook["cells"])
        if c["cell_type"] == "markdown" and "## Findings" in "".join(c["source"])
    ]
    assert headings, f"{path.name}: needs a '## Findings' section"
    generated = [
        c
        for c in notebook["cells"][headings[-1] :]
        if c["cell_type"] == "code" and "Findings(" in "".join(c["source"])
    ]
    assert generated, f"{path.name}: findings must be generated from outputs (helpers.findings)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_saved_by_the_notebook_exist(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for name in re.findall(r"figures/(\d\d_[a-z0-9-]+)\.png", text):
        assert name.startswith(path.name[:2]), f"{name} is not numbered after {path.name}"
        assert (REPO_ROOT / "figures" / f"{name}.png").exists(), name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_number_typed_by_hand_in_prose(path: Path) -> None:
    """Numbers in Markdown cells go stale on a rerun: findings are generated in outputs.

    ``helpers.findings.typed_numbers`` skips headings, inline code, references to
    notebooks/sections/figures, years and the allowed fixed definitions a notebook lists
    in its metadata (``"dcs_voices": {"fixed_numbers": ["-2", "+2"]}``).
    """
    from helpers.findings import typed_numbers

    notebook = load(path)
    allowed = notebook["metadata"].get("dcs_voices", {}).get("fixed_numbers", [])
    hits = [
        hit
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
        for hit in typed_numbers("".join(cell["source"]), allowed=allowed)
    ]
    assert not hits, f"{path.name}: {len(hits)} number(s) typed by hand, e.g. {hits[:5]}"
