"""The audit trail: one row for every change, written by the service that makes the change."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What each action verb means, for people reading a history page; actions are
# "<thing>.<verb>" and the thing is named by the target's model.
VERBS = {
    "create": _("สร้าง"),
    "update": _("แก้ไข"),
    "delete": _("ลบ"),
    "set": _("บันทึกค่า"),
    "verify": _("สอบทาน"),
    "accept": _("รับรอง"),
    "return": _("ส่งกลับให้แก้ไข"),
    "import": _("นำเข้าข้อมูล"),
    "commit": _("บันทึกการนำเข้า"),
    "load": _("โหลดข้อมูลอ้างอิง"),
    "demo_load": _("โหลดข้อมูลตัวอย่าง"),
    "revoke": _("เพิกถอน"),
    "note": _("บันทึกความเห็น"),
    "progress": _("รายงานความคืบหน้า"),
    "remind": _("ส่งการเตือน"),
    "carry_forward": _("นำมติค้างเข้าวาระ"),
    "new_version": _("สร้างฉบับใหม่"),
    "edit_text": _("แก้ไขเนื้อหา"),
    "sign": _("ลงนาม"),
    "add": _("เพิ่ม"),
    "remove": _("นำออก"),
    "agenda_add": _("เพิ่มระเบียบวาระ"),
    "agenda_remove": _("นำระเบียบวาระออก"),
    "attendance_add": _("บันทึกผู้เข้าร่วม"),
    "attendance_remove": _("นำผู้เข้าร่วมออก"),
    "area_picture": _("แนบภาพรวมข้อมูลพื้นที่"),
    "member_add": _("เพิ่มสมาชิก"),
    "member_update": _("แก้ไขสมาชิก"),
    "member_end": _("สิ้นสุดสมาชิกภาพ"),
    "member_set": _("บันทึกพื้นที่ในกลุ่ม"),
    "member_remove": _("นำพื้นที่ออกจากกลุ่ม"),
    "goal_add": _("เพิ่มเป้าหมาย"),
    "goal_update": _("แก้ไขเป้าหมาย"),
    "commitment_add": _("เพิ่มข้อตกลง"),
    "commitment_status": _("เปลี่ยนสถานะข้อตกลง"),
}


class AuditEvent(models.Model):
    """Who changed what, when, and the fields before and after.

    Written in the same transaction as the change itself (see ``saan.audit.services.record``),
    so a change without its audit row cannot exist. ``area_code`` is the DOPA code of the area the
    change concerns ("" for national reference data); per-area history is a prefix match on it.
    """

    at = models.DateTimeField(_("เวลา"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ทำรายการ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # Kept as text so the trail still reads correctly after a user is renamed or removed.
    actor_label = models.CharField(_("ชื่อผู้ทำรายการ"), max_length=200, blank=True)
    action = models.CharField(_("การกระทำ"), max_length=64)
    target_type = models.CharField(_("ชนิดข้อมูล"), max_length=64)
    target_id = models.CharField(_("รหัสข้อมูล"), max_length=64)
    target_label = models.CharField(_("ชื่อข้อมูล"), max_length=300, blank=True)
    area_code = models.CharField(_("รหัสพื้นที่"), max_length=6, blank=True, default="")
    before = models.JSONField(_("ก่อนแก้ไข"), null=True, blank=True)
    after = models.JSONField(_("หลังแก้ไข"), null=True, blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)

    class Meta:
        verbose_name = _("บันทึกการเปลี่ยนแปลง")
        verbose_name_plural = _("บันทึกการเปลี่ยนแปลง")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["area_code", "at"], name="audit_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    @property
    def action_label(self) -> str:
        """``แก้ไข · องค์กรภาคี`` for ``organisation.update``; the raw code when unknown."""
        verb = VERBS.get(self.action.rpartition(".")[2])
        if verb is None:
            return self.action
        try:
            thing = apps.get_model(self.target_type)._meta.verbose_name
        except (LookupError, ValueError):
            return str(verb)
        return f"{verb} · {thing}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs, in a stable order."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
