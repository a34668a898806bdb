"""Sentence valence and narrative arcs on a normalised time axis.

* Valence: VADER (vaderSentiment, MIT; its lexicon ships in the package) with domain
  overrides read from ``data/valence_overrides.csv``; a second, independent lexicon is
  Pattern's adjective lexicon shipped in TextBlob (TextBlob MIT; lexicon ``en-sentiment.xml``
  by De Smedt & Daelemans, PDDL), used as a robustness check.
* Arcs: each post's sentence valences are placed at the mid-points of equal slices of
  0-100% and smoothed onto a fixed grid with a Gaussian kernel (Nadaraya-Watson), so that
  posts of 15 and 60 sentences become comparable 20-point curves.
* Controls: a bootstrap band over posts and a shuffled-sentence null model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from textblob.en.sentiments import PatternAnalyzer
from threadpoolctl import threadpool_limits
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from helpers.paths import DATA_DIR

OVERRIDES_PATH: Path = DATA_DIR / "valence_overrides.csv"
CUES_PATH: Path = DATA_DIR / "cues_problem_cause_solution.csv"


# ---------------------------------------------------------------------------
# Valence
# ---------------------------------------------------------------------------


def load_valence_overrides(path: Path = OVERRIDES_PATH) -> pd.DataFrame:
    """Read the domain overrides: ``term, vader_original, new_valence, reason``.

    ``term`` is a word or a multi-word phrase (lower case). ``new_valence`` is on VADER's
    -4..+4 scale. Raises ``ValueError`` naming the file on missing columns, duplicated
    terms, empty reasons or valences outside -4..4.
    """
    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False)
    needed = {"term", "vader_original", "new_valence", "reason"}
    if missing := needed - set(frame.columns):
        raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
    if frame["term"].duplicated().any():
        raise ValueError(
            f"{path.name}: duplicated terms {frame['term'][frame['term'].duplicated()]}"
        )
    if (frame["reason"].str.strip() == "").any():
        raise ValueError(f"{path.name}: every override needs a reason")
    values = pd.to_numeric(frame["new_valence"], errors="raise")
    if ((values < -4) | (values > 4)).any():
        raise ValueError(f"{path.name}: new_valence must lie in -4..4")
    frame["new_valence"] = values.astype(float)
    return frame


def _phrase_token(term: str) -> str:
    return "zz" + re.sub(r"[^a-z]", "", term.lower())


class DomainVader:
    """VADER with word and phrase overrides.

    Single-word overrides replace the lexicon entry. Phrases ("child protection") are
    rewritten to one placeholder token before scoring, and the placeholder gets the
    phrase's valence, so that e.g. "requires improvement" (an Ofsted grade) is negative
    even though VADER scores "improvement" +2.0.
    """

    def __init__(self, overrides: pd.DataFrame | None = None) -> None:
        self.analyzer = SentimentIntensityAnalyzer()
        self.original = dict(self.analyzer.lexicon)
        self._phrases: list[tuple[re.Pattern[str], str]] = []
        if overrides is None:
            return
        for term, value in zip(overrides["term"], overrides["new_valence"], strict=True):
            term = term.strip().lower()
            if " " in term:
                token = _phrase_token(term)
                pattern = re.compile(
                    r"\b" + r"\s+".join(map(re.escape, term.split())) + r"\b", re.I
                )
                self._phrases.append((pattern, token))
                self.analyzer.lexicon[token] = float(value)
            elif float(value) == 0.0:
                self.analyzer.lexicon.pop(term, None)
            else:
                self.analyzer.lexicon[term] = float(value)
        # Longest phrases first so "multi-academy trust" wins over "academy trust".
        self._phrases.sort(key=lambda p: -len(p[1]))

    def prepare(self, sentence: str) -> str:
        """Rewrite override phrases to their placeholder tokens."""
        for pattern, token in self._phrases:
            sentence = pattern.sub(token, sentence)
        return sentence

    def compound(self, sentence: str) -> float:
        """VADER compound score (-1..1) of one sentence after the overrides."""
        return float(self.analyzer.polarity_scores(self.prepare(sentence))["compound"])

    def scores(self, sentences: Sequence[str]) -> np.ndarray:
        """Compound scores of many sentences."""
        return np.array([self.compound(s) for s in sentences], dtype=float)


def pattern_polarity(sentences: Sequence[str]) -> np.ndarray:
    """Polarity (-1..1) from Pattern's lexicon in TextBlob (no NLTK data needed)."""
    analyzer = PatternAnalyzer()
    return np.array([float(analyzer.analyze(s)[0]) for s in sentences], dtype=float)


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
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(arcs), size=(n_boot, len(arcs)))
    means = arcs[idx].mean(axis=1)
    alpha = (1 - level) / 2
    return np.quantile(means, alpha, axis=0), np.quantile(means, 1 - alpha, axis=0)


def shuffled_arcs(
    values_by_post: Sequence[np.ndarray],
    n_reps: int = 500,
    seed: int = 0,
    n_bins: int = 20,
    bandwidth: float = 0.1,
    statistic: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Pooled arcs after permuting sentence order within every post, ``n_reps`` times.

    Returns an ``(n_reps, n_bins)`` array of pooled (mean over posts) arcs, or, when
    ``statistic`` is given, ``statistic`` applied to each rep's ``(n_posts, n_bins)`` arc
    matrix (it must return a 1-D array, one value per post or a summary).
    """
    rng = np.random.default_rng(seed)
    weights = [kernel_weights(len(v), n_bins, bandwidth) for v in values_by_post]
    out = []
    for _ in range(n_reps):
        matrix = np.vstack(
            [w @ rng.permutation(v) for w, v in zip(weights, values_by_post, strict=True)]
        )
        out.append(matrix.mean(axis=0) if statistic is None else statistic(matrix))
    return np.array(out)


def end_minus_start(arcs: np.ndarray, share: float = 0.2) -> np.ndarray:
    """Per arc: mean of the last ``share`` of grid points minus mean of the first ``share``."""
    arcs = np.atleast_2d(np.asarray(arcs, dtype=float))
    k = max(1, int(round(arcs.shape[1] * share)))
    return arcs[:, -k:].mean(axis=1) - arcs[:, :k].mean(axis=1)


def classify_sequence(arc: Sequence[float], delta: float = 0.2, latest: float = 0.75) -> str:
    """Redemption, contamination or neither for one smoothed arc (McAdams's sequences).

    With ``low``/``high`` the lowest/highest point of the arc before ``latest`` of the post
    and ``tail`` the mean of its final quarter:

    * redemption (adversity, then a lasting rise): the low point is negative and below the
      post's mean, ``tail`` is positive and at least ``delta`` above it, and the mean of
      everything from the low point on is at least ``delta / 2`` above it;
    * contamination (a good state spoiled): the high point is above the post's mean, ``tail``
      is negative and at least ``delta`` below it, and the mean from the high point on is at
      least ``delta / 2`` below it.

    If both hold, the larger change wins.
    """
    a = np.asarray(arc, dtype=float)
    if a.ndim != 1 or len(a) < 4:
        raise ValueError("arc must be 1-D with at least 4 points")
    cut = max(1, int(np.floor(latest * len(a))))
    tail = a[-max(1, len(a) // 4) :].mean()
    mean = a.mean()
    low = int(np.argmin(a[:cut]))
    high = int(np.argmax(a[:cut]))
    rise = tail - a[low]
    fall = a[high] - tail
    redemption = bool(
        a[low] < 0
        and a[low] < mean
        and tail > 0
        and rise >= delta
        and a[low:].mean() >= a[low] + delta / 2
    )
    contamination = bool(
        a[high] > mean and tail < 0 and fall >= delta and a[high:].mean() <= a[high] - delta / 2
    )
    if redemption and contamination:
        return "redemption" if rise >= fall else "contamination"
    if redemption:
        return "redemption"
    if contamination:
        return "contamination"
    return "neither"


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


# ---------------------------------------------------------------------------
# Problem / cause / solution cues
# ---------------------------------------------------------------------------


def load_cues(path: Path = CUES_PATH) -> pd.DataFrame:
    """Read the framing cue lexicon: ``frame`` (problem|cause|solution), ``pattern``, ``notes``."""
    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False)
    if missing := {"frame", "pattern", "notes"} - set(frame.columns):
        raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
    bad = set(frame["frame"]) - {"problem", "cause", "solution"}
    if bad:
        raise ValueError(f"{path.name}: unknown frames {sorted(bad)}")
    for row in frame.itertuples():
        try:
            re.compile(row.pattern)
        except re.error as err:
            raise ValueError(f"{path.name}: bad pattern on row {row.Index + 2}: {err}") from err
    return frame


def cue_counts(sentences: Sequence[str], cues: pd.DataFrame) -> pd.DataFrame:
    """Per sentence, the number of cue matches of each frame (columns problem/cause/solution)."""
    compiled = {
        name: re.compile("|".join(f"(?:{p})" for p in group["pattern"]), re.IGNORECASE)
        for name, group in cues.groupby("frame", sort=True)
    }
    rows = [{name: len(regex.findall(s)) for name, regex in compiled.items()} for s in sentences]
    frame = pd.DataFrame(rows, columns=sorted(compiled))
    for name in ("problem", "cause", "solution"):
        if name not in frame:
            frame[name] = 0
    return frame[["problem", "cause", "solution"]].astype(int)
