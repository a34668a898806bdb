"""One loader for the hand-made CSV lexicons in ``data/`` (actors, verbs, cues, overrides).

``load_lexicon`` reads a UTF-8 CSV, checks its columns and its key, and raises a
``ValueError`` that names the file, the row and the problem; the modules that own a
lexicon add their own checks of values on top.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

__all__ = ["load_lexicon"]


def load_lexicon(
    path: Path,
    columns: Iterable[str],
    key: str | None = None,
    not_empty: Iterable[str] = (),
) -> pd.DataFrame:
    """Read ``path`` and check it.

    ``columns`` must all be present; ``key`` (if given) must be unique; the columns in
    ``not_empty`` must have a value on every row. Empty cells are read as ``""``.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"lexicon not found: {path.name} in {path.parent}")
    try:
        frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False, dtype=str)
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ValueError(f"{path.name}: cannot be read as a UTF-8 CSV ({error})") from error
    if missing := sorted(set(columns) - set(frame.columns)):
        raise ValueError(f"{path.name}: missing columns {missing}")
    for column in not_empty:
        empty = frame.index[frame[column].str.strip() == ""]
        if len(empty):
            rows = ", ".join(str(i + 2) for i in empty[:5])
            raise ValueError(f"{path.name}: empty {column!r} on row(s) {rows}")
    if key is not None:
        duplicated = frame[key][frame[key].duplicated()]
        if len(duplicated):
            raise ValueError(f"{path.name}: duplicated {key!r} values {sorted(set(duplicated))}")
    return frame
