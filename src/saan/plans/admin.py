"""Read-only admin for joint plans: every change goes through the services (and the audit)."""

from django.contrib import admin

from saan.core.admin import ReadOnlyAdmin
from saan.plans.models import BudgetSource, Contribution, Plan, PlanItem, PlanVersion


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "area", "fiscal_year", "status", "version", "is_public"]
    list_filter = ["status", "fiscal_year"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "agreed_on", "resolution"]


@admin.register(PlanItem)
class PlanItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "goal", "budget_needed"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "item", "fiscal_year", "pledged", "committed", "disbursed"]
    list_filter = ["fiscal_year", "kind"]


@admin.register(BudgetSource)
class BudgetSourceAdmin(ReadOnlyAdmin):
    list_display = ["name", "area", "is_active"]
