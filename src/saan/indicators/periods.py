"""Periods of indicator data, stored as DHIS2 period identifiers so dataValueSets round-trip:

========================  ============  ==========================  ===================
period type               identifier    meaning                     shown in Thai
========================  ============  ==========================  ===================
fiscal year (ปีงบประมาณ)   ``2024Oct``   1 Oct 2024 – 30 Sep 2025    ปีงบประมาณ 2568
calendar year             ``2025``      1 Jan – 31 Dec 2025         พ.ศ. 2568
quarter                   ``2025Q1``    Jan – Mar 2025              ไตรมาส 1/2568
month                     ``202503``    March 2025                  มี.ค. 2568
========================  ============  ==========================  ===================

``parse_period`` also reads what people type: ``2568`` or ``ปีงบประมาณ 2568`` or ``ปีงบ 68`` for a
fiscal year, ``พ.ศ. 2568`` for a calendar year, ``ไตรมาส 1/2568`` or ``Q1/2568``, ``มี.ค. 2568`` or
``3/2568``, Thai digits anywhere; years above 2400 are พ.ศ.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from saan.core.thai import MONTHS_TH_LONG, MONTHS_TH_SHORT, be_year, normalise_digits


class PeriodType(models.TextChoices):
    FISCAL_YEAR = "fiscal_year", _("ปีงบประมาณ")
    CALENDAR_YEAR = "calendar_year", _("ปีปฏิทิน")
    QUARTER = "quarter", _("ไตรมาส")
    MONTH = "month", _("เดือน")


class PeriodError(ValueError):
    """Text that is not a period of the expected type; the message is for people."""


_FY = re.compile(r"^(\d{4})Oct$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")


def _ce(year: int) -> int:
    """A year as CE: four-digit years above 2400 are พ.ศ.; two digits are พ.ศ. 25xx."""
    if year < 100:
        year += 2500
    return year - 543 if year > 2400 else year


def period_type_of(pid: str) -> str | None:
    if _FY.match(pid):
        return PeriodType.FISCAL_YEAR
    if _YEAR.match(pid):
        return PeriodType.CALENDAR_YEAR
    if _QUARTER.match(pid):
        return PeriodType.QUARTER
    if _MONTH.match(pid):
        return PeriodType.MONTH
    return None


def period_range(pid: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period identifier."""
    if m := _FY.match(pid):
        start_year = int(m.group(1))
        return dt.date(start_year, 10, 1), dt.date(start_year + 1, 9, 30)
    if m := _YEAR.match(pid):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := _QUARTER.match(pid):
        year, quarter = int(m.group(1)), int(m.group(2))
        first = 3 * quarter - 2
        return dt.date(year, first, 1), dt.date(
            year, first + 2, calendar.monthrange(year, first + 2)[1]
        )
    if m := _MONTH.match(pid):
        year, month = int(m.group(1)), int(m.group(2))
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    raise PeriodError(f"not a period identifier: {pid!r}")


def fiscal_year_period(year_be: int) -> str:
    """``2568`` → ``2024Oct``."""
    return f"{year_be - 544}Oct"


def label(pid: str, *, english: bool = False) -> str:
    """How a period is shown: ``ปีงบประมาณ 2568``, ``ไตรมาส 1/2568``, ``มี.ค. 2568``."""
    start, end = period_range(pid)
    kind = period_type_of(pid)
    if english:
        if kind == PeriodType.FISCAL_YEAR:
            return f"FY {be_year(end.year)} ({start.year}–{end.year})"
        if kind == PeriodType.QUARTER:
            return f"Q{(start.month + 2) // 3} {start.year}"
        if kind == PeriodType.MONTH:
            return start.strftime("%b %Y")
        return str(start.year)
    if kind == PeriodType.FISCAL_YEAR:
        return f"ปีงบประมาณ {be_year(end.year)}"
    if kind == PeriodType.QUARTER:
        return f"ไตรมาส {(start.month + 2) // 3}/{be_year(start.year)}"
    if kind == PeriodType.MONTH:
        return f"{MONTHS_TH_SHORT[start.month - 1]} {be_year(start.year)}"
    return f"พ.ศ. {be_year(start.year)}"


def short_label(pid: str, *, english: bool = False) -> str:
    """A chart axis label: a fiscal year is just its พ.ศ. year (``2568``, ``FY2568``); other
    periods as ``label`` shows them."""
    if period_type_of(pid) == PeriodType.FISCAL_YEAR:
        year = str(be_year(period_range(pid)[1].year))
        return f"FY{year}" if english else year
    return label(pid, english=english)


_MONTH_WORDS = {
    **{name: i + 1 for i, name in enumerate(MONTHS_TH_LONG)},
    **{name.replace(".", ""): i + 1 for i, name in enumerate(MONTHS_TH_SHORT)},
    **{name.lower(): i + 1 for i, name in enumerate(calendar.month_abbr) if name},
    **{name.lower(): i + 1 for i, name in enumerate(calendar.month_name) if name},
}


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+)?$")


def period_of_date(day: dt.date, period_type: str) -> str:
    """The period of ``period_type`` that contains ``day``."""
    if period_type == PeriodType.FISCAL_YEAR:
        return f"{day.year if day.month >= 10 else day.year - 1}Oct"
    if period_type == PeriodType.CALENDAR_YEAR:
        return str(day.year)
    if period_type == PeriodType.QUARTER:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if period_type == PeriodType.MONTH:
        return f"{day.year}{day.month:02d}"
    raise ValueError(period_type)


def parse_period(text: str, period_type: str) -> str:
    """The period identifier for what a person or a file wrote, for an indicator whose periods
    are ``period_type``. Raises ``PeriodError`` with a Thai message otherwise."""
    raw = normalise_digits(str(text)).strip()
    if period_type_of(raw) == period_type:
        return raw
    if m := _ISO_DATE.match(raw):
        # A date (an Excel date cell, or ISO text): the period of this type that holds it.
        try:
            return period_of_date(dt.date(_ce(int(m[1])), int(m[2]), int(m[3])), period_type)
        except ValueError:
            pass
    compact = re.sub(r"[\s.]+", "", raw.lower())
    compact = re.sub(r"^(ปีงบประมาณ|ปีงบ|งบปี|fy|พศ|ปี|ค\.?ศ)", "", compact)
    try:
        if period_type in (PeriodType.FISCAL_YEAR, PeriodType.CALENDAR_YEAR):
            if not re.fullmatch(r"\d{2}|\d{4}", compact):
                raise PeriodError
            year = _ce(int(compact))
            if period_type == PeriodType.FISCAL_YEAR:
                # A fiscal year is named by the year it ends in.
                return f"{year - 1}Oct"
            return str(year)
        if period_type == PeriodType.QUARTER:
            m = re.fullmatch(r"(?:ไตรมาส|ไตรมาสที่|q)?([1-4])[/\-]?(\d{2}|\d{4})", compact)
            if not m:
                raise PeriodError
            return f"{_ce(int(m.group(2)))}Q{m.group(1)}"
        if period_type == PeriodType.MONTH:
            m = re.fullmatch(r"(\d{1,2})[/\-](\d{2}|\d{4})", compact)
            if m and 1 <= int(m.group(1)) <= 12:
                return f"{_ce(int(m.group(2)))}{int(m.group(1)):02d}"
            m = re.fullmatch(r"([^\d]+)(\d{2}|\d{4})", compact)
            if m and m.group(1) in _MONTH_WORDS:
                return f"{_ce(int(m.group(2)))}{_MONTH_WORDS[m.group(1)]:02d}"
            raise PeriodError
    except PeriodError:
        pass
    raise PeriodError(
        _("“%(text)s” ไม่ใช่%(kind)sที่ตัวชี้วัดนี้ใช้")
        % {"text": text, "kind": PeriodType(period_type).label}
    )
