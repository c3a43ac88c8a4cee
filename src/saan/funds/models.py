"""Community funds (กองทุนชุมชน): savings groups, community welfare funds, the joint area fund and
local health funds, each with a ledger kept per fiscal year (ปีงบประมาณ, 1 Oct – 30 Sep, named by
the พ.ศ. year it ends in).

The books balance like double entry: for every fiscal year, opening + income + repayments −
grants − expenses = closing, and each year's opening is the previous year's closing. Amounts are
always positive; the kind says which way the money moves, and a reversal (the only way to
correct an entry) moves it back. Closed years are frozen. The rules live in ``services``; the
database holds what it can (positive amounts, one period per year, one reversal per entry).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area
from saan.core.thai import fiscal_year_range
from saan.partners.models import Organisation

ZERO = Decimal("0.00")


class FundKind(models.TextChoices):
    SAVINGS = "savings", _("กลุ่มออมทรัพย์ / สัจจะออมทรัพย์")
    WELFARE = "welfare", _("กองทุนสวัสดิการชุมชน")
    AREA = "area", _("กองทุนกลางของพื้นที่ (บริหารร่วมระดับพื้นที่)")
    HEALTH = "health", _("กองทุนหลักประกันสุขภาพระดับท้องถิ่น")


class Fund(models.Model):
    """A community fund in an area, run by one organisation (``organisation``: the fund's
    committee, a community organisation, a local government…). ``start_year`` is the first fiscal
    year the ledger covers; its opening balance is set when the fund is registered. A public fund
    shows a summary of totals and categories to everyone (never names of people)."""

    name = models.CharField(_("ชื่อกองทุน"), max_length=300)
    kind = models.CharField(_("ประเภทกองทุน"), max_length=12, choices=FundKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("พื้นที่"), on_delete=models.PROTECT, related_name="funds"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("องค์กรที่บริหารกองทุน"),
        on_delete=models.PROTECT,
        related_name="funds",
    )
    description = models.TextField(_("รายละเอียด"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("ปีงบประมาณแรกที่บันทึก (พ.ศ.)"))
    is_public = models.BooleanField(_("เปิดเผยสรุปต่อสาธารณะ"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("กองทุน")
        verbose_name_plural = _("กองทุน")
        ordering = ["area_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="fund_unique_name_in_area"),
            models.CheckConstraint(
                condition=Q(start_year__gte=2400, start_year__lte=2700),
                name="fund_start_year_buddhist_era",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funds:fund", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("funds:public", args=[self.pk])

    @property
    def start_date(self) -> dt.date:
        return fiscal_year_range(self.start_year)[0]


class FiscalPeriod(models.Model):
    """One fiscal year of a fund's books. ``opening_balance`` is set for the first year when the
    fund is registered and, for every later year, carried from the previous year's closing when
    that year is closed (None until then). Closing freezes the year: ``closing_balance`` is
    recorded and no entry dated in it may be added or changed."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="periods")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    opening_balance = models.DecimalField(
        _("ยอดยกมา"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    closing_balance = models.DecimalField(
        _("ยอดคงเหลือปลายปี"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    is_closed = models.BooleanField(_("ปิดงวดแล้ว"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("งวดบัญชี")
        verbose_name_plural = _("งวดบัญชี")
        ordering = ["fund_id", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "fiscal_year"], name="fund_period_unique"),
            models.CheckConstraint(
                condition=Q(is_closed=False) | Q(closing_balance__isnull=False),
                name="fund_period_closed_has_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.fiscal_year}"

    @property
    def date_range(self) -> tuple[dt.date, dt.date]:
        return fiscal_year_range(self.fiscal_year)


class EntryKind(models.TextChoices):
    INCOME = "income", _("รายรับ")
    GRANT = "grant", _("จ่ายทุน / สวัสดิการ")
    REPAYMENT = "repayment", _("รับชำระคืน")
    EXPENSE = "expense", _("ค่าใช้จ่าย")


# Money in (+1) or out (−1) of the fund for each kind.
DIRECTION = {
    EntryKind.INCOME: 1,
    EntryKind.REPAYMENT: 1,
    EntryKind.GRANT: -1,
    EntryKind.EXPENSE: -1,
}


class IncomeSource(models.TextChoices):
    MEMBERS = "members", _("เงินสมทบของสมาชิก")
    GOVERNMENT = "government", _("เงินสมทบจากรัฐบาล")
    LOCAL_GOVERNMENT = "local_government", _("เงินสมทบจากองค์กรปกครองส่วนท้องถิ่น")
    PARTNER = "partner", _("ทุนจากภาคี")
    DONATION = "donation", _("เงินบริจาค")
    INTEREST = "interest", _("ดอกเบี้ย / ผลตอบแทน")
    OTHER = "other", _("อื่น ๆ")


class GrantCategory(models.TextChoices):
    BIRTH = "birth", _("เกิด")
    ILLNESS = "illness", _("เจ็บป่วย")
    ELDERLY = "elderly", _("ผู้สูงอายุ")
    DEATH = "death", _("เสียชีวิต")
    EDUCATION = "education", _("การศึกษา")
    DISASTER = "disaster", _("ภัยพิบัติ")
    LIVELIHOOD = "livelihood", _("อาชีพ / เงินกู้ยืม")
    PROJECT = "project", _("โครงการ / กิจกรรมของชุมชน")
    OTHER = "other", _("อื่น ๆ")


class Entry(models.Model):
    """One line of the ledger. ``amount`` is always positive; ``kind`` says the direction.
    Income names its ``source``; a grant names its ``category`` and either a ``project`` of the
    work register or a ``recipient`` (a group or person; personal data, never shown on the public
    summary). A correction is a new entry that ``reverses`` an earlier one in full, dated in an
    open year; a reversal cannot itself be reversed, and an entry is reversed at most once."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="entries")
    period = models.ForeignKey(FiscalPeriod, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("ประเภทรายการ"), max_length=10, choices=EntryKind.choices)
    date = models.DateField(_("วันที่"))
    amount = models.DecimalField(_("จำนวนเงิน (บาท)"), max_digits=14, decimal_places=2)
    source = models.CharField(
        _("แหล่งรายรับ"), max_length=20, choices=IncomeSource.choices, blank=True
    )
    category = models.CharField(
        _("หมวดการจ่าย"), max_length=12, choices=GrantCategory.choices, blank=True
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("โครงการที่รับทุน"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_entries",
    )
    recipient = models.CharField(_("ผู้รับ / กลุ่มผู้รับ"), max_length=300, blank=True)
    description = models.CharField(_("รายละเอียด"), max_length=500, blank=True)
    reference = models.CharField(_("เลขที่เอกสาร"), max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("กลับรายการของ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("รายการบัญชีกองทุน")
        verbose_name_plural = _("รายการบัญชีกองทุน")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="income") | Q(source=""), name="fund_entry_source_only_income"
            ),
            models.CheckConstraint(
                condition=Q(kind="grant") | (Q(category="") & Q(project__isnull=True)),
                name="fund_entry_category_only_grant",
            ),
            models.CheckConstraint(
                condition=~Q(reverses=models.F("id")), name="fund_entry_not_own_reversal"
            ),
        ]
        indexes = [models.Index(fields=["fund", "date"], name="fund_entry_fund_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.date})"

    @property
    def effect(self) -> Decimal:
        """What the entry does to the balance: + money in, − money out."""
        sign = DIRECTION[EntryKind(self.kind)] * (-1 if self.reverses_id else 1)
        return self.amount * sign

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class OverdraftStatus(models.TextChoices):
    PENDING = "pending", _("รออนุมัติ")
    APPROVED = "approved", _("อนุมัติแล้ว")
    REJECTED = "rejected", _("ไม่อนุมัติ")


class Overdraft(models.Model):
    """Permission for a fund's balance to go below zero, down to ``−limit``, between
    ``valid_from`` and ``valid_until`` (e.g. welfare owed before the government's match
    arrives). Requested by the fund's writers, approved by the area's coordinator (a separate
    permission, and never by the person who asked). Only an approved one counts."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="overdrafts")
    limit = models.DecimalField(_("วงเงินติดลบได้ไม่เกิน (บาท)"), max_digits=14, decimal_places=2)
    valid_from = models.DateField(_("ตั้งแต่วันที่"))
    valid_until = models.DateField(_("ถึงวันที่"))
    reason = models.TextField(_("เหตุผล"))
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=OverdraftStatus.choices, default=OverdraftStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("การอนุมัติให้ยอดติดลบ")
        verbose_name_plural = _("การอนุมัติให้ยอดติดลบ")
        ordering = ["fund_id", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(limit__gt=0), name="fund_overdraft_limit_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="fund_overdraft_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="fund_overdraft_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.limit} ({self.valid_from} – {self.valid_until})"

    def covers(self, day: dt.date) -> bool:
        return (
            self.status == OverdraftStatus.APPROVED and self.valid_from <= day <= self.valid_until
        )


def _attachment_path(instance: EntryAttachment, filename: str) -> str:
    """A random name under funds/: the uploaded name is kept in ``filename`` only."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"funds/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EntryAttachment(models.Model):
    """Evidence for a ledger entry (a receipt, a signed payment slip, a bank statement). Checked
    on the way in (size, extension and content, ``saan.forums.files``) and always served as a
    download."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("ไฟล์"), upload_to=_attachment_path, max_length=200)
    filename = models.CharField(_("ชื่อไฟล์"), max_length=200)
    kind = models.CharField(_("ชนิดไฟล์"), max_length=8)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("หลักฐานประกอบรายการ")
        verbose_name_plural = _("หลักฐานประกอบรายการ")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename
