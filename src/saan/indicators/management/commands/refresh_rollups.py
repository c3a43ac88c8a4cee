"""``./saan manage refresh_rollups [--indicator CODE]``: recompute every stored roll-up from
the values (set-based, in the database, one transaction per indicator). Roll-ups are kept fresh
by every change, so this is for after an upgrade that adds roll-up columns (e.g. the accepted
and returned counts) or after values were changed outside the services.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from saan.indicators import rollups
from saan.indicators.models import DataValue, Indicator


class Command(BaseCommand):
    help = "Recompute the stored roll-ups of every indicator (or one) from the values."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", default="", help="only this indicator code")

    def handle(self, *args: Any, **options: Any) -> None:
        indicators = Indicator.objects.exclude(aggregation="ratio").order_by("pk")
        if options["indicator"]:
            indicators = indicators.filter(code=options["indicator"])
            if not indicators.exists():
                raise CommandError(f"no such indicator (or a ratio): {options['indicator']}")
        total = 0
        for indicator in indicators:
            periods = sorted(
                set(
                    DataValue.objects.filter(indicator=indicator)
                    .values_list("period", flat=True)
                    .distinct()
                )
            )
            if not periods:
                continue
            with transaction.atomic():
                written = rollups.refresh([(indicator.pk, p) for p in periods])
            total += written
            self.stdout.write(f"{indicator.code}: {len(periods)} periods, {written:,} rows")
        self.stdout.write(f"{total:,} roll-up rows written")
