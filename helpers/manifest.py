"""The raw corpus manifest: ``corpus/raw/MANIFEST.csv``.

One row per raw file: ``file``, ``sha256``, ``bytes``, ``lines``, ``encoding``,
``format``, ``source`` (the site it was scraped from) and ``description``. The
checksum, size and format are recomputed on every ``make corpus``; ``source``
and ``description`` are written by people and kept. A new file gets a row with
a description inferred from its format, to be improved by hand. Raw files are
never edited: a changed checksum is reported.
"""

from pathlib import Path

import pandas as pd

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
    "plain": "unknown (plain text file added by a user)",
    "unknown": "unknown",
    "empty": "unknown",
}


def read_manifest(path: Path = MANIFEST_PATH) -> pd.DataFrame:
    """Return the manifest (empty, with its columns, if it does not exist yet)."""
    if not path.exists():
        return pd.DataFrame(columns=MANIFEST_COLUMNS)
    manifest = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("file", "sha256", "source", "description") if c not in manifest]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}")
    return manifest


def merge_manifest(old: pd.DataFrame, files: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Combine the existing manifest with freshly read file facts.

    ``files`` has columns source_file, sha256, n_bytes, n_lines, encoding,
    format, n_posts (``SegmentationResult.files``). Returns the new manifest and
    a list of problems (changed checksums, files that disappeared).
    """
    problems: list[str] = []
    kept = old.set_index("file") if len(old) else pd.DataFrame(columns=MANIFEST_COLUMNS[1:])
    rows = []
    for fact in files.itertuples(index=False):
        row = {
            "file": fact.source_file,
            "sha256": fact.sha256,
            "bytes": str(fact.n_bytes),
            "lines": str(fact.n_lines),
            "encoding": fact.encoding,
            "format": fact.format,
            "source": INFERRED_SOURCE.get(fact.format, "unknown"),
            "description": f"new file: {fact.n_posts} post(s) in {fact.format} format "
            "(description inferred; edit by hand)",
        }
        if fact.source_file in kept.index:
            previous = kept.loc[fact.source_file]
            row["source"], row["description"] = previous["source"], previous["description"]
            if previous["sha256"] != fact.sha256:
                problems.append(
                    f"{fact.source_file}: sha256 differs from the manifest; raw files must not be "
                    "edited (restore the original, or add the new version under a new name)"
                )
        rows.append(row)
    for gone in sorted(set(kept.index) - set(files["source_file"])):
        problems.append(f"{gone}: listed in the manifest but missing from corpus/raw/; row dropped")
    return pd.DataFrame(rows, columns=MANIFEST_COLUMNS), problems


def update_manifest(files: pd.DataFrame, path: Path = MANIFEST_PATH) -> list[str]:
    """Rewrite the manifest from ``files`` keeping human-written fields; return problems."""
    manifest, problems = merge_manifest(read_manifest(path), files)
    manifest.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return problems
