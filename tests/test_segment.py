"""Unit tests of segmentation: each raw format, each bad-input case, reprints, the audit.

Fixtures are small raw files written for the tests (see ``write``); the last
tests check the real corpus in corpus/raw/.
"""

import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import segment
from helpers.paths import RAW_DIR

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


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write one raw fixture file (text as UTF-8, or raw bytes)."""
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def run(folder: Path) -> segment.SegmentationResult:
    """Segment a fixture folder, collecting warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", segment.SegmentationWarning)
        return segment.segment_corpus(folder)


def assert_all_lines_accounted(result: segment.SegmentationResult) -> None:
    """Every raw line has a status, and the audit adds up for every file."""
    assert (result.lines["status"] != "").all()
    audit = segment.audit_table(result)
    assert audit["all_accounted"].all(), audit


def assert_no_boilerplate(texts: pd.Series) -> None:
    """No known boilerplate string survives in a post or paragraph text."""
    for marker in BOILERPLATE:
        assert not texts.str.contains(marker, regex=False).any(), marker


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
    assert (removed["reason"] == segment.REASON_TITLE_REPEAT).sum() == 1
    assert (removed["reason"] == segment.REASON_ADCS_FOOTER).sum() == 6
    assert_all_lines_accounted(result)


def test_adcs_page_header_date_is_not_a_publication_date(tmp_path: Path) -> None:
    write(tmp_path, "page.txt", ADCS_PAGE)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["title"] == "A single page"
    assert post["format"] == "adcs_page"
    assert post["source"] == "ADCS blog"
    assert pd.isna(post["byline_date"])
    assert post["date_precision"] != "day"
    assert post["authority"] == "East Sussex"
    header = result.lines[result.lines["reason"] == segment.REASON_ADCS_HEADER]
    assert list(header["line_no"]) == [1, 3]
    assert_all_lines_accounted(result)


def test_cypnow_column_byline_caption_bio_and_paywall(tmp_path: Path) -> None:
    write(tmp_path, "column.txt", CYP_COLUMN)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["title"] == "Turning a corner"
    assert post["author"] == "Jane Smith"
    assert post["byline_date"] == pd.Timestamp("2023-01-30")
    assert post["date"] == pd.Timestamp("2023-01-30")
    assert post["date_precision"] == "day"
    assert post["role"] == "director of children's services"
    assert post["authority"] == "Anyshire County Council"
    assert post["n_paragraphs"] == 2
    assert_no_boilerplate(result.posts["text"])
    reasons = set(result.lines["reason"])
    assert {segment.REASON_CAPTION, segment.REASON_BIO, segment.REASON_PAYWALL} <= reasons
    assert {segment.REASON_BYLINE_AUTHOR, segment.REASON_BYLINE_DATE} <= reasons
    assert_all_lines_accounted(result)


def test_wordpress_post_glued_label_and_footer(tmp_path: Path) -> None:
    write(tmp_path, "blog.txt", WORDPRESS)
    result = run(tmp_path)
    post = result.posts.iloc[0]
    assert post["format"] == "wordpress_post"
    assert post["source"] == "Personal blog"
    assert post["title"] == "A personal view"
    assert post["author"] == "someone"
    assert post["text"].startswith("The new Director started")
    assert_no_boilerplate(result.posts["text"])
    assert "passionate about public policy" not in post["text"]
    kept = result.lines.set_index("line_no").loc[4]
    assert kept["status"] == "body" and "image label 'download'" in kept["reason"]
    assert_all_lines_accounted(result)


def test_plain_text_post(tmp_path: Path) -> None:
    write(tmp_path, "new.txt", PLAIN)
    result = run(tmp_path)
    assert list(result.posts["title"]) == ["A plain post"]
    assert list(result.posts["format"]) == ["plain"]
    assert result.posts.iloc[0]["n_paragraphs"] == 2
    assert result.problems == []


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


def test_empty_file_is_reported_not_dropped_silently(tmp_path: Path) -> None:
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "blank.txt", "\n  \n")
    write(tmp_path, "new.txt", PLAIN)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", segment.SegmentationWarning)
        result = segment.segment_corpus(tmp_path)
    messages = sorted(str(w.message) for w in caught)
    assert messages == [
        "blank.txt: file is empty (no text); it yields no post",
        "empty.txt: file is empty (no text); it yields no post",
    ]
    assert set(result.files["source_file"]) == {"empty.txt", "blank.txt", "new.txt"}
    assert result.files.set_index("source_file").loc["empty.txt", "format"] == "empty"
    assert len(result.posts) == 1
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


def test_decode_bytes_last_resort_is_latin1() -> None:
    text, used, problems = segment.decode_bytes(b"caf\x81 \xe9", "x.txt")
    assert used == "latin-1" and text.endswith("é") and "x.txt" in problems[0]


def test_non_text_file_is_named(tmp_path: Path) -> None:
    write(tmp_path, "page.html", "<html></html>")
    write(tmp_path, "new.txt", PLAIN)
    with pytest.warns(segment.SegmentationWarning, match=r"page\.html: not a \.txt file"):
        segment.segment_corpus(tmp_path)


def test_missing_folder_raises_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        segment.segment_corpus(tmp_path / "nope")


def test_reprint_detected_and_metadata_merged(tmp_path: Path) -> None:
    body = (
        "Local authorities are working together to improve outcomes for children and families "
        "across the region, sharing what works and learning from each other every single week. "
        "Improvement can never be the prerogative of the few but must involve the many."
    )
    write(
        tmp_path, "a_listing.txt", f"Original title\n\n{body}\n\nTags assigned to this article:\n"
    )
    reprint = (
        body.replace("every single week", "every week").replace("’", "'")
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


def test_posts_sharing_a_title_are_not_duplicates(tmp_path: Path) -> None:
    one = "Same title\n\nFunding for children's services has fallen in real terms since 2010.\n"
    two = "Same title\n\nFoster carers are at the heart of our care system and we need more.\n"
    write(tmp_path, "one.txt", one)
    write(tmp_path, "two.txt", two)
    result = run(tmp_path)
    assert result.posts["duplicate_of"].isna().all()


def test_containment_and_shingles() -> None:
    a = segment.shingles("One two three four five six seven")
    assert len(a) == 3
    assert segment.containment(a, a) == 1.0
    assert segment.containment(a, set()) == 0.0
    assert segment.shingles("It’s A b c d") == segment.shingles("it's a B C D")


def test_doc_ids_stable_when_a_file_is_added(tmp_path: Path) -> None:
    write(tmp_path, "m_listing.txt", ADCS_LISTING)
    before = run(tmp_path).posts["doc_id"].tolist()
    write(tmp_path, "a_new.txt", PLAIN)
    after = run(tmp_path).posts["doc_id"].tolist()
    assert set(before) <= set(after)
    assert "a_new-p000" in after


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Monday, January 30, 2023", date(2023, 1, 30)),
        ("30 January 2023", date(2023, 1, 30)),
        ("Tue, 09 Jul 24 10:00", None),
        ("Sarah Jones", None),
    ],
)
def test_parse_date_line(line: str, expected: date | None) -> None:
    assert segment.parse_date_line(line) == expected


def test_parse_bio() -> None:
    bio = segment.parse_bio(
        "Stuart Gallimore is ADCS vice-president and DCS in East Sussex. This blog first "
        "appeared on the ADCS website"
    )
    assert bio == {
        "author": "Stuart Gallimore",
        "role": "ADCS vice-president and DCS",
        "authority": "East Sussex",
    }
    assert segment.parse_bio("The report is clear that children need more support.") is None


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
# The real corpus
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real() -> segment.SegmentationResult:
    """Segment the committed raw corpus once for the tests below."""
    return segment.segment_corpus(RAW_DIR)


def test_real_corpus_counts(real: segment.SegmentationResult) -> None:
    posts = real.posts
    assert len(posts) == 104
    assert posts["duplicate_of"].notna().sum() == 1
    assert real.problems == []
    counts = posts["source_file"].value_counts()
    assert counts["002_d6c766277591dfe6.txt"] == 100


def test_real_corpus_titles_and_reprint(real: segment.SegmentationResult) -> None:
    posts = real.posts.set_index("doc_id")
    assert posts["title"].notna().sum() == 103  # the CYP Now reprint has no title line
    assert posts.loc["002_d6c766277591dfe6-p000", "title"] == "Making our voices heard"
    assert posts.loc["002_d6c766277591dfe6-p099", "title"] == "A good time to take stock"
    assert posts.loc["002_d6c766277591dfe6-p072", "title"] == "In the space"
    assert posts.loc["001_e47b4cbce7a92c31-p000", "title"] == "Everyone’s business"
    assert posts.loc["003_4c2368898753c703-p000", "text"].startswith("The new Director")
    reprint = posts.loc["004_9c2bfcaec920e18e-p000"]
    assert reprint["duplicate_of"] == "002_d6c766277591dfe6-p073"
    original = posts.loc["002_d6c766277591dfe6-p073"]
    assert original["title"] == "Can we fix it? Yes, we can"
    assert original["author"] == "Stuart Gallimore"
    column = posts.loc["000_0dd763a2a86c150b-p000"]
    assert (column["author"], column["date"]) == ("Sarah Jones", pd.Timestamp("2023-01-30"))


def test_real_corpus_every_line_accounted_and_clean(real: segment.SegmentationResult) -> None:
    assert_all_lines_accounted(real)
    assert_no_boilerplate(real.posts["text"])
    assert_no_boilerplate(real.paragraphs["text"])
    assert not real.posts["text"].str.contains("Tue, 09 Jul 24").any()
    lines = sum(
        len(segment.split_lines(p.read_text(encoding="utf-8"))) for p in RAW_DIR.glob("*.txt")
    )
    assert len(real.lines) == lines


def test_paragraphs_trace_back_to_raw_lines(real: segment.SegmentationResult) -> None:
    raw = {
        p.name: segment.split_lines(p.read_text(encoding="utf-8")) for p in RAW_DIR.glob("*.txt")
    }
    source = real.posts.set_index("doc_id")["source_file"]
    for row in real.paragraphs.sample(50, random_state=0).itertuples():
        line = segment.clean_line(raw[source[row.doc_id]][row.line_no - 1])
        assert line.endswith(row.text)
