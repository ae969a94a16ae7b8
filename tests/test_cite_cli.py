"""`archive cite` and `archive styles` through the real CLI: what a researcher types.

Exact citation texts are the oracle's business (tests/test_citeproc_js.py compares with
citeproc-js); here: which records, in which order, how many lines, which headings, and
every bad input (exit 1, a message naming the thing, no traceback, nothing written).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive import styles
from tests import oracle
from tests.conftest import REPO, SEED_ID, assert_no_traceback, run_archive
from tests.test_cli import SEED_FLAGS, _help_examples

OKAZAKI = ["--title", "Japan must not return to Russia appeasement",
           "--byline", "OKAZAKI Taro, Senior Fellow, JFIR", "--issued", "2023-03",
           "--series", "JFIR Commentary", "--language", "en"]
NO_BIBLIOGRAPHY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>Notes only</title><id>notes-only</id>
    <updated>2026-11-27T00:00:00+00:00</updated></info>
  <citation><layout suffix="."><text variable="title"/></layout></citation>
</style>
"""
HOUSE = ("TOKIWA Shin, “Do not be disturbed by the ‘suspension’ of peace treaty negotiations "
         "with Russia: Ideal opportunity for completely breaking away from the policy of "
         "Russian appeasement,” GFJ Commentary, June 1, 2022 (originally e-Forum "
         "“Giron-Hyakushutsu,” May 19, 2022).")


@pytest.fixture(autouse=True)
def style_cache(tmp_path_factory, monkeypatch):
    cache = tmp_path_factory.getbasetemp() / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))


@pytest.fixture
def root(seed_root: Path) -> Path:
    """The shipped records and styles/ (the house style), in a temporary archive."""
    shutil.copytree(REPO / "styles", seed_root / "styles")
    return seed_root


@pytest.fixture
def two(cli, root) -> tuple[Path, str]:
    """The seed and an OKAZAKI 2023 commentary."""
    res = cli(root, "add", *OKAZAKI)
    assert res.exit_code == 0, res.stderr
    return root, res.stdout.strip()


def refused(res, *messages: str) -> None:
    """Exit 1, every message on stderr, no traceback, nothing on stdout."""
    assert res.exit_code == 1, (res.stdout, res.stderr)
    for message in messages:
        assert message in res.stderr, res.stderr
    assert_no_traceback(res.stderr)
    assert res.stdout == ""


# --------------------------------------------------------------------------- bibliography


def test_default_is_apa_bibliography_in_text(cli, root):
    res = cli(root, "cite", SEED_ID)
    assert res.exit_code == 0, res.stderr
    (line,) = res.stdout.splitlines()
    assert line.startswith("Tokiwa") and "(2022)" in line and "GFJ Commentary" in line
    assert res.stdout == cli(root, "cite", SEED_ID, "--style", "apa", "--format", "text",
                             "--mode", "bibliography").stdout


def test_bibliography_follows_the_styles_order(cli, two):
    root, okazaki = two
    res = cli(root, "cite", SEED_ID, okazaki)  # APA sorts by author
    lines = res.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Okazaki") and lines[1].startswith("Tokiwa")
    res = cli(root, "cite", SEED_ID, okazaki, "--style", "ieee")  # IEEE: order cited
    lines = res.stdout.splitlines()
    assert "Tokiwa" in lines[0] and "Okazaki" in lines[1]
    assert lines[0].startswith("[1]") and lines[1].startswith("[2]")


def test_all_records(cli, two):
    root, okazaki = two
    res = cli(root, "cite", "--all")
    assert res.exit_code == 0, res.stderr
    assert [line.split()[0].strip(",") for line in res.stdout.splitlines()] == ["Okazaki", "Tokiwa"]


def test_an_id_given_twice_is_one_entry(cli, root):
    res = cli(root, "cite", SEED_ID, SEED_ID)
    assert len(res.stdout.splitlines()) == 1


# --------------------------------------------------------------------------- citations


def test_citations_one_per_id_in_the_order_given(cli, two):
    root, okazaki = two
    res = cli(root, "cite", SEED_ID, okazaki, SEED_ID, "--mode", "citation")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 3
    assert "Tokiwa" in lines[0] and "Okazaki" in lines[1] and "Tokiwa" in lines[2]
    assert lines[0].startswith("(") and "2022" in lines[0]


def test_citations_are_one_document_so_note_styles_shorten_repeats(cli, two):
    root, okazaki = two
    res = cli(root, "cite", SEED_ID, okazaki, SEED_ID, "--mode", "citation",
              "--style", "chicago-notes")
    first, other, again = res.stdout.splitlines()
    assert "Tokiwa" in first and "Okazaki" in other
    assert len(again) < len(first) / 2  # the subsequent (short) form


def test_citation_mode_works_for_a_style_without_bibliography(cli, root):
    (root / "styles" / "notes-only.csl").write_text(NO_BIBLIOGRAPHY, encoding="utf-8")
    res = cli(root, "cite", SEED_ID, "--style", "notes-only", "--mode", "citation")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("Do not be disturbed")


# --------------------------------------------------------------------------- several styles


def test_several_styles_each_under_a_heading(cli, root):
    res = cli(root, "cite", SEED_ID, "--style", "apa", "--style", "chicago")
    assert res.exit_code == 0, res.stderr
    blocks = res.stdout.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [
        "== apa: APA Style 7th edition ==",
        "== chicago: Chicago Manual of Style 18th edition (author-date) ==",
    ]
    assert all(len(b.splitlines()) == 2 and "Tokiwa" in b for b in blocks)


@pytest.mark.parametrize("fmt, head", [
    ("html", "<h2>apa: APA Style 7th edition</h2>"),
    ("markdown", "## apa: APA Style 7th edition"),
    ("rtf", "{\\b apa: APA Style 7th edition}\\par"),
])
def test_headings_per_format(cli, root, fmt, head):
    res = cli(root, "cite", SEED_ID, "--style", "apa", "--style", "mla", "--format", fmt)
    assert res.exit_code == 0, res.stderr
    assert head in res.stdout.splitlines()
    if fmt == "html":
        assert res.stdout.count('<div class="csl-entry">') == 2
        assert "<i>" in res.stdout  # APA's report title in italics
    if fmt == "rtf":
        assert res.stdout.startswith("{\\rtf1") and res.stdout.rstrip().endswith("}")


def test_html_entries_are_wrapped_once(cli, root):
    res = cli(root, "cite", SEED_ID, "--style", "ieee", "--format", "html")
    assert res.stdout.count('<div class="csl-entry">') == 1
    assert '<div class="csl-entry"><div class="csl-left-margin">[1]</div>' in res.stdout


def test_rtf_headings_escape_what_rtf_cannot_hold(cli, root):
    text = (root / "styles" / "gfj.csl").read_text(encoding="utf-8")
    (root / "styles" / "societe.csl").write_text(
        text.replace("<title>GFJ house style (commentaries)</title>",
                     "<title>Société {tèst} \\ 常盤</title>"), encoding="utf-8")
    res = cli(root, "cite", SEED_ID, "--style", "societe", "--style", "apa", "--format", "rtf")
    assert res.exit_code == 0, res.stderr
    assert ("{\\b societe: Soci\\uc0\\u233{}t\\uc0\\u233{} \\{t\\uc0\\u232{}st\\} \\\\ "
            "\\uc0\\u24120{}\\uc0\\u30436{}}\\par") in res.stdout.splitlines()
    assert res.stdout.isascii()


def test_all_configured_defaults_to_the_twelve_aliases(cli, root):
    res = cli(root, "cite", SEED_ID, "--style", "all-configured")
    assert res.exit_code == 0, res.stderr
    heads = [line for line in res.stdout.splitlines() if line.startswith("== ")]
    assert [h[3:].split(":")[0] for h in heads] == list(styles.ALIASES)
    assert res.stdout.count("Tokiwa") >= 12


def test_all_configured_reads_archive_yaml(cli, root):
    (root / "archive.yaml").write_text("styles: [gfj, ieee]\n", encoding="utf-8")
    res = cli(root, "cite", SEED_ID, "--style", "all-configured", "--format", "markdown")
    assert res.exit_code == 0, res.stderr
    heads = [line for line in res.stdout.splitlines() if line.startswith("## ")]
    assert heads == ["## gfj: GFJ house style (commentaries)",
                     "## ieee: IEEE Reference Guide version 11.29.2023"]


@pytest.mark.parametrize("text, message", [
    ("styles: apa\n", "archive.yaml, line 1: styles: must be a non-empty list"),
    ("styles: [apa, 3]\n", "styles[1]: 3 is not a style name"),
    ("styles: [\n", "archive.yaml, line 2"),
    ("styles: [apa, all-configured]\n", "all-configured cannot list itself"),
    ("styles: [apa, no-such-style-here]\n", "no-such-style-here: no such style"),
])
def test_bad_config_is_refused(cli, root, text, message):
    (root / "archive.yaml").write_text(text, encoding="utf-8")
    refused(cli(root, "cite", SEED_ID, "--style", "all-configured"), message)


# --------------------------------------------------------------------------- house style


def test_house_style(cli, root):
    res = cli(root, "cite", SEED_ID, "--style", "gfj")
    assert res.exit_code == 0, res.stderr
    (line,) = res.stdout.splitlines()
    for part in ["TOKIWA Shin, “Do not be disturbed", "GFJ Commentary, June 1, 2022",
                 "(originally e-Forum “Giron-Hyakushutsu", "May 19, 2022)."]:
        assert part in line


def test_house_style_matches_citeproc_js(cli, root):
    reason = oracle.skip_reason()
    if reason:
        oracle.skip_or_fail(reason)
    from archive.citations import family_first_static, record_to_csl
    from archive.store import Archive

    # a house style prints names as the record has them: "TOKIWA Shin" is family-first
    item = family_first_static(record_to_csl(Archive(root).read(SEED_ID)))
    with oracle.Oracle() as js:
        (expected,) = js.bibliography(root / "styles" / "gfj.csl", [item])
        (cited,) = js.citations(root / "styles" / "gfj.csl", [item], [[{"id": SEED_ID}]])
    assert expected.strip() == cited.strip() == HOUSE  # the example, as citeproc-js
    assert cli(root, "cite", SEED_ID, "--style", "gfj").stdout.strip() == HOUSE
    assert cli(root, "cite", SEED_ID, "--style", "gfj",
               "--mode", "citation").stdout.strip() == HOUSE


def test_house_style_for_other_names_matches_citeproc_js(cli, root, tmp_path):
    """Western names given name first, particles, organizations, translators, op-eds."""
    reason = oracle.skip_reason()
    if reason:
        oracle.skip_or_fail(reason)
    items = [
        {"id": "smith-2023-why-now", "type": "article-newspaper", "title": "Why now?",
         "author": [{"family": "Smith", "given": "John"},
                    {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}],
         "container-title": "The Japan Times", "issued": {"date-parts": [[2023, 3, 2]]},
         "page": "5"},
        {"id": "jfir-2021-annual-report", "type": "report", "title": "Annual report",
         "author": [{"literal": "The Japan Forum on International Relations"}],
         "translator": [{"family": "Doe", "given": "Jane"}], "publisher": "JFIR",
         "issued": {"date-parts": [[2021]]}},
    ]
    source = tmp_path / "items.json"
    source.write_text(json.dumps(items), encoding="utf-8")
    assert cli(root, "import", str(source)).exit_code == 0
    ids = [i["id"] for i in items]
    res = cli(root, "cite", *ids, "--style", "gfj")
    assert res.exit_code == 0, res.stderr
    with oracle.Oracle() as js:
        expected = js.bibliography(root / "styles" / "gfj.csl", items)
    assert res.stdout.splitlines() == [e.strip() for e in expected]
    assert any(line.startswith("John SMITH and Ludwig VAN BEETHOVEN, “Why now?")
               for line in res.stdout.splitlines())


# --------------------------------------------------------------------------- other ways to name a style


def test_style_by_path_by_id_and_dependent(cli, root, tmp_path):
    path = tmp_path / "mine.csl"
    shutil.copy(styles.package_dir() / "ieee.csl", path)
    by_path = cli(root, "cite", SEED_ID, "--style", str(path))
    by_id = cli(root, "cite", SEED_ID, "--style", "ieee")
    assert by_path.exit_code == by_id.exit_code == 0
    assert by_path.stdout == by_id.stdout and by_path.stdout.startswith("[1]")
    dependent = cli(root, "cite", SEED_ID, "--style", "nature-digest")  # -> nature, en-GB
    assert dependent.exit_code == 0, dependent.stderr
    assert dependent.stdout == cli(root, "cite", SEED_ID, "--style", "nature",
                                   "--locale", "en-GB").stdout


def test_locale_changes_the_terms(cli, root):
    english = cli(root, "cite", SEED_ID, "--style", "chicago")
    german = cli(root, "cite", SEED_ID, "--style", "chicago", "--locale", "de-DE")
    short = cli(root, "cite", SEED_ID, "--style", "chicago", "--locale", "de")
    assert english.exit_code == german.exit_code == short.exit_code == 0
    assert german.stdout != english.stdout and short.stdout == german.stdout


def test_a_record_with_little_renders_what_it_can_in_every_style(cli, root):
    res = cli(root, "add", "--title", "Untitled note on deterrence", "--organization",
              "The Global Forum of Japan", "--issued", "2024")
    assert res.exit_code == 0, res.stderr
    bare = res.stdout.strip()
    for mode in ("bibliography", "citation"):
        res = cli(root, "cite", bare, "--style", "all-configured", "--mode", mode)
        assert res.exit_code == 0, (mode, res.stderr)
        blocks = res.stdout.strip().split("\n\n")
        assert len(blocks) == 12
        assert all(len(b.splitlines()) == 2 for b in blocks), res.stdout


def test_all_in_an_empty_archive(cli, empty_root):
    res = cli(empty_root, "cite", "--all")
    assert res.exit_code == 0 and res.stdout == ""
    assert "no records to cite" in res.stderr


# --------------------------------------------------------------------------- bad input


def test_unknown_id_prints_nothing(cli, two):
    root, okazaki = two
    res = cli(root, "cite", SEED_ID, "no-such-record", okazaki)
    refused(res, "no-such-record: no such record", "--keep-going")


def test_unknown_ids_are_all_named(cli, root):
    res = cli(root, "cite", "nope-1", SEED_ID, "nope-2")
    refused(res, "2 of the records asked for cannot be cited", "nope-1: no such record",
            "nope-2: no such record")


def test_keep_going_cites_the_others_and_still_fails(cli, two):
    root, okazaki = two
    res = cli(root, "cite", SEED_ID, "no-such-record", okazaki, "--keep-going")
    assert res.exit_code == 1
    assert "no-such-record: no such record" in res.stderr and "the others were cited" in \
        res.stderr
    assert len(res.stdout.splitlines()) == 2
    assert_no_traceback(res.stderr)


def test_an_invalid_record_is_named(cli, root):
    bad = root / "records" / "broken-2020-x"
    bad.mkdir()
    (bad / "record.yaml").write_text("id: broken-2020-x\ntitle: X\nissued: 2022-02-30\n",
                                     encoding="utf-8")
    refused(cli(root, "cite", "broken-2020-x"), "broken-2020-x: cannot be cited",
            "2022-02-30")
    refused(cli(root, "cite", "--all"), "broken-2020-x: cannot be cited")
    res = cli(root, "cite", "--all", "--keep-going")
    assert res.exit_code == 1 and "broken-2020-x" in res.stderr
    assert len(res.stdout.splitlines()) == 1 and "Tokiwa" in res.stdout


def test_removed_record_says_how_to_restore(cli, root):
    assert cli(root, "add", *SEED_FLAGS).exit_code == 0
    assert cli(root, "remove", SEED_ID + "-2", "--yes").exit_code == 0
    refused(cli(root, "cite", SEED_ID + "-2"), "archive restore")


@pytest.mark.parametrize("style, messages", [
    ("apaa", ["apaa: no such style", "Closest: apa"]),
    ("chicgo", ["chicgo: no such style", "chicago"]),
    ("nowhere/x.csl", ["nowhere/x.csl: no such style file"]),
])
def test_unknown_style(cli, root, style, messages):
    refused(cli(root, "cite", SEED_ID, "--style", "apa", "--style", style), *messages)


def test_malformed_style_names_file_and_line(cli, root):
    (root / "styles" / "broken.csl").write_text(
        '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl">\n'
        "<info><title>x</title>\n</inf>\n</style>\n", encoding="utf-8")
    refused(cli(root, "cite", SEED_ID, "--style", "broken"),
            "broken.csl, line 4: not well-formed XML")


def test_style_broken_after_its_header_names_the_line(cli, root):
    text = NO_BIBLIOGRAPHY.replace("<citation>", "<citation><layout>")
    (root / "styles" / "late.csl").write_text(text, encoding="utf-8")
    refused(cli(root, "cite", SEED_ID, "--style", "late", "--mode", "citation"),
            "late.csl, line 5: not well-formed XML")


def test_style_without_bibliography(cli, root):
    (root / "styles" / "notes-only.csl").write_text(NO_BIBLIOGRAPHY, encoding="utf-8")
    refused(cli(root, "cite", SEED_ID, "--style", "notes-only"),
            "style notes-only (Notes only) has no bibliography", "--mode citation")
    # a packaged one: Chicago's notes without bibliography
    refused(cli(root, "cite", SEED_ID, "--style", "chicago-notes-no-url"),
            "has no bibliography")


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "--format 'pdf': use one of text, html, markdown, rtf"),
    (["--mode", "footnote"], "--mode 'footnote': use bibliography or citation"),
    (["--locale", "xx-YY"], "--locale 'xx-YY': no such CSL locale"),
    (["--locale", "de-XX"], "Try: de-AT, de-CH, de-DE"),
    (["--all"], "give record ids or --all, not both"),
])
def test_bad_options(cli, root, args, message):
    refused(cli(root, "cite", SEED_ID, *args), message)


def test_nothing_to_cite(cli, root):
    refused(cli(root, "cite"), "nothing to cite")


# --------------------------------------------------------------------------- -o FILE


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_output_file(cli, two, out_dir):
    root, okazaki = two
    out = out_dir / "refs.html"
    res = cli(root, "cite", SEED_ID, okazaki, "--format", "html", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "" and f"to {out}" in res.stderr
    assert out.read_text(encoding="utf-8").count('<div class="csl-entry">') == 2
    assert [p.name for p in out_dir.iterdir()] == ["refs.html"]  # no temporary file left


@pytest.mark.parametrize("args", [["no-such-record"], [SEED_ID, "--style", "apaa"],
                                  [SEED_ID, "--format", "pdf"]])
def test_output_file_untouched_on_error(cli, root, out_dir, args):
    out = out_dir / "refs.txt"
    out.write_text("before\n", encoding="utf-8")
    res = cli(root, "cite", *args, "-o", str(out))
    assert res.exit_code == 1 and "Traceback" not in res.stderr
    assert out.read_text(encoding="utf-8") == "before\n"
    assert [p.name for p in out_dir.iterdir()] == ["refs.txt"]
    missing = out_dir / "new.txt"
    assert cli(root, "cite", *args, "-o", str(missing)).exit_code == 1
    assert not missing.exists()


def test_output_file_in_a_missing_folder(cli, root, tmp_path):
    res = cli(root, "cite", SEED_ID, "-o", str(tmp_path / "no" / "refs.txt"))
    refused(res, "does not exist")
    refused(cli(root, "cite", SEED_ID, "-o", str(tmp_path)), "is a folder")


def test_keep_going_writes_what_it_could(cli, root, tmp_path):
    out = tmp_path / "refs.txt"
    res = cli(root, "cite", SEED_ID, "nope", "--keep-going", "-o", str(out))
    assert res.exit_code == 1 and "nope: no such record" in res.stderr
    assert out.read_text(encoding="utf-8").startswith("Tokiwa")


# --------------------------------------------------------------------------- archive styles


def test_styles_search(cli, root):
    res = cli(root, "styles", "chicago", "notes")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split("\t") == ["ID", "Alias", "Title", "Format", "Dependent on"]
    rows = [line.split("\t") for line in lines[1:]]
    assert ["chicago-notes-bibliography", "chicago-notes"] == rows[
        [r[0] for r in rows].index("chicago-notes-bibliography")][:2]
    assert all("chicago" in (r[0] + r[2]).lower() for r in rows)
    assert any(r[4] for r in rows)  # dependents name their parent


def test_styles_json_and_local(cli, root):
    res = cli(root, "styles", "gfj", "--json")
    assert res.exit_code == 0, res.stderr
    (row,) = [r for r in res.json if r["id"] == "gfj"]
    assert row == {"id": "gfj", "title": "GFJ house style (commentaries)", "format": "note",
                   "dependent": False, "parent": None, "source": "local", "alias": None}
    digest = [r for r in cli(root, "styles", "nature digest", "--json").json
              if r["id"] == "nature-digest"]
    assert digest[0]["dependent"] and digest[0]["parent"] == "nature"


@pytest.mark.parametrize("name, expected", [
    ("apa", "apa.csl"),  # alias
    ("chicago", "chicago-author-date.csl"),
    ("elsevier-harvard", "elsevier-harvard.csl"),  # id
    ("nature-digest", "nature.csl"),  # dependent: its parent
])
def test_styles_path(cli, root, name, expected):
    res = cli(root, "styles", "--path", name)
    assert res.exit_code == 0, res.stderr
    assert res.stdout == str(styles.package_dir() / expected) + "\n"
    if name == "nature-digest":
        assert "dependent" in res.stderr and "en-GB" in res.stderr
        assert str(styles.package_dir() / "dependent" / "nature-digest.csl") in res.stderr


def test_styles_path_local_and_file(cli, root, tmp_path):
    res = cli(root, "styles", "--path", "gfj")
    assert res.stdout == str(root / "styles" / "gfj.csl") + "\n"
    path = tmp_path / "x.csl"
    shutil.copy(root / "styles" / "gfj.csl", path)
    assert cli(root, "styles", "--path", str(path)).stdout == str(path) + "\n"
    info = cli(root, "styles", "--path", "turabian", "--json").json
    assert info["id"] == "turabian-notes-bibliography" and info["locale"] == "en-US"
    assert info["dependent_path"].endswith("dependent/turabian-notes-bibliography.csl")
    assert Path(info["path"]).parent == styles.package_dir() and info["is_note"]


def test_styles_path_unknown(cli, root):
    refused(cli(root, "styles", "--path", "apaa"), "apaa: no such style", "Closest: apa")


def test_styles_outside_an_archive(tmp_path):
    res = run_archive("styles", "--path", "apa", cwd=tmp_path,
                      env={"ARCHIVE_ROOT": "", "XDG_CACHE_HOME": str(tmp_path / "c")})
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("apa.csl")


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", ["cite", "styles"])
def test_help_examples_run(cli, seed_root, command):
    """The examples work on the shipped records/ (without the repository's styles/)."""
    examples = _help_examples(cli, command)
    assert len(examples) >= 3
    for argv in examples:
        res = cli(seed_root, *argv)
        assert res.exit_code == 0, (argv, res.stderr)
        assert res.stdout.strip(), argv


def test_cite_as_a_user_runs_it():
    """The whole process, in the repository (shipped records and house style)."""
    res = run_archive("cite", SEED_ID, "--style", "gfj", "--style", "apa", cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "== gfj: GFJ house style (commentaries) =="
    assert json.loads(json.dumps(res.stdout))  # text, no stray bytes


def test_a_record_the_style_renders_as_nothing_gets_no_entry_and_a_note(cli, two):
    """citeproc-js prints no entry for an item its style renders as nothing; we do the
    same, and say so on stderr instead of printing an empty line."""
    root, okazaki = two
    (root / "styles" / "publisher-only.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        "<info><id>publisher-only</id><title>Publisher only</title>"
        "<updated>2026-11-27T00:00:00+00:00</updated></info>"
        '<citation><layout><text variable="title"/></layout></citation>'
        '<bibliography><layout><text variable="publisher"/></layout></bibliography></style>',
        encoding="utf-8")
    data = cli(root, "show", okazaki, "--json").stdout
    assert '"publisher"' not in data  # the OKAZAKI record has no publisher
    res = cli(root, "cite", SEED_ID, okazaki, "--style", "publisher-only")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines() == ["The Global Forum of Japan"]
    assert f"renders nothing for {okazaki}" in res.stderr


def test_a_record_edited_by_hand_is_cited_as_it_now_is(cli, root):
    """cite reads records through the search index, which sees a hand edit at once."""
    path = root / "records" / SEED_ID / "record.yaml"
    assert "Tokiwa, S. (2022)" in cli(root, "cite", SEED_ID).stdout
    text = path.read_text(encoding="utf-8").replace("issued: 2022-06-01", "issued: 2023-06-01")
    assert "2023-06-01" in text
    path.write_text(text, encoding="utf-8")
    res = cli(root, "cite", SEED_ID)
    assert res.exit_code == 0, res.stderr
    assert "Tokiwa, S. (2023)" in res.stdout
