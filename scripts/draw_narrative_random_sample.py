"""Draw the plain random sample of notebook 05's actor mentions (run once; outputs committed).

A seeded uniform random sample of mentions of ``results/narrative/actor_mentions.csv`` that
no earlier sample holds (roles, extra training and earlier single-coder samples), from
posts of both parts, so its labels look like those of a fresh random sample of mentions.
Three items files of about equal size (one blind coder each) and one file of a seeded
subset spread over the three (a fourth, second blind coder). Used to train the deployed
classifier (and, from tuning-part posts, the tuning-only one); the subset gives the
two-coder agreement on a random sample.

Writes to ``data/validation/``: ``random_items_1.csv`` .. ``random_items_3.csv`` and
``random_items_B.csv`` (``item_id, sentence``, mention in ``[[ ]]``) and
``random_keys.csv`` (which mention each item is, the post's part in the roles split, the
items file, the coder B flag). Refuses to overwrite any of them.

Usage: ``.venv/bin/python scripts/draw_narrative_random_sample.py`` (first round).

``--round 2`` draws the second round, after the first was coded: every mention still
uncoded (the first round's mentions left out too), in a seeded random order, cut into
four files (``random2_items_1.csv`` .. ``random2_items_4.csv``, ids ``M....``, one blind
coder each, no second coder) and ``random2_keys.csv``. Only the deployed classifier and
(from posts outside the test part) the tuning-only one use it.

``--round 3`` draws the third round, after the classifier's learning curve
(``data/validation/roles/COMPARISON.md``) was still rising with every dictionary mention
coded: noun phrases the actor dictionary does **not** match (``helpers.narrative.actors
.noun_spans``: maximal runs of noun tokens overlapping no dictionary mention) in the analysed
posts (``director_posts`` with writers of unknown role, as notebook 05), a seeded uniform
sample of ``N_ITEMS_3`` cut into ``N_FILES_3`` files (``outside_items_1.csv`` ..; ids
``X....``, one blind coder each, no second coder) and ``outside_keys.csv``. The same coding
guide applies to any participant; these labels can only train the deployed classifier, and
are used only if they pass the comparison's rule (``compare_role_features.py --outside``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from helpers.narrative.sampling import draw_random_sample
from helpers.paths import DATA_DIR, RESULTS_DIR

SEED = 2029
N_ITEMS = 1500
N_FILES = 3
SECOND_N = 150
# Second round: every mention still uncoded, four coders, no second coder.
SEED_2 = 2031
N_FILES_2 = 4
# Third round: noun phrases outside the actor dictionary, eight coders, no second coder.
SEED_3 = 2033
N_ITEMS_3 = 3200
N_FILES_3 = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round", type=int, choices=[1, 2, 3], default=1)
    chosen = parser.parse_args().round
    if chosen in (2, 3):
        (second_round if chosen == 2 else third_round)()
        return
    out = DATA_DIR / "validation"
    targets = [out / f"random_items_{i}.csv" for i in range(1, N_FILES + 1)]
    targets += [out / "random_items_B.csv", out / "random_keys.csv"]
    if existing := [p.name for p in targets if p.exists()]:
        raise SystemExit(f"refusing to overwrite committed sample files: {existing}")
    mentions = pd.read_csv(RESULTS_DIR / "narrative" / "actor_mentions.csv")
    roles_keys = pd.read_csv(out / "roles_keys.csv")
    coded = pd.concat(
        [
            roles_keys[["sent_id", "char_start"]],
            pd.read_csv(out / "training_keys.csv", usecols=["sent_id", "char_start"]),
            pd.read_csv(out / "actor_mentions_coded.csv", usecols=["sent_id", "char_start"]),
        ],
        ignore_index=True,
    )
    items, keys = draw_random_sample(mentions, coded, N_ITEMS, SEED, N_FILES, SECOND_N)
    part = roles_keys.groupby("doc_id")["split"].first()
    keys["part"] = keys["doc_id"].map(part).fillna("unassigned")
    keys["items_file"] = [f"random_items_{f}.csv" for f in keys["file"]]
    keys = keys[
        ["item_id", "doc_id", "sent_id", "char_start", "char_end", "actor", "surface", "part"]
        + ["items_file", "coder_b"]
    ]
    for number in range(1, N_FILES + 1):
        chosen = keys.loc[keys["items_file"] == f"random_items_{number}.csv", "item_id"]
        items[items["item_id"].isin(chosen)].to_csv(out / f"random_items_{number}.csv", index=False)
    items[items["item_id"].isin(keys.loc[keys["coder_b"], "item_id"])].to_csv(
        out / "random_items_B.csv", index=False
    )
    keys.to_csv(out / "random_keys.csv", index=False)
    print(
        f"random sample: {len(items)} items from {keys['doc_id'].nunique()} posts "
        f"({keys['part'].value_counts().to_dict()}); coder B subset {int(keys['coder_b'].sum())}"
    )


def refuse_overwrite(out: Path, stem: str, n_files: int) -> None:
    """Stop if any items file or the keys file of a round (``{stem}_items_N.csv``,
    ``{stem}_keys.csv``) is already there: committed samples are never redrawn."""
    targets = [out / f"{stem}_items_{i}.csv" for i in range(1, n_files + 1)]
    targets += [out / f"{stem}_keys.csv"]
    if existing := [p.name for p in targets if p.exists()]:
        raise SystemExit(f"refusing to overwrite committed sample files: {existing}")


def write_round(items: pd.DataFrame, keys: pd.DataFrame, out: Path, stem: str, n_files: int):
    """Add each item's post part (roles split) and items file to ``keys``, write the items
    files and the keys file of a round with one coder per file; returns the keys."""
    part = pd.read_csv(out / "roles_keys.csv").groupby("doc_id")["split"].first()
    keys["part"] = keys["doc_id"].map(part).fillna("unassigned")
    keys["items_file"] = [f"{stem}_items_{f}.csv" for f in keys["file"]]
    keys = keys[
        ["item_id", "doc_id", "sent_id", "char_start", "char_end", "actor", "surface", "part"]
        + ["items_file"]
    ]
    for number in range(1, n_files + 1):
        chosen = keys.loc[keys["items_file"] == f"{stem}_items_{number}.csv", "item_id"]
        items[items["item_id"].isin(chosen)].to_csv(out / f"{stem}_items_{number}.csv", index=False)
    keys.to_csv(out / f"{stem}_keys.csv", index=False)
    return keys


def second_round(out: Path = DATA_DIR / "validation") -> None:
    refuse_overwrite(out, "random2", N_FILES_2)
    mentions = pd.read_csv(RESULTS_DIR / "narrative" / "actor_mentions.csv")
    coded = pd.concat(
        [
            pd.read_csv(DATA_DIR / "validation" / name, usecols=["sent_id", "char_start"])
            for name in (
                "roles_keys.csv",
                "training_keys.csv",
                "actor_mentions_coded.csv",
                "random_keys.csv",
            )
        ],
        ignore_index=True,
    )
    remaining = len(mentions) - len(
        set(zip(coded["sent_id"], coded["char_start"], strict=True))
        & set(zip(mentions["sent_id"], mentions["char_start"], strict=True))
    )
    items, keys = draw_random_sample(
        mentions, coded, remaining, SEED_2, N_FILES_2, second_n=0, prefix="M"
    )
    keys = write_round(items, keys, out, "random2", N_FILES_2)
    print(f"second round: {len(items)} items from {keys['doc_id'].nunique()} posts")


def third_round(out: Path = DATA_DIR / "validation") -> None:
    from helpers import load_corpus
    from helpers.corpus import director_posts
    from helpers.narrative import compile_actor_patterns, load_actors, pos_tag, sentences_table
    from helpers.narrative.actors import noun_spans

    refuse_overwrite(out, "outside", N_FILES_3)
    sentences = sentences_table(director_posts(load_corpus(), include_unknown=True))
    spans = noun_spans(sentences, compile_actor_patterns(load_actors()), pos_tag)
    nothing = pd.DataFrame({"sent_id": pd.Series(dtype=str), "char_start": pd.Series(dtype=int)})
    items, keys = draw_random_sample(
        spans, nothing, N_ITEMS_3, SEED_3, N_FILES_3, second_n=0, prefix="X"
    )
    keys = write_round(items, keys, out, "outside", N_FILES_3)
    print(
        f"third round: {len(items)} of {len(spans)} noun phrases outside the dictionary, from "
        f"{keys['doc_id'].nunique()} posts ({keys['part'].value_counts().to_dict()})"
    )


if __name__ == "__main__":
    main()
