"""Execute the numbered notebooks, optionally with other parameter values.

Used by ``scripts/execute_notebooks.py`` (``make notebooks``: every notebook, in
order, in one process) and ``scripts/run_with_params.py`` (``make params``: one
notebook on a copy of the project).

- ``execute_notebook(path, parameters)`` runs a notebook top to bottom in a fresh
  kernel started in its folder, exactly as ``jupyter nbconvert --execute
  --inplace`` does (nbconvert's ``ExecutePreprocessor``, no cell timings), merges
  each cell's consecutive stream outputs (how ``print`` output is split into
  messages depends on timing) and writes the notebook back in nbconvert's format.
  So a rerun on unchanged inputs rewrites the file byte for byte.
- With ``parameters``, papermill's ``parameterize_notebook`` first inserts an
  ``injected-parameters`` cell after the cell tagged ``parameters``, so the notebook
  records the values it ran with.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import nbformat

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


class NotebookError(RuntimeError):
    """A notebook raised an error in one of its cells (the message names the file and cell)."""


def find_notebook(notebooks_dir: Path, key: str) -> Path:
    """The notebook whose number (``03``) or file name (``03_topics.ipynb``) is ``key``."""
    matches = sorted(
        p
        for p in notebooks_dir.glob(NOTEBOOK_GLOB)
        if p.name == key or p.stem == key or p.name.startswith(f"{key.zfill(2)}_")
    )
    if len(matches) != 1:
        found = ", ".join(p.name for p in matches) or "none"
        raise ValueError(f"notebook {key!r} matches {found} in {notebooks_dir}")
    return matches[0]


def parameters_cell(path: Path) -> str:
    """Source of the notebook's cell tagged ``parameters`` (error if not exactly one)."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{path.name} has {len(cells)} cells tagged 'parameters'")
    return cells[0].source


def parse_value(text: str) -> object:
    """A Python literal if ``text`` is one, else the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def unknown_parameters(parameters_source: str, names: list[str]) -> list[str]:
    """The ``names`` that the parameters cell ``parameters_source`` does not assign."""
    return [
        n for n in names if not re.search(rf"^\s*{re.escape(n)}\s*[:=]", parameters_source, re.M)
    ]


def execute_notebook(path: Path, parameters: dict[str, Any] | None = None) -> None:
    """Execute the notebook at ``path`` in place (see the module docstring).

    Raises ``NotebookError`` (naming the file, the cell and the error) if a cell raises;
    the notebook, with its outputs up to the error, is then written to ``path`` as well,
    so the traceback can be read in JupyterLab. ``ValueError`` if ``parameters`` names a
    variable that the notebook's parameters cell does not set.
    """
    from nbclient.exceptions import CellExecutionError
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor, ExecutePreprocessor

    if parameters:
        unknown = unknown_parameters(parameters_cell(path), list(parameters))
        if unknown:
            raise ValueError(f"{path.name}: its parameters cell sets no {unknown}")
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        # papermill's loader adds the metadata its parameterize step expects
        nb = load_notebook_node(str(path))
        language = nb.metadata.get("kernelspec", {}).get("language") or "python"
        nb = parameterize_notebook(nb, parameters, language=language)
    else:
        nb = nbformat.read(path, as_version=4)
    executor = ExecutePreprocessor(record_timing=False)
    failure: CellExecutionError | None = None
    try:
        executor.preprocess(nb, {"metadata": {"path": str(path.parent)}})
    except CellExecutionError as error:
        failure = error
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    text, _ = NotebookExporter().from_notebook_node(nb)
    path.write_text(text, encoding="utf-8")
    if failure is not None:
        outputs = [c.get("outputs", []) for c in nb.cells]
        cell = next(
            (i for i, out in enumerate(outputs) if any(o.output_type == "error" for o in out)),
            None,
        )
        where = "a cell" if cell is None else f"cell {cell}"
        if cell is not None and nb.cells[cell].get("execution_count"):
            where += f" (In [{nb.cells[cell].execution_count}] in JupyterLab)"
        summary = f"{failure.ename}: {failure.evalue}"
        raise NotebookError(f"{path.name}: {where} raised {summary}") from None
