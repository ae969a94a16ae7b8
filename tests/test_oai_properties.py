"""Properties of the OAI-PMH provider, on generated catalogs (archive.oai directly):
whatever the page size and the from/until/set window, a harvest that follows the
resumption tokens returns each selected record exactly once, in datestamp order, and
cursor and completeListSize agree with what was returned. What is "selected" is computed
here from the spec's rules (inclusive bounds, seconds granularity, the set's members)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from archive import oai
from archive.catalog import Catalog, Entry, SeriesSet, Settings, format_datestamp

OAI = "{http://www.openarchives.org/OAI/2.0/}"
BASE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
SETS = [SeriesSet("gfj-commentary", "GFJ Commentary"), SeriesSet("policy-brief", "Policy Brief")]


@st.composite
def catalogs(draw) -> Catalog:
    n = draw(st.integers(0, 40))
    entries = []
    for i in range(n):
        seconds = draw(st.integers(0, 5 * 86400))  # many share a day, some a second
        deleted = draw(st.booleans()) and draw(st.booleans())
        series = draw(st.sampled_from([None, "GFJ Commentary", "Policy Brief"]))
        spec = {"GFJ Commentary": "gfj-commentary", "Policy Brief": "policy-brief"}.get(series)
        data = {"id": f"r{i:03d}", "type": "report", "title": f"Title {i}",
                "issued": "2023-05-01", "language": "en",
                "authors": [{"family": "Sato", "given": "Aiko"}]}
        if series:
            data["series"] = series
        entries.append(Entry(id=f"r{i:03d}", datestamp=BASE + dt.timedelta(seconds=seconds),
                             data=data, deleted=deleted, sets=(spec,) if spec else ()))
    return Catalog(settings=Settings(), entries=entries, sets=list(SETS))


def bound(draw, day_only: bool) -> tuple[str, dt.datetime, bool] | None:
    seconds = draw(st.integers(-86400, 6 * 86400))
    stamp = BASE + dt.timedelta(seconds=seconds)
    if day_only:
        return stamp.strftime("%Y-%m-%d"), stamp.replace(hour=0, minute=0, second=0), True
    return format_datestamp(stamp), stamp, False


def harvest(catalog: Catalog, page_size: int, params: list[tuple[str, str]]):
    provider = oai.Provider(catalog, page_size=page_size)
    got, pages, sizes = [], 0, set()
    request = [("verb", "ListIdentifiers"), *params]
    while True:
        doc = etree.fromstring(provider.respond(request, "http://127.0.0.1/oai"))
        error = doc.find(f"{OAI}error")
        if error is not None:
            assert not got, "an error after the first page"
            return error.get("code"), [], pages, sizes
        listed = doc.find(f"{OAI}ListIdentifiers")
        headers = listed.findall(f"{OAI}header")
        assert 1 <= len(headers) <= page_size
        token = listed.find(f"{OAI}resumptionToken")
        if token is not None:
            assert int(token.get("cursor")) == len(got)  # items before this page
            sizes.add(int(token.get("completeListSize")))
        got += [(h.findtext(f"{OAI}identifier"), h.findtext(f"{OAI}datestamp"),
                 h.get("status") == "deleted") for h in headers]
        pages += 1
        if token is None:
            assert pages == 1  # a list in one page carries no token
            return None, got, pages, sizes
        if not token.text:
            return None, got, pages, sizes
        request = [("verb", "ListIdentifiers"), ("resumptionToken", token.text)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog=catalogs(), page_size=st.integers(1, 12), data=st.data())
def test_a_harvest_returns_each_selected_record_once(catalog, page_size, data):
    params = [("metadataPrefix", "oai_dc")]
    day_only = data.draw(st.booleans())
    low = data.draw(st.none() | st.just(1)) and bound(data.draw, day_only)
    high = data.draw(st.none() | st.just(1)) and bound(data.draw, day_only)
    spec = data.draw(st.sampled_from([None, "gfj-commentary", "policy-brief"]))
    if low:
        params.append(("from", low[0]))
    if high:
        params.append(("until", high[0]))
    if spec:
        params.append(("set", spec))

    def selected(e: Entry) -> bool:
        if low and e.datestamp < low[1]:
            return False
        if high:
            end = high[1] + (dt.timedelta(days=1) if high[2] else dt.timedelta(seconds=1))
            if e.datestamp >= end:  # until is inclusive, at its granularity
                return False
        return spec is None or spec in e.sets

    want = [(f"oai:commentary-archive.local:{e.id}", format_datestamp(e.datestamp), e.deleted)
            for e in sorted(catalog.entries, key=lambda e: (e.datestamp, e.id)) if selected(e)]
    code, got, pages, sizes = harvest(catalog, page_size, params)
    if low and high and low[1] > high[1]:
        assert code == "badArgument"  # from after until
        return
    if not want:
        assert code == "noRecordsMatch"
        return
    assert code is None
    assert got == want  # each once, in datestamp order, deleted ones flagged
    assert pages == -(-len(want) // page_size)
    assert sizes <= {len(want)}  # every token gives the whole list's size


def test_the_varied_records_harvest_valid_in_both_formats(tmp_path):
    """The thirty hard records of tests/data/varied-records.yaml, harvested in pages of 7 in
    oai_dc and marcxml: every response valid against OAI-PMH.xsd with the records inside
    valid against oai_dc.xsd and MARC21slim.xsd, every record there once."""
    from archive import catalog
    from archive.store import Archive
    from tests import xmlschemas
    from tests.conftest import run_archive
    from tests.readers import VARIED

    schema = xmlschemas.oai_pmh_responses()
    root = tmp_path / "arch"
    assert run_archive("init", str(root)).returncode == 0
    proc = run_archive("--root", str(root), "import", str(VARIED))
    assert proc.returncode == 0, proc.stderr
    cat = catalog.load(Archive.open(root))
    provider = oai.Provider(cat, page_size=7)
    for prefix in ("oai_dc", "marcxml"):
        request = [("verb", "ListRecords"), ("metadataPrefix", prefix)]
        seen = []
        while True:
            doc = etree.fromstring(provider.respond(request, "http://127.0.0.1/oai"))
            xmlschemas.assert_valid(schema, doc)
            listed = doc.find(f"{OAI}ListRecords")
            seen += [r.findtext(f"{OAI}header/{OAI}identifier")
                     for r in listed.findall(f"{OAI}record")]
            token = listed.find(f"{OAI}resumptionToken")
            if token is None or not token.text:
                break
            request = [("verb", "ListRecords"), ("resumptionToken", token.text)]
        assert sorted(seen) == sorted(cat.settings.oai_identifier(e.id) for e in cat.entries)
