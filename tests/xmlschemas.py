"""The official XML schemas (../shared/schemas), loaded offline for the export tests.

Every ``schemaLocation`` a schema imports is mapped to the local copy by an lxml resolver;
a location we have no copy of is an error, never a download (the parsers also refuse the
network). oai_dc.xsd (which takes the dc namespace from simpledc20021212.xsd) and
qualifieddc.xsd / dcterms.xsd (which take it from the 2008 dc.xsd) are compiled as separate
schema sets, as ../shared/schemas/SOURCES.md requires: two schema documents for one
namespace must never meet. MARC21slim.xsd (schemas/loc/) serves the MARCXML tests.

    import xmlschemas  (tests/ is on sys.path under pytest)
    schema = xmlschemas.oai_dc()          # skips the test (or fails in CI) without schemas
    xmlschemas.assert_valid(schema, element)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
LOC = SCHEMAS / "loc"

# official location -> local file (http and https, with and without "www.", are all mapped)
LOCATIONS = {
    "dublincore.org/schemas/xmls/simpledc20021212.xsd": SCHEMAS / "simpledc20021212.xsd",
    "dublincore.org/schemas/xmls/qdc/2008/02/11/dc.xsd": SCHEMAS / "dc.xsd",
    "dublincore.org/schemas/xmls/qdc/2008/02/11/dcterms.xsd": SCHEMAS / "dcterms.xsd",
    "dublincore.org/schemas/xmls/qdc/2008/02/11/dcmitype.xsd": SCHEMAS / "dcmitype.xsd",
    "dublincore.org/schemas/xmls/qdc/2003/04/02/qualifieddc.xsd": SCHEMAS / "qualifieddc.xsd",
    "w3.org/2001/03/xml.xsd": SCHEMAS / "xml.xsd",
    "openarchives.org/OAI/2.0/oai_dc.xsd": SCHEMAS / "oai_dc.xsd",
    "openarchives.org/OAI/2.0/OAI-PMH.xsd": SCHEMAS / "OAI-PMH.xsd",
    "loc.gov/standards/marcxml/schema/MARC21slim.xsd": LOC / "MARC21slim.xsd",
    "loc.gov/mods/xml.xsd": LOC / "xml.xsd",
    "w3.org/2005/08/xml.xsd": LOC / "xml.xsd",
    "loc.gov/standards/xlink/xlink.xsd": LOC / "xlink.xsd",
    "loc.gov/standards/mods/v3/mods-3-8.xsd": LOC / "mods-3-8.xsd",
}


class SchemaLocationError(Exception):
    """A schema asked for a location that has no local copy."""


def _key(url: str) -> str | None:
    for scheme in ("http://", "https://"):
        if url.startswith(scheme):
            rest = url[len(scheme):]
            return rest[4:] if rest.startswith("www.") else rest
    return None


class LocalResolver(etree.Resolver):
    """Maps every official schema URL to its local copy; refuses any other remote URL."""

    def resolve(self, system_url, public_id, context):  # noqa: ANN001 (lxml API)
        key = _key(system_url or "")
        if key is None:
            return None  # a local file (relative imports): lxml reads it from disk
        path = LOCATIONS.get(key)
        if path is None or not path.is_file():
            raise SchemaLocationError(f"no local copy of {system_url} in {SCHEMAS}")
        return self.resolve_filename(str(path), context)


def skip_reason() -> str | None:
    """Why the schemas cannot be loaded here, or None."""
    if not SCHEMAS.is_dir():
        return f"official XML schemas: {SCHEMAS} is missing (the shared folder beside the repo)"
    return None


def _require() -> None:
    """Skip when the schemas are not there. They live in the shared folder beside the
    repository, which is not ours to ship (SOURCES.md): a machine without it skips,
    even in CI, where the tools that can be installed are required instead."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)


@cache
def _compile(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    parser.resolvers.add(LocalResolver())
    return etree.XMLSchema(etree.parse(str(path), parser))


def load(path: Path) -> etree.XMLSchema:
    """The compiled schema at ``path`` (a file of ../shared/schemas), imports local."""
    _require()
    return _compile(path)


def oai_dc() -> etree.XMLSchema:
    """oai_dc.xsd with simpledc20021212.xsd (the OAI-PMH oai_dc metadata format)."""
    return load(SCHEMAS / "oai_dc.xsd")


def qualified_dc() -> etree.XMLSchema:
    """qualifieddc.xsd with the 2008 dcterms.xsd, dc.xsd and dcmitype.xsd."""
    return load(SCHEMAS / "qualifieddc.xsd")


def oai_pmh() -> etree.XMLSchema:
    """OAI-PMH.xsd (strict: metadata is validated against the schemas it names)."""
    return load(SCHEMAS / "OAI-PMH.xsd")


def marc21() -> etree.XMLSchema:
    """MARC21slim.xsd (MARCXML), from schemas/loc/."""
    return load(LOC / "MARC21slim.xsd")


@cache
def _oai_harvest() -> etree.XMLSchema:
    # one schema document importing the three namespaces a response of ours holds, so
    # OAI-PMH.xsd's strict wildcards validate the metadata
    imports = [("http://www.openarchives.org/OAI/2.0/", "OAI-PMH.xsd"),
               ("http://www.openarchives.org/OAI/2.0/oai_dc/", "oai_dc.xsd"),
               ("http://www.loc.gov/MARC21/slim", "loc/MARC21slim.xsd")]
    text = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
            + "".join(f'<xs:import namespace="{ns}" schemaLocation="{loc}"/>'
                      for ns, loc in imports) + "</xs:schema>")
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    parser.resolvers.add(LocalResolver())
    doc = etree.fromstring(text.encode(), parser, base_url=str(SCHEMAS / "harvest.xsd"))
    return etree.XMLSchema(etree.ElementTree(doc))


def oai_pmh_responses() -> etree.XMLSchema:
    """OAI-PMH.xsd together with oai_dc.xsd and MARC21slim.xsd: an OAI-PMH response of ours
    validated whole, metadata included (OAI-PMH.xsd's wildcards are strict: an element of a
    namespace without a schema fails)."""
    _require()
    return _oai_harvest()


def errors(schema: etree.XMLSchema, element: etree._Element | etree._ElementTree) -> list[str]:
    """The schema's complaints about ``element`` (empty when valid), one line each."""
    if schema.validate(element):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def assert_valid(schema: etree.XMLSchema, element: etree._Element | etree._ElementTree) -> None:
    problems = errors(schema, element)
    assert not problems, "not valid:\n" + "\n".join(problems[:20])


def validate(data: bytes, kind: str) -> list[str]:
    """Problems of an export of ours (empty when valid).

    ``oai_dc`` and ``dcterms`` exports wrap one metadata element per record (our own
    `<ca:records><ca:record>`, which has no schema): each record's element is validated
    against its official schema. ``marcxml`` is a MARC 21 collection, validated whole."""
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    doc = etree.fromstring(data, parser)
    if kind == "marcxml":
        return errors(marc21(), doc)
    schema = {"oai_dc": oai_dc, "dcterms": qualified_dc}[kind]()
    elements = [child for record in doc for child in record if isinstance(child.tag, str)]
    if not elements:
        return [f"no metadata element in the {kind} export"]
    out = []
    for i, element in enumerate(elements):
        out += [f"record {i + 1}: {p}" for p in errors(schema, element)]
    return out
