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
    * **Dispersion filter** (which words are tested): a word used 30 times in
      a single post is that post's topic, not a group's vocabulary. A word is
      tested only if it occurs in at least ``min_docs`` documents *in all*
      (``candidate_words``). The filter does not look at the group labels, so
      the family of tested words is fixed before any label is shuffled and is
      the same for the observed split and for every permuted one; a filter on
      the group a word is key for would choose the family from the observed
      labels, which the permutation null does not repeat.

Post-level keyness (``post_keyness``)
    The G2 test above treats every token as an independent draw. Words come in
    bursts (a post about fostering says *foster* ten times), so a word used
    heavily in a few posts looks "significant" although the posts, not the
    tokens, are the sampled units (Lijffijt et al. 2016, "Significance testing
    of word frequencies in corpora", *Digital Scholarship in the Humanities*
    31(2)). ``post_keyness`` keeps the same candidate words (same label-free
    dispersion filter) and adds, for each:

    * ``p_perm``: a two-sided permutation p-value of the log ratio over *post
      labels*: the group labels are shuffled among the posts ``n_perm`` times
      (the same shuffles for every word), each post keeping all its tokens, and
      the observed log ratio is compared with the shuffled ones
      (``helpers.stats.permutation_pvalue``, +1 corrected and two-sided, so the
      smallest attainable value is ``2 / (n_perm + 1)``);
    * ``p_holm`` and ``p_bh``: ``p_perm`` adjusted for the number of words
      tested (Holm, family-wise; Benjamini-Hochberg, false discovery rate);
    * ``lr_low``, ``lr_high``: a percentile interval of the log ratio from a
      bootstrap that resamples posts within each group (group sizes fixed).
      It is a per-word interval, not corrected for the number of words, and
      when it is shown for words selected by their p-values it is shown after
      selection. Where a word occurs fewer than ``min_interval_freq`` times in
      one group, resamples often contain none of it and the interval's end on
      that side is set by the zero adjustment, not by the data:
      ``interval_ok`` is False for such words;
    * ``dp_key``: Gries' (2008) DP, the dispersion of the word over the posts
      of the group it is key for: ``0.5 * sum_i |v_i - s_i|`` with ``v_i`` the
      share of the word's occurrences in post ``i`` and ``s_i`` the post's
      share of the group's tokens. 0 = spread exactly in proportion to post
      length; values near 1 = concentrated in one post.

Structure-keeping nulls (``circular_shift_labels``, ``block_permuted_labels``)
    Shuffling labels among posts treats posts as exchangeable. Posts written
    close together share writers and topics, so a contrast between two runs of
    dates can look significant under that null although any other cut of the
    same date order would look alike. Two nulls that keep that structure give
    label matrices for ``log_ratio_pvalues``:

    * ``circular_shift_labels``: the labels, in date order, shifted circularly
      by every possible offset (an exact test over all ``n`` shifts; the
      identity is the observed split, so the smallest two-sided p-value is
      ``2 / n``). Each shifted split keeps the group sizes and runs of
      neighbouring posts together; only the position of the boundary moves.
    * ``block_permuted_labels``: whole blocks of posts (e.g. calendar months)
      keep one label each, and the labels are shuffled among the blocks (the
      number of target blocks fixed). Posts of one month stay together.

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

import numpy as np
import pandas as pd
from scipy.stats import chi2

from helpers.stats import (
    benjamini_hochberg,
    bootstrap_draws,
    holm,
    percentile_interval,
    permutation_pvalue,
)

#: Frequency substituted for a zero count in the log ratio (Hardie 2014).
ZERO_ADJUSTMENT: float = 0.5

#: Fewest occurrences in each group for a bootstrap interval of the log ratio to be
#: read (``interval_ok``); below it the interval's end reflects ``ZERO_ADJUSTMENT``.
MIN_INTERVAL_FREQ: int = 3

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

#: Columns ``post_keyness`` adds to ``KEYNESS_COLUMNS``.
POST_KEYNESS_COLUMNS: list[str] = [
    "lr_low",
    "lr_high",
    "interval_ok",
    "dp_key",
    "p_perm",
    "p_holm",
    "p_bh",
]


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


def candidate_words(docs: Sequence[Sequence[str]], min_docs: int) -> list[str]:
    """Words present in at least ``min_docs`` of ``docs``, sorted: the family of tested words.

    The filter sees only the documents, never their group labels, so the same
    words are tested whatever the split (observed or permuted).
    """
    if min_docs < 1:
        raise ValueError(f"min_docs must be at least 1, got {min_docs}")
    _, document_frequency = term_counts(docs)
    return sorted(word for word, n in document_frequency.items() if n >= min_docs)


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

    Returns one row per word that passes the label-free dispersion filter
    (``candidate_words``: present in at least ``min_docs`` documents of both
    groups together), with the columns ``KEYNESS_COLUMNS``: ``key_for``
    ("target", "reference" or "equal" when the relative frequencies are
    identical), raw and per-10,000-token frequencies, document counts,
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
    for word in candidate_words(list(target) + list(reference), min_docs):
        a, b = freq_t[word], freq_r[word]
        rel_t, rel_r = a / size_t, b / size_r
        key_for = "target" if rel_t > rel_r else "reference" if rel_t < rel_r else "equal"
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


def count_matrix(docs: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    """Counts of each word of ``vocabulary`` (columns) in each document (rows)."""
    _check_docs(docs, "docs")
    column = {word: j for j, word in enumerate(vocabulary)}
    matrix = np.zeros((len(docs), len(vocabulary)), dtype=np.int64)
    for i, doc in enumerate(docs):
        for word, count in Counter(doc).items():
            j = column.get(word)
            if j is not None:
                matrix[i, j] = count
    return matrix


def gries_dp(counts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Gries' (2008) deviation of proportions for each column of ``counts``.

    ``counts`` is documents x words, ``sizes`` the documents' token counts.
    ``DP = 0.5 * sum_i |v_i - s_i|`` where ``v_i`` is document ``i``'s share of
    the word's occurrences and ``s_i`` its share of all tokens. 0 means the word
    is spread exactly in proportion to document length; the maximum,
    ``1 - min(s)``, means every occurrence is in the smallest document. A word
    that never occurs gets NaN.
    """
    counts = np.asarray(counts, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    if counts.ndim != 2 or sizes.shape != (counts.shape[0],):
        raise ValueError("counts must be documents x words and sizes one value per document")
    if counts.shape[0] == 0 or sizes.sum() <= 0:
        raise ValueError("gries_dp needs at least one document with tokens")
    expected = sizes / sizes.sum()
    totals = counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = counts / totals
    dp = 0.5 * np.abs(observed - expected[:, None]).sum(axis=0)
    dp[totals == 0] = np.nan
    return dp


def _log_ratio_array(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, zero: float = ZERO_ADJUSTMENT
) -> np.ndarray:
    """Vectorised ``log_ratio`` (same zero adjustment); ``c`` and ``d`` broadcast."""
    a_adj = np.where(a > 0, a, zero)
    b_adj = np.where(b > 0, b, zero)
    return np.log2((a_adj / c) / (b_adj / d))


def shuffled_labels(labels: np.ndarray, n_perm: int, seed: int = 0) -> np.ndarray:
    """``n_perm`` random permutations of ``labels`` (rows), all drawn from one seeded generator."""
    labels = np.asarray(labels, dtype=bool)
    if n_perm < 1:
        raise ValueError(f"n_perm must be at least 1, got {n_perm}")
    rng = np.random.default_rng(seed)
    return rng.permuted(np.tile(labels, (n_perm, 1)), axis=1)


def circular_shift_labels(labels_in_order: np.ndarray) -> np.ndarray:
    """Every circular shift of ``labels_in_order`` except the identity, one per row.

    ``labels_in_order`` are the documents' labels sorted by date. Row ``k - 1``
    is the labels moved ``k`` places along the order (``k = 1 .. n - 1``). With
    the observed split counted once more by the +1 of
    ``helpers.stats.permutation_pvalue``, the p-value is exact over all ``n``
    shifts.
    """
    labels = np.asarray(labels_in_order, dtype=bool)
    if labels.ndim != 1 or labels.size < 2:
        raise ValueError("circular shifts need a 1-D label vector of at least two documents")
    return np.stack([np.roll(labels, k) for k in range(1, labels.size)])


def block_permuted_labels(
    labels: np.ndarray, blocks: Sequence[object], n_perm: int, seed: int = 0
) -> np.ndarray:
    """Labels shuffled among whole blocks (e.g. months): ``n_perm`` rows, one label per block.

    Every block must hold documents of one label only (split a block that the
    boundary cuts into its two parts first); the number of target blocks stays
    fixed, the number of target documents varies with the blocks drawn.
    """
    labels = np.asarray(labels, dtype=bool)
    block_ids = pd.Series(list(blocks), dtype=object)
    if len(block_ids) != labels.size:
        raise ValueError("blocks need one value per document")
    codes, uniques = pd.factorize(block_ids)
    if (codes < 0).any():
        raise ValueError("every document needs a block (no missing block ids)")
    block_label = np.zeros(len(uniques), dtype=bool)
    for code in range(len(uniques)):
        inside = labels[codes == code]
        if inside.min() != inside.max():
            raise ValueError(f"block {uniques[code]!r} mixes both labels; split it at the boundary")
        block_label[code] = inside[0]
    if block_label.all() or not block_label.any():
        raise ValueError("both labels need at least one block")
    return shuffled_labels(block_label, n_perm, seed)[:, codes]


def log_ratio_pvalues(
    counts: np.ndarray,
    sizes: np.ndarray,
    is_target: np.ndarray,
    null_labels: np.ndarray,
    block: int = 64,
    zero: float = ZERO_ADJUSTMENT,
) -> np.ndarray:
    """Two-sided p-value of each word's log ratio against a null given as label rows.

    ``counts`` is documents x words, ``sizes`` the documents' token counts,
    ``is_target`` the observed labels and ``null_labels`` one row of labels per
    null draw (``shuffled_labels``, ``circular_shift_labels``,
    ``block_permuted_labels``). P-values come from
    ``helpers.stats.permutation_pvalue`` (two-sided, +1 corrected). A null row
    that leaves a group without tokens gives no log ratio and is skipped.
    Counts must be whole numbers.
    """
    counts = np.asarray(counts, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    labels = np.asarray(is_target, dtype=bool)
    null = np.asarray(null_labels, dtype=bool)
    n_docs = counts.shape[0]
    if labels.shape != (n_docs,) or sizes.shape != (n_docs,):
        raise ValueError("is_target and sizes need one value per document (row of counts)")
    if null.ndim != 2 or null.shape[1] != n_docs or null.shape[0] < 1:
        raise ValueError("null_labels must have one row per draw and one column per document")
    n_target = int(labels.sum())
    if n_target == 0 or n_target == n_docs:
        raise ValueError("both groups need at least one document")
    # Counts and sizes are whole numbers: a float32 product is exact below 2**24 and
    # twice as fast as float64 (falls back to float64 for larger corpora).
    exact32 = sizes.sum() < 2**24 and (counts.sum(axis=0) < 2**24).all()
    dtype = np.float32 if exact32 else np.float64
    rows = null.astype(dtype)
    size_t = (rows @ sizes.astype(dtype)).astype(float)
    size_r = sizes.sum() - size_t
    usable = (size_t > 0) & (size_r > 0)
    if not usable.any():
        raise ValueError("no null draw leaves tokens in both groups")
    rows, size_t, size_r = rows[usable], size_t[usable], size_r[usable]
    # The log ratio is log2(lhs[a] / q): lhs[a] = a' / (total - a)' over the word's possible
    # target counts a (' = zero adjustment), q = size_t / size_r per draw. The p-value is
    # computed on lhs[a] / q, which orders the draws exactly as the log ratio does.
    q = size_t / size_r
    totals = np.rint(counts.sum(axis=0)).astype(np.int64)
    observed_a = np.rint(counts[labels].sum(axis=0)).astype(np.int64)
    observed_q = sizes[labels].sum() / sizes[~labels].sum()
    pvalues = np.empty(counts.shape[1])
    for start in range(0, counts.shape[1], block):
        stop = min(start + block, counts.shape[1])
        drawn = np.rint(rows @ counts[:, start:stop].astype(dtype)).astype(np.int64)
        for j in range(start, stop):
            possible = np.arange(totals[j] + 1, dtype=float)
            lhs = np.where(possible > 0, possible, zero) / np.where(
                totals[j] - possible > 0, totals[j] - possible, zero
            )
            observed = lhs[observed_a[j]] / observed_q
            pvalues[j] = permutation_pvalue(observed, lhs[drawn[:, j - start]] / q, "two-sided")
    return pvalues


def permutation_log_ratio_pvalues(
    counts: np.ndarray,
    sizes: np.ndarray,
    is_target: np.ndarray,
    n_perm: int = 19_999,
    seed: int = 0,
    block: int = 64,
) -> np.ndarray:
    """Two-sided permutation p-value of each word's log ratio, shuffling documents' labels.

    ``counts`` is documents x words, ``sizes`` the documents' token counts and
    ``is_target`` a boolean per document. Every shuffle keeps the number of
    target documents; the same ``n_perm`` shuffles serve every word. P-values
    come from ``helpers.stats.permutation_pvalue`` (two-sided, +1 corrected;
    the smallest is ``2 / (n_perm + 1)``).
    """
    labels = np.asarray(is_target, dtype=bool)
    if labels.shape != (np.asarray(counts).shape[0],):
        raise ValueError("is_target and sizes need one value per document (row of counts)")
    if labels.all() or not labels.any():
        raise ValueError("both groups need at least one document")
    null = shuffled_labels(labels, n_perm, seed)
    return log_ratio_pvalues(counts, sizes, labels, null, block=block)


def bootstrap_log_ratio_ci(
    counts: np.ndarray,
    sizes: np.ndarray,
    is_target: np.ndarray,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval ``(low, high)`` of each word's log ratio, resampling documents.

    Documents are drawn with replacement *within* each group (the group sizes
    stay fixed), and the log ratio is recomputed from the resampled counts.
    """
    counts = np.asarray(counts, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    labels = np.asarray(is_target, dtype=bool)
    if not 0 < level < 1:
        raise ValueError("level must lie in (0, 1)")
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    if labels.all() or not labels.any():
        raise ValueError("both groups need at least one document")
    sums = []
    for offset, group in enumerate((labels, ~labels)):
        n = int(group.sum())
        draws = bootstrap_draws(n, n_boot, seed + offset)  # documents drawn within the group
        weights = np.zeros((n_boot, n))
        np.add.at(weights, (np.arange(n_boot)[:, None], draws), 1.0)
        sums.append((weights @ counts[group], weights @ sizes[group]))
    (a, c), (b, d) = sums
    replicates = _log_ratio_array(a, b, c[:, None], d[:, None])
    return percentile_interval(replicates, level)


def post_keyness(
    target: Sequence[Sequence[str]],
    reference: Sequence[Sequence[str]],
    min_docs: int = 5,
    n_perm: int = 19_999,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    min_interval_freq: int = MIN_INTERVAL_FREQ,
) -> pd.DataFrame:
    """``keyness_table`` plus a post-level test, an interval and a dispersion index.

    The candidate words (label-free filter, ``candidate_words``) and the
    token-level columns are those of ``keyness_table(target, reference,
    min_docs)``; the added columns (``POST_KEYNESS_COLUMNS``) are described in
    the module docstring (``interval_ok``: at least ``min_interval_freq``
    occurrences in each group). Rows are
    sorted by ``p_perm``, then by the absolute log ratio (larger first), then by
    word, so the order is deterministic.
    """
    table = keyness_table(target, reference, min_docs=min_docs)
    columns = KEYNESS_COLUMNS + POST_KEYNESS_COLUMNS
    if table.empty:
        return pd.DataFrame(columns=columns)
    docs = list(target) + list(reference)
    is_target = np.array([True] * len(target) + [False] * len(reference))
    sizes = np.array([len(doc) for doc in docs], dtype=float)
    counts = count_matrix(docs, table["word"].tolist())
    table["lr_low"], table["lr_high"] = bootstrap_log_ratio_ci(
        counts, sizes, is_target, n_boot=n_boot, seed=seed, level=level
    )
    table["interval_ok"] = table[["freq_target", "freq_reference"]].min(axis=1) >= min_interval_freq
    dp_target = gries_dp(counts[is_target], sizes[is_target])
    dp_reference = gries_dp(counts[~is_target], sizes[~is_target])
    table["dp_key"] = np.where(table["key_for"] == "reference", dp_reference, dp_target)
    table["p_perm"] = permutation_log_ratio_pvalues(
        counts, sizes, is_target, n_perm=n_perm, seed=seed
    )
    table["p_holm"] = holm(table["p_perm"].to_numpy())
    table["p_bh"] = benjamini_hochberg(table["p_perm"].to_numpy())
    table["_abs_lr"] = -table["log_ratio"].abs()
    table = table.sort_values(["p_perm", "_abs_lr", "word"], kind="mergesort")
    return table.drop(columns="_abs_lr").reset_index(drop=True)[columns]


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
