"""The registry of raw formats: adding a format is adding a module and one entry here.

Each entry names the format, the corpus ``source`` its posts get, a ``detect(lines)``
test and a ``segment(name, lines, fmt)`` function returning the posts and one
``LineRecord`` per line. Formats are tried in the order listed; the first whose test
passes is used, and ``unknown`` always passes. Web pages (``.html``/``.htm`` files, or
HTML saved as ``.txt``) are extracted to text first (``formats.html``) and then audited
like a single-post page (format ``web_page``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from helpers.ingest.boilerplate import CAPTION_RE, PAYWALL_STARTS
from helpers.ingest.formats import adcs, page, wordpress
from helpers.ingest.model import LineRecord, RawPost, clean_line

Segmenter = Callable[[str, list[str], str], tuple[list[RawPost], list[LineRecord]]]
CYP_MARKERS = (
    *PAYWALL_STARTS,
    "Children & Young People Now",
    "Children and Young People Now",
    "This blog first appeared on",
    "CYP Now",
)


@dataclass(frozen=True)
class RawFormat:
    """One raw format: its name, the source its posts come from, detection, segmentation."""

    name: str
    source: str
    detect: Callable[[list[str]], bool]
    segment: Segmenter
    description: str


def _detect_cypnow(lines: list[str]) -> bool:
    stripped = [clean_line(x) for x in lines]
    return any(s.startswith(CYP_MARKERS) for s in stripped) or any(
        CAPTION_RE.search(s) for s in stripped
    )


def _page(allow_title: bool = True) -> Segmenter:
    def segment(name: str, lines: list[str], fmt: str):
        return page.segment_page(name, lines, fmt, allow_title=allow_title)

    return segment


FORMATS: tuple[RawFormat, ...] = (
    RawFormat(
        "adcs_listing",
        "ADCS blog",
        adcs.detect_listing,
        adcs.segment,
        "the ADCS blog listing: many posts, newest first, split at each footer",
    ),
    RawFormat(
        "adcs_page",
        "ADCS blog",
        adcs.detect_page,
        adcs.segment,
        "one ADCS blog page (site header and footer removed)",
    ),
    RawFormat(
        "wordpress_post",
        "Personal blog",
        wordpress.detect,
        wordpress.segment,
        "a personal WordPress blog page",
    ),
    RawFormat(
        "cypnow_column",
        "CYP Now",
        _detect_cypnow,
        _page(),
        "a CYP Now column, older or newer layout",
    ),
    RawFormat(
        "plain",
        "Other",
        page.looks_plain,
        _page(),
        "a plain text file with one post (title, optional byline, body)",
    ),
    RawFormat(
        "unknown",
        "Other",
        lambda lines: True,
        _page(allow_title=False),
        "anything else: one untitled post, furniture removed, with a warning",
    ),
)
BY_NAME: dict[str, RawFormat] = {f.name: f for f in FORMATS}
SOURCE_BY_FORMAT: dict[str, str] = {f.name: f.source for f in FORMATS}
SOURCE_BY_FORMAT["web_page"] = "Other"


def detect_format(lines: list[str]) -> RawFormat:
    """The first registered format whose test passes (``unknown`` always does)."""
    return next(f for f in FORMATS if f.detect(lines))
