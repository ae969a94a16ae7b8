"""The output model of the engine: rich text, and how it is written out.

Rendering produces a tree of `Node`s (formatting, quotes, affixes, delimiters, display)
whose leaves are strings. `serialize` flattens the tree into tokens, then applies the
typographic rules the reference processor applies when it writes a cite out:

- nested quotes alternate between the locale's outer and inner quotes (flip-flop), and
  italics inside italics turn upright (likewise bold and small caps);
- punctuation that follows a closing quote moves inside it when the locale asks
  (`punctuation-in-quote`), and doubled punctuation ("?." or "..") collapses;
- straight apostrophes become typographic;
- each output format escapes what it must (HTML entities, RTF control words, Markdown).

Input strings may carry the markup CSL-JSON allows in titles: <i>, <b>, <sc>, <sup>,
<sub>, <span style="font-variant:small-caps;">, <span class="nocase">, and quotes.
`parse_rich` turns such a string into nodes.
"""

from __future__ import annotations

import re
from typing import Union

Child = Union["Node", str]

# Formatting keys (CSL attribute names) and their values.
FONT_STYLE = "font-style"
FONT_VARIANT = "font-variant"
FONT_WEIGHT = "font-weight"
TEXT_DECORATION = "text-decoration"
VERTICAL_ALIGN = "vertical-align"
FORMAT_KEYS = (FONT_STYLE, FONT_VARIANT, FONT_WEIGHT, TEXT_DECORATION, VERTICAL_ALIGN)


class Node:
    """A piece of output: children (nodes or strings) joined by `delimiter`, wrapped in
    formatting, optional quotes, affixes and a display block."""

    __slots__ = ("children", "prefix", "suffix", "delimiter", "fmt", "quotes", "display",
                 "nocase", "tag")

    def __init__(self, children: list[Child] | None = None, *, prefix: str = "",
                 suffix: str = "", delimiter: str = "", fmt: tuple = (), quotes: bool = False,
                 display: str | None = None, nocase: bool = False, tag: str | None = None):
        self.children = children if children is not None else []
        self.prefix = prefix
        self.suffix = suffix
        self.delimiter = delimiter
        self.fmt = fmt
        self.quotes = quotes
        self.display = display
        self.nocase = nocase
        self.tag = tag

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        bits = [repr(c) for c in self.children]
        extra = []
        for name in ("prefix", "suffix", "delimiter", "fmt", "quotes", "display", "tag"):
            v = getattr(self, name)
            if v:
                extra.append(f"{name}={v!r}")
        return f"Node([{', '.join(bits)}]{', ' if extra else ''}{', '.join(extra)})"

    def is_empty(self) -> bool:
        for c in self.children:
            if c.__class__ is str:
                if c:
                    return False
            elif not c.is_empty():
                return False
        return True


def plain(child: Child | None, quotes: bool = True) -> str:
    """The text of a node without formatting or punctuation rules (used for sort keys,
    disambiguation comparisons and conditions); quote marks only if `quotes`."""
    if child is None:
        return ""
    if isinstance(child, str):
        return child
    inner = child.delimiter.join(t for t in (plain(c, quotes) for c in child.children) if t)
    if not inner:
        return ""
    if child.quotes and quotes:
        inner = "\u201c" + inner + "\u201d"
    return child.prefix + inner + child.suffix


def leaves(child: Child, protected: bool = False, out: list | None = None) -> list:
    """(node, index, protected) for every string leaf, in order (for text-case)."""
    if out is None:
        out = []
    if isinstance(child, Node):
        # text-case leaves nocase spans and <sc>, <sup>, <sub> markup alone (citeproc-js)
        prot = protected or child.nocase or child.tag in ("sc", "sup", "sub")
        for i, c in enumerate(child.children):
            if isinstance(c, str):
                out.append((child, i, prot))
            else:
                leaves(c, prot, out)
    return out


def map_text(child: Child, fn) -> Child:
    """Apply fn to every string leaf that is not protected by nocase."""
    if isinstance(child, str):
        return fn(child)
    for i, c in enumerate(child.children):
        if isinstance(c, str):
            if not child.nocase:
                child.children[i] = fn(c)
        elif not c.nocase:
            map_text(c, fn)
    return child


# --------------------------------------------------------------------------------------
# Rich text in input strings

_TAG_RE = re.compile(
    r'(<i>|</i>|<b>|</b>|<sc>|</sc>|<sup>|</sup>|<sub>|</sub>|<em>|</em>|<strong>|</strong>'
    r'|<span\s+style="font-variant:\s*small-caps;?">|<span\s+class="nocase">|<span\s+class="nodecor">'
    r'|<span\s+style="font-style:\s*italic;?">|<span\s+style="font-weight:\s*bold;?">|</span>'
    r'|"|\u201c|\u201d|\'|\u2018|\u2019)'
)
_OPEN_TAGS = {
    "<i>": ("i", (FONT_STYLE, "italic")),
    "<em>": ("em", (FONT_STYLE, "italic")),
    "<b>": ("b", (FONT_WEIGHT, "bold")),
    "<strong>": ("strong", (FONT_WEIGHT, "bold")),
    "<sc>": ("sc", (FONT_VARIANT, "small-caps")),
    "<sup>": ("sup", (VERTICAL_ALIGN, "sup")),
    "<sub>": ("sub", (VERTICAL_ALIGN, "sub")),
}
_CLOSE_TAGS = {"</i>": "i", "</em>": "em", "</b>": "b", "</strong>": "strong", "</sc>": "sc",
               "</sup>": "sup", "</sub>": "sub", "</span>": "span"}
# <span class="nodecor">: upright, roman, normal weight inside whatever surrounds it
_NODECOR = ((FONT_STYLE, "normal"), (FONT_VARIANT, "normal"), (FONT_WEIGHT, "normal"))
_WORDCHAR = re.compile(r"\w", re.UNICODE)


def _is_word(ch: str) -> bool:
    return bool(ch) and bool(_WORDCHAR.match(ch))


_GUILLEMET_SPACE = re.compile(r"(\u00ab)[ \u00a0]|[ \u00a0](\u00bb)")
# typed curly quotes keep their level at the outer level (citeproc-js)
_TYPED_QUOTE_TAG = {"\u201c": "q2", "\u2018": "q1"}


def parse_rich(text: str) -> list[Child]:
    """Parse the markup and quotes CSL-JSON strings may carry into nodes.

    Unbalanced tags are kept as literal text; an apostrophe between letters becomes ’;
    a space inside typed « » becomes a narrow no-break space."""
    if "\u00ab" in text or "\u00bb" in text:
        text = _GUILLEMET_SPACE.sub(lambda m: m.group(1) + "\u202f" if m.group(1) else "\u202f" + m.group(2), text)
    if not any(c in text for c in "<\"'\u201c\u201d\u2018\u2019"):
        return [text]
    parts = _TAG_RE.split(text)
    # parts alternates: text, tag, text, tag, ...
    root = Node(tag="root")
    stack: list[tuple[Node, str, int]] = []  # (node, closer-kind, index of opener in parts)
    cur = root
    n = len(parts)
    # Pre-compute which quote marks have a matching partner, scanning with a stack.
    quote_role: dict[int, str] = {}
    qstack: list[tuple[int, str]] = []
    for idx in range(1, n, 2):
        tok = parts[idx]
        if tok not in ("\"", "'", "\u201c", "\u201d", "\u2018", "\u2019"):
            continue
        before = parts[idx - 1][-1:] if parts[idx - 1] else (parts[idx - 2][-1:] if idx >= 2 else "")
        after = parts[idx + 1][:1] if idx + 1 < n and parts[idx + 1] else ""
        if tok in ("'", "\u2019") and _is_word(before) and (_is_word(after) or after == ""):
            if _is_word(after) or not any(k in ("'", "\u2018") for _, k in qstack):
                quote_role[idx] = "apos"
                continue
        if tok in ("\u201c", "\u2018"):
            qstack.append((idx, "\"" if tok == "\u201c" else "'"))
            continue
        if tok in ("\u201d", "\u2019"):
            kind = "\"" if tok == "\u201d" else "'"
            for j in range(len(qstack) - 1, -1, -1):
                if qstack[j][1] == kind:
                    quote_role[qstack[j][0]] = "open"
                    quote_role[idx] = "close"
                    del qstack[j:]
                    break
            else:
                quote_role[idx] = "apos" if kind == "'" else "literal"
            continue
        # straight quotes: a closer needs a non-space before it, an opener a non-space after
        kind = tok
        can_close = bool(qstack) and qstack[-1][1] == kind and bool(before) and not before.isspace()
        nxt = after
        if not nxt and idx + 2 < n and parts[idx + 2] != tok and not parts[idx + 2].startswith("</"):
            nxt = parts[idx + 2][:1]  # an opening tag or another quote mark follows
        can_open = (not _is_word(before) and (not before or before not in ".,;:!?)")
                    and bool(nxt) and not nxt.isspace())
        if can_close and (not can_open or not _is_word(after)):
            quote_role[qstack[-1][0]] = "open"
            quote_role[idx] = "close"
            qstack.pop()
        elif can_open:
            qstack.append((idx, kind))
        elif can_close:
            quote_role[qstack[-1][0]] = "open"
            quote_role[idx] = "close"
            qstack.pop()
        else:
            quote_role[idx] = "apos" if kind == "'" else "literal"
    for idx, _ in qstack:
        quote_role[idx] = "apos" if parts[idx] == "'" else "literal"

    # Tag matching: find openers with a closer.
    tag_match: dict[int, int] = {}
    tstack: list[tuple[int, str]] = []
    for idx in range(1, n, 2):
        tok = parts[idx]
        if tok in _OPEN_TAGS:
            tstack.append((idx, _OPEN_TAGS[tok][0]))
        elif tok.startswith("<span"):
            tstack.append((idx, "span"))
        elif tok in _CLOSE_TAGS:
            kind = _CLOSE_TAGS[tok]
            for j in range(len(tstack) - 1, -1, -1):
                if tstack[j][1] == kind:
                    tag_match[tstack[j][0]] = idx
                    tag_match[idx] = tstack[j][0]
                    del tstack[j:]
                    break

    def add_text(s: str) -> None:
        if not s:
            return
        if cur.children and isinstance(cur.children[-1], str):
            cur.children[-1] += s
        else:
            cur.children.append(s)

    for idx, part in enumerate(parts):
        if idx % 2 == 0:
            add_text(part)
            continue
        role = quote_role.get(idx)
        if role == "apos":
            add_text("\u2019")
            continue
        if role == "literal":
            add_text(part)
            continue
        if role == "open":
            # typed curly double quotes stay double at the outer level (citeproc-js)
            node = Node(quotes=True, tag=_TYPED_QUOTE_TAG.get(parts[idx], "q"))
            cur.children.append(node)
            stack.append((cur, "q", idx))
            cur = node
            continue
        if role == "close":
            if stack:
                if idx + 1 < n and parts[idx + 1][:1] in _ALL_PUNCT and parts[idx + 1]:
                    # punctuation typed after the quote stays outside it (citeproc-js)
                    cur.tag += "x"
                cur = stack.pop()[0]
            continue
        if idx not in tag_match:
            add_text(part)
            continue
        if part in _OPEN_TAGS or part.startswith("<span"):
            if part in _OPEN_TAGS:
                node = Node(fmt=(_OPEN_TAGS[part][1],), tag=_OPEN_TAGS[part][0])
            elif "nocase" in part:
                node = Node(nocase=True, tag="nocase")
            elif "nodecor" in part:
                node = Node(fmt=_NODECOR, tag="nodecor", nocase=True)
            elif "small-caps" in part:
                node = Node(fmt=((FONT_VARIANT, "small-caps"),), tag="sc")
            elif "italic" in part:
                node = Node(fmt=((FONT_STYLE, "italic"),), tag="i")
            else:
                node = Node(fmt=((FONT_WEIGHT, "bold"),), tag="b")
            cur.children.append(node)
            stack.append((cur, "tag", idx))
            cur = node
        else:
            if stack:
                cur = stack.pop()[0]
    return root.children


def rich(text: str) -> Child:
    """One child for a string that may carry markup."""
    kids = parse_rich(text)
    if len(kids) == 1 and isinstance(kids[0], str):
        return kids[0]
    return Node(kids)


# --------------------------------------------------------------------------------------
# Flattening and the typographic rules

# token kinds
T_TEXT, T_OPEN, T_CLOSE = 0, 1, 2


def _flatten(child: Child, out: list, qdepth: int, active: dict) -> None:
    if isinstance(child, str):
        if child:
            out.append((T_TEXT, child))
        return
    if child.is_empty():
        return
    opened = []
    if child.display:
        out.append((T_OPEN, ("display", child.display)))
        opened.append(("display", child.display))
    prefix, suffix = child.prefix, child.suffix
    parens = prefix.endswith("(") and suffix.startswith(")") and child.tag != "verbatim-affixes"
    if parens:
        if active.get("(", 0):
            # parentheses inside parentheses become brackets
            prefix = prefix[:-1] + "["
            suffix = "]" + suffix[1:]
        active["("] = active.get("(", 0) + 1
    if prefix:
        out.append((T_TEXT, prefix))
    saved = {}
    for key, value in child.fmt:
        prev = active.get(key)
        if value == "normal" or value == "none" or value == "baseline":
            if prev in (None, "normal", "none", "baseline"):
                continue  # nothing to undo
            eff = value
        elif prev == value and key in (FONT_STYLE, FONT_WEIGHT, FONT_VARIANT):
            eff = "normal"  # flip-flop: italic inside italic turns upright
        elif prev == value:
            continue
        else:
            eff = value
        saved[key] = prev
        active[key] = None if eff in ("normal", "none", "baseline") else eff
        out.append((T_OPEN, (key, eff)))
        opened.append((key, eff))
    if child.quotes:
        tag = child.tag or ""
        if qdepth == 0 and tag.startswith("q2"):
            level = 2
        elif qdepth == 0 and tag.startswith("q1"):
            level = 3
        else:
            level = qdepth % 2
        out.append((T_OPEN, ("quote", level)))
        opened.append(("quote", level))
        qdepth += 1
    first = True
    for c in child.children:
        if isinstance(c, Node) and c.is_empty() or c == "":
            continue
        if not first and child.delimiter:
            out.append((T_TEXT, child.delimiter))
        first = False
        _flatten(c, out, qdepth, active)
    for tok in reversed(opened):
        if tok[0] == "display":
            continue
        out.append((T_CLOSE, tok))
    if child.quotes and child.tag and child.tag.endswith("x"):
        out.append((T_OPEN, ("nomove", 0)))
    for key, prev in saved.items():
        active[key] = prev
    if parens:
        active["("] -= 1
    if suffix:
        out.append((T_TEXT, suffix))
    if child.display:
        out.append((T_CLOSE, ("display", child.display)))


_ROMANESQUE = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def cjk_only(child: Child) -> bool:
    text = plain(child, quotes=False)
    return bool(_CJK.search(text)) and not _ROMANESQUE.search(text)


_END_PUNCT = ".!?"
_ALL_PUNCT = ".,;:!?"


def _collapse_spaces(tokens: list) -> list:
    """A space that follows a space of the text right before it goes (a suffix " " then a
    prefix " ", a delimiter ". " then a prefix " "), as citeproc-js joins plain strings."""
    out = list(tokens)
    for i in range(1, len(out)):
        kind, text = out[i]
        prev_kind, prev = out[i - 1]
        if (kind == T_TEXT and prev_kind == T_TEXT and text[:1] == " " and prev[-1:] == " "):
            out[i] = (T_TEXT, text[1:])
    return [t for t in out if not (t[0] == T_TEXT and t[1] == "")]


def _merge_punct(last: str, first: str) -> int:
    """What happens when punctuation `first` follows punctuation `last` (citeproc-js):
    0 both stay, 1 `first` is dropped, 2 `first` replaces `last`."""
    if first == last:
        return 1
    if first == ":":
        return 1 if last in ";!?" else 0
    if first == ".":
        return 1 if last in ":;!?" else 0
    if first in "!?":
        return 2 if last in ":;" else 0
    return 0


_INTO_QUOTE = ".,!?"


def _fix_punctuation(tokens: list, punct_in_quote: bool) -> list:
    """Collapse spaces and doubled punctuation across token seams and move punctuation
    inside closing quotes when the locale asks."""
    toks = [list(t) for t in tokens]
    for i, tok in enumerate(toks):
        if tok[0] != T_TEXT or not tok[1]:
            continue
        first = tok[1][0]
        if first == " ":
            # a space at a seam after a space collapses (citeproc-js)
            j = i - 1
            while j >= 0 and (toks[j][0] != T_TEXT and toks[j][1][0] != "display"
                              or toks[j][0] == T_TEXT and not toks[j][1]):
                j -= 1
            if j >= 0 and toks[j][0] == T_TEXT and toks[j][1].endswith((" ", "\u00a0")):
                tok[1] = tok[1].lstrip(" ")
            continue
        while tok[1] and tok[1][0] in _ALL_PUNCT:
            first = tok[1][0]
            j = i - 1
            crossed_quote = False
            while j >= 0 and (toks[j][0] != T_TEXT or not toks[j][1]):
                if toks[j][0] == T_CLOSE and toks[j][1][0] == "quote":
                    crossed_quote = True
                if toks[j][0] == T_OPEN:
                    j = -1
                    break
                j -= 1
            if j < 0:
                break
            prev = toks[j][1]
            last = prev[-1]
            action = _merge_punct(last, first) if last in _ALL_PUNCT else 0
            if action == 1:
                tok[1] = tok[1][1:]
                continue
            if action == 2:
                toks[j][1] = prev[:-1]
                continue
            if crossed_quote and punct_in_quote and first in _INTO_QUOTE:
                toks[j][1] = prev + first
                tok[1] = tok[1][1:]
                continue
            break
    return [tuple(t) for t in toks if not (t[0] == T_TEXT and t[1] == "")]


class Formatter:
    """Writes tokens in one output format."""

    name = "text"

    def escape(self, text: str) -> str:
        return text

    def open(self, key: str, value) -> str:
        return ""

    def close(self, key: str, value) -> str:
        return ""


class TextFormatter(Formatter):
    name = "text"

    def open(self, key, value):
        if key == "display" and value == "indent":
            return "    "
        return ""

    def close(self, key, value):
        if key == "display" and value == "left-margin":
            return " "
        return ""


def _superscripts() -> dict[str, str]:
    """Unicode superscript characters and what they raise (citeproc-js writes them as
    <sup>x</sup> in HTML)."""
    import unicodedata

    ranges = [(0xAA, 0xAA), (0xB2, 0xB3), (0xB9, 0xBA), (0x2B0, 0x2B8), (0x2E0, 0x2E4),
              (0x1D2C, 0x1D2E), (0x1D30, 0x1D3A), (0x1D3C, 0x1D4D), (0x1D4F, 0x1D61),
              (0x2070, 0x2071), (0x2074, 0x207F), (0x2120, 0x2120), (0x2122, 0x2122),
              (0x3192, 0x319F)]
    out = {}
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            dec = unicodedata.decomposition(chr(cp))
            if dec.startswith("<super>"):
                out[chr(cp)] = "".join(chr(int(h, 16)) for h in dec.split()[1:])
    out.update({"\u02c0": "\u0294", "\u02c1": "\u0295", "\u06e5": "\u0648", "\u06e6": "\u064a"})
    return out


_SUPERSCRIPTS = _superscripts()
_SUPERSCRIPT_RE = re.compile("[" + "".join(sorted(_SUPERSCRIPTS)) + "]")
_SUPERSCRIPT_CHARS = _SUPERSCRIPT_RE


class HtmlFormatter(Formatter):
    name = "html"
    _open = {
        (FONT_STYLE, "italic"): "<i>", (FONT_STYLE, "oblique"): "<em>",
        (FONT_STYLE, "normal"): '<span style="font-style:normal;">',
        (FONT_VARIANT, "small-caps"): '<span style="font-variant:small-caps;">',
        (FONT_VARIANT, "normal"): '<span style="font-variant:normal;">',
        (FONT_WEIGHT, "bold"): "<b>", (FONT_WEIGHT, "normal"): '<span style="font-weight:normal;">',
        (FONT_WEIGHT, "light"): "",
        (TEXT_DECORATION, "underline"): '<span style="text-decoration:underline;">',
        (TEXT_DECORATION, "none"): '<span style="text-decoration:none;">',
        (VERTICAL_ALIGN, "sup"): "<sup>", (VERTICAL_ALIGN, "sub"): "<sub>",
        (VERTICAL_ALIGN, "baseline"): '<span style="baseline">',
    }
    _close = {
        "<i>": "</i>", "<em>": "</em>", "<b>": "</b>", "<sup>": "</sup>", "<sub>": "</sub>",
        "": "",
    }

    def escape(self, text):
        text = text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
        if _SUPERSCRIPT_CHARS.search(text):
            # superscript letters and digits ("1ʳᵉ", "nª") as <sup> markup, as citeproc-js
            text = _SUPERSCRIPT_CHARS.sub(lambda m: "<sup>%s</sup>" % _SUPERSCRIPTS[m.group()], text)
        return text

    def open(self, key, value):
        if key == "display":
            return f'<div class="csl-{value}">'
        return self._open.get((key, value), "")

    def close(self, key, value):
        if key == "display":
            return "</div>"
        o = self._open.get((key, value), "")
        return self._close.get(o, "</span>")


class MarkdownFormatter(Formatter):
    name = "markdown"
    _marks = {(FONT_STYLE, "italic"): "*", (FONT_STYLE, "oblique"): "*",
              (FONT_WEIGHT, "bold"): "**", (VERTICAL_ALIGN, "sup"): "^",
              (VERTICAL_ALIGN, "sub"): "~"}
    _esc = re.compile(r"([\\`*_\[\]<>#^~|])")

    def escape(self, text):
        return self._esc.sub(r"\\\1", text)

    def open(self, key, value):
        if key == "display":
            return " " if value == "right-inline" else ""
        if (key, value) == (FONT_VARIANT, "small-caps"):
            return "["
        return self._marks.get((key, value), "")

    def close(self, key, value):
        if key == "display":
            return ""
        if (key, value) == (FONT_VARIANT, "small-caps"):
            return "]{.smallcaps}"
        return self._marks.get((key, value), "")


class RtfFormatter(Formatter):
    name = "rtf"
    _open = {(FONT_STYLE, "italic"): "{\\i ", (FONT_STYLE, "oblique"): "{\\i ",
             (FONT_STYLE, "normal"): "{\\i0 ", (FONT_WEIGHT, "bold"): "{\\b ",
             (FONT_WEIGHT, "normal"): "{\\b0 ", (FONT_VARIANT, "small-caps"): "{\\scaps ",
             (FONT_VARIANT, "normal"): "{\\scaps0 ",
             (TEXT_DECORATION, "underline"): "{\\ul ", (TEXT_DECORATION, "none"): "{\\ul0 ",
             (VERTICAL_ALIGN, "sup"): "{\\super ", (VERTICAL_ALIGN, "sub"): "{\\sub ",
             (VERTICAL_ALIGN, "baseline"): "{\\nosupersub "}

    def escape(self, text):
        out = []
        for ch in text:
            o = ord(ch)
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ch == "\t":
                out.append("\\tab ")
            elif o < 128:
                out.append(ch)
            elif o < 0x10000:
                out.append("\\uc0\\u%d{}" % (o if o < 32768 else o - 65536))
            else:
                o -= 0x10000
                for u in (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)):
                    out.append("\\uc0\\u%d{}" % (u - 65536))
        return "".join(out)

    def open(self, key, value):
        if key == "display":
            return "\\tab " if value == "right-inline" else ""
        return self._open.get((key, value), "{")

    def close(self, key, value):
        if key == "display":
            return ""
        return "}"


FORMATTERS = {"text": TextFormatter(), "html": HtmlFormatter(), "markdown": MarkdownFormatter(),
              "rtf": RtfFormatter()}


def serialize(child: Child | None, formatter: Formatter, quotes: tuple[str, str, str, str],
              punct_in_quote: bool) -> str:
    """Write a node out: quotes flip-flopped, punctuation fixed, escaped for the format.

    quotes = (open, close, open-inner, close-inner) from the locale."""
    if child is None:
        return ""
    tokens: list = []
    _flatten(child, tokens, 0, {})
    tokens = _fix_punctuation(_collapse_spaces(tokens), punct_in_quote)
    if (len(tokens) > 1 and tokens[0][0] == T_OPEN and tokens[0][1][0] == "display"
            and tokens[1][0] == T_TEXT and tokens[1][1][:1].isspace()):
        # space that opens the first display block goes before it (citeproc-js)
        text = tokens[1][1]
        body = text.lstrip()
        tokens = [(T_TEXT, text[:len(text) - len(body)]), tokens[0]] + \
            ([(T_TEXT, body)] if body else []) + tokens[2:]
    if (len(tokens) > 1 and tokens[-1][0] == T_CLOSE and tokens[-1][1][0] == "display"
            and tokens[-2][0] == T_TEXT and tokens[-2][1][-1:].isspace()):
        # and space that closes the last one goes after it
        text = tokens[-2][1]
        body = text.rstrip()
        tokens = tokens[:-2] + ([(T_TEXT, body)] if body else []) + \
            [tokens[-1], (T_TEXT, text[len(body):])]
    out = []
    for kind, val in tokens:
        if kind == T_TEXT:
            out.append(formatter.escape(val))
        elif val[0] == "quote":
            if val[1] == 2:
                mark = "\u201c" if kind == T_OPEN else "\u201d"
            elif val[1] == 3:
                mark = "\u2018" if kind == T_OPEN else "\u2019"
            else:
                mark = quotes[0 if val[1] == 0 else 2] if kind == T_OPEN else quotes[1 if val[1] == 0 else 3]
            out.append(formatter.escape(mark))
        elif val[0] == "nomove":
            continue
        elif kind == T_OPEN:
            out.append(formatter.open(*val))
        else:
            out.append(formatter.close(*val))
    return "".join(out)


