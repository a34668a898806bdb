"""Compare candidate changes to the deployed valence model by nested grouped cross-validation.

Run from the repository root (``.venv/bin/python data/validation/valence/compare_candidates.py``,
a few minutes on two cores); it writes ``candidates_cv.csv`` beside this file. The rule it
applies was fixed in this folder's README before any candidate was computed:

* Selection labels: every coded sentence of the deployed model's training set (coder A
  preferred where two coders rated a sentence) EXCEPT coder A's test-part sentences. Coder A's
  and coder B's test-part ratings are never read for choosing.
* Criterion: Spearman of nested grouped out-of-fold predictions (outer folds by post, the
  hyperparameters and any blend weight chosen inside each outer training set), mean over the
  outer fold seeds ``SEEDS``.
* Noise: for the first seed, the gain over the current model with a paired bootstrap over posts.
* Adoption: the best eligible candidate replaces the current model only if its gain is positive
  for every seed and the lower end of its paired 95% interval is above zero.

``--afinn PATH`` adds the AFINN candidate from a copy of the word list (``AFINN-en-165.txt``,
tab-separated word and score); the project does not ship or depend on it (package GPL, word
list ODbL), so the candidate is measured for the record only and is never eligible.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.stats import spearman_rho
from helpers.textnorm import fold_quotes
from helpers.valence import VALIDATION_DIR, load_codings, load_valence_overrides
from helpers.valence_candidates import (
    clause_features,
    nested_grouped_oof,
    paired_gain_ci,
    second_gbm,
    second_linear,
    second_logistic,
)
from helpers.valence_model import DEFAULT_GRID, lexicon_features, merge_labels

ROOT = Path(__file__).resolve().parents[3]

SEEDS = (2026, 3026, 4026)  # outer fold seeds; 2026 is notebook 06's SEED
N_BOOT = 1000
OUT = Path(__file__).resolve().parent / "candidates_cv.csv"
BLEND = (0.0, 0.1, 0.2, 0.3, 0.5)


def load_labels() -> tuple[pd.DataFrame, pd.Series]:
    """The deployed model's labels (as notebook 06 builds them), with each sentence's position,
    coder A's part, and coder B's rating where B rated it."""
    v = VALIDATION_DIR
    split = pd.read_csv(v / "split.csv").set_index("item_id")
    items = pd.read_csv(v / "items_coder_a.csv").set_index("item_id")
    items_b = pd.read_csv(v / "items_coder_b.csv").set_index("item_id")
    coded = split.join(items).join(load_codings(v / "codings_coder_a.csv", items.index))
    coder_b = load_codings(v / "codings_coder_b.csv", items_b.index)["valence"]
    tables = {"A": coded}
    for coder, split_file, part in [
        ("C", "train_split.csv", "items_train_part1.csv"),
        ("D", "train_split.csv", "items_train_part2.csv"),
        ("E", "test_part_split.csv", "items_test_part1.csv"),
        ("F", "test_part_split.csv", "items_test_part2.csv"),
    ]:
        frame = pd.read_csv(v / split_file).set_index("item_id")
        frame = frame[frame["items_file"] == part]
        part_items = pd.read_csv(v / part).set_index("item_id")
        codes = load_codings(v / f"codings_coder_{coder.lower()}.csv", part_items.index)
        tables[coder] = frame.join(part_items).join(codes)
    sources = {
        c: t.assign(valence=t["valence"].astype(float))[
            ["sent_id", "doc_id", "sentence", "valence"]
        ]
        for c, t in tables.items()
    }
    labels = merge_labels(sources, prefer="A")
    where = pd.concat([t[["sent_id", "position", "n_sent"]] for t in tables.values()])
    labels = labels.join(where.drop_duplicates("sent_id").set_index("sent_id"), on="sent_id")
    labels["a_part"] = labels["sent_id"].map(coded.set_index("sent_id")["part"])
    b_by_sent = coder_b.rename(index=coded["sent_id"].to_dict())
    return labels, labels["sent_id"].map(b_by_sent)


def afinn_features(sentences: list[str], path: Path) -> np.ndarray:
    """AFINN sum, positive sum, negative sum and sum per word (word list read from ``path``)."""
    scores = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, value = line.rsplit("\t", 1)
        scores[word] = float(value)
    rows = []
    for sentence in sentences:
        tokens = re.findall(r"[a-z']+", fold_quotes(sentence).lower())
        grams = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
        values = [scores[t] for t in grams if t in scores]
        total = sum(values)
        rows.append(
            [
                total,
                sum(x for x in values if x > 0),
                -sum(x for x in values if x < 0),
                total / max(len(tokens), 1),
            ]
        )
    return np.array(rows, dtype=float)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--afinn", type=Path, help="AFINN-en-165.txt (measured for the record)")
    options = parser.parse_args()

    labels, b_rating = load_labels()
    select = labels["a_part"].ne("test").to_numpy()  # never coder A's test part
    sel = labels[select].reset_index(drop=True)
    b_sel = b_rating[select].reset_index(drop=True)
    texts, groups = sel["sentence"].tolist(), sel["doc_id"].tolist()
    y = sel["valence"].to_numpy(float)
    overrides = load_valence_overrides()
    lex = lexicon_features(texts, overrides).to_numpy()
    clause = clause_features(texts, overrides).to_numpy()
    position = np.c_[
        (sel["position"] + 0.5) / sel["n_sent"],
        (sel["position"] == 0).astype(float),
        (sel["position"] == sel["n_sent"] - 1).astype(float),
    ]
    averaged = np.where(b_sel.notna(), (y + b_sel.fillna(0).to_numpy(float)) / 2, y)

    wide_grid = {"alpha": (1.0, 3.0, 10.0, 30.0), "lexicon_weight": (0.01, 0.03, 0.1, 0.3, 1.0)}
    candidates: dict[str, dict] = {
        "current": {"what": "ridge on word 1-2-gram TF-IDF + 7 lexicon scores (deployed)"},
        "grid_extended": {
            "what": "current with penalty 30 and lexicon weight 0.01 added to the grid",
            "grid": wide_grid,
        },
        "char_ngrams": {
            "what": "current + character 2-5-gram TF-IDF block (weight 0.5 or 1 chosen inside)",
            "blocks": ("words", "chars"),
            "grid": {**DEFAULT_GRID, "weight_chars": (0.5, 1.0)},
        },
        "negation_but_clause": {
            "what": "current + 7 negation/contrast-clause features (helpers.valence_candidates)",
            "dense": np.c_[lex, clause],
        },
        "position": {
            "what": "current + relative position, first and last sentence"
            " (not eligible: circular for the arcs)",
            "dense": np.c_[lex, position],
            "eligible": False,
        },
        "label_average_AB": {
            "what": "current trained on the mean of coders A and B where both rated a sentence",
            "y": averaged,
        },
        "blend_vader_plain": {
            "what": "blend (1-b) ridge + b calibrated plain VADER, b in 0..0.5 chosen inside",
            "second": second_linear(0),
        },
        "blend_gbm_lexicon": {
            "what": "blend with gradient boosting on lexicon + clause features, b chosen inside",
            "second": second_gbm,
            "second_dense": np.c_[lex, clause],
        },
        "blend_ordinal_logistic": {
            "what": "blend with a multinomial logistic model (expected rating), b chosen inside",
            "second": second_logistic,
        },
    }
    if options.afinn:
        candidates["afinn"] = {
            "what": "current + 4 AFINN scores (not eligible: package GPL, word list ODbL)",
            "dense": np.c_[lex, afinn_features(texts, options.afinn)],
            "eligible": False,
        }

    preds: dict[str, dict[int, np.ndarray]] = {}
    rows = []
    for name, spec in candidates.items():
        preds[name] = {}
        started = time.time()
        for seed in SEEDS:
            pred = _run(texts, spec.get("dense", lex), spec, groups, y, seed)
            preds[name][seed] = pred
        rows.append(
            {
                "candidate": name,
                "what": spec["what"],
                "eligible": spec.get("eligible", True),
            }
        )
        print(f"{name}: {time.time() - started:.1f} s", flush=True)  # timing is not written

    tuning = sel["a_part"].eq("tuning").to_numpy()
    for row in rows:
        name = row["candidate"]
        for seed in SEEDS:
            row[f"cv_seed_{seed}"] = spearman_rho(y, preds[name][seed])
            row[f"gain_seed_{seed}"] = row[f"cv_seed_{seed}"] - spearman_rho(
                y, preds["current"][seed]
            )
        row["cv_mean"] = float(np.mean([row[f"cv_seed_{s}"] for s in SEEDS]))
        row["gain_mean"] = row["cv_mean"] - float(
            np.mean([spearman_rho(y, preds["current"][s]) for s in SEEDS])
        )
        _, row["gain_low"], row["gain_high"] = paired_gain_ci(
            y, preds[name][SEEDS[0]], preds["current"][SEEDS[0]], groups, N_BOOT, 0
        )
        row["coder_a_tuning_oof"] = spearman_rho(y[tuning], preds[name][SEEDS[0]][tuning])
        row["beats_noise"] = bool(
            name != "current"
            and all(row[f"gain_seed_{s}"] > 0 for s in SEEDS)
            and row["gain_low"] > 0
        )
    table = pd.DataFrame(rows)
    table["selection_sentences"] = len(sel)
    table["selection_posts"] = sel["doc_id"].nunique()
    eligible = table[table["eligible"] & table["beats_noise"]]
    adopted = (
        eligible.sort_values("cv_mean", ascending=False)["candidate"].iloc[0]
        if len(eligible)
        else "current"
    )
    table["adopted"] = table["candidate"] == adopted
    tmp = OUT.with_suffix(".tmp")
    table.round(4).to_csv(tmp, index=False)
    tmp.replace(OUT)
    print(
        table[
            ["candidate", "cv_mean", "gain_mean", "gain_low", "gain_high", "beats_noise", "adopted"]
        ]
        .round(4)
        .to_string()
    )


def _run(
    texts: list[str], dense: np.ndarray, spec: dict, groups: list[str], y: np.ndarray, seed: int
) -> np.ndarray:
    """One nested grouped CV run; a blend's second learner may see other dense columns."""
    second = spec.get("second")
    if second is not None and "second_dense" in spec:
        own = spec["second_dense"]

        def second(t, d, r, tr, te, inner=spec["second"]):  # noqa: ANN001, ANN202
            return inner(t, own, r, tr, te)

    pred, _ = nested_grouped_oof(
        texts,
        dense,
        spec.get("y", y),
        groups,
        spec.get("grid", DEFAULT_GRID),
        spec.get("blocks", ("words",)),
        5,
        seed,
        second=second,
        blend=BLEND if second is not None else (0.0,),
        y_select=y,
    )
    return pred


if __name__ == "__main__":
    main()
