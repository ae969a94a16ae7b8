"""The records/ folder: atomic, locked writes; ids; root discovery; tombstones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from archive.errors import ArchiveError, NotFound
from archive.store import RECORD_FILE, Archive, find_root, init
from tests.conftest import REPO, SEED_ID


def _data(title="Do not be disturbed by the suspension", **extra):
    return {"title": title, "issued": "2022-06-01",
            "authors": [{"family": "Tokiwa", "given": "Shin", "order": "family-first"}], **extra}


def test_add_writes_one_folder_with_a_generated_id(empty_root):
    archive = Archive(empty_root)
    r = archive.add(_data())
    assert r.id == "tokiwa-2022-do-not-be-disturbed"
    path = empty_root / "records" / r.id / RECORD_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["id"] == r.id and data["authors"][0]["family"] == "Tokiwa"
    assert list(data)[:3] == ["id", "type", "title"]  # stable key order
    assert data["provenance"]["added"]
    # no temporary files left behind
    assert [p.name for p in (empty_root / "records" / r.id).iterdir()] == [RECORD_FILE]
    assert not list((empty_root / ".archive" / "staging").iterdir())


def test_ids_are_unique_and_never_reused(empty_root):
    archive = Archive(empty_root)
    first = archive.add(_data())
    second = archive.add(_data())
    assert second.id == first.id + "-2"
    archive.remove(first.id, "test")
    third = archive.add(_data())
    assert third.id == first.id + "-3"  # the removed record's id stays reserved


def test_ids_for_organizations_and_scripts_without_latin_letters(empty_root):
    archive = Archive(empty_root)
    org = archive.add({"title": "Annual Report", "issued": "2021",
                       "authors": [{"organization": "The Japan Forum on International Relations"}]})
    assert org.id == "jfir-2021-annual-report"
    cjk = archive.add({"title": "平和条約交渉", "issued": "2022-05-19",
                       "authors": [{"family": "常盤", "given": "伸"}]})
    assert cjk.id.startswith("2022-") and len(cjk.id) == len("2022-") + 6


def test_an_explicit_id_that_exists_is_refused(empty_root):
    archive = Archive(empty_root)
    archive.add(_data(id="my-id"))
    with pytest.raises(ArchiveError, match="'my-id' already exists"):
        archive.add(_data(id="my-id"))


def test_root_from_flag_env_or_upward_search(empty_root, tmp_path, monkeypatch):
    monkeypatch.delenv("ARCHIVE_ROOT", raising=False)
    deep = empty_root / "records" / "x" / "y"
    deep.mkdir(parents=True)
    assert find_root(start=deep) == empty_root.resolve()
    monkeypatch.setenv("ARCHIVE_ROOT", str(empty_root))
    assert find_root(start=tmp_path) == empty_root.resolve()
    with pytest.raises(NotFound, match="not an archive"):
        find_root(tmp_path / "nowhere")
    monkeypatch.delenv("ARCHIVE_ROOT")
    with pytest.raises(NotFound, match="archive init"):
        find_root(start=Path("/"))


def test_init_refuses_an_existing_archive(empty_root):
    with pytest.raises(ArchiveError, match="already an archive"):
        init(empty_root)
    assert ".archive/" in (empty_root / ".gitignore").read_text()


def test_remove_keeps_a_tombstone_and_restore_undoes_it(empty_root):
    archive = Archive(empty_root)
    r = archive.add(_data())
    tomb = archive.remove(r.id, "added twice")
    assert tomb["reason"] == "added twice" and tomb["deleted"].endswith("Z")
    assert not archive.exists(r.id)
    assert archive.tombstones() == [tomb]
    assert (empty_root / "deleted" / r.id / RECORD_FILE).is_file()
    with pytest.raises(NotFound, match="it was removed"):
        archive.read(r.id)
    back = archive.restore(r.id)
    assert back == r and archive.read(r.id) == r
    assert archive.tombstones() == []


def test_a_failed_batch_writes_nothing(empty_root, monkeypatch):
    archive = Archive(empty_root)
    records = [archive.prepare(_data(title=f"Title number {i}"), "test") for i in range(5)]
    calls = {"n": 0}
    real_rename = os.rename

    def flaky_rename(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", flaky_rename)
    with pytest.raises(OSError):
        archive.add_many(records)
    monkeypatch.setattr(os, "rename", real_rename)
    assert archive.ids() == []
    assert not list((empty_root / ".archive" / "staging").iterdir())


def test_a_crash_while_writing_leaves_the_old_record(empty_root):
    """Kill a writer in the middle of a save: the record is either old or new, never half."""
    archive = Archive(empty_root)
    r = archive.add(_data(abstract="old"))
    script = f"""
import os, sys
from archive.store import Archive
import archive.store as store
real = store.os.replace
def die(*a):
    os._exit(9)  # the process dies after writing the temporary file, before the rename
store.os.replace = die
a = Archive({str(empty_root)!r})
rec = a.read({r.id!r})
a.save(rec.model_copy(update={{"abstract": "new " * 1000}}))
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True)
    assert proc.returncode == 9
    assert archive.read(r.id).abstract == "old"
    # the dead writer's temporary file is hidden, and the next write clears it
    hidden = [p.name for p in archive.record_dir(r.id).iterdir() if p.name != RECORD_FILE]
    assert len(hidden) == 1 and hidden[0].startswith(".")
    archive.save(archive.read(r.id).model_copy(update={"abstract": "newer"}))
    assert [p.name for p in archive.record_dir(r.id).iterdir()] == [RECORD_FILE]
    assert archive.read(r.id).abstract == "newer"


def test_eight_simultaneous_adds_all_land(empty_root):
    """Eight `archive add` processes started together: eight valid records."""
    procs = []
    for i in range(8):
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "archive", "--root", str(empty_root), "add",
             "--title", "Same title for everyone", "--byline", f"TOKIWA Shin{'' if i else ''}",
             "--issued", "2022-06-01", "--subject", f"run {i}"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL))
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, outs
    ids = sorted(o[0].strip() for o in outs)
    assert len(set(ids)) == 8
    archive = Archive(empty_root)
    assert archive.ids() == ids
    subjects = sorted(archive.read(i).subjects[0] for i in ids)
    assert subjects == [f"run {i}" for i in range(8)]


def test_shipped_catalog_is_one_folder_per_record():
    archive = Archive(REPO)
    assert SEED_ID in archive.ids()
    for record_id in archive.ids():
        assert archive.read(record_id).id == record_id


def test_ids_fold_letters_unicode_does_not_decompose(empty_root):
    archive = Archive(empty_root)
    r = archive.add({"title": "Arctic “Futures”", "issued": "2016",
                     "authors": [{"family": "Sørensen", "given": "Mette"}]})
    assert r.id == "sorensen-2016-arctic-futures"
