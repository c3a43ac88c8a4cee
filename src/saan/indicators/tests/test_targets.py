"""Targets (IndicatorTarget) beside the values: on the area picture, its trend chart and the
indicator's page, judged "on track / not" by the indicator's polarity."""

import re
from decimal import Decimal

import pytest

from saan.indicators import charts
from saan.indicators.models import Indicator, IndicatorTarget, Polarity
from saan.indicators.tests.scene import FY68, FY69, build

from .test_pages import row, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(cast):
    found = build(entered_by=cast.admin)
    rate = found["tpmap-poor-hh-rate"]  # lower is better; ขอนแก่น 6.0, ตราด 2.0 in FY69
    for code, period, value in (("40", FY69, 5), ("40", FY68, 7), ("23", FY69, 3)):
        IndicatorTarget.objects.create(indicator=rate, area_id=code, period=period, value=value)
    return found


@pytest.mark.parametrize(
    ("polarity", "value", "target", "expected"),
    [
        (Polarity.LOWER_BETTER, 6, 5, "off"),
        (Polarity.LOWER_BETTER, 5, 5, "on"),
        (Polarity.HIGHER_BETTER, 6, 5, "on"),
        (Polarity.HIGHER_BETTER, 4, 5, "off"),
        (Polarity.NEUTRAL, 6, 5, ""),
        (Polarity.LOWER_BETTER, None, 5, ""),
        (Polarity.LOWER_BETTER, 6, None, ""),
    ],
)
def test_on_track_follows_the_polarity(polarity, value, target, expected):
    indicator = Indicator(polarity=polarity)
    value = None if value is None else Decimal(value)
    target = None if target is None else Decimal(target)
    assert charts.on_track(indicator, value, target) == expected


def test_picture_shows_the_target_and_whether_the_area_is_on_track(client, scene):
    page = text(client.get("/indicators/area/40/", {"period": FY69}))
    rate = row(page, "tpmap-poor-hh-rate")
    assert 'data-on-track="off"' in rate and "เป้าหมาย 5.0" in rate and "ยังไม่ถึงเป้า" in rate
    assert "data-on-track" not in row(page, "tpmap-poor-hh")  # no target, nothing shown
    # The trend chart of the rate draws the target line (2568: 7, 2569: 5) and names it.
    figures = re.findall(r'<figure class="chart">.*?</figure>', page, re.S)
    with_target = [f for f in figures if "เป้าหมาย" in f]
    assert len(with_target) == 1 and scene["tpmap-poor-hh-rate"].name in with_target[0]


def test_picture_of_an_earlier_year_judges_against_that_years_target(client, scene):
    page = text(client.get("/indicators/area/40/", {"period": FY68}))
    rate = row(page, "tpmap-poor-hh-rate")  # ต.สาวะถี only: 330 of 3,000 = 11.0 against 7
    assert "เป้าหมาย 7.0" in rate and 'data-on-track="off"' in rate


def test_indicator_page_lists_each_provinces_target(client, scene):
    page = text(client.get("/indicators/tpmap-poor-hh-rate/", {"period": FY69}))
    khon_kaen = re.search(r'<tr data-code="40">(.*?)</tr>', page, re.S).group(1)
    trat = re.search(r'<tr data-code="23">(.*?)</tr>', page, re.S).group(1)
    assert 'data-on-track="off"' in khon_kaen and "5.0" in khon_kaen
    assert 'data-on-track="on"' in trat and "ตามเป้า" in trat
    assert '<tr data-code="10">' in page and "เป้าหมาย</th>" in page


def test_no_targets_no_target_column(client, scene):
    IndicatorTarget.objects.all().delete()
    page = text(client.get("/indicators/tpmap-poor-hh-rate/", {"period": FY69}))
    assert "เป้าหมาย</th>" not in page
