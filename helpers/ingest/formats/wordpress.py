"""A personal WordPress blog page: title, body (an image label may be glued to the first
word), then the avatar, "About <handle>", bio, category line and "Leave a comment"."""

from __future__ import annotations

import re

from helpers.ingest.model import (
    REASON_WP_BIO,
    REMOVED,
    LineRecord,
    RawPost,
    clean_line,
    make_post,
    mark,
    new_records,
)

FOOTER_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"avatar$"), "WordPress footer: author avatar label"),
    (re.compile(r"^About \S+$"), "WordPress footer: 'About' box heading (author handle parsed)"),
    (re.compile(r"^This entry was posted in"), "WordPress footer: category and tag line"),
    (re.compile(r"^(Leave a comment|Bookmark the permalink)"), "WordPress footer: comment link"),
]
AVATAR_RE = re.compile(r"^\S.*'s avatar$|^\S.*’s avatar$")
ABOUT_RE = re.compile(r"^About (?P<handle>\S+)$")
MARKERS_RE = re.compile(r"^(This entry was posted in|Leave a comment$|Bookmark the permalink)")
GLUED_LABEL_RE = re.compile(r"^(?P<label>download|image|img|photo|screenshot)\d*(?=[A-Z“\"‘'])")


def detect(lines: list[str]) -> bool:
    """An avatar label or a WordPress footer line."""
    stripped = [clean_line(x) for x in lines]
    return any(AVATAR_RE.match(s) or MARKERS_RE.match(s) for s in stripped)


def segment(name: str, lines: list[str], fmt: str) -> tuple[list[RawPost], list[LineRecord]]:
    """One WordPress post: title, body (glued image label removed), footer from the avatar."""
    records = new_records(name, lines)
    stripped = [clean_line(line) for line in lines]
    tail = next(
        (i for i, s in enumerate(stripped) if AVATAR_RE.match(s) or ABOUT_RE.match(s)),
        next((i for i, s in enumerate(stripped) if MARKERS_RE.match(s)), len(lines)),
    )
    for i in range(tail, len(lines)):
        reason = next((r for p, r in FOOTER_REASONS if p.search(stripped[i])), REASON_WP_BIO)
        mark(records, [i], REMOVED, reason)
    handle = next((m["handle"] for s in stripped[tail:] if (m := ABOUT_RE.match(s))), None)
    about_bio = " ".join(
        s for i, s in enumerate(stripped[tail:], tail) if s and records[i].reason == REASON_WP_BIO
    )
    post = make_post(name, fmt, 0, list(range(tail)), lines, records)
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
        about_line = next(i for i, s in enumerate(stripped) if ABOUT_RE.match(s)) + 1
        basis = f"WordPress 'About {handle}' line {about_line} (a blog handle, not a full name)"
        post.set_author(handle, basis, "medium")
        post.metadata_basis.append(basis)
        post.about = about_bio or None
    return [post], records
