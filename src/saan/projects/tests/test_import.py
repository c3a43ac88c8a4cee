"""The spreadsheet importer end to end, with the persona cast: what each messy row becomes,
the exact Thai reason for every row that is not imported, re-imports, all-or-nothing commits,
permissions and audit rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from openpyxl import Workbook

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.projects.importing import import_file, plan
from saan.projects.importing.columns import ImportField
from saan.projects.models import (
    BudgetLine,
    ColumnMapping,
    ImportBatch,
    ImportOutcome,
    ImportRow,
    ImportStatus,
    Project,
    Status,
    TargetGroup,
    Theme,
)
from saan.projects.services import (
    BudgetLineData,
    ProjectData,
    project_create,
)

pytestmark = pytest.mark.django_db

HEADER_TOP = [
    "ลำดับ",
    "รหัสโครงการ",
    "ชื่อโครงการ",
    "พื้นที่ดำเนินการ",
    None,
    None,
    "งบประมาณ (บาท)",
    "ปีงบประมาณ",
    "ระยะเวลา",
    None,
    "ประเด็น",
    "กลุ่มเป้าหมาย",
    "จำนวนเป้าหมาย",
    "สถานะ",
    "ผู้ประสานงาน",
    "โทรศัพท์",
    "หน่วยงาน",
]
HEADER_SUB = [None, None, None, "ตำบล", "อำเภอ", "จังหวัด", None, None, "วันเริ่ม", "วันสิ้นสุด"]

# Row number in the sheet → the row. Header rows are 3 and 4; data starts at row 5.
MESSY_ROWS: dict[int, list[Any]] = {
    5: [
        1,
        "CODI-68-001",
        "โครงการบ้านมั่นคงชุมชนสาวะถี",
        "ต.สาวะถี",
        "อ.เมือง",
        "จ.ขอนแก่น",
        "80,000.-",
        "๒๕๖๘",
        "1/11/2567",
        "30/9/2568",
        "ที่อยู่อาศัย",
        "ครัวเรือน",
        "๔๐ ครัวเรือน",
        "กำลังดำเนินการ",
        "นางสมศรี มีสุข",
        "๐๘๑-๒๓๔-๕๖๗๘",
    ],
    6: [
        2,
        "CODI-68-002",
        "กองทุนสวัสดิการชุมชนอำเภอพล",
        "ทุกตำบล",
        "อำเภอพล",
        "ขอนแก่น",
        "1.2 ล้านบาท",
        2568,
        dt.datetime(2024, 10, 1),
        dt.datetime(2025, 9, 30),
        "สวัสดิการชุมชน",
        None,
        None,
        "วางแผน",
    ],
    # 7 is blank
    8: [
        3,
        "CODI-68-003",
        "ธนาคารอาหารชุมชนบ้านเป็ด",
        "บ้านเป็ต",
        "เมืองขอนแก่น",
        "ขอนแก่น",
        "1,500 บาท",
        "2568",
        "1 ธ.ค. 2567",
        "31 มี.ค. 2568",
        "เกษตร",
        None,
        None,
        "เสร็จสิ้น",
    ],
    9: [4, "CODI-68-004", "สภาองค์กรชุมชนตำบลในเมือง", "ในเมือง", None, "ขอนแก่น", 50000, 2568],
    10: [5, "CODI-68-005", "ฝายมีชีวิตลำน้ำพอง", "ท่าพระ", "เมืองขอนแก่น", "ขอนแก่น", "=40000*2", 2568],
    11: [
        6,
        "CODI-68-006",
        '=CONCAT("โครงการ","ออมทรัพย์")',
        "บ้านทุ่ม",
        "เมืองขอนแก่น",
        "ขอนแก่น",
        30000,
        2568,
    ],
    12: [
        7,
        "THP-68-001",
        "ลดปัจจัยเสี่ยงโรคไม่ติดต่อ",
        "สาวะถี",
        "เมืองขอนแก่น",
        "ขอนแก่น",
        100000,
        2568,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "สสส.",
    ],
    13: [8, "CODI-68-008", "บ้านมั่นคงริมคลองตราด", "บางพระ", "เมืองตราด", "ตราด", 90000, 2568],
    14: [
        9,
        "CODI-68-009",
        "ตลาดชุมชนบ้านค้อ",
        "บ้านค้อ",
        "เมืองขอนแก่น",
        "ขอนแก่น",
        20000,
        2568,
        "31/2/2568",
    ],
    15: [10, "CODI-68-010", "ครัวกลางชุมชนศิลา", "ศิลา", "เมืองขอนแก่น", "ขอนแก่น", "ประมาณแสนบาท", 2568],
    16: [None, None, "รวมทั้งสิ้น", None, None, None, "=SUM(G5:G15)"],
    17: ["หมายเหตุ: ข้อมูลจากแผนปฏิบัติการ พอช. ภาคอีสาน"],
    18: ["ที่มา: สำนักงานภาคอีสาน 15 ม.ค. 2568"],
}


def messy_workbook(rows: dict[int, list[Any]] | None = None) -> bytes:
    """A register the way agencies send it: a title row, a merged two-row header, Thai digits,
    พ.ศ. dates, "80,000.-", "1.2 ล้านบาท", ต./อ./จ., misspellings, formulas, totals, footnotes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "ทะเบียนโครงการ"
    ws["A1"] = "ทะเบียนโครงการ สถาบันพัฒนาองค์กรชุมชน จังหวัดขอนแก่น ปีงบประมาณ พ.ศ. ๒๕๖๘"
    ws.merge_cells("A1:Q1")
    for col, value in enumerate(HEADER_TOP, start=1):
        ws.cell(3, col, value)
    for col, value in enumerate(HEADER_SUB, start=1):
        if value:
            ws.cell(4, col, value)
    for col in (1, 2, 3, 7, 8, 11, 12, 13, 14, 15, 16, 17):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    ws.merge_cells("D3:F3")
    ws.merge_cells("I3:J3")
    for number, values in (MESSY_ROWS if rows is None else rows).items():
        for col, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(number, col, value)
    ws["J6"].number_format = "d/m/yyyy"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(
    actor: Any,
    data: bytes,
    *,
    owner: str = "พอช.",
    commit: bool = True,
    name: str = "codi.xlsx",
    **kwargs: Any,
) -> plan.ImportResult:
    return import_file(
        actor=actor, owner=org(owner), file_bytes=data, filename=name, commit=commit, **kwargs
    )


def by_row(result: plan.ImportResult) -> dict[int, plan.RowResult]:
    assert result.plan is not None
    return {r.number: r for r in result.plan.rows}


def messages(row: plan.RowResult) -> list[tuple[str, str]]:
    return [(p.column, p.message) for p in row.problems]


# ------------------------------------------------------------------------ the messy sheet


def test_the_messy_register_is_read_row_by_row_with_a_reason_for_every_row_not_imported(cast):
    result = run(cast.somchai, messy_workbook())
    assert result.error == "" and result.committed
    batch = result.batch
    assert batch.header_row == 4 and batch.sheet_name == "ทะเบียนโครงการ"
    rows = by_row(result)
    assert {n: r.outcome for n, r in rows.items()} == {
        5: "create",
        6: "create",
        7: "skipped",
        8: "create",
        9: "rejected",
        10: "rejected",
        11: "create",
        12: "rejected",
        13: "rejected",
        14: "rejected",
        15: "rejected",
        16: "skipped",
        17: "skipped",
        18: "skipped",
    }
    assert rows[7].reason == "แถวว่าง"
    assert rows[16].reason == "แถวรวมยอด (“รวมทั้งสิ้น”) ไม่ใช่โครงการ"
    assert rows[17].reason == "หมายเหตุหรือที่มาท้ายตาราง (“หมายเหตุ: ข้อมูลจากแผนปฏิบัติการ พอช. ภาคอีสาน”)"
    assert rows[18].reason == "ข้อความต่อจากหมายเหตุท้ายตาราง"

    assert messages(rows[9]) == [
        (
            "D",
            "ชื่อตำบล “ในเมือง” มีหลายแห่งในจ.ขอนแก่น: ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น (400101); "
            "ต.ในเมือง อ.บ้านไผ่ จ.ขอนแก่น (401002); ต.ในเมือง อ.เวียงเก่า จ.ขอนแก่น (402901)",
        )
    ]
    assert rows[9].problems[0].fix == ("ระบุอำเภอหรือจังหวัดในแถวนี้ให้ชัดเจน หรือเลือกพื้นที่ที่ถูกต้องในหน้าตรวจสอบ")
    assert messages(rows[10]) == [("G", "เซลล์นี้เป็นสูตร (=40000*2): ระบบไม่คำนวณสูตร จึงไม่นำเข้าแถวนี้")]
    assert messages(rows[12]) == [("Q", "คุณไม่มีสิทธิ์บันทึกโครงการของ สสส.")]
    assert messages(rows[13]) == [
        ("D", "คุณไม่มีสิทธิ์บันทึกโครงการของ พอช. ใน ต.บางพระ อ.เมืองตราด จ.ตราด")
    ]
    assert rows[13].problems[0].fix.startswith("สิทธิ์ของคุณครอบคลุม: จ.ขอนแก่น")
    assert messages(rows[14]) == [("I", "วันที่ “31/2/2568” ไม่มีอยู่จริง")]
    assert messages(rows[15]) == [("G", "อ่านจำนวนเงิน “ประมาณแสนบาท” ไม่ได้")]
    assert rows[15].problems[0].fix == "ใส่เป็นตัวเลขบาท เช่น 80,000 หรือ 1.2 ล้านบาท (หนึ่งจำนวนต่อเซลล์)"

    # The misspelled subdistrict has one close spelling in the district: used, and said so.
    assert [w.message for w in rows[8].warnings] == [
        "ไม่พบตำบล “บ้านเป็ต” ใช้ชื่อที่ใกล้เคียง ต.บ้านเป็ด อ.เมืองขอนแก่น จ.ขอนแก่น: ตรวจสอบก่อนยืนยัน"
    ]
    # A formula in the title is kept as its text, never run, and the row says so.
    assert [w.message for w in rows[11].warnings] == [
        'เซลล์นี้เป็นสูตร (=CONCAT("โครงการ","ออมทรัพย์")): เก็บเป็นข้อความตามที่เขียน ไม่ได้คำนวณ'
    ]

    stored = {p.ref_code: p for p in Project.objects.all()}
    assert set(stored) == {"CODI-68-001", "CODI-68-002", "CODI-68-003", "CODI-68-006"}
    first = stored["CODI-68-001"]
    assert first.title == "โครงการบ้านมั่นคงชุมชนสาวะถี" and first.status == Status.ONGOING
    assert (first.start_date, first.end_date) == (dt.date(2024, 11, 1), dt.date(2025, 9, 30))
    assert list(first.project_areas.values_list("area_id", flat=True)) == ["400108"]
    assert list(first.budget_lines.values_list("fiscal_year", "amount")) == [
        (2568, Decimal("80000"))
    ]
    assert list(first.themes.values_list("slug", flat=True)) == ["housing"]
    assert list(first.targets.values_list("target_group__slug", "planned")) == [("households", 40)]
    assert list(first.contacts.values_list("name", "phone")) == [("นางสมศรี มีสุข", "081-234-5678")]
    assert first.created_by == cast.somchai and first.owner == org("พอช.")
    whole_district = stored["CODI-68-002"]
    assert list(whole_district.project_areas.values_list("area_id", flat=True)) == ["4012"]
    assert whole_district.budget_lines.get().amount == Decimal("1200000.00")
    assert stored["CODI-68-003"].project_areas.get().area_id == "400115"
    assert stored["CODI-68-006"].title == '=CONCAT("โครงการ","ออมทรัพย์")'


def test_commit_writes_one_audit_row_per_project_and_one_summary_in_the_same_transaction(cast):
    result = run(cast.somchai, messy_workbook())
    creates = AuditEvent.objects.filter(action="project.create")
    assert creates.count() == 4
    event = creates.get(target_id=str(Project.objects.get(ref_code="CODI-68-001").pk))
    assert event.actor == cast.somchai and event.area_code == "400108"
    assert event.after["ref_code"] == "CODI-68-001" and event.after["area_codes"] == ["400108"]
    summary = AuditEvent.objects.get(action="import.commit")
    assert (
        summary.target_id == str(result.batch.pk) and summary.target_type == "projects.importbatch"
    )
    assert summary.after["counts"] == {
        "create": 4,
        "update": 0,
        "unchanged": 0,
        "skipped": 4,
        "rejected": 6,
    }
    assert summary.area_code == "40"


def test_importing_the_same_file_again_changes_nothing(cast):
    data = messy_workbook()
    run(cast.somchai, data)
    projects = list(Project.objects.order_by("pk").values("pk", "version", "updated_at"))
    events = AuditEvent.objects.count()
    again = run(cast.somchai, data)
    assert again.counts["create"] == 0 and again.counts["update"] == 0
    assert again.counts["unchanged"] == 4
    assert list(Project.objects.order_by("pk").values("pk", "version", "updated_at")) == projects
    # Only the second import's own summary row is new.
    assert AuditEvent.objects.count() == events + 1


def test_a_changed_row_updates_its_project_and_audits_before_and_after(cast):
    run(cast.somchai, messy_workbook())
    rows = {**MESSY_ROWS}
    rows[5] = [*MESSY_ROWS[5]]
    rows[5][6] = "95,000"  # budget
    rows[5][13] = "เสร็จสิ้น"  # status
    result = run(cast.somchai, messy_workbook(rows))
    assert result.counts["update"] == 1 and result.counts["unchanged"] == 3
    project = Project.objects.get(ref_code="CODI-68-001")
    assert project.version == 2 and project.status == Status.COMPLETED
    assert project.budget_lines.get().amount == Decimal("95000")
    event = AuditEvent.objects.get(action="project.update")
    assert event.before["status"] == "ongoing" and event.after["status"] == "completed"
    assert event.before["version"] == 1 and event.after["version"] == 2


def test_an_update_keeps_what_the_file_does_not_say(cast):
    """A blank cell or a column the file lacks leaves the stored value alone; budget lines of
    other fiscal years stay."""
    run(cast.somchai, messy_workbook())
    project = Project.objects.get(ref_code="CODI-68-001")
    project.summary = "สาระสำคัญที่เขียนในหน้าโครงการ"
    project.save()
    BudgetLine.objects.create(
        project=project, fiscal_year=2569, amount=Decimal(5000), stage="planned"
    )
    rows = {5: [*MESSY_ROWS[5]]}
    rows[5][6] = "85,000"
    rows[5][14] = None  # contact left blank this time
    result = run(cast.somchai, messy_workbook(rows))
    assert result.counts["update"] == 1
    project.refresh_from_db()
    assert project.summary == "สาระสำคัญที่เขียนในหน้าโครงการ"
    assert sorted(project.budget_lines.values_list("fiscal_year", "amount")) == [
        (2568, Decimal("85000")),
        (2569, Decimal("5000")),
    ]
    assert project.contacts.get().name == "นางสมศรี มีสุข"


# ------------------------------------------------------------------- identity without codes


def no_code_sheet(amount: str = "50,000") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["ชื่อโครงการ", "ตำบล", "อำเภอ", "จังหวัด", "งบประมาณ", "ปีงบประมาณ"])
    ws.append(["ส่งเสริมสุขภาพผู้สูงอายุ", "สาวะถี", "เมือง", "ขอนแก่น", amount, "2568"])
    ws.append(["ส่งเสริมสุขภาพผู้สูงอายุ", "ท่าพระ", "เมือง", "ขอนแก่น", "40,000", "2568"])
    ws.append(["ส่งเสริมสุขภาพผู้สูงอายุ", "ท่าพระ", "เมือง", "ขอนแก่น", "40,000", "2569"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_without_a_code_column_the_same_title_areas_and_years_are_the_same_project(cast):
    first = run(cast.somchai, no_code_sheet())
    assert first.counts["create"] == 3
    assert run(cast.somchai, no_code_sheet()).counts["unchanged"] == 3
    changed = run(cast.somchai, no_code_sheet("55,000"))
    assert (changed.counts["update"], changed.counts["unchanged"]) == (1, 2)
    assert Project.objects.count() == 3
    project = Project.objects.get(project_areas__area_id="400108")
    assert project.budget_lines.get().amount == Decimal("55000") and project.version == 2


def test_a_row_repeated_in_the_file_is_rejected_naming_the_first(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(["รหัสโครงการ", "ชื่อโครงการ", "ตำบล", "จังหวัด"])
    ws.append(["A-1", "โครงการหนึ่ง", "สาวะถี", "ขอนแก่น"])
    ws.append(["A-1", "โครงการหนึ่ง (ซ้ำ)", "สาวะถี", "ขอนแก่น"])
    out = io.BytesIO()
    wb.save(out)
    rows = by_row(run(cast.somchai, out.getvalue()))
    assert rows[3].outcome == "rejected"
    assert messages(rows[3]) == [("A", "ซ้ำกับแถวที่ 2 (รหัสโครงการเดียวกัน)")]


# ----------------------------------------------------------------------------- atomicity


def test_a_failure_mid_commit_leaves_nothing_written(cast, monkeypatch):
    calls = {"n": 0}
    real = plan._save_chunk

    def fail_on_second(actor: Any, rows: list[Any]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        real(actor, rows)

    monkeypatch.setattr(plan, "WRITE_CHUNK", 1)
    monkeypatch.setattr(plan, "_save_chunk", fail_on_second)
    result = run(cast.somchai, messy_workbook())
    assert calls["n"] == 2 and not result.committed
    assert not Project.objects.exists() and not BudgetLine.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["project.create", "import.commit"]).exists()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    assert batch.error.startswith("ไม่ได้บันทึกข้อมูลใดเลย")


def test_a_database_error_on_the_nth_insert_rolls_back_everything(cast):
    """The failure injected below the importer, in the services' own bulk insert (COPY on
    PostgreSQL, bulk_create elsewhere): the contacts go in after the projects, their areas and
    budget lines, and take everything with them when they fail."""
    from saan.projects import services
    from saan.projects.models import ProjectContact

    real = services.insert_rows

    def fail(model: Any, columns: list[str], rows: list[Any]) -> None:
        if model is ProjectContact:
            raise RuntimeError("connection lost")
        real(model, columns, rows)

    with mock.patch.object(services, "insert_rows", side_effect=fail):
        result = run(cast.somchai, messy_workbook())
    assert not result.committed and not Project.objects.exists()
    assert (
        not BudgetLine.objects.exists()
        and not AuditEvent.objects.filter(action="project.create").exists()
    )
    assert ImportBatch.objects.get().status == ImportStatus.FAILED


# ------------------------------------------------------------------------------ permission


def test_a_coordinator_imports_for_its_organisation_and_cannot_for_others(cast):
    result = run(cast.coordinator, messy_workbook(), owner="สช.")
    rows = by_row(result)
    # หน่วยงาน says สสส. on row 12; the rest are owned by สช., the coordinator's organisation.
    assert messages(rows[12]) == [("Q", "คุณไม่มีสิทธิ์บันทึกโครงการของ สสส.")]
    assert rows[5].outcome == "create"
    assert Project.objects.filter(owner=org("สช.")).count() == 4


def test_someone_who_may_not_register_for_the_owner_is_refused_before_anything_is_stored(cast):
    result = run(cast.somchai, messy_workbook(), owner="สสส.")
    assert result.batch is None and result.error == "คุณไม่มีสิทธิ์นำเข้าโครงการของหน่วยงานนี้"
    assert not ImportBatch.objects.exists()
    assert run(cast.malee, messy_workbook(), owner="สสส.").batch is None


def test_an_administrator_may_import_anywhere(cast):
    result = run(cast.admin, messy_workbook())
    rows = by_row(result)
    assert rows[12].outcome == rows[13].outcome == "create"


# --------------------------------------------------------------------------- column mapping


def odd_headers_sheet() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["ชื่อโครงการ", "ชื่องานย่อย", "ตำบล", "จังหวัด", "ยอดเงินอนุมัติ"])
    ws.append(["ฝึกอาชีพเยาวชน", "รุ่นที่ 1", "สาวะถี", "ขอนแก่น", "12,000"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_mapping_is_remembered_for_the_organisation_and_suggested_next_time(cast):
    first = plan.create_batch(
        actor=cast.somchai, owner=org("พอช."), file_bytes=odd_headers_sheet(), filename="a.xlsx"
    )
    assert first.mapping == {"0": "title", "2": "subdistrict", "3": "province"}
    mapping = {0: "title", 1: "summary", 2: "subdistrict", 3: "province", 4: "budget"}
    plan.set_mapping(
        actor=cast.somchai, batch=first, header_row=1, mapping=mapping, headers=list(first.headers)
    )
    assert (
        ColumnMapping.objects.get(organisation=org("พอช."), header_text="ยอดเงินอนุมัติ").field
        == "budget"
    )
    again = plan.create_batch(
        actor=cast.somchai, owner=org("พอช."), file_bytes=odd_headers_sheet(), filename="b.xlsx"
    )
    assert again.mapping == {
        "0": "title",
        "1": "summary",
        "2": "subdistrict",
        "3": "province",
        "4": "budget",
    }
    # Another organisation's people get the plain suggestion.
    other = plan.create_batch(
        actor=cast.coordinator, owner=org("สช."), file_bytes=odd_headers_sheet(), filename="c.xlsx"
    )
    assert other.mapping == {"0": "title", "2": "subdistrict", "3": "province"}


def test_a_mapping_without_a_title_or_a_place_or_with_a_field_twice_is_refused(cast):
    batch = plan.create_batch(
        actor=cast.somchai, owner=org("พอช."), file_bytes=odd_headers_sheet(), filename="a.xlsx"
    )
    assert plan.mapping_errors({0: "title", 1: "title", 2: "subdistrict"}) == [
        "คอลัมน์ A, B จับคู่กับ “ชื่อโครงการ” ซ้ำกัน: เลือกคอลัมน์เดียว"
    ]
    assert plan.mapping_errors({0: "budget"}) == [
        "ต้องมีคอลัมน์ “ชื่อโครงการ”",
        "ต้องมีคอลัมน์พื้นที่อย่างน้อยหนึ่งคอลัมน์ (ตำบล อำเภอ จังหวัด หรือรหัสพื้นที่)",
    ]
    assert batch.status == ImportStatus.UPLOADED


def test_a_mapping_given_to_import_file_replaces_the_suggestion(cast):
    result = run(
        cast.somchai,
        odd_headers_sheet(),
        mapping={0: "title", 2: "subdistrict", 3: "province", 4: "budget"},
    )
    assert by_row(result)[2].outcome == "rejected"
    assert messages(by_row(result)[2]) == [("E", "ไม่ทราบว่างบประมาณนี้เป็นของปีงบประมาณใด")]


# ------------------------------------------------------------------------------ places


def test_a_person_settles_an_ambiguous_place_by_picking_one_of_the_candidates(cast):
    result = run(cast.somchai, messy_workbook(), commit=False)
    row = by_row(result)[9]
    key = row.problems[0].key
    assert [code for code, _label in row.problems[0].options] == ["400101", "401002", "402901"]
    batch = result.batch
    plan.set_place_choices(batch=batch, choices={key: "401002"})
    again = plan.preview(actor=cast.somchai, batch=batch)
    picked = {r.number: r for r in again.rows}[9]
    assert picked.outcome == "create"
    assert [w.message for w in picked.warnings] == [
        "“ในเมือง”: ใช้ ต.ในเมือง อ.บ้านไผ่ จ.ขอนแก่น ตามที่เลือกไว้"
    ]
    # A code that was not offered is ignored: the row stays rejected.
    plan.set_place_choices(batch=batch, choices={key: "230101"})
    assert {r.number: r for r in plan.preview(actor=cast.somchai, batch=batch).rows}[
        9
    ].outcome == "rejected"


def test_a_preview_writes_no_project(cast):
    result = run(cast.somchai, messy_workbook(), commit=False)
    assert result.counts["create"] == 4 and not Project.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.PREVIEWED
    assert ImportRow.objects.filter(batch=batch).count() == 14
    rejected = ImportRow.objects.get(batch=batch, row_number=12)
    assert rejected.problems == [
        {
            "column": "Q",
            "header": "หน่วยงาน",
            "message": "คุณไม่มีสิทธิ์บันทึกโครงการของ สสส.",
            "fix": "นำเข้าเฉพาะโครงการของหน่วยงานที่คุณมีสิทธิ์ (พอช.) หรือส่งแถวนี้ให้ผู้มีสิทธิ์ของหน่วยงานนั้นนำเข้า",
        }
    ]


def test_commit_after_preview_writes_what_was_previewed_and_a_second_commit_does_nothing(cast):
    result = run(cast.somchai, messy_workbook(), commit=False)
    batch = plan.commit(batch_id=result.batch.pk)
    assert batch.status == ImportStatus.COMMITTED and Project.objects.count() == 4
    assert ImportRow.objects.get(batch=batch, row_number=5).project == Project.objects.get(
        ref_code="CODI-68-001"
    )
    events = AuditEvent.objects.count()
    assert plan.commit(batch_id=batch.pk).status == ImportStatus.COMMITTED
    assert Project.objects.count() == 4 and AuditEvent.objects.count() == events


def test_a_register_changed_after_the_preview_is_not_committed_blindly(cast):
    result = run(cast.somchai, messy_workbook(), commit=False)
    project_create(
        actor=cast.somchai,
        data=ProjectData(
            owner_id=org("พอช.").pk,
            title="ชื่อเดิม",
            ref_code="CODI-68-001",
            area_codes=["400108"],
            budget_lines=[BudgetLineData(2568, Decimal(1))],
        ),
    )
    batch = plan.commit(batch_id=result.batch.pk)
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.error.startswith("ข้อมูลในระบบเปลี่ยนไปหลังการตรวจสอบ")
    assert batch.counts["update"] == 1 and batch.counts["create"] == 3
    assert Project.objects.count() == 1


def test_themes_and_target_groups_are_matched_by_name(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(["ชื่อโครงการ", "ตำบล", "จังหวัด", "ประเด็น", "กลุ่มเป้าหมาย", "จำนวนเป้าหมาย"])
    ws.append(["ดูแลผู้สูงอายุติดเตียง", "สาวะถี", "ขอนแก่น", "ผู้สูงอายุ, สุขภาพ", "ผู้ป่วยติดเตียง", "12 คน"])
    out = io.BytesIO()
    wb.save(out)
    result = run(cast.somchai, out.getvalue())
    row = by_row(result)[2]
    assert row.outcome == ImportOutcome.CREATE and not row.warnings
    project = Project.objects.get()
    assert set(project.themes.all()) == {
        Theme.objects.get(slug="ageing"),
        Theme.objects.get(slug="health"),
    }
    assert project.targets.get().target_group == TargetGroup.objects.get(slug="bedridden")
    assert project.targets.get().planned == 12


def test_an_unknown_theme_or_target_group_rejects_the_row_naming_column_value_and_fix(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(["ชื่อโครงการ", "ตำบล", "จังหวัด", "ประเด็น", "กลุ่มเป้าหมาย"])
    ws.append(["ดนตรีในชุมชน", "สาวะถี", "ขอนแก่น", "ผู้สูงอายุ, ดนตรี", "ผู้ป่วยติดเตียง"])
    ws.append(["ดูแลคนพิเศษ", "สาวะถี", "ขอนแก่น", "สุขภาพ", "มนุษย์ต่างดาว"])
    ws.append(["ดูแลผู้สูงอายุ", "สาวะถี", "ขอนแก่น", "สุขภาพ", "ผู้ป่วยติดเตียง"])
    out = io.BytesIO()
    wb.save(out)
    result = run(cast.somchai, out.getvalue())
    rows = by_row(result)
    music, alien, fine = rows[2], rows[3], rows[4]
    assert music.outcome == ImportOutcome.REJECTED
    [problem] = music.problems
    assert (problem.column, problem.header) == ("D", "ประเด็น")
    assert problem.message == "ไม่รู้จักประเด็น “ดนตรี”"
    assert "ผู้สูงอายุ/สังคมสูงวัย" in problem.fix and "ผู้ดูแลระบบเพิ่ม" in problem.fix
    assert alien.outcome == ImportOutcome.REJECTED
    [problem] = alien.problems
    assert (problem.column, problem.message) == ("E", "ไม่รู้จักกลุ่มเป้าหมาย “มนุษย์ต่างดาว”")
    assert "คนพิการ" in problem.fix
    assert fine.outcome == ImportOutcome.CREATE
    assert list(Project.objects.values_list("title", flat=True)) == ["ดูแลผู้สูงอายุ"]


def test_the_file_is_kept_on_the_batch_and_rows_keep_the_report(cast):
    data = messy_workbook()
    result = run(cast.somchai, data)
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert bytes(batch.file_content) == data and batch.file_size == len(data)
    assert batch.mapping["2"] == ImportField.TITLE
    assert batch.report == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 4, "rejected": 6}


def test_a_subtotal_row_is_skipped_but_a_project_whose_name_starts_with_ruam_is_not(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(["ชื่อโครงการ", "ตำบล", "อำเภอ", "จังหวัด", "งบประมาณ", "ปีงบประมาณ"])
    ws.append(["รวมพลังสร้างสุขชุมชนสาวะถี", "สาวะถี", "เมือง", "ขอนแก่น", "10,000", 2568])
    ws.append(["รวมอำเภอเมืองขอนแก่น", None, None, None, "=SUM(E2:E2)", None])
    out = io.BytesIO()
    wb.save(out)
    rows = by_row(run(cast.somchai, out.getvalue()))
    assert rows[2].outcome == "create"
    assert rows[3].reason == "แถวรวมยอด (“รวมอำเภอเมืองขอนแก่น”) ไม่ใช่โครงการ"
