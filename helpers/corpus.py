"""Load the segmented corpus as pandas DataFrames with proper dtypes.

Every notebook starts with::

    from helpers import load_corpus, load_paragraphs
    posts = load_corpus()          # one row per distinct post (reprints excluded)
    paragraphs = load_paragraphs() # one row per paragraph of those posts

The columns are documented in ``corpus/README.md`` (the codebook).
"""

from pathlib import Path

import pandas as pd

from helpers.paths import PARAGRAPHS_PATH, POSTS_PATH

POST_COLUMNS: list[str] = [
    "doc_id",
    "source_file",
    "position_in_file",
    "source",
    "format",
    "title",
    "author",
    "author_basis",
    "author_confidence",
    "role",
    "authority",
    "writer_role",
    "writer_role_basis",
    "writer_role_confidence",
    "date",
    "date_precision",
    "date_low",
    "date_high",
    "date_basis",
    "duplicate_of",
    "metadata_basis",
    "n_words",
    "n_paragraphs",
    "text",
]
PARAGRAPH_COLUMNS: list[str] = ["doc_id", "para_id", "position", "line_no", "n_words", "text"]
DATE_COLUMNS: list[str] = ["date", "date_low", "date_high"]
INT_COLUMNS: list[str] = ["position_in_file", "n_words", "n_paragraphs"]


#: Values of ``writer_role``: a serving director of children's services, another officer
#: (e.g. an ADCS policy officer, an assistant director), a commentator, or unknown.
WRITER_ROLES: tuple[str, ...] = ("dcs", "officer", "commentator", "unknown")


def director_posts(posts: pd.DataFrame, include_unknown: bool = True) -> pd.DataFrame:
    """Posts usable for claims about directors: drop posts known to be by others.

    ``writer_role`` says who wrote a post. Posts by officers or commentators are always
    dropped; posts whose writer is unknown are kept unless ``include_unknown`` is false.
    Notebooks print how many posts of each role they keep.
    """
    unexpected = sorted(set(posts["writer_role"].dropna()) - set(WRITER_ROLES))
    if unexpected:
        raise ValueError(f"writer_role has unexpected values {unexpected}; expected {WRITER_ROLES}")
    keep = {"dcs", "unknown"} if include_unknown else {"dcs"}
    return posts[posts["writer_role"].isin(keep)].reset_index(drop=True)


class CorpusNotBuiltError(FileNotFoundError):
    """Raised when the segmented corpus has not been written yet."""


def _read_csv(path: Path, expected: list[str]) -> pd.DataFrame:
    """Read one segmented CSV, failing with a clear message if absent or malformed."""
    if not path.exists():
        raise CorpusNotBuiltError(
            f"{path.name} not found in {path.parent}: run `make corpus` first "
            "to segment corpus/raw/ into corpus/segmented/."
        )
    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""])
    missing = [column for column in expected if column not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}; rebuild with `make corpus`.")
    return frame


def load_corpus(include_reprints: bool = False, path: Path = POSTS_PATH) -> pd.DataFrame:
    """Return the posts table, one row per post, with dates as datetimes.

    Reprints (rows whose ``duplicate_of`` names another post) are excluded
    unless ``include_reprints`` is true; their extra metadata has already been
    merged into the canonical post by segmentation.
    """
    posts = _read_csv(path, POST_COLUMNS)
    for column in DATE_COLUMNS:
        posts[column] = pd.to_datetime(posts[column], format="%Y-%m-%d")
    for column in INT_COLUMNS:
        posts[column] = posts[column].astype("int64")
    for column in (
        "source",
        "format",
        "date_precision",
        "writer_role",
        "writer_role_confidence",
        "author_confidence",
    ):
        posts[column] = posts[column].astype("category")
    if not include_reprints:
        posts = posts[posts["duplicate_of"].isna()].reset_index(drop=True)
    return posts[POST_COLUMNS]


def load_paragraphs(
    include_reprints: bool = False,
    path: Path = PARAGRAPHS_PATH,
    posts_path: Path = POSTS_PATH,
) -> pd.DataFrame:
    """Return the paragraphs table (``doc_id``, ``para_id``, ``position``, ``n_words``, ``text``).

    Paragraphs of reprints are excluded unless ``include_reprints`` is true.
    """
    paragraphs = _read_csv(path, PARAGRAPH_COLUMNS)
    for column in ("position", "line_no", "n_words"):
        paragraphs[column] = paragraphs[column].astype("int64")
    if not include_reprints:
        kept = load_corpus(include_reprints=False, path=posts_path)["doc_id"]
        paragraphs = paragraphs[paragraphs["doc_id"].isin(kept)].reset_index(drop=True)
    return paragraphs[PARAGRAPH_COLUMNS]
