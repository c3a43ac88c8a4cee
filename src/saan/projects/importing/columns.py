"""Finding the header row and recognising what each column holds.

Agencies' sheets start with a title row or two, often have merged two-row headers ("พื้นที่
ดำเนินการ" over ตำบล | อำเภอ | จังหวัด) and name the same column many ways. Each of the first rows is
tried as the header and scored by how many different fields its cells name; the best row wins.
A header cell left empty takes the text of the merged cell (or the cell) above it, so a column
headed in the row above still counts.

What a column holds is suggested from, in order: what this organisation chose for the same
header text before (``ColumnMapping``), an exact known name, the known name with units and
marks removed, a known name at the start of the header, and a close spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter
from rapidfuzz import fuzz

from saan.core.thai import normalise_digits
from saan.projects.importing.read import Formula, Table

HEADER_SCAN_ROWS = 30


class ImportField(models.TextChoices):
    """What a spreadsheet column can be imported as. ``ROW_NO`` and ``NOTE`` are recognised
    (they help find the header) but not stored."""

    REF_CODE = "ref_code", _("รหัสโครงการ")
    TITLE = "title", _("ชื่อโครงการ")
    OWNER = "owner", _("หน่วยงานเจ้าของโครงการ")
    IMPLEMENTING = "implementing", _("หน่วยดำเนินการ")
    PARTNERS = "partners", _("ภาคีร่วม")
    SUBDISTRICT = "subdistrict", _("ตำบล")
    DISTRICT = "district", _("อำเภอ")
    PROVINCE = "province", _("จังหวัด")
    AREA_CODE = "area_code", _("รหัสพื้นที่")
    PLACE = "place", _("พื้นที่ (ตำบล อำเภอ จังหวัด ในช่องเดียว)")
    BUDGET = "budget", _("งบประมาณ (บาท)")
    FISCAL_YEAR = "fiscal_year", _("ปีงบประมาณ")
    BUDGET_SOURCE = "budget_source", _("แหล่งงบประมาณ")
    BUDGET_STAGE = "budget_stage", _("สถานะงบ")
    START_DATE = "start_date", _("วันเริ่ม")
    END_DATE = "end_date", _("วันสิ้นสุด")
    PERIOD = "period", _("ระยะเวลา (เริ่ม–สิ้นสุด)")
    STATUS = "status", _("สถานะ")
    THEMES = "themes", _("ประเด็น")
    TARGET_GROUP = "target_group", _("กลุ่มเป้าหมาย")
    TARGET_COUNT = "target_count", _("จำนวนเป้าหมาย")
    CONTACT_NAME = "contact_name", _("ผู้ประสานงาน")
    CONTACT_PHONE = "contact_phone", _("โทรศัพท์")
    CONTACT_EMAIL = "contact_email", _("อีเมล")
    SUMMARY = "summary", _("สาระสำคัญ")
    OBJECTIVES = "objectives", _("วัตถุประสงค์")
    LINK = "link", _("ลิงก์")
    VISIBILITY = "visibility", _("การเปิดเผย")
    ROW_NO = "row_no", _("ลำดับที่ (ไม่นำเข้า)")
    NOTE = "note", _("หมายเหตุ (ไม่นำเข้า)")


IGNORE = ""  # the mapping value for "do not import this column"
NOT_STORED = {ImportField.ROW_NO.value, ImportField.NOTE.value}
# Fields several columns may share: one budget column per fiscal year, several partner columns.
REPEATABLE = {
    ImportField.BUDGET.value,
    ImportField.PARTNERS.value,
    ImportField.THEMES.value,
    ImportField.ROW_NO.value,
    ImportField.NOTE.value,
}

# Known header names, Thai and English. Compared after ``header_key`` (no spaces, marks or case).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ref_code": (
        "รหัสโครงการ",
        "รหัส",
        "เลขที่โครงการ",
        "รหัสอ้างอิง",
        "เลขที่สัญญา",
        "project code",
        "project id",
        "code",
        "ref",
        "ref code",
        "reference",
    ),
    "title": (
        "ชื่อโครงการ",
        "โครงการ",
        "ชื่อโครงการ/กิจกรรม",
        "โครงการ/กิจกรรม",
        "ชื่อกิจกรรม",
        "แผนงาน/โครงการ",
        "project",
        "project name",
        "project title",
        "title",
        "name",
    ),
    "owner": (
        "หน่วยงาน",
        "หน่วยงานเจ้าของโครงการ",
        "หน่วยงานรับผิดชอบ",
        "หน่วยงานที่รับผิดชอบ",
        "หน่วยงานเจ้าของ",
        "เจ้าของโครงการ",
        "องค์กร",
        "organisation",
        "organization",
        "agency",
        "owner",
    ),
    "implementing": (
        "หน่วยดำเนินการ",
        "หน่วยงานดำเนินการ",
        "ผู้ดำเนินการ",
        "ผู้รับทุน",
        "องค์กรที่ดำเนินการ",
        "implementer",
        "implementing organisation",
        "implementing organization",
    ),
    "partners": (
        "ภาคีร่วม",
        "หน่วยงานร่วม",
        "หน่วยงานที่ร่วม",
        "ภาคีเครือข่าย",
        "หน่วยงานภาคี",
        "partners",
        "partner",
    ),
    "subdistrict": ("ตำบล", "ตำบล/แขวง", "แขวง", "ชื่อตำบล", "subdistrict", "sub-district", "tambon"),
    "district": ("อำเภอ", "อำเภอ/เขต", "เขต", "ชื่ออำเภอ", "district", "amphoe"),
    "province": ("จังหวัด", "ชื่อจังหวัด", "province", "changwat"),
    "area_code": ("รหัสพื้นที่", "รหัสตำบล", "รหัสอำเภอ", "area code", "geocode", "tambon code"),
    "place": ("พื้นที่", "พื้นที่ดำเนินการ", "พื้นที่เป้าหมาย", "พื้นที่ดำเนินงาน", "สถานที่", "location", "area"),
    "budget": (
        "งบประมาณ",
        "งบประมาณบาท",
        "จำนวนเงิน",
        "จำนวนเงินบาท",
        "วงเงิน",
        "งบ",
        "งบประมาณที่ได้รับ",
        "งบประมาณที่ได้รับจัดสรร",
        "งบประมาณที่ได้รับอนุมัติ",
        "งบประมาณทั้งสิ้น",
        "budget",
        "amount",
        "budget thb",
        "amount thb",
    ),
    "fiscal_year": ("ปีงบประมาณ", "ปีงบ", "ปีงบประมาณพศ", "ปี", "fiscal year", "fy", "year"),
    "budget_source": (
        "แหล่งงบประมาณ",
        "แหล่งงบ",
        "แหล่งทุน",
        "ที่มาของงบประมาณ",
        "แหล่งที่มาของงบประมาณ",
        "funding source",
        "source of funds",
        "funder",
    ),
    "budget_stage": ("สถานะงบ", "สถานะงบประมาณ", "budget stage"),
    "start_date": (
        "วันเริ่ม",
        "วันที่เริ่ม",
        "วันเริ่มต้น",
        "วันที่เริ่มต้น",
        "เริ่ม",
        "วันที่เริ่มโครงการ",
        "เริ่มโครงการ",
        "start",
        "start date",
        "begins",
    ),
    "end_date": (
        "วันสิ้นสุด",
        "วันที่สิ้นสุด",
        "สิ้นสุด",
        "วันที่สิ้นสุดโครงการ",
        "สิ้นสุดโครงการ",
        "end",
        "end date",
        "finish",
        "ends",
    ),
    "period": ("ระยะเวลา", "ระยะเวลาดำเนินการ", "ระยะเวลาโครงการ", "ช่วงเวลา", "period", "duration"),
    "status": ("สถานะ", "สถานะโครงการ", "สถานะการดำเนินงาน", "ความก้าวหน้า", "status"),
    "themes": (
        "ประเด็น",
        "ประเด็นงาน",
        "ประเด็นหลัก",
        "ประเด็นการพัฒนา",
        "ประเด็นยุทธศาสตร์",
        "theme",
        "themes",
        "issue",
        "issues",
    ),
    "target_group": ("กลุ่มเป้าหมาย", "ประเภทกลุ่มเป้าหมาย", "target group", "target"),
    "target_count": (
        "จำนวนเป้าหมาย",
        "จำนวนกลุ่มเป้าหมาย",
        "จำนวนคน",
        "จำนวนผู้รับประโยชน์",
        "จำนวนผู้เข้าร่วม",
        "เป้าหมายคน",
        "target count",
        "beneficiaries",
    ),
    "contact_name": (
        "ผู้ประสานงาน",
        "ชื่อผู้ประสานงาน",
        "ผู้รับผิดชอบ",
        "ผู้รับผิดชอบโครงการ",
        "ผู้ติดต่อ",
        "contact",
        "contact person",
        "coordinator",
        "contact name",
    ),
    "contact_phone": (
        "โทรศัพท์",
        "เบอร์โทร",
        "เบอร์โทรศัพท์",
        "โทร",
        "หมายเลขโทรศัพท์",
        "เบอร์ติดต่อ",
        "phone",
        "tel",
        "telephone",
        "mobile",
    ),
    "contact_email": ("อีเมล", "อีเมล์", "email", "e-mail"),
    "summary": (
        "รายละเอียด",
        "สาระสำคัญ",
        "รายละเอียดโครงการ",
        "คำอธิบาย",
        "กิจกรรมหลัก",
        "description",
        "summary",
        "details",
    ),
    "objectives": ("วัตถุประสงค์", "objective", "objectives"),
    "link": ("ลิงก์", "เว็บไซต์", "url", "link", "website"),
    "visibility": ("การเปิดเผย", "การเปิดเผยข้อมูล", "visibility"),
    "row_no": ("ลำดับ", "ลำดับที่", "ที่", "no", "#", "item", "seq"),
    "note": ("หมายเหตุ", "note", "notes", "remark", "remarks"),
}

_MARKS = re.compile(r"[\s.,:;*'’\"()\[\]{}/\\\-–_]+")
# Units and markers that decorate a header without changing what it is.
_NOISE = re.compile(r"บาท|พศ|คศ|ถ้ามี|thb|\d+")


def header_key(text: Any) -> str:
    """A header in one comparable form: Thai digits, case, spaces and marks do not matter."""
    if text is None:
        return ""
    return _MARKS.sub("", normalise_digits(str(text)).lower())


@lru_cache(maxsize=1)
def _synonym_index() -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    ordered: list[tuple[str, str]] = []
    for name, words in SYNONYMS.items():
        for word in words:
            key = header_key(word)
            exact.setdefault(key, name)
            ordered.append((key, name))
    # Longest first, so "ปีงบประมาณ" wins over "งบประมาณ" and "แหล่งงบประมาณ" over both.
    ordered.sort(key=lambda kv: -len(kv[0]))
    return exact, ordered


@dataclass(frozen=True)
class Recognised:
    field: str
    how: str  # "remembered", "exact", "close", "starts", "fuzzy"


def recognise(text: Any, remembered: dict[str, str] | None = None) -> Recognised | None:
    """What a header names, or None."""
    key = header_key(text)
    if not key or len(key) > 60:
        return None
    if remembered and key in remembered:
        return Recognised(remembered[key], "remembered")
    exact, ordered = _synonym_index()
    if key in exact:
        return Recognised(exact[key], "exact")
    bare = _NOISE.sub("", key)
    if bare and bare in exact:
        return Recognised(exact[bare], "close")
    for syn, name in ordered:
        # "งบประมาณที่ได้รับปี2568" starts with a known name; short names ("ปี", "ที่") would
        # match too much, so only names of four letters or more count here.
        if len(syn) >= 4 and bare.startswith(syn) and len(bare) - len(syn) <= 14:
            return Recognised(name, "starts")
    if len(bare) >= 4:
        best, best_score = None, 0.0
        for syn, name in ordered:
            if len(syn) < 4:
                continue
            score = fuzz.ratio(bare, syn)
            if score > best_score:
                best, best_score = name, score
        if best and best_score >= 86:
            return Recognised(best, "fuzzy")
    return None


def header_year(text: Any) -> int | None:
    """A fiscal year written in a budget column's header: "งบประมาณปี 2568", "งบ 68" → 2568."""
    digits = normalise_digits(str(text or ""))
    m = re.search(r"(?<!\d)(25\d\d)(?!\d)", digits)
    if m:
        return int(m.group(1))
    m = re.search(r"(?:ปี|งบ)\s*(?:พ\.?ศ\.?)?\s*(\d\d)(?!\d)", digits)
    if m:
        return 2500 + int(m.group(1))
    return None


def _text(value: Any) -> str:
    if value is None or isinstance(value, Formula):
        return ""
    return str(value).strip()


@dataclass
class HeaderGuess:
    """The header row (0-based index into ``Table.rows``), each column's header text and the
    suggested field per column index."""

    row: int
    headers: list[str]
    suggestions: dict[int, str] = field(default_factory=dict)
    how: dict[int, str] = field(default_factory=dict)
    score: int = 0

    @property
    def has_title(self) -> bool:
        return ImportField.TITLE.value in self.suggestions.values()


def _merged_above(table: Table) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of every cell inside a merged range → the range's top-left cell."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in table.merges:
        if r1 > HEADER_SCAN_ROWS + 2:
            continue
        for r in range(r1, min(r2, HEADER_SCAN_ROWS + 2) + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    covered[(r, c)] = (r1, c1)
    return covered


def headers_at(table: Table, row: int, remembered: dict[str, str] | None = None) -> list[str]:
    """The header text of each column if ``row`` is the header row: the cell's own text; else
    the text of the merged cell it belongs to; else the nearest cell above (up to two rows)
    when that names a field; a sub-header that names nothing alone is tried with the heading
    above it ("งบประมาณ" over "ปี 2568")."""
    covered = _merged_above(table)
    width = max(table.width, 1)
    texts: list[str] = []
    for col in range(width):
        own = _text(table.cell(row, col))
        top = covered.get((row, col))
        if not own and top is not None:
            own = _text(table.cell(*top))
        if not own:
            for up in (row - 1, row - 2):
                above = _text(table.cell(up, col))
                if up >= 0 and above and recognise(above, remembered):
                    own = above
                    break
        elif not recognise(own, remembered) and row > 0:
            parent_pos = covered.get((row - 1, col), (row - 1, col))
            parent = _text(table.cell(*parent_pos))
            if parent and recognise(f"{parent} {own}", remembered):
                own = f"{parent} {own}"
        texts.append(own)
    while texts and not texts[-1]:
        texts.pop()
    return texts


def guess_at(table: Table, row: int, remembered: dict[str, str] | None = None) -> HeaderGuess:
    headers = headers_at(table, row, remembered)
    suggestions: dict[int, str] = {}
    how: dict[int, str] = {}
    seen: set[str] = set()
    for col, text in enumerate(headers):
        found = recognise(text, remembered)
        if found is None:
            continue
        if found.field in seen and found.field not in REPEATABLE:
            continue  # a second "ตำบล" column is left for the person to decide
        seen.add(found.field)
        suggestions[col] = found.field
        how[col] = found.how
    score = len(seen - {IGNORE})
    return HeaderGuess(row, headers, suggestions, how, score)


def detect_header(table: Table, remembered: dict[str, str] | None = None) -> HeaderGuess | None:
    """The most likely header row among the first rows, or None when no row names a project
    title and at least one other field."""
    best: HeaderGuess | None = None
    for row in range(min(len(table.rows), HEADER_SCAN_ROWS)):
        if not any(_text(v) for v in table.rows[row]):
            continue
        guess = guess_at(table, row, remembered)
        if not guess.has_title or guess.score < 2:
            continue
        if best is None or guess.score > best.score:
            best = guess
    return best


def column_letter(col: int) -> str:
    return get_column_letter(col + 1)


def default_fiscal_year(table: Table, header_row: int) -> int | None:
    """A fiscal year written in the title rows above the header ("ปีงบประมาณ 2568"), used for
    rows that give none."""
    for row in range(header_row):
        for value in table.rows[row]:
            text = normalise_digits(_text(value))
            m = re.search(r"ปีงบ(?:ประมาณ)?\s*(?:พ\.?\s*ศ\.?)?\s*(25\d\d)", text)
            if m:
                return int(m.group(1))
    return None
