"""``archive ingest``: a record drafted from the commentary itself, then added with the
file archived beside it (media type, size, sha256).

The steps are separate so that the CLI can show the draft, ask for what is missing
and confirm between them: :func:`plan` reads and drafts, :func:`check` validates and
looks for likely duplicates, :func:`commit` writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import duplicates, operations
from .drafting import MAX_BYTES, Document, Draft, draft, read_document
from .drafting.base import get
from .errors import ArchiveError, InvalidRecord
from .files import file_entry
from .index import records_data
from .model import Record
from .store import Archive

# fields a record cannot be added without, and how to give each one (for messages)
REQUIRED = (("title", "--set title=..."), ("authors", "--set 'authors=[{family: ..., "
            "given: ...}]'"), ("issued", "--set issued=YYYY-MM-DD"))


@dataclass
class Plan:
    path: Path
    document: Document
    draft: Draft
    data: dict[str, Any]
    file: dict[str, Any]  # the archived file as the record will list it
    existing: list[dict[str, Any]]  # the archive's records (read once, for acronyms and duplicates)
    given: list[str] = field(default_factory=list)  # fields set with --set or --id

    @property
    def text(self) -> str:
        """The document's text as the search index keeps it."""
        from .fulltext import MAX_CHARS

        return self.document.text[:MAX_CHARS]

    @property
    def source(self) -> str:
        return f"archive ingest {self.path.name}"

    def missing_required(self) -> list[str]:
        return [f for f, _ in REQUIRED if not self.data.get(f)]

    def not_found(self) -> list[str]:
        """What the draft could not find and nobody gave since."""
        return [f for f in self.draft.missing if get(self.data, f) in (None, "", [])]


def ordered(data: dict[str, Any]) -> dict[str, Any]:
    """The draft's fields in the order of a record.yaml (for showing it)."""
    from .model import Original

    def by(fields: Iterable[str], d: dict[str, Any]) -> dict[str, Any]:
        order = list(fields)
        return {**{k: d[k] for k in order if k in d},
                **{k: v for k, v in d.items() if k not in order}}

    out = by(Record.model_fields, data)
    if isinstance(out.get("original"), dict):
        out["original"] = by(Original.model_fields, out["original"])
    return out


def plan(archive: Archive, path: str | Path, *, record_id: str | None = None,
         sets: Iterable[str] = (), max_bytes: int = MAX_BYTES) -> Plan:
    """Read ``path`` and draft its record; ``sets`` (FIELD=VALUE) and ``record_id``
    complete or correct the draft. Raises ArchiveError for a file that cannot be read."""
    path = Path(path)
    document = read_document(path, max_bytes)
    existing = records_data(archive)
    made = draft(document, operations.known_acronyms(existing))
    data = dict(made.data)
    given = []
    for text in sets:
        name, value = operations.parse_assignment(text)
        operations.set_path(data, name, value)
        given.append(name)
    if record_id:
        data["id"] = record_id
        given.append("id")
    entry = file_entry(path)
    return Plan(path, document, made, data, entry, existing, given)


def check(archive: Archive, plan: Plan) -> tuple[Record, list[duplicates.Match]]:
    """The record as it would be added (validated, with its id), and the records it
    likely duplicates (same file, DOI, web address, or title, first author and year)."""
    missing = plan.missing_required()
    if missing:
        hints = dict(REQUIRED)
        raise ArchiveError(
            f"{plan.path}: could not find " + ", ".join(missing) + " in the document; "
            "nothing was written",
            [f"give {name} with {hints[name]}" for name in missing])
    data = {**plan.data, "files": [*(plan.data.get("files") or []), plan.file]}
    if data.get("id") and archive.taken(data["id"]):
        raise ArchiveError(f"--id: {archive._taken_message(data['id'])}")
    try:
        record = archive.prepare(data, plan.source)
    except InvalidRecord as exc:
        raise ArchiveError(f"{plan.path}: the drafted record is not valid; nothing was "
                           "written", exc.details) from None
    return record, duplicates.find(record.to_data(), plan.existing)


def commit(archive: Archive, plan: Plan) -> Record:
    """Add the record, with the document archived in its folder; the copy must have the
    sha256 the file had when it was read (else nothing is written)."""
    data = dict(plan.data)
    return archive.add(data, plan.source, files=[(plan.path, plan.file)])


def attach(archive: Archive, path: str | Path, record_id: str,
           max_bytes: int = MAX_BYTES) -> Record:
    """Archive the commentary at ``path`` with the existing record ``record_id`` (one
    added before its text was at hand, like the shipped seed's record). The file is read
    as for ingesting (refused when empty, binary, too large); a file another record
    already holds is refused."""
    path = Path(path)
    read_document(path, max_bytes)
    entry = file_entry(path)
    archive.read(record_id)  # NotFound before anything else
    holders = [m.id for m in duplicates.Finder(records_data(archive)).find(
        {"id": "", "files": [entry]}) if m.reason == duplicates.SAME_FILE]
    if holders:
        raise ArchiveError(f"{path}: {', '.join(holders)} already holds this file (same "
                           "sha256); nothing was written")
    return archive.attach(record_id, path, entry)
