"""Compare candidate feature sets and class weights for the deployed NPF-role classifier.

Run from the repository root (``.venv/bin/python data/validation/roles/compare_role_features.py``,
about two minutes on two cores); it writes ``role_features_cv.csv`` beside this file, which
notebook 05 shows.

* Labels: the deployed classifier's training set as notebook 05 builds it (every coder's
  labels, one per mention, ``helpers.narrative.validation.coder_tables``).
* Predictions: cross-fitted by post exactly as deployed (``CrossFittedClassifier``: folds a
  fixed hash of ``doc_id``, ``C`` chosen inside each fold's training rows), so every
  prediction is nested out-of-fold.
* Selection score: Cohen's kappa on the labelled mentions of posts OUTSIDE coder A's
  role-enriched test part. Mentions of test-part posts are predicted but never scored here,
  so choosing among the candidates does not touch the test part.
* Rule (the project's standard for a model change, as for the valence model in
  ``data/validation/valence/README.md``): a candidate replaces the current model only if the
  lower end of the paired 95% bootstrap interval (over posts) of its gain is above zero;
  among such candidates the one with the highest kappa is adopted, and if there is none the
  current model stays. (A first run of this script adopted the highest kappa outright;
  see ``COMPARISON.md``.)
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import load_corpus
from helpers.arcs import DomainVader, load_valence_overrides
from helpers.corpus import director_posts
from helpers.narrative import code_mentions, load_actors, load_verb_categories, sentences_table
from helpers.narrative.classifier import mention_features, role_features
from helpers.narrative.crossfit import CrossFittedClassifier, merge_mention_labels
from helpers.narrative.validation import MENTION_KEY, coder_tables, kappa
from helpers.stats import bootstrap_draws, percentile_interval

ROOT = Path(__file__).resolve().parents[3]

VALIDATION = ROOT / "data" / "validation"
OUT = Path(__file__).resolve().parent / "role_features_cv.csv"
CS = (0.1, 0.3, 1.0)  # notebook 05's CV_C
N_FOLDS, FOLD_SEED, N_BOOT, BOOT_SEED = 5, 0, 1000, 2026
GROUPS = ("actor", "bigrams", "valence")  # the feature groups of role_features


def only(features_full: list[dict], base: list[dict], keep: set[str]) -> list[dict]:
    """``role_features`` restricted to the base features plus the groups in ``keep``."""

    def group(name: str) -> str:
        if name.startswith(("lbi=", "rbi=")):
            return "bigrams"
        if name.startswith(("actor|agency=", "actor|vcat=", "actor|verb=")):
            return "actor"
        return "valence"

    out = []
    for full, b in zip(features_full, base, strict=True):
        out.append({k: v for k, v in full.items() if k in b or group(k) in keep})
    return out


def main() -> None:
    start = time.time()
    posts = director_posts(load_corpus(), include_unknown=True)
    sentences = sentences_table(posts)
    vader = DomainVader(load_valence_overrides())
    sentences["valence"] = vader.scores(sentences["text"])
    mentions = code_mentions(sentences, load_actors(), load_verb_categories())
    mentions = mentions.merge(
        sentences[["sent_id", "valence"]], on="sent_id", validate="many_to_one"
    )
    key = list(MENTION_KEY)
    labelled = merge_mention_labels(
        coder_tables(VALIDATION),
        prefer=["roles coder A", "random sample first coders", "random sample second round"],
    )
    labelled = labelled[labelled["is_actor"] == "yes"]
    position = pd.Series(np.arange(len(mentions)), index=pd.MultiIndex.from_frame(mentions[key]))
    labelled = labelled[pd.MultiIndex.from_frame(labelled[key]).isin(position.index)]
    labelled = labelled.reset_index(drop=True)
    rows = position.loc[pd.MultiIndex.from_frame(labelled[key])].to_numpy()
    sub = mentions.iloc[rows].reset_index(drop=True)
    base = mention_features(sub)
    full = role_features(sub, base, vader.analyzer.lexicon)
    keys = pd.read_csv(VALIDATION / "roles_keys.csv")
    test_posts = set(keys.loc[keys["split"] == "test", "doc_id"])
    groups = labelled["doc_id"].astype(str).tolist()
    scored = ~labelled["doc_id"].isin(test_posts).to_numpy()
    y = labelled["npf_role"].to_numpy(dtype=object)
    print(
        f"{len(labelled)} labelled mentions; scored (posts outside the test part): {scored.sum()}"
    )

    candidates = [("current: agency features, balanced", set(), 1.0)]
    candidates += [(f"agency features, power {p}", set(), p) for p in (0.5, 0.25)]
    candidates += [(f"+ {g}, balanced", {g}, 1.0) for g in GROUPS]
    candidates += [("+ all three, balanced", set(GROUPS), 1.0)]
    candidates += [(f"+ all three, power {p}", set(GROUPS), p) for p in (0.75, 0.5, 0.25)]
    predictions = {}
    for name, keep, power in candidates:
        features = base if not keep else (full if keep == set(GROUPS) else only(full, base, keep))
        model = CrossFittedClassifier(
            cs=CS, n_folds=N_FOLDS, seed=FOLD_SEED, processes=2, weight_power=power
        ).fit(features, y, groups)
        predictions[name] = model.predict(features, groups)
        score = kappa(y[scored], predictions[name][scored])
        print(f"{name:38s} kappa {score:.4f}  ({time.time() - start:.0f} s)", flush=True)

    # Paired bootstrap over posts of each candidate's gain over the current model.
    idx = np.flatnonzero(scored)
    post_ids = labelled["doc_id"].to_numpy()[idx]
    unique_posts = np.unique(post_ids)
    members = [idx[post_ids == p] for p in unique_posts]
    draws = bootstrap_draws(len(unique_posts), N_BOOT, BOOT_SEED)
    current = predictions[candidates[0][0]]
    table = []
    for name, keep, power in candidates:
        pred = predictions[name]
        gains = []
        for row in draws:
            chosen = np.concatenate([members[i] for i in row])
            gains.append(kappa(y[chosen], pred[chosen]) - kappa(y[chosen], current[chosen]))
        low, high = percentile_interval(np.array(gains))
        table.append(
            {
                "candidate": name,
                "groups": " ".join(sorted(keep)) or "none",
                "weight_power": power,
                "kappa": kappa(y[scored], pred[scored]),
                "gain": kappa(y[scored], pred[scored]) - kappa(y[scored], current[scored]),
                "gain_low": low,
                "gain_high": high,
                "scored_mentions": int(scored.sum()),
                "scored_posts": len(unique_posts),
            }
        )
    out = pd.DataFrame(table)
    eligible = out[out["gain_low"] > 0]
    adopted = eligible["kappa"].idxmax() if len(eligible) else 0  # 0: the current model
    out["adopted"] = out.index == adopted
    tmp = OUT.with_suffix(".tmp")
    out.round(4).to_csv(tmp, index=False)
    tmp.replace(OUT)
    print(out.round(4).to_string(index=False))
    print(f"wrote {OUT.relative_to(ROOT)} in {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
