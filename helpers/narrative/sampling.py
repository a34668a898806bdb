"""Samples for hand coding (drawn once, seeded; the coded files depend on them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def stratified_sample(mentions: pd.DataFrame, per_actor: int, seed: int) -> pd.DataFrame:
    """Draw up to ``per_actor`` mentions of every actor (all of them if fewer), seeded.

    Used to draw the hand-coding sample; the result is sorted by actor then ``sent_id``
    then ``char_start`` so the coding file has a stable order.
    """
    if per_actor < 1:
        raise ValueError("per_actor must be at least 1")
    parts = []
    for _, group in mentions.groupby("actor", sort=True):
        parts.append(group.sample(n=min(per_actor, len(group)), random_state=seed))
    sample = pd.concat(parts, ignore_index=True)
    return sample.sort_values(["actor", "sent_id", "char_start"]).reset_index(drop=True)


def mark_span(sentence: str, start: int, end: int) -> str:
    """The sentence with ``[start, end)`` wrapped in ``[[ ]]`` (what a coder sees)."""
    if not 0 <= start < end <= len(sentence):
        raise ValueError(f"span {start}-{end} outside a sentence of {len(sentence)} characters")
    return f"{sentence[:start]}[[{sentence[start:end]}]]{sentence[end:]}"


def split_by_post(doc_ids: pd.Series, seed: int, test_share: float = 0.5) -> pd.Series:
    """``tuning`` / ``test`` for each row, assigned by post (all mentions of a post together).

    Posts are shuffled with ``seed`` and the first ``test_share`` of them are the test part,
    so rules tuned on the tuning part never see a sentence of a test post.
    """
    posts = pd.Series(sorted(doc_ids.unique()))
    shuffled = posts.sample(frac=1.0, random_state=seed).tolist()
    n_test = round(test_share * len(shuffled))
    test = set(shuffled[:n_test])
    return doc_ids.map(lambda d: "test" if d in test else "tuning")


def assign_second_coder(n: int, share: float, seed: int) -> list[bool]:
    """Which of ``n`` items the second coder also codes (``share`` of them, seeded)."""
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(n, size=round(share * n), replace=False).tolist())
    return [i in chosen for i in range(n)]


def draw_role_sample(
    sentences: pd.DataFrame,
    previous_coded: Path | None,
    seed: int,
    per_actor_cued: int = 18,
    per_actor_plain: int = 8,
    second_share: float = 0.5,
    exclude: pd.DataFrame | None = None,
    prefix: str = "R",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A role-enriched sample of actor mentions: ``(items, keys)``.

    ``exclude`` (``sent_id, char_start``) leaves out mentions of an earlier sample;
    ``prefix`` starts the item ids.

    Per actor, up to ``per_actor_cued`` mentions in sentences with a role cue (a verb of the
    role lexicon or a need/harm word, see ``role_cue``) and up to ``per_actor_plain`` others;
    mentions already in ``previous_coded`` are left out. ``items`` holds only ``item_id,
    sentence`` (mention in ``[[ ]]``); ``keys`` the mention, stratum, split and coder B flag.
    """
    from helpers.narrative.actors import compile_actor_patterns, find_mentions, load_actors
    from helpers.narrative.language import pos_tag

    patterns = compile_actor_patterns(load_actors())
    rows = []
    for sent_id, doc_id, text in zip(
        sentences["sent_id"], sentences["doc_id"], sentences["text"], strict=True
    ):
        tagged = pos_tag(text)
        cued = role_cue(text)
        for m in find_mentions(text, tagged, patterns):
            start = tagged[m.start][2]
            rows.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "char_start": start,
                    "char_end": start + len(m.surface),
                    "actor": m.actor,
                    "surface": m.surface,
                    "cued": cued,
                    "sentence": text,
                }
            )
    frame = pd.DataFrame(rows)
    if previous_coded is not None:
        frame = _drop_coded(frame, pd.read_csv(previous_coded, usecols=["sent_id", "char_start"]))
    if exclude is not None:
        frame = _drop_coded(frame, exclude)
    parts = []
    for (_, cued), group in frame.groupby(["actor", "cued"], sort=True):
        n = per_actor_cued if cued else per_actor_plain
        parts.append(group.sample(n=min(n, len(group)), random_state=seed))
    sample = pd.concat(parts).sort_values(["sent_id", "char_start"])
    return _coding_items(sample, prefix, seed, second_share)


def _drop_coded(frame: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` whose ``(sent_id, char_start)`` is not among ``coded``'s."""
    done = set(zip(coded["sent_id"], coded["char_start"], strict=True))
    keep = [(s, c) not in done for s, c in zip(frame["sent_id"], frame["char_start"], strict=True)]
    return frame[keep]


def _coding_items(
    sample: pd.DataFrame, prefix: str, seed: int, second_share: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle and number a sample: ``(items, keys)`` as both samplers return them.

    ``items`` is what a coder sees (``item_id, sentence`` with the span in ``[[ ]]``); ``keys``
    keeps everything else, with the split by post and the coder B flag.
    """
    sample = sample.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    sample.insert(0, "item_id", [f"{prefix}{i + 1:04d}" for i in range(len(sample))])
    sample["split"] = split_by_post(sample["doc_id"], seed).to_numpy()
    sample["coder_b"] = assign_second_coder(len(sample), second_share, seed)
    items = pd.DataFrame(
        {
            "item_id": sample["item_id"],
            "sentence": [
                mark_span(s, a, b)
                for s, a, b in zip(
                    sample["sentence"], sample["char_start"], sample["char_end"], strict=True
                )
            ],
        }
    )
    return items, sample.drop(columns=["sentence"])


ROLE_CUE_WORDS: frozenset[str] = frozenset(
    {"vulnerable", "risk", "harm", "abuse", "neglect", "poverty", "crisis", "struggling"}
    | {"failing", "failed", "unfair", "blame", "damaging", "cuts", "pressure", "pressures"}
    | {"proud", "brilliant", "praise", "thank", "excellent", "outstanding", "inadequate"}
)


def role_cue(sentence: str) -> bool:
    """True if the sentence holds a verb of the role lexicon or a word of ``ROLE_CUE_WORDS``.

    Used only to enrich the hand-coding sample with sentences likely to carry a role.
    """
    from helpers.narrative.language import tokenize, verb_lemma
    from helpers.narrative.roles import load_verb_categories

    lemmas = _role_lemmas(load_verb_categories)
    for word, _, _ in tokenize(sentence):
        low = word.lower()
        if low in ROLE_CUE_WORDS or verb_lemma(low) in lemmas:
            return True
    return False


_ROLE_LEMMAS: set[str] = set()


def _role_lemmas(loader) -> set[str]:
    if not _ROLE_LEMMAS:
        verbs = loader()
        has_role = (verbs["agent_role"] != "none") | (verbs["patient_role"] != "none")
        _ROLE_LEMMAS.update(verbs.loc[has_role, "lemma"])
    return _ROLE_LEMMAS


def draw_obligation_sample(
    sentences: pd.DataFrame, seed: int, second_share: float = 0.5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every obligation marker of the corpus as a coding item: ``(items, keys)``.

    ``items`` holds ``item_id, sentence`` (marker in ``[[ ]]``); ``keys`` the marker, its
    offsets, the split (by post) and the coder B flag.
    """
    from helpers.narrative.voice import find_obligation_markers

    rows = []
    for sent_id, doc_id, text in zip(
        sentences["sent_id"], sentences["doc_id"], sentences["text"], strict=True
    ):
        for marker, start, end in find_obligation_markers(text):
            rows.append(
                {
                    "doc_id": doc_id,
                    "sent_id": sent_id,
                    "char_start": start,
                    "char_end": end,
                    "marker": marker,
                    "sentence": text,
                }
            )
    return _coding_items(pd.DataFrame(rows), "O", seed, second_share)


def draw_random_sample(
    mentions: pd.DataFrame,
    coded: pd.DataFrame,
    n: int,
    seed: int,
    n_files: int = 3,
    second_n: int = 150,
    prefix: str = "N",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A plain random sample of still-uncoded mentions, cut into ``n_files`` coders' files.

    ``mentions`` needs ``doc_id, sent_id, char_start, char_end, actor, surface, sentence``
    (rows of ``actor_mentions.csv``); ``coded`` (``sent_id, char_start``) lists every mention
    already coded, which is left out. ``n`` mentions are drawn uniformly at random (seeded),
    numbered in a seeded random order by ``_coding_items`` (the same item writer as the other
    samples) and cut into ``n_files`` consecutive files of near-equal size (``file`` =
    ``1..n_files``); ``second_n`` items, spread evenly over the files (seeded), are flagged
    ``coder_b`` for a second blind coder. Returns ``(items, keys)``: ``items`` holds only
    ``item_id, sentence`` (mention in ``[[ ]]``); ``keys`` the mention, ``file`` and
    ``coder_b`` (the post's part is added by the caller).
    """
    needed = {"doc_id", "sent_id", "char_start", "char_end", "actor", "surface", "sentence"}
    if missing := needed - set(mentions.columns):
        raise ValueError(f"draw_random_sample: mentions lack columns {sorted(missing)}")
    if mentions.duplicated(["sent_id", "char_start"]).any():
        raise ValueError("draw_random_sample: a mention (sent_id, char_start) appears twice")
    frame = _drop_coded(mentions[sorted(needed)], coded)
    if n > len(frame):
        raise ValueError(f"draw_random_sample: {n} asked but only {len(frame)} uncoded mentions")
    if not 0 <= second_n <= n:
        raise ValueError("draw_random_sample: second_n must lie in 0..n")
    # Sort first so the draw depends only on the mentions, not on the order they came in.
    frame = frame.sort_values(["sent_id", "char_start"]).reset_index(drop=True)
    sample = frame.sample(n=n, random_state=seed).sort_values(["sent_id", "char_start"])
    items, keys = _coding_items(sample, prefix, seed, 0.0)
    keys = keys.drop(columns=["split", "coder_b"])
    files = np.array_split(np.arange(len(keys)), n_files)
    keys["file"] = 0
    chosen = np.zeros(len(keys), dtype=bool)
    rng = np.random.default_rng(seed)
    quotas = [len(p) for p in np.array_split(np.arange(second_n), n_files)]
    for number, (rows, quota) in enumerate(zip(files, quotas, strict=True), start=1):
        keys.loc[keys.index[rows], "file"] = number
        chosen[rng.choice(rows, size=quota, replace=False)] = True
    keys["coder_b"] = chosen
    return items, keys.reset_index(drop=True)
