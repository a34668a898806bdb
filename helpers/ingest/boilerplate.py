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
    r"^(?:sign up|subscribe|register) (?:to|for) (?:our|the) (?:\w+ )?newsletters?\b", re.I
)
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


MAX_FURNITURE_WORDS = 80
"""Longer lines are running text: no furniture rule applies to them."""
MAX_JOB_AD_WORDS = 25
"""A salary range marks a job advert only on a short line (a post may discuss pay)."""


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
    if text.startswith(PAYWALL_STARTS) or lower in PAYWALL_LINES or PRICE_RE.match(text):
        return REASON_PAYWALL
    if lower in RELATED_HEADERS:
        return REASON_RELATED
    if lower in ADVERT_HEADERS or JOB_LINE_RE.match(text):
        return REASON_ADVERT
    if n_words <= MAX_JOB_AD_WORDS and SALARY_RE.search(text):
        return REASON_ADVERT
    if lower in COMMENT_HEADERS or COMMENT_COUNT_RE.match(text):
        return REASON_COMMENTS
    if NEWSLETTER_RE.match(text) and n_words <= 25:
        return REASON_ADVERT
    if lower in FOOTER_LINES or (FOOTER_RE.search(text) and n_words <= 30):
        return REASON_FOOTER
    if lower in EVENT_WIDGET_LINES or EVENT_WIDGET_DATE_RE.match(text):
        return REASON_ADCS_HEADER
    if lower in SHARE_WORDS:
        return REASON_SHARE
    if lower in NAVIGATION_WORDS:
        return REASON_NAVIGATION
    if n_words <= 8 and BREADCRUMB_RE.match(text) and not text.endswith((".", "?", "!")):
        parts = re.split(r"\s(?:>|»|›|/|\|)\s", text)
        known = [p.strip().lower() in NAVIGATION_WORDS for p in parts]
        if any(known) and all(k or count_words(p) <= 3 for k, p in zip(known, parts, strict=True)):
            return REASON_NAVIGATION
    return None


def starts_tail(line: str) -> str | None:
    """The reason of a block that runs to the end of the page, if ``line`` opens one."""
    text = clean_line(line)
    lower = text.lower().rstrip(":")
    if text.startswith(PAYWALL_STARTS):
        return REASON_PAYWALL
    if lower in RELATED_HEADERS:
        return REASON_RELATED
    if lower in ADVERT_HEADERS and lower not in ("advertisement", "advert"):
        return REASON_ADVERT
    if lower in COMMENT_HEADERS or COMMENT_COUNT_RE.match(text):
        return REASON_COMMENTS
    if FOOTER_RE.search(text) and count_words(text) <= 30:
        return REASON_FOOTER
    return None


def is_block_header(line: str) -> str | None:
    """The reason of a related-links, advert or comments header line (a list follows it)."""
    text = clean_line(line)
    lower = text.lower().rstrip(":")
    if lower in RELATED_HEADERS:
        return REASON_RELATED
    if lower in ADVERT_HEADERS and lower not in ("advertisement", "advert"):
        return REASON_ADVERT
    if lower in COMMENT_HEADERS:
        return REASON_COMMENTS
    return None
