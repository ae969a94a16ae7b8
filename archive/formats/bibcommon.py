"""What the BibTeX and BibLaTeX formats share: the tables, and writing names and fields.

Names are written ``von Last, Jr, First`` with organizations in braces; titles are wrapped
in one extra pair of braces, because pandoc otherwise turns an English title into sentence
case ("an iPhone story about japan"). LaTeX escaping is in :mod:`.latex`, reading in
:mod:`.bibread`.
"""

from __future__ import annotations

import re
from typing import Any

from .latex import escape, escape_rich, title_value  # noqa: F401 (for bibtex.py, biblatex.py)

# --------------------------------------------------------------------------- tables

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
# @string macros every BibTeX style predefines: the months (to their English names)
PREDEFINED = {m: MONTH_NAMES[i].capitalize() for i, m in enumerate(MONTH_MACROS)}

# BCP 47 tag <-> babel/polyglossia language name (BibLaTeX ``langid``). One name per tag,
# so that a tag survives export and import; a few extra names are read too.
LANG_TO_BABEL = {
    "en": "english", "en-US": "american", "en-GB": "british", "en-AU": "australian",
    "en-CA": "canadian", "en-NZ": "newzealand", "ja": "japanese", "zh": "chinese",
    "ko": "korean", "fr": "french", "fr-CA": "canadien", "de": "ngerman", "de-AT": "naustrian",
    "de-CH": "nswissgerman", "es": "spanish", "it": "italian", "pt": "portuguese",
    "pt-BR": "brazilian", "ru": "russian", "uk": "ukrainian", "nl": "dutch", "pl": "polish",
    "ar": "arabic", "vi": "vietnamese", "sv": "swedish", "da": "danish", "nb": "norsk",
    "nn": "nynorsk", "fi": "finnish", "cs": "czech", "sk": "slovak", "el": "greek",
    "he": "hebrew", "hu": "magyar", "tr": "turkish", "id": "indonesian", "ca": "catalan",
    "ro": "romanian", "hr": "croatian", "sr": "serbian", "sl": "slovenian", "bg": "bulgarian",
    "et": "estonian", "lv": "latvian", "lt": "lithuanian", "hi": "hindi", "th": "thai",
    "fa": "persian", "la": "latin", "ga": "irish", "cy": "welsh", "is": "icelandic",
    "eu": "basque", "gl": "galician",
}
BABEL_TO_LANG = {v: k for k, v in LANG_TO_BABEL.items()}
BABEL_TO_LANG.update({
    "german": "de", "austrian": "de-AT", "swissgerman": "de-CH", "usenglish": "en-US",
    "american english": "en-US", "british english": "en-GB", "ukenglish": "en-GB",
    "brazil": "pt-BR", "norwegian": "nb", "hungarian": "hu", "portuges": "pt",
    "francais": "fr", "français": "fr", "deutsch": "de", "español": "es", "nihongo": "ja",
    "日本語": "ja", "中文": "zh", "한국어": "ko", "mandarin": "zh", "farsi": "fa",
})
_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")

# entry types -> our types (both dialects; BibLaTeX's aliases included)
ENTRY_TYPES = {
    "article": "article", "periodical": "article", "suppperiodical": "article",
    "inproceedings": "article", "conference": "article",
    "techreport": "report", "report": "report",
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book",
    "mvreference": "book", "booklet": "book", "manual": "book",
    "incollection": "chapter", "inbook": "chapter", "bookinbook": "chapter",
    "suppbook": "chapter", "suppcollection": "chapter", "inreference": "chapter",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "online": "webpage", "www": "webpage", "electronic": "webpage", "webpage": "webpage",
    "misc": "webpage", "unpublished": "report", "software": "webpage", "dataset": "report",
    "patent": "report", "standard": "report", "letter": "report", "artwork": "webpage",
    "audio": "webpage", "video": "webpage", "music": "webpage", "movie": "webpage",
    "image": "webpage", "performance": "speech", "jurisdiction": "report",
    "legislation": "report", "legal": "report",
}
# ``entrysubtype`` values we write to tell apart our types that share an entry type
SUBTYPES = {"op-ed": "newspaper", "commentary": "commentary", "blog-post": "blog",
            "webpage": "webpage", "interview": "interview", "speech": "speech"}
SUBTYPE_TO_OURS = {v: k for k, v in SUBTYPES.items()}
SUBTYPE_TO_OURS.update({"magazine": "article", "blogpost": "blog-post", "blog-post": "blog-post",
                        "op-ed": "op-ed"})
# BibLaTeX's localisation keys for ``type`` (a kind of document, never a series)
TYPE_KEYS = {
    "techreport": "Technical report", "resreport": "Research report",
    "phdthesis": "PhD thesis", "mathesis": "Master's thesis", "candthesis": "Candidate thesis",
    "bathesis": "Bachelor's thesis", "software": "Software", "datacd": "CD-ROM",
    "audiocd": "Audio CD",
}

# --------------------------------------------------------------------------- writing

_NAME_TOKEN_SPLIT_RE = re.compile(r"[\s~-]+")


def _plain_family(text: str) -> bool:
    """Whether BibTeX reads ``text`` as a family name without braces: every word
    (BibTeX splits at spaces and hyphens) starts with a letter that is not lower case."""
    if any(c in text for c in ",{}\\"):
        return False
    return all(t[:1].isalpha() and not t[0].islower()
               for t in _NAME_TOKEN_SPLIT_RE.split(text))

_AND_RE = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def _part(text: str, *, family: bool = False) -> str:
    """One name part, braced when BibTeX's name splitting could misread it."""
    out = escape(text)
    if (family and not _plain_family(text) or "," in text or "{" in out
            or _AND_RE.search(text)):
        return "{" + out + "}"
    return out


def format_name(agent: dict[str, Any]) -> str:
    """One of our agents as BibTeX writes a name: ``von Last, Jr, First`` or ``{Org}``."""
    if "family" not in agent:
        return "{" + escape(agent.get("organization", "")) + "}"
    family = _part(agent["family"], family=True)
    # both particles ("de" dropping, "La" non-dropping: Marie de La Fontaine)
    particle = " ".join(p for p in (agent.get("dropping_particle"),
                                    agent.get("non_dropping_particle")) if p)
    if particle:
        words = particle.split()
        von = []
        while words and words[0][:1].islower():
            von.append(words.pop(0))
        if "," in particle + agent["family"]:
            # biber refuses "van {,}" (too many commas) but reads "{van ,}"
            family = "{" + escape(particle) + " " + family.strip("{}") + "}"
        elif words:  # a particle in capitals is braced with the family name, after the
            # lowercase ones BibTeX reads as the von part: "de {La Fontaine}"
            family = " ".join([*(escape(w) for w in von),
                               "{" + escape(" ".join(words)) + " " + family.strip("{}") + "}"])
        else:
            family = " ".join(escape(w) for w in von) + " " + family
    given = agent.get("given")
    suffix = agent.get("suffix")
    if suffix:
        return f"{family}, {_part(suffix)}, {_part(given) if given else '{}'}"
    if given:
        return f"{family}, {_part(given)}"
    # alone, a braced name would be read as an organization, and "Le Guin" as given
    # name Le: "{Le Guin}, {}" is a family name with an empty given name (a trailing
    # comma would do for pandoc and citation.js, but biber warns about it)
    return family if " " not in family and not family.startswith("{") else family + ", {}"


def format_names(agents: list[dict[str, Any]]) -> str:
    return " and ".join(format_name(a) for a in agents)


def month_macro(month: int) -> str:
    return MONTH_MACROS[month - 1]


def field_line(name: str, value: str) -> str:
    return f"  {name} = {{{value}}},\n"


def keywords_value(subjects: list[str]) -> str:
    """Subjects comma separated; one that holds a comma or semicolon is braced."""
    return ", ".join("{" + escape(s) + "}" if ("," in s or ";" in s) else escape(s)
                     for s in subjects)


def pages_value(pages: str) -> str:
    """Page ranges as typed, an en dash as TeX's ``--`` (``12–15`` -> ``12--15``); a
    hyphen stays a hyphen (BibTeX styles and biber read ``12-15`` as a range too)."""
    return "--".join(escape(p) for p in pages.split("–"))


def babel_name(tag: str) -> str | None:
    return LANG_TO_BABEL.get(tag)


def language_name(tag: str) -> str:
    """A tag's English language name for sentences ("Japanese"), or the tag itself."""
    name = LANG_TO_BABEL.get(tag) or LANG_TO_BABEL.get(tag.split("-")[0])
    names = {"ngerman": "German", "american": "English", "british": "English",
             "brazilian": "Portuguese", "magyar": "Hungarian", "norsk": "Norwegian",
             "nynorsk": "Norwegian", "naustrian": "German", "nswissgerman": "German",
             "canadien": "French", "australian": "English", "canadian": "English",
             "newzealand": "English"}
    if not name:
        return tag
    return names.get(name, name.capitalize())


def names_text(agents: list[dict[str, Any]]) -> str:
    """Names as a sentence shows them: "Jane Doe and Shin Tokiwa"."""
    out = []
    for a in agents:
        if "family" not in a:
            out.append(a.get("organization", ""))
            continue
        family = " ".join(p for p in (a.get("dropping_particle"),
                                      a.get("non_dropping_particle"), a["family"]) if p)
        if a.get("order") == "family-first":
            words = [family, a.get("given")]
        else:
            words = [a.get("given"), family]
        text = " ".join(w for w in words if w)
        if a.get("suffix"):
            text += f", {a['suffix']}"
        out.append(text)
    if len(out) <= 2:
        return " and ".join(out)
    return ", ".join(out[:-1]) + " and " + out[-1]


def provenance_sentence(data: dict[str, Any]) -> str:
    """The translation's provenance as one sentence for a note (BibTeX has no fields)."""
    original = data.get("original") or {}
    translators = data.get("translators") or []
    if not original and not translators:
        return ""
    text = "Translated"
    if original.get("language"):
        text += f" from {language_name(original['language'])}"
    if translators:
        text += f" by {names_text(translators)}"
    parts = []
    title = original.get("title") or original.get("title_original_script")
    if title:
        parts.append(f"original title “{title}”")
    where = original.get("venue") or original.get("publisher")
    if where or original.get("issued"):
        pub = "originally published"
        if where:
            pub += f" in {where}"
            if original.get("venue") and original.get("publisher"):
                pub += f" ({original['publisher']})"
        if original.get("place"):
            pub += f", {original['place']}"
        if original.get("issued"):
            pub += f" on {original['issued']}" if len(original["issued"]) == 10 else \
                f" in {original['issued']}"
        parts.append(pub)
    if original.get("url"):
        parts.append(f"original at {original['url']}")
    if parts:
        text += "; " + "; ".join(parts)
    return text + "."


def checksum_ok(kind: str, value: str) -> bool:
    """Whether an ISBN (10 or 13 digits) or ISSN has a right check digit, as biber checks
    before it accepts the field."""
    digits = re.sub(r"[\s-]", "", value).upper()
    if kind == "issn":
        if not re.fullmatch(r"\d{7}[\dX]", digits):
            return False
        total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
        check = (11 - total % 11) % 11
        return digits[7] == ("X" if check == 10 else str(check))
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
        check = (11 - total % 11) % 11
        return digits[9] == ("X" if check == 10 else str(check))
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return int(digits[12]) == (10 - total % 10) % 10
    return False
