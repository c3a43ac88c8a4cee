"""Demo indicator data: believable, varied in state, idempotent, and fresh in the roll-ups."""

from decimal import Decimal

import pytest

from saan.audit.models import AuditEvent
from saan.indicators import demo_data
from saan.indicators.demo_data import load_indicator_demo, subdistrict_figures
from saan.indicators.models import DataValue, Indicator, Rollup, State

pytestmark = pytest.mark.django_db


def test_demo_covers_the_programme_provinces_and_three_fiscal_years():
    assert set(demo_data.PROVINCES) == {
        "57", "60", "23", "40", "93", "65", "13", "72", "38", "36", "34", "81", "10",
    }  # fmt: skip
    assert demo_data.PERIODS == ("2023Oct", "2024Oct", "2025Oct")  # ปีงบประมาณ 2567–2569


def test_figures_are_believable_and_the_same_every_run():
    first = subdistrict_figures("400108", 2)
    assert first == subdistrict_figures("400108", 2)
    assert 1000 < first["pop-total"] < 100_000
    assert 2.0 < first["pop-total"] / first["hh-total"] < 3.6
    assert 0 < first["tpmap-poor-hh"] < first["hh-total"]
    assert 0.07 < first["pop-60plus"] / first["pop-total"] < 0.36
    assert first["elderly-dependent"] < first["pop-60plus"]
    assert 0 <= first["happiness-index"] <= 10
    assert all(0 <= first[k] <= 10 for k in demo_data.DIMENSION_OFFSET)


def test_demo_is_idempotent_and_refreshes_the_rollups(cast):
    first = load_indicator_demo(cast.admin, provinces=["23"])
    assert first.subdistricts == 38 and first.created > 38 * 16 * 2
    count = DataValue.objects.count()
    assert AuditEvent.objects.filter(action="datavalue.demo_load").count() == 1
    again = load_indicator_demo(cast.admin, provinces=["23"])
    assert (again.created, again.kept) == (0, count)
    assert DataValue.objects.count() == count
    assert AuditEvent.objects.filter(action="datavalue.demo_load").count() == 1
    poor = Indicator.objects.get(code="tpmap-poor-hh")
    for period in demo_data.PERIODS:
        total = sum(
            DataValue.objects.filter(indicator=poor, period=period).values_list("value", flat=True),
            Decimal(0),
        )
        assert Rollup.objects.get(indicator=poor, area_code="23", period=period).value == total
    rate = Rollup.objects.get(
        indicator__code="tpmap-poor-hh-rate", area_code="23", period="2025Oct"
    )
    assert Decimal(1) < rate.value < Decimal(8)


def test_states_look_like_a_real_province(cast):
    load_indicator_demo(cast.admin, provinces=["23"])
    old = set(DataValue.objects.filter(period="2023Oct").values_list("state", flat=True))
    new = DataValue.objects.filter(period="2025Oct")
    assert State.ACCEPTED in old
    states = set(new.values_list("state", flat=True))
    assert {State.ENTERED, State.VERIFIED} <= states
    assert new.filter(state=State.ENTERED).count() > new.filter(state=State.ACCEPTED).count()
    returned = DataValue.objects.filter(state=State.RETURNED).exclude(note="")
    assert returned.exists()
    # Not every subdistrict has reported this year; every one did three years ago.
    assert new.values("area_id").distinct().count() < 38
    assert DataValue.objects.filter(period="2023Oct").values("area_id").distinct().count() == 38


def test_sawathi_tells_the_volunteers_story(cast):
    load_indicator_demo(cast.admin, provinces=["40"])
    this_year = DataValue.objects.filter(area_id="400108", period="2025Oct")
    assert this_year.count() == 16
    assert this_year.get(indicator__code="jpt-fail-hh").state == State.RETURNED
    assert this_year.get(indicator__code="tpmap-poor-hh").note == "สอบทานแล้ว 12 ครัวเรือนย้ายออก"
    assert this_year.filter(state=State.ENTERED).count() == 14
    assert this_year.get(indicator__code="pop-total").organisation == cast.community_council
