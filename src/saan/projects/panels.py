""" "Who does what here" (ใครทำอะไรที่นี่): the work register seen from one area page.

Everything is computed from the projects the viewer may see that reach the area, read from the
per-area sums of ``WorkSummary`` (see ``summary``) plus the few projects it cannot answer for (work
above the area; visibilities the viewer sees only in part), in a fixed handful of queries
whatever the number of projects or child areas:

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

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from saan.areas.models import Area, Level
from saan.core import fragments
from saan.core.thai import format_baht
from saan.partners import permissions
from saan.partners.models import Organisation, Role
from saan.projects import filters, queries, summary
from saan.projects.models import (
    BudgetLine,
    Project,
    ProjectArea,
    ProjectOrganisation,
    SummaryKind,
    Theme,
    Visibility,
    WorkSummary,
)

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


@dataclass
class Tally:
    """Counts and budgets of a set of projects, in the shapes the panel shows. Tallies of
    disjoint sets add up."""

    count: int = 0
    budget: Decimal = ZERO
    orgs: dict[int, Cell] = field(default_factory=lambda: defaultdict(Cell))
    cells: dict[tuple[int, int], Cell] = field(default_factory=lambda: defaultdict(Cell))
    themes: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # 0: no theme
    money: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, other: Tally) -> None:
        self.count += other.count
        self.budget += other.budget
        for key, cell in other.orgs.items():
            self.orgs[key].count += cell.count
            self.orgs[key].budget += cell.budget
        for ckey, cell in other.cells.items():
            self.cells[ckey].count += cell.count
            self.cells[ckey].budget += cell.budget
        for theme_id, n in other.themes.items():
            self.themes[theme_id] += n
        for mkey, amount in other.money.items():
            self.money[mkey] += amount


def _full_visibilities(user: Any, code: str) -> list[str]:
    """The visibilities of which ``user`` sees every project reaching area ``code``: public
    always; alliance-wide when one of the person's grants covers the area (a project reaching
    an area inside a grant reaches the grant); private ones too for an administrator or a
    coordinator whose grant covers it. The others are counted project by project."""
    if permissions.is_admin(user):
        return list(Visibility.values)
    full = [Visibility.PUBLIC.value]
    covering = [g for g in permissions.grants(user) if g.covers(code)]
    if covering:
        full.append(Visibility.ALLIANCE.value)
    if any(g.role == Role.COORDINATOR for g in covering):
        full.append(Visibility.PRIVATE.value)
    return full


def _summary_tally(code: str, visibilities: list[str]) -> Tally:
    """The projects with work inside ``code`` of these visibilities, from ``WorkSummary``."""
    tally = Tally()
    rows = WorkSummary.objects.filter(area_code=code, visibility__in=visibilities).values_list(
        "kind", "organisation_id", "theme_id", "fiscal_year", "count", "budget"
    )
    for kind, org_id, theme_id, year, count, budget in rows:
        if kind == SummaryKind.TOTAL:
            tally.count += count
            tally.budget += budget
        elif kind == SummaryKind.ORGANISATION:
            tally.orgs[org_id].count += count
            tally.orgs[org_id].budget += budget
        elif kind == SummaryKind.CELL:
            tally.cells[(org_id, theme_id)].count += count
            tally.cells[(org_id, theme_id)].budget += budget
        elif kind == SummaryKind.THEME:
            tally.themes[theme_id] += count
        elif kind == SummaryKind.BUDGET:
            tally.money[(org_id, year)] += budget
    return tally


def _direct_tally(projects: QuerySet[Project]) -> Tally:
    """The same figures counted from the project tables (for the few projects the summary
    cannot answer for this viewer)."""
    tally = Tally()
    ids = projects.order_by().values("pk")
    with_budget: Any = filters.annotate_budget(projects.order_by())  # the annotation is untyped
    totals = {pk: total or ZERO for pk, total in with_budget.values_list("pk", "budget_total")}
    if not totals:
        return tally
    tally.count = len(totals)
    tally.budget = sum(totals.values(), ZERO)
    themes_of: dict[int, set[int]] = defaultdict(set)
    for project_id, theme_id in Project.themes.through.objects.filter(
        project_id__in=ids
    ).values_list("project_id", "theme_id"):
        themes_of[project_id].add(theme_id)
    for project_id in totals:
        for theme_id in themes_of.get(project_id) or {0}:
            tally.themes[theme_id] += 1
    taking_part = (
        ProjectOrganisation.objects.filter(project_id__in=ids)
        .values_list("organisation_id", "project_id")
        .distinct()
    )
    for org_id, project_id in taking_part:
        budget = totals.get(project_id, ZERO)
        tally.orgs[org_id].count += 1
        tally.orgs[org_id].budget += budget
        for theme_id in themes_of.get(project_id) or {0}:
            cell = tally.cells[(org_id, theme_id)]
            cell.count += 1
            cell.budget += budget
    sums = (
        BudgetLine.objects.filter(project_id__in=ids)
        .order_by()
        .values_list("source_id", "fiscal_year")
        .annotate(total=Sum("amount"))
    )
    for source_id, year, total in sums:
        tally.money[(source_id or 0, year)] += total
    return tally


def area_panel(user: Any, area: Area) -> AreaWork:
    """The work register's picture of ``area`` for ``user``.

    The projects reaching the area are those with work inside it, which ``WorkSummary`` has
    summed already, and those working at a level above it (a whole district or province),
    counted here. Visibilities the person does not see in full are counted project by project.
    """
    work = AreaWork(area)
    # The summary keeps the details for provinces and districts; a subdistrict's few projects
    # are counted directly.
    full = [] if area.level == Level.SUBDISTRICT else _full_visibilities(user, area.code)
    tally = _summary_tally(area.code, full)
    visible = queries.visible_to(user)
    if area.ancestor_codes:
        # Projects of the fully visible kinds reaching the area only from above it.
        above_only = (
            Project.objects.filter(visibility__in=full)
            .filter(
                pk__in=ProjectArea.objects.filter(area_id__in=area.ancestor_codes).values(
                    "project_id"
                )
            )
            .exclude(
                pk__in=ProjectArea.objects.filter(queries.under_q(area.code)).values("project_id")
            )
        )
        tally.add(_direct_tally(above_only))
    rest = [v for v in Visibility.values if v not in full]
    if rest:
        tally.add(_direct_tally(visible.filter(queries.reaches_q(area.code), visibility__in=rest)))

    work.project_count = tally.count
    work.budget_total = tally.budget
    if tally.count:
        _matrix(work, tally)
        _budget_by_source(work, tally)
    _children(work, visible, full, rest)
    if tally.count and area.level == Level.SUBDISTRICT:
        _projects(work, _reaching(user, area.code))
    return work


PANEL_REVISION = 2  # raise when ``_area_panel.html`` or what it is given changes


def area_panel_html(
    user: Any, area: Area, version: tuple[str, int] | None = None
) -> tuple[SafeString, AreaWork | None]:
    """The panel drawn as HTML for ``user`` (``projects/_area_panel.html``), kept in the cache
    under the register's version, the area and what decides what the user sees
    (``core.fragments``); and the ``AreaWork`` it was drawn from when it was drawn now (None
    when it came from the cache). ``version``: ``summary.version()`` if the caller read it
    already (before anything was drawn)."""
    built: list[AreaWork] = []

    def build() -> str:
        work = area_panel(user, area)
        built.append(work)
        context = {
            "area": area,
            "work": work,
            "matrix_rows": _matrix_rows_html(work),
            "child_items": _children_html(work),
        }
        return render_to_string("projects/_area_panel.html", context)

    html = fragments.cached(
        "projects:area-panel",
        build,
        versions=[version or summary.version()],
        user=user,
        params=[("area", area.code)],
        revision=PANEL_REVISION,
    )
    # The template escaped every value; the cache hands back the same string.
    return mark_safe(html), built[0] if built else None


# The matrix and the children's shades are built here (every value through ``escape``, as the
# template would) rather than by the template: organisations × themes cells and a province's
# districts were most of the panel's drawing otherwise.


def _matrix_rows_html(work: AreaWork) -> SafeString:
    """The rows of the organisations × themes table."""
    if not work.matrix:
        return SafeString("")
    list_url = escape(reverse("projects:list"))
    code = escape(work.area.code)
    org_label = escape(gettext("องค์กร"))
    total_label = escape(gettext("รวม"))
    no_theme = escape(gettext("ไม่ระบุประเด็น"))
    heads = [
        (escape(t.name), f"&amp;theme={escape(t.slug)}") if t else (no_theme, "")
        for t in work.themes
    ]
    out = []
    for row in work.matrix:
        org = row.organisation
        org_link = f"{list_url}?area={code}&amp;org={org.pk}"
        cells = []
        for (name, theme_part), (_theme, cell) in zip(heads, row.cells, strict=True):
            if cell.count:
                cells.append(
                    f'<td class="num" data-label="{name}"><a href="{org_link}{theme_part}">'
                    f"{cell.count}</a><br>"
                    f'<span class="small muted">{escape(cell.budget_text)}</span></td>'
                )
            else:
                cells.append(
                    f'<td class="num zero" data-label="{name}"><span class="muted">·</span></td>'
                )
        out.append(
            f'<tr>\n<td data-label="{org_label}"><a href="{escape(org.get_absolute_url())}">'
            f"{escape(org.label)}</a></td>\n"
            + "\n".join(cells)
            + f'\n<td class="num" data-label="{total_label}"><a href="{org_link}"><strong>'
            f'{row.count}</strong></a><br><span class="small muted">{escape(row.budget_text)}'
            "</span></td>\n</tr>"
        )
    # Every value above went through escape().
    return mark_safe("\n".join(out))


def _children_html(work: AreaWork) -> SafeString:
    """The child areas as shaded tiles: the number of projects reaching each."""
    if not work.children:
        return SafeString("")
    list_url = escape(reverse("projects:list"))
    out = []
    for child in work.children:
        code = escape(child.area.code)
        shade = f"{child.shade:.2f}" if child.own else "0"
        white = "color: #fff;" if child.shade > 0.55 else ""
        title = escape(gettext("ลงพื้นที่โดยตรง %(n)s โครงการ") % {"n": child.own})
        out.append(
            f'<li><a href="{list_url}?area={code}" data-code="{code}" '
            f'data-count="{child.count}" style="background: rgba(15, 109, 99, {shade}); {white}" '
            f'title="{title}"><span>{escape(child.area.full_name)}</span>'
            f"<strong>{child.count}</strong></a></li>"
        )
    # Every value above went through escape().
    return mark_safe("\n".join(out))


def _matrix(work: AreaWork, tally: Tally) -> None:
    used = [theme_id for theme_id, n in tally.themes.items() if n and theme_id]
    themes: list[Theme | None] = list(Theme.objects.filter(pk__in=used))
    if tally.themes.get(0):
        themes.append(None)  # some projects name no theme
    work.themes = themes
    rows = {org_id: cell for org_id, cell in tally.orgs.items() if cell.count}
    organisations = Organisation.objects.in_bulk(list(rows))
    work.matrix = sorted(
        (
            MatrixRow(
                organisation=organisations[org_id],
                cells=[(t, tally.cells.get((org_id, t.pk if t else 0)) or Cell()) for t in themes],
                count=row.count,
                budget=row.budget,
            )
            for org_id, row in rows.items()
            if org_id in organisations
        ),
        key=lambda r: (-r.count, -r.budget, r.organisation.label),
    )


def _budget_by_source(work: AreaWork, tally: Tally) -> None:
    by_source: dict[int | None, dict[int, Decimal]] = defaultdict(dict)
    for (source_id, year), total in tally.money.items():
        by_source[source_id or None][year] = total
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


def _children(work: AreaWork, visible: QuerySet[Project], full: list[str], rest: list[str]) -> None:
    """Each child's own work: the projects with work inside the child, less those that also
    cover the whole area (or more), which reach every child alike and are counted once as
    ``wide_count``."""
    area = work.area
    if area.level == Level.SUBDISTRICT:
        return
    children = list(Area.objects.filter(parent=area).order_by("code"))
    if not children:
        return
    above = [area.code, *area.ancestor_codes]
    wide = ProjectArea.objects.filter(area_id__in=above).values("project_id")
    work.wide_count = visible.filter(pk__in=wide).count()
    child_length = len(area.code) + 2

    def per_child(projects: QuerySet[Project]) -> dict[str, int]:
        return dict(
            ProjectArea.objects.filter(
                queries.under_q(area.code), project_id__in=projects.values("pk")
            )
            .exclude(area_id__in=above)
            .annotate(child=Substr("area_id", 1, child_length))
            .order_by()
            .values_list("child")
            .annotate(n=Count("project_id", distinct=True))
            .values_list("child", "n")
        )

    own: dict[str, int] = defaultdict(int)
    for code, n in WorkSummary.objects.filter(
        area_code__in=[c.code for c in children], visibility__in=full, kind=SummaryKind.TOTAL
    ).values_list("area_code", "count"):
        own[code] += n
    # Less the fully visible projects that also cover the whole area.
    for code, n in per_child(Project.objects.filter(visibility__in=full, pk__in=wide)).items():
        own[code] -= n
    if rest:
        for code, n in per_child(visible.filter(visibility__in=rest).exclude(pk__in=wide)).items():
            own[code] += n
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


# The list filters the per-area summary can answer for (with ``area``): any other filter, or
# free text, is counted from the project tables.
SUMMED_FILTERS = frozenset({"area", "fy"})


def list_totals(
    user: Any, chosen: filters.ProjectFilters, selection: QuerySet[Project]
) -> tuple[int, Decimal]:
    """The number of projects in a list's ``selection`` (what ``filters.apply_filters(
    queries.visible_to(user), chosen)`` selects) and the sum of all their budget lines.

    With only an area (province or district) and perhaps a fiscal year chosen, the projects the
    viewer sees in full that have work inside the area are read from ``WorkSummary`` (one row
    per visibility), and only the rest are counted from the tables: projects working at a level
    above the area, and visibilities the viewer sees only in part. Otherwise the selection is
    counted directly. Both ways give the same figures (``tests/test_list_totals.py``)."""
    code = chosen.area
    used = {name for name, value in chosen.active.items() if value}
    if code is None or len(code) > summary.DETAILED_UP_TO or not used <= SUMMED_FILTERS:
        return _counted(selection)
    full = _full_visibilities(user, code)
    rows = WorkSummary.objects.filter(area_code=code, visibility__in=full)
    if chosen.fy is not None:
        rows = rows.filter(kind=SummaryKind.YEAR, fiscal_year=chosen.fy)
    else:
        rows = rows.filter(kind=SummaryKind.TOTAL)
    summed = rows.aggregate(n=Sum("count"), total=Sum("budget"))
    count, total = summed["n"] or 0, summed["total"] or ZERO
    # What the summary did not count: visibilities not seen in full, and (below a province)
    # projects reaching the area only from above it.
    rest = [v for v in Visibility.values if v not in full]
    ancestors = [code[:n] for n in (2, 4) if n < len(code)]
    left = Q(pk__in=[])
    if rest:
        left |= Q(visibility__in=rest)
    if ancestors:
        inside = ProjectArea.objects.filter(queries.under_q(code)).values("project_id")
        above = ProjectArea.objects.filter(area_id__in=ancestors).values("project_id")
        left |= Q(pk__in=above) & ~Q(pk__in=inside)
    if rest or ancestors:
        more, more_total = _counted(selection.filter(left))
        count, total = count + more, total + more_total
    return count, total


def _counted(projects: QuerySet[Project]) -> tuple[int, Decimal]:
    totals = projects.order_by().aggregate(
        n=Count("pk", distinct=True), total=Sum("budget_lines__amount")
    )
    return totals["n"] or 0, totals["total"] if totals["total"] is not None else ZERO
