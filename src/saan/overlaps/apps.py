from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverlapsConfig(AppConfig):
    name = "saan.overlaps"
    label = "overlaps"
    verbose_name = _("งานซ้ำซ้อนและช่องว่าง")
