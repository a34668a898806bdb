"""One place for text normalisation shared by segmentation, preparation and the rules.

Typographic quotes and apostrophes are folded to ASCII so that a pattern written with
``'`` also matches ``’``; nothing else about the text changes (same length, same
offsets), so character positions found on folded text point into the original.
"""

from __future__ import annotations

__all__ = ["QUOTE_FOLDING", "fold_quotes"]

#: Curly single and double quotes, the modifier-letter apostrophe and the backtick.
QUOTE_FOLDING: dict[int, str] = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)


def fold_quotes(text: str) -> str:
    """Replace typographic quotes with ASCII ones, keeping every character offset."""
    return text.translate(QUOTE_FOLDING)
