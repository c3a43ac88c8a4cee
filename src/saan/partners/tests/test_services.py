import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saan.areas.models import Area
from saan.audit.models import AuditEvent
from saan.conftest import org
from saan.partners import services
from saan.partners.models import Membership, Organisation, Role, Sector

pytestmark = pytest.mark.django_db


def area(code):
    return Area.objects.get(code=code)


class TestOrganisationServices:
    def test_a_coordinator_registers_a_local_organisation_and_it_is_audited(self, cast):
        school = services.organisation_create(
            actor=cast.coordinator,
            name_th="โรงเรียนบ้านสาวะถี",
            sector=Sector.GOVERNMENT_OFFICE,
            home_area=area("400108"),
        )
        event = AuditEvent.objects.get(action="organisation.create", target_id=str(school.pk))
        assert event.actor == cast.coordinator
        assert event.area_code == "400108"
        assert event.after["name_th"] == "โรงเรียนบ้านสาวะถี"

    def test_a_coordinator_cannot_register_outside_its_area(self, cast):
        with pytest.raises(PermissionDenied):
            services.organisation_create(
                actor=cast.coordinator,
                name_th="อบต.ในตราด",
                sector=Sector.LOCAL_GOVERNMENT,
                home_area=area("230101"),
            )
        assert not Organisation.objects.filter(name_th="อบต.ในตราด").exists()

    def test_an_editor_cannot_register_organisations(self, cast):
        with pytest.raises(PermissionDenied):
            services.organisation_create(
                actor=cast.somchai, name_th="x", sector=Sector.MEDIA, home_area=area("40")
            )

    def test_update_records_before_and_after(self, cast):
        council = cast.community_council
        services.organisation_update(
            actor=cast.coordinator, organisation=council, short_name="สอช.สาวะถี"
        )
        event = AuditEvent.objects.get(action="organisation.update", target_id=str(council.pk))
        assert event.before["short_name"] == "" and event.after["short_name"] == "สอช.สาวะถี"

    def test_an_update_that_changes_nothing_writes_no_audit_row(self, cast):
        before = AuditEvent.objects.count()
        services.organisation_update(
            actor=cast.admin,
            organisation=cast.community_council,
            name_th=cast.community_council.name_th,
        )
        assert AuditEvent.objects.count() == before

    def test_a_coordinator_cannot_move_an_organisation_out_of_its_area(self, cast):
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                actor=cast.coordinator, organisation=cast.community_council, home_area=area("23")
            )
        cast.community_council.refresh_from_db()
        assert cast.community_council.home_area_id == "400108"

    def test_duplicate_names_are_refused_with_a_field_error(self, cast):
        with pytest.raises(ValidationError) as info:
            services.organisation_create(
                actor=cast.admin, name_th=org("สสส.").name_th, sector=Sector.NATIONAL_AGENCY
            )
        assert "name_th" in info.value.message_dict


class TestMembershipServices:
    def test_a_coordinator_grants_a_role_in_its_area(self, cast):
        membership = services.membership_create(
            actor=cast.coordinator,
            user=cast.niran,
            role=Role.EDITOR,
            organisation=cast.community_council,
            area=area("400108"),
            title="อาสาสมัคร",
        )
        assert Membership.objects.filter(pk=membership.pk, user=cast.niran).exists()
        event = AuditEvent.objects.get(action="membership.create", target_id=str(membership.pk))
        assert event.area_code == "400108" and event.after["role"] == "editor"

    def test_a_coordinator_cannot_grant_outside_its_area_or_grant_admin(self, cast):
        with pytest.raises(PermissionDenied):
            services.membership_create(
                actor=cast.coordinator,
                user=cast.niran,
                role=Role.EDITOR,
                organisation=org("พอช."),
                area=area("23"),
            )
        with pytest.raises(PermissionDenied):
            services.membership_create(
                actor=cast.coordinator,
                user=cast.niran,
                role=Role.ADMIN,
                organisation=None,
                area=area("40"),
            )
        assert not Membership.objects.filter(user=cast.niran).exists()

    def test_an_editor_must_name_an_organisation(self, cast):
        with pytest.raises(ValidationError) as info:
            services.membership_create(
                actor=cast.coordinator,
                user=cast.niran,
                role=Role.EDITOR,
                organisation=None,
                area=area("40"),
            )
        assert "organisation" in info.value.message_dict

    def test_a_duplicate_membership_is_refused(self, cast):
        with pytest.raises(ValidationError):
            services.membership_create(
                actor=cast.admin,
                user=cast.malee,
                role=Role.VIEWER,
                organisation=org("สสส."),
                area=None,
            )
        assert Membership.objects.filter(user=cast.malee).count() == 1

    def test_new_grants_take_effect_at_once(self, cast):
        from saan.partners import permissions

        assert not permissions.member_of_area(cast.niran, "40")
        services.membership_create(
            actor=cast.coordinator,
            user=cast.niran,
            role=Role.VIEWER,
            organisation=org("สช."),
            area=area("40"),
        )
        assert permissions.member_of_area(cast.niran, "40")

    def test_a_coordinator_ends_a_membership_and_it_is_audited(self, cast):
        membership = Membership.objects.get(user=cast.somchai)
        services.membership_update(actor=cast.coordinator, membership=membership, is_active=False)
        membership.refresh_from_db()
        assert membership.is_active is False
        event = AuditEvent.objects.get(action="membership.update", target_id=str(membership.pk))
        assert event.before["is_active"] is True and event.after["is_active"] is False

    def test_a_coordinator_cannot_change_a_membership_outside_its_area(self, cast):
        membership = Membership.objects.get(user=cast.trat)
        with pytest.raises(PermissionDenied):
            services.membership_update(actor=cast.coordinator, membership=membership, title="x")

    def test_a_coordinator_cannot_move_a_membership_out_of_its_area(self, cast):
        membership = Membership.objects.get(user=cast.somchai)
        with pytest.raises(PermissionDenied):
            services.membership_update(
                actor=cast.coordinator, membership=membership, area=area("23")
            )
        membership.refresh_from_db()
        assert membership.area_id == "40"


class TestPeople:
    def test_a_coordinator_adds_a_person_without_a_usable_password(self, cast):
        person = services.person_create(
            actor=cast.coordinator,
            username="kanya",
            email="Kanya@Example.org",
            first_name="กัญญา",
            last_name="มีสุข",
            area_code="400108",
        )
        assert not person.has_usable_password()
        assert person.email == "kanya@example.org"
        assert AuditEvent.objects.filter(action="person.create", target_id=str(person.pk)).exists()

    def test_taken_username_and_email_are_field_errors(self, cast):
        with pytest.raises(ValidationError) as info:
            services.person_create(
                actor=cast.coordinator,
                username="SOMCHAI",
                email="malee@example.org",
                first_name="x",
                last_name="",
                area_code="40",
            )
        assert set(info.value.message_dict) == {"username", "email"}

    def test_editors_cannot_add_people(self, cast):
        with pytest.raises(PermissionDenied):
            services.person_create(
                actor=cast.somchai,
                username="x1",
                email="",
                first_name="x",
                last_name="",
                area_code="40",
            )
