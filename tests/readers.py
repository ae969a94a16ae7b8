"""The real readers of our exports, for the format tests: pandoc, citation.js and biber.

Each reader runs the real program on a file and gives back what it understood, so a test
asserts what a user's software will see, not what our own code believes it wrote.

    items = pandoc_csl(path, "biblatex")      # CSL-JSON items; ReaderError on any warning
    items = citationjs_csl(path, "ris")        # likewise, through tests/interop/read.js
    warns = biber_validate(path)               # biber's WARN lines; [] when the data is valid

``pandoc_read`` and ``citationjs_read`` give the items with the warnings and notes instead of
raising, for tests that look at the warnings themselves. The fixtures ``need_pandoc``,
``need_citationjs`` and ``need_biber`` skip a test when the program is absent, or fail it
where ``ARCHIVE_REQUIRE_ORACLE=1`` (CI) says every reader must be there.

What each reader reports (measured with pandoc 2.17, citation.js 0.8.2, biber 2.18):
- pandoc prints warnings on stderr (``[WARNING] ...``) and fails with a message and exit
  code 64/65 on a syntax error; it is silent about an unknown entry type (CSL type "") and
  an unreadable date (empty date-parts), which ``pandoc_read`` therefore adds as warnings.
- citation.js is quiet by design; ``tests/interop/read.js`` turns its logger on and adds the
  checks described there; its stderr lines are ``error:``, ``warning:`` or ``note:``.
- biber prints ``WARN - ...`` lines (``WARN - Datamodel: Entry 'x' (f.bib): Invalid field
  'translator' for entrytype 'report'``) and ``ERROR - ...`` for a file it cannot read.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.oracle import skip_or_fail

INTEROP = Path(__file__).resolve().parent / "interop"
READ_JS = INTEROP / "read.js"
CITATIONJS = INTEROP / "node_modules" / "@citation-js"
CITATIONJS_PLUGINS = ("core", "plugin-bibtex", "plugin-ris", "plugin-csl")
VARIED = Path(__file__).resolve().parent / "data" / "varied-records.yaml"
PANDOC_FORMATS = {"bibtex": "bibtex", "biblatex": "biblatex", "csl-json": "csljson"}
CITATIONJS_FORMATS = ("bibtex", "biblatex", "ris", "csl-json")
TIMEOUT = 300
_UNREAD = re.compile(r"^entry (\d+) \(.*\): (\S+) is not read by citation\.js")


class ReaderError(Exception):
    """A reader could not read a file, or read it with warnings; the message has them all."""

    def __init__(self, tool: str, path: Path | str, problems: list[str]) -> None:
        self.tool = tool
        self.path = Path(path)
        self.problems = problems
        super().__init__(f"{tool} on {path}:\n  " + "\n  ".join(problems))


@dataclass
class Reading:
    """What a reader made of a file: CSL-JSON items, its warnings, and notes that are not
    problems (e.g. fields citation.js does not read)."""

    items: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def unread(self) -> dict[int, set[str]]:
        """Fields (RIS tags) the reader does not read, by entry position from 0 (file order,
        which is the order of ``items``), from read.js's notes."""
        out: dict[int, set[str]] = {}
        for note in self.notes:
            m = _UNREAD.match(note)
            if m:
                out.setdefault(int(m.group(1)) - 1, set()).add(m.group(2))
        return out

    def checked(self, tool: str, path: Path | str) -> list[dict[str, Any]]:
        """The items, or ReaderError when the reader warned about anything."""
        if self.warnings:
            raise ReaderError(tool, path, self.warnings)
        return self.items


# --------------------------------------------------------------------------- availability


def pandoc_missing() -> str | None:
    """Why pandoc cannot run here, or None."""
    if shutil.which("pandoc") is None:
        return "pandoc is not installed (Debian package pandoc; .ci/run installs it)"
    return None


def citationjs_missing() -> str | None:
    """Why citation.js cannot run here, or None."""
    if shutil.which("node") is None:
        return "citation.js: node is not installed (.ci/run installs it)"
    missing = [p for p in CITATIONJS_PLUGINS if not (CITATIONJS / p / "package.json").is_file()]
    if missing:
        return ("citation.js: tests/interop/node_modules lacks @citation-js/"
                + ", @citation-js/".join(missing)
                + "; run `npm ci --prefix tests/interop` (.ci/run does)")
    return None


def biber_missing() -> str | None:
    """Why biber cannot run here, or None."""
    if shutil.which("biber") is None:
        return ("biber is not installed (Debian package biber, "
                "`apt-get install --no-install-recommends biber`; .ci/run installs it)")
    return None


def require(reason: str | None) -> None:
    """Skip the calling test for ``reason`` (fail in CI); nothing when reason is None."""
    if reason:
        skip_or_fail(reason)


@pytest.fixture
def need_pandoc() -> None:
    require(pandoc_missing())


@pytest.fixture
def need_citationjs() -> None:
    require(citationjs_missing())


@pytest.fixture
def need_biber() -> None:
    require(biber_missing())


# --------------------------------------------------------------------------- pandoc


def _empty_dates(item: dict[str, Any]) -> list[str]:
    return [key for key, value in item.items()
            if isinstance(value, dict) and "date-parts" in value
            and not any(value["date-parts"])]


def pandoc_read(path: Path | str, fmt: str) -> Reading:
    """pandoc's reading of ``path`` (bibtex, biblatex or csl-json) as CSL-JSON.

    Raises ReaderError when pandoc fails; its stderr lines, and the problems it passes over
    in silence (an entry type it does not know, a date it could not read), are warnings.
    """
    if fmt not in PANDOC_FORMATS:
        raise ValueError(f"pandoc does not read {fmt!r}; use one of {sorted(PANDOC_FORMATS)}")
    proc = subprocess.run(
        ["pandoc", "--from", PANDOC_FORMATS[fmt], "--to", "csljson", str(path)],
        capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)
    messages = [line for line in proc.stderr.splitlines() if line.strip()]
    if proc.returncode != 0:
        raise ReaderError("pandoc", path, [f"exit code {proc.returncode}", *messages])
    items = json.loads(proc.stdout)
    warnings = list(messages)
    # pandoc gives @misc, the standard type for "anything else", no CSL type at all:
    # that is its reading of a type it knows, not a type it failed to recognize
    misc = set(re.findall(r"@misc\s*\{\s*([^,\s]+)\s*,", path.read_text(encoding="utf-8"),
                          re.I)) if fmt in ("bibtex", "biblatex") else set()
    for item in items:
        where = f"entry {item.get('id')!r}"
        if not item.get("type") and item.get("id") not in misc:
            warnings.append(f"{where}: pandoc did not recognize the entry type (CSL type empty)")
        for key in _empty_dates(item):
            warnings.append(f"{where}: pandoc could not read the date {key}")
    return Reading(items, warnings)


def pandoc_csl(path: Path | str, fmt: str) -> list[dict[str, Any]]:
    """pandoc's CSL-JSON items for ``path``; ReaderError on any failure or warning."""
    return pandoc_read(path, fmt).checked("pandoc", path)


# --------------------------------------------------------------------------- citation.js


def citationjs_read(path: Path | str, fmt: str) -> Reading:
    """citation.js's reading of ``path`` (bibtex, biblatex, ris or csl-json) as CSL-JSON.

    Raises ReaderError when citation.js could not read the file at all (read.js exit 2).
    """
    if fmt not in CITATIONJS_FORMATS:
        raise ValueError(f"citation.js does not read {fmt!r}; use one of {CITATIONJS_FORMATS}")
    proc = subprocess.run(["node", str(READ_JS), fmt, str(path)], capture_output=True,
                          text=True, encoding="utf-8", timeout=TIMEOUT)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if proc.returncode not in (0, 1):
        raise ReaderError("citation.js", path, [f"exit code {proc.returncode}", *lines])
    warnings = [line for line in lines if not line.startswith("note: ")]
    notes = [line[len("note: "):] for line in lines if line.startswith("note: ")]
    if proc.returncode == 1 and not warnings:
        warnings.append("read.js exited 1 without saying why")
    return Reading(json.loads(proc.stdout), warnings, notes)


def citationjs_csl(path: Path | str, fmt: str) -> list[dict[str, Any]]:
    """citation.js's CSL-JSON items for ``path``; ReaderError on any failure or warning."""
    return citationjs_read(path, fmt).checked("citation.js", path)


# --------------------------------------------------------------------------- biber

_BIBER_LINE = re.compile(r"^(INFO|WARN|ERROR) - (.*)$")


def biber_validate(path: Path | str) -> list[str]:
    """biber's ``WARN`` lines for a BibLaTeX file checked against its default data model
    (``biber --tool --validate-datamodel``), without the ``WARN - `` prefix.

    Data-model warnings start ``Datamodel: Entry 'key' (file): ...``; others (a date in a
    format biber cannot read...) are kept too, since they are problems of the data as well.
    Runs in a temporary folder, so biber's output files (.blg, _bibertool.bib) go nowhere.
    Raises ReaderError when biber fails or prints an ERROR line.
    """
    source = Path(path).resolve()
    with tempfile.TemporaryDirectory(prefix="biber-") as tmp:
        bib = Path(tmp) / source.name
        shutil.copyfile(source, bib)
        proc = subprocess.run(
            ["biber", "--tool", "--validate-datamodel", "--nolog", bib.name],
            cwd=tmp, capture_output=True, text=True, encoding="utf-8", errors="replace",
            timeout=TIMEOUT, env={**os.environ, "LC_ALL": "C.UTF-8"})
    lines = (proc.stdout + proc.stderr).splitlines()
    found = [_BIBER_LINE.match(line) for line in lines]
    errors = [m.group(2) for m in found if m and m.group(1) == "ERROR"]
    if proc.returncode != 0 or errors:
        raise ReaderError("biber", path, [f"exit code {proc.returncode}", *(errors or lines[-20:])])
    return [m.group(2) for m in found if m and m.group(1) == "WARN"]


# --------------------------------------------------------------------------- test data


def varied_records() -> list[dict[str, Any]]:
    """The records of tests/data/varied-records.yaml, each validated by the model and given
    as ``Record.to_data()`` (what ``archive export`` hands the format modules)."""
    from archive import yamlio
    from archive.model import validate_record

    return [validate_record(item).to_data() for item in yamlio.load_path(VARIED)]
