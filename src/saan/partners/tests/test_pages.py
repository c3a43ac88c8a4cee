import pytest
from django.core import mail

from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.partners.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_organisation_list_filters_by_sector_and_name(client, cast):
    page = text(client.get("/partners/", {"sector": "community"}))
    assert "สภาองค์กรชุมชนตำบลสาวะถี" in page and "สสส." not in page
    partial = client.get("/partners/", {"q": "สุขภาพ"}, headers={"HX-Request": "true"})
    assert "<html" not in text(partial) and "สำนักงานคณะกรรมการสุขภาพแห่งชาติ" in text(partial)


def test_organisation_page_shows_role_in_the_alliance(client, reference):
    nhco = org("สช.")
    page = text(client.get(f"/partners/{nhco.pk}/"))
    assert "เลขานุการ" in page and "ภาคียุทธศาสตร์" in page
    assert client.get("/partners/999999/").status_code == 404


def test_edit_page_is_404_for_those_who_may_not_edit(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(f"/partners/{org('สสส.').pk}/edit/").status_code == 404
    assert client.get(f"/partners/{cast.community_council.pk}/edit/").status_code == 200


def test_coordinator_registers_a_local_organisation_by_form(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        "/partners/new/",
        {"name_th": "วิสาหกิจชุมชนบ้านสาวะถี", "sector": "community", "home_area": "๔๐๐๑๐๘"},
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name_th="วิสาหกิจชุมชนบ้านสาวะถี")
    assert created.home_area_id == "400108"


def test_organisation_form_outside_the_area_is_a_field_error(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        "/partners/new/",
        {"name_th": "อบต.ไกลบ้าน", "sector": "local_government", "home_area": "230101"},
    )
    assert response.status_code == 200 and "ไม่มีสิทธิ์" in text(response)
    assert not Organisation.objects.filter(name_th="อบต.ไกลบ้าน").exists()


class TestMembershipManagement:
    def test_only_coordinators_reach_the_page(self, client, cast):
        for persona, status in ((cast.somchai, 404), (cast.niran, 404), (cast.coordinator, 200)):
            client.force_login(persona)
            assert client.get("/partners/memberships/").status_code == status

    def test_coordinator_sees_its_area_only(self, client, cast):
        client.force_login(cast.coordinator)
        page = text(client.get("/partners/memberships/"))
        assert "สมชาย" in page and "บุญมี" in page and "ชุติมา" not in page

    def test_coordinator_grants_a_role_by_email(self, client, cast):
        client.force_login(cast.coordinator)
        response = client.post(
            "/partners/memberships/new/",
            {
                "person": "niran@example.org",
                "role": "viewer",
                "organisation": org("สช.").pk,
                "area": "4001",
                "title": "นักวิชาการ",
            },
        )
        assert response.status_code == 302
        assert Membership.objects.filter(user=cast.niran, area_id="4001", role="viewer").exists()

    def test_granting_outside_the_area_is_refused_with_a_message(self, client, cast):
        client.force_login(cast.coordinator)
        response = client.post(
            "/partners/memberships/new/",
            {
                "person": "niran",
                "role": "viewer",
                "organisation": org("สช.").pk,
                "area": "23",
            },
        )
        assert response.status_code == 200 and "ไม่มีสิทธิ์" in text(response)
        assert not Membership.objects.filter(user=cast.niran).exists()

    def test_unknown_person_is_a_field_error(self, client, cast):
        client.force_login(cast.coordinator)
        response = client.post(
            "/partners/memberships/new/",
            {"person": "ghost", "role": "viewer", "organisation": org("สช.").pk, "area": "40"},
        )
        assert "ไม่พบบุคคล" in text(response)

    def test_editing_someone_outside_the_area_is_404(self, client, cast):
        client.force_login(cast.coordinator)
        trat = cast.trat.memberships.get()
        assert client.get(f"/partners/memberships/{trat.pk}/").status_code == 404
        assert (
            client.post(f"/partners/memberships/{trat.pk}/", {"role": "viewer"}).status_code == 404
        )

    def test_coordinator_ends_a_membership(self, client, cast):
        client.force_login(cast.coordinator)
        membership = cast.somchai.memberships.get()
        response = client.post(
            f"/partners/memberships/{membership.pk}/",
            {
                "role": "editor",
                "organisation": membership.organisation_id,
                "area": "40",
                "title": "",
            },
        )  # is_active left unticked
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.is_active is False

    def test_new_person_gets_a_set_your_password_email(self, client, cast):
        client.force_login(cast.coordinator)
        response = client.post(
            "/partners/people/new/",
            {
                "username": "kanya",
                "email": "kanya@example.org",
                "first_name": "กัญญา",
                "last_name": "มีสุข",
                "area": "400108",
            },
        )
        assert response.status_code == 302
        assert len(mail.outbox) == 1 and "kanya" in mail.outbox[0].body
        assert "/accounts/password-reset/" in mail.outbox[0].body
        assert AuditEvent.objects.filter(action="person.create", actor=cast.coordinator).exists()
