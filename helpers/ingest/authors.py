"""Authors and writer roles from evidence, each with its basis; unknown stays unknown.

Evidence, strongest first (``author_confidence``):

``high``    the page names the author: a byline ("By Jane Smith", or a name line next to
            the date line), a bio line or picture caption ("Jane Smith is director of
            children's services at ..."), a sign-off closing the post;
``medium``  a web page's author metadata, a WordPress "About <handle>" box (a blog
            handle, not a full name), a first-person handover or takeover naming the
            other president ("before handing over the reins to Rachel Dickinson": her
            predecessor; "I took over from Alison Michalska as President": her
            successor), or a first-person presidential self-reference
            ("my first blog as President", "my inaugural speech as ADCS President") in a
            post whose date interval from its own text evidence lies inside one
            presidency of ``data/adcs_presidents.csv``;
``low``     the same self-reference when the date interval comes from the listing order
            only (no dating evidence in the post's own text); or a first-person statement
            of the writer's authority ("in my own authority, in East Sussex", "as the DCS
            for Hampshire") in a post whose date interval lies inside the years in which a
            person of ``data/adcs_presidents.csv`` is known to have been that authority's
            DCS (their vice-presidency and presidency).

No other rule names an author: a post whose interval spans two presidencies, or that
mentions a president in the third person, keeps an empty author.

``writer_role`` is ``dcs`` (a serving director of children's services), ``officer``
(another council or association officer: an assistant director, a director of
commissioning), ``commentator`` (someone writing about the sector from outside a
director's post: retired or former directors, associate members, consultants, personal
blogs) or ``unknown``, with ``writer_role_basis`` quoting the evidence and
``writer_role_confidence`` saying how direct it is: ``high`` when the page states the role
(byline, bio, caption, sign-off, About box), ``medium`` for a first-person self-reference in
the text ("As the DCS for ...", "my first blog as President": ADCS presidents are serving
DCSs), ``low`` for a personal blog whose About box describes its writer without any role in
children's services. A personal blog with no About box and no stated role stays ``unknown``:
the absence of a stated role is not evidence of one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from helpers.lexicons import load_lexicon
from helpers.paths import DATA_DIR
from helpers.textnorm import fold_quotes

PRESIDENTS_PATH: Path = DATA_DIR / "adcs_presidents.csv"
PRESIDENT_COLUMNS = [
    "name",
    "authority",
    "president_from",
    "president_to",
    "vice_president_from",
    "evidence",
]
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")

#: First-person statements that the writer is the serving ADCS President.
PRESIDENT_SELF_RE = re.compile(
    r"\b(?:my (?:first|second|third|last|final) blog (?:since I took over [^.]{0,60}?)?as "
    r"(?:ADCS )?President"
    r"|my first blog since I took over from [^.]{0,40}? as President"
    r"|my (?:inaugural|presidential) speech as (?:ADCS )?President"
    r"|my final acts as (?:ADCS )?President"
    r"|my (?:personal )?priorit(?:y|ies) as (?:ADCS )?President"
    r"|my year as (?:ADCS )?President(?![^.]{0,40}\b(?:is|was) over)"
    r"|I will use my year as (?:ADCS )?President"
    r"|as ADCS President,? I\b)",
    re.I,
)
DCS_ROLE_RE = re.compile(
    r"\b(?:DCS|director of children['’]?s services|director of children and families|"
    r"director of children, schools and families|director of people|"
    r"(?:corporate|executive|strategic) director (?:of|for) (?:children|people)|"
    r"(?:ADCS )?(?:vice-?\s?)?president)\b",
    re.I,
)
OFFICER_ROLE_RE = re.compile(
    r"\b(?:assistant director|deputy director|director of (?:commissioning|partnerships|"
    r"resources|quality|performance|education|early help|safeguarding)|head of|"
    r"policy (?:officer|adviser|manager)|service manager|principal social worker|"
    r"team manager|officer)\b",
    re.I,
)
COMMENTATOR_ROLE_RE = re.compile(
    r"\b(?:retired|former|associate member|consultant|journalist|academic|professor|"
    r"lecturer|researcher|principal of|campaigner|author of|writer|blogger|councillor|"
    r"trustee|foster carer|founder|"
    r"cabinet member for|lead member for|"
    r"chief executive of (?!\w+ (?:county|city|borough) council))\b",
    re.I,
)
#: The title of a director of children's services, in any capitalisation.
DCS_TITLE = (
    r"(?:DCS|(?i:director (?:of|for) children['’]?s services|"
    r"director of children and (?:families|young people)|"
    r"director of children, schools and families))"
)
SELF_DCS_RE = re.compile(
    rf"\b(?:[Aa]s (?:the |a )?{DCS_TITLE}"
    r"(?:,| (?:for|in|of|at) [A-Z])"
    rf"|I(?:’m|'m| am) (?:the |a )?{DCS_TITLE}\b)"
)


@dataclass(frozen=True)
class Presidency:
    """An ADCS presidency; ``serving_from`` is the start of the vice-presidency (the person was
    then already the DCS of ``authority``), so ``serving_from..end`` are years in which the
    person is known to have been that authority's DCS."""

    name: str
    authority: str
    start: date
    end: date
    serving_from: date | None = None


def load_presidents(path: Path = PRESIDENTS_PATH) -> list[Presidency]:
    """Read the presidencies table (validated: dates, order)."""
    frame = load_lexicon(path, PRESIDENT_COLUMNS, key="name", not_empty=PRESIDENT_COLUMNS)
    out = []
    for row in frame.itertuples(index=False):
        try:
            start, end = (
                date.fromisoformat(row.president_from),
                date.fromisoformat(row.president_to),
            )
            serving = date.fromisoformat(row.vice_president_from)
        except ValueError as err:
            raise ValueError(f"{path.name}: bad date for {row.name}: {err}") from err
        if end <= start:
            raise ValueError(f"{path.name}: presidency of {row.name} ends before it starts")
        if serving >= start:
            raise ValueError(f"{path.name}: vice-presidency of {row.name} must precede it")
        out.append(Presidency(row.name, row.authority, start, end, serving))
    return out


def _current_dcs(text: str) -> bool:
    """A director's role stated as current (not 'former', 'retired', 'ex-', 'previously')."""
    for match in DCS_ROLE_RE.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()]
        if not re.search(r"\b(?:former|formerly|retired|ex-|previously)\b", before, re.I):
            return True
    return False


def role_class(role: str | None, about: str | None = None) -> tuple[str, str] | None:
    """Writer role from a stated role (bio, caption, sign-off, About box), or None.

    A director's role stated as current wins ('DCS ... and former chair of ...' is a
    DCS); then commentator words (retired, former, consultant ...); then officer roles."""
    for text, where in ((role, "stated role"), (about, "About box")):
        if not isinstance(text, str) or not text:
            continue
        quoted = f"{where} '{text[:100]}'"
        if _current_dcs(text):
            return "dcs", quoted
        if COMMENTATOR_ROLE_RE.search(text):
            return "commentator", quoted
        if OFFICER_ROLE_RE.search(text):
            return "officer", quoted
    return None


NAME = r"[A-Z][a-zA-Z'’\-]+(?: [A-Z][a-zA-Z'’\-]+){1,2}"
#: The writer hands the presidency over to a named successor (writer = the predecessor).
HANDOVER_RE = re.compile(
    r"\bhand(?:ing|ed)? over (?:the reins |the presidency |the Presidency )?to "
    rf"(?:the (?:wonderful|brilliant|excellent|fantastic) )?(?P<name>{NAME})"
)
#: The writer took the presidency over from a named predecessor (writer = the successor).
TAKEOVER_RE = re.compile(rf"\bI took over from (?P<name>{NAME}) as (?:ADCS )?President")
FIRST_PERSON_RE = re.compile(r"\b(?:I|I’m|I'm|I’ve|I've|I’ll|I'll|my|My|me)\b")
OWN_AUTHORITY_RE = re.compile(
    r"\b(?:[Mm]y own authority|[Aa]s (?:the )?DCS (?:for|in|of|at)|[Hh]ere in [A-Z])"
)


def _succession(text: str, presidents: list[Presidency]) -> tuple[Presidency, str, str] | None:
    """The writer named by a first-person handover ('before handing over the reins to X':
    X's predecessor) or takeover ('I took over from X as President': X's successor).

    The first-person word must come before the phrase in its sentence with no other
    person's name in between ('with Stuart Gallimore soon to hand over ...' is not the
    writer's handover)."""
    ordered = sorted(presidents, key=lambda p: p.start)
    by_name = {fold(p.name): k for k, p in enumerate(ordered)}
    for pattern, step in ((HANDOVER_RE, -1), (TAKEOVER_RE, +1)):
        for match in pattern.finditer(text):
            before = re.split(r"[.!?]\s", text[: match.start()])[-1]
            people = list(FIRST_PERSON_RE.finditer(before))
            if pattern is HANDOVER_RE and (
                not people or re.search(NAME, before[people[-1].end() :])
            ):
                continue
            k = by_name.get(fold(match["name"]))
            if k is not None and 0 <= k + step < len(ordered):
                relation = "predecessor" if step < 0 else "successor"
                return ordered[k + step], " ".join(match.group(0).split()), relation
    return None


def fold(name: str) -> str:
    return fold_quotes(name).casefold()


def _same_authority(a: str, b: str) -> bool:
    """Authority names equal up to 'County/City/Borough Council' and case."""

    def core(name: str) -> str:
        name = re.sub(r"\b(?:County|City|Borough|Metropolitan|District)?\s*Council\b", "", name)
        return " ".join(name.replace("&", "and").split()).casefold()

    return core(a) == core(b)


def _first_person_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match that is about the writer: it opens its sentence or follows a
    first-person word there, with no third-person pronoun before it."""
    for match in pattern.finditer(text):
        before = re.split(r"[.!?]\s", text[: match.start()])[-1]
        first_person = re.search(r"\b(I|I’m|I'm|I’ve|I've|my|My|me)\b", before + match[0])
        third_person = re.search(r"\b(his|her|their|he|she|they|you|your)\b", before, re.I)
        if (first_person or not before.strip()) and not third_person:
            return match
    return None


def _sentence(text: str, match: re.Match[str], width: int = 90) -> str:
    """The words around a match, on one line."""
    start = max(0, match.start() - 30)
    return " ".join(text[start : match.end() + 30].split())[:width]


def infer_authors(posts: pd.DataFrame, presidents: list[Presidency] | None = None) -> pd.DataFrame:
    """Fill ``author``/``author_basis``/``author_confidence`` from presidential self-references
    and set ``writer_role``/``writer_role_basis``/``writer_role_confidence`` for every post.
    Returns a new frame.

    ``posts`` needs: doc_id, format, text, author, author_basis, author_confidence, role,
    about, date_low, date_high, date_precision, date_basis.
    """
    presidents = load_presidents() if presidents is None else presidents
    out = posts.copy()
    roles, bases, confidences = [], [], []
    for idx, row in out.iterrows():
        text = row["text"] or ""
        match = _first_person_match(PRESIDENT_SELF_RE, text)
        if pd.isna(row["author"]) and match and pd.notna(row["date_low"]):
            low, high = row["date_low"].date(), row["date_high"].date()
            inside = [p for p in presidents if p.start <= low and high <= p.end]
            if len(inside) == 1:
                own = row["date_precision"] in ("day", "month", "year") or "text:" in str(
                    row["date_basis"]
                )
                confidence = "medium" if own else "low"
                how = "its own date evidence" if own else "the listing order"
                out.at[idx, "author"] = inside[0].name
                out.at[idx, "author_confidence"] = confidence
                out.at[idx, "author_basis"] = (
                    f"self-reference '{' '.join(match.group(0).split())}' while the post's "
                    f"date interval {low}..{high} (from {how}) lies inside the presidency of "
                    f"{inside[0].name} ({inside[0].start}..{inside[0].end}, "
                    "data/adcs_presidents.csv)"
                )
                if pd.isna(row.get("authority")):
                    out.at[idx, "authority"] = inside[0].authority
                    note = f"authority of {inside[0].name} from data/adcs_presidents.csv"
                    basis = row.get("metadata_basis")
                    out.at[idx, "metadata_basis"] = (
                        f"{basis}; {note}" if isinstance(basis, str) else note
                    )
        succession = _succession(text, presidents) if pd.isna(out.at[idx, "author"]) else None
        if succession is not None:
            person, phrase, relation = succession
            out.at[idx, "author"] = person.name
            out.at[idx, "author_confidence"] = "medium"
            out.at[idx, "author_basis"] = (
                f"self-reference '{phrase}': the writer is {person.name}, the {relation} "
                "of the president named (data/adcs_presidents.csv)"
            )
            if pd.isna(out.at[idx, "authority"]):
                out.at[idx, "authority"] = person.authority
        authority = out.at[idx, "authority"]
        if (
            pd.isna(out.at[idx, "author"])
            and isinstance(authority, str)
            and not match
            and pd.notna(row["date_low"])
            and (own_dcs := _first_person_match(OWN_AUTHORITY_RE, text)) is not None
        ):
            low, high = row["date_low"].date(), row["date_high"].date()
            serving = [
                p
                for p in presidents
                if p.serving_from
                and _same_authority(p.authority, authority)
                and p.serving_from <= low
                and high <= p.end
            ]
            if len(serving) == 1:
                p = serving[0]
                out.at[idx, "author"] = p.name
                out.at[idx, "author_confidence"] = "low"
                out.at[idx, "author_basis"] = (
                    f"self-reference '{_sentence(text, own_dcs)}' names the writer's authority "
                    f"{authority}; the post's date interval {low}..{high} lies inside the years "
                    f"{p.serving_from}..{p.end} in which {p.name} was its DCS (ADCS vice-president "
                    "and president, data/adcs_presidents.csv)"
                )
        stated = role_class(row.get("role"), row.get("about"))
        about = row.get("about")
        confidence = "medium"  # a first-person self-reference, unless set otherwise below
        if stated is not None:
            (role, basis), confidence = stated, "high"
        elif match:
            role, basis = (
                "dcs",
                f"self-reference '{match.group(0)}' (ADCS presidents are serving DCSs)",
            )
        elif succession is not None:
            role = "dcs"
            basis = f"self-reference '{succession[1]}' (ADCS presidents are serving DCSs)"
        elif (found := _first_person_match(SELF_DCS_RE, text)) is not None:
            role, basis = "dcs", f"self-reference '{_sentence(text, found)}'"
        elif row["format"] == "wordpress_post" and isinstance(about, str) and about.strip():
            # A personal blog, not an organisation's, whose writer describes themself
            # without a role in children's services: weak evidence, quoted for the reader.
            role, confidence = "commentator", "low"
            basis = (
                f"personal blog whose About box ('{about[:100]}') states no role in "
                "children's services"
            )
        else:
            # Nothing on the page says who the writer is (a personal blog without an
            # About box included): the role stays unknown rather than guessed.
            role, basis, confidence = "unknown", None, None
        roles.append(role)
        bases.append(basis)
        confidences.append(confidence)
    out["writer_role"] = roles
    out["writer_role_basis"] = bases
    out["writer_role_confidence"] = confidences
    return out
