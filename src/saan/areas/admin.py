from django.contrib import admin

from saan.areas.models import Area, AreaGroup, AreaGroupMember
from saan.core.admin import ReadOnlyAdmin


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_th", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(AreaGroup)
class AreaGroupAdmin(ReadOnlyAdmin):
    list_display = ["slug", "name_th", "kind", "parent"]
    list_filter = ["kind"]


@admin.register(AreaGroupMember)
class AreaGroupMemberAdmin(ReadOnlyAdmin):
    list_display = ["group", "area", "mentor"]
