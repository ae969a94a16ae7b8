"""Sort keys that order strings as citeproc-js does under Node.

citeproc-js compares sort keys with
``a.toLocaleLowerCase().localeCompare(b.toLocaleLowerCase(), locale,
{sensitivity: "base", ignorePunctuation: true, numeric: true})``
(``CSL.getSortCompare``), i.e. ICU collation at primary strength with
punctuation and spaces ignored and digit runs compared as numbers. So:

* case and diacritics do not count at all: "Ōta" == "Ota", "Müller" ==
  "Muller" (ties then fall to the next sort key, then to input order);
* spaces and punctuation (Unicode P*, Z*, controls) are ignored anywhere:
  "de la Cruz" == "Delacruz", "“Quoted”" == "Quoted", "O'Brien" == "OBrien";
* symbols (S*: "|", "+", "$", "^") are not ignored and sort before digits,
  digits before letters; digit runs compare by value ("2" < "10", "01" == "1");
* letters follow the ICU root (CLDR) order, which is the order for English,
  French and German: "ø" == "o", "ł" == "l", "đ"/"ð" == "d", "æ" == "ae",
  "œ" == "oe", "ß" == "ss", while "ŋ", "ı", "ə", "þ", "ʒ"... are letters of
  their own (after n, i, e, z, z...). The table below was measured on Node 20
  (ICU 78.2) for all Latin letters that do not decompose to a-z.
* other scripts sort after Latin by code point (Greek, Cyrillic, Hangul, kana,
  Han); katakana is folded to hiragana and small kana to full size. Han
  characters are in code point order (root), not the ja-JP tailoring.

:func:`sort_key` returns a ``str`` (fast to build and to compare): two texts
get equal keys exactly when citeproc-js finds them equal. It is not text to
show.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["sort_key", "compare"]

# Weight ranges (characters of the key string, compared by code point).
_SYM = 0xA0000  # symbols, by code point (currency after the others)
_CUR = 0xB0000
_NUM = 0xC0000  # a digit run: length marker, then its digits
_PLAIN = 0xC4000  # digits that are not in a run of decimal digits ("²", "½")
_LAT = 0xC8000  # Latin letters by _LATIN_ORDER rank
_LAT_OTHER = 0xC9000  # Latin letters missing from the table, by code point
_JA = 0xCA000  # ja: kana and Han right after Latin (the ja-JP script order)
_OTHER = 0xD8000  # letters of other scripts, by code point (< 0x38000)

# Latin letters that are not a-z with marks, in ICU root primary order (measured
# on Node 20); letters that decompose to one of these are left to NFKD.
_LATIN_ORDER = (
    "ꞈaẚⱥꞻꬱɐɑꬰɒꭤbʙƀꞗɓƃꞵcȼꞓꞔƈɕꜿdȸꭦʥʤꟈɖɗƌȡꝱẟeꬲꬳɇꬴⱸǝⱻəɛɘɚɜɝɞʚɤfʩꜰꬵꞙƒ"
    "ꟻgꟑɡꬶɢǥɠʛꝿɣƣhʜƕꞕɦⱨⱶꟶꜧɧiıɪꟾꟷɨꞽɩjȷɉʝɟʄkƙⱪꝁꝃꝅʞlʟꝇꝉƚⱡɫꬸꬹɬꬷɭꞎȴ"
    "ꝲɮꞁƛʎmɱꬺꟽꟿꝳnɴɲƞꞑɳȵꬻꝴŋꬼoꬽɶꭁꭂꭀꭃꭄꬾɔꬿꭢꝍⱺɵꝋɷꞷȣpᵽꝑƥꝓꝕꟼɸⱷqȹꞯꝗꝙʠɋĸrꭅ"
    "ʀꭆɍɹɺɻⱹɼɽꭉɾɿꭇꭈꭊꭋꭌʁꭨꝵꝶꝝsꜱꟊʂȿꟗẜẝʃꭍƪʅʆtʨꭧʧŧⱦƫƭʈȶꝷʇuꭎꭐꭑʉꭏꞹꭒꞿɥʮʯ"
    "ɯꟺɰʊvꝟʋⱱⱴỽʌwⱳʍxꭖꭗꭘꭙꭓꭔꭕyʏɏƴỿꭚȝzƍƶᶎȥʐʑɀⱬꝣʒƹƺʓþꟓꝥꝧƿꟕꝩꭠꭡꭣꝫꝭꝯꝸ"
    "ƻꜫꜭꜯƨƽƅʔɂŉꜣꞌꞏʕꜥʡʢʖǀǁǂǃʗʘʬʭꭥ"
)
# Letters equal at primary strength to other letters (measured likewise).
_LATIN_SAME = {
    "ß": "ss",  # U+00DF
    "æ": "ae",  # U+00E6
    "ð": "d",  # U+00F0
    "ø": "o",  # U+00F8
    "đ": "d",  # U+0111
    "ħ": "h",  # U+0127
    "ŀ": "l",  # U+0140
    "ł": "l",  # U+0142
    "œ": "oe",  # U+0153
    "ƾ": "ts",  # U+01BE
    "ǣ": "ae",  # U+01E3
    "ǽ": "ae",  # U+01FD
    "ǿ": "o",  # U+01FF
    "ʣ": "dz",  # U+02A3
    "ʦ": "ts",  # U+02A6
    "ʪ": "ls",  # U+02AA
    "ʫ": "lz",  # U+02AB
    "ᵹ": "g",  # U+1D79
    "ỻ": "ll",  # U+1EFB
    "ⱽ": "v",  # U+2C7D
    "ꜩ": "tz",  # U+A729
    "ꜳ": "aa",  # U+A733
    "ꜵ": "ao",  # U+A735
    "ꜷ": "au",  # U+A737
    "ꜹ": "av",  # U+A739
    "ꜻ": "av",  # U+A73B
    "ꜽ": "ay",  # U+A73D
    "ꝏ": "oo",  # U+A74F
    "ꝛ": "r",  # U+A75B
    "ꝡ": "vy",  # U+A761
    "ꝺ": "d",  # U+A77A
    "ꝼ": "f",  # U+A77C
    "ꞃ": "r",  # U+A783
    "ꞅ": "s",  # U+A785
    "ꞇ": "t",  # U+A787
    "ꞛ": "a",  # U+A79B
    "ꞝ": "o",  # U+A79D
    "ꞟ": "u",  # U+A79F
    "ꞡ": "g",  # U+A7A1
    "ꞣ": "k",  # U+A7A3
    "ꞥ": "n",  # U+A7A5
    "ꞧ": "r",  # U+A7A7
    "ꞩ": "s",  # U+A7A9
    "ꟁ": "a",  # U+A7C1
    "ꟃ": "w",  # U+A7C3
    "ꟙ": "s",  # U+A7D9
    "ꟲ": "c",  # U+A7F2
    "ꟳ": "f",  # U+A7F3
    "ꟴ": "q",  # U+A7F4
    "ꟸ": "h",  # U+A7F8
    "ꟹ": "oe",  # U+A7F9
}

_RANK = {c: i for i, c in enumerate("".join(_LATIN_ORDER))}
# ICU root order of the Latin-1 symbols (measured); other symbols follow by code point
_SYMBOL_ORDER = "`´^¯¨¸°©®+±÷×<=>¬|¦~¤¢$£¥"
_SYMBOL_RANK = {c: i for i, c in enumerate(_SYMBOL_ORDER)}
_SMALL_KANA = "ぁぃぅぇぉっゃゅょゎゕゖ"
_OWN_LETTERS = frozenset("йЙ")  # decompose in Unicode, but letters of their own in ICU


def _weigh_one(ch: str, ja: bool) -> str:
    cat = unicodedata.category(ch)
    if cat[0] in "PZC" or cat in ("Mn", "Me"):
        return ""  # ignorable: punctuation, spaces, controls, combining marks
    if cat[0] == "S":
        rank = _SYMBOL_RANK.get(ch)
        if rank is not None:
            base = _CUR if cat == "Sc" else _SYM
            return chr(base + rank)
        return chr((_CUR if cat == "Sc" else _SYM) + 0x100 + (ord(ch) & 0xFFFF))
    if ch.isdigit():  # a digit outside a run (e.g. from "²"): plain digit weight
        return chr(_PLAIN + unicodedata.digit(ch, 0))
    if cat[0] == "N":
        return chr(_PLAIN + 0x100 + (ord(ch) & 0xFFFF))
    same = _LATIN_SAME.get(ch)
    if same is not None:
        return "".join(chr(_LAT + _RANK[x]) for x in same)
    rank = _RANK.get(ch)
    if rank is not None:
        return chr(_LAT + rank)
    cp = ord(ch)
    if ch == "ς":
        cp = ord("σ")
    elif 0x30A1 <= cp <= 0x30F6:  # katakana -> hiragana
        cp -= 0x60
    if chr(cp) in _SMALL_KANA:
        cp += 1
    if unicodedata.name(chr(cp), "").startswith("LATIN"):
        return chr(_LAT_OTHER + (cp & 0xFFF))
    if ja and (0x3040 <= cp <= 0x9FFF or 0x20000 <= cp <= 0x3FFFF):
        return chr(_JA + (cp - 0x3000 if cp < 0x20000 else 0x7000 + min(cp - 0x20000, 0x6FFF)))
    return chr(_OTHER + min(cp, 0x37FFF))


def _weigh(c: str, ja: bool) -> str:
    """The key characters for one character of the text."""
    cp = ord(c)
    if _NUM <= cp < _NUM + 0x1000:
        return c  # already a number's key
    out = []
    for lower in c.lower():
        if lower in _OWN_LETTERS or lower in _RANK or lower in _LATIN_SAME:
            out.append(_weigh_one(lower, ja))
            continue
        for ch in unicodedata.normalize("NFKD", lower):
            out.append(_weigh_one(ch.lower(), ja))
    return "".join(out)


class _Table(dict):
    """str.translate table computed on first use of each character."""

    def __init__(self, ja: bool) -> None:
        super().__init__()
        self.ja = ja

    def __missing__(self, key: int) -> str:
        value = _weigh(chr(key), self.ja)
        self[key] = value
        return value


_TABLE = _Table(False)
_TABLE_JA = _Table(True)
_DIGIT_RUN = re.compile(r"\d+")  # Unicode decimal digits, as ICU's numeric collation


def _number(m: re.Match[str]) -> str:
    digits = "".join(str(unicodedata.decimal(d)) for d in m.group()).lstrip("0")
    return chr(_NUM + min(len(digits), 0xFFF)) + "".join(chr(_NUM + ord(d) - 48) for d in digits)


def sort_key(text: str, locale: str | None = None) -> str:
    """A key that orders and equates ``text`` as citeproc-js's comparison does.

    ``locale`` is the style's sort locale (citeproc-js: the style's
    ``default-locale``, else en-US); only its language matters, and only "ja"
    changes anything (kana and Han before Greek and Cyrillic). Other
    tailorings (Swedish "ö" after "z", ...) are not modelled.
    """
    table = _TABLE_JA if locale and locale[:2].lower() == "ja" else _TABLE
    return _DIGIT_RUN.sub(_number, text).translate(table)


def compare(a: str, b: str, locale: str | None = None) -> int:
    """-1, 0 or 1, as citeproc-js's sort comparison of ``a`` and ``b``."""
    ka, kb = sort_key(a, locale), sort_key(b, locale)
    return (ka > kb) - (ka < kb)
