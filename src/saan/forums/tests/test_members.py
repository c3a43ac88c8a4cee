"""Members leave by an end date; what they did stays theirs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from saan.conftest import org
from saan.forums import queries, services
from saan.forums.models import MechanismMember
from saan.forums.tests.conftest import make_meeting

pytestmark = pytest.mark.django_db


def test_a_removed_member_keeps_past_attendance_and_items(cast: Any, wg: Any, client: Any) -> None:
    seat = services.member_add(
        actor=cast.coordinator,
        mechanism=wg,
        person_name="สมพงษ์ ทองคำ",
        organisation=org("สสส."),
        term_start=dt.date(2025, 5, 2),
    )
    assert seat.sector == "national_agency"  # from the organisation
    meeting = make_meeting(cast, wg, dt.date(2025, 5, 2))
    services.attendance_add(actor=cast.coordinator, meeting=meeting, member=seat)
    services.agenda_item_add(
        actor=cast.coordinator, meeting=meeting, title="ข้อเสนอของ สสส.", raised_by=seat
    )

    services.member_end(actor=cast.coordinator, member=seat, term_end=dt.date(2025, 6, 30))
    seat.refresh_from_db()
    assert MechanismMember.objects.filter(pk=seat.pk).exists()
    assert seat.term_end == dt.date(2025, 6, 30) and not seat.is_active
    assert meeting.attendance.get().member == seat
    assert meeting.agenda_items.get().raised_by == seat
    assert seat not in queries.active_members().filter(mechanism=wg)
    assert queries.sector_counts(meeting) == [("national_agency", "หน่วยงานระดับชาติ", 1)]

    # Names of who came are personal data: the public sees counts by sector only.
    public = client.get(f"/forums/meetings/{meeting.pk}/minutes/").content.decode()
    assert "สมพงษ์ ทองคำ" not in public and "หน่วยงานระดับชาติ 1" in public
    client.force_login(cast.somchai)
    page = client.get(f"/forums/meetings/{meeting.pk}/minutes/").content.decode()
    assert "สมพงษ์ ทองคำ" in page
    mechanism_page = client.get(f"/forums/mechanisms/{wg.pk}/").content.decode()
    assert "อดีตสมาชิก" in mechanism_page

    with pytest.raises(ValidationError):
        services.member_end(actor=cast.coordinator, member=seat)


def test_attendance_counts_by_sector_add_group_headcounts(cast: Any, wg: Any) -> None:
    meeting = make_meeting(cast, wg, dt.date(2025, 5, 2))
    services.attendance_add(
        actor=cast.coordinator,
        meeting=meeting,
        guest_name="ผู้นำองค์กรชุมชน",
        sector="community",
        headcount=32,
    )
    services.attendance_add(
        actor=cast.coordinator, meeting=meeting, guest_name="ผู้แทน อบต.", sector="local_government"
    )
    services.attendance_add(
        actor=cast.coordinator,
        meeting=meeting,
        guest_name="นักข่าว",
        organisation=org("สช."),
    )
    counts = {s: n for s, _label, n in queries.sector_counts(meeting)}
    assert counts == {"community": 32, "local_government": 1, "national_agency": 1}
    with pytest.raises(ValidationError):
        services.attendance_add(actor=cast.coordinator, meeting=meeting, sector="community")


def test_one_open_seat_per_sign_in(cast: Any, wg: Any) -> None:
    services.member_add(
        actor=cast.coordinator,
        mechanism=wg,
        person_name="สมชาย ใจดี",
        organisation=org("พอช."),
        user=cast.somchai,
    )
    with pytest.raises(ValidationError):
        services.member_add(
            actor=cast.coordinator,
            mechanism=wg,
            person_name="สมชาย",
            sector="community",
            user=cast.somchai,
        )
