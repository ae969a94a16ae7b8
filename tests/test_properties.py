"""Properties over generated records (hypothesis): what is stored is what comes back."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import dates, yamlio
from archive.formats import csljson
from archive.model import TYPES, validate_record
from archive.store import Archive, init

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


@given(record_data())
@settings(max_examples=200, deadline=None)
def test_yaml_round_trip(data):
    record = validate_record(data)
    text_ = yamlio.dump_record(record.to_data())
    again = validate_record(yamlio.loads(text_))
    assert again == record


@given(record_data())
@settings(max_examples=200, deadline=None)
def test_csl_json_round_trip_keeps_what_csl_carries(data):
    """Record -> CSL item -> record: every field CSL has a variable for comes back.
    Affiliations, name order and the original's language/venue have no CSL variable."""
    record = validate_record(data)
    item = csljson.data_to_item(record.to_data())
    conv = csljson.item_to_data(item)
    assert not conv.errors, conv.errors
    back = validate_record({**conv.data, "id": record.id})
    assert back.issued == record.issued
    assert back.full_title == record.full_title
    assert back.series == record.series and back.publisher == record.publisher
    assert [a.model_dump(exclude={"affiliations", "order"}) for a in back.authors] == [
        a.model_dump(exclude={"affiliations", "order"}) for a in record.authors]
    assert len(back.translators) == len(record.translators)
    assert back.doi == record.doi and back.url == record.url
    if record.original:
        assert (back.original.issued if back.original else None) == record.original.issued
        assert back.original.title == record.original.title


@given(st.lists(record_data(), min_size=1, max_size=5, unique_by=lambda d: d["id"]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
def test_store_round_trip(tmp_path_factory, many):
    root = init(tmp_path_factory.mktemp("prop") / "a")
    archive = Archive(root)
    records = [archive.prepare(d, "test") for d in many]
    archive.add_many(records)
    for r in records:
        assert archive.read(r.id) == r


@given(iso_date())
def test_dates_round_trip_through_csl_parts(d):
    assert dates.from_parts(dates.to_parts(d)[0]) == d
