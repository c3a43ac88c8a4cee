"""Exports of any selection: CSV and Excel (long, and wide by period); formula-safe; every
file goes back through the importer unchanged; the export page."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from saan.areas.models import Area
from saan.indicators import exports
from saan.indicators.importing.plan import Options
from saan.indicators.importing.services import commit_file
from saan.indicators.models import Aggregation, DataValue, Indicator, Rollup
from saan.indicators.periods import PeriodType
from saan.indicators.services import value_set
from saan.indicators.tests.test_import_views import urlpatterns as _urlpatterns

urlpatterns = _urlpatterns  # the import routes, wired until saan.indicators.urls includes them
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def make(code, **extra):
    return Indicator.objects.create(
        code=code,
        name_th=extra.pop("name_th", code),
        source="jpt",
        polarity="lower",
        value_type="count",
        aggregation=Aggregation.SUM,
        period_type=PeriodType.FISCAL_YEAR,
        **extra,
    )


@pytest.fixture
def picture(cast):
    poor = make("poor-households", name_th="=ครัวเรือนยากจน", unit="ครัวเรือน")
    secret = make("private-count", is_public=False)
    area = {c: Area.objects.get(code=c) for c in ("400108", "400101", "230101")}
    for code, period, value, breakdown, source in (
        ("400108", "2567", "10", "", "@note"),
        ("400108", "2568", "12", "", ""),
        ("400108", "2568", "5", "sex:f", ""),
        ("400101", "2568", "7.5", "", ""),
        ("230101", "2568", "3", "", ""),
    ):
        value_set(
            actor=cast.admin, indicator=poor, area=area[code], period=period, value=value,
            breakdown=breakdown, source_note=source,
        )  # fmt: skip
    value_set(actor=cast.admin, indicator=secret, area=area["400108"], period="2568", value=1)
    return poor, secret


def rows_of(fmt, selection):
    rendered = exports.render(fmt, selection)
    if fmt.startswith("xlsx"):
        sheet = openpyxl.load_workbook(rendered).active
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    text = "".join(rendered)
    return list(csv.reader(io.StringIO(text.removeprefix(exports.BOM))))


def test_long_csv_of_an_area_and_everything_under_it(cast, picture):
    poor, _ = picture
    rows = rows_of("csv", exports.Selection(indicators=[poor], area_code="40"))
    assert rows[0] == exports.LONG_HEADERS
    assert rows[1] == [
        "poor-households",
        "'=ครัวเรือนยากจน",  # formula-safe
        "400101",
        "ต.ในเมือง",
        "2024Oct",
        "ปีงบประมาณ 2568",
        "",
        "7.5",
        "ครัวเรือน",
        "ยังไม่สอบทาน",
        "",
    ]
    assert [r[2] for r in rows[1:]] == ["400101", "400108", "400108", "400108"]
    assert rows[2][10] == "'@note"


def test_periods_select(cast, picture):
    poor, _ = picture
    rows = rows_of("csv", exports.Selection(indicators=[poor], periods=["2023Oct"]))
    assert [(r[2], r[4]) for r in rows[1:]] == [("400108", "2023Oct")]


def test_wide_by_period_xlsx(cast, picture):
    poor, _ = picture
    rows = rows_of("xlsx_wide", exports.Selection(indicators=[poor]))
    assert rows[0] == [*exports.WIDE_HEADERS, "ปีงบประมาณ 2567", "ปีงบประมาณ 2568"]
    assert rows[1][2:] == ["230101", "ต.บางพระ", None, None, 3]
    assert rows[3][2:] == ["400108", "ต.สาวะถี", None, 10, 12]
    assert rows[4][2:] == ["400108", "ต.สาวะถี", "sex:f", None, 5]
    assert rows[2][6] == 7.5


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "xlsx_wide"])
def test_every_export_imports_back_unchanged(cast, picture, fmt):
    poor, _ = picture
    selection = exports.Selection(indicators=[poor])
    rendered = exports.render(fmt, selection)
    content = rendered.read() if fmt.startswith("xlsx") else "".join(rendered).encode()
    before = list(DataValue.objects.order_by("pk").values())
    rollups = list(Rollup.objects.order_by("pk").values())
    name = "export.xlsx" if fmt.startswith("xlsx") else "export.csv"
    _, plan = commit_file(actor=cast.admin, content=content, filename=name, options=Options())
    assert plan.counts["unchanged"] == 5
    assert sum(plan.counts[k] for k in ("create", "update", "conflict", "rejected")) == 0
    assert list(DataValue.objects.order_by("pk").values()) == before
    assert list(Rollup.objects.order_by("pk").values()) == rollups


def test_export_page_downloads_and_hides_private_indicators(client, cast, picture):
    response = client.get("/indicators/import/export/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "poor-households" in page and "private-count" not in page
    response = client.get(
        "/indicators/import/export/",
        {"indicator": "poor-households", "area": "23", "format": "dhis2_csv"},
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[1].startswith("poor-households,2024Oct,230101,,,3,")
    response = client.get(
        "/indicators/import/export/", {"indicator": "private-count", "format": "csv"}
    )
    assert response.status_code == 400
    response = client.get("/indicators/import/export/", {"area": "999999", "format": "csv"})
    assert response.status_code == 400 and "ไม่พบพื้นที่ “999999”" in response.content.decode()


def test_export_page_xlsx_download(client, cast, picture):
    response = client.get(
        "/indicators/import/export/", {"indicator": "poor-households", "format": "xlsx"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 6
