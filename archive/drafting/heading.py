"""Title and subtitle, put back together from the lines text extraction broke them into.

A PDF's text comes out one printed line at a time: a title set over three lines is
three lines, sometimes with blank lines between them, and nothing says where the
title ends and the subtitle begins. Several signals decide, none alone:

- font size (PDFs): the title is set bigger than the subtitle, both bigger than the body;
- a line that starts in lowercase continues the one before;
- a line ending in a function word ("of", "the", "and"), a comma or a hyphen continues;
- a line that ends with ``?`` or ``!`` ends its part (a colon may end either);
- a line breaks where the next word no longer fits: a break where the next line's first
  word would have fitted (judged by the widest line printed) ends a part;
- a capitalized word opening a line: a word the body writes in lowercase ("Lessons")
  starts a part; a name the body uses ("China", "United / States") may continue one;
- more blank lines between two lines than elsewhere in the heading separate parts, and
  so does any blank line where blank lines separate the body's paragraphs (in a PDF,
  extra space above a line counts as a blank line);
- a subtitle of one or two words is unlikely.

Only one split is made (title, then subtitle). When the text cannot tell, the lines stay
one title and the draft says where a subtitle may begin.

The heading ends where the body begins: the first line holding a sentence that is as
wide as body text, or a whole paragraph on one line.
"""

from __future__ import annotations

import re

from .base import Line

FUNCTION_WORDS = set("""
a an the of and or but nor to in on at by for from with as into onto over under about
against between among through toward towards its their his her our my your this that
these those is are was were be been being will would can could should must may might not
no than via amid after before since until upon within without beyond versus vs vs. whose
which who what how why when where whether if while during per across behind beside
besides despite like near off out up down so yet both either neither each every any
such own more most less least much many few one two three it they we he she i
""".split())
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "no", "vol", "jr",
                 "sr", "inc", "ltd", "co", "gen", "gov", "sen", "rep", "lt", "col", "capt",
                 "e.g", "i.e", "cf", "fig", "approx", "dept", "univ", "mt", "ft"}
_SENTENCE_END = re.compile(r"(?P<word>[\w.]+)\.[”’\"')\]]*(?:\s+[“‘\"'(]?[A-Z]|\s*$)")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_PUNCT = "“”\"'‘’()[],;:"
MIN_WIDTH = 36  # characters a heading line holds at least (big type on a page ~ 40-55)
LONG_LINE = 150  # a whole paragraph on one line: body text
MAX_HEADING = 10  # lines


def first_letter(text: str) -> str:
    m = _FIRST_LETTER.search(text)
    return m.group(0) if m else ""


def last_word(text: str) -> str:
    words = re.findall(r"[\w’'.-]+", text.lower())
    return words[-1].strip(".") if words else ""


def has_sentence_end(text: str) -> bool:
    """A full stop ending a sentence (not an abbreviation or an initial)."""
    for m in _SENTENCE_END.finditer(text):
        word = m.group("word").lower()
        if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
            continue
        core = word.replace(".", "")
        if len(core) <= 1 or (word.count(".") and core.isupper()):
            continue  # an initial ("J.") or "U.S."
        if not any(ch.islower() or ch.isdigit() for ch in m.group("word")[-3:]):
            continue  # ends in capitals: an acronym with dots
        return True
    return False


def same_size(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return True
    return abs(a - b) <= max(0.5, 0.04 * max(a, b))


def body_size(lines: list[Line]) -> float | None:
    """The font size most characters are set in, when sizes are known."""
    weights: dict[float, int] = {}
    for line in lines:
        if line.size:
            weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda s: weights[s]) if weights else None


def body_width(lines: list[Line]) -> float:
    """How many characters a line of body text holds (wrapped text), roughly."""
    lengths = sorted(len(x.text) for x in lines if len(x.text) >= 30)
    if not lengths:
        return 80.0
    return float(lengths[int(0.75 * (len(lengths) - 1))])


def body_start(lines: list[Line], start: int) -> int:
    """Index (in ``lines``) of the first line of the body, the heading being from ``start``."""
    n = len(lines)
    if start >= n:
        return n
    base = body_size(lines)
    width = body_width(lines)
    j = start
    # a heading set bigger than the body ends where the body's size begins...
    if base is not None and lines[start].size is not None and lines[start].size > base + 0.5:
        while j < n and (lines[j].size is None or lines[j].size > base + 0.5):
            j += 1
        # ...unless a subtitle in the body's size follows (short lines before any sentence)
    stop = min(n, j + MAX_HEADING)
    # blank lines after every line (as some extractions give) say nothing of paragraphs
    after = [x.gap for x in lines[start + 1:]]
    spaced = bool(after) and sum(1 for g in after if g) >= 0.9 * len(after)
    for k in range(j, stop):
        text = lines[k].text
        if len(text) > LONG_LINE:
            return k
        if has_sentence_end(text) and len(text) >= min(60, 0.6 * width):
            return _paragraph_start(lines, k, j, width, spaced)
    return _fallback(lines, start, j, stop)


def _paragraph_start(lines: list[Line], k: int, low: int, width: float,
                     spaced: bool = False) -> int:
    """Back from line ``k`` (which holds the body's first sentence) to its paragraph's start."""
    while (k - 1 >= low and (lines[k].gap == 0 or spaced)
           and len(lines[k - 1].text) >= 0.7 * width
           and same_size(lines[k - 1].size, lines[k].size)
           and not lines[k - 1].text.rstrip().endswith((":", "?", "!"))):
        k -= 1
    return k


def _fallback(lines: list[Line], start: int, j: int, stop: int) -> int:
    """No sentence found near the top: the heading ends at the widest gap (if gaps differ),
    else at the size change, else after the first line."""
    if j > start:
        return j
    gaps = [lines[k].gap for k in range(start + 1, stop)]
    if gaps and max(gaps) > min(gaps):
        widest = max(gaps)
        for k in range(start + 1, stop):
            if lines[k].gap == widest:
                return k
    return min(start + 1, len(lines))


# --------------------------------------------------------------------------- splitting


class Body:
    """What the body tells about the heading above it.

    How the body writes each word: in lowercase (a common word: "Ideal" opening a line is
    then a new part) or capitalized inside sentences (a name: "China"); which words it
    writes together ("United States"); and whether blank lines separate paragraphs (then
    a blank line inside the heading separates the title from the subtitle) or come after
    every line (then they say nothing).
    """

    def __init__(self, lines: list[Line] | None = None) -> None:
        lines = (lines or [])[:2000]  # the body's beginning tells enough
        # plain text says nothing of the page: a heading line held at least MIN_WIDTH
        # characters; in a PDF, type sizes and widths vary too much to assume any
        self.min_width = MIN_WIDTH if not any(x.size for x in lines) else 0
        self.text = " ".join(x.text for x in lines)
        self.lower: set[str] = set()
        self.names: set[str] = set()
        previous = "."
        for m in re.finditer(r"[^\W\d_][\w’'-]*|[.!?:;]", self.text):
            word = m.group(0)
            if word[0].islower():
                self.lower.add(word)
            elif word[0].isupper() and previous not in ".!?:;":
                self.names.add(word)
            previous = word if word in ".!?:;" else "w"
        gaps = [x.gap for x in lines[1:]]
        self.blank_lines_mark_parts = (len(gaps) >= 4 and any(gaps)
                                       and gaps.count(0) >= 0.3 * len(gaps))

    def joined(self, before: str, after: str) -> bool:
        """The body writes these two words together (``United States``)."""
        pair = before.strip(_PUNCT) + " " + after.strip(_PUNCT)
        return len(pair) > 3 and re.search(rf"\b{re.escape(pair)}\b", self.text) is not None

    def kind(self, word: str) -> str:
        """'common', 'name' or 'unknown' for a capitalized word."""
        bare = re.sub(r"[’']s$", "", word.strip("“”\"'‘’()[],;:"))
        if bare in self.names and bare.lower() not in self.lower:
            return "name"
        if bare.lower() in self.lower and bare not in self.names:
            return "common"
        return "unknown"


def split_heading(heading: list[Line], body: Body | None = None
                  ) -> tuple[list[Line], list[Line], str]:
    """(title lines, subtitle lines, how the split was decided)."""
    if len(heading) <= 1:
        return heading, [], "one line"
    sizes = [x.size for x in heading]
    if all(s is not None for s in sizes):
        runs = _size_runs(heading)
        if len(runs) > 1:
            first = runs[0]
            rest = [x for run in runs[1:] for x in run]
            return first, rest, "font size"
    body = body or Body()
    scores = [boundary_score(heading, i, body) for i in range(len(heading) - 1)]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    if scores[best] <= 0:
        return heading, [], "the lines read as one title"
    return heading[: best + 1], heading[best + 1:], "line breaks and wording"


def _size_runs(lines: list[Line]) -> list[list[Line]]:
    runs: list[list[Line]] = [[lines[0]]]
    for line in lines[1:]:
        if same_size(runs[-1][0].size, line.size):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else ""


def _continues(heading: list[Line], i: int) -> bool:
    """The break after ``heading[i]`` is certainly inside a part (a wrapped line)."""
    end = heading[i].text.rstrip()
    return (first_letter(heading[i + 1].text).islower()
            or (last_word(end) in FUNCTION_WORDS and not end.endswith((":", "?", "!", ".")))
            or end.endswith((",", "&")) or bool(re.search(r"\w[-/]$", end)))


def _sentence_case(heading: list[Line]) -> bool:
    words = [w for x in heading for w in x.text.split()[1:]
             if first_letter(w) and w.lower().strip("“”\"'‘’()") not in FUNCTION_WORDS]
    if not words:
        return True
    capitalized = sum(1 for w in words if first_letter(w).isupper())
    return capitalized < 0.6 * len(words)


def boundary_score(heading: list[Line], i: int, body: Body | None = None) -> float:
    """How much the break after ``heading[i]`` looks like the end of the title
    (positive) rather than a line wrapped inside it (negative)."""
    body = body or Body()
    prev, nxt = heading[i].text.rstrip(), heading[i + 1].text
    score = 0.0
    word = _first_word(nxt)
    letter = first_letter(nxt)
    if letter.islower():
        score -= 5
    elif letter.isupper():
        bare = word.lower().strip("“”\"'‘’()[]")
        if not _sentence_case(heading):
            score += 0.5  # Title Case: every line may start with a capital
        elif bare in FUNCTION_WORDS:
            score += 3  # "The", "How", "A" opening a line of a sentence-case title
        else:
            # a word the body writes in lowercase opens a new part; a name the body writes
            # capitalized may continue the title; a word the body does not use: most often
            # a subtitle's first word (the title's names are the body's subject)
            score += {"common": 2.0, "name": -1.0, "unknown": 2.0}[body.kind(word)]
    if prev.endswith(":"):
        pass  # "Energy security: / Japan's LNG dilemma" is one title as often as two parts
    elif prev.endswith(("?", "!")):
        score += 3
    elif prev.endswith(".") and last_word(prev) not in ABBREVIATIONS:
        score += 2
    elif prev.endswith((",", "&", ";")):
        score -= 3
    elif re.search(r"\w[-/]$", prev):
        score -= 4
    elif prev.endswith(("–", "—")):
        score -= 2
    if last_word(prev) in FUNCTION_WORDS and not prev.endswith((":", "?", "!", ".")):
        score -= 4
    # an opening quote or bracket left open continues
    if prev.count("“") > prev.count("”") or prev.count("(") > prev.count(")"):
        score -= 3
    # wrapped lines break where the next word does not fit; a break where it would have
    # fitted ends a part
    widest = max(body.min_width, *(len(x.text) for x in heading))
    fit = len(prev) + 1 + len(word)
    if fit <= 0.9 * widest:
        score += 3
    elif fit > widest and any(_continues(heading, k) for k in range(len(heading) - 1)):
        score -= 1.5
    # a name the body writes as two words, broken between the lines (United / States)
    prev_words = prev.split()
    if prev_words and word and first_letter(prev_words[-1]).isupper() and letter.isupper() \
            and body.joined(prev_words[-1], word):
        score -= 4
    # a subtitle of one or two words is rare; a title's last word or two wrapped is not
    if sum(len(x.text.split()) for x in heading[i + 1:]) <= 2:
        score -= 2
    # more blank lines here than between the heading's other lines; or, where blank
    # lines separate the body's paragraphs, a blank line here
    gaps = [x.gap for x in heading[1:]]
    if max(gaps) > min(gaps):
        score += 3 if heading[i + 1].gap == max(gaps) else -1
    elif body.blank_lines_mark_parts:
        score += 3 if heading[i + 1].gap else -1
    return score


def join_lines(texts: list[str]) -> str:
    """Lines of one title back into one line: a hyphen at a line's end joins without a
    space (``Japan-`` + ``Russia`` -> ``Japan-Russia``), other lines with one space."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if not out:
            out = text
        elif re.search(r"\w[-/]$", out) and not out.endswith(" -"):
            out += text
        else:
            out += " " + text
    return re.sub(r"\s+", " ", out).strip()

