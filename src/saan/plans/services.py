"""Every write to joint plans: keyword-only, atomic, permission-checked, validated with Thai
messages that name the field, and audited in the same transaction.

Who may do what is in ``queries`` (``can_edit_plan``, ``can_contribute``). A refusal raises
``PermissionDenied``; pages and the API fetch through the read filters first, so a person who
may not even see the object gets a 404 before reaching here.

Versions: any change to an agreed plan's content first opens the next version (status
``revised``); the agreed ``PlanVersion`` with its snapshot is never touched again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from saan.areas.models import Area
from saan.audit.services import record, snapshot
from saan.core.thai import format_baht, parse_baht
from saan.forums.models import AgendaGoal, CommonAgenda, Resolution
from saan.partners.models import Organisation
from saan.plans import queries
from saan.plans.models import (
    STAGES,
    BudgetSource,
    Contribution,
    ContributionKind,
    InKindType,
    ItemRole,
    Plan,
    PlanItem,
    PlanItemIndicator,
    PlanItemOrganisation,
    PlanStatus,
    PlanVersion,
)

PLAN_FIELDS = ("title", "description", "fiscal_year_end", "agenda", "is_public")
ITEM_FIELDS = ("goal", "order", "title", "description", "budget_needed")
CONTRIBUTION_FIELDS = (
    "organisation",
    "kind",
    "in_kind_type",
    "source",
    "fiscal_year",
    "pledged",
    "committed",
    "disbursed",
    "spent",
    "funded_by",
    "note",
    "is_public",
)

# The budget sources every province starts with; coordinators edit the list afterwards.
DEFAULT_SOURCES = (
    "กองทุนหลักประกันสุขภาพระดับท้องถิ่น",
    "กองทุน สสส.",
    "กองทุนสวัสดิการชุมชน",
    "งบพัฒนาจังหวัด",
    "งบ อปท.",
    "งบกระทรวง/กรม",
    "งบ พอช.",
    "งบวิจัย (บพท./สวรส.)",
    "ภาคเอกชน/CSR",
    "เงินบริจาค/ทุนชุมชน",
)


def stage_labels() -> dict[str, str]:
    return {
        "pledged": _("ให้คำมั่น"),
        "committed": _("ผูกพันแล้ว"),
        "disbursed": _("เบิกจ่าย/โอนแล้ว"),
        "spent": _("ใช้จ่ายแล้ว"),
    }


# ---------------------------------------------------------------------------------- helpers


def _must_edit_plan(actor: Any, plan_or_area: Plan | str) -> None:
    if not queries.can_edit_plan(actor, plan_or_area):
        raise PermissionDenied(_("เฉพาะผู้ประสานงานของพื้นที่จึงแก้ไขแผนร่วมได้"))


def _locked(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("area").get(pk=plan.pk)


def _open_revision(actor: Any, plan: Plan) -> None:
    """Before changing an agreed plan: start the next version; the agreed one stays frozen."""
    if plan.status != PlanStatus.AGREED:
        return
    before = {"status": plan.status, "version": plan.version}
    plan.status = PlanStatus.REVISED
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated_at"])
    record(
        actor=actor,
        action="plans.plan_revise",
        target=plan,
        before=before,
        after={"status": plan.status, "version": plan.version},
        area_code=plan.area_id,
    )


def _check_fields(changes: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's content as JSON: what a version freezes and what the diff compares."""
    items = (
        plan.items.select_related("goal")
        .prefetch_related("areas", "roles__organisation", "indicators__indicator", "projects")
        .order_by("goal__order", "goal_id", "order", "id")
    )
    return {
        "title": plan.title,
        "description": plan.description,
        "fiscal_year": plan.fiscal_year,
        "fiscal_year_end": plan.fiscal_year_end,
        "agenda": plan.agenda_id,
        "is_public": plan.is_public,
        "items": [
            {
                "id": i.pk,
                "goal": i.goal_id,
                "goal_title": i.goal.title if i.goal else "",
                "order": i.order,
                "title": i.title,
                "description": i.description,
                "budget_needed": None if i.budget_needed is None else str(i.budget_needed),
                "areas": sorted(f"{a.code} {a.full_name}" for a in i.areas.all()),
                "indicators": sorted(
                    f"{x.indicator.code}: {x.indicator.name_th}"
                    + ("" if x.target is None else f" → {x.target.normalize()}")
                    for x in i.indicators.all()
                ),
                "organisations": sorted(
                    f"{r.organisation.label} ({r.get_role_display()})" for r in i.roles.all()
                ),
                "projects": sorted(f"#{p.pk} {p.title}" for p in i.projects.all()),
            }
            for i in items
        ],
    }


def _plan_audit(plan: Plan) -> dict[str, Any]:
    return snapshot(plan, ("area", "fiscal_year", *PLAN_FIELDS, "status", "version"))


# ------------------------------------------------------------------------- budget sources


@transaction.atomic
def sources_ensure(*, actor: Any, area: Area) -> list[BudgetSource]:
    """The province's budget-source vocabulary, seeded with the defaults the first time.

    Called only from writes that have already checked the actor may edit the province's plans
    (``plan_create``, ``source_add``); never from a page's GET.
    """
    province = Area.objects.get(code=area.code[:2])
    existing = list(BudgetSource.objects.filter(area=province))
    if existing:
        return existing
    made = BudgetSource.objects.bulk_create(
        [BudgetSource(area=province, name=n, sort_order=i) for i, n in enumerate(DEFAULT_SOURCES)]
    )
    record(
        actor=actor,
        action="plans.sources_seed",
        target_type="plans.budgetsource",
        target_id=province.code,
        target_label=str(province),
        after={"names": list(DEFAULT_SOURCES)},
        area_code=province.code,
    )
    return list(made)


@transaction.atomic
def source_add(*, actor: Any, area: Area, name: str) -> BudgetSource:
    _must_edit_plan(actor, area.code[:2])
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("แหล่งงบประมาณ: กรุณาระบุชื่อ")})
    province_code = area.code[:2]
    sources_ensure(actor=actor, area=area)  # a province without a plan yet starts from the defaults
    if BudgetSource.objects.filter(area_id=province_code, name=name).exists():
        raise ValidationError({"name": _("แหล่งงบประมาณ: มีชื่อนี้อยู่แล้วในจังหวัด")})
    order = BudgetSource.objects.filter(area_id=province_code).count()
    source = BudgetSource.objects.create(area_id=province_code, name=name, sort_order=order)
    record(
        actor=actor,
        action="plans.source_add",
        target=source,
        after=snapshot(source, ("area", "name", "is_active")),
        area_code=province_code,
    )
    return source


@transaction.atomic
def source_update(
    *, actor: Any, source: BudgetSource, name: str | None = None, is_active: bool | None = None
) -> BudgetSource:
    _must_edit_plan(actor, source.area_id)
    current = BudgetSource.objects.select_for_update().get(pk=source.pk)
    before = snapshot(current, ("name", "is_active"))
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": _("แหล่งงบประมาณ: กรุณาระบุชื่อ")})
        clash = BudgetSource.objects.filter(area_id=current.area_id, name=name).exclude(
            pk=current.pk
        )
        if clash.exists():
            raise ValidationError({"name": _("แหล่งงบประมาณ: มีชื่อนี้อยู่แล้วในจังหวัด")})
        current.name = name
    if is_active is not None:
        current.is_active = is_active
    current.save()
    record(
        actor=actor,
        action="plans.source_update",
        target=current,
        before=before,
        after=snapshot(current, ("name", "is_active")),
        area_code=current.area_id,
    )
    return current


# ----------------------------------------------------------------------------------- plans


def _check_plan(plan: Plan) -> None:
    errors: dict[str, list[str]] = {}
    if plan.agenda is not None and plan.agenda.area_id != plan.area_id:
        errors["agenda"] = [_("วาระร่วม: ต้องเป็นวาระร่วมของพื้นที่เดียวกับแผน")]
    if not (2500 <= plan.fiscal_year <= 2700):
        errors["fiscal_year"] = [_("ปีงบประมาณ: ต้องเป็นปี พ.ศ. เช่น 2569")]
    elif plan.fiscal_year_end < plan.fiscal_year or plan.fiscal_year_end > 2700:
        errors["fiscal_year_end"] = [_("ถึงปีงบประมาณ: ต้องไม่ก่อนปีงบประมาณที่เริ่ม")]
    if not plan.title.strip():
        errors["title"] = [_("ชื่อแผน: กรุณาระบุ")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    area: Area,
    fiscal_year: int,
    title: str,
    agenda: CommonAgenda | None = None,
    fiscal_year_end: int | None = None,
    description: str = "",
    is_public: bool = False,
    items_from_goals: bool = False,
) -> Plan:
    """A new draft plan; with ``items_from_goals`` one item per agenda goal, carrying the goal's
    indicators with targets and its committed organisations as partners."""
    _must_edit_plan(actor, area.code)
    if Plan.objects.filter(area=area, fiscal_year=fiscal_year).exists():
        raise ValidationError({"fiscal_year": _("ปีงบประมาณ: พื้นที่นี้มีแผนร่วมของปีนี้อยู่แล้ว")})
    plan = Plan(
        area=area,
        fiscal_year=fiscal_year,
        fiscal_year_end=fiscal_year_end or fiscal_year,
        title=title.strip(),
        agenda=agenda,
        description=description,
        is_public=is_public,
    )
    _check_plan(plan)
    plan.save()
    record(
        actor=actor,
        action="plans.plan_create",
        target=plan,
        after=_plan_audit(plan),
        area_code=area.code,
    )
    sources_ensure(actor=actor, area=area)
    if items_from_goals and agenda is not None:
        for goal in agenda.goals.prefetch_related("targets__indicator", "organisations"):
            item_add(
                actor=actor,
                plan=plan,
                goal=goal,
                title=goal.title,
                indicators=[(t.indicator, t.target) for t in goal.targets.all()],
                organisations=[(o, ItemRole.PARTNER) for o in goal.organisations.all()],
            )
    return plan


@transaction.atomic
def plan_update(*, actor: Any, plan: Plan, **changes: Any) -> Plan:
    _check_fields(changes, PLAN_FIELDS)
    _must_edit_plan(actor, plan)
    current = _locked(plan)
    before = _plan_audit(current)
    for name, value in changes.items():
        setattr(current, name, value)
    _check_plan(current)
    if current.fiscal_year_end != before["fiscal_year_end"]:
        outside = Contribution.objects.filter(
            item__plan=current, fiscal_year__gt=current.fiscal_year_end
        )
        if outside.exists():
            raise ValidationError({"fiscal_year_end": _("ถึงปีงบประมาณ: มีการสมทบในปีที่จะไม่อยู่ในแผนแล้ว")})
    if _plan_audit(current) == before:
        return current  # saved unchanged: no new version, nothing to audit
    if before["status"] == PlanStatus.AGREED:
        current.status = PlanStatus.REVISED
        current.version += 1
    current.save()
    record(
        actor=actor,
        action="plans.plan_update",
        target=current,
        before=before,
        after=_plan_audit(current),
        area_code=current.area_id,
    )
    return current


def _resolution_in_area(resolution: Resolution, plan: Plan) -> bool:
    area = resolution.meeting.mechanism.area_id
    return plan.area_id.startswith(area) or area.startswith(plan.area_id)


@transaction.atomic
def plan_agree(
    *,
    actor: Any,
    plan: Plan,
    resolution: Resolution | None,
    agreed_on: dt.date,
    note: str = "",
) -> PlanVersion:
    """The central space agreed the version being worked on: freeze it with the resolution."""
    _must_edit_plan(actor, plan)
    current = _locked(plan)
    if current.status == PlanStatus.AGREED:
        raise ValidationError(
            {
                "__all__": [
                    _("ฉบับที่ %(n)s เห็นชอบแล้ว: แก้ไขแผนก่อนจึงจะเสนอฉบับใหม่ได้") % {"n": current.version}
                ]
            }
        )
    if resolution is not None and not _resolution_in_area(resolution, current):
        raise ValidationError({"resolution": [_("มติที่เห็นชอบ: ต้องเป็นมติของกลไกในพื้นที่ของแผน")]})
    if not current.items.exists():
        raise ValidationError({"__all__": [_("แผนยังไม่มีรายการ: เพิ่มรายการก่อนเสนอเห็นชอบ")]})
    version = PlanVersion.objects.create(
        plan=current,
        number=current.version,
        resolution=resolution,
        agreed_on=agreed_on,
        note=note,
        snapshot=plan_snapshot(current),
        agreed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    before = _plan_audit(current)
    current.status = PlanStatus.AGREED
    current.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="plans.plan_agree",
        target=current,
        before=before,
        after={**_plan_audit(current), "resolution": resolution.pk if resolution else None},
        area_code=current.area_id,
        note=f"version {version.number}",
    )
    return version


# ------------------------------------------------------------------------------------ items


def _write_item(
    item: PlanItem,
    areas: Iterable[Area] | None,
    projects: Iterable[Any] | None,
    indicators: Iterable[tuple[Any, Decimal | None]] | None,
    organisations: Iterable[tuple[Organisation, str]] | None,
) -> None:
    plan_code = item.plan.area_id
    if areas is not None:
        areas = list(areas)
        outside = [a for a in areas if not a.code.startswith(plan_code)]
        if outside:
            raise ValidationError(
                {"areas": [_("พื้นที่ดำเนินการ: %(a)s อยู่นอกพื้นที่ของแผน") % {"a": outside[0]}]}
            )
        item.areas.set(areas)
    if projects is not None:
        item.projects.set(list(projects))
    if indicators is not None:
        pairs = list(indicators)
        ids = [ind.pk for ind, _t in pairs]
        if len(set(ids)) != len(ids):
            raise ValidationError({"indicators": [_("ตัวชี้วัด: ซ้ำกัน")]})
        for _ind, target in pairs:
            if target is not None and (not target.is_finite() or abs(target) >= Decimal("1e15")):
                raise ValidationError({"indicators": [_("ค่าเป้าหมาย: ตัวเลขใหญ่เกินไป")]})
        PlanItemIndicator.objects.filter(item=item).delete()
        PlanItemIndicator.objects.bulk_create(
            [PlanItemIndicator(item=item, indicator=i, target=t) for i, t in pairs]
        )
    if organisations is not None:
        roles = list(organisations)
        for _org, role in roles:
            if role not in ItemRole.values:
                raise ValidationError({"organisations": [_("บทบาท: ไม่รู้จัก %(r)s") % {"r": role}]})
        PlanItemOrganisation.objects.filter(item=item).delete()
        PlanItemOrganisation.objects.bulk_create(
            [
                PlanItemOrganisation(item=item, organisation=o, role=r)
                for o, r in dict.fromkeys(roles)
            ]
        )


def _check_item(item: PlanItem) -> None:
    errors: dict[str, list[str]] = {}
    if not item.title.strip():
        errors["title"] = [_("รายการแผน: กรุณาระบุชื่อ")]
    if item.goal_id is not None:
        goal = item.goal if isinstance(item.goal, AgendaGoal) else None
        if goal is None or item.plan.agenda_id is None or goal.agenda_id != item.plan.agenda_id:
            errors["goal"] = [_("เป้าหมายวาระร่วม: ต้องเป็นเป้าหมายในวาระร่วมของแผนนี้")]
    if not 1 <= (item.order or 0) <= 999:
        errors["order"] = [_("ลำดับ: ต้องเป็นเลข 1–999")]
    if item.budget_needed is not None and item.budget_needed < 0:
        errors["budget_needed"] = [_("งบประมาณที่ต้องการ: ต้องไม่ติดลบ")]
    if errors:
        raise ValidationError(errors)


def _item_audit(item: PlanItem) -> dict[str, Any]:
    data = snapshot(item, ("plan", *ITEM_FIELDS))
    data["areas"] = sorted(item.areas.values_list("code", flat=True))
    data["projects"] = sorted(item.projects.values_list("pk", flat=True))
    data["indicators"] = sorted(
        [i, None if t is None else str(t)]
        for i, t in item.indicators.values_list("indicator_id", "target")
    )
    data["organisations"] = sorted(
        [o, r] for o, r in item.roles.values_list("organisation_id", "role")
    )
    return data


def _budget(value: Any, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = parse_baht(value)
    except (ValueError, TypeError, ArithmeticError):
        raise ValidationError(
            {field: [_("%(f)s: ต้องเป็นจำนวนเงินเป็นตัวเลข เช่น 50,000") % {"f": label}]}
        ) from None
    if amount < 0:
        raise ValidationError({field: [_("%(f)s: ต้องไม่ติดลบ") % {"f": label}]})
    if amount >= Decimal("1e14"):
        raise ValidationError({field: [_("%(f)s: จำนวนเงินมากเกินไป") % {"f": label}]})
    return amount


@transaction.atomic
def item_add(
    *,
    actor: Any,
    plan: Plan,
    title: str,
    goal: AgendaGoal | None = None,
    description: str = "",
    budget_needed: Any = None,
    order: int | None = None,
    areas: Iterable[Area] | None = None,
    projects: Iterable[Any] | None = None,
    indicators: Iterable[tuple[Any, Decimal | None]] | None = None,
    organisations: Iterable[tuple[Organisation, str]] | None = None,
) -> PlanItem:
    _must_edit_plan(actor, plan)
    current = _locked(plan)
    _open_revision(actor, current)
    if order is None:
        order = current.items.count() + 1
    item = PlanItem(
        plan=current,
        goal=goal,
        title=title.strip(),
        description=description,
        budget_needed=_budget(budget_needed, "budget_needed", _("งบประมาณที่ต้องการ")),
        order=order,
    )
    _check_item(item)
    item.save()
    _write_item(item, areas, projects, indicators, organisations)
    record(
        actor=actor,
        action="plans.item_add",
        target=item,
        after=_item_audit(item),
        area_code=current.area_id,
    )
    return item


@transaction.atomic
def item_update(
    *,
    actor: Any,
    item: PlanItem,
    areas: Iterable[Area] | None = None,
    projects: Iterable[Any] | None = None,
    indicators: Iterable[tuple[Any, Decimal | None]] | None = None,
    organisations: Iterable[tuple[Organisation, str]] | None = None,
    **changes: Any,
) -> PlanItem:
    _check_fields(changes, ITEM_FIELDS)
    _must_edit_plan(actor, item.plan)
    plan = _locked(item.plan)
    current = PlanItem.objects.select_for_update().get(pk=item.pk)
    current.plan = plan
    before = _item_audit(current)
    if "budget_needed" in changes:
        changes["budget_needed"] = _budget(
            changes["budget_needed"], "budget_needed", _("งบประมาณที่ต้องการ")
        )
    for name, value in changes.items():
        setattr(current, name, value)
    _check_item(current)
    current.save()
    _write_item(current, areas, projects, indicators, organisations)
    after = _item_audit(current)
    if after == before:
        return current  # saved unchanged: an agreed plan stays agreed
    _open_revision(actor, plan)
    record(
        actor=actor,
        action="plans.item_update",
        target=current,
        before=before,
        after=after,
        area_code=plan.area_id,
    )
    return current


@transaction.atomic
def item_remove(*, actor: Any, item: PlanItem) -> Plan:
    _must_edit_plan(actor, item.plan)
    plan = _locked(item.plan)
    if item.contributions.exists():
        raise ValidationError(
            {"__all__": [_("ลบรายการนี้ไม่ได้: มีการสมทบบันทึกไว้แล้ว ให้ย้ายหรือลบการสมทบก่อน")]}
        )
    _open_revision(actor, plan)
    before = _item_audit(item)
    record(
        actor=actor,
        action="plans.item_remove",
        target=item,
        before=before,
        area_code=plan.area_id,
    )
    item.delete()
    return plan


# ---------------------------------------------------------------------------- contributions


def _labels() -> dict[str, str]:
    return {
        **stage_labels(),
        "fiscal_year": _("ปีงบประมาณ"),
        "funded_by": _("เงินส่งต่อจาก"),
        "source": _("แหล่งงบประมาณ"),
        "in_kind_type": _("ประเภทการสนับสนุนที่ไม่ใช่ตัวเงิน"),
        "organisation": _("องค์กรที่สมทบ"),
        "kind": _("ลักษณะ"),
    }


def _parse_amounts(values: dict[str, Any]) -> dict[str, Decimal]:
    labels = _labels()
    errors: dict[str, list[str]] = {}
    out: dict[str, Decimal] = {}
    for s in STAGES:
        raw = values.get(s)
        if raw is None or raw == "":
            out[s] = Decimal("0.00")
            continue
        try:
            amount = parse_baht(raw)
        except (ValueError, TypeError, ArithmeticError):
            errors[s] = [
                _("%(f)s: “%(v)s” ไม่ใช่จำนวนเงิน ให้กรอกเป็นตัวเลข เช่น 50,000")
                % {"f": labels[s], "v": raw}
            ]
            continue
        if amount < 0:
            errors[s] = [_("%(f)s: จำนวนเงินต้องไม่ติดลบ") % {"f": labels[s]}]
            continue
        if amount >= Decimal("1e14"):
            errors[s] = [_("%(f)s: จำนวนเงินมากเกินไป") % {"f": labels[s]}]
            continue
        out[s] = amount
    if errors:
        raise ValidationError(errors)
    return out


def _check_contribution(c: Contribution) -> None:
    labels = _labels()
    errors: dict[str, list[str]] = {}
    plan = c.item.plan
    # Stages nest: what is spent was disbursed, what is disbursed was committed, and so on.
    order = list(STAGES)
    for higher, lower in itertools.pairwise(order):
        if getattr(c, lower) > getattr(c, higher):
            errors.setdefault(lower, []).append(
                _("%(low)s: %(a)s มากกว่ายอด%(high)s (%(b)s) ไม่ได้")
                % {
                    "low": labels[lower],
                    "a": format_baht(getattr(c, lower)),
                    "high": labels[higher],
                    "b": format_baht(getattr(c, higher)),
                }
            )
    if c.fiscal_year not in plan.fiscal_years:
        span = (
            str(plan.fiscal_year)
            if plan.fiscal_year == plan.fiscal_year_end
            else f"{plan.fiscal_year}–{plan.fiscal_year_end}"
        )
        errors["fiscal_year"] = [
            _("ปีงบประมาณ: แผนนี้ครอบคลุมปีงบประมาณ %(span)s เท่านั้น (กรอก %(y)s)")
            % {"span": span, "y": c.fiscal_year}
        ]
    if c.kind not in ContributionKind.values:
        errors["kind"] = [_("ลักษณะ: ไม่รู้จักค่านี้")]
    elif c.kind == ContributionKind.IN_KIND and not c.in_kind_type:
        errors["in_kind_type"] = [_("ประเภทการสนับสนุนที่ไม่ใช่ตัวเงิน: ระบุว่าเป็นบุคลากร สถานที่ ข้อมูล หรืออื่น ๆ")]
    elif c.kind == ContributionKind.CASH and c.in_kind_type:
        c.in_kind_type = InKindType.NONE
    if c.in_kind_type not in InKindType.values:
        errors["in_kind_type"] = [_("ประเภทการสนับสนุนที่ไม่ใช่ตัวเงิน: ไม่รู้จักค่านี้")]
    if len(c.note) > 500:
        errors["note"] = [_("หมายเหตุ: ยาวเกิน 500 ตัวอักษร")]
    if c.source_id is not None and c.source is not None and c.source.area_id != plan.province_code:
        errors["source"] = [_("แหล่งงบประมาณ: ต้องเป็นแหล่งงบในรายการของจังหวัดนี้")]
    if c.funded_by_id is not None:
        up = c.funded_by
        assert up is not None
        if c.pk is not None and up.pk == c.pk:
            errors["funded_by"] = [_("เงินส่งต่อจาก: การสมทบส่งต่อเงินให้ตัวเองไม่ได้")]
        elif up.item_id != c.item_id:
            errors["funded_by"] = [_("เงินส่งต่อจาก: ต้องเป็นการสมทบในรายการแผนเดียวกัน")]
        elif up.organisation_id == c.organisation_id:
            errors["funded_by"] = [_("เงินส่งต่อจาก: ต้องเป็นเงินจากองค์กรอื่น")]
        else:
            # Walk up the chain: meeting this contribution again would make money circle.
            seen = {up.pk}
            node: Contribution | None = up
            while node is not None and node.funded_by_id is not None:
                if c.pk is not None and node.funded_by_id == c.pk:
                    errors["funded_by"] = [
                        _("เงินส่งต่อจาก: ทำให้เกิดวงจรการส่งต่อเงิน (เงินวนกลับมาที่รายการนี้)")
                    ]
                    break
                if node.funded_by_id in seen:
                    break
                seen.add(node.funded_by_id)
                node = Contribution.objects.filter(pk=node.funded_by_id).first()
            if "funded_by" not in errors:
                siblings = Contribution.objects.filter(funded_by=up)
                if c.pk is not None:
                    siblings = siblings.exclude(pk=c.pk)
                for s in ("pledged", "committed", "disbursed"):
                    passed = sum((getattr(x, s) for x in siblings), Decimal(0)) + getattr(c, s)
                    if passed > getattr(up, s):
                        errors.setdefault(s, []).append(
                            _("%(f)s: ยอดที่ส่งต่อจาก %(org)s รวม %(a)s มากกว่ายอด%(f)sของต้นทาง (%(b)s)")
                            % {
                                "f": labels[s],
                                "org": up.organisation.label,
                                "a": format_baht(passed),
                                "b": format_baht(getattr(up, s)),
                            }
                        )
    if errors:
        raise ValidationError(errors)


def _check_downstream(c: Contribution) -> None:
    """Lowering an upstream contribution below what its downstream ones pass on is refused."""
    labels = _labels()
    down = list(Contribution.objects.filter(funded_by=c))
    if not down:
        return
    errors: dict[str, list[str]] = {}
    for s in ("pledged", "committed", "disbursed"):
        passed = sum((getattr(x, s) for x in down), Decimal(0))
        if passed > getattr(c, s):
            errors[s] = [
                _("%(f)s: องค์กรปลายทางบันทึกว่ารับต่อไปแล้ว %(a)s จึงลดให้น้อยกว่านี้ไม่ได้")
                % {"f": labels[s], "a": format_baht(passed)}
            ]
    if errors:
        raise ValidationError(errors)


def _contribution_audit(c: Contribution) -> dict[str, Any]:
    return snapshot(c, ("item", *CONTRIBUTION_FIELDS))


@transaction.atomic
def contribution_create(
    *,
    actor: Any,
    item: PlanItem,
    organisation: Organisation,
    fiscal_year: int,
    kind: str = ContributionKind.CASH,
    in_kind_type: str = "",
    source: BudgetSource | None = None,
    pledged: Any = 0,
    committed: Any = 0,
    disbursed: Any = 0,
    spent: Any = 0,
    funded_by: Contribution | None = None,
    note: str = "",
    is_public: bool = True,
) -> Contribution:
    """A partner records what it puts into a plan item. Only the organisation's own focal
    points (editors in the area) and administrators may."""
    if not queries.can_contribute(actor, item, organisation.pk if organisation else None):
        raise PermissionDenied(_("บันทึกการสมทบได้เฉพาะในนามองค์กรของตนเองในพื้นที่นี้"))
    amounts = _parse_amounts(
        {"pledged": pledged, "committed": committed, "disbursed": disbursed, "spent": spent}
    )
    c = Contribution(
        item=item,
        organisation=organisation,
        kind=kind,
        in_kind_type=in_kind_type or "",
        source=source,
        fiscal_year=fiscal_year,
        funded_by=funded_by,
        note=note,
        is_public=is_public,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **amounts,
    )
    _check_contribution(c)
    c.save()
    record(
        actor=actor,
        action="plans.contribution_create",
        target=c,
        after=_contribution_audit(c),
        area_code=item.plan.area_id,
    )
    return c


@transaction.atomic
def contribution_update(*, actor: Any, contribution: Contribution, **changes: Any) -> Contribution:
    _check_fields(changes, CONTRIBUTION_FIELDS)
    current = (
        Contribution.objects.select_for_update()
        .select_related("item__plan", "organisation")
        .get(pk=contribution.pk)
    )
    if not queries.can_edit_contribution(actor, current):
        raise PermissionDenied(_("แก้ไขได้เฉพาะการสมทบขององค์กรตนเอง"))
    if "organisation" in changes and not queries.can_contribute(
        actor, current.item, changes["organisation"].pk if changes["organisation"] else None
    ):
        raise PermissionDenied(_("บันทึกการสมทบได้เฉพาะในนามองค์กรของตนเองในพื้นที่นี้"))
    before = _contribution_audit(current)
    stage_values = {s: changes.pop(s) for s in STAGES if s in changes}
    if stage_values:
        merged = {s: getattr(current, s) for s in STAGES} | stage_values
        for s, v in _parse_amounts(merged).items():
            setattr(current, s, v)
    for name, value in changes.items():
        setattr(current, name, value)
    if current.in_kind_type is None:
        current.in_kind_type = ""
    _check_contribution(current)
    _check_downstream(current)
    current.save()
    record(
        actor=actor,
        action="plans.contribution_update",
        target=current,
        before=before,
        after=_contribution_audit(current),
        area_code=current.item.plan.area_id,
    )
    return current


@transaction.atomic
def contribution_remove(*, actor: Any, contribution: Contribution) -> PlanItem:
    current = Contribution.objects.select_related("item__plan").get(pk=contribution.pk)
    if not queries.can_edit_contribution(actor, current):
        raise PermissionDenied(_("แก้ไขได้เฉพาะการสมทบขององค์กรตนเอง"))
    if current.passed_on.exists():
        raise ValidationError({"__all__": [_("ลบไม่ได้: มีองค์กรอื่นบันทึกว่ารับเงินต่อจากการสมทบนี้")]})
    record(
        actor=actor,
        action="plans.contribution_remove",
        target=current,
        before=_contribution_audit(current),
        area_code=current.item.plan.area_id,
    )
    item = current.item
    current.delete()
    return item


# ------------------------------------------------------------------------------------ diffs


def _diff_labels() -> dict[str, str]:
    return {
        "title": _("ชื่อ"),
        "description": _("รายละเอียด"),
        "fiscal_year": _("ปีงบประมาณ"),
        "fiscal_year_end": _("ถึงปีงบประมาณ"),
        "is_public": _("เปิดเผยต่อสาธารณะ"),
        "goal_title": _("เป้าหมายวาระร่วม"),
        "order": _("ลำดับ"),
        "budget_needed": _("งบประมาณที่ต้องการ"),
        "areas": _("พื้นที่ดำเนินการ"),
        "indicators": _("ตัวชี้วัดและค่าเป้าหมาย"),
        "organisations": _("องค์กรและบทบาท"),
        "projects": _("โครงการที่ดำเนินการ"),
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed between two plan snapshots: plan fields, items added, removed and changed
    (field by field; lists as what was added and removed)."""
    labels = _diff_labels()
    fields = []
    for key in ("title", "description", "fiscal_year", "fiscal_year_end", "is_public"):
        if old.get(key) != new.get(key):
            fields.append((labels[key], old.get(key), new.get(key)))
    olds = {i["id"]: i for i in old.get("items", [])}
    news = {i["id"]: i for i in new.get("items", [])}
    added = [news[k] for k in news if k not in olds]
    removed = [olds[k] for k in olds if k not in news]
    changed = []
    for k in news:
        if k not in olds:
            continue
        a, b = olds[k], news[k]
        rows = []
        for key in ("goal_title", "order", "title", "description", "budget_needed"):
            if a.get(key) != b.get(key):
                rows.append(
                    {
                        "field": key,
                        "label": labels[key],
                        "before": a.get(key),
                        "after": b.get(key),
                    }
                )
        for key in ("areas", "indicators", "organisations", "projects"):
            sa, sb = set(a.get(key, [])), set(b.get(key, []))
            if sa != sb:
                rows.append(
                    {
                        "field": key,
                        "label": labels[key],
                        "added": sorted(sb - sa),
                        "removed": sorted(sa - sb),
                    }
                )
        if rows:
            changed.append({"item": b, "changes": rows})
    return {"fields": fields, "added": added, "removed": removed, "changed": changed}
