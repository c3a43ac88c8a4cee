import pytest
from django.core.management import call_command

from saan.areas.models import Area, AreaGroup, AreaGroupMember, Level
from saan.areas.services import load_areas
from saan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_tree_has_every_official_area(reference):
    assert Area.objects.filter(level=Level.PROVINCE).count() == 77
    assert Area.objects.filter(level=Level.DISTRICT).count() == 928
    assert Area.objects.filter(level=Level.SUBDISTRICT).count() == 7436


def test_codes_are_paths_and_parents_match_prefixes(reference):
    savathi = Area.objects.get(code="400108")
    assert (savathi.name_th, savathi.parent_id, savathi.parent.parent_id) == ("สาวะถี", "4001", "40")
    # Every district's parent is its first two digits; every subdistrict's its first four.
    assert (
        not Area.objects.filter(level=Level.DISTRICT).exclude(parent_id=models_prefix(2)).exists()
    )


def models_prefix(n):
    from django.db.models.functions import Left

    return Left("code", n)


def test_a_second_load_changes_nothing(reference):
    events = AuditEvent.objects.count()
    report = load_areas()
    assert not report.any_change
    assert report.total == {"province": 77, "district": 928, "subdistrict": 7436}
    assert AuditEvent.objects.count() == events


def test_a_changed_name_is_put_back_and_audited(reference):
    Area.objects.filter(code="400108").update(name_th="ชื่อผิด")
    report = load_areas()
    assert report.changed == {"province": 0, "district": 0, "subdistrict": 1}
    assert Area.objects.get(code="400108").name_th == "สาวะถี"
    event = AuditEvent.objects.filter(action="areas.load").latest("id")
    assert event.after["changed"]["subdistrict"] == 1


def test_command_reports_counts_then_no_change(reference, capsys):
    Area.objects.filter(code="400108").update(name_en="wrong")
    call_command("load_areas")
    first = capsys.readouterr().out
    assert "7,436 in geothai" in first and "1 changed" in first
    call_command("load_areas")
    assert "0 created, 0 changed" in capsys.readouterr().out


def test_reference_groups_hold_the_real_facts(reference):
    zone7 = AreaGroup.objects.get(slug="health-zone-7")
    assert sorted(zone7.areas.values_list("code", flat=True)) == ["40", "44", "45", "46"]
    assert AreaGroup.objects.filter(kind="health_zone").count() == 13
    phase1 = AreaGroup.objects.get(slug="asa-phase-1")
    assert sorted(phase1.areas.values_list("code", flat=True)) == ["23", "40", "57", "60", "93"]
    mentors = dict(
        AreaGroupMember.objects.filter(group__slug="asa-phase-2").values_list(
            "area_id", "mentor_id"
        )
    )
    assert mentors == {
        "65": "57",
        "13": "60",
        "72": "60",
        "38": "40",
        "36": "40",
        "34": "40",
        "81": "93",
        "10": "23",
    }


def test_load_reference_keeps_what_administrators_edited(reference, capsys):
    AreaGroup.objects.filter(slug="health-zone-1").update(name_th="เขตสุขภาพที่ 1 (แก้ไขแล้ว)")
    call_command("load_reference")
    assert "0 created" in capsys.readouterr().out
    assert AreaGroup.objects.get(slug="health-zone-1").name_th == "เขตสุขภาพที่ 1 (แก้ไขแล้ว)"
