from decimal import Decimal

import pytest

from saan.areas.models import Area
from saan.indicators.models import Indicator
from saan.indicators.services import value_set
from saan.overlaps import gaps
from saan.projects.models import Theme

pytestmark = pytest.mark.django_db

PERIOD = "2024Oct"  # ปีงบประมาณ 2568


@pytest.fixture
def need(cast, scene):
    poor = Indicator.objects.get(code="tpmap-poor-hh")
    for code, value in (("400115", 100), ("400109", 300), ("400101", 100)):
        value_set(
            actor=cast.admin,
            indicator=poor,
            area=Area.objects.get(code=code),
            period=PERIOD,
            value=value,
        )
    return poor


def _rows(result):
    return {r.area.code: r for r in result.rows}


def test_gaps_spread_district_wide_budgets_and_compare_them_with_need(cast, scene, need):
    n = Area.objects.filter(code__startswith="4001", level="subdistrict").count()
    result = gaps.compute(
        cast.coordinator, area_code="4001", indicator=need, period=PERIOD, fiscal_year=2568
    )
    rows = _rows(result)
    share = (Decimal(420000) / n).quantize(Decimal("0.01"))
    assert rows["400115"].budget == Decimal(350000) + share
    assert rows["400109"].budget == Decimal(2400000) + share
    assert rows["400101"].budget == share
    assert result.total_budget == sum(r.budget for r in result.rows)
    assert abs(result.total_budget - Decimal(3170000)) < n  # only rounding of the shares
    assert result.total_need == 500
    expected = float((rows["400115"].budget / result.total_budget) / (Decimal(100) / Decimal(500)))
    assert rows["400115"].ratio == pytest.approx(expected)
    assert rows["400115"].by_source["สสส."] == Decimal(350000)
    # thf, codi and the private fund (the coordinator sees private work in the area); the
    # FY 2569 continuation and the undated project are outside FY 2568
    assert rows["400115"].projects == 3
    assert rows["400115"].planned == round(Decimal(60 + 60) + Decimal(115) / n)
    assert [r.area.code for r in result.rows[:3]] == ["400109", "400101", "400115"]
    assert result.rows[0].rank == 1 and result.rows[0].need == 300
    assert result.uncovered == []  # the district-wide project reaches every subdistrict


def test_gaps_count_only_what_the_person_may_see(cast, scene, need):
    rows = _rows(
        gaps.compute(
            cast.somchai, area_code="4001", indicator=need, period=PERIOD, fiscal_year=2568
        )
    )
    assert rows["400115"].projects == 2  # not สปสช.'s private project


def test_gaps_by_theme_show_subdistricts_no_project_reaches_and_idle_themes(cast, scene, need):
    housing = Theme.objects.get(slug="housing")
    result = gaps.compute(
        cast.coordinator, area_code="4001", indicator=need, period=PERIOD, theme=housing
    )
    n = Area.objects.filter(code__startswith="4001", level="subdistrict").count()
    assert len(result.uncovered) == n - 1 and "400109" not in {a.code for a in result.uncovered}
    rows = _rows(result)
    assert rows["400109"].projects == 1 and rows["400115"].projects == 0
    assert rows["400115"].ratio == 0.0 and rows["400109"].ratio > 1
    everything = gaps.compute(cast.coordinator, area_code="4001")
    idle = {t.slug for t in everything.idle_themes + everything.idle_agenda_themes}
    assert "water" in idle and "ageing" not in idle and "housing" not in idle


def test_a_province_shows_its_districts(cast, scene, need):
    result = gaps.compute(cast.coordinator, area_code="40", indicator=need, period=PERIOD)
    rows = _rows(result)
    assert set(rows) == set(Area.objects.filter(parent_id="40").values_list("code", flat=True))
    assert rows["4001"].need == 500 and rows["4001"].projects >= 3
    assert (
        len(result.uncovered)
        == Area.objects.filter(code__startswith="40", level="subdistrict")
        .exclude(code__startswith="4001")
        .count()
    )
