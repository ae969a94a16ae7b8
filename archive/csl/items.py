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
_SUFFIX_RE = re.compile(r"^(jr\.?|sr\.?|[IVX]+|\d+(st|nd|rd|th))$", re.I)


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
    multi_key: str = ""

    @property
    def is_literal(self) -> bool:
        return bool(self.literal) or (not self.given and not self.ndp and not self.dp
                                      and not self.suffix and bool(self.family) and False)


def _split_particles(name: Name) -> None:
    # lowercase words (or words ending in an apostrophe) at the start of the family name
    fam = name.family
    if not name.ndp and " " in fam or (not name.ndp and re.match(r"^[a-z]+['\u2019]", fam)):
        words = fam.split(" ")
        i = 0
        while i < len(words) - 1 and words[i] and (words[i][0].islower() or words[i] in ("'s",)):
            i += 1
        if i:
            name.ndp = " ".join(words[:i])
            name.family = " ".join(words[i:])
        m = re.match(r"^([a-z]+['\u2019])(\w.*)$", name.family)
        if not i and m and m.group(1).lower() in ("d'", "l'", "d\u2019", "l\u2019"):
            name.ndp, name.family = m.group(1), m.group(2)
    giv = name.given
    if giv and not name.dp:
        words = giv.split(" ")
        j = len(words)
        while j > 1 and words[j - 1] and words[j - 1][0].islower() and words[j - 1].isalpha():
            j -= 1
        if j < len(words):
            name.dp = " ".join(words[j:])
            name.given = " ".join(words[:j])
    if "," in name.given and not name.suffix:
        head, _, tail = name.given.partition(",")
        tail = tail.strip()
        if tail.startswith("!"):
            tail = tail.lstrip("! ")
            name.comma_suffix = True
        if tail and _SUFFIX_RE.match(tail):
            name.given, name.suffix = head.strip(), tail


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
    if raw.get("parse-names", True) not in (False, "false"):
        _split_particles(n)
    # straight apostrophes in names are typographic ("O’Brien", "d’Alembert")
    for part in ("family", "given", "ndp", "dp", "suffix"):
        value = getattr(n, part)
        if "'" in value:
            setattr(n, part, value.replace("'", "\u2019"))
    text = n.family + n.given
    if text and not _ROMANESQUE.search(text):
        n.cjk = bool(_CJK.search(text)) or True
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


def normalize(item: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item with names as Name lists, dates as DateValue, other values as str."""
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
    if "container-title-short" not in out and out.get("journalAbbreviation"):
        # CSL-JSON from Zotero names the short container title so (citeproc-js maps it)
        out["container-title-short"] = out["journalAbbreviation"]
    return out
