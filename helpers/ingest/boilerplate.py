"""Page furniture recognised by what it is, wherever it occurs in a page.

``classify_line`` names the kind of furniture a line is (or returns None for text):
navigation, reading-time lines, picture captions, paywall blocks, related-links
headers, adverts (including job adverts and newsletter sign-ups), cookie notices, share
buttons, comments sections, site footers and the ADCS upcoming-event widget. The rules
look at the line alone and are narrow: whole short lines from fixed vocabularies, or a
pattern that ordinary prose does not contain ("4 mins read", "Picture: ADCS",
"£35,000 - £40,000 per annum"). ``starts_tail`` says whether a line opens a block that
runs to the end of a page (paywall, related links, job adverts, comments, site footer).
"""

from __future__ import annotations

import re

from helpers.ingest.model import (
    REASON_ADCS_HEADER,
    REASON_ADVERT,
    REASON_CAPTION,
    REASON_COMMENTS,
    REASON_COOKIE,
    REASON_FOOTER,
    REASON_NAVIGATION,
    REASON_PAYWALL,
    REASON_READING_TIME,
    REASON_RELATED,
    REASON_SHARE,
    clean_line,
    count_words,
)
from helpers.textnorm import fold_quotes


def _words(*items: str) -> frozenset[str]:
    return frozenset(i.lower() for i in items)


NAVIGATION_WORDS = _words(
    "Home",
    "Blog",
    "Blogs",
    "News",
    "Opinion",
    "Comment",
    "Comments",
    "Features",
    "Feature",
    "Analysis",
    "Columns",
    "Column",
    "Columnists",
    "Insight",
    "Menu",
    "Search",
    "Sign in",
    "Log in",
    "Login",
    "Log out",
    "My account",
    "Skip to content",
    "Skip to main content",
    "Back to top",
    "Previous post",
    "Next post",
    "Previous article",
    "Next article",
    "Print",
    "Topics",
    "Policy",
    "Practice",
    "Events",
    "Resources",
    "Publications",
    "About us",
    "Contact us",
    "Newsletter",
    "Main menu",
    "Close",
    "Open menu",
    "The ADCS Blog",
)
SHARE_WORDS = _words(
    "Share",
    "Share this",
    "Share this article",
    "Share this page",
    "Share on Twitter",
    "Share on Facebook",
    "Share on LinkedIn",
    "Tweet",
    "Email",
    "Facebook",
    "Twitter",
    "X",
    "LinkedIn",
    "WhatsApp",
    "Copy link",
    "Print this page",
    "Share via email",
)
RELATED_HEADERS = _words(
    "More like this",
    "Related articles",
    "Related content",
    "Related posts",
    "Related",
    "Related Blog Articles",
    "You may also like",
    "You might also like",
    "Most read",
    "Most popular",
    "Recommended",
    "Recommended for you",
    "Also in this section",
    "Read more",
    "Read next",
    "Further reading",
    "Latest news",
    "Latest articles",
    "Popular articles",
)
ADVERT_HEADERS = _words(
    "Advertisement",
    "Advert",
    "Sponsored",
    "Sponsored content",
    "Promoted",
    "Jobs",
    "Latest jobs",
    "Featured jobs",
    "Jobs of the week",
    "Job of the week",
    "Top jobs",
    "CYP Now Jobs",
    "Find a job",
    "More jobs",
    "View all jobs",
    "Search jobs",
    "Apply now",
    "View job",
    "Partner content",
)
FOOTER_LINES = _words(
    "Terms and conditions",
    "Terms & conditions",
    "Terms of use",
    "Privacy policy",
    "Privacy notice",
    "Accessibility",
    "Accessibility statement",
    "Sitemap",
    "Site map",
    "Contact us",
    "About us",
    "Modern slavery statement",
    "Follow us",
    "Back to top",
)
FOOTER_RE = re.compile(r"^(?:©|\(c\)\s|Copyright\b)|\bAll rights reserved\b", re.I)
COMMENT_HEADERS = _words(
    "Comments",
    "Leave a reply",
    "Add a comment",
    "Post a comment",
    "Join the discussion",
    "Comments are closed",
    "Comments are closed.",
    "Have your say",
    "Reader comments",
)
COMMENT_COUNT_RE = re.compile(r"^\d+ (?:comments?|responses?|replies)$", re.I)
NEWSLETTER_RE = re.compile(
    r"^(?:(?:sign up|subscribe|register) (?:to|for)|join) (?:our|the) (?:\w+ )?"
    r"(?:newsletters?|mailing list|e-?bulletins?|e-?news)\b",
    re.I,
)
FOLLOW_RE = re.compile(r"^follow (?:us|ADCS|CYP Now)(?: on [\w ]{1,20})?$", re.I)
EVENT_WIDGET_LINES = _words("Next Upcoming Event", "Upcoming Event", "Upcoming events")
EVENT_WIDGET_DATE_RE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{2} \d{1,2}:\d{2}$")
PAYWALL_STARTS = (
    "CYP Now Digital membership",
    "Register Now to Continue Reading",
    "CYP Now Magazine",
    "To continue reading",
    "Continue reading this article",
    "This article is available to",
    "Subscribe to continue reading",
    "Already have an account?",
    "Already a subscriber?",
    "Already a member?",
    "Get unlimited access",
    "Become a member",
    "Register to continue",
    "Sign in to continue",
    "Want to read more?",
    "Already registered?",
    "Register for free",
    "Register now for free",
    "Subscribe now",
    "Thank you for visiting Children & Young People Now",
    "Sign in to continue reading",
)
PAYWALL_LINES = _words(
    "Subscribe",
    "Register",
    "Register Now",
    "Subscribe now",
    "Sign in here",
    "Join now",
    "Login/Register",
    "Sign in / Register",
    "Already have an account? Sign in here",
)
READING_TIME_RE = re.compile(
    r"^(?:reading time:?\s*)?\d+\s*(?:mins?|minutes?)(?:\s+read\b|\s*$)", re.I
)
CAPTION_RE = re.compile(r"(?:^|[\s(])(?:Picture|Photo|Photograph|Image|Credit)(?: credit)?:\s")
COOKIE_RE = re.compile(r"\bcookies?\b", re.I)
COOKIE_CONTEXT_RE = re.compile(
    r"\b(accept|consent|preferences|settings|we use|this (?:web)?site uses|privacy|"
    r"reject|necessary|analytics|manage|allow|agree|continuing to (?:use|browse))\b",
    re.I,
)
COOKIE_LINES = _words(
    "Accept",
    "Accept all",
    "Reject all",
    "Reject",
    "Manage preferences",
    "Manage cookies",
    "Cookie settings",
    "Cookie policy",
    "Allow all",
    "Allow selection",
    "Necessary only",
    "Save preferences",
    "I agree",
    "Agree",
    "OK",
    "Got it",
    "Strictly necessary",
    "Performance cookies",
    "Functional cookies",
    "Targeting cookies",
)
SALARY_RE = re.compile(
    r"£\s?\d[\d,.]*k?\s*(?:-|–|to)\s*£?\s?\d[\d,.]*k?\b.{0,30}?"
    r"(?:per annum|p\.?\s?a\.?|per hour|an hour|a year|per day|pro rata|FTE)",
    re.I,
)
JOB_LINE_RE = re.compile(r"^(?:Closing date|Salary|Location|Recruiter|Job type|Contract)\s*:", re.I)
BREADCRUMB_RE = re.compile(r"^\S.{0,60}?\s(?:>|»|›|/|\|)\s\S")
PRICE_RE = re.compile(r"^From £\d+(?:\.\d\d)?\s*/\s*(?:month|year|week)", re.I)

# The name of one of the two sites (a masthead or logo line, or the company line of a
# site footer): never a title, never text.
SITE_NAME_LINES = _words(
    "Children & Young People Now",
    "Children and Young People Now",
    "CYP Now",
    "CYPNow",
    "ADCS",
    "The ADCS",
    "Association of Directors of Children's Services",
    "The Association of Directors of Children's Services",
    "Association of Directors of Children's Services Ltd",
)
# A paywall or registration prompt in any wording: a short line that asks the reader to
# subscribe, register or sign in (or offers unlimited access) and says what for.
PAYWALL_ASK_RE = re.compile(
    r"\b(?:subscrib\w*|subscriptions?|register\w*|registration|sign in|sign up|log in|"
    r"free account|create an account|unlock|unlimited access|free articles?|members?hip)\b",
    re.I,
)
PAYWALL_WHY_RE = re.compile(
    r"\b(?:continue reading|keep reading|read (?:more|on|the full|this|the rest)|"
    r"full (?:story|article)|rest of (?:this|the) (?:article|story)|unlimited|"
    r"free articles?|articles? (?:a|per|each) month|subscriber-only|subscribers only|"
    r"this article|premium|full access|access to (?:all|every|our|the full)|£\s?\d)",
    re.I,
)
MAX_PAYWALL_WORDS = 40
# "Share this post", "Share: Facebook LinkedIn Email": a share bar in any wording.
SHARE_BAR_WORDS = SHARE_WORDS | _words(
    "this",
    "post",
    "article",
    "page",
    "story",
    "blog",
    "on",
    "via",
    "with",
    "a",
    "the",
    "friend",
    "colleague",
    "bluesky",
    "threads",
    "instagram",
    "reddit",
    "link",
)
# Links back to a listing: "Back to all blog posts", "View all news", "More from The ADCS Blog".
BACK_LINK_RE = re.compile(
    r"^(?:back to|return to|see all|view all|browse all|all)\s+(?:the\s+|all\s+|our\s+)?"
    r"(?:[\w’'&-]+\s+){0,2}(?:posts?|blogs?|articles?|news|stories|opinion|columns?|"
    r"features?|home\s?page|home|jobs|events|publications)$",
    re.I,
)
# Headers of lists of other pages: "Latest blog posts", "Other stories", "More from X".
RELATED_HEADER_RE = re.compile(
    r"^(?:(?:latest|recent|more|other|related|popular|trending|similar|top|further|"
    r"most (?:read|popular|viewed|shared))\s+(?:[\w’'&-]+\s+){0,2}"
    r"(?:posts?|articles?|news|stories|blogs?|reads|content|items|features|opinion|columns?)"
    r"|more from .{1,50}|read next|read more (?:on|about|from|in) [^.?!]{1,40}"
    r"|(?:you|readers) (?:may|might) also (?:like|enjoy|be interested in).*)$",
    re.I,
)
# Tag or topic lists: a header line followed by short tag lines, or all on one line.
TAGS_HEADERS = _words(
    "Topics",
    "Tags",
    "Tagged",
    "Related topics",
    "Filed under",
    "Categories",
    "Category",
    "Subjects",
    "Keywords",
    "Posted in",
    "Tags assigned to this article",
)
TAGS_LINE_RE = re.compile(
    r"^(?:(?:Topics|Tags|Related topics|Categories|Category|Keywords|Subjects)\s*:"
    r"|(?:Tagged(?: with)?|Filed under|Posted in)\b:?)\s*\S.*[^.?!]$"
)
MAX_TAG_WORDS = 6
# Site-footer lines: a postal address with a UK postcode, company or charity registration,
# a company name ending in Ltd/Limited/plc.
POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b")
REGISTRATION_RE = re.compile(
    r"\b(?:registered (?:in England|office|charity|company|address)|company (?:no|number|"
    r"registration)|charity (?:no|number)|VAT (?:no|number|registration)|"
    r"registered number)\b",
    re.I,
)
COMPANY_LINE_RE = re.compile(
    r"^[A-Z][\w’'&.\-]*,?(?:\s(?:[A-Z][\w’'&.\-]*,?|of|and|for|the|&))*\s(?:Ltd|Limited|plc|PLC|LLP)\.?$"
)
"""A company name on its own line: capitalised words (and 'of', 'and' ...) ending in Ltd."""
MAX_SITE_FOOTER_WORDS = 15


MAX_FURNITURE_WORDS = 80
"""Longer lines are running text: no furniture rule applies to them."""
MAX_JOB_AD_WORDS = 25
"""A salary range marks a job advert only on a short line (a post may discuss pay)."""


def site_named(text: str) -> bool:
    """A line that is nothing but the name of one of the sites (a masthead or logo)."""
    return fold_quotes(clean_line(text)).lower().rstrip(":").strip() in SITE_NAME_LINES


def _paywall(text: str, lower: str, n_words: int) -> bool:
    """A subscription or registration prompt (fixed phrases, or an ask and its reason)."""
    if text.startswith(PAYWALL_STARTS) or lower in PAYWALL_LINES or PRICE_RE.match(text):
        return True
    return (
        n_words <= MAX_PAYWALL_WORDS
        and PAYWALL_ASK_RE.search(text) is not None
        and PAYWALL_WHY_RE.search(text) is not None
    )


def _share_bar(text: str, lower: str) -> bool:
    if lower in SHARE_WORDS or FOLLOW_RE.match(text):
        return True
    words = re.findall(r"[\w’']+", lower)
    return (
        bool(words)
        and words[0] in ("share", "tweet")
        and len(words) <= 8
        and all(w in SHARE_BAR_WORDS for w in words)
    )


def _site_footer(text: str, n_words: int) -> bool:
    """Copyright, address, registration or company-name line of a site footer."""
    if FOOTER_RE.search(text) and n_words <= 30:
        return True
    if n_words > MAX_SITE_FOOTER_WORDS or text.endswith((".", "?", "!")) and n_words > 6:
        return False
    return bool(
        POSTCODE_RE.search(text) or REGISTRATION_RE.search(text) or COMPANY_LINE_RE.match(text)
    )


def is_tags_header(line: str) -> bool:
    """A header of a list of tags or topics ('Topics', 'Tags:'); its short lines follow."""
    return clean_line(line).lower().rstrip(":") in TAGS_HEADERS


def is_tag_line(line: str) -> bool:
    """A short label under a tags header (no sentence)."""
    text = clean_line(line)
    return 0 < count_words(text) <= MAX_TAG_WORDS and not text.endswith((".", "?", "!"))


def classify_line(line: str) -> str | None:
    """Name the kind of page furniture ``line`` is (a reason string), or None for text."""
    text = clean_line(line)
    if not text:
        return None
    lower = text.lower().rstrip(":")
    n_words = count_words(text)
    if n_words > MAX_FURNITURE_WORDS:  # a paragraph of running text is never furniture
        return None
    if lower in COOKIE_LINES:
        return REASON_COOKIE
    if COOKIE_RE.search(text) and COOKIE_CONTEXT_RE.search(text) and n_words <= 80:
        return REASON_COOKIE
    if READING_TIME_RE.match(text):
        return REASON_READING_TIME
    if CAPTION_RE.search(text) and n_words <= 80:
        return REASON_CAPTION
    if _paywall(text, lower, n_words):
        return REASON_PAYWALL
    if lower in RELATED_HEADERS or (n_words <= 10 and RELATED_HEADER_RE.match(text)):
        return REASON_RELATED
    if lower in ADVERT_HEADERS or JOB_LINE_RE.match(text):
        return REASON_ADVERT
    if n_words <= MAX_JOB_AD_WORDS and SALARY_RE.search(text):
        return REASON_ADVERT
    if lower in COMMENT_HEADERS or COMMENT_COUNT_RE.match(text):
        return REASON_COMMENTS
    if NEWSLETTER_RE.match(text) and n_words <= 25:
        return REASON_ADVERT
    if lower in FOOTER_LINES or _site_footer(text, n_words):
        return REASON_FOOTER
    if lower in EVENT_WIDGET_LINES or EVENT_WIDGET_DATE_RE.match(text):
        return REASON_ADCS_HEADER
    if _share_bar(text, lower):
        return REASON_SHARE
    if lower in NAVIGATION_WORDS or site_named(text) or lower in TAGS_HEADERS:
        return REASON_NAVIGATION
    if n_words <= 10 and (BACK_LINK_RE.match(text) or TAGS_LINE_RE.match(text)):
        return REASON_NAVIGATION
    if n_words <= 8 and BREADCRUMB_RE.match(text) and not text.endswith((".", "?", "!")):
        parts = re.split(r"\s(?:>|»|›|/|\|)\s", text)
        known = [p.strip().lower() in NAVIGATION_WORDS for p in parts]
        if any(known) and all(k or count_words(p) <= 3 for k, p in zip(known, parts, strict=True)):
            return REASON_NAVIGATION
    return None


def starts_tail(line: str, generic: bool = True) -> str | None:
    """The reason of a block that runs to the end of the page, if ``line`` opens one.

    With ``generic=False`` only fixed phrases count ('More like this', 'Register Now to
    Continue Reading'); the patterns for other wordings (a prompt to subscribe, 'Latest
    blog posts', 'Read more on SEND') open the tail only where no paragraph of text
    follows them (``formats.page`` checks that)."""
    text = clean_line(line)
    lower = text.lower().rstrip(":")
    n_words = count_words(text)
    if text.startswith(PAYWALL_STARTS) or (
        generic
        and lower not in PAYWALL_LINES
        and n_words <= MAX_FURNITURE_WORDS
        and _paywall(text, lower, n_words)
    ):
        return REASON_PAYWALL
    if lower in RELATED_HEADERS or (generic and n_words <= 10 and RELATED_HEADER_RE.match(text)):
        return REASON_RELATED
    if lower in ADVERT_HEADERS and lower not in ("advertisement", "advert"):
        return REASON_ADVERT
    if lower in COMMENT_HEADERS or COMMENT_COUNT_RE.match(text):
        return REASON_COMMENTS
    if FOOTER_RE.search(text) and n_words <= 30 or (generic and _site_footer(text, n_words)):
        return REASON_FOOTER
    return None


def is_block_header(line: str) -> str | None:
    """The reason of a related-links, advert or comments header line (a list follows it)."""
    text = clean_line(line)
    lower = text.lower().rstrip(":")
    if lower in RELATED_HEADERS or (count_words(text) <= 10 and RELATED_HEADER_RE.match(text)):
        return REASON_RELATED
    if lower in ADVERT_HEADERS and lower not in ("advertisement", "advert"):
        return REASON_ADVERT
    if lower in COMMENT_HEADERS:
        return REASON_COMMENTS
    if lower in TAGS_HEADERS:
        return REASON_NAVIGATION
    return None
