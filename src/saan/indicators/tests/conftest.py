"""Fixtures shared by the indicator tests."""

from __future__ import annotations

import pytest

from saan.conftest import Cast
from saan.indicators.models import Aggregation, Indicator
from saan.indicators.periods import PeriodType


@pytest.fixture
def poor(cast: Cast) -> Indicator:
    """ครัวเรือนยากจน (poor-households): a count from จปฐ. per fiscal year, summed up the area
    tree, lower is better."""
    return Indicator.objects.create(
        code="poor-households",
        name_th="ครัวเรือนยากจน",
        source="jpt",
        polarity="lower",
        value_type="count",
        aggregation=Aggregation.SUM,
        period_type=PeriodType.FISCAL_YEAR,
    )
