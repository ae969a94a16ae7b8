"""Likely duplicates, for add, import, ingest and ``archive validate``.

Two records are likely the same work when they have the same DOI, the same web
address, an archived file with the same sha256, or the same normalized title,
first author and year. The first author is compared as a person, whatever the
order the name was written in: "TOKIWA Shin" (family Tokiwa) and "Shin Tokiwa"
are one person, and so are "S. Tokiwa" and "Shin Tokiwa".

A translation is not a duplicate of its original: two records in different
languages never match by title (an unknown language matches any), nor does a
record match the original it translates. Works on plain record data (dicts), so
the search index can be used without validating every record again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .textfold import fold

_TAG_RE = re.compile(r"<[^>]+>")
_WORD_RE = re.compile(r"\w+")

SAME_DOI = "same DOI"
SAME_URL = "same web address"
SAME_FILE = "same archived file"
SAME_WORK = "same title, first author and year"


@dataclass(frozen=True)
class Match:
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.id} ({self.reason})"


def describe(matches: Iterable[Match]) -> str:
    """``likely duplicate of a (same DOI), b (same title, first author and year)``."""
    return "likely duplicate of " + ", ".join(str(m) for m in matches)


# --------------------------------------------------------------------------- normal forms


def normalize_title(title: str) -> str:
    return " ".join(_WORD_RE.findall(fold(_TAG_RE.sub("", title or ""))))


def normalize_doi(doi: Any) -> str:
    return doi.strip().casefold() if isinstance(doi, str) else ""


def normalize_url(url: Any) -> str:
    """The same page whatever the scheme, ``www.``, case of the host, a closing slash or
    a fragment: ``http://www.gfj.jp/a/`` and ``https://gfj.jp/a#top`` are one page."""
    if not isinstance(url, str) or not url.strip():
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").casefold().removeprefix("www.")
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{path}{query}"


@dataclass(frozen=True)
class Person:
    """A first author as compared: folded name words, and the family name when known."""

    words: tuple[str, ...]
    family: str
    given: tuple[str, ...]

    def same(self, other: Person) -> bool:
        if not self.words or not other.words:
            return False
        if sorted(self.words) == sorted(other.words):
            return True  # "TOKIWA Shin" read either way, "Shin Tokiwa"
        if self.family and self.family == other.family:
            return _givens_agree(self.given, other.given)
        return False


def _givens_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """"S." and "Shin", "J. R." and "John Ronald": same initials, full words equal."""
    if not a or not b:
        return True
    if len(a) != len(b):
        return a[0][0] == b[0][0] and (len(a[0]) == 1 or len(b[0]) == 1 or a[0] == b[0])
    for x, y in zip(a, b):
        if x[0] != y[0] or (len(x) > 1 and len(y) > 1 and x != y):
            return False
    return True


def first_author(data: dict[str, Any]) -> Person:
    for key in ("authors", "editors"):
        agents = data.get(key) or []
        if agents:
            a = agents[0]
            if a.get("family") or a.get("given"):
                family = tuple(_WORD_RE.findall(fold(" ".join(
                    a.get(k) or "" for k in ("non_dropping_particle", "family")))))
                given = tuple(_WORD_RE.findall(fold(a.get("given") or "")))
                return Person(given + family, " ".join(family), given)
            words = tuple(_WORD_RE.findall(fold(a.get("organization") or "")))
            return Person(words, " ".join(words), ())
    return Person((), "", ())


def _language(value: Any) -> str:
    return value.split("-")[0].casefold() if isinstance(value, str) else ""


@dataclass(frozen=True)
class _Work:
    id: str
    author: Person
    language: str
    original_language: str

    def same(self, other: _Work) -> bool:
        if self.language and other.language and self.language != other.language:
            return False  # a translation and its original
        for a, b in ((self, other), (other, self)):
            if a.original_language and a.original_language == b.language:
                return False  # b is the original that a translates
        return self.author.same(other.author)


def _work(data: dict[str, Any]) -> _Work:
    original = data.get("original") or {}
    return _Work(str(data.get("id") or ""), first_author(data), _language(data.get("language")),
                 _language(original.get("language") if isinstance(original, dict) else None))


def _title_key(data: dict[str, Any]) -> tuple[str, str] | None:
    title = normalize_title(data.get("title", ""))
    if not title:
        return None
    return title, str(data.get("issued") or "")[:4]


def _file_sums(data: dict[str, Any]) -> list[str]:
    return [f["sha256"] for f in data.get("files") or []
            if isinstance(f, dict) and isinstance(f.get("sha256"), str)]


# --------------------------------------------------------------------------- finding


class Finder:
    """The records seen so far, indexed for finding likely duplicates of another."""

    def __init__(self, records: Iterable[dict[str, Any]] = ()) -> None:
        self._works: dict[tuple[str, str], list[_Work]] = defaultdict(list)
        self._by: dict[str, dict[str, list[str]]] = {
            SAME_DOI: defaultdict(list), SAME_URL: defaultdict(list),
            SAME_FILE: defaultdict(list)}
        for data in records:
            self.add(data)

    @staticmethod
    def _keys(data: dict[str, Any]) -> list[tuple[str, str]]:
        keys = []
        doi = normalize_doi(data.get("doi"))
        if doi:
            keys.append((SAME_DOI, doi))
        url = normalize_url(data.get("url"))
        if url:
            keys.append((SAME_URL, url))
        keys.extend((SAME_FILE, digest) for digest in _file_sums(data))
        return keys

    def add(self, data: dict[str, Any]) -> None:
        record_id = str(data.get("id") or "")
        for reason, value in self._keys(data):
            self._by[reason][value].append(record_id)
        key = _title_key(data)
        if key is not None:
            self._works[key].append(_work(data))

    def find(self, data: dict[str, Any]) -> list[Match]:
        """Records seen that ``data`` likely duplicates, each once, with the first reason
        found (DOI, web address, archived file, then title and author)."""
        own = str(data.get("id") or "")
        found: dict[str, str] = {}
        for reason, value in self._keys(data):
            for other in self._by[reason].get(value, ()):
                if other != own:
                    found.setdefault(other, reason)
        key = _title_key(data)
        if key is not None and key in self._works:
            work = _work(data)
            for other in self._works[key]:
                if other.id != own and other.id not in found and work.same(other):
                    found[other.id] = SAME_WORK
        return [Match(i, r) for i, r in found.items()]


def find(candidate: dict[str, Any], others: Iterable[dict[str, Any]]) -> list[Match]:
    """Records in ``others`` that ``candidate`` likely duplicates."""
    return Finder(others).find(candidate)


def pairs(records: Iterable[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Every likely duplicate pair among ``records`` as (id, id, reason), each pair once,
    the smaller id first, sorted."""
    finder = Finder()
    out = set()
    for data in records:
        for m in finder.find(data):
            a, b = sorted((str(data.get("id") or ""), m.id))
            out.add((a, b, m.reason))
        finder.add(data)
    return sorted(out)


def for_archive(archive: Any) -> Finder:
    """A finder holding every valid record of ``archive`` (read through the search index)."""
    from .index import open_index

    index = open_index(archive)
    try:
        return Finder(e.data for e in index.entries() if e.data)
    finally:
        index.close()
