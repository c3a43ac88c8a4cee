"""``./saan manage send_resolution_reminders``: e-mail the owners of resolutions due within seven
days or overdue. Idempotent per day: run it from cron as often as you like."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saan.forums.reminders import send_resolution_reminders


class Command(BaseCommand):
    help = "E-mail reminders for resolutions due within 7 days or overdue (once a day each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="act as if today were this date (YYYY-MM-DD, CE); for testing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["date"]) if options.get("date") else None
        run = send_resolution_reminders(today=today)
        self.stdout.write(
            f"reminders: {len(run.sent)} sent ({run.messages} e-mails), "
            f"{run.skipped} already sent today"
        )
