"""The district page of pending values: a district's (or province's) coordinator verifies,
accepts or returns several subdistrict values at once, each through the value services and
audited, all or none."""

import pytest

from saan.audit.models import AuditEvent
from saan.indicators.models import DataValue, Rollup, State
from saan.indicators.tests.scene import FY69, build

from .test_pages import text

pytestmark = pytest.mark.django_db
URL = "/indicators/area/4001/pending/"


@pytest.fixture
def scene(cast):
    return build(entered_by=cast.admin)


def values(code, **filters):
    return DataValue.objects.filter(area_id=code, period=FY69, breakdown="", **filters)


def ids(qs):
    return [str(pk) for pk in qs.values_list("pk", flat=True)]


def test_lists_every_pending_value_of_the_districts_subdistricts(client, cast, scene):
    client.force_login(cast.coordinator)
    page = text(client.get(URL, {"period": FY69}))
    for code in ("400101", "400102", "400108"):
        assert f'data-area="{code}"' in page
    assert 'data-area="230101"' not in page  # another province
    for pk in ids(values("400108")) + ids(values("400101")):
        assert f'data-value="{pk}"' in page
    assert "state-verified" in page and "state-entered" in page


def test_verifies_several_at_once_each_audited_and_rolled_up(client, cast, scene):
    client.force_login(cast.coordinator)
    chosen = ids(values("400108")) + ids(values("400102"))
    response = client.post(
        URL, {"period": FY69, "action": "verify", "value": chosen, "note": "ลงพื้นที่แล้ว"}
    )
    assert response.status_code == 302
    assert values("400108", state=State.VERIFIED).count() == values("400108").count()
    assert values("400102", state=State.VERIFIED).count() == values("400102").count()
    events = AuditEvent.objects.filter(action="datavalue.verify", target_id__in=chosen)
    assert events.count() == len(chosen)
    poor = scene["tpmap-poor-hh"]
    district = Rollup.objects.get(indicator=poor, area_code="4001", period=FY69, breakdown="")
    assert district.verified == 3  # 400101 was verified already
    page = text(client.get(response["Location"]))
    assert f"สอบทานแล้ว {len(chosen)} ค่า" in page


def test_accepts_verified_values(client, cast, scene):
    client.force_login(cast.coordinator)
    chosen = ids(values("400101"))
    response = client.post(URL, {"period": FY69, "action": "accept", "value": chosen})
    assert response.status_code == 302
    assert values("400101", state=State.ACCEPTED).count() == len(chosen)
    assert AuditEvent.objects.filter(action="datavalue.accept").count() == len(chosen)


def test_return_needs_a_reason_and_then_returns_them_all(client, cast, scene):
    client.force_login(cast.coordinator)
    chosen = ids(values("400108"))
    response = client.post(URL, {"period": FY69, "action": "return", "value": chosen})
    assert response.status_code == 400
    assert "กรุณาระบุเหตุผลที่ส่งกลับ" in text(response)
    assert not values("400108", state=State.RETURNED).exists()
    client.post(URL, {"period": FY69, "action": "return", "value": chosen, "reason": "ตัวเลขซ้ำปีก่อน"})
    returned = values("400108", state=State.RETURNED)
    assert returned.count() == len(chosen)
    assert set(returned.values_list("note", flat=True)) == {"ตัวเลขซ้ำปีก่อน"}


def test_one_value_that_cannot_be_done_leaves_all_unchanged(client, cast, scene):
    client.force_login(cast.coordinator)
    # 400101's values are verified (can be accepted); 400108's are only entered (cannot).
    chosen = ids(values("400101")) + ids(values("400108"))
    response = client.post(URL, {"period": FY69, "action": "accept", "value": chosen})
    assert response.status_code == 400
    page = text(response)
    assert "ไม่ได้บันทึกรายการใดเลย" in page and "สาวะถี" in page
    assert not values("400101", state=State.ACCEPTED).exists()
    assert not AuditEvent.objects.filter(action="datavalue.accept").exists()


def test_values_outside_the_district_are_refused(client, cast, scene):
    client.force_login(cast.admin)
    chosen = ids(values("400108")) + ids(values("230101"))
    response = client.post(URL, {"period": FY69, "action": "verify", "value": chosen})
    assert response.status_code == 400
    assert not values("400108", state=State.VERIFIED).exists()


def test_only_those_who_work_in_the_district(client, cast, scene):
    assert client.get(URL).status_code == 302  # sign in first
    for person in (cast.niran, cast.malee, cast.volunteer, cast.trat):
        client.force_login(person)
        assert client.get(URL).status_code == 404, person
        assert client.post(URL, {"action": "verify"}).status_code == 404
    client.force_login(cast.somchai)  # editor for the province
    assert client.get(URL, {"period": FY69}).status_code == 200
    client.force_login(cast.coordinator)
    assert client.get("/indicators/area/400108/pending/").status_code == 404  # not a district
    assert client.get("/indicators/area/40/pending/").status_code == 404


def test_nothing_pending_says_so(client, cast, scene):
    DataValue.objects.update(state=State.ACCEPTED)
    client.force_login(cast.coordinator)
    page = text(client.get(URL, {"period": FY69}))
    assert 'id="nothing-pending"' in page


def test_the_district_picture_links_to_it_for_those_who_work_there(client, cast, scene):
    link = 'href="/indicators/area/4001/pending/'
    assert link not in text(client.get("/indicators/area/4001/", {"period": FY69}))
    client.force_login(cast.coordinator)
    assert link in text(client.get("/indicators/area/4001/", {"period": FY69}))
