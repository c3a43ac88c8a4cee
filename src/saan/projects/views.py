"""Pages of the work register: the list with its filters and exports, a project, the form to
register or change one, notes and deletion. Thin: reads come from ``queries``, writes go through
``services``, typing is read by ``forms``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saan.areas.models import Area, Level
from saan.audit.models import AuditEvent
from saan.core import fragments
from saan.core.pages import get_or_404, page, signed_in_user
from saan.core.templatetags import thai as thai_tags
from saan.core.thai import fiscal_year, fiscal_years_spanned, format_baht
from saan.partners import permissions
from saan.partners.models import Organisation
from saan.projects import filters, forms, panels, queries, services, summary
from saan.projects.models import (
    BudgetLine,
    OrgRole,
    Project,
    ProjectArea,
    ProjectContact,
    ProjectLink,
    ProjectOrganisation,
    ProjectTarget,
    Stage,
    Status,
    SummaryKind,
    TargetGroup,
    Theme,
    Visibility,
    WorkSummary,
)

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx", "json", "hxl")

# ------------------------------------------------------------------------------------ list


@dataclass
class Filtered:
    """The list's filters read from the query string, and the projects they select. The
    filter rules themselves are ``filters`` (shared with the API), so the list, its exports and
    the API always agree."""

    form: forms.ProjectFilterForm | None  # None when only the selection is wanted
    projects: QuerySet[Project]
    area: Area | None = None
    place: forms.PlaceResult | None = None
    selection: QuerySet[Project] | None = None  # the same projects, neither sorted nor summed
    chosen: filters.ProjectFilters | None = None  # the usable filters (None: selects nothing)
    sort: str = filters.DEFAULT_SORT
    ignored: dict[str, str] = field(default_factory=dict)  # parameters that could not be used
    query: dict[str, str] = field(default_factory=dict)  # the filters as a clean query string

    @property
    def active(self) -> bool:
        return bool(self.place or self.ignored or self.query.keys() - {"sort"})


def _near(user: Any) -> list[str]:
    """The person's own areas: places there are offered first when a name is ambiguous."""
    return sorted({g.area_code for g in permissions.grants(user) if g.area_code})


def _fiscal_years() -> list[int]:
    """The fiscal years offered in the filter: from the earliest to the latest any registered
    project spans (two index lookups, whoever asks: a range of years tells nothing about any
    one project), and always the current one, at most 30 years back."""
    # Two queries, not one with both aggregates: SQLite answers MIN or MAX from an index only
    # when it is the query's single aggregate (otherwise it scans every project).
    first = Project.objects.aggregate(first=Min("fy_start"))["first"]
    last = Project.objects.aggregate(last=Max("fy_end"))["last"]
    now = fiscal_year(dt.date.today())
    first, last = first or now, last or now
    first, last = min(first, now), max(last, now)
    return list(range(last, max(first, last - 30) - 1, -1))


def _organisations(user: Any, visible: QuerySet[Project]) -> list[Organisation]:
    """The organisations offered in the filter: those taking part in public or alliance-wide
    projects anywhere (read from the per-area summary at province level: a few hundred rows
    however many projects there are), and in the private projects this person may see."""
    shared = [Visibility.PUBLIC.value, Visibility.ALLIANCE.value]
    if permissions.is_admin(user):
        shared.append(Visibility.PRIVATE.value)
    summed = WorkSummary.objects.filter(
        kind=SummaryKind.ORGANISATION,
        visibility__in=shared,
        area_code__in=Area.objects.filter(level=Level.PROVINCE).values("code"),
    ).values("organisation_id")
    wanted = Q(pk__in=summed)
    if Visibility.PRIVATE.value not in shared:
        private = visible.filter(visibility=Visibility.PRIVATE).order_by().values("pk")
        wanted |= Q(
            pk__in=ProjectOrganisation.objects.filter(project__in=private).values("organisation_id")
        )
    return list(Organisation.objects.filter(wanted))


def _filter_form(request: HttpRequest) -> forms.ProjectFilterForm:
    """The filter form with its choices (organisations, fiscal years) for this person."""
    return forms.ProjectFilterForm(
        request.GET,
        organisations=_organisations(request.user, queries.visible_to(request.user)),
        years=_fiscal_years(),
    )


def _filtered(request: HttpRequest, *, with_form: bool = True) -> Filtered:
    """Exactly the same selection for the list, its htmx refresh and every export. ``area``
    may be a code or a place as people write it; a place that names no single area selects
    nothing (showing everything would look like an answer). ``with_form=False``: without the
    filter form (its choices cost queries the results and exports do not need)."""
    visible = queries.visible_to(request.user)
    form = _filter_form(request) if with_form else None
    params = {name: request.GET.get(name, "") for name in filters.FILTER_NAMES}
    result = Filtered(form=form, projects=visible)
    unresolved = False
    area_text = params["area"].strip()[:200]
    if area_text:
        result.place = forms.resolve_place(area_text, near=_near(request.user))
        result.area = result.place.area
        params["area"] = result.area.code if result.area else ""
        unresolved = result.area is None
    chosen = filters.parse_filters(params)
    result.ignored = chosen.errors
    projects = filters.apply_filters(visible, chosen)
    if unresolved:
        projects = projects.none()
    sort = forms.SORT_ALIASES.get(request.GET.get("sort", ""), request.GET.get("sort", ""))
    sort = sort if sort in forms.SORT_KEYS else filters.DEFAULT_SORT
    result.query = dict(chosen.active)
    if sort != filters.DEFAULT_SORT:
        result.query["sort"] = sort
    result.selection, result.sort = projects, sort
    result.chosen = None if unresolved else chosen
    result.projects = filters.sort_projects(filters.annotate_budget(projects), sort)
    return result


# The column headings, which the phone layout repeats on every cell (``data-label``).
COLUMNS = (
    gettext_lazy("โครงการ"),
    gettext_lazy("เจ้าของ"),
    gettext_lazy("พื้นที่"),
    gettext_lazy("ประเด็นงาน"),
    gettext_lazy("ปีงบประมาณ"),
    gettext_lazy("สถานะ"),
    gettext_lazy("งบประมาณ"),
)


@dataclass
class Row:
    """One project of the list and its table row, built here (every value through ``escape``,
    as the template would) rather than by the template: 50 rows of seven cells were most of
    the page's rendering otherwise."""

    project: Project
    areas: list[Area]
    more_areas: int
    themes: list[Theme]
    html: SafeString = field(default_factory=SafeString)


class RowMaker:
    """What every row of one page shares, worked out once: the column headings (the phone
    layout repeats them on each cell as ``data-label``), the status names, the project URL."""

    def __init__(self) -> None:
        self.labels = [escape(str(label)) for label in COLUMNS]
        self.statuses = {value: escape(str(label)) for value, label in Status.choices}
        sample = reverse("projects:detail", args=[1])
        self.url_head = sample[:-2] if sample.endswith("/1/") else None

    def url(self, p: Project) -> str:
        return f"{self.url_head}{p.pk}/" if self.url_head else p.get_absolute_url()

    def __call__(self, p: Project, areas: list[Area], themes: list[Theme]) -> Row:
        if p.fy_start is None:
            years = "–"
        elif p.fy_end != p.fy_start:
            years = f"{p.fy_start}–{p.fy_end}"
        else:
            years = str(p.fy_start)
        more = max(len(areas) - 3, 0)
        t, o, a, h, y, s, b = self.labels
        code = f' <span class="code">{escape(p.ref_code)}</span>' if p.ref_code else ""
        places: str = escape(", ".join(area.full_name for area in areas[:3]))
        if more:
            places += f' <span class="muted">+{more}</span>'
        status = self.statuses.get(p.status) or escape(p.status)
        html = (
            f'<tr>\n<td data-label="{t}"><a href="{escape(self.url(p))}"><strong>'
            f"{escape(p.title)}</strong></a>{code}</td>\n"
            f'<td data-label="{o}">{escape(p.owner.label)}</td>\n'
            f'<td data-label="{a}">{places}</td>\n'
            f'<td data-label="{h}" class="small">'
            f"{escape(', '.join(theme.name for theme in themes) or '–')}</td>\n"
            f'<td data-label="{y}">{escape(years)}</td>\n'
            f'<td data-label="{s}"><span class="badge status-{escape(p.status)}">{status}</span>'
            "</td>\n"
            f'<td data-label="{b}" class="num" style="white-space: nowrap">'
            f"{escape(thai_tags.baht(getattr(p, 'budget_total', None)))}</td>\n</tr>"
        )
        # Every value above went through escape().
        return Row(p, areas[:3], more, themes, mark_safe(html))


def _areas_and_themes(ids: list[int]) -> tuple[dict[int, list[Area]], dict[int, list[Theme]]]:
    """The areas (by code) and themes (in their order) of these projects, for the rows: two
    flat queries of only the columns shown, instead of prefetching model rows through the
    link tables."""
    areas: dict[int, list[Area]] = defaultdict(list)
    for project_id, code, level, name_th, name_en in (
        ProjectArea.objects.filter(project_id__in=ids)
        .order_by("area_id")
        .values_list("project_id", "area__code", "area__level", "area__name_th", "area__name_en")
    ):
        areas[project_id].append(Area(code=code, level=level, name_th=name_th, name_en=name_en))
    themes: dict[int, list[Theme]] = defaultdict(list)
    for project_id, theme_id, slug, name_th, name_en in (
        Project.themes.through.objects.filter(project_id__in=ids)
        .order_by("theme__sort_order", "theme__name_th")
        .values_list("project_id", "theme_id", "theme__slug", "theme__name_th", "theme__name_en")
    ):
        themes[project_id].append(Theme(pk=theme_id, slug=slug, name_th=name_th, name_en=name_en))
    return areas, themes


LIST_REVISION = 1  # raise when the list's templates or what they are given change


def _results(request: HttpRequest, filtered: Filtered) -> str:
    """The list's results (place, counts, footer total, export links, the table, pagination)
    drawn as HTML: what an htmx refresh swaps in."""
    selection = filtered.selection if filtered.selection is not None else filtered.projects
    if filtered.sort.lstrip("-") == "budget":
        ordered = filtered.projects
    else:
        # Budgets only for the rows shown (below), not for every project selected.
        ordered = filters.sort_projects(selection, filtered.sort)
    # Only the columns the rows show: not the long texts.
    projects = ordered.defer("summary", "objectives", "search_text").select_related("owner")
    # The page count and the footer total: from the per-area summary when it can answer,
    # else one pass over the selection.
    if filtered.chosen is None:
        count, total_budget = 0, Decimal(0)
    else:
        count, total_budget = panels.list_totals(request.user, filtered.chosen, selection)
    paginator = Paginator(projects, PAGE_SIZE)
    paginator.count = count  # a cached property: the paginator will not count again
    page_obj = paginator.get_page(request.GET.get("page"))
    shown = list(page_obj.object_list)
    if ordered is not filtered.projects:
        sums = dict(
            BudgetLine.objects.filter(project_id__in=[p.pk for p in shown])
            .order_by()
            .values_list("project_id")
            .annotate(total=Sum("amount"))
        )
        for p in shown:
            p.budget_total = sums.get(p.pk)  # type: ignore[attr-defined]
    areas, themes = _areas_and_themes([p.pk for p in shown])
    make = RowMaker()
    rows = [make(p, areas.get(p.pk, []), themes.get(p.pk, [])) for p in shown]
    return render_to_string(
        "projects/_results.html",
        {
            "filtered": filtered,
            "page_obj": page_obj,
            "rows": rows,
            "total_budget": total_budget,
            "query": urlencode(filtered.query),
            "export_formats": EXPORT_FORMATS,
        },
        request,
    )


def project_list(request: HttpRequest) -> HttpResponse:
    """The register's list. Its two costly parts, the results and the filter form, are drawn
    once per register version, viewer, language and query string (``core.fragments``; the
    form also per day: the current fiscal year is always offered); the page around them (and
    whether the person may register projects) is drawn per request."""
    user = request.user
    version = summary.version()  # read before anything is drawn from the register
    params = [(name, value) for name, values in request.GET.lists() for value in values]
    made: list[Filtered] = []

    def filtered() -> Filtered:
        if not made:
            made.append(_filtered(request, with_form=False))
        return made[0]

    def cached(name: str, build: Any, *, today: bool = False) -> SafeString:
        html = fragments.cached(
            name,
            build,
            versions=[version],
            user=user,
            params=params,
            today=today,
            revision=LIST_REVISION,
        )
        return mark_safe(html)  # drawn by the templates, which escape every value

    results = cached("projects:list-results", lambda: _results(request, filtered()))
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return HttpResponse(results)
    form = cached(
        "projects:list-filters",
        lambda: render_to_string(
            "projects/_filters.html",
            {"form": _filter_form(request), "filtered": filtered()},
        ),
        today=True,
    )
    return page(
        request,
        "projects/list.html",
        {
            "filters_form": form,
            "results": results,
            "can_register": bool(queries.owners_for(user)),
        },
    )


def project_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The list's filtered set as a file; the format's writer lives in ``exports``."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    from saan.projects.exports import export_response  # written separately; imported late

    filtered = _filtered(request, with_form=False)
    name = "-".join(
        ["saan-projects", *([filtered.area.code] if filtered.area else []), str(dt.date.today())]
    )
    return export_response(fmt, filtered.projects, filename=name)


# ---------------------------------------------------------------------------------- detail


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_or_404(queries.visible_to(request.user).select_related("owner"), pk=pk)
    areas = [pa.area for pa in project.project_areas.select_related("area").order_by("area_id")]
    roles: dict[int, tuple[Organisation, list[str]]] = {}
    for r in project.roles.select_related("organisation").order_by("organisation__name_th"):
        roles.setdefault(r.organisation_id, (r.organisation, []))[1].append(r.get_role_display())
    lines = list(project.budget_lines.select_related("source"))
    by_stage = {s: Decimal(0) for s in Stage.values}
    for line in lines:
        by_stage[line.stage] += line.amount
    return page(
        request,
        "projects/detail.html",
        {
            "project": project,
            "areas": forms.place_labels(areas),
            "roles": list(roles.values()),
            "themes": list(project.themes.all()),
            "targets": list(project.targets.select_related("target_group")),
            "lines": lines,
            "stage_totals": [
                (label, by_stage[value]) for value, label in Stage.choices if by_stage[value]
            ],
            "budget_total": sum((line.amount for line in lines), Decimal(0)),
            "contacts": list(project.contacts.all()),
            "links": list(project.links.all()),
            "notes": list(project.notes.all()),
            "can_edit": queries.editable_by(request.user).filter(pk=pk).exists(),
            "can_annotate": queries.can_annotate(request.user, project),
            "note_form": forms.NoteForm(),
        },
    )


@login_required
@require_POST
def project_note(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    project = get_or_404(queries.visible_to(user), pk=pk)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("กรุณาพิมพ์ข้อความ"))
        return redirect(project)
    try:
        services.project_note_add(actor=user, project=project, text=form.cleaned_data["text"])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("บันทึกความเห็นแล้ว"))
    return redirect(project)


# ------------------------------------------------------------------------ create and edit

SERVICE_FIELDS = {
    "title",
    "ref_code",
    "status",
    "visibility",
    "start_date",
    "end_date",
    "owner",
    "areas",
    "themes",
}


@dataclass
class ProjectForms:
    """The project form with its target table and row formsets, bound or not."""

    main: forms.ProjectForm
    targets: forms.TargetsForm
    formsets: dict[str, Any]
    section_errors: dict[str, list[str]] = field(default_factory=dict)

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), self.targets.is_valid()]
        results += [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    def apply_errors(self, exc: ValidationError) -> None:
        """Service messages go next to the field they are about."""
        if not hasattr(exc, "error_dict"):
            self.main.add_error(None, exc.messages)
            return
        for name, errors in exc.message_dict.items():
            if name in SERVICE_FIELDS:
                self.main.add_error(name, errors)
            else:
                self.section_errors.setdefault(name, []).extend(errors)


def _org_choices() -> list[tuple[Any, str]]:
    return [(o.pk, o.label) for o in Organisation.objects.all()]


def _project_forms(
    user: Any, data: QueryDict | None, project: Project | None = None
) -> ProjectForms:
    owners = list(Organisation.objects.filter(pk__in=queries.owners_for(user)))
    org_choices = _org_choices()
    stored = services.project_data(project) if project else None
    main_initial: dict[str, Any] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    targets_initial: dict[str, Any] = {}
    if project and stored:
        main_initial = {
            "owner": stored.owner_id,
            "title": stored.title,
            "ref_code": stored.ref_code,
            "summary": stored.summary,
            "objectives": stored.objectives,
            "status": stored.status,
            "visibility": stored.visibility,
            "start_date": stored.start_date,
            "end_date": stored.end_date,
            "areas": forms.areas_initial(stored.area_codes),
            "themes": stored.theme_ids,
            "version": project.version,
        }
        rows = forms.formset_initial(stored)
        targets_initial = forms.TargetsForm.initial_for(stored.targets)
        if all(o.pk != stored.owner_id for o in owners):
            owners.append(project.owner)
    return ProjectForms(
        main=forms.ProjectForm(
            data,
            initial=main_initial,
            owners=owners,
            theme_ids=stored.theme_ids if stored else None,
            near=_near(user),
        ),
        targets=forms.TargetsForm(data, initial=targets_initial),
        formsets={
            prefix: formset(
                data,
                prefix=prefix,
                initial=rows.get(prefix),
                form_kwargs={"org_choices": org_choices} if prefix in ("budget", "roles") else {},
            )
            for prefix, formset in forms.FORMSETS.items()
        },
    )


def _with_more_rows(data: QueryDict) -> QueryDict | None:
    """The posted data with one more empty row in the formset whose "add a row" button was
    pressed, or None when no such button was."""
    prefix = data.get("add_row", "")
    if prefix not in forms.FORMSETS:
        return None
    more = data.copy()
    try:
        total = int(more.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    more[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, 200))
    return more


def _helper_response(request: HttpRequest) -> HttpResponse | None:
    """The form's small htmx helpers: place suggestions while typing, and the fiscal years
    the dates span."""
    if not getattr(request, "htmx", False):
        return None
    if "suggest" in request.GET:
        text = request.GET.get("suggest", "").strip()[:200]
        found = forms.resolve_place(text, near=_near(request.user)) if text else None
        suggestions: list[tuple[Area, str]] = []
        if found is not None:
            suggestions = forms.place_labels([found.area]) if found.area else found.candidates
        return page(
            request,
            "projects/_place_suggestions.html",
            {"suggestions": suggestions, "text": text, "fuzzy": bool(found and found.fuzzy)},
        )
    if request.GET.get("preview") == "fy":
        form = forms.ProjectForm(request.GET, owners=[])
        form.is_valid()
        return page(request, "projects/_fy_preview.html", {"years": _years_of(form)})
    return None


def _years_of(form: forms.ProjectForm) -> list[int]:
    data = getattr(form, "cleaned_data", {})
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end >= start:
        return fiscal_years_spanned(start, end)
    return [fiscal_year(d) for d in (start, end) if d]


def _describe(name: str, value: Any) -> str:
    """A value from an audit snapshot, in words."""
    if value in (None, "", []):
        return "–"
    if name == "owner_id":
        org = Organisation.objects.filter(pk=value).first()
        return org.label if org else str(value)
    if name == "status":
        return str(Status(value).label) if value in Status.values else str(value)
    if name == "visibility":
        return str(Visibility(value).label) if value in Visibility.values else str(value)
    if name in ("start_date", "end_date"):
        from saan.core.templatetags.thai import thai_date

        try:
            return thai_date(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if name == "area_codes":
        areas = Area.objects.filter(code__in=value).order_by("code")
        return ", ".join(f"{a.full_name} ({a.code})" for a in areas)
    if name == "theme_ids":
        return ", ".join(t.name for t in Theme.objects.filter(pk__in=value))
    if name == "roles":
        orgs = Organisation.objects.in_bulk([o for o, _r in value])
        roles = dict(OrgRole.choices)
        return ", ".join(
            f"{orgs[o].label if o in orgs else o} ({roles.get(r, r)})" for o, r in value
        )
    if name == "targets":
        groups = TargetGroup.objects.in_bulk([t[0] for t in value])
        return ", ".join(
            f"{groups[g].name if g in groups else g} {planned or '–'}/{reached or '–'}"
            for g, planned, reached in value
        )
    if name == "budget_lines":
        orgs = Organisation.objects.in_bulk([b[3] for b in value if b[3]])
        return "; ".join(
            f"{fy}: {format_baht(Decimal(amount))} "
            f"({Stage(stage).label if stage in Stage.values else stage}"
            f"{', ' + orgs[source].label if source in orgs else ''})"
            for fy, amount, stage, source, *_rest in value
        )
    if name == "contacts":
        return "; ".join(" ".join(v for _k, v in pairs if v) for pairs in value)
    if name == "links":
        return "; ".join(dict(pairs).get("url", "") for pairs in value)
    return str(value)


FIELD_LABELS = {
    "owner_id": Project._meta.get_field("owner").verbose_name,
    "ref_code": Project._meta.get_field("ref_code").verbose_name,
    "title": Project._meta.get_field("title").verbose_name,
    "summary": Project._meta.get_field("summary").verbose_name,
    "objectives": Project._meta.get_field("objectives").verbose_name,
    "status": Project._meta.get_field("status").verbose_name,
    "visibility": Project._meta.get_field("visibility").verbose_name,
    "start_date": Project._meta.get_field("start_date").verbose_name,
    "end_date": Project._meta.get_field("end_date").verbose_name,
    "area_codes": Project._meta.get_field("areas").verbose_name,
    "theme_ids": Project._meta.get_field("themes").verbose_name,
    "roles": ProjectOrganisation._meta.verbose_name_plural,
    "targets": ProjectTarget._meta.verbose_name_plural,
    "budget_lines": BudgetLine._meta.verbose_name_plural,
    "contacts": ProjectContact._meta.verbose_name_plural,
    "links": ProjectLink._meta.verbose_name_plural,
}


@dataclass
class Change:
    event: AuditEvent
    fields: list[tuple[str, str, str]]  # label, before, after


def _changes(events: list[AuditEvent]) -> list[Change]:
    return [
        Change(
            event,
            [
                (str(FIELD_LABELS.get(name, name)), _describe(name, old), _describe(name, new))
                for name, old, new in event.changed_fields()
                if name != "version"
            ],
        )
        for event in events
    ]


def _project_form_page(
    request: HttpRequest,
    project: Project | None,
    bundle: ProjectForms,
    *,
    conflict: list[Change] | None = None,
) -> HttpResponse:
    return page(
        request,
        "projects/form.html",
        {
            "project": project,
            "form": bundle.main,
            "targets": bundle.targets,
            "formsets": bundle.formsets,
            "section_errors": bundle.section_errors,
            "years": _years_of(bundle.main)
            if bundle.main.is_bound
            else (project.fiscal_years if project else []),
            "conflict": conflict,
        },
    )


def _save(request: HttpRequest, user: Any, project: Project | None) -> HttpResponse:
    """Validate the posted forms and save through the services; every refusal re-shows the
    form with the reason next to what it is about."""
    more = _with_more_rows(request.POST)
    if more is not None:
        return _project_form_page(request, project, _project_forms(user, more, project))
    bundle = _project_forms(user, request.POST, project)
    if not bundle.is_valid():
        return _project_form_page(request, project, bundle)
    data = forms.project_data_from(bundle.main, bundle.targets, bundle.formsets)
    try:
        if project is None:
            saved = services.project_create(actor=user, data=data)
        else:
            saved = services.project_update(
                actor=user,
                project=project,
                data=data,
                expected_version=bundle.main.cleaned_data.get("version"),
            )
    except services.EditConflict as exc:
        fresh = request.POST.copy()
        fresh["version"] = str(exc.project.version)
        again = _project_forms(user, fresh, project)
        again.is_valid()
        return _project_form_page(request, exc.project, again, conflict=_changes(exc.changes))
    except PermissionDenied as exc:
        bundle.main.add_error(None, str(exc) or _("คุณไม่มีสิทธิ์บันทึกโครงการนี้"))
        return _project_form_page(request, project, bundle)
    except ValidationError as exc:
        bundle.apply_errors(exc)
        return _project_form_page(request, project, bundle)
    messages.success(request, _("บันทึกโครงการแล้ว") if project is None else _("บันทึกการแก้ไขแล้ว"))
    from saan.overlaps.hooks import joint_work_from_form

    joint_work_from_form(request, saved)
    return redirect(saved)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    helper = _helper_response(request)
    if helper is not None:
        return helper
    if not queries.owners_for(user):
        return page(request, "projects/cannot_register.html", {}, status=403)
    if request.method == "POST":
        return _save(request, user, None)
    return _project_form_page(request, None, _project_forms(user, None))


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    project = get_or_404(queries.editable_by(user).select_related("owner"), pk=pk)
    helper = _helper_response(request)
    if helper is not None:
        return helper
    if request.method == "POST":
        return _save(request, user, project)
    return _project_form_page(request, project, _project_forms(user, None, project))


@login_required
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    project = get_or_404(queries.editable_by(user).select_related("owner"), pk=pk)
    if request.method == "POST":
        try:
            services.project_delete(actor=user, project=project)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("ลบโครงการแล้ว"))
        return redirect("projects:list")
    return page(request, "projects/confirm_delete.html", {"project": project})
