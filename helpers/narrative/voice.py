"""Voice: pronoun rates, whom "we" stands for, and obligation / hedging markers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from helpers.narrative.actors import Mention, compile_actor_patterns, find_mentions
from helpers.narrative.language import NEGATIONS, VERB_TAGS, normalise_text, pos_tag, verb_lemma

# Pronoun families counted per 1,000 words.
PRONOUNS: dict[str, tuple[str, ...]] = {
    "I": ("i", "me", "my", "mine", "myself"),
    "we": ("we", "us", "our", "ours", "ourselves"),
    "you": ("you", "your", "yours", "yourself", "yourselves"),
    "they": ("they", "them", "their", "theirs", "themselves"),
}

# Modal markers: obligation vs hedging. Multi-word ones are matched on lower-cased tokens.
MODALS: dict[str, str] = {
    "must": "obligation",
    "should": "obligation",
    "need to": "obligation",
    "needs to": "obligation",
    "needed to": "obligation",
    "have to": "obligation",
    "has to": "obligation",
    "ought to": "obligation",
    "may": "hedging",
    "might": "hedging",
}

# Whom does "we" stand for? Cues searched (case-insensitive) in the same sentence as a
# first-person plural pronoun; the first matching group in this order wins.
_NOT_PLACES = (
    "England|Britain|Wales|Scotland|Ireland|Europe|January|February|March|April|May|June|July"
    "|August|September|October|November|December|Parliament|Government|Whitehall|ADCS|Ofsted"
)
WE_REFERENCE_CUES: dict[str, str] = {
    "sector / profession": (
        r"\bas (?:a|the) sector\b|\bADCS\b|\bas directors\b|\bdirectors of children|\bDCSs?\b"
        r"|\b(?:our|the) (?:sector|profession)\b|\bas (?:a )?profession|\bas leaders\b"
        r"|\bthe association\b|\bchildren's services leaders\b"
    ),
    "local authority / place": (
        r"\b(?:our|my|the) (?:council|authority|local authority|county|city|borough|area|"
        r"town|place)\b|\bas a council\b|\bas (?:a|the) local authority\b"
        rf"|(?-i:\b[Ii]n (?!(?:{_NOT_PLACES})\b)[A-Z][a-z]+)"
    ),
    "region": r"\b(?:as a region|our region|the region|regional|regionally)\b",
    "society / country": (
        r"\bas a (?:society|country|nation)\b|\b(?:our|the) (?:society|country|nation)\b"
        r"|\bwe all\b|\ball of us\b"
    ),
    "staff / team": r"\b(?:our|my) (?:staff|teams?|workforce|social workers|practitioners)\b",
}


def pronoun_counts(text: str) -> dict[str, int]:
    """Count pronoun families (I, we, you, they) and words in ``text``.

    Returns ``{"n_words": ..., "I": ..., "we": ..., "you": ..., "they": ...}``. Words are
    runs of letters/digits/apostrophes; "US" in capitals is not counted as "us".
    """
    words = re.findall(r"\b\w[\w']*\b", normalise_text(text))
    counts = {"n_words": len(words)}
    lowered = [w.lower() for w in words if w != "US"]
    for family, forms in PRONOUNS.items():
        counts[family] = sum(1 for w in lowered if w.split("'")[0] in forms)
    return counts


def we_reference(sentence: str) -> str | None:
    """Whom a first-person plural in ``sentence`` refers to, from co-occurring cues.

    Returns ``None`` if the sentence has no we/us/our, the first matching cue group of
    ``WE_REFERENCE_CUES`` otherwise, or ``"unresolved"`` when no cue matches.
    """
    text = normalise_text(sentence)
    if not re.search(r"\b(?:we|us|our|ours|ourselves)\b", text, re.IGNORECASE):
        return None
    for label, pattern in WE_REFERENCE_CUES.items():
        if re.search(pattern, text, re.IGNORECASE):
            return label
    return "unresolved"


def _subject_word(
    tagged: Sequence[tuple[str, str, int, int]],
    words: list[str],
    j: int,
    mention_at: dict[int, str],
) -> str:
    """Name the subject at token ``j``: an actor, a pronoun, "impersonal", "other noun"."""
    if j < 0 or j >= len(tagged):
        return "none"
    if j in mention_at:
        return mention_at[j]
    if words[j] in {"we", "us"}:
        return "we"
    if words[j] in {"i", "they", "you"}:
        return {"i": "I"}.get(words[j], words[j])
    if words[j] in {"it", "this", "that", "there", "these", "which"}:
        return "impersonal"
    if tagged[j][1] in {"NN", "NNS", "NNP", "NNPS", "PRP"}:
        return "other noun"
    return "none"


def modal_statements(
    tagged: Sequence[tuple[str, str, int, int]],
    mentions: Iterable[Mention],
) -> list[dict[str, str]]:
    """Obligation/hedging markers with their subject and the verb they govern.

    For each marker of ``MODALS`` (must, should, need to, have to, ought to, may, might)
    the subject is the token to its left, skipping adverbs, other modals and "and/or"
    ("can and should"); it is mapped to an actor when it lies inside an actor mention, to
    the pronoun ("we", "I", "they", "you", "it"/"this"/"there" -> "impersonal"), to "other
    noun" or "none". In questions ("why should we") the subject is read after the marker;
    "there is a need to" (need as a noun) is impersonal. The verb is the first lexical
    verb after the marker (skipping adverbs, "to", and auxiliaries be/have when another
    verb follows).
    """
    mention_at: dict[int, str] = {}
    for m in mentions:
        for i in range(m.start, m.end):
            mention_at[i] = m.actor
    words = [w.lower() for w, _, _, _ in tagged]
    out: list[dict[str, str]] = []
    i = 0
    n = len(tagged)
    while i < n:
        marker = ""
        width = 1
        if words[i] in {"must", "should", "may", "might"} and tagged[i][1] == "MD":
            marker = words[i]
        elif i + 1 < n and f"{words[i]} {words[i + 1]}" in MODALS:
            marker = f"{words[i]} {words[i + 1]}"
            width = 2
        if not marker:
            i += 1
            continue
        j = i - 1
        while j >= 0 and (tagged[j][1] in {"RB", "RBR", "RBS", "MD"} or words[j] in {"and", "or"}):
            j -= 1  # "we really must", "can and should", "would need to"
        subject = _subject_word(tagged, words, j, mention_at)
        after = i + width
        if marker.startswith("need") and tagged[i][1].startswith("NN"):
            subject = "impersonal"  # "there is a need to ..."
        elif subject == "none" and (j < 0 or tagged[j][1] in {"WRB", "WP", "WDT"}) and after < n:
            subject = _subject_word(tagged, words, after, mention_at)  # "why should we ..."
        verb = ""
        k = i + width
        while k < n:
            tag_k = tagged[k][1]
            if tag_k in VERB_TAGS and tag_k != "MD":
                lemma = verb_lemma(tagged[k][0])
                follows = k + 1 < n and tagged[k + 1][1] in VERB_TAGS
                if lemma in {"be", "have"} and follows:
                    k += 1
                    continue
                verb = lemma
                break
            if tag_k in {"RB", "RBR", "RBS", "TO"} or words[k] in NEGATIONS:
                k += 1
                continue
            break
        out.append(
            {
                "marker": marker,
                "type": MODALS.get(marker, "obligation"),
                "subject": subject,
                "verb": verb,
            }
        )
        i += width
    return out


def code_modals(sentences: pd.DataFrame, actors: pd.DataFrame, verbs: pd.DataFrame) -> pd.DataFrame:
    """All obligation/hedging markers of ``sentences`` with subject, verb and verb category.

    One row per marker: ``sent_id, doc_id, marker, type, subject, verb, verb_category``
    (category "" when the verb is not in the verb lexicon).
    """
    patterns = compile_actor_patterns(actors)
    categories = dict(zip(verbs["lemma"], verbs["category"], strict=True))
    rows = []
    for sent_id, doc_id, text in zip(
        sentences["sent_id"], sentences["doc_id"], sentences["text"], strict=True
    ):
        tagged = pos_tag(text)
        for statement in modal_statements(tagged, find_mentions(text, tagged, patterns)):
            rows.append(
                {
                    "sent_id": sent_id,
                    "doc_id": doc_id,
                    **statement,
                    "verb_category": categories.get(statement["verb"], ""),
                }
            )
    columns = ["sent_id", "doc_id", "marker", "type", "subject", "verb", "verb_category"]
    return pd.DataFrame(rows, columns=columns)


# Obligation markers for "who must do what", matched on the sentence text (case-insensitive).
# Modal verbs plus impersonal and indirect forms ("it is vital that", "there is a need",
# "we call on"), which have no grammatical subject that bears the duty.
OBLIGATION_MARKERS: dict[str, str] = {
    "must": r"\bmust\b(?!-)",
    "should": r"\bshould\b",
    "need to": r"\bneed(?:s|ed)? to\b",
    "have to": r"\b(?:have|has|had|having) to\b(?! do with\b)",
    "ought to": r"\bought to\b",
    "be required to": (
        r"\b(?:is|are|be|been|being|was|were) (?:required|expected|obliged|duty[- ]bound) to\b"
    ),
    "duty to": r"\b(?:duty|duties|responsibility|obligation) to\b",
    "it is vital": (
        r"\b(?:it is|it's|it remains|it will be|it was|is) (?:\w+ )?(?:vital|essential|crucial|"
        r"imperative|critical|necessary|important|urgent)(?= (?:that|to|for|we)\b)"
    ),
    "there is a need": r"\bthere (?:is|remains|will be|was) (?:a |an )?(?:\w+ )?need\b",
    "time to": r"\b(?:it is|it's|now is the|is the) time (?:for [\w ]{1,40} )?to\b",
    "call on": r"\b(?:call|calls|called|calling) (?:on|upon)\b|\burg(?:e|es|ed|ing)\b",
}
_OBLIGATION_RES = {k: re.compile(v, re.IGNORECASE) for k, v in OBLIGATION_MARKERS.items()}


def find_obligation_markers(sentence: str) -> list[tuple[str, int, int]]:
    """Obligation markers in ``sentence``: ``(marker, char_start, char_end)``, in text order.

    Overlapping matches keep the longest ("is required to" over nothing shorter). The marker
    names are the keys of ``OBLIGATION_MARKERS``.
    """
    found = [
        (m.start(), m.end(), name)
        for name, regex in _OBLIGATION_RES.items()
        for m in regex.finditer(sentence)
    ]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, name in found:
        if not any(start < e and s < end for s, e, _ in kept):
            kept.append((start, end, name))
    return [(name, s, e) for s, e, name in sorted(kept)]
