"""The importer's fast path for CSV rows (``plan._resolve_cells``) against the usual reading of
every value (``_check``): the same file must give the same plan either way, row for row and
message for message, whatever the file mixes (Thai digits, separators, missing markers,
refusals, duplicates, breakdowns, sources, short and blank rows)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saan.indicators.importing import plan as plan_module
from saan.indicators.importing.plan import Options, classify, resolve
from saan.indicators.importing.reading import open_file
from saan.indicators.importing.shapes import Reading
from saan.indicators.models import Aggregation

from .test_import import csv_bytes, make

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(cast):
    poor = make("poor-households", name_th="ครัวเรือนยากจน", plausible_max=Decimal(5000))
    households = make("households", name_th="จำนวนครัวเรือน")
    make("rate", Aggregation.RATIO, numerator=poor, denominator=households, factor=100)
    make("temperature", value_type="rate")  # negative values allowed
    return poor


def _plan(actor, content, *, fast, **options):
    opened = open_file(content, "values.csv")
    if fast:
        resolved = resolve(opened, actor=actor, options=Options(**options))
    else:
        original = plan_module.read_records

        def without_cells(*args, **kwargs):
            layout, records, _cells = original(*args, **kwargs)
            return Reading(layout, records, None)

        plan_module.read_records = without_cells
        try:
            resolved = resolve(opened, actor=actor, options=Options(**options))
        finally:
            plan_module.read_records = original
    return classify(resolved, Options(**options))


def _summary(plan):
    entries = plan.resolved.entries
    return (
        [
            (key, row, column, str(value), source)
            for key, (row, column, value, source) in entries.items()
        ],
        plan.counts,
        plan.sorted_outcomes(),
        sorted(plan.resolved.indicators),
        [(c.key, str(c.value), c.source) for c in plan.creates],
    )


MIXED = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า,จำแนก,ที่มา
poor-households,400108,2568,12,,
poor-households,400101,2568,"1,234",,
poor-households,400102,๒๕๖๘,๓๐,,
poor-households,๔๐๐๑๐๓,2568,30,,
poor-households,400104,2568, 56 ,,
poor-households,400105,2568,-,,
poor-households,400106,2568,n/a,,
poor-households,400107,2568,,,
poor-households,400109,2568,ไม่มีข้อมูล,,
poor-households,400110,2568,-5,,
poor-households,400111,2568,12.5,,
poor-households,400112,2568,5001,,
poor-households,400113,2025Q1,7,,
poor-households,400199,2568,7,,
poor-households,4001,2568,7,,
poor-households,230101,2568,7,,
no-such-indicator,400108,2568,7,,
rate,400108,2568,7,,
poor-households,400108,2568,13,,
poor-households,๔๐๐๑๐๘,2568,14,,
poor-households,400108,2568,5,sex:f,
poor-households,400114,2568,5,,จปฐ. 2568
poor-households,400115,2568
,,,,,
poor-households,400116,2568,12345678901234567,,
ครัวเรือนยากจน,400117,2568,8,,
poor-households,400118,2568,'=1,,
poor-households,400119,2568,abc,,
temperature,400108,2568,-5,,
temperature,400101,2568,-5.25,,
households,400108,2568,0012,,
poor-households,400120,,9,,
,400121,2568,9,,
poor-households,,2568,9,,
poor-households,400122,2568,1e3,,
"""


@pytest.mark.parametrize("who", ["somchai", "admin"])
def test_a_file_mixing_every_case_gives_the_same_plan_fast_or_not(cast, catalogue, who):
    actor = getattr(cast, who)
    content = csv_bytes(MIXED)
    fast = _plan(actor, content, fast=True)
    slow = _plan(actor, content, fast=False)
    assert _summary(fast) == _summary(slow)
    counts = fast.counts
    assert counts["read"] == 34
    assert counts["create"] + counts["skipped"] + counts["rejected"] == 34
    assert counts["skipped"] == 5  # -, n/a, blank, ไม่มีข้อมูล, short row
    # The duplicates of 400108 (the same code in Thai digits too) name the first row.
    duplicates = [o for o in fast.sorted_outcomes() if o.row in (20, 21)]
    assert [o.kind for o in duplicates] == ["rejected", "rejected"]
    assert all(o.message.startswith("ซ้ำกับแถวที่ 2 ") for o in duplicates)


def test_the_same_file_in_thai_digits_gives_an_identical_plan(cast, catalogue):
    ascii_text = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า
poor-households,400108,2566,12
poor-households,400101,2567,1234
poor-households,400102,2568,30.5
households,400108,2568,4000
"""
    thai = ascii_text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    a = _plan(cast.somchai, csv_bytes(ascii_text), fast=True)
    t = _plan(cast.somchai, csv_bytes(thai), fast=True)
    assert [(k, str(e[2])) for k, e in a.resolved.entries.items()] == [
        (k, str(e[2])) for k, e in t.resolved.entries.items()
    ]
    assert a.counts == t.counts == {**a.counts, "create": 4, "read": 4}
    assert str(a.resolved.entries[(catalogue.pk, "400102", "2024Oct", "")][2]) == "30.5000"


def test_a_row_that_looks_plain_but_breaks_a_limit_gets_the_usual_message(cast, catalogue):
    text = """
รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า
poor-households,400108,2568,4999
poor-households,400101,2568,5001
"""
    plan = _plan(cast.somchai, csv_bytes(text), fast=True)
    ok, bad = plan.sorted_outcomes()
    assert ok.kind == "create"
    assert (bad.kind, bad.row, bad.message) == (
        "rejected",
        3,
        "ค่ามากกว่าที่เป็นไปได้ (สูงสุด 5000.0000)",
    )


WIDE = """
รหัสตัวชี้วัด,รหัสพื้นที่,2566,ปีงบประมาณ 2567,พ.ศ. 2568
poor-households,400108,10,11,-
poor-households,400101,20,,22
poor-households,400102,๓๐,31,"3,200"
poor-households,230101,1,2,3
poor-households,400103,1,1,9999
households,400108,5,6,7
poor-households,400108,1,2,3
"""


def test_a_wide_file_gives_the_same_plan_fast_or_not(cast, catalogue):
    content = csv_bytes(WIDE)
    fast = _plan(cast.somchai, content, fast=True)
    slow = _plan(cast.somchai, content, fast=False)
    assert fast.resolved.layout.shape == "wide_period"
    assert _summary(fast) == _summary(slow)
    assert fast.counts["read"] == 21


def test_outcomes_beyond_the_report_limit_are_counted_not_kept(cast, catalogue):
    from .test_import import run_commit

    rows = "\n".join(f"poor-households,4001{n:02d},2568,{n}" for n in range(1, 8))
    content = csv_bytes("รหัสตัวชี้วัด,รหัสพื้นที่,ช่วงเวลา,ค่า\n" + rows)
    _batch, first = run_commit(cast.admin, content, report_limit=3)
    assert first.counts["create"] == 7
    assert [o.row for o in first.sorted_outcomes()] == [2, 3, 4]
    again = _plan(cast.admin, content, fast=True, report_limit=2)
    assert (again.counts["unchanged"], again.counts["create"]) == (7, 0)
    assert [(o.row, o.kind, o.old) for o in again.sorted_outcomes()] == [
        (2, "unchanged", "1"),
        (3, "unchanged", "2"),
    ]
