"""Pages of the spreadsheet import: upload → columns → preview → commit → status and report.

Thin: the work is ``importing.plan``; large files go to the background tasks in ``tasks``.
A batch is seen only by the person who uploaded it (and administrators); anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from saan.core.pages import get_or_404, page, signed_in_user
from saan.core.thai import thai_date
from saan.partners import permissions
from saan.partners.models import Organisation
from saan.projects import queries, tasks
from saan.projects.importing import plan
from saan.projects.importing.columns import NOT_STORED, ImportField
from saan.projects.importing.forms import MappingForm, UploadForm
from saan.projects.importing.read import ImportFileError, max_bytes, megabytes, read_table
from saan.projects.importing.report import report_csv, report_xlsx
from saan.projects.models import ImportBatch, ImportOutcome, ImportRow, ImportStatus

ROWS_PER_PAGE = 100
SAMPLE_ROWS = 3


def _batches(user: Any) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.select_related("owner", "uploaded_by").defer("file_content")
    return qs if permissions.is_admin(user) else qs.filter(uploaded_by=user)


def _own_batch(request: HttpRequest, pk: int) -> ImportBatch:
    """A batch the person may act on: only its uploader (the commit runs as them)."""
    user = signed_in_user(request)
    batch = get_or_404(_batches(user), pk=pk)
    if batch.uploaded_by_id != user.pk:
        raise Http404
    return batch


def _next_step(batch: ImportBatch) -> HttpResponse:
    if batch.status in (ImportStatus.UPLOADED, ImportStatus.FAILED) and not batch.counts:
        return redirect("projects:import_map", pk=batch.pk)
    if batch.status in (ImportStatus.MAPPED, ImportStatus.PREVIEWED) and not batch.queued_at:
        if batch.status == ImportStatus.PREVIEWED:
            return redirect("projects:import_preview", pk=batch.pk)
        return redirect("projects:import_map", pk=batch.pk)
    return redirect("projects:import_status", pk=batch.pk)


# -------------------------------------------------------------------------------- upload


class _SizeLimit(FileUploadHandler):
    """Stops reading an upload once it passes the import size limit, so a huge file is not
    spooled to disk only to be refused; the form then says the file is too large."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.request.saan_upload_too_large = self.seen  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _body_size(request: HttpRequest, seen: int) -> int:
    """The upload's size as the browser announced it (reading stopped at the limit)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), seen)
    except ValueError:
        return seen


@csrf_exempt  # checked below, after the size limit is in place (Django's documented order)
@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    request.upload_handlers.insert(0, _SizeLimit(request, max_bytes()))
    return _import_start(request)


@csrf_protect
def _import_start(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    owners = Organisation.objects.filter(pk__in=queries.owners_for(user)).order_by(
        "-is_strategic_partner", "name_th"
    )
    if not owners.exists():
        return page(request, "projects/import_forbidden.html", {}, status=403)
    form = UploadForm(request.POST or None, request.FILES or None, owners=owners)
    too_large = getattr(request, "saan_upload_too_large", 0)
    if too_large:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error(
            "file",
            _("ไฟล์ใหญ่เกิน %(limit)s MB (ไฟล์นี้ %(size)s MB): แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์")
            % {"limit": megabytes(max_bytes()), "size": megabytes(_body_size(request, too_large))},
        )
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = plan.create_batch(
                actor=user,
                owner=form.cleaned_data["owner"],
                file_bytes=upload.read(),
                filename=upload.name or "upload",
            )
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        except PermissionDenied as exc:
            form.add_error("owner", str(exc))
        else:
            return redirect("projects:import_map", pk=batch.pk)
    recent = _batches(user).filter(uploaded_by=user)[:10]
    status = 400 if request.method == "POST" else 200
    return page(
        request, "projects/import_start.html", {"form": form, "recent": recent}, status=status
    )


# ------------------------------------------------------------------------------- mapping


def _samples(table: Any, header_row: int, width: int) -> list[list[str]]:
    """A few values under each column, to help the person recognise it."""
    found: list[list[str]] = [[] for _ in range(width)]
    for row in table.rows[header_row : header_row + 40]:
        for col in range(width):
            value = row[col] if col < len(row) else None
            if value is not None and len(found[col]) < SAMPLE_ROWS:
                if isinstance(value, dt.date):
                    found[col].append(thai_date(value))
                else:
                    found[col].append(str(value)[:60])
    return found


@login_required
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    batch = _own_batch(request, pk)
    if batch.status in (ImportStatus.COMMITTING, ImportStatus.COMMITTED) or batch.is_running:
        return redirect("projects:import_status", pk=batch.pk)
    data = request.POST if request.method == "POST" else None
    sheet = (data.get("sheet") if data else "") or batch.sheet_name
    header_row = batch.header_row or 1
    if data and str(data.get("header_row", "")).isdigit():
        header_row = max(1, min(int(data["header_row"]), 200))
    try:
        table = read_table(bytes(batch.file_content), batch.file_name, sheet=sheet or None)
    except ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect("projects:import_start")
    changed_place = data is not None and (
        sheet != batch.sheet_name or header_row != batch.header_row or "refresh" in data
    )
    if changed_place:
        guess = plan.suggest(batch, table, header_row)
        headers = guess.headers
        initial = {f"col_{c}": f for c, f in guess.suggestions.items()}
        data = None  # show the new suggestion, not what was posted for the old columns
    else:
        headers = list(batch.headers)
        initial = {f"col_{c}": f for c, f in batch.mapping.items()}
    form = MappingForm(
        data,
        headers=headers,
        sheets=table.sheet_names or [table.sheet_name],
        initial={"header_row": header_row, "sheet": table.sheet_name, **initial},
    )
    errors: list[str] = []
    if data is not None and form.is_valid():
        mapping = form.mapping()
        try:
            plan.set_mapping(
                actor=user,
                batch=batch,
                header_row=header_row,
                mapping=mapping,
                headers=headers,
                sheet=table.sheet_name,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            return _preview_or_queue(request, batch, data_rows=len(table.rows) - header_row)
    samples = _samples(table, header_row, len(headers))
    columns = [
        (col, bound, samples[col] if col < len(samples) else [])
        for col, bound in form.column_fields()
    ]
    return page(
        request,
        "projects/import_map.html",
        {
            "batch": batch,
            "form": form,
            "columns": columns,
            "errors": errors,
            "data_rows": max(len(table.rows) - header_row, 0),
        },
        status=400 if errors else 200,
    )


def _preview_or_queue(request: HttpRequest, batch: ImportBatch, *, data_rows: int) -> HttpResponse:
    if data_rows < plan.INLINE_ROWS:
        plan.preview(actor=signed_in_user(request), batch=batch)
        return redirect("projects:import_preview", pk=batch.pk)
    plan.mark_queued(batch, checking_rows=data_rows)
    transaction.on_commit(lambda: _enqueue(tasks.preview_import, batch.pk))
    return redirect("projects:import_status", pk=batch.pk)


def _enqueue(task: Any, batch_id: int) -> None:
    result = task.enqueue(batch_id)
    plan.remember_task(batch_id, str(result.id))


# ------------------------------------------------------------------------------- preview


def _choice_groups(batch: ImportBatch) -> list[dict[str, Any]]:
    """Places the person can settle by picking: one entry per written name, with its rows."""
    groups: dict[str, dict[str, Any]] = {}
    rows = ImportRow.objects.filter(batch=batch, outcome=ImportOutcome.REJECTED).only(
        "row_number", "problems"
    )
    for row in rows.iterator(chunk_size=2000):
        for problem in row.problems:
            key = problem.get("key")
            if not key:
                continue
            group = groups.setdefault(
                key,
                {
                    "key": key,
                    "message": problem["message"],
                    "options": problem.get("options", []),
                    "rows": [],
                },
            )
            if len(group["rows"]) < 20:
                group["rows"].append(row.row_number)
    return list(groups.values())[:50]


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    batch = get_or_404(_batches(user), pk=pk)
    if batch.status not in (ImportStatus.PREVIEWED, ImportStatus.COMMITTED, ImportStatus.FAILED):
        return _next_step(batch)
    if request.method == "POST":
        batch = _own_batch(request, pk)
        choices = {
            key[len("place:") :]: request.POST.get(key, "")
            for key in request.POST
            if key.startswith("place:") and request.POST.get(key)
        }
        if batch.status == ImportStatus.PREVIEWED and choices:
            plan.set_place_choices(batch=batch, choices=choices)
            return _preview_or_queue(request, batch, data_rows=batch.progress_total or 0)
        return redirect("projects:import_preview", pk=batch.pk)
    show = request.GET.get("show", "")
    rows = ImportRow.objects.filter(batch=batch).order_by("row_number")
    if show in ImportOutcome.values:
        rows = rows.filter(outcome=show)
    elif batch.counts.get(ImportOutcome.REJECTED) and not show:
        show = "problems"
    if show == "problems":
        rows = rows.filter(outcome__in=[ImportOutcome.REJECTED, ImportOutcome.SKIPPED])
    paginator = Paginator(rows, ROWS_PER_PAGE)
    rows_page = paginator.get_page(request.GET.get("page"))
    labels = dict(ImportField.choices)
    used = [
        (labels.get(f, f), c)
        for c, f in sorted(batch.mapping.items(), key=lambda kv: int(kv[0]))
        if f and f not in NOT_STORED
    ]
    counts = batch.counts or {}
    return page(
        request,
        "projects/import_preview.html",
        {
            "batch": batch,
            "rows": rows_page,
            "show": show,
            "counts": counts,
            "to_write": counts.get(ImportOutcome.CREATE, 0) + counts.get(ImportOutcome.UPDATE, 0),
            "choice_groups": _choice_groups(batch)
            if batch.status == ImportStatus.PREVIEWED
            else [],
            "used": used,
            "outcomes": ImportOutcome.choices,
            "can_commit": batch.status == ImportStatus.PREVIEWED
            and batch.uploaded_by_id == user.pk,
        },
    )


# -------------------------------------------------------------------------------- commit


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    if batch.status != ImportStatus.PREVIEWED or batch.queued_at:
        return redirect("projects:import_status", pk=batch.pk)
    counts = batch.counts or {}
    to_write = counts.get(ImportOutcome.CREATE, 0) + counts.get(ImportOutcome.UPDATE, 0)
    if not to_write:
        messages.warning(request, _("ไม่มีแถวที่จะบันทึก"))
        return redirect("projects:import_preview", pk=batch.pk)
    if (batch.progress_total or 0) < plan.INLINE_ROWS:
        plan.commit(batch_id=batch.pk)
        return redirect("projects:import_status", pk=batch.pk)
    plan.mark_queued(batch)
    transaction.on_commit(lambda: _enqueue(tasks.commit_import, batch.pk))
    return redirect("projects:import_status", pk=batch.pk)


# -------------------------------------------------------------------------------- status


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    batch = get_or_404(_batches(user), pk=pk)
    htmx = getattr(request, "htmx", None)
    if htmx and batch.status == ImportStatus.PREVIEWED and not batch.queued_at:
        # The background check finished: go on to the preview.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = batch_url(batch, "projects:import_preview")
        return response
    return page(
        request,
        "projects/import_status.html",
        {
            "batch": batch,
            "counts": batch.counts or {},
            "stale": plan.is_stale(batch),
            "can_reset": plan.can_reset(user, batch),
            "stale_minutes": plan.stale_minutes(),
        },
        partial="projects/_import_progress.html",
    )


@require_POST
@login_required
def import_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a batch whose commit stopped without a word (its worker died) back to "ready to
    commit"; nothing had been written."""
    user = signed_in_user(request)
    batch = get_or_404(_batches(user), pk=pk)
    try:
        plan.reset_stale(actor=user, batch_id=batch.pk)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("projects:import_status", pk=batch.pk)
    messages.success(request, _("ตั้งการนำเข้าให้พร้อมยืนยันอีกครั้งแล้ว ไม่มีข้อมูลใดถูกบันทึกจากครั้งที่ค้าง"))
    return redirect("projects:import_preview", pk=batch.pk)


def batch_url(batch: ImportBatch, name: str) -> str:
    from django.urls import reverse

    return reverse(name, args=[batch.pk])


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    batch = get_or_404(_batches(user), pk=pk)
    if not batch.counts:
        raise Http404
    fmt = request.GET.get("format", "csv")
    stem = f"saan-import-{batch.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            report_xlsx(batch),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    response = HttpResponse(report_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
