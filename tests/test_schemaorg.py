"""schema.org JSON-LD export, read by rdflib with the schema.org context from
../shared/schemas (offline: rdflib's context loader is replaced, sockets refuse)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import record_data
from test_dublincore import NASTY, SHA, varied_records

from archive.formats import schemaorg
from archive.model import validate_record

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
CONTEXT_FILE = SCHEMAS / "schemaorgcontext.jsonld"
SCHEMA_URLS = {"https://schema.org", "https://schema.org/", "http://schema.org",
               "http://schema.org/"}
S = "http://schema.org/"


@pytest.fixture
def offline_context(monkeypatch):
    """rdflib gets the schema.org context from the local file and nothing from the network."""
    if not CONTEXT_FILE.is_file():
        # the shared folder beside the repository is not ours to ship: skip without it
        pytest.skip(f"schema.org context: {CONTEXT_FILE} is missing")
    from rdflib.plugins.shared.jsonld import context as jsonld_context

    local = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    asked: list[str] = []

    def source_to_json(url, *args, **kwargs):
        asked.append(url)
        if url not in SCHEMA_URLS:
            raise AssertionError(f"rdflib tried to fetch {url}")
        return local, None

    def refuse(*args, **kwargs):
        raise AssertionError(f"a test tried to use the network: {args!r}")

    monkeypatch.setattr(jsonld_context, "source_to_json", source_to_json)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return asked


def _graph(text: str):
    import rdflib

    return rdflib.Graph().parse(data=text, format="json-ld")


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return varied_records()


def test_document_shape_and_escaping(records):
    text = schemaorg.dump(records)
    assert "<" not in text and ">" not in text and "&" not in text  # safe inside <script>
    doc = json.loads(text)
    assert doc["@context"] == "https://schema.org"
    assert [n["@id"] for n in doc["@graph"]] == [
        "urn:commentary-archive:record:" + r["id"] for r in records]
    jfir = doc["@graph"][1]
    assert jfir["name"] == NASTY  # JSON escapes decode back to the exact text
    single = schemaorg.record_node(records[0])
    assert single["@context"] == "https://schema.org" and single["@type"] == "Report"


def _terms(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, sub in value.items():
            if not key.startswith("@"):
                out.add(key)
            elif key == "@type":
                out.update([sub] if isinstance(sub, str) else sub)
            _terms(sub, out)
    elif isinstance(value, list):
        for sub in value:
            _terms(sub, out)
    return out


def test_every_term_is_a_schema_org_term(records, offline_context):
    """A misspelt property would silently become a made-up IRI through @vocab."""
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    used = _terms(json.loads(schemaorg.dump(records)), set())
    used.discard("http://id.loc.gov/datatypes/edtf")  # a datatype IRI, not a term
    assert used - set(context) == set()
    assert {"translationOfWork", "workTranslation", "affiliation", "OpinionNewsArticle",
            "NewsArticle", "Report", "CreativeWorkSeries", "sha256"} <= used


def test_triples_say_what_the_record_says(records, offline_context):
    from rdflib import URIRef
    from rdflib.namespace import RDF

    g = _graph(schemaorg.dump(records))
    assert offline_context, "the local context was not used"

    def rows(query, **bindings):
        return [tuple(map(str, r)) for r in g.query(
            "PREFIX s: <http://schema.org/>\n" + query, initBindings=bindings)]

    seed = URIRef("urn:commentary-archive:record:tokiwa-2022-do-not-be-disturbed")
    assert (seed, RDF.type, URIRef(S + "Report")) in g
    assert rows("SELECT ?n ?h ?a WHERE { ?r s:name ?n ; s:headline ?h ; "
                "s:alternativeHeadline ?a }", r=seed) == [(
                    "Do not be disturbed by the “suspension” of peace treaty negotiations",
                    "Do not be disturbed by the “suspension” of peace treaty negotiations",
                    "Ideal opportunity for breaking away from appeasement")]
    [(date, datatype)] = rows("SELECT ?d (datatype(?d) AS ?t) WHERE { ?r s:datePublished ?d }",
                              r=seed)
    assert (date, datatype) == ("2022-06-01", S + "Date")
    assert rows("""SELECT ?n ?f ?g ?alt WHERE { ?r s:author ?p . ?p a s:Person ; s:name ?n ;
                   s:familyName ?f ; s:givenName ?g ; s:alternateName ?alt }""", r=seed) == [
        ("Tokiwa Shin", "Tokiwa", "Shin", "常盤伸")]
    assert {o for (o,) in rows("""SELECT ?o WHERE { ?r s:author ?p . ?p s:affiliation ?a .
                                   ?a a s:Organization ; s:name ?o }""", r=seed)} == {
        "The Global Forum of Japan (GFJ)", "The Japan Forum on International Relations",
        "Tokyo Shimbun"}
    assert rows("SELECT ?f ?g WHERE { ?r s:translator ?t . ?t s:familyName ?f ; "
                "s:givenName ?g }", r=seed) == [("Smith", "Ann")]
    assert rows("""SELECT ?n ?p WHERE { ?r s:isPartOf ?s . ?s a s:CreativeWorkSeries ;
                   s:name ?n . ?r s:position ?p }""", r=seed) == [("GFJ Commentary", "5")]
    assert rows("""SELECT ?n ?alt ?l ?d ?v ?pub WHERE { ?r s:translationOfWork ?o .
        ?o s:workTranslation ?r ; s:name ?n ; s:alternateName ?alt ; s:inLanguage ?l ;
           s:datePublished ?d ; s:isPartOf [ s:name ?v ] ; s:publisher [ s:name ?pub ] }""",
                r=seed) == [("平和条約交渉", "Peace treaty talks", "ja", "2022-05-19",
                             "e-Forum “Giron-Hyakushutsu”", "The Global Forum of Japan")]
    assert rows("SELECT ?l WHERE { ?r s:inLanguage ?l }", r=seed) == [("en",)]
    assert rows("SELECT ?a WHERE { ?r s:abstract ?a }", r=seed) == [
        ("Russia & Japan: talks \"halted\" 北方領土",)]
    assert rows("SELECT ?h WHERE { ?r s:encoding [ s:sha256 ?h ; s:encodingFormat "
                "\"text/plain\" ] }", r=seed) == [(SHA,)]
    assert sorted(rows("SELECT ?k WHERE { ?r s:keywords ?k }", r=seed)) == [
        ("Japan–Russia relations",), ("Northern Territories",)]
    assert rows("SELECT ?u WHERE { ?r s:url ?u }", r=seed) == [
        ("https://www.gfj.jp/e/commentary/220601.pdf?a=1&b=2",)]

    jfir = URIRef("urn:commentary-archive:record:jfir-2021-policy")
    assert {r for r in rows("""SELECT ?t ?n WHERE { ?r s:author ?p . ?p a ?t ;
                              s:name ?n }""", r=jfir)} == {
        (S + "Organization", "The Japan Forum on International Relations"),
        (S + "Person", "Ludwig van Beethoven Jr.")}
    assert rows("SELECT ?v ?u WHERE { ?r s:identifier [ s:propertyID \"DOI\" ; s:value ?v ; "
                "s:url ?u ] }", r=jfir) == [("10.1234/ABC-5(6)<7>",
                                             "https://doi.org/10.1234/ABC-5(6)%3C7%3E")]
    assert rows("SELECT ?d WHERE { ?r s:datePublished ?d }", r=jfir) == [("2021-03",)]
    assert rows("SELECT ?l WHERE { ?r s:license ?l }", r=jfir) == [
        ("https://creativecommons.org/licenses/by/4.0/",)]

    essay = URIRef("urn:commentary-archive:record:kim-2019-essay")
    assert {str(t) for t in g.objects(essay, RDF.type)} == {S + "NewsArticle",
                                                            S + "OpinionNewsArticle"}
    [(date, datatype)] = rows("SELECT ?d (datatype(?d) AS ?t) WHERE { ?r s:datePublished ?d }",
                              r=essay)
    assert (date, datatype) == ("2019-05/2019-06", schemaorg.EDTF)
    assert rows("SELECT ?n WHERE { ?r s:author [ s:name ?n ] }", r=essay) == [("Kim Min-jun",)]
    assert sorted(rows("SELECT ?n WHERE { ?r s:translator [ s:name ?n ] }", r=essay)) == [
        ("Ji-woo Lee",), ("Translation Bureau & Co.",)]
    assert rows("SELECT ?c WHERE { ?r s:copyrightNotice ?c }", r=essay) == [
        ("© the author; all rights reserved",)]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(record_data())
def test_any_record_gives_json_ld_that_parses(offline_context, data):
    data = validate_record(data).to_data()
    text = schemaorg.dump([data])
    doc = json.loads(text)
    [node] = doc["@graph"]
    assert node["name"] == data["title"]
    g = _graph(text)
    from rdflib import URIRef

    me = URIRef("urn:commentary-archive:record:" + data["id"])
    assert str(g.value(me, URIRef(S + "name"))) == data["title"]
