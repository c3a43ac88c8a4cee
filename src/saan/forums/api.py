"""The central space for programs: mechanisms, meetings, resolutions (with the register's
filters), common agendas and charters; and reporting progress on a resolution.

Reading is open: anyone reads what is public; a token or a signed-in session shows what that
person may see (the same filters as the pages, ``queries.*_visible_to``). Anything you may not
see answers 404, the same as what does not exist. Reporting progress needs a token or a
session and goes through ``services.progress_report``: the same permission check and audit.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from saan.accounts.api_auth import signed_in
from saan.core.api import (
    ErrorOut,
    OrgRefOut,
    ValidationErrorOut,
    forbidden,
    invalid,
    org_ref,
    strict_caller,
    visible_or_404,
)
from saan.forums import queries, services
from saan.forums.models import (
    AgendaGoal,
    Charter,
    CharterCommitment,
    CharterSignatory,
    CharterVersion,
    CommonAgenda,
    GoalIndicator,
    Mechanism,
    MechanismKind,
    Meeting,
    MeetingStatus,
    Resolution,
    ResolutionStatus,
    bangkok_today,
)

router = Router(tags=["forums"])

MAX_LIMIT = 500


# ---------------------------------------------------------------------------------- output


class MemberOut(Schema):
    id: int
    person_name: str
    organisation: OrgRefOut | None
    sector: str
    role: str
    position: str
    term_start: dt.date
    term_end: dt.date | None


class MechanismOut(Schema):
    id: int
    area_code: str
    area_name_th: str
    kind: str
    kind_label: str
    name: str
    description: str
    is_public: bool
    term_start: dt.date | None
    term_end: dt.date | None
    members: list[MemberOut] = Field(..., description="active members")
    members_by_sector: dict[str, int]


class SectorCountOut(Schema):
    sector: str
    label: str
    people: int


class AgendaItemOut(Schema):
    order: int
    title: str
    kind: str
    detail: str
    resolution_id: int | None
    snapshot: dict[str, Any] | None


class ProgressOut(Schema):
    reported_on: dt.date
    text: str
    reported_by: str
    organisation: OrgRefOut | None
    new_status: str


class ResolutionOut(Schema):
    id: int
    meeting_id: int
    meeting_number: str
    mechanism_id: int
    area_code: str
    order: int
    text: str
    owner: OrgRefOut | None
    due_date: dt.date | None
    fiscal_year: int | None = Field(..., description="ปีงบประมาณ พ.ศ. of the due date")
    status: str
    status_label: str
    overdue: bool
    flagged: bool = Field(..., description="no owner or no due date yet (a draft)")
    closed_on: dt.date | None
    project_ids: list[int]
    indicator_codes: list[str]


class ResolutionDetailOut(ResolutionOut):
    progress: list[ProgressOut]


class ResolutionPage(Schema):
    items: list[ResolutionOut]
    count: int


class MeetingOut(Schema):
    id: int
    mechanism_id: int
    mechanism_name: str
    area_code: str
    number: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    status: str


class MeetingDetailOut(MeetingOut):
    minutes: str
    agenda: list[AgendaItemOut]
    attendance_by_sector: list[SectorCountOut]
    resolutions: list[ResolutionOut]


class TargetOut(Schema):
    indicator_code: str
    indicator_name_th: str
    target: str | None


class GoalOut(Schema):
    id: int
    order: int
    title: str
    description: str
    theme: str | None
    organisations: list[OrgRefOut]
    targets: list[TargetOut]


class AgendaOut(Schema):
    id: int
    area_code: str
    fiscal_year: int
    vision: str
    description: str
    mechanism_id: int | None
    adopted_on: dt.date | None
    is_public: bool
    goals: list[GoalOut]


class SignatoryOut(Schema):
    organisation: OrgRefOut
    signer_name: str
    signed_on: dt.date


class CommitmentOut(Schema):
    text: str
    owner: OrgRefOut | None
    indicator_code: str | None
    status: str


class VersionOut(Schema):
    number: int
    signed_on: dt.date | None
    change_note: str


class CharterOut(Schema):
    id: int
    area_code: str
    title: str
    kind: str
    kind_label: str
    vision: str
    is_public: bool
    versions: list[VersionOut]
    latest_text: str
    signatories: list[SignatoryOut] = Field(..., description="of the latest version")
    commitments: list[CommitmentOut] = Field(..., description="of the latest version")


# ----------------------------------------------------------------------------------- input


class MechanismFilter(Schema):
    area: str | None = Field(None, description="area code: mechanisms in it and under it")
    kind: MechanismKind | None = None


class MeetingFilter(Schema):
    area: str | None = None
    mechanism: int | None = None
    status: MeetingStatus | None = None
    since: dt.date | None = Field(None, description="meetings on or after this date")


class ResolutionFilter(Schema):
    area: str | None = Field(None, description="area code: resolutions of mechanisms in it")
    status: ResolutionStatus | None = None
    owner: int | None = Field(None, description="owner organisation id")
    mechanism: int | None = None
    fy: int | None = Field(None, description="fiscal year of the due date, พ.ศ., e.g. 2569")
    overdue: bool = Field(False, description="only overdue (Asia/Bangkok date)")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class AgendaFilter(Schema):
    area: str | None = None
    fy: int | None = None


class ProgressIn(Schema):
    text: str
    new_status: str = Field("", description="open, in_progress, done, dropped, or empty")
    reported_on: dt.date | None = None


# --------------------------------------------------------------------------------- helpers


def _org(org: Any) -> dict[str, Any] | None:
    if org is None:
        return None
    return org_ref(org)


def _with_members(qs: QuerySet[Mechanism]) -> QuerySet[Mechanism]:
    """Mechanisms with their area and active members read in two queries, not two per row."""
    members = queries.active_members().select_related("organisation")
    return qs.select_related("area").prefetch_related(
        Prefetch("members", queryset=members, to_attr="active_members")
    )


def _mechanism_out(m: Mechanism) -> dict[str, Any]:
    members = getattr(m, "active_members", None)
    if members is None:
        members = list(queries.active_members().filter(mechanism=m).select_related("organisation"))
    by_sector: dict[str, int] = {}
    for member in members:
        by_sector[member.sector] = by_sector.get(member.sector, 0) + 1
    return {
        "id": m.pk,
        "area_code": m.area_id,
        "area_name_th": m.area.name_th,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "name": m.name,
        "description": m.description,
        "is_public": m.is_public,
        "term_start": m.term_start,
        "term_end": m.term_end,
        "members": [
            {
                "id": p.pk,
                "person_name": p.person_name,
                "organisation": _org(p.organisation),
                "sector": p.sector,
                "role": p.role,
                "position": p.position,
                "term_start": p.term_start,
                "term_end": p.term_end,
            }
            for p in members
        ],
        "members_by_sector": by_sector,
    }


def _resolution_out(r: Resolution, today: dt.date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "meeting_id": r.meeting_id,
        "meeting_number": r.meeting.number,
        "mechanism_id": r.meeting.mechanism_id,
        "area_code": r.meeting.mechanism.area_id,
        "order": r.order,
        "text": r.text,
        "owner": _org(r.owner),
        "due_date": r.due_date,
        "fiscal_year": r.fiscal_year,
        "status": r.status,
        "status_label": r.get_status_display(),
        "overdue": r.is_overdue(today),
        "flagged": r.is_flagged,
        "closed_on": r.closed_on,
        "project_ids": sorted(p.pk for p in r.projects.all()),
        "indicator_codes": sorted(i.code for i in r.indicators.all()),
    }


def _meeting_out(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "mechanism_id": m.mechanism_id,
        "mechanism_name": m.mechanism.name,
        "area_code": m.mechanism.area_id,
        "number": m.number,
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "place": m.place,
        "status": m.status,
    }


def _with_goals(qs: QuerySet[CommonAgenda]) -> QuerySet[CommonAgenda]:
    """Agendas with their goals, organisations and targets in a fixed number of queries."""
    goals = AgendaGoal.objects.select_related("theme").order_by("order", "pk")
    return qs.prefetch_related(
        Prefetch("goals", queryset=goals),
        "goals__organisations",
        Prefetch("goals__targets", queryset=GoalIndicator.objects.select_related("indicator")),
    )


def _agenda_out(a: CommonAgenda) -> dict[str, Any]:
    goals = a.goals.all()  # prefetched by _with_goals
    return {
        "id": a.pk,
        "area_code": a.area_id,
        "fiscal_year": a.fiscal_year,
        "vision": a.vision,
        "description": a.description,
        "mechanism_id": a.mechanism_id,
        "adopted_on": a.adopted_on,
        "is_public": a.is_public,
        "goals": [
            {
                "id": g.pk,
                "order": g.order,
                "title": g.title,
                "description": g.description,
                "theme": g.theme.slug if g.theme else None,
                "organisations": [_org(o) for o in g.organisations.all()],
                "targets": [
                    {
                        "indicator_code": t.indicator.code,
                        "indicator_name_th": t.indicator.name_th,
                        "target": None if t.target is None else format(t.target.normalize(), "f"),
                    }
                    for t in g.targets.all()
                ],
            }
            for g in goals
        ],
    }


def _area_filter(qs: QuerySet[Any], field: str, code: str | None) -> QuerySet[Any]:
    return qs.filter(**{f"{field}__startswith": code.strip()}) if code else qs


# ------------------------------------------------------------------------------- endpoints


@router.get("/mechanisms", response={200: list[MechanismOut], 401: ErrorOut}, summary="Mechanisms")
def list_mechanisms(request: HttpRequest, filters: Query[MechanismFilter]):  # type: ignore[no-untyped-def]
    """Joint mechanisms (working groups, councils, assemblies) the caller may read, with their
    active members and the count of members by sector."""
    qs = _area_filter(
        queries.mechanisms_visible_to(strict_caller(request)), "area__code", filters.area
    )
    qs = _with_members(qs)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return Status(200, [_mechanism_out(m) for m in qs.order_by("area_id", "name")[:MAX_LIMIT]])


@router.get(
    "/mechanisms/{mechanism_id}",
    response={200: MechanismOut, 401: ErrorOut, 404: ErrorOut},
    summary="One mechanism",
)
def get_mechanism(request: HttpRequest, mechanism_id: int):  # type: ignore[no-untyped-def]
    m = visible_or_404(
        queries.mechanisms_visible_to(strict_caller(request)),
        mechanism_id,
        "ไม่พบกลไก / No such mechanism",
    )
    return Status(200, _mechanism_out(m))


@router.get("/meetings", response={200: list[MeetingOut], 401: ErrorOut}, summary="Meetings")
def list_meetings(request: HttpRequest, filters: Query[MeetingFilter]):  # type: ignore[no-untyped-def]
    qs = _area_filter(
        queries.meetings_visible_to(strict_caller(request)), "mechanism__area__code", filters.area
    )
    if filters.mechanism:
        qs = qs.filter(mechanism_id=filters.mechanism)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.since:
        qs = qs.filter(starts_at__date__gte=filters.since)
    return Status(200, [_meeting_out(m) for m in qs.order_by("-starts_at")[:MAX_LIMIT]])


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="One meeting: agenda, attendance by sector, resolutions",
)
def get_meeting(request: HttpRequest, meeting_id: int):  # type: ignore[no-untyped-def]
    user = strict_caller(request)
    m = visible_or_404(
        queries.meetings_visible_to(user), meeting_id, "ไม่พบการประชุม / No such meeting"
    )
    today = bangkok_today()
    resolutions = (
        queries.resolutions_visible_to(user)
        .filter(meeting=m)
        .prefetch_related("projects", "indicators")
    )
    return Status(
        200,
        {
            **_meeting_out(m),
            "minutes": m.minutes,
            "agenda": [
                {
                    "order": i.order,
                    "title": i.title,
                    "kind": i.kind,
                    "detail": i.detail,
                    "resolution_id": i.resolution_id,
                    "snapshot": i.snapshot,
                }
                for i in m.agenda_items.all()
            ],
            "attendance_by_sector": [
                {"sector": s, "label": label, "people": n}
                for s, label, n in queries.sector_counts(m)
            ],
            "resolutions": [_resolution_out(r, today) for r in resolutions],
        },
    )


@router.get(
    "/resolutions",
    response={200: ResolutionPage, 401: ErrorOut},
    summary="The resolution register",
)
def list_resolutions(request: HttpRequest, filters: Query[ResolutionFilter]):  # type: ignore[no-untyped-def]
    """Resolutions the caller may read, soonest due first. ``overdue`` means due before today
    in Thailand and neither done nor dropped."""
    f = queries.RegisterFilters(
        status=filters.status or "",
        owner=filters.owner,
        mechanism=filters.mechanism,
        fiscal_year=filters.fy,
        overdue=filters.overdue,
    )
    qs = queries.register(strict_caller(request), (filters.area or "").strip(), f)
    count = qs.count()
    rows = qs.prefetch_related("projects", "indicators")[
        filters.offset : filters.offset + filters.limit
    ]
    today = bangkok_today()
    return Status(200, {"items": [_resolution_out(r, today) for r in rows], "count": count})


def _resolution_detail(r: Resolution) -> dict[str, Any]:
    return {
        **_resolution_out(r, bangkok_today()),
        "progress": [
            {
                "reported_on": p.reported_on,
                "text": p.text,
                "reported_by": p.reported_by_label,
                "organisation": _org(p.organisation),
                "new_status": p.new_status,
            }
            for p in r.progress.select_related("organisation")
        ],
    }


@router.get(
    "/resolutions/{resolution_id}",
    response={200: ResolutionDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="One resolution with its progress reports",
)
def get_resolution(request: HttpRequest, resolution_id: int):  # type: ignore[no-untyped-def]
    r = visible_or_404(
        queries.resolutions_visible_to(strict_caller(request)),
        resolution_id,
        "ไม่พบมติ / No such resolution",
    )
    return Status(200, _resolution_detail(r))


@router.post(
    "/resolutions/{resolution_id}/progress",
    response={
        201: ResolutionDetailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Report progress on a resolution",
)
def report_progress(request: HttpRequest, resolution_id: int, body: ProgressIn):  # type: ignore[no-untyped-def]
    """For the owner organisation's editors and coordinators and the mechanism's runners.
    ``new_status`` moves the resolution on (e.g. ``done``)."""
    r = visible_or_404(
        queries.resolutions_visible_to(request.user), resolution_id, "ไม่พบมติ / No such resolution"
    )
    try:
        services.progress_report(
            actor=request.user,
            resolution=r,
            text=body.text,
            new_status=body.new_status,
            reported_on=body.reported_on,
        )
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, _resolution_detail(Resolution.objects.get(pk=r.pk)))


@router.get("/agendas", response={200: list[AgendaOut], 401: ErrorOut}, summary="Common agendas")
def list_agendas(request: HttpRequest, filters: Query[AgendaFilter]):  # type: ignore[no-untyped-def]
    qs = _area_filter(
        queries.agendas_visible_to(strict_caller(request)), "area__code", filters.area
    )
    if filters.fy:
        qs = qs.filter(fiscal_year=filters.fy)
    agendas = _with_goals(qs.order_by("area_id", "-fiscal_year"))[:MAX_LIMIT]
    return Status(200, [_agenda_out(a) for a in agendas])


@router.get(
    "/agendas/{agenda_id}",
    response={200: AgendaOut, 401: ErrorOut, 404: ErrorOut},
    summary="One common agenda with goals and targets",
)
def get_agenda(request: HttpRequest, agenda_id: int):  # type: ignore[no-untyped-def]
    a = visible_or_404(
        _with_goals(queries.agendas_visible_to(strict_caller(request))),
        agenda_id,
        "ไม่พบวาระร่วม / No such common agenda",
    )
    return Status(200, _agenda_out(a))


def _with_versions(qs: QuerySet[Charter]) -> QuerySet[Charter]:
    """Charters with their versions (newest first), signatories and commitments, in a fixed
    number of queries however many charters are listed."""
    return qs.prefetch_related(
        Prefetch("versions", queryset=CharterVersion.objects.order_by("-number")),
        Prefetch(
            "versions__signatories",
            queryset=CharterSignatory.objects.select_related("organisation"),
        ),
        Prefetch(
            "versions__commitments",
            queryset=CharterCommitment.objects.select_related("owner", "indicator"),
        ),
    )


def _charter_out(c: Any) -> dict[str, Any]:
    versions = list(c.versions.all())
    latest: CharterVersion | None = versions[0] if versions else None
    return {
        "id": c.pk,
        "area_code": c.area_id,
        "title": c.title,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "vision": c.vision,
        "is_public": c.is_public,
        "versions": [
            {"number": v.number, "signed_on": v.signed_on, "change_note": v.change_note}
            for v in versions
        ],
        "latest_text": latest.text if latest else "",
        "signatories": [
            {
                "organisation": _org(s.organisation),
                "signer_name": s.signer_name,
                "signed_on": s.signed_on,
            }
            for s in (latest.signatories.all() if latest else [])
        ],
        "commitments": [
            {
                "text": k.text,
                "owner": _org(k.owner),
                "indicator_code": k.indicator.code if k.indicator else None,
                "status": k.status,
            }
            for k in (latest.commitments.all() if latest else [])
        ],
    }


@router.get("/charters", response={200: list[CharterOut], 401: ErrorOut}, summary="Charters")
def list_charters(request: HttpRequest, area: str | None = None):  # type: ignore[no-untyped-def]
    qs = _with_versions(
        _area_filter(queries.charters_visible_to(strict_caller(request)), "area__code", area)
    )
    return Status(200, [_charter_out(c) for c in qs.order_by("area_id", "title")[:MAX_LIMIT]])


@router.get(
    "/charters/{charter_id}",
    response={200: CharterOut, 401: ErrorOut, 404: ErrorOut},
    summary="One charter: its latest text, signatories and commitments",
)
def get_charter(request: HttpRequest, charter_id: int):  # type: ignore[no-untyped-def]
    c = visible_or_404(
        _with_versions(queries.charters_visible_to(strict_caller(request))),
        charter_id,
        "ไม่พบธรรมนูญ / No such charter",
    )
    return Status(200, _charter_out(c))
