"""The text of an archived file, for the search index."""

from __future__ import annotations

from pathlib import Path

from .errors import ArchiveError

MAX_CHARS = 2_000_000  # of one file's text; what comes after is not indexed


def text_of(path: Path) -> str:
    """The file's text (a PDF's text layer), or "" when it has none or cannot be read."""
    from .drafting import read_document

    try:
        return read_document(path).text[:MAX_CHARS]
    except (ArchiveError, OSError):
        return ""
