"""archive.csl.numbers: page ranges, is-numeric, ordinals, roman numerals.

Expected values come from the CSL 1.0.2 spec (page-range-format table), the
CSL test-suite fixtures (named in comments; the page_* fixtures are also read
at run time from ../shared/csl-test-suite/humans when present) and citeproc-js
output for the same input.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archive.csl.numbers import (
    long_ordinal,
    ordinal,
    page_range,
    parse_numeric,
    render_numeric,
    roman,
)

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "csl-test-suite" / "humans"
CSL_NS = "{http://purl.org/net/xbiblio/csl}"


# --- page ranges --------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, given, expected",
    [
        # CSL 1.0.2 Appendix V, page-range-format examples
        ("expanded", "42-45", "42–45"),
        ("expanded", "321-28", "321–328"),
        ("expanded", "2787-816", "2787–2816"),
        ("minimal", "42-45", "42–5"),
        ("minimal", "321-328", "321–8"),
        ("minimal", "2787-2816", "2787–816"),
        ("minimal-two", "42-45", "42–45"),
        ("minimal-two", "321-328", "321–28"),
        ("minimal-two", "2787-2816", "2787–816"),
        # page_Chicago (chicago = chicago-15)
        ("chicago", "101-108", "101–8"),
        ("chicago", "100-4", "100–104"),
        ("chicago", "1536-538", "1536–38"),
        ("chicago", "13792-13803", "13792–803"),
        ("chicago-15", "1496-504", "1496–1504"),
        ("chicago", "11564-11578", "11564–78"),
        # page_Chicago16
        ("chicago-16", "1496-1500", "1496–500"),
        ("chicago-16", "11564-11615", "11564–615"),
        ("chicago-16", "71-2", "71–72"),
        ("chicago-16", "12991-123001", "12991–123001"),
        ("chicago-16", "xxv-xxviii", "xxv–xxviii"),
        # page_ChicagoWeird / page_Minimal: prefixes
        ("chicago", "8n11564-8n1568", "8n11564–68"),
        ("minimal", "n11564 - n1568", "n11564–8"),
        ("minimal", "n11564 - 1568", "n11564-1568"),
        # page_Expand: a prefix repeated when expanded; different prefixes are not ranges
        ("expanded", "N110 - N5", "N110–N115"),
        ("expanded", "N110 - 5", "N110-5"),
        ("expanded", "110 - N6", "110-N6"),
        ("expanded", "123N110 - N5, 456K200 - 99", "123N110-N5, 456K200-99"),
        # page_NoOption: no format: only the delimiter changes
        (None, "110-5", "110–5"),
        (None, "42-45, 101-108", "42–45, 101–108"),
        # number_MixedPageRange
        ("chicago", "142-145 & 235", "142–45 & 235"),
        # descending "ranges" keep their numbers
        ("minimal", "30-20", "30–20"),
        # an escaped hyphen is a plain hyphen (citeproc-js)
        ("minimal", "12\\-14", "12-14"),
        ("minimal", "no range here", "no range here"),
    ],
)
def test_page_range(fmt: str | None, given: str, expected: str) -> None:
    assert page_range(given, fmt) == expected


def test_page_range_delimiter() -> None:
    # page_WithLocaleAndWeirdDelimiter: the locale's page-range-delimiter term
    assert page_range("253-257", "chicago", "\u2011") == "253\u201157"
    with pytest.raises(ValueError):
        page_range("1-2", "shortest")


_SECTION = re.compile(r">>=+ (\w+) =+>>\n(.*?)\n<<=+ \1 =+<<", re.S)


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"CSL test suite not found at {FIXTURES}")
@pytest.mark.parametrize(
    "name", ["page_Chicago", "page_Chicago16", "page_ChicagoWeird", "page_Minimal", "page_Expand"]
)
def test_page_fixture(name: str) -> None:
    sections = dict(_SECTION.findall((FIXTURES / f"{name}.txt").read_text(encoding="utf-8")))
    fmt = re.search(r'page-range-format="([\w-]+)"', sections["CSL"]).group(1)
    items = json.loads(sections["INPUT"])
    expected = [line.rsplit(", at ", 1)[1] for line in sections["RESULT"].strip().split("\n")]
    assert [page_range(item["page"], fmt) for item in items] == expected


# --- locale terms for the ordinal tests ------------------------------------------


def locale_terms(lang: str):
    """term(name, gender) and match(name, gender) over a citeproc-py locale file."""
    import citeproc

    path = Path(citeproc.__file__).parent / "data" / "locales" / f"locales-{lang}.xml"
    terms: dict[tuple[str, str | None], tuple[str, str | None]] = {}
    for t in ET.parse(path).getroot().iter(CSL_NS + "term"):
        if t.get("form", "long") == "long":
            terms[(t.get("name"), t.get("gender-form"))] = (t.text or "", t.get("match"))

    def term(name: str, gender: str | None) -> str | None:
        got = terms.get((name, gender))
        return got[0] if got else None

    def match(name: str, gender: str | None) -> str | None:
        got = terms.get((name, gender))
        return got[1] if got else None

    return term, match


def from_dict(d: dict[tuple[str, str | None], str]):
    return lambda name, gender: d.get((name, gender))


@pytest.mark.parametrize(
    "n, expected",
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (101, "101st"), (111, "111th"), (112, "112th"), (1000, "1000th")],
)
def test_ordinal_en(n: int, expected: str) -> None:
    term, match = locale_terms("en-US")
    assert ordinal(n, term, match=match) == expected


def test_long_ordinal_en() -> None:
    # number_SimpleNumberOrdinalLong; above ten it falls back to ordinal
    term, match = locale_terms("en-US")
    assert long_ordinal(1, term) == "first"
    assert long_ordinal(10, term) == "tenth"
    assert long_ordinal(12, term, match=match) == "12th"


def test_ordinal_gender_and_whole_number() -> None:
    # number_NewOrdinalsWithGenderChange: whole-number match in the noun's gender
    terms = from_dict({
        ("ordinal", None): "EE",
        ("ordinal-01", "feminine"): "re",
        ("ordinal-01", "masculine"): "er",
    })
    matches = from_dict({("ordinal-01", "feminine"): "whole-number",
                         ("ordinal-01", "masculine"): "whole-number"})
    assert ordinal(1, terms, "feminine", match=matches) == "1re"
    assert ordinal(1, terms, "masculine", match=matches) == "1er"
    assert ordinal(21, terms, "feminine", match=matches) == "21EE"  # whole-number: 1 only
    assert ordinal(1, terms, None, match=matches) == "1EE"


def test_ordinal_match_defaults_and_precedence() -> None:
    terms = from_dict({("ordinal", None): "th", ("ordinal-01", None): "st", ("ordinal-11", None): "th"})
    assert ordinal(1, terms) == "1st"
    assert ordinal(31, terms) == "31st"  # last-digit by default for ordinal-0X
    assert ordinal(11, terms) == "11th"  # last-two-digits beats last-digit
    assert ordinal(211, terms) == "211th"
    # ordinal-01 with match="last-two-digits" matches only 1, not 101 (citeproc-js)
    m = from_dict({("ordinal-01", None): "last-two-digits"})
    assert ordinal(21, terms, match=m) == "21th"
    assert ordinal(1, terms, match=m) == "1st"


def test_ordinal_fr() -> None:
    # citeproc-js with fr-FR: "edition" is feminine there; a neuter noun gets the plain term
    term, match = locale_terms("fr-FR")
    assert ordinal(1, term, "feminine", match=match) == "1ʳᵉ"
    assert ordinal(1, term, "masculine", match=match) == "1ᵉʳ"
    assert ordinal(1, term, match=match) == "1ᵉ"
    assert ordinal(2, term, "feminine", match=match) == "2ᵉ"


def test_ordinal_legacy_locale() -> None:
    # a CSL 1.0 locale: ordinal-01..04 and no "ordinal" term
    terms = from_dict({("ordinal-01", None): "st", ("ordinal-02", None): "nd",
                       ("ordinal-03", None): "rd", ("ordinal-04", None): "th"})
    assert [ordinal(n, terms) for n in (1, 2, 3, 4, 11, 12, 13, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "22nd", "101st", "111th"]


def test_limit_day_ordinals() -> None:
    # number_LimitOrdinalsToDayOne
    term, match = locale_terms("fr-FR")
    assert ordinal(1, term, "masculine", match=match, day=True, limit_day_ordinals=True) == "1ᵉʳ"
    assert ordinal(2, term, "masculine", match=match, day=True, limit_day_ordinals=True) == "2"
    assert ordinal(2, term, "masculine", match=match, day=True) == "2ᵉ"


def test_roman() -> None:
    # number_SimpleNumberRoman
    assert [roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994, 3999)] == [
        "i", "iv", "ix", "xiv", "xl", "xc", "cd", "mcmxciv", "mmmcmxcix"]
    assert roman(0) == "0"


# --- is-numeric and rendering --------------------------------------------------


@pytest.mark.parametrize(
    "value, numeric",
    [
        # spec: "2nd" is numeric, "second" and "2nd edition" are not; prefixes and
        # suffixes ("D2", "2b", "L2d"), lists and ranges are
        ("2nd", True), ("second", False), ("2nd edition", False), ("D2", True), ("2b", True),
        ("L2d", True), ("2-4", True), ("2, 3", True), ("2 & 4", True), ("1, 3 & 5", True),
        (12, True), ("", False),
        # number_SpacesMakeIsNumericFalse / citeproc-js
        ("12 a", False), ("1,3", False), ("1.5", False), ("XII", False), ("xii", True),
        ("12-a", True), ("1a-c", True), ("12\\-14", True), ("3 and 5", True),
    ],
)
def test_is_numeric(value, numeric: bool) -> None:
    assert parse_numeric(value)[0] is numeric


@pytest.mark.parametrize(
    "value, ordinals, romans",
    [
        # citeproc-js output for <number form="ordinal"> / form="roman", en-US
        ("1-3", "1st–3rd", "i–iii"),
        ("1, 3 & 5", "1st, 3rd & 5th", "i, iii & v"),
        ("3 and 5", "3rd and 5th", "iii and v"),
        ("1-3, 5", "1st–3rd, 5th", "i–iii, v"),
        ("4–6", "4th–6th", "iv–vi"),
        ("12-a", "12th-a", "xii-a"),
        ("N110-5", "N110-5th", "N110-v"),
        ("10-12a", "10th–12a", "x–12a"),
        ("2nd", "2nd", "2nd"),
        ("01", "01", "01"),
        ("12\\-14", "12-14", "12-14"),
        ("3; 4", "3rd; 4th", "iii; iv"),
    ],
)
def test_render_numeric(value: str, ordinals: str, romans: str) -> None:
    term, match = locale_terms("en-US")
    parts = parse_numeric(value)[1]
    assert render_numeric(parts, lambda n: ordinal(n, term, match=match)) == ordinals
    assert render_numeric(parts, roman) == romans
