"""Dublin Core exports: OAI-PMH oai_dc XML, qualified DC (DCMI Terms) XML, and DCMI Terms as RDF.

The mapping is the one in ../shared/docs/CROSSWALK.md. Choices made here:

- **Documents with several records.** Every XML export is one document whose root is
  ``<ca:records xmlns:ca="urn:commentary-archive:export">`` holding one
  ``<ca:record id="...">`` per record (also when there is one record, so a reader sees one
  shape). Inside it is the record's ``<oai_dc:dc>`` (valid against oai_dc.xsd, with its
  own ``xsi:schemaLocation``, as OAI-PMH requires of a metadata root) or ``<qualifieddc>``
  (valid against qualifieddc.xsd / dcterms.xsd). The wrapper is ours, so no schema covers
  the whole document; each record element validates on its own. :func:`oai_dc_element`
  builds one record's ``<oai_dc:dc>`` for the OAI-PMH endpoint.
- **Resource IRIs (RDF).** A record is ``urn:commentary-archive:record:<id>`` (stable:
  the id never changes; its web address may); pass ``base`` to use the catalogue's URL
  instead. The original is its own URL when it has one, else ``<record IRI>#original``.
  Persons, publishers, series and files are blank nodes (translators labelled, since two
  properties name them).
- **Text.** Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF,
  lone surrogates) become U+FFFD in every export, RDF included, so a record can never make
  a document unreadable and the RDF/XML and Turtle exports stay the same graph. An abstract
  with HTML tags is reduced to its text (``<script>``/``<style>`` content dropped, entities
  decoded); one without tags is taken as plain text, verbatim.
- **RDF is written by hand.** rdflib (a test dependency) parses our output in the tests
  with it, but building and serializing 10,000 records with it took 4.6 s + 7.1 s (Turtle)
  or + 4.7 s (RDF/XML) here, over the 8 s budget; the writer below takes well under 1 s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Union
from urllib.parse import quote

from lxml import etree

from .base import join_title
from .languages import english_name
from .shared import display_name, family_name, plain_text

# ------------------------------------------------------------------------ names and constants

EXPORT_NS = "urn:commentary-archive:export"
RECORD_BASE = "urn:commentary-archive:record:"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_XSD = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
EDTF = "http://id.loc.gov/datatypes/edtf"  # LoC datatype IRI for EDTF (used for intervals)
ISO639_2 = "http://id.loc.gov/vocabulary/iso639-2/"

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcterms": DCTERMS_NS,
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "http://schema.org/",
    "relators": "http://id.loc.gov/vocabulary/relators/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": XSD_NS,
}

CARRIES_OAI_DC = {
    "title": "dc:title (Title: Subtitle)",
    "subtitle": "dc:title (Title: Subtitle)",
    "language": "dc:language; xml:lang of title, subjects, abstract",
    "issued": "dc:date",
    "series": "dc:relation (Series ; number)",
    "series_number": "dc:relation (Series ; number)",
    "publisher": "dc:publisher",
    "authors": "dc:creator (Family, Given; organizations as named)",
    "authors.affiliations": "dc:description (prose)",
    "translators": "dc:contributor (role lost)",
    "editors": "dc:contributor (role lost)",
    "original.title": "dc:source (citation, when no URL)",
    "original.title_original_script": "dc:source (citation, when no URL)",
    "original.venue": "dc:source (citation, when no URL)",
    "original.publisher": "dc:source (citation, when no URL)",
    "original.place": "dc:source (citation, when no URL)",
    "original.issued": "dc:source (citation, when no URL); dc:description (prose)",
    "original.language": "dc:source (citation, when no URL); dc:description (prose)",
    "original.url": "dc:source",
    "subjects": "dc:subject",
    "abstract": "dc:description (text, HTML removed)",
    "url": "dc:identifier",
    "doi": "dc:identifier (https://doi.org/...)",
    "rights": "dc:rights",
    "files": "dc:format (media types only)",
}
CARRIES_DCTERMS = {
    "title": "dcterms:title (Title: Subtitle); dcterms:alternative (title alone)",
    "subtitle": "dcterms:title (Title: Subtitle)",
    "language": "dcterms:language (dcterms:RFC4646); xml:lang",
    "issued": "dcterms:issued (dcterms:W3CDTF; intervals as dcterms:Period)",
    "series": "dcterms:isPartOf (Series ; number)",
    "series_number": "dcterms:isPartOf (Series ; number)",
    "publisher": "dcterms:publisher",
    "authors": "dcterms:creator (Family, Given)",
    "authors.affiliations": "dcterms:description (prose)",
    "translators": "dcterms:contributor; dcterms:bibliographicCitation (Translated by)",
    "editors": "dcterms:contributor",
    "original.title": "dcterms:isVersionOf / dcterms:source (citation, when no URL)",
    "original.title_original_script": "dcterms:isVersionOf / dcterms:source (citation)",
    "original.venue": "dcterms:isVersionOf / dcterms:source (citation, when no URL)",
    "original.publisher": "dcterms:isVersionOf / dcterms:source (citation, when no URL)",
    "original.place": "dcterms:isVersionOf / dcterms:source (citation, when no URL)",
    "original.issued": "dcterms:bibliographicCitation; isVersionOf (when no URL)",
    "original.language": "dcterms:bibliographicCitation; isVersionOf (when no URL)",
    "original.url": "dcterms:isVersionOf, dcterms:source (dcterms:URI)",
    "subjects": "dcterms:subject",
    "abstract": "dcterms:abstract (text, HTML removed)",
    "url": "dcterms:identifier (dcterms:URI)",
    "doi": "dcterms:identifier (dcterms:URI, https://doi.org/...)",
    "rights": "dcterms:license (a URL) or dcterms:rights",
    "files": "dcterms:format (dcterms:IMT), dcterms:extent (bytes)",
}
CARRIES_RDF = {
    "id": "the resource IRI (urn:commentary-archive:record:<id>)",
    "type": "dcterms:type dcmitype:Text (our type is not kept)",
    "title": "dcterms:title (Title: Subtitle); dcterms:alternative (title alone)",
    "subtitle": "dcterms:title (Title: Subtitle)",
    "language": "dcterms:language (ISO 639-2 IRI and BCP 47 literal); literal language tags",
    "issued": "dcterms:issued (xsd:date / xsd:gYearMonth / xsd:gYear; intervals as EDTF)",
    "series": "dcterms:isPartOf [schema:CreativeWorkSeries; dcterms:title]",
    "series_number": "schema:position",
    "publisher": "dcterms:publisher [foaf:Organization; foaf:name]",
    "authors": "dcterms:creator [foaf:Person; foaf:name, foaf:familyName, foaf:givenName] "
               "(order not kept)",
    "authors.order": "foaf:name written family name first",
    "authors.affiliations": "schema:affiliation [foaf:Organization; foaf:name] (role not kept)",
    "translators": "dcterms:contributor and relators:trl (same node)",
    "editors": "dcterms:contributor and relators:edt (same node)",
    "original.title": "original node dcterms:title",
    "original.title_original_script": "original node dcterms:title (language-tagged)",
    "original.language": "original node dcterms:language",
    "original.issued": "original node dcterms:issued (typed)",
    "original.venue": "original node dcterms:isPartOf [dcterms:title]",
    "original.publisher": "original node dcterms:publisher [foaf:name]",
    "original.url": "the original node's IRI; dcterms:isVersionOf, dcterms:source",
    "subjects": "dcterms:subject",
    "abstract": "dcterms:abstract (text, HTML removed)",
    "url": "dcterms:identifier; foaf:page",
    "doi": "dcterms:identifier (https://doi.org/...)",
    "rights": "dcterms:license (a URL) or dcterms:rights",
    "files": "dcterms:hasFormat [spdx:fileName, dcterms:format, dcterms:extent, spdx:checksum]",
}
CARRIES = CARRIES_OAI_DC  # the registry's oai_dc entry; the others are above

# ISO 639-1 -> ISO 639-2/B (the codes id.loc.gov uses), from ISO 639-2 as Debian's
# iso-codes 4.15 lists it; the tests compare this table with that file when it is there.
_ISO639_1_TO_2B = dict(pair.split(":") for pair in """
aa:aar ab:abk ae:ave af:afr ak:aka am:amh an:arg ar:ara as:asm av:ava ay:aym az:aze ba:bak
be:bel bg:bul bh:bih bi:bis bm:bam bn:ben bo:tib br:bre bs:bos ca:cat ce:che ch:cha co:cos
cr:cre cs:cze cu:chu cv:chv cy:wel da:dan de:ger dv:div dz:dzo ee:ewe el:gre en:eng eo:epo
es:spa et:est eu:baq fa:per ff:ful fi:fin fj:fij fo:fao fr:fre fy:fry ga:gle gd:gla gl:glg
gn:grn gu:guj gv:glv ha:hau he:heb hi:hin ho:hmo hr:hrv ht:hat hu:hun hy:arm hz:her ia:ina
id:ind ie:ile ig:ibo ii:iii ik:ipk io:ido is:ice it:ita iu:iku ja:jpn jv:jav ka:geo kg:kon
ki:kik kj:kua kk:kaz kl:kal km:khm kn:kan ko:kor kr:kau ks:kas ku:kur kv:kom kw:cor ky:kir
la:lat lb:ltz lg:lug li:lim ln:lin lo:lao lt:lit lu:lub lv:lav mg:mlg mh:mah mi:mao mk:mac
ml:mal mn:mon mr:mar ms:may mt:mlt my:bur na:nau nb:nob nd:nde ne:nep ng:ndo nl:dut nn:nno
no:nor nr:nbl nv:nav ny:nya oc:oci oj:oji om:orm or:ori os:oss pa:pan pi:pli pl:pol ps:pus
pt:por qu:que rm:roh rn:run ro:rum ru:rus rw:kin sa:san sc:srd sd:snd se:sme sg:sag si:sin
sk:slo sl:slv sm:smo sn:sna so:som sq:alb sr:srp ss:ssw st:sot su:sun sv:swe sw:swa ta:tam
te:tel tg:tgk th:tha ti:tir tk:tuk tl:tgl tn:tsn to:ton tr:tur ts:tso tt:tat tw:twi ty:tah
ug:uig uk:ukr ur:urd uz:uzb ve:ven vi:vie vo:vol wa:wln wo:wol xh:xho yi:yid yo:yor za:zha
zh:chi zu:zul""".split())

# ------------------------------------------------------------------------ text helpers

_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_BAD.sub("\ufffd", value)


def inverted_name(agent: dict[str, Any]) -> str:
    """ "Family, Given" for a person ("van Beethoven, Ludwig", "King, Jr., Martin Luther"),
    an organization's name as it is. Never in capitals, never reordered otherwise."""
    if "organization" in agent:
        return agent["organization"]
    family = " ".join(p for p in (agent.get("non_dropping_particle"), agent["family"]) if p)
    given = " ".join(p for p in (agent.get("given"), agent.get("dropping_particle")) if p)
    parts = [family]
    if agent.get("suffix"):
        parts.append(agent["suffix"])
    if given:
        parts.append(given)
    return ", ".join(parts)


def series_statement(data: dict[str, Any]) -> str | None:
    """ "GFJ Commentary ; 5" (the ISBD series statement), or None without a series."""
    series = data.get("series")
    if not series:
        return None
    number = data.get("series_number")
    return f"{series} ; {number}" if number else series


def doi_url(doi: str) -> str:
    """https://doi.org/<doi>, with the characters a URL cannot hold percent-encoded."""
    return "https://doi.org/" + quote(doi, safe="/:;()._-~!$'*,@=&+")


def original_citation(original: dict[str, Any]) -> str:
    """A citation of the original from its fields: title [script]. Venue. Place: Publisher,
    date. Language: xx."""
    parts = []
    title = original.get("title")
    script = original.get("title_original_script")
    if title and script and script != title:
        parts.append(f"{title} [{script}]")
    elif title or script:
        parts.append(title or script)
    if original.get("venue"):
        parts.append(original["venue"])
    pub = ": ".join(p for p in (original.get("place"), original.get("publisher")) if p)
    when = ", ".join(p for p in (pub, original.get("issued")) if p)
    if when:
        parts.append(when)
    if original.get("language"):
        parts.append(f"Language: {original['language']}")
    if original.get("url"):
        parts.append(original["url"])
    return ". ".join(p.rstrip(".") for p in parts) + "."


def original_prose(original: dict[str, Any]) -> str:
    """A sentence on the original for dc:description (the original's date has no DC element
    of its own in the translation's record)."""
    text = "Translation of an original"
    if original.get("language"):
        name = english_name(original["language"])
        text += f" in {name} ({original['language']})" if name else \
            f" in language {original['language']}"
    if original.get("issued"):
        text += f", first published {original['issued']}"
    if original.get("venue"):
        text += f" in {original['venue']}"
    if original.get("publisher") and original.get("publisher") != original.get("venue"):
        text += f" ({original['publisher']})"
    return text + "."


def affiliation_prose(authors: list[dict[str, Any]]) -> str | None:
    """ "Affiliations: Tokiwa, Shin: Academic Member, GFJ; ..." or None without any."""
    people = []
    for agent in authors:
        affs = agent.get("affiliations") or []
        if not affs:
            continue
        text = "; ".join(", ".join(p for p in (a.get("role"), a["organization"]) if p)
                         for a in affs)
        people.append(f"{inverted_name(agent)}: {text}")
    return "Affiliations: " + " / ".join(people) + "." if people else None


def citation(data: dict[str, Any]) -> str:
    """A plain bibliographic citation of the record, including what it translates."""
    parts = []
    names = "; ".join(inverted_name(a) for a in data.get("authors", []))
    head = names
    if data.get("issued"):
        head = f"{names} ({data['issued']})" if names else f"({data['issued']})"
    if head:
        parts.append(head)
    parts.append(join_title(data["title"], data.get("subtitle")))
    for key in ("container_title",):
        if data.get(key):
            parts.append(data[key])
    series = series_statement(data)
    if series:
        parts.append(series)
    pub = ": ".join(p for p in (data.get("place"), data.get("publisher")) if p)
    if pub:
        parts.append(pub)
    if data.get("translators"):
        parts.append("Translated by " + "; ".join(inverted_name(a) for a in data["translators"]))
    if data.get("original"):
        parts.append("Translation of: " + original_citation(data["original"]))
    if data.get("doi"):
        parts.append(doi_url(data["doi"]))
    elif data.get("url"):
        parts.append(data["url"])
    return ". ".join(p.rstrip(".") if i < len(parts) - 1 else p
                     for i, p in enumerate(parts)).rstrip(".") + "."


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) and " " not in value


def _media_types(data: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for f in data.get("files", []):
        if f["media_type"] not in seen:
            seen.append(f["media_type"])
    return seen


# ------------------------------------------------------------------------ oai_dc

def _add(parent: etree._Element, tag: str, text: str, lang: str | None = None,
         xsi_type: str | None = None) -> None:
    el = etree.SubElement(parent, tag)
    el.text = xml_text(text)
    if lang:
        el.set(XML_LANG, lang)
    if xsi_type:
        el.set(f"{{{XSI_NS}}}type", xsi_type)


def _fill_oai_dc(dc: etree._Element, data: dict[str, Any]) -> None:
    D = f"{{{DC_NS}}}"
    lang = data.get("language")
    _add(dc, D + "title", join_title(data["title"], data.get("subtitle")), lang)
    for agent in data.get("authors", []):
        _add(dc, D + "creator", inverted_name(agent))
    for agent in [*data.get("translators", []), *data.get("editors", [])]:
        _add(dc, D + "contributor", inverted_name(agent))
    if data.get("publisher"):
        _add(dc, D + "publisher", data["publisher"])
    series = series_statement(data)
    if series:
        _add(dc, D + "relation", series)
    if data.get("issued"):
        _add(dc, D + "date", data["issued"])
    original = data.get("original")
    if original:
        _add(dc, D + "source", original.get("url") or original_citation(original))
    if lang:
        _add(dc, D + "language", lang)
    if data.get("abstract"):
        _add(dc, D + "description", plain_text(data["abstract"]), lang)
    prose = affiliation_prose(data.get("authors", []))
    if prose:
        _add(dc, D + "description", prose)
    if original:
        _add(dc, D + "description", original_prose(original))
    for subject in data.get("subjects", []):
        _add(dc, D + "subject", subject, lang)
    if data.get("url"):
        _add(dc, D + "identifier", data["url"])
    if data.get("doi"):
        _add(dc, D + "identifier", doi_url(data["doi"]))
    _add(dc, D + "type", "Text")
    for media_type in _media_types(data):
        _add(dc, D + "format", media_type)
    if data.get("rights"):
        _add(dc, D + "rights", data["rights"])


def oai_dc_element(data: dict[str, Any]) -> etree._Element:
    """One record's ``<oai_dc:dc>`` (with its namespaces and xsi:schemaLocation), valid
    against oai_dc.xsd: what an OAI-PMH ``<metadata>`` holds."""
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc",
                       nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_XSD}")
    _fill_oai_dc(dc, data)
    return dc


def _wrapper(extra_ns: dict[str, str]) -> etree._Element:
    return etree.Element(f"{{{EXPORT_NS}}}records", nsmap={"ca": EXPORT_NS, **extra_ns})


def _record(root: etree._Element, data: dict[str, Any]) -> etree._Element:
    rec = etree.SubElement(root, f"{{{EXPORT_NS}}}record")
    rec.set("id", data["id"])
    return rec


def _document(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def dump_oai_dc(records: list[dict[str, Any]]) -> bytes:
    """oai_dc XML: ``<ca:records>`` / ``<ca:record id>`` / ``<oai_dc:dc>`` per record."""
    root = _wrapper({"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    for data in records:
        dc = etree.SubElement(_record(root, data), f"{{{OAI_DC_NS}}}dc")
        dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_XSD}")
        _fill_oai_dc(dc, data)
    return _document(root)


# ------------------------------------------------------------------------ qualified DC XML

def _issued_xsi_type(issued: str) -> tuple[str, str]:
    """(text, xsi:type) for a date: W3CDTF for a date, a DCMI Period for an interval."""
    if "/" in issued:
        start, end = issued.split("/")
        return f"start={start}; end={end}; scheme=W3C-DTF;", "dcterms:Period"
    return issued, "dcterms:W3CDTF"


def _fill_dcterms(q: etree._Element, data: dict[str, Any]) -> None:
    T = f"{{{DCTERMS_NS}}}"
    lang = data.get("language")
    _add(q, T + "title", join_title(data["title"], data.get("subtitle")), lang)
    if data.get("subtitle"):
        _add(q, T + "alternative", data["title"], lang)
    for agent in data.get("authors", []):
        _add(q, T + "creator", inverted_name(agent))
    for agent in [*data.get("translators", []), *data.get("editors", [])]:
        _add(q, T + "contributor", inverted_name(agent))
    if data.get("publisher"):
        _add(q, T + "publisher", data["publisher"])
    series = series_statement(data)
    if series:
        _add(q, T + "isPartOf", series)
    if data.get("issued"):
        text, kind = _issued_xsi_type(data["issued"])
        _add(q, T + "issued", text, xsi_type=kind)
    if lang:
        _add(q, T + "language", lang, xsi_type="dcterms:RFC4646")
    if data.get("abstract"):
        _add(q, T + "abstract", plain_text(data["abstract"]), lang)
    prose = affiliation_prose(data.get("authors", []))
    if prose:
        _add(q, T + "description", prose)
    for subject in data.get("subjects", []):
        _add(q, T + "subject", subject, lang)
    if data.get("url"):
        _add(q, T + "identifier", data["url"], xsi_type="dcterms:URI")
    if data.get("doi"):
        _add(q, T + "identifier", doi_url(data["doi"]), xsi_type="dcterms:URI")
    original = data.get("original")
    if original:
        for tag in ("isVersionOf", "source"):
            if original.get("url"):
                _add(q, T + tag, original["url"], xsi_type="dcterms:URI")
            else:
                _add(q, T + tag, original_citation(original))
    _add(q, T + "bibliographicCitation", citation(data))
    rights = data.get("rights")
    if rights:
        if _is_url(rights):
            _add(q, T + "license", rights, xsi_type="dcterms:URI")
        else:
            _add(q, T + "rights", rights)
    _add(q, T + "type", "Text", xsi_type="dcterms:DCMIType")
    for media_type in _media_types(data):
        _add(q, T + "format", media_type, xsi_type="dcterms:IMT")
    for f in data.get("files", []):
        _add(q, T + "extent", f"{f['bytes']} bytes ({f['path']}, {f['media_type']})")


def dcterms_element(data: dict[str, Any]) -> etree._Element:
    """One record's ``<qualifieddc>``, valid against qualifieddc.xsd (dcterms.xsd 2008)."""
    q = etree.Element("qualifieddc", nsmap={"dcterms": DCTERMS_NS, "xsi": XSI_NS})
    _fill_dcterms(q, data)
    return q


def dump_dcterms(records: list[dict[str, Any]]) -> bytes:
    """Qualified DC XML: ``<ca:records>`` / ``<ca:record id>`` / ``<qualifieddc>``."""
    root = _wrapper({"dcterms": DCTERMS_NS, "xsi": XSI_NS})
    for data in records:
        _fill_dcterms(etree.SubElement(_record(root, data), "qualifieddc"), data)
    return _document(root)


# ------------------------------------------------------------------------ RDF

@dataclass(frozen=True)
class IRI:
    value: str


@dataclass(frozen=True)
class Lit:
    text: str
    lang: str | None = None
    datatype: str | None = None  # a full IRI


@dataclass(frozen=True)
class BLabel:
    """A labelled blank node (named by two properties)."""

    label: str


@dataclass
class Node:
    """A resource and what is said about it: ``subject`` is an IRI, a BLabel, or None for a
    blank node written inside its one referrer."""

    subject: IRI | BLabel | None
    props: list[tuple[str, Union["Node", IRI, Lit, BLabel]]] = field(default_factory=list)

    def add(self, prop: str, value: Union["Node", IRI, Lit, BLabel, None]) -> None:
        if value is not None:
            self.props.append((prop, value))


_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')


def iri(value: str) -> IRI:
    """An IRI from a URL: characters an IRI cannot hold are percent-encoded."""
    return IRI(_IRI_BAD.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()),
                            xml_text(value)))


def date_literal(value: str) -> Lit:
    """A date typed by its precision: xsd:gYear, xsd:gYearMonth, xsd:date; intervals EDTF."""
    if "/" in value:
        return Lit(value, datatype=EDTF)
    kind = {4: "gYear", 7: "gYearMonth"}.get(len(value), "date")
    return Lit(value, datatype=XSD_NS + kind)


def language_values(tag: str) -> list[IRI | Lit]:
    """The ISO 639-2 IRI at id.loc.gov (when the tag's language has one) and the tag."""
    head = tag.split("-")[0].lower()
    code = _ISO639_1_TO_2B.get(head) if len(head) == 2 else None
    out: list[IRI | Lit] = [IRI(ISO639_2 + code)] if code else []
    out.append(Lit(tag))
    return out


def _agent_node(agent: dict[str, Any], label: BLabel | None = None) -> Node:
    node = Node(label)
    if "organization" in agent:
        node.add("rdf:type", IRI(PREFIXES["foaf"] + "Organization"))
        node.add("foaf:name", Lit(agent["organization"]))
        return node
    node.add("rdf:type", IRI(PREFIXES["foaf"] + "Person"))
    node.add("foaf:name", Lit(display_name(agent)))
    node.add("foaf:familyName", Lit(family_name(agent)))
    if agent.get("given"):
        node.add("foaf:givenName", Lit(agent["given"]))
    if agent.get("suffix"):
        node.add("schema:honorificSuffix", Lit(agent["suffix"]))
    if agent.get("original_script"):
        node.add("schema:alternateName", Lit(agent["original_script"]))
    for aff in agent.get("affiliations", []):
        org = Node(None)
        org.add("rdf:type", IRI(PREFIXES["foaf"] + "Organization"))
        org.add("foaf:name", Lit(aff["organization"]))
        node.add("schema:affiliation", org)
    return node


def _named(name: str, kind: str = "Organization") -> Node:
    node = Node(None)
    node.add("rdf:type", IRI(PREFIXES["foaf"] + kind))
    node.add("foaf:name", Lit(name))
    return node


def record_iri(data: dict[str, Any], base: str = RECORD_BASE) -> str:
    return base + data["id"]


def rdf_nodes(data: dict[str, Any], base: str = RECORD_BASE,
              counter: Iterator[int] | None = None) -> list[Node]:
    """The record as RDF: its own node first, then the labelled and original nodes."""
    import itertools

    counter = counter if counter is not None else itertools.count(1)
    me = IRI(record_iri(data, base))
    rec = Node(me)
    out = [rec]
    lang = data.get("language")
    rec.add("dcterms:type", IRI(PREFIXES["dcmitype"] + "Text"))
    rec.add("dcterms:title", Lit(join_title(data["title"], data.get("subtitle")), lang))
    if data.get("subtitle"):
        rec.add("dcterms:alternative", Lit(data["title"], lang))
    for agent in data.get("authors", []):
        rec.add("dcterms:creator", _agent_node(agent))
    for role, key in (("trl", "translators"), ("edt", "editors")):
        for agent in data.get(key, []):
            label = BLabel(f"b{next(counter)}")
            rec.add("dcterms:contributor", label)
            rec.add(f"relators:{role}", label)
            out.append(_agent_node(agent, label))
    if data.get("publisher"):
        rec.add("dcterms:publisher", _named(data["publisher"]))
    if data.get("series"):
        series = Node(None)
        series.add("rdf:type", IRI(PREFIXES["schema"] + "CreativeWorkSeries"))
        series.add("dcterms:title", Lit(data["series"]))
        rec.add("dcterms:isPartOf", series)
        rec.add("schema:position", Lit(data["series_number"]) if data.get("series_number")
                else None)
    if data.get("issued"):
        rec.add("dcterms:issued", date_literal(data["issued"]))
    if lang:
        for value in language_values(lang):
            rec.add("dcterms:language", value)
    if data.get("abstract"):
        rec.add("dcterms:abstract", Lit(plain_text(data["abstract"]), lang))
    for subject in data.get("subjects", []):
        rec.add("dcterms:subject", Lit(subject, lang))
    if data.get("url"):
        rec.add("dcterms:identifier", Lit(data["url"]))
        rec.add("foaf:page", iri(data["url"]))
    if data.get("doi"):
        rec.add("dcterms:identifier", Lit(doi_url(data["doi"])))
    rec.add("dcterms:bibliographicCitation", Lit(citation(data)))
    rights = data.get("rights")
    if rights:
        rec.add("dcterms:license" if _is_url(rights) else "dcterms:rights",
                iri(rights) if _is_url(rights) else Lit(rights))
    for f in data.get("files", []):
        node = Node(None)
        node.add("rdf:type", IRI(PREFIXES["spdx"] + "File"))
        node.add("spdx:fileName", Lit(f["path"]))
        node.add("dcterms:format", Lit(f["media_type"]))
        node.add("dcterms:extent", Lit(f"{f['bytes']} bytes"))
        checksum = Node(None)
        checksum.add("rdf:type", IRI(PREFIXES["spdx"] + "Checksum"))
        checksum.add("spdx:algorithm", IRI(PREFIXES["spdx"] + "checksumAlgorithm_sha256"))
        checksum.add("spdx:checksumValue", Lit(f["sha256"], datatype=XSD_NS + "hexBinary"))
        node.add("spdx:checksum", checksum)
        rec.add("dcterms:hasFormat", node)
    original = data.get("original")
    if original:
        orig = Node(iri(original["url"]) if original.get("url") else IRI(me.value + "#original"))
        rec.add("dcterms:isVersionOf", orig.subject)
        rec.add("dcterms:source", orig.subject)
        orig.add("dcterms:hasVersion", me)
        olang = original.get("language")
        if original.get("title"):
            orig.add("dcterms:title", Lit(original["title"]))
        if original.get("title_original_script"):
            orig.add("dcterms:title", Lit(original["title_original_script"], olang))
        if original.get("issued"):
            orig.add("dcterms:issued", date_literal(original["issued"]))
        if olang:
            for value in language_values(olang):
                orig.add("dcterms:language", value)
        if original.get("venue"):
            venue = Node(None)
            venue.add("dcterms:title", Lit(original["venue"]))
            orig.add("dcterms:isPartOf", venue)
        if original.get("publisher"):
            orig.add("dcterms:publisher", _named(original["publisher"]))
        if original.get("url"):
            orig.add("dcterms:identifier", Lit(original["url"]))
        out.append(orig)
    return out


# --- RDF/XML

# str.replace chains, not str.translate: translate is ten times slower on non-ASCII text


def _esc_text(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _esc_attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _rx_subject(subject: IRI | BLabel | None) -> str:
    if isinstance(subject, IRI):
        return f' rdf:about="{_esc_attr(subject.value)}"'
    if isinstance(subject, BLabel):
        return f' rdf:nodeID="{subject.label}"'
    return ""


def _rx_node(node: Node, out: list[str], indent: str) -> None:
    out.append(f"{indent}<rdf:Description{_rx_subject(node.subject)}>\n")
    inner = indent + "  "
    for prop, value in node.props:
        if isinstance(value, Lit):
            attrs = ""
            if value.lang:
                attrs = f' xml:lang="{value.lang}"'
            elif value.datatype:
                attrs = f' rdf:datatype="{value.datatype}"'
            out.append(f"{inner}<{prop}{attrs}>{_esc_text(xml_text(value.text))}"
                       f"</{prop}>\n")
        elif isinstance(value, IRI):
            out.append(f'{inner}<{prop} rdf:resource="{_esc_attr(value.value)}"/>\n')
        elif isinstance(value, BLabel):
            out.append(f'{inner}<{prop} rdf:nodeID="{value.label}"/>\n')
        else:
            out.append(f"{inner}<{prop}>\n")
            _rx_node(value, out, inner + "  ")
            out.append(f"{inner}</{prop}>\n")
    out.append(f"{indent}</rdf:Description>\n")


def dump_rdf_xml(records: list[dict[str, Any]], base: str = RECORD_BASE) -> bytes:
    """DCMI Terms as RDF/XML (one rdf:Description per record, original and translator)."""
    import itertools

    counter = itertools.count(1)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF']
    out += [f'\n    xmlns:{p}="{ns}"' for p, ns in PREFIXES.items()]
    out.append(">\n")
    for data in records:
        for node in rdf_nodes(data, base, counter):
            _rx_node(node, out, "  ")
    out.append("</rdf:RDF>\n")
    return "".join(out).encode("utf-8")


# --- Turtle



def _esc_ttl(value: str) -> str:
    """A Turtle STRING_LITERAL_QUOTE body (other controls never get here: see xml_text)."""
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def _ttl_term(value: IRI | Lit | BLabel, indent: str, out: list[str]) -> None:
    if isinstance(value, IRI):
        out.append(_ttl_iri(value.value))
    elif isinstance(value, BLabel):
        out.append(f"_:{value.label}")
    else:
        out.append(f'"{_esc_ttl(xml_text(value.text))}"')
        if value.lang:
            out.append(f"@{value.lang}")
        elif value.datatype:
            out.append("^^" + _ttl_iri(value.datatype))


_PREFIX_BY_NS = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _ttl_iri(value: str) -> str:
    for ns, prefix in _PREFIX_BY_NS:
        if value.startswith(ns) and _LOCAL.match(value[len(ns):]):
            return f"{prefix}:{value[len(ns):]}"
    return f"<{value}>"


def _ttl_props(node: Node, indent: str, out: list[str]) -> None:
    for i, (prop, value) in enumerate(node.props):
        out.append(f"{indent}{'a' if prop == 'rdf:type' else prop} ")
        if isinstance(value, Node):
            out.append("[\n")
            _ttl_props(value, indent + "    ", out)
            out.append(f"\n{indent}]")
        else:
            _ttl_term(value, indent, out)
        out.append(" ;\n" if i < len(node.props) - 1 else "")


def dump_turtle(records: list[dict[str, Any]], base: str = RECORD_BASE) -> str:
    """DCMI Terms as Turtle: the same graph as :func:`dump_rdf_xml`."""
    import itertools

    counter = itertools.count(1)
    out = [f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()]
    for data in records:
        for node in rdf_nodes(data, base, counter):
            out.append("\n")
            assert node.subject is not None
            _ttl_term(node.subject, "", out)
            out.append("\n")
            _ttl_props(node, "    ", out)
            out.append(" .\n")
    return "".join(out)
