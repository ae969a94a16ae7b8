"""CSV export, read back by Python's csv module (an RFC 4180 reader) as a spreadsheet would.

Rules checked (OWASP "CSV Injection" guidance and RFC 4180): a cell starting with = + - @
tab or CR (or their full-width forms) gets one leading single quote unless it is a plain
number; nothing else is changed; CRLF ends every row; quotes, commas and line breaks inside
values survive quoting; the file starts with a UTF-8 BOM (for Excel).
"""

from __future__ import annotations

import csv
import io
import re

from hypothesis import given, settings

from archive.formats import csvfmt
from archive.model import validate_record
from tests.strategies import record_data

#: what spreadsheets read as a number (ASCII digits, optional sign, point and exponent)
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")

SEED = {
    "id": "tokiwa-2022-do-not-be-disturbed",
    "type": "commentary",
    "title": "Do not be disturbed by the “suspension” of peace treaty negotiations with Russia",
    "subtitle": "Ideal opportunity for completely breaking away",
    "language": "en",
    "issued": "2022-06-01",
    "series": "GFJ Commentary",
    "series_number": "12",
    "publisher": "The Global Forum of Japan",
    "authors": [
        {"family": "Tokiwa", "given": "Shin", "order": "family-first", "affiliations": [
            {"role": "Academic Member", "organization": "The Global Forum of Japan (GFJ)"},
            {"organization": "Tokyo Shimbun"}]},
        {"family": "Beethoven", "given": "Ludwig", "non_dropping_particle": "van"},
        {"family": "King", "given": "Martin", "suffix": "Jr."},
        {"organization": "Research Institute, Tokyo"},
    ],
    "translators": [{"family": "常盤", "given": "伸"}],
    "editors": [{"family": "Smith", "given": "Ann"}],
    "original": {"language": "ja", "issued": "2022-05-19", "title": "原題",
                 "venue": "e-Forum “Giron-Hyakushutsu”", "publisher": "GFJ"},
    "subjects": ["Japan–Russia relations", "Northern Territories"],
    "abstract": 'He said "no", then, later,\nin a new paragraph:\r\n done.',
    "url": "https://www.gfj.jp/e/commentary/220601.pdf?a=1&b=2",
    "doi": "10.1234/gfj.2022.12",
    "identifiers": {"isbn": "9784000000000"},
    "files": [{"path": "commentary.txt", "media_type": "text/plain", "bytes": 10,
               "sha256": "0" * 64}, {"path": "scan.pdf", "media_type": "application/pdf",
                                     "bytes": 20, "sha256": "1" * 64}],
    "notes": "a note",
    "provenance": {"added": "2026-11-27T16:40:00Z"},
}
ATTACKS = {
    "id": "attacks",
    "title": "=HYPERLINK(\"http://evil.example\",\"click\")",
    "subtitle": "+1+1",
    "series": "-2+3+cmd|' /C calc'!A0",
    "series_number": "-5",
    "publisher": "@SUM(A1:A2)",
    "genre": "－1",
    "edition": "＝1+1",
    "volume": "+3",
    "issue": "-0.5",
    "pages": "-",
    "place": "'quoted already",
    "abstract": "Nul\x00 and bell\x07 go away",
    "subjects": ["=1+1", "fine"],
    "authors": [{"organization": "=Evil Corp"}],
}


def read(text: str) -> list[dict[str, str]]:
    assert text.startswith(csvfmt.BOM)
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def export(records: list[dict]) -> tuple[str, list[dict[str, str]]]:
    text = csvfmt.dump([validate_record(r).to_data() for r in records])
    return text, read(text)


def test_header_row_bom_and_crlf():
    text, rows = export([SEED])
    assert text.startswith("\ufeffid,type,title,subtitle,authors,")
    assert text.endswith("\r\n")
    # the abstract's own line break stays inside its quoted cell; rows end with CRLF
    assert text.count("\r\n") == 3  # header, the abstract's CRLF, the end of the row
    assert list(rows[0]) == csvfmt.COLUMNS


def test_values_read_back_the_same():
    _, (row,) = export([SEED])
    assert row["id"] == SEED["id"]
    assert row["title"] == SEED["title"]
    assert row["subtitle"] == SEED["subtitle"]
    assert row["authors"] == ("Tokiwa, Shin; van Beethoven, Ludwig; King, Jr., Martin; "
                              "Research Institute, Tokyo")
    assert row["affiliations"] == (
        "Tokiwa, Shin: Academic Member, The Global Forum of Japan (GFJ) / Tokyo Shimbun")
    assert row["translators"] == "常盤, 伸"
    assert row["editors"] == "Smith, Ann"
    assert row["issued"] == "2022-06-01"
    assert (row["series"], row["series_number"]) == ("GFJ Commentary", "12")
    assert row["original_language"] == "ja"
    assert row["original_issued"] == "2022-05-19"
    assert row["original_title"] == "原題"
    assert row["original_venue"] == "e-Forum “Giron-Hyakushutsu”"
    assert row["subjects"] == "Japan–Russia relations; Northern Territories"
    assert row["abstract"] == SEED["abstract"]  # quotes, commas, LF and CRLF survive
    assert row["url"] == SEED["url"]
    assert row["doi"] == SEED["doi"]
    assert row["identifiers"] == "isbn: 9784000000000"
    assert row["files"] == "commentary.txt; scan.pdf"
    assert row["added"] == "2026-11-27T16:40:00Z"
    assert row["updated"] == ""
    assert row["volume"] == ""


def test_formula_like_cells_are_neutralized():
    _, (row,) = export([ATTACKS])
    quoted = {
        "title": ATTACKS["title"], "subtitle": "+1+1", "series": ATTACKS["series"],
        "publisher": "@SUM(A1:A2)", "genre": "－1", "edition": "＝1+1", "pages": "-",
        "authors": "=Evil Corp", "subjects": "=1+1; fine",
    }
    for column, value in quoted.items():
        assert row[column] == "'" + value, column
    # plain numbers stay numbers; a value already starting with a quote is left as it is
    assert (row["series_number"], row["volume"], row["issue"]) == ("-5", "+3", "-0.5")
    assert row["place"] == "'quoted already"
    assert row["abstract"] == "Nul and bell go away"  # C0 controls removed
    for value in row.values():
        assert not value.startswith(csvfmt.FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(value)


def test_neutralize_rule():
    assert csvfmt.neutralize("=1+1") == "'=1+1"
    assert csvfmt.neutralize("\r=1") == "'\r=1"
    assert csvfmt.neutralize("\t=1") == "'\t=1"  # (the model strips these; still covered)
    assert csvfmt.neutralize("-5") == "-5"
    assert csvfmt.neutralize("1e3") == "1e3"
    assert csvfmt.neutralize("-1e3") == "-1e3"
    assert csvfmt.neutralize("-1+2") == "'-1+2"
    assert csvfmt.neutralize("2022-06-01") == "2022-06-01"
    assert csvfmt.neutralize("a=b") == "a=b"
    assert csvfmt.neutralize("-٣") == "'-٣"  # not a number a spreadsheet reads


@settings(max_examples=150, deadline=None)
@given(record_data())
def test_any_record_reads_back(data):
    text, (row,) = export([data])
    assert row["id"] == data["id"]
    for column in ("title", "subtitle", "publisher", "series", "abstract"):
        value = data.get(column, "")
        risky = value.startswith(csvfmt.FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value)
        expected = "'" + value if risky else value
        assert row[column] == expected, column
    assert row["subjects"] == csvfmt.neutralize("; ".join(data.get("subjects", [])))
