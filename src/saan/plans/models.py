"""Joint plans (แผนร่วม) and co-investment (การร่วมลงทุน): one plan per area and fiscal year,
built from the area's common agenda, whose items many partners fund.

- A **plan** belongs to an area (usually a province) and a ปีงบประมาณ (พ.ศ.); it may cover a few
  fiscal years (``fiscal_year`` … ``fiscal_year_end``). Its content (items under the agenda's
  goals, with areas, indicators and targets, organisations with roles and delivering projects)
  is edited live; when the central space agrees it, a **version** keeps a frozen snapshot with
  the meeting's resolution. Editing an agreed plan opens the next version (status ``revised``);
  the agreed snapshot is never rewritten.
- A **contribution** is one partner's money or in-kind support to one plan item, with amounts
  at four stages that nest (pledged ≥ committed ≥ disbursed ≥ spent), a budget source from the
  province's vocabulary and a fiscal year. ``funded_by`` names the upstream contribution it
  passes on (สสส. → a foundation → the item): totals count money once, at the original source.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area
from saan.partners.models import Organisation

STAGES = ("pledged", "committed", "disbursed", "spent")


class Stage(models.TextChoices):
    PLEDGED = "pledged", _("ให้คำมั่น")
    COMMITTED = "committed", _("ผูกพันแล้ว")
    DISBURSED = "disbursed", _("เบิกจ่าย/โอนแล้ว")
    SPENT = "spent", _("ใช้จ่ายแล้ว")


class BudgetSource(models.Model):
    """A budget source in a province's vocabulary (กองทุนหลักประกันสุขภาพระดับท้องถิ่น, งบ อปท. …):
    coordinators add, rename or retire entries; contributions keep theirs."""

    area = models.ForeignKey(
        Area, verbose_name=_("จังหวัด"), on_delete=models.PROTECT, related_name="budget_sources"
    )
    name = models.CharField(_("แหล่งงบประมาณ"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)

    class Meta:
        verbose_name = _("แหล่งงบประมาณ")
        verbose_name_plural = _("แหล่งงบประมาณ")
        ordering = ["area_id", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="budgetsource_unique_in_area")
        ]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("ร่าง")
    AGREED = "agreed", _("พื้นที่กลางเห็นชอบแล้ว")
    REVISED = "revised", _("กำลังปรับปรุง (ฉบับใหม่)")


class Plan(models.Model):
    """The joint plan of an area for a fiscal year (พ.ศ.), built from its common agenda.
    ``version`` is the number of the version being worked on; ``status`` says whether that
    version is a first draft, agreed, or a revision of an agreed one."""

    area = models.ForeignKey(
        Area, verbose_name=_("พื้นที่"), on_delete=models.PROTECT, related_name="joint_plans"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    fiscal_year_end = models.PositiveSmallIntegerField(_("ถึงปีงบประมาณ"))
    title = models.CharField(_("ชื่อแผน"), max_length=300)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    agenda = models.ForeignKey(
        "forums.CommonAgenda",
        verbose_name=_("วาระร่วม"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_plans",
    )
    is_public = models.BooleanField(_("เปิดเผยต่อสาธารณะ"), default=False)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("ฉบับที่"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("แผนร่วม")
        verbose_name_plural = _("แผนร่วม")
        ordering = ["area_id", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "fiscal_year"], name="plan_one_per_area_year"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2500)
                & Q(fiscal_year__lte=2700)
                & Q(fiscal_year_end__gte=F("fiscal_year"))
                & Q(fiscal_year_end__lte=2700),
                name="plan_fiscal_years_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.pk])

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.fiscal_year, self.fiscal_year_end + 1))

    @property
    def province_code(self) -> str:
        return self.area_id[:2]


class PlanVersion(models.Model):
    """A version of a plan agreed by the central space, with the meeting's resolution and a
    frozen snapshot of the plan's content as agreed. Never changed after it is written."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("ฉบับที่"))
    resolution = models.ForeignKey(
        "forums.Resolution",
        verbose_name=_("มติที่เห็นชอบ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreed_plan_versions",
    )
    agreed_on = models.DateField(_("วันที่เห็นชอบ"))
    note = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)
    snapshot = models.JSONField(_("เนื้อหาแผนฉบับที่เห็นชอบ"))
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ฉบับของแผนร่วม")
        verbose_name_plural = _("ฉบับของแผนร่วม")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.number}"


class PlanItem(models.Model):
    """An item of a joint plan under one goal of the common agenda: what will be done, where
    (its areas; none means the plan's whole area), what it should move (indicators with
    targets), who leads and takes part, which registered projects deliver it, and what it
    needs in baht."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    goal = models.ForeignKey(
        "forums.AgendaGoal",
        verbose_name=_("เป้าหมายวาระร่วม"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    title = models.CharField(_("รายการแผน"), max_length=300)
    description = models.TextField(_("รายละเอียด"), blank=True)
    budget_needed = models.DecimalField(
        _("งบประมาณที่ต้องการ (บาท)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    areas = models.ManyToManyField(
        Area, verbose_name=_("พื้นที่ดำเนินการ"), blank=True, related_name="plan_items"
    )
    projects = models.ManyToManyField(
        "projects.Project",
        verbose_name=_("โครงการที่ดำเนินการ"),
        blank=True,
        related_name="plan_items",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("รายการแผนร่วม")
        verbose_name_plural = _("รายการแผนร่วม")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_needed__isnull=True) | Q(budget_needed__gte=0),
                name="planitem_budget_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:item", args=[self.pk])


class PlanItemIndicator(models.Model):
    """An indicator a plan item should move, with the target it aims for."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("ตัวชี้วัด"),
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    target = models.DecimalField(
        _("ค่าเป้าหมาย"), max_digits=20, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("ตัวชี้วัดของรายการแผน")
        verbose_name_plural = _("ตัวชี้วัดของรายการแผน")
        constraints = [
            models.UniqueConstraint(fields=["item", "indicator"], name="planitemindicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.target}"


class ItemRole(models.TextChoices):
    LEAD = "lead", _("หน่วยงานหลัก")
    PARTNER = "partner", _("ภาคีร่วมดำเนินการ")
    TECHNICAL = "technical", _("สนับสนุนวิชาการ/ข้อมูล")
    FUNDER = "funder", _("สนับสนุนงบประมาณ")


class PlanItemOrganisation(models.Model):
    """An organisation's role in a plan item (lead, partner, technical support, funder)."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plan_item_roles"
    )
    role = models.CharField(_("บทบาท"), max_length=10, choices=ItemRole.choices)

    class Meta:
        verbose_name = _("บทบาทในรายการแผน")
        verbose_name_plural = _("บทบาทในรายการแผน")
        ordering = ["item_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organisation", "role"], name="planitemorg_unique"
            ),
            models.CheckConstraint(condition=Q(role__in=ItemRole.values), name="planitemorg_role"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"


class ContributionKind(models.TextChoices):
    CASH = "cash", _("เงินสด/งบประมาณ")
    IN_KIND = "in_kind", _("ไม่ใช่ตัวเงิน (คิดมูลค่าเป็นบาท)")


class InKindType(models.TextChoices):
    NONE = "", _("—")
    STAFF = "staff", _("บุคลากร")
    VENUE = "venue", _("สถานที่")
    DATA = "data", _("ข้อมูล")
    MATERIALS = "materials", _("วัสดุอุปกรณ์")
    OTHER = "other", _("อื่น ๆ")


class Contribution(models.Model):
    """One partner's contribution to one plan item in one fiscal year: cash, or in kind at a
    baht-equivalent value, from a budget source, with its amount at each stage (pledged ≥
    committed ≥ disbursed ≥ spent). ``funded_by`` is the upstream contribution whose money this
    one passes on, on the same item; counting keeps each baht once, at the original source."""

    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="contributions")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("องค์กรที่สมทบ"),
        on_delete=models.PROTECT,
        related_name="plan_contributions",
    )
    kind = models.CharField(
        _("ลักษณะ"), max_length=8, choices=ContributionKind.choices, default=ContributionKind.CASH
    )
    in_kind_type = models.CharField(
        _("ประเภทการสนับสนุนที่ไม่ใช่ตัวเงิน"),
        max_length=10,
        choices=InKindType.choices,
        blank=True,
        default="",
    )
    source = models.ForeignKey(
        BudgetSource,
        verbose_name=_("แหล่งงบประมาณ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    pledged = models.DecimalField(_("ให้คำมั่น (บาท)"), max_digits=16, decimal_places=2, default=0)
    committed = models.DecimalField(_("ผูกพันแล้ว (บาท)"), max_digits=16, decimal_places=2, default=0)
    disbursed = models.DecimalField(
        _("เบิกจ่าย/โอนแล้ว (บาท)"), max_digits=16, decimal_places=2, default=0
    )
    spent = models.DecimalField(_("ใช้จ่ายแล้ว (บาท)"), max_digits=16, decimal_places=2, default=0)
    funded_by = models.ForeignKey(
        "self",
        verbose_name=_("เงินส่งต่อจาก"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passed_on",
    )
    note = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)
    is_public = models.BooleanField(_("เปิดเผยต่อสาธารณะ"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("การสมทบ")
        verbose_name_plural = _("การสมทบ")
        ordering = ["item_id", "fiscal_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledged__gte=0)
                & Q(committed__gte=0)
                & Q(disbursed__gte=0)
                & Q(spent__gte=0),
                name="contribution_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(committed__lte=F("pledged"))
                & Q(disbursed__lte=F("committed"))
                & Q(spent__lte=F("disbursed")),
                name="contribution_stages_nest",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2500) & Q(fiscal_year__lte=2700),
                name="contribution_fiscal_year_is_be",
            ),
            models.CheckConstraint(
                condition=~Q(funded_by=F("id")), name="contribution_not_own_source"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ContributionKind.values), name="contribution_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "fiscal_year"], name="contrib_org_fy")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.item} ({self.fiscal_year})"

    def get_absolute_url(self) -> str:
        return reverse("plans:item", args=[self.item_id]) + f"#c{self.pk}"
