"""Files as they arrive: XLSX read two ways, CSV in UTF-8 (with BOM) and TIS-620, and every kind
of file the importer refuses, each with its Thai message and nothing stored."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from saan.conftest import org
from saan.projects.importing import import_file, plan
from saan.projects.importing.columns import detect_header, recognise
from saan.projects.importing.read import Formula, ImportFileError, read_csv, read_table, read_xlsx
from saan.projects.importing.values import (
    CellError,
    parse_amount,
    parse_count,
    parse_date,
    parse_fiscal_year,
    parse_period,
)
from saan.projects.models import ImportBatch, Project
from saan.projects.tests.test_import import messy_workbook

CSV_ROWS = [
    "รายงานโครงการ สปสช. เขต 7 ขอนแก่น",
    "",
    "รหัสโครงการ,ชื่อโครงการ,ตำบล,อำเภอ,จังหวัด,งบประมาณ (บาท),ปีงบประมาณ,วันเริ่ม",
    'NHSO-68-01,ดูแลผู้ป่วยติดเตียงในชุมชน,ต.สาวะถี,อ.เมือง,จ.ขอนแก่น,"150,000.-",๒๕๖๘,1/10/2567',
    'NHSO-68-02,คัดกรองเบาหวานความดัน,บ้านค้อ,เมืองขอนแก่น,ขอนแก่น,"1,500 บาท",2568,15 พ.ย. 67',
    "รวม,,,,,151500,,",
]


def csv_bytes(encoding: str, *, bom: bool = False) -> bytes:
    text = "\r\n".join(CSV_ROWS) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


# ------------------------------------------------------------------------------ reading


def test_both_xlsx_readers_give_the_same_rows_merges_and_formulas():
    data = messy_workbook()
    full = read_xlsx(data, stream=False)
    streamed = read_xlsx(data, stream=True)
    assert streamed.rows == full.rows
    assert sorted(streamed.merges) == sorted(full.merges)
    assert streamed.sheet_names == full.sheet_names == ["ทะเบียนโครงการ"]
    formula = full.rows[9][6]
    assert isinstance(formula, Formula) and formula == "=40000*2"
    assert isinstance(streamed.rows[15][6], Formula)
    assert full.rows[5][8] == dt.datetime(2024, 10, 1)


def test_a_formula_is_read_as_its_text_never_as_the_cached_result():
    """Even when the file carries the value Excel computed, the importer sees the formula."""
    wb = Workbook()
    ws = wb.active
    ws.append(["ชื่อโครงการ", "ตำบล", "งบประมาณ"])
    ws.append(["ก", "สาวะถี", "=1+1"])
    out = io.BytesIO()
    wb.save(out)
    # Put a cached result next to the formula, as Excel would.
    data = out.getvalue()
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>").replace(
                    b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>"
                )
            target.writestr(item, body)
    for stream in (False, True):
        table = read_xlsx(patched.getvalue(), stream=stream)
        assert table.rows[1][2] == "=1+1" and isinstance(table.rows[1][2], Formula)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", True), ("utf-8", False), ("cp874", False), ("tis-620", False), ("utf-16", False)],
)
def test_csv_in_every_encoding_thai_windows_saves(encoding, bom):
    table = read_csv(csv_bytes(encoding, bom=bom))
    assert (
        table.encoding
        == {
            "utf-8": "utf-8-sig" if bom else "utf-8",
            "cp874": "cp874",
            "tis-620": "cp874",
            "utf-16": "utf-16",
        }[encoding]
    )
    assert table.rows[2][1] == "ชื่อโครงการ"
    assert table.rows[3][5] == "150,000.-"
    assert table.rows[1] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("tis-620", False)])
def test_a_csv_register_is_imported(cast, encoding, bom):
    result = import_file(
        actor=cast.somchai,
        owner=org("พอช."),
        file_bytes=csv_bytes(encoding, bom=bom),
        filename="nhso.csv",
    )
    assert result.committed and result.batch.header_row == 3
    rows = {r.number: r for r in result.plan.rows}
    assert [rows[n].outcome for n in (4, 5, 6)] == ["create", "create", "skipped"]
    assert rows[6].reason == "แถวรวมยอด (“รวม”) ไม่ใช่โครงการ"
    project = Project.objects.get(ref_code="NHSO-68-02")
    assert project.start_date == dt.date(2024, 11, 15)
    assert project.budget_lines.get().amount == Decimal("1500")
    assert project.project_areas.get().area_id == "400110"


def test_semicolon_and_tab_separated_text_is_read():
    text = "ชื่อโครงการ;ตำบล;จังหวัด\r\nก;สาวะถี;ขอนแก่น\r\n"
    assert read_csv(text.encode()).rows[1] == ["ก", "สาวะถี", "ขอนแก่น"]
    assert read_csv(text.replace(";", "\t").encode()).rows[1] == ["ก", "สาวะถี", "ขอนแก่น"]


# --------------------------------------------------------------------------- refused files

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("data", "name", "code", "message"),
    [
        (b"", "empty.xlsx", "empty", "ไฟล์ว่างเปล่า: ตรวจสอบว่าเลือกไฟล์ถูกต้องและบันทึกไฟล์แล้ว"),
        (
            b"\xef\xbb\xbf\r\n",
            "empty.csv",
            "empty",
            "ไฟล์ว่างเปล่า: ตรวจสอบว่าเลือกไฟล์ถูกต้องและบันทึกไฟล์แล้ว",
        ),
        (
            OLE + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64,
            "locked.xlsx",
            "encrypted",
            "ไฟล์นี้ตั้งรหัสผ่านไว้ ระบบจึงอ่านไม่ได้: เปิดไฟล์ใน Excel แล้วเอารหัสผ่านออก "
            "(ไฟล์ › ข้อมูล › ป้องกันเวิร์กบุ๊ก) บันทึก แล้วนำเข้าใหม่",
        ),
        (
            OLE + "Workbook".encode("utf-16-le"),
            "old.xls",
            "xls",
            "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) ซึ่งระบบไม่รองรับ: เปิดใน Excel แล้ว บันทึกเป็น (Save As) "
            "แบบ .xlsx หรือ CSV UTF-8 แล้วนำเข้าใหม่",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "plan.pdf",
            "wrong_type",
            "ระบบอ่านได้เฉพาะไฟล์ Excel (.xlsx) และ CSV: บันทึกไฟล์เป็นแบบใดแบบหนึ่งแล้วนำเข้าใหม่",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "photo.xlsx",
            "wrong_type",
            "ระบบอ่านได้เฉพาะไฟล์ Excel (.xlsx) และ CSV: บันทึกไฟล์เป็นแบบใดแบบหนึ่งแล้วนำเข้าใหม่",
        ),
        (
            b"<html><table><tr><td>x</td></tr></table></html>",
            "export.xls",
            "html",
            "ไฟล์นี้เป็นหน้าเว็บ (HTML/XML) ที่ตั้งชื่อเหมือนไฟล์ Excel: เปิดใน Excel แล้ว บันทึกเป็น .xlsx "
            "แล้วนำเข้าใหม่",
        ),
        (
            b"PK\x03\x04broken zip",
            "broken.xlsx",
            "broken",
            "เปิดไฟล์ Excel นี้ไม่ได้ (ไฟล์อาจเสียหรือดาวน์โหลดไม่ครบ): เปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx",
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_what_to_do(data, name, code, message):
    with pytest.raises(ImportFileError) as info:
        read_table(data, name)
    assert (info.value.code, info.value.message) == (code, message)


@pytest.mark.django_db
def test_a_refused_file_stores_nothing(cast):
    result = import_file(
        actor=cast.somchai,
        owner=org("พอช."),
        file_bytes=OLE + "EncryptionInfo".encode("utf-16-le"),
        filename="locked.xlsx",
    )
    assert result.batch is None and result.error.startswith("ไฟล์นี้ตั้งรหัสผ่านไว้")
    assert not ImportBatch.objects.exists() and not Project.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(cast, settings):
    settings.SAAN_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    big = b"x" * (3 * 1024 * 1024)
    result = import_file(actor=cast.somchai, owner=org("พอช."), file_bytes=big, filename="big.csv")
    assert result.error == "ไฟล์ใหญ่เกิน 2 MB (ไฟล์นี้ 3 MB): แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์"
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_sheet_without_a_recognisable_header_is_refused(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(["สรุปการประชุม"])
    ws.append(["วาระที่ 1", "เรื่องแจ้งเพื่อทราบ"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportFileError) as info:
        plan.create_batch(
            actor=cast.somchai,
            owner=org("พอช."),
            file_bytes=out.getvalue(),
            filename="minutes.xlsx",
        )
    assert info.value.code == "no_header"
    assert info.value.message == (
        "ไม่พบแถวหัวตารางในไฟล์นี้: ต้องมีแถวที่บอกชื่อคอลัมน์ อย่างน้อย “ชื่อโครงการ” และ "
        "พื้นที่ (ตำบล อำเภอ จังหวัด) หรืองบประมาณ ภายใน 30 แถวแรก"
    )
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_the_first_sheet_with_a_header_is_used(cast):
    wb = Workbook()
    wb.active.title = "คำอธิบาย"
    wb.active.append(["กรอกข้อมูลในแผ่นงานถัดไป"])
    ws = wb.create_sheet("ข้อมูล")
    ws.append(["ชื่อโครงการ", "ตำบล", "จังหวัด"])
    ws.append(["ก", "สาวะถี", "ขอนแก่น"])
    out = io.BytesIO()
    wb.save(out)
    batch = plan.create_batch(
        actor=cast.somchai, owner=org("พอช."), file_bytes=out.getvalue(), filename="two.xlsx"
    )
    assert batch.sheet_name == "ข้อมูล" and batch.sheet_names == ["คำอธิบาย", "ข้อมูล"]


# ------------------------------------------------------------------------------ headers


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("ชื่อโครงการ", "title"),
        ("ชื่อ โครงการ/กิจกรรม", "title"),
        ("Project name", "title"),
        ("งบประมาณ (บาท)", "budget"),
        ("ปีงบประมาณ พ.ศ.", "fiscal_year"),
        ("แหล่งงบประมาณ", "budget_source"),
        ("วันที่เริ่มต้น", "start_date"),
        ("วันสิ้นสุด", "end_date"),
        ("ตำบล/แขวง", "subdistrict"),
        ("อำเภอ", "district"),
        ("จ.", None),
        ("รหัสโครงการ", "ref_code"),
        ("กลุ่มเป้าหมาย", "target_group"),
        ("จำนวนเป้าหมาย (คน)", "target_count"),
        ("ผู้ประสานงาน", "contact_name"),
        ("เบอร์โทรศัพท์", "contact_phone"),
        ("หน่วยงานรับผิดชอบ", "owner"),
        ("ชื่อโครงกาน", "title"),
        ("งบประมาณปี 2569", "budget"),
        ("หมายเหตุ", "note"),
        ("สถานะ", "status"),
        ("ประเด็น", "themes"),
    ],
)
def test_column_names_are_recognised_the_ways_agencies_write_them(text, field):
    found = recognise(text)
    assert (found.field if found else None) == field


def test_the_header_row_is_found_below_titles_and_inside_merged_headers():
    guess = detect_header(read_xlsx(messy_workbook()))
    assert guess is not None and guess.row == 3
    assert guess.headers[:6] == ["ลำดับ", "รหัสโครงการ", "ชื่อโครงการ", "ตำบล", "อำเภอ", "จังหวัด"]
    assert guess.suggestions[6] == "budget" and guess.suggestions[8] == "start_date"


# ------------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1/10/2567", dt.date(2024, 10, 1)),
        ("๑/๑๐/๒๕๖๗", dt.date(2024, 10, 1)),
        ("1/10/67", dt.date(2024, 10, 1)),
        ("01-10-2024", dt.date(2024, 10, 1)),
        ("2024-10-01", dt.date(2024, 10, 1)),
        ("1 ต.ค. 2567", dt.date(2024, 10, 1)),
        ("1 ตุลาคม พ.ศ. 2567", dt.date(2024, 10, 1)),
        ("1 Oct 2024", dt.date(2024, 10, 1)),
        (dt.datetime(2567, 10, 1), dt.date(2024, 10, 1)),
        (dt.datetime(2024, 10, 1), dt.date(2024, 10, 1)),
        (45566, dt.date(2024, 10, 1)),
        ("", None),
        ("-", None),
    ],
)
def test_dates_in_be_and_ce_thai_digits_and_month_names(value, expected):
    assert parse_date(value) == expected


def test_bad_dates_say_what_to_write():
    with pytest.raises(CellError) as info:
        parse_date("เดือนหน้า")
    assert info.value.message == "อ่านวันที่ “เดือนหน้า” ไม่ได้"
    assert info.value.fix == "เขียนเป็น วัน/เดือน/ปี พ.ศ. เช่น 1/10/2567 หรือ 1 ต.ค. 2567"
    with pytest.raises(CellError):
        parse_date("1/10/1800")


def test_periods_and_fiscal_years():
    assert parse_period("ต.ค. 67 - ก.ย. 68") == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    for value in (2568, "๒๕๖๘", "ปีงบประมาณ พ.ศ. 2568", "68", "FY2025", 2025):
        assert parse_fiscal_year(value) == 2568
    with pytest.raises(CellError):
        parse_fiscal_year("2568-2569")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80,000.-", Decimal("80000.00")),
        ("1.2 ล้านบาท", Decimal("1200000.00")),
        ("1,500 บาท", Decimal("1500.00")),
        ("๑๕,๐๐๐", Decimal("15000.00")),
        (80000, Decimal("80000.00")),
        (1234.5, Decimal("1234.50")),
        ("-", None),
        ("ไม่ใช้งบประมาณ", None),
    ],
)
def test_money_as_people_write_it(value, expected):
    assert parse_amount(value) == expected


def test_counts():
    assert [parse_count(v) for v in ("40", "40 คน", "๑,๒๐๐ ราย", 12, 12.0, None)] == [
        40,
        40,
        1200,
        12,
        12,
        None,
    ]
    with pytest.raises(CellError):
        parse_count("หลายคน")
