"""What a page says about itself: bylines, dates, bios, captions, sign-offs.

These parsers work on single lines and are used wherever such a line occurs in the head
of a page (before the first paragraph of body text) or, for bios and sign-offs, at its
end. A name line counts as a byline only with corroboration: "By <Name>", a date line
next to it, or the same name in a bio or caption of the page (a title in Title Case
looks like a name on its own).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from helpers.ingest.model import clean_line, count_words
from helpers.textnorm import fold_quotes

NAME_PART = r"[A-Z][a-zA-Z'’\-]+"
NAME_RE = re.compile(rf"^{NAME_PART}(?: (?:[A-Z]\. )?{NAME_PART}){{1,3}}$")
BY_RE = re.compile(
    rf"^(?:[Bb]y|[Ww]ritten by|[Pp]osted by|[Aa]uthor:?)\s+"
    rf"(?P<name>{NAME_PART}(?: (?:[A-Z]\. )?{NAME_PART}){{1,3}})"
    r"(?:\s*(?:[,|•·–-]|\bon\b)\s*(?P<rest>.*))?$"
)
NOT_NAME_WORDS = frozenset(
    {
        "The",
        "A",
        "An",
        "Our",
        "We",
        "Why",
        "How",
        "What",
        "When",
        "Where",
        "Who",
        "This",
        "That",
        "It",
        "In",
        "On",
        "For",
        "And",
        "Of",
        "To",
        "Is",
        "Are",
        "Not",
        "No",
        "My",
        "Your",
        "Children",
        "Young",
        "People",
        "Services",
        "Care",
        "Blog",
        "Blogs",
        "News",
        "Home",
        "Council",
        "County",
        "Social",
        "Work",
        "Time",
        "Year",
        "New",
        "Making",
        "Keeping",
        "Listening",
        "Turning",
        "Everyone",
        "Happy",
        "Merry",
        "Christmas",
        "Director",
        "President",
        "ADCS",
        "Tags",
        "Related",
        "Next",
        "Upcoming",
        "Event",
    }
)
DATE_PREFIX_RE = re.compile(
    r"^(?:posted|published|(?:last )?updated|(?:last )?modified|amended|first published|date)"
    r"(?: on)?\s*:?\s*",
    re.I,
)
READING_TIME_SUFFIX_RE = re.compile(r"\s*[|•·,–-]?\s*\d+\s*mins?(?:utes?)? read\b.*$", re.I)
TIME_SUFFIX_RE = re.compile(r",?\s*(?:at\s*)?\d{1,2}[:.]\d{2}\s*(?:am|pm|AM|PM|BST|GMT)?$")
DATE_FORMATS = (
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%A %d %B, %Y",
    "%B %d, %Y",
    "%A, %B %d, %Y",
    "%A %B %d, %Y",
    "%A %B %d %Y",
    "%A %d %B %Y",
    "%A, %d %B %Y",
    "%A %d %B, %Y",
    "%d %B %Y",
    "%d %B, %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%a %d %b %Y",
    "%a, %d %b %Y",
    "%A, %d %b %Y",
    "%Y-%m-%d",
)
BIO_RE = re.compile(
    rf"^(?P<name>{NAME_PART}(?: {NAME_PART}){{1,3}}) is (?:an? |the )?(?P<rest>.+)$"
)
BIO_ROLE_WORDS = re.compile(
    r"\b(director|DCS|president|vice-president|chair|member|chief|head|ADCS|council|officer|"
    r"manager|principal|consultant|commissioner|professor|lecturer|journalist|writer|"
    r"adviser|advisor|retired|former|trustee|foster carer|campaigner|founder|researcher)\b",
    re.I,
)
SIGNOFF_ROLE_RE = re.compile(
    r"^(?:.*\b(?:Director|DCS|President|Vice[- ]President|Assistant Director|Chair|Head of)\b.*|"
    r".*\b(?:County Council|City Council|Borough Council)\b.*)$",
    re.I,
)
SELF_AUTHORITY_RES = [
    re.compile(
        r"\b(?:[Aa]s|being|I am|I’m|I'm) (?:the )?(?:DCS|(?i:director (?:of|for) children['’]?s "
        r"services)) (?:in|for|at|of) "
        r"(?P<la>[A-Z][\w’']+(?:(?: and| of| upon)? [A-Z][\w’']+)*)"
    ),
    re.compile(r"\b[Mm]y own authority, in (?P<la>[A-Z][\w’']+(?: [A-Z][\w’']+)*)"),
    re.compile(r"\b[Hh]ere in (?P<la>[A-Z][\w’']+(?: [A-Z][\w’']+)*) [Cc]ounty [Cc]ouncil"),
]


def parse_date_line(line: str) -> date | None:
    """Parse a byline date line ('Monday, January 30, 2023', 'Posted on 12 March 2024')."""
    candidate = DATE_PREFIX_RE.sub("", clean_line(line)).rstrip(".")
    candidate = READING_TIME_SUFFIX_RE.sub("", candidate)
    candidate = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", candidate)
    candidate = re.sub(r"\s+", " ", candidate)
    if re.search(r"\d{4}", candidate):  # a time after a full date ('12 March 2024 09:00')
        candidate = TIME_SUFFIX_RE.sub("", candidate).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    return None


def is_name(line: str) -> bool:
    """A person's name on its own line (two to four capitalised words, no title words)."""
    text = clean_line(line)
    if not NAME_RE.match(text):
        return False
    return not any(w.strip("'’") in NOT_NAME_WORDS for w in text.split())


UPDATED_RE = re.compile(r"^(?:last )?(?:updated|modified|amended)\b", re.I)
VALEDICTION_RE = re.compile(
    r"^(?:(?:with )?(?:very )?(?:best|kind|warm|warmest)(?: wishes| regards)|best|regards|"
    r"(?:many )?thanks|thank you|yours(?: sincerely| faithfully| truly)?|all the best|"
    r"take care)[,.!]?$",
    re.I,
)


def is_update_line(line: str) -> bool:
    """'Updated 4 March 2026': the date a page was changed, not its publication date."""
    text = clean_line(line)
    return bool(UPDATED_RE.match(text)) and parse_date_line(text) is not None


def by_line_role(line: str) -> dict[str, str] | None:
    """The role and authority after the name in 'By Jo Bloggs, Director of Children's
    Services, Anytown Council' (None when the rest of the line is not a role)."""
    match = BY_RE.match(clean_line(line))
    if not match or not match["rest"] or parse_date_line(match["rest"]) is not None:
        return None
    rest = match["rest"].strip()
    if not SIGNOFF_ROLE_RE.match(rest):
        return None
    role, authority = _split_role(rest)
    return {"author": match["name"], "role": role, "authority": authority}


def parse_by_line(line: str) -> tuple[str, date | None] | None:
    """'By Jane Smith' or 'By Jane Smith | 12 March 2024' -> (name, date or None)."""
    match = BY_RE.match(clean_line(line))
    if not match or not is_name(match["name"]):
        return None
    when = parse_date_line(match["rest"]) if match["rest"] else None
    too_long = count_words(match["rest"] or "") > 20
    a_role = bool(match["rest"]) and SIGNOFF_ROLE_RE.match(match["rest"].strip()) is not None
    if (
        match["rest"]
        and when is None
        and count_words(match["rest"]) > 8
        and (too_long or not a_role)
    ):
        return None
    return match["name"], when


def parse_bio(line: str) -> dict[str, str] | None:
    """Parse 'Name is <role> at/in <authority>...' into author, role and authority.

    Returns None unless the line looks like an author bio (a name, ' is ', and a
    role word such as director, DCS, president, chair or member). A trailing
    picture credit ('Picture: ADCS') is ignored.
    """
    text = re.split(r"\s*\(?\b(?:Picture|Photo|Image|Credit)(?: credit)?:\s", clean_line(line))[0]
    match = BIO_RE.match(text)
    if not match or not BIO_ROLE_WORDS.search(match["rest"]) or count_words(text) > 60:
        return None
    if not is_name(match["name"]):
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


def parse_signoff(lines: list[str]) -> dict[str, str] | None:
    """A sign-off closing a post: a name line, optionally followed by a role line,
    or 'Name, Director of Children's Services, Anyshire County Council' on one line."""
    texts = [clean_line(t) for t in lines if clean_line(t)]
    if not texts:
        return None
    if len(texts) == 2 and is_name(texts[0]) and SIGNOFF_ROLE_RE.match(texts[1]):
        role, authority = _split_role(texts[1])
        return {"author": texts[0], "role": role, "authority": authority}
    if len(texts) == 1:
        parts = [p.strip() for p in texts[0].split(",")]
        if len(parts) >= 2 and is_name(parts[0]) and SIGNOFF_ROLE_RE.match(", ".join(parts[1:])):
            role, authority = _split_role(", ".join(parts[1:]))
            return {"author": parts[0], "role": role, "authority": authority}
    return None


def _split_role(text: str) -> tuple[str, str]:
    parts = [p.strip() for p in re.split(r",\s*", text) if p.strip()]
    if len(parts) >= 2 and re.search(r"Council|Borough|County|City|Trust", parts[-1]):
        return ", ".join(parts[:-1]), parts[-1]
    found = re.search(r"\b(?:at|in|for) (?P<la>[A-Z][\w’'&\-]+(?: [A-Z][\w’'&\-]+)*)$", text)
    if found:
        return text[: found.start()].rstrip(" ,"), found["la"]
    return text, ""


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


def same_name(a: str, b: str) -> bool:
    """Names equal up to quotes and case."""
    return fold_quotes(a).casefold() == fold_quotes(b).casefold()
