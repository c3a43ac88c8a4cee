"""Fixtures for joint plans: ขอนแก่น's common agenda with two goals, and a draft plan for
ปีงบประมาณ 2569 built from it by the province's coordinator through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saan.areas.models import Area
from saan.conftest import Cast, org
from saan.forums import services as forum_services
from saan.indicators.models import Indicator
from saan.plans import services
from saan.plans.models import BudgetSource, Plan, PlanItem

FY = 2569


def make_agenda(cast: Cast, code: str = "40", actor: Any = None) -> Any:
    actor = actor or cast.coordinator
    agenda = forum_services.agenda_create(
        actor=actor, area=Area.objects.get(code=code), fiscal_year=FY, vision="อยู่ดีมีแฮง"
    )
    indicator = Indicator.objects.order_by("pk").first()
    forum_services.goal_add(
        actor=actor,
        agenda=agenda,
        title="ผู้สูงอายุได้รับการดูแลที่บ้าน",
        targets=[(indicator, Decimal("80"))] if indicator else [],
        organisations=[org("สปสช.")],
    )
    forum_services.goal_add(actor=actor, agenda=agenda, title="สวัสดิการชุมชนครอบคลุมทุกวัย")
    return agenda


@pytest.fixture
def agenda(cast: Cast) -> Any:
    return make_agenda(cast)


@pytest.fixture
def plan(cast: Cast, agenda: Any) -> Plan:
    return services.plan_create(
        actor=cast.coordinator,
        area=Area.objects.get(code="40"),
        fiscal_year=FY,
        title="แผนร่วมจังหวัดขอนแก่น ปี 2569",
        agenda=agenda,
        is_public=True,
        items_from_goals=True,
    )


@pytest.fixture
def item(plan: Plan) -> PlanItem:
    return plan.items.order_by("order").first()  # type: ignore[return-value]


def source(name: str = "กองทุน สสส.", code: str = "40") -> BudgetSource:
    return BudgetSource.objects.get(area_id=code, name=name)
