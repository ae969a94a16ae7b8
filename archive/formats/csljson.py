"""CSL-JSON, the interchange format of citation tools: items to records and back.

Every CSL variable we have a field for is mapped; every other variable is kept
verbatim in the record's ``csl`` mapping, so an import loses nothing.
Variable names follow the CSL 1.0.2 schema (csl-data.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..ids import SLUG_MAX, SLUG_RE
from .base import join_title

OUR_TO_CSL = {
    "commentary": "report",
    "op-ed": "article-newspaper",
    "article": "article-journal",
    "blog-post": "post-weblog",
    "webpage": "webpage",
    "report": "report",
    "book": "book",
    "chapter": "chapter",
    "interview": "interview",
    "speech": "speech",
    "thesis": "thesis",
}
CSL_TO_OUR = {
    "report": "report",
    "article-newspaper": "op-ed",
    "article-journal": "article",
    "article-magazine": "article",
    "article": "article",
    "paper-conference": "article",
    "review": "article",
    "review-book": "article",
    "post-weblog": "blog-post",
    "post": "blog-post",
    "webpage": "webpage",
    "book": "book",
    "chapter": "chapter",
    "entry-encyclopedia": "chapter",
    "entry-dictionary": "chapter",
    "entry": "chapter",
    "interview": "interview",
    "speech": "speech",
    "thesis": "thesis",
}
CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
}
OUR_TYPE_KEY = "archive-type"  # in an item's "custom" object: our type, where CSL's is coarser
NAME_VARIABLES = {"author": "authors", "translator": "translators", "editor": "editors"}
DATE_VARIABLES = {"issued": "issued", "accessed": "accessed"}
TEXT_VARIABLES = {
    "title": "title",
    "collection-title": "series",
    "collection-number": "series_number",
    "publisher": "publisher",
    "publisher-place": "place",
    "container-title": "container_title",
    "volume": "volume",
    "issue": "issue",
    "page": "pages",
    "number": "number",
    "genre": "genre",
    "edition": "edition",
    "abstract": "abstract",
    "URL": "url",
    "DOI": "doi",
    "note": "notes",
}
ORIGINAL_VARIABLES = {
    "original-title": "title",
    "original-publisher": "publisher",
    "original-publisher-place": "place",
}
IDENTIFIER_VARIABLES = {"ISBN": "isbn", "ISSN": "issn", "PMID": "pmid", "PMCID": "pmcid"}
NAME_KEYS = {
    "family": "family",
    "given": "given",
    "dropping-particle": "dropping_particle",
    "non-dropping-particle": "non_dropping_particle",
    "suffix": "suffix",
    "comma-suffix": "comma_suffix",
    "static-ordering": "static_ordering",
}
LANGUAGE_NAMES = {
    "english": "en", "japanese": "ja", "chinese": "zh", "korean": "ko", "french": "fr",
    "german": "de", "spanish": "es", "russian": "ru", "italian": "it", "portuguese": "pt",
    "arabic": "ar", "dutch": "nl", "polish": "pl", "ukrainian": "uk", "vietnamese": "vi",
}
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


@dataclass
class Converted:
    """One CSL item turned into record data, with what the conversion noticed."""

    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _name(value: Any, where: str, out: Converted) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        out.errors.append(
            f"{where}: a name must be an object such as {{\"family\": ..., \"given\": ...}}, "
            f"not {type(value).__name__} {value!r}"
        )
        return None
    if value.get("literal"):
        org: dict[str, Any] = {"organization": value["literal"]}
        extra = {k: v for k, v in value.items() if k != "literal"}
        if extra:
            org["csl"] = extra
        return org
    person: dict[str, Any] = {}
    for key, ours in NAME_KEYS.items():
        if key in value and value[key] not in (None, ""):
            v = value[key]
            if key in ("comma-suffix", "static-ordering"):
                person[ours] = bool(v)
            elif not isinstance(v, (str, int, float)):
                out.errors.append(f"{where}.{key}: must be text, not {type(v).__name__}")
            else:
                person[ours] = _text(v)
    extra = {k: v for k, v in value.items() if k not in NAME_KEYS}
    if extra:
        person["csl"] = extra
    if "family" not in person:
        if "given" in person:
            out.notes.append(f"{where}: a name with only a given name is kept as family name")
            person["family"] = person.pop("given")
        else:
            out.errors.append(f"{where}: a name needs family, given or literal")
            return None
    return person


def _names(value: Any, variable: str, out: Converted) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        out.errors.append(
            f"{variable}: must be a list of names, not {type(value).__name__} {value!r}"
        )
        return []
    names = [_name(v, f"{variable}[{i}]", out) for i, v in enumerate(value)]
    return [n for n in names if n is not None]


def _date(value: Any, variable: str, out: Converted) -> tuple[str | None, bool]:
    """(ISO text or None, whether the CSL date object must be kept verbatim)."""
    if isinstance(value, str):
        try:
            return dates.validate(value), False
        except ValueError as exc:
            out.errors.append(f"{variable}: {exc}")
            return None, False
    if not isinstance(value, dict):
        out.errors.append(f"{variable}: must be a date object with date-parts, "
                          f"not {type(value).__name__}")
        return None, False
    keep = any(k in value for k in ("season", "circa", "literal"))
    if "date-parts" in value:
        parts = value["date-parts"]
        if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
            out.errors.append(f"{variable}.date-parts: must be a list of one or two dates")
            return None, keep
        ends = []
        for i, end in enumerate(parts):
            if not isinstance(end, list) or not 1 <= len(end) <= 3:
                out.errors.append(
                    f"{variable}.date-parts[{i}]: must be a list [year, month, day] "
                    f"(month and day optional), not {end!r}"
                )
                return None, keep
            nums = []
            for j, p in enumerate(end):
                if isinstance(p, bool) or not (
                    isinstance(p, int) or (isinstance(p, str) and p.strip().lstrip("-").isdigit())
                ):
                    out.errors.append(
                        f"{variable}.date-parts[{i}][{j}]: {p!r} is not a number"
                    )
                    return None, keep
                nums.append(int(p))
            if nums and nums[-1] == 0:
                nums = nums[:-1] if len(nums) > 1 else nums  # some tools write day 0
            if len(nums) >= 2 and (13 <= nums[1] <= 16 or 21 <= nums[1] <= 24):
                # a season as month (13-16 or 21-24, as citeproc-js reads them): the
                # record keeps the year, the CSL date is kept verbatim for styles
                nums, keep = nums[:1], True
            try:
                ends.append(dates.from_parts(nums))
            except ValueError as exc:
                out.errors.append(f"{variable}.date-parts[{i}]: {exc}")
                return None, keep
        text = ends[0] if len(ends) == 1 or ends[0] == ends[1] else f"{ends[0]}/{ends[1]}"
        try:
            return dates.validate(text), keep
        except ValueError as exc:
            out.errors.append(f"{variable}: {exc}")
            return None, keep
    if "raw" in value:
        try:
            return dates.validate(str(value["raw"])), keep
        except ValueError:
            out.notes.append(f"{variable}: raw date {value['raw']!r} kept as written")
            return None, True
    if keep:
        return None, True
    out.errors.append(f"{variable}: a date needs date-parts, raw or literal")
    return None, False


def _language(value: Any, out: Converted) -> str | None:
    if not isinstance(value, str):
        out.errors.append(f"language: must be text, not {type(value).__name__}")
        return None
    text = value.strip()
    if _LANG_RE.match(text):
        return text.replace("_", "-")
    code = LANGUAGE_NAMES.get(text.lower())
    if code:
        out.notes.append(f"language: {text!r} read as {code!r}")
        return code
    out.notes.append(f"language: {text!r} is not a language tag; kept in csl")
    return None


def _subjects(value: Any) -> list[str]:
    """CSL keywords are one string: split on semicolons when there are any (our export
    uses them when a subject holds a comma), else on commas (Zotero's way)."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    parts = re.split(r"\s*;\s*" if ";" in text else r"\s*,\s*", text)
    return [p for p in parts if p]


def _checks(key: str, value: Any) -> bool:
    """Whether a URL or DOI passes the record's own validation."""
    from pydantic_core import PydanticCustomError

    from ..model import _doi, _url

    try:
        (_url if key == "URL" else _doi)(value)
    except PydanticCustomError:
        return False
    return True


def item_to_data(item: Any, where: str = "item") -> Converted:
    """One CSL-JSON item -> record data (not yet validated)."""
    out = Converted(data={})
    if not isinstance(item, dict):
        out.errors.append(f"must be an object, not {type(item).__name__}")
        return out
    data = out.data
    our_type = None
    extra: dict[str, Any] = {}
    original: dict[str, Any] = {}
    identifiers: dict[str, str] = {}
    for key, value in item.items():
        if value is None or value == "" or value == []:
            continue
        if key == "id":
            text = str(value)
            if SLUG_RE.match(text) and len(text) <= SLUG_MAX:
                data["id"] = text
            else:
                identifiers["csl-id"] = text
                out.notes.append(f"id {text!r} is not a valid record id; a new id is made "
                                 "and the CSL id kept in identifiers.csl-id")
        elif key == "type":
            if not isinstance(value, str) or value not in CSL_TYPES:
                out.errors.append(f"type: {value!r} is not a CSL item type")
                continue
            ours = CSL_TO_OUR.get(value, "report")
            data["type"] = ours
            if OUR_TO_CSL[ours] != value:
                extra["type"] = value
        elif key in NAME_VARIABLES:
            data[NAME_VARIABLES[key]] = _names(value, key, out)
        elif key in DATE_VARIABLES or key == "original-date":
            iso, keep = _date(value, key, out)
            if key == "original-date":
                if iso:
                    original["issued"] = iso
            elif iso:
                data[DATE_VARIABLES[key]] = iso
            if keep:
                extra[key] = value
        elif key in TEXT_VARIABLES:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                out.errors.append(f"{key}: must be text, not {type(value).__name__}")
                continue
            if key in ("URL", "DOI") and not _checks(key, value):
                extra[key] = value
                out.notes.append(f"{key}: {value!r} is not a valid {key}; kept as written in csl")
                continue
            data[TEXT_VARIABLES[key]] = _text(value)
        elif key in ORIGINAL_VARIABLES:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                out.errors.append(f"{key}: must be text, not {type(value).__name__}")
                continue
            original[ORIGINAL_VARIABLES[key]] = _text(value)
        elif key in IDENTIFIER_VARIABLES:
            identifiers[IDENTIFIER_VARIABLES[key]] = str(_text(value))
        elif key == "language":
            lang = _language(value, out)
            if lang:
                data["language"] = lang
            else:
                extra["language"] = value
        elif key == "keyword":
            data["subjects"] = _subjects(value)
        elif key == "custom" and isinstance(value, dict) and OUR_TYPE_KEY in value:
            # our own type, where CSL's is coarser (a commentary is a CSL report)
            custom = dict(value)
            ours = custom.pop(OUR_TYPE_KEY)
            if ours in OUR_TO_CSL:
                our_type = ours
            else:
                out.notes.append(f"custom.{OUR_TYPE_KEY}: {ours!r} is not a type of ours")
            if custom:
                extra["custom"] = custom
        else:
            extra[key] = value
    if "type" not in data:
        out.errors.append("type: is required in CSL-JSON")
    elif our_type and OUR_TO_CSL[our_type] == OUR_TO_CSL[data["type"]]:
        data["type"] = our_type
    if "title" not in data:
        out.errors.append("title: is required")
    if original:
        data["original"] = original
    if identifiers:
        data["identifiers"] = identifiers
    if extra:
        data["csl"] = extra
    if data.get("type") == "report" and not our_type and "type" not in extra and re.search(
        r"commentary", f"{data.get('genre', '')} {data.get('series', '')}", re.I
    ):
        data["type"] = "commentary"
    return out


# --------------------------------------------------------------------------- records -> CSL


def _csl_name(agent: dict[str, Any]) -> dict[str, Any]:
    if "organization" in agent and "family" not in agent:
        return {"literal": agent["organization"], **agent.get("csl", {})}
    out = {}
    for key, ours in NAME_KEYS.items():
        if agent.get(ours) not in (None, ""):
            out[key] = agent[ours]
    out.update(agent.get("csl", {}))
    return out


def _csl_date(text: str) -> dict[str, Any]:
    return {"date-parts": dates.to_parts(text)}


def data_to_item(data: dict[str, Any]) -> dict[str, Any]:
    """Record data (``Record.to_data()``) -> a CSL-JSON item carrying every mapped field."""
    item: dict[str, Any] = {"id": data["id"], "type": OUR_TO_CSL[data.get("type", "commentary")]}
    for csl_key, ours in TEXT_VARIABLES.items():
        if data.get(ours) not in (None, ""):
            item[csl_key] = data[ours]
    if data.get("subtitle"):
        item["title"] = join_title(data["title"], data["subtitle"])
        item["title-short"] = data["title"]
    for csl_key, ours in NAME_VARIABLES.items():
        if data.get(ours):
            item[csl_key] = [_csl_name(a) for a in data[ours]]
    for csl_key, ours in DATE_VARIABLES.items():
        if data.get(ours):
            item[csl_key] = _csl_date(data[ours])
    if data.get("language"):
        item["language"] = data["language"]
    if data.get("subjects"):
        if any("," in subject for subject in data["subjects"]):
            # a subject holds a comma: semicolons separate, and there is always one, so
            # that a reader (ours) splits on them ("Japan, foreign policy;")
            keyword = "; ".join(data["subjects"])
            item["keyword"] = keyword if ";" in keyword else keyword + ";"
        else:
            item["keyword"] = ", ".join(data["subjects"])
    original = data.get("original") or {}
    if original.get("issued"):
        item["original-date"] = _csl_date(original["issued"])
    for csl_key, ours in ORIGINAL_VARIABLES.items():
        if original.get(ours):
            item[csl_key] = original[ours]
    for csl_key, ours in IDENTIFIER_VARIABLES.items():
        if data.get("identifiers", {}).get(ours):
            item[csl_key] = data["identifiers"][ours]
    our_type = data.get("type", "commentary")
    if CSL_TO_OUR.get(item["type"]) != our_type:
        # a commentary is a CSL report: the CSL-JSON schema's "custom" object keeps ours
        item["custom"] = {OUR_TYPE_KEY: our_type}
    passthrough = data.get("csl") or {}
    if "custom" in passthrough and "custom" in item:
        item["custom"] = {**passthrough["custom"], **item["custom"]}
        passthrough = {k: v for k, v in passthrough.items() if k != "custom"}
    item.update(passthrough)
    return item


# --------------------------------------------------------------------------- the format

#: our field -> the CSL variable that carries it (what survives export then import)
CARRIES = {
    "id": "id", "type": "type (custom.archive-type where CSL's is coarser: commentary)",
    "title": "title (with subtitle)",
    "language": "language", "issued": "issued", "series": "collection-title",
    "series_number": "collection-number", "publisher": "publisher", "place": "publisher-place",
    "container_title": "container-title", "volume": "volume", "issue": "issue",
    "pages": "page", "number": "number", "genre": "genre", "edition": "edition",
    "authors": "author", "translators": "translator", "editors": "editor",
    "original.issued": "original-date", "original.title": "original-title",
    "original.publisher": "original-publisher", "original.place": "original-publisher-place",
    "subjects": "keyword (joined with ', ', or with '; ' when a subject holds a comma)",
    "abstract": "abstract", "url": "URL", "doi": "DOI",
    "identifiers": "ISBN, ISSN, PMID, PMCID", "accessed": "accessed", "notes": "note",
}


def dump(records: list[dict[str, Any]]) -> str:
    """A CSL-JSON list of the records (``data_to_item``: every mapped field)."""
    import json

    return json.dumps([data_to_item(r) for r in records], ensure_ascii=False, indent=2) + "\n"


def load(stream: Any, source: str) -> Any:
    """CSL items read one at a time from a JSON list (or one item), as Entries."""
    from .base import Entry
    from .jsonstream import iter_array

    for index, (line, item) in enumerate(iter_array(stream, source, what="CSL-JSON",
                                                    single=lambda v: isinstance(v, dict)
                                                    and "type" in v), start=1):
        conv = item_to_data(item)
        key = item.get("id") if isinstance(item, dict) else None
        entry = Entry(index=index, line=line, key=None if key is None else str(key),
                      data=conv.data, errors=conv.errors, notes=conv.notes)
        if isinstance(item, dict):
            entry.mapped = [k for k in item if k not in (conv.data.get("csl") or {})]
            if conv.data.get("csl"):
                entry.notes.append("kept verbatim in csl: " + ", ".join(conv.data["csl"]))
        yield entry
