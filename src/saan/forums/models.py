"""The central space (พื้นที่กลาง): the joint mechanisms of an area, their members and meetings,
the resolutions (มติ) those meetings make and who follows them up, the year's common agenda
(วาระร่วม), charters (ธรรมนูญ) and policy proposals (ข้อเสนอเชิงนโยบาย).

Everything hangs on an area. A mechanism, common agenda or charter is either public (anyone may
read it) or for the alliance (signed-in members whose grant reaches the area). Nothing that
others may have cited is ever deleted: a member leaves by an end date, a signed charter version is
never rewritten (a change makes a new version), a resolution is dropped, not removed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area
from saan.partners.models import Organisation, Sector

BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok_today() -> dt.date:
    """Today's date in Thailand, whatever the server's clock zone: what "overdue" counts from."""
    return timezone.localdate(timezone.now(), timezone=BANGKOK)


# ------------------------------------------------------------------------------ mechanisms


class MechanismKind(models.TextChoices):
    WORKING_GROUP = "working_group", _("คณะทำงานภาคีอาสาจังหวัด")
    COMMUNITY_COUNCIL = "community_council", _("สภาองค์กรชุมชน")
    CITIZENS_COUNCIL = "citizens_council", _("สภาพลเมือง")
    HEALTH_ASSEMBLY = "health_assembly", _("สมัชชาสุขภาพจังหวัด")
    DISTRICT_SPACE = "district_space", _("พื้นที่กลางระดับอำเภอ")
    OTHER = "other", _("กลไกอื่น")


class Mechanism(models.Model):
    """A joint mechanism of an area: a provincial working group, a community-organisation
    council, a citizens' council, a health assembly, a district's central space. Its members
    and the coordinators of its area run it; ``is_public`` says whether people outside the
    alliance may read it (members, meetings, resolutions, proposals)."""

    area = models.ForeignKey(
        Area, verbose_name=_("พื้นที่"), on_delete=models.PROTECT, related_name="mechanisms"
    )
    kind = models.CharField(_("ประเภทกลไก"), max_length=20, choices=MechanismKind.choices)
    name = models.CharField(_("ชื่อกลไก"), max_length=300)
    description = models.TextField(_("บทบาทและขอบเขตงาน"), blank=True)
    is_public = models.BooleanField(_("เปิดเผยต่อสาธารณะ"), default=True)
    term_start = models.DateField(_("วาระเริ่ม"), null=True, blank=True)
    term_end = models.DateField(_("วาระสิ้นสุด"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("กลไกพื้นที่กลาง")
        verbose_name_plural = _("กลไกพื้นที่กลาง")
        ordering = ["area_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="mechanism_name_unique_in_area"),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=F("term_start")),
                name="mechanism_term_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MechanismKind.values), name="mechanism_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:mechanism", args=[self.pk])


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("ประธาน")
    VICE_CHAIR = "vice_chair", _("รองประธาน")
    SECRETARY = "secretary", _("เลขานุการ")
    MEMBER = "member", _("กรรมการ/สมาชิก")


class MechanismMember(models.Model):
    """A person on a mechanism, for an organisation and a sector, over a term. ``user`` links the
    person's sign-in when they have one: an active member with a sign-in may edit the mechanism.
    Leaving sets ``term_end``; the row stays, so past attendance and authorship still name them.
    """

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="members")
    person_name = models.CharField(_("ชื่อ-นามสกุล"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("บัญชีผู้ใช้"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("องค์กร"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_memberships",
    )
    sector = models.CharField(_("ภาคส่วน"), max_length=24, choices=Sector.choices)
    role = models.CharField(
        _("บทบาท"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    term_start = models.DateField(_("เริ่มเป็นสมาชิก"), default=bangkok_today)
    term_end = models.DateField(_("พ้นจากสมาชิก"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("สมาชิกกลไก")
        verbose_name_plural = _("สมาชิกกลไก")
        ordering = ["mechanism_id", "role", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="member_term_in_order",
            ),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="member_sector_known"
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="member_role_known"
            ),
            models.UniqueConstraint(
                fields=["mechanism", "user"],
                condition=Q(user__isnull=False) & Q(term_end__isnull=True),
                name="member_one_open_seat_per_user",
            ),
        ]
        indexes = [models.Index(fields=["user", "term_end"], name="member_user_idx")]

    def __str__(self) -> str:
        org = self.organisation
        return f"{self.person_name} ({org.label})" if org is not None else self.person_name

    def is_active_on(self, day: dt.date) -> bool:
        return self.term_start <= day and (self.term_end is None or self.term_end >= day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(bangkok_today())

    @property
    def contact_email(self) -> str:
        """Where reminders go: the member's own address, else their sign-in's."""
        if self.email:
            return self.email
        return self.user.email if self.user_id and self.user else ""


# -------------------------------------------------------------------------------- meetings


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("นัดประชุม")
    HELD = "held", _("ประชุมแล้ว")
    CANCELLED = "cancelled", _("ยกเลิกแล้ว")


class Meeting(models.Model):
    """One meeting of a mechanism: its number as the minutes write it ("ครั้งที่ 2/2568"), when
    and where, whether it happened, and the minutes."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="meetings")
    number = models.CharField(_("ครั้งที่"), max_length=40, blank=True, help_text=_("เช่น ครั้งที่ 2/2568"))
    title = models.CharField(_("ชื่อการประชุม"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("วันเวลาเริ่ม"))
    ends_at = models.DateTimeField(_("วันเวลาสิ้นสุด"), null=True, blank=True)
    place = models.CharField(_("สถานที่"), max_length=300, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("บันทึกการประชุม"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("การประชุม")
        verbose_name_plural = _("การประชุม")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "number"],
                condition=~Q(number=""),
                name="meeting_number_unique_per_mechanism",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="meeting_times_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_known"
            ),
        ]
        indexes = [models.Index(fields=["mechanism", "starts_at"], name="meeting_mech_time_idx")]

    def __str__(self) -> str:
        label = self.title or str(self.mechanism)
        return f"{label} {self.number}".strip()

    def get_absolute_url(self) -> str:
        return reverse("forums:meeting", args=[self.pk])


class AgendaKind(models.TextChoices):
    CARRIED = "carried", _("ติดตามมติเดิม")
    MEMBER = "member", _("เรื่องเสนอจากสมาชิก")
    AREA_PICTURE = "area_picture", _("ภาพรวมข้อมูลพื้นที่")
    OTHER = "other", _("เรื่องอื่น ๆ")


class AgendaItem(models.Model):
    """An item on a meeting's agenda (ระเบียบวาระ). A carried item names the open resolution it
    follows up (once per meeting: carrying again adds nothing); an area-picture item keeps a
    ``snapshot`` of the figures as they were when the agenda was prepared."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    title = models.CharField(_("เรื่อง"), max_length=500)
    kind = models.CharField(
        _("ประเภทวาระ"), max_length=14, choices=AgendaKind.choices, default=AgendaKind.OTHER
    )
    detail = models.TextField(_("รายละเอียด"), blank=True)
    raised_by = models.ForeignKey(
        MechanismMember,
        verbose_name=_("ผู้เสนอ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    resolution = models.ForeignKey(
        "Resolution",
        verbose_name=_("มติที่ติดตาม"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    snapshot = models.JSONField(_("ข้อมูลพื้นที่ ณ วันเตรียมวาระ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ระเบียบวาระ")
        verbose_name_plural = _("ระเบียบวาระ")
        ordering = ["meeting_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "resolution"],
                condition=Q(resolution__isnull=False),
                name="agenda_resolution_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(kind="carried") | Q(resolution__isnull=False),
                name="agenda_carried_names_resolution",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgendaKind.values), name="agenda_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Attendance(models.Model):
    """Who came to a meeting: a member, or a guest by name, or (for a large forum) a group of
    ``headcount`` people from one sector. Counts by sector add the headcounts."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        MechanismMember,
        verbose_name=_("สมาชิก"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    guest_name = models.CharField(_("ชื่อผู้เข้าร่วม/กลุ่ม"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("องค์กร"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_attendance",
    )
    sector = models.CharField(_("ภาคส่วน"), max_length=24, choices=Sector.choices)
    headcount = models.PositiveIntegerField(_("จำนวนคน"), default=1)

    class Meta:
        verbose_name = _("ผู้เข้าร่วมประชุม")
        verbose_name_plural = _("ผู้เข้าร่วมประชุม")
        ordering = ["meeting_id", "sector", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(guest_name=""),
                name="attendance_names_someone",
            ),
            models.CheckConstraint(
                condition=Q(headcount__gte=1) & (Q(member__isnull=True) | Q(headcount=1)),
                name="attendance_headcount_valid",
            ),
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="attendance_member_once",
            ),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="attendance_sector_known"
            ),
        ]

    def __str__(self) -> str:
        return self.member.person_name if self.member_id and self.member else self.guest_name

    @property
    def name(self) -> str:
        return str(self)


# ----------------------------------------------------------------------------- resolutions


class ResolutionStatus(models.TextChoices):
    DRAFT = "draft", _("ร่าง")
    OPEN = "open", _("ยังไม่เริ่ม")
    IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
    DONE = "done", _("ดำเนินการแล้ว")
    DROPPED = "dropped", _("ยุติ/ไม่ดำเนินการ")


# A resolution is followed up until it is done or dropped.
CLOSED_STATUSES = (ResolutionStatus.DONE, ResolutionStatus.DROPPED)
FOLLOWED_STATUSES = (ResolutionStatus.OPEN, ResolutionStatus.IN_PROGRESS)


class Resolution(models.Model):
    """A resolution (มติ) of a meeting: what was agreed, which organisation owns it, by when.
    Without an owner or a due date it can only be a draft (and is flagged for completion).
    ``fiscal_year`` is the ปีงบประมาณ (พ.ศ.) of the due date, kept by the service. Links to the
    projects and indicators it concerns make it traceable from both sides."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    order = models.PositiveSmallIntegerField(_("มติที่"), default=1)
    text = models.TextField(_("มติ"))
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("หน่วยงานรับผิดชอบ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_resolutions",
    )
    due_date = models.DateField(_("กำหนดเสร็จ"), null=True, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"), null=True, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=12, choices=ResolutionStatus.choices, default=ResolutionStatus.OPEN
    )
    projects = models.ManyToManyField(
        "projects.Project",
        verbose_name=_("โครงการที่เกี่ยวข้อง"),
        blank=True,
        related_name="forum_resolutions",
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator",
        verbose_name=_("ตัวชี้วัดที่เกี่ยวข้อง"),
        blank=True,
        related_name="forum_resolutions",
    )
    closed_on = models.DateField(_("วันที่ปิดเรื่อง"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("มติ")
        verbose_name_plural = _("มติ")
        ordering = ["meeting_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(owner__isnull=False) & Q(due_date__isnull=False)),
                name="resolution_owner_and_due_unless_draft",
            ),
            models.CheckConstraint(
                condition=(Q(due_date__isnull=True) & Q(fiscal_year__isnull=True))
                | (Q(due_date__isnull=False) & Q(fiscal_year__gte=2500) & Q(fiscal_year__lte=2700)),
                name="resolution_fiscal_year_follows_due_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ResolutionStatus.values), name="resolution_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="resolution_follow_idx"),
            models.Index(fields=["owner", "status"], name="resolution_owner_idx"),
            models.Index(fields=["fiscal_year"], name="resolution_fy_idx"),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"

    def get_absolute_url(self) -> str:
        return reverse("forums:resolution", args=[self.pk])

    @property
    def is_flagged(self) -> bool:
        """Missing an owner or a due date: it cannot be followed up yet."""
        return self.owner_id is None or self.due_date is None

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or bangkok_today()
        return self.due_date is not None and self.due_date < today and not self.is_closed


class ResolutionProgress(models.Model):
    """A report on a resolution: what was done, by whom for which organisation, on which day,
    and the status it leaves the resolution in (empty when the status did not change)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="progress")
    text = models.TextField(_("ความคืบหน้า"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_by_label = models.CharField(_("ผู้รายงาน"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ในนามองค์กร"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_on = models.DateField(_("วันที่รายงาน"), default=bangkok_today)
    new_status = models.CharField(
        _("สถานะใหม่"), max_length=12, choices=ResolutionStatus.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("รายงานความคืบหน้ามติ")
        verbose_name_plural = _("รายงานความคืบหน้ามติ")
        ordering = ["resolution_id", "reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.reported_by_label}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("ใกล้ครบกำหนด")
    OVERDUE = "overdue", _("เลยกำหนด")


class ReminderLog(models.Model):
    """A reminder sent about a resolution on one day: the unique key is what keeps
    ``send_resolution_reminders`` from sending the same reminder twice in a day."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("การแจ้งเตือนมติ")
        verbose_name_plural = _("การแจ้งเตือนมติ")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "kind", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resolution_id} {self.kind} {self.sent_on}"


# ----------------------------------------------------------------------- common agendas


class CommonAgenda(models.Model):
    """The common agenda (วาระร่วม) of an area for a fiscal year (พ.ศ.): a vision that every
    sector signs up to, and goals on themes with indicators and committed organisations."""

    area = models.ForeignKey(
        Area, verbose_name=_("พื้นที่"), on_delete=models.PROTECT, related_name="common_agendas"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    vision = models.CharField(_("วิสัยทัศน์/เป้าหมายร่วม"), max_length=300)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    mechanism = models.ForeignKey(
        Mechanism,
        verbose_name=_("กลไกที่รับรอง"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="common_agendas",
    )
    adopted_on = models.DateField(_("วันที่รับรอง"), null=True, blank=True)
    is_public = models.BooleanField(_("เปิดเผยต่อสาธารณะ"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("วาระร่วม")
        verbose_name_plural = _("วาระร่วม")
        ordering = ["area_id", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "fiscal_year"], name="agenda_one_per_year"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2500) & Q(fiscal_year__lte=2700),
                name="agenda_fiscal_year_is_be",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vision} ({self.fiscal_year})"

    def get_absolute_url(self) -> str:
        return reverse("forums:agenda", args=[self.pk])


class AgendaGoal(models.Model):
    """A goal of a common agenda on one theme, with indicators and the targets set for them,
    and the partner organisations that committed to it."""

    agenda = models.ForeignKey(CommonAgenda, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    theme = models.ForeignKey(
        "projects.Theme",
        verbose_name=_("ประเด็น"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_goals",
    )
    title = models.CharField(_("เป้าหมาย"), max_length=300)
    description = models.TextField(_("รายละเอียด"), blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("องค์กรที่ร่วมรับผิดชอบ"),
        blank=True,
        related_name="agenda_goals",
    )

    class Meta:
        verbose_name = _("เป้าหมายวาระร่วม")
        verbose_name_plural = _("เป้าหมายวาระร่วม")
        ordering = ["agenda_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class GoalIndicator(models.Model):
    """An indicator a goal is measured by, with its target value."""

    goal = models.ForeignKey(AgendaGoal, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("ตัวชี้วัด"),
        on_delete=models.PROTECT,
        related_name="agenda_targets",
    )
    target = models.DecimalField(
        _("ค่าเป้าหมาย"), max_digits=20, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("ตัวชี้วัดของเป้าหมาย")
        verbose_name_plural = _("ตัวชี้วัดของเป้าหมาย")
        constraints = [
            models.UniqueConstraint(fields=["goal", "indicator"], name="goalindicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.target}"


# --------------------------------------------------------------------------------- charters


class CharterKind(models.TextChoices):
    HEALTH = "health", _("ธรรมนูญสุขภาพ")
    COMMUNITY = "community", _("ธรรมนูญชุมชน")
    PEOPLE = "people", _("ธรรมนูญประชาชน")
    OTHER = "other", _("ธรรมนูญอื่น ๆ")


class Charter(models.Model):
    """A charter (ธรรมนูญ) of an area: the rules and commitments its people agreed. Its text
    lives in versions; the latest is what it says now."""

    area = models.ForeignKey(
        Area, verbose_name=_("พื้นที่"), on_delete=models.PROTECT, related_name="charters"
    )
    title = models.CharField(_("ชื่อธรรมนูญ"), max_length=300)
    kind = models.CharField(_("ประเภท"), max_length=12, choices=CharterKind.choices)
    vision = models.CharField(_("วิสัยทัศน์"), max_length=300, blank=True)
    mechanism = models.ForeignKey(
        Mechanism,
        verbose_name=_("กลไกที่ขับเคลื่อน"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charters",
    )
    is_public = models.BooleanField(_("เปิดเผยต่อสาธารณะ"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ธรรมนูญ")
        verbose_name_plural = _("ธรรมนูญ")
        ordering = ["area_id", "title"]
        constraints = [
            models.UniqueConstraint(fields=["area", "title"], name="charter_title_unique_in_area"),
            models.CheckConstraint(
                condition=Q(kind__in=CharterKind.values), name="charter_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:charter", args=[self.pk])

    def latest_version(self) -> CharterVersion | None:
        return self.versions.order_by("-number").first()


class CharterVersion(models.Model):
    """One text of a charter. Once signed (``signed_on`` set) it is never rewritten: a change
    makes the next version, which starts unsigned and carries the commitments forward."""

    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("ฉบับที่"))
    text = models.TextField(_("เนื้อหา"))
    change_note = models.CharField(_("สิ่งที่เปลี่ยน"), max_length=500, blank=True)
    signed_on = models.DateField(_("วันที่ลงนาม/ประกาศใช้"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ฉบับของธรรมนูญ")
        verbose_name_plural = _("ฉบับของธรรมนูญ")
        ordering = ["charter_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="charterversion_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="charterversion_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.charter} ฉบับที่ {self.number}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class CharterSignatory(models.Model):
    """An organisation that signed a charter version."""

    version = models.ForeignKey(
        CharterVersion, on_delete=models.PROTECT, related_name="signatories"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("องค์กร"),
        on_delete=models.PROTECT,
        related_name="charter_signatures",
    )
    signer_name = models.CharField(_("ผู้ลงนาม"), max_length=200, blank=True)
    signed_on = models.DateField(_("วันที่ลงนาม"))

    class Meta:
        verbose_name = _("ผู้ลงนามธรรมนูญ")
        verbose_name_plural = _("ผู้ลงนามธรรมนูญ")
        ordering = ["version_id", "signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="charter_signatory_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.signed_on}"


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", _("ยังไม่เริ่ม")
    IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
    MET = "met", _("บรรลุแล้ว")
    NOT_MET = "not_met", _("ยังไม่บรรลุ")


class CharterCommitment(models.Model):
    """A commitment a charter version makes: what, who owns it, which indicator shows it."""

    version = models.ForeignKey(
        CharterVersion, on_delete=models.PROTECT, related_name="commitments"
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    text = models.TextField(_("ข้อตกลง"))
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("หน่วยงานรับผิดชอบ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charter_commitments",
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("ตัวชี้วัด"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charter_commitments",
    )
    status = models.CharField(
        _("สถานะ"),
        max_length=12,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PLANNED,
    )

    class Meta:
        verbose_name = _("ข้อตกลงในธรรมนูญ")
        verbose_name_plural = _("ข้อตกลงในธรรมนูญ")
        ordering = ["version_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.values), name="commitment_status_known"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


# --------------------------------------------------------------------------- policy proposals


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("ร่าง")
    SUBMITTED = "submitted", _("ยื่นแล้ว")
    RESPONDED = "responded", _("ได้รับคำตอบ")
    ADOPTED = "adopted", _("ได้รับการรับไปดำเนินการ")
    REJECTED = "rejected", _("ไม่ได้รับการพิจารณา")


class PolicyProposal(models.Model):
    """A policy proposal (ข้อเสนอเชิงนโยบาย) a mechanism addresses to a named body, and what
    came back. Once submitted it has a submission date."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("ชื่อข้อเสนอ"), max_length=300)
    text = models.TextField(_("สาระของข้อเสนอ"))
    addressed_to = models.CharField(
        _("เสนอต่อ"), max_length=300, help_text=_("เช่น คณะกรรมการบริหารงานจังหวัดแบบบูรณาการ")
    )
    resolution = models.ForeignKey(
        Resolution,
        verbose_name=_("มติที่มา"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    submitted_on = models.DateField(_("วันที่ยื่น"), null=True, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    response = models.TextField(_("คำตอบ/ผลการพิจารณา"), blank=True)
    responded_on = models.DateField(_("วันที่ได้รับคำตอบ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ข้อเสนอเชิงนโยบาย")
        verbose_name_plural = _("ข้อเสนอเชิงนโยบาย")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_on__isnull=False),
                name="proposal_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:proposal", args=[self.pk])


# ------------------------------------------------------------------------------ attachments


def _attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under forums/: the person's file name is kept in ``filename`` only, so no
    uploaded name ever becomes a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"forums/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file attached to exactly one meeting, charter or proposal (minutes, a signed scan, a
    presentation). Checked on the way in (size, extension and content) and always served as a
    download, never shown inline."""

    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    charter = models.ForeignKey(
        Charter, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    proposal = models.ForeignKey(
        PolicyProposal, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("ไฟล์"), upload_to=_attachment_path, max_length=200)
    filename = models.CharField(_("ชื่อไฟล์"), max_length=200)
    title = models.CharField(_("คำอธิบาย"), max_length=300, blank=True)
    kind = models.CharField(_("ชนิดไฟล์"), max_length=8)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ไฟล์แนบ")
        verbose_name_plural = _("ไฟล์แนบ")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(meeting__isnull=False, charter__isnull=True, proposal__isnull=True)
                    | Q(meeting__isnull=True, charter__isnull=False, proposal__isnull=True)
                    | Q(meeting__isnull=True, charter__isnull=True, proposal__isnull=False)
                ),
                name="attachment_has_one_parent",
            ),
            models.CheckConstraint(condition=Q(size__gte=0), name="attachment_size_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title or self.filename

    @property
    def parent(self) -> Any:
        return self.meeting or self.charter or self.proposal
