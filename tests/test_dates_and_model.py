"""The record model: partial dates, required fields, ids, and messages that name the field."""

from __future__ import annotations

import pytest

from archive import dates
from archive.errors import InvalidRecord
from archive.model import Organization, Person, validate_record


@pytest.mark.parametrize("text", ["2022", "2022-06", "2022-06-01", "2024-02-29",
                                  "2020-01-01/2020-01-03", "2019/2021"])
def test_partial_iso_dates_are_accepted(text):
    assert dates.validate(text) == text


@pytest.mark.parametrize("text, reason", [
    ("2022-02-30", "February 2022 has 28 days"),
    ("2023-02-29", "February 2023 has 28 days"),
    ("2022-13", "month 13 does not exist"),
    ("2022-04-31", "April 2022 has 30 days"),
    ("22-06-01", "write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("June 1, 2022", "write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2022-06-03/2022-06-01", "ends before it starts"),
])
def test_impossible_dates_are_refused_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        dates.validate(text)


def test_yaml_dates_and_years_are_read_as_iso_text():
    import datetime

    assert dates.validate(datetime.date(2022, 6, 1)) == "2022-06-01"
    assert dates.validate(2022) == "2022"


def test_is_after_compares_at_the_shared_precision():
    assert dates.is_after("2022-07", "2022-06-30")
    assert not dates.is_after("2022", "2022-06-01")  # same year: not certainly later
    assert not dates.is_after("2022-05-19", "2022-06-01")


def _errors(data):
    with pytest.raises(InvalidRecord) as info:
        validate_record(data)
    return info.value.details


def test_message_names_the_nested_field():
    errors = _errors({
        "id": "a", "title": "T",
        "authors": [{"family": "Tokiwa", "affiliations": [
            {"role": "Academic Member", "organization": "GFJ"},
            {"role": "Fellow", "organization": "  "}]}],
    })
    assert errors == ["authors[0].affiliations[1].organization: must not be empty"]


def test_every_problem_is_reported_at_once():
    errors = _errors({"id": "../x", "title": "", "type": "poem", "issued": "2022-02-30",
                      "authors": ["Tokiwa Shin", {"organization": ""}], "colour": "red"})
    fields = [e.split(":")[0] for e in errors]
    assert fields == ["id", "type", "title", "issued", "authors[0]", "authors[1].organization",
                      "colour"]
    assert "'poem' is not a type; use one of: commentary, op-ed" in errors[1]
    assert errors[3] == "issued: '2022-02-30' is not a date: February 2022 has 28 days"
    assert errors[6] == "colour: is not a field here (check the spelling)"


@pytest.mark.parametrize("bad", ["../x", ".hidden", "a/b", "Upper", "-lead", "", "a b",
                                 "x" * 101])
def test_ids_are_slugs_never_paths(bad):
    errors = _errors({"id": bad, "title": "T"})
    assert errors[0].startswith("id: ")


def test_original_cannot_be_later_than_the_translation():
    errors = _errors({"id": "a", "title": "T", "issued": "2022-06-01",
                      "original": {"issued": "2022-06-02"}})
    assert errors == ["original.issued: the original (2022-06-02) cannot be later than this "
                      "record's issued date (2022-06-01)"]


def test_text_is_nfc_and_stripped_and_empty_optionals_drop():
    decomposed = "O\u0304ta"  # O + combining macron
    r = validate_record({"id": "a", "title": "  T  ", "subtitle": "",
                         "authors": [{"family": decomposed}]})
    assert r.title == "T"
    assert r.subtitle is None
    assert r.authors[0].family == "\u014cta"


def test_agents_are_persons_or_organizations():
    r = validate_record({"id": "a", "title": "T", "authors": [
        {"family": "Tokiwa", "given": "Shin", "order": "family-first"},
        {"organization": "The Global Forum of Japan"}]})
    assert isinstance(r.authors[0], Person) and r.authors[0].order == "family-first"
    assert isinstance(r.authors[1], Organization)


@pytest.mark.parametrize("field, value, expected", [
    ("language", "English", "is not a language tag"),
    ("url", "www.gfj.jp", "is not a web address"),
    ("doi", "doi.org/abc", "is not a DOI"),
])
def test_identifier_shapes(field, value, expected):
    errors = _errors({"id": "a", "title": "T", field: value})
    assert errors[0].startswith(f"{field}: ") and expected in errors[0]


def test_doi_prefixes_are_removed():
    r = validate_record({"id": "a", "title": "T", "doi": "https://doi.org/10.1234/ABC.5"})
    assert r.doi == "10.1234/ABC.5"


def test_archived_file_paths_stay_inside_the_folder():
    for bad in ["../x.txt", "/etc/passwd", ".hidden", "record.yaml", "a/../b"]:
        errors = _errors({"id": "a", "title": "T", "files": [
            {"path": bad, "media_type": "text/plain", "bytes": 1, "sha256": "0" * 64}]})
        assert errors[0].startswith("files[0].path: ")
