"""Locale data for one style and language: terms, date formats and options.

The locales are found by citeproc-py (`citeproc.frontend.CitationStylesStyle` sets up the
list in the spec's fallback order: the style's own <locale> for the dialect, the language,
no language; then citeproc-py's locale files for the dialect, the primary dialect, en-US).
Here the list is flattened once into dictionaries, so that rendering never runs XPath.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CSL = "{http://purl.org/net/xbiblio/csl}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

FORM_FALLBACK = {
    "long": ("long",),
    "short": ("short", "long"),
    "verb": ("verb", "long"),
    "verb-short": ("verb-short", "verb", "long"),
    "symbol": ("symbol", "short", "long"),
}


@dataclass
class Term:
    single: str
    multiple: str
    gender: str | None = None
    match: str | None = None


@dataclass
class LocaleData:
    lang: str
    # (name, form, gender-form or None) -> Term, first definition wins
    terms: dict[tuple[str, str, str | None], Term] = field(default_factory=dict)
    # form ("text"/"numeric") -> (delimiter, [(name, attrs)])
    dates: dict[str, tuple[dict, list[dict]]] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def term(self, name: str, form: str = "long", plural: bool = False,
             gender: str | None = None) -> str | None:
        """The text of a term, following the spec's form fallbacks; None if undefined."""
        for f in FORM_FALLBACK.get(form, (form, "long")):
            t = self.terms.get((name, f, gender))
            if t is None and gender is not None:
                t = self.terms.get((name, f, None))
            if t is not None:
                return t.multiple if plural else t.single
        return None

    def term_obj(self, name: str, form: str = "long", gender: str | None = None) -> Term | None:
        for f in FORM_FALLBACK.get(form, (form, "long")):
            t = self.terms.get((name, f, gender))
            if t is not None:
                return t
        return None

    def has_term(self, name: str) -> bool:
        return any(k[0] == name for k in self.terms)

    @property
    def punctuation_in_quote(self) -> bool:
        return self.options.get("punctuation-in-quote") == "true"

    @property
    def limit_day_ordinals(self) -> bool:
        return self.options.get("limit-day-ordinals-to-day-1") == "true"

    def quotes(self) -> tuple[str, str, str, str]:
        return (self.term("open-quote") or "\u201c", self.term("close-quote") or "\u201d",
                self.term("open-inner-quote") or "\u2018",
                self.term("close-inner-quote") or "\u2019")


def _is_ordinal(name: str) -> bool:
    return name == "ordinal" or (name.startswith("ordinal-") and name[8:].isdigit())


def _text(el) -> str:
    text = el.text or ""
    if "\n" in text:
        text = text.strip()  # line breaks that lay out the XML are not part of the term
    return text


def build_locale(locales: list, lang: str) -> LocaleData:
    """Flatten citeproc-py's ordered list of <locale> elements."""
    data = LocaleData(lang=lang)
    for loc in locales:
        terms = loc.find(CSL + "terms")
        if terms is not None:
            # within one locale, a later definition of the same term replaces an earlier
            local: dict = {}
            for t in terms.iterchildren(CSL + "term"):
                name = t.get("name")
                form = t.get("form", "long")
                gform = t.get("gender-form")
                single_el = t.find(CSL + "single")
                multiple_el = t.find(CSL + "multiple")
                if single_el is not None or multiple_el is not None:
                    single = _text(single_el) if single_el is not None else _text(multiple_el)
                    multiple = _text(multiple_el) if multiple_el is not None else single
                else:
                    single = multiple = _text(t)
                local[(name, form, gform)] = Term(single, multiple, t.get("gender"), t.get("match"))
            # A locale that defines ordinals replaces the whole inherited ordinal set
            # (CSL 1.0.1): later locales' ordinal terms are then ignored.
            had_ordinals = any(_is_ordinal(k[0]) for k in data.terms)
            for k, v in local.items():
                if had_ordinals and _is_ordinal(k[0]):
                    continue
                data.terms.setdefault(k, v)
        for d in loc.iterchildren(CSL + "date"):
            form = d.get("form")
            if form and form not in data.dates:
                parts = [dict(p.attrib) for p in d.iterchildren(CSL + "date-part")]
                data.dates[form] = (dict(d.attrib), parts)
        opts = loc.find(CSL + "style-options")
        if opts is not None:
            for k, v in opts.attrib.items():
                data.options.setdefault(k, v)
    return data
