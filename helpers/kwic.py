"""Keyword in context (KWIC): every occurrence of a word or phrase with the text around it.

A keyword list is only a pointer; before a word is interpreted it has to be read where it
occurs. ``kwic`` searches the paragraphs table (``helpers.load_paragraphs()``) and returns one
row per occurrence with the post (``doc_id``), the paragraph (``para_id``) and the raw-file
line (``line_no``) it comes from, so every line of a concordance can be traced back to the
raw file.

Matching rules (tested in ``tests/test_kwic.py``):

* **Whole words.** A query matches only where it is not preceded or followed by a letter,
  digit or underscore: ``care`` finds *care* and *care's*, not *carers* or *childcare*.
  A trailing ``*`` matches any ending (``foster*`` finds *foster*, *fostering*, *fosterers*);
  a ``*`` elsewhere matches any run of word characters.
* **Case.** Case is ignored unless ``case_sensitive=True``.
* **Quotes and spaces.** Curly quotes and apostrophes are folded to ASCII on both sides
  (``helpers.textnorm.fold_quotes``, which keeps every character offset), so
  ``children's`` also finds *children’s*. Spaces in a query match any run of white space.
* **Context.** ``width`` characters either side (fewer at the start or end of a
  paragraph), line breaks shown as spaces; the matched text itself is returned as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from helpers.textnorm import fold_quotes

__all__ = ["KWIC_COLUMNS", "capitalised_share", "kwic", "kwic_pattern"]

#: Columns of the table ``kwic`` returns.
KWIC_COLUMNS: list[str] = ["doc_id", "para_id", "line_no", "offset", "left", "match", "right"]

_REQUIRED = ("doc_id", "para_id", "text")


def kwic_pattern(query: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """The compiled pattern ``kwic`` uses for ``query`` (rules in the module docstring).

    Raises ``ValueError`` for a query that is empty or only wildcards and spaces.
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a string, got {type(query).__name__}")
    folded = fold_quotes(query.strip())
    if not folded.replace("*", "").strip():
        raise ValueError("the query is empty: type a word or phrase")
    parts = []
    for word in folded.split():
        pieces = [re.escape(piece) for piece in word.split("*")]
        parts.append(r"\w*".join(pieces))
    body = r"\s+".join(parts)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}(?!\w)", flags)


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split("\n")).replace("\r", " ")


def kwic(
    paragraphs: pd.DataFrame,
    query: str,
    width: int = 40,
    case_sensitive: bool = False,
    max_hits: int | None = None,
) -> pd.DataFrame:
    """Every occurrence of ``query`` in ``paragraphs`` with ``width`` characters either side.

    ``paragraphs`` needs the columns ``doc_id``, ``para_id`` and ``text`` (``line_no`` is
    carried over when present, else left empty). Rows follow the order of ``paragraphs``
    and, within a paragraph, the order of the matches; ``offset`` is the character
    position of the match in its paragraph. ``max_hits`` stops after that many rows.
    """
    missing = [column for column in _REQUIRED if column not in paragraphs.columns]
    if missing:
        raise ValueError(f"kwic needs the columns {list(_REQUIRED)}; missing {missing}")
    if width < 0:
        raise ValueError(f"width must be 0 or more, got {width}")
    if max_hits is not None and max_hits < 1:
        raise ValueError(f"max_hits must be at least 1, got {max_hits}")
    pattern = kwic_pattern(query, case_sensitive=case_sensitive)
    has_line = "line_no" in paragraphs.columns
    rows: list[dict[str, object]] = []
    for record in paragraphs.itertuples(index=False):
        text = record.text if isinstance(record.text, str) else ""
        for match in pattern.finditer(fold_quotes(text)):
            start, end = match.span()
            rows.append(
                {
                    "doc_id": record.doc_id,
                    "para_id": record.para_id,
                    "line_no": record.line_no if has_line else pd.NA,
                    "offset": start,
                    "left": _context(text, max(0, start - width), start),
                    "match": text[start:end],
                    "right": _context(text, end, end + width),
                }
            )
            if max_hits is not None and len(rows) >= max_hits:
                return pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def capitalised_share(texts: Iterable[str], word: str) -> tuple[int, float]:
    """``(occurrences, share written with a capital)`` of ``word`` away from sentence starts.

    A word that is capitalised where grammar does not require it (not after ``.``, ``!``,
    ``?``, a colon or at the start of a text) is most likely a name. Occurrences at a
    sentence start are left out of both counts; the share is NaN when none remain.
    """
    pattern = kwic_pattern(word)
    seen = capitalised = 0
    for text in texts:
        for match in pattern.finditer(fold_quotes(text)):
            before = text[: match.start()].rstrip(" \t\"'(\u2018\u201c")
            if not before or before[-1] in ".!?:\n":
                continue
            seen += 1
            capitalised += match.group(0)[:1].isupper()
    return seen, (capitalised / seen if seen else float("nan"))
