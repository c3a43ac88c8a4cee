"""The permission rules, persona by persona: every role × inside/outside its area ×
own/other organisation. Records here are a stand-in table with an organisation and an area,
the shape every later app's records have."""

import pytest

from saan.areas.models import Area
from saan.conftest import org
from saan.partners import permissions
from saan.partners.models import Membership, Organisation, Role

pytestmark = pytest.mark.django_db

# (organisation short name or None for the council, area code) of a record.
KHON_KAEN_CODI = ("พอช.", "400108")  # พอช.'s work in ต.สาวะถี, inside ขอนแก่น
KHON_KAEN_THAIHEALTH = ("สสส.", "4001")  # สสส.'s work in อ.เมืองขอนแก่น
TRAT_CODI = ("พอช.", "230101")  # พอช.'s work in ตราด, outside ขอนแก่น
SAVATHI_COUNCIL = (None, "400108")


def _record(spec, cast):
    short, area = spec
    organisation = cast.community_council if short is None else org(short)
    return organisation, area


def _visible(user, spec, cast):
    organisation, area = _record(spec, cast)
    q = permissions.records_visible_q(user, org_field="pk", area_field="home_area__code")
    # A stand-in record: an organisation row placed in the record's area.
    probe = Organisation.objects.filter(pk=organisation.pk)
    Organisation.objects.filter(pk=organisation.pk).update(home_area=Area.objects.get(code=area))
    return probe.filter(q).exists()


def _editable(user, spec, cast):
    organisation, area = _record(spec, cast)
    return permissions.can_edit_record(user, organisation_id=organisation.pk, area_code=area)


@pytest.mark.parametrize(
    ("persona", "spec", "see", "change"),
    [
        # สมชาย: editor for พอช. in ขอนแก่น
        ("somchai", KHON_KAEN_CODI, True, True),
        ("somchai", KHON_KAEN_THAIHEALTH, False, False),
        ("somchai", TRAT_CODI, False, False),
        # มาลี: viewer for สสส. country-wide
        ("malee", KHON_KAEN_THAIHEALTH, True, False),
        ("malee", KHON_KAEN_CODI, False, False),
        # นิรันดร์: no organisation
        ("niran", KHON_KAEN_CODI, False, False),
        ("niran", KHON_KAEN_THAIHEALTH, False, False),
        # ประภาพร: coordinator of ขอนแก่น for สช.: sees all inside, changes no one else's
        ("coordinator", KHON_KAEN_CODI, True, False),
        ("coordinator", KHON_KAEN_THAIHEALTH, True, False),
        ("coordinator", TRAT_CODI, False, False),
        # บุญมี: the council's volunteer in ต.สาวะถี
        ("volunteer", SAVATHI_COUNCIL, True, True),
        ("volunteer", KHON_KAEN_CODI, False, False),
        # administrator: everything
        ("admin", TRAT_CODI, True, True),
        ("admin", KHON_KAEN_THAIHEALTH, True, True),
    ],
)
def test_records_rules(cast, persona, spec, see, change):
    user = getattr(cast, persona)
    assert _visible(user, spec, cast) is see
    assert _editable(user, spec, cast) is change


def test_an_editor_outside_its_area_cannot_change_its_own_organisations_record(cast):
    assert not permissions.can_edit_record(
        cast.somchai, organisation_id=org("พอช.").pk, area_code="230101"
    )


def test_a_coordinator_edits_its_own_organisations_records_in_its_area(cast):
    assert permissions.can_edit_record(
        cast.coordinator, organisation_id=org("สช.").pk, area_code="4001"
    )
    assert not permissions.can_edit_record(
        cast.coordinator, organisation_id=org("สช.").pk, area_code="23"
    )


def test_country_wide_grant_covers_every_area(cast):
    assert permissions.member_of_area(cast.malee, "960101")
    assert not permissions.member_of_area(cast.somchai, "960101")


def test_an_inactive_membership_grants_nothing(cast):
    Membership.objects.filter(user=cast.somchai).update(is_active=False)
    permissions.forget(cast.somchai)
    assert permissions.grants(cast.somchai) == ()
    assert not permissions.can_edit_record(
        cast.somchai, organisation_id=org("พอช.").pk, area_code="40"
    )


def test_an_inactive_user_has_no_grants(cast):
    cast.somchai.is_active = False
    permissions.forget(cast.somchai)
    assert permissions.grants(cast.somchai) == ()


def test_anonymous_sees_no_records(cast):
    from django.contrib.auth.models import AnonymousUser

    q = permissions.records_visible_q(AnonymousUser(), org_field="pk", area_field="home_area__code")
    assert not Organisation.objects.filter(q).exists()


class TestMemberships:
    def test_a_person_sees_their_own_memberships(self, cast):
        mine = permissions.memberships_visible_to(cast.somchai)
        assert set(mine.values_list("user__username", flat=True)) == {"somchai"}

    def test_a_coordinator_sees_everyone_in_its_area_and_no_one_outside(self, cast):
        seen = set(
            permissions.memberships_visible_to(cast.coordinator).values_list(
                "user__username", flat=True
            )
        )
        assert {"prapaporn", "somchai", "boonmee"} <= seen
        assert "trat" not in seen and "malee" not in seen  # ตราด, and a country-wide grant

    def test_a_coordinator_manages_inside_its_area_but_not_itself_or_admins(self, cast):
        managed = set(
            permissions.memberships_manageable_by(cast.coordinator).values_list(
                "user__username", flat=True
            )
        )
        assert managed == {"somchai", "boonmee"}

    def test_editors_viewers_and_outsiders_manage_nothing(self, cast):
        for persona in (cast.somchai, cast.malee, cast.niran, cast.volunteer):
            assert not permissions.memberships_manageable_by(persona).exists()

    @pytest.mark.parametrize(
        ("role", "area", "allowed"),
        [
            (Role.EDITOR, "400108", True),
            (Role.COORDINATOR, "4001", True),
            (Role.EDITOR, "23", False),
            (Role.ADMIN, "40", False),
            (Role.VIEWER, "", False),
        ],
    )
    def test_what_a_coordinator_may_grant(self, cast, role, area, allowed):
        assert permissions.can_grant(cast.coordinator, role=role, area_code=area) is allowed

    def test_admin_may_grant_anything(self, cast):
        assert permissions.can_grant(cast.admin, role=Role.ADMIN, area_code="")


class TestOrganisations:
    def test_a_coordinator_edits_local_organisations_in_its_area_only(self, cast):
        editable = permissions.organisations_editable_by(cast.coordinator)
        assert cast.community_council in editable
        assert not editable.filter(is_strategic_partner=True).exists()

    def test_editors_edit_no_organisation(self, cast):
        assert not permissions.organisations_editable_by(cast.somchai).exists()


def test_grants_are_the_active_memberships_in_the_models_order(cast):
    from saan.partners.models import Membership
    from saan.partners.permissions import Grant, forget, grants

    Membership.objects.create(user=cast.somchai, role="viewer", organisation=org("สสส."))
    Membership.objects.create(
        user=cast.somchai, role="viewer", organisation=org("สช."), area_id="23", is_active=False
    )
    forget(cast.somchai)
    expected = tuple(
        Grant(org, role, area or "")
        for org, role, area in Membership.objects.filter(
            user=cast.somchai, is_active=True
        ).values_list("organisation_id", "role", "area_id")
    )
    assert grants(cast.somchai) == expected
    assert len(expected) == 2 and Grant(org("สสส.").pk, "viewer", "") in expected
    assert all(g.area_code != "23" for g in expected)
    # Read once per request (cached on the user object); forget() reads again.
    Membership.objects.filter(user=cast.somchai).update(is_active=False)
    assert grants(cast.somchai) == expected
    forget(cast.somchai)
    assert grants(cast.somchai) == ()
