import datetime as dt
from decimal import Decimal

import pytest

from saan.accounts.services import token_create
from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.projects.models import Project, TargetGroup, Theme, Visibility
from saan.projects.services import (
    BudgetLineData,
    ProjectData,
    TargetData,
    project_create,
)

pytestmark = pytest.mark.django_db


def register(actor, **overrides):
    """A project through the service, as someone allowed to make it."""
    values = dict(
        owner_id=org("พอช.").pk,
        title="โครงการดูแลผู้สูงอายุติดเตียงระยะยาว ตำบลบ้านเป็ด",
        start_date=dt.date(2024, 11, 1),
        end_date=dt.date(2025, 9, 30),
        status="ongoing",
        visibility=Visibility.ALLIANCE,
        area_codes=["400115"],
        theme_ids=[Theme.objects.get(slug="ageing").pk],
        targets=[TargetData(TargetGroup.objects.get(slug="bedridden").pk, 40, 12)],
        budget_lines=[BudgetLineData(2568, Decimal("80000"), "committed", org("สปสช.").pk)],
    )
    values.update(overrides)
    return project_create(actor=actor, data=ProjectData(**values))


def body(**overrides):
    """A POST body as a program would send it."""
    values = {
        "owner_id": org("พอช.").pk,
        "title": "ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด",
        "ref_code": "CODI-68-API-1",
        "status": "ongoing",
        "visibility": "alliance",
        "start_date": "2024-11-01",
        "end_date": "2025-09-30",
        "area_codes": ["400115"],
        "themes": ["ageing", "health"],
        "targets": [{"target_group": "dependent-elderly", "planned": 60, "reached": 20}],
        "roles": [{"organisation_id": org("สปสช.").pk, "role": "funding"}],
        "budget_lines": [
            {"fiscal_year": 2568, "amount": "120,000.-", "stage": "committed"},
            {"fiscal_year": 2569, "amount": 90000, "source_id": org("สปสช.").pk},
        ],
    }
    values.update(overrides)
    return values


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


# --------------------------------------------------------------------------------- reading


def test_anonymous_callers_see_only_public_projects(client, cast):
    public = register(cast.admin, title="ธนาคารปูม้า บ้านน้ำราบ", visibility=Visibility.PUBLIC)
    register(cast.admin, visibility=Visibility.ALLIANCE)
    register(cast.admin, visibility=Visibility.PRIVATE)
    page = client.get("/api/projects").json()
    assert page["count"] == 1 and [p["id"] for p in page["items"]] == [public.pk]


def test_malee_sees_alliance_projects_but_not_private_ones(client, cast):
    register(cast.admin, visibility=Visibility.PUBLIC)
    alliance = register(cast.admin, visibility=Visibility.ALLIANCE)
    private = register(cast.admin, visibility=Visibility.PRIVATE)
    client.force_login(cast.malee)
    ids = {p["id"] for p in client.get("/api/projects").json()["items"]}
    assert alliance.pk in ids and private.pk not in ids and len(ids) == 2
    assert client.get(f"/api/projects/{alliance.pk}").status_code == 200
    assert client.get(f"/api/projects/{private.pk}").status_code == 404


def test_one_project_in_full(client, cast):
    project = register(cast.admin, visibility=Visibility.PUBLIC)
    response = client.get(f"/api/projects/{project.pk}")
    assert response.status_code == 200
    p = response.json()
    assert p["title"].startswith("โครงการดูแลผู้สูงอายุ") and p["status_label"] == "กำลังดำเนินการ"
    assert p["start_date"] == "2024-11-01" and p["fiscal_years"] == [2568]
    [area] = p["areas"]
    assert area["code"] == "400115" and area["name_th"] == "บ้านเป็ด"
    assert area["label_th"] == "ต.บ้านเป็ด อ.เมืองขอนแก่น จ.ขอนแก่น"
    assert area["province"]["code"] == "40" and area["district"]["code"] == "4001"
    assert p["owner"]["short_name"] == "พอช."
    assert [(o["short_name"], o["role"]) for o in p["organisations"]] == [("พอช.", "lead")]
    assert p["themes"] == [
        {
            "slug": "ageing",
            "name_th": "ผู้สูงอายุ/สังคมสูงวัย",
            "name_en": "Older people and ageing society",
        }
    ]
    assert p["targets"][0]["slug"] == "bedridden" and p["targets"][0]["planned"] == 40
    assert p["budget_lines"][0]["amount"] == "80000.00"
    assert p["budget_lines"][0]["source"]["short_name"] == "สปสช."
    assert p["budget_total"] == "80000.00" and p["version"] == 1


def test_a_missing_project_is_a_json_404(client, cast):
    response = client.get("/api/projects/999999")
    assert response.status_code == 404 and "ไม่พบโครงการ" in response.json()["detail"]


def test_list_filters_reach_down_and_up_the_area_tree(client, cast):
    subdistrict = register(cast.admin, visibility=Visibility.PUBLIC)
    district = register(
        cast.admin,
        title="ป้องกันน้ำท่วมชุมชนริมบึงทั้งอำเภอ",
        visibility=Visibility.PUBLIC,
        area_codes=["4001"],
        theme_ids=[Theme.objects.get(slug="disaster").pk],
        targets=[],
        budget_lines=[BudgetLineData(2569, Decimal("1500000"), "planned")],
        start_date=dt.date(2025, 10, 1),
        end_date=dt.date(2026, 9, 30),
        status="planned",
    )
    trat = register(cast.admin, visibility=Visibility.PUBLIC, area_codes=["230101"])

    def ids(**params):
        response = client.get("/api/projects", params)
        assert response.status_code == 200, response.content
        return {p["id"] for p in response.json()["items"]}

    assert ids(area="400115") == {subdistrict.pk, district.pk}  # the district-wide one too
    assert ids(area="40") == {subdistrict.pk, district.pk}
    assert ids(area="23") == {trat.pk}
    assert ids(theme="disaster") == {district.pk}
    assert ids(fy=2569) == {district.pk}
    assert ids(fy=2568) == {subdistrict.pk, trat.pk}
    assert ids(status="planned") == {district.pk}
    assert ids(target="bedridden") == {subdistrict.pk, trat.pk}
    assert ids(q="น้ำท่วม") == {district.pk}
    assert ids(q="ผู้สูงอายุ ติดเตียง", area="40") == {subdistrict.pk}
    assert ids(org=org("พอช.").pk, role="lead") == {subdistrict.pk, district.pk, trat.pk}
    assert ids(org=org("สปสช.").pk) == set()


def test_bad_filter_values_are_422_with_a_reason(client, cast):
    assert client.get("/api/projects", {"fy": "soon"}).status_code == 422
    assert client.get("/api/projects", {"status": "sleeping"}).status_code == 422
    response = client.get("/api/projects", {"theme": "no-such-theme"})
    assert response.status_code == 422
    assert "ไม่พบประเด็นงาน" in response.json()["errors"]["theme"][0]
    response = client.get("/api/projects", {"area": "999999"})
    assert response.status_code == 422 and "area" in response.json()["errors"]
    assert client.get("/api/projects", {"fy": 2025}).status_code == 422  # a CE year


def test_pagination_and_sorting(client, cast):
    for n in range(5):
        register(
            cast.admin,
            title=f"กองทุนสวัสดิการชุมชน กลุ่มที่ {n}",
            visibility=Visibility.PUBLIC,
            budget_lines=[BudgetLineData(2568, Decimal(100_000 * (n + 1)), "planned")],
        )
    page = client.get("/api/projects", {"limit": 2, "offset": 1, "sort": "-budget"}).json()
    assert page["count"] == 5
    assert [p["budget_total"] for p in page["items"]] == ["400000.00", "300000.00"]
    assert client.get("/api/projects", {"limit": 100000}).status_code == 422
    assert client.get("/api/projects", {"sort": "popularity"}).status_code == 422


# --------------------------------------------------------------------------------- writing


def test_somchai_registers_a_codi_project_in_khon_kaen(client, cast):
    client.force_login(cast.somchai)
    response = client.post("/api/projects", body(), content_type="application/json")
    assert response.status_code == 201, response.content
    p = response.json()
    project = Project.objects.get(pk=p["id"])
    assert project.owner == org("พอช.") and project.created_by == cast.somchai
    assert sorted(project.themes.values_list("slug", flat=True)) == ["ageing", "health"]
    assert [str(b.amount) for b in project.budget_lines.all()] == ["120000.00", "90000.00"]
    assert (project.fy_start, project.fy_end) == (2568, 2569)
    assert {(o["short_name"], o["role"]) for o in p["organisations"]} == {
        ("พอช.", "lead"),
        ("สปสช.", "funding"),
    }
    event = AuditEvent.objects.get(action="project.create", target_id=str(project.pk))
    assert event.actor == cast.somchai and event.area_code == "400115"


def test_somchai_cannot_register_for_thaihealth(client, cast):
    client.force_login(cast.somchai)
    response = client.post(
        "/api/projects", body(owner_id=org("สสส.").pk), content_type="application/json"
    )
    assert response.status_code == 403 and "สิทธิ์" in response.json()["detail"]
    assert not Project.objects.exists()


def test_writing_needs_a_token_or_a_session(client, cast):
    response = client.post("/api/projects", body(), content_type="application/json")
    assert response.status_code == 401
    assert not Project.objects.exists()


def test_a_token_acts_as_its_owner(client, cast):
    _, raw = token_create(actor=cast.somchai, name="สคริปต์นำเข้า")
    response = client.post(
        "/api/projects", body(), content_type="application/json", headers=bearer(raw)
    )
    assert response.status_code == 201
    project = Project.objects.get()
    assert project.created_by == cast.somchai
    # Reading with the token shows what somchai sees (an alliance project), not just public ones.
    assert client.get("/api/projects").json()["count"] == 0
    assert client.get("/api/projects", headers=bearer(raw)).json()["count"] == 1
    assert client.get(f"/api/projects/{project.pk}", headers=bearer(raw)).status_code == 200


def test_a_wrong_token_is_refused_even_for_reading(client, cast):
    response = client.get("/api/projects", headers=bearer("saan_not-a-token"))
    assert response.status_code == 401 and "โทเคน" in response.json()["detail"]


def test_invalid_data_is_422_with_thai_messages_per_field(client, cast):
    client.force_login(cast.somchai)
    response = client.post(
        "/api/projects",
        body(
            title=" ",
            area_codes=["409999"],
            themes=["no-such-theme"],
            end_date="2024-01-01",
            budget_lines=[{"fiscal_year": 2025, "amount": "5000"}],
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["title"] == ["กรุณาใส่ชื่อโครงการ"]
    assert errors["themes"] == ["ไม่พบประเด็นงาน no-such-theme"]
    assert any("409999" in m for m in errors["areas"])
    assert any("พ.ศ." in m for m in errors["budget_lines"])
    assert "end_date" in errors
    assert not Project.objects.exists()


def test_an_amount_that_is_not_money_is_422(client, cast):
    client.force_login(cast.somchai)
    response = client.post(
        "/api/projects",
        body(budget_lines=[{"fiscal_year": 2568, "amount": "ประมาณแสนนึง"}]),
        content_type="application/json",
    )
    assert response.status_code == 422


def test_duplicate_ref_code_is_422(client, cast):
    client.force_login(cast.somchai)
    assert client.post("/api/projects", body(), content_type="application/json").status_code == 201
    response = client.post("/api/projects", body(), content_type="application/json")
    assert response.status_code == 422 and "ref_code" in response.json()["errors"]


def test_update_with_the_version_read(client, cast):
    project = register(cast.somchai)
    client.force_login(cast.somchai)
    response = client.put(
        f"/api/projects/{project.pk}",
        body(status="completed", version=1),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["status"] == "completed"
    assert AuditEvent.objects.filter(action="project.update", target_id=str(project.pk)).exists()


def test_a_stale_version_is_409_with_the_changes_in_between(client, cast):
    project = register(cast.somchai)
    client.force_login(cast.admin)
    first = client.put(
        f"/api/projects/{project.pk}",
        body(title="ชื่อใหม่จากผู้ดูแลระบบ", version=1),
        content_type="application/json",
    )
    assert first.status_code == 200
    client.force_login(cast.somchai)
    response = client.put(
        f"/api/projects/{project.pk}",
        body(status="completed", version=1),
        content_type="application/json",
    )
    assert response.status_code == 409
    conflict = response.json()
    assert conflict["current_version"] == 2
    assert [c["after"]["title"] for c in conflict["changes"]] == ["ชื่อใหม่จากผู้ดูแลระบบ"]
    assert conflict["changes"][0]["actor"] == "วิภาวรรณ ธนากร"
    assert Project.objects.get(pk=project.pk).status == "ongoing"


def test_a_coordinator_cannot_rewrite_another_organisations_project(client, cast):
    project = register(cast.somchai)
    client.force_login(cast.coordinator)
    assert client.get(f"/api/projects/{project.pk}").status_code == 200  # sees it
    response = client.put(
        f"/api/projects/{project.pk}",
        body(owner_id=org("พอช.").pk, title="x", version=1),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.delete(f"/api/projects/{project.pk}").status_code == 404
    assert Project.objects.get(pk=project.pk).title.startswith("โครงการดูแล")


def test_moving_ones_own_project_outside_ones_area_is_403(client, cast):
    project = register(cast.somchai)
    client.force_login(cast.somchai)
    response = client.put(
        f"/api/projects/{project.pk}",
        body(area_codes=["230101"], version=1),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_update_without_a_version_is_422(client, cast):
    project = register(cast.somchai)
    client.force_login(cast.somchai)
    response = client.put(f"/api/projects/{project.pk}", body(), content_type="application/json")
    assert response.status_code == 422


def test_delete(client, cast):
    project = register(cast.somchai)
    client.force_login(cast.malee)
    assert client.delete(f"/api/projects/{project.pk}").status_code == 404
    client.force_login(cast.somchai)
    assert client.delete(f"/api/projects/{project.pk}").status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()
    assert AuditEvent.objects.filter(action="project.delete", target_id=str(project.pk)).exists()
    assert client.delete(f"/api/projects/{project.pk}").status_code == 404


# ------------------------------------------------------------------------------ vocabulary


def test_themes_and_target_groups(client, reference):
    themes = client.get("/api/themes").json()
    assert themes[0]["slug"] == "ageing" and len(themes) == Theme.objects.count()
    groups = client.get("/api/target-groups", {"kind": "life_stage"}).json()
    assert [g["slug"] for g in groups] == ["age-0-5", "age-6-18", "age-19-59", "age-60-plus"]


def test_openapi_lists_the_project_paths(client, reference):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/projects",
        "/api/projects/{project_id}",
        "/api/themes",
        "/api/target-groups",
    } <= set(paths)
    assert {"get", "post"} <= set(paths["/api/projects"])
    assert {"get", "put", "delete"} <= set(paths["/api/projects/{project_id}"])


def test_a_page_costs_the_same_queries_for_two_projects_or_twenty(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.malee)

    def queries_for_a_page():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/projects", {"limit": 50}).status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        register(cast.admin, ref_code=f"A-{n}")
    few = queries_for_a_page()
    for n in range(18):
        register(cast.admin, ref_code=f"B-{n}")
    assert queries_for_a_page() == few


def test_the_openapi_schema_documents_the_project_organisations_english_name(client):
    # Two API modules once declared a schema named OrgRefOut; OpenAPI kept one of them and
    # the projects' ``name_en`` went undocumented.
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert "name_en" in schemas["ProjectOrgOut"]["properties"]
    assert "name_en" not in schemas["OrgRefOut"]["properties"]
