"""Bytes to text, or a clear refusal naming the file.

UTF-32 and UTF-16 are recognised by their byte-order mark (tried before UTF-8, since the
UTF-32-LE mark begins with the UTF-16-LE one); then UTF-8 (an optional BOM stripped);
then cp1252, the usual encoding of pages saved on Windows; bytes cp1252 leaves undefined
are read as latin-1. Text that is not text is refused: a NUL byte (a binary file, or
UTF-16 saved without a byte-order mark), or more than ``MAX_CONTROL_SHARE`` of control
characters.
"""

from __future__ import annotations

import codecs
import re

FALLBACK_ENCODING = "cp1252"
MAX_CONTROL_SHARE = 0.01
"""Largest share of control characters (other than tab, newline, carriage return and
form feed) a text file may hold; scraped text has none."""

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


#: Control characters other than tab, newline, carriage return and form feed (C0, DEL,
#: C1) and lone surrogates.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class InputRejectedError(ValueError):
    """A raw file that cannot be read as text; the message names the file and the problem."""


def decode_bytes(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode a raw file. Returns ``(text, encoding_used, problems)``.

    A fallback to cp1252 or latin-1 is reported as a problem; input that is not text
    raises ``InputRejectedError``.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                raise InputRejectedError(
                    f"{name}: starts with a {encoding} byte-order mark but is not valid "
                    f"{encoding} ({err.reason} at byte {err.start + len(bom)}); rejected"
                ) from err
            check_is_text(text, name)
            return text, encoding, []
    if b"\x00" in data:
        half = len(data) // 2
        utf16 = half >= 4 and max(data[0::2].count(0), data[1::2].count(0)) >= 0.8 * half
        hint = (
            " (it looks like UTF-16 saved without a byte-order mark: save it as UTF-8)"
            if utf16
            else " (a binary file, not text)"
        )
        raise InputRejectedError(f"{name}: contains NUL bytes{hint}; rejected")
    try:
        text, used, problems = data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as err:
        where = f"byte 0x{data[err.start]:02x} at offset {err.start}"
        try:
            text, used = data.decode(FALLBACK_ENCODING), FALLBACK_ENCODING
        except UnicodeDecodeError:
            text, used = data.decode("latin-1"), "latin-1"
        problems = [f"{name}: not valid UTF-8 ({where}); decoded as {used} instead"]
    check_is_text(text, name)
    return text, used, problems


def check_is_text(text: str, name: str) -> None:
    """Refuse text with NUL characters or too many control characters (naming the file)."""
    if "\x00" in text:
        raise InputRejectedError(f"{name}: contains NUL characters (not a text file); rejected")
    if not text:
        return
    controls = len(CONTROL_RE.findall(text))
    if controls / len(text) > MAX_CONTROL_SHARE:
        raise InputRejectedError(
            f"{name}: {controls} control characters in {len(text)} "
            f"({controls / len(text):.1%}; at most {MAX_CONTROL_SHARE:.0%} allowed): "
            "a binary file or a wrong encoding; rejected"
        )
