"""The spreadsheet import in a real browser: สมชาย (editor for พอช. in ขอนแก่น) uploads a messy
workbook, fixes the one column the automatic mapping does not recognise, previews, commits,
and finds the projects on the province page and in the register filtered by area.

Chromium through Playwright's sync API against pytest-django's live server, as in
``saan/core/tests/test_browser.py``, with the helpers of ``saan.core.tests.browser``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from saan.conftest import PASSWORD, org
from saan.core.tests.browser import DESKTOP, shoot, sign_in, tab
from saan.projects.models import BudgetLine, ImportBatch, ImportStatus, Project

pytestmark = pytest.mark.browser

# The column the automatic mapping leaves out: "money received" is no budget synonym.
UNKNOWN_BUDGET_HEADER = "เงินที่ได้รับ"

# Title, subdistrict, district, province, money, fiscal year, start, end, status.
ROWS: list[list[Any]] = [
    ["ธนาคารข้าวชุมชนบ้านโนนทอง", "ต.สาวะถี", "อ.เมืองขอนแก่น", "จ.ขอนแก่น", "80,000.-", "๒๕๖๘",
     "1/10/2567", "30/9/2568", "กำลังดำเนินการ"],
    ["กองทุนสวัสดิการผู้สูงอายุตำบลบ้านทุ่ม", "ต.บ้านทุ่ม", "อ.เมือง", "จ.ขอนแก่น", "๑๒๐,๐๐๐",
     "2568", "๑/๑๑/๒๕๖๗", "๓๑/๘/๒๕๖๘", "วางแผน"],
    ["ฟื้นฟูแหล่งน้ำชุมชนพระลับ", "พระลับ", "เมืองขอนแก่น", "ขอนแก่น", "45,500.-", "๒๕๖๘",
     "1 ธ.ค. 2567", "30 ก.ย. 2568", "กำลังดำเนินการ"],
    [None] * 9,
    # ตราด is outside สมชาย's ขอนแก่น: refused, with the reason.
    ["บ้านมั่นคงริมคลองบางพระ", "ต.บางพระ", "อ.เมืองตราด", "จ.ตราด", "800,000", "2568",
     "1/10/2567", "30/9/2568", "วางแผน"],
]  # fmt: skip
TITLES = [row[0] for row in ROWS[:3]]


def messy_workbook() -> bytes:
    """A title row, a merged two-row header with Thai names, Thai digits, พ.ศ. dates,
    "80,000.-", ต./อ./จ. prefixes, a blank row, a totals row and a footnote."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "โครงการ ปี ๖๘"
    ws["A1"] = "ทะเบียนโครงการ สถาบันพัฒนาองค์กรชุมชน จังหวัดขอนแก่น ปีงบประมาณ พ.ศ. ๒๕๖๘"
    ws.merge_cells("A1:J1")
    top = ["ลำดับ", "ชื่อโครงการ", "พื้นที่ดำเนินการ", None, None, UNKNOWN_BUDGET_HEADER,
           "ปีงบประมาณ", "ระยะเวลา", None, "สถานะโครงการ"]  # fmt: skip
    sub = [None, None, "ตำบล", "อำเภอ", "จังหวัด", None, None, "วันเริ่ม", "วันสิ้นสุด", None]
    for col, (upper, lower) in enumerate(zip(top, sub, strict=True), start=1):
        if upper:
            ws.cell(3, col, upper)
        if lower:
            ws.cell(4, col, lower)
    for col in (1, 2, 6, 7, 10):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    ws.merge_cells("C3:E3")
    ws.merge_cells("H3:I3")
    number = 0
    for offset, values in enumerate(ROWS):
        row = 5 + offset
        if values[0] is None:
            continue  # the blank row
        number += 1
        ws.cell(row, 1, number)
        for col, value in enumerate(values, start=2):
            ws.cell(row, col, value)
    total = 5 + len(ROWS)
    ws.cell(total, 2, "รวมทั้งสิ้น")
    ws.cell(total, 6, "1,045,500")
    ws.cell(total + 2, 1, "หมายเหตุ: ข้อมูลจากสำนักงานภาคอีสาน")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def page(browser: Any, live_server: Any, reference: None) -> Iterator[Any]:
    with tab(browser, live_server, timeout=15_000, viewport=DESKTOP) as page:
        yield page


def test_focal_point_imports_a_messy_workbook(page: Any, cast: Any, tmp_path: Path) -> None:
    workbook = tmp_path / "พอช-ขอนแก่น-2568.xlsx"
    workbook.write_bytes(messy_workbook())
    sign_in(page, "somchai", PASSWORD)

    # 1. Upload.
    page.goto("/projects/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("นำเข้าจากไฟล์ Excel/CSV")
    expect(page.get_by_label("นำเข้าโครงการของหน่วยงาน")).to_contain_text("พอช.")
    page.get_by_label("ไฟล์ Excel (.xlsx) หรือ CSV").set_input_files(str(workbook))
    page.get_by_role("button", name="อ่านไฟล์").click()

    # 2. Columns: the header was found under the title row; the money column was not
    # recognised, so it would not be imported. Map it to the budget.
    expect(page).to_have_url(re.compile(r"/projects/import/\d+/columns/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("จับคู่คอลัมน์")
    # A two-row header is named by its lower row (4): the data starts right under it.
    expect(page.get_by_label("แถวหัวตาราง")).to_have_value("4")
    expect(page.get_by_text("ข้อมูลใต้หัวตาราง")).to_be_visible()
    title_column = page.get_by_label(re.compile(r"^B · .*ชื่อโครงการ"))
    expect(title_column).to_have_value("title")
    expect(page.get_by_label(re.compile(r"^C · .*ตำบล"))).to_have_value("subdistrict")
    money = page.get_by_label(re.compile(rf"^F · .*{UNKNOWN_BUDGET_HEADER}"))
    expect(money).to_have_value("")  # "— ไม่นำเข้า —"
    money_row = page.locator("table.list tbody tr").filter(has=money)
    expect(money_row).to_contain_text("80,000.-")  # the sample values help recognise it
    money.select_option(label="งบประมาณ (บาท)")
    shoot(page, "import-columns-fixed")
    page.get_by_role("button", name="ตรวจสอบทุกแถว").click()

    # 3. Preview: three new projects; two blank rows (after row 3 and before the footnote),
    # the totals row and the footnote skipped with their reasons; ตราด refused.
    expect(page).to_have_url(re.compile(r"/projects/import/\d+/preview/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ตรวจสอบก่อนบันทึก")
    stats = page.locator("ul.stats li")
    expect(stats.filter(has_text="สร้างใหม่").locator("strong")).to_have_text("3")
    expect(stats.filter(has_text="แก้ไข").locator("strong")).to_have_text("0")
    expect(stats.filter(has_text="ข้าม").locator("strong")).to_have_text("4")
    expect(stats.filter(has_text="ไม่นำเข้า").locator("strong")).to_have_text("1")
    main = page.locator("main")
    expect(main).to_contain_text("คุณไม่มีสิทธิ์บันทึกโครงการของ พอช. ใน ต.บางพระ")
    expect(main).to_contain_text("แถวรวมยอด")
    expect(main).to_contain_text("หมายเหตุ")
    expect(main).to_contain_text("แถวที่ไม่ผ่าน 1 แถวจะไม่ถูกบันทึก")
    expect(main).to_contain_text("งบประมาณ (บาท)")  # among the columns imported
    shoot(page, "import-preview")
    assert not Project.objects.exists(), "the preview wrote projects"

    # 4. Commit.
    page.get_by_role("button", name="ยืนยันบันทึก 3 แถว").click()
    expect(page).to_have_url(re.compile(r"/projects/import/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("บันทึกเรียบร้อย")
    expect(page.locator("ul.stats li").filter(has_text="สร้างใหม่").locator("strong")).to_have_text(
        "3"
    )

    # The database: three พอช. projects in ขอนแก่น, the money read as baht for FY 2568.
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.COMMITTED
    assert batch.mapping["5"] == "budget"
    projects = {p.title: p for p in Project.objects.prefetch_related("areas", "budget_lines")}
    assert sorted(projects) == sorted(TITLES)
    assert {p.owner_id for p in projects.values()} == {org("พอช.").pk}
    expected = {
        TITLES[0]: ("400108", Decimal("80000")),
        TITLES[1]: (None, Decimal("120000")),
        TITLES[2]: (None, Decimal("45500")),
    }
    for title, (code, amount) in expected.items():
        project = projects[title]
        areas = [a.code for a in project.areas.all()]
        assert len(areas) == 1 and areas[0].startswith("4001"), (title, areas)
        if code:
            assert areas == [code]
        lines = [(b.fiscal_year, b.amount) for b in project.budget_lines.all()]
        assert lines == [(2568, amount)], (title, lines)
        assert (project.fy_start, project.fy_end) == (2568, 2568)
    first = projects[TITLES[0]]
    assert (first.start_date.isoformat(), first.end_date.isoformat()) == (
        "2024-10-01",
        "2025-09-30",
    )
    assert BudgetLine.objects.count() == 3
    assert not Project.objects.filter(areas__code__startswith="23").exists()

    # 5. The province page: "who does what here" counts them, with their budget.
    page.goto("/areas/40/")
    panel = page.locator("#who-does-what")
    expect(panel.get_by_role("heading", name="ใครทำอะไรที่นี่")).to_be_visible()
    panel_stats = panel.locator("ul.stats li")
    expect(panel_stats.filter(has_text="โครงการที่ครอบคลุมพื้นที่นี้")).to_contain_text("3")
    expect(panel_stats.filter(has_text="งบประมาณรวม")).to_contain_text("245,500 บาท")
    codi_row = panel.locator("table.matrix tbody tr").filter(has_text="พอช.")
    expect(codi_row).to_have_count(1)
    expect(codi_row.locator("td").last).to_contain_text("245,500")
    shoot(page, "import-province-40")

    # 6. The register filtered by the province: each project, the first at 80,000 baht.
    panel_stats.filter(has_text="โครงการที่ครอบคลุมพื้นที่นี้").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/projects/\?area=40$"))
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(3)
    for title in TITLES:
        expect(rows.filter(has_text=title)).to_have_count(1)
    rice_bank = rows.filter(has_text=TITLES[0])
    expect(rice_bank).to_contain_text("ต.สาวะถี")
    expect(rice_bank).to_contain_text("2568")
    expect(rice_bank.locator("td.num")).to_have_text("80,000 บาท")
    expect(rows.filter(has_text=TITLES[1]).locator("td.num")).to_have_text("120,000 บาท")
    shoot(page, "import-list-area-40")
