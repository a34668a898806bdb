"""Draw the hand-coding samples of notebook 05 (run once; the outputs are committed).

Writes to ``data/validation/``:

* ``roles_items.csv`` (``item_id, sentence``): what coders see, the mention in [[ ]];
* ``roles_keys.csv``: which mention each item is, its stratum, split and coder assignment;
* ``obligation_items.csv`` / ``obligation_keys.csv``: the same for obligation markers.

Usage: ``.venv/bin/python scripts/draw_narrative_samples.py``
"""

from __future__ import annotations

from helpers import load_corpus
from helpers.narrative import sentences_table
from helpers.narrative.sampling import draw_obligation_sample, draw_role_sample
from helpers.paths import DATA_DIR

SEED = 2027


def main() -> None:
    posts = load_corpus()
    sentences = sentences_table(posts)
    out = DATA_DIR / "validation"
    previous = out / "actor_mentions_coded.csv"
    items, keys = draw_role_sample(sentences, previous_coded=previous, seed=SEED)
    items.to_csv(out / "roles_items.csv", index=False)
    keys.to_csv(out / "roles_keys.csv", index=False)
    o_items, o_keys = draw_obligation_sample(sentences, seed=SEED)
    o_items.to_csv(out / "obligation_items.csv", index=False)
    o_keys.to_csv(out / "obligation_keys.csv", index=False)
    print(f"roles: {len(items)} items; obligations: {len(o_items)} items")


if __name__ == "__main__":
    main()
