"""Who the caller is: a quick way for a program to check its token."""

from django.http import HttpRequest
from ninja import Router, Schema

from saan.accounts.api_auth import signed_in
from saan.partners import permissions

router = Router(tags=["accounts"])


class GrantOut(Schema):
    organisation_id: int | None
    role: str
    area_code: str


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    is_admin: bool
    grants: list[GrantOut]


@router.get("/me", response=MeOut, auth=signed_in, summary="The signed-in user and their grants")
def me(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.user
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),  # type: ignore[union-attr]
        "email": user.email,  # type: ignore[union-attr]
        "is_admin": permissions.is_admin(user),
        "grants": [g.__dict__ for g in permissions.grants(user)],
    }
