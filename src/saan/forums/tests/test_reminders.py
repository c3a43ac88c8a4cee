"""Reminders: owners' people are e-mailed about resolutions due within seven days and overdue
ones, once a day; what was sent is kept and listed in the app."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.forums import services
from saan.forums.models import ReminderLog
from saan.forums.reminders import recipients, send_resolution_reminders
from saan.forums.tests.conftest import make_meeting, resolve

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def due(cast: Any, wg: Any) -> dict[str, Any]:
    meeting = make_meeting(cast, wg, TODAY - dt.timedelta(days=40))
    services.member_add(
        actor=cast.coordinator,
        mechanism=wg,
        person_name="วิไล ผู้แทน พอช.",
        organisation=org("พอช."),
        email="wilai@codi.example",
    )
    done = resolve(cast, meeting, "เสร็จแล้ว", "พอช.", TODAY - dt.timedelta(days=9))
    services.resolution_update(actor=cast.coordinator, resolution=done, status="done")
    return {
        "late": resolve(cast, meeting, "สำรวจที่อยู่อาศัย", "พอช.", TODAY - dt.timedelta(days=3)),
        "soon": resolve(cast, meeting, "ส่งรายชื่อครัวเรือน", "พอช.", TODAY + dt.timedelta(days=7)),
        "later": resolve(cast, meeting, "แผนปีหน้า", "พอช.", TODAY + dt.timedelta(days=8)),
        "done": done,
    }


def test_recipients_are_the_owner_organisations_people(cast: Any, due: dict[str, Any]) -> None:
    # somchai edits for พอช. in ขอนแก่น; the seat has its own address. Not สช.'s coordinator.
    assert recipients(due["late"]) == ["somchai@example.org", "wilai@codi.example"]


def test_reminders_are_sent_once_a_day(cast: Any, due: dict[str, Any], settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run = send_resolution_reminders(today=TODAY)
    kinds = {(log.resolution_id, log.kind) for log in run.sent}
    assert kinds == {(due["late"].pk, "overdue"), (due["soon"].pk, "due_soon")}
    assert len(mail.outbox) == 4  # two resolutions × two people, one message each
    overdue_mail = next(m for m in mail.outbox if "เลยกำหนด" in m.subject)
    assert overdue_mail.to in (["somchai@example.org"], ["wilai@codi.example"])
    assert "3 วัน" in overdue_mail.subject
    assert "25 พ.ย. 2569" in overdue_mail.body  # the due date in พ.ศ.
    assert f"/forums/resolutions/{due['late'].pk}/" in overdue_mail.body

    again = send_resolution_reminders(today=TODAY)
    assert again.sent == [] and again.skipped == 2
    assert len(mail.outbox) == 4
    assert ReminderLog.objects.count() == 2
    assert AuditEvent.objects.filter(action="resolution.remind").count() == 2

    tomorrow = send_resolution_reminders(today=TODAY + dt.timedelta(days=1))
    assert {log.kind for log in tomorrow.sent} == {"overdue", "due_soon"}  # "later" is now due soon
    assert ReminderLog.objects.count() == 5


def test_a_failed_send_is_retried_next_run(due: dict[str, Any], settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    class Broken:
        def send_messages(self, messages: Any) -> int:
            raise OSError("mail server down")

    with pytest.raises(OSError):
        send_resolution_reminders(today=TODAY, connection=Broken())
    assert ReminderLog.objects.count() == 0
    assert len(send_resolution_reminders(today=TODAY).sent) == 2


def test_management_command_and_in_app_list(
    cast: Any, due: dict[str, Any], settings: Any, client: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("send_resolution_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert "2 sent" in out.getvalue()
    out = StringIO()
    call_command("send_resolution_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert "0 sent" in out.getvalue() and "2 already sent today" in out.getvalue()

    ReminderLog.objects.update(sent_on=dt.date.today())  # within the in-app list's 30 days
    client.force_login(cast.somchai)
    page = client.get("/forums/mine/").content.decode()
    assert "การแจ้งเตือนล่าสุด" in page and "สำรวจที่อยู่อาศัย" in page
