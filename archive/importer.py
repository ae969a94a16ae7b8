"""``archive import``: records from our own YAML/JSON or from CSL-JSON, all or nothing.

Every item is converted and validated before anything is written; one bad
item and nothing is written, and the report names each bad item by index and id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import duplicates, yamlio
from .errors import ArchiveError, InvalidRecord
from .formats import csljson
from .model import SLUG_RE, TYPES, Record
from .store import Archive

FORMATS = ("yaml", "json", "csl-json")
_OUR_ONLY_KEYS = {"authors", "translators", "editors", "subtitle", "series", "original", "files",
                  "subjects", "provenance", "container_title", "series_number"}
_CSL_ONLY_KEYS = {"author", "translator", "editor", "container-title", "collection-title",
                  "URL", "DOI", "original-date", "publisher-place", "keyword", "page"}


@dataclass
class ItemReport:
    index: int  # 1-based position in the file
    id: str | None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"item {self.index}" + (f" (id {self.id})" if self.id else "")


@dataclass
class ImportPlan:
    source: Path
    format: str
    records: list[Record]
    items: list[ItemReport]

    @property
    def bad(self) -> list[ItemReport]:
        return [i for i in self.items if i.errors]

    @property
    def ok(self) -> bool:
        return not self.bad


class ImportFailed(ArchiveError):
    def __init__(self, plan: ImportPlan):
        bad = plan.bad
        lines = [f"{i.label}: {e}" for i in bad for e in i.errors]
        super().__init__(
            f"{plan.source}: {len(bad)} of {len(plan.items)} items cannot be imported; "
            "nothing was written",
            lines,
        )
        self.plan = plan


def detect_format(path: Path, items: Any) -> str:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    seq = items if isinstance(items, list) else [items]
    dicts = [i for i in seq if isinstance(i, dict)]
    ours = any(_OUR_ONLY_KEYS & i.keys() or i.get("type") in ("commentary", "op-ed", "blog-post")
               for i in dicts)
    csl = any(_CSL_ONLY_KEYS & i.keys()
              or (i.get("type") in csljson.CSL_TYPES and i.get("type") not in TYPES)
              or any(isinstance(v, dict) and "date-parts" in v for v in i.values())
              for i in dicts)
    if csl and not ours:
        return "csl-json"
    return "json" if suffix == ".json" or not suffix else "yaml"


def read_items(path: Path, fmt: str | None) -> tuple[str, list[Any]]:
    if fmt is not None and fmt not in FORMATS:
        raise ArchiveError(f"--format {fmt!r}: not a format for import; use one of: "
                           + ", ".join(FORMATS))
    data = yamlio.load_path(path, as_json=True if fmt in ("json", "csl-json") else
                            (False if fmt == "yaml" else None))
    fmt = fmt or detect_format(path, data)
    if fmt == "csl-json":
        if not isinstance(data, list):
            if isinstance(data, dict) and "type" in data:
                data = [data]
            else:
                raise ArchiveError(f"{path}: CSL-JSON must be a list of items (or one item), "
                                   f"not {type(data).__name__}")
        return fmt, data
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ArchiveError(f"{path}: expected a record or a list of records, "
                           f"not {type(data).__name__}")
    return fmt, data


def plan_import(archive: Archive, path: Path, fmt: str | None = None,
                existing: list[dict[str, Any]] | None = None,
                progress_factory: Callable[[int], Any] | None = None) -> ImportPlan:
    """Convert and validate every item; nothing is written.

    ``progress_factory(total)`` may return a context manager yielding ``advance(n)``.
    """
    fmt, raw = read_items(path, fmt)
    if not raw:
        raise ArchiveError(f"{path}: no records in the file; nothing to import")
    if progress_factory is None:
        return _plan(archive, path, fmt, raw, existing, None)
    with progress_factory(len(raw)) as advance:
        return _plan(archive, path, fmt, raw, existing, advance)


def _plan(archive: Archive, path: Path, fmt: str, raw: list[Any],
          existing: list[dict[str, Any]] | None,
          progress: Callable[[int], Any] | None) -> ImportPlan:
    source = f"import {path.name}"
    reports: list[ItemReport] = []
    records: list[Record] = []
    reserved: set[str] = set()
    prepared: list[tuple[ItemReport, dict[str, Any]]] = []
    for n, item in enumerate(raw, start=1):
        report = ItemReport(index=n, id=item.get("id") if isinstance(item, dict) else None)
        if isinstance(report.id, (int, float)):
            report.id = str(report.id)
        reports.append(report)
        if fmt == "csl-json":
            conv = csljson.item_to_data(item)
            report.errors.extend(conv.errors)
            report.notes.extend(conv.notes)
            data = conv.data
        elif isinstance(item, dict):
            data = dict(item)
        else:
            report.errors.append(f"must be a record (a mapping of fields), not "
                                 f"{type(item).__name__}")
            data = {}
        if not report.errors:
            prepared.append((report, data))
        if progress:
            progress(1)
    # explicit ids first, so that generated ids never take an id the file asks for
    for report, data in prepared:
        wanted = data.get("id")
        if isinstance(wanted, str) and SLUG_RE.match(wanted):  # others fail validation
            if wanted in reserved:
                report.errors.append(f"id {wanted!r} appears more than once in the file")
            elif archive.taken(wanted):
                report.errors.append(archive._taken_message(wanted))
            reserved.add(str(wanted))
    made: list[tuple[ItemReport, Record]] = []
    for report, data in prepared:
        if report.errors:
            continue
        try:
            record = archive.prepare(data, source, reserved)
        except InvalidRecord as exc:
            report.errors.extend(exc.details)
            continue
        reserved.add(record.id)
        report.id = record.id
        records.append(record)
        made.append((report, record))
    # likely duplicates: against the archive and within the file
    existing = existing if existing is not None else []
    seen: dict[Any, list[tuple[str, Any]]] = {}
    for data in existing:
        k = duplicates.key(data)
        if k:
            seen.setdefault(k[:3], []).append((data["id"], k))
    for report, record in made:
        k = duplicates.key(record.to_data())
        if not k:
            continue
        report.duplicates.extend(i for i, other in seen.get(k[:3], [])
                                 if duplicates.same(k, other))
        seen.setdefault(k[:3], []).append((record.id, k))
    return ImportPlan(source=path, format=fmt, records=records, items=reports)


def run_import(archive: Archive, plan: ImportPlan,
               progress: Callable[[int], Any] | None = None) -> list[Record]:
    if not plan.ok:
        raise ImportFailed(plan)
    archive.add_many(plan.records, progress=progress)
    return plan.records
