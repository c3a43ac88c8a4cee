"""``./saan manage import_values FILE --user USERNAME [--commit]``: import indicator values from
a CSV, Excel or DHIS2 file as that user (their grants decide which areas they may write).

Without ``--commit`` it only previews: the layout it understood, the count of every outcome and
every refused, skipped or conflicting value with its row and reason (``-v 2``: every value).
With ``--commit`` it commits the file in one transaction, exactly as the import page does.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saan.indicators.importing import messages as msg
from saan.indicators.importing.messages import ImportBlocked, ImportFileError
from saan.indicators.importing.plan import Options, Plan
from saan.indicators.importing.services import commit_file, preview


class Command(BaseCommand):
    help = "Preview (and with --commit, import) indicator values from a CSV, XLSX or DHIS2 file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv, .xlsx or DHIS2 .json/.csv file")
        parser.add_argument("--user", required=True, help="import as this username")
        parser.add_argument("--commit", action="store_true", help="write the values")
        parser.add_argument("--indicator", default="", help="indicator code for the whole file")
        parser.add_argument("--period", default="", help="period for the whole file")
        parser.add_argument(
            "--skip-rejected", action="store_true", help="commit the rest when values are refused"
        )
        parser.add_argument(
            "--reopen-accepted",
            action="store_true",
            help="change accepted values the file differs from (they must be verified again)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {options['user']!r}") from None
        verbose = options["verbosity"] >= 2
        chosen = Options(
            indicator=options["indicator"],
            period=options["period"],
            skip_rejected=options["skip_rejected"],
            report_limit=None if verbose else 0,
        )
        started = time.perf_counter()
        try:
            plan = preview(actor=user, content=content, filename=path.name, options=chosen)
            if options["reopen_accepted"]:
                ids = frozenset(
                    o.value_id
                    for o in plan.report.outcomes
                    if o.kind == msg.CONFLICT and o.value_id
                )
                chosen = replace(chosen, reopen=ids)
            if options["commit"]:
                batch, plan = commit_file(
                    actor=user, content=content, filename=path.name, options=chosen
                )
        except (ImportFileError, ImportBlocked) as exc:
            raise CommandError(str(exc)) from None
        self._report(plan, verbose)
        seconds = time.perf_counter() - started
        if options["commit"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"committed import #{batch.pk}: {plan.resolved.read:,} values read in "
                    f"{seconds:.1f} s"
                )
            )
        else:
            self.stdout.write(f"preview only ({seconds:.1f} s); add --commit to write the values")

    def _report(self, plan: Plan, verbose: bool) -> None:
        layout = plan.resolved.layout
        self.stdout.write(
            f"file: {plan.resolved.file_format}, shape {layout.shape}"
            + (f", sheet {layout.table!r}" if layout.table else "")
            + (f", header on row {layout.header_row}" if layout.header_row else "")
        )
        if layout.ignored:
            self.stdout.write(f"columns not used: {', '.join(layout.ignored)}")
        counts = plan.counts
        self.stdout.write(
            "  ".join(f"{msg.kind_label(k)} {counts[k]:,}" for k in msg.KINDS)
            + f"  (reopened {counts['reopened']:,})"
        )
        for o in plan.sorted_outcomes():
            if verbose or o.kind in (msg.REJECTED, msg.CONFLICT, msg.SKIPPED):
                where = f"row {o.row}" + (f" {o.column}" if o.column else "")
                detail = " ".join(x for x in (o.indicator, o.area, o.period, o.breakdown) if x)
                change = f"{o.old} → {o.value}" if o.old else o.value
                self.stdout.write(
                    f"{where}: {msg.kind_label(o.kind)} {detail} {change} {o.message}".rstrip()
                )
