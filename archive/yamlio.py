"""YAML in and out: safe loading only, stable key order, errors with file and line."""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ArchiveError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loading that keeps dates as text, so an impossible date (2022-02-30) reaches
    validation, which names the field, instead of failing inside the YAML library."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FIELDS = ("issued", "accessed")


class FileFormatError(ArchiveError):
    """A file that is not well-formed YAML or JSON."""


def loads(text: str, source: str = "<input>") -> Any:
    """Parse YAML (which includes JSON); errors name the source and line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}, line {mark.line + 1}, column {mark.column + 1}" if mark else source
        problem = f"not valid YAML: {exc.problem or exc.context or 'a syntax error'}"
        line = mark.line + 1 if mark else None
        raise FileFormatError(f"{where}: {problem}", located=[(line, None, problem)]) from None
    except yaml.YAMLError as exc:
        raise FileFormatError(f"{source}: not valid YAML: {exc}") from None


def loads_json(text: str, source: str = "<input>") -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        early = " (the file ends early)" if exc.pos >= len(text.rstrip()) else ""
        raise FileFormatError(
            f"{source}, line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}{early}"
        ) from None


def read_text(path: Path) -> str:
    """A file's text as UTF-8; a clear error if it is missing, a folder or not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        from .files import file_size

        file_size(path)  # missing, a folder, not readable: says which
        raise ArchiveError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = (f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                   "save the file as UTF-8")
        raise ArchiveError(f"{path}, line {line}: {problem}",
                           located=[(line, None, problem)]) from None
    if "\x00" in text:
        raise ArchiveError(f"{path}: a binary file, not text")
    return text


def load_path(path: Path, as_json: bool | None = None) -> Any:
    """A YAML or JSON file's data (JSON when ``as_json`` or the suffix says so);
    errors name the file and line."""
    text = read_text(path)
    if not text.strip():
        raise ArchiveError(f"{path}: the file is empty")
    if as_json or (as_json is None and path.suffix.lower() == ".json"):
        return loads_json(text, str(path))
    return loads(text, str(path))


def _plain_dates(data: dict[str, Any]) -> dict[str, Any]:
    """Full dates become date objects so YAML writes them unquoted (2022-06-01)."""
    out = dict(data)
    for key in DATE_FIELDS:
        if isinstance(out.get(key), str) and _FULL_DATE.match(out[key]):
            out[key] = _dt.date.fromisoformat(out[key])
    if isinstance(out.get("original"), dict):
        out["original"] = _plain_dates(out["original"])
    return out


def dump_record(data: dict[str, Any]) -> str:
    """A record's data as YAML, keys in the model's order.

    The same text as ``yaml.dump(..., sort_keys=False, allow_unicode=True,
    default_flow_style=False, width=100)`` (the tests compare the two on generated
    records), made three times faster: the events go straight to libyaml's emitter,
    skipping PyYAML's representer, which is pure Python and was most of the time of
    writing a record."""
    if _CEmitter is None:  # no libyaml: PyYAML's own way
        return yaml.dump(_plain_dates(data), Dumper=_Dumper, sort_keys=False,
                         allow_unicode=True, default_flow_style=False, width=100)
    events = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    _events(_plain_dates(data), events)
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    return yaml.emit(events, Dumper=_CEmitter, allow_unicode=True, width=100)


_CEmitter = getattr(yaml, "CSafeDumper", None)
_STR = "tag:yaml.org,2002:str"
_implicit_cache: dict[str, tuple[bool, bool]] = {}


def _implicit(value: str) -> tuple[bool, bool]:
    """Whether a string may be written plain (it would be read back as a string), as
    PyYAML's representer decides it with the same resolver."""
    cached = _implicit_cache.get(value)
    if cached is not None:
        return cached
    plain = _Dumper.resolve(_Dumper, yaml.ScalarNode, value, (True, False)) == _STR
    out = (plain, True)
    if len(value) < 40 and len(_implicit_cache) < 4096:  # keys and short repeated values
        _implicit_cache[value] = out
    return out


def _events(value: Any, out: list[Any]) -> None:
    if isinstance(value, dict):
        out.append(yaml.MappingStartEvent(None, None, True, flow_style=False))
        for key, item in value.items():
            _events(key, out)
            _events(item, out)
        out.append(yaml.MappingEndEvent())
    elif isinstance(value, list):
        out.append(yaml.SequenceStartEvent(None, None, True, flow_style=False))
        for item in value:
            _events(item, out)
        out.append(yaml.SequenceEndEvent())
    elif isinstance(value, str):
        out.append(yaml.ScalarEvent(None, None, _implicit(value), value))
    elif isinstance(value, bool):
        out.append(yaml.ScalarEvent(None, None, (True, False), "true" if value else "false"))
    elif isinstance(value, int):
        out.append(yaml.ScalarEvent(None, None, (True, False), str(value)))
    elif value is None:
        out.append(yaml.ScalarEvent(None, None, (True, False), "null"))
    elif isinstance(value, _dt.datetime):
        out.append(yaml.ScalarEvent(None, None, (True, False), value.isoformat(" ")))
    elif isinstance(value, _dt.date):
        out.append(yaml.ScalarEvent(None, None, (True, False), value.isoformat()))
    else:  # floats and anything else: PyYAML's representer decides
        text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, width=100)
        out.append(yaml.ScalarEvent(None, None, (True, False),
                                    text.removesuffix("\n...\n").strip()))


def dumps(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_field(field: str) -> list[str | int]:
    """``authors[0].affiliations[1].organization`` -> ['authors', 0, 'affiliations', 1, ...]."""
    return [int(i) if i else name for name, i in _PATH_PART.findall(field)]


def locate(text: str, path: list[str | int]) -> int | None:
    """The 1-based line of the node at ``path`` in YAML ``text`` (or its nearest parent)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
