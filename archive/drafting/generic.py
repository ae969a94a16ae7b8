"""Any other document: what it says about itself plainly, nothing more.

- Markdown front matter (``---`` YAML at the top): title, subtitle, author(s), date,
  language, publisher, series, url, doi, abstract, keywords;
- a Markdown heading ``# Title`` (or a title underlined with ``===``);
- in a PDF, the line(s) set in the biggest font at the top of the first page;
- a ``By NAME`` line and a date line near the top;
- the language of the text.

A plain text's first line is not taken as its title: it may be anything.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from .. import dates
from ..errors import ArchiveError
from ..yamlio import loads
from . import datetext, heading
from .base import Draft, Line, missing_of, person, text_lines
from .document import Document
from .gfj import split_authors
from .language import detect

EXPECTED = ("title", "authors", "issued", "language")
TOP = 15  # lines near the top where a byline or a date line is looked for
_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)",
                    re.DOTALL)
_BY = re.compile(r"^(?:by|written by|author(?:s)?:|von|par|por|di)\s+(?P<who>.+)$",
                 re.IGNORECASE)
_KEYS = {
    "title": "title", "subtitle": "subtitle", "date": "issued", "issued": "issued",
    "published": "issued", "lang": "language", "language": "language",
    "publisher": "publisher", "series": "series", "url": "url", "doi": "doi",
    "abstract": "abstract", "description": "abstract", "summary": "abstract",
}


def draft_generic(doc: Document, known: dict[str, str] | None,
                  lines: list[Line] | None = None) -> Draft:
    """What any other document states plainly about itself."""
    out = Draft({}, layout="generic")
    text = doc.text
    body_text = text
    front = _FRONT.match(text)
    if front:
        _front_matter(front.group("yaml"), out, known or {}, str(doc.path))
        body_text = text[front.end():]
    lines = text_lines(doc) if lines is None else lines
    if front:
        skip = text[: front.end()].count("\n")
        lines = [x for x in lines if x.index >= skip]
    top = lines[:TOP]
    if "title" not in out.data:
        _markdown_title(top, out)
    if "title" not in out.data and doc.line_sizes is not None:
        _biggest_type(lines, out)
    if "authors" not in out.data:
        _by_line(top, out, known or {})
    if "issued" not in out.data:
        for line in top:
            when = datetext.date_line(line.text.lstrip("*_# ").rstrip("*_ "))
            if when:
                iso, printed = when
                out.found["issued"] = line.text
                if iso:
                    out.data["issued"] = iso
                else:
                    out.notes.append(f"the date {printed!r} does not exist: issued left out")
                break
    if "language" not in out.data:
        language, why = detect(body_text)
        if language:
            out.data["language"] = language
            out.found["language"] = f"detected: {why}"
        else:
            out.notes.append(f"language not detected: {why}")
    if doc.metadata:
        said = ", ".join(f"{k} {v!r}" for k, v in doc.metadata.items())
        out.notes.append(f"the PDF's own metadata says: {said} (not used: often a "
                         "file name or the software's)")
    out.missing = missing_of(out.data, EXPECTED)
    return out


def _front_matter(text: str, out: Draft, known: dict[str, str], source: str) -> None:
    try:
        meta = loads(text, f"{source} (front matter)")
    except ArchiveError as exc:
        out.notes.append(f"front matter not read: {exc}")
        return
    if not isinstance(meta, dict):
        out.notes.append("front matter not read: it is not a list of 'key: value' fields")
        return
    for key, value in meta.items():
        name = str(key).lower()
        if name in ("author", "authors", "by", "byline"):
            _front_authors(value, out, known)
            continue
        if name in ("keywords", "tags", "subjects"):
            items = value if isinstance(value, list) else re.split(r"\s*[;,]\s*", str(value))
            subjects = [str(s).strip() for s in items if str(s).strip()]
            if subjects:
                out.data["subjects"] = subjects
                out.found["subjects"] = f"front matter {key}"
            continue
        field = _KEYS.get(name)
        if field is None or value is None or isinstance(value, (dict, list)):
            continue
        if field == "issued":
            iso = _front_date(value)
            if iso is None:
                out.notes.append(f"front matter {key}: {value!r} is not a date: left out")
                continue
            value = iso
        out.data[field] = str(value).strip()
        out.found[field] = f"front matter {key}: {value}"


def _front_date(value: Any) -> str | None:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return dates.normalize(value)
    text = str(value).strip()
    try:
        return dates.validate(text)
    except ValueError:
        pass
    when = datetext.date_line(text)
    return when[0] if when else None


def _front_authors(value: Any, out: Draft, known: dict[str, str]) -> None:
    items = value if isinstance(value, list) else [value]
    authors = []
    for item in items:
        if isinstance(item, dict):
            name = item.get("name") or item.get("byline")
            if not name:
                continue
            item = name
        for byline in split_authors(str(item)):
            who = person(byline, known, out.notes)
            if who:
                out.found[f"authors[{len(authors)}]"] = f"front matter: {byline}"
                authors.append(who)
    if authors:
        out.data["authors"] = authors
        out.found["authors"] = "front matter"


def _markdown_title(top: list[Line], out: Draft) -> None:
    for i, line in enumerate(top):
        m = re.match(r"^#\s+(?P<title>.+?)\s*#*$", line.text)
        underlined = (i + 1 < len(top) and top[i + 1].gap == 0
                      and re.fullmatch(r"=+", top[i + 1].text) and len(top[i + 1].text) >= 3)
        if not m and not underlined:
            continue
        title = (m.group("title") if m else line.text).strip()
        out.data["title"] = title
        out.found["title"] = line.text
        # a second-level heading right below it is the subtitle
        rest = top[i + (2 if underlined else 1):]
        if rest:
            sub = re.match(r"^##\s+(?P<sub>.+?)\s*#*$", rest[0].text)
            if sub:
                out.data["subtitle"] = sub.group("sub").strip()
                out.found["subtitle"] = rest[0].text
        return


def _biggest_type(lines: list[Line], out: Draft) -> None:
    """The line(s) set in the biggest type near the top of a PDF, when clearly bigger
    than the body text."""
    base = heading.body_size(lines)
    top = [x for x in lines[:TOP] if x.size]
    if base is None or not top:
        return
    biggest = max(x.size or 0 for x in top)
    if biggest < base * 1.2:
        return
    first = next(i for i, x in enumerate(lines) if x.size and heading.same_size(x.size, biggest))
    run = []
    for line in lines[first:first + heading.MAX_HEADING]:
        if not (line.size and heading.same_size(line.size, biggest)):
            break
        run.append(line)
    title = heading.join_lines([x.text for x in run])
    if title:
        out.data["title"] = title
        out.found["title"] = " | ".join(x.text for x in run) + " (the biggest type at the top)"


def _by_line(top: list[Line], out: Draft, known: dict[str, str]) -> None:
    for line in top:
        m = _BY.match(line.text.strip("*_ "))
        if not m:
            continue
        who_text = m.group("who").strip().rstrip(".")
        authors = []
        for byline in split_authors(who_text):
            who = person(byline, known, out.notes)
            if who:
                out.found[f"authors[{len(authors)}]"] = byline
                authors.append(who)
        if authors:
            out.data["authors"] = authors
            out.found["authors"] = line.text
        return
