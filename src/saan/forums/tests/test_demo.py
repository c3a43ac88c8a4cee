"""The demo central spaces load quickly, make sense, and load only once."""

from __future__ import annotations

import time
from typing import Any

import pytest

from saan.areas.models import Area
from saan.core.demo import ORGANISATIONS
from saan.forums import queries
from saan.forums.demo_data import load_forums_demo
from saan.forums.models import (
    Charter,
    CommonAgenda,
    Mechanism,
    MechanismMember,
    Meeting,
    Resolution,
)
from saan.partners import services as partner_services
from saan.partners.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(cast: Any) -> dict[str, Any]:
    existing = set(Organisation.objects.values_list("name_th", flat=True))
    for sector, name_th, name_en, short, home, parent in ORGANISATIONS:
        if name_th not in existing:
            partner_services.organisation_create(
                actor=cast.admin,
                name_th=name_th,
                name_en=name_en,
                short_name=short,
                sector=sector,
                home_area=Area.objects.get(code=home),
                parent=Organisation.objects.get(short_name=parent) if parent else None,
            )
    started = time.perf_counter()
    load_forums_demo()
    return {"seconds": time.perf_counter() - started}


def test_demo_loads_fast_and_only_once(demo: dict[str, Any]) -> None:
    assert demo["seconds"] < 20
    counts = [Model.objects.count() for Model in (Mechanism, Meeting, Resolution, Charter)]
    load_forums_demo()
    assert [M.objects.count() for M in (Mechanism, Meeting, Resolution, Charter)] == counts


def test_khon_kaen_working_group(cast: Any, demo: dict[str, Any]) -> None:
    wg = Mechanism.objects.get(area_id="40", kind="working_group")
    assert wg.name == "คณะทำงานภาคีอาสาจังหวัดขอนแก่น"
    seats = MechanismMember.objects.filter(mechanism=wg)
    assert seats.filter(user=cast.coordinator, role="secretary").exists()
    # A partner sits in person or through its regional office (สปสช. เขต 7).
    partners = {
        (s.organisation.parent or s.organisation).short_name for s in seats if s.organisation
    }
    assert {"สช.", "สสส.", "สวรส.", "สปสช.", "พอช.", "บพท.", "นิด้า", "สพฉ.", "สรพ."} <= partners
    assert seats.filter(term_end__isnull=False).count() == 1  # one member left, history kept

    launch = wg.meetings.order_by("starts_at").first()
    assert launch is not None and launch.number == "ครั้งที่ 1/2568"
    people = sum(n for _s, _label, n in queries.sector_counts(launch))
    assert 190 <= people <= 220  # "about 200 people" at the launch (seed 001)
    assert wg.meetings.filter(status="held").count() == 3
    planned = wg.meetings.get(status="planned")
    kinds = set(planned.agenda_items.values_list("kind", flat=True))
    assert kinds == {"carried", "member", "area_picture"}

    statuses = set(
        Resolution.objects.filter(meeting__mechanism=wg).values_list("status", flat=True)
    )
    assert {"draft", "open", "in_progress", "done", "dropped"} <= statuses
    assert Resolution.objects.filter(meeting__mechanism=wg).filter(queries.overdue_q()).count() == 1
    assert Resolution.objects.filter(meeting__mechanism=wg).filter(queries.due_soon_q()).exists()

    agenda = CommonAgenda.objects.get(area_id="40")
    assert agenda.vision == "คนขอนแก่น อยู่ดีมีแฮง เข้มแข็งยั่งยืน"
    assert agenda.goals.filter(targets__isnull=False).exists()


def test_trat_and_chiang_rai(cast: Any, demo: dict[str, Any]) -> None:
    trat = Mechanism.objects.get(area_id="23", kind="working_group")
    assert trat.members.filter(user=cast.trat).exists()  # the coordinator of ตราด, linked
    assert trat.meetings.filter(status="held").count() == 3
    assert (
        Resolution.objects.filter(meeting__mechanism=trat).filter(queries.overdue_q()).count() == 1
    )
    assert CommonAgenda.objects.get(area_id="23").vision == "5 ดี วิถีตราด"
    assert CommonAgenda.objects.get(area_id="23").goals.count() == 5

    charter = Charter.objects.get(area_id="57")
    assert charter.title == "ธรรมนูญของคนเชียงราย" and charter.vision == "เชียงรายล้านนาแห่งความสุข"
    v1, v2 = charter.versions.order_by("number")
    assert v1.is_signed and v2.is_signed and v2.signatories.count() >= 5
    assert "ภัยพิบัติ" in v2.text and "ภัยพิบัติ" not in v1.text


def test_demo_pages_render(cast: Any, demo: dict[str, Any], client: Any) -> None:
    wg = Mechanism.objects.get(area_id="40", kind="working_group")
    urls = [
        "/forums/",
        "/forums/area/40/",
        "/forums/area/23/",
        "/forums/area/57/",
        "/forums/area/40/resolutions/",
        f"/forums/mechanisms/{wg.pk}/",
        "/api/forums/resolutions?area=40&overdue=true",
        "/api/forums/agendas?area=23",
        "/api/forums/charters?area=57",
        "/api/forums/mechanisms?area=40",
    ]
    urls += [f"/forums/meetings/{m.pk}/" for m in wg.meetings.all()]
    urls += [f"/forums/meetings/{m.pk}/minutes/" for m in wg.meetings.all()]
    urls += [f"/forums/resolutions/{r.pk}/" for r in Resolution.objects.exclude(status="draft")]
    urls += [f"/forums/charters/{c.pk}/" for c in Charter.objects.all()]
    urls += [f"/forums/agendas/{a.pk}/" for a in CommonAgenda.objects.all()]
    for who in (None, cast.coordinator, cast.somchai):
        if who is not None:
            client.force_login(who)
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
    client.force_login(cast.coordinator)
    assert client.get("/forums/mine/").status_code == 200
