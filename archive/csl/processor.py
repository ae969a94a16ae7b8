"""Document-level CSL processing: sorting, cite positions, disambiguation, collapsing,
subsequent-author substitution and the bibliography."""

from __future__ import annotations

from typing import Any

from . import collate
from .engine import FIRST, IBID, IBID_WITH_LOCATOR, SUBSEQUENT, Ctx, Disamb, Engine, _int
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
        self._sort_cache: dict = {}
        self.bibliography_ids: list[str] = []  # the items of the last bibliography, in order

    # -- helpers
    def serialize(self, child: Child | None) -> str:
        e = self.engine
        return serialize(child, self.formatter, e.quotes, e.punct_in_quote)

    def _render_item(self, key: str, mode: str, cite: dict | None = None,
                     disamb: Disamb | None = None, skip_first_names: bool = False) -> tuple[Child | None, Ctx]:
        e = self.engine
        layout = e.citation_layout if mode == "citation" else e.bibliography_layout
        item = self.items[key]
        c = dict(cite or {})
        c.setdefault("citation-number", self.numbers.get(key, ""))
        ctx = Ctx(e, item, mode, c, disamb if disamb is not None else self.disamb[key])
        ctx.skip_first_names = skip_first_names
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
        if not sort:
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

    def _cite_string(self, key: str, disamb: Disamb) -> str:
        out, _ = self._render_item(key, "citation", {"position": FIRST}, disamb)
        return plain(out)

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
        if add_given and rule != "by-cite":
            self._global_given(keys, rule)

        def groups() -> list[list[str]]:
            by: dict[str, list[str]] = {}
            for k in keys:
                by.setdefault(self._cite_string(k, self.disamb[k]), []).append(k)
            return [g for g in by.values() if len(g) > 1 and not self._same_item(g)]

        amb = groups()
        if not amb:
            return
        if add_names:
            for g in amb:
                self._add_names(g)
            amb = groups()
        if add_given and amb and rule in ("by-cite", "all-names", "all-names-with-initials",
                                          "primary-name", "primary-name-with-initials"):
            for g in amb:
                self._add_given(g, rule)
            amb = groups()
        if amb and self._has_disambiguate_condition():
            for g in amb:
                for k in g:
                    self.disamb[k].condition = True
            amb = groups()
        if add_suffix and amb:
            order = {k: i for i, k in enumerate(bib_order)}
            for g in amb:
                # year-suffixes follow the bibliography's order
                for i, k in enumerate(sorted(g, key=lambda k: order.get(k, 0))):
                    self.disamb[k].year_suffix = _suffix(i)

    def _same_item(self, group: list[str]) -> bool:
        return len(set(group)) <= 1

    def _has_disambiguate_condition(self) -> bool:
        return getattr(self.engine, "_has_disamb", None) if hasattr(self.engine, "_has_disamb") \
            else self._scan_disamb()

    def _scan_disamb(self) -> bool:
        from .engine import If
        e = self.engine
        found = False

        def walk(el, seen):
            nonlocal found
            if el is None or id(el) in seen or found:
                return
            seen.add(id(el))
            if isinstance(el, If) and any(a == "disambiguate" for a, _ in el.conds):
                found = True
                return
            for c in getattr(el, "children", []) or []:
                walk(c, seen)
            macro = getattr(el, "macro", None)
            if isinstance(macro, str):
                walk(e.macro(macro), seen)
            sub = getattr(el, "substitute", None)
            if sub is not None:
                walk(sub, seen)

        walk(e.citation_layout, set())
        e._has_disamb = found
        return found

    def _names_of(self, key: str) -> list[tuple[str, list[Name]]]:
        item = self.items[key]
        return [(v, n) for v, n in item.items() if isinstance(n, list) and n and isinstance(n[0], Name)]

    def _add_names(self, group: list[str]) -> None:
        max_names = 0
        for k in group:
            for _, names in self._names_of(k):
                max_names = max(max_names, len(names))
        pending = list(group)
        base = {k: self._cite_string(k, self.disamb[k]) for k in group}
        for extra in range(1, max_names + 1):
            if not pending:
                break
            for k in pending:
                self.disamb[k].add_names = extra
            strings = {k: self._cite_string(k, self.disamb[k]) for k in group}
            still = []
            for k in pending:
                if sum(1 for o in group if strings[o] == strings[k]) > 1:
                    still.append(k)
            pending = still
        for k in pending:
            # adding names did not tell these apart: keep the style's number of names
            if base[k] == self._cite_string(k, self.disamb[k]) or True:
                pass
        if pending and len(pending) == len(group):
            for k in group:
                self.disamb[k].add_names = 0

    def _add_given(self, group: list[str], rule: str) -> None:
        before = {k: self.disamb[k].copy() for k in group}
        self._add_given_levels(group, rule)
        strings = {k: self._cite_string(k, self.disamb[k]) for k in group}
        for k in group:
            if sum(1 for o in group if strings[o] == strings[k]) > 1:
                # expanding the names did not tell this cite apart: keep it as it was
                self.disamb[k] = before[k]

    def _add_given_levels(self, group: list[str], rule: str) -> None:
        for level in (1, 2):
            if level == 2 and rule.endswith("with-initials"):
                break
            strings = {k: self._cite_string(k, self.disamb[k]) for k in group}
            pending = [k for k in group if sum(1 for o in group if strings[o] == strings[k]) > 1]
            if not pending:
                return
            for k in pending:
                for var, names in self._names_of(k):
                    limit = 1 if rule.startswith("primary") else len(names)
                    for i in range(min(limit, len(names))):
                        self.disamb[k].given_levels[(var, i)] = level

    def _global_given(self, keys: list[str], rule: str) -> None:
        """all-names / primary-name rules: expand every name whose short form is shared
        by different people, in every cite."""
        people: dict[str, set] = {}
        for k in keys:
            for var, names in self._names_of(k):
                limit = 1 if rule.startswith("primary") else len(names)
                for n in names[:limit]:
                    if n.literal:
                        continue
                    short = (n.ndp + " " + n.family).strip()
                    people.setdefault(short, set()).add((n.given, n.dp, n.suffix))
        for k in keys:
            for var, names in self._names_of(k):
                limit = 1 if rule.startswith("primary") else len(names)
                for i, n in enumerate(names[:limit]):
                    short = (n.ndp + " " + n.family).strip()
                    others = people.get(short, set())
                    if len(others) > 1:
                        initials = {tuple(w[:1] for w in g.split()) for g, _, _ in others}
                        level = 1 if (len(initials) == len(others) or rule.endswith("with-initials")) else 2
                        self.disamb[k].given_levels[(var, i)] = level

    # -- the bibliography
    def bibliography(self, keys: list[str] | None = None) -> list[str]:
        e = self.engine
        if keys is None:
            keys = self.order
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
                continue  # an item the style renders as nothing gets no entry (citeproc-js)
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
            elif layout.prefix or layout.suffix or layout.fmt:
                wrapped = Node([node], prefix=layout.prefix, suffix=layout.suffix, fmt=layout.fmt)
            else:
                wrapped = node
            out.append(self.serialize(wrapped).strip() if self.fmt != "html" else self.serialize(wrapped))
            self.bibliography_ids.append(k)
        return out

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
        e = self.engine
        cited: list[str] = []
        for cl in clusters:
            for c in cl:
                k = str(c.get("id"))
                if k in self.items and k not in cited:
                    cited.append(k)
        self.register(cited)
        last_note: dict[str, int] = {}
        first_note: dict[str, int] = {}
        prev_cluster: list[dict] | None = None
        results = []
        near = _int(e.citation_attrs.get("near-note-distance")) or 5
        for ci, cl in enumerate(clusters):
            note = note_indexes[ci] if note_indexes and ci < len(note_indexes) else ci + 1
            cites = []
            prev_in_cluster: dict | None = None
            for c in cl:
                k = str(c.get("id"))
                if k not in self.items:
                    continue
                cite = dict(c)
                cite["id"] = k
                if k not in first_note:
                    pos = FIRST
                    first_note[k] = note
                else:
                    pos = SUBSEQUENT
                    prev = prev_in_cluster
                    if prev is None and prev_cluster is not None and len(prev_cluster) == 1:
                        prev = prev_cluster[0]
                    if prev is not None and str(prev.get("id")) == k:
                        if not prev.get("locator") and not cite.get("locator"):
                            pos = IBID
                        elif prev.get("locator") and not cite.get("locator"):
                            pos = SUBSEQUENT
                        elif prev.get("locator") == cite.get("locator") and prev.get("label") == cite.get("label"):
                            pos = IBID
                        else:
                            pos = IBID_WITH_LOCATOR
                    cite["first-reference-note-number"] = first_note[k]
                    if k in last_note and note - last_note[k] <= near:
                        cite["near-note"] = True
                cite["position"] = pos
                cites.append(cite)
                prev_in_cluster = cite
            for cite in cites:
                last_note[cite["id"]] = note
            prev_cluster = [c for c in cl if str(c.get("id")) in self.items]
            results.append(self.render_cluster(cites))
        return results

    def render_cluster(self, cites: list[dict]) -> str:
        e = self.engine
        layout = e.citation_layout
        if layout is None or not cites:
            return ""
        if e.citation_sort:
            keys = [c["id"] for c in cites]
            order = self.sorted_keys(keys, e.citation_sort, "citation")
            pos_of = {}
            for c in cites:
                pos_of.setdefault(c["id"], []).append(c)
            cites = [pos_of[k].pop(0) for k in order]
        attrs = e.citation_attrs
        collapse = attrs.get("collapse")
        delim = layout.delimiter
        group_delim = attrs.get("cite-group-delimiter", ", ")
        after_collapse = attrs.get("after-collapse-delimiter", delim)
        rendered = []
        for c in cites:
            node, ctx = self._render_item(c["id"], "citation", c)
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
            for i, (_, node, _) in enumerate(rendered):
                if node is None:
                    continue
                if joined:
                    joined.append(delim)
                joined.append(node)
            pieces = joined
        if not pieces:
            return ""
        body = Node(pieces, prefix=layout.prefix, suffix=layout.suffix, fmt=layout.fmt)
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

        for c, node, ctx in rendered:
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
        # group cites by their first names element, keeping first appearance order
        groups: list[list] = []
        index: dict[str, int] = {}
        for c, node, ctx in rendered:
            if node is None:
                continue
            key = plain(ctx.first_names) if ctx.first_names is not None else None
            if key and key in index:
                groups[index[key]].append((c, node, ctx))
            else:
                if key:
                    index[key] = len(groups)
                groups.append([(c, node, ctx)])
        out: list[Child] = []
        for gi, g in enumerate(groups):
            parts: list[Child] = []
            if len(g) == 1 or collapse is None and False:
                parts = [g[0][1]]
            else:
                parts.append(g[0][1])
                prev_year = self._year_of(g[0][0]["id"])
                for c, node, ctx in g[1:]:
                    if collapse is None:
                        # cite-group-delimiter alone groups the cites, each keeps its names
                        parts.append(node)
                        continue
                    short, _ = self._render_item(c["id"], "citation", c, skip_first_names=True)
                    if short is not None:
                        short = self._cite_affixes(short, c)
                    year = self._year_of(c["id"])
                    if collapse in ("year-suffix", "year-suffix-ranged") and year == prev_year \
                            and self.disamb[c["id"]].year_suffix and not c.get("locator"):
                        parts.append(("SUFFIX", self.disamb[c["id"]].year_suffix, short))
                    else:
                        parts.append(short)
                    prev_year = year
            # join
            joined: list[Child] = []
            suffixes_run: list = []
            for p in parts:
                if isinstance(p, tuple):
                    suffixes_run.append(p)
                    continue
                if suffixes_run:
                    joined.extend(self._suffix_run(suffixes_run, collapse))
                    suffixes_run = []
                if joined:
                    joined.append(group_delim)
                joined.append(p)
            if suffixes_run:
                joined.extend(self._suffix_run(suffixes_run, collapse))
            if out:
                out.append(after_collapse if len(groups[gi - 1]) > 1 and collapse else delim)
            out.append(Node([j for j in joined if j is not None]))
        return out

    def _suffix_run(self, run: list, collapse: str) -> list[Child]:
        out: list[Child] = []
        if collapse == "year-suffix-ranged" and len(run) >= 2:
            # consecutive suffix letters collapse to a–c
            letters = [r[1] for r in run]
            seq = [letters[0]]
            groups = []
            for a, b in zip(letters, letters[1:]):
                if len(a) == 1 and len(b) == 1 and ord(b) == ord(a) + 1:
                    seq.append(b)
                else:
                    groups.append(seq)
                    seq = [b]
            groups.append(seq)
            for gseq in groups:
                out.append(",")
                out.append(gseq[0] if len(gseq) < 3 else gseq[0] + "\u2013" + gseq[-1])
                if len(gseq) == 2:
                    out.extend([",", gseq[1]])
            return out
        for r in run:
            out.append(",")
            out.append(r[1])
        return out

    def _year_of(self, key: str):
        d = self.items[key].get("issued")
        if isinstance(d, DateValue):
            return d.start[0]
        return None


_NUMERIC_SORT = {"volume", "issue", "number", "edition", "chapter-number", "collection-number",
                 "number-of-pages", "number-of-volumes", "citation-number", "page"}


def _suffix(i: int) -> str:
    """a..z, aa..az, ba.. (citeproc-js's year-suffix sequence)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    if i < 26:
        return letters[i]
    i -= 26
    return letters[i // 26] + letters[i % 26]
