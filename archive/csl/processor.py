"""Document-level CSL processing: sorting, cite positions, disambiguation, collapsing,
subsequent-author substitution and the bibliography."""

from __future__ import annotations

import re
from typing import Any

from . import collate
from .engine import (
    FIRST,
    IBID,
    IBID_WITH_LOCATOR,
    LOCATOR_ABBREVIATIONS,
    LOCATOR_LABEL,
    SUBSEQUENT,
    Ctx,
    Disamb,
    Engine,
    Text,
    _int,
)
from .items import DateValue, Name, normalize
from .output import FORMATTERS, Child, Node, plain, rich, serialize


def _key_text(text: str) -> str:
    """A sort key's text as citeproc-js compares it: each space a "|" (a symbol, so not
    ignored like punctuation, and before any letter or digit: "A Hansen" < "Ab"), and one
    after the end."""
    return text.replace(" ", "|") + "|"


class Document:
    """Items (CSL-JSON) rendered in one compiled style, as one document."""

    def __init__(self, engine: Engine, items: list[dict[str, Any]], fmt: str = "text"):
        self.engine = engine
        self.formatter = FORMATTERS[fmt]
        self.fmt = fmt
        self.raw = items
        self.items: dict[str, dict] = {}
        self.order: list[str] = []
        for it in items:
            key = str(it.get("id"))
            if key in self.items:
                continue
            self.items[key] = normalize(it)
            self.order.append(key)
        self.disamb: dict[str, Disamb] = {k: Disamb() for k in self.order}
        self.numbers: dict[str, int] = {}
        self.bibliography_ids: list[str] = []  # the items of the last bibliography, in order
        self._edit_state: dict | None = None  # process_citation_cluster's document
        self._cited: list[str] | None = None  # the items it cites

    # -- helpers
    def serialize(self, child: Child | None) -> str:
        e = self.engine
        return serialize(child, self.formatter, e.quotes, e.punct_in_quote)

    def _render_item(self, key: str, mode: str, cite: dict | None = None,
                     disamb: Disamb | None = None, skip_first_names: bool = False,
                     predecessor: bool = False, looking: bool = False) -> tuple[Child | None, Ctx]:
        e = self.engine
        layout = e.citation_layout if mode == "citation" else e.bibliography_layout
        item = self.items[key]
        c = dict(cite or {})
        c.setdefault("citation-number", self.numbers.get(key, ""))
        ctx = Ctx(e, item, mode, c, disamb if disamb is not None else self.disamb[key])
        ctx.skip_first_names = skip_first_names
        ctx.predecessor = predecessor
        ctx.looking = looking
        if layout is None:
            return None, ctx
        out = layout.render(ctx)
        return out, ctx

    # -- sorting
    def sort_keys(self, key: str, keys: list, mode: str) -> list:
        e = self.engine
        item = self.items[key]
        out = []
        for k in keys:
            ctx = Ctx(e, item, mode, {"citation-number": self.numbers.get(key, "")},
                      self.disamb[key])
            ctx.sorting = True
            if k.variable:
                v = k.variable
                value = e.variable_value(ctx, v)
                if isinstance(value, list):
                    ctx.sort_opts = k.opts or None
                    node, _ = e.render_name_list(ctx, v, value, dict(ctx.name_opts), None, None)
                    text = plain(node, quotes=False)
                    out.append((0, (1, collate.sort_key(_key_text(text)))) if text else (1, ()))
                elif isinstance(value, DateValue):
                    sk = value.sort_key()
                    out.append((0, (1, sk)) if sk else (1, ()))
                elif value in (None, ""):
                    out.append((1, ()))
                elif v == "citation-number" or (v in _NUMERIC_SORT and str(value).strip().isdigit()):
                    out.append((0, (0, int(str(value).strip()))))
                else:
                    text = plain(rich(str(value)))
                    out.append((0, (1, collate.sort_key(_key_text(text)))))
            else:
                macro = e.macro(k.macro)
                if macro is None:
                    out.append((1, ()))
                    continue
                ctx.sort_opts = k.opts or None
                node = macro.render(ctx)
                text = plain(node, quotes=False).strip()
                if not text:
                    out.append((1, ()))
                elif text.isdigit():
                    out.append((0, (0, int(text))))
                else:
                    out.append((0, (1, collate.sort_key(_key_text(text)))))
        return out

    def sorted_keys(self, keys: list[str], sort: list, mode: str) -> list[str]:
        if not sort or len(keys) < 2:
            return list(keys)
        decorated = []
        for idx, k in enumerate(keys):
            decorated.append((self.sort_keys(k, sort, mode), idx, k))
        import functools

        def cmp(a, b):
            for (ea, va), (eb, vb), key in zip(a[0], b[0], sort):
                if ea != eb:
                    return ea - eb  # empty values last, whatever the direction
                if va != vb:
                    r = -1 if va < vb else 1
                    return -r if key.descending else r
            return a[1] - b[1]

        decorated.sort(key=functools.cmp_to_key(cmp))
        return [d[2] for d in decorated]

    # -- registry: citation numbers and disambiguation
    def register(self, keys: list[str]) -> list[str]:
        """Number the items (first-citation order, or the bibliography's order when it
        sorts), and disambiguate them. Returns the bibliography order."""
        e = self.engine
        for k in keys:
            self.numbers.setdefault(k, len(self.numbers) + 1)
        bib_sort = e.bibliography_sort
        # citation numbers follow the bibliography's order, unless it sorts by them
        uses_number = any(k.variable == "citation-number" for k in bib_sort)
        if bib_sort and not uses_number:
            ordered = self.sorted_keys(keys, bib_sort, "bibliography")
            self.numbers = {k: i + 1 for i, k in enumerate(ordered)}
        elif bib_sort:
            ordered = self.sorted_keys(keys, bib_sort, "bibliography")
        else:
            ordered = sorted(keys, key=lambda k: self.numbers[k])
        self.disambiguate(keys, ordered)
        return ordered

    def _ambig_render(self, key: str, disamb: Disamb) -> tuple[str, Ctx]:
        """The cite as disambiguation compares it (citeproc-js): its subsequent form, with no
        locator and no formatting."""
        out, ctx = self._render_item(key, "citation", {"position": SUBSEQUENT, "near-note": True},
                                     disamb, looking=True)
        return plain(out), ctx

    def disambiguate(self, keys: list[str], bib_order: list[str]) -> None:
        e = self.engine
        if e.citation_layout is None:
            return
        attrs = e.citation_attrs
        add_names = attrs.get("disambiguate-add-names") == "true"
        add_given = attrs.get("disambiguate-add-givenname") == "true"
        add_suffix = attrs.get("disambiguate-add-year-suffix") == "true"
        rule = attrs.get("givenname-disambiguation-rule", "by-cite")
        for k in keys:
            self.disamb[k] = Disamb()
        if add_given and rule != "by-cite" and self._names_may_clash(keys):
            self._global_given(keys, rule)
        if len(set(keys)) < 2:
            return  # one item: nothing to tell it from
        modes = []
        if add_names or (add_given and rule == "by-cite"):
            modes.append("names")
        if add_suffix:
            modes.append("years")
        if self._has_disambiguate_condition():
            modes.append("condition")
        if not modes:
            return
        # cites that read the same are grouped by their text: one rendering each
        by: dict[str, list[str]] = {}
        namesets: dict[str, list[tuple[str, int, int]]] = {}
        for k in keys:
            # cites are grouped by their form before any given name is expanded (citeproc-js)
            text, ctx = self._ambig_render(k, Disamb())
            namesets[k] = ctx.namesets
            by.setdefault(text, []).append(k)
        bib_pos = {k: i for i, k in enumerate(bib_order)}
        for group in by.values():
            group = list(dict.fromkeys(group))
            if len(group) > 1:
                _GroupDisambiguator(self, group, modes, namesets, bib_pos,
                                    add_names, add_given and rule == "by-cite").run()

    def _has_disambiguate_condition(self) -> bool:
        """Does the citation layout test disambiguate="true" anywhere (scanned once)?"""
        found = getattr(self.engine, "_has_disamb", None)
        return self._scan_disamb() if found is None else found

    def _scan_disamb(self) -> bool:
        found = self._citation_tests("disambiguate")
        self.engine._has_disamb = found
        return found

    def _citation_tests(self, attr: str) -> bool:
        """Does the citation layout (its macros and substitutes included) test `attr`
        ("disambiguate", "position") in a condition anywhere? Scanned once per style."""
        from .engine import If

        cache = self.engine.__dict__.setdefault("_condition_scan", {})
        if attr in cache:
            return cache[attr]
        e = self.engine
        seen: set[int] = set()
        stack = [e.citation_layout]
        found = False
        while stack and not found:
            el = stack.pop()
            if el is None or id(el) in seen:
                continue
            seen.add(id(el))
            if isinstance(el, If) and any(a == attr for a, _ in el.conds):
                found = True
            stack.extend(getattr(el, "children", None) or [])
            macro = getattr(el, "macro", None)
            if isinstance(macro, str):
                stack.append(e.macro(macro))
            stack.append(getattr(el, "substitute", None))
        cache[attr] = found
        return found

    def _cited_names(self, key: str) -> list[tuple[str, list[Name]]]:
        """The name lists a cite of the item or a bibliography sort key prints (a translator
        shown nowhere there makes no name ambiguous, as in citeproc-js)."""
        e = self.engine
        _, ctx = self._render_item(key, "citation", {"position": FIRST}, self.disamb[key])
        shown = set(ctx.rendered_vars)
        for k in e.bibliography_sort or []:
            if k.variable:
                shown.add(k.variable)
            elif e.macro(k.macro) is not None:
                sctx = Ctx(e, self.items[key], "bibliography", {}, self.disamb[key])
                sctx.sorting = True
                sctx.sort_opts = k.opts or None
                e.macro(k.macro).render(sctx)
                shown.update(sctx.rendered_vars)
        if "editortranslator" in shown:
            shown |= {"editor", "translator"}
        return [(v, n) for v, n in self._names_of(key) if v in shown]

    def _names_of(self, key: str) -> list[tuple[str, list[Name]]]:
        item = self.items[key]
        return [(v, n) for v, n in item.items() if isinstance(n, list) and n and isinstance(n[0], Name)]

    def _names_may_clash(self, keys: list[str]) -> bool:
        """Could two different people among the items' names share a short form? Always,
        for several items; for one item, only when a family name repeats in it."""
        if len(set(keys)) > 1:
            return True
        shorts: set[str] = set()
        for _var, names in self._names_of(keys[0]) if keys else ():
            for n in names:
                if n.literal:
                    continue
                short = (n.ndp + " " + n.family).strip()
                if short in shorts:
                    return True
                shorts.add(short)
        return False

    def _global_given(self, keys: list[str], rule: str) -> None:
        """all-names / primary-name rules: a name whose short form is shared by different
        people shows its initials when they tell it from the others, else (not with the
        *-with-initials rules) its full given name; the same person written two ways
        (J.J. and J. J.) is one person."""
        e = self.engine
        primary = rule.startswith("primary")
        with_initials = rule.endswith("with-initials")
        forms: dict[str, tuple[str, str]] = {}

        def person(n: Name) -> tuple[str, str]:
            got = forms.get(n.given)
            if got is None:
                full = e._initialize(n.given, ". ", False) if n.given else ""
                initials = e._initialize(n.given, ".", True) if n.given else ""
                got = forms[n.given] = (full + "|" + n.dp + "|" + n.suffix, initials)
            return got

        people: dict[str, dict[str, set]] = {}  # short form -> initials -> full forms
        cited = {k: self._cited_names(k) for k in keys}
        for k in keys:
            for _var, names in cited[k]:
                for n in names[:1] if primary else names:
                    if n.literal:
                        continue
                    short = (n.ndp + " " + n.family).strip()
                    full, initials = person(n)
                    people.setdefault(short, {}).setdefault(initials, set()).add(full)
        for k in keys:
            for var, names in cited[k]:
                for i, n in enumerate(names[:1] if primary else names):
                    if n.literal:
                        continue
                    short = (n.ndp + " " + n.family).strip()
                    by_initials = people.get(short) or {}
                    if sum(len(v) for v in by_initials.values()) < 2:
                        continue
                    full, initials = person(n)
                    if len(by_initials.get(initials, ())) == 1:
                        self.disamb[k].given_levels[(var, i)] = 1
                    elif not with_initials:
                        self.disamb[k].given_levels[(var, i)] = 2
                    elif len(by_initials) > 1:
                        # initials tell some of these people apart: all show them
                        self.disamb[k].given_levels[(var, i)] = 1

    # -- a document edited citation by citation (citeproc-js's processCitationCluster)
    def process_citation_cluster(self, citation: dict, pre: list, post: list) -> list[tuple]:
        """Insert or replace one citation among the document's citations (pre and post list
        [citationID, noteIndex] of those before and after it) and return (index, text,
        citationID) for each citation to (re)print: the edited one, and those whose cite
        positions, back-reference notes, disambiguation or numbers the edit changed."""
        st = self._edit_state
        if st is None:
            st = self._edit_state = {"clusters": {}, "positions": {}, "texts": {}, "sig": {},
                                     "numbers": {}, "counts": {}}
        cid = str(citation.get("citationID"))
        props = citation.get("properties") or {}
        cites = []
        for c in citation.get("citationItems") or []:
            c = dict(c)
            c["id"] = str(c.get("id"))
            cites.append(c)
        st["clusters"][cid] = cites
        notes = {str(p[0]): int(p[1] or 0) for p in list(pre) + list(post)}
        notes[cid] = int(props.get("noteIndex") or 0)
        order = [str(p[0]) for p in pre] + [cid] + [str(p[0]) for p in post]
        order = [c for c in order if c in st["clusters"]]
        for gone in set(st["clusters"]) - set(order):
            del st["clusters"][gone]
        cited: list[str] = []
        counts: dict[str, int] = {}
        for c in order:
            seen_here = set()
            for cite in st["clusters"][c]:
                k = cite["id"]
                if k not in self.items:
                    continue
                if k not in cited:
                    cited.append(k)
                if k not in seen_here:
                    counts[k] = counts.get(k, 0) + 1
                    seen_here.add(k)
        self._cited = cited
        self.numbers = {}
        self.register(cited)
        prepared = self.prepare_clusters([st["clusters"][c] for c in order],
                                         [notes[c] for c in order])
        texts = [self.render_cluster(p) for p in prepared]
        tainted = {cid}
        items_tainted: set[str] = set()
        positions = {}
        for c, cl in zip(order, prepared):
            now = [(x["id"], x.get("position"), x.get("first-reference-note-number"),
                    bool(x.get("near-note"))) for x in cl]
            positions[c] = now
            before = st["positions"].get(c)
            if before is None:
                continue
            if before != now:
                tainted.add(c)
            if len(before) == len(now):
                for a, b in zip(before, now):
                    if a[0] == b[0] and a[2] != b[2]:
                        items_tainted.add(b[0])
        note_condition = self.engine.is_note and self._has_disambiguate_condition()
        sig = {}
        for k in cited:
            d = self.disamb[k]
            sig[k] = (tuple(sorted(d.names.items())), tuple(sorted(d.given_levels.items())),
                      d.year_suffix, d.condition)
            if k in st["sig"] and st["sig"][k] != sig[k]:
                items_tainted.add(k)
            if self.engine.uses_citation_number and k in st["numbers"] \
                    and st["numbers"][k] != self.numbers.get(k):
                items_tainted.add(k)
            if note_condition and (st["counts"].get(k, 0) < 2) != (counts.get(k, 0) < 2) \
                    and k in st["counts"]:
                items_tainted.add(k)
        out = []
        for i, (c, text) in enumerate(zip(order, texts)):
            if c not in tainted and (st["texts"].get(c) != text
                                     or any(x["id"] in items_tainted for x in st["clusters"][c])):
                tainted.add(c)
            if c in tainted:
                out.append((i, text, c))
        st["positions"] = positions
        st["texts"] = dict(zip(order, texts))
        st["sig"] = sig
        st["numbers"] = {k: self.numbers.get(k) for k in cited}
        st["counts"] = counts
        return out

    # -- the bibliography
    def bibliography(self, keys: list[str] | None = None) -> list[str]:
        e = self.engine
        if keys is None:
            keys = self._cited if self._cited is not None else self.order
        ordered = self.register(keys)
        attrs = e.bibliography_attrs
        sas = attrs.get("subsequent-author-substitute")
        sas_rule = attrs.get("subsequent-author-substitute-rule", "complete-all")
        second_field = attrs.get("second-field-align")
        out = []
        prev_names: str | None = None
        self.bibliography_ids = []
        for k in ordered:
            node, ctx = self._render_item(k, "bibliography")
            if node is None or (isinstance(node, Node) and node.is_empty()):
                # an item the style renders as nothing gets no entry (citeproc-js), except
                # in a style whose citations print citation-number, where its number does
                if self._numeric_citations():
                    out.append(self.serialize(Node(["%d. [CSL STYLE ERROR: reference with no "
                                                    "printed form.]" % (len(out) + 1)])))
                    self.bibliography_ids.append(k)
                continue
            if sas is not None and ctx.first_names is not None:
                names_text = plain(ctx.first_names)
                if prev_names is not None and names_text == prev_names and sas_rule in ("complete-all", "complete-each", "partial-each", "partial-first"):
                    node = self._substitute_author(node, ctx.first_names, sas)
                prev_names = names_text
            elif sas is not None:
                prev_names = None
            layout = e.bibliography_layout
            if second_field and isinstance(node, Node) and node.children:
                kids = node.children
                first, rest = kids[0], kids[1:]
                # the layout's affixes go inside the blocks, as citeproc-js writes them
                if layout.prefix:
                    first = Node([first], prefix=layout.prefix)
                rest_node = Node(rest, suffix=layout.suffix, fmt=layout.fmt)
                wrapped = Node([Node([first], display="left-margin"),
                                Node([rest_node], display="right-inline")])
            elif layout.suffix and _last_display(node) is not None:
                # the layout's suffix goes inside a closing display block (citeproc-js)
                block = _last_display(node)
                block.children = [Node(block.children, suffix=layout.suffix)]
                wrapped = Node([node], prefix=layout.prefix, fmt=layout.fmt)
            elif layout.prefix or layout.suffix or layout.fmt:
                wrapped = Node([node], prefix=layout.prefix, suffix=layout.suffix, fmt=layout.fmt)
            else:
                wrapped = node
            out.append(self.serialize(wrapped).strip() if self.fmt != "html" else self.serialize(wrapped))
            self.bibliography_ids.append(k)
        return out

    def _numeric_citations(self) -> bool:
        """Do the citations print citation-number with cs:text (citeproc-js's numeric
        update mode)?"""
        got = getattr(self, "_numeric", None)
        if got is None:
            e = self.engine
            seen: set[int] = set()

            def walk(el) -> bool:
                if id(el) in seen:
                    return False
                seen.add(id(el))
                if isinstance(el, Text):
                    if el.variable == "citation-number":
                        return True
                    if el.macro:
                        m = e.macro(el.macro)
                        return m is not None and walk(m)
                return any(walk(c) for c in getattr(el, "children", None) or [])

            got = self._numeric = bool(e.citation_layout) and walk(e.citation_layout)
        return got

    def _substitute_author(self, node: Child, target: Child, text: str) -> Child:
        def walk(n):
            if isinstance(n, Node):
                for i, c in enumerate(n.children):
                    if c is target:
                        n.children[i] = text if text else ""
                        return True
                    if walk(c):
                        return True
            return False

        walk(node)
        return node

    # -- citations
    def citations(self, clusters: list[list[dict]], note_indexes: list[int] | None = None) -> list[str]:
        cited: list[str] = []
        for cl in clusters:
            for c in cl:
                k = str(c.get("id"))
                if k in self.items and k not in cited:
                    cited.append(k)
        self.register(cited)
        prepared = self.prepare_clusters(clusters, note_indexes, given_positions=True)
        return [self.render_cluster(cites) for cites in prepared]

    def prepare_clusters(self, clusters: list[list[dict]], note_indexes: list[int] | None = None,
                         given_positions: bool = False) -> list[list[dict]]:
        """Each cluster's cites, in the citation's sort order, with their positions (with
        given_positions, a cite's own "position", "near-note" or "first-reference-note-number"
        wins, as with citeproc-js's makeCitationCluster)."""
        e = self.engine
        out: list[list[dict]] = []
        notes: list[int] = []
        for ci, cl in enumerate(clusters):
            note = note_indexes[ci] if note_indexes and ci < len(note_indexes) else ci + 1
            cites = []
            for c in cl:
                k = str(c.get("id"))
                if k not in self.items:
                    continue
                cite = dict(c)
                cite["id"] = k
                self._parse_locator(cite)
                cites.append(cite)
            if e.citation_sort and len(cites) > 1:
                order = self.sorted_keys([c["id"] for c in cites], e.citation_sort, "citation")
                pos_of: dict[str, list] = {}
                for c in cites:
                    pos_of.setdefault(c["id"], []).append(c)
                cites = [pos_of[k].pop(0) for k in order]
            out.append(cites)
            notes.append(int(note or 0))
        given = []
        if given_positions:
            for cites in out:
                given.append([{f: c[f] for f in _POSITION_FIELDS if f in c} for c in cites])
        self._set_positions(out, notes)
        for cites, fixed in zip(out, given):
            for c, f in zip(cites, fixed):
                if "position" in f and f["position"] in (FIRST, SUBSEQUENT, IBID, IBID_WITH_LOCATOR):
                    c["position"] = f["position"]
                if "near-note" in f:
                    c["near-note"] = bool(f["near-note"])
                if f.get("first-reference-note-number"):
                    c["first-reference-note-number"] = f["first-reference-note-number"]
        return out

    def _parse_locator(self, cite: dict) -> None:
        """A locator written with its label first ("vol. 1") takes that label, as citeproc-js
        does; spaces around a locator are dropped."""
        loc = cite.get("locator")
        if loc is None or loc == "":
            return
        loc = str(loc).strip()
        item = self.items.get(cite["id"]) or {}
        if item.get("type") not in ("bill", "gazette", "legislation", "regulation", "treaty"):
            m = LOCATOR_LABEL.match(loc)
            if m:
                label = LOCATOR_ABBREVIATIONS.get(m.group(1))
                if label and self.engine.locale.has_term(label):
                    cite["label"] = label
                    loc = m.group(2)
        cite["locator"] = loc

    def _set_positions(self, clusters: list[list[dict]], notes: list[int]) -> None:
        """Cite positions, as citeproc-js evaluates them: citations in the text (note 0) and
        citations in notes are two separate streams. Within a stream a cite is ibid when the
        cite just before it (in its citation, or the previous citation when that is the only
        cite of the previous or the same note) is the same item; the locators decide between
        ibid, ibid-with-locator and subsequent."""
        attr = self.engine.citation_attrs.get("near-note-distance")
        near = _int(attr) if attr is not None and str(attr).strip().isdigit() else 5
        for in_text in (True, False):
            stream = [(cl, n) for cl, n in zip(clusters, notes) if (n == 0) == in_text]
            first_ref: dict[str, int] = {}
            last_ref: dict[str, int] = {}
            in_note: dict[int, int] = {}
            for j, (cites, note) in enumerate(stream):
                if j > 0 and note and stream[j - 1][1] > note:
                    first_ref, last_ref, in_note = {}, {}, {}
                in_note[note] = in_note.get(note, 0) + len(cites)
                prev_cites, prev_note = stream[j - 1] if j > 0 else (None, None)
                for k, cite in enumerate(cites):
                    key = cite["id"]
                    for f in _POSITION_FIELDS:
                        cite.pop(f, None)
                    if key not in last_ref:
                        first_ref[key] = note
                        last_ref[key] = note
                        cite["position"] = FIRST
                        continue
                    ibid = False
                    before = None
                    if k == 0 and prev_cites is not None and prev_note != note:
                        if (prev_cites and prev_cites[0]["id"] == key and prev_note >= note - 1
                                and (in_note.get(prev_note) == 1 or prev_note == 0)):
                            ibid = True
                            before = prev_cites[0]
                    elif k > 0:
                        if cites[k - 1]["id"] == key:
                            ibid = True
                            before = cites[k - 1]
                    elif prev_cites and prev_note == note and prev_cites[-1]["id"] == key:
                        ibid = True
                        before = prev_cites[0]
                    pos = SUBSEQUENT
                    if ibid:
                        prev_loc = _locator_key(before)
                        this_loc = _locator_key(cite)
                        if not prev_loc and not this_loc:
                            pos = IBID
                        elif not prev_loc:
                            pos = IBID_WITH_LOCATOR
                        elif not this_loc:
                            pos = SUBSEQUENT
                        elif prev_loc == this_loc:
                            pos = IBID
                        else:
                            pos = IBID_WITH_LOCATOR
                    cite["position"] = pos
                    if key not in first_ref:
                        first_ref[key] = note
                    if first_ref[key] != note:
                        cite["first-reference-note-number"] = first_ref[key]
                    if note:
                        if note - last_ref[key] <= near:
                            cite["near-note"] = True
                    else:
                        cite["near-note"] = True
                    last_ref[key] = note

    def render_cluster(self, cites: list[dict]) -> str:
        e = self.engine
        layout = e.citation_layout
        if layout is None or not cites:
            return ""
        attrs = e.citation_attrs
        collapse = attrs.get("collapse")
        delim = layout.delimiter
        group_delim = attrs.get("cite-group-delimiter", ", ")
        after_collapse = attrs.get("after-collapse-delimiter", delim)
        rendered = []
        for i, c in enumerate(cites):
            node, ctx = self._render_item(c["id"], "citation", c,
                                          predecessor=_predecessor(i, c.get("prefix")))
            if node is None and not c.get("suppress-author") and not c.get("author-only"):
                node = Node(["[CSL STYLE ERROR: reference with no printed form.]"])
            if node is not None:
                node = self._cite_affixes(node, c)
            rendered.append((c, node, ctx))
        pieces: list[Child] = []
        if collapse == "citation-number":
            pieces = self._collapse_numbers(rendered, delim, after_collapse)
        elif collapse in ("year", "year-suffix", "year-suffix-ranged") or "cite-group-delimiter" in attrs:
            pieces = self._collapse_names(rendered, collapse, delim, group_delim, after_collapse)
        else:
            joined: list[Child] = []
            prev = None
            for c, node, _ in rendered:
                if node is None:
                    continue
                if joined:
                    joined.append(_splice(delim, prev, c))
                joined.append(node)
                prev = c
            pieces = joined
        if not pieces:
            return ""
        # the layout's formatting takes in its affixes, in citations (citeproc-js)
        body = Node(pieces, prefix=layout.prefix, suffix=layout.suffix)
        if layout.fmt:
            body = Node([body], fmt=layout.fmt)
        return self.serialize(body)

    def _cite_affixes(self, node: Child, cite: dict) -> Child:
        pre = cite.get("prefix") or ""
        suf = cite.get("suffix") or ""
        if not pre and not suf:
            return node
        kids: list[Child] = []
        if pre:
            kids.append(rich(pre))
            if not pre.endswith(" ") and pre[-1:].isalnum():
                kids.append(" ")
        kids.append(node)
        if suf:
            if suf[:1].isalnum():
                kids.append(" ")
            kids.append(rich(suf))
        return Node(kids)

    def _collapse_numbers(self, rendered, delim, after_collapse) -> list[Child]:
        out: list[Child] = []
        run: list = []

        def flush():
            if not run:
                return
            if len(run) >= 3:
                seg: Child = Node([run[0][1], "\u2013", run[-1][1]])
                items = [seg]
            else:
                items = [r[1] for r in run]
            for it in items:
                if out:
                    out.append(delim)
                out.append(it)
            run.clear()

        for c, node, _ctx in rendered:
            if node is None:
                continue
            num = self.numbers.get(c["id"])
            plainable = not c.get("locator") and not c.get("prefix") and not c.get("suffix")
            if run and plainable and num == run[-1][0] + 1:
                run.append((num, node))
                continue
            flush()
            if plainable:
                run.append((num, node))
            else:
                if out:
                    out.append(delim)
                out.append(node)
        flush()
        return out

    def _collapse_names(self, rendered, collapse, delim, group_delim, after_collapse) -> list[Child]:
        """Cites by the same names in a row print their names once (citeproc-js): later ones
        print the rest of the cite, and with year-suffix collapsing a cite of the same year
        prints its suffix only (ranges of three or more with year-suffix-ranged)."""
        e = self.engine
        attrs = e.citation_attrs
        acd = attrs.get("after-collapse-delimiter")
        cgd = attrs.get("cite-group-delimiter")
        ysd = attrs.get("year-suffix-delimiter")
        in_text = not e.is_note
        rendered = [r for r in rendered if r[1] is not None]
        if e.citation_sort and ((in_text and collapse) or (cgd and not self._uses_position())):
            # grouped sort: cites by the same names come together, where the first of them is
            order: dict = {}
            for r in rendered:
                key = plain(r[2].first_names) if r[2].first_names is not None else id(r)
                order.setdefault(key, []).append(r)
            rendered = [r for rs in order.values() for r in rs]
        # each entry: [delimiter before, node, suffix letter or None (a suffix-only cite)]
        entries: list[list] = []
        prev_names = None
        prev_year = None
        prev_cite = None
        last_collapsed = False
        for c, node, ctx in rendered:
            # a cite that prints no names counts as by the same (no) names (citeproc-js)
            names = plain(ctx.first_names) if ctx.first_names is not None else ""
            same = names == prev_names
            year = self._year_of(c["id"])
            suffix_only = None
            if same and collapse:  # cite-group-delimiter alone groups, but keeps the names
                short, _ = self._render_item(c["id"], "citation", c, skip_first_names=True,
                                             predecessor=True)
                node = self._cite_affixes(short, c) if short is not None else None
                sfx = self.disamb[c["id"]].year_suffix
                if (collapse in ("year-suffix", "year-suffix-ranged") and year == prev_year and sfx
                        and not c.get("locator") and not (prev_cite or {}).get("locator")):
                    suffix_only = sfx
            if not entries:
                d = ""
            elif suffix_only is not None:
                d = cgd if cgd is not None else (ysd if ysd is not None else delim)
            elif acd is not None:
                if (prev_cite or {}).get("locator") or (
                        not same and (last_collapsed or collapse != "year-suffix")):
                    d = acd
                else:
                    d = delim
            elif same and cgd is not None:
                d = cgd
            elif same and in_text:
                d = ", "
            else:
                d = delim
            if entries and prev_cite is not None:
                d = _splice(d, prev_cite, c)
            if node is not None or suffix_only is not None:
                entries.append([d, node, suffix_only, self.disamb[c["id"]].year_suffix])
            prev_names = names if names is not None else prev_names
            prev_year = year
            prev_cite = c
            last_collapsed = same
        if collapse == "year-suffix-ranged":
            entries = self._range_suffixes(entries)
        out: list[Child] = []
        for d, node, suffix_only, _ in entries:
            if out and d:
                out.append(d)
            out.append(suffix_only if suffix_only is not None else node)
        return out

    def _range_suffixes(self, entries: list[list]) -> list[list]:
        """Runs of three or more consecutive year-suffixes (the cite that prints the year,
        then suffix-only cites) become a range."""
        rng = self.engine.locale.term("citation-range-delimiter") or "\u2013"
        out: list[list] = []
        i = 0
        while i < len(entries):
            j = i
            while (j + 1 < len(entries) and entries[j + 1][2] is not None
                   and _suffix_index(entries[j + 1][3]) == _suffix_index(entries[j][3]) + 1
                   and entries[j][3]):
                j += 1
            if j - i >= 2:
                out.append(entries[i])
                out.append(["", None, rng + entries[j][3], entries[j][3]])
                i = j + 1
            else:
                out.append(entries[i])
                i += 1
        return out

    def _uses_position(self) -> bool:
        return self._citation_tests("position")

    def _year_of(self, key: str):
        d = self.items[key].get("issued")
        if isinstance(d, DateValue):
            return d.start[0]
        return None


class _Config:
    """A disambiguation setting shared by the cites of an ambiguous group while they are
    tried: names shown per name variable, given-name levels, the disambiguate condition."""

    __slots__ = ("names", "givens", "condition")

    def __init__(self, names=None, givens=None, condition=0):
        self.names: dict[str, int] = dict(names or {})
        self.givens: dict[tuple[str, int], int] = dict(givens or {})
        self.condition = condition

    def copy(self) -> "_Config":
        return _Config(self.names, self.givens, self.condition)


class _GroupDisambiguator:
    """Disambiguation of one group of cites that read the same, as citeproc-js does it.

    Modes are tried in turn: adding names and expanding given names ("names"), year-suffixes
    ("years"), the disambiguate condition ("condition"). In the names mode a trial setting
    moves forward one step at a time (a given name one level further, then one more name,
    then the next name variable); a step is kept only when it tells some cites apart, and a
    cite is settled with the kept steps as soon as it reads differently from the rest."""

    def __init__(self, doc: Document, group: list[str], modes: list[str],
                 namesets: dict[str, list], bib_pos: dict[str, int], add_names: bool,
                 by_cite_givens: bool):
        self.doc = doc
        self.modes = modes
        self.bib_pos = bib_pos
        self.add_names = add_names
        self.givens_max = 2 if by_cite_givens else None
        # fewest names first (citeproc-js: otherwise expansion can go on for ever)
        order = sorted(group, key=lambda k: (tuple(t for _, _, t in namesets.get(k) or []), k))
        first = order[0]
        sets = namesets.get(first) or []
        self.vars = [v for v, _, _ in sets]
        self.totals = {v: t for v, _, t in sets}
        self.names_max = sets[0][2] if sets else 0
        self.sets_max = len(sets) - 1
        start = _Config({v: shown for v, shown, _ in sets}, doc.disamb[first].given_levels)
        self.base = start
        self.better = start.copy()
        self.lists: list[list] = [[self.better, order]]
        self.mode = 0
        self.init_step = True
        self.set_i = 0
        self.name_i = 0
        self._cache: dict = {}

    # -- settings
    def _given(self, cfg: _Config, set_i: int, name_i: int) -> int | None:
        if not self.vars or set_i >= len(self.vars):
            return None
        var = self.vars[set_i]
        if name_i >= self.totals.get(var, 0):
            return None
        return cfg.givens.get((var, name_i), 0)

    def _disamb(self, key: str, cfg: _Config, suffix: str = "") -> Disamb:
        own = self.doc.disamb[key]
        d = Disamb()
        d.names = dict(cfg.names)
        d.given_levels = dict(own.given_levels)
        for k, level in cfg.givens.items():
            if level > d.given_levels.get(k, 0):
                d.given_levels[k] = level
        d.condition = cfg.condition
        d.year_suffix = suffix
        return d

    def _text(self, key: str, cfg: _Config) -> str:
        d = self._disamb(key, cfg)
        sig = (key, tuple(sorted(d.names.items())), tuple(sorted(d.given_levels.items())),
               d.condition)
        got = self._cache.get(sig)
        if got is None:
            got = self._cache[sig] = self.doc._ambig_render(key, d)
        return got[0]

    def _tests(self, key: str, cfg: _Config) -> tuple[int, int]:
        """(tests passed, disambiguate="true" tests met) when rendering with cfg."""
        d = self._disamb(key, cfg)
        _, ctx = self.doc._ambig_render(key, d)
        return ctx.disamb_used

    def register(self, key: str, cfg: _Config, suffix: str = "") -> None:
        self.doc.disamb[key] = self._disamb(key, cfg, suffix)

    # -- the run
    def run(self) -> None:
        while self.lists:
            self.set_i = self.name_i = 0
            self.clashes = [1, 0]
            while self.lists[0][1]:
                maxed = self.step()
                self.scan(self.lists[0][1])
                mode = self.modes[self.mode]
                getattr(self, "_" + mode)(maxed)
                if maxed:
                    if self.mode < len(self.modes) - 1:
                        self.mode += 1
                    elif len(self.lists) > 1:
                        self.lists[1] = [self.base, []]
            self.lists.pop(0)

    def scan(self, items: list[str]) -> None:
        ref = self._text(items[0], self.base)
        self.partners = [items[0]]
        self.others = []
        for o in items[1:]:
            (self.partners if self._text(o, self.base) == ref else self.others).append(o)
        self.clashes = [self.clashes[1], len(self.partners) - 1]

    def step(self) -> bool:
        """Move the trial setting one step on; True when it can go no further."""
        if self.init_step:
            self.init_step = False
            return False
        if self.modes[self.mode] != "names":
            return False
        base = self.base
        more_names = self.givens_max is None
        next_set = False
        level = self._given(base, self.set_i, self.name_i)
        if self.givens_max is not None:
            if level is not None and level < self.givens_max:
                base.givens[(self.vars[self.set_i], self.name_i)] = level + 1
            else:
                more_names = True
        if more_names and self.vars:
            if self.add_names and self.name_i < self.names_max:
                var = self.vars[self.set_i]
                base.names[var] = base.names.get(var, 0) + 1
                self.name_i += 1
            else:
                next_set = True
        if next_set and self.set_i < self.sets_max:
            self.set_i += 1
            base.names[self.vars[self.set_i]] = 1
            self.name_i = 0
        level = self._given(base, self.set_i, self.name_i)
        return ((self.sets_max == -1 or self.set_i == self.sets_max)
                and (not self.add_names or not self.vars or self.name_i == self.names_max)
                and (self.givens_max is None or level is None or level == self.givens_max))

    def capture(self) -> None:
        """Keep the step just taken."""
        if not self.vars:
            return
        var = self.vars[self.set_i]
        level = self._given(self.base, self.set_i, self.name_i)
        if level is not None:
            self.better.givens[(var, self.name_i)] = level
        if var in self.base.names:
            self.better.names[var] = self.base.names[var]

    def _names(self, maxed: bool) -> None:
        partners, others = self.partners, self.others
        before, clashes = self.clashes
        if clashes == 0 and len(others) == 1:
            self.capture()
            self.register(others[0], self.better)
            self.register(partners[0], self.better)
            self.lists[0] = [self.better, []]
        elif clashes == 0:
            self.capture()
            self.register(partners[0], self.better)
            # the next scans, with this same setting, would settle each leading cite that
            # reads unlike the rest in turn: settle them at once (no quadratic rescans)
            texts = [self._text(o, self.base) for o in others]
            left: dict[str, int] = {}
            for t in texts:
                left[t] = left.get(t, 0) + 1
            i = 0
            while len(others) - i > 1 and left[texts[i]] == 1:
                self.register(others[i], self.better)
                left[texts[i]] -= 1
                i += 1
            others = others[i:]
            self.lists[0] = [self.better, others]
            if others:
                self.init_step = True
        elif len(others) == 1:
            self.capture()
            self.register(others[0], self.better)
            self.lists[0] = [self.better, partners]
        elif clashes < before:
            self.capture()
            self.lists[0] = [self.better, partners]
            self.lists.append([self.better, others])
        elif maxed:
            self.lists[0] = [self.better, others]
            self.lists.append([self.better, partners])
            if self.mode == len(self.modes) - 1:
                for k in partners:
                    self.register(k, self.better)
                self.lists[0] = [self.better, []]

    def _years(self, maxed: bool) -> None:
        cfg = self.lists[0][0]
        items = self.lists[0][1]
        if self.clashes[1]:
            ordered = sorted(items, key=lambda k: self.bib_pos.get(k, 0))
            for i, k in enumerate(ordered):
                self.register(k, cfg, _suffix(i))
        self.lists[0] = [self.better, []]

    def _condition(self, maxed: bool) -> None:
        """The disambiguate condition, one more test met at a time, for the cites still
        alike; a cite is settled at the first count that tells it apart."""
        cfg = self.lists[0][0].copy()
        items = list(self.lists[0][1])
        level = 0
        while items:
            level += 1
            cfg.condition = level
            used = self._tests(items[0], cfg)
            texts = {k: self._text(k, cfg) for k in items}
            alike = [k for k in items if sum(1 for o in items if texts[o] == texts[k]) > 1]
            for k in items:
                if k not in alike:
                    self.register(k, cfg)
            items = alike
            if used < level:  # no further test to meet
                for k in items:
                    self.register(k, cfg)
                break
        self.lists[0] = [self.better, []]


_POSITION_FIELDS = ("position", "first-reference-note-number", "near-note")

_NUMERIC_SORT = {"volume", "issue", "number", "edition", "chapter-number", "collection-number",
                 "number-of-pages", "number-of-volumes", "citation-number", "page"}


def _predecessor(index: int, prefix: str | None) -> bool:
    """Whether something precedes a cite's first output: an earlier cite of the citation, or
    the cite's prefix, unless that prefix ends a sentence (citeproc-js)."""
    if not prefix:
        return index > 0
    test = re.sub(r"<[^>]+>", "", prefix)
    test = re.sub("[\"'\u201d\u2019\u00bb\u202f\u00a0 ]+$", "", test)
    return not (test[-1:] in (":", ".", ";", "!", "?") and " " in prefix.strip())


def _splice(delim: str, prev: dict | None, cite: dict) -> str:
    """The delimiter between two cites, less what their own affixes already give: after a
    suffix ending in ; . or , only its spaces; before a prefix starting with one, nothing."""
    if prev is None:
        return delim
    prev_suffix = prev.get("suffix") or ""
    prefix = cite.get("prefix") or ""
    starts = not prev_suffix and prefix[:1] in (";", ".", ",")
    if starts:
        return ""
    if prev_suffix[-1:] in (";", ".", ","):
        i = delim.find(" ")
        return delim[i:] if i >= 0 else ""
    return delim


def _suffix_index(s: str) -> int:
    """The position of a year-suffix in the sequence (-10 for anything else)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    if not s or any(ch not in letters for ch in s):
        return -10
    n = 0
    for ch in s:
        n = n * 26 + letters.index(ch) + 1
    return n - 1


def _locator_key(cite: dict | None) -> str:
    if not cite or not cite.get("locator"):
        return ""
    return str(cite.get("locator")) + str(cite.get("label") or "")


def _suffix(i: int) -> str:
    """a..z, aa..az, ba.. zz, aaa.. (citeproc-js's year-suffix sequence)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        out = letters[r] + out
    return out





def _last_display(node: Child) -> Node | None:
    """The display block an entry ends with, if it ends with one."""
    while isinstance(node, Node) and not node.suffix:
        if node.display:
            return node
        kids = [k for k in node.children if k != "" and not (isinstance(k, Node) and k.is_empty())]
        if not kids:
            return None
        node = kids[-1]
    return None
