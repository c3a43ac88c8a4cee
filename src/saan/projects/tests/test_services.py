import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.projects import queries
from saan.projects.models import Project, Status, TargetGroup, Theme, Visibility
from saan.projects.services import (
    BudgetLineData,
    EditConflict,
    ProjectData,
    TargetData,
    data_snapshot,
    project_create,
    project_data,
    project_delete,
    project_note_add,
    project_update,
)

pytestmark = pytest.mark.django_db


def codi_elderly(**overrides):
    values = dict(
        owner_id=org("พอช.").pk,
        title="โครงการดูแลผู้สูงอายุติดเตียงระยะยาว ตำบลสาวะถี",
        ref_code="CODI-68-001",
        start_date=dt.date(2024, 11, 1),
        end_date=dt.date(2025, 9, 30),
        status=Status.ONGOING,
        area_codes=["400108"],
        theme_ids=[Theme.objects.get(slug="ageing").pk],
        targets=[TargetData(TargetGroup.objects.get(slug="bedridden").pk, planned=40, reached=12)],
        budget_lines=[BudgetLineData(2568, Decimal("80000"), "committed", org("สปสช.").pk)],
    )
    values.update(overrides)
    return ProjectData(**values)


def test_an_editor_registers_its_organisations_project_and_it_is_audited(cast):
    project = project_create(actor=cast.somchai, data=codi_elderly())
    assert (project.fy_start, project.fy_end) == (2568, 2568)
    assert " ผู้สูงอายุ " in project.search_text
    assert list(project.roles.values_list("organisation__short_name", "role")) == [("พอช.", "lead")]
    event = AuditEvent.objects.get(action="project.create", target_id=str(project.pk))
    assert event.area_code == "400108" and event.after["ref_code"] == "CODI-68-001"


def test_an_editor_cannot_register_for_another_organisation_or_outside_its_area(cast):
    with pytest.raises(PermissionDenied):
        project_create(actor=cast.somchai, data=codi_elderly(owner_id=org("สสส.").pk))
    with pytest.raises(PermissionDenied):
        project_create(actor=cast.somchai, data=codi_elderly(area_codes=["400108", "230101"]))
    assert not Project.objects.exists()


def test_invalid_data_names_each_field(cast):
    with pytest.raises(ValidationError) as info:
        project_create(
            actor=cast.admin,
            data=codi_elderly(
                title=" ",
                area_codes=[],
                end_date=dt.date(2024, 1, 1),
                budget_lines=[BudgetLineData(2025, Decimal("-1"), "planned")],
            ),
        )
    errors = info.value.message_dict
    assert set(errors) == {"title", "areas", "end_date", "budget_lines"}
    assert any("พ.ศ." in m for m in errors["budget_lines"])


def test_ref_code_is_unique_per_owner(cast):
    project_create(actor=cast.somchai, data=codi_elderly())
    with pytest.raises(ValidationError):
        project_create(actor=cast.somchai, data=codi_elderly())
    other = codi_elderly(owner_id=org("สสส.").pk)
    assert project_create(actor=cast.admin, data=other).ref_code == "CODI-68-001"


def test_update_bumps_version_and_audits_before_and_after(cast):
    project = project_create(actor=cast.somchai, data=codi_elderly())
    project = project_update(
        actor=cast.somchai,
        project=project,
        expected_version=1,
        data=codi_elderly(status=Status.COMPLETED),
    )
    assert project.version == 2
    event = AuditEvent.objects.get(action="project.update")
    assert event.before["status"] == "ongoing" and event.after["status"] == "completed"


def test_an_update_that_changes_nothing_is_not_a_change(cast):
    project = project_create(actor=cast.somchai, data=codi_elderly())
    same = project_update(actor=cast.somchai, project=project, data=project_data(project))
    assert same.version == 1
    assert not AuditEvent.objects.filter(action="project.update").exists()
    assert data_snapshot(project_data(project)) == data_snapshot(codi_elderly())


def test_a_second_save_from_an_old_form_is_refused_with_what_changed(cast):
    project = project_create(actor=cast.somchai, data=codi_elderly())
    project_update(
        actor=cast.admin,
        project=project,
        expected_version=1,
        data=codi_elderly(title="ชื่อใหม่จากผู้ดูแล"),
    )
    with pytest.raises(EditConflict) as info:
        project_update(
            actor=cast.somchai,
            project=project,
            expected_version=1,
            data=codi_elderly(status=Status.COMPLETED),
        )
    assert [e.after["title"] for e in info.value.changes] == ["ชื่อใหม่จากผู้ดูแล"]
    assert Project.objects.get(pk=project.pk).status == Status.ONGOING


def test_coordinator_sees_but_cannot_rewrite_another_organisations_project(cast):
    project = project_create(actor=cast.somchai, data=codi_elderly())
    assert queries.visible_to(cast.coordinator).filter(pk=project.pk).exists()
    with pytest.raises(PermissionDenied):
        project_update(actor=cast.coordinator, project=project, data=codi_elderly(title="x"))
    note = project_note_add(actor=cast.coordinator, project=project, text="ซ้ำกับงานของ สปสช.?")
    assert note.author == cast.coordinator


@pytest.mark.parametrize(
    ("visibility", "seen_by"),
    [
        (
            Visibility.PUBLIC,
            {"somchai", "malee", "niran", "prapaporn", "boonmee", "admin", "trat", "anon"},
        ),
        (Visibility.ALLIANCE, {"somchai", "malee", "prapaporn", "boonmee", "admin"}),
        (Visibility.PRIVATE, {"somchai", "prapaporn", "admin"}),
    ],
)
def test_who_sees_a_project_by_visibility(cast, visibility, seen_by):
    from django.contrib.auth.models import AnonymousUser

    project = project_create(actor=cast.somchai, data=codi_elderly(visibility=visibility))
    people = {
        "somchai": cast.somchai,
        "malee": cast.malee,
        "niran": cast.niran,
        "prapaporn": cast.coordinator,
        "boonmee": cast.volunteer,
        "admin": cast.admin,
        "trat": cast.trat,
        "anon": AnonymousUser(),
    }
    seen = {
        name
        for name, user in people.items()
        if queries.visible_to(user).filter(pk=project.pk).exists()
    }
    assert seen == seen_by


def test_a_district_wide_project_reaches_each_subdistrict_and_its_province(cast):
    project = project_create(actor=cast.somchai, data=codi_elderly(area_codes=["4001"]))
    for code in ("400108", "4001", "40", ""):
        assert Project.objects.filter(queries.reaches_q(code), pk=project.pk).exists()
    assert not Project.objects.filter(queries.reaches_q("4002"), pk=project.pk).exists()


def test_delete_is_audited_with_the_whole_project(cast):
    project = project_create(actor=cast.somchai, data=codi_elderly())
    with pytest.raises(PermissionDenied):
        project_delete(actor=cast.malee, project=project)
    project_delete(actor=cast.somchai, project=project)
    event = AuditEvent.objects.get(action="project.delete")
    assert event.before["title"].startswith("โครงการดูแล") and not Project.objects.exists()


@pytest.mark.parametrize(
    "texts",
    [
        ("ดูแลผู้สูงอายุติดเตียง ตำบลสาวะถี รุ่นที่ ๑๒",),
        ("  โครงการ  น้ำชุมชน\tปี 2568 ", "สรุป: ระบบประปา-หมู่บ้าน", "", "CODI-68-001"),
        ("Water SUPPLY ผู้สูงอายุ ผู้สูงอายุ", "ผู้สูงอายุ, คนพิการ"),
        ("",),
    ],
)
def test_the_imports_search_key_is_the_search_key(texts):
    from saan.core.textsearch import search_key
    from saan.projects.services import search_key_fast

    assert search_key_fast(*texts) == search_key(*texts)
    assert search_key_fast(*texts) == search_key(*texts)  # from the remembered words too


@pytest.mark.django_db(transaction=True)
def test_raw_inserts_refuse_to_run_outside_a_transaction():
    """The raw insert paths (audit rows included) must share their caller's transaction."""
    from saan.projects import services

    with pytest.raises(RuntimeError):
        services.insert_rows(Theme, ["slug", "name_th"], [("x-raw", "ทดสอบ")])
    assert not Theme.objects.filter(slug="x-raw").exists()
