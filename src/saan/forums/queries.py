"""Who may read and run the central space, and the reads its pages, API and reminders share.

The rules, built on the grants of ``saan.partners.permissions``:

- **Read.** Anyone, signed in or not, reads what is public: a public mechanism with its members,
  meetings, resolutions (not drafts) and proposals (not drafts); a public common agenda or
  charter. A signed-in person whose grant *reaches* the area (covers it, or lies inside it, as a
  subdistrict volunteer lies inside the province) reads everything there, drafts included, and
  so do the mechanism's own members.
- **Run** (every write): administrators; coordinators of the area (``coordinates``); active
  members of the mechanism who have a sign-in. A common agenda or charter is run by the
  coordinators of its area and by the active members of the mechanism named on it.
- **Report progress** on a resolution: whoever runs its mechanism, and the owner organisation's
  editors and coordinators whose grant reaches the area.

Pages and the API fetch through these filters with ``core.pages.get_or_404``: what you may not
read answers 404, the same as what does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from saan.forums.models import (
    CLOSED_STATUSES,
    AgendaGoal,
    AgendaItem,
    Charter,
    CommonAgenda,
    Mechanism,
    MechanismMember,
    Meeting,
    MeetingStatus,
    PolicyProposal,
    ProposalStatus,
    Resolution,
    ResolutionStatus,
    bangkok_today,
)
from saan.partners import permissions
from saan.partners.models import Role, Sector

DUE_SOON_DAYS = 7


def _everything() -> Q:
    return ~Q(pk__in=[])


def _nothing() -> Q:
    return Q(pk__in=[])


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (2, 4) if n < len(code)]


def reaches(grant_code: str, area_code: str) -> bool:
    """A grant reaches an area when one contains the other ("" is the whole country)."""
    return area_code.startswith(grant_code) or grant_code.startswith(area_code)


def _reach_q(field: str, grant_code: str) -> Q:
    if grant_code == "":
        return _everything()
    q = Q(**{f"{field}__startswith": grant_code})
    if _ancestors(grant_code):
        q |= Q(**{f"{field}__in": _ancestors(grant_code)})
    return q


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def active_members(day: dt.date | None = None) -> QuerySet[MechanismMember]:
    day = day or bangkok_today()
    return MechanismMember.objects.filter(term_start__lte=day).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=day)
    )


def _seats(user: Any) -> QuerySet[MechanismMember]:
    """The user's active seats on mechanisms."""
    if not _signed_in(user):
        return MechanismMember.objects.none()
    return active_members().filter(user=user)


def seat_mechanism_ids(user: Any) -> set[int]:
    """Mechanisms the user sits on now (cached on the user for the request)."""
    if not _signed_in(user):
        return set()
    cached = getattr(user, "_saan_forum_seats", None)
    if cached is None:
        cached = set(_seats(user).values_list("mechanism_id", flat=True))
        user._saan_forum_seats = cached
    return set(cached)


def forget(user: Any) -> None:
    if user is not None and hasattr(user, "_saan_forum_seats"):
        delattr(user, "_saan_forum_seats")


# --------------------------------------------------------------------------------- reading


def _members_q(user: Any, mechanism_path: str) -> Q:
    """Rows whose area a grant of the user reaches, or whose mechanism the user sits on."""
    if permissions.is_admin(user):
        return _everything()
    q = _nothing()
    for g in permissions.grants(user):
        q |= _reach_q(f"{mechanism_path}area__code", g.area_code)
    seats = seat_mechanism_ids(user)
    if seats:
        q |= Q(**{f"{mechanism_path}pk__in": sorted(seats)})
    return q


def mechanisms_visible_to(user: Any) -> QuerySet[Mechanism]:
    return Mechanism.objects.filter(Q(is_public=True) | _members_q(user, "")).select_related("area")


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    q = Q(mechanism__is_public=True) | _members_q(user, "mechanism__")
    return Meeting.objects.filter(q).select_related("mechanism", "mechanism__area")


def resolutions_visible_to(user: Any) -> QuerySet[Resolution]:
    public = Q(meeting__mechanism__is_public=True) & ~Q(status=ResolutionStatus.DRAFT)
    q = public | _members_q(user, "meeting__mechanism__")
    return Resolution.objects.filter(q).select_related(
        "meeting", "meeting__mechanism", "meeting__mechanism__area", "owner"
    )


def proposals_visible_to(user: Any) -> QuerySet[PolicyProposal]:
    public = Q(mechanism__is_public=True) & ~Q(status=ProposalStatus.DRAFT)
    q = public | _members_q(user, "mechanism__")
    return PolicyProposal.objects.filter(q).select_related("mechanism", "mechanism__area")


def _area_item_q(user: Any) -> Q:
    """For common agendas and charters: public, or the area is reached, or the user sits on the
    mechanism named on it."""
    if permissions.is_admin(user):
        return _everything()
    q = Q(is_public=True)
    for g in permissions.grants(user):
        q |= _reach_q("area__code", g.area_code)
    seats = seat_mechanism_ids(user)
    if seats:
        q |= Q(mechanism_id__in=sorted(seats))
    return q


def agendas_visible_to(user: Any) -> QuerySet[CommonAgenda]:
    return CommonAgenda.objects.filter(_area_item_q(user)).select_related("area", "mechanism")


def charters_visible_to(user: Any) -> QuerySet[Charter]:
    return Charter.objects.filter(_area_item_q(user)).select_related("area", "mechanism")


def can_read_private(user: Any, area_code: str) -> bool:
    """Whether the user reads what is not public in this area (for page hints)."""
    return permissions.is_admin(user) or any(
        reaches(g.area_code, area_code) for g in permissions.grants(user)
    )


# --------------------------------------------------------------------------------- running


def can_run(user: Any, mechanism: Mechanism) -> bool:
    """Whether the user may change the mechanism and everything of it."""
    if not _signed_in(user):
        return False
    return permissions.coordinates(user, mechanism.area_id) or (
        mechanism.pk in seat_mechanism_ids(user)
    )


def mechanisms_run_by(user: Any) -> QuerySet[Mechanism]:
    if permissions.is_admin(user):
        return Mechanism.objects.all()
    q = _nothing()
    for code in permissions.coordinator_codes(user):
        q |= Q(area__code__startswith=code) if code else _everything()
    seats = seat_mechanism_ids(user)
    if seats:
        q |= Q(pk__in=sorted(seats))
    return Mechanism.objects.filter(q)


def can_run_area_item(user: Any, item: CommonAgenda | Charter) -> bool:
    """Common agendas and charters: the area's coordinators and the named mechanism's members."""
    if not _signed_in(user):
        return False
    if permissions.coordinates(user, item.area_id):
        return True
    return item.mechanism_id is not None and item.mechanism_id in seat_mechanism_ids(user)


def can_create_in_area(user: Any, area_code: str) -> bool:
    """New mechanisms, common agendas and charters are started by the area's coordinators."""
    return _signed_in(user) and permissions.coordinates(user, area_code)


def reporting_organisations(user: Any, resolution: Resolution) -> list[int]:
    """The organisations the user may report progress for on this resolution (the owner, when
    the user edits for it with a grant reaching the area)."""
    area = resolution.meeting.mechanism.area_id
    if resolution.owner_id is None:
        return []
    if permissions.is_admin(user):
        return [resolution.owner_id]
    for g in permissions.grants(user):
        if (
            g.organisation_id == resolution.owner_id
            and g.role in (Role.EDITOR, Role.COORDINATOR)
            and reaches(g.area_code, area)
        ):
            return [resolution.owner_id]
    return []


def can_report_progress(user: Any, resolution: Resolution) -> bool:
    if not _signed_in(user):
        return False
    return can_run(user, resolution.meeting.mechanism) or bool(
        reporting_organisations(user, resolution)
    )


# ----------------------------------------------------------------------------- follow-up


def open_q() -> Q:
    return ~Q(status__in=CLOSED_STATUSES)


def overdue_q(today: dt.date | None = None) -> Q:
    """Due before today (Bangkok) and neither done nor dropped."""
    today = today or bangkok_today()
    return Q(due_date__lt=today) & open_q()


def due_soon_q(today: dt.date | None = None, days: int = DUE_SOON_DAYS) -> Q:
    """Due today or within ``days`` days, and neither done nor dropped."""
    today = today or bangkok_today()
    return Q(due_date__gte=today, due_date__lte=today + dt.timedelta(days=days)) & open_q()


@dataclass
class RegisterFilters:
    status: str = ""
    owner: int | None = None
    mechanism: int | None = None
    fiscal_year: int | None = None
    overdue: bool = False
    flagged: bool = False


def parse_register_filters(params: Any) -> RegisterFilters:
    """Filters from a query string; anything unreadable is ignored, never an error page."""

    def number(name: str) -> int | None:
        raw = str(params.get(name, "") or "").strip()
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    status = str(params.get("status", "") or "")
    return RegisterFilters(
        status=status if status in ResolutionStatus.values else "",
        owner=number("owner"),
        mechanism=number("mechanism"),
        fiscal_year=number("fy"),
        overdue=str(params.get("overdue", "")) in {"1", "true", "on", "yes"},
        flagged=str(params.get("flagged", "")) in {"1", "true", "on", "yes"},
    )


def filter_resolutions(
    qs: QuerySet[Resolution], f: RegisterFilters, *, today: dt.date | None = None
) -> QuerySet[Resolution]:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.owner is not None:
        qs = qs.filter(owner_id=f.owner)
    if f.mechanism is not None:
        qs = qs.filter(meeting__mechanism_id=f.mechanism)
    if f.fiscal_year is not None:
        qs = qs.filter(fiscal_year=f.fiscal_year)
    if f.overdue:
        qs = qs.filter(overdue_q(today))
    if f.flagged:
        qs = qs.filter(Q(owner__isnull=True) | Q(due_date__isnull=True))
    return qs


def register(user: Any, area_code: str, f: RegisterFilters) -> QuerySet[Resolution]:
    """The resolution register of an area and the areas under it, as the user may see it."""
    qs = resolutions_visible_to(user).filter(meeting__mechanism__area__code__startswith=area_code)
    return filter_resolutions(qs, f).order_by("due_date", "meeting__starts_at", "order", "pk")


@dataclass
class FollowUp:
    overdue: list[Resolution]
    due_soon: list[Resolution]
    flagged: list[Resolution]
    upcoming: list[Meeting]


def _follow_up_scopes(user: Any) -> tuple[Q, Q]:
    """(resolutions, meetings) the user follows up: of the areas they coordinate, of the
    mechanisms they sit on, and (resolutions only) owned by the organisations they edit for."""
    if permissions.is_admin(user):
        return _everything(), _everything()
    resolutions = _nothing()
    meetings = _nothing()
    for code in permissions.coordinator_codes(user):
        resolutions |= Q(meeting__mechanism__area__code__startswith=code)
        meetings |= Q(mechanism__area__code__startswith=code)
    seats = sorted(seat_mechanism_ids(user))
    if seats:
        resolutions |= Q(meeting__mechanism_id__in=seats)
        meetings |= Q(mechanism_id__in=seats)
    orgs = {
        g.organisation_id
        for g in permissions.grants(user)
        if g.organisation_id is not None and g.role in (Role.EDITOR, Role.COORDINATOR)
    }
    if orgs:
        resolutions |= Q(owner_id__in=sorted(orgs))
    return resolutions, meetings


def follow_up_scope_q(user: Any) -> Q:
    return _follow_up_scopes(user)[0]


def follow_up_for(user: Any, *, today: dt.date | None = None) -> FollowUp:
    """What the user has to chase: overdue, due-soon and incomplete resolutions in their scope
    (``_follow_up_scopes``), and the meetings coming up there."""
    today = today or bangkok_today()
    mine, mine_meetings = _follow_up_scopes(user)
    qs = resolutions_visible_to(user).filter(mine).order_by("due_date", "pk")
    meetings = (
        meetings_visible_to(user)
        .filter(mine_meetings, status=MeetingStatus.PLANNED, starts_at__gte=timezone.now())
        .order_by("starts_at")[:10]
    )
    return FollowUp(
        overdue=list(qs.filter(overdue_q(today))),
        due_soon=list(qs.filter(due_soon_q(today))),
        flagged=list(
            qs.filter(status=ResolutionStatus.DRAFT).filter(
                Q(owner__isnull=True) | Q(due_date__isnull=True)
            )
        ),
        upcoming=list(meetings),
    )


def next_meeting(mechanism: Mechanism, *, after: Meeting | None = None) -> Meeting | None:
    """The mechanism's next planned meeting (after ``after`` when given, else from now)."""
    qs = mechanism.meetings.filter(status=MeetingStatus.PLANNED)
    if after is not None:
        qs = qs.filter(starts_at__gt=after.starts_at)
    else:
        qs = qs.filter(starts_at__gte=timezone.now())
    return qs.order_by("starts_at").first()


def carryable(meeting: Meeting) -> QuerySet[Resolution]:
    """Open and in-progress resolutions of the meeting's mechanism, made at earlier meetings,
    that are not yet on this meeting's agenda: what "carry forward" would add."""
    on_agenda = AgendaItem.objects.filter(meeting=meeting, resolution__isnull=False).values(
        "resolution_id"
    )
    return (
        Resolution.objects.filter(
            meeting__mechanism_id=meeting.mechanism_id,
            status__in=(ResolutionStatus.OPEN, ResolutionStatus.IN_PROGRESS),
            meeting__starts_at__lt=meeting.starts_at,
        )
        .exclude(pk__in=on_agenda)
        .select_related("meeting", "owner")
        .order_by("due_date", "meeting__starts_at", "order", "pk")
    )


# ------------------------------------------------------------------------------- summaries


def sector_counts(meeting: Meeting) -> list[tuple[str, str, int]]:
    """(sector, Thai label, people) for a meeting's attendance, largest first."""
    labels = dict(Sector.choices)
    rows = meeting.attendance.values("sector").annotate(n=Sum("headcount")).order_by("-n", "sector")
    return [(r["sector"], str(labels.get(r["sector"], r["sector"])), r["n"] or 0) for r in rows]


def members_by_sector(
    mechanism: Mechanism, *, day: dt.date | None = None
) -> list[tuple[str, list[MechanismMember]]]:
    """Active members grouped by sector label, in the order of ``Sector``."""
    members = (
        active_members(day)
        .filter(mechanism=mechanism)
        .select_related("organisation")
        .order_by("role", "person_name")
    )
    groups: dict[str, list[MechanismMember]] = {}
    for m in members:
        groups.setdefault(m.sector, []).append(m)
    return [(str(label), groups[value]) for value, label in Sector.choices if value in groups]


def status_counts(qs: QuerySet[Resolution]) -> dict[str, int]:
    return dict(
        qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )


# ----------------------------------------------------------------------- the area picture


def _latest_figure(indicator: Any, area_code: str) -> tuple[str, Decimal | None] | None:
    """(period, value) of the newest total figure of an indicator at an area, or None."""
    from saan.indicators.models import DataValue, Rollup

    if len(area_code) == 6:
        dv = (
            DataValue.objects.filter(indicator=indicator, area_id=area_code, breakdown="")
            .order_by("-period")
            .first()
        )
        return (dv.period, dv.value) if dv else None
    row = (
        Rollup.objects.filter(indicator=indicator, area_code=area_code, breakdown="")
        .order_by("-period")
        .first()
    )
    return (row.period, row.value) if row else None


def _period_label(pid: str) -> str:
    from saan.indicators.periods import label

    try:
        return label(pid)
    except ValueError:
        return pid


def _display(value: Decimal | None) -> str:
    """A figure as people read it: 1,325,471 or 4.66."""
    if value is None:
        return "–"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def area_picture(area_code: str, *, limit: int = 5) -> dict[str, Any]:
    """A few figures about an area, as JSON, to keep on an agenda: projects that reach it (not
    private ones) by status, and the newest figures of up to ``limit`` public indicators, those of
    the area's common agenda first."""
    from saan.indicators.models import Indicator, Rollup
    from saan.projects.models import Project, Visibility
    from saan.projects.queries import reaches_q

    projects = Project.objects.filter(reaches_q(area_code)).exclude(visibility=Visibility.PRIVATE)
    by_status = dict(
        projects.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    wanted: list[int] = list(
        AgendaGoal.objects.filter(agenda__area_id=area_code)
        .order_by("-agenda__fiscal_year", "order")
        .values_list("targets__indicator_id", flat=True)
    )
    wanted = [i for i in dict.fromkeys(wanted) if i is not None]
    rolled = (
        Rollup.objects.filter(area_code=area_code, breakdown="")
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    rank = {pk: n for n, pk in enumerate(wanted)}
    candidates = sorted(
        Indicator.objects.filter(is_public=True, pk__in=wanted), key=lambda i: rank[i.pk]
    ) + list(Indicator.objects.filter(is_public=True, pk__in=rolled).exclude(pk__in=wanted))
    indicators: list[dict[str, Any]] = []
    for ind in candidates:
        if len(indicators) >= limit:
            break
        figure = _latest_figure(ind, area_code)
        if figure is None:
            continue
        period, value = figure
        indicators.append(
            {
                "code": ind.code,
                "name": ind.name_th,
                "unit": ind.unit,
                "period": period,
                "period_label": _period_label(period),
                "value": None if value is None else format(value.normalize(), "f"),
                "display": _display(value),
            }
        )
    return {
        "area": area_code,
        "taken_on": bangkok_today().isoformat(),
        "projects": {"total": sum(by_status.values()), "by_status": by_status},
        "indicators": indicators,
    }


# --------------------------------------------------------------------------- traceability


def resolutions_for_project(project: Any, user: Any = None) -> QuerySet[Resolution]:
    """The resolutions that name a project, as ``user`` may see them (public ones without)."""
    return resolutions_visible_to(user).filter(projects=project).order_by("-meeting__starts_at")


def resolutions_for_indicator(indicator: Any, user: Any = None) -> QuerySet[Resolution]:
    return resolutions_visible_to(user).filter(indicators=indicator).order_by("-meeting__starts_at")


def goals_for_indicator(indicator: Any, user: Any = None) -> QuerySet[AgendaGoal]:
    """Common-agenda goals measured by an indicator, with their target on ``target_value``."""
    from django.db.models import F

    visible = agendas_visible_to(user).values("pk")
    return (
        AgendaGoal.objects.filter(agenda__in=visible, targets__indicator=indicator)
        .annotate(target_value=F("targets__target"))
        .select_related("agenda", "agenda__area", "theme")
        .order_by("-agenda__fiscal_year", "order")
    )


# ---------------------------------------------------------------------------------- history


def _rule(fetch: Callable[[Any], QuerySet[Any]]) -> Callable[[Any, str], bool]:
    def allowed(user: Any, target_id: str) -> bool:
        return target_id.isdigit() and fetch(user).filter(pk=int(target_id)).exists()

    return allowed


def _members_visible(user: Any) -> QuerySet[MechanismMember]:
    return MechanismMember.objects.filter(mechanism__in=mechanisms_visible_to(user).values("pk"))


# Which object histories a signed-in user may open: the same filters as the pages.
HISTORY_RULES: dict[str, Callable[[Any, str], bool]] = {
    "forums.mechanism": _rule(mechanisms_visible_to),
    "forums.mechanismmember": _rule(_members_visible),
    "forums.meeting": _rule(meetings_visible_to),
    "forums.resolution": _rule(resolutions_visible_to),
    "forums.commonagenda": _rule(agendas_visible_to),
    "forums.charter": _rule(charters_visible_to),
    "forums.policyproposal": _rule(proposals_visible_to),
}
