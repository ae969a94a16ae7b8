"""Which language a text is written in: by script, then by common words.

A small detector of our own for the languages our material is written in:
Japanese, Chinese, Korean and Russian by their scripts; English, French, German,
Spanish, Portuguese, Italian and Dutch by their most common words. When the
evidence is thin or split, the answer is None: a language left missing, not a guess.
"""

from __future__ import annotations

import re
import unicodedata

_STOPWORDS = {
    "en": "the of and to in a is that for it as was with be by on not he this are or his "
          "from at which but have an they has its were their been we would will there can "
          "who than also more what about into these should",
    "fr": "le la les de des du et est un une que qui dans pour pas sur au aux ce cette "
          "il elle ont sont avec par plus ne se son sa ses nous vous leur été être mais",
    "de": "der die das und ist nicht ein eine zu den dem des mit sich auf für von im "
          "auch es an als wird werden hat sind bei oder nach wie aus sie er wir noch",
    "es": "el la los las de del y en que un una es por con para no se su sus al lo "
          "como más pero ha son fue este esta entre sobre también muy ya",
    "pt": "o a os as de do da dos das e em que um uma é por com para não se seu sua ao "
          "no na nos nas como mais mas foi são pelo pela também já",
    "it": "il lo la gli le di del della dei e è che un una per con non si su al alla "
          "nel nella come più ma sono anche questo questa dei delle",
    "nl": "de het een en van in is dat op te zijn voor met niet aan er die ook als "
          "bij door maar om naar dan wordt worden heeft hij zij wij",
}
STOPWORDS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
MIN_LETTERS = 40
MIN_WORDS = 20


def _script(ch: str) -> str | None:
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
        return "latin"
    if ch.isalpha():
        return "other"
    return None


SAMPLE = 200_000  # characters read: plenty to tell, quick on a 50 MB file


def detect(text: str) -> tuple[str | None, str]:
    """(language tag or None, a short reason for the librarian)."""
    text = text[:SAMPLE]
    counts: dict[str, int] = {}
    for ch in text:
        script = _script(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return None, "too little text to tell its language"
    cjk = counts.get("kana", 0) + counts.get("han", 0)
    if counts.get("kana", 0) >= 0.05 * letters and cjk >= 0.5 * letters:
        return "ja", "written in Japanese script (kana and kanji)"
    if counts.get("han", 0) >= 0.5 * letters:
        return "zh", "written in Chinese characters (no kana)"
    if counts.get("hangul", 0) >= 0.5 * letters:
        return "ko", "written in Hangul"
    if counts.get("cyrillic", 0) >= 0.5 * letters:
        # Ukrainian, Belarusian, Bulgarian, Serbian share the script; Russian's letters only
        if re.search(r"[іїєґўђјљњћџ]", text, re.IGNORECASE):
            return None, "written in Cyrillic, but not (only) Russian"
        return "ru", "written in Cyrillic (Russian letters)"
    if counts.get("latin", 0) < 0.8 * letters:
        return None, "written in a script we do not tell languages of"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None, "too few words to tell the language"
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in STOPWORDS.items()}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    share = top / len(words)
    if share < 0.15 or top < 1.5 * second:
        return None, "its common words do not point to one language"
    return best, f"{share:.0%} of its words are common {_NAMES[best]} words"


_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish",
          "pt": "Portuguese", "it": "Italian", "nl": "Dutch"}
