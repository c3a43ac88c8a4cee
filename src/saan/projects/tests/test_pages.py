"""The work register's pages, persona by persona: the list and its filters, a project, the form
(places written the way people write them, money the way people write it, edit conflicts),
notes, deletion, exports and the "who does what here" panel on area pages."""

import datetime as dt
import sys
import types
from decimal import Decimal

import pytest

from saan.areas.models import Area
from saan.conftest import org
from saan.projects.forms import resolve_place, split_places
from saan.projects.models import (
    BudgetLine,
    OrgRole,
    Project,
    ProjectNote,
    Status,
    TargetGroup,
    Theme,
    Visibility,
)
from saan.projects.panels import area_panel
from saan.projects.services import (
    BudgetLineData,
    ProjectData,
    TargetData,
    project_create,
    project_update,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def theme(slug):
    return Theme.objects.get(slug=slug).pk


def data(**values):
    values.setdefault("status", Status.ONGOING)
    return ProjectData(**values)


@pytest.fixture
def work(cast):
    """Five projects: three reaching ต.สาวะถี (there, its district, its province), one elsewhere
    in ขอนแก่น and one in ตราด."""
    elderly = project_create(
        actor=cast.somchai,
        data=data(
            owner_id=org("พอช.").pk,
            title="ดูแลผู้สูงอายุติดเตียง ตำบลสาวะถี",
            ref_code="CODI-68-001",
            start_date=dt.date(2024, 11, 1),
            end_date=dt.date(2025, 9, 30),
            area_codes=["400108"],
            theme_ids=[theme("ageing")],
            targets=[TargetData(TargetGroup.objects.get(slug="bedridden").pk, 40, 12)],
            budget_lines=[BudgetLineData(2568, Decimal("80000"), "committed", org("สปสช.").pk)],
        ),
    )
    water = project_create(
        actor=cast.admin,
        data=data(
            owner_id=org("สสส.").pk,
            title="ระบบน้ำชุมชน อำเภอเมืองขอนแก่น",
            area_codes=["4001"],
            theme_ids=[theme("water")],
            roles=[(org("สช.").pk, OrgRole.PARTNER)],
            budget_lines=[BudgetLineData(2569, Decimal("500000"), "planned", org("สสส.").pk)],
        ),
    )
    assembly = project_create(
        actor=cast.admin,
        data=data(
            owner_id=org("สช.").pk,
            title="สมัชชาสุขภาพจังหวัดขอนแก่น",
            area_codes=["40"],
            theme_ids=[theme("health")],
            budget_lines=[BudgetLineData(2568, Decimal("1200000"), "planned", org("สช.").pk)],
        ),
    )
    savings = project_create(
        actor=cast.somchai,
        data=data(
            owner_id=org("พอช.").pk,
            title="กองทุนออมทรัพย์ชุมชน ตำบลหนองบัว",
            area_codes=["400201"],
            theme_ids=[theme("community-economy")],
            budget_lines=[BudgetLineData(2568, Decimal("30000"), "spent", org("พอช.").pk)],
        ),
    )
    trat = project_create(
        actor=cast.admin,
        data=data(
            owner_id=org("สช.").pk,
            title="ธรรมนูญสุขภาพตำบลบางพระ",
            area_codes=["230101"],
            theme_ids=[theme("health")],
        ),
    )
    return types.SimpleNamespace(
        elderly=elderly, water=water, assembly=assembly, savings=savings, trat=trat
    )


def titles(response):
    return {row.project.title for row in response.context["rows"]}


# ------------------------------------------------------------------------------------ list


def test_area_filter_takes_everything_under_it_and_the_wide_projects_above_it(client, cast, work):
    client.force_login(cast.admin)
    at_subdistrict = titles(client.get("/projects/", {"area": "400108"}))
    assert at_subdistrict == {work.elderly.title, work.water.title, work.assembly.title}
    province = titles(client.get("/projects/", {"area": "40"}))
    assert province == {p.title for p in (work.elderly, work.water, work.assembly, work.savings)}
    assert titles(client.get("/projects/", {"area": "4002"})) == {
        work.savings.title,
        work.assembly.title,
    }


def test_area_filter_reads_a_place_as_people_write_it(client, cast, work):
    client.force_login(cast.admin)
    response = client.get("/projects/", {"area": "ต.สาวะถี อ.เมือง ขอนแก่น"})
    assert titles(response) == {work.elderly.title, work.water.title, work.assembly.title}
    assert "ต.สาวะถี" in text(response) and "400108" in text(response)
    assert response.context["query"] == "area=400108"  # exports get the code


def test_an_ambiguous_place_offers_choices_and_selects_nothing(client, cast, work):
    client.force_login(cast.somchai)
    response = client.get("/projects/", {"area": "ต.ในเมือง"})
    assert titles(response) == set()
    page = text(response)
    assert "ตรงกับหลายพื้นที่" in page and "ไม่พบโครงการที่ตรงกับเงื่อนไข" in page
    # ขอนแก่น's own ต.ในเมือง come first for an editor working in ขอนแก่น
    candidates = [area.code for area, _label in response.context["filtered"].place.candidates]
    assert candidates[:3] == ["400101", "401002", "402901"]
    assert "/projects/?area=400101" in page and "โปรดระบุอำเภอหรือจังหวัด" in page


def test_thai_word_search_finds_a_word_inside_a_longer_title(client, cast, work):
    client.force_login(cast.somchai)
    assert titles(client.get("/projects/", {"q": "ผู้สูงอายุ"})) == {work.elderly.title}


def test_fiscal_year_theme_and_status_filters(client, cast, work):
    client.force_login(cast.admin)
    assert titles(client.get("/projects/", {"fy": "2569"})) == {work.water.title}
    assert titles(client.get("/projects/", {"fy": "๒๕๖๘", "area": "40"})) == {
        work.elderly.title,
        work.assembly.title,
        work.savings.title,
    }
    assert titles(client.get("/projects/", {"theme": "health"})) == {
        work.assembly.title,
        work.trat.title,
    }
    assert titles(client.get("/projects/", {"status": "completed"})) == set()


def test_organisation_filter_with_and_without_a_role(client, cast, work):
    client.force_login(cast.admin)
    nhco = org("สช.").pk
    any_role = titles(client.get("/projects/", {"org": nhco}))
    assert any_role == {work.water.title, work.assembly.title, work.trat.title}
    partner = titles(client.get("/projects/", {"org": nhco, "role": "partner"}))
    assert partner == {work.water.title}


def test_bad_filter_values_are_ignored_not_errors(client, cast, work):
    client.force_login(cast.admin)
    response = client.get("/projects/", {"fy": "abc", "org": "x", "sort": "nonsense", "page": "9"})
    assert response.status_code == 200
    assert len(titles(response)) == 5


def test_list_shows_totals_rows_and_export_links(client, cast, work):
    client.force_login(cast.admin)
    response = client.get("/projects/", {"area": "40", "sort": "-budget"})
    page = text(response)
    assert response.context["page_obj"].paginator.count == 4
    assert response.context["total_budget"] == Decimal("1810000")
    assert "1,810,000 บาท" in page
    assert response.context["rows"][0].project == work.assembly  # the largest budget first
    for fmt in ("csv", "xlsx", "json", "hxl"):
        assert f"/projects/export/{fmt}/?area=40&amp;sort=-budget" in page
    assert "สมัชชาสุขภาพจังหวัดขอนแก่น" in page and "สช." in page and "กำลังดำเนินการ" in page


def test_list_shows_at_most_three_areas_then_a_count(client, cast, work):
    project_update(
        actor=cast.somchai,
        project=work.elderly,
        data=data(
            owner_id=org("พอช.").pk,
            title=work.elderly.title,
            area_codes=["400101", "400102", "400103", "400104", "400108"],
        ),
    )
    client.force_login(cast.somchai)
    response = client.get("/projects/", {"q": "ผู้สูงอายุ"})
    row = response.context["rows"][0]
    assert len(row.areas) == 3 and row.more_areas == 2
    assert "+2" in text(response)


def test_list_queries_do_not_grow_with_the_page(client, cast, work, django_assert_max_num_queries):
    client.force_login(cast.admin)
    with django_assert_max_num_queries(20):
        client.get("/projects/")


def test_the_list_refreshes_only_its_results_for_htmx(client, cast, work):
    client.force_login(cast.admin)
    full = client.get("/projects/", {"q": "ผู้สูงอายุ"})
    assert "<html" in text(full) and 'id="project-results"' in text(full)
    partial = client.get("/projects/", {"q": "ผู้สูงอายุ"}, headers={"HX-Request": "true"})
    assert "<html" not in text(partial) and work.elderly.title in text(partial)
    assert work.water.title not in text(partial)


def test_anonymous_visitors_see_only_public_projects(client, cast, work):
    project_update(
        actor=cast.admin,
        project=work.assembly,
        data=data(
            owner_id=org("สช.").pk,
            title=work.assembly.title,
            area_codes=["40"],
            visibility=Visibility.PUBLIC,
        ),
    )
    assert titles(client.get("/projects/")) == {work.assembly.title}


def test_main_menu_links_to_the_register(client, reference):
    assert 'href="/projects/"' in text(client.get("/"))


# ---------------------------------------------------------------------------------- export


@pytest.fixture
def fake_exports(monkeypatch):
    calls = []

    def export_response(fmt, projects, *, filename):
        from django.http import HttpResponse

        calls.append((fmt, {p.title for p in projects}, filename))
        return HttpResponse("ok")

    module = types.ModuleType("saan.projects.exports")
    module.export_response = export_response  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "saan.projects.exports", module)
    return calls


def test_export_applies_exactly_the_list_filters(client, cast, work, fake_exports):
    client.force_login(cast.admin)
    query = {"area": "ต.สาวะถี อ.เมือง ขอนแก่น", "fy": "2568"}
    listed = titles(client.get("/projects/", query))
    assert client.get("/projects/export/xlsx/", query).status_code == 200
    fmt, exported, filename = fake_exports[0]
    assert fmt == "xlsx" and exported == listed == {work.elderly.title, work.assembly.title}
    assert filename.startswith("saan-projects-400108")


def test_export_respects_visibility_and_unknown_formats_are_404(client, cast, work, fake_exports):
    client.force_login(cast.trat)
    client.get("/projects/export/csv/")
    assert fake_exports[0][1] == {work.trat.title}  # ตราด's coordinator sees ตราด's work only
    assert client.get("/projects/export/pdf/").status_code == 404


# ---------------------------------------------------------------------------------- detail


def test_detail_shows_areas_roles_budget_and_dates_in_buddhist_era(client, cast, work):
    client.force_login(cast.somchai)
    response = client.get(f"/projects/{work.elderly.pk}/")
    page = text(response)
    assert response.status_code == 200
    assert 'href="/areas/400108/"' in page and "ต.สาวะถี" in page
    assert "1 พ.ย. 2567" in page and "30 ก.ย. 2568" in page
    assert "80,000 บาท" in page and "ผูกพันแล้ว" in page and "สปสช." in page
    assert "ผู้ป่วยติดเตียง" in page and "40" in page
    assert "หน่วยงานหลัก/รับผิดชอบ" in page
    assert f"/projects/{work.elderly.pk}/edit/" in page  # somchai may edit พอช.'s project
    assert f"/history/projects.project/{work.elderly.pk}/" in page


def test_detail_of_a_project_you_may_not_see_is_404(client, cast, work):
    client.force_login(cast.trat)  # coordinates ตราด only
    assert client.get(f"/projects/{work.elderly.pk}/").status_code == 404
    client.force_login(cast.niran)
    assert client.get(f"/projects/{work.elderly.pk}/").status_code == 404
    assert client.get("/projects/999999/").status_code == 404


def test_project_history_follows_visibility(client, cast, work):
    client.force_login(cast.somchai)
    assert client.get(f"/history/projects.project/{work.elderly.pk}/").status_code == 200
    client.force_login(cast.trat)
    assert client.get(f"/history/projects.project/{work.elderly.pk}/").status_code == 404


# ------------------------------------------------------------------------------------ form


def management(prefix, total=1):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }


def form_post(**overrides):
    post = {
        "owner": str(org("พอช.").pk),
        "title": "ธนาคารต้นไม้ ตำบลสาวะถี",
        "ref_code": "CODI-68-077",
        "status": "planned",
        "visibility": "alliance",
        "start_date": "2024-10-01",
        "end_date": "2026-09-30",
        "areas": "ต.สาวะถี อ.เมือง ขอนแก่น",
        "themes": [str(theme("environment"))],
        "budget-0-source": str(org("สสส.").pk),
        "budget-0-fiscal_year": "๒๕๖๘",
        "budget-0-amount": "80,000.-",
        "budget-0-stage": "committed",
        f"on_{TargetGroup.objects.get(slug='age-60-plus').pk}": "on",
        f"planned_{TargetGroup.objects.get(slug='age-60-plus').pk}": "1,200",
        "roles-0-organisation": str(org("สสส.").pk),
        "roles-0-role": "funding",
        "contacts-0-name": "นางสาวกานดา ใจงาม",
        "contacts-0-phone": "081 234 5678",
        "links-0-url": "https://example.org/tree-bank",
        **management("budget"),
        **management("roles"),
        **management("contacts"),
        **management("links"),
    }
    post.update(overrides)
    return post


def test_create_form_preselects_the_only_owner(client, cast):
    client.force_login(cast.somchai)
    response = client.get("/projects/new/")
    assert response.status_code == 200
    assert response.context["form"]["owner"].value() == org("พอช.").pk


def test_people_without_an_editing_role_cannot_open_the_form(client, cast):
    client.force_login(cast.malee)
    response = client.get("/projects/new/")
    assert response.status_code == 403 and "ผู้บันทึกข้อมูล" in text(response)
    assert client.post("/projects/new/", form_post()).status_code == 403
    assert not Project.objects.exists()


def test_create_through_the_form_with_a_written_place_and_baht(client, cast):
    client.force_login(cast.somchai)
    response = client.post("/projects/new/", form_post())
    project = Project.objects.get(ref_code="CODI-68-077")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert list(project.project_areas.values_list("area_id", flat=True)) == ["400108"]
    line = BudgetLine.objects.get(project=project)
    assert line.amount == Decimal("80000") and line.fiscal_year == 2568
    assert line.source == org("สสส.") and line.stage == "committed"
    assert (project.fy_start, project.fy_end) == (2568, 2569)
    assert set(project.roles.values_list("organisation__short_name", "role")) == {
        ("พอช.", "lead"),
        ("สสส.", "funding"),
    }
    assert project.targets.get().planned == 1200
    assert project.contacts.get().phone == "081 234 5678"
    assert project.links.get().url == "https://example.org/tree-bank"
    assert project.created_by == cast.somchai


def test_an_ambiguous_place_is_a_field_error_listing_the_choices(client, cast):
    client.force_login(cast.somchai)
    response = client.post("/projects/new/", form_post(areas="ต.สาวะถี\nต.ในเมือง"))
    assert response.status_code == 200
    errors = response.context["form"].errors["areas"]
    assert len(errors) == 1 and "ตรงกับหลายพื้นที่" in errors[0] and "(400101)" in errors[0]
    assert not Project.objects.exists()
    assert "ต.สาวะถี\nต.ในเมือง" in text(response)  # what was typed is kept


def test_a_misspelt_place_offers_close_spellings(client, cast):
    client.force_login(cast.somchai)
    response = client.post("/projects/new/", form_post(areas="ซาวะถี"))
    assert "หรือหมายถึง" in response.context["form"].errors["areas"][0]
    assert not Project.objects.exists()


def test_bad_input_comes_back_with_thai_messages_on_each_field(client, cast):
    client.force_login(cast.somchai)
    response = client.post(
        "/projects/new/",
        form_post(
            title="",
            start_date="2025-10-01",
            end_date="2025-01-01",
            **{"budget-0-amount": "แปดหมื่น", "budget-0-fiscal_year": "2025"},
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"title", "end_date"}
    row = response.context["formsets"]["budget"].forms[0]
    assert "จำนวนเงินไม่ถูกต้อง" in row.errors["amount"][0]
    assert "พ.ศ." in row.errors["fiscal_year"][0]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "post",
    [
        {},
        {"title": "x", "areas": "๔๐๐๑๐๘", "owner": "abc", "version": "x"},
        {"budget-TOTAL_FORMS": "99999", "budget-INITIAL_FORMS": "abc"},
        {"start_date": "31/02/2568", "end_date": "2025-13-45", "themes": ["999999"]},
        {"roles-TOTAL_FORMS": "1", "roles-0-organisation": "999999", "roles-0-role": "boss"},
        {"add_row": "links", "links-TOTAL_FORMS": "nope"},
    ],
)
def test_malformed_posts_come_back_as_the_form_never_a_server_error(client, cast, post):
    client.force_login(cast.somchai)
    response = client.post("/projects/new/", post)
    assert response.status_code == 200 and "<form" in text(response)
    assert not Project.objects.exists()


def test_a_place_outside_the_editors_area_is_refused_on_the_form(client, cast):
    client.force_login(cast.somchai)  # edits for พอช. in ขอนแก่น only
    response = client.post("/projects/new/", form_post(areas="จ.ตราด"))
    assert response.status_code == 200
    assert "ไม่มีสิทธิ์" in str(response.context["form"].non_field_errors())
    assert not Project.objects.exists()


def test_an_emptied_row_is_dropped_and_add_row_keeps_what_was_typed(client, cast):
    client.force_login(cast.somchai)
    response = client.post("/projects/new/", form_post(add_row="budget"))
    assert response.status_code == 200 and not Project.objects.exists()
    budget = response.context["formsets"]["budget"]
    assert len(budget.forms) == 2 and budget.forms[0]["amount"].value() == "80,000.-"
    client.post("/projects/new/", form_post(**{"budget-0-amount": "", "budget-0-source": ""}))
    assert not Project.objects.get().budget_lines.exists()


def test_place_suggestions_while_typing(client, cast):
    client.force_login(cast.somchai)
    response = client.get("/projects/new/", {"suggest": "ในเมือง"}, headers={"HX-Request": "true"})
    assert "<html" not in text(response) and "(400101)" in text(response)
    fy = client.get(
        "/projects/new/",
        {"preview": "fy", "start_date": "2024-10-01", "end_date": "2026-01-15"},
        headers={"HX-Request": "true"},
    )
    assert "2568, 2569" in text(fy)


def test_edit_form_shows_the_stored_project(client, cast, work):
    client.force_login(cast.somchai)
    response = client.get(f"/projects/{work.elderly.pk}/edit/")
    page = text(response)
    assert response.status_code == 200
    assert "ต.สาวะถี อ.เมืองขอนแก่น จ.ขอนแก่น (400108)" in page
    assert 'value="80,000"' in page and 'name="version" value="1"' in page


def edit_post(project, **overrides):
    stored = {
        "owner": str(project.owner_id),
        "title": project.title,
        "ref_code": project.ref_code,
        "status": project.status,
        "visibility": project.visibility,
        "start_date": "2024-11-01",
        "end_date": "2025-09-30",
        "areas": "400108",
        "themes": [str(theme("ageing"))],
        "version": str(project.version),
        **management("budget", 0),
        **management("roles", 0),
        **management("contacts", 0),
        **management("links", 0),
    }
    stored.update(overrides)
    return stored


def test_two_saves_from_the_same_version_show_a_conflict(client, cast, work):
    project = work.elderly
    client.force_login(cast.admin)
    first = client.post(f"/projects/{project.pk}/edit/", edit_post(project, title="ชื่อใหม่จากผู้ดูแล"))
    assert first.status_code == 302
    client.force_login(cast.somchai)
    second = client.post(f"/projects/{project.pk}/edit/", edit_post(project, status="completed"))
    page = text(second)
    assert second.status_code == 200
    assert "มีผู้อื่นแก้ไขโครงการนี้" in page
    assert "ชื่อใหม่จากผู้ดูแล" in page and "วิภาวรรณ" in page
    assert second.context["form"]["version"].value() == "2"
    stored = Project.objects.get(pk=project.pk)
    assert stored.status == Status.ONGOING and stored.version == 2
    # The form now carries the latest version: saving again applies the person's change.
    again = client.post(
        f"/projects/{project.pk}/edit/",
        edit_post(project, title="ชื่อใหม่จากผู้ดูแล", status="completed", version="2"),
    )
    assert again.status_code == 302
    assert Project.objects.get(pk=project.pk).status == Status.COMPLETED


def test_coordinator_annotates_but_cannot_edit_another_organisations_project(client, cast, work):
    client.force_login(cast.coordinator)
    project = work.elderly
    page = text(client.get(f"/projects/{project.pk}/"))
    assert f"/projects/{project.pk}/notes/" in page and f"/projects/{project.pk}/edit/" not in page
    response = client.post(f"/projects/{project.pk}/notes/", {"text": "ซ้ำกับงานของ สปสช.?"})
    assert response.status_code == 302
    note = ProjectNote.objects.get(project=project)
    assert note.author == cast.coordinator and note.text == "ซ้ำกับงานของ สปสช.?"
    assert "ซ้ำกับงานของ สปสช.?" in text(client.get(f"/projects/{project.pk}/"))
    assert client.get(f"/projects/{project.pk}/edit/").status_code == 404
    assert client.post(f"/projects/{project.pk}/edit/", edit_post(project)).status_code == 404
    assert client.post(f"/projects/{project.pk}/delete/").status_code == 404


def test_viewers_cannot_add_notes(client, cast, work):
    client.force_login(cast.malee)
    assert client.post(f"/projects/{work.elderly.pk}/notes/", {"text": "x"}).status_code == 404
    assert not ProjectNote.objects.exists()


def test_delete_asks_first_then_removes(client, cast, work):
    client.force_login(cast.somchai)
    confirm = client.get(f"/projects/{work.elderly.pk}/delete/")
    assert confirm.status_code == 200 and "ยืนยันการลบ" in text(confirm)
    assert Project.objects.filter(pk=work.elderly.pk).exists()
    response = client.post(f"/projects/{work.elderly.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert not Project.objects.filter(pk=work.elderly.pk).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, reference):
    response = client.get("/projects/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------------------ area panel


def test_the_province_panel_counts_who_does_what(client, cast, work):
    client.force_login(cast.admin)
    response = client.get("/areas/40/")
    panel = response.context["work"]
    assert panel.project_count == 4
    assert panel.budget_total == Decimal("1810000")
    rows = {row.organisation.short_name: row for row in panel.matrix}
    assert rows["พอช."].count == 2 and rows["พอช."].budget == Decimal("110000")
    assert rows["สช."].count == 2  # owns the assembly, partner in the water project
    cells = {t.slug: cell for t, cell in rows["พอช."].cells if t}
    assert cells["ageing"].count == 1 and cells["ageing"].budget == Decimal("80000")
    assert cells.get("water") is None or cells["water"].count == 0
    by_source = {r.source.short_name: dict(r.amounts) for r in panel.budget_rows if r.source}
    assert by_source["สสส."][2569] == Decimal("500000") and by_source["สสส."][2568] is None
    assert panel.years == [2568, 2569]
    page = text(response)
    assert "ใครทำอะไรที่นี่" in page and "/projects/?area=40" in page


def test_the_province_panel_shades_districts_and_lists_the_ones_without_work(client, cast, work):
    client.force_login(cast.admin)
    panel = client.get("/areas/40/").context["work"]
    children = {c.area.code: c for c in panel.children}
    assert len(children) == Area.objects.filter(parent="40").count()
    assert panel.wide_count == 1  # the province-wide assembly reaches every district
    assert (children["4001"].own, children["4001"].count) == (2, 3)
    assert (children["4002"].own, children["4002"].count) == (1, 2)
    assert children["4001"].shade == 1.0 and 0.15 < children["4002"].shade < 1.0
    assert children["4003"].own == 0 and children["4003"].count == 1
    assert children["4003"].shade == 0.0
    untouched = {a.code for a in panel.untouched}
    assert "4003" in untouched and "4001" not in untouched and "4002" not in untouched
    page = text(client.get("/areas/40/"))
    assert "ยังไม่มีโครงการ" in page and "อ.พระยืน" in page


def test_the_panel_is_computed_in_a_fixed_number_of_queries(
    cast, work, django_assert_max_num_queries
):
    province = Area.objects.get(code="40")
    with django_assert_max_num_queries(14):
        area_panel(cast.admin, province)


def test_a_subdistrict_page_lists_the_projects_reaching_it(client, cast, work):
    client.force_login(cast.somchai)
    response = client.get("/areas/400108/")
    rows = {r.project.title: r for r in response.context["work"].projects}
    assert set(rows) == {work.elderly.title, work.water.title, work.assembly.title}
    assert not rows[work.elderly.title].wide and rows[work.assembly.title].wide
    assert "/projects/?area=400108" in text(response)  # "โครงการในพื้นที่นี้"


def test_the_panel_shows_only_what_the_viewer_may_see(client, cast, work):
    page = text(client.get("/areas/40/"))  # signed out: no public projects here
    assert "ยังไม่มีโครงการที่คุณเห็นได้ในพื้นที่นี้" in page
    assert work.elderly.title not in page


# ----------------------------------------------------------------------------- place reading


def test_a_written_address_with_commas_is_one_place():
    assert split_places("ต.สาวะถี, อ.เมือง, จ.ขอนแก่น\n400101; จ.ตราด, จ.ขอนแก่น") == [
        "ต.สาวะถี อ.เมือง จ.ขอนแก่น",
        "400101",
        "จ.ตราด",
        "จ.ขอนแก่น",
    ]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("ต.สาวะถี อ.เมือง ขอนแก่น", "400108"),
        ("ตำบลสาวะถี อำเภอเมืองขอนแก่น", "400108"),
        ("๔๐๐๑๐๘", "400108"),
        ("ต.สาวะถี อ.เมืองขอนแก่น จ.ขอนแก่น (400108)", "400108"),
        ("อ.เมือง ขอนแก่น", "4001"),
        ("จ.ขอนแก่น", "40"),
    ],
)
def test_places_that_name_one_area_resolve(reference, written, code):
    found = resolve_place(written)
    assert found.area is not None and found.area.code == code


@pytest.mark.parametrize("written", ["ขอนแก่น", "ต.ในเมือง", "เมือง"])
def test_places_that_name_several_areas_are_not_guessed(reference, written):
    found = resolve_place(written)
    assert found.area is None and len(found.candidates) >= 2
