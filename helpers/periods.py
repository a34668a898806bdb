"""Periods of the corpus by calendar year, shared by notebooks 05 and 06.

``PERIODS`` maps a label to an inclusive ``(first_year, last_year)`` range; the ranges must
not overlap. ``period_of`` returns the label of a year, or ``None`` for a missing year (a
post without dating evidence has an empty date): such posts are counted and left out of
comparisons by period, never given a period they may not belong to.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

__all__ = ["PERIODS", "check_periods", "period_of", "periods_column"]

#: Open-ended at both ends so that a refreshed corpus with later years still fits.
PERIODS: dict[str, tuple[int, int]] = {
    "to 2017": (1900, 2017),
    "2018": (2018, 2018),
    "2019 on": (2019, 2100),
}


def check_periods(periods: Mapping[str, tuple[int, int]]) -> None:
    """Raise ``ValueError`` for an empty mapping, reversed ranges or overlapping ranges."""
    if not periods:
        raise ValueError("PERIODS is empty")
    spans = []
    for label, span in periods.items():
        low, high = (int(v) for v in span)
        if low > high:
            raise ValueError(f"period {label!r}: first year {low} after last year {high}")
        spans.append((low, high, label))
    spans.sort()
    for (_, high, label), (low, _, next_label) in zip(spans, spans[1:], strict=False):
        if low <= high:
            raise ValueError(f"periods {label!r} and {next_label!r} overlap")


def period_of(year: float | None, periods: Mapping[str, tuple[int, int]] = PERIODS) -> str | None:
    """The label of the period holding ``year``; ``None`` when the year is missing.

    Raises ``ValueError`` when a known year falls outside every period (a refreshed corpus
    reaching beyond ``PERIODS`` must be noticed, not silently dropped).
    """
    if year is None or (isinstance(year, float) and math.isnan(year)) or year is pd.NA:
        return None
    check_periods(periods)
    for label, (low, high) in periods.items():
        if int(low) <= int(year) <= int(high):
            return label
    raise ValueError(f"year {int(year)} falls outside PERIODS {dict(periods)}")


def periods_column(
    dates: pd.Series, periods: Mapping[str, tuple[int, int]] = PERIODS
) -> pd.Categorical:
    """An ordered categorical of period labels for a datetime column; NaT gives NaN."""
    years = pd.to_datetime(dates).dt.year
    labels = [period_of(None if pd.isna(y) else int(y), periods) for y in years]
    return pd.Categorical(labels, categories=list(periods), ordered=True)
