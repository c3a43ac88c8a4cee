import datetime as dt

import pytest

from saan.audit.models import AuditEvent
from saan.overlaps import facts
from saan.overlaps.models import Finding, FindingKind, FindingState, RunStatus
from saan.overlaps.tests.helpers import finding, has_finding, scan

pytestmark = pytest.mark.django_db


def test_a_scan_finds_the_same_work_worded_differently_including_district_wide_projects(scene):
    run = scan("40")
    assert run.status == RunStatus.DONE
    f = finding(scene.elders_thf, scene.elders_codi)
    assert f.kind == FindingKind.OVERLAP and f.state == FindingState.SUGGESTED
    assert f.explanation["shared_subdistricts"] == ["400115"]  # 4001 expanded to 400115
    assert f.area_code == "400115" and f.fy_start == 2568
    assert f.explanation["shared_days"] > 300 and f.explanation["reasons"]
    assert not has_finding(scene.housing, scene.elders_thf)
    assert AuditEvent.objects.filter(action="overlap.scan", target_id=str(run.pk)).exists()


def test_yearly_continuations_are_kept_apart_from_overlaps(scene):
    scan("40")
    f = finding(scene.elders_thf, scene.elders_thf_next)
    assert f.kind == FindingKind.CONTINUATION and f.same_organisation
    overlaps = Finding.objects.filter(kind=FindingKind.OVERLAP)
    assert not overlaps.filter(pk=f.pk).exists()


def test_projects_without_dates_or_areas_are_reported_as_cannot_be_checked(scene):
    run = scan("40")
    unchecked = {u["id"]: u["reason"] for u in run.unchecked}
    assert unchecked == {scene.undated.pk: unchecked[scene.undated.pk]}
    assert "ไม่มีวันที่" in unchecked[scene.undated.pk]
    assert run.counts["projects"] == 6 and run.counts["checked"] == 5
    assert run.counts["unchecked"] == 1


def test_a_scan_of_another_province_finds_nothing_here(scene):
    run = scan("23")
    assert run.counts["projects"] == 0 and not Finding.objects.exists()


def test_scanning_twice_changes_nothing(scene):
    scan("40")
    before = list(Finding.objects.order_by("pk").values_list("pk", "score", "state"))
    run = scan("40")
    assert run.counts["created"] == 0 and run.counts["closed"] == 0
    assert list(Finding.objects.order_by("pk").values_list("pk", "score", "state")) == before


def test_facts_expand_district_and_province_areas_in_a_fixed_number_of_queries(
    scene, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        loaded = facts.load_facts(area_code="40")
    by_id = {f.id: f for f in loaded}
    codi = by_id[scene.elders_codi.pk]
    assert "400115" in codi.subdistricts and "400101" in codi.subdistricts
    assert all(len(c) == 6 and c.startswith("4001") for c in codi.subdistricts)
    assert codi.lead == scene.elders_codi.owner_id and "ageing" in codi.themes
    assert "bedridden" in codi.target_groups
    assert codi.start == dt.date(2024, 10, 1)


def test_the_fingerprint_ignores_what_is_not_material(scene):
    [f] = facts.load_facts(ids=[scene.elders_thf.pk])
    same = facts.fingerprint(f)
    assert facts.fingerprint(f) == same
    from dataclasses import replace

    assert facts.fingerprint(replace(f, organisations=frozenset({1, 2, 3}))) == same
    assert facts.fingerprint(replace(f, title=f.title + " ระยะที่ 2")) != same
    assert facts.fingerprint(replace(f, subdistricts=frozenset({"400116"}))) != same
