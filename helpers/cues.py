"""Problem / cause / solution cues: a lexicon of regular expressions, checked against people.

``data/cues_problem_cause_solution.csv`` has one cue per row: ``frame`` (problem, cause or
solution), ``pattern`` (a regular expression, matched case-insensitively), ``use`` (yes/no:
whether the notebook counts it) and ``notes`` (what it catches; for ``use = no`` why it was
dropped: a topic noun such as "poverty" or "programme", or too low a precision on the
tuning part of the hand-coded sentences).

* ``cue_counts``: matches of each frame per sentence.
* ``cue_precision``: per cue, how many tuning sentences it fires on and the share of those
  the coders marked with the cue's frame.
* ``frame_agreement``: per frame, the cue detector against the human code (precision,
  recall, Cohen's kappa, each with a bootstrap interval over sentences).
* ``problem_before_solution``: per post, whether the first problem cue precedes the last
  solution cue, for the observed order or for reorderings drawn by a null model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.arc_nulls import null_indices
from helpers.lexicons import load_lexicon
from helpers.paths import DATA_DIR
from helpers.stats import bootstrap_ci, bootstrap_ci_by_group, cohen_kappa
from helpers.textnorm import fold_quotes

__all__ = [
    "CUES_PATH",
    "FRAMES",
    "cue_counts",
    "cue_matches",
    "cue_precision",
    "frame_agreement",
    "load_cues",
    "problem_before_solution",
]

CUES_PATH: Path = DATA_DIR / "cues_problem_cause_solution.csv"
FRAMES = ("problem", "cause", "solution")


def load_cues(path: Path = CUES_PATH, used_only: bool = False) -> pd.DataFrame:
    """Read the cue lexicon (``frame, pattern, use, notes``) and check every row.

    Raises ``ValueError`` naming the file for unknown frames, ``use`` other than yes/no,
    duplicated patterns or patterns that do not compile. Adds a ``cue_id`` column
    (``problem_01`` ...). ``used_only`` keeps the rows with ``use = yes``.
    """
    path = Path(path)
    frame = load_lexicon(
        path,
        ["frame", "pattern", "use", "notes"],
        key="pattern",
        not_empty=("frame", "pattern", "use"),
    )
    if bad := sorted(set(frame["frame"]) - set(FRAMES)):
        raise ValueError(f"{path.name}: unknown frames {bad}")
    if bad := sorted(set(frame["use"]) - {"yes", "no"}):
        raise ValueError(f"{path.name}: 'use' must be yes or no, not {bad}")
    for row in frame.itertuples():
        try:
            re.compile(row.pattern)
        except re.error as err:
            raise ValueError(f"{path.name}: bad pattern on row {row.Index + 2}: {err}") from err
    frame["cue_id"] = (
        frame["frame"] + "_" + (frame.groupby("frame").cumcount() + 1).map("{:02d}".format)
    )
    if used_only:
        frame = frame[frame["use"] == "yes"].reset_index(drop=True)
    return frame


def cue_matches(sentences: Sequence[str], cues: pd.DataFrame) -> pd.DataFrame:
    """Per sentence (rows) and cue (columns ``cue_id``), the number of matches."""
    texts = [fold_quotes(s) for s in sentences]
    data = {
        row.cue_id: [len(re.findall(row.pattern, t, flags=re.IGNORECASE)) for t in texts]
        for row in cues.itertuples()
    }
    return pd.DataFrame(data, index=range(len(texts)), columns=list(cues["cue_id"])).astype(int)


def cue_counts(sentences: Sequence[str], cues: pd.DataFrame) -> pd.DataFrame:
    """Per sentence, the number of cue matches of each frame (columns problem/cause/solution)."""
    if "cue_id" not in cues:
        cues = cues.assign(cue_id=[f"c{i}" for i in range(len(cues))])
    matches = cue_matches(sentences, cues)
    out = pd.DataFrame(0, index=matches.index, columns=list(FRAMES))
    for name in FRAMES:
        ids = list(cues.loc[cues["frame"] == name, "cue_id"])
        if ids:
            out[name] = matches[ids].sum(axis=1)
    return out.astype(int)


def cue_precision(matches: pd.DataFrame, cues: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Per cue: ``fires`` (sentences it matches) and ``precision`` (share the coders marked
    with the cue's frame). ``matches`` and ``codes`` share their index (one row per sentence)."""
    rows = []
    for row in cues.itertuples():
        fired = matches[row.cue_id] > 0
        n = int(fired.sum())
        hits = int(codes.loc[fired, row.frame].sum()) if n else 0
        rows.append(
            {
                "cue_id": row.cue_id,
                "frame": row.frame,
                "pattern": row.pattern,
                "fires": n,
                "correct": hits,
                "precision": hits / n if n else float("nan"),
            }
        )
    return pd.DataFrame(rows).set_index("cue_id")


def _precision(pairs: np.ndarray) -> float:
    predicted = pairs[:, 1] > 0
    return float(pairs[predicted, 0].mean()) if predicted.any() else float("nan")


def _recall(pairs: np.ndarray) -> float:
    actual = pairs[:, 0] > 0
    return float((pairs[actual, 1] > 0).mean()) if actual.any() else float("nan")


def _kappa(pairs: np.ndarray) -> float:
    return cohen_kappa(pairs[:, 0] > 0, pairs[:, 1] > 0, labels=[False, True])


def frame_agreement(
    human: pd.DataFrame,
    detected: pd.DataFrame,
    n_boot: int = 1000,
    seed: int = 0,
    groups: Sequence[object] | None = None,
) -> pd.DataFrame:
    """Per frame: human and detector prevalence, precision, recall and kappa with intervals.

    The intervals resample sentences, or with ``groups`` (each sentence's post) whole posts
    (sorted post ids; all their sentences kept), since sentences of one post are alike."""
    if groups is not None:
        groups = [str(g) for g in groups]
        if len(groups) != len(human):
            raise ValueError(f"groups has {len(groups)} entries for {len(human)} sentences")
    rows = []
    for name in FRAMES:
        pairs = np.c_[human[name].to_numpy() > 0, detected[name].to_numpy() > 0].astype(float)
        row: dict[str, float | str | int] = {
            "frame": name,
            "n": len(pairs),
            "human_share": float(pairs[:, 0].mean()),
            "cue_share": float(pairs[:, 1].mean()),
        }
        for label, metric in [("precision", _precision), ("recall", _recall), ("kappa", _kappa)]:
            if groups is None:
                value, low, high = bootstrap_ci(pairs, metric, n_boot=n_boot, seed=seed)
            else:
                value, low, high = bootstrap_ci_by_group(
                    groups, lambda rows, m=metric, p=pairs: m(p[rows]), n_boot, seed
                )
            row.update({label: value, f"{label}_low": low, f"{label}_high": high})
        rows.append(row)
    return pd.DataFrame(rows).set_index("frame")


def problem_before_solution(
    problem_by_post: Sequence[np.ndarray],
    solution_by_post: Sequence[np.ndarray],
    kind: str | None = None,
    n_reps: int = 1000,
    seed: int = 0,
    block: int = 3,
) -> np.ndarray:
    """Whether the first problem sentence precedes the last solution sentence, per post.

    Inputs are per-post boolean (or count) arrays over sentences in order. With
    ``kind=None`` returns ``(n_posts,)`` booleans for the order as written; with a null
    kind (see ``helpers.arc_nulls``) returns ``(n_reps, n_posts)`` under reorderings that
    move both cue types together (a sentence keeps its cues). Posts lacking either frame
    are False.
    """
    rng = np.random.default_rng(seed)
    columns = []
    for problem, solution in zip(problem_by_post, solution_by_post, strict=True):
        problem = np.asarray(problem) > 0
        solution = np.asarray(solution) > 0
        n = len(problem)
        idx = np.arange(n)[None, :] if kind is None else null_indices(n, kind, n_reps, rng, block)
        p, s = problem[idx], solution[idx]
        positions = np.arange(n)[None, :]
        first_p = np.where(p, positions, n).min(axis=1)
        last_s = np.where(s, positions, -1).max(axis=1)
        columns.append((p.any(axis=1) & s.any(axis=1)) & (first_p < last_s))
    out = np.column_stack(columns) if columns else np.zeros((1, 0), dtype=bool)
    return out[0] if kind is None else out
