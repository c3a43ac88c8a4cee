"""Areas and area groups for programs. Reference data: readable by everyone."""

from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from saan.areas.models import Area, AreaGroup, AreaGroupMember, Level
from saan.areas.queries import groups_of, search_areas

router = Router(tags=["areas"])


class AreaOut(Schema):
    code: str
    level: str
    name_th: str
    name_en: str
    parent_code: str | None
    postal_codes: list[str]

    @staticmethod
    def resolve_parent_code(obj: Area) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_postal_codes(obj: Area) -> list[str]:
        return obj.postal_codes.split() if obj.postal_codes else []


class GroupRef(Schema):
    slug: str
    kind: str
    name_th: str
    name_en: str


class AreaDetailOut(AreaOut):
    ancestors: list[AreaOut]
    children_count: int
    descendant_counts: dict[str, int]
    groups: list[GroupRef]

    @staticmethod
    def resolve_ancestors(obj: Area) -> list[Area]:
        return obj.ancestors()

    @staticmethod
    def resolve_children_count(obj: Area) -> int:
        return obj.children.count()

    @staticmethod
    def resolve_descendant_counts(obj: Area) -> dict[str, int]:
        rows = (
            Area.objects.within(obj.code)
            .exclude(code=obj.code)
            .values("level")
            .annotate(n=Count("code"))
        )
        return {row["level"]: row["n"] for row in rows}

    @staticmethod
    def resolve_groups(obj: Area) -> list[AreaGroup]:
        return groups_of(obj)


class AreaFilter(Schema):
    level: Level | None = None
    parent: str | None = None
    within: str | None = None
    group: str | None = None
    q: str | None = None


def _area_or_404(code: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404(f"ไม่พบพื้นที่รหัส {code} / No area with code {code}")
    return area


@router.get("/areas", response=list[AreaOut], summary="List and search areas")
@paginate(LimitOffsetPagination)
def list_areas(request: HttpRequest, filters: Query[AreaFilter]):  # type: ignore[no-untyped-def]
    """Filter by ``level``, ``parent`` (direct children of a code), ``within`` (a code and
    everything under it), ``group`` (an area group's slug) and ``q`` (name search the way people
    write places, e.g. ``สาวะถี อ.เมือง ขอนแก่น``)."""
    if filters.q:
        matches = search_areas(filters.q, level=filters.level, within=filters.within, limit=100)
        areas = [m.area for m in matches]
        if filters.parent:
            areas = [a for a in areas if a.parent_id == filters.parent]
        if filters.group:
            members = set(
                AreaGroup.objects.filter(slug=filters.group).values_list("members__area", flat=True)
            )
            areas = [a for a in areas if a.code in members]
        return areas
    qs = Area.objects.all()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.within:
        qs = qs.within(filters.within)
    if filters.group:
        qs = qs.filter(group_memberships__group__slug=filters.group)
    return qs.order_by("code")


@router.get("/areas/{code}", response=AreaDetailOut, summary="One area with its ancestors")
def get_area(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    """The area, the province and district above it, how many areas sit under it by level,
    and the groups it (or an area above it) belongs to."""
    return _area_or_404(code)


class MemberOut(Schema):
    area: AreaOut
    mentor_code: str | None
    attributes: dict

    @staticmethod
    def resolve_mentor_code(obj: AreaGroupMember) -> str | None:
        return obj.mentor_id


class GroupOut(GroupRef):
    description: str
    parent_slug: str | None
    starts_on: str | None
    ends_on: str | None
    member_count: int

    @staticmethod
    def resolve_parent_slug(obj: AreaGroup) -> str | None:
        return obj.parent.slug if obj.parent is not None else None

    @staticmethod
    def resolve_starts_on(obj: AreaGroup) -> str | None:
        return obj.starts_on.isoformat() if obj.starts_on else None

    @staticmethod
    def resolve_ends_on(obj: AreaGroup) -> str | None:
        return obj.ends_on.isoformat() if obj.ends_on else None


class GroupDetailOut(GroupOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: AreaGroup) -> list[AreaGroupMember]:
        return list(obj.members.select_related("area").order_by("area_id"))


@router.get("/area-groups", response=list[GroupOut], summary="Area groups")
def list_groups(request: HttpRequest, kind: str | None = None):  # type: ignore[no-untyped-def]
    qs = AreaGroup.objects.select_related("parent").annotate(member_count=Count("members"))
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


@router.get("/area-groups/{slug}", response=GroupDetailOut, summary="One group with its members")
def get_group(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    group = get_object_or_404(
        AreaGroup.objects.select_related("parent").annotate(member_count=Count("members")),
        slug=slug,
    )
    return group
