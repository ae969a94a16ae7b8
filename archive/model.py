"""The record: what the archive stores about one commentary (DESIGN.md §3).

Every string is NFC-normalized and stripped. Optional text that is empty is
dropped; required text that is empty is refused ("must not be empty").
Validation messages are made by :func:`describe_errors`, which names each
field as a path: ``authors[0].affiliations[1].organization: must not be empty``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from enum import Enum
from typing import Annotated, Any, Literal, Union
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import dates
from .ids import SLUG_MAX, SLUG_RE

LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


# --------------------------------------------------------------------------- text types


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _required(value: str) -> str:
    if not value:
        raise PydanticCustomError("empty", "must not be empty")
    return value


def _optional(value: Any) -> Any:
    value = _text(value)
    return None if value == "" else value


Text = Annotated[str, BeforeValidator(_text), AfterValidator(_required)]
OptText = Annotated[Union[str, None], BeforeValidator(_optional)]


def _date(value: Any) -> Any:
    if value is None or value == "":
        return None
    try:
        return dates.validate(value)
    except ValueError as exc:
        raise PydanticCustomError("date", str(exc)) from None


OptDate = Annotated[Union[str, None], BeforeValidator(_date)]


def _slug(value: Any) -> Any:
    value = _text(value)
    if not isinstance(value, str):
        return value
    if not value:
        raise PydanticCustomError("empty", "must not be empty")
    if not SLUG_RE.match(value) or len(value) > SLUG_MAX:
        raise PydanticCustomError(
            "slug",
            "{value} is not a valid id: use lowercase letters, digits and '-', "
            "starting with a letter or digit (at most {n} characters)",
            {"value": repr(value), "n": SLUG_MAX},
        )
    return value


Slug = Annotated[str, BeforeValidator(_slug)]


def _language(value: Any) -> Any:
    value = _optional(value)
    if value is None or not isinstance(value, str):
        return value
    if not LANG_RE.match(value):
        raise PydanticCustomError(
            "language",
            "{value} is not a language tag: use a BCP 47 tag such as 'en', 'ja' or 'pt-BR'",
            {"value": repr(value)},
        )
    head, *rest = value.split("-")
    return "-".join([head.lower(), *rest])


Language = Annotated[Union[str, None], BeforeValidator(_language)]


def _url(value: Any) -> Any:
    value = _optional(value)
    if value is None or not isinstance(value, str):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise PydanticCustomError(
            "url", "{value} is not a web address: it must start with http:// or https://",
            {"value": repr(value)},
        )
    return value


Url = Annotated[Union[str, None], BeforeValidator(_url)]


def _doi(value: Any) -> Any:
    value = _optional(value)
    if value is None or not isinstance(value, str):
        return value
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/",
                   "http://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
            break
    if not DOI_RE.match(value):
        raise PydanticCustomError(
            "doi", "{value} is not a DOI: a DOI looks like 10.1234/abc", {"value": repr(value)}
        )
    return value


Doi = Annotated[Union[str, None], BeforeValidator(_doi)]


def _list(value: Any) -> Any:
    """Accept a single item where a list is expected (YAML hand edits), drop None."""
    if value is None:
        return []
    return value


# --------------------------------------------------------------------------- the parts


class RecordType(str, Enum):
    """Our vocabulary of document types (DESIGN.md §3)."""

    commentary = "commentary"
    op_ed = "op-ed"
    article = "article"
    blog_post = "blog-post"
    webpage = "webpage"
    report = "report"
    book = "book"
    chapter = "chapter"
    interview = "interview"
    speech = "speech"
    thesis = "thesis"


TYPES = [t.value for t in RecordType]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Affiliation(_Model):
    role: OptText = None
    organization: Text


class Person(_Model):
    """A person, with family name and given name kept apart.

    ``order: family-first`` records that the person's name is written family name
    first (East Asian names: "TOKIWA Shin"); styles still apply their own rules.
    """

    family: Text
    given: OptText = None
    order: Union[Literal["family-first"], None] = None
    original_script: OptText = None
    dropping_particle: OptText = None
    non_dropping_particle: OptText = None
    suffix: OptText = None
    comma_suffix: Union[bool, None] = None
    static_ordering: Union[bool, None] = None
    affiliations: Annotated[list[Affiliation], BeforeValidator(_list)] = Field(
        default_factory=list)
    csl: dict[str, Any] = Field(default_factory=dict)  # CSL name parts we have no field for

    @field_validator("order", mode="before")
    @classmethod
    def _order(cls, value: Any) -> Any:
        if value in (None, "", "given-first"):
            return None
        if value != "family-first":
            raise PydanticCustomError(
                "order", "{value} is not a name order: use 'family-first' or leave it out",
                {"value": repr(value)},
            )
        return value


class Organization(_Model):
    """An organization as author, translator or editor: one name, never split."""

    organization: Text
    csl: dict[str, Any] = Field(default_factory=dict)  # CSL name parts we have no field for


def _agent_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "organization" if "organization" in value else "person"
    return "organization" if isinstance(value, Organization) else "person"


Agent = Annotated[
    Union[Annotated[Person, Tag("person")], Annotated[Organization, Tag("organization")]],
    Discriminator(_agent_kind),
]
Agents = Annotated[list[Agent], BeforeValidator(_list)]


class Original(_Model):
    """The work this record is a translation of."""

    language: Language = None
    issued: OptDate = None
    title: OptText = None
    title_original_script: OptText = None
    venue: OptText = None
    publisher: OptText = None
    place: OptText = None
    url: Url = None


def _sha256(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"[0-9a-f]{64}", value.strip().lower()):
        raise PydanticCustomError("sha256", "must be 64 hexadecimal digits")
    return value.strip().lower() if isinstance(value, str) else value


def _file_path(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str):
        parts = value.split("/")
        if (not value or value.startswith("/") or "\\" in value
                or any(p in ("", ".", "..") or p.startswith(".") for p in parts)
                or value == "record.yaml"):
            raise PydanticCustomError(
                "path", "{value} is not a file name inside the record's folder",
                {"value": repr(value)},
            )
    return value


class ArchivedFile(_Model):
    path: Annotated[str, BeforeValidator(_file_path)]
    media_type: Text
    bytes: int = Field(ge=0)
    sha256: Annotated[str, BeforeValidator(_sha256)]


class Provenance(_Model):
    added: Union[_dt.datetime, None] = None
    updated: Union[_dt.datetime, None] = None
    source: OptText = None

    @field_validator("added", "updated")
    @classmethod
    def _utc(cls, value: _dt.datetime | None) -> _dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.astimezone(_dt.timezone.utc).replace(microsecond=0)


# --------------------------------------------------------------------------- the record


class Record(_Model):
    """One commentary (or op-ed, report, ...): DESIGN.md §3.

    Field order here is the key order of record.yaml.
    """

    id: Slug
    type: RecordType = RecordType.commentary
    title: Text
    subtitle: OptText = None
    language: Language = None
    issued: OptDate = None
    series: OptText = None
    series_number: OptText = None
    publisher: OptText = None
    place: OptText = None
    container_title: OptText = None
    volume: OptText = None
    issue: OptText = None
    pages: OptText = None
    number: OptText = None
    genre: OptText = None
    edition: OptText = None
    authors: Agents = Field(default_factory=list)
    translators: Agents = Field(default_factory=list)
    editors: Agents = Field(default_factory=list)
    original: Union[Original, None] = None
    subjects: Annotated[list[Text], BeforeValidator(_list)] = Field(default_factory=list)
    abstract: OptText = None
    url: Url = None
    doi: Doi = None
    identifiers: dict[str, Text] = Field(default_factory=dict)
    accessed: OptDate = None
    rights: OptText = None
    files: Annotated[list[ArchivedFile], BeforeValidator(_list)] = Field(
        default_factory=list)
    notes: OptText = None
    csl: dict[str, Any] = Field(default_factory=dict)
    provenance: Union[Provenance, None] = None

    @field_validator("subjects", mode="before")
    @classmethod
    def _subjects(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        return value

    @field_validator("identifiers", mode="before")
    @classmethod
    def _identifiers(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("csl", mode="before")
    @classmethod
    def _csl(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _consistent(self) -> "Record":
        if self.original and self.original.issued and self.issued:
            if dates.is_after(self.original.issued, self.issued):
                raise PydanticCustomError(
                    "original_after",
                    "original.issued: the original ({orig}) cannot be later than this "
                    "record's issued date ({issued})",
                    {"orig": self.original.issued, "issued": self.issued},
                )
        seen = set()
        for i, f in enumerate(self.files):
            if f.path in seen:
                raise PydanticCustomError(
                    "dup_file", "files[{i}].path: {path} is listed twice", {"i": i, "path": repr(f.path)}
                )
            seen.add(f.path)
        return self

    # ------------------------------------------------------------------ helpers

    @property
    def full_title(self) -> str:
        from .formats.base import join_title

        return join_title(self.title, self.subtitle)

    def to_data(self) -> dict[str, Any]:
        """The record as plain data (JSON types), without empty fields."""
        return prune(self.model_dump(mode="json", exclude_none=True))


def prune(value: Any) -> Any:
    """Drop None, empty lists and empty dicts, recursively."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = prune(v)
            if v is None or v == [] or v == {}:
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


# --------------------------------------------------------------------------- messages


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field here (check the spelling)",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of names to values",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "greater_than_equal": "must not be negative",
    "datetime_from_date_parsing": "must be a date and time such as 2024-01-31T12:00:00Z",
    "datetime_parsing": "must be a date and time such as 2024-01-31T12:00:00Z",
    "datetime_type": "must be a date and time such as 2024-01-31T12:00:00Z",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "literal_error": "has a value that is not allowed",
}
# our own error types (PydanticCustomError) carry a finished message
_OWN = {"date", "slug", "language", "url", "doi", "path", "sha256", "order", "empty"}
_WHOLE = {"original_after", "dup_file"}  # messages that already name their field
_AGENT_LISTS = {"authors", "translators", "editors"}


def describe_errors(exc: ValidationError) -> list[str]:
    """One ``field: problem`` line per error, in the user's terms."""
    lines = []
    for err in exc.errors():
        loc = err["loc"]
        # drop the person/organization tag pydantic puts after an agent's index
        field = _join([p for i, p in enumerate(loc)
                       if not (i >= 2 and p in ("person", "organization")
                               and isinstance(loc[i - 1], int) and loc[i - 2] in _AGENT_LISTS)])
        kind = err["type"]
        if kind in _WHOLE:
            lines.append(err["msg"])
            continue
        if kind == "enum":  # the only enum is the record type
            msg = f"{err.get('input')!r} is not a type; use one of: " + ", ".join(TYPES)
        elif kind in _OWN or kind == "value_error":
            msg = err["msg"].removeprefix("Value error, ")
        else:
            msg = _MESSAGES.get(kind, err["msg"])
        lines.append(f"{field}: {msg}" if field else msg)
    return lines


def _join(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validate_record(data: Any) -> Record:
    """Build a Record or raise :class:`InvalidRecord` with ``field: problem`` lines."""
    from .errors import InvalidRecord

    if not isinstance(data, dict):
        raise InvalidRecord("a record must be a mapping of fields", ["must be a mapping of fields"])
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        lines = describe_errors(exc)
        raise InvalidRecord("; ".join(lines), lines) from None
