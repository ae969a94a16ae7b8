"""Dublin Core exports, checked by real readers: lxml with the official XSDs (offline) for
oai_dc and qualified DC XML, rdflib for RDF/XML and Turtle (parsed, compared, queried)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
import xmlschemas
from hypothesis import HealthCheck, given, settings
from lxml import etree
from strategies import record_data

from archive.formats import dublincore as dc
from archive.model import validate_record

OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
DC = "{http://purl.org/dc/elements/1.1/}"
T = "{http://purl.org/dc/terms/}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CA = "{urn:commentary-archive:export}"
SHA = "992cef4f30213635588d97c1f034a0dc1e37ac4186d913cc6a2616dc64077557"
NASTY = 'Tom & Jerry <b>"bold"</b> \'quoted\' ]]> 漢字'


def _record(data: dict[str, Any]) -> dict[str, Any]:
    return validate_record(data).to_data()


def varied_records() -> list[dict[str, Any]]:
    """Records covering what the exports must get right (validated like real ones)."""
    return [_record(d) for d in [
        {   # the seed: family-first name, three affiliations, translation of a Japanese original
            "id": "tokiwa-2022-do-not-be-disturbed", "type": "commentary",
            "title": "Do not be disturbed by the “suspension” of peace treaty negotiations",
            "subtitle": "Ideal opportunity for breaking away from appeasement",
            "language": "en", "issued": "2022-06-01", "series": "GFJ Commentary",
            "series_number": "5", "publisher": "The Global Forum of Japan",
            "authors": [{"family": "Tokiwa", "given": "Shin", "order": "family-first",
                         "original_script": "常盤伸",
                         "affiliations": [
                             {"role": "Academic Member",
                              "organization": "The Global Forum of Japan (GFJ)"},
                             {"role": "Distinguished Research Fellow",
                              "organization": "The Japan Forum on International Relations"},
                             {"organization": "Tokyo Shimbun"}]}],
            "translators": [{"family": "Smith", "given": "Ann"}],
            "original": {"language": "ja", "issued": "2022-05-19",
                         "title": "Peace treaty talks", "title_original_script": "平和条約交渉",
                         "venue": "e-Forum “Giron-Hyakushutsu”",
                         "publisher": "The Global Forum of Japan"},
            "subjects": ["Japan–Russia relations", "Northern Territories"],
            "abstract": "<p>Russia &amp; Japan: <script>alert('x')</script><em>talks</em> "
                        "\"halted\" 北方領土</p>",
            "url": "https://www.gfj.jp/e/commentary/220601.pdf?a=1&b=2",
            "files": [{"path": "commentary.txt", "media_type": "text/plain", "bytes": 7969,
                       "sha256": SHA}],
        },
        {   # organization as author, original with URL, month precision, DOI, rights URL
            "id": "jfir-2021-policy", "type": "report", "title": NASTY,
            "language": "ja", "issued": "2021-03",
            "authors": [{"organization": "The Japan Forum on International Relations"},
                        {"family": "Beethoven", "given": "Ludwig",
                         "non_dropping_particle": "van", "suffix": "Jr."}],
            "original": {"language": "zh-Hant", "issued": "2021",
                         "url": "https://example.org/orig?x=1&y=\"2\""},
            "doi": "10.1234/ABC-5(6)<7>", "rights": "https://creativecommons.org/licenses/by/4.0/",
            "subjects": ["外交", "a & b"],
        },
        {   # year only, interval, series without number, several translators, no language
            "id": "kim-2019-essay", "type": "op-ed", "title": "Essay", "subtitle": "Sub & sub",
            "issued": "2019-05/2019-06", "series": "Opinion <Series>",
            "authors": [{"family": "Kim", "given": "Min-jun", "order": "family-first"}],
            "translators": [{"family": "Lee", "given": "Ji-woo"},
                            {"organization": "Translation Bureau & Co."}],
            "original": {"language": "ko", "issued": "2019", "title": "에세이"},
            "rights": "© the author; all rights reserved",
        },
        {"id": "bare", "type": "webpage", "title": "Only a title", "issued": "1999"},
    ]]


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return varied_records()


def _by_id(root: etree._Element, tag: str) -> dict[str, etree._Element]:
    return {rec.get("id"): rec.find(tag) for rec in root.iter(CA + "record")}


# ------------------------------------------------------------------------ oai_dc


def test_every_oai_dc_record_is_valid(records):
    schema = xmlschemas.oai_dc()
    root = etree.fromstring(dc.dump_oai_dc(records))
    assert root.tag == CA + "records"
    elements = list(root.iter(OAI_DC))
    assert len(elements) == len(records)
    for el in elements:
        xmlschemas.assert_valid(schema, el)
    for data in records:  # the element the OAI-PMH endpoint will reuse, alone
        el = etree.fromstring(etree.tostring(dc.oai_dc_element(data)))
        xmlschemas.assert_valid(schema, el)


def test_the_schema_check_is_real():
    """The oai_dc schema refuses what it must, so a pass above means something."""
    schema = xmlschemas.oai_dc()
    el = dc.oai_dc_element(varied_records()[0])
    etree.SubElement(el, DC + "checksum").text = SHA
    assert xmlschemas.errors(schema, el)
    q = dc.dcterms_element(varied_records()[0])
    q.find(T + "issued").text = "2022-6-1"
    assert xmlschemas.errors(xmlschemas.qualified_dc(), q)


def test_oai_dc_says_what_the_record_says(records):
    els = _by_id(etree.fromstring(dc.dump_oai_dc(records)), OAI_DC)
    seed = els["tokiwa-2022-do-not-be-disturbed"]

    def texts(el, name):
        return [e.text for e in el.findall(DC + name)]

    assert texts(seed, "title") == [
        "Do not be disturbed by the “suspension” of peace treaty negotiations: "
        "Ideal opportunity for breaking away from appeasement"]
    assert seed.find(DC + "title").get(XML_LANG) == "en"
    assert texts(seed, "creator") == ["Tokiwa, Shin"]
    assert texts(seed, "contributor") == ["Smith, Ann"]
    assert texts(seed, "date") == ["2022-06-01"]  # exactly one dc:date, not the original's
    assert texts(seed, "relation") == ["GFJ Commentary ; 5"]
    assert texts(seed, "language") == ["en"]
    assert texts(seed, "type") == ["Text"]
    assert texts(seed, "format") == ["text/plain"]
    assert texts(seed, "identifier") == ["https://www.gfj.jp/e/commentary/220601.pdf?a=1&b=2"]
    [source] = texts(seed, "source")  # no URL: a citation of the original
    assert "2022-05-19" in source and "ja" in source and "Giron-Hyakushutsu" in source
    descriptions = texts(seed, "description")
    assert descriptions[0] == "Russia & Japan: talks \"halted\" 北方領土"  # HTML stripped
    assert any("Academic Member, The Global Forum of Japan (GFJ)" in d for d in descriptions)
    assert any("2022-05-19" in d for d in descriptions)
    assert SHA not in etree.tostring(seed, encoding="unicode")  # no checksums in oai_dc
    assert "alert" not in etree.tostring(seed, encoding="unicode")

    org = els["jfir-2021-policy"]
    assert texts(org, "creator") == ["The Japan Forum on International Relations",
                                     "van Beethoven, Jr., Ludwig"]
    assert texts(org, "title") == [NASTY]  # &, <, quotes, ]]> and CJK survive a real parser
    assert texts(org, "source") == ["https://example.org/orig?x=1&y=\"2\""]
    assert texts(org, "identifier") == ["https://doi.org/10.1234/ABC-5(6)%3C7%3E"]
    assert texts(org, "date") == ["2021-03"]

    essay = els["kim-2019-essay"]
    assert texts(essay, "creator") == ["Kim, Min-jun"]
    assert texts(essay, "contributor") == ["Lee, Ji-woo", "Translation Bureau & Co."]
    assert texts(essay, "date") == ["2019-05/2019-06"]
    assert essay.find(DC + "title").get(XML_LANG) is None  # no language, no xml:lang


# ------------------------------------------------------------------------ qualified DC


def test_every_qualified_dc_record_is_valid(records):
    schema = xmlschemas.qualified_dc()
    root = etree.fromstring(dc.dump_dcterms(records))
    elements = list(root.iter("qualifieddc"))
    assert len(elements) == len(records)
    for el in elements:
        xmlschemas.assert_valid(schema, el)


def test_qualified_dc_says_what_the_record_says(records):
    els = _by_id(etree.fromstring(dc.dump_dcterms(records)), "qualifieddc")
    seed = els["tokiwa-2022-do-not-be-disturbed"]

    def one(el, name):
        [found] = el.findall(T + name)
        return found

    assert one(seed, "alternative").text.startswith("Do not be disturbed")
    assert one(seed, "issued").text == "2022-06-01"
    assert one(seed, "issued").get(XSI_TYPE) == "dcterms:W3CDTF"
    assert one(seed, "language").get(XSI_TYPE) == "dcterms:RFC4646"
    assert one(seed, "type").get(XSI_TYPE) == "dcterms:DCMIType"
    assert one(seed, "isPartOf").text == "GFJ Commentary ; 5"
    assert one(seed, "identifier").get(XSI_TYPE) == "dcterms:URI"
    assert one(seed, "format").get(XSI_TYPE) == "dcterms:IMT"
    assert "Translated by Smith, Ann" in one(seed, "bibliographicCitation").text
    assert "2022-05-19" in one(seed, "isVersionOf").text
    assert one(seed, "isVersionOf").text == one(seed, "source").text
    org = els["jfir-2021-policy"]
    assert one(org, "isVersionOf").get(XSI_TYPE) == "dcterms:URI"
    assert one(org, "license").text == "https://creativecommons.org/licenses/by/4.0/"
    essay = els["kim-2019-essay"]
    assert one(essay, "issued").get(XSI_TYPE) == "dcterms:Period"
    assert one(essay, "issued").text == "start=2019-05; end=2019-06; scheme=W3C-DTF;"
    assert one(essay, "rights").text == "© the author; all rights reserved"


# ------------------------------------------------------------------------ forbidden characters


def test_characters_xml_cannot_hold_never_break_a_document():
    """Control characters and non-characters become U+FFFD in every export."""
    bad = "a\x00b\x01c\x0bd\x1fe\ufffef\uffff"
    data = _record({"id": "ctl", "title": "T" + bad, "abstract": bad, "subjects": [bad],
                    "authors": [{"family": "F" + bad, "given": bad}],
                    "original": {"title": bad, "url": "https://x.org/\x01"}})
    for dump in (dc.dump_oai_dc, dc.dump_dcterms, dc.dump_rdf_xml):
        root = etree.fromstring(dump([data]))
        text = etree.tostring(root, encoding="unicode")
        assert "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffd" in text
    xmlschemas.assert_valid(xmlschemas.oai_dc(), dc.oai_dc_element(data))
    graph = _graph(dc.dump_turtle([data]), "turtle")
    assert len(graph) > 0


# ------------------------------------------------------------------------ RDF


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"a test tried to use the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _graph(text: str | bytes, fmt: str):
    import rdflib

    return rdflib.Graph().parse(data=text, format=fmt)


PREFIXES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <http://schema.org/>
PREFIX relators: <http://id.loc.gov/vocabulary/relators/>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def test_rdf_xml_and_turtle_are_the_same_graph(records, no_network):
    from rdflib.compare import isomorphic

    xml_graph = _graph(dc.dump_rdf_xml(records), "xml")
    ttl_graph = _graph(dc.dump_turtle(records), "turtle")
    assert len(xml_graph) > 100
    assert isomorphic(xml_graph, ttl_graph)


@pytest.mark.parametrize("fmt", ["xml", "turtle"])
def test_rdf_says_what_the_record_says(records, fmt, no_network):
    from rdflib import URIRef
    from rdflib.namespace import XSD

    dump = dc.dump_rdf_xml if fmt == "xml" else dc.dump_turtle
    g = _graph(dump(records), fmt)
    seed = URIRef("urn:commentary-archive:record:tokiwa-2022-do-not-be-disturbed")

    def rows(query, **bindings):
        return [tuple(r) for r in g.query(PREFIXES + query, initBindings=bindings)]

    [(title,)] = rows("SELECT ?t WHERE { ?r dcterms:title ?t }", r=seed)
    assert str(title).endswith(": Ideal opportunity for breaking away from appeasement")
    assert title.language == "en"
    [(issued,)] = rows("SELECT ?d WHERE { ?r dcterms:issued ?d }", r=seed)
    assert (str(issued), issued.datatype) == ("2022-06-01", XSD.date)
    assert rows("""SELECT ?f ?g ?n WHERE { ?r dcterms:creator ?p . ?p a foaf:Person ;
                   foaf:familyName ?f ; foaf:givenName ?g ; foaf:name ?n }""", r=seed) == [
        (_lit("Tokiwa"), _lit("Shin"), _lit("Tokiwa Shin"))]
    affiliations = {str(o) for (o,) in rows(
        "SELECT ?o WHERE { ?r dcterms:creator ?p . ?p schema:affiliation ?a . ?a foaf:name ?o }",
        r=seed)}
    assert affiliations == {"The Global Forum of Japan (GFJ)",
                            "The Japan Forum on International Relations", "Tokyo Shimbun"}
    assert rows("""SELECT ?f WHERE { ?r relators:trl ?t . ?r dcterms:contributor ?t .
                   ?t foaf:familyName ?f }""", r=seed) == [(_lit("Smith"),)]
    [(series, number)] = rows("""SELECT ?s ?n WHERE { ?r dcterms:isPartOf ?x .
                                 ?x dcterms:title ?s . ?r schema:position ?n }""", r=seed)
    assert (str(series), str(number)) == ("GFJ Commentary", "5")
    [(odate, olang_iri, script)] = rows("""SELECT ?d ?l ?t WHERE {
        ?r dcterms:isVersionOf ?o . ?r dcterms:source ?o . ?o dcterms:hasVersion ?r ;
           dcterms:issued ?d ; dcterms:language ?l ; dcterms:title ?t .
        FILTER(isIRI(?l) && lang(?t) = "ja") }""", r=seed)
    assert (str(odate), odate.datatype) == ("2022-05-19", XSD.date)
    assert str(olang_iri) == "http://id.loc.gov/vocabulary/iso639-2/jpn"
    assert str(script) == "平和条約交渉"
    [(checksum,)] = rows("""SELECT ?v WHERE { ?r dcterms:hasFormat ?f . ?f spdx:checksum ?c .
        ?c spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?v }""", r=seed)
    assert str(checksum).lower() == SHA
    [(abstract,)] = rows("SELECT ?a WHERE { ?r dcterms:abstract ?a }", r=seed)
    assert str(abstract) == "Russia & Japan: talks \"halted\" 北方領土"

    jfir = URIRef("urn:commentary-archive:record:jfir-2021-policy")
    [(issued,)] = rows("SELECT ?d WHERE { ?r dcterms:issued ?d }", r=jfir)
    assert (str(issued), issued.datatype) == ("2021-03", XSD.gYearMonth)
    [(title,)] = rows("SELECT ?t WHERE { ?r dcterms:title ?t }", r=jfir)
    assert str(title) == NASTY
    names = {tuple(map(str, r)) for r in rows(
        "SELECT ?n WHERE { ?r dcterms:creator ?p . ?p foaf:name ?n }", r=jfir)}
    assert names == {("The Japan Forum on International Relations",),
                     ("Ludwig van Beethoven Jr.",)}
    [(orig, odate)] = rows("SELECT ?o ?d WHERE { ?r dcterms:isVersionOf ?o . "
                           "?o dcterms:issued ?d }", r=jfir)
    assert str(orig) == "https://example.org/orig?x=1&y=%222%22"  # the original's URL
    assert (str(odate), odate.datatype) == ("2021", XSD.gYear)

    essay = URIRef("urn:commentary-archive:record:kim-2019-essay")
    [(issued,)] = rows("SELECT ?d WHERE { ?r dcterms:issued ?d }", r=essay)
    assert (str(issued), str(issued.datatype)) == ("2019-05/2019-06", dc.EDTF)
    translators = {str(n) for (n,) in rows(
        "SELECT ?n WHERE { ?r relators:trl ?t . ?t foaf:name ?n }", r=essay)}
    assert translators == {"Ji-woo Lee", "Translation Bureau & Co."}
    assert rows("SELECT ?n WHERE { ?r dcterms:creator ?p . ?p foaf:name ?n }", r=essay) == [
        (_lit("Kim Min-jun"),)]


def _lit(text: str):
    from rdflib import Literal

    return Literal(text)


def test_language_table_matches_iso_codes():
    """Our ISO 639-1 -> 639-2/B table is the one Debian's iso-codes lists."""
    path = Path("/usr/share/iso-codes/json/iso_639-2.json")
    if not path.is_file():
        pytest.skip("iso-codes (Debian package) is not installed: nothing to compare with")
    entries = json.loads(path.read_text(encoding="utf-8"))["639-2"]
    expected = {e["alpha_2"]: e.get("bibliographic", e["alpha_3"])
                for e in entries if "alpha_2" in e}
    assert dc._ISO639_1_TO_2B == expected


# ------------------------------------------------------------------------ any record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_data())
def test_no_record_makes_invalid_xml_or_rdf(data):
    data = validate_record(data).to_data()
    root = etree.fromstring(dc.dump_oai_dc([data]))
    xmlschemas.assert_valid(xmlschemas.oai_dc(), root.find(f"{CA}record/{OAI_DC}"))
    root = etree.fromstring(dc.dump_dcterms([data]))
    xmlschemas.assert_valid(xmlschemas.qualified_dc(), root.find(f"{CA}record/qualifieddc"))
    from rdflib.compare import isomorphic

    assert isomorphic(_graph(dc.dump_rdf_xml([data]), "xml"),
                      _graph(dc.dump_turtle([data]), "turtle"))


def test_schemas_load_offline_and_unknown_locations_are_refused(tmp_path):
    for load in (xmlschemas.oai_dc, xmlschemas.qualified_dc, xmlschemas.oai_pmh,
                 xmlschemas.marc21):
        assert isinstance(load(), etree.XMLSchema)
    xsd = tmp_path / "remote.xsd"
    xsd.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                   '<xs:import namespace="urn:x" schemaLocation="http://example.org/x.xsd"/>'
                   "</xs:schema>", encoding="utf-8")
    with pytest.raises((xmlschemas.SchemaLocationError, etree.XMLSchemaParseError)):
        xmlschemas.load(xsd)
