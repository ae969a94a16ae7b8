"""What every format module shares: the entry a reader yields, and its errors.

A format module (``archive/formats/<name>.py``) speaks only records, as plain data:

- ``dump(records) -> str | bytes`` takes record data as ``Record.to_data()`` (or the
  search index) gives it, already validated, in the order to write;
- ``load(stream, source) -> Iterator[Entry]`` (formats that can be read) reads a text
  stream entry by entry, so a large file never has to be in memory at once; problems
  of one entry go in ``Entry.errors``, problems of the whole file raise ``FormatError``;
- ``CARRIES`` maps each of our fields (a dotted path: ``title``, ``authors``,
  ``authors.affiliations``, ``original.issued``...) to where the format puts it; a field
  that is not a key is not carried. The README's table is made from these mappings and
  the round-trip tests compare exactly these fields. A format that carries ``title`` but
  not ``subtitle`` carries the two joined ("Title: Subtitle", ``citations.join_title``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ArchiveError


@dataclass
class Entry:
    """One entry read from a file, as record data not yet validated."""

    index: int  # 1-based position among the file's entries
    line: int | None = None  # line where the entry starts
    key: str | None = None  # the entry's own key or id in the file
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # "field: problem"; the entry cannot be imported
    mapped: list[str] = field(default_factory=list)  # "source field -> our field"
    dropped: list[str] = field(default_factory=list)  # "source field: why it was not kept"
    notes: list[str] = field(default_factory=list)  # guesses and conversions worth a look

    @property
    def label(self) -> str:
        return item_label(self.index, self.key, self.line)


def item_label(index: int, key: str | None, line: int | None) -> str:
    """How messages name an entry of a file: "item 3 (id tokiwa2022), line 14"."""
    where = f"item {index}"
    if key:
        where += f" (id {key})"
    if line:
        where += f", line {line}"
    return where


TITLE_ENDS = ("?", "!", ":", "？", "！", "：")


def join_title(title: str, subtitle: str | None) -> str:
    """ "Title: Subtitle", without a second mark after a title ending in ?, ! or :."""
    if not subtitle:
        return title
    if title.rstrip().endswith(TITLE_ENDS):
        return f"{title.rstrip()} {subtitle}"
    return f"{title}: {subtitle}"


class FormatError(ArchiveError):
    """A file that cannot be read as the format at all; the message names file and line."""
