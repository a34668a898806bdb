"""Tests for helpers.kwic: word boundaries, case, curly quotes, context width, references."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.kwic import KWIC_COLUMNS, capitalised_share, kwic, kwic_pattern


def paragraphs(*texts: str, doc: str = "d-p000") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [doc] * len(texts),
            "para_id": [f"{doc}-{i:03d}" for i in range(len(texts))],
            "position": range(len(texts)),
            "line_no": [10 + 2 * i for i in range(len(texts))],
            "text": list(texts),
        }
    )


def test_whole_words_only() -> None:
    table = kwic(paragraphs("Foster carers care; childcare and careful care's costs."), "care")
    assert list(table["match"]) == ["care", "care"]
    assert list(table["offset"]) == [14, 42]


def test_wildcard_ending_and_inner_wildcard() -> None:
    frame = paragraphs("Fostering, foster carers and fosterers; not afoster.")
    assert list(kwic(frame, "foster*")["match"]) == ["Fostering", "foster", "fosterers"]
    assert list(kwic(paragraphs("child, children, childhood"), "child*n")["match"]) == ["children"]


def test_case_ignored_by_default_and_respected_on_request() -> None:
    frame = paragraphs("Stuart spoke. Then stuart left. STUART.")
    assert len(kwic(frame, "stuart")) == 3
    assert list(kwic(frame, "Stuart", case_sensitive=True)["offset"]) == [0]


def test_curly_quotes_match_both_ways_and_match_is_returned_as_written() -> None:
    frame = paragraphs("The children\u2019s services and the children's plan.")
    table = kwic(frame, "children's")
    assert list(table["match"]) == ["children\u2019s", "children's"]
    assert len(kwic(frame, "children\u2019s")) == 2


def test_phrase_matches_across_any_white_space() -> None:
    frame = paragraphs("young people, young\npeople and young  people; youngpeople")
    table = kwic(frame, "young people")
    assert len(table) == 3
    assert table["match"].iloc[1] == "young\npeople"


def test_context_width_and_edges() -> None:
    text = "abcdefghij KEY klmnopqrst"
    row = kwic(paragraphs(text), "key", width=5).iloc[0]
    assert (row["left"], row["match"], row["right"]) == ("ghij ", "KEY", " klmn")
    row = kwic(paragraphs(text), "key", width=100).iloc[0]
    assert (row["left"], row["right"]) == ("abcdefghij ", " klmnopqrst")
    row = kwic(paragraphs("KEY\nat\nstart"), "key", width=4).iloc[0]
    assert (row["left"], row["right"]) == ("", " at ")


def test_references_trace_back_to_post_paragraph_and_line() -> None:
    frame = pd.concat(
        [paragraphs("no hit here", "a hit", doc="a-p001"), paragraphs("hit, hit", doc="b-p000")],
        ignore_index=True,
    )
    table = kwic(frame, "hit")
    assert list(table.columns) == KWIC_COLUMNS
    assert list(table["doc_id"]) == ["a-p001", "a-p001", "b-p000", "b-p000"]
    assert list(table["para_id"]) == ["a-p001-000", "a-p001-001", "b-p000-000", "b-p000-000"]
    assert list(table["line_no"]) == [10, 12, 10, 10]
    assert list(table["offset"]) == [3, 2, 0, 5]


def test_max_hits_and_no_hits() -> None:
    frame = paragraphs("x x x x")
    assert len(kwic(frame, "x", max_hits=2)) == 2
    empty = kwic(frame, "y")
    assert empty.empty and list(empty.columns) == KWIC_COLUMNS


def test_regex_characters_in_query_are_literal() -> None:
    frame = paragraphs("Costs rose (a lot) by 5.5% and 505%")
    assert list(kwic(frame, "5.5%")["match"]) == ["5.5%"]
    assert kwic(frame, "(a").empty is False


def test_bad_input_is_rejected_with_a_message() -> None:
    with pytest.raises(ValueError, match="empty"):
        kwic_pattern("  * ")
    with pytest.raises(ValueError, match="missing"):
        kwic(pd.DataFrame({"text": ["a"]}), "a")
    with pytest.raises(ValueError, match="width"):
        kwic(paragraphs("a"), "a", width=-1)


def test_line_no_optional() -> None:
    frame = paragraphs("a b").drop(columns=["line_no"])
    assert kwic(frame, "b")["line_no"].isna().all()


def test_capitalised_share_skips_sentence_starts() -> None:
    texts = ["Stuart said so. Staff agreed with Stuart and the staff.", "Staff: our staff."]
    assert capitalised_share(texts, "stuart") == (1, 1.0)
    # "Staff" opens a sentence twice (skipped); "staff" twice lower case
    assert capitalised_share(texts, "staff") == (2, 0.0)
    seen, share = capitalised_share(["Nothing here."], "stuart")
    assert seen == 0 and math.isnan(share)
