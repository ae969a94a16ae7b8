"""The GFJ Commentary layout (The Global Forum of Japan).

::

    GFJ Commentary
    June 1, 2022
    Do not be disturbed by the “suspension” of peace      <- title, broken over lines
    treaty negotiations with Russia
    Ideal opportunity for completely breaking away from  <- subtitle, likewise
    the policy of Russian appeasement
    The government of Russia, ...                        <- body
    (This is the English translation of an article written by TOKIWA Shin, Academic
    Member, GFJ / Distinguished Research Fellow, JFIR / Senior staff writer, Tokyo
    Shimbun, which originally appeared on the e-Forum “Giron-Hyakushutsu” of GFJ on
    May 19, 2022.)

The closing note gives the authors with their affiliations and the original: where
and when it appeared, and (being an English translation of a GFJ e-Forum article,
which GFJ publishes in Japanese) its language.
"""

from __future__ import annotations

import re
from typing import Any

from ..names import PARTICLES
from . import datetext, heading
from .base import Draft, Line, missing_of, person, put, text_lines
from .document import Document
from .language import detect

SERIES_RE = re.compile(r"^\s*(?P<series>GFJ\s+Commentary)\b\s*(?:(?:No\.?|#|Vol\.?)\s*"
                       r"(?P<number>\d+))?[\s,:|–—-]*(?P<rest>.*)$", re.IGNORECASE)
PUBLISHER = "The Global Forum of Japan"
# acronyms the layout knows (an archive's own acronyms are used first)
KNOWN = {
    "GFJ": "The Global Forum of Japan (GFJ)",
    "JFIR": "The Japan Forum on International Relations (JFIR)",
}
_BOILERPLATE = re.compile(r"^(?:the global forum of japan|gfj|www\.gfj\.jp\S*|https?://\S+"
                          r"|e-?mail:?\s*\S+@\S+)$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^[-–—(\[]?\s*(?:page\s*)?\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?\s*"
                          r"[-–—)\]]?$", re.IGNORECASE)
EXPECTED = ("title", "authors", "issued", "language", "series", "publisher",
            "original.issued", "original.venue")
LANGUAGE_NAMES = {
    "japanese": "ja", "chinese": "zh", "korean": "ko", "russian": "ru", "french": "fr",
    "german": "de", "spanish": "es", "portuguese": "pt", "italian": "it", "dutch": "nl",
    "english": "en",
}
HEADER_LINES = 6
NOTE_LINES = 60  # the closing note is looked for in the last lines


def is_gfj(lines: list[Line]) -> bool:
    """A series line 'GFJ Commentary' at the top, or a closing note naming GFJ's e-Forum."""
    if any(SERIES_RE.match(x.text) for x in lines[:HEADER_LINES]):
        return True
    note = closing_note(lines[-NOTE_LINES:])
    return bool(note and re.search(r"Giron[- ]?Hyakushutsu|\bof\s+GFJ\b|Global Forum of Japan",
                                   note))


def draft_gfj(doc: Document, known: dict[str, str] | None,
              lines: list[Line] | None = None) -> Draft:
    """The record's fields from a GFJ Commentary."""
    lines = text_lines(doc) if lines is None else lines
    data: dict[str, Any] = {"type": "commentary"}
    out = Draft(data, layout="gfj")
    found, notes = out.found, out.notes
    known = {**KNOWN, **(known or {})}

    start = _header(lines, out)
    data["publisher"] = PUBLISHER
    found["publisher"] = "the layout of The Global Forum of Japan's commentaries"
    if "series" not in data:
        notes.append("no series line ('GFJ Commentary') at the top: the layout was "
                     "recognized by its closing note")

    end = heading.body_start(lines, start)
    head = lines[start:end]
    # a date printed inside the heading (below the title) is the date, not the title
    for line in list(head):
        when = datetext.date_line(line.text)
        if when:
            head.remove(line)
            _set_issued(out, when, line.text)
    _title(head, out, heading.Body(lines[end:]))

    note = closing_note(lines[-NOTE_LINES:])
    if note:
        _read_note(note, out, known)
    else:
        notes.append("no closing note naming the author ('... written by NAME, ROLE, "
                     "ORGANIZATION, which originally appeared in ... on DATE') was found")

    language, why = detect(doc.text)
    if language:
        data["language"] = language
        found["language"] = f"detected: {why}"
    else:
        notes.append(f"language not detected: {why}")
    _check_dates(out)
    expected = EXPECTED
    if note and _is_translation(note):
        expected += ("original.language",)
    out.missing = missing_of(data, expected)
    return out


def _header(lines: list[Line], out: Draft) -> int:
    """Read the series and date lines at the top; return where the heading starts."""
    top = min(len(lines), HEADER_LINES + 2)
    series_at = next((k for k in range(top) if SERIES_RE.match(lines[k].text)), None)
    i = 0
    while i < top:
        text = lines[i].text
        m = SERIES_RE.match(text)
        if m and "series" not in out.data:
            out.data["series"] = re.sub(r"\s+", " ", m.group("series"))
            out.found["series"] = text
            if m.group("number"):
                out.data["series_number"] = m.group("number")
                out.found["series_number"] = text
            rest = m.group("rest").strip()
            when = datetext.date_line(rest) if rest else None
            if when:
                _set_issued(out, when, text)
            elif rest:
                out.notes.append(f"the series line goes on with {rest!r}: not used")
            i += 1
            continue
        when = datetext.date_line(text)
        if when is not None and "issued" not in out.found:
            _set_issued(out, when, text)
            i += 1
            continue
        if _BOILERPLATE.match(text) or _PAGE_NUMBER.match(text):
            i += 1
            continue
        if series_at is None or i > series_at:
            break
        i += 1  # something above the series line (a logo's text): not the title
    return i


def _set_issued(out: Draft, when: tuple[str | None, str], text: str) -> None:
    iso, printed = when
    if "issued" in out.found:
        return
    if iso is None:
        out.notes.append(f"the date {printed!r} is not a date that exists: issued left out")
        out.found["issued"] = text
        return
    out.data["issued"] = iso
    out.found["issued"] = text


def _title(head: list[Line], out: Draft, body: heading.Body) -> None:
    if not head:
        out.notes.append("no title found between the date and the body")
        return
    title_lines, subtitle_lines, how = heading.split_heading(head, body)
    title = heading.join_lines([x.text for x in title_lines])
    subtitle = heading.join_lines([x.text for x in subtitle_lines])
    if subtitle and title.endswith(":"):
        title = title[:-1].rstrip()
    if title:
        out.data["title"] = title
        out.found["title"] = " | ".join(x.text for x in title_lines)
    if subtitle:
        out.data["subtitle"] = subtitle
        out.found["subtitle"] = " | ".join(x.text for x in subtitle_lines)
    if len(head) > 1 and not subtitle:
        doubtful = [head[i + 1].text for i in range(len(head) - 1)
                    if heading.first_letter(head[i + 1].text).isupper()
                    and heading.boundary_score(head, i, body) > -3]
        if doubtful:
            where = " or at ".join(repr(x) for x in doubtful[:3])
            out.notes.append(f"the lines were read as one title; if a subtitle begins at "
                             f"{where}, split them")
    if len(head) > 1:
        out.notes.append(f"title{' and subtitle' if subtitle else ''} put together from "
                         f"{len(head)} lines (split by {how}): check them")


# --------------------------------------------------------------------------- the note


def closing_note(lines: list[Line]) -> str | None:
    """The note naming the author (usually the last paragraph, in parentheses), as one
    line of text; None when there is none."""
    # page numbers and running heads ("GFJ Commentary" on every page) are not the note's
    kept = [x.text for x in lines if not _PAGE_NUMBER.match(x.text) and not _running_head(x.text)]
    text = ""
    starts: list[int] = []
    for line in kept:
        if text:
            text += "" if re.search(r"\w[-/]$", text) else " "
        starts.append(len(text))
        text += line
    hits = list(BY_RE.finditer(text))
    if not hits:
        return None
    at = hits[-1].start()
    open_at = text.rfind("(", 0, at)
    if open_at != -1 and ")" not in text[open_at:at] and at - open_at < 400:
        begin = open_at
    else:
        window = max(0, at - 400)
        opening = list(re.finditer(r"\b(?:This|The)\s+(?:is|was|article|commentary|essay|"
                                   r"piece|text)\b", text[window:at]))
        begin = window + opening[-1].start() if opening else max(s for s in starts if s <= at)
    end = _closing(text, begin)
    note = text[begin:end].strip()
    if note.startswith("(") and note.endswith(")"):
        note = note[1:-1].strip()
    return note.lstrip("(").strip() or None


def _running_head(text: str) -> bool:
    m = SERIES_RE.match(text)
    return bool(m) and (not m.group("rest") or datetext.date_line(m.group("rest")) is not None)


def _closing(text: str, begin: int) -> int:
    if text[begin] != "(":
        m = re.search(r"\.\)?(?:\s|$)", text[begin:])
        return begin + m.end() if m else len(text)
    depth = 0
    for i in range(begin, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return min(len(text), begin + 1200)


BY_RE = re.compile(r"\b(?:written|authored|contributed)\s+(?:in\s+[A-Z]\w+\s+)?by\s+|"
                   r"\b(?:article|commentary|essay|piece|op-ed|column)\s+by\s+",
                   re.IGNORECASE)
_BY_END = re.compile(
    r",?\s+(?:and\s+)?(?:which|that)\s+(?:was\s+|had\s+|has\s+)?(?:originally\s+|first\s+)?"
    r"(?:appeared|been\s+published|published|posted|ran|carried)\b"
    r"|,?\s+(?:and\s+)?(?:was\s+)?(?:originally|first)\s+(?:appeared|published|posted|ran)\b"
    r"|,?\s+(?:published|posted)\s+(?:on|in)\b",
    re.IGNORECASE)
_APPEARED = re.compile(r"\b(?:appeared|published|posted|ran|carried)\b", re.IGNORECASE)


def _is_translation(note: str) -> bool:
    return re.search(r"\btranslat(?:ion|ed)\b", note, re.IGNORECASE) is not None


def _read_note(note: str, out: Draft, known: dict[str, str]) -> None:
    data, found, notes = out.data, out.found, out.notes
    by = BY_RE.search(note)
    if by is None:  # pragma: no cover (closing_note found one)
        return
    tail = note[by.end():]
    m = _BY_END.search(tail)
    byline_text = (tail[: m.start()] if m else tail).strip().rstrip(".;,)").strip()
    rest = tail[m.start():] if m else ""
    authors = []
    for byline in split_authors(byline_text):
        who = person(byline, known, notes)
        if who:
            authors.append(who)
            found[f"authors[{len(authors) - 1}]"] = byline
    if authors:
        data["authors"] = authors
        found["authors"] = byline_text
        if (len(authors) > 1 and authors[-1].get("affiliations")
                and not any(a.get("affiliations") for a in authors[:-1])):
            notes.append("only the last author has affiliations: they may be shared by all "
                         "the authors (\"A and B, Academic Members, GFJ\"); check them")
    if rest:
        _read_original(rest, out, known)
    if _is_translation(note):
        # the language named outside the byline ("Professor of French" is not one)
        said = note.replace(byline_text, " ") if byline_text else note
        named = re.search(r"\b(?:from|of)\s+(?:the\s+|a\s+|an\s+)?(?P<lang>" +
                          "|".join(LANGUAGE_NAMES) + r")\b(?!\s+(?:Times|Forum|Institute))",
                          said, re.IGNORECASE)
        written_in = re.search(r"\bin\s+(?:the\s+)?(?P<lang>" +
                               "|".join(LANGUAGE_NAMES) + r")\b", said, re.IGNORECASE)
        hit = named or written_in
        if hit:
            put(data, "original.language", LANGUAGE_NAMES[hit.group("lang").lower()])
            found["original.language"] = hit.group(0)
        else:
            put(data, "original.language", "ja")
            what = re.search(r"\b(?:English\s+)?translation\b[^,]*?\barticle\b|"
                             r"\btranslat\w+\b", note, re.IGNORECASE)
            found["original.language"] = (f"{what.group(0) if what else 'translation'} "
                                          "(a GFJ Commentary translates an article GFJ "
                                          "published in Japanese)")
    elif rest:
        notes.append("the closing note does not say this is a translation: "
                     "original.language left out")


def _read_original(rest: str, out: Draft, known: dict[str, str]) -> None:
    data, found = out.data, out.found
    verb = _APPEARED.search(rest)
    where = rest[verb.end():] if verb else rest
    where = where.strip().rstrip(".;,)").strip()
    when = datetext.find_date(where)
    if when:
        iso, m = when
        printed = m.group(0)
        if iso:
            put(data, "original.issued", iso)
        else:
            out.notes.append(f"the original's date {printed!r} does not exist: left out")
        found["original.issued"] = printed
        before = where[: m.start()].rstrip()
        before = re.sub(r"[\s,]*\b(?:on|in|dated)$", "", before, flags=re.IGNORECASE)
        after = where[m.end():].strip(" ,.")
        after = re.sub(r"^(?:on|in|at)\s+", "", after, flags=re.IGNORECASE)
        where = (before + (" " + after if after else "")).strip(" ,")
    where = re.sub(r"^(?:on|in|at)\s+", "", where, flags=re.IGNORECASE).strip()
    if not where:
        return
    venue, publisher = _venue_publisher(where, known)
    venue = re.sub(r"^the\s+", "", venue)  # "the e-Forum" (not "The Japan Times")
    if venue:
        put(data, "original.venue", venue)
        found["original.venue"] = where
    if publisher is None and re.search(r"Giron[- ]?Hyakushutsu", venue, re.IGNORECASE):
        publisher = PUBLISHER
        found["original.publisher"] = f"{venue} (GFJ's e-Forum)"
    elif publisher is not None:
        found["original.publisher"] = where
    if publisher:
        put(data, "original.publisher", publisher)


def _venue_publisher(where: str, known: dict[str, str]) -> tuple[str, str | None]:
    """``the e-Forum “Giron-Hyakushutsu” of GFJ`` -> (venue, The Global Forum of Japan).

    A publisher is split off only when it is an organization we know (by acronym or
    full name); otherwise the whole phrase is the venue.
    """
    def full(name: str) -> str | None:
        name = name.strip().rstrip(".,")
        if name in known:
            return _without_acronym(known[name])
        said = name.lower().removeprefix("the ")
        for value in known.values():
            bare = _without_acronym(value)
            if said in (bare.lower().removeprefix("the "), value.lower().removeprefix("the ")):
                return bare
        return None

    for m in reversed(list(re.finditer(r"\s+(?:of|by|from)\s+", where))):
        publisher = full(where[m.end():])
        if publisher:
            return where[: m.start()].strip(" ,"), publisher
    # "GFJ's e-Forum ..." or "the GFJ e-Forum ...": the publisher's acronym before the venue
    m = re.match(r"^(?:the\s+)?(?P<pub>[^\s’']+)(?:['’]s)?\s+(?P<venue>.+)$", where)
    if m and m.group("pub") in known and full(m.group("pub")):
        return m.group("venue").strip(), full(m.group("pub"))
    return where, None


def _without_acronym(name: str) -> str:
    return re.sub(r"\s*\([^()]*\)\s*$", "", name)


# --------------------------------------------------------------------------- authors

_NOT_NAME_WORDS = set("""
university institute center centre foundation forum council association ministry agency
bank shimbun times post journal affairs relations research policy studies school college
society corporation company group office department committee commission japan japanese
international national global asia asian pacific security strategic economic
fellow professor director member researcher president chairman chair editor writer advisor
adviser senior visiting emeritus executive chief head analyst lecturer ambassador minister
former representative secretary deputy vice associate assistant staff correspondent
columnist commentator distinguished academic principal manager officer
science sciences political politics law economics history development technology
engineering medicine arts humanities culture communication management business government
governance diplomacy defense defence peace media press news review quarterly daily
""".split())


def _has_capitals(chunk: str) -> bool:
    """A name with its family name in capitals: ``KAWASHIMA Shin``."""
    words = chunk.split()
    caps = [w for w in words if sum(c.isalpha() for c in w) >= 2 and w.isupper()]
    return 2 <= len(words) <= 5 and bool(caps) and len(caps) < len(words) and all(
        w[0].isupper() for w in words if w[0].isalpha())


def _plain_name(chunk: str) -> bool:
    """Two to four capitalized words that are not an organization's or a role's."""
    words = chunk.split()
    return (2 <= len(words) <= 4
            and all(w[0].isupper() or w.lower() in PARTICLES for w in words)
            and not any(w.lower().strip(".,") in _NOT_NAME_WORDS for w in words)
            and not any(sum(c.isalpha() for c in w) >= 2 and w.isupper() for w in words))


def split_authors(text: str) -> list[str]:
    """``A, Role, Org / Role, Org and B, Role, Org`` -> one byline per author.

    An ``and`` (or ``;``, ``&``) separates authors only when a name follows it: a name
    with its family name in capitals (``KAWASHIMA Shin``) when the first author's is so
    written; else two to four capitalized words that are not an organization's or a
    role's (``Taro Yamada``), followed by an affiliation or alone.
    """
    text = re.sub(r"\s+", " ", text).strip()
    capitals = _has_capitals(re.split(r",|\s+/\s+|\s+and\s+|;\s+|\s+&\s+", text,
                                      maxsplit=1)[0])
    parts = re.split(r"(,?\s+and\s+|;\s+|\s+&\s+)", text)
    bylines = [parts[0]]
    for sep, piece in zip(parts[1::2], parts[2::2]):
        chunk = re.split(r",|\s+/\s+", piece, maxsplit=1)[0].strip()
        has_affiliation = piece[len(chunk):].lstrip().startswith(",")
        # a name printed without an affiliation ("A, Professor, X and B and C")
        alone = "," not in piece and " / " not in piece
        if capitals:
            is_name = _has_capitals(chunk)
        else:
            is_name = _plain_name(chunk) and (has_affiliation or alone)
        if is_name:
            bylines.append(piece)
        else:
            bylines[-1] += sep + piece
    return [b.strip(" ,;") for b in bylines if b.strip(" ,;")]


def _check_dates(out: Draft) -> None:
    issued = out.data.get("issued")
    orig = (out.data.get("original") or {}).get("issued")
    if issued and orig and orig > issued:
        out.notes.append(f"the original ({orig}) is dated after this translation ({issued}): "
                         "check both dates")
