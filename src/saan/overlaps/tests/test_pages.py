import csv
import io

import pytest
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from saan.overlaps.models import FindingState, ScanRun
from saan.overlaps.tests.helpers import finding, scan
from saan.projects.models import ProjectOrganisation

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_a_ranked_explained_list_with_continuations_apart(client, cast, scene):
    scan("40")
    client.force_login(cast.coordinator)
    response = client.get(reverse("overlaps:area", args=["40"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert scene.elders_codi.title in html and "ทำงานในตำบลเดียวกัน" in html
    assert "ความแม่นยำที่คาดไว้" in html
    listed, continuations = html.split("งานต่อเนื่องขององค์กรเดียวกัน", 1)
    assert "ระยะที่ 2" not in listed and "ระยะที่ 2" in continuations


def test_the_same_organisations_look_alikes_are_listed_apart_as_possible_duplicates(
    client, cast, scene
):
    from saan.overlaps.tests.conftest import data
    from saan.projects.services import project_create

    twin = project_create(
        actor=cast.admin,
        data=data(
            title="ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ตำบลบ้านเป็ด (บันทึกซ้ำ)",
            summary="อาสาสมัครบริบาลเยี่ยมบ้านผู้สูงอายุที่มีภาวะพึ่งพิงสัปดาห์ละครั้ง พร้อมอบรมญาติ",
        ),
    )
    scan("40")
    pair = finding(scene.elders_thf, twin)
    assert pair.kind == "overlap" and pair.same_organisation
    client.force_login(cast.coordinator)
    html = client.get(reverse("overlaps:area", args=["40"])).content.decode()
    listed, rest = html.split("อาจบันทึกซ้ำในองค์กรเดียวกัน", 1)
    duplicates, _continuations = rest.split("งานต่อเนื่องขององค์กรเดียวกัน", 1)
    url = f'href="{pair.get_absolute_url()}"'
    assert url not in listed and url in duplicates
    # The twin's overlap with another organisation's project stays in the main list.
    other = finding(twin, scene.elders_codi)
    assert not other.same_organisation
    assert f'href="{other.get_absolute_url()}"' in listed


def test_the_threshold_filters_and_an_htmx_request_gets_only_the_list(client, cast, scene):
    from saan.overlaps.models import Finding

    scan("40")
    client.force_login(cast.coordinator)
    low = finding(scene.elders_thf, scene.elders_codi).score
    for threshold in (round(low - 0.01, 2), round(low + 0.01, 2)):
        response = client.get(
            reverse("overlaps:area", args=["40"]), {"min": threshold}, HTTP_HX_REQUEST="true"
        )
        html = response.content.decode()
        assert "<html" not in html
        expected = Finding.objects.filter(
            kind="overlap", score__gte=threshold, same_organisation=False
        ).count()
        assert f'<span class="badge">{expected}</span>' in html
        codi = Finding.objects.filter(kind="overlap", score__gte=threshold).filter(
            models.Q(project_a=scene.elders_codi) | models.Q(project_b=scene.elders_codi)
        )
        assert (scene.elders_codi.title in html) == codi.exists()


def test_someone_without_a_role_sees_no_findings_and_a_finding_page_is_404(client, cast, scene):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    client.force_login(cast.niran)
    assert (
        scene.elders_codi.title
        not in client.get(reverse("overlaps:area", args=["40"])).content.decode()
    )
    assert client.get(reverse("overlaps:finding", args=[f.pk])).status_code == 404
    client.force_login(cast.somchai)
    private = finding(scene.elders_thf, scene.private_fund)
    assert client.get(reverse("overlaps:finding", args=[private.pk])).status_code == 404
    page = client.get(reverse("overlaps:finding", args=[f.pk])).content.decode()
    assert "บันทึกความเห็น" in page and "เชื่อมเป็นงานร่วม" not in page


def test_the_finding_page_confirms_links_and_the_link_shows_on_both_project_pages(
    client, cast, scene
):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    client.force_login(cast.coordinator)
    page = client.get(reverse("overlaps:finding", args=[f.pk])).content.decode()
    assert scene.elders_thf.title in page and scene.elders_codi.title in page
    client.post(reverse("overlaps:action", args=[f.pk, "confirm"]), {"comment": "ใช่"})
    response = client.post(
        reverse("overlaps:action", args=[f.pk, "link"]),
        {"role_of_a_in_b": "partner", "role_of_b_in_a": "implementing"},
    )
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.state == FindingState.RESOLVED
    for project, other in (
        (scene.elders_thf, scene.elders_codi),
        (scene.elders_codi, scene.elders_thf),
    ):
        html = client.get(project.get_absolute_url()).content.decode()
        assert "ทำงานร่วมกับ" in html and other.title in html


def test_a_refused_merge_shows_the_thai_reason(client, cast, scene):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("overlaps:action", args=[f.pk, "merge"]), {"project": scene.elders_thf.pk}
    )
    assert response.status_code == 400 and "รวมโครงการไม่ได้" in response.content.decode()


def test_a_dismissal_without_a_reason_is_refused_on_the_page(client, cast, scene):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    client.force_login(cast.coordinator)
    response = client.post(reverse("overlaps:action", args=[f.pk, "dismiss"]), {"comment": ""})
    assert response.status_code == 400 and "เหตุผล" in response.content.decode()
    f.refresh_from_db()
    assert f.state == FindingState.SUGGESTED


def test_a_coordinator_starts_a_scan_and_watches_its_progress(
    client, cast, scene, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(cast.coordinator)
    response = client.post(reverse("overlaps:scan"), {"area": "40"})
    run = ScanRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page  # queued: the page polls
    from saan.overlaps import tasks

    tasks.run_scan.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.counts["unchecked"] == 1
    page = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "ตรวจเสร็จแล้ว" in page and scene.undated.title in page
    assert tasks.run_scan.enqueue(run.pk).return_value == {"run": run.pk, "done": False}
    client.force_login(cast.somchai)
    assert client.post(reverse("overlaps:scan"), {"area": "40"}).status_code == 404
    assert client.get(run.get_absolute_url()).status_code == 404


def test_before_saving_the_form_shows_lookalikes_with_why(client, cast, scene):
    client.force_login(cast.somchai)
    response = client.post(
        reverse("overlaps:check"),
        {
            "owner": str(scene.elders_codi.owner_id),
            "title": "ดูแลผู้สูงอายุที่มีภาวะพึ่งพิงที่บ้าน ตำบลบ้านเป็ด",
            "summary": "อาสาสมัครบริบาลเยี่ยมบ้านผู้สูงวัยที่มีภาวะพึ่งพิง",
            "areas": "400115",
            "start_date": "2025-01-01",
            "end_date": "2025-06-30",
            "themes": [str(scene.elders_thf.themes.first().pk)],
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert scene.elders_thf.title in html and "ทำงานในตำบลเดียวกัน" in html
    assert 'name="overlaps_joint_with"' in html
    assert scene.private_fund.title not in html  # somchai may not see สปสช.'s private project


def test_the_project_form_saves_a_new_project_as_joint_work(client, cast, scene):
    from saan.projects.models import Project

    client.force_login(cast.somchai)
    form = client.get(reverse("projects:create")).content.decode()
    assert 'id="overlap-check"' in form
    response = client.post(
        reverse("projects:create"),
        {
            "owner": str(scene.elders_codi.owner_id),
            "title": "ดูแลผู้สูงอายุที่มีภาวะพึ่งพิงที่บ้าน ตำบลบ้านเป็ด",
            "areas": "400115",
            "start_date": "2025-01-01",
            "end_date": "2025-06-30",
            "status": "planned",
            "visibility": "alliance",
            "overlaps_joint_with": str(scene.elders_thf.pk),
            **{f"{p}-TOTAL_FORMS": "0" for p in ("budget", "roles", "contacts", "links")},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("budget", "roles", "contacts", "links")},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Project.objects.get(title="ดูแลผู้สูงอายุที่มีภาวะพึ่งพิงที่บ้าน ตำบลบ้านเป็ด")
    assert ProjectOrganisation.objects.filter(
        project=new, organisation_id=scene.elders_thf.owner_id, role="partner"
    ).exists()


def test_gaps_page_and_exports_are_formula_safe(client, cast, scene):
    from saan.areas.models import Area

    Area.objects.filter(code="4002").update(name_th="=HYPERLINK(1)")
    client.force_login(cast.coordinator)
    page = client.get(reverse("overlaps:gaps", args=["40"]))
    assert page.status_code == 200 and "ตำบลที่ยังไม่มีโครงการใดไปถึง" in page.content.decode()
    raw = client.get(reverse("overlaps:gaps_export", args=["40", "csv"])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(raw)))
    assert any("'=HYPERLINK(1)" in row for row in rows)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row if cell)
    xlsx = client.get(reverse("overlaps:gaps_export", args=["40", "xlsx"])).content
    ws = load_workbook(io.BytesIO(xlsx)).active
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(1)" in cells
    assert not any(v.startswith("=") for v in cells)


def test_area_pages_link_to_overlaps_and_gaps(client, cast):
    client.force_login(cast.coordinator)
    from saan.areas.models import Area

    html = client.get(Area.objects.get(code="40").get_absolute_url()).content.decode()
    assert reverse("overlaps:gaps", args=["40"]) in html
    assert reverse("overlaps:area", args=["40"]) in html


def test_synonyms_page_is_for_coordinators(client, cast):
    client.force_login(cast.somchai)
    assert client.get(reverse("overlaps:synonyms")).status_code == 404
    client.force_login(cast.coordinator)
    response = client.post(reverse("overlaps:synonyms"), {"phrases": "ปูม้า\nปูไข่", "is_active": "on"})
    assert response.status_code == 302
    from saan.overlaps.models import SynonymGroup

    assert SynonymGroup.objects.filter(phrases=["ปูม้า", "ปูไข่"]).exists()


def test_an_area_code_in_thai_digits_finds_the_same_findings_and_a_missing_one_is_404(
    client, cast, scene
):
    scan("40")
    client.force_login(cast.coordinator)
    html = client.get(reverse("overlaps:area", args=["๔๐"])).content.decode()
    assert scene.elders_codi.title in html
    assert client.get(reverse("overlaps:area", args=["99"])).status_code == 404
    assert client.get(reverse("overlaps:gaps", args=["๔๐"])).status_code == 200
