"""Background work of the work register (django-tasks; the worker is ``manage db_worker``).

Large spreadsheet imports are checked and committed here instead of in the web request. Both
tasks are idempotent: the preview only runs for a batch still waiting for one, and the commit
claims its batch with one UPDATE (previewed → committing), so a task run twice, or a task racing
a person's second click, writes nothing the second time.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django_tasks import task

from saan.projects.importing import plan
from saan.projects.models import ImportBatch, ImportStatus


@task()
def preview_import(batch_id: int) -> dict[str, Any]:
    """Check every row of a mapped batch and store the preview."""
    batch = ImportBatch.objects.select_related("owner", "uploaded_by").filter(pk=batch_id).first()
    if batch is None or batch.status not in (ImportStatus.MAPPED, ImportStatus.PREVIEWED):
        return {"batch": batch_id, "done": False}
    if batch.status == ImportStatus.PREVIEWED and batch.queued_at is None:
        return {"batch": batch_id, "done": False}  # already previewed, nothing asked
    with translation.override(batch.language or "th"):
        try:
            result = plan.preview(actor=batch.uploaded_by, batch=batch)
        except Exception as exc:  # the page shows the failure instead of waiting forever
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportStatus.FAILED, error=str(exc)[:2000], queued_at=None, phase=""
            )
            raise
    return {"batch": batch_id, "done": True, "counts": result.counts}


@task()
def commit_import(batch_id: int) -> dict[str, Any]:
    """Write a previewed batch, all or nothing."""
    batch = plan.commit(batch_id=batch_id)
    return {"batch": batch_id, "status": batch.status, "counts": batch.counts}
