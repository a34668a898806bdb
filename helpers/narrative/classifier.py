"""A scikit-learn classifier for agency and NPF role, on parse-like and lexicon features.

Used when the hand-written rules cannot get close to the coders (issue 12). Features of a
mention (``mention_features``): the actor, what the rules say (agency, the rule that
fired, verb, verb category, negation, modal, control verb, role), the words and tags
right around the mention, the word before its noun phrase (the rules' left anchor, and the
word before the whole phrase), whether it heads its phrase or a relative clause follows, the
distance to the nearest verb on either side, a bag of words of its clause window (also split
by side), lexicon cues (threat, victim context) and the sentence's valence. The model is a
multinomial logistic regression (Newton-CG solver: deterministic, and much faster than
lbfgs on these sparse features) behind a ``DictVectorizer``; its regularisation is chosen
by cross-validation grouped by post (folds a fixed hash of the post).
``helpers.narrative.crossfit`` cross-fits it by post on every coded mention.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from threadpoolctl import threadpool_limits

from helpers.narrative.agency import _left_anchor
from helpers.narrative.language import VERB_TAGS, pos_tag
from helpers.narrative.roles import THREAT_RE, context_role

WINDOW = 6  # tokens each side of a mention in its bag of words


def mention_features(mentions: pd.DataFrame) -> list[dict[str, float]]:
    """Feature dicts for rows of ``code_mentions`` (needs ``valence`` too).

    Columns used: ``actor, surface, sentence, char_start, char_end, agency, rule, verb,
    verb_category, negated, modal, control, npf_role, valence``.
    """
    needed = {
        "actor", "surface", "sentence", "char_start", "char_end", "agency", "rule", "verb",
        "verb_category", "negated", "modal", "control", "npf_role", "valence",
    }  # fmt: skip
    if missing := needed - set(mentions.columns):
        raise ValueError(f"mention_features needs columns {sorted(missing)}")
    out = []
    for row in mentions.itertuples(index=False):
        row = row._replace(char_start=int(row.char_start), char_end=int(row.char_end))
        tagged = pos_tag(row.sentence)
        inside = [i for i, t in enumerate(tagged) if t[2] < row.char_end and row.char_start < t[3]]
        first, last = (inside[0], inside[-1]) if inside else (0, 0)
        f: dict[str, float] = {
            f"actor={row.actor}": 1.0,
            f"surface={row.surface.lower()}": 1.0,
            f"rule_agency={row.agency}": 1.0,
            f"rule={row.rule}": 1.0,
            f"rule_role={row.npf_role}": 1.0,
            f"verb={row.verb}": 1.0,
            f"vcat={row.verb_category}": 1.0,
            f"vcat_x_agency={row.verb_category}|{row.agency}": 1.0,
            f"control={row.control}": 1.0,
            "negated": float(bool(row.negated)),
            "modal": float(bool(row.modal)),
            "threat": float(bool(THREAT_RE.search(row.sentence))),
            "victim_context": float(bool(context_role(row.sentence, row.char_start, row.char_end))),
            "valence": float(row.valence),
            "valence_neg": float(row.valence < -0.05),
            "valence_pos": float(row.valence > 0.05),
            "first_in_sentence": float(first == 0),
        }
        for offset in (-2, -1):
            j = first + offset
            word, tag_ = (tagged[j][0].lower(), tagged[j][1]) if j >= 0 else ("<s>", "<s>")
            f[f"w{offset}={word}"] = 1.0
            f[f"t{offset}={tag_}"] = 1.0
        for offset in (1, 2):
            j = last + offset
            inside_sentence = j < len(tagged)
            word, tag_ = (tagged[j][0].lower(), tagged[j][1]) if inside_sentence else ("</s>",) * 2
            f[f"w+{offset}={word}"] = 1.0
            f[f"t+{offset}={tag_}"] = 1.0
        anchor = _left_anchor(tagged, first) if inside else None
        anchor_word = tagged[anchor][0].lower() if anchor is not None else "<s>"
        anchor_tag = tagged[anchor][1] if anchor is not None else "<s>"
        f[f"anchor={anchor_word}"] = 1.0
        f[f"anchor_tag={anchor_tag}"] = 1.0
        f[f"anchor_tag|rule={anchor_tag}|{row.rule}"] = 1.0
        verb_left = next((j for j in range(first - 1, -1, -1) if tagged[j][1] in VERB_TAGS), None)
        verb_right = next(
            (j for j in range(last + 1, len(tagged)) if tagged[j][1] in VERB_TAGS), None
        )
        f["verb_left_dist"] = min(first - verb_left, 10) / 10 if verb_left is not None else 1.0
        f["verb_right_dist"] = min(verb_right - last, 10) / 10 if verb_right is not None else 1.0
        for j in range(max(0, first - WINDOW), min(len(tagged), last + WINDOW + 1)):
            if j < first or j > last:
                f[f"bow={tagged[j][0].lower()}"] = 1.0
                # The same words by side: "cut [X]" and "[X] cut" differ in who acts.
                f[f"{'l' if j < first else 'r'}bow={tagged[j][0].lower()}"] = 1.0
        if inside:
            f.update(_phrase_features(tagged, first, last))
        out.append(f)
    return out


ROLE_WINDOW = 6  # words each side of a mention whose lexicon valence ``role_features`` sums
BIGRAM_WINDOW = 4  # words each side of a mention whose bigrams ``role_features`` adds
_WORD = re.compile(r"[A-Za-z']+")


def _sign(value: float) -> str:
    return "neg" if value < -0.05 else ("pos" if value > 0.05 else "neu")


def role_features(
    mentions: pd.DataFrame,
    base: Sequence[dict[str, float]],
    lexicon: Mapping[str, float],
) -> list[dict[str, float]]:
    """``base`` (``mention_features`` of the same rows) plus features for the NPF role.

    A role is how the sentence treats the actor, so beside the agency features come:

    * interactions of the actor with what the rules say (agency, verb category, verb):
      "government" as an agent of a cutting verb differs from "children" as one;
    * word bigrams of the ``BIGRAM_WINDOW`` words each side ("at risk", "work hard");
    * the valence next to the mention: the sum of ``lexicon`` scores (VADER's word list
      with the project's overrides) of the ``ROLE_WINDOW`` words on each side, its sign, the
      lexicon words themselves, and the sign crossed with the rules' agency (an agent in a
      negative clause reads as a villain, a patient in one as a victim) and the sentence's
      valence sign crossed with agency and with the actor.

    Compared with the agency features on labelled mentions of posts outside coder A's test
    part by ``data/validation/roles/compare_role_features.py``; its gain there did not pass
    the project's interval rule, so notebook 05 uses these features only when
    ``ROLE_EXTRA_FEATURES`` is set (``data/validation/roles/COMPARISON.md``).
    """
    if len(base) != len(mentions):
        raise ValueError(f"role_features: {len(base)} base rows for {len(mentions)} mentions")
    out = []
    for f, row in zip(base, mentions.itertuples(index=False), strict=True):
        g = dict(f)
        g[f"actor|agency={row.actor}|{row.agency}"] = 1.0
        g[f"actor|vcat={row.actor}|{row.verb_category}"] = 1.0
        g[f"actor|verb={row.actor}|{row.verb}"] = 1.0
        left_words = [w.lower() for w in _WORD.findall(row.sentence[: int(row.char_start)])]
        right_words = [w.lower() for w in _WORD.findall(row.sentence[int(row.char_end) :])]
        for side, words in (("l", left_words[-BIGRAM_WINDOW:]), ("r", right_words[:BIGRAM_WINDOW])):
            for first, second in pairwise(words):
                g[f"{side}bi={first}_{second}"] = 1.0
        left, right = left_words[-ROLE_WINDOW:], right_words[:ROLE_WINDOW]
        left_val = sum(lexicon.get(w, 0.0) for w in left)
        right_val = sum(lexicon.get(w, 0.0) for w in right)
        g["lval"], g["rval"] = left_val / 4, right_val / 4
        g[f"lval_s={_sign(left_val)}"] = 1.0
        g[f"rval_s={_sign(right_val)}"] = 1.0
        g[f"agency|lval={row.agency}|{_sign(left_val)}"] = 1.0
        g[f"agency|rval={row.agency}|{_sign(right_val)}"] = 1.0
        g[f"agency|sval={row.agency}|{_sign(row.valence)}"] = 1.0
        g[f"actor|sval={row.actor}|{_sign(row.valence)}"] = 1.0
        for w in left + right:
            if lexicon.get(w, 0.0) != 0:
                g[f"valword={w}"] = 1.0
        out.append(g)
    return out


NOUN_PHRASE_TAGS: frozenset[str] = frozenset(
    {"DT", "PDT", "JJ", "JJR", "JJS", "PRP$", "CD", "NN", "NNS", "NNP", "NNPS", "POS", "HYPH"}
)


def _phrase_features(
    tagged: Sequence[tuple[str, str, int, int]], first: int, last: int
) -> dict[str, float]:
    """Where the mention sits in its noun phrase: the word before the whole phrase (a
    preposition such as "for", "of", "by", or a verb), whether the mention heads the phrase
    (no noun follows: "[ADCS] members" is a modifier) and whether a relative pronoun follows
    ("[staff] who ...")."""
    j = first - 1
    while j >= 0 and tagged[j][1] in NOUN_PHRASE_TAGS:
        j -= 1
    nxt = last + 1
    return {
        f"np_before={tagged[j][0].lower() if j >= 0 else '<s>'}": 1.0,
        "np_head": float(nxt >= len(tagged) or tagged[nxt][1] not in {"NN", "NNS", "NNP", "NNPS"}),
        "relative_next": float(
            nxt < len(tagged) and tagged[nxt][0].lower() in {"who", "that", "which"}
        ),
    }


class FlatDictVectorizer(DictVectorizer):
    """``DictVectorizer`` for flat dicts of numbers (feature name -> float), the features
    ``mention_features`` makes: the same vocabulary and the same sparse matrix (sorted
    names; per row, column indices sorted; explicit zeros kept), built with far fewer Python
    steps. scikit-learn's version checks every value's type in a Python loop, which made it
    most of the deployed classifier's fitting time. Rows holding anything but numbers go to
    scikit-learn's own code. ``tests/test_narrative_crossfit.py`` checks the matrices agree.
    """

    def _transform(self, X, fitting):  # noqa: N803 (scikit-learn's signature)
        from collections.abc import Mapping
        from numbers import Number

        rows = [X] if isinstance(X, Mapping) else list(X)
        value_types: set[type] = set()
        mappings = all(isinstance(x, Mapping) for x in rows)
        if mappings:
            for x in rows:  # the types of all values, collected in C (map), checked once each
                value_types.update(map(type, x.values()))
        if (
            not self.sparse
            or not self.sort
            or not mappings
            or not all(issubclass(t, Number) for t in value_types)
        ):
            return super()._transform(rows, fitting)
        if not rows:
            raise ValueError("Sample sequence X is empty.")
        if fitting:
            names = sorted(set().union(*rows))
            vocab = {name: i for i, name in enumerate(names)}
        else:
            names, vocab = self.feature_names_, self.vocabulary_
        indices: list[int] = []
        values: list[float] = []
        indptr = [0]
        for x in rows:
            for name, value in x.items():
                j = vocab.get(name)
                if j is not None:
                    indices.append(j)
                    values.append(value)
            indptr.append(len(indices))
        from scipy import sparse

        matrix = sparse.csr_array(
            (np.asarray(values, dtype=self.dtype), np.asarray(indices, dtype=np.intc), indptr),
            shape=(len(rows), len(vocab)),
            dtype=self.dtype,
        )
        matrix.sort_indices()
        if fitting:
            self.feature_names_ = names
            self.vocabulary_ = vocab
        from sklearn.utils import _align_api_if_sparse

        return _align_api_if_sparse(matrix)


def class_weights(labels: Sequence[str], power: float = 1.0) -> dict[str, float] | str:
    """Class weights ``(n / (k * n_label)) ** power``: ``"balanced"`` at ``power = 1``
    (scikit-learn's own), equal weights at 0, between the two in between (rare labels
    up-weighted less, so they are predicted less often than under full balancing)."""
    if power < 0:
        raise ValueError(f"class weight power must be >= 0, got {power}")
    if power == 1.0:
        return "balanced"
    values, counts = np.unique(np.asarray(labels, dtype=object).astype(str), return_counts=True)
    return {
        str(v): float((len(labels) / (len(values) * n)) ** power)
        for v, n in zip(values, counts, strict=True)
    }


def make_model(c: float, class_weight: dict[str, float] | str = "balanced") -> Pipeline:
    """``FlatDictVectorizer`` (``DictVectorizer``'s matrix, faster) + logistic regression
    (Newton-CG, ``class_weight`` (default balanced classes), ``C = c``)."""
    return make_pipeline(
        FlatDictVectorizer(sparse=True),
        LogisticRegression(C=c, class_weight=class_weight, max_iter=1000, solver="newton-cg"),
    )


def fit_model(
    c: float,
    features: Sequence[dict[str, float]],
    labels: Sequence[str],
    weight_power: float = 1.0,
) -> Pipeline:
    """``make_model(c, class_weights(labels, weight_power))`` fitted with one BLAS thread:
    the problems are small, and more threads only contend on a shared machine (several
    times slower; same result)."""
    labels = np.asarray(labels, dtype=object)
    with threadpool_limits(limits=1):
        return make_model(c, class_weights(labels, weight_power)).fit(list(features), labels)


def post_folds(groups: Sequence[str], n_folds: int, seed: int) -> np.ndarray:
    """Fold of each row: a fixed hash of its post (``helpers.valence_model.post_fold``), so a
    post lands in the same fold in every call, on any subset of mentions."""
    from helpers.valence_model import post_fold

    return np.array([post_fold(str(g), n_folds, seed) for g in groups], dtype=int)


def cross_validate(
    features: Sequence[dict[str, float]],
    labels: Sequence[str],
    groups: Sequence[str],
    cs: Sequence[float],
    n_splits: int = 5,
    metric=None,
    seed: int = 0,
    weight_power: float = 1.0,
) -> tuple[float, pd.DataFrame, np.ndarray]:
    """Choose ``C`` by grouped k-fold cross-validation (folds by post, ``post_folds``).

    Returns ``(best C, table of C -> mean metric, out-of-fold predictions at the best C)``.
    ``metric(true, predicted)`` defaults to Cohen's kappa; rows of a fold whose complement
    is empty are predicted as the commonest label (they cannot be held out). Ties go to the
    first ``C`` in ``cs``. ``weight_power``: the class weights of ``fit_model``.
    """
    from helpers.narrative.validation import kappa

    metric = metric or kappa
    labels = np.asarray(labels, dtype=object)
    features = list(features)
    folds = post_folds(groups, n_splits, seed)
    commonest = pd.Series(labels).value_counts().index[0]
    predictions = {c: np.full(len(labels), commonest, dtype=object) for c in cs}
    for fold in np.unique(folds):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        if len(train) == 0 or len(np.unique(labels[train])) < 2:
            continue
        # One matrix per fold for every C: what each C's pipeline (``fit_model``) would build.
        vectorizer = FlatDictVectorizer(sparse=True)
        x_train = vectorizer.fit_transform([features[i] for i in train])
        x_test = vectorizer.transform([features[i] for i in test])
        weights = class_weights(labels[train], weight_power)
        for c in cs:
            model = make_model(c, weights).steps[-1][1]  # its logistic regression
            with threadpool_limits(limits=1):
                model.fit(x_train, labels[train])
            predictions[c][test] = model.predict(x_test)
    rows = [{"C": c, "cv_score": metric(labels, predictions[c])} for c in cs]
    table = pd.DataFrame(rows)
    best = float(table.loc[table["cv_score"].idxmax(), "C"])
    return best, table, predictions[best]
