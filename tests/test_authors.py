"""Authors and writer roles come from evidence, with a confidence; unknown stays unknown."""

from datetime import date

import pandas as pd
import pytest

from helpers.ingest.authors import Presidency, infer_authors, load_presidents, role_class

PRESIDENTS = [
    Presidency("Ann Able", "Anyshire", date(2018, 4, 1), date(2019, 3, 31)),
    Presidency("Ben Best", "Byshire", date(2019, 4, 1), date(2020, 3, 31)),
]


def post(text: str, low: str, high: str, precision: str = "month", **extra) -> dict:
    row = {
        "doc_id": "x-p000",
        "format": "adcs_listing",
        "text": text,
        "author": None,
        "author_basis": None,
        "author_confidence": None,
        "role": None,
        "about": None,
        "authority": None,
        "metadata_basis": None,
        "date_low": pd.Timestamp(low),
        "date_high": pd.Timestamp(high),
        "date_precision": precision,
        "date_basis": "text: 'something'" if precision != "estimated" else "listing order",
    }
    row.update(extra)
    return row


def infer(*rows: dict) -> pd.DataFrame:
    return infer_authors(pd.DataFrame(list(rows)), PRESIDENTS)


def test_presidential_self_reference_joined_with_the_presidency() -> None:
    out = infer(post("This is my first blog as President of ADCS.", "2018-04-01", "2018-05-31"))
    row = out.iloc[0]
    assert (row["author"], row["author_confidence"]) == ("Ann Able", "medium")
    assert "my first blog as President" in row["author_basis"]
    assert row["authority"] == "Anyshire"
    assert row["writer_role"] == "dcs"


def test_listing_order_interval_gives_low_confidence() -> None:
    text = "I will use my year as ADCS President to hold it to account."
    row = infer(post(text, "2019-05-01", "2019-08-01", precision="estimated")).iloc[0]
    assert (row["author"], row["author_confidence"]) == ("Ben Best", "low")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        # the interval spans the handover: which president is not known
        ("This is my first blog as President.", "2019-03-01", "2019-05-31"),
        # a president named in the third person is not the writer
        (
            "As ADCS President, Ann Able said in her speech, we must act.",
            "2018-05-01",
            "2018-05-31",
        ),
        ("Her final acts as President were generous.", "2018-05-01", "2018-05-31"),
        # a past presidency is not the writer's current office
        ("I am in denial that my year as President is over.", "2018-05-01", "2018-05-31"),
        # no self-reference at all
        ("Children's services need more money.", "2018-05-01", "2018-05-31"),
    ],
)
def test_no_author_without_evidence(text: str, low: str, high: str) -> None:
    row = infer(post(text, low, high)).iloc[0]
    assert pd.isna(row["author"]) and pd.isna(row["author_confidence"])


def test_stated_author_is_never_replaced() -> None:
    row = infer(
        post(
            "This is my first blog as President.",
            "2018-04-01",
            "2018-05-31",
            author="Cara Cole",
            author_basis="byline line 3",
            author_confidence="high",
        )
    ).iloc[0]
    assert (row["author"], row["author_confidence"]) == ("Cara Cole", "high")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("director of children's services", "dcs"),
        ("ADCS vice-president and DCS", "dcs"),
        ("director of commissioning, partnerships and resources", "officer"),
        ("assistant director, safeguarding", "officer"),
        ("Associate Member and former President of ADCS; retired Director", "commentator"),
        ("principal of The Staff College", "commentator"),
        ("lead member for children's services at Anyshire County Council", "commentator"),
        ("director of children's services at Anyshire and former chair of ADCS", "dcs"),
        ("interim director of children's services", "dcs"),
    ],
)
def test_role_class(role: str, expected: str) -> None:
    found = role_class(role)
    assert found is not None and found[0] == expected and role[:20] in found[1]


def test_writer_role_from_self_reference_and_unknown_otherwise() -> None:
    rows = infer(
        post("As the DCS for Anyshire, I see this every week.", "2018-01-01", "2018-12-31"),
        post("He took up his new post as DCS in Byshire last year.", "2018-01-01", "2018-12-31"),
        post("We all care about children.", "2018-01-01", "2018-12-31"),
    )
    assert rows["writer_role"].tolist() == ["dcs", "unknown", "unknown"]
    assert "As the DCS for Anyshire" in rows["writer_role_basis"].iloc[0]
    assert rows["writer_role_basis"].iloc[1:].isna().all()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("As director of children’s services in Anyshire, I chair the board.", "dcs"),
        ("I am the Director for Children's Services at Byshire and proud of it.", "dcs"),
        ("As a DCS, I have seen this before.", "dcs"),
        ("She was appointed director of children's services in Byshire in May.", "unknown"),
        ("Their director of children's services in Anyshire has left.", "unknown"),
    ],
)
def test_self_described_director_in_any_capitalisation(text: str, expected: str) -> None:
    rows = infer(post(text, "2018-01-01", "2018-12-31"))
    assert rows["writer_role"].iloc[0] == expected


def test_shipped_presidencies_do_not_overlap() -> None:
    presidents = sorted(load_presidents(), key=lambda p: p.start)
    assert len(presidents) >= 5
    for earlier, later in zip(presidents, presidents[1:], strict=False):
        assert earlier.end < later.start, (earlier.name, later.name)


def test_own_authority_joined_with_the_years_a_president_served_it() -> None:
    presidents = [
        Presidency("Ann Able", "Anyshire", date(2018, 4, 1), date(2019, 3, 31), date(2017, 4, 1))
    ]
    text = "In my own authority, in Anyshire, we talk about our work as a collective endeavour."
    inside = post(text, "2017-06-01", "2017-12-31", authority="Anyshire")
    outside = post(text, "2015-01-01", "2017-12-31", authority="Anyshire")
    out = infer_authors(pd.DataFrame([inside, outside]), presidents)
    assert (out.loc[0, "author"], out.loc[0, "author_confidence"]) == ("Ann Able", "low")
    assert "my own authority" in out.loc[0, "author_basis"]
    assert pd.isna(out.loc[1, "author"])  # the interval reaches before her known years


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This blog was on my list before handing over the reins to Ben Best.", "Ann Able"),
        ("This is my first blog since I took over from Ann Able as President.", "Ben Best"),
        # the handover of someone else, in a first-person sentence
        ("I'm reflecting, with Ann Able soon to hand over the Presidency to Ben Best.", None),
        ("Ann Able handed over to Ben Best in April.", None),
    ],
)
def test_handover_and_takeover_name_the_writer(text: str, expected: str | None) -> None:
    row = infer(post(text, "2016-01-01", "2026-12-31", precision="unknown")).iloc[0]
    if expected is None:
        assert pd.isna(row["author"])
    else:
        assert (row["author"], row["author_confidence"]) == (expected, "medium")
        assert "data/adcs_presidents.csv" in row["author_basis"]
        assert row["writer_role"] == "dcs"


def test_a_personal_blog_quotes_its_about_box_as_the_evidence_for_its_role() -> None:
    about = "I write about public policy and the wellbeing of communities."
    text = "The council's services are failing."
    blog = infer(post(text, "2019-01-01", "2019-02-01", format="wordpress_post", about=about)).iloc[
        0
    ]
    assert (blog["writer_role"], blog["writer_role_confidence"]) == ("commentator", "low")
    assert about in blog["writer_role_basis"]
    listing = infer(post(text, "2019-01-01", "2019-02-01")).iloc[0]
    assert listing["writer_role"] == "unknown" and pd.isna(listing["writer_role_basis"])


def test_a_personal_blog_that_says_nothing_of_its_writer_stays_unknown() -> None:
    """The absence of a stated role is not evidence of one: no About box, no role, no
    self-reference leaves the role unknown, with no basis and no confidence."""
    text = "The council's services are failing."
    for about in (None, "", "   "):
        bare = infer(
            post(text, "2019-01-01", "2019-02-01", format="wordpress_post", about=about)
        ).iloc[0]
        assert bare["writer_role"] == "unknown"
        assert pd.isna(bare["writer_role_basis"]) and pd.isna(bare["writer_role_confidence"])
    # ... while a self-reference on the same blog still counts, as medium evidence
    own = infer(
        post(
            "As the DCS for Anyshire I see this every week.",
            "2019-01-01",
            "2019-02-01",
            format="wordpress_post",
        )
    ).iloc[0]
    assert (own["writer_role"], own["writer_role_confidence"]) == ("dcs", "medium")


@pytest.mark.parametrize(
    "role, text, expected",
    [
        ("Director of Children's Services, Anyshire", "Nothing of note.", ("dcs", "high")),
        ("retired director of children's services", "Nothing of note.", ("commentator", "high")),
        (None, "My first blog as ADCS President is about budgets.", ("dcs", "medium")),
        (None, "Nothing of note here.", ("unknown", None)),
    ],
)
def test_writer_role_confidence_follows_how_direct_the_evidence_is(
    role: str | None, text: str, expected: tuple[str, str | None]
) -> None:
    row = infer(post(text, "2019-01-01", "2019-02-01", role=role)).iloc[0]
    confidence = row["writer_role_confidence"]
    assert (row["writer_role"], None if pd.isna(confidence) else confidence) == expected
