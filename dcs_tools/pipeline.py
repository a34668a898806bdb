"""Run what changed, all or nothing, and record the state (make corpus, notebooks, report).

The steps and what each reads are declared in ``pipeline.toml`` (``dcs_tools.graph``).

``corpus``
    Re-runs the segmentation (``python -m helpers.segment``) only if the raw files,
    the segmentation code or the pinned requirements changed, or its outputs are not
    what its last run left.
``notebooks``
    Plans the notebooks whose key changed (content of what they read, their cell
    sources, their parameter values) or whose outputs are not what their last run
    left, plus every notebook downstream of them. Checks every parameter value of
    ``--params`` against every notebook's parameters cell first. Executes the plan in
    a staging copy of the project (``build/stage/``), each notebook in a fresh kernel
    that reads and writes only the copy (``DCS_VOICES_ROOT``), up to ``--jobs`` at once
    (a notebook starts once the planned notebooks upstream of it have finished; ``make``
    passes ``JOBS``, 2 by default). Only when every notebook
    of the plan succeeded, and wrote nothing it does not declare, are the executed
    notebooks and their results and figures promoted into the project, together,
    followed by the state record ``results/pipeline_state.json``. If a notebook fails,
    nothing is promoted: the project keeps its previous, complete state, and the failed
    notebook with its traceback stays in ``build/stage/notebooks/``.
``check``
    Exits non-zero, saying why, if the project is a mixed state: outputs that are not
    what the recorded run left (a killed promotion, a notebook run by hand in
    JupyterLab), or steps whose inputs changed since they ran. ``make report`` runs it
    before rendering.
``plan``
    Prints what ``notebooks`` would run, and why, without running anything.

A promotion is journalled (``build/stage/PROMOTE.json``): if it is interrupted, the
next ``check`` says so and the next run finishes it before anything else.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from dcs_tools.graph import (
    Graph,
    Step,
    expand,
    file_digest,
    load_graph,
    output_digests,
    output_matches,
    step_key,
)

ROOT_ENV = "DCS_VOICES_ROOT"  # as in helpers.paths
CACHE_ENV = "DCS_VOICES_CACHE"  # as in helpers.paths
STATE_FILE = "results/pipeline_state.json"
REPORT_KEY = "build/report-source.sha256"
STAGE_DIR = "build/stage"
JOURNAL = "PROMOTE.json"
LOCK_FILE = "build/pipeline.lock"
FORMAT = 1


class PipelineError(RuntimeError):
    """A step failed, or the declarations and what a notebook did disagree."""


def project_root() -> Path:
    """The project the command works on: ``helpers.paths.find_root()``.

    ``helpers/paths.py`` is loaded on its own (it needs only the standard library):
    importing it as ``helpers.paths`` would first run ``helpers/__init__``, which loads
    pandas, and a run with nothing to do must stay fast.
    """
    import importlib.util

    spec = importlib.util.find_spec("helpers")  # locates the package without importing it
    folders = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    found = [f / "paths.py" for f in folders if (f / "paths.py").is_file()]
    if not found:
        raise PipelineError("the helpers package is not installed: run `make install`")
    paths_spec = importlib.util.spec_from_file_location("_dcs_voices_paths", found[0])
    module = importlib.util.module_from_spec(paths_spec)
    paths_spec.loader.exec_module(module)
    return module.find_root()


# ----------------------------------------------------------------------------- state record


def load_state(root: Path) -> dict:
    """The recorded state (empty if there is none yet)."""
    path = root / STATE_FILE
    if not path.is_file():
        return {"format": FORMAT, "steps": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise PipelineError(
            f"{STATE_FILE} is not valid JSON ({error}); delete it to rebuild"
        ) from None
    if state.get("format") != FORMAT:
        return {"format": FORMAT, "steps": {}}
    return state


def state_text(state: dict) -> str:
    """The state record as written (deterministic: a rerun on unchanged inputs rewrites it
    byte for byte)."""
    return json.dumps(state, indent=1, sort_keys=True) + "\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def copy_atomic(src: Path, dst: Path) -> None:
    """Copy a file's bytes to ``dst`` atomically (nothing is written if they are equal)."""
    write_atomic(dst, src.read_bytes())


# ----------------------------------------------------------------------------- status and plan


def record_for(graph: Graph, step: Step, parameters: dict | None) -> dict:
    """What the state record keeps for a step as the tree under ``graph.root`` stands."""
    key, inputs = step_key(graph, step, parameters)
    return {"key": key, "inputs": inputs, "outputs": output_digests(graph.root, step)}


def stale_reasons(
    graph: Graph, step: Step, state: dict, parameters: dict | None = None
) -> list[str]:
    """Why ``step`` must run again (empty if its record still holds)."""
    recorded = state["steps"].get(step.name)
    if recorded is None:
        return ["no recorded run"]
    reasons = []
    key, inputs = step_key(graph, step, parameters)
    if key != recorded["key"]:
        changed = sorted(
            f
            for f in set(inputs) | set(recorded["inputs"])
            if inputs.get(f) != recorded["inputs"].get(f)
        )
        if changed:
            shown = ", ".join(changed[:5]) + (
                f" and {len(changed) - 5} more" if changed[5:] else ""
            )
            reasons.append(f"inputs changed: {shown}")
        else:
            reasons.append("its cell sources or parameter values changed")
    outputs = output_digests(graph.root, step)
    if outputs != recorded["outputs"]:
        differ = sorted(
            f
            for f in set(outputs) | set(recorded["outputs"])
            if outputs.get(f) != recorded["outputs"].get(f)
        )
        shown = ", ".join(differ[:5]) + (f" and {len(differ) - 5} more" if differ[5:] else "")
        reasons.append(f"outputs are not what its last run left: {shown}")
    return reasons


def plan(
    graph: Graph,
    state: dict,
    parameters: dict[str, dict] | None = None,
    force: bool = False,
    only: list[str] | None = None,
) -> list[tuple[Step, str]]:
    """The notebooks to run, in order, each with the reason.

    ``only``: run exactly these notebooks (by name or number), whatever their state.
    Otherwise every notebook that is stale (``stale_reasons``) or forced, and every
    notebook downstream of one that runs.
    """
    parameters = parameters or {}
    notebooks = graph.notebooks
    if only:
        chosen = {graph.step(n).name for n in only}
        return [(s, "asked for") for s in notebooks if s.name in chosen]
    reasons: dict[str, str] = {}
    for step in notebooks:
        if force:
            reasons[step.name] = "forced"
            continue
        why = stale_reasons(graph, step, state, parameters.get(step.name))
        if why:
            reasons[step.name] = "; ".join(why)
    for name in sorted(graph.downstream(set(reasons)) - set(reasons)):
        ups = [u.name for u in graph.upstream(graph.step(name)) if u.name in reasons]
        reasons[name] = f"downstream of {', '.join(ups) or 'a step that runs'}"
    return [(s, reasons[s.name]) for s in notebooks if s.name in reasons]


# ----------------------------------------------------------------------------- locking, journal


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Only one run at a time works on a project."""
    path = root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PipelineError(f"another run holds {LOCK_FILE}; wait for it to finish") from None
        yield


def apply_journal(root: Path) -> bool:
    """Finish an interrupted promotion, if there is one. True if there was."""
    stage = root / STAGE_DIR
    journal = stage / JOURNAL
    if not journal.is_file():
        return False
    entry = json.loads(journal.read_text(encoding="utf-8"))
    for rel in entry["copy"]:
        copy_atomic(stage / rel, root / rel)
    for rel in entry["delete"]:
        with contextlib.suppress(FileNotFoundError):
            (root / rel).unlink()
    write_atomic(root / STATE_FILE, entry["state"].encode("utf-8"))
    journal.unlink()
    return True


def promote(root: Path, stage: Path, steps: list[Step], state: dict) -> list[str]:
    """Copy the executed notebooks and their outputs from ``stage`` into ``root``, remove
    outputs the run no longer writes, then write the new state record. Journalled first,
    so an interruption is finished by the next run. Returns the files written."""
    copy, delete = [], []
    for step in steps:
        staged = set(expand(stage, step.outputs)) | {step.notebook}
        current = set(expand(root, step.outputs))
        copy += sorted(staged)
        delete += sorted(current - staged)
    entry = {"copy": copy, "delete": delete, "state": state_text(state)}
    write_atomic(stage / JOURNAL, json.dumps(entry, indent=1).encode("utf-8"))
    apply_journal(root)
    return copy


# ----------------------------------------------------------------------------- running


def tree_digests(folder: Path) -> dict[str, str]:
    """{relative path: digest} of every file below ``folder`` (caches left out)."""
    from dcs_tools.project_copy import IGNORED_PARTS

    found = {}
    for path in sorted(folder.rglob("*")):
        rel_path = path.relative_to(folder)
        if path.is_file() and not IGNORED_PARTS & set(rel_path.parts):
            found[rel_path.as_posix()] = file_digest(path)
    return found


def undeclared_writes(before: dict[str, str], stage: Path, steps: list[Step]) -> list[str]:
    """Files the run created or changed in ``stage`` (compared with ``before``, its digests
    when it was copied) that no step of the run declares as an output."""
    return sorted(
        rel
        for rel, digest in tree_digests(stage).items()
        if before.get(rel) != digest
        and rel != JOURNAL
        and not any(output_matches(s, rel) for s in steps)
    )


def load_parameters(root: Path, path: Path | None, graph: Graph) -> dict[str, dict]:
    """``--params FILE`` (JSON: notebook number -> {NAME: value}) by step name, with every
    name and value checked against every notebook's parameters cell before anything runs."""
    if path is None:
        return {}
    from dcs_tools.notebook_run import check_parameters

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PipelineError(f"cannot read --params {path}: {error}") from None
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise PipelineError(
            f"{path} must be a JSON object of notebook number -> "
            '{"NAME": value}, e.g. {"03": {"KS": [4, 6]}}'
        )
    by_number = {s.name[:2]: s for s in graph.notebooks}
    unknown = sorted(k for k in raw if str(k).zfill(2) not in by_number)
    if unknown:
        raise PipelineError(
            f"{path} names notebooks {unknown}, but the project has only {sorted(by_number)}"
        )
    values = {by_number[str(k).zfill(2)].name: v for k, v in raw.items()}
    try:
        check_parameters({root / graph.step(n).notebook: v for n, v in values.items()})
    except ValueError as error:
        raise PipelineError(f"{path}: {error}") from None
    return values


def run_corpus(root: Path, force: bool = False, accept: list[str] | None = None) -> int:
    """The segmentation step (see the module docstring).

    ``accept`` names edited raw files the user accepts (``make corpus ACCEPT=file``); they are
    passed to the segmenter as ``--accept-changed``, which otherwise refuses an edited file.
    """
    graph = load_graph(root)
    step = graph.step("corpus")
    with locked(root):
        apply_journal(root)
        state = load_state(root)
        why = ["forced"] if force else stale_reasons(graph, step, state)
        if accept and not why:
            why = ["edited raw files accepted"]
        if not why:
            print("corpus: up to date (raw files, segmentation code and outputs unchanged)")
            return 0
        print(f"corpus: segmenting ({'; '.join(why)})", flush=True)
        command = [sys.executable if c == "python" else c for c in step.command]
        if accept:
            command += ["--accept-changed", *accept]
        env = {**os.environ, ROOT_ENV: str(root)}
        done = subprocess.run(command, cwd=root, env=env, check=False)
        if done.returncode:
            print(f"corpus: ERROR: {' '.join(step.command)} failed", file=sys.stderr)
            return done.returncode
        state["steps"][step.name] = record_for(graph, step, None)
        write_atomic(root / STATE_FILE, state_text(state).encode("utf-8"))
    return 0


def _execute_in_order(
    todo: list[tuple[Step, str]], stage: Path, parameters: dict[str, dict]
) -> tuple[Step, Exception] | None:
    """Execute the planned notebooks one after the other; the first failure, or None."""
    from dcs_tools.notebook_run import NotebookError, execute_in_child

    for number, (step, why) in enumerate(todo, start=1):
        values = parameters.get(step.name, {})
        shown = f" with {json.dumps(values)}" if values else ""
        print(
            f"[{number}/{len(todo)}] executing {Path(step.notebook).name}{shown} ({why}) ...",
            end=" ",
            flush=True,
        )
        t0 = time.perf_counter()
        try:
            execute_in_child(stage / step.notebook, values, root=stage)
        except (NotebookError, ValueError) as error:
            print("failed", flush=True)
            return step, error
        print(f"{time.perf_counter() - t0:.1f} s", flush=True)
    return None


def _execute_parallel(
    graph: Graph,
    todo: list[tuple[Step, str]],
    stage: Path,
    parameters: dict[str, dict],
    jobs: int,
) -> tuple[Step, Exception] | None:
    """Execute the planned notebooks, up to ``jobs`` at once, each as soon as every planned
    notebook upstream of it (``Graph.upstream``) has finished; among those ready, the one
    that more planned notebooks wait for starts first. The first failure stops the
    others (nothing is promoted anyway) and is returned; None if all succeeded. An
    interruption stops every running notebook before it propagates."""
    import threading
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from dcs_tools.notebook_run import NotebookError, NotebookStoppedError, execute_in_child

    names = {step.name for step, _ in todo}
    needs = {
        step.name: {u.name for u in graph.upstream(step) if u.name in names} for step, _ in todo
    }
    number = {step.name: i for i, (step, _) in enumerate(todo, start=1)}
    # Of the notebooks ready to start, those with more planned notebooks waiting on them go
    # first (03 before 01, 02 and 05: 04 and 06 wait for it), then in plan order.
    waiting = {name: len(graph.downstream({name}) & names) - 1 for name in names}
    pending = list(todo)
    done: set[str] = set()
    stop = threading.Event()
    failed: tuple[Step, Exception] | None = None
    running: dict = {}

    def run(step: Step) -> float:
        t0 = time.perf_counter()
        execute_in_child(stage / step.notebook, parameters.get(step.name, {}), stage, stop)
        return time.perf_counter() - t0

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        while pending or running:
            if failed is None:
                ready = [p for p in pending if needs[p[0].name] <= done]
                ready.sort(key=lambda p: (-waiting[p[0].name], number[p[0].name]))
                for step, why in ready:
                    if len(running) >= jobs:
                        break
                    pending.remove((step, why))
                    values = parameters.get(step.name, {})
                    shown = f" with {json.dumps(values)}" if values else ""
                    print(
                        f"[{number[step.name]}/{len(todo)}] executing "
                        f"{Path(step.notebook).name}{shown} ({why}) ...",
                        flush=True,
                    )
                    running[pool.submit(run, step)] = step
            if not running:
                break
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                step = running.pop(future)
                try:
                    seconds = future.result()
                except NotebookStoppedError:
                    print(f"[{number[step.name]}/{len(todo)}] {step.name}: stopped", flush=True)
                except (NotebookError, ValueError) as error:
                    print(f"[{number[step.name]}/{len(todo)}] {step.name}: failed", flush=True)
                    if failed is None:
                        failed = (step, error)
                        stop.set()
                else:
                    done.add(step.name)
                    print(
                        f"[{number[step.name]}/{len(todo)}] {step.name}: done in {seconds:.1f} s",
                        flush=True,
                    )
    except BaseException:
        stop.set()  # an interruption: end every running notebook before leaving
        raise
    finally:
        pool.shutdown(wait=True)
    return failed


def run_notebooks(
    root: Path,
    params_file: Path | None = None,
    force: bool = False,
    only: list[str] | None = None,
    jobs: int = 1,
) -> int:
    """The notebook step (see the module docstring). Returns an exit status. ``jobs``: how
    many notebooks may run at once (each waits for the planned notebooks upstream of it)."""
    graph = load_graph(root)
    parameters = load_parameters(root, params_file, graph)
    with locked(root):
        if apply_journal(root):
            print("notebooks: finished an interrupted promotion", flush=True)
        state = load_state(root)
        todo = plan(graph, state, parameters, force=force, only=only)
        if not todo:
            print(f"notebooks: all {len(graph.notebooks)} up to date; nothing to run")
            return 0
        from dcs_tools.project_copy import copy_project

        stage = root / STAGE_DIR
        if stage.exists():
            shutil.rmtree(stage)
        copy_project(root, stage)
        # content-keyed caches (topic fits, sentence splits) live in the project, not the stage
        os.environ.setdefault(CACHE_ENV, str(root / "build" / "cache"))
        before = tree_digests(stage)
        started = time.perf_counter()
        if jobs > 1 and len(todo) > 1:
            failed = _execute_parallel(graph, todo, stage, parameters, jobs)
        else:
            failed = _execute_in_order(todo, stage, parameters)
        if failed is not None:
            step, error = failed
            print(
                f"notebooks: ERROR: {error}\n"
                "  Nothing was promoted: notebooks, results/ and figures/ keep their "
                "previous state.\n"
                f"  The failed notebook, with its traceback: {STAGE_DIR}/{step.notebook}",
                file=sys.stderr,
            )
            return 1
        steps = [s for s, _ in todo]
        stray = undeclared_writes(before, stage, steps)
        if stray:
            print(
                "notebooks: ERROR: the run wrote files that pipeline.toml does not declare as "
                f"outputs of {', '.join(s.name for s in steps)}: {', '.join(stray)}\n"
                "  Nothing was promoted; declare them (outputs = [...]) and run again.",
                file=sys.stderr,
            )
            return 1
        stage_graph = load_graph(stage)
        for step in steps:
            state["steps"][step.name] = record_for(
                stage_graph, stage_graph.step(step.name), parameters.get(step.name)
            )
        written = promote(root, stage, steps, state)
        shutil.rmtree(stage, ignore_errors=True)  # kept only after a failure, for inspection
        print(
            f"executed {len(todo)} of {len(graph.notebooks)} notebooks in "
            f"{time.perf_counter() - started:.1f} s; promoted {len(written)} files together"
        )
    return 0


def check(root: Path) -> list[str]:
    """Every reason the project is not one complete, recorded state (empty if it is)."""
    problems = []
    if (root / STAGE_DIR / JOURNAL).is_file():
        problems.append("a promotion was interrupted: run `make notebooks` to finish it")
    graph = load_graph(root)
    state = load_state(root)
    for step in graph.steps:
        for reason in stale_reasons(graph, step, state):
            problems.append(f"{step.name}: {reason}")
    return problems


def report_source_key(root: Path) -> str:
    """SHA-256 over every project file (what git tracks plus untracked, unignored files;
    nothing under build/): the report is rendered from these."""
    import hashlib

    from dcs_tools.project_copy import project_files

    digest = hashlib.sha256()
    for rel in project_files(root):
        digest.update(f"{rel.as_posix()}\0{file_digest(root / rel)}\n".encode())
    return digest.hexdigest()


def report_is_current(root: Path) -> bool:
    """Whether ``build/report/`` was rendered from the project files as they stand."""
    path = root / REPORT_KEY
    return (
        (root / "build" / "report" / "index.html").is_file()
        and path.is_file()
        and path.read_text(encoding="utf-8").strip() == report_source_key(root)
    )


def scan(root: Path) -> list[str]:
    """What each notebook's code (and the helpers it loads) shows it imports and reads but
    ``pipeline.toml`` does not declare, as lines to act on (empty if the declaration covers
    everything). ``tests/test_pipeline.py`` fails on the same findings."""
    from dcs_tools.graph import notebook_reads

    graph = load_graph(root)
    lines = []
    declared_notebooks = {s.notebook for s in graph.notebooks}
    for path in sorted(root.glob("notebooks/[0-9][0-9]_*.ipynb")):
        rel = path.relative_to(root).as_posix()
        if rel not in declared_notebooks:
            lines.append(f"{rel}: not declared in pipeline.toml ([step.{path.stem}])")
    for step in graph.notebooks:
        found = notebook_reads(root, root / step.notebook)
        helpers = sorted(found["helpers"] - set(step.helpers))
        data = sorted(found["data"] - set(expand(root, step.data)))
        results = sorted(
            r
            for r in found["results"]
            if not output_matches(step, r) and r not in expand(root, step.results)
        )
        for key, missing in (("helpers", helpers), ("data", data), ("results or outputs", results)):
            if missing:
                lines.append(f"{step.name}: add to {key}: {', '.join(missing)}")
    return lines


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m dcs_tools.pipeline {corpus,notebooks,check,plan}``."""
    parser = argparse.ArgumentParser(
        prog="python -m dcs_tools.pipeline", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    corpus = sub.add_parser("corpus", help="segment corpus/raw if anything it reads changed")
    corpus.add_argument("--force", action="store_true")
    corpus.add_argument(
        "--accept-changed",
        action="append",
        default=[],
        metavar="FILE",
        help="accept an edited raw file (passed on to helpers.segment)",
    )
    for name in ("notebooks", "plan"):
        p = sub.add_parser(name, help="run (or show) the notebooks whose inputs changed")
        p.add_argument("only", nargs="*", help="run exactly these notebooks (number or name)")
        p.add_argument("--params", type=Path, help="JSON file of parameter values per notebook")
        p.add_argument("--force", action="store_true", help="run every notebook")
        p.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="notebooks run at once, each after those upstream of it (default 1)",
        )
    sub.add_parser("check", help="exit 1 if the project is a mixed state (make report runs it)")
    sub.add_parser("scan", help="list what notebooks import or read but pipeline.toml omits")
    sub.add_parser("report-current", help="exit 0 if build/report was rendered from these files")
    sub.add_parser("report-rendered", help="record that build/report was rendered from them")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # stop like Ctrl-C: nothing is promoted
    root = project_root()
    try:
        if args.command == "corpus":
            return run_corpus(root, force=args.force, accept=args.accept_changed)
        if args.command == "notebooks":
            only = [Path(n).stem if n.endswith(".ipynb") else n for n in args.only]
            if args.jobs < 1:
                raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
            return run_notebooks(
                root, args.params, force=args.force, only=only or None, jobs=args.jobs
            )
        if args.command == "plan":
            graph = load_graph(root)
            parameters = load_parameters(root, args.params, graph)
            todo = plan(
                graph, load_state(root), parameters, force=args.force, only=args.only or None
            )
            for step, why in todo:
                print(f"{step.name}: {why}")
            if not todo:
                print("nothing to run")
            return 0
        if args.command == "scan":
            lines = scan(root)
            print("\n".join(lines) if lines else "pipeline.toml covers every notebook's reads")
            return 1 if lines else 0
        if args.command == "report-current":
            if report_is_current(root):
                print("report: build/report/ is up to date (no project file changed)")
                return 0
            return 1
        if args.command == "report-rendered":
            write_atomic(root / REPORT_KEY, (report_source_key(root) + "\n").encode("utf-8"))
            return 0
        problems = check(root)
        if problems:
            print(
                "check: the project is not one complete run, so the report is not rendered:\n  "
                + "\n  ".join(problems)
                + "\n  Run `make all` (or `make notebooks`) to bring it up to date.",
                file=sys.stderr,
            )
            return 1
        print(f"check: notebooks, results and figures are one complete run ({STATE_FILE})")
        return 0
    except (PipelineError, KeyError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) else error
        print(f"{args.command}: ERROR: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
