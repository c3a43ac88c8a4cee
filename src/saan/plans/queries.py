"""Who may read and change joint plans, and how their money is counted.

Rules (built on ``saan.partners.permissions``):

- **Read.** Anyone reads a plan marked public, with its contributions marked public. A
  signed-in person whose grant *reaches* the plan's area (covers it, or lies inside it) reads the
  whole plan and every contribution: viewers read.
- **Change the plan** (items, areas, indicators, roles, projects, versions, the province's
  budget-source vocabulary): administrators and the area's coordinators.
- **Change a contribution**: the focal points of the contributing organisation: its editors (and
  coordinators acting for it) whose grant covers the plan's area or one of the item's areas.
  Nobody edits another organisation's contributions (administrators excepted).

Counting: money is counted once, at the original source. A contribution that passes on another
(``funded_by``) is the same money moving; each contribution counts only what it did not pass
on (its amount minus what its downstream contributions record, at each stage, never below
zero), and everything counted is credited to the organisation and budget source at the top of
the chain. Stages nest (pledged ≥ committed ≥ disbursed ≥ spent), so the total at a stage is
the money that got at least that far.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from saan.partners import permissions
from saan.partners.models import Role
from saan.plans.models import STAGES, Contribution, Plan, PlanItem

ZERO = Decimal("0.00")


def _everything() -> Q:
    return ~Q(pk__in=[])


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (2, 4) if n < len(code)]


def reaches(grant_code: str, area_code: str) -> bool:
    """A grant reaches an area when one contains the other ("" is the whole country)."""
    return area_code.startswith(grant_code) or grant_code.startswith(area_code)


def _reach_q(field_name: str, grant_code: str) -> Q:
    if grant_code == "":
        return _everything()
    q = Q(**{f"{field_name}__startswith": grant_code})
    if _ancestors(grant_code):
        q |= Q(**{f"{field_name}__in": _ancestors(grant_code)})
    return q


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def _member_q(user: Any, area_field: str) -> Q:
    if permissions.is_admin(user):
        return _everything()
    q = Q(pk__in=[])
    for g in permissions.grants(user):
        q |= _reach_q(area_field, g.area_code)
    return q


# --------------------------------------------------------------------------------- reading


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    return Plan.objects.filter(Q(is_public=True) | _member_q(user, "area__code")).select_related(
        "area", "agenda"
    )


def items_visible_to(user: Any) -> QuerySet[PlanItem]:
    q = Q(plan__is_public=True) | _member_q(user, "plan__area__code")
    return PlanItem.objects.filter(q).select_related("plan", "plan__area", "goal")


def contributions_visible_to(user: Any) -> QuerySet[Contribution]:
    public = Q(item__plan__is_public=True) & Q(is_public=True)
    q = public | _member_q(user, "item__plan__area__code")
    return Contribution.objects.filter(q).select_related(
        "item", "item__plan", "organisation", "source", "funded_by"
    )


def reads_everything(user: Any, plan: Plan) -> bool:
    """Whether the user reads the plan's non-public contributions (a member of the area)."""
    return permissions.is_admin(user) or any(
        reaches(g.area_code, plan.area_id) for g in permissions.grants(user)
    )


# --------------------------------------------------------------------------------- changing


def can_edit_plan(user: Any, plan_or_area: Plan | str) -> bool:
    code = plan_or_area.area_id if isinstance(plan_or_area, Plan) else plan_or_area
    return _signed_in(user) and permissions.coordinates(user, code)


def _item_codes(item: PlanItem) -> list[str]:
    codes = [item.plan.area_id]
    if item.pk:
        codes += [a.code for a in item.areas.all()]
    return codes


def contributing_organisation_ids(user: Any, item: PlanItem) -> list[int] | None:
    """The organisations the user may record contributions for on this item; None means any
    (administrators)."""
    if not _signed_in(user):
        return []
    if permissions.is_admin(user):
        return None
    codes = _item_codes(item)
    return sorted(
        {
            g.organisation_id
            for g in permissions.grants(user)
            if g.role in (Role.EDITOR, Role.COORDINATOR)
            and g.organisation_id is not None
            and any(g.covers(c) for c in codes)
        }
    )


def can_contribute(user: Any, item: PlanItem, organisation_id: int | None) -> bool:
    allowed = contributing_organisation_ids(user, item)
    if allowed is None:
        return True
    return organisation_id is not None and organisation_id in allowed


def can_edit_contribution(user: Any, contribution: Contribution) -> bool:
    return can_contribute(user, contribution.item, contribution.organisation_id)


# --------------------------------------------------------------------------------- counting


@dataclass
class Counted:
    """What one contribution adds to the totals once pass-through money is taken out, and to
    whom it is credited: the organisation and budget source at the top of its chain."""

    contribution: Contribution
    root: Contribution
    amounts: dict[str, Decimal]


def counted(contributions: Iterable[Contribution]) -> list[Counted]:
    rows = list(contributions)
    by_id = {c.pk: c for c in rows}
    passed: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(STAGES, ZERO))
    for c in rows:
        if c.funded_by_id is not None and c.funded_by_id in by_id:
            for s in STAGES:
                passed[c.funded_by_id][s] += getattr(c, s)
    out = []
    for c in rows:
        root, seen = c, {c.pk}
        while root.funded_by_id is not None and root.funded_by_id in by_id:
            if root.funded_by_id in seen:  # a cycle cannot be saved; never loop on one anyway
                break
            seen.add(root.funded_by_id)
            root = by_id[root.funded_by_id]
        own = {s: max(ZERO, getattr(c, s) - passed[c.pk][s]) for s in STAGES}
        out.append(Counted(c, root, own))
    return out


def total(rows: Iterable[Counted], stage: str) -> Decimal:
    return sum((r.amounts[stage] for r in rows), ZERO)


def group(rows: Iterable[Counted], key: Callable[[Counted], Any], stage: str) -> dict[Any, Decimal]:
    out: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        if r.amounts[stage]:
            out[key(r)] += r.amounts[stage]
    return dict(out)


def pass_through(rows: Iterable[Counted], stage: str) -> Decimal:
    """How much of the recorded amounts at this stage is money passed on (not counted again)."""
    recorded = Decimal(0)
    counted_sum = Decimal(0)
    for r in rows:
        recorded += getattr(r.contribution, stage)
        counted_sum += r.amounts[stage]
    return recorded - counted_sum


# ------------------------------------------------------------------------------ plan picture


@dataclass
class ItemFunding:
    item: PlanItem
    totals: dict[str, Decimal]
    contributions: list[Counted] = field(default_factory=list)

    @property
    def needed(self) -> Decimal | None:
        return self.item.budget_needed

    def share(self, stage: str) -> int:
        """Percent of the need funded at a stage (0–100, for the bars)."""
        if not self.item.budget_needed:
            return 100 if self.totals[stage] else 0
        pct = self.totals[stage] * 100 / self.item.budget_needed
        return int(min(Decimal(100), pct))

    def gap(self, stage: str) -> Decimal | None:
        if self.item.budget_needed is None:
            return None
        return max(ZERO, self.item.budget_needed - self.totals[stage])


@dataclass
class GoalFunding:
    goal: Any  # AgendaGoal or None (items under no goal)
    items: list[ItemFunding]

    def total(self, stage: str) -> Decimal:
        return sum((i.totals[stage] for i in self.items), ZERO)

    @property
    def needed(self) -> Decimal:
        return sum((i.item.budget_needed or ZERO for i in self.items), ZERO)

    def share(self, stage: str) -> int:
        need = self.needed
        if not need:
            return 100 if self.total(stage) else 0
        return int(min(Decimal(100), self.total(stage) * 100 / need))


def plan_contributions(user: Any, plan: Plan) -> list[Contribution]:
    return list(
        contributions_visible_to(user)
        .filter(item__plan=plan)
        .select_related("funded_by__organisation", "funded_by__source")
        .order_by("item_id", "fiscal_year", "id")
    )


def plan_funding(user: Any, plan: Plan) -> tuple[list[GoalFunding], list[Counted]]:
    """The plan's items grouped by agenda goal (in the agenda's order), each with its counted
    totals at every stage."""
    rows = counted(plan_contributions(user, plan))
    by_item: dict[int, list[Counted]] = defaultdict(list)
    for r in rows:
        by_item[r.contribution.item_id].append(r)
    items = (
        plan.items.select_related("goal")
        .prefetch_related("areas", "roles__organisation", "indicators__indicator", "projects")
        .order_by("goal__order", "goal_id", "order", "id")
    )
    goals: dict[Any, GoalFunding] = {}
    for item in items:
        rs = by_item.get(item.pk, [])
        funding = ItemFunding(item, {s: total(rs, s) for s in STAGES}, rs)
        key = item.goal_id
        if key not in goals:
            goals[key] = GoalFunding(item.goal, [])
        goals[key].items.append(funding)
    # Goals of the agenda with no item yet still show (as needing items).
    if plan.agenda_id:
        for g in plan.agenda.goals.all() if plan.agenda else []:
            goals.setdefault(g.pk, GoalFunding(g, []))
    ordered = sorted(
        goals.values(),
        key=lambda gf: (
            gf.goal is None,
            gf.goal.order if gf.goal else 0,
            gf.goal.pk if gf.goal else 0,
        ),
    )
    return ordered, rows


def unfunded(goals: list[GoalFunding], stage: str = "pledged") -> list[ItemFunding]:
    """Items with nothing at the stage, or less than they need."""
    out = []
    for g in goals:
        for i in g.items:
            if not i.totals[stage] or (
                i.item.budget_needed is not None and i.totals[stage] < i.item.budget_needed
            ):
                out.append(i)
    return out


def goal_label(goal: Any) -> str:
    return goal.title if goal is not None else "—"


def matrix(
    rows: list[Counted], stage: str, goals: list[GoalFunding]
) -> tuple[list[Any], list[tuple[Any, list[Decimal], Decimal]], list[Decimal], Decimal]:
    """Partner (original source organisation) × goal at a stage: (goal columns, rows of
    (organisation, cells, row total), column totals, grand total)."""
    cols = [g.goal for g in goals]
    goal_of = {}
    for g in goals:
        for i in g.items:
            goal_of[i.item.pk] = g.goal.pk if g.goal is not None else None
    cells: dict[Any, dict[Any, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    orgs: dict[int, Any] = {}
    for r in rows:
        amount = r.amounts[stage]
        if not amount:
            continue
        org = r.root.organisation
        orgs[org.pk] = org
        cells[org.pk][goal_of.get(r.contribution.item_id)] += amount
    keys = [g.pk if g is not None else None for g in cols]
    table = []
    for org_id, org in sorted(orgs.items(), key=lambda kv: -sum(cells[kv[0]].values())):
        values = [cells[org_id][k] for k in keys]
        table.append((org, values, sum(values, ZERO)))
    col_totals = [sum((row[1][n] for row in table), ZERO) for n in range(len(keys))]
    return cols, table, col_totals, sum(col_totals, ZERO)


def source_name(r: Counted) -> str:
    return r.root.source.name if r.root.source_id and r.root.source else "ไม่ระบุแหล่งงบ"


def sources_by_goal(
    rows: list[Counted], stage: str, goals: list[GoalFunding]
) -> tuple[list[str], list[Any], dict[tuple[str, Any], Decimal]]:
    """Budget source (at the original source) × goal at a stage."""
    goal_of = {}
    for g in goals:
        for i in g.items:
            goal_of[i.item.pk] = g.goal.pk if g.goal is not None else None
    data: dict[tuple[str, Any], Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        if r.amounts[stage]:
            data[(source_name(r), goal_of.get(r.contribution.item_id))] += r.amounts[stage]
    sources = sorted(
        {k[0] for k in data}, key=lambda s: -sum(v for k, v in data.items() if k[0] == s)
    )
    return sources, [g.goal for g in goals], dict(data)


# ---------------------------------------------------------------------- what reaches an area


@dataclass
class Reaching:
    item: PlanItem
    totals: dict[str, Decimal]
    share: Decimal  # the part apportioned to the area (1 = all of it)
    whole_area: bool  # the item covers an area containing this one: listed, not apportioned


def _item_codes_or_plan(item: PlanItem) -> list[str]:
    codes = [a.code for a in item.areas.all()]
    return codes or [item.plan.area_id]


def reaching_area(user: Any, code: str) -> list[Reaching]:
    """Every visible plan item whose areas reach ``code``: items of plans in the area or below
    it, and items of plans of enclosing areas. An item spread over several areas is apportioned
    by the number of its areas inside ``code``; an item over a larger area that contains
    ``code`` is listed whole (``whole_area``) and not added to the area's total."""
    plan_q = Q(plan__area__code__startswith=code)
    if _ancestors(code):
        plan_q |= Q(plan__area__code__in=_ancestors(code))
    items = list(
        items_visible_to(user).filter(plan_q).prefetch_related("areas").order_by("plan_id", "order")
    )
    rows = counted(contributions_visible_to(user).filter(item__in=[i.pk for i in items]))
    by_item: dict[int, list[Counted]] = defaultdict(list)
    for r in rows:
        by_item[r.contribution.item_id].append(r)
    out = []
    for item in items:
        codes = _item_codes_or_plan(item)
        inside = [c for c in codes if c.startswith(code)]
        above = [c for c in codes if code.startswith(c) and c != code]
        if not inside and not above:
            continue
        totals = {s: total(by_item.get(item.pk, []), s) for s in STAGES}
        if inside:
            out.append(Reaching(item, totals, Decimal(len(inside)) / Decimal(len(codes)), False))
        else:
            out.append(Reaching(item, totals, Decimal(0), True))
    return out


def apportioned(rows: list[Reaching], stage: str) -> Decimal:
    return sum(
        ((r.totals[stage] * r.share).quantize(Decimal("0.01")) for r in rows if not r.whole_area),
        ZERO,
    )


# ------------------------------------------------------------------------ co-investment


def co_investment(
    user: Any, stage: str, *, area: str = "", fiscal_year: int | None = None
) -> dict[str, Any]:
    """The alliance's co-investment over every visible plan: by budget source × fiscal year,
    by partner (at the original source) and by province; money counted once.

    The same rule as ``counted``, over plain tuples: the alliance view reads every contribution,
    and building model instances for each (with their joins) costs far more than the sums."""
    from saan.partners.models import Organisation
    from saan.plans.models import BudgetSource

    qs = contributions_visible_to(user)
    if area:
        qs = qs.filter(item__plan__area__code__startswith=area)
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    rows = list(
        qs.order_by().values_list(
            "pk",
            "funded_by_id",
            "organisation_id",
            "source_id",
            "fiscal_year",
            "item__plan__area_id",
            stage,
        )
    )
    by_id = {r[0]: r for r in rows}
    passed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        if r[1] is not None and r[1] in by_id:
            passed[r[1]] += r[6]
    roots: dict[int, tuple[Any, ...]] = {}

    def root_of(r: tuple[Any, ...]) -> tuple[Any, ...]:
        seen = [r]
        node = r
        while node[0] not in roots and node[1] is not None and node[1] in by_id:
            node = by_id[node[1]]
            if node in seen:  # a cycle cannot be saved; never loop on one anyway
                break
            seen.append(node)
        top = roots.get(node[0], node)
        for n in seen:
            roots[n[0]] = top
        return top

    by_source_year: dict[tuple[Any, int], Decimal] = defaultdict(lambda: ZERO)
    by_partner: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_province: dict[str, Decimal] = defaultdict(lambda: ZERO)
    recorded = counted_total = ZERO
    for r in rows:
        recorded += r[6]
        own = max(ZERO, r[6] - passed[r[0]])
        if not own:
            continue
        top = root_of(r)
        counted_total += own
        by_source_year[(top[3], r[4])] += own
        by_partner[top[2]] += own
        by_province[r[5][:2]] += own
    names = dict(
        BudgetSource.objects.filter(pk__in={k[0] for k in by_source_year if k[0]}).values_list(
            "pk", "name"
        )
    )
    per_source: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (source_id, year), amount in by_source_year.items():
        per_source[names.get(source_id, "ไม่ระบุแหล่งงบ")][year] += amount
    years = sorted({r[4] for r in rows})
    orgs = Organisation.objects.in_bulk(list(by_partner))
    sources = sorted(per_source.items(), key=lambda kv: -sum(kv[1].values()))
    return {
        "years": years,
        "sources": [
            (name, [cells.get(y, ZERO) for y in years], sum(cells.values(), ZERO))
            for name, cells in sources
        ],
        "partners": sorted(((orgs[k], v) for k, v in by_partner.items()), key=lambda kv: -kv[1]),
        "provinces": sorted(by_province.items(), key=lambda kv: -kv[1]),
        "total": counted_total,
        "pass_through": recorded - counted_total,
    }


# ------------------------------------------------------------------------------ history


def _history_rule(model: Any, area_field: str) -> Callable[[Any, str], bool]:
    """An object's history is for the members of its area (not the public: it names people)."""

    def allowed(user: Any, target_id: str) -> bool:
        if not target_id.isdigit() or not _signed_in(user):
            return False
        return bool(model.objects.filter(_member_q(user, area_field), pk=int(target_id)).exists())

    return allowed


def _history_rules() -> dict[str, Callable[[Any, str], bool]]:
    from saan.plans.models import BudgetSource

    return {
        "plans.plan": _history_rule(Plan, "area__code"),
        "plans.planitem": _history_rule(PlanItem, "plan__area__code"),
        "plans.contribution": _history_rule(Contribution, "item__plan__area__code"),
        "plans.budgetsource": _history_rule(BudgetSource, "area__code"),
    }


# Which object histories a signed-in user may open (``saan.audit.queries`` reads this).
HISTORY_RULES: dict[str, Callable[[Any, str], bool]] = _history_rules()
