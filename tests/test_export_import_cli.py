"""`archive export` and `archive import` as a user meets them, whatever the format:
choosing records and formats, files written whole or not at all, encodings, duplicates,
the per-item report, and a 50 MB file read as a stream."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive import formats
from tests.conftest import REPO, SEED_ID, assert_no_traceback, assert_refused
from tests.test_cli import files_under

ITEM = {"id": "ota-2021-maritime", "type": "report", "title": "Maritime order",
        "author": [{"family": "Ōta", "given": "Hiroshi"}],
        "issued": {"date-parts": [[2021, 3, 4]]}, "collection-title": "Policy Brief"}


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- export


def test_export_picks_the_format_from_the_suffix_and_writes_the_file(cli, seed_root, tmp_path):
    out = tmp_path / "seed.json"
    res = cli(seed_root, "export", SEED_ID, "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert f"Exported 1 record(s) to {out} (csl-json)" in res.stderr
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == [SEED_ID]
    assert items[0]["original-date"] == {"date-parts": [[2022, 5, 19]]}
    assert items[0]["author"][0] == {"family": "Tokiwa", "given": "Shin"}


def test_export_to_stdout_and_by_query(cli, seed_root):
    res = cli(seed_root, "export", "--query", "appeasement", "--format", "yaml")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith(f"- id: {SEED_ID}\n")
    res = cli(seed_root, "export", "--all", "--format", "json")
    assert [r["id"] for r in res.json] == [SEED_ID]


@pytest.mark.parametrize("args, message", [
    (["--all"], "give --format (one of: csl-json, bibtex"),
    (["--all", "--format", "docx"], "--format 'docx': not a format we can export; use one of:"),
    (["--all", "-o", "{tmp}/x.docx"], "cannot tell the format from the file name; give --format"),
    (["--format", "csl-json"], "name the records to export: IDs, --all or --query"),
    ([SEED_ID, "--all", "--format", "csl-json"], "IDs, --all or --query (one of them)"),
    (["no-such-record", "--format", "csl-json"], "no-such-record"),
    ([SEED_ID, "nope-1", "nope-2", "--format", "csl-json"], "no such records: nope-1, nope-2"),
    (["--query", "zzzzqqq", "--format", "csl-json"], "no record matches; nothing exported"),
    (["--all", "-o", "{tmp}/missing/x.bib"], "the folder {tmp}/missing does not exist"),
    (["--all", "-o", "{tmp}"], "is a folder; give a file name"),
])
def test_export_refusals_name_the_problem_and_write_nothing(cli, seed_root, tmp_path, args,
                                                           message):
    before = files_under(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    res = cli(seed_root, "export", *args)
    assert res.exit_code in (1, 2), res.stdout
    assert message.replace("{tmp}", str(tmp_path)) in res.stderr
    assert_no_traceback(res.stderr)
    assert files_under(tmp_path) == before


def test_an_invalid_record_is_not_exported(cli, seed_root, tmp_path):
    path = seed_root / "records" / SEED_ID / "record.yaml"
    path.write_text(path.read_text().replace("issued: 2022-06-01", "issued: 2022-02-30"))
    res = cli(seed_root, "export", "--all", "-o", str(tmp_path / "x.json"))
    assert res.exit_code == 1
    assert f"not valid, so not exported: {SEED_ID}" in res.stderr
    assert not (tmp_path / "x.json").exists()


def test_every_registered_export_format_has_a_module_and_suffixes_are_unique():
    seen = {}
    for fmt in formats.FORMATS:
        if fmt.can_export:
            assert callable(getattr(fmt.impl(), fmt.dump_function)), fmt.name
        if fmt.can_import:
            assert callable(fmt.loader()), fmt.name
        for suffix in fmt.suffixes:
            assert suffix not in seen, (suffix, fmt.name, seen.get(suffix))
            seen[suffix] = fmt.name
    assert formats.from_suffix("a/b/Library.BIB").name == "bibtex"
    assert formats.from_suffix("x.qdc.xml").name == "dcterms"
    assert formats.from_suffix("x.xml").name == "oai_dc"
    assert formats.get("TTL").name == "dc-turtle"


# --------------------------------------------------------------------------- import


def test_import_report_and_duplicates(cli, empty_root, tmp_path):
    items = _write(tmp_path / "items.json", json.dumps([ITEM, {**ITEM, "id": "other-id",
                                                                "note": "a copy"}]))
    res = cli(empty_root, "import", str(items))
    assert res.exit_code == 1
    assert ("item 2 (id other-id), line 1: likely duplicate of ota-2021-maritime (same title, "
            "first author and year)") in res.stderr
    assert list((empty_root / "records").iterdir()) == []
    report = tmp_path / "report.jsonl"
    res = cli(empty_root, "import", str(items), "--on-duplicate", "skip", "--report", str(report))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.split() == ["ota-2021-maritime"]
    assert "skipped: item 2 (id other-id), line 1: likely duplicate of ota-2021-maritime" in \
        res.stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [(r["index"], r["status"]) for r in lines] == [(1, "imported"), (2, "skipped")]
    assert "collection-title" in lines[0]["mapped"]
    # the same file again: the ids are taken now
    res = cli(empty_root, "import", str(items), "--on-duplicate", "new")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.split() == ["ota-2021-maritime-order", "other-id"]
    assert "warning: item 2 (id other-id), line 1: likely duplicate of" in res.stderr
    res = cli(empty_root, "import", str(items), "--on-duplicate", "sometimes")
    assert res.exit_code == 1 and "--on-duplicate 'sometimes': use one of: fail, skip, new" \
        in res.stderr


def test_encodings_are_read_or_guessed_aloud(cli, empty_root, tmp_path):
    text = json.dumps([ITEM], ensure_ascii=False)
    path = _write(tmp_path / "latin.json", text.replace("Ōta", "Dubé").encode("cp1252"))
    res = cli(empty_root, "import", str(path), "--dry-run")
    assert res.exit_code == 0, res.stderr
    assert ("not UTF-8 (line 1 has byte 0xE9); read as Windows-1252: check accented letters, "
            "or give --encoding") in res.stderr
    path = _write(tmp_path / "u16.json", text.encode("utf-16"))
    res = cli(empty_root, "import", str(path), "--dry-run")
    assert res.exit_code == 0, res.stderr
    assert "read as UTF-16 (byte order mark)" in res.stderr
    path = _write(tmp_path / "sjis.json", text.replace("Maritime order", "海洋秩序と日本")
                  .replace("Ōta", "太田").encode("cp932"))
    res = cli(empty_root, "import", str(path))
    assert res.exit_code == 0, res.stderr
    assert "read as Shift_JIS (CP932)" in res.stderr
    shown = cli(empty_root, "show", "ota-2021-maritime", "--format", "json").json
    assert shown["title"] == "海洋秩序と日本" and shown["authors"][0]["family"] == "太田"
    res = cli(empty_root, "import", str(path), "--encoding", "klingon")
    assert res.exit_code == 1 and "--encoding 'klingon': not an encoding" in res.stderr


@pytest.mark.parametrize("name, content, message", [
    ("x.json", b"%PDF-1.7\n...", "x.json: a PDF file, not a text file to import"),
    ("x.bib", b"@misc{a,\x00\x01\x02", "x.bib: a binary file (it contains NUL bytes)"),
    ("x.ris", b"", "x.ris: the file is empty"),
    ("x.txt", b"Some notes\nabout things\n", "x.txt: cannot tell the format"),
    ("x.json", b'{"type": "report", "title": "One"',
     "x.json, line 1, column 34: not valid JSON: Expecting ',' delimiter (the file ends early)"),
    ("x.json", b'[{"type": "report", "title": "One"},', "x.json, line 1, column 37: not valid "
     "JSON: Expecting value (the file ends early)"),
])
def test_files_that_are_not_what_they_seem(cli, empty_root, tmp_path, name, content, message):
    path = _write(tmp_path / name, content)
    assert_refused(cli(empty_root, "import", str(path)), message, empty_root)


def test_a_missing_file_and_a_folder(cli, empty_root, tmp_path):
    assert_refused(cli(empty_root, "import", str(tmp_path / "nope.bib")), "no such file",
                   empty_root)
    assert_refused(cli(empty_root, "import", str(tmp_path)), "is a folder, not a file",
                   empty_root)


def _peak_rss_mb(args: list[str], cwd: Path) -> tuple[int, float, str]:
    """Exit status and peak memory (MB) of the CLI run as its own process."""
    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'archive', *sys.argv[1:]], "
        "capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(p.returncode, peak); sys.stderr.write(p.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    rc, peak = done.stdout.split()
    return int(rc), float(peak), done.stderr


def _big_items(path: Path, n: int) -> Path:
    abstract = ("A long abstract that repeats itself, as abstracts of long reports do. " * 120)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i in range(n):
            item = {**ITEM, "id": f"big-{i:06d}", "title": f"Maritime order, part {i}",
                    "abstract": abstract}
            fh.write(("," if i else "") + json.dumps(item) + "\n")
        fh.write("]\n")
    return path


def test_a_50_mb_file_streams_with_flat_memory(tmp_path):
    """The import of a 50 MB file uses about the memory of a 5 MB one (the file is read
    item by item and each record is staged on disk at once)."""
    from archive.store import init

    small = _big_items(tmp_path / "small.json", 600)
    big = _big_items(tmp_path / "big.json", 6000)
    assert big.stat().st_size > 50_000_000
    root_a, root_b = init(tmp_path / "a"), init(tmp_path / "b")
    rc_a, small_mb, err_a = _peak_rss_mb(["--root", str(root_a), "import", str(small)], tmp_path)
    rc_b, big_mb, err_b = _peak_rss_mb(["--root", str(root_b), "import", str(big)], tmp_path)
    assert rc_a == 0 and rc_b == 0, err_a + err_b
    assert "Imported 6000 record(s)" in err_b
    assert len(list((root_b / "records").iterdir())) == 6000
    # ten times the data, not ten times the memory: the growth is far below the file size
    assert big_mb - small_mb < 40, (small_mb, big_mb)


def test_readme_lists_what_each_format_carries():
    """The README's table of fields per format is the one the format modules declare."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert formats.carries_table() in readme


BAD_BIB = """@article{a,
  title = {One},
  year = 2020,
}

@article{b,
  title = {Two {unbalanced},
  year = 2020,
}

@article{c,
  title = {Three}
  year = 2021
}
@foo{d, title={Four}}
@article{a, title={Again}, year=2020}
"""


@pytest.mark.parametrize("name, content, messages", [
    ("bad.bib", BAD_BIB, [
        "bad.bib: 4 of 5 items cannot be imported; nothing was written",
        "item 2 (id b), line 6: unbalanced braces or quotes",
        "item 3 (id c), line 11: title: two values without '#' between them (a missing comma?)",
        "item 4 (id d), line 15: @foo: not an entry type of BibTeX or BibLaTeX",
        "item 5 (id a), line 16: duplicate key 'a': first used on line 1, again on line 16"]),
    ("no-ty.ris", "AU  - Smith, J\nTI  - x\nER  - \n",
     ["no-ty.ris: line 1: AU outside a record (every record starts with 'TY  - <type>')"]),
    ("no-er.ris", "TY  - JOUR\nAU  - Smith, J\nTI  - x\n",
     ["item 1, line 1: TY at line 1: the file ends before this record's 'ER  - ' line"]),
    ("not-a-list.json", '{"a": 1}',
     ["not-a-list.json: CSL-JSON must be a list of items (or one item), not dict"]),
])
def test_malformed_bibtex_ris_and_csl_json_are_refused(cli, empty_root, tmp_path, name, content,
                                                       messages):
    path = _write(tmp_path / name, content)
    fmt = ["--format", "csl-json"] if name.endswith(".json") else []
    res = cli(empty_root, "import", str(path), *fmt)
    for message in messages:
        assert_refused(res, message, empty_root)
    assert not list((empty_root / ".archive").glob("staging/*"))  # no staged leftovers


MESSY_EXPECTED = {
    # the record a librarian expects from each entry of tests/data/messy.bib
    "tokiwa2022": {"authors": [{"family": "Tokiwa", "given": "Shin", "order": "family-first"},
                               {"family": "Müller", "given": "Jörg"},
                               {"organization": "The Global Forum of Japan"}],
                   "publisher": "The Global Forum of Japan", "place": "Tokyo",
                   "issued": "2022-06-01", "abstract": "A 50% chance & more—or less."},
    "beethoven": {"publisher": "Japan Forum on International Relations and "
                               "The Global Forum of Japan", "series": "Music & Letters"},
}


def test_the_messy_bibliography_through_the_cli(cli, empty_root):
    from tests.conftest import DATA

    res = cli(empty_root, "import", str(DATA / "messy.bib"), "--verbose")
    assert res.exit_code == 0, res.stderr
    assert "dropped: item 2 (id Garcia_2019), line 32: author: 'and others'" in res.stderr
    for record_id, fields in MESSY_EXPECTED.items():
        shown = cli(empty_root, "show", record_id, "--format", "json").json
        for key, value in fields.items():
            assert shown[key] == value, (record_id, key, shown[key])


def test_an_error_late_in_a_large_file_read_aside(cli, empty_root, tmp_path):
    """A file over 2 MB is read in a second process: its errors still name the line, and
    nothing is written."""
    from archive import parallel

    path = _big_items(tmp_path / "big.json", 300)
    text = path.read_text(encoding="utf-8")
    assert len(text) > parallel.READ_AHEAD_BYTES
    lines = text.count("\n")
    path.write_text(text.rstrip().removesuffix("]") + ',\n{"id": "x", "type": ]\n',
                    encoding="utf-8")
    res = cli(empty_root, "import", str(path))
    assert_refused(res, f"big.json, line {lines + 1}, column 21: not valid JSON: "
                   "Expecting value", empty_root)
    assert not list((empty_root / ".archive" / "staging").glob("*"))


def test_read_aside_gives_what_the_reader_gives_and_its_errors():
    from archive import parallel
    from archive.errors import ArchiveError

    def produce():
        for i in range(1000):
            yield i, i * 10

    assert list(parallel.read_aside(produce, 10 << 20)) == list(produce())

    def refused():
        yield 1, 1
        raise ArchiveError("x.bib, line 9: broken", ["detail"])

    with pytest.raises(ArchiveError, match="x.bib, line 9: broken") as info:
        list(parallel.read_aside(refused, 10 << 20))
    assert info.value.details == ["detail"]

    def crashed():
        yield 1, 1
        raise KeyError("oops")

    with pytest.raises(RuntimeError, match="KeyError: 'oops'"):
        list(parallel.read_aside(crashed, 10 << 20))


@pytest.mark.parametrize("content, fmt", [
    # Zotero writes urldate in BibTeX too: not a sign of BibLaTeX
    ("@techreport{a,\n  title = {T},\n  urldate = {2023-01-05},\n  year = {2022},\n}\n",
     "bibtex"),
    ("@report{a,\n  title = {T},\n  date = {2022-06-01},\n  langid = {english},\n}\n",
     "biblatex"),
])
def test_a_bib_file_is_read_in_the_dialect_it_uses(cli, empty_root, tmp_path, content, fmt):
    res = cli(empty_root, "import", str(_write(tmp_path / "x.bib", content)), "--dry-run")
    assert res.exit_code == 0, res.stderr
    assert f"({fmt}) would be imported" in res.stderr
    assert ("read as BibLaTeX: the file uses @report, date, langid" in res.stderr) == (
        fmt == "biblatex")
