"""Folding text for matching: case, accents, and the Latin letters that Unicode does not
decompose (ø, ł, đ, æ, ß...), so that "Sorensen" finds "Sørensen"."""

from __future__ import annotations

import unicodedata

_LETTERS = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss", "ı": "i",
})


def letters(text: str) -> str:
    """Replace the undecomposable letters only (the index's tokenizer does the rest)."""
    return (text or "").translate(_LETTERS)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Ōta Sørensen" -> "ota sorensen"."""
    text = letters(text)
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()
