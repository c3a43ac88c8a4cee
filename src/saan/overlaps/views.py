"""Pages of overlaps and gaps. Thin: reads from ``queries``/``gaps``, writes through
``services``, 404 for what the person may not see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saan.areas.models import Area
from saan.core.pages import area_or_404, get_or_404, page, signed_in_user
from saan.core.thai import fiscal_year, normalise_digits
from saan.indicators import queries as indicator_queries
from saan.indicators.periods import label as period_label
from saan.overlaps import detection, forms, gaps, queries, services
from saan.overlaps.detector import DEFAULT_THRESHOLD, calibration, expected_precision
from saan.overlaps.facts import facts_from_values
from saan.overlaps.models import FindingComment, FindingKind, FindingState, ScanRun, SynonymGroup
from saan.partners import permissions
from saan.projects import queries as project_queries
from saan.projects.models import Project, Theme

PAGE_SIZE = 50


def parse_date_safe(text: str) -> dt.date | None:
    """An ISO date from a form field (the date input sends YYYY-MM-DD), or None."""
    try:
        return dt.date.fromisoformat(normalise_digits(text.strip()))
    except ValueError:
        return None


def _area(code: str) -> Area | None:
    """The area named in the URL or query (Thai or Arabic digits), None for the whole country."""
    return area_or_404(code) if code else None


def _years() -> list[int]:
    now = fiscal_year(dt.date.today())
    return list(range(now + 1, now - 5, -1))


def _threshold(value: Any) -> float:
    try:
        t = float(value)
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return min(1.0, max(detection.FLOOR, t))


def _precision_label(t: float) -> str:
    p = expected_precision(t)
    return f"{round(p * 100)}%" if p is not None else "–"


@login_required
def findings_page(request: HttpRequest, code: str = "") -> HttpResponse:
    user = signed_in_user(request)
    code = code or request.GET.get("area", "").strip()
    area = _area(code)
    code = area.code if area else ""
    years = _years()
    form = forms.FindingFilterForm(request.GET or None, years=years)
    fy: int | None = None
    states = [FindingState.SUGGESTED.value, FindingState.CONFIRMED.value]
    if form.is_bound and form.is_valid():
        fy = form.cleaned_data["fy"]
        states = form.cleaned_data["state"] or states
    threshold = _threshold(request.GET.get("min", DEFAULT_THRESHOLD))
    base = queries.findings(
        user, area_code=code, fiscal_year=fy, states=states, min_score=threshold
    )
    # Different organisations doing the same work is what the working group decides on; the same
    # organisation's look-alike projects (usually a record entered twice) are listed apart.
    overlaps = base.filter(kind=FindingKind.OVERLAP, same_organisation=False)
    duplicates = base.filter(kind=FindingKind.OVERLAP, same_organisation=True)
    continuations = base.filter(kind=FindingKind.CONTINUATION)
    query = request.GET.copy()
    query.pop("page", None)
    page_obj = Paginator(overlaps, PAGE_SIZE).get_page(request.GET.get("page"))
    steps = sorted(
        {
            float(r["threshold"])
            for r in calibration()
            if r.get("threshold") is not None and float(r["threshold"]) >= detection.FLOOR
        }
        | {threshold}
    )
    return page(
        request,
        "overlaps/findings.html",
        {
            "area": area,
            "code": code,
            "form": form,
            "fy": fy,
            "states": states,
            "threshold": threshold,
            "precision": _precision_label(threshold),
            "steps": [(t, _precision_label(t)) for t in steps],
            "page_obj": page_obj,
            "count": page_obj.paginator.count,
            "duplicates": list(duplicates[:50]),
            "duplicate_count": duplicates.count(),
            "continuations": list(continuations[:50]),
            "continuation_count": continuations.count(),
            "can_scan": queries.can_scan(user, code),
            "runs": list(queries.runs_for(user, code)[:3]),
            "can_edit_synonyms": queries.can_edit_synonyms(user),
            "query": query.urlencode(),
        },
        partial="overlaps/_findings_list.html",
    )


def _finding(request: HttpRequest, pk: int) -> Any:
    return get_or_404(queries.visible_to(request.user), pk=pk)


@login_required
def finding_detail(
    request: HttpRequest, pk: int, *, errors: dict[str, Any] | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    finding = _finding(request, pk)
    a = Project.objects.select_related("owner").get(pk=finding.project_a_id)
    b = Project.objects.select_related("owner").get(pk=finding.project_b_id)
    pair = [(a.pk, a.title), (b.pk, b.title)]
    sides = []
    for p in (a, b):
        sides.append(
            {
                "project": p,
                "areas": list(p.project_areas.select_related("area").order_by("area_id")),
                "themes": list(p.themes.all()),
                "targets": list(p.targets.select_related("target_group")),
                "budget": sum((line.amount for line in p.budget_lines.all()), 0),
                "roles": list(p.roles.select_related("organisation")),
            }
        )
    shared = finding.explanation.get("shared_subdistricts", [])
    return page(
        request,
        "overlaps/finding.html",
        {
            "finding": finding,
            "a": a,
            "b": b,
            "sides": sides,
            "shared_areas": list(Area.objects.filter(code__in=shared[:50]).order_by("code")),
            "comments": list(FindingComment.objects.filter(finding=finding)),
            "can_decide": queries.can_decide(user, finding),
            "can_comment": queries.can_comment(user, finding),
            "comment_form": forms.CommentForm(),
            "decision_form": forms.DecisionForm(),
            "link_form": forms.LinkForm(),
            "merge_form": forms.PickProjectForm(pair=pair),
            "continue_form": forms.PickProjectForm(pair=pair),
            "errors": errors or {},
            "precision": _precision_label(finding.score),
        },
        status=400 if errors else 200,
    )


ACTIONS = ("confirm", "dismiss", "reopen", "link", "merge", "continue", "comment")


@login_required
@require_POST
def finding_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = signed_in_user(request)
    finding = _finding(request, pk)
    if action not in ACTIONS:
        raise Http404
    post = request.POST
    comment = post.get("comment", "")
    try:
        if action == "confirm":
            services.finding_confirm(actor=user, finding=finding, comment=comment)
            messages.success(request, _("ยืนยันว่าเป็นงานซ้ำซ้อนแล้ว"))
        elif action == "dismiss":
            services.finding_dismiss(actor=user, finding=finding, comment=comment)
            messages.success(request, _("บันทึกว่าไม่ใช่งานเดียวกันแล้ว"))
        elif action == "reopen":
            services.finding_reopen(actor=user, finding=finding, comment=comment)
            messages.success(request, _("เปิดข้อสังเกตให้พิจารณาใหม่แล้ว"))
        elif action == "link":
            services.finding_link(
                actor=user,
                finding=finding,
                role_of_a_in_b=post.get("role_of_a_in_b", ""),
                role_of_b_in_a=post.get("role_of_b_in_a", ""),
                comment=comment,
            )
            messages.success(request, _("เชื่อมสองโครงการเป็นงานร่วมแล้ว"))
        elif action in ("merge", "continue"):
            try:
                chosen = int(post.get("project", ""))
            except ValueError:
                raise ValidationError({"project": [_("กรุณาเลือกโครงการ")]}) from None
            if action == "merge":
                services.finding_merge(
                    actor=user, finding=finding, survivor_id=chosen, comment=comment
                )
                messages.success(request, _("รวมโครงการแล้ว"))
            else:
                services.finding_agree_continue(
                    actor=user, finding=finding, continues_id=chosen, comment=comment
                )
                messages.success(request, _("บันทึกข้อตกลงแล้ว"))
        else:
            services.finding_comment_add(actor=user, finding=finding, text=post.get("text", ""))
            messages.success(request, _("บันทึกความเห็นแล้ว"))
    except PermissionDenied as exc:
        return finding_detail(request, pk, errors={"__all__": [str(exc)], "action": action})
    except ValidationError as exc:
        found = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return finding_detail(request, pk, errors={**found, "action": action})
    return redirect("overlaps:finding", pk=pk)


# ------------------------------------------------------------------------------------ scans


@login_required
@require_POST
def scan_start(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    area = _area(request.POST.get("area", "").strip())
    code = area.code if area else ""
    fy_text = request.POST.get("fy", "").strip()
    try:
        run = services.scan_start(
            actor=user, area_code=code, fiscal_year=int(fy_text) if fy_text.isdigit() else None
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("overlaps:area", code=code) if code else redirect("overlaps:index")
    return redirect(run)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    run = get_or_404(ScanRun.objects.all(), pk=pk)
    if not queries.can_scan(user, run.area_code):
        raise Http404
    return page(
        request,
        "overlaps/run.html",
        {"run": run, "area": _area(run.area_code)},
        partial="overlaps/_run_progress.html",
    )


# ------------------------------------------------------------------------- before saving


def _int_list(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()]


@login_required
@require_POST
def check_form(request: HttpRequest) -> HttpResponse:
    """The project form's current data against the register: projects that look like the same
    work, shown before the person saves (htmx)."""
    user = signed_in_user(request)
    post = request.POST
    from saan.projects.forms import resolve_place, split_places

    codes: list[str] = []
    for entry in split_places(post.get("areas", "")):
        result = resolve_place(entry)
        if result.area is not None and result.area.code not in codes:
            codes.append(result.area.code)
    start = parse_date_safe(post.get("start_date", ""))
    end = parse_date_safe(post.get("end_date", ""))
    owner = post.get("owner", "")
    editing = post.get("overlaps_project", "")
    own_id = int(editing) if editing.isdigit() else 0
    groups = [int(k[3:]) for k in post if k.startswith("on_") and k[3:].isdigit()]
    facts = facts_from_values(
        pk=own_id or -1,
        owner_id=int(owner) if owner.isdigit() else None,
        title=post.get("title", ""),
        text="\n".join(t for t in (post.get("summary", ""), post.get("objectives", "")) if t),
        start=start,
        end=end,
        area_codes=codes,
        theme_ids=_int_list(post.getlist("themes")),
        target_group_ids=groups,
    )
    threshold = DEFAULT_THRESHOLD
    matches = [
        m
        for m in detection.check_unsaved(facts)
        if m.score >= threshold and own_id not in (m.a, m.b)
    ]
    other_ids = [m.b if m.a == facts.id else m.a for m in matches]
    visible = {
        p.pk: p
        for p in project_queries.visible_to(user).select_related("owner").filter(pk__in=other_ids)
    }
    rows = [
        {"match": m, "project": visible[oid]}
        for m, oid in zip(matches, other_ids, strict=True)
        if oid in visible
    ][:10]
    chosen = post.get("overlaps_joint_with", "")
    return page(
        request,
        "overlaps/_form_check.html",
        {
            "rows": rows,
            "checked": bool(codes and start and end and post.get("title", "").strip()),
            "chosen": int(chosen) if chosen.isdigit() else None,
            "precision": _precision_label(threshold),
        },
    )


# ------------------------------------------------------------------------------------ gaps


def _gaps(request: HttpRequest, code: str) -> tuple[gaps.Gaps, forms.GapsForm]:
    indicators = gaps.need_indicators()
    by_code = {i.code: i for i in indicators}
    wanted = request.GET.get("indicator", "")
    indicator = by_code.get(wanted)
    if indicator is None:
        for preferred in ("tpmap-poor-hh", "elderly-dependent", "poor-hh-rate"):
            if preferred in by_code:
                indicator = by_code[preferred]
                break
    if indicator is None and indicators:
        indicator = indicators[0]
    periods = indicator_queries.periods_with_data([indicator]) if indicator else []
    period = request.GET.get("period", "")
    if period not in periods:
        period = periods[-1] if periods else ""
    themes = list(Theme.objects.filter(is_active=True))
    theme = next((t for t in themes if t.slug == request.GET.get("theme")), None)
    fy_text = request.GET.get("fy", "")
    fy = int(fy_text) if fy_text.isdigit() and 2400 <= int(fy_text) <= 2700 else None
    form = forms.GapsForm(
        initial={
            "indicator": indicator.code if indicator else "",
            "period": period,
            "theme": theme.slug if theme else "",
            "fy": fy,
        },
        indicators=[(i.code, i.name) for i in indicators],
        periods=[(p, period_label(p, english=_english())) for p in periods],
        themes=[(t.slug, t.name) for t in themes],
        years=_years(),
    )
    result = gaps.compute(
        request.user,
        area_code=code,
        indicator=indicator,
        period=period,
        theme=theme,
        fiscal_year=fy,
    )
    return result, form


def _english() -> bool:
    from django.utils import translation

    return (translation.get_language() or "th").startswith("en")


def gaps_page(request: HttpRequest, code: str = "") -> HttpResponse:
    code = code or request.GET.get("area", "").strip()
    area = _area(code)
    code = area.code if area else ""
    result, form = _gaps(request, code)
    cols = 8 if len(result.rows) > 30 else 6
    return page(
        request,
        "overlaps/gaps.html",
        {
            "area": area,
            "code": code,
            "gaps": result,
            "form": form,
            "cols": cols,
            "query": request.GET.urlencode(),
        },
    )


def gaps_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    area = _area(code)
    code = area.code if area else ""
    result, _form = _gaps(request, code)
    name = f"saan-gaps-{code or 'TH'}"
    if fmt == "csv":
        response = HttpResponse(gaps.to_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            gaps.to_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    raise Http404


# -------------------------------------------------------------------------------- synonyms


@login_required
def synonyms_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not queries.can_edit_synonyms(user):
        raise Http404
    groups = list(SynonymGroup.objects.all())
    editing_id = request.GET.get("edit") or request.POST.get("group")
    editing = next((g for g in groups if str(g.pk) == str(editing_id)), None)
    if request.method == "POST":
        form = forms.SynonymForm(request.POST)
        if form.is_valid():
            try:
                services.synonym_group_save(
                    actor=user,
                    group=editing,
                    phrases=form.phrase_list(),
                    note=form.cleaned_data["note"],
                    is_active=form.cleaned_data["is_active"],
                )
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("บันทึกคำพ้องแล้ว ใช้ในการตรวจครั้งถัดไป"))
                return redirect("overlaps:synonyms")
    elif editing is not None:
        form = forms.SynonymForm(
            initial={
                "phrases": "\n".join(editing.phrases),
                "note": editing.note,
                "is_active": editing.is_active,
            }
        )
    else:
        form = forms.SynonymForm()
    return page(
        request,
        "overlaps/synonyms.html",
        {"groups": groups, "form": form, "editing": editing},
    )


def _coordinated_area(user: Any) -> str:
    codes = [c for c in permissions.coordinator_codes(user) if c]
    return codes[0] if codes else ""


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Straight to the person's own area when they coordinate one."""
    user = signed_in_user(request)
    if not request.GET and (code := _coordinated_area(user)):
        return redirect("overlaps:area", code=code)
    return findings_page(request)
