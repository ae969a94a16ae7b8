"""OAI-PMH 2.0 endpoint of `archive serve`, checked with real harvesters (sickle and
oaipmh-scythe) against a real server process, and every response validated whole against the
official OAI-PMH.xsd (strict: the oai_dc and MARCXML parts are validated against oai_dc.xsd
and MARC21slim.xsd).

Expected values come from the test archive's own data (tests/oaiserve.py: the records'
provenance.updated, series, the tombstone's date) and from the protocol's text
(openarchivesprotocol.htm: error codes, inclusive from/until, cursor from 0, an empty token
on the last page of an incomplete list, no request attributes on badVerb/badArgument).
"""

from __future__ import annotations

import datetime as dt
import shutil
from urllib.parse import urlencode

import httpx
import pytest
import xmlschemas
from lxml import etree
from oaiserve import (
    ADMIN,
    HOSTILE,
    HOSTILE_TITLE,
    NAMESPACE,
    REMOVED,
    REPO_NAME,
    SERIES,
    Served,
    iso,
    make_archive,
    record_data,
    removed_stamp,
    stamp,
)

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
MARC = "{http://www.loc.gov/MARC21/slim}"
IDS = [f"rec-{i:02d}" for i in range(20)]
LIVE = [i for i in IDS if i != REMOVED]
PAGE = 3


def oai_id(record_id: str) -> str:
    return f"oai:{NAMESPACE}:{record_id}"


def series_of(record_id: str) -> str | None:
    return SERIES.get(int(record_id[4:]) % 3)


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory):
    return make_archive(tmp_path_factory.mktemp("oai") / "arch")


@pytest.fixture(scope="module")
def server(archive_root):
    with Served(archive_root, "--page-size", str(PAGE)) as served:
        yield served


@pytest.fixture(scope="module")
def schema():
    return xmlschemas.oai_pmh_responses()


def get(server, **params) -> etree._Element:
    res = httpx.get(server.oai, params=params, timeout=30)
    assert res.status_code == 200
    assert res.headers["content-type"].split(";")[0] == "text/xml"  # the protocol's type
    return etree.fromstring(res.content)


def error_codes(doc) -> list[str]:
    return sorted(e.get("code") for e in doc.findall(f"{OAI}error"))


def harvest(server, verb: str, **params) -> tuple[list[etree._Element], list[etree._Element]]:
    """Every item of a list request, following resumption tokens; and the token elements."""
    items, tokens = [], []
    doc = get(server, verb=verb, **params)
    while True:
        body = doc.find(f"{OAI}{verb}")
        assert body is not None, etree.tostring(doc)
        items += body.findall(f"{OAI}record" if verb == "ListRecords" else f"{OAI}header")
        token = body.find(f"{OAI}resumptionToken")
        if token is None or not token.text:
            if token is not None:
                tokens.append(token)
            return items, tokens
        tokens.append(token)
        doc = get(server, verb=verb, resumptionToken=token.text)


def header_of(item):
    return item if item.tag == f"{OAI}header" else item.find(f"{OAI}header")


# --------------------------------------------------------------------------- harvesters


def test_sickle_harvests_every_record_and_sees_the_removed_one(server):
    from sickle import Sickle

    client = Sickle(server.oai, max_retries=0)
    records = list(client.ListRecords(metadataPrefix="oai_dc"))
    assert [r.header.identifier for r in records if not r.deleted] == \
        [oai_id(i) for i in LIVE]  # datestamp order: the test data's days, then id
    deleted = [r for r in records if r.deleted]
    assert [r.header.identifier for r in deleted] == [oai_id(REMOVED)]
    assert deleted[0].xml.find(f".//{OAI}metadata") is None  # a header, nothing more
    for r in records:
        if not r.deleted:
            rid = r.header.identifier.rsplit(":", 1)[1]
            assert r.metadata["title"] == [record_data(int(rid[4:]))["title"]]
            assert r.metadata["creator"] == ["Tokiwa, Shin"]
    headers = list(client.ListIdentifiers(metadataPrefix="oai_dc"))
    assert sorted(h.identifier for h in headers) == sorted(oai_id(i) for i in IDS)
    assert [h.identifier for h in headers if h.deleted] == [oai_id(REMOVED)]
    one = client.GetRecord(identifier=oai_id("rec-03"), metadataPrefix="oai_dc")
    assert one.metadata["title"] == ["Commentary number 3"]
    marc = list(client.ListRecords(metadataPrefix="marcxml"))
    assert len(marc) == 20
    assert {s.setSpec: s.setName for s in client.ListSets()} == {
        "gfj-commentary": "GFJ Commentary", "policy-brief": "Policy Brief"}
    ident = client.Identify()
    assert ident.repositoryName == REPO_NAME and ident.deletedRecord == "persistent"


def test_oaipmh_scythe_harvests_every_record_and_sees_the_removed_one(server):
    from oaipmh_scythe import Scythe

    with Scythe(server.oai) as scythe:
        records = list(scythe.list_records(metadata_prefix="oai_dc"))
        assert sorted(r.header.identifier for r in records) == sorted(oai_id(i) for i in IDS)
        assert [r.header.identifier for r in records if r.deleted] == [oai_id(REMOVED)]
        for r in records:
            if not r.deleted:
                rid = r.header.identifier.rsplit(":", 1)[1]
                assert r.metadata["title"] == [record_data(int(rid[4:]))["title"]]
        headers = list(scythe.list_identifiers(metadata_prefix="marcxml", set_="policy-brief"))
        assert sorted(h.identifier for h in headers) == sorted(
            oai_id(i) for i in IDS if series_of(i) == "Policy Brief")
        got = scythe.get_record(identifier=oai_id(HOSTILE), metadata_prefix="oai_dc")
        assert got.metadata["title"] == [HOSTILE_TITLE]  # escaped in XML, read back as text
        formats = [f.metadataPrefix for f in scythe.list_metadata_formats()]
        assert formats == ["oai_dc", "marcxml"]


# --------------------------------------------------------------------------- validity


def test_every_response_validates_against_the_official_schemas(server, schema):
    requests = [
        {"verb": "Identify"},
        {"verb": "ListMetadataFormats"},
        {"verb": "ListMetadataFormats", "identifier": oai_id("rec-01")},
        {"verb": "ListSets"},
        {"verb": "GetRecord", "identifier": oai_id(HOSTILE), "metadataPrefix": "oai_dc"},
        {"verb": "GetRecord", "identifier": oai_id("rec-01"), "metadataPrefix": "marcxml"},
        {"verb": "GetRecord", "identifier": oai_id(REMOVED), "metadataPrefix": "marcxml"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "gfj-commentary"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-03"},
        # errors, each kind
        {"verb": "Nonsense"}, {},
        {"verb": "Identify", "extra": "1"},
        {"verb": "GetRecord", "identifier": oai_id("nope"), "metadataPrefix": "oai_dc"},
        {"verb": "GetRecord", "identifier": oai_id("rec-01"), "metadataPrefix": "mods"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "1999-01-01"},
        {"verb": "ListRecords", "resumptionToken": "not-a-token"},
        {"verb": "ListSets", "resumptionToken": "x"},
    ]
    seen_pages = 0
    for params in requests:
        doc = get(server, **params)
        xmlschemas.assert_valid(schema, doc)
    for verb in ("ListRecords", "ListIdentifiers"):
        for prefix in ("oai_dc", "marcxml"):
            doc = get(server, verb=verb, metadataPrefix=prefix)
            while True:
                xmlschemas.assert_valid(schema, doc)
                seen_pages += 1
                token = doc.find(f"{OAI}{verb}/{OAI}resumptionToken")
                if token is None or not token.text:
                    break
                doc = get(server, verb=verb, resumptionToken=token.text)
    assert seen_pages == 4 * 7  # 20 items in pages of 3


def test_the_schema_set_rejects_what_it_must(schema):
    """The validation above can fail: a metadata element of an unknown namespace, a bad
    oai_dc element and an Identify description of a namespace without a schema are each
    refused."""
    def doc(inner: str) -> etree._Element:
        return etree.fromstring(
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            "<responseDate>2024-01-01T00:00:00Z</responseDate><request>http://x/oai</request>"
            + inner + "</OAI-PMH>")
    header = "<header><identifier>oai:a.bc:x</identifier><datestamp>2024-01-01</datestamp></header>"
    assert xmlschemas.errors(schema, doc(
        f"<GetRecord><record>{header}<metadata><x xmlns='urn:x'/></metadata></record>"
        "</GetRecord>"))
    assert xmlschemas.errors(schema, doc(
        f"<GetRecord><record>{header}<metadata><oai_dc:dc xmlns:oai_dc="
        "'http://www.openarchives.org/OAI/2.0/oai_dc/' xmlns:dc='http://purl.org/dc/elements/"
        "1.1/'><dc:nonsense/></oai_dc:dc></metadata></record></GetRecord>"))
    assert xmlschemas.errors(schema, doc(
        "<Identify><repositoryName>x</repositoryName><baseURL>http://x/oai</baseURL>"
        "<protocolVersion>2.0</protocolVersion><adminEmail>a@b.cd</adminEmail>"
        "<earliestDatestamp>2024-01-01</earliestDatestamp><deletedRecord>no</deletedRecord>"
        "<granularity>YYYY-MM-DD</granularity><description><x xmlns='urn:x'/>"
        "</description></Identify>"))


# --------------------------------------------------------------------------- verbs


def test_identify(server, archive_root):
    doc = get(server, verb="Identify")
    ident = doc.find(f"{OAI}Identify")
    text = {child.tag.replace(OAI, ""): child.text for child in ident}
    assert text["repositoryName"] == REPO_NAME
    assert text["baseURL"] == server.oai
    assert text["protocolVersion"] == "2.0"
    assert [e.text for e in ident.findall(f"{OAI}adminEmail")] == [ADMIN]
    assert text["earliestDatestamp"] == iso(stamp(0))
    assert text["deletedRecord"] == "persistent"
    assert text["granularity"] == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.find(f"{OAI}description") is None  # optional; no schema we could check it by
    request = doc.find(f"{OAI}request")
    assert request.text == server.oai and dict(request.attrib) == {"verb": "Identify"}


def test_datestamps_are_the_records_last_change_in_utc(server, archive_root):
    items, _ = harvest(server, "ListIdentifiers", metadataPrefix="oai_dc")
    got = {h.findtext(f"{OAI}identifier"): h.findtext(f"{OAI}datestamp") for h in items}
    want = {oai_id(f"rec-{i:02d}"): iso(stamp(i)) for i in range(20)}
    want[oai_id(REMOVED)] = iso(removed_stamp(archive_root))  # when it was removed
    assert got == want
    sets = {h.findtext(f"{OAI}identifier"): [s.text for s in h.findall(f"{OAI}setSpec")]
            for h in items}
    assert sets[oai_id("rec-00")] == ["gfj-commentary"]
    assert sets[oai_id("rec-01")] == ["policy-brief"]
    assert sets[oai_id("rec-02")] == []
    assert [h.get("status") for h in items if h.get("status")] == ["deleted"]


def test_resumption_tokens_cursor_and_complete_list_size(server):
    items, tokens = harvest(server, "ListRecords", metadataPrefix="oai_dc")
    assert len(items) == 20
    assert [t.get("cursor") for t in tokens] == [str(n) for n in range(0, 20, PAGE)]
    assert {t.get("completeListSize") for t in tokens} == {"20"}
    assert [bool(t.text) for t in tokens] == [True] * 6 + [False]  # the last one is empty
    # a list that fits in one page has no token at all
    doc = get(server, verb="ListRecords", metadataPrefix="oai_dc", set="gfj-commentary",
              until="2024-01-04")
    assert doc.find(f".//{OAI}resumptionToken") is None
    assert len(doc.findall(f".//{OAI}record")) == 2  # rec-00, rec-03
    # re-issuing a token gives the same page (idempotency, repository unchanged)
    first = get(server, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.findtext(f".//{OAI}resumptionToken")
    again = [get(server, verb="ListIdentifiers", resumptionToken=token) for _ in range(2)]
    ids = [[h.findtext(f"{OAI}identifier") for h in d.iter(f"{OAI}header")] for d in again]
    assert ids[0] == ids[1] == [oai_id(i) for i in IDS if i != REMOVED][3:6]


def test_deleted_record_has_a_header_and_no_metadata(server, archive_root):
    doc = get(server, verb="GetRecord", identifier=oai_id(REMOVED), metadataPrefix="oai_dc")
    record = doc.find(f"{OAI}GetRecord/{OAI}record")
    assert record.find(f"{OAI}header").get("status") == "deleted"
    assert record.find(f"{OAI}metadata") is None
    assert record.findtext(f"{OAI}header/{OAI}datestamp") == iso(removed_stamp(archive_root))


def test_metadata_formats(server):
    doc = get(server, verb="GetRecord", identifier=oai_id("rec-01"), metadataPrefix="marcxml")
    marc = doc.find(f".//{OAI}metadata/{MARC}record")
    assert marc is not None
    assert marc.findtext(f"{MARC}controlfield[@tag='001']") == "rec-01"
    schema_location = marc.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert schema_location.split() == ["http://www.loc.gov/MARC21/slim",
                                       "http://www.loc.gov/standards/marcxml/schema/"
                                       "MARC21slim.xsd"]
    formats = get(server, verb="ListMetadataFormats").findall(f".//{OAI}metadataFormat")
    listed = {f.findtext(f"{OAI}metadataPrefix"): (f.findtext(f"{OAI}schema"),
                                                    f.findtext(f"{OAI}metadataNamespace"))
              for f in formats}
    assert listed == {
        "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                   "http://www.openarchives.org/OAI/2.0/oai_dc/"),
        "marcxml": ("http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
                    "http://www.loc.gov/MARC21/slim")}
    dc = get(server, verb="GetRecord", identifier=oai_id(HOSTILE), metadataPrefix="oai_dc")
    assert dc.findtext(f".//{DC}title") == HOSTILE_TITLE


# --------------------------------------------------------------------------- selection


def ids_of(server, **params) -> list[str]:
    items, _ = harvest(server, "ListIdentifiers", metadataPrefix="oai_dc", **params)
    return [h.findtext(f"{OAI}identifier").rsplit(":", 1)[1] for h in items]


def test_from_until_and_set(server, archive_root):
    live_by_day = {i: stamp(int(i[4:])) for i in LIVE}
    # day granularity, both bounds inclusive
    assert ids_of(server, **{"from": "2024-01-03", "until": "2024-01-05"}) == \
        ["rec-02", "rec-03", "rec-04"]
    # seconds granularity: until one second before rec-04's change leaves it out
    assert ids_of(server, **{"from": "2024-01-03T10:00:00Z",
                             "until": "2024-01-05T09:59:59Z"}) == ["rec-02", "rec-03"]
    assert ids_of(server, **{"from": "2024-01-17T10:00:00Z", "until": "2024-01-17T10:00:00Z"}) \
        == ["rec-16", "rec-17", "rec-18", "rec-19"]  # one second, four records, id order
    assert ids_of(server, until="2024-01-02") == ["rec-00", "rec-01"]
    removed_day = removed_stamp(archive_root).date().isoformat()
    assert REMOVED in ids_of(server, **{"from": removed_day})
    assert ids_of(server, set="policy-brief") == [
        i for i in LIVE if series_of(i) == "Policy Brief"]
    assert ids_of(server, set="gfj-commentary", **{"from": "2024-01-05"}) == [
        i for i in LIVE if series_of(i) == "GFJ Commentary" and
        live_by_day[i] >= dt.datetime(2024, 1, 5, tzinfo=dt.timezone.utc)]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("params, codes, echoed", [
    ({}, ["badVerb"], False),
    ({"verb": "Nonsense"}, ["badVerb"], False),
    ([("verb", "Identify"), ("verb", "Identify")], ["badVerb"], False),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, ["badArgument"], False),
    ({"verb": "ListRecords"}, ["badArgument"], False),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc")],
     ["badArgument"], False),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-01"},
     ["badArgument"], False),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01T00:00:00"},
     ["badArgument"], False),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01",
      "until": "2024-02-01T00:00:00Z"}, ["badArgument"], False),  # mixed granularity
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-01",
      "until": "2024-01-01"}, ["badArgument"], False),  # from later than until
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
     ["badArgument"], False),  # resumptionToken is exclusive
    ({"verb": "GetRecord", "identifier": oai_id("rec-01")}, ["badArgument"], False),
    ({"verb": "ListSets", "set": "x"}, ["badArgument"], False),
    ({"verb": "ListRecords", "resumptionToken": "garbage"}, ["badResumptionToken"], True),
    ({"verb": "ListSets", "resumptionToken": "x"}, ["badResumptionToken"], True),
    ({"verb": "ListRecords", "metadataPrefix": "mods"}, ["cannotDisseminateFormat"], True),
    ({"verb": "GetRecord", "identifier": oai_id("rec-01"), "metadataPrefix": "mods"},
     ["cannotDisseminateFormat"], True),
    ({"verb": "GetRecord", "identifier": "oai:other.org:rec-01", "metadataPrefix": "oai_dc"},
     ["idDoesNotExist"], True),
    ({"verb": "GetRecord", "identifier": oai_id("nope"), "metadataPrefix": "mods"},
     ["cannotDisseminateFormat", "idDoesNotExist"], True),
    ({"verb": "ListMetadataFormats", "identifier": oai_id("nope")}, ["idDoesNotExist"], True),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2023-12-31"},
     ["noRecordsMatch"], True),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "no-such-set"},
     ["noRecordsMatch"], True),
])
def test_error_codes(server, schema, params, codes, echoed):
    query = urlencode(params if isinstance(params, list) else list(params.items()))
    res = httpx.get(server.oai + ("?" + query if query else ""), timeout=30)
    assert res.status_code == 200  # OAI-PMH errors are not HTTP errors
    doc = etree.fromstring(res.content)
    xmlschemas.assert_valid(schema, doc)
    assert error_codes(doc) == codes
    assert all(e.text for e in doc.findall(f"{OAI}error"))  # a message for a human
    request = doc.find(f"{OAI}request")
    assert request.text == server.oai
    pairs = params if isinstance(params, list) else list(params.items())
    assert dict(request.attrib) == (dict(pairs) if echoed else {})


def test_tokens_are_tamper_evident_and_bound_to_their_verb(server):
    doc = get(server, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = doc.findtext(f".//{OAI}resumptionToken")
    assert token
    body, _, mac = token.partition(".")
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B") + "." + mac
    for bad in (flipped, token[:-2], token + "x"):
        assert error_codes(get(server, verb="ListIdentifiers", resumptionToken=bad)) == \
            ["badResumptionToken"]
    assert error_codes(get(server, verb="ListRecords", resumptionToken=token)) == \
        ["badResumptionToken"]


def test_post_is_answered_like_get(server):
    form = {"verb": "GetRecord", "identifier": oai_id("rec-03"), "metadataPrefix": "oai_dc"}
    posted = httpx.post(server.oai, data=form, timeout=30)
    got = httpx.get(server.oai, params=form, timeout=30)
    assert posted.status_code == 200
    strip = etree.XMLParser(remove_blank_text=True)
    a, b = etree.fromstring(posted.content, strip), etree.fromstring(got.content, strip)
    for doc in (a, b):
        doc.remove(doc.find(f"{OAI}responseDate"))
    assert etree.tostring(a) == etree.tostring(b)


def test_no_set_hierarchy_and_no_metadata_formats(tmp_path, schema):
    """An archive without series has no sets; a tombstone whose record is gone has no
    metadata formats. Answered by the library (archive.oai.respond) over its catalog."""
    from archive import catalog, oai
    from archive.store import Archive

    root = make_archive(tmp_path / "flat", count=4, series=False)
    ghost = root / "deleted" / "ghost"
    ghost.mkdir(parents=True)
    (ghost / "tombstone.yaml").write_text("id: ghost\ndeleted: 2024-06-01T00:00:00Z\n")
    cat = catalog.load(Archive.open(root))

    def ask(**params):
        doc = etree.fromstring(oai.respond(cat, list(params.items()), "http://x.test/oai"))
        xmlschemas.assert_valid(schema, doc)
        return doc

    assert error_codes(ask(verb="ListSets")) == ["noSetHierarchy"]
    assert error_codes(ask(verb="ListRecords", metadataPrefix="oai_dc", set="x")) == \
        ["noSetHierarchy"]
    assert error_codes(ask(verb="ListMetadataFormats", identifier=oai_id("ghost"))) == \
        ["noMetadataFormats"]
    gone = ask(verb="GetRecord", identifier=oai_id("ghost"), metadataPrefix="oai_dc")
    assert gone.find(f".//{OAI}header").get("status") == "deleted"
    assert gone.findtext(f".//{OAI}datestamp") == "2024-06-01T00:00:00Z"


# --------------------------------------------------------------------------- changes


def test_a_record_edited_during_a_harvest(tmp_path):
    """Records edited between two pages: nothing unchanged is repeated or skipped; an edited
    record comes again at the end of the list with its new datestamp (protocol 3.5.1)."""
    from archive.store import Archive

    root = tmp_path / "arch"
    shutil.copytree(make_archive(tmp_path / "src"), root)
    with Served(root, "--page-size", str(PAGE), "--refresh", "0") as server:
        doc = get(server, verb="ListIdentifiers", metadataPrefix="oai_dc")
        first = [h.findtext(f"{OAI}identifier") for h in doc.iter(f"{OAI}header")]
        assert first == [oai_id(i) for i in ("rec-00", "rec-01", "rec-02")]
        token = doc.findtext(f".//{OAI}resumptionToken")
        archive = Archive.open(root)
        for rid in ("rec-01", "rec-10"):  # one already harvested, one not yet
            record = archive.read(rid)
            archive.save(record.model_copy(update={"title": f"Edited {rid}"}))
        edited_at = {rid: Archive.open(root).read(rid).provenance.updated
                     for rid in ("rec-01", "rec-10")}
        seen = list(first)
        stamps = {}
        while token:
            doc = get(server, verb="ListIdentifiers", resumptionToken=token)
            for h in doc.iter(f"{OAI}header"):
                seen.append(h.findtext(f"{OAI}identifier"))
                stamps[seen[-1]] = h.findtext(f"{OAI}datestamp")
            token = doc.findtext(f".//{OAI}resumptionToken")
        unchanged = [oai_id(i) for i in IDS if i not in ("rec-01", "rec-10")]
        for identifier in unchanged:
            assert seen.count(identifier) == 1, identifier
        assert seen.count(oai_id("rec-01")) == 2  # before the edit, and after it
        assert seen.count(oai_id("rec-10")) == 1  # only its new version
        assert set(seen[-2:]) == {oai_id("rec-01"), oai_id("rec-10")}
        for rid, when in edited_at.items():
            assert stamps[oai_id(rid)] == iso(when.astimezone(dt.timezone.utc))
        got = get(server, verb="GetRecord", identifier=oai_id("rec-10"), metadataPrefix="oai_dc")
        assert got.findtext(f".//{DC}title") == "Edited rec-10"
