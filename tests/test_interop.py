"""Acceptance: our exports, read by the software that really reads them.

About thirty hard records (tests/data/varied-records.yaml) are imported into a fresh
archive with the real CLI and exported with ``archive export --all --format F -o FILE``.
Each export is then read back by its real readers, and every record must come through:

- bibtex: pandoc and citation.js; biblatex: pandoc, citation.js and biber's data-model
  validation; ris: citation.js; csl-json: pandoc and citation.js. Each reader reads every
  entry without error or warning, and for every record gives the title, every author
  (family and given; organizations whole), the year and month of issue, and, where the
  format carries them (its module's ``CARRIES``), the translators and the original's date.
- oai_dc, dcterms, marcxml: valid against the official schemas (tests/xmlschemas.py, local
  files, no network); dc-rdf, dc-turtle, schemaorg: rdflib parses them (JSON-LD with the
  schema.org context from ../shared/schemas, offline) and the titles and names are there.

The expected values come from the records themselves, never from our own output. A missing
reader skips with the reason (a failure under ``ARCHIVE_REQUIRE_ORACLE=1``, as in CI); the
official schemas live in the shared folder beside the repository and skip without it. Some
tests prove that the readers' plumbing (tests/readers.py) can fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from archive import dates
from archive.citations import join_title
from tests.conftest import SHARED, assert_no_traceback
from tests.readers import (
    VARIED,
    ReaderError,
    Reading,
    biber_missing,
    biber_validate,
    citationjs_missing,
    citationjs_read,
    pandoc_missing,
    pandoc_read,
    require,
    varied_records,
)

SCHEMAORG_CONTEXT = SHARED / "schemas" / "schemaorgcontext.jsonld"
READERS = {"pandoc": (pandoc_missing, pandoc_read),
           "citation.js": (citationjs_missing, citationjs_read)}
READ_BY = [("bibtex", "pandoc"), ("bibtex", "citation.js"),
           ("biblatex", "pandoc"), ("biblatex", "citation.js"),
           ("ris", "citation.js"),
           ("csl-json", "pandoc"), ("csl-json", "citation.js")]
XML_FORMATS = ["oai_dc", "dcterms", "marcxml"]
RDF_FORMATS = {"dc-rdf": "xml", "dc-turtle": "turtle", "schemaorg": "json-ld"}
SUFFIX = {"bibtex": ".bib", "biblatex": ".bib", "ris": ".ris", "csl-json": ".json",
          "oai_dc": ".xml", "dcterms": ".qdc.xml", "marcxml": ".marcxml", "dc-rdf": ".rdf",
          "dc-turtle": ".ttl", "schemaorg": ".jsonld"}
#: CSL-JSON as the CSL 1.0.2 schema names it: what the direct plumbing check expects
CSL_CARRIES = {"title": "title", "authors": "author", "translators": "translator",
               "issued": "issued", "original.issued": "original-date"}


def _need(reader: str) -> None:
    require(READERS[reader][0]())


def _read(reader: str, path: Path, fmt: str) -> Reading:
    _need(reader)
    return READERS[reader][1](path, fmt)


# --------------------------------------------------------------------------- expectations


#: straight quotes a reader may print typographic: pandoc "smartens" ' and " in what it reads
#: (CSL-JSON: both; BibTeX: the apostrophe), as CSL processors do in what they print
SMART = {"'": "’‘", '"': "“”"}


def same_text(ours: Any, theirs: Any, smart: bool) -> bool:
    """Whether a reader gave our text back; with ``smart`` (pandoc), a straight quote of
    ours may come back typographic, and nothing else may differ."""
    if ours == theirs:
        return True
    if smart and isinstance(ours, str) and isinstance(theirs, str):
        ours, theirs = _pandoc_rich_text(ours), _pandoc_rich_text(theirs)
    if not (smart and isinstance(ours, str) and isinstance(theirs, str)
            and len(ours) == len(theirs)):
        return False
    return all(a == b or b in SMART.get(a, "") for a, b in zip(ours, theirs))


def _pandoc_rich_text(text: str) -> str:
    """CSL rich text as pandoc gives it back, written one way: pandoc drops the
    `<span class="nocase">` of a CSL-JSON title (its own model keeps the case), writes
    `<sc>` as a small-caps span, and puts a narrow no-break space inside « »."""
    text = re.sub(r'<span class="nocase">(.*?)</span>', r"\1", text)
    text = re.sub(r'<span style="font-variant:\s*small-caps;?">(.*?)</span>', r"<sc>\1</sc>",
                  text)
    return re.sub(r"(«)[ \u00a0\u202f]|[ \u00a0\u202f](»)", r"\1\2", text)


def expected_titles(record: dict[str, Any], carries: dict[str, str]) -> set[str]:
    """The titles a reader may rightly give: "Title: Subtitle" as join_title makes it; when
    the format carries the subtitle apart, the reader joins them, and citation.js always
    joins with ": " (pandoc as join_title does)."""
    title, subtitle = record["title"], record.get("subtitle")
    titles = {join_title(title, subtitle)}
    if subtitle and "subtitle" in carries:
        titles.add(f"{title}: {subtitle}")
    return titles


def _family(name: dict[str, Any], sep: str) -> str:
    parts = [name.get(f"dropping{sep}particle"), name.get(f"non{sep}dropping{sep}particle"),
             name.get("family")]
    return " ".join(str(p) for p in parts if p)


def name_problem(ours: dict[str, Any], theirs: dict[str, Any], smart: bool) -> str | None:
    """What differs between one of our agents and a reader's CSL name, or None.

    A particle may come back as dropping or non-dropping (BibTeX has no such distinction),
    so particles and family are compared as one; an organization must stay whole, as a
    literal or (citation.js's reading of a braced name) as a family without given name.
    """
    if "organization" in ours:
        org = ours["organization"]
        if same_text(org, theirs.get("literal"), smart) or (
                same_text(org, theirs.get("family"), smart) and not theirs.get("given")):
            return None
        return f"organization {org!r} read as {theirs}"
    want = (_family(ours, "_"), ours.get("given"), ours.get("suffix"))
    got = (_family(theirs, "-"), theirs.get("given"), theirs.get("suffix"))
    if not all(same_text(a, b, smart) for a, b in zip(want, got)):
        return f"person (family, given, suffix) {want} read as {got} from {theirs}"
    return None


def names_problems(what: str, ours: list[dict], theirs: Any, smart: bool) -> list[str]:
    if not isinstance(theirs, list):
        return [f"{what}: {len(ours)} expected, reader gave {theirs!r}"]
    if len(ours) != len(theirs):
        return [f"{what}: {len(ours)} expected, reader gave {len(theirs)}: {theirs}"]
    found = [name_problem(a, b, smart) for a, b in zip(ours, theirs)]
    return [f"{what}[{i}]: {p}" for i, p in enumerate(found) if p]


def date_parts(item: dict[str, Any], key: str) -> list[list[int]] | Any:
    """The reader's date as date-parts of ints, or what it gave instead (None, a raw or
    literal date: not a date a CSL processor is sure to understand)."""
    value = item.get(key)
    if isinstance(value, dict) and isinstance(value.get("raw"), str):
        # CSL-JSON allows a raw date that processors parse (citation.js leaves RIS dates of
        # some types raw): it counts when it is an unambiguous numeric Y/M/D date
        m = re.fullmatch(r"(\d{4})(?:[/-](\d{1,2}))?(?:[/-](\d{1,2}))?/?", value["raw"].strip())
        if m:
            return [[int(p) for p in m.groups() if p]]
    if not isinstance(value, dict) or not value.get("date-parts"):
        return value
    return [[int(p) for p in end] for end in value["date-parts"]]


def date_problem(what: str, ours: str, theirs: list[list[int]] | Any, depth: int) -> str | None:
    """Compare ``depth`` parts (2: year and month) of each end the reader gives; the start
    is required, the end of an interval may be left out by a reader but not be wrong."""
    want = [end[:depth] for end in dates.to_parts(ours)]
    if not isinstance(theirs, list):
        return f"{what}: {ours} expected, reader gave {theirs!r}"
    got = [end[:depth] for end in theirs]
    if got[0] != want[0] or (len(got) > 1 and got[1:] != want[1:len(got)]):
        return f"{what}: {ours} expected, reader gave {theirs}"
    return None


def _carried_field_unread(carried_as: str, unread: set[str]) -> bool:
    """Whether the reader does not read a field the format puts ours in (read.js says so,
    for the entry's type): when the reader then gives nothing for it, that is its limit."""
    fields = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", carried_as))
    return bool({f.lower() for f in fields} & {u.lower() for u in unread})


def record_problems(record: dict[str, Any], item: dict[str, Any], carries: dict[str, str],
                    unread: set[str], limits: list[str], smart: bool) -> list[str]:
    """Everything a reader got wrong about one record (empty when it is all there)."""
    problems = []
    title = item.get("title")
    if not any(same_text(t, title, smart) for t in expected_titles(record, carries)):
        problems.append(f"title: {sorted(expected_titles(record, carries))} expected, "
                        f"reader gave {title!r}")
    reporter = item.get("reporter")
    if (not item.get("author") and isinstance(reporter, str) and record.get("authors")
            and record.get("type") == "op-ed"):
        # RIS NEWS: the spec names AU "Reporter", and citation.js keeps it as a plain
        # "reporter" string; the names must all be there, the loss of structure is its limit
        missing = [a.get("family") or a.get("organization") for a in record["authors"]
                   if (a.get("family") or a.get("organization")) not in reporter]
        if missing:
            problems.append(f"author: {missing} not in the reporter {reporter!r}")
        else:
            limits.append(f"{record['id']}: authors read as a plain 'reporter' string "
                          f"{reporter!r} (NEWS)")
    else:
        problems += names_problems("author", record.get("authors", []),
                                   item.get("author", []), smart)
    if record.get("issued"):
        problems.append(date_problem("issued", record["issued"], date_parts(item, "issued"), 2))
    checks = [("translators", bool(record.get("translators"))),
              ("original.issued", bool((record.get("original") or {}).get("issued")))]
    for ours, present in checks:
        if not present or ours not in carries:
            continue
        variable = "translator" if ours == "translators" else "original-date"
        if (variable == "original-date" and variable not in item
                and record["original"]["issued"] in str(item.get("note", ""))):
            # RIS has no tag for the original's date that every reader reads: the
            # translation note carries it as text, which the reader kept
            limits.append(f"{record['id']}: original date kept only in the note")
            continue
        if variable not in item and _carried_field_unread(carries[ours], unread):
            limits.append(f"{record['id']}: {ours} (in {carries[ours]}) is not read by the "
                          "reader for this entry type")
            continue
        if ours == "translators":
            problems += names_problems("translator", record["translators"],
                                       item.get("translator"), smart)
        else:
            problems.append(date_problem("original-date", record["original"]["issued"],
                                         date_parts(item, "original-date"), 3))
    return [p for p in problems if p]


def match(records: list[dict], items: list[dict], carries: dict[str, str], smart: bool
          ) -> tuple[list[tuple[dict, int]], list[str]]:
    """Pairs (record, item position): by id where the reader gives our ids (citation keys,
    CSL ids, RIS ID), else by title; and what could not be matched."""
    by_id = {item.get("id"): i for i, item in enumerate(items) if item.get("id")}
    pairs, problems, used = [], [], set()
    for record in records:
        pos = by_id.get(record["id"])
        if pos is None:
            titles = expected_titles(record, carries)
            pos = next((i for i, item in enumerate(items)
                        if i not in used
                        and any(same_text(t, item.get("title"), smart) for t in titles)), None)
        if pos is None:
            problems.append(f"{record['id']}: no entry with its id or title "
                            f"{sorted(expected_titles(record, carries))}")
            continue
        used.add(pos)
        pairs.append((record, pos))
    extra = [items[i].get("id") or items[i].get("title") for i in range(len(items))
             if i not in used]
    if extra:
        problems.append(f"entries that are none of our records: {extra}")
    return pairs, problems


def check_reading(fmt: str, reader: str, reading: Reading, records: list[dict],
                  carries: dict[str, str], translators_elsewhere: set[str] = frozenset()
                  ) -> None:
    """Assert the reader read every record, without warning, with everything intact."""
    assert not reading.warnings, f"{reader} warned reading our {fmt}:\n" + "\n".join(
        reading.warnings)
    assert len(reading.items) == len(records), (
        f"{reader} read {len(reading.items)} entries from our {fmt}, we exported {len(records)}")
    smart = reader == "pandoc"
    pairs, problems = match(records, reading.items, carries, smart)
    unread = reading.unread()
    limits: list[str] = []
    for record, pos in pairs:
        item = reading.items[pos]
        if record["id"] in translators_elsewhere and "translator" not in item:
            limits.append(f"{record['id']}: translators in namea (nameatype translator)")
            item = {**item, "translator": [_csl_name(a) for a in record["translators"]]}
        for p in record_problems(record, item, carries, unread.get(pos, set()),
                                 limits, smart):
            problems.append(f"{record['id']}: {p}")
    if limits:
        print(f"{reader} on {fmt}: not read by this reader (its limit, not checked):\n  "
              + "\n  ".join(limits))
    assert not problems, f"{reader} on our {fmt}:\n  " + "\n  ".join(problems)


def _csl_name(agent: dict[str, Any]) -> dict[str, Any]:
    if "organization" in agent:
        return {"literal": agent["organization"]}
    return {k.replace("_", "-"): v for k, v in agent.items()
            if k in ("family", "given", "suffix", "dropping_particle", "non_dropping_particle")}


# --------------------------------------------------------------------------- the archive


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return varied_records()


@pytest.fixture(scope="module")
def exported(tmp_path_factory, records):
    """export(fmt) -> the file ``archive export --all --format fmt -o FILE`` wrote, from
    an archive into which the real CLI imported varied-records.yaml (made once)."""
    from typer.testing import CliRunner

    from archive.cli import app
    from archive.store import init

    base = tmp_path_factory.mktemp("interop")
    root = init(base / "arch")
    runner = CliRunner()
    res = runner.invoke(app, ["--root", str(root), "import", str(VARIED)])
    assert_no_traceback(res.stderr)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.split() == [r["id"] for r in records]
    done: dict[str, Path] = {}

    def export(fmt: str) -> Path:
        if fmt in done:
            return done[fmt]
        out = base / f"export-{fmt}{SUFFIX[fmt]}"
        res = runner.invoke(app, ["--root", str(root), "export", "--all", "--format", fmt,
                                  "-o", str(out)])
        if res.exception and not isinstance(res.exception, SystemExit):
            raise res.exception
        assert_no_traceback(res.stderr)
        assert res.exit_code == 0, res.stderr
        assert out.is_file() and out.stat().st_size > 0, f"export {fmt} wrote nothing"
        done[fmt] = out
        return out

    return export


# --------------------------------------------------------------------------- the readers


@pytest.mark.parametrize("fmt,reader", READ_BY)
def test_reader_reads_every_record_intact(fmt, reader, exported, records):
    from archive import formats

    path = exported(fmt)
    check_reading(fmt, reader, _read(reader, path, fmt), records, formats.get(fmt).carries,
                  _translators_in_namea(path, records) if fmt == "biblatex" else set())


def _translators_in_namea(path: Path, records: list[dict]) -> set[str]:
    """Ids of the BibLaTeX entries that carry their translators as ``namea`` with
    ``nameatype = {translator}``: biber's data model has no translator field for @report,
    @thesis, @online and @misc, and this is where biblatex puts a name in another role.
    pandoc and citation.js do not read namea: that is their limit. The names must be there."""
    text = path.read_text(encoding="utf-8")
    by_id = {r["id"]: r for r in records}
    out = set()
    for key, body in re.findall(r"@\w+\{([^,]+),\n(.*?)\n\}", text, re.S):
        if "nameatype = {translator}" in body:
            namea = re.search(r"namea = \{(.*)\},", body).group(1).replace("\\&", "&")
            for agent in by_id[key].get("translators", []):
                assert (agent.get("family") or agent.get("organization")) in namea, (key, namea)
            out.add(key)
    return out


#: biber's mandatory fields -> the fields of ours they are made from
BIBER_SOURCES = {"date": ("issued",), "year": ("issued",), "author": ("authors",),
                 "editor": ("editors",), "institution": ("publisher",),
                 "publisher": ("publisher",), "journaltitle": ("container_title",),
                 "booktitle": ("container_title",), "url": ("url",)}


def _allowed_biber_warning(line: str, records: dict[str, dict]) -> bool:
    """A missing mandatory field is no fault of the export when the record has nothing to
    put there (no author, no date...); every other warning is (title and type are always
    there to write)."""
    m = re.match(r"Datamodel: Entry '([^']+)' \([^)]*\): Missing mandatory field"
                 r"(?: - one of)? '([^']+)'", line)
    if not m or m.group(1) not in records:
        return False
    record = records[m.group(1)]
    fields = [f.strip() for f in m.group(2).split(",")]
    return all(f in BIBER_SOURCES and not any(record.get(o) for o in BIBER_SOURCES[f])
               for f in fields)


def test_biber_finds_no_datamodel_warning_in_our_biblatex(exported, records):
    require(biber_missing())
    path = exported("biblatex")
    by_id = {r["id"]: r for r in records}
    warnings = [w for w in biber_validate(path) if not _allowed_biber_warning(w, by_id)]
    assert not warnings, "biber --validate-datamodel on our BibLaTeX:\n  " + "\n  ".join(warnings)


def _texts_problems(fmt: str, texts: set[str], records: list[dict]) -> list[str]:
    """Each record's title, its authors' family names (organizations whole) and its year
    must appear among the document's texts or literals (in a text, for names and years)."""
    blob = "\n".join(texts)
    problems = []
    for r in records:
        if not ({r["title"], join_title(r["title"], r.get("subtitle"))} & texts):
            problems.append(f"{r['id']}: title {r['title']!r} not found")
        for agent in r.get("authors", []):
            name = agent.get("organization") or agent["family"]
            if name not in blob:
                problems.append(f"{r['id']}: author {name!r} not found")
        if r.get("issued") and r["issued"][:4] not in blob:
            problems.append(f"{r['id']}: year {r['issued'][:4]} not found")
    return [f"{fmt}: {p}" for p in problems]


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_xml_export_is_valid_against_its_official_schema(fmt, exported, records):
    from lxml import etree

    from tests import xmlschemas

    path = exported(fmt)
    data = path.read_bytes()
    problems = xmlschemas.validate(data, fmt)
    assert not problems, f"{fmt} export is not valid: {problems}"
    doc = etree.fromstring(data)
    texts = {(t or "").strip() for el in doc.iter() for t in (el.text, el.tail)} - {""}
    # MARC ends a subfield with ISBD punctuation ("Title :", "Title /", "Title."): the
    # title is what comes before it
    texts |= {re.sub(r"\s*[:/;=,.]$", "", t) for t in texts}
    found = _texts_problems(fmt, texts, records)
    assert not found, "\n".join(found)


def _offline_jsonld(text: str) -> str:
    """The JSON-LD with every schema.org context reference replaced by the local copy of
    the schema.org context, so that rdflib never fetches it."""
    if not SCHEMAORG_CONTEXT.is_file():  # the shared folder is not ours to ship
        pytest.skip(f"schema.org context: {SCHEMAORG_CONTEXT} is missing")
    local = json.loads(SCHEMAORG_CONTEXT.read_text(encoding="utf-8"))["@context"]

    def swap(ctx: Any) -> Any:
        if isinstance(ctx, str) and re.match(r"https?://schema\.org/?$", ctx):
            return local
        if isinstance(ctx, list):
            return [swap(c) for c in ctx]
        return ctx

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: swap(v) if k == "@context" else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(n) for n in node]
        return node

    return json.dumps(walk(json.loads(text)))


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdf_export_parses_and_says_what_the_records_say(fmt, exported, records, monkeypatch):
    import urllib.request

    import rdflib.parser
    from rdflib import Graph, Literal

    path = exported(fmt)
    text = path.read_text(encoding="utf-8")
    if fmt == "schemaorg":
        text = _offline_jsonld(text)

    def no_network(*args, **kwargs):
        raise AssertionError(f"rdflib tried to fetch {args[:1]} while parsing our {fmt}")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(rdflib.parser, "_urlopen", no_network)  # what rdflib fetches with
    graph = Graph()
    graph.parse(data=text, format=RDF_FORMATS[fmt])
    assert len(graph) > 0, f"{fmt}: no triples"
    literals = {str(o).strip() for o in graph.objects() if isinstance(o, Literal)}
    found = _texts_problems(fmt, literals, records)
    assert not found, "\n".join(found)


# --------------------------------------------------------------------------- plumbing

#: what the first tests write by hand: one report, its title, author, dates and translator
HAND = {"id": "hand-1", "type": "report", "title": "A hand-written report",
        "author": [{"family": "Tokiwa", "given": "Shin"}, {"literal": "The Global Forum of Japan"}],
        "translator": [{"family": "Ellis", "given": "Margaret"}],
        "issued": {"date-parts": [[2022, 6, 1]]},
        "original-date": {"date-parts": [[2022, 5, 19]]}}
HAND_RECORD = {"id": "hand-1", "type": "report", "title": "A hand-written report",
               "authors": [{"family": "Tokiwa", "given": "Shin"},
                           {"organization": "The Global Forum of Japan"}],
               "translators": [{"family": "Ellis", "given": "Margaret"}],
               "issued": "2022-06-01", "original": {"issued": "2022-05-19"}}
VALID_BIB = """@book{good,
  author = {Nakamura, Kenji},
  title = {Maritime order},
  translator = {Carter, Ruth},
  publisher = {Harbourside},
  date = {2016},
}
"""


@pytest.mark.parametrize("reader", ["pandoc", "citation.js"])
def test_readers_read_hand_written_csl_json(reader, tmp_path):
    path = tmp_path / "hand.json"
    path.write_text(json.dumps([HAND]), encoding="utf-8")
    reading = _read(reader, path, "csl-json")
    check_reading("csl-json", reader, reading, [HAND_RECORD], CSL_CARRIES)


@pytest.mark.parametrize("reader", ["pandoc", "citation.js"])
def test_the_checks_catch_a_reader_losing_things(reader, tmp_path):
    """The same item with the translator gone and a wrong month: the checks must fail."""
    broken = {**HAND, "issued": {"date-parts": [[2022, 7, 1]]}}
    del broken["translator"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([broken]), encoding="utf-8")
    reading = _read(reader, path, "csl-json")
    with pytest.raises(AssertionError) as failed:
        check_reading("csl-json", reader, reading, [HAND_RECORD], CSL_CARRIES)
    assert "issued: 2022-06-01 expected" in str(failed.value)
    assert "translator: 1 expected" in str(failed.value)


@pytest.mark.parametrize("reader", ["pandoc", "citation.js"])
def test_readers_warn_about_an_unknown_entry_type(reader, tmp_path):
    path = tmp_path / "odd.bib"
    path.write_text(VALID_BIB + "@weirdtype{odd, title = {Odd}, year = {2020}}\n",
                    encoding="utf-8")
    reading = _read(reader, path, "bibtex")
    assert any("odd" in w and ("type" in w) for w in reading.warnings), reading.warnings


@pytest.mark.parametrize("reader", ["pandoc", "citation.js"])
def test_readers_refuse_unbalanced_braces(reader, tmp_path):
    path = tmp_path / "broken.bib"
    path.write_text("@article{a,\n  title = {Unbalanced\n}\n", encoding="utf-8")
    with pytest.raises(ReaderError):
        _read(reader, path, "biblatex")


def test_citationjs_reports_unread_fields_and_a_ris_entry_without_er(tmp_path):
    _need("citation.js")
    bib = tmp_path / "fields.bib"
    bib.write_text(VALID_BIB.replace("date =", "inventedfield = {x},\n  date ="),
                   encoding="utf-8")
    reading = citationjs_read(bib, "biblatex")
    assert reading.warnings == []
    assert reading.unread() == {0: {"inventedfield"}}
    ris = tmp_path / "open.ris"
    ris.write_text("TY  - RPRT\nTI  - No end\nPY  - 2020\n", encoding="utf-8")
    reading = citationjs_read(ris, "ris")
    assert any("no ER" in w for w in reading.warnings), reading.warnings


def test_biber_flags_an_invalid_field_and_passes_a_valid_entry(tmp_path):
    require(biber_missing())
    good = tmp_path / "good.bib"
    good.write_text(VALID_BIB, encoding="utf-8")
    assert biber_validate(good) == []
    bad = tmp_path / "bad.bib"
    bad.write_text(VALID_BIB.replace("@book", "@report").replace(
        "publisher", "institution = {GFJ},\n  type = {Commentary},\n  inventedfield = {x},\n"
        "  publisher"), encoding="utf-8")
    warnings = biber_validate(bad)
    assert any("Field 'inventedfield' invalid in data model" in w for w in warnings), warnings
    # biber's default data model has no translator for @report (README: BibLaTeX)
    assert any("Invalid field 'translator' for entrytype 'report'" in w for w in warnings)
    assert not any(_allowed_biber_warning(w, {"good": HAND_RECORD}) for w in warnings)


def test_varied_records_are_valid_and_cover_the_hard_cases(records):
    from archive.model import TYPES

    assert len(records) >= 30
    assert {r.get("type", "commentary") for r in records} == set(TYPES)
    titles = [join_title(r["title"], r.get("subtitle")) for r in records]
    assert len(set(titles)) == len(titles), "titles must be unique: they match entries"
    people = [a for r in records for a in r.get("authors", []) + r.get("translators", [])]
    assert any(a.get("order") == "family-first" and a.get("original_script") for a in people)
    assert any(a.get("non_dropping_particle") for a in people)
    assert any(a.get("dropping_particle") for a in people)
    assert any(a.get("suffix") for a in people)
    assert any("organization" in a for r in records for a in r.get("translators", []))
    assert any(len(a.get("affiliations", [])) > 1 for a in people)
    assert any("/" in r.get("issued", "") for r in records)
    assert {len(r["issued"]) for r in records if "/" not in r.get("issued", "/")} == {4, 7, 10}
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    for hard in ["%", "&", "$", "#", "_", "{", "}", "~", "^", "\\\\", "“", "<script>",
                 "\"title\": \"=", "\"title\": \"@", "\"title\": \"+", "(SICI)", "日本"]:
        assert hard in text, hard
    assert any(set(r) == {"id", "type", "title"} for r in records), "a minimal record"


def test_csl_json_of_the_records_through_both_readers(records, tmp_path):
    """The CSL-JSON mapping (archive.formats.csljson.data_to_item) read by pandoc and
    citation.js directly, without the export command: the plumbing, on the real records."""
    from archive.formats import csljson

    path = tmp_path / "direct.json"
    path.write_text(json.dumps([csljson.data_to_item(r) for r in records], ensure_ascii=False),
                    encoding="utf-8")
    carries = getattr(csljson, "CARRIES", None) or CSL_CARRIES
    failures = []
    for reader in READERS:
        _need(reader)
        try:
            check_reading("csl-json", reader, _read(reader, path, "csl-json"), records,
                          carries)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)
