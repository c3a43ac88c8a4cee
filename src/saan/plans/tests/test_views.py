"""Pages: who sees what (forbidden is 404), the funding views at every stage, the forms going
through the services, and the exports safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from saan.areas.models import Area
from saan.conftest import org
from saan.plans import services
from saan.plans.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(cast: Any, plan: Any, item: Any) -> dict[str, Any]:
    thf = services.contribution_create(
        actor=cast.admin,
        item=item,
        organisation=org("สสส."),
        fiscal_year=2569,
        pledged=300000,
        committed=300000,
        disbursed=300000,
        note='=HYPERLINK("http://evil")',
    )
    foundation = services.contribution_create(
        actor=cast.admin,
        item=item,
        organisation=org("สช."),
        fiscal_year=2569,
        pledged=300000,
        funded_by=thf,
    )
    hidden = services.contribution_create(
        actor=cast.admin,
        item=item,
        organisation=org("พอช."),
        fiscal_year=2569,
        pledged=55555,
        is_public=False,
    )
    return {"thf": thf, "foundation": foundation, "hidden": hidden}


def test_every_page_of_a_public_plan_opens_for_anyone(client: Any, plan: Any, funded: Any) -> None:
    base = f"/plans/{plan.pk}/"
    for url in (
        "/plans/",
        base,
        base + "?stage=disbursed",
        base + "matrix/?stage=committed",
        base + "sources/?stage=pledged",
        base + "unfunded/",
        base + "versions/",
        f"/plans/items/{funded['thf'].item_id}/",
        "/plans/area/40/",
        "/plans/area/400108/",
        "/plans/co-investment/?stage=spent",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(base + "matrix/").content.decode()
    assert "300,000 บาท" in page and "55,555" not in page  # the private pledge stays hidden


def test_members_see_private_contributions_and_others_do_not(
    client: Any, cast: Any, plan: Any, funded: Any
) -> None:
    client.force_login(cast.malee)  # a viewer of สสส. country-wide
    assert "55,555" in client.get(f"/plans/{plan.pk}/matrix/").content.decode()
    client.force_login(cast.niran)
    assert "55,555" not in client.get(f"/plans/{plan.pk}/matrix/").content.decode()


def test_a_private_plan_is_404_outside_the_area(client: Any, cast: Any, plan: Any) -> None:
    services.plan_update(actor=cast.coordinator, plan=plan, is_public=False)
    item = plan.items.first()
    for user in (None, cast.niran, cast.trat):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(f"/plans/{plan.pk}/").status_code == 404
        assert client.get(f"/plans/items/{item.pk}/").status_code == 404
        assert client.get(f"/api/plans/plans/{plan.pk}").status_code == 404
    for user in (cast.somchai, cast.malee, cast.coordinator, cast.volunteer):
        client.force_login(user)
        assert client.get(f"/plans/{plan.pk}/").status_code == 200


def test_only_the_coordinator_opens_the_plan_forms(client: Any, cast: Any, plan: Any) -> None:
    item = plan.items.first()
    for user in (cast.somchai, cast.malee, cast.trat):
        client.force_login(user)
        assert client.get(f"/plans/{plan.pk}/edit/").status_code == 404
        assert client.get(f"/plans/items/{item.pk}/edit/").status_code == 404
        assert client.get("/plans/area/40/new/").status_code == 404
    client.force_login(cast.coordinator)
    assert client.get(f"/plans/{plan.pk}/edit/").status_code == 200
    response = client.post(
        f"/plans/{plan.pk}/items/new/",
        {"title": "ศูนย์ข้อมูลตำบล", "budget_needed": "120,000", "areas": ["400108"]},
    )
    assert response.status_code == 302
    new = plan.items.get(title="ศูนย์ข้อมูลตำบล")
    assert list(new.areas.values_list("code", flat=True)) == ["400108"]
    assert str(new.budget_needed) == "120000.00"


def test_a_focal_point_pledges_through_the_form(client: Any, cast: Any, plan: Any) -> None:
    item = plan.items.first()
    client.force_login(cast.somchai)
    form = client.get(f"/plans/items/{item.pk}/contribute/").content.decode()
    assert "พอช." in form and "สสส." not in form.split("องค์กรที่สมทบ")[1].split("</select>")[0]
    bad = client.post(
        f"/plans/items/{item.pk}/contribute/",
        {"organisation": org("พอช.").pk, "fiscal_year": 2569, "kind": "cash", "pledged": "abc"},
    )
    assert bad.status_code == 200
    assert "ไม่ใช่จำนวนเงิน" in bad.content.decode()
    ok = client.post(
        f"/plans/items/{item.pk}/contribute/",
        {"organisation": org("พอช.").pk, "fiscal_year": 2569, "kind": "cash", "pledged": "80,000"},
    )
    assert ok.status_code == 302
    c = Contribution.objects.get()
    assert (c.organisation.short_name, str(c.pledged)) == ("พอช.", "80000.00")
    # Pledging for another organisation is refused even by a forged form.
    forged = client.post(
        f"/plans/items/{item.pk}/contribute/",
        {"organisation": org("สสส.").pk, "fiscal_year": 2569, "kind": "cash", "pledged": "1"},
    )
    assert forged.status_code == 200 and Contribution.objects.count() == 1
    client.force_login(cast.niran)
    assert client.get(f"/plans/items/{item.pk}/contribute/").status_code == 404
    assert client.get(f"/plans/contributions/{c.pk}/edit/").status_code == 404


def test_exports_are_formula_safe_and_count_once(
    client: Any, cast: Any, plan: Any, funded: Any
) -> None:
    client.force_login(cast.coordinator)
    text = client.get(f"/plans/{plan.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["note"] for r in rows} >= {'\'=HYPERLINK("http://evil")'}
    assert sum(float(r["counted_pledged"]) for r in rows) == 300000 + 55555
    book = load_workbook(io.BytesIO(client.get(f"/plans/{plan.pk}/export.xlsx").content))
    sheet = book.active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    data = json.loads(client.get(f"/plans/{plan.pk}/export.iati.json").content)
    activity = data["iati-activities"][0]
    pledges = [t for t in activity["transaction"] if t["transaction-type"] == "13"]
    assert sum(float(t["value"]["amount"]) for t in pledges) == 300000 + 55555
    roles = {(o["narrative"], o["role"]) for o in activity["participating-org"]}
    assert (org("สสส.").name_th, "1") in roles and (org("สช.").name_th, "3") in roles
    assert client.get(f"/plans/{plan.pk}/export.pdf").status_code == 404


def test_area_page_apportions_items_over_their_areas(cast: Any, client: Any, plan: Any) -> None:
    item = plan.items.first()
    services.item_update(
        actor=cast.coordinator,
        item=item,
        areas=[Area.objects.get(code="400108"), Area.objects.get(code="400101")],
    )
    services.contribution_create(
        actor=cast.admin, item=item, organisation=org("สสส."), fiscal_year=2569, pledged=100000
    )
    page = client.get("/plans/area/400108/").content.decode()
    assert "50,000 บาท" in page
    province = client.get("/plans/area/40/").content.decode()
    assert "100,000 บาท" in province


def test_budget_source_vocabulary_is_edited_by_the_coordinator(client: Any, cast: Any) -> None:
    client.force_login(cast.coordinator)
    assert client.get("/plans/area/40/sources/").status_code == 200
    client.post("/plans/area/40/sources/", {"name": "กองทุนพัฒนาบทบาทสตรี"})
    from saan.plans.models import BudgetSource

    assert BudgetSource.objects.filter(area_id="40", name="กองทุนพัฒนาบทบาทสตรี").exists()
    client.force_login(cast.somchai)
    client.post("/plans/area/40/sources/", {"name": "แอบเพิ่ม"})
    assert not BudgetSource.objects.filter(name="แอบเพิ่ม").exists()


def test_plan_pages_in_english(client: Any, plan: Any, funded: Any) -> None:
    import re

    thai = re.compile(r"[\u0E00-\u0E7F]")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/plans/{plan.pk}/matrix/?stage=pledged").content.decode()
    tabs = re.search(r'<nav class="view-switch plan-tabs".*?</nav>', page, re.S)
    assert tabs and "Partner × goal matrix" in tabs.group(0) and not thai.search(tabs.group(0))
    assert "300,000 baht" in page
    area = client.get("/plans/area/40/").content.decode()
    h1 = re.search(r"<h1>(.*?)</h1>", area, re.S)
    assert h1 and "Khon Kaen" in h1.group(1) and not thai.search(h1.group(1))


def test_odd_item_input_is_a_message_not_a_500(client: Any, cast: Any, plan: Any) -> None:
    client.force_login(cast.coordinator)
    url = f"/plans/{plan.pk}/items/new/"
    for data, words in (
        ({"title": "x", "budget_needed": "1e400"}, "งบประมาณที่ต้องการ: ต้องเป็นจำนวนเงิน"),
        ({"title": "x", "budget_needed": "1e15"}, "มากเกินไป"),
        ({"title": "x", "budget_needed": "-5"}, "ติดลบ"),
        ({"title": "x", "indicators": "no-such-code = 5"}, "ไม่พบตัวชี้วัด"),
        ({"title": "x", "indicators": "happiness-index = 1e30"}, "ใหญ่เกินไป"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert words in response.content.decode(), data
    assert not plan.items.filter(title="x").exists()


def test_history_pages_are_for_members_of_the_area(
    client: Any, cast: Any, plan: Any, funded: Any
) -> None:
    urls = [
        f"/history/plans.plan/{plan.pk}/",
        f"/history/plans.planitem/{funded['thf'].item_id}/",
        f"/history/plans.contribution/{funded['thf'].pk}/",
    ]
    client.force_login(cast.somchai)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    for user in (cast.niran, cast.trat):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.logout()
    assert client.get(urls[0]).status_code in (302, 404)


def test_coordinator_creates_agrees_and_revises_through_the_pages(
    client: Any, cast: Any, agenda: Any
) -> None:
    import datetime as dt

    from saan.forums import services as forum_services
    from saan.forums.models import MechanismKind
    from saan.plans.models import Plan, PlanStatus

    client.force_login(cast.coordinator)
    made = client.post(
        "/plans/area/40/new/",
        {
            "title": "แผนร่วมทดสอบ",
            "fiscal_year": 2569,
            "agenda": agenda.pk,
            "items_from_goals": "on",
            "is_public": "on",
        },
    )
    assert made.status_code == 302
    plan = Plan.objects.get(title="แผนร่วมทดสอบ")
    assert plan.items.count() == 2 and plan.status == PlanStatus.DRAFT
    wg = forum_services.mechanism_create(
        actor=cast.coordinator,
        area=plan.area,
        kind=MechanismKind.WORKING_GROUP,
        name="คณะทำงานทดสอบ",
    )
    meeting = forum_services.meeting_create(
        actor=cast.coordinator, mechanism=wg, starts_at=dt.datetime(2025, 11, 20, 9, tzinfo=dt.UTC)
    )
    resolution = forum_services.resolution_create(
        actor=cast.coordinator,
        meeting=meeting,
        text="เห็นชอบแผนร่วม",
        owner=org("สช."),
        due_date=dt.date(2026, 9, 30),
    )
    agreed = client.post(
        f"/plans/{plan.pk}/agree/", {"resolution": resolution.pk, "agreed_on": "2025-11-20"}
    )
    assert agreed.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.versions.get().resolution == resolution
    item = plan.items.order_by("order").first()
    services.contribution_create(
        actor=cast.admin, item=item, organisation=org("สสส."), fiscal_year=2569, pledged=1
    )
    refused = client.post(f"/plans/items/{item.pk}/remove/", follow=True)
    assert "ลบรายการนี้ไม่ได้" in refused.content.decode()
    other = plan.items.order_by("order").last()
    assert client.post(f"/plans/items/{other.pk}/remove/").status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.version, plan.items.count()) == (PlanStatus.REVISED, 2, 1)
    diff = client.get(f"/plans/{plan.pk}/versions/?a=1&b=current").content.decode()
    assert "รายการที่ตัดออก" in diff and other.title in diff


def test_budget_source_page_get_writes_nothing_and_first_add_seeds_defaults(
    client: Any, cast: Any
) -> None:
    from saan.audit.models import AuditEvent
    from saan.plans.models import BudgetSource
    from saan.plans.services import DEFAULT_SOURCES

    client.force_login(cast.coordinator)
    events = AuditEvent.objects.count()
    assert client.get("/plans/area/40/sources/").status_code == 200
    assert not BudgetSource.objects.filter(area_id="40").exists()
    assert AuditEvent.objects.count() == events
    client.post("/plans/area/40/sources/", {"name": "กองทุนพัฒนาบทบาทสตรี"})
    names = set(BudgetSource.objects.filter(area_id="40").values_list("name", flat=True))
    assert names == {*DEFAULT_SOURCES, "กองทุนพัฒนาบทบาทสตรี"}
    assert AuditEvent.objects.filter(action="plans.sources_seed", area_code="40").count() == 1
