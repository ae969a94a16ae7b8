"""Text helpers more than one format needs: an abstract's plain text, names as written."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

_TAG = re.compile(r"<[A-Za-z/!?]")
_SPACE = re.compile(r"\s+")


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment, leaving out scripts and style sheets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "li", "div"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(value: str) -> str:
    """The text of an abstract: HTML tags removed (as Invenio's DC export does); plain text
    (no tag in it) is returned as it is, so "A &amp; B" typed by hand stays what it says."""
    if not _TAG.search(value):
        return value
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    return _SPACE.sub(" ", "".join(parser.parts)).strip()


def family_name(agent: dict[str, Any]) -> str:
    """The family name with its particles ("van Beethoven")."""
    return " ".join(p for p in (agent.get("dropping_particle"),
                                agent.get("non_dropping_particle"), agent["family"]) if p)


def display_name(agent: dict[str, Any]) -> str:
    """The name as it is written: "Tokiwa Shin" (family first), "Ludwig van Beethoven"."""
    if "organization" in agent:
        return agent["organization"]
    given = agent.get("given")
    family = family_name(agent)
    if agent.get("order") == "family-first":
        name = " ".join(p for p in (family, given) if p)
    else:
        name = " ".join(p for p in (given, family) if p)
    if agent.get("suffix"):
        name += (", " if agent.get("comma_suffix") else " ") + agent["suffix"]
    return name
