"""Names, labels and numbers as citeproc-js renders them.

Each expected string was produced by citeproc-js 2.4.63 (the oracle's pinned version) with
the same inline style and items; the cases cover the rules archive.csl.engine and
archive.csl.items follow: particles, initials, and/et-al joining, labels written in
locators, and number variables carrying their own label.
"""

from __future__ import annotations

import pytest

from archive.csl import Processor, load_style


def cite(name_xml: str, items: list[dict], demote: str = "display-and-sort",
         layout: str | None = None) -> list[str]:
    body = layout or f'<names variable="author">{name_xml}</names>'
    xml = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0" '
           f'demote-non-dropping-particle="{demote}"><citation><layout>{body}</layout>'
           '</citation></style>')
    items = [dict(it, id=it.get("id", f"i{k}"), type=it.get("type", "book"))
             for k, it in enumerate(items)]
    proc = Processor(load_style(xml=xml), items)
    return proc.citations([[c] for c in ({"id": it["id"], **it.get("_cite", {})}
                                         for it in items)])


NAMES = [
    {"family": "van der Berg", "given": "Jan"},
    {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
    {"family": "Doe", "given": "John,! Jr."},
    {"family": "Kim", "given": "Seo-jin"},
    {"family": "Lee", "given": "J.R.R."},
    {"family": "d'Alembert", "given": "Jean le Rond"},
    {"family": "al-Ghazali", "given": "Abu Hamid"},
    {"family": "Madonna"},
    {"given": "Banksy"},
    {"family": "Doe", "given": "JOHN"},
    {"family": "Aubignac", "given": "François Hédelin d'"},
    {"family": "\"van Happel\"", "given": "Eduard"},
]


@pytest.mark.parametrize("name_xml, demote, expected", [
    ('<name/>', "display-and-sort", [
        "Jan van der Berg", "Ludwig van Beethoven", "John Doe, Jr.", "Seo-jin Kim",
        "J.R.R. Lee", "Jean le Rond d’Alembert", "Abu Hamid al-Ghazali", "Madonna", "Banksy",
        "JOHN Doe", "François Hédelin d’Aubignac", "Eduard van Happel"]),
    ('<name initialize-with=". "/>', "display-and-sort", [
        "J. van der Berg", "L. van Beethoven", "J. Doe, Jr.", "S. Kim", "J. R. R. Lee",
        "J. le R. d’Alembert", "A. H. al-Ghazali", "Madonna", "Banksy", "J. Doe",
        "F. H. d’Aubignac", "E. van Happel"]),
    ('<name name-as-sort-order="all"/>', "display-and-sort", [
        "Berg, Jan van der", "Beethoven, Ludwig van", "Doe, John, Jr.", "Kim, Seo-jin",
        "Lee, J.R.R.", "Alembert, Jean le Rond d’", "Ghazali, Abu Hamid al-", "Madonna",
        "Banksy", "Doe, JOHN", "Aubignac, François Hédelin d’", "van Happel, Eduard"]),
    ('<name name-as-sort-order="all" initialize-with="" />', "never", [
        "van der Berg, J", "Beethoven, L van", "Doe, J, Jr", "Kim, S", "Lee, JRR",
        "d’Alembert, J le R", "al-Ghazali, AH", "Madonna", "Banksy", "Doe, J",
        "Aubignac, FH d’", "van Happel, E"]),
])
def test_names(name_xml, demote, expected):
    assert cite(name_xml, [{"author": [n]} for n in NAMES], demote) == expected


@pytest.mark.parametrize("given, expected", [
    ("ME", ["M.", "ME"]), ("M.E", ["M.E.", "M.E."]), ("Ph.M.E.", ["Ph.M.E.", "Ph.M.E."]),
    ("John M.E.", ["J.M.E.", "John M.E."]), ("Me.", ["Me.", "Me."]),
    ("J.B. de C.M.", ["J.B. de C.M.", "J.B. de C.M."]),
])
def test_initials(given, expected):
    items = [{"author": [{"family": "X", "given": given}]}]
    got = [cite(f'<name name-as-sort-order="all" initialize-with="." initialize="{i}"/>',
                items)[0].split(", ", 1)[1] for i in ("true", "false")]
    assert got == expected


PEOPLE = [{"family": "Doe", "given": "John"}, {"family": "Roe", "given": "Jane"},
          {"family": "van Dyke", "given": "Dick"}, {"literal": "ACME Corp."}]


@pytest.mark.parametrize("name_xml, expected", [
    ('<name and="text" delimiter-precedes-last="never"/>',
     "John Doe, Jane Roe, Dick van Dyke, and ACME Corp."),
    ('<name and="text" name-as-sort-order="all" delimiter-precedes-last="after-inverted-name"/>',
     "Doe, John, Roe, Jane, Dyke, Dick van, and ACME Corp."),
    ('<name et-al-min="3" et-al-use-first="1" delimiter-precedes-et-al="always"/>',
     "John Doe, et al."),
    ('<name et-al-min="3" et-al-use-first="1" et-al-use-last="true"/>',
     "John Doe … ACME Corp."),
])
def test_and_and_et_al(name_xml, expected):
    assert cite(name_xml, [{"author": PEOPLE}]) == [expected]


@pytest.mark.parametrize("locator, expected", [
    ("p. 5", "[p.] {5}"), ("5, p. 6", "[pp.] {5, 6}"), ("vol. 1-3", "[vols.] {1–3}"),
    ("vol. 1, p. 3-4", "[vol.] {1, pp. 3–4}"), ("xx. 5", "[p.] {xx. 5}"),
    ("ch. 5", "[chap.] {5}"), ("5, vol. 6", "[p.] {5, vol. 6}"),
])
def test_labels_written_in_locators(locator, expected):
    layout = ('<label variable="locator" form="short" prefix="[" suffix="]"/>'
              '<text variable="locator" prefix=" {" suffix="}"/>')
    assert cite("", [{"_cite": {"locator": locator}}], layout=layout) == [expected]


@pytest.mark.parametrize("volume, expected", [
    ("vol. 3", "NUM 3"), ("vol. iii", "NUM iii"), ("vol. 3 foo", "TXT 3 foo"),
    ("ch. 2a", "TXT ch. 2a"), ("vol.3", "TXT vol.3"),
])
def test_number_variable_with_its_own_label(volume, expected):
    layout = ('<choose><if is-numeric="volume"><text value="NUM"/></if>'
              '<else><text value="TXT"/></else></choose><text variable="volume" prefix=" "/>')
    assert cite("", [{"volume": volume}], layout=layout) == [expected]


def test_edition_with_a_labelled_part():
    layout = '<number variable="edition" form="ordinal"/>'
    assert cite("", [{"edition": "7, p. 3-8"}], layout=layout) == ["7th, pp. 3–8"]
