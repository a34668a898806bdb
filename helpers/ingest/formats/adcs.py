"""ADCS blog pages and the ADCS blog listing (many posts, newest first).

An optional site header (the "Next Upcoming Event" widget, whose date is the crawl-time
event date, not a publication date), a title line, the body, then a footer ("Tags
assigned to this article:" ... "Related Blog Articles"). Posts are split at the footers.
"""

from __future__ import annotations

import re

from helpers.ingest.boilerplate import classify_line
from helpers.ingest.formats.page import drop_section_labels, strip_closing_metadata
from helpers.ingest.model import (
    REASON_ADCS_AFTER_FOOTER,
    REASON_ADCS_FOOTER,
    REASON_ADCS_HEADER,
    REMOVED,
    LineRecord,
    RawPost,
    clean_line,
    make_post,
    mark,
    new_records,
)

FOOTER_START = "Tags assigned to this article:"
FOOTER_END = "Related Blog Articles"
HEADER = "Next Upcoming Event"
HEADER_DATE_RE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{2}")


def detect_listing(lines: list[str]) -> bool:
    """More than one ADCS footer: the listing."""
    return [clean_line(x) for x in lines].count(FOOTER_START) > 1


def detect_page(lines: list[str]) -> bool:
    """One ADCS footer, or the site header on the first line."""
    stripped = [clean_line(x) for x in lines]
    first = next((s for s in stripped if s), "")
    return FOOTER_START in stripped or first == HEADER


def segment(name: str, lines: list[str], fmt: str) -> tuple[list[RawPost], list[LineRecord]]:
    """Split an ADCS page or listing at its footers; strip header, footers, furniture, bios."""
    records = new_records(name, lines)
    stripped = [clean_line(line) for line in lines]
    first = next((i for i, s in enumerate(stripped) if s), None)
    start = 0
    if first is not None and stripped[first] == HEADER:
        mark(records, [first], REMOVED, REASON_ADCS_HEADER)
        start = first + 1
        nxt = next((i for i in range(start, len(lines)) if stripped[i]), None)
        if nxt is not None and HEADER_DATE_RE.match(stripped[nxt]):
            mark(records, [nxt], REMOVED, REASON_ADCS_HEADER)
            start = nxt + 1
    posts: list[RawPost] = []
    block: list[int] = []
    in_footer = False
    for i in range(start, len(lines)):
        if fmt == "adcs_page" and posts and not in_footer:
            # one post per page: what follows its footer is related articles and site footer
            mark(records, [i], REMOVED, classify_line(stripped[i]) or REASON_ADCS_AFTER_FOOTER)
            continue
        if stripped[i] == FOOTER_START:
            in_footer = True
            drop_section_labels(block, stripped, records)
            post = make_post(name, fmt, len(posts), block, lines, records)
            if post:
                posts.append(post)
            block = []
        if in_footer:
            mark(records, [i], REMOVED, REASON_ADCS_FOOTER)
            in_footer = stripped[i] != FOOTER_END
            continue
        kind = classify_line(stripped[i]) if stripped[i] else None
        if kind is not None:
            mark(records, [i], REMOVED, kind)
            continue
        block.append(i)
    drop_section_labels(block, stripped, records)
    post = make_post(name, fmt, len(posts), block, lines, records)
    if post:
        posts.append(post)
    for post in posts:
        strip_closing_metadata(post, records)
    return posts, records
