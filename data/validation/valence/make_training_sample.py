"""Draw the extra TRAINING sample for the supervised valence model (tuning-part posts only).

Run once from the repository root
(``.venv/bin/python data/validation/valence/make_training_sample.py``); the outputs are
committed. Re-running gives identical files (fixed seed) on the same corpus and split.

* Frame: every sentence of ``load_corpus()`` (reprints excluded) split by
  ``helpers.narrative.sentences_table``, keeping sentences of at least 3 words (as
  ``make_sample.py``), and ONLY sentences of posts in the *tuning* part of ``split.csv``.
  Posts of the test part are never drawn from, and posts that are in neither part (added to
  the corpus after the split) are not drawn from either.
* Sentences already in the two-coder sample (``split.csv``) are excluded.
* Draw: ``N_TRAIN`` sentences at random (seed ``SEED``), shuffled and numbered ``t0001..``;
  the first half goes to ``items_train_part1.csv`` (one blind coder), the second half to
  ``items_train_part2.csv`` (another blind coder). ``train_split.csv`` maps every item to its
  sentence, post and part file; it is never shown to a coder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers import load_corpus
from helpers.narrative import sentences_table

ROOT = Path(__file__).resolve().parents[3]

SEED = 2027
N_TRAIN = 1200
OUT = Path(__file__).resolve().parent


def main() -> None:
    split = pd.read_csv(OUT / "split.csv")
    tuning_posts = set(split.loc[split["part"] == "tuning", "doc_id"])
    test_posts = set(split.loc[split["part"] == "test", "doc_id"])
    assert not tuning_posts & test_posts, "split.csv: a post is in both parts"
    sentences = sentences_table(load_corpus())
    sentences = sentences[sentences["n_words"] >= 3]
    frame = sentences[
        sentences["doc_id"].isin(tuning_posts) & ~sentences["sent_id"].isin(split["sent_id"])
    ].sort_values("sent_id")
    frame = frame.reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    n = min(N_TRAIN, len(frame))
    chosen = rng.choice(frame.index.to_numpy(), size=n, replace=False)
    sample = frame.loc[chosen].reset_index(drop=True)
    sample.insert(0, "item_id", [f"t{i:04d}" for i in range(1, len(sample) + 1)])
    half = (len(sample) + 1) // 2
    sample["items_file"] = np.where(
        sample.index < half, "items_train_part1.csv", "items_train_part2.csv"
    )
    assert not set(sample["doc_id"]) & test_posts
    for name, part in sample.groupby("items_file"):
        part[["item_id", "text"]].rename(columns={"text": "sentence"}).to_csv(
            OUT / name, index=False
        )
    sample["part"] = "tuning"
    sample[["item_id", "sent_id", "doc_id", "position", "n_sent", "part", "items_file"]].to_csv(
        OUT / "train_split.csv", index=False
    )
    print(len(frame), len(sample), sample["items_file"].value_counts().to_dict())


if __name__ == "__main__":
    main()
