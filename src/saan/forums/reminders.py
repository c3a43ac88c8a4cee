"""Reminders about resolutions: due within seven days, or overdue, e-mailed to the people of the
owner organisation (its seats on the mechanism, and its editors and coordinators whose grant
reaches the area).

Each (resolution, kind, day) is claimed by inserting a ``ReminderLog`` row under a unique key
before anything is sent, in the same transaction as the sending: a second run on the same day
finds the row and sends nothing, and a failed send rolls the claim back so the next run retries.
The rows are also what the in-app list shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from saan.audit.services import record
from saan.core.thai import thai_date
from saan.forums import queries
from saan.forums.models import ReminderKind, ReminderLog, Resolution, bangkok_today
from saan.partners.models import Membership, Role


@dataclass
class ReminderRun:
    sent: list[ReminderLog] = field(default_factory=list)
    skipped: int = 0  # already reminded today
    messages: int = 0


def recipients(resolution: Resolution) -> list[str]:
    """E-mail addresses of the owner organisation's people for this resolution, sorted."""
    if resolution.owner_id is None:
        return []
    mechanism = resolution.meeting.mechanism
    found: set[str] = set()
    seats = queries.active_members().filter(
        mechanism=mechanism, organisation_id=resolution.owner_id
    )
    for seat in seats.select_related("user"):
        if seat.contact_email:
            found.add(seat.contact_email.lower())
    area = mechanism.area_id
    grants = Membership.objects.filter(
        organisation_id=resolution.owner_id,
        is_active=True,
        role__in=(Role.EDITOR, Role.COORDINATOR),
        user__is_active=True,
    ).filter(
        Q(area__isnull=True)
        | Q(area_id__in=[area[:n] for n in (2, 4, 6) if n <= len(area)])
        | Q(area__code__startswith=area)
    )
    users = get_user_model().objects.filter(pk__in=grants.values("user_id")).exclude(email="")
    found |= {u.email.lower() for u in users}
    return sorted(found)


def due(today: dt.date) -> list[tuple[Resolution, str]]:
    """(resolution, kind) pairs that call for a reminder today."""
    base: QuerySet[Resolution] = Resolution.objects.select_related(
        "meeting", "meeting__mechanism", "meeting__mechanism__area", "owner"
    ).exclude(status="draft")
    pairs = [(r, ReminderKind.OVERDUE.value) for r in base.filter(queries.overdue_q(today))]
    pairs += [(r, ReminderKind.DUE_SOON.value) for r in base.filter(queries.due_soon_q(today))]
    return sorted(pairs, key=lambda p: (p[0].due_date or today, p[0].pk))


def _site() -> str:
    return str(getattr(settings, "SAAN_SITE_URL", "")).rstrip("/")


def _message(resolution: Resolution, kind: str, today: dt.date) -> tuple[str, str]:
    mechanism = resolution.meeting.mechanism
    due_text = thai_date(resolution.due_date) if resolution.due_date else "–"
    if kind == ReminderKind.OVERDUE:
        days = (today - resolution.due_date).days if resolution.due_date else 0
        subject = _("[Saan] มติเลยกำหนด %(days)s วัน: %(text)s") % {
            "days": days,
            "text": str(resolution),
        }
    else:
        subject = _("[Saan] มติใกล้ครบกำหนด (%(due)s): %(text)s") % {
            "due": due_text,
            "text": str(resolution),
        }
    body = _(
        "เรียน ผู้รับผิดชอบของ %(owner)s\n\n"
        "มติของ%(mechanism)s การประชุม%(meeting)s\n"
        "%(text)s\n\n"
        "กำหนดเสร็จ: %(due)s\nสถานะ: %(status)s\n\n"
        "รายงานความคืบหน้าได้ที่ %(url)s\n\n"
        "ข้อความนี้ส่งจากระบบ Saan (สาน) โดยอัตโนมัติ"
    ) % {
        "owner": resolution.owner.label if resolution.owner else "–",
        "mechanism": mechanism.name,
        "meeting": f" {resolution.meeting.number}" if resolution.meeting.number else "",
        "text": resolution.text,
        "due": due_text,
        "status": resolution.get_status_display(),
        "url": _site() + resolution.get_absolute_url(),
    }
    return subject, body


def send_resolution_reminders(
    *, today: dt.date | None = None, connection: Any = None
) -> ReminderRun:
    """Send today's reminders once. Safe to run as often as wanted (e.g. hourly by cron)."""
    today = today or bangkok_today()
    run = ReminderRun()
    connection = connection or get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        for resolution, kind in due(today):
            if ReminderLog.objects.filter(resolution=resolution, kind=kind, sent_on=today).exists():
                run.skipped += 1
                continue
            to = recipients(resolution)
            try:
                with transaction.atomic():
                    log = ReminderLog.objects.create(
                        resolution=resolution, kind=kind, sent_on=today, recipients=to
                    )
                    subject, body = _message(resolution, kind, today)
                    messages = [
                        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
                        for address in to
                    ]
                    if messages:
                        connection.send_messages(messages)
                    record(
                        actor=None,
                        action="resolution.remind",
                        target=resolution,
                        after={"kind": kind, "sent_on": today.isoformat(), "recipients": to},
                        area_code=resolution.meeting.mechanism.area_id,
                        note="send_resolution_reminders",
                    )
            except IntegrityError:
                # Another run claimed the same reminder between our check and our insert.
                run.skipped += 1
                continue
            run.sent.append(log)
            run.messages += len(to)
    return run


def reminders_for(user: Any, *, days: int = 30) -> QuerySet[ReminderLog]:
    """The in-app list: recent reminders about resolutions the user follows up."""
    follow = queries.follow_up_scope_q(user)
    since = bangkok_today() - dt.timedelta(days=days)
    visible = queries.resolutions_visible_to(user).filter(follow).values("pk")
    return (
        ReminderLog.objects.filter(resolution__in=visible, sent_on__gte=since)
        .select_related("resolution", "resolution__owner", "resolution__meeting__mechanism")
        .order_by("-sent_on", "-id")
    )
