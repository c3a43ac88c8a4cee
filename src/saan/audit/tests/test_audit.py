import pytest
from django.db import transaction

from saan.audit.models import AuditEvent
from saan.audit.services import record
from saan.conftest import org
from saan.partners import services
from saan.partners.models import Organisation, Sector

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction():
    # A transactional test runs in autocommit, as a stray caller outside a service would.
    with pytest.raises(RuntimeError):
        record(actor=None, action="x", target_type="areas.area", target_id="40")
    assert not AuditEvent.objects.filter(action="x").exists()
    with transaction.atomic():
        record(actor=None, action="x", target_type="areas.area", target_id="40")
    assert AuditEvent.objects.filter(action="x").count() == 1


def test_a_failed_change_leaves_no_audit_row(cast):
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the duplicate name raises ValidationError
        services.organisation_create(
            actor=cast.admin, name_th=org("สช.").name_th, sector=Sector.MEDIA
        )
    assert AuditEvent.objects.count() == before


def test_an_error_after_the_audit_row_rolls_both_back(cast, monkeypatch):
    from saan.audit import services as audit_services

    real_record = audit_services.record

    def record_then_fail(**kwargs):
        real_record(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr("saan.partners.services.record", record_then_fail)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        services.organisation_create(
            actor=cast.admin, name_th="องค์กรที่ไม่ควรเกิด", sector=Sector.MEDIA
        )
    assert AuditEvent.objects.count() == before
    assert not Organisation.objects.filter(name_th="องค์กรที่ไม่ควรเกิด").exists()


class TestHistoryPages:
    def test_object_history_shows_the_change(self, client, cast):
        services.organisation_update(
            actor=cast.coordinator, organisation=cast.community_council, short_name="สอช.สาวะถี"
        )
        client.force_login(cast.somchai)
        page = client.get(
            f"/history/partners.organisation/{cast.community_council.pk}/"
        ).content.decode()
        assert "organisation.update" in page and "สอช.สาวะถี" in page and "ประภาพร" in page
        assert "แก้ไข · องค์กรภาคี" in page  # the action in words, not only its code

    def test_area_history_covers_everything_under_the_area(self, client, cast):
        services.organisation_update(
            actor=cast.coordinator, organisation=cast.community_council, short_name="สอช.สาวะถี"
        )
        client.force_login(cast.coordinator)
        assert "สอช.สาวะถี" in client.get("/history/area/40/").content.decode()

    def test_area_history_is_404_outside_ones_grants(self, client, cast):
        client.force_login(cast.somchai)
        assert client.get("/history/area/23/").status_code == 404
        client.force_login(cast.niran)
        assert client.get("/history/area/40/").status_code == 404

    def test_membership_history_follows_membership_visibility(self, client, cast):
        trat = cast.trat.memberships.get()
        client.force_login(cast.coordinator)
        assert client.get(f"/history/partners.membership/{trat.pk}/").status_code == 404
        mine = cast.somchai.memberships.get()
        assert client.get(f"/history/partners.membership/{mine.pk}/").status_code == 200

    def test_unknown_target_types_are_404(self, client, cast):
        client.force_login(cast.admin)
        assert client.get("/history/auth.user/1/").status_code == 404

    def test_history_needs_sign_in(self, client, cast):
        assert client.get("/history/area/40/").status_code == 302
