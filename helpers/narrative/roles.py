"""Narrative Policy Framework roles (hero / villain / victim / none) and whole-corpus coding."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.narrative.actors import compile_actor_patterns, find_mentions
from helpers.narrative.agency import Agency, code_agency
from helpers.narrative.language import pos_tag
from helpers.paths import DATA_DIR

VERB_CATEGORIES_PATH: Path = DATA_DIR / "verb_categories.csv"


def load_verb_categories(path: Path = VERB_CATEGORIES_PATH) -> pd.DataFrame:
    """Read the verb lexicon: ``lemma, category, agent_role, patient_role, notes``.

    Roles must be hero|villain|victim|none. Raises ``ValueError`` naming the file on a
    missing column, a duplicated lemma or an unknown role.
    """
    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False)
    needed = {"lemma", "category", "agent_role", "patient_role", "notes"}
    if missing := needed - set(frame.columns):
        raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
    dupes = frame["lemma"][frame["lemma"].duplicated()].tolist()
    if dupes:
        raise ValueError(f"{path.name}: duplicated lemmas {dupes}")
    roles = {"hero", "villain", "victim", "none"}
    bad = set(frame["agent_role"]) | set(frame["patient_role"])
    if bad - roles:
        raise ValueError(f"{path.name}: unknown roles {sorted(bad - roles)}")
    return frame


def npf_role(
    agency: Agency,
    verbs: pd.DataFrame,
) -> tuple[str, str]:
    """NPF role of a mention from agency x verb category: ``(role, verb category)``.

    The verb lexicon gives the role of an agent and of a patient of each verb ("cut":
    agent villain, patient victim; "support": agent hero, patient none). Stated extras:
    a negated help verb or a help verb under the control verb "fail" makes the agent a
    villain ("the DfE has failed to fund"); a control verb "struggle" makes the agent a
    victim. Unknown verbs and "other" mentions give "none". ``verbs`` may already be
    indexed by ``lemma`` (``code_mentions`` indexes it once for the whole corpus).
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
    if agency.negated and agency.role == "agent" and role == "hero":
        return "villain", category
    if agency.negated and role in {"villain", "victim"}:
        return "none", category
    return role, category


def code_mentions(
    sentences: pd.DataFrame,
    actors: pd.DataFrame,
    verbs: pd.DataFrame,
) -> pd.DataFrame:
    """Code every actor mention in ``sentences`` (from ``sentences_table``).

    Returns one row per mention: ``sent_id, doc_id, actor, surface, token_start, char_start,
    agency,
    verb, rule, negated, modal, control, verb_category, npf_role``.
    """
    patterns = compile_actor_patterns(actors)
    verbs_by_lemma = verbs.set_index("lemma")
    rows = []
    for sent_id, doc_id, text in zip(
        sentences["sent_id"], sentences["doc_id"], sentences["text"], strict=True
    ):
        tagged = pos_tag(text)
        for mention in find_mentions(text, tagged, patterns):
            agency = code_agency(tagged, mention)
            role, category = npf_role(agency, verbs_by_lemma)
            rows.append(
                {
                    "sent_id": sent_id,
                    "doc_id": doc_id,
                    "actor": mention.actor,
                    "surface": mention.surface,
                    "token_start": mention.start,
                    "char_start": tagged[mention.start][2],
                    "agency": agency.role,
                    "verb": agency.verb,
                    "rule": agency.rule,
                    "negated": agency.negated,
                    "modal": agency.modal,
                    "control": agency.control,
                    "verb_category": category,
                    "npf_role": role,
                }
            )
    columns = [
        "sent_id",
        "doc_id",
        "actor",
        "surface",
        "token_start",
        "char_start",
        "agency",
        "verb",
        "rule",
        "negated",
        "modal",
        "control",
        "verb_category",
        "npf_role",
    ]
    return pd.DataFrame(rows, columns=columns)
