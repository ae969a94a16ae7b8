"""The published snapshot (archive.catalog): datestamps, sets, tombstones, settings."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from archive import catalog
from archive.errors import ArchiveError
from archive.store import Archive
from tests.conftest import SEED_ID

UTC = dt.timezone.utc


def _add(archive: Archive, title: str, series: str | None = None, **extra) -> str:
    data = {"type": "report", "title": title, "issued": "2023-01-02", "language": "en",
            "authors": [{"family": "Sato", "given": "Aiko"}], **extra}
    if series:
        data["series"] = series
    return archive.add(data).id


def test_seed_datestamp_is_its_provenance_updated_in_utc(seed_root):
    cat = catalog.load(Archive(seed_root))
    entry = cat.get(SEED_ID)
    # records/<seed>/record.yaml says: updated: 2026-11-27T16:40:00Z
    assert entry.datestamp == dt.datetime(2026, 11, 27, 16, 40, tzinfo=UTC)
    assert catalog.format_datestamp(entry.datestamp) == "2026-11-27T16:40:00Z"
    assert entry.sets == ("gfj-commentary",)
    assert [(s.spec, s.name) for s in cat.sets] == [("gfj-commentary", "GFJ Commentary")]
    assert not entry.deleted and entry.data["title"].startswith("Do not be disturbed")
    assert cat.earliest == entry.datestamp


def test_an_edit_moves_the_datestamp_and_the_order(empty_root):
    archive = Archive(empty_root)
    first = _add(archive, "First", "Policy Brief",
                 provenance={"added": "2020-01-01T00:00:00Z", "updated": "2020-01-01T00:00:00Z"})
    second = _add(archive, "Second", provenance={"added": "2021-05-06T07:08:09+09:00",
                                                 "updated": "2021-05-06T07:08:09+09:00"})
    before = catalog.load(archive)
    assert [e.id for e in before.entries] == [first, second]
    assert before.get(second).datestamp == dt.datetime(2021, 5, 5, 22, 8, 9, tzinfo=UTC)
    record = archive.read(first)
    archive.save(record.model_copy(update={"title": "First, revised"}))
    after = catalog.load(archive)
    stamp = archive.read(first).provenance.updated
    assert stamp.year >= 2026
    assert after.get(first).datestamp == stamp.astimezone(UTC).replace(microsecond=0)
    assert [e.id for e in after.entries] == [second, first]  # the latest change comes last
    assert after.get(second).sets == ()


def test_removed_records_are_published_as_deleted_with_their_set(empty_root):
    archive = Archive(empty_root)
    keep = _add(archive, "Kept", "GFJ Commentary")
    gone = _add(archive, "Withdrawn", "JFIR Commentary")
    tomb = archive.remove(gone, "withdrawn")
    cat = catalog.load(archive)
    entry = cat.get(gone)
    assert entry.deleted and entry.datestamp == catalog.utc_datestamp(tomb["deleted"])
    assert entry.sets == ("jfir-commentary",)  # the series it had: a set's deletions show
    assert [e.id for e in cat.live] == [keep]
    assert {s.spec for s in cat.sets} == {"gfj-commentary", "jfir-commentary"}
    archive.restore(gone)
    again = catalog.load(archive)
    assert not again.get(gone).deleted


def test_series_that_slug_alike_get_distinct_set_specs(empty_root):
    archive = Archive(empty_root)
    _add(archive, "One", "Policy Brief")
    _add(archive, "Two", "Policy brief!")
    _add(archive, "Three", "Politique étrangère")
    specs = {s.name: s.spec for s in catalog.load(archive).sets}
    assert specs["Politique étrangère"] == "politique-etrangere"
    assert sorted([specs["Policy Brief"], specs["Policy brief!"]]) == \
        ["policy-brief", "policy-brief-2"]
    for spec in specs.values():  # OAI-PMH.xsd setSpecType
        assert re.fullmatch(r"([A-Za-z0-9\-_.!~*'()])+(:[A-Za-z0-9\-_.!~*'()]+)*", spec)


def test_a_record_never_updated_takes_its_added_time(empty_root):
    archive = Archive(empty_root)
    rid = _add(archive, "Added only", provenance={"added": "2019-02-03T04:05:06Z",
                                                   "updated": "2024-01-01T00:00:00Z"})
    path = archive.record_file(rid)
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True)
             if not line.startswith("  updated:")]
    assert len(lines) == len(text.splitlines()) - 1
    path.write_text("".join(lines), encoding="utf-8")
    entry = catalog.load(archive).get(rid)
    assert entry.datestamp == dt.datetime(2019, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_a_record_without_provenance_takes_its_file_time(empty_root):
    archive = Archive(empty_root)
    rid = _add(archive, "Hand-written")
    path = archive.record_file(rid)
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("provenance:")
    path.write_text(head, encoding="utf-8")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    entry = catalog.load(archive).get(rid)
    assert entry.datestamp == dt.datetime.fromtimestamp(1_700_000_000, UTC)


def test_signature_changes_with_any_record_or_tombstone(empty_root):
    archive = Archive(empty_root)
    rid = _add(archive, "A")
    first = catalog.signature(archive)
    assert first == catalog.signature(archive)
    _add(archive, "B")
    second = catalog.signature(archive)
    assert second != first
    path = archive.record_file(rid)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    third = catalog.signature(archive)
    assert third != second
    archive.remove(rid)
    assert catalog.signature(archive) != third


# --------------------------------------------------------------------------- settings

def _config(root: Path, text: str) -> None:
    (root / "archive.yaml").write_text(text, encoding="utf-8")


def test_settings_default_and_identifiers(empty_root):
    s = catalog.load_settings(empty_root)
    assert s.name == catalog.DEFAULT_NAME and s.base_url is None
    assert s.oai_identifier("x-1") == "oai:commentary-archive.local:x-1"
    assert s.record_id("oai:commentary-archive.local:x-1") == "x-1"
    assert s.record_id("oai:other.org:x-1") is None
    assert s.record_id("oai:commentary-archive.local:") is None
    assert s.emails == (catalog.DEFAULT_EMAIL,)


def test_settings_from_archive_yaml(empty_root):
    _config(empty_root, "styles: [apa]\ncatalog:\n  name: GFJ commentaries\n"
                        "  base_url: https://archive.example.org\n"
                        "  admin_email: librarian@example.org\n")
    s = catalog.load_settings(empty_root)
    assert s.name == "GFJ commentaries"
    assert s.base_url == "https://archive.example.org/"
    assert s.emails == ("librarian@example.org",)
    assert s.oai_namespace == "archive.example.org"  # from base_url's host


@pytest.mark.parametrize("body, names", [
    ("catalog: [1]\n", "catalog: must be a mapping"),
    ("catalog:\n  nmae: x\n", "catalog.nmae: not a setting"),
    ("catalog:\n  base_url: ftp://x.org/\n", "catalog.base_url"),
    ("catalog:\n  admin_email: [nobody]\n", "catalog.admin_email: 'nobody'"),
    ("catalog:\n  oai_namespace: not a domain\n", "catalog.oai_namespace"),
    ("catalog:\n  name: ''\n", "catalog.name: must be a non-empty text"),
])
def test_bad_settings_name_the_file_line_and_key(empty_root, body, names):
    _config(empty_root, body)
    with pytest.raises(ArchiveError) as info:
        catalog.load_settings(empty_root)
    message = str(info.value)
    assert "archive.yaml" in message and names in message
    if "\n  " in body:
        assert ", line 2:" in message
