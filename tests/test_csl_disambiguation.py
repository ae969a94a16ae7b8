"""archive.csl: cite positions, disambiguation, collapsing and the edited document
(Processor.process_citation_cluster). Expected values are citeproc-js's output for the
same style and items (the CSL test-suite's disambiguate_*, position_* and collapse_*
fixtures check the same rules on more cases)."""

from __future__ import annotations

from archive.csl.api import Processor, load_style

NS = 'xmlns="http://purl.org/net/xbiblio/csl"'


def style(citation_attrs: str, layout: str, cls: str = "in-text", layout_attrs: str = "") -> object:
    return load_style(xml=f"""<style {NS} class="{cls}" version="1.0">
  <info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation {citation_attrs}><layout {layout_attrs}>{layout}</layout></citation>
</style>""")


def person(family: str, given: str) -> dict:
    return {"family": family, "given": given}


def book(key: str, authors: list[dict], year: int = 1980, title: str = "T") -> dict:
    return {"id": key, "type": "book", "title": title, "author": authors,
            "issued": {"date-parts": [[year]]}}


NAMES_YEAR = """<group delimiter=" ">
  <names variable="author"><name initialize-with=". " and="symbol" delimiter-precedes-last="never" form="short"/></names>
  <date variable="issued" prefix="(" suffix=")"><date-part name="year"/></date>
</group>"""


def test_add_names_then_givennames_keep_only_the_steps_that_help():
    # citeproc-js (disambiguate_AndreaEg1b): a name is added for all the ambiguous cites;
    # a given name is shown only where it tells the cites apart
    st = style('et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" '
               'disambiguate-add-givenname="true"', NAMES_YEAR, "note", 'delimiter="; "')
    j = person
    items = [book("1", [j("Smith", "John"), j("Brown", "John"), j("Jones", "John")]),
             book("2", [j("Smith", "John"), j("Brown", "John"), j("Jones", "John")]),
             book("3", [j("Smith", "John"), j("Benson", "John"), j("Jones", "John")]),
             book("4", [j("Smith", "John"), j("Brown", "John"), j("Jones", "Arthur")])]
    out = Processor(st, items).citations([[{"id": "1"}, {"id": "3"}, {"id": "4"}]])
    assert out == ["Smith, Brown & J. Jones (1980); Smith, Benson, et al. (1980); "
                   "Smith, Brown & A. Jones (1980)"]


def test_year_suffix_when_names_cannot_tell_apart():
    st = style('et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" '
               'disambiguate-add-year-suffix="true"', NAMES_YEAR, "in-text", 'delimiter="; "')
    j = person
    items = [book("1", [j("Smith", "John"), j("Brown", "John"), j("Jones", "John")]),
             book("2", [j("Smith", "John"), j("Brown", "John"), j("Jones", "John")])]
    out = Processor(st, items).citations([[{"id": "1"}, {"id": "2"}]])
    assert out == ["Smith et al. (1980a); Smith et al. (1980b)"]


def test_ibid_needs_a_lone_cite_in_the_previous_note():
    # position_IbidWithMultipleSoloCitesInBackref
    layout = ('<choose><if position="ibid"><text term="ibid"/></if>'
              '<else><names variable="author"><name form="short"/></names></else></choose>')
    st = style("", layout, "note", 'delimiter="; "')
    items = [book("a", [person("Aalto", "A")]), book("b", [person("Alvarez", "A")])]
    p = Processor(st, items)
    out = p.citations([[{"id": "a"}], [{"id": "b"}], [{"id": "b"}], [{"id": "b"}]],
                      note_indexes=[1, 1, 2, 3])
    # the second note-1 citation makes note 1 hold two cites: no ibid in note 2;
    # a term first in a note citation is capitalized
    assert out == ["Aalto", "Alvarez", "Alvarez", "Ibid."]


def test_near_note_distance_zero():
    layout = ('<choose><if position="near-note"><text value="near"/></if>'
              '<else><text value="far"/></else></choose>')
    st = style('near-note-distance="0"', layout, "note", 'delimiter="; "')
    items = [book("a", [person("A", "B")])]
    out = Processor(st, items).citations([[{"id": "a"}, {"id": "a"}], [{"id": "a"}]],
                                         note_indexes=[1, 2])
    assert out == ["far; near", "far"]


def test_year_suffix_ranges_and_delimiters():
    # collapse_YearSuffixCollapse
    layout = NAMES_YEAR.replace(' prefix="(" suffix=")"', "")
    st = style('collapse="year-suffix-ranged" disambiguate-add-year-suffix="true" '
               'year-suffix-delimiter=","', layout, "note", 'delimiter=", "')
    items = [book(str(i), [person("Smith", "J")], 2000, f"T{i}") for i in range(4)]
    items.append(book("x", [person("Smith", "J")], 2001))
    out = Processor(st, items).citations([[{"id": k} for k in ("0", "1", "2", "3", "x")],
                                          [{"id": k} for k in ("0", "2", "3", "x")]])
    # two suffixes in a row are no range (citeproc-js)
    assert out == ["Smith 2000a–d, 2001", "Smith 2000a,c,d, 2001"]


def test_process_citation_cluster_reports_what_an_edit_changes():
    layout = ('<choose><if position="subsequent"><names variable="author"><name form="short"/>'
              '</names><text variable="first-reference-note-number" prefix=", supra note "/></if>'
              '<else><names variable="author"><name form="short"/></names>'
              '<text variable="title" prefix=", "/></else></choose>')
    st = style("", layout, "note", 'delimiter="; "')
    items = [book("a", [person("Doe", "J")], title="Life"),
             book("b", [person("Roe", "J")], title="Book")]
    p = Processor(st, items, fmt="html")
    c1 = {"citationID": "C1", "citationItems": [{"id": "a"}], "properties": {"noteIndex": 1}}
    c2 = {"citationID": "C2", "citationItems": [{"id": "a"}], "properties": {"noteIndex": 2}}
    c0 = {"citationID": "C0", "citationItems": [{"id": "b"}], "properties": {"noteIndex": 1}}
    assert p.process_citation_cluster(c1, [], []) == [(0, "Doe, Life", "C1")]
    assert p.process_citation_cluster(c2, [["C1", 1]], []) == [(1, "Doe, supra note 1", "C2")]
    # a new first note renumbers the others: the back-reference changes, so both of a's
    # citations are printed again
    got = p.process_citation_cluster(c0, [], [["C1", 2], ["C2", 3]])
    assert got == [(0, "Roe, Book", "C0"), (1, "Doe, Life", "C1"),
                   (2, "Doe, supra note 2", "C2")]


def test_global_givenname_rules_follow_the_initials():
    # citeproc-js: a family name shared by different people shows initials when initials
    # tell some of them apart; with primary-name (not *-with-initials), full given names
    # where initials do not
    def st(rule):
        return style('et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" '
                     f'disambiguate-add-givenname="true" givenname-disambiguation-rule="{rule}"',
                     '<group delimiter=" "><names variable="author"><name form="short" '
                     'initialize-with=". " and="text" delimiter=", "/></names>'
                     '<date variable="issued"><date-part name="year"/></date></group>',
                     "in-text", 'prefix="(" suffix=")" delimiter="; "')
    p = person
    items = [book("a", [p("Smith", "John")], 2000), book("b", [p("Smith", "Jane"), p("Lee", "Al")], 2001),
             book("c", [p("Smith", "J. R.")], 2002),
             book("d", [p("Jones", "Ann"), p("Lee", "Al"), p("Brown", "B")], 2003),
             book("e", [p("Jones", "Bob"), p("Kim", "Al"), p("Brown", "B")], 2003)]
    clusters = [[{"id": i["id"]}] for i in items]
    assert Processor(st("primary-name-with-initials"), items).citations(clusters) == [
        "(J. Smith 2000)", "(J. Smith and Lee 2001)", "(J. R. Smith 2002)",
        "(A. Jones et al. 2003)", "(B. Jones et al. 2003)"]
    assert Processor(st("primary-name"), items).citations(clusters) == [
        "(John Smith 2000)", "(Jane Smith and Lee 2001)", "(J. R. Smith 2002)",
        "(A. Jones et al. 2003)", "(B. Jones et al. 2003)"]
