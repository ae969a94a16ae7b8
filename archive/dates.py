"""Partial ISO 8601 dates: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, and intervals ``A/B``.

Dates are kept as strings in records (what a librarian reads and writes) and
checked here: impossible dates such as 2022-02-30 are refused.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _check_one(text: str) -> tuple[int, ...]:
    m = _PART.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m.group(1))
    parts = [year]
    if m.group(2) is not None:
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} is not a date: month {month} does not exist")
        parts.append(month)
        if m.group(3) is not None:
            day = int(m.group(3))
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(
                    f"{text!r} is not a date: {calendar.month_name[month]} {year} has {last} days"
                )
            parts.append(day)
    return tuple(parts)


def parse(value: object) -> tuple[tuple[int, ...], ...]:
    """Return the date (or both ends of an interval) as tuples of ints.

    Raises ValueError with a message fit for a user.
    """
    text = normalize(value)
    ends = text.split("/")
    if len(ends) > 2:
        raise ValueError(f"{text!r} is not a date: an interval has one '/'")
    parsed = tuple(_check_one(e) for e in ends)
    if len(parsed) == 2 and parsed[1] < parsed[0]:
        raise ValueError(f"{text!r} is not a date interval: it ends before it starts")
    return parsed


def normalize(value: object) -> str:
    """Turn what YAML or a user gives (date, int, str) into the ISO text."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int):
        return f"{value:04d}"
    if isinstance(value, str):
        return value.strip()
    raise ValueError(f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")


def validate(value: object) -> str:
    """Check ``value`` and return it as normalized ISO text."""
    text = normalize(value)
    parse(text)
    return text


def is_after(a: str, b: str) -> bool:
    """True when ``a`` is certainly later than ``b`` (at the precision both share).

    For intervals the start of ``a`` is compared with the end of ``b``.
    """
    start_a = parse(a)[0]
    end_b = parse(b)[-1]
    n = min(len(start_a), len(end_b))
    return start_a[:n] > end_b[:n]


def from_parts(parts: list[int]) -> str:
    """ISO text from CSL-style date parts ``[year, month?, day?]``."""
    text = f"{parts[0]:04d}"
    if len(parts) > 1:
        text += f"-{parts[1]:02d}"
    if len(parts) > 2:
        text += f"-{parts[2]:02d}"
    return validate(text)


def to_parts(text: str) -> list[list[int]]:
    """CSL ``date-parts`` for an ISO date or interval."""
    return [list(p) for p in parse(text)]
