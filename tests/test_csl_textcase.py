"""archive.csl.textcase: CSL text-case as citeproc-js applies it.

Cases are drawn from the CSL 1.0.2 spec and the CSL test-suite fixtures (named
in comments); the fixtures themselves are also read at run time from
../shared/csl-test-suite/humans when that folder exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive.csl.textcase import SPEC_STOP_WORDS, apply_case

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "csl-test-suite" / "humans"


def case(text: str, tc: str, **kw) -> str:
    return "".join(apply_case([(text, False)], tc, **kw))


# --- title ---------------------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [
        # textcase_TitleCaseWithHyphens
        ("Out-of-fashion initiatives: a second story", "Out-of-Fashion Initiatives: A Second Story"),
        # textcase_StopWordBeforeHyphen: the first segment's last word before "-"
        ("Employee pro-environmental behavior", "Employee Pro-Environmental Behavior"),
        # textcase_TitleCaseWithCleverBrandName
        ("iPad is a thing", "iPad Is a Thing"),
        # textcase_CapitalsUntouched: capitals are never lowered
        ("Writings on UK people and places", "Writings on UK People and Places"),
        ("All for one. For all.", "All for One. For All."),
        ("THE LORD OF THE RINGS", "THE LORD OF THE RINGS"),
        # textcase_TitleCaseWithInitials
        ("Review of book by A.N. author", "Review of Book by A.N. Author"),
        # textcase_LastChar: one-letter words stay, unless first / after a colon
        ("07-x", "07-x"),
        ("07-x test", "07-x Test"),
        # textcase_NonEnglishChars
        ("Saline solution of β-carotine", "Saline Solution of β-Carotine"),
        # textcase_TitleWithEnDash
        (
            "Closing the scientist–practitioner gap: studies from 2016",
            "Closing the Scientist–Practitioner Gap: Studies from 2016",
        ),
        # textcase_SkipNameParticlesInTitleCase: ?, ! and : start a subtitle;
        # "about", "up", "von", "de" are citeproc-js stop words
        ("John von Doe: an about up life", "John von Doe: An about up Life"),
        ("John van Doe? a life", "John van Doe? A Life"),
        ("John de Doe a life", "John de Doe a Life"),
        # textcase_InQuotes: a final stop word is capitalised
        ("from “distance” to “friction”: research for", "From “Distance” to “Friction”: Research For"),
        # textcase_AfterQuote: the word after an opening quote is a word like any other
        ("The “new career” and commitment", "The “New Career” and Commitment"),
        # apostrophes inside words
        ("don't stop me now", "Don't Stop Me Now"),
        ("it’ll be fine", "It’ll Be Fine"),
        # spec: first word even if a stop word; last word
        ("the way to go", "The Way to Go"),
        ("what it is for", "What It Is For"),
        # textcase_TitleCaseWithNonBreakSpace
        ("The physical\u00a0volcanology of the eruption", "The Physical\u00a0Volcanology of the Eruption"),
    ],
)
def test_title(given: str, expected: str) -> None:
    assert case(given, "title") == expected


def test_title_with_protected_runs() -> None:
    # textcase_TitleCapitalization
    runs = [("This IS a pen that is a ", False), ("smith", True), (" pencil", False)]
    assert apply_case(runs, "title") == ["This IS a Pen That Is a ", "smith", " Pencil"]
    # textcase_TitleCaseWithFinalNocase: a protected last word means no "last word"
    runs = [("The ", False), ("Mirror", True), (" of the ", False), ("Universe", True)]
    assert apply_case(runs, "title") == ["The ", "Mirror", " of the ", "Universe"]
    # a protected first word: the next stop word is not "first"
    assert apply_case([("iOS", True), (" and the web", False)], "title") == ["iOS", " and the Web"]


def test_title_not_english_is_unchanged() -> None:
    # textcase_TitleCaseNonEnglish: language "de" leaves the title alone
    assert case("Review of book by A.N. author", "title", english=False) == "Review of book by A.N. author"
    # ... but other cases still apply
    assert case("über die natur", "capitalize-first", english=False) == "Über die natur"


def test_title_spec_stop_words() -> None:
    # the spec's list has no "about": capitalised there, kept by citeproc-js's list
    assert case("a story about war", "title") == "A Story about War"
    assert case("a story about war", "title", stop_words=SPEC_STOP_WORDS) == "A Story About War"


def test_greek_letter_alone_is_not_capitalised() -> None:
    assert case("the ω factor", "title") == "The ω Factor"


# --- the other cases --------------------------------------------------------


def test_sentence() -> None:
    # textcase_SentenceCapitalization: every word but the first is lowercased
    runs = [("This is a Pen that is a ", False), ("Smith", True), (" Pencil", False)]
    assert apply_case(runs, "sentence") == ["This is a pen that is a ", "Smith", " pencil"]
    assert case("the iPhone and the UN", "sentence") == "The iphone and the un"
    assert case("tHE Cat", "sentence") == "THE cat"


def test_capitalize_first() -> None:
    # textcase_CapitalizeFirst
    runs = [("this is a Pen that is a ", False), ("Smith", True), (" Pencil", False)]
    assert apply_case(runs, "capitalize-first") == ["This is a Pen that is a ", "Smith", " Pencil"]
    assert case("iPhone stories", "capitalize-first") == "iPhone stories"
    assert apply_case([("smith", True), (" and co", False)], "capitalize-first") == ["smith", " and co"]
    assert case("“hello” there", "capitalize-first") == "“Hello” there"


def test_capitalize_all() -> None:
    # textcase_CapitalizeAll
    runs = [("This IS a Pen that is a ", False), ("SMITH", True), (" Pencil", False)]
    assert apply_case(runs, "capitalize-all") == ["This IS A Pen That Is A ", "SMITH", " Pencil"]
    assert case("out-of-date ideas", "capitalize-all") == "Out-Of-Date Ideas"


def test_lower_and_upper() -> None:
    # textcase_Lowercase
    runs = [("This is a pen that is a ", False), ("Smith", True), (" pencil", False)]
    assert apply_case(runs, "lowercase") == ["this is a pen that is a ", "Smith", " pencil"]
    # textcase_Uppercase
    runs = [("This is a pen that is a ", False), ("Smith", True), (" pencil", False)]
    assert apply_case(runs, "uppercase") == ["THIS IS A PEN THAT IS A ", "Smith", " PENCIL"]
    # textcase_UppercaseNumber
    assert case("xxiii", "uppercase") == "XXIII"


def test_quotes_keep_case_after_unmatched_quote() -> None:
    # an apostrophe ’ is an unmatched closing quote: what follows keeps its case
    assert case("the ’ll form", "title") == "The ’ll Form"
    # an opening quote never closed: the word after it keeps its case
    assert case("an “open quote", "title") == "An “open Quote"


def test_shape_is_kept_and_empty() -> None:
    assert apply_case([], "title") == []
    assert apply_case([("", False), ("a", True), ("", False)], "title") == ["", "a", ""]
    with pytest.raises(ValueError):
        apply_case([("x", False)], "smallcaps")


# --- the test-suite fixtures, read at run time -------------------------------

_SECTION = re.compile(r">>=+ (\w+) =+>>\n(.*?)\n<<=+ \1 =+<<", re.S)
_MARKUP = re.compile(
    r'(<span class="nocase">|<span class="nodecor">|<sc>|<sup>|<sub>|</span>|</sc>|</sup>|</sub>|</?i>|</?b>)'
)
_PROTECTING = {'<span class="nocase">', '<span class="nodecor">', "<sc>", "<sup>", "<sub>"}
_QUOTES = str.maketrans({c: '"' for c in "“”‘’'"})

# fixtures whose citation is the cased title of each item, one per line or
# joined by the layout delimiter
SIMPLE_FIXTURES = [
    "textcase_AfterQuote", "textcase_CapitalizeAll", "textcase_CapitalizeFirst",
    "textcase_CapitalsUntouched", "textcase_InQuotes", "textcase_LastChar",
    "textcase_Lowercase", "textcase_NonEnglishChars", "textcase_SentenceCapitalization",
    "textcase_SkipNameParticlesInTitleCase", "textcase_StopWordBeforeHyphen",
    "textcase_TitleCapitalization", "textcase_TitleCapitalization2",
    "textcase_TitleCaseNonEnglish", "textcase_TitleCaseNonEnglish2",
    "textcase_TitleCaseWithCleverBrandName", "textcase_TitleCaseWithFinalNocase",
    "textcase_TitleCaseWithHyphens", "textcase_TitleCaseWithInitials",
    "textcase_TitleCaseWithNonBreakSpace", "textcase_TitleWithEmDash",
    "textcase_TitleWithEnDash", "bugreports_TitleCase",
]


def _runs(markup: str) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    stack: list[bool] = []
    for i, piece in enumerate(_MARKUP.split(markup)):
        if i % 2:
            if piece in _PROTECTING:
                stack.append(True)
            elif piece in ("<i>", "<b>"):
                stack.append(False)
            elif stack:
                stack.pop()
            runs.append(("", any(stack)))  # a tag cuts the text, as in citeproc-js
        elif piece:
            runs.append((piece, any(stack)))
    return runs


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"CSL test suite not found at {FIXTURES}")
@pytest.mark.parametrize("name", SIMPLE_FIXTURES)
def test_fixture(name: str) -> None:
    sections = dict(_SECTION.findall((FIXTURES / f"{name}.txt").read_text(encoding="utf-8")))
    m = re.search(r'<text (?:variable="([\w-]+)" text-case="([\w-]+)"|text-case="([\w-]+)" variable="([\w-]+)")', sections["CSL"])
    assert m, name
    variable, tc = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    delim = re.search(r'<layout[^>]*delimiter="([^"]*)"', sections["CSL"])
    items = json.loads(sections["INPUT"])
    got = []
    for item in items:
        lang = item.get("language", "")
        english = not lang or lang.lower().startswith("en")
        got.append("".join(apply_case(_runs(item[variable]), tc, english=english)))
    expected = sections["RESULT"].strip().split("\n")
    if len(expected) == 1 and len(items) > 1:
        got = [(delim.group(1) if delim else "; ").join(got)]
    assert [g.translate(_QUOTES) for g in got] == [e.translate(_QUOTES) for e in expected]
