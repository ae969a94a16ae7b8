"""The CSL rendering elements: a style compiled once into Python objects.

citeproc-py parses the style and sets up its locales (`citeproc.frontend`); this module
compiles that tree into element objects whose `render(ctx)` returns output nodes
(`archive.csl.output.Node`). Every behaviour that differs from citeproc-py's own element
classes is a correction listed in `archive.csl.corrections`, each with its test.
"""

from __future__ import annotations

import re
from typing import Any

from . import numbers as csl_numbers
from . import textcase
from .items import NUMBER_VARIABLES, DateValue, Name
from .locale import CSL, LocaleData
from .output import FORMAT_KEYS, Child, Node, cjk_only, leaves, map_text, rich

# Cite positions
FIRST, SUBSEQUENT, IBID, IBID_WITH_LOCATOR = 0, 1, 2, 3

NAME_OPTION_KEYS = (
    "and", "delimiter-precedes-et-al", "delimiter-precedes-last", "et-al-min",
    "et-al-use-first", "et-al-use-last", "et-al-subsequent-min", "et-al-subsequent-use-first",
    "initialize", "initialize-with", "name-as-sort-order", "sort-separator", "form",
    "name-form", "name-delimiter", "names-delimiter",
)
_FRENCH_SPACE = re.compile(r" ([:;!?])")
_AMPERSAND = re.compile(r"\s*&\s*")
_LOCATOR_JOINER = re.compile(r"(\s*&\s*|,\s+and\s+|\s+and\s+|;\s+|,\s+)")
_LABELLED = re.compile(r"([a-z]+\.)\s+(\S.*)", re.S)
_DIGIT_RANGE = re.compile(r"(?<=\w)\s*-\s*(?=\w)")
# the label abbreviations citeproc-js recognizes at the start of a locator's parts
LOCATOR_LABELS = {
    "add.": "addendum", "amend.": "amendment", "annot.": "annotation", "app.": "appendix",
    "art.": "article", "bibliog.": "bibliography", "bk.": "book", "ch.": "chapter",
    "cl.": "clause", "cmt.": "comment", "col.": "column", "dec.": "decision",
    "dept.": "department", "ex.": "example", "fig.": "figure", "fld.": "field",
    "fol.": "folio", "hypo.": "hypothetical", "illus.": "illustration",
    "intro.": "introduction", "l.": "line", "n.": "note", "no.": "issue", "op.": "opus",
    "p.": "page", "para.": "paragraph", "pmbl.": "preamble", "pp.": "page",
    "princ.": "principle", "pt.": "part", "pub.": "publication", "r.": "rule",
    "rn.": "randnummer", "sched.": "schedule", "sec.": "section", "subch.": "subchapter",
    "subdiv.": "subdivision", "subpara.": "subparagraph", "subsec.": "subsection",
    "supp.": "supplement", "sv.": "sub-verbo", "tbl.": "table", "tit.": "title",
    "vol.": "volume", "vrs.": "verse",
}
# a number variable may start with its own label, which is not part of the value
_OWN_LABEL = {var: re.compile("(?:%s)\\s+(?=\\S)" % "|".join(
    re.escape(a) for a, t in LOCATOR_LABELS.items() if t == var))
    for var in ("volume", "issue", "section")}
NO_RICH = {"URL", "DOI", "PMID", "PMCID", "ISBN", "ISSN"}
SHORT_FORMS = {"title": "title-short", "container-title": "container-title-short"}


LOCATOR_ABBREVIATIONS = {
    "vrs": "verse", "sv": "sub-verbo", "op": "opus", "app": "appendix", "art": "article",
    "bk": "book", "ch": "chapter", "col": "column", "fig": "figure", "fol": "folio",
    "n": "note", "l": "line", "no": "issue", "p": "page", "pp": "page", "para": "paragraph",
    "pt": "part", "r": "rule", "sec": "section", "supp": "supplement", "tbl": "table",
    "tit": "title", "vol": "volume",
}
# a locator may name its own label ("vol. 1"), or more than one ("1, fol. 186")
LOCATOR_LABEL = re.compile(r"^(%s)\.\s+(.*)$" % "|".join(sorted(LOCATOR_ABBREVIATIONS, key=len, reverse=True)), re.S)

_EMBEDDED_LABEL = re.compile(r",\s*(?:%s)\.\s" % "|".join(sorted(LOCATOR_ABBREVIATIONS, key=len, reverse=True)))


class Ctx:
    """What one rendering needs: the item, the cite, the mode and the disambiguation state."""

    __slots__ = ("item", "cite", "mode", "engine", "name_opts", "disamb", "sorting", "sort_opts",
                 "suppressed", "called", "rendered", "year_suffix_done",
                 "names_seen", "first_names", "skip_first_names",
                 "in_substitute", "rendered_vars", "subst_parent", "predecessor", "namesets",
                 "disamb_used", "looking", "name_list")

    def __init__(self, engine: "Engine", item: dict, mode: str, cite: dict | None = None,
                 disamb: "Disamb | None" = None):
        self.item = item
        self.cite = cite or {}
        self.mode = mode
        self.engine = engine
        self.name_opts = engine.citation_name_opts if mode == "citation" else engine.bibliography_name_opts
        self.disamb = disamb or Disamb()
        self.sorting = False
        self.sort_opts: dict | None = None
        self.suppressed: set[str] = set()
        self.called = 0
        self.rendered = 0
        self.year_suffix_done = False
        self.names_seen = 0
        self.first_names: Child | None = None  # output of the first names element
        self.skip_first_names = False
        self.in_substitute = False
        self.rendered_vars: list[str] = []
        self.name_list: Child | None = None  # the names (without label) a cs:names rendered last
        self.subst_parent: "Names | None" = None
        # something was output before, in this cite or entry: a term rendered first is
        # capitalized (citeproc-js), except in the citations of in-text styles
        self.predecessor = True
        self.namesets: list[tuple[str, int, int]] = []  # (variable, names shown, names)
        self.disamb_used = 0  # disambiguate="true" tests that passed in this rendering
        self.looking = False  # rendering a cite only to compare it (disambiguation)


class Disamb:
    """Per-item disambiguation state."""

    __slots__ = ("names", "given_levels", "year_suffix", "condition")

    def __init__(self):
        self.names: dict[str, int] = {}  # variable -> names to show (when more than et-al's)
        self.given_levels: dict[tuple[str, int], int] = {}  # (variable, index) -> 1 initials, 2 full
        self.year_suffix: str = ""
        # how many disambiguate="true" tests pass, in rendering order (citeproc-js counts them)
        self.condition: int = 0

    def copy(self) -> "Disamb":
        d = Disamb()
        d.names = dict(self.names)
        d.given_levels = dict(self.given_levels)
        d.year_suffix = self.year_suffix
        d.condition = self.condition
        return d


# ---------------------------------------------------------------------------------------
# helpers


# formatting nests as citeproc-js writes it, outermost first: <sup><u><b><small-caps><i>
_FMT_ORDER = tuple(reversed(FORMAT_KEYS))


def _fmt(el) -> tuple:
    return tuple((k, el.get(k)) for k in _FMT_ORDER if el.get(k))


def wrap(child: Child | None, el: "Element", fmt: tuple | None = None) -> Child | None:
    """Apply an element's formatting (or `fmt` instead), quotes, affixes and display to
    rendered content."""
    if child is None or child == "" or (isinstance(child, Node) and child.is_empty()):
        return None
    fmt = el.fmt if fmt is None else fmt
    if not (fmt or el.quotes or el.prefix or el.suffix or el.display):
        return child
    return Node([child], prefix=el.prefix, suffix=el.suffix, fmt=fmt, quotes=el.quotes,
                display=el.display)


#: the variables whose title case depends on the item's language (npm citeproc 2.4.63, the
#: oracle, checks the language only for these; original-title, event-title, volume-title...
#: of an item in French are title-cased all the same)
LANGUAGE_GUARDED = frozenset({
    "title", "title-short", "container-title", "collection-title", "event", "event-place",
    "publisher", "publisher-place", "genre", "medium", "archive", "authority",
})


def apply_case(child: Child, case: str | None, ctx: Ctx, item_text: bool = True) -> Child:
    """Text-case on rendered content; title case of an item's own text only when the item's
    language is English or unset (terms from the locale are always eligible)."""
    if not case or child is None:
        return child
    if isinstance(child, str):
        holder = Node([child])
    else:
        holder = child
    if case == "title" and item_text:
        # an item without a language is in the style's locale
        lang = str(ctx.item.get("language") or ctx.engine.lang or "")
        english = not lang or lang.lower().startswith("en")
    else:
        english = True
    lv = leaves(holder)
    if not lv:
        return child
    runs = [(n.children[i], prot) for n, i, prot in lv]
    if case in ("uppercase", "lowercase") and \
            str(ctx.item.get("language") or "")[:2].lower() in ("tr", "az"):
        # Turkic dotted and dotless i
        if case == "uppercase":
            runs = [(t if p else t.replace("i", "\u0130"), p) for t, p in runs]
        else:
            runs = [(t if p else t.replace("I", "\u0131").replace("\u0130", "i"), p)
                    for t, p in runs]
    out = textcase.apply_case(runs, case, english=english)
    for (n, i, _), text in zip(lv, out):
        n.children[i] = text
    if isinstance(child, str):
        return holder.children[0] if holder.children else ""
    return holder


def strip_periods(child: Child) -> Child:
    return map_text(child, lambda s: s.replace(".", ""))


def flatten_children(children: list) -> list:
    out = []
    for c in children:
        if c is None:
            continue
        if c.__class__ is str:
            if c:
                out.append(c)
        elif c.tag == "choose":
            out.extend(c.children)  # already flattened, never empty
        elif not c.is_empty():
            out.append(c)
    return out


# ---------------------------------------------------------------------------------------
# elements


class Element:
    __slots__ = ("prefix", "suffix", "fmt", "quotes", "display", "text_case", "strip_periods",
                 "delimiter", "children")

    def __init__(self, el, engine: "Engine"):
        self.prefix = el.get("prefix", "")
        self.suffix = el.get("suffix", "")
        self.fmt = _fmt(el)
        self.quotes = el.get("quotes") == "true"
        self.display = el.get("display")
        self.text_case = el.get("text-case")
        self.strip_periods = el.get("strip-periods") == "true"
        self.delimiter = el.get("delimiter", "")
        self.children = [engine.compile(c) for c in el if isinstance(c.tag, str)]
        self.children = [c for c in self.children if c is not None]

    def render(self, ctx: Ctx) -> Child | None:
        raise NotImplementedError

    def render_children(self, ctx: Ctx, delimiter: str | None = None) -> Node | None:
        kids = flatten_children([c.render(ctx) for c in self.children])
        if not kids:
            return None
        return Node(kids, delimiter=self.delimiter if delimiter is None else delimiter)

    def finish(self, content: Child | None, ctx: Ctx, item_text: bool = True,
               fmt: tuple | None = None) -> Child | None:
        if content is None:
            return None
        ctx.predecessor = True
        if self.text_case:
            content = apply_case(content, self.text_case, ctx, item_text)
        if self.strip_periods:
            content = strip_periods(content)
        return wrap(content, self, fmt)


class Layout(Element):
    def render(self, ctx: Ctx) -> Child | None:
        return self.render_children(ctx, "")


def as_group(ctx: Ctx, render) -> Child | None:
    """Render as a group does: nothing when variables were called and none rendered; when
    it renders, it counts for its parent as a variable rendered (citeproc-js)."""
    called, rendered = ctx.called, ctx.rendered
    ctx.called = ctx.rendered = 0
    content = render(ctx)
    inner_called, inner_rendered = ctx.called, ctx.rendered
    ctx.called, ctx.rendered = called + inner_called, rendered
    if content is None or (inner_called and not inner_rendered):
        return None
    ctx.rendered += inner_rendered or 1
    return content


class Group(Element):
    def render(self, ctx: Ctx) -> Child | None:
        return self.finish(as_group(ctx, self.render_children), ctx)


class Macro(Group):
    """A macro renders as a group does (citeproc-js): nothing when it calls variables and
    none renders, and, when it renders, it counts as a rendered variable for its parent."""


class Choose(Element):
    def render(self, ctx: Ctx) -> Child | None:
        for branch in self.children:
            if branch.test(ctx):
                kids = flatten_children([c.render(ctx) for c in branch.children])
                return Node(kids, tag="choose") if kids else None
        return None

    def render_first(self, ctx: Ctx) -> Child | None:
        """As a child of <substitute>: the chosen branch's first element that renders
        anything, alone (the substitution ends there, as in citeproc-js)."""
        for branch in self.children:
            if branch.test(ctx):
                for c in branch.children:
                    out = c.render_first(ctx) if isinstance(c, Choose) else c.render(ctx)
                    kids = flatten_children([out])
                    if kids:
                        return Node(kids, tag="choose")
                return None
        return None


class If(Element):
    __slots__ = ("conds", "match")

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.match = el.get("match", "all")
        self.conds = []
        for attr in ("disambiguate", "is-numeric", "is-uncertain-date", "locator", "position",
                     "type", "variable"):
            v = el.get(attr)
            if v is not None:
                if attr == "type" and self.match == "all" and len(v.split()) > 1:
                    # an item has one type: citeproc-js reads several as "any of these"
                    self.conds.append(("types", frozenset(v.split())))
                    continue
                for tok in v.split():
                    self.conds.append((attr, tok))

    def test(self, ctx: Ctx) -> bool:
        results = (self._one(a, t, ctx) for a, t in self.conds)
        if self.match == "any":
            return any(results)
        if self.match == "none":
            return not any(results)
        return all(results)

    def _one(self, attr: str, tok: str, ctx: Ctx) -> bool:
        item = ctx.item
        if attr == "type":
            return item.get("type") == tok
        if attr == "types":
            return item.get("type") in tok
        if attr == "variable":
            return bool(ctx.engine.variable_value(ctx, tok))
        if attr == "is-numeric":
            v = ctx.engine.variable_value(ctx, tok)
            return bool(v) and isinstance(v, str) and csl_numbers.is_numeric(v)
        if attr == "is-uncertain-date":
            d = item.get(tok)
            return isinstance(d, DateValue) and d.circa
        if attr == "locator":
            label = ctx.cite.get("label") or ("page" if ctx.cite.get("locator") else None)
            if not ctx.cite.get("locator"):
                return False
            return label == tok or (tok == "sub-verbo" and label == "sub verbo")
        if attr == "position":
            if ctx.mode != "citation":
                return False
            pos = ctx.cite.get("position", FIRST)
            if tok == "first":
                return pos == FIRST
            if tok == "subsequent":
                return pos != FIRST
            if tok == "ibid":
                return pos in (IBID, IBID_WITH_LOCATOR)
            if tok == "ibid-with-locator":
                return pos == IBID_WITH_LOCATOR
            if tok == "near-note":
                return pos != FIRST and bool(ctx.cite.get("near-note"))
            return False
        if attr == "disambiguate":
            if tok != "true":
                return not ctx.disamb.condition
            if ctx.disamb_used < ctx.disamb.condition:
                ctx.disamb_used += 1
                return True
            return False
        return False


class Else(Element):
    def test(self, ctx: Ctx) -> bool:
        return True


class Text(Element):
    __slots__ = ("variable", "macro", "term", "value", "form", "plural")

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.variable = el.get("variable")
        self.macro = el.get("macro")
        self.term = el.get("term")
        self.value = el.get("value")
        self.form = el.get("form", "long")
        self.plural = el.get("plural") == "true"

    def render(self, ctx: Ctx) -> Child | None:
        eng = ctx.engine
        if self.macro is not None:
            macro = eng.macro(self.macro)
            if macro is None:
                return None
            # a macro behaves as a group (citeproc-js); names in a macro called from
            # <substitute> do not take the substituted element's name and label (a group's
            # or a choose's there do), as citeproc-js
            subst_parent, ctx.subst_parent = ctx.subst_parent, None
            try:
                content = as_group(ctx, macro.render)
            finally:
                ctx.subst_parent = subst_parent
            return self.finish(content, ctx)
        if self.variable is not None:
            content = eng.render_variable(ctx, self.variable, self.form)
            guarded = self.variable in LANGUAGE_GUARDED
            if content is not None and self.fmt and _ITALIC in self.fmt and cjk_only(content):
                # citeproc-js does not slant a variable written in a CJK script (a group
                # around it still may)
                return self.finish(content, ctx, guarded,
                                   fmt=tuple(f for f in self.fmt if f != _ITALIC))
            return self.finish(content, ctx, item_text=guarded)
        if self.term is not None:
            text = eng.locale.term(self.term, self.form, self.plural)
            if not text:
                return None
            if not ctx.predecessor and not ctx.sorting and (eng.is_note or ctx.mode != "citation"):
                text = text[:1].upper() + text[1:]
            return self.finish(rich(text) if "<" in text else text, ctx, item_text=False)
        if self.value is not None:
            return self.finish(rich(self.value), ctx, item_text=False)
        return None


_ITALIC = ("font-style", "italic")


class Number(Element):
    __slots__ = ("variable", "form")

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.variable = el.get("variable")
        self.form = el.get("form", "numeric")

    def render(self, ctx: Ctx) -> Child | None:
        eng = ctx.engine
        ctx.called += 1
        if self.variable in ctx.suppressed:
            return None
        value = eng.variable_value(ctx, self.variable)
        if not value:
            return None
        ctx.rendered += 1
        ctx.rendered_vars.append(self.variable)
        value = str(value)
        if "." in value and self.variable != "locator":
            # "7, p. 3-8": the number, then numbers under a label of their own ("pp. 3–8")
            groups = eng.locator_groups(value, self.variable)
            if groups is not None and len(groups) > 1 and groups[0][0] == self.variable:
                first = groups[0][1]
                if csl_numbers.is_numeric(first):
                    groups[0][1] = eng.format_number(first, self.form, self.variable)
                return self.finish(eng.render_locator_groups(groups, "short"), ctx)
        if not csl_numbers.is_numeric(value):
            return self.finish(value, ctx)  # no markup in number variables (citeproc-js)
        text = eng.format_number(value, self.form, self.variable)
        return self.finish(text, ctx)


class Label(Element):
    __slots__ = ("variable", "form", "plural")

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.variable = el.get("variable")
        self.form = el.get("form", "long")
        self.plural = el.get("plural", "contextual")

    def render(self, ctx: Ctx, names_variable: str | None = None,
               names_count: int = 0) -> Child | None:
        eng = ctx.engine
        if names_variable is not None:
            plural = names_count > 1 if self.plural == "contextual" else self.plural == "always"
            text = eng.locale.term(names_variable, self.form, plural)
            return self.finish(text, ctx, item_text=False) if text else None
        var = self.variable
        if not var:
            return None
        if var in ctx.suppressed:
            return None
        if var == "locator":
            value = eng.variable_value(ctx, "locator")
            term = ctx.cite.get("label") or "page"
            if term == "sub verbo":
                term = "sub-verbo"
            groups = eng.locator_groups(value, term) if value else None
            if groups is not None:
                # the label is the first one written in the locator ("vol. 1, p. 5")
                term, value = groups[0][0], groups[0][1]
        else:
            value = eng.variable_value(ctx, var)
            term = var
            if var == "page-first":
                term = "page"
        if not value:
            return None
        value = str(value)
        if self.plural == "contextual":
            if var != "locator" and "." in value:
                # "3, p. 5": the label counts the numbers before the next label only
                groups = eng.locator_groups(value, term)
                if groups is not None:
                    value = groups[0][1]
            if var in ("number-of-pages", "number-of-volumes"):
                m = re.match(r"\s*(\d+)", value)
                plural = (bool(m) and int(m.group(1)) > 1) or csl_numbers.is_plural(value)
            else:
                if var == "locator":
                    # a label written inside the locator ("1, fol. 186") starts a new part
                    value = _EMBEDDED_LABEL.split(value, 1)[0]
                plural = csl_numbers.is_plural(value, eng.and_word)
        else:
            plural = self.plural == "always"
        text = eng.locale.term(term, self.form, plural)
        if not text:
            return None
        return self.finish(text, ctx, item_text=False)


class DatePart:
    __slots__ = ("name", "form", "prefix", "suffix", "fmt", "text_case", "strip_periods",
                 "range_delimiter", "quotes", "display")

    def __init__(self, attrs: dict):
        self.name = attrs.get("name")
        default_form = {"day": "numeric", "month": "long", "year": "long"}.get(self.name, "long")
        self.form = attrs.get("form", default_form)
        self.prefix = attrs.get("prefix", "")
        self.suffix = attrs.get("suffix", "")
        self.fmt = tuple((k, attrs[k]) for k in _FMT_ORDER if attrs.get(k))
        self.text_case = attrs.get("text-case")
        self.strip_periods = attrs.get("strip-periods") == "true"
        self.range_delimiter = attrs.get("range-delimiter", "\u2013")
        self.quotes = False
        self.display = None


class Date(Element):
    __slots__ = ("variable", "form", "date_parts", "parts", "localized")

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.variable = el.get("variable")
        self.form = el.get("form")
        self.date_parts = el.get("date-parts", "year-month-day")
        self.parts = [dict(c.attrib) for c in el if isinstance(c.tag, str)
                      and c.tag == CSL + "date-part"]
        self.children = []
        self.localized = None

    def _part_list(self, eng: "Engine") -> tuple[list[DatePart], str]:
        if self.localized is not None:
            return self.localized
        if self.form:
            attrs, lparts = eng.locale.dates.get(self.form, ({}, []))
            wanted = {"year-month-day": ("year", "month", "day"), "year-month": ("year", "month"),
                      "year": ("year",)}.get(self.date_parts, ("year", "month", "day"))
            overrides = {p.get("name"): p for p in self.parts}
            out = []
            for p in lparts:
                if p.get("name") not in wanted:
                    continue
                merged = dict(p)
                ov = overrides.get(p.get("name"), {})
                for k, v in ov.items():
                    if k not in ("prefix", "suffix"):
                        merged[k] = v
                out.append(DatePart(merged))
            self.localized = (out, attrs.get("delimiter", ""))
            # affixes and formatting of the locale's date element apply inside ours
        else:
            self.localized = ([DatePart(p) for p in self.parts], self.delimiter)
        return self.localized

    def render(self, ctx: Ctx) -> Child | None:
        ctx.called += 1
        if self.variable in ctx.suppressed:
            return None
        if ctx.looking and self.variable == "accessed":
            return None  # disambiguation never compares access dates (citeproc-js)
        value = ctx.item.get(self.variable)
        if not isinstance(value, DateValue):
            return None
        eng = ctx.engine
        if value.literal and not value.start[0]:
            ctx.rendered += 1
            ctx.rendered_vars.append(self.variable)
            return self.finish(rich(value.literal), ctx)
        parts, delim = self._part_list(eng)
        if not value.start[0] and not value.start[1]:
            return None
        if ctx.sorting:
            # in a sort key a date sorts by its value, to the precision it shows
            names = {p.name for p in parts}
            key = value.sort_key()
            if key:
                ctx.rendered += 1
                ctx.rendered_vars.append(self.variable)
                keep = 6 + (2 if "month" in names else 0) + (2 if "day" in names else 0)
                return "".join(key[i:i + keep] for i in range(0, len(key), 10))
        end_affixes = None
        if self.form and len(parts) == 1 and (self.prefix or self.suffix):
            # citeproc-js wraps the end of a range of a one-part localized date in the
            # date's affixes once more: (2019–(2020))
            end_affixes = (self.prefix, self.suffix)
        out = eng.render_date(ctx, value, parts, delim, self.variable, end_affixes)
        if out is None:
            return None
        ctx.rendered += 1
        ctx.rendered_vars.append(self.variable)
        return self.finish(out, ctx)


class NamePart:
    __slots__ = ("name", "prefix", "suffix", "fmt", "text_case", "quotes", "display", "strip_periods")

    def __init__(self, el):
        self.name = el.get("name")
        self.prefix = el.get("prefix", "")
        self.suffix = el.get("suffix", "")
        self.fmt = _fmt(el)
        self.text_case = el.get("text-case")
        self.quotes = False
        self.display = None
        self.strip_periods = False


class NameEl(Element):
    __slots__ = ("opts", "parts")

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.opts = {k: v for k, v in el.attrib.items() if k in NAME_OPTION_KEYS}
        if "delimiter" in el.attrib:
            self.opts["name-delimiter"] = el.get("delimiter")
        self.parts = {}
        for c in el:
            if isinstance(c.tag, str) and c.tag == CSL + "name-part":
                self.parts[c.get("name")] = NamePart(c)
        self.children = []


class EtAl(Element):
    __slots__ = ("term",)

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.term = el.get("term", "et-al")


class Substitute(Element):
    pass


class Names(Element):
    __slots__ = ("variables", "name", "et_al", "label", "label_first", "substitute",
                 "has_delimiter")

    def __init__(self, el, engine):
        super().__init__(el, engine)
        self.variables = (el.get("variable") or "").split()
        self.has_delimiter = "delimiter" in el.attrib
        self.name = None
        self.et_al = None
        self.label = None
        self.label_first = False
        self.substitute = None
        seen_name = False
        for c in self.children:
            if isinstance(c, NameEl):
                self.name = c
                seen_name = True
            elif isinstance(c, EtAl):
                self.et_al = c
            elif isinstance(c, Label):
                self.label = c
                self.label_first = not seen_name and any(isinstance(x, NameEl) for x in self.children)
            elif isinstance(c, Substitute):
                self.substitute = c
        self.children = []

    def render(self, ctx: Ctx, inherit: "Names | None" = None) -> Child | None:
        if inherit is None and ctx.in_substitute and self.name is None:
            # a names element anywhere in <substitute> (in a choose too) takes the
            # substituted element's name, et-al and label
            inherit = ctx.subst_parent
        name_el = self.name or (inherit.name if inherit else None)
        et_al = self.et_al or (inherit.et_al if inherit else None)
        label = self.label if self.label or not inherit else inherit.label
        label_first = self.label_first if self.label else (inherit.label_first if inherit else False)
        first = ctx.names_seen == 0 and not ctx.in_substitute
        if first:
            ctx.names_seen += 1
        hide = first and ctx.skip_first_names
        return self._render_real(ctx, name_el, et_al, label, label_first, first, hide)

    def _render_real(self, ctx, name_el, et_al, label, label_first, first_names, hide):
        eng = ctx.engine
        ctx.called += 1
        variables = [v for v in self.variables if v not in ctx.suppressed]
        lists = [(v, ctx.item.get(v)) for v in variables]
        lists = [(v, names) for v, names in lists if names]
        # editor + translator with the same names render once as "editortranslator"
        # (citeproc-js does it only for a names element of exactly these two variables)
        vs = [v for v, _ in lists]
        if "editor" in vs and "translator" in vs and len(self.variables) == 2:
            ed = dict(lists)["editor"]
            tr = dict(lists)["translator"]
            if ed == tr and eng.locale.term("editortranslator"):
                lists = [(v, n) for v, n in lists if v != "translator"]
                lists = [("editortranslator", n) if v == "editor" else (v, n) for v, n in lists]
        if not lists:
            if self.substitute is not None:
                ctx.called -= 1
                was = ctx.in_substitute
                was_parent = ctx.subst_parent
                ctx.in_substitute = True
                ctx.subst_parent = self
                try:
                    for sub in self.substitute.children:
                        before_c, before_r = ctx.called, ctx.rendered
                        mark = len(ctx.rendered_vars)
                        ctx.name_list = None
                        if isinstance(sub, Names):
                            out = sub.render(ctx, inherit=self if not sub.name else None)
                        elif isinstance(sub, Choose):
                            out = sub.render_first(ctx)
                        else:
                            out = sub.render(ctx)
                        used = ctx.rendered_vars[mark:]
                        empty = out is None or (isinstance(out, Node) and out.is_empty())
                        if empty and isinstance(sub, Text) and (sub.term is not None
                                                                or sub.value is not None):
                            # a term (even an empty one) ends the substitution (citeproc-js)
                            ctx.called = before_c + 1
                            ctx.rendered = before_r + 1
                            return None
                        if not empty:
                            ctx.in_substitute = was
                            for v in used:
                                ctx.suppressed.add(v)
                            ctx.called = before_c + 1
                            ctx.rendered = before_r + 1
                            result = self.finish(out, ctx)
                            if first_names:
                                # subsequent-author-substitute compares and replaces the
                                # names only, not their label
                                ctx.first_names = ctx.name_list if ctx.name_list is not None else result
                            if hide:
                                return None
                            return result
                finally:
                    ctx.in_substitute = was
                    ctx.subst_parent = was_parent
                ctx.called += 1
            return None
        ctx.rendered += 1
        opts = dict(ctx.name_opts)
        if name_el is not None:
            opts.update(name_el.opts)
        if ctx.sort_opts:
            opts.update(ctx.sort_opts)
        pieces = []
        total = 0
        names_only = None
        ctx.rendered_vars.extend("editor" if v == "editortranslator" else v for v, _ in lists)
        if any(v == "editortranslator" for v, _ in lists):
            ctx.rendered_vars.append("translator")
        if ctx.in_substitute and not ctx.sorting:
            # names a substitution renders are suppressed at once, within the substitute too
            ctx.suppressed.update("editor" if v == "editortranslator" else v for v, _ in lists)
            if any(v == "editortranslator" for v, _ in lists):
                ctx.suppressed.add("translator")
        for v, names in lists:
            rendered, count = eng.render_name_list(ctx, v, names, opts, name_el, et_al)
            if rendered is None:
                continue
            total += count
            if opts.get("form") == "count" or (name_el is not None and name_el.opts.get("form") == "count"):
                pieces.append(rendered)
                continue
            names_only = rendered
            if label is not None and not ctx.sorting:
                lab = label.render(ctx, names_variable=v, names_count=len(names))
                if lab is not None:
                    rendered = Node([lab, rendered] if label_first else [rendered, lab])
            pieces.append(rendered)
        if not pieces:
            return None
        if opts.get("form") == "count" or (name_el is not None and name_el.opts.get("form") == "count"):
            if ctx.sorting:
                return str(total)
            return self.finish(str(total), ctx) if total else None
        delim = self.delimiter if self.has_delimiter else opts.get("names-delimiter", "")
        result = self.finish(Node(pieces, delimiter=delim), ctx)
        ctx.name_list = names_only if len(pieces) == 1 and names_only is not None else result
        if first_names:
            ctx.first_names = ctx.name_list
        if hide:
            return None
        return result


# ---------------------------------------------------------------------------------------


ELEMENTS = {
    "layout": Layout, "group": Group, "macro": Macro, "choose": Choose, "if": If,
    "else-if": If, "else": Else, "text": Text, "number": Number, "label": Label,
    "date": Date, "names": Names, "name": NameEl, "et-al": EtAl, "substitute": Substitute,
}


class SortKey:
    __slots__ = ("variable", "macro", "descending", "opts")

    def __init__(self, el):
        self.variable = el.get("variable")
        self.macro = el.get("macro")
        self.descending = el.get("sort") == "descending"
        self.opts = {}
        if el.get("names-min"):
            self.opts["et-al-min"] = el.get("names-min")
        if el.get("names-use-first"):
            self.opts["et-al-use-first"] = el.get("names-use-first")
        if el.get("names-use-last"):
            self.opts["et-al-use-last"] = el.get("names-use-last")


NAME_DEFAULTS = {
    "and": None, "delimiter-precedes-et-al": "contextual",
    "delimiter-precedes-last": "contextual", "et-al-min": None, "et-al-use-first": None,
    "et-al-use-last": "false", "initialize": "true", "initialize-with": None,
    "name-as-sort-order": None, "sort-separator": ", ", "form": "long",
    "name-delimiter": ", ", "names-delimiter": "",
}


def _name_opts(*elements) -> dict:
    opts = dict(NAME_DEFAULTS)
    for el in elements:
        if el is None:
            continue
        for k, v in el.attrib.items():
            if k == "name-form":
                opts["form"] = v
            elif k in NAME_OPTION_KEYS:
                opts[k] = v
    return opts




class Engine:
    """A style compiled for one locale."""

    def __init__(self, xml: bytes, lang: str | None = None):
        import io
        import warnings

        from citeproc.frontend import CitationStylesStyle

        from .locale import build_locale

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = CitationStylesStyle(io.BytesIO(xml), locale=lang, validate=False)
        root = parsed.root
        self.root_attrs = dict(root.attrib)
        self.lang = lang or root.get("default-locale") or "en-US"
        self.locale: LocaleData = build_locale(root.locales, self.lang)
        self.quotes = self.locale.quotes()
        self.punct_in_quote = self.locale.punctuation_in_quote
        self._macro_els = {m.get("name"): m for m in root.iterchildren(CSL + "macro")}
        self._macros: dict[str, Macro] = {}
        self.page_range_format = root.get("page-range-format")
        self.demote = root.get("demote-non-dropping-particle", "display-and-sort")
        self.initialize_with_hyphen = root.get("initialize-with-hyphen", "true") == "true"
        cit = root.find(CSL + "citation")
        bib = root.find(CSL + "bibliography")
        self.citation_attrs = dict(cit.attrib) if cit is not None else {}
        self.bibliography_attrs = dict(bib.attrib) if bib is not None else {}
        self.citation_name_opts = _name_opts(root, cit)
        self.bibliography_name_opts = _name_opts(root, bib)
        self.citation_layout = self._layout(cit)
        self.bibliography_layout = self._layout(bib)
        self.citation_sort = self._sort(cit)
        self.bibliography_sort = self._sort(bib)
        self.is_note = root.get("class") == "note"
        # the style prints the year-suffix itself (as a variable, or on the citation-label,
        # citeproc-js): otherwise it follows the first year of the issued date
        self.uses_year_suffix = bool(re.search(
            rb'variable="[^"]*\b(?:year-suffix|citation-label)\b', xml))
        self.uses_citation_number = bool(re.search(rb'variable="[^"]*\bcitation-number\b', xml))
        # numbers join with "&" and "and", and with the locale's own "and" ("213 et 235");
        # a locale's symbol form of "and" replaces "&" in them (citeproc-js)
        and_long = self.locale.term("and")
        self.and_word = and_long if and_long and self.lang[:2] != "en" else None
        and_symbol = self.locale.term("and", "symbol")
        self.ampersand = and_symbol if and_symbol and and_symbol != and_long else "&"

    # -- compilation
    def compile(self, el) -> Element | None:
        tag = el.tag
        if not isinstance(tag, str) or not tag.startswith(CSL):
            return None
        name = tag[len(CSL):]
        if name == "layout":
            lay = Layout(el, self)
            return lay
        cls = ELEMENTS.get(name)
        if cls is None:
            return None
        return cls(el, self)

    def _layout(self, el) -> Layout | None:
        if el is None:
            return None
        lay = el.find(CSL + "layout")
        if lay is None:
            return None
        return Layout(lay, self)

    def _sort(self, el) -> list[SortKey]:
        if el is None:
            return []
        s = el.find(CSL + "sort")
        if s is None:
            return []
        return [SortKey(k) for k in s.iterchildren(CSL + "key")]

    def macro(self, name: str) -> Macro | None:
        m = self._macros.get(name)
        if m is None:
            el = self._macro_els.get(name)
            if el is None:
                return None
            m = Macro.__new__(Macro)
            self._macros[name] = m  # guard against recursion while compiling
            Macro.__init__(m, el, self)
        return m

    # -- variables
    def variable_value(self, ctx: Ctx, var: str) -> Any:
        if var == "citation-number":
            return str(ctx.cite.get("citation-number", "")) or None
        if var == "year-suffix":
            return ctx.disamb.year_suffix or None
        if var == "locator":
            loc = ctx.cite.get("locator")
            return loc.strip() if isinstance(loc, str) else loc
        if var == "first-reference-note-number":
            n = ctx.cite.get("first-reference-note-number")
            return str(n) if n else None
        if var == "citation-label":
            return ctx.item.get("citation-label") or self._citation_label(ctx.item)
        if var == "page-first":
            v = ctx.item.get("page-first")
            if v:
                return v
            page = ctx.item.get("page")
            if page:
                m = re.match(r"\s*([^\s\-\u2013,&]+)", str(page))
                return m.group(1) if m else None
            return None
        v = ctx.item.get(var)
        if var in _OWN_LABEL and isinstance(v, str):
            m = _OWN_LABEL[var].match(v)
            if m:
                return v[m.end():]  # "vol. 3" in volume is 3 (citeproc-js)
        return v

    def _citation_label(self, item: dict) -> str | None:
        names = item.get("author") or item.get("editor")
        year = item.get("issued")
        if not names:
            return None
        fams = [n.literal or n.family for n in names]
        if len(fams) == 1:
            base = fams[0][:4]
        elif len(fams) <= 3:
            base = "".join(f[:2] for f in fams)
        else:
            base = "".join(f[:1] for f in fams[:4])
        if isinstance(year, DateValue) and year.start[0]:
            base += str(year.start[0])[-2:]
        return base

    def render_variable(self, ctx: Ctx, var: str, form: str = "long") -> Child | None:
        if var == "year-suffix" and not ctx.disamb.year_suffix:
            return None  # an empty year-suffix does not suppress its group (citeproc-js)
        ctx.called += 1
        if var in ctx.suppressed:
            return None
        value = None
        if form == "short":
            short = SHORT_FORMS.get(var)
            if short:
                value = ctx.item.get(short)
            if value is None and var == "container-title":
                value = ctx.item.get("journalAbbreviation")
        if value is None:
            value = self.variable_value(ctx, var)
        if value is None or value == "":
            return None
        if isinstance(value, (list, DateValue)):
            return None
        ctx.rendered += 1
        ctx.rendered_vars.append(var)
        value = str(value)
        if var == "year-suffix":
            ctx.year_suffix_done = True
            return value
        if var == "citation-label" and ctx.disamb.year_suffix:
            # the label carries the year-suffix (citeproc-js), the date then none
            ctx.year_suffix_done = True
            return value + ctx.disamb.year_suffix
        if self.ampersand != "&" and var in NUMBER_VARIABLES and "&" in value:
            value = self.localized_ampersand(value)
        if var == "locator":
            groups = self.locator_groups(value, ctx.cite.get("label") or "page")
            if groups is not None:
                return self.render_locator_groups(groups, "short")
        if var == "page" or (var == "locator" and (ctx.cite.get("label") or "page") == "page"):
            return csl_numbers.page_range(value, self.page_range_format,
                                          self.locale.term("page-range-delimiter") or "\u2013")
        if var == "locator":
            return rich(csl_numbers.page_range(value, None))  # other locators: ranges get a dash
        if var in NO_RICH:
            return value
        lang = ctx.item.get("language")
        if lang and str(lang)[:2].lower() == "fr" and " " in value:
            # French typography, as citeproc-js: a narrow no-break space before : ; ! ?
            value = _FRENCH_SPACE.sub("\u202f\\1", value)
        if var == "locator":
            # a range in a locator of any label takes an en dash (citeproc-js)
            value = re.sub(r"(?<=\d)\s*[-\u2013]\s*(?=\d)", "\u2013", value)
        elif var in NUMBER_VARIABLES and var != "version":
            ok, parts = csl_numbers.parse_numeric(value)
            if ok and any(p.is_range for p in parts) and "\\-" not in value:
                # a numeric value's ranges take the range delimiter, as in citeproc-js
                value = csl_numbers.render_numeric(parts, str, self._range_delimiter(value))
            elif var not in ("volume", "number", "edition", "issue"):
                value = re.sub(r"(?<=\d)\s*(?<!\\)-\s*(?=\d)", "\u2013", value)
        if var in NUMBER_VARIABLES and "\\-" in value:
            value = value.replace("\\-", "-")  # an escaped hyphen is a plain hyphen
        return rich(value)

    # -- locators with their own labels ("vol. 1, fol. 186", "5, p. 6")
    def locator_groups(self, value: str, default_term: str) -> list[list[str]] | None:
        """The locator cut where it names a label ("vol.", "p.", "fol."... and the locale
        has that term): [term, numbers, separator after] per label; None without any."""
        if "." not in value:
            return None
        pieces = _LOCATOR_JOINER.split(value)
        groups: list[list[str]] = []
        found = False
        for i in range(0, len(pieces), 2):
            seg = pieces[i]
            term = None
            m = _LABELLED.fullmatch(seg)
            if m and m.group(1) in LOCATOR_LABELS:
                name = LOCATOR_LABELS[m.group(1)]
                if self.locale.term(name, "short") is not None:
                    term, seg, found = name, m.group(2), True
            if not groups:
                groups.append([term or default_term, seg, ""])
            elif term is None or term == groups[-1][0]:
                groups[-1][1] += pieces[i - 1] + seg
            else:
                groups[-1][2] = pieces[i - 1]
                groups.append([term, seg, ""])
        return groups if found else None

    def render_locator_groups(self, groups: list[list[str]], form: str) -> Child:
        """The numbers of each label group, the labels after the first written before them
        (the first is the cs:label's)."""
        out = []
        for k, (term, numbers, after) in enumerate(groups):
            if term == "page":
                numbers = csl_numbers.page_range(numbers, self.page_range_format,
                                                 self.locale.term("page-range-delimiter") or "\u2013")
            else:
                numbers = _DIGIT_RANGE.sub("\u2013", numbers)
            if k:
                label = self.locale.term(term, form, csl_numbers.is_plural(numbers, self.and_word))
                out.append((label + " " if label else "") + numbers)
            else:
                out.append(numbers)
            out.append(after)
        return rich("".join(out))

    def _range_delimiter(self, value: str) -> str:
        """What a hyphen between two numbers of ``value`` becomes: the locale's
        page-range-delimiter (an en dash by default); an en dash written in the value
        stays one."""
        if "\u2013" in value:
            return "\u2013"
        return self.locale.term("page-range-delimiter") or "\u2013"

    # -- numbers
    def localized_ampersand(self, value: str) -> str:
        def one(m: re.Match) -> str:
            s, e = m.start(), m.end()
            if value[s - 1:s].isalpha() and value[e:e + 1].isalpha():
                return self.ampersand
            return " %s " % self.ampersand
        return _AMPERSAND.sub(one, value)

    def format_number(self, value: str, form: str, variable: str | None = None) -> str:
        gender = None
        if variable:
            t = self.locale.term_obj(variable)
            gender = t.gender if t is not None else None
        return csl_numbers.format_numbers(value, form, self._ordinal_term, gender,
                                          self._ordinal_match, self._range_delimiter(value))

    def _ordinal_term(self, name: str, gender: str | None) -> str | None:
        t = self.locale.terms.get((name, "long", gender))
        return t.single if t is not None else None

    def _ordinal_match(self, name: str, gender: str | None) -> str | None:
        t = self.locale.terms.get((name, "long", gender))
        return t.match if t is not None else None

    # -- dates
    def _date_part_text(self, ctx: Ctx, part: DatePart, ymd: tuple, value: DateValue,
                        variable: str) -> Child | None:
        y, m, d = ymd
        name = part.name
        if name == "year":
            if not y:
                return None
            if part.form == "short":
                text = str(abs(y))[-2:]
            else:
                text = str(abs(y))
            if y < 0:
                text += self.locale.term("bc") or "BC"
            elif y < 1000:
                text += self.locale.term("ad") or "AD"
            if (ctx.disamb.year_suffix and not self.uses_year_suffix and variable == "issued"
                    and not ctx.year_suffix_done and not ctx.sorting):
                ctx.year_suffix_done = True
                text += ctx.disamb.year_suffix
            return self._finish_part(text, part, ctx)
        if name == "month":
            if not m:
                season = value.season
                if season and ymd is value.start:
                    if isinstance(season, int) or str(season).isdigit():
                        t = self.locale.term("season-%02d" % int(season))
                        return self._finish_part(t, part, ctx) if t else None
                    return self._finish_part(str(season), part, ctx)
                return None
            if m > 12:
                t = self.locale.term("season-%02d" % (m - 12))
                return self._finish_part(t, part, ctx) if t else None
            if part.form == "numeric":
                text = str(m)
            elif part.form == "numeric-leading-zeros":
                text = "%02d" % m
            else:
                text = self.locale.term("month-%02d" % m, "short" if part.form == "short" else "long")
                if text is None:
                    text = str(m)
            return self._finish_part(text, part, ctx)
        if name == "day":
            if not d or not m or m > 12:
                return None
            if part.form == "numeric-leading-zeros":
                text = "%02d" % d
            elif part.form == "ordinal":
                if self.locale.limit_day_ordinals and d != 1:
                    text = str(d)
                else:
                    gender = None
                    t = self.locale.term_obj("month-%02d" % m)
                    if t is not None:
                        gender = t.gender
                    text = csl_numbers.format_numbers(str(d), "ordinal", self._ordinal_term, gender,
                                                      self._ordinal_match)
            else:
                text = str(d)
            return self._finish_part(text, part, ctx)
        return None

    def _finish_part(self, text: str | None, part: DatePart, ctx: Ctx) -> Child | None:
        if not text:
            return None
        child: Child = text
        if part.text_case:
            child = apply_case(child, part.text_case, ctx)
        if part.strip_periods:
            child = strip_periods(child)
        return wrap(child, part)

    def render_date(self, ctx: Ctx, value: DateValue, parts: list[DatePart], delim: str,
                    variable: str, end_affixes: tuple[str, str] | None = None) -> Child | None:
        start = value.start
        end = value.end
        if end is not None:
            # the largest part that differs
            names = [p.name for p in parts]
            if start[0] != end[0]:
                big = "year"
            elif start[1] != end[1]:
                big = "month"
            elif start[2] != end[2]:
                big = "day"
            else:
                big = None
            if big is not None and big not in names and names:
                # the part that differs is not printed (a year range shown as month and
                # day): the whole date is the range, as in citeproc-js
                rank = {"year": 0, "month": 1, "day": 2}
                if all(rank[n] > rank[big] for n in names):
                    big = names[0] if rank[names[0]] == min(rank[n] for n in names) else big
            if big is not None and big in names:
                rank = {"year": 0, "month": 1, "day": 2}
                in_range = [p for p in parts if rank[p.name] >= rank[big]]
                if big == "year":
                    in_range = list(parts)
                rng_delim = next((p.range_delimiter for p in parts if p.name == big), "\u2013")
                out: list[Child] = []
                done = False
                for _i, p in enumerate(parts):
                    if p in in_range:
                        if done:
                            continue
                        done = True
                        a = [self._date_part_text(ctx, q, start, value, variable) for q in in_range]
                        b = [self._date_part_text(ctx, q, end, value, variable) for q in in_range]
                        a = [x for x in a if x is not None]
                        b = [x for x in b if x is not None]
                        if a and isinstance(a[-1], Node) and a[-1].suffix:
                            last = a[-1]
                            a[-1] = Node(last.children, prefix=last.prefix, fmt=last.fmt,
                                         quotes=last.quotes)
                        if b and isinstance(b[0], Node) and b[0].prefix:
                            first = b[0]
                            b[0] = Node(first.children, suffix=first.suffix, fmt=first.fmt,
                                        quotes=first.quotes)
                        end_node = Node(b, delimiter=delim)
                        if end_affixes and b:
                            end_node = Node([end_node], prefix=end_affixes[0], suffix=end_affixes[1],
                                            tag="verbatim-affixes")
                        out.append(Node([Node(a, delimiter=delim), rng_delim, end_node]))
                    else:
                        t = self._date_part_text(ctx, p, start, value, variable)
                        if t is not None:
                            out.append(t)
                out = [o for o in out if o is not None]
                return Node(out, delimiter=delim) if out else None
        out = [self._date_part_text(ctx, p, start, value, variable) for p in parts]
        out = [o for o in out if o is not None]
        if not out:
            return None
        return Node(out, delimiter=delim)

    # -- names
    def render_name_list(self, ctx: Ctx, var: str, names: list[Name], opts: dict,
                         name_el: NameEl | None, et_al: EtAl | None) -> tuple[Child | None, int]:
        n = len(names)
        form = opts.get("form") or "long"
        et_al_min = _int(opts.get("et-al-min"))
        use_first = _int(opts.get("et-al-use-first"))
        has_first = opts.get("et-al-use-first") is not None
        if ctx.mode == "citation" and ctx.cite.get("position", FIRST) != FIRST and not ctx.sorting:
            if opts.get("et-al-subsequent-min"):
                et_al_min = _int(opts.get("et-al-subsequent-min"))
            if opts.get("et-al-subsequent-use-first"):
                use_first = _int(opts.get("et-al-subsequent-use-first"))
        # et-al-min without any et-al-use-first does not truncate
        truncated = bool(et_al_min) and n >= et_al_min and use_first < n and has_first
        if truncated and not ctx.sorting and (
                ctx.mode == "citation"
                or self.citation_attrs.get("disambiguate-add-givenname") == "true"):
            # the names a cite needed to be told apart; citeproc-js prints them in the
            # bibliography too when the style also adds given names
            want = ctx.disamb.names.get(var, 0)
            if want > use_first:
                use_first = min(n, want)
                truncated = use_first < n
        if not ctx.sorting:
            ctx.namesets.append((var, use_first if truncated else n, n))
        shown = names[:use_first] if truncated else list(names)
        if truncated and use_first == 0:
            return None, 0
        if form == "count":
            return str(len(shown)), len(shown)
        use_last = truncated and opts.get("et-al-use-last") == "true" and use_first <= n - 2
        sort_order = opts.get("name-as-sort-order")
        parts_out: list[Child] = []
        inverted_flags = []
        for i, name in enumerate(shown):
            inverted = sort_order == "all" or (sort_order == "first" and i == 0)
            if ctx.sorting:
                inverted = True
            level = 0
            if not ctx.sorting and ctx.mode == "citation":
                level = ctx.disamb.given_levels.get((var, i), 0)
            parts_out.append(self.format_name(ctx, name, opts, name_el, inverted, level))
            inverted_flags.append(inverted and not name.literal and not name.cjk and not name.static)
        if use_last:
            last = names[-1]
            inv = sort_order == "all"
            last_out = self.format_name(ctx, last, opts, name_el, inv, 0)
        delim = opts.get("name-delimiter", ", ")
        and_opt = opts.get("and")
        and_text = None
        if and_opt == "text":
            and_text = self.locale.term("and") or "and"
        elif and_opt == "symbol":
            and_text = "&"
        if ctx.sorting:
            # et-al-use-last: the last name sorts too
            return Node(parts_out + [last_out] if use_last else parts_out, delimiter="|"), len(shown)
        count = len(parts_out)
        last_join = delim
        if and_text and not truncated and count > 1:
            # as citeproc-js: a term in a script without spaces (no Latin, Greek, Cyrillic...)
            # is joined without spaces; delimiter-precedes-last="after-inverted-name" is fixed
            # per two names / more names, or the delimiter after an inverted name
            # before an institution the joining follows the style's name options, not the
            # cs:name's (citeproc-js joins institutions with their own settings)
            dpl = (ctx.name_opts if shown[-1].literal else opts).get(
                "delimiter-precedes-last", "contextual")
            if _STARTS_ROMAN.match(and_text):
                before_single, before_multiple, after = " ", delim, " "
            else:
                before_single = before_multiple = after = ""
            if dpl == "always":
                before_single = delim
            elif dpl == "never":
                before_multiple = " " if before_multiple else ""
            elif dpl == "after-inverted-name" and not shown[-1].literal:
                before_single = delim if before_single else ""
                before_multiple = " " if before_multiple else ""
            before = before_single if count == 2 else before_multiple
            if dpl == "after-inverted-name" and inverted_flags[-2]:
                before = delim
            last_join = before + and_text + after
        seq: list[Child] = []
        for i, p in enumerate(parts_out):
            if i > 0:
                seq.append(last_join if i == count - 1 else delim)
            seq.append(p)
        if truncated:
            if use_last:
                seq.append((" " if len(shown) == 1 else delim) + "\u2026 ")
                seq.append(last_out)
            else:
                term_name = et_al.term if et_al is not None else "et-al"
                term = self.locale.term(term_name) or ""
                if term:
                    dpe = opts.get("delimiter-precedes-et-al", "contextual")
                    single, multiple = " ", delim
                    if dpe == "always":
                        single = delim
                    elif dpe == "never":
                        multiple = " "
                    elif dpe == "after-inverted-name":
                        single, multiple = delim, " "
                    before = single if len(shown) == 1 else multiple
                    if before == " " and not _STARTS_ROMAN.match(term):
                        before = ""
                    seq.append(before)
                    et_node: Child = term
                    if et_al is not None:
                        et_node = wrap(term, et_al) or term
                    seq.append(et_node)
        node = Node(seq)
        if name_el is not None:
            node = wrap(node, name_el) or node
        return node, len(shown)

    def _initialize(self, given: str, initialize_with: str, initialize: bool) -> str:
        """Initials of a given name ("John Paul" -> "J. P.", "Jean-Paul" -> "J.-P.",
        "Seo-jin" -> "S."); with initialize="false" full names stay and only names already
        written as initials are normalized ("J.P." -> "J. P.")."""
        return initialize_given(given, initialize_with, initialize, self.initialize_with_hyphen)

    def format_name(self, ctx: Ctx, name: Name, opts: dict, name_el: NameEl | None,
                    inverted: bool, level: int) -> Child:
        parts = name_el.parts if name_el is not None else {}
        if name.literal:
            text: Child = rich(name.literal) if not ctx.sorting else name.literal
            fam_part = parts.get("family")
            if fam_part is not None and not ctx.sorting:
                text = self._finish_part(text, fam_part, ctx) or text
            return text
        form = opts.get("form") or "long"
        if level and form == "short":
            form = "long"
        init_with = opts.get("initialize-with")
        initialize = opts.get("initialize", "true") != "false"
        if level >= 2:
            init_with = None
        given = name.given
        if given and name.family and not name.cjk:
            if not initialize:
                # initialize="false": full names stay, initials are normalized
                given = self._initialize(given, opts.get("initialize-with"), False)
            elif init_with is not None:
                given = self._initialize(given, init_with, True)
        if ctx.sorting:
            # particles sort without their apostrophe ("d'Wander" as "d Wander")
            ndp = _drop_apostrophe(name.ndp)
            dp = _drop_apostrophe(name.dp)
            if self.demote == "never":
                fam = " ".join(x for x in (ndp, name.family, dp) if x)
                rest = " ".join(x for x in (given, name.suffix) if x)
            else:
                fam = name.family
                rest = " ".join(x for x in (given, dp, ndp, name.suffix) if x)
            if form == "short":
                return " ".join(x for x in (ndp, name.family) if x)
            return fam + ("|" + rest if rest else "")

        # Each part keeps its own formatting (the non-dropping particle the family name's,
        # the dropping particle the given name's); a name-part's affixes go around the
        # group it heads.
        def fmt(text: str, which: str) -> Child | None:
            if not text:
                return None
            child: Child = rich(text) if "<" in text else text  # markup in a name
            p = parts.get(which)
            if p is None:
                return child
            if p.text_case:
                child = apply_case(child, p.text_case, ctx)
            if p.fmt:
                child = Node([child], fmt=p.fmt)
            return child

        def group(children: list, which: str) -> Child | None:
            kids = [c for c in children if c is not None and c != ""]
            if not kids or all(isinstance(c, str) and _is_glue(c) for c in kids):
                return None
            node: Child = kids[0] if len(kids) == 1 else Node(kids)
            p = parts.get(which)
            if p is not None and (p.prefix or p.suffix):
                node = Node([node], prefix=p.prefix, suffix=p.suffix)
            return node

        def joined(a: Child | None, b: Child | None, glue: str) -> list:
            if a is None:
                return [b]
            if b is None:
                return [a]
            return [a, glue, b]

        ndp_joins = name.ndp.endswith(_JOINING)
        family_with_ndp = joined(fmt(name.ndp, "family"), fmt(name.family, "family"),
                                 "" if ndp_joins else " ")
        if name.cjk or name.static:
            fam = group(family_with_ndp, "family")
            if form == "short":
                return fam or ""
            giv = group([fmt(given, "given")], "given")
            return Node(joined(fam, giv, "" if name.cjk else " "))
        if form == "short":
            return group(family_with_ndp, "family") or ""
        suffix = name.suffix
        suffix_period = ""
        if suffix and isinstance(opts.get("initialize-with"), str):
            suffix = self._initialize(suffix, opts.get("initialize-with"), False)
        if suffix.endswith("."):
            suffix, suffix_period = suffix[:-1], "."
        suffix_node: Child | None = None
        if suffix:
            suffix_node = Node([rich(suffix)], suffix=suffix_period) if suffix_period else rich(suffix)
        sep = opts.get("sort-separator", ", ")
        if given in ("Lord", "Lady"):
            sep = ", "  # a title, not a given name: always "Lord, Lady" (citeproc-js)
        if inverted:
            if self.demote in ("display-and-sort", "always"):
                first = group([fmt(name.family, "family")], "family")
                second_kids = joined(fmt(given, "given"), fmt(name.dp, "given"), " ")
                if name.ndp:
                    second_kids = joined(Node(second_kids) if second_kids != [None] else None,
                                         fmt(name.ndp, "family"), " ")
                second = group(second_kids, "given")
            else:
                first = group(family_with_ndp, "family")
                second = group(joined(fmt(given, "given"), fmt(name.dp, "given"), " "), "given")
            out = joined(first, second, sep)
            if suffix_node is not None:
                out = joined(Node(out) if out != [None] else None, suffix_node, sep)
            return Node([x for x in out if x is not None])
        space = " "
        init_opt = opts.get("initialize-with")
        if (init_opt and ("\u00a0" in init_opt or "\ufeff" in init_opt)
                and self.lang[:2] in ("fr", "ru", "cs")):
            space = "\u00a0"
        dp_node = fmt(name.dp, "given")
        if name.dp and not name.ndp and name.dp.endswith(_JOINING_DP) and name.dp[:-1] != "de":
            # "d'Aubignac" from a dropping particle "d'": no space
            family_with_ndp = joined(dp_node, fmt(name.family, "family"), "")
            dp_node = None
        if dp_node is not None:
            fam_kids = joined(dp_node, Node(family_with_ndp), space)
        else:
            fam_kids = family_with_ndp
        if suffix_node is not None:
            fam_kids = joined(Node(fam_kids), suffix_node, ", " if name.comma_suffix else " ")
        fam = group(fam_kids, "family")
        giv = group([fmt(given, "given")], "given")
        if giv is None:
            return fam or ""
        if fam is None:
            return giv
        gp = parts.get("given")
        if gp is not None and gp.suffix and gp.suffix[-1].isspace():
            space = ""  # the given name's suffix already ends in a space
        return Node([giv, space, fam])


_JOINING = ("'", "\u2019", "-", " ", "\u02bc")
_JOINING_DP = ("'", "\u02bc", "\u2019", "-")
_APOSTROPHE = re.compile("['\u2019]")


def _drop_apostrophe(text: str) -> str:
    return _APOSTROPHE.sub("", text, count=1) if text else text


def _is_glue(text: str) -> bool:
    return not text.strip()


def _int(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


# Given names are initialized as citeproc-js does: the name is split into words at spaces and
# hyphens (a hyphen before a lowercase letter does not split: "Seo-jin" is one word), a word
# written with periods ("J.P.") into one word per period. A word starting with a capital
# becomes its initial, except an abbreviation written with a period ("Ph.", "ME.") which is
# kept whole; words starting in lowercase ("de") are kept as they are.
_INIT_CAPS = ("A-Z\u0e01-\u0e5b\u00c0-\u017f\u0400-\u042f\u0590-\u05d4\u05d6-\u05ff\u0600-\u06ff"
              "\u0370\u0372\u0376\u0386\u0388-\u03ab\u03e2\u03e4\u03e6\u03e8\u03ea\u03ec\u03ee"
              "\u03f4\u03f7\u03fd-\u03ff")
_INIT_LETTERS = "a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0400-\u052f\u0600-\u06ff\u0370-\u03ff\u1f00-\u1fff"
_ROMAN_LETTERS = ("a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4"
                  "\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218-\u021b"
                  "\u202a-\u202e")
_NAME_INITIAL = re.compile("([%s])([%s]*)(\\.*)" % (_INIT_CAPS, _INIT_LETTERS))
_STARTS_ROMAN = re.compile("[&%s]" % _ROMAN_LETTERS)
_HAS_ROMAN = re.compile("[-0-9%s]" % _ROMAN_LETTERS)
_HYPHEN_LOWER = re.compile(r"-(?=[a-z])")
_SPACED_HYPHEN = re.compile(r"\s*-\s*")
_SPACES = re.compile(r"\s+")
# words are split at spaces, hyphens and the markup tags names may carry ("<b>John</b> Q.")
_WORD_SPLIT = re.compile(r'((?:[-\s]*(?:</?(?:i|sc|b|sub|sup)>|<span class="no(?:case|decor)">)[-\s]*'
                         r'|[-\s]+))')
_LEADING_TAGS = re.compile(r"^(?:<[^>]+>)*")
_TAG_RUN = re.compile(r"(?:<[^>]+>)+")
_TAG_WITH_HYPHENS = re.compile(r"-*<[^>]+>-*")
_ENDS_IN_SPACE = re.compile(r"(.*\S)?(\s+)", re.S)
_PERIOD_JOIN = re.compile(r"\.(?=[^ ])")
_TRAILING_SPACE = re.compile("[\t\n\x0b\x0c\r \ufeff\u00a0]+$")
_ASCII_SPACES = re.compile("[\t\n\x0b\x0c\r ]+")
_NONSPLIT_DASH = "\u2013"
_DASH_LOWER = re.compile("\u2013(?=[a-z])")


def initialize_given(given: str, terminator: str | None, initialize: bool = True,
                     hyphen: bool = True) -> str:
    """A given name initialized (initialize=True) or, with initialize="false", with only the
    initials it already has normalized to the terminator ("M.E" -> "M. E." with ". ")."""
    if not given:
        return ""
    terminator = terminator or ""
    if given in ("Lord", "Lady") or not _STARTS_ROMAN.match(_LEADING_TAGS.sub("", given)):
        return given
    name = given if hyphen else given.replace("-", " ")
    name = _SPACES.sub(" ", _SPACED_HYPHEN.sub("-", name))
    name = _HYPHEN_LOWER.sub(_NONSPLIT_DASH, name)
    name = _PERIOD_JOIN.sub(". ", name)  # a period inside a word ends it: "M.E." -> "M. E."
    parts = _WORD_SPLIT.split(name)
    if len(parts) == 1:
        tail = parts[0].rsplit(".", 1)[-1]
        if len(tail) == 1 and tail != tail.lower():
            parts[0] += "."
    out = _normalize_words(parts, terminator) if not initialize else _initial_words(parts, terminator)
    out = _TRAILING_SPACE.sub("", "".join(out))
    out = _ASCII_SPACES.sub(" ", _SPACED_HYPHEN.sub("-", out))
    return _DASH_LOWER.sub("-", out)


def _initial_words(parts: list[str], terminator: str) -> list[str]:
    n = len(parts)
    for i in range(0, n, 2):
        word = parts[i]
        if not word:
            continue
        m = _NAME_INITIAL.match(word)
        if m:
            head, rest, period = m.group(1), m.group(2), m.group(3)
            if rest and period:  # an abbreviation: "Ph.", "ME."
                head, rest = head + rest, ""
            extra = ""
            if rest:
                caps = 0
                while caps < len(rest) and rest[caps] == rest[caps].upper():
                    caps += 1
                if caps < len(rest):
                    extra = rest[:caps].lower()
            parts[i] = head + extra
            if i < n - 1:
                sep = parts[i + 1]
                if "-" in sep:
                    parts[i + 1] = _merge_tags(sep.replace("-", "", 1), terminator) + "-"
                else:
                    parts[i + 1] = _merge_tags(sep, terminator)
            else:
                parts.append(terminator)
        elif _HAS_ROMAN.search(word):
            parts[i] = " " + word
    return parts


def _normalize_words(parts: list[str], terminator: str) -> list[str]:
    n = len(parts)
    abbrev = [False] * n
    for i in range(0, n, 2):
        word = parts[i]
        bare = _LEADING_TAGS.sub("", word)
        if len(bare) > 1 and bare.endswith("."):
            k = word.rfind(".")
            parts[i] = word[:k] + word[k + 1:]
            abbrev[i] = True
        elif len(word) == 1 and word.upper() == word:
            abbrev[i] = True
    for i in range(0, n, 2):
        if not abbrev[i]:
            continue
        if i < n - 2:
            m = _TAG_RUN.search(parts[i + 1])
            sep = m.group() if m else parts[i + 1]
            if not abbrev[i + 2]:
                sep += " "
            if len(parts[i + 2]) > 1:
                parts[i + 1] = terminator.rstrip("\ufeff") + sep
            else:
                parts[i + 1] = _merge_tags(sep, terminator)
        if i == n - 1:
            parts[i] += terminator
    return parts


def _merge_tags(separator: str, terminator: str) -> str:
    """The terminator with the markup tags of the separator it replaces, put before the
    terminator's trailing space."""
    tags = _TAG_WITH_HYPHENS.findall(separator)
    if not tags:
        return terminator
    m = _ENDS_IN_SPACE.fullmatch(terminator)
    if m:
        return (m.group(1) or "") + "".join(tags) + m.group(2)
    return terminator + "".join(tags)
