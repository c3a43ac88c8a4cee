"""Reading indicator data: the figure of an indicator for an area and a period, ranked children,
area groups, trends, comparisons and coverage, and who may see which indicator.

A *figure* comes from one of two places. At the indicator's base level (usually the subdistrict)
it is the reported ``DataValue`` itself, with its own verification state; a rate there is
recomputed from the subdistrict's numerator and denominator values. Above the base level it is
the ``Rollup`` row the value services keep fresh, with coverage (how many base areas are expected,
reported and verified). An area group (a health region, a programme phase, the whole programme)
combines its provinces' roll-up rows the same way the roll-ups combine subdistricts: sums add, a
rate is factor × Σnumerator ÷ Σdenominator, a weighted mean Σ(value × weight) ÷ Σweight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import translation
from django.utils.translation import gettext as _

from saan.areas.models import CODE_LENGTH, Area, AreaGroup, AreaGroupMember, Level
from saan.indicators import services
from saan.indicators.charts import format_value
from saan.indicators.models import (
    Aggregation,
    DataValue,
    Indicator,
    IndicatorTarget,
    Rollup,
    State,
)
from saan.indicators.periods import label as period_label
from saan.indicators.periods import period_range
from saan.partners import permissions

VERIFIED_STATES = (State.VERIFIED, State.ACCEPTED)
# Worst first: a rate is only as verified as the weaker of its two parts.
_STATE_ORDER = (State.RETURNED, State.ENTERED, State.VERIFIED, State.ACCEPTED)


def base_length(indicator: Indicator) -> int:
    """Code length of the level where the indicator's values are collected (6 for subdistricts)."""
    return CODE_LENGTH[Level(indicator.base_level)]


@dataclass
class Figure:
    """One indicator's figure for one area (``""`` is the country) or group and one period."""

    indicator: Indicator
    area_code: str
    period: str
    value: Decimal | None = None
    base: bool = False  # a reported value (or a rate of two), not a roll-up
    state: str = ""  # the value's verification state, at the base level
    value_id: int | None = None
    note: str = ""
    expected: int = 0  # base areas under the area
    reported: int = 0  # of which reported
    verified: int = 0  # of which verified or accepted
    # What combines into groups: Σvalue (a rate: Σnumerator), Σweight (a rate: Σdenominator),
    # Σ(value × weight), the smallest and largest base value.
    total: Decimal = Decimal(0)
    weight_total: Decimal = Decimal(0)
    weighted_total: Decimal = Decimal(0)
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def period_label(self) -> str:
        english = (translation.get_language() or "th").startswith("en")
        return period_label(self.period, english=english) if self.period else ""

    @property
    def display(self) -> str:
        """The value in the indicator's format ("–" when there is none)."""
        return format_value(self.indicator, self.value)

    @property
    def verified_share(self) -> float | None:
        """Per cent of the reported base areas whose value is verified or accepted."""
        return 100 * self.verified / self.reported if self.reported else None

    @property
    def coverage_share(self) -> float | None:
        return 100 * self.reported / self.expected if self.expected else None

    @property
    def state_class(self) -> str:
        """A CSS class for the verification badge."""
        if self.base:
            return f"state-{self.state}" if self.state else "state-missing"
        if not self.reported:
            return "state-missing"
        if self.verified == 0:
            return "state-entered"
        return "state-verified" if self.verified == self.reported else "state-partial"

    @property
    def state_label(self) -> str:
        """The verification state in words; "ยังไม่สอบทาน" is said, never left out."""
        if self.base:
            return str(State(self.state).label) if self.state else _("ยังไม่รายงาน")
        if not self.reported:
            return _("ยังไม่มีข้อมูล")
        if self.verified == 0:
            return _("ยังไม่สอบทาน")
        if self.verified == self.reported:
            return _("สอบทานแล้วทั้งหมด")
        share = self.verified_share or 0
        return _("สอบทานแล้ว %(share)s") % {"share": f"{share:.0f}%"}


FigureKey = tuple[int, str, str]  # (indicator id, area code, period)


# ------------------------------------------------------------------------ expected base areas

_BASE_COUNTS: dict[str, dict[str, int]] = {}


def base_counts(base_level: str) -> dict[str, int]:
    """How many base-level areas sit under every province, district and the country (``""``).
    The area tree is reference data loaded once, so the answer is kept per process."""
    cached = _BASE_COUNTS.get(base_level)
    if cached is not None:
        return cached
    qs = Area.objects.filter(level=base_level)
    counts: dict[str, int] = {"": qs.count()}
    length = CODE_LENGTH[Level(base_level)]
    for prefix in (2, 4):
        if prefix >= length:
            continue
        rows = qs.annotate(head=Substr("code", 1, prefix)).values("head").annotate(n=Count("code"))
        counts.update({r["head"]: r["n"] for r in rows})
    if counts[""]:
        _BASE_COUNTS[base_level] = counts
    return counts


def expected_under(indicator: Indicator, code: str) -> int:
    if len(code) >= base_length(indicator):
        return 1
    return base_counts(indicator.base_level).get(code, 0)


# ------------------------------------------------------------------------------- figures


def _worst(states: Iterable[str]) -> str:
    found = [s for s in states if s]
    for state in _STATE_ORDER:
        if state in found:
            return state
    return ""


def _from_rollup(indicator: Indicator, row: Rollup) -> Figure:
    return Figure(
        indicator=indicator,
        area_code=row.area_code,
        period=row.period,
        value=row.value,
        expected=row.expected,
        reported=row.reported,
        verified=row.verified,
        total=Decimal(row.total),
        weight_total=Decimal(row.weight_total),
        weighted_total=Decimal(row.weighted_total),
        minimum=row.minimum,
        maximum=row.maximum,
    )


def _base_figure(
    indicator: Indicator, code: str, period: str, values: dict[FigureKey, DataValue]
) -> Figure:
    figure = Figure(indicator=indicator, area_code=code, period=period, base=True, expected=1)
    if indicator.aggregation == Aggregation.RATIO:
        num = values.get((indicator.numerator_id or 0, code, period))
        den = values.get((indicator.denominator_id or 0, code, period))
        if num is None or den is None:
            return figure
        figure.total, figure.weight_total = num.value, den.value
        if den.value:
            figure.value = Decimal(indicator.factor) * num.value / den.value
        figure.state = _worst([num.state, den.state])
        figure.reported = 1
        figure.verified = int(num.state in VERIFIED_STATES and den.state in VERIFIED_STATES)
        return figure
    own = values.get((indicator.pk, code, period))
    if own is None:
        return figure
    figure.value = own.value
    figure.state, figure.value_id, figure.note = own.state, own.pk, own.note
    figure.reported = 1
    figure.verified = int(own.state in VERIFIED_STATES)
    figure.total = figure.minimum = figure.maximum = own.value
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN:
        weight = values.get((indicator.weight_id or 0, code, period))
        if weight is not None:
            figure.weight_total = weight.value
            figure.weighted_total = own.value * weight.value
    return figure


def figures(
    indicators: Sequence[Indicator], codes: Iterable[str], periods: Iterable[str]
) -> dict[FigureKey, Figure]:
    """Every (indicator, area code, period) figure, read with one query for roll-ups and one for
    base-level values. Areas below an indicator's base level are left out; an area without data
    gets an empty figure that still knows how many base areas it expects."""
    codes, periods = list(dict.fromkeys(codes)), list(dict.fromkeys(periods))
    ids = [i.pk for i in indicators]
    if not ids or not codes or not periods:
        return {}
    upper = [c for c in codes if any(len(c) < base_length(i) for i in indicators)]
    lower = [c for c in codes if any(len(c) == base_length(i) for i in indicators)]
    rollups: dict[FigureKey, Rollup] = {}
    if upper:
        for row in Rollup.objects.filter(
            indicator_id__in=ids, area_code__in=upper, period__in=periods, breakdown=""
        ):
            rollups[(row.indicator_id, row.area_code, row.period)] = row
    values: dict[FigureKey, DataValue] = {}
    if lower:
        part_ids = set(ids)
        for i in indicators:
            part_ids |= {j for j in (i.numerator_id, i.denominator_id, i.weight_id) if j}
        for v in DataValue.objects.filter(
            indicator_id__in=part_ids, area_id__in=lower, period__in=periods, breakdown=""
        ).only("pk", "indicator_id", "area_id", "period", "value", "state", "note"):
            values[(v.indicator_id, v.area_id, v.period)] = v
    result: dict[FigureKey, Figure] = {}
    for indicator in indicators:
        length = base_length(indicator)
        for code in codes:
            if len(code) > length:
                continue
            for period in periods:
                key = (indicator.pk, code, period)
                if len(code) == length:
                    result[key] = _base_figure(indicator, code, period, values)
                elif key in rollups:
                    result[key] = _from_rollup(indicator, rollups[key])
                else:
                    result[key] = Figure(
                        indicator=indicator,
                        area_code=code,
                        period=period,
                        expected=expected_under(indicator, code),
                    )
    return result


def figure(indicator: Indicator, code: str, period: str) -> Figure:
    """The indicator's figure for one area (``""`` for the country) and period."""
    found = figures([indicator], [code], [period])
    return found.get(
        (indicator.pk, code, period), Figure(indicator=indicator, area_code=code, period=period)
    )


def trend(indicator: Indicator, code: str, periods: Sequence[str]) -> list[Figure]:
    """The area's figure in each period, in the order given."""
    found = figures([indicator], [code], periods)
    return [
        found.get((indicator.pk, code, p), Figure(indicator=indicator, area_code=code, period=p))
        for p in periods
    ]


def combine(indicator: Indicator, parts: Sequence[Figure], *, code: str = "") -> Figure:
    """Figures of separate areas combined by the indicator's aggregation, never by averaging
    rates: what a group of provinces shows."""
    period = parts[0].period if parts else ""
    out = Figure(indicator=indicator, area_code=code, period=period)
    out.expected = sum(p.expected for p in parts)
    out.reported = sum(p.reported for p in parts)
    out.verified = sum(p.verified for p in parts)
    present = [p for p in parts if p.reported]
    out.total = sum((p.total for p in present), Decimal(0))
    out.weight_total = sum((p.weight_total for p in present), Decimal(0))
    out.weighted_total = sum((p.weighted_total for p in present), Decimal(0))
    lows = [p.minimum for p in present if p.minimum is not None]
    highs = [p.maximum for p in present if p.maximum is not None]
    out.minimum, out.maximum = (min(lows) if lows else None), (max(highs) if highs else None)
    if not present:
        return out
    agg = indicator.aggregation
    if agg == Aggregation.SUM:
        out.value = out.total
    elif agg == Aggregation.RATIO:
        if out.weight_total:
            out.value = Decimal(indicator.factor) * out.total / out.weight_total
    elif agg == Aggregation.WEIGHTED_MEAN:
        if out.weight_total:
            out.value = out.weighted_total / out.weight_total
    elif agg == Aggregation.MIN:
        out.value = out.minimum
    elif agg == Aggregation.MAX:
        out.value = out.maximum
    return out


# ---------------------------------------------------------------------------- children, ranks


def children_of(code: str) -> list[Area]:
    """The areas one level down: provinces for the country (``""``), districts for a province,
    subdistricts for a district."""
    if code == "":
        return list(Area.objects.provinces().order_by("code"))
    return list(Area.objects.filter(parent_id=code).order_by("code"))


@dataclass
class Ranked:
    rank: int | None
    area: Area
    figure: Figure


def ranked(indicator: Indicator, areas: Sequence[Area], period: str) -> list[Ranked]:
    """The areas' figures from the largest value down (areas without a value last, unranked).
    Equal values share a rank (1, 2, 2, 4)."""
    found = figures([indicator], [a.code for a in areas], [period])
    rows = [
        Ranked(
            None,
            a,
            found.get(
                (indicator.pk, a.code, period),
                Figure(indicator=indicator, area_code=a.code, period=period),
            ),
        )
        for a in areas
    ]
    with_value = sorted(
        (r for r in rows if r.figure.value is not None),
        key=lambda r: (-(r.figure.value or 0), r.area.code),
    )
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(with_value, start=1):
        if row.figure.value != previous:
            rank, previous = position, row.figure.value
        row.rank = rank
    return with_value + [r for r in rows if r.figure.value is None]


# ------------------------------------------------------------------------------- area groups


def group_codes(group: AreaGroup) -> list[str]:
    """The areas of a group and of its subgroups (a programme is the union of its phases),
    without any area that another member already contains."""
    codes = set(
        AreaGroupMember.objects.filter(Q(group=group) | Q(group__parent=group)).values_list(
            "area_id", flat=True
        )
    )
    return sorted(c for c in codes if not any(c != o and c.startswith(o) for o in codes))


def group_figures(
    indicator: Indicator, groups: Sequence[AreaGroup], period: str
) -> list[tuple[AreaGroup, Figure]]:
    members = {g.pk: group_codes(g) for g in groups}
    every = sorted({c for codes in members.values() for c in codes})
    found = figures([indicator], every, [period])
    out = []
    for group in groups:
        parts = [found[k] for c in members[group.pk] if (k := (indicator.pk, c, period)) in found]
        combined = combine(indicator, parts, code=group.slug)
        combined.period = period
        out.append((group, combined))
    return out


def group_figure(indicator: Indicator, group: AreaGroup, period: str) -> Figure:
    return group_figures(indicator, [group], period)[0][1]


def comparison_groups() -> list[AreaGroup]:
    """Groups an indicator page compares: health regions, the programme's phases and the whole
    programme, in the order administrators set."""
    return list(
        AreaGroup.objects.filter(kind__in=["health_zone", "programme", "programme_phase"]).order_by(
            "kind", "sort_order", "slug"
        )
    )


def health_zone_of(code: str) -> AreaGroup | None:
    member = (
        AreaGroupMember.objects.filter(group__kind="health_zone", area_id=code[:2])
        .select_related("group")
        .first()
    )
    return member.group if member else None


# ------------------------------------------------------------------------------- targets


def targets(
    indicators: Iterable[Indicator], codes: Iterable[str], periods: Iterable[str]
) -> dict[FigureKey, Decimal]:
    """The targets (``IndicatorTarget``) of these indicators, areas and periods, by
    (indicator id, area code, period); one query."""
    codes = [c for c in codes if c]
    periods = list(periods)
    if not codes or not periods:
        return {}
    rows = IndicatorTarget.objects.filter(
        indicator__in=[i.pk for i in indicators], area_id__in=codes, period__in=periods
    ).values_list("indicator_id", "area_id", "period", "value")
    return {(i, c, p): v for i, c, p, v in rows}


# ------------------------------------------------------------------------------- periods


def sort_periods(periods: Iterable[str]) -> list[str]:
    return sorted(set(periods), key=lambda p: period_range(p)[0])


def periods_with_data(indicators: Iterable[Indicator] | None = None) -> list[str]:
    """Periods for which any value exists (every value has a country roll-up), oldest first."""
    qs = Rollup.objects.filter(area_code="", reported__gt=0)
    if indicators is not None:
        qs = qs.filter(indicator__in=[i.pk for i in indicators])
    return sort_periods(qs.values_list("period", flat=True).distinct())


def periods_of_area(code: str) -> list[str]:
    """Periods with values reported in the area or under it, oldest first. Read from the
    stored roll-ups (one index range) and the area's own values, never by scanning every value
    under the area: at national scale that scan is millions of rows."""
    rolled = Rollup.objects.filter(area_code=code).values_list("period", flat=True).distinct()
    own = DataValue.objects.filter(area_id=code).values_list("period", flat=True).distinct()
    return sort_periods(set(rolled) | set(own))


# ------------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    """How complete and how checked an area's data is for a period."""

    expected: int = 0  # base areas (subdistricts) under the area
    reported: int = 0  # of which reported at least one value
    values: int = 0
    entered: int = 0
    verified: int = 0  # verified or accepted
    accepted: int = 0
    returned: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def verified_share(self) -> float | None:
        return 100 * self.verified / self.values if self.values else None

    @property
    def reported_share(self) -> float | None:
        return 100 * self.reported / self.expected if self.expected else None


def coverage(
    code: str, period: str, indicators: Iterable[Indicator], level: str = Level.SUBDISTRICT
) -> Coverage:
    """Reported base areas and the verification of the values of these indicators. Above the
    base level it reads the stored roll-ups (one index range, however many values lie under
    the area); ``reported`` is then the number of base areas that reported the most-reported
    of these indicators (and breakdowns). A base area counts its own few values."""
    ids = [i.pk for i in indicators if i.base_level == level]
    if len(code) >= CODE_LENGTH[Level(level)]:
        qs = DataValue.objects.filter(area_id=code, period=period, indicator__in=ids)
        rows = dict(qs.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
        return Coverage(
            expected=1,
            reported=1 if rows else 0,
            values=sum(rows.values()),
            entered=rows.get(State.ENTERED, 0),
            verified=rows.get(State.VERIFIED, 0) + rows.get(State.ACCEPTED, 0),
            accepted=rows.get(State.ACCEPTED, 0),
            returned=rows.get(State.RETURNED, 0),
            by_state=rows,
        )
    sums = Rollup.objects.filter(area_code=code, period=period, indicator__in=ids).aggregate(
        values=Sum("reported"),
        verified=Sum("verified"),
        accepted=Sum("accepted"),
        returned=Sum("returned"),
        reported=Max("reported"),
    )
    values = sums["values"] or 0
    verified, accepted, returned = (sums[k] or 0 for k in ("verified", "accepted", "returned"))
    entered = values - verified - returned
    by_state = {
        k: n
        for k, n in (
            (State.ENTERED.value, entered),
            (State.VERIFIED.value, verified - accepted),
            (State.ACCEPTED.value, accepted),
            (State.RETURNED.value, returned),
        )
        if n
    }
    return Coverage(
        expected=base_counts(level).get(code, 0),
        reported=sums["reported"] or 0,
        values=values,
        entered=entered,
        verified=verified,
        accepted=accepted,
        returned=returned,
        by_state=by_state,
    )


# ------------------------------------------------------------------------------- who sees what


def has_any_grant(user: Any) -> bool:
    return permissions.is_admin(user) or bool(permissions.grants(user))


def catalogue_for(user: Any) -> QuerySet[Indicator]:
    """Indicators a user may know about: public ones, and to members of any organisation also
    those kept for partners (whose figures each area's members see)."""
    qs = Indicator.objects.select_related(
        "theme", "owner", "numerator", "denominator", "weight"
    ).order_by("sort_order", "code")
    return qs if has_any_grant(user) else qs.filter(is_public=True)


def may_see(user: Any, indicator: Indicator, code: str) -> bool:
    """Whether the user may see this indicator's figure for the area (``""`` the country): a
    public indicator everywhere, a partners-only one where a grant of the user reaches."""
    return indicator.is_public or permissions.member_of_area(user, code)


def reach(user: Any, *, public: bool = False) -> Callable[[str], bool]:
    """A test of area codes against the user's grants, read once (every area passes for a
    public indicator)."""
    if public or permissions.is_admin(user):
        return lambda code: True
    codes = [g.area_code for g in permissions.grants(user)]
    return lambda code: any(code.startswith(c) for c in codes)


def indicators_for(
    user: Any, code: str, catalogue: Iterable[Indicator] | None = None
) -> list[Indicator]:
    """Indicators whose figures the user may see for the area (of ``catalogue``, when the
    caller has already read ``catalogue_for(user)``)."""
    member = permissions.member_of_area(user, code)
    known = catalogue_for(user) if catalogue is None else catalogue
    return [i for i in known if i.is_public or member]


def values_under_q(code: str) -> Q:
    """Values in area ``code`` or anywhere under it. Area codes are digit strings, so the prefix
    test is a range, which the values table's area index answers (``LIKE 'xx%'`` would need a
    pattern index the slim values table does not have)."""
    return Q(area_id__gte=code, area_id__lte=code + "9" * max(6 - len(code), 0))


def values_visible_q(user: Any) -> Q:
    """Values a user may read: every value of a public indicator, and of the others those in
    areas a grant of the user reaches."""
    if permissions.is_admin(user):
        return ~Q(pk__in=[])
    q = Q(indicator__is_public=True)
    for g in permissions.grants(user):
        q |= values_under_q(g.area_code) if g.area_code else ~Q(pk__in=[])
    return q


def may_work_on(user: Any, code: str) -> bool:
    """Whether the user may enter, verify or accept anything in the area (editors and
    coordinators whose grant covers it, administrators)."""
    return services.can_enter(user, code)
