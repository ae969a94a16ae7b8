"""Fixity (issue 5): archived files are copied and checked on deposit, and `archive validate`
(and `--fixity-only`, which writes nothing) reports a changed, truncated or missing file by
record id and path. Digests are checked against hashlib computed here, not our own code."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.files import copy_verified, file_entry, safe_name
from archive.store import Archive
from tests.conftest import assert_no_traceback

BODY = "The government of Russia announced a “suspension” of peace treaty talks.\n" * 40


def _add(root: Path, tmp_path: Path, name="commentary.txt", body=BODY, title="A commentary"):
    src = tmp_path / name
    src.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    record = Archive(root).add({"title": title, "authors": [{"family": "Tokiwa", "given": "Shin"}],
                                "issued": "2022-06-01"}, files=[src])
    return record, src


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            out[str(p.relative_to(root))] = (p.stat().st_mtime_ns, p.read_bytes())
    return out


def test_a_deposited_file_is_copied_and_described(empty_root, tmp_path):
    record, src = _add(empty_root, tmp_path, "GFJ commentary (June).pdf", b"%PDF-1.4 not parsed")
    [f] = record.files
    copy = empty_root / "records" / record.id / f.path
    assert f.path == "GFJ-commentary-June.pdf" and f.media_type == "application/pdf"
    assert f.bytes == src.stat().st_size == copy.stat().st_size
    assert f.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert copy.read_bytes() == src.read_bytes()
    text = (empty_root / "records" / record.id / "record.yaml").read_text(encoding="utf-8")
    assert f"sha256: {f.sha256}" in text and "media_type: application/pdf" in text


@pytest.mark.parametrize("name,safe", [
    ("../../etc/passwd", "passwd"), (".hidden.txt", "hidden.txt"),
    ("record.yaml", "record-file.yaml"), ("a b/c:d?.TXT", "c-d.txt"),
    ("常盤伸.txt", "常盤伸.txt"), ("...", "file"),
])
def test_archived_names_stay_inside_the_record_folder(name, safe):
    assert safe_name(name) == safe


def test_copy_refuses_a_file_that_changed_since_it_was_described(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("first", encoding="utf-8")
    entry = file_entry(src)
    src.write_text("second", encoding="utf-8")
    with pytest.raises(ArchiveError, match="changed while it was being archived"):
        copy_verified(src, tmp_path / "copy.txt", entry["sha256"])
    assert not (tmp_path / "copy.txt").exists()


def test_add_with_a_missing_file_writes_nothing(empty_root, tmp_path):
    with pytest.raises(ArchiveError, match="no such file"):
        Archive(empty_root).add({"title": "T", "authors": [{"family": "X"}], "issued": "2022"},
                                files=[tmp_path / "nowhere.txt"])
    assert list((empty_root / "records").iterdir()) == []


@pytest.mark.parametrize("how", ["one byte", "truncated", "missing", "appended"])
@pytest.mark.parametrize("fixity_only", [False, True])
def test_validate_names_the_record_and_file_and_recovers(cli, empty_root, tmp_path, how,
                                                        fixity_only):
    record, _ = _add(empty_root, tmp_path)
    other, _ = _add(empty_root, tmp_path, "other.txt", "Another text.\n", title="Other")
    path = empty_root / "records" / record.id / record.files[0].path
    good = path.read_bytes()
    flags = ["--fixity-only"] if fixity_only else []
    assert cli(empty_root, "validate", *flags).exit_code == 0
    if how == "one byte":
        changed = bytearray(good)
        changed[100] ^= 0x01
        path.write_bytes(bytes(changed))
    elif how == "truncated":
        path.write_bytes(good[:-10])
    elif how == "appended":
        path.write_bytes(good + b"\n")
    else:
        path.unlink()
    res = cli(empty_root, "validate", *flags)
    assert res.exit_code == 1
    assert_no_traceback(res.stdout + res.stderr)
    where = f"records/{record.id}/{record.files[0].path}"
    assert where in res.stdout and other.id not in res.stdout
    expected = {"one byte": "sha256 is", "truncated": "size is", "appended": "size is",
                "missing": "archived file is missing"}[how]
    assert expected in res.stdout
    assert f"1 with errors: {record.id})" in res.stderr
    listed = cli(empty_root, "validate", *flags, "--json")
    assert {p["record"] for p in listed.json} == {record.id}
    path.write_bytes(good)
    res = cli(empty_root, "validate", *flags)
    assert res.exit_code == 0, res.stdout


def test_fixity_only_writes_nothing(cli, empty_root, tmp_path):
    _add(empty_root, tmp_path)
    before = _snapshot(empty_root)
    res = cli(empty_root, "validate", "--fixity-only")
    assert res.exit_code == 0 and "archived files only" in res.stderr
    assert _snapshot(empty_root) == before


def test_fixity_only_skips_other_checks_but_not_broken_records(cli, empty_root, tmp_path):
    record, _ = _add(empty_root, tmp_path)
    _add(empty_root, tmp_path, "copy.txt", title="A commentary")  # a likely duplicate
    assert "likely duplicate" not in cli(empty_root, "validate", "--fixity-only").stdout
    yaml = empty_root / "records" / record.id / "record.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("sha256: ", "sha256: x"),
                    encoding="utf-8")
    res = cli(empty_root, "validate", "--fixity-only")
    assert res.exit_code == 1 and f"records/{record.id}/record.yaml" in res.stdout


def test_fixity_only_shows_a_progress_bar_on_a_terminal(empty_root, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import sys

    for i in range(30):
        _add(empty_root, tmp_path, f"c{i}.txt", f"text {i}\n", title=f"Commentary {i}")
    child = pexpect.spawn(sys.executable, ["-m", "archive", "--root", str(empty_root),
                                           "validate", "--fixity-only"],
                          env={**os.environ, "COLUMNS": "100"}, encoding="utf-8", timeout=60)
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    assert "Checking archived files" in out and "ok: 30 records (archived files only)" in out


def test_a_record_file_listing_archived_files_imports_with_a_note(cli, empty_root, tmp_path):
    record, _ = _add(empty_root, tmp_path)
    out = tmp_path / "records.yaml"
    assert cli(empty_root, "export", "--all", "-o", str(out)).exit_code == 0
    other = tmp_path / "other"
    assert cli(None, "init", str(other)).exit_code == 0
    res = cli(other, "import", str(out), "--verbose")
    assert res.exit_code == 0, res.stderr
    assert "lists 1 archived file(s) that a record file does not hold" in res.stderr
    res = cli(other, "validate")
    assert res.exit_code == 1 and "archived file is missing" in res.stdout
