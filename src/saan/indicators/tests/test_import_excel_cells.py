"""Excel cells that are real dates (in the period column) or numbers formatted as percentages:
read as what the person sees, and said so above the preview."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from saan.indicators.importing.services import import_preview
from saan.indicators.models import Aggregation, IndicatorImport
from saan.indicators.periods import PeriodType, parse_period, period_of_date

from .test_import import make, outcomes, run_commit, run_preview, stored

pytestmark = pytest.mark.django_db


def workbook(rows, percent_col=None):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if percent_col is not None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=percent_col, max_col=percent_col):
            cell.number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def share(cast):
    return make(
        "test-share",
        Aggregation.MAX,
        name_th="ร้อยละผู้สูงอายุ",
        value_type="percentage",
        unit="ร้อยละ",
    )


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (dt.date(2024, 3, 15), PeriodType.FISCAL_YEAR, "2023Oct"),  # ปีงบ 2567
        (dt.date(2024, 10, 1), PeriodType.FISCAL_YEAR, "2024Oct"),  # ปีงบ 2568 starts
        (dt.date(2024, 3, 15), PeriodType.CALENDAR_YEAR, "2024"),
        (dt.date(2024, 8, 31), PeriodType.QUARTER, "2024Q3"),
        (dt.date(2024, 3, 15), PeriodType.MONTH, "202403"),
    ],
)
def test_a_date_is_read_as_the_period_that_holds_it(day, kind, expected):
    assert period_of_date(day, kind) == expected
    assert parse_period(day.isoformat(), kind) == expected
    assert parse_period(dt.datetime.combine(day, dt.time()).isoformat(), kind) == expected


def test_date_cells_in_the_period_column(cast, poor):
    content = workbook(
        [
            ["รหัสตัวชี้วัด", "รหัสพื้นที่", "ช่วงเวลา", "ค่า"],
            ["poor-households", "400108", dt.datetime(2024, 3, 15), 12],
            ["poor-households", "400101", dt.datetime(2024, 11, 2), 7],
        ]
    )
    plan = run_preview(cast.admin, content, "values.xlsx")
    assert [(o.kind, o.area, o.period) for o in outcomes(plan)] == [
        ("create", "400108", "2023Oct"),
        ("create", "400101", "2024Oct"),
    ]
    notes = plan.resolved.layout.notes
    assert len(notes) == 1 and "ช่วงเวลา" in notes[0] and "แถว 2" in notes[0]
    assert "15 มี.ค. 2567" in notes[0]


def test_percent_cells_read_as_shown_for_a_percentage_indicator(cast, share, poor):
    content = workbook(
        [
            ["รหัสตัวชี้วัด", "รหัสพื้นที่", "ช่วงเวลา", "ค่า"],
            ["test-share", "400108", "2568", 0.125],
            ["test-share", "400101", "2568", 0.0734],
            ["poor-households", "400102", "2568", 1],  # a count: read as stored
        ],
        percent_col=4,
    )
    run_commit(cast.admin, content, "values.xlsx")
    assert stored(share, "400108").value == Decimal("12.5")
    assert stored(share, "400101").value == Decimal("7.34")
    assert stored(poor, "400102").value == Decimal(1)


def test_the_preview_page_says_what_was_interpreted(client, cast, share):
    content = workbook(
        [
            ["รหัสตัวชี้วัด", "รหัสพื้นที่", "ช่วงเวลา", "ค่า"],
            ["test-share", "400108", dt.datetime(2025, 1, 10), 0.125],
        ],
        percent_col=4,
    )
    batch = import_preview(actor=cast.admin, content=content, filename="share.xlsx")
    notes = IndicatorImport.objects.get(pk=batch.pk).options["layout"]["notes"]
    assert len(notes) == 2
    assert any("0.125" in n and "12.5%" in n for n in notes)
    client.force_login(cast.admin)
    page = client.get(f"/indicators/import/{batch.pk}/").content.decode()
    assert "สิ่งที่ตีความจากไฟล์" in page and "12.5%" in page


def test_plain_numbers_and_text_periods_are_not_reinterpreted(cast, share):
    content = workbook(
        [
            ["รหัสตัวชี้วัด", "รหัสพื้นที่", "ช่วงเวลา", "ค่า"],
            ["test-share", "400108", "2568", 12.5],
        ]
    )
    plan = run_preview(cast.admin, content, "values.xlsx")
    assert plan.resolved.layout.notes == []
    run_commit(cast.admin, content, "values.xlsx")
    assert stored(share, "400108").value == Decimal("12.5")
