"""Null models for narrative arcs that keep (part of) a post's autocorrelation.

Each null reorders the sentences *within* every post and leaves the valences themselves
untouched; the smoothed arcs are then recomputed exactly as for the observed posts.

* ``permutation``: sentence order shuffled at random (destroys all order; the weakest null
  for smoothed curves, because neighbouring sentences become independent).
* ``circular``: the post rotated by a random offset (keeps every run of neighbouring
  sentences except at one seam, so autocorrelation and local runs survive, while *where*
  in the post a run falls is random).
* ``block``: the post cut into consecutive blocks of ``block`` sentences whose order is
  shuffled (keeps runs up to the block length).
* ``reversal``: each post read backwards or forwards at random (keeps everything except the
  direction of time; for statistics symmetric in time, such as a dip in the middle, it is
  no null at all and is not used for them).

``null_indices`` draws the reorderings for one post; ``null_arcs`` smooths every post
under ``n_reps`` draws at once (vectorised). ``edge_means`` gives opening and ending
means of raw sentences under the same reorderings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from helpers.arcs import end_minus_start, kernel_weights
from helpers.stats import bootstrap_ci, permutation_pvalue

__all__ = [
    "NULL_KINDS",
    "drop_last",
    "edge_means",
    "end_rise",
    "null_arcs",
    "null_indices",
    "observed_arcs",
]

NULL_KINDS = ("permutation", "circular", "block", "reversal")


def null_indices(
    n: int, kind: str, n_reps: int, rng: np.random.Generator, block: int = 3
) -> np.ndarray:
    """``(n_reps, n)`` integer array: each row is one reordering of a post of ``n`` sentences."""
    if n < 1:
        raise ValueError("a post needs at least one sentence")
    if kind == "permutation":
        return np.argsort(rng.random((n_reps, n)), axis=1)
    if kind == "circular":
        offsets = rng.integers(0, n, size=n_reps)
        return (np.arange(n)[None, :] + offsets[:, None]) % n
    if kind == "block":
        if block < 1:
            raise ValueError("block must be at least 1")
        n_blocks = -(-n // block)
        padded = np.arange(n_blocks * block).reshape(n_blocks, block)
        padded[padded >= n] = -1
        order = np.argsort(rng.random((n_reps, n_blocks)), axis=1)
        flat = padded[order].reshape(n_reps, -1)
        return flat[flat >= 0].reshape(n_reps, n)
    if kind == "reversal":
        flip = rng.random(n_reps) < 0.5
        forward = np.arange(n)
        return np.where(flip[:, None], forward[::-1][None, :], forward[None, :])
    raise ValueError(f"unknown null kind {kind!r}; expected one of {NULL_KINDS}")


def observed_arcs(
    values_by_post: Sequence[np.ndarray], n_bins: int = 20, bandwidth: float = 0.1
) -> np.ndarray:
    """``(n_posts, n_bins)`` smoothed arcs of the posts as written."""
    return np.vstack(
        [kernel_weights(len(v), n_bins, bandwidth) @ np.asarray(v, float) for v in values_by_post]
    )


def null_arcs(
    values_by_post: Sequence[np.ndarray],
    kind: str,
    n_reps: int = 1000,
    seed: int = 0,
    n_bins: int = 20,
    bandwidth: float = 0.1,
    block: int = 3,
) -> np.ndarray:
    """``(n_reps, n_posts, n_bins)`` smoothed arcs of every post under ``n_reps`` reorderings."""
    rng = np.random.default_rng(seed)
    out = np.empty((n_reps, len(values_by_post), n_bins))
    for p, values in enumerate(values_by_post):
        values = np.asarray(values, dtype=float)
        idx = null_indices(len(values), kind, n_reps, rng, block)
        out[:, p, :] = values[idx] @ kernel_weights(len(values), n_bins, bandwidth).T
    return out


def _edge_k(n: int, share: float) -> int:
    return max(1, int(round(share * n)))


def edge_means(
    values_by_post: Sequence[np.ndarray],
    share: float = 0.2,
    kind: str | None = None,
    n_reps: int = 1000,
    seed: int = 0,
    block: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Opening and ending means (first/last ``share`` of sentences, at least one).

    With ``kind=None``: two arrays of shape ``(n_posts,)`` for the posts as written;
    otherwise ``(n_reps, n_posts)`` arrays under the null reorderings.
    """
    if kind is None:
        opening = [np.mean(v[: _edge_k(len(v), share)]) for v in values_by_post]
        ending = [np.mean(v[-_edge_k(len(v), share) :]) for v in values_by_post]
        return np.array(opening, dtype=float), np.array(ending, dtype=float)
    rng = np.random.default_rng(seed)
    opening = np.empty((n_reps, len(values_by_post)))
    ending = np.empty_like(opening)
    for p, values in enumerate(values_by_post):
        values = np.asarray(values, dtype=float)
        shuffled = values[null_indices(len(values), kind, n_reps, rng, block)]
        k = _edge_k(len(values), share)
        opening[:, p] = shuffled[:, :k].mean(axis=1)
        ending[:, p] = shuffled[:, -k:].mean(axis=1)
    return opening, ending


def drop_last(values_by_post: Sequence[np.ndarray], k: int, keep: int = 5) -> list[np.ndarray]:
    """Every post without its last ``k`` sentences (posts keep at least ``keep`` sentences)."""
    if k < 0:
        raise ValueError("k must be non-negative")
    out = []
    for values in values_by_post:
        values = np.asarray(values, dtype=float)
        out.append(values[: max(min(keep, len(values)), len(values) - k)])
    return out


def end_rise(
    values_by_post: Sequence[np.ndarray],
    edge_share: float = 0.2,
    n_bins: int = 20,
    bandwidth: float = 0.1,
    n_reps: int = 1000,
    n_boot: int = 1000,
    seed: int = 0,
) -> dict[str, float]:
    """Does the pooled arc end higher than it starts, and do posts, one by one?

    Returns ``end_minus_start`` of the pooled smoothed arc with its two-sided p-value under
    the circular-shift null (``ems_p_circular``); the share of posts whose ending (mean of
    the last ``edge_share`` of sentences) is above their opening, with a bootstrap interval
    over posts (``share_end_higher``, ``share_low``, ``share_high``), its mean under the
    circular shift and its p-values under the circular-shift and reversal nulls; and the
    mean opening and ending.
    """
    opening, ending = edge_means(values_by_post, edge_share)
    higher = (ending > opening).astype(float)
    share, share_low, share_high = bootstrap_ci(higher, np.mean, n_boot, seed)
    pooled = observed_arcs(values_by_post, n_bins, bandwidth).mean(axis=0)
    ems = float(end_minus_start(pooled[None, :], edge_share)[0])
    circular = null_arcs(values_by_post, "circular", n_reps, seed, n_bins, bandwidth).mean(axis=1)
    ems_null = end_minus_start(circular, edge_share)
    null_open, null_end = edge_means(values_by_post, edge_share, "circular", n_reps, seed)
    share_null = (null_end > null_open).mean(axis=1)
    rev_open, rev_end = edge_means(values_by_post, edge_share, "reversal", n_reps, seed)
    share_reversal = (rev_end > rev_open).mean(axis=1)
    return {
        "end_minus_start": ems,
        "ems_p_circular": permutation_pvalue(ems, ems_null, "two-sided"),
        "share_end_higher": share,
        "share_low": share_low,
        "share_high": share_high,
        "share_circular_mean": float(share_null.mean()),
        "share_p_circular": permutation_pvalue(share, share_null, "two-sided"),
        "share_p_reversal": permutation_pvalue(share, share_reversal, "two-sided"),
        "mean_opening": float(opening.mean()),
        "mean_ending": float(ending.mean()),
    }
