from django.contrib import admin

from saan.core.admin import ReadOnlyAdmin
from saan.partners.models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name_th", "short_name", "sector", "home_area", "is_strategic_partner"]
    list_filter = ["sector", "is_strategic_partner"]
    search_fields = ["name_th", "name_en", "short_name"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role", "area", "is_active"]
    list_filter = ["role", "is_active"]
