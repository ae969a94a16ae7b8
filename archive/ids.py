"""Record ids: lowercase slugs made of family name, year and the first title words."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from .textfold import fold

# what a record id may be (the model checks ids with these too)
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SLUG_MAX = 100

TITLE_WORDS = 4
_TAG_RE = re.compile(r"<[^>]+>")


def slugify(text: str, max_words: int | None = None) -> str:
    """ASCII slug: ``Do not be “disturbed”`` -> ``do-not-be-disturbed``."""
    text = fold(_TAG_RE.sub("", text or "")).replace("’", "").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    if max_words:
        words = words[:max_words]
    return "-".join(words)


def _first_agent(data: dict[str, Any]) -> str:
    from .names import initials

    for key in ("authors", "editors", "translators"):
        agents = data.get(key) or []
        if agents:
            first = agents[0]
            first = first if isinstance(first, dict) else first.model_dump()
            if first.get("organization"):
                org = first["organization"]
                letters = initials(org)
                return slugify(letters if len(letters) >= 2 else org, 3)
            family = " ".join(
                p for p in (first.get("non_dropping_particle"), first.get("family")) if p
            )
            return slugify(family, 3)
    return ""


def base_id(data: dict[str, Any]) -> str:
    """The id a record would get before uniqueness: ``tokiwa-2022-do-not-be-disturbed``."""
    who = _first_agent(data)
    issued = str(data.get("issued") or "")
    year = issued[:4] if re.match(r"^\d{4}", issued) else ""
    title = str(data.get("title") or "")
    words = slugify(title, TITLE_WORDS)
    if not words and title:
        words = hashlib.sha1(title.encode()).hexdigest()[:6]
    slug = "-".join(p for p in (who, year, words) if p) or "record"
    slug = slug[: SLUG_MAX - 4].strip("-")
    assert SLUG_RE.match(slug), slug
    return slug


def unique_id(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken."""
    if not taken(base):
        return base
    n = 2
    while taken(f"{base}-{n}"):
        n += 1
    return f"{base}-{n}"
