"""The services the importer writes through, held to their one-project counterparts: the bulk
validation gives ``validate``'s messages, the bulk read gives ``project_data``, and the bulk save
applies ``project_create``/``project_update``'s rules and audit rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.projects.models import Project, TargetGroup, Theme
from saan.projects.services import (
    BudgetLineData,
    BulkUpdate,
    EditConflict,
    ProjectData,
    TargetData,
    data_snapshot,
    project_bulk_save,
    project_create,
    project_data,
    project_data_many,
    snapshot_quick,
    validate,
    validate_many,
)

pytestmark = pytest.mark.django_db


def sample(**overrides):
    values = dict(
        owner_id=org("พอช.").pk,
        title="ดูแลผู้สูงอายุติดเตียง",
        ref_code="CODI-1",
        start_date=dt.date(2024, 11, 1),
        end_date=dt.date(2025, 9, 30),
        area_codes=["400108"],
        theme_ids=[Theme.objects.get(slug="ageing").pk],
        roles=[(org("สปสช.").pk, "funding")],
        targets=[TargetData(TargetGroup.objects.get(slug="bedridden").pk, planned=40)],
        budget_lines=[BudgetLineData(2568, Decimal("80000"), "committed", org("สปสช.").pk)],
        contacts=[{"name": "สมศรี", "position": "", "phone": "081", "email": ""}],
        links=[{"url": "https://example.org/p", "label": ""}],
    )
    values.update(overrides)
    return ProjectData(**values)


def test_bulk_validation_gives_the_same_messages_as_validate(cast):
    tg = TargetGroup.objects.get(slug="bedridden").pk
    datas = [
        sample(),
        sample(title=" ", area_codes=[], end_date=dt.date(2024, 1, 1)),
        sample(area_codes=["999999", "400108"], theme_ids=[999999], roles=[(999999, "boss")]),
        sample(targets=[TargetData(tg, -1), TargetData(tg, 2)], status="x", visibility="y"),
        sample(
            budget_lines=[
                BudgetLineData(2025, Decimal(-1), "z"),
                BudgetLineData(2568, Decimal("1e15")),
            ]
        ),
        sample(owner_id=999999, ref_code="x" * 65, title="ก" * 501),
    ]
    assert validate_many(datas) == [validate(d) for d in datas]
    assert validate_many(datas)[0] == {}


def test_the_quick_snapshot_is_the_snapshot(cast):
    for data in (
        sample(),
        sample(roles=[], contacts=[], links=[], start_date=None),
        sample(budget_lines=[BudgetLineData(2568, Decimal("1.5")), BudgetLineData(2569, 7)]),
    ):
        assert snapshot_quick(data) == data_snapshot(data)


def test_bulk_read_gives_what_project_data_gives(cast):
    first = project_create(actor=cast.somchai, data=sample())
    second = project_create(
        actor=cast.somchai, data=sample(ref_code="CODI-2", contacts=[], links=[])
    )
    found = project_data_many([first.pk, second.pk])
    for project in (first, second):
        assert data_snapshot(found[project.pk]) == data_snapshot(project_data(project))


def test_bulk_create_stores_and_audits_what_project_create_does(cast):
    one = project_create(actor=cast.somchai, data=sample())
    saved = project_bulk_save(actor=cast.somchai, creates=[sample(ref_code="CODI-2")], updates=[])
    assert saved.updated == []
    two = Project.objects.get(pk=saved.created[0])
    one_data, two_data = data_snapshot(project_data(one)), data_snapshot(project_data(two))
    assert {**one_data, "ref_code": "CODI-2"} == two_data
    for field in ("fy_start", "fy_end", "version", "created_by_id", "status"):
        assert getattr(two, field) == getattr(Project.objects.get(pk=one.pk), field)
    assert two.search_text == Project.objects.get(pk=one.pk).search_text.replace(
        "codi- 1", "codi- 2"
    )
    e1 = AuditEvent.objects.get(action="project.create", target_id=str(one.pk))
    e2 = AuditEvent.objects.get(action="project.create", target_id=str(two.pk))
    assert {**e1.after, "ref_code": "CODI-2"} == e2.after
    for field in ("actor", "actor_label", "target_type", "area_code", "before"):
        assert getattr(e1, field) == getattr(e2, field)


def test_bulk_update_bumps_versions_audits_and_skips_what_did_not_change(cast):
    one = project_create(actor=cast.somchai, data=sample())
    two = project_create(actor=cast.somchai, data=sample(ref_code="CODI-2"))
    changed = sample(status="completed")
    saved = project_bulk_save(
        actor=cast.somchai,
        creates=[],
        updates=[BulkUpdate(one.pk, 1, changed), BulkUpdate(two.pk, 1, sample(ref_code="CODI-2"))],
    )
    assert saved.created == [] and saved.updated == [one.pk]
    one.refresh_from_db()
    assert one.version == 2 and one.status == "completed"
    assert Project.objects.get(pk=two.pk).version == 1
    event = AuditEvent.objects.get(action="project.update")
    assert event.before["status"] == "planned" and event.before["version"] == 1
    assert event.after["status"] == "completed" and event.after["version"] == 2
    with pytest.raises(EditConflict):
        project_bulk_save(actor=cast.somchai, creates=[], updates=[BulkUpdate(one.pk, 1, sample())])


def test_bulk_save_refuses_the_whole_batch_for_one_bad_project(cast):
    with pytest.raises(PermissionDenied):
        project_bulk_save(
            actor=cast.somchai,
            creates=[sample(), sample(ref_code="X", area_codes=["230101"])],
            updates=[],
        )
    with pytest.raises(ValidationError):
        project_bulk_save(
            actor=cast.somchai, creates=[sample(), sample(ref_code="Y", title="")], updates=[]
        )
    with pytest.raises(ValidationError):
        project_bulk_save(actor=cast.somchai, creates=[sample(), sample()], updates=[])
    project_create(actor=cast.somchai, data=sample())
    with pytest.raises(ValidationError):
        project_bulk_save(actor=cast.somchai, creates=[sample()], updates=[])
    assert Project.objects.count() == 1
    other = project_create(actor=cast.admin, data=sample(owner_id=org("สสส.").pk))
    with pytest.raises(PermissionDenied):
        project_bulk_save(
            actor=cast.somchai,
            creates=[],
            updates=[BulkUpdate(other.pk, 1, sample(owner_id=org("สสส.").pk, title="x"))],
        )
