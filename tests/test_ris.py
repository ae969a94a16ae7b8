"""RIS: citation.js reads our export; hypothesis round trips; a Zotero-style file imports
into the expected records; bad files are refused with the line named.

citation.js runs from ``tests/interop/node_modules`` (``npm ci --prefix tests/interop``),
or from the folder named by ``ARCHIVE_CITATION_JS_MODULES`` (a development copy).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from archive.citations import join_title
from archive.formats import ris
from archive.formats.base import FormatError
from archive.model import validate_record
from tests.oracle import skip_or_fail
from tests.strategies import agents, iso_date, record_data, text

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "ris"
READ_RIS_JS = DATA / "read_ris.js"
MODULES = Path(os.environ.get("ARCHIVE_CITATION_JS_MODULES")
               or HERE / "interop" / "node_modules")


def load_text(text: str, source: str = "test.ris") -> list:
    return list(ris.load(io.StringIO(text, newline=""), source))


# --------------------------------------------------------------------------- citation.js


def citation_js(text: str) -> list[dict[str, Any]]:
    """citation.js's reading of RIS text: per record its CSL item and its APA entry."""
    if shutil.which("node") is None:
        skip_or_fail("citation.js: node is not installed")
    if not (MODULES / "@citation-js" / "plugin-ris").is_dir():
        skip_or_fail(f"citation.js: {MODULES} has no @citation-js/plugin-ris; run "
                     "`npm ci --prefix tests/interop` or set ARCHIVE_CITATION_JS_MODULES")
    done = subprocess.run(["node", str(READ_RIS_JS)], input=text, capture_output=True,
                          text=True, encoding="utf-8", timeout=120,
                          env={**os.environ, "NODE_PATH": str(MODULES)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


TRANSLATOR = {"family": "Smith", "given": "Jane"}
VARIED = [
    {"id": "tokiwa-2022", "type": "commentary", "title": "Do not be disturbed",
     "subtitle": "Ideal opportunity for breaking away", "issued": "2022-06-01",
     "series": "GFJ Commentary", "publisher": "The Global Forum of Japan",
     "authors": [{"family": "Tokiwa", "given": "Shin", "order": "family-first"}],
     "translators": [TRANSLATOR],
     "original": {"language": "ja", "issued": "2022-05-19", "title": "動じるな",
                  "venue": "e-Forum “Giron-Hyakushutsu”"}},
    {"id": "report-1", "type": "report", "title": "Energy security after 2022",
     "issued": "2023-02", "number": "7", "authors": [{"organization": "The Japan Forum"}]},
    {"id": "oped-1", "type": "op-ed", "title": "Why the talks stopped", "issued": "2022-06-03",
     "container_title": "The Japan Times",
     "authors": [{"family": "Beethoven", "given": "Ludwig", "non_dropping_particle": "van"},
                 {"family": "King", "given": "Martin Luther", "suffix": "Jr."}],
     "translators": [TRANSLATOR], "original": {"issued": "2022-05-30", "title": "原題"}},
    {"id": "article-1", "type": "article", "title": "Fisheries and islands",
     "subtitle": "A study", "issued": "2021-03-15", "container_title": "J. Asian Studies",
     "volume": "12", "issue": "2", "pages": "10-20",
     "authors": [{"family": "Müller", "given": "Jürgen"}, {"family": "Li", "given": "Wei"}],
     "translators": [TRANSLATOR], "original": {"title": "Fischerei", "issued": "2020"}},
    {"id": "blog-1", "type": "blog-post", "title": "Notes from Sapporo", "issued": "2020-10-02",
     "container_title": "Northern blog", "authors": [{"family": "Sato", "given": "Yuki"}]},
    {"id": "web-1", "type": "webpage", "title": "Northern Territories", "issued": "2020-04",
     "authors": [{"organization": "Ministry of Foreign Affairs of Japan"}],
     "url": "https://www.mofa.go.jp/a.html", "accessed": "2024-02-29"},
    {"id": "book-1", "type": "book", "title": "Memoirs of a diplomat", "issued": "2019-05-20",
     "authors": [{"family": "常盤", "given": "伸"}], "translators": [TRANSLATOR],
     "editors": [{"family": "Volume", "given": "Edith"}], "publisher": "Example Press",
     "original": {"title": "外交官の回想", "issued": "2001"}},
    {"id": "chapter-1", "type": "chapter", "title": "The treaty revisited",
     "issued": "2018-11-20", "container_title": "Postwar settlements",
     "editors": [{"family": "Park", "given": "Min-jun"}], "pages": "101-130",
     "authors": [{"family": "Ito", "given": "Hiroshi"}], "translators": [TRANSLATOR]},
    {"id": "interview-1", "type": "interview", "title": "A conversation on Russia",
     "issued": "2022-07-04", "authors": [{"family": "Doe", "given": "John"}]},
    {"id": "speech-1", "type": "speech", "title": "Address to the forum", "issued": "2019-12",
     "authors": [{"family": "Abe", "given": "Shinzo"}]},
    {"id": "thesis-1", "type": "thesis", "title": "Territorial disputes", "issued": "2017",
     "publisher": "University of Tokyo", "genre": "PhD thesis",
     "authors": [{"family": "Suzuki", "given": "Aiko"}]},
]
#: citation.js's reading of the TYs we write (its spec/types.json): SLIDE, Zotero's
#: "presentation" (a speech), is a motion picture there; GEN a document
CITATION_JS_TYPE = {"RPRT": "report", "NEWS": "article-newspaper", "JOUR": "article-journal",
                    "BLOG": "post-weblog", "ELEC": "webpage", "BOOK": "book",
                    "CHAP": "chapter", "GEN": "document", "SLIDE": "motion_picture",
                    "THES": "thesis"}
BOOK_LIKE = {"BOOK", "CHAP"}  # citation.js reads A4 as translator only for these (of ours)
OP_READ = {"JOUR", "BOOK", "CHAP", "GEN"}  # citation.js reads OP as original-title here


def _display(agent: dict[str, Any]) -> tuple[str, str | None]:
    if "organization" in agent:
        return agent["organization"], None
    family = " ".join(x for x in (agent.get("non_dropping_particle"), agent["family"]) if x)
    return family, agent.get("given")


def _csl_names(names: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(n.get("literal") or n.get("family"), n.get("given") or None) for n in names]


def test_citation_js_reads_our_export():
    records = [validate_record(r).to_data() for r in VARIED]
    read = citation_js(ris.dump(records))
    assert len(read) == len(records)
    for data, got in zip(records, read):
        item, apa = got["item"], got["apa"]
        ty = ris.OUR_TO_RIS[data["type"]]
        assert item["type"] == CITATION_JS_TYPE[ty], data["id"]
        assert item["title"] == join_title(data["title"], data.get("subtitle")), data["id"]
        expected = [_display(a) for a in data.get("authors", [])]
        if ty == "NEWS":
            # citation.js follows the RIS spec (AU of NEWS is the reporter) and keeps the
            # names unparsed in `reporter`, one string each
            reporters = item["reporter"] if isinstance(item["reporter"], list) else [
                item["reporter"]]
            assert reporters == [f"{f}, {g}" + (", Jr." if f == "King" else "")
                                 for f, g in expected], data["id"]
        else:
            assert _csl_names(item["author"]) == expected, data["id"]
        for agent, name in zip(data.get("authors", []), item.get("author", [])):
            if agent.get("suffix"):
                assert name["suffix"] == agent["suffix"]
        if ty in ris.PY_FULL_DATE:
            # citation.js takes these types' date from PY alone and keeps it as RIS text;
            # its citation processor reads year, month and day from it
            assert item["issued"] == {"raw": data["issued"].replace("-", "/")}
        else:
            parts = [int(p) for p in data["issued"].split("-")]
            assert item["issued"]["date-parts"][0] == parts, data["id"]
        assert got["issued"] == data["issued"], data["id"]
        assert data["title"] in apa
        if data.get("translators"):
            if ty in BOOK_LIKE:
                assert _csl_names(item["translator"]) == [("Smith", "Jane")], data["id"]
            else:  # the readable translation note is all citation.js keeps of them
                assert "translated by: Smith, Jane" in item["note"], data["id"]
        original = data.get("original") or {}
        if original.get("title") and ty in OP_READ:
            assert item["original-title"] == original["title"], data["id"]
        if original.get("issued"):
            assert f"date: {original['issued']}" in item["note"], data["id"]
        if data.get("editors"):
            key = "editor"
            assert _csl_names(item[key]) == [_display(a) for a in data["editors"]], data["id"]
        if data["type"] == "commentary":
            assert item["collection-title"] == data["series"]


def test_citation_js_reads_the_zotero_style_file_as_we_do():
    """Our expectations for the hand-written file agree with citation.js's reading."""
    text = (DATA / "zotero-style.ris").read_text(encoding="utf-8-sig")
    read = citation_js(text)
    ours = load_text(text)
    assert len(read) == len(ours) == 10
    for got, entry in zip(read, ours):
        item, data = got["item"], entry.data
        assert item["title"] == join_title(data["title"], data.get("subtitle"))
        if "author" in item:
            assert _csl_names(item["author"]) == [_display(a) for a in data["authors"]]
        iso = data["issued"]
        if item["type"] not in ("article-newspaper", "chapter"):  # PY only there
            assert "-".join(f"{p:02d}" if i else str(p) for i, p in
                            enumerate(item["issued"]["date-parts"][0])) == iso


# --------------------------------------------------------------------------- round trips


def _norm_agents(agents_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Names as RIS carries them: particles in the family name; no order flag,
    affiliations or original script."""
    out = []
    for a in agents_:
        if "organization" in a and "family" not in a:
            out.append({"organization": a["organization"]})
            continue
        family, given = _display(a)
        person = {"family": family}
        if given:
            person["given"] = given
        if a.get("suffix"):
            person["suffix"] = a["suffix"]
        out.append(person)
    return out


def _get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _comparable(data: dict[str, Any], path: str) -> Any:
    value = _get(data, path)
    if path in ("authors", "translators", "editors"):
        return _norm_agents(value or [])
    return value


@st.composite
def fuller_record(draw):
    """record_data() plus the fields it leaves out, so that every CARRIES field is tried."""
    data = draw(record_data())
    extra = {
        "place": draw(st.none() | text), "container_title": draw(st.none() | text),
        "volume": draw(st.none() | st.integers(1, 99).map(str)),
        "issue": draw(st.none() | st.integers(1, 12).map(str)),
        "pages": draw(st.none() | st.sampled_from(["12-34", "e101", "iv-x"])),
        "number": draw(st.none() | st.sampled_from(["7", "No. 12"])),
        "edition": draw(st.none() | st.sampled_from(["2", "Revised"])),
        "editors": draw(agents), "notes": draw(st.none() | text),
        "accessed": draw(st.none() | iso_date()), "rights": draw(st.none() | text),
    }
    if data["type"] not in ("commentary", "report", "interview"):  # M3 marks these types
        extra["genre"] = draw(st.none() | text)
    data.update({k: v for k, v in extra.items() if v not in (None, [])})
    if "original" in data and draw(st.booleans()):
        data["original"].update(publisher=draw(text), place=draw(text),
                                url="https://example.jp/原文", title_original_script="原題")
    return data


def _names_without_commas(data: dict[str, Any]) -> bool:
    """RIS names have no escape for a comma ("Family, Given, Suffix"): a comma inside a
    name cannot survive any RIS reader, so the round trip leaves such names out."""
    for key in ("authors", "translators", "editors"):
        for a in data.get(key, []):
            if any("," in str(a.get(k, "")) for k in ("family", "given", "organization")):
                return False
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fuller_record())
def test_round_trip_keeps_every_carried_field(raw):
    assume(_names_without_commas(raw))
    data = validate_record(raw).to_data()
    entries = load_text(ris.dump([data]))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.errors == []
    back = validate_record(entry.data).to_data()
    ty = ris.OUR_TO_RIS[data["type"]]
    for path in ris.CARRIES:
        if (ty, path) in ris.NOT_WRITTEN:
            continue
        assert _comparable(back, path) == _comparable(data, path), path


def test_not_written_fields_are_left_out_not_misplaced():
    data = validate_record({"id": "w", "type": "webpage", "title": "T", "volume": "3"}).to_data()
    text = ris.dump([data])
    assert "VL  -" not in text


def test_seed_record_round_trip_keeps_provenance():
    import yaml

    seed = yaml.safe_load((HERE.parent / "records" / "tokiwa-2022-do-not-be-disturbed"
                           / "record.yaml").read_text(encoding="utf-8"))
    data = validate_record(seed).to_data()
    entry = load_text(ris.dump([data]))[0]
    back = validate_record(entry.data).to_data()
    assert back["type"] == "commentary"
    assert back["original"] == data["original"]
    assert back["title"] == data["title"] and back["subtitle"] == data["subtitle"]
    assert [a["family"] for a in back["authors"]] == ["Tokiwa"]
    orgs = [x["organization"] for x in back["authors"][0]["affiliations"]]
    assert orgs[0] == "Academic Member, The Global Forum of Japan (GFJ)"


# --------------------------------------------------------------------------- export shape


def test_export_uses_crlf_and_ends_every_record_with_er():
    records = [validate_record(r).to_data() for r in VARIED[:3]]
    text = ris.dump(records)
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines.count("ER  - ") == 3 and lines.count("TY  - RPRT") == 2
    assert lines[0] == "TY  - RPRT"
    for line in lines:
        assert line == "" or line[2:6] == "  - " or not line[:2].isupper(), line


def test_export_tags_of_the_commentary():
    data = validate_record(VARIED[0]).to_data()
    lines = ris.dump([data]).split("\r\n")
    assert "AU  - Tokiwa, Shin" in lines
    assert "A4  - Smith, Jane" in lines
    assert "T2  - GFJ Commentary" in lines
    assert "DA  - 2022/06/01/" in lines and "PY  - 2022" in lines
    assert "TI  - Do not be disturbed: Ideal opportunity for breaking away" in lines
    assert "ST  - Do not be disturbed" in lines
    assert "OP  - 動じるな" in lines
    assert "M2  - original-date: 2022-05-19" in lines  # Zotero: Extra -> original-date
    assert "PB  - The Global Forum of Japan" in lines
    assert "ID  - tokiwa-2022" in lines


def test_names_in_ris_form():
    assert ris._name({"family": "Tokiwa", "given": "Shin", "order": "family-first"}) == \
        "Tokiwa, Shin"
    assert ris._name({"family": "Beethoven", "given": "Ludwig",
                      "non_dropping_particle": "van"}) == "van Beethoven, Ludwig"
    assert ris._name({"family": "King", "given": "Martin Luther", "suffix": "Jr."}) == \
        "King, Martin Luther, Jr."
    assert ris._name({"organization": "The Global Forum of Japan"}) == \
        "The Global Forum of Japan"
    assert ris._name({"family": "Plato"}) == "Plato,"


def test_multiline_values_are_continuation_lines():
    data = validate_record({"id": "m", "title": "T", "abstract": "One.\n\nTY  - Two."}).to_data()
    text = ris.dump([data])
    assert "AB  - One.\r\n\r\n TY  - Two.\r\n" in text
    entry = load_text(text)[0]
    assert entry.errors == []
    assert entry.data["abstract"] == "One.\n\nTY  - Two."


# --------------------------------------------------------------------------- Zotero-style file


@pytest.fixture(scope="module")
def zotero_entries():
    with (DATA / "zotero-style.ris").open(encoding="utf-8", newline="") as f:
        return list(ris.load(f, "zotero-style.ris"))


def test_zotero_style_file_reads_without_errors(zotero_entries):
    assert [e.line for e in zotero_entries] == [1, 27, 43, 65, 79, 88, 98, 108, 118, 126]
    for entry in zotero_entries:
        assert entry.errors == [], entry.label
        validate_record({"id": f"x-{entry.index}", **entry.data})


def test_zotero_style_journal_article(zotero_entries):
    d = zotero_entries[0].data
    assert d["type"] == "article"
    assert d["csl"] == {"container-title-short": "J. Northeast Asian Stud.",
                        "archive": "DOI.org (Crossref)"}
    assert d["title"] == "Fishing rights and the northern islands"
    assert d["authors"] == [{"family": "King", "given": "Martin Luther", "suffix": "Jr."},
                            {"family": "van der Berg", "given": "Anna"}]
    assert d["editors"] == [{"family": "Editor", "given": "Erin"}]
    assert d["container_title"] == "Journal of Northeast Asian Studies"
    # a wrapped line of AB continues the value (joined with a line break, kept as written)
    assert d["abstract"] == ("First line of a long abstract that a reference manager "
                             "wrapped onto the\nnext line, as EndNote and older Zotero "
                             "versions do.")
    assert d["issued"] == "2021-03-15"
    assert d["doi"] == "10.1234/jnas.2021.7"
    assert (d["issue"], d["pages"]) == ("2", "12-34")
    assert d["language"] == "en"  # "English" read as en (noted)
    assert d["identifiers"] == {"issn": "1234-5678"}
    assert d["accessed"] == "2023-01-02"  # the time after the third slash is not kept
    assert d["notes"] == "<p>Read for the seminar.</p>"
    assert d["subjects"] == ["fisheries", "Kuril Islands", "Japan–Russia relations"]
    assert d["url"] == "https://example.org/jnas/7"


def test_zotero_style_report_is_a_commentary(zotero_entries):
    d = zotero_entries[1].data
    assert d["type"] == "commentary"  # RPRT whose series says "Commentary"
    assert d["authors"] == [{"organization": "The Global Forum of Japan"}]
    assert d["translators"] == [{"family": "Smith", "given": "Jane"}]
    assert d["series"] == "GFJ Commentary"
    assert d["issued"] == "2022"  # "2022///"
    assert d["genre"] == "Policy brief" and d["number"] == "No. 12"
    assert (d["publisher"], d["place"]) == ("The Global Forum of Japan", "Tokyo")
    # ST is the title and TI is "ST: rest": the rest is the subtitle
    assert (d["title"], d["subtitle"]) == ("A policy of firmness",
                                           "Reading the suspension of talks")


def test_zotero_style_book(zotero_entries):
    entry = zotero_entries[2]
    d = entry.data
    assert d["type"] == "book"
    assert d["authors"] == [{"family": "常盤", "given": "伸"}]
    assert d["editors"] == [{"family": "Volume", "given": "Edith"}]  # A3 of BOOK
    assert d["translators"] == [{"family": "Nakamura", "given": "Kenji"}]
    assert d["series"] == "Diplomatic History Series" and d["series_number"] == "5"
    assert d["abstract"] == "A memoir.\n\nSecond paragraph of the abstract."
    assert d["issued"] == "2019-05" and d["edition"] == "2"
    assert d["original"] == {"title": "外交官の回想"}
    assert d["identifiers"] == {"isbn": "978-4-00-000000-0"}
    assert d["csl"] == {"number-of-pages": "320"}
    assert any(x.startswith("A2 (line ") and "series editor" in x for x in entry.dropped)


def test_zotero_style_other_types(zotero_entries):
    chap, news, conf, thes, elec, mgzn, gen = (e.data for e in zotero_entries[3:])
    assert chap["type"] == "chapter" and chap["container_title"] == \
        "Postwar settlements in East Asia"
    assert chap["series"] == "East Asian Studies" and chap["pages"] == "101-130"
    assert chap["editors"] == [{"family": "Park", "given": "Min-jun"}]
    assert news["type"] == "op-ed" and news["container_title"] == "Tokyo Shimbun"
    assert news["issued"] == "2022-06-01"
    assert conf["type"] == "article" and conf["csl"] == {
        "type": "paper-conference", "event-title": "Annual Meeting of the Maritime Law Society"}
    assert conf["place"] == "Sapporo"
    assert thes["type"] == "thesis" and thes["publisher"] == "University of Tokyo"
    assert thes["genre"] == "PhD thesis" and thes["issued"] == "2017"
    assert elec["type"] == "webpage" and elec["container_title"] == "MOFA website"
    assert elec["authors"] == [{"organization": "Ministry of Foreign Affairs of Japan"}]
    assert elec["accessed"] == "2024-02-29"
    assert mgzn["type"] == "article" and mgzn["csl"] == {"type": "article-magazine"}
    assert (mgzn["title"], mgzn["issued"]) == ("An old-style record", "2020-01-15")
    assert mgzn["authors"] == [{"family": "Old", "given": "Author"}]
    assert (mgzn["abstract"], mgzn["container_title"]) == ("An abstract in N2.",
                                                           "Monthly Review")
    assert gen["type"] == "report" and gen["csl"] == {"type": "document"}
    assert zotero_entries[9].dropped == ["XY (line 130): no field of ours for it"]


@pytest.mark.parametrize("ty", sorted(ris.RIS_TYPES))
def test_every_zotero_type_maps_to_one_of_ours(ty):
    (entry,) = load_text(f"TY  - {ty}\r\nTI  - A title\r\nER  - \r\n")
    assert entry.errors == []
    ours, csl_type = ris.RIS_TYPES[ty]
    assert entry.data["type"] == ours
    assert entry.data.get("csl", {}).get("type") == (
        None if ris.OUR_CSL[ours] == csl_type else csl_type)


def test_an_imported_type_goes_out_as_it_came():
    for ty in ("MGZN", "CONF", "DICT", "ENCYC", "PAT", "ADVS"):
        (entry,) = load_text(f"TY  - {ty}\r\nTI  - A talk\r\nER  - \r\n")
        data = validate_record({"id": "c", **entry.data}).to_data()
        assert ris.dump([data]).startswith(f"TY  - {ty}\r\n")


# --------------------------------------------------------------------------- bad input


def test_no_ty_at_all():
    with pytest.raises(FormatError, match=r"bad\.ris: line 1: .*before the first TY"):
        load_text("Title: not a RIS file\r\n", "bad.ris")
    with pytest.raises(FormatError, match=r"line 2: AU outside a record"):
        load_text("\r\nAU  - Smith, J.\r\n")
    with pytest.raises(FormatError, match=r"no 'TY  - ' line"):
        load_text("\ufeff\r\n\r\n")
    with pytest.raises(FormatError, match=r"no 'TY  - ' line"):
        load_text("")


def test_missing_er_at_end_of_file():
    (entry,) = load_text("TY  - JOUR\r\nTI  - A\r\n")
    assert entry.errors == ["TY at line 1: the file ends before this record's 'ER  - ' line"]


def test_second_ty_before_er():
    first, second = load_text("TY  - JOUR\r\nTI  - A\r\nTY  - BOOK\r\nTI  - B\r\nER  - \r\n")
    assert "line 3: a new TY begins before this record's ER" in first.errors[0]
    assert second.errors == [] and second.data["title"] == "B"


def test_garbage_line_named():
    (entry,) = load_text("TY  - JOUR\r\nTI  - A\r\nAu  - Smith, J.\r\nAU    - Doe\r\n"
                         "ER  - \r\n")
    assert [e.split(" is ")[0] for e in entry.errors] == ["line 3: 'Au  - Smith, J.'",
                                                          "line 4: 'AU    - Doe'"]
    assert "a tag is two capitals, two spaces, '-' and a space" in entry.errors[0]


def test_text_between_records_named():
    with pytest.raises(FormatError, match=r"line 3: text between records"):
        load_text("TY  - JOUR\r\nER  - \r\nstray text\r\nTY  - JOUR\r\nER  - \r\n")


def test_unknown_type_lists_the_accepted_ones():
    (entry,) = load_text("\r\nTY  - FOO\r\nTI  - A\r\nER  - \r\n")
    assert entry.errors[0].startswith("TY (line 2): 'FOO' is not a RIS type; accepted: ")
    assert "JOUR" in entry.errors[0] and "RPRT" in entry.errors[0]


def test_record_without_title_is_an_error():
    (entry,) = load_text("TY  - JOUR\r\nAU  - Smith, J.\r\nER  - \r\n")
    assert entry.errors == ["TI (record at line 1): a record needs a title (TI, T1 or ST)"]


def test_bad_values_are_notes_not_tracebacks():
    (entry,) = load_text("TY  - JOUR\r\nTI  - A\r\nDA  - Spring 2020\r\nPY  - 2020\r\n"
                         "UR  - not a url\r\nDO  - nonsense\r\nLA  - Klingon\r\nER  - \r\n")
    assert entry.errors == []
    assert entry.data["issued"] == "2020"
    assert entry.data["csl"] == {"URL": "not a url", "DOI": "nonsense", "language": "Klingon"}
    assert any("DA (line 3)" in n for n in entry.notes)


def test_a_large_file_streams():
    """The reader pulls lines as it goes: the first entry comes before the file is read."""
    lines = iter(["TY  - JOUR\n", "TI  - A\n", "ER  - \n"] + ["TY  - JOUR\n"] * 10**7)
    first = next(ris.load(lines, "big.ris"))  # type: ignore[arg-type]
    assert first.data["title"] == "A"
