"""Language processing for the narrative rules: sentences, tokens, tags, lemmas.

* sentence splitting: ``pysbd`` (MIT) run paragraph by paragraph;
* part-of-speech tags: the Brill-style tagger of Pattern shipped inside ``textblob``
  (``textblob.en.tag``; TextBlob MIT, code from Pattern BSD-3-Clause, Brill's lexicon
  MIT per its header), applied to our own Penn-style tokens, plus a few stated
  corrections for verbs the lexicon tags as nouns;
* lemmas and "can this word be a verb?": ``lemminflect`` (MIT).

Identifiers that other files rely on (stable, documented in ``data/actors.md``):
``sent_id`` is ``<doc_id>-sNNN`` with NNN the 0-based sentence number in the post as split
by :func:`split_sentences`; a ``char_start`` is a character offset into that sentence's text
(quotes folded to ASCII, runs of spaces collapsed), which is exported beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import lemminflect
import pandas as pd
import pysbd
from textblob.en import tag as _pattern_tag

from helpers.paths import CACHE_DIR
from helpers.textnorm import fold_quotes

VERB_TAGS: frozenset[str] = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
BE_FORMS: frozenset[str] = frozenset({"be", "is", "are", "was", "were", "been", "being", "am"})
GET_FORMS: frozenset[str] = frozenset({"get", "gets", "got", "gotten", "getting"})
AUX_LEMMAS: frozenset[str] = frozenset({"be", "have", "do", "will", "shall", "would", "can"})
NEGATIONS: frozenset[str] = frozenset({"not", "n't", "never", "no longer", "cannot"})
SUBJECT_PRONOUNS: frozenset[str] = frozenset({"i", "we", "you", "they", "he", "she", "it"})

_SEGMENTER = pysbd.Segmenter(language="en", clean=False)


def normalise_text(text: str) -> str:
    """Fold curly quotes to ASCII (``fold_quotes``) and collapse runs of spaces."""
    return re.sub(r"[ \t]+", " ", fold_quotes(text)).strip()


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


SENTENCE_CACHE: Path = CACHE_DIR / "sentences.json"
# Change when split_sentences or normalise_text changes: old cache entries are then ignored.
SENTENCE_CACHE_VERSION = "1"


def _cache_key(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{SENTENCE_CACHE_VERSION}:{pysbd.__version__}:{digest}"


def _read_cache(path: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(path: Path, data: dict[str, list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".sentences.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)  # a cache that cannot be written is only slower


def sentences_table(posts: pd.DataFrame, cache: Path | None = SENTENCE_CACHE) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id, position, n_sent, n_words, text``.

    ``position`` is 0-based inside the post; ``n_sent`` the post's sentence count;
    ``sent_id`` is ``<doc_id>-sNNN`` with NNN = ``position``. Raises ``ValueError`` if
    ``posts`` lacks ``doc_id`` or ``text``.

    Sentence splitting (pysbd) is the slow step, so the split of each post text is kept
    in ``cache`` (JSON keyed by the text's SHA-256, the pysbd version and
    ``SENTENCE_CACHE_VERSION``; written to a temporary file and renamed). ``cache=None``
    disables it; the result is the same either way.
    """
    if missing := {"doc_id", "text"} - set(posts.columns):
        raise ValueError(f"posts table lacks columns {sorted(missing)}")
    stored = _read_cache(cache) if cache is not None else {}
    changed = False
    rows = []
    for doc_id, text in zip(posts["doc_id"], posts["text"], strict=True):
        key = _cache_key(text) if isinstance(text, str) else ""
        sentences = stored.get(key) if key else None
        if not isinstance(sentences, list):
            sentences = split_sentences(text)
            if key:
                stored[key] = sentences
                changed = True
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
    if cache is not None and changed:
        _write_cache(cache, stored)
    return pd.DataFrame(
        rows, columns=["doc_id", "sent_id", "position", "n_sent", "n_words", "text"]
    )
