"""``./saan manage purge_import_files [--days N] [--dry-run]``: delete the uploaded files of
indicator imports older than N days (default ``SAAN_IMPORT_KEEP_DAYS``, 90). The imports'
records and reports stay; each deleted file is audited. Safe to run again (e.g. daily from
cron): what is already deleted is not touched.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saan.indicators.importing.retention import keep_days, purge_import_files


class Command(BaseCommand):
    help = "Delete stored indicator import files older than N days (records and reports stay)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="keep files this many days (setting: 90)"
        )
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else keep_days()
        try:
            found = purge_import_files(actor=None, days=days, dry_run=options["dry_run"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would delete" if options["dry_run"] else "deleted"
        for item in found:
            self.stdout.write(
                f"{verb} #{item.pk} {item.filename} ({item.size:,} bytes, {item.status}, "
                f"uploaded {item.created_at:%Y-%m-%d})"
            )
        total = sum(item.size for item in found)
        self.stdout.write(f"{verb} {len(found)} file(s), {total:,} bytes, older than {days} days")
