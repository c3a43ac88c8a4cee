"""The work register as files: CSV, Excel, JSON and HXL (a 3W "who does what where" table).

``export_response(fmt, projects, filename=…)`` answers a download. The caller decides *which*
projects (always through ``queries.visible_to``, then ``filters.filter_projects``); this module
decides how they look. The columns are documented in docs/exports.md.

- Column titles and labels are Thai whatever the interface language, so a file exported today
  reads the same tomorrow and goes back through the importer unchanged.
- Every text cell passes ``core.spreadsheets.safe_cell``: a title such as ``=HYPERLINK(…)``
  arrives as text, never as a live formula, in every format a spreadsheet opens.
- CSV, HXL and JSON stream row by row; Excel is built in a temporary file (an .xlsx is a zip
  and cannot be streamed) with openpyxl's write-only workbook, which keeps memory flat.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import content_disposition_header

from saan.areas.models import Area, Level
from saan.core.spreadsheets import safe_cell
from saan.projects.models import (
    BudgetLine,
    OrgRole,
    Project,
    ProjectArea,
    ProjectOrganisation,
    ProjectTarget,
    Stage,
    Status,
    Visibility,
)

FORMATS = ("csv", "xlsx", "json", "hxl")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"csv": ".csv", "hxl": ".hxl.csv", "json": ".json", "xlsx": ".xlsx"}
BOM = "\ufeff"
CHUNK = 200  # projects fetched (with their related rows) per database round trip

# Thai labels, fixed: the files are data, not interface (see the module docstring).
STATUS_TH: dict[str, str] = {
    Status.PLANNED: "วางแผน",
    Status.ONGOING: "กำลังดำเนินการ",
    Status.COMPLETED: "เสร็จสิ้น",
    Status.CANCELLED: "ยกเลิก",
}
VISIBILITY_TH: dict[str, str] = {
    Visibility.PUBLIC: "สาธารณะ",
    Visibility.ALLIANCE: "ภาคีในพื้นที่",
    Visibility.PRIVATE: "เฉพาะองค์กรที่ร่วมโครงการ",
}
ROLE_TH: dict[str, str] = {
    OrgRole.LEAD: "หน่วยงานหลัก/รับผิดชอบ",
    OrgRole.IMPLEMENTING: "หน่วยดำเนินการ",
    OrgRole.FUNDING: "หน่วยสนับสนุนงบประมาณ",
    OrgRole.PARTNER: "ภาคีร่วม",
}
STAGE_TH: dict[str, str] = {
    Stage.PLANNED: "ตั้งงบ",
    Stage.COMMITTED: "ผูกพันแล้ว",
    Stage.DISBURSED: "เบิกจ่าย/โอนแล้ว",
    Stage.SPENT: "ใช้จ่ายแล้ว",
}


class UnknownFormat(ValueError):
    pass


# ----------------------------------------------------------------------------- fetching


def export_queryset(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` with everything an export reads, fetched in a fixed number of queries."""
    return projects.select_related("owner").prefetch_related(
        Prefetch(
            "project_areas",
            queryset=ProjectArea.objects.select_related("area__parent__parent").order_by("area_id"),
        ),
        Prefetch(
            "roles",
            queryset=ProjectOrganisation.objects.select_related("organisation").order_by(
                "role", "organisation__name_th"
            ),
        ),
        "themes",
        Prefetch(
            "targets",
            queryset=ProjectTarget.objects.select_related("target_group").order_by(
                "target_group__sort_order", "target_group__name_th"
            ),
        ),
        Prefetch(
            "budget_lines",
            queryset=BudgetLine.objects.select_related("source").order_by("fiscal_year", "id"),
        ),
    )


def _each(projects: QuerySet[Project]) -> Iterator[Project]:
    yield from export_queryset(projects).iterator(chunk_size=CHUNK)


# --------------------------------------------------------------------------- plain values


def _prefix(area: Area) -> str:
    """The Thai level word before a name, in any interface language (Bangkok: เขต, แขวง)."""
    bangkok = area.code.startswith("10")
    if area.level == Level.PROVINCE:
        return "" if bangkok else "จ."
    if area.level == Level.DISTRICT:
        return "" if bangkok else "อ."  # geothai's Bangkok district names already carry เขต
    return "แขวง" if bangkok else "ต."


def _chain(area: Area) -> list[Area]:
    """Province, district, subdistrict down to ``area`` (select_related fetched the parents)."""
    chain = [area]
    while chain[0].parent_id is not None and chain[0].parent is not None:
        chain.insert(0, chain[0].parent)
    return chain


def area_label(area: Area) -> str:
    """``ต.บ้านเป็ด อ.เมืองขอนแก่น จ.ขอนแก่น``: the area and the places above it."""
    return " ".join(f"{_prefix(a)}{a.name_th}" for a in reversed(_chain(area)))


def _areas(project: Project) -> list[Area]:
    return [pa.area for pa in project.project_areas.all()]


def _themes(project: Project) -> list[Any]:
    return sorted(project.themes.all(), key=lambda t: (t.sort_order, t.name_th))


def _org_name(org: Any) -> str:
    return org.short_name or org.name_th


def _partners(project: Project) -> list[ProjectOrganisation]:
    """Roles other than the owner's own lead role."""
    return [
        r
        for r in project.roles.all()
        if not (r.organisation_id == project.owner_id and r.role == OrgRole.LEAD)
    ]


def _total(project: Project) -> Decimal | None:
    lines = list(project.budget_lines.all())
    return sum((b.amount for b in lines), Decimal(0)) if lines else None


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _updated(project: Project) -> dt.date:
    return timezone.localtime(project.updated_at).date()


def _text(value: str) -> str:
    cell = safe_cell(value)
    return cell if isinstance(cell, str) else str(cell)


# ------------------------------------------------------------------- CSV and Excel columns


@dataclass(frozen=True)
class Column:
    title: str  # Thai column title
    value: Callable[[Project], Any]  # str, int, Decimal, date or None
    kind: str = "text"  # text | int | money | date
    width: int = 16  # Excel column width, in characters


COLUMNS: list[Column] = [
    Column("รหัสในระบบ", lambda p: p.pk, "int", 10),
    Column("รหัสโครงการของหน่วยงาน", lambda p: p.ref_code, width=18),
    Column("ชื่อโครงการ", lambda p: p.title, width=60),
    Column("หน่วยงานเจ้าของโครงการ", lambda p: p.owner.name_th, width=36),
    Column("ชื่อย่อหน่วยงาน", lambda p: p.owner.short_name, width=14),
    Column(
        "องค์กรที่ร่วมโครงการ (บทบาท)",
        lambda p: "; ".join(
            f"{_org_name(r.organisation)} ({ROLE_TH[r.role]})" for r in _partners(p)
        ),
        width=40,
    ),
    Column("สถานะ", lambda p: STATUS_TH.get(p.status, p.status), width=14),
    Column("การเปิดเผย", lambda p: VISIBILITY_TH.get(p.visibility, p.visibility), width=14),
    Column("วันเริ่ม", lambda p: p.start_date, "date", 12),
    Column("วันสิ้นสุด", lambda p: p.end_date, "date", 12),
    Column("ปีงบประมาณเริ่ม (พ.ศ.)", lambda p: p.fy_start, "int", 10),
    Column("ปีงบประมาณสิ้นสุด (พ.ศ.)", lambda p: p.fy_end, "int", 10),
    Column("รหัสพื้นที่", lambda p: "; ".join(a.code for a in _areas(p)), width=18),
    Column("พื้นที่ดำเนินการ", lambda p: "; ".join(area_label(a) for a in _areas(p)), width=48),
    Column("ประเด็นงาน", lambda p: "; ".join(t.name_th for t in _themes(p)), width=30),
    Column(
        "กลุ่มเป้าหมาย (เป้าหมาย/เข้าถึงแล้ว คน)",
        lambda p: "; ".join(
            f"{t.target_group.name_th} "
            f"{'-' if t.planned is None else t.planned}/{'-' if t.reached is None else t.reached}"
            for t in p.targets.all()
        ),
        width=36,
    ),
    Column("งบประมาณรวม (บาท)", _total, "money", 16),
    Column(
        "รายการงบประมาณ",
        lambda p: "; ".join(
            f"ปีงบ {b.fiscal_year} {_money(b.amount)} บาท {STAGE_TH.get(b.stage, b.stage)}"
            + (f" จาก {_org_name(b.source)}" if b.source is not None else "")
            + (f" ({b.note})" if b.note else "")
            for b in p.budget_lines.all()
        ),
        width=48,
    ),
    Column("สาระสำคัญ", lambda p: p.summary, width=48),
    Column("วัตถุประสงค์", lambda p: p.objectives, width=48),
    Column("แก้ไขล่าสุด", _updated, "date", 12),
]


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


class _Echo:
    """A file-like object whose ``write`` hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM  # Excel reads UTF-8 CSV as UTF-8 (Thai, not mojibake) only with a BOM
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def table_rows(projects: QuerySet[Project]) -> Iterator[list[Any]]:
    """The header, then one row of typed values per project (what CSV and Excel write)."""
    yield [c.title for c in COLUMNS]
    for project in _each(projects):
        yield [c.value(project) for c in COLUMNS]


# ------------------------------------------------------------------------------------ HXL

HXL_COLUMNS: list[tuple[str, str]] = [
    ("รหัสโครงการในระบบ", "#activity+code"),
    ("ชื่อโครงการ", "#activity+name"),
    ("หน่วยงานเจ้าของโครงการ", "#org+name"),
    ("ชื่อย่อหน่วยงาน", "#org+acronym"),
    ("หน่วยดำเนินการ", "#org+impl+name"),
    ("หน่วยสนับสนุนงบประมาณ", "#org+funder+name"),
    ("ประเด็นงาน", "#sector+name"),
    ("รหัสประเด็นงาน", "#sector+code"),
    ("ประเทศ", "#country+code"),
    ("จังหวัด", "#adm1+name"),
    ("รหัสจังหวัด", "#adm1+code"),
    ("อำเภอ/เขต", "#adm2+name"),
    ("รหัสอำเภอ/เขต", "#adm2+code"),
    ("ตำบล/แขวง", "#adm3+name"),
    ("รหัสตำบล/แขวง", "#adm3+code"),
    ("วันเริ่ม", "#date+start"),
    ("วันสิ้นสุด", "#date+end"),
    ("งบประมาณรวมของโครงการ (บาท)", "#value+budget"),
    ("สกุลเงิน", "#currency"),
    ("สถานะ", "#status"),
    ("จำนวนคนเป้าหมาย", "#targeted"),
    ("จำนวนคนที่เข้าถึงแล้ว", "#reached"),
]


def _people(project: Project, attr: str) -> int | None:
    """People a project plans to reach (or has reached): the largest of its target groups.
    Groups overlap (ผู้สูงอายุ 60+ and ผู้ป่วยติดเตียง are often the same people), so adding
    them up would count someone twice."""
    counts = [getattr(t, attr) for t in project.targets.all() if getattr(t, attr) is not None]
    return max(counts) if counts else None


def hxl_rows(projects: QuerySet[Project]) -> Iterator[list[Any]]:
    """Human header, hashtag row, then one row per project and area. A project's budget and
    people repeat on each of its area rows: count each ``#activity+code`` once when adding."""
    yield [title for title, _tag in HXL_COLUMNS]
    yield [tag for _title, tag in HXL_COLUMNS]
    for p in _each(projects):
        themes = _themes(p)
        roles = list(p.roles.all())
        impl = "; ".join(_org_name(r.organisation) for r in roles if r.role == OrgRole.IMPLEMENTING)
        funders = {_org_name(r.organisation) for r in roles if r.role == OrgRole.FUNDING}
        funders |= {_org_name(b.source) for b in p.budget_lines.all() if b.source is not None}
        common = {
            "#activity+code": p.pk,
            "#activity+name": p.title,
            "#org+name": p.owner.name_th,
            "#org+acronym": p.owner.short_name,
            "#org+impl+name": impl,
            "#org+funder+name": "; ".join(sorted(funders)),
            "#sector+name": "; ".join(t.name_th for t in themes),
            "#sector+code": "; ".join(t.slug for t in themes),
            "#country+code": "THA",
            "#date+start": p.start_date,
            "#date+end": p.end_date,
            "#value+budget": _total(p),
            "#currency": "THB",
            "#status": STATUS_TH.get(p.status, p.status),
            "#targeted": _people(p, "planned"),
            "#reached": _people(p, "reached"),
        }
        places: list[Area | None] = [*_areas(p)] or [None]  # the service requires one
        for area in places:
            row = dict(common)
            for level, a in zip((1, 2, 3), _chain(area) if area else [], strict=False):
                row[f"#adm{level}+name"] = a.name_th
                row[f"#adm{level}+code"] = a.code
            yield [row.get(tag) for _title, tag in HXL_COLUMNS]


# ----------------------------------------------------------------------------------- JSON


def _org_ref(org: Any) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name_th": org.name_th,
        "name_en": org.name_en,
        "short_name": org.short_name,
    }


def _area_ref(area: Area) -> dict[str, Any]:
    chain = _chain(area)
    return {
        "code": area.code,
        "level": area.level,
        "name_th": area.name_th,
        "name_en": area.name_en,
        "label_th": area_label(area),
        "province": {
            "code": chain[0].code,
            "name_th": chain[0].name_th,
            "name_en": chain[0].name_en,
        },
        "district": (
            {"code": chain[1].code, "name_th": chain[1].name_th, "name_en": chain[1].name_en}
            if len(chain) > 1
            else None
        ),
    }


def project_record(project: Project) -> dict[str, Any]:
    """The whole project as JSON-ready values (dates ISO, money as exact decimal strings).
    The JSON export writes a list of these and the API answers with the same shape."""
    total = _total(project)
    return {
        "id": project.pk,
        "ref_code": project.ref_code,
        "title": project.title,
        "summary": project.summary,
        "objectives": project.objectives,
        "status": project.status,
        "status_label": STATUS_TH.get(project.status, project.status),
        "visibility": project.visibility,
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "fy_start": project.fy_start,
        "fy_end": project.fy_end,
        "fiscal_years": project.fiscal_years,
        "owner": _org_ref(project.owner),
        "organisations": [
            {**_org_ref(r.organisation), "role": r.role, "role_label": ROLE_TH.get(r.role, r.role)}
            for r in project.roles.all()
        ],
        "areas": [_area_ref(a) for a in _areas(project)],
        "themes": [
            {"slug": t.slug, "name_th": t.name_th, "name_en": t.name_en} for t in _themes(project)
        ],
        "targets": [
            {
                "slug": t.target_group.slug,
                "name_th": t.target_group.name_th,
                "name_en": t.target_group.name_en,
                "planned": t.planned,
                "reached": t.reached,
            }
            for t in project.targets.all()
        ],
        "budget_lines": [
            {
                "fiscal_year": b.fiscal_year,
                "amount": f"{b.amount:.2f}",
                "stage": b.stage,
                "source": _org_ref(b.source) if b.source is not None else None,
                "note": b.note,
            }
            for b in project.budget_lines.all()
        ],
        "budget_total": f"{total:.2f}" if total is not None else None,
        "version": project.version,
        "updated_at": timezone.localtime(project.updated_at).isoformat(),
    }


def _json_chunks(projects: QuerySet[Project]) -> Iterator[str]:
    yield "["
    first = True
    for project in _each(projects):
        yield ("\n" if first else ",\n") + json.dumps(project_record(project), ensure_ascii=False)
        first = False
    yield "\n]\n"


# ---------------------------------------------------------------------------------- Excel


def _xlsx_file(projects: QuerySet[Project]) -> Any:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("โครงการ")
    ws.freeze_panes = "D2"
    for i, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value: Any, kind: str) -> Any:
        c = WriteOnlyCell(ws)
        if value is None:
            return c
        if kind == "text":
            c.value = _text(str(value))
            # Text, whatever it starts with: openpyxl would otherwise store "=…" as a formula.
            c.data_type = "s"
        elif kind == "money":
            c.value = value
            c.number_format = "#,##0.00"
        elif kind == "date":
            c.value = value
            c.number_format = "yyyy-mm-dd"
        else:
            c.value = value
        return c

    rows = table_rows(projects)
    header = []
    for title in next(rows):
        c = WriteOnlyCell(ws, value=title)
        c.font = bold
        c.alignment = wrap
        header.append(c)
    ws.append(header)
    for row in rows:
        ws.append([cell(v, col.kind) for v, col in zip(row, COLUMNS, strict=True)])
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    wb.save(out)
    out.seek(0)
    return out


# ------------------------------------------------------------------------------- response


def export_response(fmt: str, projects: QuerySet[Project], *, filename: str) -> HttpResponseBase:
    """A download of ``projects`` as ``fmt`` (csv, xlsx, json or hxl). ``filename`` without
    an extension gets the format's own (Thai is fine: the header carries it RFC 6266-style).
    Raises ``UnknownFormat`` for any other ``fmt``."""
    if fmt not in FORMATS:
        raise UnknownFormat(fmt)
    if not filename.endswith(EXTENSIONS[fmt]):
        filename += EXTENSIONS[fmt]
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    response: HttpResponseBase
    if fmt == "xlsx":
        response = FileResponse(_xlsx_file(projects), as_attachment=True, filename=filename)
        response["Content-Type"] = CONTENT_TYPES[fmt]
        return response
    if fmt == "json":
        stream: Iterator[str] = _json_chunks(projects)
    elif fmt == "hxl":
        stream = _csv_lines(hxl_rows(projects))
    else:
        stream = _csv_lines(table_rows(projects))
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    if disposition:
        response["Content-Disposition"] = disposition
    return response
