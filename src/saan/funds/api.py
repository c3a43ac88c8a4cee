"""The funds API (mounted at /api/funds/ by saan.api): funds, their yearly balances, and ledger
entries.

Reading is open the way the pages are: anyone reads the summary of a public fund (totals and
categories, never names); a token or a signed-in session shows the full books of the funds that
person may read (the managing organisation and the area's coordinators). Anything you may not
see answers 404, the same as what does not exist. Recording an entry needs a token or a session
and goes through ``services.entry_create``: the same permission check, balance rules, Thai
messages and audit trail as the entry form.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
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
from saan.core.thai import normalise_digits
from saan.funds import queries, services
from saan.funds.models import Entry, Fund, FundKind
from saan.projects import queries as project_queries

router = Router(tags=["funds"])

NOT_FOUND = "ไม่พบกองทุน / No such fund"
MAX_LIMIT = 1000


class YearOut(Schema):
    fiscal_year: int = Field(..., description="ปีงบประมาณ พ.ศ. (1 Oct – 30 Sep)")
    opening: str = Field(..., description="บาท, exact decimal string")
    income: str
    repayments: str
    grants: str
    expenses: str
    closing: str = Field(..., description="opening + income + repayments − grants − expenses")
    is_closed: bool


class AmountOut(Schema):
    key: str
    label: str
    amount: str
    count: int | None = None


class FundOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area_code: str
    area_name_th: str
    organisation: OrgRefOut
    start_year: int
    is_public: bool
    full_access: bool = Field(..., description="whether the caller may read the ledger")
    balance: str
    years: list[YearOut]


class FundDetailOut(FundOut):
    fiscal_year: int
    income_by_source: list[AmountOut]
    grants_by_category: list[AmountOut]


class EntryOut(Schema):
    id: int
    fiscal_year: int
    date: dt.date
    kind: str
    amount: str = Field(..., description="always positive; the kind and reverses give direction")
    effect: str = Field(..., description="what the entry does to the balance (+ in, − out)")
    balance: str = Field(..., description="running balance after this entry")
    source: str
    category: str
    project_id: int | None
    recipient: str
    description: str
    reference: str
    reverses: int | None
    attachments: int


class EntryIn(Schema):
    kind: str = Field(..., description="income, grant, repayment or expense")
    date: dt.date
    amount: Decimal | str = Field(
        ..., description="baht, positive: a number (1500.5) or text as people write it (1,500.50)"
    )
    source: str = Field("", description="income: members, government, local_government, …")
    category: str = Field("", description="grant: birth, illness, elderly, death, …")
    project_id: int | None = None
    recipient: str = ""
    description: str = ""
    reference: str = ""


class ReverseIn(Schema):
    date: dt.date
    reason: str


class FundFilter(Schema):
    area: str | None = Field(None, description="area code: the area and everything under it")
    kind: str | None = Field(None, description="savings, welfare, area or health")


class EntryFilter(Schema):
    fy: int | None = Field(None, description="ปีงบประมาณ พ.ศ.; default the latest")


def _years(fund: Fund) -> list[dict[str, Any]]:
    return [
        {
            "fiscal_year": y.fiscal_year,
            "opening": str(y.opening),
            "income": str(y.income),
            "repayments": str(y.repayments),
            "grants": str(y.grants),
            "expenses": str(y.expenses),
            "closing": str(y.closing),
            "is_closed": y.is_closed,
        }
        for y in queries.year_balances(fund)
    ]


def _fund_out(fund: Fund, full: bool) -> dict[str, Any]:
    years = _years(fund)
    return {
        "id": fund.pk,
        "name": fund.name,
        "kind": fund.kind,
        "kind_label": str(fund.get_kind_display()),
        "area_code": fund.area_id,
        "area_name_th": fund.area.name_th,
        "organisation": org_ref(fund.organisation),
        "start_year": fund.start_year,
        "is_public": fund.is_public,
        "full_access": full,
        "balance": years[-1]["closing"] if years else "0.00",
        "years": years,
    }


def _listed(request: HttpRequest, fund_id: int) -> tuple[Fund, bool]:
    user = strict_caller(request)
    fund = visible_or_404(queries.funds_listed_for(user), fund_id, NOT_FOUND)
    return fund, queries.can_read(user, fund)


@router.get("/", response={200: list[FundOut], 401: ErrorOut}, summary="Funds")
def list_funds(request: HttpRequest, filters: Query[FundFilter]):  # type: ignore[no-untyped-def]
    """Funds the caller reads in full, and every public fund (summary figures only)."""
    user = strict_caller(request)
    qs = queries.funds_listed_for(user)
    if filters.area:
        qs = qs.filter(area__code__startswith=normalise_digits(filters.area).strip())
    if filters.kind in FundKind.values:
        qs = qs.filter(kind=filters.kind)
    readable = set(queries.funds_visible_to(user).values_list("pk", flat=True))
    return Status(
        200, [_fund_out(f, f.pk in readable) for f in qs.order_by("area_id", "name")[:MAX_LIMIT]]
    )


@router.get(
    "/{fund_id}",
    response={200: FundDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="One fund: balances per fiscal year, income by source, grants by category",
)
def get_fund(request: HttpRequest, fund_id: int, filters: Query[EntryFilter]):  # type: ignore[no-untyped-def]
    fund, full = _listed(request, fund_id)
    out = _fund_out(fund, full)
    years = [y["fiscal_year"] for y in out["years"]]
    year = filters.fy if filters.fy in years else (years[-1] if years else fund.start_year)
    out["fiscal_year"] = year
    out["income_by_source"] = [
        {"key": k, "label": label, "amount": str(v)}
        for k, label, v in queries.income_by_source(fund, year)
    ]
    out["grants_by_category"] = [
        {"key": k, "label": label, "amount": str(v), "count": n}
        for k, label, v, n in queries.grants_by_category(fund, year)
    ]
    return Status(200, out)


def _entry_out(e: Entry, balance: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "fiscal_year": e.period.fiscal_year,
        "date": e.date,
        "kind": e.kind,
        "amount": str(e.amount),
        "effect": str(e.effect),
        "balance": str(balance),
        "source": e.source,
        "category": e.category,
        "project_id": e.project_id,
        "recipient": e.recipient,
        "description": e.description,
        "reference": e.reference,
        "reverses": e.reverses_id,
        "attachments": len(e.attachments.all()),
    }


@router.get(
    "/{fund_id}/entries",
    response={200: list[EntryOut], 401: ErrorOut, 404: ErrorOut},
    summary="A fund's ledger for one fiscal year, with the running balance",
)
def list_entries(request: HttpRequest, fund_id: int, filters: Query[EntryFilter]):  # type: ignore[no-untyped-def]
    """Only for those who read the fund's full books (it names recipients)."""
    fund = visible_or_404(queries.funds_visible_to(strict_caller(request)), fund_id, NOT_FOUND)
    years = [y.fiscal_year for y in queries.year_balances(fund)]
    year = filters.fy if filters.fy in years else (years[-1] if years else fund.start_year)
    book = queries.ledger(fund, year)
    return Status(200, [_entry_out(line.entry, line.balance) for line in book.lines])


@router.post(
    "/{fund_id}/entries",
    response={
        201: EntryOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Record a ledger entry",
)
def create_entry(request: HttpRequest, fund_id: int, body: EntryIn):  # type: ignore[no-untyped-def]
    """For the managing organisation's editors and coordinators inside the fund's area. The
    balance rules apply: a positive amount, an open fiscal year, and no balance below zero
    without an approved overdraft."""
    fund = visible_or_404(queries.funds_visible_to(request.user), fund_id, NOT_FOUND)
    project = None
    if body.project_id is not None:
        project = project_queries.visible_to(request.user).filter(pk=body.project_id).first()
        if project is None:
            return invalid({"project_id": ["ไม่พบโครงการ / No such project"]})
    try:
        entry = services.entry_create(
            actor=request.user,
            fund=fund,
            kind=body.kind,
            date=body.date,
            amount=body.amount,
            source=body.source,
            category=body.category,
            project=project,
            recipient=body.recipient,
            description=body.description,
            reference=body.reference,
        )
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    book = queries.ledger(fund, entry.period.fiscal_year)
    balance = next(line.balance for line in book.lines if line.entry.pk == entry.pk)
    return Status(201, _entry_out(entry, balance))


@router.post(
    "/entries/{entry_id}/reverse",
    response={
        201: EntryOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=signed_in,
    summary="Correct an entry by reversing it in an open fiscal year",
)
def reverse_entry(request: HttpRequest, entry_id: int, body: ReverseIn):  # type: ignore[no-untyped-def]
    """The only way to correct a ledger line: a new entry of the same amount the other way,
    dated in an open year; an entry is reversed once, and a reversal never."""
    entry = (
        Entry.objects.filter(
            pk=entry_id, fund__in=queries.funds_visible_to(request.user).values("pk")
        )
        .select_related("fund", "period")
        .first()
    )
    if entry is None:
        raise Http404("ไม่พบรายการ / No such entry")
    try:
        reversal = services.entry_reverse(
            actor=request.user, entry=entry, date=body.date, reason=body.reason
        )
    except PermissionDenied as exc:
        return forbidden(exc)
    except ValidationError as exc:
        return invalid(exc)
    book = queries.ledger(entry.fund, reversal.period.fiscal_year)
    balance = next(line.balance for line in book.lines if line.entry.pk == reversal.pk)
    return Status(201, _entry_out(reversal, balance))
