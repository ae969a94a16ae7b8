"""OAI-PMH 2.0 data provider over a :class:`~archive.catalog.Catalog`, independent of any web
framework: :func:`respond` turns a request's arguments into the XML response (HTTP 200
always, as the protocol says; the HTTP side is :mod:`archive.server`).

- Six verbs; metadata formats ``oai_dc`` and ``marcxml``; one set per series.
- Datestamps are the UTC time of a record's last change (its tombstone's, for a removed
  record), at seconds granularity; ``from``/``until`` take days or seconds (the same in both).
- Removed records are reported with ``status="deleted"`` headers (``deletedRecord``:
  persistent: the archive keeps its tombstones).
- Lists come in pages of ``page_size``. The resumption token is stateless: it carries the
  request's arguments and the (datestamp, id) of the last item sent, so a harvest resumes
  after that item whatever changed in between (nothing unchanged is repeated or skipped; an
  edited record moves to the end of the list, with its new datestamp). A checksum makes an
  altered or truncated token a ``badResumptionToken``; it is not a secret (a token made by
  hand reveals nothing the arguments do not).

One :class:`Provider` per catalog snapshot keeps each record's serialized ``<record>`` and
``<header>`` so a page of 100 is a join of cached bytes and a few binary searches.
"""

from __future__ import annotations

import base64
import bisect
import datetime as _dt
import hashlib
import hmac
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from .catalog import Catalog, Entry, format_datestamp

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_XSD = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
MEDIA_TYPE = "text/xml; charset=utf-8"  # the protocol's Content-Type (text/xml)

VERBS = ("Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers",
         "ListRecords")

# verb -> (required, optional, exclusive) arguments besides ``verb``
ARGUMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str | None]] = {
    "Identify": ((), (), None),
    "ListMetadataFormats": ((), ("identifier",), None),
    "ListSets": ((), (), "resumptionToken"),
    "GetRecord": (("identifier", "metadataPrefix"), (), None),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
}


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS = {
    "oai_dc": MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                             "http://www.openarchives.org/OAI/2.0/oai_dc/"),
    "marcxml": MetadataFormat("marcxml",
                              "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
                              "http://www.loc.gov/MARC21/slim"),
}

# argument syntax (OAI-PMH.xsd: metadataPrefixType, setSpecType; UTCdatetime)
_PREFIX_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SETSPEC_RE = re.compile(r"([A-Za-z0-9\-_.!~*'()])+(:[A-Za-z0-9\-_.!~*'()]+)*")
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECONDS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# characters XML 1.0 cannot carry, and what an identifier (anyURI) cannot hold
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_URI = re.compile(r"[\s<>\"{}|\\^`]")


class OAIError(Exception):
    """One OAI-PMH error (``code`` from the protocol, ``message`` for a human)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def esc(text: str) -> str:
    """XML text (element content or attribute value), characters XML cannot hold dropped."""
    text = _NOT_XML.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


# --------------------------------------------------------------------------- dates


def parse_date(value: str, name: str) -> tuple[_dt.datetime, _dt.datetime, str]:
    """A ``from``/``until`` value: (first second, last second, granularity) in UTC."""
    try:
        if _DAY_RE.fullmatch(value):
            day = _dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=_dt.timezone.utc)
            return day, day + _dt.timedelta(days=1, seconds=-1), "day"
        if _SECONDS_RE.fullmatch(value):
            stamp = _dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=_dt.timezone.utc)
            return stamp, stamp, "seconds"
    except ValueError:
        pass
    raise OAIError("badArgument", f"{name}={value!r} is not a UTC date (YYYY-MM-DD) or "
                   f"date and time ({GRANULARITY})")


# --------------------------------------------------------------------------- tokens


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Query:
    """What a list request asks for (from its arguments or its resumption token)."""

    verb: str
    prefix: str
    start: str | None = None  # the from argument, as given
    end: str | None = None  # the until argument, as given
    set: str | None = None
    after: tuple[int, str] | None = None  # (datestamp as epoch seconds, id) of the last sent


def encode_token(query: Query, key: bytes) -> str:
    body = json.dumps([query.verb, query.prefix, query.start, query.end, query.set,
                       list(query.after) if query.after else None],
                      separators=(",", ":"), ensure_ascii=True).encode("ascii")
    mac = hmac.new(key, body, hashlib.sha256).digest()[:12]
    return _b64(body) + "." + _b64(mac)


def decode_token(token: str, verb: str, key: bytes) -> Query:
    bad = OAIError("badResumptionToken", f"resumptionToken {token[:80]!r} was not issued by "
                   f"this repository for {verb}, or was altered; start the list again")
    try:
        body_text, mac_text = token.split(".")
        body, mac = _unb64(body_text), _unb64(mac_text)
    except ValueError:
        raise bad from None
    if not hmac.compare_digest(hmac.new(key, body, hashlib.sha256).digest()[:12], mac):
        raise bad
    try:
        t_verb, prefix, start, end, set_spec, after = json.loads(body)
        if t_verb != verb or not isinstance(prefix, str):
            raise bad
        if after is not None:
            after = (int(after[0]), str(after[1]))
        return Query(verb, prefix, start, end, set_spec, after)
    except (ValueError, TypeError, IndexError, KeyError):
        raise bad from None


# --------------------------------------------------------------------------- the provider


def _epoch(stamp: _dt.datetime) -> int:
    return int(stamp.timestamp())


class Provider:
    """OAI-PMH responses for one catalog snapshot; caches serialized records and headers.

    Thread-safe for concurrent :meth:`respond` calls (the caches only grow; computing one
    entry twice is harmless)."""

    def __init__(self, catalog: Catalog, *, page_size: int = 100,
                 key: bytes | None = None):
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.catalog = catalog
        self.settings = catalog.settings
        self.page_size = page_size
        self.key = key if key is not None else hashlib.sha256(
            b"archive.oai token v1\0" + self.settings.oai_namespace.encode()).digest()
        entries = catalog.entries  # sorted by (datestamp, id)
        self._lists: dict[str | None, tuple[list[Entry], list[tuple[int, str]], list[int]]] = {}
        self._add_list(None, entries)
        for s in catalog.sets:
            self._add_list(s.spec, [e for e in entries if s.spec in e.sets])
        self._headers: dict[str, bytes] = {}
        self._records: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def _add_list(self, spec: str | None, entries: list[Entry]) -> None:
        keys = [(_epoch(e.datestamp), e.id) for e in entries]
        self._lists[spec] = (entries, keys, [k[0] for k in keys])

    # ------------------------------------------------------------------ serialized parts

    def header(self, entry: Entry) -> bytes:
        cached = self._headers.get(entry.id)
        if cached is None:
            status = ' status="deleted"' if entry.deleted else ""
            sets = "".join(f"<setSpec>{esc(s)}</setSpec>" for s in entry.sets)
            cached = (f"<header{status}><identifier>"
                      f"{esc(self.settings.oai_identifier(entry.id))}</identifier>"
                      f"<datestamp>{format_datestamp(entry.datestamp)}</datestamp>{sets}"
                      "</header>").encode("utf-8")
            self._headers[entry.id] = cached
        return cached

    def record(self, entry: Entry, prefix: str, build: bool = True) -> bytes:
        """The entry's ``<record>``: header and metadata (header alone when deleted);
        NotCached when it has not been made yet and ``build`` is false."""
        key = (entry.id, prefix)
        cached = self._records.get(key)
        if cached is None:
            if not build:
                raise NotCached(key)
            if entry.deleted or entry.data is None:
                cached = b"<record>" + self.header(entry) + b"</record>"
            else:
                cached = (b"<record>" + self.header(entry) + b"<metadata>"
                          + metadata_xml(entry.data, prefix).encode("utf-8")
                          + b"</metadata></record>")
            self._records[key] = cached
        return cached

    def warm(self, prefix: str = "oai_dc", stop: Callable[[], bool] = lambda: False) -> None:
        """Serialize every record ahead of the first harvest (a background thread's work)."""
        for entry in self.catalog.entries:
            if stop():
                return
            self.record(entry, prefix)

    # ------------------------------------------------------------------ requests

    def respond(self, params: Sequence[tuple[str, str]], base_url: str, *,
                now: _dt.datetime | None = None, build: bool = True) -> bytes:
        """The response to ``params``. With ``build=False`` it raises NotCached instead of
        serializing a record not serialized yet (an event loop answers at once what is
        cheap, and sends the rest to a thread)."""
        now = now or _dt.datetime.now(_dt.timezone.utc)
        try:
            verb, args = check_arguments(params)
        except _Errors as exc:
            return self._document(now, base_url, None, _error_xml(exc.errors))
        try:
            body = getattr(self, "_" + verb)(args, base_url, build)
        except _Errors as exc:
            return self._document(now, base_url, {"verb": verb, **args},
                                  _error_xml(exc.errors))
        except OAIError as exc:
            return self._document(now, base_url, {"verb": verb, **args},
                                  _error_xml([exc]))
        return self._document(now, base_url, {"verb": verb, **args}, body)

    def _document(self, now: _dt.datetime, base_url: str, request: dict[str, str] | None,
                  body: list[bytes]) -> bytes:
        attrs = "".join(f' {k}="{esc(v)}"' for k, v in (request or {}).items())
        head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" '
                f'xsi:schemaLocation="{OAI_NS} {OAI_XSD}">'
                f"<responseDate>{format_datestamp(now)}</responseDate>"
                f"<request{attrs}>{esc(base_url)}</request>").encode("utf-8")
        return b"".join([head, *body, b"</OAI-PMH>\n"])

    # ------------------------------------------------------------------ verbs

    def _Identify(self, args: dict[str, str], base_url: str,
                 build: bool = True) -> list[bytes]:
        s = self.settings
        out = ["<Identify>",
               f"<repositoryName>{esc(s.name)}</repositoryName>",
               f"<baseURL>{esc(base_url)}</baseURL>",
               "<protocolVersion>2.0</protocolVersion>",
               *(f"<adminEmail>{esc(e)}</adminEmail>" for e in s.emails),
               f"<earliestDatestamp>{format_datestamp(self.catalog.earliest)}"
               "</earliestDatestamp>",
               "<deletedRecord>persistent</deletedRecord>",
               f"<granularity>{GRANULARITY}</granularity>"]
        out.append("</Identify>")
        return ["".join(out).encode("utf-8")]

    def _ListMetadataFormats(self, args: dict[str, str], base_url: str,
                            build: bool = True) -> list[bytes]:
        if "identifier" in args:
            entry = self._entry(args["identifier"])
            if entry.data is None:
                raise OAIError("noMetadataFormats", f"{args['identifier']} was removed and "
                               "nothing of it is kept: no metadata format is available")
        out = ["<ListMetadataFormats>"]
        for f in FORMATS.values():
            out.append(f"<metadataFormat><metadataPrefix>{f.prefix}</metadataPrefix>"
                       f"<schema>{f.schema}</schema>"
                       f"<metadataNamespace>{f.namespace}</metadataNamespace>"
                       "</metadataFormat>")
        out.append("</ListMetadataFormats>")
        return ["".join(out).encode("utf-8")]

    def _ListSets(self, args: dict[str, str], base_url: str,
                 build: bool = True) -> list[bytes]:
        if "resumptionToken" in args:
            raise OAIError("badResumptionToken", "ListSets is answered in one piece; this "
                           "repository issued no resumptionToken for it")
        if not self.catalog.sets:
            raise OAIError("noSetHierarchy", "this repository has no sets (no record is in "
                           "a series)")
        out = ["<ListSets>"]
        for s in self.catalog.sets:
            out.append(f"<set><setSpec>{esc(s.spec)}</setSpec>"
                       f"<setName>{esc(s.name)}</setName></set>")
        out.append("</ListSets>")
        return ["".join(out).encode("utf-8")]

    def _GetRecord(self, args: dict[str, str], base_url: str,
                  build: bool = True) -> list[bytes]:
        errors = []
        entry = None
        try:
            entry = self._entry(args["identifier"])
        except OAIError as exc:
            errors.append(exc)
        prefix = args["metadataPrefix"]
        if prefix not in FORMATS:
            errors.append(_cannot(prefix))
        if errors:
            raise _Errors(errors)
        assert entry is not None
        return [b"<GetRecord>", self.record(entry, prefix, build), b"</GetRecord>"]

    def _ListIdentifiers(self, args: dict[str, str], base_url: str,
                        build: bool = True) -> list[bytes]:
        return self._list("ListIdentifiers", args, build)

    def _ListRecords(self, args: dict[str, str], base_url: str,
                    build: bool = True) -> list[bytes]:
        return self._list("ListRecords", args, build)

    # ------------------------------------------------------------------ helpers

    def _entry(self, identifier: str) -> Entry:
        record_id = self.settings.record_id(identifier)
        entry = self.catalog.get(record_id) if record_id else None
        if entry is None:
            raise OAIError("idDoesNotExist", f"{identifier} is not an identifier of this "
                           "repository")
        return entry

    def _list(self, verb: str, args: dict[str, str], build: bool = True) -> list[bytes]:
        if "resumptionToken" in args:
            query = decode_token(args["resumptionToken"], verb, self.key)
            token_given = True
        else:
            query = Query(verb, args["metadataPrefix"], args.get("from"), args.get("until"),
                          args.get("set"))
            token_given = False
        errors: list[OAIError] = []
        if query.prefix not in FORMATS:
            errors.append(_cannot(query.prefix))
        if query.set is not None and not self.catalog.sets:
            errors.append(OAIError("noSetHierarchy", "this repository has no sets (no "
                                   "record is in a series)"))
        if errors:
            raise _Errors(errors)
        entries, keys, stamps = self._lists.get(query.set) or ([], [], [])
        lo, hi = 0, len(entries)
        try:
            if query.start is not None:
                lo = bisect.bisect_left(stamps, _epoch(parse_date(query.start, "from")[0]))
            if query.end is not None:
                hi = bisect.bisect_right(stamps, _epoch(parse_date(query.end, "until")[1]))
        except OAIError:
            raise OAIError("badResumptionToken", "the resumptionToken's dates are not "
                           "valid; start the list again") from None
        start = lo
        if query.after is not None:
            start = max(lo, bisect.bisect_right(keys, query.after))
        if start >= hi:
            if token_given:
                raise OAIError("noRecordsMatch", "no records are left in this list (the "
                               "repository changed since the resumptionToken was issued)")
            raise OAIError("noRecordsMatch", "no records match these arguments")
        stop = min(hi, start + self.page_size)
        if verb == "ListRecords":
            items = [self.record(entries[i], query.prefix, build) for i in range(start, stop)]
        else:
            items = [self.header(entries[i]) for i in range(start, stop)]
        out = [f"<{verb}>".encode(), *items]
        if start > lo or stop < hi:  # an incomplete list: every page carries a token
            token = ""
            if stop < hi:
                last = entries[stop - 1]
                token = encode_token(Query(verb, query.prefix, query.start, query.end,
                                           query.set, (_epoch(last.datestamp), last.id)),
                                     self.key)
            out.append(f'<resumptionToken completeListSize="{hi - lo}" cursor="{start - lo}">'
                       f"{token}</resumptionToken>".encode())
        out.append(f"</{verb}>".encode())
        return out


class NotCached(Exception):
    """A record asked for with ``build=False`` has not been serialized yet."""


class _Errors(Exception):
    def __init__(self, errors: list[OAIError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def _cannot(prefix: str) -> OAIError:
    return OAIError("cannotDisseminateFormat", f"metadataPrefix {prefix!r} is not served "
                    f"here; use one of: {', '.join(FORMATS)}")


def _error_xml(errors: Iterable[OAIError]) -> list[bytes]:
    return [f'<error code="{e.code}">{esc(e.message)}</error>'.encode("utf-8")
            for e in errors]


def check_arguments(params: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, or :class:`_Errors` with badVerb or badArgument errors
    (the request element then carries no attributes)."""
    verbs = [v for k, v in params if k == "verb"]
    if len(verbs) != 1 or verbs[0] not in VERBS:
        if not verbs:
            why = "the verb argument is missing"
        elif len(verbs) > 1:
            why = "the verb argument is repeated"
        else:
            why = f"{verbs[0][:80]!r} is not an OAI-PMH verb"
        raise _Errors([OAIError("badVerb", f"{why}; use one of: {', '.join(VERBS)}")])
    verb = verbs[0]
    required, optional, exclusive = ARGUMENTS[verb]
    allowed = set(required) | set(optional) | ({exclusive} if exclusive else set())
    errors: list[OAIError] = []
    args: dict[str, str] = {}
    seen: set[str] = set()
    for key, value in params:
        if key == "verb":
            continue
        if key not in allowed:
            errors.append(OAIError("badArgument", f"{key[:80]!r} is not an argument of "
                                   f"{verb}" + (f" (it takes {', '.join(sorted(allowed))})"
                                                if allowed else " (it takes none)")))
            continue
        if key in seen:
            errors.append(OAIError("badArgument", f"the {key} argument is repeated"))
            continue
        seen.add(key)
        if _NOT_XML.search(value):
            errors.append(OAIError("badArgument", f"{key}: the value holds a control "
                                   "character"))
            continue
        args[key] = value
    if exclusive and exclusive in seen:
        others = [k for k in seen if k != exclusive]
        if others:
            errors.append(OAIError("badArgument", f"{exclusive} is an exclusive argument: "
                                   f"send it alone (not with {', '.join(sorted(others))})"))
    else:
        for key in required:
            if key not in seen:
                errors.append(OAIError("badArgument", f"{verb} requires the {key} argument"))
    # syntax of the values
    if "metadataPrefix" in args and not _PREFIX_RE.fullmatch(args["metadataPrefix"]):
        errors.append(OAIError("badArgument", f"metadataPrefix={args['metadataPrefix'][:80]!r}"
                               " is not a metadata prefix (URI unreserved characters)"))
    if "set" in args and not _SETSPEC_RE.fullmatch(args["set"]):
        errors.append(OAIError("badArgument", f"set={args['set'][:80]!r} is not a setSpec"))
    if "identifier" in args and (not args["identifier"]
                                 or _NOT_URI.search(args["identifier"])):
        errors.append(OAIError("badArgument", f"identifier={args['identifier'][:80]!r} is not "
                               "a URI"))
    dates = {}
    for name in ("from", "until"):
        if name in args:
            try:
                dates[name] = parse_date(args[name], name)
            except OAIError as exc:
                errors.append(exc)
    if len(dates) == 2:
        (f_start, _, f_gran), (u_start, _, u_gran) = dates["from"], dates["until"]
        if f_gran != u_gran:
            errors.append(OAIError("badArgument", "from and until must have the same "
                                   f"granularity (from is {f_gran}, until is {u_gran})"))
        elif f_start > u_start:
            errors.append(OAIError("badArgument", f"from ({args['from']}) is later than "
                                   f"until ({args['until']})"))
    if errors:
        raise _Errors(errors)
    return verb, args


def metadata_xml(data: dict[str, Any], prefix: str) -> str:
    """One record's metadata element in ``prefix`` (its namespaces and schemaLocation on
    the root element, as the protocol requires)."""
    if prefix == "oai_dc":
        from lxml import etree

        from .formats.dublincore import oai_dc_element

        return etree.tostring(oai_dc_element(data), encoding="unicode")
    if prefix == "marcxml":
        from .formats.marcxml import NS, SCHEMA_URL, record_xml

        xml = record_xml(data)
        if not xml.startswith("<record>"):
            raise ValueError(f"unexpected MARCXML record: {xml[:40]!r}")
        return (f'<record xmlns="{NS}" xmlns:xsi="{XSI_NS}" '
                f'xsi:schemaLocation="{NS} {SCHEMA_URL}">' + xml[len("<record>"):])
    raise KeyError(prefix)


# one provider per catalog snapshot, for callers that hold only the catalog
def respond(catalog: Catalog, params: Sequence[tuple[str, str]], base_url: str, *,
            page_size: int = 100, now: _dt.datetime | None = None) -> bytes:
    """The OAI-PMH response (UTF-8 XML) to a request with ``params`` (its key=value pairs,
    in order, repeats kept) at ``base_url``; sent with HTTP status 200 whatever it holds.
    One request: a server keeps a :class:`Provider` per catalog instead, with its caches."""
    return Provider(catalog, page_size=page_size).respond(params, base_url, now=now)
