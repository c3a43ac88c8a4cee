"""Who may see and change what. The one module every view, API endpoint and service asks.

A permission is a queryset filter: a user's active memberships become *grants*
(organisation, role, area code), and a grant at an area covers every area under it
("" = the whole country), which is a ``startswith`` on the code. Views fetch through these
helpers and answer 404 for objects outside them, the same as for missing ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from saan.partners.models import Membership, Organisation, Role

_CACHE_ATTR = "_saan_grants"


@dataclass(frozen=True)
class Grant:
    organisation_id: int | None
    role: str
    area_code: str  # "" covers the whole country

    def covers(self, code: str) -> bool:
        return code.startswith(self.area_code)


def grants(user: Any) -> tuple[Grant, ...]:
    """The user's active grants, read once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        # Read on nearly every signed-in request: one statement written once per database (the
        # ORM's filter, in Membership's order) instead of building the query each time.
        with connection.cursor() as cursor:
            cursor.execute(_grants_sql(connection.vendor), [user.pk, True])
            rows = cursor.fetchall()
        cached = tuple(Grant(org, role, area or "") for org, role, area in rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


@lru_cache(maxsize=8)
def _grants_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT {q('organisation_id')}, {q('role')}, {q('area_id')} "  # noqa: S608
        f"FROM {q(Membership._meta.db_table)} "
        f"WHERE {q('user_id')} = %s AND {q('is_active')} = %s "
        f"ORDER BY {q('area_id')}, {q('organisation_id')}, {q('role')}"
    )


def forget(user: Any) -> None:
    """Drop the cached grants after the user's memberships change."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_admin(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or any(g.role == Role.ADMIN for g in grants(user))


def _everything() -> Q:
    # Not Q(): an empty Q vanishes when OR-ed with another ("Q(a) | Q()" is just Q(a)).
    return ~Q(pk__in=[])


def _nothing() -> Q:
    return Q(pk__in=[])


def _area_q(field: str, code: str) -> Q:
    return _everything() if code == "" else Q(**{f"{field}__startswith": code})


def _any_of(qs: list[Q]) -> Q:
    result = _nothing()
    for q in qs:
        result |= q
    return result


def coordinator_codes(user: Any) -> list[str]:
    """Area codes the user coordinates ("" for the whole country)."""
    if is_admin(user):
        return [""]
    return sorted({g.area_code for g in grants(user) if g.role == Role.COORDINATOR})


def coordinates(user: Any, area_code: str) -> bool:
    """Whether the user runs this area (is its coordinator, or an administrator)."""
    return is_admin(user) or any(
        g.role == Role.COORDINATOR and g.covers(area_code) for g in grants(user)
    )


def member_of_area(user: Any, area_code: str) -> bool:
    """Whether any of the user's grants covers this area."""
    return is_admin(user) or any(g.covers(area_code) for g in grants(user))


# ------------------------------------------------------------------ records of organisations
# Later apps (projects, indicators, plans) keep records that belong to an organisation and sit
# in an area. These two filters are the whole rule for them:
#   see:    administrators everything; a coordinator everything in its area; a viewer or an
#           editor its own organisation's records in its area.
#   change: administrators everything; an editor or a coordinator its own organisation's
#           records in its area (coordinators annotate, not rewrite, other organisations' work).


def records_visible_q(user: Any, *, org_field: str, area_field: str) -> Q:
    if is_admin(user):
        return _everything()
    parts = []
    for g in grants(user):
        if g.role == Role.COORDINATOR:
            parts.append(_area_q(area_field, g.area_code))
        elif g.organisation_id is not None:
            parts.append(Q(**{org_field: g.organisation_id}) & _area_q(area_field, g.area_code))
    return _any_of(parts)


def records_editable_q(user: Any, *, org_field: str, area_field: str) -> Q:
    if is_admin(user):
        return _everything()
    parts = [
        Q(**{org_field: g.organisation_id}) & _area_q(area_field, g.area_code)
        for g in grants(user)
        if g.role in (Role.EDITOR, Role.COORDINATOR) and g.organisation_id is not None
    ]
    return _any_of(parts)


def can_edit_record(user: Any, *, organisation_id: int | None, area_code: str) -> bool:
    """The same rule as ``records_editable_q`` for one record not yet saved."""
    if is_admin(user):
        return True
    return any(
        g.role in (Role.EDITOR, Role.COORDINATOR)
        and g.organisation_id is not None
        and g.organisation_id == organisation_id
        and g.covers(area_code)
        for g in grants(user)
    )


# ----------------------------------------------------------------------------- memberships


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    """A user sees their own memberships; a coordinator also those in its area."""
    qs = Membership.objects.select_related("user", "organisation", "area")
    if is_admin(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    q = Q(user=user)
    for code in coordinator_codes(user):
        q |= _area_q("area__code", code)
    return qs.filter(q)


def memberships_manageable_by(user: Any) -> QuerySet[Membership]:
    """Memberships the user may change: a coordinator manages viewers, editors and coordinators
    inside its area (never administrators, never country-wide grants, never its own);
    administrators manage all."""
    qs = Membership.objects.select_related("user", "organisation", "area")
    if is_admin(user):
        return qs
    codes = coordinator_codes(user)
    if not codes:
        return qs.none()
    q = _any_of([_area_q("area__code", c) for c in codes])
    return qs.filter(q, area__isnull=False).exclude(role=Role.ADMIN).exclude(user=user)


def can_grant(user: Any, *, role: str, area_code: str) -> bool:
    """Whether the user may create a membership with this role at this area."""
    if is_admin(user):
        return True
    if role == Role.ADMIN or area_code == "":
        return False
    return coordinates(user, area_code)


# --------------------------------------------------------------------------- organisations


def organisations_editable_by(user: Any) -> QuerySet[Organisation]:
    """Administrators edit every organisation; a coordinator registers and edits the local
    organisations based inside its area."""
    qs = Organisation.objects.all()
    if is_admin(user):
        return qs
    codes = [c for c in coordinator_codes(user) if c]
    if not codes:
        return qs.none()
    return qs.filter(_any_of([_area_q("home_area__code", c) for c in codes]))


def can_create_organisation(user: Any, *, home_area_code: str) -> bool:
    if is_admin(user):
        return True
    return home_area_code != "" and coordinates(user, home_area_code)
