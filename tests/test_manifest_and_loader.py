"""The manifest matches the raw files, the committed corpus is current, the loader types it."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from helpers import load_corpus, load_paragraphs, segment
from helpers.corpus import POST_COLUMNS, CorpusNotBuiltError
from helpers.manifest import merge_manifest, read_manifest
from helpers.paths import MANIFEST_PATH, POSTS_PATH, RAW_DIR, SEGMENTED_DIR


def test_manifest_lists_every_raw_file_with_its_checksum() -> None:
    manifest = read_manifest(MANIFEST_PATH).set_index("file")
    raw = sorted(p.name for p in RAW_DIR.glob("*.txt"))
    assert sorted(manifest.index) == raw
    for name in raw:
        digest = hashlib.sha256((RAW_DIR / name).read_bytes()).hexdigest()
        assert manifest.loc[name, "sha256"] == digest, f"{name} differs from its manifest row"
        assert manifest.loc[name, "source"] and manifest.loc[name, "description"]


def facts(name: str, sha: str) -> dict[str, object]:
    """One row of SegmentationResult.files."""
    return {
        "source_file": name,
        "sha256": sha,
        "n_bytes": 3,
        "n_lines": 1,
        "encoding": "utf-8",
        "format": "plain",
        "n_posts": 1,
    }


def test_merge_manifest_keeps_descriptions_adds_new_files_and_flags_edits() -> None:
    old = pd.DataFrame(
        [{"file": "a.txt", "sha256": "111", "source": "ADCS", "description": "hand-written"}]
    )
    files = pd.DataFrame([facts("a.txt", "222"), facts("b.txt", "333")])
    merged, problems = merge_manifest(old, files)
    merged = merged.set_index("file")
    assert merged.loc["a.txt", "description"] == "hand-written"
    assert merged.loc["a.txt", "sha256"] == "222"
    assert "inferred" in merged.loc["b.txt", "description"]
    assert len(problems) == 1 and problems[0].startswith("a.txt: sha256 differs")


def test_merge_manifest_reports_missing_files() -> None:
    old = pd.DataFrame([{"file": "gone.txt", "sha256": "1", "source": "s", "description": "d"}])
    _, problems = merge_manifest(old, pd.DataFrame([facts("a.txt", "2")]))
    assert problems == [
        "gone.txt: listed in the manifest but missing from corpus/raw/; row dropped"
    ]


def test_committed_corpus_is_what_segmentation_writes_now(tmp_path: Path) -> None:
    segment.write_outputs(segment.segment_corpus(RAW_DIR), tmp_path)
    for name in ("posts.csv", "paragraphs.csv", "removed_lines.csv", "line_audit.csv"):
        assert (tmp_path / name).read_bytes() == (SEGMENTED_DIR / name).read_bytes(), (
            f"corpus/segmented/{name} is stale: run `make corpus`"
        )


def test_load_corpus_types_and_reprint_exclusion() -> None:
    posts = load_corpus()
    assert list(posts.columns) == POST_COLUMNS
    assert len(posts) == 103 and posts["doc_id"].is_unique
    assert posts["duplicate_of"].isna().all()
    assert pd.api.types.is_datetime64_any_dtype(posts["date"])
    assert (posts["date_low"] <= posts["date"]).all() and (
        posts["date"] <= posts["date_high"]
    ).all()
    assert posts["n_words"].dtype == "int64"
    assert len(load_corpus(include_reprints=True)) == 104


def test_load_paragraphs_match_posts() -> None:
    paragraphs = load_paragraphs()
    posts = load_corpus()
    assert set(paragraphs["doc_id"]) == set(posts["doc_id"])
    per_post = paragraphs.groupby("doc_id").size()
    assert (per_post == posts.set_index("doc_id")["n_paragraphs"].loc[per_post.index]).all()
    assert paragraphs["para_id"].is_unique


def test_loader_says_how_to_build_a_missing_corpus(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotBuiltError, match="make corpus"):
        load_corpus(path=tmp_path / POSTS_PATH.name)
