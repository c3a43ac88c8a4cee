"""Writes the two example work registers in this folder, messy the way agencies' files are.

    .venv/bin/python docs/examples/make_examples.py

- ``codi-khonkaen-2568.xlsx``: พอช. (CODI) projects in ขอนแก่น, FY 2568. A title block, a merged
  two-row header, Thai digits, พ.ศ. dates typed as text and as date cells, "80,000.-" and
  "1.2 ล้านบาท", ต./อ./จ. prefixes, "ทุกตำบล", a misspelled and an ambiguous subdistrict, a
  formula in a budget cell and in a title, a blank row, a header repeated after a page break,
  a row for another agency and one in ตราด (refused for สมชาย), totals and footnotes.
- ``nhso-trat-2568.xlsx``: สปสช. (NHSO) funds in ตราด. A second sheet of instructions in front,
  places in one "พื้นที่" column, a period ("ต.ค. 67 - ก.ย. 68") instead of two dates, one budget
  column per fiscal year, funding sources that are not partner organisations, subtotal rows
  per district and a source line at the bottom.

Import them with the management command (the demo's สมชาย edits for พอช. in ขอนแก่น; the
สปสช. file needs someone who may register for สปสช. in ตราด, such as the demo administrator):

    ./saan manage import_projects docs/examples/codi-khonkaen-2568.xlsx --owner พอช. --user somchai
    ./saan manage import_projects docs/examples/nhso-trat-2568.xlsx --owner สปสช. --user admin
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
# A fixed timestamp keeps the files byte-for-byte the same on every run.
CREATED = dt.datetime(2025, 1, 15, 9, 0)


def _put(ws: Worksheet, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, start=1):
        if value is not None:
            ws.cell(row, col, value)


def _head(ws: Worksheet, rows: range, cols: int) -> None:
    for r in rows:
        for c in range(1, cols + 1):
            cell = ws.cell(r, c)
            cell.font = BOLD
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _save(wb: Workbook, name: str) -> Path:
    wb.properties.created = CREATED
    wb.properties.modified = CREATED
    wb.properties.creator = "Saan examples"
    path = HERE / name
    wb.save(path)
    return path


def codi_khonkaen() -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "โครงการ ปี 68"
    ws["A1"] = "แผนงาน/โครงการ สถาบันพัฒนาองค์กรชุมชน (องค์การมหาชน) จังหวัดขอนแก่น"
    ws["A2"] = "ประจำปีงบประมาณ พ.ศ. ๒๕๖๘ (ข้อมูล ณ วันที่ ๑๕ มกราคม ๒๕๖๘)"
    ws.merge_cells("A1:Q1")
    ws.merge_cells("A2:Q2")
    ws["A1"].font = Font(bold=True, size=14)
    top = ["ลำดับ", "รหัสโครงการ", "ชื่อโครงการ/กิจกรรม", "พื้นที่ดำเนินการ", None, None,
           "งบประมาณ (บาท)", "ปีงบประมาณ", "ระยะเวลา", None, "ประเด็นงาน", "กลุ่มเป้าหมาย",
           "จำนวนเป้าหมาย", "สถานะโครงการ", "ผู้ประสานงาน", "เบอร์โทร", "หน่วยงาน"]  # fmt: skip
    sub = [None, None, None, "ตำบล", "อำเภอ", "จังหวัด", None, None, "วันที่เริ่มต้น", "วันสิ้นสุด"]
    _put(ws, 4, top)
    _put(ws, 5, sub)
    for col in (1, 2, 3, 7, 8, 11, 12, 13, 14, 15, 16, 17):
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    ws.merge_cells("D4:F4")
    ws.merge_cells("I4:J4")
    _head(ws, range(4, 6), 17)
    rows: list[list[Any]] = [
        [1, "CODI-KK-68-001", "บ้านมั่นคงชุมชนริมบึงแก่นนคร", "ต.ในเมือง", "อ.เมือง", "จ.ขอนแก่น",
         "2,450,000.-", "๒๕๖๘", "1/10/2567", "30/9/2568", "ที่อยู่อาศัย", "ครัวเรือน", "๘๒ ครัวเรือน",
         "กำลังดำเนินการ", "นางสาวจันทร์เพ็ญ ศรีสุข", "๐๘๑-๗๒๓-๔๕๖๐", "พอช."],
        [2, "CODI-KK-68-002", "กองทุนสวัสดิการชุมชนตำบลสาวะถี", "สาวะถี", "เมืองขอนแก่น", "ขอนแก่น",
         "350,000", 2568, dt.datetime(2024, 11, 1), dt.datetime(2025, 9, 30), "สวัสดิการชุมชน",
         "ผู้สูงอายุ (60 ปีขึ้นไป)", "1,200 คน", "กำลังดำเนินการ", "นายบุญมี แก้วประเสริฐ",
         "089-114-2231", None],
        [3, "CODI-KK-68-003", "สภาองค์กรชุมชนเชื่อมโยงเครือข่ายอำเภอพล", "ทุกตำบล", "อ.พล", "จ.ขอนแก่น",
         "1.2 ล้านบาท", "2568", "1 ต.ค. 2567", "30 ก.ย. 2568", "การมีส่วนร่วมและการกระจายอำนาจ",
         "ชุมชน", "12 ตำบล", "วางแผน", "นายสมศักดิ์ พลเยี่ยม", "043-414-000", "พอช."],
        [None] * 17,
        [4, "CODI-KK-68-004", "ธนาคารอาหารชุมชนบ้านเป็ด", "บ้านเป็ต", "เมืองขอนแก่น", "ขอนแก่น",
         "180,000.-", "2568", "1/12/67", "31/5/68", "เกษตรและความมั่นคงทางอาหาร", "เกษตรกร", "45",
         "เสร็จสิ้น", "นางละเอียด ดีพร้อม", "086-555-0102", None],
        [5, "CODI-KK-68-005", "ฟื้นฟูฝายมีชีวิตลำน้ำเชิญ", "โนนสะอาด", None, "ขอนแก่น", "600,000",
         "2568", "1/1/2568", "30/9/2568", "น้ำ", "ชุมชน", "5 ชุมชน", "กำลังดำเนินการ",
         "นายประเสริฐ ชุมแพ", "081-000-1111", None],
        [6, "CODI-KK-68-006", "ออมทรัพย์เพื่อการผลิตบ้านทุ่ม", "บ้านทุ่ม", "เมืองขอนแก่น", "ขอนแก่น",
         "=120000*1.5", "2568", "1/10/2567", "30/9/2568", "เศรษฐกิจชุมชน", "ครัวเรือน", "60",
         "กำลังดำเนินการ", "นางสมใจ รักถิ่น", "089-222-3333", None],
        [7, "CODI-KK-68-007", '=CONCATENATE("ศูนย์เรียนรู้","เกษตรอินทรีย์ท่าพระ")', "ท่าพระ",
         "เมืองขอนแก่น", "ขอนแก่น", "95,000", "2568", "1/2/2568", "31/8/2568", "เกษตร",
         "เกษตรกร", "30 คน", "วางแผน", "นายชาญ ทำนา", "087-444-5555", None],
        [8, "THP-KK-68-001", "ลดปัจจัยเสี่ยงโรคไม่ติดต่อในชุมชนแดงใหญ่", "แดงใหญ่", "เมืองขอนแก่น",
         "ขอนแก่น", "400,000", "2568", "1/10/2567", "30/9/2568", "สุขภาพ", "วัยทำงาน (19–59 ปี)",
         "500", "กำลังดำเนินการ", "นางวิไล ใจงาม", "081-666-7777", "สสส."],
        [9, "CODI-KK-68-009", "บ้านมั่นคงชนบทริมคลองบางพระ", "บางพระ", "เมืองตราด", "ตราด",
         "800,000", "2568", "1/10/2567", "30/9/2568", "ที่อยู่อาศัย", "ครัวเรือน", "40",
         "วางแผน", "นายทะเล สีคราม", "039-511-222", None],
    ]  # fmt: skip
    r = 6
    for values in rows:
        _put(ws, r, values)
        r += 1
    # The header again, as a printed report repeats it after a page break.
    _put(ws, r, ["ลำดับ", "รหัสโครงการ", "ชื่อโครงการ/กิจกรรม", "ตำบล", "อำเภอ", "จังหวัด",
                 "งบประมาณ (บาท)", "ปีงบประมาณ"])  # fmt: skip
    r += 1
    more: list[list[Any]] = [
        [10, "CODI-KK-68-010", "ตลาดนัดชุมชนบ้านค้อ", "บ้านค้อ", "เมืองขอนแก่น", "ขอนแก่น", "45,500",
         "2568", "15/3/2568", "31/2/2568", "เศรษฐกิจชุมชน", None, None, "วางแผน"],
        [11, "CODI-KK-68-011", "ครัวกลางชุมชนตำบลศิลา", "ศิลา", "เมืองขอนแก่น", "ขอนแก่น",
         "ประมาณสองแสน", "2568", "1/10/2567", "30/9/2568", "เกษตรและความมั่นคงทางอาหาร"],
        [12, "CODI-KK-68-012", "ซ่อมแซมบ้านผู้สูงอายุและผู้พิการ", "ต.หนองตูม", "อ.เมืองขอนแก่น",
         "จ.ขอนแก่น", "๒๗๐,๐๐๐", "๒๕๖๘", "๑/๔/๒๕๖๘", "๓๐/๙/๒๕๖๘", "ที่อยู่อาศัย, ผู้สูงอายุ",
         "คนพิการ", "๒๕", "กำลังดำเนินการ", "นางอรุณี แสงทอง", "๐๘๒-๑๑๑-๒๒๒๒"],
    ]  # fmt: skip
    for values in more:
        _put(ws, r, values)
        r += 1
    total_row = r
    _put(ws, total_row, [None, None, "รวมทั้งสิ้น", None, None, None, f"=SUM(G6:G{r - 1})"])
    ws.cell(total_row, 3).font = BOLD
    _put(ws, total_row + 2, ["หมายเหตุ: งบประมาณตามแผนปฏิบัติการ พอช. สำนักงานภาคอีสาน"])
    _put(ws, total_row + 3, ["1. โครงการที่ 3 ดำเนินการทุกตำบลในอำเภอพล"])
    _put(ws, total_row + 4, ["ที่มา: ฝ่ายแผนและงบประมาณ สถาบันพัฒนาองค์กรชุมชน"])
    for col, width in zip("ABCDEFGHIJKLMNOPQ", (6, 16, 42, 12, 14, 10, 14, 10, 12, 12, 24, 20, 12,
                                                 16, 24, 14, 10), strict=True):  # fmt: skip
        ws.column_dimensions[col].width = width
    ws["I7"].number_format = "d/m/yyyy"
    ws["J7"].number_format = "d/m/yyyy"
    return _save(wb, "codi-khonkaen-2568.xlsx")


def nhso_trat() -> Path:
    wb = Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "คำชี้แจง"
    notes["A1"] = "คำชี้แจงการกรอกข้อมูล"
    notes["A2"] = "กรอกข้อมูลโครงการในแผ่นงาน “ทะเบียนโครงการ” หนึ่งแถวต่อหนึ่งโครงการ"
    ws = wb.create_sheet("ทะเบียนโครงการ")
    ws["A1"] = "ทะเบียนโครงการกองทุนหลักประกันสุขภาพระดับท้องถิ่น จังหวัดตราด"
    ws["A2"] = "สำนักงานหลักประกันสุขภาพแห่งชาติ เขต 6 ระยอง · ปีงบประมาณ 2568"
    ws.merge_cells("A1:L1")
    ws.merge_cells("A2:L2")
    ws["A1"].font = Font(bold=True, size=14)
    head = ["ที่", "Project code", "ชื่อโครงการ", "พื้นที่", "ระยะเวลาดำเนินการ", "งบประมาณปี 2568",
            "งบประมาณปี 2569", "แหล่งงบประมาณ", "กลุ่มเป้าหมาย", "จำนวนผู้รับประโยชน์", "สถานะ",
            "ผู้รับผิดชอบ"]  # fmt: skip
    _put(ws, 4, head)
    _head(ws, range(4, 5), 12)
    rows: list[list[Any]] = [
        [1, "NHSO-TR-68-01", "คัดกรองเบาหวานความดันโลหิตสูงเชิงรุก", "ต.บางพระ อ.เมือง จ.ตราด",
         "ต.ค. 67 - ก.ย. 68", "120,000", None, "กองทุนหลักประกันสุขภาพ อบต.บางพระ",
         "วัยทำงาน (19–59 ปี)", "850 คน", "ดำเนินการ", "รพ.สต.บางพระ"],
        [2, "NHSO-TR-68-02", "ดูแลผู้สูงอายุที่มีภาวะพึ่งพิง (LTC)", "ต.ห้วงน้ำขาว อ.เมืองตราด จ.ตราด",
         "ต.ค. 67 - ก.ย. 69", "1.5 ล้านบาท", "1,500,000.-", "สปสช.", "ผู้สูงอายุที่มีภาวะพึ่งพิง",
         "120", "ดำเนินการ", "ศูนย์พัฒนาคุณภาพชีวิตผู้สูงอายุ"],
        [3, "NHSO-TR-68-03", "ฟื้นฟูสมรรถภาพคนพิการในชุมชน", "ต.คลองใหญ่ อ.คลองใหญ่ จ.ตราด",
         "1/1/2568 - 30/9/2568", "75,000", None, "กองทุนหลักประกันสุขภาพ เทศบาลตำบลคลองใหญ่",
         "คนพิการ", "40 ราย", "วางแผน", "นางสาวพรทิพย์ ทะเลใส"],
        [None, None, "รวมอำเภอเมืองตราดและคลองใหญ่", None, None, "=SUM(F5:F7)", "=SUM(G5:G7)"],
        [4, "NHSO-TR-68-04", "ส่งเสริมสุขภาพช่องปากเด็กปฐมวัย", "ต.เกาะช้าง อ.เกาะช้าง จ.ตราด",
         "พ.ย. 67 - มี.ค. 68", "38,000", None, "กองทุนหลักประกันสุขภาพ อบต.เกาะช้าง",
         "ปฐมวัย (0–5 ปี)", "๒๐๐", "เสร็จสิ้น", "รพ.สต.เกาะช้าง"],
        [5, "NHSO-TR-68-05", "ชุมชนปลอดภัยจากไข้เลือดออก", "ต.แสนตุ้ง อ.เขาสมิง",
         "ม.ค. 68 - ส.ค. 68", "60,000", None, "กองทุนหลักประกันสุขภาพ อบต.แสนตุ้ง", "ครัวเรือน",
         "1,300 ครัวเรือน", "กำลังดำเนินการ", "อสม.ตำบลแสนตุ้ง"],
        [6, "NHSO-TR-68-06", "ธนาคารขยะลดโรคในโรงเรียน", "บ่อพลอย", "ต.ค. 67 - ก.ย. 68", "25,000",
         None, "อบต.", "วัยเรียน (6–18 ปี)", "300", "กำลังดำเนินการ", "โรงเรียนบ้านบ่อพลอย"],
        [None, None, "รวมทั้งสิ้น", None, None, "=SUM(F5:F10)", "=SUM(G5:G10)"],
        [None] * 12,
        ["ที่มา: สปสช. เขต 6 ระยอง ข้อมูล ณ 31 ธันวาคม 2567"],
    ]  # fmt: skip
    for offset, values in enumerate(rows):
        _put(ws, 5 + offset, values)
    for col, width in zip("ABCDEFGHIJKL", (5, 16, 40, 32, 20, 14, 14, 36, 24, 14, 14, 28),
                          strict=True):  # fmt: skip
        ws.column_dimensions[col].width = width
    return _save(wb, "nhso-trat-2568.xlsx")


if __name__ == "__main__":
    for path in (codi_khonkaen(), nhso_trat()):
        print(path.relative_to(HERE.parent.parent))
