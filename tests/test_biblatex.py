"""BibLaTeX export and import: biber's data model, pandoc and citation.js read it back,
and round trips keep every field the format carries."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from oracle import skip_or_fail
from strategies import record_data
from test_bibtex import (
    _commentary_told,
    check_names,
    citationjs,
    date_parts,
    pandoc,
    round_trip,
    varied_records,
)

from archive.formats import biblatex
from archive.model import validate_record


def biber_warnings(path: Path) -> list[str]:
    """The data-model warnings of ``biber --tool --validate-datamodel``."""
    if shutil.which("biber") is None:
        skip_or_fail("biber is not installed (Debian package biber)")
    out = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file",
                          str(path.with_suffix(".out.bib")), str(path)],
                         capture_output=True, text=True, timeout=300, cwd=path.parent)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text
    return [line for line in text.splitlines() if line.startswith(("WARN -", "ERROR -"))]


def test_biber_validates_our_biblatex(tmp_path: Path) -> None:
    """Complete records: not one warning. Sparse records (no author, no date...): the
    only warnings are the mandatory fields the record lacks, never a field we put
    where the data model has no place for it."""
    path = tmp_path / "full.bib"
    records = varied_records()
    path.write_text(biblatex.dump(records), encoding="utf-8")
    warnings = biber_warnings(path)
    # records without an author or journal are missing biber's mandatory fields only
    assert all("Missing mandatory field" in w for w in warnings), warnings
    complete = [r for r in records if r.get("authors") and r.get("publisher")
                and r["type"] not in ("op-ed", "article", "chapter")]
    path = tmp_path / "complete.bib"
    path.write_text(biblatex.dump(complete), encoding="utf-8")
    assert biber_warnings(path) == []
    sparse = [validate_record({"id": f"s-{t}", "type": t, "title": "T"}).to_data()
              for t in biblatex.ENTRY_TYPE]
    path = tmp_path / "sparse.bib"
    path.write_text(biblatex.dump(sparse), encoding="utf-8")
    assert not [w for w in biber_warnings(path) if "Missing mandatory" not in w]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_data())
def test_biber_never_finds_a_field_out_of_place(data: dict[str, Any]) -> None:
    if shutil.which("biber") is None:
        skip_or_fail("biber is not installed (Debian package biber)")
    import tempfile

    # biber 2.18 refuses a name of three parts (with a suffix) where a part holds a comma,
    # braced or not ("{,}, Jr., Ann": "too many commas"): no real name does that
    assume(not any(a.get("suffix") and "," in "".join(str(a.get(k) or "") for k in (
        "family", "given", "non_dropping_particle", "suffix"))
        for key in ("authors", "translators", "editors") for a in data.get(key, [])))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.bib"
        path.write_text(biblatex.dump([validate_record(data).to_data()]), encoding="utf-8")
        bad = [w for w in biber_warnings(path) if "Missing mandatory" not in w]
    assert not bad, bad


@pytest.mark.parametrize("reader", [pandoc, citationjs])
def test_readers_read_our_biblatex(reader, tmp_path: Path) -> None:
    records = varied_records()
    path = tmp_path / "out.bib"
    path.write_text(biblatex.dump(records), encoding="utf-8")
    items = reader(path, "biblatex")
    for data in records:
        item = items[data["id"]]
        title = data["title"] + (f": {data['subtitle']}" if data.get("subtitle") else "")
        if reader is pandoc:
            title = title.replace("'", "’")
        assert item["title"] == title, (data["id"], item["title"])
        check_names(data["authors"], item["author"], reader.__name__)
        assert item["issued"]["date-parts"] == date_parts(data["issued"]), data["id"]
        original = data.get("original") or {}
        if original.get("issued"):  # origdate -> original-date in both readers
            assert item["original-date"]["date-parts"] == date_parts(original["issued"])
        if original.get("title"):
            assert item["original-title"] == original["title"]
        if data.get("translators") and biblatex.ENTRY_TYPE[data["type"]] in biblatex.VALID \
                and "translator" in biblatex.VALID[biblatex.ENTRY_TYPE[data["type"]]]:
            check_names(data["translators"], item["translator"], reader.__name__)
    seed = items["tokiwa-2022-do-not-be-disturbed"]
    assert seed["type"] == "report" and seed["publisher"] == "The Global Forum of Japan"
    assert seed["abstract"] == "A 50% chance & a $5 fee; #1 of 3_000 {braced} ~tilde^caret\\."
    assert seed["URL"] == records[0]["url"]
    assert seed["accessed"]["date-parts"] == [[2023, 1, 5]]


def test_pandoc_reads_langid_as_bcp47(tmp_path: Path) -> None:
    records = [validate_record({"id": f"l-{i}", "title": "T", "language": tag}).to_data()
               for i, tag in enumerate(["en", "ja", "de", "pt-BR", "en-GB"])]
    path = tmp_path / "lang.bib"
    path.write_text(biblatex.dump(records), encoding="utf-8")
    items = pandoc(path, "biblatex")
    # pandoc adds a region to a bare language (english -> en-US, japanese -> ja-JP)
    assert [items[f"l-{i}"]["language"] for i in range(5)] == [
        "en-US", "ja-JP", "de-DE", "pt-BR", "en-GB"]


def test_export_shapes() -> None:
    text = biblatex.dump([varied_records()[0]])
    assert text.startswith("@report{tokiwa-2022-do-not-be-disturbed,\n")
    for line in ("type = {GFJ Commentary}", "entrysubtype = {commentary}",
                 "institution = {The Global Forum of Japan}", "date = {2022-06-01}",
                 "origdate = {2022-05-19}", "langid = {english}", "origlocation = {Tokyo}",
                 "namea = {Doe, Jane and {The Global Forum of Japan}}",
                 "nameatype = {translator}", "subtitle = {{Ideal opportunity"):
        assert line in text, line
    assert "Academic Member" not in text  # affiliations have no place here
    assert not re.search(r"^\s*(series|translator|origlanguage) =", text, re.M)
    # an unknown tag has no babel name: written as the language, no langid
    one = biblatex.dump([validate_record({"id": "z", "title": "T", "language": "zh-Hant"})
                         .to_data()])
    assert "language = {zh-Hant}" in one and "langid" not in one


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_data())
def test_round_trip(data: dict[str, Any]) -> None:
    assume(_commentary_told(data) or data.get("type") != "report")
    round_trip(data, biblatex)


def test_round_trip_varied() -> None:
    for data in varied_records():
        round_trip(data, biblatex)


def test_biblatex_import_fields() -> None:
    text = """@report{gfj,
  author = {Tokiwa, Shin},
  namea = {Doe, Jane}, nameatype = {translator},
  title = {Title}, subtitle = {Sub},
  type = {GFJ Commentary}, number = {12}, institution = {GFJ},
  date = {2022-06}, origdate = {2022-05-19/2022-05-20}, origlanguage = {Japanese},
  langid = {british}, urldate = {2023-02-01}, keywords = {a, {b, c}; d},
  eprint = {1234}, eprinttype = {arxiv}, pagetotal = {12}, shorttitle = {T},
}
"""
    (entry,) = biblatex.load(io.StringIO(text), "x.bib")
    assert not entry.errors
    d = entry.data
    assert d["type"] == "commentary" and d["series"] == "GFJ Commentary"
    assert d["series_number"] == "12" and d["translators"] == [{"family": "Doe",
                                                                "given": "Jane"}]
    assert (d["title"], d["subtitle"], d["issued"]) == ("Title", "Sub", "2022-06")
    assert d["original"] == {"issued": "2022-05-19/2022-05-20", "language": "ja"}
    assert d["language"] == "en-GB" and d["accessed"] == "2023-02-01"
    assert d["subjects"] == ["a", "b, c", "d"]
    assert d["csl"] == {"number-of-pages": "12", "title-short": "T"}
    assert "eprint: no eprint field in our record" in entry.dropped
