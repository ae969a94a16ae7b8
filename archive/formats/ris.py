"""RIS, the tagged format of reference managers (Zotero, EndNote, Mendeley, citation.js).

Export writes one record per ``TY ... ER`` block with CR LF line ends (RIS spec);
import reads any RIS file line by line, so a large file is never held in memory.

Which tag carries what was checked against the two readers that matter most:
Zotero's RIS translator (zotero/translators RIS.js, 2023) and citation.js
(``@citation-js/plugin-ris`` 0.8, spec/new.json). Where they disagree per type, the
tables below say which one we follow and why. RIS has no field for a subtitle, an
original date or affiliations per author, so:

- the title is ``join_title(title, subtitle)`` in ``TI``, with the bare title in ``ST``
  (short title: Zotero ``shortTitle``, citation.js ``title-short``); import splits the
  title again only where ``TI`` is exactly ``join_title(ST, rest)``;
- translation provenance goes three ways: ``OP`` (original publication: citation.js
  reads it as ``original-title``), ``M2`` lines ``original-date: 2022-05-19`` (Zotero
  keeps M2 in *Extra*, whose ``original-date:`` lines its citation processor uses) and
  one readable ``N1`` note, which our import reads back field by field;
- translators are ``A4`` for every type (Zotero reads A4 as translator for all types
  we write; citation.js only for book-like types, hence the readable note as well).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import rispy

from .. import dates
from ..ids import SLUG_MAX, SLUG_RE
from .base import Entry, FormatError, join_title

# --------------------------------------------------------------------------- types

#: our type -> the CSL type it stands for (DESIGN.md §3); a RIS type whose CSL type
#: differs is kept in the record's ``csl`` passthrough as ``{"type": ...}``
OUR_CSL = {
    "commentary": "report", "report": "report", "op-ed": "article-newspaper",
    "article": "article-journal", "blog-post": "post-weblog", "webpage": "webpage",
    "book": "book", "chapter": "chapter", "interview": "interview", "speech": "speech",
    "thesis": "thesis",
}
OUR_TO_RIS = {
    "commentary": "RPRT", "report": "RPRT", "op-ed": "NEWS", "article": "JOUR",
    "blog-post": "BLOG", "webpage": "ELEC", "book": "BOOK", "chapter": "CHAP",
    # RIS has no interview type: GEN (citation.js reads it as a document) with
    # "Interview" as the type of work; SLIDE is Zotero's "presentation" both ways
    "interview": "GEN", "speech": "SLIDE", "thesis": "THES",
}
#: every RIS type we accept -> (our type, CSL type); the CSL types follow citation.js
#: (spec/types.json) where ours is coarser
RIS_TYPES: dict[str, tuple[str, str]] = {
    "ABST": ("article", "article-journal"), "ADVS": ("report", "motion_picture"),
    "AGGR": ("report", "dataset"), "ANCIENT": ("book", "classic"),
    "ART": ("report", "graphic"), "BILL": ("report", "bill"),
    "BLOG": ("blog-post", "post-weblog"), "BOOK": ("book", "book"),
    "CASE": ("report", "legal_case"), "CHAP": ("chapter", "chapter"),
    "CHART": ("report", "figure"), "CLSWK": ("book", "classic"),
    "COMP": ("report", "software"), "CONF": ("article", "paper-conference"),
    "CPAPER": ("article", "paper-conference"), "CTLG": ("book", "book"),
    "DATA": ("report", "dataset"), "DBASE": ("report", "dataset"),
    "DICT": ("chapter", "entry-dictionary"), "EBOOK": ("book", "book"),
    "ECHAP": ("chapter", "chapter"), "EDBOOK": ("book", "book"),
    "EJOUR": ("article", "article-journal"), "ELEC": ("webpage", "webpage"),
    "ENCYC": ("chapter", "entry-encyclopedia"), "EQUA": ("report", "figure"),
    "FIGURE": ("report", "figure"), "GEN": ("report", "document"),
    "GOVDOC": ("report", "report"), "GRANT": ("report", "document"),
    "GRNT": ("report", "document"), "HEAR": ("report", "hearing"),
    "ICOMM": ("report", "personal_communication"), "INPR": ("article", "article-journal"),
    "JFULL": ("article", "periodical"), "JOUR": ("article", "article-journal"),
    "LEGAL": ("report", "legislation"), "MANSCPT": ("report", "manuscript"),
    "MAP": ("report", "map"), "MGZN": ("article", "article-magazine"),
    "MPCT": ("report", "motion_picture"), "MULTI": ("report", "motion_picture"),
    "MUSIC": ("report", "musical_score"), "NEWS": ("op-ed", "article-newspaper"),
    "PAMP": ("report", "pamphlet"), "PAT": ("report", "patent"),
    "PCOMM": ("report", "personal_communication"), "RPRT": ("report", "report"),
    "SER": ("book", "periodical"), "SLIDE": ("speech", "speech"),
    "SOUND": ("report", "song"), "STAND": ("report", "standard"),
    "STAT": ("report", "legislation"), "THES": ("thesis", "thesis"),
    "UNBILL": ("report", "bill"), "UNPB": ("report", "manuscript"),
    "UNPD": ("report", "manuscript"), "VIDEO": ("report", "motion_picture"),
    "WEB": ("webpage", "webpage"),  # EndNote's web page (Zotero reads it too)
}
TY_ALIASES = {"JOURN": "JOUR"}  # citation.js reads JOURN as JOUR
#: (our type, CSL type) -> TY, so that a record imported from, say, CPAPER goes out as CPAPER
_PREFERRED_TY = {}
for _ty, _pair in RIS_TYPES.items():
    _PREFERRED_TY.setdefault(_pair, _ty)

#: TYs where T2 is the series (Zotero: report seriesTitle, book series; citation.js:
#: collection-title); elsewhere T2 is the container (journal, newspaper, book, website)
#: and T3 the series
SERIES_IN_T2 = {"RPRT", "BOOK", "EDBOOK", "EBOOK", "CLSWK", "COMP", "MAP", "UNPB", "CTLG",
                "MANSCPT", "MPCT", "MULTI", "AGGR", "DBASE", "GOVDOC"}
#: where A2 is the editor (Zotero: journalArticle, bookSection, conferencePaper...;
#: citation.js: CHAP, BLOG, CONF, DICT, ENCYC...); elsewhere A2 is a series editor,
#: performer or recipient, and editors go in ED (Zotero reads ED as editor everywhere)
A2_EDITOR = {"JOUR", "EJOUR", "CHAP", "ECHAP", "CONF", "CPAPER", "DICT", "ENCYC", "GEN",
             "BLOG", "ANCIENT", "SER"}
A3_EDITOR = {"BOOK", "EBOOK", "CLSWK"}  # book editors (Zotero and citation.js)
#: where A4 is not a translator (Zotero: counsel, contributor; citation.js: performer)
A4_NOT_TRANSLATOR = {"CASE", "CONF", "CPAPER", "MPCT", "MUSIC", "DATA", "VIDEO", "ADVS"}
#: citation.js takes the date of these types from PY alone (its DA rule skips them),
#: so PY carries the whole date there, in the original RIS form YYYY/MM/DD
PY_FULL_DATE = {"NEWS", "CHAP"}
#: fields a type does not get, because a reader would misread the tag it would use
NOT_WRITTEN = {
    ("ELEC", "volume"),  # Zotero reads VL of a web page as the access date (EndNote habit)
    ("JOUR", "edition"),  # citation.js reads ET of a journal article as available-date
    ("CHAP", "issue"),  # both read IS of a chapter as the number of volumes
    ("BOOK", "number"),  # M1 of a book is the series number (Zotero, citation.js)
    ("CHAP", "number"),  # M1 of a chapter is the number of volumes (Zotero)
    ("BOOK", "pages"),  # SP of a book or thesis is its number of pages (both readers)
    ("THES", "pages"),
}
NUMBER_OF_PAGES = {"BOOK", "EDBOOK", "EBOOK", "CLSWK", "THES"}  # SP there: number of pages
#: values of M3 (type of work) that say which of our types an RPRT / GEN record is
TYPE_MARKERS = {("RPRT", "commentary"): "Commentary", ("RPRT", "report"): "Report",
                ("GEN", "interview"): "Interview"}
LEGAL_TYPES = {"BILL", "CASE", "HEAR", "STAT", "LEGAL", "UNBILL"}  # OP is "history" there
PROVENANCE_HEAD = "Translation of an original publication:"
PROVENANCE_LINES = {  # label in the readable N1 note -> field of `original`
    "language": "language", "date": "issued", "title": "title",
    "title in original script": "title_original_script", "venue": "venue",
    "publisher": "publisher", "place": "place", "URL": "url",
}
#: M2 lines Zotero keeps in Extra and hands to its citation processor as CSL variables
EXTRA_VARIABLES = {"original-date": "issued", "original-title": "title",
                   "original-publisher": "publisher", "original-publisher-place": "place"}
M2_IS_OTHER = {"JOUR", "ABST", "INPR", "JFULL", "PAMP"}  # citation.js: start page, pages

CARRIES = {
    "id": "ID",
    "type": "TY (RPRT, NEWS, JOUR, BLOG, ELEC, BOOK, CHAP, GEN, SLIDE, THES; M3 tells "
            "commentary/report/interview apart when there is no genre)",
    "title": "TI (with the subtitle joined), ST",
    "subtitle": "TI after the short title ST",
    "language": "LA",
    "issued": "DA (YYYY/MM/DD/), PY",
    "series": "T2 (RPRT, BOOK), T3 (other types)",
    "series_number": "NV (RPRT), M1 (BOOK), SV (other types)",
    "publisher": "PB",
    "place": "CY",
    "container_title": "T2 (T3 for RPRT, BOOK)",
    "volume": "VL (not ELEC)",
    "issue": "IS (not CHAP)",
    "pages": "SP, EP (not BOOK, THES: SP is their number of pages)",
    "number": "SN (RPRT), C7 (JOUR), M1 (other types, not BOOK, CHAP)",
    "genre": "M3",
    "edition": "ET (not JOUR)",
    "authors": "AU (Family, Given, Suffix; particles stay in the family name)",
    "translators": "A4 (and the N1 translation note)",
    "editors": "A3 (BOOK), A2 (JOUR, CHAP, BLOG, GEN...), ED (other types)",
    "original.language": "N1 translation note",
    "original.issued": "N1 translation note, M2 original-date",
    "original.title": "N1 translation note, OP, M2 original-title",
    "original.title_original_script": "N1 translation note",
    "original.venue": "N1 translation note",
    "original.publisher": "N1 translation note, M2 original-publisher",
    "original.place": "N1 translation note, M2 original-publisher-place",
    "original.url": "N1 translation note",
    "subjects": "KW (one per subject)",
    "abstract": "AB",
    "url": "UR",
    "doi": "DO",
    "accessed": "Y2",
    "rights": "CR",
    "notes": "N1",
}

# --------------------------------------------------------------------------- export


class _Writer(rispy.RisWriter):
    """rispy's writer with the spec's CR LF line ends and no "1." header line.

    Tags are the keys of each reference as given (identity mapping), so the order of
    a record's tags is ours (Zotero's order: TI, AU, T2, A2 ... N1, KW).
    """

    NEWLINE = "\r\n"
    REFERENCE_TYPE_KEY = "TY"

    def set_header(self, count: int) -> str:
        return ""


_WRITTEN_TAGS = ("TY TI AU T2 A2 ED A3 T3 A4 AB AD CY DA PY DO ET VL IS SP EP LA SN NV M1 C7 "
                 "SV M3 OP M2 PB ST UR Y2 CR N1 KW ID").split()
# rispy looks tags up by the lower-cased key of each reference
_WRITER = _Writer(mapping={t: t.lower() for t in _WRITTEN_TAGS}, list_tags=[],
                  enforce_list_tags=False)

_TAG_LIKE = re.compile(r"^[A-Z][A-Z0-9] {1,2}-")


def _lines(value: str) -> str:
    """A value that may span lines: CR LF continuation lines (as Zotero writes notes),
    with a space before any line that a reader would take for a new tag."""
    if "\n" not in value and "\r" not in value:
        return value
    parts = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\r\n".join(" " + p if _TAG_LIKE.match(p) else p for p in parts)


def _name(agent: dict[str, Any]) -> str:
    """RIS name: "Family, Given, Suffix" (spec); an organization as written.

    A person with a family name only is written "Family," so that it is not read back
    as an organization (citation.js reads it as family only, Zotero as one field).
    """
    if "organization" in agent and "family" not in agent:
        return agent["organization"]
    # particles go with the family name: RIS has no place of their own for them, and a
    # particle after the given name ("Heide, Klaus von der") is read as part of the given
    # name (citation.js)
    family = " ".join(p for p in (agent.get("dropping_particle"),
                                  agent.get("non_dropping_particle"), agent["family"]) if p)
    given = agent.get("given") or ""
    if agent.get("suffix"):
        return f"{family}, {given}, {agent['suffix']}"
    return f"{family}, {given}" if given else f"{family},"


def _ris_date(text: str) -> str:
    """ISO date or interval -> RIS "YYYY/MM/DD/other" (the end of an interval in other)."""
    start, _, end = text.partition("/")
    parts = start.split("-") + ["", ""]
    out = f"{parts[0]}/{parts[1]}/{parts[2]}/"
    return out + f"to {end}" if end else out


def _translation_note(data: dict[str, Any]) -> str | None:
    original = data.get("original") or {}
    lines = [f"{label}: {original[key]}" for label, key in PROVENANCE_LINES.items()
             if original.get(key)]
    if data.get("translators"):
        lines.append("translated by: " + "; ".join(_name(a) for a in data["translators"]))
    return "\n".join([PROVENANCE_HEAD, *lines]) if lines else None


def _reference(data: dict[str, Any]) -> dict[str, Any]:
    ours = data.get("type", "commentary")
    csl_type = (data.get("csl") or {}).get("type")
    ty = _PREFERRED_TY.get((ours, csl_type), OUR_TO_RIS[ours]) if csl_type else OUR_TO_RIS[ours]
    ref: dict[str, Any] = {"TY": ty}

    def put(tag: str, value: Any) -> None:
        if value not in (None, "", []):
            ref.setdefault(tag, []).extend(value if isinstance(value, list) else [value])

    def skip(name: str) -> bool:
        return (ty, name) in NOT_WRITTEN

    title = data["title"]
    put("TI", join_title(title, data.get("subtitle")))
    put("AU", [_name(a) for a in data.get("authors", [])])
    editors = [_name(a) for a in data.get("editors", [])]
    series_in_t2 = ty in SERIES_IN_T2
    put("T2", data.get("series") if series_in_t2 else data.get("container_title"))
    put("A2" if ty in A2_EDITOR else "ED" if ty not in A3_EDITOR else "A3", editors)
    put("T3", data.get("container_title") if series_in_t2 else data.get("series"))
    put("A4", [_name(a) for a in data.get("translators", [])])
    put("AB", _lines(data.get("abstract", "")))
    for agent in data.get("authors", []):
        for aff in agent.get("affiliations", []):
            where = ", ".join(x for x in (aff.get("role"), aff["organization"]) if x)
            put("AD", f"{_name(agent)}: {where}")
    put("CY", data.get("place"))
    issued = data.get("issued")
    if issued:
        put("DA", _ris_date(issued))
        start = issued.split("/")[0]
        # "YYYY/MM/DD" without the trailing slash: citeproc (citation.js) reads a full
        # date with a trailing slash as a range ending on the same day; Zotero reads both
        put("PY", start.replace("-", "/") if ty in PY_FULL_DATE else start[:4])
    put("DO", data.get("doi"))
    if not skip("edition"):
        put("ET", data.get("edition"))
    if not skip("volume"):
        put("VL", data.get("volume"))
    if not skip("issue"):
        put("IS", data.get("issue"))
    pages = "" if skip("pages") else data.get("pages", "")
    m = re.fullmatch(r"(\w+)-(\w+)", pages)
    put("SP", m.group(1) if m else pages)
    put("EP", m.group(2) if m else None)
    put("LA", data.get("language"))
    number, series_number = data.get("number"), data.get("series_number")
    if ty == "RPRT":  # Zotero: SN is the report number; citation.js: SN/M1 number, NV series
        put("SN", number)
        put("NV", series_number)
    elif ty == "BOOK":
        put("M1", series_number)
    else:
        put("C7" if ty == "JOUR" else "M1", number)
        put("SV", series_number)
    genre = data.get("genre") or TYPE_MARKERS.get((ty, ours))
    if ty == "RPRT" and ours == "report" and not re.search(
            "commentary", f"{data.get('genre', '')} {data.get('series', '')}", re.I):
        genre = data.get("genre")  # only a report that looks like a commentary needs it
    put("M3", genre)
    original = data.get("original") or {}
    put("OP", original.get("title"))
    if ty not in M2_IS_OTHER:
        put("M2", [f"{var}: {original[key]}" for var, key in EXTRA_VARIABLES.items()
                   if original.get(key)])
    put("PB", data.get("publisher"))
    ids = data.get("identifiers") or {}
    if ty != "RPRT":  # SN of a report is its number
        put("SN", ids.get("isbn") or ids.get("issn"))
    if data.get("subtitle"):
        put("ST", title)
    put("UR", data.get("url"))
    put("Y2", _ris_date(data["accessed"]) if data.get("accessed") else None)
    put("CR", data.get("rights"))
    put("N1", _lines(data.get("notes", "")))
    note = _translation_note(data)
    put("N1", _lines(note) if note else None)
    put("KW", [s for s in data.get("subjects", [])])
    put("ID", data.get("id"))
    return ref


def dump(records: list[dict[str, Any]]) -> str:
    """Records (``Record.to_data()``) -> RIS text, one TY ... ER block per record."""
    refs = [_reference(r) for r in records]
    return _WRITER.formats(refs)


# --------------------------------------------------------------------------- import
#
# rispy's parser is not used for reading: it returns the whole file as one list, takes
# any line it does not understand for a continuation, skips text before a TY and an
# unterminated last record without a word, and keeps no line numbers, while a user
# needs to be told "line 12: ..." and a 50 MB file must stream.

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")  # Zotero accepts 1 or 2 spaces
_BAD_TAG = re.compile(r"^(?:[A-Z][A-Z0-9][ \t]*-(?:[ \t]|$)|[A-Za-z][A-Za-z0-9]  - )")
_RIS_DATE = re.compile(r"^(\d{4})(?:/(\d{0,2})(?:/(\d{0,2})(?:/(.*))?)?)?$")
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")
_ISSN = re.compile(r"^\d{4}-\d{3}[\dXx]$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
LANGUAGE_NAMES = {
    "english": "en", "japanese": "ja", "chinese": "zh", "korean": "ko", "french": "fr",
    "german": "de", "spanish": "es", "russian": "ru", "italian": "it", "portuguese": "pt",
}
ACCEPTED_TYPES = sorted(RIS_TYPES)
#: tags kept verbatim in the record's csl passthrough under a CSL variable
CSL_PASSTHROUGH = {"J2": "container-title-short", "JA": "container-title-short",
                   "DB": "archive", "DP": "source", "AN": "archive_location",
                   "CN": "call-number", "SE": "section", "LB": "citation-label"}
#: tags read as text lines (their continuation lines keep the line break)
MULTILINE = {"AB", "N1", "N2", "RN"}


@dataclass
class _Raw:
    """One record as read: its tags with values and line numbers, in file order."""

    line: int
    ty: str
    tags: list[tuple[str, str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _read(stream: TextIO, source: str) -> Iterator[_Raw]:
    """Split the stream into records, line by line; whole-file problems raise."""
    current: _Raw | None = None
    last: list[Any] | None = None  # [tag, value, line] of the tag continuation lines extend
    seen_ty = False
    n = 0
    for n, raw_line in enumerate(stream, 1):
        line = raw_line.rstrip("\r\n")
        if n == 1:
            line = line.lstrip("\ufeff")
        m = _TAG_LINE.match(line.rstrip())
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "TY":
                if current is not None:
                    current.errors.append(
                        f"line {n}: a new TY begins before this record's ER "
                        f"(record at line {current.line}); is an 'ER  - ' line missing?")
                    yield _finish(current)
                seen_ty = True
                current, last = _Raw(n, value.upper()), None
            elif current is None:
                if tag == "ER":
                    continue  # a stray ER outside a record: Zotero ignores it too
                raise FormatError(f"{source}: line {n}: {tag} outside a record "
                                  "(every record starts with 'TY  - <type>')")
            elif tag == "ER":
                yield _finish(current)
                current, last = None, None
            else:
                last = [tag, value, n]
                current.tags.append(last)  # type: ignore[arg-type]
            continue
        if not line.strip():
            if last is not None and last[0] in MULTILINE:
                last[1] += "\n"
            continue
        if current is None:
            where = "before the first TY" if not seen_ty else "between records (after ER)"
            raise FormatError(f"{source}: line {n}: text {where} is not RIS: {line[:60]!r}"
                              + ("" if seen_ty else "; a RIS file starts with 'TY  - <type>'"))
        if _BAD_TAG.match(line):
            current.errors.append(
                f"line {n}: {line[:40]!r} is not a RIS line: a tag is two capitals, two "
                "spaces, '-' and a space, as in 'AU  - Tokiwa, Shin'")
            continue
        if last is None:
            current.errors.append(f"line {n}: {line[:40]!r} follows TY but is no tag")
            continue
        text = line.strip()
        if last[0] in MULTILINE or last[0] == "KW":
            last[1] += "\n" + text
        else:
            last[1] = f"{last[1]} {text}".strip()
    if current is not None:
        current.errors.append(f"TY at line {current.line}: the file ends before this "
                              "record's 'ER  - ' line")
        yield _finish(current)
    if not seen_ty:
        raise FormatError(f"{source}: line {max(n, 1)}: no 'TY  - ' line in the file: "
                          "not a RIS file")


def _finish(raw: _Raw) -> _Raw:
    raw.tags = [(t, re.sub(r"\n{3,}", "\n\n", v).strip(), ln) for t, v, ln in raw.tags]
    return raw


def _parse_date(value: str) -> str:
    """RIS "YYYY/MM/DD/other" (or ISO, which some tools write) -> our ISO text."""
    value = value.strip()
    if _ISO_DATE.match(value):
        return dates.validate(value)
    m = _RIS_DATE.match(value)
    if not m:
        raise ValueError(f"{value!r} is not a RIS date (YYYY/MM/DD/other)")
    year, month, day, other = m.groups()
    parts = [int(year)] + [int(p) for p in (month, day) if p and int(p)]
    if not month or not int(month):
        parts = parts[:1]
    text = dates.from_parts(parts)
    end = re.fullmatch(r"to (\S+)", (other or "").strip())
    if end:
        text = dates.validate(f"{text}/{end.group(1)}")
    return text


def _person_or_org(value: str) -> dict[str, Any]:
    """A RIS name: "Family, Given[, Suffix]" is a person; a name without comma an
    organization (Zotero reads it as one field too); "Family," a family name only."""
    if "," not in value:
        return {"organization": value}
    family, _, rest = (p.strip() for p in value.partition(","))
    given, _, suffix = (p.strip() for p in rest.partition(","))
    person: dict[str, Any] = {"family": family}
    if given:
        person["given"] = given
    if suffix:
        person["suffix"] = suffix
    return person


class _Builder:
    """Turns one record's tags into record data and the entry's report."""

    def __init__(self, raw: _Raw, index: int) -> None:
        self.raw = raw
        self.entry = Entry(index=index, line=raw.line, errors=list(raw.errors))
        self.data: dict[str, Any] = {}
        self.csl: dict[str, Any] = {}
        self.original: dict[str, Any] = {}
        self.ty = TY_ALIASES.get(raw.ty, raw.ty)
        self.issued_from_year = False

    def mapped(self, tag: str, ours: str) -> None:
        note = f"{tag} -> {ours}"
        if note not in self.entry.mapped:
            self.entry.mapped.append(note)

    def dropped(self, tag: str, line: int, why: str) -> None:
        self.entry.dropped.append(f"{tag} (line {line}): {why}")

    def set(self, tag: str, key: str, value: str, line: int) -> None:
        if key in self.data:
            self.dropped(tag, line, f"a second value for {key}; the first one is kept")
            return
        self.data[key] = value
        self.mapped(tag, key)

    def build(self) -> Entry:
        if self.ty not in RIS_TYPES:
            self.entry.errors.append(
                f"TY (line {self.raw.line}): {self.raw.ty!r} is not a RIS type; accepted: "
                + ", ".join(ACCEPTED_TYPES))
            return self.entry
        ours, csl_type = RIS_TYPES[self.ty]
        self.data["type"] = ours
        if OUR_CSL[ours] != csl_type:
            self.csl["type"] = csl_type
        tags: dict[str, list[tuple[str, int]]] = {}
        for tag, value, line in self.raw.tags:
            if value:
                tags.setdefault(tag, []).append((value, line))
        for tag, values in tags.items():
            handler = getattr(self, f"_tag_{tag}", None)
            for value, line in values:
                if handler is not None:
                    handler(value, line, tags)
                elif tag in CSL_PASSTHROUGH:
                    self.csl.setdefault(CSL_PASSTHROUGH[tag], value)
                    self.mapped(tag, f"csl.{CSL_PASSTHROUGH[tag]}")
                else:
                    self.dropped(tag, line, _DROP_REASONS.get(tag, "no field of ours for it"))
        self._finish_record(tags)
        return self.entry

    # -- titles
    def _tag_TI(self, value: str, line: int, tags: dict) -> None:
        self.set("TI", "title", value, line)

    def _tag_T1(self, value: str, line: int, tags: dict) -> None:
        if "TI" in tags:
            self.dropped("T1", line, "TI gives the title")
        else:
            self.set("T1", "title", value, line)

    def _tag_CT(self, value: str, line: int, tags: dict) -> None:
        self._tag_T1(value, line, tags)

    def _tag_ST(self, value: str, line: int, tags: dict) -> None:
        self.short_title = value

    def _tag_T2(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("CONF", "CPAPER"):  # the conference (Zotero and citation.js)
            self.csl.setdefault("event-title", value)
            self.mapped("T2", "csl.event-title")
            return
        key = "series" if self.ty in SERIES_IN_T2 else "container_title"
        self.set("T2", key, value, line)

    def _tag_T3(self, value: str, line: int, tags: dict) -> None:
        if self.ty in LEGAL_TYPES:
            self.dropped("T3", line, "the legislative body; no field of ours for it")
            return
        key = "container_title" if self.ty in SERIES_IN_T2 else "series"
        self.set("T3", key, value, line)

    def _container(self, tag: str, value: str, line: int, tags: dict) -> None:
        if "container_title" in self.data or (self.ty not in SERIES_IN_T2 and "T2" in tags):
            self.csl.setdefault("container-title-short", value)
            self.mapped(tag, "csl.container-title-short")
        else:
            self.set(tag, "container_title", value, line)

    def _container_tag(tag: str) -> Any:  # noqa: N805 - a factory for the class body
        def handler(self: _Builder, value: str, line: int, tags: dict) -> None:
            self._container(tag, value, line, tags)
        return handler

    _tag_JF = _container_tag("JF")
    _tag_JO = _container_tag("JO")
    _tag_J1 = _container_tag("J1")
    _tag_BT = _container_tag("BT")

    # -- names
    def _names(self, tag: str, key: str, value: str) -> None:
        self.data.setdefault(key, []).append(_person_or_org(value))
        self.mapped(tag, key)

    def _tag_AU(self, value: str, line: int, tags: dict) -> None:
        self._names("AU", "editors" if self.ty == "EDBOOK" else "authors", value)

    def _tag_A1(self, value: str, line: int, tags: dict) -> None:
        if "AU" in tags:
            self.dropped("A1", line, "AU gives the authors")
        else:
            self._tag_AU(value, line, tags)

    def _tag_A2(self, value: str, line: int, tags: dict) -> None:
        if self.ty in A2_EDITOR:
            self._names("A2", "editors", value)
        else:
            self.dropped("A2", line, f"for {self.ty} A2 is a series editor, performer, "
                         "sponsor or recipient; no field of ours for it")

    def _tag_A3(self, value: str, line: int, tags: dict) -> None:
        if self.ty in A3_EDITOR:
            self._names("A3", "editors", value)
        else:
            self.dropped("A3", line, f"for {self.ty} A3 is a series editor or producer; "
                         "no field of ours for it")

    def _tag_ED(self, value: str, line: int, tags: dict) -> None:
        self._names("ED", "editors", value)

    def _tag_A4(self, value: str, line: int, tags: dict) -> None:
        if self.ty in A4_NOT_TRANSLATOR:
            self.dropped("A4", line, f"for {self.ty} A4 is a counsel, contributor or "
                         "performer, not a translator")
        else:
            self._names("A4", "translators", value)

    def _tag_AD(self, value: str, line: int, tags: dict) -> None:
        self.addresses = getattr(self, "addresses", []) + [(value, line)]

    # -- dates
    def _date(self, tag: str, key: str, value: str, line: int) -> bool:
        try:
            iso = _parse_date(value)
        except ValueError as exc:
            self.entry.notes.append(f"{tag} (line {line}): {exc}")
            return False
        if key in self.data and not (tag == "DA" and self.issued_from_year):
            return True  # DA (the full date) wins over PY/Y1 wherever they stand
        if key == "issued":
            self.issued_from_year = tag in ("PY", "Y1")
        self.data[key] = iso
        self.mapped(tag, key)
        return True

    def _tag_DA(self, value: str, line: int, tags: dict) -> None:
        if not self._date("DA", "issued", value, line):
            self.dropped("DA", line, "not a date we can read; PY gives the year if present")

    def _tag_PY(self, value: str, line: int, tags: dict) -> None:
        if not self._date("PY", "issued", value, line):
            self.dropped("PY", line, "not a year we can read")

    _tag_Y1 = _tag_PY

    def _tag_Y2(self, value: str, line: int, tags: dict) -> None:
        if not self._date("Y2", "accessed", value, line):
            self.dropped("Y2", line, "not a date we can read")

    # -- simple text fields
    def _simple(tag: str, key: str) -> Any:  # noqa: N805 - a factory for the class body
        def handler(self: _Builder, value: str, line: int, tags: dict) -> None:
            self.set(tag, key, value, line)
        return handler

    _tag_PB = _simple("PB", "publisher")
    _tag_CY = _simple("CY", "place")
    _tag_ET = _simple("ET", "edition")
    _tag_M3 = _simple("M3", "genre")
    _tag_CR = _simple("CR", "rights")

    def _tag_VL(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("ELEC", "WEB"):
            self.dropped("VL", line, "for web pages EndNote writes the access year here")
        else:
            self.set("VL", "volume", value, line)

    def _tag_IS(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("CHAP", "ECHAP"):
            self.csl.setdefault("number-of-volumes", value)
            self.mapped("IS", "csl.number-of-volumes")
        else:
            self.set("IS", "issue", value, line)

    def _tag_SP(self, value: str, line: int, tags: dict) -> None:
        if self.ty in NUMBER_OF_PAGES:
            self.csl.setdefault("number-of-pages", value)
            self.mapped("SP", "csl.number-of-pages")
            return
        end = tags.get("EP", [(None, 0)])[0][0]
        pages = f"{value}-{end}" if end and "-" not in value else value
        self.set("SP", "pages", pages, line)
        if end:
            self.mapped("EP", "pages")

    def _tag_EP(self, value: str, line: int, tags: dict) -> None:
        if "SP" not in tags:
            self.set("EP", "pages", value, line)

    def _tag_LA(self, value: str, line: int, tags: dict) -> None:
        if _LANG.match(value):
            self.set("LA", "language", value.replace("_", "-"), line)
        elif value.lower() in LANGUAGE_NAMES:
            self.set("LA", "language", LANGUAGE_NAMES[value.lower()], line)
            self.entry.notes.append(f"LA (line {line}): {value!r} read as "
                                    f"{LANGUAGE_NAMES[value.lower()]!r}")
        else:
            self.csl.setdefault("language", value)
            self.entry.notes.append(f"LA (line {line}): {value!r} is not a language tag; "
                                    "kept in csl.language")

    def _tag_AB(self, value: str, line: int, tags: dict) -> None:
        self.set("AB", "abstract", value, line)

    def _tag_N2(self, value: str, line: int, tags: dict) -> None:
        if "AB" in tags:
            self.dropped("N2", line, "AB gives the abstract")
        else:
            self.set("N2", "abstract", value, line)

    def _tag_N1(self, value: str, line: int, tags: dict) -> None:
        if value.startswith(PROVENANCE_HEAD):
            self._provenance(value, line)
            return
        self.data["notes"] = f"{self.data['notes']}\n\n{value}" if "notes" in self.data else value
        self.mapped("N1", "notes")

    _tag_RN = _tag_N1

    def _provenance(self, value: str, line: int) -> None:
        for text in value.splitlines()[1:]:
            label, sep, rest = text.partition(": ")
            key = PROVENANCE_LINES.get(label)
            if key and sep and rest.strip():
                self.original[key] = rest.strip()
                self.mapped("N1 (translation note)", f"original.{key}")
            elif label != "translated by":
                self.entry.notes.append(f"N1 (line {line}): {text!r} not understood "
                                        "in the translation note")

    def _tag_OP(self, value: str, line: int, tags: dict) -> None:
        if self.ty in LEGAL_TYPES:
            self.dropped("OP", line, "the legal history; no field of ours for it")
        else:
            self.original.setdefault("title", value)
            self.mapped("OP", "original.title")

    def _tag_M2(self, value: str, line: int, tags: dict) -> None:
        var, sep, rest = value.partition(": ")
        if sep and var in EXTRA_VARIABLES and self.ty not in M2_IS_OTHER:
            key = EXTRA_VARIABLES[var]
            self.original.setdefault(key, rest.strip())
            self.mapped("M2", f"original.{key}")
        else:
            self.dropped("M2", line, "miscellaneous 2; no field of ours for it")

    def _tag_KW(self, value: str, line: int, tags: dict) -> None:
        for word in value.split("\n"):
            if word.strip():
                self.data.setdefault("subjects", []).append(word.strip())
        self.mapped("KW", "subjects")

    def _tag_UR(self, value: str, line: int, tags: dict) -> None:
        if "url" in self.data:
            self.dropped("UR", line, "a second URL; the first one is kept")
        elif _checks("url", value):
            self.set("UR", "url", value, line)
        else:
            self.csl.setdefault("URL", value)
            self.entry.notes.append(f"UR (line {line}): {value!r} is not a web address; "
                                    "kept in csl.URL")

    def _tag_DO(self, value: str, line: int, tags: dict) -> None:
        if _checks("doi", value):
            self.set("DO", "doi", value, line)
        else:
            self.csl.setdefault("DOI", value)
            self.entry.notes.append(f"DO (line {line}): {value!r} is not a DOI; kept in csl.DOI")

    def _tag_SN(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("RPRT", "GOVDOC", "DBASE"):
            self.set("SN", "number", value, line)
            return
        kind = "issn" if _ISSN.match(value) else "isbn"
        ids = self.data.setdefault("identifiers", {})
        ids.setdefault(kind, value)
        self.mapped("SN", f"identifiers.{kind}")

    def _tag_M1(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("BOOK", "EDBOOK", "EBOOK", "CLSWK", "CTLG", "SER", "PAMP"):
            self.set("M1", "series_number", value, line)
        elif self.ty in ("CHAP", "ECHAP"):
            self.csl.setdefault("number-of-volumes", value)
            self.mapped("M1", "csl.number-of-volumes")
        else:
            self.set("M1", "number", value, line)

    def _tag_C7(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("JOUR", "EJOUR", "ABST", "INPR", "JFULL"):
            self.set("C7", "number", value, line)
        else:
            self.dropped("C7", line, f"custom field 7; its meaning for {self.ty} is not ours")

    def _tag_NV(self, value: str, line: int, tags: dict) -> None:
        if self.ty == "RPRT":
            self.set("NV", "series_number", value, line)
        else:
            self.csl.setdefault("number-of-volumes", value)
            self.mapped("NV", "csl.number-of-volumes")

    def _tag_SV(self, value: str, line: int, tags: dict) -> None:
        if self.ty == "CASE":
            self.dropped("SV", line, "the docket number; no field of ours for it")
        else:
            self.set("SV", "series_number", value, line)

    def _tag_C1(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("CONF", "CPAPER"):
            self.set("C1", "place", value, line)
        else:
            self.dropped("C1", line, f"custom field 1; its meaning for {self.ty} is not ours")

    def _tag_C3(self, value: str, line: int, tags: dict) -> None:
        if self.ty in ("CONF", "CPAPER"):
            self._container("C3", value, line, tags)
        else:
            self.dropped("C3", line, f"custom field 3; its meaning for {self.ty} is not ours")

    def _tag_ID(self, value: str, line: int, tags: dict) -> None:
        self.entry.key = value
        if SLUG_RE.match(value) and len(value) <= SLUG_MAX:
            self.data["id"] = value
            self.mapped("ID", "id")
        else:
            self.data.setdefault("identifiers", {})["citekey"] = value
            self.mapped("ID", "identifiers.citekey")
            self.entry.notes.append(f"ID (line {line}): {value!r} is not a valid record id; "
                                    "a new id is made and the RIS ID kept in "
                                    "identifiers.citekey")

    # -- after all tags
    def _finish_record(self, tags: dict) -> None:
        data = self.data
        short = getattr(self, "short_title", None)
        if "title" not in data and short:
            data["title"] = short
            self.mapped("ST", "title")
        elif short and "title" in data and data["title"] != short:
            rest = _subtitle_after(data["title"], short)
            if rest:
                data["title"], data["subtitle"] = short, rest
                self.mapped("ST", "title (TI after it: subtitle)")
            else:
                self.csl.setdefault("title-short", short)
                self.mapped("ST", "csl.title-short")
        if "title" not in data:
            self.entry.errors.append(f"TI (record at line {self.raw.line}): a record needs "
                                     "a title (TI, T1 or ST)")
        for value, line in getattr(self, "addresses", []):
            self._address(value, line)
        if self.original:
            data["original"] = self.original
        genre = data.get("genre", "")
        marker = {v.lower(): k for k, v in TYPE_MARKERS.items()}.get(genre.lower())
        if marker and marker[0] == self.ty:
            data["type"] = marker[1]
            del data["genre"]
            self.entry.notes.append(f"M3 {genre!r} read as type {marker[1]!r}")
        elif self.ty == "RPRT" and re.search(
                "commentary", f"{genre} {data.get('series', '')}", re.I):
            data["type"] = "commentary"
            self.entry.notes.append("RPRT whose series or type of work says commentary: "
                                    "type commentary")
        if self.csl:
            data["csl"] = self.csl
        self.entry.data = data

    def _address(self, value: str, line: int) -> None:
        """AD "Family, Given: where" (as we write it) is that author's affiliation."""
        authors = self.data.get("authors", [])
        for agent in authors:
            prefix = _name(agent) + ": "
            if "family" in agent and value.startswith(prefix) and value[len(prefix):].strip():
                agent.setdefault("affiliations", []).append(
                    {"organization": value[len(prefix):].strip()})
                self.mapped("AD", "authors.affiliations")
                self.entry.notes.append(f"AD (line {line}): kept whole as the organization "
                                        "(RIS does not tell role and organization apart)")
                return
        persons = [a for a in authors if "family" in a]
        if len(persons) == 1:
            persons[0].setdefault("affiliations", []).append({"organization": value})
            self.mapped("AD", "authors.affiliations")
        else:
            self.dropped("AD", line, "an author address that names none of the authors")


_DROP_REASONS = {
    "L1": "a link to a PDF file; files are not fetched on import",
    "L2": "a link to a full-text file; files are not fetched on import",
    "L3": "a related-records link; no field of ours for it",
    "L4": "a link to an image; files are not fetched on import",
    "TA": "translated author; no field of ours for it",
    "TT": "translated title; no field of ours for it",
    "RP": "reprint edition; no field of ours for it",
    "CA": "caption; no field of ours for it",
    "RI": "reviewed item; no field of ours for it",
}


def _subtitle_after(title: str, short: str) -> str | None:
    """The subtitle when ``title`` is exactly ``join_title(short, subtitle)``."""
    if not title.startswith(short):
        return None
    for sep in (": ", " "):
        if title[len(short):].startswith(sep):
            rest = title[len(short) + len(sep):]
            if rest and rest == rest.strip() and join_title(short, rest) == title:
                return rest
    return None


def _checks(kind: str, value: str) -> bool:
    """Whether a URL or DOI passes the record's own validation."""
    from pydantic_core import PydanticCustomError

    from ..model import _doi, _url

    try:
        (_url if kind == "url" else _doi)(value)
    except PydanticCustomError:
        return False
    return True


def load(stream: TextIO, source: str) -> Iterator[Entry]:
    """Read a RIS file entry by entry (streaming), with line numbers in every message."""
    for index, raw in enumerate(_read(stream, source), 1):
        yield _Builder(raw, index).build()
