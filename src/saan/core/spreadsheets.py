"""Spreadsheet safety, in both directions.

A cell whose text starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return that a
spreadsheet strips first) would be run as a formula by Excel, LibreOffice or Google Sheets.
Saan never writes one that way: ``safe_cell`` prefixes such text with an apostrophe, the
spreadsheet convention for "this is text". Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """The value made safe to put in a spreadsheet cell or CSV field."""
    if isinstance(value, str) and value and is_formula_like(value):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV download: UTF-8 with a byte-order mark (without it Excel shows Thai as mojibake),
    every cell formula-safe, ``None`` as an empty field."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")
