"""Every message the importer shows people, in one place (docs/indicator-import.md lists them).

Thai is the source language. Messages about a value reuse the exact wording of
``saan.indicators.services`` (``clean_number``, ``value_set``), so a figure refused on the
entry form and in a file reads the same.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

# --- outcomes --------------------------------------------------------------------------------

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
CONFLICT = "conflict"
REJECTED = "rejected"
KINDS = (CREATE, UPDATE, UNCHANGED, SKIPPED, CONFLICT, REJECTED)


def kind_label(kind: str) -> str:
    return {
        CREATE: _("เพิ่มใหม่"),
        UPDATE: _("แก้ไข"),
        UNCHANGED: _("ไม่เปลี่ยน"),
        SKIPPED: _("ข้าม"),
        CONFLICT: _("ขัดกับค่าที่รับรองแล้ว"),
        REJECTED: _("ไม่รับ"),
    }[kind]


# --- the whole file --------------------------------------------------------------------------


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for people."""


def unknown_file_type(name: str) -> str:
    return _("ไม่รู้จักชนิดของไฟล์ “%(name)s”: รองรับ .csv .xlsx และ .json (dataValueSet ของ DHIS2)") % {
        "name": name
    }


def unreadable_xlsx() -> str:
    return _("เปิดไฟล์ Excel ไม่ได้: ไฟล์เสียหรือไม่ใช่ .xlsx (ไฟล์ .xls รุ่นเก่าให้บันทึกเป็น .xlsx ก่อน)")


def unreadable_text() -> str:
    return _("อ่านตัวอักษรในไฟล์ไม่ได้: บันทึกไฟล์เป็น UTF-8 หรือ TIS-620 แล้วลองใหม่")


def empty_file() -> str:
    return _("ไฟล์ไม่มีข้อมูล")


def not_dhis2_json() -> str:
    return _("ไฟล์ JSON ต้องเป็น dataValueSet ของ DHIS2 ที่มีรายการ dataValues")


def no_header() -> str:
    return _(
        "ไม่พบแถวหัวตารางใน 10 แถวแรก: ต้องมีคอลัมน์พื้นที่ (รหัสพื้นที่ หรือชื่อตำบล/อำเภอ/จังหวัด) "
        "และคอลัมน์ “ค่า” หรือคอลัมน์ที่หัวเป็นรหัสหรือชื่อตัวชี้วัด หรือเป็นช่วงเวลา เช่น “2567”"
    )


def no_indicator_column() -> str:
    return _("ไม่มีคอลัมน์ตัวชี้วัด: เพิ่มคอลัมน์ “รหัสตัวชี้วัด” หรือเลือกตัวชี้วัดของทั้งไฟล์")


def no_period_column() -> str:
    return _("ไม่มีคอลัมน์ช่วงเวลา: เพิ่มคอลัมน์ “ช่วงเวลา” หรือเลือกช่วงเวลาของทั้งไฟล์")


def file_too_large(limit_mb: int) -> str:
    return _("ไฟล์ใหญ่เกิน %(mb)s MB: แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์") % {"mb": limit_mb}


# --- one value -------------------------------------------------------------------------------


def unknown_indicator(text: str) -> str:
    return _("ไม่พบตัวชี้วัดรหัส “%(code)s”") % {"code": text}


def derived_indicator() -> str:
    # services.value_set's wording
    return _("ตัวชี้วัดนี้คำนวณจากตัวตั้งและตัวหาร ให้บันทึกค่าของตัวตั้งและตัวหารแทน")


def missing_indicator() -> str:
    return _("ไม่ได้ระบุตัวชี้วัด")


def missing_area() -> str:
    return _("ไม่ได้ระบุพื้นที่")


def missing_period() -> str:
    return _("ไม่ได้ระบุช่วงเวลา")


def unknown_area(text: str) -> str:
    return _("ไม่พบพื้นที่ “%(area)s”") % {"area": text}


def unknown_area_guess(text: str, guess: str) -> str:
    return _("ไม่พบพื้นที่ “%(area)s” (หมายถึง %(guess)s หรือไม่?)") % {"area": text, "guess": guess}


def ambiguous_area(text: str, codes: str) -> str:
    return _("“%(area)s” ตรงกับหลายพื้นที่ (%(codes)s): ใส่รหัสพื้นที่ หรือเพิ่มชื่ออำเภอและจังหวัด") % {
        "area": text,
        "codes": codes,
    }


def wrong_level(level: str, area: str, area_level: str) -> str:
    return _("ตัวชี้วัดนี้เก็บข้อมูลระดับ%(level)s แต่ %(area)s เป็นระดับ%(area_level)s") % {
        "level": level,
        "area": area,
        "area_level": area_level,
    }


def no_permission() -> str:
    # services.value_set's wording
    return _("คุณไม่มีสิทธิ์บันทึกข้อมูลในพื้นที่นี้")


def not_a_number(text: str) -> str:
    # services.clean_number's wording
    return _("“%(v)s” ไม่ใช่ตัวเลข") % {"v": text}


def too_large() -> str:
    return _("ตัวเลขใหญ่เกินกว่าที่เก็บได้ (ไม่เกิน 16 หลักหน้าจุดทศนิยม)")


def breakdown_too_long() -> str:
    return _("การจำแนกยาวเกิน 40 ตัวอักษร")


def unsupported_attribute_combo(text: str) -> str:
    return _("ไม่รองรับ attributeOptionCombo “%(aoc)s”: Saan รับเฉพาะค่าเริ่มต้น (default)") % {
        "aoc": text
    }


def duplicate(row: int, column: str) -> str:
    where = _("แถวที่ %(row)s") % {"row": row}
    if column:
        where = _("แถวที่ %(row)s คอลัมน์ %(column)s") % {"row": row, "column": column}
    return _("ซ้ำกับ%(where)s (ตัวชี้วัด พื้นที่ ช่วงเวลา และการจำแนกเดียวกัน)") % {"where": where}


def missing_value(text: str) -> str:
    if not text:
        return _("ไม่มีข้อมูล (ช่องว่าง) ไม่นับเป็นศูนย์")
    return _("ไม่มีข้อมูล (“%(v)s”) ไม่นับเป็นศูนย์") % {"v": text}


def deleted_in_dhis2() -> str:
    return _("รายการนี้ถูกลบใน DHIS2 (deleted)")


def accepted_conflict() -> str:
    # services.AcceptedValueConflict's wording
    return _("ค่านี้ได้รับการรับรองแล้ว การแก้ไขต้องเปิดการสอบทานใหม่")


def reopened() -> str:
    return _("เปิดการสอบทานใหม่ตามที่เลือก (ค่าที่รับรองแล้วถูกแก้ไข)")


def conflict_kept() -> str:
    return _("คงค่าที่รับรองแล้วไว้ (ไม่ได้เลือกให้แก้ไข)")


# --- committing ------------------------------------------------------------------------------


class ImportBlocked(Exception):
    """The commit cannot go ahead; the message is for people."""


def blocked_by_rejections(count: int) -> str:
    return _("มีค่าที่ไม่รับ %(n)s รายการ: แก้ไขไฟล์แล้วนำเข้าใหม่ หรือเลือก “ข้ามรายการที่ไม่รับ”") % {
        "n": f"{count:,}"
    }


def not_yours() -> str:
    return _("การนำเข้านี้เป็นของผู้อื่น")


def already_committed() -> str:
    return _("ไฟล์นี้บันทึกไปแล้ว")


def changed_meanwhile() -> str:
    return _("ข้อมูลในระบบเปลี่ยนระหว่างการบันทึก กรุณาตรวจไฟล์อีกครั้ง")


def commit_failed() -> str:
    return _("บันทึกไม่สำเร็จ ไม่มีข้อมูลใดถูกเปลี่ยน (บันทึกทั้งไฟล์หรือไม่บันทึกเลย)")


# --- what was interpreted (shown with the layout above the preview) --------------------------


def date_period_note(column: str, row: int, shown: str) -> str:
    return _(
        "คอลัมน์ %(column)s มีวันที่ (เช่น แถว %(row)d: %(shown)s): อ่านเป็นช่วงเวลาที่มีวันนั้น "
        "ตามชนิดช่วงเวลาของตัวชี้วัด (ปีงบประมาณ ปี ไตรมาส หรือเดือน)"
    ) % {"column": column, "row": row, "shown": shown}


def percent_note(column: str, row: int, stored: str, shown: str) -> str:
    return _(
        "คอลัมน์ %(column)s จัดรูปแบบเป็นร้อยละใน Excel (เช่น แถว %(row)d: %(stored)s แสดงเป็น "
        "%(shown)s%%): ตัวชี้วัดที่มีหน่วยเป็นร้อยละอ่านตามที่แสดง คือ %(shown)s; "
        "ตัวชี้วัดอื่นอ่านค่าตามที่เก็บ"
    ) % {"column": column, "row": row, "stored": stored, "shown": shown}
