from django.contrib import admin

from saan.audit.models import AuditEvent
from saan.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_label", "area_code"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_label", "actor_label", "area_code"]
