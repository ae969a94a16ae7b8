"""CSL numbers: page ranges, ``is-numeric``, ordinals and roman numerals.

Pure functions, written to CSL 1.0.2 and checked against citeproc-js output
(the reference processor) where the spec leaves room:

* :func:`page_range` -- ``page-range-format`` on every numeric range of a string.
* :func:`parse_numeric` / :func:`render_numeric` -- the ``is-numeric`` test and
  the pieces ``<number>`` formats one by one ("1-3, 5" -> "1st–3rd, 5th").
* :func:`ordinal`, :func:`long_ordinal` -- suffix / word selection from locale
  terms (CSL 1.0.1 ordinals, gender forms, legacy CSL 1.0 locales).
* :func:`roman` -- lowercase roman numerals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

__all__ = [
    "page_range",
    "parse_numeric",
    "render_numeric",
    "NumPart",
    "ordinal",
    "long_ordinal",
    "roman",
    "TermLookup",
    "MatchLookup",
    "PAGE_RANGE_FORMATS",
]

PAGE_RANGE_FORMATS = frozenset(
    {"expanded", "minimal", "minimal-two", "chicago", "chicago-15", "chicago-16"}
)

# --- page ranges -------------------------------------------------------------

# A range: optional prefix ("N", "8n"), digits with optional lowercase suffix,
# a hyphen or en dash (not escaped), the same on the right. Roman ranges apart.
_RANGE_RE = re.compile(
    r"(?<![\w\\])([0-9]*[A-Za-z]+0*)?([0-9]+[a-z]*)\s*(?<!\\)[-\u2013]\s*([0-9]*[A-Za-z]+0*)?([0-9]+[a-z]*)(?![\w-])"
    r"|(?<![\w\\])([ivxlcmIVXLCM]+)\s*(?<!\\)[-\u2013]\s*([ivxlcmIVXLCM]+)(?![\w-])"
)
_LEADING_INT = re.compile(r"[0-9]+")


def _int(s: str) -> int:
    return int(_LEADING_INT.match(s).group())  # type: ignore[union-attr]


def _minimize(begin: str, end: str, keep: int) -> str:
    """Drop the leading characters ``end`` shares with ``begin`` (keep >= ``keep``)."""
    if len(begin) != len(end):
        return end
    i = 0
    while i < len(end) and begin[i] == end[i] and len(end) - i > keep:
        i += 1
    return end[i:]


def _chicago15(b: int, end: str) -> str:
    e = _int(end)
    if b > 100 and b % 100 and b // 100 == e // 100:
        return str(e % 100)
    if b >= 10000:
        return str(e % 1000)
    return end


def _chicago16(b: int, end: str) -> str:
    e = _int(end)
    if b > 100 and b % 100:
        for i in range(2, len(str(e))):
            d = 10**i
            if b // d == e // d:
                return str(e % d)
    return end


def _format_range(m: re.Match[str], fmt: str | None, delimiter: str) -> str:
    if m.group(5) is not None:  # roman numerals: only the delimiter changes
        return m.group(5) + delimiter + m.group(6)
    p1, begin, p2, end = m.group(1) or "", m.group(2), m.group(3), m.group(4)
    if p2 is not None and p2 != p1 or (p2 is None and p1):
        # different prefixes ("N110-5", "110-N6"): not a range, left with its hyphen
        return f"{p1}{begin}-{p2 or ''}{end}"
    p2 = p2 or ""
    if fmt is None:
        return f"{p1}{begin}{delimiter}{p2}{end}"
    full = end
    if len(end) < len(begin):
        full = begin[: len(begin) - len(end)] + end
    b = _int(begin)
    if not b < _int(full):  # not an ascending range: left as written
        return f"{p1}{begin}{delimiter}{p2}{end}"
    if fmt == "expanded":
        if p1[:1].isdigit():
            # citeproc-js cannot re-read "8n11564–8n11568" and keeps the input
            return f"{p1}{begin}-{p1}{end}"
        return f"{p1}{begin}{delimiter}{p1}{full}"
    if fmt == "minimal":
        out = _minimize(begin, full, 0)
    elif fmt == "minimal-two":
        out = _minimize(begin, full, 2)
    elif fmt == "chicago-16":
        out = _chicago16(b, full)
    else:  # chicago, chicago-15
        out = _chicago15(b, full)
    # citeproc-js drops the repeated prefix when the delimiter is one character
    prefix = "" if (delimiter + p1)[1:] == p1 else p1
    return f"{p1}{begin}{delimiter}{prefix}{out}"


def page_range(text: str, fmt: str | None, delimiter: str = "\u2013") -> str:
    """Apply CSL ``page-range-format`` ``fmt`` to every range in ``text``.

    Ranges are "321-28", "321 – 328", "N110-N115" (same prefix on both ends
    or only on the first: "8n11564-8n1568"), "xii-xv" (roman: only the
    delimiter changes). Each range's hyphen or en dash becomes ``delimiter``
    (the locale's ``page-range-delimiter`` term, en dash by default) and spaces
    around it go. With ``fmt`` None the numbers stay as written (citeproc-js
    only replaces the delimiter then); otherwise the end is first expanded
    ("321-28" -> 321-328) and then shortened per ``fmt`` if the range ascends;
    a descending or equal "range" keeps its numbers. Ends with different
    prefixes ("N110-5", "110-N6") are not ranges and keep their hyphen.
    ``\\-`` is a literal hyphen: the backslash is removed and nothing else
    changes. Other text (", ", " & ", words) is kept.
    """
    if fmt is not None and fmt not in PAGE_RANGE_FORMATS:
        raise ValueError(f"unknown page-range-format {fmt!r}")
    if "-" not in text and "\u2013" not in text:
        return text
    out = _RANGE_RE.sub(lambda m: _format_range(m, fmt, delimiter), text)
    return out.replace("\\-", "-")


# --- is-numeric and the parts of a number -----------------------------------


class NumPart(NamedTuple):
    """One number of a numeric value, and the separator after it.

    ``text`` is the number as written ("12", "2nd", "L2", "xii"); ``value`` is
    its integer when ``<number form=...>`` applies to it (plain digits with no
    leading zero, not 0), else None and ``text`` is printed as is. ``sep`` is
    the separator that follows ("" for the last part): ", ", "; ", " & ",
    " and ", or "-" (``is_range`` true: print the range delimiter; false: a
    hyphen kept as a hyphen, as in "12-a" or "N110-5").
    """

    text: str
    value: int | None
    sep: str = ""
    is_range: bool = False


# citeproc-js's joiners: "&", (", ") "and", "; ", ", ", hyphens and en dashes
_JOINER_RE = re.compile(r"(\s*&\s*|,\s+and\s+|\s+and\s+|;\s+|,\s+|\s*(?<!\\)[-\u2013]+\s*)")
# a numeric first item: optional letter prefix, digits, then letters/",:" or a
# "-digits" tail ("12a", "L2d", "1a-c", "12\\-14"), or roman made of i, v, x
_NUMBER_ITEM = re.compile(r"(?:[0-9]*[A-Za-z]+0*)?[0-9]+(?:[-,:A-Za-z]*|-[-0-9]+)")
_ROMAN_ITEM = re.compile(r"[ivx]+")
_RANGE_END = re.compile(r"([0-9]*[A-Za-z]+0*)?[0-9]+[a-z]*|[ivxlcmIVXLCM]+")
_SUBSECTION = re.compile(r"[0-9]+[,a-zA-Z]+")
_LETTERS = re.compile(r"[,a-zA-Z]+")


def _item_numeric(item: str) -> bool:
    return bool(_NUMBER_ITEM.fullmatch(item) or _ROMAN_ITEM.fullmatch(item))


_JOINERS_WITH: dict[str, re.Pattern] = {}


def _joiner_re(and_word: str | None) -> re.Pattern:
    """The joiners, with a locale's own word for "and" ("et") besides the English one."""
    if not and_word or and_word == "and":
        return _JOINER_RE
    got = _JOINERS_WITH.get(and_word)
    if got is None:
        w = re.escape(and_word)
        got = re.compile(r"(\s*&\s*|,\s+and\s+|\s+and\s+|,\s+%s\s+|\s+%s\s+|;\s+|,\s+"
                         r"|\s*(?<!\\)[-\u2013]+\s*)" % (w, w))
        _JOINERS_WITH[and_word] = got
    return got


def parse_numeric(value: str | int, and_word: str | None = None) -> tuple[bool, list[NumPart]]:
    """CSL ``is-numeric`` for ``value``, and its parts for ``<number>``.

    Numeric (CSL 1.0.2, as citeproc-js decides it): the value splits at "&",
    "and", ", ", "; " and hyphens/en dashes into items, and the first item is a
    number with optional letter prefix and suffix ("2", "2nd", "12a", "L2",
    "2L", "L2d", "12a-c") or lowercase roman made of i, v, x ("xii"; "xl" is
    not, as in citeproc-js). So "1-3", "1, 3 & 5",
    "12-a" are numeric; "second", "2nd edition", "12 a", "1,3", "XII", "1.5"
    and "" are not. "12a-c" is one item. ``\\-`` is a literal hyphen, part of
    its item ("12\\-14" is one item, printed "12-14").
    The parts are returned whatever the answer (one part holding the whole
    text when nothing splits).
    """
    if isinstance(value, int):
        text = str(value)
    else:
        text = value.strip()
    if not text:
        return False, []
    pieces = _joiner_re(and_word).split(text)
    items = pieces[0::2]
    seps = pieces[1::2]
    # "12a-c": a subsection range stays one item
    i = len(seps) - 1
    while i >= 0:
        if seps[i].strip() == "-" and _SUBSECTION.fullmatch(items[i]) and _LETTERS.fullmatch(items[i + 1]):
            items[i : i + 2] = [items[i] + "-" + items[i + 1]]
            del seps[i]
        i -= 1
    parts: list[NumPart] = []
    for k, item in enumerate(items):
        item = item.replace("\\-", "-")
        n = int(item) if item.isascii() and item.isdigit() and item[0] != "0" else None
        sep = ""
        is_range = False
        if k < len(seps):
            raw = seps[k]
            core = raw.strip()
            if core in ("-", "\u2013"):
                right = items[k + 1]
                ml, mr = _RANGE_END.fullmatch(item), _RANGE_END.fullmatch(right)
                is_range = bool(ml and mr and (ml.group(1) or "") == (mr.group(1) or ""))
                sep = "-"
            elif core == "&":
                sep = "&" if item[-1:].isalpha() and items[k + 1][:1].isalpha() else " & "
            elif core.startswith(",") and core.endswith("and"):
                sep = ", and "
            elif core == "and" or (and_word and core == and_word):
                sep = " %s " % core
            elif and_word and core.startswith(",") and core.endswith(and_word):
                sep = ", %s " % and_word
            elif core in (",", ";"):
                sep = core + " "
            else:
                sep = core  # "--"
        parts.append(NumPart(item, n, sep, is_range))
    return _item_numeric(items[0].replace("\\-", "-")) if items[0] else False, parts


def render_numeric(
    parts: list[NumPart], fmt: Callable[[int], str], range_delimiter: str = "\u2013"
) -> str:
    """Join ``parts`` back, formatting each ``value`` with ``fmt`` (e.g. ordinal).

    Parts without a value are printed as written; a range separator becomes
    ``range_delimiter``.
    """
    out = []
    for p in parts:
        out.append(fmt(p.value) if p.value is not None else p.text)
        out.append(range_delimiter if p.is_range else p.sep)
    return "".join(out)


# --- ordinals ----------------------------------------------------------------

#: ``term(name, gender)``: the text of locale term ``name`` ("ordinal",
#: "ordinal-01", "long-ordinal-03", ...) in its long form, from the variant whose
#: ``gender-form`` equals ``gender`` ("masculine" / "feminine"), or from the
#: variant without ``gender-form`` when ``gender`` is None. No fallback between
#: variants (this module does it). None when the locale (after the style's own
#: ``<locale>`` overrides) has no such term variant; "" is a defined empty term.
TermLookup = Callable[[str, "str | None"], "str | None"]

#: ``match(name, gender)``: the ``match`` attribute of that same term variant
#: ("last-digit", "last-two-digits", "whole-number"), or None when absent.
MatchLookup = Callable[[str, "str | None"], "str | None"]


def _gendered(term: TermLookup, name: str, gender: str | None) -> str | None:
    if gender:
        got = term(name, gender)
        if got is not None:
            return got
    return term(name, None)


def _default_match(name: str) -> str:
    return "last-digit" if name[8:9] == "0" else "last-two-digits"


def _ordinal_suffix(
    n: int, term: TermLookup, gender: str | None, match: MatchLookup | None
) -> str:
    fallback = _gendered(term, "ordinal", gender)
    if fallback is None:
        return _legacy_suffix(n, term, gender)
    s = str(n)

    def find(g: str | None) -> str | None:
        # citeproc-js keys ordinal-0X as "X": ordinal-03 never matches 103's "03"
        cands = []
        if n < 100:
            cands.append((f"ordinal-{n:02d}", "whole-number"))
        two = s[-2:]
        if len(two) == 1 or two[0] != "0":
            cands.append((f"ordinal-{int(two):02d}", "last-two-digits"))
        cands.append((f"ordinal-0{s[-1]}", "last-digit"))
        for name, wanted in cands:
            text = term(name, g)
            if text is None:
                continue
            m = (match(name, g) if match else None) or _default_match(name)
            if m == wanted:
                return text
        return None

    if gender:
        got = find(gender)
        if got is not None:
            return got
        if fallback:  # citeproc-js stops at a non-empty "ordinal" term here
            return fallback
    got = find(None)
    return got if got is not None else fallback


def _legacy_suffix(n: int, term: TermLookup, gender: str | None) -> str:
    """CSL 1.0 locales: ordinal-01..04 only (st, nd, rd, th)."""
    names = [_gendered(term, f"ordinal-0{i}", gender) for i in (1, 2, 3, 4)]
    if any(x is None for x in names):
        return ""
    if 10 < n % 100 < 20 or n % 10 not in (1, 2, 3):
        return names[3]  # type: ignore[return-value]
    return names[n % 10 - 1]  # type: ignore[return-value]


def ordinal(
    n: int,
    term: TermLookup,
    gender: str | None = None,
    *,
    match: MatchLookup | None = None,
    day: bool = False,
    limit_day_ordinals: bool = False,
) -> str:
    """``n`` with its ordinal suffix from the locale ("1st", "2nd", "1re").

    CSL 1.0.1 rules as citeproc-js applies them: terms ordinal-00..99 are
    tried as whole-number, then last-two-digits, then last-digit matches
    (default match: last-digit for ordinal-00..09, last-two-digits for
    ordinal-10..99), first in ``gender``'s form, falling back to the
    ``ordinal`` term (in that gender form if any), and to the neuter
    ordinal-XX terms only when that is empty. A locale without an ``ordinal``
    term but with ordinal-01..04 (CSL 1.0) uses those. With ``day`` and the
    locale option ``limit-day-ordinals-to-day-1``, only day 1 is ordinal.
    """
    if day and limit_day_ordinals and n != 1:
        return str(n)
    return f"{n}{_ordinal_suffix(n, term, gender, match)}"


def long_ordinal(
    n: int, term: TermLookup, gender: str | None = None, *, match: MatchLookup | None = None
) -> str:
    """``n`` as a word ("first" ... "tenth") from long-ordinal-01..10, else :func:`ordinal`."""
    if n >= 0:
        word = _gendered(term, f"long-ordinal-{n:02d}", gender)
        if word:
            return word
    return ordinal(n, term, gender, match=match)


# --- roman -------------------------------------------------------------------

_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)


def roman(n: int) -> str:
    """Lowercase roman numeral of ``n`` (1..5999, as citeproc-js); other values as digits."""
    if not 0 < n < 6000:
        return str(n)
    out = []
    for v, s in _ROMAN:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


# --- what the element classes call ------------------------------------------


def is_numeric(value: str) -> bool:
    return parse_numeric(value)[0]


def is_plural(value: str, and_word: str | None = None) -> bool:
    """Several numbers ("1-3", "2 & 5", "2 et 5" with the French "et")?"""
    ok, parts = parse_numeric(value, and_word)
    return ok and len(parts) > 1


def format_numbers(value: str, form: str, term: Callable, gender: str | None,
                   match: Callable | None = None, range_delimiter: str = "\u2013") -> str:
    """Each number of a value ("2", "2-4", "1, 3 & 5") in a CSL number form, keeping the
    separators; a range's hyphen becomes the range delimiter."""
    ok, parts = parse_numeric(value)
    if not ok:
        return str(value)
    if form == "ordinal":
        def fmt(n: int) -> str:
            return ordinal(n, term, gender, match=match)
    elif form == "long-ordinal":
        def fmt(n: int) -> str:
            return long_ordinal(n, term, gender, match=match)
    elif form == "roman":
        fmt = roman
    else:
        fmt = str
    return render_numeric(parts, fmt, range_delimiter)
