"""Likely duplicates: same normalized title, same first author's family name, same year.

Records in different languages are never duplicates (a translation is not a
duplicate of its original). Works on plain record data (dicts), so the index
can be used without re-validating every record.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .textfold import fold

_TAG_RE = re.compile(r"<[^>]+>")


def normalize_title(title: str) -> str:
    return " ".join(re.findall(r"\w+", fold(_TAG_RE.sub("", title or ""))))


def first_family(data: dict[str, Any]) -> str:
    for key in ("authors", "editors"):
        agents = data.get(key) or []
        if agents:
            a = agents[0]
            name = a.get("family") or a.get("organization") or ""
            return normalize_title(name)
    return ""


def key(data: dict[str, Any]) -> tuple[str, str, str, str] | None:
    title = normalize_title(data.get("title", ""))
    if not title:
        return None
    issued = str(data.get("issued") or "")
    return (title, first_family(data), issued[:4], (data.get("language") or "").split("-")[0])


def find(candidate: dict[str, Any], others: Iterable[dict[str, Any]]) -> list[str]:
    """Ids of records in ``others`` that ``candidate`` likely duplicates."""
    k = key(candidate)
    if k is None:
        return []
    return [o["id"] for o in others if o.get("id") != candidate.get("id") and same(k, key(o))]


def same(a: tuple[str, str, str, str] | None, b: tuple[str, str, str, str] | None) -> bool:
    if a is None or b is None:
        return False
    # an unknown language matches any language; two known ones must agree
    return a[:3] == b[:3] and (not a[3] or not b[3] or a[3] == b[3])


def pairs(records: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """Every likely duplicate pair among ``records``, each pair once, sorted."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for data in records:
        k = key(data)
        if k is not None:
            groups[k[:3]].append(data)
    out = []
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if same(key(a), key(b)):
                    out.append(tuple(sorted((a["id"], b["id"]))))
    return sorted(out)
