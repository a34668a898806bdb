"""Unit tests for helpers.narrative (sentences, tags, actors, agency, roles, voice)."""

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
    npf_role,
    pos_tag,
    pronoun_counts,
    sentences_table,
    split_sentences,
    stratified_sample,
    tokenize,
    we_reference,
)
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
        out.append(
            (mention.actor, mention.surface, agency.role, agency.verb, npf_role(agency, VERBS)[0])
        )
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


def test_us_is_never_a_subject_and_protect_makes_patient_victim() -> None:
    assert coded("This has left us with no choice.")[0][2] == "patient"
    result = coded("We must protect children from harm.")
    assert result[0][2:] == ("agent", "protect", "hero")
    assert result[1][2:] == ("patient", "protect", "victim")


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
    sentences = sentences_table(posts)
    assert sentences["sent_id"].tolist() == ["a-s000", "a-s001", "b-s000"]
    assert sentences["n_sent"].tolist() == [2, 2, 1]
    mentions = code_mentions(sentences, ACTORS, VERBS)
    assert mentions[["actor", "agency", "npf_role"]].values.tolist() == [
        ["local authorities", "agent", "none"],
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
