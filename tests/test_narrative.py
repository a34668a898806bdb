"""Unit tests for helpers.narrative (sentences, tags, actors, agency, roles, voice)."""

import numpy as np
import pandas as pd
import pytest

from helpers.narrative import (
    code_agency,
    code_mentions,
    code_modals,
    compile_actor_patterns,
    find_mentions,
    load_actors,
    load_verb_categories,
    modal_statements,
    pos_tag,
    pronoun_counts,
    sentences_table,
    split_sentences,
    stratified_sample,
    tokenize,
    we_reference,
)
from helpers.narrative.roles import mention_role
from helpers.paths import DATA_DIR

ACTORS = load_actors()
VERBS = load_verb_categories()
PATTERNS = compile_actor_patterns(ACTORS)


def coded(sentence: str) -> list[tuple[str, str, str, str, str]]:
    """(actor, surface, agency, verb, npf role) for every mention of ``sentence``."""
    tagged = pos_tag(sentence)
    out = []
    for mention in find_mentions(sentence, tagged, PATTERNS):
        agency = code_agency(tagged, mention)
        start, end = tagged[mention.start][2], tagged[mention.end - 1][3]
        role = mention_role(mention.actor, agency, VERBS, sentence, start, end)[0]
        out.append((mention.actor, mention.surface, agency.role, agency.verb, role))
    return out


def test_split_sentences_by_paragraph_and_normalises_quotes() -> None:
    text = "First point here. Second point.\n\nA heading without stop\n\nIt\u2019s done."
    assert split_sentences(text) == [
        "First point here.",
        "Second point.",
        "A heading without stop",
        "It's done.",
    ]
    with pytest.raises(TypeError):
        split_sentences(None)  # type: ignore[arg-type]


def test_tokenize_splits_contractions_like_penn() -> None:
    tokens = [t for t, _, _ in tokenize("We can't cut children's services.")]
    assert tokens == ["We", "ca", "n't", "cut", "children", "'s", "services", "."]


def test_pos_tag_corrects_verbs_tagged_as_nouns() -> None:
    tags = {w: t for w, t, _, _ in pos_tag("Local authorities and partners need to work together.")}
    assert tags["need"] == "VBP"
    assert tags["work"] == "VB"


def test_longest_match_wins_and_institutional_compounds_are_not_children() -> None:
    sentence = "Local government and the Department for Education met children's services leaders."
    found = [(m.actor, m.surface) for m in find_mentions(sentence, pos_tag(sentence), PATTERNS)]
    assert ("local authorities", "Local government") in found
    assert ("central government", "the Department for Education") in found
    assert not any(actor == "children and young people" for actor, _ in found)


def test_active_subject_with_fail_to_is_villain_and_object_is_patient() -> None:
    result = coded("The DfE has failed to fund councils properly.")
    assert result[0] == ("central government", "DfE", "agent", "fund", "villain")
    assert result[1][:3] == ("local authorities", "councils", "patient")


def test_passive_subject_is_patient_victim_and_by_phrase_is_agent() -> None:
    assert coded("Children were let down by the system.")[0] == (
        "children and young people",
        "Children",
        "patient",
        "let",
        "victim",
    )
    assert coded("Our services were cut by ministers.")[0] == (
        "central government",
        "ministers",
        "agent",
        "cut",
        "villain",
    )


def test_possessor_other_and_complement_clause_subject() -> None:
    assert coded("Ofsted's focus is important.")[0][2] == "other"
    assert coded("I think we should listen to young people.")[0][:4] == (
        "we (the writer's collective)",
        "we",
        "agent",
        "listen",
    )


def test_us_is_never_a_subject_and_protection_needs_a_named_threat() -> None:
    assert coded("This has left us with no choice.")[0][2] == "patient"
    result = coded("We must protect children from harm.")
    assert result[0][2:] == ("agent", "protect", "hero")
    assert result[1][2:] == ("patient", "protect", "victim")
    # issue 12: protecting a child does not make it a victim unless a threat is named
    calm = coded("We protect children every day.")
    assert calm[1][2:] == ("patient", "protect", "none")


def test_judge_is_an_inspection_verb_not_blame() -> None:
    result = coded("Ofsted judged the council to be good.")
    assert result[0][2:] == ("agent", "judge", "none")
    assert result[1][4] == "none"


def test_we_is_nominative_and_modifiers_are_other() -> None:
    # relative clause with "we" as subject: agent although the left context is a noun
    result = coded("These are the families we work with.")
    assert [(r[0], r[2]) for r in result] == [
        ("families", "other"),
        ("we (the writer's collective)", "agent"),
    ]
    # a mention followed by a noun modifies it
    assert coded("The ADCS blog was published.")[0][2:4] == ("other", "")
    # "X who ..." is the subject of the relative clause
    assert coded("Councils who have improved deserve praise.")[0][2] == "agent"
    # a second conjunct takes the first conjunct's position
    result = coded("We must support children and families.")
    assert [r[2] for r in result] == ["agent", "patient", "patient"]


def test_abstract_characters_and_context_roles() -> None:
    from helpers.narrative.roles import code_mentions as code

    posts = pd.DataFrame(
        {
            "doc_id": ["a"],
            "text": [
                "Austerity has hit councils hard. The impact of cuts on families is severe. "
                "Vulnerable children need our help. Our amazing staff have worked tirelessly."
            ],
        }
    )
    mentions = code(sentences_table(posts, cache=None), ACTORS, VERBS)
    roles = dict(zip(mentions["surface"].str.lower(), mentions["npf_role"], strict=True))
    assert roles["austerity"] == "villain"
    assert roles["cuts"] == "villain"
    assert roles["families"] == "victim"
    assert roles["children"] == "victim"
    assert roles["staff"] == "hero"
    assert set(mentions["actor"]) >= {"austerity and cuts", "local authorities"}


def test_fronted_adjunct_and_quantifier_subjects() -> None:
    assert coded("In April the DfE launched a consultation.")[0][2:4] == ("agent", "launch")
    assert coded("Half of local authorities reported a deficit.")[0][2:4] == ("agent", "report")


def test_modal_statements_subjects() -> None:
    def first(sentence: str) -> dict[str, str]:
        tagged = pos_tag(sentence)
        return modal_statements(tagged, find_mentions(sentence, tagged, PATTERNS))[0]

    assert first("We must protect children.") == {
        "marker": "must",
        "type": "obligation",
        "subject": "we (the writer's collective)",
        "verb": "protect",
    }
    assert first("There is a need to act now.")["subject"] == "impersonal"
    assert first("Why should we pay for it?")["subject"] == "we (the writer's collective)"
    assert first("The government may decide.")["type"] == "hedging"
    assert first("The government may decide.")["subject"] == "central government"


def test_pronoun_counts_and_we_reference() -> None:
    counts = pronoun_counts("I think we, and you, know they said our US trip was ours.")
    assert counts == {"n_words": 13, "I": 1, "we": 3, "you": 1, "they": 1}
    assert we_reference("As a sector we must speak up.") == "sector / profession"
    assert we_reference("In Norfolk we have improved.") == "local authority / place"
    assert we_reference("In England we have a problem.") == "unresolved"
    assert we_reference("They did it.") is None


def test_sentences_table_and_code_mentions_and_modals() -> None:
    posts = pd.DataFrame(
        {"doc_id": ["a", "b"], "text": ["Councils must act. Children suffer.", "We help."]}
    )
    sentences = sentences_table(posts, cache=None)
    assert sentences["sent_id"].tolist() == ["a-s000", "a-s001", "b-s000"]
    assert sentences["n_sent"].tolist() == [2, 2, 1]
    mentions = code_mentions(sentences, ACTORS, VERBS)
    assert mentions[["actor", "agency", "npf_role"]].values.tolist() == [
        ["local authorities", "agent", "hero"],
        ["children and young people", "agent", "victim"],
        ["we (the writer's collective)", "agent", "hero"],
    ]
    modals = code_modals(sentences, ACTORS, VERBS)
    assert modals[["subject", "verb"]].values.tolist() == [["local authorities", "act"]]
    with pytest.raises(ValueError, match="lacks columns"):
        sentences_table(pd.DataFrame({"doc_id": ["a"]}))


def test_stratified_sample_caps_per_actor_and_is_reproducible() -> None:
    frame = pd.DataFrame(
        {
            "actor": ["a"] * 10 + ["b"] * 2,
            "sent_id": [f"s{i:02d}" for i in range(12)],
            "char_start": 0,
        }
    )
    first = stratified_sample(frame, 3, seed=1)
    assert first["actor"].value_counts().to_dict() == {"a": 3, "b": 2}
    pd.testing.assert_frame_equal(first, stratified_sample(frame, 3, seed=1))


def test_bad_lexicon_files_fail_with_the_file_name(tmp_path) -> None:
    bad_actor = tmp_path / "actors.csv"
    bad_actor.write_text("actor,pattern,notes\nx,(unclosed,n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="actors.csv: bad pattern on row 2"):
        load_actors(bad_actor)
    bad_verbs = tmp_path / "verbs.csv"
    bad_verbs.write_text(
        "lemma,category,agent_role,patient_role,notes\ncut,harm,baddie,victim,n\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="verbs.csv: unknown roles"):
        load_verb_categories(bad_verbs)


def test_shipped_data_files_are_consistent() -> None:
    assert ACTORS["notes"].str.len().min() > 10
    assert set(VERBS["agent_role"]) <= {"hero", "villain", "victim", "none"}
    coded_sample = pd.read_csv(DATA_DIR / "validation" / "actor_mentions_coded.csv")
    assert len(coded_sample) >= 150
    assert set(coded_sample["agency"]) <= {"agent", "patient", "other"}
    assert set(coded_sample["npf_role"]) <= {"hero", "villain", "victim", "none"}
    assert set(coded_sample["is_actor"]) <= {"yes", "no"}
    assert set(coded_sample["actor"]) <= set(ACTORS["actor"])
    for row in coded_sample.itertuples():
        assert row.sentence[row.char_start : row.char_start + len(row.surface)] == row.surface


# --- issue 12: obligations, sampling, validation, classifier, io ---------------------------


def addressee(sentence: str, marker_text: str) -> tuple[str, str]:
    from helpers.narrative.voice import find_obligation_markers, obligation_addressee

    tagged = pos_tag(sentence)
    mentions = find_mentions(sentence, tagged, PATTERNS)
    for marker, start, end in find_obligation_markers(sentence):
        if sentence[start:end].lower() == marker_text.lower():
            return obligation_addressee(sentence, marker, start, end, tagged, mentions)
    raise AssertionError(f"marker {marker_text!r} not found in {sentence!r}")


def test_find_obligation_markers_includes_impersonal_forms() -> None:
    from helpers.narrative.voice import find_obligation_markers

    text = "It is vital that councils act, and there is a need to invest; we call on ministers."
    found = [(m, text[s:e]) for m, s, e in find_obligation_markers(text)]
    assert found == [
        ("it is vital", "It is vital"),
        ("there is a need", "there is a need"),
        ("call on", "call on"),
    ]


def test_obligation_addressee_explicit_implied_and_not_obligations() -> None:
    we = "we (the writers' collective or sector)"
    assert addressee("The government must invest in early help.", "must") == (
        "central government",
        "yes",
    )
    assert addressee("We also need to be better at listening.", "need to") == (we, "yes")
    assert addressee("We have had to cut services.", "had to") == (we, "yes")
    assert addressee("It is vital that schools work with councils.", "It is vital") == (
        "schools",
        "no",
    )
    assert addressee("We call on the government to act now.", "call on") == (
        "central government",
        "yes",
    )
    # passive without an agent, nothing else in the sentence: unspecified
    assert addressee("More must be done.", "must") == ("unspecified", "no")
    # passive with a by-agent
    assert addressee("This should be funded by the Treasury.", "should") == (
        "central government",
        "no",
    )
    # a prediction is not an obligation
    assert addressee("Poverty is expected to rise.", "is expected to")[0] == "not an obligation"


def test_sampling_helpers() -> None:
    from helpers.narrative.sampling import assign_second_coder, mark_span, split_by_post

    assert mark_span("We act now.", 3, 6) == "We [[act]] now."
    with pytest.raises(ValueError):
        mark_span("short", 3, 10)
    docs = pd.Series(["a", "a", "b", "c", "d", "d"])
    split = split_by_post(docs, seed=1)
    assert set(split) == {"tuning", "test"}
    assert split.groupby(docs).nunique().max() == 1  # a post is never split
    assert split.equals(split_by_post(docs, seed=1))
    chosen = assign_second_coder(10, 0.4, seed=3)
    assert sum(chosen) == 4 and chosen == assign_second_coder(10, 0.4, seed=3)


def test_coding_loader_checks_values_and_reads_aliases(tmp_path) -> None:
    from helpers.narrative.validation import load_obligation_coding, load_role_coding

    good = tmp_path / "a.csv"
    good.write_text(
        "item_id,is_actor,agency,npf_role,notes\nR1,yes,Agent,hero,\nR2,no,other,none,x\n"
    )
    frame = load_role_coding(good, ["R1", "R2"])
    assert frame["agency"].tolist() == ["agent", "other"]
    bad = tmp_path / "b.csv"
    bad.write_text("item_id,is_actor,agency,npf_role\nR1,yes,subject,hero\n")
    with pytest.raises(ValueError, match=r"b.csv, row 2: agency = 'subject'"):
        load_role_coding(bad, ["R1"])
    with pytest.raises(ValueError, match="unknown item ids"):
        load_role_coding(good, ["R1"])
    ob = tmp_path / "o.csv"
    ob.write_text("item_id,obligation,addressee,explicit\nO1,yes,we,yes\n")
    assert load_obligation_coding(ob, ["O1"])["addressee"].tolist() == [
        "we (the writers' collective or sector)"
    ]


def test_agreement_matches_sklearn_and_has_intervals() -> None:
    from sklearn.metrics import cohen_kappa_score

    from helpers.narrative.validation import agreement, alpha, kappa
    from helpers.stats import krippendorff_alpha_nominal

    a = ["x", "y", "y", "z", "x", "x", "y", "z", "z", "x"] * 3
    b = ["x", "y", "z", "z", "x", "y", "y", "z", "x", "x"] * 3
    assert kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
    assert alpha(a, b) == pytest.approx(krippendorff_alpha_nominal([a, b]))
    result = agreement(a, b, n_boot=200, seed=1)
    assert result["n"] == 30
    assert result["kappa_low"] <= result["kappa"] <= result["kappa_high"]
    assert agreement(a, a, n_boot=50)["kappa"] == pytest.approx(1.0)
    assert result["accuracy"] == pytest.approx(np.mean(np.array(a) == np.array(b)))
    assert result["alpha"] == pytest.approx(alpha(a, b))


def test_cluster_bootstrap_resamples_whole_groups() -> None:
    from helpers.narrative.validation import agreement

    a = ["x", "y", "y", "z", "x", "x", "y", "z", "z", "x"] * 2
    b = ["x", "y", "z", "z", "x", "y", "y", "z", "x", "x"] * 2
    # Each item copied five times inside its own group: resampling groups is resampling the
    # original items, so estimate and interval equal those of the items on their own.
    single = agreement(a, b, n_boot=300, seed=3)
    copies = agreement(
        [x for x in a for _ in range(5)],
        [y for y in b for _ in range(5)],
        n_boot=300,
        seed=3,
        groups=[g for g in range(len(a)) for _ in range(5)],
    )
    assert copies["n"] == 5 * single["n"] and copies["groups"] == single["groups"]
    # (alpha is left out: its small-sample term changes when every item is copied)
    for key in ("kappa", "kappa_low", "kappa_high", "accuracy_low", "accuracy_high"):
        assert copies[key] == pytest.approx(single[key])
    # Treating the copies as independent items understates the uncertainty.
    naive = agreement(
        [x for x in a for _ in range(5)], [y for y in b for _ in range(5)], n_boot=300, seed=3
    )
    assert naive["kappa_high"] - naive["kappa_low"] < copies["kappa_high"] - copies["kappa_low"]
    with pytest.raises(ValueError, match="groups"):
        agreement(a, b, groups=[1, 2])


def test_classifier_features_and_cross_validation_are_deterministic() -> None:
    from helpers.narrative.classifier import cross_validate, mention_features

    texts = [
        "Austerity has hit families hard.",
        "We support families every day.",
        "Councils are struggling under pressure.",
        "The government must invest now.",
    ] * 5
    posts = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    mentions = code_mentions(sentences_table(posts, cache=None), ACTORS, VERBS)
    mentions["valence"] = 0.0
    features = mention_features(mentions)
    assert len(features) == len(mentions)
    assert "actor=austerity and cuts" in features[0]
    labels = mentions["npf_role"].where(mentions["npf_role"] != "none", "other")
    first = cross_validate(features, labels, mentions["doc_id"], [0.3, 1.0], n_splits=3)
    second = cross_validate(features, labels, mentions["doc_id"], [0.3, 1.0], n_splits=3)
    assert first[0] == second[0] and (first[2] == second[2]).all()
    with pytest.raises(ValueError, match="needs columns"):
        mention_features(mentions.drop(columns="valence"))


def test_write_csv_atomic_and_sentence_cache(tmp_path) -> None:
    from helpers.narrative.io import write_csv_atomic

    path = write_csv_atomic(pd.DataFrame({"a": [1, 2]}), tmp_path / "out" / "x.csv", index=False)
    assert path.read_text() == "a\n1\n2\n"
    assert [p.name for p in path.parent.iterdir()] == ["x.csv"]  # no temporary file left
    posts = pd.DataFrame({"doc_id": ["a"], "text": ["One sentence. Another one."]})
    cache = tmp_path / "cache.json"
    first = sentences_table(posts, cache=cache)
    assert cache.exists()
    assert sentences_table(posts, cache=cache).equals(first)
    cache.write_text("not json")  # a broken cache is ignored and rewritten
    assert sentences_table(posts, cache=cache).equals(first)


def test_agreement_interval_is_the_collections_one_bootstrap() -> None:
    """The vectorised agreement bootstrap draws the same units as ``stats.bootstrap_ci``, so
    its kappa interval over posts equals ``bootstrap_ci`` of kappa over whole posts."""
    from helpers.narrative.validation import agreement, kappa
    from helpers.stats import bootstrap_ci

    rng = np.random.default_rng(7)
    labels = np.array(["agent", "patient", "other"], dtype=object)
    a = rng.choice(labels, 60)
    b = np.where(rng.random(60) < 0.7, a, rng.choice(labels, 60))
    posts = np.repeat(np.arange(12), 5)
    fast = agreement(a, b, n_boot=200, seed=11, groups=posts)
    by_post = [np.flatnonzero(posts == p) for p in range(12)]

    def pooled_kappa(chosen: np.ndarray) -> float:
        rows = np.concatenate([by_post[int(p)] for p in chosen])
        return kappa(a[rows], b[rows])

    estimate, low, high = bootstrap_ci(np.arange(12), pooled_kappa, n_boot=200, seed=11)
    assert fast["kappa"] == pytest.approx(estimate)
    assert (fast["kappa_low"], fast["kappa_high"]) == pytest.approx((low, high))


def test_role_features_add_actor_bigram_and_local_valence_features() -> None:
    from helpers.narrative.classifier import role_features

    sentence = "Sadly the government cut vital funding for vulnerable children"
    start = sentence.index("government")
    mentions = pd.DataFrame([{
        "actor": "central government", "agency": "agent", "verb_category": "harm",
        "verb": "cut", "sentence": sentence, "char_start": start,
        "char_end": start + len("government"), "valence": -0.4,
    }])  # fmt: skip
    base = [{"actor=central government": 1.0, "rule=subject": 1.0}]
    lexicon = {"sadly": -2.0, "cut": -1.0, "vital": 1.5, "vulnerable": -1.0}
    (f,) = role_features(mentions, base, lexicon)
    assert base == [{"actor=central government": 1.0, "rule=subject": 1.0}]  # not changed
    assert f["actor=central government"] == 1.0 and f["rule=subject"] == 1.0
    assert f["actor|agency=central government|agent"] == 1.0
    assert f["actor|vcat=central government|harm"] == 1.0
    assert f["actor|verb=central government|cut"] == 1.0
    assert f["lbi=sadly_the"] == 1.0 and f["rbi=cut_vital"] == 1.0
    assert "rbi=vulnerable_children" not in f  # beyond the bigram window (4 words)
    # Six words each side: left "sadly the" (-2), right "cut ... children" (-1 + 1.5 - 1).
    assert f["lval"] == pytest.approx(-2.0 / 4) and f["rval"] == pytest.approx(-0.5 / 4)
    assert f["agency|lval=agent|neg"] == 1.0 and f["agency|rval=agent|neg"] == 1.0
    assert f["agency|sval=agent|neg"] == 1.0 and f["actor|sval=central government|neg"] == 1.0
    assert {k for k in f if k.startswith("valword=")} == {
        "valword=sadly",
        "valword=cut",
        "valword=vital",
        "valword=vulnerable",
    }
    with pytest.raises(ValueError, match="base rows"):
        role_features(mentions, base * 2, lexicon)


def test_coder_tables_read_every_sample_by_mention(tmp_path) -> None:
    from helpers.narrative.validation import coder_tables

    keys = pd.DataFrame({
        "item_id": ["r1", "r2", "r3"], "doc_id": ["d1", "d1", "d2"],
        "sent_id": ["d1-s0", "d1-s1", "d2-s0"], "char_start": [0, 5, 9],
        "split": ["tuning", "test", "test"], "coder_b": [True, False, False],
    })  # fmt: skip
    keys.to_csv(tmp_path / "roles_keys.csv", index=False)
    coding = pd.DataFrame({
        "item_id": ["r1", "r2", "r3"], "is_actor": ["yes", "yes", "no"],
        "agency": ["agent", "patient", "other"], "npf_role": ["hero", "victim", "none"],
    })  # fmt: skip
    coding.to_csv(tmp_path / "roles_coder_A.csv", index=False)
    coding.iloc[[0]].assign(npf_role="villain").to_csv(tmp_path / "roles_coder_B.csv", index=False)
    random_keys = keys.assign(item_id=["q1", "q2", "q3"], items_file=["random_items_1.csv"] * 3)
    random_keys.to_csv(tmp_path / "random_keys.csv", index=False)
    coding.assign(item_id=["q1", "q2", "q3"]).to_csv(tmp_path / "random_coder_1.csv", index=False)
    tables = coder_tables(tmp_path)
    # Files not there are left out; the others are keyed by mention.
    assert set(tables) == {"roles coder A", "roles coder B", "random sample first coders"}
    a = tables["roles coder A"]
    assert list(a.columns) == ["doc_id", "sent_id", "char_start", "is_actor", "agency", "npf_role"]
    assert a.set_index("sent_id").loc["d1-s1", "npf_role"] == "victim"
    assert tables["roles coder B"]["npf_role"].tolist() == ["villain"]  # its subset only
    assert len(tables["random sample first coders"]) == 3
    # A coder B who codes an item outside their subset is an error naming the file.
    coding.iloc[:2].to_csv(tmp_path / "roles_coder_B.csv", index=False)
    with pytest.raises(ValueError, match="roles_coder_B.csv: unknown item ids"):
        coder_tables(tmp_path)


def test_noun_spans_are_the_noun_phrases_the_dictionary_misses() -> None:
    from helpers.narrative.actors import OUTSIDE_ACTOR, noun_spans

    text = "The practice manager praised councils and the virtual school head for the bold plan."
    sentences = sentences_table(pd.DataFrame({"doc_id": ["a"], "text": [text]}), cache=None)
    text = sentences["text"][0]
    spans = noun_spans(sentences, PATTERNS, pos_tag)
    # Maximal noun runs ("practice manager"), not the dictionary's "councils", and not a run
    # that overlaps a dictionary mention ("school head": "school" is one).
    assert spans["surface"].tolist() == ["practice manager", "plan"]
    for row in spans.itertuples():
        assert text[row.char_start : row.char_end] == row.surface  # offsets into the sentence
        assert row.actor == OUTSIDE_ACTOR and row.sentence == text and row.doc_id == "a"


def test_code_spans_codes_given_spans_like_dictionary_mentions() -> None:
    from helpers.narrative.roles import code_spans

    posts = pd.DataFrame({"doc_id": ["a"], "text": ["Councils must act. Children suffer."]})
    sentences = sentences_table(posts, cache=None)
    mentions = code_mentions(sentences, ACTORS, VERBS)
    spans = mentions[["sent_id", "char_start", "char_end", "actor"]]
    again = code_spans(sentences, spans, VERBS)
    pd.testing.assert_frame_equal(again, mentions)  # the same rules, row for row
    odd = pd.DataFrame({"sent_id": ["a-s000"], "char_start": [9], "char_end": [13], "actor": ["x"]})
    assert code_spans(sentences, odd, VERBS)["surface"].tolist() == ["must"]
    with pytest.raises(ValueError, match="a-s009"):
        code_spans(sentences, odd.assign(sent_id="a-s009"), VERBS)
    with pytest.raises(ValueError, match="covers no token"):
        code_spans(sentences, odd.assign(char_start=8, char_end=9), VERBS)


def test_outside_labels_read_the_third_round(tmp_path) -> None:
    from helpers.narrative.validation import outside_labels

    assert outside_labels(tmp_path).empty  # nothing coded yet
    keys = pd.DataFrame({
        "item_id": ["X1", "X2", "X3"], "doc_id": ["d2", "d1", "d1"],
        "sent_id": ["d2-s0", "d1-s1", "d1-s0"], "char_start": [0, 5, 9], "char_end": [4, 9, 12],
        "surface": ["time", "plan", "head"],
        "items_file": ["outside_items_1.csv", "outside_items_1.csv", "outside_items_2.csv"],
    })  # fmt: skip
    keys.to_csv(tmp_path / "outside_keys.csv", index=False)
    coding = pd.DataFrame({
        "item_id": ["X1", "X2"], "is_actor": ["no", "yes"], "agency": ["other", "patient"],
        "npf_role": ["none", "victim"],
    })  # fmt: skip
    coding.to_csv(tmp_path / "outside_coder_1.csv", index=False)
    table = outside_labels(tmp_path)  # coder 2's file is not there yet
    assert table["sent_id"].tolist() == ["d1-s1", "d2-s0"]
    assert table.set_index("sent_id").loc["d1-s1", ["surface", "agency", "npf_role"]].tolist() == [
        "plan", "patient", "victim"]  # fmt: skip
    coding.iloc[[0]].assign(item_id="X3").to_csv(tmp_path / "outside_coder_2.csv", index=False)
    assert len(outside_labels(tmp_path)) == 3
    coding.to_csv(tmp_path / "outside_coder_2.csv", index=False)  # items of another file
    with pytest.raises(ValueError, match="outside_coder_2.csv"):
        outside_labels(tmp_path)
