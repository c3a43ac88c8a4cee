"""Roll-ups: base-level values combined into districts, provinces and the country, by the
indicator's aggregation, with coverage (how many base areas reported, how many verified).

``refresh`` recomputes the roll-up rows for a set of (indicator, period) pairs, optionally only
above given base areas, with set-based ``INSERT … SELECT … GROUP BY`` statements in the database
for every indicator and period at once; the value services call it inside the
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
from django.db.models import Q
from django.utils import timezone

from saan.areas.models import CODE_LENGTH, Area, Level
from saan.core import versions
from saan.indicators.models import (
    Aggregation,
    DataValue,
    Indicator,
    Rollup,
    RollupVersion,
    State,
)

VERIFIED_STATES = (State.VERIFIED, State.ACCEPTED)
# PostgreSQL settings for a full refresh's statements only (see ``refresh``).
BULK_SETTINGS = (("enable_nestloop", "off"), ("work_mem", "64MB"))


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

    Set-based, for every indicator and period at once: per base level of the plain indicators
    (usually one), one ``DELETE`` of the rows in scope and one ``INSERT … SELECT … GROUP BY …
    ON CONFLICT DO UPDATE`` for all its levels (one per level for a targeted refresh), then the
    same for each wave of ratios; no row passes through Python. (The upsert makes two
    transactions refreshing the same roll-up at once end with the later one's figures instead
    of a unique-key error.)"""
    pairs = set(pairs)
    ids = dependents(i for i, _ in pairs)
    periods = sorted({p for _, p in pairs})
    if not periods:
        return 0
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=ids)}
    plain: dict[str, list[Indicator]] = {}
    ratios: list[Indicator] = []
    for indicator in sorted(indicators.values(), key=lambda i: i.pk):
        if indicator.aggregation == Aggregation.RATIO:
            ratios.append(indicator)
        else:
            plain.setdefault(indicator.base_level, []).append(indicator)
    codes = set(base_codes) if base_codes is not None else None
    now = timezone.now()
    written = 0
    bump_version()
    # A full refresh on PostgreSQL reads values and roll-ups written moments earlier in the same
    # transaction, often by the hundred thousand. With statistics from before (an empty table,
    # say) the planner chose nested loops over every row: minutes per statement instead of a
    # second (the demo took 12 minutes in CI). So: fresh statistics (of the areas too: without
    # any the planner expects a handful of base areas and sorts a million values on disk), no
    # nested loops, and memory to group the values in one hash table, for the set-based
    # statements of this refresh only (the settings are restored afterwards).
    bulk = codes is None and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        saved: list[tuple[str, str]] = []
        if bulk:
            _analyze_if_stale(cursor, DataValue._meta.db_table)
            _analyze_if_stale(cursor, Area._meta.db_table)
            for name, value in BULK_SETTINGS:
                cursor.execute("SELECT current_setting(%s)", [name])
                saved.append((name, cursor.fetchone()[0]))
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        for base_level, group in plain.items():
            written += _refresh_plain(cursor, group, base_level, periods, codes, now)
        if ratios and bulk:
            # The ratios join their parts' roll-ups just written above.
            _analyze_if_stale(cursor, Rollup._meta.db_table)
        for wave in _waves(ratios):
            for base_level, group in _by_base_level(wave).items():
                written += _refresh_ratios(cursor, group, base_level, periods, codes, now)
        # On an error the rollback (of the transaction or a savepoint) undoes them anyway.
        for name, value in saved:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return written


def _analyze_if_stale(cursor: Any, table: str) -> None:
    """``ANALYZE`` a table whose statistics are missing or older than a tenth of its rows'
    changes, counting this transaction's own (autovacuum's rule, which cannot see rows not
    yet committed). A refresh after a large import analyses the values it just wrote; one
    of a big table with current statistics (``refresh_rollups`` one indicator after another)
    does not sample it again each time."""
    cursor.execute(
        "SELECT c.reltuples, COALESCE(s.n_mod_since_analyze, 0) "
        "+ pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid) "
        "+ pg_stat_get_xact_tuples_deleted(c.oid) "
        "FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
        "WHERE c.oid = %s::regclass",
        [table],
    )
    rows, changed = cursor.fetchone()
    if rows < 0 or changed > 1000 + rows / 10:
        cursor.execute(f"ANALYZE {table}")


def _waves(ratios: list[Indicator]) -> list[list[Indicator]]:
    """Ratios in the order they can be computed: a ratio whose numerator or denominator is
    another ratio of the list comes in a later wave than that one (by id where they form a
    cycle, which the catalogue does not allow anyway)."""
    waves = []
    left = list(ratios)
    while left:
        pending = {r.pk for r in left}
        wave = [
            r for r in left if r.numerator_id not in pending and r.denominator_id not in pending
        ]
        wave = wave or left[:1]
        waves.append(wave)
        done = {r.pk for r in wave}
        left = [r for r in left if r.pk not in done]
    return waves


def _by_base_level(indicators: list[Indicator]) -> dict[str, list[Indicator]]:
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.base_level, []).append(indicator)
    return groups


def bump_version() -> None:
    """Count this transaction's change in ``RollupVersion`` (see there)."""
    versions.bump(RollupVersion)


def version() -> tuple[str, int]:
    """The committed roll-up version: the row's token and counter (("", 0) before any
    change)."""
    return versions.read(RollupVersion)


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


def _in(values: Iterable[Any]) -> tuple[str, list[Any]]:
    vals = list(values)
    return ", ".join(["%s"] * len(vals)), vals


def _delete_stale(
    cursor: Any, indicators: list[Indicator], periods: list[str], prefixes: set[str] | None
) -> None:
    ids_ph, ids = _in([i.pk for i in indicators])
    ph, params = _in(periods)
    sql = (
        f"DELETE FROM {_q(Rollup._meta.db_table)} WHERE {_q('indicator_id')} IN ({ids_ph}) "
        f"AND {_q('period')} IN ({ph})"
    )
    args: list[Any] = [*ids, *params]
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


def _value_sql() -> str:
    """The roll-up's ``value`` from its aggregates (the columns of the grouped row ``g``) by
    the indicator ``i``'s aggregation: the total, the minimum, the maximum,
    Σ(value × weight) ÷ Σweight, or nothing (latest). ``1.0 *`` keeps SQLite from dividing
    integers."""
    return (
        f"CASE i.aggregation WHEN '{Aggregation.SUM}' THEN g.total "
        f"WHEN '{Aggregation.MIN}' THEN g.minimum "
        f"WHEN '{Aggregation.MAX}' THEN g.maximum "
        f"WHEN '{Aggregation.WEIGHTED_MEAN}' THEN "
        "CASE WHEN g.weight_total <> 0 THEN 1.0 * g.weighted_total / g.weight_total ELSE NULL END "
        "ELSE NULL END"
    )


_AGGREGATES = (
    "total",
    "minimum",
    "maximum",
    "reported",
    "verified",
    "accepted",
    "returned",
    "weighted_total",
    "weight_total",
)
# How the aggregates of finer groups combine into a coarser group's: exactly the aggregates
# of all their values (sums of sums, the least of the minima, …).
_COMBINE = {"minimum": "MIN", "maximum": "MAX"}


def _grouped_sql(
    indicators: list[Indicator],
    base_level: str,
    periods: list[str],
    length: int,
    ranges: list[str] | None,
) -> tuple[str, list[Any]]:
    """The indicators' base values for these periods, grouped by indicator, area code prefix
    of this length (the area at that level), period and breakdown, with every aggregate a
    roll-up keeps. With ``ranges``, only the values under those prefixes."""
    values = _q(DataValue._meta.db_table)
    areas = _q(Area._meta.db_table)
    ids_ph, ids = _in([i.pk for i in indicators])
    period_ph, period_args = _in(periods)
    prefix = f"SUBSTR(v.area_id, 1, {length})" if length else "''"
    where = [f"v.indicator_id IN ({ids_ph})", f"v.period IN ({period_ph})", "a.level = %s"]
    args: list[Any] = [*ids, *period_args, base_level]
    if ranges:
        where.append(_ranges_sql("v.area_id", ranges))
        args += _ranges_args(ranges)
    weighted = [
        i.pk for i in indicators if i.aggregation == Aggregation.WEIGHTED_MEAN and i.weight_id
    ]
    weight_join = ""
    weight_cols = "0 AS weighted_total, 0 AS weight_total"
    if weighted:
        # Each weighted indicator's weight, by area and period (the total, no breakdown).
        w_ph, w_ids = _in(weighted)
        weight_join = (
            f"LEFT JOIN (SELECT m.id AS indicator_id, wv.area_id AS area_id, "
            f"wv.period AS period, wv.value AS value FROM {_q(Indicator._meta.db_table)} m "
            f"JOIN {values} wv ON wv.indicator_id = m.weight_id "
            f"WHERE m.id IN ({w_ph}) AND wv.period IN ({period_ph}) "
            "AND wv.breakdown = '') w ON w.indicator_id = v.indicator_id "
            "AND w.area_id = v.area_id AND w.period = v.period"
        )
        args = [*w_ids, *period_args, *args]
        weight_cols = (
            "COALESCE(SUM(v.value * w.value), 0) AS weighted_total, "
            "COALESCE(SUM(w.value), 0) AS weight_total"
        )
    verified = ", ".join(f"'{s}'" for s in VERIFIED_STATES)
    sql = (
        f"SELECT v.indicator_id AS indicator_id, {prefix} AS area_code, v.period AS period, "
        "v.breakdown AS breakdown, "
        "COALESCE(SUM(v.value), 0) AS total, MIN(v.value) AS minimum, "
        "MAX(v.value) AS maximum, COUNT(*) AS reported, "
        f"SUM(CASE WHEN v.state IN ({verified}) THEN 1 ELSE 0 END) AS verified, "
        f"SUM(CASE WHEN v.state = '{State.ACCEPTED}' THEN 1 ELSE 0 END) AS accepted, "
        f"SUM(CASE WHEN v.state = '{State.RETURNED}' THEN 1 ELSE 0 END) AS returned, "
        f"{weight_cols} "
        f"FROM {values} v JOIN {areas} a ON a.code = v.area_id {weight_join} "
        f"WHERE {' AND '.join(where)} "
        f"GROUP BY v.indicator_id, {prefix + ', ' if length else ''}v.period, v.breakdown"
    )
    return sql, args


def _expected_sql(lengths: list[int]) -> str:
    """Base areas (of the level given as a parameter, once per length) under each area of
    these levels, by code: the roll-ups' ``expected``."""
    areas = _q(Area._meta.db_table)
    parts = []
    for length in lengths:
        head = f"SUBSTR(e.code, 1, {length})" if length else "''"
        parts.append(
            f"SELECT {head} AS head, COUNT(*) AS n FROM {areas} e WHERE e.level = %s"
            + (f" GROUP BY {head}" if length else "")
        )
    return " UNION ALL ".join(parts)


def _rollup_select(grouped: str) -> str:
    """Roll-up rows from grouped aggregates ``g`` and expected counts ``x``; the timestamp is
    the first parameter."""
    return (
        f"SELECT g.indicator_id, g.area_code, g.period, g.breakdown, {_value_sql()}, "
        "g.total, g.weighted_total, g.weight_total, g.minimum, g.maximum, "
        "COALESCE(x.n, 0), g.reported, g.verified, g.accepted, g.returned, %s "
        f"FROM {grouped} g JOIN {_q(Indicator._meta.db_table)} i ON i.id = g.indicator_id "
        "LEFT JOIN x ON x.head = g.area_code WHERE 1 = 1"
    )


def _refresh_plain(
    cursor: Any,
    indicators: list[Indicator],
    base_level: str,
    periods: list[str],
    codes: set[str] | None,
    now: Any,
) -> int:
    """Every roll-up of these indicators (all of one base level, none a ratio) for these
    periods, for all of them at once.

    A full refresh is one statement: the values are grouped once, at the first level above the
    base, and the coarser levels are combined from those groups. A targeted refresh (the
    ancestors of a few areas) is one statement per level, each reading only the values under
    the areas it recomputes."""
    levels = _levels_above(base_level)
    if codes is not None:
        _delete_stale(cursor, indicators, periods, {c[:n] for c in codes for n in levels})
    else:
        _delete_stale(cursor, indicators, periods, None)
    stamp = connection.ops.adapt_datetimefield_value(now)
    if codes is not None:
        written = 0
        for length in levels:
            ranges = sorted({c[:length] for c in codes}) if length else None
            grouped, args = _grouped_sql(indicators, base_level, periods, length, ranges)
            sql = _upsert_sql(
                f"WITH x AS ({_expected_sql([length])}) " + _rollup_select(f"({grouped})")
            )
            cursor.execute(sql, [base_level, stamp, *args])
            written += max(cursor.rowcount, 0)
        return written
    first, *coarser = levels
    grouped, args = _grouped_sql(indicators, base_level, periods, first, None)
    parts = ["SELECT * FROM g0"]
    for length in coarser:
        head = f"SUBSTR(area_code, 1, {length})" if length else "''"
        combined = ", ".join(f"{_COMBINE.get(c, 'SUM')}({c}) AS {c}" for c in _AGGREGATES)
        parts.append(
            f"SELECT indicator_id, {head} AS area_code, period, breakdown, {combined} "
            f"FROM g0 GROUP BY indicator_id, {head + ', ' if length else ''}period, breakdown"
        )
    columns = ", ".join(("indicator_id", "area_code", "period", "breakdown", *_AGGREGATES))
    # The WITH belongs to the SELECT, not before INSERT: Python's sqlite3 module (before 3.12)
    # counts the rows of a statement only when it starts with INSERT, UPDATE or DELETE.
    sql = _upsert_sql(
        f"WITH g0 AS (SELECT {columns} FROM ({grouped}) g1), x AS ({_expected_sql(levels)}) "
        + _rollup_select(f"({' UNION ALL '.join(parts)})")
    )
    cursor.execute(sql, [*args, *([base_level] * len(levels)), stamp])
    return max(cursor.rowcount, 0)


def _refresh_ratios(
    cursor: Any,
    indicators: list[Indicator],
    base_level: str,
    periods: list[str],
    codes: set[str] | None,
    now: Any,
) -> int:
    """factor × Σnumerator ÷ Σdenominator at every level, from the parts' roll-ups (one
    statement for these ratios, every level and period): a row wherever the denominator has
    one."""
    table = _q(Rollup._meta.db_table)
    catalogue = _q(Indicator._meta.db_table)
    prefixes = None
    if codes is not None:
        prefixes = {c[:n] for c in codes for n in _levels_above(base_level)}
    _delete_stale(cursor, indicators, periods, prefixes)
    ids_ph, ids = _in([i.pk for i in indicators])
    period_ph, period_args = _in(periods)
    where = f"r.id IN ({ids_ph}) AND d.period IN ({period_ph})"
    args: list[Any] = [*ids, *period_args]
    if prefixes is not None:
        ph, pargs = _in(sorted(prefixes))
        where += f" AND d.area_code IN ({ph})"
        args += pargs
    num_reported = "COALESCE(n.reported, 0)"
    num_verified = "COALESCE(n.verified, 0)"
    select = (
        "SELECT r.id, d.area_code, d.period, d.breakdown, "
        "CASE WHEN n.id IS NOT NULL AND d.total <> 0 "
        "THEN 1.0 * r.factor * n.total / d.total ELSE NULL END, "
        "COALESCE(n.total, 0), 0, d.total, CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), "
        "d.expected, "
        f"CASE WHEN {num_reported} < d.reported THEN {num_reported} ELSE d.reported END, "
        f"CASE WHEN {num_verified} < d.verified THEN {num_verified} ELSE d.verified END, "
        "0, 0, %s "
        f"FROM {catalogue} r JOIN {table} d ON d.indicator_id = r.denominator_id "
        f"LEFT JOIN {table} n ON n.indicator_id = r.numerator_id "
        "AND n.area_code = d.area_code AND n.period = d.period AND n.breakdown = d.breakdown "
        f"WHERE {where}"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(_upsert_sql(select), [stamp, *args])
    return max(cursor.rowcount, 0)
