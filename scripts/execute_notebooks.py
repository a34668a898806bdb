"""Execute notebooks through the pipeline (staging area, all-or-nothing promotion).

``make notebooks`` runs ``python -m dcs_tools.pipeline notebooks``: only the notebooks
whose inputs changed, and those downstream of them (see ``pipeline.toml``). This
script is the way to execute *named* notebooks, whatever their state, e.g. after
editing one::

    .venv/bin/python scripts/execute_notebooks.py notebooks/05_narrative_voice.ipynb
    .venv/bin/python scripts/execute_notebooks.py                     # every notebook
    .venv/bin/python scripts/execute_notebooks.py --params my_values.json

They run in order in a staging copy (``build/stage/``), each in a fresh kernel, and
are promoted into the project together with their results and figures only if every
one succeeded; the first failure stops the run, names the notebook, the cell and the
error, and leaves the project as it was (the failed notebook, with its traceback, is
in ``build/stage/notebooks/``). A rerun on unchanged inputs rewrites every notebook
byte for byte (``dcs_tools/notebook_run.py``).

``--params FILE`` (``make all PARAMS=FILE``) reruns with other parameter values: a
JSON object from notebook number to ``{"NAME": value}``, e.g.
``{"03": {"KS": [4, 6], "SEEDS": [1, 2]}, "06": {"N_BOOT": 200}}``. Every name and
value is checked against every notebook's parameters cell before any notebook runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dcs_tools.pipeline import PipelineError, project_root, run_notebooks


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    parser.add_argument("--params", type=Path, help="JSON file of parameter values per notebook")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        raise SystemExit(f"execute_notebooks: no such notebook: {', '.join(missing)}")
    try:
        return run_notebooks(
            project_root(),
            args.params,
            force=not args.notebooks,
            only=[p.stem for p in args.notebooks] or None,
        )
    except (PipelineError, KeyError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) else error
        print(f"execute_notebooks: ERROR: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
