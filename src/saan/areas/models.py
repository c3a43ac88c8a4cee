"""The official area tree (province → district → subdistrict) and area groups.

The DOPA code is the primary key and the path: province ``40``, district ``4001``, subdistrict
``400108``. "Area X" means X and everything under it, which is ``code__startswith=X`` (or
``area__code__startswith=X`` on any table that points at an area: Django reads the foreign-key
column itself, with no join).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("จังหวัด")
    DISTRICT = "district", _("อำเภอ")
    SUBDISTRICT = "subdistrict", _("ตำบล")


CODE_LENGTH = {Level.PROVINCE: 2, Level.DISTRICT: 4, Level.SUBDISTRICT: 6}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}


class AreaQuerySet(models.QuerySet["Area"]):
    def within(self, code: str) -> "AreaQuerySet":
        """The area with this code and every area under it."""
        return self.filter(code__startswith=code)

    def provinces(self) -> "AreaQuerySet":
        return self.filter(level=Level.PROVINCE)


class Area(models.Model):
    """A province, district or subdistrict of Thailand, as the Department of Provincial
    Administration codes it. Loaded from the ``geothai`` package by ``load_areas``; never edited
    by hand. In Bangkok the levels are เขต and แขวง; ``level`` still says district/subdistrict.
    """

    code = models.CharField(_("รหัสพื้นที่"), max_length=6, primary_key=True)
    level = models.CharField(_("ระดับ"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("อยู่ภายใต้"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=120)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=120)
    postal_codes = models.CharField(_("รหัสไปรษณีย์"), max_length=60, blank=True)
    # Folded Thai and English names ("สาวะถี|sawathi"), what name search compares against.
    search_key = models.CharField(max_length=260, db_index=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("พื้นที่")
        verbose_name_plural = _("พื้นที่")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="area_level_code_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level="province", parent__isnull=True)
                    | Q(level="district", parent__isnull=False)
                    | Q(level="subdistrict", parent__isnull=False)
                ),
                name="area_parent_matches_level",
            ),
            models.CheckConstraint(
                condition=(
                    Q(level="province", code__regex=r"^[0-9]{2}$")
                    | Q(level="district", code__regex=r"^[0-9]{4}$")
                    | Q(level="subdistrict", code__regex=r"^[0-9]{6}$")
                ),
                name="area_code_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("areas:detail", args=[self.code])

    @property
    def name(self) -> str:
        """The name in the active language."""
        lang = translation.get_language() or "th"
        return self.name_en if lang.startswith("en") else self.name_th

    @property
    def is_bangkok(self) -> bool:
        return self.code.startswith("10")

    @property
    def prefix(self) -> str:
        """The level word Thai writing puts before the name: จ. อ. ต. (Bangkok: เขต, แขวง)."""
        lang = translation.get_language() or "th"
        if lang.startswith("en"):
            return ""
        if self.level == Level.PROVINCE:
            return "จ."
        if self.is_bangkok:
            # geothai's Bangkok district names already carry เขต.
            return "" if self.level == Level.DISTRICT else "แขวง"
        return "อ." if self.level == Level.DISTRICT else "ต."

    @property
    def full_name(self) -> str:
        """``ต.สาวะถี`` / ``จ.ขอนแก่น`` in Thai, the plain name in English."""
        return f"{self.prefix}{self.name}"

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of the province and district above this area, top first."""
        return [self.code[:n] for n in (2, 4) if n < len(self.code)]

    def ancestors(self) -> list["Area"]:
        codes = self.ancestor_codes
        found = {a.code: a for a in Area.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]


class GroupKind(models.TextChoices):
    REGION = "region", _("ภาค")
    HEALTH_ZONE = "health_zone", _("เขตสุขภาพ")
    PROVINCE_CLUSTER = "province_cluster", _("กลุ่มจังหวัด")
    PROGRAMME = "programme", _("แผนงาน")
    PROGRAMME_PHASE = "programme_phase", _("ระยะของแผนงาน")
    PILOT_SET = "pilot_set", _("ชุดพื้นที่นำร่อง")


class AreaGroup(models.Model):
    """A named set of areas: a region, a health zone, a province cluster, a programme or one of
    its phases, a pilot set. Groups are data, edited by administrators; a phase names its
    programme as ``parent``.
    """

    slug = models.SlugField(_("รหัสกลุ่ม"), max_length=80, unique=True)
    kind = models.CharField(_("ประเภท"), max_length=20, choices=GroupKind.choices)
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=200)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)
    description = models.TextField(_("คำอธิบาย"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("กลุ่มแม่"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subgroups",
    )
    starts_on = models.DateField(_("เริ่ม"), null=True, blank=True)
    ends_on = models.DateField(_("สิ้นสุด"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    areas = models.ManyToManyField(
        Area, through="AreaGroupMember", through_fields=("group", "area"), related_name="groups"
    )

    class Meta:
        verbose_name = _("กลุ่มพื้นที่")
        verbose_name_plural = _("กลุ่มพื้นที่")
        ordering = ["kind", "sort_order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="areagroup_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="areagroup_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("areas:group", args=[self.slug])

    @property
    def name(self) -> str:
        lang = translation.get_language() or "th"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_th


class AreaGroupMember(models.Model):
    """One area in a group, with the attributes that belong to that membership: a programme
    phase's mentor province (พี่เลี้ยง), and free-form extras such as a zone's office.
    """

    group = models.ForeignKey(AreaGroup, on_delete=models.CASCADE, related_name="members")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="group_memberships")
    mentor = models.ForeignKey(
        Area,
        verbose_name=_("จังหวัดพี่เลี้ยง"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mentees",
    )
    attributes = models.JSONField(_("ข้อมูลเพิ่มเติม"), default=dict, blank=True)

    class Meta:
        verbose_name = _("สมาชิกกลุ่มพื้นที่")
        verbose_name_plural = _("สมาชิกกลุ่มพื้นที่")
        ordering = ["group", "area"]
        constraints = [
            models.UniqueConstraint(fields=["group", "area"], name="areagroupmember_unique"),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("area")), name="areagroupmember_not_own_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.area}"


def level_for_code(code: str) -> str | None:
    """The level a code of this length names, or None for a malformed code."""
    if not code.isdigit():
        return None
    return LEVEL_BY_LENGTH.get(len(code))


__all__ = ["CODE_LENGTH", "Area", "AreaGroup", "AreaGroupMember", "GroupKind", "Level"]
