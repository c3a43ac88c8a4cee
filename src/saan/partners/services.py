"""Every write to organisations, people and memberships: atomic, permission-checked,
validated, audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.audit.services import record, snapshot
from saan.partners import permissions
from saan.partners.models import Membership, Organisation, Role

User = get_user_model()

ORG_FIELDS = (
    "name_th",
    "name_en",
    "short_name",
    "short_name_en",
    "sector",
    "parent",
    "home_area",
    "is_strategic_partner",
    "alliance_role_th",
    "alliance_role_en",
    "website",
)
MEMBERSHIP_FIELDS = ("user", "organisation", "role", "area", "title", "is_active")
USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active")


def _org_area(org: Organisation) -> str:
    return org.home_area_id or ""


@transaction.atomic
def organisation_create(*, actor: Any, **fields: Any) -> Organisation:
    unknown = set(fields) - set(ORG_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    org = Organisation(**fields)
    if not permissions.can_create_organisation(actor, home_area_code=_org_area(org)):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์เพิ่มองค์กรในพื้นที่นี้"))
    org.full_clean()
    org.save()
    record(
        actor=actor,
        action="organisation.create",
        target=org,
        after=snapshot(org, ORG_FIELDS),
        area_code=_org_area(org),
    )
    return org


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    unknown = set(changes) - set(ORG_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    org = (
        permissions.organisations_editable_by(actor)
        .select_for_update(of=("self",))
        .filter(pk=organisation.pk)
        .first()
    )
    if org is None:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไของค์กรนี้"))
    before = snapshot(org, ORG_FIELDS)
    for name, value in changes.items():
        setattr(org, name, value)
    if not permissions.can_create_organisation(actor, home_area_code=_org_area(org)):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ย้ายองค์กรไปยังพื้นที่นี้"))
    org.full_clean()
    after = snapshot(org, ORG_FIELDS)
    if after != before:
        org.save()
        record(
            actor=actor,
            action="organisation.update",
            target=org,
            before=before,
            after=after,
            area_code=_org_area(org),
        )
    return org


def _check_membership(membership: Membership) -> None:
    if membership.role in (Role.VIEWER, Role.EDITOR) and membership.organisation_id is None:
        raise ValidationError({"organisation": _("ผู้ดูข้อมูลและผู้บันทึกข้อมูลต้องสังกัดองค์กร")})
    duplicate = Membership.objects.filter(
        user_id=membership.user_id,
        organisation=membership.organisation,
        role=membership.role,
        area_id=membership.area_id,
    ).exclude(pk=membership.pk)
    if duplicate.exists():
        raise ValidationError(_("บุคคลนี้มีบทบาทนี้ในองค์กรและพื้นที่นี้อยู่แล้ว"))


@transaction.atomic
def membership_create(
    *,
    actor: Any,
    user: Any,
    role: str,
    organisation: Organisation | None,
    area: Area | None,
    title: str = "",
) -> Membership:
    area_code = area.code if area else ""
    if not permissions.can_grant(actor, role=role, area_code=area_code):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์มอบบทบาทนี้ในพื้นที่นี้"))
    membership = Membership(user=user, role=role, organisation=organisation, area=area, title=title)
    membership.full_clean(validate_unique=False, validate_constraints=False)
    _check_membership(membership)
    membership.save()
    permissions.forget(user)
    record(
        actor=actor,
        action="membership.create",
        target=membership,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
        area_code=area_code,
    )
    return membership


@transaction.atomic
def membership_update(*, actor: Any, membership: Membership, **changes: Any) -> Membership:
    """Change a membership's role, organisation, area, title or whether it is active."""
    allowed = {"role", "organisation", "area", "title", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    current = (
        permissions.memberships_manageable_by(actor)
        .select_for_update(of=("self",))
        .filter(pk=membership.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขสมาชิกภาพนี้"))
    before = snapshot(current, MEMBERSHIP_FIELDS)
    for name, value in changes.items():
        setattr(current, name, value)
    if not permissions.can_grant(actor, role=current.role, area_code=current.area_code):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์มอบบทบาทนี้ในพื้นที่นี้"))
    current.full_clean(validate_unique=False, validate_constraints=False)
    _check_membership(current)
    after = snapshot(current, MEMBERSHIP_FIELDS)
    if after != before:
        current.save()
        permissions.forget(current.user)
        record(
            actor=actor,
            action="membership.update",
            target=current,
            before=before,
            after=after,
            area_code=current.area_code,
        )
    return current


@transaction.atomic
def person_create(
    *, actor: Any, username: str, email: str, first_name: str, last_name: str, area_code: str
) -> Any:
    """Create a sign-in for a new person, without a usable password: they set one through the
    password-reset e-mail. Coordinators may add people for their own area."""
    if not (
        permissions.is_admin(actor) or (area_code and permissions.coordinates(actor, area_code))
    ):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์เพิ่มบุคคล"))
    username = username.strip()
    email = email.strip().lower()
    errors: dict[str, str] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("ชื่อผู้ใช้นี้มีอยู่แล้ว")
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("อีเมลนี้มีผู้ใช้แล้ว")
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip()
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record(
        actor=actor,
        action="person.create",
        target=user,
        after=snapshot(user, USER_FIELDS),
        area_code=area_code,
    )
    return user


@transaction.atomic
def load_partners(data: dict[str, Any]) -> tuple[int, int]:
    """Create the reference organisations that do not exist yet (matched by Thai name); an
    existing one is left as edited. Trusted: called by ``load_reference`` only. Returns
    (created, kept)."""
    existing = set(Organisation.objects.values_list("name_th", flat=True))
    created = kept = 0
    for spec in data["organisations"]:
        if spec["name_th"] in existing:
            kept += 1
            continue
        org = Organisation(**spec)
        org.full_clean()
        org.save()
        record(
            actor=None,
            action="organisation.create",
            target=org,
            after=snapshot(org, ORG_FIELDS),
            note="load_reference",
        )
        created += 1
    return created, kept
