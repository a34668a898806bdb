"""Hand codings of notebook 05: loading with checks, and agreement with intervals.

Codings come from blind coders (``data/validation/SAMPLES.md`` says who saw what). Values
are checked against the guide's lists; a bad value raises ``ValueError`` naming the file,
the row and the value, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.stats import bootstrap_draws, percentile_interval

AGENCY_LABELS: tuple[str, ...] = ("agent", "patient", "other")
ROLE_LABELS: tuple[str, ...] = ("hero", "villain", "victim", "none")
ADDRESSEES: tuple[str, ...] = (
    "central government",
    "we (the writers' collective or sector)",
    "ADCS",
    "directors and leaders",
    "local authorities",
    "social workers and staff",
    "schools",
    "health and NHS",
    "Ofsted",
    "courts",
    "partners and agencies",
    "families",
    "children and young people",
    "everyone / society",
    "several",
    "other",
    "unspecified",
    "not an obligation",
)
ROLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "is_actor": ("yes", "no"),
    "agency": AGENCY_LABELS,
    "npf_role": ROLE_LABELS,
}
OBLIGATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "obligation": ("yes", "no"),
    "addressee": ADDRESSEES,
    "explicit": ("yes", "no"),
}


# Values a coder may legitimately write for a label: OBLIGATION_GUIDE.md asks coders to copy
# the labels "without the descriptions in brackets", which for the writers' "we" leaves "we".
ALIASES: dict[str, str] = {"we": "we (the writers' collective or sector)"}


def _load_coding(
    path: Path, columns: dict[str, tuple[str, ...]], items: Sequence[str]
) -> pd.DataFrame:
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame.columns = [c.strip() for c in frame.columns]
    missing = ({"item_id"} | set(columns)) - set(frame.columns)
    if missing:
        raise ValueError(f"{path.name}: missing columns {sorted(missing)}")
    for column, allowed in columns.items():
        frame[column] = frame[column].str.strip()
        lookup = {a.lower(): a for a in allowed}
        lookup.update({k: v for k, v in ALIASES.items() if v in allowed})
        for row, value in enumerate(frame[column], start=2):
            if value.lower() not in lookup:
                raise ValueError(f"{path.name}, row {row}: {column} = {value!r} not in {allowed}")
        frame[column] = frame[column].str.lower().map(lookup)
    frame["item_id"] = frame["item_id"].str.strip()
    if dupes := sorted(set(frame.loc[frame["item_id"].duplicated(), "item_id"])):
        raise ValueError(f"{path.name}: items coded twice {dupes[:5]}")
    if unknown := sorted(set(frame["item_id"]) - set(items)):
        raise ValueError(f"{path.name}: unknown item ids {unknown[:5]}")
    return frame[["item_id", *columns, *(["notes"] if "notes" in frame.columns else [])]]


def load_role_coding(path: Path, items: Sequence[str]) -> pd.DataFrame:
    """One coder's role coding (``item_id, is_actor, agency, npf_role[, notes]``), checked."""
    return _load_coding(path, ROLE_COLUMNS, items)


def load_obligation_coding(path: Path, items: Sequence[str]) -> pd.DataFrame:
    """One coder's obligation coding (``item_id, obligation, addressee, explicit``), checked."""
    return _load_coding(path, OBLIGATION_COLUMNS, items)


def _confusion(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        codes_a, codes_b = a, b  # already encoded (the bootstrap in ``agreement``)
    else:
        labels = sorted(set(a.tolist()) | set(b.tolist()), key=str)
        index = {label: i for i, label in enumerate(labels)}
        codes_a = np.array([index[x] for x in a.tolist()], dtype=int)
        codes_b = np.array([index[x] for x in b.tolist()], dtype=int)
    k = int(max(codes_a.max(initial=0), codes_b.max(initial=0))) + 1
    return np.bincount(codes_a * k + codes_b, minlength=k * k).reshape(k, k).astype(float)


def kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two codings (same value as scikit-learn's ``cohen_kappa_score``).

    Returns 1 when both codings are constant and equal (no chance correction possible).
    """
    table = _confusion(a, b)
    n = table.sum()
    observed = np.trace(table) / n
    expected = float((table.sum(axis=0) * table.sum(axis=1)).sum() / n**2)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return float((observed - expected) / (1 - expected))


def alpha(a: Sequence[str], b: Sequence[str]) -> float:
    """Krippendorff's nominal alpha of two complete codings (as ``krippendorff_alpha_nominal``).

    Two coders and no missing values: the coincidence matrix is the confusion matrix plus
    its transpose, which makes the bootstrap fast.
    """
    table = _confusion(a, b)
    coincidence = table + table.T
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n * n - (n_c**2).sum()) / (n - 1)
    if expected == 0:
        return float("nan")
    return float(1.0 - observed / expected)


def _scores_from_tables(tables: np.ndarray) -> dict[str, np.ndarray]:
    """Accuracy, kappa and alpha of a stack of confusion tables (``... x k x k``)."""
    n = tables.sum(axis=(-2, -1))
    diagonal = np.trace(tables, axis1=-2, axis2=-1)
    rows, cols = tables.sum(axis=-1), tables.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = diagonal / n
        expected = (rows * cols).sum(axis=-1) / n**2
        kappa_values = np.where(
            expected == 1.0,
            np.where(observed == 1.0, 1.0, 0.0),
            (observed - expected) / (1 - expected),
        )
        n_c = rows + cols  # margins of the coincidence matrix (table + its transpose)
        disagree = 2 * (n - diagonal)
        expected_disagree = (4 * n * n - (n_c**2).sum(axis=-1)) / (2 * n - 1)
        alpha_values = np.where(expected_disagree == 0, np.nan, 1.0 - disagree / expected_disagree)
    return {"accuracy": observed, "kappa": kappa_values, "alpha": alpha_values}


def agreement(
    a: Sequence[str],
    b: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
    groups: Sequence[object] | None = None,
    level: float = 0.95,
) -> dict[str, float]:
    """``n``, accuracy, kappa and alpha of two codings, each with a bootstrap interval.

    With ``groups`` (e.g. the post of each coded item) the bootstrap resamples whole groups
    (a cluster bootstrap: items of one post are not independent); without, every item is its
    own group. The intervals cover sampling of posts only, not coding error. Each replicate
    sums the groups' confusion tables, so a thousand replicates take milliseconds.
    """
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValueError(f"codings differ in length: {len(a)} vs {len(b)}")
    if not a:
        raise ValueError("agreement needs at least one coded item")
    labels = sorted(set(a) | set(b), key=str)
    index = {label: i for i, label in enumerate(labels)}
    k = len(labels)
    cells = np.array([index[x] * k + index[y] for x, y in zip(a, b, strict=True)], dtype=int)
    if groups is None:
        group_codes = np.arange(len(a))
    else:
        groups = list(groups)
        if len(groups) != len(a):
            raise ValueError(f"groups has {len(groups)} entries for {len(a)} items")
        group_codes = pd.factorize(pd.Series(groups, dtype=object))[0]
    n_groups = int(group_codes.max()) + 1
    per_group = np.zeros((n_groups, k * k))
    np.add.at(per_group, (group_codes, cells), 1.0)
    estimate = _scores_from_tables(per_group.sum(axis=0).reshape(k, k))
    draws = bootstrap_draws(n_groups, n_boot, seed)  # the collection's one bootstrap
    weights = np.zeros((n_boot, n_groups))
    np.add.at(weights, (np.repeat(np.arange(n_boot), n_groups), draws.ravel()), 1.0)
    replicates = _scores_from_tables((weights @ per_group).reshape(n_boot, k, k))
    out: dict[str, float] = {"n": float(len(a)), "groups": float(n_groups)}
    for name in ("accuracy", "kappa", "alpha"):
        low, high = percentile_interval(replicates[name], level)  # NaN replicates ignored
        out[name] = float(estimate[name])
        out[f"{name}_low"], out[f"{name}_high"] = float(low), float(high)
    return out


#: Mention key shared by every coding table and by ``code_mentions``.
MENTION_KEY: tuple[str, ...] = ("doc_id", "sent_id", "char_start")

#: The mention samples of ``data/validation`` (``SAMPLES.md``): a source name -> the keys
#: file and the coding files (``items_file`` in the keys picks a file's items where several
#: coders shared a sample out). Coders B of the role-enriched and random samples coded a
#: subset (``coder_b`` in the keys).
ROLE_SOURCES: dict[str, tuple[str, tuple[tuple[str, str | None], ...]]] = {
    "roles coder A": ("roles_keys.csv", (("roles_coder_A.csv", None),)),
    "random sample first coders": (
        "random_keys.csv",
        tuple((f"random_coder_{n}.csv", f"random_items_{n}.csv") for n in (1, 2, 3)),
    ),
    "random sample second round": (
        "random2_keys.csv",
        tuple((f"random2_coder_{n}.csv", f"random2_items_{n}.csv") for n in (1, 2, 3, 4)),
    ),
    "extra training coder": ("training_keys.csv", (("training_coder_A.csv", None),)),
    "roles coder B": ("roles_keys.csv", (("roles_coder_B.csv", "coder_b"),)),
    "random sample coder B": ("random_keys.csv", (("random_coder_B.csv", "coder_b"),)),
}


def _load_source(
    validation_dir: Path,
    keys_file: str,
    codings: tuple[tuple[str, str | None], ...],
    columns: Sequence[str],
) -> pd.DataFrame | None:
    """One sample's labels: ``columns`` of its keys joined to every coding file that is
    there (each checked by ``load_role_coding`` against the items it was given); ``None``
    when the keys file or every coding file is missing."""
    if not (validation_dir / keys_file).exists():
        return None
    keys = pd.read_csv(validation_dir / keys_file)
    parts = []
    for coding_file, selector in codings:
        path = validation_dir / coding_file
        if not path.exists():
            continue
        if selector is None:
            items = keys["item_id"]
        elif selector == "coder_b":
            items = keys.loc[keys["coder_b"].astype(bool), "item_id"]
        else:
            items = keys.loc[keys["items_file"] == selector, "item_id"]
        coding = load_role_coding(path, items)
        parts.append(keys[["item_id", *columns]].merge(coding, on="item_id"))
    if not parts:
        return None
    return pd.concat(parts, ignore_index=True)[[*columns, "is_actor", "agency", "npf_role"]]


def coder_tables(validation_dir: Path) -> dict[str, pd.DataFrame]:
    """Every coder's mention labels keyed by mention: source name -> ``doc_id, sent_id,
    char_start, is_actor, agency, npf_role`` (``ROLE_SOURCES``, plus the earlier
    single-coder sample ``actor_mentions_coded.csv``). A sample or coding file that is not
    there yet is left out (its source is then missing or smaller); a coding file that is there is
    checked by ``load_role_coding`` against the items it was given."""
    key = list(MENTION_KEY)
    out: dict[str, pd.DataFrame] = {}
    for name, (keys_file, codings) in ROLE_SOURCES.items():
        table = _load_source(validation_dir, keys_file, codings, key)
        if table is not None:
            out[name] = table
    earlier = validation_dir / "actor_mentions_coded.csv"
    if earlier.exists():
        out["earlier single coder"] = pd.read_csv(earlier)[[*key, "is_actor", "agency", "npf_role"]]
    return out


#: The third round (``SAMPLES.md``): noun phrases the actor dictionary does not match, one
#: blind coder per file. Not actor mentions, so not in ``ROLE_SOURCES``: they can only add
#: training rows to the deployed classifier (``outside_labels``).
OUTSIDE_SOURCE: tuple[str, tuple[tuple[str, str | None], ...]] = (
    "outside_keys.csv",
    tuple((f"outside_coder_{n}.csv", f"outside_items_{n}.csv") for n in range(1, 9)),
)


def outside_labels(validation_dir: Path) -> pd.DataFrame:
    """The coders' labels of the third round's noun phrases: ``doc_id, sent_id,
    char_start, char_end, surface, is_actor, agency, npf_role`` (empty, with these columns,
    when no coding file is there yet)."""
    columns = [*MENTION_KEY, "char_end", "surface"]
    keys_file, codings = OUTSIDE_SOURCE
    table = _load_source(validation_dir, keys_file, codings, columns)
    if table is None:
        return pd.DataFrame(columns=[*columns, "is_actor", "agency", "npf_role"])
    return table.sort_values(list(MENTION_KEY)).reset_index(drop=True)
