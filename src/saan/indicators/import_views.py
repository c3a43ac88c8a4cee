"""Pages for importing indicator values (upload → preview → commit → result, with a progress
page for large files) and exporting them. Thin: the work is in ``importing.services`` and
``exports``.

The import pages exist only for signed-in editors, coordinators and administrators; anyone
else, and anyone opening another person's import, gets 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saan.areas.models import Area
from saan.core.pages import get_or_404, page
from saan.indicators import exports
from saan.indicators.importing import messages as msg
from saan.indicators.importing.messages import ImportBlocked, ImportFileError
from saan.indicators.importing.plan import Options, Outcome
from saan.indicators.importing.services import (
    BACKGROUND_THRESHOLD,
    MAX_UPLOAD_MB,
    can_import,
    import_commit,
    import_preview,
    import_recheck,
)
from saan.indicators.models import ImportStatus, IndicatorImport
from saan.indicators.periods import PeriodError, PeriodType, label, parse_period, period_type_of

PER_PAGE = 100
CONFLICTS_SHOWN = 500


def _importer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or not can_import(user):
        raise Http404
    return user


def _own_batch(request: HttpRequest, pk: int) -> tuple[User, IndicatorImport]:
    user = _importer(request)
    return user, get_or_404(IndicatorImport.objects.filter(created_by=user), pk=pk)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ไฟล์ข้อมูล"),
        help_text=gettext_lazy(
            "CSV (UTF-8 หรือ TIS-620), Excel .xlsx หรือ dataValueSet ของ DHIS2 (.json, .csv)"
        ),
    )
    indicator = forms.CharField(
        label=gettext_lazy("ตัวชี้วัดของทั้งไฟล์ (ถ้าไฟล์ไม่มีคอลัมน์ตัวชี้วัด)"),
        required=False,
        max_length=60,
    )
    period = forms.CharField(
        label=gettext_lazy("ช่วงเวลาของทั้งไฟล์ (ถ้าไฟล์ไม่มีคอลัมน์ช่วงเวลา)"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("เช่น 2568, ปีงบประมาณ 2568, ไตรมาส 1/2568, มี.ค. 2568"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(msg.file_too_large(MAX_UPLOAD_MB))
        return upload


def upload(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            options = Options(
                indicator=form.cleaned_data["indicator"].strip(),
                period=form.cleaned_data["period"].strip(),
            )
            try:
                batch = import_preview(
                    actor=user, content=upload.read(), filename=upload.name, options=options
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("indicators:import_detail", pk=batch.pk)
        status = 400
    recent = IndicatorImport.objects.filter(created_by=user).defer("content", "report")[:10]
    return page(
        request,
        "indicators/import_upload.html",
        {
            "form": form,
            "recent": recent,
            "threshold": BACKGROUND_THRESHOLD,
            "max_mb": MAX_UPLOAD_MB,
        },
        status=status,
    )


def _outcome_rows(batch: IndicatorImport, kind: str) -> list[Outcome]:
    rows = [Outcome.from_json(r) for r in batch.report]
    return [r for r in rows if r.kind == kind] if kind else rows


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _user, batch = _own_batch(request, pk)
    kind = request.GET.get("kind", "")
    if kind not in msg.KINDS:
        kind = ""
    rows = _outcome_rows(batch, kind)
    paginator = Paginator(rows, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    page_rows: list[Outcome] = list(page_obj.object_list)
    names = dict(
        (a.code, a.full_name) for a in Area.objects.filter(code__in={o.area for o in page_rows})
    )
    shown_rows = [
        {
            **o._asdict(),
            "label": msg.kind_label(o.kind),
            "area_name": names.get(o.area, ""),
            "period_label": label(o.period) if period_type_of(o.period) else o.period,
        }
        for o in page_rows
    ]
    counts = batch.counts or {}
    kinds = [(k, msg.kind_label(k), counts.get(k, 0)) for k in msg.KINDS]
    conflicts = _outcome_rows(batch, msg.CONFLICT)[:CONFLICTS_SHOWN]
    shown = sum(1 for r in rows if r.kind == kind) if kind else len(rows)
    return page(
        request,
        "indicators/import_detail.html",
        {
            "batch": batch,
            "kind": kind,
            "kinds": kinds,
            "page_obj": page_obj,
            "shown_rows": shown_rows,
            "kind_label": msg.kind_label(kind) if kind else "",
            "conflicts": conflicts,
            "layout": (batch.options or {}).get("layout", {}),
            "complete": shown >= counts.get(kind, 0)
            if kind
            else len(rows) >= counts.get("read", 0),
            "background": batch.row_count > BACKGROUND_THRESHOLD,
        },
    )


@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    user, batch = _own_batch(request, pk)
    if request.POST.get("reopen_all"):
        reopen = {r.value_id for r in _outcome_rows(batch, msg.CONFLICT) if r.value_id}
    else:
        reopen = {int(v) for v in request.POST.getlist("reopen") if v.isdigit()}
    try:
        batch = import_commit(
            actor=user,
            batch=batch,
            reopen=frozenset(reopen),
            skip_rejected=bool(request.POST.get("skip_rejected")),
        )
    except (ImportBlocked, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return redirect("indicators:import_detail", pk=batch.pk)
    if batch.status == ImportStatus.COMMITTED:
        messages.success(request, _("บันทึกข้อมูลเรียบร้อยแล้ว"))
    elif batch.status == ImportStatus.FAILED:
        messages.error(request, batch.error)
    return redirect("indicators:import_detail", pk=batch.pk)


@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    user, batch = _own_batch(request, pk)
    try:
        import_recheck(actor=user, batch=batch)
    except ImportBlocked as exc:
        messages.error(request, str(exc))
    except ImportFileError as exc:
        messages.error(request, str(exc))
    return redirect("indicators:import_detail", pk=batch.pk)


def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a background commit, polled by the page every two seconds; once it is
    done, htmx reloads the page to show the result."""
    _user, batch = _own_batch(request, pk)
    response = page(
        request,
        "indicators/import_status.html",
        {"batch": batch},
    )
    if batch.is_finished and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


def template(request: HttpRequest) -> HttpResponseBase:
    """A CSV to fill in: the long shape's headers and one example row."""
    _importer(request)
    rows = [
        ["รหัสตัวชี้วัด", "รหัสพื้นที่", "ช่วงเวลา", "ค่า", "จำแนก", "ที่มา"],
        ["poor-households", "400108", "ปีงบประมาณ 2568", "12", "", "จปฐ. 2568"],
    ]
    response = HttpResponse(
        "".join(exports.csv_chunks(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="saan-import-template.csv"'
    return response


# ---------------------------------------------------------------------------------- export


class ExportForm(forms.Form):
    indicator = forms.MultipleChoiceField(label=gettext_lazy("ตัวชี้วัด"), required=False)
    area = forms.CharField(
        label=gettext_lazy("รหัสพื้นที่ (รวมทุกพื้นที่ภายใต้)"),
        required=False,
        max_length=6,
        help_text=gettext_lazy("เว้นว่างไว้สำหรับทั้งประเทศ เช่น 40 คือ จ.ขอนแก่น ทั้งจังหวัด"),
    )
    period = forms.CharField(
        label=gettext_lazy("ช่วงเวลา"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("คั่นด้วยจุลภาค เช่น 2567, 2568 (เว้นว่างไว้สำหรับทุกช่วงเวลา)"),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("รูปแบบไฟล์"),
        choices=[
            ("csv", gettext_lazy("CSV (แถวละหนึ่งค่า)")),
            ("xlsx", gettext_lazy("Excel (แถวละหนึ่งค่า)")),
            ("xlsx_wide", gettext_lazy("Excel (คอลัมน์ละหนึ่งช่วงเวลา)")),
            ("dhis2_json", gettext_lazy("DHIS2 dataValueSets JSON")),
            ("dhis2_csv", gettext_lazy("DHIS2 dataValueSets CSV")),
        ],
    )

    def __init__(self, *args: Any, indicators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = {i.code: i for i in indicators}
        field = self.fields["indicator"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(i.code, f"{i.name} ({i.code})") for i in indicators]

    def clean_area(self) -> str:
        code = self.cleaned_data["area"].strip()
        if code and not Area.objects.filter(code=code).exists():
            raise forms.ValidationError(msg.unknown_area(code))
        return code

    def periods(self) -> list[str]:
        """Every period id the typed text can mean, for the selected indicators' types."""
        found: list[str] = []
        kinds = {i.period_type for i in self.selected()} or set(PeriodType)
        for part in self.cleaned_data["period"].split(","):
            part = part.strip()
            if not part:
                continue
            for kind in kinds:
                try:
                    found.append(parse_period(part, kind))
                except PeriodError:
                    continue
        return sorted(set(found))

    def selected(self) -> list[Any]:
        codes = self.cleaned_data.get("indicator") or list(self.indicators)
        return [self.indicators[c] for c in codes if c in self.indicators]


def export(request: HttpRequest) -> HttpResponseBase:
    indicators = list(exports.exportable_indicators(request.user))
    form = ExportForm(request.GET or None, indicators=indicators)
    if request.GET and form.is_valid():
        periods = form.periods()
        if form.cleaned_data["period"].strip() and not periods:
            form.add_error("period", _("อ่านช่วงเวลาไม่ได้"))
        else:
            selection = exports.Selection(
                indicators=form.selected(),
                area_code=form.cleaned_data["area"],
                periods=periods,
            )
            return exports.export_response(form.cleaned_data["format"], selection)
    return page(
        request,
        "indicators/import_export.html",
        {"form": form, "import_url": reverse("indicators:import")},
        status=400 if request.GET else 200,
    )
