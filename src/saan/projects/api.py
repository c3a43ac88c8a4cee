"""The work register for programs: list, read, register, change and remove projects, and the
vocabularies (themes, target groups) a project names.

Reading is open: anyone sees public projects, and a token or a signed-in session shows what
that person may see (``queries.visible_to``). Writing needs a token or a session and goes
through ``services``: the same permission checks, validation messages and audit trail as the
pages and the spreadsheet importer.

The import status endpoint (``GET /api/imports/{id}``) belongs to the importer and is mounted
from ``saan.projects`` by the import engineer; it is not part of this router.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from pydantic import field_validator

from saan.accounts.api_auth import signed_in
from saan.core.api import (
    ErrorOut,
    ValidationErrorOut,
    forbidden,
    invalid,
    strict_caller,
    visible_or_404,
)
from saan.core.thai import parse_baht
from saan.projects import queries, services
from saan.projects.exports import export_queryset, project_record
from saan.projects.filters import DEFAULT_SORT, SORTS, FilterError, filter_projects, sort_projects
from saan.projects.models import OrgRole, Project, Stage, Status, TargetGroup, Theme

router = Router(tags=["projects"])

NOT_FOUND = "ไม่พบโครงการ / No such project"
MAX_LIMIT = 500


# ------------------------------------------------------------------------------- output


class ProjectOrgOut(Schema):
    id: int
    name_th: str
    name_en: str
    short_name: str


class OrgRoleOut(ProjectOrgOut):
    role: str
    role_label: str


class PlaceOut(Schema):
    code: str
    name_th: str
    name_en: str


class ProjectAreaOut(Schema):
    code: str
    level: str
    name_th: str
    name_en: str
    label_th: str = Field(..., description="เช่น ต.บ้านเป็ด อ.เมืองขอนแก่น จ.ขอนแก่น")
    province: PlaceOut
    district: PlaceOut | None


class ThemeRefOut(Schema):
    slug: str
    name_th: str
    name_en: str


class TargetOut(Schema):
    slug: str
    name_th: str
    name_en: str
    planned: int | None
    reached: int | None


class BudgetLineOut(Schema):
    fiscal_year: int = Field(..., description="ปีงบประมาณ พ.ศ.")
    amount: str = Field(..., description="บาท, exact decimal string, e.g. 80000.00")
    stage: str
    source: ProjectOrgOut | None
    note: str


class ProjectOut(Schema):
    id: int
    ref_code: str
    title: str
    summary: str
    objectives: str
    status: str
    status_label: str
    visibility: str
    start_date: dt.date | None
    end_date: dt.date | None
    fy_start: int | None
    fy_end: int | None
    fiscal_years: list[int]
    owner: ProjectOrgOut
    organisations: list[OrgRoleOut]
    areas: list[ProjectAreaOut]
    themes: list[ThemeRefOut]
    targets: list[TargetOut]
    budget_lines: list[BudgetLineOut]
    budget_total: str | None
    version: int = Field(..., description="send it back with PUT: a stale one is refused (409)")
    updated_at: dt.datetime


class ProjectPage(Schema):
    items: list[ProjectOut]
    count: int


class ChangeOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ConflictOut(Schema):
    detail: str
    current_version: int
    changes: list[ChangeOut]


class ThemeOut(Schema):
    slug: str
    name_th: str
    name_en: str
    is_active: bool


class TargetGroupOut(Schema):
    slug: str
    kind: str
    name_th: str
    name_en: str


# -------------------------------------------------------------------------------- input


class ProjectFilter(Schema):
    area: str | None = Field(None, description="area code: projects that reach it")
    org: int | None = Field(None, description="organisation id: owner or any role")
    role: OrgRole | None = Field(None, description="with org: only this role")
    theme: str | None = Field(None, description="theme slug (GET /api/themes)")
    target: str | None = Field(None, description="target group slug (GET /api/target-groups)")
    fy: int | None = Field(None, description="fiscal year, พ.ศ., e.g. 2568")
    status: Status | None = None
    q: str | None = Field(None, description="Thai words in the title, summary or objectives")
    sort: str = Field(DEFAULT_SORT, description=f"one of {', '.join(SORTS)}")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class RoleIn(Schema):
    organisation_id: int
    role: str = Field(..., description=", ".join(OrgRole.values))


class TargetIn(Schema):
    target_group: str = Field(..., description="target group slug, e.g. bedridden")
    planned: int | None = None
    reached: int | None = None


class BudgetLineIn(Schema):
    fiscal_year: int = Field(..., description="ปีงบประมาณ พ.ศ., e.g. 2568")
    amount: Decimal = Field(..., description="บาท: 80000, '80,000.-' or '1.2 ล้านบาท'")
    stage: str = Field(Stage.PLANNED.value, description=", ".join(Stage.values))
    source_id: int | None = Field(None, description="the organisation whose money it is")
    note: str = ""

    @field_validator("amount", mode="before")
    @classmethod
    def _baht(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse_baht(value)
            except ValueError:
                raise ValueError("จำนวนเงินไม่ถูกต้อง / not an amount in baht") from None
        return value


class ContactIn(Schema):
    name: str
    position: str = ""
    phone: str = ""
    email: str = ""


class LinkIn(Schema):
    url: str
    label: str = ""


class ProjectIn(Schema):
    owner_id: int
    title: str
    ref_code: str = ""
    summary: str = ""
    objectives: str = ""
    status: str = Field(Status.PLANNED.value, description=", ".join(Status.values))
    visibility: str = Field("alliance", description="public, alliance or private")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    area_codes: list[str] = Field(..., description="DOPA codes, e.g. ['400115']")
    themes: list[str] = Field([], description="theme slugs")
    targets: list[TargetIn] = []
    roles: list[RoleIn] = Field([], description="other organisations; the owner is always lead")
    budget_lines: list[BudgetLineIn] = []
    contacts: list[ContactIn] = []
    links: list[LinkIn] = []


class ProjectUpdateIn(ProjectIn):
    version: int = Field(..., description="the version you read; a newer one means a 409")


# ------------------------------------------------------------------------------ helpers


def _visible(request: HttpRequest, project_id: int) -> Project:
    return visible_or_404(queries.visible_to(strict_caller(request)), project_id, NOT_FOUND)


def _record(project_id: int) -> dict[str, Any]:
    return project_record(export_queryset(Project.objects.filter(pk=project_id)).get())


def _to_data(body: ProjectIn) -> services.ProjectData:
    """The request as ``ProjectData``: slugs become ids. An unknown slug is reported with
    everything else ``services.validate`` finds, as one ``ValidationError``, so a program
    learns every problem of a request at once."""
    errors: dict[str, list[str]] = {}
    themes = dict(Theme.objects.filter(slug__in=body.themes).values_list("slug", "pk"))
    for slug in body.themes:
        if slug not in themes:
            errors.setdefault("themes", []).append(f"ไม่พบประเด็นงาน {slug}")
    groups = dict(
        TargetGroup.objects.filter(slug__in=[t.target_group for t in body.targets]).values_list(
            "slug", "pk"
        )
    )
    for t in body.targets:
        if t.target_group not in groups:
            errors.setdefault("targets", []).append(f"ไม่พบกลุ่มเป้าหมาย {t.target_group}")
    data = services.ProjectData(
        owner_id=body.owner_id,
        title=body.title,
        ref_code=body.ref_code.strip(),
        summary=body.summary,
        objectives=body.objectives,
        status=body.status,
        visibility=body.visibility,
        start_date=body.start_date,
        end_date=body.end_date,
        area_codes=[c.strip() for c in body.area_codes],
        theme_ids=[themes[s] for s in body.themes if s in themes],
        roles=[(r.organisation_id, r.role) for r in body.roles],
        targets=[
            services.TargetData(groups[t.target_group], t.planned, t.reached)
            for t in body.targets
            if t.target_group in groups
        ],
        budget_lines=[
            services.BudgetLineData(b.fiscal_year, b.amount, b.stage, b.source_id, b.note)
            for b in body.budget_lines
        ],
        contacts=[c.model_dump() for c in body.contacts],
        links=[link.model_dump() for link in body.links],
    )
    if errors:
        for name, messages in services.validate(data).items():
            errors.setdefault(name, []).extend(messages)
        raise ValidationError(errors)
    return data


# ---------------------------------------------------------------------------- endpoints


@router.get(
    "/projects",
    response={200: ProjectPage, 401: ErrorOut, 422: ValidationErrorOut},
    summary="List projects",
)
def list_projects(request: HttpRequest, filters: Query[ProjectFilter]):  # type: ignore[no-untyped-def]
    """Projects the caller may see (public ones without a token), newest change first.
    Filters: ``area`` (a code: projects that reach it, including district- and province-wide
    ones), ``org`` and ``role``, ``theme``, ``target``, ``fy`` (พ.ศ.), ``status``, ``q`` (Thai
    words). Paginated with ``limit`` and ``offset``; ``count`` is the total."""
    if filters.sort not in SORTS:
        return invalid({"sort": [f"เรียงได้ตาม / sort is one of: {', '.join(SORTS)}"]})
    params = filters.model_dump(exclude={"sort", "limit", "offset"}, exclude_none=True)
    try:
        qs = filter_projects(
            queries.visible_to(strict_caller(request)),
            {k: str(v) for k, v in params.items()},
            strict=True,
        )
    except FilterError as exc:
        return invalid({k: [v] for k, v in exc.errors.items()})
    qs = sort_projects(qs, filters.sort)
    count = qs.count()
    page = export_queryset(qs[filters.offset : filters.offset + filters.limit])
    return Reply(200, {"items": [project_record(p) for p in page], "count": count})


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, 401: ErrorOut, 404: ErrorOut},
    summary="One project",
)
def get_project(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    """The whole project; 404 when it does not exist or the caller may not see it."""
    return Reply(200, _record(_visible(request, project_id).pk))


@router.post(
    "/projects",
    response={201: ProjectOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    auth=signed_in,
    summary="Register a project",
)
def create_project(request: HttpRequest, body: ProjectIn):  # type: ignore[no-untyped-def]
    """Register a project for an organisation you edit for, in areas inside your grant.
    403 when you may not; 422 with a Thai message per field when the data is wrong."""
    try:
        project = services.project_create(actor=request.user, data=_to_data(body))
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    return Reply(201, _record(project.pk))


@router.put(
    "/projects/{project_id}",
    response={
        200: ProjectOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Replace a project",
)
def update_project(request: HttpRequest, project_id: int, body: ProjectUpdateIn):  # type: ignore[no-untyped-def]
    """Replace every field and list of the project. Send the ``version`` you read: if someone
    saved in between, the answer is 409 with their changes and nothing is overwritten.
    404 for a project you may not change (the same answer as for a missing one); 403 when you
    may change it but not the way asked (e.g. moving it outside your area)."""
    project = visible_or_404(queries.editable_by(request.user), project_id, NOT_FOUND)
    try:
        services.project_update(
            actor=request.user, project=project, data=_to_data(body), expected_version=body.version
        )
    except services.EditConflict as exc:
        return Reply(
            409,
            {
                "detail": f"{exc} / Someone else changed this project after you read it",
                "current_version": exc.project.version,
                "changes": [
                    {
                        "at": e.at,
                        "actor": e.actor_label,
                        "action": e.action,
                        "before": e.before,
                        "after": e.after,
                    }
                    for e in exc.changes
                ],
            },
        )
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    return Reply(200, _record(project_id))


@router.delete(
    "/projects/{project_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    auth=signed_in,
    summary="Remove a project",
)
def delete_project(request: HttpRequest, project_id: int):  # type: ignore[no-untyped-def]
    """Remove a project you may change (the audit trail keeps all of it); 404 otherwise."""
    project = visible_or_404(queries.editable_by(request.user), project_id, NOT_FOUND)
    try:
        services.project_delete(actor=request.user, project=project)
    except PermissionDenied:
        raise Http404(NOT_FOUND) from None
    return Reply(204, None)


@router.get("/themes", response=list[ThemeOut], summary="Themes of work")
def list_themes(request: HttpRequest, active: bool | None = None):  # type: ignore[no-untyped-def]
    """The editable vocabulary of themes (``slug`` is what filters and ``themes`` take)."""
    qs = Theme.objects.all()
    if active is not None:
        qs = qs.filter(is_active=active)
    return list(qs)


@router.get("/target-groups", response=list[TargetGroupOut], summary="Target groups")
def list_target_groups(request: HttpRequest, kind: str | None = None):  # type: ignore[no-untyped-def]
    """Life stages (``kind=life_stage``) and groups such as ผู้ป่วยติดเตียง (``kind=group``)."""
    qs = TargetGroup.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


# GET /api/imports/{id} (an import's progress and row report) is added by the importer's
# router, not here. Exports are files: the HTML route /projects/export/<fmt>/ serves them.
