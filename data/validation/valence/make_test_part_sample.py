"""Draw the TEST-PART training sample for the DEPLOYED supervised valence model.

Run once from the repository root
(``.venv/bin/python data/validation/valence/make_test_part_sample.py``); the outputs are
committed. Re-running gives identical files (fixed seed) on the same corpus and split.

* Frame: every sentence of ``load_corpus()`` (reprints excluded) split by
  ``helpers.narrative.sentences_table``, keeping sentences of at least 3 words (the same
  eligibility rule as ``make_sample.py`` and ``make_training_sample.py``), and ONLY sentences
  of posts in the *test* part of ``split.csv``. Posts of the tuning part (already covered by
  ``make_training_sample.py``) and posts in neither part are not drawn from.
* Sentences already coded (the two-coder sample in ``split.csv`` and the training sample in
  ``train_split.csv``) are excluded.
* Draw: EVERY eligible sentence, in an order shuffled with seed ``SEED``, numbered
  ``u0001..``; the first half goes to ``items_test_part1.csv`` (one blind coder, E), the
  second half to ``items_test_part2.csv`` (another blind coder, F). ``test_part_split.csv``
  maps every item to its sentence, post and part file; it is never shown to a coder.

These labels train only the deployed (all-posts, cross-fitted) model. The tuning-only model
and its untouched test-part evaluation never see them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers import load_corpus
from helpers.narrative import sentences_table

ROOT = Path(__file__).resolve().parents[3]

SEED = 2028
OUT = Path(__file__).resolve().parent


def main() -> None:
    split = pd.read_csv(OUT / "split.csv")
    train_split = pd.read_csv(OUT / "train_split.csv")
    tuning_posts = set(split.loc[split["part"] == "tuning", "doc_id"])
    test_posts = set(split.loc[split["part"] == "test", "doc_id"])
    assert not tuning_posts & test_posts, "split.csv: a post is in both parts"
    coded = set(split["sent_id"]) | set(train_split["sent_id"])
    sentences = sentences_table(load_corpus())
    sentences = sentences[sentences["n_words"] >= 3]
    frame = sentences[
        sentences["doc_id"].isin(test_posts) & ~sentences["sent_id"].isin(coded)
    ].sort_values("sent_id")
    frame = frame.reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    order = rng.permutation(frame.index.to_numpy())
    sample = frame.loc[order].reset_index(drop=True)
    sample.insert(0, "item_id", [f"u{i:04d}" for i in range(1, len(sample) + 1)])
    half = (len(sample) + 1) // 2
    sample["items_file"] = np.where(
        sample.index < half, "items_test_part1.csv", "items_test_part2.csv"
    )
    assert set(sample["doc_id"]) <= test_posts
    assert not set(sample["sent_id"]) & coded
    for name, part in sample.groupby("items_file"):
        tmp = OUT / (name + ".tmp")
        part[["item_id", "text"]].rename(columns={"text": "sentence"}).to_csv(tmp, index=False)
        tmp.replace(OUT / name)
    sample["part"] = "test"
    tmp = OUT / "test_part_split.csv.tmp"
    sample[["item_id", "sent_id", "doc_id", "position", "n_sent", "part", "items_file"]].to_csv(
        tmp, index=False
    )
    tmp.replace(OUT / "test_part_split.csv")
    print(len(frame), len(sample), sample["items_file"].value_counts().to_dict())


if __name__ == "__main__":
    main()
