"""Estimate publication dates of posts that carry no byline date.

The estimator combines three kinds of evidence, strongest first:

1. **Byline** (``byline_date`` given by segmentation): the date, at day precision,
   with ``date_low == date == date_high``. A byline always wins; nothing else is
   looked at for that post. Crawl-time headers (the ADCS "Next Upcoming Event"
   widget) are not bylines; segmentation never passes them, and this module
   ignores any date written just after "Upcoming Event" in the text.
2. **Text anchors** found in the post's own text:

   * *weekday dates* such as "Monday 8 January": the weekday fixes the year to a
     few candidates; the year is taken from a four-digit year the post itself
     mentions, otherwise from the listing bounds (step 3). The post is dated at
     the latest such date (it was finished then), interval from 7 days before the
     earliest to 14 days after the latest, precision ``day``;
   * *dated events* from ``data/dated_events.csv`` (documented in
     ``data/dated_events.md``): a regular expression and the window of dates a
     post matching it must fall in, each with its justification. Recurring events
     (Christmas, New Year, results day ...) give a month-day window whose year is
     resolved from other evidence;
   * *lower bounds*: a "Month YYYY" or "D Month YYYY" phrase not preceded by
     by/until/till/before (the post cannot predate a month it names), and the
     largest year introduced by in/since/during/of minus one year (conservative:
     a post may name the current or next year).

   All of a post's anchors are intersected; the point is the weekday date if
   any, else the point of the narrowest event window. Only bylines, weekday
   dates and windows of at most 45 days give a point ("anchored" posts); wider
   windows and lower bounds only narrow the interval.
3. **Listing order**: a file holding several posts (the ADCS blog listing,
   newest first) is treated as ordered, so ``date[i] >= date[j]`` when ``i``
   is listed before ``j``. Each post's interval is narrowed to
   ``[max of lower bounds of posts listed after it, min of upper bounds of posts
   listed before it]`` (including its own). Anchors that make this impossible
   are *flagged* (greedily, the post involved in most contradictions first),
   are not used, and are reported in the ``date_basis`` and in
   ``result.attrs["flagged"]``. Year-ambiguous evidence is resolved against
   these bounds (the one candidate year that fits). Anchored points are made
   non-increasing (pool-adjacent-violators); posts without an anchor get a point
   by linear interpolation in listing position between the nearest anchored
   posts before and after them (precision ``estimated``). Points are clipped into
   the interval, so ``date_low <= date <= date_high`` always.

A single-post file with evidence gets its own interval and point (the event's
point, else the midpoint; a one-sided bound is closed by the study window).

Posts with no evidence at all get the study window 2016-01-01..2024-12-31
(precision ``estimated``). Precision of anchored posts: ``day`` for bylines and
weekday dates; otherwise ``month`` if the final interval spans at most 45 days,
``year`` if it lies within one calendar year, else ``estimated``.

The estimator is pure and deterministic: it reads nothing but its arguments
(``estimate_dates(posts)`` without ``events`` calls ``load_events()``, which
reads the CSV), and takes about 0.05 s on the 104-post corpus.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

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
POST_COLUMNS: list[str] = [
    "doc_id",
    "source_file",
    "position_in_file",
    "title",
    "text",
    "byline_date",
]
RESULT_COLUMNS: list[str] = ["date", "date_precision", "date_low", "date_high", "date_basis"]

#: Study window used when a post offers no evidence at all.
DEFAULT_LOW = date(2016, 1, 1)
DEFAULT_HIGH = date(2026, 12, 31)
#: Years considered when resolving a weekday date or a recurring event.
CANDIDATE_YEARS = range(2000, DEFAULT_HIGH.year + 1)
#: Slack around weekday dates: the post is dated at the latest date it names,
#: and may have been begun a week before the earliest / published two weeks later.
WEEKDAY_BEFORE_DAYS = 7
WEEKDAY_AFTER_DAYS = 14
MONTH_PRECISION_DAYS = 45
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
    if not path.exists():
        raise FileNotFoundError(f"{path}: dated-events file not found")
    events = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}")
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


def _propagate(
    lows: list[date | None], highs: list[date | None]
) -> tuple[list[date | None], list[date | None]]:
    """Monotone bounds for a newest-first listing.

    A post's low is the largest low of the posts listed after it (older) and its
    high the smallest high of the posts listed before it (newer), own included.
    """
    n = len(lows)
    out_low: list[date | None] = [None] * n
    out_high: list[date | None] = [None] * n
    running: date | None = None
    for i in range(n - 1, -1, -1):  # oldest -> newest: lows only grow
        if lows[i] is not None and (running is None or lows[i] > running):
            running = lows[i]
        out_low[i] = running
    running = None
    for i in range(n):  # newest -> oldest: highs only shrink
        if highs[i] is not None and (running is None or highs[i] < running):
            running = highs[i]
        out_high[i] = running
    return out_low, out_high


def _find_conflicts(
    lows: list[date | None], highs: list[date | None], ordered: bool, kinds: list[str] | None = None
) -> list[int]:
    """Indices whose own evidence must be dropped so every interval is non-empty and ordered.

    Greedy: repeatedly drop the post involved in most contradictions (a post whose
    own evidence is self-contradictory counts as involved in all); ties go to the
    weaker evidence (bound < event < weekday < byline), then the wider interval,
    then the later-listed post.
    """
    lows, highs = list(lows), list(highs)
    kinds = kinds or ["event"] * len(lows)
    strength = {"bound": 0, "none": 0, "event": 1, "weekday": 2, "byline": 3}
    dropped: list[int] = []
    n = len(lows)

    def width(k: int) -> int:
        if lows[k] is None or highs[k] is None:
            return 10**6
        return (highs[k] - lows[k]).days

    while n:
        counts = [0] * n
        for i in range(n):
            if lows[i] is not None and highs[i] is not None and lows[i] > highs[i]:
                counts[i] += n  # internally contradictory: drop first
        if ordered:
            for i in range(n):
                if highs[i] is None:
                    continue
                for j in range(i + 1, n):  # j listed after i, so date_j <= date_i
                    if lows[j] is not None and lows[j] > highs[i]:
                        counts[i] += 1
                        counts[j] += 1
        worst = max(range(n), key=lambda k: (counts[k], -strength[kinds[k]], width(k), k))
        if counts[worst] == 0:
            break
        dropped.append(worst)
        lows[worst] = highs[worst] = None
    return dropped


def _interpolate(
    position: int, before: tuple[int, date] | None, after: tuple[int, date] | None
) -> date | None:
    """Linear interpolation in listing position between two anchored posts."""
    if before and after:
        (p0, d0), (p1, d1) = before, after
        fraction = (position - p0) / (p1 - p0)
        return d0 + timedelta(days=round((d1 - d0).days * fraction))
    if before:
        return before[1]
    if after:
        return after[1]
    return None


def _precision(kind: str, low: date, high: date) -> str:
    if kind in ("byline", "weekday"):
        return "day"
    if (high - low).days <= MONTH_PRECISION_DAYS:
        return "month"
    if low.year == high.year:
        return "year"
    return "estimated"


def _resolve_candidates(
    anchors: list[list[Anchor]], pending: list[list[Candidates]], ordered: bool
) -> list[list[str]]:
    """Fix the year of year-ambiguous evidence against the bounds from all other evidence.

    A candidate year is kept if its window meets the post's bounds (its own
    anchors plus, in a listing, the monotone bounds from its neighbours). One
    fitting year: taken. Several, but the post is bounded on one side only: the
    occurrence nearest that bound is taken if it lies within a year of it
    (single posts, and the two ends of a listing). Otherwise left unresolved.
    Repeats until nothing changes. Mutates ``anchors`` and ``pending``.
    """
    notes: list[list[str]] = [[] for _ in anchors]
    changed = True
    while changed:
        changed = False
        lows, highs = _usable_bounds(anchors, ordered)
        plow, phigh = _propagate(lows, highs) if ordered else (lows, highs)
        for i, cands in enumerate(pending):
            for cand in list(cands):
                lo, hi = plow[i], phigh[i]
                fits = [
                    o
                    for o in cand.options
                    if (lo is None or o.high is None or o.high >= lo)
                    and (hi is None or o.low <= hi)
                ]
                chosen, note = None, ""
                if len(fits) == 1 and (lo is not None or hi is not None):
                    chosen, note = fits[0], "the only year consistent with the other evidence"
                elif fits and lo is not None and hi is None:
                    first = min(fits, key=lambda o: o.low)
                    if (first.low - lo).days <= 366:
                        chosen = first
                        note = f"first occurrence after the lower bound {lo.isoformat()}"
                elif fits and hi is not None and lo is None:
                    last = max(fits, key=lambda o: o.high or o.low)
                    if (hi - (last.high or last.low)).days <= 366:
                        chosen = last
                        note = f"last occurrence before the upper bound {hi.isoformat()}"
                if chosen is not None:
                    year = (chosen.point or chosen.low).year
                    anchors[i].append(chosen)
                    cands.remove(cand)
                    notes[i].append(f"year {year}: {note}")
                    changed = True
    return notes


def _usable_bounds(anchors: list[list[Anchor]], ordered: bool) -> tuple[list, list]:
    """Each post's own [low, high], with contradictory posts' evidence removed."""
    combined = [_combine(a) for a in anchors]
    lows = [c[0] for c in combined]
    highs = [c[1] for c in combined]
    drop = set(_find_conflicts(lows, highs, ordered, [c[3] for c in combined]))
    return (
        [None if i in drop else v for i, v in enumerate(lows)],
        [None if i in drop else v for i, v in enumerate(highs)],
    )


def _monotone(points: list[tuple[int, date]]) -> list[tuple[int, date]]:
    """Pool-adjacent-violators: make points non-increasing in listing position (newest first)."""
    blocks: list[list] = []  # [sum of ordinals, count, positions]
    for pos, day in points:
        blocks.append([day.toordinal(), 1, [pos]])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / blocks[-1][1]:
            total, count, positions = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
            blocks[-1][2].extend(positions)
    out = []
    for total, count, positions in blocks:
        mean = date.fromordinal(round(total / count))
        out.extend((pos, mean) for pos in positions)
    return out


def _is_strong(kind: str, low: date | None, high: date | None) -> bool:
    """Evidence precise enough to give a point estimate (not just bounds)."""
    if kind in ("byline", "weekday"):
        return True
    return low is not None and high is not None and (high - low).days <= MONTH_PRECISION_DAYS


def _estimate_group(
    group: list[tuple[str, Evidence]], ordered: bool
) -> tuple[list[dict], list[dict]]:
    """Estimate dates for the posts of one source file (listed newest first if ordered)."""
    n = len(group)
    anchors = [list(ev.anchors) for _, ev in group]
    pending = [list(ev.candidates) for _, ev in group]
    resolved_notes = _resolve_candidates(anchors, pending, ordered)

    combined = [_combine(a) for a in anchors]
    lows = [c[0] for c in combined]
    highs = [c[1] for c in combined]
    drop = set(_find_conflicts(lows, highs, ordered, [c[3] for c in combined]))
    flagged_rows = [
        {
            "doc_id": group[i][0],
            "own_low": pd.Timestamp(lows[i]) if lows[i] else pd.NaT,
            "own_high": pd.Timestamp(highs[i]) if highs[i] else pd.NaT,
            "evidence": "; ".join(combined[i][4]),
        }
        for i in sorted(drop)
    ]
    lows = [None if i in drop else v for i, v in enumerate(lows)]
    highs = [None if i in drop else v for i, v in enumerate(highs)]
    plow, phigh = _propagate(lows, highs) if ordered else (lows, highs)
    final_low = [
        plow[i] if plow[i] is not None else min(DEFAULT_LOW, phigh[i] or DEFAULT_LOW)
        for i in range(n)
    ]
    final_high = [
        phigh[i] if phigh[i] is not None else max(DEFAULT_HIGH, final_low[i]) for i in range(n)
    ]

    strong = [i not in drop and _is_strong(combined[i][3], lows[i], highs[i]) for i in range(n)]
    anchored = [
        (i, _clip(combined[i][2] or _mid(lows[i], highs[i]), final_low[i], final_high[i]))
        for i in range(n)
        if strong[i]
    ]
    if ordered:
        anchored = [(i, _clip(d, final_low[i], final_high[i])) for i, d in _monotone(anchored)]
    anchored_at = dict(anchored)

    rows: list[dict] = []
    for i, (_doc_id, _) in enumerate(group):
        low, high = final_low[i], final_high[i]
        own_labels = [
            label
            for a, label in zip(
                sorted(anchors[i], key=lambda a: _KIND_ORDER.index(a.kind)),
                combined[i][4],
                strict=True,
            )
            if a.kind != "bound" or a.low == low
        ]
        notes: list[str] = []
        if i in drop:
            notes.append(
                "FLAGGED: own evidence contradicts the listing order or itself, not used ("
                + "; ".join(combined[i][4])
                + ")"
            )
        if i in anchored_at:
            point = anchored_at[i]
            precision = _precision(combined[i][3], low, high)
            notes.extend(own_labels)
            notes.extend(resolved_notes[i])
        else:
            before = (
                next(((p, d) for p, d in reversed(anchored) if p < i), None) if ordered else None
            )
            after = next(((p, d) for p, d in anchored if p > i), None) if ordered else None
            own = i not in drop and (lows[i] is not None or highs[i] is not None)
            own_precision = _precision("event", low, high) if own else "unknown"
            point: date | None
            if before and after:
                point = _clip(_interpolate(i, before, after) or low, low, high)
                precision = "estimated"
                notes.append(
                    f"listing order (newest first): between {group[before[0]][0]} "
                    f"({before[1].isoformat()}) and {group[after[0]][0]} ({after[1].isoformat()}), "
                    "interpolated linearly in position"
                )
            elif own and own_precision in ("month", "year"):
                point = _clip(combined[i][2] or _mid(low, high), low, high)
                precision = own_precision
            else:
                point, precision = None, "unknown"
                if before or after:
                    p, d = before or after
                    notes.append(
                        f"listing order (newest first): next to {group[p][0]} ({d.isoformat()}) "
                        "on one side only: no point date"
                    )
            if own:
                notes.extend(own_labels)
                notes.extend(resolved_notes[i])
                if phigh[i] is None:
                    notes.append("no upper bound: study window end used")
            if precision == "unknown" and not (before or after):
                window = f"{low.isoformat()}..{high.isoformat()}"
                notes.append(
                    f"no point date: evidence too weak, interval {window} kept"
                    if own
                    else f"no dating evidence: no point date, study window {window} kept"
                )
        if ordered:
            notes.append(f"bounds from listing order {low.isoformat()}..{high.isoformat()}")
        rows.append(
            {
                "date": pd.Timestamp(point) if point is not None else pd.NaT,
                "date_precision": precision,
                "date_low": pd.Timestamp(low),
                "date_high": pd.Timestamp(high),
                "date_basis": "; ".join(notes),
            }
        )
    return rows, flagged_rows


def _mid(low: date | None, high: date | None) -> date:
    low = low or DEFAULT_LOW
    high = high or max(DEFAULT_HIGH, low)
    return low + timedelta(days=(high - low).days // 2)


def _clip(value: date, low: date | None, high: date | None) -> date:
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def _check_posts(posts: pd.DataFrame) -> None:
    missing = [c for c in POST_COLUMNS if c not in posts.columns]
    if missing:
        raise ValueError(f"estimate_dates: posts table lacks columns {missing}")


def _evidence_text(row: dict) -> str:
    """The text searched for date evidence: title, captions (``evidence_text``), body."""
    parts = [row.get("title"), row.get("evidence_text"), row.get("text")]
    return "\n".join(str(p) for p in parts if isinstance(p, str) and p.strip())


def _evidence_table(posts: pd.DataFrame, events: pd.DataFrame) -> dict:
    """Evidence per row label (the costly regex step, done once)."""
    compiled = _compile_events(events)
    texts = [_evidence_text(row) for row in posts.to_dict("records")]
    bylines = posts["byline_date"].tolist()
    return {
        idx: _collect(text, byline, compiled)
        for idx, text, byline in zip(posts.index, texts, bylines, strict=True)
    }


def _estimate_from_evidence(posts: pd.DataFrame, evidence: dict) -> pd.DataFrame:
    results: dict = {}
    flagged: list[dict] = []
    for source_file, frame in posts.groupby("source_file", sort=True):
        frame = frame.sort_values("position_in_file", kind="stable")
        group = [
            (str(doc_id), evidence[idx])
            for idx, doc_id in zip(frame.index, frame["doc_id"], strict=True)
        ]
        rows, flags = _estimate_group(group, ordered=len(frame) > 1)
        results.update(zip(frame.index, rows, strict=True))
        flagged.extend({"source_file": source_file, **f} for f in flags)
    out = pd.DataFrame(
        [results[idx] for idx in posts.index], index=posts.index, columns=RESULT_COLUMNS
    )
    for column in ("date", "date_low", "date_high"):
        out[column] = pd.to_datetime(out[column])
    out.attrs["flagged"] = pd.DataFrame(
        flagged, columns=["source_file", "doc_id", "own_low", "own_high", "evidence"]
    )
    return out


def estimate_dates(posts: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Date every post: byline if any, else text anchors, else listing-order interpolation.

    ``posts`` has columns doc_id, source_file, position_in_file, title, text,
    byline_date (Timestamp or NaT). A source file with more than one post is
    taken to be a listing ordered newest first (position 0 = newest). Returns a
    DataFrame with the same index and columns date, date_precision, date_low,
    date_high, date_basis (``date_low <= date <= date_high``). Anchors that
    contradict the listing order are not used; they are named in the basis and
    listed in ``result.attrs["flagged"]``. See the module docstring for the rules.
    """
    _check_posts(posts)
    events = load_events() if events is None else events
    if posts.empty:
        return pd.DataFrame(index=posts.index, columns=RESULT_COLUMNS)
    return _estimate_from_evidence(posts, _evidence_table(posts, events))


def _resolved_own_evidence(posts: pd.DataFrame, evidence: dict) -> dict:
    """Each post's own combined evidence after year resolution, minus flagged posts."""
    out: dict = {}
    for _, frame in posts.groupby("source_file", sort=True):
        frame = frame.sort_values("position_in_file", kind="stable")
        ordered = len(frame) > 1
        anchors = [list(evidence[idx].anchors) for idx in frame.index]
        pending = [list(evidence[idx].candidates) for idx in frame.index]
        _resolve_candidates(anchors, pending, ordered)
        combined = [_combine(a) for a in anchors]
        drop = set(
            _find_conflicts(
                [c[0] for c in combined],
                [c[1] for c in combined],
                ordered,
                [c[3] for c in combined],
            )
        )
        out.update(
            (idx, c)
            for k, (idx, c) in enumerate(zip(frame.index, combined, strict=True))
            if k not in drop
        )
    return out


def evaluate_estimator(posts: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Leave-one-out check of the estimator on posts whose date is known from strong evidence.

    Strong evidence = a byline, a weekday date in the text, or a dated event
    whose window is at most 45 days (for a recurring event such as Christmas,
    the year comes from the other evidence and the ``evidence`` column says so).
    Posts whose evidence is flagged as contradictory are left out. For each
    such post its own evidence is hidden (byline and every text anchor of that
    post), all dates are re-estimated, and the estimate is compared with the
    hidden evidence.
    Columns: doc_id, evidence (kind), true_date, true_low, true_high, estimate,
    low, high, abs_error_days (|estimate - true_date|; missing when the hidden post gets
    no point date without its evidence), inside_interval (true_date within [low, high]),
    interval_days (high - low).
    """
    _check_posts(posts)
    events = load_events() if events is None else events
    evidence = _evidence_table(posts, events)
    truth = _resolved_own_evidence(posts, evidence)
    rows = []
    for idx, row in zip(posts.index, posts.itertuples(index=False), strict=True):
        if idx not in truth:
            continue
        low, high, point, kind, _ = truth[idx]
        if not _is_strong(kind, low, high) or point is None:
            continue
        raw_low, raw_high, _, raw_kind, _ = _combine(evidence[idx].anchors)
        if not _is_strong(raw_kind, raw_low, raw_high):
            kind = f"{kind} (year from other evidence)"
        hidden = dict(evidence)
        hidden[idx] = Evidence()
        estimate = _estimate_from_evidence(posts, hidden).loc[idx]
        true_date = pd.Timestamp(_clip(point, low, high))
        rows.append(
            {
                "doc_id": row.doc_id,
                "evidence": kind,
                "true_date": true_date,
                "true_low": pd.Timestamp(low),
                "true_high": pd.Timestamp(high),
                "estimate": estimate["date"],
                "low": estimate["date_low"],
                "high": estimate["date_high"],
                "abs_error_days": (
                    abs((estimate["date"] - true_date).days) if pd.notna(estimate["date"]) else None
                ),
                "inside_interval": bool(estimate["date_low"] <= true_date <= estimate["date_high"]),
                "interval_days": int((estimate["date_high"] - estimate["date_low"]).days),
            }
        )
    columns = [
        "doc_id",
        "evidence",
        "true_date",
        "true_low",
        "true_high",
        "estimate",
        "low",
        "high",
        "abs_error_days",
        "inside_interval",
        "interval_days",
    ]
    result = pd.DataFrame(rows, columns=columns)
    result["abs_error_days"] = result["abs_error_days"].astype("Int64")
    return result


__all__ = ["estimate_dates", "evaluate_estimator", "load_events"]
