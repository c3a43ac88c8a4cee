from django.contrib import admin

from saan.core.admin import ReadOnlyAdmin
from saan.funds.models import Entry, EntryAttachment, FiscalPeriod, Fund, Overdraft


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "area", "organisation", "start_year", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["name"]


@admin.register(FiscalPeriod)
class FiscalPeriodAdmin(ReadOnlyAdmin):
    list_display = ["fund", "fiscal_year", "opening_balance", "closing_balance", "is_closed"]
    list_filter = ["is_closed", "fiscal_year"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["fund", "date", "kind", "amount", "source", "category", "reverses"]
    list_filter = ["kind", "source", "category"]
    search_fields = ["description", "reference"]


@admin.register(Overdraft)
class OverdraftAdmin(ReadOnlyAdmin):
    list_display = ["fund", "limit", "valid_from", "valid_until", "status", "approved_by"]
    list_filter = ["status"]


@admin.register(EntryAttachment)
class EntryAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["entry", "filename", "kind", "size", "uploaded_at"]
