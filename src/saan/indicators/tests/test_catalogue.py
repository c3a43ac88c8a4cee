"""The reference catalogue: realistic indicators, loaded idempotently, never overwriting edits."""

from io import StringIO

import pytest
from django.core.management import call_command

from saan.audit.models import AuditEvent
from saan.indicators.catalogue import catalogue_data, load_catalogue
from saan.indicators.charts import DIMENSIONS
from saan.indicators.models import Aggregation, Indicator

pytestmark = pytest.mark.django_db


def test_every_catalogue_indicator_is_loaded_with_its_parts(reference):
    specs = catalogue_data()["indicators"]
    assert Indicator.objects.count() >= len(specs) == 20
    rate = Indicator.objects.get(code="tpmap-poor-hh-rate")
    assert rate.aggregation == Aggregation.RATIO and rate.factor == 100
    assert (rate.numerator.code, rate.denominator.code) == ("tpmap-poor-hh", "hh-total")
    assert rate.theme.slug == "poverty" and rate.polarity == "lower"
    happiness = Indicator.objects.get(code="happiness-index")
    assert (
        happiness.aggregation == Aggregation.WEIGHTED_MEAN and happiness.weight.code == "pop-total"
    )
    assert Indicator.objects.get(code="welfare-fund-members").owner.short_name == "พอช."
    assert not Indicator.objects.get(code="bedridden").is_public


def test_the_six_wellbeing_dimensions_are_there(reference):
    dims = set(Indicator.objects.exclude(dimension="").values_list("dimension", flat=True))
    assert dims == set(DIMENSIONS) == {
        "health", "education", "economy", "environment", "safety", "governance",
    }  # fmt: skip


def test_catalogue_entries_are_complete_and_consistent(reference):
    for spec in catalogue_data()["indicators"]:
        indicator = Indicator.objects.get(code=spec["code"])
        assert indicator.name_th and indicator.name_en and indicator.definition, spec["code"]
        assert indicator.unit and indicator.source and indicator.polarity, spec["code"]
        limits = indicator.thresholds
        assert limits == sorted(limits) and len(set(limits)) == len(limits), spec["code"]
        if indicator.plausible_min is not None and indicator.plausible_max is not None:
            assert indicator.plausible_min < indicator.plausible_max
        if indicator.aggregation == Aggregation.RATIO:
            assert indicator.value_type == "percentage" and limits, spec["code"]


def test_loading_again_changes_nothing_and_keeps_edits(reference):
    edited = Indicator.objects.get(code="pop-total")
    edited.name_th = "ประชากร (แก้ไขโดยผู้ดูแลระบบ)"
    edited.save()
    events = AuditEvent.objects.count()
    created, kept = load_catalogue()
    assert (created, kept) == (0, 20)
    assert Indicator.objects.get(code="pop-total").name_th == "ประชากร (แก้ไขโดยผู้ดูแลระบบ)"
    assert AuditEvent.objects.count() == events


def test_a_missing_indicator_is_created_after_its_parts_and_audited(reference):
    data = catalogue_data()
    spec = next(s for s in data["indicators"] if s["code"] == "elderly-share")
    Indicator.objects.filter(code="elderly-share").delete()
    created, _kept = load_catalogue({"indicators": [spec]})
    assert created == 1
    assert Indicator.objects.get(code="elderly-share").numerator.code == "pop-60plus"
    assert AuditEvent.objects.filter(
        action="indicator.create", target_label="ร้อยละประชากรอายุ 60 ปีขึ้นไป"
    ).exists()


def test_a_reference_to_an_unknown_indicator_is_refused(reference):
    bad = {
        "code": "orphan-rate",
        "name_th": "อัตราที่ไม่มีตัวตั้ง",
        "source": "survey",
        "polarity": "lower",
        "value_type": "percentage",
        "aggregation": "ratio",
        "numerator": "no-such-indicator",
        "denominator": "hh-total",
    }
    with pytest.raises(ValueError, match="no-such-indicator"):
        load_catalogue({"indicators": [bad]})
    assert not Indicator.objects.filter(code="orphan-rate").exists()


def test_load_reference_reports_the_indicators(reference):
    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "indicators: 0 created, 20 already present" in out.getvalue()
