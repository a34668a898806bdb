"""Rule-based narrative coding: sentences, actors, agency, NPF roles, pronouns, modality.

Everything here runs offline with resources shipped in PyPI packages:

* sentence splitting: ``pysbd`` (MIT) run paragraph by paragraph;
* part-of-speech tags: the Brill-style tagger of Pattern shipped inside ``textblob``
  (``textblob.en.tag``; TextBlob MIT, code from Pattern BSD-3-Clause, Brill's lexicon
  MIT per its header), applied to our own Penn-style tokens, plus a few stated
  corrections for verbs the lexicon tags as nouns;
* lemmas and "can this word be a verb?": ``lemminflect`` (MIT).

The rules are deliberately simple and are stated in each function's docstring so the
notebook can show where they fail. They are validated against a hand-coded sample
(``data/validation/actor_mentions_coded.csv``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import lemminflect
import pandas as pd
import pysbd
from textblob.en import tag as _pattern_tag

from helpers.paths import DATA_DIR

ACTORS_PATH: Path = DATA_DIR / "actors.csv"
VERB_CATEGORIES_PATH: Path = DATA_DIR / "verb_categories.csv"

VERB_TAGS: frozenset[str] = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
BE_FORMS: frozenset[str] = frozenset({"be", "is", "are", "was", "were", "been", "being", "am"})
GET_FORMS: frozenset[str] = frozenset({"get", "gets", "got", "gotten", "getting"})
AUX_LEMMAS: frozenset[str] = frozenset({"be", "have", "do", "will", "shall", "would", "can"})
NEGATIONS: frozenset[str] = frozenset({"not", "n't", "never", "no longer", "cannot"})
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
SUBJECT_PRONOUNS: frozenset[str] = frozenset({"i", "we", "you", "they", "he", "she", "it"})

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


# ---------------------------------------------------------------------------
# Sentences and tokens
# ---------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SEGMENTER = pysbd.Segmenter(language="en", clean=False)


def normalise_text(text: str) -> str:
    """Replace curly quotes with straight ones and collapse runs of spaces."""
    return re.sub(r"[ \t]+", " ", text.translate(_QUOTES)).strip()


def split_sentences(text: str) -> list[str]:
    """Split a post into sentences: paragraphs (blank-line separated) then ``pysbd``.

    Splitting paragraph by paragraph stops a heading or list item without a full stop
    from swallowing the next paragraph. Empty pieces are dropped; quotes are normalised.
    """
    if not isinstance(text, str):
        raise TypeError(f"split_sentences expects a string, got {type(text).__name__}")
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = normalise_text(paragraph.replace("\n", " "))
        if not paragraph:
            continue
        for sentence in _SEGMENTER.segment(paragraph):
            sentence = sentence.strip()
            if sentence:
                sentences.append(sentence)
    return sentences


_TOKEN_RE = re.compile(
    r"(?i)(?:ca|wo|sha|[a-z]+)(?=n't\b)|n't\b|'(?:s|re|ve|ll|d|m)\b|"
    r"\d+(?:[.,]\d+)*%?|\w+(?:[-.]\w+)*|[^\w\s]"
)


def tokenize(sentence: str) -> list[tuple[str, int, int]]:
    """Penn-style tokens with character offsets: ``(token, start, end)``.

    Contractions are split as the tagger expects ("can't" -> "ca", "n't"; "children's" ->
    "children", "'s"); hyphenated words stay whole.
    """
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(sentence)]


def _verb_capable(word: str) -> bool:
    lemmas = lemminflect.getAllLemmas(word.lower())
    return "VERB" in lemmas or "AUX" in lemmas


@lru_cache(maxsize=200_000)
def is_participle(word: str) -> bool:
    """True if ``word`` is the past participle of some verb (lemminflect's inflections)."""
    low = word.lower()
    lemmas = lemminflect.getAllLemmas(low).get("VERB", ())
    return any(low in lemminflect.getInflection(lemma, tag="VBN") for lemma in lemmas)


@lru_cache(maxsize=200_000)
def verb_lemma(word: str) -> str:
    """Lemma of ``word`` read as a verb (lemminflect), falling back to the lower-cased word."""
    lemmas = lemminflect.getAllLemmas(word.lower())
    for upos in ("VERB", "AUX"):
        if upos in lemmas:
            return lemmas[upos][0]
    guessed = lemminflect.getAllLemmasOOV(word.lower(), upos="VERB").get("VERB")
    return guessed[0] if guessed else word.lower()


@lru_cache(maxsize=20_000)
def pos_tag(sentence: str) -> tuple[tuple[str, str, int, int], ...]:
    """Tag a sentence: ``(token, Penn tag, start, end)`` using Pattern's tagger plus fixes.

    Stated corrections (the Pattern lexicon often tags verbs as nouns after "to" or a
    pronoun subject):

    1. after ``to`` (TO) or a modal (MD), a verb-capable word tagged NN/NNS/JJ -> VB;
    2. after a subject pronoun (we, they, I, you, he, she, it) or the relative "who"/"which",
       a verb-capable NN/NNS -> VBP;
    3. after a plural noun (NNS), a verb-capable NN followed by ``to`` or a determiner or a
       possessive pronoun -> VBP ("partners need to ...", "councils fund the ...").

    Results are cached per sentence (the notebooks tag each sentence twice: mentions and
    modal statements); the returned tuple must not be modified.
    """
    tokens = tokenize(sentence)
    if not tokens:
        return ()
    tagged = _pattern_tag(" ".join(tok for tok, _, _ in tokens), tokenize=False)
    if len(tagged) != len(tokens):  # defensive: the tagger should keep our tokens
        raise ValueError(f"tagger changed the tokenisation of: {sentence[:80]!r}")
    tags = [t for _, t in tagged]
    words = [tok for tok, _, _ in tokens]
    for i in range(1, len(words)):
        prev_tag, prev_word = tags[i - 1], words[i - 1].lower()
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        nxt_tag = tags[i + 1] if i + 1 < len(words) else ""
        if tags[i] in {"NN", "NNS", "JJ"} and prev_tag in {"TO", "MD"} and _verb_capable(words[i]):
            tags[i] = "VB"
        elif (
            tags[i] in {"NN", "NNS"}
            and (
                (prev_word in SUBJECT_PRONOUNS and prev_tag == "PRP")
                or prev_word in {"who", "which"}
            )
            and _verb_capable(words[i])
        ) or (
            tags[i] == "NN"
            and prev_tag == "NNS"
            and (nxt == "to" or nxt_tag in {"DT", "PRP$"})
            and _verb_capable(words[i])
        ):
            tags[i] = "VBP"
    return tuple((w, t, s, e) for (w, s, e), t in zip(tokens, tags, strict=True))


# ---------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """One actor mention inside a sentence (token span ``[start, end)``)."""

    actor: str
    surface: str
    start: int
    end: int


def load_actors(path: Path = ACTORS_PATH) -> pd.DataFrame:
    """Read the actor dictionary (columns ``actor``, ``pattern``, ``notes``) and check it.

    Patterns are Python regular expressions matched case-insensitively on word
    boundaries against the sentence text. Raises ``ValueError`` naming the file and row on
    a missing column or an invalid pattern.
    """
    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False)
    missing = {"actor", "pattern", "notes"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
    for row in frame.itertuples():
        if not row.actor or not row.pattern:
            raise ValueError(f"{path.name}: empty actor or pattern on row {row.Index + 2}")
        try:
            re.compile(row.pattern)
        except re.error as err:
            raise ValueError(f"{path.name}: bad pattern on row {row.Index + 2}: {err}") from err
    return frame


def compile_actor_patterns(actors: pd.DataFrame) -> list[tuple[str, re.Pattern[str]]]:
    """Compile each dictionary row to ``(actor, regex)`` with word boundaries, ignoring case."""
    return [
        (row.actor, re.compile(rf"(?<![\w-])(?:{row.pattern})(?![\w-])", re.IGNORECASE))
        for row in actors.itertuples()
    ]


def find_mentions(
    sentence: str,
    tagged: Sequence[tuple[str, str, int, int]],
    patterns: list[tuple[str, re.Pattern[str]]],
) -> list[Mention]:
    """Find actor mentions; overlapping matches keep the longest (then the earliest).

    So "local government" is a local-authority mention, not a central-government one.
    Character matches are mapped to the tokens they cover.
    """
    candidates: list[tuple[int, int, str, str]] = []
    for actor, regex in patterns:
        for match in regex.finditer(sentence):
            candidates.append((match.start(), match.end(), actor, match.group(0)))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    mentions: list[Mention] = []
    for start, end, actor, surface in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        token_ids = [i for i, (_, _, s, e) in enumerate(tagged) if s < end and start < e]
        if not token_ids:
            continue
        taken.append((start, end))
        mentions.append(Mention(actor, surface, token_ids[0], token_ids[-1] + 1))
    return sorted(mentions, key=lambda m: m.start)


# ---------------------------------------------------------------------------
# Agency: agent / patient / other, with the verb
# ---------------------------------------------------------------------------


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
        if nxt == "to" and f"{w} to" in MODALS:
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
    if left_word == "by" and left is not None:
        for j in range(left - 1, max(left - 4, -1), -1):
            word_j, tag_j = tagged[j][0], tagged[j][1]
            if tag_j in VERB_TAGS and word_j.lower() not in BE_FORMS and is_participle(word_j):
                return Agency("agent", verb_lemma(word_j), "passive-by")
    is_us = mention.end - mention.start == 1 and tagged[mention.start][0].lower() == "us"
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
    if left is not None and left_word in PATIENT_PREPOSITIONS:
        for j in range(left - 1, max(left - 4, -1), -1):
            tag_j = tagged[j][1]
            if tag_j in VERB_TAGS and tag_j != "MD":
                lemma = verb_lemma(tagged[j][0])
                if lemma != "be":
                    return Agency("patient", lemma, "oblique")
                break
            if tag_j in CLAUSE_BREAK_TAGS:
                break
    return Agency("other", "", "no-rule")


# ---------------------------------------------------------------------------
# Verb categories and NPF roles
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Whole-corpus coding
# ---------------------------------------------------------------------------


def sentences_table(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id, position, n_sent, n_words, text``.

    ``position`` is 0-based inside the post; ``n_sent`` the post's sentence count.
    Raises ``ValueError`` if ``posts`` lacks ``doc_id`` or ``text``.
    """
    if missing := {"doc_id", "text"} - set(posts.columns):
        raise ValueError(f"posts table lacks columns {sorted(missing)}")
    rows = []
    for doc_id, text in zip(posts["doc_id"], posts["text"], strict=True):
        sentences = split_sentences(text)
        for position, sentence in enumerate(sentences):
            rows.append(
                {
                    "doc_id": doc_id,
                    "sent_id": f"{doc_id}-s{position:03d}",
                    "position": position,
                    "n_sent": len(sentences),
                    "n_words": len(re.findall(r"\b\w[\w'-]*\b", sentence)),
                    "text": sentence,
                }
            )
    return pd.DataFrame(
        rows, columns=["doc_id", "sent_id", "position", "n_sent", "n_words", "text"]
    )


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


def stratified_sample(mentions: pd.DataFrame, per_actor: int, seed: int) -> pd.DataFrame:
    """Draw up to ``per_actor`` mentions of every actor (all of them if fewer), seeded.

    Used to draw the hand-coding sample; the result is sorted by actor then ``sent_id``
    then ``char_start`` so the coding file has a stable order.
    """
    if per_actor < 1:
        raise ValueError("per_actor must be at least 1")
    parts = []
    for _, group in mentions.groupby("actor", sort=True):
        parts.append(group.sample(n=min(per_actor, len(group)), random_state=seed))
    sample = pd.concat(parts, ignore_index=True)
    return sample.sort_values(["actor", "sent_id", "char_start"]).reset_index(drop=True)


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
