import datetime as dt

import pytest

from saan.overlaps import detection
from saan.overlaps.models import Finding, FindingState
from saan.overlaps.services import finding_confirm, finding_dismiss
from saan.overlaps.tests.conftest import data
from saan.overlaps.tests.helpers import finding, has_finding, scan
from saan.projects.services import project_create, project_data, project_update

pytestmark = pytest.mark.django_db


def _edit(actor, project, **changes):
    d = project_data(project)
    for k, v in changes.items():
        setattr(d, k, v)
    return project_update(actor=actor, project=project, data=d)


def test_a_new_project_is_checked_when_its_save_commits(
    scene, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = project_create(
            actor=cast.admin,
            data=data(
                title="เยี่ยมบ้านดูแลผู้สูงอายุที่มีภาวะพึ่งพิง ต.บ้านเป็ด",
                summary="อาสาสมัครบริบาลเยี่ยมบ้านผู้สูงวัยที่มีภาวะพึ่งพิง",
            ),
        )
    assert has_finding(new, scene.elders_thf)
    assert finding(new, scene.elders_thf).state == FindingState.SUGGESTED


def test_a_material_edit_rescores_and_a_pair_that_no_longer_qualifies_is_closed(
    scene, cast, django_capture_on_commit_callbacks
):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    assert f.is_current
    with django_capture_on_commit_callbacks(execute=True):
        _edit(cast.admin, scene.elders_codi, area_codes=["400109"])  # moved to another subdistrict
    f.refresh_from_db()
    assert not f.is_current and "ตำบล" in f.stale_reason
    # and it comes back when the project returns to the same place
    with django_capture_on_commit_callbacks(execute=True):
        _edit(cast.admin, scene.elders_codi, area_codes=["4001"])
    f.refresh_from_db()
    assert f.is_current and f.stale_reason == ""


def test_a_dismissed_pair_stays_dismissed_after_an_unrelated_edit(
    scene, cast, django_capture_on_commit_callbacks
):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    finding_dismiss(actor=cast.coordinator, finding=f, comment="คนละกลุ่มคน")
    with django_capture_on_commit_callbacks(execute=True):
        _edit(
            cast.admin,
            scene.elders_codi,
            contacts=[{"name": "คุณใหม่", "position": "", "phone": "089", "email": ""}],
            status="completed",
        )
    scan("40")
    f.refresh_from_db()
    assert f.state == FindingState.DISMISSED and not f.reraised


def test_a_dismissed_pair_comes_back_after_a_material_edit(
    scene, cast, django_capture_on_commit_callbacks
):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    finding_dismiss(actor=cast.coordinator, finding=f, comment="คนละกลุ่มคน")
    with django_capture_on_commit_callbacks(execute=True):
        _edit(cast.admin, scene.elders_codi, end_date=dt.date(2025, 12, 31))
    f.refresh_from_db()
    assert f.state == FindingState.SUGGESTED and f.reraised


def test_a_confirmed_pair_keeps_its_state_when_rescored(scene, cast):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    finding_confirm(actor=cast.coordinator, finding=f)
    _edit(cast.admin, scene.elders_codi, title="ดูแลผู้สูงอายุติดเตียงที่บ้าน อ.เมืองขอนแก่น")
    detection.check_projects([scene.elders_codi.pk])
    f.refresh_from_db()
    assert f.state == FindingState.CONFIRMED and f.is_current


def test_cancelling_a_project_closes_its_findings(scene, cast):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    _edit(cast.admin, scene.elders_thf, status="cancelled")
    detection.check_projects([scene.elders_thf.pk])
    f.refresh_from_db()
    assert not f.is_current
    assert Finding.objects.filter(is_current=True, project_a=scene.elders_thf).count() == 0


def test_removing_dates_closes_the_findings_and_the_check_says_why(scene, cast):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_codi)
    _edit(cast.admin, scene.elders_thf, start_date=None, end_date=None)
    detection.check_projects([scene.elders_thf.pk])
    f.refresh_from_db()
    assert not f.is_current and f.stale_reason


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_many_changed_projects_are_checked_in_a_task_and_an_import_by_an_area_scan(
    scene, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from saan.overlaps import hooks
    from saan.overlaps.models import ScanRun

    settings.TASKS = IMMEDIATE
    ids = [scene.elders_thf.pk, scene.elders_codi.pk, scene.housing.pk]
    monkeypatch.setattr(hooks, "INLINE_MAX", 1)
    hooks.projects_changed(ids)  # a task, run at once by the immediate backend
    assert has_finding(scene.elders_thf, scene.elders_codi)
    Finding.objects.all().delete()
    monkeypatch.setattr(hooks, "TASK_MAX", 2)
    with django_capture_on_commit_callbacks(execute=True):
        hooks.projects_changed(ids)  # an import: a scan of the area the projects share
    run = ScanRun.objects.get()
    assert run.area_code == "40" and run.status == "done"
    assert has_finding(scene.elders_thf, scene.elders_codi)


def test_a_failing_check_never_breaks_the_save(scene, cast, monkeypatch, caplog):
    from saan.overlaps import detection, hooks

    def broken(*args, **kwargs):
        raise RuntimeError("detector down")

    monkeypatch.setattr(detection, "check_projects", broken)
    hooks.projects_changed([scene.elders_thf.pk])
    assert "overlap check failed" in caplog.text
