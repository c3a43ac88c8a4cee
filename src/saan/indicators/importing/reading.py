"""Opening an uploaded file: CSV (UTF-8 with or without BOM, UTF-16, TIS-620/Windows-874;
comma, semicolon or tab), Excel .xlsx (every sheet, values not formulas) and DHIS2 JSON.

Nothing here knows what the columns mean (``shapes`` does); a file that cannot be opened at
all raises ``ImportFileError`` with a Thai message.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from saan.indicators.importing import messages as msg
from saan.indicators.importing.cells import PercentCell
from saan.indicators.importing.messages import ImportFileError

CSV, XLSX, JSON = "csv", "xlsx", "json"
Rows = Iterator[tuple[int, list[Any]]]  # (row number as a spreadsheet shows it, cells)


@dataclass
class Table:
    """One sheet of cells. ``rows()`` can be called again to read it from the top."""

    name: str
    rows: Callable[[], Rows]
    total_rows: int


@dataclass
class OpenedFile:
    format: str
    tables: list[Table]
    json_data: Any = None


def detect_format(content: bytes, filename: str) -> str:
    name = filename.lower()
    head = content[:4]
    if head.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        return XLSX
    stripped = content.lstrip(codecs.BOM_UTF8)[:64].lstrip()
    if name.endswith(".json") or stripped.startswith((b"{", b"[")):
        return JSON
    if name.endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(msg.unreadable_xlsx())
    if name.endswith((".csv", ".txt", ".tsv")) or not name or "." not in name:
        return CSV
    raise ImportFileError(msg.unknown_file_type(filename))


def decode(content: bytes) -> str:
    """Text of a CSV file in the encodings Thai offices save in."""
    try:
        if content.startswith(codecs.BOM_UTF8):
            return content[3:].decode("utf-8")
        if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return content.decode("utf-16")
    except UnicodeDecodeError:
        raise ImportFileError(msg.unreadable_text()) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Windows-874 is TIS-620 plus a few punctuation marks: Excel's "Thai" CSV.
        return content.decode("cp874")
    except UnicodeDecodeError:
        raise ImportFileError(msg.unreadable_text()) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_table(content: bytes, name: str) -> Table:
    text = decode(content)
    if not text.strip():
        raise ImportFileError(msg.empty_file())
    delimiter = _delimiter(text.split("\n", 1)[0])

    def rows() -> Rows:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        yield from enumerate(reader, start=1)

    return Table(name=name, rows=rows, total_rows=text.count("\n") + 1)


def _xlsx_tables(content: bytes) -> list[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(msg.unreadable_xlsx()) from None
    tables = []
    for sheet in book.worksheets:

        def rows(sheet: Any = sheet) -> Rows:
            for number, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1):
                yield number, [_cell_value(c) for c in row]

        tables.append(Table(name=sheet.title, rows=rows, total_rows=sheet.max_row or 0))
    return tables


def _cell_value(cell: Any) -> Any:
    """A cell's value; a number formatted as a percentage comes as ``PercentCell``, a date as
    the ``datetime`` openpyxl gives."""
    value = cell.value
    if type(value) in (int, float) and "%" in (getattr(cell, "number_format", "") or ""):
        return PercentCell(value)
    return value


def open_file(content: bytes, filename: str) -> OpenedFile:
    if not content:
        raise ImportFileError(msg.empty_file())
    kind = detect_format(content, filename)
    if kind == XLSX:
        return OpenedFile(XLSX, _xlsx_tables(content))
    if kind == JSON:
        try:
            data = json.loads(decode(content))
        except ValueError:
            raise ImportFileError(msg.not_dhis2_json()) from None
        if not isinstance(data, dict) or not isinstance(data.get("dataValues"), list):
            raise ImportFileError(msg.not_dhis2_json())
        return OpenedFile(JSON, [], json_data=data)
    return OpenedFile(CSV, [_csv_table(content, filename)])
