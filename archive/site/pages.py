"""The catalog's pages: the index, a page per record, a page for a removed record and a
not-found page, rendered from Jinja2 templates (autoescaped) in ``templates/``.

The same pages are written by :mod:`archive.site.build` (the static catalog) and served by
:mod:`archive.server`. A record page's links are relative to ``records/`` (``../index.html``,
``<id>/<id>.bib``), so the page works opened from disk, on a static host and when served.

Embedded metadata (DESIGN.md §6) is what Zotero's Embedded Metadata translator reads:
``citation_*`` tags (authors as "Family, Given", so the translator splits them right; the
publisher as ``citation_technical_report_institution`` for a commentary or report, which
makes the item a report), ``z.seriesTitle`` and ``z.extra`` ("Original Date: ..."), DC.*
tags without DC.type (which would turn the item into "Text"), and schema.org JSON-LD for
search engines. No COinS: a COinS span would override all of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..catalog import Catalog, Entry
from ..citing import CITE_BOX_STYLES
from ..files import human_size
from ..formats.shared import display_name
from ..formats.shared import family_name as family
from ..textfold import fold  # case and diacritics, as the index's search box folds them

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

#: kind -> (file suffix, format name, media type): a record's downloads and the whole catalog's
DOWNLOADS: dict[str, tuple[str, str, str]] = {
    "csl-json": (".json", "csl-json", "application/vnd.citationstyles.csl+json"),
    "bibtex": (".bib", "bibtex", "application/x-bibtex"),
    "ris": (".ris", "ris", "application/x-research-info-systems"),
    "oai_dc": (".oai_dc.xml", "oai_dc", "application/xml"),
    "marcxml": (".marc.xml", "marcxml", "application/marcxml+xml"),
}
DOWNLOAD_LABELS = {"csl-json": "CSL-JSON", "bibtex": "BibTeX", "ris": "RIS",
                   "oai_dc": "Dublin Core (oai_dc)", "marcxml": "MARCXML"}
STYLE_LABELS = {"apa": "APA", "chicago": "Chicago", "mla": "MLA", "harvard": "Harvard",
                "ieee": "IEEE", "vancouver": "Vancouver"}
#: our types whose publisher Zotero should take as a report's institution
REPORT_TYPES = {"commentary", "report"}
DC_SCHEMA = "http://purl.org/dc/elements/1.1/"

# Text from the record goes through the citation renderer, which treats a few tags (<i>,
# <b>...) in a field as markup. To keep every character of the record as text, "<" and ">"
# travel through the renderer as private-use characters and come out as character references.
_LT, _GT = "\ue000", "\ue001"


def download_bytes(data: dict[str, Any], kind: str) -> bytes:
    """One record (or, through :func:`dump_bytes`, many) in a download format."""
    return dump_bytes([data], kind)


def dump_bytes(records: list[dict[str, Any]], kind: str) -> bytes:
    from .. import formats

    content = formats.get(DOWNLOADS[kind][1]).dump(records)
    return content if isinstance(content, bytes) else content.encode("utf-8")


def download_name(record_id: str, kind: str) -> str:
    return record_id + DOWNLOADS[kind][0]


# --------------------------------------------------------------------------- text helpers


def shown_name(agent: dict[str, Any]) -> str:
    """The name as the record orders it: "TOKIWA Shin" (family first, family name in
    capitals as such bylines print it), "Ludwig van Beethoven", an organization's name."""
    if "organization" in agent:
        return agent["organization"]
    if agent.get("order") == "family-first":
        return " ".join(p for p in (family(agent).upper(), agent.get("given")) if p)
    return display_name(agent)


def inverted_name(agent: dict[str, Any]) -> str:
    """"Family, Given" (what citation_author and DC.creator carry); an organization whole."""
    if "organization" in agent:
        return agent["organization"]
    given = agent.get("given")
    name = family(agent)
    if given:
        name += ", " + given
    if agent.get("suffix"):
        name += ", " + agent["suffix"]
    return name


def language_name(tag: str | None) -> str | None:
    if not tag:
        return None
    from ..formats.languages import english_name

    name = english_name(tag)
    return f"{name} ({tag})" if name else tag


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("<", _LT).replace(">", _GT)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


def _unmask(html: str) -> str:
    return html.replace(_LT, "&#60;").replace(_GT, "&#62;")


def csl_item(data: dict[str, Any]) -> dict[str, Any]:
    """The record's CSL view with every "<" and ">" kept as text through the renderer."""
    from ..citations import data_to_csl

    return _mask(data_to_csl(data))


def time_element(value: Any) -> Markup:
    """A date of ours as HTML: ``<time datetime>`` for each end (an interval ``A/B`` gives two,
    since a datetime attribute holds one date); escaped text for anything else."""
    text = str(value or "")
    parts = text.split("/")
    if not text or not all(_HTML_DATE.fullmatch(p) for p in parts):
        return Markup.escape(text)
    return Markup("/").join(Markup('<time datetime="{0}">{0}</time>').format(p) for p in parts)


_HTML_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def file_href(record_id: str, path: str) -> str:
    return f"{record_id}/files/" + quote(path)


# --------------------------------------------------------------------------- the renderer


class Renderer:
    """Renders the catalog's pages; one per catalog snapshot (styles resolved once)."""

    def __init__(self, catalog: Catalog, root: Path, styles: Sequence[str] = CITE_BOX_STYLES):
        self.catalog = catalog
        self.root = Path(root)
        self.style_names = tuple(styles)
        self._styles: list[Any] | None = None
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=True, trim_blocks=True, lstrip_blocks=True,
            undefined=jinja2.StrictUndefined)
        self.env.filters["fold"] = fold
        self.env.filters["time"] = time_element
        self.settings = catalog.settings

    # ------------------------------------------------------------------ citations

    @property
    def styles(self) -> list[Any]:
        if self._styles is None:
            from ..styles import resolve

            self._styles = [resolve(name, self.root) for name in self.style_names]
        return self._styles

    def citations(self, items: list[dict[str, Any]]) -> list[list[tuple[str, str, str]]]:
        """For each CSL item (from :func:`csl_item`): [(style name, label, HTML)] per style."""
        from ..citing import render_each

        per_style = [render_each(style, items, fmt="html") for style in self.styles]
        out = []
        for i in range(len(items)):
            out.append([(name, STYLE_LABELS.get(name, name), _unmask(rendered[i]))
                        for name, rendered in zip(self.style_names, per_style)])
        return out

    # ------------------------------------------------------------------ pages

    def page_url(self, record_id: str) -> str | None:
        base = self.settings.base_url
        return f"{base}records/{record_id}.html" if base else None

    def record_html(self, entry: Entry, cites: list[tuple[str, str, str]] | None = None) -> str:
        """A live record's page (``cites``: its Cite box, when rendered in a batch)."""
        data = entry.data or {}
        if cites is None:
            cites = self.citations([csl_item(data)])[0]
        ctx = record_context(data, self.settings)
        ctx.update(
            site_name=self.settings.name,
            canonical=self.page_url(entry.id),
            meta=embedded_metadata(data, self.page_url(entry.id)),
            jsonld=Markup(jsonld_text(data)),
            cites=[(name, label, Markup(html)) for name, label, html in cites],
            downloads=[(DOWNLOAD_LABELS[k], entry.id + "/" + download_name(entry.id, k),
                        DOWNLOADS[k][2]) for k in DOWNLOADS],
            updated=_stamp(entry),
        )
        return self.env.get_template("record.html").render(ctx)

    def gone_html(self, entry: Entry) -> str:
        """A removed record's page: its title (if known) and the date it was removed."""
        title = (entry.data or {}).get("title") if entry.data else None
        return self.env.get_template("gone.html").render(
            site_name=self.settings.name, record_id=entry.id, title=title,
            removed=entry.datestamp.date().isoformat(), root="../")

    def not_found_html(self, root_url: str) -> str:
        """The not-found page; its links start with ``root_url`` ("/" when served)."""
        return self.env.get_template("404.html").render(
            site_name=self.settings.name, root=root_url)

    def index_rows(self) -> list[dict[str, Any]]:
        rows = []
        for entry in self.catalog.live:
            d = entry.data
            authors = [shown_name(a) for a in d.get("authors") or []]
            title = d["title"] + (": " + d["subtitle"] if d.get("subtitle") else "")
            first = (d.get("authors") or [None])[0]
            rows.append({
                "id": entry.id, "title": title, "authors": "; ".join(authors),
                "issued": d.get("issued") or "", "series": d.get("series") or "",
                "number": d.get("series_number") or "",
                "author_key": fold((family(first) if first and "family" in first else
                                    shown_name(first)) if first else ""),
                "search": fold(" ".join([title, *authors, d.get("series") or "",
                                         *(d.get("subjects") or []), d.get("abstract") or ""])),
            })
        rows.sort(key=lambda r: (fold(r["title"]), r["id"]))
        return rows

    def index_html(self, rows: list[dict[str, Any]] | None = None) -> str:
        """The catalog: a table of every live record, with sort, filter and search."""
        rows = self.index_rows() if rows is None else rows
        series = sorted({r["series"] for r in rows if r["series"]}, key=fold)
        return self.env.get_template("index.html").render(
            site_name=self.settings.name, rows=rows, series=series,
            canonical=self.settings.base_url,
            downloads=[(DOWNLOAD_LABELS[k], "downloads/records" + DOWNLOADS[k][0])
                       for k in DOWNLOADS])

    def search_js(self, rows: list[dict[str, Any]] | None = None) -> str:
        """static/search.js: the index's search data as a script (no fetch: works from disk).

        ``window.CATALOG_SEARCH`` maps a record id to [folded text, title key, author key]."""
        rows = self.index_rows() if rows is None else rows
        data = {r["id"]: [r["search"], fold(r["title"]), r["author_key"]] for r in rows}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return "window.CATALOG_SEARCH = " + text + ";\n"


def _stamp(entry: Entry) -> str:
    from ..catalog import format_datestamp

    return format_datestamp(entry.datestamp)


# --------------------------------------------------------------------------- record views


def script_language(text: str | None, fallback: str | None = None) -> str | None:
    """The language of a name in its own script, where the script tells: Hangul is Korean,
    kana Japanese; Han characters alone take ``fallback`` (the original's language) when it
    is one of ja, zh, ko; otherwise None (no lang attribute rather than a wrong one)."""
    if not text:
        return None
    if any("\uac00" <= c <= "\ud7af" or "\u1100" <= c <= "\u11ff" for c in text):
        return "ko"
    if any("\u3040" <= c <= "\u30ff" for c in text):
        return "ja"
    base = (fallback or "").split("-")[0].lower()
    return base if base in ("ja", "zh", "ko") else None


def _agent_view(agent: dict[str, Any], language: str | None = None) -> dict[str, Any]:
    return {"name": shown_name(agent),
            "original_script": agent.get("original_script"),
            "script_lang": script_language(agent.get("original_script"), language),
            "affiliations": [(a.get("role"), a["organization"])
                             for a in agent.get("affiliations") or []]}


def record_context(data: dict[str, Any], settings: Any) -> dict[str, Any]:
    """What the record template shows, as plain values (escaped by the template)."""
    original = data.get("original") or {}
    doi = data.get("doi")
    rid = data["id"]
    return {
        "id": rid,
        "type": data.get("type") or "commentary",
        "title": data["title"], "subtitle": data.get("subtitle"),
        "full_title": data["title"] + (": " + data["subtitle"] if data.get("subtitle") else ""),
        "authors": [_agent_view(a, original.get("language")) for a in data.get("authors") or []],
        "translators": [_agent_view(a, original.get("language"))
                        for a in data.get("translators") or []],
        "editors": [_agent_view(a, original.get("language")) for a in data.get("editors") or []],
        "issued": data.get("issued"),
        "language": language_name(data.get("language")),
        "language_tag": data.get("language"),
        "series": data.get("series"), "series_number": data.get("series_number"),
        "publisher": data.get("publisher"), "place": data.get("place"),
        "container_title": data.get("container_title"),
        "volume": data.get("volume"), "issue": data.get("issue"), "pages": data.get("pages"),
        "number": data.get("number"),
        "original": {
            "issued": original.get("issued"),
            "language": language_name(original.get("language")),
            "title": original.get("title"),
            "title_original_script": original.get("title_original_script"),
            "venue": original.get("venue"), "publisher": original.get("publisher"),
            "place": original.get("place"), "url": original.get("url"),
        } if original else None,
        "subjects": data.get("subjects") or [],
        "abstract": _plain(data.get("abstract")),
        "notes": data.get("notes"),
        "url": data.get("url"),
        "doi": doi, "doi_url": f"https://doi.org/{quote(doi, safe='/:;()')}" if doi else None,
        "identifiers": sorted((data.get("identifiers") or {}).items()),
        "rights": data.get("rights"),
        "files": [{"path": f["path"], "href": file_href(rid, f["path"]),
                   "media_type": f["media_type"], "bytes": f["bytes"],
                   "size": human_size(f["bytes"]), "sha256": f["sha256"]}
                  for f in data.get("files") or []],
    }


def _plain(text: str | None) -> str | None:
    if not text:
        return text
    from ..formats.shared import plain_text

    return plain_text(text)


def embedded_metadata(data: dict[str, Any], page_url: str | None) -> list[tuple[str, str]]:
    """(name, content) of the page's <meta name=...> tags, in order (DESIGN.md §6)."""
    meta: list[tuple[str, str]] = []
    add = meta.append
    kind = data.get("type") or "commentary"
    title = data["title"] + (": " + data["subtitle"] if data.get("subtitle") else "")
    add(("citation_title", title))
    for agent in data.get("authors") or []:
        add(("citation_author", inverted_name(agent)))
    if data.get("issued"):
        add(("citation_publication_date", data["issued"]))
    publisher = data.get("publisher")
    if kind in REPORT_TYPES and publisher:
        add(("citation_technical_report_institution", publisher))
        if data.get("series_number"):
            add(("citation_technical_report_number", data["series_number"]))
    elif kind == "thesis" and publisher:
        add(("citation_dissertation_institution", publisher))
    elif kind == "article" and data.get("container_title"):
        add(("citation_journal_title", data["container_title"]))
    elif kind == "chapter" and data.get("container_title"):
        add(("citation_book_title", data["container_title"]))
    if kind in ("article",):
        for key, name in (("volume", "citation_volume"), ("issue", "citation_issue")):
            if data.get(key):
                add((name, data[key]))
    if publisher:
        add(("citation_publisher", publisher))
    if data.get("language"):
        add(("citation_language", data["language"]))
    abstract = _plain(data.get("abstract"))
    if abstract:
        add(("citation_abstract", abstract))
    subjects = data.get("subjects") or []
    if subjects:
        # the translator splits keywords on ";" (and, called by another translator, on ",")
        add(("citation_keywords", "; ".join(s.replace(";", ",") for s in subjects)))
    if data.get("doi"):
        add(("citation_doi", data["doi"]))
    for f in data.get("files") or []:
        if f.get("media_type") == "application/pdf":
            add(("citation_pdf_url", file_href(data["id"], f["path"]) if not page_url
                 else page_url.rsplit("/", 1)[0] + "/" + file_href(data["id"], f["path"])))
            break
    if page_url:
        add(("citation_public_url", page_url))
    if data.get("series"):
        add(("z.seriesTitle", data["series"]))
    extra = _extra(data)
    if extra:
        add(("z.extra", extra))
    # Dublin Core (no DC.type: Zotero would make the item "Text")
    add(("DC.title", title))
    for agent in data.get("authors") or []:
        add(("DC.creator", inverted_name(agent)))
    if data.get("issued"):
        add(("DC.date", data["issued"]))
    if data.get("language"):
        add(("DC.language", data["language"]))
    if publisher:
        add(("DC.publisher", publisher))
    if abstract:
        add(("DC.description", abstract))
    for subject in subjects:
        add(("DC.subject", subject))
    if data.get("doi"):
        add(("DC.identifier", "https://doi.org/" + data["doi"]))
    elif page_url:
        add(("DC.identifier", page_url))
    elif data.get("url"):
        add(("DC.identifier", data["url"]))
    return meta


def _extra(data: dict[str, Any]) -> str | None:
    """z.extra: lines Zotero reads as CSL variables of the item ("Original Date: ...")."""
    original = data.get("original") or {}
    lines = []
    if original.get("issued"):
        lines.append(f"Original Date: {original['issued']}")
    if original.get("title"):
        lines.append(f"Original Title: {original['title']}")
    return "\n".join(lines) or None


def jsonld_text(data: dict[str, Any]) -> str:
    """schema.org JSON-LD for a <script> element: <, > and & written as \\u003c etc."""
    from ..formats.schemaorg import record_node, to_json

    text = to_json(record_node(data))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
