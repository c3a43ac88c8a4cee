"""Pages for funds. Thin: reads through ``queries`` (what you may not read is a 404, the same as
what does not exist), writes through ``services``. Anyone reads a public fund's summary; the
full books are for the managing organisation and the area's coordinators."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saan.areas.models import Area
from saan.core.pages import flash_errors, get_or_404, page, save_form, submit_form
from saan.core.thai import fiscal_year, fiscal_year_range, normalise_digits
from saan.forums import files
from saan.funds import exports, forms, queries, services
from saan.funds.models import (
    Entry,
    EntryAttachment,
    EntryKind,
    Fund,
    FundKind,
    GrantCategory,
    IncomeSource,
    Overdraft,
    OverdraftStatus,
)
from saan.partners import permissions
from saan.partners.models import Role
from saan.projects import queries as project_queries
from saan.projects.models import Project

# ----------------------------------------------------------------------------- helpers


def _fund(
    request: HttpRequest,
    pk: int,
    *,
    write: bool = False,
    supervise: bool = False,
    manage: bool = False,
) -> Fund:
    """A fund the user may read, and also write (``write``), supervise (``supervise``) or
    either of the two (``manage``); 404 otherwise."""
    fund = get_or_404(queries.funds_visible_to(request.user), pk=pk)
    if write and not queries.can_write(request.user, fund):
        raise Http404
    if supervise and not queries.can_supervise(request.user, fund):
        raise Http404
    if manage and not (
        queries.can_write(request.user, fund) or queries.can_supervise(request.user, fund)
    ):
        raise Http404
    return fund


def _entry(request: HttpRequest, pk: int) -> Entry:
    entry = get_or_404(Entry.objects.select_related("fund", "period"), pk=pk)
    _fund(request, entry.fund_id, write=True)
    return entry


def _bars(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of (key, label, amount, …) with a bar width in percent of the largest."""
    top = max((abs(r[2]) for r in rows), default=Decimal(0)) or Decimal(1)
    return [
        {
            "key": r[0],
            "label": r[1],
            "amount": r[2],
            "count": r[3] if len(r) > 3 else None,
            "width": max(1, int(abs(r[2]) * 100 / top)),
        }
        for r in rows
    ]


def _closable_years(fund: Fund) -> list[int]:
    """The next year that may close: the first open one, if it has ended."""
    today = services.today()
    for y in queries.year_balances(fund):
        if not y.is_closed:
            return [y.fiscal_year] if fiscal_year_range(y.fiscal_year)[1] < today else []
    return []


def _form_page(
    request: HttpRequest, fund: Fund, form: Any, title: str, *, multipart: bool = False, note=""
) -> HttpResponse:
    return page(
        request,
        "funds/form.html",
        {
            "fund": fund,
            "form": form,
            "title": title,
            "multipart": multipart,
            "note": note,
            "back": fund.get_absolute_url(),
        },
    )


# ---------------------------------------------------------------------------------- lists


def index(request: HttpRequest) -> HttpResponse:
    """Funds in an area (``?area=``, the area and everything under it), or all that you may see
    and every public one."""
    code = normalise_digits(request.GET.get("area", "")).strip()
    area = Area.objects.filter(code=code).first() if code else None
    qs = queries.funds_listed_for(request.user)
    if area is not None:
        qs = qs.filter(area__code__startswith=area.code)
    elif code:
        qs = qs.none()  # an unknown code lists nothing rather than every fund
    kind = request.GET.get("kind", "")
    if kind in FundKind.values:
        qs = qs.filter(kind=kind)
    readable = set(queries.funds_visible_to(request.user).values_list("pk", flat=True))
    funds = list(qs.order_by("area_id", "name")[:200])
    balances = queries.balances_now(funds)
    rows = [{"fund": f, "full": f.pk in readable, "balance": balances[f.pk]} for f in funds]
    can_register = permissions.is_admin(request.user) or any(
        g.role in (Role.EDITOR, Role.COORDINATOR) for g in permissions.grants(request.user)
    )
    return page(
        request,
        "funds/index.html",
        {
            "rows": rows,
            "area": area,
            "code": code,
            "kinds": FundKind.choices,
            "kind": kind,
            "can_register": can_register,
        },
    )


@login_required
def fund_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "area": normalise_digits(request.GET.get("area", "")),
        "start_year": fiscal_year(services.today()),
        "is_public": True,
    }
    form = forms.FundForm(request.POST or None, initial=initial)

    def act(data: dict[str, Any]) -> Fund:
        area = Area.objects.filter(code=normalise_digits(data["area"]).strip()).first()
        if area is None:
            raise ValidationError({"area": _("ไม่พบรหัสพื้นที่นี้")})
        return services.fund_create(
            actor=request.user,
            name=data["name"],
            kind=data["kind"],
            area=area,
            organisation=data["organisation"],
            start_year=data["start_year"],
            opening_balance=data["opening_balance"],
            description=data["description"],
            is_public=data["is_public"],
        )

    done = save_form(request, form, act, _("ตั้งกองทุนแล้ว"))
    return done or page(
        request,
        "funds/form.html",
        {"form": form, "title": _("ตั้งกองทุนใหม่"), "back": "/funds/", "fund": None},
    )


@login_required
def fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, manage=True)
    initial = {
        "name": fund.name,
        "kind": fund.kind,
        "description": fund.description,
        "is_public": fund.is_public,
    }
    form = forms.FundEditForm(request.POST or None, initial=initial)

    def act(data: dict[str, Any]) -> Fund:
        services.fund_update(actor=request.user, fund=fund, **data)
        return fund

    done = save_form(request, form, act, _("บันทึกข้อมูลกองทุนแล้ว"))
    return done or _form_page(request, fund, form, _("แก้ไขข้อมูลกองทุน"))


# ------------------------------------------------------------------------------- one fund


LEDGER_LIMIT = 500


def _filtered_ledger(request: HttpRequest, fund: Fund, year: int) -> tuple[Any, dict[str, str]]:
    f = {
        "kind": request.GET.get("kind", ""),
        "source": request.GET.get("source", ""),
        "category": request.GET.get("category", ""),
        "q": request.GET.get("q", "").strip()[:100],
    }
    return queries.ledger(fund, year, limit=LEDGER_LIMIT, **f), f


def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    years = queries.year_balances(fund)
    year = _year(request, years)
    book, filters = _filtered_ledger(request, fund, year)
    current = next((y for y in years if y.fiscal_year == year), None)
    return page(
        request,
        "funds/fund.html",
        {
            "fund": fund,
            "years": years,
            "year": year,
            "current": current,
            "ledger": book,
            "filters": filters,
            "filtered": any(filters.values()),
            "income": _bars(queries.income_by_source(fund, year)),
            "grants": _bars(queries.grants_by_category(fund, year)),
            "projects": queries.grants_by_project(fund, year),
            "overdrafts": fund.overdrafts.select_related("requested_by", "approved_by"),
            "problems": queries.books_check(fund),
            "can_write": queries.can_write(request.user, fund),
            "can_supervise": queries.can_supervise(request.user, fund),
            "closable": _closable_years(fund),
            "kinds": EntryKind.choices,
            "sources": IncomeSource.choices,
            "categories": GrantCategory.choices,
        },
    )


def _year(request: HttpRequest, years: list[Any]) -> int:
    known = [y.fiscal_year for y in years]
    try:
        wanted = int(normalise_digits(request.GET.get("fy", "")))
    except ValueError:
        wanted = 0
    if wanted in known:
        return wanted
    return known[-1] if known else fiscal_year(services.today())


def public_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Totals and categories only: no names of people, no descriptions, no evidence (PDPA)."""
    fund = get_or_404(queries.public_funds(), pk=pk)
    years = queries.year_balances(fund)
    year = _year(request, years)
    return page(
        request,
        "funds/public.html",
        {
            "fund": fund,
            "years": years,
            "year": year,
            "income": _bars(queries.income_by_source(fund, year)),
            "grants": _bars(queries.grants_by_category(fund, year)),
            "can_read": queries.can_read(request.user, fund),
        },
    )


def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    fund = _fund(request, pk)
    years = [y.fiscal_year for y in queries.year_balances(fund)]
    try:
        wanted = int(request.GET.get("fy", ""))
    except ValueError:
        wanted = 0
    chosen = [wanted] if wanted in years else years
    name = f"fund-{fund.pk}-{wanted}" if wanted in years else f"fund-{fund.pk}"
    if fmt == "xlsx":
        return exports.xlsx_response(fund, chosen, name)
    if fmt == "csv":
        return exports.csv_response(fund, chosen, name)
    raise Http404


# ---------------------------------------------------------------------------------- writes


@login_required
def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, write=True)
    # The province's projects the writer can see (a choice field needs an unsliced queryset).
    ids = (
        project_queries.visible_to(request.user)
        .filter(areas__code__startswith=fund.area_id[:2])
        .order_by("title")
        .values_list("pk", flat=True)
        .distinct()[:300]
    )
    projects = Project.objects.filter(pk__in=list(ids)).order_by("title")
    initial = {"date": services.today(), "kind": request.GET.get("kind", EntryKind.INCOME)}
    form = forms.EntryForm(
        request.POST or None, request.FILES or None, initial=initial, projects=projects
    )

    def act(data: dict[str, Any]) -> str:
        try:
            services.entry_create(
                actor=request.user,
                fund=fund,
                kind=data["kind"],
                date=data["date"],
                amount=data["amount"],
                source=data["source"],
                category=data["category"],
                project=data["project"],
                recipient=data["recipient"],
                description=data["description"],
                reference=data["reference"],
                upload=data.get("file"),
            )
        except PermissionDenied:  # answered like a fund you may not write to
            raise Http404 from None
        return f"{fund.get_absolute_url()}?fy={fiscal_year(data['date'])}#ledger"

    done = save_form(request, form, act, _("บันทึกรายการแล้ว"))
    return done or _form_page(request, fund, form, _("บันทึกรายการ"), multipart=True)


@login_required
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    fund = entry.fund
    form = forms.ReverseForm(request.POST or None, initial={"date": services.today()})

    def act(data: dict[str, Any]) -> str:
        services.entry_reverse(
            actor=request.user, entry=entry, date=data["date"], reason=data["reason"]
        )
        return fund.get_absolute_url() + "#ledger"

    done = save_form(request, form, act, _("บันทึกการกลับรายการแล้ว"))
    note = _("กลับรายการ %(kind)s %(amount)s บาท ลงวันที่ %(date)s") % {
        "kind": entry.get_kind_display(),
        "amount": f"{entry.amount:,.2f}",
        "date": entry.date.isoformat(),
    }
    return done or _form_page(request, fund, form, _("กลับรายการ"), note=note)


@login_required
@require_POST
def entry_attach(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    submit_form(
        request,
        forms.AttachmentForm(request.POST, request.FILES),
        lambda data: services.attachment_add(actor=request.user, entry=entry, upload=data["file"]),
        done=_("แนบหลักฐานแล้ว"),
        invalid=_("กรุณาเลือกไฟล์"),
    )
    return redirect(f"{entry.fund.get_absolute_url()}?fy={entry.period.fiscal_year}#ledger")


def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Always a download with the type decided on upload, never shown inline."""
    attachment = get_or_404(EntryAttachment.objects.select_related("entry"), pk=pk)
    _fund(request, attachment.entry.fund_id)
    return files.download(attachment)


@login_required
def overdraft_new(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, manage=True)
    form = forms.OverdraftForm(request.POST or None)

    def act(data: dict[str, Any]) -> str:
        services.overdraft_request(actor=request.user, fund=fund, **data)
        return fund.get_absolute_url() + "#overdrafts"

    done = save_form(request, form, act, _("ส่งคำขออนุมัติวงเงินติดลบแล้ว รอผู้ประสานงานพื้นที่พิจารณา"))
    return done or _form_page(
        request,
        fund,
        form,
        _("ขออนุมัติให้ยอดติดลบได้"),
        note=_("ยอดติดลบได้เฉพาะเมื่อผู้ประสานงานพื้นที่อนุมัติแล้ว และเฉพาะในช่วงวันที่ที่อนุมัติ"),
    )


@login_required
@require_POST
def overdraft_decide(request: HttpRequest, pk: int) -> HttpResponse:
    overdraft = get_or_404(Overdraft.objects.select_related("fund"), pk=pk)
    fund = _fund(request, overdraft.fund_id, supervise=True)
    approve = request.POST.get("decision") == "approve"
    try:
        services.overdraft_decide(actor=request.user, overdraft=overdraft, approve=approve)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("อนุมัติวงเงินติดลบแล้ว")
            if overdraft.status == OverdraftStatus.APPROVED
            else _("ไม่อนุมัติคำขอนี้"),
        )
    return redirect(fund.get_absolute_url() + "#overdrafts")


@login_required
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk, supervise=True)
    years = _closable_years(fund)
    form = forms.CloseForm(request.POST or None, years=years)

    def act(data: dict[str, Any]) -> Fund:
        services.period_close(actor=request.user, fund=fund, fiscal_year=data["fiscal_year"])
        return fund

    done = save_form(request, form, act, _("ปิดงวดแล้ว ยอดคงเหลือยกไปเป็นยอดยกมาของปีถัดไป"))
    if done:
        return done
    balances = {y.fiscal_year: y for y in queries.year_balances(fund)}
    return page(
        request,
        "funds/close.html",
        {
            "fund": fund,
            "form": form,
            "years": [balances[y] for y in years if y in balances],
            "back": fund.get_absolute_url(),
        },
    )


def area_funds(request: HttpRequest, code: str) -> HttpResponse:
    """/funds/area/<code>/: the same list, for links from area pages."""
    return redirect(f"/funds/?area={normalise_digits(code)}")
