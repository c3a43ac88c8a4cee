"""Pages of joint plans. Thin: reads come through the permission filters of ``queries`` (what
you may not read is a 404, the same as what does not exist), writes go through ``services``.
Anyone reads what is public; members of the area read everything; the area's coordinators
edit the plan; each partner's focal points record their own organisation's contributions."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saan.areas.models import Area
from saan.core.pages import area_or_404, flash_errors, get_or_404, page, save_form
from saan.core.thai import normalise_digits
from saan.forums.queries import resolutions_visible_to
from saan.partners.models import Organisation
from saan.plans import charts, exports, forms, queries, services
from saan.plans.models import STAGES, BudgetSource, Contribution, Plan, PlanItem
from saan.projects.queries import visible_to as projects_visible_to

# ----------------------------------------------------------------------------- fetching


def _plan(request: HttpRequest, pk: int, *, edit: bool = False) -> Plan:
    plan = get_or_404(queries.plans_visible_to(request.user), pk=pk)
    if edit and not queries.can_edit_plan(request.user, plan):
        raise Http404
    return plan


def _item(request: HttpRequest, pk: int, *, edit: bool = False) -> PlanItem:
    item = get_or_404(queries.items_visible_to(request.user), pk=pk)
    if edit and not queries.can_edit_plan(request.user, item.plan):
        raise Http404
    return item


def _contribution(request: HttpRequest, pk: int) -> Contribution:
    c = get_or_404(queries.contributions_visible_to(request.user), pk=pk)
    if not queries.can_edit_contribution(request.user, c):
        raise Http404
    return c


def _stage(request: HttpRequest) -> str:
    stage = request.GET.get("stage", "pledged")
    return stage if stage in STAGES else "pledged"


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, note: str = ""
) -> HttpResponse:
    return page(
        request, "plans/form.html", {"form": form, "title": title, "back": back, "note": note}
    )


def _agreed_note(plan: Plan) -> str:
    """What the edit forms of an agreed plan say: editing starts a new version."""
    if plan.status != "agreed":
        return ""
    return _("แผนนี้เห็นชอบแล้ว: การแก้ไขจะเริ่มฉบับใหม่ ฉบับที่เห็นชอบยังคงอยู่ตามเดิม")


def _common(request: HttpRequest, plan: Plan, stage: str) -> dict[str, Any]:
    return {
        "plan": plan,
        "stage": stage,
        "stages": services.stage_labels(),
        "stage_label": services.stage_labels()[stage],
        "can_edit": queries.can_edit_plan(request.user, plan),
        "reads_everything": queries.reads_everything(request.user, plan),
    }


# ---------------------------------------------------------------------------- overviews


def index(request: HttpRequest) -> HttpResponse:
    plans = list(queries.plans_visible_to(request.user).order_by("area_id", "-fiscal_year"))
    return page(
        request,
        "plans/index.html",
        {"plans": plans, "coordinates": [c for c in _coordinated(request) if c]},
    )


def _coordinated(request: HttpRequest) -> list[str]:
    from saan.partners import permissions

    return permissions.coordinator_codes(request.user)


def area_view(request: HttpRequest, code: str) -> HttpResponse:
    """How much reaches an area from everyone: the plans of the area and below, and the items
    of enclosing areas' plans that reach it."""
    area = area_or_404(code)
    stage = _stage(request)
    reaching = queries.reaching_area(request.user, area.code)
    here = [r for r in reaching if not r.whole_area]
    above = [r for r in reaching if r.whole_area]
    plans = queries.plans_visible_to(request.user).filter(area__code__startswith=area.code)
    return page(
        request,
        "plans/area.html",
        {
            "area": area,
            "stage": stage,
            "stages": services.stage_labels(),
            "here": [(r, (r.totals[stage] * r.share).quantize(queries.ZERO)) for r in here],
            "above": above,
            "apportioned": queries.apportioned(reaching, stage),
            "plans": plans,
            "can_create": queries.can_edit_plan(request.user, area.code),
        },
    )


def co_investment(request: HttpRequest) -> HttpResponse:
    stage = _stage(request)
    area = normalise_digits(request.GET.get("area", "")).strip()
    fy_raw = normalise_digits(request.GET.get("fy", "")).strip()
    fy = int(fy_raw) if fy_raw.isdigit() else None
    picture = queries.co_investment(request.user, stage, area=area, fiscal_year=fy)
    names = dict(
        Area.objects.filter(code__in=[c for c, _v in picture["provinces"]]).values_list(
            "code", "name_th"
        )
    )
    return page(
        request,
        "plans/co_investment.html",
        {
            "stage": stage,
            "stages": services.stage_labels(),
            "picture": picture,
            "provinces": [(c, names.get(c, c), v) for c, v in picture["provinces"]],
            "area": area,
            "fy": fy or "",
        },
    )


# -------------------------------------------------------------------------------- plans


@login_required
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    area = area_or_404(code)
    if not queries.can_edit_plan(request.user, area.code):
        raise Http404
    form = forms.PlanForm(request.POST or None, area=area)
    latest = area.common_agendas.order_by("-fiscal_year").first()
    if latest is not None and not form.is_bound:
        form.initial.update(
            {
                "agenda": latest.pk,
                "fiscal_year": latest.fiscal_year,
                "title": _("แผนร่วม %(area)s ปีงบประมาณ %(fy)s")
                % {"area": area.full_name, "fy": latest.fiscal_year},
            }
        )

    def act(d: dict[str, Any]) -> Plan:
        return services.plan_create(
            actor=request.user,
            area=area,
            fiscal_year=d["fiscal_year"],
            fiscal_year_end=d["fiscal_year_end"],
            title=d["title"],
            agenda=d["agenda"],
            description=d["description"],
            is_public=d["is_public"],
            items_from_goals=d["items_from_goals"],
        )

    done = save_form(request, form, act, _("สร้างแผนร่วมแล้ว"))
    return done or _form_page(
        request, form, title=_("สร้างแผนร่วม"), back=f"/plans/area/{area.code}/"
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    stage = _stage(request)
    goals, rows = queries.plan_funding(request.user, plan)
    return page(
        request,
        "plans/plan.html",
        {
            **_common(request, plan, stage),
            "goals": goals,
            "total": queries.total(rows, stage),
            "needed": sum((g.needed for g in goals), queries.ZERO),
            "pass_through": queries.pass_through(rows, stage),
            "versions": plan.versions.select_related("resolution__meeting").order_by("number"),
            "contribute_ids": _contributable(request, goals),
        },
        partial="plans/_tree.html",
    )


def _contributable(request: HttpRequest, goals: list[queries.GoalFunding]) -> set[int]:
    out = set()
    for g in goals:
        for i in g.items:
            if queries.contributing_organisation_ids(request.user, i.item) != []:
                out.add(i.item.pk)
    return out


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    form = forms.PlanForm(
        request.POST or None,
        area=plan.area,
        editing=True,
        initial={
            "title": plan.title,
            "fiscal_year_end": plan.fiscal_year_end,
            "agenda": plan.agenda_id,
            "description": plan.description,
            "is_public": plan.is_public,
        },
    )

    def act(d: dict[str, Any]) -> Plan:
        return services.plan_update(
            actor=request.user,
            plan=plan,
            title=d["title"],
            fiscal_year_end=d["fiscal_year_end"] or plan.fiscal_year,
            agenda=d["agenda"],
            description=d["description"],
            is_public=d["is_public"],
        )

    done = save_form(request, form, act, _("บันทึกการแก้ไขแล้ว"))
    return done or _form_page(
        request, form, title=_("แก้ไขแผนร่วม"), back=plan.get_absolute_url(), note=_agreed_note(plan)
    )


def plan_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    stage = _stage(request)
    goals, rows = queries.plan_funding(request.user, plan)
    cols, table, col_totals, grand = queries.matrix(rows, stage, goals)
    return page(
        request,
        "plans/matrix.html",
        {
            **_common(request, plan, stage),
            "cols": cols,
            "table": table,
            "col_totals": col_totals,
            "grand": grand,
            "pass_through": queries.pass_through(rows, stage),
        },
        partial="plans/_matrix.html",
    )


def plan_sources(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    stage = _stage(request)
    goals, rows = queries.plan_funding(request.user, plan)
    sources, cols, data = queries.sources_by_goal(rows, stage, goals)
    keys = [g.pk if g is not None else None for g in cols]
    table = [
        (s, charts.colour(n), [data.get((s, k), queries.ZERO) for k in keys])
        for n, s in enumerate(sources)
    ]
    return page(
        request,
        "plans/sources.html",
        {
            **_common(request, plan, stage),
            "chart": charts.sources_to_goals_svg(
                sources, cols, data, title=_("แหล่งงบประมาณ → เป้าหมาย")
            ),
            "cols": cols,
            "table": table,
        },
    )


def plan_unfunded(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    stage = _stage(request)
    goals, _rows = queries.plan_funding(request.user, plan)
    return page(
        request,
        "plans/unfunded.html",
        {**_common(request, plan, stage), "items": queries.unfunded(goals, stage)},
    )


@login_required
def plan_agree(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    code = plan.area_id
    resolutions = (
        resolutions_visible_to(request.user)
        .filter(
            Q(meeting__mechanism__area__code__startswith=code)
            | Q(meeting__mechanism__area__code__in=[code[:2], code[:4]])
        )
        .order_by("-meeting__starts_at", "order")
    )
    form = forms.AgreeForm(request.POST or None, resolutions=resolutions)

    def act(d: dict[str, Any]) -> Plan:
        services.plan_agree(
            actor=request.user,
            plan=plan,
            resolution=d["resolution"],
            agreed_on=d["agreed_on"],
            note=d["note"],
        )
        return plan

    done = save_form(request, form, act, _("บันทึกการเห็นชอบแล้ว"))
    return done or _form_page(
        request,
        form,
        title=_("บันทึกมติเห็นชอบแผนร่วม ฉบับที่ %(n)s") % {"n": plan.version},
        back=plan.get_absolute_url(),
    )


def plan_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreed versions, and what changed between two of them (or the working copy)."""
    plan = _plan(request, pk)
    versions = list(plan.versions.select_related("resolution__meeting").order_by("number"))
    snaps: dict[str, dict[str, Any]] = {str(v.number): v.snapshot for v in versions}
    snaps["current"] = services.plan_snapshot(plan)
    choices = [str(v.number) for v in versions] + ["current"]
    b = request.GET.get("b", "current")
    a = request.GET.get("a", str(versions[-1].number) if versions else "current")
    if a not in snaps or b not in snaps:
        raise Http404
    return page(
        request,
        "plans/versions.html",
        {
            **_common(request, plan, "pledged"),
            "versions": versions,
            "choices": choices,
            "a": a,
            "b": b,
            "diff": services.diff(snaps[a], snaps[b]),
        },
    )


def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = _plan(request, pk)
    goals, rows = queries.plan_funding(request.user, plan)
    if fmt == "iati.json":
        body = json.dumps(exports.iati(plan, goals), ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-iati.json"'
        return response
    table = exports.rows(plan, goals, rows)
    if fmt == "csv":
        return exports.csv_response(plan, table)
    if fmt == "xlsx":
        return exports.xlsx_response(plan, table)
    raise Http404


# -------------------------------------------------------------------------------- items


def _item_fields(form: Any, d: dict[str, Any], *, order: int | None) -> dict[str, Any]:
    """An item form's cleaned data as the keyword arguments that ``services.item_add`` and
    ``services.item_update`` share."""
    return {
        "goal": d["goal"],
        "title": d["title"],
        "description": d["description"],
        "budget_needed": d["budget_needed"],
        "order": order,
        "areas": d["areas"],
        "projects": d["projects"],
        "indicators": d["indicators"],
        "organisations": form.organisations(),
    }


def _item_form(request: HttpRequest, plan: Plan, initial: dict[str, Any] | None) -> Any:
    return forms.ItemForm(
        request.POST or None,
        plan=plan,
        projects=projects_visible_to(request.user),
        initial=initial,
    )


@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    goal = request.GET.get("goal")
    form = _item_form(request, plan, {"goal": goal} if goal else None)

    def act(d: dict[str, Any]) -> PlanItem:
        return services.item_add(
            actor=request.user,
            plan=plan,
            **_item_fields(form, d, order=d["order"]),
        )

    done = save_form(request, form, act, _("เพิ่มรายการแผนแล้ว"))
    return done or _form_page(request, form, title=_("เพิ่มรายการแผน"), back=plan.get_absolute_url())


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    plan = item.plan
    rows = queries.counted(
        queries.contributions_visible_to(request.user)
        .filter(item__plan=plan)
        .select_related("funded_by__organisation")
    )
    mine = [r for r in rows if r.contribution.item_id == item.pk]
    totals = {s: queries.total(mine, s) for s in STAGES}
    editable = {
        r.contribution.pk
        for r in mine
        if queries.can_edit_contribution(request.user, r.contribution)
    }
    return page(
        request,
        "plans/item.html",
        {
            **_common(request, plan, _stage(request)),
            "item": item,
            "rows": mine,
            "totals": totals,
            "editable": editable,
            "can_contribute": queries.contributing_organisation_ids(request.user, item) != [],
            "projects": projects_visible_to(request.user).filter(plan_items=item),
        },
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, edit=True)
    form = _item_form(request, item.plan, forms.ItemForm.initial_for(item))

    def act(d: dict[str, Any]) -> PlanItem:
        return services.item_update(
            actor=request.user,
            item=item,
            **_item_fields(form, d, order=d["order"] or item.order),
        )

    done = save_form(request, form, act, _("บันทึกการแก้ไขแล้ว"))
    return done or _form_page(
        request,
        form,
        title=_("แก้ไขรายการแผน"),
        back=item.get_absolute_url(),
        note=_agreed_note(item.plan),
    )


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, edit=True)
    try:
        plan = services.item_remove(actor=request.user, item=item)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
        return redirect(item)
    messages.success(request, _("ลบรายการแผนแล้ว"))
    return redirect(plan)


# ------------------------------------------------------------------------ contributions


def _organisations_for(request: HttpRequest, item: PlanItem) -> Any:
    allowed = queries.contributing_organisation_ids(request.user, item)
    if allowed is None:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=allowed)


@login_required
def contribution_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    orgs = _organisations_for(request, item)
    first_two = list(orgs.values_list("pk", flat=True)[:2])
    if not first_two:
        raise Http404
    form = forms.ContributionForm(
        request.POST or None,
        item=item,
        organisations=orgs,
        initial={"organisation": first_two[0] if len(first_two) == 1 else None},
    )

    def act(d: dict[str, Any]) -> PlanItem:
        services.contribution_create(actor=request.user, item=item, **d)
        return item

    done = save_form(request, form, act, _("บันทึกการสมทบแล้ว"))
    return done or _form_page(
        request,
        form,
        title=_("บันทึกการสมทบ: %(item)s") % {"item": item.title},
        back=item.get_absolute_url(),
        note=_(
            "ให้คำมั่น ≥ ผูกพันแล้ว ≥ เบิกจ่าย/โอนแล้ว ≥ ใช้จ่ายแล้ว · การสนับสนุนที่ไม่ใช่ตัวเงินให้ใส่มูลค่าเทียบเป็นบาท"
        ),
    )


@login_required
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _contribution(request, pk)
    item = c.item
    form = forms.ContributionForm(
        request.POST or None,
        item=item,
        organisations=_organisations_for(request, item),
        contribution=c,
    )

    def act(d: dict[str, Any]) -> PlanItem:
        services.contribution_update(actor=request.user, contribution=c, **d)
        return item

    done = save_form(request, form, act, _("บันทึกการแก้ไขแล้ว"))
    return done or _form_page(request, form, title=_("แก้ไขการสมทบ"), back=item.get_absolute_url())


@login_required
@require_POST
def contribution_remove(request: HttpRequest, pk: int) -> HttpResponse:
    c = _contribution(request, pk)
    try:
        item = services.contribution_remove(actor=request.user, contribution=c)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
        return redirect(c.item)
    messages.success(request, _("ลบการสมทบแล้ว"))
    return redirect(item)


# ------------------------------------------------------------------------ budget sources


def sources_vocabulary(request: HttpRequest, code: str) -> HttpResponse:
    area = area_or_404(code[:2])
    can_edit = queries.can_edit_plan(request.user, area.code)
    if not can_edit and not request.user.is_authenticated:
        raise Http404
    form = forms.SourceForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        toggle = request.POST.get("toggle")
        if toggle:
            source = get_or_404(BudgetSource.objects.filter(area=area), pk=toggle)
            services.source_update(
                actor=request.user, source=source, is_active=not source.is_active
            )
            messages.success(request, _("บันทึกแล้ว"))
            return redirect(request.path)

        def act(d: dict[str, Any]) -> str:
            services.source_add(actor=request.user, area=area, name=d["name"])
            return request.path

        done = save_form(request, form, act, _("เพิ่มแหล่งงบประมาณแล้ว"))
        if done:
            return done
    return page(
        request,
        "plans/vocabulary.html",
        {
            "area": area,
            "sources": BudgetSource.objects.filter(area=area),
            "form": form,
            "can_edit": can_edit,
        },
    )
