"""Tests for helpers.confounds: presidencies, conferences and dating phrases from fixture events."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.confounds import (
    conferences,
    dating_phrases,
    presidencies,
    presidency_of,
)


def _events(rows: list[dict[str, str]]) -> pd.DataFrame:
    base = {"pattern": "x", "date_low": "", "date_high": "", "point": "", "recurring": "no"}
    return pd.DataFrame([{**base, **row} for row in rows])


EVENTS = _events(
    [
        {
            "event_id": "handover",
            "pattern": "handing over to Ann Bee",
            "description": "farewell blog before the 1 April 2021 handover to Ann Bee",
            "justification": "Presidents take office on 1 April; Carl Dee was President 2020/21 "
            "and Ann Bee 2021/22",
        },
        {
            "event_id": "conf",
            "pattern": "Annual Conference 2021 opened",
            "description": "round-up of the ADCS Annual Conference 2021 (7-9 July 2021)",
            "justification": "held 7-9 July 2021",
        },
        {
            "event_id": "ncasc",
            "pattern": "NCASC 2020 round-up",
            "description": "round-up of NCASC 2020 (4-6 November 2020)",
            "justification": "the National Children and Adult Services Conference 2020",
        },
        {
            "event_id": "long",
            "pattern": "summer recess.{0,300}?Minister",
            "description": "summer recess with a new Minister",
            "justification": "no dates here 1-2 nothing",
        },
    ]
)


def test_presidencies_names_terms_and_dates() -> None:
    terms = presidencies(EVENTS)
    assert terms["president"].tolist() == ["Carl Dee", "Ann Bee"]
    assert terms["term"].tolist() == ["2020/21", "2021/22"]
    assert terms["start"].tolist() == [pd.Timestamp("2020-04-01"), pd.Timestamp("2021-04-01")]
    assert terms["end"].tolist() == [pd.Timestamp("2021-03-31"), pd.Timestamp("2022-03-31")]
    dates = pd.Series(
        pd.to_datetime(["2020-05-01", "2021-03-31", "2021-04-01", "2019-01-01", None])
    )
    assert presidency_of(dates, terms).tolist() == [
        "Carl Dee (2020/21)",
        "Carl Dee (2020/21)",
        "Ann Bee (2021/22)",
        "not recorded",
        "not recorded",
    ]


def test_presidencies_without_office_day_have_no_dates() -> None:
    events = EVENTS.assign(justification=EVENTS["justification"].str.replace("take office", "x"))
    terms = presidencies(events)
    assert len(terms) == 2 and terms["start"].isna().all()


def test_presidencies_reject_two_names_for_one_term() -> None:
    extra = _events(
        [
            {
                "event_id": "clash",
                "description": "d",
                "justification": "Eve Fox was President 2020/21",
            }
        ]
    )
    with pytest.raises(ValueError, match="two presidents"):
        presidencies(pd.concat([EVENTS, extra], ignore_index=True))


def test_conferences_read_day_ranges_of_named_conferences_only() -> None:
    table = conferences(EVENTS)
    assert table["conference"].tolist() == ["NCASC", "ADCS Annual Conference"]
    assert table["start"].tolist() == [pd.Timestamp("2020-11-04"), pd.Timestamp("2021-07-07")]
    assert table["end"].tolist() == [pd.Timestamp("2020-11-06"), pd.Timestamp("2021-07-09")]


def test_dating_phrases_cited_events_gaps_and_other_evidence() -> None:
    posts = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "text": [
                "The Annual Conference 2021 opened on Wednesday 7 July with a speech.",
                "Over the summer recess many things happened and a new Minister arrived.",
                "Annual Conference 2021 opened, but the basis does not cite it.",
                "Annual Conference 2021 opened.",
            ],
            "date_basis": [
                "text: 'Wednesday 7 July' (year 2021 named in the post); text: 'Annual "
                "Conference 2021 opened' (round-up of the ADCS Annual Conference 2021 "
                "(7-9 July 2021)); bounds from listing order 2021-07-07..2021-07-20",
                "text: 'summer recess ... Minister' (summer recess with a new Minister)",
                "listing order (newest first): next to a (2021-07-07)",
                "FLAGGED: own evidence contradicts the listing order or itself, not used (text: "
                "'Annual Conference 2021 opened' (round-up of the ADCS Annual Conference 2021 "
                "(7-9 July 2021)))",
            ],
        }
    )
    table = dating_phrases(posts, EVENTS)
    rows = {(r.doc_id, r.kind, r.event_id, r.phrase) for r in table.itertuples(index=False)}
    assert rows == {
        ("a", "other text evidence", "", "Wednesday 7 July"),
        ("a", "dated event", "conf", "Annual Conference 2021 opened"),
        # the wildcard gap of the pattern is filler, not evidence
        ("b", "dated event", "long", "summer recess ... Minister"),
    }
    with pytest.raises(ValueError, match="date_basis"):
        dating_phrases(posts.drop(columns="date_basis"), EVENTS)
