"""Our own records as YAML or JSON: lossless, so an archive can be moved whole.

Import reads a list of records, ``{"records": [...]}``, or one record. YAML is
read whole (a YAML document cannot be split safely before it is parsed); JSON too,
with the error messages of :mod:`archive.yamlio` (file, line, column).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from .. import yamlio
from .base import Entry, FormatError

#: every field: these formats are the record itself
CARRIES = {name: name for name in (
    "id", "type", "title", "subtitle", "language", "issued", "series", "series_number",
    "publisher", "place", "container_title", "volume", "issue", "pages", "number", "genre",
    "edition", "authors", "authors.affiliations", "authors.order", "translators", "editors",
    "original.language", "original.issued", "original.title", "original.title_original_script",
    "original.venue", "original.publisher", "original.place", "original.url", "subjects",
    "abstract", "url", "doi", "identifiers", "accessed", "rights", "files", "notes")}


def dump_yaml(records: list[dict[str, Any]]) -> str:
    """A YAML list of records, each with its keys in the record's order."""
    return "".join("- " + yamlio.dump_record(r).replace("\n", "\n  ").rstrip(" ") for r in records)


def dump_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _entries(data: Any, source: str) -> Iterator[Entry]:
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError(f"{source}: expected a record or a list of records, "
                          f"not {type(data).__name__}")
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield Entry(index=index, errors=[f"must be a record (a mapping of fields), not "
                                             f"{type(item).__name__}"])
            continue
        key = item.get("id")
        yield Entry(index=index, key=None if key is None else str(key), data=dict(item),
                    mapped=list(item))


def load_yaml(stream: TextIO, source: str) -> Iterator[Entry]:
    text = stream.read()
    if not text.strip():
        raise FormatError(f"{source}: the file is empty")
    yield from _entries(yamlio.loads(text, source), source)


def load_json(stream: TextIO, source: str) -> Iterator[Entry]:
    text = stream.read()
    if not text.strip():
        raise FormatError(f"{source}: the file is empty")
    yield from _entries(yamlio.loads_json(text, source), source)
