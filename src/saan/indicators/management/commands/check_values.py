"""``./saan manage check_values``: count indicator values whose indicator, area, organisation or
users are missing (orphans), and fail (exit status 1) if there are any.

The values table has no database foreign-key constraints (see "The values table" in
docs/architecture.md): the services and the importer resolve every reference in the
transaction that writes, and the ORM refuses to delete an indicator or organisation that has
values. This command is the cheap check that nothing went around them (a raw SQL repair, a
restore of part of a database): one anti-join per reference, each a single pass over the
table. Run it after such work, or from a nightly job.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef, Q

from saan.areas.models import Area
from saan.indicators.models import DataValue, Indicator
from saan.partners.models import Organisation


def orphan_counts() -> dict[str, int]:
    """For each reference of a value, how many values point at a row that does not exist."""
    user = get_user_model()
    checks = {
        "indicator": ~Exists(Indicator.objects.filter(pk=OuterRef("indicator_id"))),
        "area": ~Exists(Area.objects.filter(pk=OuterRef("area_id"))),
        "organisation": Q(organisation_id__isnull=False)
        & ~Exists(Organisation.objects.filter(pk=OuterRef("organisation_id"))),
        "entered_by": Q(entered_by_id__isnull=False)
        & ~Exists(user.objects.filter(pk=OuterRef("entered_by_id"))),
        "state_by": Q(state_by_id__isnull=False)
        & ~Exists(user.objects.filter(pk=OuterRef("state_by_id"))),
    }
    return {name: DataValue.objects.filter(q).count() for name, q in checks.items()}


class Command(BaseCommand):
    help = "Count indicator values whose indicator, area, organisation or user is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = orphan_counts()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count:,} values point at a missing row")
        total = sum(counts.values())
        if total:
            raise CommandError(
                f"{total:,} orphan references in the values table; "
                "find them with the anti-joins in saan.indicators.management.commands.check_values"
            )
        self.stdout.write("every value's references exist")
