"""Area pages: the national overview, province/district/subdistrict pages, search, groups.
Thin: reads come from ``queries``/``overview``, writes go through ``services``."""

from __future__ import annotations

import datetime as dt

import geothai
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saan.areas import services
from saan.areas.forms import AreaGroupForm, GroupMemberForm
from saan.areas.models import Area, AreaGroup, Level
from saan.areas.overview import province_tiles, tile_layout
from saan.areas.queries import children_with_counts, groups_of, search_areas
from saan.core import fragments
from saan.core.pages import page
from saan.core.thai import normalise_digits
from saan.partners import permissions
from saan.partners.models import Organisation
from saan.projects import summary
from saan.projects.panels import area_panel_html


def national(request: HttpRequest) -> HttpResponse:
    tiles, phases = province_tiles()
    layout = tile_layout()
    view = "list" if request.GET.get("view") == "list" else "map"
    in_programme = [t for t in tiles if t.phase]
    return page(
        request,
        "areas/national.html",
        {
            "tiles": tiles,
            "phases": phases,
            "programme": phases[0].parent if phases else None,
            "in_programme": in_programme,
            "columns": layout["columns"],
            "rows": layout["rows"],
            "view": view,
            "totals": dict(
                Area.objects.values_list("level")
                .annotate(n=Count("code"))
                .values_list("level", "n")
            ),
        },
    )


def _area_or_404(code: str) -> Area:
    area = Area.objects.select_related("parent").filter(code=normalise_digits(code)).first()
    if area is None:
        raise Http404
    return area


def _data_version() -> dt.date:
    """The date of geothai's area data: ``DATA_VERSION`` is "YYYY.M.D"."""
    year, month, day = (int(part) for part in geothai.DATA_VERSION.split("."))
    return dt.date(year, month, day)


AROUND_REVISION = 2  # raise when ``_below``, ``_groups``, ``_children``, ``_organisations`` change


def _around(area: Area) -> dict[str, str]:
    """The parts of an area page that are the same for everyone: the count of areas below it,
    the area groups it belongs to (itself or through the areas above it) and the provinces it
    mentors, its child areas and the organisations based in it, drawn as HTML."""
    children = children_with_counts(area) if area.level != Level.SUBDISTRICT else []
    below = dict(
        Area.objects.within(area.code)
        .exclude(code=area.code)
        .values_list("level")
        .annotate(n=Count("code"))
        .values_list("level", "n")
    )
    organisations = Organisation.objects.filter(
        home_area__code__startswith=area.code
    ).select_related("home_area")[:50]
    memberships = list(area.group_memberships.select_related("group", "group__parent", "mentor"))
    member_of = {m.group_id for m in memberships}
    context = {
        "area": area,
        "below": below,
        "children": children,
        "organisations": organisations,
        "group_memberships": memberships,
        "inherited_groups": [g for g in groups_of(area) if g.pk not in member_of],
        "mentees": area.mentees.select_related("area", "group"),
    }
    return {
        part: render_to_string(f"areas/_{part}.html", context)
        for part in ("below", "groups", "children", "organisations")
    }


def detail(request: HttpRequest, code: str) -> HttpResponse:
    area = _area_or_404(code)
    # Areas, area groups and organisations saved also move the register's version
    # (``projects.apps``): the parts the same for everyone are kept under it, per area and
    # language.
    version = summary.version()  # read before anything is drawn
    around = fragments.cached(
        "areas:around",
        lambda: _around(area),
        versions=[version],
        params=[("area", area.code)],
        revision=AROUND_REVISION,
    )
    # "Who does what here": drawn once per register version and viewer (``core.fragments``).
    work_panel, work = area_panel_html(request.user, area, version)
    return page(
        request,
        "areas/detail.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "around": {part: mark_safe(html) for part, html in around.items()},
            "can_see_history": permissions.member_of_area(request.user, area.code),
            "coordinates": permissions.coordinates(request.user, area.code),
            "data_version": _data_version(),
            "work_panel": work_panel,
            "work": work,  # None when the panel came from the cache
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    level = request.GET.get("level") or None
    if level not in (None, *Level.values):
        level = None
    matches = search_areas(query, level=level, limit=50) if query else []
    if (
        len(matches) == 1
        and not matches[0].fuzzy
        and not getattr(request, "htmx", False)
        and request.GET.get("go")
    ):
        return redirect(matches[0].area)
    ancestors = {
        a.code: a
        for a in Area.objects.filter(code__in={c for m in matches for c in m.area.ancestor_codes})
    }
    rows = [(m, [ancestors[c] for c in m.area.ancestor_codes if c in ancestors]) for m in matches]
    return page(
        request,
        "areas/search.html",
        {
            "search_query": query,
            "rows": rows,
            "level": level,
            "levels": Level.choices,
            "any_fuzzy": any(m.fuzzy for m in matches),
        },
        partial="areas/_search_results.html",
    )


def groups(request: HttpRequest) -> HttpResponse:
    all_groups = (
        AreaGroup.objects.select_related("parent")
        .annotate(member_count=Count("members"))
        .order_by("kind", "sort_order", "slug")
    )
    return page(
        request,
        "areas/groups.html",
        {"groups": all_groups, "can_edit": permissions.is_admin(request.user)},
    )


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(AreaGroup.objects.select_related("parent"), slug=slug)
    members = group.members.select_related("area", "mentor").order_by("area_id")
    return page(
        request,
        "areas/group_detail.html",
        {
            "group": group,
            "members": members,
            "subgroups": group.subgroups.annotate(member_count=Count("members")),
            "can_edit": permissions.is_admin(request.user),
            "member_form": GroupMemberForm(),
        },
    )


def _admin_or_404(request: HttpRequest) -> None:
    if not permissions.is_admin(request.user):
        raise Http404


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    _admin_or_404(request)
    form = AreaGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.area_group_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("สร้างกลุ่มพื้นที่แล้ว"))
            return redirect(group)
    return page(request, "areas/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _admin_or_404(request)
    group = get_object_or_404(AreaGroup, slug=slug)
    form = AreaGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.area_group_update(
                actor=request.user, group=AreaGroup.objects.get(pk=group.pk), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect(group)
    return page(request, "areas/group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def group_member_set(request: HttpRequest, slug: str) -> HttpResponse:
    _admin_or_404(request)
    group = get_object_or_404(AreaGroup, slug=slug)
    form = GroupMemberForm(request.POST)
    if form.is_valid():
        try:
            services.area_group_member_set(
                actor=request.user,
                group=group,
                area=form.cleaned_data["area"],
                mentor=form.cleaned_data["mentor"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("บันทึกสมาชิกกลุ่มแล้ว"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(group)


@login_required
@require_POST
def group_member_remove(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    _admin_or_404(request)
    group = get_object_or_404(AreaGroup, slug=slug)
    area = _area_or_404(code)
    services.area_group_member_remove(actor=request.user, group=group, area=area)
    messages.success(request, _("นำพื้นที่ออกจากกลุ่มแล้ว"))
    return redirect(group)
