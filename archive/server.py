"""``archive serve``: the catalog and its OAI-PMH endpoint as an ASGI app (Starlette).

The URL layout is the static catalog's (:mod:`archive.site`), so the same relative links work:

    /, /index.html                 the catalog's index
    /records/<id>                  content negotiation on Accept (see NEGOTIATED)
    /records/<id>.html             the record's page
    /records/<id>/<id>.<suffix>    the record's downloads (CSL-JSON, BibTeX, RIS, oai_dc, MARCXML)
    /records/<id>/files/<name>     an archived file (only one the record lists)
    /downloads/records.<suffix>    the whole catalog in each download format
    /static/...                    CSS and scripts; /static/search.js is the search data
    /oai                           OAI-PMH 2.0 (GET and POST), :mod:`archive.oai`

The app holds one catalog snapshot (with its rendered pages and serialized OAI records,
made as they are first asked for) and swaps in a new one when ``catalog.signature``
changes; the signature is checked at most every ``refresh`` seconds, off the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import catalog as catalog_mod
from . import oai
from .catalog import Catalog, Entry
from .errors import ArchiveError

log = logging.getLogger("archive.server")

HTML = "text/html"
BIBLIOGRAPHY = "text/x-bibliography"
#: what /records/<id> answers in, in our order of preference (for ties and */*)
NEGOTIATED = (
    HTML,
    "application/vnd.citationstyles.csl+json",
    "application/ld+json",
    "application/rdf+xml",
    "application/x-bibtex",
    "application/x-research-info-systems",
    BIBLIOGRAPHY,
)
CACHE_SIZE = 2000  # rendered pages, downloads and citations kept per snapshot
_LOCALE_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_STYLE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


# --------------------------------------------------------------------------- Accept


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: dict[str, str]

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3 exact, 2 type/*, 1 */*,
        0 not at all."""
        mtype, _, msub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == mtype and self.subtype == "*":
            return 2
        if self.type == mtype and self.subtype == msub:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header (malformed parts are left out)."""
    ranges = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        mtype, _, msub = media.partition("/")
        if not mtype or not msub or (mtype == "*" and msub != "*"):
            continue
        q = 1.0
        params: dict[str, str] = {}
        for piece in pieces[1:]:
            key, eq, value = piece.partition("=")
            if not eq:
                continue
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
                q = min(max(q, 0.0), 1.0)
            else:
                params[key] = value
        ranges.append(MediaRange(mtype, msub, q, params))
    return ranges


def negotiate(header: str | None, offered: tuple[str, ...] = NEGOTIATED
              ) -> tuple[str, dict[str, str]] | None:
    """The offered media type the client prefers (with the parameters of the range that
    chose it), or None when it accepts none of them. No Accept header accepts anything."""
    if header is None or not header.strip():
        return offered[0], {}
    ranges = parse_accept(header)
    best: tuple[float, int, str, dict[str, str]] | None = None
    for rank, media_type in enumerate(offered):
        match = max(((r.matches(media_type), r) for r in ranges), key=lambda x: x[0],
                    default=(0, None))
        specificity, chosen = match
        if not specificity or chosen is None or chosen.q <= 0:
            continue
        key = (chosen.q, -rank)
        if best is None or key > (best[0], -best[1]):
            best = (chosen.q, rank, media_type, chosen.params if specificity == 3 else {})
    return (best[2], best[3]) if best else None


# --------------------------------------------------------------------------- snapshot


@dataclass
class Snapshot:
    """One catalog state and everything made from it (pages, downloads, OAI records)."""

    catalog: Catalog
    signature: tuple
    provider: oai.Provider
    root: Path
    _renderer: Any = None
    _cache: dict[Any, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    stale: bool = False

    @property
    def renderer(self) -> Any:
        if self._renderer is None:
            from .site.pages import Renderer

            self._renderer = Renderer(self.catalog, self.root)
        return self._renderer

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` once per snapshot, for the last CACHE_SIZE keys asked (pages,
        downloads and citations of the records read most recently; the oldest go first)."""
        value = self._cache.get(key)
        if value is None:
            value = make()
            with self._lock:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    del self._cache[next(iter(self._cache))]
        return value


def load_snapshot(archive: Any, page_size: int, signature: tuple | None = None) -> Snapshot:
    sig = signature if signature is not None else catalog_mod.signature(archive)
    cat = catalog_mod.load(archive)
    message = catalog_mod.invalid_message(cat)
    if message:
        log.warning("warning: %s", message)
    return Snapshot(catalog=cat, signature=sig, provider=oai.Provider(cat, page_size=page_size),
                    root=Path(archive.root))


class State:
    """The app's current snapshot, refreshed when the archive changes."""

    def __init__(self, archive: Any, page_size: int, refresh: float, warm: bool):
        self.archive = archive
        self.page_size = page_size
        self.refresh = refresh
        self.warm = warm
        self.snapshot = load_snapshot(archive, page_size)
        self.checked = time.monotonic()
        self.checking = False
        self._start_warming(self.snapshot)

    def _start_warming(self, snap: Snapshot) -> None:
        if not self.warm:
            return
        thread = threading.Thread(target=snap.provider.warm, kwargs={
            "stop": lambda: snap.stale}, name="oai-warm", daemon=True)
        thread.start()

    async def current(self) -> Snapshot:
        """The snapshot to answer with; checks the archive's signature first when the last
        check is ``refresh`` seconds old (one check at a time; other requests meanwhile get
        the current snapshot)."""
        if self.checking or time.monotonic() - self.checked < self.refresh:
            return self.snapshot
        self.checking = True
        try:
            sig = await run_in_threadpool(catalog_mod.signature, self.archive)
            if sig != self.snapshot.signature:
                try:
                    snap = await run_in_threadpool(load_snapshot, self.archive,
                                                   self.page_size, sig)
                except ArchiveError as exc:
                    log.error("archive changed but cannot be read, still serving the last "
                              "catalog: %s", exc.message)
                else:
                    self.snapshot.stale = True
                    self.snapshot = snap
                    self._start_warming(snap)
        finally:
            self.checked = time.monotonic()
            self.checking = False
        return self.snapshot


# --------------------------------------------------------------------------- the app


def create_app(root: Path, *, page_size: int = 100, refresh: float = 2.0,
               warm: bool = True) -> Starlette:
    """The catalog of the archive at ``root`` as an ASGI app (the catalog is read now:
    an unreadable archive raises ArchiveError here, not on the first request)."""
    from .site.pages import DOWNLOADS, STATIC_DIR
    from .store import Archive

    archive = Archive.open(root)
    state = State(archive, page_size, refresh, warm)

    async def page(build: Callable[[], str], status: int = 200, key: Any = None,
                   snap: Snapshot | None = None, headers: dict | None = None) -> Response:
        snap = snap or await state.current()
        html = (await run_in_threadpool(snap.cached, key, build) if key is not None
                else await run_in_threadpool(build))
        return HTMLResponse(html, status_code=status, headers=headers)

    async def not_found(snap: Snapshot | None = None, headers: dict | None = None) -> Response:
        snap = snap or await state.current()
        return await page(lambda: snap.renderer.not_found_html("/"), 404, key="404",
                          snap=snap, headers=headers)

    async def gone(snap: Snapshot, entry: Entry, headers: dict | None = None) -> Response:
        return await page(lambda: snap.renderer.gone_html(entry), 410,
                          key=("gone", entry.id), snap=snap, headers=headers)

    async def index(request: Request) -> Response:
        snap = await state.current()
        return await page(lambda: snap.renderer.index_html(), key="index", snap=snap)

    async def search_js(request: Request) -> Response:
        snap = await state.current()
        text = await run_in_threadpool(snap.cached, "search.js", snap.renderer.search_js)
        return Response(text, media_type="text/javascript; charset=utf-8")

    async def record_page(snap: Snapshot, entry: Entry, headers: dict | None = None
                          ) -> Response:
        return await page(lambda: snap.renderer.record_html(entry), key=("page", entry.id),
                          snap=snap, headers=headers)

    async def record_html(request: Request) -> Response:
        snap = await state.current()
        entry = snap.catalog.get(request.path_params["id"])
        if entry is None:
            return await not_found(snap)
        if entry.deleted or entry.data is None:
            return await gone(snap, entry)
        return await record_page(snap, entry)

    async def record(request: Request) -> Response:
        snap = await state.current()
        vary = {"Vary": "Accept"}
        record_id = request.path_params["id"]
        if record_id.endswith(".html"):
            request.path_params["id"] = record_id[:-len(".html")]
            return await record_html(request)
        entry = snap.catalog.get(record_id)
        if entry is None:
            return await not_found(snap, headers=vary)
        if entry.deleted or entry.data is None:
            return await gone(snap, entry, headers=vary)
        chosen = negotiate(request.headers.get("accept"))
        if chosen is None:
            listing = "\n".join(NEGOTIATED)
            return PlainTextResponse(
                f"406 Not Acceptable: {record_id} is served as one of these media types "
                f"(text/x-bibliography takes style= and locale= parameters):\n{listing}\n",
                status_code=406, headers=vary)
        media_type, params = chosen
        if media_type == HTML:
            return await record_page(snap, entry, headers=vary)
        try:
            body = await run_in_threadpool(represent, snap, entry, media_type, params)
        except _BadParameter as exc:
            return PlainTextResponse(str(exc) + "\n", status_code=400, headers=vary)
        charset = "; charset=utf-8" if media_type.startswith("text/") or "json" in media_type \
            else ""
        return Response(body, media_type=media_type + charset, headers=vary)

    async def record_file(request: Request) -> Response:
        snap = await state.current()
        record_id, rest = request.path_params["id"], request.path_params["rest"]
        entry = snap.catalog.get(record_id)
        if entry is None:
            return await not_found(snap)
        if entry.deleted or entry.data is None:
            return await gone(snap, entry)
        for kind, (suffix, _name, media_type) in DOWNLOADS.items():
            if rest == record_id + suffix:
                from .site.pages import download_bytes

                body = await run_in_threadpool(
                    snap.cached, ("download", record_id, kind),
                    lambda data=entry.data, kind=kind: download_bytes(data, kind))
                return Response(body, media_type=_with_charset(media_type))
        if rest.startswith("files/"):
            name = rest[len("files/"):]
            listed = {f.get("path"): f for f in entry.data.get("files") or []
                      if isinstance(f, dict)}
            if name in listed:
                folder = archive.record_dir(record_id).resolve()
                path = (folder / name).resolve()
                if path.is_relative_to(folder) and path.is_file():
                    return FileResponse(path, media_type=listed[name].get("media_type")
                                        or "application/octet-stream",
                                        headers={"Content-Security-Policy": FILE_POLICY})
        return await not_found(snap)

    async def downloads(request: Request) -> Response:
        snap = await state.current()
        name = request.path_params["name"]
        from .site.pages import dump_bytes

        for kind, (suffix, _fmt, media_type) in DOWNLOADS.items():
            if name == "records" + suffix:
                live = [e.data for e in snap.catalog.live]
                body = await run_in_threadpool(snap.cached, ("downloads", kind),
                                               lambda live=live, kind=kind: dump_bytes(live,
                                                                                       kind))
                return Response(body, media_type=_with_charset(media_type))
        return await not_found(snap)

    async def oai_endpoint(request: Request) -> Response:
        snap = await state.current()
        params = parse_qsl(request.url.query, keep_blank_values=True)
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await request.body()
            if ctype == "application/x-www-form-urlencoded":
                params += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            elif body:
                return PlainTextResponse("OAI-PMH POST requests must be sent as "
                                         "application/x-www-form-urlencoded\n", status_code=415)
        settings = snap.catalog.settings
        base = (settings.base_url + "oai") if settings.base_url else str(
            request.url.replace(query="", fragment=""))
        try:  # answered on the event loop when every record it needs is serialized
            xml = snap.provider.respond(params, base, build=False)
        except oai.NotCached:
            xml = await run_in_threadpool(snap.provider.respond, params, base)
        return Response(xml, media_type=oai.MEDIA_TYPE)

    async def http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code == 404:
            return await not_found()
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "error"
        return PlainTextResponse(f"{status} {detail}\n", status_code=status,
                                 headers=getattr(exc, "headers", None))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("internal error answering %s %s", request.method, request.url.path,
                  exc_info=exc)
        return HTMLResponse(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Internal error</title></head><body><h1>Internal error</h1>"
            "<p>The catalog could not answer this request. The error is in the server's "
            "log.</p><p><a href=\"/\">The catalog</a></p></body></html>\n", status_code=500)

    routes = [
        Route("/", index),
        Route("/index.html", index),
        Route("/oai", oai_endpoint, methods=["GET", "POST"]),
        Route("/static/search.js", search_js),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
        Route("/downloads/{name}", downloads),
        Route("/records/{id}", record),
        Route("/records/{id}/{rest:path}", record_file),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error,
                                                       Exception: server_error},
                    middleware=[Middleware(SecurityHeaders)])
    app.state.catalog_state = state
    return app


#: the catalog's pages load only their own style sheet and script (JSON-LD is data, not run)
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
#: an archived file is the depositor's, not ours: an HTML or SVG one must not run script
#: in the catalog's origin, so it is shown sandboxed
FILE_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class SecurityHeaders:
    """Adds X-Content-Type-Options: nosniff to every answer, and a Content-Security-Policy
    to HTML pages (unless the answer set its own, as archived files do)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
            await send(message)

        await self.app(scope, receive, add_headers)


def _with_charset(media_type: str) -> str:
    text_like = media_type.startswith("text/") or media_type.endswith(("json", "xml")) \
        or media_type in ("application/x-bibtex", "application/x-research-info-systems")
    return media_type + ("; charset=utf-8" if text_like else "")


class _BadParameter(ValueError):
    pass


def represent(snap: Snapshot, entry: Entry, media_type: str, params: dict[str, str]) -> bytes:
    """The record in a negotiated (non-HTML) media type."""
    data = entry.data or {}
    if media_type == "application/vnd.citationstyles.csl+json":
        from .formats.csljson import data_to_item

        # the item as our CSL-JSON export writes it (one object, as DOI resolvers answer)
        return json.dumps(data_to_item(data), ensure_ascii=False, indent=2).encode()
    if media_type == "application/ld+json":
        from .formats.schemaorg import record_node

        return json.dumps(record_node(data), ensure_ascii=False, indent=2).encode()
    if media_type == "application/rdf+xml":
        from . import formats

        out = formats.get("dc-rdf").dump([data])
        return out if isinstance(out, bytes) else out.encode()
    if media_type in ("application/x-bibtex", "application/x-research-info-systems"):
        from .site.pages import download_bytes

        kind = "bibtex" if media_type == "application/x-bibtex" else "ris"
        return snap.cached(("download", entry.id, kind), lambda: download_bytes(data, kind))
    if media_type == BIBLIOGRAPHY:
        return citation_text(snap, entry, params.get("style") or "apa",
                             params.get("locale") or None).encode()
    raise KeyError(media_type)


def citation_text(snap: Snapshot, entry: Entry, style_name: str, locale: str | None) -> str:
    """The record as a plain-text bibliography entry in ``style_name`` (a style name the
    archive knows: never a path, since the name comes from a client)."""
    from .citations import record_to_csl
    from .citing import render_each
    from .styles import resolve

    if not _STYLE_RE.fullmatch(style_name) or style_name.endswith(".csl"):
        raise _BadParameter(f"style={style_name!r}: not a style name (such as apa, chicago, "
                            "mla or a style id)")
    if locale is not None and not _LOCALE_RE.fullmatch(locale):
        raise _BadParameter(f"locale={locale!r}: not a locale such as en-US or de-DE")

    def make() -> str:
        try:
            style = resolve(style_name, snap.root)
        except ArchiveError as exc:
            raise _BadParameter(f"style={style_name!r}: {exc.message}") from None
        try:
            [text] = render_each(style, [record_to_csl(entry.data or {})], fmt="text",
                                 locale=locale)
        except ArchiveError as exc:
            raise _BadParameter(f"locale={locale!r}: {exc.message}") from None
        return text.strip() + "\n"

    return snap.cached(("cite", entry.id, style_name, locale), make)


# --------------------------------------------------------------------------- running


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, *, page_size: int = 100,
          refresh: float = 2.0, announce: Callable[[str, str], None] | None = None,
          access_log: bool = False) -> None:
    """Serve until interrupted. Binds first (a port in use raises ArchiveError), then
    calls ``announce(site_url, oai_url)`` and runs uvicorn on the bound socket."""
    import socket

    import uvicorn

    app = create_app(root, page_size=page_size, refresh=refresh)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        why = "is already in use" if exc.errno in (98, 48, 10048) else f"cannot be bound " \
            f"({exc.strerror or exc})"
        raise ArchiveError(f"--port {port}: {host}:{port} {why}; choose another port "
                           "(--port 0 picks a free one)") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/"
    if announce:
        announce(url, url + "oai")
    config = uvicorn.Config(app, log_level="warning", access_log=access_log,
                            timeout_graceful_shutdown=3, backlog=2048)
    server = uvicorn.Server(config)
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
