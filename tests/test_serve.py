"""`archive serve` as a user and a client meet it: a real server process (uvicorn), httpx
as the client, and every body read by a real reader (json, rdflib for RDF/XML and JSON-LD,
bibtexparser, rispy, lxml.html, the official schemas).

Content negotiation follows RFC 9110 12.5.1 (q-values, the most specific range decides,
q=0 refuses); `Vary: Accept` on every negotiated answer; 406 lists what is served.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys

import httpx
import lxml.html
import pytest
import xmlschemas
from conftest import REPO, assert_no_traceback
from oaiserve import (
    FILE_BYTES,
    FILE_NAME,
    HOSTILE,
    HOSTILE_TITLE,
    REMOVED,
    WITH_FILE,
    Served,
    make_archive,
    record_data,
)

SCHEMAS = REPO.parent / "shared" / "schemas"
RID = "rec-03"
TITLE = "Commentary number 3"


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory):
    return make_archive(tmp_path_factory.mktemp("serve") / "arch")


@pytest.fixture(scope="module")
def server(archive_root):
    with Served(archive_root) as served:
        yield served


def fetch(server, path: str, accept: str | None = None, **kw) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return httpx.get(server.url + path.lstrip("/"), headers=headers, timeout=60, **kw)


def media(res: httpx.Response) -> str:
    return res.headers["content-type"].split(";")[0].strip()


# --------------------------------------------------------------------------- negotiation


def test_csl_json(server):
    res = fetch(server, f"records/{RID}", "application/vnd.citationstyles.csl+json")
    assert res.status_code == 200 and media(res) == "application/vnd.citationstyles.csl+json"
    assert res.headers["vary"] == "Accept"
    item = json.loads(res.content)
    assert item["id"] == RID and item["title"] == TITLE
    assert item["author"] == [{"family": "Tokiwa", "given": "Shin"}]  # CSL name variables only
    assert item["issued"]["date-parts"] == [[2022, 6, 1]]
    # the same item as the record's CSL-JSON download (an array of one)
    download = fetch(server, f"records/{RID}/{RID}.json")
    assert json.loads(download.content) == [item]


def test_bibtex(server):
    import bibtexparser

    res = fetch(server, f"records/{RID}", "application/x-bibtex")
    assert res.status_code == 200 and media(res) == "application/x-bibtex"
    library = bibtexparser.parse_string(res.text)
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.key == RID and entry["title"].strip("{}") == TITLE
    assert entry["author"] == "Tokiwa, Shin"


def test_ris(server):
    import rispy

    res = fetch(server, f"records/{RID}", "application/x-research-info-systems")
    assert res.status_code == 200 and media(res) == "application/x-research-info-systems"
    [entry] = rispy.loads(res.text)
    assert entry["title"] == TITLE or entry.get("primary_title") == TITLE
    assert entry["authors"] == ["Tokiwa, Shin"]


def test_rdf_xml(server):
    import rdflib
    from rdflib.namespace import DCTERMS

    res = fetch(server, f"records/{RID}", "application/rdf+xml")
    assert res.status_code == 200 and media(res) == "application/rdf+xml"
    graph = rdflib.Graph().parse(data=res.content, format="xml")
    titles = {str(o) for o in graph.objects(None, DCTERMS.title)}
    assert TITLE in titles


def test_json_ld(server, monkeypatch):
    import rdflib
    from rdflib.plugins.shared.jsonld import context as jsonld_context

    res = fetch(server, f"records/{HOSTILE}", "application/ld+json")
    assert res.status_code == 200 and media(res) == "application/ld+json"
    doc = json.loads(res.content)
    assert doc["@context"] == "https://schema.org" and doc["name"] == HOSTILE_TITLE
    context_file = SCHEMAS / "schemaorgcontext.jsonld"
    if not context_file.is_file():
        pytest.skip(f"schema.org context: {context_file} is missing")
    local = json.loads(context_file.read_text(encoding="utf-8"))

    def source_to_json(url, *args, **kwargs):
        if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
            raise AssertionError(f"rdflib tried to fetch {url}")
        return local, None

    monkeypatch.setattr(jsonld_context, "source_to_json", source_to_json)
    graph = rdflib.Graph().parse(data=res.text, format="json-ld")
    names = {str(o) for o in graph.objects(None, rdflib.URIRef("http://schema.org/name"))}
    assert HOSTILE_TITLE in names


@pytest.mark.parametrize("style, expect", [
    ("apa", "Tokiwa, S. (2022"),
    ("mla", "Tokiwa, Shin."),
    ("chicago", "Tokiwa, Shin."),
])
def test_formatted_citation(server, style, expect):
    res = fetch(server, f"records/{RID}", f"text/x-bibliography; style={style}")
    assert res.status_code == 200 and media(res) == "text/x-bibliography"
    assert res.text.startswith(expect), res.text
    assert TITLE.lower() in res.text.lower()  # MLA and Chicago title-case it
    assert "<" not in res.text  # plain text, not HTML


def test_formatted_citation_defaults_and_locale(server):
    plain = fetch(server, f"records/{RID}", "text/x-bibliography")
    apa = fetch(server, f"records/{RID}", "text/x-bibliography; style=apa")
    assert plain.text == apa.text
    # the same style with the German locale: the locale's terms, the same title
    german = fetch(server, f"records/{RID}", "text/x-bibliography; style=apa; locale=de-DE")
    assert german.status_code == 200 and TITLE in german.text
    assert german.text != apa.text
    assert "Ursprünglich erschienen" in german.text  # de-DE "original-work-published"
    assert "Original work published" in apa.text  # en-US, the same term


@pytest.mark.parametrize("value", ["../../../etc/passwd", "/etc/passwd", "x.csl",
                                   "no-such-style-anywhere"])
def test_a_style_that_is_not_a_style_name_is_refused(server, value):
    res = fetch(server, f"records/{RID}", f"text/x-bibliography; style={value}")
    assert res.status_code == 400
    assert "style=" in res.text and "Traceback" not in res.text


def test_html_is_exactly_the_record_page(server):
    negotiated = fetch(server, f"records/{RID}", "text/html")
    page = fetch(server, f"records/{RID}.html")
    assert negotiated.status_code == page.status_code == 200
    assert media(negotiated) == "text/html"
    assert negotiated.text == page.text
    tree = lxml.html.fromstring(negotiated.content)
    assert tree.xpath("string(//meta[@name='citation_title']/@content)") == TITLE
    # its relative links resolve under /records/ the same way from either URL
    for href in tree.xpath("//a/@href"):
        if href.startswith(f"{RID}/") and not href.startswith(f"{RID}/files/"):
            assert fetch(server, "records/" + href).status_code == 200, href


@pytest.mark.parametrize("accept, expect", [
    (None, "text/html"),                                   # no Accept: anything, our first
    ("*/*", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("application/*", "application/vnd.citationstyles.csl+json"),
    ("application/x-bibtex;q=0.5, application/x-research-info-systems",
     "application/x-research-info-systems"),
    ("application/x-bibtex;q=0.9, */*;q=0.1", "application/x-bibtex"),
    ("text/*;q=0.3, text/html;q=0, text/x-bibliography;q=0.5", "text/x-bibliography"),
    ("APPLICATION/LD+JSON", "application/ld+json"),
])
def test_q_values_and_wildcards(server, accept, expect):
    res = fetch(server, f"records/{RID}", accept)
    assert res.status_code == 200, res.text
    assert media(res) == expect
    assert res.headers["vary"] == "Accept"


@pytest.mark.parametrize("accept", ["image/png", "application/pdf, text/plain",
                                    "text/html;q=0, application/*;q=0",
                                    "application/json"])
def test_406_lists_what_is_served(server, accept):
    res = fetch(server, f"records/{RID}", accept)
    assert res.status_code == 406
    assert res.headers["vary"] == "Accept"
    for served in ("text/html", "application/vnd.citationstyles.csl+json",
                   "application/x-bibtex", "application/x-research-info-systems",
                   "application/ld+json", "application/rdf+xml", "text/x-bibliography"):
        assert served in res.text


# --------------------------------------------------------------------------- not there


def test_unknown_record_is_the_404_page(server):
    for path in ("records/no-such-record", "records/no-such-record.html",
                 "records/no-such-record/no-such-record.bib", "no/such/page"):
        res = fetch(server, path, "application/x-bibtex")
        assert res.status_code == 404, path
        assert media(res) == "text/html"
        tree = lxml.html.fromstring(res.content)
        assert tree.xpath("//a[@href='/' or @href='/index.html']"), path  # links from the root
        assert "Traceback" not in res.text


def test_removed_record_is_410_gone(server):
    for path in (f"records/{REMOVED}", f"records/{REMOVED}.html",
                 f"records/{REMOVED}/{REMOVED}.bib"):
        res = fetch(server, path, "application/x-bibtex")
        assert res.status_code == 410, path
        assert media(res) == "text/html"
        assert "removed" in res.text.lower()
        tree = lxml.html.fromstring(res.content)
        assert not tree.xpath("//meta[starts-with(@name, 'citation_')]")


# --------------------------------------------------------------------------- files


def test_downloads_of_a_record(server):
    import bibtexparser
    import rispy

    base = f"records/{RID}/{RID}"
    bib = fetch(server, base + ".bib")
    assert media(bib) == "application/x-bibtex"
    assert bibtexparser.parse_string(bib.text).entries[0].key == RID
    assert rispy.loads(fetch(server, base + ".ris").text)[0]["authors"] == ["Tokiwa, Shin"]
    assert json.loads(fetch(server, base + ".json").content)[0]["id"] == RID
    assert xmlschemas.validate(fetch(server, base + ".oai_dc.xml").content, "oai_dc") == []
    marc = fetch(server, base + ".marc.xml")
    assert media(marc) == "application/marcxml+xml"
    assert xmlschemas.validate(marc.content, "marcxml") == []


def test_downloads_of_the_catalog(server):
    import bibtexparser

    live = 19
    bib = fetch(server, "downloads/records.bib")
    assert bib.status_code == 200 and len(bibtexparser.parse_string(bib.text).entries) == live
    assert len(json.loads(fetch(server, "downloads/records.json").content)) == live
    assert xmlschemas.validate(fetch(server, "downloads/records.marc.xml").content,
                               "marcxml") == []
    assert xmlschemas.validate(fetch(server, "downloads/records.oai_dc.xml").content,
                               "oai_dc") == []
    assert fetch(server, "downloads/records.exe").status_code == 404


def test_index_and_static(server):
    index = fetch(server, "/")
    assert index.status_code == 200 and media(index) == "text/html"
    assert fetch(server, "index.html").text == index.text
    tree = lxml.html.fromstring(index.content)
    links = set(tree.xpath("//a/@href"))
    assert f"records/{RID}.html" in links
    assert f"records/{REMOVED}.html" not in links
    for href in tree.xpath("//link[@rel='stylesheet']/@href | //script/@src"):
        res = fetch(server, href)
        assert res.status_code == 200, href
    search = fetch(server, "static/search.js")
    assert search.status_code == 200 and "javascript" in media(search)
    assert RID in search.text and "<script>" not in search.text


def test_archived_file_and_traversal(server, archive_root):
    res = fetch(server, f"records/{WITH_FILE}/files/{FILE_NAME}")
    assert res.status_code == 200
    assert res.content == FILE_BYTES
    assert media(res) == "text/plain"
    # a depositor's file never runs script in the catalog's origin, and is not sniffed
    assert res.headers["content-security-policy"].startswith("sandbox")
    assert res.headers["x-content-type-options"] == "nosniff"
    listed = {f["path"]: f for f in __import__("yaml").safe_load(
        (archive_root / "records" / WITH_FILE / "record.yaml").read_text())["files"]}
    assert hashlib.sha256(res.content).hexdigest() == listed[FILE_NAME]["sha256"]
    attempts = [
        f"records/{WITH_FILE}/files/record.yaml",                # there, but not listed
        f"records/{WITH_FILE}/files/../record.yaml",
        f"records/{WITH_FILE}/files/%2e%2e/record.yaml",
        f"records/{WITH_FILE}/files/%2e%2e%2f%2e%2e%2farchive.yaml",
        f"records/{WITH_FILE}/files/..%2f..%2f{RID}%2frecord.yaml",
        f"records/{RID}/files/{FILE_NAME}",                      # another record's file
        "static/../../catalog.py",
        "static/%2e%2e/pages.py",
    ]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for path in attempts:
            # send the path as written (no client-side normalisation of "..")
            res = client.send(client.build_request("GET", httpx.URL(server.url + path)))
            assert res.status_code == 404, (path, res.status_code)
            assert b"tokiwa" not in res.content.lower() and b"id: " not in res.content


# --------------------------------------------------------------------------- OAI over HTTP


def test_oai_endpoint_is_mounted(server):
    res = httpx.get(server.oai, params={"verb": "Identify"}, timeout=30)
    assert res.status_code == 200 and media(res) == "text/xml"
    assert b"<Identify>" in res.content


# --------------------------------------------------------------------------- changes


def test_changes_to_the_archive_are_served(tmp_path):
    from archive.store import Archive

    root = tmp_path / "arch"
    shutil.copytree(make_archive(tmp_path / "src", count=4), root)
    with Served(root, "--refresh", "0") as server:
        assert fetch(server, "records/rec-new", "application/x-bibtex").status_code == 404
        data = record_data(9)
        data["id"] = "rec-new"
        data.pop("provenance")
        Archive.open(root).add(data)
        res = fetch(server, "records/rec-new", "application/x-bibtex")
        assert res.status_code == 200 and "rec-new" in res.text
        assert "rec-new.html" in fetch(server, "/").text
        Archive.open(root).remove("rec-new")
        assert fetch(server, "records/rec-new", "application/x-bibtex").status_code == 410


def test_pages_carry_a_content_security_policy(server):
    for path in ("/", f"records/{RID}", f"records/{RID}.html", "records/nope"):
        res = fetch(server, path, "text/html")
        policy = res.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy, path
        assert res.headers["x-content-type-options"] == "nosniff"
    res = fetch(server, f"records/{RID}", "application/x-bibtex")
    assert "content-security-policy" not in res.headers
    assert res.headers["x-content-type-options"] == "nosniff"


def test_records_that_are_not_valid_are_named_not_served(tmp_path):
    root = tmp_path / "arch"
    shutil.copytree(make_archive(tmp_path / "src", count=3), root)
    bad = root / "records" / "broken-2022"
    bad.mkdir()
    (bad / "record.yaml").write_text("id: broken-2022\ntype: report\ntitle: Broken\n"
                                     "issued: 2022-02-30\n", encoding="utf-8")
    served = Served(root)
    with served:
        assert fetch(served, "records/broken-2022", "text/html").status_code == 404
    assert "warning: 1 record(s) not valid, so not published: broken-2022" in served.stderr


# --------------------------------------------------------------------------- the command


def test_cli_prints_the_urls_binds_loopback_and_stops_on_ctrl_c(archive_root):
    served = Served(archive_root)
    with served:
        assert served.url.startswith("http://127.0.0.1:")
        assert served.oai == served.url + "oai"
        assert httpx.get(served.url, timeout=30).status_code == 200
    assert "Stopped." in served.stderr


def test_a_port_in_use_is_a_clear_error(archive_root):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        res = subprocess.run([sys.executable, "-m", "archive", "--root", str(archive_root),
                              "serve", "--port", str(port)], capture_output=True, text=True,
                             timeout=60, env={**__import__("os").environ,
                                              "PYTHONPATH": str(REPO)})
    assert res.returncode == 1
    assert f"--port {port}" in res.stderr and "in use" in res.stderr
    assert_no_traceback(res.stderr)


def test_not_an_archive_is_a_clear_error(tmp_path):
    res = subprocess.run([sys.executable, "-m", "archive", "--root", str(tmp_path / "none"),
                          "serve", "--port", "0"], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert res.returncode != 0
    assert "none" in res.stderr
    assert_no_traceback(res.stderr)


def test_an_internal_error_is_a_plain_page_and_a_log_line(tmp_path, caplog):
    """A bug of ours while answering: status 500, a short page, the traceback in the log
    only (the app in process, through Starlette's TestClient)."""
    from starlette.testclient import TestClient

    from archive.server import create_app

    root = make_archive(tmp_path / "arch", count=2)
    app = create_app(root, warm=False)
    snap = app.state.catalog_state.snapshot

    def broken() -> str:
        raise RuntimeError("a bug in the index page")

    snap.renderer.index_html = broken
    with TestClient(app, raise_server_exceptions=False) as client:
        res = client.get("/")
        assert res.status_code == 500
        assert "Internal error" in res.text
        assert "Traceback" not in res.text and "a bug in the index page" not in res.text
        assert client.get("/records/rec-01", headers={"Accept": "application/x-bibtex"}
                          ).status_code == 200  # the rest still works
    assert any("a bug in the index page" in (r.exc_text or str(r.exc_info))
               for r in caplog.records if r.name == "archive.server")
