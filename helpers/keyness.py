"""Word counts, keyness and two-word expressions for comparing groups of posts.

All functions take *documents as token lists* (tokenise first, e.g. with
``helpers.text_prep.tokenise``) so that counting and statistics stay pure and
testable. Nothing here reads files.

Keyness (``keyness_table``)
    For every word, a 2x2 contingency table of its frequency in the target and
    reference groups against the groups' total token counts:

    ================  ==========  =============
                      target      reference
    ================  ==========  =============
    word              a           b
    all tokens        c           d
    ================  ==========  =============

    * **G2** (Dunning 1993 log-likelihood, in the form of Rayson & Garside
      2000): ``E1 = c (a + b) / (c + d)``, ``E2 = d (a + b) / (c + d)``,
      ``G2 = 2 (a ln(a / E1) + b ln(b / E2))`` with ``0 ln 0 = 0``. It measures
      how sure we can be that the difference is not chance (chi-square with one
      degree of freedom; 3.84 is p < 0.05, 10.83 is p < 0.001, 15.13 is
      p < 0.0001) but not how large the difference is.
    * **Log ratio** (Hardie 2014): ``log2((a / c) / (b / d))``, the effect
      size. +1 means twice as frequent (per token) in the target group, -1 half
      as frequent. A zero frequency is replaced by 0.5 (Hardie's adjustment)
      so a word absent from one group gets a large but finite value.
    * **Dispersion filter**: a word used 30 times in a single post is that
      post's topic, not a group's vocabulary. A word is kept only if it occurs
      in at least ``min_docs`` documents of the group in which it is *more*
      frequent (the group it is key for).

Two-word expressions (``bigram_table``)
    Adjacent pairs of tokens, neither a stopword, counted with their document
    frequency and pointwise mutual information
    ``PMI = log2(p(xy) / (p(x) p(y)))`` where probabilities are relative
    frequencies among all tokens (pairs: among all adjacent pairs).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import pandas as pd
from scipy.stats import chi2

#: Frequency substituted for a zero count in the log ratio (Hardie 2014).
ZERO_ADJUSTMENT: float = 0.5

KEYNESS_COLUMNS: list[str] = [
    "word",
    "key_for",
    "freq_target",
    "freq_reference",
    "per_10k_target",
    "per_10k_reference",
    "docs_target",
    "docs_reference",
    "g2",
    "p_value",
    "log_ratio",
]

BIGRAM_COLUMNS: list[str] = ["bigram", "freq", "docs", "pmi"]


def _check_docs(docs: Sequence[Sequence[str]], name: str) -> None:
    """Raise ``TypeError`` unless ``docs`` is a sequence of token lists (not strings)."""
    if isinstance(docs, str):
        raise TypeError(f"{name}: expected a list of token lists, got a string")
    for index, doc in enumerate(docs):
        if isinstance(doc, str):
            raise TypeError(
                f"{name}[{index}] is a string; tokenise each document into a list of words first"
            )


def term_counts(docs: Sequence[Sequence[str]]) -> tuple[Counter[str], Counter[str]]:
    """Return ``(frequency, document_frequency)`` of every token in ``docs``.

    ``frequency[w]`` is the number of occurrences of ``w``; ``document_frequency[w]``
    the number of documents containing it at least once.
    """
    _check_docs(docs, "docs")
    frequency: Counter[str] = Counter()
    document_frequency: Counter[str] = Counter()
    for doc in docs:
        frequency.update(doc)
        document_frequency.update(set(doc))
    return frequency, document_frequency


def log_likelihood(a: float, b: float, c: float, d: float) -> float:
    """Dunning's G2 for a word seen ``a`` times in ``c`` tokens and ``b`` times in ``d`` tokens.

    Terms with a zero observed count contribute 0 (``0 ln 0 = 0``). Raises
    ``ValueError`` if a count is negative, a total is not positive, or a count
    exceeds its total.
    """
    if min(a, b) < 0:
        raise ValueError(f"frequencies must be non-negative, got a={a}, b={b}")
    if c <= 0 or d <= 0:
        raise ValueError(f"corpus sizes must be positive, got c={c}, d={d}")
    if a > c or b > d:
        raise ValueError(f"a frequency exceeds its corpus size: a={a}, c={c}, b={b}, d={d}")
    total = a + b
    if total == 0:
        return 0.0
    expected_a = c * total / (c + d)
    expected_b = d * total / (c + d)
    g2 = 0.0
    if a > 0:
        g2 += a * math.log(a / expected_a)
    if b > 0:
        g2 += b * math.log(b / expected_b)
    return 2.0 * g2


def log_ratio(a: float, b: float, c: float, d: float, zero: float = ZERO_ADJUSTMENT) -> float:
    """Hardie's (2014) log ratio: ``log2((a / c) / (b / d))``.

    A zero frequency (``a`` or ``b``) is replaced by ``zero`` (0.5 by default)
    so that the result is finite. Positive: relatively more frequent in the
    first group; negative: in the second.
    """
    if min(a, b) < 0:
        raise ValueError(f"frequencies must be non-negative, got a={a}, b={b}")
    if c <= 0 or d <= 0:
        raise ValueError(f"corpus sizes must be positive, got c={c}, d={d}")
    if zero <= 0:
        raise ValueError(f"zero adjustment must be positive, got {zero}")
    a_adj = a if a > 0 else zero
    b_adj = b if b > 0 else zero
    return math.log2((a_adj / c) / (b_adj / d))


def keyness_table(
    target: Sequence[Sequence[str]],
    reference: Sequence[Sequence[str]],
    min_docs: int = 5,
) -> pd.DataFrame:
    """Compare word frequencies of two groups of tokenised documents.

    Returns one row per word that passes the dispersion filter (present in at
    least ``min_docs`` documents of the group it is more frequent in), with the
    columns ``KEYNESS_COLUMNS``: ``key_for`` ("target", "reference" or "equal"
    when the relative frequencies are identical; "equal" rows are filtered on
    the target group), raw and per-10,000-token frequencies, document counts,
    ``g2``, its ``p_value`` (chi-square, 1 df, uncorrected for the number of
    words tested) and ``log_ratio`` (target relative to reference). Rows are
    sorted by ``g2`` descending, ties by word, so the order is deterministic.
    """
    _check_docs(target, "target")
    _check_docs(reference, "reference")
    if min_docs < 1:
        raise ValueError(f"min_docs must be at least 1, got {min_docs}")
    freq_t, docs_t = term_counts(target)
    freq_r, docs_r = term_counts(reference)
    size_t = sum(freq_t.values())
    size_r = sum(freq_r.values())
    if size_t == 0 or size_r == 0:
        empty = "target" if size_t == 0 else "reference"
        raise ValueError(f"the {empty} group has no tokens; nothing to compare")
    rows = []
    for word in sorted(set(freq_t) | set(freq_r)):
        a, b = freq_t[word], freq_r[word]
        rel_t, rel_r = a / size_t, b / size_r
        if rel_t > rel_r:
            key_for, spread = "target", docs_t[word]
        elif rel_t < rel_r:
            key_for, spread = "reference", docs_r[word]
        else:
            key_for, spread = "equal", docs_t[word]
        if spread < min_docs:
            continue
        g2 = log_likelihood(a, b, size_t, size_r)
        rows.append(
            {
                "word": word,
                "key_for": key_for,
                "freq_target": a,
                "freq_reference": b,
                "per_10k_target": 10_000 * rel_t,
                "per_10k_reference": 10_000 * rel_r,
                "docs_target": docs_t[word],
                "docs_reference": docs_r[word],
                "g2": g2,
                "p_value": float(chi2.sf(g2, df=1)),
                "log_ratio": log_ratio(a, b, size_t, size_r),
            }
        )
    table = pd.DataFrame(rows, columns=KEYNESS_COLUMNS)
    table = table.sort_values(["g2", "word"], ascending=[False, True], kind="mergesort")
    return table.reset_index(drop=True)


def adjacent_pairs(doc: Sequence[str], stopwords: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Adjacent token pairs of ``doc`` in which neither token is in ``stopwords``."""
    stop = frozenset(stopwords)
    return [
        (first, second)
        for first, second in zip(doc, doc[1:], strict=False)
        if first not in stop and second not in stop
    ]


def bigram_table(
    docs: Sequence[Sequence[str]],
    stopwords: Iterable[str] = (),
    min_freq: int = 10,
    min_docs: int = 5,
) -> pd.DataFrame:
    """Two-word expressions: adjacent non-stopword pairs with frequency, spread and PMI.

    ``docs`` are the full token streams (stopwords still in place, so that a
    pair is only counted where the two words really are neighbours). A pair is
    kept if it occurs at least ``min_freq`` times in at least ``min_docs``
    documents. PMI uses unigram probabilities over all tokens and pair
    probabilities over all adjacent pairs (stopword pairs included). Rows are
    sorted by frequency, then PMI, then the pair (deterministic).
    """
    _check_docs(docs, "docs")
    if min_freq < 1 or min_docs < 1:
        raise ValueError(f"min_freq and min_docs must be at least 1, got {min_freq}, {min_docs}")
    stop = frozenset(stopwords)
    unigrams: Counter[str] = Counter()
    pair_freq: Counter[tuple[str, str]] = Counter()
    pair_docs: Counter[tuple[str, str]] = Counter()
    n_pairs = 0
    for doc in docs:
        unigrams.update(doc)
        n_pairs += max(len(doc) - 1, 0)
        pairs = adjacent_pairs(doc, stop)
        pair_freq.update(pairs)
        pair_docs.update(set(pairs))
    n_tokens = sum(unigrams.values())
    rows = []
    for (first, second), freq in pair_freq.items():
        if freq < min_freq or pair_docs[(first, second)] < min_docs:
            continue
        p_pair = freq / n_pairs
        p_first = unigrams[first] / n_tokens
        p_second = unigrams[second] / n_tokens
        rows.append(
            {
                "bigram": f"{first} {second}",
                "freq": freq,
                "docs": pair_docs[(first, second)],
                "pmi": math.log2(p_pair / (p_first * p_second)),
            }
        )
    table = pd.DataFrame(rows, columns=BIGRAM_COLUMNS)
    table = table.sort_values(
        ["freq", "pmi", "bigram"], ascending=[False, False, True], kind="mergesort"
    )
    return table.reset_index(drop=True)
