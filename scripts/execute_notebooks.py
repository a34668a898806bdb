"""Execute the numbered notebooks in order, in place (what ``make notebooks`` runs).

Each notebook runs top to bottom in its own fresh kernel, one after another, so a
notebook reads what the earlier ones wrote (notebook 04 reads 03's model choice).
A rerun on unchanged inputs rewrites every notebook byte for byte (see
``helpers/notebook_run.py``). The first notebook that fails stops the run with
its name, the cell and the error; that notebook is saved with the traceback.

Examples (from the repository root)::

    .venv/bin/python scripts/execute_notebooks.py                     # all, in order
    .venv/bin/python scripts/execute_notebooks.py notebooks/05_narrative_voice.ipynb
    .venv/bin/python scripts/execute_notebooks.py --params my_values.json

``--params FILE`` (``make all PARAMS=FILE``) reruns with other parameter values:
a JSON object from notebook number to ``{"NAME": value}``, e.g.
``{"03": {"KS": [4, 6], "SEEDS": [1, 2]}, "06": {"N_BOOT": 200}}``. Each notebook
so changed records the values in an ``injected-parameters`` cell. Because this
rewrites the committed notebooks, ``make params`` (which works on a copy) is the
better way to explore; the refresh test uses ``--params`` on its own copy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from helpers.notebook_run import NOTEBOOK_GLOB, NotebookError, execute_notebook  # noqa: E402


def load_parameter_file(path: Path, notebooks: list[Path]) -> dict[Path, dict[str, object]]:
    """Read ``path`` (JSON: notebook number -> {name: value}) and match it to ``notebooks``."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SystemExit(f"execute_notebooks: cannot read --params {path}: {error}") from None
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise SystemExit(
            f"execute_notebooks: {path} must be a JSON object of notebook number -> "
            '{"NAME": value}, e.g. {"03": {"KS": [4, 6]}}'
        )
    by_number = {nb.name[:2]: nb for nb in notebooks}
    unknown = sorted(key for key in raw if str(key).zfill(2) not in by_number)
    if unknown:
        raise SystemExit(
            f"execute_notebooks: {path} names notebooks {unknown}, but the run has only "
            f"{sorted(by_number)}"
        )
    return {by_number[str(key).zfill(2)]: values for key, values in raw.items()}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--params", type=Path, help="JSON file of parameter values per notebook")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((REPO_ROOT / "notebooks").glob(NOTEBOOK_GLOB))
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        raise SystemExit(f"execute_notebooks: no such notebook: {', '.join(missing)}")
    overrides = load_parameter_file(args.params, notebooks) if args.params else {}

    started = time.perf_counter()
    for number, path in enumerate(notebooks, start=1):
        values = overrides.get(path, {})
        shown = f" with {json.dumps(values)}" if values else ""
        print(f"[{number}/{len(notebooks)}] executing {path.name}{shown} ...", end=" ", flush=True)
        t0 = time.perf_counter()
        try:
            execute_notebook(path, values)
        except (NotebookError, ValueError) as error:
            print("failed", flush=True)
            print(f"execute_notebooks: ERROR: {error}", file=sys.stderr)
            return 1
        print(f"{time.perf_counter() - t0:.1f} s", flush=True)
    print(f"executed {len(notebooks)} notebooks in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
