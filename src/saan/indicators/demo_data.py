"""Demo indicator data: believable figures for every subdistrict of the programme's 13 provinces
over three fiscal years (2567–2569), with the mix of states a real province has: the oldest
year mostly accepted, the newest mostly waiting to be verified, some returned with a reason,
and a share of subdistricts that have not reported yet.

Fast on purpose: the values are made in memory from a seeded random generator per subdistrict
(the same numbers every run), written with one ``bulk_create`` as the demo administrator with
one summary audit row, then every roll-up is refreshed once. Idempotent: values already there
are left as they are (a volunteer may have corrected them) and only missing ones are added.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saan.areas.models import Area, Level
from saan.audit.services import record
from saan.indicators import rollups
from saan.indicators.catalogue import load_catalogue
from saan.indicators.models import Aggregation, DataValue, Indicator, State
from saan.indicators.queries import values_under_q
from saan.partners.models import Organisation

# Phase 1 and Phase 2 of the alliance's programme.
PROVINCES = ("57", "60", "23", "40", "93", "65", "13", "72", "38", "36", "34", "81", "10")
# ปีงบประมาณ 2567, 2568, 2569.
PERIODS = ("2023Oct", "2024Oct", "2025Oct")
SAWATHI = "400108"  # the learning site, where the demo volunteer works


@dataclass(frozen=True)
class Profile:
    """What a province looks like: target poor households per 100 households, share aged 60+,
    happiness (0–10), households below the BMN per 100, welfare-fund members per 100 people."""

    poor: float
    elderly: float
    happiness: float
    bmn: float
    welfare: float


PROFILES = {
    "57": Profile(6.5, 19.5, 7.2, 2.4, 22),  # เชียงราย
    "60": Profile(5.5, 21.0, 7.0, 2.0, 20),  # นครสวรรค์
    "23": Profile(3.0, 18.5, 7.4, 1.2, 26),  # ตราด
    "40": Profile(5.0, 18.0, 7.1, 1.8, 24),  # ขอนแก่น
    "93": Profile(4.5, 20.5, 7.3, 1.5, 28),  # พัทลุง
    "65": Profile(5.0, 20.0, 6.9, 2.0, 18),  # พิษณุโลก
    "13": Profile(1.2, 14.0, 6.6, 0.6, 8),  # ปทุมธานี
    "72": Profile(3.5, 21.5, 7.0, 1.4, 18),  # สุพรรณบุรี
    "38": Profile(8.5, 14.5, 6.8, 3.5, 15),  # บึงกาฬ
    "36": Profile(7.5, 19.0, 6.7, 3.0, 17),  # ชัยภูมิ
    "34": Profile(8.0, 16.0, 6.8, 3.2, 16),  # อุบลราชธานี
    "81": Profile(4.0, 13.5, 7.1, 1.6, 20),  # กระบี่
    "10": Profile(0.8, 22.0, 6.4, 0.4, 5),  # กรุงเทพมหานคร
}
DEFAULT_PROFILE = Profile(4.0, 18.0, 7.0, 1.5, 18)

# Dimension scores around the overall happiness: the economy weighs on people most.
DIMENSION_OFFSET = {
    "happiness-health": 0.25,
    "happiness-education": 0.1,
    "happiness-economy": -0.65,
    "happiness-environment": 0.35,
    "happiness-safety": 0.05,
    "happiness-governance": -0.3,
}

# Per year, oldest first: share of subdistricts that reported, then how their values stand.
REPORTED = (1.0, 0.97, 0.84)
STATE_MIX = (
    ((State.ACCEPTED, 0.55), (State.VERIFIED, 0.30), (State.ENTERED, 0.15)),
    ((State.ACCEPTED, 0.25), (State.VERIFIED, 0.40), (State.ENTERED, 0.30), (State.RETURNED, 0.05)),
    ((State.ACCEPTED, 0.05), (State.VERIFIED, 0.25), (State.ENTERED, 0.63), (State.RETURNED, 0.07)),
)
VERIFIED_NOTES = (
    "สอบทานกับผู้นำชุมชนแล้ว",
    "สอบทานแล้ว ตรงกับทะเบียนของ อบต.",
    "สอบทานแล้ว 12 ครัวเรือนย้ายออก",
    "ลงพื้นที่ตรวจรายชื่อครบทุกหมู่บ้าน",
    "ตรวจกับ อสม. ประจำหมู่บ้านแล้ว",
)
RETURNED_NOTES = (
    "ตัวเลขไม่ตรงกับ จปฐ. ปีล่าสุด",
    "จำนวนลดลงผิดปกติจากปีก่อน โปรดตรวจอีกครั้ง",
    "อาจนับซ้ำกับตำบลข้างเคียง",
)
ACCEPTED_NOTE = "รับรองโดยคณะทำงานจังหวัด"


def _pick(rng: random.Random, mix: Sequence[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for state, share in mix:
        total += share
        if roll < total:
            return state
    return mix[-1][0]


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def subdistrict_figures(code: str, year: int) -> dict[str, float]:
    """The demo's numbers for one subdistrict in year 0, 1 or 2 (the same every run)."""
    rng = random.Random(f"saan-demo-{code}")  # noqa: S311 - demo numbers, not secrets
    profile = PROFILES.get(code[:2], DEFAULT_PROFILE)
    bangkok = code.startswith("10")
    town = code[2:4] == "01"  # the province's เมือง district is more urban
    population0 = rng.lognormvariate(
        math.log(26000 if bangkok else 6800 if not town else 9500), 0.45
    )
    household_size = rng.uniform(2.1, 2.6) if bangkok else rng.uniform(2.7, 3.4)
    elderly0 = _clip(profile.elderly + rng.gauss(0, 2.6), 7, 34)
    poor0 = profile.poor * rng.lognormvariate(0, 0.5)
    bmn0 = profile.bmn * rng.lognormvariate(0, 0.55)
    happy0 = profile.happiness + rng.gauss(0, 0.35)
    welfare0 = profile.welfare * rng.lognormvariate(0, 0.35)
    dims = {k: v + rng.gauss(0, 0.3) for k, v in DIMENSION_OFFSET.items()}
    savings = max(0, round(population0 / rng.uniform(1500, 4000)))
    dependent_rate = rng.uniform(0.015, 0.045)
    bedridden_rate = rng.uniform(0.003, 0.009)
    # Year by year: a little growth, older, fewer poor, slightly happier.
    year_rng = random.Random(f"saan-demo-{code}-{year}")  # noqa: S311
    population = population0 * (1 + rng.uniform(-0.004, 0.006)) ** year
    households = population / household_size * (1 + 0.01 * year)
    elderly_share = elderly0 + 0.55 * year + year_rng.gauss(0, 0.15)
    elderly = population * elderly_share / 100
    poor = households * poor0 / 100 * (0.9**year) * year_rng.uniform(0.95, 1.05)
    bmn = households * bmn0 / 100 * (0.85**year) * year_rng.uniform(0.9, 1.1)
    happy = _clip(happy0 + 0.07 * year + year_rng.gauss(0, 0.08), 3.5, 9.6)
    figures = {
        "pop-total": round(population),
        "hh-total": round(households),
        "tpmap-poor-hh": round(poor),
        "jpt-fail-hh": round(bmn),
        "pop-60plus": round(elderly),
        "elderly-dependent": round(elderly * dependent_rate * (1 + 0.04 * year)),
        "bedridden": round(elderly * bedridden_rate + year_rng.uniform(0, 3)),
        "happiness-index": round(happy, 2),
        "savings-groups": savings + (1 if year == 2 and year_rng.random() < 0.3 else 0),
        "welfare-fund-members": round(population * _clip(welfare0 + 1.5 * year, 1, 80) / 100),
    }
    for key, offset in dims.items():
        figures[key] = round(_clip(happy + offset + year_rng.gauss(0, 0.1), 2.5, 9.9), 2)
    return figures


def _state_and_note(rng: random.Random, year: int, area_state: str) -> tuple[str, str]:
    state = area_state if rng.random() < 0.85 else _pick(rng, STATE_MIX[year])
    if state == State.VERIFIED:
        return state, rng.choice(VERIFIED_NOTES)
    if state == State.RETURNED:
        return state, rng.choice(RETURNED_NOTES)
    if state == State.ACCEPTED:
        return state, ACCEPTED_NOTE
    return state, ""


def _sawathi_state(code: str, year: int) -> tuple[str, str] | None:
    """ต.สาวะถี tells the volunteer's story: this year waits for บุญมี, one figure came back."""
    if year < 2:
        return None
    if code == "jpt-fail-hh":
        return State.RETURNED, "ตัวเลขไม่ตรงกับ จปฐ. ปีล่าสุด"
    if code == "tpmap-poor-hh":
        return State.VERIFIED, "สอบทานแล้ว 12 ครัวเรือนย้ายออก"
    return State.ENTERED, ""


@dataclass
class DemoResult:
    created: int
    kept: int
    rollups: int
    seconds: float
    subdistricts: int


def load_indicator_demo(
    admin: Any, *, provinces: Iterable[str] = PROVINCES, periods: Sequence[str] = PERIODS
) -> DemoResult:
    """Add the demo values that are missing, then refresh every roll-up once."""
    started = time.monotonic()
    with transaction.atomic():
        if not Indicator.objects.exists():
            load_catalogue()
        indicators = {
            i.code: i
            for i in Indicator.objects.exclude(aggregation=Aggregation.RATIO).filter(
                base_level=Level.SUBDISTRICT
            )
        }
        wanted = [code for code in subdistrict_figures(SAWATHI, 0) if code in indicators]
        provinces = tuple(provinces)
        within = Q(pk__in=[])
        for p in provinces:
            within |= Q(code__startswith=p)
        codes = list(
            Area.objects.filter(within, level=Level.SUBDISTRICT)
            .order_by("code")
            .values_list("code", flat=True)
        )
        value_within = Q(pk__in=[])
        for p in provinces:
            value_within |= values_under_q(p)
        existing = set(
            DataValue.objects.filter(
                value_within,
                indicator__in=[indicators[c].pk for c in wanted],
                period__in=periods,
                breakdown="",
            ).values_list("indicator_id", "area_id", "period")
        )
        owners = {i.pk: i.owner_id for i in indicators.values()}
        sources = {i.pk: str(i.get_source_display()) for i in indicators.values()}
        council = Organisation.objects.filter(name_th="สภาองค์กรชุมชนตำบลสาวะถี").first()
        now = timezone.now()
        rows: list[DataValue] = []
        kept = 0
        for code in codes:
            for year, period in enumerate(periods):
                rng = random.Random(f"saan-demo-state-{code}-{period}")  # noqa: S311
                if code != SAWATHI and rng.random() >= REPORTED[min(year, 2)]:
                    continue
                area_state = _pick(rng, STATE_MIX[min(year, 2)])
                numbers = subdistrict_figures(code, year)
                for key in wanted:
                    indicator = indicators[key]
                    if (indicator.pk, code, period) in existing:
                        kept += 1
                        continue
                    fixed = _sawathi_state(key, year) if code == SAWATHI else None
                    state, note = fixed or _state_and_note(rng, min(year, 2), area_state)
                    organisation_id = owners[indicator.pk]
                    if code == SAWATHI and council is not None and organisation_id is None:
                        organisation_id = council.pk
                    rows.append(
                        DataValue(
                            indicator=indicator,
                            area_id=code,
                            period=period,
                            value=Decimal(str(numbers[key])),
                            source_note=sources[indicator.pk],
                            organisation_id=organisation_id,
                            state=state,
                            note=note,
                            entered_by=admin,
                            state_by=admin if state != State.ENTERED else None,
                            state_at=now if state != State.ENTERED else None,
                        )
                    )
        DataValue.objects.bulk_create(rows, batch_size=2000)
        written = 0
        if rows:
            record(
                actor=admin,
                action="datavalue.demo_load",
                target_type="indicators.datavalue",
                target_id="demo",
                target_label=f"ข้อมูลตัวอย่าง {len(rows):,} ค่า",
                after={
                    "values": len(rows),
                    "provinces": list(provinces),
                    "periods": list(periods),
                    "indicators": wanted,
                },
                note="load_demo",
            )
            pairs = {(indicators[k].pk, p) for k in wanted for p in periods}
            written = rollups.refresh(pairs)
    return DemoResult(len(rows), kept, written, time.monotonic() - started, len(codes))
