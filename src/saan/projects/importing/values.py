"""Reading one cell's value the ways Thai registers write it.

Each reader takes what the spreadsheet gave (text, a number, a date) and returns the value, or
raises ``CellError`` with the Thai message and what to do. Dates: Excel date cells, d/m/y with
พ.ศ. or ค.ศ. years (two-digit years are พ.ศ.: 67 → 2567), Thai and English month names, ISO.
Fiscal years: 2568, ๒๕๖๘, "ปีงบประมาณ 2568", 68, FY2025 (ค.ศ., the year it ends). Money:
``core.thai.parse_baht``. Counts: "40", "40 คน", "๑,๒๐๐ ราย".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from saan.core.thai import (
    BE_OFFSET,
    MONTHS_EN_SHORT,
    MONTHS_TH_LONG,
    MONTHS_TH_SHORT,
    normalise_digits,
    parse_baht,
)
from saan.projects.models import Stage, Status, Visibility


class CellError(ValueError):
    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


_SPACES = re.compile(r"[ \t\u00a0\u200b]+")


def as_text(value: Any) -> str:
    """A cell as trimmed text: whole numbers without ".0", Thai digits kept as written."""
    if value is None:
        return ""
    if value.__class__ is str:  # the common case, kept fast: most rows are plain text
        if "  " in value or "\t" in value or "\u00a0" in value or "\u200b" in value:
            return _SPACES.sub(" ", value).strip()
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _SPACES.sub(" ", str(value)).strip()


# ----------------------------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(MONTHS_TH_SHORT, start=1):
    _MONTHS[_name.replace(".", "")] = _i
for _i, _name in enumerate(MONTHS_TH_LONG, start=1):
    _MONTHS[_name] = _i
for _i, _name in enumerate(MONTHS_EN_SHORT, start=1):
    _MONTHS[_name.lower()] = _i
    _MONTHS[calendar.month_name[_i].lower()] = _i
_MONTHS.update(
    {
        "กพ": 2,
        "มีค": 3,
        "เมย": 4,
        "พค": 5,
        "มิย": 6,
        "กค": 7,
        "สค": 8,
        "กย": 9,
        "ตค": 10,
        "พย": 11,
        "ธค": 12,
        "มค": 1,
        "sept": 9,
    }
)

_DMY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:[ T].*)?$")
_D_MON_Y = re.compile(
    r"^(\d{1,2})\s*([^\d\s,]+)\s*,?\s*(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?)?\s*(\d{2}|\d{4})$"
)
_MON_Y = re.compile(r"^([^\d\s,]+)\s*,?\s*(?:พ\.?\s*ศ\.?|ค\.?\s*ศ\.?)?\s*(\d{2}|\d{4})$")


def _year(text: str) -> int:
    """A written year as ค.ศ.: 2567 → 2024, 2024 → 2024, 67 → 2024 (two digits are พ.ศ.)."""
    year = int(text)
    if len(text) <= 2:
        year += 2500
    if year > 2400:
        year -= BE_OFFSET
    return year


def _month(word: str) -> int | None:
    return _MONTHS.get(word.replace(".", "").strip().lower())


def _check_year(day: dt.date) -> dt.date:
    if not 1950 <= day.year <= 2100:
        raise CellError(
            _("ปีของวันที่ดูไม่ถูกต้อง (%(year)s)") % {"year": day.year + BE_OFFSET},
            _("ใช้ปี พ.ศ. เช่น 1/10/2567 หรือ ค.ศ. เช่น 1/10/2024"),
        )
    return day


def _bad_date(text: str) -> CellError:
    return CellError(
        _("อ่านวันที่ “%(text)s” ไม่ได้") % {"text": text},
        _("เขียนเป็น วัน/เดือน/ปี พ.ศ. เช่น 1/10/2567 หรือ 1 ต.ค. 2567"),
    )


def parse_date(value: Any, *, end_of_month: bool = False) -> dt.date | None:
    """A date cell. ``end_of_month`` decides what a month without a day means (an end date)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.year > 2400:  # a พ.ศ. year typed into a date cell
            value = value.replace(year=value.year - BE_OFFSET)
        return _check_year(value)
    if isinstance(value, dt.time):
        raise _bad_date(str(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial day number in a cell without a date format
            from openpyxl.utils.datetime import from_excel

            return _check_year(from_excel(value).date())
        raise _bad_date(as_text(value))
    return _parse_date_text(as_text(value), end_of_month)


@lru_cache(maxsize=4096)
def _parse_date_text(raw: str, end_of_month: bool) -> dt.date | None:
    text = normalise_digits(raw).strip()
    if not text or text in {"-", "–"}:
        return None
    try:
        m = _DMY.match(text)
        if m:
            day, month, year = int(m.group(1)), int(m.group(2)), _year(m.group(3))
            if month > 12 and day <= 12:  # written month/day/year
                day, month = month, day
            return _check_year(dt.date(year, month, day))
        m = _YMD.match(text)
        if m:
            return _check_year(dt.date(_year(m.group(1)), int(m.group(2)), int(m.group(3))))
        m = _D_MON_Y.match(text)
        if m and _month(m.group(2)):
            month = _month(m.group(2)) or 0
            return _check_year(dt.date(_year(m.group(3)), month, int(m.group(1))))
        m = _MON_Y.match(text)
        if m and _month(m.group(1)):
            month = _month(m.group(1)) or 0
            year = _year(m.group(2))
            day = calendar.monthrange(year, month)[1] if end_of_month else 1
            return _check_year(dt.date(year, month, day))
    except ValueError as exc:
        if isinstance(exc, CellError):
            raise
        raise CellError(
            _("วันที่ “%(text)s” ไม่มีอยู่จริง") % {"text": raw},
            _("ตรวจสอบวันและเดือน เช่น 30/9/2568"),
        ) from None
    raise _bad_date(raw)


_PERIOD_SPLIT = re.compile(r"\s+(?:-|–|ถึง|to)\s+|\s*(?:–|ถึง)\s*")


def parse_period(value: Any) -> tuple[dt.date | None, dt.date | None]:
    """ "ต.ค. 67 - ก.ย. 68", "1/10/2567 ถึง 30/9/2568" → (start, end)."""
    text = as_text(value)
    if not text:
        return None, None
    parts = [p for p in _PERIOD_SPLIT.split(text) if p.strip()]
    if len(parts) != 2:
        raise CellError(
            _("อ่านระยะเวลา “%(text)s” ไม่ได้") % {"text": text},
            _("เขียนเป็น “เริ่ม - สิ้นสุด” เช่น ต.ค. 2567 - ก.ย. 2568 หรือใช้คอลัมน์วันเริ่มและวันสิ้นสุด"),
        )
    return parse_date(parts[0]), parse_date(parts[1], end_of_month=True)


# ---------------------------------------------------------------------------- fiscal years


def parse_fiscal_year(value: Any) -> int | None:
    """ปีงบประมาณ as พ.ศ.: 2568, "๒๕๖๘", "ปีงบประมาณ พ.ศ. 2568", 68, 2025/FY2025 (ค.ศ.)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        raise CellError(
            _("ปีงบประมาณเป็นวันที่ ไม่ใช่ปี"),
            _("พิมพ์ปี พ.ศ. เช่น 2568 (ตั้งรูปแบบเซลล์เป็นข้อความหรือตัวเลข)"),
        )
    return _fiscal_year_text(as_text(value))


@lru_cache(maxsize=1024)
def _fiscal_year_text(raw: str) -> int:
    text = re.sub(r"(?i)ปีงบประมาณ|ปีงบ|ปี|พ\.?\s*ศ\.?|fy|fiscal year|\s", "", normalise_digits(raw))
    if not re.fullmatch(r"\d{2}|\d{4}", text):
        raise CellError(
            _("อ่านปีงบประมาณ “%(text)s” ไม่ได้") % {"text": raw},
            _("ใส่ปีงบประมาณเดียวเป็น พ.ศ. เช่น 2568"),
        )
    year = int(text)
    if len(text) == 2:
        year += 2500
    elif 1900 <= year <= 2200:
        year += BE_OFFSET
    if not 2500 <= year <= 2700:
        raise CellError(
            _("ปีงบประมาณ %(year)s ดูไม่ถูกต้อง") % {"year": year},
            _("ใส่ปีงบประมาณเป็น พ.ศ. เช่น 2568"),
        )
    return year


# ---------------------------------------------------------------------------------- money

_NO_AMOUNT = {"", "-", "–", "—", "ไม่มี", "ไม่ใช้งบประมาณ", "ไม่ใช้งบ", "n/a", "na", "none"}


def parse_amount(value: Any) -> Decimal | None:
    """Baht: numbers, "80,000.-", "1.2 ล้านบาท", "1,500 บาท". None for "-" or "ไม่ใช้งบประมาณ"."""
    if value is None:
        return None
    if isinstance(value, bool | dt.date):
        raise _bad_amount(as_text(value))
    if isinstance(value, int | float | Decimal):
        return parse_baht(value).quantize(Decimal("0.01"))
    return _amount_text(as_text(value))


@lru_cache(maxsize=8192)
def _amount_text(text: str) -> Decimal | None:
    if text.lower().replace(" ", "") in _NO_AMOUNT:
        return None
    try:
        return parse_baht(text)
    except ValueError:
        raise _bad_amount(text) from None


def _bad_amount(text: str) -> CellError:
    return CellError(
        _("อ่านจำนวนเงิน “%(text)s” ไม่ได้") % {"text": text},
        _("ใส่เป็นตัวเลขบาท เช่น 80,000 หรือ 1.2 ล้านบาท (หนึ่งจำนวนต่อเซลล์)"),
    )


_COUNT = re.compile(
    r"^(?:ประมาณ|ราว|จำนวน)?\s*([\d,]+)\s*(?:คน|ราย|ครัวเรือน|หลังคาเรือน|ครอบครัว|ชุมชน|แห่ง|หมู่บ้าน|ตำบล|people|persons)?\.?$"
)


def parse_count(value: Any) -> int | None:
    """A number of people: 40, "40 คน", "๑,๒๐๐ ราย"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | dt.date):
        raise _bad_count(as_text(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value != int(value):
            raise _bad_count(as_text(value))
        return int(value)
    text = normalise_digits(as_text(value))
    if text in {"-", "–"}:
        return None
    m = _COUNT.match(text)
    if not m or not m.group(1).replace(",", ""):
        raise _bad_count(as_text(value))
    return int(m.group(1).replace(",", ""))


def _bad_count(text: str) -> CellError:
    return CellError(
        _("อ่านจำนวนเป้าหมาย “%(text)s” ไม่ได้") % {"text": text},
        _("ใส่จำนวนเป็นตัวเลข เช่น 40 หรือ 40 คน"),
    )


# --------------------------------------------------------------------------- vocabularies


def _key(text: str) -> str:
    return re.sub(r"[\s.\-_/()]+", "", normalise_digits(text).lower())


STATUS_WORDS: dict[str, str] = {
    _key(word): status
    for status, words in {
        Status.PLANNED: (
            "วางแผน",
            "ตามแผน",
            "ยังไม่เริ่ม",
            "ยังไม่ดำเนินการ",
            "รอดำเนินการ",
            "อยู่ระหว่างขออนุมัติ",
            "อนุมัติแล้ว",
            "planned",
            "plan",
            "not started",
        ),
        Status.ONGOING: (
            "กำลังดำเนินการ",
            "ดำเนินการ",
            "อยู่ระหว่างดำเนินการ",
            "ระหว่างดำเนินการ",
            "ดำเนินการอยู่",
            "กำลังทำ",
            "ongoing",
            "in progress",
            "active",
        ),
        Status.COMPLETED: (
            "เสร็จสิ้น",
            "เสร็จแล้ว",
            "แล้วเสร็จ",
            "ดำเนินการแล้วเสร็จ",
            "เสร็จ",
            "ปิดโครงการ",
            "ปิดโครงการแล้ว",
            "completed",
            "complete",
            "done",
            "finished",
            "closed",
        ),
        Status.CANCELLED: ("ยกเลิก", "ยกเลิกแล้ว", "ไม่ดำเนินการ", "cancelled", "canceled"),
    }.items()
    for word in words
}

STAGE_WORDS: dict[str, str] = {
    _key(word): stage
    for stage, words in {
        Stage.PLANNED: ("ตั้งงบ", "ตั้งงบประมาณ", "แผน", "planned", "plan"),
        Stage.COMMITTED: ("ผูกพัน", "ผูกพันแล้ว", "อนุมัติ", "อนุมัติแล้ว", "committed", "approved"),
        Stage.DISBURSED: ("เบิกจ่าย", "เบิกจ่ายแล้ว", "โอนแล้ว", "โอน", "disbursed", "transferred"),
        Stage.SPENT: ("ใช้จ่ายแล้ว", "ใช้แล้ว", "spent"),
    }.items()
    for word in words
}

VISIBILITY_WORDS: dict[str, str] = {
    _key(word): visibility
    for visibility, words in {
        Visibility.PUBLIC: ("สาธารณะ", "เปิดเผย", "public"),
        Visibility.ALLIANCE: ("ภาคี", "ภาคีในพื้นที่", "alliance"),
        Visibility.PRIVATE: ("เฉพาะองค์กร", "ไม่เปิดเผย", "ส่วนตัว", "private"),
    }.items()
    for word in words
}


def parse_choice(value: Any, words: dict[str, str], what: str, accepted: str) -> str | None:
    text = as_text(value)
    if not text:
        return None
    found = words.get(_key(text))
    if found is None:
        raise CellError(
            _("ไม่รู้จัก%(what)s “%(text)s”") % {"what": what, "text": text},
            _("ใช้คำใดคำหนึ่ง: %(accepted)s") % {"accepted": accepted},
        )
    return found


def vocabulary_key(text: str) -> str:
    return _key(text)
