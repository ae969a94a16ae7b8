"""Reading BibTeX and BibLaTeX: values, names, dates, entries, crossref, conversion.

bibtexparser's splitter cuts the text into blocks; everything after that is ours (its
string interpolation knows neither ``#`` nor the month macros). The order matters: names
are split by the BibTeX rules on the raw text (braces protect), then each part is decoded.
The file is read entry by entry (:func:`read_blocks`), so memory stays flat; crossref
needs the parents, which a cheap first pass over the text finds (:func:`load`).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .. import dates
from ..ids import SLUG_MAX, SLUG_RE
from .base import Entry, FormatError
from .bibcommon import (
    _TAG_RE,
    BABEL_TO_LANG,
    ENTRY_TYPES,
    MONTH_NAMES,
    PREDEFINED,
    SUBTYPE_TO_OURS,
    TYPE_KEYS,
)
from .latex import _ACCENTS, _SYMBOLS, decode

# --------------------------------------------------------------------------- values


class UndefinedMacro(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class BadValue(Exception):
    pass


class _Unevaluated(str):
    """A raw value waiting for a macro defined later in the file (still delimited)."""


_VALUE_TOKEN_RE = re.compile(r'\s*(?:(#)|([A-Za-z_][^\s#{}"=,()]*)|(\d+)|(\{)|("))')


def _match_brace(text: str, start: int) -> int:
    """Index just after the brace group that opens at ``start``."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    raise BadValue("unbalanced braces")


def _match_quote(text: str, start: int) -> int:
    depth = 0
    for i in range(start + 1, len(text)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            return i + 1
    raise BadValue("a quoted value does not end")


_BRACE_RE = re.compile(r"[{}]")


def one_group(raw: str) -> bool:
    """Whether ``raw`` is one brace group ``{...}`` (its first brace closes at the end)."""
    if raw[:1] != "{" or raw[-1:] != "}":
        return False
    inner = raw[1:-1]
    if "{" not in inner and "}" not in inner:
        return True
    depth = 0
    for m in _BRACE_RE.finditer(inner):
        depth += 1 if m.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def evaluate(raw: str, macros: dict[str, str]) -> str:
    """A field's raw value (``{..}``, ``".."``, ``12``, ``jun``, ``a # {b}``) -> its text,
    still LaTeX. Raises UndefinedMacro or BadValue."""
    if "#" not in raw and one_group(raw):
        return raw[1:-1]
    if raw[:1] == '"' and raw[-1:] == '"' and "#" not in raw and len(raw) > 1:
        return raw[1:-1]
    if raw.isdigit():
        return raw
    out = []
    pos = 0
    expect_value = True
    raw = raw.strip()
    while pos < len(raw):
        m = _VALUE_TOKEN_RE.match(raw, pos)
        if not m:
            raise BadValue(f"cannot read {raw[pos:pos + 20]!r}")
        hash_, name, number, brace, quote = m.groups()
        if hash_:
            if expect_value:
                raise BadValue("'#' without a value before it")
            expect_value = True
            pos = m.end()
            continue
        if not expect_value:
            raise BadValue("two values without '#' between them (a missing comma?)")
        expect_value = False
        if name:
            key = name.lower()
            if key in macros:
                out.append(macros[key])
            elif key in PREDEFINED:
                out.append(PREDEFINED[key])
            else:
                raise UndefinedMacro(name)
            pos = m.end()
        elif number:
            out.append(number)
            pos = m.end()
        elif brace:
            end = _match_brace(raw, m.start(4))
            out.append(raw[m.start(4) + 1:end - 1])
            pos = end
        else:
            end = _match_quote(raw, m.start(5))
            out.append(raw[m.start(5) + 1:end - 1])
            pos = end
        while pos < len(raw) and raw[pos].isspace():
            pos += 1
    if expect_value and out:
        raise BadValue("'#' at the end of the value")
    return "".join(out)


# --------------------------------------------------------------------------- names


def split_top(text: str, sep_re: re.Pattern) -> list[str]:
    """Split ``text`` where ``sep_re`` matches outside braces."""
    if "{" not in text:
        return sep_re.split(text)
    out = []
    start = 0
    count = text.count
    for m in sep_re.finditer(text):
        pos = m.start()
        if m.end() > pos and count("{", 0, pos) == count("}", 0, pos):
            out.append(text[start:pos])
            start = m.end()
    out.append(text[start:])
    return out


_AND_SPLIT_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA_RE = re.compile(r"\s*,\s*")
_SPACE_RE = re.compile(r"[\s~]+")


def _is_von(token: str) -> bool:
    """BibTeX's test: the first letter outside braces (or of a ``{\\'e}`` special
    character) is lower case."""
    depth = 0
    i = 0
    n = len(token)
    while i < n:
        c = token[i]
        if c == "{":
            if depth == 0 and i + 1 < n and token[i + 1] == "\\":
                m = re.match(r"\\([A-Za-z]+|.)\s*\{?\s*([A-Za-z])?", token[i + 1:])
                if m:
                    cmd, letter = m.group(1), m.group(2)
                    if cmd in _ACCENTS and letter:
                        return letter.islower()
                    if cmd in _SYMBOLS:
                        return cmd[0].islower()
                return False
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isalpha():
            return c.islower()
        elif depth == 0 and c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)\s*\{?\s*([A-Za-z])?", token[i:])
            if m and m.group(1) in _ACCENTS and m.group(2):
                return m.group(2).islower()
            return False
        i += 1
    return False


def _join(tokens: list[str]) -> str:
    return decode(" ".join(tokens))


def _is_one_group(text: str) -> bool:
    return text.startswith("{") and text.endswith("}") and _match_brace(text, 0) == len(text)


def parse_name(raw: str) -> dict[str, Any]:
    """One BibTeX name (raw LaTeX) -> our person or organization."""
    raw = raw.strip()
    if _is_one_group(raw):
        inner = raw[1:-1].strip()
        if _is_one_group(inner):
            inner = inner[1:-1]
        return {"organization": decode(inner)}
    parts = split_top(raw, _COMMA_RE)
    if len(parts) == 1:
        tokens = [t for t in split_top(parts[0], _SPACE_RE) if t]
        last = len(tokens) - 1
        von_idx = [i for i in range(last) if _is_von(tokens[i])]
        if von_idx:
            first, von = tokens[:von_idx[0]], tokens[von_idx[0]:von_idx[-1] + 1]
            family = tokens[von_idx[-1] + 1:]
        else:
            first, von, family = tokens[:last], [], tokens[last:]
        jr: list[str] = []
    else:
        if len(parts) > 3:
            parts = parts[:2] + [", ".join(parts[2:])]
        tokens = [t for t in split_top(parts[0], _SPACE_RE) if t]
        von_end = 0
        for i in range(len(tokens) - 1):
            if _is_von(tokens[i]):
                von_end = i + 1
        von, family = tokens[:von_end], tokens[von_end:]
        if len(parts) == 3:
            jr = [parts[1]] if parts[1].strip() else []
            first = [parts[2]] if parts[2].strip() else []
        else:
            jr = []
            first = [parts[1]] if parts[1].strip() else []
    person: dict[str, Any] = {}
    fam = _join(family)
    if fam:
        person["family"] = fam
    if first:
        person["given"] = _join(first)
    if von:
        person["non_dropping_particle"] = _join(von)
    if jr:
        person["suffix"] = _join(jr)
    if "family" not in person:
        if "non_dropping_particle" in person:
            person["family"] = person.pop("non_dropping_particle")
        elif "given" in person:
            person["family"] = person.pop("given")
    person = {k: v for k, v in person.items() if v}
    if len(parts) == 1 and any(_caps_word(w) for v in person.values() for w in str(v).split()):
        # a word in capitals marks the family name ("TOKIWA Shin"), which BibTeX's own
        # rule reads the other way round (given TOKIWA, family Shin): ours decides
        from ..names import capitals_rule

        person, note = capitals_rule(person)
        if note:
            person["_note"] = note
    return person


def _caps_word(word: str) -> bool:
    return word.isupper() and sum(c.isalpha() for c in word) >= 2


def parse_names(raw: str) -> tuple[list[dict[str, Any]], bool]:
    """A name list (raw LaTeX) -> (our agents, whether it ended in "and others")."""
    raw = raw.strip()
    if not raw:
        return [], False
    names = [n.strip() for n in split_top(raw, _AND_SPLIT_RE)]
    others = False
    if names and names[-1].lower() == "others":
        names.pop()
        others = True
    return [parse_name(n) for n in names if n], others


# --------------------------------------------------------------------------- dates


def parse_month(text: str) -> int | None:
    t = text.strip().rstrip(".").lower()
    if t.isdigit():
        m = int(t)
        return m if 1 <= m <= 12 else None
    for i, name in enumerate(MONTH_NAMES):
        if t == name or (len(t) >= 3 and name.startswith(t)):
            return i + 1
    return None


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_iso(text: str) -> str:
    """A BibLaTeX date (ISO 8601, ``A/B`` ranges, open ``A/``) -> our ISO date text."""
    text = text.strip()
    ends = text.split("/")
    if len(ends) > 2:
        raise ValueError(f"{text!r} is not a date")
    out = []
    for end in ends:
        end = end.strip()
        if end in ("", ".."):
            continue  # an open range: we keep the known end
        m = _DATE_RE.match(end)
        if not m:
            raise ValueError(f"{text!r} is not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD)")
        parts = [int(p) for p in m.groups() if p is not None]
        out.append(dates.from_parts(parts))
    if not out:
        raise ValueError(f"{text!r} is not a date")
    return dates.validate(out[0] if len(out) == 1 or out[0] == out[1] else "/".join(out))


# --------------------------------------------------------------------------- reading


@dataclass
class RawEntry:
    """An entry as the file has it: type, key, raw field values (lower-case names)."""

    index: int
    line: int
    entry_type: str
    key: str
    fields: dict[str, str]
    field_lines: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    evaluated: bool = False  # macros resolved in every field
    started: bool = False  # evaluated once; what is left waits for a macro


_ENTRY_LINE_RE = re.compile(r"\n@\s*[A-Za-z]+\s*[{(]")
_logger = logging.getLogger("bibtexparser")


def _cut(buf: str) -> int:
    """Where to end a piece of the file: before the last line starting with ``@``
    after which the braces balance; else before the last line that starts an entry
    (an unbalanced entry then fails alone, as bibtexparser reports it); 0 if none."""
    pos = buf.rfind("\n@")
    tries = 0
    while pos > 0 and tries < 8:
        if buf.count("{", 0, pos) == buf.count("}", 0, pos):
            return pos + 1
        pos = buf.rfind("\n@", 0, pos)
        tries += 1
    for m in reversed(list(_ENTRY_LINE_RE.finditer(buf))):
        if m.start() > 0:
            return m.start() + 1
    return 0


def _chunks(stream: IO[str], source: str, size: int = 1 << 16) -> Iterator[tuple[int, str]]:
    """Pieces of the file that end between entries: (first line number, text)."""
    pending = ""
    line = 1
    while True:
        data = stream.read(size)
        if not data:
            break
        buf = pending + data
        cut = _cut(buf)
        if cut <= 0:
            pending = buf
            continue
        piece, pending = buf[:cut], buf[cut:]
        yield line, piece
        line += piece.count("\n")
    if pending:
        yield line, pending


def read_blocks(stream: IO[str], source: str) -> Iterator[tuple[int, Any]]:
    """bibtexparser's blocks of the whole file, piece by piece: (line in file, block)."""
    from bibtexparser.splitter import Splitter

    level = _logger.level
    _logger.setLevel(logging.CRITICAL)  # its warnings are ours to report, per entry
    try:
        for first, text in _chunks(stream, source):
            library = Splitter(text).split()
            for block in library.blocks:
                yield first + (block.start_line or 0), block
    except UnicodeDecodeError as exc:
        raise FormatError(f"{source}: the file is not UTF-8 text ({exc.reason} at byte "
                          f"{exc.start}); convert it to UTF-8 first") from None
    finally:
        _logger.setLevel(level)


_CROSSREF_RE = re.compile(r"\bcrossref\s*=\s*[{\"]?\s*([^,}\"\s]+)", re.IGNORECASE)


def crossref_targets(stream: IO[str]) -> set[str]:
    """First pass: the keys that entries name in ``crossref`` (lower case)."""
    targets = set()
    for line in stream:
        if "rossref" in line or "ROSSREF" in line:
            for m in _CROSSREF_RE.finditer(line):
                targets.add(m.group(1).lower())
    return targets


def seekable(stream: IO[str]) -> IO[str]:
    """The stream itself when it can be read twice, else a spooled copy of it."""
    try:
        if stream.seekable():
            stream.tell()
            return stream
    except (OSError, ValueError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8")
    for chunk in iter(lambda: stream.read(1 << 20), ""):
        copy.write(chunk)
    copy.seek(0)
    return copy  # type: ignore[return-value]


def _failure(block: Any, line: int) -> str:
    """A failed block's problem in a user's words."""
    from bibtexparser.model import DuplicateFieldKeyBlock

    if isinstance(block, DuplicateFieldKeyBlock):
        keys = ", ".join(sorted(block._duplicate_keys))
        return f"field {keys} is given twice"
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "cannot be read")
    raw = getattr(block, "raw", "") or ""
    if reason.startswith("Unexpected block start") or "end of file" in reason:
        return "unbalanced braces or quotes: the entry does not end before the next one " \
               f"({reason.strip()})"
    if "Expected either a `,`" in reason or "Expected a `=`" in reason:
        return f"a missing comma or '=' between fields ({reason.strip()})"
    if "comma after entry key" in reason:
        return f"a missing comma after the entry key ({reason.strip()})"
    return f"{reason.strip()} in {raw[:60]!r}"


def _key_of(block: Any) -> str | None:
    raw = getattr(block, "raw", "") or ""
    m = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s}]+)", raw)
    return m.group(1) if m else None


_URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
_DOI_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


def _checked(kind: str, value: str) -> bool:
    """Whether a url or doi passes the record's checks (the same rules as archive.model,
    without loading the model, which takes longer than reading a file)."""
    return bool((_URL_RE if kind == "url" else _DOI_RE).match(value))


def valid_id(key: str) -> bool:
    return bool(SLUG_RE.match(key)) and len(key) <= SLUG_MAX


# --------------------------------------------------------------------------- entries


class Reader:
    """Reads a .bib file into raw entries: macros resolved, crossref inherited,
    malformed blocks turned into entries that carry their error."""

    def __init__(self, stream: IO[str], source: str, inherit: Any) -> None:
        self.source = source
        self.inherit = inherit  # (child fields, parent fields, child type, parent type)
        self.stream = seekable(stream)
        start = self.stream.tell()
        self.targets = crossref_targets(self.stream)
        self.stream.seek(start)
        self.macros: dict[str, str] = {}
        self.seen: dict[str, int] = {}  # key (lower case) -> line of its first entry
        self.parents: dict[str, RawEntry] = {}
        self.waiting: list[RawEntry] = []  # need a parent or a macro not yet seen
        self.index = 0

    def __iter__(self) -> Iterator[RawEntry]:
        from bibtexparser.model import Entry as BEntry
        from bibtexparser.model import ParsingFailedBlock, String

        for line, block in read_blocks(self.stream, self.source):
            if isinstance(block, BEntry):
                raw = self._entry(block, line)
                if raw is None:
                    continue
                yield from self._ready(raw)
            elif isinstance(block, String):
                try:
                    self.macros[block.key.lower()] = evaluate(block.value, self.macros)
                except (UndefinedMacro, BadValue) as exc:
                    self.index += 1
                    what = (f"@string macro {exc.name!r} is not defined" if isinstance(
                        exc, UndefinedMacro) else str(exc))
                    yield RawEntry(self.index, line, "string", block.key, {},
                                   errors=[f"@string {block.key}: {what}"])
            elif isinstance(block, ParsingFailedBlock):
                self.index += 1
                key = _key_of(block)
                from bibtexparser.model import DuplicateBlockKeyBlock

                if isinstance(block, DuplicateBlockKeyBlock):
                    prev = block._previous_block
                    prev_line = line - (block.start_line or 0) + (prev.start_line or 0)
                    yield RawEntry(self.index, line, "", block.key, {}, errors=[
                        f"duplicate key {block.key!r}: first used on line {prev_line}, "
                        f"again on line {line}"])
                    continue
                inner = getattr(block, "_entry", None)
                yield RawEntry(self.index, line, getattr(inner, "entry_type", ""),
                               key or "", {}, errors=[_failure(block, line)])
        # entries that waited for a parent or a macro defined later in the file
        for raw in self.waiting:
            self._resolve_macros(raw, final=True)
            self._inherit(raw, final=True)
            yield raw

    def _entry(self, block: Any, line: int) -> RawEntry | None:
        self.index += 1
        key = block.key.strip()
        etype = block.entry_type.lower()
        raw = RawEntry(self.index, line, etype, key, {})
        fields, lines = raw.fields, raw.field_lines
        offset = line - (block.start_line or 0)
        for f in block.fields:
            name = f.key.lower()
            fields[name] = f.value
            lines[name] = offset + (f.start_line or 0)
        low = key.lower()
        if low in self.seen:
            raw.errors.append(f"duplicate key {key!r}: first used on line {self.seen[low]}, "
                              f"again on line {line}")
            return raw
        self.seen[low] = line
        return raw

    def _ready(self, raw: RawEntry) -> Iterator[RawEntry]:
        if raw.errors:
            yield raw
            return
        pending = self._resolve_macros(raw, final=False)
        low = raw.key.lower()
        if low in self.targets:
            self.parents[low] = raw
        if pending or "crossref" in raw.fields and not self._inherit(raw, final=False):
            self.waiting.append(raw)
            return
        yield raw

    def _resolve_macros(self, raw: RawEntry, final: bool) -> bool:
        """Evaluate the raw values in place; True when a macro is not defined yet."""
        if raw.evaluated:
            return False
        pending = False
        fields = raw.fields
        again = raw.started
        raw.started = True
        for name, value in fields.items():
            if again and not isinstance(value, _Unevaluated):
                continue
            if "#" not in value and one_group(value):
                fields[name] = value[1:-1]  # the usual case
                continue
            try:
                fields[name] = evaluate(value, self.macros)
            except UndefinedMacro as exc:
                if final:
                    raw.errors.append(f"{name}: the @string macro {exc.name!r} is not "
                                      f"defined anywhere in the file (line "
                                      f"{raw.field_lines.get(name, raw.line)})")
                else:
                    pending = True
                    fields[name] = _Unevaluated(value)
            except BadValue as exc:
                raw.errors.append(f"{name}: {exc} (line {raw.field_lines.get(name, raw.line)})")
        if not pending:
            raw.evaluated = True
        return pending

    def _inherit(self, raw: RawEntry, final: bool) -> bool:
        """Inherit from the crossref parent; False when the parent is not read yet."""
        target = raw.fields.get("crossref")
        if target is None or raw.errors:
            return True
        parent = self.parents.get(decode(target).strip().lower())
        if parent is None:
            if final:
                raw.errors.append(f"crossref: no entry has the key {decode(target)!r} "
                                  f"(line {raw.field_lines.get('crossref', raw.line)})")
            return False
        if not parent.evaluated and not final:
            return False
        self.inherit(raw, parent)
        return True


def make_entry(raw: RawEntry) -> Entry:
    return Entry(index=raw.index, line=raw.line, key=raw.key or None, errors=list(raw.errors))


# --------------------------------------------------------------------------- crossref

# biblatex's \\DeclareDataInheritance defaults: never inherited
_NOT_INHERITED = {
    "ids", "crossref", "xref", "entryset", "entrysubtype", "execute", "label", "options",
    "presort", "related", "relatedoptions", "relatedstring", "relatedtype", "shorthand",
    "shorthandintro", "sortkey",
}
_TITLES = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
_MAIN = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
# biber's type-pair rules (biber-tool.conf, as biblatex.def): parent type -> child types
_PAIRS: dict[tuple[str, str], dict[str, str]] = {}
for _parents, _children, _rule in (
    (("book",), ("inbook", "bookinbook", "suppbook"), _TITLES),
    (("collection",), ("incollection", "suppcollection"), _TITLES),
    (("reference",), ("inreference",), _TITLES),
    (("proceedings",), ("inproceedings",), _TITLES),
    (("mvbook",), ("book", "inbook", "bookinbook", "suppbook"), _MAIN),
    (("mvcollection",), ("collection", "incollection", "suppcollection"), _MAIN),
    (("mvproceedings",), ("proceedings", "inproceedings"), _MAIN),
    (("mvreference",), ("reference", "inreference"), _MAIN),
    (("periodical",), ("article", "suppperiodical"),
     {"title": "journaltitle", "subtitle": "journalsubtitle"}),
):
    for _p in _parents:
        for _c in _children:
            _PAIRS[(_p, _c)] = _rule


def inherit(child: RawEntry, parent: RawEntry) -> None:
    """Fields the child lacks, from its crossref parent, by biber's rules: every field
    (as BibTeX does), except a few that name the entry itself; for some pairs of types
    a field goes elsewhere (a @collection's title is an @incollection's booktitle)."""
    fields = child.fields
    rule = _PAIRS.get((parent.entry_type, child.entry_type), {})
    for name, value in parent.fields.items():
        target = rule.get(name, name)
        if target not in fields and name not in _NOT_INHERITED:
            fields[target] = value
    child.field_lines.setdefault("_crossref_parent", parent.line)


# --------------------------------------------------------------------------- conversion

# fields kept in the record's ``csl`` mapping because they are CSL variables
CSL_FIELDS = {
    "shorttitle": "title-short", "shortjournal": "container-title-short",
    "pagetotal": "number-of-pages", "chapter": "chapter-number", "version": "version",
    "eventtitle": "event-title", "venue": "event-place", "isrn": "number",
    "medium": "medium", "archiveprefix": "archive", "archive": "archive",
    "pmid": "PMID", "pmcid": "PMCID", "call-number": "call-number",
}
# fields whose reason to be left out we can say in a word
DROP_REASONS = {
    "file": "a link to a local file, not metadata",
    "owner": "reference-manager bookkeeping", "timestamp": "reference-manager bookkeeping",
    "creationdate": "reference-manager bookkeeping",
    "modificationdate": "reference-manager bookkeeping", "groups": "reference-manager groups",
    "ranking": "reference-manager bookkeeping", "readstatus": "reference-manager bookkeeping",
    "printed": "reference-manager bookkeeping", "qualityassured": "reference-manager bookkeeping",
    "priority": "reference-manager bookkeeping", "relevance": "reference-manager bookkeeping",
    "__markedentry": "reference-manager bookkeeping", "mendeley-tags": "reference-manager tags",
    "annote": "a private annotation", "annotation": "a private annotation",
    "comment": "a private annotation", "review": "a private annotation",
    "abstractnote": "duplicate of abstract", "key": "a sort key for BibTeX styles",
    "sortkey": "a sort key", "sortname": "a sort key", "sorttitle": "a sort key",
    "presort": "a sort key", "label": "a label for BibTeX styles",
    "shorthand": "a citation label", "options": "BibLaTeX options for this entry",
    "xref": "cross-reference kept only as a key",
    "ids": "other keys of this entry", "eprint": "no eprint field in our record",
    "eprinttype": "no eprint field in our record", "eprintclass": "no eprint field",
    "primaryclass": "no eprint field in our record", "langidopts": "typesetting options",
    "crossref": "its fields were inherited",
}
PERSON_FIELDS = {"author": "authors", "editor": "editors", "translator": "translators"}
_ROLE_FIELDS = ("namea", "nameb", "namec")
_URL_IN_HOWPUBLISHED = re.compile(r"^\s*\\url\{([^}]*)\}\s*$")


def _lang(value: str) -> tuple[str | None, str | None]:
    """(BCP 47 tag, note) for a ``langid``/``language`` value."""
    text = value.strip()
    low = text.lower()
    if low in BABEL_TO_LANG:
        return BABEL_TO_LANG[low], None
    from .. import model

    if _TAG_RE.match(text) and (len(text.split("-")[0].replace("_", "-")) <= 3):
        tag = text.replace("_", "-")
        if model.LANG_RE.match(tag):
            return tag, None
    first = re.split(r"\s*(?:,| and )\s*", low)[0]
    if first in BABEL_TO_LANG:
        return BABEL_TO_LANG[first], f"language {text!r}: only the first language is kept"
    return None, f"language {text!r} is not a language we know"


def _split_keywords(raw: str) -> list[str]:
    sep = re.compile(r"\s*[,;]\s*")
    out = []
    for part in split_top(raw, sep):
        part = part.strip()
        if _is_one_group(part) and ("," in part or ";" in part):
            part = part[1:-1]
        text = decode(part)
        if text:
            out.append(text)
    return out


def convert(raw: RawEntry, dialect: str) -> Entry:
    """One raw entry -> our Entry: record data, what was mapped, dropped and noted."""
    entry = make_entry(raw)
    if entry.errors:
        return entry
    f = raw.fields
    data: dict[str, Any] = {}
    original: dict[str, Any] = {}
    identifiers: dict[str, str] = {}
    csl: dict[str, Any] = {}
    used: set[str] = set()
    where = raw.field_lines

    def take(name: str) -> str | None:
        if name in f:
            used.add(name)
            value = f[name].strip()
            return value if value else None
        return None

    def text(name: str) -> str | None:
        value = take(name)
        return decode(value) if value is not None else None

    def mapped(src: str, ours: str) -> None:
        entry.mapped.append(f"{src} -> {ours}")

    for name, value in f.items():
        if not value.strip() and name != "crossref":
            entry.errors.append(f"{name}: the field has no value (line "
                                f"{where.get(name, raw.line)})")
    etype = raw.entry_type
    if etype not in ENTRY_TYPES:
        entry.errors.append(f"@{etype}: not an entry type of BibTeX or BibLaTeX "
                            f"(line {raw.line})")
        return entry
    ours = ENTRY_TYPES[etype]
    key = raw.key
    if not key:
        entry.errors.append(f"the entry has no key (line {raw.line})")
    elif valid_id(key):
        data["id"] = key
    else:
        identifiers["citekey"] = key
        entry.notes.append(f"key {key!r} is not a valid record id: kept as identifiers.citekey, "
                           "a new id is made")

    # ---- type, from the entry type, entrysubtype and type
    subtype = text("entrysubtype")
    kind = text("type")
    if subtype:
        if subtype.lower() in SUBTYPE_TO_OURS:
            ours = SUBTYPE_TO_OURS[subtype.lower()]
            mapped("entrysubtype", "type")
        else:
            entry.dropped.append(f"entrysubtype: {subtype!r} is not a kind we know")
    if etype in ("misc", "unpublished") and ours == "webpage" and not subtype and not (
            f.get("url") or f.get("howpublished", "").lstrip().startswith("\\url")):
        ours = "report"
        entry.notes.append(f"@{etype} without a web address read as a report")
    if etype == "mastersthesis" and not kind:
        data["genre"] = "Master's thesis"
    series = text("series")
    number = text("number")
    if series:
        data["series"] = series
        mapped("series", "series")
    if kind:
        low = kind.lower()
        if low in TYPE_KEYS:
            if (ours, low) not in (("report", "techreport"), ("thesis", "phdthesis")):
                data["genre"] = TYPE_KEYS[low]  # not the default of its entry type
            mapped("type", "genre")
        elif low == "commentary":
            ours = "commentary"
            mapped("type", "type")
        elif ours in ("report", "commentary") and not series:
            data["series"] = kind
            mapped("type", "series")
        elif series and low == series.lower():
            mapped("type", "series")
        else:
            data["genre"] = kind
            mapped("type", "genre")
    if ours == "report" and re.search(r"commentary", f"{data.get('series', '')} "
                                      f"{data.get('genre', '')}", re.I):
        ours = "commentary"
    data["type"] = ours

    # ---- title
    title = text("title")
    if title:
        data["title"] = title
        mapped("title", "title")
    else:
        entry.errors.append(f"title: the entry has no title (line {raw.line})")
    subtitle = text("subtitle")
    if subtitle:
        data["subtitle"] = subtitle
        mapped("subtitle", "subtitle")
    for name in ("titleaddon",):
        if name not in f:
            continue
        extra = text(name)
        if extra and title:
            data["title"] = f"{data['title']}. {extra}"
            mapped(name, "title")

    # ---- names
    for name in ("author", "editor", "translator", *_ROLE_FIELDS):
        if name not in f:
            continue
        value = take(name)
        if value is None:
            continue
        if name in _ROLE_FIELDS:
            role = (text(name + "type") or "").lower()
            if role not in PERSON_FIELDS:
                entry.dropped.append(f"{name}: names in the role {role or 'unnamed'!r} "
                                     "have no place in our record")
                continue
            target = PERSON_FIELDS[role]
        else:
            target = PERSON_FIELDS[name]
        try:
            agents, others = parse_names(value)
        except BadValue as exc:
            entry.errors.append(f"{name}: {exc} (line {where.get(name, raw.line)})")
            continue
        for agent in agents:
            if "_note" in agent:
                entry.notes.append(f"{name}: {agent.pop('_note')}")
        data[target] = data.get(target, []) + agents
        mapped(name, target)
        if others:
            entry.dropped.append(f"{name}: 'and others' has no place in our record (only "
                                 "named people are kept)")
            note = f"The {name} list ends in “and others” in the source."
            data["notes"] = f"{data['notes']} {note}" if data.get("notes") else note

    # ---- dates
    date = take("date")
    if date:
        try:
            data["issued"] = parse_iso(decode(date))
            mapped("date", "issued")
        except ValueError as exc:
            entry.errors.append(f"date: {exc} (line {where.get('date', raw.line)})")
    year = take("year")
    month = take("month")
    day = take("day")
    if year and "issued" not in data and not date:
        y = decode(year)
        m = re.match(r"^\s*(\d{4})\s*$", y)
        if not m:
            try:
                data["issued"] = parse_iso(y)
            except ValueError:
                entry.errors.append(f"year: {y!r} is not a year (line "
                                    f"{where.get('year', raw.line)})")
        else:
            parts = [int(m.group(1))]
            if month:
                mo = parse_month(decode(month))
                if mo is None:
                    entry.errors.append(f"month: {decode(month)!r} is not a month (line "
                                        f"{where.get('month', raw.line)})")
                else:
                    parts.append(mo)
                    if day and decode(day).strip().isdigit():
                        parts.append(int(decode(day)))
            try:
                data["issued"] = dates.from_parts(parts)
                mapped("year, month, day" if len(parts) == 3 else
                       "year, month" if len(parts) == 2 else "year", "issued")
            except ValueError as exc:
                entry.errors.append(f"day: {exc} (line {where.get('day', raw.line)})")
    elif date and year and "issued" in data and data["issued"][:4] != decode(year).strip():
        entry.dropped.append(f"year: {decode(year)!r} (the date field says {data['issued']!r})")
    for name in ("origdate", "origyear"):
        if name not in f:
            continue
        value = take(name)
        if value and "issued" not in original:
            try:
                original["issued"] = parse_iso(decode(value))
                mapped(name, "original.issued")
            except ValueError as exc:
                entry.errors.append(f"{name}: {exc} (line {where.get(name, raw.line)})")
    for name in ("urldate",):
        if name not in f:
            continue
        value = take(name)
        if value:
            try:
                data["accessed"] = parse_iso(decode(value))
                mapped(name, "accessed")
            except ValueError as exc:
                entry.notes.append(f"urldate: {exc}; left out")

    # ---- the original of a translation
    for name, target in (("origtitle", "title"), ("origpublisher", "publisher"),
                         ("origlocation", "place")):
        if name not in f:
            continue
        value = text(name)
        if value:
            original[target] = value
            mapped(name, f"original.{target}")
    value = text("origlanguage")
    if value:
        tag, note = _lang(value)
        if tag:
            original["language"] = tag
            mapped("origlanguage", "original.language")
        if note:
            entry.notes.append("origlanguage: " + note)

    # ---- language
    for name in ("langid", "language"):
        if name not in f:
            continue
        value = text(name)
        if not value:
            continue
        tag, note = _lang(value)
        if tag and "language" not in data:
            data["language"] = tag
            mapped(name, "language")
        elif tag and tag != data["language"]:
            entry.dropped.append(f"{name}: {value!r} (the language is already given by langid)")
        if note:
            entry.notes.append(f"{name}: {note}")

    # ---- where it appeared
    for name in ("journaltitle", "journal", "booktitle"):
        if name not in f:
            continue
        value = text(name)
        if value and "container_title" not in data:
            data["container_title"] = value
            mapped(name, "container_title")
        elif value:
            entry.dropped.append(f"{name}: the container is already given")
    for name in ("journalsubtitle", "booksubtitle"):
        if name not in f:
            continue
        value = text(name)
        if value and data.get("container_title"):
            data["container_title"] = f"{data['container_title']}: {value}"
            mapped(name, "container_title")
    for name in ("publisher", "institution", "school", "organization"):
        if name not in f:
            continue
        value = text(name)
        if value and "publisher" not in data:
            data["publisher"] = value
            mapped(name, "publisher")
        elif value:
            entry.dropped.append(f"{name}: {value!r} (the publisher is already "
                                 f"{data['publisher']!r})")
    howpublished = take("howpublished")
    if howpublished:
        m = _URL_IN_HOWPUBLISHED.match(howpublished)
        if m and "url" not in f:
            f["url"] = m.group(1)
            used.discard("url")
            mapped("howpublished", "url")
        elif "publisher" not in data and not m:
            data["publisher"] = decode(howpublished)
            mapped("howpublished", "publisher")
        else:
            entry.dropped.append("howpublished: said already by publisher or url")
    for name in ("location", "address"):
        if name not in f:
            continue
        value = text(name)
        if value and "place" not in data:
            data["place"] = value
            mapped(name, "place")
        elif value:
            entry.dropped.append(f"{name}: the place is already given")

    # ---- numbers
    if number:
        if ours in ("article", "op-ed"):
            data["issue"] = number
            mapped("number", "issue")
        else:
            data["series_number"] = number
            mapped("number", "series_number")
    for name, target in (("issue", "issue"), ("volume", "volume"), ("edition", "edition")):
        if name not in f:
            continue
        value = text(name)
        if value and target not in data:
            data[target] = value
            mapped(name, target)
        elif value:
            entry.dropped.append(f"{name}: the {target} is already given")
    pages = text("pages")
    if pages:
        data["pages"] = pages
        mapped("pages", "pages")

    # ---- links, text, subjects, identifiers
    for name, what in (("url", "a web address"), ("doi", "a DOI")):
        value = take(name)
        if not value:
            continue
        value = value.strip()
        if _checked(name, value):
            data[name] = value
            mapped(name, name)
        else:
            entry.dropped.append(f"{name}: {value!r} is not {what}")
    abstract = text("abstract")
    if abstract:
        data["abstract"] = abstract
        mapped("abstract", "abstract")
    for name in ("keywords", "keyword", "subject", "subjects"):
        if name not in f:
            continue
        value = take(name)
        if value:
            data["subjects"] = data.get("subjects", []) + _split_keywords(value)
            mapped(name, "subjects")
    if "note" in f or "addendum" in f:
        notes = [n for n in (text("note"), text("addendum")) if n]
        if notes:
            own = data.get("notes")
            data["notes"] = " ".join(notes + ([own] if own else []))
            mapped("note" if "note" in f else "addendum", "notes")
    for name in ("copyright", "rights", "license"):
        if name not in f:
            continue
        value = text(name)
        if value and "rights" not in data:
            data["rights"] = value
            mapped(name, "rights")
    for name in ("isbn", "issn", "pmid", "pmcid"):
        if name not in f:
            continue
        value = text(name)
        if value:
            identifiers[name] = value
            mapped(name, f"identifiers.{name}")

    # ---- everything else: a CSL variable, or dropped with the reason
    for name in f:
        if name in used or name.endswith("type") and name[:-4] in _ROLE_FIELDS:
            continue
        if name in CSL_FIELDS and CSL_FIELDS[name] not in csl:
            csl[CSL_FIELDS[name]] = decode(f[name])
            mapped(name, f"csl.{CSL_FIELDS[name]}")
        elif name in DROP_REASONS:
            entry.dropped.append(f"{name}: {DROP_REASONS[name]}")
        else:
            entry.dropped.append(f"{name}: not a field our records have")
    if "crossref" in f:
        entry.notes.append(f"crossref {decode(f['crossref'])!r}: fields inherited from the "
                           f"entry on line {where.get('_crossref_parent', '?')}")
    if original:
        data["original"] = original
    if identifiers:
        data["identifiers"] = identifiers
    if csl:
        data["csl"] = csl
    entry.data = data
    return entry


def load(stream: IO[str], source: str, dialect: str) -> Iterator[Entry]:
    """Read a .bib file entry by entry (see the module's docstring)."""
    try:
        for raw in Reader(stream, source, inherit):
            yield convert(raw, dialect)
    except UnicodeDecodeError as exc:
        raise FormatError(f"{source}: the file is not UTF-8 text ({exc.reason} at byte "
                          f"{exc.start}); convert it to UTF-8 first") from None
