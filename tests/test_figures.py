"""Figures: named ``NN_short-name.(png|pdf)``, present when a notebook refers to them,
and byte-identical when saved again (``helpers.style.save_figure``).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest
from matplotlib.figure import Figure

from helpers.paths import FIGURES_DIR, NOTEBOOKS_DIR, REPO_ROOT
from helpers.style import apply_style, save_figure

matplotlib.use("Agg")

FIGURE_NAME = re.compile(r"^(\d{2})_[a-z0-9]+(?:-[a-z0-9]+)*\.(png|pdf)$")
NOTEBOOK_NAME = re.compile(r"^(\d{2})_[A-Za-z0-9_-]+\.ipynb$")
# "figures/NN_name.png" as printed by a notebook (save_figure returns that path).
FIGURE_REF = re.compile(r"figures/([\w.-]+\.(?:png|pdf))\b")
# save_figure(fig, "NN_name") with a literal name in a code cell.
SAVE_CALL = re.compile(r"save_figure\(\s*[\w.]+\s*,\s*(?:name\s*=\s*)?[\"']([^\"'{}]+)[\"']")

NOTEBOOKS = sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def _output_text(output: nbformat.NotebookNode) -> str:
    """All text an output shows (stream text, text/plain, text/html, text/markdown)."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    return "\n".join(str(data.get(m, "")) for m in ("text/plain", "text/html", "text/markdown"))


def figure_references(nb: nbformat.NotebookNode) -> tuple[set[str], set[str]]:
    """(files named in outputs and markdown, literal names passed to save_figure)."""
    referenced: set[str] = set()
    saved: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            referenced |= set(FIGURE_REF.findall(cell.source))
        elif cell.cell_type == "code":
            saved |= set(SAVE_CALL.findall(cell.source))
            for output in cell.get("outputs", []):
                referenced |= set(FIGURE_REF.findall(_output_text(output)))
    return referenced, saved


def _demo_figure() -> Figure:
    """A small figure with text, lines, bars and a legend (fonts get embedded in the PDF)."""
    apply_style()
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([2016, 2018, 2020, 2022], [3, 7, 4, 9], label="ADCS blog")
    ax.bar([2017, 2019, 2021], [2, 5, 1], label="CYP Now")
    ax.set_title("Posts per year (test figure)")
    ax.set_xlabel("year")
    ax.legend()
    return fig


def test_figure_reference_pattern_finds_printed_paths() -> None:
    """The reference scanner sees what save_figure's return value prints."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('p = save_figure(fig, "02_posts-per-year")\nprint(p)')
    cell.outputs = [nbformat.v4.new_output("stream", text="figures/02_posts-per-year.png\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("See `figures/02_posts-per-year.pdf`."), cell]
    referenced, saved = figure_references(nb)
    assert referenced == {"02_posts-per-year.png", "02_posts-per-year.pdf"}
    assert saved == {"02_posts-per-year"}


def test_figure_files_are_well_named() -> None:
    """Every file in figures/ is NN_short-name.png|pdf, and NN is a notebook's number."""
    numbers = {NOTEBOOK_NAME.match(p.name).group(1) for p in NOTEBOOKS}
    files = sorted(p for p in FIGURES_DIR.iterdir() if p.is_file()) if FIGURES_DIR.is_dir() else []
    bad = [p.name for p in files if not FIGURE_NAME.match(p.name) and p.name != ".gitkeep"]
    assert not bad, f"figures not named NN_short-name.(png|pdf) (lower case, hyphens): {bad}"
    orphans = [
        p.name
        for p in files
        if FIGURE_NAME.match(p.name) and FIGURE_NAME.match(p.name).group(1) not in numbers
    ]
    assert not orphans, f"figures whose NN matches no notebook in notebooks/: {orphans}"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_figures_exist(nb_path: Path) -> None:
    """Every figure a notebook names (in outputs, markdown or save_figure) is in figures/."""
    nb = nbformat.read(nb_path, as_version=4)
    number = NOTEBOOK_NAME.match(nb_path.name).group(1)
    referenced, saved = figure_references(nb)
    missing = sorted(f for f in referenced if not (FIGURES_DIR / f).is_file())
    missing += sorted(f"{n}.png" for n in saved if not (FIGURES_DIR / f"{n}.png").is_file())
    assert not missing, f"{nb_path.name} refers to figures that do not exist: {missing}"
    wrong_number = sorted(n for n in saved if not n.startswith(f"{number}_"))
    assert not wrong_number, f"{nb_path.name} saves figures not numbered {number}_: {wrong_number}"
    badly_named = sorted(n for n in saved if not FIGURE_NAME.match(f"{n}.png"))
    assert not badly_named, f"{nb_path.name}: figure names not NN_short-name: {badly_named}"


def test_save_figure_twice_gives_identical_bytes(tmp_path: Path) -> None:
    """Same figure saved twice, and a rebuilt figure, give the same PNG and PDF bytes."""
    fig = _demo_figure()
    first = tmp_path / "first"
    second = tmp_path / "second"
    rebuilt = tmp_path / "rebuilt"
    save_figure(fig, "99_demo-figure", folder=first)
    save_figure(fig, "99_demo-figure", folder=second)
    save_figure(_demo_figure(), "99_demo-figure", folder=rebuilt)
    for ext in ("png", "pdf"):
        a = (first / f"99_demo-figure.{ext}").read_bytes()
        assert len(a) > 1000, f"{ext} suspiciously small"
        assert a == (second / f"99_demo-figure.{ext}").read_bytes(), f"{ext} differs on resave"
        assert a == (rebuilt / f"99_demo-figure.{ext}").read_bytes(), f"{ext} differs on rebuild"


def test_saved_figures_carry_no_varying_metadata(tmp_path: Path) -> None:
    """No software version in the PNG, no creation date or producer in the PDF."""
    save_figure(_demo_figure(), "99_demo-figure", folder=tmp_path)
    png = (tmp_path / "99_demo-figure.png").read_bytes()
    pdf = (tmp_path / "99_demo-figure.pdf").read_bytes()
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert pdf.startswith(b"%PDF") and b"CreationDate" not in pdf and b"Producer" not in pdf


def test_save_figure_is_identical_in_a_fresh_process(tmp_path: Path) -> None:
    """A fresh interpreter (other hash seed, fresh font cache state) writes the same bytes."""
    code = (
        "import runpy, sys; from pathlib import Path;"
        "import matplotlib; matplotlib.use('Agg');"
        "demo = runpy.run_path(sys.argv[1])['_demo_figure'];"
        "from helpers.style import save_figure;"
        "save_figure(demo(), '99_demo-figure', folder=Path(sys.argv[2]))"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).resolve()), str(tmp_path / "child")],
        check=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345", "MPLBACKEND": "Agg"},
    )
    save_figure(_demo_figure(), "99_demo-figure", folder=tmp_path / "here")
    for ext in ("png", "pdf"):
        child = hashlib.sha256((tmp_path / "child" / f"99_demo-figure.{ext}").read_bytes())
        here = hashlib.sha256((tmp_path / "here" / f"99_demo-figure.{ext}").read_bytes())
        assert child.hexdigest() == here.hexdigest(), f"{ext} differs between processes"


@pytest.mark.parametrize("bad", ["", "03_topics.png", "figures/03_topics", "x/03.pdf"])
def test_save_figure_rejects_bad_names(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        save_figure(_demo_figure(), bad, folder=tmp_path)
