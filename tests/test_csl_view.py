"""The CSL view of a record (archive.citations): what citation styles are given."""

from __future__ import annotations

import pytest

from archive.citations import data_to_csl, family_first_static, join_title, record_to_csl
from archive.model import validate_record
from archive.store import Archive
from tests.conftest import REPO, SEED_ID


def view(**fields):
    data = {"id": "x-2022", "title": "T", **fields}
    return record_to_csl(validate_record(data))


def test_seed_view():
    item = record_to_csl(Archive(REPO).read(SEED_ID))
    assert item["id"] == SEED_ID
    assert item["type"] == "report"  # commentary -> report (DESIGN.md §3)
    assert item["title"] == (
        "Do not be disturbed by the “suspension” of peace treaty negotiations with Russia: "
        "Ideal opportunity for completely breaking away from the policy of Russian appeasement")
    assert item["title-short"].endswith("negotiations with Russia")
    # published styles render the name by their own rules (DESIGN.md §3): only a mark
    assert item["author"] == [{"family": "Tokiwa", "given": "Shin", "x-order": "family-first"}]
    # house styles print it as the record has it
    assert family_first_static(item)["author"] == [
        {"family": "Tokiwa", "given": "Shin", "x-order": "family-first", "static-ordering": True}]
    assert item["collection-title"] == "GFJ Commentary"
    assert item["publisher"] == "The Global Forum of Japan"
    assert item["issued"] == {"date-parts": [[2022, 6, 1]]}
    assert item["original-date"] == {"date-parts": [[2022, 5, 19]]}
    # the venue is what a reader needs to find the original (no CSL 1.0.2 variable for the
    # original's container)
    assert item["original-publisher"] == "e-Forum “Giron-Hyakushutsu”"
    assert item["language"] == "en"
    assert item["keyword"].startswith("Japan–Russia relations, Northern Territories")
    assert item["abstract"].startswith("A journalist argues")
    assert "note" not in item  # the librarian's notes are not part of a citation
    assert "affiliations" not in str(item)


@pytest.mark.parametrize("title, subtitle, joined", [
    ("Why now?", "A reply", "Why now? A reply"),
    ("Stop!", "Now", "Stop! Now"),
    ("Part one:", "the start", "Part one: the start"),
    ("Plain", "Sub", "Plain: Sub"),
    ("なぜか？", "答え", "なぜか？ 答え"),
    ("Alone", None, "Alone"),
])
def test_title_and_subtitle(title, subtitle, joined):
    assert join_title(title, subtitle) == joined
    item = view(title=title, subtitle=subtitle)
    assert item["title"] == joined
    if subtitle:
        assert item["title-short"] == title


@pytest.mark.parametrize("ours, csl", [
    ("commentary", "report"), ("op-ed", "article-newspaper"), ("article", "article-journal"),
    ("blog-post", "post-weblog"), ("webpage", "webpage"), ("report", "report"),
    ("book", "book"), ("chapter", "chapter"), ("interview", "interview"),
    ("speech", "speech"), ("thesis", "thesis"),
])
def test_types(ours, csl):
    assert view(type=ours)["type"] == csl


def test_names():
    item = view(
        authors=[
            {"family": "Tokiwa", "given": "Shin", "order": "family-first",
             "affiliations": [{"organization": "GFJ"}]},
            {"family": "Beethoven", "given": "Ludwig", "non_dropping_particle": "van"},
            {"family": "Gogh", "given": "Vincent", "dropping_particle": "van"},
            {"family": "King", "given": "Martin Luther", "suffix": "Jr.", "comma_suffix": True},
            {"organization": "The Japan Forum on International Relations"},
            {"family": "Mao", "given": "Zedong", "order": "family-first",
             "static_ordering": False},
        ],
        translators=[{"family": "Doe", "given": "Jane"}],
        editors=[{"organization": "GFJ"}],
    )
    assert item["author"] == [
        {"family": "Tokiwa", "given": "Shin", "x-order": "family-first"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Gogh", "given": "Vincent", "dropping-particle": "van"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr.", "comma-suffix": True},
        {"literal": "The Japan Forum on International Relations"},
        {"family": "Mao", "given": "Zedong", "static-ordering": False},  # the record wins
    ]
    assert item["translator"] == [{"family": "Doe", "given": "Jane"}]
    assert item["editor"] == [{"literal": "GFJ"}]


def test_every_field():
    item = view(
        type="op-ed", language="ja", issued="2023-03-02", series="S", series_number="12",
        publisher="P", place="Tokyo", container_title="Japan Times", volume="3", issue="4",
        pages="5-7", number="N-1", genre="Opinion", edition="2", abstract="A",
        url="https://example.org/a", doi="10.1234/abc", accessed="2026-11-01",
        subjects=["a", "b"], notes="ours only", identifiers={"isbn": "978-4-00-000000-0"},
        original={"language": "en", "issued": "2023-01", "title": "Original title",
                  "venue": None, "publisher": "Orig Press", "place": "London"},
    )
    expected = {
        "id": "x-2022", "type": "article-newspaper", "title": "T", "language": "ja",
        "issued": {"date-parts": [[2023, 3, 2]]}, "collection-title": "S",
        "collection-number": "12", "publisher": "P", "publisher-place": "Tokyo",
        "container-title": "Japan Times", "volume": "3", "issue": "4", "page": "5-7",
        "number": "N-1", "genre": "Opinion", "edition": "2", "abstract": "A",
        "URL": "https://example.org/a", "DOI": "10.1234/abc",
        "accessed": {"date-parts": [[2026, 11, 1]]}, "keyword": "a, b",
        "ISBN": "978-4-00-000000-0",
        "original-date": {"date-parts": [[2023, 1]]}, "original-title": "Original title",
        "original-publisher": "Orig Press", "original-publisher-place": "London",
    }
    assert item == expected


def test_original_title_in_original_script_when_no_romanized_title():
    item = view(original={"title_original_script": "ロシアとの平和条約交渉"})
    assert item["original-title"] == "ロシアとの平和条約交渉"


def test_date_interval():
    assert view(issued="2021-11/2022-02")["issued"] == {"date-parts": [[2021, 11], [2022, 2]]}


def test_csl_passthrough_wins():
    item = view(
        subtitle="S", original={"venue": "V"},
        authors=[{"family": "Tokiwa", "given": "Shin", "order": "family-first"}],
        notes="ours", csl={"medium": "Online", "original-publisher": "Given", "title": "Kept",
                           "note": "from the item", "type": "pamphlet"})
    assert item["medium"] == "Online"
    assert item["original-publisher"] == "Given"
    assert item["title"] == "Kept"
    assert item["note"] == "from the item"
    assert item["type"] == "pamphlet"


def test_view_from_index_data_is_the_same():
    record = Archive(REPO).read(SEED_ID)
    assert data_to_csl(record.to_data()) == record_to_csl(record)


@pytest.mark.filterwarnings("ignore:The following arguments")  # plain citeproc-py: static-ordering
def test_the_view_renders_in_every_alias():
    """Every alias renders the seed's view without error: the author's name is there."""
    from archive import styles
    from archive.csl import Processor, load_style

    item = record_to_csl(Archive(REPO).read(SEED_ID))
    for alias in styles.ALIASES:
        style = load_style(styles.resolve(alias).path)
        (entry,) = Processor(style, [item]).bibliography()
        assert "Tokiwa" in entry, (alias, entry)
        (cite,) = Processor(style, [item]).citations([[{"id": SEED_ID}]])
        assert cite.strip(), alias
