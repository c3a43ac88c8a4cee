"""``./saan manage load_reference``: the reference area groups (health regions, the alliance's
programme and phases), the nine strategic partners, and the work register's themes and target
groups, and the indicator catalogue. Creates what is missing; never
overwrites what administrators edited."""

import json
from importlib.resources import files
from typing import Any

from django.core.management.base import BaseCommand

from saan.areas.services import load_area_groups
from saan.indicators.catalogue import load_catalogue
from saan.partners.services import load_partners
from saan.projects.services import load_vocabulary


def _data(package: str, name: str) -> dict[str, Any]:
    return json.loads(files(package).joinpath(f"data/{name}").read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = "Load reference area groups and strategic partners (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        groups = load_area_groups(_data("saan.areas", "area_groups.json"))
        created, kept = load_partners(_data("saan.partners", "partners.json"))
        words, words_kept = load_vocabulary(_data("saan.projects", "vocabulary.json"))
        indicators, indicators_kept = load_catalogue(_data("saan.indicators", "catalogue.json"))
        self.stdout.write(
            f"area groups: {groups.created} created ({groups.members} members), "
            f"{groups.kept} already present"
        )
        self.stdout.write(f"organisations: {created} created, {kept} already present")
        self.stdout.write(
            f"themes and target groups: {words} created, {words_kept} already present"
        )
        self.stdout.write(f"indicators: {indicators} created, {indicators_kept} already present")
