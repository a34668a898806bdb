"""Execute the numbered notebooks, optionally with other parameter values.

Used by ``dcs_tools.pipeline`` (``make notebooks``: the notebooks whose inputs
changed, in order, in a staging area) and ``scripts/run_with_params.py``
(``make params``: one notebook on a copy of the project).

- ``execute_notebook(path, parameters)`` runs a notebook top to bottom in a fresh
  kernel started in its folder, exactly as ``jupyter nbconvert --execute
  --inplace`` does (nbconvert's ``ExecutePreprocessor``, no cell timings), merges
  each cell's consecutive stream outputs (how ``print`` output is split into
  messages depends on timing) and writes the notebook back in nbconvert's format.
  So a rerun on unchanged inputs rewrites the file byte for byte.
- With ``parameters``, papermill's ``parameterize_notebook`` first inserts an
  ``injected-parameters`` cell after the cell tagged ``parameters``, so the notebook
  records the values it ran with. ``check_parameters`` refuses unknown names and
  values whose type does not fit the parameters cell's value before anything runs.
- With ``root``, the kernel gets ``DCS_VOICES_ROOT=root`` (``helpers.paths``), so a
  notebook in a staging area or a copy reads and writes that tree only.
"""

from __future__ import annotations

import ast
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


class NotebookError(RuntimeError):
    """A notebook raised an error in one of its cells (the message names the file and cell)."""


class NotebookStoppedError(NotebookError):
    """A notebook's run was stopped from outside (``stop`` was set) before it finished."""


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
    defaults = parameter_defaults(parameters_source)
    return [n for n in names if n not in defaults]


_NOT_A_LITERAL = object()


def _default_value(node: ast.expr) -> object:
    """The value of a parameters cell's right-hand side, or ``_NOT_A_LITERAL``.

    Literals and ``range(...)`` with literal arguments are understood; anything else
    (``RAW_DIR``, a function call) has no known type and is only checked by name.
    """
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        pass
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
        and not node.keywords
    ):
        try:
            return range(*(ast.literal_eval(a) for a in node.args))
        except (ValueError, SyntaxError, TypeError):
            return _NOT_A_LITERAL
    return _NOT_A_LITERAL


def parameter_defaults(parameters_source: str) -> dict[str, object]:
    """Name -> value of every assignment in a parameters cell (``_NOT_A_LITERAL`` if unknown)."""
    tree = ast.parse(parameters_source)
    values: dict[str, object] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    values[target.id] = _default_value(stmt.value)
        elif (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
        ):
            values[stmt.target.id] = _default_value(stmt.value)
    return values


_SEQUENCES = (list, tuple, range)


def _kind(value: object) -> str:
    """A short name of the value's type for messages."""
    return "range" if isinstance(value, range) else type(value).__name__


def type_problem(default: object, value: object) -> str | None:
    """Why ``value`` cannot replace ``default`` (None if it can).

    Compatible: the same type; an int for a float; a list, tuple or range for any of
    them (and elements compatible with the default's elements when those share a
    type); a dict for a dict; anything where the default is None or not a literal.
    """
    if default is _NOT_A_LITERAL or default is None:
        return None
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(default, bool) and isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float)
    elif isinstance(default, int):
        ok = isinstance(value, int)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, _SEQUENCES):
        if not isinstance(value, _SEQUENCES):
            ok = False
        else:
            kinds = {_kind(x) for x in default}
            if len(kinds) == 1 and len(default) > 0:
                sample = next(iter(default))
                for item in value:
                    problem = type_problem(sample, item)
                    if problem:
                        return f"an element {item!r}: {problem}"
            ok = True
    elif isinstance(default, dict):
        ok = isinstance(value, dict)
    else:
        ok = isinstance(value, type(default))
    if ok:
        return None
    return f"expects {_kind(default)} like {default!r}, got {_kind(value)} {value!r}"


def parameter_problems(parameters_source: str, values: dict[str, Any]) -> list[str]:
    """Every unknown name and every value whose type does not fit (empty if all fit)."""
    defaults = parameter_defaults(parameters_source)
    problems = []
    for name, value in values.items():
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            problems.append(f"{name}: no such parameter (the parameters cell sets {known})")
            continue
        problem = type_problem(defaults[name], value)
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def check_parameters(plan: dict[Path, dict[str, Any]]) -> None:
    """Raise ``ValueError`` listing every problem of every notebook's values (see
    ``parameter_problems``) before any notebook runs."""
    lines = []
    for path, values in plan.items():
        if values:
            lines += [
                f"{path.name}: {p}" for p in parameter_problems(parameters_cell(path), values)
            ]
    if lines:
        raise ValueError("parameters refused, nothing was run:\n  " + "\n  ".join(lines))


@contextlib.contextmanager
def project_root_for_kernels(root: Path | None) -> Iterator[None]:
    """Within the block, kernels started by this process get ``DCS_VOICES_ROOT=root``."""
    if root is None:
        yield
        return
    from helpers.paths import ROOT_ENV

    before = os.environ.get(ROOT_ENV)
    os.environ[ROOT_ENV] = str(Path(root).resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ROOT_ENV, None)
        else:
            os.environ[ROOT_ENV] = before


def execute_notebook(
    path: Path,
    parameters: dict[str, Any] | None = None,
    root: Path | None = None,
    kernel_group_file: Path | None = None,
) -> None:
    """Execute the notebook at ``path`` in place (see the module docstring).

    Raises ``NotebookError`` (naming the file, the cell and the error) if a cell raises;
    the notebook, with its outputs up to the error, is then written to ``path`` as well,
    so the traceback can be read in JupyterLab. ``ValueError`` if ``parameters`` names a
    variable that the notebook's parameters cell does not set, or a value of the wrong
    type. ``root``: the project tree the kernel works in (default: as ``helpers.paths``
    finds it from the notebook's folder). ``kernel_group_file``: where to write the process
    group of the kernel once it runs, so that ``execute_in_child`` can end the kernel and what
    it started if this process is stopped before it could shut the kernel down itself.
    """
    from nbclient.exceptions import CellExecutionError
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor, ExecutePreprocessor

    if parameters:
        check_parameters({path: parameters})
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        # papermill's loader adds the metadata its parameterize step expects
        nb = load_notebook_node(str(path))
        language = nb.metadata.get("kernelspec", {}).get("language") or "python"
        nb = parameterize_notebook(nb, parameters, language=language)
    else:
        nb = nbformat.read(path, as_version=4)
    executor = ExecutePreprocessor(record_timing=False)
    if kernel_group_file is not None:

        def record_kernel_group(**_: Any) -> None:
            group = getattr(getattr(executor.km, "provisioner", None), "pgid", None)
            if group and not kernel_group_file.exists():
                kernel_group_file.write_text(str(group), encoding="utf-8")

        executor.on_cell_start = record_kernel_group
    failure: CellExecutionError | None = None
    try:
        with project_root_for_kernels(root):
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


def _child(path: Path, parameters: dict[str, Any], root: Path | None, error_file: Path) -> None:
    """Body of the forked child of ``execute_in_child``."""
    import sys

    try:
        execute_notebook(path, parameters, root=root, kernel_group_file=_group_file(error_file))
    except (NotebookError, ValueError) as error:
        error_file.write_text(str(error), encoding="utf-8")
        sys.exit(1)


def _group_file(error_file: Path) -> Path:
    """Where a child records its kernel's process group (beside its error file)."""
    return error_file.with_name("kernel_group.txt")


def _end_kernel_group(group_file: Path) -> None:
    """Kill what is left of the process group recorded in ``group_file``: the kernel
    (jupyter_client starts it in its own session) and every process it forked, such as a
    process pool's workers, which a kernel dying with its parent leaves running."""
    import signal

    if not group_file.is_file() or not hasattr(os, "killpg"):
        return
    try:
        group = int(group_file.read_text(encoding="utf-8"))
    except ValueError:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def _thread_count() -> int:
    """Threads of this process, counting those not started through ``threading`` (Linux:
    ``/proc/self/task``; elsewhere ``threading.active_count()``)."""
    import threading

    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class _Subprocess:
    """The part of ``multiprocessing.Process``'s interface ``execute_in_child`` uses, for a
    command."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.process = None

    def start(self) -> None:
        import subprocess

        self.process = subprocess.Popen(self.command)

    def join(self, timeout: float | None = None) -> None:
        import subprocess

        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def terminate(self) -> None:
        self.process.terminate()

    def kill(self) -> None:
        self.process.kill()

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()


def execute_in_child(
    path: Path,
    parameters: dict[str, Any] | None = None,
    root: Path | None = None,
    stop: Any = None,
) -> None:
    """``execute_notebook`` in a forked child process.

    nbclient installs its own SIGINT and SIGTERM handlers while a notebook runs, and they
    do not stop the process that started it: a run interrupted in-process could go on and
    promote its results. Here an interruption (Ctrl-C, or SIGTERM turned into one by the
    caller) stops the waiting parent at once; the child is terminated, then killed. In a
    single-threaded process (``make notebooks``) the child is forked after nbconvert is
    imported, so it starts in milliseconds; where other threads run (a pytest-xdist
    worker), forking could copy a held lock, so the child is a fresh
    ``python -m dcs_tools.notebook_run`` instead. Raises ``NotebookError`` with the
    child's message if the notebook failed. ``stop`` (a ``threading.Event``, for runs of
    several notebooks at once) ends the child when it is set, raising ``NotebookStoppedError``.
    """
    import json
    import multiprocessing
    import sys
    import tempfile

    import nbclient  # noqa: F401  (imported once, before forking)
    import nbconvert.preprocessors  # noqa: F401

    if parameters:
        import papermill.parameterize  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="dcs-run-") as tmp:
        error_file = Path(tmp) / "error.txt"
        if _thread_count() == 1:
            child = multiprocessing.get_context("fork").Process(
                target=_child, args=(path, parameters or {}, root, error_file)
            )
        else:
            command = [sys.executable, "-m", "dcs_tools.notebook_run", str(path)]
            command += ["--error-file", str(error_file)]
            command += ["--parameters", json.dumps(parameters or {})]
            command += ["--kernel-group-file", str(_group_file(error_file))]
            if root is not None:
                command += ["--root", str(root)]
            child = _Subprocess(command)
        child.start()
        try:
            while True:
                child.join(timeout=None if stop is None else 0.2)
                if not child.is_alive():
                    break
                if stop is not None and stop.is_set():
                    raise NotebookStoppedError(
                        f"{path.name}: stopped (another notebook failed, or the run was "
                        "interrupted)"
                    )
        except BaseException:
            child.terminate()
            child.join(timeout=5)
            if child.is_alive():
                child.kill()
                child.join()
            raise
        finally:
            # Normally the child has shut its kernel down already; if it was stopped or
            # died first, the kernel and what it forked would outlive the run.
            _end_kernel_group(_group_file(error_file))
        if child.exitcode:
            message = error_file.read_text(encoding="utf-8") if error_file.is_file() else ""
            raise NotebookError(
                message or f"{path.name}: the executor exited with {child.exitcode}"
            )


def main(argv: list[str] | None = None) -> int:
    """Command line: execute one notebook in place (``python -m dcs_tools.notebook_run``)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Execute one notebook in place.")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--parameters", default="{}", help="JSON object of NAME: value")
    parser.add_argument("--root", type=Path, help="project tree the kernel works in")
    parser.add_argument("--error-file", type=Path, help="where to write the error message")
    parser.add_argument("--kernel-group-file", type=Path, help="where to record the kernel's group")
    args = parser.parse_args(argv)
    try:
        execute_notebook(
            args.notebook,
            json.loads(args.parameters),
            root=args.root,
            kernel_group_file=args.kernel_group_file,
        )
    except (NotebookError, ValueError) as error:
        if args.error_file:
            args.error_file.write_text(str(error), encoding="utf-8")
        else:
            print(error, file=__import__("sys").stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
