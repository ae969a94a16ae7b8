"""The CSL view of a record: the CSL-JSON item that citation styles render.

It starts from the export mapping (:func:`archive.formats.csljson.data_to_item`, which
import round trips rely on) and changes only what a rendered citation needs:

- ``title`` is title and subtitle joined as "Title: Subtitle"; when the title already
  ends in ``?``, ``!`` or ``:``, no colon is added ("Why now? A reply");
  ``title-short`` is the title alone.
- a person whose name is written family name first (``order: family-first``, "TOKIWA
  Shin") is marked ``"x-order": "family-first"``, a key CSL processors ignore: published
  styles render the name by their own rules ("Tokiwa, S." in APA, DESIGN.md §3). House
  styles in the archive's ``styles/`` folder print names as the records have them, so
  for those :func:`archive.citing.render` turns the mark into CSL's ``static-ordering``
  ("TOKIWA Shin"). An explicit ``static_ordering`` in the record always wins.
  Organizations are ``{"literal": name}``.
- the original of a translation: ``original-date`` (original.issued), ``original-title``
  (original.title, else the title in original script), ``original-publisher`` (where
  the original appeared: original.venue, else original.publisher) and
  ``original-publisher-place`` (original.place). CSL 1.0.2 has no variable for the
  original's container, so the venue ("e-Forum “Giron-Hyakushutsu”") travels as the
  original's publisher: it is what a reader needs to find the original.
- the librarian's ``notes`` are not part of a citation (CSL ``note`` is printed by some
  styles), so the view leaves them out unless the record's ``csl`` passthrough says
  ``note`` itself.

Everything in the record's ``csl`` mapping (variables we have no field for) is passed
through verbatim and wins over what we derive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .formats.base import TITLE_ENDS, join_title  # noqa: F401 (TITLE_ENDS: for importers)
from .formats.csljson import data_to_item

if TYPE_CHECKING:
    from .model import Record

FAMILY_FIRST_KEY = "x-order"


def _names(agents: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for agent, name in zip(agents, items):
        name = dict(name)
        if (agent.get("order") == "family-first" and "literal" not in name
                and "static-ordering" not in name):
            name[FAMILY_FIRST_KEY] = "family-first"
        out.append(name)
    return out


def data_to_csl(data: dict[str, Any]) -> dict[str, Any]:
    """Record data (``Record.to_data()`` or an index entry's data) -> the CSL view."""
    item = data_to_item(data)
    passthrough = data.get("csl") or {}
    if "title" not in passthrough:
        item["title"] = join_title(data["title"], data.get("subtitle"))
    for variable, ours in (("author", "authors"), ("translator", "translators"),
                           ("editor", "editors")):
        if data.get(ours) and variable not in passthrough:
            item[variable] = _names(data[ours], item[variable])
    original = data.get("original") or {}
    derived = {
        "original-title": original.get("title") or original.get("title_original_script"),
        "original-publisher": original.get("venue") or original.get("publisher"),
        "original-publisher-place": original.get("place"),
    }
    for variable, value in derived.items():
        if value and variable not in passthrough:
            item[variable] = value
    if "note" not in passthrough:
        item.pop("note", None)
    return item


def record_to_csl(record: Record | dict[str, Any]) -> dict[str, Any]:
    """The CSL-JSON item for one record (its id is the CSL id)."""
    data = record if isinstance(record, dict) else record.to_data()
    return data_to_csl(data)


def family_first_static(item: dict[str, Any]) -> dict[str, Any]:
    """The item with names marked family-first given CSL's static-ordering (for house
    styles, which print names as the record has them)."""
    out = dict(item)
    for variable, names in item.items():
        if isinstance(names, list) and any(isinstance(n, dict) and n.get(FAMILY_FIRST_KEY)
                                           for n in names):
            out[variable] = [dict(n, **{"static-ordering": True})
                             if isinstance(n, dict) and n.get(FAMILY_FIRST_KEY) else n
                             for n in names]
    return out
