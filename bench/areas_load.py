"""How long ``load_areas()`` takes to write the whole area tree, against raw DB-API inserts.

    ./saan bench areas_load [--runs N]                          # temporary SQLite file
    scripts/pg-temp -- ./saan bench areas_load [--runs N]       # throwaway PostgreSQL

On a freshly migrated, empty database, each round empties the areas table and then times:

* raw executemany: the same 8,441 rows, already built, inserted with the DB-API cursor's
  ``executemany`` in one transaction (the baseline);
* raw COPY (PostgreSQL only): the same rows through psycopg's ``cursor.copy``;
* ``load_areas()``: the real service into the same empty table (it builds the rows from geothai,
  compares them with what is stored, bulk-creates, and writes one audit row, in one transaction).

Then, with the table full, it times ``load_areas()`` again (the idempotent run that changes
nothing) against a raw ``SELECT`` of the whole table, and times building the rows from geothai
alone, which both ``load_areas()`` figures include and no raw figure does.

Every figure is the median of N rounds (default 5) after one untimed warm-up round; rounds
alternate the methods so that drift on a shared machine hits them alike.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchlib

COLUMNS = ("code", "level", "parent_id", "name_th", "name_en", "postal_codes", "search_key")


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def area_table() -> tuple[str, str]:
    """The quoted table name and quoted column list of the Area model."""
    from django.db import connection

    from saan.areas.models import Area

    quote = connection.ops.quote_name
    fields = {f.attname: f.column for f in Area._meta.concrete_fields}
    columns = ", ".join(quote(fields[c]) for c in COLUMNS)
    return quote(Area._meta.db_table), columns


def empty_tables() -> None:
    """Remove every area and audit row and give the next round the same starting point."""
    from django.db import connection, transaction

    from saan.areas.models import Area
    from saan.audit.models import AuditEvent

    quote = connection.ops.quote_name
    areas, audit = quote(Area._meta.db_table), quote(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A new, empty heap and indexes, as on a fresh database. CASCADE reaches the tables
            # that point at areas (groups, organisations), which are empty in a bench database.
            cursor.execute(f"TRUNCATE {areas}, {audit} CASCADE")
        else:
            with transaction.atomic():
                cursor.execute(f"DELETE FROM {audit}")  # noqa: S608 (table names from models)
                cursor.execute(f"DELETE FROM {areas}")  # noqa: S608
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert Area.objects.count() == 0


def raw_executemany(rows: list[tuple[str | None, ...]]) -> None:
    """The baseline: one transaction, one prepared INSERT, executemany on the DB-API cursor."""
    from django.db import connection, transaction

    table, columns = area_table()
    marks = ", ".join(["%s" if connection.vendor == "postgresql" else "?"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from models)
    with transaction.atomic():
        cursor = connection.connection.cursor()  # the driver's own cursor, not Django's wrapper
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()


def raw_copy(rows: list[tuple[str | None, ...]]) -> None:
    """PostgreSQL's fastest bulk path: COPY FROM STDIN through psycopg, one transaction."""
    from django.db import connection, transaction

    table, columns = area_table()
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with transaction.atomic():
        cursor = connection.connection.cursor()
        with cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def raw_select() -> int:
    from django.db import connection

    table, columns = area_table()
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 (names from models)
        return len(cursor.fetchall())
    finally:
        cursor.close()


def area_count() -> int:
    from saan.areas.models import Area

    return Area.objects.count()


def run(runs: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from saan.areas.services import _reference_rows, load_areas

    seconds, _ = timed(lambda: call_command("migrate", interactive=False, verbosity=0))
    print(f"migrate (fresh database): {seconds:.2f} s")
    cold, reference = timed(_reference_rows)
    rows = [tuple(str(r[c]) if r[c] is not None else None for c in COLUMNS) for r in reference]
    expected = len(rows)
    print(f"rows from geothai: {expected:,} (first build, cold: {cold:.3f} s)")
    print(f"rounds: 1 untimed warm-up + {runs} timed; figures are medians")
    print()

    postgres = connection.vendor == "postgresql"
    methods: dict[str, Callable[[], Any]] = {"raw executemany": lambda: raw_executemany(rows)}
    if postgres:
        methods["raw COPY"] = lambda: raw_copy(rows)
    methods["load_areas()"] = load_areas
    times: dict[str, list[float]] = {name: [] for name in methods}
    postmaster = benchlib.postmaster_pid()
    before = benchlib.cpu_sample(postgres=postmaster)
    for round_number in range(runs + 1):
        for name, action in methods.items():
            empty_tables()
            seconds, result = timed(action)
            count = area_count()
            if count != expected:
                raise SystemExit(f"{name} left {count} areas, expected {expected}")
            if name == "load_areas()" and sum(result.created.values()) != expected:
                raise SystemExit(f"load_areas() created {result.created}, expected {expected}")
            if round_number:  # round 0 warms caches, connections and the ORM up
                times[name].append(seconds)

    # The table is full now: the idempotent run against a raw read of the whole table.
    times["load_areas() again"] = []
    times["raw SELECT"] = []
    times["build rows"] = []
    for round_number in range(runs + 1):
        seconds, report = timed(load_areas)
        if report.any_change:
            raise SystemExit(f"the second load_areas() changed something: {report}")
        read, count = timed(raw_select)
        build, _ = timed(_reference_rows)
        if count != expected:
            raise SystemExit(f"raw SELECT read {count} rows, expected {expected}")
        if round_number:
            times["load_areas() again"].append(seconds)
            times["raw SELECT"].append(read)
            times["build rows"].append(build)

    cpu = benchlib.cpu_cores(before, benchlib.cpu_sample(postgres=postmaster))
    report_times(times, expected, postgres)
    print(
        f"\nCPU while measuring, average cores busy (of {os.cpu_count()}): machine "
        f"{cpu['machine']:.2f}, this process {cpu['own']:.2f}"
        + (f", PostgreSQL {cpu['postgres']:.2f}" if postmaster else "")
        + f", everything else {cpu['other']:.2f}"
    )
    print(f"load avg after: {benchlib.load_average()}")


def report_times(times: dict[str, list[float]], rows: int, postgres: bool) -> None:
    med = {name: benchlib.median(values) for name, values in times.items()}
    baseline = {
        "raw executemany": "baseline",
        "raw COPY": "baseline",
        "load_areas()": "",
        "load_areas() again": "raw SELECT",
        "raw SELECT": "baseline",
        "build rows": "(inside both load_areas)",
    }
    what = {
        "raw executemany": "INSERT 8,441 prebuilt rows, DB-API executemany",
        "raw COPY": "COPY 8,441 prebuilt rows, psycopg cursor.copy",
        "load_areas()": "the service, into the empty table",
        "load_areas() again": "the service again, nothing to change",
        "raw SELECT": "SELECT the whole table, DB-API fetchall",
        "build rows": "geothai to row dicts (search keys)",
    }
    lines = []
    for name, values in times.items():
        seconds = med[name]
        ratio = ""
        if name == "load_areas()":
            ratio = f"{seconds / med['raw executemany']:.2f}x executemany"
            if postgres:
                ratio = f"{seconds / med['raw COPY']:.2f}x COPY, {ratio}"
        elif name == "load_areas() again":
            ratio = f"{seconds / med['raw SELECT']:.1f}x SELECT"
        lines.append(
            [
                name,
                f"{seconds:.3f}",
                f"{min(values):.3f}-{max(values):.3f}",
                f"{rows / seconds:,.0f}",
                ratio or baseline[name],
                what[name],
            ]
        )
    print(
        benchlib.table(
            ["step", "median s", "min-max s", "rows/s", "ratio", "what"],
            lines,
        )
    )
    # The baseline is the fastest raw path each database offers: COPY on PostgreSQL (where a
    # plain executemany is slower than Django's multi-row INSERTs), executemany on SQLite.
    raw = "raw COPY" if postgres else "raw executemany"
    print()
    print(f"summary (baseline: {raw} of the same rows into the same table, same run):")
    summary = [
        f"{rows:,}",
        f"{med['load_areas()']:.3f}",
        f"{rows / med['load_areas()']:,.0f}",
        raw.removeprefix("raw "),
        f"{med[raw]:.3f}",
        f"{med['load_areas()'] / med[raw]:.2f}x",
        f"{med['load_areas() again']:.3f}",
        f"{med['load_areas() again'] / med['raw SELECT']:.1f}x",
    ]
    print(
        benchlib.table(
            [
                "rows",
                "load_areas s",
                "rows/s",
                "raw method",
                "raw s",
                "load/raw",
                "idempotent s",
                "idem/SELECT",
            ],
            [summary],
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: areas_load", label)
        run(args.runs)


if __name__ == "__main__":
    main()
