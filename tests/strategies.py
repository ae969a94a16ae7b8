"""Hypothesis strategies for records, shared by the property tests of every format."""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

from archive.model import TYPES

# text as a librarian could type it: any letters, punctuation, quotes, CJK; stored NFC, stripped
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
    max_size=40,
).map(lambda s: unicodedata.normalize("NFC", " ".join(s.split()))).filter(bool)


@st.composite
def iso_date(draw):
    year = draw(st.integers(1800, 2100))
    precision = draw(st.sampled_from([1, 2, 3]))
    if precision == 1:
        return f"{year:04d}"
    month = draw(st.integers(1, 12))
    if precision == 2:
        return f"{year:04d}-{month:02d}"
    import calendar

    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}"


person = st.builds(
    dict,
    family=text,
    given=st.none() | text,
    order=st.none() | st.just("family-first"),
    non_dropping_particle=st.none() | st.sampled_from(["van", "de", "von der"]),
    suffix=st.none() | st.sampled_from(["Jr.", "III"]),
    affiliations=st.lists(st.builds(dict, role=st.none() | text, organization=text),
                          max_size=3),
)
organization = st.builds(dict, organization=text)
agents = st.lists(person | organization, max_size=4)


@st.composite
def record_data(draw):
    issued = draw(st.none() | iso_date())
    data = {
        "id": "r-" + draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1,
                                  max_size=12)),
        "type": draw(st.sampled_from(TYPES)),
        "title": draw(text),
        "subtitle": draw(st.none() | text),
        "language": draw(st.none() | st.sampled_from(["en", "ja", "pt-BR", "zh-Hant"])),
        "issued": issued,
        "series": draw(st.none() | text),
        "series_number": draw(st.none() | st.integers(1, 999).map(str)),
        "publisher": draw(st.none() | text),
        "authors": draw(agents),
        "translators": draw(agents),
        "subjects": draw(st.lists(text, max_size=4)),
        "abstract": draw(st.none() | text),
        "url": draw(st.none() | st.just("https://www.example.org/a?b=c&d=é")),
        "doi": draw(st.none() | st.just("10.1234/ABC-5(6)")),
    }
    if draw(st.booleans()):
        original = {"language": "ja", "title": draw(text), "venue": draw(text)}
        if issued and draw(st.booleans()):
            original["issued"] = issued[:4]  # never later than the translation
        data["original"] = original
    return {k: v for k, v in data.items() if v not in (None, [], {})}
