"""Importing indicator values: shapes, cells, every refusal with its Thai message and row,
idempotency, corrections, conflicts, atomicity and fresh roll-ups.

The test files are written here as text (or built with openpyxl), so each test shows exactly
what an agency would upload. ต.สาวะถี is 400108 and ต.ในเมือง 400101 (อ.เมืองขอนแก่น 4001,
จ.ขอนแก่น 40); ต.บางพระ 230101 is in ตราด (23).
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from saan.audit.models import AuditEvent
from saan.indicators.importing import messages as msg
from saan.indicators.importing import writing
from saan.indicators.importing.messages import ImportBlocked, ImportFileError
from saan.indicators.importing.plan import Options
from saan.indicators.importing.services import commit_file, preview
from saan.indicators.models import (
    Aggregation,
    DataValue,
    ImportStatus,
    Indicator,
    IndicatorImport,
    Rollup,
    State,
)
from saan.indicators.periods import PeriodType
from saan.indicators.services import value_accept, value_set, value_verify

pytestmark = pytest.mark.django_db
FY66, FY67, FY68 = "2022Oct", "2023Oct", "2024Oct"


def make(code, aggregation=Aggregation.SUM, **extra):
    fields = {
        "name_th": code,
        "source": "jpt",
        "polarity": "lower",
        "value_type": "count",
        "aggregation": aggregation,
        "period_type": PeriodType.FISCAL_YEAR,
    }
    fields.update(extra)
    return Indicator.objects.create(code=code, **fields)


@pytest.fixture
def households(cast):
    return make("households", name_th="จำนวนครัวเรือน")


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.strip().encode(encoding) + b"\n"


def run_preview(actor, content, filename="values.csv", **options):
    return preview(actor=actor, content=content, filename=filename, options=Options(**options))


def run_commit(actor, content, filename="values.csv", **options):
    return commit_file(actor=actor, content=content, filename=filename, options=Options(**options))


def outcomes(plan, kind=None):
    return [o for o in plan.sorted_outcomes() if kind is None or o.kind == kind]


def stored(indicator, area, period=FY68, breakdown=""):
    return DataValue.objects.get(
        indicator=indicator, area_id=area, period=period, breakdown=breakdown
    )


def rollup(indicator, code, period=FY68):
    return Rollup.objects.get(indicator=indicator, area_code=code, period=period, breakdown="")


LONG = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า,จำแนก,ที่มา
poor-households,400108,2568,12,,จปฐ. 2568
poor-households,400101,ปีงบ 68,"1,234",,
poor-households,400102,๒๕๖๘,๓๐,,
poor-households,400108,2568,5,sex:f,
"""


# ------------------------------------------------------------------------------ long shape


def test_long_csv_preview_shows_every_row_and_changes_nothing(cast, poor):
    plan = run_preview(cast.admin, csv_bytes(LONG))
    assert plan.resolved.layout.shape == "long"
    assert [(o.row, o.kind, o.area, o.period, o.value) for o in outcomes(plan)] == [
        (2, "create", "400108", FY68, "12"),
        (3, "create", "400101", FY68, "1234"),
        (4, "create", "400102", FY68, "30"),
        (5, "create", "400108", FY68, "5"),
    ]
    assert not DataValue.objects.exists()


def test_long_csv_commit_writes_values_thai_digits_and_separators(cast, poor):
    batch, _plan = run_commit(cast.admin, csv_bytes(LONG))
    assert batch.status == ImportStatus.COMMITTED
    assert stored(poor, "400101").value == Decimal("1234")
    assert stored(poor, "400102").value == 30
    assert stored(poor, "400108", breakdown="sex:f").value == 5
    first = stored(poor, "400108")
    assert (first.value, first.source_note, first.state) == (12, "จปฐ. 2568", State.ENTERED)
    assert first.entered_by == cast.admin


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "tis-620", "cp874"])
def test_csv_encodings_utf8_bom_and_tis620(cast, poor, encoding):
    plan = run_preview(cast.admin, csv_bytes(LONG, encoding))
    assert plan.counts["create"] == 4


def test_semicolon_and_tab_separated_files(cast, poor):
    for sep in (";", "\t"):
        text = f"รหัสตัวชี้วัด{sep}รหัสพื้นที่{sep}ช่วงเวลา{sep}ค่า\npoor-households{sep}400108{sep}2568{sep}7"
        assert run_preview(cast.admin, csv_bytes(text)).counts["create"] == 1


def test_place_names_instead_of_codes(cast, poor):
    text = """
ตัวชี้วัด,ตำบล,อำเภอ,จังหวัด,ปี,จำนวน
poor-households,สาวะถี,เมืองขอนแก่น,ขอนแก่น,2568,4
poor-households,ต.ในเมือง,อ.เมืองขอนแก่น,จ.ขอนแก่น,2568,6
"""
    plan = run_preview(cast.admin, csv_bytes(text))
    assert [(o.kind, o.area) for o in outcomes(plan)] == [
        ("create", "400108"),
        ("create", "400101"),
    ]


def test_a_title_above_the_header_is_passed_over(cast, poor):
    text = """
รายงานครัวเรือนยากจน จังหวัดขอนแก่น,,,
,,,
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า
poor-households,400108,2568,9
"""
    plan = run_preview(cast.admin, csv_bytes(text))
    assert [(o.row, o.kind) for o in outcomes(plan)] == [(4, "create")]


# ------------------------------------------------------------------------- missing values


@pytest.mark.parametrize("marker", ["", "-", "–", "n/a", "N/A", "ไม่มีข้อมูล", "  "])
def test_missing_markers_are_skipped_never_zero(cast, poor, marker):
    text = f"รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,{marker}"
    _batch, plan = run_commit(cast.admin, csv_bytes(text))
    (skipped,) = outcomes(plan)
    assert skipped.kind == "skipped" and skipped.row == 2 and skipped.column == "D (ค่า)"
    expected = marker.strip()
    assert skipped.message == (
        f"ไม่มีข้อมูล (“{expected}”) ไม่นับเป็นศูนย์" if expected else "ไม่มีข้อมูล (ช่องว่าง) ไม่นับเป็นศูนย์"
    )
    assert not DataValue.objects.exists()
    assert not Rollup.objects.exists()


# ------------------------------------------------------------------------- every refusal


@pytest.fixture
def catalogue(cast, poor, households):
    rate = make(
        "poor-rate",
        Aggregation.RATIO,
        numerator=poor,
        denominator=households,
        factor=Decimal(100),
        value_type="percentage",
    )
    score = make("happiness-score", value_type="index", plausible_min=0, plausible_max=10)
    monthly = make("clinic-visits", period_type=PeriodType.MONTH)
    return {"rate": rate, "score": score, "monthly": monthly}


def test_every_refusal_has_its_row_column_and_thai_reason(cast, catalogue):
    text = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า
no-such-indicator,400108,2568,1
poor-households,999999,2568,1
poor-households,400108,2568,สิบสอง
poor-households,400101,2568,-3
poor-households,400102,2568,4
poor-households,400102,2568,4
poor-households,400103,ไตรมาส 1/2568,4
happiness-score,400108,2568,11
poor-rate,400108,2568,10
poor-households,40,2568,7
poor-households,,2568,7
,400104,2568,7
poor-households,400104,,7
"""
    plan = run_preview(cast.admin, csv_bytes(text))
    got = [(o.row, o.column, o.kind, o.message) for o in outcomes(plan)]
    assert got == [
        (2, "A (รหัสตัวชี้วัด)", "rejected", "ไม่พบตัวชี้วัดรหัส “no-such-indicator”"),
        (3, "B (รหัสพื้นที่)", "rejected", "ไม่พบพื้นที่ “999999”"),
        (4, "D (ค่า)", "rejected", "“สิบสอง” ไม่ใช่ตัวเลข"),
        (5, "D (ค่า)", "rejected", "ค่าของตัวชี้วัดนี้ต้องไม่ติดลบ"),
        (6, "D (ค่า)", "create", ""),
        (
            7,
            "D (ค่า)",
            "rejected",
            "ซ้ำกับแถวที่ 6 คอลัมน์ D (ค่า) (ตัวชี้วัด พื้นที่ ช่วงเวลา และการจำแนกเดียวกัน)",
        ),
        (8, "C (ช่วงเวลา)", "rejected", "“ไตรมาส 1/2568” ไม่ใช่ปีงบประมาณที่ตัวชี้วัดนี้ใช้"),
        (9, "D (ค่า)", "rejected", "ค่ามากกว่าที่เป็นไปได้ (สูงสุด 10.0000)"),
        (
            10,
            "A (รหัสตัวชี้วัด)",
            "rejected",
            "ตัวชี้วัดนี้คำนวณจากตัวตั้งและตัวหาร ให้บันทึกค่าของตัวตั้งและตัวหารแทน",
        ),
        (11, "B (รหัสพื้นที่)", "rejected", "ตัวชี้วัดนี้เก็บข้อมูลระดับตำบล แต่ จ.ขอนแก่น เป็นระดับจังหวัด"),
        (12, "B (รหัสพื้นที่)", "rejected", "ไม่ได้ระบุพื้นที่"),
        (13, "A (รหัสตัวชี้วัด)", "rejected", "ไม่ได้ระบุตัวชี้วัด"),
        (14, "C (ช่วงเวลา)", "rejected", "ไม่ได้ระบุช่วงเวลา"),
    ]
    assert plan.counts["rejected"] == 12 and plan.counts["create"] == 1


def test_value_below_the_plausible_minimum(cast, catalogue):
    text = "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\nhappiness-score,400108,2568,-1"
    (o,) = outcomes(run_preview(cast.admin, csv_bytes(text)))
    assert (o.row, o.kind, o.message) == (2, "rejected", "ค่าน้อยกว่าที่เป็นไปได้ (ต่ำสุด 0.0000)")


def test_a_month_indicator_reads_thai_months(cast, catalogue):
    text = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า
clinic-visits,400108,มี.ค. 2568,40
clinic-visits,400108,2568,41
"""
    first, second = outcomes(run_preview(cast.admin, csv_bytes(text)))
    assert (first.kind, first.period) == ("create", "202503")
    assert (second.kind, second.message) == ("rejected", "“2568” ไม่ใช่เดือนที่ตัวชี้วัดนี้ใช้")


def test_unknown_place_name_offers_a_guess(cast, poor):
    text = "รหัสตัวชี้วัด,ตำบล,ช่วงเวลา,ค่า\npoor-households,สาวถี,2568,3"
    (o,) = outcomes(run_preview(cast.admin, csv_bytes(text)))
    assert o.kind == "rejected" and o.column == "B (ตำบล)"
    assert o.message.startswith("ไม่พบพื้นที่ “สาวถี” (หมายถึง ต.สาวะถี")
    assert "(400108)" in o.message


def test_ambiguous_place_name_asks_for_the_district(cast, poor):
    # ในเมือง is the name of many subdistricts.
    text = "รหัสตัวชี้วัด,ตำบล,ช่วงเวลา,ค่า\npoor-households,ในเมือง,2568,3"
    (o,) = outcomes(run_preview(cast.admin, csv_bytes(text)))
    assert o.kind == "rejected"
    assert o.message.startswith("“ในเมือง” ตรงกับหลายพื้นที่ (")
    assert o.message.endswith("): ใส่รหัสพื้นที่ หรือเพิ่มชื่ออำเภอและจังหวัด")


def test_permission_volunteer_cannot_import_outside_their_subdistrict(cast, poor):
    text = (
        "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,3\npoor-households,230101,2568,4"
    )
    plan = run_preview(cast.volunteer, csv_bytes(text))
    ok, refused = outcomes(plan)
    assert (ok.row, ok.kind) == (2, "create")
    assert (refused.row, refused.column, refused.kind, refused.message) == (
        3,
        "B (รหัสพื้นที่)",
        "rejected",
        "คุณไม่มีสิทธิ์บันทึกข้อมูลในพื้นที่นี้",
    )
    with pytest.raises(ImportBlocked) as info:
        run_commit(cast.volunteer, csv_bytes(text))
    assert str(info.value) == ("มีค่าที่ไม่รับ 1 รายการ: แก้ไขไฟล์แล้วนำเข้าใหม่ หรือเลือก “ข้ามรายการที่ไม่รับ”")
    assert not DataValue.objects.exists()
    batch, _ = run_commit(cast.volunteer, csv_bytes(text), skip_rejected=True)
    assert list(DataValue.objects.values_list("area_id", flat=True)) == ["400108"]
    assert batch.counts["rejected"] == 1


def test_people_without_a_writing_role_cannot_import_at_all(cast, poor):
    from django.core.exceptions import PermissionDenied

    text = "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,3"
    for persona in (cast.malee, cast.niran):
        with pytest.raises(PermissionDenied):
            run_commit(persona, csv_bytes(text))


def test_unreadable_files_say_why(cast, poor):
    with pytest.raises(ImportFileError) as info:
        run_preview(cast.admin, b"", "x.csv")
    assert str(info.value) == "ไฟล์ไม่มีข้อมูล"
    with pytest.raises(ImportFileError) as info:
        run_preview(cast.admin, b"PK\x03\x04broken", "x.xlsx")
    assert str(info.value).startswith("เปิดไฟล์ Excel ไม่ได้")
    with pytest.raises(ImportFileError) as info:
        run_preview(cast.admin, b'{"rows": []}', "x.json")
    assert str(info.value) == "ไฟล์ JSON ต้องเป็น dataValueSet ของ DHIS2 ที่มีรายการ dataValues"
    with pytest.raises(ImportFileError) as info:
        run_preview(cast.admin, csv_bytes("ชื่อ,นามสกุล\nสมชาย,ใจดี"))
    assert str(info.value).startswith("ไม่พบแถวหัวตารางใน 10 แถวแรก")
    with pytest.raises(ImportFileError) as info:
        run_preview(cast.admin, csv_bytes("รหัสพื้นที่,ปี,ค่า\n400108,2568,3"))
    assert str(info.value) == msg.no_indicator_column()
    with pytest.raises(ImportFileError) as info:
        run_preview(cast.admin, b"\x81\x82\xff\xfe\xfd", "x.csv")
    assert str(info.value) == "อ่านตัวอักษรในไฟล์ไม่ได้: บันทึกไฟล์เป็น UTF-8 หรือ TIS-620 แล้วลองใหม่"


def test_formula_like_cells_are_text(cast, poor):
    text = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า,ที่มา
poor-households,400108,2568,=1+2,"=HYPERLINK(""x"")"
poor-households,400101,2568,'-0,'=cmd
"""
    bad, ok = outcomes(run_preview(cast.admin, csv_bytes(text)))
    assert (bad.kind, bad.message) == ("rejected", "“=1+2” ไม่ใช่ตัวเลข")
    assert ok.kind == "create"
    run_commit(cast.admin, csv_bytes(text), skip_rejected=True)
    assert stored(poor, "400101").source_note == "=cmd"


# ---------------------------------------------------------------------------- wide shapes


def test_wide_by_period_with_thai_headers(cast, poor):
    text = """
รหัสตัวชี้วัด,รหัสพื้นที่,ชื่อตำบล,2566,ปีงบประมาณ 2567,พ.ศ. 2568
poor-households,400108,สาวะถี,10,11,-
poor-households,400101,ในเมือง,20,,22
"""
    _batch, plan = run_commit(cast.admin, csv_bytes(text))
    assert plan.resolved.layout.shape == "wide_period"
    assert [(o.row, o.column, o.kind, o.period) for o in outcomes(plan)] == [
        (2, "D (2566)", "create", FY66),
        (2, "E (ปีงบประมาณ 2567)", "create", FY67),
        (2, "F (พ.ศ. 2568)", "skipped", "พ.ศ. 2568"),
        (3, "D (2566)", "create", FY66),
        (3, "E (ปีงบประมาณ 2567)", "skipped", "ปีงบประมาณ 2567"),
        (3, "F (พ.ศ. 2568)", "create", FY68),
    ]
    assert stored(poor, "400101", FY68).value == 22
    assert "C (ชื่อตำบล)" in plan.resolved.layout.ignored


def test_wide_by_period_with_the_indicator_chosen_for_the_whole_file(cast, poor):
    text = "รหัสพื้นที่,2567,2568\n400108,1,2"
    with pytest.raises(ImportFileError):
        run_preview(cast.admin, csv_bytes(text))
    plan = run_preview(cast.admin, csv_bytes(text), indicator="poor-households")
    assert plan.counts["create"] == 2


def test_wide_by_indicator_headers_are_codes_or_thai_names(cast, poor, households):
    text = """
รหัสพื้นที่,ปีงบประมาณ,ครัวเรือนยากจน,households
400108,2568,12,100
400101,2568,๙๐,"๙๐๐"
"""
    _batch, plan = run_commit(cast.admin, csv_bytes(text))
    assert plan.resolved.layout.shape == "wide_indicator"
    assert [(o.row, o.column, o.indicator) for o in outcomes(plan)] == [
        (2, "C (ครัวเรือนยากจน)", "poor-households"),
        (2, "D (households)", "households"),
        (3, "C (ครัวเรือนยากจน)", "poor-households"),
        (3, "D (households)", "households"),
    ]
    assert stored(households, "400101").value == 900
    assert rollup(poor, "40").value == 102


def test_wide_by_indicator_with_the_period_chosen_for_the_whole_file(cast, poor):
    text = "รหัสพื้นที่,poor-households\n400108,3"
    with pytest.raises(ImportFileError) as info:
        run_preview(cast.admin, csv_bytes(text))
    assert str(info.value) == msg.no_period_column()
    plan = run_preview(cast.admin, csv_bytes(text), period="ปีงบประมาณ 2567")
    assert [(o.kind, o.period) for o in outcomes(plan)] == [("create", FY67)]


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_wide_by_period_with_numbers_and_text(cast, poor):
    content = xlsx_bytes(
        [
            ["ข้อมูลครัวเรือนยากจน"],
            [],
            ["รหัสตัวชี้วัด", "รหัสพื้นที่", "ปีงบประมาณ 2567", "ปีงบประมาณ 2568"],
            ["poor-households", 400108, 12, "1,500"],
            ["poor-households", "400101", 7.5, None],
        ]
    )
    batch, plan = run_commit(cast.admin, content, "values.xlsx")
    assert batch.file_format == "xlsx"
    assert [(o.row, o.column, o.kind) for o in outcomes(plan)] == [
        (4, "C (ปีงบประมาณ 2567)", "create"),
        (4, "D (ปีงบประมาณ 2568)", "create"),
        (5, "C (ปีงบประมาณ 2567)", "create"),
        (5, "D (ปีงบประมาณ 2568)", "skipped"),
    ]
    assert stored(poor, "400108", FY68).value == 1500
    assert stored(poor, "400101", FY67).value == Decimal("7.5")


# --------------------------------------------------------- idempotency and corrections


def test_reimporting_the_same_file_changes_nothing(cast, poor):
    run_commit(cast.admin, csv_bytes(LONG))
    before = list(DataValue.objects.order_by("pk").values())
    rollups_before = list(Rollup.objects.order_by("pk").values())
    audit_before = AuditEvent.objects.count()
    batch, plan = run_commit(cast.admin, csv_bytes(LONG))
    assert plan.counts["unchanged"] == 4 and plan.counts["create"] == plan.counts["update"] == 0
    assert list(DataValue.objects.order_by("pk").values()) == before
    assert list(Rollup.objects.order_by("pk").values()) == rollups_before
    assert AuditEvent.objects.count() == audit_before
    assert batch.status == ImportStatus.COMMITTED


def test_a_corrected_file_updates_exactly_the_changed_values(cast, poor):
    run_commit(cast.admin, csv_bytes(LONG))
    verified = value_verify(actor=cast.volunteer, value=stored(poor, "400108"))
    untouched = stored(poor, "400102")
    corrected = LONG.replace("400108,2568,12,", "400108,2568,8,").replace('"1,234"', '"1,230"')
    batch, plan = run_commit(cast.admin, csv_bytes(corrected))
    assert plan.counts == {
        "create": 0,
        "update": 2,
        "unchanged": 2,
        "skipped": 0,
        "conflict": 0,
        "rejected": 0,
        "reopened": 0,
        "read": 4,
    }
    changed = stored(poor, "400108")
    assert changed.value == 8 and changed.state == State.ENTERED and changed.pk == verified.pk
    assert stored(poor, "400101").value == 1230
    assert stored(poor, "400102").updated_at == untouched.updated_at
    sets = AuditEvent.objects.filter(action="datavalue.set", note__startswith=f"import #{batch.pk}")
    assert sorted((e.area_code, e.before["value"], e.after["value"]) for e in sets) == [
        ("400101", "1234.0000", "1230.0000"),
        ("400108", "12.0000", "8.0000"),
    ]
    assert sets.get(area_code="400108").before["state"] == State.VERIFIED
    summary = AuditEvent.objects.get(action="indicators.import", target_id=str(batch.pk))
    assert summary.after["updated"] == 2 and summary.after["created"] == 0
    assert summary.area_code == "4001"
    assert rollup(poor, "40").value == 8 + 1230 + 30


def test_the_first_import_audits_once_with_counts(cast, poor):
    _batch, _ = run_commit(cast.admin, csv_bytes(LONG))
    summary = AuditEvent.objects.get(action="indicators.import")
    assert summary.target_type == "indicators.indicatorimport"
    assert summary.after["created"] == 4 and summary.actor == cast.admin
    assert not AuditEvent.objects.filter(action="datavalue.set").exists()


# ------------------------------------------------------------------------------ conflicts


def test_an_accepted_value_is_a_conflict_never_overwritten_silently(cast, poor):
    value = value_set(
        actor=cast.volunteer, indicator=poor, area=stored_area("400108"), period=FY68, value=12
    )
    value_accept(actor=cast.coordinator, value=value_verify(actor=cast.volunteer, value=value))
    text = (
        "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,400108,2568,15\npoor-households,400101,2568,3"
    )
    plan = run_preview(cast.coordinator, csv_bytes(text))
    conflict, _create = outcomes(plan)
    assert (conflict.row, conflict.kind, conflict.message, conflict.old, conflict.value) == (
        2,
        "conflict",
        "ค่านี้ได้รับการรับรองแล้ว การแก้ไขต้องเปิดการสอบทานใหม่",
        "12",
        "15",
    )
    assert conflict.value_id == value.pk
    # Committing without choosing to reopen keeps the accepted value.
    batch, plan = run_commit(cast.coordinator, csv_bytes(text))
    kept = stored(poor, "400108")
    assert (kept.value, kept.state) == (12, State.ACCEPTED)
    assert batch.counts["conflict"] == 1 and batch.counts["create"] == 1
    # Choosing to reopen it changes it and sends it back to be checked.
    batch, plan = run_commit(cast.coordinator, csv_bytes(text), reopen=frozenset({value.pk}))
    changed = stored(poor, "400108")
    assert (changed.value, changed.state) == (15, State.ENTERED)
    assert plan.counts["reopened"] == 1
    (o,) = [o for o in outcomes(plan) if o.row == 2]
    assert (o.kind, o.message) == ("update", "เปิดการสอบทานใหม่ตามที่เลือก (ค่าที่รับรองแล้วถูกแก้ไข)")


def test_an_accepted_value_with_the_same_figure_is_unchanged(cast, poor):
    value = value_set(
        actor=cast.volunteer, indicator=poor, area=stored_area("400108"), period=FY68, value=12
    )
    value_accept(actor=cast.coordinator, value=value_verify(actor=cast.volunteer, value=value))
    text = "รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า,ที่มา\npoor-households,400108,2568,12.00,อื่น"
    (o,) = outcomes(run_preview(cast.admin, csv_bytes(text)))
    assert o.kind == "unchanged"


def stored_area(code):
    from saan.areas.models import Area

    return Area.objects.get(code=code)


# -------------------------------------------------------------- atomicity and freshness


def test_a_failure_mid_commit_leaves_nothing_behind(cast, poor, monkeypatch):
    run_commit(cast.admin, csv_bytes(LONG))
    values_before = list(DataValue.objects.order_by("pk").values())
    rollups_before = list(Rollup.objects.order_by("pk").values())
    audit_before = AuditEvent.objects.count()
    rows = ["รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า"]
    rows += [f"poor-households,4001{n:02d},2568,{n + 100}" for n in range(1, 19)]
    monkeypatch.setattr(writing, "CHUNK", 3)
    calls = []
    real = writing._write_chunk

    def failing(sink, chunk):
        calls.append(len(chunk))
        if len(calls) == 4:
            raise RuntimeError("disk full")
        real(sink, chunk)

    monkeypatch.setattr(writing, "_write_chunk", failing)
    with pytest.raises(RuntimeError):
        run_commit(cast.admin, csv_bytes("\n".join(rows)))
    assert len(calls) == 4  # three chunks were written before the fourth failed
    assert list(DataValue.objects.order_by("pk").values()) == values_before
    assert list(Rollup.objects.order_by("pk").values()) == rollups_before
    assert AuditEvent.objects.count() == audit_before
    assert IndicatorImport.objects.filter(status=ImportStatus.COMMITTED).count() == 1


def test_after_commit_the_province_and_country_rollups_are_fresh(cast, poor):
    value_set(actor=cast.admin, indicator=poor, area=stored_area("230101"), period=FY68, value=5)
    run_commit(cast.admin, csv_bytes(LONG))
    assert rollup(poor, "4001").value == 12 + 1234 + 30
    assert rollup(poor, "40").value == 12 + 1234 + 30
    assert rollup(poor, "").value == 12 + 1234 + 30 + 5
    assert rollup(poor, "40").reported == 3
    corrected = LONG.replace('"1,234"', "34")
    run_commit(cast.admin, csv_bytes(corrected))
    assert rollup(poor, "40").value == 12 + 34 + 30
    assert rollup(poor, "").value == 12 + 34 + 30 + 5


def test_a_ratio_indicator_is_fresh_after_importing_its_parts(cast, catalogue, poor, households):
    text = """
รหัสพื้นที่,ปีงบประมาณ,poor-households,households
400108,2568,10,100
400101,2568,90,900
400102,2568,50,100
"""
    run_commit(cast.admin, csv_bytes(text))
    rate = catalogue["rate"]
    assert rollup(rate, "4001").value.quantize(Decimal("0.01")) == Decimal("13.64")


# ------------------------------------------------------------------------ the command line


def test_command_previews_then_commits(cast, poor, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes(LONG + "poor-households,400103,2568,ไม่มีข้อมูล\n", "tis-620"))
    out = io.StringIO()
    call_command("import_values", str(path), user="somchai", stdout=out)
    text = out.getvalue()
    assert "เพิ่มใหม่ 4" in text and "ข้าม 1" in text
    assert "row 6 D (ค่า): ข้าม" in text and "ไม่มีข้อมูล (“ไม่มีข้อมูล”) ไม่นับเป็นศูนย์" in text
    assert "preview only" in text
    assert not DataValue.objects.exists()
    out = io.StringIO()
    call_command("import_values", str(path), user="somchai", commit=True, stdout=out)
    assert "committed import #" in out.getvalue()
    assert DataValue.objects.count() == 4
    path.write_bytes(csv_bytes("รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\npoor-households,230101,2568,1"))
    with pytest.raises(CommandError) as info:
        call_command("import_values", str(path), user="somchai", commit=True, stdout=out)
    assert "มีค่าที่ไม่รับ 1 รายการ" in str(info.value)
