"""Every change to a fund: registering it, ledger entries and their reversals, evidence,
overdrafts and closing a fiscal year. Each function checks permission (``PermissionDenied``),
validates with Thai messages naming the field (``ValidationError``), saves, and writes the audit
row in the same transaction.

The balance rules, in one place:
- an amount is a positive number of baht with at most two decimals;
- an entry is dated on or after the fund's first fiscal year, not in the future, and never in a
  closed year; entries are never edited, a correction is a reversal dated in an open year;
- after the entry, the running balance (in date order, from the first open year's opening)
  never goes below zero, or below −limit on days an approved overdraft covers;
- a year closes only after it has ended, after the year before it, and when its stored opening
  agrees with the entries; its closing balance becomes the next year's opening.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.audit.services import record, snapshot
from saan.core.thai import (
    fiscal_year,
    fiscal_year_range,
    format_baht,
    normalise_digits,
    parse_baht,
    thai_date,
)
from saan.forums import files
from saan.funds import queries
from saan.funds.models import (
    ZERO,
    Entry,
    EntryAttachment,
    EntryKind,
    FiscalPeriod,
    Fund,
    FundKind,
    GrantCategory,
    IncomeSource,
    Overdraft,
    OverdraftStatus,
)
from saan.partners.models import Organisation
from saan.projects import queries as project_queries

MAX_AMOUNT = Decimal("999999999999.99")

ENTRY_FIELDS = (
    "fund",
    "period",
    "kind",
    "date",
    "amount",
    "source",
    "category",
    "project",
    "recipient",
    "description",
    "reference",
    "reverses",
)
FUND_FIELDS = (
    "name",
    "kind",
    "area",
    "organisation",
    "description",
    "start_year",
    "is_public",
)


def today() -> dt.date:
    """Today in Thailand, whatever the server's clock zone."""
    return timezone.localdate()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def parse_amount(value: Any, *, field: str = "amount") -> Decimal:
    """A positive amount in baht from a number or text (``1,500``, ``๑,๕๐๐ บาท``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: _("กรุณาระบุจำนวนเงิน")})
    if isinstance(value, str):
        # parse_baht rounds to satang; more than two decimals is a typing mistake to report.
        try:
            raw = Decimal(normalise_digits(value).strip().replace(",", ""))
        except InvalidOperation:
            raw = None
        if raw is not None and raw.is_finite() and raw != raw.quantize(Decimal("0.01")):
            raise ValidationError({field: _("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)")})
    try:
        amount = parse_baht(value) if not isinstance(value, Decimal) else value
    except (ValueError, InvalidOperation):
        raise ValidationError({field: _("จำนวนเงินต้องเป็นตัวเลข เช่น 1,500 หรือ 1,500.50")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("จำนวนเงินต้องเป็นตัวเลข เช่น 1,500 หรือ 1,500.50")})
    if amount <= 0:
        raise ValidationError({field: _("จำนวนเงินต้องมากกว่าศูนย์ (ติดลบหรือเป็นศูนย์ไม่ได้)")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("จำนวนเงินมากเกินกว่าที่ระบบรับได้")})
    return amount.quantize(Decimal("0.01"))


def _parse_date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("วันที่ไม่ถูกต้อง (ใช้รูปแบบ ปปปป-ดด-วว)")}) from None


# ------------------------------------------------------------------------------------ funds


@transaction.atomic
def fund_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    area: Area,
    organisation: Organisation,
    start_year: int,
    opening_balance: Any = ZERO,
    description: str = "",
    is_public: bool = True,
) -> Fund:
    """Register a fund with the opening balance of its first fiscal year."""
    if not queries.can_register(actor, organisation_id=organisation.pk, area_code=area.code):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ตั้งกองทุนขององค์กรนี้ในพื้นที่นี้"))
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("กรุณาระบุชื่อกองทุน")
    elif Fund.objects.filter(area=area, name=name).exists():
        errors["name"] = _("มีกองทุนชื่อนี้ในพื้นที่นี้แล้ว")
    if kind not in FundKind.values:
        errors["kind"] = _("ประเภทกองทุนไม่ถูกต้อง")
    if not isinstance(start_year, int) or not 2400 <= start_year <= 2700:
        errors["start_year"] = _("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568")
    opening = ZERO
    if opening_balance is not None and str(opening_balance).strip():
        try:
            number = parse_baht(opening_balance)
        except (ValueError, InvalidOperation):
            errors["opening_balance"] = _("ยอดยกมาต้องเป็นตัวเลข เช่น 10,000")
        else:
            if number < 0:
                errors["opening_balance"] = _("ยอดยกมาติดลบไม่ได้")
            elif number > 0:
                try:
                    opening = parse_amount(opening_balance, field="opening_balance")
                except ValidationError as exc:
                    errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    fund = Fund(
        name=name,
        kind=kind,
        area=area,
        organisation=organisation,
        start_year=start_year,
        description=(description or "").strip(),
        is_public=is_public,
        created_by=_user(actor),
    )
    fund.full_clean()
    fund.save()
    FiscalPeriod.objects.create(fund=fund, fiscal_year=start_year, opening_balance=opening)
    record(
        actor=actor,
        action="fund.create",
        target=fund,
        after={**snapshot(fund, FUND_FIELDS), "opening_balance": str(opening)},
        area_code=area.code,
    )
    return fund


@transaction.atomic
def fund_update(
    *, actor: Any, fund: Fund, name: str, description: str, is_public: bool, kind: str
) -> Fund:
    """Change what a fund says about itself (never its books, area or organisation)."""
    if not queries.can_write(actor, fund) and not queries.can_supervise(actor, fund):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขกองทุนนี้"))
    before = snapshot(fund, FUND_FIELDS)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("กรุณาระบุชื่อกองทุน")})
    if Fund.objects.filter(area=fund.area, name=name).exclude(pk=fund.pk).exists():
        raise ValidationError({"name": _("มีกองทุนชื่อนี้ในพื้นที่นี้แล้ว")})
    if kind not in FundKind.values:
        raise ValidationError({"kind": _("ประเภทกองทุนไม่ถูกต้อง")})
    fund.name, fund.description, fund.is_public, fund.kind = (
        name,
        (description or "").strip(),
        is_public,
        kind,
    )
    fund.save()
    record(
        actor=actor,
        action="fund.update",
        target=fund,
        before=before,
        after=snapshot(fund, FUND_FIELDS),
        area_code=fund.area_id,
    )
    return fund


# ---------------------------------------------------------------------------------- periods


def _period_for(fund: Fund, year: int) -> FiscalPeriod:
    """The year's period, created when first needed; its opening is carried from the year
    before when that year is closed, else left unknown until it closes."""
    period = FiscalPeriod.objects.filter(fund=fund, fiscal_year=year).first()
    if period is not None:
        return period
    previous = FiscalPeriod.objects.filter(fund=fund, fiscal_year=year - 1, is_closed=True).first()
    return FiscalPeriod.objects.create(
        fund=fund,
        fiscal_year=year,
        opening_balance=previous.closing_balance if previous else None,
    )


def _check_date(fund: Fund, day: dt.date, *, field: str = "date") -> int:
    """The fiscal year of an entry's date, or a message why the date cannot take entries."""
    year = fiscal_year(day)
    if year < fund.start_year:
        raise ValidationError(
            {
                field: _("วันที่ %(date)s อยู่ก่อนปีงบประมาณแรกของกองทุน (%(year)s) ซึ่งเริ่ม %(start)s")
                % {
                    "date": thai_date(day),
                    "year": fund.start_year,
                    "start": thai_date(fund.start_date),
                }
            }
        )
    if day > today():
        raise ValidationError({field: _("วันที่ %(date)s อยู่ในอนาคต") % {"date": thai_date(day)}})
    if FiscalPeriod.objects.filter(fund=fund, fiscal_year=year, is_closed=True).exists():
        raise ValidationError(
            {
                field: _(
                    "ปีงบประมาณ %(year)s ปิดงวดแล้ว จึงเพิ่มหรือแก้รายการที่ลงวันที่ในปีนั้นไม่ได้ "
                    "หากต้องแก้ไข ให้บันทึกการกลับรายการในปีที่ยังเปิดอยู่"
                )
                % {"year": year}
            }
        )
    return year


def _check_balance(fund: Fund, *, day: dt.date, effect: Decimal, field: str = "amount") -> None:
    """Refuse a change whose running balance (in date order, from the opening of the first open
    year) would go below zero, or below −limit where an approved overdraft covers the day, on
    the entry's date or any day after it."""
    if effect >= 0:
        return  # money in never breaks the balance
    years = queries.year_balances(fund)
    open_years = [y for y in years if not y.is_closed]
    balance = open_years[0].opening if open_years else (years[-1].closing if years else ZERO)
    first_open = open_years[0].fiscal_year if open_years else fiscal_year(day)
    in_open = Entry.objects.filter(fund=fund, period__fiscal_year__gte=first_open)
    # Everything up to the entry's day is one sum in the database; only the entries after it
    # (usually none: most entries are dated today) are walked one by one.
    balance += in_open.filter(date__lte=day).aggregate(s=Sum(queries.signed_amount()))["s"] or 0
    rows = in_open.filter(date__gt=day).order_by("date", "id")
    moves: list[tuple[dt.date, Decimal]] = [(day, effect)] + [
        (d, a * queries.direction(k) * (-1 if r else 1))
        for d, k, a, r in rows.values_list("date", "kind", "amount", "reverses_id")
    ]
    overdrafts = queries.approved_overdrafts(fund)
    for d, move in moves:
        balance += move
        limit = queries.overdraft_limit_on(overdrafts, d)
        if balance < -limit:
            if limit:
                message = _(
                    "รายการนี้ทำให้ยอดคงเหลือของกองทุนเป็น %(balance)s ณ วันที่ %(date)s "
                    "เกินวงเงินติดลบที่อนุมัติไว้ (%(limit)s)"
                )
            else:
                message = _(
                    "รายการนี้ทำให้ยอดคงเหลือของกองทุนติดลบ (%(balance)s ณ วันที่ %(date)s) "
                    "โดยไม่มีการอนุมัติให้ยอดติดลบ"
                )
            raise ValidationError(
                {
                    field: message
                    % {
                        "balance": format_baht(balance),
                        "date": thai_date(d),
                        "limit": format_baht(limit),
                    }
                }
            )


# ---------------------------------------------------------------------------------- entries


def _must_write(actor: Any, fund: Fund) -> None:
    if not queries.can_write(actor, fund):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์บันทึกรายการของกองทุนนี้"))


@transaction.atomic
def entry_create(
    *,
    actor: Any,
    fund: Fund,
    kind: str,
    date: Any,
    amount: Any,
    source: str = "",
    category: str = "",
    project: Any = None,
    recipient: str = "",
    description: str = "",
    reference: str = "",
    upload: Any = None,
) -> Entry:
    """Record one ledger line (and, optionally, its evidence file)."""
    _must_write(actor, fund)
    # Lock the fund so two entries saved at once cannot both pass the balance check.
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    errors: dict[str, str] = {}
    if kind not in EntryKind.values:
        errors["kind"] = _("ประเภทรายการไม่ถูกต้อง (รายรับ จ่ายทุน รับชำระคืน หรือค่าใช้จ่าย)")
    day: dt.date | None = None
    try:
        day = _parse_date(date, "date")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    value = ZERO
    try:
        value = parse_amount(amount)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    source = (source or "").strip()
    category = (category or "").strip()
    recipient = (recipient or "").strip()
    if kind == EntryKind.INCOME:
        if not source:
            errors["source"] = _("กรุณาระบุแหล่งรายรับ")
        elif source not in IncomeSource.values:
            errors["source"] = _("แหล่งรายรับไม่ถูกต้อง")
    else:
        source = ""
    if kind == EntryKind.GRANT:
        if (
            project is not None
            and not project_queries.visible_to(actor).filter(pk=project.pk).exists()
        ):
            errors["project"] = _("ไม่พบโครงการนี้ในทะเบียนงานที่คุณเห็น")
        if not category:
            errors["category"] = _("กรุณาระบุหมวดการจ่ายทุน")
        elif category not in GrantCategory.values:
            errors["category"] = _("หมวดการจ่ายทุนไม่ถูกต้อง")
        if project is None and not recipient:
            errors["recipient"] = _("กรุณาระบุผู้รับหรือกลุ่มผู้รับ หรือเลือกโครงการที่รับทุน")
    else:
        category, project = "", None
    if errors:
        raise ValidationError(errors)
    assert day is not None
    year = _check_date(fund, day)
    entry = Entry(
        fund=fund,
        kind=kind,
        date=day,
        amount=value,
        source=source,
        category=category,
        project=project,
        recipient=recipient[:300],
        description=(description or "").strip()[:500],
        reference=(reference or "").strip()[:64],
        created_by=_user(actor),
    )
    _save_entry(actor, entry, year, action="fund.entry_create")
    if upload is not None:
        _attach(actor, entry, upload)
    return entry


@transaction.atomic
def entry_reverse(*, actor: Any, entry: Entry, date: Any, reason: str) -> Entry:
    """Correct an entry by a new one that moves the same amount back, dated in an open year."""
    fund = entry.fund
    _must_write(actor, fund)
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    if entry.reverses_id is not None:
        raise ValidationError({"reverses": _("รายการนี้เป็นการกลับรายการอยู่แล้ว จึงกลับรายการซ้ำอีกไม่ได้")})
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError({"reverses": _("รายการนี้ถูกกลับรายการไปแล้ว")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลของการกลับรายการ")})
    day = _parse_date(date, "date")
    if day < entry.date:
        raise ValidationError(
            {
                "date": _("วันที่กลับรายการต้องไม่ก่อนวันที่ของรายการเดิม (%(date)s)")
                % {"date": thai_date(entry.date)}
            }
        )
    year = _check_date(fund, day)
    reversal = Entry(
        fund=fund,
        kind=entry.kind,
        date=day,
        amount=entry.amount,
        source=entry.source,
        category=entry.category,
        project=entry.project,
        recipient=entry.recipient,
        description=(_("กลับรายการ: %(reason)s") % {"reason": reason})[:500],
        reference=entry.reference,
        reverses=entry,
        created_by=_user(actor),
    )
    _save_entry(actor, reversal, year, action="fund.entry_reverse", field="date", note=reason)
    return reversal


def _save_entry(
    actor: Any, entry: Entry, year: int, *, action: str, field: str = "amount", note: str = ""
) -> None:
    """Check the running balance (a refusal names ``field``), file the entry in its fiscal
    year's period, save it and record ``action`` in the audit log (in the caller's
    transaction, with the fund locked)."""
    fund = entry.fund
    _check_balance(fund, day=entry.date, effect=entry.effect, field=field)
    entry.period = _period_for(fund, year)
    entry.full_clean()
    entry.save()
    record(
        actor=actor,
        action=action,
        target=entry,
        after=snapshot(entry, ENTRY_FIELDS),
        area_code=fund.area_id,
        note=note,
    )


def _attach(actor: Any, entry: Entry, upload: Any) -> EntryAttachment:
    if entry.period.is_closed:
        raise ValidationError(
            {
                "file": _("ปีงบประมาณ %(year)s ปิดงวดแล้ว จึงแนบหลักฐานเพิ่มไม่ได้")
                % {"year": entry.period.fiscal_year}
            }
        )
    try:
        kind, size, data = files.check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    name = str(getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    attachment = EntryAttachment(
        entry=entry, filename=name[:200], kind=kind, size=size, uploaded_by=_user(actor)
    )
    attachment.file.save(name, ContentFile(data), save=False)
    stored = attachment.file.name or ""
    storage = attachment.file.storage
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        storage.delete(stored)
        raise
    record(
        actor=actor,
        action="fund.attachment_add",
        target=entry,
        after={"attachment": attachment.pk, "filename": attachment.filename, "size": size},
        area_code=entry.fund.area_id,
    )
    return attachment


@transaction.atomic
def attachment_add(*, actor: Any, entry: Entry, upload: Any) -> EntryAttachment:
    """Attach evidence to an entry after ``files.check_upload`` accepts it."""
    _must_write(actor, entry.fund)
    return _attach(actor, entry, upload)


# ------------------------------------------------------------------------------- overdrafts


@transaction.atomic
def overdraft_request(
    *, actor: Any, fund: Fund, limit: Any, valid_from: Any, valid_until: Any, reason: str
) -> Overdraft:
    """Ask for permission to go below zero; counts only once a coordinator approves it."""
    if not queries.can_write(actor, fund) and not queries.can_supervise(actor, fund):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ขออนุมัติวงเงินติดลบของกองทุนนี้"))
    errors: dict[str, Any] = {}
    value = ZERO
    try:
        value = parse_amount(limit, field="limit")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    start = end = None
    try:
        start = _parse_date(valid_from, "valid_from")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        end = _parse_date(valid_until, "valid_until")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if start and end and end < start:
        errors["valid_until"] = _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม")
    if not (reason or "").strip():
        errors["reason"] = _("กรุณาระบุเหตุผลที่ต้องให้ยอดติดลบได้")
    if errors or start is None or end is None:
        raise ValidationError(errors)
    overdraft = Overdraft(
        fund=fund,
        limit=value,
        valid_from=start,
        valid_until=end,
        reason=reason.strip(),
        requested_by=_user(actor),
    )
    overdraft.full_clean()
    overdraft.save()
    record(
        actor=actor,
        action="fund.overdraft_request",
        target=overdraft,
        after=snapshot(overdraft, ("fund", "limit", "valid_from", "valid_until", "reason")),
        area_code=fund.area_id,
    )
    return overdraft


@transaction.atomic
def overdraft_decide(*, actor: Any, overdraft: Overdraft, approve: bool) -> Overdraft:
    """Approve or refuse a pending overdraft: the area's coordinators and administrators only,
    and never the person who asked for it."""
    fund = overdraft.fund
    if not queries.can_supervise(actor, fund):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานพื้นที่หรือผู้ดูแลระบบเท่านั้นที่อนุมัติวงเงินติดลบได้"))
    if overdraft.requested_by_id is not None and overdraft.requested_by_id == getattr(
        actor, "pk", None
    ):
        raise ValidationError({"status": _("ผู้ขออนุมัติจะอนุมัติคำขอของตนเองไม่ได้")})
    if overdraft.status != OverdraftStatus.PENDING:
        raise ValidationError({"status": _("คำขอนี้ได้รับการพิจารณาไปแล้ว")})
    before = snapshot(overdraft, ("status",))
    overdraft.status = OverdraftStatus.APPROVED if approve else OverdraftStatus.REJECTED
    overdraft.approved_by = _user(actor)
    overdraft.approved_at = timezone.now()
    overdraft.save()
    record(
        actor=actor,
        action="fund.overdraft_approve" if approve else "fund.overdraft_reject",
        target=overdraft,
        before=before,
        after=snapshot(overdraft, ("status", "approved_by", "limit", "valid_until")),
        area_code=fund.area_id,
    )
    return overdraft


# ---------------------------------------------------------------------------------- closing


@transaction.atomic
def period_close(*, actor: Any, fund: Fund, fiscal_year: int) -> FiscalPeriod:
    """Close a fiscal year: freeze its entries, record its closing balance and carry it as the
    next year's opening."""
    if not queries.can_supervise(actor, fund):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานพื้นที่หรือผู้ดูแลระบบเท่านั้นที่ปิดงวดบัญชีได้"))
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    year = fiscal_year
    if year < fund.start_year:
        raise ValidationError(
            {"fiscal_year": _("กองทุนเริ่มบันทึกบัญชีปีงบประมาณ %(year)s") % {"year": fund.start_year}}
        )
    end = fiscal_year_range(year)[1]
    if today() <= end:
        raise ValidationError(
            {
                "fiscal_year": _("ปีงบประมาณ %(year)s ยังไม่สิ้นสุด (สิ้นสุด %(end)s) จึงยังปิดงวดไม่ได้")
                % {"year": year, "end": thai_date(end)}
            }
        )
    if (
        year > fund.start_year
        and not FiscalPeriod.objects.filter(
            fund=fund, fiscal_year=year - 1, is_closed=True
        ).exists()
    ):
        raise ValidationError(
            {"fiscal_year": _("ต้องปิดงวดปีงบประมาณ %(previous)s ก่อน") % {"previous": year - 1}}
        )
    period = _period_for(fund, year)
    if period.is_closed:
        raise ValidationError({"fiscal_year": _("ปีงบประมาณ %(year)s ปิดงวดไปแล้ว") % {"year": year}})
    books = {y.fiscal_year: y for y in queries.year_balances(fund)}
    yb = books[year]
    if period.opening_balance is None or period.opening_balance != yb.opening:
        raise ValidationError(
            {
                "fiscal_year": _(
                    "ยอดยกมาที่บันทึกไว้ของปีงบประมาณ %(year)s ไม่ตรงกับยอดปิดของปีก่อน กรุณาติดต่อผู้ดูแลระบบ"
                )
                % {"year": year}
            }
        )
    closing = yb.closing
    period.closing_balance = closing
    period.is_closed = True
    period.closed_at = timezone.now()
    period.closed_by = _user(actor)
    period.save()
    following = FiscalPeriod.objects.filter(fund=fund, fiscal_year=year + 1).first()
    if following is None:
        FiscalPeriod.objects.create(fund=fund, fiscal_year=year + 1, opening_balance=closing)
    else:
        following.opening_balance = closing
        following.save(update_fields=["opening_balance"])
    record(
        actor=actor,
        action="fund.period_close",
        target=fund,
        after={
            "fiscal_year": year,
            "opening": str(yb.opening),
            "income": str(yb.income),
            "repayments": str(yb.repayments),
            "grants": str(yb.grants),
            "expenses": str(yb.expenses),
            "closing": str(closing),
        },
        area_code=fund.area_id,
    )
    return period
