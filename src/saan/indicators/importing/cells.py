"""Reading one cell: text as people type it, missing-data markers, numbers.

A cell is missing data, never zero, when it is blank or one of the markers people use for "no
figure": ``-`` ``–`` ``—`` ``n/a`` ``N/A`` ``ไม่มีข้อมูล``. Numbers may use Thai digits, thousands
separators and spaces. A text cell that a spreadsheet export protected with a leading
apostrophe (``'=…``, ``'-5``; see ``core.spreadsheets.safe_cell``) is read without it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from saan.core.spreadsheets import FORMULA_STARTS
from saan.core.thai import normalise_digits

MISSING_MARKERS = frozenset({"", "-", "–", "—", "n/a", "ไม่มีข้อมูล"})
FOUR_PLACES = Decimal("0.0001")
# DataValue.value is numeric(20, 4): at most 16 digits before the point.
LIMIT = Decimal(10) ** 16
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009,")


class PercentCell(float):
    """A number an Excel cell shows as a percentage (``0.125`` formatted ``0.0%`` shows
    ``12.5%``). It is a float everywhere; an indicator whose unit is a percentage reads it as
    the percentage shown (see ``plan``)."""

    __slots__ = ()


def shown_percent(value: PercentCell) -> Decimal:
    """The percentage the cell shows: 0.125 → 12.5 (exactly, not through a float product)."""
    return Decimal(repr(float(value))) * 100


def is_percent_unit(value_type: str, unit: str) -> bool:
    """Whether an indicator's values are percentages (its value type or its unit says so)."""
    unit = unit.strip().lower()
    return value_type == "percentage" or unit in ("%", "ร้อยละ", "percent") or "ร้อยละ" in unit


class NotANumber(ValueError):
    pass


class TooLarge(ValueError):
    pass


def text(value: Any) -> str:
    """A cell as trimmed text: numbers from a spreadsheet without a trailing ``.0``, dates as
    ISO, a protective apostrophe removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = value.strip()
        if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
            return value[1:]
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def is_missing(raw: str) -> bool:
    """Whether trimmed cell text means "no figure"."""
    return raw.lower() in MISSING_MARKERS if len(raw) < 12 else False


def number(value: Any) -> Decimal:
    """The number in a cell (already known not to be missing), rounded to the four decimal
    places a value keeps. Raises ``NotANumber`` or ``TooLarge``."""
    if isinstance(value, int) and not isinstance(value, bool):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        result = value
    else:
        raw = value if isinstance(value, str) else text(value)
        if raw.isascii() and raw.isdigit():  # the common case, cheaply
            if len(raw) <= 16:
                return Decimal(raw)
            result = Decimal(raw)
        else:
            cleaned = normalise_digits(raw).translate(_SPACES)
            if cleaned.startswith("'"):
                cleaned = cleaned[1:]
            if not cleaned or not (cleaned[0].isdigit() or cleaned[0] in "+-."):
                raise NotANumber(raw)
            try:
                result = Decimal(cleaned)
            except InvalidOperation:
                raise NotANumber(raw) from None
    if not result.is_finite():
        raise NotANumber(str(value))
    if abs(result) >= LIMIT:
        raise TooLarge(str(value))
    if result.as_tuple().exponent != 0:
        result = result.quantize(FOUR_PLACES)
    return result
