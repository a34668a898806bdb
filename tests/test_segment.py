"""Unit tests of segmentation: each raw format, each bad-input case, reprints, the audit.

Fixtures are small raw files written for the tests: strings below, and the files in
``tests/fixtures/ingest/`` (described in its README). The last tests check invariants
of the real corpus in corpus/raw/ (never its counts: the corpus grows).
"""

import codecs
import shutil
import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import segment
from helpers.ingest import boilerplate, model
from helpers.ingest.decode import InputRejectedError, decode_bytes
from helpers.ingest.formats import FORMATS
from helpers.ingest.head import (
    by_line_role,
    is_update_line,
    parse_bio,
    parse_by_line,
    parse_signoff,
)
from helpers.paths import RAW_DIR

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

#: Phrases of page furniture that must never reach a post's text or title.
BOILERPLATE = [
    "Tags assigned",
    "Related Blog Articles",
    "Next Upcoming Event",
    "Register Now",
    "Subscribe",
    "Picture:",
    "Leave a comment",
    "avatar",
    "This entry was posted",
    "CYP Now Digital membership",
    "mins read",
    "More like this",
    "per annum",
    "Closing date",
    "cookies",
    "Accept all",
    "Share this article",
    "Skip to main content",
    "Already have an account",
]

ADCS_LISTING = """Newer post title

First paragraph of the newer post, about sector-led improvement and children.

Second paragraph of the newer post.

Tags assigned to this article:
There are no tags assigned to this article!

Related Blog Articles

Older post title...

Older post title...

The older post talks about funding for local authorities and social workers.

Tags assigned to this article:
There are no tags assigned to this article!

Related Blog Articles
"""

ADCS_PAGE = """Next Upcoming Event

Tue, 09 Jul 24 10:00

A single page

In my own authority, in East Sussex, we often talk about our work as a collective endeavour.

Tags assigned to this article:

Related Blog Articles"""

CYP_COLUMN = """Turning a corner

Jane Smith
Monday, January 30, 2023

I always start January in a reflective mood about the year ahead for children.

Jane Smith is director of children's services at Anyshire County Council. Picture: Adobe Stock

Our committed staff have stuck with it through the inspection.

Jane Smith is director of children's services at Anyshire County Council

CYP Now Digital membership

  • Latest digital issues

From £15 / month

Subscribe"""

WORDPRESS = """A personal view


downloadThe new Director started this week in the county.

It is clearly disturbing that such a rating has been repeated.

Someone's avatar

About someone

I am passionate about public policy.
This entry was posted in Education and tagged , , . Bookmark the permalink.

Leave a comment"""

PLAIN = """A plain post

One paragraph of a post dropped in as plain text.

Another paragraph.
"""

BODY_A = (
    "Local authorities are working together to improve outcomes for children and families "
    "across the region, sharing what works and learning from each other every single week. "
    "Improvement can never be the prerogative of the few but must involve the many, and the "
    "regional alliances show what that looks like when councils hold each other to account."
)
BODY_B = (
    "Foster carers are at the heart of our care system and we need many more of them. "
    "Recruitment campaigns have struggled for years, and the carers we have are ageing, so "
    "the sector must think again about pay, respite and the support that keeps carers going."
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write one raw fixture file (text as UTF-8, or raw bytes)."""
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def copy_fixture(folder: Path, name: str) -> Path:
    """Copy one file of tests/fixtures/ingest into a raw folder."""
    return Path(shutil.copy(FIXTURES / name, folder / name))


def run(folder: Path) -> segment.SegmentationResult:
    """Segment a fixture folder, ignoring warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", segment.SegmentationWarning)
        return segment.segment_corpus(folder)


def run_warned(folder: Path) -> tuple[segment.SegmentationResult, list[str]]:
    """Segment a fixture folder and return the warnings' messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", segment.SegmentationWarning)
        result = segment.segment_corpus(folder)
    return result, [str(w.message) for w in caught]


def assert_all_lines_accounted(result: segment.SegmentationResult) -> None:
    """Every raw line has a status, and the audit adds up for every file."""
    assert (result.lines["status"] != "").all()
    assert set(result.lines["status"]) <= set(model.STATUSES)
    audit = segment.audit_table(result)
    assert audit["all_accounted"].all(), audit


def assert_no_boilerplate(texts: pd.Series) -> None:
    """No known boilerplate string survives in a post or paragraph text."""
    for marker in BOILERPLATE:
        leaked = texts.fillna("").str.contains(marker, regex=False)
        assert not leaked.any(), (marker, texts[leaked].str[:80].tolist())


def reasons_of(result: segment.SegmentationResult, source_file: str) -> set[str]:
    lines = result.lines
    return set(lines.loc[lines["source_file"] == source_file, "reason"])


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------
def test_registry_lists_every_format_once_and_ends_with_unknown() -> None:
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
    assert names[-1] == "unknown"
    assert all(f.source and f.description for f in FORMATS)


def test_adcs_listing_splits_posts_at_footers(tmp_path: Path) -> None:
    write(tmp_path, "listing.txt", ADCS_LISTING)
    result = run(tmp_path)
    posts = result.posts
    assert list(posts["title"]) == ["Newer post title", "Older post title..."]
    assert list(posts["format"]) == ["adcs_listing", "adcs_listing"]
    assert list(posts["n_paragraphs"]) == [2, 1]
    assert list(posts["doc_id"]) == ["listing-p000", "listing-p001"]
    assert_no_boilerplate(posts["text"])
    removed = result.lines[result.lines["status"] == "removed"]
    assert (removed["reason"] == model.REASON_TITLE_REPEAT).sum() == 1
    assert (removed["reason"] == model.REASON_ADCS_FOOTER).sum() == 6
    assert_all_lines_accounted(result)


def test_adcs_page_header_date_is_not_a_publication_date(tmp_path: Path) -> None:
    write(tmp_path, "page.txt", ADCS_PAGE)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["title"] == "A single page"
    assert post["format"] == "adcs_page"
    assert post["source"] == "ADCS blog"
    assert pd.isna(post["date"])
    assert post["date_precision"] == "unknown"
    assert post["authority"] == "East Sussex"
    assert pd.isna(post["author"])  # an authority is not an author: unknown stays unknown
    header = result.lines[result.lines["reason"] == model.REASON_ADCS_HEADER]
    assert list(header["line_no"]) == [1, 3]
    assert_all_lines_accounted(result)


ADCS_PAGE_SAVED_FROM_BROWSER = f"""Skip to content
Members
Blog
Next Upcoming Event
Tue, 09 Jul 24 10:00

A place to call home

{BODY_A}

Tags assigned to this article:
Sufficiency

Related Blog Articles

Another blog title

Read more

© 2024 ADCS Ltd. All rights reserved.
"""


def test_adcs_page_saved_with_menu_and_related_articles(tmp_path: Path) -> None:
    write(tmp_path, "saved.txt", ADCS_PAGE_SAVED_FROM_BROWSER)
    result = run(tmp_path)
    assert len(result.posts) == 1
    post = result.posts.iloc[0]
    assert post["format"] == "adcs_page"
    assert post["title"] == "A place to call home"
    assert post["text"] == BODY_A
    reasons = reasons_of(result, "saved.txt")
    assert {model.REASON_ADCS_HEADER, model.REASON_ADCS_AFTER_FOOTER} <= reasons
    assert_all_lines_accounted(result)


def test_cypnow_column_byline_caption_bio_and_paywall(tmp_path: Path) -> None:
    write(tmp_path, "column.txt", CYP_COLUMN)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["title"] == "Turning a corner"
    assert (post["author"], post["author_confidence"]) == ("Jane Smith", "high")
    assert post["author_basis"] == "byline line 3"
    assert post["date"] == pd.Timestamp("2023-01-30")
    assert post["date_precision"] == "day"
    assert post["role"] == "director of children's services"
    assert post["authority"] == "Anyshire County Council"
    assert post["writer_role"] == "dcs"
    assert post["n_paragraphs"] == 2
    assert_no_boilerplate(result.posts["text"])
    reasons = reasons_of(result, "column.txt")
    assert {model.REASON_CAPTION_BIO, model.REASON_BIO, model.REASON_PAYWALL} <= reasons
    assert {model.REASON_BYLINE_AUTHOR, model.REASON_BYLINE_DATE} <= reasons
    assert_all_lines_accounted(result)


def test_cypnow_newer_layout(tmp_path: Path) -> None:
    """Breadcrumb, title, reading-time line, bio captions (twice), a share bar inside the
    body, the paywall, 'More like this' and job adverts (fixture written from the issue)."""
    copy_fixture(tmp_path, "cypnow_newer_layout.txt")
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["format"] == "cypnow_column" and post["source"] == "CYP Now"
    assert post["title"] == "Stability is not a luxury"  # never the 'Blogs' breadcrumb
    assert (post["author"], post["author_confidence"]) == ("Priya Raman", "high")
    assert post["author_basis"].startswith("caption line")
    assert post["authority"] == "Westmere Borough Council"
    assert post["writer_role"] == "dcs"
    assert post["n_paragraphs"] == 3
    assert post["text"].startswith("When I took on this role")
    assert post["text"].endswith("meant for children.")
    assert_no_boilerplate(result.posts["text"])
    assert_no_boilerplate(result.posts["title"])
    reasons = reasons_of(result, "cypnow_newer_layout.txt")
    expected = {
        model.REASON_NAVIGATION,
        model.REASON_READING_TIME,
        model.REASON_CAPTION_BIO,
        model.REASON_SHARE,
        model.REASON_PAYWALL,
        model.REASON_RELATED,
        model.REASON_ADVERT,
    }
    assert expected <= reasons
    assert pd.isna(post["date"]) and post["date_precision"] == "unknown"
    assert_all_lines_accounted(result)


def test_cypnow_newer_layout_variant(tmp_path: Path) -> None:
    """Another page of the same site: menu lines, a related-articles list above the title,
    a section label, 'By <Name>, <role>' with a numeric date and time, a newsletter box
    inside the body, comments and a site footer."""
    copy_fixture(tmp_path, "cypnow_newer_layout_variant.txt")
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["title"] == "A workforce that stays"
    assert (post["author"], post["author_confidence"]) == ("Tomasz Nowak", "high")
    assert post["date"] == pd.Timestamp("2024-03-12") and post["date_precision"] == "day"
    assert post["authority"] == "Harbourside City Council"
    assert post["n_paragraphs"] == 3
    assert post["text"].startswith("Recruitment is not")
    assert post["text"].endswith("for the same staff.")
    for leaked in ("Ofsted consults", "Leadership", "newsletter", "Great piece", "©", "Privacy"):
        assert leaked not in post["text"], leaked
    reasons = reasons_of(result, "cypnow_newer_layout_variant.txt")
    assert {model.REASON_RELATED, model.REASON_SECTION_LABEL, model.REASON_COMMENTS} <= reasons
    assert model.REASON_FOOTER in reasons
    assert_all_lines_accounted(result)


STANDFIRST_PAGE = f"""Blogs

Hold the line on early help

Councils that protected early help are seeing fewer children come into care, writes Jo Marsh.

Tuesday, January 30, 2018 4 mins read

{BODY_A}

{BODY_B}
"""


def test_standfirst_before_the_byline_and_date_with_reading_time(tmp_path: Path) -> None:
    write(tmp_path, "standfirst.txt", STANDFIRST_PAGE)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["title"] == "Hold the line on early help"
    assert (post["author"], post["author_confidence"]) == ("Jo Marsh", "high")
    assert post["date"] == pd.Timestamp("2018-01-30")
    assert post["text"].startswith("Local authorities") and post["n_paragraphs"] == 2
    assert_all_lines_accounted(result)


@pytest.mark.parametrize("end", ["", "."])
def test_bio_line_in_the_page_head(tmp_path: Path, end: str) -> None:
    bio = "Charlotte Ramsden is president of ADCS and director of children's services at Salford"
    text = f"Blogs\n\nKeeping children close to home\n\n{bio}{end}\n\n{BODY_A}\n\n{BODY_B}\n"
    write(tmp_path, "head_bio.txt", text)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["title"] == "Keeping children close to home"
    assert (post["author"], post["author_confidence"]) == ("Charlotte Ramsden", "high")
    assert post["authority"] == "Salford" and post["writer_role"] == "dcs"
    assert post["text"].startswith("Local authorities") and post["n_paragraphs"] == 2
    assert_all_lines_accounted(result)


def test_plain_file_with_byline(tmp_path: Path) -> None:
    """Title, blank, author line, weekday date line, body: both parsed exactly."""
    copy_fixture(tmp_path, "plain_with_byline.txt")
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["format"] == "plain"
    assert post["title"] == "Why family help needs time"
    assert (post["author"], post["author_confidence"]) == ("Jordan Okafor", "high")
    assert post["date"] == pd.Timestamp("2024-03-06") and post["date_precision"] == "day"
    assert post["text"].startswith("Families who ask us")
    assert post["writer_role"] == "unknown"  # no stated role: unknown stays unknown
    metadata = result.lines[result.lines["status"] == "metadata"]
    assert list(metadata["line_no"]) == [3, 4]
    assert_all_lines_accounted(result)


@pytest.mark.parametrize(
    "byline",
    ["By Jordan Okafor | 6 March 2024", "By Jordan Okafor, Wednesday 6 March 2024"],
)
def test_plain_file_with_one_line_byline(tmp_path: Path, byline: str) -> None:
    text = (FIXTURES / "plain_with_byline.txt").read_text(encoding="utf-8")
    write(tmp_path, "post.txt", text.replace("Jordan Okafor\nWednesday 6 March 2024", byline))
    post = run(tmp_path).posts.iloc[0]
    assert post["author"] == "Jordan Okafor"
    assert post["date"] == pd.Timestamp("2024-03-06")


def test_title_case_title_is_not_taken_for_an_author(tmp_path: Path) -> None:
    write(tmp_path, "t.txt", "Keeping Faith Together\n\nMaking Sense Now\n\n" + BODY_A + "\n")
    post = run(tmp_path).posts.iloc[0]
    assert post["title"] == "Keeping Faith Together"
    assert pd.isna(post["author"])


def test_sign_off_gives_the_author(tmp_path: Path) -> None:
    signoff = "Jane Smith\nDirector of Children's Services, Anyshire County Council\n"
    text = f"A sign-off\n\n{BODY_A}\n\n{BODY_B}\n\n{signoff}"
    write(tmp_path, "s.txt", text)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert (post["author"], post["author_confidence"]) == ("Jane Smith", "high")
    assert post["author_basis"] == "sign-off lines 7-8"
    assert post["authority"] == "Anyshire County Council"
    assert post["writer_role"] == "dcs"
    assert post["n_paragraphs"] == 2
    assert_all_lines_accounted(result)


def test_valediction_before_a_sign_off_is_part_of_it(tmp_path: Path) -> None:
    signoff = (
        "Kind regards,\nJane Smith\nDirector of Children's Services, Anyshire County Council\n"
    )
    write(tmp_path, "v.txt", f"A letter\n\n{BODY_A}\n\n{BODY_B}\n\n{signoff}")
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["author"] == "Jane Smith" and post["author_basis"] == "sign-off lines 7-9"
    assert "regards" not in post["text"] and post["n_paragraphs"] == 2
    assert_all_lines_accounted(result)


@pytest.mark.parametrize("at_end", [True, False])
def test_a_related_header_in_other_words_opens_the_tail_only_at_the_end(
    tmp_path: Path, at_end: bool
) -> None:
    """'Read more on fostering' followed by headlines ends the post; the same line with a
    paragraph of text after it is a link inside the post, and the text after it stays."""
    after = "Councils agree a new fostering deal\n" if at_end else f"\n{BODY_B}\n"
    text = f"A title\n\n{BODY_A}\n\nRead more on fostering\n{after}"
    write(tmp_path, "r.txt", text)
    post = run(tmp_path).posts.iloc[0]
    assert "Read more" not in post["text"]
    assert ("fostering deal" in post["text"]) is False
    assert (BODY_B in post["text"]) is (not at_end)


def test_update_date_is_not_the_publication_date(tmp_path: Path) -> None:
    text = f"A title\n\nBy Jo Bloggs\nLast updated: 9 May 2024\nPublished 2 May 2024\n\n{BODY_A}\n"
    write(tmp_path, "u.txt", text)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["date"] == pd.Timestamp("2024-05-02") and post["date_precision"] == "day"
    assert model.REASON_UPDATE_DATE in reasons_of(result, "u.txt")
    assert "updated" not in post["text"]


def test_wordpress_post_glued_label_and_footer(tmp_path: Path) -> None:
    write(tmp_path, "blog.txt", WORDPRESS)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["format"] == "wordpress_post"
    assert post["source"] == "Personal blog"
    assert post["title"] == "A personal view"
    assert (post["author"], post["author_confidence"]) == ("someone", "medium")
    assert post["writer_role"] == "commentator"
    assert post["text"].startswith("The new Director started")
    assert_no_boilerplate(result.posts["text"])
    assert "passionate about public policy" not in post["text"]
    kept = result.lines.set_index("line_no").loc[4]
    assert kept["status"] == "body" and "image label 'download'" in kept["reason"]
    assert_all_lines_accounted(result)


def test_plain_text_post(tmp_path: Path) -> None:
    write(tmp_path, "new.txt", PLAIN)
    result, warned = run_warned(tmp_path)
    assert list(result.posts["title"]) == ["A plain post"]
    assert list(result.posts["format"]) == ["plain"]
    assert result.posts.iloc[0]["n_paragraphs"] == 2
    assert warned == [] and result.problems == []


def test_unknown_structure_is_kept_whole_with_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path, "odd.txt", "just one long line of text that ends with a full stop.\nand more.\n"
    )
    with pytest.warns(segment.SegmentationWarning, match=r"odd\.txt: no recognisable structure"):
        result = segment.segment_corpus(tmp_path)
    post = result.posts.iloc[0]
    assert post["format"] == "unknown"
    assert pd.isna(post["title"])
    assert post["n_paragraphs"] == 2
    assert_all_lines_accounted(result)


# ---------------------------------------------------------------------------
# Saved web pages
# ---------------------------------------------------------------------------
def test_saved_html_page(tmp_path: Path) -> None:
    copy_fixture(tmp_path, "saved_page_cypnow.html")
    result, warned = run_warned(tmp_path)
    post = result.posts.iloc[0]
    assert warned == []
    assert post["format"] == "web_page" and post["source"] == "CYP Now"
    assert post["title"] == "Keeping faith with care leavers"
    assert (post["author"], post["author_confidence"]) == ("Sam Whitfield", "high")
    assert post["authority"] == "Eastfold County Council"
    assert post["date"] == pd.Timestamp("2024-05-14") and post["date_precision"] == "day"
    assert post["n_paragraphs"] == 3
    assert post["text"].startswith("Every local offer for care leavers")
    assert_no_boilerplate(result.posts["text"])
    for furniture in ("Home", "Jobs", "Copyright", "Staying close pilots"):
        assert furniture not in post["text"]
    assert model.REASON_READING_TIME in reasons_of(result, "saved_page_cypnow.html")
    assert_all_lines_accounted(result)


def test_saved_htm_page_with_time_element_and_closing_bio(tmp_path: Path) -> None:
    copy_fixture(tmp_path, "saved_page_adcs.htm")
    result, warned = run_warned(tmp_path)
    post = result.posts.iloc[0]
    assert warned == []
    assert (post["format"], post["source"]) == ("web_page", "ADCS blog")
    assert post["title"] == "Family help that lasts"
    assert post["date"] == pd.Timestamp("2025-02-03") and post["date_precision"] == "day"
    assert (post["author"], post["author_confidence"]) == ("Leila Haddad", "high")
    assert post["writer_role"] == "dcs"
    assert post["n_paragraphs"] == 2
    assert "Tags assigned" not in post["text"] and "Copyright" not in post["text"]


def test_site_name_in_the_page_title_is_not_a_second_title(tmp_path: Path) -> None:
    html = (FIXTURES / "saved_page_cypnow.html").read_text(encoding="utf-8")
    html = html.replace(
        '<meta property="og:title" content="Keeping faith with care leavers">', ""
    ).replace("<h1>Keeping faith with care leavers</h1>", "")
    write(tmp_path, "page.html", html)
    post = run(tmp_path).posts.iloc[0]
    assert post["title"] == "Keeping faith with care leavers"
    assert post["text"].startswith("Every local offer")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Keeping faith | Children & Young People Now", "Keeping faith"),
        ("Post-16 options - ADCS", "Post-16 options"),
        ("Ofsted – what the new framework means", "Ofsted – what the new framework means"),
    ],
)
def test_clean_title(title: str, expected: str) -> None:
    from helpers.ingest.formats.html import clean_title

    assert clean_title(title) == expected


def test_html_saved_as_txt_is_extracted_not_taken_as_a_post(tmp_path: Path) -> None:
    copy_fixture(tmp_path, "html_saved_as_txt.txt")
    result, warned = run_warned(tmp_path)
    assert any("html_saved_as_txt.txt: holds HTML markup" in w for w in warned)
    post = result.posts.iloc[0]
    assert post["format"] == "web_page"
    assert post["title"] == "Listening to children in care"
    assert "<" not in post["text"] and "Tags assigned" not in post["text"]
    assert post["n_paragraphs"] == 2


def test_cookie_banner_only_file_yields_no_post_and_is_named(tmp_path: Path) -> None:
    copy_fixture(tmp_path, "cookie_banner_only.txt")
    result, warned = run_warned(tmp_path)
    assert result.posts.empty
    assert warned == [
        "cookie_banner_only.txt: yields no post: every line is page furniture (cookie notice)"
    ]
    assert_all_lines_accounted(result)


def test_file_of_navigation_only_warns(tmp_path: Path) -> None:
    write(tmp_path, "nav.txt", "Home\nBlogs\n\nSearch\n")
    result, warned = run_warned(tmp_path)
    assert result.posts.empty
    assert any(w.startswith("nav.txt: yields no post") for w in warned)


# ---------------------------------------------------------------------------
# Bad input: named, never silently accepted or dropped
# ---------------------------------------------------------------------------
def test_empty_file_is_reported_not_dropped_silently(tmp_path: Path) -> None:
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "blank.txt", "\n  \n")
    write(tmp_path, "new.txt", PLAIN)
    result, warned = run_warned(tmp_path)
    assert sorted(warned) == [
        "blank.txt: file is empty (no text); it yields no post",
        "empty.txt: file is empty (no text); it yields no post",
    ]
    assert set(result.files["source_file"]) == {"empty.txt", "blank.txt", "new.txt"}
    assert result.files.set_index("source_file").loc["empty.txt", "format"] == "empty"
    assert len(result.posts) == 1
    assert_all_lines_accounted(result)


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_and_utf32_are_decoded_by_their_bom(
    tmp_path: Path, bom: bytes, encoding: str
) -> None:
    text = PLAIN.replace("One paragraph", "Children’s paragraph")
    write(tmp_path, "wide.txt", bom + text.encode(encoding))
    result, warned = run_warned(tmp_path)
    assert warned == []
    post = result.posts.iloc[0]
    assert post["title"] == "A plain post" and "Children’s paragraph" in post["text"]
    assert result.files.iloc[0]["encoding"] == encoding


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PLAIN.encode("utf-16-le"), r"bad\.bin\.txt: contains NUL bytes \(it looks like UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), r"contains NUL bytes"),
        (b"text " + bytes(range(1, 9)) * 20, r"control characters"),
    ],
)
def test_binary_and_control_heavy_files_are_rejected_with_their_name(
    tmp_path: Path, content: bytes, message: str
) -> None:
    write(tmp_path, "bad.bin.txt", content)
    write(tmp_path, "new.txt", PLAIN)
    result, warned = run_warned(tmp_path)
    assert any(w.startswith("bad.bin.txt:") for w in warned)
    rejected = result.files.set_index("source_file").loc["bad.bin.txt"]
    assert rejected["format"] == "rejected"
    assert pytest.approx(0) == rejected["n_posts"]
    assert list(result.posts["source_file"]) == ["new.txt"]
    assert "bad.bin.txt" not in set(result.lines["source_file"])
    with pytest.raises(InputRejectedError, match=message):
        decode_bytes(content, "bad.bin.txt")
    assert_all_lines_accounted(result)


def test_non_utf8_file_falls_back_to_cp1252_and_says_so(tmp_path: Path) -> None:
    write(
        tmp_path,
        "legacy.txt",
        PLAIN.replace("One paragraph", "Children’s paragraph").encode("cp1252"),
    )
    with pytest.warns(segment.SegmentationWarning, match=r"legacy\.txt: not valid UTF-8.*cp1252"):
        result = segment.segment_corpus(tmp_path)
    assert "Children’s paragraph" in result.posts.iloc[0]["text"]
    assert result.files.iloc[0]["encoding"] == "cp1252"


def test_non_utf8_file_name_is_named_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "new.txt", PLAIN)
    with open(bytes(tmp_path) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(PLAIN.encode())
    result, warned = run_warned(tmp_path)
    assert any(w.startswith("caf\\xe9.txt: file name is not valid UTF-8") for w in warned)
    assert list(result.files["source_file"]) == ["new.txt"]


def test_non_text_file_is_named(tmp_path: Path) -> None:
    write(tmp_path, "notes.docx", "PK")
    write(tmp_path, "new.txt", PLAIN)
    with pytest.warns(segment.SegmentationWarning, match=r"notes\.docx: not a \.txt or \.html"):
        segment.segment_corpus(tmp_path)


def test_missing_folder_raises_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        segment.segment_corpus(tmp_path / "nope")


# ---------------------------------------------------------------------------
# Reprints
# ---------------------------------------------------------------------------
def test_reprint_detected_and_metadata_merged(tmp_path: Path) -> None:
    write(
        tmp_path, "a_listing.txt", f"Original title\n\n{BODY_A}\n\nTags assigned to this article:\n"
    )
    reprint = (
        BODY_A.replace("every single week", "every week").replace("’", "'")
        + "\nJane Smith is ADCS vice-president and DCS in Anyshire. This blog first appeared "
        "on the ADCS website\nRegister Now to Continue Reading\n"
        "Already have an account? Sign in here\n"
    )
    write(tmp_path, "b_cyp.txt", reprint)
    result = run(tmp_path)
    posts = result.posts.set_index("doc_id")
    assert posts.loc["b_cyp-p000", "duplicate_of"] == "a_listing-p000"
    assert pd.isna(posts.loc["a_listing-p000", "duplicate_of"])
    assert posts.loc["a_listing-p000", "author"] == "Jane Smith"
    assert posts.loc["a_listing-p000", "authority"] == "Anyshire"
    assert "from reprint b_cyp-p000" in posts.loc["a_listing-p000", "metadata_basis"]
    assert result.notes == [
        "reprint: b_cyp-p000 is a copy of a_listing-p000; copied to a_listing-p000: "
        "author 'Jane Smith', role ADCS vice-president and DCS, authority Anyshire"
    ]


def test_existing_post_plus_new_paragraphs_is_not_a_reprint(tmp_path: Path) -> None:
    """Failure from the issue: the new text was excluded and metadata copied back."""
    write(tmp_path, "a_old.txt", f"Original title\n\n{BODY_A}\n")
    write(
        tmp_path,
        "b_new.txt",
        f"A longer version\n\n{BODY_A}\n\n{BODY_B}\n\n{BODY_B.replace('carers', 'workers')}\n"
        "\nJane Smith is director of children's services in Othershire\n",
    )
    result = run(tmp_path)
    posts = result.posts.set_index("doc_id")
    assert posts["duplicate_of"].isna().all()
    assert pd.isna(posts.loc["a_old-p000", "authority"])
    assert result.notes == []
    assert "Foster carers" in posts.loc["b_new-p000", "text"]


def test_copy_under_an_earlier_name_does_not_demote_the_original(tmp_path: Path) -> None:
    """Failure from the issue: the first-known copy stays canonical (manifest order)."""
    write(tmp_path, "m_original.txt", f"Original title\n\n{BODY_A}\n")
    (tmp_path / "MANIFEST.csv").write_text(
        "file,sha256,source,description\nm_original.txt,x,ADCS,hand-written\n", encoding="utf-8"
    )
    write(tmp_path, "a_copy.txt", f"Original title\n\n{BODY_A}\n")
    posts = run(tmp_path).posts.set_index("doc_id")
    assert pd.isna(posts.loc["m_original-p000", "duplicate_of"])
    assert posts.loc["a_copy-p000", "duplicate_of"] == "m_original-p000"


def test_posts_sharing_a_title_are_not_duplicates(tmp_path: Path) -> None:
    write(tmp_path, "one.txt", f"Same title\n\n{BODY_A}\n")
    write(tmp_path, "two.txt", f"Same title\n\n{BODY_B}\n")
    assert run(tmp_path).posts["duplicate_of"].isna().all()


def test_containment_similarity_and_shingles() -> None:
    a = segment.shingles("One two three four five six seven")
    assert len(a) == 3
    assert segment.containment(a, a) == segment.similarity(a, a) == 1.0
    assert segment.containment(a, set()) == 0.0
    longer = segment.shingles("One two three four five six seven eight nine ten")
    assert segment.containment(a, longer) == 1.0
    assert segment.similarity(a, longer) == pytest.approx(3 / 6)
    assert segment.shingles("It’s A b c d") == segment.shingles("it's a B C D")


def test_doc_ids_stable_when_a_file_is_added(tmp_path: Path) -> None:
    write(tmp_path, "m_listing.txt", ADCS_LISTING)
    before = run(tmp_path).posts["doc_id"].tolist()
    write(tmp_path, "a_new.txt", PLAIN)
    after = run(tmp_path).posts["doc_id"].tolist()
    assert set(before) <= set(after)
    assert "a_new-p000" in after


# ---------------------------------------------------------------------------
# Line-level parsers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Monday, January 30, 2023", date(2023, 1, 30)),
        ("30 January 2023", date(2023, 1, 30)),
        ("Wednesday 6 March 2024", date(2024, 3, 6)),
        ("Posted on 6th March 2024", date(2024, 3, 6)),
        ("12/03/2024 09:00", date(2024, 3, 12)),
        ("Tue, 09 Jul 24 10:00", None),
        ("Sarah Jones", None),
    ],
)
def test_parse_date_line(line: str, expected: date | None) -> None:
    assert segment.parse_date_line(line) == expected


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Blogs", model.REASON_NAVIGATION),
        ("Home > Blogs > The ADCS Blog", model.REASON_NAVIGATION),
        ("4 mins read The ADCS Blog", model.REASON_READING_TIME),
        ("Reading time: 6 minutes", model.REASON_READING_TIME),
        ("Jo Bloggs is DCS at Anyshire. Picture: ADCS", model.REASON_CAPTION),
        ("We use cookies to improve this site. Accept or manage settings.", model.REASON_COOKIE),
        ("More like this", model.REASON_RELATED),
        ("Social Worker £38,000 - £42,000 per annum", model.REASON_ADVERT),
        ("Already have an account? Sign in here", model.REASON_PAYWALL),
        ("Share this article", model.REASON_SHARE),
        ("© 2024 MA Education Ltd. All rights reserved.", model.REASON_FOOTER),
        ("12 comments", model.REASON_COMMENTS),
        ("Sign up to our newsletter", model.REASON_ADVERT),
        ("Tue, 09 Jul 24 10:00", model.REASON_ADCS_HEADER),
        # furniture in wordings no fixture uses: recognised by what it is
        ("CYP Now", model.REASON_NAVIGATION),
        ("The Association of Directors of Children’s Services", model.REASON_NAVIGATION),
        ("Unlock unlimited access to every article for £9.99 a month", model.REASON_PAYWALL),
        ("Register free to read the rest of this article", model.REASON_PAYWALL),
        ("Sign in to read more", model.REASON_PAYWALL),
        ("Share this story", model.REASON_SHARE),
        ("Share on Bluesky", model.REASON_SHARE),
        ("Return to the blog", model.REASON_NAVIGATION),
        ("View all opinion", model.REASON_NAVIGATION),
        ("Tags: fostering, adoption", model.REASON_NAVIGATION),
        ("Filed under Workforce", model.REASON_NAVIGATION),
        ("Recent posts", model.REASON_RELATED),
        ("Most viewed stories", model.REASON_RELATED),
        ("More from this columnist", model.REASON_RELATED),
        ("Registered charity number 1000001", model.REASON_FOOTER),
        ("2 Park Row, Leeds LS1 5HD", model.REASON_FOOTER),
        ("Northgate Media Ltd", model.REASON_FOOTER),
        ("Follow us on Instagram", model.REASON_SHARE),
        ("Join our mailing list", model.REASON_ADVERT),
        ("Subscribe for full access to every story", model.REASON_PAYWALL),
        # prose that shares words with those rules stays text
        ("We will register every two-year-old for a funded place this term.", None),
        ("Subscribing to a deficit model of childhood has a cost.", None),
        ("More children are living in poverty than a decade ago.", None),
        ("Share the load.", None),
        ("Topics we covered included fostering, adoption and care leavers.", None),
        ("More on this next month.", None),
        ("Read more about our family hubs in the annual report.", None),
        ("Our new office in Leeds opens in the spring.", None),
        ("Why we ended our contract with Acme Care Ltd", None),
        ("We read every home's inspection report with the cookie-cutter view set aside.", None),
        ("In 2019 the home took four minutes to answer; now it takes one.", None),
        ("Children in care", None),
        (
            "Agency social workers now cost us £60,000 to £80,000 a year each, which is money "
            "that could keep a family support worker in post for every one of our localities.",
            None,
        ),
    ],
)
def test_boilerplate_is_recognised_by_what_it_is(line: str, reason: str | None) -> None:
    assert boilerplate.classify_line(line) == reason


def test_parse_bio_and_caption_bio() -> None:
    bio = parse_bio(
        "Stuart Gallimore is ADCS vice-president and DCS in East Sussex. This blog first "
        "appeared on the ADCS website"
    )
    assert bio == {
        "author": "Stuart Gallimore",
        "role": "ADCS vice-president and DCS",
        "authority": "East Sussex",
    }
    caption = parse_bio("Jo Bloggs is director of children's services at Anyshire. Picture: ADCS")
    assert caption is not None and caption["authority"] == "Anyshire"
    assert parse_bio("The report is clear that children need more support.") is None
    assert parse_bio("Children's Services is a director's business in Anyshire") is None


def test_parse_by_line_and_signoff() -> None:
    assert parse_by_line("By Jo Bloggs") == ("Jo Bloggs", None)
    assert parse_by_line("Posted by Jo Bloggs on 3 May 2024") == ("Jo Bloggs", date(2024, 5, 3))
    assert by_line_role("By Jo Bloggs, Director of Children's Services, Anyshire Council") == {
        "author": "Jo Bloggs",
        "role": "Director of Children's Services",
        "authority": "Anyshire Council",
    }
    assert by_line_role("By Jo Bloggs | 3 May 2024") is None
    assert is_update_line("Last updated: 4 March 2026") and not is_update_line("4 March 2026")
    assert parse_by_line("By the way, this is a sentence about children") is None
    assert parse_signoff(["Jo Bloggs", "Director of Children's Services, Anyshire County Council"])
    assert parse_signoff(["The End", "Thank you for reading"]) is None


def test_self_described_authority_ignores_other_people() -> None:
    other = [(1, "James, who led this before taking up his new post as DCS in Tameside.")]
    assert segment.find_self_described_authority(other) is None
    mine = [(7, "I’ll soon be entering my fifth year as the DCS in Brighton and Hove.")]
    assert segment.find_self_described_authority(mine) == ("Brighton and Hove", 7)


def test_split_lines_counts_like_an_editor() -> None:
    assert segment.split_lines("a\nb\n") == ["a", "b"]
    assert segment.split_lines("a\r\nb") == ["a", "b"]
    assert segment.split_lines("a\n\n") == ["a", ""]


def test_count_words() -> None:
    assert segment.count_words("Children’s services, 2023: sector-led!") == 4


# ---------------------------------------------------------------------------
# Invariants of the real corpus (no counts: the corpus grows)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real() -> segment.SegmentationResult:
    """Segment the committed raw corpus once for the tests below."""
    return segment.segment_corpus(RAW_DIR)


def test_real_corpus_reads_without_problems_and_ids_are_unique(
    real: segment.SegmentationResult,
) -> None:
    assert real.problems == []
    assert real.posts["doc_id"].is_unique
    assert real.paragraphs["para_id"].is_unique
    assert (real.files["n_posts"] > 0).all()
    canonical = set(real.posts.loc[real.posts["duplicate_of"].isna(), "doc_id"])
    assert set(real.posts["duplicate_of"].dropna()) <= canonical


def test_real_corpus_every_line_accounted_and_clean(real: segment.SegmentationResult) -> None:
    assert_all_lines_accounted(real)
    assert_no_boilerplate(real.posts["text"])
    assert_no_boilerplate(real.posts["title"])
    assert_no_boilerplate(real.paragraphs["text"])
    lines = sum(
        len(segment.split_lines(p.read_text(encoding="utf-8"))) for p in RAW_DIR.glob("*.txt")
    )
    assert len(real.lines) == lines


def test_real_corpus_metadata_has_evidence(real: segment.SegmentationResult) -> None:
    posts = real.posts
    known = posts["author"].notna()
    assert (posts.loc[known, "author_basis"].notna()).all()
    assert posts.loc[known, "author_confidence"].isin(["high", "medium", "low"]).all()
    assert posts.loc[~known, "author_confidence"].isna().all()
    assert posts["writer_role"].isin(["dcs", "officer", "commentator", "unknown"]).all()
    assert (posts["writer_role"] == "unknown").eq(posts["writer_role_basis"].isna()).all()
    assert (posts["writer_role"] == "unknown").eq(posts["writer_role_confidence"].isna()).all()
    assert set(posts["writer_role_confidence"].dropna()) <= {"high", "medium", "low"}
    undated = posts["date_precision"] == "unknown"
    assert posts.loc[undated, "date"].isna().all() and posts.loc[~undated, "date"].notna().all()
    dated = posts[~undated]
    assert ((dated["date_low"] <= dated["date"]) & (dated["date"] <= dated["date_high"])).all()


def test_paragraphs_trace_back_to_raw_lines(real: segment.SegmentationResult) -> None:
    raw = {
        p.name: segment.split_lines(p.read_text(encoding="utf-8")) for p in RAW_DIR.glob("*.txt")
    }
    source = real.posts.set_index("doc_id")["source_file"]
    for row in real.paragraphs.itertuples():
        line = segment.clean_line(raw[source[row.doc_id]][row.line_no - 1])
        assert line.endswith(row.text)
