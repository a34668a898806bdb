"""Benchmark of the collection on the current corpus: times, peak memory, the floor, targets.

Items (``--only`` takes a comma-separated list of these groups):

``floor``
    Executing an empty notebook, and one that only imports the stack (pandas,
    numpy, matplotlib.pyplot, gensim, the helpers package), with ``jupyter nbconvert
    --execute``, one process per notebook. Kernel start plus imports: no notebook can
    be faster (``make notebooks`` runs all notebooks in one process, so it pays
    slightly less than this per notebook).
``segmentation``
    In a fresh worker process, after imports: ``segment_corpus`` of corpus/raw and
    ``prepare_corpus`` of the distinct posts, first call (cold: includes lazy
    loading such as LemmInflect's lexicon) and the median of further calls (warm).
    Also segmentation as a whole process (interpreter start, imports, segment,
    write the CSVs to a temporary folder): ``make corpus`` without ``make`` and
    without touching corpus/segmented.
``make_corpus``
    ``make corpus`` itself (rewrites corpus/segmented and the manifest, as
    ``make all`` does; deterministic, so nothing changes).
``grid``
    ``helpers.topics.run_grid`` over a (k x seed) grid with ``processes=1`` and
    ``processes=2`` (same worker process, same prepared corpus).
``notebooks``
    Each ``notebooks/NN_*.ipynb`` executed with nbconvert into a temporary
    folder (never in place), kernel started in notebooks/ as in ``make
    notebooks``; overhead above the import floor.
``main_job`` / ``test_job``
    ``make all`` and ``make test`` (after an untimed ``make install``, so the
    timing does not include installing requirements) (slow: 1 repeat unless ``--whole-repeats``;
    left out by ``--skip-whole`` and by ``--quick``). ``make all`` executes the
    notebooks in place and renders the report, exactly as a user's run does.

Every timed item runs as a child process tree. Peak memory: ``peak_mb`` is
the largest resident set of any single process in the tree (``wait4``'s
``ru_maxrss``, what ``/usr/bin/time -v`` reports), ``tree_peak_mb`` the
largest sum of resident sets over the tree sampled every 0.1 s (psutil): for a
notebook that is nbconvert plus its kernel. Times are medians over
``--repeats`` runs with min and max.

Usage::

    .venv/bin/python bench/run_bench.py [--repeats 5] [--quick] [--skip-whole]
        [--only floor,segmentation,make_corpus,grid,notebooks,main_job,test_job]

Writes ``bench/out/bench.json`` and ``bench/out/bench.csv`` and prints a table
with the issue's targets and PASS/FAIL beside the measured figures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

OUT_DIR = ROOT / "bench" / "out"
GROUPS = (
    "floor",
    "segmentation",
    "make_corpus",
    "grid",
    "notebooks",
    "main_job",
    "test_job",
)
WHOLE = ("main_job", "test_job")
IMPORTS_SOURCE = """from pathlib import Path

import gensim
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import helpers
"""
#: Targets of issue 6 (seconds added to twice the floor; grid ratio; seconds).
MAIN_JOB_SLACK_S = 40.0
FLOOR_FACTOR = 2.0
GRID_RATIO_MAX = 0.6
SEG_PREP_MAX_S = 1.0


# ----------------------------------------------------------------------------
# Measuring a child process tree
# ----------------------------------------------------------------------------
def measure(cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd``; return wall seconds, exit code, peak RSS (largest process, sampled tree sum).

    stdout and stderr go to temporary files (their last lines are kept on failure).
    """
    import psutil

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        tree_peak = 0
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            parent = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if parent is not None:
                total = 0
                try:
                    for p in [parent, *parent.children(recursive=True)]:
                        with contextlib.suppress(psutil.Error):
                            total += p.memory_info().rss
                except psutil.Error:
                    pass
                tree_peak = max(tree_peak, total)
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return {
        "seconds": seconds,
        "returncode": proc.returncode,
        "peak_mb": usage.ru_maxrss / 1024,
        "tree_peak_mb": tree_peak / 2**20,
        "stdout": stdout,
        "stderr_tail": stderr.strip()[-1500:],
    }


def repeat(cmd: list[str], n: int, cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``cmd`` ``n`` times; summarise wall time (median, min, max) and peak memory (max)."""
    runs = [measure(cmd, cwd) for _ in range(n)]
    failed = [r for r in runs if r["returncode"] != 0]
    times = [r["seconds"] for r in runs]
    record: dict[str, Any] = {
        "status": "failed" if failed else "ok",
        "n": n,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "tree_peak_mb": max(r["tree_peak_mb"] for r in runs),
        "command": " ".join(cmd),
    }
    if failed:
        record["error"] = failed[0]["stderr_tail"]
    record["_last_stdout"] = runs[-1]["stdout"]
    return record


# ----------------------------------------------------------------------------
# Workers run inside a fresh process (``--worker NAME``); they print one JSON line
# ----------------------------------------------------------------------------
def worker_segprep(args: argparse.Namespace) -> dict[str, Any]:
    """Cold and warm in-process times of segmentation and text preparation."""
    import warnings

    import helpers.segment as seg
    from helpers.paths import RAW_DIR
    from helpers.text_prep import prepare_corpus

    def segment() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return seg.segment_corpus(RAW_DIR)

    def texts_of(result: Any) -> list[str]:
        posts = result.posts
        return posts.loc[posts["duplicate_of"].isna(), "text"].tolist()

    seg_times, prep_times = [], []
    for _ in range(max(args.repeats, 1) + 1):
        start = time.perf_counter()
        result = segment()
        seg_times.append(time.perf_counter() - start)
        texts = texts_of(result)
        start = time.perf_counter()
        prepared = prepare_corpus(texts)
        prep_times.append(time.perf_counter() - start)
    return {
        "segment_cold_s": seg_times[0],
        "prep_cold_s": prep_times[0],
        "segment_warm": seg_times[1:],
        "prep_warm": prep_times[1:],
        "n_posts": len(result.posts),
        "n_docs": len(prepared.bow),
        "vocabulary": len(prepared.dictionary),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def worker_segment_to(args: argparse.Namespace) -> dict[str, Any]:
    """Segment corpus/raw and write the CSVs to ``args.out`` (the ``make corpus`` work)."""
    import warnings

    import helpers.segment as seg
    from helpers.paths import RAW_DIR

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = seg.segment_corpus(RAW_DIR)
    seg.write_outputs(result, Path(args.out))
    return {"n_posts": len(result.posts)}


def worker_grid(args: argparse.Namespace) -> dict[str, Any]:
    """run_grid with processes=1 then 2 (alternating order over repeats)."""
    import pandas as pd

    from helpers.paths import POSTS_PATH
    from helpers.text_prep import prepare_corpus
    from helpers.topics import run_grid

    posts = pd.read_csv(POSTS_PATH)
    texts = posts.loc[posts["duplicate_of"].isna(), "text"].tolist()
    prepared = prepare_corpus(texts, no_below=args.grid_no_below, no_above=args.grid_no_above)
    ks = [int(k) for k in args.grid_ks.split(",")]
    seeds = [int(s) for s in args.grid_seeds.split(",")]
    lda = {"passes": args.grid_passes, "iterations": args.grid_iterations}
    times: dict[int, list[float]] = {1: [], 2: []}
    tables = {}
    for r in range(max(args.repeats, 1)):
        for processes in (1, 2) if r % 2 == 0 else (2, 1):
            start = time.perf_counter()
            tables[processes] = run_grid(
                prepared.bow,
                prepared.dictionary,
                ks,
                seeds,
                processes=processes,
                texts=prepared.docs,
                **lda,
            )
            times[processes].append(time.perf_counter() - start)
    same = tables[1].drop(columns="topics").equals(tables[2].drop(columns="topics")) and list(
        tables[1]["topics"]
    ) == list(tables[2]["topics"])
    return {
        "serial": times[1],
        "parallel": times[2],
        "fits": len(ks) * len(seeds),
        "ks": ks,
        "seeds": seeds,
        "lda": lda,
        "identical_tables": bool(same),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _spin(seconds: float) -> int:
    """Count loop iterations for ``seconds`` of wall time (a CPU-availability probe)."""
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        count += 1
    return count


def worker_capacity(args: argparse.Namespace) -> dict[str, Any]:
    """Work done by two busy processes relative to one: about 2 on an idle 2-core machine."""
    from concurrent.futures import ProcessPoolExecutor

    one = _spin(1.0)
    with ProcessPoolExecutor(max_workers=2) as pool:
        two = sum(pool.map(_spin, [1.0, 1.0]))
    return {"capacity": two / one}


WORKERS = {
    "capacity": worker_capacity,
    "segprep": worker_segprep,
    "segment_to": worker_segment_to,
    "grid": worker_grid,
}


def run_worker(name: str, args: argparse.Namespace, extra: list[str] | None = None) -> Any:
    """Run a worker in a fresh process; return (measure record, parsed JSON or None)."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--repeats",
        str(args.repeats),
        "--grid-ks",
        args.grid_ks,
        "--grid-seeds",
        args.grid_seeds,
        "--grid-passes",
        str(args.grid_passes),
        "--grid-iterations",
        str(args.grid_iterations),
        "--grid-no-below",
        str(args.grid_no_below),
        "--grid-no-above",
        str(args.grid_no_above),
        *(extra or []),
    ]
    rec = measure(cmd)
    data = None
    if rec["returncode"] == 0:
        data = json.loads(rec["stdout"].strip().splitlines()[-1])
    return rec, data


# ----------------------------------------------------------------------------
# Items
# ----------------------------------------------------------------------------
def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max of a list of seconds."""
    return {
        "median_s": statistics.median(values),
        "min_s": min(values),
        "max_s": max(values),
        "n": len(values),
    }


def write_notebook(path: Path, source: str) -> None:
    """Write a one-cell (or empty, if ``source`` is empty) python3 notebook."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if source:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, str(path))


def nbconvert_cmd(notebook: Path, out_dir: Path) -> list[str]:
    """nbconvert --execute into ``out_dir`` (not in place); the kernel starts in the
    notebook's own folder, as with ``make notebooks``."""
    return [
        str(Path(sys.executable).parent / "jupyter"),
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--output-dir",
        str(out_dir),
        "--ExecutePreprocessor.record_timing=False",
        "--log-level=WARN",
        str(notebook),
    ]


def bench_floor(args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    """Execute an empty notebook and an imports-only notebook."""
    empty, imports = tmp / "floor_empty.ipynb", tmp / "floor_imports.ipynb"
    write_notebook(empty, "")
    write_notebook(imports, IMPORTS_SOURCE)
    out = tmp / "out"
    out.mkdir(exist_ok=True)
    rows = []
    for name, path in (("floor: empty notebook", empty), ("floor: imports notebook", imports)):
        rec = repeat(nbconvert_cmd(path, out), args.repeats, cwd=tmp)
        rows.append({"group": "floor", "item": name, **rec})
    return rows


def bench_segmentation(args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    """In-process cold/warm times, and segmentation as a whole process."""
    rows = []
    rec, data = run_worker("segprep", args)
    if data is None:
        return [
            {
                "group": "segmentation",
                "item": "segment + prepare",
                "status": "failed",
                "error": rec["stderr_tail"],
            }
        ]
    total_cold = data["segment_cold_s"] + data["prep_cold_s"]
    warm = [s + p for s, p in zip(data["segment_warm"], data["prep_warm"], strict=True)]
    note = (
        f"{data['n_posts']} post rows; {data['n_docs']} documents, vocabulary {data['vocabulary']}"
    )
    for item, cold, warm_values in (
        ("segment_corpus (in process)", data["segment_cold_s"], data["segment_warm"]),
        ("prepare_corpus (in process)", data["prep_cold_s"], data["prep_warm"]),
        ("segment + prepare (in process)", total_cold, warm),
    ):
        row = {
            "group": "segmentation",
            "item": item,
            "status": "ok",
            "cold_s": cold,
            **(spread(warm_values) if warm_values else {}),
            "peak_mb": data["peak_mb"],
            "note": "cold = first call in a fresh process (imports excluded); median/min/max "
            "= later calls; " + note,
        }
        if item.startswith("segment + prepare"):
            row["target"] = f"< {SEG_PREP_MAX_S:.0f} s (cold)"
            row["verdict"] = "PASS" if cold < SEG_PREP_MAX_S else "FAIL"
        rows.append(row)
    out = tmp / "segmented"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "segment_to",
        "--out",
        str(out),
    ]
    rec = repeat(cmd, args.repeats)
    rows.append(
        {
            "group": "segmentation",
            "item": "segmentation as a process (python start + imports + write CSVs)",
            **rec,
        }
    )
    return rows


def bench_make_corpus(args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    """``make corpus`` (reuses the project venv)."""
    venv = Path(sys.executable).parent.parent
    rec = repeat(["make", "corpus", f"VENV={venv}", "FORCE=1"], args.repeats)
    return [{"group": "make_corpus", "item": "make corpus", **rec}]


def bench_grid(args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    """Topic grid serial vs two processes."""
    rec, data = run_worker("grid", args)
    if data is None:
        return [
            {"group": "grid", "item": "run_grid", "status": "failed", "error": rec["stderr_tail"]}
        ]
    serial, parallel = statistics.median(data["serial"]), statistics.median(data["parallel"])
    ratio = parallel / serial
    _, probe = run_worker("capacity", args)
    capacity = probe["capacity"] if probe else None
    lda = data["lda"]
    note = (
        f"{data['fits']} fits (k {data['ks']}, seeds {data['seeds']}, LDA {lda}); "
        f"tables identical: {data['identical_tables']}"
    )
    return [
        {
            "group": "grid",
            "item": "run_grid processes=1",
            "status": "ok",
            **spread(data["serial"]),
            "peak_mb": data["peak_mb"],
            "note": note,
        },
        {
            "group": "grid",
            "item": "run_grid processes=2",
            "status": "ok",
            **spread(data["parallel"]),
            "peak_mb": data["children_peak_mb"],
            "note": "peak_mb: largest worker process",
        },
        {
            "group": "grid",
            "item": "grid ratio parallel/serial",
            "status": "ok",
            "value": ratio,
            "target": f"<= {GRID_RATIO_MAX}",
            "verdict": "PASS" if ratio <= GRID_RATIO_MAX else "FAIL",
        },
        {
            "group": "grid",
            "item": "CPU capacity: 2 busy processes / 1",
            "status": "ok" if capacity is not None else "failed",
            "value": capacity,
            "note": "work done in 1 s by 2 spinning processes over 1; about 2.0 on an idle "
            "2-core machine, near 1.0 when other work holds the second core (then no grid "
            "can reach the 0.6 target)",
        },
    ]


def notebooks() -> list[Path]:
    """The collection's notebooks, in order."""
    from helpers.paths import NOTEBOOKS_DIR

    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def bench_notebooks(args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    """Execute every notebook into a temporary folder."""
    out = tmp / "notebooks"
    out.mkdir(exist_ok=True)
    rows = []
    for path in notebooks():
        rec = repeat(nbconvert_cmd(path, out), args.repeats, cwd=path.parent)
        rows.append({"group": "notebooks", "item": path.name, **rec})
    return rows


def bench_whole(args: argparse.Namespace, target: str) -> list[dict[str, Any]]:
    """``make all`` (``FORCE=1``: everything, as from scratch; ``make all`` alone reruns only
    what changed, see bench/pipeline_bench.py) or ``make test`` with the project venv."""
    cmd = ["make", target, f"VENV={Path(sys.executable).parent.parent}"]
    if target == "all":
        cmd.append("FORCE=1")
    group = "main_job" if target == "all" else "test_job"
    rec = repeat(cmd, args.whole_repeats)
    return [{"group": group, "item": f"make {target}", **rec}]


# ----------------------------------------------------------------------------
# Targets, table, files
# ----------------------------------------------------------------------------
def apply_targets(rows: list[dict[str, Any]]) -> None:
    """Add overhead above the floor to notebooks and targets to the whole commands."""
    floor = next(
        (r for r in rows if r["item"] == "floor: imports notebook" and r["status"] == "ok"), None
    )
    if floor is None:
        return
    floor_s = floor["median_s"]
    n_notebooks = len(notebooks())
    for row in rows:
        if row["group"] == "notebooks" and row.get("status") == "ok":
            row["above_floor_s"] = row["median_s"] - floor_s
        if row["group"] in WHOLE and row.get("status") == "ok":
            limit = FLOOR_FACTOR * n_notebooks * floor_s + MAIN_JOB_SLACK_S
            row["above_floor_s"] = row["median_s"] - n_notebooks * floor_s
            row["target"] = (
                f"<= {limit:.1f} s (2 x {n_notebooks} x {floor_s:.1f} s + {MAIN_JOB_SLACK_S:.0f})"
            )
            row["verdict"] = "PASS" if row["median_s"] <= limit else "FAIL"


def fmt(value: Any, digits: int = 2) -> str:
    """Format a number for the table ('' if missing)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


COLUMNS = [
    ("item", 44),
    ("status", 6),
    ("n", 2),
    ("median_s", 8),
    ("min_s", 8),
    ("max_s", 8),
    ("cold_s", 7),
    ("above_floor_s", 13),
    ("value", 6),
    ("peak_mb", 8),
    ("tree_peak_mb", 12),
    ("target", 30),
    ("verdict", 7),
]


def print_table(rows: list[dict[str, Any]]) -> None:
    """Print the results, one line per item."""
    print(" ".join(f"{name:>{w}}" if name != "item" else f"{name:<{w}}" for name, w in COLUMNS))
    for row in rows:
        cells = []
        for name, width in COLUMNS:
            text = fmt(row.get(name))
            cells.append(f"{text[:width]:<{width}}" if name == "item" else f"{text:>{width}}")
        print(" ".join(cells))
    for row in rows:
        if row.get("status") == "failed":
            print(f"FAILED {row['item']}:\n{row.get('error', '')[-800:]}")


def main(argv: list[str] | None = None) -> int:
    """Command line (driver, or ``--worker NAME`` inside a fresh process)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per item (median, min, max)")
    parser.add_argument("--whole-repeats", type=int, default=1, help="runs of make all/test")
    parser.add_argument("--skip-whole", action="store_true", help="leave out make all/test")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 repeat, a small grid, no make all/test (for debugging the benchmark)",
    )
    parser.add_argument("--only", default="", help=f"comma-separated groups: {','.join(GROUPS)}")
    # Grid defaults mirror notebook 03's parameters cell (KS, SEEDS, GRID_LDA, NO_BELOW...).
    parser.add_argument("--grid-ks", default="4,6,8,10,12,15,20", help="k values of the grid")
    parser.add_argument("--grid-seeds", default="1,2,3", help="seeds of the grid")
    parser.add_argument("--grid-passes", type=int, default=10, help="LDA passes in the grid")
    parser.add_argument("--grid-iterations", type=int, default=50, help="LDA iterations")
    parser.add_argument("--grid-no-below", type=int, default=5, help="prepare_corpus no_below")
    parser.add_argument("--grid-no-above", type=float, default=0.5, help="prepare_corpus no_above")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        os.environ.setdefault("PYTHONHASHSEED", "0")
        print(json.dumps(WORKERS[args.worker](args)))
        return 0

    groups = [g for g in args.only.split(",") if g] or list(GROUPS)
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s) {sorted(unknown)}; choose from {', '.join(GROUPS)}")
    if args.quick:
        args.repeats = 1
        args.grid_ks, args.grid_seeds, args.grid_passes = "4,8", "1,2", 5
        if not args.only:
            groups = [g for g in groups if g not in WHOLE]
    if args.skip_whole:
        groups = [g for g in groups if g not in WHOLE]
    if "notebooks" in groups or any(g in groups for g in WHOLE):
        groups = ["floor", *[g for g in groups if g != "floor"]]

    rows: list[dict[str, Any]] = []
    if any(g in groups for g in ("make_corpus", *WHOLE)):
        # Untimed: make's first run installs requirements.txt into the venv (stamp file).
        venv = Path(sys.executable).parent.parent
        print(f"[{time.strftime('%H:%M:%S')}] make install VENV={venv} (untimed warm-up)")
        subprocess.run(["make", "install", f"VENV={venv}"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory(prefix="dcs_bench_") as name:
        tmp = Path(name)
        for group in groups:
            print(f"[{time.strftime('%H:%M:%S')}] {group} ...", flush=True)
            if group in WHOLE:
                new = bench_whole(args, "all" if group == "main_job" else "test")
            else:
                new = globals()[f"bench_{group}"](args, tmp)
            for row in new:
                row.pop("_last_stdout", None)
            rows += new
    apply_targets(rows)
    print_table(rows)

    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "repeats": args.repeats,
        "whole_repeats": args.whole_repeats,
        "quick": args.quick,
        "groups": groups,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "bench.json").write_text(
        json.dumps({"meta": meta, "rows": rows}, indent=1, default=str) + "\n", encoding="utf-8"
    )
    fields = [name for name, _ in COLUMNS] + ["group", "note", "command", "error"]
    with (OUT_DIR / "bench.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"load average at end: {meta['load_average_at_end']}; wrote bench/out/bench.json, .csv")
    return 1 if any(r.get("status") == "failed" for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
