"""Compare segmented posts with what a reader expects of each page (``expected.csv``).

The table (one row per raw file holding one post) has the columns ``file``, ``title``,
``author`` (empty when the page does not name the writer), ``writer_role``, ``date``
(``YYYY-MM-DD``, empty when the page gives no date), ``date_precision`` and two
``|``-separated phrase lists: ``must_not_contain`` (page furniture, bylines, bios that
must not reach the post text) and ``must_contain`` (words of the body that must stay).
``tests/fixtures/unseen/`` holds such a table; ``tests/test_unseen_layouts.py`` and
notebook 01 use :func:`compare_with_expected`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.lexicons import load_lexicon

EXPECTED_COLUMNS = [
    "file",
    "title",
    "author",
    "writer_role",
    "date",
    "date_precision",
    "must_not_contain",
    "must_contain",
]
FIELDS = ["title", "author", "writer_role", "date", "date_precision"]
HONORIFIC_RE = re.compile(r"^(?:Dr|Cllr|Professor|Prof|Mr|Mrs|Ms|Sir|Dame)\.?\s+")
"""An honorific before a name is not part of the comparison ('Dr Helen Marsh')."""


def load_expected(path: Path) -> pd.DataFrame:
    """Read an expected-values table (every column as text, empty cells as '')."""
    frame = load_lexicon(path, EXPECTED_COLUMNS, key="file", not_empty=["file", "writer_role"])
    return frame.fillna("").astype(str)


def _phrases(cell: str) -> list[str]:
    return [p for p in cell.split("|") if p]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def compare_with_expected(posts: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """One row per expected file: each field right or wrong, leaked and missing phrases.

    Columns: ``file``, ``n_posts`` (a file must give exactly one post), one boolean per
    field of ``FIELDS``, ``no_furniture`` (no ``must_not_contain`` phrase in the text and
    the title not repeated as a paragraph), ``body_kept`` (every ``must_contain`` phrase
    in the text), ``all_correct``, and ``problems`` (what differs, in words)."""
    rows = []
    for exp in expected.to_dict("records"):
        found = posts[posts["source_file"] == exp["file"]]
        row: dict[str, object] = {"file": exp["file"], "n_posts": len(found)}
        problems: list[str] = []
        if len(found) != 1:
            problems.append(f"{len(found)} posts instead of one")
            row.update({f: False for f in [*FIELDS, "no_furniture", "body_kept"]})
        else:
            post = found.iloc[0]
            date = post["date"]
            got = {
                "title": _text(post["title"]),
                "author": HONORIFIC_RE.sub("", _text(post["author"])),
                "writer_role": _text(post["writer_role"]),
                "date": pd.Timestamp(date).strftime("%Y-%m-%d") if pd.notna(date) else "",
                "date_precision": _text(post["date_precision"]),
            }
            for field in FIELDS:
                row[field] = got[field] == exp[field]
                if not row[field]:
                    problems.append(f"{field} {got[field]!r} (expected {exp[field]!r})")
            text = _text(post["text"])
            leaked = [p for p in _phrases(exp["must_not_contain"]) if p in text]
            if exp["title"] and exp["title"] in text.split("\n\n"):
                leaked.append(f"title {exp['title']!r} as a paragraph")
            missing = [p for p in _phrases(exp["must_contain"]) if p not in text]
            row["no_furniture"], row["body_kept"] = not leaked, not missing
            problems += [f"leaked {p!r}" for p in leaked] + [f"lost {p!r}" for p in missing]
        row["all_correct"] = not problems
        row["problems"] = "; ".join(problems)
        rows.append(row)
    return pd.DataFrame(rows)
