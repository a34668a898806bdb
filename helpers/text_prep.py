"""Text preparation for the topic models (notebooks 03-04).

The pipeline is deliberately a chain of small, separately callable steps so a
notebook can show counts before and after each one:

1. ``tokenise``: lower-case, letters only; possessive ``'s`` stripped
   (``children's`` -> ``children``), other contractions (``don't``, ``we're``)
   dropped as function words; hyphenated words split (``sector-led`` ->
   ``sector``, ``led``) so that phrase detection can re-join them.
2. ``lemmatise``: LemmInflect's English lemma lexicon (ships inside the PyPI
   wheel; MIT licence), noun reading first, so ``children`` -> ``child``,
   ``services`` -> ``service``, ``thinking`` -> ``think``; words the lexicon
   does not know (``ofsted``, ``dfe``) are kept as they are. General
   stopwords are not lemmatised (``does`` must stay ``does``, not ``doe``),
   so that the connector words phrase detection relies on survive intact.
   (simplemma was tried first and produced ``thinke``, ``growe``, ``wick``.)
3. ``learn_phrases`` / ``apply_phrases``: gensim ``Phrases`` in two passes
   (bigrams, then trigrams built from bigrams), with English connector words
   so ``director of child service`` can become one token.
4. ``remove_stopwords``: a general English list (gensim's ``STOPWORDS`` minus
   a few words that are content words in this domain) plus a documented domain
   list kept in ``data/stopwords_domain.txt``.
5. ``build_dictionary``: gensim ``Dictionary`` with ``filter_extremes``.

``prepare_corpus(texts)`` runs the whole chain with the collection's default
thresholds and returns a ``Prepared`` named tuple
``(docs, dictionary, bow, steps)``; ``steps`` is a DataFrame of counts after
each step, for the notebook to print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from gensim.corpora import Dictionary
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phrases
from gensim.parsing.preprocessing import STOPWORDS
from lemminflect import getAllLemmas

from helpers.paths import DATA_DIR
from helpers.textnorm import fold_quotes

DOMAIN_STOPWORDS_PATH: Path = DATA_DIR / "stopwords_domain.txt"

#: Words in gensim's general list that carry meaning in children's-services
#: writing ("the system", "the Bill", "serious case review", "in the child's
#: best interest"); they are kept as content words.
GENERAL_STOPWORD_EXCEPTIONS: frozenset[str] = frozenset({"bill", "system", "serious", "interest"})

_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")


class Prepared(NamedTuple):
    """Result of ``prepare_corpus``: token lists, dictionary, bag-of-words, step counts."""

    docs: list[list[str]]
    dictionary: Dictionary
    bow: list[list[tuple[int, int]]]
    steps: pd.DataFrame


def tokenise(text: str, min_length: int = 2) -> list[str]:
    """Split ``text`` into lower-case word tokens.

    Letters only (numbers and punctuation are dropped); hyphens split words;
    a possessive ``'s`` (or a bare trailing apostrophe) is stripped; any other
    contraction (``don't``, ``we're``, ``I'm``) is dropped as a function word.
    Tokens shorter than ``min_length`` characters are dropped.
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenise expects a string, got {type(text).__name__}")
    lowered = fold_quotes(text).lower()
    tokens: list[str] = []
    for match in _WORD_RE.finditer(lowered):
        word = match.group(0)
        if "'" in word:
            stem, suffix = word.split("'", 1)
            if suffix != "s":
                continue  # contraction: a function word
            word = stem
        if len(word) >= min_length:
            tokens.append(word)
    return tokens


#: Order in which LemmInflect's readings are preferred: topics are mostly about nouns.
LEMMA_POS_ORDER: tuple[str, ...] = ("NOUN", "ADJ", "VERB", "ADV", "PROPN", "AUX")


@lru_cache(maxsize=100_000)
def lemma(token: str) -> str:
    """Return the LemmInflect lemma of ``token`` (noun reading first), or ``token`` if unknown."""
    readings = getAllLemmas(token)
    for pos in LEMMA_POS_ORDER:
        if pos in readings:
            return readings[pos][0].lower()
    return token


def lemmatise(tokens: Iterable[str], keep: frozenset[str] = frozenset()) -> list[str]:
    """Replace each token by its lemma; tokens in ``keep`` (e.g. stopwords) are left unchanged."""
    return [token if token in keep else lemma(token) for token in tokens]


def general_stopwords() -> frozenset[str]:
    """gensim's English ``STOPWORDS`` minus ``GENERAL_STOPWORD_EXCEPTIONS``."""
    return frozenset(STOPWORDS) - GENERAL_STOPWORD_EXCEPTIONS


def load_domain_stopwords(path: Path = DOMAIN_STOPWORDS_PATH) -> frozenset[str]:
    """Read a domain stopword file: one lower-case word per line, ``#`` starts a comment.

    Raises ``FileNotFoundError`` or ``ValueError`` naming the file and line on
    bad input (a line with spaces, upper case or non-letters).
    """
    if not path.exists():
        raise FileNotFoundError(f"domain stopword list not found: {path.name} in {path.parent}")
    words: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        if not re.fullmatch(r"[a-z_]+", entry):
            raise ValueError(
                f"{path.name} line {number}: {entry!r} is not one lower-case word "
                "(letters or '_' only; put reasons after '#')"
            )
        words.add(entry)
    if not words:
        raise ValueError(f"{path.name}: no stopwords found")
    return frozenset(words)


def learn_phrases(
    docs: Sequence[Sequence[str]],
    min_count: int = 5,
    threshold: float = 0.5,
    passes: int = 2,
) -> list[FrozenPhrases]:
    """Learn ``passes`` successive gensim ``Phrases`` layers (NPMI scoring).

    Pass 1 joins word pairs, pass 2 can join a learned pair with a further
    word, and so on. English connector words (``of``, ``the``, ``and``...) may
    sit inside a phrase but never start or end one.
    """
    layers: list[FrozenPhrases] = []
    current = [list(doc) for doc in docs]
    for _ in range(passes):
        model = Phrases(
            current,
            min_count=min_count,
            threshold=threshold,
            scoring="npmi",
            connector_words=ENGLISH_CONNECTOR_WORDS,
            delimiter="_",
        )
        frozen = model.freeze()
        layers.append(frozen)
        current = [frozen[doc] for doc in current]
    return layers


def apply_phrases(
    docs: Sequence[Sequence[str]], layers: Sequence[FrozenPhrases]
) -> list[list[str]]:
    """Apply learned phrase layers in order."""
    current = [list(doc) for doc in docs]
    for layer in layers:
        current = [layer[doc] for doc in current]
    return current


def is_stop(token: str, stopwords: frozenset[str]) -> bool:
    """True if ``token`` is a stopword, or a phrase made only of stopwords."""
    if token in stopwords:
        return True
    parts = token.split("_")
    return len(parts) > 1 and all(part in stopwords for part in parts)


def remove_stopwords(tokens: Iterable[str], stopwords: frozenset[str]) -> list[str]:
    """Drop stopwords; repair phrases that begin or end with a stopword.

    A phrase made only of stopwords (``as_well``) is dropped. A phrase whose
    first or last word is a stopword (``will_continue``, ``spoke_about``) is
    not a real multi-word term: it is split back into its words and only the
    non-stopwords are kept (``continue``). Connector words inside a phrase
    (``director_of_child_service``) are fine.
    """
    kept: list[str] = []
    for token in tokens:
        if is_stop(token, stopwords):
            continue
        parts = token.split("_")
        if len(parts) > 1 and (parts[0] in stopwords or parts[-1] in stopwords):
            kept.extend(part for part in parts if part and part not in stopwords)
        else:
            kept.append(token)
    return kept


def build_dictionary(
    docs: Sequence[Sequence[str]],
    no_below: int = 3,
    no_above: float = 0.6,
    keep_n: int | None = None,
) -> tuple[Dictionary, list[list[tuple[int, int]]]]:
    """Build a gensim ``Dictionary``, apply ``filter_extremes`` and return it with the BoW.

    ``no_below``: keep words in at least this many documents. ``no_above``:
    drop words in more than this share of documents. ``keep_n``: then keep only
    the ``keep_n`` most frequent words (``None``: no cap).
    """
    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    bow = [dictionary.doc2bow(doc) for doc in docs]
    return dictionary, bow


def _counts(step: str, docs: Sequence[Sequence[str]]) -> dict[str, object]:
    types = set()
    for doc in docs:
        types.update(doc)
    return {
        "step": step,
        "documents": len(docs),
        "tokens": sum(len(doc) for doc in docs),
        "types": len(types),
        "empty_documents": sum(1 for doc in docs if not doc),
    }


def prepare_corpus(
    texts: Sequence[str],
    stopwords: frozenset[str] | None = None,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.5,
    no_below: int = 3,
    no_above: float = 0.6,
    keep_n: int | None = None,
) -> Prepared:
    """Run the whole preparation chain on ``texts`` (one string per document).

    ``stopwords`` defaults to ``general_stopwords() | load_domain_stopwords()``.
    Returns ``Prepared(docs, dictionary, bow, steps)``: ``docs`` are the token
    lists restricted to the dictionary (the reference texts for coherence),
    ``steps`` the counts after each step.
    """
    prepared, _, _ = _prepare(
        texts, stopwords, phrase_min_count, phrase_threshold, no_below, no_above, keep_n
    )
    return prepared


def _prepare(
    texts: Sequence[str],
    stopwords: frozenset[str] | None = None,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.5,
    no_below: int = 3,
    no_above: float = 0.6,
    keep_n: int | None = None,
) -> tuple[Prepared, list[FrozenPhrases], frozenset[str]]:
    """``prepare_corpus`` plus the phrase layers and stopwords it used."""
    texts = list(texts)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"prepare_corpus: text {index} is {type(text).__name__}, not str")
    if stopwords is None:
        stopwords = general_stopwords() | load_domain_stopwords()
    steps = []
    docs = [tokenise(text) for text in texts]
    steps.append(_counts("1 tokenise", docs))
    general = general_stopwords()
    docs = [lemmatise(doc, keep=general) for doc in docs]
    steps.append(_counts("2 lemmatise", docs))
    layers = learn_phrases(docs, min_count=phrase_min_count, threshold=phrase_threshold)
    docs = apply_phrases(docs, layers)
    steps.append(_counts("3 phrases", docs))
    docs = [remove_stopwords(doc, stopwords) for doc in docs]
    steps.append(_counts("4 stopwords", docs))
    dictionary, _ = build_dictionary(docs, no_below=no_below, no_above=no_above, keep_n=keep_n)
    token2id = dictionary.token2id
    docs = [[token for token in doc if token in token2id] for doc in docs]
    bow = [dictionary.doc2bow(doc) for doc in docs]
    steps.append(_counts("5 filter_extremes", docs))
    return Prepared(docs, dictionary, bow, pd.DataFrame(steps)), layers, stopwords


def prepare_with_paragraphs(
    texts: Sequence[str],
    paragraphs: Sequence[Sequence[str]],
    stopwords: frozenset[str] | None = None,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.5,
    no_below: int = 3,
    no_above: float = 0.6,
    keep_n: int | None = None,
) -> tuple[Prepared, list[list[str]], list[int], list[int]]:
    """Prepare posts with ``prepare_corpus`` and their paragraphs with the *same* chain.

    ``paragraphs[i]`` are the paragraph texts of post ``i``. The phrases, stopwords and
    dictionary are those learned on the posts, so paragraph tokens are the post's tokens
    cut at paragraph boundaries (up to a phrase that spans a boundary). Returns
    ``(prepared_posts, paragraph_tokens, paragraph_post, paragraph_number)``, where
    ``paragraph_post[j]`` is the index of the post of paragraph ``j`` and
    ``paragraph_number[j]`` its position in ``paragraphs[post]``; paragraphs left with no
    tokens are dropped
    (they carry no words a topic model could use) and counted in ``prepared.steps``.
    """
    if len(paragraphs) != len(texts):
        raise ValueError(f"{len(texts)} posts but paragraphs for {len(paragraphs)}")
    prepared, layers, stopwords = _prepare(
        texts, stopwords, phrase_min_count, phrase_threshold, no_below, no_above, keep_n
    )
    token2id = prepared.dictionary.token2id
    general = general_stopwords()
    para_tokens: list[list[str]] = []
    para_post: list[int] = []
    para_number: list[int] = []
    empty = 0
    for post, texts_of_post in enumerate(paragraphs):
        for number, text in enumerate(texts_of_post):
            tokens = lemmatise(tokenise(text), keep=general)
            tokens = apply_phrases([tokens], layers)[0]
            tokens = [t for t in remove_stopwords(tokens, stopwords) if t in token2id]
            if tokens:
                para_tokens.append(tokens)
                para_post.append(post)
                para_number.append(number)
            else:
                empty += 1
    row = _counts("6 paragraphs", para_tokens)
    row["empty_documents"] = empty
    steps = pd.concat([prepared.steps, pd.DataFrame([row])], ignore_index=True)
    return prepared._replace(steps=steps), para_tokens, para_post, para_number


def split_chunks(text: str, min_words: int = 150) -> list[str]:
    """Split a post into chunks of consecutive paragraphs of at least ``min_words`` words.

    Paragraphs are separated by blank lines. Paragraphs are added to the
    current chunk until it reaches ``min_words``; a short remainder at the end
    is merged into the previous chunk, so no text is dropped.
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for paragraph in paragraphs:
        current.append(paragraph)
        size += len(paragraph.split())
        if size >= min_words:
            chunks.append(current)
            current, size = [], 0
    if current:
        if chunks:
            chunks[-1].extend(current)
        else:
            chunks.append(current)
    return ["\n\n".join(chunk) for chunk in chunks]


def chunk_tokens(doc: Sequence[str], size: int) -> list[list[str]]:
    """Split one prepared token list into consecutive chunks of about ``size`` tokens.

    The number of chunks is ``max(1, round(len(doc) / size))`` and tokens are
    shared out as evenly as possible, so no token is dropped and no chunk is a
    tiny remainder. The chunks of a post use exactly the post's tokens, so
    post-level and chunk-level models share vocabulary and reference texts.
    """
    if size < 1:
        raise ValueError(f"chunk size must be positive, got {size}")
    doc = list(doc)
    n = max(1, round(len(doc) / size))
    bounds = [round(i * len(doc) / n) for i in range(n + 1)]
    return [doc[bounds[i] : bounds[i + 1]] for i in range(n)]
