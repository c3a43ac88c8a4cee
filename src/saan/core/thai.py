"""Thai conventions: Buddhist-Era dates, fiscal years, baht, Thai digits and place-name text.

Dates are stored in CE and shown in พ.ศ. (BE = CE + 543). The government fiscal year (ปีงบประมาณ)
runs 1 October – 30 September and is named by the BE year in which it ends.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

BE_OFFSET = 543

MONTHS_TH_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
MONTHS_TH_LONG = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_EN_SHORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def normalise_digits(text: str) -> str:
    """Thai digits (๐–๙) become Arabic digits; everything else is kept."""
    return text.translate(_THAI_DIGITS)


def be_year(year_ce: int) -> int:
    """The Buddhist-Era year of a CE year: 2025 → 2568."""
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    """The CE year of a Buddhist-Era year: 2568 → 2025."""
    return year_be - BE_OFFSET


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        return value.date()
    return value


def thai_date(value: dt.date | dt.datetime, *, long: bool = False) -> str:
    """``2 พ.ค. 2568`` (or ``2 พฤษภาคม 2568`` with ``long``); datetimes in local time."""
    day = _as_date(value)
    months = MONTHS_TH_LONG if long else MONTHS_TH_SHORT
    return f"{day.day} {months[day.month - 1]} {be_year(day.year)}"


def thai_datetime(value: dt.datetime) -> str:
    """``2 พ.ค. 2568 14:05 น.`` in the site's time zone."""
    from django.utils import timezone

    local = timezone.localtime(value) if value.tzinfo is not None else value
    return f"{thai_date(local)} {local:%H:%M} น."


def english_date(value: dt.date | dt.datetime) -> str:
    """``2 May 2025``: the English interface shows CE years."""
    day = _as_date(value)
    return f"{day.day} {MONTHS_EN_SHORT[day.month - 1]} {day.year}"


def fiscal_year(value: dt.date | dt.datetime) -> int:
    """The ปีงบประมาณ (BE) a date falls in: 1 Oct 2024 – 30 Sep 2025 is 2568."""
    day = _as_date(value)
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_range(year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of a ปีงบประมาณ: 2568 → (1 Oct 2024, 30 Sep 2025)."""
    end_ce = ce_year(year_be)
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def fiscal_years_spanned(start: dt.date, end: dt.date) -> list[int]:
    """Every ปีงบประมาณ that a date range touches, in order."""
    if end < start:
        raise ValueError("end is before start")
    return list(range(fiscal_year(start), fiscal_year(end) + 1))


_BAHT_SUFFIX = re.compile(r"(?:บาท|baht|thb|฿|\.-|-)+$", re.IGNORECASE)
_MILLION = re.compile(r"ล้าน(?:บาท)?$|(?:m|million)$", re.IGNORECASE)


def parse_baht(text: str | int | float | Decimal) -> Decimal:
    """Reads money as people write it: ``80,000.-``, ``1.2 ล้านบาท``, ``๑,๕๐๐ บาท``, ``฿2,500``.

    Raises ``ValueError`` for anything that is not an amount.
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    raw = normalise_digits(text).strip().replace(" ", "").replace("\u00a0", "")
    raw = raw.lstrip("฿")
    factor = Decimal(1)
    if _MILLION.search(raw):
        factor = Decimal(1_000_000)
        raw = _MILLION.sub("", raw)
    raw = _BAHT_SUFFIX.sub("", raw).replace(",", "")
    try:
        amount = Decimal(raw) * factor
    except InvalidOperation:
        raise ValueError(f"not an amount in baht: {text!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount in baht: {text!r}")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_baht(amount: Decimal | int | float | None, *, unit: bool = True) -> str:
    """``1,234,567.50 บาท``; whole amounts drop the satang: ``80,000 บาท``."""
    if amount is None:
        return "–"
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{text} บาท" if unit else text


# Level words people write before a place name, longest first so "กิ่งอำเภอ" wins over "อำเภอ".
PLACE_PREFIXES = ("กิ่งอำเภอ", "จังหวัด", "อำเภอ", "ตำบล", "แขวง", "เขต", "จ.", "อ.", "ต.")
_PREFIX_RE = re.compile(r"^(?:กิ่งอำเภอ|จังหวัด|อำเภอ|ตำบล|แขวง|เขต|จ\s*\.|อ\s*\.|ต\s*\.)\s*")
# Where a level word starts a new part inside a longer query: "ต.สาวะถีอ.เมืองจ.ขอนแก่น".
_SPLIT_RE = re.compile(r"\s+|(?=(?:จังหวัด|อำเภอ|ตำบล|แขวง|จ\.|อ\.|ต\.))")
_FOLD_RE = re.compile(r"[\s.'’\-()ฯ]+")


def fold(text: str) -> str:
    """A place name or query in one comparable form: Thai digits, case, spaces, marks and a
    leading level word do not matter.

    ``"อ. เมือง"`` → ``"เมือง"``, ``"Khon-Kaen"`` → ``"khonkaen"``.
    """
    text = normalise_digits(text).strip().lower()
    text = _PREFIX_RE.sub("", text)
    return _FOLD_RE.sub("", text)


def split_place_query(text: str) -> list[str]:
    """The parts of a written place, each folded: ``"สาวะถี อ.เมือง ขอนแก่น"`` →
    ``["สาวะถี", "เมือง", "ขอนแก่น"]``. Empty parts are dropped."""
    text = normalise_digits(text).strip()
    parts = [fold(p) for p in _SPLIT_RE.split(text) if p and p.strip()]
    return [p for p in parts if p]
