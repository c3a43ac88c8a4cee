"""How soon a corrected value (and a whole import) shows in the province and country figures.

    ./saan bench rollup_freshness [--corrections N]                      # temporary SQLite file
    scripts/pg-temp -- ./saan bench rollup_freshness [--page]             # throwaway PostgreSQL

Roll-ups are refreshed synchronously, inside the transaction that changes the values, so
"fresh" is the moment the change commits. For each kind of change this times the commit
(write + audit + roll-up refresh) and then a read of the province (จ.ขอนแก่น, 40) and country
roll-up rows through the ORM, and checks that the read shows the new total:

* **one correction through the entry service** (``services.value_set``) of a subdistrict in
  Khon Kaen, N times (default 50), each a different subdistrict and value; the baseline is a
  raw ``UPDATE`` of that one row in its own transaction, and, for the read, a raw ``SUM`` over
  the province's values (what a page would compute on every request without roll-ups);
* **a corrected one-value file** through the importer (``commit_file``, the same path as the
  import page), 10 times;
* **a 74k import** (one indicator × 7,436 subdistricts × 10 fiscal years) into an empty table,
  against a raw bulk insert of the same rows (COPY on PostgreSQL, executemany on SQLite), and
  **a 74k corrected import** in which every value changes (74,360 updates with audit rows).

``--page`` (PostgreSQL only) then fills the values table to about 10 million rows with COPY (the
catalogue's 16 summed and averaged indicators × 7,436 subdistricts × 12 fiscal years × 7
breakdowns), refreshes every roll-up, and measures GET /indicators/area/40/ (the province
picture page) with 16 concurrent clients through gunicorn, anonymously and then as a signed-in
coordinator of จ.ขอนแก่น, against the site's stylesheet on the same server, using
``province_page.py``'s client and server code.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import signal
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import benchlib

PERIODS = [f"{y}Oct" for y in range(2015, 2025)]
CURRENT = PERIODS[-1]


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def stats(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {benchlib.percentile(ordered, 95) * 1000:.1f} ms"
    )


def setup() -> tuple[Any, Any, list[str]]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from saan.areas.models import Area, Level
    from saan.indicators.models import Indicator

    for name, options in (
        ("migrate", {"interactive": False, "verbosity": 0}),
        ("load_areas", {}),
        ("load_reference", {}),
    ):
        seconds, _ = timed(lambda n=name, o=options: call_command(n, stdout=StringIO(), **o))
        print(f"{name}: {seconds:.2f} s", flush=True)
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass")
    indicator = Indicator.objects.create(
        code="bench-fresh",
        name_th="ตัวชี้วัดทดสอบความสดของผลรวม",
        source="survey",
        polarity="neutral",
        value_type="count",
        aggregation="sum",
    )
    codes = list(
        Area.objects.filter(level=Level.SUBDISTRICT).order_by("code").values_list("code", flat=True)
    )
    return user, indicator, codes


def csv_for(indicator: Any, codes: list[str], shift: int = 0) -> bytes:
    lines = ["รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า"]
    for p, period in enumerate(PERIODS):
        for code in codes:
            lines.append(f"{indicator.code},{code},{period},{(int(code) + p + shift) % 1000}")
    return ("\n".join(lines) + "\n").encode()


def table_name(model: Any) -> str:
    from django.db import connection

    return connection.ops.quote_name(model._meta.db_table)


def empty_values() -> None:
    from django.db import connection, transaction

    from saan.audit.models import AuditEvent
    from saan.indicators.models import DataValue, IndicatorImport, Rollup

    names = [table_name(m) for m in (DataValue, Rollup, AuditEvent, IndicatorImport)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(names)}")
        else:
            with transaction.atomic():
                for name in names:
                    cursor.execute(f"DELETE FROM {name}")  # noqa: S608 (names from models)


def raw_bulk(indicator: Any, codes: list[str], user: Any) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from saan.indicators.models import DataValue

    now = timezone.now()
    columns = (
        "indicator_id, area_id, period, breakdown, value, source_note, state, note, "
        "entered_by_id, entered_at, updated_at"
    )
    rows = [
        (indicator.pk, code, period, "", (int(code) + p) % 1000, "", "entered", "", user.pk, now,
         now)
        for p, period in enumerate(PERIODS)
        for code in codes
    ]  # fmt: skip
    table = table_name(DataValue)
    with transaction.atomic():
        cursor = connection.connection.cursor()
        try:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                stamp = connection.ops.adapt_datetimefield_value(now)
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['?'] * 11)})",  # noqa: S608
                    [(*r[:9], stamp, stamp) for r in rows],
                )
        finally:
            cursor.close()


def read_rollups(indicator: Any) -> tuple[Decimal, Decimal]:
    from saan.indicators.models import Rollup

    province = Rollup.objects.get(indicator=indicator, area_code="40", period=CURRENT, breakdown="")
    country = Rollup.objects.get(indicator=indicator, area_code="", period=CURRENT, breakdown="")
    return Decimal(province.value), Decimal(country.value)


def raw_sums(indicator: Any) -> tuple[Decimal, Decimal]:
    """The same two figures computed from the values on read (no roll-ups)."""
    from django.db import connection

    from saan.indicators.models import DataValue

    table = table_name(DataValue)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM(value) FROM {table} WHERE indicator_id = %s AND period = %s "  # noqa: S608
            "AND breakdown = '' AND area_id LIKE '40%%'",
            [indicator.pk, CURRENT],
        )
        province = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT SUM(value) FROM {table} WHERE indicator_id = %s AND period = %s "  # noqa: S608
            "AND breakdown = ''",
            [indicator.pk, CURRENT],
        )
        country = cursor.fetchone()[0]
    return Decimal(province), Decimal(country)


def raw_update(pk: int, value: int) -> None:
    from django.db import connection, transaction

    from saan.indicators.models import DataValue

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table_name(DataValue)} SET value = %s WHERE id = %s",  # noqa: S608
            [value, pk],
        )


def corrections(user: Any, indicator: Any, codes: list[str], n: int) -> list[list[str]]:
    from saan.areas.models import Area
    from saan.indicators.importing.plan import Options
    from saan.indicators.importing.services import commit_file
    from saan.indicators.models import DataValue
    from saan.indicators.services import value_set

    khon_kaen = [c for c in codes if c.startswith("40")]
    rng = random.Random(2568)
    targets = rng.sample(khon_kaen, n)
    service, reads, raw_writes, raw_reads, files = [], [], [], [], []
    for i, code in enumerate(targets):
        area = Area.objects.get(code=code)
        expected_province, expected_country = raw_sums(indicator)
        old = DataValue.objects.get(indicator=indicator, area=area, period=CURRENT, breakdown="")
        new = int(old.value) + 1000 + i
        seconds, _ = timed(
            lambda a=area, v=new: value_set(
                actor=user, indicator=indicator, area=a, period=CURRENT, value=v
            )
        )
        service.append(seconds)
        read, (province, country) = timed(lambda: read_rollups(indicator))
        reads.append(read)
        delta = new - old.value
        if (province, country) != (expected_province + delta, expected_country + delta):
            raise SystemExit(f"stale roll-up after correcting {code}: {province}, {country}")
        seconds, _ = timed(lambda pk=old.pk, v=new + 1: raw_update(pk, v))
        raw_writes.append(seconds)
        seconds, _ = timed(lambda: raw_sums(indicator))
        raw_reads.append(seconds)
        raw_update(old.pk, new)  # back to what the roll-ups say
    for i, code in enumerate(targets[:10]):
        content = f"รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\n{indicator.code},{code},{CURRENT},{7 + i}\n"
        seconds, _ = timed(
            lambda c=content: commit_file(
                actor=user, content=c.encode(), filename="one.csv", options=Options()
            )
        )
        read, (province, _) = timed(lambda: read_rollups(indicator))
        if province != raw_sums(indicator)[0]:
            raise SystemExit("stale province roll-up after a one-value import")
        files.append(seconds + read)
    print(
        f"corrections: value_set {stats(service)}; read {stats(reads)}; raw UPDATE "
        f"{stats(raw_writes)}; raw SUM {stats(raw_reads)}; one-value file {stats(files)}",
        flush=True,
    )
    m = statistics.median
    both = sorted(s + r for s, r in zip(service, reads, strict=True))
    return [
        [
            f"one correction, value_set (x{n})",
            f"{m(service) * 1000:.1f} ms",
            f"{m(reads) * 1000:.2f} ms",
            f"{(m(service) + m(reads)) * 1000:.1f} ms",
            f"{benchlib.percentile(both, 95) * 1000:.1f} ms",
            f"raw UPDATE {m(raw_writes) * 1000:.1f} ms + raw SUM {m(raw_reads) * 1000:.1f} ms",
            f"{(m(service) + m(reads)) / (m(raw_writes) + m(raw_reads)):.1f}x",
        ],
        [
            "one-value file, commit_file (x10)",
            "",
            "",
            f"{m(files) * 1000:.1f} ms",
            f"{benchlib.percentile(sorted(files), 95) * 1000:.1f} ms",
            "same",
            f"{m(files) / (m(raw_writes) + m(raw_reads)):.1f}x",
        ],
    ]


def imports(user: Any, indicator: Any, codes: list[str]) -> list[list[str]]:
    from saan.indicators.importing.plan import Options
    from saan.indicators.importing.services import commit_file

    rows = []
    empty_values()
    gc.collect()
    raw, _ = timed(lambda: raw_bulk(indicator, codes, user))
    raw_read, _ = timed(lambda: raw_sums(indicator))
    empty_values()
    for label, shift in (("74k import into an empty table", 0), ("74k corrected import", 1)):
        content = csv_for(indicator, codes, shift)
        gc.collect()
        seconds, (_, plan) = timed(
            lambda c=content: commit_file(
                actor=user, content=c, filename="all.csv", options=Options(report_limit=100)
            )
        )
        read, (province, country) = timed(lambda: read_rollups(indicator))
        if (province, country) != raw_sums(indicator):
            raise SystemExit(f"stale roll-ups after the {label}")
        changed = plan.counts["create"] + plan.counts["update"]
        print(f"{label}: {changed:,} values, commit {seconds:.2f} s, read {read * 1000:.1f} ms")
        rows.append(
            [
                f"{label} ({changed:,})",
                f"{seconds * 1000:,.0f} ms",
                f"{read * 1000:.2f} ms",
                f"{(seconds + read) * 1000:,.0f} ms",
                "",
                f"raw bulk insert {raw * 1000:,.0f} ms + raw SUM {raw_read * 1000:.1f} ms",
                f"{(seconds + read) / (raw + raw_read):.1f}x",
            ]
        )
    return rows


# --------------------------------------------------------------------- the province page


BREAKDOWNS = ["", "sex:f", "sex:m", "age:0-14", "age:15-59", "age:60+", "disability"]
PAGE_PERIODS = [f"{y}Oct" for y in range(2013, 2025)]


def fill_ten_million(codes: list[str], user: Any, breakdowns: int = len(BREAKDOWNS)) -> int:
    """Write ~10M values for the catalogue's summed and averaged indicators with one set-based
    ``INSERT … SELECT`` per indicator in the database (subdistricts × periods × breakdowns,
    nothing passes through Python), then refresh every roll-up. Returns the number of values."""
    from django.db import connection, transaction
    from django.utils import timezone

    from saan.areas.models import Area
    from saan.indicators import rollups
    from saan.indicators.models import DataValue, Indicator

    indicators = list(Indicator.objects.exclude(aggregation="ratio").order_by("pk"))
    now = timezone.now()
    columns = (
        "indicator_id, area_id, period, breakdown, value, source_note, state, note, "
        "entered_by_id, entered_at, updated_at"
    )
    kinds = BREAKDOWNS[:breakdowns]
    periods_sql = ", ".join(f"('{period}', {p})" for p, period in enumerate(PAGE_PERIODS))
    kinds_sql = ", ".join(f"('{kind}', {b})" for b, kind in enumerate(kinds))
    total = len(indicators) * len(codes) * len(PAGE_PERIODS) * len(kinds)
    print(f"page: {total:,} values ({len(indicators)} indicators), set-based …", flush=True)
    started = time.perf_counter()
    written = 0
    for indicator in indicators:
        top = int(indicator.plausible_max or 1000)
        scale = max(1, top // 200)
        if top <= 10:
            value = "((CAST(a.code AS integer) + p.n + b.n) %% 60 + 40) / 10.0"
        else:
            value = f"((CAST(a.code AS integer) * 7 + p.n * 13 + b.n) %% 200 + 1) * {scale} / 10"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"WITH p(period, n) AS (VALUES {periods_sql}), "  # noqa: S608 - bench SQL
                f"b(kind, n) AS (VALUES {kinds_sql}) "
                f"INSERT INTO {table_name(DataValue)} ({columns}) "
                f"SELECT %s, a.code, p.period, b.kind, {value}, '', 'entered', '', %s, %s, %s "
                f"FROM {table_name(Area)} a CROSS JOIN p CROSS JOIN b "
                "WHERE a.level = 'subdistrict'",
                [indicator.pk, user.pk, now, now],
            )
        written += len(codes) * len(PAGE_PERIODS) * len(kinds)
        print(
            f"  {indicator.code}: {written:,} values, {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    print(f"  values written in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    pairs = [(i.pk, p) for i in indicators for p in PAGE_PERIODS]
    with transaction.atomic():  # one refresh of every pair, as a whole-table import does
        rollups.refresh(pairs)
    print(
        f"  roll-ups of {len(pairs)} (indicator, period) pairs: "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return total


def profile_one(path: str) -> None:
    """The SQL of one in-process request, slowest first."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(path)  # template, URL and catalogue caches of the process
    for label in ("first request after a change (content not cached)", "repeat request"):
        if label.startswith("first"):
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        captured = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        total = sum(float(q["time"]) for q in captured)
        print(
            f"\n{label}, {path}: {seconds * 1000:.1f} ms in-process, {len(captured)} queries, "
            f"{total * 1000:.1f} ms in SQL; slowest:"
        )
        for q in captured[:6]:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
    if os.environ.get("SAAN_BENCH_PROFILE"):
        import cProfile
        import pstats

        cache.clear()
        profiler = cProfile.Profile()
        profiler.runcall(client.get, path)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def coordinator_cookie() -> str:
    """A session cookie of a coordinator of จ.ขอนแก่น (สสส.'s grant for province 40)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from saan.partners.models import Membership, Organisation, Role

    person = get_user_model().objects.create_user("bench-coordinator", password="bench-pass")
    organisation = Organisation.objects.order_by("pk").first()
    Membership.objects.create(
        user=person, organisation=organisation, role=Role.COORDINATOR, area_id="40"
    )
    client = Client()
    client.force_login(person)
    return f"sessionid={client.cookies['sessionid'].value}"


def page(args: argparse.Namespace, tmp: Path, codes: list[str], user: Any) -> None:
    import province_page
    from django.core.management import call_command
    from django.db import connection, connections
    from django.templatetags.static import static

    if connection.vendor != "postgresql":
        print("\n--page needs PostgreSQL (scripts/pg-temp); skipped")
        return
    empty_values()
    total = fill_ten_million(codes, user, args.breakdowns)
    call_command("collectstatic", interactive=False, verbosity=0)
    path = "/indicators/area/40/"
    profile_one(path)
    if args.no_load:
        return
    province_page.PAGES = [(path, f"province picture page, {total / 1e6:.1f}M values")]
    province_page.count_queries([path])
    postmaster = benchlib.postmaster_pid()
    connections.close_all()
    port = province_page.free_port()
    log = tmp / "gunicorn.log"
    server = province_page.start_server(port, args.workers, args.threads, log)
    try:
        static_url = static("saan/saan.css")
        province_page.wait_until_ready(server, port, static_url, log)
        roots = {"server": server.pid}
        if postmaster:
            roots["postgres"] = postmaster
        results = [province_page.measure(port, static_url, "static file", roots, args)]
        results.append(province_page.measure(port, path, "province picture page", roots, args))
        # The same page for a signed-in coordinator of ขอนแก่น: session, user and grants on top.
        province_page.REQUEST_HEADERS = {"Accept-Language": "th", "Cookie": coordinator_cookie()}
        results.append(
            province_page.measure(port, path, "same, signed-in coordinator", roots, args)
        )
    finally:
        province_page.stop_server(server)
    province_page.report(results, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corrections", type=int, default=50, help="single corrections (50)")
    parser.add_argument("--page", action="store_true", help="10M values, then the page (PG)")
    parser.add_argument(
        "--breakdowns", type=int, default=len(BREAKDOWNS), help="breakdowns per value (7)"
    )
    parser.add_argument("--page-only", action="store_true", help="skip the freshness part")
    parser.add_argument("--no-load", action="store_true", help="profile the page, no clients")
    parser.add_argument("--requests", type=int, default=1000, help="page requests (1000)")
    parser.add_argument("--warmup", type=int, default=64, help="untimed page requests (64)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (16)")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds per URL (60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    args = parser.parse_args()
    if args.corrections < 10:
        parser.error("--corrections must be at least 10")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        os.environ["SAAN_STATIC_ROOT"] = str(Path(tmp) / "static")
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: rollup_freshness", label)
        user, indicator, codes = setup()
        from saan.indicators.importing.plan import Options
        from saan.indicators.importing.services import commit_file

        if args.page_only:
            page(args, Path(tmp), codes, user)
            return
        rows = imports(user, indicator, codes)
        commit_file(
            actor=user,
            content=csv_for(indicator, codes),
            filename="all.csv",
            options=Options(report_limit=100),
        )
        rows = corrections(user, indicator, codes, args.corrections) + rows
        print()
        print(
            "commit = write + audit + roll-up refresh, in one transaction; read = the province "
            "and country roll-up rows through the ORM (checked against a raw SUM):"
        )
        print(
            benchlib.table(
                ["change", "commit", "read", "commit+read", "p95", "baseline (same run)", "ratio"],
                rows,
            )
        )
        if args.page:
            page(args, Path(tmp), codes, user)
        print(f"\nload avg after: {benchlib.load_average()}")


if __name__ == "__main__":
    main()
