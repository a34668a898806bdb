"""The manifest and the outputs are never corrupted; the committed corpus is current;
the loader types it. Each failure listed in issue 10 has a test here that reproduces it."""

import errno
import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

from helpers import load_corpus, load_paragraphs, segment
from helpers.corpus import POST_COLUMNS, CorpusNotBuiltError, director_posts
from helpers.ingest import atomic
from helpers.manifest import (
    ManifestError,
    changed_files,
    manifest_order,
    merge_manifest,
    read_manifest,
)
from helpers.paths import MANIFEST_PATH, POSTS_PATH, RAW_DIR, SEGMENTED_DIR

PLAIN = "A plain post\n\nOne paragraph of a post dropped in as plain text.\n\nAnother one.\n"
OTHER = "Another post\n\nA different paragraph about foster carers and their support.\n"


def test_manifest_lists_every_raw_file_with_its_checksum() -> None:
    manifest = read_manifest(MANIFEST_PATH).set_index("file")
    raw = sorted(p.name for p in RAW_DIR.iterdir() if p.name != MANIFEST_PATH.name)
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


def test_merge_manifest_keeps_descriptions_order_and_unaccepted_checksums() -> None:
    old = pd.DataFrame(
        [
            {"file": "z.txt", "sha256": "000", "source": "S", "description": "first"},
            {"file": "a.txt", "sha256": "111", "source": "ADCS", "description": "hand-written"},
        ]
    )
    files = pd.DataFrame([facts("a.txt", "222"), facts("b.txt", "333"), facts("z.txt", "000")])
    merged, _ = merge_manifest(old, files)
    assert merged["file"].tolist() == ["z.txt", "a.txt", "b.txt"]  # first recorded first
    merged = merged.set_index("file")
    assert merged.loc["a.txt", "description"] == "hand-written"
    assert merged.loc["a.txt", "sha256"] == "111"  # an edit is never recorded silently
    assert "inferred" in merged.loc["b.txt", "description"]
    accepted, notes = merge_manifest(old, files, accept={"a.txt"})
    assert accepted.set_index("file").loc["a.txt", "sha256"] == "222"
    assert "accepted" in accepted.set_index("file").loc["a.txt", "description"]
    assert notes == ["a.txt: edited file accepted; new sha256 recorded"]


def test_renamed_file_keeps_its_description_and_place() -> None:
    old = pd.DataFrame(
        [
            {"file": "old_name.txt", "sha256": "abc", "source": "CYP", "description": "by hand"},
            {"file": "b.txt", "sha256": "bbb", "source": "S", "description": "b"},
        ]
    )
    files = pd.DataFrame([facts("b.txt", "bbb"), facts("new_name.txt", "abc")])
    merged, notes = merge_manifest(old, files)
    assert merged["file"].tolist() == ["new_name.txt", "b.txt"]
    row = merged.set_index("file").loc["new_name.txt"]
    assert (row["source"], row["description"]) == ("CYP", "by hand")
    assert notes == [
        "new_name.txt: renamed from old_name.txt (same sha256); its description is kept"
    ]
    assert manifest_order(old, {"b.txt": "bbb", "new_name.txt": "abc"}) == ["new_name.txt", "b.txt"]


def test_merge_manifest_reports_missing_files() -> None:
    old = pd.DataFrame([{"file": "gone.txt", "sha256": "1", "source": "s", "description": "d"}])
    _, notes = merge_manifest(old, pd.DataFrame([facts("a.txt", "2")]))
    assert notes == ["gone.txt: listed in the manifest but missing from corpus/raw/; row dropped"]


# ---------------------------------------------------------------------------
# The command, on a temporary raw folder
# ---------------------------------------------------------------------------
def make_project(tmp_path: Path) -> tuple[Path, Path]:
    raw, out = tmp_path / "raw", tmp_path / "segmented"
    raw.mkdir()
    (raw / "a_post.txt").write_text(PLAIN, encoding="utf-8")
    (raw / "b_post.txt").write_text(OTHER, encoding="utf-8")
    return raw, out


def run_main(raw: Path, out: Path, *extra: str) -> int:
    return segment.main(["--raw", str(raw), "--out", str(out), *extra])


def describe_by_hand(raw: Path) -> None:
    manifest = pd.read_csv(raw / "MANIFEST.csv", dtype=str, keep_default_na=False)
    manifest["description"] = "written by hand: " + manifest["file"]
    manifest.to_csv(raw / "MANIFEST.csv", index=False)


def test_run_ends_with_a_warnings_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    raw, out = make_project(tmp_path)
    assert run_main(raw, out) == 0
    assert capsys.readouterr().out.rstrip().endswith("Warnings: none.")
    (raw / "c_cookies.txt").write_text("Accept all cookies\n\nCookie settings\n", encoding="utf-8")
    assert run_main(raw, out) == 0
    err = capsys.readouterr().err
    assert "Warnings (1):" in err and "c_cookies.txt: yields no post" in err


def test_non_utf8_file_name_neither_crashes_nor_truncates_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    raw, out = make_project(tmp_path)
    assert run_main(raw, out) == 0
    describe_by_hand(raw)
    with open(bytes(raw) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(PLAIN.encode())
    assert run_main(raw, out) == 0
    assert "caf\\xe9.txt: file name is not valid UTF-8" in capsys.readouterr().err
    manifest = read_manifest(raw / "MANIFEST.csv")
    assert manifest["file"].tolist() == ["a_post.txt", "b_post.txt"]
    assert manifest["description"].str.startswith("written by hand").all()
    assert run_main(raw, out) == 0  # and a rerun keeps the hand-written descriptions
    assert read_manifest(raw / "MANIFEST.csv")["description"].str.startswith("written by").all()


def test_full_disk_leaves_the_manifest_and_outputs_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, out = make_project(tmp_path)
    assert run_main(raw, out) == 0
    describe_by_hand(raw)
    before = {p: p.read_bytes() for p in [raw / "MANIFEST.csv", *out.glob("*.csv")]}
    (raw / "c_new.txt").write_text(PLAIN.replace("plain", "new"), encoding="utf-8")
    real_to_csv = pd.DataFrame.to_csv

    def full_disk(self, handle=None, *args, **kwargs):
        real_to_csv(self.head(1), handle, *args, **kwargs)  # part of the file, then ENOSPC
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    assert run_main(raw, out) == 2
    monkeypatch.undo()
    for path, content in before.items():
        assert path.read_bytes() == content, f"{path.name} was changed by a failed run"
    assert not [p for p in tmp_path.rglob(".*.tmp")], "temporary files left behind"
    assert read_manifest(raw / "MANIFEST.csv")["description"].str.startswith("written").all()


def test_killed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "posts.csv"
    target.write_text("doc_id\nold\n", encoding="utf-8")

    def killed(self, handle=None, *args, **kwargs):
        handle.write("doc_id\nhalf")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", killed)
    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write_csv(pd.DataFrame({"doc_id": ["new"] * 1000}), target)
    assert target.read_text(encoding="utf-8") == "doc_id\nold\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.csv"]


def test_outputs_are_written_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed while writing the second output leaves every output as it was."""
    raw, out = make_project(tmp_path)
    assert run_main(raw, out) == 0
    before = {p: p.read_bytes() for p in out.glob("*.csv")}
    (raw / "c_new.txt").write_text(PLAIN.replace("plain", "new"), encoding="utf-8")
    result = segment.segment_corpus(raw)
    real_to_csv = pd.DataFrame.to_csv
    calls = []

    def killed_on_second(self, handle=None, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_to_csv(self, handle, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", killed_on_second)
    with pytest.raises(KeyboardInterrupt):
        segment.write_outputs(result, out)
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in out.glob("*.csv")} == before
    assert not list(out.glob(".*.tmp"))


def test_unreadable_manifest_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "MANIFEST.csv"
    path.write_bytes(b'file,sha256,source,description\n"a.txt,1')
    with pytest.raises(ManifestError, match=r"MANIFEST\.csv: cannot be read"):
        read_manifest(path)
    path.write_bytes(b"")
    with pytest.raises(ManifestError, match=r"MANIFEST\.csv"):
        read_manifest(path)
    path.write_text("file,sha256,source,description\na.txt,1,s,d\na.txt,2,s,d\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"more than one row for \['a\.txt'\]"):
        read_manifest(path)


def test_edited_raw_file_fails_every_run_until_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    raw, out = make_project(tmp_path)
    assert run_main(raw, out) == 0
    capsys.readouterr()
    written = {p: p.read_bytes() for p in [raw / "MANIFEST.csv", *out.glob("*.csv")]}
    (raw / "a_post.txt").write_text(PLAIN + "\nAn edit.\n", encoding="utf-8")
    for _ in range(2):  # the first failure records nothing, so the second run fails too
        assert run_main(raw, out) == 1
        err = capsys.readouterr().err
        assert "a_post.txt: edited since it was recorded in MANIFEST.csv" in err
        assert "--accept-changed a_post.txt" in err and "ACCEPT=a_post.txt" in err
        assert "Nothing was written." in err and err.rstrip().endswith("Warnings: none.")
        for path, content in written.items():
            assert path.read_bytes() == content
    assert run_main(raw, out, "--accept-changed", "a_post.txt") == 0
    assert "edited file accepted" in capsys.readouterr().out
    assert run_main(raw, out) == 0
    manifest = read_manifest(raw / "MANIFEST.csv")
    assert changed_files(manifest, segment.segment_corpus(raw).files) == []


def test_a_rejected_file_can_be_replaced_by_a_readable_version(tmp_path: Path) -> None:
    raw, out = make_project(tmp_path)
    (raw / "c_wide.txt").write_bytes(PLAIN.encode("utf-16-le"))  # no byte-order mark
    assert run_main(raw, out) == 0
    assert read_manifest(raw / "MANIFEST.csv").set_index("file").loc["c_wide.txt", "format"] == (
        "rejected"
    )
    (raw / "c_wide.txt").write_text(PLAIN, encoding="utf-8")
    assert run_main(raw, out) == 0
    row = read_manifest(raw / "MANIFEST.csv").set_index("file").loc["c_wide.txt"]
    assert row["format"] == "plain"
    assert row["sha256"] == hashlib.sha256((raw / "c_wide.txt").read_bytes()).hexdigest()


def test_accepting_an_unknown_file_is_an_error(tmp_path: Path) -> None:
    raw, out = make_project(tmp_path)
    assert run_main(raw, out, "--accept-changed", "nope.txt") == 2


# ---------------------------------------------------------------------------
# The committed corpus and the loader (invariants, not counts)
# ---------------------------------------------------------------------------
def test_committed_corpus_is_what_segmentation_writes_now(tmp_path: Path) -> None:
    written = segment.write_outputs(segment.segment_corpus(RAW_DIR), tmp_path)
    for path in written:
        assert path.read_bytes() == (SEGMENTED_DIR / path.name).read_bytes(), (
            f"corpus/segmented/{path.name} is stale: run `make corpus`"
        )


def test_load_corpus_types_and_reprint_exclusion() -> None:
    everything = load_corpus(include_reprints=True)
    posts = load_corpus()
    assert list(posts.columns) == POST_COLUMNS
    assert posts["doc_id"].is_unique and len(posts) > 0
    assert posts["duplicate_of"].isna().all()
    assert len(everything) - len(posts) == everything["duplicate_of"].notna().sum()
    assert pd.api.types.is_datetime64_any_dtype(posts["date"])
    dated = posts[posts["date"].notna()]
    assert ((dated["date_low"] <= dated["date"]) & (dated["date"] <= dated["date_high"])).all()
    assert (posts["date"].isna() == (posts["date_precision"] == "unknown")).all()
    assert posts["n_words"].dtype == "int64"
    kept = director_posts(posts)
    assert set(kept["writer_role"]) <= {"dcs", "unknown"}


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


def test_no_temporary_files_left_in_outputs() -> None:
    leftovers = [p for d in (RAW_DIR, SEGMENTED_DIR) for p in d.glob(".*.tmp")]
    assert not leftovers, leftovers
    assert os.access(MANIFEST_PATH, os.R_OK)
