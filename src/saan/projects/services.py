"""Every write to the work register. Forms, the API and the spreadsheet importer all describe a
project as a ``ProjectData`` and call these functions, which check permission, validate, save
and audit in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.audit.services import label_for, record
from saan.core.textsearch import search_key
from saan.core.thai import fiscal_year
from saan.partners.models import Organisation
from saan.projects import queries
from saan.projects.models import (
    BudgetLine,
    OrgRole,
    Project,
    ProjectArea,
    ProjectContact,
    ProjectLink,
    ProjectNote,
    ProjectOrganisation,
    ProjectTarget,
    Stage,
    Status,
    TargetGroup,
    Theme,
    Visibility,
)


@dataclass
class BudgetLineData:
    fiscal_year: int
    amount: Decimal
    stage: str = Stage.PLANNED
    source_id: int | None = None
    note: str = ""


@dataclass
class TargetData:
    target_group_id: int
    planned: int | None = None
    reached: int | None = None


@dataclass
class ProjectData:
    """Everything about a project, as plain values. Collections replace what the project had."""

    owner_id: int
    title: str
    ref_code: str = ""
    summary: str = ""
    objectives: str = ""
    status: str = Status.PLANNED
    visibility: str = Visibility.ALLIANCE
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    area_codes: list[str] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)
    roles: list[tuple[int, str]] = field(default_factory=list)  # (organisation id, OrgRole)
    targets: list[TargetData] = field(default_factory=list)
    budget_lines: list[BudgetLineData] = field(default_factory=list)
    contacts: list[dict[str, str]] = field(default_factory=list)  # name, position, phone, email
    links: list[dict[str, str]] = field(default_factory=list)  # url, label


class EditConflict(Exception):
    """The project changed since the person opened it; ``changes`` are the audit events since."""

    def __init__(self, project: Project, changes: list[AuditEvent]) -> None:
        super().__init__(_("มีผู้อื่นแก้ไขโครงการนี้หลังจากที่คุณเปิดแบบฟอร์ม"))
        self.project = project
        self.changes = changes


# ------------------------------------------------------------------------------ validation


def validate(data: ProjectData) -> dict[str, list[str]]:
    """Field → Thai messages for everything wrong with ``data`` (empty when it is fine).
    Shared by forms, the API and the importer, so every door gives the same answers."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.title.strip():
        add("title", _("กรุณาใส่ชื่อโครงการ"))
    elif len(data.title) > 500:
        add("title", _("ชื่อโครงการยาวเกิน 500 ตัวอักษร"))
    if len(data.ref_code) > 64:
        add("ref_code", _("รหัสโครงการยาวเกิน 64 ตัวอักษร"))
    if data.status not in Status.values:
        add("status", _("สถานะไม่ถูกต้อง"))
    if data.visibility not in Visibility.values:
        add("visibility", _("การเปิดเผยไม่ถูกต้อง"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        add("end_date", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"))
    if not Organisation.objects.filter(pk=data.owner_id).exists():
        add("owner", _("ไม่พบหน่วยงานเจ้าของโครงการ"))
    if not data.area_codes:
        add("areas", _("กรุณาระบุพื้นที่ดำเนินการอย่างน้อยหนึ่งพื้นที่"))
    else:
        known = set(Area.objects.filter(code__in=data.area_codes).values_list("code", flat=True))
        for code in data.area_codes:
            if code not in known:
                add("areas", _("ไม่พบพื้นที่รหัส %(code)s") % {"code": code})
    if data.theme_ids:
        known_themes = set(Theme.objects.filter(pk__in=data.theme_ids).values_list("pk", flat=True))
        if set(data.theme_ids) - known_themes:
            add("themes", _("ไม่พบประเด็นงานที่เลือก"))
    org_ids = {o for o, _role in data.roles} | {
        b.source_id for b in data.budget_lines if b.source_id is not None
    }
    if org_ids - set(Organisation.objects.filter(pk__in=org_ids).values_list("pk", flat=True)):
        add("roles", _("ไม่พบองค์กรที่ระบุ"))
    for _org, role in data.roles:
        if role not in OrgRole.values:
            add("roles", _("บทบาทขององค์กรไม่ถูกต้อง"))
    group_ids = [t.target_group_id for t in data.targets]
    if len(set(group_ids)) != len(group_ids):
        add("targets", _("กลุ่มเป้าหมายซ้ำกัน"))
    if set(group_ids) - set(
        TargetGroup.objects.filter(pk__in=group_ids).values_list("pk", flat=True)
    ):
        add("targets", _("ไม่พบกลุ่มเป้าหมายที่ระบุ"))
    for t in data.targets:
        if (t.planned is not None and t.planned < 0) or (t.reached is not None and t.reached < 0):
            add("targets", _("จำนวนคนต้องไม่ติดลบ"))
    for i, line in enumerate(data.budget_lines, start=1):
        where = _("งบประมาณรายการที่ %(n)s") % {"n": i}
        if line.amount is None or line.amount < 0:
            add("budget_lines", _("%(where)s: จำนวนเงินต้องไม่ติดลบ") % {"where": where})
        elif line.amount >= Decimal("1e14"):
            add("budget_lines", _("%(where)s: จำนวนเงินมากเกินจริง") % {"where": where})
        if not 2500 <= line.fiscal_year <= 2700:
            add(
                "budget_lines",
                _("%(where)s: ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568") % {"where": where},
            )
        if line.stage not in Stage.values:
            add("budget_lines", _("%(where)s: สถานะงบไม่ถูกต้อง") % {"where": where})
    return errors


# ------------------------------------------------------------------------------- snapshots

PROJECT_FIELDS = ("owner_id", "ref_code", "title", "summary", "objectives", "status",
                  "visibility", "start_date", "end_date")  # fmt: skip


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def data_snapshot(data: ProjectData) -> dict[str, Any]:
    """A comparable, JSON-safe picture of project data: equal snapshots mean nothing changed
    (how a re-import knows a row is unchanged)."""
    raw = asdict(data)
    snap: dict[str, Any] = {name: _iso(raw[name]) for name in PROJECT_FIELDS}
    snap["area_codes"] = sorted(set(data.area_codes))
    snap["theme_ids"] = sorted(set(data.theme_ids))
    snap["roles"] = sorted({(o, r) for o, r in data.roles} | {(data.owner_id, OrgRole.LEAD.value)})
    snap["targets"] = sorted((t.target_group_id, t.planned, t.reached) for t in data.targets)
    snap["budget_lines"] = sorted(
        (b.fiscal_year, str(Decimal(b.amount).quantize(Decimal("0.01"))), b.stage,
         b.source_id or 0, b.note)  # fmt: skip
        for b in data.budget_lines
    )
    snap["contacts"] = sorted(tuple(sorted(c.items())) for c in data.contacts)
    snap["links"] = sorted(tuple(sorted(link.items())) for link in data.links)
    # JSON turns tuples into lists; do it now so stored and fresh snapshots compare equal.
    return {k: [list(x) if isinstance(x, tuple) else x for x in v] if isinstance(v, list) else v
            for k, v in snap.items()}  # fmt: skip


def project_data(project: Project) -> ProjectData:
    """The stored project as ``ProjectData``."""
    return ProjectData(
        owner_id=project.owner_id,
        title=project.title,
        ref_code=project.ref_code,
        summary=project.summary,
        objectives=project.objectives,
        status=project.status,
        visibility=project.visibility,
        start_date=project.start_date,
        end_date=project.end_date,
        area_codes=list(project.project_areas.values_list("area_id", flat=True)),
        theme_ids=list(project.themes.values_list("pk", flat=True)),
        roles=list(project.roles.values_list("organisation_id", "role")),
        targets=[
            TargetData(t.target_group_id, t.planned, t.reached) for t in project.targets.all()
        ],
        budget_lines=[
            BudgetLineData(b.fiscal_year, b.amount, b.stage, b.source_id, b.note)
            for b in project.budget_lines.all()
        ],
        contacts=[
            {"name": c.name, "position": c.position, "phone": c.phone, "email": c.email}
            for c in project.contacts.all()
        ],
        links=[{"url": link.url, "label": link.label} for link in project.links.all()],
    )


def _fiscal_span(data: ProjectData) -> tuple[int | None, int | None]:
    years = [b.fiscal_year for b in data.budget_lines]
    if data.start_date:
        years.append(fiscal_year(data.start_date))
    if data.end_date:
        years.append(fiscal_year(data.end_date))
    return (min(years), max(years)) if years else (None, None)


def _audit_area(data: ProjectData) -> str:
    """The deepest area code every project area shares, for per-area history."""
    codes = sorted(set(data.area_codes))
    if not codes:
        return ""
    common = codes[0]
    for code in codes[1:]:
        while not code.startswith(common):
            common = common[:-2]
    return common


def _write(project: Project, data: ProjectData) -> None:
    """Set every field and collection of ``project`` from ``data`` (project already saved)."""
    ProjectArea.objects.filter(project=project).delete()
    ProjectArea.objects.bulk_create(
        [ProjectArea(project=project, area_id=code) for code in sorted(set(data.area_codes))]
    )
    project.themes.set(sorted(set(data.theme_ids)))
    ProjectOrganisation.objects.filter(project=project).delete()
    roles = {(project.owner_id, OrgRole.LEAD), *data.roles}
    ProjectOrganisation.objects.bulk_create(
        [ProjectOrganisation(project=project, organisation_id=o, role=r) for o, r in sorted(roles)]
    )
    ProjectTarget.objects.filter(project=project).delete()
    ProjectTarget.objects.bulk_create(
        [ProjectTarget(project=project, target_group_id=t.target_group_id, planned=t.planned,
                       reached=t.reached) for t in data.targets]  # fmt: skip
    )
    BudgetLine.objects.filter(project=project).delete()
    BudgetLine.objects.bulk_create(
        [BudgetLine(project=project, fiscal_year=b.fiscal_year, amount=b.amount, stage=b.stage,
                    source_id=b.source_id, note=b.note) for b in data.budget_lines]  # fmt: skip
    )
    ProjectContact.objects.filter(project=project).delete()
    ProjectContact.objects.bulk_create([ProjectContact(project=project, **c) for c in data.contacts])
    ProjectLink.objects.filter(project=project).delete()
    ProjectLink.objects.bulk_create([ProjectLink(project=project, **link) for link in data.links])


def _apply_fields(project: Project, data: ProjectData) -> None:
    for name in PROJECT_FIELDS:
        setattr(project, name, getattr(data, name))
    project.title = project.title.strip()
    project.fy_start, project.fy_end = _fiscal_span(data)
    project.search_text = search_key(data.title, data.summary, data.objectives, data.ref_code)


def _check(actor: Any, data: ProjectData) -> None:
    if not queries.can_register(actor, owner_id=data.owner_id, area_codes=data.area_codes):
        raise PermissionDenied(
            _("คุณไม่มีสิทธิ์บันทึกโครงการของหน่วยงานนี้ในพื้นที่นี้")
        )
    errors = validate(data)
    if errors:
        raise ValidationError(errors)


def _with_lead(data: ProjectData) -> ProjectData:
    """The owner always holds the lead role; the snapshot says so too."""
    if (data.owner_id, OrgRole.LEAD) not in data.roles:
        data.roles = [*data.roles, (data.owner_id, OrgRole.LEAD)]
    return data


@transaction.atomic
def project_create(*, actor: Any, data: ProjectData) -> Project:
    data = _with_lead(data)
    _check(actor, data)
    if data.ref_code and Project.objects.filter(owner_id=data.owner_id, ref_code=data.ref_code).exists():
        raise ValidationError(
            {"ref_code": [_("หน่วยงานนี้มีโครงการรหัส %(code)s อยู่แล้ว") % {"code": data.ref_code}]}
        )
    project = Project(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _apply_fields(project, data)
    project.save()
    _write(project, data)
    record(actor=actor, action="project.create", target=project, after=data_snapshot(data),
           area_code=_audit_area(data))  # fmt: skip
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: Project, data: ProjectData, expected_version: int | None = None
) -> Project:
    """Replace the project's data. With ``expected_version`` (what the person's form was built
    from) an intervening save by someone else raises ``EditConflict`` instead of overwriting."""
    current = queries.editable_by(actor).select_for_update().filter(pk=project.pk).first()
    if current is None:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขโครงการนี้"))
    if expected_version is not None and current.version != expected_version:
        since = AuditEvent.objects.filter(
            target_type="projects.project", target_id=str(current.pk),
            after__version__gt=expected_version,
        ).order_by("at")  # fmt: skip
        raise EditConflict(current, list(since))
    data = _with_lead(data)
    _check(actor, data)
    clash = Project.objects.filter(owner_id=data.owner_id, ref_code=data.ref_code).exclude(pk=current.pk)
    if data.ref_code and clash.exists():
        raise ValidationError(
            {"ref_code": [_("หน่วยงานนี้มีโครงการรหัส %(code)s อยู่แล้ว") % {"code": data.ref_code}]}
        )
    before = data_snapshot(project_data(current))
    after = data_snapshot(data)
    if before == after:
        return current
    _apply_fields(current, data)
    current.version += 1
    current.save()
    _write(current, data)
    record(actor=actor, action="project.update", target=current,
           before={**before, "version": current.version - 1},
           after={**after, "version": current.version}, area_code=_audit_area(data))  # fmt: skip
    return current


@transaction.atomic
def project_delete(*, actor: Any, project: Project) -> None:
    current = queries.editable_by(actor).filter(pk=project.pk).first()
    if current is None:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ลบโครงการนี้"))
    data = project_data(current)
    record(actor=actor, action="project.delete", target=current, before=data_snapshot(data),
           area_code=_audit_area(data))  # fmt: skip
    current.delete()


@transaction.atomic
def project_note_add(*, actor: Any, project: Project, text: str) -> ProjectNote:
    if not queries.can_annotate(actor, project):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกความเห็นในโครงการนี้"))
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("กรุณาพิมพ์ข้อความ")]})
    note = ProjectNote.objects.create(project=project, author=actor, author_label=label_for(actor),
                                      text=text[:5000])  # fmt: skip
    record(actor=actor, action="project.note", target=project, after={"note": note.text},
           area_code=_audit_area(project_data(project)))  # fmt: skip
    return note


@transaction.atomic
def load_vocabulary(data: dict[str, Any]) -> tuple[int, int]:
    """Create the reference themes and target groups that do not exist yet (by slug); existing
    ones stay as edited. Trusted: called by ``load_reference``. Returns (created, kept)."""
    created = kept = 0
    for model, key in ((Theme, "themes"), (TargetGroup, "target_groups")):
        existing = set(model.objects.values_list("slug", flat=True))
        for spec in data[key]:
            if spec["slug"] in existing:
                kept += 1
                continue
            obj = model.objects.create(**spec)
            record(actor=None, action=f"{model._meta.model_name}.create", target=obj,
                   after=spec, note="load_reference")  # fmt: skip
            created += 1
    return created, kept
