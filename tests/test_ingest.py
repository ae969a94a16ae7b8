"""`archive ingest` (issue 5) through the real CLI: the seed and GFJ-layout documents written
here become records with the right fields and the file archived with its sha256 (checked
with hashlib); other layouts give partial drafts; bad files are refused with a message."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_ID, SEED_TEXT, assert_no_traceback, run_archive

BODY = ("The government announced a change of course late last month. Needless to say, "
        "this was expected by observers of the region, and it warrants no surprise.\n\n"
        "What has been shocking, however, is the coverage by the media, which mostly "
        "reported the news without context. This is a serious problem.\n\n")


def gfj_text(*, date: str, title_lines: list[str], subtitle_lines: list[str], byline: str,
             original_date: str) -> str:
    """A commentary laid out as the GFJ's PDFs come out of text extraction (the seed)."""
    head = ["GFJ Commentary", "", f"{date} ", ""]
    for line in title_lines:
        head += [line, ""]
    for line in subtitle_lines:
        head += [line, ""]
    note = (f"(This is the English translation of an article written by {byline}, which "
            f"originally appeared on the e-Forum “Giron-Hyakushutsu” of GFJ on "
            f"{original_date}.)")
    return "\n".join(head) + "\n" + BODY + note + "\n"


def show(cli, root, record_id):
    res = cli(root, "show", record_id, "--format", "json")
    assert res.exit_code == 0, res.stderr
    return res.json


def ingest(cli, root, path, *args):
    res = cli(root, "ingest", str(path), *args)
    assert_no_traceback(res.stdout + res.stderr)
    return res


def test_the_seed_becomes_the_record_design_describes(cli, empty_root):
    if not SEED_TEXT.exists():
        pytest.skip("../shared/seed is not here")
    res = ingest(cli, empty_root, SEED_TEXT, "--yes")
    assert res.exit_code == 0, res.stderr
    record_id = res.stdout.strip()
    assert record_id == SEED_ID
    data = show(cli, empty_root, record_id)
    assert data["title"] == ("Do not be disturbed by the “suspension” of peace treaty "
                             "negotiations with Russia")
    assert data["subtitle"] == ("Ideal opportunity for completely breaking away from the "
                                "policy of Russian appeasement")
    assert data["series"] == "GFJ Commentary"
    assert data["issued"] == "2022-06-01" and data["language"] == "en"
    assert data["type"] == "commentary"
    [author] = data["authors"]
    assert (author["family"], author["given"], author["order"]) == ("Tokiwa", "Shin",
                                                                     "family-first")
    assert [(a.get("role"), a["organization"]) for a in author["affiliations"]] == [
        ("Academic Member", "The Global Forum of Japan (GFJ)"),
        ("Distinguished Research Fellow", "The Japan Forum on International Relations (JFIR)"),
        ("Senior staff writer", "Tokyo Shimbun")]
    original = data["original"]
    assert original["issued"] == "2022-05-19" and original["language"] == "ja"
    assert original["venue"] == "e-Forum “Giron-Hyakushutsu”"
    [f] = data["files"]
    raw = SEED_TEXT.read_bytes()
    assert f["sha256"] == hashlib.sha256(raw).hexdigest() and f["bytes"] == len(raw)
    assert f["media_type"] == "text/plain"
    archived = empty_root / "records" / record_id / f["path"]
    assert archived.read_bytes() == raw
    assert cli(empty_root, "validate").exit_code == 0
    # the archived text is searched: a word only the body has
    res = cli(empty_root, "search", "coterie", "--json")
    assert [r["id"] for r in res.json] == [SEED_ID]


def test_acronyms_the_archive_knows_are_expanded(cli, seed_root):
    if not SEED_TEXT.exists():
        pytest.skip("../shared/seed is not here")
    # the shipped record names JFIR in full; ingesting the seed beside it is a duplicate
    res = ingest(cli, seed_root, SEED_TEXT, "--yes")
    assert res.exit_code == 1
    assert f"likely duplicate of {SEED_ID} (same title, first author and year)" in res.stderr
    assert "--allow-duplicate" in res.stderr
    res = ingest(cli, seed_root, SEED_TEXT, "--yes", "--allow-duplicate")
    assert res.exit_code == 0, res.stderr
    data = show(cli, seed_root, res.stdout.strip())
    orgs = [a["organization"] for a in data["authors"][0]["affiliations"]]
    assert orgs == ["The Global Forum of Japan (GFJ)",
                    "The Japan Forum on International Relations (JFIR)", "Tokyo Shimbun"]


CASES = [
    dict(date="March 3, 2023", title_lines=["Why the Indo-Pacific needs a new", "framework"],
         subtitle_lines=[], byline="KAMIYA Matake, Academic Member, GFJ",
         original_date="February 14, 2023",
         want=dict(title="Why the Indo-Pacific needs a new framework", subtitle=None,
                   family="Kamiya", given="Matake", issued="2023-03-03",
                   original="2023-02-14",
                   affiliations=[("Academic Member", "The Global Forum of Japan (GFJ)")])),
    dict(date="November 30, 2021",
         title_lines=["Japan should stand with Taiwan on", "the World Health Organization",
                      "observer question"],
         subtitle_lines=["A test of the rules-based order", "in the post-pandemic era"],
         byline="ITO Kenichi, President, GFJ / Chairman, JFIR / Professor Emeritus, "
                "Aoyama Gakuin University",
         original_date="November 12, 2021",
         want=dict(title="Japan should stand with Taiwan on the World Health Organization "
                         "observer question",
                   subtitle="A test of the rules-based order in the post-pandemic era",
                   family="Ito", given="Kenichi", issued="2021-11-30", original="2021-11-12",
                   affiliations=[("President", "The Global Forum of Japan (GFJ)"),
                                 ("Chairman", "The Japan Forum on International Relations (JFIR)"),
                                 ("Professor Emeritus", "Aoyama Gakuin University")])),
]


@pytest.mark.parametrize("case", CASES, ids=["one-affiliation", "three-lines"])
def test_gfj_layout_documents_with_other_authors_dates_and_titles(cli, empty_root, tmp_path,
                                                                   case):
    want = case["want"]
    path = tmp_path / "commentary.txt"
    path.write_text(gfj_text(**{k: v for k, v in case.items() if k != "want"}),
                    encoding="utf-8")
    res = ingest(cli, empty_root, path, "--yes")
    assert res.exit_code == 0, res.stderr
    data = show(cli, empty_root, res.stdout.strip())
    assert data["title"] == want["title"]
    assert data.get("subtitle") == want["subtitle"]
    [author] = data["authors"]
    assert (author["family"], author["given"]) == (want["family"], want["given"])
    assert [(a.get("role"), a["organization"]) for a in author["affiliations"]] == \
        want["affiliations"]
    assert data["issued"] == want["issued"]
    assert data["original"]["issued"] == want["original"]
    assert data["original"]["language"] == "ja" and data["language"] == "en"
    assert data["original"]["venue"] == "e-Forum “Giron-Hyakushutsu”"
    assert data["series"] == "GFJ Commentary"
    assert data["files"][0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def first_case(tmp_path: Path) -> Path:
    """The first GFJ-layout case, written to a.txt."""
    path = tmp_path / "a.txt"
    path.write_text(gfj_text(**{k: v for k, v in CASES[0].items() if k != "want"}),
                    encoding="utf-8")
    return path


def test_ingesting_the_same_file_twice_is_a_duplicate(cli, empty_root, tmp_path):
    path = first_case(tmp_path)
    first = ingest(cli, empty_root, path, "--yes")
    assert first.exit_code == 0, first.stderr
    res = ingest(cli, empty_root, path, "--yes", "--set", "title=Something else entirely")
    assert res.exit_code == 1
    assert f"likely duplicate of {first.stdout.strip()} (same archived file)" in res.stderr
    assert len(list((empty_root / "records").iterdir())) == 1


def test_dry_run_shows_the_draft_and_writes_nothing(cli, empty_root, tmp_path):
    path = first_case(tmp_path)
    res = ingest(cli, empty_root, path, "--dry-run")
    assert res.exit_code == 0, res.stderr
    assert "title: Why the Indo-Pacific needs a new framework" in res.stdout
    assert "sha256: " + hashlib.sha256(path.read_bytes()).hexdigest() in res.stdout
    assert "Draft from a.txt" in res.stderr
    assert list((empty_root / "records").iterdir()) == []


def test_without_a_terminal_it_asks_for_yes(cli, empty_root, tmp_path):
    path = first_case(tmp_path)
    res = ingest(cli, empty_root, path)
    assert res.exit_code == 1 and "--yes" in res.stderr
    assert list((empty_root / "records").iterdir()) == []


def test_another_layout_gives_a_partial_draft_and_names_what_is_missing(cli, empty_root,
                                                                        tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Some thoughts on maritime security\n\nThe sea lanes matter. " * 3,
                    encoding="utf-8")
    res = ingest(cli, empty_root, path, "--yes")
    assert res.exit_code == 1
    assert "could not find" in res.stderr and "authors" in res.stderr and "issued" in res.stderr
    assert "--set issued=YYYY-MM-DD" in res.stderr
    assert list((empty_root / "records").iterdir()) == []
    res = ingest(cli, empty_root, path, "--yes", "--set", "title=Maritime security",
                 "--set", "issued=2024-01-05", "--set", "authors=[{family: Ota, given: Ken}]")
    assert res.exit_code == 0, res.stderr
    data = show(cli, empty_root, res.stdout.strip())
    assert data["issued"] == "2024-01-05" and "original" not in data and "series" not in data


def test_edit_opens_the_draft_in_the_editor(cli, empty_root, tmp_path):
    path = first_case(tmp_path)
    editor = f"{sys.executable} -c \"import sys,pathlib; p=pathlib.Path(sys.argv[1]); " \
             f"p.write_text(p.read_text().replace('framework', 'framework now'))\""
    res = cli(empty_root, "ingest", str(path), "--edit", "--yes", env={"EDITOR": editor})
    assert res.exit_code == 0, res.stderr
    data = show(cli, empty_root, res.stdout.strip())
    assert data["title"] == "Why the Indo-Pacific needs a new framework now"


@pytest.mark.parametrize("content,suffix,message", [
    (b"", ".txt", "empty"),
    (b"   \n\n", ".txt", "empty"),
    (b"\x00\x01\x02binary\x00", ".txt", "binary"),
    (b"not a pdf at all", ".pdf", "not a PDF"),
    (b"%PDF-1.4\n1 0 obj\n<<", ".pdf", "PDF"),
    (b"PK\x03\x04", ".docx", ".pdf"),  # the message lists what is supported
])
def test_bad_files_are_refused_with_a_message(cli, empty_root, tmp_path, content, suffix,
                                              message):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    res = ingest(cli, empty_root, path, "--yes")
    assert res.exit_code == 1
    assert str(path) in res.stderr and message in res.stderr
    assert list((empty_root / "records").iterdir()) == []


def test_a_file_over_the_size_limit_is_refused(cli, empty_root, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(first_case(tmp_path).read_text(encoding="utf-8") * 20, encoding="utf-8")
    res = ingest(cli, empty_root, path, "--yes", "--max-mb", "0.01")
    assert res.exit_code == 1 and "limit" in res.stderr and str(path) in res.stderr
    assert list((empty_root / "records").iterdir()) == []


def test_a_missing_file(cli, empty_root, tmp_path):
    res = ingest(cli, empty_root, tmp_path / "nowhere.txt", "--yes")
    assert res.exit_code == 1 and "nowhere.txt" in res.stderr


def test_prompts_for_what_is_missing_on_a_terminal(empty_root, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    path = tmp_path / "notes.txt"
    path.write_text("Some thoughts on maritime security\n\nThe sea lanes matter. " * 3,
                    encoding="utf-8")
    child = pexpect.spawn(sys.executable, ["-m", "archive", "--root", str(empty_root),
                                           "ingest", str(path)],
                          env={**os.environ, "COLUMNS": "100"}, encoding="utf-8", timeout=60)
    for prompt, answer in (("Title", "Maritime security"),
                           ("Byline", "OTA Ken, Fellow, JFIR"),
                           ("Date published", "2024-01-05")):
        if child.expect([prompt, pexpect.EOF]) == 1:
            pytest.fail(child.before)
        child.sendline(answer)
    child.expect("Add ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    [folder] = list((empty_root / "records").iterdir())
    assert folder.name == "ota-2024-maritime-security"
    assert (folder / "notes.txt").read_bytes() == path.read_bytes()


def test_the_installed_command_ingests(tmp_path):
    if not SEED_TEXT.exists():
        pytest.skip("../shared/seed is not here")
    root = tmp_path / "arch"
    assert run_archive("init", str(root)).returncode == 0
    res = run_archive("--root", str(root), "ingest", str(SEED_TEXT), "--yes")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == SEED_ID
    assert Path(root, "records", SEED_ID, SEED_TEXT.name).is_file()


# --------------------------------------------------------------------------- PDFs


def _commentary():
    from tests.pdfs import Author, Commentary

    return Commentary(
        title="Japan and the Philippines should deepen their maritime cooperation now",
        subtitle="Beyond the coast guards: a framework for the South China Sea",
        issued="2024-09-17", original_issued="2024-08-30",
        authors=[Author("Hosoya", "Yuichi", [("Director", "GFJ"),
                                            ("Professor", "Keio University")])])


def test_a_gfj_pdf_is_ingested_with_its_text_layer(cli, empty_root, tmp_path):
    pytest.importorskip("reportlab")
    from tests.pdfs import gfj_pdf

    c = _commentary()
    path = gfj_pdf(tmp_path / "GFJ Commentary 2024-09.pdf", c)
    res = ingest(cli, empty_root, path, "--yes")
    assert res.exit_code == 0, res.stderr
    data = show(cli, empty_root, res.stdout.strip())
    assert (data["title"], data["subtitle"]) == (c.title, c.subtitle)
    assert (data["issued"], data["original"]["issued"]) == ("2024-09-17", "2024-08-30")
    [author] = data["authors"]
    assert (author["family"], author["given"]) == ("Hosoya", "Yuichi")
    assert [(a["role"], a["organization"]) for a in author["affiliations"]] == [
        ("Director", "The Global Forum of Japan (GFJ)"), ("Professor", "Keio University")]
    [f] = data["files"]
    assert f["media_type"] == "application/pdf" and f["path"] == "GFJ-Commentary-2024-09.pdf"
    assert f["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    # words of the PDF's body are searchable
    body_word = sorted(set(c.body[0].split()), key=len)[-1].strip(".,;:“”")
    hits = cli(empty_root, "search", body_word, "--json").json
    assert [h["id"] for h in hits] == [data["id"]]


def test_a_pdf_without_a_text_layer_is_said_to_be_one(cli, empty_root, tmp_path):
    pytest.importorskip("reportlab")
    from tests.pdfs import image_only_pdf

    path = image_only_pdf(tmp_path / "scan.pdf")
    res = ingest(cli, empty_root, path, "--yes")
    assert res.exit_code == 1
    assert "has no text layer" in res.stderr and "could not find title, authors, issued" in \
        res.stderr
    assert list((empty_root / "records").iterdir()) == []
    res = ingest(cli, empty_root, path, "--yes", "--set", "title=A scanned commentary",
                 "--set", "issued=2020-02", "--set", "authors=[{family: Ota, given: Ken}]")
    assert res.exit_code == 0, res.stderr
    data = show(cli, empty_root, res.stdout.strip())
    assert data["files"][0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("maker,message", [("encrypted_pdf", "encrypted"),
                                           ("truncated_pdf", "PDF")])
def test_unreadable_pdfs_are_refused(cli, empty_root, tmp_path, maker, message):
    pytest.importorskip("reportlab")
    from tests import pdfs

    if maker == "truncated_pdf":
        good = pdfs.gfj_pdf(tmp_path / "good.pdf", _commentary())
        path = pdfs.truncated_pdf(tmp_path / "bad.pdf", good)
    else:
        path = pdfs.encrypted_pdf(tmp_path / "bad.pdf")
    res = ingest(cli, empty_root, path, "--yes")
    assert res.exit_code == 1 and str(path) in res.stderr and message in res.stderr
    assert list((empty_root / "records").iterdir()) == []


def test_attach_archives_the_file_with_an_existing_record(cli, seed_root, tmp_path):
    if not SEED_TEXT.exists():
        pytest.skip("../shared/seed is not here")
    before = show(cli, seed_root, SEED_ID)
    res = ingest(cli, seed_root, SEED_TEXT, "--yes")
    assert res.exit_code == 1 and f"--attach {SEED_ID}" in res.stderr
    res = ingest(cli, seed_root, SEED_TEXT, "--attach", SEED_ID)
    assert res.exit_code == 0, res.stderr
    after = show(cli, seed_root, SEED_ID)
    [f] = after["files"]
    assert f["sha256"] == hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()
    assert (seed_root / "records" / SEED_ID / f["path"]).read_bytes() == SEED_TEXT.read_bytes()
    assert {k: v for k, v in after.items() if k not in ("files", "provenance")} == \
        {k: v for k, v in before.items() if k not in ("files", "provenance")}
    assert [p.name for p in (seed_root / "records" / SEED_ID).iterdir()
            if p.name.startswith(".")] == []
    assert cli(seed_root, "validate").exit_code == 0
    # the same file twice, an unknown record, a bad file: refused, nothing written
    res = ingest(cli, seed_root, SEED_TEXT, "--attach", SEED_ID)
    assert res.exit_code == 1 and "already holds this file" in res.stderr
    res = ingest(cli, seed_root, SEED_TEXT, "--attach", "no-such-record")
    assert res.exit_code == 1 and "no-such-record: no such record" in res.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = ingest(cli, seed_root, empty, "--attach", SEED_ID)
    assert res.exit_code == 1 and "empty" in res.stderr
    assert show(cli, seed_root, SEED_ID)["files"] == after["files"]


def test_the_help_examples_run(cli, seed_root, tmp_path, monkeypatch):
    if not SEED_TEXT.exists():
        pytest.skip("../shared/seed is not here")
    pytest.importorskip("reportlab")
    from tests.conftest import SHARED
    from tests.pdfs import gfj_pdf, image_only_pdf
    from tests.test_cli import _help_examples

    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "shared").symlink_to(SHARED)
    monkeypatch.chdir(work)
    gfj_pdf(work / "commentary.pdf", _commentary())
    image_only_pdf(work / "scan.pdf")
    examples = _help_examples(cli, "ingest")
    assert len(examples) == 4
    for argv in examples:
        res = cli(seed_root, *argv)
        assert res.exit_code == 0, (argv, res.stderr)
    assert show(cli, seed_root, SEED_ID)["files"][0]["path"] == SEED_TEXT.name
    assert cli(seed_root, "validate").exit_code == 0


def test_archived_text_is_searched_and_ranked_below_the_metadata(cli, empty_root, tmp_path):
    ingested = ingest(cli, empty_root, first_case(tmp_path), "--yes").stdout.strip()
    res = cli(empty_root, "add", "--title", "What the government announced",
              "--byline", "Ken Ota", "--issued", "2020")
    assert res.exit_code == 0, res.stderr
    added = res.stdout.strip()
    hits = [h["id"] for h in cli(empty_root, "search", "announced", "--json").json]
    assert hits == [added, ingested]
    # words only in the text find only the ingested record
    assert [h["id"] for h in cli(empty_root, "search", "observers", "--json").json] == \
        [ingested]
