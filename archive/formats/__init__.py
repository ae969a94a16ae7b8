"""The registry of formats: names, aliases and file suffixes -> the module that does it.

Each format is one module of this package with one job (see :mod:`.base`); modules
are imported only when their format is used, so ``archive --help`` stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ArchiveError


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    module: str  # module of this package
    suffixes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    media_type: str = "text/plain"
    dump_function: str | None = "dump"
    load_function: str | None = None
    carries_name: str = "CARRIES"  # the module's mapping of what this format carries

    @property
    def can_export(self) -> bool:
        return self.dump_function is not None

    @property
    def can_import(self) -> bool:
        return self.load_function is not None

    def impl(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")

    def dump(self, records: list[dict[str, Any]]) -> str | bytes:
        assert self.dump_function
        return getattr(self.impl(), self.dump_function)(records)

    def loader(self) -> Any:
        assert self.load_function
        return getattr(self.impl(), self.load_function)

    @property
    def carries(self) -> dict[str, str]:
        return dict(getattr(self.impl(), self.carries_name))


FORMATS: list[Format] = [
    Format("csl-json", "CSL-JSON (Zotero, pandoc, citation.js, citeproc)", "csljson",
           (".json",), ("csljson", "csl"), "application/vnd.citationstyles.csl+json",
           load_function="load"),
    Format("bibtex", "BibTeX (@techreport for commentaries)", "bibtex", (".bib", ".bibtex"),
           ("bib",), "application/x-bibtex", load_function="load"),
    Format("biblatex", "BibLaTeX (@report, origdate, translator, langid)", "biblatex",
           (), ("bibla",), "application/x-bibtex", load_function="load"),
    Format("ris", "RIS (Zotero, EndNote, Mendeley)", "ris", (".ris",), (),
           "application/x-research-info-systems", load_function="load"),
    Format("oai_dc", "Dublin Core, OAI-PMH oai_dc XML", "dublincore", (".xml",),
           ("oai-dc", "dc"), "application/xml", dump_function="dump_oai_dc",
           carries_name="CARRIES_OAI_DC"),
    Format("dcterms", "Dublin Core, qualified (DCMI Terms) XML", "dublincore", (".qdc.xml",),
           ("qdc", "qualified-dc"), "application/xml", dump_function="dump_dcterms",
           carries_name="CARRIES_DCTERMS"),
    Format("dc-rdf", "Dublin Core, DCMI Terms as RDF/XML", "dublincore", (".rdf",),
           ("rdf", "rdf-xml"), "application/rdf+xml", dump_function="dump_rdf_xml",
           carries_name="CARRIES_RDF"),
    Format("dc-turtle", "Dublin Core, DCMI Terms as RDF Turtle", "dublincore", (".ttl",),
           ("turtle", "ttl"), "text/turtle", dump_function="dump_turtle",
           carries_name="CARRIES_RDF"),
    Format("schemaorg", "schema.org JSON-LD (ScholarlyArticle, Report)", "schemaorg",
           (".jsonld",), ("json-ld", "jsonld", "schema.org"), "application/ld+json"),
    Format("marcxml", "MARC 21 slim (MARCXML)", "marcxml", (".marcxml", ".mrcx"),
           ("marc", "marc21"), "application/marcxml+xml"),
    Format("csv", "CSV, one row per record (spreadsheets)", "csvfmt", (".csv",), (),
           "text/csv"),
    Format("yaml", "our records as YAML (lossless)", "ours", (".yaml", ".yml"), (),
           "application/yaml", dump_function="dump_yaml", load_function="load_yaml"),
    Format("json", "our records as JSON (lossless)", "ours", (), (), "application/json",
           dump_function="dump_json", load_function="load_json"),
]
BY_NAME: dict[str, Format] = {}
for _f in FORMATS:
    for _n in (_f.name, *_f.aliases):
        BY_NAME[_n] = _f


def names(*, export: bool = False, load: bool = False) -> list[str]:
    return [f.name for f in FORMATS
            if (not export or f.can_export) and (not load or f.can_import)]


def get(name: str, *, export: bool = False, load: bool = False) -> Format:
    """The format called ``name`` (or an alias); the error lists what there is."""
    fmt = BY_NAME.get(name.strip().lower())
    usable = names(export=export, load=load)
    if fmt is None or fmt.name not in usable:
        what = "export" if export else "import" if load else "use"
        raise ArchiveError(f"--format {name!r}: not a format we can {what}; use one of: "
                           + ", ".join(usable))
    return fmt


def from_suffix(path: str | Path, *, export: bool = False, load: bool = False
                ) -> Format | None:
    """The format a file name asks for (the longest matching suffix wins), or None."""
    name = Path(path).name.lower()
    best: Format | None = None
    best_len = 0
    for fmt in FORMATS:
        if (export and not fmt.can_export) or (load and not fmt.can_import):
            continue
        for suffix in fmt.suffixes:
            if name.endswith(suffix) and len(suffix) > best_len:
                best, best_len = fmt, len(suffix)
    return best


#: our fields, in the order of the README's table
FIELDS = (
    "id", "type", "title", "subtitle", "authors", "authors.order", "authors.affiliations",
    "translators", "editors", "issued", "language", "series", "series_number", "publisher",
    "place", "container_title", "volume", "issue", "pages", "number", "genre", "edition",
    "original.issued", "original.language", "original.title", "original.title_original_script",
    "original.venue", "original.publisher", "original.place", "original.url", "subjects",
    "abstract", "url", "doi", "identifiers", "accessed", "rights", "files", "notes",
)
#: the formats in the table (yaml and json are the record itself; Turtle is dc-rdf's graph)
TABLE_FORMATS = ("csl-json", "bibtex", "biblatex", "ris", "oai_dc", "dcterms", "dc-rdf",
                 "schemaorg", "marcxml", "csv")


def carries_table() -> str:
    """The Markdown table of which of our fields each format carries, and where."""
    cols = [get(n) for n in TABLE_FORMATS]
    carries = [f.carries for f in cols]
    lines = ["| field | " + " | ".join(f"`{f.name}`" for f in cols) + " |",
             "|---|" + "---|" * len(cols)]
    for name in FIELDS:
        cells = [c.get(name) for c in carries]
        lines.append(f"| `{name}` | " + " | ".join(
            (v.replace("|", "\\|") if v else "–") for v in cells) + " |")
    return "\n".join(lines)
