"""Roll-ups: base-level values combined into districts, provinces and the country, by the
indicator's aggregation, with coverage (how many base areas reported, how many verified).

``refresh`` recomputes the roll-up rows for a set of (indicator, period) pairs, optionally only
above given base areas, with one set-based ``INSERT … SELECT … GROUP BY`` per indicator and
level, in the database; the value services call it inside the
transaction that changed the values, so no reader ever sees a stale ancestor. Ratio indicators
are refreshed from their numerator's and denominator's roll-ups; indicators that use a changed
indicator as numerator, denominator or weight are refreshed with it.
"""

# The SQL below is built from model table/column names and choice constants; every value is
# passed as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from saan.areas.models import CODE_LENGTH, Area, Level
from saan.indicators.models import (
    Aggregation,
    DataValue,
    Indicator,
    Rollup,
    RollupVersion,
    State,
)

VERIFIED_STATES = (State.VERIFIED, State.ACCEPTED)


def _levels_above(base_level: str) -> list[int]:
    """Code lengths of the roll-up levels above a base level: subdistrict → [4, 2, 0]."""
    base = CODE_LENGTH[Level(base_level)]
    return [n for n in (4, 2, 0) if n < base]


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
    without, every roll-up of the pairs (an import). Returns the number of rows written.

    Set-based: per indicator and level, one ``DELETE`` of the rows in scope and one
    ``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`` in the database, for all the periods
    at once; no row passes through Python. (The upsert makes two transactions refreshing the
    same roll-up at once end with the later one's figures instead of a unique-key error.)"""
    pairs = set(pairs)
    ids = dependents(i for i, _ in pairs)
    periods = sorted({p for _, p in pairs})
    if not periods:
        return 0
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=ids)}
    # Plain indicators first, then ratios, which read their parts' fresh roll-ups.
    ordered = sorted(indicators.values(), key=lambda i: (i.aggregation == Aggregation.RATIO, i.pk))
    codes = set(base_codes) if base_codes is not None else None
    now = timezone.now()
    written = 0
    bump_version()
    # A full refresh on PostgreSQL reads values and roll-ups written moments earlier in the same
    # transaction, often by the hundred thousand. With statistics from before (an empty table,
    # say) the planner chose nested loops over every row: minutes per statement instead of a
    # second (the demo took 12 minutes in CI). So: fresh statistics, and no nested loops for the
    # set-based statements of this refresh only (the setting is restored afterwards).
    bulk = codes is None and connection.vendor == "postgresql"
    analysed = False
    with connection.cursor() as cursor:
        saved = ""
        if bulk:
            cursor.execute("SELECT current_setting('enable_nestloop')")
            saved = cursor.fetchone()[0]
            cursor.execute(f"ANALYZE {DataValue._meta.db_table}")
            cursor.execute("SET LOCAL enable_nestloop = off")
        for indicator in ordered:
            if indicator.aggregation == Aggregation.RATIO:
                if bulk and not analysed:
                    # The ratios join their parts' roll-ups just written above.
                    cursor.execute(f"ANALYZE {Rollup._meta.db_table}")
                    analysed = True
                written += _refresh_ratio(cursor, indicator, periods, codes, now)
            else:
                written += _refresh_plain(cursor, indicator, periods, codes, now)
        if bulk:
            # On an error the rollback (of the transaction or a savepoint) undoes SET LOCAL.
            cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [saved])
    return written


def bump_version() -> None:
    """Count this transaction's change in ``RollupVersion`` (see there)."""
    if not RollupVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        RollupVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


def version() -> tuple[str, int]:
    """The committed roll-up version: the row's token and counter (("", 0) before any
    change)."""
    found = RollupVersion.objects.filter(pk=1).values_list("token", "counter").first()
    return found or ("", 0)


# Table and column names, quoted once.
def _q(name: str) -> str:
    return connection.ops.quote_name(name)


_COLUMNS = (
    "indicator_id",
    "area_code",
    "period",
    "breakdown",
    "value",
    "total",
    "weighted_total",
    "weight_total",
    "minimum",
    "maximum",
    "expected",
    "reported",
    "verified",
    "accepted",
    "returned",
    "updated_at",
)


def _upsert_sql(select: str) -> str:
    table = _q(Rollup._meta.db_table)
    cols = ", ".join(_q(c) for c in _COLUMNS)
    keys = ("indicator_id", "area_code", "period", "breakdown")
    updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in _COLUMNS if c not in keys)
    conflict = ", ".join(_q(c) for c in keys)
    return f"INSERT INTO {table} ({cols}) {select} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


def _in(values: Iterable[str]) -> tuple[str, list[str]]:
    vals = list(values)
    return ", ".join(["%s"] * len(vals)), vals


def _delete_stale(
    cursor: Any, indicator: Indicator, periods: list[str], prefixes: set[str] | None
) -> None:
    ph, params = _in(periods)
    sql = (
        f"DELETE FROM {_q(Rollup._meta.db_table)} WHERE {_q('indicator_id')} = %s "
        f"AND {_q('period')} IN ({ph})"
    )
    args: list[Any] = [indicator.pk, *params]
    if prefixes is not None:
        ph2, params2 = _in(sorted(prefixes))
        sql += f" AND {_q('area_code')} IN ({ph2})"
        args += params2
    cursor.execute(sql, args)


def _ranges_sql(column: str, prefixes: list[str]) -> str:
    """Codes under any of these prefixes, as index ranges: every digit string between ``p``
    and ``p`` followed by nines starts with ``p`` (unlike ``SUBSTR``, an index can serve it)."""
    return "(" + " OR ".join([f"{column} BETWEEN %s AND %s"] * len(prefixes)) + ")"


def _ranges_args(prefixes: list[str]) -> list[str]:
    return [x for p in prefixes for x in (p, p + "9" * (6 - len(p)))]


def _value_sql(indicator: Indicator) -> str:
    """The roll-up's ``value`` from its aggregates (the columns of the grouped row ``g``): the
    total, the minimum, the maximum, Σ(value × weight) ÷ Σweight, or nothing (latest).
    ``1.0 *`` keeps SQLite from dividing integers."""
    agg = indicator.aggregation
    if agg == Aggregation.SUM:
        return "g.total"
    if agg == Aggregation.MIN:
        return "g.minimum"
    if agg == Aggregation.MAX:
        return "g.maximum"
    if agg == Aggregation.WEIGHTED_MEAN:
        return (
            "CASE WHEN g.weight_total <> 0 THEN 1.0 * g.weighted_total / g.weight_total "
            "ELSE NULL END"
        )
    return "NULL"  # latest: no combination across areas


def _refresh_plain(
    cursor: Any,
    indicator: Indicator,
    periods: list[str],
    codes: set[str] | None,
    now: Any,
) -> int:
    values = _q(DataValue._meta.db_table)
    areas = _q(Area._meta.db_table)
    weighted = indicator.aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_id
    levels = _levels_above(indicator.base_level)
    if codes is not None:
        _delete_stale(cursor, indicator, periods, {c[:n] for c in codes for n in levels})
    else:
        _delete_stale(cursor, indicator, periods, None)
    stamp = connection.ops.adapt_datetimefield_value(now)
    verified = ", ".join(f"'{s}'" for s in VERIFIED_STATES)
    written = 0
    for length in levels:
        period_ph, period_args = _in(periods)
        prefix = f"SUBSTR(v.area_id, 1, {length})" if length else "''"
        where = [
            "v.indicator_id = %s",
            f"v.period IN ({period_ph})",
            "a.level = %s",
        ]
        args: list[Any] = [indicator.pk, *period_args, indicator.base_level]
        ranges: list[str] = []
        if codes is not None and length:
            ranges = sorted({c[:length] for c in codes})
            where.append(_ranges_sql("v.area_id", ranges))
            args += _ranges_args(ranges)
        weight_join = ""
        weight_cols = "0 AS weighted_total, 0 AS weight_total"
        if weighted:
            weight_join = (
                f"LEFT JOIN {values} w ON w.indicator_id = %s AND w.area_id = v.area_id "
                "AND w.period = v.period AND w.breakdown = ''"
            )
            args = [indicator.weight_id, *args]
            weight_cols = (
                "COALESCE(SUM(v.value * w.value), 0) AS weighted_total, "
                "COALESCE(SUM(w.value), 0) AS weight_total"
            )
        grouped = (
            f"SELECT {prefix} AS area_code, v.period AS period, v.breakdown AS breakdown, "
            "COALESCE(SUM(v.value), 0) AS total, MIN(v.value) AS minimum, "
            "MAX(v.value) AS maximum, COUNT(*) AS reported, "
            f"SUM(CASE WHEN v.state IN ({verified}) THEN 1 ELSE 0 END) AS verified, "
            f"SUM(CASE WHEN v.state = '{State.ACCEPTED}' THEN 1 ELSE 0 END) AS accepted, "
            f"SUM(CASE WHEN v.state = '{State.RETURNED}' THEN 1 ELSE 0 END) AS returned, "
            f"{weight_cols} "
            f"FROM {values} v JOIN {areas} a ON a.code = v.area_id {weight_join} "
            f"WHERE {' AND '.join(where)} "
            f"GROUP BY {prefix if length else ''}{', ' if length else ''}v.period, v.breakdown"
        )
        head = f"SUBSTR(e.code, 1, {length})" if length else "''"
        expected = f"SELECT {head} AS head, COUNT(*) AS n FROM {areas} e WHERE e.level = %s" + (
            f" GROUP BY {head}" if length else ""
        )
        select = (
            f"SELECT %s, g.area_code, g.period, g.breakdown, {_value_sql(indicator)}, g.total, "
            "g.weighted_total, g.weight_total, g.minimum, g.maximum, COALESCE(x.n, 0), "
            "g.reported, g.verified, g.accepted, g.returned, %s "
            f"FROM ({grouped}) g LEFT JOIN ({expected}) x ON x.head = g.area_code WHERE 1 = 1"
        )
        cursor.execute(_upsert_sql(select), [indicator.pk, stamp, *args, indicator.base_level])
        written += max(cursor.rowcount, 0)
    return written


def _refresh_ratio(
    cursor: Any,
    indicator: Indicator,
    periods: list[str],
    codes: set[str] | None,
    now: Any,
) -> int:
    """factor × Σnumerator ÷ Σdenominator at every level, from the parts' roll-ups (one
    statement for every level and period): a row wherever the denominator has one."""
    table = _q(Rollup._meta.db_table)
    prefixes = None
    if codes is not None:
        prefixes = {c[:n] for c in codes for n in _levels_above(indicator.base_level)}
    _delete_stale(cursor, indicator, periods, prefixes)
    period_ph, period_args = _in(periods)
    where = f"d.indicator_id = %s AND d.period IN ({period_ph})"
    args: list[Any] = [indicator.denominator_id, *period_args]
    if prefixes is not None:
        ph, pargs = _in(sorted(prefixes))
        where += f" AND d.area_code IN ({ph})"
        args += pargs
    num_reported = "COALESCE(n.reported, 0)"
    num_verified = "COALESCE(n.verified, 0)"
    select = (
        "SELECT %s, d.area_code, d.period, d.breakdown, "
        "CASE WHEN n.id IS NOT NULL AND d.total <> 0 "
        "THEN 1.0 * %s * n.total / d.total ELSE NULL END, "
        "COALESCE(n.total, 0), 0, d.total, CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), "
        "d.expected, "
        f"CASE WHEN {num_reported} < d.reported THEN {num_reported} ELSE d.reported END, "
        f"CASE WHEN {num_verified} < d.verified THEN {num_verified} ELSE d.verified END, "
        "0, 0, %s "
        f"FROM {table} d LEFT JOIN {table} n ON n.indicator_id = %s "
        "AND n.area_code = d.area_code AND n.period = d.period AND n.breakdown = d.breakdown "
        f"WHERE {where}"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    factor = connection.ops.adapt_decimalfield_value(indicator.factor, 12, 4)
    cursor.execute(
        _upsert_sql(select),
        [indicator.pk, factor, stamp, indicator.numerator_id, *args],
    )
    return max(cursor.rowcount, 0)
