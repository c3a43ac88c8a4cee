from django.contrib import admin

from saan.core.admin import ReadOnlyAdmin
from saan.forums.models import (
    Charter,
    CommonAgenda,
    Mechanism,
    MechanismMember,
    Meeting,
    PolicyProposal,
    Resolution,
)


@admin.register(Mechanism)
class MechanismAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "area", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["name"]


@admin.register(MechanismMember)
class MechanismMemberAdmin(ReadOnlyAdmin):
    list_display = ["person_name", "mechanism", "organisation", "role", "term_start", "term_end"]
    search_fields = ["person_name"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["mechanism", "number", "starts_at", "status"]
    list_filter = ["status"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "owner", "due_date", "status", "fiscal_year"]
    list_filter = ["status", "fiscal_year"]


@admin.register(CommonAgenda)
class CommonAgendaAdmin(ReadOnlyAdmin):
    list_display = ["vision", "area", "fiscal_year", "is_public"]


@admin.register(Charter)
class CharterAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "area", "is_public"]


@admin.register(PolicyProposal)
class PolicyProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "mechanism", "status", "submitted_on"]
    list_filter = ["status"]
