"""The work register: who does what, where, when, for whom and with how much money.

A project belongs to one *owner* organisation (the one that registers and is accountable for it);
other organisations take part in roles. It reaches one or many areas at any level: a project at a
district counts for every subdistrict under it. Budget lines say which organisation's money, in
which fiscal year (พ.ศ.), at which stage.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area
from saan.core.versions import DataVersion
from saan.core.versions import new_token as new_token  # named by migration 0006
from saan.partners.models import Organisation


def _localised(th: str, en: str) -> str:
    lang = translation.get_language() or "th"
    return en if lang.startswith("en") and en else th


class Theme(models.Model):
    """A theme of work from the alliance's common agendas (ผู้สูงอายุ, น้ำ, ที่ดิน …). An editable
    vocabulary: administrators add, rename or retire themes; projects keep theirs."""

    slug = models.SlugField(_("รหัส"), max_length=60, unique=True)
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=120, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)

    class Meta:
        verbose_name = _("ประเด็นงาน")
        verbose_name_plural = _("ประเด็นงาน")
        ordering = ["sort_order", "name_th"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self.name_th, self.name_en)


class TargetGroupKind(models.TextChoices):
    LIFE_STAGE = "life_stage", _("ช่วงวัย")
    GROUP = "group", _("กลุ่มเป้าหมาย")


class TargetGroup(models.Model):
    """Who a project is for: a life stage (0–5, 6–18, 19–59, 60+) or a group such as คนพิการ."""

    slug = models.SlugField(_("รหัส"), max_length=60, unique=True)
    kind = models.CharField(_("ชนิด"), max_length=12, choices=TargetGroupKind.choices)
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=120, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        verbose_name = _("กลุ่มเป้าหมาย")
        verbose_name_plural = _("กลุ่มเป้าหมาย")
        ordering = ["kind", "sort_order", "name_th"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self.name_th, self.name_en)


class Status(models.TextChoices):
    PLANNED = "planned", _("วางแผน")
    ONGOING = "ongoing", _("กำลังดำเนินการ")
    COMPLETED = "completed", _("เสร็จสิ้น")
    CANCELLED = "cancelled", _("ยกเลิกแล้ว")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("สาธารณะ")
    ALLIANCE = "alliance", _("ภาคีในพื้นที่")
    PRIVATE = "private", _("เฉพาะองค์กรที่ร่วมโครงการ")


class Project(models.Model):
    """One piece of work (โครงการ). ``ref_code`` is the owner's own reference, unique per owner:
    it is what makes re-importing the same spreadsheet change nothing. ``fy_start``/``fy_end``
    are the fiscal years (พ.ศ.) the dates span, kept by the service for filtering. ``version``
    rises on every save, so a second person saving an out-of-date form is refused."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("หน่วยงานเจ้าของโครงการ"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    ref_code = models.CharField(_("รหัสโครงการของหน่วยงาน"), max_length=64, blank=True)
    title = models.CharField(_("ชื่อโครงการ"), max_length=500)
    summary = models.TextField(_("สาระสำคัญ"), blank=True)
    objectives = models.TextField(_("วัตถุประสงค์"), blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    visibility = models.CharField(
        _("การเปิดเผย"), max_length=10, choices=Visibility.choices, default=Visibility.ALLIANCE
    )
    start_date = models.DateField(_("วันเริ่ม"), null=True, blank=True)
    end_date = models.DateField(_("วันสิ้นสุด"), null=True, blank=True)
    fy_start = models.PositiveSmallIntegerField(_("ปีงบประมาณเริ่ม"), null=True, blank=True)
    fy_end = models.PositiveSmallIntegerField(_("ปีงบประมาณสิ้นสุด"), null=True, blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("ประเด็นงาน"), blank=True, related_name="projects"
    )
    areas = models.ManyToManyField(
        Area, through="ProjectArea", verbose_name=_("พื้นที่"), related_name="projects"
    )
    organisations = models.ManyToManyField(
        Organisation, through="ProjectOrganisation", related_name="projects"
    )
    # Thai words of title, summary and objectives split by PyThaiNLP, space-separated: what
    # free-text search matches against (database text search does not split Thai words).
    search_text = models.TextField(editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("โครงการ")
        verbose_name_plural = _("โครงการ")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "ref_code"],
                condition=~Q(ref_code=""),
                name="project_ref_code_unique_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(fy_end__isnull=True)
                | Q(fy_start__isnull=True)
                | Q(fy_end__gte=F("fy_start")),
                name="project_fiscal_years_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["fy_start", "fy_end"], name="project_fy_idx"),
            # The list's fiscal-year choices end at MAX(fy_end): an index answers it.
            models.Index(fields=["fy_end"], name="project_fy_end_idx"),
            models.Index(fields=["status"], name="project_status_idx"),
            # The list's default order (latest change first): the page of 50 walks this index
            # backwards and stops, instead of sorting every selected project.
            models.Index(fields=["updated_at", "id"], name="project_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def fiscal_years(self) -> list[int]:
        if self.fy_start is None or self.fy_end is None:
            return []
        return list(range(self.fy_start, self.fy_end + 1))


class ProjectArea(models.Model):
    """An area a project works in. The code is the path: a project at ``4001`` reaches every
    subdistrict ``4001xx``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_areas")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="project_areas")

    class Meta:
        verbose_name = _("พื้นที่ดำเนินการ")
        verbose_name_plural = _("พื้นที่ดำเนินการ")
        constraints = [
            models.UniqueConstraint(fields=["project", "area"], name="projectarea_unique")
        ]
        indexes = [models.Index(fields=["area", "project"], name="projectarea_area_idx")]

    def __str__(self) -> str:
        return f"{self.project_id} @ {self.area_id}"


class OrgRole(models.TextChoices):
    LEAD = "lead", _("หน่วยงานหลัก/รับผิดชอบ")
    IMPLEMENTING = "implementing", _("หน่วยดำเนินการ")
    FUNDING = "funding", _("หน่วยสนับสนุนงบประมาณ")
    PARTNER = "partner", _("ภาคีร่วม")


class ProjectOrganisation(models.Model):
    """An organisation's role in a project; an organisation may hold several roles."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="project_roles"
    )
    role = models.CharField(_("บทบาท"), max_length=14, choices=OrgRole.choices)

    class Meta:
        verbose_name = _("บทบาทในโครงการ")
        verbose_name_plural = _("บทบาทในโครงการ")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="projectorg_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"


class ProjectTarget(models.Model):
    """How many people of a target group a project plans to reach, and has reached."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, related_name="project_targets"
    )
    planned = models.PositiveIntegerField(_("จำนวนเป้าหมาย"), null=True, blank=True)
    reached = models.PositiveIntegerField(_("จำนวนที่เข้าถึงแล้ว"), null=True, blank=True)

    class Meta:
        verbose_name = _("เป้าหมายของโครงการ")
        verbose_name_plural = _("เป้าหมายของโครงการ")
        constraints = [
            models.UniqueConstraint(fields=["project", "target_group"], name="projecttarget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target_group}: {self.planned}/{self.reached}"


class Stage(models.TextChoices):
    PLANNED = "planned", _("ตั้งงบ")
    COMMITTED = "committed", _("ผูกพันแล้ว")
    DISBURSED = "disbursed", _("เบิกจ่าย/โอนแล้ว")
    SPENT = "spent", _("ใช้จ่ายแล้ว")


class BudgetLine(models.Model):
    """Money for a project: from which organisation, in which fiscal year (พ.ศ.), at which stage.
    Amounts are baht, stored exactly as Decimal."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    source = models.ForeignKey(
        Organisation,
        verbose_name=_("แหล่งงบประมาณ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_lines",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    amount = models.DecimalField(_("จำนวนเงิน (บาท)"), max_digits=16, decimal_places=2)
    stage = models.CharField(_("สถานะงบ"), max_length=10, choices=Stage.choices)
    note = models.CharField(_("หมายเหตุ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("รายการงบประมาณ")
        verbose_name_plural = _("รายการงบประมาณ")
        ordering = ["fiscal_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="budgetline_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2500) & Q(fiscal_year__lte=2700),
                name="budgetline_fiscal_year_is_be",
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "stage"], name="budgetline_fy_idx")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.amount} ({self.stage})"


class ProjectContact(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("ชื่อผู้ประสานงาน"), max_length=200)
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=60, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)

    class Meta:
        verbose_name = _("ผู้ประสานงานโครงการ")
        verbose_name_plural = _("ผู้ประสานงานโครงการ")

    def __str__(self) -> str:
        return self.name


class ProjectLink(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("ลิงก์"), max_length=500)
    label = models.CharField(_("คำอธิบาย"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ลิงก์ของโครงการ")
        verbose_name_plural = _("ลิงก์ของโครงการ")

    def __str__(self) -> str:
        return self.label or self.url


class ProjectNote(models.Model):
    """A note on a project by someone who may see but not rewrite it: how a coordinator
    annotates other organisations' work."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    text = models.TextField(_("บันทึก"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("บันทึกเพิ่มเติม")
        verbose_name_plural = _("บันทึกเพิ่มเติม")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author_label}: {self.text[:40]}"


class SummaryKind(models.TextChoices):
    TOTAL = "T", "projects"
    ORGANISATION = "O", "organisation"
    CELL = "C", "organisation x theme"
    THEME = "H", "theme"
    BUDGET = "B", "source x fiscal year"
    YEAR = "Y", "fiscal year spanned"


class WorkSummary(models.Model):
    """The register summed per area, visibility and kind (see ``projects.summary``): how many
    projects have work inside the area and their budget, per organisation, organisation × theme,
    theme, budget lines per source × fiscal year, and per fiscal year the projects span (what the
    list's count and total read when only the area and fiscal year are filtered). Kept by the
    services in the transaction that changes projects; never edited by hand. ``0`` in an id
    column means none (no theme, no source given) or not applicable."""

    area_code = models.CharField(max_length=6)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    kind = models.CharField(max_length=1, choices=SummaryKind.choices)
    organisation_id = models.IntegerField(default=0)
    theme_id = models.IntegerField(default=0)
    fiscal_year = models.PositiveSmallIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)
    budget = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("สรุปงานรายพื้นที่")
        verbose_name_plural = _("สรุปงานรายพื้นที่")
        # Rows come from GROUP BY and are read by area: no wider index to keep up on a rebuild.
        indexes = [models.Index(fields=["area_code", "kind"], name="worksummary_area_idx")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.visibility} {self.kind}: {self.count}"


class WorkVersion(DataVersion):
    """One row whose ``counter`` goes up in every transaction that changes what the work
    register's pages show: a project written, deleted or imported (``summary.refresh`` and
    ``summary.rebuild`` move it, and every project write refreshes the summary), and an
    organisation, theme, target group or area saved or deleted (``apps.py``). A data version
    counter (``saan.core.versions``): pages that cache what they drew from the register
    (``core.fragments``) key the cache on it."""

    class Meta:
        verbose_name = _("รุ่นข้อมูลทะเบียนงาน")
        verbose_name_plural = _("รุ่นข้อมูลทะเบียนงาน")


# ------------------------------------------------------------------------ spreadsheet imports


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("อัปโหลดแล้ว")
    MAPPED = "mapped", _("จับคู่คอลัมน์แล้ว")
    PREVIEWED = "previewed", _("ตรวจสอบแล้ว รอยืนยัน")
    COMMITTING = "committing", _("กำลังบันทึก")
    COMMITTED = "committed", _("บันทึกแล้ว")
    FAILED = "failed", _("ไม่สำเร็จ")


class ImportBatch(models.Model):
    """One uploaded spreadsheet on its way into the work register: the file itself (kept so
    every step, and a background worker, reads the same bytes), the header row and column
    mapping chosen, the places the person picked for ambiguous names, and where it stands.

    ``status`` moves uploaded → mapped → previewed → committing → committed (or failed). The
    commit claims the batch by moving it from previewed to committing in one UPDATE, so a second
    worker or a double click finds nothing to do. ``fingerprint`` is the previewed outcome of
    every row: the commit re-checks the file and refuses if the outcome is no longer what the
    person saw."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("หน่วยงานเจ้าของโครงการ"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, default="th")
    file_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    # Size-limited before it is stored: settings.SAAN_IMPORT_MAX_BYTES (20 MB by default).
    file_content = models.BinaryField(editable=False)
    file_size = models.PositiveIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    sheet_name = models.CharField(_("แผ่นงาน"), max_length=200, blank=True)
    sheet_names = models.JSONField(default=list, blank=True)
    header_row = models.PositiveIntegerField(_("แถวหัวตาราง"), null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    # Column index (as text) → ImportField value; "" means "do not import".
    mapping = models.JSONField(_("การจับคู่คอลัมน์"), default=dict, blank=True)
    # Place key (see importing.places) → the area code the person picked.
    place_choices = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    phase = models.CharField(max_length=20, blank=True)  # "checking" / "writing" while it runs
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # outcome → number of rows
    fingerprint = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    report = models.JSONField(_("รายงาน"), default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("การนำเข้าไฟล์")
        verbose_name_plural = _("การนำเข้าไฟล์")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="importbatch_progress_within_total",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ImportStatus]),
                name="importbatch_status_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="importbatch_status_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("projects:import_status", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.status == ImportStatus.COMMITTING or (
            self.queued_at is not None
            and self.status in (ImportStatus.MAPPED, ImportStatus.PREVIEWED)
        )


class ImportOutcome(models.TextChoices):
    CREATE = "create", _("สร้างใหม่")
    UPDATE = "update", _("แก้ไข")
    UNCHANGED = "unchanged", _("ไม่เปลี่ยนแปลง")
    SKIPPED = "skipped", _("ข้าม")
    REJECTED = "rejected", _("ไม่นำเข้า")


class ImportRow(models.Model):
    """What the import does (or did) with one spreadsheet row, and why: the preview the person
    checks before committing and the report they download after."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("แถวที่"))
    outcome = models.CharField(_("ผล"), max_length=10, choices=ImportOutcome.choices)
    title = models.CharField(_("ชื่อโครงการ"), max_length=500, blank=True)
    ref_code = models.CharField(_("รหัสโครงการ"), max_length=64, blank=True)
    place = models.CharField(_("พื้นที่"), max_length=500, blank=True)
    # [{"column": "F", "header": "ตำบล", "message": "…", "fix": "…"}]
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("แถวที่นำเข้า")
        verbose_name_plural = _("แถวที่นำเข้า")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="importrow_unique"),
        ]
        indexes = [models.Index(fields=["batch", "outcome", "row_number"], name="importrow_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.outcome}"


class ColumnMapping(models.Model):
    """What an organisation's spreadsheets mean by a column header, as a person last chose it:
    suggested again the next time the same header text appears. ``field`` "" means "do not
    import this column"."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="column_mappings"
    )
    header_key = models.CharField(max_length=200)  # importing.columns.header_key(text)
    header_text = models.CharField(_("หัวคอลัมน์"), max_length=300)
    field = models.CharField(_("ข้อมูล"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("การจับคู่คอลัมน์ที่จำไว้")
        verbose_name_plural = _("การจับคู่คอลัมน์ที่จำไว้")
        ordering = ["organisation", "header_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "header_key"], name="columnmapping_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.header_text} → {self.field or '-'}"
