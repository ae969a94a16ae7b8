"""``archive bag`` and the bag branch of ``archive import``: BagIt packages of the archive.

A bag (RFC 8493, written and checked with the ``bagit`` library) holds, under ``data/``::

    records/<id>/   each record's folder as it is in the archive: record.yaml and its
                    archived files (hidden files, such as a writer's temporary files, left out)
    deleted/<id>/   with --all: the removed records, with their tombstones
    exports/        records.json (CSL-JSON), records.oai_dc.xml (oai_dc), records.bib (BibTeX)

with sha256 and sha512 manifests and tag manifests, and bag-info.txt (bagit writes
Bagging-Date and Payload-Oxum). Before anything is written, every record is validated and
every archived file checked against its record (size, sha256); one failure and nothing is
bagged. The bag is made in a hidden folder beside OUT and renamed to OUT once whole.

Restoring (:func:`restore`) validates the bag with bagit (every file present, none extra,
every checksum), then each record.yaml and each archived file against its record, and adds
the records all or nothing, as a file import does (``--on-duplicate`` fail, skip or new).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import duplicates, yamlio
from .checks import Problem, check_files, check_record_file
from .errors import ArchiveError, NotFound
from .files import hash_file, human_size
from .ids import SLUG_MAX, SLUG_RE
from .store import RECORD_FILE, TOMBSTONE_FILE, Archive, _fsync_dir, check_id

CHECKSUMS = ["sha256", "sha512"]
#: format name -> file name in data/exports/
EXPORTS = {"csl-json": "records.json", "oai_dc": "records.oai_dc.xml", "bibtex": "records.bib"}
PAYLOAD_DIRS = ("records", "deleted", "exports")
CHUNK = 1 << 20
PARALLEL_BYTES = 64 << 20  # above this much payload, bagit hashes with several processes
ON_DUPLICATE = ("fail", "skip", "new")
# a bag packed in one file (written by archive bag OUT.tar.gz, read by archive import)
PACKED_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")

Progress = Callable[[int], Any]  # progress_factory(total) -> context manager of advance(n)


class BagRefused(ArchiveError):
    """A bag that does not validate, or an archive that cannot be bagged."""


# --------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def _quiet_bagit() -> Iterator[Any]:
    """The bagit module, its log silenced: its warnings repeat what we report, and it logs
    a traceback when making a bag fails, which a user must never see."""
    import bagit

    logger = logging.getLogger("bagit")
    was = logger.disabled
    logger.disabled = True
    try:
        yield bagit
    finally:
        logger.disabled = was


@contextlib.contextmanager
def _no_progress(total: int) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


def _sync() -> None:
    if hasattr(os, "sync"):
        os.sync()


def _copy(src: Path, dest: Path, advance: Callable[[int], Any]) -> tuple[int, str]:
    """Streamed copy; returns the size and sha256 of what was read (and written)."""
    digest = hashlib.sha256()
    size = 0
    with open(src, "rb") as fin, open(dest, "xb") as fout:
        while chunk := fin.read(CHUNK):
            fout.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            advance(len(chunk))
    return size, digest.hexdigest()


def _files_in(folder: Path) -> Iterator[Path]:
    """Every file under ``folder`` (sorted), hidden files and folders left out."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _one_line(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    if not text:
        raise ArchiveError(f"{option}: must not be empty")
    return text


def _processes(payload_bytes: int) -> int:
    from .parallel import cores

    return min(cores(), 8) if payload_bytes > PARALLEL_BYTES else 1


# --------------------------------------------------------------------------- making a bag


@dataclass
class BagResult:
    path: Path
    records: list[str]
    tombstones: list[str]
    files: int  # archived files bagged (records and removed records)
    payload_bytes: int
    info: dict[str, str]
    notes: list[str] = field(default_factory=list)


def check_output(archive: Archive, out: Path) -> None:
    """OUT must be new (or an empty folder), in a folder that exists, outside the archive's
    own folders."""
    out = Path(out)
    if out.name.lower().endswith(PACKED_SUFFIXES):
        if out.exists() or out.is_symlink():
            raise ArchiveError(f"{out}: exists; give a new file name for the packed bag (an "
                               "existing file is never overwritten)")
    elif out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ArchiveError(f"{out}: exists and is not a folder; give a new folder name for "
                           "the bag")
    if out.is_dir() and any(out.iterdir()):
        raise ArchiveError(f"{out}: exists and is not empty; give a new folder name for the "
                           "bag (an existing bag is never overwritten)")
    parent = out.parent
    if not parent.is_dir():
        raise ArchiveError(f"{out}: the folder {parent} does not exist")
    where = out.resolve()
    root = archive.root.resolve()
    for inside in (archive.records, archive.deleted, archive.state):
        folder = (root / inside.name).resolve()
        if where == folder or where.is_relative_to(folder):
            raise ArchiveError(f"{out}: is inside the archive's {inside.name}/ folder; write "
                               "the bag outside it")


def _check_job(job: tuple[str, str, str]
               ) -> tuple[str, str, list[Problem], dict[str, Any] | None]:
    """Validate one record folder and check its archived files (runs in a worker for large
    archives): (where, id, problems, record data or None)."""
    root, where, folder_id = job
    archive = Archive(root)
    if where == "deleted":
        archive.records = archive.deleted  # check a removed record in the folder it lies in
    record, problems = check_record_file(archive, folder_id)
    if record is None:
        return where, folder_id, problems, None
    return where, folder_id, problems + check_files(archive, record, folder_id), record.to_data()


def _selected(archive: Archive, ids: list[str], all_records: bool) -> tuple[list[str], list[str]]:
    """(record ids, removed record ids) to bag."""
    if bool(ids) == bool(all_records):
        raise ArchiveError("name the records to bag: IDs or --all (one of them)")
    if all_records:
        records = archive.ids()
        removed = []
        if archive.deleted.is_dir():
            removed = sorted(e.name for e in os.scandir(archive.deleted)
                             if e.is_dir() and not e.name.startswith("."))
        if not records and not removed:
            raise ArchiveError(f"{archive.records}: the archive has no records; nothing to "
                               "bag")
        return records, removed
    wanted = list(dict.fromkeys(ids))
    for record_id in wanted:
        check_id(record_id)
    missing = [i for i in wanted if not archive.record_dir(i).is_dir()]
    if len(missing) == 1:
        archive.require(missing[0])  # NotFound naming the closest ids, or that it was removed
    if missing:
        raise NotFound(f"no such records: {', '.join(missing)}; nothing was bagged")
    return wanted, []


def make(archive: Archive, out: str | os.PathLike[str], ids: Iterable[str] = (), *,
         all_records: bool = False, source_organization: str | None = None,
         contact_name: str | None = None, contact_email: str | None = None,
         check_progress: Progress | None = None,
         copy_progress: Progress | None = None) -> BagResult:
    """Write the bag OUT whole or not at all.

    ``check_progress(records)`` and ``copy_progress(bytes)`` may return context managers
    yielding ``advance(n)`` (the CLI's progress bars)."""
    out = Path(os.path.abspath(out))
    source_organization = _one_line(source_organization, "--source-organization")
    contact_name = _one_line(contact_name, "--contact-name")
    contact_email = _one_line(contact_email, "--contact-email")
    if contact_email is not None and "@" not in contact_email:
        raise ArchiveError(f"--contact-email {contact_email!r}: not an e-mail address")
    check_output(archive, out)
    record_ids, removed_ids = _selected(archive, list(ids), all_records)

    # 1. every record valid and every archived file as its record says, before writing
    notes: list[str] = []
    problems: list[Problem] = []
    data: dict[tuple[str, str], dict[str, Any] | None] = {}
    from .parallel import map_ordered

    jobs = [(str(archive.root), "records", i) for i in record_ids]
    jobs += [(str(archive.root), "deleted", i) for i in removed_ids]
    with (check_progress or _no_progress)(len(jobs)) as advance:
        for where, folder_id, found, record_data in map_ordered(_check_job, jobs, advance):
            data[where, folder_id] = record_data
            for p in found:
                if where == "deleted" and record_data is None:
                    # a removed record may be broken (it may be why it was removed): it is
                    # bagged as it lies, with its tombstone
                    notes.append(f"{p.file}: {p.problem}; bagged as it is (a removed record)")
                elif p.severity == "error":
                    problems.append(p)
                elif "not listed" in p.problem and not p.file.endswith(TOMBSTONE_FILE):
                    notes.append(f"{p.file}: not listed in its record.yaml (files:); bagged "
                                 "all the same")
    if problems:
        records = sorted({p.record or "?" for p in problems})
        lines = [str(replace(p, file=str(archive.root / p.file))) for p in problems]
        raise BagRefused(
            f"cannot bag {', '.join(records)}: "
            + (lines[0] if len(lines) == 1 else f"{len(lines)} problems")
            + "; nothing was bagged", lines if len(lines) > 1 else [])

    # 2. stage the payload in a hidden folder beside OUT, then make it a bag there
    stage = out.parent / f".{out.name}.bag-{uuid.uuid4().hex[:8]}.tmp"
    stage.mkdir()
    try:
        result = _stage_and_bag(archive, stage, out, record_ids, removed_ids, data, notes,
                                source_organization, contact_name, contact_email,
                                all_records, copy_progress)
        if out.name.lower().endswith(PACKED_SUFFIXES):
            _pack(stage, out)
            return result
        _sync()
        try:
            os.rename(stage, out)  # an empty folder OUT is replaced whole (POSIX)
        except OSError:
            if not (out.is_dir() and not any(out.iterdir())):
                raise
            out.rmdir()
            os.rename(stage, out)
        _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return result


def _stage_and_bag(archive: Archive, stage: Path, out: Path, record_ids: list[str],
                   removed_ids: list[str],
                   data: dict[tuple[str, str], dict[str, Any] | None], notes: list[str],
                   source_organization: str | None, contact_name: str | None,
                   contact_email: str | None, all_records: bool,
                   copy_progress: Progress | None) -> BagResult:
    from . import __version__
    from . import formats as _formats

    sources = [(archive.records / i, stage / "records" / i, data["records", i])
               for i in record_ids]
    sources += [(archive.deleted / i, stage / "deleted" / i, data["deleted", i])
                for i in removed_ids]
    total = sum(f.stat().st_size for src, _, _ in sources for f in _files_in(src))
    problems: list[str] = []
    exported: list[dict[str, Any]] = []
    archived = 0
    with (copy_progress or _no_progress)(total) as advance:
        for src, dest, record_data in sources:
            dest.mkdir(parents=True)
            listed = {f["path"]: f for f in (record_data or {}).get("files", [])}
            for path in _files_in(src):
                rel = path.relative_to(src).as_posix()
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                size, digest = _copy(path, target, advance)
                entry = listed.get(rel)
                if entry is not None:
                    archived += 1
                    if (size, digest) != (entry["bytes"], entry["sha256"]):
                        problems.append(f"{path}: changed while it was being bagged (sha256 is "
                                        f"{digest}, the record says {entry['sha256']})")
            if record_data is None:
                continue
            # what the bag holds is what was checked: the record.yaml copied is read again
            bagged = Archive.load_file(dest / RECORD_FILE, dest.name).to_data()
            if bagged != record_data:
                problems.append(f"{src / RECORD_FILE}: changed while it was being bagged")
            elif dest.parent.name == "records":
                exported.append(bagged)
    if problems:
        raise BagRefused("the archive changed while it was being bagged; nothing was bagged; "
                         "run archive bag again", problems)

    if exported:
        (stage / "exports").mkdir()
        for name, filename in EXPORTS.items():
            content = _formats.get(name, export=True).dump(exported)
            body = content.encode("utf-8") if isinstance(content, str) else content
            (stage / "exports" / filename).write_bytes(body)
    payload = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file())

    info: dict[str, str] = {}
    if source_organization is None:
        publishers = {d.get("publisher") for d in exported}
        if len(publishers) == 1 and None not in publishers:
            source_organization = publishers.pop()
            notes.append(f"Source-Organization: {source_organization} (the publisher of every "
                         "record bagged; give --source-organization to name another)")
        else:
            notes.append("bag-info.txt has no Source-Organization (the records have no one "
                         "publisher): give --source-organization to name who holds the archive")
    for key, value in (("Source-Organization", source_organization),
                       ("Contact-Name", contact_name), ("Contact-Email", contact_email)):
        if value:
            info[key] = value
    with _quiet_bagit() as bagit:
        described = (f"{len(record_ids)} record(s) of the commentary archive "
                     f"{archive.root.name!r}, with {archived} archived file(s)")
        if removed_ids:
            described += f", and {len(removed_ids)} removed record(s) with their tombstones"
        if exported:
            described += "; exports beside them: CSL-JSON, Dublin Core (oai_dc), BibTeX"
        info["External-Description"] = described
        info["Internal-Sender-Description"] = ("archive bag --all" if all_records else
                                               "archive bag, records chosen by id")
        info["Bag-Size"] = human_size(payload)
        info["Bag-Software-Agent"] = (f"commentary-archive {__version__} "
                                      f"(bagit.py {bagit.VERSION})")
        try:
            made = bagit.make_bag(str(stage), bag_info=dict(info), checksums=list(CHECKSUMS),
                                  processes=_processes(payload)).info
        except (bagit.BagError, RuntimeError) as exc:
            raise BagRefused(f"{out}: the bag could not be made: {exc}; nothing was "
                             "bagged") from None
    return BagResult(out, record_ids, removed_ids, archived, payload,
                     {k: str(v) for k, v in made.items()}, notes)


# --------------------------------------------------------------------------- reading a bag


def is_bag(path: str | os.PathLike[str]) -> bool:
    return Path(path, "bagit.txt").is_file()


def validate_bag(path: Path, processes: int | None = None) -> Any:
    """The bag at ``path``, validated by bagit (structure, completeness, every checksum of
    payload and tag files); BagRefused names each file that is wrong."""
    if not path.is_dir():
        raise ArchiveError(f"{path}: not a folder")
    if not is_bag(path):
        raise BagRefused(f"{path}: is a folder, not a file, and not a bag either (no "
                         "bagit.txt); give a file to import, or a bag made by archive bag")
    with _quiet_bagit() as bagit:
        try:
            bag = bagit.Bag(str(path))
            fetch = list(bag.fetch_entries())
        except (bagit.BagError, UnicodeError, ValueError) as exc:
            raise BagRefused(f"{path}: not a readable bag: {exc}; nothing was imported") \
                from None
        if fetch:
            raise BagRefused(f"{path / 'fetch.txt'}: lists {len(fetch)} file(s) to download "
                             "into the bag; fetch them first (archive import does not "
                             "download); nothing was imported")
        if processes is None:
            # the size the bag declares (Payload-Oxum: bytes.files) is enough to choose
            oxum = str(bag.info.get("Payload-Oxum", "")).partition(".")[0]
            processes = _processes(int(oxum) if oxum.isdigit() else 0)
        try:
            bag.validate(processes=processes)
        except bagit.BagValidationError as exc:
            raise _refusal(path, bag, exc, bagit) from None
        except (bagit.BagError, UnicodeError, ValueError) as exc:
            raise BagRefused(f"{path}: not a valid bag: {exc}; nothing was imported") from None
    return bag


def _refusal(path: Path, bag: Any, exc: Any, bagit: Any) -> BagRefused:
    """The bagit failure as a message naming each file that is wrong."""
    lines = []
    details = list(exc.details) or _diagnose(path, bag)
    mismatched: dict[str, list[Any]] = {}
    for d in details:
        if isinstance(d, bagit.ChecksumMismatch):
            mismatched.setdefault(str(d.path), []).append(d)
    for d in details:
        full = path / d.path
        if isinstance(d, bagit.ChecksumMismatch):
            # one line per file, sha256 first (bagit's order of algorithms varies)
            same_file = sorted(mismatched.pop(str(d.path), []),
                               key=lambda m: (m.algorithm != "sha256", m.algorithm))
            if not same_file:
                continue
            d = same_file[0]
            which = "manifest" if str(d.path).startswith("data") else "tagmanifest"
            also = [m.algorithm for m in same_file[1:]]
            lines.append(f"{full}: {d.algorithm} is {d.found}, the bag's "
                         f"{which}-{d.algorithm}.txt says {d.expected}"
                         + (f" ({', '.join(also)} differs too)" if also else "")
                         + ": the file has changed")
        elif isinstance(d, bagit.FileMissing):
            lines.append(f"{full}: listed in the bag's manifest, but missing")
        elif isinstance(d, bagit.UnexpectedFile):
            lines.append(f"{full}: in the bag, but not in its manifest (added after bagging)")
        else:
            lines.append(f"{path}: {d}")
    reason = exc.message
    if len(lines) == 1:
        return BagRefused(f"the bag does not validate ({reason}): {lines[0]}; nothing was "
                          "imported")
    if not lines:
        return BagRefused(f"{path}: the bag does not validate: {exc}; nothing was imported")
    return BagRefused(f"{path}: the bag does not validate ({reason}): {len(lines)} files are "
                      "wrong; nothing was imported", lines)


def _diagnose(path: Path, bag: Any) -> list[Any]:
    """Which files make the Payload-Oxum check fail (bagit names none there): files missing
    or extra, else files whose checksum differs."""
    import bagit

    only_in_manifest, only_on_disk = bag.compare_manifests_with_fs()
    found: list[Any] = [bagit.FileMissing(p) for p in sorted(only_in_manifest)]
    found += [bagit.UnexpectedFile(p) for p in sorted(only_on_disk)]
    if found:
        return found
    for rel, hashes in sorted(bag.payload_entries().items()):
        alg = "sha256" if "sha256" in hashes else next(iter(hashes))
        digest = hashlib.new(alg)
        with open(path / rel, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != hashes[alg].lower():
            found.append(bagit.ChecksumMismatch(rel, alg, hashes[alg].lower(),
                                                digest.hexdigest()))
    return found


# --------------------------------------------------------------------------- restoring


@dataclass
class _Item:
    kind: str  # "record" or "removed"
    src: Path  # its folder in the bag
    bag_id: str
    id: str  # the id it gets in the archive
    data: dict[str, Any] | None  # record data (None for a removed record that is not valid)
    rewrite: bool = False  # a new id: record.yaml is written again


@dataclass
class RestoreResult:
    bag: Path
    dry_run: bool
    ids: list[str] = field(default_factory=list)  # records imported (or importable)
    removed: list[str] = field(default_factory=list)  # removed records restored to deleted/
    renamed: dict[str, str] = field(default_factory=dict)  # id in the bag -> new id
    skipped: list[str] = field(default_factory=list)  # what was left out, and why
    warnings: list[str] = field(default_factory=list)  # likely duplicates imported anyway


def _read_payload(bag: Path) -> tuple[list[_Item], list[str]]:
    """The bag's records and removed records, checked (each record.yaml valid, ids that are
    slugs, no links); returns (items, problems)."""
    data_dir = bag / "data"
    items: list[_Item] = []
    problems: list[str] = []
    for dirpath, dirnames, filenames in os.walk(data_dir):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            if p.is_symlink() or not (p.is_dir() or p.is_file()):
                problems.append(f"{p}: a link or special file; a bag to import holds only "
                                "folders and plain files")
    if problems:
        return [], problems
    for entry in sorted(data_dir.iterdir()):
        if entry.name not in PAYLOAD_DIRS or not entry.is_dir():
            problems.append(f"{entry}: not part of an archive bag (its data/ holds records/, "
                            "deleted/ and exports/)")
    if not (data_dir / "records").is_dir() and not (data_dir / "deleted").is_dir():
        problems.append(f"{data_dir}: holds no records/ (not a bag made by archive bag)")
    for kind, sub in (("record", "records"), ("removed", "deleted")):
        folder = data_dir / sub
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if not entry.is_dir():
                problems.append(f"{entry}: a file where a record folder belongs")
                continue
            if not SLUG_RE.match(entry.name) or len(entry.name) > SLUG_MAX:
                problems.append(f"{entry}: the folder name is not a record id (lowercase "
                                "letters, digits and '-')")
                continue
            path = entry / RECORD_FILE
            if kind == "removed":
                tomb_path = entry / TOMBSTONE_FILE
                if not tomb_path.is_file():
                    problems.append(f"{entry}: a removed record without {TOMBSTONE_FILE}")
                    continue
                try:
                    tomb = yamlio.loads(yamlio.read_text(tomb_path), str(tomb_path))
                except ArchiveError as exc:
                    problems.append(exc.message)
                    continue
                if not isinstance(tomb, dict) or tomb.get("id") != entry.name:
                    problems.append(f"{tomb_path}: its id is not {entry.name!r}, the folder's "
                                    "name")
                    continue
                data = None
                with contextlib.suppress(ArchiveError):
                    data = Archive.load_file(path, entry.name).to_data()
                items.append(_Item(kind, entry, entry.name, entry.name, data))
                continue
            if not path.is_file():
                problems.append(f"{entry}: a record folder without {RECORD_FILE}")
                continue
            try:
                record = Archive.load_file(path, entry.name)
            except ArchiveError as exc:
                problems.extend(exc.details or [exc.message])
                continue
            record_data = record.to_data()
            for i, f in enumerate(record_data.get("files", [])):
                if not (entry / f["path"]).is_file():
                    problems.append(f"{entry / f['path']}: archived file is missing (files[{i}] "
                                    f"of {path})")
            items.append(_Item(kind, entry, entry.name, entry.name, record_data))
    return items, problems


def _plan(archive: Archive, bag: Path, items: list[_Item], on_duplicate: str,
          result: RestoreResult) -> tuple[list[_Item], list[str]]:
    """Ids and duplicates against the archive (and earlier records of the bag): what is
    imported, under which id; returns (items to import, problems)."""
    used = archive.used_ids()
    bag_ids = {i.bag_id for i in items if i.kind == "record"}
    finder = duplicates.for_archive(archive)
    reserved: set[str] = set()
    keep: list[_Item] = []
    problems: list[str] = []
    for item in items:
        where = item.src / RECORD_FILE
        taken = item.bag_id in used or item.bag_id in reserved
        if item.kind == "removed":
            if taken:
                if on_duplicate == "fail":
                    problems.append(f"{item.src}: {_taken(archive, item.bag_id)}")
                else:
                    result.skipped.append(f"{item.src}: a removed record whose id "
                                          f"{item.bag_id!r} is taken; left out")
                continue
            reserved.add(item.id)
            keep.append(item)
            continue
        assert item.data is not None
        if taken:
            if on_duplicate == "fail":
                problems.append(f"{where}: {_taken(archive, item.bag_id)}")
                continue
            if on_duplicate == "skip":
                result.skipped.append(f"{where}: id {item.bag_id!r} already exists; left out "
                                      "(--on-duplicate skip)")
                continue
            item.id = archive.assign_id(item.data, reserved | bag_ids, used)
            item.data = {**item.data, "id": item.id}
            item.rewrite = True
            result.renamed[item.bag_id] = item.id
        matches = finder.find(item.data)
        if matches:
            said = duplicates.describe(matches)
            if on_duplicate == "fail":
                problems.append(f"{where}: {said}")
                continue
            if on_duplicate == "skip":
                result.skipped.append(f"{where}: {said}; left out (--on-duplicate skip)")
                continue
            result.warnings.append(f"{where}: {said}; imported as {item.id}")
        finder.add(item.data)
        reserved.add(item.id)
        keep.append(item)
    return keep, problems


def _taken(archive: Archive, record_id: str) -> str:
    if (archive.deleted / record_id).exists():
        return (f"id {record_id!r} belonged to a record removed from this archive (ids are "
                "not reused)")
    return f"id {record_id!r} is already in this archive"


def _transfer(item: _Item, dest: Path | None, advance: Callable[[int], Any]) -> list[str]:
    """Copy the item's folder to ``dest`` (or only read it, for a dry run), checking each
    archived file against its record; returns the problems."""
    problems: list[str] = []
    listed = {f["path"]: (i, f) for i, f in enumerate((item.data or {}).get("files", []))}
    if dest is not None:
        dest.mkdir(parents=True)
    for path in _files_in(item.src):
        rel = path.relative_to(item.src).as_posix()
        if dest is not None and rel == RECORD_FILE and item.rewrite:
            from .store import validate_record

            record = validate_record(item.data)
            (dest / RECORD_FILE).write_text(yamlio.dump_record(record.to_data()),
                                            encoding="utf-8", newline="\n")
            continue
        if dest is not None:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            size, digest = _copy(path, dest / rel, advance)
        else:
            size, digest = hash_file(path)
            advance(size)
        if rel not in listed or item.data is None:
            continue
        i, f = listed[rel]
        where = f"files[{i}] of {item.src / RECORD_FILE}"
        if size != f["bytes"]:
            problems.append(f"{path}: size is {size} bytes, {where} says {f['bytes']}")
        elif digest != f["sha256"]:
            problems.append(f"{path}: sha256 is {digest}, {where} says {f['sha256']}")
    return problems


def restore(archive: Archive, path: str | os.PathLike[str], *, dry_run: bool = False,
            on_duplicate: str = "fail", progress_factory: Progress | None = None
            ) -> RestoreResult:
    """Validate the bag at ``path`` and add its records (and removed records) to the
    archive, all or nothing; BagRefused names every problem and nothing is written."""
    if on_duplicate not in ON_DUPLICATE:
        raise ArchiveError(f"--on-duplicate {on_duplicate!r}: use one of: "
                           + ", ".join(ON_DUPLICATE))
    bag = Path(path)
    validate_bag(bag)
    items, problems = _read_payload(bag)
    if problems:
        raise _problems(bag, problems)
    if not items:
        raise BagRefused(f"{bag}: the bag holds no records; nothing to import")
    result = RestoreResult(bag, dry_run)
    if dry_run:
        _restore(archive, bag, items, on_duplicate, result, progress_factory, None)
        return result
    with archive.lock():
        staging = archive.batch_staging()
        try:
            _restore(archive, bag, items, on_duplicate, result, progress_factory, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return result


# --------------------------------------------------------------------------- packed bags



def is_packed(path: str | os.PathLike[str]) -> bool:
    """A file named as a zip or tar archive (of a bag, when imported)."""
    name = Path(path).name.lower()
    return Path(path).is_file() and name.endswith(PACKED_SUFFIXES)


def packed_stem(path: Path) -> str:
    """``commentaries-2024-06.tar.gz`` -> ``commentaries-2024-06`` (the bag's folder inside)."""
    name = path.name
    for suffix in sorted(PACKED_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or "bag"
    return name


def _pack(bag: Path, out: Path) -> None:
    """Pack the bag folder as OUT (zip or tar, by OUT's suffix), with one top folder named
    after OUT; written beside OUT, flushed, and renamed to it whole."""
    import tarfile
    import zipfile

    top = packed_stem(out)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    name = out.name.lower()
    try:
        if name.endswith(".zip"):
            with zipfile.ZipFile(partial, "x", zipfile.ZIP_DEFLATED) as zf:
                for path in sorted(bag.rglob("*")):
                    zf.write(path, f"{top}/{path.relative_to(bag).as_posix()}")
        else:
            mode = {".tar": "x", ".tar.gz": "x:gz", ".tgz": "x:gz", ".tar.bz2": "x:bz2",
                    ".tar.xz": "x:xz"}[next(s for s in sorted(PACKED_SUFFIXES, key=len,
                                                              reverse=True)
                                            if name.endswith(s))]
            with tarfile.open(partial, mode, format=tarfile.PAX_FORMAT) as tf:
                tf.add(bag, arcname=top, recursive=True)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.rename(partial, out)
        _fsync_dir(out.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(bag, ignore_errors=True)


def _safe_member(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts and ":" not in parts[0]


def _unpack(packed: Path, into: Path) -> None:
    """Extract ``packed`` into ``into``; refuse links, devices and names that would land
    outside it (BagRefused naming the member)."""
    import stat
    import tarfile
    import zipfile

    if zipfile.is_zipfile(packed):
        with zipfile.ZipFile(packed) as zf:
            for info in zf.infolist():
                kind = stat.S_IFMT(info.external_attr >> 16)
                if not _safe_member(info.filename) or kind not in (0, stat.S_IFREG,
                                                                   stat.S_IFDIR):
                    raise BagRefused(f"{packed}: {info.filename!r} is a link or would be "
                                     "written outside the bag; nothing was imported")
            zf.extractall(into)
        return
    try:
        tf = tarfile.open(packed)
    except (tarfile.TarError, OSError) as exc:
        raise BagRefused(f"{packed}: not a zip or tar archive that can be read ({exc}); "
                         "nothing was imported") from None
    with tf:
        for member in tf.getmembers():
            if not _safe_member(member.name) or not (member.isfile() or member.isdir()):
                raise BagRefused(f"{packed}: {member.name!r} is a link, a device, or would be "
                                 "written outside the bag; nothing was imported")
        if hasattr(tarfile, "data_filter"):
            tf.extractall(into, filter="data")
        else:  # Python before 3.11.4: the members were checked above
            tf.extractall(into)


@contextlib.contextmanager
def unpacked(archive: Archive, packed: Path) -> Iterator[Path]:
    """The bag inside a zip or tar file, extracted into the archive's state folder (the
    same disk as records/) and removed afterwards. The bag is the archive's top folder, or
    the archive itself when bagit.txt is at its top."""
    archive.state.mkdir(exist_ok=True)
    where = archive.state / f"unpacked-{uuid.uuid4().hex[:8]}"
    where.mkdir()
    try:
        try:
            _unpack(packed, where)
        except (OSError, EOFError, ValueError) as exc:
            raise BagRefused(f"{packed}: cannot be unpacked: {exc}; nothing was "
                             "imported") from None
        if is_bag(where):
            yield where
        else:
            tops = [p for p in where.iterdir() if not p.name.startswith(".")]
            if len(tops) != 1 or not is_bag(tops[0]):
                raise BagRefused(f"{packed}: holds no bag (no bagit.txt at its top or in its "
                                 "one top folder); nothing was imported")
            yield tops[0]
    finally:
        shutil.rmtree(where, ignore_errors=True)


def restore_packed(archive: Archive, packed: str | os.PathLike[str], **options: Any
                   ) -> RestoreResult:
    """:func:`restore` for a bag packed as a zip or tar file; problems name the file as
    ``packed:path/inside``."""
    packed = Path(packed)
    with unpacked(archive, packed) as bag:
        try:
            result = restore(archive, bag, **options)
        except ArchiveError as exc:
            def named(text: str) -> str:
                return text.replace(str(bag) + os.sep, f"{packed}:").replace(str(bag),
                                                                             str(packed))
            raise type(exc)(named(exc.message), [named(d) for d in exc.details]) from None
    result.bag = packed
    return result


DUPLICATE_HINT = ("--on-duplicate skip leaves such records out; --on-duplicate new imports "
                  "them, with new ids where their ids are taken")


def _problems(bag: Path, problems: list[str], hint: str = "") -> BagRefused:
    hint = f" ({hint})" if hint else ""
    if len(problems) == 1:
        return BagRefused(f"{problems[0]}; nothing was imported from {bag}{hint}")
    return BagRefused(f"{bag}: {len(problems)} problems; nothing was imported{hint}", problems)


def _restore(archive: Archive, bag: Path, items: list[_Item], on_duplicate: str,
             result: RestoreResult, progress_factory: Progress | None,
             staging: Path | None) -> None:
    keep, problems = _plan(archive, bag, items, on_duplicate, result)
    if problems:
        raise _problems(bag, problems, DUPLICATE_HINT)
    total = sum(f.stat().st_size for item in keep for f in _files_in(item.src))
    with (progress_factory or _no_progress)(total) as advance:
        for item in keep:
            dest = None
            if staging is not None:
                dest = staging / (item.id if item.kind == "record" else f".deleted/{item.id}")
            problems.extend(_transfer(item, dest, advance))
    if problems:
        raise _problems(bag, problems)
    records = [i for i in keep if i.kind == "record"]
    removed = [i for i in keep if i.kind == "removed"]
    if staging is not None:
        _commit(archive, staging, records, removed)
    result.ids = [i.id for i in records]
    result.removed = [i.id for i in removed]


def _commit(archive: Archive, staging: Path, records: list[_Item],
            removed: list[_Item]) -> None:
    """Records into records/ (Archive.commit_staged: flushed, renamed, taken back on
    failure), then removed records into deleted/; all taken back if one fails."""
    import sqlite3

    from .index import Index

    ids = [i.id for i in records]
    archive.commit_staged(staging, ids)
    moved: list[Path] = []
    try:
        if removed:
            archive.deleted.mkdir(exist_ok=True)
        for item in removed:
            target = archive.deleted / item.id
            if archive.taken(item.id):
                raise ArchiveError(_taken(archive, item.id))
            os.rename(staging / ".deleted" / item.id, target)
            moved.append(target)
        if moved:
            _fsync_dir(archive.deleted)
    except BaseException:
        for target in moved:
            shutil.rmtree(target, ignore_errors=True)
        for record_id in ids:
            shutil.rmtree(archive.records / record_id, ignore_errors=True)
        raise
    index = Index(archive)
    try:
        index.note_written_data((i.id, i.data) for i in records if i.data is not None)
    except sqlite3.Error:
        pass  # the index is a cache: the next command that opens it reads the new records
    finally:
        index.close()
