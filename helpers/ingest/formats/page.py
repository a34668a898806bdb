"""Single-post pages: the CYP Now column (old and newer layouts), plain files, unknown files.

One line audit serves them all (``segment_page``):

1. every line is classified on its own (``boilerplate.classify_line``): navigation,
   reading-time lines, captions, cookie notices, share buttons, adverts, paywall lines;
2. a paywall, related-links or job-advert header that follows body text opens the page's
   tail, and every line from it to the end is removed (with the reason of its block);
3. the *head* (the lines before the first paragraph of body text, or up to the last
   byline-like line among the first ``HEAD_SEARCH_LINES`` lines of text, since a
   standfirst may come first) is searched for a byline: "By <Name>" (with an optional
   date or role), "..., writes <Name>", "<Name>, <role>", a date line, and a name line
   corroborated by a date line next to it or by a bio or caption naming the same person;
   these become ``metadata`` lines; a related-links list in the head is removed with its
   header;
4. one- or two-word labels stacked above the title (menu items, kickers) are removed;
   the first remaining head line that looks like a title is the title (navigation lines
   were removed in step 1, so a breadcrumb never becomes a title); the rest is body;
5. captions carrying a bio ("<Name> is ... Picture: ADCS"), a closing bio line and a
   closing sign-off give the author, role and authority.
"""

from __future__ import annotations

import re

from helpers.ingest.boilerplate import (
    classify_line,
    is_block_header,
    is_tag_line,
    is_tags_header,
    site_named,
    starts_tail,
)
from helpers.ingest.head import (
    NAME_PART,
    VALEDICTION_RE,
    by_line_role,
    is_name,
    is_update_line,
    parse_bio,
    parse_by_line,
    parse_date_line,
    parse_signoff,
    same_name,
)
from helpers.ingest.model import (
    METADATA,
    REASON_BIO,
    REASON_BYLINE_AUTHOR,
    REASON_BYLINE_DATE,
    REASON_CAPTION,
    REASON_CAPTION_BIO,
    REASON_NAVIGATION,
    REASON_SECTION_LABEL,
    REASON_SIGNOFF,
    REASON_UPDATE_DATE,
    REMOVED,
    LineRecord,
    RawPost,
    clean_line,
    count_words,
    looks_like_title,
    make_post,
    mark,
    new_records,
)

MIN_BODY_WORDS = 20
"""A line of at least this many words (or a sentence of at least 8 words) is body text:
the head of a page ends at the first such line."""


def is_body_like(text: str) -> bool:
    """A paragraph of running text, not a heading, name, date or label."""
    n = count_words(text)
    return n >= MIN_BODY_WORDS or (n >= 8 and text.rstrip("”\"’')").endswith((".", "!", "?")))


HEAD_SEARCH_LINES = 10
"""How many lines of text at the top of a page are searched for byline lines."""
WRITES_RE = re.compile(
    rf"(?:^|[,.;:]\s+|\s[–—-]\s)writes (?P<name>{NAME_PART}(?: {NAME_PART}){{1,3}})\.?$"
)


MAX_HEAD_BIO_WORDS = 40


def _short_bio(text: str) -> bool:
    """An author bio line short enough to sit in a page head ('Jo Bloggs is DCS at ...')."""
    return count_words(text) <= MAX_HEAD_BIO_WORDS and parse_bio(text) is not None


def _byline_like(text: str) -> bool:
    """A line that is a byline on its own: a date line, 'By <Name>', '..., writes <Name>'."""
    return (
        parse_date_line(text) is not None
        or parse_by_line(text) is not None
        or bool(WRITES_RE.search(text))
    )


def apply_bio(post: RawPost, bio: dict[str, str], basis: str, confidence: str = "high") -> None:
    """Record what a bio, caption or sign-off says about the author."""
    post.set_author(bio["author"], basis, confidence)
    if post.author and same_name(post.author, bio["author"]):
        post.role = post.role or bio.get("role") or None
        post.authority = post.authority or bio.get("authority") or None
    post.metadata_basis.append(basis)


def strip_closing_metadata(post: RawPost, records: list[LineRecord]) -> None:
    """Remove a closing author bio line or sign-off, keeping what it says."""
    if len(post.paragraphs) < 2:
        return
    line_no, text = post.paragraphs[-1]
    bio = parse_bio(text)
    if bio is not None:
        post.paragraphs.pop()
        mark(records, [line_no - 1], REMOVED, REASON_BIO)
        post.last_line = line_no
        apply_bio(post, bio, f"bio line {line_no}")
        return
    for size in (2, 1):
        if len(post.paragraphs) <= size:
            continue
        tail = post.paragraphs[-size:]
        if size == 2 and tail[1][0] != tail[0][0] + 1:
            continue  # a two-line sign-off is two adjacent lines
        signoff = parse_signoff([t for _, t in tail])
        if signoff is not None:
            del post.paragraphs[-size:]
            if len(post.paragraphs) > 1 and VALEDICTION_RE.match(post.paragraphs[-1][1]):
                tail = [post.paragraphs.pop(), *tail]  # 'With best wishes,' before the name
            mark(records, [n - 1 for n, _ in tail], METADATA, REASON_SIGNOFF)
            post.last_line = tail[-1][0]
            first = tail[0][0]
            where = f"line {first}" if len(tail) == 1 else f"lines {first}-{tail[-1][0]}"
            apply_bio(post, signoff, f"sign-off {where}")
            return


def drop_section_labels(
    candidates: list[int], stripped: list[str], records: list[LineRecord]
) -> None:
    """Remove one- or two-word labels (menu items, kickers) stacked above a title.

    Among ``candidates`` (line indexes of a post's head, in order), while the first two
    unclassified lines both look like titles and the first has at most two words, the
    first is a label, not the title."""
    titles = [i for i in candidates if not records[i].status and looks_like_title(stripped[i])]
    lead = [i for i in candidates if not records[i].status]
    while len(titles) >= 2 and lead and titles[0] == lead[0] and titles[1] == lead[1]:
        if count_words(stripped[titles[0]]) > 2:
            break
        mark(records, [titles.pop(0)], REMOVED, REASON_SECTION_LABEL)
        lead.pop(0)


def segment_page(
    name: str,
    lines: list[str],
    fmt: str,
    allow_title: bool = True,
) -> tuple[list[RawPost], list[LineRecord]]:
    """Segment a page holding one post (see the module docstring)."""
    records = new_records(name, lines)
    stripped = [clean_line(line) for line in lines]
    n = len(lines)
    kinds = [classify_line(s) if s else None for s in stripped]
    first_body = next(
        (
            i
            for i in range(n)
            if kinds[i] is None and is_body_like(stripped[i]) and not _short_bio(stripped[i])
        ),
        n,
    )
    # A related-links, jobs or comments list in the head: its header and the short lines
    # right under it (up to the next blank line) are that block, not the title.
    for i in range(first_body):
        block_reason = is_block_header(stripped[i]) if stripped[i] else None
        j = i + 1
        while block_reason and j < first_body and stripped[j] and kinds[j] is None:
            kinds[j] = block_reason
            j += 1

    # A list of tags or topics anywhere before the tail: the header and the short tag
    # lines under it (up to the next blank line).
    for i in range(n):
        if stripped[i] and is_tags_header(stripped[i]):
            j = i + 1
            while j < n and stripped[j] and kinds[j] is None and is_tag_line(stripped[j]):
                kinds[j] = REASON_NAVIGATION
                j += 1

    # 2. the tail: from the first paywall/related/jobs header after body text to the end
    # A fixed phrase opens the tail; another wording only where no paragraph follows.
    def opens_tail(i: int) -> bool:
        if starts_tail(stripped[i], generic=False):
            return True
        return bool(starts_tail(stripped[i])) and not any(
            kinds[j] is None and is_body_like(stripped[j]) for j in range(i + 1, n)
        )

    tail = next((i for i in range(first_body + 1, n) if opens_tail(i)), n)
    block = None
    for i in range(tail, n):
        block = starts_tail(stripped[i]) or block
        mark(records, [i], REMOVED, kinds[i] or block)

    # 1. furniture before the tail; captions may carry the author's bio
    bios: list[tuple[int, dict[str, str]]] = []
    captions: list[str] = []
    for i in range(tail):
        if kinds[i] is None:
            continue
        reason = kinds[i]
        if reason == REASON_CAPTION:
            captions.append(stripped[i])
            bio = parse_bio(stripped[i])
            if bio is not None:
                bios.append((i, bio))
                reason = REASON_CAPTION_BIO
        mark(records, [i], REMOVED, reason)
    closing_bios = [parse_bio(s) for s in stripped[:tail] if s]
    bio_names = [b["author"] for _, b in bios] + [b["author"] for b in closing_bios if b]

    # 3. the byline in the head. The head runs to the first paragraph of body text, or
    # further to the last byline-like line among the first lines of text (a standfirst
    # sentence may come before the author and date lines).
    early = [i for i in range(tail) if stripped[i] and not records[i].status][:HEAD_SEARCH_LINES]
    bylines = [i for i in early if _byline_like(stripped[i])]
    head_end = max(first_body, bylines[-1] + 1) if bylines else first_body
    first_body = head_end
    head = [i for i in range(min(first_body, tail)) if not records[i].status]
    author: tuple[str, int] | None = None
    byline: tuple[object, int] | None = None
    head_bio: tuple[int, dict[str, str]] | None = None
    for k, i in enumerate(head):
        by = parse_by_line(stripped[i])
        if by is not None and author is None:
            author = (by[0], i)
            mark(records, [i], METADATA, REASON_BYLINE_AUTHOR)
            with_role = by_line_role(stripped[i])  # 'By Jo Bloggs, Director of ..., X Council'
            if with_role is not None:
                head_bio = (i, with_role)
            if by[1] is not None and byline is None:
                byline = (by[1], i)
            continue
        head_line_bio = parse_bio(stripped[i]) if _short_bio(stripped[i]) else None
        if head_line_bio is not None:  # an author bio in the head
            bios.append((i, head_line_bio))
            mark(records, [i], REMOVED, REASON_BIO)
            continue
        writes = WRITES_RE.search(stripped[i]) if author is None else None
        if writes is not None and is_name(writes["name"]):  # standfirst '..., writes Jane Smith'
            author = (writes["name"], i)
            mark(records, [i], METADATA, REASON_BYLINE_AUTHOR)
            continue
        if is_update_line(stripped[i]):  # 'Updated 4 March 2026': not the publication date
            mark(records, [i], METADATA, REASON_UPDATE_DATE)
            continue
        when = parse_date_line(stripped[i])
        if when is not None and byline is None:
            byline = (when, i)
            mark(records, [i], METADATA, REASON_BYLINE_DATE)
            continue
        signed = parse_signoff([stripped[i]]) if author is None else None
        if signed is not None and count_words(stripped[i]) <= 20:  # 'Jane Smith, DCS, Anyshire'
            author = (signed["author"], i)
            head_bio = (i, signed)
            mark(records, [i], METADATA, REASON_BYLINE_AUTHOR)
            continue
        if author is None and is_name(stripped[i]):
            neighbours = [head[j] for j in (k - 1, k + 1) if 0 <= j < len(head)]
            next_to_date = any(parse_date_line(stripped[j]) for j in neighbours)
            in_bio = any(same_name(stripped[i], b) for b in bio_names)
            if next_to_date or in_bio:
                author = (stripped[i], i)
                mark(records, [i], METADATA, REASON_BYLINE_AUTHOR)

    # 4. title and body; short section labels (kickers) above the title are not the title
    head_left = [i for i in range(min(first_body, tail)) if not records[i].status]
    meta_lines = [i for i in range(min(first_body, tail)) if records[i].status == METADATA]
    before_meta = [i for i in head_left if not meta_lines or i < meta_lines[0]]
    if allow_title:
        drop_section_labels(before_meta, stripped, records)
    content = [i for i in range(tail) if not records[i].status]
    title_ok = allow_title and bool(content) and content[0] < first_body
    post = make_post(name, fmt, 0, content, lines, records, allow_title=title_ok)
    if post is None or not post.paragraphs:
        if post is not None and post.title_line:  # a title with no body: keep it as body
            records[post.title_line - 1].status = ""
            post = make_post(name, fmt, 0, content, lines, records, allow_title=False)
        if post is None:
            return [], records
    if author is not None:
        post.set_author(author[0], f"byline line {author[1] + 1}", "high")
        post.metadata_basis.append(f"byline author line {author[1] + 1}")
    if byline is not None:
        post.byline_date = byline[0]  # type: ignore[assignment]
        post.metadata_basis.append(f"byline date line {byline[1] + 1}")
    for i, bio in bios:
        where = "bio line" if records[i].reason == REASON_BIO else "caption line"
        apply_bio(post, bio, f"{where} {i + 1}")
    if head_bio is not None:
        apply_bio(post, head_bio[1], f"byline line {head_bio[0] + 1}")
    post.captions = captions
    if post.site is None:  # a masthead line names the site the page was saved from
        post.site = next((s for s in stripped[:first_body] if s and site_named(s)), None)

    # 5. closing bio or sign-off
    strip_closing_metadata(post, records)
    return [post], records


def looks_plain(lines: list[str]) -> bool:
    """A plain post: its first line of text (after page furniture) looks like a title."""
    stripped = [clean_line(line) for line in lines]
    content = [s for s in stripped if s and classify_line(s) is None]
    return len(content) >= 2 and looks_like_title(content[0]) and count_words(content[0]) <= 15
