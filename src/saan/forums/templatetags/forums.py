"""Traceability for other apps' pages: the resolutions that name a project or an indicator, and
the common-agenda goals an indicator measures, as the viewer may see them.

``{% include "forums/includes/project_links.html" %}`` on a page with ``project`` in its
context, and ``{% include "forums/includes/indicator_links.html" %}`` with ``indicator``; or
load this library and use the tags directly.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from saan.forums import queries
from saan.forums.models import bangkok_today

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("forums/_trace_resolutions.html", takes_context=True)
def resolutions_for_project(context: Any, project: Any) -> dict[str, Any]:
    return {
        "resolutions": list(queries.resolutions_for_project(project, _user(context))[:20]),
        "today": bangkok_today(),
    }


@register.inclusion_tag("forums/_trace_resolutions.html", takes_context=True)
def resolutions_for_indicator(context: Any, indicator: Any) -> dict[str, Any]:
    return {
        "resolutions": list(queries.resolutions_for_indicator(indicator, _user(context))[:20]),
        "today": bangkok_today(),
    }


@register.inclusion_tag("forums/_trace_goals.html", takes_context=True)
def goals_for_indicator(context: Any, indicator: Any) -> dict[str, Any]:
    return {"goals": list(queries.goals_for_indicator(indicator, _user(context))[:20])}


@register.filter
def url_or_blank(obj: Any) -> str:
    """An object's page, or "" while the app that shows it has no page yet."""
    try:
        return str(obj.get_absolute_url())
    except (NoReverseMatch, AttributeError):
        return ""


@register.simple_tag
def forums_url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def overdue_on(resolution: Any, today: Any) -> bool:
    return bool(resolution.is_overdue(today))


@register.filter
def isodate(value: Any) -> Any:
    """An ISO date kept in JSON (``2026-11-28``) as a date, for ``thai_date``."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
