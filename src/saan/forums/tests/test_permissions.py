"""Who reads and who runs the central space, per persona: the area's coordinator and the
mechanism's members run it; members whose grant reaches the area read what is not public;
everyone reads what is public; everything else is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.forums import queries, services
from saan.forums.models import Mechanism, MechanismKind, ResolutionStatus
from saan.forums.tests.conftest import make_meeting, resolve

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def test_coordinator_starts_a_mechanism_and_it_is_audited(cast: Any) -> None:
    mechanism = services.mechanism_create(
        actor=cast.coordinator,
        area=Area.objects.get(code="40"),
        kind=MechanismKind.WORKING_GROUP,
        name="คณะทำงานภาคีอาสาจังหวัดขอนแก่น",
    )
    event = AuditEvent.objects.get(action="mechanism.create", target_id=str(mechanism.pk))
    assert event.actor == cast.coordinator
    assert event.area_code == "40"
    assert event.after["name"] == "คณะทำงานภาคีอาสาจังหวัดขอนแก่น"


@pytest.mark.parametrize("who", ["somchai", "malee", "niran", "trat", "volunteer"])
def test_only_the_areas_coordinator_starts_a_mechanism(cast: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.mechanism_create(
            actor=getattr(cast, who),
            area=Area.objects.get(code="40"),
            kind=MechanismKind.WORKING_GROUP,
            name="กลไกที่ไม่ควรเกิด",
        )
    assert not Mechanism.objects.filter(name="กลไกที่ไม่ควรเกิด").exists()


def test_a_seated_member_runs_the_mechanism_until_they_leave(cast: Any, wg: Any) -> None:
    assert not queries.can_run(cast.niran, wg)
    seat = services.member_add(
        actor=cast.coordinator,
        mechanism=wg,
        person_name="นิรันดร์ ทองดี",
        sector="civil_society",
        user=cast.niran,
        term_start=dt.date(2026, 1, 1),
    )
    queries.forget(cast.niran)
    assert queries.can_run(cast.niran, wg)
    meeting = make_meeting(cast, wg, DAY)
    services.agenda_item_add(actor=cast.niran, meeting=meeting, title="เรื่องจากภาคประชาสังคม")

    services.member_end(actor=cast.coordinator, member=seat, term_end=dt.date(2026, 1, 31))
    queries.forget(cast.niran)
    assert not queries.can_run(cast.niran, wg)
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=cast.niran, meeting=meeting, title="อีกเรื่อง")


@pytest.mark.parametrize("who", ["somchai", "malee", "niran", "trat", "volunteer"])
def test_people_who_do_not_run_it_cannot_write(cast: Any, wg: Any, who: str) -> None:
    user = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=user, mechanism=wg, starts_at=dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
        )
    with pytest.raises(PermissionDenied):
        services.mechanism_update(actor=user, mechanism=wg, name="เปลี่ยนชื่อ")


def test_public_mechanism_reads_for_everyone_private_for_members_of_the_area(
    cast: Any, wg: Any, private_wg: Any, client: Any
) -> None:
    # anonymous
    assert client.get(f"/forums/mechanisms/{wg.pk}/").status_code == 200
    assert client.get(f"/forums/mechanisms/{private_wg.pk}/").status_code == 404
    page = client.get("/forums/area/40/").content.decode()
    assert wg.name in page and private_wg.name not in page
    # grants that reach ขอนแก่น: the province (somchai), inside it (volunteer), the country (malee)
    for who in ("somchai", "volunteer", "malee", "coordinator", "admin"):
        client.force_login(getattr(cast, who))
        assert client.get(f"/forums/mechanisms/{private_wg.pk}/").status_code == 200, who
    # no grant, or a grant elsewhere
    for who in ("niran", "trat"):
        client.force_login(getattr(cast, who))
        assert client.get(f"/forums/mechanisms/{private_wg.pk}/").status_code == 404, who
        assert client.get(f"/forums/mechanisms/{wg.pk}/").status_code == 200, who


def test_private_meetings_and_resolutions_are_404_to_outsiders(
    cast: Any, private_wg: Any, client: Any
) -> None:
    meeting = make_meeting(cast, private_wg, DAY)
    r = resolve(cast, meeting, "มติภายใน", "พอช.", dt.date(2026, 6, 30))
    for url in (
        f"/forums/meetings/{meeting.pk}/",
        f"/forums/meetings/{meeting.pk}/minutes/",
        f"/forums/meetings/{meeting.pk}/calendar.ics",
        f"/forums/resolutions/{r.pk}/",
        f"/api/forums/resolutions/{r.pk}",
        f"/api/forums/meetings/{meeting.pk}",
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(cast.trat)
    assert client.get(f"/forums/resolutions/{r.pk}/").status_code == 404
    client.force_login(cast.somchai)
    assert client.get(f"/forums/resolutions/{r.pk}/").status_code == 200
    assert client.get(f"/api/forums/resolutions/{r.pk}").status_code == 200


def test_drafts_are_not_public(cast: Any, wg: Any, client: Any) -> None:
    meeting = make_meeting(cast, wg, DAY)
    draft = services.resolution_create(
        actor=cast.coordinator, meeting=meeting, text="ร่างมติลับ", status=ResolutionStatus.DRAFT
    )
    assert client.get(f"/forums/resolutions/{draft.pk}/").status_code == 404
    assert "ร่างมติลับ" not in client.get("/forums/area/40/").content.decode()
    client.force_login(cast.somchai)
    assert client.get(f"/forums/resolutions/{draft.pk}/").status_code == 200


def test_forbidden_edit_pages_answer_404(cast: Any, wg: Any, client: Any) -> None:
    meeting = make_meeting(cast, wg, DAY)
    client.force_login(cast.trat)
    for url in (
        f"/forums/mechanisms/{wg.pk}/edit/",
        f"/forums/mechanisms/{wg.pk}/members/new/",
        f"/forums/mechanisms/{wg.pk}/meetings/new/",
        f"/forums/meetings/{meeting.pk}/edit/",
        f"/forums/meetings/{meeting.pk}/resolutions/new/",
        "/forums/area/40/mechanisms/new/",
        "/forums/area/40/charters/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/forums/meetings/{meeting.pk}/agenda/carry/").status_code == 404
    client.force_login(cast.coordinator)
    assert client.get(f"/forums/meetings/{meeting.pk}/resolutions/new/").status_code == 200


def test_owner_organisation_reports_progress_others_cannot(cast: Any, wg: Any) -> None:
    meeting = make_meeting(cast, wg, DAY)
    r = resolve(cast, meeting, "สำรวจที่อยู่อาศัยไม่มั่นคง", "พอช.", dt.date(2026, 6, 30))
    assert queries.can_report_progress(cast.somchai, r)  # พอช. editor in ขอนแก่น
    for who in ("malee", "niran", "trat", "volunteer"):
        assert not queries.can_report_progress(getattr(cast, who), r), who
        with pytest.raises(PermissionDenied):
            services.progress_report(actor=getattr(cast, who), resolution=r, text="ทำแล้ว")
    progress = services.progress_report(
        actor=cast.somchai, resolution=r, text="สำรวจแล้ว 3 ตำบล", new_status="in_progress"
    )
    assert progress.organisation == org("พอช.")
    r.refresh_from_db()
    assert r.status == "in_progress"


def test_history_of_a_private_resolution_follows_the_same_rule(
    cast: Any, private_wg: Any, client: Any
) -> None:
    meeting = make_meeting(cast, private_wg, DAY)
    r = resolve(cast, meeting, "มติภายใน", "พอช.", dt.date(2026, 6, 30))
    client.force_login(cast.trat)
    assert client.get(f"/history/forums.resolution/{r.pk}/").status_code == 404
    client.force_login(cast.somchai)
    response = client.get(f"/history/forums.resolution/{r.pk}/")
    assert response.status_code == 200
