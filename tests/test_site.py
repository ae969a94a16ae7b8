"""The static catalog (`archive site OUT`): the built tree, the downloads read by real
readers, the embedded metadata Zotero reads (DESIGN.md §6), escaping of a hostile record,
HTML validity (Nu HTML Checker) and the CLI's refusals (whole or nothing)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import bibtexparser
import lxml.html
import pytest
import rispy

from archive.site import build as site_build
from archive.site.pages import DOWNLOADS, Renderer
from tests import sitekit, xmlschemas
from tests.conftest import SEED_ID, assert_no_traceback, run_archive
from tests.oracle import skip_or_fail
from tests.sitekit import HOSTILE_FAMILY, HOSTILE_ID, HOSTILE_TITLE, OTHER_ID, REMOVED_ID

SEED_TITLE = ("Do not be disturbed by the “suspension” of peace treaty negotiations with Russia: "
              "Ideal opportunity for completely breaking away from the policy of Russian "
              "appeasement")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    """(archive root, built catalog), built once by the real CLI."""
    base = tmp_path_factory.mktemp("site")
    root = sitekit.make_archive(base)
    out = base / "public"
    proc = sitekit.build_site(root, out)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc.stderr)
    assert re.search(r"3 record\(s\), 1 removed, 2 archived file\(s\), [\d.]+ MB, [\d.]+ s",
                     proc.stderr), proc.stderr
    return root, out


def page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def metas(doc: lxml.html.HtmlElement, name: str) -> list[str]:
    return [m.get("content") for m in doc.xpath("/html/head/meta[@name=$n]", n=name)]


def tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


# --------------------------------------------------------------------------- the tree


def test_the_tree_has_every_page_download_and_file(site):
    _, out = site
    for rel in ("index.html", "404.html", "static/catalog.css", "static/catalog.js",
                "static/search.js", site_build.MARKER):
        assert (out / rel).is_file(), rel
    for rid in (SEED_ID, HOSTILE_ID, OTHER_ID):
        assert (out / "records" / f"{rid}.html").is_file()
        for suffix, _, _ in DOWNLOADS.values():
            assert (out / "records" / rid / f"{rid}{suffix}").is_file(), (rid, suffix)
    for suffix, _, _ in DOWNLOADS.values():
        assert (out / "downloads" / f"records{suffix}").is_file()
    # the removed record has its "removed" page and nothing else
    assert (out / "records" / f"{REMOVED_ID}.html").is_file()
    assert not (out / "records" / REMOVED_ID).exists()
    # nothing left beside OUT
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def test_archived_files_are_copied_whole_and_listed(site):
    root, out = site
    record = json.loads((out / "records" / SEED_ID / f"{SEED_ID}.json").read_text())[0]
    assert record["id"] == SEED_ID
    import yaml

    data = yaml.safe_load((root / "records" / SEED_ID / "record.yaml").read_text())
    doc = page(out / "records" / f"{SEED_ID}.html")
    rows = doc.xpath("//table[@class='files']/tbody/tr")
    assert len(rows) == len(data["files"]) == 2
    for f, row in zip(data["files"], rows):
        copied = out / "records" / SEED_ID / "files" / f["path"]
        assert hashlib.sha256(copied.read_bytes()).hexdigest() == f["sha256"]
        assert copied.read_bytes() == (root / "records" / SEED_ID / f["path"]).read_bytes()
        cells = [c.text_content() for c in row]
        assert cells[0] == f["path"] and cells[1] == f["media_type"]
        assert f"({f['bytes']} bytes)" in cells[2]
        assert cells[3] == f["sha256"]  # in full
        href = row.xpath(".//a/@href")[0]
        assert (out / "records" / href).resolve() == copied.resolve()


def test_downloads_are_read_by_real_readers(site):
    _, out = site
    folder = out / "records" / SEED_ID
    csl = json.loads((folder / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    assert csl[0]["type"] == "report" and csl[0]["original-date"]
    bib = bibtexparser.parse_string((folder / f"{SEED_ID}.bib").read_text(encoding="utf-8"))
    assert [e.entry_type for e in bib.entries] == ["techreport"]
    assert not bib.failed_blocks
    ris = rispy.loads((folder / f"{SEED_ID}.ris").read_text(encoding="utf-8"))
    assert ris[0]["type_of_reference"] == "RPRT"
    assert xmlschemas.validate((folder / f"{SEED_ID}.oai_dc.xml").read_bytes(), "oai_dc") == []
    assert xmlschemas.validate((folder / f"{SEED_ID}.marc.xml").read_bytes(), "marcxml") == []
    # the whole catalog: every live record, none removed
    everything = json.loads((out / "downloads" / "records.json").read_text(encoding="utf-8"))
    assert sorted(i["id"] for i in everything) == sorted([SEED_ID, HOSTILE_ID, OTHER_ID])
    bib = bibtexparser.parse_string((out / "downloads/records.bib").read_text(encoding="utf-8"))
    assert len(bib.entries) == 3 and not bib.failed_blocks
    assert len(rispy.loads((out / "downloads/records.ris").read_text(encoding="utf-8"))) == 3
    assert xmlschemas.validate((out / "downloads/records.oai_dc.xml").read_bytes(),
                               "oai_dc") == []
    assert xmlschemas.validate((out / "downloads/records.marc.xml").read_bytes(),
                               "marcxml") == []
    # our own readers read them back too
    from archive import formats

    for kind in ("csl-json", "bibtex", "ris"):
        suffix = DOWNLOADS[kind][0]
        with open(folder / f"{SEED_ID}{suffix}", encoding="utf-8") as fh:
            entries = list(formats.get(kind).loader()(fh, str(fh.name)))
        assert len(entries) == 1 and not entries[0].errors
        assert entries[0].data["authors"][0]["family"] == "Tokiwa"


# --------------------------------------------------------------------------- metadata


def zotero_authors(values: list[str]) -> list[tuple[str, str]]:
    """citation_author as Zotero's Embedded Metadata translator splits it: on ";", else on
    "," only when both sides hold a space; then "Last, First" when a comma is there."""
    out = []
    for value in values:
        parts = re.split(r"\s*;\s*", value)
        if len(parts) == 1:
            by_comma = re.split(r"\s*,\s*", parts[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                parts = by_comma
        for p in parts:
            last, _, first = p.partition(",")
            out.append((last.strip(), first.strip()))
    return out


def test_seed_page_embedded_metadata_is_what_zotero_reads(site):
    _, out = site
    doc = page(out / "records" / f"{SEED_ID}.html")
    assert metas(doc, "citation_title") == [SEED_TITLE]
    assert metas(doc, "citation_author") == ["Tokiwa, Shin"]
    assert zotero_authors(metas(doc, "citation_author")) == [("Tokiwa", "Shin")]
    assert metas(doc, "citation_publication_date") == ["2022-06-01"]
    assert metas(doc, "citation_technical_report_institution") == ["The Global Forum of Japan"]
    assert metas(doc, "citation_publisher") == ["The Global Forum of Japan"]
    assert metas(doc, "citation_language") == ["en"]
    assert metas(doc, "citation_abstract")[0].startswith("A journalist argues that Russia's")
    assert metas(doc, "citation_keywords")[0].split("; ")[0] == "Japan–Russia relations"
    assert metas(doc, "citation_pdf_url") == [f"{SEED_ID}/files/commentary.pdf"]
    assert metas(doc, "citation_doi") == []  # the seed has no DOI
    assert metas(doc, "z.seriesTitle") == ["GFJ Commentary"]
    assert metas(doc, "z.extra") == ["Original Date: 2022-05-19"]
    assert metas(doc, "DC.title") == [SEED_TITLE]
    assert metas(doc, "DC.creator") == ["Tokiwa, Shin"]
    assert metas(doc, "DC.date") == ["2022-06-01"]
    assert metas(doc, "DC.language") == ["en"]
    assert metas(doc, "DC.publisher") == ["The Global Forum of Japan"]
    assert len(metas(doc, "DC.subject")) == 5 and metas(doc, "DC.description")
    assert doc.xpath("/html/head/link[@rel='schema.DC']/@href") == [
        "http://purl.org/dc/elements/1.1/"]
    names = [m.get("name") or m.get("property") or "" for m in doc.xpath("//meta")]
    # nothing that changes Zotero's item type or overrides the tags
    assert not [n for n in names if n.lower() in ("dc.type", "og:type", "citation_journal_title")]
    assert not doc.xpath("//*[contains(concat(' ', @class, ' '), ' Z3988 ')]")  # no COinS
    assert not doc.xpath("//link[@rel='canonical']")  # no base_url: no canonical link
    (ld,) = doc.xpath("//script[@type='application/ld+json']/text()")
    node = json.loads(ld)
    assert node["@type"] == "Report" and node["author"][0]["familyName"] == "Tokiwa"
    # what a reader sees
    assert doc.xpath("string(//h1)") == ("Do not be disturbed by the “suspension” of peace "
                                         "treaty negotiations with Russia")
    assert "TOKIWA Shin" in doc.xpath("string(//section[@class='byline'])")
    assert "Distinguished Research Fellow, The Japan Forum on International Relations (JFIR)" \
        in doc.xpath("string(//section[@class='byline'])")
    details = doc.xpath("string(//dl[@class='details'])")
    for text in ("2022-05-19", "Japanese (ja)", "e-Forum “Giron-Hyakushutsu”", "GFJ Commentary"):
        assert text in details


def test_cite_box_and_download_links(site):
    _, out = site
    doc = page(out / "records" / f"{SEED_ID}.html")
    ids = doc.xpath("//div[@class='cite-text']/@id")
    assert ids == [f"cite-{s}" for s in ("apa", "chicago", "mla", "harvard", "ieee",
                                         "vancouver")]
    apa = doc.xpath("string(//div[@id='cite-apa'])")
    assert apa.startswith("Tokiwa, S. (2022).")
    assert len(doc.xpath("//button[@class='copy']")) == 6
    links = doc.xpath("//ul[@class='downloads']//a/@href")
    assert links == [f"{SEED_ID}/{SEED_ID}{s}" for s, _, _ in DOWNLOADS.values()]
    for href in links:
        assert (out / "records" / href).is_file()


def test_base_url_adds_canonical_links(tmp_path):
    root = sitekit.make_archive(tmp_path)
    out = tmp_path / "pub"
    proc = sitekit.build_site(root, out, "--base-url", "https://archive.example.org/c",
                              "--no-files")
    assert proc.returncode == 0, proc.stderr
    doc = page(out / "records" / f"{SEED_ID}.html")
    url = f"https://archive.example.org/c/records/{SEED_ID}.html"
    assert doc.xpath("//link[@rel='canonical']/@href") == [url]
    assert doc.xpath("//meta[@property='og:url']/@content") == [url]
    assert metas(doc, "citation_pdf_url") == [
        f"https://archive.example.org/c/records/{SEED_ID}/files/commentary.pdf"]
    assert not (out / "records" / SEED_ID / "files").exists()  # --no-files
    not_found = page(out / "404.html")
    assert all(h.startswith("https://archive.example.org/c/")
               for h in not_found.xpath("//a/@href | //link[@rel='stylesheet']/@href"))


# --------------------------------------------------------------------------- escaping


def test_a_hostile_record_stays_text_everywhere(site):
    _, out = site
    for path in (out / "index.html", out / "records" / f"{HOSTILE_ID}.html"):
        raw = path.read_text(encoding="utf-8")
        doc = lxml.html.fromstring(raw)
        # only our own scripts, and no element the record smuggled in
        for script in doc.xpath("//script"):
            assert script.get("src") in ("static/search.js", "static/catalog.js",
                                         "../static/catalog.js") \
                or script.get("type") == "application/ld+json", lxml.html.tostring(script)
        assert not doc.xpath("//b | //img | //i[contains(., 'A&B')]")
        assert "<script>alert" not in raw and "<b>Bold" not in raw
    doc = page(out / "records" / f"{HOSTILE_ID}.html")
    assert doc.xpath("string(//h1)") == HOSTILE_TITLE
    assert metas(doc, "citation_title") == [HOSTILE_TITLE]
    assert metas(doc, "citation_author") == [f"{HOSTILE_FAMILY}, A&B <i>"]
    assert doc.xpath("string(/html/head/title)").startswith(HOSTILE_TITLE)
    (ld,) = doc.xpath("//script[@type='application/ld+json']/text()")
    assert "<" not in ld and ">" not in ld and "&" not in ld
    assert json.loads(ld)["name"] == HOSTILE_TITLE
    # the Cite box: the renderer's markup only (<i> for the title), the record's text as text
    apa = doc.xpath("//div[@id='cite-apa']")[0]
    assert HOSTILE_FAMILY in apa.text_content() and "<script>alert(1)</script>" in \
        apa.text_content()
    assert {e.tag for e in apa.iter()} <= {"div", "i", "span"}
    index = page(out / "index.html")
    (row,) = index.xpath("//tr[@data-id=$i]", i=HOSTILE_ID)
    assert row.xpath("string(td[1])") == HOSTILE_TITLE
    assert HOSTILE_FAMILY.upper() not in row.xpath("string(td[2])")
    assert HOSTILE_FAMILY in row.xpath("string(td[2])")
    # the search data cannot close its script either
    js = (out / "static" / "search.js").read_text(encoding="utf-8")
    assert "</script" not in js.lower() and "<" not in js
    data = json.loads(js.removeprefix("window.CATALOG_SEARCH = ").rstrip().rstrip(";"))
    assert "alert(1)" in data[HOSTILE_ID][0]


# --------------------------------------------------------------------------- pages


def test_index_lists_live_records_with_search_data(site):
    _, out = site
    doc = page(out / "index.html")
    ids = doc.xpath("//table[@id='catalog']/tbody/tr/@data-id")
    assert sorted(ids) == sorted([SEED_ID, HOSTILE_ID, OTHER_ID])  # not the removed one
    assert doc.xpath("//select[@id='series']/option/@value") == [
        "", "<Series> & Co", "GFJ Commentary", "JFIR Commentary"]
    headers = doc.xpath("//table[@id='catalog']/thead//th")
    assert [h.text_content() for h in headers] == ["Title", "Authors", "Date", "Series"]
    assert all(h.xpath("button[@type='button']") for h in headers)  # keyboard reachable
    assert doc.xpath("string(//*[@id='count'])").strip() == "3 of 3 records"
    for href in doc.xpath("//tbody//a/@href"):
        assert (out / href).is_file()
    js = (out / "static" / "search.js").read_text(encoding="utf-8")
    data = json.loads(js.removeprefix("window.CATALOG_SEARCH = ").rstrip().rstrip(";"))
    # case and diacritics folded: "Sørensen", "Ærø", "Détente" are found as typed plainly
    assert "aero sorensen" in data[OTHER_ID][0] and "detente" in data[OTHER_ID][0]
    assert "northern territories" in data[SEED_ID][0]


def test_removed_record_page_and_not_found_page(site):
    root, out = site
    doc = page(out / "records" / f"{REMOVED_ID}.html")
    text = doc.text_content()
    assert "was removed on" in text and "A withdrawn piece" in text
    import yaml

    tomb = yaml.safe_load((root / "deleted" / REMOVED_ID / "tombstone.yaml").read_text())
    assert str(tomb["deleted"])[:10] in text
    assert not [m for m in doc.xpath("//meta/@name") if m.startswith(("citation_", "DC."))]
    assert not doc.xpath("//script[@type='application/ld+json']")
    from archive import catalog
    from archive.store import Archive

    cat = catalog.load(Archive.open(root))
    served = lxml.html.fromstring(Renderer(cat, root).not_found_html("/"))
    hrefs = served.xpath("//a/@href | //link[@rel='stylesheet']/@href")
    assert hrefs and all(h.startswith("/") for h in hrefs)


# --------------------------------------------------------------------------- validity


def test_pages_pass_the_nu_html_checker(site):
    reason = sitekit.vnu_missing()
    if reason:
        skip_or_fail(reason)
    _, out = site
    paths = [out / "index.html", out / "404.html", out / "records" / f"{SEED_ID}.html",
             out / "records" / f"{HOSTILE_ID}.html", out / "records" / f"{OTHER_ID}.html",
             out / "records" / f"{REMOVED_ID}.html"]
    messages = sitekit.vnu_messages(paths)
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == [], json.dumps(errors, indent=1)[:3000]


# --------------------------------------------------------------------------- the CLI


def test_out_that_is_a_file_is_refused(tmp_path):
    root = sitekit.make_archive(tmp_path)
    out = tmp_path / "afile"
    out.write_text("mine\n")
    proc = sitekit.build_site(root, out)
    assert proc.returncode == 1
    assert f"OUT {out}: is a file" in proc.stderr
    assert_no_traceback(proc.stderr)
    assert out.read_text() == "mine\n"


def test_a_foreign_folder_is_refused_untouched(tmp_path):
    root = sitekit.make_archive(tmp_path)
    out = tmp_path / "photos"
    out.mkdir()
    (out / "cat.jpg").write_bytes(b"meow")
    proc = sitekit.build_site(root, out)
    assert proc.returncode == 1
    assert "not a catalog built by `archive site`" in proc.stderr and str(out) in proc.stderr
    assert_no_traceback(proc.stderr)
    assert [p.name for p in out.iterdir()] == ["cat.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arch", "commentary.pdf",
                                                         "commentary.txt", "photos"]


def test_rebuild_replaces_a_previous_catalog(tmp_path):
    root = sitekit.make_archive(tmp_path)
    out = tmp_path / "pub"
    out.mkdir()  # an empty folder is fine
    assert sitekit.build_site(root, out).returncode == 0
    (out / "records" / "stale.html").write_text("left from before")
    from archive.store import Archive

    Archive.open(root).add({"id": "new-2024-record", "title": "A new record",
                            "authors": [{"family": "Ōta", "given": "Ken"}], "issued": "2024"})
    proc = sitekit.build_site(root, out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "records" / "new-2024-record.html").is_file()
    assert not (out / "records" / "stale.html").exists()  # replaced whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arch", "commentary.pdf",
                                                         "commentary.txt", "pub"]


def test_a_damaged_archived_file_refuses_the_build_and_keeps_the_previous(tmp_path):
    root = sitekit.make_archive(tmp_path)
    out = tmp_path / "pub"
    assert sitekit.build_site(root, out).returncode == 0
    before = tree(out)
    damaged = root / "records" / SEED_ID / "commentary.txt"
    damaged.write_bytes(damaged.read_bytes() + b"tampered")
    proc = sitekit.build_site(root, out)
    assert proc.returncode == 1
    assert f"records/{SEED_ID}/commentary.txt" in proc.stderr and "sha256" in proc.stderr
    assert_no_traceback(proc.stderr)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arch", "commentary.pdf",
                                                         "commentary.txt", "pub"]
    # without the files, the catalog builds (the pages still list them)
    proc = sitekit.build_site(root, out, "--no-files")
    assert proc.returncode == 0, proc.stderr


def test_a_bad_base_url_is_refused(tmp_path):
    root = sitekit.make_archive(tmp_path)
    proc = sitekit.build_site(root, tmp_path / "pub", "--base-url", "ftp://example.org")
    assert proc.returncode == 1
    assert "--base-url: 'ftp://example.org' is not an http(s) address" in proc.stderr
    assert not (tmp_path / "pub").exists()


@pytest.mark.parametrize("inside", ["records/pub", "deleted", ".archive/site"])
def test_out_inside_the_archive_is_refused(tmp_path, inside):
    root = sitekit.make_archive(tmp_path)

    def files() -> list[str]:  # the archive's files (the search index may be refreshed)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                      if not str(p.relative_to(root)).startswith(".archive/index"))

    before = files()
    proc = sitekit.build_site(root, root / inside)
    assert proc.returncode == 1 and "inside the archive's" in proc.stderr, proc.stderr
    assert_no_traceback(proc.stderr)
    assert files() == before


def test_a_record_that_is_not_valid_refuses_the_build_or_is_named(tmp_path):
    """A catalog never leaves a record out in silence: an invalid record refuses the build
    (naming it), or with --skip-invalid is left out and named."""
    root = sitekit.make_archive(tmp_path)
    bad = root / "records" / "broken-2022"
    bad.mkdir()
    (bad / "record.yaml").write_text("id: broken-2022\ntype: report\ntitle: Broken\n"
                                     "issued: 2022-02-30\n", encoding="utf-8")
    out = tmp_path / "pub"
    proc = sitekit.build_site(root, out)
    assert proc.returncode == 1
    assert "broken-2022" in proc.stderr and "--skip-invalid" in proc.stderr
    assert_no_traceback(proc.stderr)
    assert not out.exists()
    proc = sitekit.build_site(root, out, "--skip-invalid")
    assert proc.returncode == 0, proc.stderr
    assert "left out 1 record(s) that are not valid: broken-2022" in proc.stderr
    assert not (out / "records" / "broken-2022.html").exists()
    assert (out / "records" / f"{SEED_ID}.html").is_file()
    assert "broken-2022" not in (out / "index.html").read_text(encoding="utf-8")


def test_workers_write_the_same_site_as_one_process(tmp_path, monkeypatch):
    """The parallel path (forked workers, one batch each) gives the same bytes as the
    serial one."""
    from archive.store import Archive

    root = sitekit.make_archive(tmp_path)
    archive = Archive.open(root)
    serial = site_build.build(archive, tmp_path / "one", workers=1)
    monkeypatch.setattr(site_build, "BATCH", 1)
    parallel = site_build.build(archive, tmp_path / "two", workers=2)
    assert (serial.records, serial.files, serial.bytes) == \
        (parallel.records, parallel.files, parallel.bytes) == (3, 2, serial.bytes)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    # a damaged file is named from a worker too, and nothing is left behind
    (root / "records" / SEED_ID / "commentary.pdf").write_bytes(b"not the pdf")
    from archive.errors import ArchiveError

    with pytest.raises(ArchiveError, match=f"records/{SEED_ID}/commentary.pdf"):
        site_build.build(archive, tmp_path / "two", workers=2)
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- varied records


@pytest.fixture(scope="module")
def varied_site(tmp_path_factory):
    """The thirty hard records of tests/data/varied-records.yaml (translations, corporate
    authors, particles, CJK titles, missing dates...), imported with the real CLI."""
    from tests.readers import VARIED

    base = tmp_path_factory.mktemp("varied")
    root = base / "arch"
    assert run_archive("init", str(root)).returncode == 0
    proc = run_archive("--root", str(root), "import", str(VARIED))
    assert proc.returncode == 0, proc.stderr
    out = base / "pub"
    proc = sitekit.build_site(root, out)
    assert proc.returncode == 0, proc.stderr
    return root, out


def test_varied_records_pages_carry_their_metadata(varied_site):
    from archive.site.pages import inverted_name
    from tests.readers import varied_records

    _, out = varied_site
    records = varied_records()
    assert len(records) >= 25
    index = lxml.html.fromstring((out / "index.html").read_bytes())
    assert len(index.xpath("//table[@id='catalog']/tbody/tr")) == len(records)
    for data in records:
        doc = lxml.html.fromstring((out / "records" / f"{data['id']}.html").read_bytes())

        def meta(name: str, doc=doc) -> list[str]:
            return doc.xpath(f"//meta[@name='{name}']/@content")

        title = data["title"] + (": " + data["subtitle"] if data.get("subtitle") else "")
        assert meta("citation_title") == [title], data["id"]
        people = [a for a in data.get("authors") or []]
        assert meta("citation_author") == [inverted_name(a) for a in people], data["id"]
        for a in people:  # "Family, Given" for people: what Zotero splits on the comma
            if "family" in a and a.get("given"):
                family, _, given = inverted_name(a).partition(", ")
                assert family.endswith(a["family"]) and given.startswith(a["given"])
        if data.get("issued"):
            assert meta("citation_publication_date") == [data["issued"]]
        extra = meta("z.extra")
        if (data.get("original") or {}).get("issued"):
            assert extra and f"Original Date: {data['original']['issued']}" in extra[0]
        assert meta("DC.type") == [] and not doc.xpath("//*[contains(@class, 'Z3988')]")
        ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
        assert ld["name"] == data["title"]
        # the Cite box has every style, each with text
        for style in ("apa", "chicago", "mla", "harvard", "ieee", "vancouver"):
            cite = doc.get_element_by_id(f"cite-{style}")
            assert cite.text_content().strip(), (data["id"], style)


def test_varied_records_pages_pass_the_nu_html_checker(varied_site):
    reason = sitekit.vnu_missing()
    if reason:
        skip_or_fail(reason)
    _, out = varied_site
    paths = sorted((out / "records").glob("*.html")) + [out / "index.html"]
    messages = sitekit.vnu_messages(paths)
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == [], json.dumps(errors, indent=1)[:3000]


@pytest.mark.parametrize("value, html", [
    ("2022-06-01", '<time datetime="2022-06-01">2022-06-01</time>'),
    ("2022", '<time datetime="2022">2022</time>'),
    ("2020-01/2020-03",
     '<time datetime="2020-01">2020-01</time>/<time datetime="2020-03">2020-03</time>'),
    ("2026-11-27T16:40:00Z", '<time datetime="2026-11-27T16:40:00Z">2026-11-27T16:40:00Z</time>'),
    ("<b>soon</b>", "&lt;b&gt;soon&lt;/b&gt;"),
    ("", ""),
])
def test_dates_become_time_elements_only_where_html_allows(value, html):
    from archive.site.pages import time_element

    assert str(time_element(value)) == html


@pytest.mark.parametrize("text, fallback, lang", [
    ("常盤伸", "ja", "ja"),        # Han alone: the original's language
    ("常盤伸", None, None),        # Han alone, nothing to tell: no lang rather than a guess
    ("王毅", "zh-CN", "zh"),
    ("김정은", None, "ko"),        # Hangul
    ("ときわ しん", "zh", "ja"),   # kana
    ("Tokiwa", "ja", "ja"),       # Latin with a CJK original: the fallback
    ("Tokiwa", "de", None),
])
def test_names_in_their_own_script_get_the_right_lang(text, fallback, lang):
    from archive.site.pages import script_language

    assert script_language(text, fallback) == lang
