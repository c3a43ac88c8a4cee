"""Gaps: need against response for the children of an area.

For an area (the country, a province or a district) and its children one level down, with a
need indicator the person picks (``saan.indicators``, read from stored values and roll-ups)
and optionally a theme and a fiscal year:

- *work reaching a child*: the projects the person may see that reach it (an area inside the
  child, or a district- or province-wide area that contains it), cancelled ones left out;
- *budget reaching a child*: each project's budget (of the fiscal year, if one is chosen) is
  spread evenly over the subdistricts it reaches, and a child gets the share of its own
  subdistricts; likewise targeted and reached people. By source: the organisation whose money
  it is;
- *response per need*: the child's share of the area's budget divided by its share of the
  area's need. 1.0 means money follows need; 0.5 means the child gets half the money its need
  would call for; "–" where the need is unknown or zero. Unit-free, so it ranks children
  whatever the indicator's unit;
- *subdistricts no project reaches*, and *themes nobody works on* (the area's common-agenda
  themes first, then the rest of the vocabulary).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from saan.areas.models import Area, Level
from saan.core.spreadsheets import csv_bytes, safe_row
from saan.indicators import queries as indicator_queries
from saan.indicators.models import Indicator
from saan.overlaps.facts import Places
from saan.partners.models import Organisation
from saan.projects import queries as project_queries
from saan.projects.models import BudgetLine, Project, ProjectArea, ProjectTarget, Status, Theme


@dataclass
class ChildRow:
    area: Area
    need: Decimal | None = None
    need_display: str = "–"
    projects: int = 0
    budget: Decimal = Decimal(0)
    by_source: dict[str, Decimal] = field(default_factory=dict)
    planned: Decimal = Decimal(0)
    reached: Decimal = Decimal(0)
    subdistricts: int = 0
    uncovered: int = 0
    ratio: float | None = None
    rank: int | None = None
    shade: int = 0  # 0–4: how high the need is among the children


@dataclass
class Gaps:
    area: Area | None
    indicator: Indicator | None
    period: str
    theme: Theme | None
    fiscal_year: int | None
    rows: list[ChildRow]
    sources: list[str]
    uncovered: list[Area]
    idle_agenda_themes: list[Theme]
    idle_themes: list[Theme]
    total_budget: Decimal = Decimal(0)
    total_need: Decimal = Decimal(0)


def need_indicators() -> list[Indicator]:
    return list(Indicator.objects.order_by("sort_order", "code"))


def _children(code: str) -> list[Area]:
    if len(code) == 6:
        return list(Area.objects.filter(code=code))
    return indicator_queries.children_of(code)


def compute(
    user: Any,
    *,
    area_code: str,
    indicator: Indicator | None = None,
    period: str = "",
    theme: Theme | None = None,
    fiscal_year: int | None = None,
) -> Gaps:
    area = Area.objects.filter(code=area_code).first() if area_code else None
    children = _children(area_code)
    rows = {c.code: ChildRow(area=c) for c in children}

    # Need, per child, from the indicator's stored values and roll-ups.
    if indicator is not None and period:
        found = indicator_queries.figures([indicator], list(rows), [period])
        for code, row in rows.items():
            fig = found.get((indicator.pk, code, period))
            if fig is not None and fig.value is not None:
                row.need = fig.value
                row.need_display = fig.display

    # Work reaching the area.
    projects = project_queries.visible_to(user).exclude(status=Status.CANCELLED)
    if area_code:
        projects = projects.filter(project_queries.reaches_q(area_code))
    if theme is not None:
        projects = projects.filter(themes=theme)
    if fiscal_year is not None:
        projects = projects.filter(
            Q(fy_start__lte=fiscal_year, fy_end__gte=fiscal_year)
            | Q(budget_lines__fiscal_year=fiscal_year)
        )
    ids = sorted(set(projects.values_list("pk", flat=True)))
    areas: dict[int, list[str]] = defaultdict(list)
    for i in range(0, len(ids), 900):
        for pid, code in ProjectArea.objects.filter(project_id__in=ids[i : i + 900]).values_list(
            "project_id", "area_id"
        ):
            areas[pid].append(code)
    places = Places(c for codes in areas.values() for c in codes)
    reach: dict[int, set[str]] = {
        pid: {s for c in codes for s in places.expand(c)} for pid, codes in areas.items()
    }
    depth = len(children[0].code) if children else 2

    # Subdistricts of the area, and which of them some project reaches.
    subs = Area.objects.filter(level=Level.SUBDISTRICT)
    if area_code:
        subs = subs.filter(code__startswith=area_code)
    all_subs = list(subs.order_by("code"))
    for sub in all_subs:
        hit = rows.get(sub.code[:depth])
        if hit is not None:
            hit.subdistricts += 1
    reached_subs = {s for r in reach.values() for s in r}

    share: dict[int, dict[str, Decimal]] = {}
    for pid, sset in reach.items():
        inside = [c for c in sset if c.startswith(area_code)]
        if not sset or not inside:
            continue
        per: dict[str, int] = defaultdict(int)
        for c in inside:
            per[c[:depth]] += 1
        share[pid] = {child: Decimal(n) / Decimal(len(sset)) for child, n in per.items()}
        for child in per:
            if child in rows:
                rows[child].projects += 1

    source_names = dict(Organisation.objects.values_list("pk", "short_name"))
    long_names = dict(Organisation.objects.values_list("pk", "name_th"))
    sources: set[str] = set()
    line_rows: list[tuple[int, int | None, Decimal]] = []
    share_ids = sorted(share)
    for i in range(0, len(share_ids), 900):
        line_rows += list(
            BudgetLine.objects.filter(
                project_id__in=share_ids[i : i + 900],
                **({"fiscal_year": fiscal_year} if fiscal_year is not None else {}),
            ).values_list("project_id", "source_id", "amount")
        )
    for pid, source_id, amount in line_rows:
        label = (
            (source_names.get(source_id) or long_names.get(source_id) or "")
            if source_id
            else _("ไม่ระบุแหล่ง")
        )
        sources.add(label)
        for child, part in share[pid].items():
            hit = rows.get(child)
            if hit is None:
                continue
            value = (amount * part).quantize(Decimal("0.01"))
            hit.budget += value
            hit.by_source[label] = hit.by_source.get(label, Decimal(0)) + value
    for i in range(0, len(share_ids), 900):
        for pid, planned, reached in ProjectTarget.objects.filter(
            project_id__in=share_ids[i : i + 900]
        ).values_list("project_id", "planned", "reached"):
            for child, part in share[pid].items():
                hit = rows.get(child)
                if hit is not None:
                    hit.planned += Decimal(planned or 0) * part
                    hit.reached += Decimal(reached or 0) * part

    uncovered = [s for s in all_subs if s.code not in reached_subs]
    for sub in uncovered:
        hit = rows.get(sub.code[:depth])
        if hit is not None:
            hit.uncovered += 1

    # Response per need: share of budget over share of need.
    ordered = list(rows.values())
    total_budget = sum((r.budget for r in ordered), Decimal(0))
    total_need = sum((r.need for r in ordered if r.need is not None and r.need > 0), Decimal(0))
    for r in ordered:
        if r.need is None or r.need <= 0 or total_need <= 0:
            r.ratio = None
        elif total_budget <= 0:
            r.ratio = 0.0
        else:
            r.ratio = float((r.budget / total_budget) / (r.need / total_need))
        r.planned = r.planned.quantize(Decimal("1"))
        r.reached = r.reached.quantize(Decimal("1"))
    with_need = sorted(
        (r for r in ordered if r.need is not None), key=lambda r: (-(r.need or 0), r.area.code)
    )
    for n, r in enumerate(with_need, start=1):
        r.rank = n
        r.shade = (
            min(4, (4 * (len(with_need) - n)) // max(1, len(with_need) - 1))
            if len(with_need) > 1
            else 4
        )
    ranked = with_need + sorted((r for r in ordered if r.need is None), key=lambda r: r.area.code)

    # Themes nobody works on here.
    worked = (
        set(
            Project.themes.through.objects.filter(project_id__in=ids).values_list(
                "theme_id", flat=True
            )
        )
        if theme is None
        else set(
            Project.themes.through.objects.filter(
                project_id__in=list(
                    (
                        project_queries.visible_to(user)
                        .exclude(status=Status.CANCELLED)
                        .filter(project_queries.reaches_q(area_code))
                    ).values_list("pk", flat=True)
                )
            ).values_list("theme_id", flat=True)
        )
    )
    agenda_ids: set[int] = set()
    try:
        from saan.forums.models import AgendaGoal

        codes = [area_code[:n] for n in (2, 4, 6) if n <= len(area_code)] if area_code else []
        goals = AgendaGoal.objects.filter(theme__isnull=False)
        goals = goals.filter(agenda__area_id__in=codes) if codes else goals
        if fiscal_year is not None:
            goals = goals.filter(agenda__fiscal_year=fiscal_year)
        agenda_ids = set(goals.values_list("theme_id", flat=True))
    except Exception:  # forums not installed: no agenda themes to compare
        agenda_ids = set()
    active = list(Theme.objects.filter(Q(is_active=True) | Q(pk__in=agenda_ids)))
    idle_agenda = [t for t in active if t.pk in agenda_ids and t.pk not in worked]
    idle = [t for t in active if t.pk not in agenda_ids and t.pk not in worked]

    return Gaps(
        area=area,
        indicator=indicator,
        period=period,
        theme=theme,
        fiscal_year=fiscal_year,
        rows=ranked,
        sources=sorted(sources),
        uncovered=uncovered,
        idle_agenda_themes=idle_agenda,
        idle_themes=idle,
        total_budget=total_budget,
        total_need=total_need,
    )


def table(gaps: Gaps) -> tuple[list[str], list[list[Any]]]:
    """The ranked table as header and rows (for CSV, XLSX and the API)."""
    header = [
        _("อันดับความต้องการ"),
        _("รหัสพื้นที่"),
        _("พื้นที่"),
        _("ความต้องการ"),
        _("จำนวนโครงการ"),
        _("งบประมาณที่ถึงพื้นที่ (บาท)"),
        *[_("งบจาก %(source)s") % {"source": s} for s in gaps.sources],
        _("เป้าหมาย (คน/หน่วย)"),
        _("เข้าถึงแล้ว"),
        _("ตำบลทั้งหมด"),
        _("ตำบลที่ไม่มีโครงการ"),
        _("สัดส่วนการตอบสนองต่อความต้องการ"),
    ]
    out = []
    for r in gaps.rows:
        out.append(
            [
                r.rank,
                r.area.code,
                r.area.name_th,
                float(r.need) if r.need is not None else None,
                r.projects,
                float(r.budget),
                *[float(r.by_source.get(s, 0)) for s in gaps.sources],
                int(r.planned),
                int(r.reached),
                r.subdistricts,
                r.uncovered,
                round(r.ratio, 3) if r.ratio is not None else None,
            ]
        )
    return header, out


def to_csv(gaps: Gaps) -> bytes:
    header, rows = table(gaps)
    return csv_bytes([header, *rows])


def to_xlsx(gaps: Gaps) -> bytes:
    from openpyxl import Workbook

    header, rows = table(gaps)
    wb = Workbook()
    ws = wb.active
    ws.title = "gaps"
    ws.append(safe_row(list(header)))
    for row in rows:
        ws.append(safe_row(list(row)))
    uncovered = wb.create_sheet("uncovered")
    uncovered.append(safe_row([_("รหัสพื้นที่"), _("ตำบลที่ไม่มีโครงการ")]))
    for s in gaps.uncovered:
        uncovered.append(safe_row([s.code, s.full_name]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
