"""Aggregation per type, coverage and freshness, on the real area tree.

อ.เมืองขอนแก่น (4001) has 18 subdistricts; ขอนแก่น (40) has 199; the country 7,436.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.areas.models import Area
from saan.indicators.models import Aggregation, DataValue, Indicator, Rollup, State
from saan.indicators.periods import PeriodType
from saan.indicators.services import (
    AcceptedValueConflict,
    value_accept,
    value_return,
    value_set,
    value_verify,
)

pytestmark = pytest.mark.django_db
FY68 = "2024Oct"


def make(code, aggregation, **extra):
    return Indicator.objects.create(
        code=code,
        name_th=code,
        source="jpt",
        polarity="lower",
        value_type="count",
        aggregation=aggregation,
        period_type=PeriodType.FISCAL_YEAR,
        **extra,
    )


def area(code):
    return Area.objects.get(code=code)


def rollup(indicator, code, period=FY68):
    return Rollup.objects.get(indicator=indicator, area_code=code, period=period, breakdown="")


@pytest.fixture
def poverty(cast):
    """Poor households ÷ households × 100: a rate with its numerator and denominator."""
    poor = make("poor-households", Aggregation.SUM)
    households = make("households", Aggregation.SUM)
    rate = make(
        "poor-household-rate",
        Aggregation.RATIO,
        numerator=poor,
        denominator=households,
        factor=Decimal(100),
    )
    rate.value_type = "percentage"
    rate.save()
    return poor, households, rate


def test_sum_rolls_up_to_district_province_and_country(cast, poverty):
    poor, _, _ = poverty
    value_set(actor=cast.admin, indicator=poor, area=area("400108"), period="2568", value="12")
    value_set(actor=cast.admin, indicator=poor, area=area("400101"), period="ปีงบ 68", value="๓๐")
    value_set(actor=cast.admin, indicator=poor, area=area("230101"), period="2568", value="5")
    assert rollup(poor, "4001").value == 42
    assert rollup(poor, "40").value == 42
    assert rollup(poor, "").value == 47
    assert rollup(poor, "23").value == 5


def test_the_percentage_trap_a_rate_is_never_an_average_of_rates(cast, poverty):
    poor, households, rate = poverty
    # ต.สาวะถี 10 of 100 households poor (10 %), ต.ในเมือง 90 of 900 (10 %), ต.พระลับ 50/100 (50 %).
    for code, p, h in (("400108", 10, 100), ("400101", 90, 900), ("400102", 50, 100)):
        value_set(actor=cast.admin, indicator=poor, area=area(code), period=FY68, value=p)
        value_set(actor=cast.admin, indicator=households, area=area(code), period=FY68, value=h)
    district = rollup(rate, "4001")
    # (10+90+50) / (100+900+100) = 150/1100 = 13.6 %, not the mean of 10, 10 and 50 (23.3 %).
    assert district.value.quantize(Decimal("0.01")) == Decimal("13.64")
    assert rollup(rate, "").value.quantize(Decimal("0.01")) == Decimal("13.64")


def test_population_weighted_mean(cast):
    population = make("population", Aggregation.SUM)
    happiness = make("happiness", Aggregation.WEIGHTED_MEAN, weight=population)
    for code, people, score in (("400108", 1000, 8), ("400101", 3000, 6)):
        value_set(
            actor=cast.admin, indicator=population, area=area(code), period=FY68, value=people
        )
        value_set(actor=cast.admin, indicator=happiness, area=area(code), period=FY68, value=score)
    # (1000×8 + 3000×6) / 4000 = 6.5, not (8+6)/2 = 7.
    assert rollup(happiness, "4001").value == Decimal("6.5")


def test_min_and_max(cast):
    lowest = make("lowest", Aggregation.MIN)
    highest = make("highest", Aggregation.MAX)
    for code, v in (("400108", 4), ("400101", 9)):
        value_set(actor=cast.admin, indicator=lowest, area=area(code), period=FY68, value=v)
        value_set(actor=cast.admin, indicator=highest, area=area(code), period=FY68, value=v)
    assert rollup(lowest, "40").value == 4 and rollup(highest, "40").value == 9


def test_coverage_counts_reported_and_verified_against_all_subdistricts(cast, poverty):
    poor, _, _ = poverty
    one = value_set(actor=cast.admin, indicator=poor, area=area("400108"), period=FY68, value=3)
    value_set(actor=cast.admin, indicator=poor, area=area("400101"), period=FY68, value=4)
    value_verify(actor=cast.volunteer, value=one, note="สอบทานแล้ว 12 ครัวเรือนย้ายออก")
    district = rollup(poor, "4001")
    assert (district.expected, district.reported, district.verified) == (18, 2, 1)
    assert rollup(poor, "40").expected == 199 and rollup(poor, "").expected == 7436


def test_a_correction_is_fresh_in_every_ancestor_at_once(cast, poverty):
    poor, households, rate = poverty
    value_set(actor=cast.admin, indicator=households, area=area("400108"), period=FY68, value=100)
    value_set(actor=cast.admin, indicator=poor, area=area("400108"), period=FY68, value=20)
    assert rollup(rate, "40").value == 20
    value_set(actor=cast.admin, indicator=poor, area=area("400108"), period=FY68, value=8)
    assert rollup(poor, "4001").value == 8 and rollup(poor, "").value == 8
    assert rollup(rate, "40").value == 8


def test_period_outside_the_indicators_type_is_refused(cast, poverty):
    poor, _, _ = poverty
    with pytest.raises(ValidationError) as info:
        value_set(
            actor=cast.admin, indicator=poor, area=area("400108"), period="ไตรมาส 1/2568", value=1
        )
    assert "period" in info.value.message_dict


@pytest.mark.parametrize(("raw", "field"), [("abc", "value"), ("-3", "value")])
def test_not_a_number_and_negative_counts_are_refused(cast, poverty, raw, field):
    poor, _, _ = poverty
    with pytest.raises(ValidationError) as info:
        value_set(actor=cast.admin, indicator=poor, area=area("400108"), period=FY68, value=raw)
    assert field in info.value.message_dict
    assert not DataValue.objects.exists()


class TestVerificationLanes:
    def test_area_lane_volunteer_verifies_province_coordinator_accepts(self, cast, poverty):
        poor, _, _ = poverty
        v = value_set(
            actor=cast.volunteer, indicator=poor, area=area("400108"), period=FY68, value=7
        )
        with pytest.raises(PermissionDenied):
            value_accept(actor=cast.volunteer, value=v)  # not above the subdistrict
        v = value_verify(actor=cast.volunteer, value=v, note="นับซ้ำแล้ว")
        v = value_accept(actor=cast.coordinator, value=v)
        assert v.state == State.ACCEPTED and v.state_by == cast.coordinator

    def test_accepting_needs_verification_first_on_the_area_lane(self, cast, poverty):
        poor, _, _ = poverty
        v = value_set(
            actor=cast.volunteer, indicator=poor, area=area("400108"), period=FY68, value=7
        )
        with pytest.raises(ValidationError):
            value_accept(actor=cast.coordinator, value=v)

    def test_agency_lane_owner_signs_off_its_own_figures(self, cast, poverty):
        from saan.conftest import org

        poor, _, _ = poverty
        poor.owner = org("พอช.")
        poor.save()
        v = value_set(actor=cast.admin, indicator=poor, area=area("400108"), period=FY68, value=7)
        v = value_accept(actor=cast.somchai, value=v)
        assert v.state == State.ACCEPTED

    def test_outsiders_cannot_enter_or_verify(self, cast, poverty):
        poor, _, _ = poverty
        with pytest.raises(PermissionDenied):
            value_set(actor=cast.malee, indicator=poor, area=area("400108"), period=FY68, value=1)
        v = value_set(actor=cast.admin, indicator=poor, area=area("400108"), period=FY68, value=1)
        for persona in (cast.malee, cast.niran, cast.trat):
            with pytest.raises(PermissionDenied):
                value_verify(actor=persona, value=v)

    def test_return_needs_a_reason_and_sends_the_value_back(self, cast, poverty):
        poor, _, _ = poverty
        v = value_set(
            actor=cast.volunteer, indicator=poor, area=area("400108"), period=FY68, value=7
        )
        v = value_verify(actor=cast.volunteer, value=v)
        with pytest.raises(ValidationError):
            value_return(actor=cast.coordinator, value=v, reason=" ")
        v = value_return(actor=cast.coordinator, value=v, reason="ตัวเลขไม่ตรงกับ จปฐ.")
        assert v.state == State.RETURNED and v.note == "ตัวเลขไม่ตรงกับ จปฐ."
        assert rollup(poor, "4001").verified == 0

    def test_an_accepted_value_is_not_overwritten_silently(self, cast, poverty):
        poor, _, _ = poverty
        v = value_set(
            actor=cast.volunteer, indicator=poor, area=area("400108"), period=FY68, value=7
        )
        value_accept(actor=cast.coordinator, value=value_verify(actor=cast.volunteer, value=v))
        with pytest.raises(AcceptedValueConflict):
            value_set(
                actor=cast.volunteer, indicator=poor, area=area("400108"), period=FY68, value=9
            )
        assert DataValue.objects.get(pk=v.pk).value == 7
        again = value_set(
            actor=cast.coordinator,
            indicator=poor,
            area=area("400108"),
            period=FY68,
            value=9,
            reopen=True,
        )
        assert again.value == 9 and again.state == State.ENTERED
