"""Roll-ups: base-level values combined into districts, provinces and the country, by the
indicator's aggregation, with coverage (how many base areas reported, how many verified).

``refresh`` recomputes the roll-up rows for a set of (indicator, period) pairs, optionally only
above given base areas, with one grouped query per level; the value services call it inside the
transaction that changed the values, so no reader ever sees a stale ancestor. Ratio indicators
are refreshed from their numerator's and denominator's roll-ups; indicators that use a changed
indicator as numerator, denominator or weight are refreshed with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr

from saan.areas.models import CODE_LENGTH, Area, Level
from saan.indicators.models import Aggregation, DataValue, Indicator, Rollup, State

VERIFIED_STATES = (State.VERIFIED, State.ACCEPTED)
_MONEY = DecimalField(max_digits=30, decimal_places=6)


def _levels_above(base_level: str) -> list[int]:
    """Code lengths of the roll-up levels above a base level: subdistrict → [4, 2, 0]."""
    base = CODE_LENGTH[Level(base_level)]
    return [n for n in (4, 2, 0) if n < base]


_COUNTS: dict[tuple[str, int], tuple[int, dict[str, int]]] = {}


def _expected_counts(base_level: str, length: int, prefixes: set[str] | None) -> dict[str, int]:
    """How many base-level areas lie under each prefix of ``length`` digits. The grouped counts
    are kept per process and rebuilt when the number of base areas changes (a new area tree)."""
    base = Area.objects.filter(level=base_level)
    total = base.count()
    cached = _COUNTS.get((base_level, length))
    if cached is None or cached[0] != total:
        if length == 0:
            counts = {"": total}
        else:
            rows = (
                base.annotate(head=Substr("code", 1, length))
                .values("head")
                .annotate(n=Count("code"))
            )
            counts = {r["head"]: r["n"] for r in rows}
        cached = (total, counts)
        _COUNTS[(base_level, length)] = cached
    counts = cached[1]
    if prefixes is None:
        return counts
    return {p: counts.get(p, 0) for p in prefixes}


def dependents(indicator_ids: Iterable[int]) -> set[int]:
    """The indicators whose roll-ups depend on these (as numerator, denominator or weight),
    transitively, plus the indicators themselves."""
    found = set(indicator_ids)
    frontier = set(found)
    while frontier:
        more = set(
            Indicator.objects.filter(
                Q(numerator__in=frontier) | Q(denominator__in=frontier) | Q(weight__in=frontier)
            ).values_list("pk", flat=True)
        )
        frontier = more - found
        found |= more
    return found


def refresh(pairs: Iterable[tuple[int, str]], *, base_codes: Iterable[str] | None = None) -> int:
    """Recompute roll-ups for (indicator id, period) pairs and their dependents. With
    ``base_codes`` only the ancestors of those areas are recomputed (a single correction);
    without, every roll-up of the pairs (an import). Returns the number of rows written."""
    pairs = set(pairs)
    ids = dependents(i for i, _ in pairs)
    periods = {p for _, p in pairs}
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=ids)}
    # Plain indicators first, then ratios, which read their parts' fresh roll-ups.
    ordered = sorted(indicators.values(), key=lambda i: (i.aggregation == Aggregation.RATIO, i.pk))
    codes = set(base_codes) if base_codes is not None else None
    written = 0
    for indicator in ordered:
        for period in sorted(periods):
            if indicator.aggregation == Aggregation.RATIO:
                written += _refresh_ratio(indicator, period, codes)
            else:
                written += _refresh_plain(indicator, period, codes)
    return written


def _prefixes(codes: set[str] | None, length: int) -> set[str] | None:
    return None if codes is None else {c[:length] for c in codes}


def _refresh_plain(indicator: Indicator, period: str, codes: set[str] | None) -> int:
    base = DataValue.objects.filter(
        indicator=indicator, period=period, area__level=indicator.base_level
    )
    weight_id = indicator.weight_id
    weighted = indicator.aggregation == Aggregation.WEIGHTED_MEAN and weight_id is not None
    if weighted and weight_id is not None:
        weight = DataValue.objects.filter(
            indicator_id=weight_id,
            area=OuterRef("area"),
            period=OuterRef("period"),
            breakdown="",
        ).values("value")[:1]
        base = base.annotate(w=Subquery(weight, output_field=_MONEY))
    rows: list[Rollup] = []
    stale = Q()  # a full refresh replaces every roll-up of the pair
    if codes is not None:
        stale = Q(area_code__in={c[:n] for c in codes for n in _levels_above(indicator.base_level)})
    aggregates = {
        "total": Sum("value"),
        "minimum": Min("value"),
        "maximum": Max("value"),
        "reported": Count("pk"),
        "verified": Count("pk", filter=Q(state__in=VERIFIED_STATES)),
    }
    if weighted:
        aggregates["weighted_total"] = Sum(F("value") * F("w"), output_field=_MONEY)
        aggregates["weight_total"] = Sum("w", output_field=_MONEY)
    for length in _levels_above(indicator.base_level):
        prefixes = _prefixes(codes, length)
        scoped = base
        if prefixes is not None:
            q = Q(pk__in=[])
            for p in prefixes:
                q |= Q(area__code__startswith=p) if p else ~Q(pk__in=[])
            scoped = base.filter(q)
        expected = _expected_counts(indicator.base_level, length, prefixes)
        grouped: Any
        if length:
            grouped = scoped.annotate(prefix=Substr("area_id", 1, length)).values(
                "prefix", "breakdown"
            )
        else:
            grouped = scoped.values("breakdown")
        for raw in grouped.annotate(**aggregates).order_by():
            r: dict[str, Any] = dict(raw)
            area_code = r["prefix"] if length else ""
            rollup = Rollup(
                indicator=indicator,
                area_code=area_code,
                period=period,
                breakdown=r["breakdown"],
                total=r["total"] or 0,
                minimum=r["minimum"],
                maximum=r["maximum"],
                reported=r["reported"],
                verified=r["verified"],
                expected=expected.get(area_code, 0),
                weighted_total=r.get("weighted_total") or 0,
                weight_total=r.get("weight_total") or 0,
            )
            rollup.value = _value(indicator, rollup)
            rows.append(rollup)
    Rollup.objects.filter(stale, indicator=indicator, period=period).delete()
    Rollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _value(indicator: Indicator, r: Rollup) -> Decimal | None:
    agg = indicator.aggregation
    if agg == Aggregation.SUM:
        return Decimal(r.total)
    if agg == Aggregation.MIN:
        return r.minimum
    if agg == Aggregation.MAX:
        return r.maximum
    if agg == Aggregation.WEIGHTED_MEAN:
        return Decimal(r.weighted_total) / Decimal(r.weight_total) if r.weight_total else None
    return None  # latest: no combination across areas


def _refresh_ratio(indicator: Indicator, period: str, codes: set[str] | None) -> int:
    """factor × Σnumerator ÷ Σdenominator at every level, from the parts' roll-ups."""
    parts = Rollup.objects.filter(
        indicator_id__in=[i for i in (indicator.numerator_id, indicator.denominator_id) if i],
        period=period,
    )
    stale = Q()
    if codes is not None:
        prefixes = {c[:n] for c in codes for n in _levels_above(indicator.base_level)}
        parts = parts.filter(area_code__in=prefixes)
        stale = Q(area_code__in=prefixes)
    by_key: dict[tuple[str, str], dict[int, Rollup]] = {}
    for r in parts:
        by_key.setdefault((r.area_code, r.breakdown), {})[r.indicator_id] = r
    rows = []
    for (area_code, breakdown), found in by_key.items():
        num, den = found.get(indicator.numerator_id or 0), found.get(indicator.denominator_id or 0)
        if den is None:
            continue
        value = None
        if num is not None and den.total:
            value = Decimal(indicator.factor) * Decimal(num.total) / Decimal(den.total)
        rows.append(
            Rollup(
                indicator=indicator,
                area_code=area_code,
                period=period,
                breakdown=breakdown,
                value=value,
                total=num.total if num else 0,
                weight_total=den.total,
                expected=den.expected,
                reported=min(num.reported if num else 0, den.reported),
                verified=min(num.verified if num else 0, den.verified),
            )
        )
    Rollup.objects.filter(stale, indicator=indicator, period=period).delete()
    Rollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
