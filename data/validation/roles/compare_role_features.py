"""Compare candidate feature sets and class weights for the deployed NPF-role classifier.

Run from the repository root (``.venv/bin/python data/validation/roles/compare_role_features.py``,
about two minutes on two cores); it writes ``role_features_cv.csv`` beside this file, which
notebook 05 shows. With ``--curve`` it writes instead the learning curve of the deployed
agency and role models (``learning_curve.csv``, ``learning_curve_gain.csv``, about four
minutes; ``helpers.narrative.curve``): each fold refitted on an eighth, a quarter, half and
three quarters of its training posts (three draws each) and on all of them, scored on the
same mentions, with a paired bootstrap interval over posts of the gain from half to all.

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

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import load_corpus
from helpers.arcs import DomainVader, load_valence_overrides
from helpers.corpus import director_posts
from helpers.narrative import code_mentions, load_actors, load_verb_categories, sentences_table
from helpers.narrative.actors import OUTSIDE_ACTOR
from helpers.narrative.classifier import mention_features, role_features
from helpers.narrative.crossfit import CrossFittedClassifier, merge_mention_labels
from helpers.narrative.curve import gain_interval, learning_curve
from helpers.narrative.roles import code_spans
from helpers.narrative.validation import MENTION_KEY, coder_tables, kappa, outside_labels

ROOT = Path(__file__).resolve().parents[3]

VALIDATION = ROOT / "data" / "validation"
OUT = Path(__file__).resolve().parent / "role_features_cv.csv"
CS = (0.1, 0.3, 1.0)  # notebook 05's CV_C
N_FOLDS, FOLD_SEED, N_BOOT, BOOT_SEED = 5, 0, 1000, 2026
GROUPS = ("actor", "bigrams", "valence")  # the feature groups of role_features
CURVE_OUT = OUT.with_name("learning_curve.csv")
GAIN_OUT = OUT.with_name("learning_curve_gain.csv")
OUTSIDE_OUT = OUT.with_name("outside_training_cv.csv")
CURVE_FRACTIONS = (0.125, 0.25, 0.5, 0.75, 1.0)  # shares of each fold's training posts
CURVE_REPEATS = 3  # draws of posts per share below one


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


def training_set() -> dict:
    """The deployed classifier's training set as notebook 05 builds it, with its features,
    and which rows are scored (posts outside coder A's test part)."""
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
    keys = pd.read_csv(VALIDATION / "roles_keys.csv")
    test_posts = set(keys.loc[keys["split"] == "test", "doc_id"])
    scored = ~labelled["doc_id"].isin(test_posts).to_numpy()
    print(
        f"{len(labelled)} labelled mentions of {len(mentions)} found in the corpus; scored "
        f"(posts outside the test part): {scored.sum()}",
        flush=True,
    )
    outside = outside_labels(VALIDATION)
    outside = outside[outside["is_actor"] == "yes"].reset_index(drop=True)
    outside_rows = code_spans(
        sentences, outside.assign(actor=OUTSIDE_ACTOR), load_verb_categories()
    )
    outside_rows = outside_rows.merge(
        sentences[["sent_id", "valence"]], on="sent_id", validate="many_to_one"
    )
    return {
        "outside": outside,
        "outside_base": mention_features(outside_rows) if len(outside_rows) else [],
        "labelled": labelled,
        "base": base,
        "full": role_features(sub, base, vader.analyzer.lexicon),
        "groups": labelled["doc_id"].astype(str).tolist(),
        "scored": scored,
        "corpus_mentions": len(mentions),
    }


def write_atomic(table: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    table.round(4).to_csv(tmp, index=False)
    tmp.replace(path)


def compare(data: dict, start: float) -> None:
    """The candidate role models against the current one (``role_features_cv.csv``)."""
    labelled, base, full = data["labelled"], data["base"], data["full"]
    groups, scored = data["groups"], data["scored"]
    y = labelled["npf_role"].to_numpy(dtype=object)

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
    current = predictions[candidates[0][0]]
    table = []
    for name, keep, power in candidates:
        pred = predictions[name]
        gain, low, high = gain_interval(y, groups, scored, pred, [current], N_BOOT, BOOT_SEED)
        table.append(
            {
                "candidate": name,
                "groups": " ".join(sorted(keep)) or "none",
                "weight_power": power,
                "kappa": kappa(y[scored], pred[scored]),
                "gain": gain,
                "gain_low": low,
                "gain_high": high,
                "scored_mentions": int(scored.sum()),
                "scored_posts": labelled.loc[scored, "doc_id"].nunique(),
            }
        )
    out = pd.DataFrame(table)
    eligible = out[out["gain_low"] > 0]
    adopted = eligible["kappa"].idxmax() if len(eligible) else 0  # 0: the current model
    out["adopted"] = out.index == adopted
    write_atomic(out, OUT)
    print(out.round(4).to_string(index=False))
    print(f"wrote {OUT.relative_to(ROOT)} in {time.time() - start:.0f} s")


def curve(data: dict, start: float) -> None:
    """The learning curve of the deployed agency and role models (``learning_curve.csv``,
    ``learning_curve_gain.csv``): each fold's model refitted on a share of its training posts
    (``CURVE_FRACTIONS``, ``CURVE_REPEATS`` draws each), scored like the comparison."""
    labelled, base, groups, scored = data["labelled"], data["base"], data["groups"], data["scored"]
    points, gains = [], []
    for task in ("agency", "npf_role"):
        y = labelled[task].to_numpy(dtype=object)
        table, predictions = learning_curve(
            base, y, groups, scored, CURVE_FRACTIONS, CURVE_REPEATS, CS, N_FOLDS, FOLD_SEED,
            processes=2,
        )  # fmt: skip
        table.insert(0, "task", task)
        table["scored_mentions"] = int(scored.sum())
        table["scored_posts"] = len(set(np.asarray(groups, dtype=object)[scored]))
        table["labelled_mentions"] = len(labelled)
        table["corpus_mentions"] = data["corpus_mentions"]
        points.append(table)
        half = [predictions[(0.5, r)] for r in range(CURVE_REPEATS)]
        gain, low, high = gain_interval(
            y, groups, scored, predictions[(1.0, 0)], half, N_BOOT, BOOT_SEED
        )
        gains.append(
            {"task": task, "from_fraction": 0.5, "to_fraction": 1.0, "gain": gain,
             "gain_low": low, "gain_high": high}
        )  # fmt: skip
        print(table.round(3).to_string(index=False), f"({time.time() - start:.0f} s)", flush=True)
    write_atomic(pd.concat(points, ignore_index=True), CURVE_OUT)
    write_atomic(pd.DataFrame(gains), GAIN_OUT)
    print(pd.DataFrame(gains).round(4).to_string(index=False))
    print(f"wrote {CURVE_OUT.relative_to(ROOT)} and {GAIN_OUT.name} in {time.time() - start:.0f} s")


def outside(data: dict, start: float) -> None:
    """Training with the third round's noun phrases outside the dictionary
    (``outside_training_cv.csv``): per task, the deployed model with and without those rows
    added to every fold's training rows, scored on the same dictionary mentions, adopted by
    the same interval rule as the candidate role models."""
    labelled, base, groups, scored = data["labelled"], data["base"], data["groups"], data["scored"]
    extra, extra_base = data["outside"], data["outside_base"]
    if not len(extra):
        raise SystemExit("no coded noun phrases outside the dictionary (outside_coder_*.csv) yet")
    extra_groups = extra["doc_id"].astype(str).tolist()
    rows = []
    for task in ("agency", "npf_role"):
        y = labelled[task].to_numpy(dtype=object)
        predictions = {}
        for name, features, labels, posts in (
            ("current", base, y, groups),
            ("+ outside the dictionary", [*base, *extra_base],
             np.concatenate([y, extra[task].to_numpy(dtype=object)]), [*groups, *extra_groups]),
        ):  # fmt: skip
            model = CrossFittedClassifier(cs=CS, n_folds=N_FOLDS, seed=FOLD_SEED, processes=2)
            predictions[name] = model.fit(features, labels, posts).predict(base, groups)
            print(f"{task} {name}: kappa {kappa(y[scored], predictions[name][scored]):.4f} "
                  f"({time.time() - start:.0f} s)", flush=True)  # fmt: skip
        for name, pred in predictions.items():
            gain, low, high = gain_interval(
                y, groups, scored, pred, [predictions["current"]], N_BOOT, BOOT_SEED
            )
            rows.append(
                {"task": task, "candidate": name, "kappa": kappa(y[scored], pred[scored]),
                 "gain": gain, "gain_low": low, "gain_high": high,
                 "adopted": name != "current" and low > 0,
                 "outside_rows": 0 if name == "current" else len(extra),
                 "scored_mentions": int(scored.sum()), "labelled_mentions": len(labelled)}
            )  # fmt: skip
    table = pd.DataFrame(rows)
    for task in ("agency", "npf_role"):  # the current model stays unless the candidate passes
        at = table["task"] == task
        if not table.loc[at, "adopted"].any():
            table.loc[at & (table["candidate"] == "current"), "adopted"] = True
    write_atomic(table, OUTSIDE_OUT)
    print(table.round(4).to_string(index=False))
    print(f"wrote {OUTSIDE_OUT.relative_to(ROOT)} in {time.time() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--curve", action="store_true",
        help="write the learning curve (learning_curve*.csv) instead of the comparison",
    )  # fmt: skip
    mode.add_argument(
        "--outside", action="store_true",
        help="compare training with the noun phrases outside the dictionary "
        "(outside_training_cv.csv)",
    )  # fmt: skip
    args = parser.parse_args()
    start = time.time()
    data = training_set()
    (curve if args.curve else outside if args.outside else compare)(data, start)


if __name__ == "__main__":
    main()
