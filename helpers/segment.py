"""Segment the raw web scrapes in ``corpus/raw/`` into posts and paragraphs.

The raw files come in a few formats (see ``corpus/README.md``):

``adcs_listing`` / ``adcs_page``
    ADCS blog posts: an optional site header (the "Next Upcoming Event" widget,
    whose date is the crawl-time event date, not a publication date), a title
    line, the body, then a footer ("Tags assigned to this article:" ...
    "Related Blog Articles"). A listing concatenates many posts, newest first.
``cypnow_column``
    Children & Young People Now columns: optional title, byline (author line and
    date line), picture captions, an author bio line, then a subscription or
    registration (paywall) block that runs to the end of the file.
``wordpress_post``
    A personal WordPress blog page: title, body (possibly with an image label
    glued to the first word), then avatar, "About <handle>", bio, category line
    and "Leave a comment".
``plain``
    A plain text file holding one post: a short title line, a blank line, body.
``unknown``
    Anything else: kept whole as one untitled post, with a warning.

Every line of every raw file is accounted for: it is a title, body text,
parsed metadata (byline), a blank separator, or removed with a named reason.
``segment_corpus`` returns all of this; ``write_outputs`` writes the CSVs.
Run ``python -m helpers.segment`` (or ``make corpus``) to rebuild.
"""

from __future__ import annotations

import hashlib
import re
import sys
import warnings
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from helpers.corpus import POST_COLUMNS
from helpers.paths import (
    MANIFEST_PATH,
    PARAGRAPHS_PATH,
    POSTS_PATH,
    RAW_DIR,
    REMOVED_PATH,
    SEGMENTED_DIR,
)

AUDIT_PATH: Path = SEGMENTED_DIR / "line_audit.csv"
FALLBACK_ENCODING = "cp1252"
"""Tried when a file is not UTF-8: web pages saved on Windows are usually cp1252.
Bytes that cp1252 leaves undefined are then decoded as latin-1, which never fails."""

SOURCE_BY_FORMAT: dict[str, str] = {
    "adcs_listing": "ADCS blog",
    "adcs_page": "ADCS blog",
    "cypnow_column": "CYP Now",
    "wordpress_post": "Personal blog",
    "plain": "Other",
    "unknown": "Other",
}

# ----------------------------------------------------------------------------
# Line statuses and removal reasons (the audit vocabulary, see corpus/README.md)
# ----------------------------------------------------------------------------
TITLE, BODY, METADATA, BLANK, REMOVED = "title", "body", "metadata", "blank", "removed"

REASON_ADCS_HEADER = "ADCS site header: upcoming-event widget (crawl-time, not a publication date)"
REASON_ADCS_FOOTER = "ADCS footer: tags and related-articles navigation"
REASON_TITLE_REPEAT = "title repeated as first body line (scrape artefact)"
REASON_BIO = "author bio line (parsed into author/role/authority)"
REASON_CAPTION = "picture caption"
REASON_PAYWALL = "CYP Now subscription/registration block"
WP_FOOTER_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"avatar$"), "WordPress footer: author avatar label"),
    (re.compile(r"^About \S+$"), "WordPress footer: 'About' box heading (author handle parsed)"),
    (re.compile(r"^This entry was posted in"), "WordPress footer: category and tag line"),
    (re.compile(r"^(Leave a comment|Bookmark the permalink)"), "WordPress footer: comment link"),
]
REASON_WP_BIO = "WordPress footer: author 'About' bio"
REASON_BYLINE_AUTHOR = "byline: author name (parsed into author)"
REASON_BYLINE_DATE = "byline: publication date (parsed into date)"

ADCS_FOOTER_START = "Tags assigned to this article:"
ADCS_FOOTER_END = "Related Blog Articles"
ADCS_HEADER = "Next Upcoming Event"
CYP_TAIL_STARTS = (
    "CYP Now Digital membership",
    "Register Now to Continue Reading",
    "CYP Now Magazine",
)
CYP_MARKERS = (*CYP_TAIL_STARTS, "Children & Young People Now", "This blog first appeared on")
CAPTION_RE = re.compile(r"\b(Picture|Photo|Image)( credit)?:\s")
NAME_RE = re.compile(r"^[A-Z][a-zA-Z'’\-]+(?: [A-Z][a-zA-Z'’\-]+){1,3}$")
BIO_RE = re.compile(
    r"^(?P<name>[A-Z][a-zA-Z'’\-]+(?: [A-Z][a-zA-Z'’\-]+){1,3}) is (?:an? |the )?(?P<rest>.+)$"
)
BIO_ROLE_WORDS = re.compile(
    r"\b(director|DCS|president|vice-president|chair|member|chief|head|ADCS|council)\b", re.I
)
WP_AVATAR_RE = re.compile(r"^\S.*'s avatar$|^\S.*’s avatar$")
WP_ABOUT_RE = re.compile(r"^About (?P<handle>\S+)$")
WP_MARKERS_RE = re.compile(r"^(This entry was posted in|Leave a comment$|Bookmark the permalink)")
GLUED_LABEL_RE = re.compile(r"^(?P<label>download|image|img|photo|screenshot)\d*(?=[A-Z“\"‘'])")
SELF_AUTHORITY_RES = [
    re.compile(
        r"\b(?:[Aa]s|being|I am|I’m|I'm) (?:the )?(?:DCS|Director of Children’s Services) "
        r"(?:in|for|at) (?P<la>[A-Z][\w’']+(?:(?: and| of)? [A-Z][\w’']+)*)"
    ),
    re.compile(r"\bmy own authority, in (?P<la>[A-Z][\w’']+(?: [A-Z][\w’']+)*)"),
]
DATE_FORMATS = ("%A, %B %d, %Y", "%A %d %B %Y", "%d %B %Y", "%B %d, %Y")
WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
SHINGLE_SIZE = 5
REPRINT_CONTAINMENT = 0.8
"""Share of the shorter post's word 5-grams found in the longer one above which the
two are taken as the same post (a reprint). Different posts score below 0.05 here."""


class SegmentationWarning(UserWarning):
    """A raw file with a problem that segmentation worked around (named in the message)."""


@dataclass
class LineRecord:
    """One raw line and what segmentation did with it."""

    source_file: str
    line_no: int
    status: str
    reason: str = ""
    doc_id: str | None = None
    text: str = ""


@dataclass
class RawPost:
    """A post found in one raw file, before dating and reprint detection."""

    source_file: str
    position_in_file: int
    format: str
    title: str | None
    paragraphs: list[tuple[int, str]]  # (line_no, text)
    title_line: int | None = None
    last_line: int | None = None
    author: str | None = None
    role: str | None = None
    authority: str | None = None
    byline_date: date | None = None
    metadata_basis: list[str] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        """Stable id: raw file stem plus position in the file (files are never edited)."""
        return make_doc_id(self.source_file, self.position_in_file)


@dataclass
class FileReport:
    """How one raw file was read: encoding, format, counts and any problem."""

    source_file: str
    sha256: str
    n_bytes: int
    n_lines: int
    encoding: str
    format: str
    n_posts: int
    problems: list[str]


@dataclass
class SegmentationResult:
    """Everything segmentation produced for a set of raw files."""

    posts: pd.DataFrame
    paragraphs: pd.DataFrame
    lines: pd.DataFrame
    files: pd.DataFrame
    problems: list[str]


# ----------------------------------------------------------------------------
# Small pure functions
# ----------------------------------------------------------------------------
def make_doc_id(source_file: str, position: int) -> str:
    """Return the post id ``<file stem>-p<NNN>``, stable across reruns and new files."""
    return f"{Path(source_file).stem}-p{position:03d}"


def count_words(text: str) -> int:
    """Count word tokens (letters/digits, with inner apostrophes or hyphens)."""
    return len(WORD_RE.findall(text))


def decode_bytes(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode a raw file: UTF-8 (BOM stripped), else cp1252, else latin-1.

    Returns ``(text, encoding_used, problems)``; a fallback is reported as a problem.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as err:
        where = f"byte 0x{data[err.start]:02x} at offset {err.start}"
    try:
        text = data.decode(FALLBACK_ENCODING)
        used = FALLBACK_ENCODING
    except UnicodeDecodeError:
        text, used = data.decode("latin-1"), "latin-1"
    return text, used, [f"{name}: not valid UTF-8 ({where}); decoded as {used} instead"]


def split_lines(text: str) -> list[str]:
    """Split text into lines as ``wc -l`` and editors number them (\\n, \\r\\n or \\r)."""
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def clean_line(line: str) -> str:
    """Strip surrounding white space, including the no-break spaces scrapes leave."""
    return line.replace("\u00a0", " ").strip()


def parse_date_line(line: str) -> date | None:
    """Parse a byline date such as 'Monday, January 30, 2023'; None if not a date."""
    candidate = clean_line(line)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    return None


def parse_bio(line: str) -> dict[str, str] | None:
    """Parse 'Name is <role> at/in <authority>...' into author, role and authority.

    Returns None unless the line looks like an author bio (a name, ' is ', and a
    role word such as director, DCS, president, chair or member).
    """
    text = clean_line(line)
    match = BIO_RE.match(text)
    if not match or not BIO_ROLE_WORDS.search(match["rest"]) or count_words(text) > 60:
        return None
    rest = re.split(r"\. (?=[A-Z])", match["rest"], maxsplit=1)[0].rstrip(". ")
    authority = ""
    found = re.search(
        r"\b(?:at|in|for) (?P<la>(?:[A-Z][\w’'&\-]+)(?: (?:and |of |upon )?[A-Z][\w’'&\-]+)*)$",
        rest,
    )
    role = rest
    if found and not found["la"].startswith(("ADCS", "Association")):
        authority = found["la"]
        role = rest[: found.start()].rstrip(" ,;")
    role = role.replace("the Association of Directors of Children’s Social Care (ADCS)", "ADCS")
    return {"author": match["name"], "role": role.strip(), "authority": authority}


def find_self_described_authority(paragraphs: list[tuple[int, str]]) -> tuple[str, int] | None:
    """Find a first-person statement of the author's authority ('as the DCS for Hampshire').

    The phrase must open its sentence or follow a first-person word (I, my) in it,
    with no third-person pronoun before it ('his new post as DCS in X' is not the
    author's). Returns ``(authority, line_no)`` of the first such statement, or None.
    """
    for line_no, text in paragraphs:
        for pattern in SELF_AUTHORITY_RES:
            for match in pattern.finditer(text):
                before = re.split(r"[.!?]\s", text[: match.start()])[-1]
                first_person = re.search(r"\b(I|I’m|I'm|I’ll|my|My)\b", before + match[0])
                third_person = re.search(r"\b(his|her|their|he|she)\b", before)
                if (first_person or not before.strip()) and not third_person:
                    return match["la"], line_no
    return None


def detect_format(lines: list[str]) -> str:
    """Name the raw format of a file from its markers (see the module docstring)."""
    stripped = [clean_line(line) for line in lines]
    if ADCS_FOOTER_START in stripped or (stripped and stripped[0] == ADCS_HEADER):
        return "adcs_listing" if stripped.count(ADCS_FOOTER_START) > 1 else "adcs_page"
    if any(WP_AVATAR_RE.match(s) for s in stripped) or any(
        WP_MARKERS_RE.match(s) for s in stripped
    ):
        return "wordpress_post"
    if any(s.startswith(CYP_MARKERS) for s in stripped) or any(
        CAPTION_RE.search(s) for s in stripped
    ):
        return "cypnow_column"
    non_blank = [i for i, s in enumerate(stripped) if s]
    if len(non_blank) >= 2:
        first = non_blank[0]
        title = stripped[first]
        followed_by_blank = first + 1 < len(stripped) and not stripped[first + 1]
        if (
            count_words(title) <= 15
            and not title.endswith((".", "!", "?", ","))
            and followed_by_blank
        ):
            return "plain"
    return "unknown"


def looks_like_title(line: str) -> bool:
    """A title is short (at most 20 words) and does not end in a full stop (an ellipsis is fine)."""
    text = clean_line(line)
    ends_sentence = text.endswith(".") and not text.endswith("...")
    return bool(text) and count_words(text) <= 20 and not ends_sentence


# ----------------------------------------------------------------------------
# Per-format segmenters: each returns posts and one LineRecord per line
# ----------------------------------------------------------------------------
def _records(name: str, lines: list[str]) -> list[LineRecord]:
    """Start with every line unclassified; blank lines are separators."""
    records = []
    for i, line in enumerate(lines):
        blank = not clean_line(line)
        records.append(
            LineRecord(name, i + 1, BLANK if blank else "", "empty line" if blank else "")
        )
    return records


def _make_post(
    name: str,
    fmt: str,
    position: int,
    block: list[int],
    lines: list[str],
    records: list[LineRecord],
) -> RawPost | None:
    """Build a post from the unclassified line indexes ``block``: first is the title (if
    it looks like one), the rest body; a repeat of the title as first body line is removed."""
    content = [i for i in block if not records[i].status]
    if not content:
        return None
    title: str | None = None
    title_line: int | None = None
    if fmt != "unknown" and looks_like_title(lines[content[0]]) and len(content) > 1:
        title = clean_line(lines[content[0]])
        records[content[0]].status = TITLE
        title_line = content[0] + 1
        content = content[1:]
        if content and clean_line(lines[content[0]]) == title:
            records[content[0]].status, records[content[0]].reason = REMOVED, REASON_TITLE_REPEAT
            content = content[1:]
    post = RawPost(name, position, fmt, title, [], title_line)
    for i in content:
        records[i].status = BODY
        post.paragraphs.append((i + 1, clean_line(lines[i])))
    return post


def _mark(records: list[LineRecord], indexes: list[int] | range, status: str, reason: str) -> None:
    """Give the non-blank lines among ``indexes`` a status and reason."""
    for i in indexes:
        if records[i].status != BLANK:
            records[i].status, records[i].reason = status, reason


def _strip_trailing_bio(post: RawPost, records: list[LineRecord]) -> None:
    """Remove an author bio that is the post's last paragraph, keeping what it says."""
    if not post.paragraphs:
        return
    line_no, text = post.paragraphs[-1]
    bio = parse_bio(text)
    if bio is None or len(post.paragraphs) < 2:
        return
    post.paragraphs.pop()
    _mark(records, [line_no - 1], REMOVED, REASON_BIO)
    post.last_line = line_no
    post.author = post.author or bio["author"]
    post.role = bio["role"] or None
    post.authority = bio["authority"] or None
    post.metadata_basis.append(f"bio line {line_no}")


def segment_adcs(name: str, lines: list[str], fmt: str) -> tuple[list[RawPost], list[LineRecord]]:
    """Split an ADCS page or listing at its footers; strip header, footers and bios."""
    records = _records(name, lines)
    stripped = [clean_line(line) for line in lines]
    start = 0
    if stripped and stripped[0] == ADCS_HEADER:
        _mark(records, [0], REMOVED, REASON_ADCS_HEADER)
        start = 1
        nxt = next((i for i in range(1, len(lines)) if stripped[i]), None)
        if nxt is not None and re.match(
            r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{2}", stripped[nxt]
        ):
            _mark(records, [nxt], REMOVED, REASON_ADCS_HEADER)
            start = nxt + 1
    posts: list[RawPost] = []
    block: list[int] = []
    in_footer = False
    for i in range(start, len(lines)):
        if stripped[i] == ADCS_FOOTER_START:
            in_footer = True
            post = _make_post(name, fmt, len(posts), block, lines, records)
            if post:
                posts.append(post)
            block = []
        if in_footer:
            _mark(records, [i], REMOVED, REASON_ADCS_FOOTER)
            in_footer = stripped[i] != ADCS_FOOTER_END
            continue
        block.append(i)
    post = _make_post(name, fmt, len(posts), block, lines, records)
    if post:
        posts.append(post)
    for post in posts:
        _strip_trailing_bio(post, records)
    return posts, records


def segment_cypnow(name: str, lines: list[str]) -> tuple[list[RawPost], list[LineRecord]]:
    """One CYP Now column: title and byline if present, captions, bio, paywall tail."""
    records = _records(name, lines)
    stripped = [clean_line(line) for line in lines]
    tail = next((i for i, s in enumerate(stripped) if s.startswith(CYP_TAIL_STARTS)), len(lines))
    _mark(records, range(tail, len(lines)), REMOVED, REASON_PAYWALL)
    for i in range(tail):
        if CAPTION_RE.search(stripped[i]):
            _mark(records, [i], REMOVED, REASON_CAPTION)
    content = [i for i in range(tail) if not records[i].status]
    author: str | None = None
    byline: date | None = None
    basis: list[str] = []
    # Byline: a name line followed by a date line, within the first few content lines.
    for k in range(min(3, len(content) - 1)):
        name_i, date_i = content[k], content[k + 1]
        when = parse_date_line(stripped[date_i])
        if when and NAME_RE.match(stripped[name_i]):
            author, byline = stripped[name_i], when
            _mark(records, [name_i], METADATA, REASON_BYLINE_AUTHOR)
            _mark(records, [date_i], METADATA, REASON_BYLINE_DATE)
            basis.append(f"byline lines {name_i + 1}-{date_i + 1}")
            break
    # A column reprinted without its title starts straight with a body sentence;
    # _make_post only takes a first line as title when it looks like one.
    post = _make_post(name, "cypnow_column", 0, content, lines, records)
    if post is None:
        return [], records
    post.author, post.byline_date, post.metadata_basis = author, byline, basis
    _strip_trailing_bio(post, records)
    return [post], records


def segment_wordpress(name: str, lines: list[str]) -> tuple[list[RawPost], list[LineRecord]]:
    """One WordPress post: title, body (glued image label removed), footer from the avatar."""
    records = _records(name, lines)
    stripped = [clean_line(line) for line in lines]
    tail = next(
        (i for i, s in enumerate(stripped) if WP_AVATAR_RE.match(s) or WP_ABOUT_RE.match(s)),
        next((i for i, s in enumerate(stripped) if WP_MARKERS_RE.match(s)), len(lines)),
    )
    for i in range(tail, len(lines)):
        reason = next((r for p, r in WP_FOOTER_REASONS if p.search(stripped[i])), REASON_WP_BIO)
        _mark(records, [i], REMOVED, reason)
    handle = next((m["handle"] for s in stripped[tail:] if (m := WP_ABOUT_RE.match(s))), None)
    post = _make_post(name, "wordpress_post", 0, list(range(tail)), lines, records)
    if post is None:
        return [], records
    if post.paragraphs:
        line_no, first = post.paragraphs[0]
        glued = GLUED_LABEL_RE.match(first)
        if glued:
            post.paragraphs[0] = (line_no, first[glued.end() :])
            records[
                line_no - 1
            ].reason = (
                f"kept; scrape artefact: image label '{glued['label']}' removed from start of line"
            )
    if handle:
        post.author = handle
        about_line = next(i for i, s in enumerate(stripped) if WP_ABOUT_RE.match(s)) + 1
        post.metadata_basis.append(f"WordPress 'About {handle}' line {about_line} (blog handle)")
    return [post], records


def segment_plain(name: str, lines: list[str], fmt: str) -> tuple[list[RawPost], list[LineRecord]]:
    """One post: title line then body (``plain``), or everything as body (``unknown``)."""
    records = _records(name, lines)
    post = _make_post(name, fmt, 0, list(range(len(lines))), lines, records)
    return ([post] if post else []), records


def segment_text(name: str, text: str) -> tuple[str, list[RawPost], list[LineRecord], list[str]]:
    """Segment one decoded raw file. Returns (format, posts, line records, problems)."""
    lines = split_lines(text)
    problems: list[str] = []
    if not any(clean_line(line) for line in lines):
        problems.append(f"{name}: file is empty (no text); it yields no post")
        return "empty", [], _records(name, lines), problems
    fmt = detect_format(lines)
    if fmt in ("adcs_listing", "adcs_page"):
        posts, records = segment_adcs(name, lines, fmt)
    elif fmt == "cypnow_column":
        posts, records = segment_cypnow(name, lines)
    elif fmt == "wordpress_post":
        posts, records = segment_wordpress(name, lines)
    else:
        posts, records = segment_plain(name, lines, fmt)
    if fmt == "unknown":
        problems.append(
            f"{name}: no recognisable structure (no ADCS, CYP Now or WordPress markers and no "
            "title line); kept whole as one untitled post with format=unknown"
        )
    for post in posts:
        # Every line from the post's title to its last body or bio line belongs to it.
        span = [n for n, _ in post.paragraphs] + [post.title_line or 0, post.last_line or 0]
        first = min(n for n in span if n)
        for record in records[first - 1 : max(span)]:
            record.doc_id = post.doc_id
        if post.authority is None:
            found = find_self_described_authority(post.paragraphs)
            if found:
                post.authority = found[0]
                post.metadata_basis.append(f"authority from text, line {found[1]}")
    unaccounted = [r.line_no for r in records if not r.status]
    if unaccounted:
        raise AssertionError(f"{name}: lines {unaccounted[:10]} were not accounted for")
    return fmt, posts, records, problems


# ----------------------------------------------------------------------------
# Reprints
# ----------------------------------------------------------------------------
def shingles(text: str, size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    """Word n-grams of the lower-cased text, with curly quotes folded to straight ones."""
    folded = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    words = WORD_RE.findall(folded)
    return {tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 0))}


def containment(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the smaller shingle set found in the other (0 if either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def canonical_order(posts: Sequence[RawPost]) -> list[int]:
    """Indexes of ``posts`` in the order copies are preferred as canonical:
    a post with a title line first, then the ADCS blog original, then file order."""
    return sorted(
        range(len(posts)),
        key=lambda i: (
            posts[i].title is None,
            SOURCE_BY_FORMAT[posts[i].format] != "ADCS blog",
            posts[i].source_file,
            posts[i].position_in_file,
        ),
    )


def find_reprints_pairwise(
    posts: Sequence[RawPost], threshold: float = REPRINT_CONTAINMENT
) -> dict[str, tuple[str, float]]:
    """Reference version of ``find_reprints``: compare every pair of shingle sets.

    Simple to read but quadratic in Python; ``find_reprints`` gives the same
    mapping (tested) with a sparse matrix product.
    """
    sets = [shingles(" ".join(t for _, t in p.paragraphs)) for p in posts]
    order = canonical_order(posts)
    reprints: dict[str, tuple[str, float]] = {}
    for rank, i in enumerate(order):
        if posts[i].doc_id in reprints:
            continue
        for j in order[rank + 1 :]:
            if posts[j].doc_id in reprints:
                continue
            score = containment(sets[i], sets[j])
            if score >= threshold:
                reprints[posts[j].doc_id] = (posts[i].doc_id, score)
    return reprints


def find_reprints(
    posts: Sequence[RawPost],
    threshold: float = REPRINT_CONTAINMENT,
    block_rows: int = 2000,
) -> dict[str, tuple[str, float]]:
    """Map each reprint's doc_id to (canonical doc_id, containment).

    Two posts are the same text when ``containment`` of their word 5-grams is at
    least ``threshold``; titles play no part, so different posts that share a
    title are not matched. The canonical copy is the one with a title line, then
    the ADCS blog original, then the first in file order (``canonical_order``);
    each post is marked at most once, greedily in that order.

    Implementation (same result as ``find_reprints_pairwise``, without its
    quadratic Python loop, so that 10,000 posts take seconds, not minutes):

    Each post's word 5-gram set becomes a row of a sparse 0/1 matrix ``M``
    (shingles numbered as first met, so the sets themselves are not kept);
    ``M @ M.T``, computed ``block_rows`` rows at a time to bound memory, holds
    every pair's shared-shingle count, so containment (shared / size of the
    smaller set) is computed for all pairs that share at least one shingle (the
    others score 0). The canonical order and the greedy marking are those of
    ``find_reprints_pairwise``.
    """
    ids: dict[tuple[str, ...], int] = {}
    indices = array("q")
    indptr = array("q", [0])
    for post in posts:
        shingle_set = shingles(" ".join(t for _, t in post.paragraphs))
        indices.extend(ids.setdefault(g, len(ids)) for g in shingle_set)
        indptr.append(len(indices))
    n = len(posts)
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.int32), np.frombuffer(indices, dtype=np.int64), indptr),
        shape=(n, max(len(ids), 1)),
    )
    del ids, indices
    sizes = np.diff(np.frombuffer(indptr, dtype=np.int64))
    transposed = matrix.T.tocsr()
    neighbours: dict[int, dict[int, float]] = {}
    for first in range(0, n, block_rows):
        block = (matrix[first : first + block_rows] @ transposed).tocoo()
        rows, cols = block.row + first, block.col
        upper = cols > rows
        rows, cols, shared = rows[upper], cols[upper], block.data[upper]
        smaller = np.minimum(sizes[rows], sizes[cols])
        score = shared / np.maximum(smaller, 1)
        hit = (score >= threshold) & (smaller > 0)
        for i, j, value in zip(rows[hit], cols[hit], score[hit], strict=True):
            neighbours.setdefault(int(i), {})[int(j)] = float(value)
            neighbours.setdefault(int(j), {})[int(i)] = float(value)
    order = canonical_order(posts)
    rank = {i: r for r, i in enumerate(order)}
    reprints: dict[str, tuple[str, float]] = {}
    for i in order:
        if posts[i].doc_id in reprints:
            continue
        for j in sorted(neighbours.get(i, {}), key=rank.__getitem__):
            if rank[j] > rank[i] and posts[j].doc_id not in reprints:
                reprints[posts[j].doc_id] = (posts[i].doc_id, neighbours[i][j])
    return reprints


def merge_reprint_metadata(canonical: RawPost, reprint: RawPost) -> None:
    """Copy author, role, authority and byline date that only the reprint gives."""
    for attribute in ("author", "role", "authority", "byline_date"):
        if getattr(canonical, attribute) is None and getattr(reprint, attribute) is not None:
            setattr(canonical, attribute, getattr(reprint, attribute))
            canonical.metadata_basis.append(f"{attribute} from reprint {reprint.doc_id}")


# ----------------------------------------------------------------------------
# The whole corpus
# ----------------------------------------------------------------------------
def list_raw_files(raw_dir: Path) -> tuple[list[Path], list[str]]:
    """Return the ``.txt`` files to segment and a problem for every other file found."""
    files, problems = [], []
    for path in sorted(raw_dir.iterdir()):
        if path.name in (MANIFEST_PATH.name, "README.md") or path.name.startswith("."):
            continue
        if path.is_file() and path.suffix.lower() == ".txt":
            files.append(path)
        else:
            problems.append(
                f"{path.name}: not a .txt file; not segmented (convert it to text first)"
            )
    return files, problems


def _estimate_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date every post (``helpers.dating``); byline dates are kept at day precision."""
    from helpers.dating import estimate_dates

    return estimate_dates(frame)


def segment_corpus(raw_dir: Path = RAW_DIR, progress: bool = False) -> SegmentationResult:
    """Segment every raw file into posts, paragraphs and a full line audit."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw corpus folder {raw_dir} does not exist")
    paths, problems = list_raw_files(raw_dir)
    all_posts: list[RawPost] = []
    all_records: list[LineRecord] = []
    reports: list[FileReport] = []
    for path in paths:
        data = path.read_bytes()
        text, encoding, decode_problems = decode_bytes(data, path.name)
        fmt, posts, records, file_problems = segment_text(path.name, text)
        for record, line in zip(records, split_lines(text), strict=True):
            if record.status in (REMOVED, METADATA):
                record.text = clean_line(line)
        all_posts += posts
        all_records += records
        file_problems = decode_problems + file_problems
        problems += file_problems
        reports.append(
            FileReport(
                path.name,
                hashlib.sha256(data).hexdigest(),
                len(data),
                len(records),
                encoding,
                fmt,
                len(posts),
                file_problems,
            )
        )
        if progress:
            print(f"  {path.name}: {len(records)} lines, format {fmt}, {len(posts)} post(s)")
    for problem in problems:
        warnings.warn(problem, SegmentationWarning, stacklevel=2)

    reprints = find_reprints(all_posts)
    by_id = {p.doc_id: p for p in all_posts}
    for reprint_id, (canonical_id, _) in reprints.items():
        merge_reprint_metadata(by_id[canonical_id], by_id[reprint_id])

    posts = _posts_frame(all_posts, reprints)
    return SegmentationResult(
        posts=posts,
        paragraphs=_paragraphs_frame(all_posts),
        lines=pd.DataFrame([vars(r) for r in all_records]),
        files=pd.DataFrame([vars(r) for r in reports]),
        problems=problems,
    )


def _posts_frame(posts: list[RawPost], reprints: dict[str, tuple[str, float]]) -> pd.DataFrame:
    """Assemble the posts table, dates included, in the codebook's column order."""
    rows = []
    for post in posts:
        body = "\n\n".join(text for _, text in post.paragraphs)
        rows.append(
            {
                "doc_id": post.doc_id,
                "source_file": post.source_file,
                "position_in_file": post.position_in_file,
                "source": SOURCE_BY_FORMAT[post.format],
                "format": post.format,
                "title": post.title,
                "author": post.author,
                "role": post.role,
                "authority": post.authority,
                # Placeholder until author inference lands (issue 10): unknown stays unknown.
                "writer_role": "unknown",
                "writer_role_basis": None,
                "byline_date": pd.Timestamp(post.byline_date) if post.byline_date else pd.NaT,
                "duplicate_of": reprints.get(post.doc_id, (None, 0.0))[0],
                "metadata_basis": "; ".join(post.metadata_basis) or None,
                "n_words": count_words(body),
                "n_paragraphs": len(post.paragraphs),
                "text": body,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    dated = _estimate_dates(frame)
    frame = frame.join(dated[["date", "date_precision", "date_low", "date_high", "date_basis"]])
    # A reprint with no date evidence of its own takes its original's date interval.
    canon = frame.set_index("doc_id")
    for i, row in frame[frame["duplicate_of"].notna()].iterrows():
        if row["date_precision"] == "estimated" and pd.isna(row["byline_date"]):
            original = canon.loc[row["duplicate_of"]]
            for column in ("date", "date_precision", "date_low", "date_high"):
                frame.at[i, column] = original[column]
            frame.at[i, "date_basis"] = (
                f"reprint of {row['duplicate_of']}: date of the original "
                f"({original['date_basis']}); the reprint may have appeared later"
            )
    return frame


def _paragraphs_frame(posts: list[RawPost]) -> pd.DataFrame:
    """One row per paragraph with its position in the post and its raw line number."""
    rows = [
        {
            "doc_id": post.doc_id,
            "para_id": f"{post.doc_id}-{position:03d}",
            "position": position,
            "line_no": line_no,
            "n_words": count_words(text),
            "text": text,
        }
        for post in posts
        for position, (line_no, text) in enumerate(post.paragraphs)
    ]
    return pd.DataFrame(rows)


def write_outputs(result: SegmentationResult, out_dir: Path = SEGMENTED_DIR) -> list[Path]:
    """Write posts.csv, paragraphs.csv, removed_lines.csv and line_audit.csv (UTF-8)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    posts = result.posts.copy()
    for column in ("date", "date_low", "date_high"):
        posts[column] = pd.to_datetime(posts[column]).dt.strftime("%Y-%m-%d")
    written = []
    targets = {
        out_dir / POSTS_PATH.name: posts[POST_COLUMNS],
        out_dir / PARAGRAPHS_PATH.name: result.paragraphs,
        out_dir / REMOVED_PATH.name: result.lines[result.lines["status"].isin([REMOVED, METADATA])][
            ["source_file", "line_no", "status", "reason", "doc_id", "text"]
        ],
        out_dir / AUDIT_PATH.name: result.lines[
            ["source_file", "line_no", "status", "reason", "doc_id"]
        ],
    }
    for path, frame in targets.items():
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written


def audit_table(result: SegmentationResult) -> pd.DataFrame:
    """Lines per raw file by status, with a check column: every line accounted for."""
    counts = result.lines.pivot_table(
        index="source_file", columns="status", values="line_no", aggfunc="count", fill_value=0
    )
    for status in (TITLE, BODY, METADATA, BLANK, REMOVED):
        if status not in counts.columns:
            counts[status] = 0
    counts = counts[[TITLE, BODY, METADATA, BLANK, REMOVED]]
    files = result.files.set_index("source_file")
    counts["lines_in_file"] = files["n_lines"]
    counts["accounted"] = counts[[TITLE, BODY, METADATA, BLANK, REMOVED]].sum(axis=1)
    counts["all_accounted"] = counts["accounted"] == counts["lines_in_file"]
    counts.columns.name = None
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line: segment corpus/raw into corpus/segmented and refresh the manifest."""
    from helpers.manifest import update_manifest

    print(f"Segmenting raw files in {RAW_DIR.relative_to(RAW_DIR.parent.parent)}/ ...")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SegmentationWarning)
        result = segment_corpus(RAW_DIR, progress=True)
    for warning in caught:
        print(f"WARNING: {warning.message}", file=sys.stderr)
    manifest_problems = update_manifest(result.files)
    for problem in manifest_problems:
        print(f"WARNING: {problem}", file=sys.stderr)
    written = write_outputs(result)
    audit = audit_table(result)
    if not audit["all_accounted"].all():
        print("ERROR: some raw lines are not accounted for", file=sys.stderr)
        return 1
    n_reprints = int(result.posts["duplicate_of"].notna().sum())
    print(
        f"{len(result.posts)} post rows ({len(result.posts) - n_reprints} distinct, "
        f"{n_reprints} reprint(s)), {len(result.paragraphs)} paragraphs; "
        f"{int(audit['lines_in_file'].sum())} raw lines all accounted for."
    )
    for path in written:
        print(f"  wrote {path.relative_to(RAW_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
