"""Diagnostics of topic models that work the same for every family (notebooks 03-04).

- **Stability** (Greene, O'Callaghan and Cunningham 2014): the topics of a reference fit are
  matched one to one (Hungarian, ``helpers.stats.match_one_to_one``) with those of every
  other fit by the Jaccard similarity of their top words (``helpers.stats.jaccard``); a
  topic's stability over a set of fits is the median of its matched similarities.
  ``matched_jaccard`` gives the runs x topics matrix, ``stability_summary`` the per-topic
  median and spread. No topic can claim the same partner twice.
- **Held-out likelihood** by document completion (Wallach et al. 2009): each held-out post's
  tokens are split into two halves (``completion_split``); its topic shares are inferred
  from the first and the second is scored (``completion_loglik``, mean log-likelihood per
  token, natural log).
- **Exclusivity** as R's ``stm`` computes it: ``frex`` (the weighted harmonic mean of a
  word's within-topic frequency rank and exclusivity rank), ``exclusivity`` (the sum of the
  FREX scores of a topic's top ``m`` words, ``stm::exclusivity`` with ``frexw = 0.7``).
- **Labels**: ``frex_words`` (``stm::labelTopics``, ``frexweight = 0.5``) and
  ``relevance_words`` (Sievert and Shirley 2014, ``lambda = 0.6``).
- **Map**: ``js_distances`` (``scipy.spatial.distance.jensenshannon``, base 2) and
  ``topic_map`` (``sklearn.manifold.ClassicalMDS``), with the share of variance shown.
- **Composition** (the method of composition of R's ``stm::estimateEffect``): a statistic's
  uncertainty is composed over the fits (measurement: one fit per seed, topics aligned to
  the reference) and over posts (sampling: a bootstrap), by ``compose``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.spatial.distance import jensenshannon
from scipy.stats import rankdata

from helpers.stats import bootstrap_draws, jaccard, match_one_to_one, percentile_interval

# --- stability -------------------------------------------------------------------------


def jaccard_matrix(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> np.ndarray:
    """Jaccard similarity of every topic of ``a`` (rows) with every topic of ``b``."""
    return np.array([[jaccard(x, y) for y in b] for x in a], dtype=float)


def match_topics(
    reference: Sequence[Sequence[str]], other: Sequence[Sequence[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one matching of ``other``'s topics to ``reference``'s.

    Returns ``(partner, similarity)``: ``partner[t]`` is the index of the topic of
    ``other`` matched with reference topic ``t`` (``-1`` if unmatched, when ``other`` has
    fewer topics) and ``similarity[t]`` its Jaccard similarity (0 if unmatched).
    """
    sim = jaccard_matrix(reference, other)
    rows, cols, values = match_one_to_one(sim)
    partner = np.full(len(reference), -1, dtype=int)
    similarity = np.zeros(len(reference))
    partner[rows] = cols
    similarity[rows] = values
    return partner, similarity


def matched_jaccard(
    reference: Sequence[Sequence[str]], runs: Sequence[Sequence[Sequence[str]]]
) -> np.ndarray:
    """Runs x topics matrix: each reference topic's matched Jaccard similarity in each run."""
    if not runs:
        raise ValueError("matched_jaccard needs at least one run to compare with")
    return np.array([match_topics(reference, run)[1] for run in runs])


def stability_summary(matrix: np.ndarray) -> pd.DataFrame:
    """Per-topic stability from a runs x topics ``matched_jaccard`` matrix: the median over
    runs, with the quartiles and the range as its spread."""
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[0] == 0:
        raise ValueError("stability_summary expects a non-empty runs x topics matrix")
    return pd.DataFrame(
        {
            "topic_index": np.arange(m.shape[1]),
            "median": np.median(m, axis=0),
            "q25": np.quantile(m, 0.25, axis=0),
            "q75": np.quantile(m, 0.75, axis=0),
            "min": m.min(axis=0),
            "max": m.max(axis=0),
            "runs": m.shape[0],
        }
    )


def seed_stability_from_table(table: pd.DataFrame, reference_seed: int | None = None) -> pd.Series:
    """Per-topic seed stability recomputed from a ``seed_topics.csv``-shaped table alone.

    ``table`` has columns ``seed``, ``topic_index`` and ``top_words`` (space-separated,
    best first). The reference is ``reference_seed`` (default: the smallest seed); returns
    the median matched Jaccard of each reference topic over the other seeds.
    """
    needed = {"seed", "topic_index", "top_words"}
    if not needed <= set(table.columns):
        raise ValueError(f"the table needs columns {sorted(needed)}")
    runs = {
        int(seed): [w.split() for w in g.sort_values("topic_index")["top_words"]]
        for seed, g in table.groupby("seed", sort=True)
    }
    if len(runs) < 2:
        raise ValueError("stability needs at least two seeds")
    ref = min(runs) if reference_seed is None else int(reference_seed)
    others = [runs[s] for s in sorted(runs) if s != ref]
    matrix = matched_jaccard(runs[ref], others)
    return pd.Series(np.median(matrix, axis=0), name="seed_stability")


# --- held-out likelihood ---------------------------------------------------------------


def completion_split(
    docs: Sequence[Sequence[str]],
) -> tuple[list[list[str]], list[list[str]]]:
    """Split each token list into alternate tokens: ``(observed, held)`` halves."""
    observed = [list(doc[0::2]) for doc in docs]
    held = [list(doc[1::2]) for doc in docs]
    return observed, held


def completion_loglik(
    theta: np.ndarray, phi: np.ndarray, held_counts: csr_matrix, smoothing: float
) -> float:
    """Mean log-likelihood per held-out token: ``sum n_dw log(theta_d . phi_w) / sum n_dw``.

    ``phi`` is mixed with the uniform distribution (weight ``smoothing``) so that no word
    has probability zero.
    """
    phi = np.asarray(phi, dtype=float)
    if not 0 <= smoothing < 1:
        raise ValueError("smoothing must lie in [0, 1)")
    v = phi.shape[1]
    phi_s = (1 - smoothing) * phi + smoothing / v
    coo = held_counts.tocoo()
    if coo.nnz == 0:
        return float("nan")
    prob = np.einsum("ik,ik->i", np.asarray(theta)[coo.row], phi_s[:, coo.col].T)
    return float((coo.data * np.log(prob)).sum() / coo.data.sum())


# --- exclusivity, labels ---------------------------------------------------------------


def frex(phi: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """FREX score of every (topic, word), as ``stm::calcfrex``.

    Exclusivity of word ``w`` for topic ``t`` is ``phi[t, w] / sum_t phi[t, w]``; both it
    and ``phi`` are turned into within-topic empirical CDFs (ranks / V, ties averaged, as
    R's ``rank``) and combined by a weighted harmonic mean, ``weight`` on exclusivity.
    """
    phi = np.asarray(phi, dtype=float)
    if not 0 < weight < 1:
        raise ValueError("weight must lie in (0, 1)")
    col = phi.sum(axis=0, keepdims=True)
    excl = phi / np.where(col > 0, col, 1.0)
    v = phi.shape[1]
    ex_cdf = np.vstack([rankdata(row) / v for row in excl])
    fr_cdf = np.vstack([rankdata(row) / v for row in phi])
    return 1.0 / (weight / ex_cdf + (1 - weight) / fr_cdf)


def exclusivity(phi: np.ndarray, m: int = 10, weight: float = 0.7) -> np.ndarray:
    """Per-topic exclusivity as ``stm::exclusivity(M = m, frexw = weight)``: the sum of the
    FREX scores of the topic's ``m`` most probable words (at most ``m``)."""
    phi = np.asarray(phi, dtype=float)
    scores = frex(phi, weight)
    top = np.argsort(-phi, axis=1, kind="stable")[:, :m]
    return np.take_along_axis(scores, top, axis=1).sum(axis=1)


def frex_words(
    phi: np.ndarray, vocab: Sequence[str], n: int, weight: float = 0.5
) -> list[list[str]]:
    """The ``n`` words of highest FREX of each topic (``stm::labelTopics``)."""
    scores = frex(phi, weight)
    order = np.lexsort((-np.asarray(phi), -scores), axis=1)[:, :n]
    return [[vocab[j] for j in row] for row in order]


def relevance(phi: np.ndarray, word_prob: np.ndarray, lam: float) -> np.ndarray:
    """LDAvis relevance ``lam * log phi + (1 - lam) * log(phi / p(w))`` of every (topic, word)."""
    phi = np.asarray(phi, dtype=float)
    p = np.asarray(word_prob, dtype=float)
    if not 0 <= lam <= 1:
        raise ValueError("lambda must lie in [0, 1]")
    with np.errstate(divide="ignore"):  # a word a topic never uses has relevance -inf
        # lam * log(phi) + (1 - lam) * (log(phi) - log(p)), written so that lam = 1 gives no NaN
        return np.log(phi) - (1 - lam) * np.log(p)[None, :]


def relevance_words(
    phi: np.ndarray, word_prob: np.ndarray, vocab: Sequence[str], n: int, lam: float = 0.6
) -> list[list[str]]:
    """The ``n`` most relevant words of each topic at ``lam`` (ties by vocabulary order)."""
    order = np.argsort(-relevance(phi, word_prob, lam), axis=1, kind="stable")[:, :n]
    return [[vocab[j] for j in row] for row in order]


# --- map -------------------------------------------------------------------------------


def js_distances(distributions: np.ndarray) -> np.ndarray:
    """Pairwise Jensen-Shannon distances (base 2, in [0, 1]) between rows (SciPy)."""
    p = np.asarray(distributions, dtype=float)
    n = p.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = out[j, i] = float(jensenshannon(p[i], p[j], base=2))
    return out


def topic_map(distances: np.ndarray) -> tuple[np.ndarray, float]:
    """Classical MDS (``sklearn.manifold.ClassicalMDS``) of a distance matrix in two
    dimensions, and the share of the positive eigenvalues' total the two dimensions hold.

    Each axis's sign is fixed (largest-magnitude coordinate positive) so the layout is
    deterministic.
    """
    from sklearn.manifold import ClassicalMDS

    d = np.asarray(distances, dtype=float)
    n = d.shape[0]
    if n < 3:
        raise ValueError("a topic map needs at least three topics")
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        # the embedding's extra columns take the square root of negative eigenvalues
        warnings.simplefilter("ignore", RuntimeWarning)
        full = ClassicalMDS(n_components=n, metric="precomputed").fit(d)
    values = np.asarray(full.eigenvalues_, dtype=float)
    coords = np.asarray(full.embedding_, dtype=float)[:, :2].copy()
    for axis in range(2):
        if coords[np.argmax(np.abs(coords[:, axis])), axis] < 0:
            coords[:, axis] *= -1
    positive = values[values > 0].sum()
    shown = float(np.clip(values[:2], 0, None).sum() / positive) if positive > 0 else float("nan")
    return coords, shown


# --- alignment and composition ---------------------------------------------------------


def align_to_reference(theta: np.ndarray, partner: np.ndarray) -> np.ndarray:
    """Reorder the columns of another fit's ``theta`` to the reference topics (``partner``
    from ``match_topics``); an unmatched reference topic gets a column of NaN."""
    theta = np.asarray(theta, dtype=float)
    out = np.full((theta.shape[0], len(partner)), np.nan)
    ok = partner >= 0
    out[:, ok] = theta[:, partner[ok]]
    return out


def compose(
    thetas: Sequence[np.ndarray],
    statistic: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n_draws: int,
    seed: int = 0,
) -> np.ndarray:
    """Draws of ``statistic(theta, rows)`` composed over fits and posts.

    Draw ``b`` takes fit ``b mod len(thetas)`` (every fit equally often: the measurement
    uncertainty of the topic model) and a bootstrap sample of the posts (``rows``, drawn
    with replacement: the sampling uncertainty), as the method of composition does.
    Returns an array of shape ``(n_draws, ...)``.
    """
    if not thetas:
        raise ValueError("compose needs at least one fit")
    n = thetas[0].shape[0]
    rows = bootstrap_draws(n, n_draws, seed)
    draws = [
        np.asarray(statistic(thetas[b % len(thetas)], rows[b]), dtype=float) for b in range(n_draws)
    ]
    return np.array(draws)


def interval(draws: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of composed draws along the first axis (NaN draws ignored)."""
    return percentile_interval(draws, level)


def slope(values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Least-squares slope of each column of ``values`` on ``x`` (NaN if ``x`` is constant)."""
    x = np.asarray(x, dtype=float)
    xc = x - x.mean()
    denom = (xc**2).sum()
    if denom == 0:
        return np.full(np.asarray(values).shape[1], np.nan)
    vals = np.asarray(values, dtype=float)
    return (xc[:, None] * (vals - vals.mean(axis=0))).sum(axis=0) / denom


# --- the grid's diagnostics ------------------------------------------------------------


def summarise_cells(results: Sequence[dict], bar: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Diagnostics of every (setup, k) cell of ``helpers.topics.run_fits`` results.

    The reference fit of a cell is its seed fit with the smallest seed. Returns
    ``(cells, topics)``: ``topics`` has one row per reference topic with its seed and
    resample stability (median matched Jaccard and quartiles) and ``stability``, the
    smaller of the two (a topic must come back both when only the seed changes and when
    the posts change); ``cells`` has one row per cell with the median of those over
    topics, the number of topics at or above ``bar``, held-out log-likelihood per token
    (mean and sd over resamples), c_npmi and exclusivity (mean of the per-fit topic means,
    and their sd over seeds).
    """
    frame = pd.DataFrame(list(results))
    cell_rows, topic_rows = [], []
    for (setup, k), group in frame.groupby(["setup", "k"], sort=False):
        seeds = group[group["replicate"].isna()].sort_values("seed")
        resamples = group[group["replicate"].notna()].sort_values("replicate")
        reference = seeds["top_words"].iloc[0]
        by_seed = matched_jaccard(reference, list(seeds["top_words"].iloc[1:]))
        by_resample = matched_jaccard(reference, list(resamples["top_words"]))
        s_seed, s_res = stability_summary(by_seed), stability_summary(by_resample)
        combined = np.minimum(s_seed["median"], s_res["median"]).to_numpy()
        for t in range(len(reference)):
            topic_rows.append(
                {
                    "setup": setup,
                    "k": int(k),
                    "topic_index": t,
                    "stability": combined[t],
                    "seed_median": s_seed["median"][t],
                    "seed_q25": s_seed["q25"][t],
                    "seed_q75": s_seed["q75"][t],
                    "resample_median": s_res["median"][t],
                    "resample_q25": s_res["q25"][t],
                    "resample_q75": s_res["q75"][t],
                    "stable": bool(combined[t] >= bar),
                    "top_words": " ".join(reference[t]),
                }
            )
        npmi = [float(np.mean(c)) for c in seeds["c_npmi"]]
        excl = [float(np.mean(exclusivity(phi))) for phi in seeds["phi"]]
        ll = resamples["heldout_loglik"].to_numpy(dtype=float)
        cell_rows.append(
            {
                "setup": setup,
                "k": int(k),
                "seeds": len(seeds),
                "resamples": len(resamples),
                "stability": float(np.median(combined)),
                "stability_seed": float(np.median(s_seed["median"])),
                "stability_resample": float(np.median(s_res["median"])),
                "stable_topics": int((combined >= bar).sum()),
                "heldout_ll": float(ll.mean()),
                "heldout_ll_sd": float(ll.std(ddof=1)) if len(ll) > 1 else float("nan"),
                "c_npmi": float(np.mean(npmi)),
                "c_npmi_sd": float(np.std(npmi, ddof=1)) if len(npmi) > 1 else float("nan"),
                "exclusivity": float(np.mean(excl)),
                "exclusivity_sd": float(np.std(excl, ddof=1)) if len(excl) > 1 else float("nan"),
            }
        )
    return pd.DataFrame(cell_rows), pd.DataFrame(topic_rows)


DIAGNOSTICS: tuple[str, ...] = ("heldout_ll", "c_npmi", "exclusivity")


def promote_cells(screen: pd.DataFrame, bar: float, margin: float) -> list[tuple[str, int]]:
    """The (setup, k) cells of a screening ``summarise_cells`` table that go on to the full
    evaluation: every cell whose median stability at screening is at least ``bar - margin``,
    and in any case the most stable cell (ties: the smaller k), so that at least one cell is
    fully evaluated. In the order of ``screen``."""
    if screen.empty:
        raise ValueError("promote_cells: no cells")
    if margin < 0:
        raise ValueError(f"promote_cells: margin must be >= 0, got {margin}")
    best = screen.sort_values(["stability", "k"], ascending=[False, True], kind="stable").iloc[0]
    keep = (screen["stability"] >= bar - margin - 1e-12) | (
        (screen["setup"] == best["setup"]) & (screen["k"] == best["k"])
    )
    return [(str(r.setup), int(r.k)) for r in screen[keep].itertuples(index=False)]


def merge_stages(
    screen: pd.DataFrame, full: pd.DataFrame, promoted: Sequence[tuple[str, int]]
) -> pd.DataFrame:
    """One table of every cell: the full evaluation's row for promoted cells, the screening
    row for the others, in the screening table's order, with ``evaluation`` saying which
    ("full" or "screen")."""
    chosen = set(promoted)
    full_keys = {(str(s), int(k)) for s, k in zip(full["setup"], full["k"], strict=True)}
    if missing := chosen - full_keys:
        raise ValueError(
            f"merge_stages: promoted cells without a full evaluation: {sorted(missing)}"
        )
    rows = []
    for _, row in screen.iterrows():
        key = (str(row["setup"]), int(row["k"]))
        if key in chosen:
            match = full[(full["setup"] == key[0]) & (full["k"] == key[1])].iloc[0]
            rows.append({**match.to_dict(), "evaluation": "full"})
        else:
            rows.append({**row.to_dict(), "evaluation": "screen"})
    return pd.DataFrame(rows)


def choose_cell(
    cells: pd.DataFrame, bar: float, min_k: int, tolerance: float
) -> tuple[pd.Series, pd.DataFrame, str]:
    """The collection's rule for choosing a (setup, k) cell of ``summarise_cells``.

    1. Stability first. Candidates are the cells with ``k >= min_k`` whose median topic
       stability reaches ``bar``; if there are none, any cell that reaches it (a smaller
       k, which the reason then says); if still none, the cells with ``k >= min_k``
       within ``tolerance`` of the best median stability among them.
    2. Among the candidates, the most diagnostics (held-out log-likelihood, c_npmi,
       exclusivity; higher is better for all three) on which the cell is *not clearly
       worse* than the best candidate: clearly worse means by more than the larger of the
       two cells' seed-to-seed (or resample-to-resample) standard deviations.
    3. Then the higher median stability, then the smaller k.

    Returns ``(chosen_row, candidates_with_scores, reason)``; ``reason`` is one of
    ``"bar"``, ``"bar_below_min_k"``, ``"no_setup_reaches_bar"``.
    """
    if cells.empty:
        raise ValueError("choose_cell: no cells")
    big = cells[cells["k"] >= min_k]
    if (big["stability"] >= bar).any():
        cand, reason = big[big["stability"] >= bar], "bar"
    elif (cells["stability"] >= bar).any():
        cand, reason = cells[cells["stability"] >= bar], "bar_below_min_k"
    else:
        pool = big if not big.empty else cells
        best = pool["stability"].max()
        cand, reason = pool[pool["stability"] >= best - tolerance - 1e-12], "no_setup_reaches_bar"
    cand = cand.copy()
    not_worse = np.zeros(len(cand), dtype=int)
    for name in DIAGNOSTICS:
        values = cand[name].to_numpy(dtype=float)
        sds = np.nan_to_num(cand[f"{name}_sd"].to_numpy(dtype=float))
        b = int(np.argmax(values))
        margin = np.maximum(sds, sds[b])
        ok = values[b] - values <= margin
        cand[f"{name}_not_worse"] = ok
        not_worse += ok.astype(int)
    cand["diagnostics_not_worse"] = not_worse
    cand["stability_round"] = cand["stability"].round(3)
    cand = cand.sort_values(
        ["diagnostics_not_worse", "stability_round", "k"],
        ascending=[False, False, True],
        kind="stable",
    ).drop(columns="stability_round")
    return cand.iloc[0], cand.reset_index(drop=True), reason


def allocate_counts(theta: np.ndarray, phi: np.ndarray, counts: csr_matrix) -> np.ndarray:
    """Topics x words: the corpus counts shared out among topics by each token's posterior,
    ``n_dw * theta_dt * phi_tw / sum_t theta_dt * phi_tw`` summed over documents. A topic's
    count of a word never exceeds the word's corpus count (LDAvis's term bars)."""
    coo = counts.tocoo()
    theta = np.asarray(theta, dtype=float)
    phi = np.asarray(phi, dtype=float)
    weights = theta[coo.row] * phi[:, coo.col].T  # tokens x topics
    total = weights.sum(axis=1, keepdims=True)
    share = np.where(total > 0, weights / np.where(total > 0, total, 1.0), 1.0 / phi.shape[0])
    out = np.zeros_like(phi)
    np.add.at(out.T, coo.col, share * coo.data[:, None])
    return out


GROUP_COLUMNS: tuple[str, ...] = (
    "group", "topic", "posts", "difference", "composed_low", "composed_high", "p", "p_holm"
)  # fmt: skip


def group_differences(
    thetas: Sequence[np.ndarray],
    groups: Sequence[str],
    min_posts: int,
    n_draws: int,
    n_perm: int,
    seed: int = 0,
) -> pd.DataFrame:
    """Each group's mean topic shares minus those of all other posts, tested directly.

    Only groups with at least ``min_posts`` posts are compared, and only if there are at
    least two such groups (otherwise an empty table with ``GROUP_COLUMNS``). For each group
    and topic: the difference of the reference-aligned shares averaged over the fits, its
    interval composed over fits and bootstrap samples of the posts (``compose``), a
    two-sided permutation p-value (the group labels permuted over posts, ``n_perm`` times)
    and Holm's correction over every group and topic tested.
    """
    from helpers.stats import holm, permutation_pvalue

    labels = np.asarray([str(g) for g in groups])
    values, counts = np.unique(labels, return_counts=True)
    compared = [v for v, n in zip(values, counts, strict=True) if n >= min_posts]
    if len(compared) < 2:
        return pd.DataFrame(columns=list(GROUP_COLUMNS))
    mean_theta = np.nanmean(np.stack(thetas), axis=0)
    rng = np.random.default_rng(seed)
    rows = []
    for g, group in enumerate(compared):
        member = labels == group

        def diff(theta: np.ndarray, rows_: np.ndarray, member: np.ndarray = member) -> np.ndarray:
            inside, outside = member[rows_], ~member[rows_]
            if not inside.any() or not outside.any():
                return np.full(theta.shape[1], np.nan)
            return theta[rows_][inside].mean(axis=0) - theta[rows_][outside].mean(axis=0)

        draws = compose(thetas, diff, n_draws, seed + 1 + g)
        low, high = interval(draws)
        everyone = np.arange(len(labels))
        observed = diff(mean_theta, everyone)
        null = np.array(
            [diff(mean_theta, everyone, rng.permutation(member)) for _ in range(n_perm)]
        )
        for t in range(mean_theta.shape[1]):
            rows.append(
                {
                    "group": group,
                    "topic": t + 1,
                    "posts": int(member.sum()),
                    "difference": float(observed[t]),
                    "composed_low": float(low[t]),
                    "composed_high": float(high[t]),
                    "p": permutation_pvalue(observed[t], null[:, t], "two-sided"),
                }
            )
    table = pd.DataFrame(rows)
    table["p_holm"] = holm(table["p"].to_numpy())
    return table[list(GROUP_COLUMNS)]


def slope_test(
    shares: np.ndarray, x: np.ndarray, n_perm: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(slope, p, p_holm)`` per column of ``shares`` (posts x topics) on ``x`` (e.g. the
    date in years): the least-squares slope, a two-sided permutation p-value (``x``
    permuted over posts, ``n_perm`` times) and Holm's correction over the columns."""
    from helpers.stats import holm, permutation_pvalue

    x = np.asarray(x, dtype=float)
    observed = slope(shares, x)
    rng = np.random.default_rng(seed)
    null = np.array([slope(shares, rng.permutation(x)) for _ in range(n_perm)])
    p = np.array(
        [permutation_pvalue(observed[t], null[:, t], "two-sided") for t in range(len(observed))]
    )
    return observed, p, holm(p)
