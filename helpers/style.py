"""One figure style for the collection, and byte-stable figure files.

``apply_style()`` is called once at the top of each notebook. ``save_figure``
writes ``figures/NN_short-name.png`` (and a PDF for papers) with the metadata
that would otherwise change on every run removed, so that rerunning a notebook
leaves the committed figures untouched.
"""

from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from helpers.paths import FIGURES_DIR, REPO_ROOT

# Colour-blind safe palette (Okabe & Ito 2008), used for sources and categories.
PALETTE: list[str] = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
]

SOURCE_COLOURS: dict[str, str] = {
    "ADCS blog": PALETTE[0],
    "CYP Now": PALETTE[1],
    "Personal blog": PALETTE[2],
    "Other": PALETTE[4],
}


def apply_style() -> None:
    """Set the collection's matplotlib defaults (size, fonts, grid, palette)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "legend.frameon": False,
            "svg.hashsalt": "dcs-voices",
        }
    )


def save_figure(fig: Figure, name: str, folder: Path = FIGURES_DIR, pdf: bool = True) -> Path:
    """Save ``fig`` as ``folder/name.png`` (and ``.pdf``) with deterministic metadata.

    ``name`` should follow ``NN_short-name`` where NN is the notebook number.
    Returns the PNG path relative to the repository root, so a notebook can
    print it without showing a machine-specific absolute path.
    """
    if not name or "/" in name or name.endswith((".png", ".pdf")):
        raise ValueError(f"figure name must be a bare 'NN_short-name', got {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{name}.png"
    fig.savefig(png, format="png", metadata={"Software": None})
    if pdf:
        fig.savefig(
            folder / f"{name}.pdf",
            format="pdf",
            metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        )
    return png.relative_to(REPO_ROOT) if png.is_relative_to(REPO_ROOT) else png
