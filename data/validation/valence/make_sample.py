"""Draw the valence / framing coding sample, the coder-B subset and the tuning/test split.

Run once from the repository root (``.venv/bin/python data/validation/valence/make_sample.py``);
the outputs are committed. Re-running gives identical files (fixed seed) on the same corpus.

* Frame: every sentence of ``load_corpus()`` (reprints excluded) split by
  ``helpers.narrative.sentences_table``, keeping sentences of at least 3 words.
* Draw: per post, one sentence from each third of the post (opening, middle, ending), then
  ``EXTRA`` more sentences drawn at random from the rest, so that every post and every
  position is represented. Items are shuffled and numbered ``v001..``.
* Split (decided before any coding was seen): half of the *posts* (seeded) form the tuning
  part, the other half the test part, so that no post contributes to both.
* Coder B codes a seeded random subset of ``N_CODER_B`` items (at least 40%).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers import load_corpus
from helpers.narrative import sentences_table

ROOT = Path(__file__).resolve().parents[3]


SEED = 2026
EXTRA = 51
N_CODER_B = 150
OUT = Path(__file__).resolve().parent


def main() -> None:
    rng = np.random.default_rng(SEED)
    sentences = sentences_table(load_corpus())
    sentences = sentences[sentences["n_words"] >= 3].reset_index(drop=True)
    third = np.minimum(2, (3 * sentences["position"] // sentences["n_sent"]).astype(int))
    sentences["third"] = third.map({0: "opening", 1: "middle", 2: "ending"})
    chosen: list[int] = []
    for _, group in sentences.groupby(["doc_id", "third"], sort=True):
        chosen.append(int(rng.choice(group.index.to_numpy())))
    rest = sentences.index.difference(chosen).to_numpy()
    chosen.extend(int(i) for i in rng.choice(rest, size=EXTRA, replace=False))
    sample = sentences.loc[chosen].sample(frac=1.0, random_state=SEED).reset_index(drop=True)
    sample.insert(0, "item_id", [f"v{i:03d}" for i in range(1, len(sample) + 1)])

    posts = np.array(sorted(sample["doc_id"].unique()))
    tuning_posts = set(rng.choice(posts, size=len(posts) // 2, replace=False))
    sample["part"] = np.where(sample["doc_id"].isin(tuning_posts), "tuning", "test")
    coder_b = set(rng.choice(sample["item_id"].to_numpy(), size=N_CODER_B, replace=False))
    sample["coder_b"] = sample["item_id"].isin(coder_b)

    sample[["item_id", "text"]].rename(columns={"text": "sentence"}).to_csv(
        OUT / "items_coder_a.csv", index=False
    )
    sample.loc[sample["coder_b"], ["item_id", "text"]].rename(columns={"text": "sentence"}).to_csv(
        OUT / "items_coder_b.csv", index=False
    )
    sample[
        ["item_id", "sent_id", "doc_id", "position", "n_sent", "third", "part", "coder_b"]
    ].to_csv(OUT / "split.csv", index=False)
    print(len(sample), sample["part"].value_counts().to_dict(), int(sample["coder_b"].sum()))


if __name__ == "__main__":
    main()
