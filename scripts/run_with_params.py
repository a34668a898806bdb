"""Rerun one notebook with other parameter values, without touching the committed results.

Each notebook has one cell tagged ``parameters`` (k, seeds, period boundaries,
minimum post length ...). This script copies the project (the files git knows
about, no .venv or build/) to ``build/params/<run name>/``, executes the chosen
notebook there with the new values (``dcs_tools.notebook_run``: papermill inserts an
"injected-parameters" cell after the parameters cell), optionally re-executes
the notebooks downstream of it (those that read its results, as declared in
``pipeline.toml``), and renders that copy's report. Names and value types are
checked against the parameters cell before anything is copied or run.
The committed ``figures/`` and ``results/`` are never overwritten.

Examples (from the repository root)::

    .venv/bin/python scripts/run_with_params.py 03 -p K_VALUES "[12]"
    .venv/bin/python scripts/run_with_params.py 03 -p K_VALUES "[8, 12]" -p SEED 7 --rerun-later
    .venv/bin/python scripts/run_with_params.py --list 03     # show the parameters cell

Values are Python literals (numbers, strings, lists, None, True); anything that
is not a literal is passed as a string. Outputs: the executed notebook at
``build/params/<run>/notebooks/NN_name.ipynb``, its figures and tables under
``build/params/<run>/figures`` and ``results``, and the report at
``build/params/<run>/report/index.html``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from dcs_tools.graph import load_graph
from dcs_tools.notebook_run import (
    NotebookError,
    execute_notebook,
    find_notebook,
    parameter_problems,
    parameters_cell,
    parse_value,
)
from dcs_tools.project_copy import copy_project

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_name(nb: Path, params: dict[str, object]) -> str:
    """A folder name from the notebook number and the parameter values."""
    parts = [nb.name[:2]] + [f"{k}-{v}" for k, v in params.items()]
    name = "_".join(parts).replace(" ", "").replace(",", "-")
    return re.sub(r"[^A-Za-z0-9_.-]+", "", name)[:120]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="notebook number (03) or file name")
    parser.add_argument(
        "-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE")
    )
    parser.add_argument("--name", help="run folder name under build/params/ (default: derived)")
    parser.add_argument(
        "--rerun-later",
        action="store_true",
        help="also re-execute the notebooks downstream of it (pipeline.toml)",
    )
    parser.add_argument("--list", action="store_true", help="print the parameters cell and stop")
    parser.add_argument("--no-report", action="store_true", help="do not render the report")
    args = parser.parse_args(argv)

    try:
        source_nb = find_notebook(REPO_ROOT / "notebooks", args.notebook)
        defaults = parameters_cell(source_nb)
    except ValueError as error:
        raise SystemExit(f"run_with_params: {error}") from None
    if args.list:
        print(f"{source_nb.name}, parameters cell:\n{defaults}")
        return 0
    params = {name: parse_value(value) for name, value in args.param}
    problems = parameter_problems(defaults, params)
    if problems:
        raise SystemExit(
            f"run_with_params: {source_nb.name}: parameters refused, nothing was run:\n  "
            + "\n  ".join(problems)
            + f"\nits parameters cell is:\n{defaults}"
        )

    run_dir = REPO_ROOT / "build" / "params" / (args.name or run_name(source_nb, params))
    if run_dir.exists():
        shutil.rmtree(run_dir)
    copy_project(REPO_ROOT, run_dir)
    print(f"copied the project to {run_dir.relative_to(REPO_ROOT)}/", flush=True)

    notebooks_dir = run_dir / "notebooks"
    target = notebooks_dir / source_nb.name
    graph = load_graph(run_dir)
    chosen = graph.step(source_nb.stem).name
    later = [
        run_dir / s.notebook
        for s in graph.notebooks
        if s.name in graph.downstream({chosen}) and s.name != chosen
    ]
    plan = [(target, params)] + ([(p, {}) for p in later] if args.rerun_later else [])
    for path, values in plan:
        shown = ", ".join(f"{k}={v!r}" for k, v in values.items()) or "default parameters"
        print(f"executing {path.name} with {shown}", flush=True)
        try:
            execute_notebook(path, values, root=run_dir)
        except NotebookError as err:
            print(
                f"run_with_params: ERROR: {err}\n  the notebook with the error is saved at "
                f"{path.relative_to(REPO_ROOT)}",
                file=sys.stderr,
            )
            return 1
    if not args.no_report:
        subprocess.run(
            [
                sys.executable,
                str(run_dir / "scripts" / "render_report.py"),
                "--out",
                str(run_dir / "report"),
            ],
            check=True,
        )
    print(
        f"done: {target.relative_to(REPO_ROOT)}; figures and tables under "
        f"{run_dir.relative_to(REPO_ROOT)}/figures and /results",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
