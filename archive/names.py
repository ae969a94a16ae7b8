"""Reading bylines as commentaries print them.

``TOKIWA Shin, Academic Member, GFJ / Distinguished Research Fellow, JFIR`` gives
family Tokiwa, given Shin, written family name first, with two affiliations.
A word in capitals marks the family name; ``Tokiwa, Shin`` is family, given;
``Shin Tokiwa`` is given, family. Affiliations follow the name, separated by
`` / ``, each ``Role, Organization``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from .errors import ArchiveError
from .model import Affiliation, Person

SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "phd", "ph.d.", "md", "m.d."}
PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "do", "dos", "das", "du",
    "la", "le", "ter", "ten", "bin", "binti", "ibn", "al", "el", "af", "zu", "y", "st.",
}
# words after which an acronym is not taken from initials ("The Global Forum of Japan" -> GFJ)
_MINOR = {"the", "of", "on", "for", "and", "in", "at", "to", "a", "an", "&"}
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,11}$")
_PAREN_ACRONYM_RE = re.compile(r"\(([A-Z][A-Z0-9&.\-]{1,11})\)\s*$")


class BylineError(ArchiveError):
    """A byline that cannot be read as a name (and affiliations)."""


def _is_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and any(
        unicodedata.category(c) == "Lu" for c in letters
    )


def _titlecase(word: str) -> str:
    """TOKIWA -> Tokiwa, O'BRIEN -> O'Brien, SMITH-JONES -> Smith-Jones."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), word)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip(" ,;")


def _check_name_words(words: list[str], byline: str) -> None:
    if not words:
        raise BylineError(f"cannot read a name in the byline {byline!r}")
    for w in words:
        if not any(c.isalpha() for c in w) or any(c.isdigit() for c in w) or "@" in w:
            raise BylineError(
                f"cannot read a name in the byline {byline!r}: {w!r} is not part of a name"
            )
    if len(words) > 6:
        raise BylineError(
            f"cannot read a name in the byline {byline!r}: {len(words)} words before the "
            "first comma; write it as 'Family, Given' or 'Given Family, Role, Organization'"
        )


def parse_name(text: str, byline: str | None = None) -> Person:
    """A name alone: ``TOKIWA Shin``, ``Tokiwa, Shin``, ``Shin Tokiwa``, ``Ludwig van Beethoven``."""
    byline = byline or text
    text = _clean(text)
    suffix = None
    if "," in text:
        head, _, tail = text.partition(",")
        tail = tail.strip()
        if tail.lower() in SUFFIXES:
            text, suffix = head.strip(), tail
        else:
            family_words = head.split()
            given_words = tail.split()
            _check_name_words(family_words + given_words, byline)
            if "," in tail:
                given_part, _, sfx = tail.partition(",")
                given_words = given_part.split()
                suffix = sfx.strip() or None
            particles = []
            while len(family_words) > 1 and family_words[0].lower() in PARTICLES:
                particles.append(family_words.pop(0))
            return Person(
                family=" ".join(_titlecase(w) if _is_caps(w) else w for w in family_words),
                given=" ".join(given_words) or None,
                non_dropping_particle=" ".join(particles) or None,
                suffix=suffix,
            )
    words = text.split()
    if words and words[-1].lower() in SUFFIXES and len(words) > 2:
        suffix = words.pop()
    _check_name_words(words, byline)
    caps = [i for i, w in enumerate(words) if _is_caps(w)]
    if caps and len(caps) < len(words) and caps == list(range(caps[0], caps[-1] + 1)):
        family = " ".join(_titlecase(words[i]) for i in caps)
        rest = [w for i, w in enumerate(words) if i not in caps]
        order = "family-first" if caps[0] == 0 else None
        return Person(family=family, given=" ".join(rest) or None, order=order, suffix=suffix)
    if len(words) == 1:
        return Person(family=_titlecase(words[0]) if _is_caps(words[0]) else words[0],
                      suffix=suffix)
    if all(_is_caps(w) for w in words):
        words = [_titlecase(w) for w in words]
    family_words = [words[-1]]
    given_words = words[:-1]
    particles = []
    while len(given_words) > 1 and given_words[-1].lower() in PARTICLES:
        particles.insert(0, given_words.pop())
    return Person(
        family=" ".join(family_words),
        given=" ".join(given_words) or None,
        non_dropping_particle=" ".join(particles) or None,
        suffix=suffix,
    )


def _split_affiliation(text: str) -> Affiliation:
    text = _clean(text)
    if not text:
        raise BylineError("an affiliation in the byline is empty (check the ' / ' separators)")
    role, sep, org = text.partition(",")
    if not sep:
        return Affiliation(organization=text)
    role, org = role.strip(), org.strip()
    if not org:
        return Affiliation(organization=role)
    return Affiliation(role=role or None, organization=org)


def parse_byline(byline: str, known: dict[str, str] | None = None) -> Person:
    """A byline as printed -> a Person with affiliations.

    ``known`` maps acronyms (``GFJ``) to the full names already used in the archive
    (``The Global Forum of Japan (GFJ)``); unknown acronyms stay as written.
    """
    if not isinstance(byline, str) or not _clean(byline):
        raise BylineError("the byline is empty")
    if byline.strip().startswith((",", "/", ";")):
        raise BylineError(f"cannot read a name in the byline {byline!r}: it starts with "
                          f"{byline.strip()[0]!r}; the name comes first")
    segments = [s for s in re.split(r"\s+/\s+|\s*;\s*", _clean(byline))]
    first = segments[0]
    parts = [p.strip() for p in first.split(",")]
    # "Tokiwa, Shin[, Role, Org]": a one-word (or particle-led) family name before the comma,
    # with no word in capitals to mark the family name otherwise.
    head_words = parts[0].split()
    inverted = (
        len(parts) >= 2
        and not any(_is_caps(w) for w in head_words)
        and (len(head_words) == 1 or head_words[0].lower() in PARTICLES)
        and len(parts[1].split()) <= 3
        and parts[1].lower() not in SUFFIXES
        and bool(parts[1])
    )
    if inverted:
        name_text = f"{parts[0]}, {parts[1]}"
        rest = parts[2:]
    else:
        name_text = parts[0]
        rest = parts[1:]
    if rest and rest[0].lower() in SUFFIXES:
        name_text += f", {rest[0]}"
        rest = rest[1:]
    person = parse_name(name_text, byline)
    affiliation_texts = []
    if rest:
        affiliation_texts.append(", ".join(rest))
    affiliation_texts.extend(segments[1:])
    affiliations = [_split_affiliation(t) for t in affiliation_texts]
    if known:
        affiliations = [
            Affiliation(role=a.role, organization=expand(a.organization, known))
            for a in affiliations
        ]
    return person.model_copy(update={"affiliations": affiliations})


def initials(name: str) -> str:
    """``The Global Forum of Japan`` -> ``GFJ`` (minor words skipped)."""
    words = re.findall(r"[^\W_]+", name)
    return "".join(w[0].upper() for w in words if w.lower() not in _MINOR)


def acronyms_from(names: Iterable[str]) -> dict[str, str]:
    """Known acronyms from full names: ``X (ABC)`` teaches ABC -> ``X (ABC)``;
    a name whose initials form an acronym teaches that acronym too."""
    out: dict[str, str] = {}
    for name in names:
        if not name:
            continue
        m = _PAREN_ACRONYM_RE.search(name)
        if m:
            out[m.group(1)] = name
            continue
        letters = initials(name)
        if len(letters) >= 3 and letters not in out:
            out.setdefault(letters, f"{name} ({letters})")
    return out


def expand(organization: str, known: dict[str, str]) -> str:
    """An acronym alone expands to the known full name; anything else stays."""
    if _ACRONYM_RE.match(organization) and organization in known:
        return known[organization]
    return organization


def capitals_rule(person: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A name another format split by its own rules, read again by ours where a word in
    capitals marks the family name (DESIGN.md §3); with a note when that changed it.

    For names written without a comma: BibTeX reads "TOKIWA Shin" as given TOKIWA, family
    Shin; ours reads family Tokiwa, given Shin, written family name first. A name written
    "Family, Given" already says which part is which and is kept as written.
    """
    family, given = person.get("family") or "", person.get("given") or ""
    words = f"{given} {person.get('non_dropping_particle') or ''} {family}".split()
    caps = [w for w in words if _is_caps(w)]
    if not caps or len(caps) == len(words) or person.get("suffix"):
        return person, None
    ours = parse_name(" ".join(words)).model_dump(exclude_none=True, exclude_defaults=True)
    if ours.get("family") == family and ours.get("given") == (given or None):
        return person, None
    return ours, (f"{' '.join(words)!r}: the word in capitals is the family name "
                  f"(family {ours['family']!r}, given {ours.get('given')!r})")
