"""What `archive cite` does: records -> CSL views -> rendered entries in one or more styles.

Everything is resolved before anything is rendered (ids, styles, locale), and everything
is rendered before anything is printed or written, so a bad input leaves no partial output.

The styles behind ``--style all-configured`` are listed in the archive's config file,
``<root>/archive.yaml``::

    styles: [apa, chicago, gfj]

Without that file (or without a ``styles`` key) they are the twelve aliases of
:data:`archive.styles.ALIASES`.
"""

from __future__ import annotations

import html
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ArchiveError, NotFound
from .styles import ALIASES, ResolvedStyle, resolve

MODES = ("bibliography", "citation")
FORMATS = ("text", "html", "markdown", "rtf")
CONFIG_FILE = "archive.yaml"
ALL_CONFIGURED = "all-configured"


@dataclass
class Section:
    """One style's output."""

    style: ResolvedStyle
    entries: list[str]
    empty: list[str] = field(default_factory=list)  # ids the style renders as nothing


@dataclass
class Citations:
    """The assembled document, and what was left out (with --keep-going)."""

    text: str
    sections: list[Section]
    problems: list[str] = field(default_factory=list)
    count: int = 0  # records rendered


# --------------------------------------------------------------------------- config


def configured_styles(root: Path) -> list[str]:
    """The archive's ``styles:`` list from archive.yaml, else the twelve aliases."""
    from . import yamlio

    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        return list(ALIASES)
    text = yamlio.read_text(path)
    data = yamlio.loads(text, str(path))
    if data is None or (isinstance(data, dict) and "styles" not in data):
        return list(ALIASES)
    if not isinstance(data, dict):
        raise ArchiveError(f"{path}: must be a mapping such as `styles: [apa, chicago]`")
    value = data["styles"]
    line = yamlio.locate(text, ["styles"])
    where = f"{path}, line {line}" if line else str(path)
    if not isinstance(value, list) or not value:
        raise ArchiveError(f"{where}: styles: must be a non-empty list of style names, "
                           "such as [apa, chicago, gfj]")
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise ArchiveError(f"{where}: styles[{i}]: {name!r} is not a style name")
        if name.strip() == ALL_CONFIGURED:
            raise ArchiveError(f"{where}: styles[{i}]: {ALL_CONFIGURED} cannot list itself")
    return [n.strip() for n in value]


def resolve_styles(names: list[str], root: Path) -> tuple[list[ResolvedStyle], bool]:
    """The styles asked for, and whether output is headed per style (several styles, or
    all-configured)."""
    expanded: list[str] = []
    headed = False
    for name in names or ["apa"]:
        if name == ALL_CONFIGURED:
            expanded.extend(configured_styles(root))
            headed = True
        else:
            expanded.append(name)
    unique = list(dict.fromkeys(expanded))
    return [resolve(n, root) for n in unique], headed or len(unique) > 1


# --------------------------------------------------------------------------- locale


def locales_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("citeproc")
    if spec is None or not spec.submodule_search_locations:
        raise ArchiveError("citeproc-py is not installed; pip install citeproc-py")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "locales"


def _locales() -> tuple[list[str], dict[str, str]]:
    """The locale files citeproc-py ships, and the primary dialect of each language."""
    import json

    folder = locales_dir()
    names = sorted(p.name[len("locales-"):-len(".xml")] for p in folder.glob("locales-*.xml"))
    try:
        primary = json.loads((folder / "locales.json").read_text(encoding="utf-8"))
        primary = primary.get("primary-dialects", {})
    except (OSError, ValueError):
        primary = {}
    return names, primary


def normalize_locale(locale: str) -> str | None:
    """"en-gb" -> "en-GB", "de" -> "de-DE" (the language's primary dialect); None if
    there is no such locale."""
    names, primary = _locales()
    wanted = locale.strip().replace("_", "-")
    by_lower = {n.lower(): n for n in names}
    if wanted.lower() in by_lower:
        return by_lower[wanted.lower()]
    dialect = primary.get(wanted.lower())
    return dialect if dialect in names else None


def check_locale(locale: str | None) -> str | None:
    """``--locale``: a CSL locale such as en-US, de-DE, ja-JP, or a language (de -> de-DE)."""
    if locale is None:
        return None
    found = normalize_locale(locale)
    if found:
        return found
    names, _ = _locales()
    language = locale.lower().replace("_", "-").split("-")[0]
    close = [n for n in names if n.lower().split("-")[0] == language]
    if not close:
        import difflib

        close = difflib.get_close_matches(locale, names, n=5)
    hint = f" Try: {', '.join(close[:8])}." if close else " See the locales-*.xml in " \
        f"{locales_dir()}."
    raise ArchiveError(f"--locale {locale!r}: no such CSL locale.{hint}")


# --------------------------------------------------------------------------- records


def load_items(archive: Any, ids: list[str], all_records: bool, keep_going: bool,
               progress_factory: Callable[[int], Any] | None = None
               ) -> tuple[list[dict[str, Any]], list[str]]:
    """CSL views of the records asked for (in the order given), and the problems met.

    Unknown ids and unreadable records are errors naming them; with ``keep_going`` they
    are returned as problems and the rest is rendered."""
    from .citations import data_to_csl, record_to_csl
    from .index import open_index

    items: list[dict[str, Any]] = []
    problems: list[str] = []
    # the search index holds every record as validated data, kept in step with records/
    # (a record changed on disk is read and validated again when the index is opened)
    index = open_index(archive, progress_factory)
    try:
        entries = index.entries() if all_records else {i: index.entry(i) for i in set(ids)}
    finally:
        index.close()
    if all_records:
        for entry in sorted(entries, key=lambda e: e.id):
            if entry.data is None:
                problems.append(f"{entry.id}: cannot be cited, the record is not valid "
                                f"(run `archive validate {entry.id}`)")
            else:
                items.append(data_to_csl(entry.data))
    else:
        seen: dict[str, dict[str, Any]] = {}
        for record_id in ids:
            if record_id in seen:
                items.append(seen[record_id])
                continue
            try:
                entry = entries[record_id]
                if entry is None or entry.data is None:
                    # not a (valid) record: reading it raises the message naming why
                    seen[record_id] = record_to_csl(archive.read(record_id))
                else:
                    seen[record_id] = data_to_csl(entry.data)
            except NotFound as exc:
                problems.append(str(exc).rstrip("."))
                continue
            except ArchiveError as exc:
                problems.append(f"{record_id}: cannot be cited, the record is not valid: "
                                f"{exc.message}")
                continue
            items.append(seen[record_id])
    if problems and not keep_going:
        raise ArchiveError(problem_summary(problems) + "; nothing was cited "
                           "(--keep-going cites the others)", _details(problems))
    return items, problems


def problem_summary(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} of the records asked for cannot be cited"


def _details(problems: list[str]) -> list[str]:
    return problems if len(problems) > 1 else []


# --------------------------------------------------------------------------- rendering


def render(style: ResolvedStyle, items: list[dict[str, Any]], *, mode: str = "bibliography",
           fmt: str = "text", locale: str | None = None,
           empty: list[str] | None = None) -> list[str]:
    """One style's entries: the bibliography (in the style's order), or one citation per
    item in the order given, cited as one document (so 2022a/2022b, subsequent forms and
    ibid. behave as in a paper)."""
    from .csl import Processor, StyleError

    if not items:
        return []
    csl_style = _load_style(style)
    if mode == "bibliography" and not csl_style.has_bibliography:
        raise ArchiveError(
            f"style {style.name} ({style.title}) has no bibliography, only citations: "
            "use --mode citation, or another style")
    if style.house:
        from .citations import family_first_static

        items = [family_first_static(i) for i in items]
    unique = list({i["id"]: i for i in items}.values())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL-JSON keys it skips
        try:
            own = normalize_locale(style.locale) if style.locale else None
            proc = Processor(csl_style, unique, locale=locale or own, fmt=fmt)
            if mode == "bibliography":
                entries = proc.bibliography()
                if empty is not None:
                    shown = set(proc.bibliography_ids)
                    empty.extend(i["id"] for i in unique if i["id"] not in shown)
            else:
                entries = proc.citations([[{"id": i["id"]}] for i in items])
        except StyleError as exc:
            raise ArchiveError(f"style {style.name}: {exc}") from None
    # one entry per line: line breaks inside an entry become spaces
    return [re.sub(r"\s*[\r\n]+\s*", " ", e).strip() for e in entries]


_STYLES: dict[tuple[str, int, int], Any] = {}


def _load_style(style: ResolvedStyle) -> Any:
    """The style file read once per process (read again when it changes on disk)."""
    from .csl import StyleError, load_style

    try:
        st = os.stat(style.path)
        key = (str(style.path), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _STYLES:
        return _STYLES[key]
    try:
        loaded = load_style(style.path)
    except StyleError as exc:
        raise ArchiveError(f"style {style.name}: {exc}") from None
    if key is not None:
        _STYLES[key] = loaded
    return loaded


def heading(style: ResolvedStyle, fmt: str) -> str:
    text = f"{style.name}: {style.title}" if style.title and style.title != style.name \
        else style.name
    if fmt == "html":
        return f"<h2>{html.escape(text)}</h2>"
    if fmt == "markdown":
        return f"## {text}"
    if fmt == "rtf":
        return "{\\b " + rtf_escape(text) + "}\\par"
    return f"== {text} =="


def rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif code < 128:
            out.append(ch)
        else:
            units = [code] if code < 0x10000 else [
                0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)]
            # \uc0: no fallback character, whatever \ucN an entry before has set
            out.extend(f"\\uc0\\u{u - 65536 if u > 32767 else u}{{}}" for u in units)
    return "".join(out)


def assemble(sections: list[Section], fmt: str, headed: bool, mode: str) -> str:
    """One document: each style's entries one per line, headed per style when asked."""
    blocks = []
    for section in sections:
        lines = [heading(section.style, fmt)] if headed else []
        if fmt == "html":
            if mode == "bibliography":
                lines.append('<div class="csl-bib-body">')
                lines.extend(e if e.startswith('<div class="csl-entry"')
                             else f'  <div class="csl-entry">{e}</div>' for e in section.entries)
                lines.append("</div>")
            else:
                lines.extend(f'<div class="csl-citation">{e}</div>' for e in section.entries)
        elif fmt == "rtf":
            lines.extend(f"{e}\\par" for e in section.entries)
        else:
            lines.extend(section.entries)
        blocks.append("\n".join(lines))
    body = ("\n\n" if headed else "\n").join(b for b in blocks if b)
    if fmt == "rtf":
        return "{\\rtf1\\ansi\\deff0\n" + body + "\n}\n"
    return body + "\n" if body else ""


def cite(archive: Any, ids: list[str], *, all_records: bool = False,
         styles: list[str] | None = None, fmt: str = "text", mode: str = "bibliography",
         locale: str | None = None, keep_going: bool = False,
         progress_factory: Callable[[int], Any] | None = None) -> Citations:
    """Render the records in each style asked for; raise ArchiveError on bad input."""
    if fmt not in FORMATS:
        raise ArchiveError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    if mode not in MODES:
        raise ArchiveError(f"--mode {mode!r}: use bibliography or citation")
    if all_records and ids:
        raise ArchiveError("give record ids or --all, not both")
    if not all_records and not ids:
        raise ArchiveError("nothing to cite: give one or more record ids, or --all")
    locale = check_locale(locale)
    resolved, headed = resolve_styles(list(styles or []), archive.root)
    items, problems = load_items(archive, ids, all_records, keep_going, progress_factory)
    sections = []
    for s in resolved:
        empty: list[str] = []
        sections.append(Section(s, render(s, items, mode=mode, fmt=fmt, locale=locale,
                                          empty=empty), empty))
    text = assemble(sections, fmt, headed, mode) if items else ""
    return Citations(text=text, sections=sections, problems=problems,
                     count=len({i["id"] for i in items}))


def write_output(path: Path, text: str) -> None:
    """Write the document whole or not at all (temporary file, then rename)."""
    from .store import write_atomic

    path = Path(path)
    if path.is_dir():
        raise ArchiveError(f"-o {path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise ArchiveError(f"-o {path}: the folder {path.parent} does not exist")
    write_atomic(path, text)


# --------------------------------------------------------------------------- one by one

#: the styles of a catalog page's Cite box, in the order shown
CITE_BOX_STYLES = ("apa", "chicago", "mla", "harvard", "ieee", "vancouver")


def render_each(style: ResolvedStyle, items: list[dict[str, Any]], *, fmt: str = "html",
                locale: str | None = None) -> list[str]:
    """Each item rendered alone, as a one-entry bibliography: what a reader copies from a
    record's page (no 2022a/2022b against other records, numbered styles start at 1).
    An item the style renders as nothing gives ""."""
    out = []
    for item in items:
        entries = render(style, [item], fmt=fmt, locale=locale)
        out.append(entries[0] if entries else "")
    return out
