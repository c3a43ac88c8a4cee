"""Versions: the central space agrees a version with its resolution; editing after that opens
the next version and the agreed snapshot stays exactly as it was; the diff says what changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.forums import services as forum_services
from saan.forums.models import MechanismKind
from saan.plans import services
from saan.plans.models import PlanStatus, PlanVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolution(cast: Any) -> Any:
    wg = forum_services.mechanism_create(
        actor=cast.coordinator,
        area=Area.objects.get(code="40"),
        kind=MechanismKind.WORKING_GROUP,
        name="คณะทำงานภาคีอาสาจังหวัดขอนแก่น",
    )
    meeting = forum_services.meeting_create(
        actor=cast.coordinator,
        mechanism=wg,
        starts_at=dt.datetime(2025, 11, 20, 9, tzinfo=dt.UTC),
        number="ครั้งที่ 1/2569",
    )
    return forum_services.resolution_create(
        actor=cast.coordinator,
        meeting=meeting,
        text="เห็นชอบแผนร่วม ปี 2569",
        owner=org("สช."),
        due_date=dt.date(2026, 9, 30),
    )


def test_agree_then_edit_keeps_the_agreed_version(
    cast: Any, plan: Any, item: Any, resolution: Any
) -> None:
    v1 = services.plan_agree(
        actor=cast.coordinator, plan=plan, resolution=resolution, agreed_on=dt.date(2025, 11, 20)
    )
    plan.refresh_from_db()
    assert (plan.status, plan.version, v1.number) == (PlanStatus.AGREED, 1, 1)
    frozen = PlanVersion.objects.get(pk=v1.pk).snapshot
    services.item_update(
        actor=cast.coordinator, item=item, title="ดูแลผู้สูงอายุระยะยาวที่บ้าน", budget_needed="500,000"
    )
    services.item_add(actor=cast.coordinator, plan=plan, title="ศูนย์ข้อมูลตำบล")
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.REVISED, 2)
    assert PlanVersion.objects.get(pk=v1.pk).snapshot == frozen
    assert frozen["items"][0]["title"] == "ผู้สูงอายุได้รับการดูแลที่บ้าน"
    # A second agreement freezes version 2 beside version 1.
    services.plan_agree(
        actor=cast.coordinator, plan=plan, resolution=None, agreed_on=dt.date(2026, 3, 1)
    )
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]
    change = services.diff(v1.snapshot, plan.versions.get(number=2).snapshot)
    assert [i["title"] for i in change["added"]] == ["ศูนย์ข้อมูลตำบล"]
    rows = {r["field"]: r for r in change["changed"][0]["changes"]}
    assert rows["title"]["before"] == "ผู้สูงอายุได้รับการดูแลที่บ้าน"
    assert rows["budget_needed"]["after"] == "500000.00"
    assert (
        AuditEvent.objects.filter(action="plans.plan_revise", target_id=str(plan.pk)).count() == 1
    )


def test_agreeing_twice_is_refused(cast: Any, plan: Any, resolution: Any) -> None:
    services.plan_agree(
        actor=cast.coordinator, plan=plan, resolution=resolution, agreed_on=dt.date(2025, 11, 20)
    )
    with pytest.raises(ValidationError):
        services.plan_agree(
            actor=cast.coordinator, plan=plan, resolution=None, agreed_on=dt.date(2025, 11, 21)
        )
    assert plan.versions.count() == 1


def test_only_coordinators_of_the_area_edit_the_plan(cast: Any, plan: Any, item: Any) -> None:
    for someone in (cast.somchai, cast.malee, cast.niran, cast.trat, cast.volunteer):
        with pytest.raises(PermissionDenied):
            services.item_update(actor=someone, item=item, title="x")
        with pytest.raises(PermissionDenied):
            services.item_add(actor=someone, plan=plan, title="x")
    item.refresh_from_db()
    assert item.title == "ผู้สูงอายุได้รับการดูแลที่บ้าน"


def test_item_areas_must_lie_inside_the_plan(cast: Any, item: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.item_update(actor=cast.coordinator, item=item, areas=[Area.objects.get(code="23")])
    assert "พื้นที่ดำเนินการ" in exc.value.message_dict["areas"][0]


def test_one_plan_per_area_and_year(cast: Any, plan: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=cast.coordinator, area=plan.area, fiscal_year=plan.fiscal_year, title="ซ้ำ"
        )
    assert "fiscal_year" in exc.value.message_dict


def test_saving_an_agreed_plan_unchanged_keeps_it_agreed(
    cast: Any, plan: Any, item: Any, resolution: Any
) -> None:
    services.plan_agree(
        actor=cast.coordinator, plan=plan, resolution=resolution, agreed_on=dt.date(2025, 11, 20)
    )
    services.item_update(actor=cast.coordinator, item=item, title=item.title)
    services.plan_update(actor=cast.coordinator, plan=plan, title=plan.title)
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.AGREED, 1)
    assert not AuditEvent.objects.filter(
        action__in=["plans.item_update", "plans.plan_update"]
    ).exists()
