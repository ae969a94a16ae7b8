"""Archived files: what a record says of each (media type, size, sha256), and copying one
into a record's folder so that the copy is known to be the file deposited."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import ArchiveError

CHUNK = 1 << 20

# the media types a librarian deposits most; anything else is asked of mimetypes
MEDIA_TYPES = {
    ".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown",
    ".markdown": "text/markdown", ".pdf": "application/pdf", ".html": "text/html",
    ".htm": "text/html", ".xml": "application/xml", ".json": "application/json",
    ".epub": "application/epub+zip", ".docx":
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
RESERVED = {"record.yaml", "tombstone.yaml"}


def media_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name, strict=False)
    return guessed or "application/octet-stream"


def hash_file(path: Path) -> tuple[int, str]:
    """(size in bytes, sha256) of the file at ``path``, read in pieces."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def safe_name(name: str) -> str:
    """A file name that is safe inside a record folder: one path part, no leading dot,
    letters, digits, ``.``, ``-`` and ``_`` only (others become ``-``)."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^\w.-]+", "-", stem).strip(".-_") or "file"
    suffix = re.sub(r"[^\w]+", "", suffix, flags=re.ASCII).lower()
    out = f"{stem}.{suffix}" if suffix else stem
    if out in RESERVED:
        out = f"{stem}-file.{suffix}"
    return out[:120]


def file_size(path: Path) -> int:
    """The size of a file to be read; ArchiveError naming it when it is missing, a folder,
    or cannot be read."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no such file") from None
    except PermissionError:
        raise ArchiveError(f"{path}: cannot read (permission denied)") from None
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read: {exc.strerror}") from None
    if path.is_dir():
        raise ArchiveError(f"{path}: is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise ArchiveError(f"{path}: cannot read (permission denied)")
    return st.st_size


def human_size(n: int) -> str:
    """61.2 MB, 50 MB, 3.5 KB, 900 bytes (in units of 1024)."""
    for unit, size in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def file_entry(path: Path, name: str | None = None) -> dict[str, Any]:
    """What a record says of the file at ``path`` once archived as ``name``."""
    path = Path(path)
    file_size(path)
    size, digest = hash_file(path)
    return {"path": name or safe_name(path.name), "media_type": media_type(path),
            "bytes": size, "sha256": digest}


def unique_names(paths: list[Path], taken: Iterable[str] = ()) -> list[str]:
    """Safe, distinct names for files archived together (``a.txt``, ``a-2.txt``)."""
    used = set(taken)
    out = []
    for path in paths:
        name = safe_name(path.name)
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        n = 1
        while name in used:
            n += 1
            name = f"{stem}-{n}" + (f".{suffix}" if suffix else "")
        used.add(name)
        out.append(name)
    return out


def copy_verified(src: Path, dest: Path, expected_sha256: str | None = None) -> tuple[int, str]:
    """Copy ``src`` to ``dest`` (a new file, flushed to disk) and check the copy.

    The copy is read back and hashed: it must equal what was read from ``src``, and
    ``expected_sha256`` when given (the file must not have changed since it was
    described). Returns (size, sha256); raises ArchiveError, leaving no ``dest``.
    """
    file_size(Path(src))
    digest = hashlib.sha256()
    size = 0
    try:
        with open(src, "rb") as fin, open(dest, "xb") as fout:
            while chunk := fin.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        read = digest.hexdigest()
        if expected_sha256 and read != expected_sha256:
            raise ArchiveError(f"{src}: changed while it was being archived (sha256 {read}, "
                               f"expected {expected_sha256}); nothing was written")
        copied_size, copied = hash_file(dest)
        if (copied_size, copied) != (size, read):
            raise ArchiveError(f"{dest}: the copy of {src} differs from it (sha256 {copied}, "
                               f"expected {read}); nothing was written")
    except BaseException:
        Path(dest).unlink(missing_ok=True)
        raise
    return size, read
