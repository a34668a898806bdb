"""Date evidence: what a post's own text (title, captions, body) and byline say about
when it was written.

Kinds of evidence, strongest first (the estimator, ``helpers.dating``, combines them):

* ``byline``: a byline date (or a web page's publication-date metadata) found by
  segmentation; day precision;
* ``weekday``: weekday dates in the text ("Monday 8 January"), the year taken from a year
  the post names or resolved later from other evidence;
* ``event``: rows of ``data/dated_events.csv`` (documented in ``data/dated_events.md``);
  recurring events (Christmas, New Year ...) give one candidate per year;
* ``bound``: lower bounds from a named month ("in October 2017") or the largest year
  introduced by in/since/during/of minus one year.

Years after the post could have been written never become evidence: years after the end
of the study window (``DEFAULT_HIGH``) are ignored, and so is a year or month in a
sentence that speaks of the future ("halved by 2030", "we aim to ... in 2026").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from helpers.lexicons import load_lexicon
from helpers.paths import DATA_DIR

EVENTS_PATH: Path = DATA_DIR / "dated_events.csv"

EVENT_COLUMNS: list[str] = [
    "event_id",
    "pattern",
    "date_low",
    "date_high",
    "point",
    "recurring",
    "description",
    "justification",
]

#: Study window used when a post offers no evidence at all.
DEFAULT_LOW = date(2016, 1, 1)

DEFAULT_HIGH = date(2026, 12, 31)

#: Years considered when resolving a weekday date or a recurring event.
CANDIDATE_YEARS = range(2000, DEFAULT_HIGH.year + 1)

#: Slack around weekday dates: the post is dated at the latest date it names,
#: and may have been begun a week before the earliest / published two weeks later.
WEEKDAY_BEFORE_DAYS = 7

WEEKDAY_AFTER_DAYS = 14

_KIND_ORDER = ("byline", "weekday", "event", "bound")

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH_RE = "|".join(calendar.month_name[1:])

_WEEKDAY_RE = "|".join(calendar.day_name)

WEEKDAY_DATE_RE = re.compile(
    rf"\b(?P<weekday>{_WEEKDAY_RE}),?\s+\(?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_RE})\b"
)

YEAR_TOKEN_RE = re.compile(r"\b(?P<year>(?:19|20)\d\d)\b(?![/–-]\d)")

MONTH_BEFORE_YEAR_RE = re.compile(
    rf"(?:\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?\b(?P<month>{_MONTH_RE}),?\s+$"
)

PAST_WORD_BEFORE_YEAR_RE = re.compile(r"\b(?:in|since|during|of)\s+$", re.I)

PREVIOUS_WORD_RE = re.compile(r"(\w+)\W*$")

ANY_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")

FUTURE_WORDS = {"by", "until", "till", "before"}

UPCOMING_RE = re.compile(r"Upcoming Event.{0,80}", re.I | re.S)


@dataclass(frozen=True)
class Anchor:
    """A window [low, high] (either end may be None = open) the post's date lies in."""

    low: date | None
    high: date | None
    point: date | None
    label: str
    kind: str  # "byline", "weekday", "event", "bound"


@dataclass
class Candidates:
    """A year-ambiguous piece of evidence: one possible Anchor per candidate year."""

    options: list[Anchor]
    label: str


@dataclass
class Evidence:
    """Everything found for one post before combining."""

    anchors: list[Anchor] = field(default_factory=list)
    candidates: list[Candidates] = field(default_factory=list)


def load_events(path: Path = EVENTS_PATH) -> pd.DataFrame:
    """Read the dated-events table, validating columns, dates and regular expressions."""
    events = load_lexicon(path, EVENT_COLUMNS)
    for row in events.itertuples():
        where = f"{path.name} row {row.Index + 2} ({row.event_id})"
        try:
            re.compile(row.pattern)
        except re.error as err:
            raise ValueError(f"{where}: bad regular expression: {err}") from err
        if row.recurring not in ("yes", "no"):
            raise ValueError(f"{where}: recurring must be 'yes' or 'no'")
        for column in ("date_low", "date_high", "point"):
            value = getattr(row, column)
            if value and "{year}" not in value:
                try:
                    _parse_event_date(value, 2000 if row.recurring == "yes" else None)
                except ValueError as err:
                    raise ValueError(f"{where}: bad {column} {value!r}") from err
        if not row.date_low:
            raise ValueError(f"{where}: date_low is required")
    return events


def _parse_event_date(value: str, year: int | None) -> date | None:
    """Parse 'YYYY-MM-DD', or 'MM-DD' with the given year; '' -> None."""
    if not value:
        return None
    if year is not None and len(value) == 5:
        return date.fromisoformat(f"{year:04d}-{value}")
    return date.fromisoformat(value)


def _snippet(text: str, match: re.Match[str], width: int = 90) -> str:
    """The matched phrase on one line; long matches keep their start and end."""
    phrase = " ".join(match.group(0).split())
    if len(phrase) <= width:
        return phrase
    half = (width - 5) // 2
    return phrase[:half].rstrip() + " ... " + phrase[-half:].lstrip()


def _mask_upcoming(text: str) -> str:
    """Blank out anything right after an 'Upcoming Event' widget label (crawl-time dates)."""
    return UPCOMING_RE.sub(lambda m: " " * len(m.group(0)), text)


def _years_mentioned(text: str) -> set[int]:
    return {int(y) for y in ANY_YEAR_RE.findall(text)}


def _weekday_evidence(text: str) -> Evidence:
    """Weekday-date phrases ('Monday 8 January'), resolved to candidate years."""
    found: list[tuple[str, int, int, int]] = []
    for match in WEEKDAY_DATE_RE.finditer(text):
        weekday = _WEEKDAYS[match.group("weekday").lower()]
        day, month = int(match.group("day")), _MONTHS[match.group("month").lower()]
        if day <= calendar.monthrange(2000, month)[1]:
            found.append((_snippet(text, match), weekday, day, month))
    if not found:
        return Evidence()
    years: list[int] = []
    for _, weekday, day, month in found:
        years.extend(
            y
            for y in CANDIDATE_YEARS
            if day <= calendar.monthrange(y, month)[1] and date(y, month, day).weekday() == weekday
        )
    # Candidate years in which *every* weekday date of the post is consistent.
    consistent = sorted(
        y
        for y in set(years)
        if all(
            day <= calendar.monthrange(y, month)[1] and date(y, month, day).weekday() == weekday
            for _, weekday, day, month in found
        )
    )
    phrases = ", ".join(f"'{s}'" for s, *_ in found[:3])

    def anchor_for(year: int, how: str) -> Anchor:
        days = [date(year, m, d) for _, _, d, m in found]
        return Anchor(
            min(days) - timedelta(days=WEEKDAY_BEFORE_DAYS),
            max(days) + timedelta(days=WEEKDAY_AFTER_DAYS),
            max(days),
            f"text: {phrases} ({how})",
            "weekday",
        )

    mentioned = sorted(set(consistent) & _years_mentioned(text))
    if len(mentioned) == 1:
        return Evidence(
            anchors=[anchor_for(mentioned[0], f"year {mentioned[0]} named in the post")]
        )
    options = [anchor_for(y, f"weekday fits {y}") for y in consistent]
    return Evidence(candidates=[Candidates(options, f"text: {phrases}")]) if options else Evidence()


@dataclass(frozen=True)
class _CompiledEvent:
    row: tuple
    regex: re.Pattern[str]
    literals: tuple[str, ...]  # a match contains one of these (lower case); () = no prefilter


def _longest_literal(pattern: str) -> str:
    """Longest plain run of letters, digits and spaces outside groups, classes and escapes."""
    depth, runs, current, i = 0, [], "", 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            runs.append(current)
            current, i = "", i + 2
            continue
        if char == "{" and depth == 0:  # a {m,n} quantifier: the previous character is optional
            runs.append(current[:-1])
            current, i = "", pattern.index("}", i) + 1
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and (char.isalnum() or char == " "):
            current += char
            i += 1
            continue
        runs.append(current[:-1] if char in "?*" else current)
        current = ""
        i += 1
    runs.append(current)
    return max(runs, key=len).strip().lower()


def _required_literals(pattern: str) -> tuple[str, ...]:
    """Lower-case texts of which a match must contain at least one ('()' = no prefilter).

    The pattern is split at top-level '|'; each alternative contributes its
    longest literal run. If any alternative has none, there is no prefilter.
    """
    alternatives, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        escaped = i > 0 and pattern[i - 1] == "\\"
        if escaped:
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
    alternatives.append(pattern[start:])
    literals = tuple(_longest_literal(alternative) for alternative in alternatives)
    return literals if all(len(lit) >= 3 for lit in literals) else ()


def _compile_events(events: pd.DataFrame) -> list[_CompiledEvent]:
    return [
        _CompiledEvent(
            row, re.compile(row.pattern, flags=re.I | re.S), _required_literals(row.pattern)
        )
        for row in events.itertuples(index=False)
    ]


def _event_evidence(text: str, lowered: str, events: list[_CompiledEvent]) -> Evidence:
    """Matches of the dated-events table in the text."""
    evidence = Evidence()
    for event in events:
        if event.literals and not any(lit in lowered for lit in event.literals):
            continue
        match = event.regex.search(text)
        if match is None:
            continue
        row = event.row
        label = f"text: '{_snippet(text, match)}' ({row.description})"
        if row.recurring == "yes":
            options = [
                Anchor(
                    _parse_event_date(row.date_low, y),
                    _parse_event_date(row.date_high, y),
                    _parse_event_date(row.point, y),
                    label,
                    "event",
                )
                for y in CANDIDATE_YEARS
            ]
            evidence.candidates.append(Candidates(options, label))
            continue
        year = match.groupdict().get("year")
        values = [
            getattr(row, c).replace("{year}", year or "")
            for c in ("date_low", "date_high", "point")
        ]
        low, high, point = (_parse_event_date(v, None) for v in values)
        kind = "event" if high is not None else "bound"
        evidence.anchors.append(Anchor(low, high, point, label, kind))
    return evidence


FUTURE_CONTEXT_RE = re.compile(
    r"\b(?:will|shall|by|until|till|before|target|targets|aim|aims|ambition|plan|plans|"
    r"planned|expected|expect|forecast|projected|predicted|set to|going to|intend|pledge|"
    r"pledged|promise|promised|commit|committed|halve|halved|double|doubled|next year)\b",
    re.I,
)


def _future_context(text: str, position: int) -> bool:
    """Whether the sentence holding ``position`` speaks of the future (a target, a plan)."""
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position)) + 1
    ends = [e for e in (text.find(". ", position), text.find("\n", position)) if e >= 0]
    return bool(FUTURE_CONTEXT_RE.search(text[start : min(ends) if ends else len(text)]))


def _bound_evidence(text: str) -> list[Anchor]:
    """Lower bounds from named months ('in October 2017') and past-tense years ('since 2010').

    A month-year phrase preceded by by/until/till/before is skipped (a future
    deadline); financial years such as 2019/20 are never used.
    """
    best_month: tuple[date, str] | None = None
    top_year: int | None = None
    for token in YEAR_TOKEN_RE.finditer(text):
        year, start = int(token.group("year")), token.start()
        if year > DEFAULT_HIGH.year:  # a target year ('halved in 2030') is never a date
            continue
        window_start = max(0, start - 30)
        month_match = MONTH_BEFORE_YEAR_RE.search(text, window_start, start)
        if month_match is not None:
            previous = PREVIOUS_WORD_RE.search(
                text, max(0, month_match.start() - 20), month_match.start()
            )
            if previous and previous.group(1).lower() in FUTURE_WORDS:
                continue
            if _future_context(text, start):
                continue
            month = _MONTHS[month_match.group("month").lower()]
            day = int(month_match.group("day")) if month_match.group("day") else 1
            if day > calendar.monthrange(year, month)[1]:
                continue
            candidate = date(year, month, day)
            if best_month is None or candidate > best_month[0]:
                phrase = " ".join(text[month_match.start() : token.end()].split())
                best_month = (candidate, f"text names '{phrase}' (lower bound {candidate})")
        elif PAST_WORD_BEFORE_YEAR_RE.search(text, window_start, start) and not _future_context(
            text, start
        ):
            top_year = year if top_year is None else max(top_year, year)
    bounds: list[Anchor] = []
    if best_month is not None:
        bounds.append(Anchor(best_month[0], None, None, best_month[1], "bound"))
    if top_year is not None:
        label = f"text names {top_year} (lower bound 1 January {top_year - 1}, one year of slack)"
        bounds.append(Anchor(date(top_year - 1, 1, 1), None, None, label, "bound"))
    return bounds


def _collect(text: str, byline: pd.Timestamp | None, events: list[_CompiledEvent]) -> Evidence:
    """All evidence for one post (a byline short-circuits everything else)."""
    if byline is not None and not pd.isna(byline):
        day = pd.Timestamp(byline).date()
        label = f"byline '{day.strftime('%A, %B')} {day.day}, {day.year}'"
        return Evidence(anchors=[Anchor(day, day, day, label, "byline")])
    text = _mask_upcoming(text or "")
    weekday = _weekday_evidence(text)
    event = _event_evidence(text, text.lower(), events)
    return Evidence(
        anchors=weekday.anchors + event.anchors + _bound_evidence(text),
        candidates=weekday.candidates + event.candidates,
    )


def _combine(anchors: list[Anchor]) -> tuple[date | None, date | None, date | None, str, list[str]]:
    """Intersect a post's anchors: (low, high, point, best kind, labels)."""
    lows = [a.low for a in anchors if a.low is not None]
    highs = [a.high for a in anchors if a.high is not None]
    low = max(lows) if lows else None
    high = min(highs) if highs else None
    kinds = {a.kind for a in anchors}
    point = None
    for kind in ("byline", "weekday", "event"):
        pointed = [a for a in anchors if a.kind == kind and a.point is not None]
        if pointed:
            narrowest = min(
                pointed, key=lambda a: ((a.high or date.max) - (a.low or date.min)).days
            )
            point = max(a.point for a in pointed) if kind == "weekday" else narrowest.point
            break
    best = next((k for k in ("byline", "weekday", "event", "bound") if k in kinds), "none")
    labels = [a.label for a in sorted(anchors, key=lambda a: _KIND_ORDER.index(a.kind))]
    return low, high, point, best, labels


def _evidence_text(row: dict) -> str:
    """The text searched for date evidence: title, captions (``evidence_text``), body."""
    parts = [row.get("title"), row.get("evidence_text"), row.get("text")]
    return "\n".join(str(p) for p in parts if isinstance(p, str) and p.strip())
