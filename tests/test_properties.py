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


def _pyyaml_dump(data):
    import yaml

    return yaml.dump(yamlio._plain_dates(data), Dumper=yamlio._Dumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=100)


@given(record_data())
@settings(max_examples=300, deadline=None)
def test_record_yaml_is_exactly_what_pyyaml_writes(data):
    """dump_record hands events to libyaml directly: the text must be PyYAML's own."""
    record = validate_record(data).to_data()
    assert yamlio.dump_record(record) == _pyyaml_dump(record)


def test_record_yaml_of_the_shipped_and_varied_records_is_pyyaml_s():
    import yaml

    from tests.conftest import DATA, REPO

    shipped = [yamlio.loads(p.read_text(encoding="utf-8"))
               for p in (REPO / "records").glob("*/record.yaml")]
    varied = yaml.safe_load((DATA / "varied-records.yaml").read_text(encoding="utf-8"))
    for data in shipped + varied:
        record = validate_record(data).to_data()
        assert yamlio.dump_record(record) == _pyyaml_dump(record), record["id"]
    odd = {"a": [1, True, None, 2.5, "yes", "1e3", "- x", "a: b", "#c", "", " lead", "é\u2028"]}
    assert yamlio.dump_record(odd) == _pyyaml_dump(odd)
