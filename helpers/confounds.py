"""What a date boundary between two periods of posts confounds, read from the project's data.

A comparison of the posts before and after a date is also a comparison of whoever presided,
of the months of the year each period covers, and of the posts' dating evidence. The
functions here read those facts from ``data/dated_events.csv`` (``helpers.dating.load_events``)
and from the ``date_basis`` column of ``posts.csv``, so that a notebook states them from data:

* ``presidencies(events)``: ADCS presidencies named in the events' descriptions and
  justifications ("Alison Michalska was President 2017/18 and Stuart Gallimore 2018/19"),
  with their terms when the table documents the day presidents take office ("ADCS
  presidents take office on 1 April"). A presidency the table does not name is not invented.
* ``conferences(events)``: conference dates written in the events' texts as a day range
  ("4-6 July 2018"), for the ADCS Annual Conference and the National Children and Adult
  Services Conference (NCASC).
* ``dating_phrases(posts, events)``: for every post, the phrases of its own text that its
  date rests on: the full match of each dated event its ``date_basis`` cites, and the other
  quoted text evidence (weekday dates, named months). Words of such phrases fall into the
  period their post was dated to by construction.

Nothing here reads files; pass ``load_events()`` and the posts table.
"""

from __future__ import annotations

import calendar
import re

import pandas as pd

__all__ = [
    "CONFERENCE_COLUMNS",
    "DATING_PHRASE_COLUMNS",
    "PRESIDENCY_COLUMNS",
    "conferences",
    "dating_phrases",
    "presidencies",
    "presidency_of",
]

PRESIDENCY_COLUMNS: list[str] = ["president", "term", "start", "end", "event_ids"]
CONFERENCE_COLUMNS: list[str] = ["conference", "start", "end", "event_ids"]
DATING_PHRASE_COLUMNS: list[str] = ["doc_id", "kind", "event_id", "phrase"]

_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z'’]+)+"
_PRESIDENT = re.compile(
    rf"(?P<name>{_NAME}) was (?:ADCS )?President (?P<y1>(?:19|20)\d\d)/(?P<y2>\d\d)\b"
    rf"(?: and (?P<name2>{_NAME}) (?P<y3>(?:19|20)\d\d)/(?P<y4>\d\d)\b)?"
)
_MONTHS = "|".join(calendar.month_name[1:])
_OFFICE_DAY = re.compile(rf"take office on (?P<day>\d{{1,2}}) (?P<month>{_MONTHS})")
_DAY_RANGE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})\s*[-–]\s*(?P<d2>\d{{1,2}}) "
    rf"(?P<month>{_MONTHS}) (?P<year>(?:19|20)\d\d)\b"
)
_CONFERENCES = (
    ("NCASC", re.compile(r"NCASC|National Children and Adult Services Conference", re.I)),
    ("ADCS Annual Conference", re.compile(r"ADCS (?:Annual Conference|annual conferences)", re.I)),
)
_QUOTED = re.compile(r"text(?::| names) '(?P<phrase>.+?)'(?= \()")
_FLAGGED = "FLAGGED:"
#: A wildcard gap of an event pattern (".{0,300}?", "[^.]{0,60}"): the text it spans is
#: filler between the phrases that date the post, not evidence.
_GAP = re.compile(r"(?:\.|\[\^[^\]]+\])\{\d*,\d+\}\??")


def _event_text(row: object) -> str:
    return f"{row.description} {row.justification}"


def presidencies(events: pd.DataFrame) -> pd.DataFrame:
    """ADCS presidencies named in ``events`` (one row per term), with start and end dates.

    A term ``2018/19`` runs from the documented office day of 2018 (e.g. 1 April) to the
    day before the office day of 2019. Without a documented office day ``start`` and
    ``end`` stay empty (NaT). Raises ``ValueError`` if two names claim one term.
    """
    found: dict[int, tuple[str, set[str]]] = {}
    office: tuple[int, int] | None = None
    for row in events.itertuples(index=False):
        text = _event_text(row)
        day = _OFFICE_DAY.search(text)
        if day and office is None:
            office = (list(calendar.month_name).index(day.group("month")), int(day.group("day")))
        for match in _PRESIDENT.finditer(text):
            pairs = [(match.group("name"), match.group("y1"))]
            if match.group("name2"):
                pairs.append((match.group("name2"), match.group("y3")))
            for name, year in pairs:
                first = int(year)
                if first in found and found[first][0] != name:
                    raise ValueError(
                        f"dated events name two presidents for {first}/{(first + 1) % 100:02d}: "
                        f"{found[first][0]!r} and {name!r} (event {row.event_id})"
                    )
                found.setdefault(first, (name, set()))[1].add(row.event_id)
    rows = []
    for first in sorted(found):
        name, ids = found[first]
        if office is None:
            start = end = pd.NaT
        else:
            start = pd.Timestamp(first, office[0], office[1])
            end = pd.Timestamp(first + 1, office[0], office[1]) - pd.Timedelta(days=1)
        rows.append(
            {
                "president": name,
                "term": f"{first}/{(first + 1) % 100:02d}",
                "start": start,
                "end": end,
                "event_ids": ", ".join(sorted(ids)),
            }
        )
    return pd.DataFrame(rows, columns=PRESIDENCY_COLUMNS)


def presidency_of(
    dates: pd.Series, terms: pd.DataFrame, unknown: str = "not recorded"
) -> pd.Series:
    """The president in office on each date (``unknown`` outside the recorded terms or NaT)."""
    result = pd.Series(unknown, index=dates.index, dtype=object)
    for term in terms.dropna(subset=["start", "end"]).itertuples(index=False):
        inside = (dates >= term.start) & (dates <= term.end)
        result[inside.fillna(False).astype(bool)] = f"{term.president} ({term.term})"
    return result


def conferences(events: pd.DataFrame) -> pd.DataFrame:
    """Conference dates written as day ranges ("4-6 July 2018") in the events' texts.

    Only rows that name the ADCS Annual Conference or NCASC are read; each distinct
    (conference, start) appears once, sorted by date.
    """
    found: dict[tuple[str, pd.Timestamp], tuple[pd.Timestamp, set[str]]] = {}
    for row in events.itertuples(index=False):
        text = _event_text(row)
        names = [name for name, pattern in _CONFERENCES if pattern.search(text)]
        if len(names) != 1:
            continue  # no conference named, or two: the dates cannot be attributed
        for match in _DAY_RANGE.finditer(text):
            month = list(calendar.month_name).index(match.group("month"))
            year = int(match.group("year"))
            start = pd.Timestamp(year, month, int(match.group("d1")))
            end = pd.Timestamp(year, month, int(match.group("d2")))
            if end < start:
                continue
            key = (names[0], start)
            found.setdefault(key, (end, set()))[1].add(row.event_id)
    rows = [
        {"conference": name, "start": start, "end": end, "event_ids": ", ".join(sorted(ids))}
        for (name, start), (end, ids) in sorted(found.items(), key=lambda item: item[0][1])
    ]
    return pd.DataFrame(rows, columns=CONFERENCE_COLUMNS)


def _evidence_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` with each wildcard gap captured in a group named ``_gapN``."""
    counter = iter(range(10_000))
    marked = _GAP.sub(lambda m: f"(?P<_gap{next(counter)}>{m.group(0)})", pattern)
    return re.compile(marked, re.I | re.S)


def _without_gaps(match: re.Match[str]) -> str:
    """The matched text with the spans of wildcard gaps replaced by ' ... '."""
    text, start = match.string, match.start()
    pieces: list[str] = []
    gaps = sorted(match.span(name) for name in match.re.groupindex if name.startswith("_gap"))
    for low, high in gaps:
        if low < 0:
            continue
        pieces.append(text[start:low])
        start = high
    pieces.append(text[start : match.end()])
    return " ... ".join(" ".join(piece.split()) for piece in pieces if piece.strip())


def _drop_flagged(basis: str) -> str:
    """``date_basis`` without its FLAGGED notes (evidence the estimator did not use)."""
    while _FLAGGED in basis:
        start = basis.index(_FLAGGED)
        open_at = basis.find("(", start)
        if open_at < 0:
            return basis[:start]
        depth, stop = 0, len(basis)
        for i in range(open_at, len(basis)):
            depth += {"(": 1, ")": -1}.get(basis[i], 0)
            if depth == 0:
                stop = i + 1
                break
        basis = basis[:start] + basis[stop:]
    return basis


def dating_phrases(posts: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The phrases of each post's own text that its date rests on (``DATING_PHRASE_COLUMNS``).

    ``posts`` needs ``doc_id``, ``text`` and ``date_basis``. For every dated event whose
    description the post's ``date_basis`` cites (outside a FLAGGED note), the match of the
    event's pattern in the text is returned (``kind`` "dated event"), with the text spanned
    by its wildcard gaps (``.{0,300}?``) replaced by " ... "; every other
    phrase quoted as text evidence (weekday dates, named months) is returned as quoted
    (``kind`` "other text evidence"). Bylines and listing order are not phrases of the text.
    """
    missing = [c for c in ("doc_id", "text", "date_basis") if c not in posts.columns]
    if missing:
        raise ValueError(
            f"dating_phrases needs the columns doc_id, text, date_basis; missing {missing}"
        )
    compiled = [
        (row.event_id, f"({row.description})", _evidence_pattern(row.pattern))
        for row in events.itertuples(index=False)
    ]
    rows: list[dict[str, str]] = []
    for post in posts.itertuples(index=False):
        basis = _drop_flagged(post.date_basis if isinstance(post.date_basis, str) else "")
        text = post.text if isinstance(post.text, str) else ""
        cited: list[str] = []
        for event_id, cited_as, pattern in compiled:
            if cited_as not in basis:
                continue
            match = pattern.search(text)
            if match is None:
                continue
            cited.append(cited_as)
            rows.append(
                {
                    "doc_id": post.doc_id,
                    "kind": "dated event",
                    "event_id": event_id,
                    "phrase": _without_gaps(match),
                }
            )
        for match in _QUOTED.finditer(basis):
            after = basis[match.end() + 1 :]
            if any(after.startswith(c) for c in cited):
                continue
            rows.append(
                {
                    "doc_id": post.doc_id,
                    "kind": "other text evidence",
                    "event_id": "",
                    "phrase": match.group("phrase"),
                }
            )
    return pd.DataFrame(rows, columns=DATING_PHRASE_COLUMNS)
