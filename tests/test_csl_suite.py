"""The CSL processor test suite, run through archive.csl, against a list of known failures.

The list (tests/csl_known_failures.txt) may only shrink: a fixture outside it that fails is an
error, and so is a listed fixture that now passes (rewrite the list with
`python tests/csl_suite.py --update-known`). Fixtures: ../shared/csl-test-suite/humans; the
tests skip when that folder is absent."""

from __future__ import annotations

import json

import pytest

from tests import csl_suite as suite

FOLDER = suite.DEFAULT_DIR
needs_fixtures = pytest.mark.skipif(not FOLDER.is_dir(),
                                    reason=f"CSL test-suite folder {FOLDER} not found")


@pytest.fixture(scope="module")
def outcomes() -> dict[str, suite.Outcome]:
    return {o.name: o for o in suite.run_suite(FOLDER)}


@needs_fixtures
def test_no_new_failures(outcomes):
    known = suite.read_known()
    new = [o for name, o in outcomes.items() if not o.passed and name not in known]
    if new:
        report = "\n\n".join(f"{o.name}: {o.reason()}\n{o.diff(8) if o.got is not None else ''}"
                             for o in new[:15])
        more = f"\n\n... and {len(new) - 15} more" if len(new) > 15 else ""
        pytest.fail(f"{len(new)} CSL fixture(s) fail that are not known failures: "
                    f"{', '.join(o.name for o in new)}\n\n{report}{more}", pytrace=False)


@needs_fixtures
def test_known_failures_only_shrink(outcomes):
    known = suite.read_known()
    now_passing = sorted(n for n in known if n in outcomes and outcomes[n].passed)
    missing = sorted(n for n in known if n not in outcomes)
    problems = []
    if now_passing:
        problems.append(f"{len(now_passing)} known failure(s) now pass: {', '.join(now_passing)}")
    if missing:
        problems.append(f"{len(missing)} listed fixture(s) do not exist: {', '.join(missing)}")
    if problems:
        pytest.fail("; ".join(problems) + ". Run `python tests/csl_suite.py --update-known` so "
                    "the list only shrinks.", pytrace=False)


def test_known_failures_file_is_sorted_names():
    lines = suite.KNOWN_FAILURES.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert all(line and line == line.strip() and " " not in line for line in lines)


# --- the parser, on real fixtures -------------------------------------------------------------


@needs_fixtures
def test_parse_plain_citation_fixture():
    fx = suite.parse_fixture(FOLDER / "name_WesternSimple.txt")
    assert fx.name == "name_WesternSimple"
    assert fx.mode == "citation"
    assert fx.citation_items is None and fx.citations is None
    assert fx.result == "AAhad M. Doe"
    assert [i["id"] for i in fx.items] == ["ITEM-1"]
    assert fx.items[0]["author"][0]["family"] == "Doe"
    assert fx.csl.lstrip().startswith("<style") and fx.csl.rstrip().endswith("</style>")
    assert fx.version == "1.0"


@needs_fixtures
def test_parse_citation_items_and_old_section_markers():
    # `>>==== NAME ====>>` (four signs) and a two-line RESULT
    path = FOLDER / "bugreports_BadCitationUpdate.txt"
    assert ">>==== CITATION-ITEMS ====>>" in path.read_text(encoding="utf-8")
    fx = suite.parse_fixture(path)
    assert fx.mode == "citation"
    assert fx.result.split("\n") == ["C. Grignon, C. Sentenac 2000a",
                                     "C. Grignon, C. Sentenac 2000b"]
    assert fx.citation_items == [[{"id": "ITEM-0"}], [{"id": "ITEM-1"}]]
    assert [i["id"] for i in fx.items] == ["ITEM-0", "ITEM-1"]
    assert fx.version == "1.0"


@needs_fixtures
def test_parse_citations_fixture():
    fx = suite.parse_fixture(FOLDER / "integration_IbidOnInsert.txt")
    assert fx.mode == "citation"
    assert fx.citation_items is None
    assert [c[0]["citationID"] for c in fx.citations] == [
        "CITATION-1", "CITATION-2", "CITATION-3", "CITATION-4"]
    assert [c[0]["properties"]["noteIndex"] for c in fx.citations] == [1, 2, 3, 2]
    assert fx.citations[3][1] == [["CITATION-1", 1]]
    assert fx.citations[3][2] == [["CITATION-2", 3], ["CITATION-3", 4]]
    assert fx.result.split("\n") == ["..[0] (Doe p. 12)", ">>[1] (Noakes p. 34)",
                                     ">>[2] (Ibid.)", "..[3] (Snoakes p. 45)"]
    assert len(fx.items) == 4


@needs_fixtures
def test_every_top_level_fixture_parses():
    paths = suite.fixture_paths(FOLDER)
    assert len(paths) >= 800
    modes = {suite.parse_fixture(p).mode for p in paths}
    assert modes == {"citation", "bibliography"}


# --- the runner's own logic, without the fixture folder ------------------------------------------


def test_sections_tolerate_marker_widths_and_crlf():
    text = ("junk\r\n>>== MODE ==>>\r\ncitation\r\n<<== MODE ==<<\r\n"
            ">>===== RESULT =====>>\r\n  a\r\nb \r\n<<===== RESULT =====<<\r\n")
    assert suite.parse_sections(text) == {"MODE": "citation", "RESULT": "  a\nb "}


def test_unbalanced_sections_are_fixture_errors():
    with pytest.raises(suite.FixtureError, match="never closed"):
        suite.parse_sections(">>== MODE ==>>\ncitation\n")
    with pytest.raises(suite.FixtureError, match="closes"):
        suite.parse_sections(">>== MODE ==>>\ncitation\n<<== RESULT ==<<\n")


def test_bibliography_layout_matches_reference_html():
    entries = ['<div class="csl-left-margin">[1]</div><div class="csl-right-inline"> A.</div>',
               "Plain <i>entry</i>"]
    assert suite.format_bibliography(entries) == (
        '<div class="csl-bib-body">\n'
        '  <div class="csl-entry">\n'
        '    <div class="csl-left-margin">[1]</div><div class="csl-right-inline"> A.</div>\n'
        '  </div>\n'
        '  <div class="csl-entry">Plain <i>entry</i></div>\n'
        '</div>')
    block = '<div class="csl-block">Doe</div><div class="csl-left-margin">1999</div>' \
            '<div class="csl-right-inline">Book</div>'
    assert suite.layout_entry(block) == (
        '\n\n    <div class="csl-block">Doe</div>\n'
        '\n    <div class="csl-left-margin">1999</div><div class="csl-right-inline">Book</div>\n  ')


def test_an_engine_exception_fails_only_that_fixture(tmp_path):
    bad = tmp_path / "broken_NotXml.txt"
    bad.write_text(">>== MODE ==>>\ncitation\n<<== MODE ==<<\n>>== RESULT ==>>\nx\n"
                   "<<== RESULT ==<<\n>>== CSL ==>>\n<style\n<<== CSL ==<<\n"
                   f">>== INPUT ==>>\n{json.dumps([{'id': 'A', 'type': 'book'}])}\n"
                   "<<== INPUT ==<<\n", encoding="utf-8")
    missing = tmp_path / "broken_NoInput.txt"
    missing.write_text(">>== MODE ==>>\ncitation\n<<== MODE ==<<\n", encoding="utf-8")
    results = suite.run_suite(tmp_path, workers=1)
    assert [(o.name, o.passed) for o in results] == [("broken_NoInput", False),
                                                     ("broken_NotXml", False)]
    assert results[0].error.startswith("FixtureError")
    assert results[1].error.startswith("StyleError")


def test_script_skips_cleanly_without_the_folder(tmp_path, capsys):
    assert suite.main([str(tmp_path / "absent")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out and "not found" in out[-1]
