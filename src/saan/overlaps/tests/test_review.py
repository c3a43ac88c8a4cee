from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.audit.models import AuditEvent
from saan.overlaps import queries, services
from saan.overlaps.models import Decision, FindingComment, FindingState
from saan.overlaps.tests.helpers import finding, scan
from saan.projects.models import (
    BudgetLine,
    Project,
    ProjectArea,
    ProjectContact,
    ProjectLink,
    ProjectNote,
    ProjectOrganisation,
    ProjectTarget,
    Status,
)
from saan.projects.services import project_note_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(scene):
    scan("40")
    return finding(scene.elders_thf, scene.elders_codi)


def test_who_sees_which_findings(scene, cast, pair):
    private = finding(scene.elders_thf, scene.private_fund)
    seen = {
        name: set(queries.visible_to(getattr(cast, name)).values_list("pk", flat=True))
        for name in ("coordinator", "somchai", "malee", "niran", "trat", "admin", "volunteer")
    }
    assert {pair.pk, private.pk} <= seen["coordinator"] and {pair.pk, private.pk} <= seen["admin"]
    # พอช.'s editor sees its own project's finding, never one that reveals a private project
    assert pair.pk in seen["somchai"] and private.pk not in seen["somchai"]
    assert seen["malee"] == seen["niran"] == seen["trat"] == seen["volunteer"] == set()


def test_only_the_areas_coordinator_decides_and_it_is_audited(cast, pair):
    with pytest.raises(PermissionDenied):
        services.finding_confirm(actor=cast.somchai, finding=pair)
    with pytest.raises(PermissionDenied):
        services.finding_confirm(actor=cast.trat, finding=pair)
    with pytest.raises(PermissionDenied):
        services.finding_dismiss(actor=cast.niran, finding=pair, comment="x")
    services.finding_confirm(actor=cast.coordinator, finding=pair, comment="เป็นงานเดียวกัน")
    pair.refresh_from_db()
    assert pair.state == FindingState.CONFIRMED and pair.decided_by == cast.coordinator
    event = AuditEvent.objects.get(action="overlap.confirm", target_id=str(pair.pk))
    assert event.before["state"] == "suggested" and event.after["state"] == "confirmed"
    assert event.area_code == "400115"


def test_dismissing_needs_a_reason_and_can_be_reopened(cast, pair):
    with pytest.raises(ValidationError) as err:
        services.finding_dismiss(actor=cast.coordinator, finding=pair, comment="  ")
    assert "comment" in err.value.message_dict
    services.finding_dismiss(actor=cast.coordinator, finding=pair, comment="คนละงาน")
    pair.refresh_from_db()
    assert pair.state == FindingState.DISMISSED
    assert FindingComment.objects.filter(finding=pair, text="คนละงาน").exists()
    services.finding_reopen(actor=cast.coordinator, finding=pair)
    pair.refresh_from_db()
    assert pair.state == FindingState.SUGGESTED


def test_editors_of_either_organisation_comment_others_cannot(cast, pair):
    services.finding_comment_add(actor=cast.somchai, finding=pair, text="พอช. ยืนยันว่าเยี่ยมบ้านเดียวกัน")
    assert AuditEvent.objects.filter(action="overlap.comment", target_id=str(pair.pk)).exists()
    for outsider in (cast.malee, cast.niran, cast.trat):
        with pytest.raises(PermissionDenied):
            services.finding_comment_add(actor=outsider, finding=pair, text="x")
    with pytest.raises(ValidationError):
        services.finding_comment_add(actor=cast.somchai, finding=pair, text=" ")
    assert FindingComment.objects.filter(finding=pair).count() == 1


def test_linking_adds_each_organisation_to_the_other_project_through_the_projects_service(
    scene, cast, pair
):
    services.finding_confirm(actor=cast.coordinator, finding=pair)
    versions = {p.pk: p.version for p in (scene.elders_thf, scene.elders_codi)}
    services.finding_link(
        actor=cast.coordinator,
        finding=pair,
        role_of_a_in_b="implementing",
        role_of_b_in_a="partner",
    )
    pair.refresh_from_db()
    assert pair.state == FindingState.RESOLVED and pair.decision == Decision.LINK
    a, b = Project.objects.get(pk=pair.project_a_id), Project.objects.get(pk=pair.project_b_id)
    assert ProjectOrganisation.objects.filter(
        project=b, organisation_id=a.owner_id, role="implementing"
    ).exists()
    assert ProjectOrganisation.objects.filter(
        project=a, organisation_id=b.owner_id, role="partner"
    ).exists()
    assert a.version == versions[a.pk] + 1 and b.version == versions[b.pk] + 1
    updates = AuditEvent.objects.filter(
        action="project.update", target_id__in=[str(a.pk), str(b.pk)]
    )
    assert updates.count() == 2
    assert list(queries.joint_work(a)) == [pair] and list(queries.joint_work(b)) == [pair]


def test_linking_is_refused_to_editors_and_unknown_roles(cast, pair):
    with pytest.raises(PermissionDenied):
        services.finding_link(actor=cast.somchai, finding=pair)
    with pytest.raises(ValidationError):
        services.finding_link(actor=cast.coordinator, finding=pair, role_of_a_in_b="lead")
    pair.refresh_from_db()
    assert pair.state == FindingState.SUGGESTED


def _counts(*projects):
    ids = [p.pk for p in projects]
    return {
        "areas": ProjectArea.objects.filter(project_id__in=ids).count(),
        "lines": BudgetLine.objects.filter(project_id__in=ids).count(),
        "budget": sum(
            BudgetLine.objects.filter(project_id__in=ids).values_list("amount", flat=True),
            Decimal(0),
        ),
        "notes": ProjectNote.objects.filter(project_id__in=ids).count(),
    }


def test_a_merge_loses_nothing(scene, cast, pair):
    survivor, absorbed = scene.elders_thf, scene.elders_codi
    project_note_add(actor=cast.admin, project=absorbed, text="บันทึกเดิมของโครงการที่ถูกรวม")
    absorbed_before = {
        "areas": set(
            ProjectArea.objects.filter(project=absorbed).values_list("area_id", flat=True)
        ),
        "lines": sorted(
            BudgetLine.objects.filter(project=absorbed).values_list(
                "amount", "source_id", "fiscal_year"
            )
        ),
        "roles": set(
            ProjectOrganisation.objects.filter(project=absorbed).values_list(
                "organisation_id", flat=True
            )
        ),
        "targets": set(
            ProjectTarget.objects.filter(project=absorbed).values_list("target_group_id", flat=True)
        ),
        "contacts": set(
            ProjectContact.objects.filter(project=absorbed).values_list("name", flat=True)
        ),
        "links": set(ProjectLink.objects.filter(project=absorbed).values_list("url", flat=True)),
        "themes": set(absorbed.themes.values_list("pk", flat=True)),
    }
    survivor_lines = sorted(
        BudgetLine.objects.filter(project=survivor).values_list(
            "amount", "source_id", "fiscal_year"
        )
    )
    total_before = _counts(survivor, absorbed)["budget"]

    services.finding_merge(actor=cast.admin, finding=pair, survivor_id=survivor.pk)

    survivor.refresh_from_db()
    absorbed.refresh_from_db()
    assert absorbed_before["areas"] <= set(
        ProjectArea.objects.filter(project=survivor).values_list("area_id", flat=True)
    )
    assert sorted(
        BudgetLine.objects.filter(project=survivor).values_list(
            "amount", "source_id", "fiscal_year"
        )
    ) == sorted(survivor_lines + absorbed_before["lines"])
    assert _counts(survivor, absorbed)["budget"] == total_before  # moved, never counted twice
    assert absorbed_before["roles"] <= set(
        ProjectOrganisation.objects.filter(project=survivor).values_list(
            "organisation_id", flat=True
        )
    )
    assert absorbed_before["targets"] <= set(
        ProjectTarget.objects.filter(project=survivor).values_list("target_group_id", flat=True)
    )
    assert absorbed_before["contacts"] <= set(
        ProjectContact.objects.filter(project=survivor).values_list("name", flat=True)
    )
    assert absorbed_before["links"] <= set(
        ProjectLink.objects.filter(project=survivor).values_list("url", flat=True)
    )
    assert absorbed_before["themes"] <= set(survivor.themes.values_list("pk", flat=True))
    assert ProjectNote.objects.filter(
        project=survivor, text__contains="บันทึกเดิมของโครงการที่ถูกรวม"
    ).exists()
    # the absorbed project is kept, cancelled, pointing at the survivor, its own record intact
    assert absorbed.status == Status.CANCELLED
    assert ProjectNote.objects.filter(project=absorbed, text__contains=f"#{survivor.pk}").exists()
    assert (
        set(
            ProjectTarget.objects.filter(project=absorbed).values_list("target_group_id", flat=True)
        )
        == absorbed_before["targets"]
    )
    pair.refresh_from_db()
    assert pair.decision == Decision.MERGE and pair.decision_detail["survivor"] == survivor.pk
    assert AuditEvent.objects.filter(action="overlap.merge", target_id=str(pair.pk)).exists()


def test_a_merge_mixing_projects_the_person_cannot_edit_is_refused_in_thai(scene, cast, pair):
    before = _counts(scene.elders_thf, scene.elders_codi)
    with pytest.raises(PermissionDenied) as err:
        services.finding_merge(
            actor=cast.coordinator, finding=pair, survivor_id=scene.elders_thf.pk
        )
    assert "รวมโครงการไม่ได้" in str(err.value) and "แก้ไข" in str(err.value)
    assert _counts(scene.elders_thf, scene.elders_codi) == before
    pair.refresh_from_db()
    assert pair.state == FindingState.SUGGESTED


def test_agreeing_who_continues_notes_both_projects(scene, cast, pair):
    services.finding_agree_continue(
        actor=cast.coordinator, finding=pair, continues_id=scene.elders_codi.pk
    )
    pair.refresh_from_db()
    assert pair.state == FindingState.RESOLVED and pair.decision == Decision.CONTINUE
    assert pair.decision_detail == {"continues": scene.elders_codi.pk, "stops": scene.elders_thf.pk}
    for p in (scene.elders_thf, scene.elders_codi):
        assert ProjectNote.objects.filter(project=p, text__contains="ดำเนินการต่อ").exists()
    with pytest.raises(ValidationError):
        services.finding_confirm(actor=cast.coordinator, finding=pair)


def test_synonyms_are_edited_by_coordinators_only_and_feed_the_detector(cast):
    from saan.overlaps import detection
    from saan.overlaps.models import SynonymGroup

    services.seed_synonyms()
    seeded = SynonymGroup.objects.count()
    assert seeded > 0 and services.seed_synonyms() == 0
    with pytest.raises(PermissionDenied):
        services.synonym_group_save(actor=cast.somchai, group=None, phrases=["ก", "ข"])
    with pytest.raises(ValidationError):
        services.synonym_group_save(actor=cast.coordinator, group=None, phrases=["คำเดียว"])
    services.synonym_group_save(
        actor=cast.coordinator, group=None, phrases=["ธนาคารปูม้า", "เพาะฟักพันธุ์ปูม้า"]
    )
    assert SynonymGroup.objects.count() == seeded + 1
    canonical = detection.detector().synonyms.canonical
    assert canonical["เพาะฟักพันธุ์ปูม้า"] == canonical["ธนาคารปูม้า"]
