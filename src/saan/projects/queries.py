"""Which projects a user may see and change, and the area filter every list uses.

The rules (built on the grants of ``saan.partners.permissions``):

- A project *reaches* area X when one of its areas lies inside X (``4001`` reaches ``40``) or
  contains X (a district-wide project reaches each of its subdistricts).
- See: administrators everything; anyone, signed in or not, public projects; a member whose
  grant the project reaches: alliance-visible projects (the shared picture the alliance exists
  for); coordinators also private ones in their area; a viewer or editor also private projects
  its own organisation owns or takes part in.
- Change: administrators everything; an editor or coordinator the projects its organisation owns
  when every area of the project lies inside its grant. Coordinators annotate, not rewrite,
  other organisations' projects.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from saan.partners import permissions
from saan.partners.models import Role
from saan.projects.models import Project, ProjectArea, ProjectOrganisation, Visibility


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (2, 4) if n < len(code)]


def under_q(code: str) -> Q:
    """Project areas equal to or under ``code``. Area codes are digit strings, so the prefix
    test is a range, which a plain index answers on SQLite and PostgreSQL alike (``LIKE 'xx%'``
    uses neither: SQLite's LIKE ignores case, and PostgreSQL's default collation needs a
    pattern index)."""
    return Q(area_id__gte=code, area_id__lte=code + "9" * max(6 - len(code), 0))


def reaches_q(code: str) -> Q:
    """Projects that reach area ``code`` ("" = anywhere)."""
    if code == "":
        return ~Q(pk__in=[])
    areas = under_q(code)
    if _ancestors(code):
        areas |= Q(area__code__in=_ancestors(code))
    return Q(pk__in=ProjectArea.objects.filter(areas).values("project_id"))


def inside_q(code: str) -> Q:
    """Projects whose every area lies inside ``code``."""
    if code == "":
        return ~Q(pk__in=[])
    outside = ProjectArea.objects.exclude(under_q(code)).values("project_id")
    return ~Q(pk__in=outside)


def _takes_part_q(organisation_id: int) -> Q:
    return Q(owner_id=organisation_id) | Q(
        pk__in=ProjectOrganisation.objects.filter(organisation_id=organisation_id).values(
            "project_id"
        )
    )


def visible_q(user: Any) -> Q:
    if permissions.is_admin(user):
        return ~Q(pk__in=[])
    q = Q(visibility=Visibility.PUBLIC)
    for g in permissions.grants(user):
        shared = ~Q(visibility=Visibility.PRIVATE)
        if g.role == Role.COORDINATOR:
            shared = ~Q(pk__in=[])
        elif g.organisation_id is not None:
            shared |= _takes_part_q(g.organisation_id)
        q |= reaches_q(g.area_code) & shared
    return q


def editable_q(user: Any) -> Q:
    if permissions.is_admin(user):
        return ~Q(pk__in=[])
    q = Q(pk__in=[])
    for g in permissions.grants(user):
        if g.role in (Role.EDITOR, Role.COORDINATOR) and g.organisation_id is not None:
            q |= Q(owner_id=g.organisation_id) & inside_q(g.area_code)
    return q


def visible_to(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(visible_q(user))


def editable_by(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(editable_q(user))


def can_register(user: Any, *, owner_id: int, area_codes: list[str]) -> bool:
    """Whether the user may save a project for this owner in these areas."""
    if permissions.is_admin(user):
        return True
    return any(
        g.role in (Role.EDITOR, Role.COORDINATOR)
        and g.organisation_id == owner_id
        and all(code.startswith(g.area_code) for code in area_codes)
        for g in permissions.grants(user)
    )


def can_annotate(user: Any, project: Project) -> bool:
    """Coordinators of an area the project reaches, and members of organisations taking part."""
    if permissions.is_admin(user):
        return True
    codes = list(project.project_areas.values_list("area_id", flat=True))
    org_ids = {project.owner_id, *project.roles.values_list("organisation_id", flat=True)}
    for g in permissions.grants(user):
        reached = any(c.startswith(g.area_code) or g.area_code.startswith(c) for c in codes)
        if g.role == Role.COORDINATOR and reached:
            return True
        if g.organisation_id in org_ids and g.role in (Role.EDITOR, Role.COORDINATOR):
            return True
    return False


def owners_for(user: Any) -> list[int]:
    """Organisations the user may register projects for."""
    from saan.partners.models import Organisation

    if permissions.is_admin(user):
        return list(Organisation.objects.values_list("pk", flat=True))
    return sorted(
        {
            g.organisation_id
            for g in permissions.grants(user)
            if g.role in (Role.EDITOR, Role.COORDINATOR) and g.organisation_id is not None
        }
    )
