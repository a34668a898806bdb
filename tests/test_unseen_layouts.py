"""Pages in layouts the ingestion rules were not written against (``tests/fixtures/unseen/``).

The files were written from the description of the two sites in later years before the
ingestion code was read, with what a careful reader takes from each page in
``expected.csv`` (see the folder's README). Each file is segmented on its own, as a user
would add it to ``corpus/raw/``, and compared field by field; a page whose text keeps
page furniture, loses its first or last words, or repeats its title fails.
"""

import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from helpers import segment

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
EXPECTED = pd.read_csv(UNSEEN / "expected.csv", dtype=str, keep_default_na=False)
HONORIFIC_RE = re.compile(r"^(?:Dr|Cllr|Professor|Prof|Mr|Mrs|Ms|Sir|Dame)\.?\s+")


def phrases(cell: str) -> list[str]:
    return [p for p in cell.split("|") if p]


def segment_one(tmp_path: Path, name: str) -> tuple[pd.Series, pd.DataFrame]:
    """Segment one unseen file alone; return its single post and its line audit."""
    shutil.copy(UNSEEN / name, tmp_path / name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", segment.SegmentationWarning)
        result = segment.segment_corpus(tmp_path)
    messages = [str(w.message) for w in caught]
    assert len(result.posts) == 1, (len(result.posts), messages)
    assert segment.audit_table(result)["all_accounted"].all()
    return result.posts.iloc[0], result.lines


def test_expected_table_is_complete() -> None:
    """Every fixture file has exactly one row, and every row names an existing file."""
    files = sorted(p.name for p in UNSEEN.iterdir() if p.suffix in (".txt", ".html", ".htm"))
    assert sorted(EXPECTED["file"]) == files
    assert len(files) >= 8
    assert set(EXPECTED["writer_role"]) <= {"dcs", "officer", "commentator", "unknown"}
    assert ((EXPECTED["date"] == "") == (EXPECTED["date_precision"] == "unknown")).all()


@pytest.mark.parametrize("row", EXPECTED.to_dict("records"), ids=list(EXPECTED["file"]))
def test_unseen_page(tmp_path: Path, row: dict[str, str]) -> None:
    post, lines = segment_one(tmp_path, row["file"])
    got = {
        "title": post["title"] if isinstance(post["title"], str) else "",
        "author": HONORIFIC_RE.sub("", post["author"]) if isinstance(post["author"], str) else "",
        "writer_role": post["writer_role"],
        "date": post["date"].strftime("%Y-%m-%d") if pd.notna(post["date"]) else "",
        "date_precision": post["date_precision"],
    }
    wanted = {k: row[k] for k in got}
    assert got == wanted, post[["author_basis", "writer_role_basis", "date_basis"]].to_dict()
    text = post["text"]
    leaked = [p for p in phrases(row["must_not_contain"]) if p in text]
    assert not leaked, leaked
    missing = [p for p in phrases(row["must_contain"]) if p not in text]
    assert not missing, missing
    paragraphs = text.split("\n\n")
    assert row["title"] not in paragraphs  # the title is not also a paragraph of the text
    if row["author"]:  # the evidence is named, with a confidence
        assert post["author_basis"] and post["author_confidence"] in ("high", "medium", "low")
    if row["writer_role"] != "unknown":
        assert post["writer_role_basis"]
    # a date from a page is never later than the page could have been written
    if pd.notna(post["date"]):
        assert post["date_low"] <= post["date"] <= post["date_high"]
