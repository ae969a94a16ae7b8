"""What drafting gives back, and the pieces every layout shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..names import BylineError, parse_byline
from .document import Document

# fields every draft must account for: found, or listed as missing
REQUIRED = ("title", "authors", "issued")


@dataclass
class Draft:
    """A record drafted from a document: the data, where each field came from, and what
    could not be found (to prompt for)."""

    data: dict[str, Any]
    found: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layout: str = "generic"


@dataclass
class Line:
    """A line with text: where it is, how many blank lines come before it, its font size."""

    text: str
    index: int  # in document.lines
    gap: int  # blank lines before it
    size: float | None = None


def text_lines(doc: Document) -> list[Line]:
    """The document's lines that hold text. In a PDF, extra space above a line (more than
    its type's usual line spacing) counts as a blank line, as it reads on the page."""
    out: list[Line] = []
    gap = 0
    sizes = doc.line_sizes
    for i, raw in enumerate(doc.lines):
        text = " ".join(raw.split())
        if not text:
            gap += 1
            continue
        size = sizes[i] if sizes is not None and i < len(sizes) else None
        out.append(Line(text, i, gap, size))
        gap = 0
    if doc.line_heights is not None:
        _spacing_gaps(out, doc.line_heights)
    return out


def _spacing_gaps(lines: list[Line], heights: list[float | None]) -> None:
    """Mark a line as after a blank when the space above it is wider than the usual line
    spacing of its type size."""
    def spacing(k: int) -> float | None:
        above, here = heights[lines[k - 1].index], heights[lines[k].index]
        if above is None or here is None or lines[k].gap:
            return None  # another page, or already after a blank line
        return above - here

    seen: dict[float, list[float]] = {}
    for k in range(1, len(lines)):
        space, size = spacing(k), lines[k].size
        if space and space > 0 and size and lines[k - 1].size == size:
            seen.setdefault(size, []).append(space)
    # line spacing in proportion to the type size, from sizes seen often enough to tell
    ratios = [min(v) / s for s, v in seen.items() if len(v) >= 3]
    ratio = min(ratios) if ratios else 1.2
    usual: dict[float, float] = {}
    for size, spaces in seen.items():
        # a size seen once (a title and its subtitle) may have been seen across a gap
        usual[size] = min(spaces) if len(spaces) > 1 else min(spaces[0], ratio * size)
    for k in range(1, len(lines)):
        space, size = spacing(k), lines[k].size
        if space is None or not size:
            continue
        if space > 1.15 * usual.get(size, ratio * size):
            lines[k].gap = 1


def get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def missing_of(data: dict[str, Any], expected: tuple[str, ...]) -> list[str]:
    return [f for f in expected if get(data, f) in (None, "", [], {})]


def person(byline: str, known: dict[str, str], notes: list[str]) -> dict[str, Any] | None:
    """A byline as record data, or None (with a note) when it cannot be read as a name."""
    try:
        who = parse_byline(byline, known)
    except BylineError as exc:
        notes.append(f"author not read: {exc}")
        return None
    return who.model_dump(exclude_none=True, exclude_defaults=True)
