"""What the columns of a table mean, and the values they hold, one ``Record`` per value.

Shapes (see docs/indicator-import.md):

- **long** — one value per row: indicator, area, period, value, optional breakdown and source.
- **wide by indicator** — one column per indicator, the header its code or Thai name.
- **wide by period** — one column per period, the header a year or period as people write it:
  ``2566``, ``ปีงบประมาณ 2567``, ``พ.ศ. 2568``, ``ไตรมาส 1/2568``.
- **DHIS2** — a dataValueSets CSV (``dataelement,period,orgunit,…``) or JSON.

The header row is found among the first ten rows (agencies put titles above their tables). An
area is a DOPA code, or a place name in one column or split over ตำบล/อำเภอ/จังหวัด columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from saan.core.thai import normalise_digits, thai_date
from saan.indicators.importing import cells
from saan.indicators.importing import messages as msg
from saan.indicators.importing.messages import ImportFileError
from saan.indicators.importing.reading import CSV, JSON, OpenedFile, Rows, Table
from saan.indicators.periods import PeriodError, PeriodType, parse_period, period_range

LONG, WIDE_INDICATOR, WIDE_PERIOD, DHIS2 = "long", "wide_indicator", "wide_period", "dhis2"
HEADER_SEARCH_ROWS = 10
DHIS2_DEFAULT_COMBOS = frozenset({"", "default", "hllvx50cxc0"})  # DHIS2's default combo


class Record(NamedTuple):
    """One value as the file gives it, before anything is looked up."""

    row: int
    indicator: str
    area: str
    period: str
    value: Any
    breakdown: str = ""
    source: str = ""
    value_col: str = ""  # where the value is: "D (2567)"
    indicator_col: str = ""
    period_col: str = ""
    problem: tuple[str, str] | None = None  # (outcome kind, message) decided by the reader


class Cells(NamedTuple):
    """Where the parts of a value are in a table of plain text cells (CSV), by position, for
    ``plan``'s fast path: it reads the common row straight from the cells and hands any other
    row to ``records``, the reading every row gets otherwise."""

    rows: Callable[[], Rows]
    header_row: int
    width: int
    indicator: int | None
    area: int
    period: int | None
    breakdown: int | None
    source: int | None
    # Per value column: (index, label, the indicator its header names (wide by indicator),
    # the period its header names (wide by period)).
    values: tuple[tuple[int, str, str | None, str | None], ...]
    default_indicator: str
    default_period: str
    records: Callable[[int, list[Any]], list[Record]]


@dataclass
class Layout:
    """How a table was understood, shown above the preview."""

    shape: str
    table: str = ""
    header_row: int = 0
    area_col: str = ""
    breakdown_col: str = ""
    used: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    total: int = 0  # rows (or DHIS2 values) to read, for progress
    notes: list[str] = field(default_factory=list)  # what was interpreted (dates, percentages)


def fold_header(value: Any) -> str:
    raw = normalise_digits(cells.text(value)).lower()
    return re.sub(r"[\s_.\-:/()]+", "", raw)


def _aliases(*names: str) -> frozenset[str]:
    return frozenset(fold_header(n) for n in names)


INDICATOR = _aliases("indicator", "indicator_code", "indicator code", "รหัสตัวชี้วัด", "ตัวชี้วัด")
INDICATOR_NAME = _aliases("ชื่อตัวชี้วัด", "indicator name")
AREA = _aliases(
    "area",
    "area_code",
    "area code",
    "รหัสพื้นที่",
    "รหัสตำบล",
    "รหัสแขวง",
    "รหัสอำเภอ",
    "รหัสเขต",
    "รหัสจังหวัด",
    "geocode",
    "orgunit",
)
AREA_NAME = _aliases("พื้นที่", "ชื่อพื้นที่", "area name", "place")
SUBDISTRICT = _aliases("ตำบล", "แขวง", "ชื่อตำบล", "subdistrict", "tambon")
DISTRICT = _aliases("อำเภอ", "เขต", "ชื่ออำเภอ", "district", "amphoe")
PROVINCE = _aliases("จังหวัด", "ชื่อจังหวัด", "province", "changwat")
PERIOD = _aliases("period", "ช่วงเวลา", "ปี", "ปีงบประมาณ", "ปีงบ", "พ.ศ.", "year", "fiscal year")
VALUE = _aliases("value", "ค่า", "ค่าข้อมูล", "จำนวน", "ผล")
BREAKDOWN = _aliases("breakdown", "จำแนก", "การจำแนก", "disaggregation")
SOURCE = _aliases("source", "ที่มา", "แหล่งข้อมูล", "source note")
DHIS2_COLUMNS = {
    "dataelement": "indicator",
    "period": "period",
    "orgunit": "area",
    "categoryoptioncombo": "coc",
    "catoptcombo": "coc",
    "attributeoptioncombo": "aoc",
    "attroptcombo": "aoc",
    "value": "value",
    "comment": "source",
    "deleted": "deleted",
}


def period_header(header: str) -> bool:
    """Whether a column header names a period (for some period type) in a plausible year."""
    for kind in PeriodType:
        try:
            pid = parse_period(header, kind)
        except PeriodError:
            continue
        if 1990 <= period_range(pid)[0].year <= 2100:
            return True
    return False


def _label(index: int, header: Any) -> str:
    title = cells.text(header)
    letter = get_column_letter(index + 1)
    return f"{letter} ({title})" if title else letter


@dataclass
class _Columns:
    indicator: int | None = None
    indicator_name: int | None = None
    area: int | None = None
    area_name: int | None = None
    subdistrict: int | None = None
    district: int | None = None
    province: int | None = None
    period: int | None = None
    value: int | None = None
    breakdown: int | None = None
    source: int | None = None
    indicators: list[int] = field(default_factory=list)  # wide by indicator
    periods: list[int] = field(default_factory=list)  # wide by period

    @property
    def has_area(self) -> bool:
        return any(
            c is not None
            for c in (self.area, self.area_name, self.subdistrict, self.district, self.province)
        )


_ROLE_SETS = (
    ("indicator", INDICATOR),
    ("indicator_name", INDICATOR_NAME),
    ("area", AREA),
    ("area_name", AREA_NAME),
    ("subdistrict", SUBDISTRICT),
    ("district", DISTRICT),
    ("province", PROVINCE),
    ("period", PERIOD),
    ("value", VALUE),
    ("breakdown", BREAKDOWN),
    ("source", SOURCE),
)


def _classify(header: list[Any], is_indicator: Callable[[str], bool]) -> _Columns:
    found = _Columns()
    for i, cell in enumerate(header):
        folded = fold_header(cell)
        if not folded:
            continue
        role = next((name for name, names in _ROLE_SETS if folded in names), None)
        if role is not None:
            if getattr(found, role) is None:
                setattr(found, role, i)
            continue
        title = cells.text(cell)
        if is_indicator(title):
            found.indicators.append(i)
        elif period_header(title):
            found.periods.append(i)
    return found


def _is_dhis2_header(header: list[Any]) -> bool:
    folded = [fold_header(c) for c in header]
    return "dataelement" in folded and "orgunit" in folded


def cell_text(value: Any) -> str:
    """A cell as text: ``cells.text``, with the common case (a CSV field that needs nothing)
    first."""
    if type(value) is str and not value.startswith("'"):
        return value.strip()
    return cells.text(value)


def _cell(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _blank(row: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


class Reading(NamedTuple):
    """How a file was understood, its values one by one, and (for a table of text cells) where
    they are, for a faster reading of the same values."""

    layout: Layout
    records: Iterator[Record]
    cells: Cells | None = None


def read_records(
    opened: OpenedFile,
    *,
    is_indicator: Callable[[str], bool],
    default_indicator: str = "",
    default_period: str = "",
) -> Reading:
    """The layout of the file and an iterator over its values. Raises ``ImportFileError``."""
    if opened.format == JSON:
        return Reading(*_dhis2_json(opened.json_data))
    plain = opened.format == CSV
    for table in opened.tables:
        found = _find_header(table, is_indicator)
        if found is not None:
            number, header = found
            if _is_dhis2_header(header):
                return Reading(*_dhis2_csv(table, number, header))
            return _tabular(
                table, number, header, is_indicator, default_indicator, default_period, plain
            )
    raise ImportFileError(msg.no_header())


def _find_header(table: Table, is_indicator: Callable[[str], bool]) -> tuple[int, list[Any]] | None:
    for number, row in table.rows():
        if number > HEADER_SEARCH_ROWS:
            break
        if _blank(row):
            continue
        if _is_dhis2_header(row):
            return number, row
        cols = _classify(row, is_indicator)
        if cols.has_area and (cols.value is not None or cols.indicators or cols.periods):
            return number, row
    return None


def _tabular(
    table: Table,
    header_row: int,
    header: list[Any],
    is_indicator: Callable[[str], bool],
    default_indicator: str,
    default_period: str,
    plain: bool,
) -> Reading:
    cols = _classify(header, is_indicator)
    if cols.value is not None:
        shape = LONG
    elif cols.indicators:
        shape = WIDE_INDICATOR
    else:
        shape = WIDE_PERIOD
    indicator_col = cols.indicator if cols.indicator is not None else cols.indicator_name
    if shape != WIDE_INDICATOR and indicator_col is None and not default_indicator:
        raise ImportFileError(msg.no_indicator_column())
    if shape != WIDE_PERIOD and cols.period is None and not default_period:
        raise ImportFileError(msg.no_period_column())
    # A code column wins over a name column; names are looked up only without codes.
    area_col = cols.area if cols.area is not None else cols.area_name
    place_cols = [c for c in (cols.subdistrict, cols.district, cols.province) if c is not None]
    labels = {i: _label(i, h) for i, h in enumerate(header)}
    used = {
        c
        for c in (
            indicator_col,
            area_col,
            cols.period,
            cols.value,
            cols.breakdown,
            cols.source,
            *([] if area_col is not None else place_cols),
        )
        if c is not None
    }
    used |= set(cols.indicators if shape == WIDE_INDICATOR else [])
    used |= set(cols.periods if shape == WIDE_PERIOD else [])
    area_label = (
        labels[area_col] if area_col is not None else ", ".join(labels[c] for c in place_cols)
    )
    layout = Layout(
        shape=shape,
        table=table.name,
        header_row=header_row,
        area_col=area_label,
        breakdown_col=labels.get(cols.breakdown, "") if cols.breakdown is not None else "",
        used=[labels[i] for i in sorted(used)],
        ignored=[labels[i] for i in range(len(header)) if i not in used and cells.text(header[i])],
        total=max(table.total_rows - header_row, 0),
    )
    if shape == WIDE_INDICATOR:
        value_cols = [(i, cells.text(header[i]), labels[i]) for i in cols.indicators]
    elif shape == WIDE_PERIOD:
        value_cols = [(i, cells.text(header[i]), labels[i]) for i in cols.periods]
    else:
        value_cols = [(cols.value, "", labels[cols.value])] if cols.value is not None else []
    ind_label = labels.get(indicator_col, "") if indicator_col is not None else ""
    period_label = labels.get(cols.period, "") if cols.period is not None else ""
    period_col, breakdown_col, source_col = cols.period, cols.breakdown, cols.source
    width = len(header)

    noted = {"date": False, "percent": False}

    def row_records(number: int, row: list[Any]) -> list[Record]:
        """The values of one row below the header (none for a blank row)."""
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        if area_col is not None:
            area = cell_text(row[area_col])
        else:
            area = " ".join(t for t in (cell_text(row[c]) for c in place_cols) if t)
        indicator = cell_text(row[indicator_col]) if indicator_col is not None else ""
        if not area and not indicator and _blank(row):
            return []
        indicator = indicator or default_indicator
        if period_col is not None:
            raw_period = row[period_col]
            if not noted["date"] and isinstance(raw_period, dt.date):
                noted["date"] = True
                layout.notes.append(
                    msg.date_period_note(period_label, number, thai_date(raw_period))
                )
        period = (cell_text(row[period_col]) if period_col is not None else "") or default_period
        breakdown = cell_text(row[breakdown_col]) if breakdown_col is not None else ""
        source = cell_text(row[source_col]) if source_col is not None else ""
        found = []
        for index, title, label in value_cols:
            value = row[index]
            if not noted["percent"] and isinstance(value, cells.PercentCell):
                noted["percent"] = True
                shown = cells.shown_percent(value).normalize()
                layout.notes.append(
                    msg.percent_note(label, number, cells.text(value), f"{shown:f}")
                )
            if shape == WIDE_INDICATOR:
                found.append(
                    Record(
                        number,
                        title,
                        area,
                        period,
                        value,
                        breakdown,
                        source,
                        label,
                        label,
                        period_label,
                    )
                )
            elif shape == WIDE_PERIOD:
                found.append(
                    Record(
                        number,
                        indicator,
                        area,
                        title,
                        value,
                        breakdown,
                        source,
                        label,
                        ind_label,
                        label,
                    )
                )
            else:
                found.append(
                    Record(
                        number,
                        indicator,
                        area,
                        period,
                        value,
                        breakdown,
                        source,
                        label,
                        ind_label,
                        period_label,
                    )
                )
        return found

    def records() -> Iterator[Record]:
        for number, row in table.rows():
            if number > header_row:
                yield from row_records(number, row)

    fast = None
    if plain and area_col is not None and value_cols:
        fast = Cells(
            rows=table.rows,
            header_row=header_row,
            width=width,
            indicator=indicator_col,
            area=area_col,
            period=period_col,
            breakdown=breakdown_col,
            source=source_col,
            values=tuple(
                (
                    index,
                    label,
                    title if shape == WIDE_INDICATOR else None,
                    title if shape == WIDE_PERIOD else None,
                )
                for index, title, label in value_cols
            ),
            default_indicator=default_indicator,
            default_period=default_period,
            records=row_records,
        )
    return Reading(layout, records(), fast)


def _dhis2_csv(table: Table, header_row: int, header: list[Any]) -> tuple[Layout, Iterator[Record]]:
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        role = DHIS2_COLUMNS.get(fold_header(cell))
        if role is not None and role not in index:
            index[role] = i
    labels = {i: _label(i, h) for i, h in enumerate(header)}
    layout = Layout(
        shape=DHIS2,
        table=table.name,
        header_row=header_row,
        area_col=labels[index["area"]],
        breakdown_col=labels.get(index.get("coc", -1), ""),
        used=[labels[i] for i in sorted(index.values())],
        ignored=[labels[i] for i in range(len(header)) if i not in index.values()],
        total=max(table.total_rows - header_row, 0),
    )

    def get(row: list[Any], role: str) -> str:
        return cells.text(_cell(row, index.get(role)))

    def records() -> Iterator[Record]:
        for number, row in table.rows():
            if number <= header_row or _blank(row):
                continue
            yield _dhis2_record(
                number,
                get(row, "indicator"),
                get(row, "area"),
                get(row, "period"),
                _cell(row, index.get("value")),
                get(row, "coc"),
                get(row, "aoc"),
                get(row, "source"),
                get(row, "deleted"),
                labels,
                index,
            )

    return layout, records()


def _dhis2_record(
    number: int,
    indicator: str,
    area: str,
    period: str,
    value: Any,
    coc: str,
    aoc: str,
    comment: str,
    deleted: str,
    labels: dict[int, str],
    index: dict[str, int],
) -> Record:
    problem = None
    if aoc.lower() not in DHIS2_DEFAULT_COMBOS:
        problem = ("rejected", msg.unsupported_attribute_combo(aoc))
    elif deleted.lower() == "true":
        problem = ("skipped", msg.deleted_in_dhis2())
    breakdown = "" if coc.lower() in DHIS2_DEFAULT_COMBOS else coc
    return Record(
        number,
        indicator,
        area,
        period,
        value,
        breakdown,
        comment,
        labels.get(index.get("value", -1), "value"),
        labels.get(index.get("indicator", -1), "dataElement"),
        labels.get(index.get("period", -1), "period"),
        problem,
    )


def _dhis2_json(data: dict[str, Any]) -> tuple[Layout, Iterator[Record]]:
    values = data["dataValues"]
    layout = Layout(
        shape=DHIS2,
        table="dataValues",
        area_col="orgUnit",
        breakdown_col="categoryOptionCombo",
        used=["dataElement", "period", "orgUnit", "categoryOptionCombo", "value", "comment"],
        total=len(values),
    )
    # dataValueSet-level defaults, as DHIS2 applies them.
    set_period = cells.text(data.get("period"))
    set_area = cells.text(data.get("orgUnit"))
    set_aoc = cells.text(data.get("attributeOptionCombo"))
    labels = {0: "value", 1: "dataElement", 2: "period"}
    index = {"value": 0, "indicator": 1, "period": 2}

    def records() -> Iterator[Record]:
        for number, item in enumerate(values, start=1):
            if not isinstance(item, dict):
                yield Record(number, "", "", "", None, problem=("rejected", msg.not_dhis2_json()))
                continue
            yield _dhis2_record(
                number,
                cells.text(item.get("dataElement")),
                cells.text(item.get("orgUnit")) or set_area,
                cells.text(item.get("period")) or set_period,
                item.get("value"),
                cells.text(item.get("categoryOptionCombo")),
                cells.text(item.get("attributeOptionCombo")) or set_aoc,
                cells.text(item.get("comment")),
                cells.text(item.get("deleted")).lower(),
                labels,
                index,
            )

    return layout, records()
