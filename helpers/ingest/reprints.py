"""The same post in two files: near-identical both ways, first-known copy canonical.

Two posts are the same text when each contains at least ``REPRINT_SIMILARITY`` of the
other's word 5-grams (lower-cased, quotes folded): ``shared / max(|A|, |B|)``. A new
file holding an existing post plus new paragraphs is therefore *not* a reprint (its new
text would otherwise be lost), and nor is a short excerpt of a long post.

The canonical copy is the one known first: posts are ranked in the order they are
given (segmentation passes files in manifest order, the order in which they were first
recorded, then new files by name; within a file, by position), so adding a copy of an
existing file under a name that sorts earlier never turns the existing posts into
reprints. Each post is marked at most once, greedily in that order.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from helpers.ingest.model import WORD_RE, RawPost
from helpers.textnorm import fold_quotes

SHINGLE_SIZE = 5
REPRINT_SIMILARITY = 0.8
"""Share of *each* post's word 5-grams found in the other above which the two are the same
post. The corpus's one reprint scores far above it and different posts far below (notebook 01)."""
REPRINT_CONTAINMENT = REPRINT_SIMILARITY  # the name used before the rule became two-sided


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    """Word n-grams of the lower-cased text, with curly quotes folded to straight ones."""
    words = WORD_RE.findall(fold_quotes(text.lower()))
    return {tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 0))}


def containment(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the smaller shingle set found in the other (0 if either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the *larger* set found in the other: high only when near-identical both ways."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def _post_text(post: RawPost) -> str:
    return " ".join(t for _, t in post.paragraphs)


def find_reprints_pairwise(
    posts: Sequence[RawPost], threshold: float = REPRINT_SIMILARITY
) -> dict[str, tuple[str, float]]:
    """Reference version of ``find_reprints``: compare every pair of shingle sets."""
    sets = [shingles(_post_text(p)) for p in posts]
    reprints: dict[str, tuple[str, float]] = {}
    for i in range(len(posts)):
        if posts[i].doc_id in reprints:
            continue
        for j in range(i + 1, len(posts)):
            if posts[j].doc_id in reprints:
                continue
            score = similarity(sets[i], sets[j])
            if score >= threshold:
                reprints[posts[j].doc_id] = (posts[i].doc_id, score)
    return reprints


def find_reprints(
    posts: Sequence[RawPost],
    threshold: float = REPRINT_SIMILARITY,
    block_rows: int = 2000,
) -> dict[str, tuple[str, float]]:
    """Map each reprint's doc_id to (canonical doc_id, similarity); same as the pairwise version.

    Each post's 5-gram set is a row of a sparse 0/1 matrix ``M``; ``M @ M.T`` (computed
    ``block_rows`` rows at a time) holds every pair's shared count, so only pairs that
    share a shingle are scored. 10,000 posts take seconds.
    """
    ids: dict[tuple[str, ...], int] = {}
    indices = array("q")
    indptr = array("q", [0])
    for post in posts:
        indices.extend(ids.setdefault(g, len(ids)) for g in shingles(_post_text(post)))
        indptr.append(len(indices))
    n = len(posts)
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.int32), np.frombuffer(indices, dtype=np.int64), indptr),
        shape=(n, max(len(ids), 1)),
    )
    del ids, indices
    sizes = np.diff(np.frombuffer(indptr, dtype=np.int64))
    transposed = matrix.T.tocsr()
    neighbours: dict[int, dict[int, float]] = {}
    for first in range(0, n, block_rows):
        block = (matrix[first : first + block_rows] @ transposed).tocoo()
        rows, cols = block.row + first, block.col
        upper = cols > rows
        rows, cols, shared = rows[upper], cols[upper], block.data[upper]
        larger = np.maximum(sizes[rows], sizes[cols])
        smaller = np.minimum(sizes[rows], sizes[cols])
        score = shared / np.maximum(larger, 1)
        hit = (score >= threshold) & (smaller > 0)
        for i, j, value in zip(rows[hit], cols[hit], score[hit], strict=True):
            neighbours.setdefault(int(i), {})[int(j)] = float(value)
            neighbours.setdefault(int(j), {})[int(i)] = float(value)
    reprints: dict[str, tuple[str, float]] = {}
    for i in range(n):
        if posts[i].doc_id in reprints:
            continue
        for j in sorted(neighbours.get(i, {})):
            if j > i and posts[j].doc_id not in reprints:
                reprints[posts[j].doc_id] = (posts[i].doc_id, neighbours[i][j])
    return reprints


def merge_reprint_metadata(canonical: RawPost, reprint: RawPost) -> list[str]:
    """Copy author, role, authority and byline date that only the reprint gives.

    Returns one line per value copied (printed by ``make corpus``)."""
    copied: list[str] = []
    if canonical.author is None and reprint.author is not None:
        canonical.set_author(
            reprint.author,
            f"{reprint.author_basis} of reprint {reprint.doc_id}",
            reprint.author_confidence or "medium",
        )
        copied.append(f"author {reprint.author!r}")
    for attribute in ("role", "authority", "byline_date"):
        if getattr(canonical, attribute) is None and getattr(reprint, attribute) is not None:
            setattr(canonical, attribute, getattr(reprint, attribute))
            copied.append(f"{attribute} {getattr(reprint, attribute)!s}")
    for what in copied:
        canonical.metadata_basis.append(f"{what.split()[0]} from reprint {reprint.doc_id}")
    return (
        [
            f"reprint: {reprint.doc_id} is a copy of {canonical.doc_id}; copied to "
            f"{canonical.doc_id}: {', '.join(copied)}"
        ]
        if copied
        else [f"reprint: {reprint.doc_id} is a copy of {canonical.doc_id}; nothing to copy"]
    )
