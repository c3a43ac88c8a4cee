"""``./saan manage load_areas``: the official area tree from the geothai package. Idempotent."""

from typing import Any

import geothai
from django.core.management.base import BaseCommand

from saan.areas.services import load_areas


class Command(BaseCommand):
    help = "Load or update the 77 provinces, 928 districts and 7,436 subdistricts from geothai."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_areas()
        for level, label in (
            ("province", "provinces"),
            ("district", "districts"),
            ("subdistrict", "subdistricts"),
        ):
            self.stdout.write(
                f"{label:>12}: {report.total[level]:>5,} in geothai {geothai.DATA_VERSION}, "
                f"{report.created[level]:,} created, {report.changed[level]:,} changed"
            )
        if not report.any_change:
            self.stdout.write(self.style.SUCCESS("areas are up to date: 0 created, 0 changed"))
