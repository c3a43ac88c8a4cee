"""Indicator values as files, for any selection: indicators, an area and everything under it,
periods.

Formats (docs/indicator-import.md):

- ``csv`` — long, one value per row, Thai headers, UTF-8 with a BOM so Excel reads Thai;
- ``xlsx`` — the same rows as an Excel sheet;
- ``xlsx_wide`` — wide by period: one row per indicator × area × breakdown, one column per
  period headed as people write it (``ปีงบประมาณ 2568``);
- ``dhis2_json`` / ``dhis2_csv`` — DHIS2 dataValueSets: dataElement = indicator code, orgUnit =
  DOPA area code, period = the DHIS2 period id Saan stores, categoryOptionCombo = breakdown
  (left out for the total, which DHIS2 reads as its default combo), comment = source.

Every file goes back through the importer unchanged (tests prove the DHIS2 round trip). Text
cells pass ``core.spreadsheets.safe_cell``; numbers stay numbers. CSV and JSON stream; Excel is
written to a temporary file with openpyxl's write-only workbook, keeping memory flat.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import content_disposition_header

from saan.areas.models import Area
from saan.core.spreadsheets import safe_cell, safe_row
from saan.indicators import queries
from saan.indicators.models import DataValue, Indicator, State
from saan.indicators.periods import label, period_range, period_type_of
from saan.partners import permissions

FORMATS = ("csv", "xlsx", "xlsx_wide", "dhis2_json", "dhis2_csv")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "dhis2_csv": "text/csv; charset=utf-8",
    "dhis2_json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx_wide": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    "csv": ".csv",
    "dhis2_csv": ".dhis2.csv",
    "dhis2_json": ".dhis2.json",
    "xlsx": ".xlsx",
    "xlsx_wide": "-wide.xlsx",
}
BOM = "\ufeff"
CHUNK = 5000
# Fixed Thai headers, whatever the interface language: a file is data, and the importer reads
# these exact names (``ชื่อ…``, ``หน่วย`` and ``สถานะ`` are for people and ignored on the way in).
LONG_HEADERS = [
    "รหัสตัวชี้วัด",
    "ชื่อตัวชี้วัด",
    "รหัสพื้นที่",
    "ชื่อพื้นที่",
    "ช่วงเวลา",
    "ชื่อช่วงเวลา",
    "จำแนก",
    "ค่า",
    "หน่วย",
    "สถานะ",
    "ที่มา",
]
WIDE_HEADERS = ["รหัสตัวชี้วัด", "ชื่อตัวชี้วัด", "รหัสพื้นที่", "ชื่อพื้นที่", "จำแนก"]
DHIS2_CSV_HEADERS = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
]
STATE_TH = {
    State.ENTERED: "ยังไม่สอบทาน",
    State.VERIFIED: "สอบทานแล้ว",
    State.ACCEPTED: "รับรองแล้ว",
    State.RETURNED: "ส่งกลับให้แก้ไข",
}


class UnknownFormat(ValueError):
    pass


def exportable_indicators(user: Any) -> QuerySet[Indicator]:
    """Public indicators for everyone; the others for administrators and members of any
    organisation (the same people who see them on the indicator pages)."""
    qs = Indicator.objects.all()
    if permissions.is_admin(user) or permissions.grants(user):
        return qs
    return qs.filter(Q(is_public=True))


@dataclass
class Selection:
    """Which values: these indicators (all given), in this area and everything under it ("" is
    the whole country), in these periods (none given: every period)."""

    indicators: list[Indicator]
    area_code: str = ""
    periods: list[str] = field(default_factory=list)

    def values(self) -> QuerySet[DataValue]:
        qs = DataValue.objects.filter(indicator__in=self.indicators)
        if self.area_code:
            qs = qs.filter(queries.values_under_q(self.area_code))
        if self.periods:
            qs = qs.filter(period__in=self.periods)
        return qs

    def stem(self) -> str:
        codes = "-".join(i.code for i in self.indicators[:3]) or "indicators"
        if len(self.indicators) > 3:
            codes += f"-{len(self.indicators)}"
        return f"saan-{codes}-{self.area_code or 'TH'}-{timezone.localdate():%Y%m%d}"


def number(value: Decimal) -> Decimal | int:
    """A stored value as a plain number: ``12`` not ``12.0000``, never an exponent."""
    if value == value.to_integral_value():
        return int(value)
    text = f"{value:f}".rstrip("0").rstrip(".")
    return Decimal(text)


def _area_names() -> dict[str, str]:
    return {a.code: a.full_name for a in Area.objects.all()}


_COLUMNS = (
    "indicator_id",
    "area_id",
    "period",
    "breakdown",
    "value",
    "state",
    "source_note",
    "entered_by__username",
    "updated_at",
)


def _rows(selection: Selection, order: Iterable[str]) -> Iterator[tuple[Any, ...]]:
    qs = selection.values().order_by(*order).values_list(*_COLUMNS)
    yield from qs.iterator(chunk_size=CHUNK)


def long_rows(selection: Selection) -> Iterator[list[Any]]:
    """The header, then one row per value."""
    indicators = {i.pk: i for i in selection.indicators}
    names = _area_names()
    yield LONG_HEADERS
    for ind, area, period, breakdown, value, state, source, _user, _at in _rows(
        selection, ("indicator_id", "area_id", "period", "breakdown")
    ):
        indicator = indicators[ind]
        yield safe_row(
            [
                indicator.code,
                indicator.name_th,
                area,
                names.get(area, ""),
                period,
                label(period),
                breakdown,
                number(value),
                indicator.unit,
                STATE_TH.get(state, state),
                source,
            ]
        )


def _period_order(pid: str) -> tuple[Any, ...]:
    return (period_range(pid)[0], str(period_type_of(pid)))


def wide_rows(selection: Selection) -> Iterator[list[Any]]:
    """Wide by period: one row per indicator × area × breakdown, a column per period."""
    periods = selection.periods or list(
        selection.values().order_by().values_list("period", flat=True).distinct()
    )
    periods = sorted(set(periods), key=_period_order)
    column = {p: i for i, p in enumerate(periods)}
    indicators = {i.pk: i for i in selection.indicators}
    names = _area_names()
    yield [*WIDE_HEADERS, *(label(p) for p in periods)]
    current: tuple[int, str, str] | None = None
    cells: list[Any] = []
    for ind, area, period, breakdown, value, *_rest in _rows(
        selection, ("indicator_id", "area_id", "breakdown", "period")
    ):
        key = (ind, area, breakdown)
        if key != current:
            if current is not None:
                yield _wide_row(current, cells, indicators, names)
            current, cells = key, [None] * len(periods)
        cells[column[period]] = number(value)
    if current is not None:
        yield _wide_row(current, cells, indicators, names)


def _wide_row(
    key: tuple[int, str, str],
    cells: list[Any],
    indicators: dict[int, Indicator],
    names: dict[str, str],
) -> list[Any]:
    ind, area, breakdown = key
    indicator = indicators[ind]
    head = safe_row([indicator.code, indicator.name_th, area, names.get(area, ""), breakdown])
    return [*head, *cells]


def _dhis2_value(value: Decimal) -> str:
    return str(number(value))


def dhis2_values(selection: Selection) -> Iterator[dict[str, Any]]:
    """DHIS2 dataValue objects, the keys in DHIS2's own order."""
    indicators = {i.pk: i.code for i in selection.indicators}
    for ind, area, period, breakdown, value, _state, source, user, at in _rows(
        selection, ("indicator_id", "period", "area_id", "breakdown")
    ):
        item: dict[str, Any] = {"dataElement": indicators[ind], "period": period, "orgUnit": area}
        if breakdown:
            item["categoryOptionCombo"] = breakdown
        item["value"] = _dhis2_value(value)
        if user:
            item["storedBy"] = user
        item["lastUpdated"] = at.isoformat(timespec="seconds")
        if source:
            item["comment"] = source
        item["followup"] = False
        yield item


def dhis2_json_chunks(selection: Selection) -> Iterator[str]:
    yield '{"dataValues": ['
    first = True
    for item in dhis2_values(selection):
        yield ("" if first else ",") + "\n  " + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def dhis2_csv_rows(selection: Selection) -> Iterator[list[Any]]:
    yield DHIS2_CSV_HEADERS
    for item in dhis2_values(selection):
        yield [
            item["dataElement"],
            item["period"],
            item["orgUnit"],
            safe_cell(item.get("categoryOptionCombo", "")),
            "",
            item["value"],
            safe_cell(item.get("storedBy", "")),
            item["lastUpdated"],
            safe_cell(item.get("comment", "")),
            "false",
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list[Any]], *, bom: bool = True) -> Iterator[str]:
    writer = csv.writer(_Echo())
    if bom:
        yield BOM
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow(row))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def xlsx_file(rows: Iterable[list[Any]], title: str) -> Any:
    """An .xlsx in a temporary file (rewound), built row by row."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    book.save(handle)
    handle.seek(0)
    return handle


def render(fmt: str, selection: Selection) -> Iterator[str] | Any:
    """The file's content: text chunks, or an open binary file for Excel."""
    if fmt == "csv":
        return csv_chunks(long_rows(selection))
    if fmt == "dhis2_csv":
        return csv_chunks(dhis2_csv_rows(selection), bom=False)
    if fmt == "dhis2_json":
        return dhis2_json_chunks(selection)
    if fmt == "xlsx":
        return xlsx_file(long_rows(selection), "ค่าตัวชี้วัด")
    if fmt == "xlsx_wide":
        return xlsx_file(wide_rows(selection), "ค่าตัวชี้วัด")
    raise UnknownFormat(fmt)


def export_response(fmt: str, selection: Selection) -> HttpResponseBase:
    """A download of the selection in one of ``FORMATS``."""
    if fmt not in FORMATS:
        raise UnknownFormat(fmt)
    filename = selection.stem() + EXTENSIONS[fmt]
    content = render(fmt, selection)
    if fmt.startswith("xlsx"):
        return FileResponse(
            content, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt]
        )
    response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
