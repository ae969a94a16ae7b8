"""schema.org JSON-LD: what search engines (and any JSON-LD reader) learn about a record.

The mapping is column (c) of ../shared/docs/CROSSWALK.md. Choices made here:

- **Document.** ``{"@context": "https://schema.org", "@graph": [one node per record]}``,
  also for one record, so a reader sees one shape; :func:`record_node` gives one record's
  node (with its own ``@context``) for a catalogue page. The context maps terms to
  **http**://schema.org/ (schemaorgcontext.jsonld, release 30.0).
- **Types** (core schema.org unless said): commentary and report -> Report; article ->
  ScholarlyArticle; op-ed -> ``["NewsArticle", "OpinionNewsArticle"]`` (OpinionNewsArticle is
  pending, so NewsArticle, core, is given too: a reader of core schema.org still knows what
  it is); blog-post -> BlogPosting; webpage -> WebPage; book -> Book; chapter -> Chapter;
  thesis -> Thesis; interview and speech -> CreativeWork (schema.org has no type for them).
- **Ids.** A record is ``urn:commentary-archive:record:<id>``, the IRI the RDF export
  gives it; the original is ``<that>#original`` (its URL, if any, is its ``url``).
- **Names.** ``name`` is the display name as the name is written: "Tokiwa Shin" for a
  family-first name, "Ludwig van Beethoven" otherwise; ``familyName`` carries the particles.
- **Dates.** ``datePublished`` is the ISO date as stored ("2022", "2022-06", "2022-06-01");
  an interval, which is no schema:Date, is a value typed with the EDTF datatype.
- **Pending terms** used because core has nothing for them: ``abstract`` (given together with
  ``description``, core), ``sha256``, ``copyrightNotice``; ``translationOfWork`` and
  ``workTranslation`` are in the bib extension.
- **Escaping.** ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc. in strings, so the
  JSON can be put in an HTML ``<script>`` element as it is; the JSON is otherwise UTF-8.
  An abstract with HTML tags is reduced to its text (scripts dropped).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .shared import display_name, family_name, plain_text

CONTEXT = "https://schema.org"
RECORD_BASE = "urn:commentary-archive:record:"  # the same IRIs as the RDF export
EDTF = "http://id.loc.gov/datatypes/edtf"

TYPES: dict[str, str | list[str]] = {
    "commentary": "Report",
    "report": "Report",
    "article": "ScholarlyArticle",
    "op-ed": ["NewsArticle", "OpinionNewsArticle"],
    "blog-post": "BlogPosting",
    "webpage": "WebPage",
    "book": "Book",
    "chapter": "Chapter",
    "thesis": "Thesis",
    "interview": "CreativeWork",
    "speech": "CreativeWork",
}
# what a container_title is part of, by our type
CONTAINERS = {"article": "Periodical", "op-ed": "Periodical", "chapter": "Book",
              "blog-post": "Blog", "webpage": "WebSite"}
PAGINATED = {"article", "op-ed", "chapter", "commentary", "report"}

CARRIES = {
    "id": "@id (urn:commentary-archive:record:<id>)",
    "type": "@type (Report, ScholarlyArticle, NewsArticle+OpinionNewsArticle, ...)",
    "title": "name, headline",
    "subtitle": "alternativeHeadline",
    "language": "inLanguage",
    "issued": "datePublished",
    "series": "isPartOf CreativeWorkSeries {name}",
    "series_number": "position",
    "publisher": "publisher Organization {name}",
    "container_title": "isPartOf Periodical / Book / Blog / WebSite {name}",
    "pages": "pagination",
    "genre": "genre",
    "edition": "bookEdition (books)",
    "authors": "author Person {name, familyName, givenName} / Organization {name}",
    "authors.order": "author.name written family name first",
    "authors.affiliations": "author.affiliation Organization {name} (role not kept)",
    "translators": "translator",
    "editors": "editor",
    "original.title": "translationOfWork.name (alternateName when a title in the original "
                      "script is given too)",
    "original.title_original_script": "translationOfWork.name",
    "original.language": "translationOfWork.inLanguage",
    "original.issued": "translationOfWork.datePublished",
    "original.venue": "translationOfWork.isPartOf CreativeWork {name}",
    "original.publisher": "translationOfWork.publisher Organization {name}",
    "original.url": "translationOfWork.url",
    "subjects": "keywords",
    "abstract": "abstract, description (text, HTML removed)",
    "url": "url",
    "doi": "identifier PropertyValue {propertyID DOI, value, url https://doi.org/...}",
    "rights": "license (a URL) or copyrightNotice",
    "files": "encoding MediaObject {name, encodingFormat, contentSize, sha256}",
}

def agent_node(agent: dict[str, Any]) -> dict[str, Any]:
    """A Person (family and given names apart, affiliations) or an Organization."""
    if "organization" in agent:
        return {"@type": "Organization", "name": agent["organization"]}
    node: dict[str, Any] = {"@type": "Person", "name": display_name(agent),
                            "familyName": family_name(agent)}
    if agent.get("given"):
        node["givenName"] = agent["given"]
    if agent.get("suffix"):
        node["honorificSuffix"] = agent["suffix"]
    if agent.get("original_script"):
        node["alternateName"] = agent["original_script"]
    affs = agent.get("affiliations")
    if affs:
        node["affiliation"] = [{"@type": "Organization", "name": a["organization"]}
                               for a in affs]
    return node


def date_value(value: str) -> str | dict[str, str]:
    if "/" in value:
        return {"@value": value, "@type": EDTF}
    return value


def _organization(name: str) -> dict[str, str]:
    return {"@type": "Organization", "name": name}


def original_node(original: dict[str, Any], record_id: str) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": record_id + "#original", "@type": "CreativeWork"}
    title, script = original.get("title"), original.get("title_original_script")
    if script or title:
        node["name"] = script or title
    if script and title and title != script:
        node["alternateName"] = title
    if original.get("language"):
        node["inLanguage"] = original["language"]
    if original.get("issued"):
        node["datePublished"] = date_value(original["issued"])
    if original.get("venue"):
        node["isPartOf"] = {"@type": "CreativeWork", "name": original["venue"]}
    if original.get("publisher"):
        node["publisher"] = _organization(original["publisher"])
    if original.get("url"):
        node["url"] = original["url"]
    node["workTranslation"] = {"@id": record_id}
    return node


def record_graph_node(data: dict[str, Any]) -> dict[str, Any]:
    """One record as a schema.org node (no @context)."""
    kind = data.get("type", "commentary")
    me = RECORD_BASE + data["id"]
    node: dict[str, Any] = {"@id": me, "@type": TYPES[kind], "name": data["title"],
                            "headline": data["title"]}
    if data.get("subtitle"):
        node["alternativeHeadline"] = data["subtitle"]
    if data.get("language"):
        node["inLanguage"] = data["language"]
    if data.get("issued"):
        node["datePublished"] = date_value(data["issued"])
    for key, prop in (("authors", "author"), ("translators", "translator"),
                      ("editors", "editor")):
        if data.get(key):
            node[prop] = [agent_node(a) for a in data[key]]
    if data.get("publisher"):
        node["publisher"] = _organization(data["publisher"])
    part_of = []
    if data.get("container_title"):
        part_of.append({"@type": CONTAINERS.get(kind, "CreativeWork"),
                        "name": data["container_title"]})
    if data.get("series"):
        part_of.append({"@type": "CreativeWorkSeries", "name": data["series"]})
        if data.get("series_number"):
            node["position"] = data["series_number"]
    if part_of:
        node["isPartOf"] = part_of
    if data.get("pages") and kind in PAGINATED:
        node["pagination"] = data["pages"]
    if data.get("genre"):
        node["genre"] = data["genre"]
    if data.get("edition") and kind == "book":
        node["bookEdition"] = data["edition"]
    if data.get("original"):
        node["translationOfWork"] = original_node(data["original"], me)
    if data.get("abstract"):
        text = plain_text(data["abstract"])
        node["abstract"] = text
        node["description"] = text
    if data.get("subjects"):
        node["keywords"] = list(data["subjects"])
    if data.get("url"):
        node["url"] = data["url"]
    if data.get("doi"):
        node["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI",
                              "value": data["doi"],
                              "url": "https://doi.org/" + quote(data["doi"],
                                                                safe="/:;()._-~!$'*,@=&+")}
    rights = data.get("rights")
    if rights:
        if rights.startswith(("http://", "https://")) and " " not in rights:
            node["license"] = rights
        else:
            node["copyrightNotice"] = rights
    if data.get("files"):
        node["encoding"] = [{"@type": "MediaObject", "name": f["path"],
                             "encodingFormat": f["media_type"],
                             "contentSize": f"{f['bytes']} bytes", "sha256": f["sha256"]}
                            for f in data["files"]]
    return node


def record_node(data: dict[str, Any]) -> dict[str, Any]:
    """One record as a JSON-LD document of its own (for a catalogue page's <script>)."""
    return {"@context": CONTEXT, **record_graph_node(data)}




def to_json(document: Any) -> str:
    """JSON text safe to put inside an HTML <script> element as it is."""
    text = json.dumps(document, ensure_ascii=False)
    # str.replace, not str.translate: translate is ten times slower on non-ASCII text
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dump(records: list[dict[str, Any]]) -> str:
    """``{"@context": "https://schema.org", "@graph": [...]}``, one node per record, one
    record a line (json's indenting encoder is pure Python and five times slower)."""
    nodes = ",\n".join(to_json(record_graph_node(d)) for d in records)
    return f'{{"@context": "{CONTEXT}", "@graph": [\n{nodes}\n]}}\n'
