"""``./saan manage import_projects FILE --owner SHORTNAME --user USERNAME [--commit]``

Reads a work-register spreadsheet (XLSX or CSV) and prints what would happen to every row;
with ``--commit`` writes it, all or nothing, as that user (their permissions apply per row).
``--report FILE.csv|.xlsx`` saves the row-by-row report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from saan.partners.models import Organisation
from saan.projects.importing import import_file
from saan.projects.importing.report import report_csv, report_xlsx
from saan.projects.models import ImportOutcome


class Command(BaseCommand):
    help = "Import a work-register spreadsheet (XLSX/CSV): preview, or write with --commit."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--owner", required=True, help="owner organisation's short name")
        parser.add_argument("--user", required=True, help="username to import as")
        parser.add_argument("--commit", action="store_true", help="write (default: preview)")
        parser.add_argument(
            "--sheet", default=None, help="sheet name (default: first with a header)"
        )
        parser.add_argument("--report", default=None, help="save the row report (.csv or .xlsx)")
        parser.add_argument("--quiet-rows", action="store_true", help="print only the summary")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ / no such file: {path}")
        owner = Organisation.objects.filter(
            Q(short_name=options["owner"])
            | Q(short_name_en__iexact=options["owner"])
            | Q(name_th=options["owner"])
        ).first()
        if owner is None:
            raise CommandError(f"ไม่พบหน่วยงาน / no such organisation: {options['owner']}")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"ไม่พบผู้ใช้ / no such user: {options['user']}")
        result = import_file(
            actor=user,
            owner=owner,
            file_bytes=path.read_bytes(),
            filename=path.name,
            commit=options["commit"],
            sheet=options["sheet"],
        )
        if result.plan is None:
            raise CommandError(result.error)
        batch = result.batch
        assert batch is not None
        self.stdout.write(
            f"{path.name}: แผ่นงาน “{batch.sheet_name or '-'}”, หัวตารางแถวที่ {batch.header_row}"
        )
        if not options["quiet_rows"]:
            for row in result.plan.rows:
                if (
                    row.outcome in (ImportOutcome.CREATE, ImportOutcome.UNCHANGED)
                    and not row.warnings
                ):
                    continue
                self.stdout.write(
                    f"  แถว {row.number}: {ImportOutcome(row.outcome).label}"
                    + (f" — {row.title[:50]}" if row.title else "")
                )
                if row.reason:
                    self.stdout.write(f"      {row.reason}")
                for p in row.problems:
                    self.stdout.write(
                        f"      ✗ [{p.column or '-'}] {p.message}"
                        + (f" → {p.fix}" if p.fix else "")
                    )
                for w in row.warnings:
                    self.stdout.write(f"      ! [{w.column or '-'}] {w.message}")
        counts = result.counts
        summary = ", ".join(f"{ImportOutcome(k).label} {v}" for k, v in counts.items())
        if result.error:
            self.stderr.write(self.style.ERROR(result.error))
        elif result.committed:
            self.stdout.write(self.style.SUCCESS(f"บันทึกแล้ว / committed: {summary}"))
        else:
            self.stdout.write(f"ตรวจสอบเท่านั้น ยังไม่บันทึก (ใช้ --commit) / preview only: {summary}")
        if result.seconds:
            timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
            self.stdout.write(f"เวลา / time: {timing}")
        if options["report"]:
            out = Path(options["report"])
            data = report_xlsx(batch) if out.suffix.lower() == ".xlsx" else report_csv(batch)
            out.write_bytes(data)
            self.stdout.write(f"รายงาน / report: {out}")
        if result.error:
            raise CommandError(result.error)
