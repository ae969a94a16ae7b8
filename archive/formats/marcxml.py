"""MARC 21 bibliographic records as MARCXML (the LoC "slim" schema), for library catalogs.

One ``<record>`` per record in a ``<collection>``, built with pymarc and written by
pymarc's MARCXML serializer. What goes where (DESIGN.md §5):

- Leader ``00000nam a22000003i 4500``: language material (06 ``a``); bibliographic level
  (07) ``m`` (monograph/item), or for an op-ed, article, blog post or interview that names
  its container ``b`` (serial component part), for a chapter ``a`` (monographic component
  part); 09 ``a`` (UCS/Unicode); 17 ``3`` (abbreviated: the records are not cataloged to
  national-level requirements: headings are not authority-controlled and there is no 040);
  18 ``i`` (ISBD punctuation included). Lengths and base address are zeros: they mean
  nothing in XML and a reader converting to ISO 2709 recomputes them.
- 001 the record id; 005 latest transaction from provenance (updated, else added).
- 008 (40 positions, "Books" or, for serial component parts, "Continuing resources"
  definitions of 18-34): date entered from provenance.added (else the day of the export);
  type of date ``s`` and the year of ``issued`` (``n``/``uuuu`` without a date, ``m`` and
  both years for an interval); place ``xx`` (not identified: our place is free text, not a
  MARC country code); form of item ``o`` for online resources; language of the text (MARC
  code, ``und`` when unknown); cataloging source ``d`` (other). Positions we cannot know
  carry the fill character ``|`` ("no attempt to code"), never a guess.
- 024 7_ DOI; 041 1_ $a/$h for a translation; 100/110 first author, 700/710 the others,
  editors and translators ($e relator term, $4 relator code, $u affiliations); 240 the
  original title of a translation with $l its language; 245 title/subtitle/statement of
  responsibility; 250; 264 _1; 300 and 336-338 (RDA content/media/carrier); 490 1_ + 830 _0
  series; 500 note on the original and 765 link to it; 520 abstract (one field per
  paragraph); 546 language note; 653 subjects; 773 host item; 856 links.
- 765 has first indicator 1 ("do not display a note"): the 500 already reads
  "Translation of: ...", and 765 0_ would make a catalog display that note twice; 765 is
  there for linking (it is written only when the original has a title).
- Not written: 040 (we have no MARC organization code), 880 vernacular fields for names
  and titles in original script (the record's ``original_script`` names), 6XX controlled
  subject headings (our subjects are keywords: 653).

ISBD punctuation (Leader/18 ``i``), as the MARC 21 field descriptions and the LC-PCC
conventions put it:

- 245: `` :`` before $b, `` /`` before $c, the field ends with a period unless it already
  ends with ``.``, ``?`` or ``!``; a title ending in ``?`` or ``!`` keeps it and still takes
  the prescribed mark (``Why now? :``).
- 100/110/700/710: $a (and $c) end with a comma before $e; $e ends with a period; the
  field ends with a mark of punctuation, which precedes $4 (so $u ends with a period).
- 264: `` :`` before $b, ``,`` before $c, ends with a period. 300 ends with a period only
  when a 490 follows. 490: `` ;`` before $v, no final period; 830 ends with a period.
- 250, 500, 520, 546, 590: end with a period unless other final punctuation is there.
- 653, 336-338, 024, 041, 856 and linking-entry data ($d, $g of 765/773) take none.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

from pymarc import Field, Indicators, Record, Subfield, record_to_xml_node

from . import languages

CARRIES: dict[str, str] = {
    "id": "001",
    "title": "245 $a",
    "subtitle": "245 $b",
    "language": "008/35-37, 041 $a, 546",
    "issued": "008/07-10 and 264 $c (year); 773 $g (full date) for articles, op-eds, posts",
    "series": "490 $a, 830 $a",
    "series_number": "490 $v, 830 $v",
    "publisher": "264 $b (773 $d for component parts)",
    "place": "264 $a (773 $d for component parts)",
    "container_title": "773 $t",
    "volume": "773 $g",
    "issue": "773 $g",
    "pages": "773 $g",
    "number": "088 $a (commentaries and reports)",
    "genre": "655 $a (502 $b for theses)",
    "edition": "250 $a",
    "authors": "100/110 and 700/710 $a, $e author, $4 aut; 245 $c",
    "authors.affiliations": "100/700 $u",
    "authors.order": "245 $c (statement as printed: family name first, in capitals)",
    "translators": "700/710 $e translator, $4 trl",
    "editors": "700/710 $e editor, $4 edt",
    "original.language": "041 $h, 546, 500",
    "original.issued": "500, 765 $d",
    "original.title": "240 $a, 500, 765 $t",
    "original.title_original_script": "500, 765 $t (when there is no romanized title)",
    "original.venue": "500",
    "original.publisher": "500, 765 $d",
    "original.place": "500, 765 $d",
    "original.url": "856 42 $u",
    "subjects": "653 $a",
    "abstract": "520 $a",
    "url": "856 40 $u",
    "doi": "024 7_ $a ($2 doi), 856 40 $u",
    "identifiers": "020 $a (isbn), 022 $a (issn)",
    "rights": "540 $a (or $u for a link)",
    "notes": "590 $a",
}

NS = "http://www.loc.gov/MARC21/slim"
SCHEMA_URL = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"

# characters XML 1.0 cannot carry, and C0/C1 controls (MARC's own delimiters among them)
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DIRTY = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]|  ")
_SPACES = re.compile(r"[\t\n\r ]{2,}|[\t\n\r]")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_FINAL = (".", "?", "!", "…", "。", "？", "！")
_CLOSERS = "\"'”’»)]"
_LEADING_MARKS = "\"'“‘«(["
_ARTICLES = {
    "en": ("the", "a", "an"),
    "fr": ("le", "la", "les", "un", "une", "l'", "l’"),
    "de": ("der", "die", "das", "ein", "eine"),
    "es": ("el", "la", "los", "las", "un", "una"),
    "it": ("il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "l'", "l’"),
    "pt": ("o", "a", "os", "as", "um", "uma"),
}
_COMPONENT_LEVEL = {"op-ed": "b", "article": "b", "blog-post": "b", "interview": "b",
                    "chapter": "a"}
_CONTINUING_KIND = {"op-ed": "n", "article": "p", "blog-post": "h"}
_ONLINE_TYPES = {"commentary", "blog-post", "webpage"}
_ROLES = (("authors", "author", "aut"), ("editors", "editor", "edt"),
          ("translators", "translator", "trl"))
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


# --------------------------------------------------------------------------- text


def clean(value: Any) -> str:
    """Text fit for a MARC subfield: no control characters; tabs, line breaks and runs of
    spaces become one space (other spaces, such as U+3000, are kept)."""
    text = value if isinstance(value, str) else str(value)
    if _DIRTY.search(text) is None and text[:1] != " " and text[-1:] != " ":
        return text
    return _SPACES.sub(" ", _BAD.sub("", text)).strip(" ")


def paragraphs(value: str) -> list[str]:
    """The non-empty paragraphs of a text (blank-line separated), each cleaned."""
    parts = (clean(p) for p in _PARAGRAPHS.split(str(value)))
    return [p for p in parts if p]


def _ends_final(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_FINAL)


def period(text: str) -> str:
    """End ``text`` with a period unless it already ends with final punctuation."""
    return text if not text or _ends_final(text) else text + "."


def before(text: str, mark: str) -> str:
    """``text`` followed by ISBD's prescribed ``mark`` (" :", " /", " ;", ","), not doubled."""
    bare = mark.strip()
    if text.endswith(bare) and bare in ":/;,":
        text = text[: -len(bare)].rstrip()
    return text + mark


def nonfiling(title: str, language: str | None) -> str:
    """Indicator for nonfiling characters: a leading article (and marks before it), 0-9."""
    articles = _ARTICLES.get(languages.primary(language) or "en", ())
    lead = len(title) - len(title.lstrip(_LEADING_MARKS))
    rest = title[lead:].lower()
    for article in articles:
        elided = article.endswith(("'", "’"))
        if rest.startswith(article if elided else article + " ") and len(rest) > len(article) + 1:
            count = lead + len(article) + (0 if elided else 1)
            return str(count) if count <= 9 else "0"
    return "0"


def _years(issued: str | None) -> tuple[str, str | None]:
    if not issued:
        return "", None
    ends = issued.split("/")
    return ends[0][:4], (ends[1][:4] if len(ends) > 1 else None)


def human_date(iso: str) -> str:
    """ "2022-06-01" -> "June 1, 2022"; "2022-06" -> "June 2022"; intervals joined by "-"."""
    out = []
    for end in iso.split("/"):
        parts = end.split("-")
        if len(parts) == 1:
            out.append(parts[0])
        elif len(parts) == 2:
            out.append(f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}")
        else:
            out.append(f"{_MONTHS[int(parts[1]) - 1]} {int(parts[2])}, {parts[0]}")
    return "-".join(out)


# --------------------------------------------------------------------------- names


def _is_cjk(text: str) -> bool:
    return bool(text) and all(
        unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))
        for ch in text
    )


def heading_name(person: dict[str, Any]) -> str:
    """A person as a MARC heading: "Family, Given" (particles kept with their part)."""
    family = clean(" ".join(filter(None, (person.get("non_dropping_particle"),
                                          person["family"]))))
    given = clean(" ".join(filter(None, (person.get("given"),
                                         person.get("dropping_particle")))))
    return f"{family}, {given}" if given else family


def printed_name(agent: dict[str, Any]) -> str:
    """A name as a statement of responsibility prints it ("TOKIWA Shin", "Ludwig van Beethoven")."""
    if "organization" in agent and "family" not in agent:
        return clean(agent["organization"])
    family = clean(agent["family"])
    given = clean(agent.get("given") or "")
    if agent.get("order") == "family-first":
        family = " ".join(filter(None, (clean(agent.get("non_dropping_particle") or ""),
                                        family.upper())))
        sep = "" if _is_cjk(family) and _is_cjk(given) else " "
        name = f"{family}{sep}{given}" if given else family
    else:
        name = " ".join(filter(None, (given, clean(agent.get("dropping_particle") or ""),
                                      clean(agent.get("non_dropping_particle") or ""),
                                      family)))
    suffix = clean(agent.get("suffix") or "")
    if suffix:
        name += (", " if agent.get("comma_suffix") else " ") + suffix
    return name


def _affiliation(aff: dict[str, Any]) -> str:
    return ", ".join(filter(None, (clean(aff.get("role") or ""), clean(aff["organization"]))))


def name_field(tag_base: str, agent: dict[str, Any], term: str, code: str) -> Field:
    """1XX (``tag_base`` "1") or 7XX (``tag_base`` "7") for a person or an organization."""
    if "organization" in agent and "family" not in agent:
        name = clean(agent["organization"]) or "[Name not identified]"
        return Field(tag=f"{tag_base}10", indicators=Indicators("2", " "), subfields=[
            Subfield("a", before(name, ",")), Subfield("e", term + "."), Subfield("4", code)])
    heading = heading_name(agent) or "[Name not identified]"
    surname = bool(agent.get("given") or agent.get("non_dropping_particle"))
    subfields = [Subfield("a", before(heading, ","))]
    suffix = clean(agent.get("suffix") or "")
    if suffix:
        subfields.append(Subfield("c", before(suffix, ",")))
    subfields.append(Subfield("e", term + "."))
    affs = [a for a in (_affiliation(x) for x in agent.get("affiliations") or []) if a]
    if affs:
        subfields.append(Subfield("u", period("; ".join(affs))))
    subfields.append(Subfield("4", code))
    return Field(tag=f"{tag_base}00", indicators=Indicators("1" if surname else "0", " "),
                 subfields=subfields)


# --------------------------------------------------------------------------- fields


def _field(tag: str, ind: str, *pairs: tuple[str, str | None]) -> Field | None:
    """A data field from (code, value) pairs, leaving out empty values; None if none is left."""
    subfields = [Subfield(code, value) for code, value in pairs if value]
    if not subfields:
        return None
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def _level(data: dict[str, Any]) -> str:
    kind = data.get("type", "commentary")
    return _COMPONENT_LEVEL.get(kind, "m") if data.get("container_title") else "m"


def _online(data: dict[str, Any]) -> bool:
    return bool(data.get("url") or data.get("doi") or data.get("files")
                or data.get("type", "commentary") in _ONLINE_TYPES)


def _stamp(value: str | None) -> _dt.datetime | None:
    if not value:
        return None
    try:
        stamp = _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(_dt.timezone.utc)
    return stamp


def leader(data: dict[str, Any]) -> str:
    return f"00000na{_level(data)} a22000003i 4500"


def field_008(data: dict[str, Any], today: _dt.date) -> str:
    """The 40 fixed-length positions (MARC 21 Bibliographic 008, "Books" or "Continuing
    resources" for 18-34 as Leader/07 decides)."""
    prov = data.get("provenance") or {}
    entered = _stamp(prov.get("added")) or _stamp(prov.get("updated"))
    head = (entered.date() if entered else today).strftime("%y%m%d")
    first, last = _years(data.get("issued"))
    if not first:
        dates = "nuuuuuuuu"
    elif last and last != first:
        dates = f"m{first}{last}"
    else:
        dates = f"s{first}    "
    form = "o" if _online(data) else "|"
    kind = data.get("type", "commentary")
    if _level(data) == "b":  # continuing resources: 18-34
        middle = f"||{' '}{_CONTINUING_KIND.get(kind, '|')}|{form}    u0   ||"
    else:  # books: 18-34
        nature = "m   " if kind == "thesis" else "    "
        conference = "|" if kind == "speech" else "0"
        middle = f"||||{' '}{form}{nature}u{conference}00 0 "
    language = languages.marc_code(data.get("language")) or languages.UNDETERMINED
    out = f"{head}{dates}xx {middle}{language} d"
    assert len(out) == 40, out
    return out


def _statement(data: dict[str, Any]) -> str:
    return ", ".join(n for n in (printed_name(a) for a in data.get("authors") or []) if n)


def field_245(data: dict[str, Any], has_main_entry: bool) -> Field:
    title = clean(data["title"]) or "[Title not identified]"
    subtitle = clean(data.get("subtitle") or "")
    statement = _statement(data)
    subfields = []
    if subtitle:
        subfields.append(Subfield("a", before(title, " :")))
        subfields.append(Subfield("b", before(subtitle, " /") if statement else period(subtitle)))
    else:
        subfields.append(Subfield("a", before(title, " /") if statement else period(title)))
    if statement:
        subfields.append(Subfield("c", period(statement)))
    return Field(tag="245", indicators=Indicators("1" if has_main_entry else "0",
                                                  nonfiling(title, data.get("language"))),
                 subfields=subfields)


def _edition(text: str) -> str:
    text = clean(text)
    if text.isdigit():
        n = int(text)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix} edition."
    return period(text)


def field_264(data: dict[str, Any]) -> Field:
    place = clean(data.get("place") or "") or "[Place of publication not identified]"
    publisher = clean(data.get("publisher") or "") or "[publisher not identified]"
    first, last = _years(data.get("issued"))
    year = (f"{first}-{last}" if last and last != first else first) or \
        "[date of publication not identified]"
    return Field(tag="264", indicators=Indicators(" ", "1"), subfields=[
        Subfield("a", before(place, " :")), Subfield("b", before(publisher, ",")),
        Subfield("c", period(year))])


def _publication(place: str, publisher: str, date: str) -> str:
    """ "Place : Publisher, date" with whatever parts there are (linking fields' $d)."""
    text = f"{place} : {publisher}" if place and publisher else place or publisher
    return f"{text}, {date}" if text and date else text or date


def original_note(data: dict[str, Any]) -> str:
    """500: "Translation of: <title>, originally published in <venue> (<publisher>), <date>,
    in Japanese." with the parts the record has."""
    orig = data["original"]
    title = clean(orig.get("title") or "")
    script = clean(orig.get("title_original_script") or "")
    if title and script:
        title = f"{title} ({script})"
    title = title or script
    venue, publisher = clean(orig.get("venue") or ""), clean(orig.get("publisher") or "")
    place = clean(orig.get("place") or "")
    imprint = " : ".join(filter(None, (place, publisher)))
    if venue:
        where = f"in {venue}" + (f" ({imprint})" if imprint else "")
    else:
        where = f"by {imprint}" if imprint else ""
    date = human_date(orig["issued"]) if orig.get("issued") else ""
    if where or date:
        published = "originally published" + (f" {where}" if where else "")
        published += (f", {date}" if where else f" {date}") if date else ""
    else:
        published = ""
    language = languages.english_name(orig.get("language"))
    tail = ", ".join(filter(None, (published, f"in {language}" if language else "")))
    if title:
        return period(", ".join(filter(None, (f"Translation of: {title}", tail))))
    return period(" ".join(filter(None, ("Translation of a work", tail))))


def _translation_fields(data: dict[str, Any], main: Field | None) -> list[Field | None]:
    orig = data["original"]
    text_lang = languages.marc_code(data.get("language")) or languages.UNDETERMINED
    orig_lang = languages.marc_code(orig.get("language"))
    out: list[Field | None] = [
        _field("041", "1 ", ("a", text_lang), ("h", orig_lang)),
        _field("500", "  ", ("a", original_note(data))),
    ]
    link = None
    title = clean(orig.get("title") or "") or clean(orig.get("title_original_script") or "")
    if title:
        place, publisher = clean(orig.get("place") or ""), clean(orig.get("publisher") or "")
        date = human_date(orig["issued"]) if orig.get("issued") else ""
        heading = main["a"] if main is not None and main.tag == "100" else None
        d = _publication(place, publisher, date)
        link = _field("765", "1 ", ("a", period(heading.rstrip(",")) if heading else None),
                      ("t", period(title) if d else title), ("d", d))
    return [*out, link]


def _host(data: dict[str, Any]) -> Field | None:
    """773 0_: the newspaper, journal or blog (the issue's date in $g) or the book (its year
    in $d) the record is part of."""
    place, publisher = clean(data.get("place") or ""), clean(data.get("publisher") or "")
    serial = _level(data) == "b"
    first, last = _years(data.get("issued"))
    year = "" if serial else (f"{first}-{last}" if last and last != first else first)
    d = _publication(place, publisher, year)
    related = []
    if data.get("volume"):
        related.append(f"Vol. {clean(data['volume'])}")
    if data.get("issue"):
        related.append(f"no. {clean(data['issue'])}")
    g = ", ".join(related)
    if serial and data.get("issued"):
        date = human_date(data["issued"])
        g = f"{g} ({date})" if g else date
    if data.get("pages"):
        g = ", ".join(filter(None, (g, f"p. {clean(data['pages'])}")))
    title = clean(data["container_title"])
    return _field("773", "0 ", ("t", period(title) if d or g else title), ("d", d), ("g", g))


def _doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()[]-._~!$&'*,=@")


def to_record(data: dict[str, Any], today: _dt.date) -> Record:
    """One record's data -> a pymarc Record, fields in tag order."""
    rec = Record(leader=leader(data), force_utf8=True)
    rec.add_field(Field(tag="001", data=clean(data["id"])))
    prov = data.get("provenance") or {}
    latest = _stamp(prov.get("updated")) or _stamp(prov.get("added"))
    if latest:
        rec.add_field(Field(tag="005", data=latest.strftime("%Y%m%d%H%M%S.0")))
    online = _online(data)
    if online:
        rec.add_field(Field(tag="007", data="cr |||||||||||"))
    rec.add_field(Field(tag="008", data=field_008(data, today)))
    for f in _data_fields(data, online):
        if f is not None:
            rec.add_field(f)
    return rec


def _data_fields(data: dict[str, Any], online: bool) -> list[Field | None]:
    kind = data.get("type", "commentary")
    ids = data.get("identifiers") or {}
    authors = data.get("authors") or []
    main = name_field("1", authors[0], "author", "aut") if authors else None
    original = data.get("original")
    # 041, 500 and 765 of a translation
    translation = _translation_fields(data, main) if original else [None, None, None]
    series = clean(data.get("series") or "")
    number = clean(data.get("series_number") or "")
    fields: list[Field | None] = [
        _field("020", "  ", ("a", clean(ids.get("isbn") or ""))),
        _field("022", "  ", ("a", clean(ids.get("issn") or ""))),
        _field("024", "7 ", ("a", data.get("doi")), ("2", "doi" if data.get("doi") else None)),
        translation[0],
        _field("088", "  ", ("a", clean(data.get("number") or "")))
        if kind in ("commentary", "report") else None,
        main,
        _uniform_title(data) if main is not None else None,
        field_245(data, main is not None),
        _field("250", "  ", ("a", _edition(data.get("edition") or ""))),
        field_264(data) if _level(data) == "m" else None,
        _field("300", "  ", ("a", "1 online resource" + ("." if series else "")))
        if online else None,
        _field("336", "  ", ("a", "text"), ("b", "txt"), ("2", "rdacontent")),
    ]
    if online:
        fields.append(_field("337", "  ", ("a", "computer"), ("b", "c"), ("2", "rdamedia")))
        fields.append(_field("338", "  ", ("a", "online resource"), ("b", "cr"),
                             ("2", "rdacarrier")))
    if series:
        fields.append(_field("490", "1 ", ("a", before(series, " ;") if number else series),
                             ("v", number)))
    fields.append(translation[1])  # 500 note on the original
    if kind == "thesis":
        fields.append(_thesis_note(data))
    for para in paragraphs(data.get("abstract") or ""):
        fields.append(_field("520", "  ", ("a", period(para))))
    rights = clean(data.get("rights") or "")
    if rights:
        is_link = re.match(r"https?://\S+$", rights)
        fields.append(_field("540", "  ", ("u", rights) if is_link else ("a", period(rights))))
    fields.append(_language_note(data))
    for para in paragraphs(data.get("notes") or ""):
        fields.append(_field("590", "  ", ("a", period(para))))
    for subject in data.get("subjects") or []:
        fields.append(_field("653", "  ", ("a", clean(subject))))
    if kind != "thesis":
        fields.append(_field("655", " 4", ("a", clean(data.get("genre") or ""))))
    for key, term, code in _ROLES:
        agents = data.get(key) or []
        for agent in agents[1:] if key == "authors" else agents:
            fields.append(name_field("7", agent, term, code))
    fields.append(translation[2])  # 765
    if _level(data) != "m":
        fields.append(_host(data))
    if series:
        fields.append(_field("830", " " + nonfiling(series, data.get("language")),
                             ("a", before(series, " ;") if number else period(series)),
                             ("v", period(number) if number else None)))
    fields.extend(_links(data))
    return fields


def _uniform_title(data: dict[str, Any]) -> Field | None:
    """240 10: a translation's preferred title is the original's, $l the translation's language."""
    orig = data.get("original") or {}
    title = clean(orig.get("title") or "")
    language = languages.english_name(data.get("language"))
    if not title:
        return None
    return _field("240", "1" + nonfiling(title, orig.get("language")),
                  ("a", period(title) if language else title), ("l", language))


def _thesis_note(data: dict[str, Any]) -> Field | None:
    """502: "$b PhD thesis $c University $d 2020." (dissertation note)."""
    year, _ = _years(data.get("issued"))
    parts = [("b", clean(data.get("genre") or "") or "Thesis"),
             ("c", clean(data.get("publisher") or "")), ("d", year)]
    parts = [(c, v) for c, v in parts if v]
    parts[-1] = (parts[-1][0], period(parts[-1][1]))
    return _field("502", "  ", *parts)


def _language_note(data: dict[str, Any]) -> Field | None:
    text = languages.english_name(data.get("language"))
    orig = languages.english_name((data.get("original") or {}).get("language"))
    if text and orig and data.get("original"):
        return _field("546", "  ", ("a", f"In {text}, translated from {orig}."))
    if text:
        return _field("546", "  ", ("a", f"In {text}."))
    if orig and data.get("original"):
        return _field("546", "  ", ("a", f"Translated from {orig}."))
    return None


def _links(data: dict[str, Any]) -> list[Field | None]:
    out: list[Field | None] = []
    url = data.get("url")
    if url:
        out.append(_field("856", "40", ("u", clean(url))))
    doi = data.get("doi")
    if doi:
        link = _doi_url(doi)
        if link != url:
            out.append(_field("856", "40", ("u", link)))
    orig = data.get("original") or {}
    if orig.get("url"):
        name = languages.english_name(orig.get("language"))
        out.append(_field("856", "42", ("3", f"Original ({name})" if name else "Original"),
                          ("u", clean(orig["url"]))))
    return out


def record_xml(data: dict[str, Any]) -> str:
    """One record's ``<record>`` element as text (pymarc builds and serializes it)."""
    today = _dt.datetime.now(_dt.timezone.utc).date()
    return ET.tostring(record_to_xml_node(to_record(data, today)), encoding="unicode")


def dump(records: list[dict[str, Any]]) -> bytes:
    """A MARCXML collection (UTF-8 bytes), one ``<record>`` per record, in order.

    Long exports are spread over the machine's cores (:mod:`archive.parallel`).
    """
    from ..parallel import map_ordered

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<collection xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{NS} {SCHEMA_URL}">\n'
    ]
    for xml in map_ordered(record_xml, records):
        out.append(xml)
        out.append("\n")
    out.append("</collection>\n")
    return "".join(out).encode("utf-8")
