"""Scale benchmark: segmentation, text preparation and one LDA fit at 1x, 10x, 100x.

For every scale (a synthetic corpus from ``bench/make_synthetic.py``; 1x is the
real ``corpus/raw``) four steps run, each in a fresh Python process so that
peak memory is the step's own:

``segment``
    ``helpers.segment.segment_corpus(raw_dir)`` + ``write_outputs(result, out)``
    into ``corpus/synthetic/<scale>x/segmented/`` (never ``corpus/segmented``).
    The reprint search (``find_reprints``) and the dating step are timed
    separately by wrapping them (their behaviour is unchanged).
``segment_pairwise``
    The same with ``find_reprints`` replaced by ``find_reprints_pairwise``, the
    quadratic reference version (same result, tested), to show what it would cost.
``in_memory``
    ``helpers.text_prep.prepare_corpus`` on the distinct posts' texts (token
    lists held in memory; the posts segmentation wrote at that scale, or the
    generator's ``posts_expected.csv`` if no segmentation finished), then
    ``helpers.topics.fit_lda`` on the list bag-of-words.
``streamed``
    ``bench.scale.prepare_streamed`` (token files + ``MmCorpus`` on disk),
    then ``bench.scale.fit_lda_streamed`` reading the corpus from disk.

Both LDA fits use the same k, seed, passes and iterations (``--k``,
``--passes``, ``--iterations``: fewer passes than the notebooks, so that 100x
finishes; time grows linearly with passes). Peak memory is the process's
``ru_maxrss`` (high-water resident set), also given above the baseline taken
after imports. Growth exponents are least-squares slopes of log(value) on
log(scale) over the scales that finished ("exponent"), and between the two
largest that finished ("last two": closer to the asymptotic growth, since fixed
costs such as imports and lexicon loading flatten the small scales). A step
over ``--timeout`` seconds is killed and reported as a lower bound.

The size switch is a parameter: the scale picks the raw folder
(``corpus/synthetic/<scale>x/raw``) and the output folder, and the library
functions take those paths explicitly; no code or environment changes.

Usage::

    .venv/bin/python bench/scale_bench.py [--scales 1 10 100] [--timeout 300] [--quick]

Writes ``bench/out/scale.json`` and ``bench/out/scale.csv`` (``--tag T``:
``scale-T.json``/``.csv``) and prints a table.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

OUT_DIR = ROOT / "bench" / "out"
STEPS = ("segment", "segment_pairwise", "in_memory", "streamed")
LDA_SEED = 1


def _rss_mb() -> float:
    """This process's peak resident set so far, in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fallback_dates(frame: Any) -> Any:
    """Provisional dates (byline date or mid-period) used only if helpers.dating fails."""
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    out["date"] = frame["byline_date"].fillna(pd.Timestamp("2019-01-01"))
    out["date_precision"] = ["day" if pd.notna(d) else "estimated" for d in frame["byline_date"]]
    out["date_low"] = frame["byline_date"].fillna(pd.Timestamp("2016-01-01"))
    out["date_high"] = frame["byline_date"].fillna(pd.Timestamp("2024-12-31"))
    out["date_basis"] = "PROVISIONAL (benchmark fallback: helpers.dating failed)"
    return out


def paths_for(scale: int) -> tuple[Path, Path]:
    """(raw folder, segmented output folder) of a scale; 1x reads the real corpus/raw."""
    from bench.make_synthetic import scale_dir
    from helpers.paths import RAW_DIR

    base = scale_dir(scale)
    return (RAW_DIR if scale == 1 else base / "raw"), base / "segmented"


# ----------------------------------------------------------------------------
# Workers (run in a fresh process; print one JSON line)
# ----------------------------------------------------------------------------
def worker_segment(scale: int, args: argparse.Namespace, pairwise: bool = False) -> dict[str, Any]:
    """Segment the corpus of ``scale`` and write its CSVs; time the parts.

    ``pairwise``: replace ``find_reprints`` by the quadratic reference
    ``find_reprints_pairwise`` (same output, see tests/test_scale.py).
    """
    import helpers.segment as seg

    raw_dir, out_dir = paths_for(scale)
    timers = {"reprints_s": 0.0, "dating_s": 0.0}
    notes: list[str] = []
    find_reprints, estimate = seg.find_reprints, seg._estimate_dates
    if pairwise:
        find_reprints = seg.find_reprints_pairwise

    def timed_reprints(*a: Any, **kw: Any) -> Any:
        start = time.perf_counter()
        try:
            return find_reprints(*a, **kw)
        finally:
            timers["reprints_s"] += time.perf_counter() - start

    def timed_dates(frame: Any) -> Any:
        start = time.perf_counter()
        try:
            return estimate(frame)
        except Exception as err:  # dating module missing or failing: note it, go on
            notes.append(f"helpers.dating failed ({type(err).__name__}: {err}); fallback dates")
            return _fallback_dates(frame)
        finally:
            timers["dating_s"] += time.perf_counter() - start

    seg.find_reprints, seg._estimate_dates = timed_reprints, timed_dates
    base = _rss_mb()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = seg.segment_corpus(raw_dir)
    seg_s = time.perf_counter() - start
    seg.write_outputs(result, out_dir)
    total = time.perf_counter() - start
    return {
        "seconds": total,
        "segment_s": seg_s,
        "write_s": total - seg_s,
        **timers,
        "other_s": seg_s - timers["reprints_s"] - timers["dating_s"],
        "baseline_mb": base,
        "peak_mb": _rss_mb(),
        "peak_above_baseline_mb": _rss_mb() - base,
        "n_posts": len(result.posts),
        "n_reprints": int(result.posts["duplicate_of"].notna().sum()),
        "n_paragraphs": len(result.paragraphs),
        "notes": notes,
    }


def _lda_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {"passes": args.passes, "iterations": args.iterations}


def worker_in_memory(scale: int, args: argparse.Namespace) -> dict[str, Any]:
    """prepare_corpus + fit_lda with everything in memory."""
    import pandas as pd

    from helpers.text_prep import prepare_corpus
    from helpers.topics import fit_lda

    base = _rss_mb()
    start = time.perf_counter()
    posts = pd.read_csv(args.input, usecols=["duplicate_of", "text"])
    texts = posts.loc[posts["duplicate_of"].isna(), "text"].tolist()
    del posts
    prepared = prepare_corpus(texts)
    prep_s = time.perf_counter() - start
    prep_mb = _rss_mb()
    start = time.perf_counter()
    fit_lda(prepared.bow, prepared.dictionary, args.k, LDA_SEED, **_lda_kwargs(args))
    fit_s = time.perf_counter() - start
    return {
        "seconds": prep_s + fit_s,
        "prep_s": prep_s,
        "fit_s": fit_s,
        "baseline_mb": base,
        "prep_peak_mb": prep_mb,
        "peak_mb": _rss_mb(),
        "prep_above_baseline_mb": prep_mb - base,
        "peak_above_baseline_mb": _rss_mb() - base,
        "n_docs": len(prepared.bow),
        "n_tokens": int(sum(len(d) for d in prepared.docs)),
        "vocabulary": len(prepared.dictionary),
    }


def worker_streamed(scale: int, args: argparse.Namespace) -> dict[str, Any]:
    """prepare_streamed + fit_lda_streamed with one document in memory at a time."""
    from bench.scale import fit_lda_streamed, iter_post_texts, prepare_streamed

    base = _rss_mb()
    with tempfile.TemporaryDirectory(prefix="dcs_stream_") as tmp:
        start = time.perf_counter()
        prepared = prepare_streamed(iter_post_texts(Path(args.input)), Path(tmp))
        prep_s = time.perf_counter() - start
        prep_mb = _rss_mb()
        disk_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        start = time.perf_counter()
        fit_lda_streamed(
            prepared.corpus_path, prepared.dictionary, args.k, LDA_SEED, **_lda_kwargs(args)
        )
        fit_s = time.perf_counter() - start
    return {
        "seconds": prep_s + fit_s,
        "prep_s": prep_s,
        "fit_s": fit_s,
        "baseline_mb": base,
        "prep_peak_mb": prep_mb,
        "peak_mb": _rss_mb(),
        "prep_above_baseline_mb": prep_mb - base,
        "peak_above_baseline_mb": _rss_mb() - base,
        "disk_mb": disk_mb,
        "n_docs": prepared.n_docs,
        "vocabulary": len(prepared.dictionary),
    }


WORKERS = {
    "segment": worker_segment,
    "segment_pairwise": lambda scale, args: worker_segment(scale, args, pairwise=True),
    "in_memory": worker_in_memory,
    "streamed": worker_streamed,
}


# ----------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------
def run_step(
    step: str, scale: int, args: argparse.Namespace, posts_input: Path | None = None
) -> dict[str, Any]:
    """Run one worker in a fresh process; add its wall time, or a timeout/failure record."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        step,
        "--scales",
        str(scale),
        "--k",
        str(args.k),
        "--passes",
        str(args.passes),
        "--iterations",
        str(args.iterations),
        *(["--input", str(posts_input)] if posts_input else []),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=args.timeout, env=env, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "process_s": time.perf_counter() - start}
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"status": "failed", "process_s": wall, "error": proc.stderr.strip()[-2000:]}
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"status": "ok", "process_s": wall, **record}


def choose_posts_input(scale: int, done: dict[str, dict[str, Any]]) -> tuple[Path | None, str]:
    """Posts table for the preparation steps, and a note when it is not segmentation's own.

    Segmentation's posts.csv when a segmentation step finished in this run (both
    variants write the same files) or none was run and its output exists;
    otherwise the generator's posts_expected.csv (1x: corpus/segmented/posts.csv).
    """
    from helpers.paths import POSTS_PATH

    seg_posts = paths_for(scale)[1] / "posts.csv"
    expected = paths_for(scale)[1].parent / "posts_expected.csv"
    runs = [done[s] for s in ("segment", "segment_pairwise") if s in done]
    if seg_posts.exists() and (not runs or any(r.get("status") == "ok" for r in runs)):
        return seg_posts, ""
    if scale == 1 and POSTS_PATH.exists():
        return POSTS_PATH, "input is corpus/segmented/posts.csv (segmentation did not finish)"
    if scale > 1 and expected.exists():
        return expected, (
            "input is the generator's posts_expected.csv: segmentation did not finish, "
            "so reprints were not removed"
        )
    return None, "no segmented corpus"


def growth_exponent(scales: list[int], values: list[float]) -> float | None:
    """Least-squares slope of log(value) on log(scale); None with fewer than 2 usable points."""
    points = [(math.log(s), math.log(v)) for s, v in zip(scales, values, strict=True) if v > 0]
    if len(points) < 2 or len({x for x, _ in points}) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx


FIGURES = {
    "segment": [
        "seconds",
        "reprints_s",
        "dating_s",
        "other_s",
        "peak_mb",
        "peak_above_baseline_mb",
    ],
    "segment_pairwise": ["seconds", "reprints_s", "dating_s", "other_s", "peak_above_baseline_mb"],
    "in_memory": [
        "seconds",
        "prep_s",
        "fit_s",
        "peak_mb",
        "prep_above_baseline_mb",
        "peak_above_baseline_mb",
    ],
    "streamed": [
        "seconds",
        "prep_s",
        "fit_s",
        "peak_mb",
        "prep_above_baseline_mb",
        "peak_above_baseline_mb",
        "disk_mb",
    ],
}


def summarise(results: dict[int, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per (step, figure): value at each scale and the fitted growth exponent."""
    rows = []
    scales = sorted(results)
    for step in STEPS:
        if not any(step in results[scale] for scale in scales):
            continue
        for figure in FIGURES[step]:
            row: dict[str, Any] = {"step": step, "figure": figure}
            xs, ys = [], []
            for scale in scales:
                rec = results[scale].get(step, {})
                if rec.get("status") == "ok" and figure in rec:
                    row[f"{scale}x"] = rec[figure]
                    xs.append(scale)
                    ys.append(rec[figure])
                elif rec.get("status") == "timeout" and figure == "seconds":
                    row[f"{scale}x"] = f">{rec['process_s']:.0f} timeout"
                else:
                    row[f"{scale}x"] = rec.get("status", "not run")
            row["exponent"] = growth_exponent(xs, ys)
            row["exponent_last2"] = growth_exponent(xs[-2:], ys[-2:])
            rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]], scales: list[int]) -> None:
    """Print the summary rows as a fixed-width table."""
    header = ["step", "figure", *[f"{s}x" for s in scales], "exponent", "last two"]
    widths = [14, 24, *[14] * len(scales), 9, 9]
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    for row in rows:
        cells = [row["step"], row["figure"]]
        for s in scales:
            value = row[f"{s}x"]
            cells.append(f"{value:.2f}" if isinstance(value, float) else str(value))
        for key in ("exponent", "exponent_last2"):
            cells.append("" if row[key] is None else f"{row[key]:.2f}")
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    """Command line (driver, or ``--worker STEP`` inside a fresh process)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated subset")
    parser.add_argument("--k", type=int, default=10, help="topics of the LDA fit")
    parser.add_argument("--passes", type=int, default=2, help="LDA passes (notebooks use 20)")
    parser.add_argument("--iterations", type=int, default=50, help="LDA iterations per document")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per step")
    parser.add_argument("--seed", type=int, default=None, help="synthetic corpus seed")
    parser.add_argument("--quick", action="store_true", help="scales 1 3 10, timeout 120 s")
    parser.add_argument("--tag", default="", help="write scale-<tag>.json/.csv instead")
    parser.add_argument("--worker", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        record = WORKERS[args.worker](args.scales[0], args)
        print(json.dumps(record))
        return 0

    from bench.make_synthetic import DEFAULT_SEED, ensure_synthetic

    if args.quick:
        args.scales, args.timeout = [1, 3, 10], min(args.timeout, 120)
    steps = [s for s in args.steps.split(",") if s]
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown step(s) {sorted(unknown)}; choose from {', '.join(STEPS)}")
    seed = DEFAULT_SEED if args.seed is None else args.seed
    results: dict[int, dict[str, dict[str, Any]]] = {}
    for scale in sorted(args.scales):
        if scale > 1:
            ensure_synthetic(scale, seed)
        results[scale] = {}
        for step in steps:
            posts_input = None
            if not step.startswith("segment"):
                posts_input, note = choose_posts_input(scale, results[scale])
                if posts_input is None:
                    results[scale][step] = {"status": "skipped", "notes": [note]}
                    continue
            print(f"[{time.strftime('%H:%M:%S')}] {scale}x {step} ...", flush=True)
            results[scale][step] = run_step(step, scale, args, posts_input)
            rec = results[scale][step]
            if posts_input is not None:
                rec["input"] = str(posts_input.relative_to(ROOT))
                if note:
                    rec.setdefault("notes", []).append(note)
            print(
                f"    {rec['status']}, {rec['process_s']:.1f} s"
                + (f", peak {rec['peak_mb']:.0f} MB" if "peak_mb" in rec else "")
                + (f"\n    {rec['error'][-600:]}" if "error" in rec else ""),
                flush=True,
            )
            for note in rec.get("notes", []):
                print(f"    note: {note}")
    rows = summarise(results)
    print_table(rows, sorted(results))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "settings": {
            "scales": sorted(results),
            "k": args.k,
            "passes": args.passes,
            "iterations": args.iterations,
            "timeout_s": args.timeout,
            "synthetic_seed": seed,
        },
    }
    stem = f"scale-{args.tag}" if args.tag else "scale"
    (OUT_DIR / f"{stem}.json").write_text(
        json.dumps({"meta": meta, "results": results, "summary": rows}, indent=1, default=str)
        + "\n",
        encoding="utf-8",
    )
    with (OUT_DIR / f"{stem}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote bench/out/{stem}.json and {stem}.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
