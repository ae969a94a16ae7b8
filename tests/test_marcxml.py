"""MARCXML export, checked by real readers: lxml with LoC's MARC21slim.xsd, and pymarc.

Expected values come from the MARC 21 Bibliographic format (loc.gov/marc/bibliographic)
and the ISBD punctuation conventions catalogers apply with Leader/18 ``i``, stated here
as the rules the tests check:

- 245: " :" precedes $b, " /" precedes $c, the field ends with a period unless it ends
  with "." "?" or "!" already; first indicator 1 when there is a 1XX, 0 when there is none;
  second indicator counts the nonfiling characters of a leading article ("The " = 4).
- 1XX/7XX names: $a "Family, Given," (inverted, comma before $e), $e relator term ending
  with a period, $4 relator code (MARC Code List for Relators: aut, trl, edt); the field
  ends with punctuation before $4, so $u (affiliation, not repeatable) ends with a period.
  Personal names with a surname take first indicator 1; corporate names in direct order 2.
- 264 _1: "$a Place : $b Publisher, $c Year." with RDA's bracketed "not identified"
  phrases for what is missing.
- 490 1_ "$a Series ; $v N" (no final period); 830 _0 "$a Series ; $v N." (final period).
- 300 ends with a period only when a 490 follows; 653 terms carry no added punctuation.
- Leader: 06 a (language material), 07 m/a/b, 09 a (UCS), 18 i; 008 is 40 positions with
  the positions of MARC 21 008 "All materials" and "Books"/"Continuing resources".
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pymarc
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from archive.formats import languages, marcxml
from archive.model import validate_record
from tests import oracle
from tests.strategies import record_data

REPO = Path(__file__).resolve().parents[1]
LOC = REPO.parent / "shared" / "schemas" / "loc"
XSD = LOC / "MARC21slim.xsd"
ISO_639_2 = Path("/usr/share/iso-codes/json/iso_639-2.json")

SEED = {
    "id": "tokiwa-2022-do-not-be-disturbed",
    "type": "commentary",
    "title": "Do not be disturbed by the “suspension” of peace treaty negotiations with Russia",
    "subtitle": "Ideal opportunity for completely breaking away from the policy of Russian "
                "appeasement",
    "language": "en",
    "issued": "2022-06-01",
    "series": "GFJ Commentary",
    "series_number": "12",
    "publisher": "The Global Forum of Japan",
    "authors": [{
        "family": "Tokiwa", "given": "Shin", "order": "family-first",
        "affiliations": [
            {"role": "Academic Member", "organization": "The Global Forum of Japan (GFJ)"},
            {"role": "Distinguished Research Fellow",
             "organization": "The Japan Forum on International Relations (JFIR)"},
            {"role": "Senior staff writer", "organization": "Tokyo Shimbun"},
        ],
    }],
    "translators": [{"family": "Smith", "given": "Ann"}],
    "original": {
        "language": "ja", "issued": "2022-05-19", "title": "Roshia to no heiwa jōyaku kōshō",
        "venue": "e-Forum “Giron-Hyakushutsu”", "publisher": "The Global Forum of Japan",
    },
    "subjects": ["Japan–Russia relations", "Northern Territories"],
    "abstract": "A journalist argues that the halt should not alarm Japan.",
    "url": "https://www.gfj.jp/e/commentary/220601.pdf?a=1&b=2",
    "doi": "10.1234/gfj.2022.12",
    "provenance": {"added": "2026-11-27T16:40:00Z", "updated": "2026-11-28T09:05:07Z"},
}
ORG_OPED = {
    "id": "org-oped",
    "type": "op-ed",
    "title": "Tom & Jerry <script>alert(1)</script>: 日本語の題名",
    "language": "ja",
    "issued": "2021-03",
    "container_title": "The Japan Times",
    "volume": "3", "issue": "4", "pages": "12-15",
    "publisher": "The Japan Times Ltd.",
    "place": "Tokyo",
    "authors": [{"organization": "Research Institute & Co. <Tokyo>"},
                {"family": "常盤", "given": "伸", "order": "family-first"}],
    "abstract": "First\x01 paragraph\x1f with\tcontrols.\n\nSecond paragraph",
    "subjects": ["=cmd|' /C calc'!A0", "安全保障"],
}
CHAPTER = {
    "id": "chapter-1",
    "type": "chapter",
    "title": "The order of things",
    "container_title": "Essays on order",
    "edition": "2",
    "issued": "2019/2020",
    "authors": [{"family": "Beethoven", "given": "Ludwig", "non_dropping_particle": "van",
                 "suffix": "Jr."}],
    "editors": [{"family": "Müller", "given": "Hans"}],
    "translators": [{"organization": "Translators Guild"}],
    "pages": "1-20",
}
MINIMAL = {"id": "minimal", "title": "The untitled"}
THESIS = {"id": "thesis-1", "type": "thesis", "title": "Why now?", "subtitle": "A study",
          "genre": "PhD thesis", "publisher": "University of Tokyo", "issued": "2020",
          "authors": [{"family": "Kim", "given": "Min-jun"}], "language": "ko"}
ALL = [SEED, ORG_OPED, CHAPTER, MINIMAL, THESIS]


class _LocalSchemas(etree.Resolver):
    """Every schema or import is read from ../shared/schemas/loc; nothing from the network."""

    def resolve(self, url, pubid, context):
        local = LOC / url.rsplit("/", 1)[-1]
        if local.is_file():
            return self.resolve_filename(str(local), context)
        raise AssertionError(f"schema validation tried to load {url}")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    if not XSD.is_file():
        # the shared folder beside the repository is not ours to ship: skip without it
        pytest.skip(f"MARC21slim.xsd is missing: {XSD}")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(XSD), parser))


def export(records: list[dict]) -> tuple[bytes, list[pymarc.Record]]:
    data = [validate_record(r).to_data() for r in records]
    out = marcxml.dump(data)
    return out, pymarc.parse_xml_to_array(io.BytesIO(out))


def assert_valid(schema: etree.XMLSchema, out: bytes) -> None:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    doc = etree.parse(io.BytesIO(out), parser)
    assert schema.validate(doc), schema.error_log


def one(record: pymarc.Record, tag: str) -> pymarc.Field:
    fields = record.get_fields(tag)
    assert len(fields) == 1, (tag, fields)
    return fields[0]


@pytest.fixture(scope="module")
def exported():
    out, recs = export(ALL)
    return out, {r["001"].data: r for r in recs}


# --------------------------------------------------------------------------- schema, readers


def test_every_export_validates_and_pymarc_reads_it(schema, exported):
    out, recs = exported
    assert_valid(schema, out)
    assert list(recs) == [r["id"] for r in ALL]
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_escaping_and_control_characters(exported):
    out, recs = exported
    assert b"<script>" not in out and b"&lt;script&gt;" in out
    assert b"\x01" not in out and b"\x1f" not in out
    rec = recs["org-oped"]
    assert one(rec, "245")["a"] == "Tom & Jerry <script>alert(1)</script>: 日本語の題名 /"
    # a control character is dropped, a tab becomes a space; paragraphs are two 520s
    assert [f["a"] for f in rec.get_fields("520")] == [
        "First paragraph with controls.", "Second paragraph."]
    assert one(rec, "110")["a"] == "Research Institute & Co. <Tokyo>,"


# --------------------------------------------------------------------------- the seed


def test_seed_names_titles_and_translation(exported):
    rec = exported[1]["tokiwa-2022-do-not-be-disturbed"]
    main = one(rec, "100")
    assert main.indicators == pymarc.Indicators("1", " ")
    assert main.get_subfields("a") == ["Tokiwa, Shin,"]
    assert main.get_subfields("e") == ["author."]
    assert main.get_subfields("4") == ["aut"]
    (affiliations,) = main.get_subfields("u")  # $u is not repeatable
    for aff in SEED["authors"][0]["affiliations"]:
        assert f"{aff['role']}, {aff['organization']}" in affiliations
    assert affiliations.endswith("Tokyo Shimbun.")
    title = one(rec, "245")
    assert title.indicators == pymarc.Indicators("1", "0")
    assert title["a"] == SEED["title"] + " :"
    assert title["b"] == SEED["subtitle"] + " /"
    assert title["c"] == "TOKIWA Shin."
    lang = one(rec, "041")
    assert lang.indicator1 == "1"
    assert (lang["a"], lang["h"]) == ("eng", "jpn")
    (translator,) = rec.get_fields("700")
    assert translator.get_subfields("a", "e", "4") == ["Smith, Ann,", "translator.", "trl"]
    uniform = one(rec, "240")
    assert uniform.get_subfields("a", "l") == [SEED["original"]["title"] + ".", "English"]
    assert one(rec, "500")["a"] == (
        "Translation of: Roshia to no heiwa jōyaku kōshō, originally published in e-Forum "
        "“Giron-Hyakushutsu” (The Global Forum of Japan), May 19, 2022, in Japanese.")
    link = one(rec, "765")
    assert link.indicator1 == "1"  # the 500 above is the displayed note
    assert link["t"] == SEED["original"]["title"] + "."
    assert link["d"] == "The Global Forum of Japan, May 19, 2022"
    assert one(rec, "546")["a"] == "In English, translated from Japanese."


def test_seed_publication_series_and_links(exported):
    rec = exported[1]["tokiwa-2022-do-not-be-disturbed"]
    pub = one(rec, "264")
    assert pub.indicators == pymarc.Indicators(" ", "1")
    assert pub.get_subfields("a", "b", "c") == [
        "[Place of publication not identified] :", "The Global Forum of Japan,", "2022."]
    series = one(rec, "490")
    assert series.indicator1 == "1"
    assert series.get_subfields("a", "v") == ["GFJ Commentary ;", "12"]
    traced = one(rec, "830")
    assert traced.indicators == pymarc.Indicators(" ", "0")
    assert traced.get_subfields("a", "v") == ["GFJ Commentary ;", "12."]
    assert one(rec, "300")["a"] == "1 online resource."  # a 490 follows
    assert [(f.indicators, f["u"]) for f in rec.get_fields("856")] == [
        (pymarc.Indicators("4", "0"), SEED["url"]),
        (pymarc.Indicators("4", "0"), "https://doi.org/" + SEED["doi"]),
    ]
    doi = one(rec, "024")
    assert doi.indicator1 == "7" and doi.get_subfields("a", "2") == [SEED["doi"], "doi"]
    assert [f["a"] for f in rec.get_fields("653")] == SEED["subjects"]
    assert one(rec, "520")["a"] == SEED["abstract"]
    assert [(f["a"], f["b"], f["2"]) for f in rec.get_fields("336", "337", "338")] == [
        ("text", "txt", "rdacontent"), ("computer", "c", "rdamedia"),
        ("online resource", "cr", "rdacarrier")]


def test_seed_leader_and_control_fields(exported):
    rec = exported[1]["tokiwa-2022-do-not-be-disturbed"]
    leader = str(rec.leader)
    assert len(leader) == 24
    assert leader[5:10] == "nam a"  # new, language material, monograph, no control, UCS
    assert leader[17:24] == "3i 4500"
    assert rec["005"].data == "20261128090507.0"  # yyyymmddhhmmss.f of provenance.updated
    f008 = rec["008"].data
    assert len(f008) == 40
    assert f008[0:6] == "261127"  # date entered: provenance.added, yymmdd
    assert f008[6:15] == "s2022    "  # single date, Date 2 blank
    assert f008[15:18] == "xx "  # place not identified
    assert f008[23] == "o"  # form of item: online
    assert f008[29:34] == "000 0"  # not conference, festschrift, index; undefined; not fiction
    assert f008[35:38] == "eng"
    assert f008[38:40] == " d"  # not modified; cataloging source other


# --------------------------------------------------------------------------- other shapes


def test_op_ed_in_a_newspaper_is_a_serial_component_part(exported):
    rec = exported[1]["org-oped"]
    assert str(rec.leader)[7] == "b"
    f008 = rec["008"].data
    assert f008[6:11] == "s2021" and f008[21] == "n"  # continuing resource: newspaper
    assert f008[35:38] == "jpn"
    assert rec.get_fields("264") == []  # the host carries the publication
    host = one(rec, "773")
    assert host.indicators == pymarc.Indicators("0", " ")
    assert host.get_subfields("t", "d", "g") == [
        "The Japan Times.", "Tokyo : The Japan Times Ltd.",
        "Vol. 3, no. 4 (March 2021), p. 12-15"]
    main = one(rec, "110")
    assert main.indicators == pymarc.Indicators("2", " ")
    assert main.get_subfields("e", "4") == ["author.", "aut"]
    person = one(rec, "700")
    assert person["a"] == "常盤, 伸,"
    assert one(rec, "245")["c"] == "Research Institute & Co. <Tokyo>, 常盤伸."
    assert [f["a"] for f in rec.get_fields("653")] == ORG_OPED["subjects"]


def test_chapter_editor_translator_edition_interval(exported):
    rec = exported[1]["chapter-1"]
    assert str(rec.leader)[7] == "a"
    main = one(rec, "100")
    assert main.get_subfields("a", "c", "e") == ["van Beethoven, Ludwig,", "Jr.,", "author."]
    assert one(rec, "245").indicators == pymarc.Indicators("1", "4")  # "The "
    assert one(rec, "245")["c"] == "Ludwig van Beethoven Jr."
    assert one(rec, "250")["a"] == "2nd edition."
    editor = one(rec, "700")
    assert editor.get_subfields("a", "e", "4") == ["Müller, Hans,", "editor.", "edt"]
    guild = one(rec, "710")
    assert guild.get_subfields("a", "e", "4") == ["Translators Guild,", "translator.", "trl"]
    f008 = rec["008"].data
    assert f008[6:15] == "m20192020"  # multiple dates
    assert f008[35:38] == "und"  # no language in the record
    assert one(rec, "773").get_subfields("t", "g") == [
        "Essays on order.", "p. 1-20"]
    assert one(rec, "773")["d"] == "2019-2020"


def test_minimal_record(exported):
    rec = exported[1]["minimal"]
    assert rec.get_fields("100", "110", "700", "710") == []
    title = one(rec, "245")
    assert title.indicators == pymarc.Indicators("0", "4")  # no 1XX; "The " nonfiling
    assert title.get_subfields("a") == ["The untitled."]
    f008 = rec["008"].data
    assert f008[6:15] == "nuuuuuuuu"  # dates unknown
    assert f008[23] == "o"  # a commentary is an online resource
    assert one(rec, "264").get_subfields("a", "b", "c") == [
        "[Place of publication not identified] :", "[publisher not identified],",
        "[date of publication not identified]."]
    assert rec.get_fields("005") == []  # no provenance: no transaction date


def test_thesis_and_question_mark_titles(exported):
    rec = exported[1]["thesis-1"]
    assert rec["008"].data[24] == "m"  # nature of contents: theses
    assert one(rec, "502").get_subfields("b", "c", "d") == [
        "PhD thesis", "University of Tokyo", "2020."]
    title = one(rec, "245")
    assert title.get_subfields("a", "b", "c") == ["Why now? :", "A study /", "Min-jun Kim."]
    assert rec["008"].data[35:38] == "kor"


# --------------------------------------------------------------------------- punctuation rules


def test_punctuation_rules_hold_in_every_record(exported):
    for rec in exported[1].values():
        title = one(rec, "245")
        assert title.subfields[-1].value.endswith((".", "?", "!")), title
        for f in rec.get_fields("100", "110", "700", "710"):
            data = [s for s in f.subfields if s.code not in "4"]
            assert f["a"].endswith(","), f
            assert f["e"].endswith("."), f
            assert data[-1].value.endswith("."), f
            assert f.subfields[-1].code == "4"
        for f in rec.get_fields("264"):
            assert f["a"].endswith(" :") and f["b"].endswith(",") and f["c"].endswith(".")
        for f in rec.get_fields("490"):
            assert not f.subfields[-1].value.endswith(".")
            if f.get_subfields("v"):
                assert f["a"].endswith(" ;")
        for f in rec.get_fields("830"):
            assert f.subfields[-1].value.endswith(".")


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("The war", "en", "4"), ("“The war”", "en", "5"), ("Theory", "en", "0"),
    ("A", "en", "0"), ("An answer", None, "3"), ("L'Europe", "fr", "2"),
    ("Die Frage", "de", "4"), ("The war", "ja", "0"),
])
def test_nonfiling_characters(text, language, expected):
    assert marcxml.nonfiling(text, language) == expected


@pytest.mark.parametrize(("text", "mark", "expected"), [
    ("Title", " :", "Title :"), ("Title:", " :", "Title :"), ("Why?", " :", "Why? :"),
    ("Name", ",", "Name,"), ("Inc.", ",", "Inc.,"), ("Series", " ;", "Series ;"),
])
def test_prescribed_punctuation(text, mark, expected):
    assert marcxml.before(text, mark) == expected


def test_final_period():
    assert marcxml.period("Text") == "Text."
    assert marcxml.period("Text.") == "Text."
    assert marcxml.period("Why?") == "Why?"
    assert marcxml.period("He said “stop.”") == "He said “stop.”"
    assert marcxml.period("(2022)") == "(2022)."


# --------------------------------------------------------------------------- languages


def test_language_table_matches_iso_639_2():
    if not ISO_639_2.is_file():
        oracle.skip_or_fail(f"Debian iso-codes data is missing: {ISO_639_2}")
    entries = json.loads(ISO_639_2.read_text(encoding="utf-8"))["639-2"]
    by_two = {e["alpha_2"]: e for e in entries if "alpha_2" in e}
    by_code = {e.get("bibliographic", e["alpha_3"]): e for e in entries}
    assert set(by_two) <= set(languages.LANGUAGES)  # every two-letter code is there
    for tag, (code, name) in languages.LANGUAGES.items():
        entry = by_two[tag] if len(tag) == 2 else by_code[code]
        assert entry.get("bibliographic", entry["alpha_3"]) == code, tag
        names = [n.strip() for n in entry["name"].split(";")]
        # "Sotho, Southern" is listed inverted; "Greek, Modern (1453-)" qualified
        names += [" ".join(reversed(n.split(", ", 1))) for n in names if ", " in n]
        assert any(n == name or n.startswith((name + ",", name + " (")) for n in names), tag


def test_language_lookups():
    assert languages.marc_code("pt-BR") == "por"
    assert languages.marc_code("zh-Hant") == "chi"
    assert languages.marc_code("de") == "ger"
    assert languages.marc_code("xx") is None
    assert languages.english_name("ja") == "Japanese"


# --------------------------------------------------------------------------- properties, speed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_data())
def test_no_record_makes_invalid_marcxml(schema, data):
    out, recs = export([data])
    assert_valid(schema, out)
    (rec,) = recs
    assert rec["001"].data == data["id"]
    assert one(rec, "245")["a"].startswith(marcxml.clean(data["title"]).rstrip(":/").rstrip())
    assert len(rec["008"].data) == 40
