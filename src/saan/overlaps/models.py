"""Overlaps and gaps: likely duplicated work between two projects, how the area's working group
decided on it, the synonym list the detector reads, and the scan runs that find them.

A *finding* is one unordered pair of projects (``project_a_id < project_b_id``) that the
detector (``saan.overlaps.detector``) scores as the same work in the same place at the same
time. It keeps the detector's explanation, and a *fingerprint* of each project's material facts
(areas after expansion, dates, title and text, themes, target groups): a decided pair is not
raised again until one of the two fingerprints changes, so an unrelated edit (a phone number,
a budget stage, a new partner) never brings a dismissed pair back.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saan.projects.models import Project


class FindingState(models.TextChoices):
    SUGGESTED = "suggested", _("รอพิจารณา")
    CONFIRMED = "confirmed", _("ยืนยันว่าซ้ำซ้อน")
    DISMISSED = "dismissed", _("ไม่ใช่งานเดียวกัน")
    RESOLVED = "resolved", _("จัดการแล้ว")


class FindingKind(models.TextChoices):
    OVERLAP = "overlap", _("งานซ้ำซ้อน")
    CONTINUATION = "continuation", _("งานต่อเนื่องปีถัดไป")


class Decision(models.TextChoices):
    NONE = "", _("ยังไม่มี")
    LINK = "link", _("เชื่อมเป็นงานร่วม")
    MERGE = "merge", _("รวมเป็นโครงการเดียว")
    CONTINUE = "continue", _("ตกลงให้โครงการหนึ่งทำต่อ อีกโครงการหยุด")


class Finding(models.Model):
    """Two projects that look like the same work. ``score`` is the detector's 0–1 "same
    purpose" score; ``explanation`` the shared subdistricts, days, words, themes and target
    groups with Thai reasons; ``area_code`` the deepest area holding every shared subdistrict
    (what area filters use). ``is_current`` turns False when the pair no longer qualifies
    after a change (no shared place or day, or a score under the floor): the finding is kept
    with the reason, never left behind as if still true."""

    project_a = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    project_b = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("ชนิด"), max_length=12, choices=FindingKind.choices)
    state = models.CharField(
        _("สถานะ"), max_length=10, choices=FindingState.choices, default=FindingState.SUGGESTED
    )
    score = models.FloatField(_("คะแนนความเหมือน"))
    same_organisation = models.BooleanField(default=False)
    area_code = models.CharField(max_length=6, blank=True)
    overlap_start = models.DateField(null=True, blank=True)
    overlap_end = models.DateField(null=True, blank=True)
    fy_start = models.PositiveSmallIntegerField(null=True, blank=True)
    fy_end = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    fingerprint_a = models.CharField(max_length=64)
    fingerprint_b = models.CharField(max_length=64)
    is_current = models.BooleanField(default=True)
    stale_reason = models.CharField(max_length=300, blank=True)
    reraised = models.BooleanField(default=False)  # dismissed once, back after a material change
    decision = models.CharField(
        _("การตัดสินใจ"), max_length=10, choices=Decision.choices, blank=True, default=""
    )
    decision_detail = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    found_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ข้อสังเกตงานซ้ำซ้อน")
        verbose_name_plural = _("ข้อสังเกตงานซ้ำซ้อน")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project_a", "project_b"], name="finding_pair_unique"),
            models.CheckConstraint(
                condition=Q(project_a__lt=F("project_b")), name="finding_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="finding_score_0_1"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in FindingState]),
                name="finding_state_known",
            ),
        ]
        indexes = [
            models.Index(fields=["area_code", "state"], name="finding_area_state_idx"),
            models.Index(fields=["project_b"], name="finding_project_b_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.project_a_id} ↔ #{self.project_b_id} ({self.score:.2f})"

    def get_absolute_url(self) -> str:
        return reverse("overlaps:finding", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def reasons(self) -> list[str]:
        return list(self.explanation.get("reasons", []))


class FindingComment(models.Model):
    """A comment on a finding by a coordinator or an editor of one of the two organisations."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    text = models.TextField(_("ความเห็น"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ความเห็นต่อข้อสังเกต")
        verbose_name_plural = _("ความเห็นต่อข้อสังเกต")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_label}: {self.text[:40]}"


class SynonymGroup(models.Model):
    """Phrases that mean the same work (ผู้สูงอายุติดเตียง / ผู้สูงวัยที่มีภาวะพึ่งพิง …): the
    detector treats every phrase of a group as one. Seeded from ``data/synonyms.json``;
    coordinators and administrators edit it, and the detector is built from this table."""

    phrases = models.JSONField(_("คำที่มีความหมายเดียวกัน"), default=list)
    note = models.CharField(_("หมายเหตุ"), max_length=300, blank=True)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("กลุ่มคำพ้องความหมาย")
        verbose_name_plural = _("กลุ่มคำพ้องความหมาย")
        ordering = ["pk"]

    def __str__(self) -> str:
        return " / ".join(self.phrases[:3])


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("รอคิว")
    RUNNING = "running", _("กำลังตรวจ")
    DONE = "done", _("เสร็จแล้ว")
    FAILED = "failed", _("ไม่สำเร็จ")


class ScanRun(models.Model):
    """One full scan of an area ("" = the whole country), optionally limited to one fiscal year
    (พ.ศ.). ``unchecked`` lists every project that could not be checked, with the reason (no
    area, no dates …): never silently skipped. ``counts``: projects, checked, candidates,
    findings created, updated, closed."""

    area_code = models.CharField(max_length=6, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    unchecked = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("รอบการตรวจหางานซ้ำซ้อน")
        verbose_name_plural = _("รอบการตรวจหางานซ้ำซ้อน")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="scanrun_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"scan {self.area_code or 'TH'} {self.fiscal_year or ''} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("overlaps:run", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
