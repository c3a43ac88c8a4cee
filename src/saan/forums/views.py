"""Pages of the central space. Thin: reads come through the permission filters of ``queries``
(what you may not read is a 404, the same as what does not exist), writes go through
``services``. Anyone reads what is public; the area's coordinators and the mechanism's members
run it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saan.areas.models import Area
from saan.core.pages import (
    area_or_404,
    flash_errors,
    get_or_404,
    page,
    save_form,
    signed_in_user,
    submit_form,
)
from saan.core.thai import fiscal_year
from saan.forums import files, forms, ics, queries, services
from saan.forums.models import (
    AgendaGoal,
    AgendaItem,
    Attachment,
    Attendance,
    Charter,
    CharterCommitment,
    CommitmentStatus,
    CommonAgenda,
    Mechanism,
    MechanismMember,
    Meeting,
    MeetingStatus,
    PolicyProposal,
    Resolution,
    ResolutionStatus,
    bangkok_today,
)
from saan.partners import permissions
from saan.partners.models import Organisation

# ----------------------------------------------------------------------------- fetching


def _mechanism(request: HttpRequest, pk: int, *, run: bool = False) -> Mechanism:
    mechanism = get_or_404(queries.mechanisms_visible_to(request.user), pk=pk)
    if run and not queries.can_run(request.user, mechanism):
        raise Http404
    return mechanism


def _meeting(request: HttpRequest, pk: int, *, run: bool = False) -> Meeting:
    meeting = get_or_404(queries.meetings_visible_to(request.user), pk=pk)
    if run and not queries.can_run(request.user, meeting.mechanism):
        raise Http404
    return meeting


def _resolution(request: HttpRequest, pk: int, *, run: bool = False) -> Resolution:
    resolution = get_or_404(queries.resolutions_visible_to(request.user), pk=pk)
    if run and not queries.can_run(request.user, resolution.meeting.mechanism):
        raise Http404
    return resolution


def _agenda(request: HttpRequest, pk: int, *, run: bool = False) -> CommonAgenda:
    agenda = get_or_404(queries.agendas_visible_to(request.user), pk=pk)
    if run and not queries.can_run_area_item(request.user, agenda):
        raise Http404
    return agenda


def _charter(request: HttpRequest, pk: int, *, run: bool = False) -> Charter:
    charter = get_or_404(queries.charters_visible_to(request.user), pk=pk)
    if run and not queries.can_run_area_item(request.user, charter):
        raise Http404
    return charter


def _proposal(request: HttpRequest, pk: int, *, run: bool = False) -> PolicyProposal:
    proposal = get_or_404(queries.proposals_visible_to(request.user), pk=pk)
    if run and not queries.can_run(request.user, proposal.mechanism):
        raise Http404
    return proposal


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: str,
    context: dict[str, Any] | None = None,
    multipart: bool = False,
) -> HttpResponse:
    return page(
        request,
        "forums/form.html",
        {"form": form, "title": title, "back": back, "multipart": multipart, **(context or {})},
    )


# ---------------------------------------------------------------------------- overviews


def index(request: HttpRequest) -> HttpResponse:
    """Every area with a central space the visitor may read, with what it holds."""
    mechanisms = queries.mechanisms_visible_to(request.user)
    agendas = queries.agendas_visible_to(request.user)
    charters = queries.charters_visible_to(request.user)
    codes: dict[str, dict[str, int]] = {}
    for label, qs in (("mechanisms", mechanisms), ("agendas", agendas), ("charters", charters)):
        for code, n in qs.order_by().values_list("area_id").annotate(n=Count("pk")):
            codes.setdefault(code, {"mechanisms": 0, "agendas": 0, "charters": 0})[label] = n
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    rows = [(areas[c], codes[c]) for c in sorted(codes) if c in areas]
    return page(
        request,
        "forums/index.html",
        {
            "rows": rows,
            "coordinated": Area.objects.filter(
                code__in=[c for c in permissions.coordinator_codes(request.user) if c]
            ),
        },
    )


def area_space(request: HttpRequest, code: str) -> HttpResponse:
    """The central space of an area (and the areas under it): what is public for anyone, more
    for the alliance's members."""
    area = area_or_404(code)
    user = request.user
    today = bangkok_today()
    mechanisms = list(
        queries.mechanisms_visible_to(user)
        .filter(area__code__startswith=area.code)
        .order_by("area_id", "kind", "name")
    )
    groups = [(m, queries.members_by_sector(m, day=today)) for m in mechanisms]
    agendas = list(
        queries.agendas_visible_to(user)
        .filter(area_id=area.code)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=AgendaGoal.objects.select_related("theme").prefetch_related(
                    "organisations", "targets__indicator"
                ),
            )
        )
        .order_by("-fiscal_year")
    )
    charters = [
        (c, c.latest_version())
        for c in queries.charters_visible_to(user).filter(area__code__startswith=area.code)
    ]
    meetings = queries.meetings_visible_to(user).filter(mechanism__area__code__startswith=area.code)
    resolutions = queries.resolutions_visible_to(user).filter(
        meeting__mechanism__area__code__startswith=area.code
    )
    return page(
        request,
        "forums/area.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "groups": groups,
            "agenda": agendas[0] if agendas else None,
            "older_agendas": agendas[1:],
            "charters": charters,
            "upcoming": meetings.filter(status=MeetingStatus.PLANNED).order_by("starts_at")[:10],
            "recent": meetings.exclude(status=MeetingStatus.PLANNED).order_by("-starts_at")[:10],
            "resolutions": resolutions.order_by("-meeting__starts_at", "order")[:20],
            "status_counts": queries.status_counts(resolutions),
            "overdue_count": resolutions.filter(queries.overdue_q(today)).count(),
            "statuses": ResolutionStatus.choices,
            "can_create": queries.can_create_in_area(user, area.code),
            "reads_private": queries.can_read_private(user, area.code),
            "today": today,
        },
    )


def register(request: HttpRequest, code: str) -> HttpResponse:
    """The resolution register of an area, with filters; printable."""
    area = area_or_404(code)
    f = queries.parse_register_filters(request.GET)
    rows = list(
        queries.register(request.user, area.code, f).prefetch_related("projects", "indicators")
    )
    mechanisms = queries.mechanisms_visible_to(request.user).filter(
        area__code__startswith=area.code
    )
    visible = queries.resolutions_visible_to(request.user).filter(
        meeting__mechanism__area__code__startswith=area.code
    )
    owners = Organisation.objects.filter(
        pk__in=visible.exclude(owner__isnull=True).values("owner_id")
    )
    years = sorted(
        {y for y in visible.values_list("fiscal_year", flat=True) if y is not None}, reverse=True
    )
    return page(
        request,
        "forums/register.html",
        {
            "area": area,
            "rows": rows,
            "f": f,
            "mechanisms": mechanisms,
            "owners": owners,
            "years": years,
            "statuses": ResolutionStatus.choices,
            "today": bangkok_today(),
            "current_fy": fiscal_year(bangkok_today()),
        },
        partial="forums/_register_rows.html",
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """งานที่ต้องติดตาม: the coordinator's and member's follow-up page."""
    from saan.forums.reminders import reminders_for

    follow = queries.follow_up_for(request.user)
    return page(
        request,
        "forums/mine.html",
        {
            "follow": follow,
            "reminders": reminders_for(request.user)[:30],
            "seats": queries.active_members()
            .filter(user=signed_in_user(request))
            .select_related("mechanism", "mechanism__area", "organisation"),
            "coordinated": Area.objects.filter(
                code__in=[c for c in permissions.coordinator_codes(request.user) if c]
            ),
            "today": bangkok_today(),
        },
    )


# ------------------------------------------------------------------------------ mechanisms


def mechanism_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mechanism = _mechanism(request, pk)
    can_run = queries.can_run(request.user, mechanism)
    today = bangkok_today()
    all_members = mechanism.members.select_related("organisation", "user")
    past = [m for m in all_members if not m.is_active_on(today)]
    return page(
        request,
        "forums/mechanism.html",
        {
            "mechanism": mechanism,
            "groups": queries.members_by_sector(mechanism, day=today),
            "active": [m for m in all_members if m.is_active_on(today)],
            "past": past,
            "meetings": mechanism.meetings.order_by("-starts_at"),
            "proposals": queries.proposals_visible_to(request.user)
            .filter(mechanism=mechanism)
            .order_by("-submitted_on", "-pk"),
            "open_count": Resolution.objects.filter(
                meeting__mechanism=mechanism, status__in=("open", "in_progress")
            ).count(),
            "can_run": can_run,
        },
    )


@login_required
def mechanism_create(request: HttpRequest, code: str) -> HttpResponse:
    area = area_or_404(code)
    if not queries.can_create_in_area(request.user, area.code):
        raise Http404
    form = forms.MechanismForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda d: services.mechanism_create(actor=request.user, area=area, **d),
        _("ตั้งกลไกแล้ว"),
    )
    return done or _form_page(
        request,
        form,
        title=_("ตั้งกลไกใหม่ใน %(area)s") % {"area": area.full_name},
        back=reverse("forums:area", args=[area.code]),
    )


@login_required
def mechanism_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mechanism = _mechanism(request, pk, run=True)
    form = forms.MechanismForm(request.POST or None, instance=mechanism)
    done = save_form(
        request,
        form,
        lambda d: services.mechanism_update(actor=request.user, mechanism=mechanism, **d),
        _("บันทึกการแก้ไขแล้ว"),
    )
    return done or _form_page(request, form, title=_("แก้ไขกลไก"), back=mechanism.get_absolute_url())


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    mechanism = _mechanism(request, pk, run=True)
    form = forms.MemberForm(request.POST or None, initial={"term_start": bangkok_today()})

    def act(d: dict[str, Any]) -> Mechanism:
        services.member_add(actor=request.user, mechanism=mechanism, **d)
        return mechanism

    done = save_form(request, form, act, _("เพิ่มสมาชิกแล้ว"))
    return done or _form_page(
        request,
        form,
        title=_("เพิ่มสมาชิก: %(name)s") % {"name": mechanism.name},
        back=mechanism.get_absolute_url(),
    )


def _member(request: HttpRequest, pk: int) -> MechanismMember:
    member = get_or_404(MechanismMember.objects.select_related("mechanism"), pk=pk)
    _mechanism(request, member.mechanism_id, run=True)
    return member


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = forms.MemberForm(
        request.POST or None,
        instance=member,
        initial={"user": member.user.get_username() if member.user else ""},
    )

    def act(d: dict[str, Any]) -> Mechanism:
        services.member_update(actor=request.user, member=member, **d)
        return member.mechanism

    done = save_form(request, form, act, _("บันทึกการแก้ไขแล้ว"))
    return done or _form_page(
        request,
        form,
        title=_("แก้ไขข้อมูลสมาชิก: %(name)s") % {"name": member.person_name},
        back=member.mechanism.get_absolute_url(),
    )


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    try:
        services.member_end(actor=request.user, member=member)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s พ้นจากสมาชิกแล้ว ประวัติการเข้าประชุมยังคงอยู่") % {"name": member.person_name},
        )
    return redirect(member.mechanism)


# -------------------------------------------------------------------------------- meetings


def _next_number(mechanism: Mechanism) -> str:
    from saan.core.thai import be_year

    year = be_year(bangkok_today().year)
    count = mechanism.meetings.filter(number__endswith=f"/{year}").count()
    return _("ครั้งที่ %(n)s/%(year)s") % {"n": count + 1, "year": year}


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    mechanism = _mechanism(request, pk, run=True)
    form = forms.MeetingForm(
        request.POST or None,
        initial={"number": _next_number(mechanism), "status": MeetingStatus.PLANNED},
    )
    done = save_form(
        request,
        form,
        lambda d: services.meeting_create(actor=request.user, mechanism=mechanism, **d),
        _("บันทึกการประชุมแล้ว"),
    )
    return done or _form_page(
        request,
        form,
        title=_("การประชุมใหม่: %(name)s") % {"name": mechanism.name},
        back=mechanism.get_absolute_url(),
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    can_run = queries.can_run(request.user, meeting.mechanism)
    resolutions = queries.resolutions_visible_to(request.user).filter(meeting=meeting)
    items = meeting.agenda_items.select_related(
        "raised_by", "raised_by__organisation", "resolution", "resolution__owner"
    )
    carryable = list(queries.carryable(meeting)) if meeting.status == MeetingStatus.PLANNED else []
    return page(
        request,
        "forums/meeting.html",
        {
            "meeting": meeting,
            "mechanism": meeting.mechanism,
            "items": items,
            "carryable": carryable,
            "resolutions": resolutions.prefetch_related("projects", "indicators"),
            "attendance": meeting.attendance.select_related("member", "organisation"),
            "sectors": queries.sector_counts(meeting),
            "show_names": _show_names(request, meeting),
            "attachments": meeting.attachments.all(),
            "can_run": can_run,
            "today": bangkok_today(),
            "item_form": forms.AgendaItemForm(mechanism=meeting.mechanism) if can_run else None,
            "attendance_form": forms.AttendanceForm(mechanism=meeting.mechanism)
            if can_run
            else None,
            "attachment_form": forms.AttachmentForm() if can_run else None,
            "next_meeting": queries.next_meeting(meeting.mechanism, after=meeting),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    form = forms.MeetingForm(request.POST or None, instance=meeting)
    done = save_form(
        request,
        form,
        lambda d: services.meeting_update(actor=request.user, meeting=meeting, **d),
        _("บันทึกการแก้ไขแล้ว"),
    )
    return done or _form_page(
        request, form, title=_("แก้ไขการประชุม / บันทึกการประชุม"), back=meeting.get_absolute_url()
    )


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    submit_form(
        request,
        forms.AgendaItemForm(request.POST, mechanism=meeting.mechanism),
        lambda data: services.agenda_item_add(actor=request.user, meeting=meeting, **data),
        done=_("เพิ่มระเบียบวาระแล้ว"),
        invalid=_("กรุณาใส่ชื่อเรื่อง"),
    )
    return redirect(reverse("forums:meeting", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def agenda_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    meeting = _meeting(request, item.meeting_id, run=True)
    try:
        services.agenda_item_remove(actor=request.user, item=item)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("นำวาระออกแล้ว"))
    return redirect(reverse("forums:meeting", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def agenda_carry(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    try:
        items = services.agenda_carry_forward(actor=request.user, meeting=meeting)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        if items:
            messages.success(request, _("นำมติที่ยังเปิดอยู่เข้าวาระแล้ว %(n)s เรื่อง") % {"n": len(items)})
        else:
            messages.info(request, _("ไม่มีมติที่ค้างอยู่เพิ่มเติม"))
    return redirect(reverse("forums:meeting", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def agenda_picture(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    try:
        services.agenda_snapshot(actor=request.user, meeting=meeting)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("บันทึกภาพรวมข้อมูลพื้นที่ลงในวาระแล้ว"))
    return redirect(reverse("forums:meeting", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    submit_form(
        request,
        forms.AttendanceForm(request.POST, mechanism=meeting.mechanism),
        lambda data: services.attendance_add(actor=request.user, meeting=meeting, **data),
        done=_("บันทึกผู้เข้าร่วมแล้ว"),
    )
    return redirect(reverse("forums:meeting", args=[meeting.pk]) + "#attendance")


@login_required
@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_or_404(Attendance.objects.select_related("meeting"), pk=pk)
    meeting = _meeting(request, row.meeting_id, run=True)
    services.attendance_remove(actor=request.user, attendance=row)
    messages.success(request, _("นำรายชื่อออกแล้ว"))
    return redirect(reverse("forums:meeting", args=[meeting.pk]) + "#attendance")


def _show_names(request: HttpRequest, meeting: Meeting) -> bool:
    """Who came, by name, is personal data (PDPA): the public sees counts by sector; names are
    for the alliance's members in the area and the mechanism's runners."""
    return queries.can_read_private(request.user, meeting.mechanism.area_id) or queries.can_run(
        request.user, meeting.mechanism
    )


def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Minutes and resolutions, laid out for printing."""
    meeting = _meeting(request, pk)
    return page(
        request,
        "forums/minutes.html",
        {
            "meeting": meeting,
            "mechanism": meeting.mechanism,
            "items": meeting.agenda_items.select_related("resolution", "raised_by"),
            "resolutions": queries.resolutions_visible_to(request.user)
            .filter(meeting=meeting)
            .prefetch_related("projects", "indicators"),
            "attendance": meeting.attendance.select_related("member", "organisation"),
            "sectors": queries.sector_counts(meeting),
            "show_names": _show_names(request, meeting),
        },
    )


def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return page(
        request,
        "forums/invitation.html",
        {
            "meeting": meeting,
            "mechanism": meeting.mechanism,
            "items": meeting.agenda_items.select_related("resolution", "raised_by"),
            "members": queries.active_members()
            .filter(mechanism=meeting.mechanism)
            .select_related("organisation"),
        },
    )


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    body = ics.meeting_ics(
        meeting, url=request.build_absolute_uri(meeting.get_absolute_url()), host=request.get_host()
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# ----------------------------------------------------------------------------- resolutions


def _project_choices(user: Any, area_code: str) -> Any:
    from saan.projects.queries import reaches_q, visible_to

    return visible_to(user).filter(reaches_q(area_code)).order_by("title")


@login_required
def resolution_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, run=True)
    form = forms.ResolutionForm(
        request.POST or None,
        projects=_project_choices(request.user, meeting.mechanism.area_id),
        initial={"status": ResolutionStatus.OPEN},
    )

    def act(d: dict[str, Any]) -> Any:
        services.resolution_create(actor=request.user, meeting=meeting, **d)
        if "another" in request.POST:
            return reverse("forums:resolution_create", args=[meeting.pk])
        return reverse("forums:meeting", args=[meeting.pk]) + "#resolutions"

    done = save_form(request, form, act, _("บันทึกมติแล้ว"))
    return done or _form_page(
        request,
        form,
        title=_("บันทึกมติ: %(meeting)s") % {"meeting": str(meeting)},
        back=meeting.get_absolute_url(),
        context={"another": True},
    )


def resolution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = _resolution(request, pk)
    can_report = queries.can_report_progress(request.user, resolution)
    from saan.projects.queries import visible_to as projects_visible

    return page(
        request,
        "forums/resolution.html",
        {
            "r": resolution,
            "meeting": resolution.meeting,
            "mechanism": resolution.meeting.mechanism,
            "progress": resolution.progress.select_related("organisation"),
            "projects": projects_visible(request.user).filter(forum_resolutions=resolution),
            "indicators": resolution.indicators.all(),
            "agenda_items": resolution.agenda_items.select_related("meeting").filter(
                meeting__in=queries.meetings_visible_to(request.user).values("pk")
            ),
            "can_run": queries.can_run(request.user, resolution.meeting.mechanism),
            "can_report": can_report,
            "progress_form": forms.ProgressForm() if can_report else None,
            "today": bangkok_today(),
        },
    )


@login_required
def resolution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = _resolution(request, pk, run=True)
    area_code = resolution.meeting.mechanism.area_id
    form = forms.ResolutionForm(
        request.POST or None,
        instance=resolution,
        projects=_project_choices(request.user, area_code) | resolution.projects.all(),
    )

    def act(d: dict[str, Any]) -> Resolution:
        return services.resolution_update(actor=request.user, resolution=resolution, **d)

    done = save_form(request, form, act, _("บันทึกการแก้ไขแล้ว"))
    return done or _form_page(request, form, title=_("แก้ไขมติ"), back=resolution.get_absolute_url())


@login_required
@require_POST
def progress_report(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = _resolution(request, pk)
    if not queries.can_report_progress(request.user, resolution):
        raise Http404
    submit_form(
        request,
        forms.ProgressForm(request.POST),
        lambda data: services.progress_report(
            actor=request.user,
            resolution=resolution,
            text=data["text"],
            new_status=data["new_status"],
            reported_on=data["reported_on"],
        ),
        done=_("บันทึกความคืบหน้าแล้ว"),
        invalid=_("กรุณาเขียนความคืบหน้า"),
    )
    return redirect(resolution)


# ------------------------------------------------------------------------- common agendas


@login_required
def agenda_create(request: HttpRequest, code: str) -> HttpResponse:
    area = area_or_404(code)
    if not queries.can_create_in_area(request.user, area.code):
        raise Http404
    form = forms.AgendaForm(
        request.POST or None,
        area_code=area.code,
        initial={"fiscal_year": fiscal_year(bangkok_today())},
    )
    done = save_form(
        request,
        form,
        lambda d: services.agenda_create(actor=request.user, area=area, **d),
        _("บันทึกวาระร่วมแล้ว"),
    )
    return done or _form_page(
        request,
        form,
        title=_("วาระร่วมของ %(area)s") % {"area": area.full_name},
        back=reverse("forums:area", args=[area.code]),
    )


def agenda_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agenda = _agenda(request, pk)
    goals = agenda.goals.select_related("theme").prefetch_related(
        "organisations", "targets__indicator"
    )
    return page(
        request,
        "forums/agenda.html",
        {
            "agenda": agenda,
            "goals": goals,
            "can_run": queries.can_run_area_item(request.user, agenda),
        },
    )


@login_required
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agenda = _agenda(request, pk, run=True)
    form = forms.AgendaForm(request.POST or None, instance=agenda, area_code=agenda.area_id)
    done = save_form(
        request,
        form,
        lambda d: services.agenda_update(actor=request.user, agenda=agenda, **d),
        _("บันทึกการแก้ไขแล้ว"),
    )
    return done or _form_page(request, form, title=_("แก้ไขวาระร่วม"), back=agenda.get_absolute_url())


@login_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    agenda = _agenda(request, pk, run=True)
    form = forms.GoalForm(request.POST or None)

    def act(d: dict[str, Any]) -> CommonAgenda:
        services.goal_add(
            actor=request.user,
            agenda=agenda,
            title=d["title"],
            theme=d["theme"],
            description=d["description"],
            organisations=d["organisations"],
            targets=form.targets(),
        )
        return agenda

    done = save_form(request, form, act, _("เพิ่มเป้าหมายแล้ว"))
    return done or _form_page(request, form, title=_("เพิ่มเป้าหมาย"), back=agenda.get_absolute_url())


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_or_404(AgendaGoal.objects.select_related("agenda"), pk=pk)
    agenda = _agenda(request, goal.agenda_id, run=True)
    initial: dict[str, Any] = {"organisations": list(goal.organisations.all())}
    for n, target in enumerate(goal.targets.all()[:3], start=1):
        initial[f"indicator_{n}"] = target.indicator_id
        initial[f"target_{n}"] = target.target
    form = forms.GoalForm(request.POST or None, instance=goal, initial=initial)

    def act(d: dict[str, Any]) -> CommonAgenda:
        services.goal_update(
            actor=request.user,
            goal=goal,
            title=d["title"],
            theme=d["theme"],
            description=d["description"],
            organisations=d["organisations"],
            targets=form.targets(),
        )
        return agenda

    done = save_form(request, form, act, _("บันทึกการแก้ไขแล้ว"))
    return done or _form_page(request, form, title=_("แก้ไขเป้าหมาย"), back=agenda.get_absolute_url())


# -------------------------------------------------------------------------------- charters


@login_required
def charter_create(request: HttpRequest, code: str) -> HttpResponse:
    area = area_or_404(code)
    if not queries.can_create_in_area(request.user, area.code):
        raise Http404
    form = forms.CharterForm(request.POST or None, area_code=area.code)
    done = save_form(
        request,
        form,
        lambda d: services.charter_create(actor=request.user, area=area, **d),
        _("บันทึกธรรมนูญแล้ว"),
    )
    return done or _form_page(
        request,
        form,
        title=_("ธรรมนูญใหม่ของ %(area)s") % {"area": area.full_name},
        back=reverse("forums:area", args=[area.code]),
    )


def charter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    charter = _charter(request, pk)
    versions = list(charter.versions.order_by("-number"))
    wanted = request.GET.get("version", "")
    shown = next(
        (v for v in versions if str(v.number) == wanted), versions[0] if versions else None
    )
    can_run = queries.can_run_area_item(request.user, charter)
    return page(
        request,
        "forums/charter.html",
        {
            "charter": charter,
            "versions": versions,
            "version": shown,
            "latest": versions[0] if versions else None,
            "signatories": shown.signatories.select_related("organisation") if shown else [],
            "commitments": shown.commitments.select_related("owner", "indicator") if shown else [],
            "attachments": charter.attachments.all(),
            "can_run": can_run,
            "sign_form": forms.SignForm(initial={"signed_on": bangkok_today()})
            if can_run
            else None,
            "commitment_form": forms.CommitmentForm() if can_run else None,
            "attachment_form": forms.AttachmentForm() if can_run else None,
            "commitment_statuses": CommitmentStatus.choices,
        },
    )


@login_required
def charter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    charter = _charter(request, pk, run=True)
    form = forms.CharterForm(
        request.POST or None, instance=charter, area_code=charter.area_id, with_text=False
    )
    done = save_form(
        request,
        form,
        lambda d: services.charter_update(actor=request.user, charter=charter, **d),
        _("บันทึกการแก้ไขแล้ว"),
    )
    return done or _form_page(
        request, form, title=_("แก้ไขข้อมูลธรรมนูญ"), back=charter.get_absolute_url()
    )


@login_required
def charter_text(request: HttpRequest, pk: int) -> HttpResponse:
    charter = _charter(request, pk, run=True)
    latest = charter.latest_version()
    form = forms.CharterTextForm(
        request.POST or None, initial={"text": latest.text if latest else ""}
    )

    def act(d: dict[str, Any]) -> Any:
        version = services.charter_edit_text(actor=request.user, charter=charter, **d)
        return reverse("forums:charter", args=[charter.pk]) + f"?version={version.number}"

    done = save_form(request, form, act, _("บันทึกเนื้อหาธรรมนูญแล้ว"))
    note = (
        _("ฉบับล่าสุดลงนามแล้ว การแก้ไขจะสร้างฉบับใหม่ ฉบับที่ลงนามแล้วจะไม่ถูกเปลี่ยน")
        if latest and latest.is_signed
        else ""
    )
    return done or _form_page(
        request,
        form,
        title=_("แก้ไขเนื้อหา: %(title)s") % {"title": charter.title},
        back=charter.get_absolute_url(),
        context={"note": note},
    )


@login_required
@require_POST
def charter_sign(request: HttpRequest, pk: int) -> HttpResponse:
    charter = _charter(request, pk, run=True)
    submit_form(
        request,
        forms.SignForm(request.POST),
        lambda data: services.charter_sign(actor=request.user, charter=charter, **data),
        done=_("บันทึกการลงนามแล้ว"),
        invalid=_("กรุณาเลือกองค์กรและวันที่ลงนาม"),
    )
    return redirect(charter)


@login_required
@require_POST
def commitment_add(request: HttpRequest, pk: int) -> HttpResponse:
    charter = _charter(request, pk, run=True)
    submit_form(
        request,
        forms.CommitmentForm(request.POST),
        lambda data: services.commitment_add(actor=request.user, charter=charter, **data),
        done=_("เพิ่มข้อตกลงแล้ว"),
        invalid=_("กรุณาเขียนข้อตกลง"),
    )
    return redirect(charter)


@login_required
@require_POST
def commitment_status(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_or_404(CharterCommitment.objects.select_related("version"), pk=pk)
    charter = _charter(request, commitment.version.charter_id, run=True)
    try:
        services.commitment_set_status(
            actor=request.user, commitment=commitment, status=request.POST.get("status", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    return redirect(
        reverse("forums:charter", args=[charter.pk]) + f"?version={commitment.version.number}"
    )


# ------------------------------------------------------------------------ policy proposals


@login_required
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mechanism = _mechanism(request, pk, run=True)
    form = forms.ProposalForm(request.POST or None, mechanism=mechanism)
    done = save_form(
        request,
        form,
        lambda d: services.proposal_create(
            actor=request.user,
            mechanism=mechanism,
            **{k: v for k, v in d.items() if k not in ("response", "responded_on")},
        ),
        _("บันทึกข้อเสนอแล้ว"),
    )
    return done or _form_page(
        request, form, title=_("ข้อเสนอเชิงนโยบายใหม่"), back=mechanism.get_absolute_url()
    )


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    can_run = queries.can_run(request.user, proposal.mechanism)
    return page(
        request,
        "forums/proposal.html",
        {
            "proposal": proposal,
            "mechanism": proposal.mechanism,
            "attachments": proposal.attachments.all(),
            "can_run": can_run,
            "attachment_form": forms.AttachmentForm() if can_run else None,
        },
    )


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk, run=True)
    form = forms.ProposalForm(request.POST or None, instance=proposal, mechanism=proposal.mechanism)
    done = save_form(
        request,
        form,
        lambda d: services.proposal_update(actor=request.user, proposal=proposal, **d),
        _("บันทึกการแก้ไขแล้ว"),
    )
    return done or _form_page(
        request, form, title=_("แก้ไขข้อเสนอเชิงนโยบาย"), back=proposal.get_absolute_url()
    )


# ------------------------------------------------------------------------------ attachments


def _upload(request: HttpRequest, parent: Meeting | Charter | PolicyProposal) -> HttpResponse:
    submit_form(
        request,
        forms.AttachmentForm(request.POST, request.FILES),
        lambda data: services.attachment_add(
            actor=request.user, parent=parent, upload=data["file"], title=data["title"]
        ),
        done=_("แนบไฟล์แล้ว"),
        invalid=_("กรุณาเลือกไฟล์"),
    )
    return redirect(parent.get_absolute_url() + "#attachments")


@login_required
@require_POST
def meeting_attach(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, _meeting(request, pk, run=True))


@login_required
@require_POST
def charter_attach(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, _charter(request, pk, run=True))


@login_required
@require_POST
def proposal_attach(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, _proposal(request, pk, run=True))


def _visible_attachment(request: HttpRequest, pk: int, *, run: bool = False) -> Attachment:
    attachment = get_or_404(Attachment.objects.all(), pk=pk)
    if attachment.meeting_id:
        _meeting(request, attachment.meeting_id, run=run)
    elif attachment.charter_id:
        _charter(request, attachment.charter_id, run=run)
    else:
        _proposal(request, attachment.proposal_id or 0, run=run)
    return attachment


def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Always a download with the type decided on upload, never shown inline."""
    attachment = _visible_attachment(request, pk)
    return files.download(attachment)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible_attachment(request, pk, run=True)
    parent = attachment.parent
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("ลบไฟล์แนบแล้ว"))
    return redirect(parent.get_absolute_url() + "#attachments")
