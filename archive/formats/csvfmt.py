"""CSV for spreadsheets: one row per record, a header row, every scalar field a column.

Choices, and why:

- **Lists** (names, subjects, files...) are joined with "; " in one cell. Names are
  "Family, Given" ("Tokiwa, Shin", "van Beethoven, Ludwig", "King, Jr., Martin"), an
  organization as written. ``affiliations`` holds, per author who has any,
  "Family, Given: Role, Organization / Role, Organization". A "; " inside a value is
  not escaped: the cells are for reading, not for parsing back.
- **Formula injection** (OWASP "CSV Injection"): a cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return (or the full-width ``＝ ＋ － ＠``, which
  spreadsheets in East Asian locales may also take for a formula) gets a single quote in
  front, so the spreadsheet shows it as text instead of running it. A cell that is a plain
  number ("-5", "+3", "-0.5", "1e3") is left alone: a spreadsheet reads it as that number
  and runs nothing, and a quote would turn it into text. Dates are ISO ("2022-06-01")
  and start with a digit, so they never need the quote. The quote stays visible in the
  cell (spreadsheets hide it only when typed): it is the price of safety OWASP accepts.
  Reading the file back, a cell that starts with a quote followed by one of the
  characters above had the quote added, unless the value itself started that way
  (a value beginning "'=" is written as it is, and reads back the same as "=").
- **Control characters**: NUL and the other C0 controls except tab, line feed and
  carriage return are removed (readers choke on NUL; none of them is text); line breaks
  inside a value stay, in a quoted cell.
- **Encoding**: UTF-8 with a byte order mark. Excel reads a CSV file that has no BOM in
  the system's legacy code page, turning every Japanese name into mojibake; LibreOffice, Google Sheets, pandas and Python's ``utf-8-sig`` codec read the
  BOM and drop it. Programs that do not (plain ``utf-8`` readers) see it in the first
  header cell ("\\ufeffid").
- **Lines** end with CRLF (RFC 4180); fields with a comma, a quote or a line break are
  quoted, quotes doubled. The text is returned as ``str``: write it with
  ``newline=""`` so the CRLF is not translated again.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

COLUMNS = [
    "id", "type", "title", "subtitle", "authors", "affiliations", "translators", "editors",
    "issued", "series", "series_number", "publisher", "place", "language", "container_title",
    "volume", "issue", "pages", "number", "genre", "edition",
    "original_language", "original_issued", "original_title", "original_title_original_script",
    "original_venue", "original_publisher", "original_place", "original_url",
    "subjects", "abstract", "url", "doi", "identifiers", "accessed", "rights", "files",
    "notes", "added", "updated",
]
_SCALARS = ["id", "type", "title", "subtitle", "issued", "series", "series_number",
            "publisher", "place", "language", "container_title", "volume", "issue", "pages",
            "number", "genre", "edition", "abstract", "url", "doi", "accessed", "rights", "notes"]
_ORIGINAL = ["language", "issued", "title", "title_original_script", "venue", "publisher",
             "place", "url"]

CARRIES: dict[str, str] = {
    **{field: field for field in _SCALARS},
    "authors": "authors",
    "authors.affiliations": "affiliations",
    "translators": "translators",
    "editors": "editors",
    **{f"original.{key}": f"original_{key}" for key in _ORIGINAL},
    "subjects": "subjects",
    "identifiers": "identifiers",
    "files": "files",
}

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # ASCII only
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SEP = "; "


def neutralize(value: str) -> str:
    """``value`` safe for a spreadsheet cell: formula-like text gets a leading quote."""
    value = _CONTROL.sub("", value)
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def name(agent: dict[str, Any]) -> str:
    """ "Family, Given" (particles kept: "van Beethoven, Ludwig"; "King, Jr., Martin")."""
    if "organization" in agent and "family" not in agent:
        return agent["organization"]
    family = " ".join(filter(None, (agent.get("non_dropping_particle"), agent["family"])))
    given = " ".join(filter(None, (agent.get("given"), agent.get("dropping_particle"))))
    return ", ".join(filter(None, (family, agent.get("suffix"), given)))


def _affiliations(authors: list[dict[str, Any]]) -> str:
    out = []
    for agent in authors:
        affs = [", ".join(filter(None, (a.get("role"), a["organization"])))
                for a in agent.get("affiliations") or []]
        if affs:
            out.append(f"{name(agent)}: " + " / ".join(affs))
    return SEP.join(out)


def row(data: dict[str, Any]) -> list[str]:
    """One record's cells, in :data:`COLUMNS` order, not yet neutralized."""
    cells = {key: str(data[key]) for key in _SCALARS if data.get(key) not in (None, "")}
    for key in ("authors", "translators", "editors"):
        cells[key] = SEP.join(name(a) for a in data.get(key) or [])
    cells["affiliations"] = _affiliations(data.get("authors") or [])
    original = data.get("original") or {}
    for key in _ORIGINAL:
        if original.get(key):
            cells[f"original_{key}"] = str(original[key])
    cells["subjects"] = SEP.join(data.get("subjects") or [])
    cells["identifiers"] = SEP.join(f"{k}: {v}" for k, v in (data.get("identifiers") or {}).items())
    cells["files"] = SEP.join(f["path"] for f in data.get("files") or [])
    provenance = data.get("provenance") or {}
    for key in ("added", "updated"):
        if provenance.get(key):
            cells[key] = str(provenance[key])
    return [cells.get(column, "") for column in COLUMNS]


def dump(records: list[dict[str, Any]]) -> str:
    """The CSV text: BOM, header row, one row per record, CRLF line ends."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([neutralize(cell) if cell else cell for cell in row(data)]
                     for data in records)
    return buffer.getvalue()
