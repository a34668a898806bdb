"""Draw the extra training sample of notebook 05 (run once; the outputs are committed).

More mentions for the role/agency classifier, from posts of the *tuning* part only, so the
test part stays unseen. One blind coder; used for training, never for agreement figures.
Writes ``data/validation/training_items.csv`` (``item_id, sentence``) and
``training_keys.csv``.

Usage: ``.venv/bin/python scripts/draw_narrative_training_sample.py``
"""

from __future__ import annotations

import pandas as pd

from helpers import load_corpus
from helpers.narrative import sentences_table
from helpers.narrative.sampling import draw_role_sample
from helpers.paths import DATA_DIR

SEED = 2028


def main() -> None:
    out = DATA_DIR / "validation"
    keys = pd.read_csv(out / "roles_keys.csv")
    tuning_posts = set(keys.loc[keys["split"] == "tuning", "doc_id"])
    posts = load_corpus()
    sentences = sentences_table(posts[posts["doc_id"].isin(tuning_posts)])
    items, new_keys = draw_role_sample(
        sentences,
        previous_coded=out / "actor_mentions_coded.csv",
        seed=SEED,
        per_actor_cued=30,
        per_actor_plain=12,
        second_share=0.0,
        exclude=keys[["sent_id", "char_start"]],
        prefix="T",
    )
    new_keys["split"] = "training"
    items.to_csv(out / "training_items.csv", index=False)
    new_keys.to_csv(out / "training_keys.csv", index=False)
    print(f"training sample: {len(items)} items from {new_keys['doc_id'].nunique()} tuning posts")


if __name__ == "__main__":
    main()
