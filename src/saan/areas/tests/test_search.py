import pytest

from saan.areas.queries import search_areas

pytestmark = pytest.mark.django_db


def codes(query, **kw):
    return [m.area.code for m in search_areas(query, **kw)]


@pytest.mark.parametrize(
    "query",
    [
        "ต.สาวะถี",
        "ตำบลสาวะถี",
        "สาวะถี",
        "สาวะถี อ.เมือง ขอนแก่น",
        "ขอนแก่น เมือง สาวะถี",
        "ต.สาวะถี อ.เมืองขอนแก่น จ.ขอนแก่น",
        "Sawathi",
        "sawathi mueang khon kaen",
    ],
)
def test_people_write_savathi_many_ways(reference, query):
    assert codes(query)[0] == "400108"


def test_qualifiers_narrow_a_common_name(reference):
    everywhere = codes("ในเมือง", level="subdistrict")
    assert len(everywhere) > 5
    assert codes("ในเมือง อ.เมือง ขอนแก่น") == ["400101"]


def test_exact_names_rank_before_longer_ones(reference):
    found = codes("ขอนแก่น")
    assert found[0] == "40"


def test_thai_digits_and_codes(reference):
    assert codes("๔๐๐๑๐๘") == ["400108"]
    assert codes("4001", level="subdistrict")[:1] == ["400101"]
    assert set(codes("4001", level="subdistrict")) <= {c for c in codes("4001", limit=100)}


def test_bangkok_khet_and_khwaeng(reference):
    assert codes("เขตพระนคร")[0] == "1001"
    assert codes("แขวงวังบูรพาภิรมย์")[0] == "100102"
    assert codes("กทม")[0] == "10"


def test_within_limits_to_an_area(reference):
    assert all(c.startswith("40") for c in codes("เมือง", within="40"))


def test_a_misspelling_is_offered_as_a_fuzzy_guess(reference):
    matches = search_areas("สาวะที")
    assert matches and matches[0].fuzzy
    assert "400108" in [m.area.code for m in matches]


def test_nothing_for_empty_or_nonsense(reference):
    assert search_areas("   ") == []
    assert search_areas("qqqqqqzzzz") == []
