"""The raw corpus manifest: ``corpus/raw/MANIFEST.csv``.

One row per raw file: ``file``, ``sha256``, ``bytes``, ``lines``, ``encoding``,
``format``, ``source`` (the site it was scraped from) and ``description``. Rows keep
the order in which files were first recorded (new files are appended, by name): this
order decides which copy of a reprinted post is canonical. ``source`` and
``description`` are written by people and kept, also when a file is renamed without
changing its content (same sha256). A new file gets a row with an inferred description,
to be improved by hand.

Raw files are never edited: a file whose sha256 differs from its row (unless the row
records it as rejected or empty, so that no post was ever taken from it) makes ``make
corpus`` fail (``changed_files``) until the change is accepted explicitly with
``python -m helpers.segment --accept-changed FILE`` (``make corpus ACCEPT=FILE``), which
records the new checksum and notes the acceptance in the description.

The manifest is written atomically (temporary file, then rename) and only after every
segmented output has been written, so a failed run never leaves it half-written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.ingest.atomic import atomic_write_csv
from helpers.paths import MANIFEST_PATH

MANIFEST_COLUMNS: list[str] = [
    "file",
    "sha256",
    "bytes",
    "lines",
    "encoding",
    "format",
    "source",
    "description",
]
INFERRED_SOURCE: dict[str, str] = {
    "adcs_listing": "ADCS website blog (adcs.org.uk)",
    "adcs_page": "ADCS website blog (adcs.org.uk)",
    "cypnow_column": "Children & Young People Now (cypnow.co.uk)",
    "wordpress_post": "personal WordPress blog",
    "web_page": "a saved web page (site unknown; see the file)",
    "plain": "unknown (plain text file added by a user)",
    "unknown": "unknown",
    "empty": "unknown",
    "rejected": "unknown",
}
ACCEPT_HINT = (
    "restore the original file, or add the new version under a new name; to accept the "
    "edit, run `python -m helpers.segment --accept-changed {name}` (or `make corpus "
    "ACCEPT={name}`)"
)


class ManifestError(ValueError):
    """The manifest cannot be read; the message names the file and says what to do."""


def read_manifest(path: Path = MANIFEST_PATH) -> pd.DataFrame:
    """Return the manifest (empty, with its columns, if it does not exist yet)."""
    if not path.exists():
        return pd.DataFrame(columns=MANIFEST_COLUMNS)
    try:
        manifest = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ManifestError(
            f"{path}: cannot be read as a CSV ({type(err).__name__}: {err}); restore it from "
            "version control (`git restore corpus/raw/MANIFEST.csv`)"
        ) from err
    missing = [c for c in ("file", "sha256", "source", "description") if c not in manifest]
    if missing:
        raise ManifestError(f"{path}: missing columns {missing}; restore it from version control")
    duplicated = sorted(set(manifest.loc[manifest["file"].duplicated(), "file"]))
    if duplicated:
        raise ManifestError(f"{path}: more than one row for {duplicated}; keep one row per file")
    return manifest


def manifest_order(manifest: pd.DataFrame, shas: dict[str, str]) -> list[str]:
    """The file names of ``shas`` (name -> sha256) in the order they were first recorded.

    Files keep their manifest row's place; a renamed file (same sha256 as a row whose file
    is gone) takes the place of its old name; new files follow, sorted by name."""
    order: list[str] = []
    rows = list(zip(manifest["file"], manifest["sha256"], strict=True)) if len(manifest) else []
    recorded = {f for f, _ in rows}
    unplaced = {n: s for n, s in shas.items() if n not in recorded}
    for name, sha in rows:
        if name in shas:
            order.append(name)
            continue
        renamed = sorted(n for n, s in unplaced.items() if s == sha)
        if renamed:
            order.append(renamed[0])
            del unplaced[renamed[0]]
    return order + sorted(unplaced)


def _never_read(manifest: pd.DataFrame) -> set[str]:
    """Files recorded as rejected or empty: no post was ever taken from them."""
    if "format" not in manifest or not len(manifest):
        return set()
    return set(manifest.loc[manifest["format"].isin(["rejected", "empty"]), "file"])


def changed_files(
    manifest: pd.DataFrame, files: pd.DataFrame, accept: set[str] = frozenset()
) -> list[str]:
    """Errors for raw files whose sha256 differs from their manifest row (not accepted)."""
    if not len(manifest):
        return []
    recorded = dict(zip(manifest["file"], manifest["sha256"], strict=True))
    never_read = _never_read(manifest)
    errors = []
    for fact in files.itertuples(index=False):
        if fact.source_file in never_read:
            continue  # a file that was rejected can be replaced by a readable version
        old = recorded.get(fact.source_file)
        if old and old != fact.sha256 and fact.source_file not in accept:
            errors.append(
                f"{fact.source_file}: edited since it was recorded in MANIFEST.csv (sha256 "
                f"{old[:12]}… is now {fact.sha256[:12]}…); raw files must not be edited: "
                + ACCEPT_HINT.format(name=fact.source_file)
            )
    return errors


def merge_manifest(
    old: pd.DataFrame, files: pd.DataFrame, accept: set[str] = frozenset()
) -> tuple[pd.DataFrame, list[str]]:
    """Combine the existing manifest with freshly read file facts.

    ``files`` has columns source_file, sha256, n_bytes, n_lines, encoding, format,
    n_posts (``SegmentationResult.files``). Old rows keep their order; new files are
    appended. Returns the new manifest and notes (renames, accepted edits, files gone).
    """
    notes: list[str] = []
    kept = old.set_index("file") if len(old) else pd.DataFrame(columns=MANIFEST_COLUMNS[1:])
    facts = {f.source_file: f for f in files.itertuples(index=False)}
    present = set(facts)
    gone = [f for f in kept.index if f not in present]
    by_sha = {kept.loc[f, "sha256"]: f for f in gone}
    rows = []
    for name in manifest_order(old, {n: f.sha256 for n, f in facts.items()}):
        fact = facts[name]
        row = {
            "file": name,
            "sha256": fact.sha256,
            "bytes": str(fact.n_bytes),
            "lines": str(fact.n_lines),
            "encoding": fact.encoding,
            "format": fact.format,
            "source": INFERRED_SOURCE.get(fact.format, "unknown"),
            "description": f"new file: {fact.n_posts} post(s) in {fact.format} format "
            "(description inferred; edit by hand)",
        }
        if name in kept.index:
            previous = kept.loc[name]
            row["source"], row["description"] = previous["source"], previous["description"]
            if previous["sha256"] != fact.sha256 and name in _never_read(old):
                notes.append(f"{name}: was rejected or empty before; the new version is recorded")
                if previous["description"].startswith("new file:"):
                    row["description"] = (
                        f"new file: {fact.n_posts} post(s) in {fact.format} format "
                        "(description inferred; edit by hand)"
                    )
                    row["source"] = INFERRED_SOURCE.get(fact.format, "unknown")
            elif previous["sha256"] != fact.sha256:
                if name in accept:
                    row["description"] = (
                        f"{previous['description']} [edited file accepted with "
                        f"--accept-changed; sha256 was {previous['sha256'][:12]}…]"
                    )
                    notes.append(f"{name}: edited file accepted; new sha256 recorded")
                else:  # never record an unaccepted checksum
                    row["sha256"] = previous["sha256"]
        elif fact.sha256 in by_sha:
            before = by_sha.pop(fact.sha256)
            row["source"] = kept.loc[before, "source"]
            row["description"] = kept.loc[before, "description"]
            gone.remove(before)
            notes.append(f"{name}: renamed from {before} (same sha256); its description is kept")
        rows.append(row)
    for name in gone:
        notes.append(f"{name}: listed in the manifest but missing from corpus/raw/; row dropped")
    return pd.DataFrame(rows, columns=MANIFEST_COLUMNS), notes


def update_manifest(
    files: pd.DataFrame, path: Path = MANIFEST_PATH, accept: set[str] = frozenset()
) -> list[str]:
    """Rewrite the manifest (atomically) from ``files`` keeping human-written fields."""
    manifest, notes = merge_manifest(read_manifest(path), files, accept)
    atomic_write_csv(manifest, path)
    return notes
