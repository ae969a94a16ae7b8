"""What the archive publishes: a read-only snapshot of its records and tombstones, for the
static catalog (:mod:`archive.site`) and the OAI-PMH endpoint (:mod:`archive.oai`).

Each entry carries the UTC datestamp of its record's last change (``provenance.updated``,
else ``provenance.added``, else the record file's modification time; for a removed record,
its tombstone's ``deleted``), and the OAI-PMH sets it belongs to: one set per series.

The archive's settings for publishing live in ``archive.yaml`` under ``catalog:``::

    catalog:
      name: Global Forum of Japan commentaries   # site title, OAI repositoryName
      base_url: https://archive.example.org/     # where the catalog is published
      admin_email: [librarian@example.org]       # OAI Identify adminEmail
      oai_namespace: archive.example.org         # oai:<namespace>:<record id>
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ArchiveError

CONFIG_KEY = "catalog"
DEFAULT_NAME = "Commentary archive"
DEFAULT_NAMESPACE = "commentary-archive.local"
DEFAULT_EMAIL = "admin@commentary-archive.local"
# OAI-PMH identifier scheme (oai-identifier guidelines): a domain name
_NAMESPACE_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)+")
_EMAIL_RE = re.compile(r"[^\s@]+@([^\s@.]+\.)+[^\s@.]+")  # OAI-PMH.xsd emailType, stricter


@dataclass(frozen=True)
class Settings:
    """The ``catalog:`` settings of archive.yaml, with defaults for what is not set."""

    name: str = DEFAULT_NAME
    base_url: str | None = None
    admin_email: tuple[str, ...] = ()
    oai_namespace: str = DEFAULT_NAMESPACE

    @property
    def emails(self) -> tuple[str, ...]:
        """adminEmail values for Identify (a placeholder when none is set)."""
        return self.admin_email or (DEFAULT_EMAIL,)

    def oai_identifier(self, record_id: str) -> str:
        return f"oai:{self.oai_namespace}:{record_id}"

    def record_id(self, identifier: str) -> str | None:
        """The record id in an OAI identifier of this repository, or None."""
        prefix = f"oai:{self.oai_namespace}:"
        if identifier.startswith(prefix) and len(identifier) > len(prefix):
            return identifier[len(prefix):]
        return None


def check_base_url(value: str) -> str:
    """A catalog's public address, ending in "/"; ValueError says what is wrong."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) address such as "
                         "https://archive.example.org/")
    return value if value.endswith("/") else value + "/"


def load_settings(root: Path) -> Settings:
    """The ``catalog:`` mapping of ``<root>/archive.yaml``; errors name the file and line."""
    from . import yamlio

    path = Path(root) / "archive.yaml"
    if not path.is_file():
        return Settings()
    text = yamlio.read_text(path)
    data = yamlio.loads(text, str(path))
    if not isinstance(data, dict) or data.get(CONFIG_KEY) is None:
        return Settings()
    section = data[CONFIG_KEY]

    def where(*keys: str) -> str:
        line = yamlio.locate(text, [CONFIG_KEY, *keys])
        return f"{path}, line {line}" if line else str(path)

    if not isinstance(section, dict):
        raise ArchiveError(f"{where()}: {CONFIG_KEY}: must be a mapping with name, base_url, "
                           "admin_email and oai_namespace")
    known = {"name", "base_url", "admin_email", "oai_namespace"}
    for key in section:
        if key not in known:
            raise ArchiveError(f"{where(key)}: {CONFIG_KEY}.{key}: not a setting; use one of "
                               + ", ".join(sorted(known)))

    def text_of(key: str) -> str | None:
        value = section.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ArchiveError(f"{where(key)}: {CONFIG_KEY}.{key}: must be a non-empty text")
        return value.strip()

    name = text_of("name") or DEFAULT_NAME
    base_url = text_of("base_url")
    if base_url is not None:
        try:
            base_url = check_base_url(base_url)
        except ValueError as exc:
            raise ArchiveError(f"{where('base_url')}: {CONFIG_KEY}.base_url: {exc}") from None
    emails_value = section.get("admin_email")
    if emails_value is None:
        emails: tuple[str, ...] = ()
    else:
        listed = emails_value if isinstance(emails_value, list) else [emails_value]
        emails = tuple(str(e).strip() for e in listed)
        for e in emails:
            if not _EMAIL_RE.fullmatch(e):
                raise ArchiveError(f"{where('admin_email')}: {CONFIG_KEY}.admin_email: {e!r} "
                                   "is not an e-mail address")
    namespace = text_of("oai_namespace")
    if namespace is None:
        host = urlsplit(base_url).hostname if base_url else None
        namespace = host if host and _NAMESPACE_RE.fullmatch(host) else DEFAULT_NAMESPACE
    elif not _NAMESPACE_RE.fullmatch(namespace):
        raise ArchiveError(f"{where('oai_namespace')}: {CONFIG_KEY}.oai_namespace: "
                           f"{namespace!r} is not a domain name such as archive.example.org")
    return Settings(name=name, base_url=base_url, admin_email=emails, oai_namespace=namespace)


# --------------------------------------------------------------------------- the snapshot


@dataclass(frozen=True)
class SeriesSet:
    """One OAI-PMH set: the records of one series."""

    spec: str
    name: str


@dataclass(frozen=True)
class Entry:
    """One record as published: live (with its data) or removed (tombstone)."""

    id: str
    datestamp: _dt.datetime  # UTC, whole seconds: the last change
    data: dict[str, Any] | None  # the record's data; for a removed record, what it was
    deleted: bool = False
    sets: tuple[str, ...] = ()  # set specs


def set_spec(series: str) -> str:
    """The set spec of a series: ``GFJ Commentary`` -> ``gfj-commentary``."""
    from .ids import slugify

    return slugify(series) or "series"


def utc_datestamp(value: Any) -> _dt.datetime | None:
    """An ISO timestamp (``2026-11-27T16:40:00Z``) as an aware UTC datetime, whole seconds."""
    if isinstance(value, _dt.datetime):
        stamp = value
    elif isinstance(value, str) and value.strip():
        try:
            stamp = _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=_dt.timezone.utc)
    return stamp.astimezone(_dt.timezone.utc).replace(microsecond=0)


def format_datestamp(stamp: _dt.datetime) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` (OAI-PMH's seconds granularity)."""
    return stamp.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_stamp(path: Path) -> _dt.datetime:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _dt.datetime.fromtimestamp(int(mtime), _dt.timezone.utc)


def last_change(data: dict[str, Any], record_file: Path) -> _dt.datetime:
    prov = data.get("provenance") or {}
    return (utc_datestamp(prov.get("updated")) or utc_datestamp(prov.get("added"))
            or _file_stamp(record_file))


@dataclass
class Catalog:
    """Every published record, in datestamp order (then id), and the sets."""

    settings: Settings
    entries: list[Entry]
    sets: list[SeriesSet] = field(default_factory=list)
    by_id: dict[str, Entry] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)  # records left out: not valid

    def __post_init__(self) -> None:
        self.entries.sort(key=lambda e: (e.datestamp, e.id))
        self.by_id = {e.id: e for e in self.entries}

    @cached_property
    def live(self) -> list[Entry]:
        """The records published as records (not removed), in datestamp order."""
        return [e for e in self.entries if not e.deleted and e.data]

    @property
    def earliest(self) -> _dt.datetime:
        """The earliest datestamp (Identify's earliestDatestamp); now, for an empty archive."""
        if self.entries:
            return self.entries[0].datestamp
        return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)

    def get(self, record_id: str) -> Entry | None:
        return self.by_id.get(record_id)


def _series_sets(series_names: list[str]) -> dict[str, str]:
    """series name -> set spec; two series that slug alike get -2, -3..."""
    specs: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(series_names)):
        base = set_spec(name)
        spec, n = base, 2
        while spec in used:
            spec, n = f"{base}-{n}", n + 1
        used.add(spec)
        specs[name] = spec
    return specs


def load(archive: Any, progress_factory: Any = None, settings: Settings | None = None
         ) -> Catalog:
    """The catalog of ``archive`` now: its valid records (through the index, brought up to
    date) and its tombstones."""
    from . import yamlio
    from .index import open_index
    from .store import RECORD_FILE

    settings = settings or load_settings(archive.root)
    index = open_index(archive, progress_factory)
    try:
        indexed = index.entries()
    finally:
        index.close()
    live = [e.data for e in indexed if e.data]
    invalid = sorted(e.id for e in indexed if not e.data)
    removed: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    live_ids = {d["id"] for d in live}
    for tomb in archive.tombstones():
        record_id = str(tomb.get("id") or "")
        if not record_id or record_id in live_ids:
            continue  # restored, or a new record took the id: the live one is published
        path = archive.deleted / record_id / RECORD_FILE
        try:
            was = yamlio.loads(yamlio.read_text(path), str(path)) if path.is_file() else None
        except ArchiveError:
            was = None
        removed.append((tomb, was if isinstance(was, dict) else None))
    names = [d["series"] for d in live if d.get("series")]
    names += [w["series"] for _, w in removed if w and isinstance(w.get("series"), str)]
    specs = _series_sets(names)
    entries = []
    for data in live:
        series = data.get("series")
        entries.append(Entry(
            id=data["id"],
            datestamp=last_change(data, archive.record_file(data["id"])),
            data=data,
            sets=(specs[series],) if series else ()))
    for tomb, was in removed:
        record_id = str(tomb["id"])
        series = was.get("series") if was else None
        stamp = utc_datestamp(tomb.get("deleted")) or _file_stamp(
            archive.deleted / record_id / "tombstone.yaml")
        entries.append(Entry(id=record_id, datestamp=stamp, data=was, deleted=True,
                             sets=(specs[series],) if isinstance(series, str) else ()))
    sets = [SeriesSet(spec, name) for name, spec in sorted(specs.items(), key=lambda x: x[1])]
    return Catalog(settings=settings, entries=entries, sets=sets, invalid=invalid)


def invalid_message(catalog: Catalog) -> str | None:
    """What to tell a librarian about records that cannot be published, or None."""
    bad = catalog.invalid
    if not bad:
        return None
    shown = ", ".join(bad[:10]) + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
    return (f"{len(bad)} record(s) not valid, so not published: {shown} (run `archive "
            f"validate {bad[0]}`)")


def signature(archive: Any) -> tuple:
    """A cheap fingerprint of records/ and deleted/ (the names, sizes and modification times
    of the record files and tombstones): it changes whenever the catalog would."""
    out: list[tuple[str, int, int]] = []
    for folder, leaf in ((archive.records, "record.yaml"), (archive.deleted, "tombstone.yaml")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            try:
                st = os.stat(os.path.join(folder, name, leaf))
            except OSError:
                continue
            out.append((f"{folder.name}/{name}", st.st_mtime_ns, st.st_size))
    out.sort()
    return tuple(out)
