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

Usage: ``.venv/bin/python scripts/draw_narrative_random_sample.py``
"""

from __future__ import annotations

import pandas as pd

from helpers.narrative.sampling import draw_random_sample
from helpers.paths import DATA_DIR, RESULTS_DIR

SEED = 2029
N_ITEMS = 1500
N_FILES = 3
SECOND_N = 150


def main() -> None:
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


if __name__ == "__main__":
    main()
