"""A fund's ledger as CSV or Excel: one row per entry with the running balance. Every text cell
goes through ``safe_cell``, so a description such as ``=HYPERLINK(…)`` stays text."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse

from saan.core.spreadsheets import csv_bytes, safe_row
from saan.funds import queries
from saan.funds.models import Fund

HEADER = [
    "ปีงบประมาณ",
    "วันที่ (ค.ศ.)",
    "ประเภทรายการ",
    "แหล่งรายรับ",
    "หมวดการจ่าย",
    "โครงการ",
    "ผู้รับ",
    "รายละเอียด",
    "เลขที่เอกสาร",
    "กลับรายการของ (เลขที่รายการ)",
    "เลขที่รายการ",
    "รับ (บาท)",
    "จ่าย (บาท)",
    "คงเหลือ (บาท)",
]


def ledger_rows(fund: Fund, years: list[int]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for year in years:
        for line in queries.ledger(fund, year).lines:
            e = line.entry
            effect = e.effect
            rows.append(
                safe_row(
                    [
                        year,
                        e.date.isoformat(),
                        str(e.get_kind_display()),
                        str(e.get_source_display()) if e.source else "",
                        str(e.get_category_display()) if e.category else "",
                        e.project.title if e.project else "",
                        e.recipient,
                        e.description,
                        e.reference,
                        e.reverses_id or "",
                        e.pk,
                        effect if effect > 0 else "",
                        -effect if effect < 0 else "",
                        line.balance,
                    ]
                )
            )
    return rows


def csv_response(fund: Fund, years: list[int], filename: str) -> HttpResponse:
    content = csv_bytes([HEADER, *ledger_rows(fund, years)])
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(fund: Fund, years: list[int], filename: str) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "ledger"
    ws.append(HEADER)
    for row in ledger_rows(fund, years):
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
