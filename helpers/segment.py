"""Segment the raw files in ``corpus/raw/`` into posts and paragraphs (``make corpus``).

This module ties the ingestion pieces together (``helpers/ingest/``): reading and
decoding each file (``ingest.decode``), recognising its format from the registry
(``ingest.formats``: ADCS listing and page, WordPress post, CYP Now column in its older
and newer layouts, plain text with or without a byline, saved web pages, unknown),
the line audit, reprints (``ingest.reprints``), dates (``helpers.dating``) and authors
(``ingest.authors``). ``segment_corpus`` returns everything; ``write_outputs`` writes
the CSVs atomically; ``main`` is the command line.

Every line of every accepted raw file is accounted for: it is a title, body text,
parsed metadata (a byline or sign-off), a blank separator, or removed with a named
reason. A file that cannot be read as text is rejected with a message naming it; a file
that yields no post is named in a warning; every run ends with a summary of warnings.

Run ``python -m helpers.segment`` (or ``make corpus``). If a raw file was edited since
it was recorded in ``MANIFEST.csv`` the run fails, writing nothing, until the edit is
accepted with ``python -m helpers.segment --accept-changed FILE`` (``make corpus
ACCEPT=FILE``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.corpus import POST_COLUMNS
from helpers.ingest import authors
from helpers.ingest.atomic import atomic_write_csvs
from helpers.ingest.decode import FALLBACK_ENCODING, InputRejectedError, decode_bytes
from helpers.ingest.formats import FORMATS, SOURCE_BY_FORMAT, detect_format
from helpers.ingest.formats import html as html_format
from helpers.ingest.head import find_self_described_authority, parse_bio, parse_date_line
from helpers.ingest.model import (
    BLANK,
    BODY,
    METADATA,
    REMOVED,
    TITLE,
    WORD_RE,
    FileReport,
    LineRecord,
    RawPost,
    clean_line,
    count_words,
    make_doc_id,
    new_records,
    split_lines,
)
from helpers.ingest.model import REASON_ADCS_FOOTER as REASON_ADCS_FOOTER
from helpers.ingest.model import REASON_ADCS_HEADER as REASON_ADCS_HEADER
from helpers.ingest.model import REASON_BIO as REASON_BIO
from helpers.ingest.model import REASON_BYLINE_AUTHOR as REASON_BYLINE_AUTHOR
from helpers.ingest.model import REASON_BYLINE_DATE as REASON_BYLINE_DATE
from helpers.ingest.model import REASON_CAPTION as REASON_CAPTION
from helpers.ingest.model import REASON_CAPTION_BIO as REASON_CAPTION_BIO
from helpers.ingest.model import REASON_PAYWALL as REASON_PAYWALL
from helpers.ingest.model import REASON_TITLE_REPEAT as REASON_TITLE_REPEAT
from helpers.ingest.reprints import (
    REPRINT_CONTAINMENT,
    REPRINT_SIMILARITY,
    containment,
    find_reprints,
    find_reprints_pairwise,
    merge_reprint_metadata,
    shingles,
    similarity,
)
from helpers.manifest import changed_files, manifest_order, read_manifest, update_manifest
from helpers.paths import (
    MANIFEST_PATH,
    PARAGRAPHS_PATH,
    POSTS_PATH,
    RAW_DIR,
    REMOVED_PATH,
    SEGMENTED_DIR,
)

__all__ = [
    "FALLBACK_ENCODING",
    "FORMATS",
    "REPRINT_CONTAINMENT",
    "REPRINT_SIMILARITY",
    "SOURCE_BY_FORMAT",
    "WORD_RE",
    "containment",
    "count_words",
    "decode_bytes",
    "find_reprints",
    "find_reprints_pairwise",
    "find_self_described_authority",
    "make_doc_id",
    "parse_bio",
    "parse_date_line",
    "segment_corpus",
    "shingles",
    "similarity",
    "split_lines",
    "write_outputs",
]

AUDIT_PATH: Path = SEGMENTED_DIR / "line_audit.csv"
REJECTED_PATH: Path = SEGMENTED_DIR / "rejected_files.csv"
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
SKIPPED_NAMES = (MANIFEST_PATH.name, "README.md")


class SegmentationWarning(UserWarning):
    """A raw file with a problem that segmentation worked around (named in the message)."""


@dataclass
class SegmentationResult:
    """Everything segmentation produced for a set of raw files."""

    posts: pd.DataFrame
    paragraphs: pd.DataFrame
    lines: pd.DataFrame
    files: pd.DataFrame
    problems: list[str]
    notes: list[str]


# ----------------------------------------------------------------------------
# One file
# ----------------------------------------------------------------------------
def segment_text(name: str, text: str) -> tuple[str, list[RawPost], list[LineRecord], list[str]]:
    """Segment one decoded raw file. Returns (format, posts, line records, problems)."""
    problems: list[str] = []
    if name.lower().endswith(HTML_SUFFIXES) or html_format.looks_like_html(text):
        if not name.lower().endswith(HTML_SUFFIXES):
            problems.append(
                f"{name}: holds HTML markup (a web page saved as .txt); its main text was "
                "extracted as a web page"
            )
        posts, records, lines = html_format.segment(name, text)
        fmt = "web_page"
    else:
        lines = split_lines(text)
        if not any(clean_line(line) for line in lines):
            problems.append(f"{name}: file is empty (no text); it yields no post")
            return "empty", [], new_records(name, lines), problems
        raw_format = detect_format(lines)
        fmt = raw_format.name
        posts, records = raw_format.segment(name, lines, fmt)
        if fmt == "unknown" and posts:
            problems.append(
                f"{name}: no recognisable structure (no ADCS, CYP Now or WordPress markers and "
                "no title line); kept whole as one untitled post with format=unknown"
            )
    if not posts:
        kinds = sorted({r.reason for r in records if r.status == REMOVED})
        what = f"every line is page furniture ({'; '.join(kinds)})" if kinds else "no body text"
        problems.append(f"{name}: yields no post: {what}")
    for post in posts:
        span = [n for n, _ in post.paragraphs] + [post.title_line or 0, post.last_line or 0]
        first = min(n for n in span if n)
        for record in records[first - 1 : max(span)]:
            record.doc_id = post.doc_id
        if post.authority is None:
            found = find_self_described_authority(post.paragraphs)
            if found:
                post.authority = found[0]
                post.metadata_basis.append(f"authority from text, line {found[1]}")
    for record, line in zip(records, lines, strict=True):
        if record.status in (REMOVED, METADATA):
            record.text = clean_line(line)
    unaccounted = [r.line_no for r in records if not r.status]
    if unaccounted:
        raise AssertionError(f"{name}: lines {unaccounted[:10]} were not accounted for")
    return fmt, posts, records, problems


def _decode_name(path: Path) -> str | None:
    """The file name as text, or None when it is not valid UTF-8 (it cannot go in a CSV)."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return path.name


def list_raw_files(raw_dir: Path) -> tuple[list[Path], list[str]]:
    """Return the raw files to segment (.txt, .html, .htm) and a problem for every other file."""
    files, problems = [], []
    for path in sorted(raw_dir.iterdir(), key=lambda p: os.fsencode(p.name)):
        if path.name in SKIPPED_NAMES or path.name.startswith("."):
            continue
        if _decode_name(path) is None:
            shown = os.fsencode(path.name).decode("utf-8", "backslashreplace")
            problems.append(
                f"{shown}: file name is not valid UTF-8; not segmented (rename it, e.g. "
                "with only ASCII letters, digits, '_' and '-')"
            )
            continue
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES:
            files.append(path)
        else:
            problems.append(
                f"{path.name}: not a .txt or .html file; not segmented (convert it to text first)"
            )
    return files, problems


# ----------------------------------------------------------------------------
# The whole corpus
# ----------------------------------------------------------------------------
def _estimate_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date every post (``helpers.dating``)."""
    from helpers.dating import estimate_dates

    return estimate_dates(frame)


def segment_corpus(
    raw_dir: Path = RAW_DIR, progress: bool = False, manifest_path: Path | None = None
) -> SegmentationResult:
    """Segment every raw file into posts, paragraphs and a full line audit.

    Files are read in manifest order (the order they were first recorded; new files
    after, by name), which decides which copy of a reprinted post is canonical.
    """
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw corpus folder {raw_dir} does not exist")
    paths, problems = list_raw_files(raw_dir)
    manifest_path = raw_dir / MANIFEST_PATH.name if manifest_path is None else manifest_path
    data = {p.name: p.read_bytes() for p in paths}
    shas = {name: hashlib.sha256(blob).hexdigest() for name, blob in data.items()}
    order = manifest_order(read_manifest(manifest_path), shas)
    all_posts: list[RawPost] = []
    all_records: list[LineRecord] = []
    reports: list[FileReport] = []
    for name in order:
        blob = data[name]
        try:
            text, encoding, decode_problems = decode_bytes(blob, name)
        except InputRejectedError as err:
            problems.append(str(err))
            reports.append(
                FileReport(name, shas[name], len(blob), 0, "", "rejected", 0, [str(err)], str(err))
            )
            continue
        fmt, posts, records, file_problems = segment_text(name, text)
        all_posts += posts
        all_records += records
        file_problems = decode_problems + file_problems
        problems += file_problems
        reports.append(
            FileReport(
                name, shas[name], len(blob), len(records), encoding, fmt, len(posts), file_problems
            )
        )
        if progress:
            print(f"  {name}: {len(records)} lines, format {fmt}, {len(posts)} post(s)")
    for problem in problems:
        warnings.warn(problem, SegmentationWarning, stacklevel=2)

    reprints = find_reprints(all_posts)
    by_id = {p.doc_id: p for p in all_posts}
    notes: list[str] = []
    for reprint_id, (canonical_id, _) in reprints.items():
        notes += merge_reprint_metadata(by_id[canonical_id], by_id[reprint_id])

    posts = _posts_frame(all_posts, reprints)
    files_frame = pd.DataFrame(
        [vars(r) for r in reports],
        columns=[
            "source_file",
            "sha256",
            "n_bytes",
            "n_lines",
            "encoding",
            "format",
            "n_posts",
            "problems",
            "rejected",
        ],
    )
    lines_frame = pd.DataFrame(
        [vars(r) for r in all_records],
        columns=["source_file", "line_no", "status", "reason", "doc_id", "text"],
    )
    return SegmentationResult(
        posts=posts,
        paragraphs=_paragraphs_frame(all_posts),
        lines=lines_frame,
        files=files_frame,
        problems=problems,
        notes=notes,
    )


def _posts_frame(posts: list[RawPost], reprints: dict[str, tuple[str, float]]) -> pd.DataFrame:
    """Assemble the posts table, dates and authors included, in the codebook's column order."""
    rows = []
    for post in posts:
        body = "\n\n".join(text for _, text in post.paragraphs)
        source = SOURCE_BY_FORMAT[post.format]
        if source == "Other":  # a web page's site name, or a masthead line, names the site
            source = html_format.source_for_site(post.site) or source
        rows.append(
            {
                "doc_id": post.doc_id,
                "source_file": post.source_file,
                "position_in_file": post.position_in_file,
                "source": source,
                "format": post.format,
                "title": post.title,
                "author": post.author,
                "author_basis": post.author_basis,
                "author_confidence": post.author_confidence,
                "role": post.role,
                "authority": post.authority,
                "about": post.about,
                "byline_date": pd.Timestamp(post.byline_date) if post.byline_date else pd.NaT,
                "duplicate_of": reprints.get(post.doc_id, (None, 0.0))[0],
                "metadata_basis": "; ".join(post.metadata_basis) or None,
                "n_words": count_words(body),
                "n_paragraphs": len(post.paragraphs),
                "text": body,
                "evidence_text": "\n".join(post.captions),
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=POST_COLUMNS)
    dated = _estimate_dates(frame)
    frame = frame.join(dated[["date", "date_precision", "date_low", "date_high", "date_basis"]])
    # A reprint with no date evidence of its own takes its original's date interval.
    canon = frame.set_index("doc_id")
    for i, row in frame[frame["duplicate_of"].notna()].iterrows():
        if row["date_precision"] in ("estimated", "unknown") and pd.isna(row["byline_date"]):
            original = canon.loc[row["duplicate_of"]]
            for column in ("date", "date_precision", "date_low", "date_high"):
                frame.at[i, column] = original[column]
            frame.at[i, "date_basis"] = (
                f"reprint of {row['duplicate_of']}: date of the original "
                f"({original['date_basis']}); the reprint may have appeared later"
            )
    frame = authors.infer_authors(frame)
    # A reprint's author found only after dating (self-reference) is the original's too.
    for column in ("date", "date_low", "date_high"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _paragraphs_frame(posts: list[RawPost]) -> pd.DataFrame:
    """One row per paragraph with its position in the post and its raw line number."""
    rows = [
        {
            "doc_id": post.doc_id,
            "para_id": f"{post.doc_id}-{position:03d}",
            "position": position,
            "line_no": line_no,
            "n_words": count_words(text),
            "text": text,
        }
        for post in posts
        for position, (line_no, text) in enumerate(post.paragraphs)
    ]
    return pd.DataFrame(
        rows, columns=["doc_id", "para_id", "position", "line_no", "n_words", "text"]
    )


def write_outputs(result: SegmentationResult, out_dir: Path = SEGMENTED_DIR) -> list[Path]:
    """Write posts.csv, paragraphs.csv, removed_lines.csv, line_audit.csv and
    rejected_files.csv (UTF-8), each atomically (temporary file, then rename)."""
    posts = result.posts.copy()
    for column in ("date", "date_low", "date_high"):
        posts[column] = pd.to_datetime(posts[column]).dt.strftime("%Y-%m-%d")
    lines = result.lines
    rejected = result.files[result.files["format"] == "rejected"][["source_file", "rejected"]]
    targets = {
        out_dir / POSTS_PATH.name: posts[POST_COLUMNS],
        out_dir / PARAGRAPHS_PATH.name: result.paragraphs,
        out_dir / REMOVED_PATH.name: lines[lines["status"].isin([REMOVED, METADATA])][
            ["source_file", "line_no", "status", "reason", "doc_id", "text"]
        ],
        out_dir / AUDIT_PATH.name: lines[["source_file", "line_no", "status", "reason", "doc_id"]],
        out_dir / REJECTED_PATH.name: rejected.rename(columns={"rejected": "reason"}),
    }
    return atomic_write_csvs(targets)


def audit_table(result: SegmentationResult) -> pd.DataFrame:
    """Lines per accepted raw file by status, with a check column: every line accounted for."""
    statuses = [TITLE, BODY, METADATA, BLANK, REMOVED]
    counts = result.lines.pivot_table(
        index="source_file", columns="status", values="line_no", aggfunc="count", fill_value=0
    )
    for status in statuses:
        if status not in counts.columns:
            counts[status] = 0
    counts = counts[statuses]
    files = result.files[result.files["format"] != "rejected"].set_index("source_file")
    counts = counts.reindex(files.index, fill_value=0)
    counts["lines_in_file"] = files["n_lines"]
    counts["accounted"] = counts[statuses].sum(axis=1)
    counts["all_accounted"] = counts["accounted"] == counts["lines_in_file"]
    counts["format"] = files["format"]
    counts.columns.name = None
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line: segment corpus/raw into corpus/segmented and refresh the manifest."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.segment", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--accept-changed",
        nargs="+",
        default=[],
        metavar="FILE",
        help="raw file(s) edited on purpose: record their new sha256 in MANIFEST.csv",
    )
    parser.add_argument("--raw", type=Path, default=RAW_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=SEGMENTED_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    raw_dir, out_dir = args.raw, args.out
    manifest_path = raw_dir / MANIFEST_PATH.name
    accept = {Path(f).name for f in args.accept_changed}
    print(f"Segmenting raw files in {raw_dir.name}/ ...")
    try:
        manifest = read_manifest(manifest_path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SegmentationWarning)
            result = segment_corpus(raw_dir, progress=True, manifest_path=manifest_path)
    except (ValueError, OSError) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return _summary([], 2)
    warned = [str(w.message) for w in caught if issubclass(w.category, SegmentationWarning)]
    unknown_accept = sorted(accept - set(result.files["source_file"]))
    if unknown_accept:
        print(f"ERROR: --accept-changed names no raw file: {unknown_accept}", file=sys.stderr)
        return _summary(warned, 2)
    errors = changed_files(manifest, result.files, accept)
    audit = audit_table(result)
    if not audit["all_accounted"].all():
        errors.append("some raw lines are not accounted for (a bug: please report it)")
    if errors:
        for error in errors:
            print(f"ERROR: {error}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return _summary(warned, 1)
    for note in result.notes:
        print(note)
    try:
        written = write_outputs(result, out_dir)
        notes = update_manifest(result.files, manifest_path, accept)  # last: after the outputs
    except OSError as err:
        print(f"ERROR: {err}; the files that were there before are unchanged", file=sys.stderr)
        return _summary(warned, 2)
    for note in notes:
        print(f"manifest: {note}")
    posts = result.posts
    n_reprints = int(posts["duplicate_of"].notna().sum())
    print(
        f"{len(posts)} post rows ({len(posts) - n_reprints} distinct, {n_reprints} reprint(s)), "
        f"{len(result.paragraphs)} paragraphs; {int(audit['lines_in_file'].sum())} raw lines all "
        "accounted for."
    )
    for path in written:
        print(f"  wrote {out_dir.name}/{path.name}")
    return _summary(warned, 0)


def _summary(warned: list[str], code: int) -> int:
    """End every run with a summary of its warnings; return the exit code."""
    if warned:
        print(f"Warnings ({len(warned)}):", file=sys.stderr)
        for message in warned:
            print(f"  WARNING: {message}", file=sys.stderr)
    else:
        print("Warnings: none.", file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
