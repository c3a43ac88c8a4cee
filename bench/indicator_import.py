"""Importing indicator values from a file, against a raw bulk insert of the same rows.

    ./saan bench indicator_import [--runs N] [--no-million]        # temporary SQLite file
    scripts/pg-temp -- ./saan bench indicator_import [--runs N]     # throwaway PostgreSQL

Two datasets, each a long-shape UTF-8 CSV (indicator code, area code, period, value):

* **74k**: one indicator for all 7,436 subdistricts × 10 fiscal years = 74,360 values;
* **1M**: 14 indicators × 7,436 subdistricts × 10 fiscal years = 1,041,040 values.

For each, on an emptied values table, it times:

* **raw** (the baseline): the same rows, already built as tuples, inserted in one transaction
  with psycopg's ``COPY`` on PostgreSQL or the DB-API ``executemany`` on SQLite, into the same
  values table the import writes (its indexes and, since it has none, no foreign-key checks);
* **import**: ``importing.services.commit_file`` on the CSV bytes, the path the import page and
  ``./saan manage import_values`` take: read and check every value, compare with the stored
  ones, lock, write (on PostgreSQL: COPY of the new values into the table, updates through a
  staging table; executemany on SQLite), audit, and refresh the roll-ups of every touched
  (indicator, period) before the commit. Its phases are timed too: read+check, compare, write,
  roll-ups, and "other" (the rest: lock, the import's own row, audit summary, COMMIT);
* **again**: the same file once more (every value unchanged, nothing written) against a raw
  ``SELECT`` of the same rows;
* **corrected**: the file with every 100th value changed (1 % updates, each with an audit row
  holding the value before and after).

On PostgreSQL it also reports CPU seconds (this process + the pg-temp server's processes) of
raw and import and of each phase: on a shared machine they move much less than wall seconds.

The 74k figures are medians of N rounds (default 3) after one untimed warm-up; the 1M figures
are one round (it is what bounds the run's time). ``--no-million`` skips the 1M dataset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import benchlib

PERIODS = [f"{y}Oct" for y in range(2015, 2025)]  # ปีงบประมาณ 2559 – 2568
COLUMNS = (
    "indicator_id",
    "area_id",
    "period",
    "breakdown",
    "value",
    "source_note",
    "state",
    "note",
    "entered_by_id",
    "entered_at",
    "updated_at",
)


def value_of(code: str, period_index: int, indicator_index: int) -> int:
    return (int(code) * 7 + period_index * 131 + indicator_index * 17) % 5000


def dataset(indicators: list[Any], codes: list[str]) -> Iterator[tuple[Any, str, int, int]]:
    for i, indicator in enumerate(indicators):
        for p in range(len(PERIODS)):
            for code in codes:
                yield indicator, code, p, value_of(code, p, i)


def csv_bytes(indicators: list[Any], codes: list[str], *, corrected: bool = False) -> bytes:
    lines = ["รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า"]
    for n, (indicator, code, p, value) in enumerate(dataset(indicators, codes)):
        if corrected and n % 100 == 0:
            value += 1
        lines.append(f"{indicator.code},{code},{PERIODS[p]},{value}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def raw_rows(indicators: list[Any], codes: list[str], user_id: int) -> list[tuple[Any, ...]]:
    from django.utils import timezone

    now = timezone.now()
    return [
        (ind.pk, code, PERIODS[p], "", Decimal(value), "", "entered", "", user_id, now, now)
        for ind, code, p, value in dataset(indicators, codes)
    ]


def tables() -> dict[str, str]:
    from django.db import connection

    from saan.audit.models import AuditEvent
    from saan.indicators.models import DataValue, IndicatorImport, Rollup

    quote = connection.ops.quote_name
    return {
        "values": quote(DataValue._meta.db_table),
        "rollups": quote(Rollup._meta.db_table),
        "audit": quote(AuditEvent._meta.db_table),
        "imports": quote(IndicatorImport._meta.db_table),
    }


def empty_tables() -> None:
    from django.db import connection, transaction

    t = tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {t['values']}, {t['rollups']}, {t['audit']}, {t['imports']}")
        else:
            with transaction.atomic():
                for name in ("values", "rollups", "audit", "imports"):
                    cursor.execute(f"DELETE FROM {t[name]}")  # noqa: S608 (names from models)
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would give a real database after a big load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def raw_insert(rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection, transaction

    table = tables()["values"]
    columns = ", ".join(COLUMNS)
    with transaction.atomic():
        cursor = connection.connection.cursor()
        try:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                stamp = adapt(rows[0][9])
                marks = ", ".join(["?"] * len(COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    ((*r[:4], str(r[4]), *r[5:9], stamp, stamp) for r in rows),
                )
        finally:
            cursor.close()


def raw_select(indicator_ids: list[int]) -> int:
    from django.db import connection

    table = tables()["values"]
    marks = ", ".join(["%s"] * len(indicator_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT indicator_id, area_id, period, breakdown, id, value, state, note, "  # noqa: S608
            f"source_note FROM {table} WHERE indicator_id IN ({marks})",
            indicator_ids,
        )
        return len(cursor.fetchall())


class Phases:
    """Seconds spent in each phase of ``commit_file``, by wrapping the functions it calls."""

    def __init__(self) -> None:
        from saan.indicators.importing import services

        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # this process + PostgreSQL
        self._originals: list[tuple[Any, str, Any]] = []
        self._wrap(services, "resolve", "read+check")
        self._wrap(services, "classify", "compare")
        self._wrap(services.writing, "write", "write")
        self._wrap(services.rollups, "refresh", "roll-ups")

    def _wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        self._originals.append((owner, name, original))

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            cpu = time.process_time() + server_seconds()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
                spent = time.process_time() + server_seconds() - cpu
                self.cpu[label] = self.cpu.get(label, 0.0) + spent

        setattr(owner, name, timed)

    def take(self) -> dict[str, float]:
        taken, self.seconds = self.seconds, {}
        return taken

    def take_cpu(self) -> dict[str, float]:
        taken, self.cpu = self.cpu, {}
        return taken


CPU: dict[str, float] = {}  # CPU seconds of the last timed action: this process, PostgreSQL
POSTMASTER: list[int | None] = [None]  # the pg-temp server, when we can see it


def server_seconds() -> float:
    return benchlib.tree_seconds(POSTMASTER[0])


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    cpu, server = time.process_time(), server_seconds()
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    CPU["last"] = time.process_time() - cpu
    CPU["server"] = server_seconds() - server
    return elapsed, result


def setup() -> tuple[Any, list[Any], list[str]]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from saan.areas.models import Area, Level
    from saan.areas.services import load_areas
    from saan.indicators.models import Indicator

    seconds, _ = timed(lambda: call_command("migrate", interactive=False, verbosity=0))
    print(f"migrate (fresh database): {seconds:.2f} s")
    seconds, _ = timed(load_areas)
    print(f"load_areas: {seconds:.2f} s")
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass")
    indicators = [
        Indicator.objects.create(
            code=f"bench-{n:02d}",
            name_th=f"ตัวชี้วัดทดสอบ {n}",
            source="survey",
            polarity="neutral",
            value_type="count",
            aggregation="sum",
        )
        for n in range(1, 15)
    ]
    codes = list(
        Area.objects.filter(level=Level.SUBDISTRICT).order_by("code").values_list("code", flat=True)
    )
    print(f"subdistricts: {len(codes):,}; fiscal years: {len(PERIODS)}")
    return user, indicators, codes


def run_dataset(
    name: str, user: Any, indicators: list[Any], codes: list[str], rounds: int, warmup: bool
) -> dict[str, Any]:
    from django.db import connection

    from saan.indicators.importing.plan import Options
    from saan.indicators.importing.services import commit_file
    from saan.indicators.models import DataValue, Rollup

    expected = len(indicators) * len(codes) * len(PERIODS)
    print(f"\n[{name}] {expected:,} values: building the file and the raw rows …", flush=True)
    content = csv_bytes(indicators, codes)
    corrected = csv_bytes(indicators, codes, corrected=True)
    rows = raw_rows(indicators, codes, user.pk)
    print(f"[{name}] CSV {len(content) / 1e6:.1f} MB; {len(rows):,} raw rows", flush=True)
    ids = [i.pk for i in indicators]
    phases = Phases()
    times: dict[str, list[float]] = {
        "raw": [],
        "import": [],
        "again": [],
        "raw SELECT": [],
        "corrected": [],
        "import CPU": [],
        "raw CPU": [],
        "raw server CPU": [],
        "import server CPU": [],
    }
    phase_times: dict[str, list[float]] = {}
    phase_cpu: dict[str, list[float]] = {}

    def commit(data: bytes) -> Any:
        return commit_file(
            actor=user,
            content=data,
            filename=f"{name}.csv",
            options=Options(report_limit=100),
        )

    for round_number in range(rounds + (1 if warmup else 0)):
        keep = round_number > 0 or not warmup
        label = f"round {round_number}" + ("" if keep else " (warm-up)")
        empty_tables()
        seconds, _ = timed(lambda: raw_insert(rows))
        assert DataValue.objects.count() == expected
        print(
            f"[{name}] {label}: raw {seconds:.2f} s, CPU this process {CPU['last']:.2f} s, "
            f"PostgreSQL {CPU['server']:.2f} s",
            flush=True,
        )
        if keep:
            times["raw"].append(seconds)
            times["raw CPU"].append(CPU["last"])
            times["raw server CPU"].append(CPU["server"])
        empty_tables()
        phases.take()
        phases.take_cpu()
        seconds, (_, plan) = timed(lambda: commit(content))
        taken = phases.take()
        taken_cpu = phases.take_cpu()
        if plan.counts["create"] != expected or DataValue.objects.count() != expected:
            raise SystemExit(f"import created {plan.counts}, expected {expected}")
        print(
            f"[{name}] {label}: import {seconds:.2f} s, CPU this process {CPU['last']:.2f} s, "
            f"PostgreSQL {CPU['server']:.2f} s ("
            + ", ".join(f"{k} {v:.2f}" for k, v in taken.items())
            + ")",
            flush=True,
        )
        if keep:
            times["import"].append(seconds)
            times["import CPU"].append(CPU["last"])
            times["import server CPU"].append(CPU["server"])
            for k, v in taken.items():
                phase_times.setdefault(k, []).append(v)
            for k, v in taken_cpu.items():
                phase_cpu.setdefault(k, []).append(v)
        if connection.vendor == "postgresql":
            analyze()
        seconds, (_, plan) = timed(lambda: commit(content))
        phases.take()
        if plan.counts["unchanged"] != expected:
            raise SystemExit(f"the same file again changed something: {plan.counts}")
        read, count = timed(lambda: raw_select(ids))
        assert count == expected
        seconds_c, (_, plan_c) = timed(lambda: commit(corrected))
        phases.take()
        changed = plan_c.counts["update"]
        print(
            f"[{name}] {label}: again {seconds:.2f} s, raw SELECT {read:.2f} s, "
            f"corrected ({changed:,} updates) {seconds_c:.2f} s",
            flush=True,
        )
        if keep:
            times["again"].append(seconds)
            times["raw SELECT"].append(read)
            times["corrected"].append(seconds_c)
        total = Rollup.objects.get(indicator=indicators[0], area_code="", period=PERIODS[-1])
        assert total.reported == len(codes), "the country roll-up is not fresh"
    return {
        "name": name,
        "values": expected,
        "changed": changed,
        "times": {k: benchlib.median(v) for k, v in times.items()},
        "ranges": {k: (min(v), max(v)) for k, v in times.items()},
        "phases": {k: benchlib.median(v) for k, v in phase_times.items()},
        "phase_cpu": {k: benchlib.median(v) for k, v in phase_cpu.items()},
        "rounds": rounds,
    }


def report(results: list[dict[str, Any]], postgres: bool) -> None:
    raw_name = "COPY" if postgres else "executemany"
    print()
    print(
        f"baseline: raw {raw_name} of the same prebuilt rows into the same empty table, one "
        "transaction, same run; 74k: medians, 1M: one round"
    )
    lines = []
    for r in results:
        t = r["times"]
        n = r["values"]
        lines.append(
            [
                r["name"],
                f"{n:,}",
                f"{t['raw']:.2f}",
                f"{t['import']:.2f}",
                f"{n / t['import']:,.0f}",
                f"{t['import'] / t['raw']:.2f}x",
                f"{t['again']:.2f}",
                f"{t['again'] / t['raw SELECT']:.1f}x",
                f"{t['corrected']:.2f}",
                f"{r['changed']:,}",
            ]
        )
    print(
        benchlib.table(
            [
                "dataset",
                "values",
                f"raw {raw_name} s",
                "import s",
                "values/s",
                "import/raw",
                "again s",
                "again/SELECT",
                "corrected s",
                "updates",
            ],
            lines,
        )
    )
    print()
    print(
        "import phases, wall seconds (write = COPY of new values + staged updates, or "
        "executemany, with the audit rows); CPU = this process's CPU seconds for the whole import:"
    )
    phase_names = ["read+check", "compare", "write", "roll-ups"]
    rows = []
    for r in results:
        p = r["phases"]
        rest = r["times"]["import"] - sum(p.get(k, 0.0) for k in phase_names)
        write = p.get("write", 0.0)
        rows.append(
            [
                r["name"],
                *(f"{p.get(k, 0.0):.2f}" for k in phase_names),
                f"{rest:.2f}",
                f"{write / r['times']['raw']:.2f}x",
                f"{r['times']['import CPU']:.2f}",
            ]
        )
    print(benchlib.table(["dataset", *phase_names, "other", "write/raw", "CPU"], rows))
    if not postgres:
        return
    print()
    print(
        "CPU seconds, this process + PostgreSQL (steadier than wall seconds on a shared machine); "
        "phases as above:"
    )
    rows = []
    for r in results:
        t, c = r["times"], r["phase_cpu"]
        raw = t["raw CPU"] + t["raw server CPU"]
        imported = t["import CPU"] + t["import server CPU"]
        rest = imported - sum(c.get(k, 0.0) for k in phase_names)
        rows.append(
            [
                r["name"],
                f"{t['raw CPU']:.2f} + {t['raw server CPU']:.2f}",
                f"{t['import CPU']:.2f} + {t['import server CPU']:.2f}",
                f"{imported / raw:.2f}x",
                *(f"{c.get(k, 0.0):.2f}" for k in phase_names),
                f"{rest:.2f}",
            ]
        )
    print(
        benchlib.table(
            ["dataset", "raw CPU", "import CPU", "import/raw", *phase_names, "other"], rows
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds of the 74k set (3)")
    parser.add_argument("--no-million", action="store_true", help="skip the 1M dataset")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: indicator_import", label)
        from django.db import connection

        started = dt.datetime.now()
        user, indicators, codes = setup()
        postmaster = benchlib.postmaster_pid()
        POSTMASTER[0] = postmaster
        before = benchlib.cpu_sample(postgres=postmaster)
        results = [run_dataset("74k", user, indicators[:1], codes, args.runs, warmup=True)]
        if not args.no_million:
            results.append(run_dataset("1M", user, indicators, codes, 1, warmup=False))
        cpu = benchlib.cpu_cores(before, benchlib.cpu_sample(postgres=postmaster))
        report(results, connection.vendor == "postgresql")
        print(
            f"\nCPU while measuring, average cores busy (of {os.cpu_count()}): machine "
            f"{cpu['machine']:.2f}, this process {cpu['own']:.2f}"
            + (f", PostgreSQL {cpu['postgres']:.2f}" if postmaster else "")
            + f", everything else {cpu['other']:.2f}"
        )
        print(f"load avg after: {benchlib.load_average()}")
        print(f"whole run: {(dt.datetime.now() - started).total_seconds():.0f} s")


if __name__ == "__main__":
    main()
