"""BibTeX: records to .bib entries and back (DESIGN.md §5).

Entry types: commentary and report -> @techreport (``institution`` = publisher, ``type`` =
series, ``number`` = series number), op-ed and article -> @article (``journal``), book
-> @book, chapter -> @incollection (``booktitle``), thesis -> @phdthesis (``school``),
the rest -> @misc. The citation key is the record id.

What the readers do (measured with pandoc 2.17 and citation.js 0.7, see the tests):

- case: pandoc turns an English (or unmarked) title into sentence case unless it is
  braced, even words braced one by one ("of NATO: an {iPhone}" -> "An iPhone");
  citation.js keeps the case. The title is therefore written ``{{Title: Subtitle}}``:
  both give it back exactly as the record has it.
- day: pandoc reads a ``day`` field and ``date = {2022-06-01}`` (also ranges
  ``2022-06/2022-07``); citation.js, reading BibTeX, reads ``day`` but ignores ``date``;
  classic BibTeX styles know only ``year`` and ``month``. We write ``year``, ``month``
  and ``day`` (of the start, for a range), and ``date`` only for a range, which pandoc
  and we read whole (citation.js gets its start).
- translators: pandoc and citation.js read a ``translator`` field (classic styles
  ignore it), so it is written. The original's date, title, language and venue have
  no field that BibTeX styles print: they go in a sentence at the end of ``note``
  ("Translated from Japanese by ...; originally published in ... on 2022-05-19."), which
  every reader shows; on import that sentence stays in the record's notes.
- straight apostrophes: pandoc prints ' as ’ whatever we write; records usually have ’.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from . import bibcommon as bc
from .base import Entry, join_title
from .bibread import load as _load
from .latex import without_nonchars

ENTRY_TYPE = {
    "commentary": "techreport", "report": "techreport", "op-ed": "article",
    "article": "article", "book": "book", "chapter": "incollection", "thesis": "phdthesis",
    "blog-post": "misc", "webpage": "misc", "interview": "misc", "speech": "misc",
}
PUBLISHER_FIELD = {"techreport": "institution", "phdthesis": "school",
                   "mastersthesis": "school"}

CARRIES: dict[str, str] = {
    "id": "citation key",
    "type": "entry type (+ entrysubtype for op-ed, blog post, web page, interview, speech; "
            "a commentary is told from a report by 'commentary' in its series)",
    "title": "title (title and subtitle joined: join_title)",
    "language": "language (BCP 47 tag)",
    "issued": "year, month, day (+ date for a range)",
    "series": "series (and type for reports)",
    "series_number": "number",
    "publisher": "institution / school / publisher",
    "place": "address",
    "container_title": "journal / booktitle",
    "volume": "volume",
    "issue": "number (articles)",
    "pages": "pages (12--15)",
    "edition": "edition",
    "authors": "author",
    "translators": "translator",
    "editors": "editor",
    "subjects": "keywords",
    "abstract": "abstract",
    "url": "url",
    "doi": "doi",
    "identifiers": "isbn, issn (others not carried)",
    "accessed": "urldate",
    "notes": "note (with a sentence on the original appended for translations)",
}
# fields of CARRIES that some of our types cannot carry (the round-trip tests skip them)
NOT_CARRIED_FOR = {
    "article": {"series_number"}, "op-ed": {"series_number"},
}


def _date_fields(issued: str) -> list[tuple[str, str]]:
    start = issued.split("/")[0]
    out = [("year", start[:4])]
    if len(start) >= 7:
        out.append(("month", bc.month_macro(int(start[5:7]))))
    if len(start) == 10:
        out.append(("day", str(int(start[8:10]))))
    if "/" in issued:
        out.append(("date", issued))
    return out


def entry(data: dict[str, Any]) -> str:
    """One record as a BibTeX entry."""
    ours = data.get("type", "commentary")
    etype = ENTRY_TYPE.get(ours, "misc")
    genre = data.get("genre")
    if etype == "phdthesis" and genre and "master" in genre.lower():
        etype = "mastersthesis"
    lines = [f"@{etype}{{{data['id']},\n"]
    add = lines.append
    for field, key in (("author", "authors"), ("editor", "editors"),
                       ("translator", "translators")):
        if data.get(key):
            add(bc.field_line(field, bc.format_names(data[key])))
    add(f"  title = {{{bc.title_value(join_title(data['title'], data.get('subtitle')))}}},\n")
    if data.get("container_title"):
        name = "journal" if etype == "article" else "booktitle"
        add(f"  {name} = {{{bc.title_value(data['container_title'])}}},\n")
    if data.get("publisher"):
        add(bc.field_line(PUBLISHER_FIELD.get(etype, "publisher"), bc.escape(data["publisher"])))
    if data.get("place"):
        add(bc.field_line("address", bc.escape(data["place"])))
    series = data.get("series")
    if etype == "techreport":
        kind = series or genre or ("Commentary" if ours == "commentary" else None)
        if ours == "commentary" and series and "commentary" not in series.lower():
            kind = "Commentary"
        if kind:
            add(bc.field_line("type", bc.escape(kind)))
    elif genre:
        add(bc.field_line("type", bc.escape(genre)))
    if ours in bc.SUBTYPES and ours != "commentary":
        add(bc.field_line("entrysubtype", bc.SUBTYPES[ours]))
    if series:
        add(f"  series = {{{bc.title_value(series)}}},\n")
    number = data.get("issue") if etype == "article" else (
        data.get("series_number") or data.get("number"))
    if number:
        add(bc.field_line("number", bc.escape(number)))
    if data.get("volume"):
        add(bc.field_line("volume", bc.escape(data["volume"])))
    if data.get("pages"):
        add(bc.field_line("pages", bc.pages_value(data["pages"])))
    if data.get("edition"):
        add(bc.field_line("edition", bc.escape(data["edition"])))
    if data.get("issued"):
        for name, value in _date_fields(data["issued"]):
            add(f"  {name} = {value},\n" if name == "month" else bc.field_line(name, value))
    if data.get("language"):
        add(bc.field_line("language", data["language"]))
        babel = bc.babel_name(data["language"])
        if babel:  # pandoc reads the language only from langid
            add(bc.field_line("langid", babel))
    if data.get("url"):
        add(bc.field_line("url", data["url"]))
    if data.get("doi"):
        add(bc.field_line("doi", data["doi"]))
    if data.get("accessed"):
        add(bc.field_line("urldate", data["accessed"]))
    identifiers = data.get("identifiers") or {}
    for name in ("isbn", "issn"):
        if identifiers.get(name):
            add(bc.field_line(name, bc.escape(identifiers[name])))
    if data.get("subjects"):
        add(bc.field_line("keywords", bc.keywords_value(data["subjects"])))
    if data.get("abstract"):
        add(bc.field_line("abstract", bc.escape_rich(data["abstract"])))
    note = " ".join(n for n in (data.get("notes"), bc.provenance_sentence(data)) if n)
    if note:
        add(bc.field_line("note", bc.escape_rich(note)))
    lines.append("}\n")
    return "".join(lines)


def dump(records: list[dict[str, Any]]) -> str:
    """Records (``Record.to_data()``) as a BibTeX file, UTF-8 text."""
    return without_nonchars("\n".join(entry(r) for r in records))


def load(stream: IO[str], source: str) -> Iterator[Entry]:
    """Read BibTeX (BibLaTeX fields are understood too), entry by entry."""
    return _load(stream, source, "bibtex")
