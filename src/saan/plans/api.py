"""Joint plans for programs: plans with their items and counted totals, contributions (list,
detail, create, update), and the alliance's co-investment picture.

Reading is open: anyone reads what is public; a token or a signed-in session shows what that
person may see (the same filters as the pages, ``queries.*_visible_to``). Anything you may not
see answers 404, the same as what does not exist. Recording a contribution needs a token or a
session and goes through the same services (a focal point records only for their own
organisation). Amounts are strings of baht with two decimals, counted once at the original
source where the answer says ``counted``.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
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
from saan.partners.models import Organisation
from saan.plans import queries, services
from saan.plans.models import STAGES, BudgetSource, Contribution, Plan, PlanItem

router = Router(tags=["plans"])

MAX_LIMIT = 1000


class StagesOut(Schema):
    pledged: str
    committed: str
    disbursed: str
    spent: str


class RoleOut(Schema):
    organisation: OrgRefOut
    role: str


class TargetOut(Schema):
    indicator_code: str
    indicator_name_th: str
    target: str | None


class ItemOut(Schema):
    id: int
    plan_id: int
    goal_id: int | None
    goal_title: str
    order: int
    title: str
    description: str
    budget_needed: str | None
    areas: list[str] = Field(..., description="area codes; empty means the plan's whole area")
    indicators: list[TargetOut]
    organisations: list[RoleOut]
    project_ids: list[int]
    counted: StagesOut = Field(..., description="totals counted once at the original source")


class PlanOut(Schema):
    id: int
    area_code: str
    area_name_th: str
    fiscal_year: int = Field(..., description="ปีงบประมาณ พ.ศ.")
    fiscal_year_end: int
    title: str
    status: str
    version: int
    agenda_id: int | None
    is_public: bool
    agreed_versions: list[int]


class PlanDetailOut(PlanOut):
    description: str
    counted: StagesOut
    items: list[ItemOut]


class ContributionOut(Schema):
    id: int
    item_id: int
    plan_id: int
    organisation: OrgRefOut
    original_source: OrgRefOut = Field(..., description="top of the transfer chain")
    kind: str
    in_kind_type: str
    budget_source: str | None
    fiscal_year: int
    pledged: str
    committed: str
    disbursed: str
    spent: str
    counted: StagesOut
    funded_by: int | None
    note: str
    is_public: bool


class ContributionIn(Schema):
    item_id: int
    organisation_id: int
    fiscal_year: int
    kind: str = "cash"
    in_kind_type: str = ""
    budget_source_id: int | None = None
    pledged: str = "0"
    committed: str = "0"
    disbursed: str = "0"
    spent: str = "0"
    funded_by: int | None = None
    note: str = ""
    is_public: bool = True


class ContributionPatch(Schema):
    kind: str | None = None
    in_kind_type: str | None = None
    budget_source_id: int | None = None
    fiscal_year: int | None = None
    pledged: str | None = None
    committed: str | None = None
    disbursed: str | None = None
    spent: str | None = None
    funded_by: int | None = None
    note: str | None = None
    is_public: bool | None = None


class PlanFilter(Schema):
    area: str | None = Field(None, description="area code: this area and everything under it")
    fy: int | None = Field(None, description="ปีงบประมาณ พ.ศ.")


class ContributionFilter(Schema):
    plan: int | None = None
    item: int | None = None
    organisation: int | None = None
    fy: int | None = None


class CoInvestmentFilter(Schema):
    stage: str = "pledged"
    area: str | None = None
    fy: int | None = None


class AmountOut(Schema):
    key: str
    label: str
    amount: str


class SourceYearOut(Schema):
    source: str
    by_year: dict[str, str]
    total: str


class CoInvestmentOut(Schema):
    stage: str
    total: str
    pass_through: str
    years: list[int]
    sources: list[SourceYearOut]
    partners: list[AmountOut]
    provinces: list[AmountOut]


# --------------------------------------------------------------------------------- helpers


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _stages(values: dict[str, Decimal]) -> dict[str, str]:
    return {s: _money(values[s]) for s in STAGES}


def _plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "area_code": plan.area_id,
        "area_name_th": plan.area.name_th,
        "fiscal_year": plan.fiscal_year,
        "fiscal_year_end": plan.fiscal_year_end,
        "title": plan.title,
        "status": plan.status,
        "version": plan.version,
        "agenda_id": plan.agenda_id,
        "is_public": plan.is_public,
        "agreed_versions": [v.number for v in plan.versions.all()],
    }


def _item_out(f: queries.ItemFunding) -> dict[str, Any]:
    item = f.item
    return {
        "id": item.pk,
        "plan_id": item.plan_id,
        "goal_id": item.goal_id,
        "goal_title": item.goal.title if item.goal else "",
        "order": item.order,
        "title": item.title,
        "description": item.description,
        "budget_needed": None if item.budget_needed is None else _money(item.budget_needed),
        "areas": [a.code for a in item.areas.all()],
        "indicators": [
            {
                "indicator_code": x.indicator.code,
                "indicator_name_th": x.indicator.name_th,
                "target": None if x.target is None else str(x.target.normalize()),
            }
            for x in item.indicators.all()
        ],
        "organisations": [
            {"organisation": org_ref(r.organisation), "role": r.role} for r in item.roles.all()
        ],
        "project_ids": [p.pk for p in item.projects.all()],
        "counted": _stages(f.totals),
    }


def _contribution_out(r: queries.Counted) -> dict[str, Any]:
    c = r.contribution
    return {
        "id": c.pk,
        "item_id": c.item_id,
        "plan_id": c.item.plan_id,
        "organisation": org_ref(c.organisation),
        "original_source": org_ref(r.root.organisation),
        "kind": c.kind,
        "in_kind_type": c.in_kind_type,
        "budget_source": c.source.name if c.source else None,
        "fiscal_year": c.fiscal_year,
        **{s: _money(getattr(c, s)) for s in STAGES},
        "counted": _stages(r.amounts),
        "funded_by": c.funded_by_id,
        "note": c.note,
        "is_public": c.is_public,
    }


def _one_counted(user: Any, c: Contribution) -> queries.Counted:
    rows = queries.counted(queries.contributions_visible_to(user).filter(item_id=c.item_id))
    return next(r for r in rows if r.contribution.pk == c.pk)


def _source(item: PlanItem, pk: int | None) -> BudgetSource | None:
    if pk is None:
        return None
    source = BudgetSource.objects.filter(pk=pk, area_id=item.plan.province_code).first()
    if source is None:
        raise ValidationError({"source": ["แหล่งงบประมาณ: ไม่พบในรายการของจังหวัดนี้"]})
    return source


def _upstream(user: Any, pk: int | None) -> Contribution | None:
    if pk is None:
        return None
    up = queries.contributions_visible_to(user).filter(pk=pk).first()
    if up is None:
        raise ValidationError({"funded_by": ["เงินส่งต่อจาก: ไม่พบการสมทบนี้"]})
    return up


# ------------------------------------------------------------------------------- endpoints


@router.get("/plans", response={200: list[PlanOut], 401: ErrorOut}, summary="Joint plans")
def list_plans(request: HttpRequest, filters: Query[PlanFilter]):  # type: ignore[no-untyped-def]
    qs = queries.plans_visible_to(strict_caller(request)).prefetch_related("versions")
    if filters.area:
        qs = qs.filter(area__code__startswith=filters.area.strip())
    if filters.fy:
        qs = qs.filter(fiscal_year__lte=filters.fy, fiscal_year_end__gte=filters.fy)
    return Status(200, [_plan_out(p) for p in qs.order_by("area_id", "-fiscal_year")[:MAX_LIMIT]])


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="One joint plan with items and counted totals",
)
def get_plan(request: HttpRequest, plan_id: int):  # type: ignore[no-untyped-def]
    user = strict_caller(request)
    plan = visible_or_404(queries.plans_visible_to(user), plan_id, "ไม่พบแผนร่วม / No such plan")
    goals, rows = queries.plan_funding(user, plan)
    return Status(
        200,
        {
            **_plan_out(plan),
            "description": plan.description,
            "counted": _stages({s: queries.total(rows, s) for s in STAGES}),
            "items": [_item_out(f) for g in goals for f in g.items],
        },
    )


@router.get(
    "/items/{item_id}",
    response={200: ItemOut, 401: ErrorOut, 404: ErrorOut},
    summary="One plan item",
)
def get_item(request: HttpRequest, item_id: int):  # type: ignore[no-untyped-def]
    user = strict_caller(request)
    item = visible_or_404(
        queries.items_visible_to(user), item_id, "ไม่พบรายการแผน / No such plan item"
    )
    goals, _rows = queries.plan_funding(user, item.plan)
    funding = next(f for g in goals for f in g.items if f.item.pk == item.pk)
    return Status(200, _item_out(funding))


@router.get(
    "/contributions",
    response={200: list[ContributionOut], 401: ErrorOut},
    summary="Contributions",
)
def list_contributions(request: HttpRequest, filters: Query[ContributionFilter]):  # type: ignore[no-untyped-def]
    """Contributions the caller may read; ``counted`` takes pass-through money out (computed
    over the whole item, so a filter never makes money count twice)."""
    user = strict_caller(request)
    qs = queries.contributions_visible_to(user)
    if filters.plan:
        qs = qs.filter(item__plan_id=filters.plan)
    if filters.item:
        qs = qs.filter(item_id=filters.item)
    items = set(qs.values_list("item_id", flat=True)[:MAX_LIMIT])
    rows = queries.counted(queries.contributions_visible_to(user).filter(item_id__in=items))
    out = [
        _contribution_out(r)
        for r in rows
        if (not filters.organisation or r.contribution.organisation_id == filters.organisation)
        and (not filters.fy or r.contribution.fiscal_year == filters.fy)
        and (not filters.plan or r.contribution.item.plan_id == filters.plan)
        and (not filters.item or r.contribution.item_id == filters.item)
    ]
    return Status(200, out[:MAX_LIMIT])


@router.get(
    "/contributions/{contribution_id}",
    response={200: ContributionOut, 401: ErrorOut, 404: ErrorOut},
    summary="One contribution",
)
def get_contribution(request: HttpRequest, contribution_id: int):  # type: ignore[no-untyped-def]
    user = strict_caller(request)
    c = visible_or_404(
        queries.contributions_visible_to(user),
        contribution_id,
        "ไม่พบการสมทบ / No such contribution",
    )
    return Status(200, _contribution_out(_one_counted(user, c)))


@router.post(
    "/contributions",
    response={
        201: ContributionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Record a contribution",
)
def create_contribution(request: HttpRequest, body: ContributionIn):  # type: ignore[no-untyped-def]
    """For the contributing organisation's focal points (its editors in the area)."""
    user = request.user
    item = visible_or_404(
        queries.items_visible_to(user), body.item_id, "ไม่พบรายการแผน / No such plan item"
    )
    organisation = Organisation.objects.filter(pk=body.organisation_id).first()
    if organisation is None:
        return invalid(ValidationError({"organisation": ["องค์กรที่สมทบ: ไม่พบองค์กรนี้"]}))
    try:
        c = services.contribution_create(
            actor=user,
            item=item,
            organisation=organisation,
            fiscal_year=body.fiscal_year,
            kind=body.kind,
            in_kind_type=body.in_kind_type,
            source=_source(item, body.budget_source_id),
            pledged=body.pledged,
            committed=body.committed,
            disbursed=body.disbursed,
            spent=body.spent,
            funded_by=_upstream(user, body.funded_by),
            note=body.note,
            is_public=body.is_public,
        )
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, _contribution_out(_one_counted(user, c)))


@router.patch(
    "/contributions/{contribution_id}",
    response={
        200: ContributionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Change a contribution (e.g. move it to disbursed)",
)
def update_contribution(request: HttpRequest, contribution_id: int, body: ContributionPatch):  # type: ignore[no-untyped-def]
    user = request.user
    c = visible_or_404(
        queries.contributions_visible_to(user),
        contribution_id,
        "ไม่พบการสมทบ / No such contribution",
    )
    data = body.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    try:
        if "budget_source_id" in data:
            changes["source"] = _source(c.item, data.pop("budget_source_id"))
        if "funded_by" in data:
            changes["funded_by"] = _upstream(user, data.pop("funded_by"))
        changes.update({k: v for k, v in data.items() if v is not None})
        c = services.contribution_update(actor=user, contribution=c, **changes)
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    return Status(200, _contribution_out(_one_counted(user, c)))


@router.get(
    "/co-investment",
    response={200: CoInvestmentOut, 401: ErrorOut},
    summary="Co-investment by source, partner and province",
)
def co_investment(request: HttpRequest, filters: Query[CoInvestmentFilter]):  # type: ignore[no-untyped-def]
    stage = filters.stage if filters.stage in STAGES else "pledged"
    picture = queries.co_investment(
        strict_caller(request), stage, area=(filters.area or "").strip(), fiscal_year=filters.fy
    )
    years = picture["years"]
    return Status(
        200,
        {
            "stage": stage,
            "total": _money(picture["total"]),
            "pass_through": _money(picture["pass_through"]),
            "years": years,
            "sources": [
                {
                    "source": s,
                    "by_year": {str(y): _money(v) for y, v in zip(years, cells, strict=True)},
                    "total": _money(t),
                }
                for s, cells, t in picture["sources"]
            ],
            "partners": [
                {"key": str(o.pk), "label": o.label, "amount": _money(v)}
                for o, v in picture["partners"]
            ],
            "provinces": [
                {"key": code, "label": code, "amount": _money(v)}
                for code, v in picture["provinces"]
            ],
        },
    )
