"""Reading an uploaded work register into plain rows of cell values.

Accepted: Excel workbooks (``.xlsx``) and CSV text in UTF-8 (with or without a byte-order mark),
TIS-620/cp874 (what Thai Windows saves) or UTF-16 (Excel's "Unicode text"). Everything else is
refused with a message that says what to do, before anything is stored.

Formulas are never run. A cell that holds a formula reaches the importer as ``Formula``, a
``str`` holding the formula text (``=SUM(G5:G9)``), never the result Excel cached for it.

Two XLSX readers give the same rows (a test holds them to it): openpyxl (``data_only=False``)
for the files people usually send, and a streaming reader over the sheet's XML for large files,
where openpyxl spends about 25 s on 100,000 rows and this one about 6.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A zip bomb inflates a small upload into gigabytes; no real register comes near this.
MAX_UNZIPPED_BYTES = 600 * 1024 * 1024
DEFAULT_MAX_ROWS = 300_000
# Sheets whose XML is larger than this are read by the streaming reader.
STREAM_ABOVE_XML_BYTES = 4 * 1024 * 1024


class ImportFileError(Exception):
    """The file cannot be read as a work register. ``message`` is for the person (Thai, or
    English when the interface is English); ``code`` is for tests and logs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Formula(str):
    """The text of a formula cell (``=SUM(G5:G9)``): data to show, never to evaluate."""

    __slots__ = ()


@dataclass
class Table:
    """One sheet as rows of values. ``rows[i]`` is the sheet's row ``i + 1``; empty cells are
    None; ``merges`` are merged ranges as 0-based inclusive (first row, first column, last row,
    last column)."""

    rows: list[list[Any]]
    sheet_name: str = ""
    sheet_names: list[str] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    kind: str = "xlsx"
    encoding: str = ""

    def cell(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.rows):
            values = self.rows[row]
            if 0 <= col < len(values):
                return values[col]
        return None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def max_bytes() -> int:
    return int(getattr(settings, "SAAN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "SAAN_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def megabytes(n: int) -> str:
    """Bytes as megabytes for a message: "20", "2.5", "0.3"."""
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------------------ what is it?

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


def check_file(data: bytes, filename: str) -> str:
    """``"xlsx"`` or ``"csv"``, or ``ImportFileError`` with what to do instead."""
    limit = max_bytes()
    if len(data) > limit:
        raise ImportFileError(
            "too_large",
            _("ไฟล์ใหญ่เกิน %(limit)s MB (ไฟล์นี้ %(size)s MB): แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์")
            % {"limit": megabytes(limit), "size": megabytes(len(data))},
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError("empty", _("ไฟล์ว่างเปล่า: ตรวจสอบว่าเลือกไฟล์ถูกต้องและบันทึกไฟล์แล้ว"))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise ImportFileError(
                "encrypted",
                _(
                    "ไฟล์นี้ตั้งรหัสผ่านไว้ ระบบจึงอ่านไม่ได้: เปิดไฟล์ใน Excel แล้วเอารหัสผ่านออก "
                    "(ไฟล์ › ข้อมูล › ป้องกันเวิร์กบุ๊ก) บันทึก แล้วนำเข้าใหม่"
                ),
            )
        raise ImportFileError(
            "xls",
            _(
                "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) ซึ่งระบบไม่รองรับ: เปิดใน Excel แล้ว "
                "บันทึกเป็น (Save As) แบบ .xlsx หรือ CSV UTF-8 แล้วนำเข้าใหม่"
            ),
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise ImportFileError("broken", _broken_message()) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "mimetype" in names and "content.xml" in names:
            raise ImportFileError(
                "ods",
                _(
                    "ไฟล์นี้เป็น OpenDocument (.ods) ซึ่งระบบไม่รองรับ: บันทึกเป็น .xlsx "
                    "หรือ CSV UTF-8 แล้วนำเข้าใหม่"
                ),
            )
        raise ImportFileError("wrong_type", _wrong_type_message())
    if data.startswith(b"%PDF"):
        raise ImportFileError("wrong_type", _wrong_type_message())
    head = data[:4096]
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in head:
        raise ImportFileError("wrong_type", _wrong_type_message())
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise ImportFileError(
            "html",
            _(
                "ไฟล์นี้เป็นหน้าเว็บ (HTML/XML) ที่ตั้งชื่อเหมือนไฟล์ Excel: เปิดใน Excel แล้ว "
                "บันทึกเป็น .xlsx แล้วนำเข้าใหม่"
            ),
        )
    # Text, whatever the name says: a CSV someone named .xlsx is still read as CSV.
    return "csv"


def _wrong_type_message() -> str:
    return _("ระบบอ่านได้เฉพาะไฟล์ Excel (.xlsx) และ CSV: บันทึกไฟล์เป็นแบบใดแบบหนึ่งแล้วนำเข้าใหม่")


def _broken_message() -> str:
    return _("เปิดไฟล์ Excel นี้ไม่ได้ (ไฟล์อาจเสียหรือดาวน์โหลดไม่ครบ): เปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx")


def _too_many_rows(n: int) -> ImportFileError:
    return ImportFileError(
        "too_many_rows",
        _("ไฟล์มี %(n)s แถว เกินกว่าที่นำเข้าครั้งเดียวได้ (%(limit)s แถว): แบ่งเป็นหลายไฟล์")
        % {"n": f"{n:,}", "limit": f"{max_rows():,}"},
    )


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """The chosen sheet (or the first that has a header; the caller decides) as a ``Table``."""
    kind = check_file(data, filename)
    if kind == "csv":
        return read_csv(data)
    return read_xlsx(data, sheet=sheet)


# ------------------------------------------------------------------------------------ CSV


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with or without BOM, UTF-16 with BOM, else TIS-620/cp874."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874"), "cp874"
    except UnicodeDecodeError:
        raise ImportFileError(
            "encoding",
            _(
                "อ่านตัวอักษรในไฟล์ CSV นี้ไม่ได้: ใน Excel เลือกบันทึกเป็น "
                "“CSV UTF-8 (คั่นด้วยจุลภาค)” แล้วนำเข้าใหม่"
            ),
        ) from None


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    best, best_score = ",", 0
    for candidate in (",", "\t", ";", "|"):
        counts = [line.count(candidate) for line in lines]
        # The separator that splits the most lines into several fields.
        score = sum(1 for c in counts if c > 0) * 1000 + sum(counts)
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    text = text.replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:16384]))
    rows: list[list[Any]] = []
    limit = max_rows()
    try:
        for record in reader:
            rows.append([value if value.strip() else None for value in record])
            if len(rows) > limit + 50:
                raise _too_many_rows(len(rows))
    except csv.Error:
        raise ImportFileError(
            "broken_csv",
            _("อ่านไฟล์ CSV นี้ไม่ได้ (เครื่องหมายคำพูดไม่ครบคู่): บันทึกจาก Excel ใหม่แล้วนำเข้า"),
        ) from None
    _trim(rows)
    return Table(rows=rows, kind="csv", encoding=encoding)


def _trim(rows: list[list[Any]]) -> None:
    """Drop empty cells at the end of each row and empty rows at the end of the sheet."""
    for values in rows:
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
    while rows and not rows[-1]:
        rows.pop()


# ----------------------------------------------------------------------------------- XLSX

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
STRICT_NS = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xml(zf: zipfile.ZipFile, path: str, events: tuple[Any, ...] = ("end",)) -> Iterator[Any]:
    """Parse events of one part of the workbook. Workbook parts never declare a DTD, so a part
    that does is refused: no entity can be defined, and ElementTree never fetches external ones
    (expat 2.4+ also caps entity expansion)."""
    with zf.open(path) as probe:
        head = probe.read(65536)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ImportFileError("broken", _broken_message())
    with zf.open(path) as f:
        yield from iterparse(f, events=events)  # noqa: S314 - no DTD allowed, see above


@dataclass
class _SheetRef:
    name: str
    path: str
    hidden: bool


def _workbook_sheets(zf: zipfile.ZipFile) -> tuple[list[_SheetRef], bool]:
    """Worksheets in workbook order with their XML paths, and whether dates count from 1904."""
    rels: dict[str, str] = {}
    for _event, el in _xml(zf, "xl/_rels/workbook.xml.rels"):
        if el.tag.endswith("Relationship"):
            target = el.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            rels[el.get("Id", "")] = posixpath.normpath(path)
    sheets: list[_SheetRef] = []
    date1904 = False
    for _event, el in _xml(zf, "xl/workbook.xml"):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), "")
            if rid in rels:
                sheets.append(_SheetRef(el.get("name", ""), rels[rid], el.get("state", "") != ""))
        elif tag == "workbookPr":
            date1904 = el.get("date1904", "0") in ("1", "true")
    return sheets, date1904


def xlsx_sheet_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [s.name for s in _workbook_sheets(zf)[0] if not s.hidden]


def read_xlsx(data: bytes, *, sheet: str | None = None, stream: bool | None = None) -> Table:
    """One worksheet of a workbook. ``stream`` forces a reader (tests); by default the
    streaming reader takes sheets whose XML is larger than ``STREAM_ABOVE_XML_BYTES``."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in zf.infolist()) > MAX_UNZIPPED_BYTES:
            raise ImportFileError("zip_bomb", _broken_message())
        refs, date1904 = _workbook_sheets(zf)
    except (zipfile.BadZipFile, KeyError, ParseError):
        raise ImportFileError("broken", _broken_message()) from None
    visible = [r for r in refs if not r.hidden] or refs
    if not visible:
        raise ImportFileError("no_sheet", _("ไม่พบแผ่นงานในไฟล์นี้"))
    chosen = next((r for r in visible if r.name == sheet), visible[0])
    names = [r.name for r in visible]
    if stream is None:
        try:
            stream = zf.getinfo(chosen.path).file_size > STREAM_ABOVE_XML_BYTES
        except KeyError:
            raise ImportFileError("broken", _broken_message()) from None
    try:
        if stream:
            rows, merges = _stream_sheet(zf, chosen.path, date1904)
        else:
            rows, merges = _openpyxl_sheet(data, chosen.name)
    except ImportFileError:
        raise
    except Exception:  # openpyxl and the XML parser raise many kinds for damaged files
        raise ImportFileError("broken", _broken_message()) from None
    _trim(rows)
    return Table(rows=rows, sheet_name=chosen.name, sheet_names=names, merges=merges)


def _openpyxl_sheet(
    data: bytes, name: str
) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # Data validation and conditional-format extensions openpyxl does not keep: harmless.
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    try:
        ws = wb[name]
        limit = max_rows()
        if ws.max_row > limit + 50:
            raise _too_many_rows(ws.max_row)
        rows: list[list[Any]] = []
        for cells in ws.iter_rows():
            values: list[Any] = []
            for c in cells:
                value = c.value
                if c.data_type == "f" and value is not None:
                    text = value if isinstance(value, str) else getattr(value, "text", "") or ""
                    value = Formula(text if text.startswith("=") else "=" + text)
                elif isinstance(value, str) and not value.strip():
                    value = None
                values.append(value)
            rows.append(values)
        merges = [
            (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
            for m in ws.merged_cells.ranges
        ]
        return rows, merges
    finally:
        wb.close()


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _ref(text: str) -> tuple[int, int]:
    """``"C12"`` → (row 11, column 2), 0-based."""
    m = _CELL_REF.match(text)
    if not m:
        raise ValueError(text)
    return int(m.group(2)) - 1, _col_index(m.group(1))


def _shared_strings(zf: zipfile.ZipFile, ns: str) -> list[str]:
    path = "xl/sharedStrings.xml"
    if path not in zf.namelist():
        return []
    strings: list[str] = []
    si, t, r = ns + "si", ns + "t", ns + "r"
    for _event, el in _xml(zf, path):
        if el.tag == si:
            parts = []
            for child in el:  # rich-text runs and plain text; phonetic guides (rPh) skipped
                if child.tag == t:
                    parts.append(child.text or "")
                elif child.tag == r:
                    parts.append("".join(x.text or "" for x in child.iter(t)))
            strings.append("".join(parts))
            el.clear()
    return strings


def _date_styles(zf: zipfile.ZipFile, ns: str) -> set[int]:
    """Indexes of the cell formats that show numbers as dates."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    path = "xl/styles.xml"
    if path not in zf.namelist():
        return set()
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    in_cell_xfs = False
    for event, el in _xml(zf, path, events=("start", "end")):
        tag = el.tag
        if tag == ns + "cellXfs":
            in_cell_xfs = event == "start"
        elif event == "end" and tag == ns + "numFmt":
            custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
        elif event == "end" and tag == ns + "xf" and in_cell_xfs:
            xf_formats.append(int(el.get("numFmtId", "0")))
    dates = set()
    for index, fmt_id in enumerate(xf_formats):
        fmt = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if fmt and is_date_format(fmt):
            dates.add(index)
    return dates


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+):([A-Z]+\d+)"')


def _merges(zf: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges, found by scanning the sheet XML in chunks (they follow the cell data)."""
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with zf.open(path) as f:
        while chunk := f.read(1 << 20):
            buf = tail + chunk
            last_end = 0
            for m in _MERGE.finditer(buf):
                r1, c1 = _ref(m.group(1).decode())
                r2, c2 = _ref(m.group(2).decode())
                found.append((r1, c1, r2, c2))
                last_end = m.end()
            tail = buf[max(last_end, len(buf) - 200) :]
    return sorted(set(found))


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    return int(text)


def _formula_text(
    formula: Any, ref: str | None, shared: dict[str, tuple[str, str]], translator: Any
) -> Formula | None:
    """A formula cell's text; cells sharing a formula get the master's, moved to their place
    as Excel shows it."""
    text = formula.text or ""
    si = formula.get("si")
    if formula.get("t") == "shared" and si is not None:
        if text:
            shared[si] = (text, ref or "")
        elif si in shared and ref:
            master, origin = shared[si]
            text = translator("=" + master, origin=origin).translate_formula(ref)[1:]
    return Formula("=" + text) if text else None


def _stream_sheet(
    zf: zipfile.ZipFile, path: str, date1904: bool
) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    from openpyxl.formula.translate import Translator
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    with zf.open(path) as probe:
        head = probe.read(2048)
    ns = STRICT_NS if b"purl.oclc.org/ooxml/spreadsheetml" in head else NS
    strings = _shared_strings(zf, ns)
    date_styles = _date_styles(zf, ns)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    c_tag, row_tag, v_tag, f_tag, is_tag, t_tag = (
        ns + "c",
        ns + "row",
        ns + "v",
        ns + "f",
        ns + "is",
        ns + "t",
    )
    rows: list[list[Any]] = []
    shared: dict[str, tuple[str, str]] = {}  # shared-formula index → (formula, its cell)
    columns: dict[str, int] = {}  # "AB" → 27, filled as letters are met
    limit = max_rows()
    current: list[Any] = []
    next_col = 0
    for _event, el in _xml(zf, path):
        tag = el.tag
        if tag == c_tag:
            ref = el.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters)
                if col is None:
                    col = columns[letters] = _col_index(letters)
            else:
                col = next_col
            next_col = col + 1
            v = formula = node = None
            for child in el:
                ctag = child.tag
                if ctag == v_tag:
                    v = child.text
                elif ctag == f_tag:
                    formula = child
                elif ctag == is_tag:
                    node = child
            kind = el.get("t", "n")
            value: Any = None
            if formula is not None:
                value = _formula_text(formula, ref, shared, Translator)
            elif kind == "s":
                value = strings[int(v)] if v is not None else None
            elif kind == "n":
                if v:
                    value = _number(v)
                    style = el.get("s")
                    if style is not None and date_styles and int(style) in date_styles:
                        value = from_excel(value, epoch)
            elif kind == "inlineStr":
                value = (
                    "".join(x.text or "" for x in node.iter(t_tag)) if node is not None else None
                )
            elif kind == "b":
                value = None if v is None else v in ("1", "true")
            elif kind == "d":
                value = dt.datetime.fromisoformat(v) if v else None
            else:  # "str" (a formula's text result without its formula), "e" (an error)
                value = v
            if value is not None:
                if value.__class__ is str and not value.strip():
                    continue
                if col >= len(current):
                    current.extend([None] * (col + 1 - len(current)))
                current[col] = value
        elif tag == row_tag:
            number = el.get("r")
            index = int(number) - 1 if number else len(rows)
            while len(rows) < index:
                rows.append([])
            rows.append(current)
            if len(rows) > limit + 50:
                raise _too_many_rows(len(rows))
            current = []
            next_col = 0
            el.clear()
    return rows, _merges(zf, path)
