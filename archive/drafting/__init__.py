"""Drafting a record from the commentary itself (text, Markdown or PDF).

``read_document`` reads the file (or refuses it with a message naming it);
``draft`` reads the record's fields from it, by layout: the GFJ Commentary layout
(gfj.py) gives nearly every field; any other document (generic.py) gives what it
states plainly. What is not found is listed as missing, never guessed.
"""

from __future__ import annotations

from typing import Any

from ..model import Original, Record
from .base import Draft, text_lines
from .document import MAX_BYTES, Document, read_document
from .generic import draft_generic
from .gfj import draft_gfj, is_gfj

__all__ = ["MAX_BYTES", "Document", "Draft", "draft", "read_document"]


def draft(doc: Document, known: dict[str, str] | None = None) -> Draft:
    """A draft record from ``doc``; ``known`` maps acronyms to organizations' full names."""
    if not doc.has_text or not doc.text.strip():
        out = Draft({}, layout="generic", missing=["title", "authors", "issued", "language"])
        out.notes.extend(doc.notes or [f"{doc.path}: no text to read the fields from"])
        return out
    lines = text_lines(doc)
    if is_gfj(lines):
        out = draft_gfj(doc, known, lines)
    else:
        out = draft_generic(doc, known, lines)
    out.notes[:0] = doc.notes
    out.data = _in_record_order(out.data)
    return out


def _in_record_order(data: dict[str, Any]) -> dict[str, Any]:
    """Fields in the order record.yaml writes them (for showing the draft)."""
    order = {name: i for i, name in enumerate(Record.model_fields)}
    out = dict(sorted(data.items(), key=lambda kv: order.get(kv[0], len(order))))
    if isinstance(out.get("original"), dict):
        inner = {name: i for i, name in enumerate(Original.model_fields)}
        out["original"] = dict(sorted(out["original"].items(),
                                      key=lambda kv: inner.get(kv[0], len(inner))))
    return out
