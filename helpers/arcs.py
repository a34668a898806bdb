"""Narrative arcs on a normalised time axis: smoothing, sequences and shapes.

* Arcs: each post's sentence valences are placed at the mid-points of equal slices of
  0-100% and smoothed onto a fixed grid with a Gaussian kernel (Nadaraya-Watson), so that
  posts of 15 and 60 sentences become comparable 20-point curves.
* Sequences: ``classify_sequence`` / ``classify_sequences`` find a negative low point
  followed by a lasting rise to a positive close ("dip then rise") and the mirror image
  ("peak then fall"). They are named for what they measure on the valence curve; they are
  not validated as McAdams's redemption and contamination sequences.
* Shapes: ``cluster_arcs`` (k-means on centred arcs) and ``name_shape`` (a name for a
  centroid from its start, middle and end).

The module is split along its seams: valence measures live in ``helpers.valence``, null
models in ``helpers.arc_nulls``, framing cues in ``helpers.cues`` and periods in
``helpers.periods``. ``DomainVader``, ``load_valence_overrides`` and ``pattern_polarity``
are re-exported here for the notebooks that import them from ``helpers.arcs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from helpers.stats import bootstrap_draws, percentile_interval
from helpers.valence import (  # noqa: F401  (re-exported for notebooks 05-06)
    OVERRIDES_PATH,
    DomainVader,
    load_valence_overrides,
    pattern_polarity,
)

SEQUENCES = ("dip_then_rise", "peak_then_fall", "neither")


# ---------------------------------------------------------------------------
# Arcs
# ---------------------------------------------------------------------------


def grid(n_bins: int = 20) -> np.ndarray:
    """Bin centres on 0..1: ``(b + 0.5) / n_bins``."""
    if n_bins < 2:
        raise ValueError("n_bins must be at least 2")
    return (np.arange(n_bins) + 0.5) / n_bins


def kernel_weights(n_sent: int, n_bins: int = 20, bandwidth: float = 0.1) -> np.ndarray:
    """Row-normalised Gaussian weights (``n_bins`` x ``n_sent``) for kernel smoothing.

    Sentence ``i`` of ``n`` sits at normalised time ``(i + 0.5) / n``.
    """
    if n_sent < 1:
        raise ValueError("a post needs at least one sentence")
    if bandwidth <= 0:
        raise ValueError("bandwidth must be positive")
    times = (np.arange(n_sent) + 0.5) / n_sent
    weights = np.exp(-0.5 * ((grid(n_bins)[:, None] - times[None, :]) / bandwidth) ** 2)
    return weights / weights.sum(axis=1, keepdims=True)


def smooth_arc(values: Sequence[float], n_bins: int = 20, bandwidth: float = 0.1) -> np.ndarray:
    """Kernel-smoothed arc of one post's sentence values on ``n_bins`` grid points."""
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or np.isnan(array).any():
        raise ValueError("values must be a 1-D sequence without NaN")
    return kernel_weights(len(array), n_bins, bandwidth) @ array


def arcs_by_post(
    sentences: pd.DataFrame,
    value: str,
    n_bins: int = 20,
    bandwidth: float = 0.1,
) -> pd.DataFrame:
    """One smoothed arc per post: index ``doc_id``, columns ``t00..t{n_bins-1}``.

    ``sentences`` needs ``doc_id``, ``position`` and the ``value`` column; sentences are
    ordered by ``position`` inside each post.
    """
    if missing := {"doc_id", "position", value} - set(sentences.columns):
        raise ValueError(f"sentences table lacks {sorted(missing)}")
    columns = [f"t{b:02d}" for b in range(n_bins)]
    rows = {}
    for doc_id, group in sentences.sort_values(["doc_id", "position"]).groupby("doc_id", sort=True):
        rows[doc_id] = smooth_arc(group[value].to_numpy(), n_bins, bandwidth)
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("doc_id")


def bootstrap_band(
    arcs: np.ndarray, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap band of the mean arc, resampling posts with replacement."""
    arcs = np.asarray(arcs, dtype=float)
    means = arcs[bootstrap_draws(len(arcs), n_boot, seed)].mean(axis=1)
    return percentile_interval(means, level)


def end_minus_start(arcs: np.ndarray, share: float = 0.2) -> np.ndarray:
    """Per arc: mean of the last ``share`` of grid points minus mean of the first ``share``."""
    arcs = np.atleast_2d(np.asarray(arcs, dtype=float))
    k = max(1, int(round(arcs.shape[1] * share)))
    return arcs[:, -k:].mean(axis=1) - arcs[:, :k].mean(axis=1)


def classify_sequences(arcs: np.ndarray, delta: float = 0.2, latest: float = 0.75) -> np.ndarray:
    """Sequence label of every smoothed arc along the last axis (vectorised).

    With ``low``/``high`` the lowest/highest point of an arc before ``latest`` of the post
    and ``tail`` the mean of its final quarter:

    * ``dip_then_rise``: the low point is negative and below the arc's mean, ``tail`` is
      positive and at least ``delta`` above the low point, and the mean of everything from
      the low point on is at least ``delta / 2`` above it (the rise lasts);
    * ``peak_then_fall``: the high point is above the arc's mean, ``tail`` is negative and
      at least ``delta`` below it, and the mean from the high point on is at least
      ``delta / 2`` below it.

    If both hold, the larger change wins. Returns a string array of the arcs' leading shape.
    """
    a = np.asarray(arcs, dtype=float)
    if a.ndim < 1 or a.shape[-1] < 4:
        raise ValueError("arcs must have at least 4 points on the last axis")
    n = a.shape[-1]
    cut = max(1, int(np.floor(latest * n)))
    tail = a[..., -max(1, n // 4) :].mean(axis=-1)
    mean = a.mean(axis=-1)
    suffix = np.cumsum(a[..., ::-1], axis=-1)[..., ::-1] / np.arange(n, 0, -1)
    low = np.argmin(a[..., :cut], axis=-1)
    high = np.argmax(a[..., :cut], axis=-1)
    low_value = np.take_along_axis(a, low[..., None], axis=-1)[..., 0]
    high_value = np.take_along_axis(a, high[..., None], axis=-1)[..., 0]
    after_low = np.take_along_axis(suffix, low[..., None], axis=-1)[..., 0]
    after_high = np.take_along_axis(suffix, high[..., None], axis=-1)[..., 0]
    rise, fall = tail - low_value, high_value - tail
    up = (
        (low_value < 0)
        & (low_value < mean)
        & (tail > 0)
        & (rise >= delta)
        & (after_low >= low_value + delta / 2)
    )
    down = (
        (high_value > mean) & (tail < 0) & (fall >= delta) & (after_high <= high_value - delta / 2)
    )
    out = np.full(a.shape[:-1], "neither", dtype=object)
    out[up & (~down | (rise >= fall))] = "dip_then_rise"
    out[down & (~up | (fall > rise))] = "peak_then_fall"
    return out


def classify_sequence(arc: Sequence[float], delta: float = 0.2, latest: float = 0.75) -> str:
    """Sequence label of one smoothed arc (see ``classify_sequences``)."""
    a = np.asarray(arc, dtype=float)
    if a.ndim != 1:
        raise ValueError("arc must be 1-D")
    return str(classify_sequences(a, delta, latest))


def name_shape(centroid: Sequence[float], tolerance: float = 0.25) -> str:
    """A plain name for a centred arc shape from its start, middle and end.

    ``start``/``end`` are the means of the first/last quarter, ``middle`` of the middle
    half; ``trend`` is end minus start and ``bend`` the middle minus the mean of start and
    end. A difference counts when it exceeds ``tolerance`` times the shape's largest absolute
    value. When the bend is at least as large as the trend the shape is a "dip in the middle"
    or "peak in the middle" (with ", ending higher/lower" when the trend counts too);
    otherwise it is "rising" or "falling" (with ", dip/peak in the middle" when the bend
    counts); with neither it is "flat".
    """
    c = np.asarray(centroid, dtype=float)
    if c.ndim != 1 or len(c) < 4:
        raise ValueError("centroid must be 1-D with at least 4 points")
    q = max(1, len(c) // 4)
    start, end = c[:q].mean(), c[-q:].mean()
    middle = c[q:-q].mean() if len(c) > 2 * q else c.mean()
    scale = np.abs(c).max()
    if scale == 0:
        return "flat"
    threshold = tolerance * scale
    trend = end - start
    bend = middle - (start + end) / 2
    moving, bent = abs(trend) > threshold, abs(bend) > threshold
    turn = "dip" if bend < 0 else "peak"
    if bent and abs(bend) >= abs(trend):
        ending = f", ending {'higher' if trend > 0 else 'lower'}" if moving else ""
        return f"{turn} in the middle{ending}"
    if moving:
        word = "rising" if trend > 0 else "falling"
        return f"{word}, {turn} in the middle" if bent else word
    return "flat"


def cluster_arcs(
    arcs: np.ndarray, k: int, seed: int = 0, n_init: int = 20
) -> tuple[np.ndarray, np.ndarray, float]:
    """K-means on arc shapes (each arc centred on its own mean): labels, centroids, inertia.

    Labels are renumbered so cluster 0 is the largest (ties: lower original id), making
    the numbering stable across runs with the same seed. K-means runs on one thread: on
    a few hundred arcs more threads gain nothing, and OpenMP threads that spin while
    other processes hold the cores (the test suite runs two at once) made it 10x slower.
    """
    shapes = np.asarray(arcs, dtype=float)
    shapes = shapes - shapes.mean(axis=1, keepdims=True)
    with threadpool_limits(limits=1):
        model = KMeans(n_clusters=k, random_state=seed, n_init=n_init).fit(shapes)
    sizes = np.bincount(model.labels_, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    remap = {old: new for new, old in enumerate(order)}
    labels = np.array([remap[c] for c in model.labels_])
    centroids = model.cluster_centers_[order]
    return labels, centroids, float(model.inertia_)


@dataclass
class TopicSelection:
    """Which posts belong to which topic, and which topics are compared.

    ``topic_of`` maps ``doc_id`` to the dominant topic (int); ``labels`` maps a topic to its
    label; ``tested`` lists the topics to compare; ``stable`` is the set of topics notebook 04
    marks stable (``None`` when its summary has no ``stable`` column); ``note`` says why no
    comparison is possible (``None`` when it is).
    """

    topic_of: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    labels: dict[int, str] = field(default_factory=dict)
    tested: list[int] = field(default_factory=list)
    stable: set[int] | None = None
    note: str | None = None


def _truthy(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.lower().isin({"true", "1", "yes"})


def topics_to_compare(
    doc_topics: pd.DataFrame | None,
    summary: pd.DataFrame | None = None,
    name: str = "doc_topics.csv",
) -> TopicSelection:
    """Read notebook 04's tables defensively, for any number of topics.

    ``doc_topics`` needs ``doc_id, dominant_topic, dominant_label`` (a ``ValueError`` names
    ``name`` otherwise). A missing table, or one whose labels are marked "[stale]" or
    "placeholder", gives a selection with a ``note`` and nothing to test. When ``summary``
    has ``topic`` and ``stable`` columns, only stable topics are tested.
    """
    if doc_topics is None:
        return TopicSelection(note="the topic table is missing (run notebook 04 first)")
    if missing := {"doc_id", "dominant_topic", "dominant_label"} - set(doc_topics.columns):
        raise ValueError(f"{name} lacks columns {sorted(missing)}")
    stale = (
        doc_topics["dominant_label"].astype(str).str.contains(r"\[stale\]|placeholder", case=False)
    )
    if stale.any():
        return TopicSelection(
            note="the topic table is a placeholder or its labels are stale (rerun notebook 04)"
        )
    rows = doc_topics.dropna(subset=["dominant_topic"])
    topic_of = rows.set_index("doc_id")["dominant_topic"].astype(int)
    labels = {
        int(t): str(lab)
        for t, lab in rows.drop_duplicates("dominant_topic")[
            ["dominant_topic", "dominant_label"]
        ].itertuples(index=False)
    }
    tested = sorted(set(topic_of.tolist()))
    stable = None
    if summary is not None and {"topic", "stable"} <= set(summary.columns):
        stable = set(summary.loc[_truthy(summary["stable"]), "topic"].astype(int))
        tested = [t for t in tested if t in stable]
    note = None if tested else "no topic is marked stable by notebook 04"
    return TopicSelection(topic_of, labels, tested, stable, note)
