"""Opening a file to import: its encoding found (or guessed, and said so), read as a stream.

UTF-8 (with or without a byte order mark) is read as is. UTF-16 and UTF-32 are read
when a byte order mark says so. Anything else that is not valid UTF-8 is guessed and the
guess is announced: Japanese (Shift_JIS/CP932, EUC-JP) when the text decodes cleanly
into kana and kanji, else Windows-1252, the usual encoding of older Western files.
``--encoding`` overrides the guess. Binary files (PDF, zip, anything with NUL bytes)
are refused with a message naming them.

The file is never read into one string: a 50 MB file is checked in chunks and then
read as a text stream, whose position drives the progress bar.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import ArchiveError
from .files import file_size

CHUNK = 1 << 20
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_MAGIC = [
    (b"%PDF", "a PDF file"), (b"PK\x03\x04", "a zip file (perhaps .docx or .xlsx)"),
    (b"\x1f\x8b", "a gzip file"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"), (b"SQLite format 3", "an SQLite database"),
]
_EAST_ASIAN = ("cp932", "euc_jp")


@dataclass
class TextSource:
    """A text file to import: where it is, how big, in which encoding, and what we guessed."""

    path: Path
    size: int
    encoding: str
    note: str | None = None  # said to the user when the encoding was guessed

    def open(self) -> "CountingText":
        return CountingText(self.path, self.encoding)

    def head(self, limit: int = 1 << 16) -> str:
        with self.open() as stream:
            return stream.read(limit)


class CountingText(io.TextIOWrapper):
    """A text stream over a file that knows how many bytes it has read (for progress)."""

    def __init__(self, path: Path, encoding: str):
        self._raw: BinaryIO = open(path, "rb")  # noqa: SIM115 (closed with the wrapper)
        super().__init__(self._raw, encoding=encoding, newline=None)  # type: ignore[arg-type]

    @property
    def bytes_read(self) -> int:
        try:
            return self._raw.tell()
        except (ValueError, OSError):
            return 0


def _first_bad_utf8(path: Path) -> tuple[int, int, int] | None:
    """(byte offset, byte, line) of the first byte that is not UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # of the current chunk in the file
    lines = 1  # at the start of the current chunk
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            pending = decoder.getstate()[0]  # bytes of a character cut by the last chunk
            try:
                decoder.decode(chunk, not chunk)
            except UnicodeDecodeError as exc:
                data = exc.object  # pending + chunk
                start = offset - len(pending) + exc.start
                line = lines - pending.count(b"\n") + data[: exc.start].count(b"\n")
                return start, data[exc.start], line
            if not chunk:
                return None
            lines += chunk.count(b"\n")
            offset += len(chunk)


def _decodes(path: Path, encoding: str) -> str | None:
    """The file's text sample when the whole file decodes strictly in ``encoding``."""
    decoder = codecs.getincrementaldecoder(encoding)()
    sample = []
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            try:
                text = decoder.decode(chunk, not chunk)
            except UnicodeDecodeError:
                return None
            if len(sample) < 4:
                sample.append(text)
            if not chunk:
                return "".join(sample)


def _mostly_east_asian(text: str) -> bool:
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return False
    cjk = sum(1 for c in wide if unicodedata.east_asian_width(c) in ("W", "F"))
    return cjk / len(wide) > 0.8


def open_source(path: str | Path, encoding: str | None = None) -> TextSource:
    """Check ``path`` is a readable text file and find its encoding (nothing read yet
    beyond what that takes)."""
    path = Path(path)
    size = file_size(path)
    if size == 0:
        raise ArchiveError(f"{path}: the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ArchiveError(f"--encoding {encoding!r}: not an encoding Python knows "
                               "(try utf-8, cp1252, shift_jis, euc-jp, gb18030)") from None
        bad = _first_bad_in(path, encoding)
        if bad:
            raise ArchiveError(f"{path}, line {bad}: not valid {encoding} text")
        return TextSource(path, size, encoding)
    for bom, enc in _BOMS:
        if head.startswith(bom):
            note = None if enc == "utf-8-sig" else f"{path}: read as {enc.upper()} (byte order mark)"
            return TextSource(path, size, enc, note)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ArchiveError(f"{path}: {what}, not a text file to import")
    if b"\x00" in head:
        raise ArchiveError(f"{path}: a binary file (it contains NUL bytes), not text")
    bad = _first_bad_utf8(path)
    if bad is None:
        return TextSource(path, size, "utf-8")
    offset, byte, line = bad
    where = f"line {line} has byte 0x{byte:02X}"
    for enc in _EAST_ASIAN:
        sample = _decodes(path, enc)
        if sample is not None and _mostly_east_asian(sample):
            name = "Shift_JIS (CP932)" if enc == "cp932" else "EUC-JP"
            return TextSource(path, size, enc,
                              f"{path}: not UTF-8 ({where}); read as {name}, which it decodes "
                              "as Japanese text; give --encoding if that is wrong")
    enc = "cp1252" if _decodes(path, "cp1252") is not None else "latin-1"
    return TextSource(path, size, enc,
                      f"{path}: not UTF-8 ({where}); read as "
                      f"{'Windows-1252' if enc == 'cp1252' else 'Latin-1'}: check accented "
                      "letters, or give --encoding (or save the file as UTF-8)")


def _first_bad_in(path: Path, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            try:
                text = decoder.decode(chunk, not chunk)
            except UnicodeDecodeError as exc:
                return lines + exc.object[: exc.start].count(b"\n")
            if not chunk:
                return None
            lines += text.count("\n")
