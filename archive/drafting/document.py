"""Reading a commentary's own file: plain text, Markdown, or PDF (its text layer, via pypdf).

Every refusal is an :class:`ArchiveError` naming the file. A PDF without a text layer
(a scan) is not refused: its Document has ``has_text=False`` so the caller can say so
and ask for the fields instead.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import ArchiveError
from ..files import file_size, human_size
from ..files import media_type as files_media_type
from ..textsource import open_source

MAX_BYTES = 50 * 1024 * 1024
READABLE = (".txt", ".text", ".md", ".markdown", ".pdf")  # media types: archive.files
SUPPORTED = ".txt, .md, .markdown (text) and .pdf"
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
_BINARY = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f]")  # control characters text lacks
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b\ufeff]")


@dataclass
class Document:
    """A document's text, as read: what drafting works on."""

    path: Path
    media_type: str
    text: str
    pages: int | None = None
    has_text: bool = True
    # for PDFs, the font size of each line of ``text`` (``text.split("\\n")``), None for
    # a line without characters; None for text files
    line_sizes: list[float | None] | None = None
    # for PDFs, the height of each line's baseline on its page (points from the bottom)
    line_heights: list[float | None] | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)  # a PDF's own title, author

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def clean_line(line: str) -> str:
    """NFC, ligatures spelled out, control characters and soft hyphens dropped."""
    line = _CONTROL.sub("", line)
    for lig, letters in _LIGATURES.items():
        line = line.replace(lig, letters)
    return unicodedata.normalize("NFC", line).rstrip()


def read_document(path: Path | str, max_bytes: int = MAX_BYTES) -> Document:
    """Read ``path`` (.txt, .md, .markdown, .pdf) into a Document, or refuse it."""
    path = Path(path)
    size = file_size(path)
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        what = f"{suffix} files" if suffix else "files without a suffix"
        raise ArchiveError(f"{path}: cannot read {what}; give one of: {SUPPORTED}")
    media_type = files_media_type(path)
    if size == 0:
        raise ArchiveError(f"{path}: the file is empty")
    if size > max_bytes:
        raise ArchiveError(f"{path}: the file is {human_size(size)}; the limit is "
                           f"{human_size(max_bytes)}")
    if media_type == "application/pdf":
        return _read_pdf(path)
    return _read_text(path, media_type)


def _read_text(path: Path, media_type: str) -> Document:
    source = open_source(path)  # refuses binary files, guesses encodings (and says so)
    try:
        with source.open() as stream:
            raw = stream.read()
    except UnicodeDecodeError:
        raise ArchiveError(f"{path}: not readable as {source.encoding} text") from None
    if "\x00" in raw:
        raise ArchiveError(f"{path}: a binary file (it contains NUL bytes), not text")
    controls = len(_BINARY.findall(raw))
    if controls > max(8, len(raw) // 200):
        raise ArchiveError(f"{path}: a binary file, not text ({controls} control characters "
                           f"in {len(raw)}, as {source.encoding} text)")
    text = "\n".join(clean_line(x) for x in raw.replace("\f", "\n").split("\n"))
    if not text.strip():
        raise ArchiveError(f"{path}: the file is empty (it holds only white space)")
    notes = [source.note] if source.note else []
    return Document(path, media_type, text, encoding=source.encoding, notes=notes)


# --------------------------------------------------------------------------- PDF


@contextmanager
def _quiet_pypdf() -> Iterator[list[str]]:
    """pypdf logs what it repairs; collect it instead of printing it."""
    logger = logging.getLogger("pypdf")
    said: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    handler = _Collect(logging.WARNING)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield said
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def _damaged(path: Path, why: object) -> ArchiveError:
    return ArchiveError(f"{path}: the PDF is damaged and cannot be read ({why})")


def _read_pdf(path: Path) -> Document:
    with open(path, "rb") as fh:
        head = fh.read(1024)
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(max(0, end - 2048))
        tail = fh.read()
    if b"%PDF-" not in head:
        raise ArchiveError(f"{path}: not a PDF file (it does not start with %PDF)")
    if b"%%EOF" not in tail:
        raise ArchiveError(f"{path}: the PDF is truncated or damaged (it has no end "
                           "marker %%EOF); save or download it again")
    import pypdf
    from pypdf.errors import DependencyError, PdfReadError

    with _quiet_pypdf() as said:
        try:
            reader = pypdf.PdfReader(path, strict=False)
            notes: list[str] = []
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError:
                    raise ArchiveError(
                        f"{path}: the PDF is encrypted with AES, which needs the "
                        "'cryptography' package to open (pip install 'pypdf[crypto]'); or "
                        "save an unencrypted copy and ingest that") from None
                except Exception:  # noqa: BLE001 (an encryption pypdf cannot open)
                    opened = 0
                if not opened:
                    raise ArchiveError(f"{path}: the PDF is encrypted (it needs a password "
                                       "to open); save an unencrypted copy and ingest that")
                notes.append(f"{path}: the PDF is encrypted without a password to open; "
                             "its text was read")
            pages = reader.pages
            page_count = len(pages)
            texts: list[str] = []
            sizes: list[float | None] = []
            heights: list[float | None] = []
            for number, page in enumerate(pages, 1):
                try:
                    page_lines, page_sizes, page_heights = _page_lines(page)
                except (ArchiveError, DependencyError):
                    raise
                except Exception as exc:  # noqa: BLE001 (pypdf raises many kinds)
                    raise _damaged(path, f"page {number}: {exc}") from None
                if texts:
                    texts.append("")
                    sizes.append(None)
                    heights.append(None)
                texts.extend(page_lines)
                sizes.extend(page_sizes)
                heights.extend(page_heights)
            metadata = _metadata(reader)
        except ArchiveError:
            raise
        except DependencyError as exc:
            raise ArchiveError(f"{path}: the PDF needs a package this installation lacks to "
                               f"be read ({exc})") from None
        except PdfReadError as exc:
            raise _damaged(path, exc) from None
        except Exception as exc:  # noqa: BLE001 (pypdf raises many kinds on broken files)
            raise _damaged(path, f"{type(exc).__name__}: {exc}") from None
    text = "\n".join(texts)
    if said:
        notes.append(f"{path}: the PDF has flaws the reader worked around ({said[0]})")
    if not text.strip():
        notes.append(f"{path}: the PDF has no text layer (a scan or images only): "
                     "its fields must be typed in")
        return Document(path, "application/pdf", "", pages=page_count, has_text=False,
                        notes=notes, metadata=metadata)
    return Document(path, "application/pdf", text, pages=page_count, line_sizes=sizes,
                    line_heights=heights, notes=notes, metadata=metadata)


def _page_lines(page: Any) -> tuple[list[str], list[float | None], list[float | None]]:
    """A page's text lines (pypdf's extraction), and each line's font size and height on
    the page (of its baseline, from the bottom; None when unknown)."""
    pieces: list[tuple[str, float, float | None]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: Any) -> None:
        if not text:
            return
        try:
            # the text matrix times the current matrix: where and how big on the page
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            f = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = (c * c + d * d) ** 0.5 or (a * a + b * b) ** 0.5 or 1.0
            size = round(float(font_size) * scale, 1)
            y: float | None = round(f, 1) if d > 0 and abs(b) < 1e-6 else None  # upright
        except (TypeError, ValueError, IndexError):
            size, y = 0.0, None
        pieces.append((text, size, y))

    extracted = page.extract_text(visitor_text=visit) or ""
    if "".join(p[0] for p in pieces) != extracted:
        # the visitor did not see the text as extracted: keep the text, without sizes
        count = extracted.count("\n") + 1
        return [clean_line(x) for x in extracted.split("\n")], [None] * count, [None] * count
    lines: list[str] = []
    sizes: list[float | None] = []
    heights: list[float | None] = []
    current: list[str] = []
    weights: Counter[float] = Counter()
    first_y: float | None = None
    for text, size, y in pieces:
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append(clean_line("".join(current)))
                sizes.append(_dominant(weights))
                heights.append(first_y)
                current, weights, first_y = [], Counter(), None
            current.append(part)
            letters = sum(1 for ch in part if not ch.isspace())
            if letters and size > 0:
                weights[size] += letters
            if letters and first_y is None:
                first_y = y
    lines.append(clean_line("".join(current)))
    sizes.append(_dominant(weights))
    heights.append(first_y)
    return lines, sizes, heights


def _dominant(weights: Counter[float]) -> float | None:
    return weights.most_common(1)[0][0] if weights else None


def _metadata(reader: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        info = reader.metadata
    except Exception:  # noqa: BLE001 (a broken info dictionary is not worth refusing for)
        return out
    if not info:
        return out
    for key, name in (("/Title", "title"), ("/Author", "author")):
        try:
            value = info.get(key)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(value, str) and value.strip():
            out[name] = clean_line(str(value)).strip()
    return out
