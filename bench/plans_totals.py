"""How long the joint-plan totals take when every baht is counted once.

    ./saan bench plans_totals [--per-item 40] [--runs 5]           # temporary SQLite file
    scripts/pg-temp -- ./saan bench plans_totals                    # throwaway PostgreSQL

Setup (not timed): a joint plan in each of the 77 provinces with 6 items, each with
``--per-item`` contributions (default 40: 18,480 rows) at all four stages from the province's
budget sources; one contribution in ten passes on part of another (a transfer chain).

Timed, median of ``--runs``:

* **alliance co-investment** (``queries.co_investment``: every visible contribution, transfer
  chains resolved, grouped by source × fiscal year, partner and province) for an
  administrator, against a raw ``SUM ... GROUP BY source, fiscal_year`` over the same rows (which
  counts passed-on money twice: the baseline is what the page would cost without the rule);
* **one province's plan page data** (``queries.plan_funding``: items with prefetches, counted
  totals per item and goal) against a raw ``SUM ... GROUP BY item`` for that plan.

Both checks that the counted totals equal the raw sum minus the passed-on amounts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import benchlib

ITEMS_PER_PLAN = 6
FY = 2569


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def setup(per_item: int) -> tuple[Any, int]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from saan.areas.models import Area, Level
    from saan.partners.models import Organisation
    from saan.plans import services
    from saan.plans.models import BudgetSource, Contribution, Plan, PlanItem

    for name in ("migrate", "load_areas", "load_reference"):
        options: dict[str, Any] = (
            {"interactive": False, "verbosity": 0} if name == "migrate" else {}
        )
        seconds, _ = timed(lambda n=name, o=options: call_command(n, stdout=StringIO(), **o))
        print(f"{name}: {seconds:.2f} s", flush=True)
    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass")
    orgs = list(Organisation.objects.order_by("pk")[:20])
    rng = random.Random("saan-bench-plans")
    start = time.perf_counter()
    provinces = list(Area.objects.filter(level=Level.PROVINCE).order_by("code"))
    for province in provinces:
        plan = services.plan_create(
            actor=admin, area=province, fiscal_year=FY, title=f"แผนร่วม {province.name_th}"
        )
        sources = list(BudgetSource.objects.filter(area=province))
        items = PlanItem.objects.bulk_create(
            [
                PlanItem(plan=plan, order=n, title=f"รายการ {n}", budget_needed=Decimal(1_000_000))
                for n in range(1, ITEMS_PER_PLAN + 1)
            ]
        )
        for item in items:
            rows = []
            for _n in range(per_item):
                pledged = Decimal(rng.randrange(10_000, 500_000, 1_000))
                committed = pledged * Decimal(rng.choice(["1", "0.8", "0.5", "0"]))
                disbursed = (committed * Decimal(rng.choice(["1", "0.6", "0"]))).quantize(
                    Decimal("1")
                )
                rows.append(
                    Contribution(
                        item=item,
                        organisation=rng.choice(orgs),
                        source=rng.choice(sources),
                        fiscal_year=FY,
                        pledged=pledged,
                        committed=committed,
                        disbursed=disbursed,
                        spent=(disbursed / 2).quantize(Decimal("1")),
                    )
                )
            made = Contribution.objects.bulk_create(rows)
            # One in ten passes half of another one on (a transfer chain).
            for down, up in zip(made[1::10], made[0::10], strict=False):
                for stage in ("pledged", "committed", "disbursed", "spent"):
                    setattr(down, stage, (getattr(up, stage) / 2).quantize(Decimal("1")))
                down.funded_by = up
                down.organisation = next(o for o in orgs if o.pk != up.organisation_id)
                down.save()
    total = Contribution.objects.count()
    print(
        f"setup: {len(provinces)} plans, {total:,} contributions "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return admin, Plan.objects.get(area_id="40").pk


def raw_co_investment() -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT source_id, fiscal_year, SUM(pledged) FROM plans_contribution "
            "GROUP BY source_id, fiscal_year"
        )
        return list(cur.fetchall())


def raw_plan(plan_id: int) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.item_id, SUM(c.pledged), SUM(c.committed), SUM(c.disbursed), SUM(c.spent) "
            "FROM plans_contribution c JOIN plans_planitem i ON i.id = c.item_id "
            "WHERE i.plan_id = %s GROUP BY c.item_id",
            [plan_id],
        )
        return list(cur.fetchall())


def measure(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _n in range(runs):
        seconds, result = timed(action)
        times.append(seconds)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-item", type=int, default=40, help="contributions per item (40)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (5)")
    args = parser.parse_args()
    with benchlib.temporary_directory() as tmp:
        label = benchlib.configure(Path(tmp))
        import django

        django.setup()
        benchlib.require_empty_database()
        benchlib.print_header("Saan bench: plans_totals", label)
        admin, plan_id = setup(args.per_item)
        from django.db.models import Sum

        from saan.plans import queries
        from saan.plans.models import Contribution, Plan

        recorded = Contribution.objects.aggregate(s=Sum("pledged"))["s"]
        passed = Contribution.objects.filter(funded_by__isnull=False).aggregate(s=Sum("pledged"))[
            "s"
        ]
        postgres = benchlib.postmaster_pid()
        before = benchlib.cpu_sample(postgres=postgres)
        co_s, picture = measure(args.runs, lambda: queries.co_investment(admin, "pledged"))
        raw_co_s, _rows = measure(args.runs, raw_co_investment)
        plan = Plan.objects.get(pk=plan_id)
        plan_s, (_goals, counted_rows) = measure(
            args.runs, lambda: queries.plan_funding(admin, plan)
        )
        raw_plan_s, _rows = measure(args.runs, lambda: raw_plan(plan_id))
        after = benchlib.cpu_sample(postgres=postgres)
        assert picture["total"] == recorded - passed, (picture["total"], recorded, passed)
        print()
        print(
            benchlib.table(
                ["what", "Saan (counted once)", "raw SUM (counts twice)", "ratio"],
                [
                    [
                        f"alliance co-investment, {Contribution.objects.count():,} rows",
                        f"{co_s * 1000:.0f} ms",
                        f"{raw_co_s * 1000:.1f} ms",
                        f"{co_s / raw_co_s:.0f}×",
                    ],
                    [
                        f"one plan ({ITEMS_PER_PLAN} items, {len(counted_rows)} contributions)",
                        f"{plan_s * 1000:.1f} ms",
                        f"{raw_plan_s * 1000:.2f} ms",
                        f"{plan_s / raw_plan_s:.0f}×",
                    ],
                ],
            )
        )
        print()
        print(
            f"pledged: recorded {recorded:,.0f} baht, passed on {passed:,.0f}, "
            f"counted {picture['total']:,.0f} (= recorded − passed on)"
        )
        cores = benchlib.cpu_cores(before, after)
        print(
            "cores used during the timed part: "
            + ", ".join(f"{k} {v:.2f}" for k, v in cores.items())
        )


if __name__ == "__main__":
    main()
