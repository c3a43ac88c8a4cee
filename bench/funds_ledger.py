"""What the balance rules cost when a fund's open year is long.

    ./saan bench funds_ledger [--writes N]                      # temporary SQLite file
    scripts/pg-temp -- ./saan bench funds_ledger                # throwaway PostgreSQL

Every money-out entry (``services.entry_create`` of a grant) must check that no running balance,
on its date or after, falls below zero (or below an approved overdraft): it sums the open years'
entries up to its date in the database, then walks the entries dated after it one by one. For
open years holding 100, 1,000 and 10,000 entries spread over ปีงบประมาณ 2569 (a busy savings
group records a few thousand a year), this times N grants (default 50) dated in the year's last
month, so about a twelfth of the entries lie after each, through the service (lock, validation,
balance check, save, audit) against a raw ``INSERT`` of the same row in its own transaction (no
check, no audit), and the fund page's figures (``year_balances`` + the year's ``ledger``: the
latest 500 lines, running balances over all) against a raw ``SUM`` grouped by kind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import benchlib

SIZES = (100, 1_000, 10_000)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, benchlib.percentile(ordered, 95) * 1000


def setup() -> tuple[Any, Any, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from saan.areas.models import Area
    from saan.partners.models import Organisation

    for name, options in (
        ("migrate", {"interactive": False, "verbosity": 0}),
        ("load_areas", {}),
        ("load_reference", {}),
    ):
        seconds, _ = timed(lambda n=name, o=options: call_command(n, stdout=StringIO(), **o))
        print(f"{name}: {seconds:.2f} s", flush=True)
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass")
    return user, Area.objects.get(code="400108"), Organisation.objects.get(short_name="พอช.")


def fill(fund: Any, period: Any, user: Any, count: int) -> None:
    """``count`` member contributions spread over fiscal year 2569, written in bulk."""
    from saan.funds.models import Entry

    start = dt.date(2025, 10, 1)
    Entry.objects.bulk_create(
        [
            Entry(
                fund=fund,
                period=period,
                kind="income",
                source="members",
                date=start + dt.timedelta(days=i * 365 // count),
                amount=Decimal("30.00"),
                created_by=user,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )


def run_size(user: Any, area: Any, organisation: Any, size: int, writes: int) -> list[str]:
    from django.db import connection, transaction

    from saan.funds import queries, services
    from saan.funds.models import Entry, FiscalPeriod

    fund = services.fund_create(
        actor=user,
        name=f"bench {size}",
        kind="savings",
        area=area,
        organisation=organisation,
        start_year=2569,
        opening_balance="1000000",
    )
    period = FiscalPeriod.objects.get(fund=fund, fiscal_year=2569)
    fill(fund, period, user, size)
    service, raw = [], []
    for i in range(writes):
        day = dt.date(2026, 9, 1) + dt.timedelta(days=i % 20)
        seconds, _ = timed(
            lambda d=day: services.entry_create(
                actor=user,
                fund=fund,
                kind="grant",
                date=d,
                amount="10",
                category="illness",
                recipient="bench",
            )
        )
        service.append(seconds)

        def insert(d: dt.date = day) -> None:
            with transaction.atomic():
                Entry.objects.create(
                    fund=fund,
                    period=period,
                    kind="grant",
                    category="illness",
                    recipient="bench",
                    date=d,
                    amount=Decimal("10.00"),
                )

        seconds, _ = timed(insert)
        raw.append(seconds)
    page, page_raw = [], []
    for _ in range(10):
        seconds, _ = timed(
            lambda: (queries.year_balances(fund), queries.ledger(fund, 2569, limit=500))
        )
        page.append(seconds)

        def raw_sum() -> list[Any]:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT kind, SUM(amount) FROM funds_entry WHERE fund_id = %s GROUP BY kind",
                    [fund.pk],
                )
                return list(cursor.fetchall())

        seconds, _ = timed(raw_sum)
        page_raw.append(seconds)
    assert queries.books_check(fund) == []
    s_med, s_p95 = ms(service)
    r_med, _ = ms(raw)
    p_med, _ = ms(page)
    q_med, _ = ms(page_raw)
    return [
        f"{size:,}",
        f"{s_med:.1f} ms (p95 {s_p95:.1f})",
        f"{r_med:.2f} ms",
        f"{s_med / r_med:.0f}×",
        f"{p_med:.0f} ms",
        f"{q_med:.2f} ms",
        f"{p_med / q_med:.0f}×",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=50, help="grants per size (50)")
    args = parser.parse_args()
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: funds_ledger", label)
        user, area, organisation = setup()
        before = benchlib.cpu_sample(postgres=benchlib.postmaster_pid())
        rows = [run_size(user, area, organisation, size, args.writes) for size in SIZES]
        after = benchlib.cpu_sample(postgres=benchlib.postmaster_pid())
        print()
        print(
            "grant = services.entry_create (lock, checks, balance check over the open years, save, "
            "audit); raw = one INSERT in its own transaction; page = year_balances + the year's "
            "ledger (latest 500 lines shown, balances over all); raw = SUM(amount) GROUP BY kind:"
        )
        print(
            benchlib.table(
                [
                    "entries in open year",
                    "grant",
                    "raw insert",
                    "ratio",
                    "page figures",
                    "raw SUM",
                    "ratio",
                ],
                rows,
            )
        )
        cores = benchlib.cpu_cores(before, after)
        print()
        print("cores used: " + ", ".join(f"{k} {v:.2f}" for k, v in cores.items()))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
