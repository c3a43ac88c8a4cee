"""Resolutions from the meeting to done: owners, due dates, fiscal years, overdue in Thai time,
the register's filters, and carrying open resolutions onto the next agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.core.thai import thai_date
from saan.forums import queries, services
from saan.forums.models import (
    AgendaItem,
    AgendaKind,
    MeetingStatus,
    Resolution,
    bangkok_today,
)
from saan.forums.tests.conftest import make_meeting, resolve

pytestmark = pytest.mark.django_db


def test_life_cycle_open_to_done_with_progress_and_audit(cast: Any, wg: Any) -> None:
    meeting = make_meeting(cast, wg, dt.date(2026, 3, 2), number="ครั้งที่ 1/2569")
    r = resolve(cast, meeting, "ขยายการดูแลผู้สูงอายุระยะยาว", "พอช.", dt.date(2026, 6, 30))
    assert (r.status, r.fiscal_year, r.order, r.closed_on) == ("open", 2569, 1, None)

    services.progress_report(
        actor=cast.somchai,
        resolution=r,
        text="ประชุมกองทุนตำบลแล้ว",
        new_status="in_progress",
        reported_on=dt.date(2026, 4, 1),
    )
    services.progress_report(
        actor=cast.somchai,
        resolution=r,
        text="ครบทุกตำบลแล้ว",
        new_status="done",
        reported_on=dt.date(2026, 6, 15),
    )
    r.refresh_from_db()
    assert r.status == "done" and r.closed_on == dt.date(2026, 6, 15)
    assert list(r.progress.values_list("new_status", flat=True)) == ["in_progress", "done"]
    actions = list(
        AuditEvent.objects.filter(target_type="forums.resolution", target_id=str(r.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["resolution.create", "resolution.progress", "resolution.progress"]
    last = AuditEvent.objects.filter(action="resolution.progress").order_by("-id").first()
    assert last is not None
    assert last.before["status"] == "in_progress" and last.after["status"] == "done"
    assert last.area_code == "40"

    # Reopened by the coordinator: no longer closed.
    services.resolution_update(actor=cast.coordinator, resolution=r, status="in_progress")
    r.refresh_from_db()
    assert r.closed_on is None and r.status == "in_progress"


def test_without_owner_or_due_date_only_a_flagged_draft(cast: Any, wg: Any) -> None:
    meeting = make_meeting(cast, wg, dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.resolution_create(actor=cast.coordinator, meeting=meeting, text="ไม่มีเจ้าภาพ")
    assert "เฉพาะเป็นร่าง" in str(exc.value)
    draft = services.resolution_create(
        actor=cast.coordinator, meeting=meeting, text="ศึกษากองทุนร่วม", status="draft"
    )
    assert draft.is_flagged and draft.fiscal_year is None
    assert draft in queries.follow_up_for(cast.coordinator).flagged
    with pytest.raises(ValidationError):
        services.resolution_update(actor=cast.coordinator, resolution=draft, status="open")
    services.resolution_update(
        actor=cast.coordinator,
        resolution=draft,
        owner=org("สช."),
        due_date=dt.date(2026, 10, 1),
        status="open",
    )
    draft.refresh_from_db()
    assert not draft.is_flagged and draft.fiscal_year == 2570


def test_the_database_refuses_an_open_resolution_without_an_owner(cast: Any, wg: Any) -> None:
    meeting = make_meeting(cast, wg, dt.date(2026, 3, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(meeting=meeting, text="x", status="open")


@pytest.mark.parametrize(
    ("due", "fy", "thai"),
    [
        (dt.date(2025, 9, 30), 2568, "30 ก.ย. 2568"),
        (dt.date(2025, 10, 1), 2569, "1 ต.ค. 2568"),
    ],
)
def test_fiscal_year_follows_the_due_date(
    cast: Any, wg: Any, due: dt.date, fy: int, thai: str
) -> None:
    meeting = make_meeting(cast, wg, dt.date(2025, 5, 2))
    r = resolve(cast, meeting, "มติ", "สช.", due)
    assert r.fiscal_year == fy
    assert thai_date(r.due_date) == thai
    assert list(queries.register(cast.coordinator, "40", queries.RegisterFilters(fiscal_year=fy)))


def test_overdue_across_the_fiscal_year_boundary(cast: Any, wg: Any) -> None:
    """On 1 ต.ค. 2568 (the first day of ปีงบประมาณ 2569) a resolution due 30 ก.ย. 2568 is
    overdue; one due that very day is not; done or dropped ones never are."""
    meeting = make_meeting(cast, wg, dt.date(2025, 5, 2))
    last_day = resolve(cast, meeting, "ครบกำหนดวันสิ้นปีงบ", "สช.", dt.date(2025, 9, 30))
    first_day = resolve(cast, meeting, "ครบกำหนดวันต้นปีงบ", "สช.", dt.date(2025, 10, 1))
    done = resolve(cast, meeting, "เสร็จแล้ว", "สช.", dt.date(2025, 9, 1))
    services.resolution_update(actor=cast.coordinator, resolution=done, status="done")
    dropped = resolve(cast, meeting, "ยุติ", "สช.", dt.date(2025, 9, 1))
    services.resolution_update(actor=cast.coordinator, resolution=dropped, status="dropped")

    today = dt.date(2025, 10, 1)
    overdue = set(Resolution.objects.filter(queries.overdue_q(today)))
    assert overdue == {last_day}
    assert last_day.is_overdue(today) and not first_day.is_overdue(today)
    assert set(Resolution.objects.filter(queries.due_soon_q(today))) == {first_day}


def test_today_is_bangkoks_date_not_the_servers(
    cast: Any, wg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 Sep 2025 18:00 UTC is already 1 ต.ค. 2568 01:00 in Bangkok."""
    moment = dt.datetime(2025, 9, 30, 18, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert bangkok_today() == dt.date(2025, 10, 1)
    meeting = make_meeting(cast, wg, dt.date(2025, 5, 2))
    r = resolve(cast, meeting, "ครบกำหนดวันสิ้นปีงบ", "สช.", dt.date(2025, 9, 30))
    assert r.is_overdue()
    assert list(Resolution.objects.filter(queries.overdue_q())) == [r]


def test_register_filters(cast: Any, wg: Any, client: Any) -> None:
    today = bangkok_today()
    meeting = make_meeting(cast, wg, today - dt.timedelta(days=30))
    late = resolve(cast, meeting, "มติเลยกำหนด", "พอช.", today - dt.timedelta(days=3))
    soon = resolve(cast, meeting, "มติใกล้ครบกำหนด", "สช.", today + dt.timedelta(days=3))
    other = services.mechanism_create(
        actor=cast.coordinator,
        area=wg.area,
        kind="health_assembly",
        name="สมัชชาสุขภาพจังหวัดขอนแก่น",
    )
    elsewhere = resolve(
        cast,
        make_meeting(cast, other, today - dt.timedelta(days=5)),
        "มติสมัชชา",
        "สช.",
        today + dt.timedelta(days=40),
    )

    def rows(**params: Any) -> set[Resolution]:
        f = queries.parse_register_filters(params)
        return set(queries.register(None, "40", f))

    assert rows() == {late, soon, elsewhere}
    assert rows(overdue="1") == {late}
    assert rows(owner=str(org("สช.").pk)) == {soon, elsewhere}
    assert rows(mechanism=str(other.pk)) == {elsewhere}
    assert rows(status="open", fy="abc") == {late, soon, elsewhere}  # a bad year is ignored

    page = client.get("/forums/area/40/resolutions/", {"overdue": "1"}).content.decode()
    assert "มติเลยกำหนด" in page and "มติใกล้ครบกำหนด" not in page
    assert 'class="overdue"' in page
    assert client.get("/forums/area/4001/resolutions/").status_code == 200


def test_carry_forward_adds_each_open_resolution_once(cast: Any, wg: Any) -> None:
    first = make_meeting(cast, wg, dt.date(2026, 3, 2), number="ครั้งที่ 1/2569")
    open_r = resolve(cast, first, "ยังไม่เริ่ม", "พอช.", dt.date(2026, 6, 30))
    going = resolve(cast, first, "กำลังทำ", "สช.", dt.date(2026, 7, 30))
    services.resolution_update(actor=cast.coordinator, resolution=going, status="in_progress")
    done = resolve(cast, first, "เสร็จแล้ว", "สช.", dt.date(2026, 5, 30))
    services.resolution_update(actor=cast.coordinator, resolution=done, status="done")
    services.resolution_create(actor=cast.coordinator, meeting=first, text="ร่าง", status="draft")

    nxt = make_meeting(
        cast,
        wg,
        dt.date(2026, 5, 4),
        status=MeetingStatus.PLANNED,
        number="ครั้งที่ 2/2569",
        carry=False,
    )
    added = services.agenda_carry_forward(actor=cast.coordinator, meeting=nxt)
    assert {i.resolution for i in added} == {open_r, going}
    assert all(i.kind == AgendaKind.CARRIED for i in added)
    assert services.agenda_carry_forward(actor=cast.coordinator, meeting=nxt) == []
    assert AgendaItem.objects.filter(meeting=nxt).count() == 2
    assert AuditEvent.objects.filter(action="meeting.carry_forward").count() == 1
    # The database refuses a second copy even if a service were to try.
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=nxt, kind="carried", resolution=open_r, title="ซ้ำ")

    # A resolution opened later is carried by the next click; only that one.
    late = resolve(cast, first, "มติที่เพิ่มภายหลัง", "สช.", dt.date(2026, 8, 1))
    assert [
        i.resolution for i in services.agenda_carry_forward(actor=cast.coordinator, meeting=nxt)
    ] == [late]


def test_a_planned_meeting_gets_open_resolutions_on_its_agenda_automatically(
    cast: Any, wg: Any, client: Any
) -> None:
    first = make_meeting(cast, wg, dt.date(2026, 3, 2))
    still_open = resolve(cast, first, "สำรวจที่อยู่อาศัยไม่มั่นคง", "พอช.", dt.date(2026, 4, 1))
    finished = resolve(cast, first, "ตั้งคณะทำงาน", "สช.", dt.date(2026, 4, 1))
    services.progress_report(
        actor=cast.coordinator, resolution=finished, text="แต่งตั้งแล้ว", new_status="done"
    )
    nxt = make_meeting(cast, wg, dt.date(2026, 5, 4), status=MeetingStatus.PLANNED)
    assert [i.resolution for i in nxt.agenda_items.all()] == [still_open]
    page = client.get(f"/forums/meetings/{nxt.pk}/").content.decode()
    assert "สำรวจที่อยู่อาศัยไม่มั่นคง" in page and "ตั้งคณะทำงาน" not in page
    assert "เลยกำหนด" in page  # due 1 Apr 2026, long past


def test_area_picture_snapshot_on_the_agenda(cast: Any, wg: Any) -> None:
    nxt = make_meeting(cast, wg, bangkok_today() + dt.timedelta(days=7), status="planned")
    item = services.agenda_snapshot(actor=cast.coordinator, meeting=nxt)
    assert item.kind == AgendaKind.AREA_PICTURE
    assert item.snapshot["area"] == "40"
    assert set(item.snapshot["projects"]) == {"total", "by_status"}
    assert isinstance(item.snapshot["indicators"], list)
    again = services.agenda_snapshot(actor=cast.coordinator, meeting=nxt)
    assert again.pk == item.pk and nxt.agenda_items.count() == 1


def test_follow_up_page_lists_overdue_for_the_coordinator(cast: Any, wg: Any, client: Any) -> None:
    today = bangkok_today()
    meeting = make_meeting(cast, wg, today - dt.timedelta(days=30))
    resolve(cast, meeting, "มติที่ต้องเร่งติดตาม", "พอช.", today - dt.timedelta(days=2))
    client.force_login(cast.coordinator)
    page = client.get("/forums/mine/").content.decode()
    assert "งานที่ต้องติดตาม" in page and "มติที่ต้องเร่งติดตาม" in page
    client.force_login(cast.trat)
    assert "มติที่ต้องเร่งติดตาม" not in client.get("/forums/mine/").content.decode()
    client.force_login(cast.somchai)  # พอช. owns it
    assert "มติที่ต้องเร่งติดตาม" in client.get("/forums/mine/").content.decode()
