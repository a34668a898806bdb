"""Findings written from computed values, never typed by hand.

A notebook's prose that quotes a result is generated in an output cell, so a rerun with
new posts or other parameters rewrites it together with the numbers it quotes, and nbval
compares it like any other output. Wording that depends on a result (direction,
significance, whether an interval includes zero) is chosen by the small functions below.

Typical use at the end of a notebook::

    from helpers.findings import Findings, fmt_int, fmt_pct, direction, significance

    f = Findings("Findings")
    f.add(f"**{fmt_int(n_posts)} posts** are analysed; {fmt_pct(share)} end higher than they open.")
    f.add(f"The end is {direction(diff, 'higher', 'lower')} than the start "
          f"({significance(p)}, {fmt_p(p)}).")
    f  # the cell's last expression: rendered as Markdown, compared by nbval as text

``typed_numbers`` finds numbers typed by hand in a notebook's Markdown cells; the test
suite uses it to fail on any such number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "Findings",
    "and_list",
    "direction",
    "fmt_ci",
    "fmt_int",
    "fmt_median",
    "fmt_num",
    "fmt_p",
    "fmt_pct",
    "includes_zero",
    "interval_phrase",
    "plural",
    "significance",
    "typed_numbers",
]


def _check_finite(value: float, name: str = "value") -> float:
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} is NaN: a finding cannot quote a missing value")
    return value


def fmt_int(value: float) -> str:
    """An integer with thousands separators: ``1234 -> '1,234'``."""
    value = _check_finite(value)
    if value != round(value):
        raise ValueError(f"fmt_int got a non-integer {value!r}; use fmt_num")
    return f"{int(round(value)):,}"


def fmt_num(value: float, digits: int = 2) -> str:
    """A rounded number; a true minus sign for negatives (``-0.25 -> '−0.25'``)."""
    value = _check_finite(value)
    text = f"{value:,.{digits}f}"
    if text.lstrip("-").strip("0.,") == "":  # rounds to zero: no negative zero
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def fmt_median(value: float) -> str:
    """A median (or quantile) of whole counts: a whole number as such, a midpoint between two
    counts with one decimal (``612.0 -> '612'``, ``24.5 -> '24.5'``)."""
    value = _check_finite(value)
    return fmt_num(value, 0 if value == round(value) else 1)


def fmt_pct(share: float, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage: ``0.653 -> '65%'``."""
    share = _check_finite(share, "share")
    if not -1e-9 <= share <= 1 + 1e-9:
        raise ValueError(f"fmt_pct expects a share in [0, 1], got {share!r}")
    return f"{share * 100:.{digits}f}%"


def fmt_ci(low: float, high: float, digits: int = 2, level: float | None = 0.95) -> str:
    """An interval: ``'95% CI 0.12 to 0.31'`` (or ``'0.12 to 0.31'`` when level is None)."""
    low, high = _check_finite(low, "low"), _check_finite(high, "high")
    if low > high:
        raise ValueError(f"interval bounds reversed: {low} > {high}")
    body = f"{fmt_num(low, digits)} to {fmt_num(high, digits)}"
    return body if level is None else f"{level * 100:.0f}% CI {body}"


def fmt_p(p: float, digits: int = 3) -> str:
    """A p-value: ``'p = 0.012'``, or ``'p < 0.001'`` below the printed precision."""
    p = _check_finite(p, "p")
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies in [0, 1], got {p!r}")
    floor = 10.0**-digits
    return f"p < {floor:.{digits}f}" if p < floor else f"p = {p:.{digits}f}"


def significance(
    p: float,
    alpha: float = 0.05,
    yes: str = "statistically significant",
    no: str = "not statistically significant",
) -> str:
    """``yes`` when ``p < alpha``, else ``no``: wording that follows the test."""
    return yes if _check_finite(p, "p") < alpha else no


def direction(
    value: float,
    up: str = "higher",
    down: str = "lower",
    same: str = "the same",
    tolerance: float = 0.0,
) -> str:
    """``up`` for a positive value, ``down`` for a negative one, ``same`` within tolerance."""
    value = _check_finite(value)
    if abs(value) <= tolerance:
        return same
    return up if value > 0 else down


def includes_zero(low: float, high: float) -> bool:
    """Whether the interval [low, high] includes zero."""
    return _check_finite(low, "low") <= 0 <= _check_finite(high, "high")


def interval_phrase(
    low: float,
    high: float,
    positive: str,
    negative: str,
    unclear: str,
) -> str:
    """Words for what an interval of a difference shows: above zero, below zero, or either."""
    if includes_zero(low, high):
        return unclear
    return positive if low > 0 else negative


def plural(count: float, word: str, plural_form: str | None = None) -> str:
    """``'1 post'``, ``'3 posts'`` (count formatted with thousands separators)."""
    form = word if _check_finite(count) == 1 else (plural_form or f"{word}s")
    return f"{fmt_int(count)} {form}"


def and_list(items: Sequence[str]) -> str:
    """``'a'``, ``'a and b'``, ``'a, b and c'``: items joined for a sentence."""
    items = [str(i) for i in items]
    if not items:
        raise ValueError("and_list needs at least one item")
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


class Findings:
    """A titled list of findings rendered as Markdown in an output cell.

    The same text is the object's plain representation, so nbval (which compares
    ``text/plain`` and ``text/markdown``) fails when a rerun changes a finding.
    """

    def __init__(self, title: str | None = "Findings", intro: str | None = None) -> None:
        self.title = title
        self.intro = intro
        self.items: list[str] = []

    def add(self, text: str) -> Findings:
        """Add one finding (Markdown, one bullet); returns self for chaining."""
        text = str(text).strip()
        if not text:
            raise ValueError("an empty finding")
        self.items.append(text)
        return self

    def extend(self, texts: Iterable[str]) -> Findings:
        for text in texts:
            self.add(text)
        return self

    def markdown(self) -> str:
        parts: list[str] = []
        if self.title:
            parts.append(f"### {self.title}")
        if self.intro:
            parts.append(self.intro.strip())
        if self.items:
            parts.append("\n".join(f"- {item}" for item in self.items))
        return "\n\n".join(parts) + "\n"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return self.markdown()


# --- detecting numbers typed by hand in Markdown cells -----------------------------------

_NUMBER = re.compile(r"(?<![\w./-])[-+\u2212]?\d[\d,]*(?:\.\d+)?%?(?![\w/-])")
_REFERENCE = re.compile(
    r"(?i)\b(?:sections?|notebooks?|cells?|steps?|figures?|tables?|parts?|issues?)\s+\d+"
    r"(?:\s*(?:-|\u2013|and|,)\s*\d+)*"
)
_YEAR = re.compile(r"(199\d|20[0-3]\d)")


def typed_numbers(markdown: str, allowed: Sequence[str] = ()) -> list[str]:
    """Numbers stated by hand in a Markdown text, each with a little context.

    Skipped: headings, inline code (parameters and names are written in backticks),
    link targets, list markers, references to notebooks/sections/figures/tables, years
    (1990-2039), two-digit notebook numbers such as ``01``, and any exact token in
    ``allowed`` (a few fixed definitions, such as the ends of a rating scale).
    """
    hits: list[str] = []
    in_fence = False
    for raw in markdown.splitlines():
        if raw.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or raw.lstrip().startswith("#"):
            continue
        line = re.sub(r"`[^`]*`", " ", raw)
        line = re.sub(r"\]\([^)]*\)", "]", line)
        line = re.sub(r"<[^>]+>", " ", line)
        line = re.sub(r"^\s*(?:(?:\d+\.|[-*>])\s+)+", "", line)
        line = _REFERENCE.sub(" ", line)
        for match in _NUMBER.finditer(line):
            token = match.group().strip("+-\u2212%").replace(",", "")
            if _YEAR.fullmatch(token) or re.fullmatch(r"0[1-9]", token):
                continue
            if match.group() in allowed or token in allowed:
                continue
            hits.append(line[max(0, match.start() - 30) : match.end() + 10].strip())
    return hits
