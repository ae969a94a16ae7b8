"""`archive import`: CSL-JSON and our own YAML/JSON, all or nothing, nothing lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive.formats import csljson
from tests.conftest import DATA, REPO, SEED_ID, assert_refused
from tests.test_cli import files_under

ITEMS = DATA / "csl-items.json"


def _normalized(item: dict) -> dict:
    """CSL-JSON equivalences the CSL 1.0.2 schema allows: numbers may be strings;
    date-parts may be numeric strings; keywords are one comma-separated string."""
    out = {}
    for key, value in item.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, dict) and "date-parts" in value:
            value = {**value, "date-parts": [[int(p) for p in end]
                                             for end in value["date-parts"]]}
        if key == "keyword":
            value = ", ".join(re.split(r"\s*[,;]\s*", value))
        out[key] = value
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    from typer.testing import CliRunner

    from archive.cli import app
    from archive.store import init

    root = init(tmp_path_factory.mktemp("imp") / "arch")
    res = CliRunner().invoke(app, ["--root", str(root), "import", str(ITEMS)])
    assert res.exit_code == 0, res.stderr
    return root, res


def test_thirty_items_give_thirty_valid_records(imported, cli):
    root, res = imported
    items = json.loads(ITEMS.read_text())
    ids = res.stdout.split()
    assert len(ids) == len(items) == 30
    assert "Imported 30 record(s)" in res.stderr
    val = cli(root, "validate")
    assert val.exit_code == 0, val.stdout
    # valid slugs are kept as ids; the others are made and the CSL id kept
    for item, rid in zip(items, ids):
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", item["id"]):
            assert rid == item["id"]
        else:
            data = cli(root, "show", rid, "--format", "json").json
            assert data["identifiers"]["csl-id"] == item["id"]


def test_every_field_of_every_item_is_kept(imported, cli):
    root, res = imported
    items = json.loads(ITEMS.read_text())
    for item, rid in zip(items, res.stdout.split()):
        data = cli(root, "show", rid, "--format", "json").json
        back = csljson.data_to_item(data)
        if "custom" not in item and "custom" in back:
            # the export names our finer type (a report whose genre or series says
            # commentary was imported as a commentary); nothing of the item is lost
            assert back.pop("custom") == {csljson.OUR_TYPE_KEY: data["type"]}
        expected = _normalized(item)
        if expected["id"] != rid:
            expected["id"] = rid
            back.pop("csl-id", None)
        assert _normalized(back) == expected, item["id"]


def test_fields_land_where_a_librarian_expects_them(imported, cli):
    root, _ = imported
    show = lambda rid: cli(root, "show", rid, "--format", "json").json  # noqa: E731
    sato = show("sato-2023-alliance")
    assert sato["type"] == "commentary"  # a report in a "... Commentary" series
    assert sato["series"] == "GFJ Commentary" and sato["series_number"] == "118"
    assert sato["translators"] == [{"family": "Hughes", "given": "Margaret"}]
    assert sato["original"] == {"issued": "2023-02-27",
                                "title": "岐路に立つ日米同盟：抑止、負担分担、そしてクアッド",
                                "publisher": "日本国際フォーラム・グローバルフォーラム"}
    assert sato["title"].endswith("the <i>Quad</i>")  # markup kept as written
    assert sato["subjects"] == ["alliance", "deterrence", "burden-sharing", "Quad"]
    assert show("jfir-2022-quad")["authors"][0] == {
        "organization": "The Japan Forum on International Relations"}
    vandijk = show("vandijk-2015-deterrence")["authors"][0]
    assert vandijk["non_dropping_particle"] == "van"
    humboldt = show("humboldt-2020-keynote")
    assert humboldt["issued"] == "2020-01-14/2020-01-16"
    assert humboldt["authors"][0]["dropping_particle"] == "von"
    assert humboldt["csl"]["event-title"]
    assert show("tanaka-2024-economic-security")["issued"] == "2024-02-09"
    assert show("webster-2023-kishida-doctrine")["authors"][0]["suffix"] == "Jr."
    eight = [d for d in cli(root, "list", "--json").json if len(d.get("authors", [])) == 8]
    assert len(eight) == 1
    assert show("ota-2017-maritime")["type"] == "article"
    assert show("harrington-2019-alliance")["csl"]["type"] == "article-magazine"
    wang = show("wang-2020-belt-road")
    assert wang["issued"] == "2020" and wang["csl"]["issued"]["season"] == 2


def test_search_finds_imported_names_with_diacritics(imported, cli):
    root, _ = imported
    for query in ["Sorensen", "Celik", "Dang", "lukasz", "Ota"]:
        hits = cli(root, "search", query, "--json").json
        assert hits, query


def test_same_author_and_year_three_times_are_not_duplicates(imported, cli):
    root, _ = imported
    val = cli(root, "validate")
    assert "likely duplicate" not in val.stdout


def test_dry_run_and_reimport(imported, cli, tmp_path):
    root, _ = imported
    before = files_under(root)
    res = cli(root, "import", str(ITEMS), "--dry-run")
    assert res.exit_code == 1  # the ids exist now: refused, named, nothing written
    assert "item 1 (id sato-2023-alliance), line 2: id 'sato-2023-alliance' already exists" in res.stderr
    assert files_under(root) == before


def _write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


GOOD = {"id": "good-1", "type": "report", "title": "Fine",
        "issued": {"date-parts": [[2022, 6, 1]]}}


@pytest.mark.parametrize("bad, message", [
    ({**GOOD, "id": "b", "author": "Tokiwa Shin"},
     "item 2 (id b), line 1: author: must be a list of names, not str 'Tokiwa Shin'"),
    ({**GOOD, "id": "b", "author": ["Tokiwa Shin"]},
     "item 2 (id b), line 1: author[0]: a name must be an object"),
    ({**GOOD, "id": "b", "issued": {"date-parts": [["June", 2022]]}},
     "item 2 (id b), line 1: issued.date-parts[0][0]: 'June' is not a number"),
    ({**GOOD, "id": "b", "issued": {"date-parts": [[2022, 2, 30]]}},
     "item 2 (id b), line 1: issued.date-parts[0]: '2022-02-30' is not a date"),
    ({**GOOD, "id": "b", "type": "poem"}, "item 2 (id b), line 1: type: 'poem' is not a CSL item type"),
    ({"id": "b", "title": "No type"}, "item 2 (id b), line 1: type: is required in CSL-JSON"),
    ({**GOOD, "id": "b", "title": ""}, "item 2 (id b), line 1: title: is required"),
    ({**GOOD, "id": "b", "author": [{"given": None}]}, "item 2 (id b), line 1: author[0]: a name needs "
                                                      "family, given or literal"),
    ("just a string", "item 2, line 1: must be an object, not str"),
    ({**GOOD, "id": "good-1"}, "item 2 (id good-1), line 1: id 'good-1' appears more than once"),
])
def test_one_bad_item_and_nothing_is_written(cli, empty_root, tmp_path, bad, message):
    path = _write(tmp_path, "items.json", [GOOD, bad])
    res = cli(empty_root, "import", str(path), "--format", "csl-json")
    assert "1 of 2 items cannot be imported; nothing was written" in res.stderr
    assert_refused(res, message, empty_root)


@pytest.mark.parametrize("name, content, message", [
    ("x.json", "[{\"id\": 1,}]", "x.json, line 1, column 11: not valid JSON"),
    ("x.json", "", "x.json: the file is empty"),
    ("x.yaml", "- title: [\n", "x.yaml, line 2, column 1: not valid YAML"),
    ("x.json", "{\"items\": 3}", "CSL-JSON must be a list of items"),
    ("x.json", "[]", "x.json: no records in the file"),
    ("x.yaml", "- id: ../x\n  title: T\n", "item 1 (id ../x): id: '../x' is not a valid id"),
    ("x.yaml", "- id: .hidden\n  title: T\n", "item 1 (id .hidden): id: '.hidden' is not a"),
])
def test_malformed_import_files(cli, empty_root, tmp_path, name, content, message):
    path = _write(tmp_path, name, content)
    fmt = ["--format", "csl-json"] if "items" in content else []
    assert_refused(cli(empty_root, "import", str(path), *fmt), message, empty_root)


def test_import_our_own_yaml_and_json(cli, empty_root, tmp_path):
    seed = (REPO / "records" / SEED_ID / "record.yaml").read_text()
    path = _write(tmp_path, "one.yaml", seed)
    res = cli(empty_root, "import", str(path))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.split() == [SEED_ID]
    shown = cli(empty_root, "show", SEED_ID, "--format", "json").json
    original = cli(REPO, "show", SEED_ID, "--format", "json").json
    assert shown == original  # provenance included: an import moves a record whole
    records = [{"title": f"Record {i}", "issued": "2020", "authors": [{"family": "Abe"}]}
               for i in range(3)]
    path = _write(tmp_path, "many.json", {"records": records})
    res = cli(empty_root, "import", str(path))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.split() == ["abe-2020-record-0", "abe-2020-record-1", "abe-2020-record-2"]
    bad = _write(tmp_path, "bad.json", [{"title": "ok"}, {"title": "x", "issued": "2022-02-30"}])
    res = cli(empty_root, "import", str(bad))
    assert res.exit_code == 1
    assert "item 2: issued: '2022-02-30' is not a date" in res.stderr


def test_format_is_detected_and_announced(cli, empty_root, tmp_path):
    path = _write(tmp_path, "zotero.json", [GOOD])
    res = cli(empty_root, "import", str(path))
    assert res.exit_code == 0
    assert "(csl-json)" in res.stderr
    assert cli(empty_root, "import", str(path), "--format", "bibtex").exit_code == 1


def test_doubtful_values_are_kept_not_refused(cli, empty_root, tmp_path):
    """A URL or DOI we would not accept from a librarian is kept as written (in csl),
    with a note, rather than failing a whole import; so are unknown name parts."""
    item = {**GOOD, "URL": "ftp://archive.example/x", "DOI": "doi 10/abc",
            "author": [{"family": "Tokiwa", "given": "Shin", "sequence": "first",
                        "multi": {"_key": {"ja": {"family": "常盤", "given": "伸"}}}},
                       {"literal": "GFJ", "parse-names": False}]}
    path = _write(tmp_path, "items.json", [item])
    res = cli(empty_root, "import", str(path), "--verbose")
    assert res.exit_code == 0, res.stderr
    assert "URL: 'ftp://archive.example/x' is not a valid URL; kept as written" in res.stderr
    data = cli(empty_root, "show", "good-1", "--format", "json").json
    assert "url" not in data and data["csl"]["URL"] == "ftp://archive.example/x"
    assert data["authors"][0]["csl"]["multi"]["_key"]["ja"]["family"] == "常盤"
    assert _normalized(csljson.data_to_item(data)) == _normalized(item)
