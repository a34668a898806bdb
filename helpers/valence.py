"""Sentence valence: candidate measures, hand codings and their agreement with people.

* ``DomainVader``: VADER (vaderSentiment, MIT; its lexicon ships in the package) with
  domain overrides read from ``data/valence_overrides.csv`` (words replace lexicon entries;
  phrases are rewritten to one placeholder token that carries the phrase's valence).
* ``pattern_polarity``: Pattern's adjective lexicon shipped in TextBlob (PDDL lexicon).
* ``candidate_scores``: every candidate measure of a list of sentences in one table.
* ``Combination``: a linear combination of candidate measures fitted by least squares on
  hand-coded *tuning* sentences only, then applied to any sentence.
* ``load_codings`` / ``spearman_ci`` / ``validity_table``: read the blind coders' files
  (``data/validation/valence/``) and measure each candidate's Spearman correlation with the
  human ratings, with a bootstrap interval over sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from textblob.en.sentiments import PatternAnalyzer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from helpers.lexicons import load_lexicon
from helpers.paths import DATA_DIR
from helpers.stats import bootstrap_draws, percentile_interval, spearman_rho
from helpers.textnorm import fold_quotes

__all__ = [
    "OVERRIDES_PATH",
    "VALIDATION_DIR",
    "Combination",
    "DomainVader",
    "candidate_scores",
    "load_codings",
    "load_valence_overrides",
    "pattern_polarity",
    "spearman",
    "spearman_ci",
    "spearman_ci_by_post",
    "validity_table",
]

OVERRIDES_PATH: Path = DATA_DIR / "valence_overrides.csv"
VALIDATION_DIR: Path = DATA_DIR / "validation" / "valence"


def load_valence_overrides(path: Path = OVERRIDES_PATH) -> pd.DataFrame:
    """Read the domain overrides: ``term, vader_original, new_valence, reason``.

    ``term`` is a word or a multi-word phrase (lower case). ``new_valence`` is on VADER's
    -4..+4 scale. Raises ``ValueError`` naming the file on missing columns, duplicated
    terms, empty reasons or valences outside -4..4.
    """
    path = Path(path)
    frame = load_lexicon(
        path,
        ["term", "vader_original", "new_valence", "reason"],
        key="term",
        not_empty=("term", "new_valence", "reason"),
    )
    try:
        values = pd.to_numeric(frame["new_valence"], errors="raise")
    except ValueError as error:
        raise ValueError(f"{path.name}: new_valence must be a number ({error})") from error
    if ((values < -4) | (values > 4)).any():
        raise ValueError(f"{path.name}: new_valence must lie in -4..4")
    frame["term"] = frame["term"].str.strip().str.lower()
    if frame["term"].duplicated().any():
        raise ValueError(f"{path.name}: terms duplicated after lower-casing")
    frame["new_valence"] = values.astype(float)
    return frame


def _phrase_token(term: str) -> str:
    return "zz" + re.sub(r"[^a-z]", "", term.lower())


class DomainVader:
    """VADER with word and phrase overrides.

    Single-word overrides replace the lexicon entry (0 removes it). Phrases ("child
    protection", "children's trust") are rewritten to one placeholder token before scoring,
    and the placeholder gets the phrase's valence, so that e.g. "requires improvement" (an
    Ofsted grade) is negative even though VADER scores "improvement" +2.0. Curly quotes are
    folded to ASCII first, so "children’s" matches "children's".
    """

    def __init__(self, overrides: pd.DataFrame | None = None) -> None:
        self.analyzer = SentimentIntensityAnalyzer()
        self.original = dict(self.analyzer.lexicon)
        self._phrases: list[tuple[re.Pattern[str], str]] = []
        if overrides is None:
            return
        for term, value in zip(overrides["term"], overrides["new_valence"], strict=True):
            term = fold_quotes(str(term)).strip().lower()
            if " " in term or "'" in term:
                token = _phrase_token(term)
                words = re.split(r"\s+", term)
                pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b", re.I)
                self._phrases.append((pattern, token))
                self.analyzer.lexicon[token] = float(value)
            elif float(value) == 0.0:
                self.analyzer.lexicon.pop(term, None)
            else:
                self.analyzer.lexicon[term] = float(value)
        # Longest phrases first so "multi-academy trust" wins over "academy trust".
        self._phrases.sort(key=lambda p: -len(p[1]))

    def prepare(self, sentence: str) -> str:
        """Fold quotes and rewrite override phrases to their placeholder tokens."""
        sentence = fold_quotes(sentence)
        for pattern, token in self._phrases:
            sentence = pattern.sub(token, sentence)
        return sentence

    def polarity(self, sentence: str) -> dict[str, float]:
        """VADER's ``neg``, ``neu``, ``pos`` and ``compound`` after the overrides."""
        return {
            k: float(v) for k, v in self.analyzer.polarity_scores(self.prepare(sentence)).items()
        }

    def compound(self, sentence: str) -> float:
        """VADER compound score (-1..1) of one sentence after the overrides."""
        return self.polarity(sentence)["compound"]

    def scores(self, sentences: Sequence[str]) -> np.ndarray:
        """Compound scores of many sentences."""
        return np.array([self.compound(s) for s in sentences], dtype=float)


def pattern_polarity(sentences: Sequence[str]) -> np.ndarray:
    """Polarity (-1..1) from Pattern's lexicon in TextBlob (no NLTK data needed)."""
    analyzer = PatternAnalyzer()
    return np.array([float(analyzer.analyze(fold_quotes(s))[0]) for s in sentences], dtype=float)


def candidate_scores(sentences: Sequence[str], overrides: pd.DataFrame) -> pd.DataFrame:
    """Every single-lexicon candidate for a list of sentences (one row per sentence).

    Columns: ``vader_plain`` (VADER compound, no overrides), ``vader_domain`` (with the
    overrides), ``vader_domain_balance`` (with the overrides, ``pos - neg``: VADER's
    proportions without the compound's length normalisation), ``pattern`` (Pattern polarity).
    """
    plain, domain = DomainVader(), DomainVader(overrides)
    rows = []
    for sentence in sentences:
        d = domain.polarity(sentence)
        rows.append(
            {
                "vader_plain": plain.compound(sentence),
                "vader_domain": d["compound"],
                "vader_domain_balance": d["pos"] - d["neg"],
            }
        )
    frame = pd.DataFrame(
        rows, columns=["vader_plain", "vader_domain", "vader_domain_balance"], dtype=float
    )
    frame["pattern"] = pattern_polarity(list(sentences))
    return frame


@dataclass(frozen=True)
class Combination:
    """A linear combination of candidate measures, fitted on tuning sentences only.

    Each input column is standardised with the tuning part's mean and s.d., then weighted
    by least-squares weights predicting the human rating. Only the ranking of the result
    matters for Spearman; its scale is that of the ratings (-2..2).
    """

    columns: tuple[str, ...]
    means: tuple[float, ...]
    sds: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float

    @classmethod
    def fit(
        cls, features: pd.DataFrame, target: Sequence[float], columns: Sequence[str]
    ) -> Combination:
        if len(features) != len(target):
            raise ValueError("features and target differ in length")
        if len(features) < len(columns) + 2:
            raise ValueError("too few tuning sentences to fit the combination")
        x = features[list(columns)].to_numpy(dtype=float)
        means, sds = x.mean(axis=0), x.std(axis=0)
        sds = np.where(sds > 0, sds, 1.0)
        z = (x - means) / sds
        design = np.c_[np.ones(len(z)), z]
        coef, *_ = np.linalg.lstsq(design, np.asarray(target, dtype=float), rcond=None)
        return cls(
            tuple(columns),
            tuple(float(v) for v in means),
            tuple(float(v) for v in sds),
            tuple(float(v) for v in coef[1:]),
            float(coef[0]),
        )

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        x = features[list(self.columns)].to_numpy(dtype=float)
        z = (x - np.array(self.means)) / np.array(self.sds)
        return self.intercept + z @ np.array(self.weights)


CODING_COLUMNS = ["item_id", "valence", "problem", "cause", "solution"]


def load_codings(path: Path, items: Sequence[str] | None = None) -> pd.DataFrame:
    """Read one coder's file: ``item_id, valence (-2..2), problem, cause, solution (0/1)``.

    Raises ``ValueError`` naming the file when a column is missing, an item is coded twice,
    a code is out of range, or (when ``items`` is given) an item is missing or unknown.
    """
    path = Path(path)
    frame = load_lexicon(path, CODING_COLUMNS, key="item_id", not_empty=CODING_COLUMNS)
    out = frame[CODING_COLUMNS].copy()
    for column, allowed in [("valence", range(-2, 3)), *[(c, (0, 1)) for c in CODING_COLUMNS[2:]]]:
        values = pd.to_numeric(
            out[column].str.strip().str.replace("+", "", regex=False), errors="coerce"
        )
        bad = out.index[values.isna() | ~values.isin(list(allowed))]
        if len(bad):
            rows = ", ".join(str(i + 2) for i in bad[:5])
            raise ValueError(f"{path.name}: {column} outside {list(allowed)} on row(s) {rows}")
        out[column] = values.astype(int)
    if items is not None:
        missing = sorted(set(items) - set(out["item_id"]))
        unknown = sorted(set(out["item_id"]) - set(items))
        if missing:
            raise ValueError(f"{path.name}: {len(missing)} items not coded, e.g. {missing[:5]}")
        if unknown:
            raise ValueError(f"{path.name}: unknown items {unknown[:5]}")
    return out.set_index("item_id")


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rho; NaN when either side is constant."""
    return spearman_rho(a, b)


def spearman_ci(
    human: Sequence[float],
    scores: Sequence[float],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``(rho, low, high)``: Spearman with a percentile bootstrap over sentences.

    Vectorised: all resamples are ranked at once (average ranks for ties), which is what
    ``helpers.stats.bootstrap_ci(pairs, spearman)`` computes, only faster.
    """
    h, s = np.asarray(human, dtype=float), np.asarray(scores, dtype=float)
    if h.shape != s.shape or h.ndim != 1:
        raise ValueError("human and scores must be 1-D and of equal length")
    estimate = spearman_rho(h, s)
    idx = bootstrap_draws(len(h), n_boot, seed)
    rh, rs = rankdata(h[idx], axis=1), rankdata(s[idx], axis=1)
    rh -= rh.mean(axis=1, keepdims=True)
    rs -= rs.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = (rh * rs).sum(axis=1) / np.sqrt((rh * rh).sum(axis=1) * (rs * rs).sum(axis=1))
    low, high = percentile_interval(np.where(np.isfinite(reps), reps, np.nan), level)
    return estimate, low, high


def spearman_ci_by_post(
    human: Sequence[float],
    scores: Sequence[float],
    posts: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``(rho, low, high)``: Spearman with a bootstrap over *posts*: each replicate draws
    posts with replacement (``bootstrap_draws`` over the sorted post ids) and keeps all their
    sentences, so sentences of one post, which resemble each other, are not counted as
    independent.

    Vectorised: a replicate's sample is every sentence weighted by how often its post was
    drawn, and its Spearman is the weighted Pearson correlation of the average ranks that the
    sentences would have in the expanded sample: the same value as ``bootstrap_ci`` with a
    statistic that concatenates the drawn posts' sentences (``tests/test_valence.py``)."""
    h, s = np.asarray(human, dtype=float), np.asarray(scores, dtype=float)
    post_arr = np.asarray([str(p) for p in posts])
    if not h.shape == s.shape == post_arr.shape or h.ndim != 1:
        raise ValueError("human, scores and posts must be 1-D and of equal length")
    if h.size == 0:
        raise ValueError("spearman_ci_by_post needs at least one sentence")
    units = np.array(sorted(set(post_arr)))
    unit_of_row = np.searchsorted(units, post_arr)
    estimate = spearman_rho(h, s)
    draws = bootstrap_draws(len(units), n_boot, seed)
    times_drawn = np.zeros((n_boot, len(units)))
    np.add.at(times_drawn, (np.arange(n_boot)[:, None], draws), 1.0)
    weights = times_drawn[:, unit_of_row]
    reps = _weighted_spearman(h, s, weights)
    low, high = percentile_interval(reps, level)
    return estimate, low, high


def _weighted_ranks(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Average ranks of ``values`` in the sample where row ``i`` appears ``weights[b, i]``
    times, one row of ranks per row ``b`` of ``weights`` (ties share their mean rank)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new_value = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(new_value) - 1
    per_value = np.add.reduceat(weights[:, order], np.flatnonzero(new_value), axis=1)
    below = np.cumsum(per_value, axis=1) - per_value
    ranks = np.empty_like(weights, dtype=float)
    ranks[:, order] = (below + (per_value + 1) / 2)[:, group]
    return ranks


def _weighted_spearman(h: np.ndarray, s: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Spearman of each weighted sample (rows of ``weights``); NaN where a side is constant."""
    rh, rs = _weighted_ranks(h, weights), _weighted_ranks(s, weights)
    total = weights.sum(axis=1, keepdims=True)
    dh = rh - (weights * rh).sum(axis=1, keepdims=True) / total
    ds = rs - (weights * rs).sum(axis=1, keepdims=True) / total
    num = (weights * dh * ds).sum(axis=1)
    den = np.sqrt((weights * dh * dh).sum(axis=1) * (weights * ds * ds).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = num / den
    return np.where((den > 0) & np.isfinite(rho), rho, np.nan)


def validity_table(
    human: pd.Series,
    measures: pd.DataFrame,
    n_boot: int = 1000,
    seed: int = 0,
    posts: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per measure: ``spearman, low, high, n`` against the human ratings (interval by
    bootstrap over sentences); with ``posts``, also ``post_low, post_high`` (over posts)."""
    rows = []
    for column in measures.columns:
        rho, low, high = spearman_ci(human.to_numpy(), measures[column].to_numpy(), n_boot, seed)
        row = {"measure": column, "spearman": rho, "low": low, "high": high, "n": len(human)}
        if posts is not None:
            _, row["post_low"], row["post_high"] = spearman_ci_by_post(
                human.to_numpy(), measures[column].to_numpy(), posts, n_boot, seed
            )
        rows.append(row)
    return pd.DataFrame(rows).set_index("measure")
