"""Saved web pages (``.html``, ``.htm``, or HTML saved under ``.txt``).

The main text, title, author and site name are extracted with trafilatura (precision
mode, no comments, no tables of links), the publication date with htmldate from the
page's own markup only (``extensive_search=False``: meta tags, ``<time>`` elements,
structured data; never a year in the footer). The extracted text then goes through the
same line audit as any single-post page (``formats.page.segment_page``), so navigation,
captions, reading-time lines or paywall text that the extractor kept are still removed.
Line numbers of a web page refer to the lines of the extracted text.

Both libraries work offline on the page's text (nothing is fetched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from helpers.ingest.formats.page import apply_bio, segment_page
from helpers.ingest.head import parse_bio
from helpers.ingest.model import LineRecord, RawPost

HTML_RE = re.compile(r"<!DOCTYPE\s+html|<html[\s>]|<body[\s>]|<head[\s>]", re.I)
SOURCE_BY_SITE: tuple[tuple[str, str], ...] = (
    ("cypnow", "CYP Now"),
    ("children & young people now", "CYP Now"),
    ("children and young people now", "CYP Now"),
    ("adcs", "ADCS blog"),
    ("association of directors of children", "ADCS blog"),
    ("wordpress", "Personal blog"),
)


def looks_like_html(text: str) -> bool:
    """HTML markup in the first few kilobytes (a page saved as .txt is HTML too)."""
    head = text[:4000]
    return bool(HTML_RE.search(head)) or head.count("</p>") + head.count("</div>") >= 5


@dataclass
class Extracted:
    """What the extractor found in a page."""

    lines: list[str]
    title: str | None
    author: str | None
    published: date | None
    site: str | None
    captions: list[str]


def _figcaptions(html: str) -> list[str]:
    """Text of the page's ``<figcaption>`` elements (the extractor leaves them out)."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    texts = (" ".join(e.text_content().split()) for e in tree.iter("figcaption"))
    return [t for t in texts if t]


def extract(html: str) -> Extracted:
    """Main text (one line per paragraph, blank lines between), title, author, date, site."""
    import htmldate
    import trafilatura

    tree = trafilatura.load_html(html)  # parsed here: a string is never taken for a URL
    if tree is None:
        return Extracted([], None, None, None, None, [])
    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_links=False,
        favor_precision=True,
    )
    if document is None:
        return Extracted([], None, None, None, None, [])
    meta = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = meta.get("text") or ""
    lines: list[str] = []
    for paragraph in text.splitlines():
        if paragraph.strip():
            lines += [paragraph.strip(), ""]
    captions = _figcaptions(html)
    found = htmldate.find_date(
        trafilatura.load_html(html), extensive_search=False, original_date=True
    )
    published = date.fromisoformat(found) if found else None
    site = " ".join(str(meta.get(k) or "") for k in ("sitename", "hostname", "url")).strip()
    return Extracted(
        lines, meta.get("title"), meta.get("author"), published, site or None, captions
    )


TITLE_SUFFIX_RE = re.compile(r"\s+(?:\||–|—|-|::)\s+(?P<suffix>[^|–—]{2,60})$")


def clean_title(title: str | None, site: str | None = None) -> str | None:
    """A page title without a trailing site name ('Keeping faith | CYP Now' -> 'Keeping faith').

    The suffix is dropped only when it names the page's site (its site name or address) or
    a known source; a dash inside a real title stays."""
    if not title:
        return None
    title = title.strip()
    match = TITLE_SUFFIX_RE.search(title)
    if match is None:
        return title
    suffix = match["suffix"].strip().casefold()
    known = [key for key, _ in SOURCE_BY_SITE] + ["cyp now"]
    site_text = (site or "").casefold()
    if (suffix and suffix in site_text) or any(key in suffix for key in known):
        return title[: match.start()].strip() or title
    return title


def source_for_site(site: str | None) -> str | None:
    """The corpus source named by a page's site name or address, if known."""
    lowered = (site or "").lower()
    return next((source for key, source in SOURCE_BY_SITE if key in lowered), None)


def segment(name: str, html: str) -> tuple[list[RawPost], list[LineRecord], list[str]]:
    """Extract a web page and audit its lines like any single-post page.

    Returns the posts, the line records and the extracted lines they number."""
    page = extract(html)
    lines = list(page.lines)
    title = clean_title(page.title, page.site)
    first = lines[0].strip().casefold() if lines else ""
    if title and not (first and (first in title.casefold() or title.casefold() in first)):
        lines = [title, "", *lines]
    posts, records = segment_page(name, lines, "web_page")
    for post in posts:
        for caption in page.captions:
            post.captions.append(caption)
            bio = parse_bio(caption)
            if bio is not None:
                apply_bio(post, bio, "web page picture caption (<figcaption>)")
        if page.author and post.author is None:
            basis = "web page metadata: author (trafilatura)"
            post.set_author(page.author, basis, "medium")
            post.metadata_basis.append(basis)
        if page.published and post.byline_date is None:
            post.byline_date = page.published
            post.metadata_basis.append("web page metadata: publication date (htmldate)")
        post.site = page.site
    return posts, records, lines
