""" "Who does what here" (ใครทำอะไรที่นี่): the work register seen from one area page.

Everything is computed from the projects the viewer may see that reach the area, in a fixed
handful of aggregate queries whatever the number of projects or child areas:

- organisations × themes: how many projects each organisation takes part in (any role), per
  theme, with the total budget of those projects;
- budget by source organisation × fiscal year;
- the child areas (districts of a province, subdistricts of a district) with the number of
  projects reaching each, shaded by how much work is registered in them, and the children no
  project works in yet;
- on a subdistrict, the projects themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from saan.areas.models import Area, Level
from saan.core.thai import format_baht
from saan.partners.models import Organisation
from saan.projects import filters, queries
from saan.projects.models import BudgetLine, Project, ProjectArea, ProjectOrganisation, Theme

ZERO = Decimal("0")
PROJECT_LIST_LIMIT = 50


@dataclass
class Cell:
    count: int = 0
    budget: Decimal = ZERO

    @property
    def budget_text(self) -> str:
        """The amount without the unit (the table's heading says บาท): matrices stay narrow."""
        return format_baht(self.budget, unit=False)


@dataclass
class MatrixRow:
    organisation: Organisation
    cells: list[tuple[Theme | None, Cell]]
    count: int
    budget: Decimal

    @property
    def budget_text(self) -> str:
        return format_baht(self.budget, unit=False)


@dataclass
class BudgetRow:
    source: Organisation | None
    amounts: list[tuple[int, Decimal | None]]
    total: Decimal


@dataclass
class ChildWork:
    area: Area
    count: int  # projects reaching the child (its own and the ones covering the whole parent)
    own: int  # projects working in the child itself or below it
    shade: float  # 0–1, by ``own`` relative to the busiest child


@dataclass
class ProjectRow:
    project: Project
    wide: bool  # the project covers the whole district or province, not this place alone


@dataclass
class AreaWork:
    area: Area
    project_count: int = 0
    budget_total: Decimal = ZERO
    themes: list[Theme | None] = field(default_factory=list)
    matrix: list[MatrixRow] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    budget_rows: list[BudgetRow] = field(default_factory=list)
    year_totals: list[Decimal] = field(default_factory=list)
    children: list[ChildWork] = field(default_factory=list)
    wide_count: int = 0
    untouched: list[Area] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)


def _reaching(user: Any, code: str) -> QuerySet[Project]:
    return queries.visible_to(user).filter(queries.reaches_q(code))


def area_panel(user: Any, area: Area) -> AreaWork:
    """The work register's picture of ``area`` for ``user``."""
    work = AreaWork(area)
    reach = _reaching(user, area.code)
    reach_ids = reach.order_by().values("pk")

    with_budget: Any = filters.annotate_budget(reach.order_by())  # the annotation is untyped
    totals = {pk: total or ZERO for pk, total in with_budget.values_list("pk", "budget_total")}
    work.project_count = len(totals)
    work.budget_total = sum(totals.values(), ZERO)
    if not totals:
        _children(work, reach_ids)
        return work

    _matrix(work, reach_ids, totals)
    _budget_by_source(work, reach_ids)
    _children(work, reach_ids)
    if area.level == Level.SUBDISTRICT:
        _projects(work, reach)
    return work


def _matrix(work: AreaWork, reach_ids: Any, totals: dict[int, Decimal]) -> None:
    taking_part = (
        ProjectOrganisation.objects.filter(project_id__in=reach_ids)
        .values_list("organisation_id", "project_id")
        .distinct()
    )
    themes_of: dict[int, set[int]] = defaultdict(set)
    for project_id, theme_id in Project.themes.through.objects.filter(
        project_id__in=reach_ids
    ).values_list("project_id", "theme_id"):
        themes_of[project_id].add(theme_id)

    cells: dict[tuple[int, int | None], Cell] = defaultdict(Cell)
    rows: dict[int, Cell] = defaultdict(Cell)
    for org_id, project_id in taking_part:
        budget = totals.get(project_id, ZERO)
        rows[org_id].count += 1
        rows[org_id].budget += budget
        project_themes: set[int | None] = set(themes_of.get(project_id, ())) or {None}
        for theme_key in project_themes:
            cell = cells[(org_id, theme_key)]
            cell.count += 1
            cell.budget += budget

    used = {theme_id for ids in themes_of.values() for theme_id in ids}
    themes: list[Theme | None] = list(Theme.objects.filter(pk__in=used))
    if len(themes_of) < len(totals):
        themes.append(None)  # some projects name no theme
    work.themes = themes
    organisations = Organisation.objects.in_bulk(list(rows))
    work.matrix = sorted(
        (
            MatrixRow(
                organisation=organisations[org_id],
                cells=[(t, cells.get((org_id, t.pk if t else None), Cell())) for t in themes],
                count=row.count,
                budget=row.budget,
            )
            for org_id, row in rows.items()
            if org_id in organisations
        ),
        key=lambda r: (-r.count, -r.budget, r.organisation.label),
    )


def _budget_by_source(work: AreaWork, reach_ids: Any) -> None:
    sums = (
        BudgetLine.objects.filter(project_id__in=reach_ids)
        .order_by()
        .values_list("source_id", "fiscal_year")
        .annotate(total=Sum("amount"))
    )
    by_source: dict[int | None, dict[int, Decimal]] = defaultdict(dict)
    for source_id, year, total in sums:
        by_source[source_id][year] = total
    if not by_source:
        return
    work.years = sorted({year for amounts in by_source.values() for year in amounts})
    sources = Organisation.objects.in_bulk([s for s in by_source if s is not None])
    rows = [
        BudgetRow(
            source=sources.get(source_id) if source_id is not None else None,
            amounts=[(year, amounts.get(year)) for year in work.years],
            total=sum(amounts.values(), ZERO),
        )
        for source_id, amounts in by_source.items()
    ]
    rows.sort(key=lambda r: (r.source is None, -r.total))
    work.budget_rows = rows
    work.year_totals = [
        sum((amounts.get(year, ZERO) for amounts in by_source.values()), ZERO)
        for year in work.years
    ]


def _children(work: AreaWork, reach_ids: Any) -> None:
    """Children with counts from two grouped queries: the projects covering the whole area
    (or more) reach every child alike; the others are counted by the child their area lies in."""
    area = work.area
    if area.level == Level.SUBDISTRICT:
        return
    children = list(Area.objects.filter(parent=area).order_by("code"))
    if not children:
        return
    above = [area.code, *area.ancestor_codes]
    wide_ids = ProjectArea.objects.filter(project_id__in=reach_ids, area_id__in=above).values(
        "project_id"
    )
    work.wide_count = (
        ProjectArea.objects.filter(project_id__in=reach_ids, area_id__in=above)
        .values("project_id")
        .distinct()
        .count()
    )
    child_length = len(area.code) + 2
    own = dict(
        ProjectArea.objects.filter(project_id__in=reach_ids, area__code__startswith=area.code)
        .exclude(area_id__in=above)
        .exclude(project_id__in=wide_ids)
        .annotate(child=Substr("area_id", 1, child_length))
        .order_by()
        .values_list("child")
        .annotate(n=Count("project_id", distinct=True))
        .values_list("child", "n")
    )
    busiest = max(own.values(), default=0)
    work.children = [
        ChildWork(
            area=child,
            count=own.get(child.code, 0) + work.wide_count,
            own=own.get(child.code, 0),
            shade=_shade(own.get(child.code, 0), busiest),
        )
        for child in children
    ]
    work.untouched = [c.area for c in work.children if c.own == 0]


def _shade(own: int, busiest: int) -> float:
    """Background intensity: none without work of its own, then a square-root scale so one
    project is already visible next to a district with thirty."""
    if not own or not busiest:
        return 0.0
    return round(0.15 + 0.85 * (own / busiest) ** 0.5, 2)


def _projects(work: AreaWork, reach: QuerySet[Project]) -> None:
    above = set(work.area.ancestor_codes)
    projects = (
        filters.annotate_budget(reach)
        .select_related("owner")
        .prefetch_related("project_areas")
        .order_by("-updated_at", "-id")[:PROJECT_LIST_LIMIT]
    )
    work.projects = [
        ProjectRow(p, wide=any(pa.area_id in above for pa in p.project_areas.all()))
        for p in projects
    ]
