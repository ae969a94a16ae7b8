"""BibLaTeX: records to .bib entries for biber and back.

Entry types: commentary and report -> @report, op-ed and article -> @article (an op-ed
has ``entrysubtype = {newspaper}``), book -> @book, chapter -> @incollection, thesis ->
@thesis, blog post and web page -> @online, interview and speech -> @misc.

Every field we write is in biber's default data model for its entry type (the tests
run ``biber --tool --validate-datamodel``), which decides what each type can carry:

- @report has no ``series``, ``translator``, ``editor`` or ``origlanguage``. Its series is
  written the way BibLaTeX prints a report series, ``type`` + ``number`` ("GFJ
  Commentary 12"); its translators and editors go in ``namea``/``nameb`` with
  ``nameatype = {translator}``/``namebtype = {editor}`` (valid for every type, read back
  by us and by styles that look at them; pandoc and citation.js ignore them). The same
  holds for @thesis, @online and @misc.
- ``origdate``, ``origtitle``, ``origpublisher``, ``origlocation``, ``langid``, ``keywords``,
  ``abstract``, ``doi``, ``url``, ``urldate`` and ``entrysubtype`` are valid everywhere.
- ``entrysubtype`` keeps our type where two of ours share an entry type (commentary,
  op-ed, blog post, web page, interview, speech).

Languages: ``langid`` takes babel/polyglossia names; BCP 47 tags are mapped with the
table in :mod:`.bibcommon` (en -> english, en-US -> american, ja -> japanese, pt-BR ->
brazilian...). A tag without a babel name (zh-Hant) is written as ``language = {zh-Hant}``
(printed as is by BibLaTeX) and no ``langid``; import reads either.

What pandoc 2.17 makes of it: ``origdate`` -> original-date, ``origtitle`` ->
original-title, ``origpublisher``/``origlocation`` -> original-publisher(-place),
``translator`` -> translator, ``langid = {english}`` -> en-US; it ignores ``namea``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from . import bibcommon as bc
from .base import Entry
from .bibread import load as _load
from .latex import without_nonchars

ENTRY_TYPE = {
    "commentary": "report", "report": "report", "op-ed": "article", "article": "article",
    "book": "book", "chapter": "incollection", "thesis": "thesis", "blog-post": "online",
    "webpage": "online", "interview": "misc", "speech": "misc",
}
# biber 2.18's default data model (biber-tool.conf): fields valid for every entry type,
# and the fields each of our entry types adds (only those we write are listed)
GLOBAL = {"abstract", "doi", "keywords", "langid", "url", "urldate", "date", "origdate",
          "origtitle", "origpublisher", "origlocation", "entrysubtype", "namea", "nameatype",
          "nameb", "namebtype"}
VALID = {
    "article": {"author", "editor", "translator", "title", "subtitle", "journaltitle",
                "series", "number", "volume", "pages", "issn", "language", "note",
                "origlanguage"},
    "book": {"author", "editor", "translator", "title", "subtitle", "publisher", "location",
             "series", "number", "volume", "pages", "edition", "isbn", "language", "note",
             "origlanguage"},
    "incollection": {"author", "editor", "translator", "title", "subtitle", "booktitle",
                     "publisher", "location", "series", "number", "volume", "pages",
                     "edition", "isbn", "language", "note", "origlanguage"},
    "report": {"author", "title", "subtitle", "institution", "location", "type", "number",
               "pages", "language", "note"},
    "thesis": {"author", "title", "subtitle", "institution", "location", "type", "pages",
               "language", "note"},
    "online": {"author", "editor", "title", "subtitle", "organization", "language", "note"},
    "misc": {"author", "editor", "title", "subtitle", "organization", "location", "type",
             "howpublished", "language", "note"},
}

CARRIES: dict[str, str] = {
    "id": "citation key",
    "type": "entry type + entrysubtype",
    "title": "title",
    "subtitle": "subtitle",
    "language": "langid (babel name), else language (the tag)",
    "issued": "date (ISO 8601, ranges)",
    "series": "series (@report: type)",
    "series_number": "number",
    "publisher": "institution / publisher / organization",
    "place": "location",
    "container_title": "journaltitle / booktitle",
    "volume": "volume",
    "issue": "number (@article)",
    "pages": "pages",
    "edition": "edition",
    "authors": "author",
    "translators": "translator (@report, @thesis, @online, @misc: namea + nameatype)",
    "editors": "editor (@report, @thesis: nameb + namebtype)",
    "original.language": "origlanguage",
    "original.issued": "origdate",
    "original.title": "origtitle",
    "original.publisher": "origpublisher",
    "original.place": "origlocation",
    "subjects": "keywords",
    "abstract": "abstract",
    "url": "url",
    "doi": "doi",
    "identifiers": "isbn, issn (others not carried)",
    "accessed": "urldate",
    "notes": "note",
}
# which of our fields an entry type cannot hold in the data model (round-trip tests skip)
_NEEDS = {"series": "series", "series_number": "number", "publisher": None, "place": "location",
          "container_title": None, "volume": "volume", "issue": "number", "pages": "pages",
          "edition": "edition", "original.language": "origlanguage", "notes": "note"}


def _not_carried(etype: str) -> set[str]:
    valid = VALID[etype] | GLOBAL
    out = {ours for ours, field in _NEEDS.items() if field and field not in valid}
    if etype == "report":
        out.discard("series")  # in type
    if etype not in ("article", "incollection"):
        out.add("container_title")
    if etype == "article":
        out |= {"series_number", "publisher", "place"}
    else:
        out.add("issue")
    return out


NOT_CARRIED_FOR = {ours: _not_carried(etype) for ours, etype in ENTRY_TYPE.items()}


def _names(add, etype: str, field: str, role_field: str, agents: list[dict]) -> None:
    if field in VALID[etype]:
        add(bc.field_line(field, bc.format_names(agents)))
    else:
        add(bc.field_line(role_field, bc.format_names(agents)))
        add(bc.field_line(role_field + "type", field))


def entry(data: dict[str, Any]) -> str:
    """One record as a BibLaTeX entry."""
    ours = data.get("type", "commentary")
    etype = ENTRY_TYPE.get(ours, "misc")
    valid = VALID[etype]
    out = [f"@{etype}{{{data['id']},\n"]
    add = out.append
    if data.get("authors"):
        add(bc.field_line("author", bc.format_names(data["authors"])))
    if data.get("editors"):
        _names(add, etype, "editor", "nameb", data["editors"])
    if data.get("translators"):
        _names(add, etype, "translator", "namea", data["translators"])
    add(f"  title = {{{bc.title_value(data['title'])}}},\n")
    if data.get("subtitle"):
        add(f"  subtitle = {{{bc.title_value(data['subtitle'])}}},\n")
    if data.get("container_title"):
        name = "journaltitle" if etype == "article" else "booktitle"
        if name in valid:
            add(f"  {name} = {{{bc.title_value(data['container_title'])}}},\n")
    if data.get("publisher") and etype != "article":
        name = next(n for n in ("institution", "publisher", "organization") if n in valid)
        add(bc.field_line(name, bc.escape(data["publisher"])))
    if data.get("place") and "location" in valid:
        add(bc.field_line("location", bc.escape(data["place"])))
    series, genre = data.get("series"), data.get("genre")
    if "type" in valid:
        kind = (series if etype == "report" else None) or genre
        # type is mandatory for @report and @thesis: BibLaTeX's own keys as the default
        kind = kind or {"report": "Commentary" if ours == "commentary" else "techreport",
                        "thesis": "phdthesis"}.get(etype)
        if kind:
            add(bc.field_line("type", bc.escape(kind)))
    if ours in bc.SUBTYPES:
        add(bc.field_line("entrysubtype", bc.SUBTYPES[ours]))
    if series and "series" in valid:
        add(f"  series = {{{bc.title_value(series)}}},\n")
    number = data.get("issue") if etype == "article" else (
        data.get("series_number") or data.get("number"))
    if number and "number" in valid:
        add(bc.field_line("number", bc.escape(number)))
    for ours_field, name in (("volume", "volume"), ("edition", "edition")):
        if data.get(ours_field) and name in valid:
            add(bc.field_line(name, bc.escape(data[ours_field])))
    if data.get("pages") and "pages" in valid:
        add(bc.field_line("pages", bc.pages_value(data["pages"])))
    if data.get("issued"):
        add(bc.field_line("date", data["issued"]))
    if data.get("language"):
        babel = bc.babel_name(data["language"])
        if babel:
            add(bc.field_line("langid", babel))
        else:
            add(bc.field_line("language", bc.escape(data["language"])))
    original = data.get("original") or {}
    if original.get("issued"):
        add(bc.field_line("origdate", original["issued"]))
    if original.get("title"):
        add(f"  origtitle = {{{bc.title_value(original['title'])}}},\n")
    if original.get("language") and "origlanguage" in valid:
        lang = original["language"]
        add(bc.field_line("origlanguage", bc.babel_name(lang) or bc.escape(lang)))
    if original.get("publisher"):
        add(bc.field_line("origpublisher", bc.escape(original["publisher"])))
    if original.get("place"):
        add(bc.field_line("origlocation", bc.escape(original["place"])))
    if data.get("url"):
        add(bc.field_line("url", data["url"]))
    if data.get("doi"):
        add(bc.field_line("doi", data["doi"]))
    if data.get("accessed"):
        add(bc.field_line("urldate", data["accessed"]))
    identifiers = data.get("identifiers") or {}
    wrong = []  # biber refuses an ISBN or ISSN whose check digit is wrong: keep it as text
    for name in ("isbn", "issn"):
        if identifiers.get(name) and name in valid:
            if bc.checksum_ok(name, identifiers[name]):
                add(bc.field_line(name, bc.escape(identifiers[name])))
            else:
                wrong.append(f"{name.upper()} {identifiers[name]} (as recorded; its check "
                             "digit is wrong).")
    if data.get("subjects"):
        add(bc.field_line("keywords", bc.keywords_value(data["subjects"])))
    if data.get("abstract"):
        add(bc.field_line("abstract", bc.escape_rich(data["abstract"])))
    note = " ".join(([data["notes"]] if data.get("notes") else []) + wrong)
    if note:
        add(bc.field_line("note", bc.escape_rich(note)))
    out.append("}\n")
    return "".join(out)


def dump(records: list[dict[str, Any]]) -> str:
    """Records (``Record.to_data()``) as a BibLaTeX file, UTF-8 text."""
    return without_nonchars("\n".join(entry(r) for r in records))


def load(stream: IO[str], source: str) -> Iterator[Entry]:
    """Read BibLaTeX (plain BibTeX is understood too), entry by entry."""
    return _load(stream, source, "biblatex")
