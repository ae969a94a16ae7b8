"""``archive site OUT``: the whole static catalog, written beside OUT and renamed into place.

Layout (the same URLs as ``archive serve``)::

    index.html, 404.html, static/{catalog.css,catalog.js,search.js}
    records/<id>.html                 a record's page (a removed record: "removed on ...")
    records/<id>/<id>.json|.bib|.ris|.oai_dc.xml|.marc.xml
    records/<id>/files/<path>         the archived files, checked against their sha256
    downloads/records.json|.bib|.ris|.oai_dc.xml|.marc.xml
    .commentary-archive-site          the marker: OUT is a catalog we may replace

Nothing is written into OUT itself until everything is ready: the site is built in a hidden
folder beside OUT, then swapped in with one rename (RENAME_EXCHANGE where Linux has it), so a
previous catalog is replaced whole or not at all. An OUT that exists and is not a previous
catalog (a file, a folder with other things in it) is refused.

Records are rendered on every core: each worker renders a batch of pages (citations in all
six styles, batched per style) and writes its records' pages, downloads and files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..catalog import Catalog, Entry, check_base_url, invalid_message, load
from ..errors import ArchiveError
from .pages import DOWNLOADS, STATIC_DIR, Renderer, csl_item, dump_bytes

MARKER = ".commentary-archive-site"
BATCH = 100  # records per task: enough to batch citations, small enough to share the work
COPY_CHUNK = 1 << 20


@dataclass
class BuildReport:
    records: int  # record pages (live records)
    files: int  # archived files copied
    bytes: int  # size of the whole site
    seconds: float
    removed: int = 0  # pages for removed records
    skipped: list[str] = field(default_factory=list)  # records not valid, left out


# --------------------------------------------------------------------------- OUT


def check_out(out: Path, archive: Any = None) -> None:
    """Refuse an OUT we must not replace; say why and what to do."""
    if archive is not None:
        real = out.resolve()
        for folder in (archive.records, archive.deleted, archive.root / ".archive"):
            inside = Path(folder).resolve()
            if real == inside or inside in real.parents:
                raise ArchiveError(f"OUT {out}: is inside the archive's {Path(folder).name}/ "
                                   "(a catalog there would be read as records); choose a "
                                   "folder outside it, such as _site")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ArchiveError(f"OUT {out}: is a file, not a folder; give a new folder or a "
                           "previous catalog to replace")
    if out.is_dir() and not (out / MARKER).is_file():
        try:
            empty = not any(out.iterdir())
        except OSError as exc:
            raise ArchiveError(f"OUT {out}: cannot be read ({exc.strerror})") from None
        if not empty:
            raise ArchiveError(f"OUT {out}: is a folder with other things in it, not a "
                               f"catalog built by `archive site` (no {MARKER} file); give a "
                               "new or empty folder")
    parent = out.parent
    if not parent.is_dir():
        raise ArchiveError(f"OUT {out}: its folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ArchiveError(f"OUT {out}: cannot write in {parent}")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                   ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _swap_in(staging: Path, out: Path) -> None:
    """Put ``staging`` at ``out``; a previous ``out`` is removed once the new one is there."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous catalog
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- writing


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write(path: Path, content: str | bytes) -> int:
    """Write a new file of the site (os-level: a third of the system calls of open())."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd = os.open(path, _WRITE_FLAGS, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return len(data)


def copy_checked(source: Path, target: Path, sha256: str, size: int, where: str) -> int:
    """Copy an archived file, hashing it as it is copied; a mismatch refuses the build."""
    digest = hashlib.sha256()
    written = 0
    try:
        with open(source, "rb") as src, open(target, "wb") as dst:
            while chunk := src.read(COPY_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                written += len(chunk)
    except FileNotFoundError:
        raise ArchiveError(f"{where}: the archived file is missing; the catalog was not "
                           "built (run `archive validate` to see every problem)") from None
    except OSError as exc:
        raise ArchiveError(f"{where}: cannot be copied ({exc.strerror}); the catalog was "
                           "not built") from None
    if digest.hexdigest() != sha256 or written != size:
        raise ArchiveError(f"{where}: the archived file does not match its sha256 in the "
                           "record (damaged or changed); the catalog was not built (run "
                           "`archive validate` to see every problem)")
    return written


# Set before the workers are forked; each worker renders with its own copy.
_JOB: dict[str, Any] = {}


def _render_batch(entries: list[Entry]) -> tuple[int, int, int]:
    """Write a batch of records' pages, downloads and files: (records, files, bytes)."""
    renderer: Renderer = _JOB["renderer"]
    out: Path = _JOB["staging"]
    source_root: Path = _JOB["records_root"]
    with_files: bool = _JOB["files"]
    records_dir = out / "records"
    cites = renderer.citations([csl_item(e.data or {}) for e in entries])
    nfiles = nbytes = 0
    for entry, cite in zip(entries, cites):
        data = entry.data or {}
        rid = entry.id
        folder = records_dir / rid
        folder.mkdir()
        nbytes += _write(records_dir / f"{rid}.html", renderer.record_html(entry, cite))
        for kind, (suffix, _fmt, _media) in DOWNLOADS.items():
            nbytes += _write(folder / f"{rid}{suffix}", dump_bytes([data], kind))
        if with_files and data.get("files"):
            files_dir = folder / "files"
            for f in data["files"]:
                target = files_dir / f["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                nbytes += copy_checked(source_root / rid / f["path"], target, f["sha256"],
                                       f["bytes"], f"records/{rid}/{f['path']}")
                nfiles += 1
    return len(entries), nfiles, nbytes


def _run_batch(bounds: tuple[int, int]) -> tuple[str, Any]:
    """One batch of ``_JOB["live"]`` (inherited by the forked worker, not pickled)."""
    try:
        return "ok", _render_batch(_JOB["live"][bounds[0]:bounds[1]])
    except ArchiveError as exc:
        return "refused", str(exc)


def _dump_catalog(kind: str) -> tuple[str, Any]:
    try:
        records = _JOB["all_data"]
        path = _JOB["staging"] / "downloads" / f"records{DOWNLOADS[kind][0]}"
        return "ok", (0, 0, _write(path, dump_bytes(records, kind)))
    except ArchiveError as exc:
        return "refused", str(exc)


def _tally(results: Any, advance: Any) -> tuple[int, int, int]:
    """Sum the (records, files, bytes) of finished tasks, advancing the progress bar; the
    first failed task's message refuses the build."""
    nrecords = nfiles = nbytes = 0
    for status, value in results:
        if status != "ok":
            raise ArchiveError(value)
        r, f, b = value
        nrecords, nfiles, nbytes = nrecords + r, nfiles + f, nbytes + b
        if r and advance:
            advance(r)
    return nrecords, nfiles, nbytes


def _workers() -> int:
    from ..parallel import cores

    return cores()


def build(archive: Any, out: Path, *, files: bool = True, progress_factory: Any = None,
          base_url: str | None = None, catalog: Catalog | None = None,
          workers: int | None = None, styles: Any = None,
          skip_invalid: bool = False) -> BuildReport:
    """Build the static catalog of ``archive`` at ``out`` (see the module's notes).

    ``styles``: the Cite box's styles (default: :data:`archive.citing.CITE_BOX_STYLES`);
    ``catalog``: an already loaded catalog; ``workers``: processes (default: the cores).
    A record that is not valid refuses the build, unless ``skip_invalid``: then it is left
    out and named in the report."""
    started = time.perf_counter()
    out = Path(out).absolute()
    check_out(out, archive)
    if catalog is None:
        catalog = load(archive)
    if catalog.invalid and not skip_invalid:
        raise ArchiveError(f"{invalid_message(catalog)}; the catalog was not built. Mend "
                           "them, or give --skip-invalid to publish the others")
    if base_url is not None:
        try:
            base_url = check_base_url(base_url)
        except ValueError as exc:
            raise ArchiveError(f"--base-url: {exc}") from None
        catalog = replace(catalog, settings=replace(catalog.settings, base_url=base_url),
                          entries=list(catalog.entries))
    renderer = (Renderer(catalog, archive.root) if styles is None
                else Renderer(catalog, archive.root, styles))
    live = catalog.live
    gone = [e for e in catalog.entries if e.deleted]

    staging = out.parent / f".{out.name}.building-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    try:
        total = _build_into(staging, renderer, catalog, live, gone, archive, files,
                            progress_factory, workers)
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    nrecords, nfiles, nbytes = total
    return BuildReport(records=nrecords, files=nfiles, bytes=nbytes,
                       seconds=time.perf_counter() - started, removed=len(gone),
                       skipped=list(catalog.invalid))


def _build_into(staging: Path, renderer: Renderer, catalog: Catalog, live: list[Entry],
                gone: list[Entry], archive: Any, files: bool, progress_factory: Any,
                workers: int | None) -> tuple[int, int, int]:
    staging.mkdir()
    (staging / "records").mkdir()
    (staging / "downloads").mkdir()
    shutil.copytree(STATIC_DIR, staging / "static")
    nbytes = sum(p.stat().st_size for p in (staging / "static").iterdir())
    rows = renderer.index_rows()
    nbytes += _write(staging / "index.html", renderer.index_html(rows))
    nbytes += _write(staging / "static" / "search.js", renderer.search_js(rows))
    nbytes += _write(staging / "404.html", renderer.not_found_html(
        catalog.settings.base_url or ""))
    for entry in gone:
        nbytes += _write(staging / "records" / f"{entry.id}.html", renderer.gone_html(entry))

    _JOB.clear()
    _JOB.update(renderer=renderer, staging=staging, records_root=archive.records,
                files=files, live=live, all_data=[e.data for e in live])
    batches = [(i, min(i + BATCH, len(live))) for i in range(0, len(live), BATCH)]
    workers = workers or _workers()
    progress = progress_factory(len(live)) if progress_factory else nullcontext(None)
    try:
        with progress as advance:
            if workers < 2 or len(live) < 2 * BATCH or "fork" not in \
                    multiprocessing.get_all_start_methods():
                done = [_dump_catalog(k) for k in DOWNLOADS]
                nrecords, nfiles, written = _tally(
                    done + [_run_batch(b) for b in batches], advance)
            else:
                ctx = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                    # the whole-catalog downloads first: the longest tasks, not left last
                    dumps = [pool.submit(_dump_catalog, k) for k in DOWNLOADS]
                    futures = [pool.submit(_run_batch, b) for b in batches]
                    try:
                        nrecords, nfiles, written = _tally(
                            (fut.result() for fut in futures + dumps), advance)
                    except BaseException:
                        for fut in futures + dumps:
                            fut.cancel()
                        raise
    finally:
        _JOB.clear()
    nbytes += written
    nbytes += _write(staging / MARKER, "A static catalog built by `archive site`; "
                     "`archive site` may replace this folder.\n")
    return nrecords, nfiles, nbytes
