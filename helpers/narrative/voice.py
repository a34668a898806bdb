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


# Actor of the dictionary -> addressee label of OBLIGATION_GUIDE.md.
ADDRESSEE_OF_ACTOR: dict[str, str] = {
    "we (the writer's collective)": "we (the writers' collective or sector)",
    "austerity and cuts": "other",
    "funding formula and settlements": "other",
    "demand and pressures": "other",
    "the system": "other",
    "policies and reforms": "other",
    "poverty and inequality": "other",
}
_SKIP_LEFT = {"also", "still", "really", "now", "therefore", "all", "too", "surely", "both"}
_IMPERSONAL = {"it", "this", "that", "there", "which", "what"}
_EVERYONE = {"everyone", "everybody", "society", "all", "nation", "country", "people", "one"}
_EVERYONE |= {"anyone", "anybody", "nobody", "no-one"}
_AUXILIARIES = {"have", "has", "had", "having", "be", "is", "are", "am", "was", "were", "been"}
_AUXILIARIES |= {"being", "'ve", "'re", "'s", "'m", "not", "n't", "will", "would", "'ll", "'d"}
_SECTOR = {"sector", "profession", "system"}


def _addressee_of_token(
    j: int,
    words: list[str],
    tagged: Sequence[tuple[str, str, int, int]],
    mention_at: dict[int, str],
) -> str:
    """Addressee named at token ``j``: an actor, "we", "impersonal", "everyone", "noun"."""
    if j in mention_at:
        return ADDRESSEE_OF_ACTOR.get(mention_at[j], mention_at[j])
    word = words[j]
    if word in {"we", "us", "i", "ourselves"}:
        return "we (the writers' collective or sector)"
    if word in _IMPERSONAL:
        return "impersonal"
    if word in _EVERYONE:
        return "everyone / society"
    if word in _SECTOR:
        return "we (the writers' collective or sector)" if word != "system" else "other"
    if word == "they":
        before = [mention_at[k] for k in sorted(mention_at) if k < j and words[k] != "we"]
        return ADDRESSEE_OF_ACTOR.get(before[-1], before[-1]) if before else "unspecified"
    if tagged[j][1] in {"NN", "NNS", "NNP", "NNPS", "PRP"}:
        return "other"
    return ""


def _subject_left(
    i: int,
    words: list[str],
    tagged: Sequence[tuple[str, str, int, int]],
    mention_at: dict[int, str],
) -> str:
    """Addressee from the subject left of token ``i`` (coordinated actors -> "several")."""
    j = i - 1
    while j >= 0 and (
        tagged[j][1] in {"RB", "RBR", "RBS", "MD"}
        or words[j] in {"and", "or"} | _SKIP_LEFT | _AUXILIARIES
    ):
        j -= 1
    if j < 0:
        return ""
    if words[j] in {"who", "that", "which"} and j > 0:
        found = _addressee_of_token(j - 1, words, tagged, mention_at)
        if found:
            return found
    found = _addressee_of_token(j, words, tagged, mention_at)
    if j in mention_at:  # collect coordinated actors: "schools and councils must"
        actors = {found}
        k = j
        while k >= 0 and k in mention_at:
            k -= 1
        while k >= 1 and words[k] in {"and", ",", "or"} and (k - 1) in mention_at:
            actors.add(ADDRESSEE_OF_ACTOR.get(mention_at[k - 1], mention_at[k - 1]))
            k -= 1
            while k >= 0 and k in mention_at:
                k -= 1
        if len(actors) > 1:
            return "several"
    return found


def _first_named_after(
    i: int,
    words: list[str],
    tagged: Sequence[tuple[str, str, int, int]],
    mention_at: dict[int, str],
    limit: int = 8,
) -> str:
    """The first actor or pronoun within ``limit`` tokens after token ``i``, else ""."""
    for j in range(i + 1, min(len(tagged), i + 1 + limit)):
        if tagged[j][1] in {".", ":", ";"}:
            break
        found = _addressee_of_token(j, words, tagged, mention_at)
        if found and found not in {"impersonal", "other"}:
            return found
    return ""


def obligation_addressee(
    sentence: str,
    marker: str,
    start: int,
    end: int,
    tagged: Sequence[tuple[str, str, int, int]],
    mentions: Iterable[Mention],
) -> tuple[str, str]:
    """Who is obliged by the marker at ``[start, end)``: ``(addressee, explicit yes/no)``.

    Rules, by kind of marker (labels as in ``data/validation/OBLIGATION_GUIDE.md``):

    * modal forms (must, should, need to, have to, ought to, is required to): the subject
      to the left (adverbs, other modals and "and/or" skipped; coordinated actors ->
      "several"; "they" -> the nearest actor before it; "who" -> its antecedent). A passive
      after the marker ("more must be done", "children should be given") moves the duty
      off the subject: the *by*-agent if there is one, else "unspecified". A subject that is
      impersonal ("it", "this", "there") or another noun gives "unspecified"/"other";
    * "need" as a noun ("the need to", "there is a need"), "it is vital/essential",
      "time to": the first actor in "that X", "for X to", else "unspecified";
    * "call on / urge X": X;
    * "duty/responsibility to": the nearest actor to the left.

    ``explicit`` is "yes" when the addressee is the grammatical subject (or the one called
    on), "no" when inferred.
    """
    mention_at: dict[int, str] = {}
    for m in mentions:
        for i in range(m.start, m.end):
            mention_at[i] = m.actor
    words = [w.lower() for w, _, _, _ in tagged]
    inside = [i for i, t in enumerate(tagged) if t[2] < end and start < t[3]]
    if not inside:
        return "unspecified", "no"
    first, last = inside[0], inside[-1]
    n = len(tagged)
    if not is_obligation(marker, first, last, words, tagged):
        return "not an obligation", "no"

    def passive_after(k: int) -> bool:
        k += 1
        while k < n and (tagged[k][1] in {"RB", "RBR", "RBS"} or words[k] in {"not", "n't"}):
            k += 1
        if k + 1 < n and words[k] == "be" and tagged[k + 1][1] in {"VBN", "VBD"}:
            return True
        return (
            k + 2 < n
            and words[k] == "have"
            and words[k + 1] == "been"
            and (tagged[k + 2][1] in {"VBN", "VBD"})
        )

    def by_agent(k: int) -> str:
        for j in range(k + 1, min(n, k + 10)):
            if words[j] == "by":
                return _first_named_after(j, words, tagged, mention_at, limit=4)
        return ""

    noun_need = (
        marker == "need to"
        and first > 0
        and (tagged[first - 1][1] in {"DT", "JJ", "PRP$"} or words[first - 1] in {"the", "a"})
    )
    if marker in {"it is vital", "there is a need", "time to"} or noun_need:
        for j in range(last + 1, min(n, last + 4)):
            if words[j] in {"that", "for"} or j == last + 1:
                found = _first_named_after(j - 1, words, tagged, mention_at, limit=4)
                if found:
                    return found, "no"
        return _implied(words, mention_at), "no"
    if marker == "call on":
        found = _first_named_after(last, words, tagged, mention_at)
        return (found, "yes") if found else ("unspecified", "no")
    if marker == "duty to":
        for j in range(first - 1, max(-1, first - 8), -1):
            found = _addressee_of_token(j, words, tagged, mention_at)
            if found and found not in {"impersonal", "other"}:
                return found, "no"
        return "unspecified", "no"
    subject = _subject_left(first, words, tagged, mention_at)
    if passive_after(last):
        agent = by_agent(last)
        return (agent, "no") if agent else (_implied(words, mention_at), "no")
    if subject in {"", "impersonal", "other"}:
        if first > 0 and tagged[first - 1][1] in {"WRB", "WP", "WDT"} or first == 0:
            found = _first_named_after(last, words, tagged, mention_at, limit=3)
            if found:
                return found, "yes"
        return _implied(words, mention_at), "no"
    return subject, "yes"


def is_obligation(
    marker: str,
    first: int,
    last: int,
    words: list[str],
    tagged: Sequence[tuple[str, str, int, int]],
) -> bool:
    """False for marker forms that do not oblige anyone (stated rules).

    * a prediction: "is expected to" ("poverty is expected to rise");
    * an inverted "should" + pronoun (a conditional or question: "should I ever be asked");
    * "X is essential / critical / important to" + a noun or -ing form, with no "it" before
      ("each partner is essential to delivering"): a description, not a call to act.
    """
    nxt = last + 1
    if marker == "be required to" and "expected" in words[first : last + 1]:
        return False
    if marker == "should" and nxt < len(words) and words[nxt] in {"i", "we", "you", "they"}:
        return not (first > 0 and tagged[first - 1][1] in {"PRP", "NN", "NNS", "NNP"})
    if (
        marker == "it is vital"
        and words[first] not in {"it", "it's"}
        and nxt + 1 < len(words)
        and words[nxt] == "to"
    ):
        return tagged[nxt + 1][1] == "VB"
    return True


def _implied(words: list[str], mention_at: dict[int, str]) -> str:
    """Addressee of an obligation with no obliged subject, read from the whole sentence.

    The writers' "we" when the sentence speaks as we/our/us; else the only actor of the
    sentence that can act on policy (central government, local authorities, schools ...);
    else "unspecified".
    """
    if any(w in {"we", "our", "us", "ourselves"} for w in words):
        return "we (the writers' collective or sector)"
    named = {
        ADDRESSEE_OF_ACTOR.get(a, a)
        for a in mention_at.values()
        if a not in {"children and young people", "families"}
    } - {"other"}
    return named.pop() if len(named) == 1 else "unspecified"


def code_obligations(
    sentences: pd.DataFrame, actors: pd.DataFrame, verbs: pd.DataFrame
) -> pd.DataFrame:
    """Every obligation marker with its addressee, and the verb it governs.

    One row per marker: ``doc_id, sent_id, char_start, char_end, marker, addressee,
    explicit, verb, verb_category`` (``find_obligation_markers``, ``obligation_addressee``;
    the verb is the first lexical verb after the marker, "" if none).
    """
    patterns = compile_actor_patterns(actors)
    categories = dict(zip(verbs["lemma"], verbs["category"], strict=True))
    rows = []
    for sent_id, doc_id, text in zip(
        sentences["sent_id"], sentences["doc_id"], sentences["text"], strict=True
    ):
        markers = find_obligation_markers(text)
        if not markers:
            continue
        tagged = pos_tag(text)
        mentions = find_mentions(text, tagged, patterns)
        for marker, start, end in markers:
            addressee, explicit = obligation_addressee(text, marker, start, end, tagged, mentions)
            verb = ""
            after = [i for i, t in enumerate(tagged) if t[2] >= end]
            for k in after[:6]:
                tag_k = tagged[k][1]
                if tag_k in VERB_TAGS and tag_k != "MD":
                    lemma = verb_lemma(tagged[k][0])
                    if (
                        lemma in {"be", "have"}
                        and k + 1 < len(tagged)
                        and tagged[k + 1][1] in VERB_TAGS
                    ):
                        continue
                    verb = lemma
                    break
            rows.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "char_start": start,
                    "char_end": end,
                    "marker": marker,
                    "addressee": addressee,
                    "explicit": explicit,
                    "verb": verb,
                    "verb_category": categories.get(verb, ""),
                }
            )
    columns = [
        "doc_id", "sent_id", "char_start", "char_end", "marker", "addressee", "explicit",
        "verb", "verb_category",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
