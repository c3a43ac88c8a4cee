"""Indicator pages: the catalogue, one indicator across the country, the picture of an area
(ภาพข้อมูลพื้นที่) and the volunteer's verification page. Thin: reads come from ``queries``,
drawing from ``charts``, writes go through ``services``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saan.areas.models import Area, AreaGroup, Level
from saan.areas.overview import province_tiles, tile_layout
from saan.core import fragments
from saan.core.pages import get_or_404, page
from saan.core.thai import fiscal_year, normalise_digits
from saan.indicators import charts, queries, services
from saan.indicators.forms import NoteForm, ReturnForm, ValueForm
from saan.indicators.models import (
    Aggregation,
    DataValue,
    Indicator,
    RollupVersion,
    Source,
    State,
)
from saan.indicators.periods import (
    fiscal_year_period,
    label,
    period_range,
    period_type_of,
    short_label,
)


def _english(request: HttpRequest) -> bool:
    return (getattr(request, "LANGUAGE_CODE", "th") or "th").startswith("en")


def _period_label(request: HttpRequest, period: str) -> str:
    return label(period, english=_english(request))


def _choose_period(request: HttpRequest, periods: list[str]) -> str | None:
    wanted = normalise_digits(request.GET.get("period", "")).strip()
    if wanted in periods:
        return wanted
    return periods[-1] if periods else None


def _area_or_404(code: str) -> Area:
    area = Area.objects.select_related("parent").filter(code=normalise_digits(code)).first()
    if area is None:
        raise Http404
    return area


def _is_wellbeing(indicator: Indicator) -> bool:
    return indicator.source == Source.HAPPINESS or indicator.dimension in charts.DIMENSIONS


# ------------------------------------------------------------------------------- catalogue


@dataclass
class Entry:
    indicator: Indicator
    explanation: str
    bands: list[charts.Band]
    dimension: str = ""


def catalogue(request: HttpRequest) -> HttpResponse:
    """Every indicator grouped by theme, the well-being index and its dimensions together."""
    basics: list[Entry] = []
    wellbeing: list[Entry] = []
    by_theme: dict[int, tuple[Any, list[Entry]]] = {}
    for indicator in queries.catalogue_for(request.user):
        entry = Entry(
            indicator,
            charts.explain_aggregation(indicator),
            charts.bands(indicator) if indicator.thresholds else [],
            charts.dimension_label(indicator.dimension) if indicator.dimension else "",
        )
        if _is_wellbeing(indicator):
            wellbeing.append(entry)
        elif indicator.theme is None:
            basics.append(entry)
        else:
            by_theme.setdefault(indicator.theme.pk, (indicator.theme, []))[1].append(entry)
    sections: list[tuple[str, list[Entry]]] = []
    if basics:
        sections.append((_("ข้อมูลพื้นฐานของพื้นที่"), basics))
    for theme, entries in sorted(by_theme.values(), key=lambda t: (t[0].sort_order, t[0].slug)):
        sections.append((theme.name, entries))
    if wellbeing:
        sections.append((_("ความสุขและความอยู่ดีมีสุข 6 มิติ"), wellbeing))
    return page(
        request,
        "indicators/catalogue.html",
        {"sections": sections, "dimensions": charts.DIMENSIONS},
    )


# ------------------------------------------------------------------------ one indicator, country


@dataclass
class TileCell:
    tile: Any
    figure: queries.Figure | None  # None: the user may not see this province's figure
    band: charts.Band | None

    @property
    def display(self) -> str:
        return charts.format_value(self.figure.indicator, self.figure.value) if self.figure else ""


def detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_or_404(queries.catalogue_for(request.user), code=code)
    periods = queries.periods_with_data([indicator])
    period = _choose_period(request, periods)
    tiles, phases = province_tiles()
    sees = queries.reach(request.user, public=indicator.is_public)
    found = (
        queries.figures([indicator], ["", *(t.area.code for t in tiles)], [period])
        if period
        else {}
    )

    def visible(area_code: str) -> queries.Figure | None:
        return found.get((indicator.pk, area_code, period or "")) if sees(area_code) else None

    shown = [f for t in tiles if (f := visible(t.area.code)) is not None]
    legend = charts.bands(indicator, [f.value for f in shown])
    cells = [
        TileCell(t, f, charts.band_of(legend, f.value if f else None))
        for t in tiles
        for f in [visible(t.area.code)]
    ]
    ranked = (
        queries.ranked(indicator, [t.area for t in tiles if sees(t.area.code)], period)
        if period
        else []
    )
    goals = queries.targets([indicator], [r.area.code for r in ranked], [period or ""])
    rows = [
        (
            r,
            charts.band_of(legend, r.figure.value),
            charts.format_value(indicator, target) if target is not None else None,
            charts.on_track(indicator, r.figure.value, target),
        )
        for r in ranked
        for target in [goals.get((indicator.pk, r.area.code, period or ""))]
    ]
    groups = (
        queries.group_figures(indicator, queries.comparison_groups(), period)
        if period and sees("")
        else []
    )
    return page(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "explanation": charts.explain_aggregation(indicator),
            "period": period,
            "period_label": _period_label(request, period) if period else "",
            "periods": [(p, _period_label(request, p)) for p in reversed(periods)],
            "cells": cells,
            "columns": tile_layout()["columns"],
            "legend": legend,
            "rows": rows,
            "has_targets": bool(goals),
            "groups": [(g, f, charts.band_of(legend, f.value)) for g, f in groups],
            "country": visible(""),
            "phases": phases,
            "partial_view": not indicator.is_public,
        },
    )


# ------------------------------------------------------------------------------- area picture


@dataclass
class Column:
    """One place the picture compares: the area itself, the areas above it, a health region,
    the country."""

    label: str
    code: str  # an area code, "" for the country, or a group's slug
    group: AreaGroup | None = None
    codes: tuple[str, ...] = ()  # a group's member areas


@dataclass
class Cell:
    figure: queries.Figure | None  # None: not for this user's eyes
    band: charts.Band | None = None
    label: str = ""  # the column's place, for the stacked table on a phone

    @property
    def display(self) -> str:
        return charts.format_value(self.figure.indicator, self.figure.value) if self.figure else ""


@dataclass
class Row:
    indicator: Indicator
    cells: list[Cell]
    previous: queries.Figure | None
    change: str  # better / worse / same / ""
    target: Decimal | None = None  # the area's target for the period
    on_track: str = ""  # on / off / "" (charts.on_track)

    @property
    def target_display(self) -> str:
        return charts.format_value(self.indicator, self.target) if self.target is not None else ""

    @property
    def own(self) -> Cell:
        return self.cells[0]

    @property
    def arrow(self) -> str:
        """↑ or ↓ from the previous period to this one (→ unchanged, "" unknown)."""
        now = self.cells[0].figure
        if now is None or now.value is None or self.previous is None:
            return ""
        if self.previous.value is None:
            return ""
        if self.change == "incomparable":
            return "≠"
        if now.value == self.previous.value:
            return "→"
        return "↑" if now.value > self.previous.value else "↓"


def _columns(area: Area) -> list[Column]:
    cols = [Column(area.full_name, area.code)]
    for above in reversed(area.ancestors()):
        cols.append(Column(above.full_name, above.code))
    if area.level == Level.PROVINCE:
        zone = queries.health_zone_of(area.code)
        if zone is not None:
            cols.append(Column(zone.name, zone.slug, zone, tuple(queries.group_codes(zone))))
    cols.append(Column(_("ทั้งประเทศ"), ""))
    return cols


PICTURE_VERSION = 2  # bump when the picture's templates, drawing or cached parts change
PICTURE_SECONDS = 600  # also bounds how long a change made outside the services stays unseen


@lru_cache(maxsize=8)
def _versions_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT 0, {q('token')}, {q('counter')}, NULL "  # noqa: S608 (names from models)
        f"FROM {q(RollupVersion._meta.db_table)} WHERE {q('id')} = 1 UNION ALL "
        f"SELECT 1, NULL, {q('id')}, {q('is_public')} FROM {q(Indicator._meta.db_table)} "
        "ORDER BY 1, 3"
    )


def _picture_versions() -> tuple[tuple[str, int], tuple[tuple[int, bool], ...]]:
    """What the picture's cache key needs from the database, in one statement written once per
    database (the repeat view must be cheap): the roll-up version (as ``rollups.version()``:
    token and counter, ("", 0) before any change; every committed change of values moves it)
    and every indicator's primary key with its publicity, so a change of who may see an
    indicator is seen at once, also when it was made with a plain ``UPDATE``."""
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(connection.vendor))
        rows = cursor.fetchall()
    version: tuple[str, int] = ("", 0)
    catalogue = []
    for kind, token, number, public in rows:
        if kind == 0:
            version = (token, number)
        else:
            catalogue.append((number, bool(public)))
    return version, tuple(catalogue)


def picture(request: HttpRequest, code: str) -> HttpResponse:
    """ภาพข้อมูลพื้นที่: the area's key figures for a fiscal year beside the areas above it, the
    trend, the well-being dimensions, its children ranked, and how complete and checked the
    data is. Fits an A4 page when printed."""
    user = request.user
    part = bool(getattr(request, "htmx", None)) and request.GET.get("part") == "children"
    # Everything below is drawn from the area, roll-ups, values and targets, for what this
    # user may see: kept in the cache under the roll-up version (which every committed change
    # moves), the request's options, the user's grants (all that decides what the user sees
    # and may do here) and the catalogue's indicators with their publicity, so a repeat request
    # is one statement for the versions, the user's grants and a cache read, and builds
    # nothing (not even the area and its ancestors, kept with the content).
    versions, catalogue = _picture_versions()

    def build() -> tuple[str, Any, Area, list[Area]]:
        area = _area_or_404(code)
        known = list(queries.catalogue_for(user))
        indicators = queries.indicators_for(user, area.code, known)
        works_here = area.level != Level.PROVINCE and queries.may_work_on(user, area.code)
        roles = (
            works_here and area.level == Level.SUBDISTRICT,
            works_here and area.level == Level.DISTRICT,
        )
        drawn, period = _picture_content(
            request,
            area,
            indicators,
            _columns(area),
            queries.reach(user),
            roles,
            len(known) - len(indicators),
            part,
        )
        return drawn, period, area, area.ancestors()

    # The key: the versions above, the viewer's grants, the language, the query and the day
    # (``core.fragments``, as the register's pages).
    found = fragments.cached(
        "indicators:picture",
        build,
        versions=[versions, catalogue],
        user=user,
        params=request.GET.items(),
        today=True,
        extra=(normalise_digits(code), part),
        revision=PICTURE_VERSION,
        seconds=PICTURE_SECONDS,
    )
    content, period, area, ancestors = found
    if part:
        return HttpResponse(content)
    return page(
        request,
        "indicators/picture.html",
        {
            "area": area,
            "ancestors": ancestors,
            "period": period,
            "content": mark_safe(content),
        },
    )


def _picture_content(
    request: HttpRequest,
    area: Area,
    indicators: list[Indicator],
    columns: list[Column],
    sees_area: Any,
    rights: tuple[bool, bool],
    hidden_count: int,
    part: bool,
) -> tuple[str, str | None]:
    """The picture's content (or, for htmx, the children's part) as HTML, and its period."""
    key = [i for i in indicators if not i.dimension]
    dims = [i for i in indicators if i.dimension in charts.DIMENSIONS]
    periods = queries.periods_of_area(area.code) or queries.periods_with_data(indicators)
    period = _choose_period(request, periods)

    def allowed(indicator: Indicator, column: Column) -> bool:
        if indicator.is_public:
            return True
        if column.group is not None:
            return all(sees_area(c) for c in column.codes)
        return sees_area(column.code)

    area_codes = [c.code for c in columns if c.group is None]
    found = queries.figures(indicators, area_codes, periods) if period else {}
    group_parts: dict[str, dict[queries.FigureKey, queries.Figure]] = {}
    for column in columns:
        if column.group is not None and period:
            group_parts[column.code] = queries.figures(indicators, column.codes, [period])

    def cell(indicator: Indicator, column: Column, when: str) -> queries.Figure | None:
        if not allowed(indicator, column):
            return None
        if column.group is not None:
            parts = group_parts.get(column.code, {})
            pieces = [f for c in column.codes if (f := parts.get((indicator.pk, c, when)))]
            combined = queries.combine(indicator, pieces, code=column.code)
            combined.period = when
            return combined
        return found.get(
            (indicator.pk, column.code, when),
            queries.Figure(indicator=indicator, area_code=column.code, period=when),
        )

    previous = None
    if period and periods.index(period) > 0:
        previous = periods[periods.index(period) - 1]

    def row(indicator: Indicator) -> Row:
        cells = []
        for column in columns:
            fig = cell(indicator, column, period) if period else None
            legend = charts.bands(indicator) if indicator.thresholds else []
            band = charts.band_of(legend, fig.value) if fig else None
            cells.append(Cell(fig, band, column.label))
        before = cell(indicator, columns[0], previous) if previous else None
        now = cells[0].figure
        change = charts.direction(
            indicator, now.value if now else None, before.value if before else None
        )
        if (
            now is not None
            and before is not None
            and not now.base
            and not charts.comparable(indicator)
            and now.reported != before.reported
        ):
            # A total over a different number of reporting subdistricts: not a change.
            change = "incomparable"
        target = goals.get((indicator.pk, area.code, period or ""))
        value = cells[0].figure.value if cells[0].figure else None
        return Row(
            indicator, cells, before, change, target, charts.on_track(indicator, value, target)
        )

    goals = queries.targets(indicators, [area.code], periods)
    rows = [row(i) for i in key]
    dim_rows = [row(i) for i in dims]

    # Trends: rates and means drawn against the province and the country; totals in the table.
    labels = [short_label(p, english=_english(request)) for p in periods]
    trend_columns = [columns[0]]
    if area.level != Level.PROVINCE:
        trend_columns.append(next(c for c in columns if len(c.code) == 2 and c.group is None))
    trend_columns.append(columns[-1])
    chart_list = []
    for indicator in key:
        if not charts.comparable(indicator) or not period:
            continue
        series = []
        for column in trend_columns:
            if not allowed(indicator, column):
                continue
            values = []
            for p in periods:
                f = found.get((indicator.pk, column.code, p))
                values.append(float(f.value) if f and f.value is not None else None)
            series.append((column.label, values))
        goal = [
            float(t) if (t := goals.get((indicator.pk, area.code, p))) is not None else None
            for p in periods
        ]
        if any(v is not None for _name, vs in series for v in vs):
            chart_list.append((indicator, charts.trend_chart(indicator, labels, series, goal)))
    trend_table = [
        (
            indicator,
            [
                found.get(
                    (indicator.pk, area.code, p),
                    queries.Figure(indicator=indicator, area_code=area.code, period=p),
                )
                for p in periods
            ],
        )
        for indicator in key
    ]

    dim_chart = None
    if dim_rows and period:
        series = []
        for index in (0, len(columns) - 1):
            column = columns[index]
            values = []
            for r in dim_rows:
                f = r.cells[index].figure
                values.append(float(f.value) if f and f.value is not None else None)
            series.append((column.label, values))
        if any(v is not None for _name, vs in series for v in vs):
            dim_chart = charts.dimension_chart(
                [charts.dimension_label(r.indicator.dimension) for r in dim_rows],
                series,
                _("ความสุขรายมิติ"),
            )

    children = _children_context(request, area, indicators, period)
    if part:
        html = render_to_string(
            "indicators/_children.html", {"area": area, **children}, request=request
        )
        return html, period

    stored = [i for i in indicators if i.aggregation != Aggregation.RATIO]
    cover = queries.coverage(area.code, period, stored) if period else queries.Coverage()
    html = render_to_string(
        "indicators/_picture_content.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "period": period,
            "period_label": _period_label(request, period) if period else "",
            "periods": [(p, _period_label(request, p)) for p in reversed(periods)],
            "columns": columns,
            "rows": rows,
            "dim_rows": dim_rows,
            "dim_chart": dim_chart,
            "charts": chart_list,
            "trend_periods": [_period_label(request, p) for p in periods],
            "trend_table": trend_table,
            "coverage": cover,
            "verified_pct": (
                f"{cover.verified_share:.0f}%" if cover.verified_share is not None else "–"
            ),
            "base_word": charts.level_word(Level.SUBDISTRICT),
            "previous_label": _period_label(request, previous) if previous else "",
            "can_verify": rights[0],
            "can_review": rights[1],
            "hidden_count": hidden_count,
            "now": timezone.now(),
            **children,
        },
        request=request,
    )
    return html, period


def _children_context(
    request: HttpRequest, area: Area, indicators: list[Indicator], period: str | None
) -> dict[str, Any]:
    if area.level == Level.SUBDISTRICT or not period:
        return {"child_rows": [], "child_indicator": None, "child_choices": []}
    choices = indicators  # already those the user may see here, and so under here
    wanted = request.GET.get("indicator", "")
    chosen = next((i for i in choices if i.code == wanted), None)
    if chosen is None:
        comparable = [i for i in choices if charts.comparable(i)]
        chosen = next(iter(comparable or choices), None)
    if chosen is None:
        return {"child_rows": [], "child_indicator": None, "child_choices": []}
    rows = queries.ranked(chosen, queries.children_of(area.code), period)
    legend = charts.bands(chosen, [r.figure.value for r in rows])
    top = max((abs(r.figure.value) for r in rows if r.figure.value is not None), default=None)
    child_rows = [
        {
            "rank": r.rank,
            "area": r.area,
            "figure": r.figure,
            "display": charts.format_value(chosen, r.figure.value),
            "band": charts.band_of(legend, r.figure.value),
            "bar": (
                float(100 * abs(r.figure.value) / top) if top and r.figure.value is not None else 0
            ),
        }
        for r in rows
    ]
    return {
        "child_rows": child_rows,
        "child_indicator": chosen,
        "child_choices": choices,
        "child_legend": legend,
        "child_period": period,
    }


# ------------------------------------------------------------------------------- verification


@dataclass
class Card:
    """One value on the volunteer's page, with the buttons this user may press."""

    indicator: Indicator
    period: str
    value: DataValue | None
    can_enter: bool
    can_verify: bool
    can_accept: bool
    can_return: bool
    message: str = ""
    error: str = ""
    conflict: str = ""  # the number typed when an accepted value would have to be reopened
    open_form: str = ""  # the form to show open again after an error

    @property
    def display(self) -> str:
        return charts.format_value(self.indicator, self.value.value if self.value else None)

    @property
    def state(self) -> str:
        return self.value.state if self.value else ""

    @property
    def state_label(self) -> str:
        return self.value.get_state_display() if self.value else _("ยังไม่รายงาน")

    @property
    def raw(self) -> str:
        """The stored number as plain digits for the correction field: 1200, 12.5."""
        if self.value is None:
            return ""
        text = format(self.value.value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text

    @property
    def anchor(self) -> str:
        return f"card-{self.indicator.code}"


def _current_period() -> str:
    return fiscal_year_period(fiscal_year(timezone.localdate()))


def _verify_area(request: HttpRequest, code: str) -> Area:
    """The subdistrict, for someone who may do something there; 404 for everyone else."""
    area = _area_or_404(code)
    if area.level != Level.SUBDISTRICT or not queries.may_work_on(request.user, area.code):
        raise Http404
    return area


def _stored_indicators(user: Any, area: Area) -> list[Indicator]:
    return [
        i
        for i in queries.indicators_for(user, area.code)
        if i.aggregation != Aggregation.RATIO and i.base_level == Level.SUBDISTRICT
    ]


def _cards(user: Any, area: Area, period: str, only: Indicator | None = None) -> list[Card]:
    indicators = [only] if only is not None else _stored_indicators(user, area)
    values = {
        v.indicator_id: v
        for v in DataValue.objects.filter(
            area=area, period=period, breakdown="", indicator__in=[i.pk for i in indicators]
        ).select_related("indicator", "state_by", "entered_by")
    }
    enter = services.can_enter(user, area.code)
    cards = []
    for indicator in indicators:
        value = values.get(indicator.pk)
        verify = accept = give_back = False
        if value is not None:
            accept_right = services.can_accept(user, value)
            owner_lane = services._owner_member(user, indicator, area.code)
            verify = value.state in (State.ENTERED, State.RETURNED) and services.can_verify(
                user, value
            )
            accept = accept_right and (
                value.state == State.VERIFIED or (owner_lane and value.state != State.ACCEPTED)
            )
            give_back = accept_right and value.state != State.RETURNED
        cards.append(Card(indicator, period, value, enter, verify, accept, give_back))
    return cards


def _verify_periods(area: Area) -> tuple[list[str], str]:
    current = _current_period()
    have = queries.periods_of_area(area.code)
    periods = queries.sort_periods([*have, current])
    start = period_range(current)[0]
    earlier = [p for p in have if period_range(p)[0] <= start]
    return periods, (earlier[-1] if earlier else current)


@login_required
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The volunteer's page on a phone: this year's figures of the subdistrict, one per card."""
    area = _verify_area(request, code)
    periods, default = _verify_periods(area)
    wanted = normalise_digits(request.GET.get("period", "")).strip()
    period = wanted if wanted in periods else default
    return _verify_page(request, area, period, periods, _cards(request.user, area, period))


def _verify_page(
    request: HttpRequest,
    area: Area,
    period: str,
    periods: list[str],
    cards: list[Card],
    status: int = 200,
) -> HttpResponse:
    counts: dict[str, int] = {}
    for c in cards:
        counts[c.state or "missing"] = counts.get(c.state or "missing", 0) + 1
    return page(
        request,
        "indicators/verify.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "period": period,
            "period_label": _period_label(request, period),
            "periods": [(p, _period_label(request, p)) for p in reversed(periods)],
            "cards": cards,
            "counts": counts,
        },
        status=status,
    )


ACTIONS = ("verify", "accept", "return", "set")


@login_required
@require_POST
def verify_action(request: HttpRequest, code: str, indicator: str, action: str) -> HttpResponse:
    """One button on a card. htmx gets the card back to swap in place; without JavaScript the
    page reloads with a message."""
    area = _verify_area(request, code)
    if action not in ACTIONS:
        raise Http404
    found = next((i for i in _stored_indicators(request.user, area) if i.code == indicator), None)
    if found is None:
        raise Http404
    period = normalise_digits(request.POST.get("period", "")).strip()
    if period_type_of(period) != found.period_type:
        raise Http404
    value = DataValue.objects.filter(
        indicator=found, area=area, period=period, breakdown=""
    ).first()
    if value is None and action != "set":
        raise Http404
    message = error = conflict = open_form = ""
    try:
        if action == "verify" and value is not None:
            note_form = NoteForm(request.POST)
            note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
            services.value_verify(actor=request.user, value=value, note=note)
            message = _("บันทึกการสอบทานแล้ว")
        elif action == "accept" and value is not None:
            note_form = NoteForm(request.POST)
            note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
            services.value_accept(actor=request.user, value=value, note=note)
            message = _("รับรองแล้ว")
        elif action == "return" and value is not None:
            return_form = ReturnForm(request.POST)
            if not return_form.is_valid():
                raise ValidationError([e for errors in return_form.errors.values() for e in errors])
            services.value_return(
                actor=request.user, value=value, reason=return_form.cleaned_data["reason"]
            )
            message = _("ส่งกลับให้แก้ไขแล้ว")
        elif action == "set":
            value_form = ValueForm(request.POST)
            if not value_form.is_valid():
                raise ValidationError([e for errors in value_form.errors.values() for e in errors])
            data = value_form.cleaned_data
            services.value_set(
                actor=request.user,
                indicator=found,
                area=area,
                period=period,
                value=data["value"],
                note=data["note"],
                reopen=data["reopen"],
            )
            message = _("บันทึกค่าแล้ว รอการสอบทาน")
    except services.AcceptedValueConflict as exc:
        error, conflict = str(exc), request.POST.get("value", "")
    except ValidationError as exc:
        error = " ".join(exc.messages)
        open_form = "return" if action == "return" else ("set" if action == "set" else "")
    except PermissionDenied as exc:
        error = str(exc) or _("คุณไม่มีสิทธิ์ทำรายการนี้")
    card = _cards(request.user, area, period, only=found)[0]
    card.message, card.error, card.conflict, card.open_form = message, error, conflict, open_form
    if getattr(request, "htmx", None):
        return render(request, "indicators/_card.html", {"card": card, "area": area})
    if error:
        periods, _default = _verify_periods(area)
        cards = [
            card if c.indicator.pk == found.pk else c for c in _cards(request.user, area, period)
        ]
        return _verify_page(request, area, period, periods, cards)
    messages.success(request, f"{found.name}: {message}")
    url = reverse("indicators:verify", args=[area.code])
    return redirect(f"{url}?period={period}#{card.anchor}")


# ------------------------------------------------------------------ district: pending values

BULK_ACTIONS = ("verify", "accept", "return")


@dataclass
class PendingRow:
    value: DataValue
    can_verify: bool
    can_accept: bool

    @property
    def display(self) -> str:
        return charts.format_value(self.value.indicator, self.value.value)


def _district_area(request: HttpRequest, code: str) -> Area:
    """The district, for someone who may work in it (its coordinator or editor, a province
    coordinator above it, an administrator); 404 for everyone else."""
    area = _area_or_404(code)
    if area.level != Level.DISTRICT or not queries.may_work_on(request.user, area.code):
        raise Http404
    return area


def _pending(user: Any, area: Area, period: str) -> list[PendingRow]:
    """The district's subdistrict values waiting for someone: entered or returned (to verify)
    and verified (to accept), of the indicators this user may see, by subdistrict."""
    visible = [i.pk for i in _stored_indicators(user, area)]
    values = (
        DataValue.objects.filter(
            queries.values_under_q(area.code),
            area__level=Level.SUBDISTRICT,
            period=period,
            breakdown="",
            indicator__in=visible,
            state__in=[State.ENTERED, State.RETURNED, State.VERIFIED],
        )
        .select_related("indicator", "area", "entered_by")
        .order_by("area_id", "indicator__sort_order", "indicator__code")
    )
    return [
        PendingRow(
            v,
            v.state in (State.ENTERED, State.RETURNED) and services.can_verify(user, v),
            v.state == State.VERIFIED and services.can_accept(user, v),
        )
        for v in values
    ]


@login_required
def pending(request: HttpRequest, code: str) -> HttpResponse:
    """ค่าที่รอสอบทานทั้งอำเภอ: every pending value of the district's subdistricts on one page,
    several verified, accepted or returned at once (each through the value services, each
    audited; all or none)."""
    area = _district_area(request, code)
    periods, default = _verify_periods(area)
    source = request.POST if request.method == "POST" else request.GET
    wanted = normalise_digits(source.get("period", "")).strip()
    period = wanted if wanted in periods else default
    error = ""
    if request.method == "POST":
        error = _bulk_action(request, area, period)
        if not error:
            url = reverse("indicators:pending", args=[area.code])
            return redirect(f"{url}?period={period}")
    rows = _pending(request.user, area, period)
    groups: dict[str, list[PendingRow]] = {}
    for r in rows:
        groups.setdefault(r.value.area_id, []).append(r)
    return page(
        request,
        "indicators/pending.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "period": period,
            "period_label": _period_label(request, period),
            "periods": [(p, _period_label(request, p)) for p in reversed(periods)],
            "groups": [(rs[0].value.area, rs) for rs in groups.values()],
            "count": len(rows),
            "error": error,
            "chosen": set(request.POST.getlist("value")) if request.method == "POST" else set(),
            "reason": request.POST.get("reason", "") if request.method == "POST" else "",
        },
        status=400 if error else 200,
    )


def _bulk_action(request: HttpRequest, area: Area, period: str) -> str:
    """Apply the chosen action to the chosen values; "" when done, else why nothing was."""
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        return _("กรุณาเลือกการดำเนินการ")
    wanted = {v for v in request.POST.getlist("value") if v.isdigit()}
    rows = {str(r.value.pk): r for r in _pending(request.user, area, period)}
    chosen = [rows[v] for v in sorted(wanted, key=int) if v in rows]
    if not chosen or len(chosen) != len(wanted):
        return _("กรุณาเลือกค่าที่รอดำเนินการในอำเภอนี้อย่างน้อยหนึ่งค่า")
    reason = request.POST.get("reason", "").strip()
    if action == "return" and not reason:
        return _("กรุณาระบุเหตุผลที่ส่งกลับ")
    note = request.POST.get("note", "").strip()
    done = 0
    try:
        with transaction.atomic():
            for r in chosen:
                v = r.value
                if action == "verify":
                    services.value_verify(actor=request.user, value=v, note=note)
                elif action == "accept":
                    services.value_accept(actor=request.user, value=v, note=note)
                else:
                    services.value_return(actor=request.user, value=v, reason=reason)
                done += 1
    except (ValidationError, PermissionDenied) as exc:
        r = chosen[done]
        why = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _("ไม่ได้บันทึกรายการใดเลย: %(area)s %(indicator)s: %(why)s") % {
            "area": r.value.area.full_name,
            "indicator": r.value.indicator.name,
            "why": why or _("คุณไม่มีสิทธิ์ทำรายการนี้"),
        }
    labels = {
        "verify": _("สอบทานแล้ว %(n)d ค่า"),
        "accept": _("รับรองแล้ว %(n)d ค่า"),
        "return": _("ส่งกลับให้แก้ไขแล้ว %(n)d ค่า"),
    }
    messages.success(request, labels[action] % {"n": done})
    return ""
