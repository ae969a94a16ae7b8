"""Dates as commentaries print them: ``June 1, 2022``, ``3 June 2022``, ``2022-06-01``.

Only unambiguous forms are read: a month written as a word, or ISO order (year first).
``06/01/2022`` is not read (June 1 or 6 January?). Impossible dates give None.
"""

from __future__ import annotations

import re

from .. import dates

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_FORMS = [
    _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,           # June 1, 2022
    _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR,  # 1 June 2022
    _YEAR + r"-(?P<nmonth>\d{1,2})-(?P<day>\d{1,2})",      # 2022-06-01
    _YEAR + r"/(?P<nmonth>\d{1,2})/(?P<day>\d{1,2})",      # 2022/06/01
    _YEAR + r"\s*年\s*(?P<nmonth>\d{1,2})\s*月\s*(?:(?P<day>\d{1,2})\s*日)?",  # 2022年6月1日
    _MONTH + r",?\s+" + _YEAR,                           # June 2022
]
_PHRASE = re.compile(
    "|".join("(?:" + f.replace("?P<", f"?P<f{i}_") + ")" for i, f in enumerate(_FORMS)),
    re.IGNORECASE,
)
_WHOLE_PREFIX = re.compile(
    r"^(?:(?:date|dated|published|issued|posted|updated|first published)\b\s*(?:on)?\s*:?\s*)",
    re.IGNORECASE,
)


def _iso(match: re.Match[str]) -> str | None:
    groups = {k.split("_", 1)[1]: v for k, v in match.groupdict().items() if v is not None}
    year = int(groups["year"])
    if "month" in groups:
        month = MONTHS[groups["month"].lower().rstrip(".")]
    else:
        month = int(groups["nmonth"])
    text = f"{year:04d}-{month:02d}"
    if groups.get("day"):
        text += f"-{int(groups['day']):02d}"
    try:
        return dates.validate(text)
    except ValueError:
        return None


def find_date(text: str) -> tuple[str | None, re.Match[str]] | None:
    """The first date phrase in ``text``: (ISO date or None when impossible, the match)."""
    for m in _PHRASE.finditer(text):
        before = text[max(0, m.start() - 1): m.start()]
        after = text[m.end(): m.end() + 1]
        if (before and before.isalnum()) or (after and after.isalnum()):
            continue
        return _iso(m), m
    return None


def date_line(line: str) -> tuple[str | None, str] | None:
    """When the whole line is a date (``June 1, 2022``, ``Published: 3 June 2022``):
    (ISO date or None when impossible, the date as printed); else None."""
    text = line.strip().strip("()[]").strip()
    text = _WHOLE_PREFIX.sub("", text).strip()
    text = text.rstrip(".").strip()
    found = find_date(text)
    if not found:
        return None
    iso, m = found
    if m.start() != 0 or m.end() != len(text):
        return None
    return iso, m.group(0)
