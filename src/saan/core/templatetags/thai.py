"""Template filters for Thai conventions; loaded as builtins, so no ``{% load %}`` is needed.

``{{ d|thai_date }}`` → ``2 พ.ค. 2568`` (``2 May 2025`` in English), ``{{ n|baht }}``,
``{{ d|fiscal_year }}`` → ``2568``, ``{{ n|number }}`` → ``7,436``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import translation

from saan.core import thai

register = template.Library()


def _thai_ui() -> bool:
    return (translation.get_language() or "th").startswith("th")


@register.filter
def thai_date(value: dt.date | dt.datetime | None, style: str = "") -> str:
    if not value:
        return "–"
    if not _thai_ui():
        return thai.english_date(value)
    return thai.thai_date(value, long=style == "long")


@register.filter
def thai_datetime(value: dt.datetime | None) -> str:
    if not value:
        return "–"
    if not _thai_ui():
        from django.utils import timezone

        local = timezone.localtime(value)
        return f"{thai.english_date(local)} {local:%H:%M}"
    return thai.thai_datetime(value)


@register.filter
def fiscal_year(value: dt.date | dt.datetime | None) -> str:
    return "–" if not value else str(thai.fiscal_year(value))


@register.filter
def baht(value: Decimal | int | float | None) -> str:
    if value is None or value == "":
        return "–"
    text = thai.format_baht(value, unit=False)
    return f"{text} บาท" if _thai_ui() else f"{text} baht"


@register.filter
def baht_whole(value: Decimal | int | float | None) -> str:
    """An estimate in whole baht (e.g. a district-wide budget spread over its subdistricts)."""
    if value is None or value == "":
        return "–"
    return baht(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@register.filter
def number(value: int | float | Decimal | None) -> str:
    if value is None or value == "":
        return "–"
    return f"{value:,}"
