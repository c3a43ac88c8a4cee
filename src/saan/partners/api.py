"""Organisations (public reference data) and memberships (only what the caller may see)."""

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from saan.accounts.api_auth import signed_in
from saan.partners import permissions
from saan.partners.models import Organisation, Sector

router = Router(tags=["partners"])


class OrganisationOut(Schema):
    id: int
    name_th: str
    name_en: str
    short_name: str
    short_name_en: str
    sector: str
    parent_id: int | None
    home_area_code: str | None
    is_strategic_partner: bool
    alliance_role_th: str
    alliance_role_en: str
    website: str

    @staticmethod
    def resolve_home_area_code(obj: Organisation) -> str | None:
        return obj.home_area_id


class OrganisationFilter(Schema):
    sector: Sector | None = None
    strategic: bool | None = None
    within: str | None = None
    q: str | None = None


@router.get("/organisations", response=list[OrganisationOut], summary="Partner organisations")
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]):  # type: ignore[no-untyped-def]
    qs = Organisation.objects.all()
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.strategic is not None:
        qs = qs.filter(is_strategic_partner=filters.strategic)
    if filters.within:
        qs = qs.filter(home_area__code__startswith=filters.within)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(name_th__icontains=term)
            | Q(name_en__icontains=term)
            | Q(short_name__icontains=term)
            | Q(short_name_en__icontains=term)
        )
    return qs


@router.get("/organisations/{org_id}", response=OrganisationOut, summary="One organisation")
def get_organisation(request: HttpRequest, org_id: int):  # type: ignore[no-untyped-def]
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404(f"ไม่พบองค์กร {org_id} / No organisation {org_id}")
    return org


class MembershipOut(Schema):
    id: int
    username: str
    full_name: str
    organisation_id: int | None
    role: str
    area_code: str | None
    title: str
    is_active: bool

    @staticmethod
    def resolve_username(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.user.get_username()

    @staticmethod
    def resolve_full_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.user.get_full_name()

    @staticmethod
    def resolve_area_code(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.area_id


@router.get(
    "/memberships", response=list[MembershipOut], auth=signed_in, summary="Memberships you may see"
)
@paginate(LimitOffsetPagination)
def list_memberships(request: HttpRequest, within: str | None = None):  # type: ignore[no-untyped-def]
    """Your own memberships, and, if you coordinate an area, everyone's in it."""
    qs = permissions.memberships_visible_to(request.user).order_by("area_id", "pk")
    if within:
        qs = qs.filter(area__code__startswith=within)
    return qs


@router.get(
    "/memberships/{membership_id}", response=MembershipOut, auth=signed_in, summary="One membership"
)
def get_membership(request: HttpRequest, membership_id: int):  # type: ignore[no-untyped-def]
    membership = permissions.memberships_visible_to(request.user).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("ไม่พบข้อมูล / Not found")
    return membership
