"""CSL-JSON items as the engine reads them: names split into parts, dates into numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

NAME_VARIABLES = {
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director", "editortranslator",
    "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator",
    "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
    "script-writer", "series-creator", "translator",
}
DATE_VARIABLES = {
    "accessed", "available-date", "event-date", "issued", "original-date", "submitted",
    "container",
}
NUMBER_VARIABLES = {
    "chapter-number", "citation-number", "collection-number", "edition", "first-reference-note-number",
    "issue", "locator", "number", "number-of-pages", "number-of-volumes", "page", "page-first",
    "part-number", "printing-number", "section", "supplement-number", "version", "volume",
}

_ROMANESQUE = re.compile(r"[A-Za-z\u00c0-\u024f\u0400-\u052f\u0370-\u03ff\u1e00-\u1fff]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass
class Name:
    family: str = ""
    given: str = ""
    ndp: str = ""  # non-dropping particle
    dp: str = ""  # dropping particle
    suffix: str = ""
    comma_suffix: bool = False
    literal: str = ""
    static: bool = False  # family-first, with a space ("static-ordering")
    cjk: bool = False  # family-first, no space (names in CJK scripts)


# Particles are parsed as citeproc-js does, not from a list of known particles: leading words
# of the family name and trailing words of the given name that start (after any apostrophe
# or hyphen) with a lowercase letter. A family word ends at a space, or after a hyphen or an
# apostrophe ("al-One", "d'Aubignac"); a given-name particle is a whole word.
_FAMILY_PARTICLE = re.compile(r"([^ ]+(?:-|\u02bb|\u2019| |') *)(.+)", re.S)
_PARTICLE_LEAD = re.compile(r"[-'\u02bb\u2019\s]*")
_GIVEN_COMMA = re.compile(r"\s*,!*\s*")


def _is_particle(word: str) -> bool:
    first = word[_PARTICLE_LEAD.match(word).end():][:1]
    return bool(first) and first.upper() != first


def _family_particles(family: str) -> tuple[str, str]:
    """(non-dropping particle, family name) of a family name like "van der Berg"."""
    found = []
    rest = family
    while True:
        m = _FAMILY_PARTICLE.fullmatch(rest)
        if not m or not _is_particle(m.group(1)):
            break
        found.append(m.group(1))
        rest = m.group(2)
    if not found:
        return "", family
    particle = "".join(found)
    kept = particle.strip()
    if particle.endswith(" ") and kept.endswith(("'", "\u2019")):
        kept += " "  # "de' Frinkle": the space after the apostrophe stays
    return kept, rest


def _given_particles(given: str) -> tuple[str, str]:
    """(given name, dropping particle) of a given name like "Gustav von"."""
    words = given.split(" ")
    i = len(words)
    while i > 1:
        word = words[i - 1]
        if word and not _is_particle(word):
            break
        i -= 1
    while i < len(words) and not words[i]:
        i += 1
    if i >= len(words):
        return given, ""
    return " ".join(words[:i]).rstrip(), " ".join(w for w in words[i:] if w)


def _split_particles(name: Name) -> None:
    name.ndp, name.family = _family_particles(name.family)
    if not name.suffix and name.given:
        m = _GIVEN_COMMA.search(name.given)
        if m:
            name.comma_suffix = "!" in m.group()
            name.suffix = name.given[m.end():]
            name.given = name.given[:m.start()]
    if name.given:
        given, dp = _given_particles(name.given)
        if dp:
            name.given, name.dp = given, dp


def parse_name(raw: Any) -> Name | None:
    if isinstance(raw, str):
        return Name(literal=raw) if raw else None
    if not isinstance(raw, dict):
        return None
    if raw.get("literal"):
        return Name(literal=str(raw["literal"]).replace("'", "\u2019"))
    n = Name(
        family=str(raw.get("family") or "").strip(),
        given=str(raw.get("given") or "").strip(),
        ndp=str(raw.get("non-dropping-particle") or "").strip(),
        dp=str(raw.get("dropping-particle") or "").strip(),
        suffix=str(raw.get("suffix") or "").strip(),
        comma_suffix=bool(raw.get("comma-suffix")),
        static=bool(raw.get("static-ordering")),
    )
    if not n.family and not n.given:
        return None
    if raw.get("isInstitution") and n.family and not n.given:
        return Name(literal=n.family)
    parse = raw.get("parse-names", True) not in (False, "false", 0)
    if len(n.family) > 1 and n.family[0] == '"' and n.family[-1] == '"':
        n.family = n.family[1:-1]  # a quoted family name is taken as it is
        parse = False
    if parse and n.family and n.given and not n.ndp and not raw.get("static-particles"):
        _split_particles(n)
    # straight apostrophes in names are typographic ("O’Brien", "d’Alembert")
    for part in ("family", "given", "ndp", "dp", "suffix"):
        value = getattr(n, part)
        if "'" in value:
            setattr(n, part, value.replace("'", "\u2019"))
    text = n.family + n.given
    if text and not _ROMANESQUE.search(text):
        # no Latin, Greek or Cyrillic letter: written family name first with no space
        # between the parts (CJK names), as citeproc-js prints names in such scripts
        n.cjk = True
    return n


@dataclass
class DateValue:
    start: tuple[int, int, int]  # year, month, day (0 = absent); year may be negative
    end: tuple[int, int, int] | None = None
    season: Any = None
    circa: bool = False
    literal: str = ""

    def sort_key(self) -> str:
        if self.literal and not self.start[0]:
            return ""
        def one(p):
            y, m, d = p
            # years BC sort before years AD
            return "%s%05d%02d%02d" % ("0" if y < 0 else "1", y + 50000 if y < 0 else y, m % 20, d)
        k = one(self.start)
        if self.end:
            k += one(self.end)
        return k


_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_SEASONS = {"spring": 13, "summer": 14, "autumn": 15, "fall": 15, "winter": 16}


def _int(v: Any) -> int:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return 0


def _month(m: int) -> int:
    """CSL-JSON months 13-24 are seasons (21-24 in the specification, 13-16 in older data):
    kept as 13-16; anything else outside 1-12 is no month."""
    if 1 <= m <= 12:
        return m
    if 13 <= m <= 24:
        return 13 + (m - 13) % 4
    return 0


def _parts(p: Any) -> tuple[int, int, int]:
    p = list(p or []) + [0, 0, 0]
    m = _month(_int(p[1]))
    return (_int(p[0]), m, _int(p[2]) if m else 0)


def parse_raw_date(raw: str) -> tuple[tuple[int, int, int], tuple[int, int, int] | None] | None:
    raw = raw.strip()
    pieces = re.split(r"\s*/\s*|\s+-\s+|(?<=\d)-(?=\d{4})", raw) if "/" in raw or " - " in raw else [raw]
    out = []
    for piece in pieces[:2]:
        m = re.fullmatch(r"(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", piece)
        if m:
            out.append((int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)))
            continue
        y = re.search(r"(-?\d{3,4})", piece)
        if not y:
            return None
        month = 0
        day = 0
        for word in re.findall(r"[A-Za-z]+", piece):
            w = word.lower()
            if w[:3] in _MONTHS:
                month = _MONTHS[w[:3]]
            elif w in _SEASONS:
                month = _SEASONS[w]
        d = re.search(r"\b(\d{1,2})\b", piece.replace(y.group(1), ""))
        if d and month:
            day = int(d.group(1))
        out.append((int(y.group(1)), month, day))
    if not out:
        return None
    return out[0], (out[1] if len(out) > 1 else None)


def parse_date(raw: Any) -> DateValue | None:
    if raw is None or raw == "" or raw == {}:
        return None
    if isinstance(raw, str):
        got = parse_raw_date(raw)
        if got:
            return DateValue(got[0], got[1])
        return DateValue((0, 0, 0), literal=raw)
    if not isinstance(raw, dict):
        return None
    circa = bool(raw.get("circa"))
    season = raw.get("season")
    if raw.get("date-parts"):
        dp = raw["date-parts"]
        if not dp or not dp[0] or dp[0][0] in (None, ""):
            if raw.get("literal"):
                return DateValue((0, 0, 0), literal=str(raw["literal"]))
            return None
        start = _parts(dp[0])
        end = _parts(dp[1]) if len(dp) > 1 and dp[1] else None
        if end and not end[0]:
            # [[1987], [0]] is an open range ("1987–"); anything else without a year is none
            end = (0, 0, 0) if not any(end) and not start[1] else None
        if end == start:
            end = None
        return DateValue(start, end, season, circa)
    if raw.get("raw"):
        got = parse_raw_date(str(raw["raw"]))
        if got:
            return DateValue(got[0], got[1], season, circa)
        return DateValue((0, 0, 0), literal=str(raw["raw"]), circa=circa)
    if raw.get("literal"):
        return DateValue((0, 0, 0), literal=str(raw["literal"]), circa=circa)
    return None


# Variables written in the note field, as citeproc-js reads them: "key: value" lines at the
# start of the note (the first line may be other text), or "{:key: value}" anywhere in them.
_NOTE_FIELDS = re.compile(r"\{:(?:[-_a-z]+|[A-Z]+):[^}]+\}")
_NOTE_FIELD = re.compile(r"([-_a-z]+|[A-Z]+):\s*([^}]+)")
_NAME_SPLIT = re.compile(r"\s*\|\|\s*")


def note_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The item with the variables its note carries set (where it has none of its own) and
    those lines taken out of the note."""
    note = item.get("note")
    if not isinstance(note, str) or ":" not in note:
        return item
    lines = note.split("\n")
    for i, line in enumerate(lines):
        found = _NOTE_FIELDS.findall(line)
        if not found:
            continue
        texts = _NOTE_FIELDS.split(line)
        out = [texts[0]]
        for j, field in enumerate(found, 1):
            before = texts[j - 1]
            if before.strip() and (i > 0 or j > 1) and not _NOTE_FIELD.fullmatch(before):
                # after other text: this field and the rest of the line stay as they are
                for k in range(j - 1, len(found)):
                    out.append(found[k] + texts[k + 1])
                break
            out.append("\n" + field[2:-1].strip() + "\n")
            out.append(texts[j])
        lines[i] = "".join(out)
    lines = "\n".join(lines).split("\n")
    item = dict(item)
    names: dict[str, list] = {}
    for i, line in enumerate(lines):
        m = _NOTE_FIELD.fullmatch(line)
        if not line.strip():
            continue
        if not m:
            if i == 0:
                continue
            break
        key, val = m.group(1), m.group(2).strip()
        base = key[4:] if key.startswith("alt-") else key
        if key == "type":
            item["type"] = val
            lines[i] = ""
        elif base in DATE_VARIABLES:
            if not item.get(key):
                item[key] = {"raw": val}
                lines[i] = ""
        elif not item.get(key):
            if base in NAME_VARIABLES:
                parts = _NAME_SPLIT.split(val)
                if len(parts) == 1:
                    names.setdefault(key, []).append({"literal": parts[0]})
                elif len(parts) == 2:
                    names.setdefault(key, []).append({"family": parts[0], "given": parts[1]})
            else:
                item[key] = val
            lines[i] = ""
    item.update(names)
    item["note"] = "\n".join(lines).strip()
    return item


def normalize(item: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item with names as Name lists, dates as DateValue, other values as str."""
    item = note_fields(item)
    out: dict[str, Any] = {}
    for key, value in item.items():
        if value is None or value == "" or value == []:
            continue
        if key in NAME_VARIABLES:
            if isinstance(value, list):
                names = [n for n in (parse_name(v) for v in value) if n]
                if names:
                    out[key] = names
        elif key in DATE_VARIABLES:
            d = parse_date(value)
            if d:
                out[key] = d
        elif key == "id":
            out[key] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = str(value)
        elif isinstance(value, str):
            out[key] = value
        else:
            out[key] = value
    if "type" not in out:
        out["type"] = "article"
    # Zotero's field names for the short forms (citeproc-js reads them as these variables)
    for legacy, variable in (("journalAbbreviation", "container-title-short"),
                             ("shortTitle", "title-short")):
        if legacy in out and variable not in out and isinstance(out[legacy], str):
            out[variable] = out[legacy]
    return out
