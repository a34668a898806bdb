"""Narrative coding for notebook 05, split along its seams.

* :mod:`helpers.narrative.language`: sentences, tokens, tags, lemmas (``sentences_table``);
* :mod:`helpers.narrative.actors`: the actor dictionary and mention finding;
* :mod:`helpers.narrative.agency`: agent / patient / other;
* :mod:`helpers.narrative.roles`: NPF roles and whole-corpus coding;
* :mod:`helpers.narrative.voice`: pronouns, "we", obligations and their addressees;
* :mod:`helpers.narrative.sampling`: hand-coding samples;
* :mod:`helpers.narrative.validation`: loading the blind coders' files, agreement (kappa,
  Krippendorff's alpha) with bootstrap intervals;
* :mod:`helpers.narrative.classifier`: the scikit-learn classifier for agency and roles;
* :mod:`helpers.narrative.io`: atomic writing of result files.

Everything runs offline with resources shipped in PyPI packages and in ``data/``.
"""

from helpers.narrative.actors import Mention, compile_actor_patterns, find_mentions, load_actors
from helpers.narrative.agency import Agency, code_agency
from helpers.narrative.language import (
    normalise_text,
    pos_tag,
    sentences_table,
    split_sentences,
    tokenize,
    verb_lemma,
)
from helpers.narrative.roles import code_mentions, load_verb_categories, npf_role
from helpers.narrative.sampling import stratified_sample
from helpers.narrative.voice import (
    MODALS,
    PRONOUNS,
    WE_REFERENCE_CUES,
    code_modals,
    modal_statements,
    pronoun_counts,
    we_reference,
)

__all__ = [
    "MODALS",
    "PRONOUNS",
    "WE_REFERENCE_CUES",
    "Agency",
    "Mention",
    "code_agency",
    "code_mentions",
    "code_modals",
    "compile_actor_patterns",
    "find_mentions",
    "load_actors",
    "load_verb_categories",
    "modal_statements",
    "normalise_text",
    "npf_role",
    "pos_tag",
    "pronoun_counts",
    "sentences_table",
    "split_sentences",
    "stratified_sample",
    "tokenize",
    "verb_lemma",
    "we_reference",
]
