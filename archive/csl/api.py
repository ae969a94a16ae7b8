"""The engine's facade. FIRST VERSION: plain citeproc-py underneath (to be replaced by
our corrected element classes without changing this surface)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

FORMATS = ("text", "html", "rtf", "markdown")


class StyleError(Exception):
    """A style cannot be used: unreadable, malformed (message names the line), or lacking
    what was asked of it (e.g. a bibliography)."""


@dataclass
class Style:
    source: str  # path, or "<string>"
    xml: bytes
    id: str
    title: str
    is_note: bool
    has_bibliography: bool
    default_locale: str | None


def load_style(source: str | Path | None = None, *, xml: str | bytes | None = None) -> Style:
    """Read a .csl file (or XML text given as xml=). Raises StyleError naming the line."""
    if xml is None:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise StyleError(f"{source}: cannot read the style: {exc.strerror or exc}") from None
        name = str(source)
    else:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        name = "<string>"
    try:
        root = etree.fromstring(data, etree.XMLParser(no_network=True, remove_comments=True))
    except etree.XMLSyntaxError as exc:
        raise StyleError(f"{name}, line {exc.lineno}: not well-formed XML: {exc.msg}") from None
    ns = "{http://purl.org/net/xbiblio/csl}"
    if root.tag != ns + "style":
        raise StyleError(f"{name}: not a CSL style (root element is {etree.QName(root).localname})")
    info = root.find(ns + "info")
    sid = info.findtext(ns + "id", "") if info is not None else ""
    title = info.findtext(ns + "title", "") if info is not None else ""
    return Style(
        source=name,
        xml=data,
        id=(sid or "").strip(),
        title=(title or "").strip(),
        is_note=root.get("class") == "note",
        has_bibliography=root.find(ns + "bibliography") is not None,
        default_locale=root.get("default-locale"),
    )


_ENGINES: dict = {}


def _engine(style: Style, locale: str | None):
    from .engine import Engine

    key = (style.xml, locale)
    eng = _ENGINES.get(key)
    if eng is None:
        try:
            eng = Engine(style.xml, locale)
        except ValueError as exc:  # citeproc-py: unknown locale
            raise StyleError(f"{style.source}: {exc}") from None
        _ENGINES[key] = eng
    return eng


class Processor:
    """Renders items (CSL-JSON dicts with "id") in one style, as one document."""

    def __init__(self, style: Style, items: list[dict[str, Any]], *, locale: str | None = None,
                 fmt: str = "text") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        from .processor import Document

        self.style = style
        self.items = items
        self.locale = locale
        self.fmt = fmt
        self.document = Document(_engine(style, locale), items, fmt)

    def bibliography(self) -> list[str]:
        if not self.style.has_bibliography:
            raise StyleError(f"style {self.style.id or self.style.source} has no bibliography")
        return self.document.bibliography()

    @property
    def bibliography_ids(self) -> list[str]:
        """The item of each entry of the last bibliography (an item the style renders as
        nothing has no entry, as in citeproc-js)."""
        return list(self.document.bibliography_ids)

    def citations(self, clusters: list[list[dict[str, Any]]],
                  note_indexes: list[int] | None = None) -> list[str]:
        return self.document.citations(clusters, note_indexes)

    def process_citation_cluster(self, citation: dict[str, Any], citations_pre: list,
                                 citations_post: list) -> list[tuple[int, str, str]]:
        """A document edited one citation at a time (citeproc-js's processCitationCluster):
        insert or replace `citation` ({"citationID", "citationItems", "properties":
        {"noteIndex"}}) between the citations listed as [citationID, noteIndex] in
        citations_pre and citations_post; returns (index, text, citationID) of every
        citation to print again. bibliography() then lists the items still cited."""
        return self.document.process_citation_cluster(citation, citations_pre, citations_post)
