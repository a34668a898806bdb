"""Date every post from evidence; a post without evidence gets no point date.

Three parts, each in its own module:

* **date evidence** (``helpers.date_evidence``): what a post's byline, title, captions
  and text say (byline dates, weekday dates, dated events of ``data/dated_events.csv``,
  lower bounds from named months and years; future years never count);
* **listing order** (``helpers.date_order``): in a file holding several posts (the ADCS
  blog listing, newest first) ``date[i] >= date[j]`` when ``i`` is listed before ``j``;
* **estimation** (this module): combines them.

Rules of the estimation:

1. A byline always wins: day precision, ``date_low == date == date_high``. A weekday date
   named in the text also gives day precision, as long as the point stays on that day; if the
   listing order moves it, the precision follows the width of the interval instead.
2. A post's anchors are intersected; the point is the weekday date if any, else the
   point of the narrowest event window. Only bylines, weekday dates and windows of at
   most 45 days give a point ("anchored" posts, precision ``day`` or ``month``); wider
   windows and lower bounds only narrow the interval.
3. In a listing, each interval is narrowed to ``[max of lower bounds of posts listed
   after it, min of upper bounds of posts listed before it]``. Anchors that make this
   impossible are *flagged* (greedily, the post involved in most contradictions first),
   not used, and reported in ``date_basis`` and ``result.attrs["flagged"]``.
   Year-ambiguous evidence is resolved against these bounds. Anchored points are made
   non-increasing (pool-adjacent-violators). A post between two anchored posts gets a
   point by linear interpolation in listing position (precision ``estimated``: the
   listing order is its evidence).
4. A post whose own evidence places it within one calendar year gets that interval's
   event point or midpoint (precision ``year``, or ``month`` within 45 days).
5. **Every other post has no point date**: ``date`` is empty (NaT) and
   ``date_precision`` is ``unknown``; its interval is kept (the study window
   ``DEFAULT_LOW..DEFAULT_HIGH`` when nothing bounds it, or what its evidence and its
   listing neighbours on one side allow). Analyses over time count such posts and
   leave them out.

Points are clipped into the interval, so ``date_low <= date <= date_high`` whenever
there is a point. The estimator is pure and deterministic: it reads nothing but its
arguments (``estimate_dates(posts)`` without ``events`` calls ``load_events()``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from helpers.date_evidence import (  # noqa: F401 (re-exported: the public names)
    _KIND_ORDER,
    CANDIDATE_YEARS,
    DEFAULT_HIGH,
    DEFAULT_LOW,
    EVENT_COLUMNS,
    EVENTS_PATH,
    Anchor,
    Candidates,
    Evidence,
    _collect,
    _combine,
    _compile_events,
    _evidence_text,
    load_events,
)
from helpers.date_order import _find_conflicts, _interpolate, _monotone, _propagate

POST_COLUMNS: list[str] = [
    "doc_id",
    "source_file",
    "position_in_file",
    "title",
    "text",
    "byline_date",
]


RESULT_COLUMNS: list[str] = ["date", "date_precision", "date_low", "date_high", "date_basis"]


MONTH_PRECISION_DAYS = 45


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
            named = combined[i][2]
            if precision == "day" and named is not None and point != named:
                # The day the evidence names was moved (clipped into the interval the listing
                # allows, or levelled by the listing order): the point is no longer that day.
                precision = _precision("event", low, high)
                why = (
                    "lies outside what the listing order allows"
                    if not low <= named <= high
                    else "is out of order with its listing neighbours"
                )
                notes.append(f"the named day {named.isoformat()} {why}; point moved to {point}")
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
