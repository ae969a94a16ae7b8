"""Properties over generated records (hypothesis): what is stored is what comes back."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import dates, yamlio
from archive.formats import csljson
from archive.model import validate_record
from archive.store import Archive, init
from tests.strategies import agents, iso_date, organization, person, record_data, text  # noqa: F401


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
