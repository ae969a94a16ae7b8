"""LaTeX in BibTeX and BibLaTeX values: escaping what we write, decoding what we read.

Writing keeps text UTF-8 and escapes only LaTeX's special characters (pandoc, biber and
citation.js read UTF-8); rich text (``<i>``, ``<b>``...) becomes ``\\textit`` and the like.
Reading decodes accents, symbols, dashes, quotes and the font commands (``\\emph`` ->
``<i>``) ourselves: bibtexparser's decoding middleware is 20 times slower and breaks URLs.
"""

from __future__ import annotations

import re
import unicodedata

# --------------------------------------------------------------------------- escaping


_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}
_SPECIAL_RE = re.compile(r"[\\{}%&$#_^~]|-(?=-)|`(?=`)|'(?=')")


def _escape_match(m: re.Match) -> str:
    s = m.group(0)
    if s in "-`'":  # TeX would make a ligature (-- ``): "{}" keeps the characters apart
        return s + "{}"
    return _ESCAPES[s]


def _nested(text: str) -> bool:
    depth = 0
    for c in text:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def escape(text: str) -> str:
    """``text`` as a BibTeX value: specials escaped, ligatures broken, Unicode kept.

    BibTeX counts every brace, escaped or not, so braces that do not pair up are
    written ``\\textbraceleft{}``/``\\textbraceright{}`` (pandoc drops those; citation.js
    and we read them); a line may not start with ``@`` (bibtexparser would take it for
    a new entry)."""
    if _SPECIAL_RE.search(text) is None:
        return text
    out = _SPECIAL_RE.sub(_escape_match, text)
    if ("{" in text or "}" in text) and not _nested(text):
        out = out.replace(r"\{", r"\textbraceleft{}").replace(r"\}", r"\textbraceright{}")
    if "\n" in out:
        out = re.sub(r"\n(\s*)@", r"\n\1{@}", out)
    return out


_MARKUP = {"i": r"\textit{", "b": r"\textbf{", "sup": r"\textsuperscript{",
           "sub": r"\textsubscript{"}
_TAG_SPLIT_RE = re.compile(r"(</?(?:i|b|sup|sub)>)")


def escape_rich(text: str) -> str:
    """Like :func:`escape`, and CSL rich text (``<i>``, ``<b>``, ``<sup>``, ``<sub>``),
    when its tags pair up, as LaTeX commands that pandoc and citation.js read back."""
    if "<" not in text:
        return escape(text)
    parts = _TAG_SPLIT_RE.split(text)
    stack: list[str] = []
    for p in parts[1::2]:
        name = p.strip("</>")
        if p.startswith("</"):
            if not stack or stack.pop() != name:
                return escape(text)
        else:
            stack.append(name)
    if stack:
        return escape(text)
    out = []
    for i, p in enumerate(parts):
        if i % 2 == 0:
            out.append(escape(p))
        else:
            out.append("}" if p.startswith("</") else _MARKUP[p.strip("<>")])
    return "".join(out)


def title_value(text: str) -> str:
    """A title protected from case changes: readers get it back exactly as written."""
    return "{" + escape_rich(text) + "}"


# --------------------------------------------------------------------------- LaTeX decoding

_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "d": "\u0323",
    "b": "\u0331", "r": "\u030a", "k": "\u0328", "t": "\u0361",
}
_SYMBOLS = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
    "textasciigrave": "`", "textquotesingle": "'", "textbraceleft": "{",
    "textbraceright": "}", "textendash": "–", "textemdash": "—", "textquotedblleft": "“",
    "textquotedblright": "”", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedbl": '"', "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«",
    "guillemetright": "»", "S": "§", "P": "¶", "copyright": "©", "textcopyright": "©",
    "dag": "†", "ddag": "‡", "pounds": "£", "textsterling": "£", "euro": "€",
    "texteuro": "€", "textregistered": "®", "texttrademark": "™", "ldots": "…",
    "dots": "…", "textellipsis": "…", "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
    "textdegree": "°", "textperiodcentered": "·", "textbullet": "•", "textless": "<",
    "textgreater": ">", "textbar": "|", "textunderscore": "_", "textdollar": "$",
    "textperthousand": "‰", "textexclamdown": "¡", "textquestiondown": "¿", "iexcl": "¡",
    "iquest": "¿", "slash": "/", "quad": " ", "qquad": " ", "space": " ", "relax": "",
    "noindent": "", "par": " ", "newline": " ", "linebreak": " ", "break": " ",
    "allowbreak": "", "hyphen": "-", "textemdashdash": "—", "nobreakspace": "\u00a0",
    "thinspace": "\u2009", "enspace": "\u2002", "textnbsp": "\u00a0",
}
_ESCAPED = {"%": "%", "&": "&", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
            ",": "\u2009", ";": " ", ":": " ", "!": "", "@": "", "/": "", "-": "",
            "\\": " ", "\n": " ", "\t": " ", "'": "'", "*": ""}
_WRAP = {"textit": ("<i>", "</i>"), "emph": ("<i>", "</i>"), "textsl": ("<i>", "</i>"),
         "mkbibemph": ("<i>", "</i>"), "mkbibitalic": ("<i>", "</i>"),
         "textbf": ("<b>", "</b>"), "mkbibbold": ("<b>", "</b>"),
         "textsuperscript": ("<sup>", "</sup>"), "mkbibsuperscript": ("<sup>", "</sup>"),
         "textsubscript": ("<sub>", "</sub>"),
         "textsc": ('<span style="font-variant:small-caps;">', "</span>"),
         "enquote": ("“", "”"), "mkbibquote": ("“", "”")}
_KEEP_ARG = {"textrm", "textsf", "texttt", "textup", "textnormal", "textmd", "mbox", "hbox",
             "text", "url", "nolinkurl", "nocase", "NoCaseChange", "ensuremath", "mathrm",
             "mathit", "mathbf", "uppercase", "MakeUppercase", "lowercase", "MakeLowercase",
             "protect", "path", "doi", "textlatin", "textgreek", "mathsf", "mathtt"}
_TOKEN_RE = re.compile(r"\\(?:[A-Za-z]+\s*|.|$)|[{}$]|[^\\{}$]+", re.DOTALL)
_NEEDS_DECODE_RE = re.compile(r"[\\{}$~]|--|``|''|\s\s|\n")
_WS_RE = re.compile(r"\s+")


def _ligatures(run: str) -> str:
    if "-" in run:
        run = run.replace("---", "—").replace("--", "–")
    if "`" in run or "'" in run:
        run = run.replace("``", "“").replace("''", "”")
    if "~" in run:
        run = run.replace("~", "\u00a0")
    return run


class _Decoder:
    """A small LaTeX reader for bibliography values (text mode, no macros of its own)."""

    def __init__(self, text: str) -> None:
        self.tokens = _TOKEN_RE.findall(text)
        self.pos = 0

    def _next(self) -> str | None:
        if self.pos >= len(self.tokens):
            return None
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def _argument(self) -> str:
        """The next argument: a braced group (decoded) or a single token/character."""
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        tok = self._next()
        if tok is None:
            return ""
        if tok == "{":
            return self.group()
        if tok.startswith("\\"):
            return self._command(tok)
        if tok in "}$":
            self.pos -= 1
            return ""
        # a plain run: the argument is its first character, the rest goes back
        first, rest = tok[0], tok[1:]
        if rest:
            self.tokens[self.pos - 1] = rest
            self.pos -= 1
        return first

    def _command(self, tok: str) -> str:
        name = tok[1:].rstrip()
        if len(name) == 1 and not name.isalpha() or name in _ACCENTS:
            if name in _ACCENTS:
                base = self._argument()
                if base == "ı":
                    base = "i"
                elif base == "ȷ":
                    base = "j"
                if not base:
                    return unicodedata.normalize("NFC", " " + _ACCENTS[name]).strip()
                return unicodedata.normalize("NFC", base[0] + _ACCENTS[name]) + base[1:]
            return _ESCAPED.get(name, name)
        if not name:
            return ""
        if name in _SYMBOLS:
            if self.pos < len(self.tokens) and self.tokens[self.pos] == "{" and \
                    self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1] == "}":
                self.pos += 2  # \ss{} -> ß
            return _SYMBOLS[name]
        if name in _WRAP:
            start, end = _WRAP[name]
            return start + self._argument() + end
        if name == "href":
            self._argument()
            return self._argument()
        if name in ("textcolor", "foreignlanguage", "hyphenation"):
            self._argument()
            return self._argument()
        return self._argument() if name in _KEEP_ARG else ""

    def group(self, top: bool = False) -> str:
        out: list[str] = []
        while True:
            tok = self._next()
            if tok is None:
                break
            if tok == "}":
                if top:
                    continue
                break
            if tok == "{":
                out.append(self.group())
            elif tok == "$":
                continue
            elif tok[0] == "\\":
                out.append(self._command(tok))
            else:
                out.append(_ligatures(tok))
        return "".join(out)


def decode(text: str) -> str:
    """LaTeX -> Unicode text: accents, escapes, dashes, quotes, ties; ``\\textit`` and
    ``\\emph`` become ``<i>`` (our rich text); braces go; whitespace collapses."""
    if _NEEDS_DECODE_RE.search(text) is None:
        return text.strip()
    out = _Decoder(text).group(top=True)
    return _WS_RE.sub(" ", out).strip() if ("  " in out or "\n" in out or "\t" in out) \
        else out.strip()


# Unicode noncharacters (U+FDD0-U+FDEF, and the last two code points of every plane):
# biber (Perl) refuses to read a file that holds one, so they are written as U+FFFD
_NONCHAR_RE = re.compile("[\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17)) + "]")


def without_nonchars(text: str) -> str:
    """``text`` with Unicode noncharacters replaced by U+FFFD."""
    return _NONCHAR_RE.sub("\ufffd", text) if _NONCHAR_RE.search(text) else text
