"""Shared helpers for the DCS Voices notebooks.

Notebooks start with ``from helpers import load_corpus``; see ``helpers.corpus``.
"""

from helpers.corpus import load_corpus, load_paragraphs
from helpers.paths import REPO_ROOT

__all__ = ["REPO_ROOT", "load_corpus", "load_paragraphs"]
