"""Every write of overlaps: decisions on findings, comments, the three ways to resolve a
confirmed overlap (link as joint work, merge the records, agree who continues), the synonym
list and scans. Each checks permission (``queries``), validates with Thai messages, writes and
audits in one transaction. Changes to projects go through ``saan.projects.services``, so the
projects keep their own audit trail and version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saan.audit.services import label_for, record
from saan.overlaps import queries
from saan.overlaps.models import (
    Decision,
    Finding,
    FindingComment,
    FindingState,
    RunStatus,
    ScanRun,
    SynonymGroup,
)
from saan.projects import queries as project_queries
from saan.projects import services as project_services
from saan.projects.models import OrgRole, Project, ProjectArea, ProjectNote, Status

FIELDS = ["state", "decision", "decision_detail", "decided_by", "decided_at", "decision_comment"]


def _snap(finding: Finding) -> dict[str, Any]:
    return {
        "state": finding.state,
        "decision": finding.decision,
        "decision_detail": finding.decision_detail,
        "decided_by": finding.decided_by_id,
        "decision_comment": finding.decision_comment,
        "score": finding.score,
        "pair": [finding.project_a_id, finding.project_b_id],
    }


def _locked(actor: Any, finding: Finding) -> Finding:
    """The finding, locked, if the actor may see it; 404-like refusal otherwise."""
    current = (
        queries.visible_to(actor).select_for_update(of=("self",)).filter(pk=finding.pk).first()
    )
    if current is None:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ดูข้อสังเกตนี้"))
    return current


def _decidable(actor: Any, finding: Finding) -> Finding:
    current = _locked(actor, finding)
    if not queries.can_decide(actor, current):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานพื้นที่เท่านั้นที่ตัดสินข้อสังเกตงานซ้ำซ้อนได้"))
    return current


def _decide(
    actor: Any,
    finding: Finding,
    *,
    state: str,
    action: str,
    decision: str = "",
    detail: dict[str, Any] | None = None,
    comment: str = "",
) -> Finding:
    before = _snap(finding)
    finding.state = state
    finding.decision = decision
    finding.decision_detail = detail or {}
    finding.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    finding.decided_at = timezone.now()
    finding.decision_comment = comment.strip()[:5000]
    if state != FindingState.SUGGESTED:
        finding.reraised = False
    finding.save(update_fields=[*FIELDS, "reraised", "updated_at"])
    if comment.strip():
        FindingComment.objects.create(
            finding=finding,
            author=finding.decided_by,
            author_label=label_for(actor),
            text=comment.strip()[:5000],
        )
    record(
        actor=actor,
        action=action,
        target=finding,
        before=before,
        after=_snap(finding),
        area_code=finding.area_code,
    )
    return finding


@transaction.atomic
def finding_confirm(*, actor: Any, finding: Finding, comment: str = "") -> Finding:
    """The area's working group agrees the two projects are the same work."""
    current = _decidable(actor, finding)
    if current.state == FindingState.RESOLVED:
        raise ValidationError({"state": [_("ข้อสังเกตนี้จัดการเรียบร้อยแล้ว")]})
    return _decide(
        actor, current, state=FindingState.CONFIRMED, action="overlap.confirm", comment=comment
    )


@transaction.atomic
def finding_dismiss(*, actor: Any, finding: Finding, comment: str) -> Finding:
    """Different work: not raised again unless one of the projects changes materially."""
    current = _decidable(actor, finding)
    if not comment.strip():
        raise ValidationError({"comment": [_("กรุณาบอกเหตุผลว่าทำไมจึงไม่ใช่งานเดียวกัน")]})
    if current.state == FindingState.RESOLVED:
        raise ValidationError({"state": [_("ข้อสังเกตนี้จัดการเรียบร้อยแล้ว")]})
    return _decide(
        actor, current, state=FindingState.DISMISSED, action="overlap.dismiss", comment=comment
    )


@transaction.atomic
def finding_reopen(*, actor: Any, finding: Finding, comment: str = "") -> Finding:
    """Back to suggested (a decision taken by mistake). Resolved findings changed projects and
    cannot be reopened here."""
    current = _decidable(actor, finding)
    if current.state == FindingState.RESOLVED:
        raise ValidationError({"state": [_("ข้อสังเกตที่จัดการแล้วเปิดใหม่ไม่ได้")]})
    return _decide(
        actor, current, state=FindingState.SUGGESTED, action="overlap.reopen", comment=comment
    )


@transaction.atomic
def finding_comment_add(*, actor: Any, finding: Finding, text: str) -> FindingComment:
    current = _locked(actor, finding)
    if not queries.can_comment(actor, current):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แสดงความเห็นในข้อสังเกตนี้"))
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("กรุณาพิมพ์ความเห็น")]})
    comment = FindingComment.objects.create(
        finding=current, author=actor, author_label=label_for(actor), text=text[:5000]
    )
    record(
        actor=actor,
        action="overlap.comment",
        target=current,
        after={"comment": comment.text},
        area_code=current.area_code,
    )
    return comment


def _pair(finding: Finding) -> tuple[Project, Project]:
    a = Project.objects.select_related("owner").get(pk=finding.project_a_id)
    b = Project.objects.select_related("owner").get(pk=finding.project_b_id)
    return a, b


JOINT_ROLES = (OrgRole.IMPLEMENTING, OrgRole.PARTNER, OrgRole.FUNDING)


def _role(value: str, field: str) -> str:
    if value not in [r.value for r in JOINT_ROLES]:
        raise ValidationError({field: [_("กรุณาเลือกบทบาทขององค์กรในโครงการอีกฝ่าย")]})
    return value


@transaction.atomic
def finding_link(
    *,
    actor: Any,
    finding: Finding,
    role_of_a_in_b: str = OrgRole.PARTNER,
    role_of_b_in_a: str = OrgRole.PARTNER,
    comment: str = "",
) -> Finding:
    """Link the two projects as co-implementation: each owner organisation joins the other
    project in the role chosen. Both projects show the link."""
    current = _decidable(actor, finding)
    if current.state in (FindingState.RESOLVED, FindingState.DISMISSED):
        raise ValidationError({"state": [_("ต้องเป็นข้อสังเกตที่รอพิจารณาหรือยืนยันแล้วเท่านั้น")]})
    role_ab = _role(role_of_a_in_b, "role_of_a_in_b")
    role_ba = _role(role_of_b_in_a, "role_of_b_in_a")
    a, b = _pair(current)
    note = _("เชื่อมเป็นงานร่วมตามข้อสังเกตงานซ้ำซ้อน #%(id)s") % {"id": current.pk}
    try:
        project_services.project_roles_add(
            actor=actor, project=b, roles=[(a.owner_id, role_ab)], note=note
        )
        project_services.project_roles_add(
            actor=actor, project=a, roles=[(b.owner_id, role_ba)], note=note
        )
    except PermissionDenied as exc:
        raise PermissionDenied(_("เชื่อมเป็นงานร่วมไม่ได้: %(why)s") % {"why": str(exc)}) from exc
    return _decide(
        actor,
        current,
        state=FindingState.RESOLVED,
        action="overlap.link",
        decision=Decision.LINK,
        detail={
            "roles": [
                {"organisation": a.owner_id, "project": b.pk, "role": role_ab},
                {"organisation": b.owner_id, "project": a.pk, "role": role_ba},
            ]
        },
        comment=comment,
    )


@transaction.atomic
def finding_agree_continue(
    *, actor: Any, finding: Finding, continues_id: int, comment: str = ""
) -> Finding:
    """ "Agreed: X continues, Y stops." Both projects get a note saying so; the owner of the
    stopping project closes it (the decision does not rewrite another organisation's work)."""
    current = _decidable(actor, finding)
    if current.state in (FindingState.RESOLVED, FindingState.DISMISSED):
        raise ValidationError({"state": [_("ต้องเป็นข้อสังเกตที่รอพิจารณาหรือยืนยันแล้วเท่านั้น")]})
    a, b = _pair(current)
    if continues_id not in (a.pk, b.pk):
        raise ValidationError({"continues": [_("กรุณาเลือกโครงการที่จะดำเนินการต่อ")]})
    keep, stop = (a, b) if continues_id == a.pk else (b, a)
    text = _(
        "ที่ประชุมตกลงว่า “%(keep)s” (%(keep_org)s) ดำเนินการต่อ และ “%(stop)s” (%(stop_org)s) "
        "หยุดดำเนินการ ตามข้อสังเกตงานซ้ำซ้อน #%(id)s"
    ) % {
        "keep": keep.title,
        "keep_org": keep.owner.label,
        "stop": stop.title,
        "stop_org": stop.owner.label,
        "id": current.pk,
    }
    if comment.strip():
        text += "\n" + comment.strip()
    project_services.project_note_add(actor=actor, project=keep, text=text)
    project_services.project_note_add(actor=actor, project=stop, text=text)
    return _decide(
        actor,
        current,
        state=FindingState.RESOLVED,
        action="overlap.continue",
        decision=Decision.CONTINUE,
        detail={"continues": keep.pk, "stops": stop.pk},
        comment=comment,
    )


def _merged(survivor: Any, absorbed: Any, absorbed_id: int) -> Any:
    """The survivor's data with everything of the absorbed project added (ProjectData)."""
    from dataclasses import replace

    suffix = _("(ย้ายจากโครงการ #%(id)s)") % {"id": absorbed_id}
    roles = set(survivor.roles)
    for org, role in absorbed.roles:
        roles.add((org, OrgRole.IMPLEMENTING.value if role == OrgRole.LEAD else role))
    roles.discard((absorbed.owner_id, OrgRole.LEAD.value))
    if absorbed.owner_id != survivor.owner_id:
        roles.add((absorbed.owner_id, OrgRole.IMPLEMENTING.value))
    targets = {t.target_group_id: t for t in survivor.targets}
    for t in absorbed.targets:
        mine = targets.get(t.target_group_id)
        if mine is None:
            targets[t.target_group_id] = t
        else:  # the same people: the larger count, never the sum
            mine.planned = (
                max(x for x in (mine.planned, t.planned, 0) if x is not None) or mine.planned
            )
            mine.reached = (
                max(x for x in (mine.reached, t.reached, 0) if x is not None) or mine.reached
            )
    lines = list(survivor.budget_lines) + [
        replace(line, note=(f"{line.note} {suffix}".strip())[:300])
        for line in absorbed.budget_lines
    ]
    contacts = list(survivor.contacts)
    contacts += [c for c in absorbed.contacts if c not in contacts]
    links = list(survivor.links)
    links += [link for link in absorbed.links if link not in links]
    starts = [d for d in (survivor.start_date, absorbed.start_date) if d]
    ends = [d for d in (survivor.end_date, absorbed.end_date) if d]
    return replace(
        survivor,
        area_codes=sorted(set(survivor.area_codes) | set(absorbed.area_codes)),
        theme_ids=sorted(set(survivor.theme_ids) | set(absorbed.theme_ids)),
        roles=sorted(roles),
        targets=list(targets.values()),
        budget_lines=lines,
        contacts=contacts,
        links=links,
        start_date=min(starts) if starts else None,
        end_date=max(ends) if ends else None,
    )


@transaction.atomic
def finding_merge(*, actor: Any, finding: Finding, survivor_id: int, comment: str = "") -> Finding:
    """One project absorbs the other: its areas, themes, budget lines (moved, so no baht is
    counted twice), organisations' roles, targets, contacts, links and notes. The absorbed
    project stays in the register, cancelled, with its own record intact and a note pointing to
    the survivor; history of both is kept. Refused unless the person may edit both projects."""
    current = _decidable(actor, finding)
    if current.state in (FindingState.RESOLVED, FindingState.DISMISSED):
        raise ValidationError({"state": [_("ต้องเป็นข้อสังเกตที่รอพิจารณาหรือยืนยันแล้วเท่านั้น")]})
    a, b = _pair(current)
    if survivor_id not in (a.pk, b.pk):
        raise ValidationError({"survivor": [_("กรุณาเลือกโครงการที่จะเก็บไว้")]})
    survivor, absorbed = (a, b) if survivor_id == a.pk else (b, a)
    editable = project_queries.editable_by(actor)
    for p in (survivor, absorbed):
        if not editable.filter(pk=p.pk).exists():
            raise PermissionDenied(
                _(
                    "รวมโครงการไม่ได้: คุณไม่มีสิทธิ์แก้ไขโครงการ “%(title)s” ของ %(org)s "
                    "การรวมต้องทำโดยผู้ที่แก้ไขได้ทั้งสองโครงการ (เช่น ผู้ดูแลระบบ) "
                    "หรือเลือก “เชื่อมเป็นงานร่วม” แทน"
                )
                % {"title": p.title, "org": p.owner.label}
            )
    s_data = project_services.project_data(survivor)
    a_data = project_services.project_data(absorbed)
    merged = _merged(s_data, a_data, absorbed.pk)
    try:
        project_services.project_update(actor=actor, project=survivor, data=merged)
    except PermissionDenied as exc:
        raise PermissionDenied(_("รวมโครงการไม่ได้: %(why)s") % {"why": str(exc)}) from exc
    notes = list(ProjectNote.objects.filter(project=absorbed).order_by("created_at", "pk"))
    for note in notes:
        copy = ProjectNote.objects.create(
            project=survivor,
            author_id=note.author_id,
            author_label=note.author_label,
            text=_("[จากโครงการ #%(id)s] %(text)s") % {"id": absorbed.pk, "text": note.text},
        )
        ProjectNote.objects.filter(pk=copy.pk).update(created_at=note.created_at)
    absorbed_data = project_services.project_data(absorbed)
    absorbed_data.status = Status.CANCELLED
    absorbed_data.budget_lines = []  # moved to the survivor
    project_services.project_update(actor=actor, project=absorbed, data=absorbed_data)
    project_services.project_note_add(
        actor=actor,
        project=absorbed,
        text=_("รวมเข้ากับโครงการ #%(id)s “%(title)s” แล้ว งบประมาณย้ายไปที่โครงการนั้น")
        % {"id": survivor.pk, "title": survivor.title},
    )
    project_services.project_note_add(
        actor=actor,
        project=survivor,
        text=_("รวมโครงการ #%(id)s “%(title)s” ของ %(org)s เข้ามาแล้ว")
        % {
            "id": absorbed.pk,
            "title": absorbed.title,
            "org": absorbed.owner.label,
        },
    )
    return _decide(
        actor,
        current,
        state=FindingState.RESOLVED,
        action="overlap.merge",
        decision=Decision.MERGE,
        detail={
            "survivor": survivor.pk,
            "absorbed": absorbed.pk,
            "moved": {
                "areas": len(a_data.area_codes),
                "budget_lines": len(a_data.budget_lines),
                "roles": len(a_data.roles),
                "targets": len(a_data.targets),
                "contacts": len(a_data.contacts),
                "links": len(a_data.links),
                "notes": len(notes),
            },
        },
        comment=comment,
    )


# ------------------------------------------------------------------------- from the form


@transaction.atomic
def joint_work_from_form(*, actor: Any, project: Project, other_id: int) -> None:
    """The person registering ``project`` said it is joint work with registered project
    ``other_id``: the other project's owner joins this project as a partner (the person may
    edit their own project), and the pair's finding records what they said for the
    coordinator, who links the other side."""
    other = project_queries.visible_to(actor).select_related("owner").filter(pk=other_id).first()
    if other is None or other.pk == project.pk:
        raise ValidationError({"joint_with": [_("ไม่พบโครงการที่เลือก")]})
    project_services.project_roles_add(
        actor=actor,
        project=project,
        roles=[(other.owner_id, OrgRole.PARTNER.value)],
        note=_("ผู้บันทึกระบุว่าเป็นงานร่วมกับโครงการ #%(id)s") % {"id": other.pk},
    )
    a, b = sorted((project.pk, other.pk))
    finding = Finding.objects.filter(project_a_id=a, project_b_id=b).first()
    text = _("ผู้บันทึกโครงการ “%(title)s” ระบุว่าเป็นงานร่วมกับ “%(other)s” ของ %(org)s") % {
        "title": project.title,
        "other": other.title,
        "org": other.owner.label,
    }
    if finding is not None:
        FindingComment.objects.create(
            finding=finding, author=actor, author_label=label_for(actor), text=text
        )
        record(
            actor=actor,
            action="overlap.comment",
            target=finding,
            after={"comment": text},
            area_code=finding.area_code,
        )


# ---------------------------------------------------------------------------- synonyms


def _clean_phrases(phrases: list[str]) -> list[str]:
    out: list[str] = []
    for p in phrases:
        p = " ".join(str(p).split())
        if p and p not in out:
            out.append(p[:200])
    if len(out) < 2:
        raise ValidationError({"phrases": [_("กลุ่มคำพ้องต้องมีอย่างน้อยสองคำ (หนึ่งคำต่อบรรทัด)")]})
    return out


@transaction.atomic
def synonym_group_save(
    *,
    actor: Any,
    group: SynonymGroup | None,
    phrases: list[str],
    note: str = "",
    is_active: bool = True,
) -> SynonymGroup:
    if not queries.can_edit_synonyms(actor):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานและผู้ดูแลระบบเท่านั้นที่แก้ไขคำพ้องได้"))
    clean = _clean_phrases(phrases)
    before = None
    if group is None:
        group = SynonymGroup()
    else:
        before = {"phrases": group.phrases, "note": group.note, "is_active": group.is_active}
    group.phrases, group.note, group.is_active = clean, note.strip()[:300], is_active
    group.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    group.save()
    record(
        actor=actor,
        action="overlap.synonyms",
        target=group,
        before=before,
        after={"phrases": group.phrases, "note": group.note, "is_active": group.is_active},
    )
    return group


@transaction.atomic
def load_synonyms(groups: list[list[str]]) -> int:
    """Seed the synonym table (trusted, as the system) when it is empty. Returns groups made."""
    if SynonymGroup.objects.exists():
        return 0
    made = SynonymGroup.objects.bulk_create(
        [SynonymGroup(phrases=list(g)) for g in groups if len(g) >= 2]
    )
    record(
        actor=None,
        action="overlap.synonyms.seed",
        target_type="overlaps.synonymgroup",
        target_label="synonyms.json",
        after={"groups": len(made)},
        note="load_synonyms",
    )
    return len(made)


def seed_synonyms() -> int:
    from saan.overlaps.detector import seeded_synonyms

    return load_synonyms([list(g) for g in seeded_synonyms()])


# ------------------------------------------------------------------------------- scans


def _enqueue(run: ScanRun) -> None:
    from saan.overlaps import tasks

    result = tasks.run_scan.enqueue(run.pk)
    ScanRun.objects.filter(pk=run.pk).update(task_id=str(getattr(result, "id", ""))[:64])


@transaction.atomic
def scan_start(*, actor: Any, area_code: str = "", fiscal_year: int | None = None) -> ScanRun:
    """Queue a full scan of an area (a coordinator's own, or anywhere for an administrator).
    A scan of the same area and year already waiting or running is returned instead."""
    if not queries.can_scan(actor, area_code):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์สั่งตรวจงานซ้ำซ้อนในพื้นที่นี้"))
    if fiscal_year is not None and not 2400 <= fiscal_year <= 2700:
        raise ValidationError({"fy": [_("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568")]})
    waiting = ScanRun.objects.filter(
        area_code=area_code,
        fiscal_year=fiscal_year,
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        created_at__gte=timezone.now() - dt.timedelta(hours=1),
    ).first()
    if waiting is not None:
        return waiting
    run = ScanRun.objects.create(
        area_code=area_code,
        fiscal_year=fiscal_year,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor,
        action="overlap.scan.start",
        target=run,
        after={"area_code": area_code, "fiscal_year": fiscal_year},
        area_code=area_code,
    )
    transaction.on_commit(lambda: _enqueue(run))
    return run


@transaction.atomic
def scan_queue_for_projects(ids: list[int]) -> ScanRun:
    """A scan of the deepest area holding every area of these projects (after a large import),
    queued as the system."""
    codes: set[str] = set()
    for i in range(0, len(ids), 900):
        codes.update(
            ProjectArea.objects.filter(project_id__in=ids[i : i + 900]).values_list(
                "area_id", flat=True
            )
        )
    common = ""
    if codes:
        ordered = sorted(codes)
        common = ordered[0][:2]
        if any(not c.startswith(common) for c in ordered):
            common = ""
    run = ScanRun.objects.create(area_code=common)
    record(
        actor=None,
        action="overlap.scan.start",
        target=run,
        after={"area_code": common, "projects": len(ids)},
        area_code=common,
        note="import",
    )
    transaction.on_commit(lambda: _enqueue(run))
    return run
