"""A small register with planted overlaps for the overlaps tests.

- ``elders_thf``: สสส. home care for dependent elders in ต.บ้านเป็ด (400115), FY 2568, alliance.
- ``elders_codi``: พอช. long-term care for bedridden elders across อ.เมืองขอนแก่น (4001: a
  district-wide project, so it reaches 400115), FY 2568: the same work, worded differently.
- ``elders_thf_next``: สสส.'s same work in FY 2569 (a continuation of ``elders_thf``).
- ``housing``: พอช. secure housing in ต.บ้านหว้า (400109): different work, elsewhere.
- ``undated``: สสส. elders' care in 400115 without dates: "cannot be checked".
- ``private_fund``: a private project of สปสช. in 400115 on the same elders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from saan.conftest import org
from saan.projects.models import Project, TargetGroup, Theme, Visibility
from saan.projects.services import (
    BudgetLineData,
    ProjectData,
    TargetData,
    project_create,
)


def data(**values: Any) -> ProjectData:
    base: dict[str, Any] = dict(
        owner_id=org("สสส.").pk,
        title="",
        status="ongoing",
        start_date=dt.date(2024, 11, 1),
        end_date=dt.date(2025, 9, 30),
        area_codes=["400115"],
        theme_ids=[Theme.objects.get(slug="ageing").pk],
        targets=[TargetData(TargetGroup.objects.get(slug="dependent-elderly").pk, 60, 20)],
    )
    base.update(values)
    return ProjectData(**base)


@dataclass
class Scene:
    elders_thf: Project
    elders_codi: Project
    elders_thf_next: Project
    housing: Project
    undated: Project
    private_fund: Project


@pytest.fixture
def scene(cast: Any) -> Scene:
    admin = cast.admin
    dependent = TargetGroup.objects.get(slug="dependent-elderly").pk
    bedridden = TargetGroup.objects.get(slug="bedridden").pk
    elders_thf = project_create(
        actor=admin,
        data=data(
            title="ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด",
            summary="อาสาสมัครบริบาลเยี่ยมบ้านผู้สูงอายุที่มีภาวะพึ่งพิงสัปดาห์ละครั้ง พร้อมอบรมญาติผู้ดูแล",
            budget_lines=[BudgetLineData(2568, Decimal("350000"), "committed", org("สสส.").pk)],
        ),
    )
    elders_codi = project_create(
        actor=admin,
        data=data(
            owner_id=org("พอช.").pk,
            title="โครงการดูแลผู้สูงอายุติดเตียงระยะยาว อำเภอเมืองขอนแก่น ปีงบ 2568",
            summary="Care giver เยี่ยมบ้านดูแลผู้สูงอายุติดเตียงและผู้สูงอายุที่มีภาวะพึ่งพิงตาม care plan",
            start_date=dt.date(2024, 10, 1),
            area_codes=["4001"],
            targets=[TargetData(bedridden, 45, 10), TargetData(dependent, 70, 30)],
            budget_lines=[BudgetLineData(2568, Decimal("420000"), "committed", org("สปสช.").pk)],
            contacts=[{"name": "คุณดวงใจ", "position": "", "phone": "081", "email": ""}],
            links=[{"url": "https://example.org/ltc", "label": "แผน LTC"}],
        ),
    )
    elders_thf_next = project_create(
        actor=admin,
        data=data(
            title="ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด ระยะที่ 2",
            summary="อาสาสมัครบริบาลเยี่ยมบ้านผู้สูงอายุที่มีภาวะพึ่งพิงสัปดาห์ละครั้ง",
            start_date=dt.date(2025, 10, 1),
            end_date=dt.date(2026, 9, 30),
        ),
    )
    housing = project_create(
        actor=admin,
        data=data(
            owner_id=org("พอช.").pk,
            title="บ้านมั่นคงชนบท ตำบลบ้านหว้า",
            summary="ซ่อมและสร้างบ้านให้ครัวเรือนผู้มีรายได้น้อย",
            area_codes=["400109"],
            theme_ids=[Theme.objects.get(slug="housing").pk],
            targets=[],
            budget_lines=[BudgetLineData(2568, Decimal("2400000"), "planned", org("พอช.").pk)],
        ),
    )
    undated = project_create(
        actor=admin,
        data=data(title="เยี่ยมบ้านผู้สูงอายุ ต.บ้านเป็ด", start_date=None, end_date=None),
    )
    private_fund = project_create(
        actor=admin,
        data=data(
            owner_id=org("สปสช.").pk,
            title="ดูแลระยะยาวสำหรับผู้สูงอายุที่มีภาวะพึ่งพิง (LTC) ตำบลบ้านเป็ด",
            summary="Care manager และ caregiver เยี่ยมบ้านผู้สูงอายุที่มีภาวะพึ่งพิง",
            visibility=Visibility.PRIVATE,
        ),
    )
    return Scene(elders_thf, elders_codi, elders_thf_next, housing, undated, private_fund)
