"""The search index: SQLite with FTS5, kept in ``.archive/index.sqlite``.

It is a cache of ``records/``: each record's data (for fast listing) and its
text (for ranked search). Before every use it compares each record.yaml's
mtime and size with what it indexed and re-reads only what changed, so hand
edits and ``git pull`` are seen. It is never committed; deleting it is safe.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import textfold
from .errors import ArchiveError
from .store import RECORD_FILE, Archive

SCHEMA_VERSION = "4"
COLUMNS = ("title", "subtitle", "names", "affiliations", "subjects", "abstract", "series",
           "text")
# bm25 weights, in the order of COLUMNS; "text" is the text of the archived files
WEIGHTS = (10.0, 6.0, 8.0, 3.0, 5.0, 1.0, 3.0, 0.5)


@dataclass
class Entry:
    id: str
    data: dict[str, Any] | None  # the record as plain data, None when it does not validate
    error: str | None


def _fts_text(data: dict[str, Any], text: str = "") -> dict[str, str]:
    names, affiliations = [], []
    for key in ("authors", "translators", "editors"):
        for agent in data.get(key, []):
            if "organization" in agent and "family" not in agent:
                names.append(agent["organization"])
                continue
            names.append(" ".join(
                agent.get(k, "") for k in ("given", "non_dropping_particle", "family",
                                           "original_script")
            ))
            for aff in agent.get("affiliations", []):
                affiliations.append(f"{aff.get('role', '')} {aff.get('organization', '')}")
    return {
        "title": data.get("title", ""),
        "subtitle": data.get("subtitle", ""),
        "names": "\n".join(names),
        "affiliations": "\n".join(affiliations),
        "subjects": "\n".join(data.get("subjects", [])),
        "abstract": data.get("abstract", ""),
        "series": " ".join(p for p in (data.get("series", ""), data.get("publisher", ""),
                                       data.get("container_title", "")) if p),
        "text": text,
    }


def _load_entry(job: tuple[str, str]
                ) -> tuple[str, dict[str, Any] | None, str | None, str]:
    """Read one record for the index: (id, data, None, text of its archived files) or
    (id, None, error, "")."""
    root, record_id = job
    archive = Archive(root)
    try:
        data = archive.load_folder(record_id).to_data()
    except ArchiveError as exc:
        return record_id, None, str(exc), ""
    return record_id, data, None, archived_text(archive, record_id, data)


def archived_text(archive: Archive, record_id: str, data: dict[str, Any]) -> str:
    """The text of a record's archived files, for searching (what cannot be read is left
    out: fixity is ``archive validate``'s job, not the index's)."""
    if not data.get("files"):
        return ""
    from .fulltext import text_of

    folder = archive.records / record_id
    return "\n".join(text_of(folder / f["path"]) for f in data["files"])


class Index:
    def __init__(self, archive: Archive):
        self.archive = archive
        self.path = archive.state / "index.sqlite"
        self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        try:
            self.archive.state.mkdir(exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._schema(db)
        except (sqlite3.DatabaseError, OSError):
            # unwritable or corrupt: start again, or work in memory for this run
            try:
                self.path.unlink(missing_ok=True)
                db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                self._schema(db)
            except (sqlite3.DatabaseError, OSError):
                db = sqlite3.connect(":memory:", isolation_level=None)
                self._schema(db)
        return db

    @staticmethod
    def _schema(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row and row[0] == SCHEMA_VERSION:
            return
        db.execute("DROP TABLE IF EXISTS records")
        db.execute("DROP TABLE IF EXISTS fts")
        # fts rows share the rowid of their records row: deletes by rowid, never a scan
        db.execute(
            "CREATE TABLE records(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
            " mtime_ns INTEGER, size INTEGER, data TEXT, error TEXT)"
        )
        db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5("
            + ", ".join(COLUMNS)
            + ", tokenize=\"unicode61 remove_diacritics 2\")"
        )
        db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.db.close()

    # ----------------------------------------------------------------- keeping up to date

    def _on_disk(self) -> dict[str, tuple[int, int]]:
        out = {}
        for record_id in self.archive.ids():
            try:
                st = os.stat(self.archive.records / record_id / RECORD_FILE)
            except FileNotFoundError:
                out[record_id] = (-1, -1)
                continue
            out[record_id] = (st.st_mtime_ns, st.st_size)
        return out

    def sync(self, progress_factory: Callable[[int], Any] | None = None) -> int:
        """Bring the index up to date with records/; returns how many entries changed.

        ``progress_factory(total)``, when given, is a context manager yielding
        ``advance(n)``; it is only entered when there is work to do.
        """
        disk = self._on_disk()
        known = {
            r[0]: (r[1], r[2]) for r in self.db.execute("SELECT id, mtime_ns, size FROM records")
        }
        changed = [i for i, stamp in disk.items() if known.get(i) != stamp]
        gone = [i for i in known if i not in disk]
        if not changed and not gone:
            return 0
        with (progress_factory or _no_progress)(len(changed)) as advance:
            self._apply(disk, changed, gone, advance)
        return len(changed) + len(gone)

    def _apply(self, disk: dict[str, tuple[int, int]], changed: list[str], gone: list[str],
               advance: Callable[[int], Any]) -> None:
        from .parallel import map_ordered

        root = str(self.archive.root)
        loaded = map_ordered(_load_entry, [(root, i) for i in changed], advance)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for record_id in gone:
                self._delete(record_id)
            for record_id, data, error, text in loaded:
                self._put(record_id, disk[record_id], data, error, text)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _delete(self, record_id: str) -> None:
        row = self.db.execute("SELECT rowid FROM records WHERE id=?", (record_id,)).fetchone()
        if row:
            self.db.execute("DELETE FROM fts WHERE rowid=?", (row[0],))
            self.db.execute("DELETE FROM records WHERE rowid=?", (row[0],))

    def _put(self, record_id: str, stamp: tuple[int, int], data: dict[str, Any] | None,
             error: str | None, text: str = "") -> None:
        self._delete(record_id)
        cur = self.db.execute(
            "INSERT INTO records(id, mtime_ns, size, data, error) VALUES(?,?,?,?,?)",
            (record_id, stamp[0], stamp[1],
             json.dumps(data, ensure_ascii=False) if data else None, error),
        )
        if data:
            columns = _fts_text(data, text)
            self.db.execute(
                f"INSERT INTO fts(rowid, {', '.join(COLUMNS)}) VALUES(?{', ?' * len(COLUMNS)})",
                (cur.lastrowid, *(textfold.letters(columns[c]) for c in COLUMNS)),
            )

    def note_written(self, records: list[Any], texts: dict[str, str] | None = None) -> None:
        """Index records just written by this process, without reading them back;
        ``texts`` gives the text of a record's archived files where it is already read."""
        self.note_written_data(((record.id, record.to_data()) for record in records), texts)

    def note_written_data(self, rows: Iterable[tuple[str, dict[str, Any]]],
                          texts: dict[str, str] | None = None) -> None:
        """Index records just written, given as (id, record data), in one transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for record_id, data in rows:
                st = os.stat(self.archive.records / record_id / RECORD_FILE)
                text = (texts or {}).get(record_id)
                if text is None:
                    text = archived_text(self.archive, record_id, data)
                self._put(record_id, (st.st_mtime_ns, st.st_size), data, None, text)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # ----------------------------------------------------------------- queries

    def entry(self, record_id: str) -> Entry | None:
        row = self.db.execute("SELECT id, data, error FROM records WHERE id = ?",
                              (record_id,)).fetchone()
        return Entry(row[0], json.loads(row[1]) if row[1] else None, row[2]) if row else None

    def entries(self) -> list[Entry]:
        return [
            Entry(r[0], json.loads(r[1]) if r[1] else None, r[2])
            for r in self.db.execute("SELECT id, data, error FROM records ORDER BY id")
        ]

    def search(self, query: str, limit: int | None = 50) -> list[tuple[Entry, float]]:
        match = fts_query(query)
        if not match:
            raise ArchiveError("the search query is empty: give at least one word")
        sql = (
            "SELECT r.id, r.data, bm25(fts, " + ", ".join(map(str, WEIGHTS)) + ") AS score "
            "FROM fts JOIN records r ON r.rowid = fts.rowid WHERE fts MATCH ? ORDER BY score"
        )
        params: tuple[Any, ...] = (match,)
        if limit:
            sql += " LIMIT ?"
            params = (match, limit)
        try:
            rows = self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise ArchiveError(f"cannot search for {query!r}: {exc}") from None
        return [(Entry(r[0], json.loads(r[1]), None), -r[2]) for r in rows]


_TOKEN_RE = re.compile(r'"([^"]*)"|(\S+)')


def fts_query(query: str) -> str:
    """A user's words -> an FTS5 query: every word must match (as a prefix);
    "quoted words" match as a phrase. FTS syntax in the input is treated as text."""
    parts = []
    for phrase, word in _TOKEN_RE.findall(textfold.letters(query or "")):
        if phrase:
            words = re.findall(r"\w+", phrase)
            if words:
                parts.append('"' + " ".join(words) + '"')
        else:
            for w in re.findall(r"\w+", word):
                parts.append(f'"{w}"*')
    return " ".join(parts)


@contextlib.contextmanager
def _no_progress(total: int) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


def open_index(archive: Archive, progress_factory: Callable[[int], Any] | None = None) -> Index:
    """The index, brought up to date with records/."""
    index = Index(archive)
    try:
        index.sync(progress_factory)
    except BaseException:
        index.close()
        raise
    return index


def records_data(archive: Archive, progress_factory: Callable[[int], Any] | None = None
                 ) -> list[dict[str, Any]]:
    """Every valid record of the archive as plain data, from the index brought up to date."""
    index = open_index(archive, progress_factory)
    try:
        return [e.data for e in index.entries() if e.data]
    finally:
        index.close()
