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
