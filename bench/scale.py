"""Streamed text preparation and LDA for corpora that do not fit comfortably in memory.

``helpers.text_prep.prepare_corpus`` holds every document's token list in
memory at once (about 60 bytes a token in Python lists of str), which is what
grows with corpus size. The functions here run the same chain, with the same
functions and thresholds, but keep only one document in memory at a time:

1. ``write_token_file``: tokenise and lemmatise each text once and write the
   tokens to a plain text file, one document per line.
2. ``prepare_streamed``: learn the two phrase layers, then the dictionary, by
   re-reading that file (one pass each), write the final token lists to a
   second file (the reference texts for coherence) and serialise the
   bag-of-words with gensim's ``MmCorpus.serialize`` (Matrix Market on disk).
3. ``fit_lda_streamed``: fit a seeded ``LdaModel`` that streams the ``MmCorpus``
   from disk on every pass.

What stays in memory: the phrase counts, the dictionary and the LDA model (all
sized by the vocabulary, not by the number of documents). The price is CPU
and disk: the token file is re-read three times and the bag-of-words once per
LDA pass (the benchmark measures both sides; see bench/README.md).
``tests/test_scale.py`` checks that the streamed bag-of-words equals
``prepare_corpus(...).bow`` exactly.

"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from gensim.corpora import Dictionary, MmCorpus
from gensim.models import LdaModel
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phrases

from helpers.text_prep import (
    general_stopwords,
    lemmatise,
    load_domain_stopwords,
    remove_stopwords,
    tokenise,
)
from helpers.topics import LDA_DEFAULTS


class StreamedPrepared(NamedTuple):
    """Result of ``prepare_streamed``: everything on disk except the dictionary."""

    dictionary: Dictionary
    corpus_path: Path
    """Matrix Market bag-of-words (``MmCorpus``), one row per input text."""
    docs_path: Path
    """Final token lists (after dictionary filtering), one document per line."""
    n_docs: int


class TokenFile:
    """Re-iterable view of a token file: each iteration yields one ``list[str]`` per line."""

    def __init__(self, path: Path, transform: Callable[[list[str]], list[str]] | None = None):
        self.path = Path(path)
        self.transform = transform

    def __iter__(self) -> Iterator[list[str]]:
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                tokens = line.split()
                yield self.transform(tokens) if self.transform else tokens


def iter_post_texts(
    posts_path: Path, chunksize: int = 1000, include_reprints: bool = False
) -> Iterator[str]:
    """Yield post texts from a segmented ``posts.csv`` a chunk of rows at a time.

    Reprints (``duplicate_of`` set) are skipped unless ``include_reprints``.
    """
    if not Path(posts_path).exists():
        raise FileNotFoundError(f"{posts_path} not found")
    reader = pd.read_csv(
        posts_path,
        usecols=["doc_id", "duplicate_of", "text"],
        chunksize=chunksize,
        keep_default_na=False,
        na_values={"duplicate_of": [""]},
    )
    for chunk in reader:
        if not include_reprints:
            chunk = chunk[chunk["duplicate_of"].isna()]
        for doc_id, text in zip(chunk["doc_id"], chunk["text"], strict=True):
            if not isinstance(text, str):
                raise TypeError(f"{Path(posts_path).name}: text of {doc_id} is not a string")
            yield text


def write_token_file(texts: Iterable[str], path: Path) -> int:
    """Tokenise and lemmatise each text (as ``prepare_corpus`` does) into ``path``.

    One document per line, tokens separated by single spaces (tokens never
    contain white space). Returns the number of documents written.
    """
    general = general_stopwords()
    n_docs = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"write_token_file: text {index} is {type(text).__name__}")
            handle.write(" ".join(lemmatise(tokenise(text), keep=general)) + "\n")
            n_docs += 1
    return n_docs


def _apply_layers(layers: Sequence[FrozenPhrases]) -> Callable[[list[str]], list[str]]:
    def apply(tokens: list[str]) -> list[str]:
        for layer in layers:
            tokens = layer[tokens]
        return tokens

    return apply


def learn_phrases_streamed(
    token_path: Path, min_count: int = 5, threshold: float = 0.5, passes: int = 2
) -> list[FrozenPhrases]:
    """``text_prep.learn_phrases`` over a token file: one file pass per layer."""
    layers: list[FrozenPhrases] = []
    for _ in range(passes):
        model = Phrases(
            TokenFile(token_path, _apply_layers(list(layers))),
            min_count=min_count,
            threshold=threshold,
            scoring="npmi",
            connector_words=ENGLISH_CONNECTOR_WORDS,
            delimiter="_",
        )
        layers.append(model.freeze())
    return layers


def prepare_streamed(
    texts: Iterable[str],
    work_dir: Path,
    stopwords: frozenset[str] | None = None,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.5,
    no_below: int = 3,
    no_above: float = 0.6,
    keep_n: int | None = None,
) -> StreamedPrepared:
    """Run ``prepare_corpus``'s chain with one document in memory at a time.

    Writes ``tokens.txt``, ``docs.txt`` and ``bow.mm`` (+ index) into
    ``work_dir``. Same defaults as ``helpers.text_prep.prepare_corpus``, and the
    same bag-of-words.
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    if stopwords is None:
        stopwords = general_stopwords() | load_domain_stopwords()
    token_path = work_dir / "tokens.txt"
    n_docs = write_token_file(texts, token_path)
    if n_docs == 0:
        raise ValueError("prepare_streamed: no texts")
    layers = learn_phrases_streamed(token_path, phrase_min_count, phrase_threshold)
    phrase = _apply_layers(layers)
    stopped = TokenFile(token_path, lambda tokens: remove_stopwords(phrase(tokens), stopwords))
    dictionary = Dictionary(stopped)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    token2id = dictionary.token2id
    docs_path = work_dir / "docs.txt"
    with docs_path.open("w", encoding="utf-8", newline="\n") as handle:
        for tokens in stopped:
            handle.write(" ".join(t for t in tokens if t in token2id) + "\n")
    corpus_path = work_dir / "bow.mm"
    MmCorpus.serialize(
        str(corpus_path), (dictionary.doc2bow(doc) for doc in TokenFile(docs_path)), id2word=None
    )
    return StreamedPrepared(dictionary, corpus_path, docs_path, n_docs)


def load_bow(corpus_path: Path) -> Iterator[list[tuple[int, int]]]:
    """Stream a serialised bag-of-words back as ``(term id, int count)`` lists."""
    for doc in MmCorpus(str(corpus_path)):
        yield [(int(term), int(count)) for term, count in doc]


def fit_lda_streamed(
    corpus_path: Path, dictionary: Dictionary, k: int, seed: int, **lda_kwargs: Any
) -> LdaModel:
    """Fit a seeded ``LdaModel`` (``topics.LDA_DEFAULTS`` updated by ``lda_kwargs``)
    that reads the ``MmCorpus`` at ``corpus_path`` from disk on every pass."""
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    settings = {**LDA_DEFAULTS, **lda_kwargs}
    return LdaModel(
        corpus=MmCorpus(str(corpus_path)),
        id2word=dictionary,
        num_topics=k,
        random_state=seed,
        dtype=np.float64,
        **settings,
    )
