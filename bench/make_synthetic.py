"""Make synthetic corpora N times the size of the real one, for the scale benchmark.

Each synthetic post is built by resampling real paragraphs: its number of
paragraphs is drawn from the real posts' paragraph counts, and its paragraphs
are drawn (without replacement within the post, with replacement across posts)
from the real paragraphs of ``corpus/segmented/paragraphs.csv`` (reprints left
out so no paragraph is counted twice). Posts get a neutral title
("Synthetic post 000042") so nobody mistakes them for real ones.

The posts are written in the ADCS listing raw format (title, blank line,
paragraphs separated by blank lines, then the "Tags assigned to this article:"
... "Related Blog Articles" footer), ``POSTS_PER_FILE`` posts per file, into
``corpus/synthetic/<scale>x/raw/`` (git-ignored), so that
``helpers.segment.segment_corpus(raw_dir)`` reads them without any change.
A description (seed, counts, source checksum) goes to
``corpus/synthetic/<scale>x/synthetic.json`` and the posts as the generator
made them (doc_id as segmentation will name them, title, text) to
``corpus/synthetic/<scale>x/posts_expected.csv``, both outside ``raw/`` so
segmentation does not flag them as stray files. The expected posts are what
segmentation should recover (the unit tests check this on a small corpus) and
the scale benchmark's input to text preparation when segmentation is too slow.

Everything is deterministic: the same seed and the same real corpus give
byte-identical files. Resampling keeps the vocabulary of the real corpus: the
synthetic corpora test how the code scales with the number of posts and words,
not with a growing vocabulary (see bench/README.md).

Usage (from the repository root, after ``make corpus``)::

    .venv/bin/python bench/make_synthetic.py --scales 10 100 [--seed 20261124] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.paths import CORPUS_DIR, PARAGRAPHS_PATH, POSTS_PATH

ROOT = Path(__file__).resolve().parent.parent

SYNTHETIC_DIR: Path = CORPUS_DIR / "synthetic"
DEFAULT_SEED: int = 20261124
POSTS_PER_FILE: int = 100
"""The real ADCS listing holds 100 posts in one file; synthetic files do the same."""
ADCS_FOOTER: tuple[str, ...] = (
    "Tags assigned to this article:",
    "There are no tags assigned to this article!",
    "",
    "Related Blog Articles",
)


@dataclass(frozen=True)
class RealCorpus:
    """The material a synthetic corpus is resampled from."""

    paragraphs: tuple[str, ...]
    """Texts of the real paragraphs (reprints excluded), in file order."""
    paragraph_counts: tuple[int, ...]
    """Number of paragraphs of each real distinct post."""
    checksum: str
    """SHA-256 of the paragraph texts, to record which corpus was resampled."""


@dataclass(frozen=True)
class SyntheticPost:
    """One synthetic post: a title and the indexes of the real paragraphs it uses."""

    title: str
    paragraph_ids: tuple[int, ...]


def load_real_corpus(
    posts_path: Path = POSTS_PATH, paragraphs_path: Path = PARAGRAPHS_PATH
) -> RealCorpus:
    """Read the segmented corpus; drop reprints (``duplicate_of`` set) and their paragraphs."""
    for path in (posts_path, paragraphs_path):
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run `make corpus` first")
    posts = pd.read_csv(posts_path, usecols=["doc_id", "duplicate_of", "n_paragraphs"])
    paragraphs = pd.read_csv(paragraphs_path, usecols=["doc_id", "text"], keep_default_na=False)
    distinct = posts[posts["duplicate_of"].isna()]
    kept = paragraphs[paragraphs["doc_id"].isin(set(distinct["doc_id"]))]
    texts = tuple(str(t) for t in kept["text"])
    empty = [i for i, t in enumerate(texts) if not t.strip() or "\n" in t or "\r" in t]
    if empty:
        raise ValueError(
            f"{paragraphs_path.name}: paragraph rows {empty[:5]} are empty or span several "
            "lines; a paragraph must be one non-empty line"
        )
    counts = tuple(int(n) for n in distinct["n_paragraphs"] if int(n) > 0)
    if not texts or not counts:
        raise ValueError(f"{posts_path.name}: no distinct posts with paragraphs to resample")
    checksum = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
    return RealCorpus(texts, counts, checksum)


def resample_posts(real: RealCorpus, n_posts: int, seed: int) -> list[SyntheticPost]:
    """Draw ``n_posts`` synthetic posts from ``real`` with a fixed ``seed``.

    A post's length is a real post's paragraph count (drawn with replacement,
    capped at the number of real paragraphs); its paragraphs are distinct real
    paragraphs drawn uniformly.
    """
    if n_posts < 1:
        raise ValueError(f"n_posts must be at least 1, got {n_posts}")
    rng = np.random.default_rng(seed)
    n_real = len(real.paragraphs)
    lengths = rng.choice(np.asarray(real.paragraph_counts), size=n_posts, replace=True)
    posts = []
    for number, length in enumerate(lengths):
        ids = rng.choice(n_real, size=min(int(length), n_real), replace=False)
        posts.append(SyntheticPost(f"Synthetic post {number:06d}", tuple(int(i) for i in ids)))
    return posts


def render_listing(posts: Sequence[SyntheticPost], real: RealCorpus) -> str:
    """Render posts as one ADCS listing file (each post followed by the ADCS footer)."""
    lines: list[str] = []
    for post in posts:
        lines += [post.title, ""]
        for pid in post.paragraph_ids:
            lines += [real.paragraphs[pid], ""]
        lines += [*ADCS_FOOTER, ""]
    return "\n".join(lines) + "\n"


def expected_posts(posts: Sequence[SyntheticPost], real: RealCorpus) -> pd.DataFrame:
    """The posts as segmentation should find them: doc_id, title, n_paragraphs, text."""
    rows = []
    for number, post in enumerate(posts):
        file_no, position = divmod(number, POSTS_PER_FILE)
        rows.append(
            {
                "doc_id": f"syn_{file_no:05d}-p{position:03d}",
                "title": post.title,
                "duplicate_of": None,
                "n_paragraphs": len(post.paragraph_ids),
                "text": "\n\n".join(real.paragraphs[i] for i in post.paragraph_ids),
            }
        )
    return pd.DataFrame(rows)


def scale_dir(scale: int, base: Path = SYNTHETIC_DIR) -> Path:
    """Folder of the synthetic corpus at ``scale`` (``<base>/<scale>x``)."""
    return base / f"{scale}x"


def write_synthetic(
    real: RealCorpus,
    scale: int,
    seed: int = DEFAULT_SEED,
    base: Path = SYNTHETIC_DIR,
) -> dict[str, object]:
    """Write the ``scale``-times corpus into ``<base>/<scale>x/raw/``; return its description.

    The number of posts is ``scale`` times the number of real distinct posts.
    An existing ``raw/`` folder is replaced.
    """
    if scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale}")
    n_posts = scale * len(real.paragraph_counts)
    posts = resample_posts(real, n_posts, seed)
    out = scale_dir(scale, base)
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    n_files = 0
    for start in range(0, n_posts, POSTS_PER_FILE):
        text = render_listing(posts[start : start + POSTS_PER_FILE], real)
        (raw / f"syn_{n_files:05d}.txt").write_text(text, encoding="utf-8", newline="\n")
        n_files += 1
    expected_posts(posts, real).to_csv(
        out / "posts_expected.csv", index=False, encoding="utf-8", lineterminator="\n"
    )
    info: dict[str, object] = {
        "scale": scale,
        "seed": seed,
        "n_posts": n_posts,
        "n_paragraphs": sum(len(p.paragraph_ids) for p in posts),
        "n_files": n_files,
        "n_bytes": sum(p.stat().st_size for p in raw.iterdir()),
        "source_paragraphs": len(real.paragraphs),
        "source_posts": len(real.paragraph_counts),
        "source_sha256": real.checksum,
    }
    (out / "synthetic.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def ensure_synthetic(
    scale: int, seed: int = DEFAULT_SEED, base: Path = SYNTHETIC_DIR, force: bool = False
) -> Path:
    """Return ``<base>/<scale>x/raw``, (re)generating it unless it matches seed and source."""
    real = load_real_corpus()
    info_path = scale_dir(scale, base) / "synthetic.json"
    if not force and info_path.exists() and (info_path.parent / "posts_expected.csv").exists():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("seed") == seed and info.get("source_sha256") == real.checksum:
            return scale_dir(scale, base) / "raw"
    write_synthetic(real, scale, seed, base)
    return scale_dir(scale, base) / "raw"


def main(argv: list[str] | None = None) -> int:
    """Command line: write the synthetic corpora for the given scales."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args(argv)
    for scale in args.scales:
        raw = ensure_synthetic(scale, args.seed, force=args.force)
        info = json.loads((raw.parent / "synthetic.json").read_text(encoding="utf-8"))
        print(
            f"{scale}x: {info['n_posts']} posts, {info['n_paragraphs']} paragraphs, "
            f"{info['n_files']} files, {info['n_bytes'] / 1e6:.1f} MB in "
            f"{raw.relative_to(ROOT)}/"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
