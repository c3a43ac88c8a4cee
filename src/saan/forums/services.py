"""Every write to the central space: keyword-only, atomic, permission-checked, validated with
``full_clean`` (plus the rules a database cannot express), and audited in the same transaction.

Who may do what is in ``queries`` (``can_run``, ``can_run_area_item``, ``can_create_in_area``,
``can_report_progress``). A refusal raises ``PermissionDenied``; views fetch through the read
filters first, so a person who may not even see the object gets a 404 before reaching here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.audit.services import label_for, record, snapshot
from saan.core.thai import fiscal_year
from saan.forums import files, queries
from saan.forums.models import (
    CLOSED_STATUSES,
    AgendaGoal,
    AgendaItem,
    AgendaKind,
    Attachment,
    Attendance,
    Charter,
    CharterCommitment,
    CharterSignatory,
    CharterVersion,
    CommitmentStatus,
    CommonAgenda,
    GoalIndicator,
    Mechanism,
    MechanismMember,
    Meeting,
    MeetingStatus,
    MemberRole,
    PolicyProposal,
    ProposalStatus,
    Resolution,
    ResolutionProgress,
    ResolutionStatus,
    bangkok_today,
)
from saan.partners.models import Organisation

MECHANISM_FIELDS = ("area", "kind", "name", "description", "is_public", "term_start", "term_end")
MEMBER_FIELDS = ("person_name", "user", "organisation", "sector", "role", "position", "email",
                 "term_start", "term_end")  # fmt: skip
MEETING_FIELDS = ("number", "title", "starts_at", "ends_at", "place", "status", "minutes")
AGENDA_ITEM_FIELDS = ("order", "title", "kind", "detail", "raised_by", "resolution")
ATTENDANCE_FIELDS = ("member", "guest_name", "organisation", "sector", "headcount")
RESOLUTION_FIELDS = ("order", "text", "owner", "due_date", "fiscal_year", "status", "closed_on")
AGENDA_FIELDS = ("area", "fiscal_year", "vision", "description", "mechanism", "adopted_on",
                 "is_public")  # fmt: skip
GOAL_FIELDS = ("order", "theme", "title", "description")
CHARTER_FIELDS = ("area", "title", "kind", "vision", "mechanism", "is_public")
PROPOSAL_FIELDS = ("title", "text", "addressed_to", "resolution", "submitted_on", "status",
                   "response", "responded_on")  # fmt: skip


# --------------------------------------------------------------------------------- helpers


def _check_fields(changes: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _locked(model: type[models.Model], pk: Any) -> Any:
    return model._default_manager.select_for_update().get(pk=pk)


def _must_run(actor: Any, mechanism: Mechanism) -> None:
    if not queries.can_run(actor, mechanism):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขข้อมูลของกลไกนี้"))


def _must_run_item(actor: Any, item: CommonAgenda | Charter) -> None:
    if not queries.can_run_area_item(actor, item):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขข้อมูลนี้"))


def _update(
    *,
    actor: Any,
    obj: Any,
    changes: dict[str, Any],
    fields: tuple[str, ...],
    action: str,
    area_code: str,
    extra_before: dict[str, Any] | None = None,
    extra_after: dict[str, Any] | None = None,
) -> bool:
    """Apply ``changes``, validate, and save and audit when something changed."""
    before = {**snapshot(obj, fields), **(extra_before or {})}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    after = {**snapshot(obj, fields), **(extra_after or {})}
    if after == before:
        return False
    obj.save()
    record(actor=actor, action=action, target=obj, before=before, after=after, area_code=area_code)
    return True


def _next_order(qs: models.QuerySet[Any]) -> int:
    return int(qs.aggregate(m=Max("order"))["m"] or 0) + 1


def _inside(area: Area, code: str) -> bool:
    return area.code.startswith(code)


# ------------------------------------------------------------------------------ mechanisms


@transaction.atomic
def mechanism_create(
    *,
    actor: Any,
    area: Area,
    kind: str,
    name: str,
    description: str = "",
    is_public: bool = True,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
) -> Mechanism:
    if not queries.can_create_in_area(actor, area.code):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานพื้นที่เท่านั้นที่ตั้งกลไกใหม่ได้"))
    mechanism = Mechanism(
        area=area,
        kind=kind,
        name=name.strip(),
        description=description,
        is_public=is_public,
        term_start=term_start,
        term_end=term_end,
    )
    mechanism.full_clean()
    mechanism.save()
    record(
        actor=actor,
        action="mechanism.create",
        target=mechanism,
        after=snapshot(mechanism, MECHANISM_FIELDS),
        area_code=area.code,
    )
    return mechanism


@transaction.atomic
def mechanism_update(*, actor: Any, mechanism: Mechanism, **changes: Any) -> Mechanism:
    _check_fields(changes, [f for f in MECHANISM_FIELDS if f != "area"])
    current = _locked(Mechanism, mechanism.pk)
    _must_run(actor, current)
    _update(
        actor=actor,
        obj=current,
        changes=changes,
        fields=MECHANISM_FIELDS,
        action="mechanism.update",
        area_code=current.area_id,
    )
    return current


@transaction.atomic
def member_add(
    *,
    actor: Any,
    mechanism: Mechanism,
    person_name: str,
    organisation: Organisation | None = None,
    sector: str = "",
    role: str = MemberRole.MEMBER,
    position: str = "",
    email: str = "",
    user: Any = None,
    term_start: dt.date | None = None,
) -> MechanismMember:
    """Seat a person on a mechanism. The sector defaults to the organisation's."""
    _must_run(actor, mechanism)
    if not sector and organisation is not None:
        sector = organisation.sector
    member = MechanismMember(
        mechanism=mechanism,
        person_name=person_name.strip(),
        organisation=organisation,
        sector=sector,
        role=role,
        position=position,
        email=email.strip(),
        user=user,
        term_start=term_start or bangkok_today(),
    )
    member.full_clean(validate_constraints=False)
    if (
        user is not None
        and queries.active_members().filter(mechanism=mechanism, user=user).exists()
    ):
        raise ValidationError({"user": _("บัญชีผู้ใช้นี้เป็นสมาชิกของกลไกนี้อยู่แล้ว")})
    member.save()
    queries.forget(user)
    record(
        actor=actor,
        action="mechanism.member_add",
        target=member,
        after=snapshot(member, MEMBER_FIELDS),
        area_code=mechanism.area_id,
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: MechanismMember, **changes: Any) -> MechanismMember:
    _check_fields(changes, [f for f in MEMBER_FIELDS if f not in ("term_end",)])
    current = _locked(MechanismMember, member.pk)
    _must_run(actor, current.mechanism)
    _update(
        actor=actor,
        obj=current,
        changes=changes,
        fields=MEMBER_FIELDS,
        action="mechanism.member_update",
        area_code=current.mechanism.area_id,
    )
    queries.forget(current.user)
    return current


@transaction.atomic
def member_end(
    *, actor: Any, member: MechanismMember, term_end: dt.date | None = None
) -> MechanismMember:
    """A member leaves: the seat gets an end date and is never deleted, so the meetings they
    attended and the items they raised keep their name."""
    current = _locked(MechanismMember, member.pk)
    _must_run(actor, current.mechanism)
    if current.term_end is not None:
        raise ValidationError(_("สมาชิกผู้นี้พ้นจากตำแหน่งแล้ว"))
    end = term_end or bangkok_today()
    if end < current.term_start:
        raise ValidationError({"term_end": _("วันพ้นจากสมาชิกต้องไม่ก่อนวันเริ่ม")})
    _update(
        actor=actor,
        obj=current,
        changes={"term_end": end},
        fields=MEMBER_FIELDS,
        action="mechanism.member_end",
        area_code=current.mechanism.area_id,
    )
    queries.forget(current.user)
    return current


# -------------------------------------------------------------------------------- meetings


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    mechanism: Mechanism,
    starts_at: dt.datetime,
    number: str = "",
    title: str = "",
    ends_at: dt.datetime | None = None,
    place: str = "",
    status: str = MeetingStatus.PLANNED,
    minutes: str = "",
    carry: bool = True,
) -> Meeting:
    """Record a meeting. A planned one gets the mechanism's open resolutions on its agenda at
    once (``carry``), so nothing unfinished is forgotten."""
    _must_run(actor, mechanism)
    meeting = Meeting(
        mechanism=mechanism,
        number=number.strip(),
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        status=status,
        minutes=minutes,
    )
    meeting.full_clean()
    meeting.save()
    record(
        actor=actor,
        action="meeting.create",
        target=meeting,
        after=snapshot(meeting, MEETING_FIELDS),
        area_code=mechanism.area_id,
    )
    if carry and status == MeetingStatus.PLANNED:
        _carry(actor, meeting)
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, **changes: Any) -> Meeting:
    _check_fields(changes, MEETING_FIELDS)
    current = _locked(Meeting, meeting.pk)
    _must_run(actor, current.mechanism)
    _update(
        actor=actor,
        obj=current,
        changes=changes,
        fields=MEETING_FIELDS,
        action="meeting.update",
        area_code=current.mechanism.area_id,
    )
    return current


@transaction.atomic
def agenda_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    kind: str = AgendaKind.MEMBER,
    detail: str = "",
    raised_by: MechanismMember | None = None,
    order: int | None = None,
) -> AgendaItem:
    """A member's item or any other item. Carried items come from ``agenda_carry_forward`` and
    the area picture from ``agenda_snapshot``."""
    _must_run(actor, meeting.mechanism)
    if kind in (AgendaKind.CARRIED, AgendaKind.AREA_PICTURE):
        raise ValidationError({"kind": _("วาระประเภทนี้ระบบสร้างให้ ใช้ปุ่มที่หน้าการประชุม")})
    if raised_by is not None and raised_by.mechanism_id != meeting.mechanism_id:
        raise ValidationError({"raised_by": _("ผู้เสนอต้องเป็นสมาชิกของกลไกนี้")})
    item = AgendaItem(
        meeting=meeting,
        title=title.strip(),
        kind=kind,
        detail=detail,
        raised_by=raised_by,
        order=order or _next_order(meeting.agenda_items.all()),
    )
    item.full_clean()
    item.save()
    record(
        actor=actor,
        action="meeting.agenda_add",
        target=meeting,
        after={"agenda_item": item.pk, **snapshot(item, AGENDA_ITEM_FIELDS)},
        area_code=meeting.mechanism.area_id,
    )
    return item


def _remove_meeting_row(
    actor: Any, row: AgendaItem | Attendance, *, action: str, key: str, fields: tuple[str, ...]
) -> None:
    """Delete one agenda item or attendance row of a meeting, audited on the meeting."""
    meeting = row.meeting
    _must_run(actor, meeting.mechanism)
    record(
        actor=actor,
        action=action,
        target=meeting,
        before={key: row.pk, **snapshot(row, fields)},
        area_code=meeting.mechanism.area_id,
    )
    row.delete()


@transaction.atomic
def agenda_item_remove(*, actor: Any, item: AgendaItem) -> None:
    _remove_meeting_row(
        actor, item, action="meeting.agenda_remove", key="agenda_item", fields=AGENDA_ITEM_FIELDS
    )


def _carry(actor: Any, meeting: Meeting) -> list[AgendaItem]:
    todo = list(queries.carryable(meeting))
    if not todo:
        return []
    order = _next_order(meeting.agenda_items.all())
    items = []
    for offset, resolution in enumerate(todo):
        item = AgendaItem(
            meeting=meeting,
            order=order + offset,
            kind=AgendaKind.CARRIED,
            resolution=resolution,
            title=_("ติดตามมติ: %(text)s") % {"text": str(resolution)},
        )
        item.full_clean(validate_constraints=False)
        items.append(item)
    AgendaItem.objects.bulk_create(items)
    record(
        actor=actor,
        action="meeting.carry_forward",
        target=meeting,
        after={"carried_resolutions": [r.pk for r in todo]},
        area_code=meeting.mechanism.area_id,
    )
    return items


@transaction.atomic
def agenda_carry_forward(*, actor: Any, meeting: Meeting) -> list[AgendaItem]:
    """Put every open or in-progress resolution of the mechanism that is not yet on this
    meeting's agenda onto it, as a carried item. Running it again adds nothing."""
    current = _locked(Meeting, meeting.pk)
    _must_run(actor, current.mechanism)
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(_("นำมติเข้าวาระได้เฉพาะการประชุมที่ยังไม่ได้จัด"))
    return _carry(actor, current)


@transaction.atomic
def agenda_snapshot(*, actor: Any, meeting: Meeting) -> AgendaItem:
    """Keep the area's current picture on the agenda (one per meeting; taking it again
    refreshes it until the meeting is held)."""
    current = _locked(Meeting, meeting.pk)
    _must_run(actor, current.mechanism)
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(_("เตรียมข้อมูลพื้นที่ได้เฉพาะการประชุมที่ยังไม่ได้จัด"))
    picture = queries.area_picture(current.mechanism.area_id)
    item = current.agenda_items.filter(kind=AgendaKind.AREA_PICTURE).first()
    before = item.snapshot if item else None
    if item is None:
        item = AgendaItem(
            meeting=current,
            kind=AgendaKind.AREA_PICTURE,
            order=_next_order(current.agenda_items.all()),
            title=_("ภาพรวมข้อมูลพื้นที่ %(area)s") % {"area": current.mechanism.area.full_name},
        )
    item.snapshot = picture
    item.full_clean()
    item.save()
    record(
        actor=actor,
        action="meeting.area_picture",
        target=current,
        before={"snapshot": before},
        after={"snapshot": picture},
        area_code=current.mechanism.area_id,
    )
    return item


@transaction.atomic
def attendance_add(
    *,
    actor: Any,
    meeting: Meeting,
    member: MechanismMember | None = None,
    guest_name: str = "",
    organisation: Organisation | None = None,
    sector: str = "",
    headcount: int = 1,
) -> Attendance:
    """Record who came: a member (organisation and sector from their seat), a named guest, or a
    group of ``headcount`` people from one sector."""
    _must_run(actor, meeting.mechanism)
    if member is not None:
        if member.mechanism_id != meeting.mechanism_id:
            raise ValidationError({"member": _("ผู้เข้าร่วมต้องเป็นสมาชิกของกลไกนี้")})
        if meeting.attendance.filter(member=member).exists():
            raise ValidationError({"member": _("บันทึกการเข้าร่วมของสมาชิกผู้นี้แล้ว")})
        organisation = organisation or member.organisation
        sector = sector or member.sector
        headcount = 1
    elif not sector and organisation is not None:
        sector = organisation.sector
    row = Attendance(
        meeting=meeting,
        member=member,
        guest_name=guest_name.strip(),
        organisation=organisation,
        sector=sector,
        headcount=headcount,
    )
    row.full_clean()
    if member is None and not row.guest_name:
        raise ValidationError({"guest_name": _("กรุณาเลือกสมาชิกหรือใส่ชื่อผู้เข้าร่วม")})
    row.save()
    record(
        actor=actor,
        action="meeting.attendance_add",
        target=meeting,
        after={"attendance": row.pk, **snapshot(row, ATTENDANCE_FIELDS)},
        area_code=meeting.mechanism.area_id,
    )
    return row


@transaction.atomic
def attendance_remove(*, actor: Any, attendance: Attendance) -> None:
    _remove_meeting_row(
        actor,
        attendance,
        action="meeting.attendance_remove",
        key="attendance",
        fields=ATTENDANCE_FIELDS,
    )


# ----------------------------------------------------------------------------- resolutions


def _links_snapshot(resolution: Resolution) -> dict[str, Any]:
    return {
        "projects": sorted(resolution.projects.values_list("pk", flat=True)),
        "indicators": sorted(resolution.indicators.values_list("pk", flat=True)),
    }


def _check_links(
    actor: Any, projects: Iterable[Any] | None, indicators: Iterable[Any] | None
) -> None:
    from saan.projects.queries import visible_to

    if projects:
        ids = {p.pk for p in projects}
        if ids - set(visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True)):
            raise ValidationError({"projects": _("ไม่พบโครงการที่เลือก หรือคุณไม่มีสิทธิ์เห็นโครงการนั้น")})
    if indicators:
        from saan.indicators.models import Indicator

        ids = {i.pk for i in indicators}
        if len(ids) != Indicator.objects.filter(pk__in=ids).count():
            raise ValidationError({"indicators": _("ไม่พบตัวชี้วัดที่เลือก")})


def _set_derived(
    resolution: Resolution, previous_status: str | None, *, day: dt.date | None = None
) -> None:
    """Keep the fiscal year of the due date, and the day the resolution was closed (``day``,
    else today) while it is done or dropped."""
    resolution.fiscal_year = fiscal_year(resolution.due_date) if resolution.due_date else None
    if resolution.status in CLOSED_STATUSES and (
        previous_status not in CLOSED_STATUSES or resolution.closed_on is None
    ):
        resolution.closed_on = day or bangkok_today()
    elif resolution.status not in CLOSED_STATUSES:
        resolution.closed_on = None


def _check_followable(resolution: Resolution) -> None:
    if resolution.status != ResolutionStatus.DRAFT and resolution.is_flagged:
        raise ValidationError(
            {
                "status": _(
                    "มติที่ยังไม่มีหน่วยงานรับผิดชอบหรือกำหนดเสร็จ บันทึกได้เฉพาะเป็นร่าง กรุณาระบุให้ครบเพื่อเริ่มติดตาม"
                )
            }
        )


@transaction.atomic
def resolution_create(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    owner: Organisation | None = None,
    due_date: dt.date | None = None,
    status: str = ResolutionStatus.OPEN,
    order: int | None = None,
    projects: Iterable[Any] | None = None,
    indicators: Iterable[Any] | None = None,
) -> Resolution:
    """A resolution of a meeting. Without an owner or a due date it may only be a draft."""
    _must_run(actor, meeting.mechanism)
    projects = list(projects or [])
    indicators = list(indicators or [])
    resolution = Resolution(
        meeting=meeting,
        text=text.strip(),
        owner=owner,
        due_date=due_date,
        status=status,
        order=order or _next_order(meeting.resolutions.all()),
    )
    _set_derived(resolution, None)
    _check_followable(resolution)
    resolution.full_clean()
    _check_links(actor, projects, indicators)
    resolution.save()
    resolution.projects.set(projects)
    resolution.indicators.set(indicators)
    record(
        actor=actor,
        action="resolution.create",
        target=resolution,
        after={**snapshot(resolution, RESOLUTION_FIELDS), **_links_snapshot(resolution)},
        area_code=meeting.mechanism.area_id,
    )
    return resolution


@transaction.atomic
def resolution_update(
    *,
    actor: Any,
    resolution: Resolution,
    projects: Iterable[Any] | None = None,
    indicators: Iterable[Any] | None = None,
    **changes: Any,
) -> Resolution:
    """Change a resolution (its text, owner, due date, status, links). Projects and indicators,
    when given, replace the links."""
    _check_fields(changes, ("order", "text", "owner", "due_date", "status"))
    current = _locked(Resolution, resolution.pk)
    mechanism = current.meeting.mechanism
    _must_run(actor, mechanism)
    before = {**snapshot(current, RESOLUTION_FIELDS), **_links_snapshot(current)}
    previous = current.status
    for name, value in changes.items():
        setattr(current, name, value)
    _set_derived(current, previous)
    _check_followable(current)
    current.full_clean()
    if projects is not None or indicators is not None:
        _check_links(actor, projects, indicators)
    current.save()
    if projects is not None:
        current.projects.set(list(projects))
    if indicators is not None:
        current.indicators.set(list(indicators))
    after = {**snapshot(current, RESOLUTION_FIELDS), **_links_snapshot(current)}
    if after != before:
        record(
            actor=actor,
            action="resolution.update",
            target=current,
            before=before,
            after=after,
            area_code=mechanism.area_id,
        )
    return current


@transaction.atomic
def progress_report(
    *,
    actor: Any,
    resolution: Resolution,
    text: str,
    new_status: str = "",
    reported_on: dt.date | None = None,
) -> ResolutionProgress:
    """Report what has been done on a resolution, optionally moving its status on (to open,
    in progress, done or dropped). The owner organisation's people and the mechanism's runners
    may report."""
    current = _locked(Resolution, resolution.pk)
    if not queries.can_report_progress(actor, current):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์รายงานความคืบหน้าของมตินี้"))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("กรุณาเขียนความคืบหน้า")})
    if new_status == ResolutionStatus.DRAFT or (
        new_status and new_status not in ResolutionStatus.values
    ):
        raise ValidationError({"new_status": _("สถานะใหม่ไม่ถูกต้อง")})
    if current.status == ResolutionStatus.DRAFT and new_status:
        raise ValidationError({"new_status": _("มตินี้ยังเป็นร่าง ต้องระบุหน่วยงานรับผิดชอบและกำหนดเสร็จก่อน")})
    orgs = queries.reporting_organisations(actor, current)
    progress = ResolutionProgress(
        resolution=current,
        text=text,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        reported_by_label=label_for(actor),
        organisation_id=orgs[0] if orgs else None,
        reported_on=reported_on or bangkok_today(),
        new_status=new_status if new_status != current.status else "",
    )
    progress.full_clean()
    progress.save()
    before = snapshot(current, RESOLUTION_FIELDS)
    if progress.new_status:
        previous = current.status
        current.status = progress.new_status
        _set_derived(current, previous, day=progress.reported_on)
        current.full_clean()
        current.save()
    record(
        actor=actor,
        action="resolution.progress",
        target=current,
        before=before,
        after={**snapshot(current, RESOLUTION_FIELDS), "progress": progress.text},
        area_code=current.meeting.mechanism.area_id,
    )
    return progress


# ------------------------------------------------------------------------- common agendas


def _check_mechanism_in_area(mechanism: Mechanism | None, area: Area) -> None:
    if mechanism is not None and not (
        _inside(mechanism.area, area.code) or area.code.startswith(mechanism.area_id)
    ):
        raise ValidationError({"mechanism": _("กลไกต้องอยู่ในพื้นที่เดียวกัน")})


@transaction.atomic
def agenda_create(
    *,
    actor: Any,
    area: Area,
    fiscal_year: int,
    vision: str,
    description: str = "",
    mechanism: Mechanism | None = None,
    adopted_on: dt.date | None = None,
    is_public: bool = True,
) -> CommonAgenda:
    if not queries.can_create_in_area(actor, area.code):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานพื้นที่เท่านั้นที่ตั้งวาระร่วมได้"))
    _check_mechanism_in_area(mechanism, area)
    agenda = CommonAgenda(
        area=area,
        fiscal_year=fiscal_year,
        vision=vision.strip(),
        description=description,
        mechanism=mechanism,
        adopted_on=adopted_on,
        is_public=is_public,
    )
    agenda.full_clean()
    agenda.save()
    record(
        actor=actor,
        action="commonagenda.create",
        target=agenda,
        after=snapshot(agenda, AGENDA_FIELDS),
        area_code=area.code,
    )
    return agenda


@transaction.atomic
def agenda_update(*, actor: Any, agenda: CommonAgenda, **changes: Any) -> CommonAgenda:
    _check_fields(changes, [f for f in AGENDA_FIELDS if f != "area"])
    current = _locked(CommonAgenda, agenda.pk)
    _must_run_item(actor, current)
    _check_mechanism_in_area(changes.get("mechanism", current.mechanism), current.area)
    _update(
        actor=actor,
        obj=current,
        changes=changes,
        fields=AGENDA_FIELDS,
        action="commonagenda.update",
        area_code=current.area_id,
    )
    return current


def _goal_snapshot(goal: AgendaGoal) -> dict[str, Any]:
    return {
        **snapshot(goal, GOAL_FIELDS),
        "organisations": sorted(goal.organisations.values_list("pk", flat=True)),
        "targets": sorted(
            [i, None if t is None else str(t)]
            for i, t in goal.targets.values_list("indicator_id", "target")
        ),
    }


def _write_goal(
    goal: AgendaGoal,
    organisations: Iterable[Organisation] | None,
    targets: Iterable[tuple[Any, Decimal | None]] | None,
) -> None:
    if organisations is not None:
        goal.organisations.set(list(organisations))
    if targets is not None:
        pairs = list(targets)
        ids = [ind.pk for ind, _t in pairs]
        if len(set(ids)) != len(ids):
            raise ValidationError({"targets": _("ตัวชี้วัดซ้ำกัน")})
        GoalIndicator.objects.filter(goal=goal).delete()
        GoalIndicator.objects.bulk_create(
            [GoalIndicator(goal=goal, indicator=ind, target=t) for ind, t in pairs]
        )


@transaction.atomic
def goal_add(
    *,
    actor: Any,
    agenda: CommonAgenda,
    title: str,
    theme: Any = None,
    description: str = "",
    organisations: Iterable[Organisation] | None = None,
    targets: Iterable[tuple[Any, Decimal | None]] | None = None,
    order: int | None = None,
) -> AgendaGoal:
    """A goal on a theme, with (indicator, target) pairs and committed organisations."""
    _must_run_item(actor, agenda)
    goal = AgendaGoal(
        agenda=agenda,
        title=title.strip(),
        theme=theme,
        description=description,
        order=order or _next_order(agenda.goals.all()),
    )
    goal.full_clean()
    goal.save()
    _write_goal(goal, organisations, targets)
    record(
        actor=actor,
        action="commonagenda.goal_add",
        target=agenda,
        after={"goal": goal.pk, **_goal_snapshot(goal)},
        area_code=agenda.area_id,
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: Any,
    goal: AgendaGoal,
    organisations: Iterable[Organisation] | None = None,
    targets: Iterable[tuple[Any, Decimal | None]] | None = None,
    **changes: Any,
) -> AgendaGoal:
    _check_fields(changes, GOAL_FIELDS)
    current = _locked(AgendaGoal, goal.pk)
    _must_run_item(actor, current.agenda)
    before = _goal_snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    _write_goal(current, organisations, targets)
    after = _goal_snapshot(current)
    if after != before:
        record(
            actor=actor,
            action="commonagenda.goal_update",
            target=current.agenda,
            before={"goal": current.pk, **before},
            after={"goal": current.pk, **after},
            area_code=current.agenda.area_id,
        )
    return current


# -------------------------------------------------------------------------------- charters


def _version_snapshot(version: CharterVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "text": version.text,
        "change_note": version.change_note,
        "signed_on": version.signed_on.isoformat() if version.signed_on else None,
    }


@transaction.atomic
def charter_create(
    *,
    actor: Any,
    area: Area,
    title: str,
    kind: str,
    text: str,
    vision: str = "",
    mechanism: Mechanism | None = None,
    is_public: bool = True,
) -> Charter:
    """A charter and its first (unsigned) version."""
    if not queries.can_create_in_area(actor, area.code):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานพื้นที่เท่านั้นที่เริ่มธรรมนูญใหม่ได้"))
    _check_mechanism_in_area(mechanism, area)
    charter = Charter(
        area=area,
        title=title.strip(),
        kind=kind,
        vision=vision.strip(),
        mechanism=mechanism,
        is_public=is_public,
    )
    charter.full_clean()
    charter.save()
    version = CharterVersion(charter=charter, number=1, text=text.strip())
    version.full_clean()
    version.save()
    record(
        actor=actor,
        action="charter.create",
        target=charter,
        after={**snapshot(charter, CHARTER_FIELDS), **_version_snapshot(version)},
        area_code=area.code,
    )
    return charter


@transaction.atomic
def charter_update(*, actor: Any, charter: Charter, **changes: Any) -> Charter:
    """Change a charter's title, kind, vision, mechanism or whether it is public (its text
    changes through ``charter_edit_text``)."""
    _check_fields(changes, [f for f in CHARTER_FIELDS if f != "area"])
    current = _locked(Charter, charter.pk)
    _must_run_item(actor, current)
    _check_mechanism_in_area(changes.get("mechanism", current.mechanism), current.area)
    _update(
        actor=actor,
        obj=current,
        changes=changes,
        fields=CHARTER_FIELDS,
        action="charter.update",
        area_code=current.area_id,
    )
    return current


@transaction.atomic
def charter_edit_text(
    *, actor: Any, charter: Charter, text: str, change_note: str = ""
) -> CharterVersion:
    """Change a charter's text. An unsigned latest version is edited in place; a signed one is
    never rewritten: the change becomes the next version (unsigned, with the commitments
    carried over for the parties to confirm)."""
    current = _locked(Charter, charter.pk)
    _must_run_item(actor, current)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("กรุณาใส่เนื้อหาธรรมนูญ")})
    latest = current.latest_version()
    if latest is not None and not latest.is_signed:
        before = _version_snapshot(latest)
        latest.text = text
        latest.change_note = change_note.strip()
        latest.full_clean()
        if _version_snapshot(latest) != before:
            latest.save()
            record(
                actor=actor,
                action="charter.edit_text",
                target=current,
                before=before,
                after=_version_snapshot(latest),
                area_code=current.area_id,
            )
        return latest
    if latest is not None and latest.text == text:
        return latest
    version = CharterVersion(
        charter=current,
        number=(latest.number + 1) if latest else 1,
        text=text,
        change_note=change_note.strip(),
    )
    version.full_clean()
    version.save()
    if latest is not None:
        CharterCommitment.objects.bulk_create(
            [
                CharterCommitment(
                    version=version,
                    order=c.order,
                    text=c.text,
                    owner_id=c.owner_id,
                    indicator_id=c.indicator_id,
                    status=c.status,
                )
                for c in latest.commitments.all()
            ]
        )
    record(
        actor=actor,
        action="charter.new_version",
        target=current,
        before=_version_snapshot(latest) if latest else None,
        after=_version_snapshot(version),
        area_code=current.area_id,
    )
    return version


@transaction.atomic
def charter_sign(
    *,
    actor: Any,
    charter: Charter,
    organisation: Organisation,
    signed_on: dt.date,
    signer_name: str = "",
) -> CharterSignatory:
    """An organisation signs the charter's latest version; the first signature dates it."""
    current = _locked(Charter, charter.pk)
    _must_run_item(actor, current)
    version = current.latest_version()
    if version is None:
        raise ValidationError(_("ธรรมนูญนี้ยังไม่มีเนื้อหา"))
    if version.signatories.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("องค์กรนี้ลงนามฉบับนี้แล้ว")})
    signatory = CharterSignatory(
        version=version, organisation=organisation, signed_on=signed_on, signer_name=signer_name
    )
    signatory.full_clean()
    signatory.save()
    before = _version_snapshot(version)
    if version.signed_on is None or signed_on < version.signed_on:
        version.signed_on = signed_on
        version.save(update_fields=["signed_on"])
    record(
        actor=actor,
        action="charter.sign",
        target=current,
        before=before,
        after={**_version_snapshot(version), "signatory": organisation.pk},
        area_code=current.area_id,
    )
    return signatory


@transaction.atomic
def commitment_add(
    *,
    actor: Any,
    charter: Charter,
    text: str,
    owner: Organisation | None = None,
    indicator: Any = None,
    status: str = CommitmentStatus.PLANNED,
) -> CharterCommitment:
    """A commitment in the charter's latest version, which must not be signed yet: what the
    parties signed does not change under them."""
    current = _locked(Charter, charter.pk)
    _must_run_item(actor, current)
    version = current.latest_version()
    if version is None or version.is_signed:
        raise ValidationError(_("ฉบับล่าสุดลงนามแล้ว แก้ไขเนื้อหาเพื่อสร้างฉบับใหม่ก่อนเพิ่มข้อตกลง"))
    commitment = CharterCommitment(
        version=version,
        text=text.strip(),
        owner=owner,
        indicator=indicator,
        status=status,
        order=_next_order(version.commitments.all()),
    )
    commitment.full_clean()
    commitment.save()
    record(
        actor=actor,
        action="charter.commitment_add",
        target=current,
        after={"commitment": commitment.pk, "text": commitment.text, "version": version.number},
        area_code=current.area_id,
    )
    return commitment


@transaction.atomic
def commitment_set_status(
    *, actor: Any, commitment: CharterCommitment, status: str
) -> CharterCommitment:
    """Where a commitment stands: follow-up, not a change of what was signed."""
    current = _locked(CharterCommitment, commitment.pk)
    charter = current.version.charter
    _must_run_item(actor, charter)
    before = current.status
    current.status = status
    current.full_clean()
    if before != status:
        current.save(update_fields=["status"])
        record(
            actor=actor,
            action="charter.commitment_status",
            target=charter,
            before={"commitment": current.pk, "status": before},
            after={"commitment": current.pk, "status": status},
            area_code=charter.area_id,
        )
    return current


# ------------------------------------------------------------------------ policy proposals


def _check_proposal(proposal: PolicyProposal) -> None:
    if proposal.status != ProposalStatus.DRAFT and proposal.submitted_on is None:
        raise ValidationError({"submitted_on": _("กรุณาระบุวันที่ยื่นข้อเสนอ")})
    resolution = proposal.resolution
    if resolution is not None and resolution.meeting.mechanism_id != proposal.mechanism_id:
        raise ValidationError({"resolution": _("มติต้องเป็นของกลไกเดียวกัน")})


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    mechanism: Mechanism,
    title: str,
    text: str,
    addressed_to: str,
    resolution: Resolution | None = None,
    status: str = ProposalStatus.DRAFT,
    submitted_on: dt.date | None = None,
) -> PolicyProposal:
    _must_run(actor, mechanism)
    proposal = PolicyProposal(
        mechanism=mechanism,
        title=title.strip(),
        text=text.strip(),
        addressed_to=addressed_to.strip(),
        resolution=resolution,
        status=status,
        submitted_on=submitted_on,
    )
    _check_proposal(proposal)
    proposal.full_clean()
    proposal.save()
    record(
        actor=actor,
        action="proposal.create",
        target=proposal,
        after=snapshot(proposal, PROPOSAL_FIELDS),
        area_code=mechanism.area_id,
    )
    return proposal


@transaction.atomic
def proposal_update(*, actor: Any, proposal: PolicyProposal, **changes: Any) -> PolicyProposal:
    _check_fields(changes, PROPOSAL_FIELDS)
    current = _locked(PolicyProposal, proposal.pk)
    _must_run(actor, current.mechanism)
    before = snapshot(current, PROPOSAL_FIELDS)
    for name, value in changes.items():
        setattr(current, name, value)
    _check_proposal(current)
    current.full_clean()
    after = snapshot(current, PROPOSAL_FIELDS)
    if after != before:
        current.save()
        record(
            actor=actor,
            action="proposal.update",
            target=current,
            before=before,
            after=after,
            area_code=current.mechanism.area_id,
        )
    return current


# ------------------------------------------------------------------------------ attachments


def _attachment_parent(parent: Meeting | Charter | PolicyProposal) -> tuple[dict[str, Any], str]:
    if isinstance(parent, Meeting):
        return {"meeting": parent}, parent.mechanism.area_id
    if isinstance(parent, PolicyProposal):
        return {"proposal": parent}, parent.mechanism.area_id
    return {"charter": parent}, parent.area_id


def _must_run_parent(actor: Any, parent: Meeting | Charter | PolicyProposal) -> None:
    if isinstance(parent, Charter):
        _must_run_item(actor, parent)
    else:
        _must_run(actor, parent.mechanism)


@transaction.atomic
def attachment_add(
    *, actor: Any, parent: Meeting | Charter | PolicyProposal, upload: Any, title: str = ""
) -> Attachment:
    """Attach a file after ``files.check_upload`` accepts it (size, extension and content)."""
    _must_run_parent(actor, parent)
    kind, size, data = files.check_upload(upload)
    link, area_code = _attachment_parent(parent)
    name = str(getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    attachment = Attachment(
        **link,
        filename=name[:200],
        title=title.strip()[:300],
        kind=kind,
        size=size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    record(
        actor=actor,
        action="attachment.add",
        target=parent,
        after={
            "attachment": attachment.pk,
            "filename": attachment.filename,
            "size": size,
            "kind": kind,
        },
        area_code=area_code,
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    parent = attachment.parent
    _must_run_parent(actor, parent)
    _link, area_code = _attachment_parent(parent)
    record(
        actor=actor,
        action="attachment.remove",
        target=parent,
        before={"attachment": attachment.pk, "filename": attachment.filename},
        area_code=area_code,
    )
    stored = attachment.file.name or ""
    storage = attachment.file.storage
    attachment.delete()
    # The file goes only once the row's removal is committed.
    transaction.on_commit(lambda: storage.delete(stored))
