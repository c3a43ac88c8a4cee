"""The row-by-row report of an import, as CSV (UTF-8 with BOM, so Excel shows Thai) or XLSX.

Every row of the sheet below the header is listed with its outcome and, for skipped and
rejected rows, why and what to do. Every cell goes through ``core.spreadsheets.safe_cell``: a
title that starts with "=" comes back as text, never as a formula.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from saan.core.spreadsheets import csv_bytes, safe_row
from saan.projects.models import ImportBatch, ImportOutcome


def _describe(items: list[dict[str, Any]]) -> str:
    lines = []
    for item in items:
        where = " ".join(x for x in (item.get("column", ""), item.get("header", "")) if x)
        text = item.get("message", "")
        if item.get("fix"):
            text += f" → {item['fix']}"
        lines.append(f"[{where}] {text}" if where else text)
    return "\n".join(lines)


def report_rows(batch: ImportBatch) -> list[list[Any]]:
    header = [
        _("แถวที่"),
        _("ผล"),
        _("ชื่อโครงการ"),
        _("รหัสโครงการ"),
        _("พื้นที่"),
        _("เหตุผลและวิธีแก้"),
        _("คำเตือน"),
        _("เลขโครงการในระบบ"),
    ]
    labels = dict(ImportOutcome.choices)
    rows: list[list[Any]] = [header]
    for r in batch.rows.order_by("row_number").iterator(chunk_size=2000):
        rows.append(
            [
                r.row_number,
                str(labels.get(r.outcome, r.outcome)),
                r.title,
                r.ref_code,
                r.place,
                _describe(r.problems),
                _describe(r.warnings),
                r.project_id or "",
            ]
        )
    return rows


def report_csv(batch: ImportBatch) -> bytes:
    return csv_bytes(report_rows(batch))


def report_xlsx(batch: ImportBatch) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = _("ผลการนำเข้า")[:31]
    for row in report_rows(batch):
        ws.append(safe_row(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", (8, 14, 50, 16, 40, 70, 50, 12), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
