"""The API answers with the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saan.accounts.services import token_create
from saan.forums.models import bangkok_today
from saan.forums.tests.conftest import make_meeting, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(cast: Any, wg: Any, private_wg: Any) -> dict[str, Any]:
    today = bangkok_today()
    m = make_meeting(cast, wg, today - dt.timedelta(days=20), number="ครั้งที่ 1/2569")
    hidden = make_meeting(cast, private_wg, today - dt.timedelta(days=20))
    return {
        "meeting": m,
        "late": resolve(cast, m, "มติเลยกำหนด", "พอช.", today - dt.timedelta(days=1)),
        "later": resolve(cast, m, "มติปีหน้า", "สช.", today + dt.timedelta(days=300)),
        "hidden": resolve(cast, hidden, "มติภายใน", "พอช.", today - dt.timedelta(days=1)),
    }


def test_lists_show_public_data_without_a_token(client: Any, data: dict[str, Any]) -> None:
    body = client.get("/api/forums/resolutions", {"area": "40"}).json()
    assert {r["text"] for r in body["items"]} == {"มติเลยกำหนด", "มติปีหน้า"}
    overdue = client.get("/api/forums/resolutions", {"area": "40", "overdue": "true"}).json()
    assert [r["text"] for r in overdue["items"]] == ["มติเลยกำหนด"]
    assert overdue["items"][0]["overdue"] is True
    mechanisms = client.get("/api/forums/mechanisms", {"area": "40"}).json()
    assert [m["name"] for m in mechanisms] == ["คณะทำงานภาคีอาสาจังหวัดขอนแก่น"]
    meeting = client.get(f"/api/forums/meetings/{data['meeting'].pk}").json()
    assert meeting["number"] == "ครั้งที่ 1/2569" and len(meeting["resolutions"]) == 2


def test_a_token_shows_what_its_owner_may_see(cast: Any, client: Any, data: dict[str, Any]) -> None:
    _token, raw = token_create(actor=cast.somchai, name="สคริปต์")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = client.get("/api/forums/resolutions", {"area": "40"}, **auth).json()
    assert body["count"] == 3
    assert (
        client.get("/api/forums/resolutions", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    )


def test_report_progress(cast: Any, client: Any, data: dict[str, Any]) -> None:
    url = f"/api/forums/resolutions/{data['late'].pk}/progress"
    payload = {"text": "เสร็จแล้ว", "new_status": "done"}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    client.force_login(cast.malee)  # a viewer of สสส.: sees it, may not report
    assert client.post(url, payload, content_type="application/json").status_code == 403
    client.force_login(cast.trat)
    hidden = f"/api/forums/resolutions/{data['hidden'].pk}/progress"
    assert client.post(hidden, payload, content_type="application/json").status_code == 404
    client.force_login(cast.somchai)
    bad = client.post(url, {"text": "", "new_status": "done"}, content_type="application/json")
    assert bad.status_code == 422 and "text" in bad.json()["errors"]
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done" and body["overdue"] is False
    assert body["progress"][0]["organisation"]["short_name"] == "พอช."


def test_the_router_is_in_the_openapi_schema(client: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/forums/mechanisms",
        "/api/forums/meetings/{meeting_id}",
        "/api/forums/resolutions",
        "/api/forums/resolutions/{resolution_id}/progress",
        "/api/forums/agendas",
        "/api/forums/charters/{charter_id}",
    ):
        assert path in paths, path


def test_listing_mechanisms_costs_the_same_queries_for_more_mechanisms(
    client: Any, cast: Any
) -> None:
    """No query per mechanism: listing five mechanisms with members costs what listing one does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saan.forums import services
    from saan.forums.tests.conftest import make_mechanism
    from saan.partners.models import Sector

    def seat_two(mechanism: Any) -> None:
        for name in ("สมศรี ใจงาม", "ประยุทธ มั่นคง"):
            services.member_add(
                actor=cast.coordinator,
                mechanism=mechanism,
                person_name=name,
                sector=Sector.CIVIL_SOCIETY,
                term_start=bangkok_today(),
            )

    seat_two(make_mechanism(cast, name="กลไกที่ 1"))
    with CaptureQueriesContext(connection) as one:
        first = client.get("/api/forums/mechanisms")
    for n in range(2, 6):
        seat_two(make_mechanism(cast, name=f"กลไกที่ {n}"))
    with CaptureQueriesContext(connection) as five:
        response = client.get("/api/forums/mechanisms")
    assert first.status_code == response.status_code == 200
    assert len(response.json()) == 5
    assert all(len(m["members"]) == 2 for m in response.json())
    assert len(five.captured_queries) == len(one.captured_queries)


def test_listing_agendas_costs_the_same_queries_for_more_agendas(client: Any, cast: Any) -> None:
    """No query per agenda or goal: five agendas with goals cost what one does, goals in order."""
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saan.areas.models import Area
    from saan.conftest import org
    from saan.forums import services
    from saan.indicators.models import Indicator
    from saan.projects.models import Theme

    indicator = Indicator.objects.get(code="elderly-dependent")

    def agenda(year: int) -> None:
        a = services.agenda_create(
            actor=cast.coordinator,
            area=Area.objects.get(code="40"),
            fiscal_year=year,
            vision=f"วาระร่วม {year}",
        )
        for title in ("ผู้สูงอายุได้รับการดูแลที่บ้าน", "ครัวเรือนยากจนมีรายได้เพิ่ม"):
            services.goal_add(
                actor=cast.coordinator,
                agenda=a,
                title=title,
                theme=Theme.objects.get(slug="ageing"),
                organisations=[org("สปสช."), org("พอช.")],
                targets=[(indicator, Decimal("500"))],
            )

    agenda(2565)
    with CaptureQueriesContext(connection) as one:
        first = client.get("/api/forums/agendas")
    for year in range(2566, 2570):
        agenda(year)
    with CaptureQueriesContext(connection) as five:
        response = client.get("/api/forums/agendas")
    assert first.status_code == response.status_code == 200
    body = response.json()
    assert len(body) == 5
    assert all(
        [g["title"] for g in a["goals"]] == ["ผู้สูงอายุได้รับการดูแลที่บ้าน", "ครัวเรือนยากจนมีรายได้เพิ่ม"]
        for a in body
    )
    assert all(
        len(g["organisations"]) == 2 and len(g["targets"]) == 1 for a in body for g in a["goals"]
    )
    assert body[0]["goals"][0]["targets"][0]["target"] == "500"
    assert len(five.captured_queries) == len(one.captured_queries)
    one_agenda = client.get(f"/api/forums/agendas/{body[0]['id']}")
    assert one_agenda.status_code == 200 and len(one_agenda.json()["goals"]) == 2


def test_listing_charters_costs_the_same_queries_for_more_charters(client: Any, cast: Any) -> None:
    """No query per charter, version, signatory or commitment: five charters cost what one does,
    and each shows its latest version's signatories and commitments."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saan.areas.models import Area
    from saan.conftest import org
    from saan.forums import services

    def charter(n: int) -> None:
        c = services.charter_create(
            actor=cast.coordinator,
            area=Area.objects.get(code="40"),
            title=f"ธรรมนูญ {n}",
            kind="health",
            text="หมวด 1 เจตนารมณ์",
        )
        services.commitment_add(
            actor=cast.coordinator, charter=c, text="ดูแลผู้สูงอายุทุกคน", owner=org("สปสช.")
        )
        for name in ("สช.", "พอช."):
            services.charter_sign(
                actor=cast.coordinator,
                charter=c,
                organisation=org(name),
                signed_on=dt.date(2025, 6, 24),
            )
        services.charter_edit_text(actor=cast.coordinator, charter=c, text="หมวด 1 ฉบับที่ 2")
        services.commitment_add(
            actor=cast.coordinator, charter=c, text="ลดครัวเรือนยากจน", owner=org("พอช.")
        )

    charter(1)
    with CaptureQueriesContext(connection) as one:
        first = client.get("/api/forums/charters")
    for n in range(2, 6):
        charter(n)
    with CaptureQueriesContext(connection) as five:
        response = client.get("/api/forums/charters")
    assert first.status_code == response.status_code == 200
    body = response.json()
    assert len(body) == 5
    assert all([v["number"] for v in c["versions"]] == [2, 1] for c in body)
    assert all(c["latest_text"] == "หมวด 1 ฉบับที่ 2" for c in body)
    assert all(c["signatories"] == [] for c in body)
    assert all(
        [k["text"] for k in c["commitments"]] == ["ดูแลผู้สูงอายุทุกคน", "ลดครัวเรือนยากจน"] for c in body
    )
    assert len(five.captured_queries) == len(one.captured_queries)
    one_charter = client.get(f"/api/forums/charters/{body[0]['id']}")
    assert one_charter.status_code == 200
    assert one_charter.json()["versions"] == body[0]["versions"]
