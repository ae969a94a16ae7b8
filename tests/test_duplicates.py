"""Likely duplicates (issue 5): same DOI or web address, same archived file, or same
title, first author in any name order, and year; a translation is not a duplicate of its
original. On the library, and through add, import and validate."""

from __future__ import annotations

import json
import shutil

import pytest

from archive import duplicates
from archive.names import parse_byline, parse_name
from tests.conftest import SEED_ID

TITLE = "Do not be disturbed by the “suspension” of peace treaty negotiations with Russia"


def record(id, *, title=TITLE, author="TOKIWA Shin", issued="2022-06-01", language="en",
           **extra):
    person = parse_name(author).model_dump(exclude_none=True, exclude_defaults=True)
    return {"id": id, "title": title, "authors": [person], "issued": issued,
            **({"language": language} if language else {}), **extra}


def ids(matches):
    return sorted(m.id for m in matches)


@pytest.mark.parametrize("other", [
    "Shin Tokiwa",          # given name first
    "Tokiwa, Shin",         # inverted with a comma
    "TOKIWA Shin",          # as the publisher prints it
    "S. Tokiwa",            # initials
    "Tokiwa",               # family name only
])
def test_first_author_in_any_name_order_is_one_person(other):
    found = duplicates.find(record("b", author=other), [record("a")])
    assert [(m.id, m.reason) for m in found] == [("a", "same title, first author and year")]


def test_a_name_another_reader_split_the_wrong_way_is_the_same_person():
    # BibTeX's rules read "TOKIWA Shin" as given TOKIWA, family Shin: still the same words
    misread = {**record("b"), "authors": [{"given": "TOKIWA", "family": "Shin"}]}
    assert ids(duplicates.find(misread, [record("a")])) == ["a"]


@pytest.mark.parametrize("other", ["Kenji Tokiwa", "K. Tokiwa", "Shin Ota", "Tokiwa Kenji"])
def test_other_people_are_not_the_same_author(other):
    assert duplicates.find(record("b", author=other), [record("a")]) == []


@pytest.mark.parametrize("change", [
    {"title": "Another title"}, {"issued": "2023-06-01"},
])
def test_other_title_or_year_is_not_a_duplicate(change):
    assert duplicates.find(record("b", **change), [record("a")]) == []


def test_title_compared_without_case_punctuation_or_accents():
    other = record("b", title="DO NOT BE DISTURBED BY THE SUSPENSION OF PEACE TREATY "
                              "NEGOTIATIONS WITH RUSSIA!", issued="2022")
    assert ids(duplicates.find(other, [record("a")])) == ["a"]


def test_a_translation_is_not_a_duplicate_of_its_original():
    original = record("ja", language="ja")
    translation = record("en", original={"language": "ja", "issued": "2022-05-19"})
    assert duplicates.find(translation, [original]) == []
    assert duplicates.find(original, [translation]) == []
    # the original's language unknown: the translation says what it translates
    unknown = record("ja2", language=None)
    assert ids(duplicates.find(translation, [unknown])) == ["ja2"]  # nothing tells them apart
    original_ja_region = record("ja3", language="ja-JP")
    assert duplicates.find(translation, [original_ja_region]) == []


@pytest.mark.parametrize("a,b", [
    ("https://www.gfj.jp/e/commentary/220601.pdf", "http://gfj.jp/e/commentary/220601.pdf"),
    ("https://gfj.jp/e/commentary/", "https://GFJ.jp/e/commentary#top"),
])
def test_same_web_address(a, b):
    found = duplicates.find(record("b", title="X", url=b), [record("a", title="Y", url=a)])
    assert [(m.id, m.reason) for m in found] == [("a", "same web address")]


def test_different_pages_on_one_site_are_not_duplicates():
    assert duplicates.find(record("b", title="X", url="https://gfj.jp/e/a.pdf"),
                           [record("a", title="Y", url="https://gfj.jp/e/b.pdf")]) == []


def test_same_doi_whatever_the_case():
    found = duplicates.find(record("b", title="X", doi="10.1234/ABC"),
                            [record("a", title="Y", doi="10.1234/abc")])
    assert [(m.id, m.reason) for m in found] == [("a", "same DOI")]


def test_same_archived_file():
    digest = "9" * 64
    f = [{"path": "a.txt", "media_type": "text/plain", "bytes": 1, "sha256": digest}]
    found = duplicates.find(record("b", title="X", files=f), [record("a", title="Y", files=f)])
    assert [(m.id, m.reason) for m in found] == [("a", "same archived file")]


def test_pairs_once_each_with_the_reason():
    rows = [record("c", author="Shin Tokiwa"), record("a"), record("b", title="Z", doi="10.1/x"),
            record("d", title="W", doi="10.1/X"), record("e", language="ja")]
    assert duplicates.pairs(rows) == [("a", "c", "same title, first author and year"),
                                      ("b", "d", "same DOI")]


def test_a_record_is_not_its_own_duplicate():
    assert duplicates.find(record("a"), [record("a")]) == []


def test_byline_and_name_parsers_agree_with_the_finder():
    # the record of the seed as `archive add --byline` makes it, against "Shin Tokiwa"
    seed = record("a")
    seed["authors"] = [parse_byline("TOKIWA Shin, Academic Member, GFJ").model_dump(
        exclude_none=True, exclude_defaults=True)]
    assert ids(duplicates.find(record("b", author="Shin Tokiwa"), [seed])) == ["a"]


# --------------------------------------------------------------------------- through the CLI


def test_add_warns_of_a_duplicate_in_the_other_name_order(cli, seed_root):
    res = cli(seed_root, "add", "--title", TITLE, "--byline", "Shin Tokiwa",
              "--issued", "2022-06-01", "--language", "en", "--no-duplicates")
    assert res.exit_code == 1
    assert f"likely duplicate of {SEED_ID} (same title, first author and year)" in res.stderr
    assert sorted(p.name for p in (seed_root / "records").iterdir()) == [SEED_ID]


def test_add_refuses_the_same_web_address(cli, seed_root):
    url = "https://www.gfj.jp/e/commentary/220601.pdf"
    assert cli(seed_root, "edit", SEED_ID, "--set", f"url={url}").exit_code == 0
    res = cli(seed_root, "add", "--title", "Something else", "--byline", "Taro Yamada",
              "--issued", "2020", "--url", url.replace("https://www.", "http://"),
              "--no-duplicates")
    assert res.exit_code == 1 and f"{SEED_ID} (same web address)" in res.stderr


def test_import_refuses_the_same_doi_and_validate_lists_the_pair(cli, empty_root, tmp_path):
    items = [{"id": "first", "type": "report", "title": "One", "DOI": "10.5555/gfj.1",
              "author": [{"family": "Ota", "given": "Ken"}], "issued": {"date-parts": [[2021]]}},
             {"id": "second", "type": "report", "title": "Two", "DOI": "10.5555/GFJ.1",
              "author": [{"family": "Sato", "given": "Yu"}], "issued": {"date-parts": [[2020]]}}]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    res = cli(empty_root, "import", str(path))
    assert res.exit_code == 1
    assert "likely duplicate of first (same DOI)" in res.stderr
    assert list((empty_root / "records").iterdir()) == []
    res = cli(empty_root, "import", str(path), "--on-duplicate", "new")
    assert res.exit_code == 0, res.stderr
    res = cli(empty_root, "validate")
    assert res.exit_code == 0  # duplicates are warnings
    assert "likely duplicate of second (same DOI) (warning)" in res.stdout
    assert cli(empty_root, "validate", "--strict").exit_code == 1


def test_validate_does_not_pair_a_translation_with_its_original(cli, seed_root):
    ja = seed_root / "records" / "tokiwa-2022-ja"
    shutil.copytree(seed_root / "records" / SEED_ID, ja)
    text = (ja / "record.yaml").read_text(encoding="utf-8")
    text = text.replace(f"id: {SEED_ID}", "id: tokiwa-2022-ja").replace("language: en",
                                                                         "language: ja")
    (ja / "record.yaml").write_text(text, encoding="utf-8")
    res = cli(seed_root, "validate")
    assert res.exit_code == 0 and "likely duplicate" not in res.stdout
