"""Bylines as commentaries print them (issue: 'Bylines'; DESIGN.md §3 'Names')."""

from __future__ import annotations

import pytest

from archive.names import BylineError, acronyms_from, initials, parse_byline
from tests.conftest import SEED_BYLINE

KNOWN = acronyms_from(["The Global Forum of Japan (GFJ)",
                       "The Japan Forum on International Relations (JFIR)"])


def test_the_seed_byline():
    p = parse_byline(SEED_BYLINE, KNOWN)
    assert (p.family, p.given, p.order) == ("Tokiwa", "Shin", "family-first")
    assert [(a.role, a.organization) for a in p.affiliations] == [
        ("Academic Member", "The Global Forum of Japan (GFJ)"),
        ("Distinguished Research Fellow", "The Japan Forum on International Relations (JFIR)"),
        ("Senior staff writer", "Tokyo Shimbun"),
    ]


def test_unknown_acronyms_stay_as_written():
    p = parse_byline(SEED_BYLINE)
    assert [a.organization for a in p.affiliations] == ["GFJ", "JFIR", "Tokyo Shimbun"]


@pytest.mark.parametrize("byline, family, given, order", [
    ("TOKIWA Shin", "Tokiwa", "Shin", "family-first"),
    ("Tokiwa, Shin", "Tokiwa", "Shin", None),
    ("Shin Tokiwa", "Tokiwa", "Shin", None),
    ("Shin TOKIWA", "Tokiwa", "Shin", None),
    ("KIM Jong-un", "Kim", "Jong-un", "family-first"),
    ("ŌTA Masahide", "Ōta", "Masahide", "family-first"),
    ("Jean-Paul Sartre", "Sartre", "Jean-Paul", None),
    ("O'BRIEN Conor", "O'Brien", "Conor", "family-first"),
])
def test_name_forms(byline, family, given, order):
    p = parse_byline(byline)
    assert (p.family, p.given, p.order) == (family, given, order)
    assert p.affiliations == []


def test_inverted_name_followed_by_affiliations():
    p = parse_byline("Tokiwa, Shin, Academic Member, GFJ", KNOWN)
    assert (p.family, p.given) == ("Tokiwa", "Shin")
    assert [(a.role, a.organization) for a in p.affiliations] == [
        ("Academic Member", "The Global Forum of Japan (GFJ)")]


def test_particles_and_suffixes_are_kept_apart():
    p = parse_byline("Ludwig van Beethoven")
    assert (p.given, p.non_dropping_particle, p.family) == ("Ludwig", "van", "Beethoven")
    p = parse_byline("van Beethoven, Ludwig")
    assert (p.given, p.non_dropping_particle, p.family) == ("Ludwig", "van", "Beethoven")
    p = parse_byline("Martin Luther King, Jr., Pastor, Ebenezer Baptist Church")
    assert (p.given, p.family, p.suffix) == ("Martin Luther", "King", "Jr.")
    assert p.affiliations[0].organization == "Ebenezer Baptist Church"


def test_an_affiliation_role_keeps_commas_in_the_organization():
    p = parse_byline("Shin Tokiwa, Professor, Faculty of Law, Keio University")
    assert [(a.role, a.organization) for a in p.affiliations] == [
        ("Professor", "Faculty of Law, Keio University")]


def test_organization_without_role():
    p = parse_byline("ITO Go / Meiji University")
    assert [(a.role, a.organization) for a in p.affiliations] == [(None, "Meiji University")]


@pytest.mark.parametrize("byline", ["", "   ", "12345", ", GFJ", "a@b.example", "///",
                                    "/ Academic Member, GFJ",
                                    "one two three four five six seven, Fellow"])
def test_bylines_it_cannot_read_are_refused(byline):
    with pytest.raises(BylineError) as info:
        parse_byline(byline)
    assert "byline" in str(info.value)


def test_acronyms_are_learned_from_names_in_the_archive():
    assert initials("The Japan Forum on International Relations") == "JFIR"
    known = acronyms_from(["The Global Forum of Japan", "Tokyo Shimbun"])
    assert known == {"GFJ": "The Global Forum of Japan (GFJ)"}  # two letters: too weak a guess
    # an explicit "(ACR)" wins over initials
    known = acronyms_from(["Global Friends of Jazz", "The Global Forum of Japan (GFJ)"])
    assert known["GFJ"] == "The Global Forum of Japan (GFJ)"
