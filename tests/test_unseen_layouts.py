"""Pages in layouts the ingestion rules were not written against (``tests/fixtures/unseen/``).

The files were written from the description of the two sites in later years before the
ingestion code was read, with what a careful reader takes from each page in
``expected.csv`` (see the folder's README). Each file is segmented on its own, as a user
would add it to ``corpus/raw/``, and compared field by field
(``helpers.ingest.expected``); a page whose text keeps page furniture, loses its first or
last words, or repeats its title fails.
"""

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from helpers import segment
from helpers.ingest.expected import FIELDS, compare_with_expected, load_expected

FIXTURES = Path(__file__).parent / "fixtures"
UNSEEN = FIXTURES / "unseen"
PROBES = FIXTURES / "probes"  # a second round, written after reading the code (not blind)
EXPECTED = load_expected(UNSEEN / "expected.csv")
CASES = [(UNSEEN, row) for row in EXPECTED.to_dict("records")] + [
    (PROBES, row) for row in load_expected(PROBES / "expected.csv").to_dict("records")
]


def segment_one(tmp_path: Path, folder: Path, name: str) -> segment.SegmentationResult:
    """Segment one file alone, as a user adding it to corpus/raw would."""
    shutil.copy(folder / name, tmp_path / name)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always", segment.SegmentationWarning)
        result = segment.segment_corpus(tmp_path)
    assert segment.audit_table(result)["all_accounted"].all()
    return result


@pytest.mark.parametrize("folder", [UNSEEN, PROBES], ids=["unseen", "probes"])
def test_expected_table_is_complete(folder: Path) -> None:
    """Every fixture file has exactly one row, and every row names an existing file."""
    expected = load_expected(folder / "expected.csv")
    files = sorted(p.name for p in folder.iterdir() if p.suffix in (".txt", ".html", ".htm"))
    assert sorted(expected["file"]) == files
    assert len(files) >= (8 if folder == UNSEEN else 5)
    assert set(expected["writer_role"]) <= {"dcs", "officer", "commentator", "unknown"}
    assert ((expected["date"] == "") == (expected["date_precision"] == "unknown")).all()


@pytest.mark.parametrize(
    "folder, row", CASES, ids=[f"{folder.name}/{row['file']}" for folder, row in CASES]
)
def test_unseen_page(tmp_path: Path, folder: Path, row: dict[str, str]) -> None:
    result = segment_one(tmp_path, folder, row["file"])
    check = compare_with_expected(result.posts, pd.DataFrame([row])).iloc[0]
    assert check["all_correct"], check["problems"]
    post = result.posts.iloc[0]
    if row["author"]:  # the evidence is named, with a confidence
        assert post["author_basis"] and post["author_confidence"] in ("high", "medium", "low")
    if row["writer_role"] != "unknown":
        assert post["writer_role_basis"]
        assert post["writer_role_confidence"] in ("high", "medium", "low")
    if pd.notna(post["date"]):
        assert post["date_low"] <= post["date"] <= post["date_high"]


def test_comparison_reports_each_kind_of_failure() -> None:
    """The comparison itself can fail: a wrong field, a leak, a lost ending, a repeated
    title and a file that gave no post are each reported."""
    expected = pd.DataFrame(
        [
            {
                "file": "a.txt",
                "title": "A title",
                "author": "Jo Bloggs",
                "writer_role": "dcs",
                "date": "2024-03-06",
                "date_precision": "day",
                "must_not_contain": "mins read",
                "must_contain": "First words|last words",
            },
            {**dict.fromkeys(EXPECTED.columns, ""), "file": "b.txt", "writer_role": "unknown"},
        ]
    )
    posts = pd.DataFrame(
        [
            {
                "source_file": "a.txt",
                "title": "Blogs",
                "author": "Dr Jo Bloggs",
                "writer_role": "dcs",
                "date": pd.NaT,
                "date_precision": "unknown",
                "text": "A title\n\nFirst words here. 4 mins read",
            }
        ]
    )
    out = compare_with_expected(posts, expected).set_index("file")
    a = out.loc["a.txt"]
    assert [f for f in FIELDS if not a[f]] == ["title", "date", "date_precision"]
    assert not a["no_furniture"] and not a["body_kept"] and not a["all_correct"]
    assert "leaked 'mins read'" in a["problems"] and "as a paragraph" in a["problems"]
    assert "lost 'last words'" in a["problems"]
    assert out.loc["b.txt", "n_posts"] == 0 and not out.loc["b.txt", "all_correct"]
