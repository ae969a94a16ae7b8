"""Numbers as the element classes render them: is-numeric, plural labels and number forms,
over the rules in `archive.csl.numbers`."""

from __future__ import annotations

import re
from typing import Callable

from . import numbers as _rules

page_range = _rules.page_range
roman = _rules.roman
parse_numeric = _rules.parse_numeric
render_numeric = _rules.render_numeric

_NUM_TOKEN = re.compile(r"\d+")


def is_numeric(value: str) -> bool:
    return _rules.parse_numeric(value)[0]


def is_plural(value: str, and_word: str | None = None) -> bool:
    """Several numbers ("1-3", "2 & 5", "2 et 5" with the French "et")?"""
    ok, parts = _rules.parse_numeric(value, and_word)
    return ok and len(parts) > 1


def format_numbers(value: str, form: str, term: Callable, gender: str | None,
                   match: Callable | None = None, range_delimiter: str = "\u2013") -> str:
    """Each number of a value ("2", "2-4", "1, 3 & 5") in a CSL number form, keeping the
    separators; a range's hyphen becomes the range delimiter."""
    ok, parts = _rules.parse_numeric(value)
    if not ok:
        return str(value)
    if form == "ordinal":
        def fmt(n: int) -> str:
            return _rules.ordinal(n, term, gender, match=match)
    elif form == "long-ordinal":
        def fmt(n: int) -> str:
            return _rules.long_ordinal(n, term, gender, match=match)
    elif form == "roman":
        fmt = _rules.roman
    else:
        fmt = str
    return _rules.render_numeric(parts, fmt, range_delimiter)
