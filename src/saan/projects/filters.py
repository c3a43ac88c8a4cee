"""The work register's list filters and sorts, shared by the HTML list, its exports and the API.

``filter_projects(qs, params)`` reads the plain string parameters a query string carries:

=========  =================================================================================
``area``   an area code; projects that *reach* it (``queries.reaches_q``: inside it, or a
           district- or province-wide project that covers it)
``org``    an organisation id; projects it owns or takes part in, in any role
``role``   with ``org``: only projects where that organisation holds this role (``lead``,
           ``implementing``, ``funding``, ``partner``; the owner always holds ``lead``);
           alone: projects where some organisation holds it
``theme``  a theme's slug
``target`` a target group's slug
``fy``     a fiscal year in พ.ศ. (Thai digits accepted): projects whose span includes it
``status`` ``planned``, ``ongoing``, ``completed`` or ``cancelled``
``q``      Thai words, matched word by word (``core.textsearch``)
=========  =================================================================================

Lenient by default: a value that cannot mean anything (``fy=abc``, an unknown slug) is left out,
the way a list page keeps working when someone edits its address. ``strict=True`` (what the API
uses) raises ``FilterError`` with a Thai-and-English message per parameter instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import OrderBy

from saan.areas.models import Area
from saan.core.textsearch import matches_q
from saan.core.thai import normalise_digits
from saan.projects import queries
from saan.projects.models import (
    BudgetLine,
    OrgRole,
    Project,
    ProjectOrganisation,
    ProjectTarget,
    Status,
    TargetGroup,
    Theme,
)

FILTER_NAMES = ("area", "org", "role", "theme", "target", "fy", "status", "q")

_AREA_CODE = re.compile(r"^\d{2}(?:\d{2}){0,2}$")


class FilterError(ValueError):
    """Some filter values are not usable; ``errors`` maps each parameter to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class ProjectFilters:
    """The filters read from a query string: each usable value, and why the others are not."""

    area: str | None = None
    org: int | None = None
    role: str | None = None
    theme: str | None = None
    target: str | None = None
    fy: int | None = None
    status: str | None = None
    q: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> dict[str, str]:
        """The filters in use, as strings (for links that keep them, e.g. export buttons)."""
        values = {name: getattr(self, name) for name in FILTER_NAMES}
        return {k: str(v) for k, v in values.items() if v is not None}


def _clean(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    return normalise_digits(str(value)).strip() if value is not None else ""


def parse_filters(params: Mapping[str, str]) -> ProjectFilters:
    """Read and check the filter parameters (empty ones are simply absent)."""
    f = ProjectFilters()

    area = _clean(params, "area")
    if area:
        if not _AREA_CODE.match(area):
            f.errors["area"] = (
                "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4 หรือ 6 หลัก / An area code has 2, 4 or 6 digits"
            )
        elif not Area.objects.filter(code=area).exists():
            f.errors["area"] = f"ไม่พบพื้นที่รหัส {area} / No area with code {area}"
        else:
            f.area = area

    org = _clean(params, "org")
    if org:
        if org.isdigit():
            f.org = int(org)
        else:
            f.errors["org"] = "รหัสองค์กรต้องเป็นตัวเลข / org is an organisation id (a number)"

    role = _clean(params, "role")
    if role:
        if role in OrgRole.values:
            f.role = role
        else:
            f.errors["role"] = (
                f"บทบาทต้องเป็น {', '.join(OrgRole.values)} / role is one of "
                f"{', '.join(OrgRole.values)}"
            )

    theme = _clean(params, "theme")
    if theme:
        if Theme.objects.filter(slug=theme).exists():
            f.theme = theme
        else:
            f.errors["theme"] = f"ไม่พบประเด็นงาน {theme} / No theme {theme}"

    target = _clean(params, "target")
    if target:
        if TargetGroup.objects.filter(slug=target).exists():
            f.target = target
        else:
            f.errors["target"] = f"ไม่พบกลุ่มเป้าหมาย {target} / No target group {target}"

    fy = _clean(params, "fy")
    if fy:
        if fy.isdigit() and 2500 <= int(fy) <= 2700:
            f.fy = int(fy)
        else:
            f.errors["fy"] = (
                "ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568 / fy is a Buddhist-Era fiscal year, e.g. 2568"
            )

    status = _clean(params, "status")
    if status:
        if status in Status.values:
            f.status = status
        else:
            f.errors["status"] = (
                f"สถานะต้องเป็น {', '.join(Status.values)} / status is one of "
                f"{', '.join(Status.values)}"
            )

    q = str(params.get("q") or "").strip()
    if q:
        f.q = q
    return f


def apply_filters(qs: QuerySet[Project], f: ProjectFilters) -> QuerySet[Project]:
    """Narrow ``qs`` by the usable values of ``f`` (errors are not looked at here)."""
    if f.area is not None:
        qs = qs.filter(queries.reaches_q(f.area))
    if f.org is not None:
        roles = ProjectOrganisation.objects.filter(organisation_id=f.org)
        if f.role is not None:
            # The service gives every owner the lead role, so "lead" needs no owner clause.
            qs = qs.filter(pk__in=roles.filter(role=f.role).values("project_id"))
        else:
            qs = qs.filter(Q(owner_id=f.org) | Q(pk__in=roles.values("project_id")))
    elif f.role is not None:
        qs = qs.filter(pk__in=ProjectOrganisation.objects.filter(role=f.role).values("project_id"))
    if f.theme is not None:
        # A subquery rather than a join: a project with two themes must not come back twice.
        qs = qs.filter(
            pk__in=Project.themes.through.objects.filter(theme__slug=f.theme).values("project_id")
        )
    if f.target is not None:
        qs = qs.filter(
            pk__in=ProjectTarget.objects.filter(target_group__slug=f.target).values("project_id")
        )
    if f.fy is not None:
        qs = qs.filter(fy_start__lte=f.fy, fy_end__gte=f.fy)
    if f.status is not None:
        qs = qs.filter(status=f.status)
    if f.q:
        qs = qs.filter(matches_q("search_text", f.q))
    return qs


def filter_projects(
    qs: QuerySet[Project], params: Mapping[str, str], *, strict: bool = False
) -> QuerySet[Project]:
    """``qs`` narrowed by the list filters in ``params`` (a ``request.GET`` or a dict).

    Start from ``queries.visible_to(user)``: filters never widen what someone may see.
    With ``strict`` an unusable value raises ``FilterError``; otherwise it is ignored.
    """
    f = parse_filters(params)
    if strict and f.errors:
        raise FilterError(f.errors)
    return apply_filters(qs, f)


def annotate_budget(qs: QuerySet[Project], *, fiscal_year: int | None = None) -> QuerySet[Project]:
    """Add ``budget_total``: the sum of the project's budget lines (of one fiscal year if
    given), ``None`` for a project without any. A correlated subquery, so the rows are not
    multiplied the way a join to budget lines would multiply them."""
    lines = BudgetLine.objects.filter(project=OuterRef("pk"))
    if fiscal_year is not None:
        lines = lines.filter(fiscal_year=fiscal_year)
    total = lines.order_by().values("project").annotate(total=Sum("amount")).values("total")
    return qs.annotate(
        budget_total=Subquery(total, output_field=DecimalField(max_digits=18, decimal_places=2))
    )


# Sort keys a list page or the API may ask for → order_by arguments. A leading "-" means
# largest / latest first. The "budget" keys need ``annotate_budget`` first (``sort_projects``
# adds it). Every order ends in the primary key so pages never repeat or skip a row.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "start": (F("start_date").asc(nulls_last=True), "id"),
    "-start": (F("start_date").desc(nulls_last=True), "-id"),
    "budget": (F("budget_total").asc(nulls_last=True), "id"),
    "-budget": (F("budget_total").desc(nulls_last=True), "-id"),
}
DEFAULT_SORT = "-updated"


def sort_projects(qs: QuerySet[Project], key: str | None) -> QuerySet[Project]:
    """Order by a ``SORTS`` key (unknown keys fall back to ``DEFAULT_SORT``)."""
    key = key if key in SORTS else DEFAULT_SORT
    if key.lstrip("-") == "budget" and "budget_total" not in qs.query.annotations:
        qs = annotate_budget(qs)
    return qs.order_by(*SORTS[key])


def budget_sum(qs: QuerySet[Project]) -> Decimal:
    """The total of every budget line of the projects in ``qs`` (for a list's footer)."""
    value = BudgetLine.objects.filter(project__in=qs.values("pk")).aggregate(t=Sum("amount"))["t"]
    return value if value is not None else Decimal(0)
