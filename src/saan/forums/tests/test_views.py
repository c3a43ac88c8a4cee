"""The pages a coordinator uses, through their forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saan.conftest import org
from saan.forums.models import (
    AgendaItem,
    CommonAgenda,
    Mechanism,
    MechanismMember,
    Meeting,
    Resolution,
)

pytestmark = pytest.mark.django_db


def test_coordinator_runs_a_meeting_through_the_pages(cast: Any, client: Any) -> None:
    client.force_login(cast.coordinator)
    assert client.get("/forums/area/40/").status_code == 200
    response = client.post(
        "/forums/area/40/mechanisms/new/",
        {"kind": "working_group", "name": "คณะทำงานภาคีอาสาจังหวัดขอนแก่น", "is_public": "on"},
    )
    wg = Mechanism.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/forums/mechanisms/{wg.pk}/"

    client.post(
        f"/forums/mechanisms/{wg.pk}/members/new/",
        {
            "person_name": "สมชาย ใจดี",
            "organisation": org("พอช.").pk,
            "role": "member",
            "term_start": "2026-01-05",
            "user": "somchai",
        },
    )
    seat = MechanismMember.objects.get()
    assert (seat.user, seat.sector) == (cast.somchai, "national_agency")

    client.post(
        f"/forums/mechanisms/{wg.pk}/meetings/new/",
        {
            "number": "ครั้งที่ 1/2569",
            "starts_at": "2026-03-02T09:00",
            "place": "ศาลากลาง",
            "status": "held",
        },
    )
    meeting = Meeting.objects.get()
    assert meeting.starts_at == dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)

    response = client.post(
        f"/forums/meetings/{meeting.pk}/resolutions/new/",
        {"text": "ไม่มีเจ้าภาพ", "status": "open"},
    )
    assert response.status_code == 200 and "เฉพาะเป็นร่าง" in response.content.decode()
    client.post(
        f"/forums/meetings/{meeting.pk}/resolutions/new/",
        {
            "text": "สำรวจที่อยู่อาศัย",
            "owner": org("พอช.").pk,
            "due_date": "2026-06-30",
            "status": "open",
        },
    )
    r = Resolution.objects.get()
    assert r.fiscal_year == 2569

    client.post(
        f"/forums/meetings/{meeting.pk}/attendance/",
        {"guest_name": "ผู้นำชุมชน", "sector": "community", "headcount": "12"},
    )
    client.post(f"/forums/meetings/{meeting.pk}/attendance/", {"member": seat.pk, "headcount": "1"})
    assert meeting.attendance.count() == 2

    client.post(
        f"/forums/mechanisms/{wg.pk}/meetings/new/",
        {"number": "ครั้งที่ 2/2569", "starts_at": "2026-05-04T09:30", "status": "planned"},
    )
    nxt = Meeting.objects.get(number="ครั้งที่ 2/2569")
    assert AgendaItem.objects.filter(meeting=nxt, resolution=r).exists()
    client.post(
        f"/forums/meetings/{nxt.pk}/agenda/",
        {"title": "ข้อเสนอจากสภาองค์กรชุมชน", "kind": "member", "raised_by": seat.pk},
    )
    client.post(f"/forums/meetings/{nxt.pk}/agenda/picture/")
    assert nxt.agenda_items.count() == 3
    page = client.get(f"/forums/meetings/{nxt.pk}/").content.decode()
    assert "สำรวจที่อยู่อาศัย" in page and "ข้อเสนอจากสภาองค์กรชุมชน" in page

    client.post(
        "/forums/area/40/agendas/new/",
        {"fiscal_year": "2569", "vision": "คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน", "is_public": "on"},
    )
    agenda = CommonAgenda.objects.get()
    client.post(f"/forums/agendas/{agenda.pk}/goals/new/", {"title": "ผู้สูงอายุได้รับการดูแล"})
    assert agenda.goals.count() == 1
    assert "มติ" in client.get(f"/forums/meetings/{meeting.pk}/minutes/").content.decode()


def test_member_progress_form(cast: Any, client: Any) -> None:
    from saan.forums.tests.conftest import make_mechanism, make_meeting, resolve

    wg = make_mechanism(cast)
    meeting = make_meeting(cast, wg, dt.date(2026, 3, 2))
    r = resolve(cast, meeting, "สำรวจที่อยู่อาศัย", "พอช.", dt.date(2026, 6, 30))
    client.force_login(cast.malee)
    assert "progress-form" not in client.get(f"/forums/resolutions/{r.pk}/").content.decode()
    assert client.post(f"/forums/resolutions/{r.pk}/progress/", {"text": "x"}).status_code == 404
    client.force_login(cast.somchai)
    assert "progress-form" in client.get(f"/forums/resolutions/{r.pk}/").content.decode()
    client.post(f"/forums/resolutions/{r.pk}/progress/", {"text": "เสร็จแล้ว", "new_status": "done"})
    r.refresh_from_db()
    assert r.status == "done"
