"""Unit tests for helpers.dating on small synthetic posts (no corpus needed)."""

from pathlib import Path

import pandas as pd
import pytest

from helpers.dating import (
    DEFAULT_HIGH,
    DEFAULT_LOW,
    EVENT_COLUMNS,
    RESULT_COLUMNS,
    estimate_dates,
    evaluate_estimator,
    load_events,
)

TS = pd.Timestamp
WINDOW = (TS(DEFAULT_LOW), TS(DEFAULT_HIGH))


def make_posts(texts: list[str], source_file: str = "listing.txt", bylines=None) -> pd.DataFrame:
    """A posts table as segmentation passes it: one source file, listed newest first."""
    n = len(texts)
    return pd.DataFrame(
        {
            "doc_id": [f"{source_file[:3]}-{i:03d}" for i in range(n)],
            "source_file": [source_file] * n,
            "position_in_file": list(range(n)),
            "title": [f"Post {i}" for i in range(n)],
            "text": texts,
            "byline_date": pd.to_datetime(bylines if bylines is not None else [pd.NaT] * n),
        }
    )


def make_events(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """Events table from (pattern, date_low, date_high, point, recurring) tuples."""
    return pd.DataFrame(
        [
            {
                "event_id": f"e{i}",
                "pattern": pattern,
                "date_low": low,
                "date_high": high,
                "point": point,
                "recurring": recurring,
                "description": f"test event {pattern}",
                "justification": "test fixture",
            }
            for i, (pattern, low, high, point, recurring) in enumerate(rows)
        ],
        columns=EVENT_COLUMNS,
    )


NO_EVENTS = make_events([])


def test_byline_wins_over_text_evidence():
    posts = make_posts(
        ["Merry Christmas! The ADCS Annual Conference 2019 has just finished."],
        source_file="000.txt",
        bylines=[TS("2023-01-30")],
    )
    row = estimate_dates(posts, load_events()).iloc[0]
    assert row["date"] == row["date_low"] == row["date_high"] == TS("2023-01-30")
    assert row["date_precision"] == "day"
    assert row["date_basis"] == "byline 'Monday, January 30, 2023'"


@pytest.mark.parametrize(
    "header",
    ["Next Upcoming Event\n\nTue, 09 Jul 24 10:00", "Next Upcoming Event Tuesday 9 July 2024"],
)
def test_upcoming_event_widget_is_not_a_date(header):
    posts = make_posts([f"{header}\n\nA post about sector-led improvement."], source_file="001.txt")
    row = estimate_dates(posts, NO_EVENTS).iloc[0]
    assert (row["date_low"], row["date_high"]) == WINDOW
    assert pd.isna(row["date"]) and row["date_precision"] == "unknown"
    assert row["date_basis"].startswith("no dating evidence")


def test_weekday_date_takes_year_named_in_post():
    text = (
        "It's 3:45pm on Monday 8 January and the cabinet reshuffle is in full swing. "
        "What will the new team do in 2018 and beyond?"
    )
    row = estimate_dates(make_posts([text], source_file="x.txt"), NO_EVENTS).iloc[0]
    assert row["date"] == TS("2018-01-08")
    assert row["date_precision"] == "day"
    assert row["date_low"] <= row["date"] <= row["date_high"]
    assert "Monday 8 January" in row["date_basis"] and "2018" in row["date_basis"]


def test_latest_weekday_date_is_the_point():
    text = "Monday 8 January 2018 ... Tuesday 9 January ... Wednesday 10 January: done."
    row = estimate_dates(make_posts([text], source_file="x.txt"), NO_EVENTS).iloc[0]
    assert row["date"] == TS("2018-01-10")


def test_monotone_interpolation_between_two_anchors():
    texts = [
        "Written on Wednesday 10 January, looking ahead to 2018.",
        "No dates here.",
        "Nothing here either.",
        "Still nothing.",
        "The conference 2017 opened on Wednesday 11 October.",
    ]
    result = estimate_dates(make_posts(texts), NO_EVENTS)
    assert result.loc[0, "date"] == TS("2018-01-10")
    assert result.loc[4, "date"] == TS("2017-10-11")
    assert result["date"].is_monotonic_decreasing
    # Middle post: halfway in position, so halfway in time (91 days apart).
    assert abs((result.loc[2, "date"] - TS("2017-11-25")).days) <= 1
    assert result.loc[2, "date_precision"] == "estimated"
    # Bounds come from the neighbours' windows (weekday date -7 / +14 days).
    assert result.loc[2, "date_low"] == TS("2017-10-04")
    assert result.loc[2, "date_high"] == TS("2018-01-24")
    assert "between lis-000 (2018-01-10) and lis-004 (2017-10-11)" in result.loc[2, "date_basis"]


def test_interval_always_contains_point():
    events = make_events([("EVENT_A", "2019-07-01", "2019-07-10", "2019-07-05", "no")])
    texts = ["EVENT_A", "plain", "in October 2017 we began", "plain", "Wednesday 11 October 2017"]
    posts = pd.concat(
        [
            make_posts(texts),
            make_posts(["single undated"], source_file="solo.txt"),
            make_posts(["x"], source_file="byl.txt", bylines=[TS("2020-05-05")]),
        ],
        ignore_index=True,
    )
    result = estimate_dates(posts, events)
    assert list(result.columns) == RESULT_COLUMNS
    assert result.index.equals(posts.index)
    dated = result[result["date"].notna()]
    assert ((dated["date_low"] <= dated["date"]) & (dated["date"] <= dated["date_high"])).all()
    assert (result["date_low"] <= result["date_high"]).all()
    assert result["date_precision"].isin(["day", "month", "year", "estimated", "unknown"]).all()
    assert (result["date"].isna() == (result["date_precision"] == "unknown")).all()
    # the undated single post keeps only its interval; the listing's posts all have points
    assert result["date_precision"].tolist()[5] == "unknown"
    assert result["date"].iloc[:5].notna().all()


def test_contradictory_anchor_is_flagged_not_used():
    events = make_events(
        [
            ("EVENT_A", "2019-07-01", "2019-07-10", "2019-07-05", "no"),
            ("EVENT_B1", "2019-03-01", "2019-03-10", "2019-03-05", "no"),
            ("EVENT_X", "2017-01-01", "2017-01-10", "2017-01-05", "no"),
            ("EVENT_B2", "2018-01-01", "2018-01-10", "2018-01-05", "no"),
            ("EVENT_B3", "2017-10-01", "2017-10-10", "2017-10-05", "no"),
        ]
    )
    posts = make_posts(["EVENT_A", "EVENT_B1", "EVENT_X", "EVENT_B2", "EVENT_B3"])
    result = estimate_dates(posts, events)
    flagged = result.attrs["flagged"]
    assert flagged["doc_id"].tolist() == ["lis-002"]
    assert result.loc[2, "date_basis"].startswith("FLAGGED")
    # The flagged post is placed by the listing order instead: between its neighbours.
    assert TS("2018-01-01") <= result.loc[2, "date"] <= TS("2019-03-10")
    assert result.loc[2, "date_precision"] == "estimated"
    assert result["date"].is_monotonic_decreasing


def test_undated_single_post_has_no_point_date_only_the_study_window():
    """Failure from the issue: undated posts were piled into the middle of the window."""
    posts = make_posts(["An opinion piece with no dates at all."], source_file="solo.txt")
    row = estimate_dates(posts, load_events()).iloc[0]
    assert (row["date_low"], row["date_high"]) == WINDOW
    assert pd.isna(row["date"])
    assert row["date_precision"] == "unknown"
    assert "no dating evidence" in row["date_basis"]


def test_future_target_year_is_never_a_date():
    """Failure from the issue: 'halved in 2030' dated the post 2029-01-01 at month precision."""
    texts = [
        "Our ambition is that child poverty is halved in 2030, and we will report each year.",
        "The number of children in care should be halved by 2030.",
        "We published our plan in 2019 and child poverty must be halved in 2030.",
    ]
    for k, text in enumerate(texts):
        row = estimate_dates(make_posts([text], f"f{k}.txt"), load_events()).iloc[0]
        assert row["date_high"] <= TS(DEFAULT_HIGH), text
        assert pd.isna(row["date"]) or row["date"].year < 2030, text
        assert "2030" not in row["date_basis"], text
        assert "2029" not in row["date_basis"], text


def test_one_sided_listing_neighbour_gives_no_point():
    texts = ["No evidence here.", "Nothing either.", "Wednesday 11 October 2017 was the day."]
    result = estimate_dates(make_posts(texts), NO_EVENTS)
    assert result.loc[2, "date"] == TS("2017-10-11")
    assert result.loc[[0, 1], "date"].isna().all()
    assert (result.loc[[0, 1], "date_precision"] == "unknown").all()
    assert (result.loc[[0, 1], "date_low"] == TS("2017-10-11")).all()  # the named day
    assert "one side only" in result.loc[0, "date_basis"]


def test_title_and_caption_evidence_count():
    posts = make_posts(["A post with nothing datable in its body."], source_file="t.txt")
    posts["title"] = ["NCASC 2018 Round-up"]
    row = estimate_dates(posts, load_events()).iloc[0]
    assert row["date"] == TS("2018-11-16") and row["date_precision"] == "month"
    assert "NCASC 2018 Round-up" in row["date_basis"]
    posts = make_posts(["Nothing datable here either."], source_file="c.txt")
    posts["evidence_text"] = ["Delegates at the conference on Monday 8 January 2018. Picture: ADCS"]
    row = estimate_dates(posts, NO_EVENTS).iloc[0]
    assert row["date"] == TS("2018-01-08") and row["date_precision"] == "day"


def test_evidence_within_one_year_gives_year_precision():
    events = make_events([("EVENT_Y", "2019-02-01", "2019-11-30", "2019-06-01", "no")])
    row = estimate_dates(make_posts(["EVENT_Y"], "y.txt"), events).iloc[0]
    assert row["date_precision"] == "year" and row["date"] == TS("2019-06-01")
    wide = make_events([("EVENT_W", "2018-02-01", "2019-11-30", "2019-06-01", "no")])
    row = estimate_dates(make_posts(["EVENT_W"], "w.txt"), wide).iloc[0]
    assert row["date_precision"] == "unknown" and pd.isna(row["date"])
    assert (row["date_low"], row["date_high"]) == (TS("2018-02-01"), TS("2019-11-30"))


def test_recurring_event_year_comes_from_listing_neighbours():
    texts = [
        "Happy New Year to you all.",
        "Wishing you a Merry Christmas.",
        "The National Children and Adult Services Conference 2018 opened on Wednesday 14 November.",
    ]
    result = estimate_dates(make_posts(texts), load_events())
    assert result.loc[1, "date"].strftime("%Y-%m") == "2018-12"
    assert result.loc[0, "date"].strftime("%Y-%m") == "2019-01"
    assert "year 2018" in result.loc[1, "date_basis"]


def test_new_year_after_cited_report_in_single_post():
    text = (
        "I imagine we all approached the new year in a slightly different way. "
        "Ofsted's Annual Report 2017 highlights that more authorities are on the up."
    )
    row = estimate_dates(make_posts([text], source_file="004.txt"), load_events()).iloc[0]
    assert row["date"].strftime("%Y-%m") == "2018-01"
    assert row["date_precision"] == "month"


def test_month_year_lower_bound_ignores_future_phrases():
    events = NO_EVENTS
    past = estimate_dates(make_posts(["We published it in October 2017."], "a.txt"), events).iloc[0]
    future = estimate_dates(make_posts(["A gap expected by March 2020."], "b.txt"), events).iloc[0]
    assert past["date_low"] == TS("2017-10-01")
    assert "October 2017" in past["date_basis"]
    assert future["date_low"] == WINDOW[0]
    assert future["date_basis"].startswith("no dating evidence")


def test_estimate_is_deterministic_and_pure():
    posts = make_posts(["Merry Christmas", "plain", "NCASC 2018 Round-up on Wednesday 14 November"])
    before = posts.copy()
    first = estimate_dates(posts, load_events())
    second = estimate_dates(posts, load_events())
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(posts, before)


def test_evaluate_estimator_columns_and_values():
    texts = [
        "Written on Wednesday 10 January, looking ahead to 2018.",
        "No dates here.",
        "Merry Christmas to all our readers.",
        "Nothing here.",
        "The conference 2017 opened on Wednesday 11 October.",
    ]
    posts = pd.concat(
        [make_posts(texts), make_posts(["x"], source_file="byl.txt", bylines=[TS("2023-01-30")])],
        ignore_index=True,
    )
    evaluation = evaluate_estimator(posts, load_events())
    assert list(evaluation.columns) == [
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
    # Strong evidence: two weekday dates, the Christmas month window, the byline.
    assert sorted(evaluation["doc_id"]) == ["byl-000", "lis-000", "lis-002", "lis-004"]
    byline = evaluation.set_index("doc_id").loc["byl-000"]
    assert byline["true_date"] == TS("2023-01-30")
    # Hidden, the byline post has no evidence at all: no point date, the whole window.
    assert byline["interval_days"] == (WINDOW[1] - WINDOW[0]).days
    assert pd.isna(byline["estimate"]) and pd.isna(byline["abs_error_days"])
    middle = evaluation.set_index("doc_id").loc["lis-002"]
    # Hidden Christmas post (true date 18 December 2017) is interpolated halfway between
    # 10 January 2018 and 11 October 2017 (position 2 of 0..4): 25 November 2017.
    assert middle["true_date"] == TS("2017-12-18")
    assert middle["estimate"] == TS("2017-11-25")
    assert middle["abs_error_days"] == 23
    assert middle["inside_interval"]


def test_missing_columns_raise_clear_error():
    with pytest.raises(ValueError, match="byline_date"):
        estimate_dates(pd.DataFrame({"doc_id": [], "text": []}), NO_EVENTS)


def test_load_events_reads_shipped_table():
    events = load_events()
    assert list(events.columns[: len(EVENT_COLUMNS)]) == EVENT_COLUMNS
    assert events["event_id"].is_unique
    assert (events["justification"].str.len() > 20).all()


def test_load_events_rejects_bad_rows(tmp_path: Path):
    bad = make_events([("unclosed(group", "2019-01-01", "2019-01-31", "2019-01-15", "no")])
    path = tmp_path / "events.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"events\.csv row 2 \(e0\): bad regular expression"):
        load_events(path)
    bad = make_events([("ok", "2019-13-01", "2019-01-31", "", "no")])
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match="bad date_low"):
        load_events(path)
    bad.drop(columns="justification").to_csv(path, index=False)
    with pytest.raises(ValueError, match="missing columns"):
        load_events(path)
    with pytest.raises(FileNotFoundError, match="not found"):
        load_events(tmp_path / "absent.csv")


def test_year_mentions_give_conservative_lower_bound_only():
    past = estimate_dates(make_posts(["Cuts since 2010 and more in 2019."], "a.txt"), NO_EVENTS)
    row = past.iloc[0]
    # Largest past-tense year is 2019; bound is one year earlier, upper end stays open.
    assert row["date_low"] == TS("2018-01-01")
    assert row["date_high"] == WINDOW[1]
    assert "text names 2019" in row["date_basis"]
    future = estimate_dates(
        make_posts(["A gap by 2020; the 2019/20 budget; between 2016 and 2021."], "b.txt"),
        NO_EVENTS,
    ).iloc[0]
    assert future["date_low"] == WINDOW[0]


def test_prefilter_literals_never_hide_a_match():
    from helpers.date_evidence import _compile_events

    texts = [
        "Wishing you a MERRY Christmas",
        "New Year’s Honours list",
        "The National Children and Adult Services Conference 2018 opened on Wednesday 14 November",
        "authorities judged inadequate under the SIF",
        "Rachel Dickinson, in her speech to the ADCS Annual Conference two weeks ago",
    ]
    events = _compile_events(load_events())
    for text in texts:
        matching = [e for e in events if e.regex.search(text)]
        assert matching, f"no event matches {text!r}: the test would check nothing"
        lowered = text.lower()
        for event in matching:
            assert not event.literals or any(lit in lowered for lit in event.literals), (
                event.row.event_id,
                text,
            )


def test_a_named_day_moved_by_the_listing_order_loses_day_precision():
    """A weekday date the listing order rules out (the post is listed after a post of a later
    day) cannot stay the point: the point moves into the interval and ``day`` is not claimed."""
    posts = make_posts(
        [
            "Newest post.",
            "The conference opened on Wednesday 4 July 2018 with a full hall.",
            "Older post.",
        ],
        bylines=[TS("2018-07-18"), pd.NaT, TS("2018-07-06")],
    )
    row = estimate_dates(posts, NO_EVENTS).iloc[1]
    assert row["date_low"] == TS("2018-07-06") and row["date_high"] == TS("2018-07-18")
    assert row["date"] == TS("2018-07-06")
    assert row["date_precision"] == "month"
    assert "named day 2018-07-04 lies outside" in row["date_basis"]
    kept = estimate_dates(
        make_posts([posts.loc[1, "text"]], source_file="one.txt"), NO_EVENTS
    ).iloc[0]
    assert kept["date"] == TS("2018-07-04") and kept["date_precision"] == "day"
