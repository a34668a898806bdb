"""Unit tests of helpers.text_prep on small texts written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.text_prep import (
    DOMAIN_STOPWORDS_PATH,
    apply_phrases,
    build_dictionary,
    chunk_tokens,
    general_stopwords,
    learn_phrases,
    lemmatise,
    load_domain_stopwords,
    prepare_corpus,
    prepare_with_paragraphs,
    remove_stopwords,
    split_chunks,
    tokenise,
)


def test_tokenise_lowercases_strips_possessives_and_drops_contractions() -> None:
    text = "Children\u2019s Social-Care: we don't stop; 2024 was 'hard' for the DfE's staff."
    assert tokenise(text) == [
        "children", "social", "care", "we", "stop", "was", "hard", "for", "the", "dfe", "staff"
    ]  # fmt: skip


def test_tokenise_min_length_and_type_check() -> None:
    assert tokenise("a an ox", min_length=2) == ["an", "ox"]
    assert tokenise("a an ox", min_length=3) == []
    with pytest.raises(TypeError):
        tokenise(None)  # type: ignore[arg-type]


def test_lemmatise_prefers_noun_reading_and_keeps_unknown_and_kept_words() -> None:
    assert lemmatise(["children", "services", "thinking", "ofsted"]) == [
        "child", "service", "think", "ofsted"
    ]  # fmt: skip
    # stopwords are passed through untouched ("does" would otherwise become "doe")
    assert lemmatise(["does", "councils"], keep=frozenset({"does"})) == ["does", "council"]


def test_general_stopwords_keep_domain_content_words() -> None:
    stop = general_stopwords()
    assert {"the", "and", "of"} <= stop
    assert not {"system", "bill", "serious", "interest"} & stop


def test_domain_stopword_file_parses_and_documents_each_block() -> None:
    words = load_domain_stopwords()
    assert {"blog", "week", "adcs"} <= words
    # content words the models need must not be listed
    assert not {"child", "family", "school", "funding", "poverty"} & words
    lines = DOMAIN_STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")


def test_domain_stopword_loader_rejects_bad_lines(tmp_path: Path) -> None:
    bad = tmp_path / "stop.txt"
    bad.write_text("# reason\nblog\nTwo Words  # no\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"stop.txt line 3"):
        load_domain_stopwords(bad)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        load_domain_stopwords(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no stopwords"):
        load_domain_stopwords(empty)


def test_phrases_join_frequent_pairs_through_connector_words() -> None:
    docs = [["director", "of", "child", "service", "meet", "minister"] for _ in range(6)] + [
        ["minister", "meet", "director"],
        ["child", "play"],
    ]
    layers = learn_phrases(docs, min_count=3, threshold=0.3)
    out = apply_phrases([["the", "director", "of", "child", "service", "said"]], layers)[0]
    assert any("_" in token for token in out)
    assert "director_of_child_service" in out or "director_of_child" in out


def test_remove_stopwords_repairs_phrases_with_stopword_edges() -> None:
    stop = frozenset({"will", "about", "as", "well", "of"})
    tokens = ["will_continue", "as_well", "director_of_child", "spoke_about", "care"]
    assert remove_stopwords(tokens, stop) == ["continue", "director_of_child", "spoke", "care"]


def test_build_dictionary_thresholds() -> None:
    docs = [["a", "b"], ["a", "c"], ["a", "b", "d"], ["a", "b"]]
    dictionary, bow = build_dictionary(docs, no_below=2, no_above=0.9)
    assert set(dictionary.token2id) == {"b"}  # a in 100% > 90%; c, d in 1 document
    assert [sum(c for _, c in doc) for doc in bow] == [1, 0, 1, 1]


def test_prepare_corpus_counts_each_step_and_is_deterministic() -> None:
    texts = [
        "Social workers and foster carers support children in care every day.",
        "Foster carers told social workers about funding for children in care.",
        "Schools and social workers share funding pressures across the country.",
        "Funding for schools fell while demand for social workers rose.",
    ] * 3
    stop = general_stopwords()
    first = prepare_corpus(texts, stopwords=stop, phrase_min_count=3, no_below=2, no_above=0.9)
    again = prepare_corpus(texts, stopwords=stop, phrase_min_count=3, no_below=2, no_above=0.9)
    assert list(first.steps["step"]) == [
        "1 tokenise", "2 lemmatise", "3 phrases", "4 stopwords", "5 filter_extremes"
    ]  # fmt: skip
    tokens = list(first.steps["tokens"])
    assert tokens == sorted(tokens, reverse=True)  # every step removes or merges, never adds
    assert first.steps["documents"].eq(len(texts)).all()
    assert first.docs == again.docs and first.bow == again.bow
    assert "social_worker" in first.dictionary.token2id
    # docs hold exactly the dictionary's words, bow counts match them
    for doc, bow in zip(first.docs, first.bow, strict=True):
        assert all(token in first.dictionary.token2id for token in doc)
        assert sum(count for _, count in bow) == len(doc)


def test_prepare_corpus_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="text 1"):
        prepare_corpus(["fine", float("nan")])  # type: ignore[list-item]


def test_prepare_corpus_keep_n_caps_vocabulary() -> None:
    texts = [f"alpha beta gamma delta word{i % 3}" for i in range(9)]
    out = prepare_corpus(texts, stopwords=frozenset(), no_below=1, no_above=1.0, keep_n=2)
    assert len(out.dictionary) == 2


def test_split_chunks_keeps_all_text_and_merges_short_tail() -> None:
    text = "\n\n".join(["one two three"] * 5 + ["tail"])
    chunks = split_chunks(text, min_words=6)
    assert [len(c.split()) for c in chunks] == [6, 10]
    assert " ".join(chunks).split() == text.split()
    assert split_chunks("short text", min_words=100) == ["short text"]


def test_chunk_tokens_even_split_without_loss() -> None:
    doc = [str(i) for i in range(10)]
    chunks = chunk_tokens(doc, 3)
    assert [len(c) for c in chunks] == [3, 4, 3]
    assert [len(c) for c in chunk_tokens(doc, 4)] == [5, 5]  # round(2.5) == 2 chunks
    assert sum(chunks, []) == doc
    assert chunk_tokens([], 5) == [[]]
    with pytest.raises(ValueError):
        chunk_tokens(doc, 0)


def test_prepare_with_paragraphs_uses_the_posts_chain() -> None:
    paragraphs = [
        ["Social workers and foster carers support children in care.", "2024!"],
        ["Foster carers told social workers about funding.", "Funding for schools fell."],
        ["Schools and social workers share funding pressures.", "Demand for social workers rose."],
    ] * 3
    texts = ["\n\n".join(p) for p in paragraphs]
    stop = general_stopwords()
    kwargs = {"stopwords": stop, "phrase_min_count": 3, "no_below": 2, "no_above": 0.9}
    prepared, tokens, post, number = prepare_with_paragraphs(texts, paragraphs, **kwargs)
    alone = prepare_corpus(texts, **kwargs)
    assert prepared.docs == alone.docs and prepared.bow == alone.bow
    assert "social_worker" in prepared.dictionary.token2id
    assert all(t in prepared.dictionary.token2id for doc in tokens for t in doc)
    assert any("social_worker" in doc for doc in tokens)  # phrases learned on the posts
    # a paragraph left without words (the number) is dropped, and counted
    assert len(tokens) == len(post) == len(number)
    assert list(prepared.steps["step"])[-1] == "6 paragraphs"
    assert prepared.steps["empty_documents"].iloc[-1] == sum(map(len, paragraphs)) - len(tokens)
    assert (post[0], number[0], post[1], number[1]) == (0, 0, 1, 0)
    assert all(n != 1 for p, n in zip(post, number, strict=True) if p % 3 == 0)
    # without phrases (none can span a boundary) a post's paragraph tokens are its tokens
    no_phrases = {**kwargs, "phrase_threshold": 1.0}
    prepared, tokens, post, _ = prepare_with_paragraphs(texts, paragraphs, **no_phrases)
    for i, doc in enumerate(prepared.docs):
        assert sum((t for t, p in zip(tokens, post, strict=True) if p == i), []) == doc
    with pytest.raises(ValueError, match="paragraphs for"):
        prepare_with_paragraphs(texts, paragraphs[:2], **kwargs)
