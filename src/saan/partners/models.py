"""Partner organisations, and who belongs to which with what role over which area."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from saan.areas.models import Area


class Sector(models.TextChoices):
    NATIONAL_AGENCY = "national_agency", _("หน่วยงานระดับชาติ")
    LOCAL_GOVERNMENT = "local_government", _("องค์กรปกครองส่วนท้องถิ่น")
    GOVERNMENT_OFFICE = "government_office", _("ส่วนราชการ")
    ACADEMIC = "academic", _("สถาบันวิชาการ")
    PRIVATE = "private", _("ภาคเอกชน")
    CIVIL_SOCIETY = "civil_society", _("ภาคประชาสังคม")
    COMMUNITY = "community", _("องค์กรชุมชน")
    MEDIA = "media", _("สื่อมวลชน")


class Organisation(models.Model):
    """A partner: a national agency, a local government, an office, a university, a company, a
    civil-society or community organisation, or a media house. A regional office names its agency
    as ``parent``; ``home_area`` is where a local organisation is based (None for national ones).
    """

    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=200, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)
    short_name = models.CharField(_("ชื่อย่อ"), max_length=40, blank=True)
    short_name_en = models.CharField(_("ชื่อย่อภาษาอังกฤษ"), max_length=40, blank=True)
    sector = models.CharField(_("ภาคส่วน"), max_length=24, choices=Sector.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("สังกัด"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    home_area = models.ForeignKey(
        Area,
        verbose_name=_("พื้นที่ตั้ง"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    is_strategic_partner = models.BooleanField(_("ภาคียุทธศาสตร์"), default=False)
    alliance_role_th = models.TextField(_("บทบาทในภาคี"), blank=True)
    alliance_role_en = models.TextField(_("บทบาทในภาคี (อังกฤษ)"), blank=True)
    website = models.URLField(_("เว็บไซต์"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("องค์กรภาคี")
        verbose_name_plural = _("องค์กรภาคี")
        ordering = ["-is_strategic_partner", "name_th"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("partners:organisation", args=[self.pk])

    @property
    def name(self) -> str:
        lang = translation.get_language() or "th"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_th

    @property
    def label(self) -> str:
        """The short name people use (สสส.), else the full name."""
        lang = translation.get_language() or "th"
        if lang.startswith("en") and self.short_name_en:
            return self.short_name_en
        return self.short_name or self.name

    @property
    def alliance_role(self) -> str:
        lang = translation.get_language() or "th"
        return (
            self.alliance_role_en
            if lang.startswith("en") and self.alliance_role_en
            else self.alliance_role_th
        )


class Role(models.TextChoices):
    VIEWER = "viewer", _("ผู้ดูข้อมูล")
    EDITOR = "editor", _("ผู้บันทึกข้อมูล")
    COORDINATOR = "coordinator", _("ผู้ประสานงานพื้นที่")
    ADMIN = "admin", _("ผู้ดูแลระบบ")


class Membership(models.Model):
    """A person's role in an organisation over an area. A grant at an area covers every area under
    it; no area means the whole country. Viewers and editors act for their organisation, so they
    must name one; a coordinator runs an area (sees everything in it, manages its memberships);
    an administrator manages everything.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("องค์กร"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("บทบาท"), max_length=12, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("พื้นที่รับผิดชอบ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("เว้นว่างหมายถึงทั้งประเทศ"),
    )
    title = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("สมาชิกภาพ")
        verbose_name_plural = _("สมาชิกภาพ")
        ordering = ["area_id", "organisation_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "area"],
                name="membership_unique",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["viewer", "editor"]) | Q(organisation__isnull=False),
                name="membership_org_required_for_viewer_editor",
            ),
        ]

    # A NULL organisation or area escapes the unique constraint on every database, so
    # ``membership_create`` also refuses duplicates itself.

    def __str__(self) -> str:
        who = self.user.get_full_name() or self.user.get_username()
        return f"{who} · {self.get_role_display()} · {self.area_label}"

    @property
    def area_label(self) -> str:
        return str(self.area) if self.area_id else str(_("ทั้งประเทศ"))

    @property
    def area_code(self) -> str:
        return self.area_id or ""
