"""Numbers as the engine renders them: is-numeric, plural labels, ordinals, page ranges.

Thin layer over `archive.csl.numbers` (the rules themselves) with the signatures the
element classes use."""

from __future__ import annotations

import re
from typing import Callable

try:  # the rules module
    from . import numbers as _rules
except ImportError:  # pragma: no cover - during development only
    _rules = None

_NUM_TOKEN = re.compile(r"\d+")
_SEPS = re.compile(r"\s*(,|&|-|\u2013)\s*")


def is_numeric(value: str) -> bool:
    if _rules is not None and hasattr(_rules, "parse_numeric"):
        return _rules.parse_numeric(value)[0]
    v = str(value).strip()
    return bool(re.fullmatch(r"[A-Za-z]?\d+[A-Za-z]*(\s*([,&\-\u2013]|and)\s*[A-Za-z]?\d+[A-Za-z]*)*", v))


def is_plural(value: str) -> bool:
    v = str(value).strip()
    if not is_numeric(v):
        return False
    return len(_NUM_TOKEN.findall(v)) > 1 and bool(re.search(r"[,&\-\u2013]|\band\b", v))


def page_range(value: str, fmt: str | None, delimiter: str = "\u2013") -> str:
    if _rules is not None and hasattr(_rules, "page_range"):
        return _rules.page_range(value, fmt, delimiter)
    return re.sub(r"(?<=\d)\s*-\s*(?=\d)", delimiter, value)


def roman(n: int) -> str:
    if _rules is not None and hasattr(_rules, "roman"):
        return _rules.roman(n)
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def ordinal(n: int, term: Callable[[str, str | None], str | None], gender: str | None) -> str:
    if _rules is not None and hasattr(_rules, "ordinal"):
        return _rules.ordinal(n, term, gender)
    suffix = term("ordinal-%02d" % (n % 10), gender) or term("ordinal", gender) or ""
    return f"{n}{suffix}"


def long_ordinal(n: int, term: Callable[[str, str | None], str | None], gender: str | None) -> str:
    if _rules is not None and hasattr(_rules, "long_ordinal"):
        return _rules.long_ordinal(n, term, gender)
    if 1 <= n <= 10:
        t = term("long-ordinal-%02d" % n, gender)
        if t:
            return t
    return ordinal(n, term, gender)


def format_numbers(value: str, form: str, term, gender: str | None) -> str:
    """Render each number of a value ("2", "2-4", "1, 3 & 5") in a CSL number form,
    keeping the separators (a hyphen becomes an en dash)."""
    v = str(value).strip()
    pieces = _SEPS.split(v)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2 == 1:
            sep = piece
            out.append("\u2013" if sep in "-\u2013" else (", " if sep == "," else " & "))
            continue
        m = re.fullmatch(r"(\D*?)(\d+)(\D*)", piece)
        if not m or form == "numeric":
            out.append(piece)
            continue
        n = int(m.group(2))
        if form == "ordinal":
            out.append(m.group(1) + ordinal(n, term, gender))
        elif form == "long-ordinal":
            out.append(m.group(1) + long_ordinal(n, term, gender))
        elif form == "roman":
            out.append(m.group(1) + roman(n))
        else:
            out.append(piece)
    return "".join(out)
