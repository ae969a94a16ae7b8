"""``archive import``: records from BibTeX, BibLaTeX, RIS, CSL-JSON or our own YAML/JSON.

All or nothing. The file is read as a stream, entry by entry (:mod:`archive.formats`):
each entry is converted, validated and, unless this is a dry run, written to the
archive's staging folder at once, so memory stays flat however large the file. When
every entry is good, the staged records are flushed once and renamed into ``records/``;
when one is not, the staging is removed and the report names each bad entry by
position, key and line. Nothing in ``records/`` changes until the end.

Duplicates (``on_duplicate``): an entry whose id is already taken, or that is a likely
duplicate of a record (same DOI or web address, or same title, first author and year:
:mod:`archive.duplicates`)
or of an earlier entry, is refused with the whole import (``fail``, the default), left
out and reported (``skip``), or imported as a new record, with a new id where its id is
taken (``new``). An id that appears twice in one file is always an error.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import duplicates
from . import formats as _formats
from .errors import ArchiveError, InvalidRecord
from .formats.base import Entry, item_label
from .ids import SLUG_MAX, SLUG_RE
from .parallel import read_aside
from .store import Archive
from .textsource import TextSource, open_source

ON_DUPLICATE = ("fail", "skip", "new")
_OUR_ONLY_KEYS = {"authors", "translators", "editors", "subtitle", "series", "original", "files",
                  "subjects", "provenance", "container_title", "series_number"}
_CSL_ONLY_KEYS = {"author", "translator", "editor", "container-title", "collection-title",
                  "URL", "DOI", "original-date", "publisher-place", "keyword", "page"}
# fields and entry types only BibLaTeX has (urldate is not one: Zotero writes it in BibTeX)
_BIBLATEX_HINT_RE = re.compile(
    r"^\s*(origdate|origlanguage|origtitle|langid|journaltitle|location|date)\s*="
    r"|^\s*@(online|report|thesis|mvbook|mvcollection|bookinbook|dataset|software)\s*[{(]",
    re.IGNORECASE | re.MULTILINE)


@dataclass
class ItemReport:
    """What became of one entry of the file."""

    index: int
    line: int | None
    key: str | None
    id: str | None = None
    status: str = "imported"  # imported, would import, skipped, failed
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mapped: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return item_label(self.index, self.key, self.line)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}


@dataclass
class ImportResult:
    source: Path
    format: str
    dry_run: bool
    encoding_note: str | None = None
    total: int = 0
    ids: list[str] = field(default_factory=list)  # imported (or, in a dry run, importable)
    failed: list[ItemReport] = field(default_factory=list)
    skipped: list[ItemReport] = field(default_factory=list)
    warnings: list[ItemReport] = field(default_factory=list)  # likely duplicates imported
    detailed: list[ItemReport] = field(default_factory=list)  # with notes or dropped fields
    dropped: Counter[str] = field(default_factory=Counter)  # source field -> entries
    notes: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


class ImportFailed(ArchiveError):
    def __init__(self, result: ImportResult):
        bad = result.failed
        lines = [f"{i.label}: {e}" for i in bad for e in i.errors]
        super().__init__(
            f"{result.source}: {len(bad)} of {result.total} items cannot be imported; "
            "nothing was written",
            lines,
        )
        self.result = result


# --------------------------------------------------------------------------- format


def _looks_csl(items: list[Any]) -> bool:
    from .formats import csljson
    from .model import TYPES

    dicts = [i for i in items if isinstance(i, dict)]
    ours = any(_OUR_ONLY_KEYS & i.keys() or i.get("type") in ("commentary", "op-ed", "blog-post")
               for i in dicts)
    csl = any(_CSL_ONLY_KEYS & i.keys()
              or (i.get("type") in csljson.CSL_TYPES and i.get("type") not in TYPES)
              or any(isinstance(v, dict) and "date-parts" in v for v in i.values())
              for i in dicts)
    return csl and not ours


def _first_items(source: TextSource, n: int = 20) -> list[Any]:
    from .formats.jsonstream import iter_array

    out: list[Any] = []
    try:
        with source.open() as stream:
            for _, item in iter_array(stream, str(source.path), single=lambda v: True):
                if isinstance(item, dict) and isinstance(item.get("records"), list):
                    return item["records"][:n]
                out.append(item)
                if len(out) >= n:
                    break
    except ArchiveError:
        pass  # the reader of the chosen format reports it with its line
    return out


def detect_format(source: TextSource) -> tuple[_formats.Format, str | None]:
    """The format of a file from its suffix and, where that is ambiguous, its content;
    with a note saying why when the content decided."""
    path = source.path
    fmt = _formats.from_suffix(path, load=True)
    head = source.head()
    if fmt is not None and fmt.name == "bibtex":
        hints = list(dict.fromkeys(
            (m.group(1) or "@" + m.group(2)).lower() for m in _BIBLATEX_HINT_RE.finditer(head)))
        if hints:
            return _formats.get("biblatex"), (f"read as BibLaTeX: the file uses "
                                              f"{', '.join(hints[:3])} (give --format bibtex "
                                              "to read it as BibTeX)")
        return fmt, None
    if fmt is not None and fmt.name not in ("csl-json", "json"):
        return fmt, None
    stripped = head.lstrip("\ufeff \t\r\n")
    if fmt is None:
        if stripped.startswith("TY  -") or "\nTY  - " in head:
            return _formats.get("ris"), None
        if stripped.startswith("@") or "\n@" in head:
            return _formats.get("bibtex"), None
        if not stripped.startswith(("[", "{")):
            raise ArchiveError(f"{path}: cannot tell the format from the file name or its "
                               "start; give --format (one of: "
                               + ", ".join(_formats.names(load=True)) + ")")
    if _looks_csl(_first_items(source)):
        return _formats.get("csl-json"), None
    return _formats.get("json"), None


# --------------------------------------------------------------------------- import


def _no_progress(total: int) -> Any:
    import contextlib

    return contextlib.nullcontext(lambda n: None)


def import_file(archive: Archive, path: str | Path, fmt: str | None = None, *,
                dry_run: bool = False, on_duplicate: str = "fail",
                encoding: str | None = None,
                progress_factory: Callable[[int], Any] | None = None,
                on_item: Callable[[ItemReport], None] | None = None,
                keep_details: bool = False) -> ImportResult:
    """Import ``path`` all or nothing; raise :class:`ImportFailed` naming every bad entry.

    ``progress_factory(total_bytes)`` may return a context manager yielding
    ``advance(n_bytes)``; ``on_item`` sees each entry's report as it is made (for a
    report file); ``keep_details`` keeps the reports of entries with notes or dropped
    fields in the result (for --verbose)."""
    if on_duplicate not in ON_DUPLICATE:
        raise ArchiveError(f"--on-duplicate {on_duplicate!r}: use one of: "
                           + ", ".join(ON_DUPLICATE))
    path = Path(path)
    source = open_source(path, encoding)
    if fmt:
        chosen, why = _formats.get(fmt, load=True), None
    else:
        chosen, why = detect_format(source)
    result = ImportResult(source=path, format=chosen.name, dry_run=dry_run,
                          encoding_note=source.note)
    if why:
        result.encoding_note = f"{result.encoding_note}; {why}" if result.encoding_note else why
    if dry_run:
        _run(archive, source, chosen, result, on_duplicate, progress_factory, on_item,
             keep_details, staging=None)
        return result
    with archive.lock():
        staging = archive.batch_staging()
        try:
            _run(archive, source, chosen, result, on_duplicate, progress_factory, on_item,
                 keep_details, staging=staging)
            _commit(archive, staging, result)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return result


def _run(archive: Archive, source: TextSource, chosen: _formats.Format, result: ImportResult,
         on_duplicate: str, progress_factory: Callable[[int], Any] | None,
         on_item: Callable[[ItemReport], None] | None, keep_details: bool,
         staging: Path | None) -> None:
    seen = duplicates.for_archive(archive)
    existing_ids = archive.used_ids()  # records/ and deleted/, read once
    reserved: set[str] = set()
    provenance = f"import {source.path.name}"
    loader = chosen.loader()
    factory = progress_factory or _no_progress
    data_file = staging / "index.jsonl" if staging else None
    out = open(data_file, "w", encoding="utf-8") if data_file else None  # noqa: SIM115

    def produce() -> Iterator[tuple[Entry, int]]:
        with source.open() as stream:
            for entry in loader(stream, str(source.path)):
                yield entry, stream.bytes_read

    try:
        with factory(source.size) as advance:
            done = 0
            # the file is read and converted in a second process (large files, two cores)
            # while this one validates and stages what it has read
            for entry, now in read_aside(produce, source.size):
                report = _one(archive, entry, result, seen, existing_ids, reserved,
                              on_duplicate, provenance, staging, out)
                if keep_details and not report.errors and report.status != "skipped" and (
                        report.notes or report.dropped):
                    result.detailed.append(report)  # only on request: memory stays flat
                result.total += 1
                if on_item:
                    on_item(report)
                if now > done:
                    advance(now - done)
                    done = now
    finally:
        if out:
            out.close()
    if result.total == 0:
        raise ArchiveError(f"{source.path}: no records in the file; nothing to import")
    if result.failed:
        raise ImportFailed(result)


def _one(archive: Archive, entry: Entry, result: ImportResult,
         seen: duplicates.Finder, existing_ids: set[str],
         reserved: set[str], on_duplicate: str, provenance: str, staging: Path | None,
         out: Any) -> ItemReport:
    report = ItemReport(index=entry.index, line=entry.line, key=entry.key,
                        errors=list(entry.errors), notes=list(entry.notes),
                        mapped=list(entry.mapped), dropped=list(entry.dropped))
    for d in report.dropped:
        result.dropped[d.split(":", 1)[0].strip()] += 1
    result.notes += len(report.notes)
    data = entry.data
    if data and isinstance(data.get("files"), list) and data["files"]:
        report.notes.append(
            f"files: lists {len(data['files'])} archived file(s) that a record file does not "
            "hold; `archive validate` reports them missing until they are put in the "
            "record's folder (a bag, `archive bag`, moves records with their files)")
        result.notes += 1
    if not report.errors:
        wanted = data.get("id")
        if isinstance(wanted, str) and SLUG_RE.match(wanted) and len(wanted) <= SLUG_MAX:
            if wanted in reserved:
                report.errors.append(f"id {wanted!r} appears more than once in the file")
            elif wanted in existing_ids:
                if on_duplicate == "skip":
                    report.status = "skipped"
                    report.notes.append(f"id {wanted!r} already exists; left out "
                                        "(--on-duplicate skip)")
                elif on_duplicate == "new":
                    data = {k: v for k, v in data.items() if k != "id"}
                    report.notes.append(f"id {wanted!r} already exists; imported with a new id")
                else:
                    report.errors.append(archive._taken_message(wanted))
    record = None
    if not report.errors and report.status != "skipped":
        try:
            record = archive.prepare(data, provenance, reserved, existing_ids)
        except InvalidRecord as exc:
            report.errors.extend(exc.details)
    if record is not None:
        report.id = record.id
        record_data = record.to_data()
        dups = seen.find(record_data)
        if dups:
            report.duplicates = [m.id for m in dups]
            if on_duplicate == "fail":
                report.errors.append(
                    f"{duplicates.describe(dups)}; --on-duplicate skip leaves such items "
                    "out, --on-duplicate new imports them anyway")
            elif on_duplicate == "skip":
                report.status = "skipped"
                report.notes.append(f"{duplicates.describe(dups)}; left out "
                                    "(--on-duplicate skip)")
        if not report.errors and report.status != "skipped":
            seen.add(record_data)
        if not report.errors and report.status != "skipped":
            reserved.add(record.id)
            if staging is not None:
                archive._stage_into(staging, record, record_data)
                out.write(json.dumps([record.id, record_data], ensure_ascii=False) + "\n")
            else:
                report.status = "would import"
            result.ids.append(record.id)
            if report.duplicates:
                result.warnings.append(report)
    if report.errors:
        report.status = "failed"
        result.failed.append(report)
    elif report.status == "skipped":
        result.skipped.append(report)
    return report


def _commit(archive: Archive, staging: Path, result: ImportResult) -> None:
    """Flush the staged records once, rename them into records/, index them."""
    import sqlite3

    from .index import Index

    archive.commit_staged(staging, result.ids)
    index = Index(archive)
    try:
        index.note_written_data(_staged_rows(staging / "index.jsonl"))
    except sqlite3.Error:
        pass  # the index is a cache: the next command that opens it reads the new records
    finally:
        index.close()


def _staged_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            record_id, data = json.loads(line)
            yield record_id, data

