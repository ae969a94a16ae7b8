"""What the CLI's commands do, as library functions the tests reach directly."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import yamlio
from .errors import ArchiveError
from .names import acronyms_from, parse_byline, parse_name
from .textfold import fold

# what `archive add` needs before it can write a record: (field, flag)
REQUIRED = (("title", "--title"), ("authors", "--byline"), ("issued", "--issued"))


# --------------------------------------------------------------------------- organizations


def organization_names(records: Iterable[dict[str, Any]]) -> list[str]:
    """Every organization name used in records: affiliations, corporate authors, publishers."""
    names = []
    for data in records:
        for key in ("authors", "translators", "editors"):
            for agent in data.get(key) or []:
                if "organization" in agent and "family" not in agent:
                    names.append(agent["organization"])
                for aff in agent.get("affiliations") or []:
                    names.append(aff.get("organization"))
        names.append(data.get("publisher"))
        names.append((data.get("original") or {}).get("publisher"))
    return [n for n in names if n]


def known_acronyms(records: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Acronym -> full name, from the organization names already in the archive."""
    return acronyms_from(organization_names(records))


# --------------------------------------------------------------------------- add


def data_from_fields(
    *,
    title: str | None = None,
    subtitle: str | None = None,
    type: str | None = None,
    bylines: Iterable[str] = (),
    organizations: Iterable[str] = (),
    translators: Iterable[str] = (),
    editors: Iterable[str] = (),
    issued: str | None = None,
    original_issued: str | None = None,
    original_language: str | None = None,
    original_title: str | None = None,
    original_venue: str | None = None,
    original_publisher: str | None = None,
    original_url: str | None = None,
    series: str | None = None,
    series_number: str | None = None,
    publisher: str | None = None,
    place: str | None = None,
    language: str | None = None,
    subjects: Iterable[str] = (),
    abstract: str | None = None,
    url: str | None = None,
    doi: str | None = None,
    id: str | None = None,
    base: dict[str, Any] | None = None,
    known: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Record data from command-line fields, over ``base`` (a record read with --from).

    Bylines are parsed into persons with affiliations; acronyms in ``known`` expand.
    """
    data: dict[str, Any] = dict(base or {})
    simple = {
        "id": id, "type": type, "title": title, "subtitle": subtitle, "issued": issued,
        "series": series, "series_number": series_number, "publisher": publisher,
        "place": place, "language": language, "abstract": abstract, "url": url, "doi": doi,
    }
    for key, value in simple.items():
        if value is not None:
            data[key] = value
    known = dict(known or {})
    for acronym, name in acronyms_from([data.get("publisher") or ""]).items():
        known.setdefault(acronym, name)
    authors = [parse_byline(b, known).model_dump(exclude_none=True, exclude_defaults=True)
               for b in bylines]
    authors += [{"organization": o} for o in organizations]
    if authors:
        data["authors"] = authors
    if translators:
        data["translators"] = [_agent(t) for t in translators]
    if editors:
        data["editors"] = [_agent(e) for e in editors]
    if subjects:
        data["subjects"] = list(subjects)
    original = dict(data.get("original") or {})
    for key, value in (("issued", original_issued), ("language", original_language),
                       ("title", original_title), ("venue", original_venue),
                       ("publisher", original_publisher), ("url", original_url)):
        if value is not None:
            original[key] = value
    if original:
        data["original"] = original
    return data


def read_record_file(path: Path) -> dict[str, Any]:
    """The one record in a YAML or JSON file (for ``archive add --from``)."""
    data = yamlio.load_path(path)
    if not isinstance(data, dict):
        raise ArchiveError(f"{path}: must hold one record (a mapping of fields), "
                           f"not {type(data).__name__}")
    return data


def _agent(text: str) -> dict[str, Any]:
    """A translator or editor: a name, or ``org:Name`` for an organization."""
    if text.lower().startswith("org:"):
        return {"organization": text[4:].strip()}
    return parse_name(text).model_dump(exclude_none=True, exclude_defaults=True)


def missing_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Required fields not given at all (an explicit empty value is left to validation,
    which says "must not be empty")."""
    return [(f, flag) for f, flag in REQUIRED if data.get(f) is None or data.get(f) == []]


# --------------------------------------------------------------------------- edit --set


def parse_assignment(text: str) -> tuple[str, Any]:
    """``FIELD=VALUE``; a VALUE starting with ``[`` or ``{`` is read as YAML (lists, mappings)."""
    field, sep, value = text.partition("=")
    field = field.strip()
    if not sep or not field:
        raise ArchiveError(f"--set {text!r}: write FIELD=VALUE, e.g. --set title='New title'")
    value = value.strip()
    if value[:1] in ("[", "{"):
        value = yamlio.loads(value, f"--set {field}")
    return field, (value if value != "" else None)


def set_path(data: dict[str, Any], field: str, value: Any) -> None:
    """Set ``field`` (``original.issued``, ``authors[0].given``) in ``data``; None removes it."""
    path = yamlio.split_field(field)
    if not path or not isinstance(path[0], str):
        raise ArchiveError(f"{field!r}: not a field name")
    node: Any = data
    for i, part in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise ArchiveError(f"{field}: {_join(path[:i + 1])} does not exist")
            node = node[part]
        else:
            if not isinstance(node, dict):
                raise ArchiveError(f"{field}: {_join(path[:i])} is not a mapping")
            if node.get(part) is None:
                node[part] = [] if isinstance(nxt, int) else {}
            node = node[part]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list):
            raise ArchiveError(f"{field}: {_join(path[:-1])} is not a list")
        if last == len(node) and value is not None:
            node.append(value)
        elif last < len(node):
            if value is None:
                node.pop(last)
            else:
                node[last] = value
        else:
            raise ArchiveError(f"{field}: index {last} is past the end of the list "
                               f"({len(node)} items)")
    else:
        if not isinstance(node, dict):
            raise ArchiveError(f"{field}: {_join(path[:-1])} is not a mapping")
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value


def apply_edits(record: Any, sets: Iterable[str] = (), unsets: Iterable[str] = ()) -> Any:
    """The record with ``--set FIELD=VALUE`` and ``--unset FIELD`` applied, validated.

    Raises ArchiveError naming each invalid field; the id never changes.
    """
    from .errors import InvalidRecord
    from .model import validate_record

    data = record.to_data()
    for text in sets:
        field, value = parse_assignment(text)
        set_path(data, field, value)
    for field in unsets:
        set_path(data, field, None)
    if data.get("id") != record.id:
        raise ArchiveError("id: a record's id cannot be changed (it is how it is cited "
                           "and harvested); nothing was saved")
    try:
        return validate_record(data)
    except InvalidRecord as exc:
        raise ArchiveError("the edited record is not valid; nothing was saved",
                           exc.details) from None


ERROR_PREFIX = "# error: "


def edited_record(text: str, record_id: str, source: str) -> Any:
    """A record from YAML a librarian edited; ``# error:`` lines we added are ignored.

    Raises ArchiveError with one detail per problem.
    """
    from .errors import InvalidRecord
    from .model import validate_record

    data = yamlio.loads(strip_error_lines(text), source)
    if isinstance(data, dict) and data.get("id") != record_id:
        raise InvalidRecord("the id cannot change",
                            [f"id: a record's id cannot be changed (it was {record_id!r})"])
    return validate_record(data)


def strip_error_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(ERROR_PREFIX))


def with_error_lines(text: str, problems: list[str]) -> str:
    return "".join(f"{ERROR_PREFIX}{p}\n" for p in problems) + strip_error_lines(text) + "\n"


def _join(path: list[Any]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


# --------------------------------------------------------------------------- list filters




def author_text(data: dict[str, Any]) -> str:
    parts = []
    for key in ("authors", "translators", "editors"):
        for a in data.get(key) or []:
            parts.append(" ".join(a.get(k, "") for k in ("organization", "given",
                                                        "non_dropping_particle", "family",
                                                        "original_script")))
    return fold(" ".join(parts))


def matches(data: dict[str, Any], *, author: str | None = None, series: str | None = None,
            year: str | None = None, type: str | None = None,
            subject: str | None = None) -> bool:
    if author and fold(author) not in author_text(data):
        return False
    if series and fold(series) not in fold(data.get("series", "")):
        return False
    if year:
        issued = str(data.get("issued", ""))
        if not _year_matches(year, issued):
            return False
    if type and data.get("type", "commentary") != type:
        return False
    if subject and not any(fold(subject) in fold(s) for s in data.get("subjects", [])):
        return False
    return True


def _year_matches(spec: str, issued: str) -> bool:
    """``2022`` or a range ``2020-2022`` / ``2020..2022``."""
    if not issued:
        return False
    y = int(issued[:4])
    m = re.fullmatch(r"\s*(\d{4})\s*(?:(?:-|\.\.)\s*(\d{4}))?\s*", spec)
    if not m:
        raise ArchiveError(f"--year {spec!r}: write a year (2022) or a range (2020-2022)")
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    return lo <= y <= hi


def first_author(data: dict[str, Any]) -> str:
    agents = data.get("authors") or data.get("editors") or []
    if not agents:
        return ""
    a = agents[0]
    if "organization" in a and "family" not in a:
        name = a["organization"]
    else:
        name = ", ".join(p for p in (a.get("family"), a.get("given")) if p)
    return name + (" et al." if len(agents) > 2 else (" & …" if len(agents) == 2 else ""))


def full_title(data: dict[str, Any]) -> str:
    from .formats.base import join_title

    return join_title(data["title"], data.get("subtitle"))


SORTS = ("date", "title", "id", "author", "added")


def select(rows: Iterable[dict[str, Any]], *, sort: str = "date", **filters: Any
           ) -> list[dict[str, Any]]:
    """Records (as data) that match every filter, sorted; ``archive list``."""
    from .model import TYPES

    if sort not in SORTS:
        raise ArchiveError(f"--sort {sort!r}: use one of {', '.join(SORTS)}")
    if filters.get("type") is not None and filters["type"] not in TYPES:
        raise ArchiveError(f"--type {filters['type']!r}: not a type; use one of "
                           f"{', '.join(TYPES)}")
    return sort_entries([d for d in rows if matches(d, **filters)], sort)


def sort_entries(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    if by == "date":
        return sorted(rows, key=lambda d: (str(d.get("issued", "")), d["id"]), reverse=True)
    if by == "title":
        return sorted(rows, key=lambda d: fold(d.get("title", "")))
    if by == "author":
        return sorted(rows, key=lambda d: (fold(first_author(d)), str(d.get("issued", ""))))
    if by == "added":
        return sorted(rows, key=lambda d: str((d.get("provenance") or {}).get("added", "")),
                      reverse=True)
    return sorted(rows, key=lambda d: d["id"])
