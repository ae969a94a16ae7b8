"""``archive validate``: every check on the archive, as problems a librarian can act on.

Each problem names the file (and line, where there is one), the field, and what
is wrong. Errors make ``archive validate`` exit 1; warnings (likely duplicates)
are reported and do not, unless ``--strict``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import duplicates
from .errors import ArchiveError
from .files import hash_file
from .model import SLUG_RE, Record
from .store import RECORD_FILE, Archive


@dataclass(frozen=True)
class Problem:
    file: str
    problem: str
    field: str | None = None
    line: int | None = None
    record: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        field = f" {self.field}:" if self.field else ""
        tag = "" if self.severity == "error" else f" ({self.severity})"
        return f"{where}:{field} {self.problem}{tag}"


def _rel(archive: Archive, path: Path) -> str:
    try:
        return str(path.relative_to(archive.root))
    except ValueError:
        return str(path)


def check_record_file(archive: Archive, folder_id: str) -> tuple[Record | None, list[Problem]]:
    """Schema and folder checks for one record folder."""
    path = archive.records / folder_id / RECORD_FILE
    rel = _rel(archive, path)
    if not SLUG_RE.match(folder_id):
        return None, [Problem(_rel(archive, path.parent), f"folder name {folder_id!r} is not a "
                              "valid id (lowercase letters, digits and '-')", record=folder_id)]
    if not path.is_file():
        return None, [Problem(_rel(archive, path.parent), f"no {RECORD_FILE} in this record "
                              "folder", record=folder_id)]
    try:
        record = archive.load_folder(folder_id)
    except ArchiveError as exc:
        located = exc.located or [(None, None, exc.message)]
        return None, [Problem(rel, problem, field=field, line=line, record=folder_id)
                      for line, field, problem in located]
    problems = []
    if (archive.deleted / folder_id).exists():
        problems.append(Problem(rel, f"a removed record with the same id is in "
                                f"deleted/{folder_id}", field="id", record=folder_id,
                                severity="warning"))
    return record, problems


def check_files(archive: Archive, record: Record, folder_id: str | None = None) -> list[Problem]:
    """Fixity: every archived file present, with the recorded size and sha256."""
    folder = archive.records / (folder_id or record.id)
    rel_yaml = _rel(archive, folder / RECORD_FILE)
    problems = []
    for i, f in enumerate(record.files):
        path = folder / f.path
        rel = _rel(archive, path)
        if not path.is_file():
            problems.append(Problem(rel, "archived file is missing", field=f"files[{i}]",
                                    record=record.id))
            continue
        size, digest = hash_file(path)
        if size != f.bytes:
            problems.append(Problem(rel, f"size is {size} bytes, the record says {f.bytes} "
                                    "(changed or truncated)", field=f"files[{i}].bytes",
                                    record=record.id))
        if digest != f.sha256:
            problems.append(Problem(rel, f"sha256 is {digest}, the record says {f.sha256} "
                                    "(the file has changed)", field=f"files[{i}].sha256",
                                    record=record.id))
    listed = {f.path for f in record.files}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = Path(dirpath) / name
            relname = path.relative_to(folder).as_posix()
            if relname == RECORD_FILE or name.startswith("."):
                continue
            if relname not in listed:
                problems.append(Problem(_rel(archive, path), f"file is not listed in "
                                        f"{rel_yaml} (files:)", record=record.id,
                                        severity="warning"))
    return problems


def _check_folder(job: tuple[str, str, bool]
                  ) -> tuple[str, list[Problem], dict[str, Any] | None]:
    """Every check of one record folder (runs in a worker for large archives)."""
    root, folder_id, fixity_only = job
    archive = Archive(root)
    record, found = check_record_file(archive, folder_id)
    if fixity_only:
        found = [p for p in found if record is None and p.severity == "error"]
    if record is None:
        return folder_id, found, None
    return folder_id, found + check_files(archive, record, folder_id), record.to_data()


def run(archive: Archive, ids: Iterable[str] | None = None, fixity_only: bool = False,
        progress: Callable[[int], Any] | None = None) -> list[Problem]:
    """All checks, or only fixity; ``ids`` limits them to some records."""
    wanted = list(ids) if ids else None
    folder_ids = archive.ids()
    if wanted is not None:
        missing = [i for i in wanted if i not in folder_ids]
        if missing:
            from .store import check_id

            for i in missing:
                check_id(i)
            raise ArchiveError(archive._not_found_message(missing[0]))
        targets = wanted
    else:
        targets = folder_ids
    from .parallel import map_ordered

    problems: list[Problem] = []
    valid: dict[str, dict[str, Any]] = {}
    jobs = [(str(archive.root), folder_id, fixity_only) for folder_id in targets]
    for folder_id, found, data in map_ordered(_check_folder, jobs, progress):
        problems.extend(found)
        if data is not None:
            valid[folder_id] = data
    if not fixity_only:
        problems.extend(_duplicate_problems(archive, valid, wanted))
    return problems


def _duplicate_problems(archive: Archive, checked: dict[str, dict[str, Any]],
                        wanted: list[str] | None) -> list[Problem]:
    pool = dict(checked)
    if wanted is not None:
        # compare the records asked about with the whole archive, from the index
        from .index import open_index

        index = open_index(archive)
        try:
            for entry in index.entries():
                if entry.data and entry.id not in pool:
                    pool[entry.id] = entry.data
        finally:
            index.close()
    problems = []
    for a, b, reason in duplicates.pairs(pool.values()):
        if wanted is not None and a not in wanted and b not in wanted:
            continue
        problems.append(Problem(
            _rel(archive, archive.records / a / RECORD_FILE),
            f"likely duplicate of {b} ({reason})", record=a, severity="warning"))
    return problems
