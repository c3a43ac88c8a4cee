"""Every write to the work register. Forms, the API and the spreadsheet importer all describe a
project as a ``ProjectData`` and call these functions, which check permission, validate, save
and audit in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.audit.services import label_for, record
from saan.core.textsearch import words
from saan.core.thai import fiscal_year
from saan.partners.models import Organisation
from saan.projects import queries, summary
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
    Shared by forms, the API and the importer, so every door gives the same answers; the
    importer checks many at once with ``validate_many``, which this is the one-item case of."""
    return validate_many([data])[0]


# ------------------------------------------------------------------------------- snapshots

PROJECT_FIELDS = (
    "owner_id",
    "ref_code",
    "title",
    "summary",
    "objectives",
    "status",
    "visibility",
    "start_date",
    "end_date",
)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def data_snapshot(data: ProjectData) -> dict[str, Any]:
    """A comparable, JSON-safe picture of project data: equal snapshots mean nothing changed
    (how a re-import knows a row is unchanged)."""
    return snapshot_quick(data)


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
        [
            ProjectTarget(
                project=project,
                target_group_id=t.target_group_id,
                planned=t.planned,
                reached=t.reached,
            )
            for t in data.targets
        ]
    )
    BudgetLine.objects.filter(project=project).delete()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                project=project,
                fiscal_year=b.fiscal_year,
                amount=b.amount,
                stage=b.stage,
                source_id=b.source_id,
                note=b.note,
            )
            for b in data.budget_lines
        ]
    )
    ProjectContact.objects.filter(project=project).delete()
    ProjectContact.objects.bulk_create(
        [ProjectContact(project=project, **c) for c in data.contacts]
    )
    ProjectLink.objects.filter(project=project).delete()
    ProjectLink.objects.bulk_create([ProjectLink(project=project, **link) for link in data.links])


def _apply_fields(project: Project, data: ProjectData) -> None:
    for name in PROJECT_FIELDS:
        setattr(project, name, getattr(data, name))
    project.title = project.title.strip()
    project.fy_start, project.fy_end = _fiscal_span(data)
    project.search_text = search_key_fast(data.title, data.summary, data.objectives, data.ref_code)


@lru_cache(maxsize=65536)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(words(chunk))


def search_key_fast(*texts: str) -> str:
    """``textsearch.search_key``, with the words of each space-separated piece remembered:
    an import repeats the same title words thousands of times, and splitting Thai words is
    the slow part. The same result (``words`` splits at spaces first), which a test checks."""
    seen: dict[str, None] = {}
    for text in texts:
        for chunk in (text or "").split():
            for word in _chunk_words(chunk):
                seen.setdefault(word, None)
    return f" {' '.join(seen)} " if seen else ""


def _check(actor: Any, data: ProjectData) -> None:
    if not queries.can_register(actor, owner_id=data.owner_id, area_codes=data.area_codes):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกโครงการของหน่วยงานนี้ในพื้นที่นี้"))
    errors = validate(data)
    if errors:
        raise ValidationError(errors)


def _with_lead(data: ProjectData) -> ProjectData:
    """The owner always holds the lead role; the snapshot says so too."""
    if (data.owner_id, OrgRole.LEAD) not in data.roles:
        data.roles = [*data.roles, (data.owner_id, OrgRole.LEAD)]
    return data


def _overlaps_changed(ids: list[int]) -> None:
    """Once the change commits, let ``saan.overlaps`` re-check these projects for overlaps."""
    from saan.overlaps.hooks import projects_changed_on_commit

    projects_changed_on_commit(ids)


@transaction.atomic
def project_create(*, actor: Any, data: ProjectData) -> Project:
    data = _with_lead(data)
    _check(actor, data)
    if (
        data.ref_code
        and Project.objects.filter(owner_id=data.owner_id, ref_code=data.ref_code).exists()
    ):
        raise ValidationError(
            {"ref_code": [_("หน่วยงานนี้มีโครงการรหัส %(code)s อยู่แล้ว") % {"code": data.ref_code}]}
        )
    project = Project(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _apply_fields(project, data)
    project.save()
    _write(project, data)
    summary.refresh(summary.reach_codes(data.area_codes))
    record(
        actor=actor,
        action="project.create",
        target=project,
        after=data_snapshot(data),
        area_code=_audit_area(data),
    )
    _overlaps_changed([project.pk])
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
            target_type="projects.project",
            target_id=str(current.pk),
            after__version__gt=expected_version,
        ).order_by("at")
        raise EditConflict(current, list(since))
    data = _with_lead(data)
    _check(actor, data)
    clash = Project.objects.filter(owner_id=data.owner_id, ref_code=data.ref_code).exclude(
        pk=current.pk
    )
    if data.ref_code and clash.exists():
        raise ValidationError(
            {"ref_code": [_("หน่วยงานนี้มีโครงการรหัส %(code)s อยู่แล้ว") % {"code": data.ref_code}]}
        )
    before_data = project_data(current)
    before = data_snapshot(before_data)
    after = data_snapshot(data)
    if before == after:
        return current
    _apply_fields(current, data)
    current.version += 1
    current.save()
    _write(current, data)
    summary.refresh(summary.reach_codes([*before_data.area_codes, *data.area_codes]))
    record(
        actor=actor,
        action="project.update",
        target=current,
        before={**before, "version": current.version - 1},
        after={**after, "version": current.version},
        area_code=_audit_area(data),
    )
    _overlaps_changed([current.pk])
    return current


@transaction.atomic
def project_delete(*, actor: Any, project: Project) -> None:
    current = queries.editable_by(actor).filter(pk=project.pk).first()
    if current is None:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ลบโครงการนี้"))
    data = project_data(current)
    record(
        actor=actor,
        action="project.delete",
        target=current,
        before=data_snapshot(data),
        area_code=_audit_area(data),
    )
    current.delete()
    summary.refresh(summary.reach_codes(data.area_codes))


@transaction.atomic
def project_roles_add(
    *, actor: Any, project: Project, roles: list[tuple[int, str]], note: str = ""
) -> Project:
    """Add organisations' roles to a project and change nothing else: joint work agreed by the
    area's working group (``saan.overlaps`` links two projects this way). The project's editors
    may, and so may a coordinator of every area the project works in: the working group
    decides joint work, though coordinators otherwise only annotate other organisations' work.
    Audited and versioned like ``project_update``."""
    from saan.partners import permissions

    current = Project.objects.select_for_update().filter(pk=project.pk).first()
    if current is None:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขโครงการนี้"))
    data = project_data(current)
    allowed = queries.editable_by(actor).filter(pk=current.pk).exists() or (
        bool(data.area_codes) and all(permissions.coordinates(actor, c) for c in data.area_codes)
    )
    if not allowed:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์เพิ่มองค์กรร่วมในโครงการนี้"))
    known = set(
        Organisation.objects.filter(pk__in=[o for o, _r in roles]).values_list("pk", flat=True)
    )
    for org_id, role in roles:
        if org_id not in known or role not in OrgRole.values:
            raise ValidationError({"roles": [_("องค์กรหรือบทบาทไม่ถูกต้อง")]})
    before = data_snapshot(data)
    data.roles = sorted(set(data.roles) | set(roles))
    after = data_snapshot(data)
    if before == after:
        return current
    ProjectOrganisation.objects.bulk_create(
        [
            ProjectOrganisation(project=current, organisation_id=o, role=r)
            for o, r in sorted(set(roles))
            if [o, r] not in before["roles"]
        ]
    )
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    record(
        actor=actor,
        action="project.update",
        target=current,
        before={**before, "version": current.version - 1},
        after={**after, "version": current.version},
        area_code=_audit_area(data),
        note=note[:500],
    )
    summary.refresh(summary.reach_codes(data.area_codes))
    _overlaps_changed([current.pk])
    return current


@transaction.atomic
def project_note_add(*, actor: Any, project: Project, text: str) -> ProjectNote:
    if not queries.can_annotate(actor, project):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกความเห็นในโครงการนี้"))
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("กรุณาพิมพ์ข้อความ")]})
    note = ProjectNote.objects.create(
        project=project, author=actor, author_label=label_for(actor), text=text[:5000]
    )
    record(
        actor=actor,
        action="project.note",
        target=project,
        after={"note": note.text},
        area_code=_audit_area(project_data(project)),
    )
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
            record(
                actor=None,
                action=f"{model._meta.model_name}.create",
                target=obj,
                after=spec,
                note="load_reference",
            )
            created += 1
    return created, kept


# ------------------------------------------------------------------- many projects at once
# For the spreadsheet importer: the same rules as validate / project_data / project_create /
# project_update above, with the database asked once per batch instead of once per project.
# projects/tests/test_import_services.py holds each to its one-project counterpart.


@dataclass
class _References:
    """The keys that exist, read once for a whole batch."""

    organisations: set[int]
    areas: set[str]
    themes: set[int]
    target_groups: set[int]
    statuses: frozenset[str] = frozenset(Status.values)
    visibilities: frozenset[str] = frozenset(Visibility.values)
    org_roles: frozenset[str] = frozenset(OrgRole.values)
    stages: frozenset[str] = frozenset(Stage.values)

    @classmethod
    def load(cls, datas: list[ProjectData]) -> _References:
        org_ids = {d.owner_id for d in datas}
        for d in datas:
            org_ids.update(o for o, _role in d.roles)
            org_ids.update(b.source_id for b in d.budget_lines if b.source_id is not None)
        codes = {c for d in datas for c in d.area_codes}
        theme_ids = {t for d in datas for t in d.theme_ids}
        group_ids = {t.target_group_id for d in datas for t in d.targets}
        return cls(
            organisations=set(
                Organisation.objects.filter(pk__in=org_ids).values_list("pk", flat=True)
            ),
            areas=set(Area.objects.filter(code__in=codes).values_list("code", flat=True))
            if len(codes) < 5000
            else set(Area.objects.values_list("code", flat=True)),
            themes=set(Theme.objects.filter(pk__in=theme_ids).values_list("pk", flat=True)),
            target_groups=set(
                TargetGroup.objects.filter(pk__in=group_ids).values_list("pk", flat=True)
            ),
        )


def validate_many(datas: list[ProjectData]) -> list[dict[str, list[str]]]:
    """``validate`` for each of ``datas``, in order, with the same messages; the keys that must
    exist (owners, areas, themes, organisations, target groups) are read in four queries."""
    refs = _References.load(datas)
    return [_validate_with(data, refs) for data in datas]


def _validate_with(data: ProjectData, refs: _References) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.title.strip():
        add("title", _("กรุณาใส่ชื่อโครงการ"))
    elif len(data.title) > 500:
        add("title", _("ชื่อโครงการยาวเกิน 500 ตัวอักษร"))
    if len(data.ref_code) > 64:
        add("ref_code", _("รหัสโครงการยาวเกิน 64 ตัวอักษร"))
    if data.status not in refs.statuses:
        add("status", _("สถานะไม่ถูกต้อง"))
    if data.visibility not in refs.visibilities:
        add("visibility", _("การเปิดเผยไม่ถูกต้อง"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        add("end_date", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"))
    if data.owner_id not in refs.organisations:
        add("owner", _("ไม่พบหน่วยงานเจ้าของโครงการ"))
    if not data.area_codes:
        add("areas", _("กรุณาระบุพื้นที่ดำเนินการอย่างน้อยหนึ่งพื้นที่"))
    else:
        for code in data.area_codes:
            if code not in refs.areas:
                add("areas", _("ไม่พบพื้นที่รหัส %(code)s") % {"code": code})
    if data.theme_ids and set(data.theme_ids) - refs.themes:
        add("themes", _("ไม่พบประเด็นงานที่เลือก"))
    org_ids = {o for o, _role in data.roles} | {
        b.source_id for b in data.budget_lines if b.source_id is not None
    }
    if org_ids - refs.organisations:
        add("roles", _("ไม่พบองค์กรที่ระบุ"))
    for _org, role in data.roles:
        if role not in refs.org_roles:
            add("roles", _("บทบาทขององค์กรไม่ถูกต้อง"))
    group_ids = [t.target_group_id for t in data.targets]
    if len(set(group_ids)) != len(group_ids):
        add("targets", _("กลุ่มเป้าหมายซ้ำกัน"))
    if set(group_ids) - refs.target_groups:
        add("targets", _("ไม่พบกลุ่มเป้าหมายที่ระบุ"))
    for t in data.targets:
        if (t.planned is not None and t.planned < 0) or (t.reached is not None and t.reached < 0):
            add("targets", _("จำนวนคนต้องไม่ติดลบ"))
    for i, line in enumerate(data.budget_lines, start=1):
        amount_bad = line.amount is None or line.amount < 0
        too_much = not amount_bad and line.amount >= _TOO_MUCH
        year_bad = not 2500 <= line.fiscal_year <= 2700
        stage_bad = line.stage not in refs.stages
        if not (amount_bad or too_much or year_bad or stage_bad):
            continue  # the message below is only worded for a line that needs one
        where = _("งบประมาณรายการที่ %(n)s") % {"n": i}
        if amount_bad:
            add("budget_lines", _("%(where)s: จำนวนเงินต้องไม่ติดลบ") % {"where": where})
        elif too_much:
            add("budget_lines", _("%(where)s: จำนวนเงินมากเกินจริง") % {"where": where})
        if year_bad:
            add(
                "budget_lines",
                _("%(where)s: ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568") % {"where": where},
            )
        if stage_bad:
            add("budget_lines", _("%(where)s: สถานะงบไม่ถูกต้อง") % {"where": where})
    return errors


_TOO_MUCH = Decimal("1e14")


def _chunks(items: list[Any], size: int = 2000) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def project_data_many(ids: list[int]) -> dict[int, ProjectData]:
    """``project_data`` for many projects (by id), in eight queries per 2,000 projects."""
    found: dict[int, ProjectData] = {}
    for chunk in _chunks(sorted(set(ids))):
        rows = Project.objects.filter(pk__in=chunk).values_list("pk", *PROJECT_FIELDS)
        for pk, *values in rows:
            found[pk] = ProjectData(**dict(zip(PROJECT_FIELDS, values, strict=True)))
        for pid, code in ProjectArea.objects.filter(project_id__in=chunk).values_list(
            "project_id", "area_id"
        ):
            found[pid].area_codes.append(code)
        through = Project.themes.through.objects.filter(project_id__in=chunk)
        for pid, theme_id in through.values_list("project_id", "theme_id"):
            found[pid].theme_ids.append(theme_id)
        for pid, org_id, role in ProjectOrganisation.objects.filter(
            project_id__in=chunk
        ).values_list("project_id", "organisation_id", "role"):
            found[pid].roles.append((org_id, role))
        targets = ProjectTarget.objects.filter(project_id__in=chunk).values_list(
            "project_id", "target_group_id", "planned", "reached"
        )
        for pid, group, planned, reached in targets:
            found[pid].targets.append(TargetData(group, planned, reached))
        lines = BudgetLine.objects.filter(project_id__in=chunk).values_list(
            "project_id", "fiscal_year", "amount", "stage", "source_id", "note"
        )
        for pid, year, amount, stage, source_id, note in lines.order_by("fiscal_year", "id"):
            found[pid].budget_lines.append(BudgetLineData(year, amount, stage, source_id, note))
        contacts = ProjectContact.objects.filter(project_id__in=chunk).values_list(
            "project_id", "name", "position", "phone", "email"
        )
        for pid, name, position, phone, email in contacts.order_by("id"):
            found[pid].contacts.append(
                {"name": name, "position": position, "phone": phone, "email": email}
            )
        links = ProjectLink.objects.filter(project_id__in=chunk).values_list(
            "project_id", "url", "label"
        )
        for pid, url, label in links.order_by("id"):
            found[pid].links.append({"url": url, "label": label})
    return found


@dataclass
class BulkUpdate:
    """One project to replace in ``project_bulk_save``: its id, the version the caller compared
    against, and the new data."""

    project_id: int
    version: int
    data: ProjectData


@dataclass
class BulkSaved:
    """What ``project_bulk_save`` wrote: ids of the created projects (in the order given) and of
    the updated ones (updates that changed nothing are left out)."""

    created: list[int]
    updated: list[int]


def snapshot_quick(data: ProjectData) -> dict[str, Any]:
    """``data_snapshot`` without ``dataclasses.asdict``'s deep copy (a tenth of the time, the
    same result): what bulk saves compare and audit with."""
    snap: dict[str, Any] = {name: _iso(getattr(data, name)) for name in PROJECT_FIELDS}
    snap["area_codes"] = sorted(set(data.area_codes))
    snap["theme_ids"] = sorted(set(data.theme_ids))
    snap["roles"] = sorted({(o, r) for o, r in data.roles} | {(data.owner_id, OrgRole.LEAD.value)})
    snap["targets"] = sorted((t.target_group_id, t.planned, t.reached) for t in data.targets)
    snap["budget_lines"] = sorted(
        (
            b.fiscal_year,
            str(Decimal(b.amount).quantize(Decimal("0.01"))),
            b.stage,
            b.source_id or 0,
            b.note,
        )
        for b in data.budget_lines
    )
    snap["contacts"] = sorted(tuple(sorted(c.items())) for c in data.contacts)
    snap["links"] = sorted(tuple(sorted(link.items())) for link in data.links)
    return {
        k: [list(x) if isinstance(x, tuple) else x for x in v] if isinstance(v, list) else v
        for k, v in snap.items()
    }


def insert_rows(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows (values in ``columns`` order, by attribute name such as
    ``project_id``): PostgreSQL ``COPY`` where it exists, one prepared ``executemany``
    elsewhere. JSON columns take Python values. Runs in the caller's transaction, which it
    requires: these raw paths write audit rows too, and must never half-apply."""
    import json
    from enum import Enum

    from django.db import connection

    if not connection.in_atomic_block:
        raise RuntimeError("insert_rows must run inside transaction.atomic()")
    if not rows:
        return
    fields = {f.attname: f for f in model._meta.concrete_fields}
    if connection.vendor != "postgresql":
        _insert_many(model, columns, rows)
        return
    as_json = [i for i, c in enumerate(columns) if fields[c].get_internal_type() == "JSONField"]
    # Choices are str enums: COPY must get their value ("planned"), not their name.
    as_value = [i for i, c in enumerate(columns) if fields[c].choices]
    names = ", ".join(connection.ops.quote_name(fields[c].column) for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            if as_json or as_value:
                values = list(row)
                for i in as_value:
                    if isinstance(values[i], Enum):
                        values[i] = values[i].value
                for i in as_json:
                    if values[i] is not None:
                        values[i] = json.dumps(values[i])
                row = tuple(values)
            copy.write_row(row)


# Columns the driver takes as they are; the others go through the field's own conversion.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _insert_many(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """One prepared INSERT for all the rows (``executemany``), values converted by their
    fields as Django would (dates, times, money, JSON); no model instances. What
    ``bulk_create`` does, without building and compiling an object per row."""
    from enum import Enum

    from django.db import connection

    fields = {f.attname: f for f in model._meta.concrete_fields}
    convert = [
        None if fields[c].get_internal_type() in _PLAIN and not fields[c].choices else fields[c]
        for c in columns
    ]
    qn = connection.ops.quote_name
    names = ", ".join(qn(fields[c].column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model

    def prepared(row: tuple[Any, ...]) -> list[Any]:
        values = list(row)
        for i, converter in enumerate(convert):
            if converter is not None:
                value = values[i]
                if isinstance(value, Enum):
                    value = value.value
                values[i] = converter.get_db_prep_save(value, connection)
        return values

    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000):
            cursor.executemany(sql, [prepared(row) for row in chunk])


def _update_rows(model: Any, columns: list[str], objs: list[Any]) -> None:
    """Write ``columns`` of saved objects back, one prepared UPDATE sent for all of them
    (``bulk_update`` builds a CASE per field and object, which takes minutes at 100,000)."""
    from django.db import connection

    if not objs:
        return
    fields = [model._meta.get_field(c) for c in columns]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from the model
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, 5000):
            cursor.executemany(sql, chunk)


def _new_ids(model: Any, n: int) -> list[int] | None:
    """``n`` fresh primary keys from the table's sequence (PostgreSQL), for rows inserted with
    ``COPY``; None elsewhere (``bulk_create`` returns them)."""
    from django.db import connection

    if connection.vendor != "postgresql" or n == 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def _write_many(pairs: list[tuple[int, int, ProjectData]], *, new: bool = False) -> None:
    """``_write`` for many saved projects, given as (id, owner id, data): their old collections
    deleted (none when ``new``), the new ones inserted with one bulk insert per table."""
    ids = [] if new else [pk for pk, _owner, _data in pairs]
    for chunk in _chunks(ids):
        for model in (
            ProjectArea,
            ProjectOrganisation,
            ProjectTarget,
            BudgetLine,
            ProjectContact,
            ProjectLink,
        ):
            model.objects.filter(project_id__in=chunk).delete()  # type: ignore[attr-defined]
        Project.themes.through.objects.filter(project_id__in=chunk).delete()
    areas: list[tuple[Any, ...]] = []
    themes: list[tuple[Any, ...]] = []
    roles: list[tuple[Any, ...]] = []
    targets: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    for pk, owner_id, data in pairs:
        areas += [(pk, code) for code in sorted(set(data.area_codes))]
        themes += [(pk, t) for t in sorted(set(data.theme_ids))]
        roles += [(pk, o, r) for o, r in sorted({(owner_id, OrgRole.LEAD.value), *data.roles})]
        targets += [(pk, t.target_group_id, t.planned, t.reached) for t in data.targets]
        lines += [
            (pk, b.fiscal_year, b.amount, b.stage, b.source_id, b.note) for b in data.budget_lines
        ]
        contacts += [
            (pk, c["name"], c.get("position", ""), c.get("phone", ""), c.get("email", ""))
            for c in data.contacts
        ]
        links += [(pk, link["url"], link.get("label", "")) for link in data.links]
    insert_rows(ProjectArea, ["project_id", "area_id"], areas)
    insert_rows(Project.themes.through, ["project_id", "theme_id"], themes)
    insert_rows(ProjectOrganisation, ["project_id", "organisation_id", "role"], roles)
    insert_rows(ProjectTarget, ["project_id", "target_group_id", "planned", "reached"], targets)
    insert_rows(
        BudgetLine, ["project_id", "fiscal_year", "amount", "stage", "source_id", "note"], lines
    )
    insert_rows(ProjectContact, ["project_id", "name", "position", "phone", "email"], contacts)
    insert_rows(ProjectLink, ["project_id", "url", "label"], links)


AUDIT_COLUMNS = [
    "at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "area_code",
    "before",
    "after",
    "note",
]
PROJECT_COLUMNS = [
    "owner_id",
    "ref_code",
    "title",
    "summary",
    "objectives",
    "status",
    "visibility",
    "start_date",
    "end_date",
    "fy_start",
    "fy_end",
    "search_text",
    "version",
    "created_at",
    "updated_at",
    "created_by_id",
]


@transaction.atomic
def project_bulk_save(
    *, actor: Any, creates: list[ProjectData], updates: list[BulkUpdate]
) -> BulkSaved:
    """``project_create`` for each of ``creates`` and ``project_update`` for each of ``updates``
    in one transaction, with bulk inserts: the same permission rule, validation, lead role,
    fiscal years, search words, version rule and one audit row per project, built as
    ``audit.services.record`` builds it. Updates whose data equals the stored project are left
    alone, as ``project_update`` leaves them. Anything wrong raises and nothing is written."""
    from types import SimpleNamespace

    from django.utils import timezone

    creates = [_with_lead(d) for d in creates]
    for u in updates:
        _with_lead(u.data)
    everything = creates + [u.data for u in updates]
    allowed: dict[tuple[int, tuple[str, ...]], bool] = {}
    for data in everything:
        key = (data.owner_id, tuple(sorted(set(data.area_codes))))
        if key not in allowed:
            allowed[key] = queries.can_register(actor, owner_id=key[0], area_codes=list(key[1]))
        if not allowed[key]:
            raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกโครงการของหน่วยงานนี้ในพื้นที่นี้"))
    for errors in validate_many(everything):
        if errors:
            raise ValidationError(errors)

    # ref_code stays unique per owner: within the batch and against what is stored.
    update_ids = {u.project_id for u in updates}
    wanted: dict[tuple[int, str], int] = {}
    for data in everything:
        if data.ref_code:
            code_key = (data.owner_id, data.ref_code)
            wanted[code_key] = wanted.get(code_key, 0) + 1
            if wanted[code_key] > 1:
                raise ValidationError(
                    {
                        "ref_code": [
                            _("หน่วยงานนี้มีโครงการรหัส %(code)s อยู่แล้ว") % {"code": data.ref_code}
                        ]
                    }
                )
    own_codes = {(u.data.owner_id, u.data.ref_code): u.project_id for u in updates}
    owners = sorted({owner_id for owner_id, _code in wanted})
    # One query per 2,000 codes whatever the number of owners; pairs are matched here.
    for chunk in _chunks(sorted({code for _owner, code in wanted})):
        clashes = Project.objects.filter(owner_id__in=owners, ref_code__in=chunk)
        for pk, owner_id, code in clashes.values_list("pk", "owner_id", "ref_code"):
            if (owner_id, code) in wanted and own_codes.get((owner_id, code)) != pk:
                raise ValidationError(
                    {"ref_code": [_("หน่วยงานนี้มีโครงการรหัส %(code)s อยู่แล้ว") % {"code": code}]}
                )

    user = actor if getattr(actor, "is_authenticated", False) else None
    user_id = user.pk if user is not None else None
    label = label_for(actor)
    now = timezone.now()
    events: list[tuple[Any, ...]] = []

    # Updates: the stored projects, locked, editable by the actor, at the version compared.
    updated: list[int] = []
    changed: list[tuple[Project, ProjectData]] = []
    before_all: dict[int, ProjectData] = {}
    if updates:
        current: dict[int, Project] = {}
        for chunk in _chunks(sorted(update_ids)):
            for p in queries.editable_by(actor).select_for_update().filter(pk__in=chunk):
                current[p.pk] = p
        if len(current) != len(update_ids):
            raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขโครงการนี้"))
        before_all = project_data_many(sorted(update_ids))
        for u in updates:
            project = current[u.project_id]
            if project.version != u.version:
                raise EditConflict(project, [])
            before = snapshot_quick(before_all[project.pk])
            after = snapshot_quick(u.data)
            if before == after:
                continue
            _apply_fields(project, u.data)
            project.version += 1
            project.updated_at = now
            changed.append((project, u.data))
            events.append(
                (
                    now,
                    user_id,
                    label,
                    "project.update",
                    project._meta.label_lower,
                    str(project.pk),
                    str(project)[:300],
                    _audit_area(u.data) or "",
                    {**before, "version": project.version - 1},
                    {**after, "version": project.version},
                    "",
                )
            )
        columns = [*PROJECT_FIELDS, "fy_start", "fy_end", "search_text", "version", "updated_at"]
        _update_rows(Project, columns, [p for p, _d in changed])
        _write_many([(p.pk, p.owner_id, d) for p, d in changed])
        updated = [p.pk for p, _d in changed]

    # Creates: the project rows, then their collections, then one audit row each.
    rows = []
    for data in creates:
        values: Any = SimpleNamespace()
        _apply_fields(values, data)
        rows.append(values)
    ids = _new_ids(Project, len(rows))
    if ids is None:
        projects = [
            Project(**vars(v), version=1, created_by_id=user_id, created_at=now, updated_at=now)
            for v in rows
        ]
        Project.objects.bulk_create(projects, batch_size=1000)
        ids = [p.pk for p in projects]
    else:
        insert_rows(
            Project,
            ["id", *PROJECT_COLUMNS],
            [
                (pk, *(getattr(v, c) for c in PROJECT_COLUMNS[:12]), 1, now, now, user_id)
                for pk, v in zip(ids, rows, strict=True)
            ],
        )
    _write_many([(pk, d.owner_id, d) for pk, d in zip(ids, creates, strict=True)], new=True)
    target_type = Project._meta.label_lower
    for pk, data in zip(ids, creates, strict=True):
        events.append(
            (
                now,
                user_id,
                label,
                "project.create",
                target_type,
                str(pk),
                data.title.strip()[:300],
                _audit_area(data) or "",
                None,
                snapshot_quick(data),
                "",
            )
        )
    insert_rows(AuditEvent, AUDIT_COLUMNS, events)
    touched = [code for d in creates for code in d.area_codes]
    for p, d in changed:
        touched += before_all[p.pk].area_codes + d.area_codes
    summary.refresh(summary.reach_codes(touched))
    _overlaps_changed([*ids, *updated])
    return BulkSaved(created=ids, updated=updated)
