"""Properties over generated records (hypothesis): what is stored is what comes back."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
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


def _carried(data, carries):
    """The values of the fields a format carries (CARRIES), as the record holds them."""
    from archive.formats.base import join_title

    out = {}
    for path in carries:
        head, _, tail = path.partition(".")
        if head not in data:
            continue
        if tail:
            if isinstance(data[head], dict):
                if tail in data[head]:
                    out[path] = data[head][tail]
            else:  # a part of each name: authors.affiliations, authors.order
                out[path] = [a.get(tail) for a in data[head]]
            continue
        out[path] = data[head]
    if "title" in carries and "subtitle" not in carries:
        out["title"] = join_title(data["title"], data.get("subtitle"))
    for key in ("authors", "translators", "editors"):
        if key in out:  # name parts a format carries; affiliations and order are their own rows
            out[key] = [{k: v for k, v in a.items() if k not in ("affiliations", "order")}
                        for a in out[key]]
    return out


@given(record_data())
@settings(max_examples=200, deadline=None)
def test_csl_json_yaml_and_json_round_trips_keep_what_their_table_says(data):
    """Export then import gives back every field the format's CARRIES lists (the README's
    table): CSL-JSON, and our own YAML and JSON (every field)."""
    import io

    from archive import formats

    record = validate_record(data).to_data()
    # CSL keeps keywords as one string: a subject holding a semicolon cannot come back
    # whole (the README's table says how subjects are joined)
    assume(not any(";" in s for s in record.get("subjects", [])))
    for name in ("csl-json", "yaml", "json"):
        fmt = formats.get(name)
        dumped = fmt.dump([record])
        entries = list(fmt.loader()(io.StringIO(dumped), "x"))
        assert len(entries) == 1 and not entries[0].errors, (name, entries)
        back = validate_record({**entries[0].data, "id": entries[0].data.get("id", record["id"])})
        assert _carried(back.to_data(), fmt.carries) == _carried(record, fmt.carries), name
