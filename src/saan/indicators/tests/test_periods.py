import datetime as dt

import pytest

from saan.indicators.periods import PeriodError, PeriodType, label, parse_period, period_range

FY, CY, Q, M = (
    PeriodType.FISCAL_YEAR,
    PeriodType.CALENDAR_YEAR,
    PeriodType.QUARTER,
    PeriodType.MONTH,
)


@pytest.mark.parametrize(
    ("text", "kind", "pid"),
    [
        ("2568", FY, "2024Oct"),
        ("ปีงบประมาณ 2568", FY, "2024Oct"),
        ("ปีงบ 68", FY, "2024Oct"),
        ("๒๕๖๘", FY, "2024Oct"),
        ("2024Oct", FY, "2024Oct"),
        ("FY2568", FY, "2024Oct"),
        ("พ.ศ. 2568", CY, "2025"),
        ("2025", CY, "2025"),
        ("ไตรมาส 1/2568", Q, "2025Q1"),
        ("Q3/2568", Q, "2025Q3"),
        ("2025Q2", Q, "2025Q2"),
        ("มี.ค. 2568", M, "202503"),
        ("มีนาคม 2568", M, "202503"),
        ("3/2568", M, "202503"),
        ("202512", M, "202512"),
    ],
)
def test_parse_reads_periods_as_people_write_them(text, kind, pid):
    assert parse_period(text, kind) == pid


@pytest.mark.parametrize(
    ("text", "kind"), [("ไตรมาส 1/2568", FY), ("2568", M), ("abc", CY), ("13/2568", M)]
)
def test_a_period_of_another_type_is_refused_in_thai(text, kind):
    with pytest.raises(PeriodError) as info:
        parse_period(text, kind)
    assert "ไม่ใช่" in str(info.value)


def test_ranges_and_labels():
    assert period_range("2024Oct") == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    assert period_range("2025Q4") == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert period_range("202402") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert label("2024Oct") == "ปีงบประมาณ 2568"
    assert label("2025Q1") == "ไตรมาส 1/2568"
    assert label("202503") == "มี.ค. 2568"
    assert label("2025") == "พ.ศ. 2568"


def test_short_labels_for_chart_axes():
    from saan.indicators.periods import short_label

    assert short_label("2024Oct") == "2568"
    assert short_label("2024Oct", english=True) == "FY2568"
    assert short_label("2025Q1") == "ไตรมาส 1/2568"
