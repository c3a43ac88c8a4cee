"""The overlaps API (mounted at /api/overlaps/ by saan.api).

Findings, decisions and comments need a token or a signed-in session and follow the pages'
rules (``queries``): coordinators of the area and editors of either organisation see a
finding, only when they may see both projects; coordinators decide; a finding you may not see
answers 404, the same as one that does not exist. Gap tables are open: they count only the
projects the caller may see.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from saan.accounts.api_auth import api_user, signed_in
from saan.areas.models import Area
from saan.core.api import ErrorOut, ValidationErrorOut, forbidden, invalid, visible_or_404
from saan.core.thai import normalise_digits
from saan.indicators import queries as indicator_queries
from saan.indicators.models import Indicator
from saan.overlaps import gaps, queries, services
from saan.overlaps.detector import expected_precision
from saan.overlaps.models import Finding, FindingComment
from saan.projects.models import Theme

router = Router(tags=["overlaps"])

MAX_LIMIT = 500


class ProjectRefOut(Schema):
    id: int
    title: str
    owner_id: int
    owner: str


class CommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: dt.datetime


class FindingOut(Schema):
    id: int
    kind: str
    state: str
    state_label: str
    score: float
    expected_precision: float | None
    project_a: ProjectRefOut
    project_b: ProjectRefOut
    same_organisation: bool
    area_code: str
    overlap_start: dt.date | None
    overlap_end: dt.date | None
    shared_subdistricts: list[str]
    shared_days: int
    shared_words: list[str]
    shared_themes: list[str]
    shared_target_groups: list[str]
    reasons: list[str]
    is_current: bool
    stale_reason: str
    reraised: bool
    decision: str
    decision_detail: dict[str, Any]
    decided_at: dt.datetime | None
    url: str


class FindingDetailOut(FindingOut):
    comments: list[CommentOut]
    can_decide: bool


class FindingFilter(Schema):
    area: str = Field("", description='Area code: findings in it ("" = everywhere)')
    fy: int | None = Field(None, description="Fiscal year (พ.ศ.) the overlap falls in")
    state: list[str] = Field([], description="suggested, confirmed, dismissed, resolved")
    kind: str = Field("", description="overlap or continuation")
    min_score: float | None = Field(None, ge=0, le=1)
    include_stale: bool = False
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class DecisionIn(Schema):
    action: str = Field(..., description="confirm, dismiss, reopen, link, merge or continue")
    comment: str = ""
    role_of_a_in_b: str = Field("partner", description="link: implementing, partner or funding")
    role_of_b_in_a: str = Field("partner", description="link: implementing, partner or funding")
    project: int | None = Field(None, description="merge: the survivor; continue: who continues")


class CommentIn(Schema):
    text: str


def _ref(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "title": p.title, "owner_id": p.owner_id, "owner": p.owner.label}


def _out(f: Finding) -> dict[str, Any]:
    e = f.explanation or {}
    return {
        "id": f.pk,
        "kind": f.kind,
        "state": f.state,
        "state_label": str(f.get_state_display()),
        "score": f.score,
        "expected_precision": expected_precision(f.score),
        "project_a": _ref(f.project_a),
        "project_b": _ref(f.project_b),
        "same_organisation": f.same_organisation,
        "area_code": f.area_code,
        "overlap_start": f.overlap_start,
        "overlap_end": f.overlap_end,
        "shared_subdistricts": e.get("shared_subdistricts", []),
        "shared_days": e.get("shared_days", 0),
        "shared_words": e.get("shared_words", []),
        "shared_themes": e.get("shared_themes", []),
        "shared_target_groups": e.get("shared_target_groups", []),
        "reasons": e.get("reasons", []),
        "is_current": f.is_current,
        "stale_reason": f.stale_reason,
        "reraised": f.reraised,
        "decision": f.decision,
        "decision_detail": f.decision_detail or {},
        "decided_at": f.decided_at,
        "url": f.get_absolute_url(),
    }


def _detail(user: Any, f: Finding) -> dict[str, Any]:
    return {
        **_out(f),
        "comments": [
            {"id": c.pk, "author": c.author_label, "text": c.text, "created_at": c.created_at}
            for c in FindingComment.objects.filter(finding=f)
        ],
        "can_decide": queries.can_decide(user, f),
    }


def _get(user: Any, finding_id: int) -> Finding:
    return visible_or_404(queries.visible_to(user), finding_id, "ไม่พบข้อสังเกต / No such finding")


@router.get(
    "/findings",
    response={200: list[FindingOut], 401: ErrorOut},
    auth=signed_in,
    summary="Likely overlaps and continuations",
)
def list_findings(request: HttpRequest, filters: Query[FindingFilter]):  # type: ignore[no-untyped-def]
    qs = queries.findings(
        request.user,
        area_code=normalise_digits(filters.area).strip(),
        fiscal_year=filters.fy,
        states=filters.state or None,
        kind=filters.kind or None,
        min_score=filters.min_score,
        current_only=not filters.include_stale,
    )
    rows = qs[filters.offset : filters.offset + filters.limit]
    return Status(200, [_out(f) for f in rows])


@router.get(
    "/findings/{finding_id}",
    response={200: FindingDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=signed_in,
    summary="One finding with its comments",
)
def get_finding(request: HttpRequest, finding_id: int):  # type: ignore[no-untyped-def]
    return Status(200, _detail(request.user, _get(request.user, finding_id)))


@router.post(
    "/findings/{finding_id}/decisions",
    response={
        200: FindingDetailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Decide on a finding",
)
def decide(request: HttpRequest, finding_id: int, body: DecisionIn):  # type: ignore[no-untyped-def]
    """Coordinators of the area: ``confirm``, ``dismiss`` (with a comment), ``reopen``,
    ``link`` (each organisation joins the other's project in the role given), ``merge``
    (``project`` survives; needs the right to edit both projects) or ``continue`` (``project``
    continues, the other stops)."""
    user = request.user
    f = _get(user, finding_id)
    try:
        if body.action == "confirm":
            services.finding_confirm(actor=user, finding=f, comment=body.comment)
        elif body.action == "dismiss":
            services.finding_dismiss(actor=user, finding=f, comment=body.comment)
        elif body.action == "reopen":
            services.finding_reopen(actor=user, finding=f, comment=body.comment)
        elif body.action == "link":
            services.finding_link(
                actor=user,
                finding=f,
                role_of_a_in_b=body.role_of_a_in_b,
                role_of_b_in_a=body.role_of_b_in_a,
                comment=body.comment,
            )
        elif body.action in ("merge", "continue"):
            if body.project is None:
                raise ValidationError({"project": ["กรุณาเลือกโครงการ / Choose a project"]})
            if body.action == "merge":
                services.finding_merge(
                    actor=user, finding=f, survivor_id=body.project, comment=body.comment
                )
            else:
                services.finding_agree_continue(
                    actor=user, finding=f, continues_id=body.project, comment=body.comment
                )
        else:
            raise ValidationError({"action": ["ไม่รู้จักการตัดสินนี้ / Unknown action"]})
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    return Status(200, _detail(user, _get(user, finding_id)))


@router.post(
    "/findings/{finding_id}/comments",
    response={
        201: CommentOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Comment on a finding",
)
def comment(request: HttpRequest, finding_id: int, body: CommentIn):  # type: ignore[no-untyped-def]
    f = _get(request.user, finding_id)
    try:
        c = services.finding_comment_add(actor=request.user, finding=f, text=body.text)
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    return Status(
        201, {"id": c.pk, "author": c.author_label, "text": c.text, "created_at": c.created_at}
    )


class GapFilter(Schema):
    indicator: str = Field("", description="Need indicator code (e.g. tpmap-poor-hh)")
    period: str = Field("", description="Indicator period; the latest with data if empty")
    theme: str = Field("", description="Theme slug; all themes if empty")
    fy: int | None = Field(None, description="Fiscal year (พ.ศ.) of the work and budget")


class GapRowOut(Schema):
    rank: int | None
    area_code: str
    area_name: str
    need: float | None
    projects: int
    budget: float
    budget_by_source: dict[str, float]
    planned: int
    reached: int
    subdistricts: int
    uncovered_subdistricts: int
    response_per_need: float | None


class GapsOut(Schema):
    area_code: str
    indicator: str | None
    period: str
    theme: str | None
    fiscal_year: int | None
    rows: list[GapRowOut]
    uncovered: list[str]
    idle_agenda_themes: list[str]
    idle_themes: list[str]


@router.get(
    "/gaps/{code}",
    response={200: GapsOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Need against response for the children of an area",
)
def gap_table(request: HttpRequest, code: str, filters: Query[GapFilter]):  # type: ignore[no-untyped-def]
    """``code`` is a province or district code, or ``TH`` for the country."""
    user = api_user(request)
    area_code = "" if code.strip().upper() == "TH" else normalise_digits(code).strip()
    if area_code and not Area.objects.filter(code=area_code).exists():
        raise Http404("ไม่พบพื้นที่ / No such area")
    indicator = None
    if filters.indicator:
        indicator = Indicator.objects.filter(code=filters.indicator).first()
        if indicator is None:
            return invalid({"indicator": ["ไม่พบตัวชี้วัดนี้ / Unknown indicator"]})
    period = filters.period
    if indicator is not None and not period:
        periods = indicator_queries.periods_with_data([indicator])
        period = periods[-1] if periods else ""
    theme = Theme.objects.filter(slug=filters.theme).first() if filters.theme else None
    g = gaps.compute(
        user,
        area_code=area_code,
        indicator=indicator,
        period=period,
        theme=theme,
        fiscal_year=filters.fy,
    )
    return Status(
        200,
        {
            "area_code": area_code,
            "indicator": indicator.code if indicator else None,
            "period": period,
            "theme": theme.slug if theme else None,
            "fiscal_year": filters.fy,
            "rows": [
                {
                    "rank": r.rank,
                    "area_code": r.area.code,
                    "area_name": r.area.name_th,
                    "need": float(r.need) if r.need is not None else None,
                    "projects": r.projects,
                    "budget": float(r.budget),
                    "budget_by_source": {k: float(v) for k, v in r.by_source.items()},
                    "planned": int(r.planned),
                    "reached": int(r.reached),
                    "subdistricts": r.subdistricts,
                    "uncovered_subdistricts": r.uncovered,
                    "response_per_need": r.ratio,
                }
                for r in g.rows
            ],
            "uncovered": [s.code for s in g.uncovered],
            "idle_agenda_themes": [t.slug for t in g.idle_agenda_themes],
            "idle_themes": [t.slug for t in g.idle_themes],
        },
    )
