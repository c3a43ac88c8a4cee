from django.contrib import admin

from saan.core.admin import ReadOnlyAdmin
from saan.overlaps.models import Finding, FindingComment, ScanRun, SynonymGroup


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["pk", "project_a", "project_b", "kind", "state", "score", "area_code"]
    list_filter = ["state", "kind", "is_current"]


@admin.register(FindingComment)
class FindingCommentAdmin(ReadOnlyAdmin):
    list_display = ["finding", "author_label", "created_at"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(ReadOnlyAdmin):
    list_display = ["pk", "__str__", "is_active", "updated_at"]


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "area_code", "fiscal_year", "status", "created_at"]
