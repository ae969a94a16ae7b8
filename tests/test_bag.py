"""BagIt (issue 5): `archive bag` writes a bag that bagit's own validator accepts, with the
records, their archived files, exports and tombstones; `archive import BAG` restores it all
or nothing, and refuses a bag with one changed byte, naming the file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import bibtexparser
import pytest
from lxml import etree

from archive.names import parse_byline
from archive.store import Archive, init
from tests.conftest import assert_no_traceback, run_archive
from tests.test_cli import files_under

TITLE = "Do not be disturbed by the “suspension” of peace treaty negotiations with Russia"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"


def commentary(record_id: str, title: str, byline: str, issued: str, **extra) -> dict:
    author = parse_byline(byline).model_dump(exclude_none=True, exclude_defaults=True)
    return {"id": record_id, "type": "commentary", "title": title, "authors": [author],
            "issued": issued, "language": "en", "publisher": "The Global Forum of Japan",
            **extra}


def make_archive(root: Path, tmp: Path) -> Path:
    """An archive of three records (two with archived files: a text, a PDF-like binary)
    and one removed record with its archived file and tombstone."""
    init(root)
    archive = Archive(root)
    src = tmp / "deposit"
    src.mkdir()
    text = src / "commentary.txt"
    text.write_text("GFJ Commentary\nJune 1, 2022\n\nDo not be disturbed ...\n", encoding="utf-8")
    pdf = src / "commentary.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    archive.add(commentary("tokiwa-2022-do-not-be-disturbed", TITLE, "TOKIWA Shin, Academic "
                           "Member, GFJ / Senior staff writer, Tokyo Shimbun", "2022-06-01",
                           series="GFJ Commentary"), files=[text, pdf])
    other = src / "note.md"
    other.write_text("# Maritime order\n\nBy Hiroshi Ōta\n", encoding="utf-8")
    archive.add(commentary("ota-2021-maritime-order", "Maritime order in the Indo-Pacific",
                           "Ōta, Hiroshi", "2021-03-04"), files=[other])
    archive.add(commentary("kim-2020-alliance", "The alliance after the election",
                           "KIM Jiwoo", "2020-11"))
    gone = src / "gone.txt"
    gone.write_text("withdrawn text\n", encoding="utf-8")
    archive.add(commentary("smith-2019-withdrawn", "A withdrawn piece", "Jane Smith", "2019"),
                files=[gone])
    archive.remove("smith-2019-withdrawn", reason="withdrawn by the author")
    return root


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "source", tmp_path)


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return init(tmp_path / "target")


@pytest.fixture
def bag(cli, source: Path, tmp_path: Path) -> Path:
    out = tmp_path / "bag"
    res = cli(source, "bag", str(out), "--all", "--source-organization", "GFJ Library",
              "--contact-email", "library@example.org")
    assert res.exit_code == 0, res.stderr
    return out


def record_files(root: Path, sub: str = "records") -> dict[str, bytes]:
    return files_under(root / sub) if (root / sub).is_dir() else {}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def nothing_imported(root: Path) -> bool:
    return record_files(root) == {} and record_files(root, "deleted") == {}


def flip_byte(path: Path, at: int = 3) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


# --------------------------------------------------------------------------- making a bag


def test_the_bag_passes_bagits_validator_with_sha256_and_sha512(bag, source, tmp_path):
    made = bagit.Bag(str(bag))
    made.validate()  # completeness and every checksum, payload and tag files
    assert sorted(made.algorithms) == ["sha256", "sha512"]
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
                 "tagmanifest-sha512.txt", "bagit.txt", "bag-info.txt"):
        assert (bag / name).is_file(), name
    info = made.info
    assert info["Source-Organization"] == "GFJ Library"
    assert info["Contact-Email"] == "library@example.org"
    assert info["Bagging-Date"] and info["Bag-Software-Agent"].startswith("commentary-archive")
    assert "3 record(s)" in info["External-Description"]
    assert "1 removed record(s)" in info["External-Description"]
    payload = [p for p in (bag / "data").rglob("*") if p.is_file()]
    assert info["Payload-Oxum"] == f"{sum(p.stat().st_size for p in payload)}.{len(payload)}"
    assert leftovers(tmp_path) == []  # the hidden staging folder was renamed, not left


def test_the_payload_is_the_archive_as_it_is(bag, source):
    assert record_files(bag / "data") == record_files(source)
    assert record_files(bag / "data", "deleted") == record_files(source, "deleted")
    assert (bag / "data" / "deleted" / "smith-2019-withdrawn" / "tombstone.yaml").is_file()
    assert sorted(p.name for p in (bag / "data").iterdir()) == ["deleted", "exports",
                                                                 "records"]


def test_the_exports_beside_the_records_parse(bag):
    exports = bag / "data" / "exports"
    ids = ["kim-2020-alliance", "ota-2021-maritime-order", "tokiwa-2022-do-not-be-disturbed"]
    items = json.loads((exports / "records.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ids
    assert items[2]["collection-title"] == "GFJ Commentary"
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    root = etree.fromstring((exports / "records.oai_dc.xml").read_bytes(), parser)
    assert len(list(root.iter(OAI_DC))) == 3
    import xmlschemas

    if xmlschemas.skip_reason() is None:
        assert xmlschemas.validate((exports / "records.oai_dc.xml").read_bytes(),
                                   "oai_dc") == []
    library = bibtexparser.parse_string((exports / "records.bib").read_text(encoding="utf-8"))
    assert len(library.entries) == 3 and not library.failed_blocks


def test_bagit_py_as_an_external_oracle(source, tmp_path):
    out = tmp_path / "oracle-bag"
    made = run_archive("--root", str(source), "bag", str(out), "--all")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(out)
    checked = subprocess.run([sys.executable, "-m", "bagit", "--validate", str(out)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert "is valid" in checked.stderr


def test_chosen_records_only_and_no_tombstones(cli, source, tmp_path):
    out = tmp_path / "two"
    res = cli(source, "bag", str(out), "ota-2021-maritime-order", "kim-2020-alliance")
    assert res.exit_code == 0, res.stderr
    assert sorted(p.name for p in (out / "data" / "records").iterdir()) == [
        "kim-2020-alliance", "ota-2021-maritime-order"]
    assert not (out / "data" / "deleted").exists()
    bagit.Bag(str(out)).validate()


def test_source_organization_defaults_to_the_one_publisher(cli, source, tmp_path):
    res = cli(source, "bag", str(tmp_path / "b"), "--all")
    assert res.exit_code == 0, res.stderr
    assert bagit.Bag(str(tmp_path / "b")).info["Source-Organization"] == (
        "The Global Forum of Japan")
    assert "give --source-organization" in res.stderr


def test_an_empty_folder_as_out_is_used(cli, source, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    res = cli(source, "bag", str(out), "--all")
    assert res.exit_code == 0, res.stderr
    bagit.Bag(str(out)).validate()


def test_hidden_files_are_left_out_and_unlisted_files_noted(cli, source, tmp_path):
    folder = source / "records" / "kim-2020-alliance"
    (folder / ".record.yaml.1234abcd.tmp").write_text("left by a writer that died")
    (folder / "scan.txt").write_text("not in record.yaml")
    out = tmp_path / "b"
    res = cli(source, "bag", str(out), "kim-2020-alliance")
    assert res.exit_code == 0, res.stderr
    bagged = out / "data" / "records" / "kim-2020-alliance"
    assert sorted(p.name for p in bagged.iterdir()) == ["record.yaml", "scan.txt"]
    assert "scan.txt: not listed in its record.yaml" in res.stderr


# --------------------------------------------------------------------------- refusing to bag


@pytest.mark.parametrize("damage, message", [
    (lambda p: flip_byte(p), "sha256 is"),
    (lambda p: p.write_bytes(p.read_bytes()[:-5]), "size is"),
    (lambda p: p.unlink(), "archived file is missing"),
])
def test_bagging_is_refused_when_an_archived_file_fails_fixity(cli, source, tmp_path, damage,
                                                               message):
    path = source / "records" / "tokiwa-2022-do-not-be-disturbed" / "commentary.pdf"
    damage(path)
    out = tmp_path / "bag"
    res = cli(source, "bag", str(out), "--all")
    assert res.exit_code == 1
    assert "cannot bag tokiwa-2022-do-not-be-disturbed" in res.stderr
    assert str(path) in res.stderr and message in res.stderr
    assert "nothing was bagged" in res.stderr
    assert_no_traceback(res.stderr)
    assert not out.exists() and leftovers(tmp_path) == []


def test_bagging_is_refused_for_an_invalid_record(cli, source, tmp_path):
    path = source / "records" / "kim-2020-alliance" / "record.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("issued: 2020-11",
                                                             "issued: 2020-13"))
    res = cli(source, "bag", str(tmp_path / "bag"), "kim-2020-alliance")
    assert res.exit_code == 1
    assert f"{path}:" in res.stderr and "issued" in res.stderr
    assert not (tmp_path / "bag").exists()


@pytest.mark.parametrize("args, message", [
    (["{tmp}/full", "--all"], "exists and is not empty"),
    (["{tmp}/a-file", "--all"], "exists and is not a folder"),
    (["{tmp}/missing/bag", "--all"], "the folder {tmp}/missing does not exist"),
    (["{root}/records/bag", "--all"], "is inside the archive's records/ folder"),
    (["{root}/records/kim-2020-alliance/bag", "--all"], "inside the archive's records/"),
    (["{root}/.archive/bag", "--all"], "inside the archive's .archive/ folder"),
    (["{tmp}/bag"], "name the records to bag: IDs or --all"),
    (["{tmp}/bag", "kim-2020-alliance", "--all"], "IDs or --all (one of them)"),
    (["{tmp}/bag", "nope-1", "nope-2"], "no such records: nope-1, nope-2; nothing was bagged"),
    (["{tmp}/bag", "kim-2020"], "kim-2020: no such record"),
    (["{tmp}/bag", "smith-2019-withdrawn"], "it was removed"),
    (["{tmp}/bag", "../etc"], "is not a record id"),
    (["{tmp}/bag", "--all", "--contact-email", "nobody"], "not an e-mail address"),
    (["{tmp}/bag", "--all", "--source-organization", "  "], "must not be empty"),
])
def test_bag_refusals_name_the_problem_and_write_nothing(cli, source, tmp_path, args, message):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    (tmp_path / "a-file").write_text("x")
    args = [a.format(tmp=tmp_path, root=source) for a in args]
    before = files_under(tmp_path)
    res = cli(source, "bag", *args)
    assert res.exit_code == 1, res.stdout
    assert message.format(tmp=tmp_path) in res.stderr
    assert_no_traceback(res.stderr)
    assert files_under(tmp_path) == before
    assert leftovers(tmp_path) == [] and leftovers(source / "records") == []


def test_an_empty_archive_has_nothing_to_bag(cli, target, tmp_path):
    res = cli(target, "bag", str(tmp_path / "bag"), "--all")
    assert res.exit_code == 1
    assert "the archive has no records; nothing to bag" in res.stderr
    assert not (tmp_path / "bag").exists()


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_an_interrupted_bag_leaves_nothing(cli, source, tmp_path, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(bagit, "make_bag", fail)
    res = cli(source, "bag", str(tmp_path / "bag"), "--all")
    assert res.exit_code in (1, 130)
    assert "nothing was left half-written" in res.stderr
    assert not (tmp_path / "bag").exists() and leftovers(tmp_path) == []


# --------------------------------------------------------------------------- restoring


def test_import_restores_identical_records_files_and_tombstones(cli, bag, source, target):
    res = cli(target, "import", str(bag))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.split() == ["kim-2020-alliance", "ota-2021-maritime-order",
                                  "tokiwa-2022-do-not-be-disturbed"]
    assert "Imported 3 record(s) and 1 removed record(s)" in res.stderr
    assert record_files(target) == record_files(source)
    assert record_files(target, "deleted") == record_files(source, "deleted")
    assert cli(target, "validate").exit_code == 0
    found = cli(target, "search", "maritime", "--json")
    assert [r["id"] for r in found.json] == ["ota-2021-maritime-order"]
    assert cli(target, "restore", "smith-2019-withdrawn").exit_code == 0


def test_import_a_bag_as_a_user_runs_it(bag, target):
    res = run_archive("--root", str(target), "import", str(bag))
    assert res.returncode == 0, res.stderr
    assert "tokiwa-2022-do-not-be-disturbed" in res.stdout.split()


def test_a_dry_run_checks_everything_and_writes_nothing(cli, bag, target):
    res = cli(target, "import", str(bag), "--dry-run")
    assert res.exit_code == 0, res.stderr
    assert len(res.stdout.split()) == 3
    assert "would be imported" in res.stderr and "nothing was written" in res.stderr
    assert nothing_imported(target)


PDF = "data/records/tokiwa-2022-do-not-be-disturbed/commentary.pdf"
YAML = "data/records/ota-2021-maritime-order/record.yaml"


def _edit_manifest(bag: Path, name: str, rel: str) -> None:
    path = bag / name
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        digest, _, file = line.partition(" ")
        if file.strip() == rel:
            digest = ("0" if digest[0] != "0" else "1") + digest[1:]
        out.append(f"{digest} {file}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.mark.parametrize("damage, names", [
    (lambda b: flip_byte(b / PDF, 100), [PDF, "sha256 is", "the file has changed"]),
    (lambda b: flip_byte(b / YAML, 10), [YAML, "the file has changed"]),
    (lambda b: flip_byte(b / "data/exports/records.bib", 2), ["data/exports/records.bib"]),
    (lambda b: flip_byte(b / "data/deleted/smith-2019-withdrawn/gone.txt", 1),
     ["data/deleted/smith-2019-withdrawn/gone.txt"]),
    (lambda b: (b / PDF).write_bytes((b / PDF).read_bytes()[:-1]), [PDF]),
    (lambda b: (b / PDF).unlink(), [PDF, "missing"]),
    (lambda b: (b / "data/records/kim-2020-alliance/extra.txt").write_text("x"),
     ["data/records/kim-2020-alliance/extra.txt", "not in its manifest"]),
    (lambda b: flip_byte(b / "bag-info.txt", 5), ["bag-info.txt", "tagmanifest-sha256.txt"]),
    (lambda b: _edit_manifest(b, "tagmanifest-sha256.txt", "manifest-sha512.txt"),
     ["manifest-sha512.txt", "tagmanifest-sha256.txt"]),
    (lambda b: _edit_manifest(b, "manifest-sha256.txt", YAML),
     [YAML, "manifest-sha256.txt", "tagmanifest-sha256.txt"]),
    (lambda b: (b / "manifest-sha512.txt").unlink(), ["manifest-sha512.txt"]),
])
def test_a_damaged_bag_is_refused_naming_the_file_and_nothing_is_restored(cli, bag, target,
                                                                          damage, names):
    damage(bag)
    res = cli(target, "import", str(bag))
    assert res.exit_code == 1, res.stdout
    for name in names:
        assert name in res.stderr, res.stderr
    assert "nothing was imported" in res.stderr
    assert_no_traceback(res.stderr)
    assert nothing_imported(target)
    assert list((target / ".archive" / "staging").glob("*/*")) == []


def test_the_bagit_oracle_agrees_that_a_changed_byte_is_wrong(bag):
    flip_byte(bag / PDF, 100)
    checked = subprocess.run([sys.executable, "-m", "bagit", "--validate", str(bag)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode != 0
    assert "commentary.pdf" in checked.stderr


def rebag(bag: Path, tmp_path: Path, change) -> Path:
    """A new, internally consistent bag of ``bag``'s payload after ``change(payload)``:
    what bagit cannot see, the import's own checks must."""
    folder = tmp_path / "rebagged"
    shutil.copytree(bag / "data", folder)
    change(folder)
    bagit.make_bag(str(folder), checksums=["sha256"])
    return folder


def test_a_record_that_does_not_validate_is_refused_with_its_line(cli, bag, target, tmp_path):
    def change(payload):
        path = payload / "records" / "kim-2020-alliance" / "record.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("2020-11", "2020-13"),
                        encoding="utf-8")

    made = rebag(bag, tmp_path, change)
    res = cli(target, "import", str(made))
    assert res.exit_code == 1
    assert f"{made}/data/records/kim-2020-alliance/record.yaml, line" in res.stderr
    assert "issued" in res.stderr and "nothing was imported" in res.stderr
    assert nothing_imported(target)


def test_an_archived_file_unlike_its_record_is_refused(cli, bag, target, tmp_path):
    made = rebag(bag, tmp_path, lambda p: flip_byte(
        p / "records" / "tokiwa-2022-do-not-be-disturbed" / "commentary.txt"))
    res = cli(target, "import", str(made))
    assert res.exit_code == 1
    assert "commentary.txt: sha256 is" in res.stderr and "files[0] of" in res.stderr
    assert nothing_imported(target)


def test_a_folder_whose_name_is_not_the_id_is_refused(cli, bag, target, tmp_path):
    made = rebag(bag, tmp_path, lambda p: (p / "records" / "kim-2020-alliance").rename(
        p / "records" / "kim-2020"))
    res = cli(target, "import", str(made))
    assert res.exit_code == 1
    assert "does not match the folder name 'kim-2020'" in res.stderr
    assert nothing_imported(target)


@pytest.mark.parametrize("change, message", [
    (lambda p: (p / "other").mkdir() or (p / "other" / "x.txt").write_text("x"),
     "not part of an archive bag"),
    (lambda p: (p / "records" / "Bad_Name").mkdir() or
     (p / "records" / "Bad_Name" / "x").write_text("x"), "is not a record id"),
    (lambda p: (p / "records" / "kim-2020-alliance" / "link.txt").symlink_to(
        "../ota-2021-maritime-order/note.md"), "a link or special file"),
    (lambda p: shutil.rmtree(p / "records") or shutil.rmtree(p / "deleted"),
     "holds no records/"),
    (lambda p: (p / "deleted" / "smith-2019-withdrawn" / "tombstone.yaml").write_text(
        "id: someone-else\n"), "tombstone.yaml: its id is not 'smith-2019-withdrawn'"),
    (lambda p: (p / "deleted" / "smith-2019-withdrawn" / "tombstone.yaml").unlink(),
     "a removed record without tombstone.yaml"),
])
def test_a_bag_not_made_by_archive_bag_is_refused(cli, bag, target, tmp_path, change, message):
    made = rebag(bag, tmp_path, change)
    res = cli(target, "import", str(made))
    assert res.exit_code == 1
    assert message in res.stderr
    assert_no_traceback(res.stderr)
    assert nothing_imported(target)


def test_a_folder_that_is_not_a_bag_and_file_options(cli, bag, target, tmp_path):
    res = cli(target, "import", str(tmp_path))
    assert res.exit_code == 1 and "not a bag either (no bagit.txt)" in res.stderr
    res = cli(target, "import", str(bag), "--format", "bibtex")
    assert res.exit_code == 1 and "--format apply only to a file import" in res.stderr
    (bag / "fetch.txt").write_text("https://example.org/x 3 data/x.txt\n")
    res = cli(target, "import", str(bag))
    assert res.exit_code == 1 and "fetch.txt: lists 1 file(s) to download" in res.stderr
    assert nothing_imported(target)


# --------------------------------------------------------------------------- duplicates


def test_ids_taken_fail_by_default(cli, bag, source):
    before = record_files(source)
    res = cli(source, "import", str(bag))
    assert res.exit_code == 1
    assert "id 'kim-2020-alliance' is already in this archive" in res.stderr
    assert "belonged to a record removed from this archive" in res.stderr
    assert record_files(source) == before


def test_skip_leaves_taken_ids_out(cli, bag, source):
    before = record_files(source)
    res = cli(source, "import", str(bag), "--on-duplicate", "skip")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.split() == []
    assert res.stderr.count("skipped:") == 4
    assert record_files(source) == before


def test_new_gives_new_ids_and_rewrites_the_id(cli, bag, source):
    res = cli(source, "import", str(bag), "--on-duplicate", "new")
    assert res.exit_code == 0, res.stderr
    new = res.stdout.split()
    assert len(new) == 3 and not {"kim-2020-alliance"} & set(new)
    assert "the id is taken; imported as" in res.stderr
    assert "likely duplicate of" in res.stderr
    copy = next(i for i in new if i.startswith("tokiwa"))
    folder = source / "records" / copy
    assert f"id: {copy}\n" in (folder / "record.yaml").read_text(encoding="utf-8")
    assert (folder / "commentary.pdf").read_bytes() == (
        source / "records" / "tokiwa-2022-do-not-be-disturbed" / "commentary.pdf").read_bytes()
    checked = cli(source, "validate", "--fixity-only")
    assert checked.exit_code == 0, checked.stdout


def test_a_likely_duplicate_under_another_id_is_refused(cli, bag, target):
    Archive(target).add(commentary("shin-tokiwa-2022", TITLE, "Shin Tokiwa", "2022-06-01"))
    res = cli(target, "import", str(bag))
    assert res.exit_code == 1
    assert "likely duplicate of shin-tokiwa-2022 (same title, first author and year)" in (
        res.stderr)
    assert sorted(p.name for p in (target / "records").iterdir()) == ["shin-tokiwa-2022"]
    res = cli(target, "import", str(bag), "--on-duplicate", "skip")
    assert res.exit_code == 0, res.stderr
    assert "tokiwa-2022-do-not-be-disturbed" not in res.stdout.split()
    assert len(res.stdout.split()) == 2


def test_the_help_examples_run(cli, seed_root, target, tmp_path, monkeypatch):
    from tests.test_cli import _help_examples

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    examples = _help_examples(cli, "bag")
    assert len(examples) == 3
    for argv in examples:
        res = cli(seed_root, *argv)
        assert res.exit_code == 0, (argv, res.stderr)
        if not argv[1].endswith(".tar.gz"):
            bagit.Bag(argv[1]).validate()
    restores = [a for a in _help_examples(cli, "import") if "commentaries" in a[1]]
    assert [a[1] for a in restores] == ["../commentaries-2024-06",
                                        "commentaries-2024-06.tar.gz"]
    Path("../commentaries-2024-06.tar.gz").rename("commentaries-2024-06.tar.gz")
    for n, argv in enumerate(restores):
        into = init(tmp_path / f"restored-{n}")
        res = cli(into, *argv)
        assert res.exit_code == 0, res.stderr
        if "--dry-run" not in argv:
            assert res.stdout.split() == ["tokiwa-2022-do-not-be-disturbed"]


# --------------------------------------------------------------------------- packed bags


def _tar(bag: Path, out: Path, top: bool = True) -> Path:
    """The bag packed by the system's tar, as a librarian sends one."""
    args = ["tar", "-czf", str(out), "-C", str(bag.parent if top else bag),
            bag.name if top else "."]
    subprocess.run(args, check=True)
    return out


def _zip(bag: Path, out: Path) -> Path:
    import shutil as _shutil

    return Path(_shutil.make_archive(str(out.with_suffix("")), "zip", bag.parent, bag.name))


@pytest.mark.parametrize("pack", ["tar.gz", "zip", "tar-no-top-folder"])
def test_a_packed_bag_is_unpacked_validated_and_restored(cli, bag, source, target, tmp_path,
                                                         pack):
    if pack == "zip":
        packed = _zip(bag, tmp_path / "bag.zip")
    else:
        packed = _tar(bag, tmp_path / "bag.tar.gz", top=pack == "tar.gz")
    res = cli(target, "import", str(packed))
    assert res.exit_code == 0, res.stderr
    assert record_files(target) == record_files(source)
    assert record_files(target, "deleted") == record_files(source, "deleted")
    assert f"from the bag {packed}" in res.stderr
    assert [p.name for p in (target / ".archive").iterdir() if p.name.startswith("unpacked")] \
        == []


def test_a_packed_bag_with_a_changed_byte_is_refused_naming_the_file(cli, bag, target,
                                                                     tmp_path):
    flip_byte(bag / PDF, 100)
    packed = _tar(bag, tmp_path / "bag.tar.gz")
    res = cli(target, "import", str(packed))
    assert res.exit_code == 1
    assert f"{packed}:{PDF}" in res.stderr and "nothing was imported" in res.stderr
    assert_no_traceback(res.stderr)
    assert nothing_imported(target)
    assert [p.name for p in (target / ".archive").iterdir() if p.name.startswith("unpacked")] \
        == []


def test_a_packed_file_that_escapes_or_holds_no_bag_is_refused(cli, bag, target, tmp_path):
    import tarfile
    import zipfile

    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tf:
        tf.add(bag / "bagit.txt", arcname="../outside.txt")
    res = cli(target, "import", str(evil))
    assert res.exit_code == 1 and "would be written outside the bag" in res.stderr
    assert not (target / ".archive" / "outside.txt").exists()
    linked = tmp_path / "link.tar"
    with tarfile.open(linked, "w") as tf:
        info = tarfile.TarInfo("bag/data/records/x/record.yaml")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tf.addfile(info)
    res = cli(target, "import", str(linked))
    assert res.exit_code == 1 and "is a link" in res.stderr
    nobag = tmp_path / "nobag.zip"
    with zipfile.ZipFile(nobag, "w") as zf:
        zf.writestr("notes/readme.txt", "hello")
    res = cli(target, "import", str(nobag))
    assert res.exit_code == 1 and "holds no bag" in res.stderr
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    res = cli(target, "import", str(broken))
    assert res.exit_code == 1 and str(broken) in res.stderr
    assert nothing_imported(target)
    assert_no_traceback(res.stderr)


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip", ".tar"])
def test_bag_packed_in_one_file_is_read_by_tar_and_bagit(cli, source, target, tmp_path,
                                                         suffix):
    import tarfile
    import zipfile

    out = tmp_path / f"commentaries{suffix}"
    res = cli(source, "bag", str(out), "--all", "--source-organization", "GFJ Library")
    assert res.exit_code == 0, res.stderr
    assert out.is_file() and leftovers(tmp_path) == []
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    if suffix == ".zip":
        with zipfile.ZipFile(out) as zf:
            assert {n.split("/")[0] for n in zf.namelist()} == {"commentaries"}
            zf.extractall(unpacked)
    else:  # the system's tar is the oracle for the tar files
        subprocess.run(["tar", "-xf", str(out), "-C", str(unpacked)], check=True)
        with tarfile.open(out) as tf:
            assert {n.split("/")[0] for n in tf.getnames()} == {"commentaries"}
    bagit.Bag(str(unpacked / "commentaries")).validate()
    assert files_under(unpacked / "commentaries" / "data" / "records") == \
        record_files(source)
    res = cli(target, "import", str(out))
    assert res.exit_code == 0, res.stderr
    assert record_files(target) == record_files(source)
    res = cli(source, "bag", str(out), "--all")
    assert res.exit_code == 1 and "exists" in res.stderr
