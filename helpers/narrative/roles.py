"""Narrative Policy Framework roles (hero / villain / victim / none) and whole-corpus coding."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.lexicons import load_lexicon
from helpers.narrative.actors import Mention, compile_actor_patterns, find_mentions
from helpers.narrative.agency import Agency, code_agency
from helpers.narrative.language import pos_tag
from helpers.paths import DATA_DIR

VERB_CATEGORIES_PATH: Path = DATA_DIR / "verb_categories.csv"


def load_verb_categories(path: Path = VERB_CATEGORIES_PATH) -> pd.DataFrame:
    """Read the verb lexicon: ``lemma, category, agent_role, patient_role, notes``.

    Roles must be hero|villain|victim|none. Raises ``ValueError`` naming the file on a
    missing column, a duplicated lemma or an unknown role.
    """
    frame = load_lexicon(
        path, ["lemma", "category", "agent_role", "patient_role", "notes"], key="lemma"
    )
    roles = {"hero", "villain", "victim", "none"}
    bad = set(frame["agent_role"]) | set(frame["patient_role"])
    if bad - roles:
        raise ValueError(f"{path.name}: unknown roles {sorted(bad - roles)}")
    return frame


# A threat named in the sentence: the patient of a protection verb is then a victim.
THREAT_RE = re.compile(
    r"\bfrom (?:the )?(?:harm|abuse|neglect|exploitation|danger|violence|risk|crime|gangs?"
    r"|poverty|county lines|radicali[sz]ation|trafficking|extremism)|\b(?:harm|abuse|neglect"
    r"|exploitation|exploited|danger|violence|risks?|threats?|trauma|grooming|county lines)\b",
    re.IGNORECASE,
)
# Words right before a mention that cast it as suffering ("vulnerable children").
VICTIM_BEFORE_RE = re.compile(
    r"\b(?:vulnerable|disadvantaged|poorest|poor|struggling|at[- ]risk|abused|neglected"
    r"|exploited|traumati[sz]ed|homeless|isolated|hardest[- ]hit|hard[- ]pressed|stretched"
    r"|overstretched|beleaguered|excluded|missing|destitute|hungry)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# Words right after a mention that cast it as suffering ("children in poverty").
VICTIM_AFTER_RE = re.compile(
    r"^\W*(?:(?:who|which|that|are|is|were|was|have|has|been|being|now|still|already|often"
    r"|increasingly|living|growing|up|left|and|their|families)\W+){0,3}"
    r"(?:at risk|in need|in (?:\w+ )?(?:poverty|crisis|hardship|distress|need)"
    r"|under (?:\w+ )?(?:pressure|strain)|struggling|let down|hit hardest|hardest hit"
    r"|facing (?:cuts|a funding|funding|financial|real-terms|huge|significant|rising)"
    r"|suffer|suffering|affected by|impacted by|exploited|abused|neglected|harmed|excluded)\b",
    re.IGNORECASE,
)
# "the impact of X on [families]": the mention bears the impact.
IMPACT_ON_RE = re.compile(
    r"\b(?:impacts?|effects?|pressures?|burdens?|toll|consequences|strain)\b[^.;:]{0,60}"
    r"\b(?:on|for) (?:\w+ ){0,2}$",
    re.IGNORECASE,
)
# Praise right around a mention casts it as a hero ("our amazing staff", "worked tirelessly").
PRAISE_RE = re.compile(
    r"\b(?:amazing|excellent|outstanding|brilliant|dedicated|hard[- ]?working|tirelessly"
    r"|commitment|committed|skill|skills|proud|pride|thank|thanks|grateful|great|wonderful"
    r"|fantastic|innovative|passionate|determination|determined|champions?|championing"
    r"|inspiring|inspirational|impressive|impressed|heroes|heroic|resilien(?:t|ce)|expertise"
    r"|leadership|strong|success|successful|achievements?|praise|applaud|welcome[sd]?)\b",
    re.IGNORECASE,
)
OBLIGING_MODALS: frozenset[str] = frozenset({"must", "should", "need to", "have to", "ought to"})
ABSTRACT: frozenset[str] = frozenset(
    {"austerity and cuts", "funding formula and settlements", "demand and pressures"}
    | {"the system", "policies and reforms", "poverty and inequality"}
)
# Abstract characters that coders read as villains wherever they appear.
HARMFUL_ABSTRACT: frozenset[str] = frozenset({"austerity and cuts", "demand and pressures"})


def npf_role(
    agency: Agency,
    verbs: pd.DataFrame,
    threat: bool = False,
) -> tuple[str, str]:
    """NPF role of a mention from agency x verb category: ``(role, verb category)``.

    The verb lexicon gives the role of an agent and of a patient of each verb ("cut":
    agent villain, patient victim; "support": agent hero, patient none). Stated extras:
    a negated help verb or a help verb under the control verb "fail" makes the agent a
    villain ("the DfE has failed to fund"); a control verb "struggle" makes the agent a
    victim; the patient of a protection verb is a victim only when the sentence names a
    threat (``threat``, see ``THREAT_RE``). Unknown verbs and "other" mentions give "none".
    ``verbs`` may already be indexed by ``lemma``.
    """
    if agency.role not in {"agent", "patient"} or not agency.verb:
        return "none", ""
    table = verbs if verbs.index.name == "lemma" else verbs.set_index("lemma")
    category = table["category"].get(agency.verb, "")
    if agency.control == "struggle" and agency.role == "agent":
        return "victim", category or "suffer"
    if agency.control == "fail" and agency.role == "agent":
        return "villain", category or "harm"
    if not category:
        return "none", ""
    column = "agent_role" if agency.role == "agent" else "patient_role"
    role = table.at[agency.verb, column]
    if category == "protect" and agency.role == "patient" and threat and not agency.negated:
        return "victim", category
    if agency.negated and agency.role == "agent" and role == "hero":
        return "villain", category
    if agency.negated and role in {"villain", "victim"}:
        return "none", category
    return role, category


def context_role(sentence: str, start: int, end: int, window: int = 60) -> str:
    """A role read from words right around the mention, or "".

    ``victim`` when words before or after cast it as suffering ("vulnerable children",
    "councils under pressure", "children living in poverty", "the impact of cuts on
    families"); ``hero`` when praise words stand within ``window`` characters
    ("our amazing staff", "councils have worked tirelessly").
    """
    before, after = sentence[max(0, start - 120) : start], sentence[end : end + 120]
    if VICTIM_BEFORE_RE.search(before) or VICTIM_AFTER_RE.search(after):
        return "victim"
    if IMPACT_ON_RE.search(before):
        return "victim"
    if PRAISE_RE.search(before[-window:]) or PRAISE_RE.search(after[:window]):
        return "hero"
    return ""


def mention_role(
    actor: str, agency: Agency, verbs: pd.DataFrame, sentence: str, start: int, end: int
) -> tuple[str, str]:
    """The rules' role of one mention, in this order.

    1. Harmful abstract characters (``HARMFUL_ABSTRACT``: austerity and cuts, demand and
       pressures) are villains wherever they appear (the coders read them so);
    2. ``npf_role`` (agency x verb lexicon, with the threat test for protection verbs);
    3. if that gives none: ``context_role`` (victim words around the mention; praise words
       only when the mention is an agent);
    4. if still none: poverty and inequality as the agent of a verb is a villain; a person
       or organisation that is the agent of an obligation ("the government must ...") is a
       hero (called on to act, as the coding guide says).
    """
    if actor in HARMFUL_ABSTRACT:
        return "villain", "abstract"
    role, category = npf_role(agency, verbs, threat=bool(THREAT_RE.search(sentence)))
    if role == "none":
        context = context_role(sentence, start, end)
        if context == "hero" and agency.role != "agent":
            context = ""  # praise near a modifier or an object is not about the mention
        if context:
            return context, category or "context"
        if actor == "poverty and inequality" and agency.role == "agent" and not agency.negated:
            return "villain", category or "abstract"
        if agency.role == "agent" and agency.modal in OBLIGING_MODALS and actor not in ABSTRACT:
            return "hero", category or "obliged"  # called on to act ("the government must")
    return role, category


def _code_row(sent_id, doc_id, text, tagged, mention: Mention, verbs_by_lemma) -> dict:
    """The rules' coding of one mention (a row of ``code_mentions``)."""
    agency = code_agency(tagged, mention)
    start = tagged[mention.start][2]
    end = tagged[mention.end - 1][3]
    role, category = mention_role(mention.actor, agency, verbs_by_lemma, text, start, end)
    return {
        "sent_id": sent_id,
        "doc_id": doc_id,
        "actor": mention.actor,
        "surface": mention.surface,
        "token_start": mention.start,
        "char_start": start,
        "char_end": end,
        "agency": agency.role,
        "verb": agency.verb,
        "rule": agency.rule,
        "negated": agency.negated,
        "modal": agency.modal,
        "control": agency.control,
        "verb_category": category,
        "npf_role": role,
        "sentence": text,
    }


MENTION_COLUMNS = [
    "sent_id",
    "doc_id",
    "actor",
    "surface",
    "token_start",
    "char_start",
    "char_end",
    "agency",
    "verb",
    "rule",
    "negated",
    "modal",
    "control",
    "verb_category",
    "npf_role",
    "sentence",
]


def code_mentions(
    sentences: pd.DataFrame,
    actors: pd.DataFrame,
    verbs: pd.DataFrame,
) -> pd.DataFrame:
    """Code every actor mention in ``sentences`` (from ``sentences_table``).

    Returns one row per mention: ``sent_id, doc_id, actor, surface, token_start,
    char_start, char_end, agency, verb, rule, negated, modal, control, verb_category,
    npf_role, sentence``. ``char_start``/``char_end`` are offsets into ``sentence``.
    """
    patterns = compile_actor_patterns(actors)
    verbs_by_lemma = verbs.set_index("lemma")
    rows = []
    for sent_id, doc_id, text in zip(
        sentences["sent_id"], sentences["doc_id"], sentences["text"], strict=True
    ):
        tagged = pos_tag(text)
        for mention in find_mentions(text, tagged, patterns):
            rows.append(_code_row(sent_id, doc_id, text, tagged, mention, verbs_by_lemma))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def code_spans(sentences: pd.DataFrame, spans: pd.DataFrame, verbs: pd.DataFrame) -> pd.DataFrame:
    """The rules' coding (``code_mentions``' columns) of given spans instead of dictionary
    matches: ``spans`` has ``sent_id, char_start, char_end, actor``, offsets into the
    sentence text of ``sentences``. Each span is mapped to the tokens it covers; a span
    that covers no token, or a ``sent_id`` not in ``sentences``, is an error naming it."""
    verbs_by_lemma = verbs.set_index("lemma")
    by_id = sentences.set_index("sent_id")
    rows, tags = [], {}
    for span in spans.itertuples(index=False):
        if span.sent_id not in by_id.index:
            raise ValueError(f"code_spans: sentence {span.sent_id} is not in the sentences")
        text = by_id.at[span.sent_id, "text"]
        if span.sent_id not in tags:
            tags[span.sent_id] = pos_tag(text)
        tagged = tags[span.sent_id]
        start, end = int(span.char_start), int(span.char_end)
        ids = [i for i, (_, _, s, e) in enumerate(tagged) if s < end and start < e]
        if not ids:
            raise ValueError(f"code_spans: span {start}-{end} of {span.sent_id} covers no token")
        mention = Mention(span.actor, text[start:end], ids[0], ids[-1] + 1)
        row = _code_row(span.sent_id, by_id.at[span.sent_id, "doc_id"], text, tagged, mention,
                        verbs_by_lemma)  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)
