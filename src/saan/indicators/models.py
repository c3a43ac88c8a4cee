"""Indicators, the values areas report for them, their verification, and fresh roll-ups.

A value is indicator × area × period × breakdown. Roll-ups (district, province, country) are
kept in ``Rollup`` rows that the value services refresh in the same transaction as the change,
so every ancestor shows a corrected figure at once and a province page reads one row instead of
aggregating thousands. Area groups (health regions, programme phases) combine province rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area, Level
from saan.core.versions import DataVersion
from saan.core.versions import new_token as new_token  # named by migration 0004
from saan.indicators.periods import PeriodType
from saan.partners.models import Organisation


class Source(models.TextChoices):
    TPMAP = "tpmap", _("TPMAP (คนจนเป้าหมาย)")
    JPT = "jpt", _("จปฐ. (ข้อมูลความจำเป็นพื้นฐาน)")
    HDC = "hdc", _("HDC (กระทรวงสาธารณสุข)")
    SURVEY = "survey", _("การสำรวจของหน่วยงาน")
    HAPPINESS = "happiness", _("ดัชนีความสุข")
    ALLIANCE = "alliance", _("ข้อมูลของภาคี")
    REGISTRY = "registry", _("ทะเบียนราษฎร")


class Polarity(models.TextChoices):
    HIGHER_BETTER = "higher", _("ยิ่งมากยิ่งดี")
    LOWER_BETTER = "lower", _("ยิ่งน้อยยิ่งดี")
    NEUTRAL = "neutral", _("ไม่มีทิศทาง")


class ValueType(models.TextChoices):
    COUNT = "count", _("จำนวนนับ")
    AMOUNT = "amount", _("จำนวนเงิน (บาท)")
    PERCENTAGE = "percentage", _("ร้อยละ")
    RATIO = "ratio", _("อัตราส่วน")
    INDEX = "index", _("ดัชนี")


class Aggregation(models.TextChoices):
    """How children's values combine into a parent's. Never an average of percentages: a rate
    is recomputed from summed numerators and denominators, or weighted by population."""

    SUM = "sum", _("ผลรวม")
    RATIO = "ratio", _("คำนวณใหม่จากผลรวมตัวตั้งและตัวหาร")
    WEIGHTED_MEAN = "weighted_mean", _("ค่าเฉลี่ยถ่วงน้ำหนักด้วยประชากร")
    MIN = "min", _("ค่าต่ำสุด")
    MAX = "max", _("ค่าสูงสุด")
    LATEST = "latest", _("ไม่รวม (แสดงค่าที่รายงานล่าสุด)")


class Indicator(models.Model):
    """A measurable indicator. Derived rates name their ``numerator`` and ``denominator``
    indicators and a ``factor`` (100 for a percentage): their value at any level is
    factor × Σnumerator ÷ Σdenominator. A population-weighted mean names its ``weight``
    indicator. ``base_level`` is where values are collected (usually the subdistrict);
    ``thresholds`` are ascending band limits for colouring; ``owner`` signs off its own figures
    (the agency lane of verification)."""

    code = models.SlugField(_("รหัสตัวชี้วัด"), max_length=60, unique=True)
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=300)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=300, blank=True)
    definition = models.TextField(_("นิยาม"), blank=True)
    unit = models.CharField(_("หน่วย"), max_length=60, blank=True)
    source = models.CharField(_("แหล่งข้อมูล"), max_length=12, choices=Source.choices)
    theme = models.ForeignKey(
        "projects.Theme",
        verbose_name=_("ประเด็น"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    dimension = models.CharField(_("มิติความอยู่ดีมีสุข"), max_length=40, blank=True)
    polarity = models.CharField(_("ทิศทาง"), max_length=8, choices=Polarity.choices)
    value_type = models.CharField(_("ชนิดค่า"), max_length=12, choices=ValueType.choices)
    aggregation = models.CharField(_("วิธีรวมค่า"), max_length=14, choices=Aggregation.choices)
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("ตัวตั้ง"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="as_numerator",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("ตัวหาร"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="as_denominator",
    )
    weight = models.ForeignKey(
        "self",
        verbose_name=_("น้ำหนัก (ประชากร)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="as_weight",
    )
    factor = models.DecimalField(_("ตัวคูณ"), max_digits=12, decimal_places=4, default=1)
    period_type = models.CharField(
        _("ชนิดช่วงเวลา"), max_length=14, choices=PeriodType.choices, default=PeriodType.FISCAL_YEAR
    )
    base_level = models.CharField(
        _("ระดับที่เก็บข้อมูล"), max_length=12, choices=Level.choices, default=Level.SUBDISTRICT
    )
    thresholds = models.JSONField(_("เกณฑ์แบ่งช่วงสี"), default=list, blank=True)
    plausible_min = models.DecimalField(
        _("ค่าต่ำสุดที่เป็นไปได้"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    plausible_max = models.DecimalField(
        _("ค่าสูงสุดที่เป็นไปได้"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("หน่วยงานเจ้าของข้อมูล"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    is_public = models.BooleanField(_("เปิดเผยต่อสาธารณะ"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(aggregation="ratio")
                | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                name="indicator_ratio_has_parts",
            ),
            models.CheckConstraint(
                condition=~Q(aggregation="weighted_mean") | Q(weight__isnull=False),
                name="indicator_weighted_mean_has_weight",
            ),
            models.CheckConstraint(condition=~Q(factor=0), name="indicator_factor_not_zero"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:detail", args=[self.code])

    @property
    def name(self) -> str:
        lang = translation.get_language() or "th"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_th

    @property
    def is_derived(self) -> bool:
        return self.aggregation == Aggregation.RATIO


class IndicatorTarget(models.Model):
    """The value an area aims for in a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="indicator_targets")
    period = models.CharField(_("ช่วงเวลา"), max_length=10)
    value = models.DecimalField(_("ค่าเป้าหมาย"), max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("ค่าเป้าหมาย")
        verbose_name_plural = _("ค่าเป้าหมาย")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period"], name="indicatortarget_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period}: {self.value}"


class State(models.TextChoices):
    ENTERED = "entered", _("ยังไม่สอบทาน")
    VERIFIED = "verified", _("สอบทานแล้ว")
    ACCEPTED = "accepted", _("รับรองแล้ว")
    RETURNED = "returned", _("ส่งกลับให้แก้ไข")


class DataValue(models.Model):
    """One figure: indicator × area × period × breakdown ("" for the total; ``sex:f``,
    ``age:60+`` …). Its verification ``state`` moves entered → verified → accepted, or back to
    returned with a reason. Every change is audited with the value before and after.

    This is the national-scale fact table (millions of rows), so it is kept slim: its foreign
    keys have no database constraint and no index of their own; there are only the unique key
    and the two composite indexes that the pages and roll-ups read. Integrity is kept by the
    writers (``services`` and the importer resolve every indicator, area and organisation in the
    same transaction), the ORM still refuses to delete an indicator or organisation with values
    (PROTECT) and empties ``entered_by``/``state_by`` of a deleted user (SET_NULL), and
    ``./saan manage check_values`` counts orphans. See "The values table" in
    docs/architecture.md."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="values",
        db_constraint=False,
        db_index=False,
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="data_values",
        db_constraint=False,
        db_index=False,
    )
    period = models.CharField(_("ช่วงเวลา"), max_length=10)
    breakdown = models.CharField(_("จำแนก"), max_length=40, blank=True, default="")
    value = models.DecimalField(_("ค่า"), max_digits=20, decimal_places=4)
    source_note = models.CharField(_("ที่มา"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("หน่วยงานที่ส่งข้อมูล"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="data_values",
        db_constraint=False,
        db_index=False,
    )
    state = models.CharField(
        _("สถานะการสอบทาน"), max_length=10, choices=State.choices, default=State.ENTERED
    )
    note = models.CharField(_("บันทึกการสอบทาน"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    state_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    state_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ค่าข้อมูล")
        verbose_name_plural = _("ค่าข้อมูล")
        # Two indexes only: every index is paid for on each of the millions of rows an import
        # writes. The unique key leads with (indicator, period, area), which is what roll-ups,
        # imports and exports look up; (area, indicator) serves an area's own pages.
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "area", "breakdown"], name="datavalue_unique"
            )
        ]
        indexes = [
            models.Index(fields=["area", "indicator"], name="datavalue_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period} {self.breakdown}: {self.value}"


class Rollup(models.Model):
    """The aggregate of base-level values under one area for one indicator, period and
    breakdown; ``area_code`` is a district or province code, or "" for the whole country.
    Kept fresh by the value services; never edited by hand. ``value`` is what the
    indicator's aggregation gives (None where the aggregation cannot be computed here, e.g. a
    ratio, which combines the numerator's and denominator's roll-ups)."""

    # Derived rows, rewritten in bulk by every refresh: no database constraint or index of its
    # own (the unique key leads with the indicator; Django still cascades a deleted indicator).
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="rollups",
        db_constraint=False,
        db_index=False,
    )
    area_code = models.CharField(max_length=6, blank=True)
    period = models.CharField(max_length=10)
    breakdown = models.CharField(max_length=40, blank=True, default="")
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    weighted_total = models.DecimalField(max_digits=30, decimal_places=6, default=0)
    weight_total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    minimum = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    maximum = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    expected = models.PositiveIntegerField(default=0)  # base areas under area_code
    reported = models.PositiveIntegerField(default=0)  # of which have a value
    verified = models.PositiveIntegerField(default=0)  # of which verified or accepted
    accepted = models.PositiveIntegerField(default=0)  # of which accepted
    returned = models.PositiveIntegerField(default=0)  # of which returned for correction
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code", "period", "breakdown"], name="rollup_unique"
            )
        ]
        indexes = [models.Index(fields=["area_code", "period"], name="rollup_area_period_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_code or 'TH'} {self.period}: {self.value}"


class RollupVersion(DataVersion):
    """One row whose ``counter`` goes up in every transaction that refreshes roll-ups (so in
    every change of a value or its state): a data version counter (``saan.core.versions``).
    Pages that cache what they drew from roll-ups key the cache on it."""


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("ตรวจแล้ว รอยืนยัน")
    QUEUED = "queued", _("รอคิวบันทึก")
    RUNNING = "running", _("กำลังบันทึก")
    COMMITTED = "committed", _("บันทึกแล้ว")
    FAILED = "failed", _("บันทึกไม่สำเร็จ")


class IndicatorImport(models.Model):
    """One file of indicator values on its way in (``saan.indicators.importing``): uploaded and
    previewed, then committed in one transaction, by the person who uploaded it. ``content``
    keeps the file between the preview and the commit (the commit reads and checks it again
    under a lock, so it never trusts a stale preview); the command line leaves it empty.
    ``counts`` holds the number of values per outcome, ``report`` the row outcomes (every
    problem, and the first rows of each other outcome); ``progress_*`` and ``phase`` are what the
    status page shows while a large file is written by a background task."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้นำเข้า"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicator_imports",
    )
    created_at = models.DateTimeField(_("เวลาที่อัปโหลด"), auto_now_add=True)
    filename = models.CharField(_("ชื่อไฟล์"), max_length=255)
    file_format = models.CharField(_("ชนิดไฟล์"), max_length=12, blank=True)
    shape = models.CharField(_("รูปแบบตาราง"), max_length=16, blank=True)
    content = models.BinaryField(_("ไฟล์"), blank=True, default=b"")
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    options = models.JSONField(_("ตัวเลือก"), default=dict, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("จำนวนค่าที่อ่านได้"), default=0)
    counts = models.JSONField(_("สรุปผล"), default=dict, blank=True)
    report = models.JSONField(_("ผลรายแถว"), default=list, blank=True)
    phase = models.CharField(_("ขั้นตอน"), max_length=20, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    committed_at = models.DateTimeField(_("เวลาที่บันทึก"), null=True, blank=True)

    class Meta:
        verbose_name = _("การนำเข้าข้อมูลตัวชี้วัด")
        verbose_name_plural = _("การนำเข้าข้อมูลตัวชี้วัด")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ImportStatus]),
                name="indicatorimport_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="committed", committed_at__isnull=False)
                | (~Q(status="committed") & Q(committed_at__isnull=True)),
                name="indicatorimport_committed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.COMMITTED, ImportStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
