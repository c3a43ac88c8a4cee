"""A small, hand-checkable set of values for the page and API tests, set directly (the services
under test are exercised by the tests themselves), on the catalogue the reference data loads.

Fiscal year 2569 (``2025Oct``):

=========  =========  ==========  ====  ========  =========  =========  ====  =========
area       people     households  poor  aged 60+  happiness  bedridden  rate  state
=========  =========  ==========  ====  ========  =========  =========  ====  =========
400108     10,000     3,000       300   2,000     8          20         10    entered
400101     30,000     10,000      400   4,500     6          50         4     verified
400102     8,000      2,000       200   —         7          —          10    entered
230101     5,000      1,500       30    900       9          5          2     accepted
=========  =========  ==========  ====  ========  =========  =========  ====  =========

อ.เมืองขอนแก่น (4001) and จ.ขอนแก่น (40): 900 poor of 15,000 households = 6.0 per 100 (not the
mean of 10, 4 and 10, which is 8.0); happiness (10,000×8 + 30,000×6 + 8,000×7) ÷ 48,000 = 6.58.
Phase 1 of the programme (ขอนแก่น + ตราด + …): 930 of 16,500 = 5.64 per 100.
Fiscal year 2568 (``2024Oct``): ต.สาวะถี only, 330 poor of 3,000 households, all accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from saan.indicators import rollups
from saan.indicators.models import DataValue, Indicator, State

FY69 = "2025Oct"
FY68 = "2024Oct"

ROWS: dict[str, dict[str, int]] = {
    "400108": {
        "pop-total": 10000,
        "hh-total": 3000,
        "tpmap-poor-hh": 300,
        "pop-60plus": 2000,
        "happiness-index": 8,
        "bedridden": 20,
        "welfare-fund-members": 2500,
    },
    "400101": {
        "pop-total": 30000,
        "hh-total": 10000,
        "tpmap-poor-hh": 400,
        "pop-60plus": 4500,
        "happiness-index": 6,
        "bedridden": 50,
    },
    "400102": {"pop-total": 8000, "hh-total": 2000, "tpmap-poor-hh": 200, "happiness-index": 7},
    "230101": {
        "pop-total": 5000,
        "hh-total": 1500,
        "tpmap-poor-hh": 30,
        "pop-60plus": 900,
        "happiness-index": 9,
        "bedridden": 5,
    },
}
STATES = {
    "400108": State.ENTERED,
    "400101": State.VERIFIED,
    "400102": State.ENTERED,
    "230101": State.ACCEPTED,
}
PREVIOUS = {"400108": {"pop-total": 9900, "hh-total": 3000, "tpmap-poor-hh": 330}}


@dataclass
class Scene:
    indicators: dict[str, Indicator]

    def __getitem__(self, code: str) -> Indicator:
        return self.indicators[code]

    def value(self, indicator: str, area: str, period: str = FY69) -> DataValue:
        return DataValue.objects.get(
            indicator=self.indicators[indicator], area_id=area, period=period, breakdown=""
        )


def build(entered_by: Any = None) -> Scene:
    indicators = {i.code: i for i in Indicator.objects.all()}
    values = []
    for period, rows, states in (
        (FY69, ROWS, STATES),
        (FY68, PREVIOUS, dict.fromkeys(PREVIOUS, State.ACCEPTED)),
    ):
        for area, figures in rows.items():
            for code, number in figures.items():
                values.append(
                    DataValue(
                        indicator=indicators[code],
                        area_id=area,
                        period=period,
                        value=Decimal(number),
                        state=states[area],
                        entered_by=entered_by,
                    )
                )
    DataValue.objects.bulk_create(values)
    rollups.refresh({(v.indicator_id, v.period) for v in values})
    return Scene(indicators)
