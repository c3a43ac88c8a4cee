"""Importing a large work register from a spreadsheet, against a raw bulk insert of the same rows.

    ./saan bench projects_import [--rows N] [--time-limit S]            # temporary SQLite file
    scripts/pg-temp -- ./saan bench projects_import [--rows N]           # throwaway PostgreSQL

Prepares an empty database (migrate, load_areas, load_reference), a superuser and three local
organisations, then builds N synthetic projects (default 100,000): the nine strategic partners
and the local organisations as owners, real subdistrict codes from the Area table (every tenth
project works in a whole district instead; one in ten projects is in ขอนแก่น), one budget line
each in fiscal years 2566–2569, a theme, a status, dates in พ.ศ.; written as a UTF-8 CSV with
Thai headers (``SAAN_IMPORT_MAX_BYTES`` is raised for it).

It times, in the same run and on the same rows:

* **raw** (the baseline): the projects, their areas and their budget lines, already built as
  tuples, inserted in one transaction with the DB-API: psycopg ``COPY`` on PostgreSQL,
  ``executemany`` on SQLite. The tables are emptied afterwards;
* **import**: ``saan.projects.importing.import_file(..., commit=True)`` on the CSV bytes, the
  path ``./saan manage import_projects --commit`` takes: read, map, parse every row (places,
  money, dates), decide create/update per row (identity, permission, validation), then write
  through ``services.project_bulk_save`` (projects, areas, themes, lead roles, budget lines,
  one audit row per project), the import's own rows and one ``import.commit`` audit row.

The import prints progress every 10,000 rows and is stopped (rolled back) at ``--time-limit``
seconds (default 900).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import benchlib

LOCAL_ORGS = [
    "สภาองค์กรชุมชนตำบลทดสอบหนึ่ง",
    "วิสาหกิจชุมชนทดสอบสอง",
    "มูลนิธิเพื่อการพัฒนาทดสอบสาม",
]
# Title stems; the row number makes each title different. One in seven mentions ผู้สูงอายุ.
TITLES = [
    "ส่งเสริมสุขภาพผู้สูงอายุในชุมชน",
    "บ้านมั่นคงชุมชนริมน้ำ",
    "กองทุนสวัสดิการชุมชน",
    "ธนาคารอาหารและเกษตรอินทรีย์",
    "ฟื้นฟูแหล่งน้ำและฝายมีชีวิต",
    "พัฒนาศักยภาพเด็กและเยาวชน",
    "เศรษฐกิจฐานรากและตลาดชุมชน",
]
STATUSES = [("planned", "วางแผน"), ("ongoing", "กำลังดำเนินการ"), ("completed", "เสร็จสิ้น")]
FISCAL_YEARS = [2566, 2567, 2568, 2569]
HEADER = [
    "รหัสโครงการ",
    "ชื่อโครงการ",
    "หน่วยงาน",
    "รหัสพื้นที่",
    "งบประมาณ (บาท)",
    "ปีงบประมาณ",
    "ประเด็น",
    "สถานะ",
    "วันเริ่ม",
    "วันสิ้นสุด",
]
PROGRESS_EVERY = 10_000


@dataclass
class Context:
    user: Any
    owners: list[tuple[int, str]]  # (id, the name written in the file)
    subdistricts: list[str]
    districts: list[str]
    kk_subdistricts: list[str]
    kk_districts: list[str]
    themes: list[tuple[int, str]]


@dataclass
class Row:
    number: int
    ref_code: str
    title: str
    owner_id: int
    owner_name: str
    area: str
    amount: int
    fiscal_year: int
    theme_id: int
    theme_name: str
    status: str
    status_th: str

    @property
    def start(self) -> dt.date:
        return dt.date(self.fiscal_year - 544, 10, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.fiscal_year - 543, 9, 30)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


# ------------------------------------------------------------------------------ preparation


def setup() -> Context:
    """Migrate the empty database and load what the rows refer to."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from saan.areas.models import Area, Level
    from saan.partners.models import Organisation, Sector
    from saan.projects.models import Theme

    for name, options in [
        ("migrate", {"interactive": False, "verbosity": 0}),
        ("load_areas", {}),
        ("load_reference", {}),
    ]:
        seconds, _ = timed(lambda n=name, o=options: call_command(n, stdout=StringIO(), **o))
        print(f"{name}: {seconds:.2f} s")
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass")
    home = Area.objects.get(code="400108")
    for name in LOCAL_ORGS:
        Organisation.objects.create(name_th=name, sector=Sector.COMMUNITY, home_area=home)
    partners = Organisation.objects.filter(is_strategic_partner=True).order_by("pk")
    owners = [(o.pk, o.short_name or o.name_th) for o in partners]
    owners += [(o.pk, o.name_th) for o in Organisation.objects.filter(name_th__in=LOCAL_ORGS)]

    def codes(level: str, prefix: str = "") -> list[str]:
        qs = Area.objects.filter(level=level, code__startswith=prefix).order_by("code")
        return list(qs.values_list("code", flat=True))

    themes = list(Theme.objects.order_by("sort_order", "pk").values_list("pk", "name_th"))
    context = Context(
        user=user,
        owners=owners,
        subdistricts=codes(Level.SUBDISTRICT),
        districts=codes(Level.DISTRICT),
        kk_subdistricts=codes(Level.SUBDISTRICT, "40"),
        kk_districts=codes(Level.DISTRICT, "40"),
        themes=themes,
    )
    print(
        f"owners: {len(owners)} ({sum(1 for o in partners)} strategic partners + "
        f"{len(LOCAL_ORGS)} local); subdistricts: {len(context.subdistricts):,}; "
        f"districts: {len(context.districts):,}; themes: {len(themes)}"
    )
    return context


def dataset(n: int, context: Context) -> list[Row]:
    """N projects, deterministic."""
    rows = []
    for i in range(n):
        in_kk = i % 10 == 3
        if i % 10 == 7:
            pool = context.kk_districts if in_kk else context.districts
        else:
            pool = context.kk_subdistricts if in_kk else context.subdistricts
        owner_id, owner_name = context.owners[i % len(context.owners)]
        theme_id, theme_name = context.themes[(i // 3) % len(context.themes)]
        status, status_th = STATUSES[i % len(STATUSES)]
        rows.append(
            Row(
                number=i + 1,
                ref_code=f"BENCH-{i + 1:06d}",
                title=f"{TITLES[i % len(TITLES)]} รุ่นที่ {i // len(TITLES) + 1}",
                owner_id=owner_id,
                owner_name=owner_name,
                area=pool[(i * 7919) % len(pool)],
                amount=10_000 * (1 + (i * 31) % 97),
                # By tens, so ขอนแก่น (i % 10 == 3) gets every fiscal year.
                fiscal_year=FISCAL_YEARS[(i // 10) % len(FISCAL_YEARS)],
                theme_id=theme_id,
                theme_name=theme_name,
                status=status,
                status_th=status_th,
            )
        )
    return rows


def thai_date(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year + 543}"


def csv_bytes(rows: list[Row]) -> bytes:
    """The rows as an agency would export them: "80,000.-", พ.ศ. dates, a title line."""
    lines = ["ทะเบียนโครงการ (ข้อมูลทดสอบ),,,,,,,,,", ",".join(HEADER)]
    for r in rows:
        lines.append(
            f'{r.ref_code},{r.title},{r.owner_name},{r.area},"{r.amount:,}.-",{r.fiscal_year},'
            f"{r.theme_name},{r.status_th},{thai_date(r.start)},{thai_date(r.end)}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------ raw baseline


def raw_tuples(rows: list[Row], user_id: int, *, full: bool = False) -> dict[str, list[tuple]]:
    """Tuples for a DB-API insert, ids assigned here (1..N): projects, project areas, budget
    lines; with ``full`` also the lead roles and themes the site shows."""
    from django.utils import timezone

    from saan.core.textsearch import search_key

    now = timezone.now()
    keys: dict[str, str] = {}
    projects, areas, lines, roles, themes = [], [], [], [], []
    for r in rows:
        stem = TITLES[(r.number - 1) % len(TITLES)]
        if stem not in keys:
            keys[stem] = search_key(stem)
        words = f"{keys[stem]}รุ่นที่ {(r.number - 1) // len(TITLES) + 1} {r.ref_code.lower()} "
        projects.append(
            (r.number, r.owner_id, r.ref_code, r.title, "", "", r.status, "alliance",
             r.start, r.end, r.fiscal_year, r.fiscal_year, words, 1, now, now, user_id)
        )  # fmt: skip
        areas.append((r.number, r.area))
        lines.append((r.number, r.fiscal_year, Decimal(r.amount), "planned", None, ""))
        if full:
            roles.append((r.number, r.owner_id, "lead"))
            themes.append((r.number, r.theme_id))
    tables = {"project": projects, "area": areas, "line": lines}
    if full:
        tables |= {"role": roles, "theme": themes}
    return tables


COLUMNS = {
    "project": (
        "id, owner_id, ref_code, title, summary, objectives, status, visibility, start_date, "
        "end_date, fy_start, fy_end, search_text, version, created_at, updated_at, created_by_id"
    ),
    "area": "project_id, area_id",
    "line": "project_id, fiscal_year, amount, stage, source_id, note",
    "role": "project_id, organisation_id, role",
    "theme": "project_id, theme_id",
}


def table_names() -> dict[str, str]:
    from django.db import connection

    from saan.projects.models import BudgetLine, Project, ProjectArea, ProjectOrganisation

    quote = connection.ops.quote_name
    return {
        "project": quote(Project._meta.db_table),
        "area": quote(ProjectArea._meta.db_table),
        "line": quote(BudgetLine._meta.db_table),
        "role": quote(ProjectOrganisation._meta.db_table),
        "theme": quote(Project.themes.through._meta.db_table),
    }


def raw_insert(tables: dict[str, list[tuple]]) -> None:
    """One transaction, DB-API only: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    names = table_names()
    with transaction.atomic():
        cursor = connection.connection.cursor()
        try:
            for key, rows in tables.items():
                table, columns = names[key], COLUMNS[key]
                if connection.vendor == "postgresql":
                    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["?"] * len(columns.split(",")))
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                        (tuple(_sqlite(v) for v in row) for row in rows),
                    )
            if connection.vendor == "postgresql":
                # Later inserts through Django take ids after the ones given here.
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{names['project']}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {names['project']}))"
                )
        finally:
            cursor.close()


def _sqlite(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def empty_project_tables() -> None:
    """Delete every project and what hangs off it (including the audit rows and import
    batches a previous step wrote)."""
    from django.db import connection, transaction

    from saan.audit.models import AuditEvent
    from saan.projects.models import ImportBatch, ImportRow, Project

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [quote(m._meta.db_table) for m in (Project, AuditEvent, ImportBatch)]
            cursor.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
        else:
            with transaction.atomic():
                ImportRow.objects.all().delete()
                ImportBatch.objects.all().delete()
                AuditEvent.objects.all().delete()
                for key in ("theme", "role", "line", "area", "project"):
                    cursor.execute(f"DELETE FROM {table_names()[key]}")  # noqa: S608
            cursor.execute("VACUUM")


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def row_counts() -> dict[str, int]:
    from saan.audit.models import AuditEvent
    from saan.projects.models import (
        BudgetLine,
        ImportRow,
        Project,
        ProjectArea,
        ProjectOrganisation,
    )

    return {
        "projects": Project.objects.count(),
        "project areas": ProjectArea.objects.count(),
        "budget lines": BudgetLine.objects.count(),
        "project roles": ProjectOrganisation.objects.count(),
        "project themes": Project.themes.through.objects.count(),
        "audit rows": AuditEvent.objects.count(),
        "import rows": ImportRow.objects.count(),
    }


# ------------------------------------------------------------------------------ the import


class OutOfTime(Exception):
    pass


def watch_import(limit: float) -> Callable[[], None]:
    """Print the import's progress and stop it (it rolls back) once ``limit`` seconds pass.
    Returns a function that undoes the wrapping."""
    from saan.projects.importing import plan

    started = time.perf_counter()
    original_parse, original_progress = plan.parse_rows, plan._progress
    last = {"phase": "", "done": -PROGRESS_EVERY}

    def say(phase: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        if phase != last["phase"] or done - last["done"] >= PROGRESS_EVERY or done == total:
            print(f"  {elapsed:7.1f} s  {phase}: {done:,} / {total:,}", flush=True)
            last["phase"], last["done"] = phase, done
        if elapsed > limit:
            raise OutOfTime(f"stopped after {elapsed:.0f} s (--time-limit {limit:g})")

    def parse_rows(batch: Any, table: Any, *, progress: Any = None) -> Any:
        return original_parse(batch, table, progress=lambda d, t: say("parsing", d, t))

    def progress(batch: Any, phase: str, done: int, total: int) -> None:
        original_progress(batch, phase, done, total)
        say(phase, done, total)

    plan.parse_rows, plan._progress = parse_rows, progress

    def undo() -> None:
        plan.parse_rows, plan._progress = original_parse, original_progress

    return undo


def run(args: argparse.Namespace) -> None:
    from django.db import connection

    from saan.partners.models import Organisation
    from saan.projects.importing import import_file

    postgres = connection.vendor == "postgresql"
    context = setup()
    seconds, rows = timed(lambda: dataset(args.rows, context))
    print(f"generate {len(rows):,} projects: {seconds:.2f} s")
    seconds, data = timed(lambda: csv_bytes(rows))
    print(f"write CSV: {len(data) / 1e6:.1f} MB in {seconds:.2f} s")

    # Baseline: the same rows through the DB-API.
    tuples = raw_tuples(rows, context.user.pk)
    postmaster = benchlib.postmaster_pid()
    before = benchlib.cpu_sample(postgres=postmaster)
    raw_seconds, _ = timed(lambda: raw_insert(tuples))
    raw_cpu = benchlib.cpu_cores(before, benchlib.cpu_sample(postgres=postmaster))
    raw_counts = row_counts()
    print(
        f"raw insert ({'COPY' if postgres else 'executemany'}): {raw_seconds:.2f} s, "
        f"{raw_counts['projects']:,} projects, {raw_counts['project areas']:,} areas, "
        f"{raw_counts['budget lines']:,} budget lines"
    )
    empty_project_tables()
    analyze()

    # The import.
    owner = Organisation.objects.get(short_name="สช.")
    undo = watch_import(args.time_limit)
    print("import_file(commit=True):")
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    before = benchlib.cpu_sample(postgres=postmaster)
    try:
        import_seconds, result = timed(
            lambda: import_file(
                actor=context.user,
                owner=owner,
                file_bytes=data,
                filename="bench-projects.csv",
                commit=True,
            )
        )
    finally:
        import_cpu = benchlib.cpu_cores(before, benchlib.cpu_sample(postgres=postmaster))
        undo()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
            print(f"profile written to {args.profile} (timings inflated by the profiler)")
    if result.error or not result.committed:
        print(f"import did not commit: {result.error}")
        raise SystemExit(1)
    counts = row_counts()
    phases = result.seconds
    rate = counts["projects"] / import_seconds
    print()
    print(f"import: {import_seconds:.2f} s for {args.rows:,} rows; outcomes: {result.counts}")
    print(
        benchlib.table(
            ["phase", "seconds", "share"],
            [
                [name, f"{phases[name]:.2f}", f"{phases[name] / import_seconds:.0%}"]
                for name in ("read", "parse", "decide", "write")
                if name in phases
            ],
        )
    )
    print()
    print("rows written by the import:")
    print(benchlib.table(["table", "rows"], [[k, f"{v:,}"] for k, v in counts.items()]))
    print()
    print(
        benchlib.table(
            ["what", "seconds", "projects/s", "vs raw"],
            [
                [
                    f"raw insert, 3 tables ({'COPY' if postgres else 'executemany'})",
                    f"{raw_seconds:.2f}",
                    f"{args.rows / raw_seconds:,.0f}",
                    "baseline",
                ],
                [
                    "import_file(commit=True), end to end",
                    f"{import_seconds:.2f}",
                    f"{rate:,.0f}",
                    f"{import_seconds / raw_seconds:.1f}x",
                ],
            ],
        )
    )
    print()
    print(f"CPU while measuring, average cores busy (of {os.cpu_count()}):")
    print(
        benchlib.table(
            ["step", "machine", "this process", "PostgreSQL", "everything else", "CPU s (ours)"],
            [
                [
                    name,
                    f"{cpu['machine']:.2f}",
                    f"{cpu['own']:.2f}",
                    f"{cpu.get('postgres', 0):.2f}" if postmaster else "-",
                    f"{cpu['other']:.2f}",
                    f"{(cpu['own'] + cpu.get('postgres', 0)) * secs:.1f}",
                ]
                for name, cpu, secs in (
                    ("raw insert", raw_cpu, raw_seconds),
                    ("import", import_cpu, import_seconds),
                )
            ],
        )
    )
    target = 60.0
    verdict = "meets" if import_seconds < target else "misses"
    print(f"target: {args.rows:,} rows under {target:.0f} s on PostgreSQL: {verdict} it")
    print(f"\nload avg after: {benchlib.load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--profile", metavar="FILE", help="write a cProfile of the import to FILE (pstats)"
    )
    parser.add_argument("--rows", type=int, default=100_000, help="projects (default 100000)")
    parser.add_argument(
        "--time-limit", type=float, default=900, help="stop the import after S seconds (900)"
    )
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be positive")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        # Room for the whole file: 100,000 rows are about 17 MB of CSV.
        os.environ["SAAN_IMPORT_MAX_BYTES"] = str(500 * 1024 * 1024)
        os.environ["SAAN_IMPORT_MAX_ROWS"] = str(max(300_000, args.rows + 10))
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: projects_import", label)
        run(args)


if __name__ == "__main__":
    main()
