"""Benchmark of issue 14's quality bars, on a copy of the project (``make bench-pipeline``).

1. **Unchanged ``make all``**: the copy is made, committed to a fresh git repository and
   brought up to date once (the report is rendered); then ``make all`` is timed
   ``--repeats`` times with nothing changed. Target: at most 5 s.
2. **A file only some notebooks read**: one byte is appended to
   ``data/valence_overrides.csv`` (a new line at its end) and the pipeline's plan is
   read (``python -m dcs_tools.pipeline plan``): how many notebooks would rerun. Target:
   fewer than all. ``--execute-partial`` also runs that ``make all`` and times it.
3. **Killing ``make all`` during notebook 04**: ``make all FORCE=1`` is started in its own
   process group and interrupted as Ctrl-C does (SIGINT to the group) as soon as it
   prints that it executes ``04_topics``; then ``git status --porcelain`` must be empty
   and ``make report`` must either refuse or render the previous complete state.

Usage (from the repository root)::

    .venv/bin/python bench/pipeline_bench.py [--repeats 5] [--execute-partial] [--skip-kill]

Writes ``bench/out/pipeline_bench.json`` and prints a table. Nothing here is a test:
durations depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dcs_tools.project_copy import copy_project

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "pipeline_bench.json"
NOOP_TARGET_S = 5.0
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
GIT += ["-c", "commit.gpgsign=false"]


def _make(copy: Path, *targets: str) -> list[str]:
    venv = Path(sys.executable).parent.parent
    stamp = venv / ".installed-requirements"
    return ["make", "-C", str(copy), "-o", str(stamp), f"VENV={venv}", *targets]


def _env() -> dict[str, str]:
    drop = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DCS_VOICES_ROOT")
    return {k: v for k, v in os.environ.items() if k not in drop}


def _run(command: list[str], cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=_env(), capture_output=True, text=True)
    return time.perf_counter() - t0, done


def _git_status(copy: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=copy, capture_output=True, text=True, check=True
    ).stdout


def make_copy(folder: Path) -> Path:
    """A copy of the project, committed to a fresh git repository."""
    copy = folder / "project"
    copy_project(ROOT, copy)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    subprocess.run([*GIT, "commit", "-qm", "copy"], cwd=copy, check=True)
    return copy


def bench_noop(copy: Path, repeats: int) -> dict:
    """Bring the copy up to date once, then time unchanged ``make all``."""
    first, done = _run(_make(copy, "all"))
    if done.returncode:
        raise SystemExit(
            f"make all failed on the copy:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    times = []
    for _ in range(repeats):
        seconds, done = _run(_make(copy, "all"))
        if done.returncode:
            raise SystemExit(f"make all failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        times.append(seconds)
    ran = [line for line in done.stdout.splitlines() if "executing" in line]
    return {
        "first_make_all_s": round(first, 2),
        "noop_median_s": round(statistics.median(times), 2),
        "noop_min_s": round(min(times), 2),
        "noop_max_s": round(max(times), 2),
        "noop_repeats": repeats,
        "noop_notebooks_executed": len(ran),
        "noop_git_status_empty": _git_status(copy) == "",
        "noop_last_output": done.stdout.strip().splitlines()[-4:],
    }


def bench_partial(copy: Path, execute: bool) -> dict:
    """Change one byte of a file only the narrative notebooks read; count what reruns."""
    target = copy / "data" / "valence_overrides.csv"
    original = target.read_bytes()
    target.write_bytes(original + b"\n")
    try:
        _, done = _run([sys.executable, "-m", "dcs_tools.pipeline", "plan"], cwd=copy)
        planned = [line.split(":")[0] for line in done.stdout.splitlines() if ":" in line]
        total = len(list((copy / "notebooks").glob("[0-9][0-9]_*.ipynb")))
        result = {
            "partial_file": "data/valence_overrides.csv",
            "partial_planned": planned,
            "partial_total_notebooks": total,
        }
        if execute:
            seconds, run = _run(_make(copy, "all"))
            result["partial_make_all_s"] = round(seconds, 2)
            result["partial_make_all_ok"] = run.returncode == 0
    finally:
        target.write_bytes(original)
        # bring the copy back to its committed state for the next measurement
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=copy, check=True)
    return result


def bench_kill(copy: Path) -> dict:
    """Interrupt ``make all FORCE=1`` while notebook 04 executes."""
    proc = subprocess.Popen(
        _make(copy, "all", "FORCE=1"),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seen, t0 = "", time.perf_counter()
    while "executing 04_topics" not in seen:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        seen += chunk.decode(errors="replace")
    reached = "executing 04_topics" in seen
    time.sleep(2.0)  # notebook 04's kernel is running
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    killed_after = time.perf_counter() - t0
    status = _git_status(copy)
    _, report = _run(_make(copy, "report"))
    return {
        "kill_reached_04": reached,
        "kill_after_s": round(killed_after, 1),
        "kill_git_status_empty": status == "",
        "kill_git_status": status.splitlines()[:10],
        "kill_then_make_report_exit": report.returncode,
        "kill_then_report": "rendered the previous complete state"
        if report.returncode == 0
        else "refused: " + " ".join(report.stderr.strip().splitlines()[-3:]),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--execute-partial", action="store_true")
    parser.add_argument("--skip-kill", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dcs-pipeline-bench-") as tmp:
        copy = make_copy(Path(tmp))
        result = bench_noop(copy, args.repeats)
        result.update(bench_partial(copy, args.execute_partial))
        if not args.skip_kill:
            result.update(bench_kill(copy))
    result["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    planned, total = len(result["partial_planned"]), result["partial_total_notebooks"]
    rows = [
        (
            "unchanged make all (median, min-max)",
            f"{result['noop_median_s']} s ({result['noop_min_s']}-{result['noop_max_s']}), "
            f"{result['noop_notebooks_executed']} notebooks run",
            f"<= {NOOP_TARGET_S} s",
            result["noop_median_s"] <= NOOP_TARGET_S,
        ),
        (
            "one more byte in data/valence_overrides.csv",
            f"{planned} of {total} notebooks rerun ({', '.join(result['partial_planned'])})",
            "fewer than all",
            0 < planned < total,
        ),
    ]
    if "kill_git_status_empty" in result:
        rows.append(
            (
                "make all killed during 04",
                f"git status {'empty' if result['kill_git_status_empty'] else 'NOT empty'}; "
                f"make report {result['kill_then_report']}",
                "git status empty",
                result["kill_git_status_empty"] and result["kill_reached_04"],
            )
        )
    for what, measured, target, ok in rows:
        print(f"{what:45} {measured:70} {target:18} {'PASS' if ok else 'FAIL'}")
    print(
        f"(load average at the end: {result['load_average_1min_at_end']}; "
        f"details in {OUT.relative_to(ROOT)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
