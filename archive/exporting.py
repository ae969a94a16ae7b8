"""``archive export``: records in another format, for reference managers and catalogs.

Records are read through the search index (validated data, kept in step with
``records/``), chosen by id (in the order given), by ``--all`` (by id) or by a search
query (best match first), and handed to the format's module as plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import formats as _formats
from .errors import ArchiveError, NotFound


@dataclass
class Export:
    format: _formats.Format
    content: str | bytes
    count: int


def choose_format(name: str | None, output: Path | None) -> _formats.Format:
    """``--format`` when given, else the suffix of ``-o``."""
    if name:
        return _formats.get(name, export=True)
    if output is not None:
        fmt = _formats.from_suffix(output, export=True)
        if fmt is None:
            suffixes = sorted({s for f in _formats.FORMATS if f.can_export for s in f.suffixes})
            raise ArchiveError(f"-o {output}: cannot tell the format from the file name; give "
                               f"--format, or a file name ending in {', '.join(suffixes)}")
        return fmt
    raise ArchiveError("give --format (one of: " + ", ".join(_formats.names(export=True))
                       + "), or -o FILE with a suffix that names one")


def select(archive: Any, ids: list[str], all_records: bool = False, query: str | None = None,
           progress_factory: Callable[[int], Any] | None = None) -> list[dict[str, Any]]:
    """Record data for the ids given (in that order), every record, or a query's results."""
    from .index import open_index

    if sum(bool(x) for x in (ids, all_records, query)) != 1:
        raise ArchiveError("name the records to export: IDs, --all or --query (one of them)")
    index = open_index(archive, progress_factory)
    try:
        if all_records:
            entries = index.entries()
        elif query:
            entries = [e for e, _ in index.search(query, limit=None)]
            if not entries:
                raise ArchiveError(f"--query {query!r}: no record matches; nothing exported")
        else:
            entries = []
            missing = []
            for record_id in dict.fromkeys(ids):
                entry = index.entry(record_id)
                if entry is None:
                    missing.append(record_id)
                else:
                    entries.append(entry)
            if missing:
                if len(missing) == 1:
                    archive.require(missing[0])  # raises NotFound with the closest ids
                raise NotFound(f"no such records: {', '.join(missing)}; nothing exported")
    finally:
        index.close()
    bad = [e.id for e in entries if e.data is None]
    if bad:
        raise ArchiveError(f"not valid, so not exported: {', '.join(bad)} (run `archive "
                           f"validate {bad[0]}`); nothing exported")
    return [e.data for e in entries]


def export(archive: Any, fmt: str | None = None, output: Path | None = None, *,
           ids: list[str] | None = None, all_records: bool = False, query: str | None = None,
           progress_factory: Callable[[int], Any] | None = None) -> Export:
    if output is not None:
        check_output(output)
    chosen = choose_format(fmt, output)
    records = select(archive, ids or [], all_records, query, progress_factory)
    return Export(chosen, chosen.dump(records), len(records))


def check_output(path: Path) -> None:
    if path.is_dir():
        raise ArchiveError(f"-o {path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise ArchiveError(f"-o {path}: the folder {path.parent} does not exist")


def write_output(path: Path, content: str | bytes) -> None:
    """Write the export whole or not at all (a temporary file renamed into place)."""
    from .store import write_atomic

    check_output(path)
    write_atomic(path, content)
