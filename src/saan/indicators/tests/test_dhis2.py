"""DHIS2 dataValueSets in and out: dataElement ↔ indicator code, orgUnit ↔ DOPA area code,
period ↔ the DHIS2 period ids Saan stores, categoryOptionCombo ↔ breakdown ("" for DHIS2's
default combo), comment ↔ source. Exporting and importing again changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from saan.areas.models import Area
from saan.indicators import exports
from saan.indicators.importing.plan import Options
from saan.indicators.importing.services import commit_file, preview
from saan.indicators.models import Aggregation, DataValue, Indicator, Rollup
from saan.indicators.periods import PeriodType
from saan.indicators.services import value_accept, value_set, value_verify

pytestmark = pytest.mark.django_db


def make(code, period_type=PeriodType.FISCAL_YEAR, **extra):
    return Indicator.objects.create(
        code=code,
        name_th=code,
        source="hdc",
        polarity="lower",
        value_type=extra.pop("value_type", "count"),
        aggregation=Aggregation.SUM,
        period_type=period_type,
        **extra,
    )


@pytest.fixture
def visits(cast):
    return make("clinic-visits", PeriodType.MONTH)


@pytest.fixture
def poor(cast):
    return make("poor-households")


def outcomes(plan):
    return [(o.row, o.kind, o.message) for o in plan.sorted_outcomes()]


def test_json_maps_every_field_and_applies_set_level_defaults(cast, visits):
    data = {
        "dataSet": "pQUf0nPn0x3",
        "period": "202503",
        "orgUnit": "400108",
        "dataValues": [
            {"dataElement": "clinic-visits", "categoryOptionCombo": "HllvX50cXC0", "value": "40"},
            {"dataElement": "clinic-visits", "categoryOptionCombo": "sex:f", "value": "25",
             "comment": "HDC รายเดือน"},
            {"dataElement": "clinic-visits", "orgUnit": "400101", "period": "202504",
             "value": 7, "categoryOptionCombo": "default"},
            {"dataElement": "clinic-visits", "orgUnit": "400102", "value": "3",
             "attributeOptionCombo": "Xr12mI7VPn3"},
            {"dataElement": "clinic-visits", "orgUnit": "400103", "value": "3", "deleted": True},
            {"dataElement": "unknown-element", "value": "3"},
            {"dataElement": "clinic-visits", "orgUnit": "400104", "value": ""},
        ],
    }  # fmt: skip
    content = json.dumps(data).encode()
    plan = preview(actor=cast.admin, content=content, filename="set.json", options=Options())
    assert plan.resolved.layout.shape == "dhis2"
    assert outcomes(plan) == [
        (1, "create", ""),
        (2, "create", ""),
        (3, "create", ""),
        (
            4,
            "rejected",
            "ไม่รองรับ attributeOptionCombo “Xr12mI7VPn3”: Saan รับเฉพาะค่าเริ่มต้น (default)",
        ),
        (5, "skipped", "รายการนี้ถูกลบใน DHIS2 (deleted)"),
        (6, "rejected", "ไม่พบตัวชี้วัดรหัส “unknown-element”"),
        (7, "skipped", "ไม่มีข้อมูล (ช่องว่าง) ไม่นับเป็นศูนย์"),
    ]
    commit_file(
        actor=cast.admin,
        content=content,
        filename="set.json",
        options=Options(skip_rejected=True),
    )
    total = DataValue.objects.get(area_id="400108", period="202503", breakdown="")
    women = DataValue.objects.get(area_id="400108", period="202503", breakdown="sex:f")
    assert (total.value, women.value, women.source_note) == (40, 25, "HDC รายเดือน")
    assert DataValue.objects.get(area_id="400101").period == "202504"


def test_csv_with_dhis2_headers(cast, poor):
    text = (
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
        "lastupdated,comment,followup\n"
        "poor-households,2024Oct,400108,,,12,somchai,2025-01-01T00:00:00,จปฐ.,false\n"
        "poor-households,2024Oct,400101,HllvX50cXC0,HllvX50cXC0,๑๓,,,,false\n"
        "poor-households,2025Q1,400102,,,1,,,,false\n"
    )
    plan = preview(actor=cast.admin, content=text.encode(), filename="dhis2.csv", options=Options())
    assert plan.resolved.layout.shape == "dhis2"
    assert outcomes(plan) == [
        (2, "create", ""),
        (3, "create", ""),
        (4, "rejected", "“2025Q1” ไม่ใช่ปีงบประมาณที่ตัวชี้วัดนี้ใช้"),
    ]


@pytest.fixture
def stored_values(cast, poor, visits):
    """A varied picture: totals and breakdowns, decimals, a negative index, sources with
    formula-like text, verified and accepted values, three provinces."""
    index = make("wellbeing-index", value_type="index")
    area = {c: Area.objects.get(code=c) for c in ("400108", "400101", "230101", "100101")}
    rows = [
        (poor, "400108", "2568", "12", "", "จปฐ. 2568"),
        (poor, "400108", "2568", "5", "sex:f", ""),
        (poor, "400101", "2567", "1234.5", "", '=HYPERLINK("x")'),
        (poor, "230101", "2568", "0", "", ""),
        (visits, "100101", "มี.ค. 2568", "40", "", "+plus"),
        (index, "400108", "2568", "-1.25", "", "-minus"),
    ]
    values = []
    for indicator, code, period, value, breakdown, source in rows:
        values.append(
            value_set(
                actor=cast.admin, indicator=indicator, area=area[code], period=period,
                value=value, breakdown=breakdown, source_note=source,
            )
        )  # fmt: skip
    value_accept(actor=cast.coordinator, value=value_verify(actor=cast.volunteer, value=values[0]))
    return [poor, visits, index]


def snapshot():
    return (
        list(DataValue.objects.order_by("pk").values()),
        list(Rollup.objects.order_by("pk").values()),
    )


def content_of(fmt, selection) -> bytes:
    rendered = exports.render(fmt, selection)
    if hasattr(rendered, "read"):
        return rendered.read()
    return "".join(rendered).encode("utf-8")


@pytest.mark.parametrize("fmt", ["dhis2_json", "dhis2_csv"])
def test_round_trip_export_then_import_changes_nothing(cast, stored_values, fmt):
    selection = exports.Selection(indicators=stored_values)
    content = content_of(fmt, selection)
    before = snapshot()
    name = "export.json" if fmt == "dhis2_json" else "export.csv"
    _batch, plan = commit_file(actor=cast.admin, content=content, filename=name, options=Options())
    assert plan.counts["unchanged"] == 6
    assert plan.counts["read"] == 6
    assert sum(plan.counts[k] for k in ("create", "update", "conflict", "rejected")) == 0
    assert snapshot() == before


def test_json_export_is_a_dhis2_data_value_set(cast, stored_values):
    selection = exports.Selection(indicators=stored_values, area_code="40", periods=["2024Oct"])
    data = json.loads(content_of("dhis2_json", selection))
    assert data["dataValues"][0] == {
        "dataElement": "poor-households",
        "period": "2024Oct",
        "orgUnit": "400108",
        "value": "12",
        "storedBy": "admin",
        "lastUpdated": data["dataValues"][0]["lastUpdated"],
        "comment": "จปฐ. 2568",
        "followup": False,
    }
    assert {v["orgUnit"] for v in data["dataValues"]} == {"400108"}
    assert [v.get("categoryOptionCombo") for v in data["dataValues"]] == [None, "sex:f", None]
    assert Decimal(data["dataValues"][2]["value"]) == Decimal("-1.25")


def test_an_edited_export_updates_exactly_what_was_edited(cast, stored_values):
    selection = exports.Selection(indicators=stored_values)
    data = json.loads(content_of("dhis2_json", selection))
    edited = [v for v in data["dataValues"] if v["orgUnit"] == "230101"]
    edited[0]["value"] = "9"
    content = json.dumps(data).encode()
    _batch, plan = commit_file(
        actor=cast.admin, content=content, filename="e.json", options=Options()
    )
    assert (plan.counts["update"], plan.counts["unchanged"]) == (1, 5)
    assert DataValue.objects.get(area_id="230101").value == 9
    assert (
        Rollup.objects.get(indicator=stored_values[0], area_code="23", period="2024Oct").value == 9
    )
