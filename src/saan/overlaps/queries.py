"""Who sees and decides which findings, and the lists the pages and the API read.

- See: administrators everything; a coordinator the findings in its area; an editor (or a
  coordinator) of either organisation that owns one of the two projects. And in every case
  only when the person may see both projects (``projects.queries.visible_q``): nobody learns
  of another organisation's private project through a finding.
- Decide (confirm, dismiss, link, agree who continues): administrators and coordinators of the
  finding's area. Merge also needs the right to edit both projects (checked by the service).
- Comment: everyone who sees the finding (coordinators and editors of either organisation).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from saan.overlaps.models import Finding, FindingState, ScanRun
from saan.partners import permissions
from saan.partners.models import Role
from saan.projects import queries as project_queries
from saan.projects.models import Project


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (2, 4) if n < len(code)]


def area_q(code: str) -> Q:
    """Findings in area ``code``: their shared subdistricts lie inside it, or their common area
    contains it (a finding spanning two districts shows in each)."""
    if not code:
        return ~Q(pk__in=[])
    q = Q(area_code__startswith=code)
    if _ancestors(code):
        q |= Q(area_code__in=_ancestors(code))
    return q


def visible_q(user: Any) -> Q:
    if permissions.is_admin(user):
        return ~Q(pk__in=[])
    parts = Q(pk__in=[])
    for g in permissions.grants(user):
        if g.role == Role.COORDINATOR:
            parts |= Q(area_code__startswith=g.area_code) if g.area_code else ~Q(pk__in=[])
        if g.role in (Role.EDITOR, Role.COORDINATOR) and g.organisation_id is not None:
            parts |= Q(project_a__owner_id=g.organisation_id) | Q(
                project_b__owner_id=g.organisation_id
            )
    if parts == Q(pk__in=[]):
        return parts
    seen = Project.objects.filter(project_queries.visible_q(user)).values("pk")
    return parts & Q(project_a__in=seen) & Q(project_b__in=seen)


def visible_to(user: Any) -> QuerySet[Finding]:
    return Finding.objects.filter(visible_q(user)).select_related(
        "project_a__owner", "project_b__owner", "decided_by"
    )


def can_decide(user: Any, finding: Finding) -> bool:
    return permissions.is_admin(user) or (
        bool(finding.area_code) and permissions.coordinates(user, finding.area_code)
    )


def can_comment(user: Any, finding: Finding) -> bool:
    """Everyone who may see it (the visibility rule already requires a coordinator's or an
    editor's role)."""
    return visible_to(user).filter(pk=finding.pk).exists()


def can_scan(user: Any, area_code: str) -> bool:
    """Coordinators start scans of their area; administrators anywhere."""
    return permissions.coordinates(user, area_code) if area_code else permissions.is_admin(user)


def can_edit_synonyms(user: Any) -> bool:
    return permissions.is_admin(user) or bool(permissions.coordinator_codes(user))


def findings(
    user: Any,
    *,
    area_code: str = "",
    fiscal_year: int | None = None,
    states: list[str] | None = None,
    kind: str | None = None,
    min_score: float | None = None,
    current_only: bool = True,
) -> QuerySet[Finding]:
    """The findings a person may see, filtered as the page and the API ask."""
    qs = visible_to(user).filter(area_q(area_code))
    if fiscal_year is not None:
        qs = qs.filter(
            Q(fy_start__lte=fiscal_year, fy_end__gte=fiscal_year) | Q(fy_start__isnull=True)
        )
    if states:
        qs = qs.filter(state__in=states)
    if kind:
        qs = qs.filter(kind=kind)
    if min_score is not None:
        qs = qs.filter(score__gte=min_score)
    if current_only:
        qs = qs.filter(Q(is_current=True) | Q(state=FindingState.RESOLVED))
    return qs.order_by("-score", "pk")


def for_project(user: Any, project: Project) -> QuerySet[Finding]:
    """Findings on one project the person may see (the project page's panel)."""
    return visible_to(user).filter(Q(project_a=project) | Q(project_b=project))


def joint_work(project: Project) -> QuerySet[Finding]:
    """Decided pairs involving a project (linked, merged, continue/stop): shown on the project
    page to everyone who may see the project, since the decision changed the projects."""
    return (
        Finding.objects.filter(Q(project_a=project) | Q(project_b=project))
        .filter(state=FindingState.RESOLVED)
        .select_related("project_a__owner", "project_b__owner")
    )


def runs_for(user: Any, area_code: str) -> QuerySet[ScanRun]:
    if not can_scan(user, area_code or ""):
        return ScanRun.objects.none()
    return ScanRun.objects.filter(area_code=area_code or "")


def _finding_history(user: Any, target_id: str) -> bool:
    return target_id.isdigit() and visible_to(user).filter(pk=int(target_id)).exists()


def _synonym_history(user: Any, target_id: str) -> bool:
    return can_edit_synonyms(user)


def _run_history(user: Any, target_id: str) -> bool:
    if not target_id.isdigit():
        return False
    code = ScanRun.objects.filter(pk=int(target_id)).values_list("area_code", flat=True).first()
    return code is not None and can_scan(user, code)


# Object histories of overlaps (``saan.audit.queries`` merges these rules).
HISTORY_RULES = {
    "overlaps.finding": _finding_history,
    "overlaps.synonymgroup": _synonym_history,
    "overlaps.scanrun": _run_history,
}
