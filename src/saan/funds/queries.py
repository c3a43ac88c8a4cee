"""Reading funds: who sees what, and the sums every page, export and API answer shows.

- The full fund (ledger, recipients, evidence): administrators; the area's coordinators; the
  managing organisation's viewers, editors and coordinators whose grant covers the fund's area
  (``permissions.records_visible_q``).
- Writing entries and requesting overdrafts: the managing organisation's editors and
  coordinators inside the area (``permissions.can_edit_record``).
- Approving overdrafts and closing years: the area's coordinators and administrators.
- Everyone else: the public summary of a public fund, nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, When

from saan.funds.models import (
    DIRECTION,
    ZERO,
    Entry,
    EntryKind,
    FiscalPeriod,
    Fund,
    GrantCategory,
    IncomeSource,
    Overdraft,
    OverdraftStatus,
)
from saan.partners import permissions


def funds_visible_to(user: Any) -> QuerySet[Fund]:
    """Funds whose full books the user may read."""
    q = permissions.records_visible_q(user, org_field="organisation_id", area_field="area__code")
    return Fund.objects.filter(q).select_related("area", "organisation")


def funds_listed_for(user: Any) -> QuerySet[Fund]:
    """What a fund list shows: the funds the user reads in full, and every public fund."""
    q = permissions.records_visible_q(user, org_field="organisation_id", area_field="area__code")
    return Fund.objects.filter(q | Q(is_public=True)).select_related("area", "organisation")


def public_funds() -> QuerySet[Fund]:
    return Fund.objects.filter(is_public=True).select_related("area", "organisation")


def can_read(user: Any, fund: Fund) -> bool:
    return funds_visible_to(user).filter(pk=fund.pk).exists()


def can_write(user: Any, fund: Fund) -> bool:
    """Record entries, attach evidence, reverse entries, ask for an overdraft."""
    return permissions.can_edit_record(
        user, organisation_id=fund.organisation_id, area_code=fund.area_id
    )


def can_supervise(user: Any, fund: Fund) -> bool:
    """Approve overdrafts and close fiscal years: the area's coordinators and administrators."""
    return permissions.coordinates(user, fund.area_id)


def can_register(user: Any, *, organisation_id: int | None, area_code: str) -> bool:
    """Register a new fund: the managing organisation's editors in the area, or its
    coordinators."""
    return permissions.can_edit_record(
        user, organisation_id=organisation_id, area_code=area_code
    ) or permissions.coordinates(user, area_code)


def funds_writable_by(user: Any) -> QuerySet[Fund]:
    q = permissions.records_editable_q(user, org_field="organisation_id", area_field="area__code")
    return Fund.objects.filter(q)


# ------------------------------------------------------------------------------------ sums


@dataclass
class YearBalance:
    """One fiscal year's books: the identity opening + income + repayments − grants − expenses
    = closing holds for every year (reversals count against their own kind)."""

    fiscal_year: int
    opening: Decimal
    income: Decimal = ZERO
    repayments: Decimal = ZERO
    grants: Decimal = ZERO
    expenses: Decimal = ZERO
    is_closed: bool = False
    stored_closing: Decimal | None = None
    stored_opening: Decimal | None = None
    entries: int = 0

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income + self.repayments - self.grants - self.expenses

    @property
    def problems(self) -> list[str]:
        """Where stored figures disagree with the entries (should never happen)."""
        out = []
        if self.stored_opening is not None and self.stored_opening != self.opening:
            out.append("opening")
        if self.is_closed and self.stored_closing != self.closing:
            out.append("closing")
        return out


def _signed(amount: Decimal, reversal: bool) -> Decimal:
    return amount * (-1 if reversal else 1)


def year_balances(fund: Fund) -> list[YearBalance]:
    """Every fiscal year from the fund's first, with sums per kind from the entries (one grouped
    query), each year's opening carried from the year before (the stored opening of the first
    year starts it)."""
    periods = {p.fiscal_year: p for p in fund.periods.all()}
    if not periods:
        return []
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    counts: dict[int, int] = defaultdict(int)
    rows = (
        Entry.objects.filter(fund=fund)
        .values("period__fiscal_year", "kind")
        .annotate(
            forward=Sum("amount", filter=Q(reverses__isnull=True)),
            back=Sum("amount", filter=Q(reverses__isnull=False)),
            n=Count("id"),
        )
    )
    for row in rows:
        year = row["period__fiscal_year"]
        sums[year][row["kind"]] += (row["forward"] or ZERO) - (row["back"] or ZERO)
        counts[year] += row["n"]
    last = max(periods)
    first = fund.start_year
    out: list[YearBalance] = []
    opening = periods[first].opening_balance if first in periods else ZERO
    for year in range(first, last + 1):
        period = periods.get(year)
        s = sums[year]
        yb = YearBalance(
            fiscal_year=year,
            opening=opening or ZERO,
            income=s[EntryKind.INCOME],
            repayments=s[EntryKind.REPAYMENT],
            grants=s[EntryKind.GRANT],
            expenses=s[EntryKind.EXPENSE],
            is_closed=bool(period and period.is_closed),
            stored_closing=period.closing_balance if period else None,
            stored_opening=period.opening_balance if period else None,
            entries=counts[year],
        )
        out.append(yb)
        opening = yb.closing
    return out


def balance_now(fund: Fund) -> Decimal:
    years = year_balances(fund)
    return years[-1].closing if years else ZERO


def balances_now(funds: list[Fund]) -> dict[int, Decimal]:
    """``balance_now`` for many funds in two grouped queries (for lists), keyed by fund id."""
    ids = [f.pk for f in funds]
    out: dict[int, Decimal] = {}
    for fund_id, opening in FiscalPeriod.objects.filter(
        fund_id__in=ids, fiscal_year=F("fund__start_year")
    ).values_list("fund_id", "opening_balance"):
        out[fund_id] = opening or ZERO
    with_periods = set(
        FiscalPeriod.objects.filter(fund_id__in=ids).values_list("fund_id", flat=True)
    )
    rows = (
        Entry.objects.filter(fund_id__in=ids, period__fiscal_year__gte=F("fund__start_year"))
        .values("fund_id", "kind")
        .annotate(
            forward=Sum("amount", filter=Q(reverses__isnull=True)),
            back=Sum("amount", filter=Q(reverses__isnull=False)),
        )
    )
    for row in rows:
        net = (row["forward"] or ZERO) - (row["back"] or ZERO)
        net *= DIRECTION[EntryKind(row["kind"])]
        out[row["fund_id"]] = out.get(row["fund_id"], ZERO) + net
    return {pk: out.get(pk, ZERO) if pk in with_periods else ZERO for pk in ids}


def books_check(fund: Fund) -> list[str]:
    """Years whose stored opening or closing disagrees with the entries: [] when the books are
    in order."""
    return [f"{y.fiscal_year}:{p}" for y in year_balances(fund) for p in y.problems]


def income_by_source(fund: Fund, fiscal_year: int | None = None) -> list[tuple[str, str, Decimal]]:
    """(source key, label, net amount) for every source with money, largest first."""
    qs = Entry.objects.filter(fund=fund, kind=EntryKind.INCOME)
    if fiscal_year:
        qs = qs.filter(period__fiscal_year=fiscal_year)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for source, amount, reverses in qs.values_list("source", "amount", "reverses_id"):
        totals[source or IncomeSource.OTHER] += _signed(amount, reverses is not None)
    labels = dict(IncomeSource.choices)
    rows = [(k, str(labels.get(k, k)), v) for k, v in totals.items() if v]
    return sorted(rows, key=lambda r: -r[2])


def grants_by_category(
    fund: Fund, fiscal_year: int | None = None
) -> list[tuple[str, str, Decimal, int]]:
    """(category key, label, net amount, number of grants) by category, largest first."""
    qs = Entry.objects.filter(fund=fund, kind=EntryKind.GRANT)
    if fiscal_year:
        qs = qs.filter(period__fiscal_year=fiscal_year)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    for category, amount, reverses in qs.values_list("category", "amount", "reverses_id"):
        key = category or GrantCategory.OTHER
        totals[key] += _signed(amount, reverses is not None)
        counts[key] += -1 if reverses is not None else 1
    labels = dict(GrantCategory.choices)
    rows = [(k, str(labels.get(k, k)), v, counts[k]) for k, v in totals.items() if v]
    return sorted(rows, key=lambda r: -r[2])


def grants_by_project(fund: Fund, fiscal_year: int | None = None) -> list[tuple[Any, Decimal]]:
    """(project, net amount) for grants made to projects of the work register."""
    qs = Entry.objects.filter(fund=fund, kind=EntryKind.GRANT, project__isnull=False)
    if fiscal_year:
        qs = qs.filter(period__fiscal_year=fiscal_year)
    totals: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    for e in qs.select_related("project"):
        totals[e.project] += e.effect * -1
    return sorted(((p, v) for p, v in totals.items() if v), key=lambda r: -r[1])


@dataclass
class LedgerLine:
    entry: Entry
    balance: Decimal


@dataclass
class Ledger:
    lines: list[LedgerLine] = field(default_factory=list)
    opening: Decimal = ZERO
    total: int = 0  # entries matching the filters, of which ``lines`` are the latest


def ledger(
    fund: Fund,
    fiscal_year: int,
    *,
    kind: str = "",
    source: str = "",
    category: str = "",
    q: str = "",
    limit: int | None = None,
) -> Ledger:
    """The year's entries in date order with the running balance after each. The balances are
    computed over every entry of the year from plain values; only the lines shown (those
    matching the filters, the latest ``limit`` of them) become model objects."""
    years = {y.fiscal_year: y for y in year_balances(fund)}
    yb = years.get(fiscal_year)
    opening = yb.opening if yb else ZERO
    year_qs = Entry.objects.filter(fund=fund, period__fiscal_year=fiscal_year)
    balance = opening
    balances: dict[int, Decimal] = {}
    for pk, k, amount, reverses in year_qs.order_by("date", "id").values_list(
        "pk", "kind", "amount", "reverses_id"
    ):
        balance += amount * DIRECTION[EntryKind(k)] * (-1 if reverses else 1)
        balances[pk] = balance
    shown = year_qs
    if kind in EntryKind.values:
        shown = shown.filter(kind=kind)
    if source in IncomeSource.values:
        shown = shown.filter(source=source)
    if category in GrantCategory.values:
        shown = shown.filter(category=category)
    if q:
        shown = shown.filter(
            Q(description__icontains=q) | Q(recipient__icontains=q) | Q(reference__icontains=q)
        )
    total = shown.count() if limit is not None else 0
    if limit is not None and total > limit:
        keep = list(shown.order_by("-date", "-id").values_list("pk", flat=True)[:limit])
        shown = year_qs.filter(pk__in=keep)
    entries = (
        shown.select_related("project", "period")
        .prefetch_related("attachments", "reversed_by")
        .order_by("date", "id")
    )
    lines = [LedgerLine(e, balances[e.pk]) for e in entries]
    return Ledger(lines=lines, opening=opening, total=total or len(lines))


def overdraft_limit_on(overdrafts: list[Overdraft], day: dt.date) -> Decimal:
    """The largest approved overdraft that covers the day (0 if none)."""
    limits = [o.limit for o in overdrafts if o.covers(day)]
    return max(limits) if limits else ZERO


def approved_overdrafts(fund: Fund) -> list[Overdraft]:
    return list(fund.overdrafts.filter(status=OverdraftStatus.APPROVED))


def open_periods(fund: Fund) -> QuerySet[FiscalPeriod]:
    return fund.periods.filter(is_closed=False)


def signed_amount() -> Case:
    """The entry's effect on the balance as a database expression (+ in, − out; a reversal
    the other way)."""
    money_in = Q(kind__in=[EntryKind.INCOME, EntryKind.REPAYMENT])
    forward = Q(reverses__isnull=True)
    return Case(
        When((money_in & forward) | (~money_in & ~forward), then=F("amount")),
        default=-F("amount"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def direction(kind: str) -> int:
    return DIRECTION[EntryKind(kind)]
