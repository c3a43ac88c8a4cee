"""Importing indicator values: preview a file, then commit it, all or nothing.

``import_preview`` (the page) reads and checks a file and keeps it with its outcomes in an
``IndicatorImport``; ``import_commit`` commits it, at once or, for a large file, as a background
task enqueued when the request's transaction commits; ``commit_file`` is the commit itself, also
what the command line and the benchmarks call.

A commit reads the file again and compares it with the stored values *inside* its transaction,
after locking the values table against other writers (SQLite's write transactions lock the
database anyway), so it writes exactly what it compared, never what a stale preview said. In
the same transaction it writes an audit row per changed value, one summary row for the import
(``indicators.import``; values created in bulk are counted there, not listed one by one), and
refreshes the roll-ups of every touched (indicator, period) once: the province and country
figures are fresh the moment the import commits.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from saan.audit.services import record
from saan.indicators import rollups
from saan.indicators.importing import messages as msg
from saan.indicators.importing import writing
from saan.indicators.importing.messages import ImportBlocked, ImportFileError
from saan.indicators.importing.plan import (
    REJECTED,
    Options,
    Plan,
    Progress,
    classify,
    resolve,
)
from saan.indicators.importing.reading import open_file
from saan.indicators.models import DataValue, ImportStatus, IndicatorImport
from saan.indicators.services import WRITE_ROLES
from saan.partners import permissions

MAX_UPLOAD_MB = 50
# Files with more values than this are committed by a background task, with a progress page.
BACKGROUND_THRESHOLD = 20_000
# A correction touching at most this many areas refreshes only their ancestors' roll-ups.
TARGETED_REFRESH_LIMIT = 50
# What a recheck or a commit changes in a kept batch: never ``content`` (the file, up to
# MAX_UPLOAD_MB), which saving every field would copy again, nor who uploaded what and when.
BATCH_FIELDS = [
    "file_format",
    "shape",
    "row_count",
    "counts",
    "report",
    "options",
    "status",
    "phase",
    "error",
    "committed_at",
    "progress_done",
    "progress_total",
]


def can_import(user: Any) -> bool:
    """Editors and coordinators (of any area) and administrators may import; each value is
    then checked against the areas their grants cover (``services.can_enter``)."""
    return permissions.is_admin(user) or any(
        g.role in WRITE_ROLES for g in permissions.grants(user)
    )


def preview(
    *, actor: Any, content: bytes, filename: str, options: Options, progress: Progress | None = None
) -> Plan:
    """What importing this file would do, changing nothing. Raises ``ImportFileError``."""
    opened = open_file(content, filename)
    resolved = resolve(opened, actor=actor, options=options, progress=progress)
    return classify(resolved, options)


def _store_plan(batch: IndicatorImport, plan: Plan) -> None:
    layout = plan.resolved.layout
    batch.file_format = plan.resolved.file_format
    batch.shape = layout.shape
    batch.row_count = plan.resolved.read
    batch.counts = plan.counts
    batch.report = [o.as_json() for o in plan.sorted_outcomes()]
    batch.options = {
        **batch.options,
        "layout": {
            "table": layout.table,
            "header_row": layout.header_row,
            "area_col": layout.area_col,
            "used": layout.used,
            "ignored": layout.ignored,
            "notes": layout.notes,
        },
    }


def import_preview(
    *, actor: Any, content: bytes, filename: str, options: Options | None = None
) -> IndicatorImport:
    """Read and check an uploaded file and keep it, with every value's outcome, for the person
    to confirm. Changes no data. Raises ``ImportFileError`` for a file that cannot be read."""
    if not can_import(actor):
        raise PermissionDenied(msg.no_permission())
    if len(content) > MAX_UPLOAD_MB * 1024 * 1024:
        raise ImportFileError(msg.file_too_large(MAX_UPLOAD_MB))
    options = options or Options()
    plan = preview(actor=actor, content=content, filename=filename, options=options)
    batch = IndicatorImport(
        created_by=actor,
        filename=os.path.basename(filename)[:255] or "upload",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        options=options.as_json(),
    )
    _store_plan(batch, plan)
    batch.save()
    return batch


def import_recheck(*, actor: Any, batch: IndicatorImport) -> IndicatorImport:
    """Check a kept file again against the data as it is now (after a failed commit, or when
    others changed values since the preview)."""
    _require_owner(actor, batch)
    if batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.COMMITTED):
        raise ImportBlocked(msg.already_committed())
    options = Options.from_json(batch.options)
    plan = preview(
        actor=actor, content=bytes(batch.content), filename=batch.filename, options=options
    )
    _store_plan(batch, plan)
    batch.status, batch.error, batch.phase = ImportStatus.PREVIEWED, "", ""
    batch.save(update_fields=BATCH_FIELDS)
    return batch


def _require_owner(actor: Any, batch: IndicatorImport) -> None:
    if batch.created_by_id is None or batch.created_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(msg.not_yours())


def import_commit(
    *,
    actor: Any,
    batch: IndicatorImport,
    reopen: frozenset[int] = frozenset(),
    skip_rejected: bool = False,
) -> IndicatorImport:
    """Commit a previewed file: at once, or for more than ``BACKGROUND_THRESHOLD`` values as a
    background task (the batch is then "queued" and the status page follows it). ``reopen``
    names the accepted values the person chose to change; ``skip_rejected`` commits the rest of
    a file with refused values."""
    _require_owner(actor, batch)
    if batch.status == ImportStatus.COMMITTED:
        raise ImportBlocked(msg.already_committed())
    if batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return batch
    options = replace(
        Options.from_json(batch.options), reopen=frozenset(reopen), skip_rejected=skip_rejected
    )
    batch.options = {**batch.options, **options.as_json()}
    batch.error = ""
    if batch.row_count > BACKGROUND_THRESHOLD:
        from saan.indicators.importing.tasks import commit_import

        with transaction.atomic():
            batch.status, batch.phase = ImportStatus.QUEUED, "queued"
            batch.progress_done, batch.progress_total = 0, batch.row_count
            batch.save(update_fields=BATCH_FIELDS)
            pk = batch.pk
            transaction.on_commit(lambda: commit_import.enqueue(pk))
        return batch
    batch.status = ImportStatus.QUEUED
    batch.save(update_fields=BATCH_FIELDS)
    run_commit(batch.pk)
    batch.refresh_from_db(fields=BATCH_FIELDS)
    return batch


def run_commit(batch_id: int) -> IndicatorImport | None:
    """Commit a queued batch; what the background task runs. Claims the batch first, so a task
    delivered twice commits once. A refused or failed commit leaves the batch "failed" with the
    reason and no data changed."""
    claimed = IndicatorImport.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, phase="reading", progress_done=0
    )
    if not claimed:
        return None
    batch = IndicatorImport.objects.select_related("created_by").get(pk=batch_id)

    def progress(done: int, total: int) -> None:
        IndicatorImport.objects.filter(pk=batch_id).update(
            progress_done=min(done, total), progress_total=total
        )

    try:
        commit_file(
            actor=batch.created_by,
            content=bytes(batch.content),
            filename=batch.filename,
            options=Options.from_json(batch.options),
            batch=batch,
            progress=progress,
        )
    except (ImportBlocked, ImportFileError) as exc:
        _failed(batch_id, str(exc))
    except Exception:
        _failed(batch_id, msg.commit_failed())
        raise
    return IndicatorImport.objects.defer("content").get(pk=batch_id)


def _failed(batch_id: int, reason: str) -> None:
    IndicatorImport.objects.filter(pk=batch_id).update(
        status=ImportStatus.FAILED, phase="", error=reason
    )


def _lock_values() -> None:
    """Keep other writers out of the values table until this transaction ends (readers go on).
    EXCLUSIVE also waits for a ``select_for_update`` in ``value_set``, so the two never
    deadlock. SQLite's IMMEDIATE transactions already hold the database's write lock."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(DataValue._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


def _common_area(codes: set[str]) -> str:
    """The smallest area holding every code ("" for more than one province): where the import
    appears in the area's history."""
    if not codes:
        return ""
    prefix = os.path.commonprefix(sorted(codes))  # noqa: RUF071 (codes are digit strings)
    for length in (6, 4, 2):
        if len(prefix) >= length:
            return prefix[:length]
    return ""


def commit_file(
    *,
    actor: Any,
    content: bytes,
    filename: str,
    options: Options,
    batch: IndicatorImport | None = None,
    progress: Progress | None = None,
) -> tuple[IndicatorImport, Plan]:
    """Read, check and commit a file in one transaction: every value or none. Raises
    ``ImportFileError`` (unreadable file) or ``ImportBlocked`` (refused values, not skipped)."""
    if not can_import(actor):
        raise PermissionDenied(msg.no_permission())
    opened = open_file(content, filename)
    resolved = resolve(opened, actor=actor, options=options, progress=progress)
    if batch is not None:
        IndicatorImport.objects.filter(pk=batch.pk).update(phase="writing")
    with transaction.atomic():
        _lock_values()
        plan = classify(resolved, options)
        rejected = plan.counts[REJECTED]
        if rejected and not options.skip_rejected:
            raise ImportBlocked(msg.blocked_by_rejections(rejected))
        if batch is None:
            batch = IndicatorImport(
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                filename=os.path.basename(filename)[:255],
                sha256=hashlib.sha256(content).hexdigest(),
                options=options.as_json(),
            )
        _store_plan(batch, plan)
        batch.status, batch.phase, batch.error = ImportStatus.COMMITTED, "", ""
        batch.committed_at = timezone.now()
        batch.progress_done = batch.progress_total = batch.row_count
        if batch.pk is None:
            batch.save()
        else:
            batch.save(update_fields=BATCH_FIELDS)
        note = f"import #{batch.pk} {batch.filename}"
        written = writing.write(plan, actor=actor, now=batch.committed_at, note=note)
        if written:
            codes = plan.area_codes
            targeted = len(codes) <= TARGETED_REFRESH_LIMIT
            rollups.refresh(plan.pairs, base_codes=codes if targeted else None)
            counts = plan.counts
            record(
                actor=actor,
                action="indicators.import",
                target=batch,
                after={
                    "created": counts["create"],
                    "updated": counts["update"],
                    "unchanged": counts["unchanged"],
                    "skipped": counts["skipped"],
                    "conflicts_kept": counts["conflict"],
                    "rejected_skipped": counts["rejected"],
                    "reopened": counts["reopened"],
                    "file": batch.filename,
                    "sha256": batch.sha256,
                },
                area_code=_common_area(codes),
                note=note,
            )
    return batch, plan
