"""The archive on disk: ``records/<id>/record.yaml`` and the archived files beside it.

Layout of an archive root::

    records/<id>/record.yaml   one folder per record (room for its archived files)
    deleted/<id>/              removed records, with tombstone.yaml (id, when, why)
    styles/                    local CSL styles
    .archive/                  the lock, the search index, staging (not committed)

Writes are atomic (staged, fsynced, renamed) and taken under a lock, so two
librarians adding at once both land and a crash never leaves half a record.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ids as _ids
from . import yamlio
from .errors import ArchiveError, InvalidRecord, NotFound
from .ids import SLUG_RE

if TYPE_CHECKING:  # the model (pydantic) loads when a record is read or written
    from .model import Record


def validate_record(data: Any) -> Record:
    from .model import validate_record as validate

    return validate(data)

RECORD_FILE = "record.yaml"
TOMBSTONE_FILE = "tombstone.yaml"
STATE_DIR = ".archive"
ENV_ROOT = "ARCHIVE_ROOT"
LOCK_TIMEOUT = 60.0


def now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


def find_root(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """``--root``, else ``$ARCHIVE_ROOT``, else the nearest folder upward with ``records/``."""
    given = explicit if explicit is not None else os.environ.get(ENV_ROOT) or None
    if given is not None:
        root = Path(given).expanduser()
        how = "--root" if explicit is not None else f"${ENV_ROOT}"
        if not (root / "records").is_dir():
            raise NotFound(
                f"{root}: not an archive ({how} names a folder without records/). "
                f"Create one with: archive init {root}"
            )
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "records").is_dir():
            return folder
    raise NotFound(
        f"no archive here: no records/ folder in {here} or above it. Create one with "
        f"`archive init PATH`, or name one with --root PATH or ${ENV_ROOT}."
    )


GITIGNORE = "# the search index, the lock and staging: made again from records/\n.archive/\n"


def init(path: str | os.PathLike[str]) -> Path:
    """Make an empty archive at ``path`` (records/, deleted/, styles/, .gitignore)."""
    root = Path(path).expanduser()
    if root.exists() and not root.is_dir():
        raise ArchiveError(f"{root}: exists and is not a folder")
    if (root / "records").is_dir():
        raise ArchiveError(f"{root}: already an archive (it has records/)")
    for sub in ("records", "deleted", "styles", STATE_DIR):
        (root / sub).mkdir(parents=True, exist_ok=True)
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    elif ".archive/" not in ignore.read_text(encoding="utf-8"):
        with ignore.open("a", encoding="utf-8") as fh:
            fh.write("\n" + GITIGNORE)
    return root.resolve()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, text: str | bytes, sync: bool = True) -> None:
    """Write ``text`` (UTF-8, lines as given) or bytes to ``path`` whole or not at all."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    if sync:
        _fsync_dir(path.parent)


def check_id(record_id: str) -> str:
    """Refuse anything that is not a slug before it comes near a path."""
    if not isinstance(record_id, str) or not SLUG_RE.match(record_id):
        raise NotFound(
            f"{record_id!r} is not a record id (ids are lowercase letters, digits and '-')"
        )
    return record_id


class Archive:
    """One archive root on disk."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self.records = self.root / "records"
        self.deleted = self.root / "deleted"
        self.styles = self.root / "styles"
        self.state = self.root / STATE_DIR

    @classmethod
    def open(cls, explicit: str | os.PathLike[str] | None = None) -> "Archive":
        return cls(find_root(explicit))

    # ----------------------------------------------------------------- paths and listing

    def record_dir(self, record_id: str) -> Path:
        return self.records / check_id(record_id)

    def record_file(self, record_id: str) -> Path:
        return self.record_dir(record_id) / RECORD_FILE

    def exists(self, record_id: str) -> bool:
        return (self.records / record_id / RECORD_FILE).exists()

    def taken(self, record_id: str) -> bool:
        """An id in use, or once used by a record now removed (ids are never reused)."""
        return (self.records / record_id).exists() or (self.deleted / record_id).exists()

    def ids(self) -> list[str]:
        """Ids of the record folders (a folder without record.yaml is still listed)."""
        try:
            entries = os.scandir(self.records)
        except FileNotFoundError:
            return []
        with entries:
            return sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))

    # ----------------------------------------------------------------- reading

    def read(self, record_id: str) -> Record:
        if not self.record_file(record_id).exists():
            raise NotFound(self._not_found_message(record_id))
        return self.load_folder(record_id)

    def load_folder(self, folder_id: str) -> Record:
        """The record in ``records/<folder_id>/``, whose id must be the folder's name."""
        path = self.records / folder_id / RECORD_FILE
        if not path.is_file():
            raise NotFound(f"{path.parent}: a record folder without {RECORD_FILE}")
        return self.load_file(path, folder_id)

    def require(self, record_id: str) -> Path:
        """The record's folder, or NotFound (valid or not, it exists)."""
        folder = self.record_dir(record_id)
        if not folder.is_dir():
            raise NotFound(self._not_found_message(record_id))
        return folder

    def _not_found_message(self, record_id: str) -> str:
        if (self.deleted / record_id).exists():
            return f"{record_id}: no such record (it was removed; `archive restore {record_id}`)"
        near = [i for i in self.ids() if record_id in i or i in record_id][:5]
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        return f"{record_id}: no such record in {self.records}.{hint}"

    @staticmethod
    def load_file(path: Path, folder_id: str | None = None) -> Record:
        """Parse and validate one record.yaml; errors name the file and line
        (``located`` holds them as (line, field, problem))."""
        text = yamlio.read_text(path)
        data = yamlio.loads(text, str(path))
        record = validate_file_data(data, text, path)
        if folder_id is not None and record.id != folder_id:
            problem = f"id {record.id!r} does not match the folder name {folder_id!r}"
            raise InvalidRecord(f"{path}: {problem}", [f"id: {problem}"],
                                [(yamlio.locate(text, ["id"]), "id", problem)])
        return record

    # ----------------------------------------------------------------- writing

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        self.state.mkdir(exist_ok=True)
        lock = FileLock(str(self.state / "lock"), timeout=LOCK_TIMEOUT)
        try:
            with lock:
                self._clean_after_crash()
                yield
        except Timeout:
            raise ArchiveError(
                f"{self.state / 'lock'}: another archive command has held the lock for "
                f"{LOCK_TIMEOUT:.0f} s; try again when it has finished"
            ) from None

    def _clean_after_crash(self) -> None:
        """Staging is only written under the lock, so what is there now was left by a
        writer that died; it never became part of the archive."""
        staging = self.state / "staging"
        if staging.is_dir():
            for leftover in staging.iterdir():
                shutil.rmtree(leftover, ignore_errors=True)

    def _stage(self, record: Record, sync: bool,
               files: Sequence[tuple[Path, str]] = ()) -> Path:
        """A staging folder holding the record and copies of ``files`` (source, sha256)."""
        from .files import copy_verified

        staging = self.state / "staging"
        if not staging.is_dir():
            staging.mkdir(parents=True)
        folder = staging / f"{record.id}.{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        try:
            for (src, digest), entry in zip(files, record.files[-len(files):] if files else []):
                copy_verified(src, folder / entry.path, digest)
            write_atomic(folder / RECORD_FILE, yamlio.dump_record(record.to_data()), sync=sync)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return folder

    def _stage_into(self, staging: Path, record: Record, data: dict[str, Any]) -> None:
        """Write a record into a staging folder of a batch (flushed once by the batch)."""
        folder = staging / record.id
        folder.mkdir()
        with open(folder / RECORD_FILE, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(yamlio.dump_record(data))

    def assign_id(self, data: dict[str, Any], reserved: set[str] | None = None,
                  used: set[str] | None = None) -> str:
        """A new id for ``data``; ``used`` (the ids of records/ and deleted/, listed once by a
        batch under the lock) saves looking on disk for each candidate."""
        reserved = reserved or set()
        if used is not None:
            return _ids.unique_id(_ids.base_id(data), lambda i: i in used or i in reserved)
        return _ids.unique_id(
            _ids.base_id(data), lambda i: self.taken(i) or i in reserved
        )

    def used_ids(self) -> set[str]:
        """Every id in records/ or deleted/ (ids are never reused)."""
        out: set[str] = set()
        for folder in (self.records, self.deleted):
            with contextlib.suppress(FileNotFoundError):
                out.update(os.listdir(folder))
        return out

    def prepare(self, data: dict[str, Any], source: str, reserved: set[str] | None = None,
                used: set[str] | None = None) -> Record:
        """Validate new record data, giving it an id and provenance (nothing written)."""
        data = dict(data)
        if not data.get("id"):
            data["id"] = self.assign_id(data, reserved, used)
        stamp = now()
        prov = dict(data.get("provenance") or {})
        prov.setdefault("added", stamp)
        prov.setdefault("updated", stamp)
        prov.setdefault("source", source)
        data["provenance"] = prov
        return validate_record(data)

    def add(self, data: dict[str, Any], source: str = "archive add",
            files: Sequence[Path | str | tuple[Path, dict[str, Any]]] = ()) -> Record:
        """Add one record; the id is generated when ``data`` has none.

        ``files`` are archived in the record's folder: each is described (media type,
        size, sha256) in the record's ``files`` and copied, the copy checked against it.
        A file may come as (path, entry) with the entry already made by
        :func:`archive.files.file_entry`: the copy must then match that entry's sha256.
        """
        from .files import file_entry, unique_names

        data = dict(data)
        pairs = [f if isinstance(f, tuple) else (Path(f), None) for f in files]
        paths = [Path(p) for p, _ in pairs]
        if paths:
            listed = list(data.get("files") or [])
            taken = {f.get("path") for f in listed if isinstance(f, dict)}
            entries = [{**made, "path": name} if made else file_entry(p, name)
                       for (p, made), name in zip(pairs, unique_names(paths, taken))]
            data["files"] = listed + entries
            sources = [(p, e["sha256"]) for p, e in zip(paths, entries)]
        else:
            sources = []
        with self.lock():
            record = self.prepare(data, source)
            if self.taken(record.id):
                raise ArchiveError(self._taken_message(record.id))
            folder = self._stage(record, sync=True, files=sources)
            try:
                os.rename(folder, self.records / record.id)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            _fsync_dir(self.records)
        return record

    def _taken_message(self, record_id: str) -> str:
        if (self.deleted / record_id).exists():
            return (f"id {record_id!r} belonged to a removed record (ids are not reused); "
                    f"restore it with `archive restore {record_id}` or choose another id")
        return f"id {record_id!r} already exists; choose another id or leave it out"

    def add_many(self, records: list[Record], progress: Any = None) -> None:
        """Write validated records (ids already given), all or none, under the lock."""
        with self.lock():
            staging = self.batch_staging()
            try:
                for record in records:
                    if self.taken(record.id):
                        raise ArchiveError(self._taken_message(record.id))
                    self._stage_into(staging, record, record.to_data())
                    if progress:
                        progress(1)
                self.commit_staged(staging, [r.id for r in records])
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def batch_staging(self) -> Path:
        """A new staging folder for a batch of records (to be used under the lock)."""
        staging = self.state / "staging" / f"batch-{uuid.uuid4().hex[:8]}"
        staging.mkdir(parents=True)
        return staging

    def commit_staged(self, staging: Path, ids: list[str]) -> None:
        """Make a staged batch part of the archive, all or none (under the lock): one flush
        for the whole batch before anything becomes visible, then a rename per record;
        what was renamed is taken back if a rename fails."""
        if hasattr(os, "sync"):
            os.sync()
        else:  # each staged file is flushed on its own
            for record_id in ids:
                with open(staging / record_id / RECORD_FILE, "rb+") as fh:
                    os.fsync(fh.fileno())
        moved: list[Path] = []
        try:
            for record_id in ids:
                if self.taken(record_id):
                    raise ArchiveError(self._taken_message(record_id))
                target = self.records / record_id
                os.rename(staging / record_id, target)
                moved.append(target)
            _fsync_dir(self.records)
        except BaseException:
            for target in moved:
                shutil.rmtree(target, ignore_errors=True)
            raise

    def attach(self, record_id: str, path: Path, entry: dict[str, Any] | None = None) -> Record:
        """Archive the file at ``path`` with an existing record: copied into its folder
        (checked against ``entry``'s sha256 when given) and listed in its ``files``."""
        from .files import copy_verified, file_entry, unique_names

        path = Path(path)
        with self.lock():
            record = self.read(record_id)
            [name] = unique_names([path], {f.path for f in record.files})
            made = {**(entry or file_entry(path)), "path": name}
            data = record.to_data()
            data["files"] = [*data.get("files", []), made]
            updated = validate_record(data)
            target = self.record_dir(record_id) / name
            # copied under a hidden name, then renamed: never half a file under its name
            partial = target.with_name(f".{name}.{uuid.uuid4().hex[:8]}.tmp")
            copy_verified(path, partial, made["sha256"])
            try:
                os.rename(partial, target)
                return self._save_locked(updated)
            except BaseException:
                partial.unlink(missing_ok=True)
                target.unlink(missing_ok=True)
                raise

    def save(self, record: Record) -> Record:
        """Replace an existing record (same id), stamping ``provenance.updated``."""
        with self.lock():
            if not self.exists(record.id):
                raise NotFound(self._not_found_message(record.id))
            return self._save_locked(record)

    def _save_locked(self, record: Record) -> Record:
        from .model import Provenance

        prov = record.provenance or Provenance()
        record = record.model_copy(update={"provenance": prov.model_copy(update={
            "updated": now()})})
        record = validate_record(record.to_data())
        for stale in self.record_dir(record.id).glob(f".{RECORD_FILE}.*.tmp"):
            stale.unlink(missing_ok=True)  # left by a writer that died
        write_atomic(self.record_file(record.id), yamlio.dump_record(record.to_data()))
        return record

    # ----------------------------------------------------------------- removal

    def remove(self, record_id: str, reason: str | None = None) -> dict[str, Any]:
        """Move the record to ``deleted/<id>/`` with a tombstone; returns the tombstone."""
        with self.lock():
            folder = self.require(record_id)
            if (self.deleted / record_id).exists():
                raise ArchiveError(f"{self.deleted / record_id}: already exists; "
                                   "remove or rename it first")
            tomb = {"id": record_id, "deleted": now().isoformat().replace("+00:00", "Z"),
                    "reason": reason or None}
            tomb = {k: v for k, v in tomb.items() if v is not None}
            self.deleted.mkdir(exist_ok=True)
            write_atomic(folder / TOMBSTONE_FILE, yamlio.dumps(tomb))
            os.rename(folder, self.deleted / record_id)
            _fsync_dir(self.records)
            _fsync_dir(self.deleted)
        return tomb

    def restore(self, record_id: str) -> Record:
        with self.lock():
            check_id(record_id)
            gone = self.deleted / record_id
            if not gone.is_dir():
                raise NotFound(f"{record_id}: no removed record with this id in {self.deleted}")
            if (self.records / record_id).exists():
                raise ArchiveError(f"{self.records / record_id}: exists; cannot restore over it")
            record = self.load_file(gone / RECORD_FILE)
            (gone / TOMBSTONE_FILE).unlink(missing_ok=True)
            os.rename(gone, self.records / record_id)
            _fsync_dir(self.records)
        return record

    def tombstones(self) -> list[dict[str, Any]]:
        out = []
        if not self.deleted.is_dir():
            return out
        for folder in sorted(self.deleted.iterdir()):
            path = folder / TOMBSTONE_FILE
            if path.is_file():
                data = yamlio.loads(yamlio.read_text(path), str(path))
                if isinstance(data, dict):
                    out.append(data)
        return out


def validate_file_data(data: Any, text: str, path: Path) -> Record:
    """Validate data read from ``path``; each problem names the file and line."""
    try:
        return validate_record(data)
    except InvalidRecord as exc:
        located = []
        for detail in exc.details:
            field, sep, problem = detail.partition(": ")
            if not sep:
                field, problem = None, detail
            line = yamlio.locate(text, yamlio.split_field(field)) if field else None
            located.append((line, field, problem))
        lines = [f"{path}, line {line}: {detail}" if line else f"{path}: {detail}"
                 for (line, _, _), detail in zip(located, exc.details)]
        raise InvalidRecord(f"{path}: not a valid record: " + "; ".join(exc.details),
                            lines, located) from None
