"""Records shared by every raw format: line statuses, removal reasons, posts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

TITLE, BODY, METADATA, BLANK, REMOVED = "title", "body", "metadata", "blank", "removed"
STATUSES: tuple[str, ...] = (TITLE, BODY, METADATA, BLANK, REMOVED)

REASON_ADCS_HEADER = "ADCS site header: upcoming-event widget (crawl-time, not a publication date)"
REASON_ADCS_FOOTER = "ADCS footer: tags and related-articles navigation"
REASON_ADCS_AFTER_FOOTER = "ADCS page: related articles and site footer after the post's footer"
REASON_TITLE_REPEAT = "title repeated as first body line (scrape artefact)"
REASON_BIO = "author bio line (parsed into author/role/authority)"
REASON_CAPTION = "picture caption"
REASON_CAPTION_BIO = "picture caption carrying the author's bio (parsed into author/role/authority)"
REASON_PAYWALL = "CYP Now subscription/registration block"
REASON_NAVIGATION = "navigation: breadcrumb or section link"
REASON_SECTION_LABEL = "section label above the title (a kicker such as 'Leadership')"
REASON_READING_TIME = "reading-time line (names the column)"
REASON_RELATED = "related-links block ('More like this', 'Related articles' ...)"
REASON_ADVERT = "advertisement or job advert"
REASON_COOKIE = "cookie notice"
REASON_SHARE = "share/social-media buttons"
REASON_FOOTER = "site footer (copyright, terms, site links)"
REASON_COMMENTS = "comments section"
REASON_WP_BIO = "WordPress footer: author 'About' bio"
REASON_BYLINE_AUTHOR = "byline: author name (parsed into author)"
REASON_BYLINE_DATE = "byline: publication date (parsed into date)"
REASON_SIGNOFF = "sign-off: author name/role at the end of the post (parsed into author)"
REASON_UPDATE_DATE = "byline: date the page was updated (not the publication date; not used)"
REASON_HTML_FURNITURE = "web page: left out by the main-text extractor (trafilatura)"

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")


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
    author_basis: str | None = None
    author_confidence: str | None = None
    role: str | None = None
    authority: str | None = None
    byline_date: date | None = None
    metadata_basis: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    about: str | None = None
    site: str | None = None

    @property
    def doc_id(self) -> str:
        """Stable id: raw file stem plus position in the file (files are never edited)."""
        return make_doc_id(self.source_file, self.position_in_file)

    def set_author(self, name: str, basis: str, confidence: str) -> None:
        """Record an author with its evidence; a stronger or earlier finding is kept."""
        rank = {"high": 3, "medium": 2, "low": 1}
        if self.author is None or rank[confidence] > rank.get(self.author_confidence or "", 0):
            self.author, self.author_basis, self.author_confidence = name, basis, confidence


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
    rejected: str = ""


def make_doc_id(source_file: str, position: int) -> str:
    """Return the post id ``<file stem>-p<NNN>``, stable across reruns and new files."""
    return f"{Path(source_file).stem}-p{position:03d}"


def count_words(text: str) -> int:
    """Count word tokens (letters/digits, with inner apostrophes or hyphens)."""
    return len(WORD_RE.findall(text))


def split_lines(text: str) -> list[str]:
    """Split text into lines as ``wc -l`` and editors number them (\\n, \\r\\n or \\r)."""
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def clean_line(line: str) -> str:
    """Strip surrounding white space, including the no-break spaces scrapes leave."""
    return line.replace("\u00a0", " ").replace("\u200b", "").strip()


def new_records(name: str, lines: list[str]) -> list[LineRecord]:
    """Start with every line unclassified; blank lines are separators."""
    records = []
    for i, line in enumerate(lines):
        blank = not clean_line(line)
        records.append(
            LineRecord(name, i + 1, BLANK if blank else "", "empty line" if blank else "")
        )
    return records


def mark(records: list[LineRecord], indexes, status: str, reason: str) -> None:
    """Give the non-blank lines among ``indexes`` a status and reason."""
    for i in indexes:
        if records[i].status != BLANK:
            records[i].status, records[i].reason = status, reason


def looks_like_title(line: str) -> bool:
    """A title is short (at most 20 words) and does not end in a full stop (an ellipsis is fine)."""
    text = clean_line(line)
    ends_sentence = text.endswith(".") and not text.endswith("...")
    return bool(text) and count_words(text) <= 20 and not ends_sentence


def make_post(
    name: str,
    fmt: str,
    position: int,
    block: list[int],
    lines: list[str],
    records: list[LineRecord],
    allow_title: bool = True,
) -> RawPost | None:
    """Build a post from the unclassified line indexes ``block``: first is the title (if
    it looks like one), the rest body; a repeat of the title as first body line is removed."""
    content = [i for i in block if not records[i].status]
    if not content:
        return None
    title: str | None = None
    title_line: int | None = None
    if allow_title and looks_like_title(lines[content[0]]) and len(content) > 1:
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
