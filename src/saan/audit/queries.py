"""Reading the audit trail, filtered by who may see what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from saan.audit.models import AuditEvent
from saan.forums.queries import HISTORY_RULES as forum_history_rules
from saan.overlaps.queries import HISTORY_RULES as overlap_history_rules
from saan.partners import permissions
from saan.plans.queries import HISTORY_RULES as plan_history_rules


def _signed_in(user: Any, target_id: str) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _membership_visible(user: Any, target_id: str) -> bool:
    return (
        target_id.isdigit()
        and permissions.memberships_visible_to(user).filter(pk=int(target_id)).exists()
    )


def _token_owner(user: Any, target_id: str) -> bool:
    from saan.accounts.models import ApiToken

    return (
        target_id.isdigit() and ApiToken.objects.filter(pk=int(target_id), user_id=user.pk).exists()
    )


def _project_visible(user: Any, target_id: str) -> bool:
    from saan.projects.queries import visible_to

    return target_id.isdigit() and visible_to(user).filter(pk=int(target_id)).exists()


def _data_value_area_member(user: Any, target_id: str) -> bool:
    """An indicator value's history: members whose grant covers the value's area."""
    from saan.indicators.models import DataValue

    if not target_id.isdigit():
        return False
    area_code = (
        DataValue.objects.filter(pk=int(target_id)).values_list("area_id", flat=True).first()
    )
    return area_code is not None and permissions.member_of_area(user, area_code)


# Which object histories a user may open, by target type. Types not listed answer 404.
# Later apps add their types here with the same permission helpers their views use.
HISTORY_RULES: dict[str, Callable[[Any, str], bool]] = {
    "areas.areagroup": _signed_in,
    "areas.areagroupmember": _signed_in,
    "partners.organisation": _signed_in,
    "partners.membership": _membership_visible,
    "accounts.apitoken": _token_owner,
    "indicators.datavalue": _data_value_area_member,
    "projects.project": _project_visible,
    **forum_history_rules,
    **plan_history_rules,
    **overlap_history_rules,
}


def object_history(user: Any, target_type: str, target_id: str) -> QuerySet[AuditEvent] | None:
    """The object's events, or None when the user may not see them (the view answers 404)."""
    rule = HISTORY_RULES.get(target_type)
    if rule is None or not rule(user, target_id):
        return None
    return AuditEvent.objects.filter(target_type=target_type, target_id=target_id).select_related(
        "actor"
    )


def area_history(user: Any, area_code: str) -> QuerySet[AuditEvent] | None:
    """Every event about the area and the areas under it, for members whose grant covers it."""
    if not permissions.member_of_area(user, area_code):
        return None
    return AuditEvent.objects.filter(area_code__startswith=area_code).select_related("actor")
