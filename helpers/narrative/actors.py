"""The actor dictionary (``data/actors.csv``) and finding actor mentions in sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.lexicons import load_lexicon
from helpers.paths import DATA_DIR

ACTORS_PATH: Path = DATA_DIR / "actors.csv"


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
    frame = load_lexicon(path, ["actor", "pattern", "notes"])
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


NOUN_TAGS: frozenset[str] = frozenset({"NN", "NNS", "NNP", "NNPS"})
OUTSIDE_ACTOR = "(not in the dictionary)"


def noun_spans(
    sentences: pd.DataFrame,
    patterns: list[tuple[str, re.Pattern[str]]],
    tagger,
) -> pd.DataFrame:
    """Noun phrases the actor dictionary does not match: every maximal run of noun tokens
    (``NOUN_TAGS``, so "school places", "the Virtual School Head") that overlaps no
    dictionary mention of its sentence, as ``doc_id, sent_id, char_start, char_end, actor,
    surface, sentence`` (``actor`` is ``OUTSIDE_ACTOR``). They are training material for the
    mention classifier (the same coding guide applies to any participant), not analysed as
    actors. ``tagger``: ``helpers.narrative.language.pos_tag``."""
    rows = []
    for sent_id, doc_id, text in zip(
        sentences["sent_id"], sentences["doc_id"], sentences["text"], strict=True
    ):
        tagged = tagger(text)
        taken = [range(m.start, m.end) for m in find_mentions(text, tagged, patterns)]
        i = 0
        while i < len(tagged):
            if tagged[i][1] not in NOUN_TAGS:
                i += 1
                continue
            j = i
            while j + 1 < len(tagged) and tagged[j + 1][1] in NOUN_TAGS:
                j += 1
            if not any(k in r for r in taken for k in range(i, j + 1)):
                start, end = tagged[i][2], tagged[j][3]
                rows.append(
                    {"doc_id": doc_id, "sent_id": sent_id, "char_start": start, "char_end": end,
                     "actor": OUTSIDE_ACTOR, "surface": text[start:end], "sentence": text}
                )  # fmt: skip
            i = j + 1
    columns = ["doc_id", "sent_id", "char_start", "char_end", "actor", "surface", "sentence"]
    return pd.DataFrame(rows, columns=columns)
