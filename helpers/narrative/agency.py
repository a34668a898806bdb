"""Agency of an actor mention (agent / patient / other) from tags and position rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from helpers.narrative.actors import Mention
from helpers.narrative.language import (
    AUX_LEMMAS,
    BE_FORMS,
    GET_FORMS,
    NEGATIONS,
    VERB_TAGS,
    is_participle,
    verb_lemma,
)

# Verbs taking a to-infinitive whose infinitive carries the action ("need to act").
CONTROL_VERBS: frozenset[str] = frozenset(
    {
        "need",
        "have",
        "ought",
        "want",
        "try",
        "seek",
        "continue",
        "begin",
        "start",
        "fail",
        "aim",
        "plan",
        "hope",
        "intend",
        "strive",
        "struggle",
        "manage",
        "refuse",
        "choose",
        "decide",
        "expect",
        "go",
        "use",
        "able",
        "work",
    }
)
# "half of local authorities ...": the mention heads the subject after these words + "of".
QUANTIFIERS: frozenset[str] = frozenset(
    {"half", "third", "thirds", "quarter", "quarters", "majority", "most", "many", "all"}
    | {"some", "none", "number", "proportion", "%", "percent", "each", "one", "two", "few"}
)
# Verbs that take a bare complement clause ("I think we should ...").
COMPLEMENT_VERBS: frozenset[str] = frozenset(
    {"think", "believe", "know", "hope", "feel", "say", "suspect", "suppose", "argue", "fear"}
    | {"mean", "recognise", "recognize", "accept", "agree", "suggest", "expect", "trust"}
)
SUBORDINATORS: frozenset[str] = frozenset(
    {
        "because",
        "if",
        "although",
        "though",
        "while",
        "whilst",
        "as",
        "that",
        "when",
        "whether",
        "so",
        "unless",
        "until",
        "where",
        "since",
        "once",
        "but",
        "and",
        "or",
        "whereas",
        "before",
        "after",
        "then",
    }
)
PATIENT_PREPOSITIONS: frozenset[str] = frozenset(
    {"to", "for", "on", "against", "upon", "towards", "toward", "into", "at"}
)
NP_MODIFIER_TAGS: frozenset[str] = frozenset(
    {"DT", "PDT", "JJ", "JJR", "JJS", "PRP$", "CD", "NN", "NNS", "NNP", "NNPS", "POS", "HYPH"}
)
CLAUSE_BREAK_TAGS: frozenset[str] = frozenset({",", ".", ":", ";", "(", ")", '"', "``", "''"})

MODAL_MARKERS: dict[str, str] = {
    "must": "must",
    "should": "should",
    "need to": "need to",
    "needs to": "need to",
    "needed to": "need to",
    "have to": "have to",
    "has to": "have to",
    "ought to": "ought to",
}


@dataclass(frozen=True)
class Agency:
    """Agency of one mention: ``role`` in agent|patient|other, the verb lemma, flags."""

    role: str
    verb: str
    rule: str
    negated: bool = False
    modal: str = ""
    control: str = ""


def _verb_group(tagged: Sequence[tuple[str, str, int, int]], i: int) -> list[int]:
    """Indices of the verb group starting at ``i``: verbs, adverbs, ``to`` + verb, negation."""
    group: list[int] = []
    n = len(tagged)
    while i < n:
        word, tag_, _, _ = tagged[i]
        low = word.lower()
        is_adverb = tag_ in {"RB", "RBR", "RBS"}
        to_verb = tag_ == "TO" and i + 1 < n and tagged[i + 1][1] in VERB_TAGS
        if tag_ in VERB_TAGS or low in NEGATIONS or (group and (is_adverb or to_verb)):
            group.append(i)
        elif is_adverb and not group and i + 1 < n:
            group.append(i)  # "we really must", "they still need"
        else:
            break
        i += 1
    while group and tagged[group[-1]][1] not in VERB_TAGS:
        group.pop()
    return group if any(tagged[j][1] in VERB_TAGS for j in group) else []


def _read_group(tagged: Sequence[tuple[str, str, int, int]], group: list[int]) -> Agency:
    """Interpret a verb group after a subject: voice, main verb, negation, modal, control."""
    words = [tagged[j][0].lower() for j in group]
    tags = [tagged[j][1] for j in group]
    negated = any(w in NEGATIONS for w in words)
    modal = ""
    for k, w in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if w in {"must", "should", "may", "might"}:
            modal = w
            break
        if nxt == "to" and f"{w} to" in MODAL_MARKERS:
            modal = f"{verb_lemma(w)} to"
            break
    verbs = [(w, t) for w, t in zip(words, tags, strict=True) if t in VERB_TAGS and t != "MD"]
    # Passive: a form of be/get followed by a verb that can be a past participle (the
    # tagger often tags "cut", "let", "hit" as VB/VBD, so the word form decides).
    for k, (w, _) in enumerate(verbs[:-1]):
        nxt_word, nxt_tag = verbs[k + 1]
        if w in BE_FORMS | GET_FORMS and nxt_tag != "VBG" and is_participle(nxt_word):
            return Agency("patient", verb_lemma(nxt_word), "passive", negated, modal)
    lexical = [verb_lemma(w) for w, _ in verbs]
    control = ""
    for k, w in enumerate(words[:-1]):
        if words[k + 1] == "to" and tags[k] in VERB_TAGS and verb_lemma(w) in CONTROL_VERBS:
            control = verb_lemma(w)
    content = [lemma for lemma in lexical if lemma not in AUX_LEMMAS]
    main = content[-1] if content else (lexical[-1] if lexical else "")
    return Agency("agent", main, "subject", negated, modal, control)


def _left_anchor(tagged: Sequence[tuple[str, str, int, int]], start: int) -> int | None:
    """Index of the first token left of a mention that is not part of its noun phrase.

    Skips adjectives, nouns, determiners and a possessor ("the young woman's mother"), but
    stops after a determiner whose left neighbour is a noun: in "In April the DfE ..." the
    anchor is "April", which then counts as the end of a fronted adjunct.
    """
    i = start - 1
    if start < len(tagged) and tagged[start][1] in {"DT", "PRP$"} and i >= 0:
        return i
    while i >= 0 and tagged[i][1] in NP_MODIFIER_TAGS:
        if tagged[i][1] in {"DT", "PRP$"}:
            return i - 1 if i - 1 >= 0 else None
        i -= 1
    return i if i >= 0 else None


def _skip_to_verb(tagged: Sequence[tuple[str, str, int, int]], end: int) -> int | None:
    """From the token after a mention, skip a coordinated NP, a short PP or "who/that".

    Returns the index where a verb group should start, or ``None`` when none follows.
    """
    n = len(tagged)
    i = end
    if (
        i < n
        and tagged[i][1] in {"WP", "WDT"} | {"IN"}
        and tagged[i][0].lower()
        in {
            "who",
            "that",
            "which",
        }
    ):
        return i + 1
    if i < n and tagged[i][0] == "(":
        close = next((k for k in range(i + 1, min(i + 7, n)) if tagged[k][0] == ")"), None)
        if close is not None:
            i = close + 1
    steps = 0
    while i < n and steps < 7:
        word, tag_, _, _ = tagged[i]
        if tag_ in VERB_TAGS or (tag_ in {"RB"} and i + 1 < n and tagged[i + 1][1] in VERB_TAGS):
            return i
        if tag_ in NP_MODIFIER_TAGS | {"CC", ",", "PRP"} or (
            tag_ == "IN" and word.lower() in {"of", "in", "from", "across", "within", "at"}
        ):
            if tag_ == "," and steps == 0 and i + 1 < n and tagged[i + 1][1] in {"WDT", "WP"}:
                return None
            i += 1
            steps += 1
            continue
        return None
    return None


def _finite_next(tagged: Sequence[tuple[str, str, int, int]], end: int) -> bool:
    """True if a finite verb (VBP, VBZ, VBD or a modal) follows, adverbs skipped."""
    i = end
    while i < len(tagged) and tagged[i][1] in {"RB", "RBR", "RBS"}:
        i += 1
    return i < len(tagged) and tagged[i][1] in {"VBP", "VBZ", "VBD", "MD"}


def code_agency(tagged: Sequence[tuple[str, str, int, int]], mention: Mention) -> Agency:
    """Agent / patient / other for one mention, by these rules, in order.

    1. Possessor (mention followed by "'s"): other.
    2. Passive agent ("... cut by ministers"): ``by`` right before the mention (after its
       modifiers) and a past participle within three tokens before ``by``: agent of that verb.
    3. Subject: the mention opens a clause (left neighbour is the sentence start, a
       punctuation mark, a conjunction/subordinator, a relative pronoun, the noun ending a
       fronted adjunct as in "In April the DfE", or a quantifier + "of" as in "half of
       local authorities") and a verb group
       follows (after at most a coordinated noun phrase, a short of/in/from phrase, or
       "who/that", or a parenthesis such as "(DfE)"). Passive verb group (be/get +
       participle) -> patient; otherwise agent. The verb is the last lexical verb
       (through "need to", "fail to" ... control verbs).
       A mention right after a verb of thinking or saying and itself followed by a finite
       verb ("I think we should") is also read as a subject (complement clause). "us" is
       never a subject.
    4. Object: the left neighbour is a verb -> patient of that verb (a form of "be" -> other).
    5. Oblique: the left neighbour is to/for/on/against... with a verb up to three tokens
       before it -> patient (recipient or target) of that verb.
    6. Anything else (after of/with/in..., inside a noun phrase): other.
    """
    n = len(tagged)
    if mention.end < n and tagged[mention.end][0].lower() in {"'s", "'"}:
        return Agency("other", "", "possessor")
    left = _left_anchor(tagged, mention.start)
    left_word = tagged[left][0].lower() if left is not None else ""
    left_tag = tagged[left][1] if left is not None else ""
    # Second conjunct ("children and [families]"): read the first conjunct's position.
    if left_word in {"and", "or", "/", "&"} and left is not None and left > 0:
        first = left - 1
        if tagged[first][1] in {"NN", "NNS", "NNP", "NNPS", "PRP"}:
            while first - 1 >= 0 and tagged[first - 1][1] in NP_MODIFIER_TAGS - {"POS"}:
                first -= 1
            reading = code_agency(tagged, Mention("", "", first, left))
            if reading.rule not in {"modifier", "possessor"}:
                return Agency(
                    reading.role,
                    reading.verb,
                    f"conjunct-{reading.rule}",
                    reading.negated,
                    reading.modal,
                    reading.control,
                )
    if left_word == "by" and left is not None:
        for j in range(left - 1, max(left - 4, -1), -1):
            word_j, tag_j = tagged[j][0], tagged[j][1]
            if tag_j in VERB_TAGS and word_j.lower() not in BE_FORMS and is_participle(word_j):
                return Agency("agent", verb_lemma(word_j), "passive-by")
    is_us = mention.end - mention.start == 1 and tagged[mention.start][0].lower() == "us"
    is_we = mention.end - mention.start == 1 and tagged[mention.start][0].lower() == "we"
    nxt = mention.end
    nxt_word = tagged[nxt][0].lower() if nxt < n else ""
    nxt_tag = tagged[nxt][1] if nxt < n else ""
    # A noun right after the mention: the mention modifies it ("ADCS blog", "school budgets").
    if nxt_tag in {"NN", "NNS"} and not is_we and not is_us:
        return Agency("other", "", "modifier")
    # "we" is nominative: always the subject of the verb group that follows.
    if is_we:
        start = _skip_to_verb(tagged, mention.end)
        group = _verb_group(tagged, start) if start is not None else []
        if group:
            return _read_group(tagged, group)
    # "X who ..." : subject of the relative clause.
    if nxt_word == "who" and nxt + 1 < n:
        group = _verb_group(tagged, nxt + 1)
        if group:
            agency = _read_group(tagged, group)
            return Agency(agency.role, agency.verb, "relative-who", agency.negated, agency.modal)
    quantified = (
        left_word == "of"
        and left is not None
        and left > 0
        and tagged[left - 1][0].lower() in QUANTIFIERS
    )
    fronted_adjunct = left is not None and left_tag in {"NN", "NNS", "NNP", "CD"}
    opens_clause = not is_us and (
        quantified
        or fronted_adjunct
        or left is None
        or left_tag in CLAUSE_BREAK_TAGS | {"CC", "WDT", "WP", "WRB"}
        or (left_tag in {"IN", "RB"} and left_word in SUBORDINATORS)
        or (left_tag == "RB")
    )
    if opens_clause:
        start = _skip_to_verb(tagged, mention.end)
        if start is not None:
            group = _verb_group(tagged, start)
            if group:
                agency = _read_group(tagged, group)
                return agency
    surface = " ".join(w.lower() for w, _, _, _ in tagged[mention.start : mention.end])
    after_cognition = (
        left is not None
        and left_tag in VERB_TAGS
        and verb_lemma(tagged[left][0]) in COMPLEMENT_VERBS
    )
    if surface != "us" and after_cognition and _finite_next(tagged, mention.end):
        start = _skip_to_verb(tagged, mention.end) if not opens_clause else None
        if not opens_clause and start is not None:
            group = _verb_group(tagged, start)
            if group:
                return _read_group(tagged, group)
    if left is not None and left_tag in VERB_TAGS and left_tag != "MD":
        lemma = verb_lemma(tagged[left][0])
        if lemma == "be":
            return Agency("other", "be", "copula-complement")
        return Agency("patient", lemma, "object")
    if left is not None and left_word in PATIENT_PREPOSITIONS | {"with"}:
        for j in range(left - 1, max(left - 4, -1), -1):
            tag_j = tagged[j][1]
            if tag_j in VERB_TAGS and tag_j != "MD":
                lemma = verb_lemma(tagged[j][0])
                if lemma != "be":
                    return Agency("patient", lemma, "oblique")
                break
            if tag_j in CLAUSE_BREAK_TAGS:
                break
    # A finite verb right after the mention: its subject ("over 2 million children are ...").
    if (
        not is_us
        and left_word not in {"of", "in", "at", "from", "about", "into", "between", "among"}
        and _finite_next(tagged, mention.end)
    ):
        group = _verb_group(tagged, _skip_adverbs(tagged, mention.end))
        if group:
            agency = _read_group(tagged, group)
            return Agency(agency.role, agency.verb, "finite-next", agency.negated, agency.modal)
    return Agency("other", "", "no-rule")


def _skip_adverbs(tagged: Sequence[tuple[str, str, int, int]], i: int) -> int:
    while i < len(tagged) and tagged[i][1] in {"RB", "RBR", "RBS"}:
        i += 1
    return i
